"""Places and tiers: what a collaborative means by "local".

A place is declared in YAML as LAD 2024 codes, region codes, ward 2024 codes
or LSOA 2021 codes, with a name (in any nation of the UK: Welsh LADs W06, Scottish council areas
S12 and Northern Irish districts N09 among the LADs, Scottish data zones S01 and Northern Irish
SOAs 95... among the small areas, the nations W92/S92/N92 among the regions; mixed places too),
plus the nested tiers that count for "local" analysis, innermost first::

    name: Lancashire
    lads: [E07000117, E07000118, ...]
    tiers:
      - {name: home_district, lads: [E07000120]}
      - {name: place, place: true}            # the place itself
      - {name: wider, regions: [E12000002]}   # North West
      - {name: rest_of_uk, everywhere: true}

Anything is classified into its innermost tier; what cannot be placed (an
invalid or unknown postcode or code) is ``unknown``.  Without ``tiers`` the
default is ``place`` -> ``wider`` (the English region(s) of the place, or the nation for Wales,
Scotland and Northern Ireland) -> ``rest_of_uk``.
A place need not declare an ``everywhere`` tier: what is located but in no
declared tier is then in the tier ``outside`` (located, just not local).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from anchorlib.core.errors import PlaceError
from anchorlib.core.yamlfile import read_yaml
from anchorlib.data.extract import (
    REGION_CLIPPED,
    extract_in_use,
    load_extract,
    outside_extract_error,
)
from anchorlib.data.geography import districts_within, lsoa21_geography
from anchorlib.data.postcodes import locate_postcodes

UNKNOWN = "unknown"
#: The tier of what is located but in none of a place's declared tiers (only a place with no
#: ``everywhere`` tier has it).
OUTSIDE = "outside"
COUNTRY_NAMES = {
    "E92000001": "England",
    "W92000004": "Wales",
    "S92000003": "Scotland",
    "N92000002": "Northern Ireland",
}


class AreaSpec(BaseModel):
    """A set of areas: any mix of LAD 2024, region (or country), ward 2024 and LSOA 2021 codes."""

    model_config = ConfigDict(extra="forbid")
    lads: list[str] = []
    regions: list[str] = []
    wards: list[str] = []
    lsoas: list[str] = []

    def is_empty(self) -> bool:
        return not (self.lads or self.regions or self.wards or self.lsoas)


class TierSpec(AreaSpec):
    name: str
    place: bool = False  # the place itself
    everywhere: bool = False  # any location in the UK (the outermost tier)

    @model_validator(mode="after")
    def _one_kind(self):
        kinds = int(self.place) + int(self.everywhere) + int(not self.is_empty())
        if kinds != 1:
            raise ValueError(
                f"tier '{self.name}' needs exactly one of: place: true, everywhere: true, "
                "or a list of lads/regions/wards/lsoas"
            )
        if self.name == UNKNOWN:
            raise ValueError("'unknown' is reserved for what cannot be placed")
        if self.name == OUTSIDE:
            raise ValueError(
                "'outside' is reserved for what is located but in no declared tier: "
                "give the tier another name"
            )
        return self


class PlaceSpec(AreaSpec):
    name: str
    description: str | None = None
    tiers: list[TierSpec] | None = None

    @model_validator(mode="after")
    def _has_area(self):
        if self.is_empty():
            raise ValueError("a place needs at least one of lads, regions, wards or lsoas")
        if self.tiers is not None:
            names = [t.name for t in self.tiers]
            if len(set(names)) != len(names):
                raise ValueError(f"tier names must be unique, got {names}")
        return self


@dataclass
class Tier:
    name: str
    lsoas: frozenset[str]  # LSOA 2021 codes in this tier's area (cumulative, not a ring)
    countries: frozenset[str] = (
        frozenset()
    )  # countries wholly inside (for places with no LSOAs: Scotland, NI)
    everywhere: bool = False
    #: Scottish data zones and Northern Irish SOAs in this tier's area (they have no LSOA 2021)
    small_areas: frozenset[str] = frozenset()


@dataclass(eq=False)  # identity: a Place can key a cache
class Place:
    """A resolved place: its LSOA 2021 codes and its tiers, innermost first."""

    name: str
    lsoas: list[str]
    lad_codes: list[str]
    tiers: list[Tier]
    spec: PlaceSpec
    notes: list[str] = field(default_factory=list)
    #: Scottish data zones and Northern Irish SOAs of the place (England and Wales: ``lsoas``)
    small_areas: list[str] = field(default_factory=list)

    @property
    def nations(self) -> list[str]:
        """The nations the place lies in, in the order England, Wales, Scotland, Northern
        Ireland."""
        first = {c[:1] for c in self.lsoas} | {
            "N" if c.startswith("95") else c[:1] for c in self.small_areas
        }
        order = (("E", "England"), ("W", "Wales"), ("S", "Scotland"), ("N", "Northern Ireland"))
        return [name for letter, name in order if letter in first]

    @property
    def has_everywhere(self) -> bool:
        """True when a tier covers every location (``everywhere: true``)."""
        return any(t.everywhere for t in self.tiers)

    @property
    def tier_names(self) -> list[str]:
        """The declared tiers innermost first, then ``outside`` (only when no tier is
        ``everywhere``), then ``unknown``."""
        outside = [] if self.has_everywhere else [OUTSIDE]
        return [t.name for t in self.tiers] + outside + [UNKNOWN]


def _suggest(code: str, known: pd.Series) -> str:
    close = difflib.get_close_matches(code, known.tolist(), n=3, cutoff=0.75)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def _is_devolved_small_area(code: str) -> bool:
    """A Scottish data zone (S01) or Northern Irish SOA (95...): small areas with no LSOA 2021."""
    return code.startswith(("S01", "95"))


def _devolved_lookup() -> pd.DataFrame:
    """Scottish data zones and Northern Irish SOAs with their district and nation (read only when
    a place names one of them: an English place never needs the devolved files)."""
    from anchorlib.data.nations import small_area_lookup

    look = small_area_lookup()
    return look[look["nation"].isin(["Scotland", "Northern Ireland"])]


def _resolve_area(
    area: AreaSpec, geo: pd.DataFrame, where: str
) -> tuple[set[str], set[str], set[str]]:
    """LSOA 2021 codes, whole countries and Scottish / Northern Irish small areas an area covers;
    PlaceError naming every unknown code."""
    lsoas: set[str] = set()
    countries: set[str] = set()
    small: set[str] = set()
    problems = []
    columns = {"lads": "lad24_code", "wards": "ward24_code", "lsoas": "lsoa21_code"}
    devolved = None
    for kind, col in columns.items():
        codes = [c.strip().upper() for c in getattr(area, kind)]
        # Scottish council areas (S12), NI districts (N09), data zones (S01) and SOAs (95...)
        theirs = [
            c
            for c in codes
            if (kind == "lads" and c.startswith(("S12", "N09")))
            or (kind == "lsoas" and _is_devolved_small_area(c))
        ]
        if theirs:
            devolved = _devolved_lookup() if devolved is None else devolved
            key = "lad_code" if kind == "lads" else "small_area_code"
            known_d = set(devolved[key])
            for code in theirs:
                if code not in known_d:
                    problems.append(
                        f"unknown {kind[:-1].upper()} code {code!r}"
                        f"{_suggest(code, devolved[key].drop_duplicates())}"
                    )
            small |= set(devolved.loc[devolved[key].isin(theirs), "small_area_code"])
        codes = [c for c in codes if c not in set(theirs)]
        known = geo[col].drop_duplicates()
        for code in codes:
            if code not in set(known):
                problems.append(f"unknown {kind[:-1].upper()} code {code!r}{_suggest(code, known)}")
        lsoas |= set(geo.loc[geo[col].isin(codes), "lsoa21_code"])
    for code in (c.strip().upper() for c in area.regions):
        if code in COUNTRY_NAMES:
            countries.add(code)
            lsoas |= set(geo.loc[geo["country_code"] == code, "lsoa21_code"])
            if code in ("S92000003", "N92000002"):
                devolved = _devolved_lookup() if devolved is None else devolved
                nation = COUNTRY_NAMES[code]
                small |= set(devolved.loc[devolved["nation"] == nation, "small_area_code"])
        elif code in set(geo["region_code"]):
            lsoas |= set(geo.loc[geo["region_code"] == code, "lsoa21_code"])
        else:
            problems.append(
                "unknown region code "
                f"{code!r}{_suggest(code, geo['region_code'].drop_duplicates())}"
            )
    if problems:
        raise PlaceError(
            f"{where}: "
            + "; ".join(problems)
            + ". Codes are ONS GSS codes: LAD 2024 (E06/E07/E08/E09/W06, Scottish council areas "
            "S12, Northern Irish districts N09), region E12 or nation (E92/W92/S92/N92), ward 2024 "
            "(E05/W05), LSOA 2021 (E01/W01), Scottish data zone 2011 (S01) or Northern Irish SOA "
            "(95...)."
        )
    return lsoas, countries, small


def default_tiers(
    spec: PlaceSpec, geo: pd.DataFrame, place_lsoas: set[str], small_areas: set[str] = frozenset()
) -> list[TierSpec]:
    """``place`` -> ``wider`` -> ``rest_of_uk``: wider is the English region(s) of the place, or
    the nation for its Welsh (W92, already the 'region' of Welsh LADs), Scottish and Northern
    Irish parts."""
    regions = set(geo.loc[geo["lsoa21_code"].isin(place_lsoas), "region_code"])
    regions |= {"N92000002" if c.startswith("95") else "S92000003" for c in small_areas}
    return [
        TierSpec(name="place", place=True),
        TierSpec(name="wider", regions=sorted(regions)),
        TierSpec(name="rest_of_uk", everywhere=True),
    ]


def build_place(spec: PlaceSpec) -> Place:
    """Resolve a PlaceSpec against the LSOA 2021 geography (and, for Scotland and Northern
    Ireland, their small areas)."""
    geo = lsoa21_geography()
    place_lsoas, _, place_small = _resolve_area(spec, geo, f"place '{spec.name}'")
    tiers, notes = [], []
    declared = spec.tiers
    if declared is None:
        declared = default_tiers(spec, geo, place_lsoas, place_small)
    for t in declared:
        if t.place:
            tiers.append(Tier(t.name, frozenset(place_lsoas), small_areas=frozenset(place_small)))
        elif t.everywhere:
            tiers.append(Tier(t.name, frozenset(geo["lsoa21_code"]), everywhere=True))
        else:
            lsoas, countries, small = _resolve_area(
                t, geo, f"tier '{t.name}' of place '{spec.name}'"
            )
            tiers.append(Tier(t.name, frozenset(lsoas), frozenset(countries), small_areas=small))
    for inner, outer in zip(tiers, tiers[1:]):
        if not outer.everywhere and not (
            inner.lsoas <= outer.lsoas and inner.small_areas <= outer.small_areas
        ):
            notes.append(
                f"tier '{inner.name}' is not wholly inside tier '{outer.name}': "
                f"{len(inner.lsoas - outer.lsoas) + len(inner.small_areas - outer.small_areas)} "
                "of its small areas are outside it"
            )
    lads = set(geo.loc[geo["lsoa21_code"].isin(place_lsoas), "lad24_code"])
    if place_small:
        look = _devolved_lookup()
        lads |= set(look.loc[look["small_area_code"].isin(place_small), "lad_code"])
    place = Place(spec.name, sorted(place_lsoas), sorted(lads), tiers, spec, notes)
    place.small_areas = sorted(place_small)
    check_place_in_extract(place)  # only the demo extract here, and the place outside it: an error
    return place


def check_place_in_extract(place: Place) -> None:
    """OutsideExtractError when a place (or one of its tiers but the outermost ``everywhere``)
    reaches outside the demo extract's region while a clipped extract stands in for a full file."""
    in_use = [sid for sid in REGION_CLIPPED if extract_in_use(sid)]
    if not in_use:
        return
    ext = load_extract()
    geo = lsoa21_geography()
    covered = set(geo.loc[geo["region_code"] == ext.region, "lsoa21_code"])
    outside = {}
    for t in place.tiers:
        if not t.everywhere:
            out = sorted(t.lsoas - covered)
            if out or t.countries or t.small_areas:
                outside[t.name] = out
    if outside:
        lads = sorted(
            set(geo.loc[geo["lsoa21_code"].isin(set().union(*outside.values())), "lad24_name"])
        )
        raise outside_extract_error(
            f"Place '{place.name}' reaches outside the {ext.region_name} ({ext.region}): tier(s) "
            + ", ".join(f"'{k}' ({len(v)} LSOAs outside)" for k, v in outside.items())
            + (f", in {', '.join(lads[:8])}{' ...' if len(lads) > 8 else ''}." if lads else "."),
            in_use,
        )


