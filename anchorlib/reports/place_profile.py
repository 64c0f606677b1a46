"""One place's profile: the figures of the ``place_profile`` notebook and their reading.

A place here is a local authority district (LAD 2024) or an integrated care board (ICB, April 2024)
of England, or (``anchor run --places lads --nations uk``) any district of the UK: a Welsh local
authority (W06), a Scottish council area (S12) or a Northern Irish district (N09), without a
collaborative.  Each is read on its own nation's index (IMD 2025, WIMD 2019, SIMD 2020, NIMDM
2017; the name and year from the asset), ranked among its own nation's districts only, beside its
English region or its nation; a measure its index cannot give (SIMD and NIMDM publish no score;
no population is bundled for Northern Ireland) is "not available", with the note saying why.
:func:`place_profile` reads its figures from the national
asset that ``anchor run --places lads|icbs`` builds once for every place
(:mod:`anchorlib.assets.national`: its row group of the LSOAs and outlines, and places.json);
:func:`profile_reading` words them.

    p = place_profile("E07000120")                    # Hyndburn; an E54 code is an ICB
    p.summary, p.ranks, p.deciles, p.domains, p.lsoas, p.outlines
    profile_reading(p)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from anchorlib.assets.national import (
    COMPARISON_MEASURES,
    ENGLAND,
    MEASURE_WORDS,
    code_column,
    is_uk,
    kind_of,
    kind_spec,
    nation_sources,
    place_entry,
    read_place_lsoas,
    read_place_outlines,
    read_places,
)
from anchorlib.assets.nations_table import NATION_MEASURES
from anchorlib.core.fmt import decile_label, percent
from anchorlib.data.deprivation import EXTENT_METHOD
from anchorlib.reports.place_baseline import (
    DOMAIN_LABELS,
    compare_words,
    decile_distribution,
    domain_table,
    summary_table,
)

__all__ = [
    "PlaceProfile",
    "place_profile",
    "profile_reading",
    "map_alt",
    "profile_map",
    "map_caption",
]


NOT_AVAILABLE = "not available"

#: The devolved indices' domains, in words (their own names; England's are DOMAIN_LABELS).
NATION_DOMAIN_LABELS = {
    "imd": "Overall index",
    "income": "Income",
    "employment": "Employment",
    "health": "Health",
    "education": "Education",
    "housing": "Housing",
    "access": "Access to services",
    "environment": "Physical environment",
    "crime": "Crime",
}


@dataclass
class PlaceProfile:
    kind: str
    code: str
    name: str
    site_name: str  # e.g. "Local authority districts in England"
    singular: str  # "local authority district"
    region: str | None  # the wider tier's name: the English region, or the nation
    n_places: int  # the places of its kind in its own nation (each ranked among them only)
    lsoa_count: int
    population: float | None  # None where no population is bundled (Northern Ireland)
    population_source: str
    measures: dict[str, dict]  # place, wider tier, nation: as deprivation.place_measures
    summary: pd.DataFrame  # the summary measures beside the wider tier and the nation
    ranks: pd.DataFrame  # the place's value and rank within its nation on each measure
    deciles: pd.DataFrame  # small areas and residents by decile of its own index, beside the nation
    domains: pd.DataFrame  # the domains of its nation's index: place, wider tier, nation
    lsoas: object  # GeoDataFrame
    outlines: object  # GeoDataFrame
    sources: list[str]
    notes: list[str] = field(default_factory=list)
    extent_method: str = EXTENT_METHOD  # the extent weights (docs/methodology.md)
    nation: str = ENGLAND
    index_label: str = "IMD 2025"  # the nation's own index and year, from the data
    index_areas: int = 33755  # the small areas its index ranks
    small_area: str = "LSOA 2021"  # what they are
    plural: str = "local authority districts"  # the places it is ranked among, in words
    code_column: str = "lsoa21_code"
    name_column: str = "lsoa21_name"

    @property
    def areas_word(self) -> str:
        """The place's small areas, in words: "neighbourhoods (LSOAs)" in England."""
        return "neighbourhoods (LSOAs)" if self.nation == ENGLAND else f"{self.small_area}s"

    @property
    def weighted(self) -> bool:
        """Whether the population-weighted figures exist (not in Northern Ireland)."""
        return self.population is not None


