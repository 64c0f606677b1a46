"""XLSX files: one writer of workbooks, deterministic (the same tables give the same bytes).

:func:`write_xlsx` writes one sheet per table (the supplier register's, the national comparison's):
cells over Excel's limit of 32,767 characters cut with an ellipsis and, styled, the header row
frozen, filters on every column and columns as wide as their content (at most 50 characters).

openpyxl stamps a workbook with the time it was saved twice: in its document
properties (``docProps/core.xml``: created and modified) and in the date of
every member of the zip archive.  :func:`make_deterministic` rewrites a saved
workbook with both fixed to :data:`FIXED_TIME` (members in the same order, same
compression), so two runs on the same inputs write byte-identical downloads and
an unchanged table never looks changed.  When a table was made is in the
report's manifest, not in the file.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

__all__ = ["FIXED_TIME", "XLSX_CELL", "write_xlsx", "make_deterministic"]

#: The time written into every XLSX (document properties and zip members): the zip format's epoch.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_W3CDTF = "1980-01-01T00:00:00Z"
#: The most characters an XLSX cell holds.
XLSX_CELL = 32767
_MAX_WIDTH = 50
_STAMP = re.compile(
    r"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def make_deterministic(path: str | Path) -> Path:
    """Rewrite the workbook at ``path`` in place with fixed timestamps (see the module
    docstring)."""
    path = Path(path)
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w") as out:
            for info, data in members:
                if info.filename == "docProps/core.xml":
                    data = _STAMP.sub(rf"\g<1>{_W3CDTF}\g<2>", data.decode("utf-8")).encode("utf-8")
                fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
                fixed.compress_type = info.compress_type
                fixed.external_attr = 0o644 << 16
                out.writestr(fixed, data)
        os.chmod(tmp, os.stat(path).st_mode & 0o777)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def write_xlsx(
    path: str | Path,
    sheets: dict[str, pd.DataFrame],
    *,
    style: bool = True,
    freeze: dict[str, str] | None = None,
) -> Path:
    """Write ``sheets`` (sheet name -> table, in order) to the workbook ``path``, deterministically.

    Text longer than an XLSX cell holds is cut, ending with an ellipsis.  ``style``: freeze the
    header row (at ``freeze[sheet]`` when given, e.g. ``"C2"`` to keep two columns in view too),
    put filters on the header and size each column to its header and first 200 values (at most 50
    characters); without it, the plain tables pandas writes.
    """
    from openpyxl.utils import get_column_letter

    path = Path(path)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df = _fit_cells(df)
            df.to_excel(xw, sheet_name=name, index=False)
            if not style:
                continue
            ws = xw.sheets[name]
            ws.freeze_panes = (freeze or {}).get(name, "A2")
            if df.shape[1]:
                ws.auto_filter.ref = f"A1:{get_column_letter(df.shape[1])}{max(len(df) + 1, 1)}"
            for i, c in enumerate(df.columns, start=1):
                width = min(
                    max(len(str(c)), *(len(str(x)) for x in df[c].head(200))) + 2
                    if len(df)
                    else len(str(c)) + 2,
                    _MAX_WIDTH,
                )
                ws.column_dimensions[get_column_letter(i)].width = width
    return make_deterministic(path)  # no save time in the file: the same tables, the same bytes


def _fit_cells(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with text over :data:`XLSX_CELL` characters cut to fit, ending with an ellipsis."""
    df = df.copy()
    for c in df.columns:
        if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
            df[c] = df[c].map(
                lambda x: (
                    x[: XLSX_CELL - 1] + "…" if isinstance(x, str) and len(x) >= XLSX_CELL else x
                )
            )
    return df
