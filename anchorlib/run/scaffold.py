"""``anchor new NAME``: a commented collaborative YAML to fill in (and, if asked, its place YAML).

    anchor new mybay --lad E06000008 --lad E06000009 --anchor council --anchor nhs_trust
    anchor new mybay --place data/places/mybay.yml
    anchor new mybay                       # no place yet: fill it in before the file will load

Design (docs/user_guide.md explains it to users):

* **Valid as written, once it has a place.**  With ``--lad`` or ``--place`` the
  file loads with :func:`anchorlib.config.collaborative.load_collaborative` straight
  away, so an analyst can check it after each edit.  Every value a person must
  look at is marked ``TODO`` on its line (:func:`todo_lines` lists them; the
  command prints them).
* **Placeholders cannot reach a report.**  Each anchor's ``ledger.files`` glob
  points at a folder that does not exist yet (``data/ledgers/<NAME>/<anchor>/``),
  so ``anchor ingest`` and ``anchor run`` stop with "matches no file" until the
  anchor's payment exports are put there (or the path is changed).  Without a
  place option the place is an empty inline list, which fails loudly ("a place
  needs at least one of lads, regions, wards or lsoas") until filled in.
* **Every field is there, with a comment**: what it is, allowed values, an
  example.  Optional fields are written commented out.  ``tests/test_scaffold.py``
  checks that every field of the pydantic models appears, so a new field
  without a comment here fails a test.
* Never overwrites: an existing collaborative or place file is an error, and
  nothing is written then.  ``NAME`` is checked like any collaborative id.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from anchorlib.config.collaborative import ANCHOR_TYPES, check_id
from anchorlib.config.places import PlaceSpec, build_place, load_place
from anchorlib.core.errors import AnchorError
from anchorlib.data.catalogue import PROJECT_ROOT
from anchorlib.data.geography import lsoa21_geography
from anchorlib.indicators.progress import default_indicators
from anchorlib.ledgers.read import FIELDS
from anchorlib.suppliers.orgtype import ORG_TYPES

__all__ = [
    "ScaffoldError",
    "Scaffold",
    "scaffold",
    "todo_lines",
    "COLLABORATIVES_DIR",
    "PLACES_DIR",
]

COLLABORATIVES_DIR = PROJECT_ROOT / "collaboratives"
PLACES_DIR = PROJECT_ROOT / "data" / "places"
LEDGERS_DIR = PROJECT_ROOT / "data" / "ledgers"
TODO = "TODO"
#: What marks a line to fill in (the header's prose mentions TODO without the colon).
TODO_MARK = "# TODO:"


class ScaffoldError(AnchorError, ValueError):
    """``anchor new`` cannot write the files (bad name, file exists, unknown code, ...)."""


@dataclass
class Scaffold:
    collaborative: Path
    place: Path | None  # the place YAML written (None: an existing one referenced, or inline)
    todos: list[tuple[int, str]]  # the collaborative file's lines marked TODO
    place_todos: list[tuple[int, str]]  # the place file's


def _q(text: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


def _rel(target: Path, start: Path) -> str:
    """``target`` relative to ``start`` when both are inside the project or both outside it, else
    absolute."""
    target, start = target.resolve(), start.resolve()
    if target.is_relative_to(PROJECT_ROOT) == start.is_relative_to(PROJECT_ROOT):
        return Path(os.path.relpath(target, start)).as_posix()
    return target.as_posix()


def _shown(path: Path) -> str:
    """A path as a user would type it: relative to the project when inside it."""
    p = path.resolve()
    return (
        p.relative_to(PROJECT_ROOT).as_posix() if p.is_relative_to(PROJECT_ROOT) else p.as_posix()
    )


def _title(ident: str) -> str:
    return " ".join(w.capitalize() for w in ident.split("_"))


def _indicator_names() -> list[str]:
    try:
        return sorted(default_indicators())
    except Exception:
        return ["place_share_of_all", "deprived_share_of_located"]


def _org_types() -> list[str]:
    return list(ORG_TYPES)


def _ledger_fields() -> list[str]:
    return list(FIELDS)


# ---------------------------------------------------------------------------------------- the place


def _lad_names(codes: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """{LAD code: name}, {region code: name} for validated LAD 2024 codes (PlaceError on an unknown
    one)."""
    build_place(PlaceSpec(name="new place", lads=codes))  # unknown codes: an error with suggestions
    geo = lsoa21_geography()
    rows = geo[geo["lad24_code"].isin(codes)].drop_duplicates("lad24_code")
    lads = dict(zip(rows["lad24_code"], rows["lad24_name"].astype(str)))
    regions = (
        dict(zip(rows["region_code"], rows["region_name"].astype(str)))
        if "region_name" in rows
        else {r: r for r in rows["region_code"]}
    )
    if any(c not in lads for c in codes):  # Scottish council areas, NI districts: no LSOA 2021
        from anchorlib.data.nations import INDICES, small_area_lookup

        look = small_area_lookup().drop_duplicates("lad_code").set_index("lad_code")
        for c in (c for c in codes if c not in lads and c in look.index):
            lads[c] = str(look.at[c, "lad_name"])
            nation = look.at[c, "nation"]
            regions[INDICES[nation].country_code] = nation
    return lads, dict(sorted(regions.items()))


def place_text(name: str, codes: list[str], path: str = "<this file>") -> str:
    """A commented place YAML for LAD 2024 codes (validated)."""
    lads, regions = _lad_names(codes)
    place_name = ", ".join(lads[c] for c in codes) if len(codes) <= 3 else f"{_title(name)}"
    lad_lines = "\n".join(f"  - {c}  # {lads[c]}" for c in codes)
    region_list = ", ".join(regions)
    region_names = ", ".join(regions.values())
    return f"""\