def _shown(v, scale: float = 1.0):
    return NOT_AVAILABLE if v is None else v * scale


def _nation_summary(measures: dict[str, dict], idx: dict, nation: str) -> pd.DataFrame:
    """:func:`anchorlib.reports.place_baseline.summary_table` for a devolved nation's index: its
    small areas, its own ranks and the 20% share; a measure the index cannot give is
    'not available' (the notes say why)."""
    label, n = idx["label"], idx["small_areas_in_nation"]
    rows = [
        (f"Small areas ({idx['small_area']}s)", lambda m: m["lsoa_count"]),
        ("Residents (people)", lambda m: _shown(m["population"])),
        (f"Average {label} score, population-weighted (score)", "average_score", 1.0),
        (
            f"Average {label} rank, population-weighted (rank; of {n:,} in {nation}, higher = "
            "more deprived)",
            "average_rank",
            1.0,
        ),
        (
            f"Small areas in the most deprived 10% in {nation} (%)",
            "proportion_lsoas_most_deprived_10pct",
            100.0,
        ),
        (
            f"Small areas in the most deprived 20% in {nation} (%)",
            "proportion_lsoas_most_deprived_20pct",
            100.0,
        ),
        (
            f"Extent: residents in the most deprived 30% of {nation}, sliding weights (%)",
            "extent",
            100.0,
        ),
        (
            "Local concentration: rank of the most deprived small areas housing 10% of residents "
            "(rank)",
            "local_concentration",
            1.0,
        ),
    ]
    data = {"measure": [r[0] for r in rows]}
    for area, m in measures.items():
        data[area] = [r[1](m) if callable(r[1]) else _shown(m["imd"].get(r[1]), r[2]) for r in rows]
    return pd.DataFrame(data)


def _nation_deciles(lsoas: pd.DataFrame, entry: dict, weighted: bool) -> pd.DataFrame:
    """Small areas (and residents, where populations exist) of the place by decile of its own
    nation's index, beside the nation."""
    label, nation = entry["index"]["label"], entry["name"]
    d = lsoas["imd_decile"].astype(int)
    n = d.value_counts().reindex(range(1, 11), fill_value=0)
    areas = pd.Series(entry["decile_areas"], index=range(1, 11), dtype=float)
    out = {
        f"{label} decile within {nation} (1 = most deprived)": [decile_label(i) for i in n.index],
        "small areas": n.to_numpy(),
        "share of small areas (%)": (100 * n / max(int(n.sum()), 1)).to_numpy(),
        f"{nation}: share of small areas (%)": (100 * areas / max(areas.sum(), 1.0)).to_numpy(),
    }
    if weighted:
        pop = lsoas.groupby(d)["population"].sum().reindex(range(1, 11), fill_value=0)
        npop = pd.Series(entry["decile_population"], index=range(1, 11), dtype=float)
        out["residents (people)"] = pop.round().astype("int64").to_numpy()
        out["share of residents (%)"] = (100 * pop / max(float(pop.sum()), 1.0)).to_numpy()
        out[f"{nation}: share of residents (%)"] = (100 * npop / max(npop.sum(), 1.0)).to_numpy()
    return pd.DataFrame(out)


def _nation_domains(measures: dict[str, dict], domain_keys, nation: str) -> pd.DataFrame:
    """Per domain of the nation's index: the share of small areas in the nation's most deprived
    10% and the population-weighted average rank ('not available' without populations)."""
    data: dict[str, list] = {"domain": [NATION_DOMAIN_LABELS.get(k, k) for k in domain_keys]}
    for area, m in measures.items():
        get = [m["imd"] if k == "imd" else m["domains"].get(k, {}) for k in domain_keys]
        data[f"{area}: in most deprived 10% of {nation} (%)"] = [
            _shown(g.get("proportion_lsoas_most_deprived_10pct"), 100.0) for g in get
        ]
        data[f"{area}: average rank (rank)"] = [_shown(g.get("average_rank")) for g in get]
    return pd.DataFrame(data)


