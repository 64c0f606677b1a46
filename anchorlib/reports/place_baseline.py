"""The place baseline report: the figures of the ``place_baseline`` notebook and their reading.

The figures (:func:`place_baseline`) compare the place with its region(s) and England: population,
the IMD 2025 distribution, the summary measures of the English Indices of Deprivation
(docs/deprivation_measures.md), domains, districts, Census 2021 measures, and charitable grants
into the place by ward deprivation (optional source).  They come from the place asset that
``anchor run`` builds once per collaborative (:mod:`anchorlib.assets.place`), never rebuilt here.
:func:`baseline_reading` turns them into short sentences; notebooks display both and compute
nothing themselves.

    asset = read_place_asset(collab)                  # the shared asset, read, never rebuilt
    b = place_baseline(collab, asset)
    b.summary, b.deciles, b.domains, b.districts, b.census, b.tiers, b.sites, b.grants
    baseline_reading(b)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from anchorlib.assets.place import ENGLAND, PlaceAsset, read_place_asset
from anchorlib.config.places import tier_breakdown
from anchorlib.core.errors import AnchorError
from anchorlib.core.fmt import as_percent, decile_label, percent, share
from anchorlib.data import deprivation
from anchorlib.data.census import population_lsoa21
from anchorlib.indicators.giving import place_giving

__all__ = [
    "Baseline",
    "place_baseline",
    "baseline_reading",
    "DOMAIN_LABELS",
    "CENSUS_PHRASES",
    "summary_table",
    "decile_distribution",
    "domain_table",
    "grants_table",
    "GRANTS_DECILE_COLUMN",
    "compare_words",
    "sources",
    "domain_columns",
    "decile_alt",
    "map_alt",
    "domains_alt",
    "census_alt",
    "grants_alt",
]

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


# --------------------------------------------------------------------------- tables


def summary_table(measures: dict[str, dict]) -> pd.DataFrame:
    """The IMD 2025 summary measures for each area, one column per area (measure names carry
    units)."""
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
            lambda m: as_percent(m["imd"]["proportion_lsoas_most_deprived_10pct"]),
        ),
        (
            "Extent: residents in the most deprived 30%, sliding weights (%)",
            lambda m: as_percent(m["imd"]["extent"]),
        ),
        (
            "Local concentration: rank of the most deprived neighbourhoods housing 10% of "
            "residents (rank)",
            lambda m: m["imd"]["local_concentration"],
        ),
    ]
    data = {"measure": [r[0] for r in rows]}
    for area, m in measures.items():
        data[area] = [f(m) for _, f in rows]
    return pd.DataFrame(data)


def decile_distribution(lsoas: pd.DataFrame, england: pd.DataFrame) -> pd.DataFrame:
    """Neighbourhoods and residents of the place by national IMD 2025 decile, beside England's
    residents.

    ``lsoas``/``england``: rows of :func:`anchorlib.data.deprivation.lsoa_deprivation`
    (``imd_decile``, ``population``).
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
    """Per domain: share of neighbourhoods in the most deprived 10% nationally and average rank, per
    area."""
    areas = list(measures)
    rows = []
    for key in deprivation.KEYS:
        row = {"domain": DOMAIN_LABELS[key]}
        for area in areas:
            m = measures[area]["imd"] if key == "imd" else measures[area]["domains"][key]
            row[f"{area}: in most deprived 10% (%)"] = as_percent(
                m["proportion_lsoas_most_deprived_10pct"]
            )
        for area in areas:
            m = measures[area]["imd"] if key == "imd" else measures[area]["domains"][key]
            row[f"{area}: average rank (rank)"] = m["average_rank"]
        rows.append(row)
    return pd.DataFrame(rows)


#: How the reading words the Census measures that differ from England by a point or more.
CENSUS_PHRASES = {
    "Households deprived in at least one dimension (%)": (
        "of households are deprived in at least one dimension"
    ),
    "Residents disabled under the Equality Act (%)": (
        "of residents are disabled under the Equality Act"
    ),
    "Households renting from a council or housing association (%)": (
        "of households rent from a council or housing association"
    ),
}


#: The grants table's decile column: ward deciles are population-weighted (step 7 item 19).
GRANTS_DECILE_COLUMN = (
    "ward IMD decile (1 = most deprived; each decile a tenth of England's people)"
)


