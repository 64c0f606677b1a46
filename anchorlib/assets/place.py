"""The place baseline: the place asset built once per collaborative, the figures, and their plain-English reading.

The **place asset** (built by ``anchor run`` with the other shared assets, read
by every report notebook; never rebuilt by a notebook)::

    outputs/<id>/data/place_lsoas.parquet   GeoParquet, one row per LSOA 2021 of the place: ward, district,
                                            region, population, IMD 2025 and domain deciles, ranks, scores;
                                            boundaries in British National Grid (EPSG:27700), simplified
    outputs/<id>/data/place_lads.parquet    the place's districts (LAD 2024) as outlines, from those LSOAs
    outputs/<id>/data/place_sites.csv       every anchor site postcode, located (easting, northing, LSOA, decile)
    outputs/<id>/data/place_context.json    the comparisons that need all of England's LSOAs (slow to make,
                                            so made once): summary measures and Census 2021 shares of the
                                            place, its region(s) and England, and the place's districts

The **figures** (:func:`place_baseline`) compare the place with its region(s)
and England: population, the IMD 2025 distribution, the summary measures of
the English Indices of Deprivation (docs/deprivation_measures.md), domains,
districts, Census 2021 measures, and charitable grants into the place by ward
deprivation (optional source).  :func:`baseline_reading` turns them into short
sentences; notebooks display both and compute nothing themselves.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from anchorlib.core.errors import AnchorError
from anchorlib.data import deprivation

__all__ = [
    "ASSET_FILES",
    "PlaceAsset",
    "build_place_asset",
    "read_place_asset",
    "Baseline",
    "place_baseline",
    "baseline_reading",
    "DOMAIN_LABELS",
    "decile_label",
    "comparison_areas",
    "census_measures",
    "decile_distribution",
    "summary_table",
    "domain_table",
    "district_table",
    "grants_table",
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

DOMAIN_LABELS = {
    "imd": "Index of Multiple Deprivation",
    "income": "Income",
    "employment": "Employment",
    "education": "Education, skills and training",
    "health": "Health deprivation and disability",
    "crime": "Crime",
    "housing": "Barriers to housing and services",
    "environment": "Living environment",
}
ENGLAND = "England"


def decile_label(d: int) -> str:
    """Words for an IMD decile: 1 is the most deprived 10% of neighbourhoods in England."""
    d = int(d)
    if d == 1:
        return "1 (most deprived 10%)"
    if d == 10:
        return "10 (least deprived 10%)"
    return str(d)


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
    """Every anchor site postcode with its location: anchor_id, anchor_name, postcode, status, easting,
    northing (British National Grid, metres), lsoa21_code, lad24_name, imd25_decile, in_place."""
    from anchorlib.data.postcodes import locate_postcodes

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
        }
    )
    out["in_place"] = out["lsoa21_code"].isin(set(collab.place.lsoas))
    return out[cols]


def build_place_asset(collab, out_root: Path | None = None) -> dict[str, Path]:
    """Write the place asset (LSOAs with deprivation and boundaries, district outlines, located sites)."""
    import geopandas as gpd

    from anchorlib.data.geography import boundaries, lsoa21_geography

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
    """LSOA 2021 codes of the place, of the English region(s) it lies in, and of England (IoD2025, England only).

    Keys: the place's name, the region name (names joined with "and" when the
    place spans regions), ``England``.
    """
    from anchorlib.data.geography import lsoa21_geography

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


def _pct(v) -> float | None:
    return None if v is None else 100.0 * float(v)


def summary_table(measures: dict[str, dict]) -> pd.DataFrame:
    """The IMD 2025 summary measures for each area, one column per area (measure names carry units)."""
    rows = [
        ("Neighbourhoods (LSOAs)", lambda m: m["lsoa_count"]),
        ("Residents (people)", lambda m: m["population"]),
        ("Average IMD score, population-weighted (score)", lambda m: m["imd"]["average_score"]),
        (
            "Average IMD rank, population-weighted (rank; of 33,755, higher = more deprived)",
            lambda m: m["imd"]["average_rank"],
        ),
        (
            "Neighbourhoods in the most deprived 10% in England (%)",
            lambda m: _pct(m["imd"]["proportion_lsoas_most_deprived_10pct"]),
        ),
        (
            "Extent: residents in the most deprived 30%, sliding weights (%)",
            lambda m: _pct(m["imd"]["extent"]),
        ),
        (
            "Local concentration: rank of the most deprived neighbourhoods housing 10% of residents (rank)",
            lambda m: m["imd"]["local_concentration"],
        ),
    ]
    data = {"measure": [r[0] for r in rows]}
    for area, m in measures.items():
        data[area] = [f(m) for _, f in rows]
    return pd.DataFrame(data)


def decile_distribution(lsoas: pd.DataFrame, england: pd.DataFrame) -> pd.DataFrame:
    """Neighbourhoods and residents of the place by national IMD 2025 decile, beside England's residents.

    ``lsoas``/``england``: rows of :func:`anchorlib.data.deprivation.lsoa_deprivation` (``imd_decile``, ``population``).
    """

    def count(df):
        g = df.groupby(df["imd_decile"].astype(int))
        return g.size().reindex(range(1, 11), fill_value=0), g["population"].sum().reindex(
            range(1, 11), fill_value=0
        )

    n, pop = count(lsoas)
    _, epop = count(england)
    return pd.DataFrame(
        {
            "IMD decile (1 = most deprived)": [decile_label(d) for d in range(1, 11)],
            "neighbourhoods (LSOAs)": n.to_numpy(),
            "share of neighbourhoods (%)": (100 * n / max(int(n.sum()), 1)).to_numpy(),
            "residents (people)": pop.round().astype("int64").to_numpy(),
            "share of residents (%)": (100 * pop / max(float(pop.sum()), 1.0)).to_numpy(),
            "England: share of residents (%)": (
                100 * epop / max(float(epop.sum()), 1.0)
            ).to_numpy(),
        }
    )


def domain_table(measures: dict[str, dict]) -> pd.DataFrame:
    """Per domain: share of neighbourhoods in the most deprived 10% nationally and average rank, per area."""
    areas = list(measures)
    rows = []
    for key in deprivation.KEYS:
        row = {"domain": DOMAIN_LABELS[key]}
        for area in areas:
            m = measures[area]["imd"] if key == "imd" else measures[area]["domains"][key]
            row[f"{area}: in most deprived 10% (%)"] = _pct(
                m["proportion_lsoas_most_deprived_10pct"]
            )
        for area in areas:
            m = measures[area]["imd"] if key == "imd" else measures[area]["domains"][key]
            row[f"{area}: average rank (rank)"] = m["average_rank"]
        rows.append(row)
    return pd.DataFrame(rows)


def district_table(lsoas: pd.DataFrame) -> pd.DataFrame:
    """The place's districts (LAD 2024): neighbourhoods, residents, IMD summary measures; most deprived first."""
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
                "in most deprived 10% (%)": _pct(m["imd"]["proportion_lsoas_most_deprived_10pct"]),
                "extent (%)": _pct(m["imd"]["extent"]),
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


