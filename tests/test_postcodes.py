"""Postcodes: normalisation, the postcode index, and placing postcodes in LSOA 2021, ward, LAD,
region and IMD.

Expected geographies are worked out here from the raw CSV rows (csv module),
never by calling the code under test.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from anchorlib.data.postcodes import (
    INDEX_COLUMNS,
    LOCATE_COLUMNS,
    index_cache_path,
    key_codes,
    locate_postcode,
    locate_postcodes,
    normalise_postcode,
    normalise_postcodes,
    postcode_index,
)

ONSPD = "reference/postcodes/PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU.csv.gz"
CODEPOINT = "reference/postcodes/codepo_gb.zip"

# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "typed",
    [
        "BB5 1AA",
        "bb5 1aa",
        "Bb5 1aA",
        "BB51AA",
        "bb51aa",
        "BB5  1AA",
        "  BB5 1AA  ",
        "BB5\t1AA",
        "BB5\u00a01AA",
        "\u00a0BB5 1AA\n",
        "B B 5 1 A A",
        "BB5 1AA\ufeff",
    ],
)
def test_every_typed_form_gives_one_key(typed):
    n = normalise_postcode(typed)
    assert (n.key, n.pcds, n.valid, n.reason) == ("BB51AA", "BB5 1AA", True, None)
    assert n.input == typed


@pytest.mark.parametrize(
    "typed, key, pcds",
    [
        ("AB101AA", "AB101AA", "AB10 1AA"),  # pcd7 of a 4-character outward code (no space)
        ("BB5 1AA", "BB51AA", "BB5 1AA"),  # pcd7 of a 3-character outward code (one space)
        ("BT1  1AA", "BT11AA", "BT1 1AA"),  # pcd8 (two spaces)
        ("AB10 1AA", "AB101AA", "AB10 1AA"),  # pcd8 = pcds for 4-character outward codes
        ("M1 1AE", "M11AE", "M1 1AE"),  # A9
        ("M1  1AE", "M11AE", "M1 1AE"),  # pcd7 of A9 is "M1  1AE"
        ("B33 8TH", "B338TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR26XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN551PT", "DN55 1PT"),  # AA99
        ("W1A 0AX", "W1A0AX", "W1A 0AX"),  # A9A
        ("EC1A 1BB", "EC1A1BB", "EC1A 1BB"),  # AA9A
        ("gir 0aa", "GIR0AA", "GIR 0AA"),  # the special Girobank postcode
        (
            "B55 1AA",
            "B551AA",
            "B55 1AA",
        ),  # A99: a valid format (whether it exists is another matter)
    ],
)
def test_valid_formats(typed, key, pcds):
    n = normalise_postcode(typed)
    assert n.valid and n.key == key and n.pcds == pcds


@pytest.mark.parametrize(
    "typed, words",
    [
        ("BB5", "5 to 7 letters and digits"),
        ("12345", "end in a digit and two letters"),
        ("BB5 1CA", "cannot be C, I, K, M, O or V"),
        ("BB5 1AO", "cannot be C, I, K, M, O or V"),
        ("BB5 OAA", "end in a digit and two letters"),  # letter O typed for zero: not corrected
        ("BB5 IAA", "end in a digit and two letters"),  # letter I typed for one: not corrected
        ("8B5 1AA", "like A9, A99"),
        ("BBB5 1AA", "like A9, A99"),
        ("BB55 51AA", "5 to 7"),
        ("ABC 1AA", "like A9, A99"),
        ("B5AA 1AA", "like A9, A99"),
        ("BB5-1AA", "characters other than letters"),
        ("BB5 1AA.", "characters other than letters"),
        ("ＢＢ5 1AA", "characters other than letters"),  # full-width letters are not read as ASCII
        ("GIR 0AB", "like A9, A99"),
    ],
)
def test_invalid_formats_say_why(typed, words):
    n = normalise_postcode(typed)
    assert not n.valid and n.key is None and n.pcds is None
    assert n.reason.startswith("not a UK postcode format: ") and words in n.reason


def test_o_and_zero_are_not_swapped():
    # "BO5" (letter O) is a valid outward format and stays BO5: never guessed to be B05 or BB5.
    assert normalise_postcode("BO5 1AA").key == "BO51AA"
    assert normalise_postcode("B05 1AA").key == "B051AA"


@pytest.mark.parametrize("empty", [None, float("nan"), pd.NA, np.nan, "", "   ", "\t\u00a0"])
def test_missing_and_blank_are_empty(empty):
    n = normalise_postcode(empty)
    assert not n.valid and n.key is None and n.reason == "empty"


def test_vectorised_equals_scalar_and_keeps_order_and_index():
    typed = ["bb5 1aa", None, "BB5", "  m1 1ae", np.nan, "BB5 1CA", "EC1A1BB", 12345, "gir0aa", ""]
    series = pd.Series(typed, index=[10, 3, 7, 1, 2, 99, 5, 6, 8, 4], dtype=object)
    df = normalise_postcodes(series)
    assert list(df.columns) == ["input", "key", "pcds", "valid", "reason"]
    assert df.index.tolist() == series.index.tolist()
    for (_, row), value in zip(df.iterrows(), typed):
        one = normalise_postcode(value)
        assert (
            _same(row["key"], one.key)
            and _same(row["pcds"], one.pcds)
            and _same(row["reason"], one.reason)
        )
        assert bool(row["valid"]) == one.valid


def _same(a, b) -> bool:
    return (a is None or (not isinstance(a, str) and pd.isna(a))) if b is None else a == b


_chars = st.sampled_from(list("ABCIKMOVZabcikmovz0159 \t\u00a0-.") + ["\u2009"])
_shaped = st.from_regex(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? {0,2}[0-9][A-Za-z]{2}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(_chars, max_size=10), _shaped, st.none()), max_size=30))
def test_vectorised_equals_scalar_property(values):
    df = normalise_postcodes(values)
    for (_, row), value in zip(df.iterrows(), values):
        one = normalise_postcode(value)
        assert (
            _same(row["key"], one.key)
            and _same(row["reason"], one.reason)
            and bool(row["valid"]) == one.valid
        )


def test_normalise_postcodes_rejects_a_single_string():
    with pytest.raises(TypeError, match="normalise_postcode"):
        normalise_postcodes("BB5 1AA")


def test_key_codes_sort_like_keys():
    keys = pd.Series(["A11AA", "A1A1AA", "AB101AA", "AB10AA", "ZZ99ZZZ", "GIR0AA", "M11AE"])
    codes = key_codes(keys)
    assert list(np.argsort(codes)) == list(np.argsort(keys.to_numpy()))
    assert len(set(codes)) == len(keys)


# --------------------------------------------------------- raw fixture rows (the independent truth)


def _onspd_rows(root: Path) -> dict[str, dict]:
    with gzip.open(root / ONSPD, "rt", encoding="utf-8", newline="") as fh:
        return {r["pcds"]: r for r in csv.DictReader(fh)}


def _codepoint_rows(root: Path) -> dict[str, tuple[int, int]]:
    out = {}
    with zipfile.ZipFile(root / CODEPOINT) as zf:
        for name in zf.namelist():
            if name.startswith("Data/CSV/"):
                for f in csv.reader(io.TextIOWrapper(zf.open(name), encoding="utf-8")):
                    out[f[0].replace(" ", "")] = (int(f[1]), int(f[2]), int(f[3]))  # quality, E, N
    return out


def _csv(root: Path, rel: str) -> list[dict]:
    with open(root / "reference" / rel, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _bridge(root: Path) -> dict[str, set[str]]:
    out = defaultdict(set)
    for r in _csv(root, "lookup_lsoa11_lsoa21_lad22.csv"):
        out[r["lsoa11_code"]].add(r["lsoa21_code"])
    return out


def _expected_english(root: Path, pcds: str) -> dict:
    """Where a live English postcode in an unsplit LSOA 2011 should land, from the raw files."""
    row = _onspd_rows(root)[pcds]
    (lsoa21,) = _bridge(root)[row["lsoa11cd"]]
    ward = next(
        r for r in _csv(root, "lookup_lsoa21_ward24_lad24.csv") if r["lsoa21_code"] == lsoa21
    )
    region = next(
        r
        for r in _csv(root, "lookup_lad24_region24.csv")
        if r["ltla24_code"] == ward["ltla24_code"]
    )
    imd = next(r for r in _csv(root, "imd2025_lsoa21.csv") if r["lsoa21_code"] == lsoa21)
    return {
        "pcds": pcds,
        "lsoa21_code": lsoa21,
        "ward24_code": ward["ward24_code"],
        "ward24_name": ward["ward24_name"],
        "lad24_code": ward["ltla24_code"],
        "lad24_name": ward["ltla24_name"],
        "region_code": region["region24_code"],
        "region_name": region["region24_name"],
        "imd25_decile": int(imd["IMD_decile"]),
        "imd25_rank": int(imd["IMD_rank"]),
        "lad_code_2022": row["ladcd"],
    }


# ---------------------------------------------------------------- fixture data


def test_index_has_every_lookup_row_and_its_columns(fixture_data):
    raw = _onspd_rows(fixture_data)
    ix = postcode_index()
    assert list(ix.columns) == INDEX_COLUMNS
    assert len(ix) == len(raw) and set(ix["pcds"]) == set(raw)
    assert ix["key"].is_unique and (ix["key"] == ix["pcds"].str.replace(" ", "")).all()
    assert isinstance(ix["oa11cd"].dtype, pd.CategoricalDtype)
    assert set(ix["status"]) == {"live", "terminated"}
    term = ix.set_index("pcds")["doterm"].dropna()
    assert set(term.index) == {p for p, r in raw.items() if r["doterm"]}


def test_index_is_cached_by_checksum_and_reloads_equal(fixture_data):
    built = postcode_index()
    path = index_cache_path()
    assert path.exists() and path.parent == Path(os.environ["ANCHOR_CACHE_DIR"])
    assert path.name.startswith("postcode_index-")
    postcode_index.cache_clear()
    loaded = postcode_index()
    pd.testing.assert_frame_equal(built, loaded, check_categorical=False)


def test_live_english_postcode_in_full(fixture_data):
    expected = _expected_english(fixture_data, "BB5 1LA")
    got = locate_postcode(" bb5 1la ")
    assert got["status"] == "live" and got["reason"] is None and got["lsoa21_method"] == "bridge"
    assert {k: got[k] for k in expected} == expected
    quality, e, n = _codepoint_rows(fixture_data)["BB51LA"]
    assert (got["easting"], got["northing"]) == (e, n)


def test_terminated_postcode_keeps_its_last_geography(fixture_data):
    raw = _onspd_rows(fixture_data)
    bridge = _bridge(fixture_data)
    pcds, row = next(
        (p, r)
        for p, r in raw.items()
        if r["doterm"] and r["ladcd"].startswith("E") and len(bridge[r["lsoa11cd"]]) == 1
    )
    got = locate_postcode(pcds.replace(" ", "").lower())
    expected = _expected_english(fixture_data, pcds)
    assert got["status"] == "terminated"
    assert (
        got["reason"]
        == f"terminated {row['doterm'][:4]}-{row['doterm'][4:]} (last known geography given)"
    )
    assert {k: got[k] for k in expected} == expected
    assert got["easting"] is None  # Code-Point centroids are given for live postcodes only


def test_unknown_invalid_and_empty(fixture_data):
    raw = _onspd_rows(fixture_data)
    assert "FY1 9QQ" not in raw and "ZZ9 9ZZ" not in raw
    out = locate_postcodes(["FY1 9QQ", "zz99zz", "BB5", "BB5 1CA", None, ""])
    assert out["status"].tolist() == [
        "unknown",
        "unknown",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
    ]
    assert out["pcds"].iloc[0] == "FY1 9QQ" and pd.isna(out["pcds"].iloc[2])
    assert "not in the ONS postcode lookup" in out["reason"].iloc[0]
    assert out["reason"].iloc[2].startswith("not a UK postcode format")
    assert out["reason"].iloc[4] == "empty" and out["reason"].iloc[5] == "empty"
    assert out[["lsoa21_code", "lad24_code", "region_code"]].isna().all().all()


def test_scotland_and_northern_ireland_get_their_country_as_region(fixture_data):
    raw = _onspd_rows(fixture_data)
    out = locate_postcodes(["EH1 1AD", "bt1 1aa", "AB10 1AA"]).set_index("pcds")
    assert out.loc["EH1 1AD", "status"] == "live"
    assert (
        out.loc["EH1 1AD", "region_code"] == "S92000003"
        and out.loc["EH1 1AD", "region_name"] == "Scotland"
    )
    assert (
        out.loc["BT1 1AA", "region_code"] == "N92000002"
        and out.loc["BT1 1AA", "region_name"] == "Northern Ireland"
    )
    assert (
        out.loc["AB10 1AA", "status"] == "terminated"
        and out.loc["AB10 1AA", "region_code"] == "S92000003"
    )
    for pcds in out.index:
        assert out.loc[pcds, "lsoa21_method"] == "outside_ew"
        assert pd.isna(out.loc[pcds, "lsoa21_code"]) and pd.isna(out.loc[pcds, "lad24_code"])
        assert pd.isna(out.loc[pcds, "imd25_decile"])
        assert out.loc[pcds, "lad_code_2022"] == raw[pcds]["ladcd"]
    assert pd.isna(out.loc["BT1 1AA", "easting"])  # Code-Point covers Great Britain only


def test_welsh_postcode_has_wales_as_region_and_no_imd(fixture_data):
    raw = _onspd_rows(fixture_data)
    bridge = _bridge(fixture_data)
    pcds = next(
        p
        for p, r in raw.items()
        if r["lsoa11cd"].startswith("W01") and len(bridge[r["lsoa11cd"]]) == 1
    )
    got = locate_postcode(pcds)
    (lsoa21,) = bridge[raw[pcds]["lsoa11cd"]]
    assert got["lsoa21_code"] == lsoa21 and got["region_code"] == "W92000004"
    assert got["imd25_decile"] is None  # IMD 2025 is England only


def test_split_lsoa11_postcode_is_placed_by_its_centroid(fixture_data):
    import shapely
    from pyproj import Transformer
    from shapely.geometry import shape

    raw, cp, bridge = (
        _onspd_rows(fixture_data),
        _codepoint_rows(fixture_data),
        _bridge(fixture_data),
    )
    split = [
        (p, r)
        for p, r in raw.items()
        if len(bridge[r["lsoa11cd"]]) > 1 and not r["doterm"] and p.replace(" ", "") in cp
    ]
    assert split, "the fixtures should hold live postcodes of a split LSOA 2011"
    got = locate_postcodes([p for p, _ in split]).set_index("pcds")
    assert set(got["lsoa21_method"]) <= {"centroid", "centroid_nearest", "ambiguous"}
    assert (got["lsoa21_method"] == "centroid").any()

    polygons = {
        f["properties"]["LSOA21CD"]: shape(f["geometry"])
        for f in json.loads((fixture_data / "reference/boundaries/lsoa21.geojson").read_text())[
            "features"
        ]
    }
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    for pcds, row in split:
        placed = got.loc[pcds]
        if placed["lsoa21_method"] != "centroid":
            continue
        assert placed["lsoa21_code"] in bridge[row["lsoa11cd"]]
        _, e, n = cp[pcds.replace(" ", "")]
        lon, lat = to_wgs84.transform(e, n)
        inside = [
            c for c in bridge[row["lsoa11cd"]] if polygons[c].contains(shapely.Point(lon, lat))
        ]
        assert inside == [placed["lsoa21_code"]], pcds


def test_output_is_in_input_order_with_duplicates_and_series_index(fixture_data):
    values = pd.Series(["BB5 1LA", "nope", "bb51la", "EH1 1AD", "BB5 1LA"], index=list("vwxyz"))
    out = locate_postcodes(values)
    assert list(out.columns) == LOCATE_COLUMNS
    assert out.index.tolist() == list("vwxyz") and out["input"].tolist() == values.tolist()
    assert (
        out["pcds"].tolist()[:1] == ["BB5 1LA"]
        and out.loc["x", "lsoa21_code"] == out.loc["v", "lsoa21_code"]
    )
    assert out["status"].tolist() == ["live", "invalid", "live", "live", "live"]


def test_locate_nothing(fixture_data):
    out = locate_postcodes([])
    assert len(out) == 0 and list(out.columns) == LOCATE_COLUMNS


def test_every_index_row_is_found_by_its_own_key(fixture_data):
    ix = postcode_index()
    out = locate_postcodes(ix["pcds"])
    assert (out["status"].to_numpy() == ix["status"].astype("str").to_numpy()).all()
    assert (out["lsoa21_code"].fillna("-") == ix["lsoa21_code"].astype("str").fillna("-")).all()


# ---------------------------------------------------------------- real data


def _raw_real_rows(root: Path, wanted: set[str]) -> dict[str, dict]:
    """Stream the real 2.68-million-row lookup and keep the rows asked for."""
    prefixes = tuple(f'"{p}"'.encode() for p in wanted)
    out = {}
    with gzip.open(root / ONSPD, "rb") as fh:
        header = next(csv.reader([fh.readline().decode("utf-8")]))
        for line in fh:
            if line.startswith(prefixes):
                row = dict(zip(header, next(csv.reader([line.decode("utf-8")]))))
                out[row["pcds"]] = row
                if len(out) == len(wanted):
                    break
    return out


def test_real_postcodes(real_data):
    # Checked by hand in the raw files: BB5 1LA (Hyndburn town hall area) is live, LSOA 2011
    # E01025036 (change U) = LSOA 2021 E01025036, ward Barnfield E05005207, Hyndburn E07000120,
    # North West E12000002, IMD 2025 decile 1 rank 327, Code-Point 375997 428604.
    raw = _raw_real_rows(real_data, {"BB5 1LA", "EH1 1AD", "BT1 1AA"})
    assert raw["BB5 1LA"]["lsoa11cd"] == "E01025036" and raw["BB5 1LA"]["doterm"] == ""
    assert _bridge(real_data)["E01025036"] == {"E01025036"}
    out = locate_postcodes(["bb5 1la", "EH11AD", "BT1  1AA"]).set_index("pcds")
    bb5 = out.loc["BB5 1LA"]
    assert (bb5["status"], bb5["lsoa21_code"], bb5["lsoa21_method"]) == (
        "live",
        "E01025036",
        "bridge",
    )
    assert (bb5["ward24_code"], bb5["ward24_name"]) == ("E05005207", "Barnfield")
    assert (bb5["lad24_code"], bb5["lad24_name"], bb5["region_code"]) == (
        "E07000120",
        "Hyndburn",
        "E12000002",
    )
    assert (bb5["imd25_decile"], bb5["imd25_rank"], bb5["easting"], bb5["northing"]) == (
        1,
        327,
        375997,
        428604,
    )
    for pcds, region in (("EH1 1AD", "S92000003"), ("BT1 1AA", "N92000002")):
        assert out.loc[pcds, "region_code"] == region and pd.isna(out.loc[pcds, "lsoa21_code"])
        assert out.loc[pcds, "lad_code_2022"] == raw[pcds]["ladcd"]


def test_real_index_has_every_postcode(real_data):
    ix = postcode_index()
    assert len(ix) == 2_676_240 and ix["key"].is_unique
    counts = ix["lsoa21_method"].value_counts()
    assert (
        counts["bridge"] > 2_000_000 and counts["centroid"] > 0 and counts["centroid_nearest"] > 0
    )
    no_lsoa21 = ix["lsoa21_method"].isin(["ambiguous", "outside_ew", "no_lsoa11"])
    assert (ix["lsoa21_code"].isna() == no_lsoa21).all()


def test_repeated_index_labels_are_kept_row_by_row(fixture_data):
    values = pd.Series(["BB5 1LA", "EH1 1AD", "nope"], index=[7, 7, 7])
    norm = normalise_postcodes(values)
    assert norm["valid"].tolist() == [True, True, False] and norm.index.tolist() == [7, 7, 7]
    out = locate_postcodes(values)
    assert len(out) == 3 and out.index.tolist() == [7, 7, 7]
    assert out["region_code"].iloc[:2].tolist() == ["E12000002", "S92000003"]
    assert out["status"].tolist() == ["live", "live", "invalid"]


# ------------------------------------------------- split or unmatched LSOAs: placed by district


@pytest.fixture
def split_postcode_data(fixture_data, tmp_path, monkeypatch):
    """The fixture data plus one hand-made LIVE postcode, BB5 0ZZ, in LSOA 2011 E01033231 (Hyndburn
    006H, which the ONS LSOA 2011 -> 2021 lookup splits in two), with no Code-Point centroid: the
    case of a live English postcode with no single LSOA 2021.  Its ONS lookup row is BB5 0AH's
    (a terminated postcode of the same LSOA 2011) made live."""
    import shutil

    from conftest import FIXTURES, clear_anchorlib_caches

    from anchorlib.data.catalogue import sha256_of

    data = tmp_path / "data"
    shutil.copytree(fixture_data, data)
    path = data / ONSPD
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        text = fh.read()
    row = next(line for line in text.splitlines() if line.startswith('"BB5 0AH"'))
    made = row.replace("BB5 0AH", "BB5 0ZZ").replace("BB5  0AH", "BB5  0ZZ")
    made = made.replace('"198001","200405"', '"198001",""')
    # BB5 0ZX: live, no LSOA 2011 and no district in the lookup, but a Code-Point centroid, the
    # one of BB5 1LA (375997, 428604), in Hyndburn.
    bare = '"BB5 0ZX","BB5  0ZX","BB5 0ZX","202001","","0","","","","","","","",""'
    with gzip.open(path, "wt", encoding="utf-8", newline="") as fh:
        fh.write(text.rstrip("\n") + "\n" + made + "\n" + bare + "\n")
    cp_path = data / CODEPOINT
    with zipfile.ZipFile(cp_path) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    members["Data/CSV/bb.csv"] += (
        b'"BB5 0ZX",10,375997,428604,"E92000001","E19000001","E18000002","E10000017",'
        b'"E07000120","E05005207"\n'
    )
    with zipfile.ZipFile(cp_path, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    catalogue = (FIXTURES / "sources.yml").read_text(encoding="utf-8")
    for old, changed in (
        (sha256_of(fixture_data / ONSPD), path),
        (sha256_of(fixture_data / CODEPOINT), cp_path),
    ):
        assert old in catalogue
        catalogue = catalogue.replace(old, sha256_of(changed))  # the catalogue pins the new file
    (tmp_path / "sources.yml").write_text(catalogue, encoding="utf-8")
    monkeypatch.setenv("ANCHOR_CATALOGUE", str(tmp_path / "sources.yml"))
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(data))
    monkeypatch.setenv("ANCHOR_CACHE_DIR", str(tmp_path / "cache"))
    clear_anchorlib_caches()
    yield data
    clear_anchorlib_caches()


def test_live_split_lsoa_postcode_is_placed_by_its_district(split_postcode_data):
    # By hand, from the raw files: E01033231 has two LSOA 2021 successors, so no single one; the
    # postcode has no centroid, so nothing settles which; the ONS lookup's district is E07000120
    # (Hyndburn, the same code in 2024), in the North West (E12000002).
    assert len(_bridge(split_postcode_data)["E01033231"]) == 2
    assert "BB50ZZ" not in _codepoint_rows(split_postcode_data)
    got = locate_postcode("bb5 0zz")
    assert (got["status"], got["lsoa21_method"], got["lsoa21_code"]) == ("live", "ambiguous", None)
    assert (got["lad24_code"], got["lad24_name"]) == ("E07000120", "Hyndburn")
    assert (got["region_code"], got["region_name"]) == ("E12000002", "North West")
    # decile and ward unknown: nothing resolves the LSOA 2021
    assert got["imd25_decile"] is None and got["ward24_code"] is None
    assert "district" in got["reason"] and "England" not in got["reason"]


def test_postcode_with_no_lsoa_nor_district_is_placed_by_its_centroid(split_postcode_data):
    # BB5 0ZX: the lookup gives no LSOA 2011 and no district; its centroid (375997, 428604) is
    # BB5 1LA's, which the Hyndburn (E07000120) boundary holds: placed there, decile unknown.
    got = locate_postcode("BB5 0ZX")
    assert (got["status"], got["lsoa21_method"], got["lsoa21_code"]) == ("live", "no_lsoa11", None)
    assert (got["easting"], got["northing"]) == (375997, 428604)
    assert (got["lad24_code"], got["region_code"]) == ("E07000120", "E12000002")
    assert got["imd25_decile"] is None and "centroid" in got["reason"]


def test_split_lsoa_postcode_falls_in_its_district_and_region_tiers(split_postcode_data):
    from anchorlib.config.places import PlaceSpec, build_place, classify_postcodes

    def tier_of(spec: dict) -> str:
        place = build_place(PlaceSpec(**spec))
        return classify_postcodes(place, ["BB5 0ZZ"])["tier"].iloc[0]

    everywhere = {"name": "rest_of_uk", "everywhere": True}
    # Hyndburn is the place: the postcode is in the place, not in the outermost tier
    hyndburn = {"name": "Hyndburn", "lads": ["E07000120"]}
    tiers = [{"name": "place", "place": True}, {"name": "wider", "regions": ["E12000002"]}]
    assert tier_of(hyndburn | {"tiers": tiers + [everywhere]}) == "place"
    # Burnley (E07000117) is the place: Hyndburn lies in its wider North West tier
    burnley = {"name": "Burnley", "lads": ["E07000117"]}
    assert tier_of(burnley | {"tiers": tiers + [everywhere]}) == "wider"
    # a district tier inside the place wins over the place
    home = [{"name": "home", "lads": ["E07000120"]}]
    both = {"name": "Two", "lads": ["E07000117", "E07000120"]}
    assert tier_of(both | {"tiers": home + tiers + [everywhere]}) == "home"
    # only Burnley, then everywhere: the outermost tier is right here (it is outside Burnley)
    assert tier_of(burnley | {"tiers": [tiers[0], everywhere]}) == "rest_of_uk"
    # no everywhere tier: located, in no declared tier -> outside (never unknown, never dropped)
    assert tier_of(burnley | {"tiers": [tiers[0]]}) == "outside"
    assert tier_of(burnley | {"tiers": tiers}) == "wider"
