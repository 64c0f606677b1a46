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
    progress_chart(p, "place_share_of_all")           # a Matplotlib figure
    progress_reading(p)

Shares are shown as percentages (the library's fractions x 100) and their
changes and gaps in percentage points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from anchorlib.core.fmt import percent, points
from anchorlib.indicators import progress as P
from anchorlib.indicators import spend
from anchorlib.indicators.collective import COMBINED
from anchorlib.reports import charts
from anchorlib.reports.display import DARK, MID

__all__ = [
    "Progress",
    "collaborative_progress",
    "progress_reading",
    "progress_chart",
    "shares_chart",
    "sources",
    "chart_alt",
    "shares_alt",
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
]

#: Words and units for the default indicators of
#: anchorlib.indicators.progress.default_indicators ({place}: the place's name).
INDICATORS: dict[str, tuple[str, str]] = {
    "total": ("Spend", "£"),
    "located_share": ("Spend with a located supplier", "%"),
    "place_share_of_all": ("Spend with suppliers in {place}, of all spend", "%"),
    "place_share_of_located": ("Spend with suppliers in {place}, of located spend", "%"),
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


def _scale(name: str) -> float:
    """Shares are fractions in the library and percentages (or percentage points) on the page."""
    return 100.0 if indicator_unit(name) == "%" else 1.0


def _anchor_label(a: str, names: dict[str, str]) -> str:
    return "All anchors combined" if a == COMBINED else names.get(a, a)


def year_status(
    months: int, complete: bool, comparable: bool, is_baseline: bool, baseline_complete: bool
) -> str:
    """In words, how far a year's figures can be compared with the baseline year.

    Incomplete: fewer than 12 months of payments from an anchor present (its totals are not
    comparable with full years).  Not comparable: a full year, but a different set of anchors from
    the baseline year, or the baseline year itself incomplete."""
    if not complete:
        text = f"incomplete: {months} of 12 months"
    elif comparable or is_baseline:
        text = "full year"
    elif not baseline_complete:
        text = "full year; the baseline year is incomplete"
    else:
        text = "full year; other anchors than in the baseline year"
    return f"baseline year, {text}" if is_baseline else text


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


def _year_flags(table: pd.DataFrame) -> pd.DataFrame:
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
        ["months", "anchors_present", "complete", "comparable", "is_baseline"]
    ]


def _wide(table: pd.DataFrame, place: str, column: str, *, change: bool) -> pd.DataFrame:
    comb = _combined(table)
    flags = _year_flags(table)
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
                    else _points(float(part.get(y)) * _scale(name), name, change)
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
    flags = _year_flags(table)
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
            rec["year"] = year_status(
                int(f["months"]),
                bool(f["complete"]),
                bool(f["comparable"]),
                bool(f["is_baseline"]),
                base_complete,
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
        k = _scale(r.indicator)

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
    ]
    out = pd.DataFrame(recs, columns=cols)
    if out["declared baseline"].isna().all():
        out = out.drop(
            columns="declared baseline"
        )  # no target declares one: an empty column helps nobody
    return out


def target_year_table(table: pd.DataFrame, indicator: str, anchor: str, place: str) -> pd.DataFrame:
    """One target's indicator year by year: value, target, gap, change since the baseline, and the
    year's status."""
    rows = table[(table["indicator"] == indicator) & (table["anchor"] == anchor)].sort_values(
        "financial_year"
    )
    k = _scale(indicator)
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
                )
                for r in rows.itertuples()
            ],
            f"{indicator_label(indicator, place, unit=False)} ({u})": (
                rows["value"] * k
            ).to_numpy(),
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
    k = t["indicator"].map(_scale)
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
            "year": [
                f"{'full year' if c else f'incomplete: {m} of 12 months'}"
                f"{'' if cmp or not c else '; not comparable with the baseline'}"
                for m, c, cmp in zip(t["months"], t["complete"], t["comparable"])
            ],
        }
    ).reset_index(drop=True)


