"""A collaborative declared in YAML: its place, its anchors and where each anchor's ledger is.

    id: lancashire
    name: Lancashire Anchor Collaborative (demo)
    place: ../data/places/lancashire.yml      # a place file, or the place inline
    baseline_year: 2022-23
    anchors:
      - id: hyndburn
        name: Hyndburn Borough Council
        type: local_authority
        home_lad: E07000120
        sites: [BB5 1LA]
        ledger:
          source: ledger_hyndburn               # a catalogue source: its files, checksum-verified
          # files: [ledgers/hyndburn/*.csv]     # or globs, relative to this YAML file
          # columns: {amount: Net Amount}       # or override the detected column mapping

Errors name the file, the anchor and the field, and unknown fields are refused
(a typo must not silently drop a setting).
"""

from __future__ import annotations

import contextlib
import glob
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from anchorlib.config.places import Place, PlaceSpec, build_place, load_place
from anchorlib.core.errors import AnchorError, PlaceError
from anchorlib.core.yamlfile import read_yaml
from anchorlib.data.catalogue import PROJECT_ROOT, data_roots, load_catalogue
from anchorlib.data.geography import lsoa21_geography
from anchorlib.data.readers import resolve

ANCHOR_TYPES = (
    "local_authority",
    "nhs_trust",
    "icb",
    "university",
    "college",
    "police",
    "fire",
    "housing_association",
    "cultural",
    "other",
)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def check_id(v: str) -> str:
    """``v`` if it is a valid id (lower case letters, digits and _, starting with a letter), else
    ValueError."""
    if not _ID.match(v):
        raise ValueError(
            f"{v!r}: ids are lower case letters, digits and _ (they name output folders)"
        )
    return v


#: An anchor or collaborative id: it names output folders, so it is kept simple.
Ident = Annotated[str, AfterValidator(check_id)]


class CollaborativeError(AnchorError, ValueError):
    """A collaborative file is invalid."""


class LedgerSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: str | None = None
    files: list[str] = []
    #: {field: header or [headers]} for every file, and {'layout-<signature>': {field: header}}
    #: for the files whose header row has that signature (`anchor ledger inspect` prints it)
    columns: dict[str, str | list[str] | dict[str, str | list[str]]] | None = None

    @model_validator(mode="after")
    def _one_of(self):
        if bool(self.source) == bool(self.files):
            raise ValueError(
                "give either source (a catalogue source id) or files (globs), not both or neither"
            )
        return self


class AddressableExclusions(BaseModel):
    """What no local supplier could plausibly supply (ICIC addressable spend), shown in every
    report."""

    model_config = ConfigDict(extra="forbid")
    #: case-insensitive regular expressions matched against the category as published
    categories: list[str] = []
    #: case-insensitive regular expressions matched against the supplier's canonical name
    suppliers: list[str] = []
    #: register organisation types excluded whole (e.g. public_body: payments to other public
    #: bodies)
    org_types: list[str] = []
    #: leave redacted payees (names withheld: personal data) out of addressable spend (default)
    redacted_payees: bool = True
    #: leave grants and benefits paid to individuals out of addressable spend (default)
    grants_to_individuals: bool = True


class IndicatorSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: IMD 2025 deciles counted as "most deprived" (1 = most deprived 10%); 1, 1-2 and 1-3 are all
    #: in use
    deprived_deciles: list[int] = [1, 2]
    top_n: int = Field(default=10, ge=1)
    addressable_exclusions: AddressableExclusions = AddressableExclusions()
    #: optional CSV of supplier and staff re-spend survey results for LM3 (see
    #: docs/indicators/spend.md)
    lm3_survey: str | None = None
    #: optional CSV mapping published categories to a common list (columns: category,
    #: common_category)
    category_map: str | None = None
    #: which index gives a located supplier its decile: ``own_nation`` (England IMD 2025, Wales
    #: WIMD 2019, Scotland SIMD 2020, Northern Ireland NIMDM 2017, each within its own nation) or
    #: ``england_only`` (IMD 2025 only: suppliers outside England have no decile)
    deprivation_basis: Literal["own_nation", "england_only"] = "own_nation"
    #: the least located share (spend with a located supplier / all spend) at which place, tier
    #: and deprivation shares are presented as the position (a fraction; below it the located
    #: share is stated first; anchorlib.indicators.gates)
    min_located_share: float = Field(default=0.8, ge=0, le=1)
    #: the least share of spend whose supplier type (organisation type, size band) is known at
    #: which SME and VCSE shares are published (a fraction; below it the coverage is shown)
    min_type_coverage: float = Field(default=0.8, ge=0, le=1)
    #: analyse every anchor above the same publication threshold (pounds, e.g. 500, the Local
    #: Government Transparency Code 2015 minimum): lines under it are left out of every anchor's
    #: progress and combined figures, so anchors publishing from £250 or every line compare with
    #: those publishing from £500 (anchorlib.indicators.coverage).  None: every line published.
    common_threshold: float | None = Field(default=None, ge=0)

    @field_validator("deprived_deciles")
    @classmethod
    def _deciles(cls, v: list[int]) -> list[int]:
        if not v or any(d < 1 or d > 10 for d in v) or len(set(v)) != len(v):
            raise ValueError(f"deprived_deciles must be distinct deciles 1-10, got {v}")
        return sorted(v)


class Target(BaseModel):
    """A published goal, e.g. local spend from 5% to 18% by 2027-28."""

    model_config = ConfigDict(extra="forbid")
    indicator: str
    anchor: str = "combined"
    target: float
    by: str = Field(pattern=r"^\d{4}-\d{2}$")
    baseline: float | None = None
    description: str | None = None


class AnchorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Ident
    name: str
    type: Literal[ANCHOR_TYPES]  # type: ignore[valid-type]
    home_lad: str | None = None
    sites: list[str] = []
    #: other names this body is paid under (trading names, predecessor bodies), for
    #: intra-collaborative payments
    aliases: list[str] = []
    ledger: LedgerSpec | None = None
    #: staff extract (one row per employee; personal data, never published), relative to this YAML
    staff: str | None = None
    #: full-time contracted hours per week of the anchor's staff (37 NJC staff, 40 police
    #: officers, 42 wholetime firefighters); None: 37.  FTE = hours / this; hourly rate from pay.
    staff_hours_per_week: float | None = Field(default=None, gt=0, le=60)


class CollaborativeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Ident
    name: str
    description: str | None = None
    place: str | PlaceSpec
    baseline_year: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$")
    #: demo only: fill supplier postcodes no source gives by a seeded simulation (labelled
    #: simulated)
    simulate_supplier_postcodes: bool = False
    #: demo only: simulated staff extracts for anchors without one (labelled simulated)
    simulate_staff: bool = False
    indicators: IndicatorSettings = IndicatorSettings()
    targets: list[Target] = []
    anchors: list[AnchorSpec]

    @model_validator(mode="after")
    def _unique(self):
        ids = [a.id for a in self.anchors]
        if not ids:
            raise ValueError("a collaborative needs at least one anchor")
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"anchor ids must be unique; repeated: {dupes}")
        return self


