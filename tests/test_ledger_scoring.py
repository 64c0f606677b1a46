"""Step 8: header words scored and confirmed by content, periods as months, layout overrides that
survive a new month's file, `anchor ledger inspect`, and refusals that stay clear."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from anchorlib.config.collaborative import LedgerSpec
from anchorlib.ledgers.canonical import read_ledger_file, read_ledgers
from anchorlib.ledgers.content import column_contents
from anchorlib.ledgers.headers import header_matches
from anchorlib.ledgers.periods import financial_year_in, parse_period
from anchorlib.ledgers.read import LedgerMappingError
from anchorlib.ledgers.tokens import header_signature, header_tokens


@pytest.mark.parametrize(
    "header, tokens",
    [
        ("Vendor Ref (T)", ("vendor", "ref")),
        ("Sum of Amount GBP", ("amount",)),
        ("Value (excluding VAT) £", ("value", "excluding", "vat")),
        ("Pmt Dt", ("payment", "date")),
    ],
)
def test_header_tokens(header, tokens):
    assert header_tokens(header) == tokens


@pytest.mark.parametrize(
    "header, field, score",
    [
        ("Line Total (ex. VAT)", "amount", 100),  # net qualifier: preferred
        ("Net Expenditure", "amount", 100),
        ("Invoice Amount GBP", "amount", 95),
        ("Gross Value incl VAT", "amount", 80),  # gross: below any net or plain amount
        ("Payment Date", "payment_date", 100),
        ("Date", "payment_date", 90),
        ("Posting Date", "payment_date", 80),  # payment before posting before invoice
        ("Invoice Date", "payment_date", 70),
        ("Date Extracted", "payment_date", 40),
        ("Vendor Ref (T)", "supplier_name", 30),  # weak: the content must confirm
        ("Cyflenwr", "supplier_name", 90),  # Welsh
        ("Accounting Period", "period", 90),
    ],
)
def test_header_scores(header, field, score):
    assert header_matches(" ".join(header_tokens(header))).get(field) == score


@pytest.mark.parametrize(
    "value, fy, month",
    [
        ("202012", None, dt.date(2020, 12, 1)),
        (202103, None, dt.date(2021, 3, 1)),
        ("2020-12", None, dt.date(2020, 12, 1)),
        ("Dec-20", None, dt.date(2020, 12, 1)),
        ("December 2020", None, dt.date(2020, 12, 1)),
        # P1 = April: P9 of 2020/21 = December 2020, P10 = January 2021, P12 = March 2021
        ("P9", 2020, dt.date(2020, 12, 1)),
        ("P10", 2020, dt.date(2021, 1, 1)),
        ("Period 12", 2020, dt.date(2021, 3, 1)),
        ("Period 9 2020/21", None, dt.date(2020, 12, 1)),
        ("P09 2019-20", 2020, dt.date(2019, 12, 1)),  # the value's own year wins
    ],
)
def test_parse_period(value, fy, month):
    assert parse_period(value, fy) == month


@pytest.mark.parametrize("value", ["P9", "P13 2020/21", "2020/21", "Monday"])
def test_parse_period_refuses(value):
    with pytest.raises(ValueError):
        parse_period(value, None)


def test_financial_year_in_names():
    assert financial_year_in("spend_P9_2020-21.csv") == 2020
    assert financial_year_in(None, "FY20/21") == 2020
    assert financial_year_in("2019-11_clean.csv") is None  # a month, not a year


def test_column_contents_shares():
    sample = [
        ["Acme Ltd", "1,234.56", "01/12/2020", "BB5 1LA", "01234567", "202012"],
        ["Beta Services", "20.00", "2020-12-03", "PR1 2HE", "SC123456", "202012"],
        ["Carter & Sons", "n/a", "not a date", "nowhere", "x", "202101"],
        ["Delta Council", "5", "44652", "LA1 1AA", "", "202101"],
    ]
    c = column_contents(sample, ["a", "b", "c", "d", "e", "f"])
    assert c[0].name == 1.0 and c[0].org == 0.75  # Ltd, Services, Council: 3 of 4
    assert c[1].money == 0.75 and c[1].decimals == 0.5  # '5' is money without pence
    assert c[2].date == 0.75  # the Excel serial day counts
    assert c[3].postcode == 0.75
    assert c[4].company == 2 / 3  # of three non-blank
    assert c[5].period == 1.0


def _month(path, header, rows):
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fast", ["1", "0"])
def test_layout_override_survives_a_new_months_file(tmp_path, monkeypatch, fast):
    monkeypatch.setenv("ANCHOR_LEDGER_FAST", fast)
    # 'Supplier' and 'Vendor' both hold names: nothing tells them apart, so the reader asks
    april = _month(
        tmp_path / "april.csv",
        "Supplier,Vendor,Date,Amount",
        ["Acme Ltd,Acme Holdings Ltd,01/04/2022,10.00"],
    )
    with pytest.raises(LedgerMappingError, match="layout-"):
        read_ledger_file(april, "t")
    signature = header_signature(["Supplier", "Vendor", "Date", "Amount"])
    columns = {signature: {"supplier_name": "Vendor"}}
    assert LedgerSpec(files=["x"], columns=columns).columns == columns  # the YAML accepts it
    # May's file: the same layout (case and spacing aside), other rows
    may = _month(
        tmp_path / "may.csv",
        "SUPPLIER , vendor,Date,Amount",
        ["Beta Ltd,Beta Group plc,02/05/2022,20.00", "Gamma Ltd,Gamma Trust,03/05/2022,5.00"],
    )
    # another layout in the same anchor's folder is read as ever
    other = _month(
        tmp_path / "june.csv", "Supplier Name,Payment Date,Net Amount", ["X Ltd,01/06/2022,1.00"]
    )
    r = read_ledgers([april, may, other], "t", columns=columns, progress=False)
    assert r.ledger["supplier_name"].tolist() == [
        "Acme Holdings Ltd",
        "Beta Group plc",
        "Gamma Trust",
        "X Ltd",
    ]
    assert r.mappings["supplier_name"].tolist() == ["Vendor", "vendor", "Supplier Name"]
    assert r.mappings["layout"].tolist()[:2] == [signature, signature]


def test_unknown_field_under_a_layout_is_an_error(tmp_path):
    f = _month(tmp_path / "a.csv", "Supplier,Date,Amount", ["A Ltd,01/04/2022,1.00"])
    with pytest.raises(LedgerMappingError, match="unknown field 'amountt'"):
        read_ledger_file(f, "t", columns={"layout-0123456789": {"amountt": "Amount"}})


def test_inspect_cli_text_json_and_failure(tmp_path):
    from anchorlib.cli import app

    good = _month(
        tmp_path / "spend_2020-21.csv",
        "Vendor Ref (T),Line Total (ex. VAT),Period,Date Updated",
        [
            "Acme Ltd,10.50,P9,04/01/2021",
            "Beta Services Ltd,20.00,P9,04/01/2021",
            "Carter & Sons,3.25,P10,04/01/2021",
        ],
    )
    runner = CliRunner()
    res = runner.invoke(app, ["ledger", "inspect", str(good)])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "'Vendor Ref (T)': header words, confirmed by content (score 30" in out
    assert "'Period': period (month precision)" in out
    assert "inferred from content or a period: payment_date" in out
    assert "VAT basis net (from 'Line Total (ex. VAT)'); date precision month" in out
    assert "columns:\n      layout-" in out and 'payment_date: "Period"' in out
    res = runner.invoke(app, ["ledger", "inspect", "--json", str(good)])
    rep = json.loads(res.output)[0]["headers"][0]
    assert rep["fields"]["amount"]["column"] == "B"
    assert rep["fields"]["payment_date"]["samples"] == ["P9", "P10"]
    assert rep["financial_year_start"] == 2020 and rep["inferred"] == ["payment_date"]
    # a file with no money column: exit 1, the evidence and the override to write
    bad = _month(
        tmp_path / "bad.csv", "Supplier,Description,Payment Date", ["Acme Ltd,Pens,01/04/2022"] * 3
    )
    res = runner.invoke(app, ["ledger", "inspect", str(bad)])
    assert res.exit_code == 1
    assert "missing ['amount']" in res.output and "amount: no column holds any" in res.output
    assert 'amount: "<header>"' in res.output
    r = read_ledger_file(good, "t")
    assert r.ledger["payment_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2020-12-01",
        "2020-12-01",
        "2021-01-01",
    ]
    assert set(r.ledger["financial_year"]) == {"2020-21"}


def test_period_without_a_financial_year_rejects_its_rows_clearly(tmp_path):
    f = _month(tmp_path / "spend.csv", "Supplier,Amount,Period", ["Acme Ltd,10.00,P9"] * 3)
    r = read_ledger_file(f, "t")
    assert len(r.ledger) == 0 and set(r.rejects["reason"]) == {"unparseable_date"}
    assert "no financial year" in r.rejects["detail"].iloc[0]
    assert r.reconciliation["difference_pence"].iloc[0] == 0


def test_no_supplier_names_refused(tmp_path):
    f = _month(
        tmp_path / "codes.csv",
        "Supplier Code,Amount,Payment Date",
        ["V1001,10.00,01/04/2022", "V1002,11.00,02/04/2022", "V1003,12.00,03/04/2022"],
    )
    with pytest.raises(LedgerMappingError) as err:
        read_ledger_file(f, "t")
    msg = str(err.value)
    assert "missing ['supplier_name']" in msg and "0% name" in msg and "'V1001'" in msg


@pytest.mark.parametrize(
    "name",
    [
        "transaction_date_holds_numbers.csv",
        "two_columns_called_date.csv",
        "vendor_ref_t_holds_names.csv",
        "payee_code_holds_names.csv",
        "welsh_headers.csv",
        "titles_totals_and_notes.csv",
    ],
)
def test_arrow_and_row_readers_agree_where_content_decides(name):
    """The Arrow reader samples the same rows as the row reader, so both decide alike (a header
    naming only two fields, the third told by content, and a period column are left to the row
    reader: see test_variant_read_as_expected for those)."""
    from pathlib import Path

    from pandas.testing import assert_frame_equal

    from anchorlib.ledgers.arrow import read_csv_fast
    from anchorlib.ledgers.rows import read_rows

    path = Path(__file__).parent / "data" / "ledgers" / "variants" / name
    fast = read_csv_fast(path, str(path), "t")
    assert fast is not None  # read column-wise, not left to the row reader
    rows = read_rows(path, str(path), "t")
    assert_frame_equal(fast.ledger, rows.ledger, check_exact=True)
    assert fast.mappings == rows.mappings


def test_a_supplier_column_of_codes_is_no_supplier_names(tmp_path):
    """'Read it anyway' is wrong: a column called Supplier that holds only vendor codes is
    refused with the evidence, unless the user names it."""
    f = _month(
        tmp_path / "codes.csv",
        "Supplier,Amount,Payment Date",
        ["V1001,10.00,01/04/2022", "V1002,11.00,02/04/2022", "SUP-0003,12.00,03/04/2022"],
    )
    with pytest.raises(LedgerMappingError) as err:
        read_ledger_file(f, "t")
    assert "missing ['supplier_name']" in str(err.value) and "'V1001'" in str(err.value)
    r = read_ledger_file(f, "t", columns={"supplier_name": "Supplier"})  # the user's call
    assert r.ledger["supplier_name"].tolist() == ["V1001", "V1002", "SUP-0003"]
