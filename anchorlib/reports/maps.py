"""Maps people can explore: a decile map as an inline SVG that the site makes pannable and zoomable,
with a label for each small area (its name, its index's decile and rank) and the anchors' sites.

:func:`figure` shows, in one report figure, the interactive map and the static PNG of the same map
(Matplotlib, :func:`anchorlib.reports.charts.decile_map`).  The PNG carries the alt text; it is what
prints, and what shows where scripts do not run.  The site (:mod:`anchorlib.run.site`) adds the
small script and style sheet of ``anchorlib/reports/static/`` to every page with a map: copied
once into the site's ``site-static/`` folder, linked relatively, so the site works offline and from
a USB stick (``file://``), with nothing loaded from elsewhere.

The SVG is kept light: the small areas' boundaries (already simplified as a coverage, shared
edges kept shared) are simplified again to the map's scale, drawn in British National Grid metres
on an integer grid of ``unit`` metres (y flipped: north up), each ring as one absolute move and
then relative line steps.  Areas are grouped by decile, so one fill attribute serves a group.

Each small area's label comes from the frame: its name (``lsoa21_name``), code (``lsoa21_code``),
decile and rank (``imd_decile``, ``imd_rank``) and the index those belong to (:func:`row_indices`):
the row's ``index_name`` (e.g. "WIMD 2019") and ``index_areas`` (the small areas that index ranks,
e.g. 1,909) when the frame has them, else its nation's index (:mod:`anchorlib.data.nations`) by
its ``country_code`` or its small-area code (E01, W01, S01, 95...), so a place across nations
needs nothing more.  Ranks are only ever read against their own index: "WIMD 2019 decile 3, rank
120 of 1,909"; the legend names every index on the map.

    fig = charts.decile_map(asset.lsoas, "imd_decile", lads=asset.lads, sites=asset.sites, title=t)
    maps.figure(fig, asset.lsoas, alt=alt, caption=caption, lads=asset.lads, sites=asset.sites)
"""

from __future__ import annotations

import base64
import html
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.data.deprivation import DEFAULT_EDITION, N_LSOAS
from anchorlib.data.nations import INDICES, nation_of_code
from anchorlib.reports.display import DPI, png_bytes

__all__ = [
    "MAP_MIME",
    "STATIC_DIR",
    "STATIC_FILES",
    "INDEX_COLUMN",
    "AREAS_COLUMN",
    "DEFAULT_INDEX",
    "Grid",
    "grid_for",
    "ring_path",
    "geometry_path",
    "row_indices",
    "area_label",
    "area_labels",
    "simplified",
    "map_svg",
    "map_html",
    "figure",
]

#: The output MIME type that marks a report output holding an interactive map (the site links the
#: map script and style sheet into pages that have one, and drops this marker).
MAP_MIME = "application/vnd.anchorlib.map+json"
#: The script and style sheet, copied into the site's ``site-static/`` folder (anchorlib.run.site).
STATIC_DIR = Path(__file__).with_name("static")
STATIC_FILES = ("anchor-map.js", "anchor-map.css")
#: Optional per-row columns naming each small area's index and how many small areas it ranks.
INDEX_COLUMN = "index_name"
AREAS_COLUMN = "index_areas"
#: The index of a frame without those columns: England's IoD (LSOA 2021).
DEFAULT_INDEX = (f"IMD {DEFAULT_EDITION}", N_LSOAS[DEFAULT_EDITION])

#: The map's width in CSS pixels before zooming: sets the simplification tolerance, the grid and
#: the size of the site markers.
WIDTH_PX = 900
#: The largest zoom the script allows (anchor-map.js: MAX_ZOOM); geometry is kept fine enough to
#: look right at a quarter of it.
DETAIL_ZOOM = 10
#: No colour for a small area its index gives no decile (shown, labelled "no decile").
NO_DECILE = "#bdbdbd"
#: A five-pointed star of outer radius 1, centred on 0,0 (scaled per map).
_STAR = [
    (math.sin(i * math.pi / 5) * r, -math.cos(i * math.pi / 5) * r)
    for i, r in zip(range(10), [1.0, 0.45] * 5)
]


# --------------------------------------------------------------------------- geometry to SVG


