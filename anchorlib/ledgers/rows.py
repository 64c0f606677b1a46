"""The row reader: a payment file read row by row, every row judged by the shared row rules.

It reads any file :func:`anchorlib.ledgers.read.read_sheets` reads (CSV and every sheet of an XLSX
workbook), finds each sheet's header rows and reads every row under the header of its section.
It is the reference the Arrow reader (:mod:`anchorlib.ledgers.arrow`) must agree with, and reads
every file that one leaves.
"""

from __future__ import annotations

from pathlib import Path

from anchorlib.core.normalise import is_blank
from anchorlib.ledgers.inspect import no_header_message
from anchorlib.ledgers.parse import financial_year, numeric_date_order
from anchorlib.ledgers.read import (
    FIELDS,
    Header,
    LedgerError,
    LedgerMappingError,
    LedgerReadError,
    Sheet,
    column_letter,
    find_headers,
    read_sheets,
)
from anchorlib.ledgers.schema import (
    FileRead,
    Section,
    bad_shape,
    filled,
    labels,
    ledger_frame,
    overflowing,
    raw_json,
    rejects_frame,
    row_outcome,
)

__all__ = ["RowReader", "read_rows"]


class RowReader:
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
                "raw": raw_json(row, labels),
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
                f"{self.path}: sheet {sheet.name!r} has no header row; "
                f"its {len(sheet.rows)} rows are rejects"
            )

    def _sheet(self, sheet: Sheet, headers: list[Header]) -> None:
        """A sheet's rows, each under its section's header (the rows above the first: the first)."""
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
                | h.basis()
                | {"layout": h.signature, "decided": h.decided()}
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
        sec = Section(
            h.mapping,
            h.names,
            where=where,
            period=h.date_precision == "month",
            fy_start=h.fy_start,
        )
        basis = h.basis()
        labels_ = labels(h.names)
        dayfirst = numeric_date_order(r[sec.di] for r in sheet.rows[start:stop])
        header_width = filled(h.names)
        csv_rows = sheet.name is None  # a CSV row may be cut short or shifted (see bad_shape)
        over = overflowing(sheet, range(start, stop), header_width) if csv_rows else set()
        for i in range(start, stop):
            row = sheet.rows[i]
            if i == first:
                continue  # the sheet's header row: not a data row
            self.rows_in += 1
            if i in header_at:
                detail = "a header row: the rows below it are read by its column names"
                self.reject(sheet, i, "repeated_header", detail, 0, row, labels_)
                continue
            shape = bad_shape(sheet, i, header_width, over) if csv_rows else None
            pence_in, reason, detail, pence, record = row_outcome(row, sec, dayfirst, shape)
            self.total_in += pence_in
            if reason is not None:
                self.reject(sheet, i, reason, detail, pence, row, labels_)
                continue
            date = record["payment_date"]
            self.ledger.append(
                {
                    "anchor_id": self.anchor_id,
                    "source_file": self.source,
                    "source_sheet": sheet.name,
                    "source_row": sheet.row_numbers[i],
                    "financial_year": financial_year(date),
                    "is_refund": record["amount_pence"] < 0,
                    **record,
                    **basis,
                }
            )


def read_rows(path: Path, source: str, anchor_id: str, columns=None) -> FileRead:
    """One payment file (CSV, or XLSX with every sheet) read row by row: the reference reader.

    ``source`` names the file in the ledger and rejects; ``columns`` overrides the detected column
    mapping (see :func:`anchorlib.ledgers.canonical.read_ledger_file`)."""
    reader = RowReader(path, source, anchor_id, columns)
    try:
        reader.read()
    except LedgerError:
        raise
    except Exception as exc:  # anything unexpected still names the file
        raise LedgerReadError(f"{path}: cannot read ({type(exc).__name__}: {exc})") from exc
    return FileRead(
        ledger_frame(reader.ledger),
        rejects_frame(reader.rejects),
        reader.rows_in,
        reader.total_in,
        reader.mappings,
        reader.warnings,
    )
