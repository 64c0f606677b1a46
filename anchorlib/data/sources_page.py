"""docs/data_sources.md, generated from the data catalogue (data/sources.yml).

    anchor data sources-page            # writes docs/data_sources.md
    anchor data sources-page --check    # exits 1 when the committed page is out of date

The page is rendered from the validated pydantic models of
:mod:`anchorlib.data.catalogue` only (never from what is on this machine's disk), so
two machines write the same bytes.  Fields the renderer does not know by name
(a new field of ``Source`` or of the catalogue, e.g. a demo-extract section) are
still rendered, generically, so that the page never silently drops something the
catalogue declares.  ``tests/test_sources_page.py`` fails when the committed page
differs from what this module renders.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from anchorlib.data.catalogue import (
    CATALOGUE_PATH,
    PROJECT_ROOT,
    PROVENANCE_FIELDS,
    Catalogue,
    Source,
    load_catalogue,
)
from anchorlib.data.extract import DEMO_CATALOGUE_PATH, DemoExtract, load_extract

__all__ = ["PAGE_PATH", "COMMAND", "render_sources_page", "write_sources_page", "page_is_current"]

PAGE_PATH = PROJECT_ROOT / "docs" / "data_sources.md"
COMMAND = "anchor data sources-page"

#: Source fields rendered by name; any other field is rendered generically under "Other details".
_KNOWN_SOURCE_FIELDS = {
    *PROVENANCE_FIELDS,
    "optional",
    "kind",
    "files",
    "read",
    "schema_",
}
_KNOWN_CATALOGUE_FIELDS = {"catalogue_version", "attribution_common", "sources"}


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(value).split()).replace("|", "\\|")


def _code(value: Any) -> str:
    text = str(value)
    return f"``{text}``" if "`" in text else f"`{text}`"


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _generic(value: Any, indent: int = 0) -> list[str]:
    """Any value as a nested Markdown bullet list (for fields without a dedicated layout)."""
    value = _plain(value)
    pad = "  " * indent
    if isinstance(value, dict):
        lines = []
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}- {k}:")
                lines += _generic(v, indent + 1)
            else:
                lines.append(f"{pad}- {k}: {_scalar(v)}")
        return lines
    if isinstance(value, list):
        lines = []
        for v in value:
            if isinstance(v, dict) and v:
                first, *rest = _generic(v, indent + 1)
                lines.append(f"{pad}- " + first.strip()[2:])
                lines += rest
            elif isinstance(v, list) and v:
                lines.append(f"{pad}-")
                lines += _generic(v, indent + 1)
            else:
                lines.append(f"{pad}- {_scalar(v)}")
        return lines
    return [f"{pad}- {_scalar(value)}"]


def _scalar(v: Any) -> str:
    if v is None:
        return "(none)"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, dict)) and not v:
        return "(none)"
    return " ".join(str(v).split())


def _status(src: Source) -> str:
    pinned = all(f.sha256 for f in src.files)
    need = "optional" if src.optional else "required"
    if pinned:
        return f"{need}; in the data bundle (checksum pinned)"
    return f"{need}; not in the data bundle: download it yourself (checksum not pinned)"


def _anchor(src_id: str) -> str:
    """The heading's link target as GitHub and most Markdown renderers make it (backticks
    dropped)."""
    return "".join(c for c in src_id.lower() if c.isalnum() or c in "-_")


def _files_table(src: Source) -> list[str]:
    lines = ["| file | sha256 | bytes | rows |", "| --- | --- | ---: | ---: |"]
    for f in src.files:
        sha = _code(f.sha256) if f.sha256 else "not pinned"
        size = f"{f.bytes:,}" if f.bytes is not None else ""
        rows = f"{f.rows:,}" if f.rows is not None else ""
        lines.append(f"| {_code(f.path)} | {sha} | {size} | {rows} |")
    # any field a FileSpec gains later
    extra = sorted(
        {k for f in src.files for k in type(f).model_fields} - {"path", "sha256", "bytes", "rows"}
    )
    for k in extra:
        values = [getattr(f, k) for f in src.files if getattr(f, k) is not None]
        if values:
            lines.append("")
            lines.append(
                f"File {k}: "
                + "; ".join(
                    f"{_code(f.path)}: {_scalar(getattr(f, k))}"
                    for f in src.files
                    if getattr(f, k) is not None
                )
            )
    return lines


def _schema(src: Source) -> list[str]:
    if src.schema_ is None or not src.schema_.columns:
        return []
    cols = ", ".join(f"{_code(name)} ({spec.dtype})" for name, spec in src.schema_.columns.items())
    return [f"**Columns checked on loading** ({len(src.schema_.columns)}): {cols}.", ""]


def _source_section(src: Source) -> list[str]:
    rows = [
        ("Publisher", src.publisher),
        ("Licence", src.licence),
        ("Vintage", src.vintage),
        ("Official page", src.url),
    ]
    if src.download:
        rows.append(("What to download", src.download))
    if src.origin:
        rows.append(("Origin of the pinned copy", src.origin))
    rows.append(("Status", _status(src)))
    rows.append(("Kind", src.kind))
    if src.read is not None:
        settings = src.read.model_dump(exclude_none=True, exclude_defaults=True)
        fmt = settings.pop("format", src.read.format)
        rows.append(
            (
                "Format",
                "; ".join([str(fmt)] + [f"{k} {_code(_scalar(v))}" for k, v in settings.items()]),
            )
        )
    lines = [f"### `{src.id}`", "", f"**{_cell(src.title)}**", "", "| | |", "| --- | --- |"]
    lines += [f"| {k} | {_cell(v)} |" for k, v in rows]
    lines += ["", "Attribution to print beside any output that uses it:", ""]
    lines += [f"- {_cell(a)}" for a in src.attribution]
    lines += ["", *_files_table(src), ""]
    lines += _schema(src)
    extra = [k for k in type(src).model_fields if k not in _KNOWN_SOURCE_FIELDS]
    shown = [(k, getattr(src, k)) for k in extra if getattr(src, k) not in (None, [], {})]
    if shown:
        lines.append("**Other details**")
        lines.append("")
        for k, v in shown:
            if isinstance(_plain(v), (dict, list)):
                lines.append(f"- {k}:")
                lines += _generic(v, 1)
            else:
                lines.append(f"- {k}: {_scalar(v)}")
        lines.append("")
    what = " (see *What to download* above)" if src.download else ""
    copy = (
        " The pinned checksum is of the copy described under *Origin*."
        if src.origin and all(f.sha256 for f in src.files)
        else ""
    )
    lines.append(
        f"**When it is missing:** download it from {src.url}{what} and put each file at "
        "`<data root>/<file>`, where a data root is `data/`, the folder named by "
        f"`ANCHOR_DATA_DIR`, or `../shared/data`.{copy}"
    )
    lines.append("")
    return lines


def load_demo_extract() -> DemoExtract | None:
    """The demo extract's catalogue (data/demo/sources.yml) when there is one, else None."""
    return load_extract(DEMO_CATALOGUE_PATH)


