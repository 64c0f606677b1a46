"""The demo extract (data/demo/, built by `anchor data build-demo`): checksums, provenance,
determinism, the same figures as the full data, and a clear error outside its coverage."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from conftest import ROOT, SHARED, clear_anchorlib_caches

DEMO = ROOT / "data" / "demo"


@pytest.fixture(scope="session")
def extract_cache(tmp_path_factory):
    """One cache for the extract runs of the session (the postcode index built from the extract
    once)."""
    return tmp_path_factory.mktemp("extract-cache")


@pytest.fixture
def extract_only(monkeypatch, extract_cache):
    """The real catalogue with only the demo extract: no ../shared, no ANCHOR_DATA_DIR, a cache of
    its own."""
    import anchorlib.data.extract as extract

    monkeypatch.delenv("ANCHOR_CATALOGUE", raising=False)
    monkeypatch.delenv("ANCHOR_DATA_DIR", raising=False)
    monkeypatch.setenv("ANCHOR_NO_SHARED", "1")
    monkeypatch.setenv("ANCHOR_CACHE_DIR", str(extract_cache))
    extract._NOTED.clear()
    clear_anchorlib_caches()
    yield DEMO
    clear_anchorlib_caches()


def test_extract_files_match_their_catalogue():
    from anchorlib.data.catalogue import load_catalogue
    from anchorlib.data.extract import load_extract

    ext = load_extract()
    assert ext is not None, "data/demo/sources.yml is missing: run `anchor data build-demo`"
    cat = load_catalogue()
    listed = set()
    for src in ext.sources:
        full = cat.get(src.id)
        for key in (
            "title",
            "publisher",
            "licence",
            "attribution",
            "vintage",
            "url",
            "download",
            "origin",
        ):
            assert getattr(src, key) == getattr(full, key), (src.id, key)  # the same provenance
        declared = {f.path: f.sha256 for f in full.files}
        for f in src.files:
            data = (DEMO / f.path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == f.sha256, f.path
            assert len(data) == f.bytes, f.path
            assert declared[f.source_path] == f.source_sha256, (
                f.path
            )  # cut from the declared release
            if f.format == "raw":
                assert f.sha256 == f.source_sha256  # ledgers as published
            listed.add(f.path)
    on_disk = {p.relative_to(DEMO).as_posix() for p in DEMO.rglob("*") if p.is_file()} - {
        "sources.yml"
    }
    assert on_disk == listed
    assert ext.built_by == "anchor data build-demo"
    assert sum(p.stat().st_size for p in DEMO.rglob("*") if p.is_file()) <= 25 * 1024 * 1024


def test_outside_the_extract_is_an_error_naming_the_full_file(extract_only):
    from anchorlib.config.places import load_place, place_from_codes
    from anchorlib.data.extract import OutsideExtractError
    from anchorlib.data.readers import read_source

    with pytest.raises(OutsideExtractError) as err:
        place_from_codes("E09000001")  # City of London
    msg = str(err.value)
    assert "outside the North West" in msg and "reference/boundaries/lsoa21.geojson" in msg
    assert "geoportal.statistics.gov.uk" in msg

    with pytest.raises(OutsideExtractError, match="keeps the columns"):
        read_source("iod2019_imd")  # the extract keeps two columns; all were asked for

    from anchorlib.data.postcodes import locate_postcodes

    load_place(ROOT / "data" / "places" / "lancashire.yml")  # inside: fine
    got = locate_postcodes(["BB5 1LA", "BB5 9XX"])  # a covered district: found, or truly unknown
    assert got["status"].tolist() == ["live", "unknown"]
    with pytest.raises(OutsideExtractError, match="SW1A 9ZZ"):
        locate_postcodes(["SW1A 9ZZ"])  # not in the extract, and the full lookup may have it


def test_extract_used_only_with_a_note(extract_only, capfd):
    from anchorlib.data.readers import read_source

    df = read_source("census2021_tenure")
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "census2021_tenure" in err and "demo extract" in err
    assert (df["prop"] == df["n"] / df["total_households"]).all()


def _place_figures():
    from anchorlib.config.places import classify_postcodes, load_place, tier_breakdown
    from anchorlib.data.census import population_lsoa21
    from anchorlib.data.deprivation import place_measures
    from anchorlib.demo.supplier_postcodes import simulate_postcodes

    place = load_place(ROOT / "data" / "places" / "lancashire.yml")
    ids = [f"S{i:05d}" for i in range(400)]
    sim = simulate_postcodes(ids, place)
    located = classify_postcodes(
        place, sim["postcode"].tolist() + ["BB5 1LA", "PR1 0LD", "PR2 3LH", "M1 1AE"]
    )
    return {
        "lsoa_count": len(place.lsoas),
        "population": int(population_lsoa21().reindex(place.lsoas).sum()),
        "measures": place_measures(place.lsoas),
        "tiers": tier_breakdown(place, population_lsoa21()).to_dict(orient="records"),
        "simulated": sim.to_dict(orient="records"),
        "located": located[["pcds", "status", "lsoa21_code", "lad24_code", "imd25_decile", "tier"]]
        .astype(object)
        .where(lambda d: d.notna(), None)
        .to_dict(orient="records"),
    }


@pytest.mark.shared
def test_place_figures_same_on_extract_as_on_full_data(monkeypatch, extract_cache):
    if not SHARED.is_dir():
        pytest.skip("needs the full data in ../shared/data")
    for var in ("ANCHOR_CATALOGUE", "ANCHOR_NO_SHARED", "ANCHOR_DATA_DIR"):
        monkeypatch.delenv(var, raising=False)
    clear_anchorlib_caches()
    full = _place_figures()
    monkeypatch.setenv("ANCHOR_NO_SHARED", "1")
    monkeypatch.setenv("ANCHOR_CACHE_DIR", str(extract_cache))
    clear_anchorlib_caches()
    extract = _place_figures()
    clear_anchorlib_caches()
    assert full["lsoa_count"] == extract["lsoa_count"] == 945
    assert full["population"] == extract["population"] == 1_531_095
    assert extract["measures"] == full["measures"]
    assert extract["tiers"] == full["tiers"]
    assert extract["simulated"] == full["simulated"]
    assert (
        pd.Series([r["tier"] for r in full["simulated"]]).nunique() == 3
    )  # place, wider and rest of UK drawn
    assert extract["located"] == full["located"]


@pytest.mark.shared
def test_build_demo_is_deterministic(tmp_path):
    if not SHARED.is_dir():
        pytest.skip("needs the full data in ../shared/data")
    from anchorlib.demo.extract import build_demo, sha256_tree

    clear_anchorlib_caches()
    build_demo(tmp_path, quiet=True)
    assert sha256_tree(tmp_path) == sha256_tree(DEMO)  # the committed extract, byte for byte
