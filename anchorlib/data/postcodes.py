"""Postcodes: read what people type, and place any UK postcode in LSOA 2021, IMD 2025, ward, LAD and
region.

Definitions used throughout:

* **key**: the postcode in upper case with no spaces (``"BB51AA"``); the join key.
* **pcds**: the canonical written form, outward code, one space, inward code (``"BB5 1AA"``).
  ONS's fixed-width forms are *pcd7* (padded to 7 characters, ``"BB5 1AA"``,
  ``"AB101AA"``) and *pcd8* (8 characters, ``"BB5  1AA"``); all three give the same key.
* **format**: outward code A9, A99, AA9, AA99, A9A or AA9A (A = letter, 9 = digit)
  then inward code 9AA whose letters are not C, I, K, M, O or V.  Two exceptions
  that the ONS lookup itself lists are accepted: ``GIR 0AA`` and Newport's
  pre-1985 ``NPT`` outward code.  Nothing is corrected (an O typed for a 0 stays
  an error): normalisation never guesses.
* **status** of a postcode: *live* (in the ONS lookup, not terminated),
  *terminated* (in the lookup with a termination date; its last known geography
  is given), *unknown* (a valid format but not in the lookup) or *invalid*
  (not a postcode format).

Sources: the ONS postcode lookup of May 2022 (``onspd_lookup``: OA, LSOA and
MSOA 2011 and LAD), OS Code-Point Open centroids (``codepoint_open``, Great
Britain, live postcodes) and the ONS LSOA 2011 -> 2021 lookup.  They are
combined once into the *postcode index*, cached as Parquet (see
:func:`postcode_index`).

How each postcode gets its LSOA 2021 (column ``lsoa21_method``):

* ``bridge``: its LSOA 2011 maps to exactly one LSOA 2021 (unchanged or merged).
* ``centroid``: its LSOA 2011 was split (or irregularly changed); the Code-Point
  centroid lies in exactly one of the candidate LSOAs 2021.
* ``centroid_nearest``: the centroid lies in none of the candidates (the
  boundaries are generalised) but within 250 m of one; the nearest is taken.
* ``ambiguous``: split, and no centroid (terminated postcodes), or the centroid
  is further than 250 m from every candidate: no LSOA 2021.
* ``outside_ew``: Scotland, Northern Ireland, Channel Islands, Isle of Man.
* ``no_lsoa11``: the ONS lookup gives the postcode no LSOA 2011 (mostly
  terminated or non-geographic postcodes), or one the LSOA 2011 -> 2021
  lookup does not list: no LSOA 2021.

An ``ambiguous`` or ``no_lsoa11`` postcode in England or Wales is still placed in
its district and region (the ONS lookup's district carried to LAD 2024, else the
LAD 2024 boundary holding its centroid), so that
district and region tiers count it where it is; only its ward and IMD decile are
unknown.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from anchorlib.core.atomic import write_all
from anchorlib.data.catalogue import cache_dir, load_catalogue, verified_sha256
from anchorlib.data.extract import check_postcodes_in_extract, extract_in_use
from anchorlib.data.geography import (
    boundaries,
    lad22_to_lad24,
    lad24_regions,
    lsoa11_to_lsoa21,
    lsoa21_geography,
)
from anchorlib.data.readers import read_source, resolve

# Bump when the build logic changes: it is part of the cache key, so old caches are never served.
INDEX_VERSION = "1"
INDEX_SOURCES = ("onspd_lookup", "codepoint_open", "lookup_lsoa11_lsoa21", "boundaries_lsoa21")
NEAREST_LIMIT_M = 250.0
BNG, WGS84 = "EPSG:27700", "EPSG:4326"

# Countries (and Crown dependencies) with no LSOA 2021, keyed by the first letter of the ONSPD
# ladcd.
OUTSIDE_EW = {
    "S": ("S92000003", "Scotland"),
    "N": ("N92000002", "Northern Ireland"),
    "L": ("L99999999", "Channel Islands"),
    "M": ("M99999999", "Isle of Man"),
}
METHODS = ["bridge", "centroid", "centroid_nearest", "ambiguous", "outside_ew", "no_lsoa11"]

# ---------------------------------------------------------------- normalisation

# Characters removed anywhere: ASCII and Unicode spaces (NBSP, thin, ideographic ...)
# and invisible ones that pasting from web pages and spreadsheets brings in.  Written
# out literally because pandas runs the regex in RE2, whose \s is ASCII-only.
_SPACES = (
    "[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]+"
)
_NOT_FORMAT = "not a UK postcode format: "
# (pattern, must match?, reason): the first failed check gives the reason.  The same
# patterns serve the scalar (re) and vectorised (pandas/RE2) paths, so they agree.
_CHECKS = [
    (r"^$", False, "empty"),
    (
        r"[^A-Za-z0-9]",
        False,
        _NOT_FORMAT + "contains characters other than letters, digits and spaces",
    ),
    (r"^[A-Za-z0-9]{5,7}$", True, _NOT_FORMAT + "a postcode has 5 to 7 letters and digits"),
    (
        r"[0-9][A-Za-z][A-Za-z]$",
        True,
        _NOT_FORMAT + "it must end in a digit and two letters, such as 1AA",
    ),
    (
        r"[CIKMOVcikmov][A-Za-z]$|[CIKMOVcikmov]$",
        False,
        _NOT_FORMAT + "the last two letters cannot be C, I, K, M, O or V",
    ),
    (
        r"^(?:[A-Za-z][A-Za-z]?[0-9][A-Za-z0-9]?|[Nn][Pp][Tt])[0-9][A-Za-z][A-Za-z]$"
        r"|^[Gg][Ii][Rr]0[Aa][Aa]$",
        True,
        _NOT_FORMAT
        + "the part before the last three characters must be like A9, A99, AA9, AA99, A9A or AA9A "
        "(A = letter, 9 = digit)",
    ),
]
_CHECKS_RE = [(re.compile(p), must, reason) for p, must, reason in _CHECKS]
_SPACES_RE = re.compile(_SPACES)


@dataclass(frozen=True, slots=True)
class NormalisedPostcode:
    """One postcode as typed and as understood.

    ``key`` ("BB51AA") and ``pcds`` ("BB5 1AA") are None when ``valid`` is False,
    and ``reason`` then says why in plain words.
    """

    input: Any
    key: str | None
    pcds: str | None
    valid: bool
    reason: str | None


def _is_missing(value: Any) -> bool:
    return value is None or (
        pd.api.types.is_scalar(value) and not isinstance(value, str) and bool(pd.isna(value))
    )


def normalise_postcode(text: Any) -> NormalisedPostcode:
    """Normalise one postcode as typed (any case, any spacing, pcd7/pcd8/pcds); see
    :func:`normalise_postcodes`."""
    compact = "" if _is_missing(text) else _SPACES_RE.sub("", str(text))
    for pattern, must, reason in _CHECKS_RE:
        if bool(pattern.search(compact)) != must:
            return NormalisedPostcode(text, None, None, False, reason)
    key = compact.upper()
    return NormalisedPostcode(text, key, f"{key[:-3]} {key[-3:]}", True, None)


def _as_text(values: pd.Series) -> pd.Series:
    """The values as text; missing values stay missing (numbers become their digits)."""
    if isinstance(values.dtype, pd.StringDtype):
        return values
    return values.astype("str")


def normalise_postcodes(values: Iterable | pd.Series) -> pd.DataFrame:
    """Normalise many postcodes at once, vectorised (no Python loop per row).

    Returns columns ``input`` (the value as given), ``key``, ``pcds``, ``valid``
    and ``reason`` (None when valid), one row per value, in order; a Series
    keeps its index.  Equal, row by row, to :func:`normalise_postcode`.
    """
    if isinstance(values, (str, bytes)):
        raise TypeError("normalise_postcodes takes many values; use normalise_postcode for one")
    raw = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    compact = _as_text(raw).str.replace(_SPACES, "", regex=True).fillna("")
    reason = pd.Series(None, index=raw.index, dtype="str")
    for pattern, must, why in reversed(
        _CHECKS
    ):  # reversed: the first failing check is written last
        failed = compact.str.contains(pattern, regex=True).astype(bool) != must
        reason = reason.mask(failed, why)
    valid = reason.isna()
    key = compact.str.upper().where(valid)
    pcds = key.str[:-3] + " " + key.str[-3:]
    return pd.DataFrame(
        {"input": raw, "key": key, "pcds": pcds, "valid": valid, "reason": reason}, index=raw.index
    )


# ---------------------------------------------------------------- the postcode index


def _source_sha(source_id: str) -> str:
    file = load_catalogue().get(source_id).files[0]
    ext = extract_in_use(source_id)
    if (
        ext is not None
    ):  # the demo extract stands in for the full file: a different index, a different key
        return "demo-extract:" + ext.files[0].sha256
    return file.sha256 or verified_sha256(resolve(source_id))


def index_cache_path() -> Path:
    """Cache file of the postcode index, named by the sha256 of everything it is derived from."""
    inputs = {sid: _source_sha(sid) for sid in INDEX_SOURCES} | {"version": INDEX_VERSION}
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
    return cache_dir() / f"postcode_index-{digest[:16]}.parquet"


def _onspd(use_cache: bool) -> pd.DataFrame:
    cols = ["pcds", "doterm", "usertype", "oa11cd", "lsoa11cd", "msoa11cd", "ladcd"]
    df = read_source("onspd_lookup", columns=cols, use_cache=use_cache)
    return df.rename(columns={"ladcd": "lad_code_2022"}).assign(
        key=df["pcds"].str.replace(" ", "", regex=False)
    )


def _centroids(use_cache: bool) -> pd.DataFrame:
    """Code-Point Open eastings/northings by key; quality 90 means 'no coordinates' (given as 0,
    0)."""
    cp = read_source(
        "codepoint_open",
        columns=["Postcode", "Positional_quality_indicator", "Eastings", "Northings"],
        use_cache=use_cache,
    )
    cp = cp[cp["Positional_quality_indicator"] != 90]
    return pd.DataFrame(
        {
            "key": cp["Postcode"].str.replace(" ", "", regex=False),
            "easting": cp["Eastings"].astype("Int32"),
            "northing": cp["Northings"].astype("Int32"),
        }
    )


def _candidate_polygons(codes: Iterable[str]):
    """The LSOA 2021 polygons named, in British National Grid metres, indexed by code."""
    gdf = boundaries("lsoa21")
    gdf = gdf[gdf["code"].isin(set(codes))].to_crs(BNG)
    return gdf.set_index("code").geometry


def _choose_by_centroid(multi: pd.DataFrame, bridge: pd.DataFrame) -> pd.DataFrame:
    """For postcodes whose LSOA 2011 has several LSOA 2021 successors, pick one by centroid.

    ``multi`` has columns lsoa11cd, easting, northing (index = row of the postcode).
    Returns lsoa21_code and lsoa21_method for every row of ``multi``.  Only the
    candidates from the bridge are tested, never all of England and Wales.
    """
    import shapely

    pairs = (
        multi.rename_axis("row")
        .reset_index()
        .merge(bridge, left_on="lsoa11cd", right_on="lsoa11_code")[
            ["row", "lsoa21_code", "easting", "northing"]
        ]
    )
    polys = _candidate_polygons(pairs["lsoa21_code"].unique())
    geoms = polys.reindex(
        pairs["lsoa21_code"]
    ).to_numpy()  # a candidate with no polygon tests as outside
    shapely.prepare(geoms)
    x = pairs["easting"].to_numpy(dtype=float, na_value=np.nan)
    y = pairs["northing"].to_numpy(dtype=float, na_value=np.nan)
    pairs["inside"] = shapely.contains_xy(geoms, x, y)
    n_inside = pairs.groupby("row")["inside"].transform("sum")
    # Distances only where needed: centroids that fell in no candidate.
    far = (n_inside == 0) & ~np.isnan(x)
    pairs["dist"] = np.inf
    pairs.loc[far, "dist"] = shapely.distance(geoms[far], shapely.points(x[far], y[far]))
    pairs["dist"] = pairs["dist"].fillna(np.inf)

    out = pd.DataFrame(
        {
            "lsoa21_code": pd.Series(None, index=multi.index, dtype="str"),
            "lsoa21_method": "ambiguous",
        },
        index=multi.index,
    )
    single = pairs[pairs["inside"] & (n_inside == 1)].set_index("row")
    out.loc[single.index, "lsoa21_code"] = single["lsoa21_code"]
    out.loc[single.index, "lsoa21_method"] = "centroid"
    # Several candidates containing the point (overlapping generalised polygons): no guess, stays
    # ambiguous.
    nearest = pairs[far].sort_values("dist").drop_duplicates("row").set_index("row")
    nearest = nearest[nearest["dist"] <= NEAREST_LIMIT_M]
    out.loc[nearest.index, "lsoa21_code"] = nearest["lsoa21_code"]
    out.loc[nearest.index, "lsoa21_method"] = "centroid_nearest"
    return out


def assign_lsoa21(pc: pd.DataFrame, bridge: pd.DataFrame | None = None) -> pd.DataFrame:
    """LSOA 2021 and the method used for each postcode of ``pc``.

    ``pc`` needs lsoa11cd, lad_code_2022, easting, northing.  Returns columns
    lsoa21_code and lsoa21_method on the same index (methods: module docstring).
    """
    bridge = lsoa11_to_lsoa21() if bridge is None else bridge
    n21 = bridge.groupby("lsoa11_code")["lsoa21_code"].nunique()
    only = bridge[bridge["lsoa11_code"].isin(n21.index[n21 == 1])].set_index("lsoa11_code")[
        "lsoa21_code"
    ]
    out = pd.DataFrame(
        {"lsoa21_code": pc["lsoa11cd"].map(only), "lsoa21_method": "no_lsoa11"}, index=pc.index
    )
    out.loc[out["lsoa21_code"].notna(), "lsoa21_method"] = "bridge"
    out.loc[pc["lad_code_2022"].str[0].isin(list(OUTSIDE_EW)).fillna(False), "lsoa21_method"] = (
        "outside_ew"
    )
    multi = pc["lsoa11cd"].isin(n21.index[n21 > 1])
    out.loc[multi] = _choose_by_centroid(pc.loc[multi, ["lsoa11cd", "easting", "northing"]], bridge)
    return out


_CATEGORICAL = [
    "status",
    "doterm",
    "usertype",
    "oa11cd",
    "lsoa11cd",
    "msoa11cd",
    "lad_code_2022",
    "lsoa21_code",
]
INDEX_COLUMNS = [
    "key",
    "pcds",
    "status",
    "doterm",
    "usertype",
    "oa11cd",
    "lsoa11cd",
    "msoa11cd",
    "lad_code_2022",
    "lsoa21_code",
    "lsoa21_method",
    "easting",
    "northing",
]


def build_postcode_index(*, use_source_cache: bool = True) -> pd.DataFrame:
    """Build the postcode index from its sources (the slow path; :func:`postcode_index` caches it).

    One row per postcode of the ONS lookup (live and terminated), columns
    ``INDEX_COLUMNS``.  Code-Point eastings/northings are attached to live
    postcodes only: a terminated code found in the newer Code-Point file has
    been re-used elsewhere, so its centroid would misplace the old postcode.
    ``use_source_cache=False`` parses the published files (for the benchmark).
    """
    pc = _onspd(use_source_cache)
    pc["status"] = np.where(pc["doterm"].isna(), "live", "terminated")
    pc = pc.merge(_centroids(use_source_cache), on="key", how="left")
    terminated = pc["status"] == "terminated"
    pc.loc[terminated, ["easting", "northing"]] = pd.NA
    pc = pc.join(assign_lsoa21(pc))
    pc = pc.astype({c: "category" for c in _CATEGORICAL})
    pc["lsoa21_method"] = pd.Categorical(pc["lsoa21_method"], categories=METHODS)
    return pc.sort_values("key", ignore_index=True)[INDEX_COLUMNS]  # sorted: see index_rows


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    # One row group (no dictionary unification on read) and LZ4 (cheapest to decompress): fastest
    # load.
    df.to_parquet(path, index=False, compression="lz4", row_group_size=max(len(df), 1))


@lru_cache(maxsize=2)
def postcode_index() -> pd.DataFrame:
    """The postcode index (see :func:`build_postcode_index`), from the Parquet cache when present.

    The cache file name carries the checksums of every input and
    ``INDEX_VERSION``, so a new release of any source is rebuilt, never served stale.
    Code columns are categorical: the full 2.68 million rows load in a fraction of a second.
    """
    target = index_cache_path()
    if target.exists():
        return pd.read_parquet(
            target, memory_map=True
        )  # mapped, not copied: fewer pages to fault in
    df = build_postcode_index()
    write_all({"index": target}, {"index": lambda p: _write_parquet(df, p)})  # never half a file
    return df


# Keys as integers: each character of a key (up to 7 of 0-9, A-Z, right-padded with spaces)
# is a base-37 digit, in ASCII order, so the integers sort like the keys.  A sorted int64
# array answers lookups by binary search with no hash table to build (a hashed index of
# 2.68 million strings takes seconds per process; this takes milliseconds).
_KEY_WIDTH = 7
_DIGIT = np.full(256, 255, dtype=np.uint8)  # 255: not allowed in a key
_DIGIT[ord(" ")] = 0
_DIGIT[np.frombuffer(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)] = np.arange(1, 37)


def key_codes(keys: pd.Series) -> np.ndarray:
    """Each key as an order-preserving int64 (missing -> 0), vectorised through Arrow buffers."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = keys if isinstance(keys.dtype, pd.StringDtype) else keys.astype("str")
    padded = pc.utf8_rpad(pa.array(keys.fillna("")), width=_KEY_WIDTH, padding=" ")
    if isinstance(padded, pa.ChunkedArray):
        padded = padded.combine_chunks()
    n = len(padded)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if pc.max(pc.binary_length(padded)).as_py() != _KEY_WIDTH:
        raise ValueError("postcode keys have at most 7 characters")
    # Every value is now exactly 7 bytes, so the data buffer is an n x 7 byte matrix.
    offsets = np.frombuffer(
        padded.buffers()[1], dtype=np.int64 if pa.types.is_large_string(padded.type) else np.int32
    )
    start = int(offsets[padded.offset])
    chars = np.frombuffer(
        padded.buffers()[2], dtype=np.uint8, count=_KEY_WIDTH * n, offset=start
    ).reshape(n, -1)
    digits = _DIGIT[chars]
    if (digits == 255).any():
        raise ValueError("postcode keys are upper-case letters and digits")
    codes = np.zeros(n, dtype=np.int64)
    for column in digits.T:  # base 37, most significant character first
        codes = codes * 37 + column
    return codes


