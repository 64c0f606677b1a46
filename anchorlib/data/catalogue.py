"""The data catalogue: sources declared as data in ``data/sources.yml``.

Every file anchorlib reads is declared there with its publisher, licence,
attribution, vintage, official URL, expected path and sha256, and the schema
its loader checks (the owid/etl and PUDL way: metadata beside the data,
validated by a model).  This module validates that file, finds each declared
file on disk, and verifies its checksum.

Resolution order for a file (first hit wins):

1. ``data/`` in this repository (small committed extracts),
2. the folder named by ``ANCHOR_DATA_DIR``,
3. ``../shared/data`` beside this repository, when it exists.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from anchorlib.core.errors import ChecksumMismatchError, MissingSourceFileError, UnknownSourceError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_PATH = PROJECT_ROOT / "data" / "sources.yml"


class ColumnSpec(BaseModel):
    """What a loader checks about one column."""

    model_config = ConfigDict(extra="forbid")
    dtype: Literal["str", "int", "float"]
    pattern: str | None = None
    unique: bool = False
    nullable: bool = False
    min: float | None = None
    max: float | None = None
    isin: list[str | int] | None = None


class SchemaSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: dict[str, ColumnSpec]


class ReadSpec(BaseModel):
    """How to parse the file: format, encoding, separators, whether to cache it."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["csv", "geojson", "codepoint_zip"]
    encoding: str = "utf-8"
    thousands: str | None = None
    compression: Literal["gzip"] | None = None
    all_str: bool = False
    cache: bool = False


class FileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    sha256: str | None = Field(
        default=None, description="None: not pinned yet (optional sources only)"
    )
    bytes: int | None = None
    rows: int | None = None

    @field_validator("sha256")
    @classmethod
    def _hex64(cls, v: str | None) -> str | None:
        return None if v is None else check_sha256(v)


def check_sha256(v: str) -> str:
    """``v`` if it is a sha256 as the catalogue writes it (64 lowercase hex characters), else ValueError."""
    if len(v) != 64 or any(c not in "0123456789abcdef" for c in v):
        raise ValueError(f"sha256 must be 64 lowercase hex characters, got {v!r}")
    return v


class Provenance(BaseModel):
    """Who published a source, under which licence, and where the official copy is."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    publisher: str
    licence: str
    attribution: list[str]
    vintage: str
    url: str
    download: str | None = None
    origin: str | None = None


class Source(Provenance):
    """One declared source: provenance, licence, files and schema."""

    optional: bool = False
    kind: Literal["reference", "ledger"] = "reference"
    files: list[FileSpec]
    read: ReadSpec | None = None
    schema_: SchemaSpec | None = Field(default=None, alias="schema")

    def how_to_get(self) -> str:
        """Plain words on where to download this source from."""
        lines = [f"Download it from {self.url}"]
        if self.download:
            lines[0] += f" ({self.download})"
        if self.origin:
            lines.append(f"The pinned checksum is of this exact copy: {self.origin}")
        return "\n".join(lines)


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    catalogue_version: int
    attribution_common: dict[str, str] = {}
    sources: list[Source]

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, sources: list[Source]) -> list[Source]:
        ids = [s.id for s in sources]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate source ids: {dupes}")
        for s in sources:
            if not s.optional and any(f.sha256 is None for f in s.files):
                raise ValueError(f"source {s.id!r} is required, so every file needs a sha256")
        return sources

    def get(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise UnknownSourceError(
            f"No source {source_id!r} in the catalogue. Declared: {', '.join(s.id for s in self.sources)}"
        )


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and validate ``data/sources.yml``.

    ``ANCHOR_CATALOGUE`` names another catalogue file (the test fixtures use
    one whose checksums are those of the small committed extracts).
    """
    return _load_catalogue(
        Path(path or os.environ.get("ANCHOR_CATALOGUE") or CATALOGUE_PATH).resolve()
    )


