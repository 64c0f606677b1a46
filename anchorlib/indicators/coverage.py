"""What each anchor's published ledger covers, per financial year, and whether two years (or two
anchors) are on a comparable basis (step 7, items 11 and 12).

    from anchorlib.indicators.coverage import coverage_table, comparable_basis, common_full_years

    cov = coverage_table(ledger)                       # one row per anchor and financial year
    cov = coverage_table(ledger, common_threshold=500) # analysed above the same threshold
    common_full_years(cov, ["hyndburn", "lancashire_fire"])   # years every anchor covers in full
    comparable_basis(cov, "hyndburn", "2024-25", "2022-23")    # (False, [reasons])

Three things decide whether a year's figures can be set beside another year's:

* **months covered**: a year with fewer than 12 months of payments is partial;
* **the publication threshold seen**: the Local Government Transparency Code 2015 asks for
  payments of £500 and over; some bodies publish from £250, some every line.  A year's band is the
  highest standard threshold (£500, then £250) below which at most 1% of its payment lines fall
  (a few lines under it are parts of invoices over it); otherwise ``none`` (every line).  With
  ``common_threshold`` every line under it is left out first, so the band is at least that;
* **the VAT basis** of the amount column read (the ledger's ``vat_basis``: ``net``, ``gross`` or
  ``unknown``, from the header; a ledger without the column is ``unknown``, never assumed net).
  A year is on one basis only when every line is; a year mixing an unknown basis with a known one
  is ``unknown``, one mixing net and gross is ``mixed``.

Two years are comparable when both are full years, their bands are the same and their VAT bases
are the same *known* basis: an unknown basis cannot be shown to be the same.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from anchorlib.indicators.rows import PENCE, spend_rows

__all__ = [
    "THRESHOLDS",
    "BELOW_TOLERANCE",
    "VAT_BASES",
    "vat_basis_column",
    "apply_common_threshold",
    "threshold_seen",
    "year_basis",
    "coverage_table",
    "common_full_years",
    "combined_years",
    "comparable_basis",
    "coverage_json",
    "year_comparability",
]

#: The standard publication thresholds looked for, in pounds, highest first (the Transparency
#: Code's £500, and £250, which many councils use).
THRESHOLDS = (500.0, 250.0)
#: The share of a year's payment lines that may fall under its threshold (lines of an invoice
#: over the threshold, small corrections) before the year is taken to publish below it.
BELOW_TOLERANCE = 0.01
#: The VAT bases of the canonical ledger's ``vat_basis`` column.
VAT_BASES = ("net", "gross", "unknown")

COLUMNS = [
    "anchor_id",
    "financial_year",
    "months",
    "first_month",
    "last_month",
    "missing_months",
    "complete",
    "lines",
    "smallest_payment",
    "share_under_500",
    "threshold_seen",
    "threshold_band",
    "vat_basis",
    "vat_bases_seen",
]


def vat_basis_column(ledger: pd.DataFrame) -> pd.Series:
    """Each line's VAT basis: the ledger's ``vat_basis`` lower-cased when it is ``net`` or
    ``gross``; ``unknown`` for anything else, a blank, or a ledger without the column."""
    if "vat_basis" not in ledger.columns:
        return pd.Series("unknown", index=ledger.index, dtype=object)
    v = ledger["vat_basis"].astype("string").str.strip().str.lower()
    return v.where(v.isin(["net", "gross"]), "unknown").fillna("unknown").astype(object)


def apply_common_threshold(ledger: pd.DataFrame, threshold: float | None) -> pd.DataFrame:
    """The ledger without the lines a body publishing from ``threshold`` pounds would not publish:
    every line whose absolute amount is under it (a £120 credit note goes with the £120 payments).
    ``None`` or 0: unchanged.  Works on a canonical ledger (``amount_pence``) or
    :func:`anchorlib.indicators.rows.spend_rows` rows."""
    if not threshold:
        return ledger
    col = PENCE if PENCE in ledger.columns else "amount_pence"
    if col not in ledger.columns:
        raise ValueError("the ledger has no amount_pence column: is it a canonical ledger?")
    keep = ledger[col].astype("int64").abs() >= round(float(threshold) * 100)
    return ledger[keep]


def threshold_seen(pence: pd.Series, tolerance: float = BELOW_TOLERANCE) -> float:
    """The publication threshold a year's lines show, in pounds: the highest of
    :data:`THRESHOLDS` below which at most ``tolerance`` of the payment lines (amount > 0) fall;
    0.0 when none fits (every line is published) or there is no payment line.

    Example: 200 payment lines, 1 under £500 and none under £250 -> 1/200 = 0.5% <= 1%: £500."""
    pos = pence[pence > 0]
    if pos.empty:
        return 0.0
    for t in THRESHOLDS:
        if float((pos < round(t * 100)).mean()) <= tolerance:
            return t
    return 0.0


def year_basis(bases: Iterable[str]) -> str:
    """The VAT basis of a year from its lines' bases: the one basis when every line has it;
    ``unknown`` when any line's is unknown; ``mixed`` for net and gross together."""
    seen = set(bases)
    if not seen or "unknown" in seen:
        return "unknown"
    return seen.pop() if len(seen) == 1 else "mixed"


