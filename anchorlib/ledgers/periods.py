"""Accounting periods as months: a payment file with no payment date, only a period.

Some publishers give each payment a period, not a date: ``202012``, ``2020-12``, ``Dec-20``,
``December 2020``, ``P9``, ``Period 9 2020/21``, ``P09 2020-21``.  :func:`parse_period` reads one
as the first day of its month (the ledger flags such rows ``date_precision = 'month'``: the month
and the financial year are exact, the day is not).  A bare period number (``P9``, ``Period 9``)
counts from April (P1 = April, P9 = December, P12 = March) and needs the financial year, taken
from the value itself or else from the file name, the sheet name or the title rows
(:func:`financial_year_in`); without one it is not read (never guessed).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from anchorlib.core.normalise import is_blank
from anchorlib.ledgers.parse import MONTHS

__all__ = ["financial_year_in", "parse_period", "period_month"]

_YYYYMM = re.compile(r"^(\d{4})\s*[-/.]?\s*(\d{1,2})$")
_MMYYYY = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{4})$")
_MON_YEAR = re.compile(r"^([A-Za-z]{3,9})\.?[\s\-/']*(\d{2}|\d{4})$")
_YEAR_MON = re.compile(r"^(\d{4})[\s\-/]*([A-Za-z]{3,9})$")
# 'P9', 'P09', 'Period 9', 'Per 9', 'Month 9', 'M09', 'Mis 9' (Welsh), 'Cyfnod 9' (Welsh)
_PERIOD_NO = re.compile(
    r"(?i)(?<![a-z])(?:p|per|period|m|month|mth|mis|cyfnod)\.?\s*[-:]?\s*(\d{1,2})(?!\d)"
)
# A financial year: '2020/21', '2020-21', '2020/2021', '2020_21', 'FY20/21', 'FY 2020-21'
_FY4 = re.compile(r"(?<!\d)(\d{4})\s*[/_\-]\s*(\d{2}|\d{4})(?!\d)")
_FY2 = re.compile(r"(?i)\bfy\s*(\d{2})\s*[/_\-]?\s*(\d{2})(?!\d)")


def _fy_start(first: str, second: str) -> int | None:
    """The starting year of '2020'/'21' (or '2021'), when the second follows the first."""
    a = int(first) if len(first) == 4 else 2000 + int(first)
    b = int(second)
    if (len(second) == 2 and b == (a + 1) % 100) or (len(second) == 4 and b == a + 1):
        return a if 1990 <= a <= 2100 else None
    return None


def financial_year_in(*texts) -> int | None:
    """The starting year of the first financial year written in the texts ('Spend 2020-21.csv',
    'FY20/21', 'Payments over £500 2020/21'), or None."""
    for text in texts:
        if not isinstance(text, str):
            continue
        for pattern in (_FY4, _FY2):
            for m in pattern.finditer(text):
                start = _fy_start(m[1], m[2])
                if start is not None:
                    return start
    return None


def period_month(p: int, fy_start: int) -> dt.date:
    """The first day of financial period ``p`` (1 = April .. 12 = March) of the year starting in
    ``fy_start``."""
    if not 1 <= p <= 12:
        raise ValueError(f"period {p} is not a month (periods run 1 = April to 12 = March)")
    month = (p + 2) % 12 + 1
    return dt.date(fy_start if month >= 4 else fy_start + 1, month, 1)


def _month(y: int, m: int, text) -> dt.date:
    if not 1 <= m <= 12 or not 1990 <= y <= 2100:
        raise ValueError(f"{text!r} is not a month")
    return dt.date(y, m, 1)


def parse_period(value, fy_start: int | None = None) -> dt.date | None:
    """The first day of the month a period value names; None when blank; ValueError otherwise.

    ``fy_start`` (the financial year's first calendar year, from :func:`financial_year_in`) reads a
    bare period number; a financial year in the value itself wins."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime | dt.date):  # a month formatted as a date in a workbook
        return dt.date(value.year, value.month, 1)
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a period")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a period")
    return _parse_text(value.strip(), fy_start)


@lru_cache(maxsize=4096)
def _parse_text(text: str, fy_start: int | None) -> dt.date:
    if m := _YYYYMM.match(text):
        return _month(int(m[1]), int(m[2]), text)
    if m := _MMYYYY.match(text):
        return _month(int(m[2]), int(m[1]), text)
    if m := _MON_YEAR.match(text):
        month = MONTHS.get(m[1].lower())
        if month is not None:
            year = int(m[2]) if len(m[2]) == 4 else 2000 + int(m[2])
            return _month(year, month, text)
    if m := _YEAR_MON.match(text):
        month = MONTHS.get(m[2].lower())
        if month is not None:
            return _month(int(m[1]), month, text)
    if m := _PERIOD_NO.search(text):
        rest = text[: m.start()] + " " + text[m.end() :]
        fy = financial_year_in(rest) or financial_year_in(text.replace(m[0], " "))
        fy = fy if fy is not None else fy_start
        if fy is None:
            raise ValueError(
                f"{text!r}: a period number with no financial year (none in the value, the "
                "file name, the sheet name or the title rows)"
            )
        return period_month(int(m[1]), fy)
    raise ValueError(f"{text!r} is not a period")