def _extract_section(extract) -> list[str]:
    """The demo extract: what it is, and per source what was kept, its files and checksums."""
    if extract is None:
        return []
    top = {k: getattr(extract, k) for k in type(extract).model_fields if k != "sources"}
    out = [
        "## The demo extract",
        "",
        "A small cut of the sources, committed under `data/demo/` with its own catalogue "
        "(`data/demo/sources.yml`), so that the demo runs without the full data bundle. When a "
        "full file is missing, anchorlib falls back to the extract (with a note), and only when "
        "the extract was cut from exactly the declared file.",
        "",
        "| | |",
        "| --- | --- |",
    ]
    for k, v in top.items():
        if v not in (None, [], {}):
            out.append(
                f"| {k.replace('_', ' ')} | "
                f"{_cell(', '.join(map(str, v)) if isinstance(v, list) else _scalar(v))} |"
            )
    out.append("")
    for src in getattr(extract, "sources", []) or []:
        out += [f"### Extract of `{src.id}`", ""]
        for k in type(src).model_fields:
            if k in PROVENANCE_FIELDS or k == "files":
                continue
            v = getattr(src, k)
            if v in (None, [], {}):
                continue
            if k in ("columns", "all_columns") and isinstance(v, list):
                out.append(f"- {k.replace('_', ' ')} ({len(v)}): " + ", ".join(_code(c) for c in v))
            elif isinstance(_plain(v), (dict, list)):
                out.append(f"- {k.replace('_', ' ')}:")
                out += _generic(v, 1)
            else:
                out.append(f"- {k.replace('_', ' ')}: {_scalar(v)}")
        files = getattr(src, "files", []) or []
        if files:
            names = [k for k in type(files[0]).model_fields]
            out += [
                "",
                "| " + " | ".join(n.replace("_", " ") for n in names) + " |",
                "| " + " | ".join("---" for _ in names) + " |",
            ]
            for f in files:
                cells = []
                for n in names:
                    v = getattr(f, n)
                    cells.append(
                        ""
                        if v is None
                        else (
                            f"{v:,}"
                            if isinstance(v, int) and not isinstance(v, bool)
                            else _code(v)
                            if n in ("path", "sha256", "source_path", "source_sha256")
                            else _cell(v)
                        )
                    )
                out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return out