# Place for the collaborative '{name}': written by `anchor new` on {dt.date.today().isoformat()}.
# What "local" means for this partnership. Check it with:  anchor place {path}
# Full description: docs/user_guide.md ("Define the place") and anchorlib/config/places.py.

# name: how reports name the place. Any text. Example: Lancashire
name: {_q(place_name)}  # {TODO}: check the name reports will use
# description: optional, one sentence shown with the place baseline.
# description: The {len(codes)} local authority districts of ...

# The place itself: any mix of these lists of ONS codes (at least one code in all):
#   lads:    local authority districts, LAD 2024 codes (E06/E07/E08/E09, W06). Example: E07000120 \
(Hyndburn)
#   regions: English regions (E12) or whole countries (E92000001 England, W92000004 Wales, ...)
#   wards:   electoral wards, ward 2024 codes (E05/W05)
#   lsoas:   neighbourhoods, LSOA 2021 codes (E01/W01)
lads:
{lad_lines}
# regions: [E12000002]
# wards: [E05012345]
# lsoas: [E01012345]

# tiers: the nested areas that count as "local", innermost first; every supplier, staff home and
# neighbourhood is put in the innermost tier that contains it (or "unknown" when it cannot be \
placed).
# Each tier has a name (lower case, shown in reports) and exactly one of:
#   place: true       the place above
#   everywhere: true  anywhere in the UK (the outermost tier)
#   lads / regions / wards / lsoas: codes, as above (e.g. a home district inside the place)
# Leave tiers out for the default: place, wider (the place's region), rest_of_uk.
tiers:
# - {{name: home_district, lads: [{codes[0]}]}}   # optional: a tier inside the place
  - {{name: place, place: true}}
  - {{name: wider, regions: [{region_list}]}}   # {region_names}
  - {{name: rest_of_uk, everywhere: true}}
"""


# -------------------------------------------------------------------------------- the collaborative


def _anchor_block(name: str, anchor_id: str, collab_dir: Path, lads: list[str]) -> str:
    ledger_dir = _rel(LEDGERS_DIR / name / anchor_id, collab_dir)
    home = lads[0] if lads else "E07000120"
    return f"""\
  - id: {anchor_id}  # {TODO}: a short id: lower case letters, digits and _ (names its report \
folder)
    # name: the body's full name, shown on its report. Example: Hyndburn Borough Council
    name: {_q(_title(anchor_id))}  # {TODO}: the body's full name
    # type: one of {", ".join(ANCHOR_TYPES)}
    type: other  # {TODO}: the kind of body (one of the list above)
    # home_lad: optional; the LAD 2024 code of the district its head office is in. Example: \