def _band(threshold: float) -> str:
    return f"£{threshold:,.0f} and over" if threshold else "every line"


def _fy_months(fy: str) -> list[pd.Period]:
    start = int(str(fy)[:4])
    return list(pd.period_range(f"{start}-04", f"{start + 1}-03", freq="M"))


def coverage_table(ledger: pd.DataFrame, *, common_threshold: float | None = None) -> pd.DataFrame:
    """One row per anchor and financial year: what its published ledger covers.

    Counted on the lines every spend indicator counts (duplicates once,
    :func:`anchorlib.indicators.rows.spend_rows`), *before* any common threshold:

    ``months`` (months with at least one line), ``first_month``, ``last_month``,
    ``missing_months`` (the financial year's months without a line, ``;``-separated),
    ``complete`` (12 months), ``lines``, ``smallest_payment`` (£, the smallest line above zero),
    ``share_under_500`` (payment lines under £500 / payment lines: the Transparency Code
    minimum), ``threshold_seen`` (£, :func:`threshold_seen`), ``vat_basis`` (:func:`year_basis`)
    and ``vat_bases_seen`` (the lines' bases, ``;``-separated).  ``threshold_band``: the band the
    year is analysed on, ``£500 and over`` / ``£250 and over`` / ``every line``: the higher of the
    threshold seen and ``common_threshold``.

    Sources: Local Government Transparency Code 2015 (payments over £500); the amount header
    read (docs/ledger_schema.md).
    """
    rows = spend_rows(ledger)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    month = pd.to_datetime(rows["payment_date"]).dt.to_period("M")
    work = pd.DataFrame(
        {
            "a": rows["anchor_id"].astype(str),
            "y": rows["financial_year"].astype(str),
            "m": month,
            "p": rows[PENCE].astype("int64"),
            "v": vat_basis_column(rows),
        }
    )
    common = float(common_threshold or 0.0)
    recs = []
    for (a, y), g in work.groupby(["a", "y"], sort=True):
        months = sorted(set(g["m"].dropna()))
        pos = g["p"][g["p"] > 0]
        seen = threshold_seen(g["p"])
        recs.append(
            {
                "anchor_id": a,
                "financial_year": y,
                "months": len(months),
                "first_month": str(months[0]) if months else None,
                "last_month": str(months[-1]) if months else None,
                "missing_months": ";".join(str(m) for m in _fy_months(y) if m not in months),
                "complete": len(months) == 12,
                "lines": len(g),
                "smallest_payment": int(pos.min()) / 100 if len(pos) else None,
                "share_under_500": float((pos < 50000).mean()) if len(pos) else None,
                "threshold_seen": seen,
                "threshold_band": _band(max(seen, common)),
                "vat_basis": year_basis(g["v"]),
                "vat_bases_seen": ";".join(sorted(set(g["v"]))),
            }
        )
    return pd.DataFrame(recs, columns=COLUMNS)


def common_full_years(coverage: pd.DataFrame, anchors: Iterable[str]) -> list[str]:
    """The financial years every one of ``anchors`` covers in full (12 months), in order: the only
    years a combined "all years" figure may cover (an anchor missing from a year, or partial in
    it, would make the combined figure a different mix of bodies and months)."""
    anchors = list(anchors)
    if not anchors or coverage.empty:
        return []
    full = coverage[coverage["complete"].astype(bool)]
    have = full.groupby("financial_year")["anchor_id"].agg(set)
    return sorted(y for y, who in have.items() if set(anchors) <= who)