@lru_cache(maxsize=2)
def _key_lookup() -> tuple[np.ndarray, np.ndarray]:
    """Sorted key codes of the postcode index and the row of each (the index is stored sorted by
    key)."""
    codes = key_codes(postcode_index()["key"])
    order = (
        np.arange(len(codes)) if (np.diff(codes) > 0).all() else np.argsort(codes, kind="stable")
    )
    return codes[order], order


def index_rows(keys: pd.Series) -> np.ndarray:
    """Row in :func:`postcode_index` of each key, -1 where absent (or missing)."""
    sorted_codes, order = _key_lookup()
    wanted = key_codes(keys)
    at = np.searchsorted(sorted_codes, wanted).clip(0, max(len(sorted_codes) - 1, 0))
    found = (
        (wanted > 0) & (sorted_codes[at] == wanted)
        if len(sorted_codes)
        else np.zeros(len(wanted), bool)
    )
    return np.where(found, order[at], -1)


@lru_cache(maxsize=2)
def lsoa21_attributes() -> pd.DataFrame:
    """Per LSOA 2021: ward 2024, LAD 2024, region and IMD 2025 decile and rank (England only)."""
    imd = read_source("imd2025", columns=["lsoa21_code", "IMD_decile", "IMD_rank"]).rename(
        columns={"IMD_decile": "imd25_decile", "IMD_rank": "imd25_rank"}
    )
    geo = lsoa21_geography()[
        [
            "lsoa21_code",
            "ward24_code",
            "ward24_name",
            "lad24_code",
            "lad24_name",
            "region_code",
            "region_name",
        ]
    ]
    out = geo.merge(imd, on="lsoa21_code", how="left")
    return out.astype({"imd25_decile": "Int64", "imd25_rank": "Int64"})


