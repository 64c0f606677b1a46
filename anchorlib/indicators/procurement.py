"""Procurement spend (step 7, item 5): the basis of the headline share in the place and targets.

CLES measures an anchor's spend **with suppliers**.  A published spend file also carries money
that is not buying anything from a supplier: payments to other public bodies, precepts and
levies, pension funds, HMRC, grants and benefits to individuals, and payees whose names are
withheld.  Procurement spend is all spend less these; each exclusion is listed with its amount,
and the all-spend share stays beside the procurement share as context.

Each counted line meets the first of these rules, in this order (:data:`EXCLUSIONS`):

1. ``redacted payees``: the payee's name is withheld (personal data); never a supplier;
2. ``HMRC``: the payee is HM Revenue & Customs (tax, national insurance, the apprenticeship levy);
3. ``pension funds``: the payee's name says pension or superannuation (a pension fund, scheme or
   partnership), or the line's category does (contributions, deficit payments, pension
   increases);
4. ``precepts and levies``: the category or description says precept, or the category says levy;
5. ``public bodies``: the register's organisation type is ``public_body`` (councils, NHS, police,
   fire, government departments, schools...);
6. ``grants and benefits to individuals``: the payee is an individual (``individual_sole_trader``)
   and the category or description says grant, benefit, bursary, allowance or compensation.  An
   individual paid for a service (a pathologist, counsel, a sole trader) is a supplier and stays.

Rules 2-4 come before 5 so that each is listed with its own amount, although HMRC and most
precepts are paid to public bodies.  Patterns are case-insensitive and matched against the
category as published and normalised (``PENSIONS_SERVICES`` as ``pensions services``).

Source: CLES procurement spend analysis (spend with suppliers, the Preston model); Local
Government Transparency Code 2015 (what the files carry).
"""

from __future__ import annotations

import re

import pandas as pd

from anchorlib.config.categories import normalise_category
from anchorlib.indicators.rows import excluded_split, pounds, share, spend_rows

__all__ = [
    "EXCLUSIONS",
    "INDIVIDUAL_GRANTS",
    "REDACTED_PAYEES",
    "procurement_rule",
    "procurement_parts",
    "procurement_rows",
    "individual_grant_lines",
]

REDACTED_PAYEES = "redacted payees"
INDIVIDUAL_GRANTS = "grants and benefits to individuals"
#: The exclusion labels, in the order the rules apply.
EXCLUSIONS = (
    REDACTED_PAYEES,
    "HMRC",
    "pension funds",
    "precepts and levies",
    "public bodies",
    INDIVIDUAL_GRANTS,
)

_HMRC = re.compile(
    r"\bHMRC\b|\bH\s?M\s?R\s?C\b|\bREVENUE\s*(?:AND|&)\s*CUSTOMS\b|\bINLAND REVENUE\b", re.I
)
_PENSION = re.compile(r"\bpensions?\b|\bsuperannuation\b", re.I)
_PRECEPT = re.compile(r"\bprecepts?\b", re.I)
_LEVY = re.compile(r"\blev(?:y|ies)\b", re.I)
_GRANT = re.compile(
    r"\bgrants?\b|\bbenefits?\b|\bbursar(?:y|ies)\b|\ballowances?\b|\bcompensation\b", re.I
)


#: (pattern, normalised) -> {text: matched}: the same names and categories recur in every year
#: and anchor a report computes, so each text is tested once per pattern.
_SEEN: dict[tuple[str, bool], dict[str, bool]] = {}


def _matches(col: pd.Series, rx: re.Pattern, normalised: bool = True) -> pd.Series:
    """Rows whose text (as published, or normalised as categories are) matches ``rx``; each
    distinct value tested once (and remembered)."""
    seen = _SEEN.setdefault((rx.pattern, normalised), {})
    if len(seen) > 1_000_000:
        seen.clear()
    values = col.dropna().unique()
    for v in values:
        if v not in seen:
            seen[v] = bool(rx.search(v) or (normalised and rx.search(normalise_category(v))))
    return col.isin([v for v in values if seen[v]])


def individual_grant_lines(rows: pd.DataFrame) -> pd.Series:
    """Lines paid to an individual (``individual_sole_trader``) whose category or description
    says grant, benefit, bursary, allowance or compensation (rule 6)."""
    rows = spend_rows(rows)
    ind = rows["_org_type"] == "individual_sole_trader"
    sub = rows[ind]  # only individuals' lines are read: descriptions are many
    what = _matches(sub["_category"], _GRANT) | _matches(sub["_description"], _GRANT)
    return ind & what.reindex(rows.index, fill_value=False)


def procurement_rule(ledger: pd.DataFrame) -> pd.Series:
    """For each counted row, the label of the first procurement exclusion it meets (None: it is
    procurement spend).  Labels: :data:`EXCLUSIONS`."""
    rows = spend_rows(ledger)
    tests = (
        (REDACTED_PAYEES, lambda r: r["_redacted"]),
        (
            "HMRC",
            lambda r: _matches(r["_name"], _HMRC, False) | _matches(r["_published"], _HMRC, False),
        ),
        (
            "pension funds",
            lambda r: (
                _matches(r["_name"], _PENSION)
                | _matches(r["_published"], _PENSION)
                | _matches(r["_category"], _PENSION)
            ),
        ),
        (
            "precepts and levies",
            lambda r: (
                _matches(r["_category"], _PRECEPT)
                | _matches(r["_description"], _PRECEPT)
                | _matches(r["_category"], _LEVY)
            ),
        ),
        ("public bodies", lambda r: r["_org_type"] == "public_body"),
        (INDIVIDUAL_GRANTS, individual_grant_lines),
    )
    out = pd.Series(None, index=rows.index, dtype=object)
    todo = pd.Series(True, index=rows.index)
    for label, test in tests:
        # each rule reads only the lines no earlier rule took
        hit = test(rows[todo]).fillna(False).astype(bool).reindex(rows.index, fill_value=False)
        out[hit] = label
        todo &= ~hit
    return out


def procurement_rows(ledger: pd.DataFrame) -> pd.DataFrame:
    """The rows that are procurement spend: :func:`spend_rows` less every exclusion."""
    rows = spend_rows(ledger)
    return rows[procurement_rule(rows).isna()]


def procurement_parts(ledger: pd.DataFrame, rule: pd.Series | None = None) -> dict:
    """Procurement spend and its exclusions.

    Returns ``total`` (procurement spend, £), ``share_of_all`` (of all spend), ``excluded_total``
    (£) and ``excluded`` (£ per label of :data:`EXCLUSIONS`, every label listed, 0 when it left
    nothing out), so total + excluded_total = all spend.  ``rule``: :func:`procurement_rule` of
    the rows when already computed.
    """
    rows = spend_rows(ledger)
    rule = procurement_rule(rows) if rule is None else rule
    tot, ex, excluded = excluded_split(rows, rule, EXCLUSIONS)
    return {
        "total": pounds(tot - ex),
        "share_of_all": share(tot - ex, tot),
        "excluded_total": pounds(ex),
        "excluded": {k: pounds(v) for k, v in excluded.items()},
    }