def load_place(path: str | Path) -> Place:
    """Read and resolve a place YAML file; errors name the file and the problem."""
    path = Path(path)
    raw = read_yaml(path, PlaceError, "Place file")
    if isinstance(raw, dict) and "place" in raw and isinstance(raw["place"], dict):
        raw = raw["place"]  # a collaborative file embeds its place under `place:`
    try:
        spec = PlaceSpec.model_validate(raw)
    except ValidationError as exc:
        raise PlaceError(f"{path}: invalid place declaration:\n{_pydantic_lines(exc)}") from None
    try:
        return build_place(spec)
    except PlaceError as exc:
        raise PlaceError(f"{path}: {exc}") from None


def _pydantic_lines(exc: ValidationError) -> str:
    return "\n".join(
        f"  {'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()
    )


def place_from_codes(codes: str | list[str], name: str | None = None) -> Place:
    """A place from bare codes, with default tiers: LAD 2024 codes of any nation ("E07000120",
    "W06000015", "S12000049", "N09000003" or "E07000117,E07000120"), or small areas (LSOA 2021,
    Scottish data zones S01, Northern Irish SOAs 95...), or a mix."""
    if isinstance(codes, str):
        codes = [c for c in codes.replace(" ", "").split(",") if c]
    codes = [c.upper() for c in codes]
    if not codes:
        raise PlaceError("No LAD codes given")
    small = [c for c in codes if c.startswith(("E01", "W01")) or _is_devolved_small_area(c)]
    lads = [c for c in codes if c not in set(small)]
    geo = lsoa21_geography()
    if name is None:
        names = geo.drop_duplicates("lad24_code").set_index("lad24_code")["lad24_name"].to_dict()
        if any(c.startswith(("S12", "N09")) for c in lads):
            look = _devolved_lookup()
            names |= dict(look.drop_duplicates("lad_code")[["lad_code", "lad_name"]].values)
        name = ", ".join(str(names.get(c, c)) for c in lads)
        if small:
            name = (name + ", " if name else "") + f"{len(small)} small area(s)"
    return build_place(PlaceSpec(name=name, lads=lads, lsoas=small))


