"""The workforce report's charts: shares of staff as bars, a suppressed figure never drawn as zero.

The workforce report's tables (:mod:`anchorlib.reports.workforce`) show a suppressed figure as
``c``; :func:`chart_series` takes a chart's series from such a table, :func:`share_chart` draws
them (a suppressed value gets no bar and the label 'c (suppressed)', never a bar of zero) and
:func:`chart_alt` says every value in words for the alt text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from anchorlib.core.fmt import percent
from anchorlib.reports.charts import pyplot
from anchorlib.reports.display import DARK, DECILE_CMAP, MID
from anchorlib.reports.workforce import SUPPRESSED

__all__ = ["chart_series", "share_chart", "chart_alt"]


def chart_series(
    table: pd.DataFrame, label_col: str, value_col: str, *, skip: Sequence[str] = ()
) -> tuple[list[str], dict[str, list]]:
    """(labels, {anchor: values}) from a display table with an ``anchor`` column: one series per
    anchor, the labels in the table's order (``skip``: labels left out, e.g. 'all staff')."""
    t = table[~table[label_col].isin(skip)]
    labels = list(dict.fromkeys(t[label_col]))
    series = {}
    for g in dict.fromkeys(t["anchor"]):
        part = t[t["anchor"] == g].set_index(label_col)[value_col]
        series[g] = [part.get(lab, SUPPRESSED) for lab in labels]
    return labels, series


def _value(v) -> float | None:
    """A charted value as a number; None when suppressed (``c``) or missing."""
    if v is None or v is pd.NA or isinstance(v, str):
        return None
    return None if isinstance(v, float) and math.isnan(v) else float(v)


def share_chart(
    labels: Sequence[str],
    series: dict[str, Sequence],
    *,
    title: str,
    xlabel: str,
    reference: float | None = None,
    reference_label: str | None = None,
    colours: Sequence | None = None,
):
    """Horizontal bars of percentages (one or several series), each labelled with its value; a
    suppressed value (``c`` or missing) gets no bar and the label 'c (suppressed)', never a bar of
    zero."""
    import matplotlib

    plt = pyplot()
    k = max(len(series), 1)
    names = list(series)
    if k == 1:
        fill = [list(colours)] if colours is not None else [[DARK] * len(labels)]
    else:
        cmap = matplotlib.colormaps[DECILE_CMAP]
        fill = [[cmap(i / (k - 1) * 0.9)] * len(labels) for i in range(k)]
    values = {n: [_value(v) for v in series[n]] for n in names}
    top = max([v for vs in values.values() for v in vs if v is not None] + [reference or 0, 1])
    fig, ax = plt.subplots(figsize=(8.5, 0.32 * len(labels) * max(k, 1.4) + 1.6))
    y = np.arange(len(labels))
    h = 0.8 / k
    for i, n in enumerate(names):
        vs = values[n]
        ax.barh(
            y + i * h,
            [0 if v is None else v for v in vs],
            height=h,
            color=fill[i],
            edgecolor="white",
            linewidth=0.3,
            label=n,
        )
        for yy, v in zip(y + i * h, vs):
            ax.text(
                0 if v is None else v,
                yy,
                " c (suppressed)" if v is None else f" {percent(v, 1)}",
                va="center",
                fontsize=7 if k > 1 else 8,
                style="italic" if v is None else "normal",
            )
    ax.set_yticks(y + h * (k - 1) / 2, list(labels))
    ax.invert_yaxis()
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    if reference is not None:
        ax.axvline(reference, color=MID, linestyle="--", linewidth=1)
        if reference_label:  # at the foot of the line, clear of the title
            from matplotlib.transforms import blended_transform_factory

            ax.text(
                reference,
                0.01,
                f" {reference_label}",
                color="#333333",
                fontsize=8,
                va="bottom",
                transform=blended_transform_factory(ax.transData, ax.transAxes),
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1, "alpha": 0.85},
            )
    if k > 1:
        ax.legend(frameon=False, loc="lower right", fontsize=8)
    ax.set_xlim(0, top * 1.25)
    fig.tight_layout()
    return fig


def chart_alt(labels: Sequence[str], series: dict[str, Sequence], prefix: str) -> str:
    """Alt text giving every value of a :func:`share_chart` in words, 'suppressed' where it is."""

    def one(v) -> str:
        x = _value(v)
        return "suppressed" if x is None else percent(x, 1)

    if len(series) == 1:
        vals = next(iter(series.values()))
        parts = [f"{lab} {one(v)}" for lab, v in zip(labels, vals)]
    else:
        parts = [
            f"{lab}: " + ", ".join(f"{n} {one(series[n][i])}" for n in series)
            for i, lab in enumerate(labels)
        ]
    return f"{prefix}: {'; '.join(parts)}."
