"""Which canonical field a published column header names, and how strongly.

:func:`header_matches` reads one normalised header (see
:func:`anchorlib.ledgers.read.normalise_header`) with a rule per field: the words each field is
known by (``supplier`` / ``payee`` / ``vendor`` name, ``net amount``, ``payment date``, ...) and
the words that rule it out. A higher priority wins when columns compete for a field.
"""

from __future__ import annotations

from functools import lru_cache

from anchorlib.ledgers.tokens import normalise_header

__all__ = ["VAT_BASES", "header_matches", "vat_basis"]


_SUPPLIER_WORDS = {
    "supplier",
    "suppliers",
    "beneficiary",
    "payee",
    "vendor",
    "creditor",
    "merchant",
    "recipient",
    "cyflenwr",  # Welsh: supplier
    "talai",  # Welsh: payee
    "buddiolwr",  # Welsh: beneficiary
}
_ID_WORDS = {"id", "number", "no", "num", "code", "ref", "reference", "nbr"}
_NOT_SUPPLIER = _ID_WORDS | {
    "type",
    "classification",
    "category",
    "postcode",
    "post",
    "address",
    "town",
    "city",
    "county",
    "vat",
    "account",
    "group",
    "site",
    "status",
    "country",
    "class",
    "sector",
    "date",
    "amount",
}
_NOT_AMOUNT = _ID_WORDS | {
    "on",  # 'Paid On': a date
    "when",
    "date",
    "description",
    "category",
    "type",
    "currency",
    "period",
    "year",
    "month",
    "line",
    "name",
    "supplier",
    "vendor",
    "payee",
    "count",
    "quantity",
    "qty",
    "method",
    "status",
    "percentage",
    "rate",
    "unit",
    "classification",
    "code",
    "centre",
    "center",
    "area",
    "account",
    "detail",
    "details",
}
_NET_WORDS = {"net", "excl", "excluding", "exc", "ex", "exclusive", "before", "heb"}
_GROSS_WORDS = {"gross", "inc", "incl", "including", "inclusive", "gynnwys"}
#: The words of an amount: 'Amount', 'Value', 'Line Total', 'Net Expenditure', Welsh 'Swm'
_AMOUNT_CORE = {"amount", "value", "total", "paid", "spend", "cost", "expenditure", "swm", "gwerth"}
#: Words naming the period a payment was booked to, when a file gives no payment date
_PERIOD_WORDS = {"period", "month", "yyyymm", "cyfnod", "mis"}


def _supplier_rule(norm: str, w: set[str], out: dict[str, int]) -> None:
    """The supplier name priority of a header, into ``out`` (the fields tried before)."""
    if w & _SUPPLIER_WORDS and not w & _NOT_SUPPLIER:
        out["supplier_name"] = 100 if w & {"name", "enw"} else 90
    elif w & _SUPPLIER_WORDS and w & _ID_WORDS and not (w & _NOT_SUPPLIER) - _ID_WORDS:
        # 'Vendor Ref (T)', 'Payee Code': a code by its words, yet often the names: a weak
        # candidate the column's content must confirm (see anchorlib.ledgers.scoring)
        out["supplier_name"] = 30
    elif norm in {"name", "names", "paid to", "payment to", "payee details"}:
        out["supplier_name"] = 70
    elif norm in {
        "company name",
        "organisation name",
        "organization name",
        "trading name",
        "trader",
        "business name",
    }:
        out["supplier_name"] = 60


def _amount_rule(norm: str, w: set[str], out: dict[str, int]) -> None:
    """The amount priority of a header, into ``out`` (which holds the fields tried before)."""
    vat_only = w & {"vat", "taw"} and not (w & (_NET_WORDS | _GROSS_WORDS))
    # 'Line Total', 'Line Amount': the line's amount ('line' alone is a line number or text)
    blocked = w & _NOT_AMOUNT - ({"line"} if w & _AMOUNT_CORE else set())
    if not vat_only and not blocked:
        if w & _NET_WORDS and (w & _AMOUNT_CORE or norm == "net"):
            out["amount"] = 100
        elif w & _GROSS_WORDS and w & _AMOUNT_CORE or "gross" in w:
            out["amount"] = 80
        elif w & {"amount", "swm"}:
            out["amount"] = 95
        elif w & {
            "value",
            "paid",
            "spend",
            "total",
            "totals",
            "cost",
            "expenditure",
            "sum",
            "sterling",
            "gbp",
            "gwerth",
            "cyfanswm",
        }:
            out["amount"] = 90