def combined_years(coverage: pd.DataFrame, anchors: Iterable[str]) -> tuple[list[str], bool]:
    """The financial years a combined "all years" figure covers, and whether it is comparable.

    The years every one of ``anchors`` covers in full (:func:`common_full_years`), comparable
    (``True``).  When there is none (a new collaborative, a first part-year of files), every year
    in ``coverage``, flagged not comparable (``False``): the figure is published with that caveat
    first rather than withheld, since it is the partnership's only evidence so far; a reader
    must not set it beside a later full year (step 7 item 12)."""
    full = common_full_years(coverage, anchors)
    if full:
        return full, True
    years = sorted(coverage["financial_year"].astype(str).unique()) if len(coverage) else []
    return years, False


def _lookup(coverage: pd.DataFrame) -> dict:
    return {(r.anchor_id, r.financial_year): r for r in coverage.itertuples(index=False)}


def comparable_basis(
    coverage: pd.DataFrame, anchors: Iterable[str] | str, year: str, base: str
) -> tuple[bool, list[str]]:
    """May ``year``'s figures of ``anchors`` (one id, or the anchors of a combined figure) be set
    beside ``base``'s?  ``(comparable, reasons)``: comparable when, for every anchor, both years
    are full years, in the same threshold band, on the same known VAT basis; ``reasons`` says in
    words what fails (empty when comparable).

    Example: an anchor whose 2022-23 is 12 months, from £250, net, and whose 2024-25 is 12
    months, every line, unknown basis -> (False, ["hyndburn: threshold £250 and over in 2022-23,
    every line in 2024-25", "hyndburn: VAT basis unknown in 2024-25"])."""
    who = [anchors] if isinstance(anchors, str) else list(anchors)
    look = _lookup(coverage)
    reasons: list[str] = []
    for a in who:
        r, b = look.get((a, year)), look.get((a, base))
        if r is None or b is None:
            missing = year if r is None else base
            reasons.append(f"{a}: no payments in {missing}")
            continue
        for y, x in ((base, b), (year, r)) if year != base else ((year, r),):
            if not x.complete:
                reasons.append(f"{a}: {y} has {x.months} of 12 months")
        if r.threshold_band != b.threshold_band:
            reasons.append(
                f"{a}: threshold {b.threshold_band} in {base}, {r.threshold_band} in {year}"
            )
        for y, x in ((base, b), (year, r)) if year != base else ((year, r),):
            if x.vat_basis not in ("net", "gross"):
                reasons.append(f"{a}: VAT basis {x.vat_basis} in {y}")
        if (
            r.vat_basis in ("net", "gross")
            and b.vat_basis in ("net", "gross")
            and r.vat_basis != b.vat_basis
        ):
            reasons.append(f"{a}: VAT basis {b.vat_basis} in {base}, {r.vat_basis} in {year}")
    return (not reasons and bool(who)), reasons


def coverage_json(coverage: pd.DataFrame) -> dict:
    """``{anchor: {financial_year: {months, ..., vat_basis}}}``: the ``coverage`` key of
    ``anchor indicators --json`` (JSON-able: plain numbers, strings, booleans and nulls)."""
    out: dict = {}
    for r in coverage.to_dict("records"):
        a, y = r.pop("anchor_id"), r.pop("financial_year")
        out.setdefault(a, {})[y] = {
            k: (None if v is None or (isinstance(v, float) and pd.isna(v)) else v)
            for k, v in r.items()
        }
    return out


def year_comparability(coverage: pd.DataFrame, anchors: Iterable[str], base: str | None) -> dict:
    """``{year: {key: {"comparable": bool, "not_comparable_because": [...]}}}`` for every year of
    ``coverage``: each anchor's figures, and ``combined`` (the anchors with payments that year),
    against the ``base`` year (:func:`comparable_basis`; combined also needs the same anchors as
    in the base year)."""
    anchors = list(anchors)
    look = _lookup(coverage)
    out: dict = {}
    base_present = [a for a in anchors if (a, base) in look]
    for y in sorted(set(coverage["financial_year"])):
        present = [a for a in anchors if (a, y) in look]
        rec = {}
        for a in present:
            ok, why = comparable_basis(coverage, a, y, base) if base else (False, [])
            rec[a] = {
                "comparable": ok,
                "not_comparable_because": why if base else ["no baseline year"],
            }
        ok, why = comparable_basis(coverage, present, y, base) if base else (False, [])
        if sorted(present) != sorted(base_present):
            ok, why = False, ["other anchors than in the baseline year", *why]
        rec["combined"] = {
            "comparable": ok,
            "not_comparable_because": why if base else ["no baseline year"],
        }
        out[y] = rec
    return out
