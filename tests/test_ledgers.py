"""Ledger reading and canonicalisation (anchorlib.ledgers.canonical).

Small hand-made messy files live in tests/data/ledgers/; XLSX workbooks are
built here with openpyxl.  The last tests read every real Lancashire file
(skipped when ../shared/data is absent).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from anchorlib.core.errors import AnchorError
from anchorlib.core.normalise import company_number
from anchorlib.ledgers.arrow import read_csv_fast
from anchorlib.ledgers.canonical import read_ledger_file, read_ledgers, write_outputs
from anchorlib.ledgers.headers import header_matches
from anchorlib.ledgers.parse import (
    REDACTED_KEY,
    financial_year,
    normalise_supplier_name,
    parse_amount,
    parse_date,
)
from anchorlib.ledgers.read import (
    LedgerError,
    LedgerMappingError,
    LedgerReadError,
    normalise_header,
)
from anchorlib.ledgers.schema import LEDGER_COLUMNS, RECONCILIATION_COLUMNS

DATA = Path(__file__).parent / "data" / "ledgers"
SHARED_LEDGERS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ledgers" / "lancashire"


def assert_reconciles(result):
    r = result.reconciliation
    assert (r["difference_pence"] == 0).all()
    assert (r["total_in_pence"] == r["total_ledger_pence"] + r["total_rejected_pence"]).all()
    assert (r["rows_in"] == r["rows_ledger"] + r["rows_rejected"]).all()
    assert r["rows_ledger"].sum() == len(result.ledger)
    assert r["rows_rejected"].sum() == len(result.rejects)
    assert r["total_ledger_pence"].sum() == result.ledger["amount_pence"].sum()
    assert r["total_rejected_pence"].sum() == result.rejects["amount_pence"].sum()


# --------------------------------------------------------------------------- parsing tables


@pytest.mark.parametrize(
    "text, pence",
    [
        ("£1,234.56", 123456),
        ("1234.5", 123450),
        ("(1,234.56)", -123456),
        ("-1234.56", -123456),
        ("-£1,234.56", -123456),
        ("£-1,234.56", -123456),
        ("1,234.56-", -123456),
        ("1,234.56 CR", -123456),
        ("1,234.56 DR", 123456),
        (" £ 12 ", 1200),
        ("GBP 12.30", 1230),
        ("1.2345E+05", 12345000),
        ("0.005", 1),  # half a penny rounds up
        ("-", 0),  # accounting-format zero
        ("\u22121.00", -100),  # unicode minus
        (1234, 123400),
        (875.6899999999999, 87569),  # a float from a spreadsheet cell
        (-0.1, -10),
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_parse_amount(text, pence):
    assert parse_amount(text) == pence


@pytest.mark.parametrize(
    "text",
    ["n/a", "1,23", "1.234,56", "$100", "€100", "12abc", "TBC", "1,2345.00", float("inf"), True],
)
def test_parse_amount_rejects(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("01/04/2022", dt.date(2022, 4, 1)),
        ("1/4/22", dt.date(2022, 4, 1)),
        ("2022-04-01", dt.date(2022, 4, 1)),
        ("2022-04-01T00:00:00", dt.date(2022, 4, 1)),
        ("01/04/2022 13:45", dt.date(2022, 4, 1)),
        ("1-Apr-22", dt.date(2022, 4, 1)),
        ("01-APR-2022", dt.date(2022, 4, 1)),
        ("1 April 2022", dt.date(2022, 4, 1)),
        ("14 Apr 2023", dt.date(2023, 4, 14)),
        ("1st Sept 2022", dt.date(2022, 9, 1)),
        ("April 1, 2022", dt.date(2022, 4, 1)),
        ("Friday, 1 April 2022", dt.date(2022, 4, 1)),
        ("01.04.2022", dt.date(2022, 4, 1)),
        ("20220401", dt.date(2022, 4, 1)),
        ("44652", dt.date(2022, 4, 1)),
        (44652, dt.date(2022, 4, 1)),
        (44652.75, dt.date(2022, 4, 1)),
        (dt.datetime(2022, 4, 1, 1, 0), dt.date(2022, 4, 1)),
        (pd.Timestamp("2022-04-01"), dt.date(2022, 4, 1)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_parse_date_month_first_when_asked():
    assert parse_date("04/13/2022", dayfirst=False) == dt.date(2022, 4, 13)


@pytest.mark.parametrize(
    "value", ["31/02/2022", "13/13/2022", "yesterday", "01/04/1890", "1-Foo-22", 12, True]
)
def test_parse_date_rejects(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    "date, fy",
    [
        (dt.date(2022, 4, 1), "2022-23"),
        (dt.date(2023, 3, 31), "2022-23"),
        (dt.date(2000, 1, 1), "1999-00"),
        (dt.datetime(2019, 12, 31, 23, 59), "2019-20"),
        (pd.Timestamp("2024-04-01"), "2024-25"),
        ("01/04/2022", "2022-23"),
        (None, None),
        (pd.NaT, None),
    ],
)
def test_financial_year(date, fy):
    assert financial_year(date) == fy


@pytest.mark.parametrize(
    "name, key",
    [
        ("Acme Widgets Ltd", "ACME WIDGETS"),
        ("ACME WIDGETS LIMITED", "ACME WIDGETS"),
        ("The Acme Widgets Co. Ltd.", "ACME WIDGETS"),
        ("Smith & Sons plc", "SMITH AND SONS"),
        ("Smith & Co", "SMITH"),
        ("Jones LLP", "JONES"),
        ("O'Neill's Bakery", "ONEILLS BAKERY"),
        ("B.T. plc", "BT"),
        ("Café Rouge", "CAFE ROUGE"),
        ("  insight   direct (uk) ltd ", "INSIGHT DIRECT UK"),
        ("Lancashire County Council (200398)", "LANCASHIRE COUNTY COUNCIL"),
        ("The Coach Company", "COACH COMPANY"),  # 'Company' is not dropped: it tells names apart
        ("Limited Editions Ltd", "LIMITED EDITIONS"),  # only trailing legal forms go
        ("Co-op Group Ltd", "CO OP GROUP"),
        ("The", "THE"),
        ("LTD", "LTD"),
        ("REDACTED", REDACTED_KEY),
        ("Personal data", REDACTED_KEY),
        ("Redacted – personal information", REDACTED_KEY),
        ("Redactive Publishing Ltd", "REDACTIVE PUBLISHING"),
        ("Personal Alarms Ltd", "PERSONAL ALARMS"),
        ("THIRD PARTY", REDACTED_KEY),
        ("XXXXX", REDACTED_KEY),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_supplier_name(name, key):
    assert normalise_supplier_name(name) == key


@pytest.mark.parametrize(
    "header, field",
    [
        ("Supplier Name", "supplier_name"),
        ("Beneficiary", "supplier_name"),
        ("Payee", "supplier_name"),
        ("Vendor Name", "supplier_name"),
        ("Name:  ", "supplier_name"),
        ("Net Amount(£)", "amount"),
        ("Amount Paid", "amount"),
        ("Total", "amount"),
        ("Value (£)", "amount"),
        ("Payment Date", "payment_date"),
        ("Date Paid", "payment_date"),
        ("Invoice Date", "payment_date"),
        ("Transaction Date", "payment_date"),
        ("Expense Type", "category"),
        ("Expenditure Category", "category"),
        ("Account Detail", "category"),
        ("Service Area", "category"),
        ("Merchant Category", "category"),
        ("Expenses Type", "category"),
        ("Company Reg. No.", "company_number"),
        ("Charity Number", "charity_number"),
        ("Transaction ID", "transaction_id"),
        ("Cheque Date", "payment_date"),
        ("Creditor Name", "supplier_name"),
        ("Billing Amount", "amount"),
        ("Amount excl VAT", "amount"),
        ("Supplier Postcode", "supplier_postcode"),
        ("Description", "description"),
    ],
)
def test_header_vocabulary(header, field):
    matches = header_matches(normalise_header(header))
    assert max(matches, key=matches.get) == field


@pytest.mark.parametrize(
    "header", ["VAT Amount", "Supplier ID", "Supplier Classification", "Line", "Column1"]
)
def test_headers_that_are_not_supplier_or_amount(header):
    matches = header_matches(normalise_header(header))
    # 'Supplier ID' is at most a weak candidate (step 8: 'Vendor Ref (T)' may hold the names): its
    # content must read as names before it is taken (tests/test_ledger_scoring.py)
    assert matches.get("supplier_name", 0) <= 30 and "amount" not in matches


# --------------------------------------------------------------------------- messy CSV files


def test_utf8_with_bom():
    r = read_ledger_file(DATA / "utf8_bom.csv", "t")
    assert list(r.ledger.columns) == LEDGER_COLUMNS
    led = r.ledger
    assert led["supplier_name"].tolist() == ["Acme Widgets, Ltd", "Café Rouge Ltd"]
    assert led["amount_pence"].tolist() == [123456, 9999]
    assert led["category"].tolist() == ["Equipment", "Catering"]
    assert led["transaction_id"].tolist() == ["T1", "T2"]
    assert led["financial_year"].tolist() == ["2022-23", "2022-23"]
    assert led["source_row"].tolist() == [2, 3]
    assert r.rejects.empty
    assert_reconciles(r)


def test_cp1252_titles_spacers_blank_total_and_notes_rows():
    r = read_ledger_file(DATA / "cp1252_titles_totals.csv", "t")
    led, rej = r.ledger, r.rejects
    assert led["supplier_name"].tolist() == [
        "Smith & Sons Ltd",
        "Jones Building Services",
        "Jones Building Services",
    ]
    assert led["amount_pence"].tolist() == [250000, 75010, -12000]
    assert led["is_refund"].tolist() == [False, False, True]
    assert led["category"].tolist() == ["Leisure", "Housing", "Housing"]
    assert led["payment_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2022-04-04",
        "2022-04-05",
        "2022-04-06",
    ]
    assert led["source_row"].tolist() == [5, 6, 8]
    reasons = dict(zip(rej["source_row"], rej["reason"]))
    assert reasons == {
        1: "note_row",
        2: "note_row",
        3: "blank_row",
        7: "blank_row",
        9: "blank_row",
        10: "total_row",
        11: "note_row",
    }
    total = rej[rej["reason"] == "total_row"].iloc[0]
    assert total["amount_pence"] == 313010  # a total row carries its amount
    assert "£500" in rej.loc[rej["source_row"] == 1, "raw"].iloc[0]  # decoded as cp1252
    assert "©" in rej.loc[rej["source_row"] == 11, "raw"].iloc[0]
    rec = r.reconciliation.iloc[0]
    assert rec["total_in_pence"] == 250000 + 75010 - 12000 + 313010
    assert rec["rows_in"] == 10  # 11 lines less the header row
    assert_reconciles(r)


def test_header_row_at_the_bottom_and_two_digit_years():
    r = read_ledger_file(DATA / "header_at_bottom.csv", "t")
    assert r.ledger["supplier_name"].tolist() == ["Green Spaces Ltd", "Green Spaces Ltd"]
    assert r.ledger["amount_pence"].tolist() == [110000, 20000]
    assert r.ledger["payment_date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-06", "2026-01-07"]
    assert r.ledger["category"].tolist() == ["Parks", "Parks"]
    assert r.rejects.empty
    assert_reconciles(r)


def test_amount_formats_and_unparseable_amounts_are_listed():
    r = read_ledger_file(DATA / "amount_formats.csv", "t")
    got = dict(zip(r.ledger["supplier_name"], r.ledger["amount_pence"]))
    assert got == {
        "A": 123456,
        "B": 123450,
        "C": -123456,
        "D": -123456,
        "E": -1200,
        "F": -1200,
        "G": 150000,
    }
    reasons = dict(zip(r.rejects["source_row"], r.rejects["reason"]))
    assert reasons == {9: "unparseable_amount", 10: "missing_amount", 11: "unparseable_amount"}
    bad = r.rejects[r.rejects["source_row"] == 9].iloc[0]
    assert bad["amount_pence"] == 0
    assert json.loads(bad["raw"])["Value"] == "n/a"  # the raw text is kept
    assert "'Value'" in bad["detail"] and "(C)" in bad["detail"]  # names the column
    assert len(r.rejects) == 3
    assert_reconciles(r)


def test_date_formats_prefer_payment_date_over_invoice_date():
    r = read_ledger_file(DATA / "date_formats.csv", "t")
    assert set(r.ledger["payment_date"].dt.strftime("%Y-%m-%d")) == {"2022-04-01"}
    assert r.ledger["supplier_name"].tolist() == list("ABCDEFG")
    assert set(r.ledger["financial_year"]) == {"2022-23"}
    reasons = dict(zip(r.rejects["source_row"], r.rejects["reason"]))
    assert reasons == {9: "unparseable_date", 10: "missing_date"}
    assert r.rejects["amount_pence"].tolist() == [1000, 1000]  # they carry their amounts
    assert "'Payment Date'" in r.rejects.iloc[0]["detail"]
    assert_reconciles(r)


def test_cp850_lone_cr_and_semicolons():
    r = read_ledger_file(DATA / "cp850_cr_semicolon.csv", "t")
    assert r.ledger["supplier_name"].tolist() == ["BLACKBURN SKIPS", "KAYS TRAFFIC"]
    assert r.ledger["amount_pence"].tolist() == [157600, 82500]
    assert r.mappings.iloc[0]["amount"] == "Net Amount(£)"  # 0x9C read as £, not œ
    assert_reconciles(r)


def test_month_first_dates_detected_and_repeated_header_rejected():
    r = read_ledger_file(DATA / "us_dates_repeated_header.csv", "t")
    assert r.ledger["payment_date"].dt.strftime("%Y-%m-%d").tolist() == ["2022-04-13", "2022-04-14"]
    assert r.rejects["reason"].tolist() == ["repeated_header"]
    assert_reconciles(r)


def test_ambiguous_mapping_lists_headers_and_candidates():
    with pytest.raises(LedgerMappingError) as err:
        read_ledger_file(DATA / "ambiguous.csv", "t")
    msg = str(err.value)
    assert "ambiguous.csv" in msg and "supplier_name" in msg
    assert "'Supplier'" in msg and "'Vendor'" in msg
    assert err.value.headers == ["Supplier", "Vendor", "Date", "Amount"]
    assert len(err.value.candidates["supplier_name"]) == 2
    assert isinstance(err.value, AnchorError)


def test_column_override_resolves_ambiguity():
    r = read_ledger_file(DATA / "ambiguous.csv", "t", columns={"supplier_name": "Vendor"})
    assert r.ledger["supplier_name"].tolist() == ["Acme Holdings Ltd"]
    assert r.mappings.iloc[0]["supplier_name"] == "Vendor"


def test_column_override_for_a_missing_header_is_a_clear_error():
    with pytest.raises(LedgerMappingError, match=r"(?s)headers seen \['Supplier Name'.*'Gross'"):
        read_ledger_file(DATA / "utf8_bom.csv", "t", columns={"amount": "Gross"})
    with pytest.raises(LedgerMappingError, match="unknown field"):
        read_ledger_file(DATA / "utf8_bom.csv", "t", columns={"amountt": "Net Amount"})


def test_redacted_payees_are_one_class_and_counted():
    r = read_ledger_file(DATA / "redacted.csv", "t")
    led = r.ledger
    assert led["is_redacted"].tolist() == [True, True, True, False]
    assert led["supplier_key"].tolist() == [
        REDACTED_KEY,
        REDACTED_KEY,
        REDACTED_KEY,
        "REDACTIVE PUBLISHING",
    ]
    assert led["supplier_name"].iloc[1] == "Personal data"  # as published
    assert led["amount_pence"].sum() == 100000  # counted in every total
    assert_reconciles(r)


def test_identical_rows_within_a_file_kept_and_cross_file_duplicates_flagged():
    r = read_ledgers([DATA / "overlap_a.csv", DATA / "overlap_b.csv"], "t", progress=False)
    led = r.ledger
    assert len(led) == 9  # nothing dropped
    a = led[led["source_file"].str.endswith("overlap_a.csv")]
    b = led[led["source_file"].str.endswith("overlap_b.csv")]
    assert not a["is_duplicate"].any()  # Delta's two identical rows are both kept
    assert b["is_duplicate"].tolist() == [
        True,
        True,
        False,
        False,
    ]  # Alpha by transaction id, Gamma identical
    assert b["duplicate_of"].iloc[0].endswith("overlap_a.csv:2")
    assert b["duplicate_of"].iloc[1].endswith("overlap_a.csv:4")
    rec = r.reconciliation.set_index(r.reconciliation["file"].map(lambda f: Path(f).name))
    assert rec.loc["overlap_b.csv", "rows_duplicate"] == 2
    assert rec.loc["overlap_b.csv", "total_duplicate_pence"] == 17500
    assert rec.loc["overlap_a.csv", "rows_repeated_within_file"] == 1
    assert rec.loc["overlap_b.csv", "rows_repeated_within_file"] == 1
    # counted once: the ledger less duplicates
    assert (
        led.loc[~led["is_duplicate"], "amount_pence"].sum()
        == 10000 + 25000 + 7500 + 4000 * 2 + 6000 * 2
    )
    assert_reconciles(r)
    assert "duplicates across files: 2 rows" in r.summary()


def test_a_republished_copy_is_all_duplicates_and_a_path_given_twice_is_read_once(tmp_path):
    copy = tmp_path / "copy.csv"
    copy.write_bytes((DATA / "overlap_a.csv").read_bytes())
    r = read_ledgers([DATA / "overlap_a.csv", copy], "t", progress=False)
    assert r.ledger["is_duplicate"].tolist() == [False] * 5 + [True] * 5
    r = read_ledgers([DATA / "overlap_a.csv", DATA / "overlap_a.csv"], "t", progress=False)
    assert len(r.ledger) == 5 and len(r.reconciliation) == 1
    assert any("more than once" in w for w in r.warnings)


def test_reconciliation_to_the_penny_over_many_files(capsys):
    files = sorted(DATA.glob("*.csv"))
    files = [f for f in files if f.name != "ambiguous.csv"]
    r = read_ledgers(files, "t", progress=True)
    assert_reconciles(r)
    assert list(r.reconciliation[RECONCILIATION_COLUMNS].columns) == RECONCILIATION_COLUMNS
    anchor = r.anchor_reconciliation().iloc[0]
    assert anchor["difference_pence"] == 0 and anchor["file"] == len(files)
    err = capsys.readouterr().err
    assert f"[{len(files)}/{len(files)}]" in err  # progress over files


# --------------------------------------------------------------------------- XLSX


def _workbook(path: Path) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Apr 22"
    ws["A1"] = "Police and Crime Commissioner: expenditure over £500"
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(
        ["Expenditure Category", "Date", None, "Total Invoice Amount", "SUPPLIER"]
    )  # blank spacer column C
    ws.append(["Rates", dt.datetime(2022, 4, 5), None, 11170.25, "WYRE BOROUGH COUNCIL"])
    ws.append(["Agency Staff", 44656, None, 875.6899999999999, "THIRD PARTY"])  # Excel serial date
    ws.append(
        ["Rates", "06/04/2022", None, "£1,000.00", "Total Insignia Ltd"]
    )  # a supplier, not a total
    ws.append([None, None, None, 13045.94, None])  # trailing total
    ws2 = wb.create_sheet("May 22")
    ws2.append(["Supplier Name", "Payment Date", "Amount", "Transaction Number"])
    ws2.append(["Acme Ltd", dt.datetime(2022, 5, 3), -50, 107639310])
    ws2.append(["Acme Ltd", dt.datetime(2022, 5, 3), None, 107639311])
    # a second section with another layout under the first
    ws2.append(["Transaction Number", "Supplier Name", "Amount", "Date"])
    ws2.append([6000739, "United Utilities Water Plc", 1467.81, dt.datetime(2023, 3, 8)])
    ws3 = wb.create_sheet("Notes")
    ws3.append(["These figures are published under the Open Government Licence."])
    for _ in range(30):  # formatted but empty rows at the end of a sheet are padding, not data
        ws3.append([None])
    wb.save(path)
    return path


def test_xlsx_many_sheets_merged_title_serial_dates_sections(tmp_path):
    r = read_ledger_file(_workbook(tmp_path / "pcc.xlsx"), "pcc")
    led = r.ledger
    assert led["source_sheet"].tolist() == ["Apr 22", "Apr 22", "Apr 22", "May 22", "May 22"]
    assert led["supplier_name"].tolist() == [
        "WYRE BOROUGH COUNCIL",
        "THIRD PARTY",
        "Total Insignia Ltd",
        "Acme Ltd",
        "United Utilities Water Plc",
    ]
    assert led["amount_pence"].tolist() == [1117025, 87569, 100000, -5000, 146781]
    assert led["payment_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2022-04-05",
        "2022-04-05",
        "2022-04-06",
        "2022-05-03",
        "2023-03-08",
    ]
    assert led["financial_year"].tolist() == ["2022-23"] * 4 + ["2022-23"]
    assert led["is_redacted"].tolist() == [False, True, False, False, False]
    assert led["transaction_id"].tolist()[3:] == ["107639310", "6000739"]
    assert led["source_row"].tolist() == [4, 5, 6, 2, 5]
    rej = r.rejects
    got = list(zip(rej["source_sheet"], rej["source_row"], rej["reason"]))
    assert got == [
        ("Apr 22", 1, "note_row"),
        ("Apr 22", 2, "blank_row"),
        ("Apr 22", 7, "total_row"),
        ("May 22", 3, "missing_amount"),
        ("May 22", 4, "repeated_header"),
        ("Notes", 1, "no_header"),
    ]
    assert rej.loc[rej["reason"] == "total_row", "amount_pence"].iloc[0] == 1304594
    assert any("Notes" in w for w in r.warnings)
    assert_reconciles(r)


def test_xlsx_without_any_header_is_an_error_naming_what_it_saw(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.append(["Cost", "When", "Who"])
    wb.active.append([10, "01/04/2022", "Acme"])
    wb.save(tmp_path / "noheader.xlsx")
    with pytest.raises(LedgerMappingError) as err:
        read_ledger_file(tmp_path / "noheader.xlsx", "t")
    assert "noheader.xlsx" in str(err.value) and "found no header row" in str(err.value)
    r = read_ledger_file(
        tmp_path / "noheader.xlsx",
        "t",
        columns={"supplier_name": "Who", "payment_date": "When", "amount": "Cost"},
    )
    assert r.ledger["amount_pence"].tolist() == [1000]


# --------------------------------------------------------------------------- company numbers


def _company_numbers_csv(path: Path) -> Path:
    path.write_text(
        "Supplier,Payment Date,Amount,Company Number\n"
        "Acme Ltd,01/04/2022,10.00,1234567.0\n"  # a number cell written out as a float
        "Beta Ltd,02/04/2022,20.00,1234567\n"
        "Gamma Ltd,03/04/2022,30.00, sc 123456 \n"
        "Delta Ltd,04/04/2022,40.00,12345678.0\n"
        "Epsilon Ltd,05/04/2022,50.00,\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("fast", ["0", "1"], ids=["row reader", "Arrow reader"])
def test_a_float_formatted_company_number_is_the_registers(tmp_path, monkeypatch, fast):
    """'1234567.0' is company 01234567 through either reader, as the supplier register writes it
    (the two are joined on this column)."""
    path = _company_numbers_csv(tmp_path / "companies.csv")
    monkeypatch.setenv("ANCHOR_LEDGER_FAST", fast)
    assert (read_csv_fast(path, str(path), "t") is not None) == (fast == "1")  # the path taken
    got = read_ledger_file(path, "t").ledger["company_number"].tolist()
    expected = ["01234567", "01234567", "SC123456", "12345678", None]
    assert [None if v != v else v for v in got] == expected
    published = ["1234567.0", "1234567", " sc 123456 ", "12345678.0", None]
    assert [company_number(v) for v in published] == expected


# --------------------------------------------------------------------------- unreadable files


def test_unreadable_files_raise_clear_errors(tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "sheet.ods").write_bytes(
        b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
    )
    with pytest.raises(LedgerReadError, match=r"sheet\.ods.*OpenDocument"):
        read_ledger_file(tmp_path / "sheet.ods", "t")
    with pytest.raises(LedgerReadError, match=r"old\.xls.*save it as \.xlsx or \.csv"):
        read_ledger_file(tmp_path / "old.xls", "t")
    with pytest.raises(LedgerReadError, match="broken.xlsx"):
        read_ledger_file(tmp_path / "broken.xlsx", "t")
    with pytest.raises(LedgerReadError, match="no rows"):
        read_ledger_file(tmp_path / "empty.csv", "t")
    with pytest.raises(LedgerReadError, match="no such file"):
        read_ledger_file(tmp_path / "missing.csv", "t")
    with pytest.raises(LedgerError) as err:
        read_ledgers(
            [tmp_path / "old.xls", DATA / "utf8_bom.csv", tmp_path / "empty.csv"],
            "t",
            progress=False,
        )
    assert "2 of 3 files" in str(err.value)


# --------------------------------------------------------------------------- outputs and CLI


def test_write_outputs(tmp_path):
    r = read_ledgers(
        [DATA / "overlap_a.csv", DATA / "cp1252_titles_totals.csv"], "t", progress=False
    )
    paths = write_outputs(r, tmp_path / "out")
    led = pd.read_parquet(paths["ledger"])
    assert list(led.columns) == LEDGER_COLUMNS and len(led) == len(r.ledger)
    rec = pd.read_csv(paths["reconciliation"], dtype=str)
    assert list(rec.columns) == RECONCILIATION_COLUMNS
    assert rec["difference"].tolist() == ["0.00", "0.00"]
    assert rec.loc[1, "total_in"] == "6260.20"
    rej = pd.read_csv(paths["rejects"])
    assert {"source_file", "source_row", "reason", "raw", "amount"} <= set(rej.columns)
    assert not list((tmp_path / "out").glob("*.tmp"))
    assert "difference £0.00" in paths["summary"].read_text()


def test_cli_read(tmp_path):
    """anchor ledger read, through the app (whose one handler reports bad input, exit 2)."""
    from typer.testing import CliRunner

    from anchorlib.cli import app

    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(
        app,
        [
            "ledger",
            "read",
            str(DATA / "overlap_a.csv"),
            str(DATA / "overlap_b.csv"),
            "--anchor",
            "demo",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    rec = pd.read_csv(out / "reconciliation.csv")
    assert list(rec.columns) == RECONCILIATION_COLUMNS and len(rec) == 2
    assert set(rec["anchor"]) == {"demo"}
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    # A file that cannot be read: non-zero exit, a message naming it, earlier outputs untouched.
    bad = tmp_path / "bad.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    res = runner.invoke(
        app,
        [
            "ledger",
            "read",
            str(DATA / "overlap_a.csv"),
            str(bad),
            "--anchor",
            "demo",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code != 0
    assert "bad.xls" in res.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    res = runner.invoke(
        app,
        [
            "ledger",
            "read",
            str(DATA / "ambiguous.csv"),
            "--anchor",
            "d",
            "--out",
            str(tmp_path / "o2"),
        ],
    )
    assert res.exit_code == 2 and "candidates" in res.output
    res = runner.invoke(
        app,
        [
            "ledger",
            "read",
            str(DATA / "ambiguous.csv"),
            "--anchor",
            "d",
            "--out",
            str(tmp_path / "o2"),
            "--column",
            "supplier_name=Vendor",
        ],
    )
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        app,
        [
            "ledger",
            "read",
            str(tmp_path / "nope.csv"),
            "--anchor",
            "d",
            "--out",
            str(tmp_path / "o3"),
        ],
    )
    assert res.exit_code != 0 and "nope.csv" in res.output


# ------------------------------------------------------------------------ the real Lancashire files

REAL_ANCHORS = {
    "hyndburn": ("ledger_hyndburn", "hyndburn"),
    "lancashire_pcc": ("ledger_lancashire_pcc", "lancashire_pcc"),
    "lancashire_fire": ("ledger_lancashire_fire", "lancashire_fire"),
}


@pytest.fixture(scope="module")
def real_ledgers():
    if not SHARED_LEDGERS.is_dir():
        pytest.skip("the real data bundle ../shared/data is not on this machine")
    out = {}
    for anchor, (_, folder) in REAL_ANCHORS.items():
        files = sorted(p for p in (SHARED_LEDGERS / folder).iterdir() if p.is_file())
        out[anchor] = (files, read_ledgers(files, anchor, progress=False))
    return out


@pytest.mark.shared
@pytest.mark.parametrize("anchor", list(REAL_ANCHORS))
def test_real_lancashire_files_reconcile(real_ledgers, anchor):
    files, r = real_ledgers[anchor]
    assert len(files) == {"hyndburn": 107, "lancashire_pcc": 7, "lancashire_fire": 6}[anchor]
    rec = r.reconciliation
    assert len(rec) == len(files)  # every file read, none skipped
    assert (rec["difference_pence"] == 0).all()
    assert_reconciles(r)
    # rejected rows are a small fraction (report: see the summary printed with -s)
    assert len(r.rejects) <= 0.01 * rec["rows_in"].sum()
    assert abs(r.rejects["amount_pence"].sum()) <= 0.001 * abs(rec["total_in_pence"].sum())
    # every file yields payments, with dates and financial years
    assert (rec["rows_ledger"] > 0).all()
    assert r.ledger["payment_date"].notna().all() and r.ledger["financial_year"].notna().all()
    assert (r.ledger["supplier_key"].str.len() > 0).all()
    print("\n" + r.summary())


@pytest.mark.shared
def test_real_lancashire_specifics(real_ledgers):
    _, pcc = real_ledgers["lancashire_pcc"]
    assert pcc.ledger["financial_year"].min() == "2018-19"
    assert pcc.ledger.loc[pcc.ledger["is_redacted"], "supplier_key"].eq(REDACTED_KEY).all()
    assert pcc.ledger["is_redacted"].sum() > 1000  # 'THIRD PARTY' payees
    _, fire = real_ledgers["lancashire_fire"]
    assert fire.rejects["reason"].tolist() == [
        "repeated_header"
    ]  # the second layout inside fire-2022-23
    _, hyn = real_ledgers["hyndburn"]
    assert hyn.ledger["source_file"].nunique() == 107
    assert not hyn.ledger["supplier_name"].str.contains("œ").any()
    # 'Total Hygiene Ltd' and friends are suppliers, not total rows
    assert hyn.ledger["supplier_name"].str.upper().str.startswith("TOTAL").any()