def resolve_place(spec: str | Path) -> Place:
    """A YAML path or bare comma-separated LAD codes, as the CLI accepts them."""
    text = str(spec)
    if text.endswith((".yml", ".yaml")) or Path(text).is_file():
        return load_place(text)
    return place_from_codes(text)


# ---------------------------------------------------------------- classification


def classify_lsoas(place: Place, lsoa_codes) -> pd.Series:
    """Innermost tier of each LSOA 2021 code: ``outside`` for a code of the geography in no
    declared tier (a place with no ``everywhere`` tier), ``unknown`` for a code not in it."""
    codes = pd.Series(lsoa_codes, dtype="str")
    out = pd.Series(UNKNOWN, index=codes.index, dtype="str")
    todo = pd.Series(True, index=codes.index)
    for tier in place.tiers:
        hit = todo & (codes.isin(tier.lsoas) | codes.isin(tier.small_areas))
        out[hit] = tier.name
        todo &= ~hit
    if not place.has_everywhere and todo.any():
        out[todo & codes.isin(set(lsoa21_geography()["lsoa21_code"]))] = OUTSIDE
    return out


def classify_postcodes(place: Place, postcodes) -> pd.DataFrame:
    """Locate postcodes (see ``anchorlib.data.postcodes.locate_postcodes``) and add their ``tier``.

    Postcodes with no LSOA 2021 (Scotland, Northern Ireland, islands) fall in
    the first tier that covers their whole country, which is usually the
    outermost ``everywhere`` tier; invalid or unknown postcodes are ``unknown``.
    A postcode in England or Wales with no LSOA 2021 (a split LSOA 2011) is placed
    by its district (``lad24_code`` from the postcode lookup) in the innermost tier
    that covers the whole district (district and region tiers), never in the
    outermost tier merely for lacking an LSOA.
    A place with no ``everywhere`` tier puts a located postcode that no declared
    tier covers (an LSOA 2021 in none of them, a country outside England and
    Wales that no tier names, or a split LSOA's district that no tier reaches
    into) in ``outside``: located, not local.
    """
    located = locate_postcodes(postcodes)
    tier = classify_lsoas(place, located["lsoa21_code"].fillna(""))
    placed = located["status"].isin(["live", "terminated"])
    no_lsoa = placed & located["lsoa21_code"].isna()
    for t in reversed(place.tiers):  # reversed so the innermost matching tier wins
        covers = no_lsoa & (
            t.everywhere
            | located["region_code"].isin(t.countries)
            | located["small_area_code"].isin(t.small_areas)  # Scottish / NI small areas
            | located["lad24_code"].isin(districts_within(t.lsoas))  # split LSOA: its district
        )
        tier[covers] = t.name
    if not place.has_everywhere:
        # located, and in no tier: a country no tier names, or a district no tier reaches into
        # (a district a tier covers in part may be in it or not: that stays unknown)
        geo = lsoa21_geography()
        in_tiers = set().union(*(t.lsoas for t in place.tiers))
        reached = set(geo.loc[geo["lsoa21_code"].isin(in_tiers), "lad24_code"])
        in_small = set().union(*(t.small_areas for t in place.tiers))
        if in_small:  # districts of Scotland and Northern Ireland a tier reaches into
            look = _devolved_lookup()
            reached |= set(look.loc[look["small_area_code"].isin(in_small), "lad_code"])
        away = (located["lsoa21_method"] == "outside_ew") | (
            located["lad24_code"].notna() & ~located["lad24_code"].isin(reached)
        )
        tier[no_lsoa & away & (tier == UNKNOWN)] = OUTSIDE
    tier[~placed] = UNKNOWN
    return located.assign(tier=tier)


def tier_breakdown(place: Place, population: pd.Series | None = None) -> pd.DataFrame:
    """Each tier as a ring (LSOAs in it and not in an inner tier), with LSOA count and
    population; Scottish data zones and Northern Irish SOAs a tier names are counted in
    ``small_area_count`` (and in ``population`` when ``population`` has them)."""
    rows, seen = [], set()
    for t in place.tiers:
        ring = (t.lsoas | t.small_areas) - seen
        seen |= t.lsoas | t.small_areas
        pop = (
            int(population.reindex(sorted(ring)).fillna(0).sum())
            if population is not None
            else None
        )
        small = sum(1 for c in ring if _is_devolved_small_area(c))
        rows.append(
            {
                "tier": t.name,
                "lsoa_count": len(ring) - small,
                "population": pop,
                "everywhere": t.everywhere,
                # Scottish data zones and Northern Irish SOAs (only those a tier names)
                "small_area_count": small,
            }
        )
    return pd.DataFrame(rows)