# --------------------------------------------------------------------------- the report


def collaborative_progress(
    collab,
    ledger: pd.DataFrame,
    *,
    complete_only: bool = True,
    baseline_year: str | None = None,
    aliases=None,
) -> Progress:
    """Every table of the progress report, from the collaborative's located ledger.

    ``complete_only``: judge each target on the last complete year (as progress.targets_summary).
    ``baseline_year``: override the YAML's ``baseline_year`` (None: the YAML's, else the first
    year)."""
    place = collab.place
    rows = spend.spend_rows(ledger, place)
    table = P.progress_table(rows, collab, aliases=aliases, baseline_year=baseline_year or None)
    summary = P.targets_summary(table, collab, complete_only=complete_only)
    names = {a.id: a.name for a in collab.spec.anchors}
    years = sorted(table["financial_year"].unique())
    target_years = {
        (t.indicator, t.anchor): target_year_table(table, t.indicator, t.anchor, place.name)
        for t in collab.spec.targets
        if ((table["indicator"] == t.indicator) & (table["anchor"] == t.anchor)).any()
    }
    sim = spend.simulated_share(rows)
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
    )


# --------------------------------------------------------------------------- charts


def _series(p: Progress, indicator: str, anchor: str, years: list[str]) -> list[float | None]:
    t = p.table[(p.table["indicator"] == indicator) & (p.table["anchor"] == anchor)].set_index(
        "financial_year"
    )
    k = _scale(indicator)
    return [
        None if y not in t.index or pd.isna(t.at[y, "value"]) else float(t.at[y, "value"]) * k
        for y in years
    ]


def _axis_years(p: Progress, until: str | None = None) -> list[str]:
    """The years on the axis: every year with figures, then each year up to ``until`` (a target's
    year)."""
    years = list(p.years)
    if until and years and P.year_start(until) > P.year_start(years[-1]):
        for y in range(P.year_start(years[-1]) + 1, P.year_start(until) + 1):
            years.append(f"{y}-{str(y + 1)[-2:]}")
    return years


def _incomplete(p: Progress, years: list[str]) -> list[bool]:
    flags = _year_flags(p.table)
    return [y in flags.index and not bool(flags.at[y, "complete"]) for y in years]


def _mark_baseline(ax, p: Progress, years: list[str]) -> None:

    if p.baseline_year in years:
        ax.axvline(
            years.index(p.baseline_year),
            color=DARK,
            linestyle=":",
            linewidth=1.2,
            label=f"baseline year ({p.baseline_year})",
        )


def _fmt(v: float, unit: str) -> str:
    if unit == "%":
        return percent(v, 1)
    if unit == "£":
        return f"£{v / 1e6:,.1f}m" if abs(v) >= 1e6 else f"£{v:,.0f}"
    return f"{v:,.0f}"


def progress_chart(p: Progress, indicator: str, anchor: str = COMBINED):
    """One indicator by financial year (open circles: incomplete years), the baseline year marked by
    a dotted line and, when the indicator has a target for ``anchor``, the target as a dashed line
    and a star at its year."""

    target = next(
        (t for t in p.target_specs if t.indicator == indicator and t.anchor == anchor), None
    )
    years = _axis_years(p, target.by if target else None)
    unit = indicator_unit(indicator)
    label = indicator_label(indicator, p.place, unit=False)
    scale = 1e6 if unit == "£" else 1.0
    ys = [None if v is None else v / scale for v in _series(p, indicator, anchor, years)]
    ylabel = {"£": "£ million", "%": "share (%)"}.get(unit, "number")
    who = "" if anchor == COMBINED else f"{p.anchor_names.get(anchor, anchor)}: "
    fig = charts.line(
        years,
        {label: ys},
        title=f"{who}{label}, by financial year",
        xlabel="financial year",
        ylabel=ylabel,
        hollow=_incomplete(p, years),
    )
    ax = fig.axes[0]
    _mark_baseline(ax, p, years)
    if target is not None:
        tv = target.target * _scale(indicator) / scale
        ax.axhline(
            tv,
            color=MID,
            linestyle="--",
            linewidth=1.2,
            label=f"target: {_fmt(target.target * _scale(indicator), unit)} by {target.by}",
        )
        ax.plot(
            [years.index(target.by)], [tv], marker="*", markersize=15, color=DARK, linestyle="none"
        )
    if unit == "%":
        top = max([v for v in ys if v is not None] + [target.target * 100 if target else 0])
        ax.set_ylim(0, min(100, top * 1.25 + 1))
    ax.plot(
        [],
        [],
        marker="o",
        markerfacecolor="white",
        color=MID,
        linestyle="none",
        label="open circle: incomplete year",
    )
    ax.legend(frameon=False, fontsize=8, loc="best")
    return fig