@dataclass(frozen=True)
class Grid:
    """British National Grid metres to SVG user units: ``x = (E - west) / unit``,
    ``y = (north - N) / unit`` (north up), rounded to whole units."""

    west: float
    north: float
    unit: float
    width: int  # in units
    height: int

    def xy(self, easting, northing) -> tuple[np.ndarray, np.ndarray]:
        x = np.rint((np.asarray(easting, dtype=float) - self.west) / self.unit).astype(np.int64)
        y = np.rint((self.north - np.asarray(northing, dtype=float)) / self.unit).astype(np.int64)
        return x, y


_NICE = (1, 2, 5)


def grid_for(bounds, *, width_px: int = WIDTH_PX, zoom: float = DETAIL_ZOOM) -> Grid:
    """The grid for a map of ``bounds`` (west, south, east, north; metres) drawn ``width_px``
    wide: the unit is the round number of metres (1, 2, 5, 10, 20, 50...) not above the width of
    one pixel at ``zoom`` times, so rounding never shows, with a 2% margin around the bounds."""
    w, s, e, n = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (w, s, e, n)) or e < w or n < s:
        raise ValueError(f"map bounds are not a box: {bounds!r}")
    span = max(e - w, n - s, 1.0)
    pad = 0.02 * span
    w, s, e, n = w - pad, s - pad, e + pad, n + pad
    ideal = max(e - w, n - s) / (width_px * zoom)
    unit = 0.01
    for mag in range(-2, 8):
        for k in _NICE:
            if k * 10.0**mag <= ideal:
                unit = k * 10.0**mag
    return Grid(
        west=w,
        north=n,
        unit=unit,
        width=math.ceil((e - w) / unit),
        height=math.ceil((n - s) / unit),
    )


def ring_path(x: np.ndarray, y: np.ndarray) -> str:
    """One ring as SVG path data: ``M x y`` then relative steps ``l dx dy``, closed by ``z``.

    The closing point (equal to the first) and steps that rounding made zero are dropped; a ring
    that rounding shrank to fewer than three points is dropped too (empty string)."""
    pts = np.column_stack([x, y])
    if len(pts) > 1 and (pts[0] == pts[-1]).all():
        pts = pts[:-1]
    if len(pts) == 0:
        return ""
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = (np.diff(pts, axis=0) != 0).any(axis=1)
    pts = pts[keep]
    while len(pts) > 1 and (pts[-1] == pts[0]).all():
        pts = pts[:-1]
    if len(pts) < 3:
        return ""
    steps = np.diff(pts, axis=0)
    body = "".join(f" {dx} {dy}" for dx, dy in steps.tolist())
    return f"M{pts[0, 0]} {pts[0, 1]}l{body[1:]}z"


def geometry_path(geom, grid: Grid) -> str:
    """A (multi)polygon as SVG path data on ``grid`` (every ring; draw with fill-rule evenodd)."""
    import shapely

    if geom is None or geom.is_empty:
        return ""
    parts = []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.geom_type != "Polygon":
            continue
        for ring in [poly.exterior, *poly.interiors]:
            c = shapely.get_coordinates(ring)
            parts.append(ring_path(*grid.xy(c[:, 0], c[:, 1])))
    return "".join(p for p in parts if p)


def simplified(geoms, tolerance: float):
    """The polygons simplified by ``tolerance`` metres as a coverage (shared edges stay shared: no
    gaps or slivers between neighbours), or one by one when the coverage is not valid."""
    import shapely

    arr = np.asarray(geoms, dtype=object)
    if tolerance <= 0 or not len(arr):
        return arr
    try:
        return shapely.coverage_simplify(arr, tolerance)
    except (shapely.errors.GEOSException, AttributeError):  # GEOS < 3.12, or a broken coverage
        return shapely.simplify(arr, tolerance, preserve_topology=True)


# --------------------------------------------------------------------------- labels


def area_label(index: str, decile, rank, areas) -> str:
    """What a small area's label says of its deprivation, on its own index only:
    ``"IMD 2025 decile 1, rank 2,615 of 33,755"``; a part missing is said to be missing."""
    has_decile = decile is not None and not pd.isna(decile)
    has_rank = rank is not None and not pd.isna(rank)
    if not has_decile and not has_rank:
        return f"no {index} decile or rank"
    words = [f"{index} decile {int(decile)}" if has_decile else f"{index}: no decile"]
    if has_rank:
        of = f" of {int(areas):,}" if areas is not None and not pd.isna(areas) else ""
        words.append(f"rank {int(rank):,}{of}")
    return ", ".join(words)