class Collaborative:
    """A loaded collaborative: the spec, where it came from, its resolved place and ledger files."""

    def __init__(self, spec: CollaborativeSpec, path: Path):
        self.spec = spec
        self.path = path

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def anchors(self) -> list[AnchorSpec]:
        return self.spec.anchors

    def anchor(self, anchor_id: str) -> AnchorSpec:
        for a in self.anchors:
            if a.id == anchor_id:
                return a
        raise CollaborativeError(
            f"{self.path}: no anchor {anchor_id!r}; anchors: {[a.id for a in self.anchors]}"
        )

    @cached_property
    def place(self) -> Place:
        if isinstance(self.spec.place, PlaceSpec):
            try:
                return build_place(self.spec.place)
            except PlaceError as exc:
                raise CollaborativeError(f"{self.path}: {exc}") from None
        return load_place(self.path.parent / self.spec.place)

    def output_dir(self, root: Path | None = None) -> Path:
        return (root or PROJECT_ROOT / "outputs") / self.id

    def ledger_files(self, anchor: AnchorSpec) -> list[Path]:
        """The anchor's ledger files, in name order; catalogue files are checksum-verified."""
        spec = anchor.ledger
        where = f"{self.path}: anchor '{anchor.id}'"
        if spec is None:
            raise CollaborativeError(f"{where} declares no ledger")
        if spec.source:
            try:
                source = load_catalogue().get(spec.source)
            except KeyError as exc:
                raise CollaborativeError(f"{where}: ledger.source: {exc}") from None
            return sorted(
                (resolve(spec.source, i) for i in range(len(source.files))), key=lambda p: p.name
            )
        return self._globbed(spec.files, where)

    def _globbed(self, patterns: list[str], where: str) -> list[Path]:
        allowed = [PROJECT_ROOT.resolve(), *(r.resolve() for r in data_roots())]
        found: list[Path] = []
        for pattern in patterns:
            full = pattern if Path(pattern).is_absolute() else str(self.path.parent / pattern)
            hits = sorted(Path(p) for p in glob.glob(full, recursive=True) if Path(p).is_file())
            if not hits:
                raise CollaborativeError(
                    f"{where}: ledger.files pattern {pattern!r} matches no file ({full})"
                )
            for h in hits:
                if not any(h.resolve().is_relative_to(a) for a in allowed):
                    raise CollaborativeError(
                        f"{where}: {h} is outside the project and the data roots; copy it under "
                        f"{PROJECT_ROOT} or ANCHOR_DATA_DIR"
                    )
            found += hits
        return sorted(dict.fromkeys(found), key=lambda p: p.name)


def _errors(exc: ValidationError, raw: dict) -> str:
    lines = []
    for e in exc.errors():
        loc = list(e["loc"])
        label = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "anchors" and isinstance(loc[1], int):
            with contextlib.suppress(IndexError, AttributeError, KeyError):
                label = f"anchor '{raw['anchors'][loc[1]].get('id', loc[1])}': " + ".".join(
                    str(p) for p in loc[2:]
                )
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = (
                "unknown field (check the spelling; allowed fields are documented in "
                "anchorlib/config/collaborative.py)"
            )
        lines.append(f"  {label or '(top)'}: {msg}")
    return "\n".join(lines)


def load_collaborative(path: str | Path) -> Collaborative:
    """Read and validate a collaborative YAML file (its place is resolved on first use)."""
    path = Path(path)
    raw = read_yaml(path, CollaborativeError, "Collaborative file")
    if not isinstance(raw, dict):
        raise CollaborativeError(f"{path}: expected a mapping of fields (id, name, place, anchors)")
    try:
        spec = CollaborativeSpec.model_validate(raw)
    except ValidationError as exc:
        raise CollaborativeError(f"{path}: invalid collaborative:\n{_errors(exc, raw)}") from None
    collab = Collaborative(spec, path.resolve())
    _check_codes(collab)
    return collab


def _check_codes(collab: Collaborative) -> None:
    """Resolve the place now, and check each anchor's home LAD is a known LAD 2024 code."""
    _ = collab.place  # resolve now, so that a bad place code fails at load, naming the file

    known = set(lsoa21_geography()["lad24_code"])
    for a in collab.anchors:
        if a.home_lad and a.home_lad not in known:
            raise CollaborativeError(
                f"{collab.path}: anchor '{a.id}': home_lad: unknown LAD 2024 code {a.home_lad!r}"
            )
