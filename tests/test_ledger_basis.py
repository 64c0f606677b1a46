"""The VAT basis, amount header and date precision each ledger row, columns.csv and
reconciliation.csv carry (step 8 item 4): read from the amount header's words, never assumed."""

from __future__ import annotations

import pandas as pd
import pytest

from anchorlib.ledgers.canonical import read_ledger_file, read_ledgers, write_outputs
from anchorlib.ledgers.headers import vat_basis


@pytest.mark.parametrize(
    "header, basis",
    [
        ("Net Amount", "net"),
        ("Line Total (ex. VAT)", "net"),
        ("Value (excluding VAT) £", "net"),
        ("Net Expenditure", "net"),
        ("Amount before VAT", "net"),
        ("Swm (heb TAW)", "net"),  # Welsh: amount (without VAT)
        ("Gross", "gross"),
        ("Gross Value incl VAT", "gross"),
        ("Amount inc. VAT", "gross"),
        ("Amount Paid", "unknown"),
        ("Amount", "unknown"),
        ("Sum of Amount", "unknown"),
        ("Invoice Amount GBP", "unknown"),
        ("Total", "unknown"),
        ("Net amount incl VAT", "unknown"),  # says both: not guessed
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_vat_basis_from_the_header_words(header, basis):
    assert vat_basis(header) == basis


def _csv(path, amount_header, rows=3):
    lines = [f"Supplier,{amount_header},Payment Date"]
    lines += [f"Acme Ltd {i},{10 + i}.50,0{i + 1}/04/2024" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fast", ["1", "0"])
def test_basis_in_ledger_columns_and_reconciliation(tmp_path, monkeypatch, fast):
    monkeypatch.setenv("ANCHOR_LEDGER_FAST", fast)
    net = _csv(tmp_path / "net.csv", "Net Amount")
    gross = _csv(tmp_path / "gross.csv", "Amount (incl VAT)")
    paid = _csv(tmp_path / "paid.csv", "Amount Paid")
    r = read_ledgers([net, gross, paid], "t", progress=False)
    by_file = r.ledger.groupby("source_file")[["vat_basis", "amount_header", "date_precision"]]
    got = by_file.agg(lambda s: "/".join(sorted(set(s)))).to_dict("index")
    assert got == {
        str(net): {"vat_basis": "net", "amount_header": "Net Amount", "date_precision": "day"},
        str(gross): {
            "vat_basis": "gross",
            "amount_header": "Amount (incl VAT)",
            "date_precision": "day",
        },
        str(paid): {
            "vat_basis": "unknown",
            "amount_header": "Amount Paid",
            "date_precision": "day",
        },
    }
    assert r.ledger["vat_basis"].dtype == "str"
    rec = r.reconciliation.set_index("file")
    assert rec.loc[str(gross), "vat_basis"] == "gross"
    assert rec.loc[str(paid), "amount_header"] == "Amount Paid"
    maps = r.mappings.set_index("source_file")
    assert maps.loc[str(net), "vat_basis"] == "net"
    anchors = r.anchor_reconciliation()
    assert anchors.loc[0, "vat_basis"] == "mixed"  # three bases: not one of them
    assert anchors.loc[0, "amount_header"] == "Net Amount | Amount (incl VAT) | Amount Paid"
    out = write_outputs(r, tmp_path / "out")
    csv = pd.read_csv(out["reconciliation"])
    assert list(csv["vat_basis"]) == ["net", "gross", "unknown"]
    assert list(pd.read_csv(out["columns"])["vat_basis"]) == ["net", "gross", "unknown"]
    parquet = pd.read_parquet(out["ledger"])
    assert set(parquet["vat_basis"]) == {"net", "gross", "unknown"}
    one = read_ledger_file(net, "t")
    assert one.anchor_reconciliation().loc[0, "vat_basis"] == "net"
