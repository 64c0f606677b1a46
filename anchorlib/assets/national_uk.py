"""The devolved nations' part of the UK national asset (``anchor run --places lads --nations uk``).

Wales's 22 local authorities (WIMD 2019 on LSOA 2011), Scotland's 32 council areas (SIMD 2020 on
data zone 2011) and Northern Ireland's 11 districts (NIMDM 2017 on Super Output Area): each place
is a district of :func:`anchorlib.data.nations.small_areas`, measured by
:func:`anchorlib.data.nations.nation_measures` (the same figures ``anchor place CODE`` gives), its
wider tier the nation.  :mod:`anchorlib.assets.national` adds England's 296 districts and writes the
asset; this module only knows the devolved nations, so it imports nothing from there.

A small area's rank and decile are its own nation's: every row carries its nation, its index
("WIMD 2019") and how many small areas that index ranks, so a label or a table never reads a rank
against another nation's index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anchorlib.assets.place import BNG, SIMPLIFY_M
from anchorlib.core.errors import AnchorError
from anchorlib.data import nations
from anchorlib.data.readers import read_source

__all__ = [
    "BOUNDARY_SOURCES",
    "NATION_SOURCES",
    "UK_COLUMNS",
    "devolved_places",
    "nation_entry",
    "simplified_coverage",
]

#: nation -> (catalogue id of its small areas' boundaries, code column, name column)
BOUNDARY_SOURCES = {
    "Wales": ("boundaries_lsoa11_wales", "lsoa11_code", "lsoa11_name"),
    "Scotland": ("boundaries_dz11", "dz11_code", "dz11_name"),
    "Northern Ireland": ("boundaries_soa01_ni", "soa11_code", "soa11_name"),
}

#: The catalogue ids each nation's places are made from (a place's report names its own nation's).
NATION_SOURCES = {
    "England": (
        "imd2025",
        "lookup_lsoa21_ward24",
        "lookup_lad24_region",
        "boundaries_lsoa21",
        "iod2025_population",
    ),
    "Wales": (
        "wimd2019",
        "lookup_lsoa11_lsoa21",
        "population_mye2020_lsoa11",
        "boundaries_lsoa11_wales",
    ),
    "Scotland": ("simd2020", "lookup_dz11_ca", "population_mid2021_dz11", "boundaries_dz11"),
    "Northern Ireland": ("nimdm2017", "lookup_soa01_lgd14", "boundaries_soa01_ni"),
}

#: The columns of the UK asset's small areas (every nation; geometry last).  A domain decile is
#: missing where the nation's index has no such domain; ``population`` where none is bundled (NI).
UK_COLUMNS = [
    "place_code",
    "small_area_code",
    "small_area_name",
    "lad24_code",
    "lad24_name",
    "region_code",
    "region_name",
    "nation",
    "index_name",
    "index_areas",
    "population",
    "imd_decile",
    "imd_rank",
    "imd_score",
]


def simplified_coverage(gdf):
    """``gdf`` in British National Grid, simplified once as a coverage (shared edges stay shared;
    GEOS 3.12+, else each shape on its own)."""
    gdf = gdf.to_crs(BNG)
    gdf = gdf.assign(geometry=_polygonal(gdf.geometry.to_numpy()))
    simplify = getattr(gdf.geometry, "simplify_coverage", None)
    return gdf.assign(
        geometry=simplify(SIMPLIFY_M) if simplify else gdf.geometry.simplify(SIMPLIFY_M)
    )


def _polygonal(geoms):
    """Each geometry's polygons only: a shape repaired with ``make_valid`` can be a collection
    holding a stray line or point (one Scottish data zone), which coverage operations refuse."""
    import shapely

    out = np.array(geoms, dtype=object)
    for i in np.flatnonzero(shapely.get_type_id(out) == 7):  # 7: GeometryCollection
        parts = [g for g in shapely.get_parts(out[i]) if g.geom_type in ("Polygon", "MultiPolygon")]
        polys = [q for g in parts for q in (g.geoms if g.geom_type == "MultiPolygon" else [g])]
        out[i] = shapely.MultiPolygon(polys)
    return out


def _boundaries(nation: str, codes: set[str]):
    """The nation's small-area boundaries (``small_area_code``, geometry; BNG, simplified)."""
    source, code, _ = BOUNDARY_SOURCES[nation]
    b = read_source(source)
    b = b.rename(columns={code: "small_area_code"})[["small_area_code", "geometry"]]
    return simplified_coverage(b[b["small_area_code"].isin(codes)])


def _decile_population(rows: pd.DataFrame, weighted: bool) -> list[float] | None:
    if not weighted:
        return None
    dec = rows.groupby(rows["imd_decile"].astype(int))["population"].sum()
    return [float(v) for v in dec.reindex(range(1, 11), fill_value=0)]


