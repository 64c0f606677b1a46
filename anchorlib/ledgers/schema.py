"""The canonical ledger's schema and the rules both file readers share.

The row reader (:mod:`anchorlib.ledgers.rows`) and the Arrow reader (:mod:`anchorlib.ledgers.arrow`)
import this module and never each other; :mod:`anchorlib.ledgers.canonical` chooses between them.
Here are:

* the columns of the ledger, the rejects and the reconciliation, and the reasons a row is rejected;
* :func:`row_outcome`: what one data row is (a payment, or a reject and why): the row reader applies
  it to every row, the Arrow reader to the rows its column-wise test leaves in doubt;
* the frame builders (:func:`ledger_frame`, :func:`rejects_frame`), the raw values kept with a
  reject, and the one-value-per-file columns kept as Categoricals while a ledger is assembled;
* :class:`FileRead`, what either reader gives for one file.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from anchorlib.core.normalise import clean_text, company_number, is_blank
from anchorlib.ledgers.parse import (
    REDACTED_KEY,
    is_redacted,
    normalise_supplier_name,
    parse_amount,
    parse_date,
)
from anchorlib.ledgers.periods import parse_period
from anchorlib.ledgers.read import Sheet, column_letter, normalise_header

__all__ = [
    "BASIS_COLUMNS",
    "LEDGER_COLUMNS",
    "READ_COLUMNS",
    "REJECT_COLUMNS",
    "RECONCILIATION_COLUMNS",
    "RECON_EXTRA",
    "REJECT_REASONS",
    "TOTAL",
    "CONSTANT",
    "FileRead",
    "Section",
    "bad_shape",
    "constant_column",
    "expand_constants",
    "fast_path_enabled",
    "filled",
    "is_categorical",
    "labels",
    "ledger_frame",
    "null_strings",
    "overflowing",
    "postcode_text",
    "raw_json",
    "rejects_frame",
    "row_outcome",
    "str_series",
    "unify_constants",
]

#: The canonical ledger, in column order.
LEDGER_COLUMNS = [
    "anchor_id",
    "source_file",
    "source_sheet",
    "source_row",
    "payment_date",
    "financial_year",
    "amount",
    "amount_pence",
    "supplier_name",
    "supplier_key",
    "category",
    "description",
    "transaction_id",
    "company_number",
    "charity_number",
    "supplier_postcode",
    "supplier_postcode_as_published",
    "is_redacted",
    "is_refund",
    "is_duplicate",
    "duplicate_of",
    "vat_basis",
    "amount_header",
    "date_precision",
]

#: The ledger's columns that say how a row was read, constant under one header: the VAT basis of
#: the amount column ('net' / 'gross' / 'unknown', from its header's words, see
#: :func:`anchorlib.ledgers.headers.vat_basis`), that header as published, and the precision of
#: payment_date ('day'; 'month' when it comes from a period column).
BASIS_COLUMNS = ("vat_basis", "amount_header", "date_precision")

#: What the file readers build; ``supplier_postcode_as_published`` is added after (see
#: ``_postcodes``).
READ_COLUMNS = [c for c in LEDGER_COLUMNS if c != "supplier_postcode_as_published"]

REJECT_COLUMNS = [
    "anchor_id",
    "source_file",
    "source_sheet",
    "source_row",
    "reason",
    "detail",
    "amount",
    "amount_pence",
    "raw",
]


#: Columns of reconciliation.csv (one row per file).  The DataFrame also has
#: the totals in pence and the duplicate counts.
RECONCILIATION_COLUMNS = [
    "anchor",
    "file",
    "rows_in",
    "rows_ledger",
    "rows_rejected",
    "total_in",
    "total_ledger",
    "total_rejected",
    "difference",
    "vat_basis",
    "amount_header",
    "date_precision",
]

RECON_EXTRA = [
    "total_in_pence",
    "total_ledger_pence",
    "total_rejected_pence",
    "difference_pence",
    "rows_duplicate",
    "total_duplicate_pence",
    "rows_repeated_within_file",
]

REJECT_REASONS = {
    "blank_row": "every cell is empty",
    "repeated_header": "the header row again",
    "total_row": "a total / sub-total line, or an amount with neither supplier nor date",
    "note_row": "text with neither amount nor date (a title, note or footnote)",
    "no_header": "in a sheet with no header row naming supplier, amount and date",
    "unparseable_amount": "the amount cell is not a number (counted as 0; raw text kept)",
    "missing_amount": "the amount cell is empty",
    "missing_supplier": "the supplier cell is empty",
    "missing_date": "the payment date cell is empty",
    "unparseable_date": "the payment date is not a date",
}


# A cell that is a total label ('Total', 'Grand total:', 'Sub-total for April', 'Totals'), not a
# supplier that starts with the word ('Total Hygiene Ltd', 'TotalEnergies').
TOTAL = re.compile(
    r"^\s*(?:grand\s+|sub[\s-]*|overall\s+|net\s+|gross\s+|month(?:ly)?\s+|page\s+|report\s+)?totals?"
    r"\s*(?::.*|\s(?:for|of|to|paid|spend|spent|amount|value|payments?|expenditure|b/?f|c/?f)\b.*|\(.*\))?\s*$",
    re.I,
)


def fast_path_enabled() -> bool:
    """False when ``ANCHOR_LEDGER_FAST=0`` (or ``no`` / ``false`` / ``off``) is set."""
    return os.environ.get("ANCHOR_LEDGER_FAST", "1").strip().lower() not in (
        "0",
        "no",
        "false",
        "off",
    )


# --------------------------------------------------------------------------- one file's result


@dataclass
class FileRead:
    """What a reader gathers for one file: its ledger and rejects frames, the rows and pence
    read in, the column mapping of each header row, and the warnings."""

    ledger: pd.DataFrame
    rejects: pd.DataFrame
    rows_in: int
    total_in: int
    mappings: list[dict]
    warnings: list[str]
    #: per ledger row, a code for its supplier key (key_table[code] is the key): for flag_duplicates
    key_codes: np.ndarray | None = None
    key_table: list[str] | None = None


# --------------------------------------------------------------------------- the row rules


def postcode_text(value) -> str | None:
    """A published supplier postcode as the ledger keeps it: clean text, upper case, or None."""
    return (clean_text(value) or "").upper() or None


class Section:
    """What the row rules need of the header a row is read under: the column of each field, the
    header's names (normalised, to spot the header repeated), and how messages name a column."""

    def __init__(
        self,
        mapping: dict[str, int],
        names: list[str],
        width: int = 0,
        where: str = "",
        period: bool = False,
        fy_start: int | None = None,
    ):
        self.mapping = mapping
        # payment_date read from a period column ('202012', 'P9'): the month's first day
        self.period, self.fy_start = period, fy_start
        self.names = names
        norms = [normalise_header(n) for n in names]
        self.norms = norms + [""] * (width - len(norms))
        self.where = where  # "sheet 'X', " in a workbook: messages say which sheet
        self.ai, self.di, self.si = (
            mapping["amount"],
            mapping["payment_date"],
            mapping["supplier_name"],
        )

    def describe(self, fld: str) -> str:
        """How a message names the column of a field: ``column 'Net Amount' (D)``."""
        i = self.mapping[fld]
        return f"column {self.names[i] or column_letter(i)!r} ({column_letter(i)})"

    def cell(self, row: list, fld: str):
        """The row's cell of a field (None when no column has it)."""
        return row[self.mapping[fld]] if fld in self.mapping else None


