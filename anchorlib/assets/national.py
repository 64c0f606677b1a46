"""National baselines: the place profile of every local authority district (LAD 2024) or integrated
care board (ICB, April 2024) in England, each its own place without a collaborative, published as
one site.

    anchor run --places lads        # the 296 LADs of England   (anchorlib.run.national.run_places)
    anchor run --places icbs        # the 42 ICBs
    anchor run --places lads --only E07000120 --limit 10 --workers 2 --force
    anchor run --places lads --nations uk   # the 361 districts of the UK (kind ``lads-uk``)

**The UK** (kind ``lads-uk``): England's 296 districts on IMD 2025 (as ``lads``), Wales's 22
authorities on WIMD 2019, Scotland's 32 council areas on SIMD 2020 and Northern Ireland's 11
districts on NIMDM 2017 (:mod:`anchorlib.assets.national_uk`).  Each place is ranked within its own
nation only; its wider tier is its English region, or its nation.  The small areas' table has
generic columns (``small_area_code``, ``small_area_name``, ``nation``, ``index_name``,
``index_areas``; domain deciles missing where a nation's index has no such domain, population
where none is bundled), places.json a ``nations`` entry per nation (its index, measures and
residents by decile), and the comparison is one table per nation
(:func:`anchorlib.assets.nations_table.uk_comparison_tables`: ``comparison_<nation>.csv`` and
``comparison_uk.xlsx``, a sheet per nation).

**Shared assets, built once for all places** (:func:`build_national_assets`), in one pass over
England's LSOAs, skipped when their inputs (the catalogue, the optional sources present, the code)
are unchanged, and written all or nothing::

    outputs/places-<kind>/data/lsoas.parquet     GeoParquet, one row per LSOA 2021 in England: its
                                                 place, district, region, population, IMD 2025
                                                 decile, rank, score and domain deciles; boundaries
                                                 in British National Grid, simplified once for the
                                                 whole coverage (shared edges stay shared).  One row
                                                 group per place, so a report reads its own rows and
                                                 nothing else.
    outputs/places-<kind>/data/outlines.parquet  the districts of each place (LAD 2024 outlines),
                                                 one row group per place
    outputs/places-<kind>/data/places.json       per place: name, region, row group, the summary
                                                 measures of the IMD and its domains, its national
                                                 rank on each, and the checksum of everything its
                                                 report shows; the same measures for the regions and
                                                 England
    outputs/places-<kind>/data/comparison.csv    the national comparison table: every place, its
    outputs/places-<kind>/data/comparison.xlsx   summary measures and its rank on each (1 = most
                                                 deprived)

**Reports**: the notebooks with ``scope: place`` (``notebooks/place_profile.ipynb``), one per place,
with the parameter ``place_code``, read their place with
:func:`anchorlib.reports.place_profile.place_profile`; :mod:`anchorlib.run.national` runs them.
This module never imports the runner or the reports: the code the asset is built from (its key,
:func:`anchorlib.run.national.national_key`) is this module and what it imports, not the batch
machinery, the reports or the spend and ledger code.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.assets import national_uk
from anchorlib.assets.place import BNG, ENGLAND
from anchorlib.core.atomic import write_all
from anchorlib.core.errors import AnchorError
from anchorlib.core.xlsx import write_xlsx
from anchorlib.data import deprivation, nations
from anchorlib.data.attribution import source_entries
from anchorlib.data.catalogue import PROJECT_ROOT
from anchorlib.data.geography import boundaries, lsoa21_geography
from anchorlib.data.readers import read_source

__all__ = [
    "KINDS",
    "Kind",
    "kind_spec",
    "json_sha256",
    "site_dir",
    "asset_paths",
    "build_national_assets",
    "read_places",
    "read_place_lsoas",
    "read_place_outlines",
    "place_entry",
    "comparison_table",
    "area_measures",
    "kind_of",
    "UK",
    "is_uk",
    "comparison_tables",
    "code_column",
    "nation_sources",
    "PLACE_INPUTS",
    "COMPARISON_MEASURES",
    "MEASURE_WORDS",
]

EDITION = 2025
#: A place is compared with the region(s) holding at least this share of its neighbourhoods (and
#: always the region holding most of them).
REGION_SHARE = 0.10


@dataclass(frozen=True)
class Kind:
    key: str  # lads | icbs
    label: str  # the site's title
    singular: str  # one place, in words
    plural: str
    geography: str  # the code system, for tables and notes
    sources: tuple[str, ...]


KINDS = {
    "lads": Kind(
        "lads",
        "Local authority districts in England",
        "local authority district",
        "local authority districts",
        "LAD 2024",
        ("imd2025", "lookup_lsoa21_ward24", "lookup_lad24_region", "boundaries_lsoa21"),
    ),
    "icbs": Kind(
        "icbs",
        "Integrated care boards in England",
        "integrated care board",
        "integrated care boards",
        "ICB April 2024",
        (
            "imd2025",
            "lookup_lsoa21_icb24",
            "lookup_lsoa21_ward24",
            "lookup_lad24_region",
            "boundaries_lsoa21",
        ),
    ),
    "lads-uk": Kind(
        "lads-uk",
        "Local authorities in the UK",
        "local authority",
        "local authorities",
        "LAD 2024: England, Wales, Scotland (council areas) and Northern Ireland (LGD 2014)",
        (
            "imd2025",
            "lookup_lsoa21_ward24",
            "lookup_lad24_region",
            "boundaries_lsoa21",
            "wimd2019",
            "lookup_lsoa11_lsoa21",
            "population_mye2020_lsoa11",
            "boundaries_lsoa11_wales",
            "simd2020",
            "lookup_dz11_ca",
            "population_mid2021_dz11",
            "boundaries_dz11",
            "nimdm2017",
            "lookup_soa01_lgd14",
            "boundaries_soa01_ni",
        ),
    ),
}
#: The kind of every place of the UK (``anchor run --places lads --nations uk``).
UK = "lads-uk"

#: Input groups a ``scope: place`` notebook can declare: the catalogue (sources, vintages,
#: licences), and its place's data in the national asset (checksum per place, in places.json).
PLACE_INPUTS = ("catalogue", "place_data")

#: The national comparison table: the IMD 2025 summary measures (key in ``place_measures()["imd"]``,
#: column name, scale); each is ranked among the places, 1 = most deprived (the highest value).
COMPARISON_MEASURES = [
    ("average_rank", "average rank (rank; higher = more deprived)", 1.0),
    ("average_score", "average score (score)", 1.0),
    ("proportion_lsoas_most_deprived_10pct", "neighbourhoods in the most deprived 10% (%)", 100.0),
    ("extent", "extent (%)", 100.0),
    ("local_concentration", "local concentration (rank; higher = more deprived)", 1.0),
]
MEASURE_WORDS = {
    "average_rank": "average rank",
    "average_score": "average score",
    "proportion_lsoas_most_deprived_10pct": "share of neighbourhoods in the most deprived 10%",
    "extent": "extent",
    "local_concentration": "local concentration",
}


def kind_spec(kind: str) -> Kind:
    """The :class:`Kind` of ``kind`` (``lads`` or ``icbs``); another is an error."""
    try:
        return KINDS[kind]
    except KeyError:
        raise AnchorError(
            f"unknown kind of place {kind!r}: choose one of {', '.join(KINDS)}"
        ) from None


def kind_of(code: str) -> str:
    """``icbs`` for an ICB code (E54...), ``lads-uk`` for a district of Wales, Scotland or Northern
    Ireland (W06, S12, N09), else ``lads``."""
    code = str(code).strip().upper()
    if code.startswith("E54"):
        return "icbs"
    return "lads" if code.startswith("E") else UK


def is_uk(kind: str) -> bool:
    """Whether ``kind``'s places are the UK's (each nation on its own index)."""
    return kind == UK


def nation_sources(sources: list[str], nation: str) -> list[str]:
    """The catalogue ids of ``sources`` a place of ``nation`` is made from (the UK asset is made
    from every nation's; a place's report names its own)."""
    if not any(s in sources for s in national_uk.NATION_SOURCES["Wales"]):
        return list(sources)
    others = {s for n, ids in national_uk.NATION_SOURCES.items() if n != nation for s in ids}
    return [s for s in sources if s not in others or s in national_uk.NATION_SOURCES[nation]]


def code_column(frame) -> tuple[str, str]:
    """(code, name) columns of an asset's small areas: ``lsoa21_*`` (England's assets) or
    ``small_area_*`` (the UK's)."""
    return (
        ("small_area_code", "small_area_name")
        if "small_area_code" in frame.columns
        else ("lsoa21_code", "lsoa21_name")
    )


def site_dir(kind: str, out_root: Path | None = None) -> Path:
    """``outputs/places-<kind>/``: the site of every place of the kind."""
    kind_spec(kind)
    return Path(out_root or PROJECT_ROOT / "outputs") / f"places-{kind}"


ASSET_FILES = {
    "lsoas": "lsoas.parquet",
    "outlines": "outlines.parquet",
    "places": "places.json",
    "comparison_csv": "comparison.csv",
    "comparison_xlsx": "comparison.xlsx",
}


def _nation_file(nation: str) -> str:
    return f"comparison_{nation.lower().replace(' ', '_')}.csv"


def asset_paths(kind: str, out_root: Path | None = None) -> dict[str, Path]:
    """The asset's files; the UK's comparison is a CSV per nation (keys ``comparison:<nation>``)
    and ``comparison_uk.xlsx``."""
    data = site_dir(kind, out_root) / "data"
    files = dict(ASSET_FILES)
    if is_uk(kind):
        del files["comparison_csv"]
        files["comparison_xlsx"] = "comparison_uk.xlsx"
        files |= {f"comparison:{n}": _nation_file(n) for n in nations.NATIONS}
    return {k: data / v for k, v in files.items()}


# --------------------------------------------------------------------------- the measures, in bulk


def _number(v):
    if v is None:
        return None
    v = float(v)
    return v if np.isfinite(v) else None


def area_measures(rows: pd.DataFrame, name: str, population_source: str) -> dict:
    """The summary measures of an area from its rows of
    :func:`anchorlib.data.deprivation.lsoa_deprivation` (2025), shaped as
    :func:`anchorlib.data.deprivation.place_measures` returns them (the same figures: the same
    :func:`~anchorlib.data.deprivation.summary_measures`), without looking the codes up one place at
    a time."""
    n_nat = deprivation.N_LSOAS[EDITION]
    pop = rows["population"].to_numpy(dtype=float)
    out = {}
    for key in deprivation.KEYS:
        m = deprivation.summary_measures(
            rows[f"{key}_rank"].to_numpy(),
            pop,
            n_nat,
            score=rows[f"{key}_score"].to_numpy(),
            decile=rows[f"{key}_decile"].to_numpy(),
        )
        out[key] = {k: _number(v) for k, v in m.items()}
    domains = {}
    for key in deprivation.DOMAINS:
        d = dict(out[key])
        if key in deprivation.SCALE_DOMAINS:
            d["scale"] = float(rows[f"{key}_numerator"].sum(skipna=True))
        domains[key] = d
    total = float(pop.sum())
    return {
        "name": name,
        "edition": EDITION,
        "lsoa_count": int(len(rows)),
        "population": int(total) if total.is_integer() else total,
        "population_source": population_source,
        "extent_method": deprivation.EXTENT_METHOD,
        "population_denominator": deprivation.population_denominator(EDITION),
        "imd": out["imd"],
        "domains": domains,
        "notes": [],
    }


# --------------------------------------------------------------------------- building the assets


def json_sha256(obj) -> str:
    """SHA-256 of ``obj`` as canonical JSON (keys sorted): the same content, the same digest."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


def _stamp_path(kind: str, out_root: Path | None) -> Path:
    return site_dir(kind, out_root) / "data" / "assets.json"


def build_national_assets(
    kind: str,
    out_root: Path | None = None,
    *,
    key: str | None = None,
    force: bool = False,
    log: Callable[[str], None] = lambda m: None,
) -> dict:
    """Build the national asset of ``kind`` (see the module docstring) unless it is there and was
    built from the same inputs: ``key`` (:func:`anchorlib.run.national.national_key`: the catalogue,
    the optional sources present, the code); None: build only when missing (stamped unknown, so that
    the next ``anchor run --places`` builds it again).  Returns ``{"status": "built" | "unchanged",
    "duration": s, "key": ...}``."""
    t0 = time.perf_counter()
    paths = asset_paths(kind, out_root)
    stamp_path = _stamp_path(kind, out_root)
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        stamp = {}
    if (
        not force
        and all(p.is_file() for p in paths.values())
        and (key is None or stamp.get("national") == key)
    ):
        log(f"places-{kind}: national asset: unchanged")
        return {"status": "unchanged", "duration": 0.0, "key": stamp.get("national")}
    every = "small area in the UK" if is_uk(kind) else "LSOA in England"
    log(f"places-{kind}: national asset: building (every {every}, once)")
    lsoas, outlines, meta, comparison = _build_uk() if is_uk(kind) else _build(kind)
    meta["key"] = key
    writers = {
        "lsoas": lambda p: _write_grouped(lsoas, p),
        "outlines": lambda p: _write_grouped(outlines, p),
        "places": lambda p: Path(p).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8"),
    }
    if is_uk(kind):
        writers |= {
            f"comparison:{n}": (lambda p, df=df: df.to_csv(p, index=False))
            for n, df in comparison.items()
        }
        writers["comparison_xlsx"] = lambda p: _write_uk_xlsx(comparison, p, meta)
    else:
        writers["comparison_csv"] = lambda p: comparison.to_csv(p, index=False)
        writers["comparison_xlsx"] = lambda p: _write_comparison_xlsx(comparison, p, meta)
    write_all(paths, writers)
    write_all(
        {"stamp": stamp_path},
        {
            "stamp": lambda p: Path(p).write_text(
                json.dumps({"national": key}, indent=2) + "\n", encoding="utf-8"
            )
        },
    )
    return {"status": "built", "duration": round(time.perf_counter() - t0, 2), "key": key}


def _places_of(kind: str, dep: pd.DataFrame) -> pd.DataFrame:
    """lsoa_code -> place_code, place_name for every English LSOA of the deprivation table that has
    a place."""
    if kind == "lads":
        return dep[["lsoa_code", "lad_code", "lad_name"]].rename(
            columns={"lad_code": "place_code", "lad_name": "place_name"}
        )
    icb = read_source("lookup_lsoa21_icb24", columns=["lsoa21_code", "icb24_code", "icb24_name"])
    return icb.rename(
        columns={"lsoa21_code": "lsoa_code", "icb24_code": "place_code", "icb24_name": "place_name"}
    )


def _england(kind: str) -> dict:
    """England's part of the asset of ``kind`` (before checksums): LSOAs, outlines, places (with
    their ranks among England's places), regions, England, the population source."""
    k = kind_spec(kind)
    dep = deprivation.lsoa_deprivation(EDITION)
    pop_source = deprivation.population_source(EDITION)
    geo = lsoa21_geography()[
        ["lsoa21_code", "lsoa21_name", "lad24_code", "lad24_name", "region_code", "region_name"]
    ].rename(columns={"lsoa21_code": "lsoa_code"})
    rows = dep.merge(
        _places_of(kind, dep), on="lsoa_code", how="inner", validate="one_to_one"
    ).merge(geo, on="lsoa_code", how="left", validate="one_to_one")
    if rows.empty:
        raise AnchorError(f"no English LSOA has a {k.singular} in the lookup: nothing to build")
    rows = rows.sort_values(["place_code", "lsoa_code"], kind="stable").reset_index(drop=True)

    # comparison areas: every place, the region(s) each lies in, England
    england = area_measures(dep, ENGLAND, pop_source)
    dec = (
        dep.groupby(dep["imd_decile"].astype(int))["population"]
        .sum()
        .reindex(range(1, 11), fill_value=0)
    )
    england["decile_population"] = [float(v) for v in dec]
    region_of = _regions_of(rows)
    regions = _region_measures(region_of, geo, dep, pop_source)
    places: dict[str, dict] = {}
    for i, (code, g) in enumerate(rows.groupby("place_code", sort=True)):
        regs = region_of[code]
        name = str(g["place_name"].iloc[0])
        places[code] = {
            "name": name,
            "row_group": i,
            "region": "+".join(sorted(c for c, _ in regs)) if regs else None,
            "measures": area_measures(g, name, pop_source),
        }
    ranks = _ranks(places)
    for code, p in places.items():
        p["ranks"] = ranks[code]
    lsoas, outlines = _geometries(rows)
    return {
        "lsoas": lsoas,
        "outlines": outlines,
        "places": places,
        "regions": regions,
        "england": england,
        "pop_source": pop_source,
    }


def _meta(kind: str, e: dict, places: dict) -> dict:
    k = kind_spec(kind)
    pop_source = e["pop_source"]
    sources = list(k.sources) + (["iod2025_population"] if "IoD2025 File 6" in pop_source else [])
    return {
        "kind": kind,
        "label": k.label,
        "geography": k.geography,
        "edition": EDITION,
        "built": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "population_source": pop_source,
        "extent_method": deprivation.EXTENT_METHOD,
        "population_denominator": deprivation.population_denominator(EDITION),
        "sources": sources,
        "n_places": len(places),
        "england": e["england"],
        "regions": e["regions"],
        "places": places,
    }


def _build(kind: str):
    """The national asset of ``kind`` (England's): (LSOAs, district outlines, places.json's
    content, the comparison table)."""
    e = _england(kind)
    places, regions, england = e["places"], e["regions"], e["england"]
    comparison = comparison_table({"kind": kind, "places": places, "regions": regions})
    national_uk.place_checksums(
        e["lsoas"], e["outlines"], places, lambda p: [regions.get(p["region"]), england]
    )
    return e["lsoas"], e["outlines"], _meta(kind, e, places), comparison


def _build_uk():
    """The UK asset: England's districts (as ``lads``) and the devolved nations' (see
    :func:`anchorlib.assets.national_uk.uk_asset`), with a ``nations`` entry per nation and the
    comparison tables by nation."""
    e = _england("lads")
    lsoas, outlines, places, entries, tables = national_uk.uk_asset(
        e["lsoas"], e["outlines"], e["places"], e["regions"], e["england"]
    )
    meta = _meta(UK, e, places)
    meta["population_source"] = {n: v["measures"]["population_source"] for n, v in entries.items()}
    meta["population_denominator"] = {
        n: v["measures"]["population_denominator"] for n, v in entries.items()
    }
    meta["nations"] = entries
    meta["n_places_by_nation"] = {n: int(len(t)) for n, t in tables.items()}
    return lsoas, outlines, meta, tables


def _regions_of(rows: pd.DataFrame) -> dict[str, tuple]:
    """place_code -> ((region code, region name), ...): the region(s) each place is compared
    with."""
    region_of: dict[str, tuple] = {}
    counts = (
        rows.groupby(["place_code", "region_code", "region_name"]).size().rename("n").reset_index()
    )
    for code, g in counts.groupby("place_code", sort=True):
        # the region(s) it lies in: a region holding under 10% of its neighbourhoods (an ICB
        # reaching a few LSOAs over a regional border) is not what it is compared with
        g = g[g["region_code"].astype(str).str.startswith("E12")].sort_values(
            ["n", "region_code"], ascending=[False, True]
        )
        g = g[(g["n"] >= REGION_SHARE * g["n"].sum()) | (g["n"] == g["n"].max())]
        region_of[code] = tuple(zip(g["region_code"], g["region_name"]))
    return region_of


def _region_measures(
    region_of: dict[str, tuple], geo: pd.DataFrame, dep: pd.DataFrame, pop_source: str
) -> dict[str, dict]:
    """The summary measures of each region (or regions together) a place is compared with."""
    regions: dict[str, dict] = {}
    for regs in sorted(set(region_of.values())):
        if not regs:
            continue
        rkey = "+".join(sorted(c for c, _ in regs))
        label = " and ".join(n for _, n in regs)
        codes = {c for c, _ in regs}
        in_region = geo.loc[geo["region_code"].isin(codes), "lsoa_code"]
        regions[rkey] = {
            "name": label,
            "codes": sorted(codes),
            "measures": area_measures(
                dep[dep["lsoa_code"].isin(set(in_region))], label, pop_source
            ),
        }
    return regions


def _geometries(rows: pd.DataFrame):
    """(LSOAs, district outlines): England's LSOA boundaries simplified once for the whole coverage,
    and the district (LAD 2024) outlines of each place."""
    import geopandas as gpd

    b = boundaries("lsoa21")
    b = national_uk.simplified_coverage(b[b["code"].isin(set(rows["lsoa_code"]))])
    geom = rows[["lsoa_code"]].merge(
        b[["code", "geometry"]].rename(columns={"code": "lsoa_code"}), on="lsoa_code", how="left"
    )["geometry"]
    missing = rows.loc[geom.isna().to_numpy(), "lsoa_code"].tolist()
    if missing:
        raise AnchorError(
            f"no LSOA 2021 boundary for {len(missing)} LSOA(s) in England, e.g. "
            f"{', '.join(missing[:5])}"
        )
    keep = [
        "place_code",
        "lsoa_code",
        "lsoa21_name",
        "lad24_code",
        "lad24_name",
        "region_code",
        "region_name",
        "population",
        "imd_decile",
        "imd_rank",
        "imd_score",
    ] + [f"{d}_decile" for d in deprivation.DOMAINS]
    lsoas = gpd.GeoDataFrame(
        rows[keep].rename(columns={"lsoa_code": "lsoa21_code"}), geometry=geom.to_numpy(), crs=BNG
    )
    for c in ["imd_decile", "imd_rank"] + [f"{d}_decile" for d in deprivation.DOMAINS]:
        lsoas[c] = lsoas[c].astype("int32")
    return lsoas, national_uk.district_outlines(lsoas)


def _ranks(places: dict[str, dict]) -> dict[str, dict]:
    """Each place's rank among the places on each IMD summary measure: 1 = most deprived (highest
    value)."""
    df = pd.DataFrame(
        {
            m: {c: p["measures"]["imd"][m] for c, p in places.items()}
            for m, _, _ in COMPARISON_MEASURES
        }
    )
    r = df.rank(ascending=False, method="min")
    return {
        c: {m: (None if pd.isna(r.at[c, m]) else int(r.at[c, m])) for m in df.columns}
        for c in df.index
    }


def comparison_table(meta: dict) -> pd.DataFrame:
    """The national comparison table: every place, its IMD 2025 summary measures and its rank on
    each (1 = most deprived of all the places), most deprived on average rank first."""
    rows = []
    for code, p in meta["places"].items():
        m = p["measures"]
        region = meta["regions"].get(p["region"], {}).get("name") if p.get("region") else None
        row = {
            "code": code,
            "place": p["name"],
            "region": region,
            "neighbourhoods (LSOAs)": m["lsoa_count"],
            "residents (people)": m["population"],
        }
        for key, col, scale in COMPARISON_MEASURES:
            v = m["imd"][key]
            row[col] = None if v is None else v * scale
            row[f"rank: {MEASURE_WORDS[key]} (rank; 1 = most deprived)"] = p["ranks"][key]
        rows.append(row)
    df = pd.DataFrame(rows)
    first = f"rank: {MEASURE_WORDS['average_rank']} (rank; 1 = most deprived)"
    return df.sort_values([first, "code"]).reset_index(drop=True)


def _write_grouped(gdf, path) -> None:
    """GeoParquet with one row group per place (rows sorted by place_code): a report reads only its
    own."""
    import pyarrow.parquet as pq
    from geopandas.io.arrow import _geopandas_to_arrow

    table = _geopandas_to_arrow(gdf.reset_index(drop=True), index=False)
    with pq.ParquetWriter(path, table.schema, compression="zstd") as w:
        for _, idx in gdf.reset_index(drop=True).groupby("place_code", sort=True).indices.items():
            w.write_table(table.slice(int(idx[0]), len(idx)), row_group_size=len(idx))


def _write_comparison_xlsx(df: pd.DataFrame, path, meta: dict) -> None:
    """The comparison table and an 'about' sheet (what it is, the data and its attribution)."""
    entries = source_entries(meta["sources"])
    about = pd.DataFrame(
        {
            "field": ["table", "places", "measures", "population", "data", "attribution"],
            "value": [
                f"IMD 2025 summary measures of every {KINDS[meta['kind']].singular} in England, "
                "with national ranks (1 = most deprived)",
                meta["label"],
                "MHCLG summary measures (docs/deprivation_measures.md); proportions and extent "
                f"in %; extent: {meta.get('extent_method', deprivation.EXTENT_METHOD)}",
                meta["population_source"],
                "; ".join(f"{e['title']} ({e['vintage']})" for e in entries),
                " | ".join(dict.fromkeys(a for e in entries for a in e["attribution"])),
            ],
        }
    )
    write_xlsx(path, {"table": df, "about": about}, style=False)


def _write_uk_xlsx(tables: dict[str, pd.DataFrame], path, meta: dict) -> None:
    """The UK comparison: a sheet per nation (its own index, ranks within it) and an 'about'
    sheet (the indices, the ranks' basis, the data and its attribution)."""
    entries = source_entries(meta["sources"])
    about = pd.DataFrame(
        {
            "field": ["table", "indices", "ranks", "definitions", "data", "attribution"],
            "value": [
                "Summary measures of every local authority in the UK, one sheet per nation",
                "; ".join(f"{n}: {v['index']['label']}" for n, v in meta["nations"].items()),
                "within each nation only (1 = most deprived of its districts); the indices "
                "differ in domains, year and small areas: never compare across nations",
                "docs/deprivation_measures.md",
                "; ".join(f"{e['title']} ({e['vintage']})" for e in entries),
                " | ".join(dict.fromkeys(a for e in entries for a in e["attribution"])),
            ],
        }
    )
    write_xlsx(path, {**{n[:31]: df for n, df in tables.items()}, "about": about}, style=False)


def comparison_tables(kind: str, out_root: Path | None = None) -> dict[str, pd.DataFrame]:
    """The UK asset's comparison tables by nation, as written (``comparison_<nation>.csv``)."""
    paths = asset_paths(kind, out_root)
    return {
        n: pd.read_csv(paths[f"comparison:{n}"])
        for n in nations.NATIONS
        if paths[f"comparison:{n}"].is_file()
    }


# --------------------------------------------------------------------------- reading (in a report)


@lru_cache(maxsize=4)
def _read_places(path: str, mtime_ns: int, size: int) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_places(kind: str, out_root: Path | None = None, *, ensure: bool = False) -> dict:
    """places.json of the national asset (kept in memory while the file is unchanged: a warm kernel
    reads it once for all its reports).  ``ensure``: build the asset first when it is missing (a
    notebook opened by hand; ``anchor run --places`` builds it before any report runs)."""
    paths = asset_paths(kind, out_root)
    if ensure and not all(p.is_file() for p in paths.values()):
        build_national_assets(kind, out_root, log=lambda m: print(m, file=sys.stderr))
    p = paths["places"]
    if not p.is_file():
        raise AnchorError(
            f"No national asset for {kind} ({p}): run `anchor run --places {kind}` "
            "(it builds the shared assets first)"
        )
    st = p.stat()
    return _read_places(str(p), st.st_mtime_ns, st.st_size)


def _row_group(path: Path, i: int):
    import geopandas as gpd
    import pyarrow.parquet as pq

    return gpd.GeoDataFrame.from_arrow(pq.ParquetFile(path).read_row_group(i))


def place_entry(meta: dict, code: str) -> dict:
    """The entry of place ``code`` in places.json (:func:`read_places`); an unknown code is an error
    that suggests the nearest codes."""
    try:
        return meta["places"][code]
    except KeyError:
        close = difflib.get_close_matches(code, list(meta["places"]), n=3, cutoff=0.7)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        where = "the UK" if is_uk(meta["kind"]) else "England"
        raise AnchorError(
            f"{code!r} is not a {KINDS[meta['kind']].singular} of {where} in the national "
            f"asset{hint}"
        ) from None


def read_place_lsoas(kind: str, code: str, out_root: Path | None = None):
    """The LSOAs of one place (GeoDataFrame, EPSG:27700): one row group of lsoas.parquet."""
    meta = read_places(kind, out_root)
    return _row_group(asset_paths(kind, out_root)["lsoas"], place_entry(meta, code)["row_group"])


def read_place_outlines(kind: str, code: str, out_root: Path | None = None):
    """The district (LAD 2024) outlines of one place (GeoDataFrame, EPSG:27700)."""
    meta = read_places(kind, out_root)
    return _row_group(asset_paths(kind, out_root)["outlines"], place_entry(meta, code)["row_group"])