def nation_entry(nation: str) -> dict:
    """The wider tier of a devolved nation's places: its index, its own summary measures (over all
    its small areas), the residents by decile (None without populations)."""
    idx = nations.index_of(nation)
    sa = nations.small_areas(nation)
    weighted = idx.population_source_id is not None
    return {
        "name": nation,
        "code": idx.country_code,
        "index": idx.describe(district=True),
        "measures": nations.nation_measures(nation, sa["small_area_code"], name=nation),
        "decile_population": _decile_population(sa, weighted),
        "decile_areas": [
            int(v) for v in sa.groupby("imd_decile").size().reindex(range(1, 11), fill_value=0)
        ],
    }


def _rows(nation: str) -> pd.DataFrame:
    """The nation's small areas in the asset's columns (no geometry yet)."""
    idx = nations.index_of(nation)
    sa = nations.small_areas(nation)
    rows = pd.DataFrame(
        {
            "place_code": sa["lad_code"].astype(str),
            "small_area_code": sa["small_area_code"].astype(str),
            "small_area_name": sa["small_area_name"],
            "lad24_code": sa["lad_code"].astype(str),
            "lad24_name": sa["lad_name"].astype(str),
            "region_code": idx.country_code,
            "region_name": nation,
            "nation": nation,
            "index_name": idx.label,
            "index_areas": idx.n_areas,
            "population": sa["population"].astype(float),
            "imd_decile": sa["imd_decile"].astype("int32"),
            "imd_rank": sa["imd_rank"].astype("int32"),
            "imd_score": sa["imd_score"].astype(float),
        }
    )
    for d in nations.ENGLISH_DOMAINS:
        col = f"{d}_decile"
        rows[col] = sa[col].astype(float) if col in sa.columns else np.nan
    # NI's SOAs have no names in the lookup: the code names them
    rows["small_area_name"] = rows["small_area_name"].fillna(rows["small_area_code"])
    return rows


def devolved_places(which=nations.DEVOLVED):
    """The devolved nations' part of the UK asset: ``(rows, places, nation entries)``.

    ``rows``: a GeoDataFrame (BNG) of every small area in :data:`UK_COLUMNS` and the domain deciles;
    ``places``: code -> {name, nation, region (None), measures}; the nation entries:
    :func:`nation_entry` by nation."""
    import geopandas as gpd

    frames, places, entries = [], {}, {}
    for nation in which:
        rows = _rows(nation)
        b = _boundaries(nation, set(rows["small_area_code"]))
        geom = rows[["small_area_code"]].merge(b, on="small_area_code", how="left")["geometry"]
        missing = rows.loc[geom.isna().to_numpy(), "small_area_code"].tolist()
        if missing:
            idx = nations.index_of(nation)
            raise AnchorError(
                f"{BOUNDARY_SOURCES[nation][0]}: no boundary for {len(missing)} "
                f"{idx.small_area}(s) of {idx.label}, e.g. {', '.join(missing[:5])}"
            )
        frames.append(gpd.GeoDataFrame(rows, geometry=geom.to_numpy(), crs=BNG))
        entries[nation] = nation_entry(nation)
        for code, g in rows.groupby("place_code", sort=True):
            name = str(g["lad24_name"].iloc[0])
            places[code] = {
                "name": name,
                "nation": nation,
                "region": None,
                "measures": nations.nation_measures(nation, g["small_area_code"], name=name),
            }
    rows = pd.concat(frames, ignore_index=True) if frames else None
    return rows, places, entries


# --------------------------------------------------------------------------- shared with England's


def district_outlines(lsoas):
    """The district (``lad24_code``, ``lad24_name``) outlines of each place of ``lsoas`` (the union
    of its small areas, as a coverage), one row per place and district, sorted."""
    import geopandas as gpd
    import shapely

    out = []
    geoms = lsoas.geometry.to_numpy()
    for (code, lad, lad_name), idx in lsoas.groupby(
        ["place_code", "lad24_code", "lad24_name"], sort=True
    ).indices.items():
        try:
            shape = shapely.coverage_union_all(geoms[idx])
        except shapely.errors.GEOSException:  # a coverage with a badly noded edge
            shape = shapely.union_all(geoms[idx])
        out.append((code, lad, lad_name, shape))
    return gpd.GeoDataFrame(
        pd.DataFrame(out, columns=["place_code", "lad24_code", "lad24_name", "geometry"]),
        geometry="geometry",
        crs=BNG,
    )


