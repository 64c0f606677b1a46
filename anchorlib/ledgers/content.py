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

__all__ = ["SAMPLE_ROWS", "ColumnContent", "Contents", "column_contents", "sample_rows"]

#: Rows of a sheet a column's content is judged on (the Arrow reader reads at least these first).
SAMPLE_ROWS = 100

_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$")
_COMPANY = re.compile(r"^(?:\d{8}|(?:SC|NI|OC|SO|NC|FC|GE|IP|LP|SL|SP|RC|SE|CE|CS)\d{6})$")
_ORG = re.compile(
    r"(?i)\b(?:ltd|limited|plc|llp|llc|inc|co|company|council|trust|nhs|services?|group|cic|"
    r"charity|university|college|school|partnership|association|society|foundation|uk|"
    r"solutions|consulting|consultants|holdings|healthcare|systems|supplies|cyf|cyfyngedig)\b"
)
# one token of letters and digits (both), with - _ / . inside: a vendor code, an account code
_CODE = re.compile(r"(?=[^ ]*\d)(?=[^ ]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9\-_/.]{1,19}")
_LETTER = re.compile(r"[A-Za-z]")
_NUMERIC_DAY = re.compile(r"\d{5}(?:\.\d+)?|\d{8}")
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
    code: float  # one word of letters and digits, no number, date or name: 'V1001', 'SUP-0042'
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


def _cell_kinds(v) -> tuple[bool, ...]:
    """(money, decimals, date, period, postcode, company, name, org, code) of one non-blank
    cell."""
    if isinstance(v, dt.date):
        return False, False, True, False, False, False, False, False, False
    text = v.strip() if isinstance(v, str) else str(v)
    money = not isinstance(v, bool) and _is(parse_amount, v)
    if money:
        decimals = (isinstance(v, float) and not v.is_integer()) or bool(_DECIMALS.search(text))
        # a number may be an Excel serial day (44652) or a compact date (20220401): counted as a
        # date, but a column of numbers is never taken for the dates on its content alone (see
        # scoring._content_pick)
        date = bool(_NUMERIC_DAY.fullmatch(text)) and _is(parse_date, v)
        period = bool(_YYYYMM.fullmatch(text))
        company = bool(_COMPANY.match(text.replace(" ", "")))
        return True, decimals, date, period, False, company, False, False, False
    # text: either day/month order (the file's order is settled later, over every row)
    date = _is(parse_date, v) or _is(_month_first, v)
    period = not date and _is(_period_2000, v)
    upper = text.upper()
    postcode = bool(_POSTCODE.match(upper))
    company = bool(_COMPANY.match(upper.replace(" ", "")))
    letters = len(_LETTER.findall(text))
    name = bool(
        letters >= 1 and not date and not postcode and letters >= 0.5 * len(text.replace(" ", ""))
    )
    org = name and bool(_ORG.search(text))
    code = bool(_CODE.fullmatch(text)) and not date and not period and not postcode
    if code:
        name = org = False  # 'V1001' is a code, not a name
    return False, False, date, period, postcode, company, name, org, code


def _period_2000(v):
    return parse_period(v, 2000)  # (any year: only whether the text is a period matters)


def _column(sample: list[list], j: int, name: str) -> ColumnContent:
    head = normalise_header(name) if name else None
    cells = [
        r[j]
        for r in sample
        if j < len(r)
        and not is_blank(r[j])
        and not (head and isinstance(r[j], str) and normalise_header(r[j]) == head)
    ]
    n = len(cells)
    counts = [0] * 9
    kinds: dict = {}  # each distinct cell judged once (dates, categories and names repeat)
    for v in cells:
        key = (type(v), v)
        got = kinds.get(key)
        if got is None:
            got = kinds[key] = _cell_kinds(v)
        for k, hit in enumerate(got):
            counts[k] += hit
    shares = [c / n if n else 0.0 for c in counts]
    texts = [str(v).strip() for v in cells]
    samples = tuple(list(dict.fromkeys(texts))[:3])
    return ColumnContent(n, *shares, distinct=len(set(texts)) / n if n else 0.0, samples=samples)


class Contents:
    """The content of each column (``names``: the header's cells) over the sample rows, judged when
    first asked for (a file's mapping needs only its candidates'); a cell repeating its header (a
    repeated header row) is not content."""

    def __init__(self, sample: list[list], names: list[str]):
        self.sample, self.names = sample, names
        self.done: dict[int, ColumnContent] = {}

    def __len__(self) -> int:
        return len(self.names)

    def samples_of(self, j: int) -> tuple[str, ...]:
        """The first three distinct non-blank values of column j (without judging them)."""
        if j in self.done:
            return self.done[j].samples
        texts = (str(r[j]).strip() for r in self.sample[:50] if j < len(r) and not is_blank(r[j]))
        return tuple(list(dict.fromkeys(texts))[:3])

    def __getitem__(self, j: int) -> ColumnContent:
        got = self.done.get(j)
        if got is None:
            got = self.done[j] = _column(self.sample, j, self.names[j])
        return got


def column_contents(sample: list[list], names: list[str]) -> Contents:
    """The :class:`Contents` of the columns over the sample rows."""
    return Contents(sample, names)