# ---------------------------------------------------------------- lookups

LOCATE_COLUMNS = [
    "input",
    "pcds",
    "status",
    "reason",
    "lsoa21_code",
    "lsoa21_method",
    "ward24_code",
    "ward24_name",
    "lad24_code",
    "lad24_name",
    "region_code",
    "region_name",
    "imd25_decile",
    "imd25_rank",
    "easting",
    "northing",
    "lad_code_2022",
    "lsoa11_code",
    # Each nation's own index (issue 11): the small area it ranks, the index and year, and the
    # rank and decile within that nation only (never comparable across nations).
    "nation",
    "small_area_code",
    "small_area_type",
    "deprivation_index",
    "nation_rank",
    "nation_decile",
]

#: The nation (or Crown dependency) of a postcode, by the first letter of its ONS lookup district.
NATION_OF_LAD = {
    "E": "England",
    "W": "Wales",
    "S": "Scotland",
    "N": "Northern Ireland",
    "L": "Channel Islands",
    "M": "Isle of Man",
}
#: ... or, when the lookup gives no district, by its small area (LSOA 2011, data zone, SOA).
NATION_OF_SMALL_AREA = {
    "E01": "England",
    "W01": "Wales",
    "S01": "Scotland",
    "95": "Northern Ireland",
}

