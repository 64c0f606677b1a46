"""Geography: boundaries and the lookups that nest LSOA 2021 in wards, LADs and regions.

All codes are ONS GSS codes.  LSOAs 2021 nest exactly in LADs 2024; the ward
lookup is ONS's best fit (each LSOA in one ward).  Wales has no English region:
its LADs are given the country code W92000004 as their region, so "region"
always names the tier above a LAD.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from anchorlib.data.readers import read_source

WALES = ("W92000004", "Wales")
ENGLAND = ("E92000001", "England")

BOUNDARY_SOURCES = {
    "lsoa21": ("boundaries_lsoa21", "LSOA21CD", "LSOA21NM"),
    "msoa21": ("boundaries_msoa21", "MSOA21CD", "MSOA21NM"),
    "wards22": ("boundaries_wards22", "WD22CD", "WD22NM"),
    "lad24": ("boundaries_lad24", "LAD24CD", "LAD24NM"),
}


def boundaries(level: str):
    """Boundaries as a GeoDataFrame (WGS 84) with columns ``code``, ``name``, ``geometry``.

    ``level`` is one of lsoa21, msoa21, wards22, lad24.  Read from the
    GeoParquet cache after the first call (about ten times faster than GeoJSON).
    """
    try:
        source_id, code, name = BOUNDARY_SOURCES[level]
    except KeyError:
        raise ValueError(
            f"Unknown boundary level {level!r}; choose one of {sorted(BOUNDARY_SOURCES)}"
        ) from None
    gdf = read_source(source_id)
    return gdf.rename(columns={code: "code", name: "name"})[["code", "name", "geometry"]]


@lru_cache(maxsize=2)
def lad24_regions() -> pd.DataFrame:
    """LAD 2024 -> region for England and Wales: lad24_code, lad24_name, region_code,
    region_name."""
    eng = read_source("lookup_lad24_region").rename(
        columns={
            "ltla24_code": "lad24_code",
            "ltla24_name": "lad24_name",
            "region24_code": "region_code",
            "region24_name": "region_name",
        }
    )
    wards = read_source("lookup_lsoa21_ward24")
    welsh = (
        wards.loc[wards["ltla24_code"].str.startswith("W"), ["ltla24_code", "ltla24_name"]]
        .drop_duplicates()
        .rename(columns={"ltla24_code": "lad24_code", "ltla24_name": "lad24_name"})
        .assign(region_code=WALES[0], region_name=WALES[1])
    )
    return pd.concat([eng, welsh], ignore_index=True)[
        ["lad24_code", "lad24_name", "region_code", "region_name"]
    ]


@lru_cache(maxsize=2)
def lsoa21_geography() -> pd.DataFrame:
    """One row per LSOA 2021 (England and Wales) with its ward 2024, LAD 2024 and region.

    Columns: lsoa21_code, lsoa21_name, ward24_code, ward24_name, lad24_code,
    lad24_name, region_code, region_name, country_code.
    """
    wards = read_source("lookup_lsoa21_ward24").rename(
        columns={"ltla24_code": "lad24_code", "ltla24_name": "lad24_name"}
    )
    out = wards.merge(
        lad24_regions()[["lad24_code", "region_code", "region_name"]], on="lad24_code", how="left"
    )
    out["country_code"] = out["lsoa21_code"].str[0].map({"E": ENGLAND[0], "W": WALES[0]})
    return out[
        [
            "lsoa21_code",
            "lsoa21_name",
            "ward24_code",
            "ward24_name",
            "lad24_code",
            "lad24_name",
            "region_code",
            "region_name",
            "country_code",
        ]
    ]


@lru_cache(maxsize=2)
def lsoa11_to_lsoa21() -> pd.DataFrame:
    """ONS LSOA 2011 -> 2021 lookup: lsoa11_code, lsoa21_code, change_code (U, S, M, X); one row per
    pair."""
    return read_source("lookup_lsoa11_lsoa21")[["lsoa11_code", "lsoa21_code", "change_code"]]


@lru_cache(maxsize=2)
def lad22_to_lad24() -> pd.Series:
    """LAD 2022 code (as in the ONS postcode lookup of May 2022) -> LAD 2024 code (England and
    Wales).

    A code still in use in 2024 maps to itself; a district merged in 2023 (Allerdale, Carlisle and
    Copeland into Cumberland, for instance) to the one LAD 2024 its LSOAs 2021 lie in, from the ONS
    LSOA 2011 -> 2021 lookup (which gives each LSOA 2021 its LAD 2022).  A LAD 2022 whose LSOAs lie
    in several LADs 2024, none with its own code, is left out (no guess).
    """
    pairs = (
        read_source("lookup_lsoa11_lsoa21")[["lsoa21_code", "ltla22_code"]]
        .merge(lsoa21_geography()[["lsoa21_code", "lad24_code"]], on="lsoa21_code")
        .drop_duplicates(["ltla22_code", "lad24_code"])
    )
    same = pairs[pairs["ltla22_code"] == pairs["lad24_code"]]
    rest = pairs[~pairs["ltla22_code"].isin(set(same["ltla22_code"]))]
    n = rest.groupby("ltla22_code")["lad24_code"].transform("nunique")
    out = pd.concat([same, rest[n == 1]])
    return out.set_index("ltla22_code")["lad24_code"].sort_index().rename("lad24_code")


def districts_within(lsoa_codes) -> frozenset[str]:
    """LAD 2024 codes of England and Wales whose every LSOA 2021 is in ``lsoa_codes``: the
    districts an area made of LSOAs covers whole (all of them, for an area of districts or
    regions)."""
    geo = lsoa21_geography()
    inside = geo["lsoa21_code"].isin(set(lsoa_codes))
    whole = inside.groupby(geo["lad24_code"]).all()
    return frozenset(whole.index[whole])
