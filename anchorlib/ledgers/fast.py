"""Vectorised reading of CSV payment files: exactly the row reader's results, at Arrow speed.

:func:`read_csv_fast` turns one CSV payment file into the same ledger, rejects,
input total, column mapping and warnings as the row-by-row reader in
:mod:`anchorlib.ledgers.canonical` (which stays the reference and the fallback), but
parses the body with ``pyarrow.csv`` in blocks (bounded memory) and
canonicalises it column-wise:

* the encoding, delimiter, header row and column mapping are found exactly as
  the row reader finds them, on the first lines of the file (the header must
  be among the first :data:`HEAD_ROWS` rows);
* every cell is read as bytes; Windows-1252 / code page 850 bytes are
  transcoded to UTF-8 with a lookup table, UTF-8 is validated;
* amounts in the common forms (``1234.56``, ``1,234.56``, ``£1,234.56``,
  ``-12.5``, ``(1,234.56)``, ``1234.56-``, ``-£12``) are parsed to integer pence
  with numpy; every other amount text goes to :func:`~anchorlib.ledgers.parse.parse_amount`
  (once per distinct text);
* dates, supplier names (clean text, total lines, redaction, supplier key),
  company numbers and postcodes are computed once per distinct value with the
  row reader's own functions and spread back with Arrow ``take``;
* free text (category, description, transaction id) is tidied only where a
  byte scan finds whitespace to tidy;
* a row is a *simple* payment when its supplier, amount and date cells are
  readable and it cannot be a repeated header; every other row (blank, note,
  total, unreadable amount, missing value, rows that might repeat the header)
  is kept aside and decided at the end by a copy of the row reader's rules, in
  Python, with the file's day/month order.

When the file is not something the vectorised path handles exactly (XLSX, no
header among the first rows, a second header row anywhere below, rows of
different widths, a UTF-16 file, NUL bytes, a cell over the csv module's field
limit, a column mapping that depends on which columns hold data, ...)
:func:`read_csv_fast` returns ``None`` and the caller uses the row reader.
``ANCHOR_LEDGER_FAST=0`` in the environment turns the fast path off.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import queue
import re
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from anchorlib.ledgers import canonical as _L
from anchorlib.ledgers import parse as _P
from anchorlib.ledgers.parse import (
    _NUMERIC,
    REDACTED_KEY,
    clean_text,
    is_blank,
    is_redacted,
    normalise_supplier_name,
    parse_amount,
    parse_date,
)

try:  # the row reader refuses binary files (read_sheets)
    from anchorlib.ledgers.read import _looks_binary
except ImportError:  # pragma: no cover - older row reader
    _looks_binary = None
from anchorlib.ledgers.read import (
    FIELDS,
    REQUIRED_FIELDS,
    LedgerError,
    Sheet,
    _looks_like_data,
    _map_header,
    _override_lookup,
    _row_fields,
    _sniff_delimiter,
    column_letter,
    decode_text,
    normalise_header,
)

__all__ = [
    "BLOCK_SIZE",
    "HEAD_ROWS",
    "FastResult",
    "fallback_reason",
    "fast_path_enabled",
    "flag_duplicates",
    "read_csv_fast",
    "supplier_values",
]

#: The header row must be among the first HEAD_ROWS records (else: the row reader).
HEAD_ROWS = 1000
#: Bytes of the file decoded up front for sniffing the delimiter and finding the header.
HEAD_BYTES = 1 << 20
#: Bytes per Arrow block: memory is bounded by a few blocks plus the output.
BLOCK_SIZE = 32 << 20
#: Blocks canonicalised at once (threads: numpy and Arrow work outside the GIL).
WORKERS = 2
#: Rows below the head read on their own first (the rest of the first block then goes in parallel).
FIRST_ROWS = 20_000
#: The csv module's default field size limit: longer cells make the row reader fail.
_FIELD_LIMIT = csv.field_size_limit()
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


class _Fallback(Exception):
    """The vectorised path cannot promise the row reader's result for this file."""


class _Restart(Exception):
    """The file turned out not to be UTF-8: read it again as a single-byte code page."""

    def __init__(self, encoding: str):
        super().__init__(encoding)
        self.encoding = encoding


def fast_path_enabled() -> bool:
    """False when ``ANCHOR_LEDGER_FAST=0`` (or ``no`` / ``false`` / ``off``) is set."""
    return os.environ.get("ANCHOR_LEDGER_FAST", "1").strip().lower() not in (
        "0",
        "no",
        "false",
        "off",
    )


# --------------------------------------------------------------------------- byte tables


def _lut(values) -> np.ndarray:
    t = np.zeros(256, dtype=bool)
    t[list(values)] = True
    return t


_WS1 = _lut([9, 10, 11, 12, 13, 28, 29, 30, 31, 32])  # one-byte characters str.isspace() knows
_WS_LEAD = _lut([0xC2, 0xE1, 0xE2, 0xE3])  # lead bytes of the multi-byte whitespace characters
_ALNUM = _lut(list(range(48, 58)) + list(range(65, 91)) + list(range(97, 123)))
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32
# Last bytes of the multi-byte whitespace characters (U+0085, U+00A0, U+1680, U+2000-U+200A,
# U+2028, U+2029, U+202F, U+205F, U+3000): a cell ending in one may end in whitespace.
_WS_TAIL = _lut([0x85, 0xA0, 0xA8, 0xA9, 0xAF, 0x9F] + list(range(0x80, 0x8B)))
_EMPTY = np.zeros(0, dtype=np.int64)


def _is_mbws(b0: np.ndarray, b1: np.ndarray, b2: np.ndarray) -> np.ndarray:
    """Whether bytes (b0, b1, b2) start one of the multi-byte characters str.isspace() knows."""
    return (
        ((b0 == 0xC2) & ((b1 == 0x85) | (b1 == 0xA0)))
        | ((b0 == 0xE1) & (b1 == 0x9A) & (b2 == 0x80))
        | (
            (b0 == 0xE2)
            & (b1 == 0x80)
            & (((b2 >= 0x80) & (b2 <= 0x8A)) | (b2 == 0xA8) | (b2 == 0xA9) | (b2 == 0xAF))
        )
        | ((b0 == 0xE2) & (b1 == 0x81) & (b2 == 0x9F))
        | ((b0 == 0xE3) & (b1 == 0x80) & (b2 == 0x80))
    )


def _single_byte_table(encoding: str) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 length, UTF-8 bytes padded to 3) of every byte decoded with a single-byte code page."""
    lengths = np.zeros(256, dtype=np.int64)
    table = np.zeros((256, 3), dtype=np.uint8)
    errors = "cp1252_lenient" if encoding == "cp1252" else "strict"
    for b in range(256):
        u = bytes([b]).decode(encoding, errors=errors).encode("utf-8")
        lengths[b] = len(u)
        table[b, : len(u)] = list(u)
    return lengths, table


_TABLES: dict[str, tuple[np.ndarray, np.ndarray]] = {}

# --------------------------------------------------------------------------- RE2 twins of the row reader's patterns
# They are applied to ASCII text only, where Python's and RE2's \b, \d, case folding agree; Python's \s
# (str.isspace) also takes \v and \x1c-\x1f, so it is spelled out.  Cleaned text has no line breaks, so
# '$' (which in Python may also match before a final '\n') means the end of the text in both.

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


_TOTAL_RE2 = (
    _flags(_L._TOTAL) + "^(?:" + _re2(_L._TOTAL.pattern) + ")"
)  # re.match: anchored at the start
_REDACTED_RE2 = "|".join(f"(?:{_flags(p)}{_re2(p.pattern)})" for p in _P._REDACTED_PATTERNS)
_TRAILING_CODE_RE2 = _re2(_P._TRAILING_CODE.pattern)
_SUFFIX_RE2 = "^(.+?) (?:" + "|".join(" ".join(s) for s in _P._LEGAL_SUFFIXES) + ")$"
_AMOUNT_GUARD = r"^\(?-?(?:£)?-?(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,13})(?:\.\d{0,2})?-?\)?$"


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
    raise _Fallback("legal-form suffixes did not settle")


def supplier_values(raw: pa.Array) -> dict:
    """For distinct published supplier cells: clean name, supplier key, 'a supplier, not a total', redacted.

    Equal to clean_text(), normalise_supplier_name(), the row reader's total-line test and
    is_redacted(); ASCII names are done with RE2 in Arrow, the rest with the Python functions.
    """
    n = len(raw)
    col = _Col(raw)
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
            ok[i] = not _L._TOTAL.match(s)
            keys[i] = REDACTED_KEY if r else normalise_supplier_name(s)
    return {"name": name, "key": pa.array(keys, pa.string()), "ok": ok, "redacted": red}


# --------------------------------------------------------------------------- Arrow string arrays as numpy


def _parts(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, data) of a string array, as numpy views (offsets index data)."""
    bufs = arr.buffers()
    large = pa.types.is_large_string(arr.type)
    offs = np.frombuffer(
        bufs[1],
        dtype=np.int64 if large else np.int32,
        count=len(arr) + 1,
        offset=arr.offset * (8 if large else 4),
    )
    data = (
        np.frombuffer(bufs[2], dtype=np.uint8)
        if bufs[2] is not None and bufs[2].size
        else np.zeros(1, np.uint8)
    )
    return offs, data