_NO_EXTRACT = object()


def render_sources_page(
    catalogue: Catalogue | None = None, source_path: str = "data/sources.yml", extract=_NO_EXTRACT
) -> str:
    """The Markdown page for ``catalogue`` (default: the project's data/sources.yml, never
    ANCHOR_CATALOGUE).

    ``extract``: the demo extract's catalogue to describe (default: data/demo/sources.yml when
    present; None: no extract section).
    """
    cat = catalogue if catalogue is not None else load_catalogue(CATALOGUE_PATH)
    if extract is _NO_EXTRACT:
        extract = load_demo_extract()
    out = [
        "# Data sources",
        "",
        f"<!-- Generated from {source_path} by `{COMMAND}`: do not edit by hand; edit "
        f"{source_path} and run the command again. -->",
        "",
        f"Every file anchorlib reads is declared in [`{source_path}`](../{source_path}) "
        f"(catalogue version {cat.catalogue_version}): who published it, its licence and the "
        "exact attribution text, its vintage, where to get it, and the sha256 of the exact copy "
        "anchorlib was tested with. A file whose checksum differs is an error, never a warning.",
        "",
        "Files are looked for under these data roots, in order: `data/` in this repository, the "
        "folder named by the environment variable `ANCHOR_DATA_DIR`, and `../shared/data` beside "
        "the repository. `anchor data check` says, for every source, whether it is present and "
        "whether its checksum matches.",
        "",
        "*Required* sources must be present for the reports to run. *Optional* ones are used "
        "when present. *In the data bundle* means the checksum of a tested copy is pinned (the "
        "bundle in `../shared/data` has it); *not in the data bundle* means you download it from "
        "the publisher and anchorlib uses it as is.",
        "",
        "## Summary",
        "",
        "| source | title | publisher | licence | vintage | status | files |",
        "| --- | --- | --- | --- | --- | --- | ---: |",
    ]
    for s in cat.sources:
        out.append(
            f"| [`{s.id}`](#{_anchor(s.id)}) | {_cell(s.title)} | {_cell(s.publisher)} | "
            f"{_cell(s.licence)} | {_cell(s.vintage)} | {_cell(_status(s))} | {len(s.files)} |"
        )
    out += [
        "",
        "## Attribution",
        "",
        "Outputs that use the reference data carry these statements (each source below lists its "
        "own):",
        "",
    ]
    for key, text in cat.attribution_common.items():
        out.append(f"- {_cell(text)} ({_code(key)})")
    out.append("")
    extra = [k for k in type(cat).model_fields if k not in _KNOWN_CATALOGUE_FIELDS]
    for k in extra:
        value = getattr(cat, k)
        if value in (None, [], {}):
            continue
        out += [f"## {k.replace('_', ' ').capitalize()}", ""]
        out += _generic(value)
        out.append("")
    for kind, heading in (("reference", "Reference data"), ("ledger", "Spend ledgers")):
        group = [s for s in cat.sources if s.kind == kind]
        if group:
            out += [f"## {heading}", ""]
            for s in group:
                out += _source_section(s)
    out += _extract_section(extract)
    others = [s for s in cat.sources if s.kind not in ("reference", "ledger")]
    if others:
        out += ["## Other sources", ""]
        for s in others:
            out += _source_section(s)
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.rstrip("\n") + "\n"


def write_sources_page(path: str | Path | None = None, catalogue: Catalogue | None = None) -> Path:
    """Write the page (atomically: a temporary file renamed into place)."""
    path = Path(path) if path else PAGE_PATH
    text = render_sources_page(catalogue)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="\n")
    tmp.replace(path)
    return path


def page_is_current(path: str | Path | None = None, catalogue: Catalogue | None = None) -> bool:
    """Whether the page at ``path`` equals what the catalogue renders (line endings and trailing
    spaces aside)."""
    path = Path(path) if path else PAGE_PATH
    try:
        have = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return False

    def norm(text: str) -> list[str]:
        return [line.rstrip() for line in text.replace("\r\n", "\n").strip("\n").split("\n")]

    return norm(have) == norm(render_sources_page(catalogue))