def shares_chart(p: Progress, indicators=SHARES_CHARTED):
    """Several combined shares on one chart (line styles differ as well as colours), the baseline
    year marked."""

    names = [i for i in indicators if (p.table["indicator"] == i).any()]
    years = _axis_years(p)
    fig = charts.line(
        years,
        {indicator_label(i, p.place, unit=False): _series(p, i, COMBINED, years) for i in names},
        title="All anchors combined: shares of spend by financial year",
        xlabel="financial year",
        ylabel="share (%)",
        hollow=_incomplete(p, years),
        ylim=(0, 100),
    )
    ax = fig.axes[0]
    _mark_baseline(ax, p, years)
    ax.plot(
        [],
        [],
        marker="o",
        markerfacecolor="white",
        color=MID,
        linestyle="none",
        label="open circle: incomplete year",
    )
    # below the axes: four long labels would cover the lines inside them
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2)
    return fig


def chart_alt(p: Progress, indicator: str, anchor: str = COMBINED) -> str:
    """Alt text for :func:`progress_chart`: the values by year in words, the baseline and the
    target."""
    unit = indicator_unit(indicator)
    vals = _series(p, indicator, anchor, p.years)
    inc = _incomplete(p, p.years)
    parts = [
        f"{y} {_fmt(v, unit)}{' (incomplete)' if i else ''}"
        for y, v, i in zip(p.years, vals, inc)
        if v is not None
    ]
    target = next(
        (t for t in p.target_specs if t.indicator == indicator and t.anchor == anchor), None
    )
    tail = f" Baseline year {p.baseline_year}." if p.baseline_year else ""
    if target:
        tail += f" Target {_fmt(target.target * _scale(indicator), unit)} by {target.by}."
    who = "all anchors combined" if anchor == COMBINED else p.anchor_names.get(anchor, anchor)
    label = indicator_label(indicator, p.place, unit=False)
    return (
        f"Line chart of {label[0].lower() + label[1:]} for {who} by financial year: "
        f"{'; '.join(parts)}.{tail}"
    )


def shares_alt(p: Progress, indicators=SHARES_CHARTED) -> str:
    """Alt text for :func:`shares_chart`: each share's first and last year, and the baseline
    year."""
    parts = []
    for i in indicators:
        vals = [(y, v) for y, v in zip(p.years, _series(p, i, COMBINED, p.years)) if v is not None]
        if vals:
            parts.append(
                f"{indicator_label(i, p.place, unit=False)} {percent(vals[0][1], 1)} in "
                f"{vals[0][0]}, {percent(vals[-1][1], 1)} in {vals[-1][0]}"
            )
    base = f" Baseline year {p.baseline_year} marked." if p.baseline_year else ""
    return f"Line chart of shares of combined spend by financial year: {'; '.join(parts)}.{base}"


# --------------------------------------------------------------------------- the reading


def _pts(v: float, unit: str) -> str:
    if unit == "%":
        return points(abs(v))
    return _fmt(abs(v), unit)


