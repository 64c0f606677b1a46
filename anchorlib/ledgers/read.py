"""Read a published payment file into sheets of cells, find its header row and map its columns.

* CSV / TSV / text: the encoding is detected (UTF-8 with or without BOM,
  UTF-16 with BOM, else Windows-1252, or DOS code page 850 when that is what
  makes a '£' of byte 0x9C), the delimiter is sniffed, and line endings may be
  CRLF, LF or a lone CR.
* XLSX / XLSM: every sheet is read (cached formula values), with openpyxl.

A file becomes a list of :class:`Sheet` (one for a CSV), each a list of rows
with their number in the file (the line a CSV record starts on; the sheet
row).  :func:`find_header` then finds the row that names the columns, which
need not be line 1 (titles above it) nor above the data (some exports sort it
to the bottom), and :func:`map_columns` decides which column is which
canonical field from the header names.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from anchorlib.core.errors import AnchorError
from anchorlib.core.normalise import is_blank
from anchorlib.ledgers.content import column_contents, sample_rows
from anchorlib.ledgers.headers import header_matches, vat_basis
from anchorlib.ledgers.parse import parse_amount
from anchorlib.ledgers.periods import financial_year_in
from anchorlib.ledgers.scoring import Decision, Unmapped, decide
from anchorlib.ledgers.tokens import (
    header_signature,
    header_tokens,
    normalise_header,
    override_block,
)

__all__ = [
    "LedgerError",
    "LedgerReadError",
    "LedgerMappingError",
    "LedgerReconciliationError",
    "Sheet",
    "Header",
    "FIELDS",
    "REQUIRED_FIELDS",
    "FIELD_HINTS",
    "read_sheets",
    "find_header",
    "find_headers",
    "normalise_header",
    "column_letter",
    "decode_text",
    "sniff_delimiter",
    "looks_binary",
    "override_lookup",
    "row_fields",
    "looks_like_data",
    "is_header",
    "could_be_header",
    "HeaderUnmapped",
    "effective_overrides",
    "has_tie",
    "map_header",
]


class LedgerError(AnchorError):
    """A payment file could not be read into the canonical ledger."""


class LedgerReadError(LedgerError, ValueError):
    """The file itself cannot be read (format, encoding, corrupt workbook, no header row)."""


class LedgerMappingError(LedgerError, ValueError):
    """The columns cannot be mapped: ``headers`` seen and ``candidates`` per field are attached."""

    def __init__(self, message: str, headers=None, candidates=None):
        super().__init__(message)
        self.headers = headers or []
        self.candidates = candidates or {}


class HeaderUnmapped(LedgerMappingError):
    """A row that names some fields, but a required one has no column even after the content was
    read: not a usable header (``missing`` fields; the evidence in the message)."""

    def __init__(self, message: str, headers=None, candidates=None, missing=None):
        super().__init__(message, headers, candidates)
        self.missing = missing or []


class LedgerReconciliationError(LedgerError):
    """Input total != ledger total + rejects total: a bug, never silently accepted."""


# --------------------------------------------------------------------------- reading files


@dataclass
class Sheet:
    """The cells of one CSV file or one worksheet, with each row's number in its source."""

    name: str | None  # None for CSV
    rows: list[list]
    row_numbers: list[int]
    ends_mid_line: bool = (
        False  # a CSV whose last line has no line end: its last row may be cut short
    )
    lengths: list[int] | None = None  # CSV: fields in each row as read, before padding to one width


def column_letter(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    s = ""
    index += 1
    while index:
        index, r = divmod(index - 1, 26)
        s = chr(65 + r) + s
    return s


def _cp1252_lenient(error: UnicodeDecodeError):
    # The five bytes cp1252 leaves undefined: keep them as their Latin-1 characters.
    bad = error.object[error.start : error.end]
    return bad.decode("latin-1"), error.end


codecs.register_error("cp1252_lenient", _cp1252_lenient)


def decode_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding name) for the bytes of a text file."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith(codecs.BOM_UTF16_LE) or raw.startswith(codecs.BOM_UTF16_BE):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = raw.decode("cp1252", errors="cp1252_lenient")
    # Byte 0x9C is 'œ' in cp1252 but '£' in the DOS code page 850 some finance systems export in.
    if "œ" in text and "£" not in text and re.search(r"[(\s,]œ|œ\s*[\d)]", text):
        return raw.decode("cp850"), "cp850"
    return text, "cp1252"


