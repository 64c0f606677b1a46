"""The demo extract (data/demo/): a small cut of the sources that stands in for missing full files.

``anchor data build-demo`` (:mod:`anchorlib.demo.extract`) cuts from the full sources exactly what
the demo collaborative needs and writes it under data/demo/ with its own catalogue,
data/demo/sources.yml, validated here.  When a full file is missing,
:func:`anchorlib.data.readers.resolve` (byte-identical copies: the ledgers) and
:func:`anchorlib.data.readers.read_source` (Parquet extracts) fall back to the extract with a
one-line note, but only when the extract was cut from exactly the declared file (same sha256).
Asking for data outside the extract's coverage is an :class:`OutsideExtractError` naming the full
file to get (:func:`outside_extract_error`; the place check is
:func:`anchorlib.config.places.check_place_in_extract`).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from anchorlib.core.errors import ChecksumMismatchError, MissingSourceFileError, UnknownSourceError
from anchorlib.data.catalogue import (
    PROJECT_ROOT,
    Catalogue,
    Provenance,
    check_sha256,
    data_roots,
    find_file,
    load_catalogue,
    verified_sha256,
)

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
        description="column -> [numerator, denominator]: recomputed on read, checked "
        "bit-identical at build",
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
    """The extract of a declared file, when there is one cut from exactly that file (same
    sha256)."""
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
    """The extract source when the full file of ``source_id`` is missing and the extract stands
    in for it."""
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
    """The error for data outside the extract: what was asked, and each full file to download and
    where."""
    cat = catalogue or load_catalogue()
    parts = [
        f"{what}\nOnly the demo extract (data/demo/) of these sources is on this machine, and it "
        "does not cover that. Get the full files:"
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


def check_postcodes_in_extract(keys) -> None:
    """OutsideExtractError when postcodes (keys, e.g. "BB51AA") were not found in a postcode index
    built from the demo extract and lie outside its postcode districts (the full lookup might have
    them)."""
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
            f"{len(outside)} postcode(s) lie outside the demo extract's postcode districts: "
            f"{shown}.",
            in_use,
        )