_NO_LSOA21 = {
    "outside_ew": "outside England and Wales: no LSOA 2021, ward or IMD 2025",
    "ambiguous": "no LSOA 2021: its LSOA 2011 was split in 2021 and the postcode centroid does not "
    "settle which part",
    "no_lsoa11": "no LSOA 2021: the ONS lookup gives this postcode no LSOA 2011 to bridge from",
}
_BY_DISTRICT = (
    "; placed by its district (the ONS postcode lookup's, else the one holding its centroid): "
    "ward and IMD 2025 decile not known"
)
_UNKNOWN = (
    "a valid postcode format, but not in the ONS postcode lookup (May 2022): too new, or mistyped"
)


def _reasons(
    norm: pd.DataFrame, hit: pd.DataFrame, status: pd.Series, by_district: pd.Series
) -> pd.Series:
    """Plain words on what is wrong or missing; None for a live postcode placed in an LSOA 2021."""
    doterm = hit["doterm"].astype("str")
    terminated = (
        "terminated " + doterm.str[:4] + "-" + doterm.str[4:] + " (last known geography given)"
    )
    gap = hit["lsoa21_method"].astype("str").map(_NO_LSOA21)
    gap = gap.mask(gap.notna() & by_district, gap + _BY_DISTRICT)
    reason = pd.Series(None, index=norm.index, dtype="str")
    reason = reason.mask(status == "terminated", terminated)
    reason = reason.mask(gap.notna() & reason.notna(), reason + "; " + gap)
    reason = reason.mask(gap.notna() & reason.isna(), gap)
    reason = reason.mask(status == "unknown", _UNKNOWN)
    return reason.mask(status == "invalid", norm["reason"])


