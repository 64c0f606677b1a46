"""Progress against the baseline year and the targets: the tables and charts of the ``progress``
notebook.

Every number comes from :mod:`anchorlib.indicators.progress` (``progress_table``: each
headline indicator per financial year, its change against the baseline year
and its gap to the targets in the collaborative's YAML; ``targets_summary``:
where each target stands; ``year_coverage``: months with payments; definitions
in docs/indicators/collective.md).  This module only arranges them into tables
whose column names (or ``indicator`` labels) carry their units, marks the
years that are incomplete or not comparable, draws the year charts with the
baseline and the target marked, and words it all (:func:`progress_reading`).

    ledger = read_located_ledger(collab)              # the shared assets, read, never rebuilt
    p = collaborative_progress(collab, ledger)
    p.headline, p.change, p.coverage, p.targets, p.target_years, p.long
    progress_reading(p)
    # the charts: anchorlib.reports.progress_charts

Shares are shown as percentages (the library's fractions x 100) and their
changes and gaps in percentage points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from anchorlib.assets import baseline as frozen_baseline
from anchorlib.core.fmt import percent, points
from anchorlib.indicators import progress as P
from anchorlib.indicators import spend
from anchorlib.indicators.collective import COMBINED

__all__ = [
    "Progress",
    "collaborative_progress",
    "progress_reading",
    "sources",
    "INDICATORS",
    "SHARES_CHARTED",
    "indicator_label",
    "indicator_unit",
    "year_status",
    "year_label",
    "headline_table",
    "change_table",
    "coverage_table",
    "targets_table",
    "target_year_table",
    "long_table",
    "restatement_table",
    "unit_scale",
    "year_flags",
    "format_figure",
    "named",
]

#: Words and units for the default indicators of
#: anchorlib.indicators.progress.default_indicators ({place}: the place's name).
INDICATORS: dict[str, tuple[str, str]] = {
    "total": ("Spend", "£"),
    "located_share": ("Spend with a located supplier", "%"),
    "place_share_of_all": ("Spend with suppliers in {place}, of all spend", "%"),
    "place_share_of_located": ("Spend with suppliers in {place}, of located spend", "%"),
    "place_share_of_procurement": (
        "Procurement spend with suppliers in {place} (the headline)",
        "%",
    ),
    "deprived_share_of_procurement_located": (
        "Procurement spend in the most deprived neighbourhoods, of located procurement spend",
        "%",
    ),
    "deprived_share_of_all": ("Spend in the most deprived neighbourhoods, of all spend", "%"),
    "deprived_share_of_located": (
        "Spend in the most deprived neighbourhoods, of located spend",
        "%",
    ),
    "addressable_total": ("Addressable spend", "£"),
    "place_share_of_addressable": ("Addressable spend with suppliers in {place}", "%"),
    "social_economy_share": ("Spend with charities, social enterprises and co-operatives", "%"),
    "intra_collaborative_total": ("Paid from one member anchor to another", "£"),
    "shared_suppliers": ("Suppliers used by two or more anchors", "number"),
    "shared_supplier_share": ("Spend with suppliers used by two or more anchors", "%"),
}
#: The shares drawn together in one chart (targets get a chart each).
SHARES_CHARTED = (
    "place_share_of_all",
    "place_share_of_addressable",
    "deprived_share_of_located",
    "shared_supplier_share",
)


@dataclass
class Progress:
    name: str
    place: str
    baseline_year: str | None
    years: list[str]
    anchor_names: dict[str, str]
    table: pd.DataFrame  # anchorlib.indicators.progress.progress_table, as computed
    summary: pd.DataFrame  # anchorlib.indicators.progress.targets_summary, as computed
    headline: pd.DataFrame  # combined: indicator x year
    change: pd.DataFrame  # combined: change since the baseline, indicator x year
    coverage: pd.DataFrame  # year x anchor: months with payments, and the year's status
    targets: pd.DataFrame  # one row per target: where it stands
    target_years: dict[
        tuple[str, str], pd.DataFrame
    ]  # (indicator, anchor) -> year by year against the target
    long: pd.DataFrame  # every indicator, anchor and year (the download)
    target_specs: list = field(
        default_factory=list
    )  # the YAML's targets (anchorlib.config.collaborative.Target)
    complete_only: bool = True
    simulated: bool = False
    warnings: list[str] = field(default_factory=list)
    # the frozen baseline (anchorlib.assets.baseline; None: none frozen) and every baseline figure
    # restated since (a register edit, a re-ingested ledger, a changed setting)
    frozen: dict | None = None
    restatements: pd.DataFrame = field(default_factory=pd.DataFrame)
    restated: pd.DataFrame = field(default_factory=pd.DataFrame)  # restatement_table, worded
    min_located_share: float = 0.8


# --------------------------------------------------------------------------- labels and units


def indicator_unit(name: str) -> str:
    """``'£'``, ``'%'`` or ``'number'``: known indicators from :data:`INDICATORS`; others by their
    name."""
    if name in INDICATORS:
        return INDICATORS[name][1]
    return "%" if "share" in name else "£" if name.endswith("total") else "number"


def indicator_label(name: str, place: str, *, unit: bool = True, change: bool = False) -> str:
    """Words for an indicator, with its unit in brackets (``change=True``: the unit of its
    change)."""
    words = INDICATORS.get(name, (name.replace("_", " ").capitalize(), ""))[0].format(place=place)
    u = indicator_unit(name)
    if change and u == "%":
        u = "percentage points"
    return f"{words} ({u})" if unit else words


def unit_scale(name: str) -> float:
    """Shares are fractions in the library and percentages (or percentage points) on the page."""
    return 100.0 if indicator_unit(name) == "%" else 1.0


def _anchor_label(a: str, names: dict[str, str]) -> str:
    return "All anchors combined" if a == COMBINED else names.get(a, a)


def year_status(
    months: int,
    complete: bool,
    comparable: bool,
    is_baseline: bool,
    baseline_complete: bool,
    reason: str | None = None,
) -> str:
    """In words, how far a year's figures can be compared with the baseline year.

    Incomplete: fewer than 12 months of payments from an anchor present (its totals are not
    comparable with full years).  Not comparable: a full year, but the baseline year itself
    incomplete, or (``reason``, progress_table's ``not_comparable_because``) another threshold
    band, VAT basis or set of anchors than in the baseline year."""
    if not complete:
        text = f"incomplete: {months} of 12 months"
    elif comparable or (is_baseline and not reason):
        text = "full year"
    elif not baseline_complete:
        text = "full year; the baseline year is incomplete"
    elif reason:
        text = f"full year; not comparable: {reason}"
    else:
        text = "full year; other anchors than in the baseline year"
    return f"baseline year, {text}" if is_baseline else text


def _reason(r, names: dict[str, str] | None = None) -> str | None:
    v = getattr(r, "not_comparable_because", None)
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else named(str(v), names)


def named(text, names: dict[str, str] | None):
    """``text`` with each ``<anchor id>: `` the library writes (reasons, bands) as the anchor's
    name, for the page; anything else unchanged."""
    if not isinstance(text, str) or not names:
        return text
    for a in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<![\w]){re.escape(a)}: ", f"{names[a]}: ", text)
    return text


def year_label(year: str, baseline: str | None, complete: bool) -> str:
    """A year as a column heading: ``2022-23 (baseline)``, ``2025-26 (incomplete)``."""
    marks = (["baseline"] if year == baseline else []) + ([] if complete else ["incomplete"])
    return f"{year} ({', '.join(marks)})" if marks else year


# --------------------------------------------------------------------------- tables


def _points(v, name: str, change: bool):
    """Changes and gaps of shares in percentage points, to one decimal place (the precision the
    shares are published at); everything else as it is."""
    return (
        round(v, 1)
        if change and indicator_unit(name) == "%" and v is not None and not pd.isna(v)
        else v
    )


def _combined(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["anchor"] == COMBINED]


def year_flags(table: pd.DataFrame) -> pd.DataFrame:
    """Per financial year, the combined coverage (the same for every indicator): from the ``total``
    rows, or the first indicator's when ``total`` is not tracked."""
    comb = _combined(table)
    first = (
        "total"
        if (comb["indicator"] == "total").any()
        else (comb["indicator"].iloc[0] if len(comb) else None)
    )
    rows = comb[comb["indicator"] == first]
    return rows.set_index("financial_year")[
        [
            "months",
            "anchors_present",
            "complete",
            "comparable",
            "is_baseline",
            "threshold_band",
            "vat_basis",
            "not_comparable_because",
        ]
    ]


def _wide(table: pd.DataFrame, place: str, column: str, *, change: bool) -> pd.DataFrame:
    comb = _combined(table)
    flags = year_flags(table)
    base = table.attrs.get("baseline_year")
    years = sorted(comb["financial_year"].unique())
    heads = {y: year_label(y, base, bool(flags.at[y, "complete"])) for y in years}
    rows = []
    for name in dict.fromkeys(comb["indicator"]):
        part = comb[comb["indicator"] == name].set_index("financial_year")[column]
        rec = {"indicator": indicator_label(name, place, change=change)}
        rec.update(
            {
                heads[y]: (
                    None
                    if pd.isna(part.get(y))
                    else _points(float(part.get(y)) * unit_scale(name), name, change)
                )
                for y in years
            }
        )
        rows.append(rec)
    return pd.DataFrame(rows, columns=["indicator"] + [heads[y] for y in years])


def headline_table(table: pd.DataFrame, place: str) -> pd.DataFrame:
    """Every indicator of all anchors combined (net of payments between them), one row each, one
    column per financial year; headings mark the baseline year and incomplete years."""
    return _wide(table, place, "value", change=False)


def change_table(table: pd.DataFrame, place: str) -> pd.DataFrame:
    """The change of each combined indicator since the baseline year (value - baseline; shares in
    points)."""
    return _wide(table, place, "change", change=True)


def coverage_table(
    ledger: pd.DataFrame, table: pd.DataFrame, names: dict[str, str]
) -> pd.DataFrame:
    """Per financial year: months with payments from each anchor (progress.year_coverage), the
    anchors present, and whether the year's combined figures can be compared with the baseline
    year."""
    cov = P.year_coverage(ledger)
    wide = cov.pivot(index="financial_year", columns="anchor_id", values="months")
    ids = [a for a in names if a in wide.columns] + sorted(set(wide.columns) - set(names))
    flags = year_flags(table)
    base = table.attrs.get("baseline_year")
    base_complete = bool(flags.at[base, "complete"]) if base in flags.index else False
    recs = []
    for y in sorted(wide.index):
        rec = {"financial year": y}
        rec.update(
            {
                f"{names.get(a, a)} (months)": (
                    None if pd.isna(wide.at[y, a]) else int(wide.at[y, a])
                )
                for a in ids
            }
        )
        present = int(wide.loc[y].notna().sum())
        rec["anchors with payments (number)"] = present
        if y in flags.index:
            f = flags.loc[y]
            rec["threshold band"] = named(f["threshold_band"], names)
            rec["VAT basis"] = f["vat_basis"]
            rec["year"] = year_status(
                int(f["months"]),
                bool(f["complete"]),
                bool(f["comparable"]),
                bool(f["is_baseline"]),
                base_complete,
                _reason(f, names),
            )
        else:
            rec["year"] = "no combined figures"
        recs.append(rec)
    return pd.DataFrame(recs)


def _on_track(v, latest) -> str:
    if latest is None or pd.isna(latest):
        return "no full year yet"
    if v is None or pd.isna(v):
        return "cannot tell yet"
    return "yes" if bool(v) else "no"


def targets_table(summary: pd.DataFrame, place: str, names: dict[str, str]) -> pd.DataFrame:
    """One row per target (progress.targets_summary): baseline, latest, target, gap, the pace needed
    and the pace so far.  Each row's unit is in its ``indicator`` label; changes, gaps and paces of
    shares are in percentage points."""
    recs = []
    for r in summary.itertuples(index=False):
        k = unit_scale(r.indicator)

        def v(x, k=k):
            return None if x is None or pd.isna(x) else float(x) * k

        recs.append(
            {
                "indicator": indicator_label(r.indicator, place),
                "for": _anchor_label(r.anchor, names),
                "baseline year": r.baseline_year if isinstance(r.baseline_year, str) else "–",
                "baseline": v(r.baseline_value),
                "declared baseline": v(r.target_baseline),
                "latest year": r.latest_year if isinstance(r.latest_year, str) else "–",
                "latest": v(r.latest_value),
                "target": v(r.target),
                "target year": r.by,
                "gap to target": v(r.gap),
                "needed per year": v(r.required_per_year),
                "achieved per year since the baseline": v(r.observed_per_year),
                "on track": _on_track(r.on_track, r.latest_value),
                "located share, latest year (%)": _located_pct(
                    getattr(r, "latest_located_share", None)
                ),
                "latest year comparable with the baseline": _yes_no(
                    getattr(r, "latest_comparable", None)
                ),
            }
        )
    cols = [
        "indicator",
        "for",
        "baseline year",
        "baseline",
        "declared baseline",
        "latest year",
        "latest",
        "target",
        "target year",
        "gap to target",
        "needed per year",
        "achieved per year since the baseline",
        "on track",
        "located share, latest year (%)",
        "latest year comparable with the baseline",
    ]
    out = pd.DataFrame(recs, columns=cols)
    if out["declared baseline"].isna().all():
        out = out.drop(
            columns="declared baseline"
        )  # no target declares one: an empty column helps nobody
    return out


def _located_pct(x) -> float | None:
    return None if x is None or pd.isna(x) else 100.0 * float(x)


def _yes_no(x) -> str:
    return "–" if x is None or (isinstance(x, float) and pd.isna(x)) else "yes" if x else "no"


def target_year_table(
    table: pd.DataFrame,
    indicator: str,
    anchor: str,
    place: str,
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One target's indicator year by year: value, target, gap, change since the baseline, the
    located share and the year's status (anchors named by ``names``)."""
    rows = table[(table["indicator"] == indicator) & (table["anchor"] == anchor)].sort_values(
        "financial_year"
    )
    k = unit_scale(indicator)
    u = indicator_unit(indicator)
    du = "percentage points" if u == "%" else u
    base = table.attrs.get("baseline_year")
    base_rows = rows[rows["financial_year"] == base]
    base_complete = bool(base_rows["complete"].iloc[0]) if len(base_rows) else False
    return pd.DataFrame(
        {
            "financial year": rows["financial_year"].to_numpy(),
            "year": [
                year_status(
                    int(r.months),
                    bool(r.complete),
                    bool(r.comparable),
                    bool(r.is_baseline),
                    base_complete,
                    _reason(r, names),
                )
                for r in rows.itertuples()
            ],
            f"{indicator_label(indicator, place, unit=False)} ({u})": (
                rows["value"] * k
            ).to_numpy(),
            "located share (%)": (rows["located_share"] * 100).to_numpy(),
            f"target ({u})": (rows["target"] * k).to_numpy(),
            f"gap to target ({du})": [_points(v, indicator, True) for v in rows["gap"] * k],
            f"change since the baseline ({du})": [
                _points(v, indicator, True) for v in rows["change"] * k
            ],
        }
    )


def long_table(table: pd.DataFrame, place: str, names: dict[str, str]) -> pd.DataFrame:
    """Every indicator, anchor and year (the download): each row's unit in its ``indicator``
    label."""
    t = table
    k = t["indicator"].map(unit_scale)
    return pd.DataFrame(
        {
            "indicator": t["indicator"].map(lambda n: indicator_label(n, place)),
            "for": t["anchor"].map(lambda a: _anchor_label(a, names)),
            "financial year": t["financial_year"],
            "value": t["value"] * k,
            "baseline": t["baseline_value"] * k,
            "change since the baseline": t["change"] * k,
            "target": t["target"] * k,
            "gap to target": t["gap"] * k,
            "located share (%)": t["located_share"] * 100,
            "threshold band": t["threshold_band"].map(lambda b: named(b, names)),
            "VAT basis": t["vat_basis"],
            "year": [
                f"{'full year' if c else f'incomplete: {m} of 12 months'}"
                + (
                    ""
                    if cmp or not c
                    else "; not comparable with the baseline"
                    + (f": {named(why, names)}" if isinstance(why, str) and why else "")
                )
                for m, c, cmp, why in zip(
                    t["months"], t["complete"], t["comparable"], t["not_comparable_because"]
                )
            ],
        }
    ).reset_index(drop=True)


def restatement_table(rest: pd.DataFrame, place: str, names: dict[str, str]) -> pd.DataFrame:
    """The baseline figures restated since the baseline was frozen
    (:func:`anchorlib.assets.baseline.restatements`), worded: each row's unit in its ``indicator``
    label, differences of shares in percentage points."""
    cols = [
        "indicator",
        "for",
        "baseline year",
        "frozen",
        "restated",
        "difference",
        "located share, frozen (%)",
        "located share, restated (%)",
        "why",
    ]
    if rest is None or rest.empty:
        return pd.DataFrame(columns=cols)
    k = rest["indicator"].map(unit_scale)
    return pd.DataFrame(
        {
            "indicator": rest["indicator"].map(lambda n: indicator_label(n, place)),
            "for": rest["anchor"].map(lambda a: _anchor_label(a, names)),
            "baseline year": rest["baseline_year"],
            "frozen": rest["frozen_value"].astype(float) * k,
            "restated": rest["restated_value"].astype(float) * k,
            "difference": rest["difference"].astype(float) * k,
            "located share, frozen (%)": rest["frozen_located_share"].astype(float) * 100,
            "located share, restated (%)": rest["restated_located_share"].astype(float) * 100,
            "why": rest["why"],
        },
        columns=cols,
    ).reset_index(drop=True)


# --------------------------------------------------------------------------- the report


def collaborative_progress(
    collab,
    ledger: pd.DataFrame,
    *,
    complete_only: bool = True,
    baseline_year: str | None = None,
    aliases=None,
    out_root: Path | None = None,
    frozen: bool = True,
) -> Progress:
    """Every table of the progress report, from the collaborative's located ledger.

    ``complete_only``: judge each target on the last complete year (as progress.targets_summary).
    ``baseline_year``: override the YAML's ``baseline_year`` (None: the YAML's, else the first
    year every anchor covers in full).  ``frozen``: compare the baseline figures with the frozen
    baseline in ``out_root`` (:mod:`anchorlib.assets.baseline`) and list every restatement."""
    place = collab.place
    rows = spend.spend_rows(ledger, place)
    table = P.progress_table(rows, collab, aliases=aliases, baseline_year=baseline_year or None)
    summary = P.targets_summary(table, collab, complete_only=complete_only)
    names = {a.id: a.name for a in collab.spec.anchors}
    years = sorted(table["financial_year"].unique())
    target_years = {
        (t.indicator, t.anchor): target_year_table(table, t.indicator, t.anchor, place.name, names)
        for t in collab.spec.targets
        if ((table["indicator"] == t.indicator) & (table["anchor"] == t.anchor)).any()
    }
    sim = spend.simulated_share(rows)
    snap = frozen_baseline.read_baseline(collab, out_root) if frozen else None
    rest = frozen_baseline.restatements(
        snap,
        table,
        register=frozen_baseline.register_version(collab, out_root),
        ledger=frozen_baseline.ledger_version(collab, out_root),
        settings=frozen_baseline.settings_key(collab),
    )
    return Progress(
        name=collab.spec.name,
        place=place.name,
        baseline_year=table.attrs.get("baseline_year"),
        years=years,
        anchor_names=names,
        table=table,
        summary=summary,
        headline=headline_table(table, place.name),
        change=change_table(table, place.name),
        coverage=coverage_table(rows, table, names)
        if len(rows)
        else pd.DataFrame(columns=["financial year"]),
        targets=targets_table(summary, place.name, names),
        target_years=target_years,
        long=long_table(table, place.name, names),
        target_specs=list(collab.spec.targets),
        complete_only=complete_only,
        simulated=bool(sim),
        warnings=list(table.attrs.get("warnings", [])),
        frozen=snap,
        restatements=rest,
        restated=restatement_table(rest, place.name, names),
        min_located_share=collab.spec.indicators.min_located_share,
    )


# --------------------------------------------------------------------------- the reading


def format_figure(v: float, unit: str) -> str:
    if unit == "%":
        return percent(v, 1)
    if unit == "£":
        return f"£{v / 1e6:,.1f}m" if abs(v) >= 1e6 else f"£{v:,.0f}"
    return f"{v:,.0f}"


def _pts(v: float, unit: str) -> str:
    if unit == "%":
        return points(abs(v))
    return format_figure(abs(v), unit)


def _reached(r) -> bool:
    """The latest value meets the target, in the target's direction (as progress.targets_summary: up
    when the target is at or above the baseline)."""
    base = None if r.baseline_value is None or pd.isna(r.baseline_value) else r.baseline_value
    if base is None:  # no computed baseline: the one the target was declared against, if any
        base = _frame_value(getattr(r, "target_baseline", None))
    up = r.target >= base if base is not None else r.gap >= 0
    return bool(r.latest_value >= r.target if up else r.latest_value <= r.target)


def _frame_value(x):
    return None if x is None or (isinstance(x, float) and pd.isna(x)) else x


def _year_sentences(p: Progress, flags: pd.DataFrame) -> list[str]:
    """Incomplete years, an incomplete baseline, full years not comparable, fewer anchors."""
    out = []
    incomplete = [y for y in p.years if y in flags.index and not bool(flags.at[y, "complete"])]
    if incomplete:
        out.append(
            f"{', '.join(incomplete)}: fewer than 12 months of payments from at least one "
            f"anchor, so {'its figures are' if len(incomplete) == 1 else 'their figures are'} "
            "marked incomplete and not compared with full years."
        )
    if p.baseline_year in incomplete:
        out.append(
            f"The baseline year {p.baseline_year} is itself incomplete: a baseline must be a "
            "complete year, so no change is measured against it; declare a complete year as "
            "baseline_year."
        )
    elif p.baseline_year in flags.index:
        odd = [
            y
            for y in p.years
            if y in flags.index
            and y != p.baseline_year
            and bool(flags.at[y, "complete"])
            and not bool(flags.at[y, "comparable"])
        ]
        if odd:
            out.append(
                f"{', '.join(odd)}: full years, but not comparable with the baseline year (another "
                "publication threshold, VAT basis or set of anchors; the years table says which), "
                "so the change since the baseline is indicative only."
            )
    full = list(p.anchor_names)
    fewer = [
        y
        for y in p.years
        if y in flags.index
        and sorted(str(flags.at[y, "anchors_present"]).split(";")) != sorted(full)
    ]
    if fewer:
        out.append(
            f"Not every anchor has payments in {', '.join(fewer)}: combined figures for "
            f"{'that year' if len(fewer) == 1 else 'those years'} cover fewer anchors."
        )
    return out


def _restatement_sentences(p: Progress) -> list[str]:
    """The frozen baseline: as frozen, or the figures restated since (and why)."""
    snap = p.frozen
    if not snap or snap.get("baseline_year") != p.baseline_year:
        return []
    version = snap.get("register_version")
    if p.restatements.empty:
        return [
            f"The baseline figures are as frozen by the first run (supplier register version "
            f"{version}): none is restated."
        ]
    r = p.restatements.iloc[0]
    unit = indicator_unit(r["indicator"])
    k = unit_scale(r["indicator"])
    who = "" if r["anchor"] == COMBINED else f" ({p.anchor_names.get(r['anchor'], r['anchor'])})"
    n = len(p.restatements)
    now = _frame_value(r["restated_value"])
    return [
        f"{n} baseline figure{'s are' if n > 1 else ' is'} restated since the baseline was "
        f"frozen (supplier register version {version}): {r['why']}. For example, "
        f"{indicator_label(r['indicator'], p.place, unit=False)}{who}: "
        f"{format_figure(r['frozen_value'] * k, unit)} as frozen, "
        f"{'none' if now is None else format_figure(now * k, unit)} now. Changes are measured "
        "against the restated figures, so that both years count the same register; the "
        "restatements table keeps the frozen ones."
    ]


def _target_sentence(p: Progress, r) -> str:
    """Where one target stands; a geographic target below the located-share gate states the
    located share first and is not judged (step 7 item 20)."""
    unit = indicator_unit(r.indicator)
    k = unit_scale(r.indicator)
    label = indicator_label(r.indicator, p.place, unit=False)
    who = "" if r.anchor == COMBINED else f" ({p.anchor_names.get(r.anchor, r.anchor)})"
    if r.latest_value is None or pd.isna(r.latest_value):
        return (
            f"{label}{who}: no {'full ' if p.complete_only else ''}year to judge the target of "
            f"{format_figure(r.target * k, unit)} by {r.by} against yet."
        )
    value = format_figure(r.latest_value * k, unit)
    target = f"the target is {format_figure(r.target * k, unit)} by {r.by}"
    geo = P.is_geographic(r.indicator)
    loc = _frame_value(getattr(r, "latest_located_share", None))
    passed = _frame_value(getattr(r, "located_gate_passed", None))
    if geo and passed is not None and not bool(passed):
        return (
            f"{label}{who}, {r.latest_year}: {r.located_gate_sentence} The figure is {value}; "
            f"{target}; progress against it is not judged until more of the spend is located."
        )
    text = (
        f"{label}{who}: {value} in {r.latest_year}"
        + (" (the latest full year)" if p.complete_only else "")
        + (f", {percent(loc * 100, 1)} of its spend located" if geo and loc is not None else "")
        + (
            f", from {format_figure(r.baseline_value * k, unit)} in {r.baseline_year}"
            if r.baseline_value is not None and not pd.isna(r.baseline_value)
            else ""
        )
        + f"; {target}"
    )
    if _reached(r):
        return text + ", already reached."
    text += f", a gap of {_pts(r.gap * k, unit)}"
    if r.required_per_year is not None and not pd.isna(r.required_per_year):
        text += f", {_pts(r.required_per_year * k, unit)} a year to close it"
    if r.observed_per_year is not None and not pd.isna(r.observed_per_year):
        move = "up" if r.observed_per_year > 0 else "down"
        text += (
            f"; since the baseline it has moved {_pts(r.observed_per_year * k, unit)} a year {move}"
        )
        if not bool(_frame_value(getattr(r, "latest_comparable", True))):
            text += " (not comparable with the baseline: indicative only)"
    verdict = {True: "on track", False: "not on track"}.get(r.on_track, "too early to tell")
    return text + f": {verdict}."


def progress_reading(p: Progress) -> list[str]:
    """Short plain-English sentences on progress against the baseline year and the targets, from the
    figures."""
    if p.table.empty:
        return ["There are no payments in the ledger, so no progress can be measured."]
    flags = year_flags(p.table)
    span = (
        f"{len(p.years)} financial years of payments ({p.years[0]} to {p.years[-1]})"
        if len(p.years) > 1
        else f"one financial year of payments ({p.years[0]})"
    )
    out = [f"Progress is measured against {p.baseline_year}, the baseline year, over {span}."]
    out += _year_sentences(p, flags)
    out += _restatement_sentences(p)
    if p.simulated:
        out.append(
            "Supplier locations are simulated for this demo: the place and deprivation shares "
            "illustrate the method and say nothing about these suppliers."
        )
    if not len(p.summary):
        out.append(
            "The collaborative's YAML declares no targets yet: add them under `targets` to track "
            "gaps."
        )
    out += [_target_sentence(p, r) for r in p.summary.itertuples(index=False)]
    out += [f"Note: {w}." for w in p.warnings]
    return out


def sources(collab) -> list[str]:
    """Catalogue source ids the progress report draws on (for the licences and attributions)."""
    ids = [a.ledger.source for a in collab.spec.anchors if a.ledger is not None and a.ledger.source]
    return ids + [
        "imd2025",
        "onspd_lookup",
        "codepoint_open",
        "lookup_lsoa21_ward24",
        "lookup_lad24_region",
    ]
