"""Payment ledgers: read payment files as bodies publish them into one canonical ledger.

``read_ledger_file(path, anchor_id)`` reads one CSV or XLSX file (every
sheet); ``read_ledgers(paths, anchor_id)`` reads several and flags the same
transaction published in two files.  Both return a :class:`LedgerResult`:

* ``ledger``: one row per payment, columns :data:`LEDGER_COLUMNS`
  (documented in docs/ledger_schema.md);
* ``rejects``: every source row that is not a payment (blank, repeated
  header, total, note, or a row whose amount, supplier or date is missing or
  unreadable), with file, row, reason, the raw values and the amount it
  carries;
* ``reconciliation``: one row per file; input total = ledger total + rejects
  total, in whole pence.  A mismatch raises :class:`LedgerReconciliationError`.

Nothing is lost: every row between a sheet's first and last non-blank row,
other than the header row, lands in exactly one of ledger and rejects.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.core.atomic import write_all
from anchorlib.ledgers.parse import (
    REDACTED_KEY,
    clean_text,
    financial_year,
    is_blank,
    is_redacted,
    normalise_supplier_name,
    numeric_date_order,
    parse_amount,
    parse_date,
)
from anchorlib.ledgers.read import (
    FIELDS,
    Header,
    LedgerError,
    LedgerMappingError,
    LedgerReadError,
    LedgerReconciliationError,
    Sheet,
    column_letter,
    find_headers,
    no_header_message,
    normalise_header,
    read_sheets,
)

__all__ = [
    "LEDGER_COLUMNS",
    "REJECT_COLUMNS",
    "RECONCILIATION_COLUMNS",
    "REJECT_REASONS",
    "REDACTED_KEY",
    "LedgerError",
    "LedgerReadError",
    "LedgerMappingError",
    "LedgerReconciliationError",
    "LedgerResult",
    "read_ledger_file",
    "read_ledgers",
    "flag_duplicates",
    "write_outputs",
    "normalise_supplier_name",
    "financial_year",
    "parse_amount",
    "parse_date",
    "is_redacted",
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
]
#: What the file readers build; ``supplier_postcode_as_published`` is added after (see ``_postcodes``).
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
]
_RECON_EXTRA = [
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
_TOTAL = re.compile(
    r"^\s*(?:grand\s+|sub[\s-]*|overall\s+|net\s+|gross\s+|month(?:ly)?\s+|page\s+|report\s+)?totals?"
    r"\s*(?::.*|\s(?:for|of|to|paid|spend|spent|amount|value|payments?|expenditure|b/?f|c/?f)\b.*|\(.*\))?\s*$",
    re.I,
)


# --------------------------------------------------------------------------- result


@dataclass
class LedgerResult:
    """The canonical ledger, the rejects and the per-file reconciliation of one or more files."""

    ledger: pd.DataFrame
    rejects: pd.DataFrame
    reconciliation: pd.DataFrame
    mappings: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[str] = field(default_factory=list)

    def anchor_reconciliation(self) -> pd.DataFrame:
        """Reconciliation summed per anchor (same columns as per file, file = number of files)."""
        r = self.reconciliation
        if r.empty:
            return r.copy()
        sums = ["rows_in", "rows_ledger", "rows_rejected", *_RECON_EXTRA[:4], *_RECON_EXTRA[4:]]
        g = r.groupby("anchor", sort=False)[sums].sum().reset_index()
        g.insert(1, "file", r.groupby("anchor", sort=False)["file"].count().to_numpy())
        for col in ("in", "ledger", "rejected"):
            g[f"total_{col}"] = g[f"total_{col}_pence"] / 100
        g["difference"] = g["difference_pence"] / 100
        return g[RECONCILIATION_COLUMNS + _RECON_EXTRA]

    def summary(self) -> str:
        """A few lines for people: totals, rejects by reason, duplicates, date range."""
        lines = []
        for _, a in self.anchor_reconciliation().iterrows():
            led = self.ledger[self.ledger["anchor_id"] == a["anchor"]]
            dates = led["payment_date"].dropna()
            span = f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if len(dates) else "no dates"
            lines.append(
                f"{a['anchor']}: {a['file']} file(s), {a['rows_in']:,} rows in -> {a['rows_ledger']:,} ledger "
                f"+ {a['rows_rejected']:,} rejected; £{_gbp(a['total_in_pence'])} in = £{_gbp(a['total_ledger_pence'])} "
                f"ledger + £{_gbp(a['total_rejected_pence'])} rejected (difference £{_gbp(a['difference_pence'])}); "
                f"payments {span}"
            )
            lines.append(
                f"  duplicates across files: {a['rows_duplicate']:,} rows (£{_gbp(a['total_duplicate_pence'])}), flagged; "
                f"identical rows repeated within a file: {a['rows_repeated_within_file']:,}, kept; "
                f"redacted payees: {int(led['is_redacted'].sum()):,} rows"
            )
            rej = self.rejects[self.rejects["anchor_id"] == a["anchor"]]
            if len(rej):
                by = (
                    rej.groupby("reason")["amount_pence"]
                    .agg(["count", "sum"])
                    .sort_values("count", ascending=False)
                )
                lines.append(
                    "  rejects: "
                    + ", ".join(f"{r} {int(c):,} (£{_gbp(int(s))})" for r, (c, s) in by.iterrows())
                )
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def _gbp(pence: int) -> str:
    pence = int(pence)
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(pence), 100)
    return f"{sign}{pounds:,}.{p:02d}"


def _gbp_plain(pence: int) -> str:
    return _gbp(pence).replace(",", "")


# --------------------------------------------------------------------------- one file


def _labels(names: list[str]) -> list[str]:
    """Unique labels for raw values: the header, or the column letter when blank or repeated."""
    seen: Counter = Counter(n for n in names if n)
    return [
        n if n and seen[n] == 1 else (f"{n} [{column_letter(i)}]" if n else column_letter(i))
        for i, n in enumerate(names)
    ]


def _raw(row: list, labels: list[str]) -> str:
    out = {}
    for i, v in enumerate(row):
        if is_blank(v):
            continue
        out[labels[i] if i < len(labels) else column_letter(i)] = (
            v if isinstance(v, (int, float, str)) else str(v)
        )
    return json.dumps(out, ensure_ascii=False, default=str)


def _company_number(value) -> str | None:
    s = clean_text(value)
    if s is None:
        return None
    s = re.sub(r"\s+", "", s).upper()
    if s.isdigit() and len(s) < 8:
        s = s.zfill(8)
    return s


def _filled(row: list) -> int:
    return max((j + 1 for j, v in enumerate(row) if not is_blank(v)), default=0)


def _overflowing(sheet: Sheet, rows: range, width: int) -> set[int]:
    """CSV rows with values beyond the header's last named column, when they are the exception.

    An unquoted comma (``£1,234.56``) shifts a row's cells one to the right, so its cells cannot be
    trusted.  When most rows run past the header, the file simply has unnamed trailing columns."""
    over = {i for i in rows if _filled(sheet.rows[i]) > width}
    return over if len(over) * 2 < len(rows) else set()


def _bad_shape(sheet: Sheet, i: int, width: int, overflowing: set[int]) -> tuple[str, str] | None:
    """A CSV row that cannot be trusted cell by cell: cut short at the end of the file, or shifted."""
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
            f"{_filled(sheet.rows[i])} fields where the header has {width}: is there an "
            "unquoted comma in a value (such as £1,234.56)?"
        )
    return None


class _FileReader:
    """Turns the sheets of one file into ledger rows, reject rows and the input total."""

    def __init__(self, path: Path, source: str, anchor_id: str, columns):
        self.path, self.source, self.anchor_id, self.columns = path, source, anchor_id, columns
        self.ledger: list[dict] = []
        self.rejects: list[dict] = []
        self.rows_in = 0
        self.total_in = 0
        self.mappings: list[dict] = []
        self.warnings: list[str] = []

    def reject(
        self,
        sheet: Sheet,
        i: int,
        reason: str,
        detail: str,
        pence: int,
        row: list,
        labels: list[str],
    ):
        self.rejects.append(
            {
                "anchor_id": self.anchor_id,
                "source_file": self.source,
                "source_sheet": sheet.name,
                "source_row": sheet.row_numbers[i],
                "reason": reason,
                "detail": detail,
                "amount_pence": pence,
                "raw": _raw(row, labels),
            }
        )

    def read(self) -> None:
        sheets = read_sheets(self.path)
        headers = [find_headers(self.path, s, self.columns) if s.rows else [] for s in sheets]
        if not any(headers):
            if not any(s.rows for s in sheets):
                raise LedgerReadError(f"{self.path}: the file has no rows")
            raise LedgerMappingError(no_header_message(self.path, sheets, self.columns))
        for sheet, sheet_headers in zip(sheets, headers):
            if not sheet_headers:
                self._no_header(sheet)
            else:
                self._sheet(sheet, sheet_headers)

    def _no_header(self, sheet: Sheet) -> None:
        labels = [column_letter(i) for i in range(max((len(r) for r in sheet.rows), default=0))]
        for i, row in enumerate(sheet.rows):
            self.rows_in += 1
            blank = all(is_blank(v) for v in row)
            self.reject(
                sheet,
                i,
                "blank_row" if blank else "no_header",
                ""
                if blank
                else f"sheet {sheet.name!r} has no header row naming supplier, amount and date",
                0,
                row,
                labels,
            )
        if sheet.rows:
            self.warnings.append(
                f"{self.path}: sheet {sheet.name!r} has no header row; its {len(sheet.rows)} rows are rejects"
            )

    def _sheet(self, sheet: Sheet, headers: list[Header]) -> None:
        """Rows of a sheet, each read under the header of its section (rows above the first: the first)."""
        where = f"sheet {sheet.name!r}, " if sheet.name is not None else ""
        header_at = {h.index: h for h in headers}
        sections = []
        for k, h in enumerate(headers):
            start = 0 if k == 0 else h.index
            stop = headers[k + 1].index if k + 1 < len(headers) else len(sheet.rows)
            sections.append((h, start, stop))
            self.mappings.append(
                {"source_file": self.source, "source_sheet": sheet.name, "header_row": h.row_number}
                | {f: h.header_of(f) for f in FIELDS}
            )
            self.warnings.extend(h.warnings)
        for h, start, stop in sections:
            self._section(sheet, h, start, stop, header_at, headers[0].index, where)

    def _section(
        self,
        sheet: Sheet,
        h: Header,
        start: int,
        stop: int,
        header_at: dict,
        first: int,
        where: str,
    ) -> None:
        m = h.mapping
        labels = _labels(h.names)
        header_norms = [normalise_header(n) for n in h.names]
        col = {f: (m[f], h.names[m[f]] or column_letter(m[f])) for f in m}
        ai, di, si = m["amount"], m["payment_date"], m["supplier_name"]
        rows = sheet.rows[start:stop]
        dayfirst = numeric_date_order(r[di] for r in rows)
        header_width = _filled(h.names)
        overflowing = (
            _overflowing(sheet, range(start, stop), header_width) if sheet.name is None else set()
        )

        def cell(row, fld):
            return row[m[fld]] if fld in m else None

        def describe(fld):
            i, name = col[fld]
            return f"column {name!r} ({column_letter(i)})"

        for i in range(start, stop):
            row = sheet.rows[i]
            if i == first:
                continue  # the sheet's header row: not a data row
            self.rows_in += 1
            if i in header_at:
                self.reject(
                    sheet,
                    i,
                    "repeated_header",
                    "a header row: the rows below it are read by its column names",
                    0,
                    row,
                    labels,
                )
                continue
            # The input total: every parseable amount in the amount column of a data row.
            try:
                pence = parse_amount(row[ai])
                bad_amount = None
            except ValueError as exc:
                pence, bad_amount = None, str(exc)
            self.total_in += pence or 0
            carried = pence or 0

            if all(is_blank(v) for v in row):
                self.reject(sheet, i, "blank_row", "", 0, row, labels)
                continue
            if sheet.name is None and (shape := _bad_shape(sheet, i, header_width, overflowing)):
                self.reject(sheet, i, shape[0], shape[1], carried, row, labels)
                continue
            same_as_header = sum(
                1
                for j, v in enumerate(row)
                if isinstance(v, str) and header_norms[j] and normalise_header(v) == header_norms[j]
            )
            if same_as_header >= 2:
                self.reject(
                    sheet, i, "repeated_header", "the header row again", carried, row, labels
                )
                continue
            supplier = clean_text(row[si])
            date_raw = row[di]
            texts = [v for j, v in enumerate(row) if isinstance(v, str) and j != si]
            if (supplier and _TOTAL.match(supplier)) or (
                (not supplier or is_blank(date_raw)) and any(_TOTAL.match(t) for t in texts)
            ):
                self.reject(sheet, i, "total_row", "a total line", carried, row, labels)
                continue
            if not supplier and is_blank(date_raw) and pence is not None:
                self.reject(
                    sheet,
                    i,
                    "total_row",
                    "an amount with neither supplier nor date",
                    carried,
                    row,
                    labels,
                )
                continue
            if bad_amount is not None:
                self.reject(
                    sheet,
                    i,
                    "unparseable_amount",
                    f"{where}{describe('amount')}: {bad_amount}",
                    0,
                    row,
                    labels,
                )
                continue
            if pence is None:
                if is_blank(date_raw):
                    self.reject(sheet, i, "note_row", "neither amount nor date", 0, row, labels)
                else:
                    self.reject(
                        sheet,
                        i,
                        "missing_amount",
                        f"{where}{describe('amount')} is empty",
                        0,
                        row,
                        labels,
                    )
                continue
            if not supplier:
                self.reject(
                    sheet,
                    i,
                    "missing_supplier",
                    f"{where}{describe('supplier_name')} is empty",
                    carried,
                    row,
                    labels,
                )
                continue
            try:
                date = parse_date(date_raw, dayfirst)
            except ValueError as exc:
                self.reject(
                    sheet,
                    i,
                    "unparseable_date",
                    f"{where}{describe('payment_date')}: {exc}",
                    carried,
                    row,
                    labels,
                )
                continue
            if date is None:
                self.reject(
                    sheet,
                    i,
                    "missing_date",
                    f"{where}{describe('payment_date')} is empty",
                    carried,
                    row,
                    labels,
                )
                continue
            redacted = is_redacted(supplier)
            self.ledger.append(
                {
                    "anchor_id": self.anchor_id,
                    "source_file": self.source,
                    "source_sheet": sheet.name,
                    "source_row": sheet.row_numbers[i],
                    "payment_date": date,
                    "financial_year": financial_year(date),
                    "amount_pence": pence,
                    "supplier_name": supplier,
                    "supplier_key": REDACTED_KEY if redacted else normalise_supplier_name(supplier),
                    "category": clean_text(cell(row, "category")),
                    "description": clean_text(cell(row, "description")),
                    "transaction_id": clean_text(cell(row, "transaction_id")),
                    "company_number": _company_number(cell(row, "company_number")),
                    "charity_number": clean_text(cell(row, "charity_number")),
                    "supplier_postcode": (clean_text(cell(row, "supplier_postcode")) or "").upper()
                    or None,
                    "is_redacted": redacted,
                    "is_refund": pence < 0,
                }
            )


def _ledger_frame(rows: list[dict]) -> pd.DataFrame:
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
    ):
        df[c] = df[c].astype("str")
    return df[READ_COLUMNS]


def _rejects_frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=[c for c in REJECT_COLUMNS if c != "amount"])
    df["amount_pence"] = df["amount_pence"].astype("int64")
    df["amount"] = df["amount_pence"] / 100
    df["source_row"] = df["source_row"].astype("int64")
    for c in ("anchor_id", "source_file", "source_sheet", "reason", "detail", "raw"):
        df[c] = df[c].astype("str")
    return df[REJECT_COLUMNS]


def _reconcile(
    anchor_id: str,
    source: str,
    rows_in: int,
    total_in: int,
    ledger: pd.DataFrame,
    rejects: pd.DataFrame,
) -> dict:
    led, rej = int(ledger["amount_pence"].sum()), int(rejects["amount_pence"].sum())
    diff = total_in - led - rej
    row = {
        "anchor": anchor_id,
        "file": source,
        "rows_in": rows_in,
        "rows_ledger": len(ledger),
        "rows_rejected": len(rejects),
        "total_in": total_in / 100,
        "total_ledger": led / 100,
        "total_rejected": rej / 100,
        "difference": diff / 100,
        "total_in_pence": total_in,
        "total_ledger_pence": led,
        "total_rejected_pence": rej,
        "difference_pence": diff,
        "rows_duplicate": 0,
        "total_duplicate_pence": 0,
        "rows_repeated_within_file": 0,
    }
    if diff != 0 or rows_in != len(ledger) + len(rejects):
        raise LedgerReconciliationError(
            f"{source}: reconciliation failed: {rows_in} rows in, {len(ledger)} ledger + {len(rejects)} rejected; "
            f"£{_gbp(total_in)} in vs £{_gbp(led)} ledger + £{_gbp(rej)} rejected (difference £{_gbp(diff)})"
        )
    return row


def _read_one(
    path, anchor_id: str, columns
) -> tuple[pd.DataFrame, pd.DataFrame, dict, list[dict], list[str], tuple | None]:
    """(ledger, rejects, reconciliation row, mappings, warnings, supplier key codes) of one file.

    The last is (per ledger row a code, the key of each code) when the vectorised reader has them
    (flag_duplicates then need not compare the keys as text), else None."""
    path = Path(path)
    source = str(path)
    from anchorlib.ledgers.fast import (
        read_csv_fast,
    )  # CSV column-wise, same result; None: read row by row

    fast = read_csv_fast(path, source, anchor_id, columns, compact=True)  # (expanded by _finish)
    if fast is not None:
        recon = _reconcile(
            anchor_id, source, fast.rows_in, fast.total_in, fast.ledger, fast.rejects
        )
        codes = (fast.key_codes, fast.key_table) if fast.key_codes is not None else None
        return (
            _postcodes(fast.ledger, fast.warnings, path),
            fast.rejects,
            recon,
            fast.mappings,
            fast.warnings,
            codes,
        )
    reader = _FileReader(path, source, anchor_id, columns)
    try:
        reader.read()
    except LedgerError:
        raise
    except Exception as exc:  # anything unexpected still names the file
        raise LedgerReadError(f"{path}: cannot read ({type(exc).__name__}: {exc})") from exc
    ledger = _ledger_frame(reader.ledger)
    rejects = _rejects_frame(reader.rejects)
    recon = _reconcile(anchor_id, source, reader.rows_in, reader.total_in, ledger, rejects)
    return (
        _postcodes(ledger, reader.warnings, path),
        rejects,
        recon,
        reader.mappings,
        reader.warnings,
        None,
    )


def _postcodes(ledger: pd.DataFrame, warnings: list[str], path) -> pd.DataFrame:
    """Supplier postcodes in their canonical form; those that are not UK postcodes are set aside, never guessed.

    ``supplier_postcode_as_published`` keeps what the file said; ``supplier_postcode`` is the
    canonical form (``BB5 1LA``) or empty, and a warning names the rows whose value was not a postcode.
    """
    published = ledger["supplier_postcode"]
    ledger = ledger.assign(supplier_postcode_as_published=published)[LEDGER_COLUMNS]
    has = published.notna()
    if not has.any():
        return ledger
    from anchorlib.data.postcodes import normalise_postcodes

    norm = normalise_postcodes(published[has])
    ledger.loc[has, "supplier_postcode"] = norm["pcds"].where(norm["valid"], None).to_numpy()
    bad = ledger.loc[has, "source_row"][~norm["valid"].to_numpy()]
    if len(bad):
        rows = ", ".join(str(r) for r in bad.head(10)) + (" ..." if len(bad) > 10 else "")
        warnings.append(
            f"{path}: {len(bad)} supplier postcodes are not valid UK postcodes (rows {rows}): "
            "kept as published in supplier_postcode_as_published, not used to place suppliers"
        )
    return ledger


def _duplicate_hints(ledgers: list[pd.DataFrame], key_codes: list) -> dict:
    """What the readers know that flag_duplicates would otherwise compute from the text columns:
    each row's file (one file per ledger) and, when every file has them, supplier key codes."""
    sources = [str(led["source_file"].iloc[0]) for led in ledgers if len(led)]
    codes, files = pd.factorize(pd.Series(sources, dtype=object), use_na_sentinel=False)
    lengths = [len(led) for led in ledgers if len(led)]
    if len(lengths) == 1:
        per_row = np.zeros(lengths[0], dtype=np.int64)
    else:
        per_row = np.repeat(np.asarray(codes, dtype=np.int64), lengths)
    hints: dict = {"file_codes": (per_row, list(files))}
    if key_codes and len(key_codes) == len(ledgers) and all(k is not None for k in key_codes):
        common: dict[str, int] = {}
        parts = []
        for (codes_f, table), led in zip(key_codes, ledgers):
            if len(codes_f) != len(led):
                return hints
            to_common = np.asarray(
                [common.setdefault(k, len(common)) for k in table], dtype=np.int64
            )
            if np.array_equal(
                to_common, np.arange(len(to_common))
            ):  # the first file's codes are the common ones
                parts.append(codes_f)
            else:
                parts.append(to_common[codes_f] if len(codes_f) else np.zeros(0, dtype=np.int64))
        hints["supplier_codes"] = (
            (parts[0] if len(parts) == 1 else np.concatenate(parts))
            if parts
            else np.zeros(0, dtype=np.int64)
        )
    return hints