#: How the reading words the Census measures that differ from England by a point or more.
CENSUS_PHRASES = {
    "Households deprived in at least one dimension (%)": "of households are deprived in at least one dimension",
    "Residents disabled under the Equality Act (%)": "of residents are disabled under the Equality Act",
    "Households renting from a council or housing association (%)": "of households rent from a council or "
    "housing association",
}


def census_measures(areas: dict[str, list[str]]) -> pd.DataFrame:
    """Census 2021 shares for each area: counts summed over its LSOAs / their totals (households or residents)."""
    from anchorlib.data.census import census_table

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


def grants_table(giving) -> pd.DataFrame:
    """Grants into the place by the IMD 2025 decile of the recipient ward (from :func:`anchorlib.indicators.giving.place_giving`)."""
    bd = giving.by_deprivation
    resolved = bd[bd["ward_decile"] != "ward not resolved"]
    tot_res = float(resolved["amount"].sum())
    out = pd.DataFrame(
        {
            "ward IMD decile (1 = most deprived 10% of wards)": [
                decile_label(int(d)) if str(d).isdigit() else "ward not known (district only)"
                for d in bd["ward_decile"]
            ],
            "grants (number)": bd["grants"].astype("int64").to_numpy(),
            "amount (£)": bd["amount"].to_numpy(),
            "share of grants placed in a ward (%)": [
                100 * a / tot_res if str(d).isdigit() and tot_res > 0 else None
                for d, a in zip(bd["ward_decile"], bd["amount"])
            ],
            "share of the place's residents (%)": (100 * bd["place_population_share"]).to_numpy(),
        }
    )
    return out


