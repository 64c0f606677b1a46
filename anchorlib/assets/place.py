"""The place asset: built once per collaborative by ``anchor run``, read by every report notebook.

A notebook never rebuilds it; the figures of the place baseline report and their reading are in
:mod:`anchorlib.reports.place_baseline`::

    outputs/<id>/data/place_lsoas.parquet   GeoParquet, one row per LSOA 2021 of the place:
                                            ward, district, region, population, IMD 2025 and
                                            domain deciles, ranks, scores; boundaries in British
                                            National Grid (EPSG:27700), simplified
    outputs/<id>/data/place_lads.parquet    the place's districts (LAD 2024) as outlines, from
                                            those LSOAs
    outputs/<id>/data/place_sites.csv       every anchor site postcode, located (easting,
                                            northing, LSOA, decile)
    outputs/<id>/data/place_context.json    the comparisons that need all of England's LSOAs
                                            (slow to make, so made once): summary measures and
                                            Census 2021 shares of the place, its region(s) and
                                            England, and the place's districts
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from anchorlib.core.errors import AnchorError
from anchorlib.core.fmt import as_percent
from anchorlib.data import deprivation
from anchorlib.data.census import census_table
from anchorlib.data.geography import boundaries, lsoa21_geography
from anchorlib.data.postcodes import locate_postcodes

__all__ = [
    "ASSET_FILES",
    "BNG",
    "SIMPLIFY_M",
    "ENGLAND",
    "PlaceAsset",
    "build_place_asset",
    "read_place_asset",
    "locate_sites",
    "comparison_areas",
    "census_measures",
    "district_table",
    "CENSUS_MEASURES",
    "write_json",
]

ASSET_FILES = {
    "lsoas": "place_lsoas.parquet",
    "lads": "place_lads.parquet",
    "sites": "place_sites.csv",
    "context": "place_context.json",
}
#: Simplification tolerance for place boundaries, metres (invisible at report scale).
SIMPLIFY_M = 20.0
BNG = 27700
ENGLAND = "England"


# --------------------------------------------------------------------------- the place asset


@dataclass
class PlaceAsset:
    lsoas: object  # GeoDataFrame, EPSG:27700
    lads: object  # GeoDataFrame, EPSG:27700
    sites: pd.DataFrame
    context: dict  # measures (per area), census (records), districts (records), areas (LSOA counts)


def _asset_dir(collab, out_root: Path | None) -> Path:
    return collab.output_dir(out_root) / "data"


def _replace(write, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def locate_sites(collab) -> pd.DataFrame:
    """Every anchor site postcode with its location: anchor_id, anchor_name, postcode, status,
    easting, northing (British National Grid, metres), lsoa21_code, lad24_name, imd25_decile,
    in_place, and its own nation's index: nation, deprivation_index (e.g. "WIMD 2019") and
    nation_decile (within that nation only)."""
    rows = [(a.id, a.name, pc) for a in collab.anchors for pc in a.sites]
    cols = [
        "anchor_id",
        "anchor_name",
        "postcode",
        "status",
        "easting",
        "northing",
        "lsoa21_code",
        "lad24_name",
        "imd25_decile",
        "in_place",
        "nation",
        "deprivation_index",
        "nation_decile",
    ]
    if not rows:
        return pd.DataFrame(columns=cols)
    loc = locate_postcodes([r[2] for r in rows])
    out = pd.DataFrame(
        {
            "anchor_id": [r[0] for r in rows],
            "anchor_name": [r[1] for r in rows],
            "postcode": loc["pcds"]
            .where(loc["pcds"].notna(), pd.Series([r[2] for r in rows]))
            .to_numpy(),
            "status": loc["status"].to_numpy(),
            "easting": loc["easting"].to_numpy(),
            "northing": loc["northing"].to_numpy(),
            "lsoa21_code": loc["lsoa21_code"].to_numpy(),
            "lad24_name": loc["lad24_name"].to_numpy(),
            "imd25_decile": loc["imd25_decile"].to_numpy(),
            "nation": loc["nation"].to_numpy(),
            "deprivation_index": loc["deprivation_index"].to_numpy(),
            "nation_decile": loc["nation_decile"].to_numpy(),
        }
    )
    # in the place: its LSOA 2021, or (Scotland, Northern Ireland) its data zone / SOA
    out["in_place"] = (
        out["lsoa21_code"].isin(set(collab.place.lsoas))
        | loc["small_area_code"].isin(set(collab.place.small_areas)).to_numpy()
    )
    return out[cols]


def build_place_asset(collab, out_root: Path | None = None) -> dict[str, Path]:
    """Write the place asset (LSOAs with deprivation and boundaries, district outlines, located
    sites)."""
    import geopandas as gpd

    place = collab.place
    codes = set(place.lsoas)
    geo = lsoa21_geography()
    geo = geo[geo["lsoa21_code"].isin(codes)]
    dep = deprivation.lsoa_deprivation(2025).rename(columns={"lsoa_code": "lsoa21_code"})
    keep = ["lsoa21_code", "population"] + [
        f"{k}_{m}" for k in deprivation.KEYS for m in ("decile", "rank", "score")
    ]
    df = geo.merge(dep[keep], on="lsoa21_code", how="left", validate="one_to_one")
    b = boundaries("lsoa21")
    b = b[b["code"].isin(codes)].to_crs(BNG)
    simplify = getattr(
        b.geometry, "simplify_coverage", None
    )  # shared edges kept shared (GEOS 3.12+)
    b = b.assign(geometry=simplify(SIMPLIFY_M) if simplify else b.geometry.simplify(SIMPLIFY_M))
    gdf = gpd.GeoDataFrame(
        df.merge(
            b[["code", "geometry"]].rename(columns={"code": "lsoa21_code"}),
            on="lsoa21_code",
            how="left",
        ),
        geometry="geometry",
        crs=BNG,
    )
    gdf = gdf.sort_values("lsoa21_code").reset_index(drop=True)
    missing = gdf.loc[gdf.geometry.isna(), "lsoa21_code"].tolist()
    if missing:
        raise AnchorError(
            f"{collab.path}: no LSOA 2021 boundary for {len(missing)} LSOA(s) of the place, "
            f"e.g. {', '.join(missing[:5])}"
        )
    lads = (
        gdf[["lad24_code", "lad24_name", "geometry"]]
        .dissolve("lad24_code", aggfunc="first")
        .reset_index()
    )
    sites = locate_sites(collab)
    areas = comparison_areas(place)
    context = {
        "place": place.name,
        "areas": {a: len(c) for a, c in areas.items()},
        "measures": {a: deprivation.place_measures(c, name=a) for a, c in areas.items()},
        "census": census_measures(areas).to_dict(orient="records"),
        "districts": district_table(gdf).to_dict(orient="records"),
    }
    out = _asset_dir(collab, out_root)
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / v for k, v in ASSET_FILES.items()}
    _replace(lambda p: gdf.to_parquet(p, index=False), paths["lsoas"])
    _replace(lambda p: lads.to_parquet(p, index=False), paths["lads"])
    _replace(lambda p: sites.to_csv(p, index=False), paths["sites"])
    write_json(context, paths["context"])
    return paths


def read_place_asset(collab, out_root: Path | None = None) -> PlaceAsset:
    """The place asset as written by :func:`build_place_asset` (``anchor run`` builds it)."""
    import geopandas as gpd

    out = _asset_dir(collab, out_root)
    paths = {k: out / v for k, v in ASSET_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise AnchorError(
            f"No place asset for '{collab.id}' ({', '.join(missing)}): run "
            f"`anchor run {collab.path}` (it builds the shared assets first)"
        )
    sites = pd.read_csv(
        paths["sites"], dtype={"anchor_id": str, "postcode": str, "lsoa21_code": str}
    )
    context = json.loads(paths["context"].read_text(encoding="utf-8"))
    return PlaceAsset(
        gpd.read_parquet(paths["lsoas"]), gpd.read_parquet(paths["lads"]), sites, context
    )


# --------------------------------------------------------------------------- comparison areas


def comparison_areas(place) -> dict[str, list[str]]:
    """LSOA 2021 codes of the place, of the English region(s) it lies in, and of England (IoD2025,
    England only).

    Keys: the place's name, the region name (names joined with "and" when the
    place spans regions), ``England``.
    """
    geo = lsoa21_geography()
    england = deprivation.lsoa_deprivation(2025)["lsoa_code"].tolist()
    eng = set(england)
    inside = geo[geo["lsoa21_code"].isin(set(place.lsoas))]
    regions = inside.groupby(["region_code", "region_name"]).size().sort_values(ascending=False)
    regions = [(c, n) for (c, n) in regions.index if c and str(c).startswith("E12")]
    areas = {place.name: [c for c in place.lsoas if c in eng]}
    if regions:
        codes = {c for c, _ in regions}
        label = " and ".join(n for _, n in regions)
        areas[label] = geo.loc[
            geo["region_code"].isin(codes) & geo["lsoa21_code"].isin(eng), "lsoa21_code"
        ].tolist()
    areas[ENGLAND] = england
    return areas


# --------------------------------------------------------------------------- tables


def district_table(lsoas: pd.DataFrame) -> pd.DataFrame:
    """The place's districts (LAD 2024): neighbourhoods, residents, IMD summary measures; most
    deprived first."""
    rows = []
    for (code, name), g in lsoas.groupby(["lad24_code", "lad24_name"]):
        m = deprivation.place_measures(g["lsoa21_code"].tolist(), name=name)
        rows.append(
            {
                "district": name,
                "district code": code,
                "neighbourhoods (LSOAs)": m["lsoa_count"],
                "residents (people)": m["population"],
                "average IMD score (score)": m["imd"]["average_score"],
                "in most deprived 10% (%)": as_percent(
                    m["imd"]["proportion_lsoas_most_deprived_10pct"]
                ),
                "extent (%)": as_percent(m["imd"]["extent"]),
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values(
        ["average IMD score (score)", "district"], ascending=[False, True]
    ).reset_index(drop=True)


#: Census 2021 measures: label, table, categories counted, whether the denominator is households.
CENSUS_MEASURES = [
    (
        "Households deprived in at least one dimension (%)",
        "household_deprivation",
        [
            "Household is deprived in one dimension",
            "Household is deprived in two dimensions",
            "Household is deprived in three dimensions",
            "Household is deprived in four dimensions",
        ],
    ),
    (
        "Households deprived in three or four dimensions (%)",
        "household_deprivation",
        ["Household is deprived in three dimensions", "Household is deprived in four dimensions"],
    ),
    (
        "Households owning their home, outright or with a mortgage (%)",
        "tenure",
        ["Owned: Owns outright", "Owned: Owns with a mortgage or loan"],
    ),
    (
        "Households renting from a council or housing association (%)",
        "tenure",
        [
            "Social rented: Rents from council or Local Authority",
            "Social rented: Other social rented",
        ],
    ),
    (
        "Households renting privately (%)",
        "tenure",
        [
            "Private rented: Private landlord or letting agency",
            "Private rented: Other private rented",
        ],
    ),
    (
        "Residents disabled under the Equality Act (%)",
        "disability",
        ["Disabled under the Equality Act"],
    ),
    (
        "Residents in ethnic groups other than White (%)",
        "ethnicity",
        [
            "Asian, Asian British or Asian Welsh",
            "Black, Black British, Black Welsh, Caribbean or African",
            "Mixed or Multiple ethnic groups",
            "Other ethnic group",
        ],
    ),
]


def census_measures(areas: dict[str, list[str]]) -> pd.DataFrame:
    """Census 2021 shares for each area: counts summed over its LSOAs / their totals (households or
    residents)."""
    tables: dict[str, pd.DataFrame] = {}
    rows = []
    for label, name, cats in CENSUS_MEASURES:
        if name not in tables:
            tables[name] = census_table(name)
        t = tables[name]
        row = {"measure": label}
        for area, codes in areas.items():
            sub = t[t["lsoa21_code"].isin(set(codes))]
            num = float(sub.loc[sub["category"].isin(cats), "n"].sum())
            den = float(sub.drop_duplicates("lsoa21_code")["total"].sum())
            row[area] = 100 * num / den if den > 0 else None
        rows.append(row)
    return pd.DataFrame(rows)


def write_json(obj, path: Path) -> None:
    """JSON written atomically (used for small asset stamps)."""
    _replace(lambda p: Path(p).write_text(json.dumps(obj, indent=2, default=str) + "\n"), path)
