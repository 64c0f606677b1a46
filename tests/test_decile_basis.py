"""Decile tables name their deprivation basis (issue 11, item 2 clean-up): under the default
``deprivation_basis: own_nation`` a located supplier's decile is its own nation's, so a heading
"IMD 2025" would mislabel it; under ``england_only`` it is IMD 2025, England only."""

from __future__ import annotations

from test_collective import make_collab, make_ledger

from anchorlib.indicators import collective as C
from anchorlib.reports import collaborative_spend as R


def test_headings_and_notes_name_the_basis():
    own, eng = C.decile_heading("own_nation"), C.decile_heading("england_only")
    assert "own nation" in own and "WIMD 2019, SIMD 2020, NIMDM 2017" in own
    assert not own.startswith("IMD 2025")
    assert eng == "IMD 2025 decile of the supplier's neighbourhood (England only)"
    assert "outside England" in C.no_decile_words("england_only")
    assert "outside England" not in C.no_decile_words("own_nation")
    assert "own_nation" in C.decile_basis_note() and "not comparable" in C.decile_basis_note()
    assert "england_only" in C.decile_basis_note("england_only")


def _with_basis(collab, basis):
    collab.spec.indicators.deprivation_basis = basis  # the setting, as a YAML would give it
    return collab


def test_the_collaborative_decile_table_follows_the_setting():
    led = make_ledger()
    for basis in ("own_nation", "england_only"):
        collab = _with_basis(make_collab(), basis)
        assert collab.spec.indicators.deprivation_basis == basis
        by_decile = C.combined_by_deprivation(led, collab)
        assert by_decile.attrs["decile_heading"] == C.decile_heading(basis)
        rep = R.collaborative_spend(collab, led)
        assert rep.deciles.columns[0] == C.decile_heading(basis)
        assert C.no_decile_words(basis) in rep.deciles.iloc[:, 0].tolist()