@lru_cache(maxsize=8)
def _load_catalogue(path: Path) -> Catalogue:
    with open(path, encoding="utf-8") as fh:
        return Catalogue.model_validate(yaml.safe_load(fh))


def shared_data_dir() -> Path:
    return PROJECT_ROOT.parent / "shared" / "data"


def data_roots() -> list[Path]:
    """The folders searched for data files, in resolution order.

    ``ANCHOR_NO_SHARED=1`` leaves ``../shared/data`` out (to test a machine without it).
    """
    roots = [PROJECT_ROOT / "data"]
    env = os.environ.get("ANCHOR_DATA_DIR")
    if env:
        roots.append(Path(env).expanduser())
    shared = shared_data_dir()
    if shared.is_dir() and not os.environ.get("ANCHOR_NO_SHARED"):
        roots.append(shared)
    return roots


def cache_dir() -> Path:
    """Git-ignored folder for converted caches (``ANCHOR_CACHE_DIR`` overrides)."""
    d = Path(os.environ.get("ANCHOR_CACHE_DIR", PROJECT_ROOT / ".cache" / "anchorlib"))
    d.mkdir(parents=True, exist_ok=True)
    return d


def find_file(source: Source, file: FileSpec, roots: list[Path] | None = None) -> Path | None:
    """First existing copy of ``file`` under the data roots, or None."""
    for root in roots if roots is not None else data_roots():
        candidate = root / file.path
        if candidate.is_file():
            return candidate
    return None


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _stamp_path() -> Path:
    return cache_dir() / "verified.json"


