"""Deterministic XLSX files: the same table gives the same bytes, whenever it is written.

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

__all__ = ["FIXED_TIME", "make_deterministic"]

#: The time written into every XLSX (document properties and zip members): the zip format's epoch.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_W3CDTF = "1980-01-01T00:00:00Z"
_STAMP = re.compile(
    r"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)


def make_deterministic(path: str | Path) -> Path:
    """Rewrite the workbook at ``path`` in place with fixed timestamps (see the module docstring)."""
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
