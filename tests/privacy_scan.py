"""Scanning files for staff-level data: the text in a file (xlsx sheets, Parquet string values,
anything else decoded with embedded base64 figures removed), and the staff ids and home postcodes
found in it.

Shared by tests/test_site_e2e.py (the published site) and tests/test_hardening.py (the cache and
every output outside private/).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

#: Images, fonts and other binaries with no text to scan.
BINARY = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ico", ".woff", ".woff2", ".pdf"}
#: data: URIs and long base64 runs (embedded figures) are removed before scanning text for personal
#: data.
BASE64 = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+|[A-Za-z0-9+/=\\n]{200,}")
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.I)
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")


def text_of(path: Path) -> str:
    """The text in a file: xlsx sheets (zipped XML), Parquet column names and string values, or the
    file decoded (base64 runs removed)."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return "\n".join(
                z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml")
            )
    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        parts = list(table.schema.names)
        for _name, col in zip(table.schema.names, table.columns):
            if pa.types.is_dictionary(col.type):
                col = col.cast(col.type.value_type)
            if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
                parts += [v for v in pc.unique(col).to_pylist() if v is not None]
        return "\n".join(parts)
    return BASE64.sub(" ", path.read_bytes().decode("utf-8", "replace"))


def norm_postcode(pc: str) -> str:
    return re.sub(r"\s+", "", str(pc)).upper()


def staff_needles(staff_files: list[Path]) -> tuple[set[str], set[str]]:
    """Every staff id and (normalised) home postcode in staff extracts (CSV)."""
    import pandas as pd

    ids, postcodes = set(), set()
    for f in staff_files:
        df = pd.read_csv(f, dtype=str)
        id_col = next(
            c
            for c in df.columns
            if re.search(r"employee|staff|person", c, re.I)
            and re.search(r"\b(id|number|no)\b", c, re.I)
        )
        pc_col = next(c for c in df.columns if "postcode" in c.lower())
        ids |= set(df[id_col].dropna().str.strip())
        postcodes |= {norm_postcode(p) for p in df[pc_col].dropna()}
    return ids, postcodes


def found_in(path: Path, ids: set[str], postcodes: set[str]) -> tuple[list[str], list[str]]:
    """The staff ids and home postcodes that occur in a file (sorted)."""
    if path.suffix.lower() in BINARY:
        return [], []
    text = text_of(path)
    return (
        sorted(set(TOKEN.findall(text)) & ids),
        sorted(
            {m.group(1).upper() + m.group(2).upper() for m in POSTCODE.finditer(text)} & postcodes
        ),
    )
