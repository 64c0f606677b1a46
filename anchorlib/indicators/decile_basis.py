"""How a spend table's deprivation deciles are labelled: the collaborative's
``indicators.deprivation_basis`` in words.

Under ``own_nation`` (the default) a located supplier's ``imd25_decile`` is its own nation's decile
(IMD 2025 in England, WIMD 2019 in Wales, SIMD 2020 in Scotland, NIMDM 2017 in Northern Ireland,
each among its own nation's small areas), so a table headed "IMD 2025" would mislabel it; under
``england_only`` it is IMD 2025, and suppliers outside England have none.  Used by
:mod:`anchorlib.indicators.collective` (which re-exports them) and the spend reports.
"""

from __future__ import annotations

__all__ = ["DECILE_BASIS_INDICES", "decile_heading", "no_decile_words", "decile_basis_note"]

#: The indices a located supplier's decile comes from under ``deprivation_basis: own_nation``.
DECILE_BASIS_INDICES = "IMD 2025 England, WIMD 2019, SIMD 2020, NIMDM 2017"


def decile_heading(basis: str = "own_nation") -> str:
    """The heading of a table of spend by the supplier's deprivation decile, naming its basis
    (the collaborative's ``indicators.deprivation_basis``): under ``own_nation`` a supplier's
    ``imd25_decile`` is its own nation's decile, so a heading "IMD 2025" would mislabel it."""
    if basis == "england_only":
        return "IMD 2025 decile of the supplier's neighbourhood (England only)"
    return f"deprivation decile within the supplier's own nation ({DECILE_BASIS_INDICES})"


def no_decile_words(basis: str = "own_nation") -> str:
    """The row of located spend with no decile (``no_decile``), in words, by basis."""
    if basis == "england_only":
        return "located, no English IMD decile (outside England, or neighbourhood not known)"
    return "located, no decile (small area not known, or not ranked by its nation's index)"


def decile_basis_note(basis: str = "own_nation") -> str:
    """A sentence for a spend page: which basis its deprivation deciles use."""
    if basis == "england_only":
        return (
            "Deprivation basis: England only (deprivation_basis: england_only). Deciles are IMD "
            "2025, among England's neighbourhoods; suppliers in Wales, Scotland and Northern "
            "Ireland have no decile."
        )
    return (
        "Deprivation basis: each supplier's own nation (deprivation_basis: own_nation). A decile "
        f"is within the supplier's nation, on its own index ({DECILE_BASIS_INDICES}): decile 1 "
        "is its nation's most deprived 10% of small areas. The indices differ, so deciles are "
        "not comparable across nations."
    )