def _read_stamps() -> dict:
    try:
        return json.loads(_stamp_path().read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def verified_sha256(path: Path) -> str:
    """sha256 of ``path``, remembered by (size, mtime) so that a file is hashed once, not on every load."""
    st = path.stat()
    key = str(path.resolve())
    stamps = _read_stamps()
    hit = stamps.get(key)
    if hit and hit["size"] == st.st_size and hit["mtime_ns"] == st.st_mtime_ns:
        return hit["sha256"]
    digest = sha256_of(path)
    stamps[key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
    tmp = _stamp_path().with_suffix(".tmp")
    tmp.write_text(json.dumps(stamps, indent=0))
    tmp.replace(_stamp_path())
    return digest


def resolve(
    source_id: str,
    index: int = 0,
    *,
    catalogue: Catalogue | None = None,
    roots: list[Path] | None = None,
    verify: bool = True,
) -> Path:
    """Path of a declared file, checked against its sha256.

    Raises MissingSourceFileError (naming the source, the official URL and where
    to put the file) or ChecksumMismatchError.
    """
    cat = catalogue or load_catalogue()
    source = cat.get(source_id)
    file = source.files[index]
    roots = roots if roots is not None else data_roots()
    path = find_file(source, file, roots)
    if path is None:
        hit = extract_for(source_id, index, cat)
        if hit is not None and hit[1].format == "raw":  # a byte-identical copy in the demo extract
            note_extract(hit[0])
            return extract_path(*hit)
        searched = "\n".join(f"  - {r / file.path}" for r in roots)
        raise MissingSourceFileError(
            f"Missing data file for source '{source.id}' ({source.title}, {source.publisher}).\n"
            f"Expected file: {file.path}\nLooked in:\n{searched}\n"
            f"{source.how_to_get()}\n"
            f"Put it at <data root>/{file.path}, where <data root> is the folder named by "
            f"ANCHOR_DATA_DIR (set it), or {PROJECT_ROOT / 'data'}."
        )
    if verify and file.sha256 is not None:
        actual = verified_sha256(path)
        if actual != file.sha256:
            raise ChecksumMismatchError(
                f"Checksum mismatch for source '{source.id}' file {path}:\n"
                f"  expected sha256 {file.sha256}\n  found    sha256 {actual}\n"
                f"The file is not the declared release. {source.how_to_get()}"
            )
    return path


# ---------------------------------------------------------------- the demo extract (data/demo/)
#
# ``anchor data build-demo`` (anchorlib.demo.extract) cuts from the full sources exactly what the demo
# collaborative needs and writes it under data/demo/ with its own catalogue, data/demo/sources.yml.
# When a full file is missing, ``resolve`` (byte-identical copies: the ledgers) and
# ``anchorlib.data.readers.read_source`` (Parquet extracts) fall back to the extract with a one-line
# note, but only when the extract was cut from exactly the declared file (same sha256).  Asking
# for data outside the extract's coverage is an OutsideExtractError naming the full file to get.

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
DEMO_CATALOGUE_PATH = DEMO_DIR / "sources.yml"


class OutsideExtractError(MissingSourceFileError):
    """Data outside the demo extract's coverage was asked for while the full file is missing."""


class ExtractFile(BaseModel):
    """One file of the extract and the full file it was cut from."""

    model_config = ConfigDict(extra="forbid")
    path: str = Field(description="relative to data/demo/")
    format: Literal["parquet", "geoparquet", "raw"]
    sha256: str
    bytes: int
    rows: int | None = None
    source_path: str = Field(
        description="the full file's path under a data root (as in data/sources.yml)"
    )
    source_sha256: str = Field(description="sha256 of the full file it was cut from")

    @field_validator("sha256", "source_sha256")
    @classmethod
    def _hex64(cls, v: str) -> str:
        return check_sha256(v)


class ExtractSource(Provenance):
    """A source of the extract: the provenance of data/sources.yml, and what was kept and how."""

    coverage: Literal["complete", "clipped"]
    coverage_note: str = Field(
        description="one line: what the extract covers (printed when it is used)"
    )
    filter: str = Field(description="rows and columns kept, in plain words")
    columns: list[str] | None = Field(
        default=None, description="columns kept (None: every column, raw copies)"
    )
    all_columns: list[str] | None = Field(
        default=None, description="columns of the full file, as read"
    )
    derived: dict[str, list[str]] = Field(
        default={},
        description="column -> [numerator, denominator]: recomputed on read, checked bit-identical at build",
    )
    files: list[ExtractFile]


class DemoExtract(BaseModel):
    """data/demo/sources.yml: the catalogue of the demo extract."""

    model_config = ConfigDict(extra="forbid")
    extract_version: int
    description: str
    built_by: str = Field(description="the command that built it")
    collaborative: str
    place: str
    region: str
    region_name: str
    postcode_districts: list[str] = Field(
        description="postcode districts (outward codes) with every postcode kept"
    )
    rest_of_uk: str
    sources: list[ExtractSource]

    def get(self, source_id: str) -> ExtractSource | None:
        return next((s for s in self.sources if s.id == source_id), None)


def load_extract(path: Path | str | None = None) -> DemoExtract | None:
    """The demo extract's catalogue (validated), or None when there is none."""
    return _load_extract(Path(path or DEMO_CATALOGUE_PATH).resolve())


@lru_cache(maxsize=4)
def _load_extract(path: Path) -> DemoExtract | None:
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as fh:
        return DemoExtract.model_validate(yaml.safe_load(fh))


def extract_for(
    source_id: str, index: int = 0, catalogue: Catalogue | None = None
) -> tuple[ExtractSource, ExtractFile] | None:
    """The extract of a declared file, when there is one cut from exactly that file (same sha256)."""
    ext = load_extract()
    if ext is None:
        return None
    src = ext.get(source_id)
    if src is None:
        return None
    file = (catalogue or load_catalogue()).get(source_id).files[index]
    hit = next((f for f in src.files if f.source_path == file.path), None)
    if hit is None or file.sha256 is None or hit.source_sha256 != file.sha256:
        return None
    return src, hit


_NOTED: set[str] = set()


def note_extract(src: ExtractSource) -> None:
    """One line on stderr, once per source and process, saying the demo extract is used."""
    if src.id in _NOTED:
        return
    _NOTED.add(src.id)
    import sys

    sys.stderr.write(
        f"note: source '{src.id}' is not on this machine: using the demo extract in "
        f"{DEMO_DIR.relative_to(PROJECT_ROOT)}/ ({src.coverage_note})\n"
    )


def extract_path(src: ExtractSource, file: ExtractFile) -> Path:
    """Path of an extract file, checked against its sha256 (ChecksumMismatchError otherwise)."""
    path = DEMO_DIR / file.path
    if not path.is_file():
        raise MissingSourceFileError(
            f"The demo extract's catalogue ({DEMO_CATALOGUE_PATH}) lists {path}, "
            "which is missing: rebuild it with `anchor data build-demo`."
        )
    actual = verified_sha256(path)
    if actual != file.sha256:
        raise ChecksumMismatchError(
            f"Checksum mismatch for the demo extract of '{src.id}' ({path}):\n"
            f"  expected sha256 {file.sha256}\n  found    sha256 {actual}\n"
            "Rebuild it with `anchor data build-demo`, or restore it from git."
        )
    return path


def extract_in_use(source_id: str, catalogue: Catalogue | None = None) -> ExtractSource | None:
    """The extract source when the full file of ``source_id`` is missing and the extract stands in for it."""
    cat = catalogue or load_catalogue()
    try:
        source = cat.get(source_id)
    except UnknownSourceError:
        return None
    roots = data_roots()
    for i, f in enumerate(source.files):
        if find_file(source, f, roots) is None:
            hit = extract_for(source_id, i, cat)
            if hit is not None:
                return hit[0]
    return None


def outside_extract_error(
    what: str, source_ids: list[str], catalogue: Catalogue | None = None
) -> OutsideExtractError:
    """The error for data outside the extract: what was asked, and each full file to download and where."""
    cat = catalogue or load_catalogue()
    parts = [
        f"{what}\nOnly the demo extract (data/demo/) of these sources is on this machine, and it does not "
        "cover that. Get the full files:"
    ]
    for sid in source_ids:
        s = cat.get(sid)
        ext = load_extract().get(sid)
        parts.append(
            f"- '{sid}' ({s.title}); the extract covers: {ext.coverage_note if ext else '?'}\n  "
            + s.how_to_get().replace("\n", "\n  ")
            + "\n  Put it at <data root>/"
            + ", <data root>/".join(f.path for f in s.files)
        )
    parts.append(
        f"<data root> is the folder named by ANCHOR_DATA_DIR (set it), or {PROJECT_ROOT / 'data'}."
    )
    return OutsideExtractError("\n".join(parts))


#: Extracts clipped to the region (and the postcode districts around it) rather than complete.
REGION_CLIPPED = ("boundaries_lsoa21", "onspd_lookup", "codepoint_open")


def check_place_in_extract(place) -> None:
    """OutsideExtractError when a place (or one of its tiers but the outermost ``everywhere``) reaches
    outside the demo extract's region while a clipped extract stands in for a full file."""
    in_use = [sid for sid in REGION_CLIPPED if extract_in_use(sid)]
    if not in_use:
        return
    from anchorlib.data.geography import lsoa21_geography

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


def check_postcodes_in_extract(keys) -> None:
    """OutsideExtractError when postcodes (keys, e.g. "BB51AA") were not found in a postcode index built
    from the demo extract and lie outside its postcode districts (the full lookup might have them)."""
    in_use = [sid for sid in ("onspd_lookup", "codepoint_open") if extract_in_use(sid)]
    if not in_use:
        return
    districts = set(load_extract().postcode_districts)
    outside = sorted({k for k in keys if isinstance(k, str) and k[:-3] not in districts})
    if outside:
        shown = ", ".join(f"{k[:-3]} {k[-3:]}" for k in outside[:8]) + (
            " ..." if len(outside) > 8 else ""
        )
        raise outside_extract_error(
            f"{len(outside)} postcode(s) lie outside the demo extract's postcode districts: {shown}.",
            in_use,
        )
