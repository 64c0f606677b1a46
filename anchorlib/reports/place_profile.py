"""One place's profile: the figures of the ``place_profile`` notebook and their reading.

A place here is a local authority district (LAD 2024) or an integrated care board (ICB, April 2024)
of England, without a collaborative.  :func:`place_profile` reads its figures from the national
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
    KINDS,
    MEASURE_WORDS,
    kind_of,
    kind_spec,
    place_entry,
    read_place_lsoas,
    read_place_outlines,
    read_places,
)
from anchorlib.core.fmt import percent
from anchorlib.data.deprivation import EXTENT_METHOD
from anchorlib.reports.place_baseline import (
    DOMAIN_LABELS,
    compare_words,
    decile_distribution,
    domain_table,
    summary_table,
)

__all__ = ["PlaceProfile", "place_profile", "profile_reading", "map_alt"]


@dataclass
class PlaceProfile:
    kind: str
    code: str
    name: str
    site_name: str  # e.g. "Local authority districts in England"
    singular: str  # "local authority district"
    region: str | None  # the comparison region's name
    n_places: int
    lsoa_count: int
    population: float
    population_source: str
    measures: dict[str, dict]  # place, region, England: as deprivation.place_measures
    summary: pd.DataFrame  # the summary measures beside the region and England
    ranks: pd.DataFrame  # the place's value and national rank on each measure
    deciles: pd.DataFrame  # neighbourhoods and residents by IMD decile, beside England
    domains: pd.DataFrame  # the seven domains: place, region, England
    lsoas: object  # GeoDataFrame
    outlines: object  # GeoDataFrame
    sources: list[str]
    notes: list[str] = field(default_factory=list)
    extent_method: str = EXTENT_METHOD  # the extent weights (docs/methodology.md)


def place_profile(code: str, out_root: Path | None = None, kind: str | None = None) -> PlaceProfile:
    """Every figure of one place's profile, from the national asset (its row group, and
    places.json)."""
    code = str(code).strip().upper()
    kind = kind or kind_of(code)
    k = kind_spec(kind)
    meta = read_places(kind, out_root, ensure=True)
    p = place_entry(meta, code)
    lsoas = read_place_lsoas(kind, code, out_root)
    outlines = read_place_outlines(kind, code, out_root)
    measures = {p["name"]: p["measures"]}
    region = meta["regions"].get(p["region"]) if p.get("region") else None
    if region:
        measures[region["name"]] = region["measures"]
    measures[ENGLAND] = meta["england"]
    england = pd.DataFrame(
        {"imd_decile": range(1, 11), "population": meta["england"]["decile_population"]}
    )
    n = meta["n_places"]
    ranks = pd.DataFrame(
        {
            "measure": [MEASURE_WORDS[m] for m, _, _ in COMPARISON_MEASURES],
            f"{p['name']}": [
                None if p["measures"]["imd"][m] is None else p["measures"]["imd"][m] * s
                for m, _, s in COMPARISON_MEASURES
            ],
            f"rank among the {n} {k.plural} (rank; 1 = most deprived)": [
                p["ranks"][m] for m, _, _ in COMPARISON_MEASURES
            ],
        }
    )
    ranks["measure"] = [
        f"{w} ({'%' if s == 100.0 else 'score' if m == 'average_score' else 'rank'})"
        for (m, _, s), w in zip(COMPARISON_MEASURES, ranks["measure"])
    ]
    return PlaceProfile(
        kind=kind,
        code=code,
        name=p["name"],
        site_name=k.label,
        singular=k.singular,
        region=region["name"] if region else None,
        n_places=n,
        lsoa_count=p["measures"]["lsoa_count"],
        population=p["measures"]["population"],
        population_source=meta["population_source"],
        extent_method=meta.get("extent_method", EXTENT_METHOD),
        measures=measures,
        summary=summary_table(measures),
        ranks=ranks,
        deciles=decile_distribution(lsoas, england),
        domains=domain_table(measures),
        lsoas=lsoas,
        outlines=outlines,
        sources=list(meta["sources"]),
    )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def profile_reading(p: PlaceProfile) -> list[str]:
    """Short plain-English sentences on one place, generated from its figures."""
    out = [
        f"{p.name} is home to {int(round(p.population)):,} people in {p.lsoa_count:,} "
        "neighbourhoods (LSOAs)."
    ]
    d = p.deciles
    n1 = int(d["neighbourhoods (LSOAs)"].iloc[0])
    share1 = float(d["share of neighbourhoods (%)"].iloc[0])
    if n1 == 0:
        out.append(
            "None of its neighbourhoods is among the most deprived 10% in England (IMD 2025)."
        )
    else:
        out.append(
            f"{n1:,} of its neighbourhoods ({percent(share1, None)}) are among the most deprived "
            "10% in England "
            "(IMD 2025), against 10% nationally; "
            f"{percent(float(d['share of residents (%)'].iloc[0]), None)} of "
            "its residents live in them."
        )
    rank = dict(zip(p.ranks["measure"], p.ranks.iloc[:, 2]))
    r = next(v for m, v in rank.items() if m.startswith("average rank"))
    if r is not None:
        out.append(
            f"On the population-weighted average rank it is the {_ordinal(int(r))} most deprived "
            "of the "
            f"{p.n_places} {KINDS[p.kind].plural} in England (1 = most deprived)."
        )
    score = {a: m["imd"]["average_score"] for a, m in p.measures.items()}
    s, e = score.get(p.name), score.get(ENGLAND)
    if s is not None and e is not None:
        rs = score.get(p.region) if p.region else None
        region = f"{compare_words(s, rs)} the {p.region} ({rs:.1f}) and " if rs is not None else ""
        out.append(
            f"Its average IMD score is {s:.1f}: {region}{compare_words(s, e)} England ({e:.1f}); "
            "a higher score "
            "means more deprived."
        )
    dom = p.domains[p.domains["domain"] != DOMAIN_LABELS["imd"]]
    col = f"{p.name}: in most deprived 10% (%)"
    if col in dom.columns and len(dom) and dom[col].max() > 0:
        hi = dom.sort_values([col, "domain"], ascending=[False, True]).iloc[0]
        out.append(
            f"Of the seven domains, {hi['domain'].lower()} stands out: {percent(hi[col], None)} "
            "of its "
            "neighbourhoods are in England's most deprived 10% on it."
        )
    return out


def map_alt(p: PlaceProfile) -> str:
    """Alt text of the place's map."""
    d = p.deciles
    top = d.sort_values("neighbourhoods (LSOAs)", ascending=False).iloc[0]
    districts = p.outlines["lad24_name"].tolist()
    where = (
        f" District outlined: {districts[0]}."
        if len(districts) == 1
        else f" {len(districts)} districts outlined: {', '.join(districts)}."
    )
    return (
        f"Map of {p.name}'s {p.lsoa_count} neighbourhoods coloured by national IMD 2025 decile, "
        "dark blue for "
        "the most deprived 10% to yellow for the least deprived. "
        f"{int(d['neighbourhoods (LSOAs)'].iloc[0])} are "
        "in decile 1; the most common decile is "
        f"{str(top['IMD decile (1 = most deprived)']).split(' ')[0]} "
        f"({int(top['neighbourhoods (LSOAs)'])} neighbourhoods).{where}"
    )
