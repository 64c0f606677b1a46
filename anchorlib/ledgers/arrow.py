"""Vectorised reading of CSV payment files: exactly the row reader's results, at Arrow speed.

:func:`read_csv_fast` turns one CSV payment file into the same ledger, rejects,
input total, column mapping and warnings as the row-by-row reader in
:mod:`anchorlib.ledgers.rows` (which stays the reference and the fallback), but
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
  is kept aside and decided at the end by the row reader's rules
  (:func:`anchorlib.ledgers.schema.row_outcome`), in Python, with the file's day/month order
  (:mod:`anchorlib.ledgers.assemble`).

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
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from anchorlib.core.normalise import company_number, is_blank
from anchorlib.ledgers.assemble import Assembly
from anchorlib.ledgers.cells import (
    ALNUM,
    EMPTY,
    LOWER,
    TABLES,
    ByteColumn,
    Cells,
    Fallback,
    bytes_in,
    find_bytes,
    per_value,
    rows_of,
    single_byte_encoding,
    single_byte_encoding_of,
    single_byte_table,
    string_buffers,
    tidy,
    transcode,
)
from anchorlib.ledgers.content import SAMPLE_ROWS
from anchorlib.ledgers.read import (
    HeaderUnmapped,
    LedgerError,
    Sheet,
    effective_overrides,
    has_tie,
    is_header,
    looks_binary,
    map_header,
    normalise_header,
    override_lookup,
    row_fields,
    sniff_delimiter,
)
from anchorlib.ledgers.schema import (
    FileRead,
    Section,
    fast_path_enabled,
    filled,
    labels,
    postcode_text,
)
from anchorlib.ledgers.values import DistinctCells, date_columns

__all__ = [
    "BLOCK_SIZE",
    "HEAD_ROWS",
    "ArrowReader",
    "fallback_reason",
    "read_csv_fast",
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
#: A column whose first block has more distinct cells than this share of its rows is read cell by
#: cell in the other blocks; the others are dictionary-encoded and checked once per distinct cell.
DICT_RATIO = 0.5
#: The csv module's default field size limit: longer cells make the row reader fail.
_FIELD_LIMIT = csv.field_size_limit()


class _Restart(Exception):
    """The file turned out not to be UTF-8: read it again as a single-byte code page."""

    def __init__(self, encoding: str):
        super().__init__(encoding)
        self.encoding = encoding


def read_csv_fast(
    path,
    source: str,
    anchor_id: str,
    columns=None,
    block_size: int | None = None,
    compact: bool = False,
) -> FileRead | None:
    """The row reader's result for one CSV file, computed column-wise; None when the row reader must
    do it.

    ``compact``: the ledger's ``anchor_id`` and ``source_file`` (one value repeated on every row)
    are left as pandas Categoricals (a byte per row instead of the text;
    ``schema.expand_constants`` turns them into the usual 'str' columns), for the readers in
    :mod:`anchorlib.ledgers.canonical`."""
    if not fast_path_enabled():
        return None
    try:
        with _system_memory_pool(_size(path)):
            return _read(Path(path), source, anchor_id, columns, block_size or BLOCK_SIZE, compact)
    except (Fallback, pa.ArrowException, UnicodeError, LedgerError, csv.Error, OSError):
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
    """Arrow allocates from the system allocator while a file is read (then the default again).

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
) -> FileRead:
    try:
        return ArrowReader(path, source, anchor_id, columns, block_size, compact).read(None)
    except _Restart as r:
        return ArrowReader(path, source, anchor_id, columns, block_size, compact).read(r.encoding)