def _ranks_table(p: dict, n: int, plural: str, nation: str, keys) -> pd.DataFrame:
    """The place's value and its rank within its own nation on each comparison measure."""
    imd = p["measures"]["imd"]
    words = dict(MEASURE_WORDS)
    if nation != ENGLAND:
        words["proportion_lsoas_most_deprived_10pct"] = (
            f"share of small areas in the most deprived 10% of {nation}"
        )
        words["proportion_lsoas_most_deprived_20pct"] = (
            f"share of small areas in the most deprived 20% of {nation}"
        )
    unit = {"average_score": "score", "average_rank": "rank", "local_concentration": "rank"}
    return pd.DataFrame(
        {
            "measure": [f"{words[m]} ({unit.get(m, '%')})" for m, _ in keys],
            p["name"]: [_shown(imd.get(m), s) for m, s in keys],
            # text, so that the measure's unit (a table's units_from) never dresses a rank
            f"rank among the {n} {plural} of {nation} (1 = most deprived)": [
                NOT_AVAILABLE if p["ranks"].get(m) is None else f"{p['ranks'][m]} of {n}"
                for m, _ in keys
            ],
        }
    )


def place_profile(code: str, out_root: Path | None = None, kind: str | None = None) -> PlaceProfile:
    """Every figure of one place's profile, from the national asset (its row group, and
    places.json).  ``kind``: ``lads``, ``icbs`` or ``lads-uk`` (every district of the UK, each
    nation on its own index); None: from the code (a W06, S12 or N09 code is the UK's)."""
    code = str(code).strip().upper()
    kind = kind or kind_of(code)
    k = kind_spec(kind)
    meta = read_places(kind, out_root, ensure=True)
    p = place_entry(meta, code)
    lsoas = read_place_lsoas(kind, code, out_root)
    outlines = read_place_outlines(kind, code, out_root)
    nation = p.get("nation", ENGLAND)
    entry = (meta.get("nations") or {}).get(nation)
    code_col, name_col = code_column(lsoas)
    if nation == ENGLAND:
        common = _england_parts(meta, p, k, lsoas)
    else:
        common = _devolved_parts(meta, p, k, lsoas, entry)
    idx = (
        entry["index"]
        if entry
        else {"label": "IMD 2025", "small_areas_in_nation": 33755, "small_area": "LSOA 2021"}
    )
    pop_source = p["measures"].get("population_source") or meta["population_source"]
    return PlaceProfile(
        kind=kind,
        code=code,
        name=p["name"],
        site_name=k.label,
        lsoa_count=p["measures"]["lsoa_count"],
        population=p["measures"]["population"],
        population_source=pop_source if isinstance(pop_source, str) else str(pop_source),
        extent_method=p["measures"].get("extent_method")
        or meta.get("extent_method", EXTENT_METHOD),
        lsoas=lsoas,
        outlines=outlines,
        sources=nation_sources(meta["sources"], nation),
        nation=nation,
        index_label=idx["label"],
        index_areas=int(idx["small_areas_in_nation"]),
        small_area=idx["small_area"],
        code_column=code_col,
        name_column=name_col,
        notes=list(p["measures"].get("notes") or []),
        **common,
    )


def _england_parts(meta: dict, p: dict, k, lsoas) -> dict:
    """An English place: beside its region and England, ranked among England's places."""
    measures = {p["name"]: p["measures"]}
    region = meta["regions"].get(p["region"]) if p.get("region") else None
    if region:
        measures[region["name"]] = region["measures"]
    measures[ENGLAND] = meta["england"]
    england = pd.DataFrame(
        {"imd_decile": range(1, 11), "population": meta["england"]["decile_population"]}
    )
    n = int(p.get("n_places") or meta["n_places"])
    plural = k.plural if not is_uk(k.key) else "local authorities"
    keys = [(m, s) for m, _, s in COMPARISON_MEASURES]
    return {
        "region": region["name"] if region else None,
        "singular": k.singular,
        "n_places": n,
        "plural": plural,
        "measures": measures,
        "summary": summary_table(measures),
        "ranks": _ranks_table(p, n, plural, ENGLAND, keys),
        "deciles": decile_distribution(lsoas, england),
        "domains": domain_table(measures),
    }