# --------------------------------------------------------------------------- the baseline


@dataclass
class Baseline:
    place: str
    region: str | None
    lsoa_count: int
    population: int | float
    population_source: str
    measures: dict[str, dict]  # place_measures per area (place, region, England)
    summary: pd.DataFrame
    deciles: pd.DataFrame
    domains: pd.DataFrame
    districts: pd.DataFrame
    census: pd.DataFrame
    tiers: pd.DataFrame
    sites: pd.DataFrame
    grants: pd.DataFrame | None = None
    grants_summary: dict | None = None
    notes: list[str] = field(default_factory=list)


def place_baseline(
    collab, asset: PlaceAsset | None = None, *, out_root: Path | None = None, grants: bool = True
) -> Baseline:
    """Every figure of the place baseline report (see the module docstring)."""
    from anchorlib.config.places import tier_breakdown
    from anchorlib.data.census import population_lsoa21

    place = collab.place
    asset = asset if asset is not None else read_place_asset(collab, out_root)
    ctx = asset.context
    measures = ctx["measures"]
    pm = measures[place.name]
    dep = deprivation.lsoa_deprivation(2025)
    in_place = dep[dep["lsoa_code"].isin(set(asset.lsoas["lsoa21_code"]))]
    region = next((a for a in measures if a not in (place.name, ENGLAND)), None)
    tiers = tier_breakdown(place, population_lsoa21()).drop(columns="everywhere")
    tiers = tiers.rename(
        columns={"lsoa_count": "neighbourhoods (LSOAs)", "population": "residents (people)"}
    )
    b = Baseline(
        place=place.name,
        region=region,
        lsoa_count=pm["lsoa_count"],
        population=pm["population"],
        population_source=pm["population_source"],
        measures=measures,
        summary=summary_table(measures),
        deciles=decile_distribution(in_place, dep),
        domains=domain_table(measures),
        districts=pd.DataFrame(ctx["districts"]),
        census=pd.DataFrame(ctx["census"]),
        tiers=tiers,
        sites=asset.sites,
        notes=list(pm.get("notes", [])),
    )
    if grants:
        from anchorlib.indicators.giving import place_giving

        try:
            g = place_giving(collab)
        except AnchorError as exc:  # the optional source is not on this machine
            b.notes.append(f"Charitable grants are not shown: {str(exc).splitlines()[0]}")
        else:
            b.grants = grants_table(g)
            b.grants_summary = dict(g.summary)
    return b


# --------------------------------------------------------------------------- the reading


def _fmt_pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.1f}%" if v < 10 else f"{v:.0f}%"


def _compare(a: float, b: float, tol: float = 0.05) -> str:
    if b and abs(a - b) <= tol * abs(b):
        return "about the same as"
    return "higher than" if a > b else "lower than"