def _is_total(row: list, si: int, supplier: str | None, date_raw) -> bool:
    """A total line: the supplier reads as a total label, or, with no supplier or no date, another
    cell does."""
    if supplier and TOTAL.match(supplier):
        return True
    if supplier and not is_blank(date_raw):
        return False
    return any(TOTAL.match(v) for j, v in enumerate(row) if isinstance(v, str) and j != si)


def row_outcome(row: list, sec: Section, dayfirst: bool, shape: tuple[str, str] | None = None):
    """What one data row is: ``(pence_in, reason, detail, reject_pence, record)``.

    ``pence_in`` is what the row adds to the file's input total (its amount when readable, else 0).
    A payment has reason None and ``record``, its canonical values (payment_date, amount_pence,
    supplier_name, supplier_key, category, description, transaction_id, company_number,
    charity_number, supplier_postcode, is_redacted); a reject has a reason of
    :data:`REJECT_REASONS` (or the ``shape`` given: a CSV row that cannot be trusted cell by cell,
    see :func:`bad_shape`), a detail, the pence it carries and record None.
    """
    try:
        pence = parse_amount(row[sec.ai])
        bad_amount = None
    except ValueError as exc:
        pence, bad_amount = None, str(exc)
    carried = pence or 0
    if all(is_blank(v) for v in row):
        return carried, "blank_row", "", 0, None
    if shape:
        return carried, shape[0], shape[1], carried, None
    norms = sec.norms
    same_as_header = sum(
        1
        for j, v in enumerate(row)
        if isinstance(v, str) and norms[j] and normalise_header(v) == norms[j]
    )
    if same_as_header >= 2:
        return carried, "repeated_header", "the header row again", carried, None
    supplier = clean_text(row[sec.si])
    date_raw = row[sec.di]
    if _is_total(row, sec.si, supplier, date_raw):
        return carried, "total_row", "a total line", carried, None
    if not supplier and is_blank(date_raw) and pence is not None:
        return carried, "total_row", "an amount with neither supplier nor date", carried, None
    where = sec.where
    if bad_amount is not None:
        return (
            carried,
            "unparseable_amount",
            f"{where}{sec.describe('amount')}: {bad_amount}",
            0,
            None,
        )
    if pence is None:
        if is_blank(date_raw):
            return carried, "note_row", "neither amount nor date", 0, None
        return carried, "missing_amount", f"{where}{sec.describe('amount')} is empty", 0, None
    if not supplier:
        detail = f"{where}{sec.describe('supplier_name')} is empty"
        return carried, "missing_supplier", detail, carried, None
    try:
        date = (
            parse_period(date_raw, sec.fy_start) if sec.period else parse_date(date_raw, dayfirst)
        )
    except ValueError as exc:
        detail = f"{where}{sec.describe('payment_date')}: {exc}"
        return carried, "unparseable_date", detail, carried, None
    if date is None:
        detail = f"{where}{sec.describe('payment_date')} is empty"
        return carried, "missing_date", detail, carried, None
    redacted = is_redacted(supplier)
    record = {
        "payment_date": date,
        "amount_pence": pence,
        "supplier_name": supplier,
        "supplier_key": REDACTED_KEY if redacted else normalise_supplier_name(supplier),
        "category": clean_text(sec.cell(row, "category")),
        "description": clean_text(sec.cell(row, "description")),
        "transaction_id": clean_text(sec.cell(row, "transaction_id")),
        "company_number": company_number(sec.cell(row, "company_number")),
        "charity_number": clean_text(sec.cell(row, "charity_number")),
        "supplier_postcode": postcode_text(sec.cell(row, "supplier_postcode")),
        "is_redacted": redacted,
    }
    return pence, None, "", 0, record