def _date_rule(norm: str, w: set[str], out: dict[str, int]) -> None:
    """The payment date priority of a header, into ``out`` (which holds the fields tried before)."""
    if "amount" in out and norm in {"paid", "posted"}:
        # 'Paid' alone may be the amount or the date: both, the content tells which
        out["payment_date"] = 60
    elif w & {"date", "dyddiad"} or norm in {"paid on", "posted", "paid", "when paid"}:
        if w & {
            "extracted",
            "extract",
            "report",
            "run",
            "printed",
            "downloaded",
            "uploaded",
            "published",
            "birth",
            "due",
            "start",
            "end",
            "created",
            "entered",
            "modified",
            "updated",
            "expiry",
            "order",
        }:
            out["payment_date"] = 40
        elif w & {
            "payment",
            "paid",
            "pay",
            "cheque",
            "clearing",
            "cleared",
            "bacs",
            "remittance",
            "talu",  # Welsh: pay
            "taliad",  # Welsh: payment
        }:
            out["payment_date"] = 100
        elif "invoice" in w or "received" in w:
            out["payment_date"] = 70
        elif w & {"posting", "posted"}:
            out["payment_date"] = 80  # the day the ledger booked it, before a payment date
        elif w & {
            "transaction",
            "trans",
            "effective",
            "value",
            "process",
            "processed",
        } or norm in {"date", "dyddiad"}:
            out["payment_date"] = 90
        else:
            out["payment_date"] = 50


def _transaction_rule(norm: str, w: set[str], out: dict[str, int]) -> None:
    """The transaction id priority of a header, into ``out`` (the fields tried before)."""
    if not w & (
        _SUPPLIER_WORDS
        | {
            "company",
            "charity",
            "vat",
            "account",
            "cost",
            "postcode",
            "date",
            "amount",
            "po",
            "purchase",
            "order",
        }
    ):
        if (
            w & {"transaction", "trans", "txn"}
            and w & (_ID_WORDS | {"identifier"})
            or norm in {"transaction", "transaction no"}
        ):
            out["transaction_id"] = 100
        elif w & {
            "payment",
            "document",
            "doc",
            "voucher",
            "journal",
            "remittance",
            "cheque",
            "bacs",
        } and w & (_ID_WORDS | {"identifier"}):
            out["transaction_id"] = 90
        elif "invoice" in w and w & (_ID_WORDS | {"identifier"}):
            out["transaction_id"] = 80
        elif w & {"ref", "reference", "refs", "cyfeirnod"}:
            out["transaction_id"] = 70
        elif norm in {"id", "record id", "recid", "unique id", "line id"}:
            out["transaction_id"] = 60


def _category_rule(norm: str, w: set[str], out: dict[str, int]) -> None:
    """The category priority of a header, into ``out`` (which holds the fields tried before)."""
    if "amount" not in out and "payment_date" not in out:
        supplierish = bool(w & _SUPPLIER_WORDS)  # 'Supplier / Merchant category': a weak stand-in
        if w & {"category", "categories", "categori"} or norm in {
            "expense type",
            "expenditure type",
            "spend type",
            "expenses type",
            "cost type",
            "purchase type",
        }:
            out["category"] = 40 if supplierish else 100
        elif (
            w & {"account", "subjective", "ledger", "nominal", "expense", "expenses", "expenditure"}
            and not supplierish
        ):
            if w & _ID_WORDS and not w & {"detail", "details", "description", "name", "desc"}:
                out["category"] = 50
            else:
                out["category"] = 90
        elif (
            w
            & {
                "service",
                "services",
                "directorate",
                "department",
                "division",
                "portfolio",
                "area",
                "function",
            }
            and not supplierish
        ):
            out["category"] = 75 if ("cost" in w or "department" in w or "directorate" in w) else 80
        elif (
            w & {"cost", "costcentre", "centre", "center"} and not supplierish and not w & _ID_WORDS
        ):
            out["category"] = 70
        elif w & {"classification", "class"} and supplierish:
            out["category"] = 30


