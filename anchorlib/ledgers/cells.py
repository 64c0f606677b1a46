"""Arrow string columns as bytes for the Arrow reader: byte scans, tidying, transcoding.

A column of CSV cells is an Arrow string array: offsets into one buffer of bytes.
:class:`ByteColumn` looks at those bytes with numpy (first and last bytes, control characters,
multi-byte whitespace, double spaces, line breaks) to find, exactly or as a superset, the few cells
that need Python;
:class:`Cells` is one column of a block as distinct cells and each row's index into them.
:func:`tidy` is ``clean_text`` of a column, :func:`transcode` turns single-byte code page bytes
into UTF-8 with a lookup table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from anchorlib.core.normalise import clean_text
from anchorlib.ledgers.read import decode_text

__all__ = [
    "ALNUM",
    "EMPTY",
    "LOWER",
    "TABLES",
    "ByteColumn",
    "Cells",
    "Fallback",
    "bytes_in",
    "find_bytes",
    "per_value",
    "rows_of",
    "single_byte_encoding",
    "single_byte_encoding_of",
    "single_byte_table",
    "string_array",
    "string_buffers",
    "tidy",
    "transcode",
]


class Fallback(Exception):
    """The vectorised path cannot promise the row reader's result for this file."""


# --------------------------------------------------------------------------- byte tables


def _lut(values) -> np.ndarray:
    t = np.zeros(256, dtype=bool)
    t[list(values)] = True
    return t


_WS1 = _lut([9, 10, 11, 12, 13, 28, 29, 30, 31, 32])  # one-byte characters str.isspace() knows
_WS_LEAD = _lut([0xC2, 0xE1, 0xE2, 0xE3])  # lead bytes of the multi-byte whitespace characters
ALNUM = _lut(list(range(48, 58)) + list(range(65, 91)) + list(range(97, 123)))
LOWER = np.arange(256, dtype=np.uint8)
LOWER[65:91] += 32
# Last bytes of the multi-byte whitespace characters (U+0085, U+00A0, U+1680, U+2000-U+200A,
# U+2028, U+2029, U+202F, U+205F, U+3000): a cell ending in one may end in whitespace.
_WS_TAIL = _lut([0x85, 0xA0, 0xA8, 0xA9, 0xAF, 0x9F] + list(range(0x80, 0x8B)))
EMPTY = np.zeros(0, dtype=np.int64)


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


def single_byte_table(encoding: str) -> tuple[np.ndarray, np.ndarray]:
    """(UTF-8 length, UTF-8 bytes padded to 3) of every byte decoded with a single-byte code
    page."""
    lengths = np.zeros(256, dtype=np.int64)
    table = np.zeros((256, 3), dtype=np.uint8)
    errors = "cp1252_lenient" if encoding == "cp1252" else "strict"
    for b in range(256):
        u = bytes([b]).decode(encoding, errors=errors).encode("utf-8")
        lengths[b] = len(u)
        table[b, : len(u)] = list(u)
    return lengths, table


TABLES: dict[str, tuple[np.ndarray, np.ndarray]] = {}


# --------------------------------------------------------------------- Arrow string arrays as numpy


def string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
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