def _outside_ew_region(lad_code_2022: pd.Series) -> pd.DataFrame:
    """Country (or Crown dependency) code and name as the region of postcodes outside England and
    Wales."""
    first = lad_code_2022.str[0]
    return pd.DataFrame(
        {
            "region_code": first.map({k: v[0] for k, v in OUTSIDE_EW.items()}),
            "region_name": first.map({k: v[1] for k, v in OUTSIDE_EW.items()}),
        }
    )


@lru_cache(maxsize=2)
def _lad24_polygons() -> tuple[np.ndarray, np.ndarray]:
    """LAD 2024 codes and their boundaries (British National Grid), prepared for point tests."""
    import shapely

    gdf = boundaries("lad24").to_crs(BNG)
    geoms = gdf.geometry.to_numpy()
    shapely.prepare(geoms)
    return gdf["code"].to_numpy(dtype=object), geoms


def lad24_of_centroids(easting: pd.Series, northing: pd.Series) -> pd.Series:
    """The LAD 2024 whose boundary contains each point (British National Grid metres): missing
    where there is no point, or no single district contains it."""
    import shapely

    out = pd.Series(None, index=easting.index, dtype="str")
    has = easting.notna() & northing.notna()
    if not has.any():
        return out
    codes, geoms = _lad24_polygons()
    for i in has[has].index:  # few points: those of postcodes with no LSOA 2021
        inside = shapely.contains_xy(geoms, float(easting[i]), float(northing[i]))
        if inside.sum() == 1:
            out[i] = codes[inside][0]
    return out


