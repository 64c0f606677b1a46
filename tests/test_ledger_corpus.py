"""Step 8 item 7: every body in ../shared/data/ledgers/corpus/ (ten NHS bodies, two councils, as
published) is read with no help: at least 98% of its rows in the ledger, the reconciliation exact,
and the ledger total equal to an independent sum of its amount column (the file re-read here with
the csv module / openpyxl and a Decimal parser, not the ledger reader).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from anchorlib.ledgers.canonical import read_ledgers

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ledgers" / "corpus"
BODIES = sorted(p.name for p in CORPUS.iterdir()) if CORPUS.is_dir() else []


def _money(text) -> Decimal | None:
    """An amount cell, independently: '£1,234.56', '(12.00)', ' 5 ', 7.5 (a workbook number)."""
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return Decimal(str(text)).quantize(Decimal("0.01"))
    s = re.sub(r"[£,\s]", "", str(text))
    if not s or s in ("-",):
        return None
    neg = s.startswith("(") and s.endswith(")")
    s = s.strip("()")
    try:
        d = Decimal(s)
    except ArithmeticError:
        return None
    return (-d if neg else d).quantize(Decimal("0.01"))


def _rows(path: Path) -> list[list]:
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            return [list(r) for ws in wb.worksheets for r in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline="")))


def _independent(path: Path, supplier: str, amount: str) -> tuple[Decimal, Decimal]:
    """(the amount column's sum over every row below a header row, the sum over rows with a
    supplier that is not a total line) of one file, headers matched as published."""
    total = payments = Decimal(0)
    cols = None
    for row in _rows(path):
        cells = ["" if c is None else str(c).strip() for c in row]
        if supplier in cells and amount in cells:
            cols = (cells.index(supplier), cells.index(amount))  # a (repeated) header row
            continue
        if cols is None or cols[1] >= len(row):
            continue
        value = _money(row[cols[1]])
        if value is None:
            continue
        total += value
        name = cells[cols[0]] if cols[0] < len(cells) else ""
        # a total line reads 'Total', 'Grand total:', 'Total for April' (not 'TOTAL GAS & POWER')
        if name and not re.match(r"(?i)^(grand |sub-?)?totals?\s*(:.*|for\b.*)?$", name):
            payments += value
    return total, payments


@pytest.mark.shared
@pytest.mark.parametrize("body", BODIES)
def test_every_corpus_body_reads_without_help(body):
    files = sorted((CORPUS / body).iterdir())
    r = read_ledgers(files, body, progress=False)
    rec = r.reconciliation
    assert (rec["difference_pence"] == 0).all()
    assert (rec["rows_in"] == rec["rows_ledger"] + rec["rows_rejected"]).all()
    assert rec["rows_ledger"].sum() >= 0.98 * rec["rows_in"].sum()
    for f, m in zip(files, r.mappings.groupby("source_file", sort=False)):
        maps = m[1]
        assert maps["source_file"].iloc[0] == str(f)
        column_sum, payments = Decimal(0), Decimal(0)
        for sup, amt in dict.fromkeys(zip(maps["supplier_name"], maps["amount"])):
            t, p = _independent(f, sup, amt)
            column_sum, payments = column_sum + t, payments + p
        row = rec[rec["file"] == str(f)].iloc[0]
        assert int(column_sum * 100) == row["total_in_pence"], f
        assert int(payments * 100) == row["total_ledger_pence"], f


@pytest.mark.shared
def test_corpus_present():
    if not CORPUS.is_dir():
        pytest.skip("the real data bundle ../shared/data is not on this machine")
    assert len(BODIES) == 12
