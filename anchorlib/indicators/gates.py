"""Coverage gates: a headline never outruns its evidence (step 7, items 8 and 20).

A share "of located spend" or "where the type is known" describes only the part of the spend whose
supplier is located or typed.  When that part is small the share says little about the whole, and
a board reading "0.0% went to suppliers in the place" takes it for a finding.  These pure functions
decide whether such a share may be presented as the position, and give the sentence a reading or a
page headline shows *first* when it may not.

* :func:`located_gate`: place, tier and deprivation shares (and progress against a geographic
  target) need the located share of the spend to reach ``indicators.min_located_share``
  (default 0.8).
* :func:`type_gate`: SME, VCSE (social-economy) and sector shares need the organisation type (or
  size band, or sector) to cover ``indicators.min_type_coverage`` of the spend (default 0.8).

Both return a JSON-able dict with the same keys, so a report handles them alike:
``passed`` (bool: the share may be presented), ``coverage`` (the share of spend covered, or None),
``threshold``, ``reason`` (None when passed; ``'no_spend'``, ``'none_covered'``,
``'below_threshold'``) and ``sentence`` (None when passed; otherwise the words to show first).

Source: ONS / GSS quality guidance (state the coverage of a statistic beside it, and do not
publish an estimate whose coverage cannot support it); CLES procurement spend analysis (shares
of located suppliers are reported with the located share).
"""

from __future__ import annotations

import math

__all__ = ["ENRICH_HINT", "located_gate", "type_gate", "coverage_gate"]

#: How to locate suppliers, shown when none is located.
ENRICH_HINT = (
    "add postcodes to the supplier register, or run the public-register enrichment "
    "(`anchor suppliers enrich`)"
)
#: How to give suppliers a type, shown when none is typed.
TYPE_HINT = (
    "add organisation types, company or charity numbers to the supplier register, or run the "
    "public-register enrichment (`anchor suppliers enrich`)"
)


def _pct(x: float) -> str:
    """A share as a percentage for a sentence, one decimal, rounded down: 79.96% reads 79.9%,
    never "80.0%, below the 80.0% needed"."""
    return f"{math.floor(x * 1000 + 1e-9) / 10:.1f}%"


def coverage_gate(
    coverage: float | None,
    threshold: float,
    *,
    covered: str,
    shares: str,
    none_yet: str,
    hint: str,
    withheld: bool = False,
) -> dict:
    """The gate for a share computed on the ``coverage`` part of the spend.

    ``coverage``: the share (0-1) of the spend the figure can see (located, typed...), None when
    there is no spend.  ``threshold``: the least coverage at which the share may be presented
    as the position (0-1).  ``covered``: what coverage means, for the sentence ("has a located
    supplier").  ``shares``: the shares gated ("place and deprivation shares").  ``none_yet``:
    the sentence's start at 0% ("No supplier is located yet").  ``hint``: how to raise the
    coverage, shown at 0%.  ``withheld``: below the threshold the share is not published at all
    (SME, VCSE: "coverage is too low"), rather than shown after the coverage (place shares).
    """
    if not 0 <= threshold <= 1:
        raise ValueError(f"a coverage threshold is a fraction 0-1, got {threshold!r}")
    out = {"passed": False, "coverage": coverage, "threshold": threshold}
    if coverage is None:
        sentence = f"There is no spend to measure, so no {shares} can be given."
        return out | {"reason": "no_spend", "sentence": sentence}
    if coverage >= threshold:
        return out | {"passed": True, "reason": None, "sentence": None}
    if coverage <= 0:
        sentence = f"{none_yet} (0% of the spend), so no {shares} can be given: {hint}."
        return out | {"reason": "none_covered", "sentence": sentence}
    start = f"Only {_pct(coverage)} of the spend {covered} (below the {_pct(threshold)} needed)"
    sentence = (
        f"{start}: coverage is too low to publish the {shares}."
        if withheld
        else f"{start}, so the {shares} would describe only that part, not the partnership's "
        "position."
    )
    return out | {"reason": "below_threshold", "sentence": sentence}


def located_gate(located_share: float | None, threshold: float) -> dict:
    """May place, tier and deprivation shares be presented as the position?

    ``located_share``: spend with a located supplier / all spend (``located_share`` of
    ``anchor indicators --json``), None when there is no spend.  ``threshold``: the
    collaborative's ``indicators.min_located_share`` (default 0.8).  Passed when the located
    share is at least the threshold; otherwise ``sentence`` states the located share first, and
    at 0% says no supplier is located yet and how to fix that (postcodes in the register, or the
    public-register enrichment).  Keys: see the module docstring.

    Example: located share 0.45, threshold 0.8 -> not passed, reason ``below_threshold``,
    "Only 45.0% of the spend has a located supplier (below the 80.0% needed), so the place and
    deprivation shares would describe only that part, not the partnership's position."
    """
    return coverage_gate(
        located_share,
        threshold,
        covered="has a located supplier",
        shares="place and deprivation shares",
        none_yet="No supplier is located yet",
        hint=ENRICH_HINT,
    )


def type_gate(
    coverage: float | None,
    threshold: float,
    what: str = "SME and VCSE shares",
    kind: str = "type",
) -> dict:
    """May an SME, VCSE or sector share be presented?  (Step 7 item 8.)

    ``coverage``: spend with a supplier whose ``kind`` (organisation ``type``, ``size`` band or
    ``sector``, for the share concerned) is known / all spend; ``threshold``:
    ``indicators.min_type_coverage`` (default 0.8).  Below it the share is withheld and
    ``sentence`` says the coverage is too low and shows it.  ``what`` names the shares.
    """
    return coverage_gate(
        coverage,
        threshold,
        covered=f"has a supplier of known {kind}",
        shares=what,
        none_yet=f"No supplier has a known {kind} yet",
        hint=TYPE_HINT,
        withheld=True,
    )