def _reached(r) -> bool:
    """The latest value meets the target, in the target's direction (as progress.targets_summary: up
    when the target is at or above the baseline)."""
    base = None if r.baseline_value is None or pd.isna(r.baseline_value) else r.baseline_value
    up = r.target >= base if base is not None else r.gap >= 0
    return bool(r.latest_value >= r.target if up else r.latest_value <= r.target)


def progress_reading(p: Progress) -> list[str]:
    """Short plain-English sentences on progress against the baseline year and the targets, from the
    figures."""
    if p.table.empty:
        return ["There are no payments in the ledger, so no progress can be measured."]
    out = []
    flags = _year_flags(p.table)
    incomplete = [y for y in p.years if y in flags.index and not bool(flags.at[y, "complete"])]
    span = (
        f"{len(p.years)} financial years of payments ({p.years[0]} to {p.years[-1]})"
        if len(p.years) > 1
        else f"one financial year of payments ({p.years[0]})"
    )
    out.append(f"Progress is measured against {p.baseline_year}, the baseline year, over {span}.")
    if incomplete:
        out.append(
            f"{', '.join(incomplete)}: fewer than 12 months of payments from at least one "
            "anchor, so "
            f"{'its figures are' if len(incomplete) == 1 else 'their figures are'} marked "
            "incomplete and "
            "not compared with full years."
        )
    if p.baseline_year in incomplete:
        out.append(
            f"The baseline year {p.baseline_year} is itself incomplete: no later year is "
            "strictly comparable "
            "with it, so read the changes as indications."
        )
    full = [a for a in p.anchor_names]
    partial_anchor_years = [
        y
        for y in p.years
        if y in flags.index
        and sorted(str(flags.at[y, "anchors_present"]).split(";")) != sorted(full)
    ]
    if partial_anchor_years:
        out.append(
            f"Not every anchor has payments in {', '.join(partial_anchor_years)}: combined "
            "figures for "
            f"{'that year' if len(partial_anchor_years) == 1 else 'those years'} cover fewer "
            "anchors."
        )
    if p.simulated:
        out.append(
            "Supplier locations are simulated for this demo: the place and deprivation shares "
            "illustrate the "
            "method and say nothing about these suppliers."
        )
    if not len(p.summary):
        out.append(
            "The collaborative's YAML declares no targets yet: add them under `targets` to track "
            "gaps."
        )
    for r in p.summary.itertuples(index=False):
        unit = indicator_unit(r.indicator)
        k = _scale(r.indicator)
        label = indicator_label(r.indicator, p.place, unit=False)
        who = "" if r.anchor == COMBINED else f" ({p.anchor_names.get(r.anchor, r.anchor)})"
        if r.latest_value is None or pd.isna(r.latest_value):
            out.append(
                f"{label}{who}: no {'full ' if p.complete_only else ''}year to judge the target of "
                f"{_fmt(r.target * k, unit)} by {r.by} against yet."
            )
            continue
        text = (
            f"{label}{who}: {_fmt(r.latest_value * k, unit)} in {r.latest_year}"
            + (" (the latest full year)" if p.complete_only else "")
            + (
                f", from {_fmt(r.baseline_value * k, unit)} in {r.baseline_year}"
                if r.baseline_value is not None and not pd.isna(r.baseline_value)
                else ""
            )
            + f"; the target is {_fmt(r.target * k, unit)} by {r.by}"
        )
        gap = r.gap * k
        if _reached(r):
            text += ", already reached."
        else:
            text += f", a gap of {_pts(gap, unit)}"
            if r.required_per_year is not None and not pd.isna(r.required_per_year):
                text += f", {_pts(r.required_per_year * k, unit)} a year to close it"
            if r.observed_per_year is not None and not pd.isna(r.observed_per_year):
                move = "up" if r.observed_per_year > 0 else "down"
                text += (
                    "; since the baseline it has moved "
                    f"{_pts(r.observed_per_year * k, unit)} a year {move}"
                )
            verdict = {True: "on track", False: "not on track"}.get(r.on_track, "too early to tell")
            text += f": {verdict}."
        out.append(text)
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