E07000120
    # home_lad: {home}  # {TODO}: its home district (or delete the line)
    # sites: its main sites' postcodes (head office first), shown on maps. Example: [BB5 1LA]
    sites: []  # {TODO}: e.g. [BB5 1LA]
    # aliases: other names it is paid under (trading names, predecessor bodies), so that payments
    # between member anchors are recognised. Example: [Lancashire Police Authority]
    aliases: []
    # ledger: where its payment files ("spend over £500") are. Give exactly one of:
    #   files:  globs (wildcards) relative to this file; the files must be inside this project or
    #           the folder named by ANCHOR_DATA_DIR. CSV, XLSX or XLSM. Example: \
["{ledger_dir}/*.xlsx"]
    #   source: a catalogue source id from data/sources.yml (kind: ledger). Example: ledger_hyndburn
    # columns: optional; when a column is not recognised (see docs/ledger_schema.md), name it:
    #   field: published header, or a list of headers for layouts that changed over the years.
    #   Fields: {", ".join(_ledger_fields())}
    #   Example: {{supplier_name: Vendor, amount: [Net Amount, Amount excl VAT]}}
    #   Or for one layout (its monthly files), keyed as `anchor ledger inspect FILE` prints:
    #   {{layout-1a2b3c4d5e: {{payment_date: Date, amount: Line Total (ex. VAT)}}}}
    ledger:
      files: [{_q(ledger_dir + "/*.csv")}]  # {TODO}: put its payment exports in this folder (or \
change the path)
      # columns: {{amount: Net Amount}}
    # staff: optional; its staff extract (one row per employee: personal data, never published),
    # relative to this file or absolute. Keep it outside the project and never in outputs/.
    # Columns needed: docs/user_guide.md ("Staff extracts"). Example: \
/secure/hr/{anchor_id}_staff_2024-25.xlsx
    # staff: /secure/hr/{anchor_id}_staff.xlsx
    # staff_hours_per_week: optional; the full-time contracted hours a week of its staff (37 for
    # NJC staff, the default; 40 for police officers; 42 for wholetime firefighters).
    # staff_hours_per_week: 37
"""


def _place_block(name: str, place_ref: str | None) -> str:
    """The collaborative file's ``place:``: a reference to a place file, or an inline place."""
    if place_ref is not None:
        place = f"""\
# place: what "local" means: a place YAML file (path relative to this file), or the place written \
inline.
place: {_q(place_ref)}"""
    else:
        place = f"""\
# place: what "local" means: a place YAML file (path relative to this file), e.g. \
../data/places/{name}.yml
# (`anchor new {name}-x --lad CODE` writes one), or the place inline as below. The file will not \
load until
# the place has at least one code.
place:
  name: {_q(_title(name))}  # {TODO}: how reports name the place
  # lads: LAD 2024 codes (E06/E07/E08/E09, W06); or regions (E12), wards (E05) or lsoas (E01) lists
  lads: []  # {TODO}: e.g. [E07000117, E07000120]
  # tiers: leave out for place -> wider (its region) -> rest_of_uk; see docs/user_guide.md"""
    return place


#: Step 7 settings of the scaffold's indicators block (kept apart: collaborative_text is long).
_ADDRESSABLE_DEFAULTS = """\
    # redacted_payees: true leaves payees whose names are withheld (personal data) out of
    # addressable spend; false keeps them. Default true.
    # redacted_payees: true
    # grants_to_individuals: true leaves grants and benefits paid to individuals out of
    # addressable spend (an individual paid for a service stays); false keeps them. Default true.
    # grants_to_individuals: true"""
_COVERAGE_SETTINGS = """\
  # min_located_share: the least share of spend with a located supplier (0-1) at which place and
  # deprivation shares are shown as the partnership's position; below it the located share
  # comes first. Default 0.8.
  # min_located_share: 0.8
  # min_type_coverage: the least share of spend with a known supplier type (0-1) at which SME and
  # VCSE shares are published; below it the page shows the coverage instead. Default 0.8.
  # min_type_coverage: 0.8"""


