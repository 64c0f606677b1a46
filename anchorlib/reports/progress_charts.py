"""The charts of the progress report: one indicator by financial year against the baseline year
and its target, and the combined shares together, with their alt texts.

    from anchorlib.reports import progress as progress_report, progress_charts
    p = progress_report.collaborative_progress(collab, ledger)
    fig = progress_charts.progress_chart(p, "place_share_of_all")
    progress_charts.chart_alt(p, "place_share_of_all")

Every number comes from the :class:`anchorlib.reports.progress.Progress` tables.
"""

from __future__ import annotations

import pandas as pd

from anchorlib.core.fmt import percent
from anchorlib.indicators import progress as P
from anchorlib.indicators.collective import COMBINED
from anchorlib.reports import charts
from anchorlib.reports.display import DARK, MID
from anchorlib.reports.progress import (
    SHARES_CHARTED,
    Progress,
    format_figure,
    indicator_label,
    indicator_unit,
    unit_scale,
    year_flags,
)

__all__ = ["progress_chart", "shares_chart", "chart_alt", "shares_alt"]


def _series(p: Progress, indicator: str, anchor: str, years: list[str]) -> list[float | None]:
    t = p.table[(p.table["indicator"] == indicator) & (p.table["anchor"] == anchor)].set_index(
        "financial_year"
    )
    k = unit_scale(indicator)
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
    flags = year_flags(p.table)
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
        tv = target.target * unit_scale(indicator) / scale
        ax.axhline(
            tv,
            color=MID,
            linestyle="--",
            linewidth=1.2,
            label=(
                f"target: {format_figure(target.target * unit_scale(indicator), unit)} "
                f"by {target.by}"
            ),
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
        f"{y} {format_figure(v, unit)}{' (incomplete)' if i else ''}"
        for y, v, i in zip(p.years, vals, inc)
        if v is not None
    ]
    target = next(
        (t for t in p.target_specs if t.indicator == indicator and t.anchor == anchor), None
    )
    tail = f" Baseline year {p.baseline_year}." if p.baseline_year else ""
    if target:
        tail += (
            f" Target {format_figure(target.target * unit_scale(indicator), unit)} by {target.by}."
        )
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