def _devolved_parts(meta: dict, p: dict, k, lsoas, entry: dict) -> dict:
    """A district of Wales, Scotland or Northern Ireland: beside its nation, on its nation's index,
    ranked among its nation's districts only."""
    nation = entry["name"]
    measures = {p["name"]: p["measures"], nation: entry["measures"]}
    n = int(p["n_places"])
    district = entry["index"]["district"]  # "local authority", "council area"
    plural = district[:-1] + "ies" if district.endswith("y") else f"{district}s"
    keys = [(m, s) for m, _, s in NATION_MEASURES]
    domain_keys = ["imd"] + [
        d
        for d, v in p["measures"]["domains"].items()
        if v.get("proportion_lsoas_most_deprived_10pct") is not None
    ]
    return {
        "region": nation,
        "singular": district,
        "n_places": n,
        "plural": plural,
        "measures": measures,
        "summary": _nation_summary(measures, entry["index"], nation),
        "ranks": _ranks_table(p, n, plural, nation, keys),
        "deciles": _nation_deciles(lsoas, entry, p["measures"]["population"] is not None),
        "domains": _nation_domains(measures, domain_keys, nation),
    }


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def profile_reading(p: PlaceProfile) -> list[str]:
    """Short plain-English sentences on one place, generated from its figures: its own nation's
    index (named with its year), ranks within its nation only, never a decile compared across
    nations."""
    if p.nation != ENGLAND:
        return _devolved_reading(p)
    out = [
        f"{p.name} is home to {int(round(p.population)):,} people in {p.lsoa_count:,} "
        "neighbourhoods (LSOAs)."
    ]
    d = p.deciles
    n1 = int(d["neighbourhoods (LSOAs)"].iloc[0])
    share1 = float(d["share of neighbourhoods (%)"].iloc[0])
    if n1 == 0:
        out.append(
            "None of its neighbourhoods is among the most deprived 10% in England "
            f"({p.index_label})."
        )
    else:
        out.append(
            f"{n1:,} of its neighbourhoods ({percent(share1, None)}) are among the most deprived "
            f"10% in England ({p.index_label}), against 10% nationally; "
            f"{percent(float(d['share of residents (%)'].iloc[0]), None)} of "
            "its residents live in them."
        )
    r = _rank_on(p, "average rank")
    if isinstance(r, int):
        out.append(
            f"On the population-weighted average rank it is the {_ordinal(r)} most deprived "
            f"of the {p.n_places} {p.plural} in England (1 = most deprived)."
        )
    score = {a: m["imd"]["average_score"] for a, m in p.measures.items()}
    s, e = score.get(p.name), score.get(ENGLAND)
    if s is not None and e is not None:
        rs = score.get(p.region) if p.region else None
        region = f"{compare_words(s, rs)} the {p.region} ({rs:.1f}) and " if rs is not None else ""
        out.append(
            f"Its average IMD score is {s:.1f}: {region}{compare_words(s, e)} England ({e:.1f}); "
            "a higher score means more deprived."
        )
    dom = p.domains[p.domains["domain"] != DOMAIN_LABELS["imd"]]
    col = f"{p.name}: in most deprived 10% (%)"
    if col in dom.columns and len(dom) and dom[col].max() > 0:
        hi = dom.sort_values([col, "domain"], ascending=[False, True]).iloc[0]
        out.append(
            f"Of the seven domains, {hi['domain'].lower()} stands out: {percent(hi[col], None)} "
            "of its neighbourhoods are in England's most deprived 10% on it."
        )
    return out


def _rank_on(p: PlaceProfile, words: str):
    """The place's rank on the measure whose name starts with ``words`` (an int, or None)."""
    rank = dict(zip(p.ranks["measure"], p.ranks.iloc[:, 2]))
    r = next((v for m, v in rank.items() if m.startswith(words)), None)
    return int(str(r).split(" ")[0]) if r is not None and r != NOT_AVAILABLE else None


