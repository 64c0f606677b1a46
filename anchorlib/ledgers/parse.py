"""Cell-level parsing for payment ledgers: amounts, dates, supplier names.

Everything here works on one published value at a time and knows nothing of
files.  Amounts are parsed to whole pence (``int``) with exact decimal
arithmetic, never through floats, so reconciliation holds to the penny.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from anchorlib.core.normalise import is_blank

__all__ = [
    "REDACTED_KEY",
    "financial_year",
    "is_redacted",
    "normalise_supplier_name",
    "parse_amount",
    "parse_date",
    "numeric_date_order",
]

#: The supplier key every redacted / personal-data payee gets: one class,
#: never matched to a named supplier.
REDACTED_KEY = "REDACTED"

_PENNY = Decimal("0.01")


# --------------------------------------------------------------------------- amounts

_AMOUNT_PLAIN = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_AMOUNT_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_AMOUNT_SCI = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_CURRENCY = re.compile(r"(?i)Â£|£|GBP")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_FOREIGN = re.compile(r"[$€¥]|\b(?:USD|EUR)\b", re.I)


def _to_pence(d: Decimal) -> int:
    return int((d.quantize(_PENNY, rounding=ROUND_HALF_UP) * 100).to_integral_value())


def parse_amount(value) -> int | None:
    """Whole pence from a published amount; None when blank; ValueError when unparseable.

    Accepts numbers from spreadsheets and text such as ``£1,234.56``,
    ``1234.5``, ``(1,234.56)``, ``-1234.56``, ``-£1,234.56``, ``1,234.56-``,
    ``1,234.56 CR`` (credit: negative), ``1.2345E+05`` and a lone ``-`` (an
    accounting-format zero).  Fractions of a penny are rounded half up.
    Decimal commas (``1234,56``), other currencies and stray text are errors.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an amount")
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not an amount")
        return _to_pence(Decimal(repr(value)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value!r} is not an amount")
        return _to_pence(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an amount")
    return _parse_amount_text(value)


@lru_cache(maxsize=65536)
def _parse_amount_text(text: str) -> int:
    s = _SPACES.sub(
        "", text.strip().replace("\u2212", "-").replace("\u2013", "-").replace("\u2014", "-")
    )
    if s in {"-", "--"}:
        return 0
    if _FOREIGN.search(s):
        raise ValueError(f"{text!r} is not in pounds sterling")
    negative = False
    changed = True
    while changed and s:
        changed = False
        before = s
        if s.startswith("(") and s.endswith(")"):
            negative, s = not negative, s[1:-1]
        s = _CURRENCY.sub("", s)
        upper = s.upper()
        if upper.endswith("CR"):
            negative, s = not negative, s[:-2]
        elif upper.endswith("DR"):
            s = s[:-2]
        if s.startswith("-"):
            negative, s = not negative, s[1:]
        elif s.startswith("+"):
            s = s[1:]
        elif s.endswith("-"):
            negative, s = not negative, s[:-1]
        changed = s != before
    if _AMOUNT_PLAIN.match(s) or _AMOUNT_SCI.match(s):
        number = s
    elif _AMOUNT_THOUSANDS.match(s):
        number = s.replace(",", "")
    else:
        raise ValueError(f"{text!r} is not an amount")
    try:
        d = Decimal(number)
    except (
        InvalidOperation
    ) as exc:  # pragma: no cover - the patterns above only let numbers through
        raise ValueError(f"{text!r} is not an amount") from exc
    pence = _to_pence(d)
    return -pence if negative else pence


# --------------------------------------------------------------------------- dates

#: Month names and abbreviations (lower case) -> month number, as parse_date reads them.
MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_WEEKDAY = re.compile(r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*,?\s+", re.I)
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$")
#: A numeric date (``01/04/2022``, ``1.4.22``): the one form whose day/month order is in doubt.
NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME + "$")
_DAY_MON_YEAR = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[-/ .]+([A-Za-z]{3,9})\.?[-/ .,]+(\d{4}|\d{2})" + _TIME + "$"
)
_MON_DAY_YEAR = re.compile(
    r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + "$"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
#: Day 0 of Excel's serial day numbers (``44652`` is 2022-04-01).
EXCEL_EPOCH = dt.date(1899, 12, 30)
# A payment cannot be dated after next year: later years are typos (2099 for 2019) or corrupt cells.
MIN_YEAR, MAX_YEAR = 1990, dt.date.today().year + 1


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        return 2000 + n if n < 70 else 1900 + n
    return n


def _checked(y: int, m: int, d: int, text) -> dt.date:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ValueError(f"{text!r}: year {y} is outside {MIN_YEAR}-{MAX_YEAR}")
    try:
        return dt.date(y, m, d)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None


def _from_serial(serial: float, text) -> dt.date:
    if not 25000 <= serial <= 75000:  # 1968 .. 2105
        raise ValueError(f"{text!r} is not a date (as an Excel serial day it is out of range)")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_date(value, dayfirst: bool = True) -> dt.date | None:
    """A date from a published value; None when blank; ValueError when unparseable.

    Accepts spreadsheet dates, Excel serial day numbers (``44652``), and text
    such as ``01/04/2022``, ``1/4/22``, ``2022-04-01``, ``1-Apr-22``,
    ``01-APR-2022``, ``1 April 2022``, ``April 1, 2022`` and ``20220401``,
    with or without a time.  Numeric day/month order is UK (day first)
    unless ``dayfirst=False``.  Years outside 1990 to next year are errors.
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return _checked(value.year, value.month, value.day, value)
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day, value)
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        v = value.to_pydatetime()
        return _checked(v.year, v.month, v.day, value)
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{value!r} is not a date")
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_date(str(int(value)), dayfirst)
        return _from_serial(float(value), value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    return _parse_date_text(value.strip(), dayfirst)


@lru_cache(maxsize=65536)
def _parse_date_text(text: str, dayfirst: bool) -> dt.date:
    s = _WEEKDAY.sub("", re.sub(r"\s+", " ", text))
    if m := _ISO.match(s):
        return _checked(int(m[1]), int(m[2]), int(m[3]), text)
    if m := NUMERIC_DATE.match(s):
        a, b = int(m[1]), int(m[2])
        day, month = (a, b) if dayfirst else (b, a)
        return _checked(_year(m[3]), month, day, text)
    if m := _DAY_MON_YEAR.match(s):
        month = MONTHS.get(m[2].lower())
        if month is None:
            raise ValueError(f"{text!r}: {m[2]!r} is not a month")
        return _checked(_year(m[3]), month, int(m[1]), text)
    if m := _MON_DAY_YEAR.match(s):
        month = MONTHS.get(m[1].lower())
        if month is None:
            raise ValueError(f"{text!r}: {m[1]!r} is not a month")
        return _checked(int(m[3]), month, int(m[2]), text)
    if m := _COMPACT.match(s):
        return _checked(int(m[1]), int(m[2]), int(m[3]), text)
    if _SERIAL.match(s):
        return _from_serial(float(s), text)
    raise ValueError(f"{text!r} is not a date")


def numeric_date_order(values) -> bool:
    """Whether a column of numeric dates is day-first (True, the UK default) or month-first.

    Month-first only when some value cannot be day-first (a second part above
    12) and none cannot be month-first.
    """
    first_big = second_big = False
    for v in values:
        if isinstance(v, str) and (m := NUMERIC_DATE.match(v.strip())):
            first_big |= int(m[1]) > 12
            second_big |= int(m[2]) > 12
    return not (second_big and not first_big)


def financial_year(date) -> str | None:
    """The UK financial year (April to March) of a date: 2022-04-01 -> '2022-23' (None: none)."""
    if date is None:
        return None
    try:
        if date != date:  # NaN / NaT
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(date, str):
        date = parse_date(date)
    y = date.year if date.month >= 4 else date.year - 1
    return f"{y}-{(y + 1) % 100:02d}"


# --------------------------------------------------------------------------- supplier names

#: What a redacted / personal-data payee looks like (see :func:`is_redacted`).
REDACTED_PATTERNS = [
    re.compile(p, re.I)
    for p in (
        r"\bredacted\b",
        r"^redact(?:ed)?\b",
        r"\bredaction\b",
        r"\bpersonal\s+(?:data|information|details|info)\b",
        r"\bdata\s+protection\b",
        r"\bgdpr\b",
        r"\b(?:name\s+)?withheld\b",
        r"^(?:not\s+disclosed|undisclosed|confidential|sensitive|private|personal|individual)\.?$",
        r"^(?:private|an?)\s+individuals?$",
        r"^(?:third\s+party|3rd\s+party)(?:\s+(?:supplier|payment|payee|individual)s?)?$",
        r"^[\s*xX#.\-]{3,}$",
    )
]


def is_redacted(name) -> bool:
    """Whether a published payee is a redaction / personal-data placeholder.

    Matches 'REDACTED', 'Personal data', 'Redacted - personal information',
    'Name withheld', 'Third party' (police forces' word for a withheld
    individual), 'XXXX' and the like; not names that merely contain the
    letters ('Redactive Publishing Ltd', 'Personal Alarms Ltd').
    """
    if is_blank(name):
        return False
    s = unicodedata.normalize("NFKC", str(name)).strip()
    return any(p.search(s) for p in REDACTED_PATTERNS)


#: Legal-form words dropped from the end of a name (repeatedly): 'ACME UK LTD' -> 'ACME UK'.
LEGAL_SUFFIXES = (
    ("LIMITED",),
    ("LTD",),
    ("PLC",),
    ("LLP",),
    ("LLC",),
    ("LP",),
    ("INC",),
    ("INCORPORATED",),
    ("CIC",),
    ("CIO",),
    ("CYF",),
    ("CYFYNGEDIG",),
    ("CCC",),
    ("AND", "CO"),
    ("CO",),
    ("PUBLIC", "LIMITED", "COMPANY"),
    ("COMMUNITY", "INTEREST", "COMPANY"),
    ("GMBH",),
    ("BV",),
)
#: A publisher's vendor id in brackets at the end of a name (``ACME LTD (10234)``).
TRAILING_CODE = re.compile(r"\s*[\(\[]\s*\d+\s*[\)\]]\s*$")


@lru_cache(maxsize=65536)
def normalise_supplier_name(name) -> str:
    """The supplier key: the published name upper-cased, without punctuation or legal form.

    '&' becomes 'AND'; accents are dropped; '.' and apostrophes vanish
    ('B.T.' -> 'BT', "O'Neill" -> 'ONEILL'); other punctuation becomes a
    space; a leading 'THE' and trailing legal-form words (Ltd, Limited, PLC,
    LLP, LLC, Inc, CIC, '& Co', ...) and a trailing bracketed number (a
    publisher's vendor id) are removed.  Words such as 'Company', 'Group',
    'Holdings', 'UK' stay: they tell suppliers apart.  Redacted payees get
    :data:`REDACTED_KEY`; a blank name gives ''.
    """
    if is_blank(name):
        return ""
    if is_redacted(name):
        return REDACTED_KEY
    s = unicodedata.normalize("NFKD", str(name))
    s = "".join(c for c in s if not unicodedata.combining(c)).upper()
    s = TRAILING_CODE.sub("", s)
    s = s.replace("&", " AND ").replace("+", " AND ")
    s = re.sub(r"['’‘`.]", "", s)
    s = re.sub(r"[^A-Z0-9]+", " ", s)
    words = s.split()
    if len(words) > 1 and words[0] == "THE":
        words = words[1:]
    changed = True
    while changed:
        changed = False
        for suffix in LEGAL_SUFFIXES:
            n = len(suffix)
            if len(words) > n and tuple(words[-n:]) == suffix:
                words = words[:-n]
                changed = True
                break
    return " ".join(words)
