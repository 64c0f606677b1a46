"""Places declared in YAML, their tiers, and classification into the innermost tier."""

from __future__ import annotations

import csv

import pytest

from anchorlib.config.places import (
    OUTSIDE,
    UNKNOWN,
    classify_lsoas,
    classify_postcodes,
    load_place,
    place_from_codes,
    tier_breakdown,
)
from anchorlib.core.errors import PlaceError

HYNDBURN, BURNLEY, PENDLE, BLACKPOOL = "E07000120", "E07000117", "E07000122", "E06000009"


def _raw_lsoas(fixture_data, lad):
    with open(
        fixture_data / "reference" / "lookup_lsoa21_ward24_lad24.csv", encoding="utf-8"
    ) as fh:
        return {
            r["lsoa21_code"]: r
            for r in csv.DictReader(fh)
            if lad is None or r["ltla24_code"] == lad
        }


def _write(tmp_path, text, name="place.yml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_place_from_lad_codes_has_every_lsoa_of_those_lads(fixture_data):
    place = place_from_codes(f"{HYNDBURN},{BURNLEY}")
    expected = set(_raw_lsoas(fixture_data, HYNDBURN)) | set(_raw_lsoas(fixture_data, BURNLEY))
    assert set(place.lsoas) == expected
    assert place.name == "Hyndburn, Burnley"
    assert [t.name for t in place.tiers] == ["place", "wider", "rest_of_uk"]
    assert place.tier_names[-1] == UNKNOWN
    assert OUTSIDE not in place.tier_names  # everything located is in rest_of_uk


def test_yaml_tiers_classify_into_innermost(fixture_data, tmp_path):
    path = _write(
        tmp_path,
        f"""
name: East Lancashire
lads: [{HYNDBURN}, {BURNLEY}, {PENDLE}]
tiers:
  - {{name: home_district, lads: [{HYNDBURN}]}}
  - {{name: place, place: true}}
  - {{name: wider, regions: [E12000002]}}
  - {{name: rest_of_uk, everywhere: true}}
""",
    )
    place = load_place(path)
    hyn = sorted(_raw_lsoas(fixture_data, HYNDBURN))[0]
    bur = sorted(_raw_lsoas(fixture_data, BURNLEY))[0]
    bpl = sorted(_raw_lsoas(fixture_data, BLACKPOOL))[0]
    got = classify_lsoas(
        place, [hyn, bur, bpl, "E01000001", "W01000147", "E01999999", "rubbish"]
    ).tolist()
    # Blackpool is in the North West (wider); City of London and Wales are elsewhere in the UK.
    assert got == ["home_district", "place", "wider", "rest_of_uk", "rest_of_uk", UNKNOWN, UNKNOWN]


def test_tier_breakdown_rings_partition_lsoas(fixture_data):
    place = place_from_codes(HYNDBURN)
    rings = tier_breakdown(place).set_index("tier")
    n_hyn = len(_raw_lsoas(fixture_data, HYNDBURN))
    assert rings.loc["place", "lsoa_count"] == n_hyn
    assert rings["lsoa_count"].sum() == len(_raw_lsoas(fixture_data, None))


def test_ward_and_lsoa_places(fixture_data, tmp_path):
    rows = _raw_lsoas(fixture_data, PENDLE)
    ward = next(iter(rows.values()))["ward24_code"]
    in_ward = {c for c, r in rows.items() if r["ward24_code"] == ward}
    place = load_place(_write(tmp_path, f"name: A ward\nwards: [{ward}]\n"))
    assert set(place.lsoas) == in_ward
    two = sorted(rows)[:2]
    place = load_place(
        _write(tmp_path, f"name: Two LSOAs\nlsoas: [{two[0]}, {two[1].lower()}]\n", "b.yml")
    )
    assert place.lsoas == two


@pytest.mark.parametrize(
    "text, message",
    [
        ("name: X\nlads: [E07000999]\n", "unknown LAD code 'E07000999'"),
        ("name: X\nregions: [E12000099]\n", "unknown region code 'E12000099'"),
        ("name: X\n", "needs at least one of lads, regions, wards or lsoas"),
        ("name: X\nlads: [E07000120]\ncolour: red\n", "colour"),
        ("lads: [E07000120]\n", "name"),
        (
            "name: X\nlads: [E07000120]\ntiers:\n  - {name: a, place: true}\n  - {name: a, "
            "everywhere: true}\n",
            "tier names must be unique",
        ),
        (
            "name: X\nlads: [E07000120]\ntiers:\n  - {name: a, place: true, lads: [E07000120]}\n",
            "exactly one of",
        ),
        ("name: X\nlads: [E07000120\n", "not valid YAML"),
        (
            "name: X\nlads: [E07000120]\ntiers:\n  - {name: outside, regions: [E12000002]}\n",
            "'outside' is reserved",
        ),
    ],
)
def test_bad_place_files_say_what_is_wrong(fixture_data, tmp_path, text, message):
    path = _write(tmp_path, text)
    with pytest.raises(PlaceError) as exc:
        load_place(path)
    assert message in str(exc.value)
    assert str(path) in str(exc.value)


def test_unknown_lad_code_suggests_close_codes(fixture_data):
    with pytest.raises(
        PlaceError, match=r"unknown LAD code 'E07000121' \(did you mean .*E07000120"
    ):
        place_from_codes("E07000121")


def test_missing_place_file(fixture_data, tmp_path):
    with pytest.raises(PlaceError, match="not found"):
        load_place(tmp_path / "nope.yml")


def test_demo_place_is_the_14_lancashire_districts(real_data):
    from conftest import ROOT

    place = load_place(ROOT / "data" / "places" / "lancashire.yml")
    assert len(place.lad_codes) == 14
    assert place.notes == []  # Lancashire lies wholly inside the North West


def _raw_postcode(fixture_data, lad, n=1):
    """First live postcodes (pcds) of a LAD in the raw fixture ONS lookup, whose LSOA 2011 is
    unchanged in 2021."""
    import gzip

    with open(
        fixture_data / "reference" / "lookup_lsoa11_lsoa21_lad22.csv", encoding="utf-8"
    ) as fh:
        unchanged = {r["lsoa11_code"] for r in csv.DictReader(fh) if r["change_code"] == "U"}
    path = fixture_data / "reference" / "postcodes" / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["ladcd"] == lad and not r["doterm"] and r["lsoa11cd"] in unchanged
        ]
    return [r["pcds"] for r in rows[:n]]


