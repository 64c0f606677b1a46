"""What ``anchor place`` prints: a place's size, deprivation summary measures and tiers."""

from __future__ import annotations

from pathlib import Path

from anchorlib.config.places import Place, load_place, place_from_codes, tier_breakdown
from anchorlib.core.errors import PlaceError
from anchorlib.core.fmt import share
from anchorlib.data import deprivation
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
    if edition == 2025:
        lsoas = place.lsoas
    else:
        lsoas, extra = _lsoas_2019(spec, place)
        notes += extra
    name = place.name if place is not None else deprivation.lad_names_2019(spec)
    summary = deprivation.place_measures(lsoas, edition=edition, name=name)
    summary["notes"] = summary.get("notes", []) + notes
    summary["tiers"] = _tiers(place, spec)
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
    rings = tier_breakdown(place, population_lsoa21())
    return {
        "population_source": POPULATION_SOURCE,
        "population_denominator": "census2021_usual_residents",
        "notes": place.notes,
        "rings": rings.drop(columns="everywhere").to_dict(orient="records"),
    }


def _fmt(v, key: str) -> str:
    if v is None:
        return "n/a"
    if key in ("proportion_lsoas_most_deprived_10pct", "extent"):
        return share(v, 1)
    if key in ("average_rank", "local_concentration"):
        return f"{v:,.0f}"
    return f"{v:,.2f}"


def format_summary(s: dict) -> str:
    """The summary as plain text for the terminal."""
    out = [
        f"{s['name']} (IoD{s['edition']})",
        f"LSOAs: {s['lsoa_count']:,}    population: {s['population']:,}  "
        f"({s['population_source']})",
        "",
    ]
    heads = ["avg score", "avg rank", "% LSOAs top 10%", "extent", "local conc."]
    out.append(f"{'':<12}" + "".join(f"{h:>17}" for h in heads))
    rows = [("IMD", s["imd"])] + [(k, v) for k, v in s["domains"].items()]
    for label, m in rows:
        out.append(f"{label:<12}" + "".join(f"{_fmt(m.get(k), k):>17}" for k in MEASURES))
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
            out.append(
                f"  {r['tier']:<16} {r['lsoa_count']:>7,} LSOAs  {r['population']:>12,} people"
            )
        out += [f"  note: {n}" for n in tiers.get("notes", [])]
    elif tiers.get("note"):
        out.append(f"\nTiers: {tiers['note']}")
    out += [f"note: {n}" for n in s.get("notes", [])]
    return "\n".join(out)
