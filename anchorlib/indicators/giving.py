"""Place-based giving (optional data source): charitable grants into the place, by funder and by
the deprivation of the recipient's ward.

Source: the 360Giving aggregate (catalogue source ``grants_360giving_wards``): grants
published by UK funders to the 360Giving Data Standard, award years 2013-2018, summed by
funder, award year, recipient district and recipient ward, with **2019** ward and
district codes.

    from anchorlib.indicators.giving import place_giving

    g = place_giving(collab)            # or a Place
    g.summary                           # totals, how much could be placed in a ward, deprived share
    g.by_funder, g.by_deprivation, g.by_year
    g.unmatched                         # 2019 ward codes with no 2024 ward: reported, never dropped

How grants are placed (docs/indicators/collective.md):

* **District.** The 2019 district code is taken to its LAD 2024 (the same code when it
  still exists; otherwise through the LSOA 2011 -> 2021 lookup and the IoD2019 district of
  each LSOA 2011).  A grant whose ward cannot be placed is in the place when its whole
  district is, outside when none of it is, and ``unresolved`` when the place cuts through it.
* **Ward.** A 2019 ward code that is still a 2024 ward code (the ward was not redrawn) is
  that ward; its LSOAs 2021 are ONS's best-fit lookup.  Other 2019 codes have no lookup in
  the data bundle (wards redrawn since: most of Lancashire), so their grants are counted in
  the place by district but their ward deprivation is unknown; they are listed in
  ``unmatched`` with their amounts.
* **Context, not an anchor indicator** (:func:`context_label`, ``summary["context"]``): a grant is
  placed by the recipient organisation's registered address (not where the money was spent or
  whom it reached), the funders are all funders publishing to 360Giving (not the anchors), and
  the award years are shown with every figure.
* **Ward deprivation** (IMD 2025, England): ``imd_score`` = the population-weighted mean IMD
  2025 score of the ward's LSOAs (Census 2021 usual residents,
  ``anchorlib.data.census.population_lsoa21``); ``ward_decile`` = its population-weighted decile
  among all English 2024 wards ranked by that score (1 = the most deprived wards holding 10% of
  England's residents: each decile holds a tenth of the people, not a tenth of the wards; ward
  populations are the sums of their LSOAs' Census 2021 usual residents, the bundle having no
  ward population table of its own); ``deprived_pop_share`` = the share of the ward's residents
  living in LSOAs in the deprived deciles (default 1-2).  Grants into "deprived wards" are those
  with ``ward_decile`` in the deprived deciles; ``deprived_apportioned`` spreads each grant over
  its ward's residents and counts the part living in deprived LSOAs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from anchorlib.config.places import Place

__all__ = [
    "SOURCE_ID",
    "read_grants",
    "ward_deprivation",
    "lad19_to_lad24",
    "locate_grants",
    "place_giving",
    "GivingResult",
    "UNRESOLVED",
    "LOCATION_BASIS",
    "FUNDERS_BASIS",
    "DECILE_BASIS",
    "context_label",
]

SOURCE_ID = "grants_360giving_wards"
UNRESOLVED = "ward not resolved"
#: Where a grant is placed: the 360Giving recipient location is the recipient organisation's
#: registered address (its postcode), not where the money was spent or whom it reached.
LOCATION_BASIS = "the recipient organisation's registered address"
#: Whose grants: every funder publishing to the 360Giving Data Standard, not the anchors.
FUNDERS_BASIS = "all funders publishing to the 360Giving Data Standard (not the anchors' own)"
#: How wards are put in deciles.
DECILE_BASIS = (
    "population-weighted deciles of English 2024 wards ranked by their population-weighted "
    "IMD 2025 score: each decile holds a tenth of the residents (Census 2021), not a tenth of "
    "the wards"
)
_RENAME = {
    "Funding Org:Name": "funder",
    "Award Year": "award_year",
    "Recipient District Geographic Code": "lad_code",
    "Recipient Ward Geographic Code": "ward_code",
    "Recipient Region": "region",
    "Recipient District": "district_name",
    "Amount Awarded": "amount",
    "Identifier": "grants",
}


def read_grants() -> pd.DataFrame:
    """The 360Giving ward aggregate with plain column names: ``funder``, ``award_year``,
    ``lad_code``
    (2019), ``ward_code`` (2019), ``region``, ``district_name``, ``amount`` (£), ``grants`` (the
    aggregate's ``Identifier`` column: the number of grant identifiers in the cell)."""
    from anchorlib.data.readers import read_source

    df = read_source(SOURCE_ID)
    df = df.rename(columns=_RENAME)
    cols = [c for c in _RENAME.values() if c in df.columns]
    out = df[cols].copy()
    for c in ("lad_code", "ward_code"):
        out[c] = (
            out[c]
            .astype(object)
            .where(out[c].notna(), None)
            .map(lambda v: None if v is None else str(v).strip().upper() or None)
        )
    return out


@lru_cache(maxsize=1)
def _geo_table() -> pd.DataFrame:
    """LSOA 2021 -> ward 2024, LAD 2024 (and name), region, with IMD 2025 score and decile and the
    Census 2021 population: the one table grants are placed with."""
    from anchorlib.data.census import population_lsoa21
    from anchorlib.data.deprivation import lsoa_deprivation
    from anchorlib.data.geography import lsoa21_geography

    geo = lsoa21_geography()[
        ["lsoa21_code", "ward24_code", "ward24_name", "lad24_code", "lad24_name", "region_name"]
    ]
    imd = lsoa_deprivation(2025)[["lsoa_code", "imd_score", "imd_decile"]].rename(
        columns={"lsoa_code": "lsoa21_code"}
    )
    d = geo.merge(imd, on="lsoa21_code", how="left")
    d["population"] = d["lsoa21_code"].map(population_lsoa21()).astype(float)
    return d


def ward_table(lsoas: pd.DataFrame, deprived_deciles: Iterable[int] = (1, 2)) -> pd.DataFrame:
    """Ward deprivation from an LSOA table (columns ``lsoa21_code``, ``ward24_code``,
    ``ward24_name``,
    ``lad24_code``, ``imd_score``, ``imd_decile``, ``population``): see :func:`ward_deprivation`.
    Wards are ranked among the wards of the table that have an IMD score."""
    deprived = [int(x) for x in deprived_deciles]
    d = lsoas.copy()
    d["population"] = pd.to_numeric(d["population"], errors="coerce").astype(float).fillna(0.0)
    d["imd_score"] = pd.to_numeric(d["imd_score"], errors="coerce").astype(float)
    d["imd_decile"] = pd.to_numeric(d["imd_decile"], errors="coerce")
    ranked_lsoa = d["imd_score"].notna()
    d["_ranked_pop"] = d["population"].where(ranked_lsoa, 0.0)
    d["_wscore"] = (d["imd_score"] * d["population"]).where(ranked_lsoa, 0.0)
    d["_dep"] = d["population"].where(ranked_lsoa & d["imd_decile"].isin(deprived), 0.0)
    d["_ndep"] = (ranked_lsoa & d["imd_decile"].isin(deprived)).astype(int)
    g = d.groupby("ward24_code", sort=True)
    out = pd.DataFrame(
        {
            "ward24_name": g["ward24_name"].first(),
            "lad24_code": g["lad24_code"].first(),
            "n_lsoas": g.size(),
            "population": g["population"].sum(),
            "_ranked_pop": g["_ranked_pop"].sum(),
            "_wscore": g["_wscore"].sum(),
            "_dep": g["_dep"].sum(),
            "n_deprived_lsoas": g["_ndep"].sum(),
        }
    )
    ranked = out["_ranked_pop"] > 0
    den = out["_ranked_pop"].where(ranked)
    out["imd_score"] = out["_wscore"] / den
    out["deprived_pop_share"] = out["_dep"] / den
    rank = out.loc[ranked, "imd_score"].rank(ascending=False, method="first")
    out["ward_rank"] = rank.reindex(out.index).astype("Int64")
    out["ward_decile"] = _population_deciles(rank, out.loc[ranked, "_ranked_pop"]).reindex(
        out.index
    )
    out = out.reset_index()
    return out[
        [
            "ward24_code",
            "ward24_name",
            "lad24_code",
            "n_lsoas",
            "population",
            "imd_score",
            "ward_rank",
            "ward_decile",
            "n_deprived_lsoas",
            "deprived_pop_share",
        ]
    ]


def _population_deciles(rank: pd.Series, population: pd.Series) -> pd.Series:
    """Population-weighted deciles of ranked areas (rank 1 = most deprived): an area is in decile
    ``d`` when the residents of the areas ranked as or more deprived than it, itself included, are
    above (d - 1)/10 and at most d/10 of the residents of every ranked area.  Each decile so
    holds about a tenth of the people, not a tenth of the wards (wards differ several-fold in
    population)."""
    order = rank.sort_values().index
    cum = population.reindex(order).cumsum()
    total = float(population.sum())
    # round before the ceiling: a cumulative share of exactly d/10 is in decile d, not d + 1
    dec = [max(1, min(10, math.ceil(round(10 * c / total, 9)))) for c in cum]
    return pd.Series(dec, index=order, dtype="Int64").reindex(rank.index)


@lru_cache(maxsize=4)
def _ward_deprivation(deprived: tuple[int, ...]) -> pd.DataFrame:
    return ward_table(_geo_table(), deprived)


def ward_deprivation(deprived_deciles: Iterable[int] = (1, 2)) -> pd.DataFrame:
    """One row per 2024 ward (England and Wales): ``ward24_code``, ``ward24_name``, ``lad24_code``,
    ``n_lsoas``, ``population`` (Census 2021), ``imd_score`` (population-weighted mean IMD 2025
    score
    of its LSOAs; None in Wales), ``ward_rank`` and ``ward_decile`` (among English wards, 1 = most
    deprived; population-weighted: each decile holds a tenth of the residents of English wards),
    ``n_deprived_lsoas`` and ``deprived_pop_share`` (residents in LSOAs of
    ``deprived_deciles``)."""
    return _ward_deprivation(tuple(sorted(int(d) for d in deprived_deciles))).copy()


@lru_cache(maxsize=1)
def _lad_bridge() -> pd.DataFrame:
    from anchorlib.data.geography import lsoa11_to_lsoa21, lsoa21_geography
    from anchorlib.data.readers import read_source

    f1 = read_source(
        "iod2019_imd", columns=["LSOA code (2011)", "Local Authority District code (2019)"]
    ).rename(
        columns={
            "LSOA code (2011)": "lsoa11_code",
            "Local Authority District code (2019)": "lad19_code",
        }
    )
    b = (
        lsoa11_to_lsoa21()
        .merge(f1, on="lsoa11_code")
        .merge(lsoa21_geography()[["lsoa21_code", "lad24_code"]], on="lsoa21_code")
    )
    return b[["lad19_code", "lad24_code"]].drop_duplicates()


def lad19_to_lad24(codes: Iterable[str], current: set[str] | None = None) -> dict[str, str | None]:
    """Each 2019 district code -> its LAD 2024 code: itself when still in use (in ``current``,
    default
    every LAD 2024), else the one LAD 2024 its LSOAs went to (IoD2019 File 1 + the LSOA 2011 -> 2021
    lookup); None when not found or split."""
    from anchorlib.data.geography import lsoa21_geography

    current = current if current is not None else set(lsoa21_geography()["lad24_code"])
    bridge = None
    out: dict[str, str | None] = {}
    for c in set(x for x in codes if x):
        if c in current:
            out[c] = c
            continue
        if bridge is None:
            bridge = _lad_bridge()
        hit = sorted(set(bridge.loc[bridge["lad19_code"] == c, "lad24_code"]))
        out[c] = hit[0] if len(hit) == 1 else None
    return out


def _place_of(obj) -> Place:
    if isinstance(obj, Place):
        return obj
    p = getattr(obj, "place", None)
    if isinstance(p, Place):
        return p
    raise TypeError("place_giving needs a Place or a loaded Collaborative")


def locate_grants(
    grants: pd.DataFrame,
    place: Place,
    *,
    deprived_deciles: Iterable[int] = (1, 2),
    wards: pd.DataFrame | None = None,
    geo: pd.DataFrame | None = None,
    lad_map: dict[str, str | None] | None = None,
) -> pd.DataFrame:
    """Every grant row with where it is: ``lad24_code``, ``ward24_code`` (when the 2019 code is a
    2024
    ward, else None), ``place_status`` (``in_place``, ``outside``, ``unresolved``), ``placed_by``
    (``ward``, ``district`` or ``region``), ``in_place_share`` (of the ward's residents, for
    ward-placed rows; the ward is in the place when at least half its residents are), and the
    ward's ``imd_score``, ``ward_decile``, ``deprived_pop_share``.

    A district code that no longer exists and is not in IoD2019 (abolished before 2019, e.g.
    Bournemouth E06000028) cannot be placed; the row is ``outside`` (``placed_by`` ``region``)
    when its ``region`` is none of the place's regions, else ``unresolved``.

    ``geo`` (LSOA table as :func:`ward_table` takes, plus ``region_name``), ``wards``
    (:func:`ward_deprivation`) and ``lad_map`` (2019 district -> LAD 2024) default to the real ones.
    """
    if geo is None:
        geo = _geo_table()
        wards = wards if wards is not None else ward_deprivation(deprived_deciles)
    else:
        wards = wards if wards is not None else ward_table(geo, deprived_deciles)
    inside = set(place.lsoas)
    gp = geo.assign(
        population=geo["population"].astype(float).fillna(0.0), _in=geo["lsoa21_code"].isin(inside)
    )
    tot_pop = gp.groupby("ward24_code")["population"].sum()
    ward_in = (
        (gp[gp["_in"]].groupby("ward24_code")["population"].sum() / tot_pop.where(tot_pop > 0))
        .reindex(wards["ward24_code"])
        .fillna(0.0)
    )
    lad_in = gp.groupby("lad24_code")["_in"].mean()
    place_regions = {str(r).strip().lower() for r in gp.loc[gp["_in"], "region_name"].dropna()}
    g = grants.copy()
    if lad_map is None:
        lad_map = lad19_to_lad24(g["lad_code"].dropna().unique(), current=set(geo["lad24_code"]))
    g["lad24_code"] = pd.Series(
        [lad_map.get(c) if isinstance(c, str) else None for c in g["lad_code"]],
        index=g.index,
        dtype=object,
    )
    known = set(wards["ward24_code"])
    g["ward24_code"] = pd.Series(
        [c if c in known else None for c in g["ward_code"]], index=g.index, dtype=object
    )
    w = wards.set_index("ward24_code")
    share = g["ward24_code"].map(ward_in)
    lad_share = g["lad24_code"].map(lad_in)
    region = g["region"] if "region" in g.columns else pd.Series(None, index=g.index, dtype=object)
    status, how = [], []
    for wc, ws, ls, rg in zip(g["ward24_code"], share, lad_share, region):
        if isinstance(wc, str):
            status.append("in_place" if ws >= 0.5 else "outside")
            how.append("ward")
        elif ls is None or pd.isna(ls):
            # district not known (abolished before 2019): outside when its region is not the place's
            if isinstance(rg, str) and rg.strip() and rg.strip().lower() not in place_regions:
                status.append("outside")
                how.append("region")
            else:
                status.append("unresolved")
                how.append(None)
        elif ls == 1:
            status.append("in_place")
            how.append("district")
        elif ls == 0:
            status.append("outside")
            how.append("district")
        else:
            status.append("unresolved")
            how.append(None)
    g["place_status"] = status
    g["placed_by"] = pd.Series(how, index=g.index, dtype=object)
    g["in_place_share"] = share.where(g["ward24_code"].notna())
    g["ward24_name"] = g["ward24_code"].map(w["ward24_name"])
    g["imd_score"] = g["ward24_code"].map(w["imd_score"])
    g["ward_decile"] = g["ward24_code"].map(w["ward_decile"]).astype("Int64")
    g["deprived_pop_share"] = g["ward24_code"].map(w["deprived_pop_share"])
    return g


@dataclass
class GivingResult:
    place: str
    deprived_deciles: list[int]
    grants: pd.DataFrame  # grant rows in the place, located
    by_funder: pd.DataFrame
    by_deprivation: pd.DataFrame
    by_year: pd.DataFrame
    by_district: pd.DataFrame
    unmatched: pd.DataFrame  # in-place rows whose 2019 ward is not a 2024 ward, by ward code
    unresolved: pd.DataFrame  # rows that could not be placed in or out of the place
    summary: dict = field(default_factory=dict)


def _agg(df: pd.DataFrame, key, total: float) -> pd.DataFrame:
    g = df.groupby(key, sort=False, dropna=False)
    out = pd.DataFrame(
        {
            "grants": g["grants"].sum(),
            "amount": g["amount"].sum(),
            "ward_resolved": g.apply(
                lambda x: x.loc[x["ward24_code"].notna(), "amount"].sum(), include_groups=False
            ),
        }
    )
    out["share"] = out["amount"] / total if total else None
    return out


def _by_funder(inp: pd.DataFrame, total: float) -> pd.DataFrame:
    """Grants into the place by funder, largest first (see :func:`place_giving`)."""
    bf = _agg(inp, "funder", total)
    g = inp.groupby("funder", sort=False)
    bf["deprived_wards"] = g.apply(
        lambda x: x.loc[x["_deprived_ward"], "amount"].sum(), include_groups=False
    )
    bf["deprived_apportioned"] = g["_apportioned"].sum()
    bf["n_wards"] = g["ward_code"].nunique()
    return (
        bf.reset_index()
        .sort_values(["amount", "funder"], ascending=[False, True])
        .reset_index(drop=True)
    )


def _by_deprivation(
    inp: pd.DataFrame, total: float, wards: pd.DataFrame, geo: pd.DataFrame, place: Place
) -> pd.DataFrame:
    """Grants into the place by the decile of the recipient ward (see :func:`place_giving`)."""
    dec = inp["ward_decile"].astype(object).where(inp["ward_decile"].notna(), UNRESOLVED)
    dec = dec.map(lambda v: v if v == UNRESOLVED else str(int(v)))
    bd = _agg(inp.assign(_d=dec), "_d", total).drop(columns=["ward_resolved"])
    bd["n_wards"] = inp.assign(_d=dec).groupby("_d")["ward_code"].nunique()
    pw = wards[
        wards["ward24_code"].isin(
            set(geo.loc[geo["lsoa21_code"].isin(set(place.lsoas)), "ward24_code"])
        )
    ]
    pw_dec = (
        pw["ward_decile"].astype(object).map(lambda v: str(int(v)) if pd.notna(v) else "no decile")
    )
    bd["place_wards"] = pw.groupby(pw_dec).size()
    bd["place_population_share"] = pw.groupby(pw_dec)["population"].sum() / pw["population"].sum()
    order = [str(d) for d in range(1, 11)] + [UNRESOLVED]
    bd = bd.reindex(order)
    bd[["grants", "amount", "n_wards", "place_wards"]] = bd[
        ["grants", "amount", "n_wards", "place_wards"]
    ].fillna(0)
    bd["share"] = bd["amount"] / total if total else None
    bd.index.name = "ward_decile"
    return bd.reset_index()[
        [
            "ward_decile",
            "grants",
            "amount",
            "share",
            "n_wards",
            "place_wards",
            "place_population_share",
        ]
    ]


def _by_district(
    inp: pd.DataFrame, total: float, wards: pd.DataFrame, geo: pd.DataFrame
) -> tuple[pd.DataFrame, pd.Series]:
    """Grants into the place by LAD 2024, and each district's share of residents in deprived LSOAs
    (see :func:`place_giving`)."""
    bdist = _agg(inp, "lad24_code", total)
    lw = wards.assign(_dep=wards["deprived_pop_share"] * wards["population"])
    lw = lw[lw["imd_score"].notna()].groupby("lad24_code")[["_dep", "population"]].sum()
    names = (
        geo.drop_duplicates("lad24_code").set_index("lad24_code")["lad24_name"]
        if "lad24_name" in geo.columns
        else pd.Series(dtype=object)
    )
    bdist["lad24_name"] = bdist.index.map(names)
    district_share = lw["_dep"] / lw["population"]
    bdist["district_deprived_pop_share"] = district_share.reindex(bdist.index)
    by_district = (
        bdist.reset_index()[
            [
                "lad24_code",
                "lad24_name",
                "grants",
                "amount",
                "share",
                "ward_resolved",
                "district_deprived_pop_share",
            ]
        ]
        .sort_values(["amount", "lad24_code"], ascending=[False, True])
        .reset_index(drop=True)
    )
    return by_district, district_share


def _summary(
    place: Place,
    deciles: list[int],
    inp: pd.DataFrame,
    located: pd.DataFrame,
    unmatched: pd.DataFrame,
    unresolved: pd.DataFrame,
    district_share: pd.Series,
) -> dict:
    """The totals of :func:`place_giving`."""
    total = float(inp["amount"].sum())
    resolved = float(inp.loc[inp["ward24_code"].notna(), "amount"].sum())
    # coarser, full coverage: the ward's share of residents in deprived LSOAs where the ward is
    # known,
    # else the district's
    fallback = inp["lad24_code"].map(district_share)
    mixed = float(
        (
            inp["amount"]
            * inp["deprived_pop_share"].where(inp["ward24_code"].notna(), fallback).fillna(0.0)
        ).sum()
    )
    summary = {
        "place": place.name,
        "award_years": sorted(int(y) for y in inp["award_year"].unique()),
        "grants": int(inp["grants"].sum()),
        "amount": total,
        "funders": int(inp["funder"].nunique()),
        "placed_by_ward": resolved,
        "placed_by_district": total - resolved,
        "ward_resolved_share": resolved / total if total else None,
        "unmatched_ward_codes": int(unmatched["ward_code"].nunique()),
        "deprived_deciles": deciles,
        "deprived_wards_amount": float(inp.loc[inp["_deprived_ward"], "amount"].sum()),
        "deprived_wards_share_of_resolved": (
            float(inp.loc[inp["_deprived_ward"], "amount"].sum()) / resolved if resolved else None
        ),
        "deprived_apportioned_amount": float(inp["_apportioned"].sum()),
        "deprived_apportioned_share_of_resolved": float(inp["_apportioned"].sum()) / resolved
        if resolved
        else None,
        "deprived_apportioned_mixed_amount": mixed,
        "deprived_apportioned_mixed_share": mixed / total if total else None,
        "unresolved_amount": float(unresolved["amount"].sum()),
        "unresolved_rows": int(len(unresolved)),
        "outside_amount": float(located.loc[located["place_status"] == "outside", "amount"].sum()),
        "all_amount": float(located["amount"].sum()),
        "location_basis": LOCATION_BASIS,
        "funders_basis": FUNDERS_BASIS,
        "ward_decile_basis": DECILE_BASIS,
    }
    summary["context"] = context_label(summary)
    return summary


def context_label(summary: dict) -> str:
    """The label every grants figure carries: context, not an anchor indicator; placed by the
    recipient's registered address; all funders; the award years (from :func:`place_giving`'s
    ``summary``)."""
    years = summary.get("award_years") or []
    span = (
        "no award years"
        if not years
        else f"award years {years[0]}" + (f"-{years[-1]}" if years[-1] != years[0] else "")
    )
    n = summary.get("funders")
    who = "all funders" if n is None else "the one funder" if n == 1 else f"all {n} funders"
    return (
        f"Context, not an anchor indicator: grants by {who} publishing to 360Giving, {span}, "
        f"placed by {LOCATION_BASIS} (not necessarily where the money was spent or whom it "
        "reached); ward deciles weighted by population."
    )


def place_giving(
    place_or_collab,
    grants: pd.DataFrame | None = None,
    *,
    deprived_deciles: Iterable[int] | None = None,
    geo: pd.DataFrame | None = None,
    lad_map: dict[str, str | None] | None = None,
) -> GivingResult:
    """Grants into the place by funder, by the deprivation of the recipient ward, and by year.

    ``by_funder``: ``funder``, ``grants``, ``amount`` (£), ``share`` (of all grants into the
    place), ``ward_resolved`` (£ placed in a 2024 ward), ``deprived_wards`` (£ into wards whose
    ``ward_decile`` is deprived), ``deprived_apportioned`` (£ reaching residents of deprived
    LSOAs, pro rata), largest first.  ``by_deprivation``: one row per ward decile 1-10 and
    ``ward not resolved``: ``grants``, ``amount``, ``share``, ``n_wards`` (recipient wards),
    ``place_wards`` and ``place_population_share`` (the place's 2024 wards in that decile and the
    share of its residents in them: what an even spread would give).
    ``by_year``: award years.  ``by_district``: LAD 2024, with ``district_deprived_pop_share`` (the
    share of the district's residents in deprived LSOAs: context for the grants whose ward is
    not known).  ``unmatched``: the place's 2019 ward codes that are not 2024 wards, with their
    amounts (counted in the place by district, deprivation unknown).  ``unresolved``: rows that
    could be neither put in nor kept out of the place.  ``summary``: the totals.  ``geo`` and
    ``lad_map``: as :func:`locate_grants` (default the real tables).
    """
    place = _place_of(place_or_collab)
    if deprived_deciles is None:
        spec = (
            None if isinstance(place_or_collab, Place) else getattr(place_or_collab, "spec", None)
        )
        deprived_deciles = spec.indicators.deprived_deciles if spec is not None else [1, 2]
    deciles = sorted(int(d) for d in deprived_deciles)
    grants = grants if grants is not None else read_grants()
    real = geo is None
    geo = _geo_table() if real else geo
    wards = ward_deprivation(deciles) if real else ward_table(geo, deciles)
    located = locate_grants(
        grants, place, deprived_deciles=deciles, wards=wards, geo=geo, lad_map=lad_map
    )
    inp = located[located["place_status"] == "in_place"].copy()
    total = float(inp["amount"].sum())
    inp["_deprived_ward"] = inp["ward_decile"].isin(deciles).fillna(False).astype(bool)
    inp["_apportioned"] = inp["amount"] * inp["deprived_pop_share"].fillna(0.0)

    by_funder = _by_funder(inp, total)

    by_deprivation = _by_deprivation(inp, total, wards, geo, place)

    by_year = (
        _agg(inp, "award_year", total)
        .reset_index()
        .sort_values("award_year")
        .reset_index(drop=True)
    )

    by_district, district_share = _by_district(inp, total, wards, geo)

    um = inp[inp["ward24_code"].isna()]
    unmatched = (
        um.groupby(["ward_code", "lad_code", "district_name"], dropna=False)
        .agg(grants=("grants", "sum"), amount=("amount", "sum"), funders=("funder", "nunique"))
        .reset_index()
        .sort_values(["amount", "ward_code"], ascending=[False, True])
        .reset_index(drop=True)
    )
    unresolved = located[located["place_status"] == "unresolved"]

    summary = _summary(place, deciles, inp, located, unmatched, unresolved, district_share)
    return GivingResult(
        place.name,
        deciles,
        inp.drop(columns=["_deprived_ward", "_apportioned"]),
        by_funder,
        by_deprivation,
        by_year,
        by_district,
        unmatched,
        unresolved.reset_index(drop=True),
        summary,
    )
