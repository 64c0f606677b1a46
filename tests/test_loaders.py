"""Every reference loader: on the committed fixtures, and on the real bundle when it is present."""

from __future__ import annotations

import csv
import gzip

import pytest

from anchorlib.data.catalogue import load_catalogue
from anchorlib.data.census import census_table, census_wide, population_lsoa21
from anchorlib.data.geography import boundaries, lad24_regions, lsoa11_to_lsoa21, lsoa21_geography
from anchorlib.data.readers import read_source

REFERENCE = [
    s.id
    for s in load_catalogue().sources
    if s.kind == "reference" and s.read is not None and not s.optional
]


def _raw_rows(path, **kw):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding=kw.get("encoding", "utf-8-sig")) as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("source_id", REFERENCE)
def test_every_reference_source_loads_validated_from_the_fixtures(fixture_data, source_id):
    src = load_catalogue().get(source_id)
    df = read_source(source_id)
    assert set(src.schema_.columns) <= set(df.columns)
    if src.read.format == "csv":
        assert len(df) == len(_raw_rows(fixture_data / src.files[0].path))
    again = read_source(source_id)  # from the cache
    assert again.shape == df.shape


@pytest.mark.parametrize(
    "source_id", [s for s in REFERENCE if s not in ("onspd_lookup", "codepoint_open")]
)
def test_every_reference_source_loads_from_the_real_bundle_with_its_declared_rows(
    real_data, source_id
):
    src = load_catalogue().get(source_id)
    assert len(read_source(source_id)) == src.files[0].rows


def test_boundaries_have_code_name_geometry(fixture_data):
    for level in ("lsoa21", "msoa21", "wards22", "lad24"):
        gdf = boundaries(level)
        assert list(gdf.columns) == ["code", "name", "geometry"]
        assert gdf.crs.to_epsg() == 4326
        assert gdf.geometry.is_valid.all()
    with pytest.raises(ValueError, match="Unknown boundary level"):
        boundaries("counties")


def test_lsoa21_geography_nests_lsoas_in_wards_lads_regions(fixture_data):
    geo = lsoa21_geography().set_index("lsoa21_code")
    raw = {
        r["lsoa21_code"]: r
        for r in _raw_rows(fixture_data / "reference" / "lookup_lsoa21_ward24_lad24.csv")
    }
    regions = {
        r["ltla24_code"]: r["region24_code"]
        for r in _raw_rows(fixture_data / "reference" / "lookup_lad24_region24.csv")
    }
    assert set(geo.index) == set(raw)
    for code, r in raw.items():
        assert geo.loc[code, "ward24_code"] == r["ward24_code"]
        assert geo.loc[code, "lad24_code"] == r["ltla24_code"]
        expected_region = regions.get(r["ltla24_code"], "W92000004")  # Welsh LADs: Wales
        assert geo.loc[code, "region_code"] == expected_region


def test_lad_regions_cover_wales(fixture_data):
    regions = lad24_regions().set_index("lad24_code")
    assert regions.loc["E07000120", "region_name"] == "North West"
    welsh = regions[regions.index.str.startswith("W")]
    assert len(welsh) >= 1 and (welsh["region_code"] == "W92000004").all()


def test_lsoa_bridge_keeps_every_pair(fixture_data):
    bridge = lsoa11_to_lsoa21()
    raw = _raw_rows(fixture_data / "reference" / "lookup_lsoa11_lsoa21_lad22.csv")
    assert len(bridge) == len(raw)
    assert set(bridge["change_code"]) <= {"U", "S", "M", "X"}


def test_census_tables_join_by_lsoa(fixture_data):
    tenure = census_table("tenure")
    assert list(tenure.columns) == ["lsoa21_code", "category", "n", "total", "prop"]
    wide = census_wide("tenure", proportions=False)
    lsoa = wide.index[0]
    raw = [
        r
        for r in _raw_rows(
            fixture_data / "reference" / "census2021" / "household_tenure_lsoa21.csv"
        )
        if r["lsoa21_code"] == lsoa
    ]
    for r in raw:
        assert wide.loc[lsoa, r["tenure"]] == int(r["n"])
    with pytest.raises(ValueError, match="Unknown census table"):
        census_table("religion")


def test_population_is_census_usual_residents(fixture_data):
    pop = population_lsoa21()
    raw = {
        r["lsoa21_code"]: int(r["total_residents"])
        for r in _raw_rows(fixture_data / "reference" / "census2021" / "ethnicity_lsoa21.csv")
    }
    assert pop.to_dict() == raw


def test_real_population_of_england_and_wales(real_data):
    # Census 2021: 59,597,542 usual residents in England and Wales (ONS); table totals are perturbed
    # slightly.
    assert population_lsoa21().sum() == pytest.approx(59_597_542, rel=1e-5)