#: Ledger columns with one value per file (or per anchor): the readers may hand them to _finish as
#: Categoricals (a byte per row: at 20 million rows the text of a file's path is over a gigabyte),
#: which turns them into the usual 'str' columns once the duplicates are flagged.
_CONSTANT = ("anchor_id", "source_file")


def _constant_column(value: str, n: int) -> pd.Categorical:
    """n times the same text, as a Categorical (see _CONSTANT)."""
    return pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([value], dtype="str")
    )


def _is_categorical(values) -> bool:
    return isinstance(values.dtype, pd.CategoricalDtype)


def _unify_constants(ledgers: list[pd.DataFrame]) -> list[pd.DataFrame]:
    """The ledgers with their _CONSTANT columns as Categoricals of the same categories (pd.concat then
    keeps them Categorical), when any ledger has them so; otherwise the ledgers as they are."""
    if not any(_is_categorical(led[c]) for led in ledgers for c in _CONSTANT if c in led.columns):
        return ledgers
    out = [led.copy(deep=False) for led in ledgers]
    for c in _CONSTANT:
        for led in out:
            if not _is_categorical(led[c]):
                led[c] = pd.Categorical(led[c])
        categories = list(dict.fromkeys(v for led in out for v in led[c].cat.categories))
        dtype = pd.CategoricalDtype(pd.Index(categories, dtype="str"))
        where = {v: i for i, v in enumerate(categories)}
        for led in out:  # codes into the common categories (-1, null, stays -1)
            cat = led[c].array
            remap = np.asarray([where[v] for v in cat.categories] + [-1], dtype=np.int32)
            led[c] = pd.Categorical.from_codes(remap[np.asarray(cat.codes)], dtype=dtype)
    return out


