"""Transactions published in more than one file: flagged, never dropped.

:func:`flag_duplicates` is the one entry: the row-by-row reference for small ledgers, and the same
result computed column-wise (integer keys, numpy and pandas) for large ones, when the fast path is
on (see :func:`anchorlib.ledgers.schema.fast_path_enabled`).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from anchorlib.ledgers.cells import ByteColumn
from anchorlib.ledgers.schema import expand_constants, fast_path_enabled, null_strings, str_series

__all__ = ["flag_duplicates", "flag_duplicates_columnwise", "norm_text"]

#: Ledgers from this many rows are compared column-wise (the same result, faster).
COLUMNWISE_ROWS = 50_000


def norm_text(v) -> str:
    """Text as duplicates compare it: case folded, whitespace runs as one space ('' for null)."""
    return "" if v is None or v != v else " ".join(str(v).split()).casefold()


def flag_duplicates(
    ledger: pd.DataFrame, supplier_codes=None, file_codes=None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Flag rows that repeat a transaction already published in an earlier file.

    A row is a duplicate when an earlier file (in ledger order) has

    * the same transaction id, amount and supplier key, or
    * an identical row: same date, amount, supplier key, category,
      description and transaction id (text compared ignoring case and spacing).

    Counts matter: if file A has a row twice and file B has it three times,
    two of B's are duplicates and one is new.  Identical rows within one file
    are never flagged.  Returns the ledger (``is_duplicate``, ``duplicate_of`` =
    'file:row' of the first publication) and {file: rows repeating an
    identical earlier row of the same file}.

    ``supplier_codes`` (per row an integer, equal exactly where ``supplier_key`` is) and
    ``file_codes`` ((per row the index of its file, the files in order of first appearance)) may
    be given by a reader that has them; they only save work.
    """
    if len(ledger) >= COLUMNWISE_ROWS and fast_path_enabled():  # the same result, column-wise
        return flag_duplicates_columnwise(
            ledger, supplier_codes=supplier_codes, file_codes=file_codes
        )
    return _flag_rows(ledger)