# ------------------------------------------------------------------------ raw values and row shapes


def labels(names: list[str]) -> list[str]:
    """Unique labels for raw values: the header, or the column letter when blank or repeated."""
    seen: Counter = Counter(n for n in names if n)
    return [
        n if n and seen[n] == 1 else (f"{n} [{column_letter(i)}]" if n else column_letter(i))
        for i, n in enumerate(names)
    ]


def raw_json(row: list, labels: list[str]) -> str:
    """A reject's raw values as JSON: {label: value} of its non-blank cells (see :func:`labels`)."""
    out = {}
    for i, v in enumerate(row):
        if is_blank(v):
            continue
        out[labels[i] if i < len(labels) else column_letter(i)] = (
            v if isinstance(v, (int, float, str)) else str(v)
        )
    return json.dumps(out, ensure_ascii=False, default=str)


def filled(row: list) -> int:
    """The number of cells up to the last non-blank one."""
    return max((j + 1 for j, v in enumerate(row) if not is_blank(v)), default=0)


def overflowing(sheet: Sheet, rows: range, width: int) -> set[int]:
    """CSV rows with values beyond the header's last named column, when they are the exception.

    An unquoted comma (``£1,234.56``) shifts a row's cells one to the right, so its cells cannot be
    trusted.  When most rows run past the header, the file simply has unnamed trailing columns."""
    over = {i for i in rows if filled(sheet.rows[i]) > width}
    return over if len(over) * 2 < len(rows) else set()


