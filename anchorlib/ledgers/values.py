"""Column-wise values for the Arrow reader: supplier names, dates and amounts, per distinct cell.

Each function gives exactly what the row reader's own function gives for the same text
(:func:`~anchorlib.core.normalise.clean_text`,
:func:`~anchorlib.ledgers.parse.normalise_supplier_name`,
:func:`~anchorlib.ledgers.parse.parse_date`, :func:`~anchorlib.ledgers.parse.parse_amount`, the
total-line test): the common forms are done in Arrow (RE2 twins of the row reader's patterns) and
numpy, the rest in Python. :class:`DistinctCells` keeps the distinct supplier, date and amount cells
seen so far, block after block.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anchorlib.core.normalise import clean_text, is_blank
from anchorlib.ledgers.cells import ByteColumn, Cells, Fallback, rows_of
from anchorlib.ledgers.parse import (
    EXCEL_EPOCH,
    LEGAL_SUFFIXES,
    MAX_YEAR,
    MIN_YEAR,
    MONTHS,
    NUMERIC_DATE,
    REDACTED_KEY,
    REDACTED_PATTERNS,
    TRAILING_CODE,
    financial_year,
    is_redacted,
    normalise_supplier_name,
    parse_amount,
    parse_date,
)
from anchorlib.ledgers.schema import TOTAL

__all__ = [
    "AMOUNT_GUARD",
    "EPOCH_ORDINAL",
    "DateTable",
    "DistinctCells",
    "date_columns",
    "supplier_values",
    "vector_dates",
]

EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()

# ----------------------------------------------------------- RE2 twins of the row reader's patterns
# They are applied to ASCII text only, where Python's and RE2's \b, \d, case folding agree; Python's
# \s (str.isspace) also takes \v and \x1c-\x1f, so it is spelled out.  Cleaned text has no line
# breaks, so '$' (which in Python may also match before a final '\n') means the end of the text in
# both.


_ASCII_WS = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def _re2(pattern: str) -> str:
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            if nxt == "s":
                out.append(_ASCII_WS if in_class else "[" + _ASCII_WS + "]")
            elif nxt == "d":
                out.append("0-9" if in_class else "[0-9]")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def _flags(p: re.Pattern) -> str:
    return "(?i)" if p.flags & re.IGNORECASE else ""


_TOTAL_RE2 = _flags(TOTAL) + "^(?:" + _re2(TOTAL.pattern) + ")"  # re.match: anchored at the start
_REDACTED_RE2 = "|".join(f"(?:{_flags(p)}{_re2(p.pattern)})" for p in REDACTED_PATTERNS)
_TRAILING_CODE_RE2 = _re2(TRAILING_CODE.pattern)
_SUFFIX_RE2 = "^(.+?) (?:" + "|".join(" ".join(s) for s in LEGAL_SUFFIXES) + ")$"
AMOUNT_GUARD = r"^\(?-?(?:£)?-?(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,13})(?:\.\d{0,2})?-?\)?$"


def _normalise_ascii(names: pa.Array) -> pa.Array:
    """normalise_supplier_name() of clean, non-redacted ASCII names, column-wise."""
    s = pc.ascii_upper(names)
    s = pc.replace_substring_regex(s, _TRAILING_CODE_RE2, "")
    s = pc.replace_substring(pc.replace_substring(s, "&", " AND "), "+", " AND ")
    s = pc.replace_substring_regex(s, "['`.]", "")
    s = pc.replace_substring_regex(s, "[^A-Z0-9]+", " ")
    s = pc.utf8_trim(s, " ")
    s = pc.replace_substring_regex(s, "^THE ", "")
    for _ in range(64):
        t = pc.replace_substring_regex(s, _SUFFIX_RE2, r"\1")
        if pc.all(pc.equal(s, t)).as_py() is not False:
            return t
        s = t
    raise Fallback("legal-form suffixes did not settle")


def supplier_values(raw: pa.Array) -> dict:
    """For distinct published supplier cells: clean name, supplier key, 'a supplier, not a total',
    redacted.

    Equal to clean_text(), normalise_supplier_name(), the row reader's total-line test and
    is_redacted(); ASCII names are done with RE2 in Arrow, the rest with the Python functions.
    """
    n = len(raw)
    col = ByteColumn(raw)
    fix = np.flatnonzero(col.needs_tidy())
    name = raw
    if len(fix):
        mask = np.zeros(n, dtype=bool)
        mask[fix] = True
        name = pc.replace_with_mask(
            raw, pa.array(mask), pa.array([clean_text(v) for v in col.cells(fix)], raw.type)
        )
    valid = name.is_valid().to_numpy(zero_copy_only=False)
    ascii_ = pc.fill_null(pc.string_is_ascii(name), False).to_numpy(zero_copy_only=False)
    ok = np.zeros(n, dtype=bool)
    red = np.zeros(n, dtype=bool)
    keys: list = [None] * n
    a = np.flatnonzero(valid & ascii_)
    if len(a):
        names = name.take(pa.array(a))
        ok[a] = ~pc.match_substring_regex(names, _TOTAL_RE2).to_numpy(zero_copy_only=False)
        r = pc.match_substring_regex(names, _REDACTED_RE2).to_numpy(zero_copy_only=False)
        red[a] = r
        k = np.flatnonzero(~r)
        got = _normalise_ascii(names.take(pa.array(k))).to_pylist() if len(k) else []
        for i in a[r].tolist():
            keys[i] = REDACTED_KEY
        for i, key in zip(a[k].tolist(), got):
            keys[i] = key
    other = np.flatnonzero(valid & ~ascii_)
    if len(other):
        for i, s in zip(other.tolist(), name.take(pa.array(other)).to_pylist()):
            r = is_redacted(s)
            red[i] = r
            ok[i] = not TOTAL.match(s)
            keys[i] = REDACTED_KEY if r else normalise_supplier_name(s)
    return {"name": name, "key": pa.array(keys, pa.string()), "ok": ok, "redacted": red}


# --------------------------------------------------------------------------- distinct dates


# A superset of the texts parse_date() reads with NUMERIC_DATE, the only reading where day/month
# order matters.
_DAY_MONTH = re.compile(r"\d[-/.]\d{1,2}[-/.]")


@dataclass
class DateTable:
    """Every distinct date text seen, with its parse under both day/month orders."""

    ids: dict = field(default_factory=dict)
    blank: list = field(default_factory=list)
    ord_t: list = field(default_factory=list)  # proleptic ordinal read day first, -1 when an error
    ord_f: list = field(default_factory=list)  # read month first
    err_t: list = field(default_factory=list)
    err_f: list = field(default_factory=list)
    first_big: bool = False
    second_big: bool = False

    def note_order(self, value) -> None:
        """numeric_date_order(), one value at a time."""
        if isinstance(value, str) and (m := NUMERIC_DATE.match(value.strip())):
            self.first_big |= int(m[1]) > 12
            self.second_big |= int(m[2]) > 12

    def add(self, value: str) -> int:
        gid = self.ids.get(value)
        if gid is not None:
            return gid
        gid = len(self.blank)
        self.ids[value] = gid
        self.note_order(value)
        self.blank.append(is_blank(value))
        for dayfirst, ords, errs in (
            (True, self.ord_t, self.err_t),
            (False, self.ord_f, self.err_f),
        ):
            if not dayfirst and not _DAY_MONTH.search(value):  # the order only matters for dd/mm/yy
                ords.append(self.ord_t[-1])
                errs.append(self.err_t[-1])
                continue
            try:
                d = parse_date(value, dayfirst)
                ords.append(-1 if d is None else d.toordinal())
                errs.append(None)
            except ValueError as exc:
                ords.append(-1)
                errs.append(str(exc))
        return gid

    def add_many(self, values: pa.Array) -> list[int]:
        """add() of distinct new values; the common date forms are read column-wise (the same dates,
        the same day/month evidence; the message of an unreadable one is made when asked for)."""
        handled, ord_t, ord_f, first_big, second_big = vector_dates(values)
        self.first_big |= first_big
        self.second_big |= second_big
        gids = []
        for k, v in enumerate(values.to_pylist()):
            if not handled[k]:
                gids.append(self.add(v))
                continue
            gid = len(self.blank)
            self.ids[v] = gid
            self.blank.append(False)
            ot, of = int(ord_t[k]), int(ord_f[k])
            self.ord_t.append(ot)
            self.ord_f.append(of)
            self.err_t.append(None if ot >= 0 else _LATER)
            self.err_f.append(None if of >= 0 else _LATER)
            gids.append(gid)
        return gids

    def error(self, gid: int, dayfirst: bool, value: str) -> str | None:
        """The message of parse_date(value, dayfirst) for the value with this id (None: it
        parses)."""
        err = (self.err_t if dayfirst else self.err_f)[gid]
        if err is _LATER:
            try:
                parse_date(value, dayfirst)
                err = None
            except ValueError as exc:
                err = str(exc)
        return err

    @property
    def dayfirst(self) -> bool:
        return not (self.second_big and not self.first_big)


#: An error message not made yet (see DateTable.error).
_LATER = object()


_TIME_RE2 = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?"
# Subsets of parse_date's forms, for ASCII text with no whitespace to tidy: a value they match is
# read by parse_date with the same pattern and the same groups (ISO, numeric, day-month-year,
# compact, serial are tried in that order there, and no value matches two of these).
_DATE_FORMS = (
    ("iso", "^(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})" + _TIME_RE2 + "$"),
    (
        "num",
        "^(?P<a>[0-9]{1,2})[-/.](?P<b>[0-9]{1,2})[-/.](?P<y>[0-9]{4}|[0-9]{2})" + _TIME_RE2 + "$",
    ),
    ("dmy", "^(?P<d>[0-9]{1,2})[- ](?P<mon>[A-Za-z]{3,9})[- ](?P<y>[0-9]{4}|[0-9]{2})$"),
    ("compact", "^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})$"),
)
_SERIAL_RE2 = "^[0-9]{5}$"
_MONTH_NAMES = pa.array(list(MONTHS), pa.string())
_MONTH_NUMBERS = np.asarray(list(MONTHS.values()), dtype=np.int64)


def _ordinals(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """date(y, m, d).toordinal() where parse_date's _checked accepts it, else -1."""
    ok = (y >= MIN_YEAR) & (y <= MAX_YEAR) & (m >= 1) & (m <= 12) & (d >= 1)
    yy, mm = np.where(ok, y, 2000) - 1970, np.where(ok, m, 1) - 1
    month = (yy * 12 + mm).astype("datetime64[M]")
    start = month.astype("datetime64[D]").astype(np.int64)
    days = (month + 1).astype("datetime64[D]").astype(np.int64) - start
    ok &= d <= days
    return np.where(ok, start + d - 1 + EPOCH_ORDINAL, -1)