def collaborative_text(
    name: str, *, place_ref: str | None, lads: list[str], anchors: list[str], collab_dir: Path
) -> str:
    """The commented collaborative YAML that ``anchor new`` writes."""
    place = _place_block(name, place_ref)
    org_types = ", ".join(_org_types())
    indicator_names = ", ".join(_indicator_names())
    anchor_blocks = "".join(_anchor_block(name, a, collab_dir, lads) for a in anchors)
    return f"""\
# Collaborative '{name}': written by `anchor new` on {dt.date.today().isoformat()}.
#
# Fill it in with docs/user_guide.md ("Write the collaborative file") beside you. Every field is
# explained on the lines above it; optional ones are commented out (remove the leading # to use \
one).
# Lines marked {TODO} need your attention: search for {TODO}, change each value and delete the \
{TODO} note.
# Unknown or misspelt fields are refused with an error, never ignored.
# The file loads as written once it has a place; each anchor's ledger path points at a folder that
# does not exist yet, so `anchor ingest` / `anchor run` stop with "matches no file" until its \
files are there.

# id: names the output folder outputs/<id>/. Lower case letters, digits and _, starting with a \
letter.
id: {name}
# name: the partnership's name, shown on every report. Example: Lancashire Anchor Collaborative
name: {_q(_title(name) + " Anchor Collaborative")}  # {TODO}: the partnership's own name
# description: optional; a sentence or two on who the members are and where.
# description: >-
#   The council, the NHS trust and the university in ...

{place}

# baseline_year: the financial year progress is measured against, YYYY-YY (April to March).
# Optional; usually the first full year of every anchor's ledgers. Example: 2022-23
# baseline_year: 2022-23  # {TODO}: set once you know which years the ledgers cover

# simulate_supplier_postcodes: demo only; true or false. true fills supplier postcodes no ledger \
or person
# gives with a seeded simulation (labelled "simulated" everywhere). Keep false for real analysis.
simulate_supplier_postcodes: false
# simulate_staff: demo only; true or false. true simulates a staff extract for each anchor without a
# `staff:` file (labelled simulated). Keep false for real analysis.
simulate_staff: false

# indicators: settings for the published numbers (definitions: docs/indicators.md). The values
# below are the defaults; delete any line to keep its default.
indicators:
  # deprived_deciles: IMD 2025 deciles counted as "most deprived" (1 = most deprived 10%).
  # Distinct numbers 1-10; in use: [1], [1, 2], [1, 2, 3].
  deprived_deciles: [1, 2]
  # deprivation_basis: own_nation (default: each supplier's decile within its own nation's index,
  # IMD 2025, WIMD 2019, SIMD 2020 or NIMDM 2017) or england_only (IMD 2025 only).
  # top_n: how many suppliers the concentration (top-N share) and "top suppliers" tables use; 1 or \
more.
  top_n: 10
  # addressable_exclusions: spend no local supplier could plausibly supply (ICIC addressable spend),
  # left out of the "addressable" figures and listed in every report. Each is a list of
  # case-insensitive regular expressions (categories, suppliers) or organisation types (org_types).
  addressable_exclusions:
    # categories: matched against the category as published. Example:
    # [pension, precept, "\\\\btax(es|ation)?\\\\b"] (not "\\\\btax": it also catches Taxi)
    # A "common:<id>" entry names a common category instead: "common:energy_utilities"
    categories: []
    # suppliers: matched against the supplier's name in the register. Example: ["HM Revenue"]
    suppliers: []
    # org_types: register organisation types left out whole; any of: {org_types}
    # Example: [public_body] (payments to other public bodies)
    org_types: []
{_ADDRESSABLE_DEFAULTS}
  # lm3_survey: optional CSV of a supplier / staff re-spend survey for LM3 (format: \
docs/indicators/spend.md),
  # relative to this file. Example: surveys/lm3_2024.csv
  # lm3_survey: surveys/lm3_2024.csv
  # category_map: optional CSV mapping published categories to the common list (columns: category,
  # common_category), relative to this file. Example: categories/{name}_map.csv
  # category_map: categories/{name}_map.csv
{_COVERAGE_SETTINGS}
  # common_threshold: analyse every anchor above the same publication threshold, in pounds: lines
  # under it are left out of progress and combined figures, so an anchor publishing every line
  # compares with one publishing from £500 (the Transparency Code minimum). Default: none.
  # common_threshold: 500

# targets: the partnership's published goals, tracked in the progress report. Optional. Each has:
#   indicator:   one of {indicator_names}
#   anchor:      an anchor id, or combined (the default: the whole partnership)
#   target:      the value to reach; shares are fractions (0.40 = 40%), totals in pounds
#   by:          the financial year, YYYY-YY
#   baseline:    optional; the value in the baseline year, when it is not computed from the ledgers
#   description: optional; the goal in words, shown in reports
targets: []
# targets:
#   - indicator: place_share_of_procurement
#     anchor: combined
#     target: 0.40
#     by: 2027-28
#     description: Procurement spend with suppliers based in the place (the CLES headline)

# anchors: the member institutions, at least one; ids must be unique. Copy a block to add one.
anchors:
{anchor_blocks}"""


