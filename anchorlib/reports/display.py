"""What report notebooks display: a title block, figures with alt text, tables with units, plain
text.

Notebooks call these instead of displaying DataFrames and figures directly, so
that every published report looks the same and stays readable:

* :func:`header` shows the title (and the simulated-data banner) and carries
  the report's metadata (sources used, simulated or not) for the site, which
  replaces it with the full header: collaborative, data vintages, licences and
  attributions from ``data/sources.yml``.
* :func:`figure` embeds a Matplotlib figure as a PNG (at ``DPI``) with alt
  text and a caption, then closes it.
* :func:`table` shows a DataFrame formatted by the unit in each column name
  (``(£)``, ``(%)``, counts), with a caption, and carries the raw values so
  the site offers the table as CSV and XLSX downloads.

Column names carry their units: ``spend (£)``, ``share of all spend (%)``.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Iterable

import pandas as pd

from anchorlib.core import fmt

__all__ = [
    "TABLE_MIME",
    "META_MIME",
    "DPI",
    "header",
    "figure",
    "png_bytes",
    "table",
    "text",
    "reading",
    "simulated_banner",
    "format_value",
    "slug",
    "DECILE_CMAP",
    "SEQUENTIAL_CMAP",
]

TABLE_MIME = "application/vnd.anchorlib.table+json"
META_MIME = "application/vnd.anchorlib.reports.display+json"
#: PNG resolution: sharp on ordinary screens, about 100-250 KB a figure.
DPI = 110
#: Colour maps that read in greyscale and for the common colour-vision deficiencies.
DECILE_CMAP = "cividis"
SEQUENTIAL_CMAP = "viridis"
#: Colours from cividis for bar charts: a dark and a light that differ in lightness, not only hue.
DARK, LIGHT, MID = "#00224e", "#fee838", "#7d7c78"


def _display(data: dict, metadata: dict | None = None) -> None:
    from IPython.display import display

    display(data, raw=True, metadata=metadata or {})


def slug(text: str) -> str:
    """A file-name-safe version of ``text``: lower case letters, digits and underscores."""
    s = re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")
    return s[:60] or "table"


def simulated_banner(note: str | None = None) -> str:
    """The banner shown wherever simulated data is used (HTML)."""
    body = note or (
        "Some figures here use simulated data: the demo's supplier postcodes are simulated "
        "(real postcodes drawn at random, not the suppliers' addresses). Geographic spend "
        "figures illustrate the method only and say nothing about these suppliers."
    )
    return (
        f'<div class="anchor-banner" role="note"><strong>Simulated data.</strong> '
        f"{html.escape(body)}</div>"
    )


def header(
    title: str,
    *,
    collaborative: str,
    subtitle: str | None = None,
    sources: Iterable[str] = (),
    simulated: bool = False,
    simulated_note: str | None = None,
    anchor: str | None = None,
) -> None:
    """Show the report title (and banner); carry the metadata the site needs for the page header.

    ``sources``: catalogue source ids whose data the report uses (their
    vintage, licence and attribution go in the header).  ``simulated``: the
    report uses simulated data (the banner is shown).
    """
    meta = {
        "title": title,
        "subtitle": subtitle,
        "collaborative": collaborative,
        "anchor": anchor,
        "sources": list(dict.fromkeys(sources)),
        "simulated": bool(simulated),
        "simulated_note": simulated_note,
    }
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="anchor-subtitle">{html.escape(subtitle)}</p>')
    if simulated:
        parts.append(simulated_banner(simulated_note))
    _display({META_MIME: meta, "text/html": "\n".join(parts), "text/plain": title})


def png_bytes(fig, dpi: int = DPI) -> bytes:
    """A Matplotlib figure as PNG bytes, the figure closed.  No version stamp in the metadata, so
    the same figure gives the same bytes (published pages are compared byte for byte)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(
        buf,
        format="png",
        dpi=dpi,
        bbox_inches="tight",
        facecolor="white",
        metadata={"Software": None},
    )
    plt.close(fig)
    return buf.getvalue()


def figure(fig, alt: str, caption: str | None = None, *, dpi: int = DPI) -> None:
    """Show a Matplotlib figure as an embedded PNG with alt text (what it shows, in words) and a
    caption."""
    if not alt or not alt.strip():
        raise ValueError("every figure needs alt text: say in words what it shows")
    data = base64.b64encode(png_bytes(fig, dpi)).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    body = (
        f'<figure class="anchor-figure"><img src="data:image/png;base64,{data}" '
        f'alt="{html.escape(alt, quote=True)}" style="max-width:100%;height:auto">{cap}</figure>'
    )
    _display({"text/html": body, "text/plain": f"[Figure: {alt}]"})


