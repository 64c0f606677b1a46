"""A seeded generator of realistic, messy payment-ledger CSV files of any size.

Used by the ingest benchmark (``benchmarks.ingest``) and by the tests of
the vectorised reader (``anchorlib.ledgers.fast``), which must give exactly
what the row-by-row reader gives.  The files look like what councils publish:

* a title line, a period line and a blank line above the header row;
* Windows-1252 (``£`` is byte 0xA3) or UTF-8 (optionally with a BOM), CRLF;
* amounts as ``1234.56``, ``1,234.56``, ``£1,234.56``, ``-12.5``, ``(1,234.56)``,
  ``1234.56-``, ``-£12.00``, now and then ``1,234.56 CR``, ``£ 12.00`` or ``0.005``;
* dates day-first in many formats (``01/04/2022``, ``2022-04-01``, ``1-Apr-22``,
  ``01-APR-2022``, ``1 April 2022``, ``01/04/2022 00:00:00``, Excel serials ...);
* supplier names with legal forms, accents, ``&``, apostrophes, stray spaces,
  vendor codes, redacted payees (``REDACTED``, ``Personal data``, ``THIRD PARTY``,
  ``XXXX``), and suppliers whose name starts with *Total*;
* descriptions with commas, doubled quotes and (rarely) line breaks inside quotes;
* junk rows that must be rejected (blank, notes, sub-totals, unreadable amounts,
  missing supplier / date / amount, impossible dates) and a trailing total row.

``generate_ledger(path, rows, seed)`` is deterministic for a given seed.  The
body is built column-wise with Arrow string kernels, so millions of rows take
seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["HEADER", "generate_ledger"]

#: The header row of generated files (Hyndburn-like, plus a transaction number).
HEADER = [
    "Service Area",
    "Account Detail",
    "Description",
    "Transaction Number",
    "Supplier Name",
    "Payment Date",
    "Net Amount (£)",
]

_SERVICES = [
    "Housing",
    "Leisure",
    "Parks",
    "Refuse Collection",
    "Street Cleansing",
    "Planning",
    "Building Control",
    "Environmental Health",
    "Cemeteries",
    "Car Parks",
    "Council Tax",
    "Benefits",
    "Regeneration",
    "ICT",
    "Legal",
    "Democratic Services",
    "Human Resources",
    "Finance",
    "Customer Services",
    "Museums",
    "Haworth Art Gallery",
    "CVMU",
    "Market Hall",
    "Town Centre",
    "Community Safety",
    "Licensing",
    "Elections",
    "Grounds Maintenance",
    "P & C G",
    "Economic Development",
    "Sports Development",
    "Arts",
    "Tourism",
    "Allotments",
    "Pest Control",
]
_ACCOUNTS = [
    "Advertising General",
    "Other Fees",
    "Hired Vehicle",
    "Agency Staff",
    "Electricity",
    "Gas",
    "Water",
    "Rates",
    "Repairs & Maint Bldgs",
    "Computer Software",
    "Computer Hardware",
    "Consultants",
    "Legal Fees",
    "Printing",
    "Postage",
    "Stationery",
    "Subscriptions",
    "Training Expenses",
    "Vehicle Fuel",
    "Vehicle Repairs",
    "Tipping Charges",
    "Grants",
    "Equipment Purchase",
    "Cleaning Materials",
    "Security Services",
    "Insurance",
    "Catering",
    "Travel",
    "Telephones",
    "Professional Charges",
    "Contract Payments",
    "Misc Expenses Other",
]
_WORDS = [
    "acme",
    "northern",
    "pennine",
    "valley",
    "lancashire",
    "red",
    "rose",
    "green",
    "blue",
    "oak",
    "mill",
    "bridge",
    "river",
    "stone",
    "brick",
    "steel",
    "print",
    "media",
    "data",
    "solutions",
    "services",
    "systems",
    "supplies",
    "building",
    "contractors",
    "electrical",
    "plumbing",
    "cleaning",
    "security",
    "catering",
    "training",
    "legal",
    "consulting",
    "partners",
    "associates",
    "engineering",
    "waste",
    "recycling",
    "transport",
    "motors",
    "fuels",
    "office",
    "digital",
    "network",
    "energy",
    "water",
    "garden",
    "tree",
    "surgery",
    "design",
    "events",
    "hire",
    "accrington",
    "burnley",
    "blackburn",
    "preston",
    "clitheroe",
    "haslingden",
    "oswaldtwistle",
    "church",
    "west",
    "east",
    "north",
    "south",
    "united",
    "national",
    "regional",
    "community",
    "direct",
    "express",
]
_ACCENTED = ["Café", "Crème", "Brûlée", "Müller", "Señor", "Zoë", "Hôtel", "Façade"]
_SUFFIXES = [
    "Ltd",
    "Limited",
    "LTD",
    "Ltd.",
    "Plc",
    "PLC",
    "LLP",
    "& Co",
    "& Sons Ltd",
    "Group",
    "Services Ltd",
    "(UK) Ltd",
    "CIC",
    "UK Limited",
    "Holdings Ltd",
    "",
    "",
    "",
    "Co. Ltd",
    "Inc",
]
_REDACTED = [
    "REDACTED",
    "Personal data",
    "Redacted - personal information",
    "THIRD PARTY",
    "XXXX",
    "Name withheld",
    "Personal Information",
]
_DESC_WORDS = [
    "repairs",
    "to",
    "roof",
    "at",
    "depot",
    "annual",
    "subscription",
    "licence",
    "renewal",
    "supply",
    "of",
    "fuel",
    "for",
    "vehicles",
    "agency",
    "staff",
    "week",
    "ending",
    "consultancy",
    "fees",
    "phase",
    "grant",
    "payment",
    "cleaning",
    "materials",
    "tree",
    "works",
    "skip",
    "hire",
    "printing",
    "leaflets",
    "advert",
    "software",
    "support",
    "maintenance",
    "contract",
    "quarterly",
    "invoice",
    "electricity",
    "gas",
    "water",
    "rates",
    "legal",
    "advice",
    "training",
    "course",
    "equipment",
    "purchase",
    "removal",
    "waste",
    "update",
]
_FORMATS = [
    "%d/%m/%Y",
    "%Y-%m-%d",
    "{d}-%b-%y",
    "%d-%b-%Y",
    "{d} %B %Y",
    "%d/%m/%Y 00:00:00",
    "serial",
    "%d/%m/%y",
    "%d.%m.%Y",
    "{d} %b %Y",
]
_FORMAT_P = np.array([50, 12, 8, 6, 5, 6, 3, 4, 3, 3], dtype=float)
_EPOCH = dt.date(1899, 12, 30)


def _quote(s: str, delimiter: str = ",") -> str:
    if any(c in s for c in (delimiter, '"', "\n", "\r")):
        return '"' + s.replace('"', '""') + '"'
    return s


def _suppliers(rng: np.random.Generator, n: int) -> list[str]:
    names = []
    for _ in range(n):
        k = int(rng.integers(1, 4))
        words = [str(rng.choice(_WORDS)).title() for _ in range(k)]
        r = rng.random()
        if r < 0.04:
            words.insert(0, str(rng.choice(_ACCENTED)))
        elif r < 0.07:
            words[0] = "O'" + words[0]
        elif r < 0.09:
            words[0] = ".".join(words[0][:2].upper()) + "."
        elif r < 0.11:
            words.insert(1, "&")
        name = " ".join(words)
        if rng.random() < 0.1:
            name = "The " + name
        suffix = str(rng.choice(_SUFFIXES))
        if suffix:
            name += " " + suffix
        r = rng.random()
        if r < 0.3:
            name = name.upper()
        elif r < 0.33:
            name = name.replace(" ", "  ", 1)
        elif r < 0.35:
            name = " " + name + " "
        elif r < 0.37:
            name += f" ({int(rng.integers(100000, 999999))})"
        names.append(name)
    return names


def _descriptions(rng: np.random.Generator, n: int) -> list[str]:
    out = []
    for _ in range(n):
        k = int(rng.integers(1, 7))
        s = " ".join(str(w) for w in rng.choice(_DESC_WORDS, size=k))
        r = rng.random()
        if r < 0.5:
            s = s.upper()
        elif r < 0.6:
            s = s.capitalize() + ", " + str(rng.choice(_DESC_WORDS))
        elif r < 0.62:
            s = f'{s} "phase {int(rng.integers(1, 4))}"'
        elif r < 0.625:
            s = s + "\r\n" + str(rng.choice(_DESC_WORDS))  # a line break inside a quoted cell
        elif r < 0.64:
            s = s + " "
        out.append(s)
    return out


def _money(pence: int) -> tuple[str, str]:
    """('1234.56', '1,234.56') for a non-negative amount in pence."""
    pounds, p = divmod(pence, 100)
    return f"{pounds}.{p:02d}", f"{pounds:,}.{p:02d}"


def _amount_pool(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray]:
    """Amount texts and their exact signed pence, in the styles publishers use."""
    pence = np.round(np.exp(rng.normal(6.6, 1.5, size=n)) * 100).astype(np.int64) + 25000
    styles = rng.choice(14, size=n, p=np.array([30, 18, 14, 8, 6, 5, 4, 4, 3, 2, 2, 1, 1, 2]) / 100)
    texts, values = [], np.empty(n, dtype=np.int64)
    for i, (v, style) in enumerate(zip(pence.tolist(), styles.tolist())):
        plain, commas = _money(v)
        sign = 1
        if style == 0:
            t = plain
        elif style == 1:
            t = commas
        elif style == 2:
            t = "£" + commas
        elif style == 3:
            t = "£" + plain
        elif style == 4:  # '-12.5': a refund without trailing zeros
            t, sign = "-" + plain.rstrip("0").rstrip("."), -1
        elif style == 5:
            t, sign = "(" + commas + ")", -1
        elif style == 6:
            t, sign = plain + "-", -1
        elif style == 7:
            t, sign = "-£" + commas, -1
        elif style == 8:  # whole pounds
            v -= v % 100
            t = str(v // 100)
        elif style == 9:
            t, sign = commas + " CR", -1
        elif style == 10:
            t = "£ " + commas
        elif style == 11:
            t, sign = "£-" + plain, -1
        elif style == 12:  # three decimals: 12.345 rounds half up to 12.35
            t, v = plain + "5", v + 1
        else:
            t = "£" + plain + " "
        texts.append(t)
        values[i] = sign * v
    return texts, values


def date_pool(start: dt.date, days: int) -> list[str]:
    """Every day in [start, start + days) in every format, day-major: index = day * len(_FORMATS) +
    format."""
    out = []
    for k in range(days):
        d = start + dt.timedelta(days=k)
        for f in _FORMATS:
            if f == "serial":
                out.append(str((d - _EPOCH).days))
            elif f.startswith("{d}"):
                out.append(d.strftime(f.replace("{d}", str(d.day))))
            elif "%b-%Y" in f:
                out.append(d.strftime(f).upper())
            else:
                out.append(d.strftime(f))
    return out


def _joined_bytes(lines: pa.Array, nl: str) -> bytes:
    """The UTF-8 bytes of every line followed by ``nl``."""
    arr = pc.binary_join_element_wise(lines, pa.scalar(""), nl)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    return arr.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


_JUNK = [  # (kind, line, pence the line carries into total_in)
    ("blank", ",,,,,,", 0),
    ("note", "Note: figures exclude VAT,,,,,,", 0),
    ("subtotal", 'Sub-total for the month,,,,,,"£12,345.67"', 1234567),
    ("bad_amount", "Parks,Tree Works,TREE FELLING,B1/1,Oak Tree Ltd,01/05/2022,n/a", 0),
    ("no_supplier", "Parks,Tree Works,TREE FELLING,B1/2,,01/05/2022,250.00", 25000),
    ("no_date", "Parks,Tree Works,TREE FELLING,B1/3,Oak Tree Ltd,,300.00", 30000),
    ("bad_date", "Parks,Tree Works,TREE FELLING,B1/4,Oak Tree Ltd,31/02/2022,400.00", 40000),
    ("no_amount", "Parks,Tree Works,TREE FELLING,B1/5,Oak Tree Ltd,02/05/2022,", 0),
    ("amount_only", ",,,,,,1234.56", 123456),
    ("decimal_comma", 'Parks,Tree Works,TREE FELLING,B1/6,Oak Tree Ltd,03/05/2022,"1234,56"', 0),
    ("old_year", "Parks,Tree Works,TREE FELLING,B1/7,Oak Tree Ltd,01/05/1890,10.00", 1000),
    ("spaces", "   ,  ,,, ,\t,", 0),
]


def generate_ledger(
    path,
    rows: int = 100_000,
    seed: int = 0,
    encoding: str = "cp1252",
    *,
    bom: bool = False,
    junk_rate: float = 0.002,
    chunk_rows: int = 500_000,
) -> dict:
    """Write a messy ledger CSV with ``rows`` body lines (payments and junk) and return a summary.

    ``encoding`` is ``'cp1252'`` or ``'utf-8'`` (``bom=True`` adds a UTF-8 BOM).
    About ``junk_rate`` of the body lines are rows the reader must reject.
    Three title lines sit above the header row; a blank line, a total line
    and a note follow the body.  Returns ``path``, ``rows`` (body lines),
    ``payments`` (body lines that are payments: the ledger), ``bytes``,
    ``encoding``, ``total_pence`` (the payments' sum, which the total line
    repeats) and ``junk_pence`` (what the junk lines carry).
    """
    path = Path(path)
    if encoding not in ("cp1252", "utf-8"):
        raise ValueError("encoding must be 'cp1252' or 'utf-8'")
    rng = np.random.default_rng(seed)
    n_sup = int(min(40_000, max(200, rows // 100)))
    suppliers = (
        _suppliers(rng, n_sup) + _REDACTED + ["Total Hygiene Ltd", "TotalEnergies Gas & Power Ltd"]
    )
    weights = 1.0 / (1.0 + np.arange(n_sup)) ** 0.8
    weights = np.concatenate(
        [
            weights / weights.sum() * 0.978,
            np.full(len(_REDACTED), 0.02 / len(_REDACTED)),
            [0.001, 0.001],
        ]
    )
    descriptions = _descriptions(rng, int(min(50_000, max(100, rows // 50))))
    amounts, amount_pence = _amount_pool(rng, int(min(200_000, max(1000, rows // 10))))
    start, days = dt.date(2019, 4, 1), 6 * 365
    p_sup = pa.array([_quote(s) for s in suppliers])
    p_desc = pa.array([_quote(s) for s in descriptions])
    p_amt = pa.array([_quote(s) for s in amounts])
    p_date = pa.array(date_pool(start, days))
    p_serv = pa.array([_quote(s) for s in _SERVICES])
    p_acct = pa.array([_quote(s) for s in _ACCOUNTS])
    fmt_p = _FORMAT_P / _FORMAT_P.sum()
    width = len(HEADER)
    nl = "\r\n"
    head = [
        _quote("Example Borough Council: payments over £250") + "," * (width - 1),
        "Period: April 2019 to March 2025" + "," * (width - 1),
        "," * (width - 1),
        ",".join(_quote(h) for h in HEADER),
    ]
    total = junk_total = payments = 0
    nbytes = 0
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as out:

        def write(data: bytes) -> None:
            nonlocal nbytes
            out.write(data)
            nbytes += len(data)

        if bom and encoding == "utf-8":
            write(b"\xef\xbb\xbf")
        write((nl.join(head) + nl).encode(encoding))
        done = 0
        while done < rows:
            n = min(chunk_rows, rows - done)
            amt_i = rng.integers(0, len(amounts), size=n)
            cols = [
                p_serv.take(pa.array(rng.integers(0, len(_SERVICES), size=n))),
                p_acct.take(pa.array(rng.integers(0, len(_ACCOUNTS), size=n))),
                p_desc.take(pa.array(rng.integers(0, len(descriptions), size=n))),
                pc.binary_join_element_wise(
                    "B",
                    pc.cast(pa.array(rng.integers(10_000, 99_999_999, size=n)), pa.string()),
                    "",
                ),
                p_sup.take(pa.array(rng.choice(len(suppliers), size=n, p=weights))),
                p_date.take(
                    pa.array(
                        rng.integers(0, days, size=n) * len(_FORMATS)
                        + rng.choice(len(_FORMATS), size=n, p=fmt_p)
                    )
                ),
                p_amt.take(pa.array(amt_i)),
            ]
            lines = pc.binary_join_element_wise(*cols, ",")
            junk = rng.random(n) < junk_rate
            kinds = rng.integers(0, len(_JUNK), size=int(junk.sum())).tolist()
            if kinds:  # a junk line takes the place of a payment line
                idx = np.arange(n)
                idx[junk] = n + np.arange(len(kinds))
                lines = pa.concat_arrays([lines, pa.array([_JUNK[k][1] for k in kinds])]).take(
                    pa.array(idx)
                )
            total += int(amount_pence[amt_i[~junk]].sum())
            junk_total += sum(_JUNK[k][2] for k in kinds)
            payments += n - len(kinds)
            data = _joined_bytes(lines, nl)
            write(data if encoding == "utf-8" else data.decode("utf-8").encode(encoding))
            done += n
        sign = "-" if total < 0 else ""
        tail = [
            "," * (width - 1),
            "Total,,,,,," + _quote(sign + "£" + _money(abs(total))[1]),
            _quote("Figures exclude VAT; © Example Borough Council") + "," * (width - 1),
        ]
        write((nl.join(tail) + nl).encode(encoding))
    tmp.replace(path)
    return {
        "path": str(path),
        "rows": rows,
        "payments": payments,
        "bytes": nbytes,
        "encoding": encoding,
        "total_pence": total,
        "junk_pence": junk_total,
    }
