"""What ``anchor place`` prints: a place's size, deprivation summary measures and tiers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from anchorlib.config.places import Place, load_place, place_from_codes, tier_breakdown
from anchorlib.core.errors import PlaceError
from anchorlib.core.fmt import share
from anchorlib.data import deprivation, nations
from anchorlib.data.census import POPULATION_SOURCE, population_lsoa21
from anchorlib.data.geography import lsoa11_to_lsoa21

MEASURES = [
    "average_score",
    "average_rank",
    "proportion_lsoas_most_deprived_10pct",
    "extent",
    "local_concentration",
]


def _is_yaml(spec: str) -> bool:
    return spec.endswith((".yml", ".yaml")) or Path(spec).is_file()


def _lsoas_2019(spec: str, place: Place | None) -> tuple[list[str], list[str]]:
    """LSOA 2011 codes of a place for the 2019 edition, and notes on how they were found."""
    if place is None or not (place.spec.wards or place.spec.lsoas or place.spec.regions):
        lads = (
            place.spec.lads
            if place is not None
            else [c for c in spec.replace(" ", "").split(",") if c]
        )
        return deprivation.lad_lsoas(lads, 2019), []
    # A custom area on 2021 geography: take the LSOAs 2011 lying wholly inside it.
    bridge = lsoa11_to_lsoa21()
    inside = (
        bridge.assign(hit=bridge["lsoa21_code"].isin(set(place.lsoas)))
        .groupby("lsoa11_code")["hit"]
        .all()
    )
    return sorted(inside[inside].index), [
        "2019 edition on a custom area: LSOAs 2011 whose every LSOA 2021 successor lies in the "
        "place."
    ]


def place_summary(spec: str, edition: int = 2025) -> dict:
    """The summary of a place given as a YAML file or bare LAD codes (see ``anchor place
    --help``)."""
    spec = str(spec)
    if edition not in deprivation.EDITIONS:
        raise PlaceError(f"Unknown edition {edition}; choose one of {deprivation.EDITIONS}")
    notes: list[str] = []
    if _is_yaml(spec):
        place = load_place(spec)
    elif edition == 2025:
        place = place_from_codes(spec)
    else:
        place = None  # bare codes are LAD 2019 codes: resolved by the 2019 tables
    if edition == 2025 and place.nations != ["England"]:
        summary = nations_summary(place)
        summary["tiers"] = _tiers(place, spec)
        return summary
    if edition == 2025:
        lsoas = place.lsoas
    else:
        lsoas, extra = _lsoas_2019(spec, place)
        notes += extra
    name = place.name if place is not None else deprivation.lad_names_2019(spec)
    summary = deprivation.place_measures(lsoas, edition=edition, name=name)
    summary["notes"] = summary.get("notes", []) + notes
    summary["nation"] = "England"
    summary["index"] = _england_index(edition)
    summary["tiers"] = _tiers(place, spec)
    return summary


def _england_index(edition: int) -> dict:
    n = deprivation.N_LSOAS[edition]
    geo = "LSOA 2011" if edition == 2019 else "LSOA 2021"
    return {
        "name": "IMD",
        "year": edition,
        "label": f"IMD {edition}",
        "small_area": geo,
        "small_areas_in_nation": n,
    }


def nation_parts(place: Place) -> dict[str, list[str]]:
    """The place's small areas in each nation, on that nation's index geography: England LSOA
    2021 (IMD 2025), Wales LSOA 2011 (WIMD 2019: those whose every LSOA 2021 successor is in the
    place), Scotland data zones (SIMD 2020), Northern Ireland SOAs (NIMDM 2017)."""
    parts = {}
    eng = [c for c in place.lsoas if c.startswith("E")]
    if eng:
        parts["England"] = eng
    wal = [c for c in place.lsoas if c.startswith("W")]
    if wal:
        parts["Wales"] = nations.welsh_lsoa11_within(wal)
    sco = [c for c in place.small_areas if c.startswith("S")]
    if sco:
        parts["Scotland"] = sco
    ni = [c for c in place.small_areas if c.startswith("95")]
    if ni:
        parts["Northern Ireland"] = ni
    return parts


def nations_summary(place: Place) -> dict:
    """``anchor place`` of a place not wholly in England: each nation's part on its own index.

    The top-level keys are those of an English place (``name``, ``edition``, ``lsoa_count``,
    ``population``, ``imd``, ``domains``, ...), from the place's first nation in the order England,
    Wales, Scotland, Northern Ireland, plus ``nation`` and ``index`` (name and year).  A place in
    several nations also has ``nations``: each nation's summary on its own index, never combined
    (deciles and ranks are not comparable across nations).  Measures an index cannot give are null
    with a note (SIMD: no score; NIMDM: no bundled population, nothing population-weighted).
    """
    by_nation, skipped = {}, []
    for nation, codes in nation_parts(place).items():
        if not codes:  # Welsh LSOAs 2021 covering no whole LSOA 2011 (WIMD's geography)
            skipped.append(
                f"Its part in {nation} covers no whole {nations.index_of(nation).small_area} "
                f"(the geography of {nations.index_of(nation).label}): not measured."
            )
            continue
        if nation == "England":
            s = deprivation.place_measures(codes, edition=2025, name=place.name)
            s["nation"], s["index"] = "England", _england_index(2025)
        else:
            s = nations.nation_measures(nation, codes, name=place.name)
        by_nation[nation] = s
    if not by_nation:
        raise PlaceError(f"Place '{place.name}' has no small area of any nation's index")
    first = next(iter(by_nation.values()))
    summary = dict(first)
    summary["notes"] = list(first.get("notes", [])) + skipped
    if len(by_nation) > 1:
        summary["nations"] = by_nation
        summary["notes"].insert(
            0,
            f"'{place.name}' lies in {len(by_nation)} nations ({', '.join(by_nation)}): the "
            f"top-level measures are those of its part in {first['nation']} "
            f"({first['index']['label']}); 'nations' gives each part on its own nation's index. "
            "They are never combined: each index ranks its own nation's small areas only.",
        )
    return summary


def _tiers(place: Place | None, spec: str) -> dict:
    """Tier rings on LSOA 2021 geography with Census 2021 population (any edition)."""
    if place is None:
        try:
            place = place_from_codes(spec)
        except PlaceError:
            return {
                "note": "no tiers: these LAD 2019 codes are not all current LAD 2024 codes",
                "rings": [],
            }
    population = population_lsoa21()
    source, notes = POPULATION_SOURCE, list(place.notes)
    if place.small_areas:
        if any(c.startswith("S") for c in place.small_areas):
            scot = nations.small_areas("Scotland").set_index("small_area_code")["population"]
            population = pd.concat([population, scot])
            source += "; Scottish data zones: " + nations.index_of("Scotland").population_source
        if any(c.startswith("95") for c in place.small_areas):
            notes.append(
                "Northern Irish SOAs are counted (small_area_count) but have no bundled "
                "population: their people are not in the tier populations."
            )
        notes.append(
            "Scottish data zones and Northern Irish SOAs count in the tiers that name them (the "
            "place, its nation); the everywhere tier's count is of LSOAs 2021 only."
        )
    rings = tier_breakdown(place, population)
    return {
        "population_source": source,
        "population_denominator": "census2021_usual_residents",
        "notes": notes,
        "rings": rings.drop(columns="everywhere").to_dict(orient="records"),
    }


def _fmt(v, key: str) -> str:
    if v is None:
        return "n/a"
    if key in (
        "proportion_lsoas_most_deprived_10pct",
        "proportion_lsoas_most_deprived_20pct",
        "extent",
    ):
        return share(v, 1)
    if key in ("average_rank", "local_concentration"):
        return f"{v:,.0f}"
    return f"{v:,.2f}"


def format_summary(s: dict) -> str:
    """The summary as plain text for the terminal."""
    label = s.get("index", {}).get("label") or f"IoD{s['edition']}"
    where = f"{s['nation']}, " if s.get("nation") else ""
    out = [
        f"{s['name']} ({where}{label})",
        f"{s.get('index', {}).get('small_area', 'LSOA')}s: {s['lsoa_count']:,}    population: "
        f"{'n/a' if s['population'] is None else format(s['population'], ',')}  "
        f"({s['population_source']})",
        "",
    ]
    heads = ["avg score", "avg rank", "% LSOAs top 10%", "extent", "local conc."]
    keys = list(MEASURES)
    if "proportion_lsoas_most_deprived_20pct" in s["imd"]:
        heads.insert(3, "% top 20%")
        keys.insert(3, "proportion_lsoas_most_deprived_20pct")
    out.append(f"{'':<12}" + "".join(f"{h:>17}" for h in heads))
    rows = [("IMD", s["imd"])] + [(k, v) for k, v in s["domains"].items()]
    for label, m in rows:
        out.append(f"{label:<12}" + "".join(f"{_fmt(m.get(k), k):>17}" for k in keys))
    if s.get("nation") and s.get("nation") != "England":
        out.append(
            f"\nRanks and deciles are {s['index']['label']}'s, within {s['nation']} only: "
            "never compared with another nation's."
        )
    out.append(
        "\nRanks count the most deprived LSOA highest (as in MHCLG's LA summaries); "
        "extent and local concentration as defined in the IoD technical report."
    )
    if s.get("extent_method"):
        out.append(f"Extent weights: {s['extent_method']}.")
    tiers = s.get("tiers", {})
    if tiers.get("rings"):
        out.append(f"\nTiers (innermost first; LSOA 2021; {tiers['population_source']}):")
        for r in tiers["rings"]:
            small = r.get("small_area_count") or 0
            extra = f" + {small:,} data zones/SOAs" if small else ""
            out.append(
                f"  {r['tier']:<16} {r['lsoa_count']:>7,} LSOAs{extra}  "
                f"{r['population']:>12,} people"
            )
        out += [f"  note: {n}" for n in tiers.get("notes", [])]
    elif tiers.get("note"):
        out.append(f"\nTiers: {tiers['note']}")
    out += [f"note: {n}" for n in s.get("notes", [])]
    return "\n".join(out)