def _district_of_unplaced(hit: pd.DataFrame) -> pd.DataFrame:
    """LAD 2024 and region of the postcodes in England and Wales that have no LSOA 2021 (a split
    LSOA 2011 the centroid does not settle, or no LSOA 2011): the district the ONS postcode lookup
    gives them (LAD 2022, carried to LAD 2024 by :func:`lad22_to_lad24`), else, when the lookup
    has none, the LAD 2024 whose boundary holds the postcode's centroid.  The lookup comes first:
    a centroid that settled nothing lies in none of the candidate LSOAs, or far from them, so it
    is the weaker evidence.  Columns lad24_code, lad24_name, region_code, region_name; all
    missing for every other row."""
    unplaced = hit["lsoa21_method"].astype("str").isin(["ambiguous", "no_lsoa11"])
    lad24 = hit["lad_code_2022"].astype("str").where(unplaced).map(lad22_to_lad24())
    fallback = unplaced & lad24.isna()  # no district in the lookup: the centroid's, if any
    if fallback.any():
        by_centroid = lad24_of_centroids(
            hit["easting"].where(fallback), hit["northing"].where(fallback)
        )
        by_centroid = by_centroid.where(by_centroid.str[0].isin(["E", "W"]))
        lad24 = lad24.where(lad24.notna(), by_centroid)
    attrs = (
        lad24.rename("lad24_code").to_frame().merge(lad24_regions(), on="lad24_code", how="left")
    )
    return attrs.set_axis(hit.index)[["lad24_code", "lad24_name", "region_code", "region_name"]]