def vector_dates(values: pa.Array):
    """(read here, ordinal day first, ordinal month first, a first part above 12, a second part
    above 12) for distinct date texts: -1 where parse_date raises; 'read here' False: leave to
    parse_date."""
    n = len(values)
    handled = np.zeros(n, dtype=bool)
    ord_t = np.full(n, -1, dtype=np.int64)
    ord_f = np.full(n, -1, dtype=np.int64)
    first_big = second_big = False
    if not n:
        return handled, ord_t, ord_f, first_big, second_big
    values = values.cast(pa.string())

    def ints(struct, name):
        return pc.cast(pc.struct_field(struct, name), pa.int64()).to_numpy(zero_copy_only=False)

    def year(struct):
        text = pc.struct_field(struct, "y")
        y = pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False)
        two = pc.equal(pc.utf8_length(text), 2).to_numpy(zero_copy_only=False)
        return np.where(two, np.where(y < 70, 2000 + y, 1900 + y), y)

    for name, pattern in _DATE_FORMS:
        hit = np.flatnonzero(
            pc.fill_null(pc.match_substring_regex(values, pattern), False).to_numpy(
                zero_copy_only=False
            )
            & ~handled
        )
        if not len(hit):
            continue
        g = pc.extract_regex(values.take(pa.array(hit)), pattern)
        y = year(g)
        if name == "num":
            a, b = ints(g, "a"), ints(g, "b")
            first_big |= bool((a > 12).any())
            second_big |= bool((b > 12).any())
            ord_t[hit] = _ordinals(y, b, a)
            ord_f[hit] = _ordinals(y, a, b)
        else:
            if name == "dmy":
                k = pc.index_in(pc.ascii_lower(pc.struct_field(g, "mon")), value_set=_MONTH_NAMES)
                k = pc.fill_null(k, -1).to_numpy(zero_copy_only=False).astype(np.int64)
                m = np.where(k >= 0, _MONTH_NUMBERS[np.maximum(k, 0)], 0)
                d = ints(g, "d")
            else:
                m, d = ints(g, "m"), ints(g, "d")
            ord_t[hit] = ord_f[hit] = _ordinals(y, m, d)
        handled[hit] = True
    serial = np.flatnonzero(
        pc.fill_null(pc.match_substring_regex(values, _SERIAL_RE2), False).to_numpy(
            zero_copy_only=False
        )
    )
    if len(serial):
        v = pc.cast(values.take(pa.array(serial)), pa.int64()).to_numpy(zero_copy_only=False)
        ok = (v >= 25000) & (v <= 75000)
        o = np.where(ok, EXCEL_EPOCH.toordinal() + v, -1)
        ord_t[serial] = ord_f[serial] = o
        handled[serial] = True
    return handled, ord_t, ord_f, first_big, second_big