def row_indices(
    frame: pd.DataFrame,
    *,
    code: str = "lsoa21_code",
    index: str | None = None,
    index_areas: int | None = None,
) -> list[tuple[str, int | None]]:
    """Each row's index and how many small areas it ranks, from the data: the row's
    ``index_name``/``index_areas`` when it has them; else, when ``index`` is given, that index;
    else its nation's (:data:`anchorlib.data.nations.INDICES`) from the row's ``country_code``
    or, failing that, its small-area code (E01, W01, S01, 95...); else England's IMD 2025."""
    by_country = {i.country_code: i for i in INDICES.values()}
    n = len(frame)

    def column(name):
        return frame[name].tolist() if name in frame else [None] * n

    out = []
    for given, size, country, area in zip(
        column(INDEX_COLUMN), column(AREAS_COLUMN), column("country_code"), column(code)
    ):
        if isinstance(given, str) and given:
            out.append((given, None if size is None or pd.isna(size) else int(size)))
            continue
        if index is not None:
            out.append((index, index_areas))
            continue
        nation = by_country.get(country) if isinstance(country, str) else None
        if nation is None and isinstance(area, str):
            nation = INDICES.get(nation_of_code(area) or "")
        out.append((nation.label, nation.n_areas) if nation else DEFAULT_INDEX)
    return out


def area_labels(
    frame: pd.DataFrame,
    *,
    decile: str = "imd_decile",
    rank: str = "imd_rank",
    code: str = "lsoa21_code",
    index: str | None = None,
    index_areas: int | None = None,
) -> list[str]:
    """Each row's :func:`area_label`, on the row's own index (:func:`row_indices`)."""
    n = len(frame)
    deciles = frame[decile].tolist() if decile in frame else [None] * n
    ranks = frame[rank].tolist() if rank in frame else [None] * n
    indices = row_indices(frame, code=code, index=index, index_areas=index_areas)
    return [area_label(i, d, r, a) for (i, a), d, r in zip(indices, deciles, ranks)]