def locate_postcodes(values: Iterable | pd.Series) -> pd.DataFrame:
    """Place many postcodes: one row per input value, in input order (a Series keeps its index).

    Columns: ``LOCATE_COLUMNS``.  status is live, terminated, unknown or invalid
    and ``reason`` says in plain words what is wrong or missing.  Ward, LAD 2024
    and region come from the LSOA 2021 (the ONS best-fit lookups); IMD 2025 is
    England only.  A postcode in England or Wales with no LSOA 2021 (its LSOA 2011
    split and the centroid not settling which part, or no LSOA 2011) still gets the
    LAD 2024 and region of its district (the one the ONS postcode lookup gives it,
    else the LAD 2024 holding its centroid); its ward
    and IMD decile stay unknown (never "outside England").  Outside England and Wales,
    ``region_code`` is the country (or Crown dependency) code and ``lad_code_2022`` the ONS
    lookup's district.  Lookups are joins on keys only (no spatial work at this stage).
    """
    norm = normalise_postcodes(values)
    given_index = norm.index
    norm = norm.reset_index(
        drop=True
    )  # positional from here on: the caller's index may repeat labels
    pos = index_rows(norm["key"])
    hit = (
        postcode_index().reindex(pos).reset_index(drop=True)
    )  # pos -1 (absent or invalid): an empty row
    status = (
        hit["status"].astype("str").where(pos >= 0, np.where(norm["valid"], "unknown", "invalid"))
    )
    check_postcodes_in_extract(
        norm.loc[status == "unknown", "key"]
    )  # demo extract: unknown, or outside it?
    district = _district_of_unplaced(hit)
    out = pd.DataFrame(
        {
            "input": norm["input"],
            "pcds": norm["pcds"],
            "status": status,
            "reason": _reasons(norm, hit, status, district["lad24_code"].notna()),
            "lsoa21_code": hit["lsoa21_code"].astype("str"),
            "lsoa21_method": hit["lsoa21_method"].astype("str"),
        }
    )
    # A left merge keeps the left rows in order, so the result lines up with ``out`` row by row.
    attrs = out[["lsoa21_code"]].merge(lsoa21_attributes(), on="lsoa21_code", how="left")
    out[attrs.columns.drop("lsoa21_code")] = attrs.drop(columns="lsoa21_code")
    outside = hit["lsoa21_method"] == "outside_ew"
    region = _outside_ew_region(hit["lad_code_2022"].astype("str"))
    out.loc[outside, ["region_code", "region_name"]] = region.loc[outside].to_numpy()
    known = district["lad24_code"].notna()
    cols = ["lad24_code", "lad24_name", "region_code", "region_name"]
    out.loc[known, cols] = district.loc[known, cols].to_numpy()
    out["easting"], out["northing"] = hit["easting"], hit["northing"]
    out["lad_code_2022"] = hit["lad_code_2022"].astype("str")
    out["lsoa11_code"] = hit["lsoa11cd"].astype("str")
    out = _own_nation(out)
    return out[LOCATE_COLUMNS].set_axis(given_index)


