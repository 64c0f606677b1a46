"""Charts for report notebooks, readable by everyone: titles and axis labels in words, colour scales
that work for colour-blind readers and in greyscale (cividis, viridis), values labelled on the bars.

Each function draws on a new Matplotlib figure and returns it; show it with
:func:`anchorlib.reports.display.figure` (which embeds it as a PNG with alt text).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from anchorlib.core import fmt
from anchorlib.reports.display import DARK, DECILE_CMAP, LIGHT, MID

__all__ = [
    "pyplot",
    "decile_colours",
    "decile_map",
    "decile_small_multiples",
    "ranked_deciles",
    "hbar",
    "grouped_hbar",
    "line",
]


def pyplot():
    """matplotlib.pyplot with the reports' style (the Agg backend outside a notebook)."""
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.titleweight": "bold",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return plt


def decile_colours() -> list:
    """Ten colours from cividis, decile 1 (most deprived) darkest."""
    import matplotlib

    cmap = matplotlib.colormaps[DECILE_CMAP]
    return [cmap(i / 9) for i in range(10)]


def _decile_handles() -> list:
    from matplotlib.patches import Patch

    cols = decile_colours()
    labels = ["1 most deprived 10%"] + [str(d) for d in range(2, 10)] + ["10 least deprived 10%"]
    return [Patch(facecolor=c, edgecolor="none", label=lab) for c, lab in zip(cols, labels)]


def _legend_deciles(ax, title: str = "IMD 2025 decile", extra: list | None = None) -> None:
    ax.legend(
        handles=_decile_handles() + (extra or []),
        title=title,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=8,
        title_fontsize=9,
        alignment="left",
    )


def _paths(geoms) -> list:
    """Matplotlib paths of (multi)polygons, made once and drawn many times (much faster than
    GeoDataFrame.plot)."""
    from matplotlib.path import Path

    out = []
    for g in geoms:
        polys = [g] if g.geom_type == "Polygon" else list(getattr(g, "geoms", []))
        verts, codes = [], []
        for p in polys:
            for ring in [p.exterior, *p.interiors]:
                xy = np.asarray(ring.coords)[:, :2]
                if len(xy) < 3:
                    continue
                c = np.full(len(xy), Path.LINETO, dtype=np.uint8)
                c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
                verts.append(xy)
                codes.append(c)
        out.append(
            Path(np.concatenate(verts), np.concatenate(codes)) if verts else Path(np.zeros((1, 2)))
        )
    return out


def _draw(ax, paths, facecolors, *, edgecolor="none", linewidth=0.0, fill=True) -> None:
    from matplotlib.collections import PathCollection

    coll = PathCollection(
        paths, facecolors=facecolors if fill else "none", edgecolors=edgecolor, linewidths=linewidth
    )
    ax.add_collection(coll)
    ax.autoscale_view()


def decile_map(
    lsoas,
    column: str,
    *,
    title: str,
    lads=None,
    sites: pd.DataFrame | None = None,
    figsize=(9, 8.5),
):
    """A choropleth of an IMD decile column (1-10) by LSOA, with district outlines and anchor sites
    marked."""
    plt = pyplot()
    import matplotlib.patheffects as pe

    fig, ax = plt.subplots(figsize=figsize)
    cols = decile_colours()
    colour = lsoas[column].astype(int).map(lambda d: cols[d - 1])
    _draw(ax, _paths(lsoas.geometry), colour.tolist(), edgecolor="white", linewidth=0.1)
    if lads is not None:
        _draw(ax, _paths(lads.geometry), None, edgecolor="#333333", linewidth=0.8, fill=False)
    extra = []
    if sites is not None and len(sites):
        from matplotlib.lines import Line2D

        s = sites.dropna(subset=["easting", "northing"]).reset_index(drop=True)
        ax.scatter(
            s["easting"],
            s["northing"],
            marker="*",
            s=300,
            color="white",
            edgecolor="black",
            linewidth=1.2,
            zorder=5,
        )
        for i, r in s.iterrows():
            ax.annotate(
                str(i + 1),
                (r["easting"], r["northing"]),
                xytext=(8, 4),
                textcoords="offset points",
                fontsize=9,
                fontweight="bold",
                zorder=6,
                path_effects=[pe.withStroke(linewidth=3, foreground="white")],
            )
            extra.append(
                Line2D(
                    [],
                    [],
                    marker="*",
                    color="white",
                    markeredgecolor="black",
                    markersize=12,
                    linestyle="none",
                    label=f"{i + 1} {r['anchor_name']}",
                )
            )
    ax.set_title(title)
    ax.set_axis_off()
    ax.set_aspect("equal")
    _legend_deciles(ax, "IMD 2025 decile" + (" and anchor sites" if extra else ""), extra)
    return fig


def decile_small_multiples(
    lsoas, columns: dict[str, str], *, title: str, lads=None, ncols: int = 4
):
    """Small maps of several decile columns (e.g. the seven domains), one legend."""
    plt = pyplot()
    n = len(columns)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.1 * ncols, 3.3 * nrows))
    axes = list(getattr(axes, "flat", [axes]))
    cols = decile_colours()
    paths = _paths(lsoas.geometry)
    lad_paths = _paths(lads.geometry) if lads is not None else None
    for ax, (col, label) in zip(axes, columns.items()):
        _draw(ax, paths, lsoas[col].astype(int).map(lambda d: cols[d - 1]).tolist())
        if lad_paths is not None:
            _draw(ax, lad_paths, None, edgecolor="#333333", linewidth=0.4, fill=False)
        ax.set_title(label, fontsize=9)
        ax.set_axis_off()
        ax.set_aspect("equal")
    for ax in axes[n:]:
        ax.set_axis_off()
    fig.suptitle(title, fontweight="bold")
    if len(axes) > n:  # the legend in the first empty panel
        axes[n].legend(
            handles=_decile_handles(),
            title="national decile",
            loc="center",
            frameon=False,
            fontsize=8,
            title_fontsize=9,
            alignment="left",
        )
    else:
        _legend_deciles(axes[min(ncols, n) - 1], "decile")
    fig.tight_layout()
    return fig