def _hex(colour) -> str:
    r, g, b = (int(round(255 * float(c))) for c in colour[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


# --------------------------------------------------------------------------- the SVG


def _texts(frame, column: str) -> list[str]:
    """A column as text, missing values as "" (a column the frame lacks: all "")."""
    if column not in frame:
        return [""] * len(frame)
    return ["" if v is None or pd.isna(v) else str(v) for v in frame[column].tolist()]


def _areas_svg(frame, paths, labels, decile, colours, code, name, district) -> str:
    """The small areas, one group per decile (darkest first), each path with its label."""
    d = pd.to_numeric(frame[decile], errors="coerce") if decile in frame else None
    keys = [int(v) if pd.notna(v) else 0 for v in (d if d is not None else [None] * len(frame))]
    names, codes, districts = _texts(frame, name), _texts(frame, code), _texts(frame, district)
    groups = []
    for k in sorted(set(keys), key=lambda v: (v == 0, v)):
        fill = colours[k - 1] if 1 <= k <= len(colours) else NO_DECILE
        items = []
        for i in (i for i, v in enumerate(keys) if v == k):
            if not paths[i]:
                continue
            nm, cd, where = names[i], codes[i], districts[i]
            if where and nm.startswith(where):
                where = ""  # "Hyndburn 001A" names its district already
            extra = f' data-l="{_attr(where)}"' if where else ""
            items.append(
                f'<path d="{paths[i]}" data-n="{_attr(nm or cd)}" data-c="{_attr(cd)}"'
                f'{extra} data-t="{_attr(labels[i])}"/>'
            )
        if items:
            groups.append(f'<g fill="{fill}" data-decile="{k or ""}">{"".join(items)}</g>')
    return "".join(groups)


def _sites_svg(sites, grid: Grid, frame, labels, code, name, radius) -> tuple[str, list]:
    """The anchors' sites as numbered stars (numbered as on the PNG: located sites in order), each
    labelled with its anchor, postcode and the small area it is in; and the legend entries."""
    if sites is None or not len(sites):
        return "", []
    s = sites.dropna(subset=["easting", "northing"]).reset_index(drop=True)
    names = frame[name] if name in frame else frame.get(code)
    where = (
        {
            str(c): f"{n if pd.notna(n) else c}: {lab}"
            for c, n, lab in zip(frame[code], names, labels)
        }
        if code in frame
        else {}
    )
    x, y = grid.xy(s["easting"], s["northing"])
    star = "M" + "L".join(f"{px * radius:.1f} {py * radius:.1f}" for px, py in _STAR) + "z"
    out, legend = [], []
    for i, r in s.iterrows():
        anchor = str(r.get("anchor_name", "") or r.get("anchor_id", "") or "Anchor site")
        pc = str(r.get("postcode", "") or "")
        area = str(r.get(code, "") or "")
        text = f"{pc}, in {where[area]}" if area in where else pc
        out.append(
            f'<g class="anchor-map-site" data-x="{x[i]}" data-y="{y[i]}" '
            f'transform="translate({x[i]} {y[i]})" data-n="{_attr(f"{i + 1} {anchor}")}" '
            f'data-c="" data-t="{_attr(text)}"><path d="{star}"/>'
            f'<text x="{radius * 1.1:.1f}" y="{-radius * 0.4:.1f}" '
            f'font-size="{radius * 1.4:.1f}">{i + 1}</text></g>'
        )
        legend.append((i + 1, anchor, pc))
    return '<g class="anchor-map-sites">' + "".join(out) + "</g>", legend


def map_svg(
    frame,
    *,
    alt: str,
    lads=None,
    sites: pd.DataFrame | None = None,
    decile: str = "imd_decile",
    rank: str = "imd_rank",
    code: str = "lsoa21_code",
    name: str = "lsoa21_name",
    district: str = "lad24_name",
    index: str | None = None,
    index_areas: int | None = None,
    width_px: int = WIDTH_PX,
) -> tuple[str, list]:
    """The map as an SVG element (and the sites' legend entries): ``frame`` a GeoDataFrame of small
    areas in British National Grid (EPSG:27700), ``lads`` district outlines, ``sites`` rows with
    ``easting``/``northing`` (as :func:`anchorlib.assets.place.locate_sites`)."""
    from anchorlib.reports.charts import decile_colours

    if frame.crs is not None and frame.crs.to_epsg() != 27700:
        frame = frame.to_crs(27700)
        lads = lads.to_crs(27700) if lads is not None else None
    frame = frame.reset_index(drop=True)
    bounds = np.array(frame.total_bounds, dtype=float)
    if sites is not None and len(sites):
        located = sites.dropna(subset=["easting", "northing"])
        if len(located):  # the PNG's axes take in every site: so does this map
            bounds = np.array(
                [
                    min(bounds[0], located["easting"].min()),
                    min(bounds[1], located["northing"].min()),
                    max(bounds[2], located["easting"].max()),
                    max(bounds[3], located["northing"].max()),
                ]
            )
    grid = grid_for(bounds, width_px=width_px)
    tolerance = grid.unit  # detail finer than the grid cannot be drawn
    geoms = simplified(frame.geometry.to_numpy(), tolerance)
    paths = [geometry_path(g, grid) for g in geoms]
    labels = area_labels(
        frame, decile=decile, rank=rank, code=code, index=index, index_areas=index_areas
    )
    colours = [_hex(c) for c in decile_colours()]
    areas = _areas_svg(frame, paths, labels, decile, colours, code, name, district)
    outlines = ""
    if lads is not None and len(lads):
        lad_paths = [
            geometry_path(g, grid) for g in simplified(lads.geometry.to_numpy(), tolerance)
        ]
        outlines = '<g class="anchor-map-lads" fill="none">' + "".join(
            f'<path d="{p}"/>' for p in lad_paths if p
        )
        outlines += "</g>"
    radius = 9.0 * grid.width / width_px  # about 9 px before zooming
    marks, legend = _sites_svg(sites, grid, frame, labels, code, name, radius)
    height_px = round(width_px * grid.height / max(grid.width, 1))
    svg = (
        f'<svg class="anchor-map-svg" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {grid.width} {grid.height}" width="{width_px}" height="{height_px}" '
        f'role="img" aria-label="{_attr(alt)}" tabindex="0" data-unit="{grid.unit:g}">'
        f'<g class="anchor-map-areas" fill-rule="evenodd">{areas}</g>{outlines}'
        f'<path class="anchor-map-hl" d="" fill="none"/>{marks}</svg>'
    )
    return svg, legend


def _legend_html(frame, decile: str, names: list[str], legend: list, colours: list[str]) -> str:
    names = list(dict.fromkeys(names)) or [DEFAULT_INDEX[0]]
    title = f"{' / '.join(names)} decile" + (" (each nation's own index)" if len(names) > 1 else "")
    words = ["1 most deprived 10%"] + [str(d) for d in range(2, 10)] + ["10 least deprived 10%"]
    keys = "".join(
        f'<li><span class="anchor-map-key" style="background:{c}"></span>{html.escape(w)}</li>'
        for c, w in zip(colours, words)
    )
    if decile in frame and pd.to_numeric(frame[decile], errors="coerce").isna().any():
        keys += (
            f'<li><span class="anchor-map-key" style="background:{NO_DECILE}"></span>no decile</li>'
        )
    sites = "".join(
        f'<li><span class="anchor-map-star" aria-hidden="true">★</span>{n} '
        f"{html.escape(a)} ({html.escape(pc)})</li>"
        for n, a, pc in legend
    )
    sites_html = (
        f'<p class="anchor-map-legend-title">Anchor sites</p><ul>{sites}</ul>' if sites else ""
    )
    return (
        f'<div class="anchor-map-legend"><p class="anchor-map-legend-title">{html.escape(title)}'
        f"</p><ul>{keys}</ul>{sites_html}</div>"
    )


def map_html(
    frame, *, alt: str, png: bytes, caption: str | None = None, lads=None, sites=None, **kwargs
) -> str:
    """The figure: the interactive map (hidden until the site's script shows it), its legend and
    controls, and the static PNG (``png`` bytes) with the alt text, shown without the script and in
    print.  ``kwargs`` go to :func:`map_svg`."""
    from anchorlib.reports.charts import decile_colours

    if not alt or not alt.strip():
        raise ValueError("every map needs alt text: say in words what it shows")
    svg, legend = map_svg(frame, alt=alt, lads=lads, sites=sites, **kwargs)
    decile = kwargs.get("decile", "imd_decile")
    names = [
        i
        for i, _ in row_indices(
            frame,
            code=kwargs.get("code", "lsoa21_code"),
            index=kwargs.get("index"),
            index_areas=kwargs.get("index_areas"),
        )
    ]
    colours = [_hex(c) for c in decile_colours()]
    data = base64.b64encode(png).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (
        '<figure class="anchor-figure anchor-map">'
        '<div class="anchor-map-live" hidden>'
        '<div class="anchor-map-tools" role="toolbar" aria-label="Map controls">'
        '<button type="button" data-zoom="in" aria-label="Zoom in" title="Zoom in">+</button>'
        '<button type="button" data-zoom="out" aria-label="Zoom out" title="Zoom out">−</button>'
        '<button type="button" data-zoom="reset">Whole map</button>'
        '<span class="anchor-map-help">Scroll or pinch to zoom, drag to move; point at or tap a '
        "neighbourhood for its name, decile and rank (1 = most deprived). Keys: arrows move, + "
        "and − zoom, 0 shows the whole map; the label is then the neighbourhood in the middle."
        "</span></div>"
        f'<div class="anchor-map-frame">{svg}'
        '<div class="anchor-map-tip" role="status" aria-live="polite" hidden></div></div>'
        f"{_legend_html(frame, decile, names, legend, colours)}</div>"
        f'<img class="anchor-map-static" src="data:image/png;base64,{data}" '
        f'alt="{_attr(alt)}" style="max-width:100%;height:auto">{cap}</figure>'
    )


def figure(
    fig,
    frame,
    *,
    alt: str,
    caption: str | None = None,
    lads=None,
    sites=None,
    dpi: int = DPI,
    **kwargs,
) -> None:
    """Show a decile map: the interactive SVG of ``frame`` (see :func:`map_svg` for ``kwargs``)
    and ``fig``, the Matplotlib map of the same, as the PNG for print and the alt-text fallback."""
    from IPython.display import display

    body = map_html(
        frame, alt=alt, png=png_bytes(fig, dpi), caption=caption, lads=lads, sites=sites, **kwargs
    )
    display(
        {"text/html": body, MAP_MIME: {"files": list(STATIC_FILES)}, "text/plain": f"[Map: {alt}]"},
        raw=True,
    )