def _unit(col: str) -> str | None:
    m = re.search(r"\(([^()]*)\)\s*$", str(col))
    return m.group(1).strip() if m else None


def format_value(value, col: str = "") -> str:
    """A value for display, by the unit in its column name: £ (whole pounds), % (one decimal),
    counts."""
    if (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or value is pd.NA
        or value is pd.NaT
    ):
        return "–"
    unit = _unit(col)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if unit == "£":
            return fmt.pounds(value)
        if unit == "%":
            return fmt.percent(value, 1)
        if unit and unit.startswith("£"):
            return fmt.pounds(value, 2)
        if float(value).is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.1f}" if abs(value) >= 1 else f"{value:.3g}"
    if hasattr(value, "item"):
        return format_value(value.item(), col)
    return str(value)


def _html_table(
    df: pd.DataFrame, caption: str, max_rows: int | None, units_from: str | None = None
) -> str:
    shown = df if max_rows is None or len(df) <= max_rows else df.head(max_rows)
    numeric = {
        c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        for c in df.columns
    }
    head = "".join(
        f'<th scope="col"{" class=num" if numeric[c] else ""}>{html.escape(str(c))}</th>'
        for c in df.columns
    )
    rows = []
    for rec in shown.itertuples(index=False, name=None):
        cells = []
        row_unit = dict(zip(df.columns, rec)).get(units_from) if units_from else None
        for c, v in zip(df.columns, rec):
            cls = ' class="num"' if numeric[c] else ""
            unit_col = str(row_unit) if row_unit is not None and c != units_from else str(c)
            cells.append(f"<td{cls}>{html.escape(format_value(v, unit_col))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = ""
    if len(shown) < len(df):
        more = (
            f'<p class="anchor-more">Showing the first {len(shown):,} of {len(df):,} rows; '
            "the downloads have them all.</p>"
        )
    return (
        f'<table class="anchor-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"
    )


def table(
    df: pd.DataFrame,
    caption: str,
    *,
    name: str | None = None,
    notes: str | None = None,
    max_rows: int | None = 30,
    units_from: str | None = None,
) -> None:
    """Show a table with a caption; the site offers it as CSV and XLSX (all rows, raw values).

    Put units in the column names: ``spend (£)``, ``share (%)``.  ``name``: the
    download file name stem (default from the caption).  ``notes``: a line
    under the table (definitions, denominators), kept in the downloads too.
    ``units_from``: a column whose text ends with each row's unit (a
    ``measure``/``value`` table), used to format that row's numbers.
    """
    if df.index.name is not None or not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()
    df = df.copy()
    df.columns = [str(c) for c in df.columns]
    body = _html_table(df, caption, max_rows, units_from)
    if notes:
        body += f'<p class="anchor-note">{html.escape(notes)}</p>'
    payload = {
        "name": slug(name or caption),
        "caption": caption,
        "notes": notes,
        "data": df.to_json(orient="split", index=False, date_format="iso", default_handler=str),
    }
    _display(
        {
            TABLE_MIME: payload,
            "text/html": f'<div class="anchor-table-wrap">{body}</div>',
            "text/plain": f"[Table: {caption}, {len(df):,} rows]",
        }
    )


def text(markdown: str) -> None:
    """Show generated text (Markdown)."""
    _display({"text/markdown": markdown, "text/plain": markdown})


def reading(sentences: list[str], title: str = "What stands out") -> None:
    """Show the plain-English reading (sentences generated by anchorlib from the figures) as a
    list."""
    items = "".join(f"<li>{html.escape(s)}</li>" for s in sentences)
    _display(
        {
            "text/html": "<section "
            f'class="anchor-reading"><h2>{html.escape(title)}</h2><ul>{items}</ul></section>',
            "text/plain": "\n".join(f"- {s}" for s in sentences),
        }
    )


def table_from_payload(payload: dict) -> pd.DataFrame:
    """The DataFrame carried by a :func:`table` output (for the site's downloads)."""
    return pd.read_json(
        io.StringIO(payload["data"]), orient="split", dtype=False, convert_dates=False
    )


def describe(
    df: pd.DataFrame, label_col: str, value_col: str, prefix: str, *, limit: int = 12
) -> str:
    """Alt text listing a chart's values in words: ``prefix: label value; label value; ...``."""
    parts = []
    for _, r in df.head(limit).iterrows():
        v = r[value_col]
        if v is None or (isinstance(v, float) and math.isnan(v)):
            continue
        parts.append(f"{r[label_col]} {format_value(v, value_col)}")
    more = f"; and {len(df) - limit} more" if len(df) > limit else ""
    return f"{prefix}: {'; '.join(parts)}{more}."