def grants_table(giving) -> pd.DataFrame:
    """Grants into the place by the population-weighted IMD 2025 decile of the recipient's ward
    (the ward of its registered address; from :func:`anchorlib.indicators.giving.place_giving`,
    whose ``summary["context"]`` labels it)."""
    bd = giving.by_deprivation
    resolved = bd[bd["ward_decile"] != "ward not resolved"]
    tot_res = float(resolved["amount"].sum())
    out = pd.DataFrame(
        {
            GRANTS_DECILE_COLUMN: [
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
    extent_method: str = deprivation.EXTENT_METHOD  # the extent weights (docs/methodology.md)


def place_baseline(
    collab, asset: PlaceAsset | None = None, *, out_root: Path | None = None, grants: bool = True
) -> Baseline:
    """Every figure of the place baseline report (see the module docstring)."""
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
        extent_method=pm.get("extent_method", deprivation.EXTENT_METHOD),
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
        try:
            g = place_giving(collab)
        except AnchorError as exc:  # the optional source is not on this machine
            b.notes.append(f"Charitable grants are not shown: {str(exc).splitlines()[0]}")
        else:
            b.grants = grants_table(g)
            b.grants_summary = dict(g.summary)
    return b


# --------------------------------------------------------------------------- the reading


def compare_words(a: float, b: float, tol: float = 0.05) -> str:
    """``a`` beside ``b`` in words: 'about the same as' (within ``tol`` of ``b``), 'higher than' or
    'lower than'."""
    if b and abs(a - b) <= tol * abs(b):
        return "about the same as"
    return "higher than" if a > b else "lower than"


def baseline_reading(b: Baseline) -> list[str]:
    """Short plain-English sentences on what stands out in the baseline, generated from its
    figures."""
    out = []
    out.append(
        f"{b.place} is home to {int(round(b.population)):,} people in {b.lsoa_count:,} "
        "neighbourhoods "
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
            f"{n1:,} of its neighbourhoods ({percent(share1, None)}) are among the most deprived "
            "10% in England "
            f"(IMD 2025), {rel}; {percent(res1, None)} of its residents live in them."
        )
    score = {a: m["imd"]["average_score"] for a, m in b.measures.items()}
    p, e = score.get(b.place), score.get(ENGLAND)
    if p is not None and e is not None:
        r = score.get(b.region) if b.region else None
        region = f"{compare_words(p, r)} the {b.region} ({r:.1f}) and " if r is not None else ""
        out.append(
            f"Its population-weighted average IMD score is {p:.1f}: "
            f"{region}{compare_words(p, e)} England "
            f"({e:.1f}); a higher score means more deprived."
        )
    d = b.districts
    if len(d) > 1:
        col = "in most deprived 10% (%)"
        top = d.sort_values([col, "district"], ascending=[False, True]).iloc[0]
        low = d.sort_values([col, "district"], ascending=[True, True]).iloc[0]
        low_txt = "none" if low[col] == 0 else percent(low[col], None)
        out.append(
            f"Deprivation is uneven across the {len(d)} districts: {percent(top[col], None)} of "
            f"{top['district']}'s "
            f"neighbourhoods are in the most deprived 10%, against {low_txt} in {low['district']}."
        )
    dom = b.domains[b.domains["domain"] != DOMAIN_LABELS["imd"]]
    col = f"{b.place}: in most deprived 10% (%)"
    if col in dom.columns and len(dom):
        hi = dom.sort_values([col, "domain"], ascending=[False, True]).iloc[0]
        lo = dom.sort_values([col, "domain"], ascending=[True, True]).iloc[0]
        out.append(
            f"Of the seven domains, {hi['domain'].lower()} stands out: {percent(hi[col], None)} "
            "of neighbourhoods "
            f"are in England's most deprived 10% on it; the least marked is {lo['domain'].lower()} "
            f"({percent(lo[col], None)})."
        )
    c = b.census.set_index("measure")
    for label, phrase in CENSUS_PHRASES.items():
        if label in c.index and ENGLAND in c.columns and pd.notna(c.at[label, b.place]):
            pv, ev = float(c.at[label, b.place]), float(c.at[label, ENGLAND])
            if abs(pv - ev) >= 1.0:
                out.append(
                    f"Census 2021: {percent(pv, None)} {phrase}, against {percent(ev, None)} in "
                    "England."
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
        dcol = GRANTS_DECILE_COLUMN
        sel = g[g[dcol].str.split(" ").str[0].isin([str(x) for x in deciles])]
        pop_share = float(sel["share of the place's residents (%)"].sum())
        if s.get("placed_by_ward") and s.get("deprived_wards_share_of_resolved") is not None:
            out.append(
                f"Charitable grants by all {s['funders']} funders publishing to 360Giving "
                f"(award years {s['award_years'][0]}-{s['award_years'][-1]}; context, not an "
                "anchor indicator): of the "
                f"£{s['placed_by_ward']:,.0f} that can be placed in the ward of the recipient's "
                f"registered address, {share(s['deprived_wards_share_of_resolved'])} went to "
                f"wards in England's {band} (deciles weighted by population), "
                f"home to {percent(pop_share, None)} of the place's residents; only "
                f"{share(s['ward_resolved_share'])} of the £{s['amount']:,.0f} into the place "
                "could be placed in a ward."
            )
    return out


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
        f"Decile 1 holds {percent(d['share of neighbourhoods (%)'].iloc[0], 1)} of neighbourhoods "
        f"and decile 10 {percent(d['share of neighbourhoods (%)'].iloc[-1], 1)}; the largest share "
        f"is in decile {str(hi['IMD decile (1 = most deprived)']).split(' ')[0]} "
        f"({percent(hi['share of neighbourhoods (%)'], 1)})."
    )


def _site_words(r) -> str:
    """An anchor site in words: its decile named with its own nation's index (never a bare decile
    compared across nations)."""
    decile = getattr(r, "nation_decile", None)
    index = getattr(r, "deprivation_index", None)
    if pd.notna(decile) and isinstance(index, str):
        return f"{r.anchor_name} ({r.postcode}, {index} decile {int(decile)} in {r.nation})"
    if pd.notna(r.imd25_decile):
        return f"{r.anchor_name} ({r.postcode}, IMD 2025 decile {int(r.imd25_decile)})"
    return f"{r.anchor_name} ({r.postcode})"


def map_alt(b: Baseline, asset: PlaceAsset) -> str:
    d = b.districts
    parts = []
    if len(d):
        top = d.iloc[0]
        parts.append(f"The most deprived district on average is {top['district']}.")
    s = asset.sites
    if len(s):
        where = [_site_words(r) for r in s.itertuples()]
        parts.append("Sites: " + "; ".join(where) + ".")
    return " ".join(parts)


def domains_alt(b: Baseline) -> str:
    col = f"{b.place}: in most deprived 10% (%)"
    vals = "; ".join(f"{r['domain']} {percent(r[col], 1)}" for _, r in b.domains.iterrows())
    return (
        "Grouped bar chart: for the IMD and each of its seven domains, the share of "
        "neighbourhoods in the "
        f"most deprived 10% nationally in {b.place}, {b.region or 'its region'} and England (10%). "
        f"{b.place}: {vals}."
    )


def census_alt(b: Baseline) -> str:
    vals = "; ".join(
        f"{r['measure'].replace(' (%)', '')} {percent(r[b.place], 1)} "
        f"(England {percent(r[ENGLAND], 1)})"
        for _, r in b.census.iterrows()
        if pd.notna(r[b.place])
    )
    return (
        f"Grouped bar chart of Census 2021 shares for {b.place}, {b.region or 'its region'} "
        f"and England: {vals}."
    )


def grants_alt(b: Baseline) -> str:
    g = b.grants[b.grants["share of grants placed in a ward (%)"].notna()]
    if not len(g):
        return "No grants into the place could be placed in a ward."
    first = g.iloc[0]
    return (
        "Grouped bar chart, for each ward IMD 2025 decile, of the share of grant money placed "
        "in a ward and "
        "the share of the place's residents. Decile 1: "
        f"{percent(first['share of grants placed in a ward (%)'], 1)} of grants and "
        f"{percent(first['share of the place' + chr(39) + 's residents (%)'], 1)} of residents."
    )
