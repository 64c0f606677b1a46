"""The end of an Arrow read: the rows left to Python decided by the row rules, the ledger assembled.

The Arrow reader (:mod:`anchorlib.ledgers.arrow`) canonicalises the payments of each block
column-wise and keeps aside every row it cannot decide so (blank, notes, totals, unreadable values,
maybe a repeated header). :class:`Assembly`, a part of the reader, decides those rows with
:func:`anchorlib.ledgers.schema.row_outcome` once the file's day/month order is known, and builds
the ledger and rejects frames in row order from the blocks' parts and the rows decided in Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from anchorlib.core.normalise import is_blank
from anchorlib.ledgers.cells import Fallback
from anchorlib.ledgers.parse import parse_amount
from anchorlib.ledgers.read import FIELDS, Sheet, map_header
from anchorlib.ledgers.schema import (
    READ_COLUMNS,
    FileRead,
    bad_shape,
    constant_column,
    expand_constants,
    ledger_frame,
    null_strings,
    raw_json,
    rejects_frame,
    row_outcome,
    str_series,
)
from anchorlib.ledgers.values import date_columns

__all__ = ["Assembly"]


class Assembly:
    """The Arrow reader's last step: a base of :class:`anchorlib.ledgers.arrow.ArrowReader`.

    It reads the reader's state: the header (``header``, ``section``, ``header_index``,
    ``header_width``, ``labels``, ``width``, ``found``, ``overrides``, ``tied``, ``has_data``,
    ``head_records``, ``head_numbers``, :meth:`note_head_data`), the rows kept for Python
    (``kept``, ``overflow``, ``uncertain``), the blocks' payments (``simple``), the distinct
    cells (``dates``, ``date_values``, ``key_codes``, of
    :class:`~anchorlib.ledgers.values.DistinctCells`) and ``anchor_id``, ``source``, ``compact``.
    """

    def finish(self) -> FileRead:
        """The file's result, once every block is in: the rows kept for Python decided, the ledger
        and rejects in row order."""
        if self.tied:
            self.note_head_data()
            data = [["x" if f else None for f in self.has_data]]
            sheet = Sheet(None, self.head_records, self.head_numbers)
            again = map_header(
                self.path, sheet, self.header_index, self.found, self.overrides, data
            )
            if again.mapping != self.header.mapping or again.warnings != self.header.warnings:
                raise Fallback("the column mapping depends on which columns hold data")
        dayfirst = self.dates.dayfirst
        ords = np.asarray(self.dates.ord_t if dayfirst else self.dates.ord_f, dtype=np.int64)

        # rows with cells beyond the header: rejected when they are the exception (as overflowing)
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
        # (rows repeat: blank lines, notes, the same sub-total line ... each distinct one is decided
        # once)
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
            detail = self.section.describe("payment_date")
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
        mapping = (
            {
                "source_file": self.source,
                "source_sheet": None,
                "header_row": self.header.row_number,
            }
            | {f: self.header.header_of(f) for f in FIELDS}
            | self.header.basis()
            | {"layout": self.header.signature, "decided": self.header.decided()}
        )
        return FileRead(
            ledger,
            rejects_frame([r for _, r in rejects]),
            rows_in,
            total_in,
            [mapping],
            list(self.header.warnings),
            self.row_key_codes,
            list(self.key_codes),
        )

    def _date_error(self, gid: int, dayfirst: bool) -> str | None:
        return self.dates.error(gid, dayfirst, self.date_values[gid].as_py())

    def _reject_dict(self, line: int, row: list, reason: str, detail: str, pence: int) -> dict:
        return {
            "anchor_id": self.anchor_id,
            "source_file": self.source,
            "source_sheet": None,
            "source_row": line,
            "reason": reason,
            "detail": detail,
            "amount_pence": pence,
            "raw": raw_json(row, self.labels),
        }

    def _python_row(self, row: list, line: int, dayfirst: bool, position: int = -1) -> tuple:
        """(pence for total_in, blank?, 'ledger' | 'reject', row dict): the row rules, one row."""
        shape = None
        if position in self.overflowing:
            shape = bad_shape(Sheet(None, [row], [line]), 0, self.header_width, {0})
        pence_in, reason, detail, pence, record = row_outcome(row, self.section, dayfirst, shape)
        if reason is not None:
            reject = self._reject_dict(line, row, reason, detail, pence)
            return pence_in, reason == "blank_row", "reject", reject
        return pence_in, False, "ledger", {"source_row": line, **record}

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
                date_columns(part, ords[part["gid"]])
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
            date_columns(
                parts[-1], np.asarray([r["payment_date"].toordinal() for r in rows], dtype=np.int64)
            )
        self.row_key_codes = np.zeros(0, dtype=np.int32)
        if not parts:
            return ledger_frame([])
        runs = _runs(parts, bad)
        if not runs:
            return ledger_frame([])
        for p in parts:  # positions served their purpose: ordering the runs
            p.pop("pos", None)
            p.pop("gid", None)

        total = sum(b - a for _, a, b in runs)
        last_use = {i: k for k, (i, _, _) in enumerate(runs)}

        def num(key):
            """One column from the parts' arrays, each freed once copied (memory: the result and one
            block)."""
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
                return str_series([null_strings(sum(b - a for _, a, b in runs))])
            whole = [None if p[key] is None else p[key].cast(pa.large_string()) for p in parts]
            return str_series(
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
                "anchor_id": constant_column(
                    self.anchor_id, n
                ),  # (memory: a byte per row, not the text)
                "source_file": constant_column(self.source, n),
                "source_sheet": str_series([null_strings(n)]),
                "source_row": line.astype("int64", copy=False),
                "payment_date": ns.view("datetime64[ns]"),
                "financial_year": fy,
                "amount": pence / 100,
                "amount_pence": pence.astype("int64", copy=False),
                **{k: text(k) for k in self._TEXT},
                "is_redacted": redacted.astype(bool, copy=False),
                "is_refund": pence < 0,
                "is_duplicate": np.zeros(n, dtype=bool),
                "duplicate_of": str_series([null_strings(n)]),
                **{k: constant_column(v, n) for k, v in self.header.basis().items()},
            },
            copy=False,
        )[READ_COLUMNS]
        return df if self.compact else expand_constants(df)


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