_DESCRIPTION_WORDS = {
    "description",
    "narrative",
    "details",
    "purpose",
    "desc",
    "comments",
    "particulars",
    "summary",
    "disgrifiad",  # Welsh: description
}


def _description_rule(norm: str, w: set[str], out: dict[str, int]) -> None:
    """The description priority of a header, into ``out`` (which holds the fields tried before)."""
    # 'Account description', 'Expense description' name a category; 'Item description' does not.
    if w & _DESCRIPTION_WORDS and out.get("category", 0) < 90 and "amount" not in out:
        out.pop("category", None)
        out["description"] = (
            100 if norm in {"description", "narrative", "purpose", "details"} else 90
        )


def _period_rule(norm: str, w: set[str], out: dict[str, int]) -> None:
    """'Period', 'Accounting Period', 'Month', 'YYYYMM', Welsh 'Cyfnod': the month a payment was
    booked to (the payment date's stand-in when a file has no date; see
    anchorlib.ledgers.periods)."""
    taken = out.keys() & {"amount", "payment_date", "supplier_name"}
    not_period = w & (_ID_WORDS | {"end", "start", "description", "desc", "name", "type"})
    if w & _PERIOD_WORDS and not taken and not not_period:
        out["period"] = 90 if w & {"period", "cyfnod", "yyyymm"} else 70


def _identifier_rule(norm: str, w: set[str]) -> str | None:
    """The company / charity number or postcode field a header names: it then names nothing else."""
    if (
        "company" in w
        and (w & (_ID_WORDS | {"registration", "reg", "crn"}) or "house" in w)
        or norm in {"crn", "companies house number", "companies house no"}
    ):
        return "company_number"
    elif (
        "charity" in w
        and w & (_ID_WORDS | {"registration", "reg", "registered"})
        or norm in {"registered charity", "charity"}
    ):
        return "charity_number"
    elif w & {"postcode", "postal"} or "post code" in norm or norm == "zip":
        return "supplier_postcode"
    return None


@lru_cache(maxsize=8192)
def header_matches(norm: str) -> dict[str, int]:
    """{field: priority} for one normalised header; higher priority wins when columns compete."""
    if not norm:
        return {}
    w = set(norm.split())
    ident = _identifier_rule(norm, w)
    if ident:
        return {ident: 100}
    out: dict[str, int] = {}
    for rule in (
        _supplier_rule,
        _amount_rule,
        _date_rule,
        _transaction_rule,
        _category_rule,
        _description_rule,
        _period_rule,
    ):
        rule(norm, w, out)
    return out


#: The VAT bases an amount column can be read as: what its header says, never assumed.
VAT_BASES = ("net", "gross", "unknown")

# 'Net Amount', 'Value (excluding VAT)', 'Line Total (ex. VAT)', 'before VAT', Welsh 'heb TAW'
_BASIS_NET = {"net", "nett", "excl", "excluding", "exc", "ex", "exclusive", "heb"}
# 'Gross', 'Amount incl VAT', 'Gross Value inc. VAT', Welsh 'gan gynnwys TAW', 'gros'
_BASIS_GROSS = {"gross", "gros", "incl", "including", "inc", "inclusive", "gynnwys"}
_BASIS_NET_PHRASES = ("before vat", "pre vat", "less vat", "without vat", "net of")
_BASIS_GROSS_PHRASES = ("with vat", "plus vat", "after vat")


def vat_basis(header: str | None) -> str:
    """The VAT basis an amount header states: 'net', 'gross', or 'unknown' when it says neither
    ('Amount', 'Amount Paid', 'Total') or both. Read from the header's words only: a figure whose
    header does not say is never assumed net (see docs/methodology.md)."""
    if not header:
        return "unknown"
    norm = normalise_header(header)
    w = set(norm.split())
    padded = f" {norm} "
    net = bool(w & _BASIS_NET) or any(f" {p} " in padded for p in _BASIS_NET_PHRASES)
    gross = bool(w & _BASIS_GROSS) or any(f" {p} " in padded for p in _BASIS_GROSS_PHRASES)
    if net and not gross:
        return "net"
    if gross and not net:
        return "gross"
    return "unknown"