def sniff_delimiter(text: str) -> str:
    """The delimiter (comma, semicolon, tab or bar) most lines of the text agree on."""
    lines = [ln for ln in text.splitlines()[:50] if ln.strip()]
    best, best_score = ",", 0
    for delim in (",", ";", "\t", "|"):
        counts = [ln.count(delim) for ln in lines]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = common * counts.count(common)
        if common and score > best_score:
            best, best_score = delim, score
    return best


def _read_csv(path: Path, raw: bytes) -> list[Sheet]:
    text, _ = decode_text(raw)
    text = text.replace("\x00", "")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, numbers = [], []
    start = 1
    try:
        for record in reader:
            rows.append(record)
            numbers.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LedgerReadError(
            f"{path}: line {reader.line_num}: cannot parse as CSV ({exc})"
        ) from exc
    return [
        Sheet(
            None,
            rows,
            numbers,
            ends_mid_line=bool(text) and not text.endswith(("\n", "\r")),
            lengths=[len(r) for r in rows],
        )
    ]


def looks_binary(raw: bytes) -> bool:
    """Control bytes (not tab, CR, LF) in over a tenth of the first 4 kB: not a text file."""
    head = raw[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return len(head) > 0 and control / len(head) > 0.1


def _read_xlsx(path: Path) -> list[Sheet]:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - a dependency
        raise LedgerReadError(
            f"{path}: reading XLSX needs openpyxl (pip install 'openpyxl>=3.1')"
        ) from exc
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # openpyxl warns about styles / data validation it ignores
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise LedgerReadError(
            f"{path}: cannot open as an XLSX workbook ({type(exc).__name__}: {exc})"
        ) from exc
    sheets = []
    try:
        for ws in wb.worksheets:
            rows, numbers = [], []
            for i, values in enumerate(ws.iter_rows(values_only=True), start=1):
                rows.append(list(values))
                numbers.append(i)
            sheets.append(Sheet(ws.title, rows, numbers))
    except Exception as exc:
        raise LedgerReadError(
            f"{path}: cannot read the workbook ({type(exc).__name__}: {exc})"
        ) from exc
    finally:
        wb.close()
    return sheets


def read_sheets(path: Path | str) -> list[Sheet]:
    """The sheets of a payment file, each trimmed of the blank rows around its content."""
    path = Path(path)
    if not path.is_file():
        raise LedgerReadError(f"{path}: no such file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LedgerReadError(f"{path}: cannot read ({exc})") from exc
    if raw.startswith(b"PK\x03\x04") and b"opendocument" in raw[:200]:
        raise LedgerReadError(
            f"{path}: this is an OpenDocument (.ods) spreadsheet, which anchorlib does not read; "
            "open it and save it as .xlsx or .csv"
        )
    if path.suffix.lower() in (".xlsx", ".xlsm") and not raw.startswith(b"PK\x03\x04"):
        raise LedgerReadError(
            f"{path}: is not an Excel workbook (an .xlsx file is a zip archive; this one is not). "
            "If it is CSV text, rename it to .csv; if it came from a download, fetch it again"
        )
    if raw.startswith(b"PK\x03\x04"):
        sheets = _read_xlsx(path)
    elif raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise LedgerReadError(
            f"{path}: this is an old binary Excel (.xls) workbook, which anchorlib does not read; "
            "open it and save it as .xlsx or .csv"
        )
    elif raw.lstrip()[:5].lower() in (b"<html", b"<!doc", b"<?xml"):
        raise LedgerReadError(f"{path}: this is an HTML/XML page, not a CSV or XLSX payment file")
    elif looks_binary(raw):
        raise LedgerReadError(
            f"{path}: is not a text file (it holds binary data): a payment file must be CSV or XLSX"
        )
    else:
        sheets = _read_csv(path, raw)
    for sheet in sheets:
        _trim(sheet)
    return sheets


def _trim(sheet: Sheet) -> None:
    """Drop blank padding rows at the top and bottom (a sheet's formatted extent is not data)."""
    filled = [i for i, row in enumerate(sheet.rows) if not all(is_blank(v) for v in row)]
    if not filled:
        sheet.rows, sheet.row_numbers = [], []
        return
    lo, hi = filled[0], filled[-1] + 1
    sheet.rows, sheet.row_numbers = sheet.rows[lo:hi], sheet.row_numbers[lo:hi]
    if sheet.lengths is not None:
        sheet.lengths = sheet.lengths[lo:hi]
    width = max(len(r) for r in sheet.rows)
    # Drop blank columns at the right edge (they only pad); keep spacer columns inside.
    while width and all(len(r) < width or is_blank(r[width - 1]) for r in sheet.rows):
        width -= 1
    sheet.rows = [(r + [None] * (width - len(r)))[:width] for r in sheet.rows]


# --------------------------------------------------------------------------- header names

#: Canonical fields a column can be mapped to, in the order they are assigned.
FIELDS = (
    "supplier_name",
    "amount",
    "payment_date",
    "transaction_id",
    "category",
    "description",
    "company_number",
    "charity_number",
    "supplier_postcode",
)
REQUIRED_FIELDS = ("supplier_name", "amount", "payment_date")

#: What headers each field is recognised by (for error messages and the docs).
FIELD_HINTS = {
    "supplier_name": "supplier / beneficiary / payee / vendor / creditor / merchant (name), "
    "or just 'Name'",
    "amount": "net amount / amount / amount paid / total / value / paid / spend "
    "(net preferred to gross)",
    "payment_date": "payment / paid / transaction / invoice / posting date, or just 'Date'",
    "transaction_id": "transaction id/number/ref, payment/document/voucher reference, "
    "invoice number, reference",
    "category": "expense type / expenditure category / category / account / subjective / "
    "service area / cost centre",
    "description": "description / narrative / details / purpose",
    "company_number": "company number / company reg no / Companies House number",
    "charity_number": "charity number / registered charity no",
    "supplier_postcode": "postcode / post code",
}


# --------------------------------------------------------------------------- header row and mapping


@dataclass
class Header:
    """The header row of a sheet and the column chosen for each field."""

    index: int  # position in Sheet.rows
    row_number: int  # in the source
    names: list[str]  # as published, '' for blank
    mapping: dict[str, int]  # field -> column index
    warnings: list[str] = field(default_factory=list)
    #: 'day', or 'month' when payment_date is read from a period column
    date_precision: str = "day"
    #: how each field's column was chosen (see anchorlib.ledgers.scoring)
    decisions: dict[str, Decision] = field(default_factory=dict)
    #: a period column's financial year (its first calendar year) from the file / sheet / titles
    fy_start: int | None = None
    #: the header row's signature (see tokens.header_signature): the key of a layout's override
    signature: str = ""

    def decided(self) -> str:
        """How each field was decided, for columns.csv: 'amount: 'Net' (header words, 100); ...'."""
        return "; ".join(d.short() for d in self.decisions.values())

    def header_of(self, fld: str) -> str | None:
        i = self.mapping.get(fld)
        return None if i is None else self.names[i]

    def basis(self) -> dict[str, str]:
        """How rows under this header are read: the ledger's BASIS_COLUMNS (VAT basis of the amount
        column from its header's words, that header as published, the date's precision)."""
        amount = self.header_of("amount") or ""
        return {
            "vat_basis": vat_basis(amount),
            "amount_header": amount,
            "date_precision": self.date_precision,
        }


def _where(path, sheet: Sheet, row_number: int | None = None) -> str:
    s = str(path)
    if sheet.name is not None:
        s += f" (sheet {sheet.name!r}"
        s += f", row {row_number})" if row_number else ")"
    elif row_number:
        s += f" (line {row_number})"
    return s


class Overrides(dict):
    """{field: normalised headers} of a ``columns`` override, and ``layouts``: {header signature:
    {field: normalised headers}} for the overrides keyed by a layout's signature."""

    layouts: dict[str, dict[str, set[str]]]


def _lookup(columns: dict, where: str = "") -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for fld, names in columns.items():
        if fld not in FIELDS:
            raise LedgerMappingError(
                f"columns override{where} names an unknown field {fld!r}; fields are: "
                f"{', '.join(FIELDS)} (or a layout's signature, 'layout-...', holding fields)",
                candidates={},
            )
        if isinstance(names, str):
            names = [names]
        out[fld] = {normalise_header(n) for n in names}
    return out


def override_lookup(columns: dict | None) -> Overrides:
    """The ``columns`` override: {field: header or [headers]} for every file, and
    {'layout-<signature>': {field: header}} for the header rows of one layout (a publisher's
    monthly files that share their header row: see :func:`effective_overrides`). An unknown field
    is an error."""
    plain = {k: v for k, v in (columns or {}).items() if not str(k).startswith("layout-")}
    out = Overrides(_lookup(plain))
    out.layouts = {}
    for key, sub in (columns or {}).items():
        if str(key).startswith("layout-"):
            if not isinstance(sub, dict):
                raise LedgerMappingError(
                    f"columns override {key!r}: give {{field: header}} under a layout signature",
                    candidates={},
                )
            out.layouts[str(key)] = _lookup(sub, f" {key!r}")
    return out


def effective_overrides(row: list, overrides: dict) -> dict[str, set[str]]:
    """The overrides that hold for a header row: every file's, with those of its layout (by the
    row's signature) on top."""
    layouts = getattr(overrides, "layouts", None)
    if not layouts:
        return overrides
    sub = layouts.get(header_signature(row))
    return overrides if sub is None else {**overrides, **sub}


def row_fields(row: list, overrides: dict[str, set[str]]) -> dict[str, list[tuple[int, int]]]:
    """{field: [(priority, column), ...]} for the cells of a candidate header row (the header's
    words scored by :func:`~anchorlib.ledgers.headers.header_matches`; 'period' names a period
    column)."""
    found: dict[str, list[tuple[int, int]]] = {}
    overrides = effective_overrides(row, overrides)
    override_norms = {n: f for f, names in overrides.items() for n in names}
    for i, cell in enumerate(row):
        if not isinstance(cell, str) or is_blank(cell) or len(cell) > 80:
            continue
        norm = normalise_header(cell)
        if norm in override_norms:
            found.setdefault(override_norms[norm], []).append((1000, i))
            continue
        for fld, prio in header_matches(" ".join(header_tokens(cell))).items():
            if fld in overrides:
                continue  # this field is fixed by the override
            found.setdefault(fld, []).append((prio, i))
    return found


def _score(found: dict) -> int:
    return sum(1 for f in FIELDS if f in found) + 2 * sum(1 for f in REQUIRED_FIELDS if f in found)


def looks_like_data(row: list, found: dict) -> bool:
    """A candidate header whose amount cell holds a number: a data row using header words."""
    for _, i in found.get("amount", []):
        try:
            if parse_amount(row[i]) is not None:
                return True
        except ValueError:
            pass
    return False


def _named(found: dict) -> list[str]:
    """The required fields a row's words name (a period column stands for the payment date)."""
    has = [f for f in REQUIRED_FIELDS if f in found]
    if "payment_date" not in found and "period" in found:
        has.append("period")
    return has


def is_header(row: list, found: dict) -> bool:
    """Whether a row, with the fields its cells name (:func:`row_fields`), is a header row: it names
    a supplier, an amount and a payment date (or a period) in three columns, and is not a data
    row."""
    named = _named(found)
    return (
        len(named) == len(REQUIRED_FIELDS)
        and len({i for f in named for _, i in found[f]}) >= len(REQUIRED_FIELDS)
        and not looks_like_data(row, found)
    )


def could_be_header(row: list, found: dict) -> bool:
    """A row naming two of the three (the third may be told by the columns' content): tried as a
    header when a sheet has no row naming all three."""
    named = _named(found)
    return (
        len(named) == len(REQUIRED_FIELDS) - 1
        and len({i for f in named for _, i in found[f]}) >= len(named)
        and not looks_like_data(row, found)
    )


def has_tie(found: dict) -> bool:
    """Whether map_header meets equally good columns for a field (which hold data decides)."""
    used: set[int] = set()
    for fld in FIELDS:
        options = [(p, i) for p, i in found.get(fld, []) if i not in used]
        if not options:
            continue
        top = max(p for p, _ in options)
        tied = sorted(i for p, i in options if p == top)
        if len(tied) > 1:
            return True
        used.add(tied[0])
    return False


#: A header naming only two required fields is looked for in a sheet's first rows only.
LOOSE_ROWS = 50


def find_headers(path, sheet: Sheet, columns=None) -> list[Header]:
    """Every header row of a sheet, each with its column mapping; [] when none names the required
    fields.

    A header row names a supplier, an amount and a payment date.  A sheet
    may hold several sections, each under its own header (layouts pasted one
    under another); rows above the first header belong to the first section.
    Raises :class:`LedgerMappingError` when a required field has several
    equally good columns (listing the headers and the candidates), or when a
    header named in ``columns`` is missing.
    """
    overrides = override_lookup(columns)
    rows_found, loose = [], []
    for idx, row in enumerate(sheet.rows):
        found = row_fields(row, overrides)
        if is_header(row, found):
            rows_found.append((idx, found))
        elif not rows_found and idx < LOOSE_ROWS and could_be_header(row, found):
            loose.append((idx, found))
    headers = []
    for candidates in (rows_found, loose):
        header_idx = {idx for idx, _ in candidates}
        data = [r for i, r in enumerate(sheet.rows) if i not in header_idx]
        for idx, found in candidates:
            try:
                headers.append(map_header(path, sheet, idx, found, overrides, data, header_idx))
            except HeaderUnmapped:
                continue  # the content does not bear the words out: not a header
            except LedgerMappingError:
                if candidates is loose:
                    continue  # (an override's header missing: the no-header message says so)
                raise
            if candidates is loose:
                break  # the first row the content completes
        if headers:
            break
    return headers


def find_header(path, sheet: Sheet, columns=None) -> Header | None:
    """The first header row of a sheet (see :func:`find_headers`), or None."""
    headers = find_headers(path, sheet, columns)
    return headers[0] if headers else None


def _spoken(names: list[str]) -> set[int]:
    """Columns whose header says what they are (a field, VAT, a code, a date or period): never
    taken for another field on their content alone."""
    out = set()
    for i, n in enumerate(names):
        words = set(header_tokens(n)) if n else set()
        said = words & {"vat", "taw", "id", "code", "ref", "no", "number", "date", "period", "year"}
        if said or (n and header_matches(" ".join(header_tokens(n)))):
            out.add(i)
    return out


def _samples_of(contents, i: int) -> str:
    shown = ", ".join(repr(v) for v in contents[i].samples) if i < len(contents) else ""
    return f" [{shown}]" if shown else " [empty]"


def map_header(
    path,
    sheet: Sheet,
    idx: int,
    found: dict,
    overrides: dict,
    data: list[list],
    headers_at: frozenset | set = frozenset(),
) -> Header:
    """The Header of row ``idx``: the column of each field, chosen by the header's words
    (``found`` by row_fields) confirmed by a sample of the columns' content
    (:func:`anchorlib.ledgers.scoring.decide`), sampled below the header down to the next one
    (``headers_at``: the sheet's header rows).

    Columns nothing tells apart are an error naming them (a required field) or a warning; a
    required field with no column raises :class:`HeaderUnmapped` (the row is no header)."""
    names = ["" if is_blank(c) else str(c).strip() for c in sheet.rows[idx]]
    where = _where(path, sheet, sheet.row_numbers[idx])
    overrides = effective_overrides(sheet.rows[idx], overrides)
    missing = [f for f in overrides if f not in found]
    if missing:
        raise LedgerMappingError(
            f"{where}: the header(s) given for "
            + ", ".join(f"{f} ({sorted(overrides[f])})" for f in missing)
            + f" are not in the header row. Headers seen: {[n for n in names if n]}",
            headers=[n for n in names if n],
            candidates={f: [] for f in missing},
        )
    sample = sample_rows(sheet.rows, idx, headers_at)
    contents = column_contents(sample, names)
    try:
        got = decide(names, found, contents, sample, data, FIELDS, REQUIRED_FIELDS, _spoken(names))
    except Unmapped as exc:
        lines = [f"{where}: no column for {', '.join(exc.missing)}."]
        for f in exc.missing:
            cands = [
                f"{names[i]!r} (column {column_letter(i)}, score {p}){_samples_of(contents, i)}"
                for p, i in sorted(found.get(f, []), reverse=True)
            ]
            lines.append(f"  {f}: candidates {'; '.join(cands) or 'none by their header'}")
        raise HeaderUnmapped(
            "\n".join(lines),
            headers=[n for n in names if n],
            candidates=exc.candidates,
            missing=exc.missing,
        ) from None
    for fld, tied in got.ties.items():
        cands = [f"{names[i]!r} (column {column_letter(i)})" for i in tied]
        evidence = "; ".join(f"{names[i]!r}{_samples_of(contents, i)}" for i in tied)
        all_cands = {
            f: [
                f"{names[i]!r} (column {column_letter(i)})"
                for _, i in sorted(found.get(f, []), key=lambda t: t[1])
            ]
            for f in FIELDS
            if f in found
        }
        all_cands.setdefault(fld, cands)
        raise LedgerMappingError(
            f"{where}: cannot decide which column is the {fld}: "
            f"candidates {', '.join(cands)} (their values: {evidence}). "
            f"Headers seen: {[n for n in names if n]}. "
            f"Say which with columns={{'{fld}': '<header as published>'}} "
            f"(on the command line: --column {fld}='<header>'), or for this layout only, in "
            "the collaborative YAML:\n"
            + override_block(header_signature(sheet.rows[idx]), {fld: "<header>"}, names),
            headers=[n for n in names if n],
            candidates=all_cands,
        )
    precision = got.date_precision
    fy = None
    if precision == "month":
        titles = [str(c) for r in sheet.rows[:idx] for c in r if isinstance(c, str)]
        fy = financial_year_in(Path(str(path)).name, sheet.name, *titles)
    return Header(
        idx,
        sheet.row_numbers[idx],
        names,
        got.mapping,
        [f"{where}: {w}" for w in got.warnings],
        precision,
        got.decisions,
        fy,
        header_signature(sheet.rows[idx]),
    )
