"""The coverage section of each anchor's spend page (step 7, item 11): per financial year, the
months its published ledger covers, the publication threshold seen, the VAT basis of the amount
column read, and whether the year can be set beside the baseline year.

Every number comes from :mod:`anchorlib.indicators.coverage`; this module words it.  A notebook
makes one call::

    coverage_section.show(collab, ledger, anchor="hyndburn")     # anchor=None: every anchor

:func:`coverage_section` returns the table and the sentences without displaying them (tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from anchorlib.core.fmt import as_percent, pounds
from anchorlib.indicators.coverage import comparable_basis, coverage_table
from anchorlib.indicators.progress import baseline_year_of

__all__ = ["CoverageSection", "coverage_section", "coverage_sentences", "show"]

_VAT_WORDS = {
    "net": "net of VAT",
    "gross": "including VAT",
    "unknown": "unknown (the column read does not say)",
    "mixed": "mixed (net and gross lines)",
}


@dataclass
class CoverageSection:
    title: str
    table: pd.DataFrame  # one row per anchor (when several) and financial year
    sentences: list[str]
    baseline_year: str | None
    common_threshold: float | None


def _years(ys: list[str]) -> str:
    """``2017-18 to 2022-23`` for consecutive years, else each year."""
    if len(ys) > 2 and all(int(b[:4]) - int(a[:4]) == 1 for a, b in zip(ys, ys[1:])):
        return f"{ys[0]} to {ys[-1]}"
    return ", ".join(ys)


def coverage_sentences(
    cov: pd.DataFrame, names: dict[str, str], common: float | None = None
) -> list[str]:
    """Plain-English sentences on the coverage table: partial years, a change of publication
    threshold, a VAT basis that is unknown or changes."""
    out = []
    for a, part in cov.groupby("anchor_id", sort=False):
        who = names.get(a, a)
        part = part.sort_values("financial_year")
        for r in part[~part["complete"].astype(bool)].itertuples():
            out.append(
                f"{who}, {r.financial_year}: {r.months} of 12 months published (missing "
                f"{r.missing_months.replace(';', ', ')}): its totals are not comparable with full "
                "years."
            )
        bands = list(dict.fromkeys(part["threshold_band"]))
        if len(bands) > 1:
            runs = [
                f"{b} in {_years(part.loc[part['threshold_band'] == b, 'financial_year'].tolist())}"
                for b in bands
            ]
            hint = (
                ""
                if common
                else " Set indicators.common_threshold (e.g. 500) to analyse every year and "
                "anchor above the same threshold."
            )
            out.append(
                f"{who} published payments from different thresholds ({'; '.join(runs)}): "
                f"years in different bands are not compared.{hint}"
            )
        bases = list(dict.fromkeys(part["vat_basis"]))
        if bases not in (["net"], ["gross"]):  # one known basis throughout: nothing to say
            runs = [
                f"{_VAT_WORDS.get(b, b)} in "
                f"{_years(part.loc[part['vat_basis'] == b, 'financial_year'].tolist())}"
                for b in bases
            ]
            out.append(
                f"{who}: the VAT basis of the amounts is {'; '.join(runs)}. An amount on an "
                "unknown basis is not assumed net, and a year is compared with another only on "
                "the same known basis."
            )
    return out


def coverage_section(collab, ledger: pd.DataFrame, anchor: str | None = None) -> CoverageSection:
    """The coverage table of one anchor (``anchor``) or of every anchor (None), with its
    sentences.

    Columns: financial year, months covered, months missing, lines, smallest payment, lines under
    £500, the publication threshold seen, the band analysed (the higher of the threshold seen
    and the collaborative's ``common_threshold``), the VAT basis, full year, and "compared with
    the baseline year" (yes, or why not: :func:`anchorlib.indicators.coverage.comparable_basis`).
    """
    common = collab.spec.indicators.common_threshold
    names = {a.id: a.name for a in collab.spec.anchors}
    led = ledger if anchor is None else ledger[ledger["anchor_id"].astype(str) == anchor]
    cov = coverage_table(led, common_threshold=common)
    base = baseline_year_of(ledger, collab)
    order = {a: i for i, a in enumerate(names)}
    cov = cov.sort_values(
        ["anchor_id", "financial_year"], key=lambda s: s.map(order) if s.name == "anchor_id" else s
    )
    recs = []
    for r in cov.itertuples(index=False):
        ok, why = (
            comparable_basis(cov, r.anchor_id, r.financial_year, base) if base else (False, [])
        )
        rec = {} if anchor is not None else {"anchor": names.get(r.anchor_id, r.anchor_id)}
        rec.update(
            {
                "financial year": r.financial_year,
                "months covered (months)": r.months,
                "months missing": r.missing_months.replace(";", ", ") or "none",
                "lines (number)": r.lines,
                "smallest payment (£.p)": r.smallest_payment,
                "lines under £500 (%)": as_percent(r.share_under_500),
                "publication threshold seen": (
                    f"from {pounds(r.threshold_seen)}" if r.threshold_seen else "every line"
                ),
                "analysed": r.threshold_band,
                "VAT basis": _VAT_WORDS.get(r.vat_basis, r.vat_basis),
                "full year": bool(r.complete),
                f"compared with the baseline year {base}": (
                    "baseline year"
                    if ok and r.financial_year == base
                    else "yes"
                    if ok
                    else "no: " + "; ".join(w.split(": ", 1)[-1] for w in why)
                    if why
                    else "no baseline year"
                ),
            }
        )
        recs.append(rec)
    title = names.get(anchor, anchor) if anchor else collab.spec.name
    return CoverageSection(
        title=str(title),
        table=pd.DataFrame(recs),
        sentences=coverage_sentences(cov, names, common),
        baseline_year=base,
        common_threshold=common,
    )


def show(collab, ledger: pd.DataFrame, anchor: str | None = None) -> CoverageSection:
    """Display the coverage section (a heading, the sentences, the table) and return it."""
    from anchorlib.reports import display as report

    sec = coverage_section(collab, ledger, anchor)
    report.text(
        "## What the published ledger covers\n\n"
        "Per financial year: the months with payments, the smallest payment and the share of "
        "lines under £500 (the Local Government Transparency Code 2015 asks for payments of "
        "£500 and over; some bodies publish from £250, some every line), and whether the "
        "amounts are net of VAT, as the column read says. A year is compared with the baseline "
        "year only when both are full years in the same threshold band on the same known VAT "
        "basis."
    )
    if sec.sentences:
        report.reading(sec.sentences, title="Coverage")
    notes = (
        "Smallest payment: the smallest line above zero. Lines under £500: of the lines above zero."
    )
    if sec.common_threshold:
        notes += (
            f" Every anchor is analysed from {pounds(sec.common_threshold)} "
            "(indicators.common_threshold): lines under it are left out of the figures."
        )
    report.table(
        sec.table,
        f"{sec.title}: coverage by financial year",
        name="coverage_by_year",
        notes=notes,
    )
    return sec