def place_checksums(lsoas, outlines, places: dict, context) -> None:
    """Set each place's ``sha256``: the checksum of what its report shows: its entry, ``context(
    entry)`` (the areas it is compared with), its rows and outlines."""
    import hashlib
    import json

    import shapely

    wkb = shapely.to_wkb(lsoas.geometry.to_numpy())
    attrs = lsoas.drop(columns="geometry")
    o_wkb = shapely.to_wkb(outlines.geometry.to_numpy())
    o_idx = outlines.groupby("place_code").indices
    for code, idx in lsoas.groupby("place_code", sort=True).indices.items():
        h = hashlib.sha256()
        p = places[code]
        h.update(json.dumps([p, context(p)], sort_keys=True).encode())
        h.update(attrs.iloc[idx].to_csv(index=False).encode())
        for w in wkb[idx]:
            h.update(w)
        for w in o_wkb[o_idx[code]]:
            h.update(w)
        p["sha256"] = h.hexdigest()


# --------------------------------------------------------------------------- the UK asset


def _english_rows(lsoas):
    """England's LSOAs (``lads`` asset columns) in the UK asset's columns."""
    from anchorlib.data.deprivation import N_LSOAS

    idx = nations.index_of("England")
    e = lsoas.rename(columns={"lsoa21_code": "small_area_code", "lsoa21_name": "small_area_name"})
    e = e.assign(nation="England", index_name=idx.label, index_areas=N_LSOAS[idx.year])
    e["population"] = e["population"].astype(float)
    for d in nations.ENGLISH_DOMAINS:
        e[f"{d}_decile"] = e[f"{d}_decile"].astype(float)
    return e


def nation_ranks(tables: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """code -> {measure: rank within its own nation (1 = most deprived; None where the index
    cannot give the measure)}, from :func:`anchorlib.assets.nations_table.uk_comparison_tables`."""
    from anchorlib.assets.nations_table import NATION_MEASURES

    out: dict[str, dict] = {}
    for nation, t in tables.items():
        for rec in t.to_dict("records"):
            ranks = {}
            for key, _, _ in NATION_MEASURES:
                v = rec.get(f"rank in {nation}: {key.replace('_', ' ')}")
                ranks[key] = None if v is None or pd.isna(v) else int(v)
            out[str(rec["code"])] = ranks
    return out


def uk_asset(england_lsoas, england_outlines, england_places: dict, regions: dict, england: dict):
    """Every district of the UK: England's parts (the ``lads`` asset's, before checksums) and the
    devolved nations' (:func:`devolved_places`), ranked within their own nation
    (:func:`anchorlib.assets.nations_table.uk_comparison_tables`).  Returns ``(small areas,
    outlines, places, nation entries, comparison tables by nation)``; each place has ``nation``,
    ``ranks``, ``row_group`` and ``sha256``."""
    from anchorlib.assets.nations_table import uk_comparison_tables
    from anchorlib.data.deprivation import EXTENT_METHOD

    dev_rows, dev_places, entries = devolved_places()
    eng = _english_rows(england_lsoas)
    cols = UK_COLUMNS + [f"{d}_decile" for d in nations.ENGLISH_DOMAINS]
    rows = pd.concat([eng[cols + ["geometry"]], dev_rows[cols + ["geometry"]]], ignore_index=True)
    rows = rows.sort_values(["place_code", "small_area_code"], kind="stable", ignore_index=True)
    import geopandas as gpd

    rows = gpd.GeoDataFrame(rows, geometry="geometry", crs=BNG)
    outlines = pd.concat([england_outlines, district_outlines(dev_rows)], ignore_index=True)
    outlines = gpd.GeoDataFrame(
        outlines.sort_values(["place_code", "lad24_code"], ignore_index=True),
        geometry="geometry",
        crs=BNG,
    )
    places = {c: {**p, "nation": "England"} for c, p in england_places.items()} | dev_places
    places = {c: places[c] for c in sorted(places)}  # row-group order, deterministic JSON
    idx = nations.index_of("England")
    entries["England"] = {
        "name": "England",
        "code": idx.country_code,
        "index": idx.describe(district=True),
        "measures": england | {"extent_method": england.get("extent_method", EXTENT_METHOD)},
        "decile_population": england.get("decile_population"),
        "decile_areas": [
            int(v) for v in eng.groupby("imd_decile").size().reindex(range(1, 11), fill_value=0)
        ],
    }
    entries = {n: entries[n] for n in nations.NATIONS if n in entries}
    tables = uk_comparison_tables()
    ranks = nation_ranks(tables)
    for i, code in enumerate(sorted(places)):
        p = places[code]
        p["row_group"] = i
        p["ranks"] = ranks.get(code, {k: None for k in nations.MEASURES})
        p["n_places"] = int(len(tables[p["nation"]]))
    place_checksums(
        rows,
        outlines,
        places,
        lambda p: [regions.get(p["region"]) if p.get("region") else None, entries[p["nation"]]],
    )
    return rows, outlines, places, entries, tables