def string_array(offs: np.ndarray, data: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A string array over (offsets, data) as numpy arrays; ``valid`` False marks nulls."""
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


def rows_of(offs: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The row (string index) of each byte position."""
    return np.searchsorted(offs, positions, side="right") - 1


def find_bytes(raw: bytes, needle: bytes, limit: int | None = None) -> np.ndarray | None:
    """Every position of needle in raw (bytes.find: memchr speed; few hits expected).

    None when there are more than ``limit`` (the caller then searches another way)."""
    hits = []
    at = raw.find(needle)
    while at != -1:
        hits.append(at)
        if limit is not None and len(hits) > limit:
            return None
        at = raw.find(needle, at + 1)
    return np.asarray(hits, dtype=np.int64) if hits else EMPTY


class ByteColumn:
    """One column of cells as bytes, with the scans the checks need (each computed once)."""

    def __init__(self, arr: pa.Array):
        if arr.null_count:
            arr = pc.fill_null(arr, "")
        self.arr = arr
        self.offs, self.data = string_buffers(arr)
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
                np.flatnonzero(low) + self.lo if low.any() else EMPTY
            )  # none: the usual case
        return self._ctrl

    def mbws(self) -> np.ndarray:
        """Positions of multi-byte whitespace characters (NBSP, thin space, ...)."""
        if self._mb is None:
            raw = self.raw()
            lead = EMPTY
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
        return find_bytes(self.raw(), b"  ") + self.lo

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
        rows = rows_of(self.offs, nl)
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
        """A superset of the cells clean_text() changes: blank, or with whitespace to collapse or
        strip."""
        b = self.last()
        out = ~self.nonempty | self.starts_ws() | (self.nonempty & (_WS1[b] | _WS_TAIL[b]))
        for pos in (self.ctrl(), self.mbws(), self.double_spaces()):
            if len(pos):
                out[rows_of(self.offs, pos)] = True
        return out

    def cells(self, rows: np.ndarray) -> list[str]:
        return self.arr.take(pa.array(rows, type=pa.int64())).to_pylist()


class Cells:
    """One column of a block: its distinct cells (``base``, decoded) and each row's index into them,
    or, for a column whose cells hardly repeat, the cells themselves (``idx`` None)."""

    __slots__ = ("base", "idx", "n")

    def __init__(self, base: ByteColumn, idx: np.ndarray | None = None):
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
        """values (one per distinct cell, or per row) for the rows selected (all when rows is
        None)."""
        if self.idx is None:
            return values if mask is None else values.filter(mask)
        return values.take(pa.array(self.idx if rows is None else self.idx[rows]))

    def slice(self, lo: int) -> Cells:
        if self.idx is None:
            return Cells(ByteColumn(self.base.arr.slice(lo)))
        return Cells(self.base, self.idx[lo:])


def tidy(col: ByteColumn, cache: dict | None = None) -> pa.Array:
    """clean_text() of every cell: null when blank, whitespace runs as one space, stripped."""
    fix = np.flatnonzero(col.needs_tidy())
    if not len(fix):
        return col.arr
    empty = ~col.nonempty
    if len(fix) == int(empty.sum()):  # only empty cells: just mark them null
        return string_array(col.offs - col.lo, col.body, ~empty)
    mask = np.zeros(col.n, dtype=bool)
    mask[fix] = True
    return pc.replace_with_mask(
        col.arr,
        pa.array(mask),
        per_value(col.arr.take(pa.array(fix)), clean_text, cache).cast(col.arr.type),
    )


def per_value(arr: pa.Array, fn, cache: dict | None = None) -> pa.Array:
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


# --------------------------------------------------------------------------- single-byte code pages


def transcode(
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
    return string_array(new_offs, out)


def bytes_in(fh, needles: bytes, chunk: int = 16 << 20) -> list[bool]:
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


def single_byte_encoding(path: Path, has_9c: bool, has_a3: bool) -> str:
    """The single-byte code page of a file that is not UTF-8: cp1252, or cp850 where
    decode_text would say so."""
    # decode_text's rule: byte 0x9C is '£' (code page 850) only when no 0xA3 byte exists and
    # the 0x9C bytes sit where a pound sign would.  Decided on the whole text, as it does.
    if has_9c and not has_a3:
        return decode_text(Path(path).read_bytes())[1]
    return "cp1252"


def single_byte_encoding_of(path: Path) -> str:
    """single_byte_encoding() of a file, scanning it for the bytes that decide."""
    with open(path, "rb") as fh:
        has = bytes_in(fh, b"\x9c\xa3")
    return single_byte_encoding(path, *has)