def bad_shape(sheet: Sheet, i: int, width: int, overflowing: set[int]) -> tuple[str, str] | None:
    """A CSV row that cannot be trusted cell by cell: cut short at the file's end, or shifted."""
    if (
        i == len(sheet.rows) - 1
        and sheet.ends_mid_line
        and sheet.lengths
        and sheet.lengths[i] < width
    ):
        return "truncated_row", (
            f"the file ends in the middle of this row ({sheet.lengths[i]} of {width} fields): "
            "was the download cut short?"
        )
    if i in overflowing:
        return "wrong_field_count", (
            f"{filled(sheet.rows[i])} fields where the header has {width}: is there an "
            "unquoted comma in a value (such as £1,234.56)?"
        )
    return None


# --------------------------------------------------------------------------- frames


def ledger_frame(rows: list[dict]) -> pd.DataFrame:
    """The ledger frame (:data:`READ_COLUMNS`, typed) of the row reader's ledger rows."""
    df = pd.DataFrame(
        rows,
        columns=[c for c in READ_COLUMNS if c not in ("amount", "is_duplicate", "duplicate_of")],
    )
    df["payment_date"] = pd.to_datetime(df["payment_date"]).astype("datetime64[ns]")
    df["amount_pence"] = df["amount_pence"].astype("int64")
    df["amount"] = df["amount_pence"] / 100
    df["source_row"] = df["source_row"].astype("int64")
    for c in ("is_redacted", "is_refund"):
        df[c] = df[c].astype(bool)
    df["is_duplicate"] = False
    df["duplicate_of"] = pd.Series([None] * len(df), dtype="str", index=df.index)
    for c in (
        "anchor_id",
        "source_file",
        "source_sheet",
        "financial_year",
        "supplier_name",
        "supplier_key",
        "category",
        "description",
        "transaction_id",
        "company_number",
        "charity_number",
        "supplier_postcode",
        *BASIS_COLUMNS,
    ):
        df[c] = df[c].astype("str")
    return df[READ_COLUMNS]


def rejects_frame(rows: list[dict]) -> pd.DataFrame:
    """The rejects frame (:data:`REJECT_COLUMNS`, typed) of reject rows."""
    df = pd.DataFrame(rows, columns=[c for c in REJECT_COLUMNS if c != "amount"])
    df["amount_pence"] = df["amount_pence"].astype("int64")
    df["amount"] = df["amount_pence"] / 100
    df["source_row"] = df["source_row"].astype("int64")
    for c in ("anchor_id", "source_file", "source_sheet", "reason", "detail", "raw"):
        df[c] = df[c].astype("str")
    return df[REJECT_COLUMNS]


_NULLS: dict[int, pa.Array] = {}


