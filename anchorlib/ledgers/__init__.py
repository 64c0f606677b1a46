"""Ledgers: payment files read as bodies publish them into one canonical, reconciled ledger.

Cell parsing (amounts, dates, names, periods), reading files into sheets and finding headers,
deciding which column is which (header words scored, then confirmed on a sample of the content:
``tokens``, ``headers``, ``content``, ``scoring``; ``inspect`` shows how a file is read), the
canonical schema, the row reader and the Arrow reader for large CSVs, one entry point choosing
between them.

May import: ``core``, ``data``, ``config``.
Must not import: suppliers, workforce or anything above them.
"""

from anchorlib.ledgers.arrow import read_csv_fast
from anchorlib.ledgers.canonical import LedgerResult, read_ledger_file, read_ledgers, write_outputs
from anchorlib.ledgers.headers import header_matches, vat_basis
from anchorlib.ledgers.inspect import format_inspection, inspect_file
from anchorlib.ledgers.parse import (
    NUMERIC_DATE,
    REDACTED_KEY,
    financial_year,
    is_redacted,
    normalise_supplier_name,
    numeric_date_order,
    parse_amount,
    parse_date,
)
from anchorlib.ledgers.periods import parse_period
from anchorlib.ledgers.read import (
    FIELDS,
    LedgerError,
    LedgerMappingError,
    LedgerReadError,
    column_letter,
    normalise_header,
    read_sheets,
)
from anchorlib.ledgers.rows import read_rows
from anchorlib.ledgers.schema import LEDGER_COLUMNS, RECONCILIATION_COLUMNS
from anchorlib.ledgers.tokens import header_signature

__all__ = [
    "FIELDS",
    "LEDGER_COLUMNS",
    "LedgerError",
    "LedgerMappingError",
    "LedgerReadError",
    "LedgerResult",
    "NUMERIC_DATE",
    "RECONCILIATION_COLUMNS",
    "REDACTED_KEY",
    "column_letter",
    "financial_year",
    "format_inspection",
    "header_matches",
    "header_signature",
    "inspect_file",
    "is_redacted",
    "normalise_header",
    "normalise_supplier_name",
    "numeric_date_order",
    "parse_amount",
    "parse_date",
    "parse_period",
    "read_csv_fast",
    "read_ledger_file",
    "read_ledgers",
    "read_rows",
    "read_sheets",
    "vat_basis",
    "write_outputs",
]