class ArrowReader(DistinctCells, Assembly):
    """One CSV file read in Arrow blocks: set-up (encoding, delimiter, header) and the blocks here,
    the distinct cells in :class:`~anchorlib.ledgers.values.DistinctCells`, the end in
    :class:`~anchorlib.ledgers.assemble.Assembly`."""

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
        super().__init__()  # the distinct cells' tables and their lock
        self.lookups: dict = {}
        self.simple: list[dict] = []  # per block: rows that are payments, already canonical
        self.uncertain: list[tuple] = []  # payments whose date fails under one day/month order
        self.kept: list[tuple] = []  # (position, line, cells): decided in Python at the end
        self.has_data: np.ndarray | None = None
        self.overflow: list[
            int
        ] = []  # positions of rows with cells beyond the header's last named column
        self.plain: set[int] | None = (
            None  # columns read cell by cell (not dictionary-encoded), after block 1
        )

    # ---------------------------------------------------------- set-up: encoding, delimiter, header

    def read(self, encoding: str | None) -> FileRead:
        if not self.path.is_file():
            raise Fallback("no such file")
        size = self.path.stat().st_size
        if size == 0:
            raise Fallback("empty file")
        with open(self.path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
            if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
                raise Fallback("not a CSV file")
            if self.path.suffix.lower() in (".xlsx", ".xlsm"):
                raise Fallback("named as a workbook")
            if looks_binary(head):
                raise Fallback("binary data")
            if head.lstrip()[:5].lower() in (b"<html", b"<!doc", b"<?xml"):
                raise Fallback("HTML / XML")
            if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
                raise Fallback("UTF-16")
            fh.seek(0)
            has = bytes_in(fh, b"\x00\x9c\xa3")
            if has[0]:
                raise Fallback("NUL bytes")
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
                    encoding = single_byte_encoding(self.path, has[1], has[2])
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
            if encoding not in TABLES:
                TABLES[encoding] = single_byte_table(encoding)
        self._find_header(head_text, whole)
        self._read_blocks()
        return self.finish()

    def _find_header(self, head_text: str, whole: bool) -> None:
        lines = head_text.splitlines()
        if len(lines) <= 51 and not whole:
            raise Fallback("fewer than 51 lines in the head")
        self.delimiter = sniff_delimiter("\n".join(lines[:50]))
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
            raise Fallback(
                "rows of different widths" if widths else "no complete record in the head"
            )
        self.width = widths.pop()
        if self.width < 3:
            raise Fallback("fewer than three columns")
        records = [r if r else [""] * self.width for r in records]  # as Arrow reads an empty line
        self.head_records, self.head_numbers = records, numbers
        self.overrides = overrides = override_lookup(self.columns)
        found_in = (row_fields(row, overrides) for row in records)
        idx, found = next(
            ((i, f) for i, (row, f) in enumerate(zip(records, found_in)) if is_header(row, f)),
            (None, None),
        )
        if idx is None:
            raise Fallback(f"no header row among the first {len(records)} rows")
        sheet = Sheet(None, records, numbers)
        below = sum(1 for r in records[idx + 1 :] if not all(is_blank(v) for v in r))
        if not whole and below < SAMPLE_ROWS:
            raise Fallback("fewer rows below the header in the head than the content sample")
        try:
            h = map_header(
                self.path,
                sheet,
                idx,
                found,
                overrides,
                [r for i, r in enumerate(records) if i != idx],
            )
        except HeaderUnmapped as exc:
            raise Fallback(f"the header's words are not borne out by the content: {exc}") from None
        if h.date_precision != "day":
            raise Fallback("the payment date is a period column")
        self.tied = has_tie(found)
        self.found, self.header, self.header_index = found, h, idx
        m = h.mapping
        self.ai, self.di, self.si = m["amount"], m["payment_date"], m["supplier_name"]
        self.section = Section(m, h.names, width=self.width)
        self.header_norms = self.section.norms
        self.labels = labels(h.names)
        # the row reader rejects CSV rows with cells beyond the header's last named column when
        # such rows are the exception (wrong_field_count): those rows are decided in Python
        self.header_width = filled(h.names)
        # a header row further down names the payment date: scan for the words that can
        given = effective_overrides(records[idx], overrides)  # (a layout's own, too)
        if "payment_date" in given:
            needles = set()
            for norm in given["payment_date"]:
                words = [
                    w
                    for w in norm.split()
                    if w != "and" and "k" not in w and not w.endswith("i") and len(w) >= 2
                ]
                if not words:
                    raise Fallback("cannot scan for the overridden payment date header")
                needles.add(max(words, key=len).encode())
            self.needles = sorted(needles)
        else:
            # the words that can name a payment date or its stand-in, a period column
            self.needles = [b"date", b"paid", b"posted", b"dyddiad", b"period", b"month", b"cyfnod"]
            self.needles += [b"yyyymm", b"mis", b"dt"]
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
            raise Fallback("fewer rows than the head")
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

    def _decode(self, arr: pa.Array) -> ByteColumn:
        """The column as UTF-8 (validated, or transcoded from the single-byte code page)."""
        offs, data = string_buffers(arr)
        lo, hi = int(offs[0]), int(offs[-1])
        d = data[lo:hi]
        if len(d) and d.max() >= 0x80:
            if self.utf8:
                try:
                    arr.validate(full=True)
                except pa.ArrowInvalid:
                    if self.encoding == "utf-8":
                        raise _Restart(single_byte_encoding_of(self.path)) from None
                    raise Fallback("invalid UTF-8 after a BOM") from None
            else:
                arr = transcode(offs, d, lo, *TABLES[self.encoding])
        col = ByteColumn(arr)
        if col.n and int(col.lens.max()) > _FIELD_LIMIT:
            raise Fallback("a cell longer than the csv module's field limit")
        return col

    def _column(self, arr: pa.Array, j: int) -> Cells:
        """Column j of a block: dictionary-encoded (its distinct cells decoded and checked once)
        unless its cells hardly repeat.  Decoding is one byte string to another, so distinct cells
        stay distinct."""
        if self.plain is not None and j in self.plain:
            return Cells(self._decode(arr))
        enc = pc.dictionary_encode(arr)
        return Cells(self._decode(enc.dictionary), enc.indices.to_numpy(zero_copy_only=False))

    def _block(self, batch: pa.RecordBatch, row0: int) -> dict:
        """One block's rows: its payments column-wise, the rest kept for Python (lines from 0)."""
        hidx = self.header_index
        first_block = row0 <= hidx
        cols = [self._column(batch.column(j), j) for j in range(self.width)]
        if first_block and self.plain is None:  # the first block is read before any other starts
            self.plain = {j for j, c in enumerate(cols) if c.base.n > DICT_RATIO * max(c.n, 1)}
        n = cols[0].n
        lines, n_lines = _line_numbers(cols)
        out = {"lines": n_lines, "kept": [], "part": None, "uncertain": []}
        pos = row0 + np.arange(n, dtype=np.int64)

        if first_block:  # the first block: Arrow must read the head as the csv module did
            self._head(cols, lines, pos, out)
            lo = hidx + 1
            if lo >= n:
                return out
            cols = [c.slice(lo) for c in cols]
            lines, pos, n = lines[lo:], pos[lo:], n - lo

        amount, sup, date = cols[self.ai], cols[self.si], cols[self.di]
        pence_d, ok_d, guard_d = self.amounts_of(amount.base)  # per distinct amount cell
        pence, amount_ok = amount.rows(pence_d), amount.rows(ok_d)
        sup_code, sup = self.supplier_codes(sup)
        gid, dates = self.date_codes(date)
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
        if self.header_width < self.width:
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
        self._text_columns(part, cols, rows, mask)
        if first_big:  # the day/month order is settled: dates are final here, in parallel
            date_columns(part, sel_np(ord_t))
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

    def _head(self, cols: list[Cells], lines: np.ndarray, pos: np.ndarray, out: dict) -> None:
        """The first block's rows down to the header: as the csv module read them (else the row
        reader), the rows above the header kept for Python, their dates' day/month evidence
        noted."""
        hidx, n = self.header_index, cols[0].n
        k = min(len(self.head_records), n)
        got = [list(r) for r in zip(*(c.cells(np.arange(k)) for c in cols))]
        if got != self.head_records[:k] or (lines[:k] + 1).tolist() != self.head_numbers[:k]:
            raise Fallback("Arrow and the csv module read the first rows differently")
        if hidx >= n:
            raise Fallback("the header is beyond the first block")
        for i in range(hidx):  # rows above the header: decided in Python at the end
            out["kept"].append((int(pos[i]), int(lines[i]), got[i]))
            if self.header_width < self.width and any(
                not is_blank(v) for v in got[i][self.header_width :]
            ):
                out.setdefault("over", []).append(int(pos[i]))
            self.dates.note_order(got[i][self.di])
        self.dates.note_order(got[hidx][self.di])

    def _text_columns(self, part: dict, cols: list[Cells], rows, mask) -> None:
        """The text fields of a block's payments (``rows`` of it, ``mask`` as an Arrow mask; None:
        every row), each computed once per distinct cell: tidied text, company numbers,
        postcodes."""
        m = self.header.mapping
        for fld in ("category", "description", "transaction_id", "charity_number"):
            if fld in m:
                c = cols[m[fld]]
                part[fld] = c.pick(tidy(c.base, self.lookups.setdefault(fld, {})), rows, mask).cast(
                    pa.large_string()
                )
            else:
                part[fld] = None
        for fld, fn in (("company_number", company_number), ("supplier_postcode", postcode_text)):
            if fld in m:
                c = cols[m[fld]]
                part[fld] = c.pick(
                    per_value(c.base.arr, fn, self.lookups.setdefault(fld, {})), rows, mask
                ).cast(pa.large_string())
            else:
                part[fld] = None

    # ------------------------------------------------------------------ checks

    def _scan_for_headers(self, cols: list[Cells], guard_d: np.ndarray) -> None:
        """A header row below the header: the row reader would split sections there (fall back)."""
        cand: list[np.ndarray] = []
        for j, c in enumerate(cols):
            if j == self.ai:
                rest = np.flatnonzero(
                    ~guard_d
                )  # a parsed amount of the common forms has no letters
                hit = (
                    rest[self._needle_rows(ByteColumn(c.base.arr.take(pa.array(rest))))]
                    if len(rest)
                    else EMPTY
                )
            else:
                hit = self._needle_rows(c.base)
            if len(hit):
                cand.append(c.hit_rows(hit))
        rows = np.unique(np.concatenate(cand)) if cand else EMPTY
        if not len(rows):
            return
        for row in zip(*(c.cells(rows) for c in cols)):
            row = list(row)
            if is_header(row, row_fields(row, self.overrides)):
                raise Fallback("another header row below the first (sections or a repeated header)")

    def _needle_rows(self, c: ByteColumn) -> np.ndarray:
        """Rows with a cell holding one of the needles as a whole word (ASCII case ignored)."""
        if len(c.body) < 2:
            return EMPTY
        low = c.raw().lower()  # bytes.lower() changes exactly A-Z
        hits = []
        for needle in self.needles:
            at = find_bytes(low, needle, limit=max(256, c.n // 64))
            if at is None:  # the letters are common here: one regular expression over the cells
                return np.flatnonzero(
                    pc.match_substring_regex(c.arr, self.needle_re).to_numpy(zero_copy_only=False)
                )
            if not len(at):
                continue
            k = len(needle)
            rows = rows_of(c.offs, at + c.lo)
            at_start = at + c.lo == c.offs[rows]
            at_end = at + c.lo + k == c.offs[rows + 1]
            before = ~ALNUM[c.body.take(at - 1, mode="clip")]
            after = ~ALNUM[c.body.take(at + k, mode="clip")]
            word = (at_start | before) & (at_end | after)
            hits.append(rows[word])
        return np.unique(np.concatenate(hits)) if hits else EMPTY

    def _note_data(self, cols: list[Cells]) -> None:
        flags = [bool(c.rows(~c.base.blank()).any()) for c in cols]
        with self.lock:
            self.note_head_data()
            self.has_data |= np.asarray(flags, dtype=bool)

    def note_head_data(self) -> None:
        """Which columns hold data in the head's rows (the header's excepted), once."""
        if self.has_data is None:
            self.has_data = np.zeros(self.width, dtype=bool)
            for i, r in enumerate(self.head_records):
                if i != self.header_index:
                    for j, v in enumerate(r):
                        self.has_data[j] |= not is_blank(v)

    def _maybe_repeated_header(self, cols: list[Cells], guard_d: np.ndarray) -> np.ndarray:
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
            ok0 = ~ALNUM[b0] | (LOWER[b0] == ord(first))
            ok1 = ~ALNUM[b1] | (LOWER[b1] == ord(last))
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

    # ----------------------------------------------------------------- the end: Python rows, frames


def _line_numbers(cols: list[Cells]) -> tuple[np.ndarray, int]:
    """(the line each record of a block starts on, from 0; the block's lines): records span the
    line breaks inside their cells."""
    n = cols[0].n
    extra = np.zeros(n, dtype=np.int64)  # line breaks inside the cells of each record
    for c in cols:
        nl = c.base.newlines()
        if nl is not None:
            extra += c.rows(nl)
    lines = np.arange(n, dtype=np.int64)
    if extra.any():
        lines += np.concatenate([[0], np.cumsum(extra)[:-1]])
    return lines, int(n + extra.sum())


def _prefetch(reader, depth: int = 2):
    """The reader's batches, parsed by a background thread while the caller works on the last."""
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