def _nation(lad_code_2022: pd.Series, lsoa11: pd.Series) -> pd.Series:
    """The nation of each postcode: its ONS lookup district's, else its small area's."""
    by_lad = lad_code_2022.str[0].map(NATION_OF_LAD)
    by_area = (
        lsoa11.str[:3]
        .map(NATION_OF_SMALL_AREA)
        .where(~lsoa11.str.startswith("95").fillna(False), "Northern Ireland")
    )
    return by_lad.where(by_lad.notna(), by_area)


def _own_nation(out: pd.DataFrame) -> pd.DataFrame:
    """Each postcode's small area in its own nation's index, that index (name and year), and its
    rank and decile within that nation only: England IMD 2025 on LSOA 2021; Wales WIMD 2019 on the
    postcode's LSOA 2011 (the ONS lookup's, no bridging needed); Scotland SIMD 2020 on its data
    zone and Northern Ireland NIMDM 2017 on its SOA (both the lookup's ``lsoa11cd``).  Scottish
    and Northern Irish postcodes also get their council area / district (``lad24_code``,
    ``lad24_name``) from the nation's lookup.  A nation's files are read only when a postcode in
    it is given (a missing one is an error naming what to download)."""
    from anchorlib.data.nations import INDICES, ranked_areas

    out = out.copy()
    nation = _nation(out["lad_code_2022"], out["lsoa11_code"]).where(
        out["status"].isin(["live", "terminated"])
    )
    out["nation"] = nation
    out["small_area_code"] = pd.Series(None, index=out.index, dtype="str")
    out["small_area_type"] = nation.map({n: i.small_area for n, i in INDICES.items()})
    out["deprivation_index"] = nation.map({n: i.label for n, i in INDICES.items()})
    out["nation_rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["nation_decile"] = pd.array([pd.NA] * len(out), dtype="Int64")
    eng = nation == "England"
    out.loc[eng, "small_area_code"] = out.loc[eng, "lsoa21_code"]
    out.loc[eng, "nation_rank"] = out.loc[eng, "imd25_rank"]
    out.loc[eng, "nation_decile"] = out.loc[eng, "imd25_decile"]
    for name in ("Wales", "Scotland", "Northern Ireland"):
        mine = (nation == name) & out["lsoa11_code"].notna()
        if not mine.any():
            continue
        areas = ranked_areas(name).set_index("small_area_code")
        code = out.loc[mine, "lsoa11_code"]
        ranked = code.isin(areas.index)
        code = code[ranked]
        out.loc[code.index, "small_area_code"] = code
        out.loc[code.index, "nation_rank"] = code.map(areas["imd_rank"]).astype("Int64")
        out.loc[code.index, "nation_decile"] = code.map(areas["imd_decile"]).astype("Int64")
        if name != "Wales":  # Welsh postcodes have their LAD 2024 from the LSOA 2021 already
            no_lad = out.loc[code.index, "lad24_code"].isna()
            fill = code[no_lad.to_numpy()]
            out.loc[fill.index, "lad24_code"] = fill.map(areas["lad_code"])
            out.loc[fill.index, "lad24_name"] = fill.map(areas["lad_name"])
    return out


def locate_postcode(value: Any) -> dict:
    """Place one postcode: a dict with the columns of :func:`locate_postcodes` (missing values are
    None)."""
    row = locate_postcodes([value]).iloc[0]
    return {
        k: None if _is_missing(v) else v.item() if isinstance(v, np.generic) else v
        for k, v in row.items()
    }
