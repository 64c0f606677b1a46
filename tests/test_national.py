"""`anchor run --places lads|icbs`: the national asset, one report per place, the national
comparison table.

Fixture mode (tests/fixtures: the LSOAs of Hyndburn, Burnley, Pendle and Blackpool, and a few of
Leeds and the City of London).  One run of two places for the module (2 notebook executions); the
tests read it, and one more run checks that nothing is executed again.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, clear_anchorlib_caches, fixture_env
from typer.testing import CliRunner

from anchorlib.assets import national
from anchorlib.data import deprivation
from anchorlib.run.errors import RunError
from anchorlib.run.national import national_key, run_places
from anchorlib.run.notebooks import discover_notebooks

FIXTURE_LADS = {
    "E07000120": "Hyndburn",
    "E07000117": "Burnley",
    "E07000122": "Pendle",
    "E06000009": "Blackpool",
}
LIMITED = ["E06000009", "E07000117"]  # the first two places by code


@pytest.fixture(scope="module")
def places(tmp_path_factory, fixture_cache):
    mp = fixture_env(pytest.MonkeyPatch(), fixture_cache)
    out = tmp_path_factory.mktemp("national")
    res = run_places("lads", out_root=out, limit=2, workers=2, progress=False)
    yield {"out": out, "dir": out / "places-lads", "first": res}
    mp.undo()
    clear_anchorlib_caches()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])


def _broken_links(page: Path) -> list[str]:
    p = _Links()
    p.feed(page.read_text(encoding="utf-8"))
    return [
        link
        for link in p.links
        if not re.match(r"^(https?:|mailto:|data:|#)", link)
        and not (page.parent / link.split("#")[0]).resolve().exists()
    ]


def test_the_reports_code_key_leaves_the_runner_and_the_ledger_code_out():
    from anchorlib.run.keys import code_closure

    closure = set(code_closure(["anchorlib.assets.national"]))
    assert "anchorlib.assets.national" in closure and "anchorlib.data.deprivation" in closure
    assert not {m for m in closure if m.startswith(("anchorlib.run", "anchorlib.cli"))}
    assert not closure & {"anchorlib.ledgers.canonical", "anchorlib.assets.ingest"}


def test_the_place_notebook_is_not_a_collaborative_report():
    assert "place_profile" not in {s.name for s in discover_notebooks()}
    specs = discover_notebooks(scopes=("place",), input_groups=national.PLACE_INPUTS)
    assert [s.name for s in specs] == ["place_profile"]
    assert (
        specs[0].parameters == {"place_code": "str", "outputs": "str", "places": "str"}
        and specs[0].problem is None
    )


def test_a_limited_run_publishes_its_places_with_a_manifest_and_every_page(places):
    res, d = places["first"], places["dir"]
    assert res.ok, res.summary()
    man = json.loads((d / "manifest.json").read_text())
    assert man["kind"] == "places" and man["places"] == "lads"
    assert man["assets"]["national"]["status"] == "built"
    reports = {r["id"]: r for r in man["reports"]}
    assert set(reports) == set(LIMITED)
    assert man["run"]["executed"] == 2 and man["run"]["failed"] == 0 and man["run"]["limit"] == 2
    for code, r in reports.items():
        assert r["status"] == "ok" and r["parameters"]["place_code"] == code
        assert r["title"] == FIXTURE_LADS[code]
        assert set(r["timings"]) == {"execute", "export"}
        page = d / r["published"]["path"]
        assert page.is_file() and not _broken_links(page)
        text = page.read_text(encoding="utf-8")
        assert f"Place profile: {FIXTURE_LADS[code]}" in text and "Traceback" not in text
        assert "<img" in text and 'class="jp-InputArea' not in text  # one map, no code
        assert {t["name"] for t in r["published"]["tables"]} == {
            "summary_measures",
            "national_ranks",
            "imd_deciles",
            "domains",
        }
        assert (page.parent / f"{code}.ipynb").is_file()
    index = d / "index.html"
    assert index.is_file() and not _broken_links(index)
    html = index.read_text(encoding="utf-8")
    # every place is in the comparison table; published ones linked
    for name in FIXTURE_LADS.values():
        assert name in html
    assert (
        'href="reports/E06000009/index.html"' in html
        and 'href="reports/E07000120/index.html"' not in html
    )
    root = (places["out"] / "index.html").read_text(encoding="utf-8")
    assert 'href="places-lads/index.html"' in root and "<h2>Every place</h2>" in root
    for f in (
        "lsoas.parquet",
        "outlines.parquet",
        "places.json",
        "comparison.csv",
        "comparison.xlsx",
    ):
        assert (d / "data" / f).is_file()


def test_the_comparison_table_equals_the_summary_measures_computed_independently(places):
    table = pd.read_csv(places["dir"] / "data" / "comparison.csv", dtype={"code": str}).set_index(
        "code"
    )
    assert set(FIXTURE_LADS) <= set(table.index)
    assert len(
        pd.read_excel(places["dir"] / "data" / "comparison.xlsx", sheet_name="table")
    ) == len(table)
    import zipfile

    from anchorlib.core.xlsx import FIXED_TIME

    with zipfile.ZipFile(
        places["dir"] / "data" / "comparison.xlsx"
    ) as z:  # no save time: same table, same bytes
        assert {i.date_time for i in z.infolist()} == {FIXED_TIME}
    expected = {c: deprivation.place_measures(deprivation.lad_lsoas(c))["imd"] for c in table.index}
    row = table.loc["E07000120"]
    m = expected["E07000120"]
    assert row["place"] == "Hyndburn" and row["region"] == "North West"
    assert row["neighbourhoods (LSOAs)"] == len(deprivation.lad_lsoas("E07000120"))
    for key, col, scale in national.COMPARISON_MEASURES:
        assert row[col] == pytest.approx(m[key] * scale, rel=1e-12), key
        # rank among the places, 1 = most deprived, from the independently computed measures
        values = pd.Series({c: e[key] for c, e in expected.items()})
        rank = int(values.rank(ascending=False, method="min")["E07000120"])
        assert row[f"rank: {national.MEASURE_WORDS[key]} (rank; 1 = most deprived)"] == rank, key
    # the report shows the same figures: its summary table's place column
    summary = pd.read_csv(
        places["dir"] / "reports" / "E07000117" / "tables" / "01_summary_measures.csv"
    )
    burnley = deprivation.place_measures(deprivation.lad_lsoas("E07000117"))
    got = summary.set_index("measure")["Burnley"]
    assert got.iloc[2] == pytest.approx(burnley["imd"]["average_score"])
    assert got.iloc[3] == pytest.approx(burnley["imd"]["average_rank"])
    assert got.iloc[6] == pytest.approx(burnley["imd"]["local_concentration"])


def test_a_second_run_executes_nothing(places):
    d = places["dir"]
    before = {c: (d / "reports" / c / "index.html").stat().st_mtime_ns for c in LIMITED}
    res = run_places("lads", out_root=places["out"], limit=2, workers=2, progress=False)
    assert res.ok, res.summary()
    run = res.manifest["run"]
    assert run["executed"] == 0 and run["unchanged"] == 2 and run["failed"] == 0
    assert res.manifest["assets"]["national"]["status"] == "unchanged"
    assert {c: (d / "reports" / c / "index.html").stat().st_mtime_ns for c in LIMITED} == before


def test_only_names_places_and_an_unknown_code_is_an_error(places):
    with pytest.raises(RunError, match="E07000999"):
        run_places("lads", out_root=places["out"], only=["E07000999"], progress=False)
    with pytest.raises(Exception, match="unknown kind of place"):
        run_places("wards", out_root=places["out"], progress=False)


def test_icbs_build_from_the_icb_lookup(places, tmp_path):
    key = national_key("icbs")
    assert national.build_national_assets("icbs", tmp_path, key=key)["status"] == "built"
    meta = national.read_places("icbs", tmp_path)
    lsc = meta["places"]["E54000048"]
    assert lsc["name"] == "NHS Lancashire and South Cumbria Integrated Care Board"
    lookup = pd.read_csv(FIXTURES / "data" / "reference" / "lookup_lsoa21_icb24.csv")
    lsoas = lookup.loc[lookup["icb24_code"] == "E54000048", "lsoa21_code"]
    assert lsc["measures"]["imd"] == pytest.approx(
        deprivation.place_measures(lsoas.tolist())["imd"]
    )
    rows = national.read_place_lsoas("icbs", "E54000048", tmp_path)
    assert sorted(rows["lsoa21_code"]) == sorted(
        set(lsoas) & set(deprivation.lsoa_deprivation()["lsoa_code"])
    )
    assert rows.crs.to_epsg() == 27700
    assert national.build_national_assets("icbs", tmp_path, key=key)["status"] == "unchanged"
    assert national.build_national_assets("icbs", tmp_path, key="other inputs")["status"] == "built"


def test_cli_places_is_exclusive_with_collaboratives():
    from anchorlib.cli import app

    r = CliRunner().invoke(app, ["run", "--places", "lads", "collaboratives/lancashire.yml"])
    assert r.exit_code == 2 and "not both" in r.output
    r = CliRunner().invoke(app, ["run", "--places", "wards"])
    assert r.exit_code == 2 and "lads, icbs" in r.output
    r = CliRunner().invoke(app, ["run", "--limit", "3", "collaboratives/lancashire.yml"])
    assert r.exit_code == 2