def test_postcodes_classify_into_tiers(fixture_data):
    place = place_from_codes(HYNDBURN)
    hyn = _raw_postcode(fixture_data, HYNDBURN)[0]
    bpl = _raw_postcode(fixture_data, BLACKPOOL)[0]
    inputs = [hyn.lower().replace(" ", ""), bpl, "EH1 1AD", "BT1 1AA", "BB5 OAA", "ZZ9 9ZZ"]
    got = classify_postcodes(place, inputs)
    assert got["tier"].tolist() == ["place", "wider", "rest_of_uk", "rest_of_uk", UNKNOWN, UNKNOWN]
    assert got["status"].tolist()[-2:] == ["invalid", "unknown"]
    assert got["lad24_code"].tolist()[:2] == [HYNDBURN, BLACKPOOL]


def test_a_tier_can_be_a_whole_country(fixture_data, tmp_path):
    place = load_place(
        _write(
            tmp_path,
            f"""
name: Hyndburn
lads: [{HYNDBURN}]
tiers:
  - {{name: place, place: true}}
  - {{name: great_britain, regions: [E92000001, W92000004, S92000003]}}
  - {{name: rest_of_uk, everywhere: true}}
""",
        )
    )
    got = classify_postcodes(place, ["EH1 1AD", "BT1 1AA"])
    assert got["tier"].tolist() == ["great_britain", "rest_of_uk"]


PRESTON_LIKE = f"""
name: Hyndburn
lads: [{HYNDBURN}]
tiers:
  - {{name: place, place: true}}
  - {{name: wider, regions: [E12000002]}}
"""


def test_a_place_without_an_everywhere_tier_puts_the_rest_outside(fixture_data, tmp_path):
    """The issue's Finding 2: tiers place and wider (the North West), no everywhere tier.  What is
    located but in neither tier is ``outside`` (located), never ``unknown``."""
    place = load_place(_write(tmp_path, PRESTON_LIKE))
    assert place.tier_names == ["place", "wider", OUTSIDE, UNKNOWN]
    hyn = sorted(_raw_lsoas(fixture_data, HYNDBURN))[0]
    bpl = sorted(_raw_lsoas(fixture_data, BLACKPOOL))[0]
    got = classify_lsoas(
        place, [hyn, bpl, "E01000001", "W01000147", "E01999999", "rubbish"]
    ).tolist()
    # City of London (London) and an LSOA in Wales are real LSOAs in no declared tier;
    # E01999999 and 'rubbish' are not LSOAs at all.
    assert got == ["place", "wider", OUTSIDE, OUTSIDE, UNKNOWN, UNKNOWN]
    hyn_pc = _raw_postcode(fixture_data, HYNDBURN)[0]
    bpl_pc = _raw_postcode(fixture_data, BLACKPOOL)[0]
    inputs = [hyn_pc, bpl_pc, "LS1 1JF", "EH1 1AD", "BT1 1AA", "BB5 OAA", "ZZ9 9ZZ"]
    got = classify_postcodes(place, inputs)
    # Leeds (Yorkshire), Edinburgh and Belfast are located outside both tiers; an invalid and an
    # unknown postcode cannot be placed.
    assert got["tier"].tolist() == [
        "place",
        "wider",
        OUTSIDE,
        OUTSIDE,
        OUTSIDE,
        UNKNOWN,
        UNKNOWN,
    ]


def test_a_country_tier_without_everywhere(fixture_data, tmp_path):
    place = load_place(
        _write(
            tmp_path,
            f"""
name: Hyndburn
lads: [{HYNDBURN}]
tiers:
  - {{name: place, place: true}}
  - {{name: great_britain, regions: [E92000001, W92000004, S92000003]}}
""",
        )
    )
    got = classify_postcodes(place, ["EH1 1AD", "BT1 1AA"])
    assert got["tier"].tolist() == ["great_britain", OUTSIDE]  # Northern Ireland is not in GB