def _expand_constants(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger with its Categorical _CONSTANT columns as 'str' columns, chunked as the other text columns
    (exactly the column the readers otherwise build: the same values, dtype and Parquet bytes)."""
    cols = [c for c in _CONSTANT if c in ledger.columns and _is_categorical(ledger[c])]
    if not cols:
        return ledger
    import pyarrow as pa

    from anchorlib.ledgers.fast import _str_series

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
        ledger[c] = pd.Series(_str_series(chunks).array, index=ledger.index)
    return ledger


def _finish(ledgers, rejects, recons, mappings, warnings, key_codes=None) -> LedgerResult:
    parts = _unify_constants(ledgers) if ledgers else []
    ledger = pd.concat(parts, ignore_index=True) if parts else _ledger_frame([])
    del parts
    rej = pd.concat(rejects, ignore_index=True) if rejects else _rejects_frame([])
    hints = _duplicate_hints(ledgers, key_codes) if ledgers else {}
    ledgers = None  # (memory: the files' frames are in the ledger now)
    ledger, within = flag_duplicates(ledger, **hints)
    recon = pd.DataFrame(recons, columns=RECONCILIATION_COLUMNS + _RECON_EXTRA)
    if len(recon):
        # (memory: only the duplicate rows are taken, column by column, and source_file while it is
        # still Categorical; ledger.loc[mask, columns], or a take of an Arrow string column, copies the
        # whole column first: over a gigabyte at 20 million rows)
        rows = np.flatnonzero(ledger["is_duplicate"].to_numpy())
        files = (
            ledger["source_file"].iloc[rows].to_numpy(dtype=object)
            if len(rows)
            else np.zeros(0, dtype=object)
        )
        dup = pd.DataFrame(
            {"source_file": files, "amount_pence": ledger["amount_pence"].to_numpy()[rows]}
        )
        dup = dup.groupby("source_file")["amount_pence"].agg(["count", "sum"])
        recon["rows_duplicate"] = recon["file"].map(dup["count"]).fillna(0).astype("int64")
        recon["total_duplicate_pence"] = recon["file"].map(dup["sum"]).fillna(0).astype("int64")
        recon["rows_repeated_within_file"] = recon["file"].map(within).fillna(0).astype("int64")
    ledger = _expand_constants(ledger)  # after the duplicates: their peak without the text
    result = LedgerResult(ledger, rej, recon, pd.DataFrame(mappings), warnings)
    for _, a in result.anchor_reconciliation().iterrows():
        if a["difference_pence"] != 0 or a["rows_in"] != a["rows_ledger"] + a["rows_rejected"]:
            raise LedgerReconciliationError(
                f"anchor {a['anchor']}: reconciliation failed: {a.to_dict()}"
            )
    return result


def read_ledger_file(
    path, anchor_id: str, columns: dict[str, str | list[str]] | None = None
) -> LedgerResult:
    """Read one payment file (CSV, or XLSX with every sheet) into a :class:`LedgerResult`.

    ``columns`` overrides the detected mapping: ``{canonical_field: 'Header As Published'}``
    (or a list of alternative headers, for layouts that change over time).
    Canonical fields: supplier_name, amount, payment_date, transaction_id,
    category, description, company_number, charity_number, supplier_postcode.
    Identical rows within the file are kept (they can be genuine repeat payments).
    """
    ledger, rejects, recon, mappings, warnings, codes = _read_one(path, anchor_id, columns)
    return _finish([ledger], [rejects], [recon], mappings, warnings, [codes])


def read_ledgers(
    paths: Iterable,
    anchor_id: str,
    columns: dict[str, str | list[str]] | None = None,
    progress: bool | Callable[[int, int, Path, dict | None], None] = True,
) -> LedgerResult:
    """Read several payment files of one anchor; flag transactions published in more than one.

    Files are read in the order given and a row already published in an
    earlier file is flagged ``is_duplicate`` (see :func:`flag_duplicates`).
    ``progress=True`` prints one line per file on stderr; a callable gets
    ``(index, count, path, reconciliation_row_or_None)``.  Every file is
    tried; if any cannot be read, one :class:`LedgerReadError` lists them all.
    """
    given = [Path(p) for p in paths]
    if not given:
        raise LedgerReadError("no files given")
    ledgers, rejects, recons, mappings, warnings, errors, key_codes = [], [], [], [], [], [], []
    paths, seen = [], set()
    for p in given:
        key = p.resolve() if p.exists() else p
        if key in seen:
            warnings.append(f"{p}: given more than once; read once")
            continue
        seen.add(key)
        paths.append(p)
    for n, path in enumerate(paths, start=1):
        try:
            led, rej, rec, maps, warns, codes = _read_one(path, anchor_id, columns)
        except LedgerError as exc:
            errors.append(exc)
            rec = None
            if progress is True:
                print(f"[{n}/{len(paths)}] {path.name}: FAILED", file=sys.stderr, flush=True)
        else:
            ledgers.append(led)
            key_codes.append(codes)
            rejects.append(rej)
            recons.append(rec)
            mappings.extend(maps)
            warnings.extend(warns)
            if progress is True:
                print(
                    f"[{n}/{len(paths)}] {path.name}: {rec['rows_in']:,} rows, {rec['rows_ledger']:,} ledger, "
                    f"{rec['rows_rejected']:,} rejected, £{_gbp(rec['total_in_pence'])}",
                    file=sys.stderr,
                    flush=True,
                )
        if callable(progress):
            progress(n, len(paths), path, rec)
    if errors:
        if len(errors) == 1:
            raise errors[0]
        err = LedgerReadError(
            f"{len(errors)} of {len(paths)} files could not be read:\n"
            + "\n".join(f"- {e}" for e in errors)
        )
        err.errors = errors
        raise err
    return _finish(ledgers, rejects, recons, mappings, warnings, key_codes)


# --------------------------------------------------------------------------- duplicates


def _norm_text(v) -> str:
    return "" if v is None or v != v else " ".join(str(v).split()).casefold()


def flag_duplicates(
    ledger: pd.DataFrame, supplier_codes=None, file_codes=None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Flag rows that repeat a transaction already published in an earlier file.

    A row is a duplicate when an earlier file (in ledger order) has

    * the same transaction id, amount and supplier key, or
    * an identical row: same date, amount, supplier key, category,
      description and transaction id (text compared ignoring case and spacing).

    Counts matter: if file A has a row twice and file B has it three times,
    two of B's are duplicates and one is new.  Identical rows within one file
    are never flagged.  Returns the ledger (``is_duplicate``, ``duplicate_of`` =
    'file:row' of the first publication) and {file: rows repeating an
    identical earlier row of the same file}.

    ``supplier_codes`` (per row an integer, equal exactly where ``supplier_key`` is) and
    ``file_codes`` ((per row the index of its file, the files in order of first appearance)) may
    be given by a reader that has them; they only save work.
    """
    from anchorlib.ledgers import fast as ledger_fast

    if len(ledger) >= 50_000 and ledger_fast.fast_path_enabled():  # the same result, column-wise
        return ledger_fast.flag_duplicates(
            ledger, supplier_codes=supplier_codes, file_codes=file_codes
        )
    ledger = _expand_constants(ledger).copy()
    if ledger.empty:
        return ledger, {}
    files = list(dict.fromkeys(ledger["source_file"]))
    date = ledger["payment_date"].dt.strftime("%Y-%m-%d").fillna("")
    content = list(
        zip(
            ledger["anchor_id"],
            date,
            ledger["amount_pence"],
            ledger["supplier_key"].fillna(""),
            ledger["category"].map(_norm_text),
            ledger["description"].map(_norm_text),
            ledger["transaction_id"].map(_norm_text),
        )
    )
    txn = [(c[0], c[6], c[2], c[3]) if c[6] else None for c in content]
    loc = (
        ledger["source_file"]
        + ":"
        + ledger["source_sheet"].fillna("").map(lambda s: f"{s}!" if s else "")
        + ledger["source_row"].astype(str)
    ).tolist()
    by_file: dict[str, list[int]] = {}
    for pos, f in enumerate(ledger["source_file"]):
        by_file.setdefault(f, []).append(pos)
    seen_c: Counter = Counter()
    seen_t: Counter = Counter()
    first_c: dict = {}
    first_t: dict = {}
    is_dup = [False] * len(ledger)
    dup_of: list = [None] * len(ledger)
    within: dict[str, int] = {}
    for f in files:
        occ_c: Counter = Counter()
        occ_t: Counter = Counter()
        for pos in by_file[f]:
            kc, kt = content[pos], txn[pos]
            if occ_c[kc] > 0:
                within[f] = within.get(f, 0) + 1
            if occ_c[kc] < seen_c[kc]:
                is_dup[pos], dup_of[pos] = True, first_c[kc]
            elif kt is not None and occ_t[kt] < seen_t[kt]:
                is_dup[pos], dup_of[pos] = True, first_t[kt]
            occ_c[kc] += 1
            if kt is not None:
                occ_t[kt] += 1
        for k, n in occ_c.items():
            seen_c[k] = max(seen_c[k], n)
        for k, n in occ_t.items():
            seen_t[k] = max(seen_t[k], n)
        for pos in by_file[f]:
            first_c.setdefault(content[pos], loc[pos])
            if txn[pos] is not None:
                first_t.setdefault(txn[pos], loc[pos])
    ledger["is_duplicate"] = is_dup
    ledger["duplicate_of"] = pd.Series(dup_of, dtype="str", index=ledger.index)
    return ledger, within


# --------------------------------------------------------------------------- outputs


def _reconciliation_csv_frame(recon: pd.DataFrame) -> pd.DataFrame:
    out = recon[RECONCILIATION_COLUMNS].copy()
    for col, pence in (
        ("total_in", "total_in_pence"),
        ("total_ledger", "total_ledger_pence"),
        ("total_rejected", "total_rejected_pence"),
        ("difference", "difference_pence"),
    ):
        out[col] = recon[pence].map(_gbp_plain)
    return out


def write_outputs(result: LedgerResult, out_dir) -> dict[str, Path]:
    """Write ledger.parquet, rejects.csv, reconciliation.csv, columns.csv (the detected column mapping)
    and summary.txt (totals, rejects by reason, duplicate counts) atomically.

    Each file is written to a temporary name in ``out_dir`` and renamed into
    place only when all have been written, so a failed run leaves earlier
    outputs untouched.  Amounts in the CSVs are exact decimal pounds.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rejects = result.rejects.copy()
    rejects["amount"] = rejects["amount_pence"].map(_gbp_plain)
    targets = {
        "ledger": out_dir / "ledger.parquet",
        "rejects": out_dir / "rejects.csv",
        "reconciliation": out_dir / "reconciliation.csv",
        "columns": out_dir / "columns.csv",
        "summary": out_dir / "summary.txt",
    }
    writers = {
        "ledger": lambda p: result.ledger.to_parquet(p, index=False),
        "rejects": lambda p: rejects.to_csv(p, index=False),
        "reconciliation": lambda p: _reconciliation_csv_frame(result.reconciliation).to_csv(
            p, index=False
        ),
        "columns": lambda p: result.mappings.to_csv(p, index=False),
        "summary": lambda p: Path(p).write_text(result.summary() + "\n", encoding="utf-8"),
    }
    return write_all(targets, writers)
