"""What a column holds, judged on a sample of its values: money, dates, periods, postcodes,
company numbers, organisation names.

:func:`sample_rows` takes the same sample for both file readers (the first :data:`SAMPLE_ROWS`
non-blank rows below the header, then above it); :func:`column_contents` measures each column of
it. :mod:`anchorlib.ledgers.scoring` confirms a header's words with these shares, and decides from
them when the words are ambiguous or absent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from anchorlib.core.normalise import is_blank
from anchorlib.ledgers.parse import parse_amount, parse_date
from anchorlib.ledgers.periods import parse_period
from anchorlib.ledgers.tokens import normalise_header

__all__ = ["SAMPLE_ROWS", "ColumnContent", "column_contents", "sample_rows"]

#: Rows of a sheet a column's content is judged on (the Arrow reader reads at least these first).
SAMPLE_ROWS = 200

_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")
_COMPANY = re.compile(r"^(?:\d{8}|(?:SC|NI|OC|SO|NC|FC|GE|IP|LP|SL|SP|RC|SE|CE|CS)\d{6})$")
_ORG = re.compile(
    r"(?i)\b(?:ltd|limited|plc|llp|llc|inc|co|company|council|trust|nhs|services?|group|cic|"
    r"charity|university|college|school|partnership|association|society|foundation|uk|"
    r"solutions|consulting|consultants|holdings|healthcare|systems|supplies|cyf|cyfyngedig)\b"
)
_LETTER = re.compile(r"[A-Za-z]")
_YYYYMM = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])")
_DECIMALS = re.compile(r"[.,]\d{1,2}\s*\)?-?$")


@dataclass(frozen=True)
class ColumnContent:
    """Shares of a column's non-blank sample cells (0 when it has none) that read as each kind."""

    filled: int
    money: float
    decimals: float  # money written with pence ('12.50', '£1,234.56'): amounts, not ids
    date: float
    period: float
    postcode: float
    company: float
    name: float  # text with letters that is no number, date or postcode: a name-like value
    org: float  # names with an organisation word (Ltd, plc, Council, Trust, Services ...)
    distinct: float
    samples: tuple[str, ...]

    def share(self, kind: str) -> float:
        return getattr(self, kind)


def sample_rows(rows: list[list], idx: int, headers: set[int] | frozenset = frozenset()) -> list:
    """Up to SAMPLE_ROWS non-blank rows below row ``idx`` (the header) down to the next header row
    (``headers``: the sheet's header rows); the rows above the sheet's first header only when fewer
    than three are below (a header sorted to the bottom)."""
    out: list = []
    for k in range(idx + 1, len(rows)):
        if k in headers:
            break
        if not all(is_blank(v) for v in rows[k]):
            out.append(rows[k])
            if len(out) >= SAMPLE_ROWS:
                return out
    if len(out) >= 3 or any(k < idx for k in headers):  # (above a later section: another's rows)
        return out
    for k in range(idx - 1, -1, -1):
        if k in headers:
            break
        if not all(is_blank(v) for v in rows[k]):
            out.append(rows[k])
            if len(out) >= SAMPLE_ROWS:
                break
    return out


def _is(fn, v) -> bool:
    try:
        return fn(v) is not None
    except (ValueError, TypeError, OverflowError):
        return False


def _month_first(v):
    return parse_date(v, dayfirst=False)


def _cell_kinds(v) -> tuple[bool, bool, bool, bool, bool, bool, bool, bool]:
    """(money, decimals, date, period, postcode, company, name, org) of one non-blank cell."""
    money = _is(parse_amount, v) and not isinstance(v, dt.date)
    text = v.strip() if isinstance(v, str) else ""
    decimals = money and (
        (isinstance(v, float) and not v.is_integer()) or bool(_DECIMALS.search(text))
    )
    # a number is an amount before it is an Excel serial day: dates are date cells or date text
    # (either day/month order: the file's order is settled later, over every row)
    # (a number may be an Excel serial day: counted, but a column of numbers is never taken for
    # the dates on its content alone, see scoring._content_pick)
    date = isinstance(v, dt.date) or (
        not isinstance(v, bool) and (_is(parse_date, v) or _is(_month_first, v))
    )
    period = (bool(text) and not money and _is(lambda x: parse_period(x, 2000), v)) or bool(
        _YYYYMM.fullmatch(str(v).strip())
    )
    upper = text.upper()
    postcode = bool(_POSTCODE.match(upper))
    company = bool(_COMPANY.match(upper.replace(" ", "")))
    letters = len(_LETTER.findall(text))
    name = bool(
        text
        and letters >= 1
        and not money
        and not date
        and not postcode
        and letters >= 0.5 * len(text.replace(" ", ""))
    )
    org = name and bool(_ORG.search(text))
    return money, decimals, date, period, postcode, company, name, org


def column_contents(sample: list[list], names: list[str]) -> list[ColumnContent]:
    """The content of each column (``names``: the header's cells) over the sample rows; a cell
    repeating its header (a repeated header row) is not content."""
    out = []
    for j, name in enumerate(names):
        head = normalise_header(name) if name else None
        cells = [
            r[j]
            for r in sample
            if j < len(r)
            and not is_blank(r[j])
            and not (head and isinstance(r[j], str) and normalise_header(r[j]) == head)
        ]
        n = len(cells)
        counts = [0] * 8
        for v in cells:
            for k, hit in enumerate(_cell_kinds(v)):
                counts[k] += hit
        shares = [c / n if n else 0.0 for c in counts]
        texts = [str(v).strip() for v in cells]
        samples = tuple(list(dict.fromkeys(texts))[:3])
        out.append(
            ColumnContent(n, *shares, distinct=len(set(texts)) / n if n else 0.0, samples=samples)
        )
    return out