def _fmt(v: float, unit: str) -> str:
    if v is None or pd.isna(v):
        return ""
    if unit == "%":
        return fmt.percent(v, 1)
    if unit == "£":
        return fmt.pounds_short(v)
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def ranked_deciles(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """The rows of ``table`` whose ``column`` is an IMD decile (labels from
    :func:`anchorlib.core.fmt.decile_label`: '1 (most deprived 10%)', '2', ... '10 (least deprived
    10%)'), in order; rows for locations without a decile ('location not known', no English IMD
    decile) are left out.  What the decile charts draw."""
    return table[table[column].astype(str).str[0].str.isdigit()]


def hbar(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    xlabel: str,
    unit: str = "",
    colours: Sequence | None = None,
    figsize=None,
    reference: float | None = None,
    reference_label: str | None = None,
):
    """A horizontal bar chart, first label at the top, each bar labelled with its value."""
    plt = pyplot()
    labels, values = list(labels), [0 if v is None or pd.isna(v) else float(v) for v in values]
    fig, ax = plt.subplots(figsize=figsize or (8, 0.42 * len(labels) + 1.3))
    y = range(len(labels))
    ax.barh(list(y), values, color=list(colours) if colours is not None else DARK)
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    top = max(values + [reference or 0, 0])
    for i, v in enumerate(values):
        ax.text(v + top * 0.01, i, _fmt(v, unit), va="center", fontsize=8)
    if reference is not None:
        ax.axvline(reference, color=MID, linestyle="--", linewidth=1)
        if reference_label:
            ax.text(
                reference,
                len(labels) - 0.4,
                f" {reference_label}",
                color="#333333",
                fontsize=8,
                va="bottom",
            )
    ax.set_xlim(0, top * 1.15 if top > 0 else 1)
    fig.tight_layout()
    return fig


def grouped_hbar(
    df: pd.DataFrame,
    label_col: str,
    value_cols: Sequence[str],
    *,
    title: str,
    xlabel: str,
    unit: str = "",
    series_labels: Sequence[str] | None = None,
):
    """Horizontal bars in groups (e.g. place, region, England per measure); colours from cividis."""
    plt = pyplot()
    import matplotlib

    k = len(value_cols)
    cmap = matplotlib.colormaps[DECILE_CMAP]
    colours = [cmap(i / max(k - 1, 1) * 0.9) for i in range(k)]
    fig, ax = plt.subplots(figsize=(8.5, 0.5 * len(df) * max(k, 2) * 0.6 + 1.6))
    y = np.arange(len(df))
    h = 0.8 / k
    for i, col in enumerate(value_cols):
        vals = pd.to_numeric(df[col], errors="coerce").fillna(0).to_numpy()
        ax.barh(
            y + i * h,
            vals,
            height=h,
            color=colours[i],
            edgecolor="white",
            linewidth=0.3,
            label=(series_labels or value_cols)[i],
        )
        for yy, v in zip(y + i * h, vals):
            ax.text(v, yy, " " + _fmt(v, unit), va="center", fontsize=7)
    ax.set_yticks(y + h * (k - 1) / 2, df[label_col].tolist())
    ax.invert_yaxis()
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.legend(frameon=False, loc="lower right", fontsize=8)
    xmax = (
        float(np.nanmax(df[list(value_cols)].apply(pd.to_numeric, errors="coerce").to_numpy()))
        if len(df)
        else 1
    )
    ax.set_xlim(0, xmax * 1.18 if xmax > 0 else 1)
    fig.tight_layout()
    return fig


def line(
    x: Sequence,
    series: dict[str, Sequence[float]],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    unit: str = "",
    hollow: Sequence[bool] | None = None,
    ylim=None,
):
    """Lines over years; ``hollow`` marks points to draw open (e.g. partial years)."""
    plt = pyplot()
    import matplotlib

    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    k = len(series)
    cmap = matplotlib.colormaps[DECILE_CMAP]
    styles = ["-", "--", ":", "-."]
    x = [str(v) for v in x]
    for i, (name, ys) in enumerate(series.items()):
        c = cmap(i / max(k - 1, 1) * 0.85)
        ys = [None if v is None or pd.isna(v) else float(v) for v in ys]
        ax.plot(x, ys, linestyle=styles[i % 4], color=c, label=name, linewidth=2)
        for j, (xx, yy) in enumerate(zip(x, ys)):
            if yy is None:
                continue
            open_ = hollow is not None and hollow[j]
            ax.plot(
                [xx],
                [yy],
                marker="o",
                markersize=6,
                color=c,
                markerfacecolor="white" if open_ else c,
            )
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if ylim:
        ax.set_ylim(*ylim)
    if k > 1:
        ax.legend(frameon=False, fontsize=8)
    ax.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    return fig


# Re-exported for notebooks that colour a highlight bar.
HIGHLIGHT, BASE = LIGHT, DARK
