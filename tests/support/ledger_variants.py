"""Write the header-variant corpus: tests/data/ledgers/variants/ (step 8 item 7).

Each file is one layout publishers use for the same six payments: qualified amount headers,
abbreviations, misnamed columns, periods in place of dates, several date columns, Welsh headers
beside English ones, titles, totals and notes rows, merged title cells in XLSX. ``expected.yml``
holds, per file, the column each field must be read from (header and column letter), the ledger's
rows and total in pence, the VAT basis and the date precision; ``refused`` files must fail with
the message fragment given.

Run from the repository root: ``.venv/bin/python tests/support/ledger_variants.py``. The files are
committed; the script keeps them reproducible (no randomness, fixed dates and timestamps: the same
bytes on every run).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "data" / "ledgers" / "variants"

SUPPLIERS = [
    "Acme Ltd",
    "Blue Sky Services Ltd",
    "Carter & Sons",
    "Deeside County Council",
    "Evergreen Trust",
    "Fylde Print Co",
]
AMOUNTS = ["1,234.56", "250.00", "99.99", "5,000.00", "12.50", "-40.00"]
# 1234.56 + 250.00 + 99.99 + 5000.00 + 12.50 - 40.00 = 6557.05
TOTAL_PENCE = 655705
TOTAL_TEXT = "6,557.05"
PAY = [dt.date(2020, 12, d) for d in (1, 3, 8, 10, 15, 21)]
INVOICE = [d - dt.timedelta(days=20) for d in PAY]
TXN = [f"{1168600 + i}" for i in range(6)]
CATS = ["Stationery", "Agency Staff", "Printing", "Rates", "Grants", "Printing"]


def _uk(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


#: What each kind of column holds, row by row
KINDS = {
    "supplier": lambda i: SUPPLIERS[i],
    "amount": lambda i: AMOUNTS[i],
    "amount_gross": lambda i: f"{float(AMOUNTS[i].replace(',', '')) * 1.2:,.2f}",
    "vat": lambda i: f"{float(AMOUNTS[i].replace(',', '')) * 0.2:,.2f}",
    "date": lambda i: _uk(PAY[i]),
    "date_iso": lambda i: PAY[i].isoformat(),
    "invoice_date": lambda i: _uk(INVOICE[i]),
    "updated": lambda i: "04/01/2021",
    "txn": lambda i: TXN[i],
    "category": lambda i: CATS[i],
    "code": lambda i: f"V{1000 + i}",
    "period_yyyymm": lambda i: "202012",
    "period_p": lambda i: "P9",
    "period_full": lambda i: "Period 9 2020/21",
    "period_mon": lambda i: "Dec-20",
    "period_ym": lambda i: "2020-12",
    "company": lambda i: f"0{1234560 + i}",
    "postcode": lambda i: ["BB5 1LA", "PR1 2HE", "LA1 1AA", "CH5 3FF", "BB1 7DR", "FY1 4AP"][i],
    "blank": lambda i: "",
}


def v(name, columns, expect, **opts):
    """A variant: ``columns`` [(header, kind)], ``expect`` {field: header} (the first column with
    that header unless given as 'Header@C')."""
    return {"name": name, "columns": columns, "expect": expect, **opts}


STD = [("Supplier", "supplier"), ("Amount", "amount"), ("Payment Date", "date")]
STD_EXPECT = {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Payment Date"}


def _amount(header, basis="unknown", extra=()):
    return v(
        "amount_" + "".join(c if c.isalnum() else "_" for c in header.lower()).strip("_"),
        [("Supplier", "supplier"), (header, "amount"), ("Payment Date", "date"), *extra],
        {"supplier_name": "Supplier", "amount": header, "payment_date": "Payment Date"},
        basis=basis,
    )


VARIANTS = [
    v("plain", STD, STD_EXPECT),
    # qualified amount headers
    _amount("Line Total (ex. VAT)", "net"),
    _amount("Value (excluding VAT) £", "net"),
    _amount("Net Expenditure", "net"),
    _amount("Sum of Amount"),
    _amount("Invoice Amount GBP"),
    _amount("Gross Value incl VAT", "gross"),
    _amount("Total (£)"),
    _amount("£ Amount"),
    _amount("Amount Paid"),
    _amount("Amt"),
    _amount("Amount (inc VAT)", "gross"),
    v(
        "net_beside_vat_and_gross",
        [
            ("Supplier", "supplier"),
            ("Value £ (excl VAT)", "amount"),
            ("VAT £", "vat"),
            ("Total £ (incl VAT)", "amount_gross"),
            ("Payment Date", "date"),
        ],
        {
            "supplier_name": "Supplier",
            "amount": "Value £ (excl VAT)",
            "payment_date": "Payment Date",
        },
        basis="net",
    ),
    v(
        "gross_then_net",
        [
            ("Supplier", "supplier"),
            ("Gross Amount", "amount_gross"),
            ("Net Amount", "amount"),
            ("Date", "date"),
        ],
        {"supplier_name": "Supplier", "amount": "Net Amount", "payment_date": "Date"},
        basis="net",
    ),
    # several dates
    v(
        "invoice_and_payment_dates",
        [
            ("Supplier", "supplier"),
            ("Invoice Date", "invoice_date"),
            ("Payment Date", "date"),
            ("Amount", "amount"),
        ],
        {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Payment Date"},
    ),
    v(
        "date_invoice_date_payment_date",
        [
            ("Date", "invoice_date"),
            ("Supplier", "supplier"),
            ("Invoice Date", "invoice_date"),
            ("Payment Date", "date"),
            ("Net Amount", "amount"),
        ],
        {"supplier_name": "Supplier", "amount": "Net Amount", "payment_date": "Payment Date"},
        basis="net",
    ),
    v(
        "two_columns_called_date",
        [
            ("Date", "invoice_date"),
            ("Supplier", "supplier"),
            ("Date", "date"),
            ("Amount", "amount"),
        ],
        {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Date@C"},
    ),
    v(
        "posting_and_paid_dates",
        [
            ("Posting Date", "invoice_date"),
            ("Paid Date", "date"),
            ("Creditor", "supplier"),
            ("Value", "amount"),
        ],
        {"supplier_name": "Creditor", "amount": "Value", "payment_date": "Paid Date"},
    ),
    v(
        "transaction_date_holds_numbers",
        [
            ("Date", "date"),
            ("Expense Type", "category"),
            ("Supplier", "supplier"),
            ("Transaction Date", "txn"),
            (" Amount ", "amount"),
        ],
        {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Date"},
    ),
    # misnamed supplier columns
    v(
        "vendor_ref_t_holds_names",
        [
            ("Vendor Ref", "code"),
            ("Vendor Ref (T)", "supplier"),
            ("Amount", "amount"),
            ("Date", "date"),
        ],
        {"supplier_name": "Vendor Ref (T)", "amount": "Amount", "payment_date": "Date"},
    ),
    v(
        "payee_code_holds_names",
        [("Payee Code", "supplier"), ("Net Amount", "amount"), ("Payment Date", "date")],
        {"supplier_name": "Payee Code", "amount": "Net Amount", "payment_date": "Payment Date"},
        basis="net",
    ),
    v(
        "unnamed_supplier_column",
        [("Column1", "supplier"), ("Amount", "amount"), ("Payment Date", "date")],
        {"supplier_name": "Column1", "amount": "Amount", "payment_date": "Payment Date"},
    ),
    v(
        "abbreviations",
        [("Supp Name", "supplier"), ("Amt", "amount"), ("Pmt Dt", "date"), ("Exp Cat", "category")],
        {"supplier_name": "Supp Name", "amount": "Amt", "payment_date": "Pmt Dt"},
    ),
    # periods in place of dates
    v(
        "period_yyyymm",
        [("Supplier", "supplier"), ("Amount", "amount"), ("Period", "period_yyyymm")],
        {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Period"},
        precision="month",
    ),
    v(
        "period_p9_year_in_file_name_2020-21",
        [("Supplier", "supplier"), ("Net Amount", "amount"), ("Period", "period_p")],
        {"supplier_name": "Supplier", "amount": "Net Amount", "payment_date": "Period"},
        precision="month",
        basis="net",
    ),
    v(
        "period_with_financial_year",
        [("Supplier", "supplier"), ("Amount", "amount"), ("Accounting Period", "period_full")],
        {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Accounting Period"},
        precision="month",
    ),
    v(
        "period_month_names",
        [("Supplier Name", "supplier"), ("Month", "period_mon"), ("Amount", "amount")],
        {"supplier_name": "Supplier Name", "amount": "Amount", "payment_date": "Month"},
        precision="month",
    ),
    v(
        "period_beside_updated_date",
        [
            ("Date Updated", "updated"),
            ("Supplier", "supplier"),
            ("Amount", "amount"),
            ("Period", "period_ym"),
        ],
        {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Period"},
        precision="month",
    ),
    v(
        "period_p9_year_in_title",
        [("Supplier", "supplier"), ("Amount", "amount"), ("Period", "period_p")],
        {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Period"},
        precision="month",
        titles=["Payments over £500, financial year 2020/21"],
    ),
    v(
        "period_p9_year_in_sheet_name",
        [("Supplier", "supplier"), ("Amount", "amount"), ("Period", "period_p")],
        {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Period"},
        precision="month",
        xlsx=True,
        sheet="Spend 2020-21",
    ),
    # Welsh beside English
    v(
        "welsh_bilingual_headers",
        [
            ("Cyflenwr / Supplier", "supplier"),
            ("Swm / Amount", "amount"),
            ("Dyddiad / Date", "date"),
        ],
        {
            "supplier_name": "Cyflenwr / Supplier",
            "amount": "Swm / Amount",
            "payment_date": "Dyddiad / Date",
        },
    ),
    v(
        "welsh_headers",
        [
            ("Enw Cyflenwr", "supplier"),
            ("Swm (heb TAW)", "amount"),
            ("Dyddiad Talu", "date"),
            ("Disgrifiad", "category"),
        ],
        {
            "supplier_name": "Enw Cyflenwr",
            "amount": "Swm (heb TAW)",
            "payment_date": "Dyddiad Talu",
        },
        basis="net",
    ),
    v(
        "welsh_and_english_columns",
        [
            ("Supplier Name", "supplier"),
            ("Enw Cyflenwr", "supplier"),
            ("Net Amount", "amount"),
            ("Payment Date", "date"),
            ("Dyddiad Talu", "date"),
        ],
        {"supplier_name": "Supplier Name", "amount": "Net Amount", "payment_date": "Payment Date"},
        basis="net",
    ),
    # titles, totals, notes
    v("totals_row", STD, STD_EXPECT, total=True),
    v(
        "titles_totals_and_notes",
        STD,
        STD_EXPECT,
        titles=["Deeside County Council", "Expenditure over £500: December 2020", ""],
        total=True,
        notes=["Note: amounts are net of recoverable VAT", "Source: finance system"],
    ),
    v("xlsx_plain", STD, STD_EXPECT, xlsx=True),
    v(
        "xlsx_merged_title",
        [("Supplier Name", "supplier"), ("Net Amount", "amount"), ("Payment Date", "date")],
        {"supplier_name": "Supplier Name", "amount": "Net Amount", "payment_date": "Payment Date"},
        basis="net",
        xlsx=True,
        titles=["Payments to suppliers over £250", ""],
        merge=True,
        total=True,
        notes=["Figures exclude VAT"],
    ),
    v(
        "xlsx_merged_title_welsh",
        [
            ("Cyflenwr / Supplier", "supplier"),
            ("Gwerth / Value", "amount"),
            ("Dyddiad Talu / Payment Date", "date"),
        ],
        {
            "supplier_name": "Cyflenwr / Supplier",
            "amount": "Gwerth / Value",
            "payment_date": "Dyddiad Talu / Payment Date",
        },
        xlsx=True,
        titles=["Taliadau dros £500 / Payments over £500"],
        merge=True,
    ),
    # other layouts publishers use
    v(
        "purchase_card",
        [
            ("Merchant Name", "supplier"),
            ("Transaction Amount", "amount"),
            ("Transaction Date", "date"),
            ("Merchant Category", "category"),
        ],
        {
            "supplier_name": "Merchant Name",
            "amount": "Transaction Amount",
            "payment_date": "Transaction Date",
        },
    ),
    v(
        "beneficiary_value_paid_on",
        [("Beneficiary", "supplier"), ("Value", "amount"), ("Paid On", "date")],
        {"supplier_name": "Beneficiary", "amount": "Value", "payment_date": "Paid On"},
    ),
    v(
        "paid_is_the_date",  # 'Paid' could be the amount or the date: the content tells
        [("Payee", "supplier"), ("Sum", "amount"), ("Paid", "date")],
        {"supplier_name": "Payee", "amount": "Sum", "payment_date": "Paid"},
    ),
    v(
        "semicolons_iso_dates",
        [("Supplier Name", "supplier"), ("Net Amount (£)", "amount"), ("Payment Date", "date_iso")],
        {
            "supplier_name": "Supplier Name",
            "amount": "Net Amount (£)",
            "payment_date": "Payment Date",
        },
        basis="net",
        delimiter=";",
    ),
    v(
        "identifiers_and_postcodes",
        [
            ("Transaction Number", "txn"),
            ("Supplier Name", "supplier"),
            ("Company Reg No", "company"),
            ("Supplier Postcode", "postcode"),
            ("Expenditure", "amount"),
            ("Payment Date", "date"),
        ],
        {"supplier_name": "Supplier Name", "amount": "Expenditure", "payment_date": "Payment Date"},
    ),
    v(
        "spacer_columns",
        [
            ("Supplier", "supplier"),
            ("", "blank"),
            ("Amount", "amount"),
            ("", "blank"),
            ("Date", "date"),
        ],
        {"supplier_name": "Supplier", "amount": "Amount", "payment_date": "Date"},
    ),
    v(
        "header_on_row_six",
        STD,
        STD_EXPECT,
        titles=["Council", "Spend report", "Run 04/01/2021", "Version 2", ""],
    ),
]

REFUSED = [
    v(
        "refuse_no_money_column",
        [("Supplier", "supplier"), ("Description", "category"), ("Payment Date", "date")],
        {},
        error="amount",
    ),
    v(
        "refuse_no_supplier_names",
        [("Supplier Code", "code"), ("Amount", "amount"), ("Payment Date", "date")],
        {},
        error="supplier_name",
    ),
]


def _rows(var: dict) -> list[list]:
    cols = var["columns"]
    rows = [[t] + [""] * (len(cols) - 1) for t in var.get("titles", [])]
    rows.append([h for h, _ in cols])
    rows += [[KINDS[k](i) for _, k in cols] for i in range(len(SUPPLIERS))]
    if var.get("total"):
        kinds = [k for _, k in cols]
        total = [""] * len(cols)
        total[kinds.index("amount")] = TOTAL_TEXT
        total[0 if kinds[0] != "amount" else 1] = "Total"
        rows.append(total)
    rows += [[n] + [""] * (len(cols) - 1) for n in var.get("notes", [])]
    return rows


def _write_csv(path: Path, rows: list[list], delimiter: str = ",") -> None:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _write_xlsx(path: Path, rows: list[list], var: dict) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = var.get("sheet", "Sheet1")
    for r in rows:
        ws.append([None if c == "" else c for c in r])
    if var.get("merge"):
        width = len(var["columns"])
        for k, title in enumerate(var.get("titles", []), start=1):
            if title:
                ws.merge_cells(start_row=k, start_column=1, end_row=k, end_column=width)
    wb.properties.created = dt.datetime(2021, 1, 4)  # (reproducible bytes)
    wb.properties.modified = dt.datetime(2021, 1, 4)
    wb.save(path)
    _fixed_zip_times(path)


def _fixed_zip_times(path: Path) -> None:
    """The workbook's zip entries stamped 2021-01-04 (openpyxl stamps the time of writing), and
    its core properties' modified time too, so the bytes are the same on every run."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2021-01-04T00:00:00Z", data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 1, 4, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(fixed, data)


