"""`anchor run --places lads --nations uk`: every local authority of the UK, each on its own
nation's index (issue 11, item 5).

Fixture mode (tests/fixtures: six English districts, Merthyr Tydfil's 36 LSOAs 2011, Orkney's 29
data zones, Fermanagh and Omagh's 49 SOAs).  The asset and the profiles are read without running
notebooks; one run of the first place of each nation (4 notebook executions) checks the site.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from conftest import clear_anchorlib_caches, fixture_env
from typer.testing import CliRunner

from anchorlib.assets import national
from anchorlib.reports import place_profile as profile
from anchorlib.run.national import run_places

UK = "lads-uk"
DEVOLVED = {"W06000024": "Wales", "S12000023": "Scotland", "N09000006": "Northern Ireland"}


@pytest.fixture(scope="module")
def asset(tmp_path_factory, fixture_cache):
    mp = fixture_env(pytest.MonkeyPatch(), fixture_cache)
    out = tmp_path_factory.mktemp("uk")
    national.build_national_assets(UK, out, key="test")
    national.build_national_assets("lads", out, key="test")
    yield out
    mp.undo()
    clear_anchorlib_caches()


def test_kind_of_a_devolved_code_is_the_uk():
    assert [national.kind_of(c) for c in ("W06000024", "s12000023", "N09000006")] == [UK] * 3
    assert national.kind_of("E07000120") == "lads" and national.kind_of("E54000048") == "icbs"


def test_the_uk_asset_has_every_nation_and_ranks_within_each(asset):
    meta = national.read_places(UK, asset)
    assert meta["n_places_by_nation"] == {
        "England": 6,
        "Wales": 1,
        "Scotland": 1,
        "Northern Ireland": 1,
    }
    assert {c: meta["places"][c]["nation"] for c in DEVOLVED} == DEVOLVED
    assert {n: v["index"]["label"] for n, v in meta["nations"].items()} == {
        "England": "IMD 2025",
        "Wales": "WIMD 2019",
        "Scotland": "SIMD 2020",
        "Northern Ireland": "NIMDM 2017",
    }
    # England's places: the same ranks among England's places as in the England-only asset
    eng = national.read_places("lads", asset)
    for code, p in eng["places"].items():
        uk = meta["places"][code]["ranks"]
        assert {k: uk[k] for k in p["ranks"]} == p["ranks"]
        assert uk["proportion_lsoas_most_deprived_20pct"] is None  # not England's measure
    # alone in its nation: rank 1 of 1; null where the index cannot give the measure
    assert meta["places"]["W06000024"]["ranks"]["average_score"] == 1
    assert meta["places"]["S12000023"]["ranks"]["average_score"] is None  # SIMD: no score
    ni = meta["places"]["N09000006"]
    assert ni["ranks"]["average_rank"] is None and ni["ranks"]["extent"] is None  # no population
    assert ni["ranks"]["proportion_lsoas_most_deprived_10pct"] == 1


def test_fermanagh_and_omagh_hand_computed(asset):
    # tests/fixtures: Fermanagh and Omagh's 49 SOAs by NIMDM 2017 decile: 3 in decile 1, 6 in
    # decile 2, then 9, 8, 15, 6, 2.  10%: 3 / 49 = 0.061224...; 20%: (3 + 6) / 49 = 0.183673...
    p = national.read_places(UK, asset)["places"]["N09000006"]["measures"]
    assert p["lsoa_count"] == 49 and p["population"] is None
    assert p["imd"]["proportion_lsoas_most_deprived_10pct"] == pytest.approx(3 / 49)
    assert p["imd"]["proportion_lsoas_most_deprived_20pct"] == pytest.approx(9 / 49)
    prof = profile.place_profile("N09000006", asset)
    assert prof.deciles["small areas"].tolist() == [3, 6, 9, 8, 15, 6, 2, 0, 0, 0]
    assert "residents (people)" not in prof.deciles.columns  # nothing weighted without people


def test_small_areas_carry_their_own_index(asset):
    for code, (label, n) in {
        "W06000024": ("WIMD 2019", 1909),
        "S12000023": ("SIMD 2020", 6976),
        "N09000006": ("NIMDM 2017", 890),
        "E07000120": ("IMD 2025", 33755),
    }.items():
        rows = national.read_place_lsoas(UK, code, asset)
        assert set(rows["index_name"]) == {label} and set(rows["index_areas"]) == {n}
        assert (rows["place_code"] == code).all() and rows.geometry.notna().all()
    assert national.read_place_outlines(UK, "S12000023", asset)["lad24_name"].tolist() == [
        "Orkney Islands"
    ]


def test_profiles_never_compare_across_nations(asset):
    s = profile.place_profile("S12000023", asset)
    assert (s.nation, s.index_label, s.region, s.plural) == (
        "Scotland",
        "SIMD 2020",
        "Scotland",
        "council areas",
    )
    row = s.summary[s.summary["measure"].str.startswith("Average SIMD 2020 score")]
    assert row["Orkney Islands"].tolist() == [profile.NOT_AVAILABLE]
    assert any("publishes ranks, not an overall score" in n for n in s.notes)
    text = " ".join(profile.profile_reading(s)) + profile.map_alt(s)
    assert "England" not in text.replace("England's IMD or another nation's index", "")
    assert "SIMD 2020" in text and "within Scotland" in text
    assert s.sources == ["simd2020", "lookup_dz11_ca", "population_mid2021_dz11", "boundaries_dz11"]
    fig = profile.profile_map(s)  # the static map's legend names its own index, not IMD 2025
    assert fig.axes[0].get_legend().get_title().get_text() == "SIMD 2020 decile\n(within Scotland)"
    w = profile.place_profile("W06000024", asset)
    assert w.ranks.columns[2] == "rank among the 1 local authorities of Wales (1 = most deprived)"
    assert w.ranks.iloc[:, 2].tolist() == ["1 of 1"] * 6
    # England in the UK run: beside its region and England, among England's places
    e = profile.place_profile("E07000120", asset, UK)
    assert (e.nation, e.index_label, e.region, e.n_places) == (
        "England",
        "IMD 2025",
        "North West",
        6,
    )
    assert "of the 6 local authorities in England" in " ".join(profile.profile_reading(e))


def test_comparison_csv_per_nation_matches_the_places(asset):
    tables = national.comparison_tables(UK, asset)
    assert list(tables) == ["England", "Wales", "Scotland", "Northern Ireland"]
    meta = national.read_places(UK, asset)
    for nation, t in tables.items():
        assert set(t["nation"]) == {nation}
        for rec in t.to_dict("records"):
            rank = rec[f"rank in {nation}: proportion lsoas most deprived 10pct"]
            assert (
                rank == meta["places"][rec["code"]]["ranks"]["proportion_lsoas_most_deprived_10pct"]
            )
    xlsx = pd.ExcelFile(national.asset_paths(UK, asset)["comparison_xlsx"])
    assert xlsx.sheet_names == ["England", "Wales", "Scotland", "Northern Ireland", "about"]


@pytest.fixture(scope="module")
def uk_run(tmp_path_factory, fixture_cache):
    mp = fixture_env(pytest.MonkeyPatch(), fixture_cache)
    out = tmp_path_factory.mktemp("uk-run")
    first = run_places(UK, out_root=out, limit=1, workers=2, progress=False)
    again = run_places(UK, out_root=out, limit=1, workers=2, progress=False)
    yield {"out": out, "first": first, "again": again}
    mp.undo()
    clear_anchorlib_caches()


def test_limit_takes_the_first_place_of_each_nation_and_a_rerun_executes_nothing(uk_run):
    first, again = uk_run["first"], uk_run["again"]
    assert first.ok, first.summary()
    ok = sorted(r["id"] for r in first.manifest["reports"] if r["status"] == "ok")
    assert ok == ["E06000009", "N09000006", "S12000023", "W06000024"]
    assert again.manifest["run"]["executed"] == 0
    assert again.manifest["assets"]["national"]["status"] == "unchanged"


def test_the_uk_index_has_a_table_per_nation(uk_run):
    site = uk_run["out"] / "places-lads-uk"
    page = (site / "index.html").read_text(encoding="utf-8")
    heads = re.findall(r"<h2>([^<]+): ([^<]+) summary measures, ranked within", page)
    assert heads == [
        ("England", "IMD 2025"),
        ("Wales", "WIMD 2019"),
        ("Scotland", "SIMD 2020"),
        ("Northern Ireland", "NIMDM 2017"),
    ]
    for link in re.findall(r'href="(data/[^"]+)"', page):
        assert (site / link).is_file(), link
    assert 'href="reports/S12000023/index.html"' in page
    report = (site / "reports" / "N09000006" / "index.html").read_text(encoding="utf-8")
    assert "NIMDM 2017" in report and "not available" in report
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["source"] == "anchor run --places lads --nations uk"


@pytest.mark.parametrize(
    "args, words",
    [
        (["--places", "icbs", "--nations", "uk"], "integrated care boards are England's only"),
        (["--places", "lads", "--nations", "wales"], "choose england (the default) or uk"),
        (["--nations", "uk"], "--limit and --nations go with --places"),
    ],
)
def test_cli_nations_refusals(args, words):
    from anchorlib.cli import app

    res = CliRunner().invoke(app, ["run", *args])
    assert res.exit_code != 0 and words in res.output