def _from_parts(offs: np.ndarray, data: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    n = len(offs) - 1
    if int(offs[-1]) >= 2**31 - 1:
        typ, offs = pa.large_string(), offs.astype(np.int64)
    else:
        typ, offs = pa.string(), offs.astype(np.int32)
    validity, nulls = None, 0
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
        nulls = int(n - valid.sum())
    return pa.Array.from_buffers(
        typ, n, [validity, pa.py_buffer(offs), pa.py_buffer(data)], null_count=nulls
    )


def _rows_of(offs: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The row (string index) of each byte position."""
    return np.searchsorted(offs, positions, side="right") - 1


def _find_bytes(raw: bytes, needle: bytes, limit: int | None = None) -> np.ndarray | None:
    """Every position of needle in raw (bytes.find: memchr speed; few hits expected).

    None when there are more than ``limit`` (the caller then searches another way)."""
    hits = []
    at = raw.find(needle)
    while at != -1:
        hits.append(at)
        if limit is not None and len(hits) > limit:
            return None
        at = raw.find(needle, at + 1)
    return np.asarray(hits, dtype=np.int64) if hits else _EMPTY


def _find_all(low: np.ndarray, needle: bytes) -> np.ndarray:
    """Every position of a 2- or 4-byte needle in a byte array (compared as 16 / 32-bit words)."""
    k = len(needle)
    dt = {2: np.uint16, 4: np.uint32}[k]
    word = np.frombuffer(needle, dtype=dt)[0]
    out = []
    for off in range(k):
        m = (len(low) - off) // k
        if m > 0:
            out.append(np.flatnonzero(low[off : off + k * m].view(dt) == word) * k + off)
    return np.sort(np.concatenate(out)) if out else _EMPTY


class _Col:
    """One column of cells as bytes, with the scans the checks need (each computed once)."""

    def __init__(self, arr: pa.Array):
        if arr.null_count:
            arr = pc.fill_null(arr, "")
        self.arr = arr
        self.offs, self.data = _parts(arr)
        self.n = len(arr)
        self.lo, self.hi = int(self.offs[0]), int(self.offs[-1])
        self.body = self.data[self.lo : self.hi]
        self.starts = self.offs[:-1]
        self.lens = (self.offs[1:] - self.offs[:-1]).astype(np.int64)
        self.nonempty = self.lens > 0
        self._ctrl = self._mb = self._first = self._last = self._bytes = None

    def first(self) -> np.ndarray:
        """The first byte of each cell (0 for an empty cell)."""
        if self._first is None:
            self._first = np.where(
                self.nonempty, self.data.take(self.starts, mode="clip"), 0
            ).astype(np.uint8)
        return self._first

    def last(self) -> np.ndarray:
        """The last byte of each cell (0 for an empty cell)."""
        if self._last is None:
            self._last = np.where(
                self.nonempty, self.data.take(self.offs[1:] - 1, mode="clip"), 0
            ).astype(np.uint8)
        return self._last

    def byte_at(self, rel: int, rows: np.ndarray) -> np.ndarray:
        return self.data.take(self.starts[rows] + rel, mode="clip")

    def raw(self) -> bytes:
        """The cells' bytes end to end (for memchr-speed searches)."""
        if self._bytes is None:
            self._bytes = self.body.tobytes()
        return self._bytes

    def ctrl(self) -> np.ndarray:
        """Positions of bytes below 0x20 (line breaks, tabs and other control characters)."""
        if self._ctrl is None:
            low = self.body < 32
            self._ctrl = (
                np.flatnonzero(low) + self.lo if low.any() else _EMPTY
            )  # none: the usual case
        return self._ctrl

    def mbws(self) -> np.ndarray:
        """Positions of multi-byte whitespace characters (NBSP, thin space, ...)."""
        if self._mb is None:
            raw = self.raw()
            lead = _EMPTY
            if any(raw.find(b) != -1 for b in (b"\xc2", b"\xe1", b"\xe2", b"\xe3")):
                lead = np.flatnonzero(self.body >= 0xC2) + self.lo
            if len(lead):
                lead = lead[_WS_LEAD[self.data[lead]]]
            if len(lead):
                b1 = self.data.take(lead + 1, mode="clip")
                b2 = self.data.take(lead + 2, mode="clip")
                lead = lead[_is_mbws(self.data[lead], b1, b2)]
            self._mb = lead
        return self._mb

    def double_spaces(self) -> np.ndarray:
        return _find_bytes(self.raw(), b"  ") + self.lo

    def newlines(self) -> np.ndarray | None:
        """Line breaks (CRLF, CR or LF) inside each cell, or None when there are none."""
        c = self.ctrl()
        if not len(c):
            return None
        b = self.data[c]
        nl = c[(b == 10) | (b == 13)]
        if not len(nl):
            return None
        b = self.data[nl]
        rows = _rows_of(self.offs, nl)
        count = np.ones(len(nl), dtype=np.int64)
        nxt = self.data.take(nl + 1, mode="clip")
        count[(b == 13) & (nxt == 10) & (nl + 1 < self.offs[rows + 1])] = 0  # CRLF: one line break
        return np.bincount(rows, weights=count, minlength=self.n).astype(np.int64)

    def starts_ws(self) -> np.ndarray:
        """Exactly: the cell's first character is whitespace (str.isspace)."""
        b0 = self.first()
        out = self.nonempty & _WS1[b0]
        lead = np.flatnonzero(self.nonempty & _WS_LEAD[b0])
        if len(lead):
            out[lead[_is_mbws(b0[lead], self.byte_at(1, lead), self.byte_at(2, lead))]] = True
        return out

    def blank(self) -> np.ndarray:
        """Exactly is_blank() of every cell: empty or whitespace only."""
        out = ~self.nonempty
        cand = np.flatnonzero(self.starts_ws())
        if len(cand):
            out[cand] = [not v.strip() for v in self.cells(cand)]
        return out

    def needs_tidy(self) -> np.ndarray:
        """A superset of the cells clean_text() changes: blank, or with whitespace to collapse or strip."""
        b = self.last()
        out = ~self.nonempty | self.starts_ws() | (self.nonempty & (_WS1[b] | _WS_TAIL[b]))
        for pos in (self.ctrl(), self.mbws(), self.double_spaces()):
            if len(pos):
                out[_rows_of(self.offs, pos)] = True
        return out

    def cells(self, rows: np.ndarray) -> list[str]:
        return self.arr.take(pa.array(rows, type=pa.int64())).to_pylist()


#: A column whose first block has more distinct cells than this share of its rows is read cell by
#: cell in the other blocks; the others are dictionary-encoded and checked once per distinct cell.
DICT_RATIO = 0.5


class _Cells:
    """One column of a block: its distinct cells (``base``, decoded) and each row's index into them,
    or, for a column whose cells hardly repeat, the cells themselves (``idx`` None)."""

    __slots__ = ("base", "idx", "n")

    def __init__(self, base: _Col, idx: np.ndarray | None = None):
        self.base, self.idx = base, idx
        self.n = base.n if idx is None else len(idx)

    def rows(self, fact: np.ndarray) -> np.ndarray:
        """A fact about each distinct cell (an array over base), per row."""
        return fact if self.idx is None else fact[self.idx]

    def at(self, rows: np.ndarray) -> np.ndarray:
        """The positions in base of these rows' cells."""
        return rows if self.idx is None else self.idx[rows]

    def hit_rows(self, hit: np.ndarray) -> np.ndarray:
        """The rows whose cell is one of the distinct cells ``hit`` (positions in base)."""
        if self.idx is None or not len(hit):
            return hit
        mask = np.zeros(self.base.n, dtype=bool)
        mask[hit] = True
        return np.flatnonzero(mask[self.idx])

    def cells(self, rows: np.ndarray) -> list[str]:
        return self.base.cells(self.at(rows))

    def take(self, rows: np.ndarray) -> pa.Array:
        return self.base.arr.take(pa.array(self.at(rows), type=pa.int64()))

    def pick(self, values: pa.Array, rows: np.ndarray | None, mask: pa.Array | None) -> pa.Array:
        """values (one per distinct cell, or per row) for the rows selected (all when rows is None)."""
        if self.idx is None:
            return values if mask is None else values.filter(mask)
        return values.take(pa.array(self.idx if rows is None else self.idx[rows]))

    def slice(self, lo: int) -> _Cells:
        if self.idx is None:
            return _Cells(_Col(self.base.arr.slice(lo)))
        return _Cells(self.base, self.idx[lo:])


def _tidy(col: _Col, cache: dict | None = None) -> pa.Array:
    """clean_text() of every cell: null when blank, whitespace runs as one space, stripped."""
    fix = np.flatnonzero(col.needs_tidy())
    if not len(fix):
        return col.arr
    empty = ~col.nonempty
    if len(fix) == int(empty.sum()):  # only empty cells: just mark them null
        return _from_parts(col.offs - col.lo, col.body, ~empty)
    mask = np.zeros(col.n, dtype=bool)
    mask[fix] = True
    return pc.replace_with_mask(
        col.arr,
        pa.array(mask),
        _per_value(col.arr.take(pa.array(fix)), clean_text, cache).cast(col.arr.type),
    )


def _per_value(arr: pa.Array, fn, cache: dict | None = None) -> pa.Array:
    """fn() of every cell, computed once per distinct value (and remembered in cache)."""
    enc = pc.dictionary_encode(arr)
    cache = {} if cache is None else cache
    out = []
    for v in enc.dictionary.to_pylist():
        got = cache.get(v, cache)
        if got is cache:
            got = cache[v] = fn(v)
        out.append(got)
    return pa.array(out, type=pa.string()).take(enc.indices)


# --------------------------------------------------------------------------- distinct dates


# A superset of the texts parse_date() reads with _NUMERIC, the only reading where day/month order matters.
_DAY_MONTH = re.compile(r"\d[-/.]\d{1,2}[-/.]")


@dataclass
class _DateTable:
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
        if isinstance(value, str) and (m := _NUMERIC.match(value.strip())):
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
        handled, ord_t, ord_f, first_big, second_big = _vector_dates(values)
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
        """The message of parse_date(value, dayfirst) for the value with this id (None: it parses)."""
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


#: An error message not made yet (see _DateTable.error).
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
_MONTH_NAMES = pa.array(list(_P._MONTHS), pa.string())
_MONTH_NUMBERS = np.asarray(list(_P._MONTHS.values()), dtype=np.int64)


def _ordinals(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """date(y, m, d).toordinal() where parse_date's _checked accepts it, else -1."""
    ok = (y >= _P.MIN_YEAR) & (y <= _P.MAX_YEAR) & (m >= 1) & (m <= 12) & (d >= 1)
    yy, mm = np.where(ok, y, 2000) - 1970, np.where(ok, m, 1) - 1
    month = (yy * 12 + mm).astype("datetime64[M]")
    start = month.astype("datetime64[D]").astype(np.int64)
    days = (month + 1).astype("datetime64[D]").astype(np.int64) - start
    ok &= d <= days
    return np.where(ok, start + d - 1 + _EPOCH_ORDINAL, -1)


def _vector_dates(values: pa.Array):
    """(read here, ordinal day first, ordinal month first, a first part above 12, a second part above 12)
    for distinct date texts: -1 where parse_date raises; 'read here' False: leave to parse_date."""
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
        o = np.where(ok, _P._EXCEL_EPOCH.toordinal() + v, -1)
        ord_t[serial] = ord_f[serial] = o
        handled[serial] = True
    return handled, ord_t, ord_f, first_big, second_big


# --------------------------------------------------------------------------- the reader


@dataclass
class FastResult:
    """What the row reader's _FileReader gathers for one file."""

    ledger: pd.DataFrame
    rejects: pd.DataFrame
    rows_in: int
    total_in: int
    mappings: list[dict]
    warnings: list[str]
    #: per ledger row, a code for its supplier key (key_table[code] is the key): for flag_duplicates
    key_codes: np.ndarray | None = None
    key_table: list[str] | None = None


def read_csv_fast(
    path,
    source: str,
    anchor_id: str,
    columns=None,
    block_size: int | None = None,
    compact: bool = False,
) -> FastResult | None:
    """The row reader's result for one CSV file, computed column-wise; None when the row reader must do it.

    ``compact``: the ledger's ``anchor_id`` and ``source_file`` (one value repeated on every row) are
    left as pandas Categoricals (a byte per row instead of the text; ``ledgers._expand_constants``
    turns them into the usual 'str' columns), for the readers in :mod:`anchorlib.ledgers.canonical`."""
    if not fast_path_enabled():
        return None
    try:
        with _system_memory_pool(_size(path)):
            return _read(Path(path), source, anchor_id, columns, block_size or BLOCK_SIZE, compact)
    except (_Fallback, pa.ArrowException, UnicodeError, LedgerError, csv.Error, OSError):
        return None


def _size(path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:
        return 0


#: Files up to this size are read with Arrow on the system allocator (see _system_memory_pool).
POOL_MAX_BYTES = 1 << 30
_POOL_LOCK = threading.Lock()
_POOL_USERS = [0, None]  # readers inside _system_memory_pool, the pool to restore after the last


class _system_memory_pool:
    """Arrow allocates from the system allocator while a file is read (then the default is restored).

    The blocks' Arrow buffers are freed as the ledger is built; with the system allocator numpy's
    arrays (the ledger's columns, the duplicate keys) reuse that memory, where with Arrow's default
    mimalloc they fault in fresh pages: a tenth of the time of a 5-million-row file on a 2-core VM.
    The price is memory: glibc keeps freed memory in per-thread arenas, so the peak is higher (+20%
    or more), and for files over :data:`POOL_MAX_BYTES` the default pool is kept (a 20-million-row
    file, measured before the categorical columns: 7.5 GB peak on the default pool, 9 GB on the
    system allocator).  Buffers keep the pool they came from, so switching
    is safe; ``ANCHOR_LEDGER_POOL=default`` keeps Arrow's default pool for every file."""

    def __init__(self, size: int = 0):
        self.size = size

    def __enter__(self):
        self.active = (
            os.environ.get("ANCHOR_LEDGER_POOL", "system").strip().lower() != "default"
            and self.size <= POOL_MAX_BYTES
        )
        if self.active:
            with _POOL_LOCK:
                if _POOL_USERS[0] == 0:
                    _POOL_USERS[1] = pa.default_memory_pool()
                    pa.set_memory_pool(pa.system_memory_pool())
                _POOL_USERS[0] += 1
        return self

    def __exit__(self, *exc):
        if self.active:
            with _POOL_LOCK:
                _POOL_USERS[0] -= 1
                if _POOL_USERS[0] == 0:
                    pa.set_memory_pool(_POOL_USERS[1])
                    _POOL_USERS[1] = None
        return False


def fallback_reason(path, columns=None, block_size: int | None = None) -> str | None:
    """Why the vectorised path leaves this file to the row reader (None when it reads it)."""
    try:
        _read(Path(path), str(path), "x", columns, block_size or BLOCK_SIZE)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _read(
    path: Path, source: str, anchor_id: str, columns, block_size: int, compact: bool = False
) -> FastResult:
    try:
        return _FastReader(path, source, anchor_id, columns, block_size, compact).read(None)
    except _Restart as r:
        return _FastReader(path, source, anchor_id, columns, block_size, compact).read(r.encoding)


class _FastReader:
    def __init__(
        self,
        path: Path,
        source: str,
        anchor_id: str,
        columns,
        block_size: int,
        compact: bool = False,
    ):
        self.path, self.source, self.anchor_id, self.columns = path, source, anchor_id, columns
        self.compact = compact  # anchor_id / source_file left as Categoricals (see read_csv_fast)
        self.block_size = block_size
        self.dates = _DateTable()
        self.sup: dict | None = None  # distinct supplier cells and what they give
        self.date_values: pa.Array | None = None  # distinct date cells, in self.dates order
        self.amounts: dict = {}
        self.lookups: dict = {}
        self.simple: list[dict] = []  # per block: rows that are payments, already canonical
        self.uncertain: list[tuple] = []  # payments whose date fails under one day/month order
        self.kept: list[tuple] = []  # (position, line, cells): decided in Python at the end
        self.has_data: np.ndarray | None = None
        self.lock = threading.Lock()
        self.overflow: list[
            int
        ] = []  # positions of rows with cells beyond the header's last named column
        self.plain: set[int] | None = (
            None  # columns read cell by cell (not dictionary-encoded), after block 1
        )
        self.key_codes: dict[str, int] = {}  # supplier key -> its code

    # ------------------------------------------------------------------ set-up: encoding, delimiter, header

    def read(self, encoding: str | None) -> FastResult:
        if not self.path.is_file():
            raise _Fallback("no such file")
        size = self.path.stat().st_size
        if size == 0:
            raise _Fallback("empty file")
        with open(self.path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
                raise _Fallback("not a CSV file")
            if self.path.suffix.lower() in (".xlsx", ".xlsm"):
                raise _Fallback("named as a workbook")
            if _looks_binary is not None and _looks_binary(head):
                raise _Fallback("binary data")
            if head.lstrip()[:5].lower() in (b"<html", b"<!doc", b"<?xml"):
                raise _Fallback("HTML / XML")
            if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
                raise _Fallback("UTF-16")
            fh.seek(0)
            has = _bytes_in(fh, b"\x00\x9c\xa3")
            if has[0]:
                raise _Fallback("NUL bytes")
            whole = size <= len(head)
            if head.startswith(codecs.BOM_UTF8):
                encoding = "utf-8-sig"
            elif encoding is None:
                try:
                    codecs.getincrementaldecoder("utf-8")().decode(head, final=whole)
                    encoding = (
                        "utf-8"  # so far: the rest must be UTF-8 too (checked block by block)
                    )
                except UnicodeDecodeError:
                    encoding = _single_byte_encoding(self.path, has[1], has[2])
        self.encoding = encoding
        self.utf8 = encoding in ("utf-8", "utf-8-sig")
        if self.utf8:
            head_text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(
                head[3:] if encoding == "utf-8-sig" else head, final=whole
            )
        else:
            head_text = head.decode(
                encoding, errors="cp1252_lenient" if encoding == "cp1252" else "strict"
            )
            if encoding not in _TABLES:
                _TABLES[encoding] = _single_byte_table(encoding)
        self._find_header(head_text, whole)
        self._read_blocks()
        return self._finish()

    def _find_header(self, head_text: str, whole: bool) -> None:
        lines = head_text.splitlines()
        if len(lines) <= 51 and not whole:
            raise _Fallback("fewer than 51 lines in the head")
        self.delimiter = _sniff_delimiter("\n".join(lines[:50]))
        reader = csv.reader(io.StringIO(head_text, newline=""), delimiter=self.delimiter)
        records, numbers, start = [], [], 1
        for record in reader:
            records.append(record)
            numbers.append(start)
            start = reader.line_num + 1
            if len(records) > HEAD_ROWS:
                break
        if not whole or len(records) > HEAD_ROWS:
            records, numbers = records[:-1], numbers[:-1]  # the last one may be cut short
        widths = {
            len(r) for r in records if r
        }  # an empty line is [] to the csv module: a blank row
        if len(widths) != 1:
            raise _Fallback(
                "rows of different widths" if widths else "no complete record in the head"
            )
        self.width = widths.pop()
        if self.width < 3:
            raise _Fallback("fewer than three columns")
        records = [r if r else [""] * self.width for r in records]  # as Arrow reads an empty line
        self.head_records, self.head_numbers = records, numbers
        self.overrides = overrides = _override_lookup(self.columns)
        for idx, row in enumerate(records):
            found = _row_fields(row, overrides)
            if _is_header(row, found):
                break
        else:
            raise _Fallback(f"no header row among the first {len(records)} rows")
        sheet = Sheet(None, records, numbers)
        h = _map_header(
            self.path, sheet, idx, found, overrides, [r for i, r in enumerate(records) if i != idx]
        )
        self.tied = _has_tie(found)
        self.found, self.header, self.header_index = found, h, idx
        m = h.mapping
        self.ai, self.di, self.si = m["amount"], m["payment_date"], m["supplier_name"]
        self.header_norms = [normalise_header(n) for n in h.names] + [""] * (
            self.width - len(h.names)
        )
        self.labels = _L._labels(h.names)
        # the row reader rejects CSV rows with cells beyond the header's last named column when
        # such rows are the exception (wrong_field_count): those rows are decided in Python
        self.header_width = _L._filled(h.names) if hasattr(_L, "_filled") else self.width
        self.col_desc = {f: (m[f], h.names[m[f]] or column_letter(m[f])) for f in m}
        # a header row further down names the payment date: scan for the words that can
        if "payment_date" in overrides:
            needles = set()
            for norm in overrides["payment_date"]:
                words = [
                    w
                    for w in norm.split()
                    if w != "and" and "k" not in w and not w.endswith("i") and len(w) >= 2
                ]
                if not words:
                    raise _Fallback("cannot scan for the overridden payment date header")
                needles.add(max(words, key=len).encode())
            self.needles = sorted(needles)
        else:
            self.needles = [b"date", b"paid", b"posted"]
        letters = (
            "".join(f"[{ch}{ch.upper()}]" if ch.isalpha() else ch for ch in nd.decode())
            for nd in self.needles
        )
        self.needle_re = "(?:^|[^A-Za-z0-9])(?:" + "|".join(letters) + ")(?:[^A-Za-z0-9]|$)"

    # ------------------------------------------------------------------ blocks

    def _read_blocks(self) -> None:
        names = [f"c{i}" for i in range(self.width)]
        reader = pcsv.open_csv(
            str(self.path),
            read_options=pcsv.ReadOptions(
                column_names=names, block_size=self.block_size, use_threads=True
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=self.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                check_utf8=False,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        row0, line0 = 0, 1
        pending: deque = deque()
        pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="ledger-csv-block")
        try:
            for batch in _prefetch(reader):
                if not batch.num_rows:
                    continue
                if row0 <= self.header_index:  # the head before any other rows, and only the head:
                    # the rest of the first block is read in parallel with the blocks that follow
                    k = max(len(self.head_records), self.header_index + 1) + FIRST_ROWS
                    line0 = self._collect(self._block(batch.slice(0, k), row0), line0)
                    if k < batch.num_rows:
                        pending.append(pool.submit(self._block, batch.slice(k), row0 + k))
                else:
                    pending.append(pool.submit(self._block, batch, row0))
                    while len(pending) > WORKERS:
                        line0 = self._collect(pending.popleft().result(), line0)
                row0 += batch.num_rows
            while pending:
                line0 = self._collect(pending.popleft().result(), line0)
        finally:
            for f in pending:
                f.cancel()
            pool.shutdown(wait=True)
        if row0 <= self.header_index:
            raise _Fallback("fewer rows than the head")
        self.n_rows = row0

    def _collect(self, got: dict, line0: int) -> int:
        """Take in one block's results, in file order; line numbers become absolute here."""
        for pos, line, row in got["kept"]:
            self.kept.append((pos, line + line0, row))
        if got["part"] is not None:
            got["part"]["line"] += line0
            self.simple.append(got["part"])
        for pos, lines, gid, cells in got["uncertain"]:
            self.uncertain.append((pos, lines + line0, gid, cells))
        self.overflow.extend(got.get("over", ()))
        return line0 + got["lines"]

    def _decode(self, arr: pa.Array) -> _Col:
        """The column as UTF-8 (validated, or transcoded from the single-byte code page)."""
        offs, data = _parts(arr)
        lo, hi = int(offs[0]), int(offs[-1])
        d = data[lo:hi]
        if len(d) and d.max() >= 0x80:
            if self.utf8:
                try:
                    arr.validate(full=True)
                except pa.ArrowInvalid:
                    if self.encoding == "utf-8":
                        raise _Restart(_single_byte_encoding_of(self.path)) from None
                    raise _Fallback("invalid UTF-8 after a BOM") from None
            else:
                arr = _transcode(offs, d, lo, *_TABLES[self.encoding])
        col = _Col(arr)
        if col.n and int(col.lens.max()) > _FIELD_LIMIT:
            raise _Fallback("a cell longer than the csv module's field limit")
        return col

    def _column(self, arr: pa.Array, j: int) -> _Cells:
        """Column j of a block: dictionary-encoded (its distinct cells decoded and checked once) unless its
        cells hardly repeat.  Decoding is one byte string to another, so distinct cells stay distinct."""
        if self.plain is not None and j in self.plain:
            return _Cells(self._decode(arr))
        enc = pc.dictionary_encode(arr)
        return _Cells(self._decode(enc.dictionary), enc.indices.to_numpy(zero_copy_only=False))

    def _block(self, batch: pa.RecordBatch, row0: int) -> dict:
        """One block's rows: the payments column-wise, the rest kept for Python (line numbers from 0)."""
        hidx = self.header_index
        first_block = row0 <= hidx
        cols = [self._column(batch.column(j), j) for j in range(self.width)]
        if first_block and self.plain is None:  # the first block is read before any other starts
            self.plain = {j for j, c in enumerate(cols) if c.base.n > DICT_RATIO * max(c.n, 1)}
        n = cols[0].n
        extra = np.zeros(n, dtype=np.int64)  # line breaks inside the cells of each record
        for c in cols:
            nl = c.base.newlines()
            if nl is not None:
                extra += c.rows(nl)
        lines = np.arange(n, dtype=np.int64)
        if extra.any():
            lines += np.concatenate([[0], np.cumsum(extra)[:-1]])
        out = {"lines": int(n + extra.sum()), "kept": [], "part": None, "uncertain": []}
        pos = row0 + np.arange(n, dtype=np.int64)

        lo = 0
        if first_block:  # the first block: Arrow must read the head as the csv module did
            k = min(len(self.head_records), n)
            got = [list(r) for r in zip(*(c.cells(np.arange(k)) for c in cols))]
            if got != self.head_records[:k] or (lines[:k] + 1).tolist() != self.head_numbers[:k]:
                raise _Fallback("Arrow and the csv module read the first rows differently")
            if hidx >= n:
                raise _Fallback("the header is beyond the first block")
            for i in range(hidx):  # rows above the header: decided in Python at the end
                out["kept"].append((int(pos[i]), int(lines[i]), got[i]))
                if self.header_width < self.width and any(
                    not is_blank(v) for v in got[i][self.header_width :]
                ):
                    out.setdefault("over", []).append(int(pos[i]))
                self.dates.note_order(got[i][self.di])
            self.dates.note_order(got[hidx][self.di])
            lo = hidx + 1
            if lo >= n:
                return out
            cols = [c.slice(lo) for c in cols]
            lines, pos, n = lines[lo:], pos[lo:], n - lo

        amount, sup, date = cols[self.ai], cols[self.si], cols[self.di]
        pence_d, ok_d, guard_d = self._amounts_of(amount.base)  # per distinct amount cell
        pence, amount_ok = amount.rows(pence_d), amount.rows(ok_d)
        sup_code, sup = self._supplier_codes(sup)
        gid, dates = self._date_codes(date)
        self._scan_for_headers(cols, guard_d)
        if self.tied:
            self._note_data(cols)
        ord_t, ord_f, blank, first_big = dates
        ord_t, ord_f = ord_t[gid], ord_f[gid]
        date_ok = ~blank[gid]
        if first_big:  # a day above 12 first: day first, whatever follows
            date_ok &= ord_t >= 0
            unsure = None
        else:
            date_ok &= (ord_t >= 0) | (ord_f >= 0)
            unsure = (ord_t < 0) | (ord_f < 0)
        simple = (
            sup["ok"][sup_code] & amount_ok & date_ok & ~self._maybe_repeated_header(cols, guard_d)
        )
        if self.header_width < self.width and hasattr(_L, "_bad_shape"):
            over = np.zeros(n, dtype=bool)
            for c in cols[self.header_width :]:
                over |= c.rows(~c.base.blank())
            if over.any():
                simple &= ~over
                out["over"] = pos[over].tolist()

        kept = np.flatnonzero(~simple)
        if len(kept):
            for k, row in zip(kept.tolist(), zip(*(c.cells(kept) for c in cols))):
                out["kept"].append((int(pos[k]), int(lines[k]), list(row)))
        if not len(kept):
            rows = mask = None
        elif len(kept) == n:
            return out
        else:
            rows, mask = np.flatnonzero(simple), pa.array(simple)

        def sel_np(a):
            return a if rows is None else a[rows]

        codes = sel_np(sup_code)
        sc = pa.array(codes)
        part = {
            "pos": sel_np(pos),
            "line": sel_np(lines).copy(),
            "gid": sel_np(gid).astype(np.int32),
            "pence": sel_np(pence),
            "supplier_name": sup["name"].take(sc),
            "supplier_key": sup["key"].take(sc),
            "key_code": sup["key_code"][codes],
            "is_redacted": sup["redacted"][codes],
        }
        m = self.header.mapping
        for fld in ("category", "description", "transaction_id", "charity_number"):
            if fld in m:
                c = cols[m[fld]]
                part[fld] = c.pick(
                    _tidy(c.base, self.lookups.setdefault(fld, {})), rows, mask
                ).cast(pa.large_string())
            else:
                part[fld] = None
        for fld, fn in (("company_number", _L._company_number), ("supplier_postcode", _postcode)):
            if fld in m:
                c = cols[m[fld]]
                part[fld] = c.pick(
                    _per_value(c.base.arr, fn, self.lookups.setdefault(fld, {})), rows, mask
                ).cast(pa.large_string())
            else:
                part[fld] = None
        if first_big:  # the day/month order is settled: dates are final here, in parallel
            _date_columns(part, sel_np(ord_t))
        out["part"] = part
        if unsure is not None:
            u = np.flatnonzero(unsure & simple)
            if len(u):
                out["uncertain"].append(
                    (
                        pos[u],
                        lines[u],
                        gid[u],
                        pa.RecordBatch.from_arrays(
                            [c.take(u) for c in cols], names=[f"c{j}" for j in range(len(cols))]
                        ),
                    )
                )
        return out

    # ------------------------------------------------------------------ checks

    def _scan_for_headers(self, cols: list[_Cells], guard_d: np.ndarray) -> None:
        """A row below the header that is itself a header row makes the row reader split sections there."""
        cand: list[np.ndarray] = []
        for j, c in enumerate(cols):
            if j == self.ai:
                rest = np.flatnonzero(
                    ~guard_d
                )  # a parsed amount of the common forms has no letters
                hit = (
                    rest[self._needle_rows(_Col(c.base.arr.take(pa.array(rest))))]
                    if len(rest)
                    else _EMPTY
                )
            else:
                hit = self._needle_rows(c.base)
            if len(hit):
                cand.append(c.hit_rows(hit))
        rows = np.unique(np.concatenate(cand)) if cand else _EMPTY
        if not len(rows):
            return
        for row in zip(*(c.cells(rows) for c in cols)):
            row = list(row)
            if _is_header(row, _row_fields(row, self.overrides)):
                raise _Fallback(
                    "another header row below the first (sections or a repeated header)"
                )

    def _needle_rows(self, c: _Col) -> np.ndarray:
        """Rows with a cell holding one of the needles as a whole word (ASCII case ignored)."""
        if len(c.body) < 2:
            return _EMPTY
        low = c.raw().lower()  # bytes.lower() changes exactly A-Z
        hits = []
        for needle in self.needles:
            at = _find_bytes(low, needle, limit=max(256, c.n // 64))
            if at is None:  # the letters are common here: one regular expression over the cells
                return np.flatnonzero(
                    pc.match_substring_regex(c.arr, self.needle_re).to_numpy(zero_copy_only=False)
                )
            if not len(at):
                continue
            k = len(needle)
            rows = _rows_of(c.offs, at + c.lo)
            at_start = at + c.lo == c.offs[rows]
            at_end = at + c.lo + k == c.offs[rows + 1]
            before = ~_ALNUM[c.body.take(at - 1, mode="clip")]
            after = ~_ALNUM[c.body.take(at + k, mode="clip")]
            word = (at_start | before) & (at_end | after)
            hits.append(rows[word])
        return np.unique(np.concatenate(hits)) if hits else _EMPTY

    def _note_data(self, cols: list[_Cells]) -> None:
        flags = [bool(c.rows(~c.base.blank()).any()) for c in cols]
        with self.lock:
            self._note_head_data()
            self.has_data |= np.asarray(flags, dtype=bool)

    def _note_head_data(self) -> None:
        if self.has_data is None:
            self.has_data = np.zeros(self.width, dtype=bool)
            for i, r in enumerate(self.head_records):
                if i != self.header_index:
                    for j, v in enumerate(r):
                        self.has_data[j] |= not is_blank(v)

    def _maybe_repeated_header(self, cols: list[_Cells], guard_d: np.ndarray) -> np.ndarray:
        """A superset of the rows where two or more cells read as their column's header."""
        n = cols[0].n
        count = np.zeros(n, dtype=np.int32)
        cands = {}
        for j, col in enumerate(cols):
            norm = self.header_norms[j]
            if not norm:
                continue
            c = col.base
            squeezed = norm.replace(" ", "")
            words = norm.split()
            first, last = squeezed[0], squeezed[-1]
            # the first / last letter or digit of the normalised cell must be the header's:
            # a cell starting or ending with another ASCII letter or digit cannot match
            b0, b1 = c.first(), c.last()
            ok0 = ~_ALNUM[b0] | (_LOWER[b0] == ord(first))
            ok1 = ~_ALNUM[b1] | (_LOWER[b1] == ord(last))
            if first != "a":
                ok0 &= b0 != ord("&")  # '&' reads as ' and '
            if last != "d":
                ok1 &= b1 != ord("&")
            cand = c.nonempty & ok0 & ok1
            if "and" not in words:
                cand &= c.lens >= len(squeezed)  # each letter or digit takes a byte at least
            if j == self.ai and any(ch.isalpha() for ch in squeezed):
                cand &= ~guard_d  # an amount of the common forms normalises to digits only
            if not cand.any():
                continue
            cand = col.rows(cand)
            count += cand
            cands[j] = cand
        rows = np.flatnonzero(count >= 2)
        if not len(rows):
            return np.zeros(n, dtype=bool)
        # then exactly, for the few rows left: the cells that read as their header
        exact = np.zeros(len(rows), dtype=np.int32)
        for j, cand in cands.items():
            sub = rows[cand[rows]]
            if len(sub):
                norm = self.header_norms[j]
                hit = np.asarray(
                    [normalise_header(v) == norm for v in cols[j].cells(sub)], dtype=bool
                )
                exact[np.searchsorted(rows, sub[hit])] += 1
        out = np.zeros(n, dtype=bool)
        out[rows[exact >= 2]] = True
        return out

    def _amounts_of(self, c: _Col) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pence, readable, common form) per cell: readable = not blank and parse_amount() succeeds."""
        n = c.n
        pence = np.zeros(n, dtype=np.int64)
        guard = pc.match_substring_regex(c.arr, _AMOUNT_GUARD).to_numpy(zero_copy_only=False)
        ok = guard.copy()
        g = np.flatnonzero(guard)
        if len(g):
            # the guard allows at most: '(' '-' '£' '-' digits[,ddd] ['.' dd] '-' ')'
            neg = np.zeros(n, dtype=bool)
            minus = c.body == 45
            if minus.any():
                rows = _rows_of(c.offs, np.flatnonzero(minus) + c.lo)
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
    def _distinct(c: _Cells) -> tuple[pa.Array, np.ndarray]:
        """(distinct cells, per-row index into them) of a column."""
        if c.idx is not None:
            return c.base.arr, c.idx
        enc = pc.dictionary_encode(c.base.arr)
        return enc.dictionary, enc.indices.to_numpy(zero_copy_only=False)

    def _supplier_codes(self, c: _Cells):
        """Per row, the index of its supplier cell in the distinct cells seen so far (grown block by block),
        and a snapshot of that table (clean name, key, key code, not-a-total, redacted per distinct cell)."""
        values, idx = self._distinct(c)
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

    def _date_codes(self, c: _Cells):
        """Per row, the index of its date cell in self.dates (distinct cells, grown block by block), and
        (ordinals day first, ordinals month first, blank, first part above 12 seen) per distinct cell."""
        values, idx = self._distinct(c)
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

    # ------------------------------------------------------------------ the end: Python rows, frames

    def _finish(self) -> FastResult:
        if self.tied:
            self._note_head_data()
            data = [["x" if f else None for f in self.has_data]]
            sheet = Sheet(None, self.head_records, self.head_numbers)
            again = _map_header(
                self.path, sheet, self.header_index, self.found, self.overrides, data
            )
            if again.mapping != self.header.mapping or again.warnings != self.header.warnings:
                raise _Fallback("the column mapping depends on which columns hold data")
        dayfirst = self.dates.dayfirst
        ords = np.asarray(self.dates.ord_t if dayfirst else self.dates.ord_f, dtype=np.int64)

        # rows with cells beyond the header: rejected when they are the exception (as _overflowing)
        self.overflowing = set()
        if self.overflow:
            nonblank = [p for p, _, row in self.kept if not all(is_blank(v) for v in row)] + [
                self.header_index
            ]
            last = max(nonblank + ([int(self.simple[-1]["pos"][-1])] if self.simple else []))
            section = last - min(nonblank) + 1  # rows of the trimmed sheet, the header's included
            if len(self.overflow) * 2 < section:
                self.overflowing = set(self.overflow)
        # rows decided in Python: blank, notes, totals, unreadable values, maybe repeated headers
        # (rows repeat: blank lines, notes, the same sub-total line ... each distinct one is decided once)
        decided = []
        seen: dict = {}
        for p, line, row in self.kept:
            key = (tuple(row), p in self.overflowing)
            got = seen.get(key)
            if got is None:
                got = seen[key] = self._python_row(row, line, dayfirst, p)
                decided.append((p, line) + got)
            else:
                decided.append((p, line) + got[:3] + ({**got[3], "source_row": line},))
        # a sheet's blank padding above its first and below its last content is not rows;
        # the header row is content, so the first non-blank row is at or above it
        nonblank = [d[0] for d in decided if not d[3]] + [self.header_index]
        first, last = min(nonblank), max(nonblank)
        if self.simple:
            last = max(last, int(self.simple[-1]["pos"][-1]))
        decided = [d for d in decided if first <= d[0] <= last]
        rejects = [(d[0], d[5]) for d in decided if d[4] == "reject"]
        ledger_py = [(d[0], d[5]) for d in decided if d[4] == "ledger"]
        total_in = sum(d[2] for d in decided)
        rows_in = len(decided)
        for part in self.simple:
            rows_in += len(part["pos"])
            total_in += int(part["pence"].sum())

        # payments whose date does not parse in the file's day/month order are rejects after all
        bad: list[int] = []
        for positions, lines, gids, cells in self.uncertain:
            fail = np.flatnonzero(ords[gids] < 0)
            if not len(fail):
                continue
            rows = cells.take(pa.array(fail)).to_pylist()
            detail = self._describe("payment_date")
            for k, row in zip(fail.tolist(), rows):
                row = [row[f"c{j}"] for j in range(self.width)]
                p, gid = int(positions[k]), int(gids[k])
                bad.append(p)
                rejects.append(
                    (
                        p,
                        self._reject_dict(
                            int(lines[k]),
                            row,
                            "unparseable_date",
                            f"{detail}: {self._date_error(gid, dayfirst)}",
                            parse_amount(row[self.ai]),
                        ),
                    )
                )
        rejects.sort(key=lambda t: t[0])
        ledger = self._ledger_frame(ledger_py, ords, np.asarray(sorted(bad), dtype=np.int64))
        mapping = {
            "source_file": self.source,
            "source_sheet": None,
            "header_row": self.header.row_number,
        } | {f: self.header.header_of(f) for f in FIELDS}
        return FastResult(
            ledger,
            _L._rejects_frame([r for _, r in rejects]),
            rows_in,
            total_in,
            [mapping],
            list(self.header.warnings),
            self.row_key_codes,
            list(self.key_codes),
        )

    def _date_error(self, gid: int, dayfirst: bool) -> str | None:
        return self.dates.error(gid, dayfirst, self.date_values[gid].as_py())

    def _describe(self, fld: str) -> str:
        i, name = self.col_desc[fld]
        return f"column {name!r} ({column_letter(i)})"

    def _reject_dict(self, line: int, row: list, reason: str, detail: str, pence: int) -> dict:
        return {
            "anchor_id": self.anchor_id,
            "source_file": self.source,
            "source_sheet": None,
            "source_row": line,
            "reason": reason,
            "detail": detail,
            "amount_pence": pence,
            "raw": _L._raw(row, self.labels),
        }

    def _python_row(self, row: list, line: int, dayfirst: bool, position: int = -1) -> tuple:
        """(pence for total_in, blank?, 'ledger' | 'reject', row dict): the row reader's rules, one row."""
        m = self.header.mapping
        ai, di, si = self.ai, self.di, self.si
        try:
            pence = parse_amount(row[ai])
            bad_amount = None
        except ValueError as exc:
            pence, bad_amount = None, str(exc)
        carried = pence or 0
        blank = all(is_blank(v) for v in row)

        def reject(reason, detail, amount):
            return (
                pence or 0,
                blank,
                "reject",
                self._reject_dict(line, row, reason, detail, amount),
            )

        if blank:
            return reject("blank_row", "", 0)
        if position in self.overflowing:
            shape = _L._bad_shape(Sheet(None, [row], [line]), 0, self.header_width, {0})
            return reject(shape[0], shape[1], carried)
        norms = self.header_norms
        same_as_header = sum(
            1
            for j, v in enumerate(row)
            if isinstance(v, str) and norms[j] and normalise_header(v) == norms[j]
        )
        if same_as_header >= 2:
            return reject("repeated_header", "the header row again", carried)
        supplier = clean_text(row[si])
        date_raw = row[di]
        texts = [v for j, v in enumerate(row) if isinstance(v, str) and j != si]
        if (supplier and _L._TOTAL.match(supplier)) or (
            (not supplier or is_blank(date_raw)) and any(_L._TOTAL.match(t) for t in texts)
        ):
            return reject("total_row", "a total line", carried)
        if not supplier and is_blank(date_raw) and pence is not None:
            return reject("total_row", "an amount with neither supplier nor date", carried)
        if bad_amount is not None:
            return reject("unparseable_amount", f"{self._describe('amount')}: {bad_amount}", 0)
        if pence is None:
            if is_blank(date_raw):
                return reject("note_row", "neither amount nor date", 0)
            return reject("missing_amount", f"{self._describe('amount')} is empty", 0)
        if not supplier:
            return reject(
                "missing_supplier", f"{self._describe('supplier_name')} is empty", carried
            )
        try:
            date = parse_date(date_raw, dayfirst)
        except ValueError as exc:
            return reject("unparseable_date", f"{self._describe('payment_date')}: {exc}", carried)
        if date is None:
            return reject("missing_date", f"{self._describe('payment_date')} is empty", carried)
        redacted = is_redacted(supplier)

        def cell(fld):
            return row[m[fld]] if fld in m else None

        return (
            pence,
            False,
            "ledger",
            {
                "source_row": line,
                "payment_date": date,
                "amount_pence": pence,
                "supplier_name": supplier,
                "supplier_key": REDACTED_KEY if redacted else normalise_supplier_name(supplier),
                "category": clean_text(cell("category")),
                "description": clean_text(cell("description")),
                "transaction_id": clean_text(cell("transaction_id")),
                "company_number": _L._company_number(cell("company_number")),
                "charity_number": clean_text(cell("charity_number")),
                "supplier_postcode": (clean_text(cell("supplier_postcode")) or "").upper() or None,
                "is_redacted": redacted,
            },
        )

    _TEXT = (
        "supplier_name",
        "supplier_key",
        "category",
        "description",
        "transaction_id",
        "company_number",
        "charity_number",
        "supplier_postcode",
    )

    def _ledger_frame(
        self, ledger_py: list[tuple], ords: np.ndarray, bad: np.ndarray
    ) -> pd.DataFrame:
        """The ledger in row order: the blocks' payments with the Python-decided ones slotted in."""
        parts = list(self.simple)
        for part in parts:
            if "ns" not in part:
                _date_columns(part, ords[part["gid"]])
        if ledger_py:
            rows = [r for _, r in ledger_py]
            parts.append(
                {
                    "pos": np.asarray([p for p, _ in ledger_py], dtype=np.int64),
                    "line": np.asarray([r["source_row"] for r in rows], dtype=np.int64),
                    "pence": np.asarray([r["amount_pence"] for r in rows], dtype=np.int64),
                    "is_redacted": np.asarray([r["is_redacted"] for r in rows], dtype=bool),
                    "key_code": np.asarray(
                        [
                            self.key_codes.setdefault(r["supplier_key"], len(self.key_codes))
                            for r in rows
                        ],
                        dtype=np.int32,
                    ),
                    **{k: pa.array([r[k] for r in rows], type=pa.string()) for k in self._TEXT},
                }
            )
            _date_columns(
                parts[-1], np.asarray([r["payment_date"].toordinal() for r in rows], dtype=np.int64)
            )
        self.row_key_codes = np.zeros(0, dtype=np.int32)
        if not parts:
            return _L._ledger_frame([])
        runs = _runs(parts, bad)
        if not runs:
            return _L._ledger_frame([])
        for p in parts:  # positions served their purpose: ordering the runs
            p.pop("pos", None)
            p.pop("gid", None)

        total = sum(b - a for _, a, b in runs)
        last_use = {i: k for k, (i, _, _) in enumerate(runs)}

        def num(key):
            """One column from the parts' arrays, each freed once copied (memory: the result and one block)."""
            first = parts[runs[0][0]][key]
            out = np.empty(total, dtype=first.dtype)
            at = 0
            for k, (i, a, b) in enumerate(runs):
                out[at : at + b - a] = parts[i][key][a:b]
                at += b - a
                if last_use[i] == k:
                    parts[i].pop(key, None)
            return out

        def text(key):
            if all(p[key] is None for p in parts):
                return _str_series([_nulls(sum(b - a for _, a, b in runs))])
            whole = [None if p[key] is None else p[key].cast(pa.large_string()) for p in parts]
            return _str_series(
                [
                    pa.nulls(b - a, pa.large_string())
                    if whole[i] is None
                    else whole[i].slice(a, b - a)
                    for i, a, b in runs
                ]
            )

        ns = num("ns")
        n = len(ns)
        pence = num("pence")
        line = num("line")
        redacted = num("is_redacted")
        self.row_key_codes = num("key_code")
        fy = text("fy")
        df = pd.DataFrame(
            {
                "anchor_id": _L._constant_column(
                    self.anchor_id, n
                ),  # (memory: a byte per row, not the text)
                "source_file": _L._constant_column(self.source, n),
                "source_sheet": _str_series([_nulls(n)]),
                "source_row": line.astype("int64", copy=False),
                "payment_date": ns.view("datetime64[ns]"),
                "financial_year": fy,
                "amount": pence / 100,
                "amount_pence": pence.astype("int64", copy=False),
                **{k: text(k) for k in self._TEXT},
                "is_redacted": redacted.astype(bool, copy=False),
                "is_refund": pence < 0,
                "is_duplicate": np.zeros(n, dtype=bool),
                "duplicate_of": _str_series([_nulls(n)]),
            },
            copy=False,
        )[_L.READ_COLUMNS]
        return df if self.compact else _L._expand_constants(df)


def _prefetch(reader, depth: int = 2):
    """The reader's batches, parsed by a background thread while the caller works on the previous ones."""
    q: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def run():
        try:
            for batch in reader:
                while not stop.is_set():
                    try:
                        q.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            item = done
        except BaseException as exc:
            item = exc
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    thread = threading.Thread(target=run, name="ledger-csv-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


_NULLS: dict[int, pa.Array] = {}


def _nulls(n: int) -> pa.Array:
    """n null strings; the same (immutable) array for every all-null column of one size."""
    got = _NULLS.get(n)
    if got is None:
        _NULLS.clear()
        got = _NULLS[n] = pa.nulls(n, pa.large_string())
    return got


def _str_series(chunks: list[pa.Array]) -> pd.Series:
    """A pandas 'str' column over Arrow string chunks, without copying them."""
    ch = pa.chunked_array([c.cast(pa.large_string()) for c in chunks], type=pa.large_string())
    try:
        arr = pd.arrays.ArrowStringArray(ch, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
        s = pd.Series(arr, copy=False)
        if s.dtype == "str":
            return s
    except (TypeError, ValueError, AttributeError):
        pass
    return ch.to_pandas().astype("str")


def _date_columns(part: dict, days: np.ndarray) -> None:
    """The payment date (as datetime64[ns] integers) and financial year of a part's rows."""
    part["ns"] = (days - _EPOCH_ORDINAL) * 86_400_000_000_000
    part["fy"] = _financial_years(days)


def _financial_years(ordinals: np.ndarray) -> pa.Array:
    """financial_year() of proleptic ordinals, as fixed-width labels ('2022-23') built with numpy."""
    import datetime as _dt

    n = len(ordinals)
    if not n:
        return pa.array([], type=pa.large_string())
    lo, hi = int(ordinals.min()), int(ordinals.max())
    y0, y1 = _dt.date.fromordinal(lo).year - 1, _dt.date.fromordinal(hi).year
    labels = [_P.financial_year(_dt.date(y, 4, 1)) for y in range(y0, y1 + 1)]
    # per day of the range, the index of its financial year's label (a change each 1 April)
    april = np.asarray(
        [_dt.date(y, 4, 1).toordinal() for y in range(y0 + 1, y1 + 1)], dtype=np.int64
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


def _runs(parts: list[dict], bad: np.ndarray) -> list[tuple[int, int, int]]:
    """(part, start, stop) slices that list every row of the parts in position order, less `bad`.

    The blocks' parts are each sorted and follow one another; the last part may hold a few rows
    (decided in Python) that belong anywhere among them.
    """
    blocks = parts
    extra = None
    if parts and "gid" not in parts[-1]:  # the rows decided in Python
        blocks, extra = parts[:-1], len(parts) - 1
    events = []  # (position, kind, part, index): kind 0 = start a python row, 1 = drop a row
    if extra is not None:
        events += [(int(p), 0, extra, k) for k, p in enumerate(parts[extra]["pos"].tolist())]
    events.sort()
    runs: list[tuple[int, int, int]] = []
    e = 0
    bad_set = set(bad.tolist())
    for i, part in enumerate(blocks):
        pos = part["pos"]
        if not len(pos):
            continue
        start = 0
        # cut points: python rows to slot in before an index, and rows to drop
        cuts = []
        while e < len(events) and events[e][0] < pos[-1]:
            cuts.append((int(np.searchsorted(pos, events[e][0])), 0, events[e]))
            e += 1
        if bad_set:
            lo_b, hi_b = np.searchsorted(bad, [pos[0], pos[-1] + 1])
            for p in bad[lo_b:hi_b].tolist():
                k = int(np.searchsorted(pos, p))
                if k < len(pos) and pos[k] == p:
                    cuts.append((k, 1, None))
        cuts.sort(key=lambda c: (c[0], c[1]))
        for k, kind, ev in cuts:
            if k > start:
                runs.append((i, start, k))
            if kind == 0:
                runs.append((ev[2], ev[3], ev[3] + 1))
                start = max(start, k)
            else:
                start = k + 1
        if len(pos) > start:
            runs.append((i, start, len(pos)))
    while e < len(events):
        runs.append((events[e][2], events[e][3], events[e][3] + 1))
        e += 1
    # merge neighbours
    merged: list[tuple[int, int, int]] = []
    for r in runs:
        if merged and merged[-1][0] == r[0] and merged[-1][2] == r[1]:
            merged[-1] = (r[0], merged[-1][1], r[2])
        else:
            merged.append(r)
    return merged


def _transcode(
    offs: np.ndarray, d: np.ndarray, lo: int, lengths: np.ndarray, table: np.ndarray
) -> pa.Array:
    """A column of single-byte code page cells as UTF-8 (only the bytes above 0x7F change)."""
    hi = np.flatnonzero(d >= 0x80)
    b = d[hi]
    extra = lengths[b] - 1  # 1 or 2 continuation bytes
    out = d.copy()
    out[hi] = table[b, 0]
    two = extra >= 1
    three = extra >= 2
    ins_at = np.concatenate([hi[two] + 1, hi[three] + 1])
    ins_val = np.concatenate([table[b[two], 1], table[b[three], 2]])
    order = np.argsort(ins_at, kind="stable")  # at one place: the second byte before the third
    out = np.insert(out, ins_at[order], ins_val[order])
    csum = np.concatenate([[0], np.cumsum(extra)])
    rel = offs - lo
    new_offs = rel + csum[np.searchsorted(hi, rel)]
    return _from_parts(new_offs, out)


def _bytes_in(fh, needles: bytes, chunk: int = 16 << 20) -> list[bool]:
    """Whether each byte of needles occurs in the rest of the file (read in chunks into one buffer:
    memory stays small, where a memory map of the file would count it all in the resident size)."""
    found = [False] * len(needles)
    buf = bytearray(chunk)
    while not all(found):
        got = fh.readinto(buf)
        if not got:
            break
        part = buf if got == chunk else buf[:got]
        for k in range(len(needles)):
            if not found[k] and part.find(needles[k : k + 1]) != -1:
                found[k] = True
    return found


def _single_byte_encoding(path: Path, has_9c: bool, has_a3: bool) -> str:
    # decode_text's rule: byte 0x9C is '£' (code page 850) only when no 0xA3 byte exists and
    # the 0x9C bytes sit where a pound sign would.  Decided on the whole text, as it does.
    if has_9c and not has_a3:
        return decode_text(Path(path).read_bytes())[1]
    return "cp1252"


def _single_byte_encoding_of(path: Path) -> str:
    with open(path, "rb") as fh:
        has = _bytes_in(fh, b"\x9c\xa3")
    return _single_byte_encoding(path, *has)


def _is_header(row: list, found: dict) -> bool:
    """find_headers' test of one row."""
    return (
        all(f in found for f in REQUIRED_FIELDS)
        and len({i for f in REQUIRED_FIELDS for _, i in found[f]}) >= len(REQUIRED_FIELDS)
        and not _looks_like_data(row, found)
    )


def _has_tie(found: dict) -> bool:
    """Whether _map_header meets equally good columns for some field (then which hold data decides)."""
    used: set[int] = set()
    for fld in FIELDS:
        options = [(p, i) for p, i in found.get(fld, []) if i not in used]
        if not options:
            continue
        top = max(p for p, _ in options)
        tied = sorted(i for p, i in options if p == top)
        if len(tied) > 1:
            return True
        used.add(tied[0])
    return False


def _postcode(value) -> str | None:
    return (clean_text(value) or "").upper() or None


# --------------------------------------------------------------------------- duplicates, column-wise


def _encode(arr) -> tuple[pa.Array, np.ndarray]:
    """(distinct values, per-row index into them, -1 for null) of a string array or chunked array."""
    if isinstance(arr, pa.ChunkedArray) and arr.num_chunks != 1:
        enc = pc.dictionary_encode(arr).unify_dictionaries()
        uniq = enc.chunk(0).dictionary if enc.num_chunks else pa.array([], arr.type)
        idx = (
            np.concatenate(
                [
                    pc.fill_null(c.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
                    for c in enc.chunks
                ]
            )
            if enc.num_chunks
            else np.zeros(0, np.int64)
        )
        return uniq, idx
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.chunk(0)
    enc = pc.dictionary_encode(arr)
    return enc.dictionary, pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(
        np.int64
    )


def _arrow_strings(values: pd.Series):
    """The column as Arrow strings, chunked as it is (None when it is not a column of strings / nulls)."""
    try:
        arr = pa.array(values, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None
    if isinstance(arr, pa.ChunkedArray) and pa.types.is_null(arr.type):
        arr = arr.combine_chunks()
    if pa.types.is_null(arr.type):
        arr = arr.cast(pa.string())
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return arr


def _norm_texts(values: pa.Array) -> pa.Array:
    """ledgers._norm_text() of distinct non-null strings: ASCII ones column-wise, the rest in Python."""
    col = _Col(values)
    odd = col.needs_tidy() & col.nonempty  # whitespace to collapse or strip (blank ones included)
    odd |= ~pc.string_is_ascii(values).to_numpy(zero_copy_only=False)  # casefold() beyond ASCII
    out = pc.ascii_lower(values)
    k = np.flatnonzero(odd)
    if len(k):
        mask = np.zeros(len(values), dtype=bool)
        mask[k] = True
        out = pc.replace_with_mask(
            out, pa.array(mask), pa.array([_L._norm_text(v) for v in col.cells(k)], out.type)
        )
    return out


def _codes(values: pd.Series, norm: bool = False) -> np.ndarray:
    """Integer codes equal where the values are equal (after ledgers._norm_text when norm; null = '' then)."""
    arr = _arrow_strings(values) if values.dtype != "int64" else None
    if (
        arr is None
    ):  # numbers, or anything else: pandas, and Python per distinct value when normalising
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        if not norm:
            return np.where(codes < 0, len(uniques), codes)
        mapped = [_L._norm_text(u) for u in list(uniques)] + [_L._norm_text(None)]
        sub = np.asarray(pd.factorize(pd.Series(mapped, dtype=object))[0], dtype=np.int64)
        return sub[np.where(codes < 0, len(uniques), codes)]
    uniq, idx = _encode(arr)
    idx = np.where(idx < 0, len(uniq), idx)
    if not norm:
        return idx  # null: a code of its own
    normed = pc.dictionary_encode(
        pa.concat_arrays([_norm_texts(uniq).cast(pa.string()), pa.array([""], pa.string())])
    )
    return normed.indices.to_numpy(zero_copy_only=False).astype(np.int64)[idx]


def _combine(*codes: np.ndarray) -> np.ndarray:
    """One code (0, 1, ...) per distinct tuple of codes."""
    out = codes[0]
    for c in codes[1:]:
        out, _ = pd.factorize(out * (int(c.max(initial=0)) + 2) + (c + 1))
        out = np.asarray(out, dtype=np.int64)
    if len(codes) == 1:
        out = np.asarray(pd.factorize(out)[0], dtype=np.int64)
    return out


def _prior_max(key: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the largest count of its key in any earlier file (by rank), and its occurrence number in its file."""
    df = pd.DataFrame({"k": key, "r": rank})
    occ = df.groupby(["r", "k"], sort=False).cumcount().to_numpy()
    sizes = df.groupby(["k", "r"], sort=True).size().rename("n").reset_index()
    sizes["cm"] = sizes.groupby("k")["n"].cummax()
    sizes["prior"] = sizes.groupby("k")["cm"].shift(fill_value=0)
    prior = df.merge(sizes[["k", "r", "prior"]], on=["k", "r"], how="left")["prior"].to_numpy()
    return prior, occ


def _shared(key: np.ndarray) -> np.ndarray:
    """Per row: another row has the same key.

    Keys are first counted in 2**24 hash buckets (a row alone in its bucket is alone), then
    exactly among the rows that share a bucket.
    """
    n = len(key)
    out = np.zeros(n, dtype=bool)
    if n <= 200_000:
        cand = np.arange(n)
    else:

        def bucket(k):  # (memory: the hashes of one slice of keys at a time)
            h = k.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
            h >>= np.uint64(40)
            return h.view(np.int64)

        step = 1 << 22
        counts = np.zeros(1 << 24, dtype=np.int64)
        for i in range(0, n, step):
            counts += np.bincount(bucket(key[i : i + step]), minlength=1 << 24)
        many = counts > 1
        del counts
        cand = np.concatenate(
            [np.flatnonzero(many[bucket(key[i : i + step])]) + i for i in range(0, n, step)]
        )
        if len(cand) > 200_000:  # again among those, with another hash into fewer buckets
            bits = max(16, int(len(cand)).bit_length() + 2)
            h = (
                (key[cand].astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F))
                >> np.uint64(64 - bits)
            ).astype(np.int64)
            cand = cand[np.bincount(h, minlength=1 << bits)[h] > 1]
    if len(cand):
        codes = np.asarray(pd.factorize(key[cand])[0], dtype=np.int64)
        out[cand] = np.bincount(codes)[codes] > 1
    return out


def _pair(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One non-negative integer per distinct (a, b) pair of non-negative integers."""
    bound = int(b.max(initial=0)) + 1
    if int(a.max(initial=0)) >= (2**62) // bound:
        a = np.asarray(pd.factorize(a)[0], dtype=np.int64)
    out = a.astype(np.int64, copy=False) * bound
    out += b
    return out


def _keys(
    ledger: pd.DataFrame, parts: list, base: np.ndarray | None = None, together: int = 2
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, keys): rows sharing a key with another row, and keys equal exactly where those rows
    agree on every part.  Every other row differs from all rows in some part.

    ``base``: the ledger rows considered (positions; None: all), and ``rows`` are positions in it.
    Each part is called as ``part(col, sel)``: ``col(name)`` is that column of the rows in question,
    ``sel`` their ledger positions (None: every ledger row).  The first ``together`` parts are taken
    for every row; a row whose key is then unique is unique whatever the other parts say, so each
    further part is only computed for the rows still sharing a key.
    """
    n = len(ledger) if base is None else len(base)
    rows = np.arange(n)

    def call(part, sub):  # a part reads its own column, of the rows still in question
        if base is None and sub is None:
            return part(lambda name: ledger[name], None)
        sel = (base if sub is None else base[sub]) if base is not None else sub
        return part(lambda name: ledger[name].iloc[sel], sel)

    key = call(parts[0], None)
    for part in parts[1:together]:
        key = _pair(key, call(part, None))
    for part in parts[together:]:
        shared = _shared(key)
        if not shared.all():
            rows, key = rows[shared], key[shared]
        if not len(rows):
            break
        key = _pair(key, call(part, rows if len(rows) < n else None))
    if len(rows):
        shared = _shared(key)
        rows, key = rows[shared], key[shared]
    return rows, key


def _all_keys(n: int, rows: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Compact codes (0, 1, ...) for every row from _keys' result: the other rows one code each."""
    out = np.arange(n, dtype=np.int64)
    if len(rows):
        codes = np.asarray(pd.factorize(key)[0], dtype=np.int64)
        out[rows] = n + codes
    return np.asarray(pd.factorize(out)[0], dtype=np.int64) if len(rows) else out


def _int_codes(values: pd.Series) -> np.ndarray:
    v = values.to_numpy(dtype=np.int64)
    return v - v.min(initial=0) if len(v) else v


def flag_duplicates(
    ledger: pd.DataFrame,
    supplier_codes: np.ndarray | None = None,
    file_codes: tuple[np.ndarray, list] | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """ledgers.flag_duplicates(), column-wise: the same flags, the same 'file:row' references, the same counts.

    What the readers already know may be given: ``supplier_codes``, per row an integer equal exactly
    where ``supplier_key`` is equal (null as ''); ``file_codes``, (per row the index of its
    ``source_file`` in the list of files in order of first appearance, that list).
    """
    ledger = ledger.copy(deep=False)  # two columns are replaced, none written into
    if ledger.empty:
        return ledger, {}
    n = len(ledger)
    if file_codes is not None and len(file_codes[0]) == n:
        file_code, files = np.asarray(file_codes[0], dtype=np.int64), list(file_codes[1])
    else:
        file_code, files = pd.factorize(ledger["source_file"], use_na_sentinel=False)
        file_code = np.asarray(file_code, dtype=np.int64)

    def date(col, sel):
        when = col("payment_date")
        if when.dtype == "datetime64[ns]":  # naive: the day is the floor of the nanoseconds
            ns = when.to_numpy().view(np.int64)
            nat = ns == np.iinfo(np.int64).min
            if not nat.any():  # (memory: one array of n, in place)
                day = ns // 86_400_000_000_000
                day -= day.min(initial=0) - 1
                return day
            day = np.where(nat, 0, ns // 86_400_000_000_000)
            return np.where(
                nat, 0, day - day[~nat].min(initial=0) + 1
            )  # the same day <=> the same '%Y-%m-%d'
        if pd.api.types.is_datetime64_any_dtype(when) and when.dt.tz is None:
            ns = when.dt.normalize().to_numpy(dtype="datetime64[ns]").view(np.int64)
            nat = when.isna().to_numpy()
            day = np.where(nat, 0, ns // 86_400_000_000_000)
            return np.where(
                nat, 0, day - day[~nat].min(initial=0) + 1
            )  # the same day <=> the same '%Y-%m-%d'
        return _codes(when.dt.strftime("%Y-%m-%d").fillna(""))

    def txn(col, sel):
        return _codes(col("transaction_id"), norm=True)

    def text(name, norm=False, fill=None):
        return lambda col, sel: _codes(
            col(name) if fill is None else col(name).fillna(fill), norm=norm
        )

    anchor, supplier = text("anchor_id"), text("supplier_key", fill="")
    if supplier_codes is not None and len(supplier_codes) == n:
        codes = np.asarray(supplier_codes)  # (any integer type: they are only ever added to a key)
        if codes.dtype.kind not in "iu":
            codes = codes.astype(np.int64)

        def given(col, sel):
            return codes if sel is None else codes[sel]

        supplier = given

    def amount(col, sel):
        v = col("amount_pence")
        return _int_codes(v) if v.dtype == np.int64 else _codes(v)

    # the content of a row; cheap keys first: rows they already tell apart need no more
    c_rows, c_key = _keys(
        ledger,
        [amount, supplier, date, txn, text("description", True), text("category", True), anchor],
        together=3,
    )
    is_dup = np.zeros(n, dtype=bool)
    dup_from = None  # the row each duplicate repeats (only with several files)
    if len(files) == 1:
        within_count = len(c_rows) - len(
            np.unique(c_key)
        )  # rows repeating an earlier identical row
        within = {files[0]: within_count} if within_count else {}
    else:
        content = _all_keys(n, c_rows, c_key)
        prior_c, occ_c = _prior_max(content, file_code)
        within = {}
        counts = np.bincount(file_code[occ_c > 0], minlength=len(files))
        for r, f in enumerate(files):
            if counts[r]:
                within[f] = int(counts[r])
        order = np.lexsort(
            (np.arange(n), file_code)
        )  # file by file, in ledger order: the first publication
        dup_c = occ_c < prior_c
        first_c = _first_of(content, order)
        is_dup |= dup_c
        dup_from = np.full(n, -1, dtype=np.int64)
        dup_from[dup_c] = first_c[dup_c]
        t = np.flatnonzero(_has_text(ledger["transaction_id"]))
        if len(t):
            kt = _all_keys(len(t), *_keys(ledger, [amount, supplier, txn, anchor], base=t))
            prior_t, occ_t = _prior_max(kt, file_code[t])
            dup_t = (occ_t < prior_t) & ~dup_c[t]
            order_t = np.lexsort((t, file_code[t]))
            first_t = t[_first_of(kt, order_t)]
            is_dup[t[dup_t]] = True
            dup_from[t[dup_t]] = first_t[dup_t]
    ledger["is_duplicate"] = is_dup
    dup = np.flatnonzero(is_dup)
    if len(dup):
        src = dup_from[dup]
        sheet = (
            ledger["source_sheet"].iloc[src].to_numpy(dtype=object)
        )  # (memory: the rows in question only)
        files_src = ledger["source_file"].iloc[src].to_numpy(dtype=object)
        rows_src = ledger["source_row"].to_numpy()[src]
        locs = [
            f"{f}:" + (f"{s}!" if isinstance(s, str) and s else "") + str(r)
            for f, s, r in zip(files_src, sheet, rows_src.tolist())
        ]
        values = np.full(n, None, dtype=object)
        values[dup] = locs
        ledger["duplicate_of"] = pd.Series(values, dtype="str", index=ledger.index)
    else:
        ledger["duplicate_of"] = pd.Series(_str_series([_nulls(n)]).array, index=ledger.index)
    return ledger, within


def _has_text(values: pd.Series) -> np.ndarray:
    """Per row: ledgers._norm_text(value) is not '' (a value that is not null, empty or only whitespace)."""
    arr = _arrow_strings(values)
    if arr is None:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        flag = np.asarray([bool(_L._norm_text(u)) for u in list(uniques)] + [False], dtype=bool)
        codes = np.asarray(codes, dtype=np.int64)
        return flag[np.where(codes < 0, len(uniques), codes)]
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    if not chunks:
        return np.zeros(0, dtype=bool)
    return np.concatenate(
        [c.is_valid().to_numpy(zero_copy_only=False) & ~_Col(c).blank() for c in chunks]
    )


def _first_of(key: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Per row: the position (in the ledger) of the first row with its key, rows taken in `order`."""
    first = np.full(int(key.max(initial=-1)) + 1, -1, dtype=np.int64)
    ko = key[order]
    # the first occurrence of each key in `order`
    uniq, idx = np.unique(ko, return_index=True)
    first[uniq] = order[idx]
    return first[key]