def _expected(var: dict, rows: list[list]) -> dict:
    header = rows[len(var.get("titles", []))]
    mapping = {}
    for fld, h in var["expect"].items():
        name, _, letter = h.partition("@")
        col = ord(letter) - 65 if letter else [c.strip() for c in header].index(name.strip())
        mapping[fld] = {"header": header[col].strip(), "column": chr(65 + col)}
    return {
        "mapping": mapping,
        "rows_ledger": len(SUPPLIERS),
        "total_ledger_pence": TOTAL_PENCE,
        "vat_basis": var.get("basis", "unknown"),
        "date_precision": var.get("precision", "day"),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    expected: dict = {"files": {}, "refused": {}}
    for var in VARIANTS + REFUSED:
        rows = _rows(var)
        name = var["name"] + (".xlsx" if var.get("xlsx") else ".csv")
        if var.get("xlsx"):
            _write_xlsx(OUT / name, rows, var)
        else:
            _write_csv(OUT / name, rows, var.get("delimiter", ","))
        if "error" in var:
            expected["refused"][name] = {"error": var["error"]}
        else:
            expected["files"][name] = _expected(var, rows)
    (OUT / "expected.yml").write_text(
        "# Written by tests/support/ledger_variants.py: per file, the column each field is read\n"
        "# from, the ledger's rows and total (pence), VAT basis and date precision.\n"
        + yaml.safe_dump(expected, sort_keys=True, allow_unicode=True),
        encoding="utf-8",
    )
    print(f"{len(VARIANTS)} variants and {len(REFUSED)} refusals written to {OUT}")


if __name__ == "__main__":
    main()