def date_columns(part: dict, days: np.ndarray) -> None:
    """The payment date (as datetime64[ns] integers) and financial year of a part's rows."""
    part["ns"] = (days - EPOCH_ORDINAL) * 86_400_000_000_000
    part["fy"] = _financial_years(days)


def _financial_years(ordinals: np.ndarray) -> pa.Array:
    """financial_year() of proleptic ordinals, as fixed-width labels ('2022-23') built with
    numpy."""
    n = len(ordinals)
    if not n:
        return pa.array([], type=pa.large_string())
    lo, hi = int(ordinals.min()), int(ordinals.max())
    y0, y1 = dt.date.fromordinal(lo).year - 1, dt.date.fromordinal(hi).year
    labels = [financial_year(dt.date(y, 4, 1)) for y in range(y0, y1 + 1)]
    # per day of the range, the index of its financial year's label (a change each 1 April)
    april = np.asarray(
        [dt.date(y, 4, 1).toordinal() for y in range(y0 + 1, y1 + 1)], dtype=np.int64
    )
    per_day = np.searchsorted(april, np.arange(lo, hi + 1, dtype=np.int64), side="right")
    index = per_day[ordinals - lo]
    if len({len(v) for v in labels}) != 1:
        return pa.array(labels, type=pa.large_string()).take(pa.array(index))
    w = len(labels[0])
    table = np.frombuffer("".join(labels).encode("ascii"), dtype=np.uint8).reshape(len(labels), w)
    data = table[index].reshape(-1)
    offs = np.arange(0, w * n + 1, w, dtype=np.int64)
    return pa.Array.from_buffers(
        pa.large_string(), n, [None, pa.py_buffer(offs), pa.py_buffer(data)]
    )


