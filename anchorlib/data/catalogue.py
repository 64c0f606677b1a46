"""The data catalogue: sources declared as data in ``data/sources.yml``.

Every file anchorlib reads is declared there with its publisher, licence,
attribution, vintage, official URL, expected path and sha256, and the schema
its loader checks (the owid/etl and PUDL way: metadata beside the data,
validated by a model).  This module validates that file, finds each declared
file on disk, and computes checksums (remembered by size and mtime).
:func:`anchorlib.data.readers.resolve` gives a file's verified path (or its copy in
the demo extract, :mod:`anchorlib.data.extract`).

Data roots, in resolution order (first hit wins):

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

from anchorlib.core.errors import UnknownSourceError

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
    """``v`` if it is a sha256 as the catalogue writes it (64 lowercase hex characters), else
    ValueError."""
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


#: The provenance fields, in the order a catalogue declares them.
PROVENANCE_FIELDS = tuple(Provenance.model_fields)


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
            f"No source {source_id!r} in the catalogue. "
            f"Declared: {', '.join(s.id for s in self.sources)}"
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
    """sha256 of ``path``, remembered by (size, mtime) so that a file is hashed once, not on every
    load."""
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