def null_strings(n: int) -> pa.Array:
    """n null strings; the same (immutable) array for every all-null column of one size."""
    got = _NULLS.get(n)
    if got is None:
        _NULLS.clear()
        got = _NULLS[n] = pa.nulls(n, pa.large_string())
    return got


def str_series(chunks: list[pa.Array]) -> pd.Series:
    """A pandas 'str' column over Arrow string chunks, without copying them."""
    ch = pa.chunked_array([c.cast(pa.large_string()) for c in chunks], type=pa.large_string())
    try:
        arr = pd.arrays.ArrowStringArray(ch, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
        s = pd.Series(arr, copy=False)
        if s.dtype == "str":
            return s
    except (TypeError, ValueError, AttributeError):
        pass
    return ch.to_pandas().astype("str")


# ----------------------------------------------------------------------- one-value-per-file columns


#: Ledger columns with one value per file (or per header): the readers may hand them to _finish as
#: Categoricals (a byte per row: at 20 million rows the text of a file's path is over a gigabyte),
#: which turns them into the usual 'str' columns once the duplicates are flagged.
CONSTANT = ("anchor_id", "source_file", *BASIS_COLUMNS)


def constant_column(value: str, n: int) -> pd.Categorical:
    """n times the same text, as a Categorical (see CONSTANT)."""
    return pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([value], dtype="str")
    )


def is_categorical(values) -> bool:
    """Whether a column is a pandas Categorical (a :data:`CONSTANT` column kept compact)."""
    return isinstance(values.dtype, pd.CategoricalDtype)


def unify_constants(ledgers: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """The ledgers with their CONSTANT columns as Categoricals of the same categories (pd.concat
    then keeps them Categorical), when any ledger has them so; otherwise the ledgers as they are."""
    if not any(is_categorical(led[c]) for led in ledgers for c in CONSTANT if c in led.columns):
        return ledgers
    out = [led.copy(deep=False) for led in ledgers]
    for c in CONSTANT:
        for led in out:
            if not is_categorical(led[c]):
                led[c] = pd.Categorical(led[c])
        categories = list(dict.fromkeys(v for led in out for v in led[c].cat.categories))
        dtype = pd.CategoricalDtype(pd.Index(categories, dtype="str"))
        where = {v: i for i, v in enumerate(categories)}
        for led in out:  # codes into the common categories (-1, null, stays -1)
            cat = led[c].array
            remap = np.asarray([where[v] for v in cat.categories] + [-1], dtype=np.int32)
            led[c] = pd.Categorical.from_codes(remap[np.asarray(cat.codes)], dtype=dtype)
    return out


def expand_constants(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger with its Categorical CONSTANT columns as 'str' columns, chunked as the other text
    columns (exactly the column the readers otherwise build: the same values, dtype and Parquet
    bytes)."""
    cols = [c for c in CONSTANT if c in ledger.columns and is_categorical(ledger[c])]
    if not cols:
        return ledger
    n = len(ledger)
    lengths = [n]
    if "supplier_name" in ledger.columns:
        try:
            ref = pa.array(ledger["supplier_name"], from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError):
            ref = None
        if isinstance(ref, pa.ChunkedArray) and sum(len(ch) for ch in ref.chunks) == n:
            lengths = [len(ch) for ch in ref.chunks]
    ledger = ledger.copy(deep=False)
    for c in cols:
        cat = ledger[c].array
        dictionary = pa.array(list(cat.categories), type=pa.large_string())
        codes = np.asarray(cat.codes)
        chunks, at = [], 0
        for size in lengths:
            part = codes[at : at + size]
            at += size
            missing = part < 0
            index = pa.array(part, mask=missing) if missing.any() else pa.array(part)
            chunks.append(pa.DictionaryArray.from_arrays(index, dictionary).cast(pa.large_string()))
        ledger[c] = pd.Series(str_series(chunks).array, index=ledger.index)
    return ledger