def _devolved_reading(p: PlaceProfile) -> list[str]:
    """:func:`profile_reading` for a district of Wales, Scotland or Northern Ireland."""
    idx, nation = p.index_label, p.nation
    areas = f"{p.lsoa_count:,} small areas ({p.small_area}s)"
    out = [
        f"{p.name} is home to {int(round(p.population)):,} people in {areas}."
        if p.weighted
        else f"{p.name} has {areas}; no population by {p.small_area} is bundled for {nation}, "
        "so nothing here is weighted by population."
    ]
    d = p.deciles
    n1 = int(d["small areas"].iloc[0])
    share1 = float(d["share of small areas (%)"].iloc[0])
    if n1 == 0:
        out.append(f"None of its small areas is among the most deprived 10% in {nation} ({idx}).")
    else:
        lives = (
            f"; {percent(float(d['share of residents (%)'].iloc[0]), None)} of its residents "
            "live in them"
            if p.weighted
            else ""
        )
        out.append(
            f"{n1:,} of its small areas ({percent(share1, None)}) are among the most deprived "
            f"10% in {nation} ({idx}), against 10% across {nation}{lives}."
        )
    r = _rank_on(p, "average rank")
    on = "population-weighted average rank"
    if r is None:
        r, on = (
            _rank_on(p, "share of small areas in the most deprived 10%"),
            (f"share of its small areas in {nation}'s most deprived 10%"),
        )
    if r is not None:
        out.append(
            f"On the {on} it is the {_ordinal(r)} most deprived of the {p.n_places} {p.plural} "
            f"in {nation} (1 = most deprived)."
        )
    s = p.measures[p.name]["imd"].get("average_score")
    e = p.measures[nation]["imd"].get("average_score")
    if s is not None and e is not None:
        out.append(
            f"Its average {idx} score is {s:.1f}: {compare_words(s, e)} {nation} ({e:.1f}); a "
            "higher score means more deprived."
        )
    out.append(
        f"{idx} ranks the {p.index_areas:,} {p.small_area}s of {nation} only: its ranks and "
        f"deciles say how deprived an area is within {nation}, and are not comparable with "
        "England's IMD or another nation's index."
    )
    return out


def map_alt(p: PlaceProfile) -> str:
    """Alt text of the place's map: the decile of the place's own nation's index."""
    d = p.deciles
    count = "neighbourhoods (LSOAs)" if p.nation == ENGLAND else "small areas"
    top = d.sort_values(count, ascending=False).iloc[0]
    districts = p.outlines["lad24_name"].tolist()
    where = (
        f" District outlined: {districts[0]}."
        if len(districts) == 1
        else f" {len(districts)} districts outlined: {', '.join(districts)}."
    )
    basis = (
        f"national {p.index_label} decile"
        if p.nation == ENGLAND
        else f"{p.index_label} decile within {p.nation}"
    )
    words = "neighbourhoods" if p.nation == ENGLAND else "small areas"
    return (
        f"Map of {p.name}'s {p.lsoa_count} {words} coloured by {basis}, dark blue for "
        "the most deprived 10% to yellow for the least deprived. "
        f"{int(d[count].iloc[0])} are in decile 1; the most common decile is "
        f"{str(top.iloc[0]).split(' ')[0]} ({int(top[count])} {words}).{where}"
    )


def profile_map(p: PlaceProfile, figsize=(7.5, 7)):
    """The place's static decile map (:func:`anchorlib.reports.charts.decile_map`), its title and
    legend naming the place's own index (the chart's default legend says IMD 2025)."""
    from anchorlib.reports import charts

    fig = charts.decile_map(
        p.lsoas,
        "imd_decile",
        lads=p.outlines,
        figsize=figsize,
        title=f"{p.name}: {p.index_label} decile of each small area, within {p.nation}",
    )
    legend = fig.axes[0].get_legend() if fig.axes else None
    if legend is not None:
        legend.set_title(f"{p.index_label} decile\n(within {p.nation})")
    return fig


#: The publishers behind each nation's map (boundaries and index), for the map's caption.
MAP_SOURCES = {
    ENGLAND: "ONS, MHCLG",
    "Wales": "ONS, Welsh Government",
    "Scotland": "Scottish Government",
    "Northern Ireland": "NISRA",
}


def map_caption(p: PlaceProfile) -> str:
    """The map's caption: the copyright line and its own nation's publishers."""
    os_line = (
        ""
        if p.nation == "Northern Ireland"
        else ("Contains OS data © Crown copyright and database right 2025. ")
    )
    return f"{os_line}Source: {MAP_SOURCES.get(p.nation, 'ONS')}."
