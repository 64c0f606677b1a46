"""Core: the helpers every layer shares, with no knowledge of places, ledgers or reports.

Errors, all-or-nothing writes, deterministic XLSX, YAML reading, hashing, project paths, the one
formatter of percents, pounds, shares and decile labels, and the one normaliser of company numbers,
charity numbers and postcodes.

May import: the standard library and third-party packages only.
Must not import: any other anchorlib subpackage.
"""

from anchorlib.core.atomic import write_all
from anchorlib.core.errors import (
    AnchorError,
    ChecksumMismatchError,
    DataValidationError,
    MissingSourceFileError,
    PlaceError,
    UnknownSourceError,
)
from anchorlib.core.fmt import (
    as_percent,
    decile_label,
    deciles_band,
    money_words,
    percent,
    points,
    share,
)
from anchorlib.core.hashing import sha_text
from anchorlib.core.normalise import charity_number, clean_text, company_number, is_blank
from anchorlib.core.xlsx import FIXED_TIME, XLSX_CELL, make_deterministic, write_xlsx
from anchorlib.core.yamlfile import read_yaml

__all__ = [
    "AnchorError",
    "ChecksumMismatchError",
    "DataValidationError",
    "FIXED_TIME",
    "MissingSourceFileError",
    "PlaceError",
    "UnknownSourceError",
    "XLSX_CELL",
    "as_percent",
    "charity_number",
    "clean_text",
    "company_number",
    "decile_label",
    "deciles_band",
    "is_blank",
    "make_deterministic",
    "money_words",
    "percent",
    "points",
    "read_yaml",
    "sha_text",
    "share",
    "write_all",
    "write_xlsx",
]