def _flag_rows(ledger: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """flag_duplicates() row by row, in Python: the reference."""
    ledger = expand_constants(ledger).copy()
    if ledger.empty:
        return ledger, {}
    files = list(dict.fromkeys(ledger["source_file"]))
    date = ledger["payment_date"].dt.strftime("%Y-%m-%d").fillna("")
    content = list(
        zip(
            ledger["anchor_id"],
            date,
            ledger["amount_pence"],
            ledger["supplier_key"].fillna(""),
            ledger["category"].map(norm_text),
            ledger["description"].map(norm_text),
            ledger["transaction_id"].map(norm_text),
        )
    )
    txn = [(c[0], c[6], c[2], c[3]) if c[6] else None for c in content]
    loc = (
        ledger["source_file"]
        + ":"
        + ledger["source_sheet"].fillna("").map(lambda s: f"{s}!" if s else "")
        + ledger["source_row"].astype(str)
    ).tolist()
    by_file: dict[str, list[int]] = {}
    for pos, f in enumerate(ledger["source_file"]):
        by_file.setdefault(f, []).append(pos)
    seen_c: Counter = Counter()
    seen_t: Counter = Counter()
    first_c: dict = {}
    first_t: dict = {}
    is_dup = [False] * len(ledger)
    dup_of: list = [None] * len(ledger)
    within: dict[str, int] = {}
    for f in files:
        occ_c: Counter = Counter()
        occ_t: Counter = Counter()
        for pos in by_file[f]:
            kc, kt = content[pos], txn[pos]
            if occ_c[kc] > 0:
                within[f] = within.get(f, 0) + 1
            if occ_c[kc] < seen_c[kc]:
                is_dup[pos], dup_of[pos] = True, first_c[kc]
            elif kt is not None and occ_t[kt] < seen_t[kt]:
                is_dup[pos], dup_of[pos] = True, first_t[kt]
            occ_c[kc] += 1
            if kt is not None:
                occ_t[kt] += 1
        for k, n in occ_c.items():
            seen_c[k] = max(seen_c[k], n)
        for k, n in occ_t.items():
            seen_t[k] = max(seen_t[k], n)
        for pos in by_file[f]:
            first_c.setdefault(content[pos], loc[pos])
            if txn[pos] is not None:
                first_t.setdefault(txn[pos], loc[pos])
    ledger["is_duplicate"] = is_dup
    ledger["duplicate_of"] = pd.Series(dup_of, dtype="str", index=ledger.index)
    return ledger, within


# --------------------------------------------------------------------------- column-wise


def _encode(arr) -> tuple[pa.Array, np.ndarray]:
    """(distinct values, per-row index into them, -1 for null) of a string array or chunked
    array."""
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
    """The column as Arrow strings, chunked as it is (None when it is not a column of strings /
    nulls)."""
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
    """norm_text() of distinct non-null strings: ASCII ones column-wise, the rest in
    Python."""
    col = ByteColumn(values)
    odd = col.needs_tidy() & col.nonempty  # whitespace to collapse or strip (blank ones included)
    odd |= ~pc.string_is_ascii(values).to_numpy(zero_copy_only=False)  # casefold() beyond ASCII
    out = pc.ascii_lower(values)
    k = np.flatnonzero(odd)
    if len(k):
        mask = np.zeros(len(values), dtype=bool)
        mask[k] = True
        out = pc.replace_with_mask(
            out, pa.array(mask), pa.array([norm_text(v) for v in col.cells(k)], out.type)
        )
    return out


def _codes(values: pd.Series, norm: bool = False) -> np.ndarray:
    """Integer codes equal where the values are equal (after norm_text when norm; null = ''
    then)."""
    arr = _arrow_strings(values) if values.dtype != "int64" else None
    if (
        arr is None
    ):  # numbers, or anything else: pandas, and Python per distinct value when normalising
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        codes = np.asarray(codes, dtype=np.int64)
        if not norm:
            return np.where(codes < 0, len(uniques), codes)
        mapped = [norm_text(u) for u in list(uniques)] + [norm_text(None)]
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


def _prior_max(key: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the largest count of its key in any earlier file (by rank), and its occurrence
    number in its file."""
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


def _date_part(col, sel):
    """Key part: the payment day (equal exactly where '%Y-%m-%d' is equal)."""
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


def _txn_part(col, sel):
    """Key part: the transaction id, as duplicates compare text."""
    return _codes(col("transaction_id"), norm=True)


def _text_part(name: str, norm: bool = False, fill=None):
    """Key part: a text column's values (as duplicates compare text when ``norm``)."""
    return lambda col, sel: _codes(col(name) if fill is None else col(name).fillna(fill), norm=norm)


def _amount_part(col, sel):
    """Key part: the amount in pence."""
    v = col("amount_pence")
    return _int_codes(v) if v.dtype == np.int64 else _codes(v)


def flag_duplicates_columnwise(
    ledger: pd.DataFrame,
    supplier_codes: np.ndarray | None = None,
    file_codes: tuple[np.ndarray, list] | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """flag_duplicates(), column-wise: the same flags, the same 'file:row' references, the same
    counts.

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

    anchor, supplier = _text_part("anchor_id"), _text_part("supplier_key", fill="")
    if supplier_codes is not None and len(supplier_codes) == n:
        codes = np.asarray(supplier_codes)  # (any integer type: they are only ever added to a key)
        if codes.dtype.kind not in "iu":
            codes = codes.astype(np.int64)

        def given(col, sel):
            return codes if sel is None else codes[sel]

        supplier = given

    # the content of a row; cheap keys first: rows they already tell apart need no more
    c_rows, c_key = _keys(
        ledger,
        [
            _amount_part,
            supplier,
            _date_part,
            _txn_part,
            _text_part("description", True),
            _text_part("category", True),
            anchor,
        ],
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
            kt = _all_keys(
                len(t), *_keys(ledger, [_amount_part, supplier, _txn_part, anchor], base=t)
            )
            prior_t, occ_t = _prior_max(kt, file_code[t])
            dup_t = (occ_t < prior_t) & ~dup_c[t]
            order_t = np.lexsort((t, file_code[t]))
            first_t = t[_first_of(kt, order_t)]
            is_dup[t[dup_t]] = True
            dup_from[t[dup_t]] = first_t[dup_t]
    ledger["is_duplicate"] = is_dup
    ledger["duplicate_of"] = _duplicate_of(ledger, is_dup, dup_from)
    return ledger, within


def _duplicate_of(
    ledger: pd.DataFrame, is_dup: np.ndarray, dup_from: np.ndarray | None
) -> pd.Series:
    """The 'file:row' (or 'file:sheet!row') of the row each duplicate repeats; null elsewhere."""
    n = len(ledger)
    dup = np.flatnonzero(is_dup)
    if not len(dup):
        return pd.Series(str_series([null_strings(n)]).array, index=ledger.index)
    src = dup_from[dup]
    # (memory: the rows in question only)
    sheet = ledger["source_sheet"].iloc[src].to_numpy(dtype=object)
    files_src = ledger["source_file"].iloc[src].to_numpy(dtype=object)
    rows_src = ledger["source_row"].to_numpy()[src]
    locs = [
        f"{f}:" + (f"{s}!" if isinstance(s, str) and s else "") + str(r)
        for f, s, r in zip(files_src, sheet, rows_src.tolist())
    ]
    values = np.full(n, None, dtype=object)
    values[dup] = locs
    return pd.Series(values, dtype="str", index=ledger.index)


def _has_text(values: pd.Series) -> np.ndarray:
    """Per row: norm_text(value) is not '' (a value that is not null, empty or only
    whitespace)."""
    arr = _arrow_strings(values)
    if arr is None:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        flag = np.asarray([bool(norm_text(u)) for u in list(uniques)] + [False], dtype=bool)
        codes = np.asarray(codes, dtype=np.int64)
        return flag[np.where(codes < 0, len(uniques), codes)]
    chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
    if not chunks:
        return np.zeros(0, dtype=bool)
    return np.concatenate(
        [c.is_valid().to_numpy(zero_copy_only=False) & ~ByteColumn(c).blank() for c in chunks]
    )


def _first_of(key: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Per row: the position (in the ledger) of the first row with its key, rows taken in
    `order`."""
    first = np.full(int(key.max(initial=-1)) + 1, -1, dtype=np.int64)
    ko = key[order]
    # the first occurrence of each key in `order`
    uniq, idx = np.unique(ko, return_index=True)
    first[uniq] = order[idx]
    return first[key]