def todo_lines(path: str | Path) -> list[tuple[int, str]]:
    """(line number, line) of every line of a scaffolded file still marked TODO."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [(i, line.strip()) for i, line in enumerate(lines, 1) if TODO_MARK in line]


def _write_new(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise ScaffoldError(
            f"{path} already exists: not overwritten (choose another name, or edit that file)"
        ) from None


def scaffold(
    name: str,
    *,
    lads: list[str] | None = None,
    place: str | Path | None = None,
    anchors: list[str] | None = None,
    collaboratives_dir: str | Path | None = None,
    places_dir: str | Path | None = None,
) -> Scaffold:
    """Write ``<collaboratives_dir>/<name>.yml`` and, with ``lads``, ``<places_dir>/<name>.yml``.

    ``lads``: LAD 2024 codes (a list, or comma-separated strings) for a new place file.  ``place``:
    an existing place YAML to refer to instead.  ``anchors``: anchor ids (default: one,
    ``example_anchor``). Raises :class:`ScaffoldError` (bad name, file exists, both place options)
    or
    :class:`anchorlib.core.errors.PlaceError` (an unknown code, naming close matches); nothing is
    written then.
    """
    try:
        check_id(name)
    except ValueError as exc:
        raise ScaffoldError(f"bad collaborative name {exc}") from None
    codes = [c.strip().upper() for item in (lads or []) for c in str(item).split(",") if c.strip()]
    if codes and place:
        raise ScaffoldError(
            "give --lad codes (a new place file) or --place FILE (an existing one), not both"
        )
    anchors = list(anchors or ["example_anchor"])
    for a in anchors:
        try:
            check_id(a)
        except ValueError as exc:
            raise ScaffoldError(f"bad anchor id {exc}") from None
    dupes = sorted({a for a in anchors if anchors.count(a) > 1})
    if dupes:
        raise ScaffoldError(f"anchor ids must be unique; repeated: {dupes}")

    collab_dir = Path(collaboratives_dir) if collaboratives_dir else COLLABORATIVES_DIR
    collab_path = collab_dir / f"{name}.yml"
    if collab_path.exists():
        raise ScaffoldError(
            f"{collab_path} already exists: not overwritten (choose another name, or edit that "
            "file)"
        )

    place_path: Path | None = None
    place_ref: str | None = None
    place_yaml: str | None = None
    if codes:
        place_path = (Path(places_dir) if places_dir else PLACES_DIR) / f"{name}.yml"
        if place_path.resolve() == collab_path.resolve():
            raise ScaffoldError(
                f"the place file and the collaborative file would both be {collab_path}: "
                "give --places-dir a different folder from --dir"
            )
        if place_path.exists():
            raise ScaffoldError(
                f"{place_path} already exists: not overwritten; use --place {place_path} to "
                "refer to it, or choose another name"
            )
        place_yaml = place_text(name, codes, _shown(place_path))
        place_ref = _rel(place_path, collab_dir)
    elif place:
        existing = Path(place)
        load_place(existing)  # a bad place file fails now, naming it
        place_ref = _rel(existing, collab_dir)
        codes = list(load_place(existing).spec.lads)

    text = collaborative_text(
        name, place_ref=place_ref, lads=codes, anchors=anchors, collab_dir=collab_dir
    )
    if place_path is not None and place_yaml is not None:
        _write_new(place_path, place_yaml)
    try:
        _write_new(collab_path, text)
    except ScaffoldError:
        if place_path is not None:
            place_path.unlink(missing_ok=True)
        raise
    return Scaffold(
        collab_path,
        place_path,
        todo_lines(collab_path),
        todo_lines(place_path) if place_path is not None else [],
    )
