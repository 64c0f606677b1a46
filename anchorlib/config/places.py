"""Places and tiers: what a collaborative means by "local".

A place is declared in YAML as LAD 2024 codes, region codes, ward 2024 codes
or LSOA 2021 codes, with a name, plus the nested tiers that count for "local"
analysis, innermost first::

    name: Lancashire
    lads: [E07000117, E07000118, ...]
    tiers:
      - {name: home_district, lads: [E07000120]}
      - {name: place, place: true}            # the place itself
      - {name: wider, regions: [E12000002]}   # North West
      - {name: rest_of_uk, everywhere: true}

Anything is classified into its innermost tier; what cannot be placed (an
invalid or unknown postcode or code) is ``unknown``.  Without ``tiers`` the
default is ``place`` -> ``wider`` (the region(s) of the place) -> ``rest_of_uk``.
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


@dataclass(eq=False)  # identity: a Place can key a cache
class Place:
    """A resolved place: its LSOA 2021 codes and its tiers, innermost first."""

    name: str
    lsoas: list[str]
    lad_codes: list[str]
    tiers: list[Tier]
    spec: PlaceSpec
    notes: list[str] = field(default_factory=list)

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


def _resolve_area(area: AreaSpec, geo: pd.DataFrame, where: str) -> tuple[set[str], set[str]]:
    """LSOA 2021 codes and whole countries an area covers; PlaceError naming every unknown code."""
    lsoas: set[str] = set()
    countries: set[str] = set()
    problems = []
    columns = {"lads": "lad24_code", "wards": "ward24_code", "lsoas": "lsoa21_code"}
    for kind, col in columns.items():
        codes = [c.strip().upper() for c in getattr(area, kind)]
        known = geo[col].drop_duplicates()
        for code in codes:
            if code not in set(known):
                problems.append(f"unknown {kind[:-1].upper()} code {code!r}{_suggest(code, known)}")
        lsoas |= set(geo.loc[geo[col].isin(codes), "lsoa21_code"])
    for code in (c.strip().upper() for c in area.regions):
        if code in COUNTRY_NAMES:
            countries.add(code)
            lsoas |= set(geo.loc[geo["country_code"] == code, "lsoa21_code"])
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
            + ". Codes are ONS GSS codes: LAD 2024 (E06/E07/E08/E09/W06), region E12, "
            "ward 2024 (E05/W05), LSOA 2021 (E01/W01)."
        )
    return lsoas, countries


def default_tiers(spec: PlaceSpec, geo: pd.DataFrame, place_lsoas: set[str]) -> list[TierSpec]:
    regions = sorted(set(geo.loc[geo["lsoa21_code"].isin(place_lsoas), "region_code"]))
    return [
        TierSpec(name="place", place=True),
        TierSpec(name="wider", regions=regions),
        TierSpec(name="rest_of_uk", everywhere=True),
    ]


def build_place(spec: PlaceSpec) -> Place:
    """Resolve a PlaceSpec against the LSOA 2021 geography."""
    geo = lsoa21_geography()
    place_lsoas, _ = _resolve_area(spec, geo, f"place '{spec.name}'")
    tiers, notes = [], []
    for t in spec.tiers if spec.tiers is not None else default_tiers(spec, geo, place_lsoas):
        if t.place:
            tiers.append(Tier(t.name, frozenset(place_lsoas)))
        elif t.everywhere:
            tiers.append(Tier(t.name, frozenset(geo["lsoa21_code"]), everywhere=True))
        else:
            lsoas, countries = _resolve_area(t, geo, f"tier '{t.name}' of place '{spec.name}'")
            tiers.append(Tier(t.name, frozenset(lsoas), frozenset(countries)))
    for inner, outer in zip(tiers, tiers[1:]):
        if not outer.everywhere and not inner.lsoas <= outer.lsoas:
            notes.append(
                f"tier '{inner.name}' is not wholly inside tier '{outer.name}': "
                f"{len(inner.lsoas - outer.lsoas)} of its LSOAs are outside it"
            )
    lads = sorted(set(geo.loc[geo["lsoa21_code"].isin(place_lsoas), "lad24_code"]))
    place = Place(spec.name, sorted(place_lsoas), lads, tiers, spec, notes)
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
            if out or t.countries:
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
    """A place from bare LAD 2024 codes ("E07000120" or "E07000117,E07000120"), with default
    tiers."""
    if isinstance(codes, str):
        codes = [c for c in codes.replace(" ", "").split(",") if c]
    if not codes:
        raise PlaceError("No LAD codes given")
    geo = lsoa21_geography()
    if name is None:
        names = geo.drop_duplicates("lad24_code").set_index("lad24_code")["lad24_name"]
        name = ", ".join(str(names.get(c.upper(), c)) for c in codes)
    return build_place(PlaceSpec(name=name, lads=codes))


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
        hit = todo & codes.isin(tier.lsoas)
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
            | located["lad24_code"].isin(districts_within(t.lsoas))  # split LSOA: its district
        )
        tier[covers] = t.name
    if not place.has_everywhere:
        # located, and in no tier: a country no tier names, or a district no tier reaches into
        # (a district a tier covers in part may be in it or not: that stays unknown)
        geo = lsoa21_geography()
        in_tiers = set().union(*(t.lsoas for t in place.tiers))
        reached = set(geo.loc[geo["lsoa21_code"].isin(in_tiers), "lad24_code"])
        away = (located["lsoa21_method"] == "outside_ew") | (
            located["lad24_code"].notna() & ~located["lad24_code"].isin(reached)
        )
        tier[no_lsoa & away & (tier == UNKNOWN)] = OUTSIDE
    tier[~placed] = UNKNOWN
    return located.assign(tier=tier)


def tier_breakdown(place: Place, population: pd.Series | None = None) -> pd.DataFrame:
    """Each tier as a ring (LSOAs in it and not in an inner tier), with LSOA count and
    population."""
    rows, seen = [], set()
    for t in place.tiers:
        ring = t.lsoas - seen
        seen |= t.lsoas
        pop = (
            int(population.reindex(sorted(ring)).fillna(0).sum())
            if population is not None
            else None
        )
        rows.append(
            {"tier": t.name, "lsoa_count": len(ring), "population": pop, "everywhere": t.everywhere}
        )
    return pd.DataFrame(rows)