def baseline_reading(b: Baseline) -> list[str]:
    """Short plain-English sentences on what stands out in the baseline, generated from its figures."""
    out = []
    out.append(
        f"{b.place} is home to {int(round(b.population)):,} people in {b.lsoa_count:,} neighbourhoods "
        f"(LSOAs)."
    )
    dec = b.deciles
    share1 = float(dec["share of neighbourhoods (%)"].iloc[0])
    res1 = float(dec["share of residents (%)"].iloc[0])
    n1 = int(dec["neighbourhoods (LSOAs)"].iloc[0])
    if n1 == 0:
        out.append(
            "None of its neighbourhoods is among the most deprived 10% in England (IMD 2025)."
        )
    else:
        ratio = share1 / 10.0
        rel = (
            f"{ratio:.1f} times the national 10%"
            if ratio >= 1.15
            else "close to the national 10%"
            if ratio >= 0.85
            else "below the national 10%"
        )
        out.append(
            f"{n1:,} of its neighbourhoods ({_fmt_pct(share1)}) are among the most deprived 10% in England "
            f"(IMD 2025), {rel}; {_fmt_pct(res1)} of its residents live in them."
        )
    score = {a: m["imd"]["average_score"] for a, m in b.measures.items()}
    p, e = score.get(b.place), score.get(ENGLAND)
    if p is not None and e is not None:
        r = score.get(b.region) if b.region else None
        region = f"{_compare(p, r)} the {b.region} ({r:.1f}) and " if r is not None else ""
        out.append(
            f"Its population-weighted average IMD score is {p:.1f}: {region}{_compare(p, e)} England "
            f"({e:.1f}); a higher score means more deprived."
        )
    d = b.districts
    if len(d) > 1:
        col = "in most deprived 10% (%)"
        top = d.sort_values([col, "district"], ascending=[False, True]).iloc[0]
        low = d.sort_values([col, "district"], ascending=[True, True]).iloc[0]
        low_txt = "none" if low[col] == 0 else _fmt_pct(low[col])
        out.append(
            f"Deprivation is uneven across the {len(d)} districts: {_fmt_pct(top[col])} of {top['district']}'s "
            f"neighbourhoods are in the most deprived 10%, against {low_txt} in {low['district']}."
        )
    dom = b.domains[b.domains["domain"] != DOMAIN_LABELS["imd"]]
    col = f"{b.place}: in most deprived 10% (%)"
    if col in dom.columns and len(dom):
        hi = dom.sort_values([col, "domain"], ascending=[False, True]).iloc[0]
        lo = dom.sort_values([col, "domain"], ascending=[True, True]).iloc[0]
        out.append(
            f"Of the seven domains, {hi['domain'].lower()} stands out: {_fmt_pct(hi[col])} of neighbourhoods "
            f"are in England's most deprived 10% on it; the least marked is {lo['domain'].lower()} "
            f"({_fmt_pct(lo[col])})."
        )
    c = b.census.set_index("measure")
    for label, phrase in CENSUS_PHRASES.items():
        if label in c.index and ENGLAND in c.columns and pd.notna(c.at[label, b.place]):
            pv, ev = float(c.at[label, b.place]), float(c.at[label, ENGLAND])
            if abs(pv - ev) >= 1.0:
                out.append(
                    f"Census 2021: {_fmt_pct(pv)} {phrase}, against {_fmt_pct(ev)} in England."
                )
    if b.grants is not None and b.grants_summary:
        s = b.grants_summary
        deciles = s.get("deprived_deciles", [1, 2])
        band = (
            f"most deprived {10 * len(deciles)}%"
            if deciles == list(range(1, len(deciles) + 1))
            else f"deciles {', '.join(map(str, deciles))}"
        )
        g = b.grants
        dcol = "ward IMD decile (1 = most deprived 10% of wards)"
        sel = g[g[dcol].str.split(" ").str[0].isin([str(x) for x in deciles])]
        pop_share = float(sel["share of the place's residents (%)"].sum())
        if s.get("placed_by_ward") and s.get("deprived_wards_share_of_resolved") is not None:
            out.append(
                f"Charitable grants ({s['award_years'][0]}-{s['award_years'][-1]}, 360Giving): of the "
                f"£{s['placed_by_ward']:,.0f} that can be placed in a ward, "
                f"{_fmt_pct(100 * s['deprived_wards_share_of_resolved'])} went to the {band} of wards, "
                f"home to {_fmt_pct(pop_share)} of the place's residents; only "
                f"{_fmt_pct(100 * s['ward_resolved_share'])} of the £{s['amount']:,.0f} into the place "
                "could be placed in a ward."
            )
    return out


