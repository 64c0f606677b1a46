"""Maps people can explore (anchorlib.reports.maps and the site's part in anchorlib.run.site): the
SVG's geometry on its grid, each small area's label on its own index, the sites, the figure (the
live map hidden until the script runs, the PNG with the alt text), and the page linking the
script copied once into the site.  Behaviour in a browser: tests/test_browser.py."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import nbformat
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from anchorlib.reports import maps
from anchorlib.run import site


def _squares(rows: list[dict]) -> gpd.GeoDataFrame:
    """Small areas as 1 km squares side by side from (0, 0) eastwards, British National Grid."""
    geoms = [box(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(len(rows))]
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry=geoms, crs=27700)


# --------------------------------------------------------------------------- geometry


def test_grid_unit_is_a_round_number_of_metres_no_coarser_than_a_pixel():
    # bounds 10,000 m by 5,000 m; a 2% margin of the larger side = 200 m each way:
    # west 800, south 1,800, east 11,200, north 7,200 -> 10,400 m by 5,400 m.
    # 100 px wide at zoom 1: one pixel = 10,400 / 100 = 104 m -> the round unit below is 100 m;
    # 10,400 / 100 = 104 units wide, 5,400 / 100 = 54 high.
    g = maps.grid_for((1000, 2000, 11000, 7000), width_px=100, zoom=1)
    assert (g.west, g.north, g.unit, g.width, g.height) == (800, 7200, 100, 104, 54)
    # at 900 px and zoom 10: 10,400 / 9,000 = 1.16 m a pixel -> 1 m units
    assert maps.grid_for((1000, 2000, 11000, 7000)).unit == 1
    # E 900 -> (900 - 800) / 100 = 1; N 7,000 -> (7,200 - 7,000) / 100 = 2 (north up)
    x, y = g.xy([900], [7000])
    assert (int(x[0]), int(y[0])) == (1, 2)
    with pytest.raises(ValueError, match="not a box"):
        maps.grid_for((0, 0, float("nan"), 1))


def test_ring_path_is_one_move_then_relative_steps_without_repeats():
    # (0,0) (10,0) (10,0) (10,10) (0,10) (0,0): the repeated point and the closing point go;
    # steps: +10 0, 0 +10, -10 0.
    x = np.array([0, 10, 10, 10, 0, 0])
    y = np.array([0, 0, 0, 10, 10, 0])
    assert maps.ring_path(x, y) == "M0 0l10 0 0 10 -10 0z"
    # a ring rounding shrank to a line (two distinct points) is dropped
    assert maps.ring_path(np.array([0, 1, 0]), np.array([0, 0, 0])) == ""


def test_geometry_path_flips_north_up_and_keeps_holes():
    grid = maps.Grid(west=0, north=100, unit=10, width=10, height=10)
    ring = [(0, 0), (100, 0), (100, 100), (0, 100)]
    hole = [(40, 40), (60, 40), (60, 60), (40, 60)]
    # exterior: x = E / 10 -> 0 10 10 0; y = (100 - N) / 10 -> 10 10 0 0
    # hole: x 4 6 6 4; y = (100 - 40) / 10 = 6, 6, 4, 4
    assert maps.geometry_path(Polygon(ring, [hole]), grid) == (
        "M0 10l10 0 0 -10 -10 0zM4 6l2 0 0 -2 -2 0z"
    )
    assert maps.geometry_path(None, grid) == ""


def test_simplification_keeps_neighbours_edges_shared():
    # two areas split by a zig-zag border of 50 m teeth: simplified at 100 m the border is
    # straighter (fewer points) and still shared: no gap, no overlap (areas add up to 2 km^2).
    teeth = [(0, 1000 * i / 20 + 0) for i in range(21)]
    border = [(1000 + (50 if i % 2 else 0), y) for i, (_, y) in enumerate(teeth)]
    west = Polygon([(0, 0), *border, (0, 1000)])
    east = Polygon([*border, (2000, 1000), (2000, 0)])
    out = maps.simplified([west, east], 100.0)
    assert (
        shapely.get_num_coordinates(out).sum()
        < shapely.get_num_coordinates(np.array([west, east])).sum()
    )
    assert sum(g.area for g in out) == pytest.approx(2_000_000, rel=1e-9)
    assert out[0].intersection(out[1]).area == pytest.approx(0, abs=1e-6)


# --------------------------------------------------------------------------- labels


def test_area_label_reads_a_rank_against_its_own_index_only():
    assert maps.area_label("IMD 2025", 1, 2615, 33755) == "IMD 2025 decile 1, rank 2,615 of 33,755"
    assert maps.area_label("WIMD 2019", 3, 120, 1909) == "WIMD 2019 decile 3, rank 120 of 1,909"
    assert maps.area_label("SIMD 2020", 2.0, None, 6976) == "SIMD 2020 decile 2"
    assert maps.area_label("NIMDM 2017", float("nan"), float("nan"), 890) == (
        "no NIMDM 2017 decile or rank"
    )
    assert maps.area_label("IMD 2025", None, 17, None) == "IMD 2025: no decile, rank 17"


def test_area_labels_take_the_index_from_the_frame_when_it_has_one():
    frame = pd.DataFrame(
        {
            "imd_decile": [1, 3],
            "imd_rank": [2615, 120],
            "index_name": ["IMD 2025", "WIMD 2019"],
            "index_areas": [33755, 1909],
        }
    )
    assert maps.area_labels(frame) == [
        "IMD 2025 decile 1, rank 2,615 of 33,755",
        "WIMD 2019 decile 3, rank 120 of 1,909",
    ]
    # without the columns and without codes: England's IMD 2025 of 33,755 LSOAs
    plain = frame.drop(columns=["index_name", "index_areas"])
    assert maps.area_labels(plain)[1] == "IMD 2025 decile 3, rank 120 of 33,755"
    assert maps.DEFAULT_INDEX == ("IMD 2025", 33755)
    # an index given by the caller applies to the rows that name none
    assert maps.area_labels(plain, index="IMD 2019", index_areas=32844)[0] == (
        "IMD 2019 decile 1, rank 2,615 of 32,844"
    )


def test_without_index_columns_each_row_is_on_its_own_nations_index():
    # the nation from country_code when there is one, else from the small area's code
    frame = pd.DataFrame(
        {
            "lsoa21_code": ["E01012571", "W01001450", "S01010358", "95GG0101", "W01000001"],
            "country_code": [None, None, None, None, "E92000001"],
            "imd_decile": [1, 3, 2, 5, 4],
            "imd_rank": [2615, 120, 450, 400, 9000],
        }
    )
    assert maps.area_labels(frame) == [
        "IMD 2025 decile 1, rank 2,615 of 33,755",
        "WIMD 2019 decile 3, rank 120 of 1,909",
        "SIMD 2020 decile 2, rank 450 of 6,976",
        "NIMDM 2017 decile 5, rank 400 of 890",
        "IMD 2025 decile 4, rank 9,000 of 33,755",  # country_code says England
    ]
    legend = maps.map_html(
        _squares(frame.drop(columns="country_code").to_dict("records")), alt="m", png=b""
    )
    assert "IMD 2025 / WIMD 2019 / SIMD 2020 / NIMDM 2017 decile (each nation&#x27;s own" in legend


# --------------------------------------------------------------------------- the SVG and figure


ROWS = [
    {
        "lsoa21_code": "E01000001",
        "lsoa21_name": "Town 001A",
        "lad24_name": "Town",
        "imd_decile": 1,
        "imd_rank": 12,
    },
    {
        "lsoa21_code": "W01000002",
        "lsoa21_name": 'Bryn & "Cwm" 1',
        "lad24_name": "Sir Gâr",
        "imd_decile": 10,
        "imd_rank": 1900,
        "index_name": "WIMD 2019",
        "index_areas": 1909,
    },
    {
        "lsoa21_code": "E01000003",
        "lsoa21_name": "Town 003A",
        "lad24_name": "Town",
        "imd_decile": None,
        "imd_rank": None,
    },
]


def _attrs(svg: str, code: str) -> dict:
    tag = re.search(rf'<path [^>]*data-c="{code}"[^>]*/>', svg).group(0)
    return {k: json.loads(f'"{v}"') for k, v in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def test_map_svg_draws_every_area_in_its_decile_colour_with_its_label():
    frame = _squares(ROWS)
    frame.loc[0, "index_name"], frame.loc[0, "index_areas"] = "IMD 2025", 33755
    frame.loc[2, "index_name"], frame.loc[2, "index_areas"] = "IMD 2025", 33755
    svg, legend = maps.map_svg(frame, alt='Three "areas"')
    assert legend == []
    assert svg.count("<path d=") == 3
    # bounds 0..3,000 m by 0..1,000 m: margin 60 m; 3,120 m over 9,000 px-at-zoom-10 = 0.35 m
    # -> 0.2 m units, 3,120 / 0.2 = 15,600 wide; 1,120 / 0.2 = 5,600 high
    assert 'viewBox="0 0 15600 5600"' in svg and 'width="900"' in svg and 'height="323"' in svg
    # area 1 (E 0..1,000, N 0..1,000), drawn from its corner E 1,000 N 0: x = (1,000 + 60) / 0.2
    # = 5,300, y = (1,060 - 0) / 0.2 = 5,300; then north 1 km (y -5,000), west (x -5,000), south
    first = _attrs(svg, "E01000001")
    assert first["d"] == "M5300 5300l0 -5000 -5000 0 0 5000z"
    assert first["data-t"] == "IMD 2025 decile 1, rank 12 of 33,755"
    assert first["data-n"] == "Town 001A" and "data-l" not in first  # the name says the district
    welsh = re.search(r'<path [^>]*data-c="W01000002"[^>]*/>', svg).group(0)
    assert 'data-n="Bryn &amp; &quot;Cwm&quot; 1"' in welsh  # escaped in the attribute
    assert 'data-l="Sir Gâr"' in welsh  # a name that does not say its district gets it
    assert 'data-t="WIMD 2019 decile 10, rank 1,900 of 1,909"' in welsh
    assert 'data-t="no IMD 2025 decile or rank"' in svg
    # one group per decile, darkest (most deprived) first, the unknown last and grey
    fills = re.findall(r'<g fill="(#[0-9a-f]{6})" data-decile="(\d*)">', svg)
    assert [d for _, d in fills] == ["1", "10", ""]
    assert fills[0][0] == "#00224e" and fills[2][0] == maps.NO_DECILE
    assert 'aria-label="Three &quot;areas&quot;"' in svg


def test_sites_are_numbered_stars_labelled_with_the_area_they_are_in():
    frame = _squares(ROWS[:2])
    sites = pd.DataFrame(
        {
            "anchor_name": ["Town Council", "Unlocated Trust", "Health Board"],
            "postcode": ["AB1 2CD", "ZZ9 9ZZ", "CF1 1AA"],
            "easting": [500.0, None, 1500.0],
            "northing": [500.0, None, 500.0],
            "lsoa21_code": ["E01000001", None, "W01000002"],
        }
    )
    svg, legend = maps.map_svg(frame, alt="map", sites=sites)
    # numbered as on the PNG: the located sites in order (the unlocated one has no number)
    assert legend == [(1, "Town Council", "AB1 2CD"), (2, "Health Board", "CF1 1AA")]
    assert svg.count('class="anchor-map-site"') == 2
    assert 'data-t="AB1 2CD, in Town 001A: IMD 2025 decile 1, rank 12 of 33,755"' in svg
    assert 'data-n="2 Health Board"' in svg
    assert "WIMD 2019 decile 10" in re.search(r'data-n="2 Health Board"[^>]*', svg).group(0)


def test_map_html_hides_the_live_map_until_the_script_and_keeps_the_png_with_its_alt():
    frame = _squares(ROWS)
    page = maps.map_html(frame, alt="A map & more", png=b"\x89PNG fake", caption="Source: here")
    assert '<div class="anchor-map-live" hidden>' in page
    assert '<img class="anchor-map-static" src="data:image/png;base64,iVBORyBmYWtl"' in page
    assert 'alt="A map &amp; more"' in page and "<figcaption>Source: here</figcaption>" in page
    # the legend names both indices (a place across nations) and the grey "no decile"
    assert "IMD 2025 / WIMD 2019 decile (each nation&#x27;s own index)" in page
    assert "no decile</li>" in page
    # offline: nothing is loaded from anywhere (the only URL is the SVG namespace)
    links = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert links and all(u.startswith("data:") for u in links)
    assert re.findall(r"https?://[^\"' ]+", page) == ["http://www.w3.org/2000/svg"]
    with pytest.raises(ValueError, match="alt text"):
        maps.map_html(frame, alt=" ", png=b"")


# --------------------------------------------------------------------------- the site


def _notebook_with_map(path, html_body: str):
    from anchorlib.reports.display import META_MIME

    nb = nbformat.v4.new_notebook()
    header = nbformat.v4.new_code_cell("header")
    header.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={META_MIME: {"title": "A report", "sources": []}, "text/plain": "A report"},
        )
    ]
    cell = nbformat.v4.new_code_cell("maps.figure(...)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": html_body, maps.MAP_MIME: {"files": []}, "text/plain": "[Map]"},
        )
    ]
    nb.cells = [header, cell]
    nbformat.write(nb, path)


RUN = {
    "collaborative_name": "Test",
    "generated": "today",
    "code_version": {},
    "index_href": "../../index.html",
    "root_href": "../../../index.html",
}


def test_a_page_with_a_map_links_the_script_the_site_copies_once(tmp_path):
    nb = tmp_path / "executed.ipynb"
    _notebook_with_map(nb, maps.map_html(_squares(ROWS[:1]), alt="map", png=b"x"))
    dest = tmp_path / "outputs" / "coll" / "reports" / "r"
    site.export_report(nb, dest, RUN)
    page = (dest / "index.html").read_text(encoding="utf-8")
    assert page.count('<script src="../../../site-static/anchor-map.js"></script>') == 1
    assert (
        len(
            re.findall(
                r'<link href="../../../site-static/anchor-map.css" rel="stylesheet"/?>', page
            )
        )
        == 1
    )
    assert maps.MAP_MIME not in page and 'class="anchor-map-live" hidden' in page
    assert "<script src=" not in page.split("anchor-map.js")[1]  # no other script
    assert not re.search(r'(?:src|href)="https?:', page)  # nothing from a CDN

    root = tmp_path / "outputs"
    site.write_root_index(root)
    for name in maps.STATIC_FILES:
        assert (root / "site-static" / name).read_bytes() == (maps.STATIC_DIR / name).read_bytes()
        # the page's relative link resolves to the copy
    assert (dest / "../../../site-static/anchor-map.js").resolve().is_file()
    # an unchanged re-run leaves the copies alone
    js = root / "site-static" / "anchor-map.js"
    before = js.stat().st_mtime_ns
    site.publish_static(root)
    assert js.stat().st_mtime_ns == before


def test_a_page_without_a_map_links_no_script(tmp_path):
    from anchorlib.reports.display import META_MIME

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("header")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={META_MIME: {"title": "T", "sources": []}, "text/plain": "T"}
        )
    ]
    nb.cells = [cell]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    site.export_report(path, tmp_path / "r", RUN)
    page = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "anchor-map" not in page and "<script" not in page