# ---------------------------------------------------------------- distinct cells, block after block


class DistinctCells:
    """The distinct supplier, date and amount cells the blocks of one file have met, and what each
    gives: the Arrow reader's tables, grown block by block (blocks run in threads: ``lock``)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.dates = DateTable()
        self.sup: dict | None = None  # distinct supplier cells and what they give
        self.date_values: pa.Array | None = None  # distinct date cells, in self.dates order
        self.amounts: dict = {}
        self.key_codes: dict[str, int] = {}  # supplier key -> its code

    def amounts_of(self, c: ByteColumn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pence, readable, common form) per cell: readable = not blank and parse_amount()
        succeeds."""
        n = c.n
        pence = np.zeros(n, dtype=np.int64)
        guard = pc.match_substring_regex(c.arr, AMOUNT_GUARD).to_numpy(zero_copy_only=False)
        ok = guard.copy()
        g = np.flatnonzero(guard)
        if len(g):
            # the guard allows at most: '(' '-' '£' '-' digits[,ddd] ['.' dd] '-' ')'
            neg = np.zeros(n, dtype=bool)
            minus = c.body == 45
            if minus.any():
                rows = rows_of(c.offs, np.flatnonzero(minus) + c.lo)
                count = np.bincount(rows, minlength=n)
                ok &= count <= 1
                neg ^= count == 1
            opened = c.first() == 40
            ok &= opened == (c.last() == 41)
            neg ^= opened
            g = np.flatnonzero(ok)
            if len(g):
                text = pc.utf8_trim(c.arr.take(pa.array(g)), "£()-")
                if (c.body == 44).any():
                    text = pc.replace_substring(text, ",", "")
                value = np.rint(
                    pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False) * 100
                ).astype(np.int64)
                pence[g] = np.where(neg[g], -value, value)
        rest = np.flatnonzero(~ok)
        if len(rest):
            enc = pc.dictionary_encode(c.arr.take(pa.array(rest)))
            values = []
            for text in enc.dictionary.to_pylist():
                got = self.amounts.get(text, ())
                if got == ():
                    try:
                        got = parse_amount(text)
                    except ValueError:
                        got = None
                    self.amounts[text] = got
                values.append(got)
            readable = np.asarray([v is not None for v in values], dtype=bool)
            amount = np.asarray([v or 0 for v in values], dtype=np.int64)
            idx = enc.indices.to_numpy(zero_copy_only=False)
            pence[rest] = amount[idx]
            ok[rest] = readable[idx]
        return pence, ok, guard

    @staticmethod
    def distinct(c: Cells) -> tuple[pa.Array, np.ndarray]:
        """(distinct cells, per-row index into them) of a column."""
        if c.idx is not None:
            return c.base.arr, c.idx
        enc = pc.dictionary_encode(c.base.arr)
        return enc.dictionary, enc.indices.to_numpy(zero_copy_only=False)

    def supplier_codes(self, c: Cells):
        """Per row, the index of its supplier cell in the distinct cells seen so far (grown block by
        block), and a snapshot of that table (clean name, key, key code, not-a-total, redacted per
        distinct cell)."""
        values, idx = self.distinct(c)
        with self.lock:
            if self.sup is None:
                where = np.full(len(values), -1, dtype=np.int64)
            else:
                where = pc.fill_null(pc.index_in(values, value_set=self.sup["raw"]), -1).to_numpy(
                    zero_copy_only=False
                )
            new = np.flatnonzero(where < 0)
            if len(new):
                raw_new = values.take(pa.array(new))
                got = supplier_values(raw_new)
                got["name"] = got["name"].cast(pa.large_string())
                got["key"] = got["key"].cast(pa.large_string())
                start = 0 if self.sup is None else len(self.sup["raw"])
                # supplier keys as integers: equal codes for equal keys, across blocks
                key_code = np.asarray(
                    [
                        self.key_codes.setdefault(k, len(self.key_codes))
                        for k in got["key"].to_pylist()
                    ],
                    dtype=np.int32,
                )
                if self.sup is None:
                    self.sup = {"raw": raw_new, **got, "key_code": key_code}
                else:
                    self.sup = {
                        "raw": pa.concat_arrays([self.sup["raw"], raw_new]),
                        "name": pa.concat_arrays([self.sup["name"], got["name"]]),
                        "key": pa.concat_arrays([self.sup["key"], got["key"]]),
                        "key_code": np.concatenate([self.sup["key_code"], key_code]),
                        "ok": np.concatenate([self.sup["ok"], got["ok"]]),
                        "redacted": np.concatenate([self.sup["redacted"], got["redacted"]]),
                    }
                where = where.copy()
                where[new] = start + np.arange(len(new))
            table = self.sup
        return where[idx], table

    def date_codes(self, c: Cells):
        """Per row, the index of its date cell in self.dates (distinct cells, grown block by block),
        and (ordinals day first, ordinals month first, blank, first part above 12 seen) per distinct
        cell."""
        values, idx = self.distinct(c)
        with self.lock:
            if self.date_values is None:
                where = np.full(len(values), -1, dtype=np.int64)
            else:
                where = pc.fill_null(pc.index_in(values, value_set=self.date_values), -1).to_numpy(
                    zero_copy_only=False
                )
            new = np.flatnonzero(where < 0)
            if len(new):
                raw_new = values.take(pa.array(new))
                where = where.copy()
                where[new] = self.dates.add_many(raw_new)
                self.date_values = (
                    raw_new
                    if self.date_values is None
                    else pa.concat_arrays([self.date_values, raw_new])
                )
            d = self.dates
            snapshot = (
                np.asarray(d.ord_t, dtype=np.int64),
                np.asarray(d.ord_f, dtype=np.int64),
                np.asarray(d.blank, dtype=bool),
                d.first_big,
            )
        return where[idx], snapshot