def write_json(obj, path: Path) -> None:
    """JSON written atomically (used for small asset stamps)."""
    _replace(lambda p: Path(p).write_text(json.dumps(obj, indent=2, default=str) + "\n"), path)


# --------------------------------------------------------------------------- for the report


def sources(b: Baseline) -> list[str]:
    """Catalogue source ids the baseline report draws on (for the licences and attributions)."""
    ids = [
        "imd2025",
        "lookup_lsoa21_ward24",
        "lookup_lad24_region",
        "boundaries_lsoa21",
        "census2021_deprivation",
        "census2021_tenure",
        "census2021_ethnicity",
        "census2021_disability",
        "onspd_lookup",
        "codepoint_open",
    ]
    if "IoD2025 File 6" in b.population_source:
        ids.append("iod2025_population")
    if b.grants is not None:
        ids.append("grants_360giving_wards")
    return ids


def domain_columns() -> dict[str, str]:
    """Place-asset decile columns of the seven domains -> their names."""
    return {f"{k}_decile": DOMAIN_LABELS[k] for k in deprivation.DOMAINS}


def decile_alt(b: Baseline) -> str:
    d = b.deciles
    hi = d.sort_values("share of neighbourhoods (%)", ascending=False).iloc[0]
    return (
        f"Decile 1 holds {d['share of neighbourhoods (%)'].iloc[0]:.1f}% of neighbourhoods and decile 10 "
        f"{d['share of neighbourhoods (%)'].iloc[-1]:.1f}%; the largest share is in decile "
        f"{str(hi['IMD decile (1 = most deprived)']).split(' ')[0]} ({hi['share of neighbourhoods (%)']:.1f}%)."
    )


def map_alt(b: Baseline, asset: PlaceAsset) -> str:
    d = b.districts
    parts = []
    if len(d):
        top = d.iloc[0]
        parts.append(f"The most deprived district on average is {top['district']}.")
    s = asset.sites
    if len(s):
        where = [
            f"{r.anchor_name} ({r.postcode}, decile {int(r.imd25_decile)})"
            if pd.notna(r.imd25_decile)
            else f"{r.anchor_name} ({r.postcode})"
            for r in s.itertuples()
        ]
        parts.append("Sites: " + "; ".join(where) + ".")
    return " ".join(parts)


def domains_alt(b: Baseline) -> str:
    col = f"{b.place}: in most deprived 10% (%)"
    vals = "; ".join(f"{r['domain']} {r[col]:.1f}%" for _, r in b.domains.iterrows())
    return (
        f"Grouped bar chart: for the IMD and each of its seven domains, the share of neighbourhoods in the "
        f"most deprived 10% nationally in {b.place}, {b.region or 'its region'} and England (10%). "
        f"{b.place}: {vals}."
    )


def census_alt(b: Baseline) -> str:
    vals = "; ".join(
        f"{r['measure'].replace(' (%)', '')} {r[b.place]:.1f}% (England {r[ENGLAND]:.1f}%)"
        for _, r in b.census.iterrows()
        if pd.notna(r[b.place])
    )
    return f"Grouped bar chart of Census 2021 shares for {b.place}, {b.region or 'its region'} and England: {vals}."


def grants_alt(b: Baseline) -> str:
    g = b.grants[b.grants["share of grants placed in a ward (%)"].notna()]
    if not len(g):
        return "No grants into the place could be placed in a ward."
    first = g.iloc[0]
    return (
        f"Grouped bar chart, for each ward IMD 2025 decile, of the share of grant money placed in a ward and "
        f"the share of the place's residents. Decile 1: {first['share of grants placed in a ward (%)']:.1f}% "
        f"of grants and {first['share of the place' + chr(39) + 's residents (%)']:.1f}% of residents."
    )
