"""Payment ledgers: payment files as bodies publish them, read into one canonical ledger.

``read_ledger_file(path, anchor_id)`` reads one CSV or XLSX file (every
sheet); ``read_ledgers(paths, anchor_id)`` reads several and flags the same
transaction published in two files.  Both return a :class:`LedgerResult`:

* ``ledger``: one row per payment, columns :data:`LEDGER_COLUMNS`
  (documented in docs/ledger_schema.md);
* ``rejects``: every source row that is not a payment (blank, repeated
  header, total, note, or a row whose amount, supplier or date is missing or
  unreadable), with file, row, reason, the raw values and the amount it
  carries;
* ``reconciliation``: one row per file; input total = ledger total + rejects
  total, in whole pence.  A mismatch raises :class:`LedgerReconciliationError`.

Nothing is lost: every row between a sheet's first and last non-blank row,
other than the header row, lands in exactly one of ledger and rejects.

Each file is read by the Arrow reader (:mod:`anchorlib.ledgers.arrow`, CSV files it can read
exactly) or else by the row reader (:mod:`anchorlib.ledgers.rows`): both give the same result,
with the schema and row rules of :mod:`anchorlib.ledgers.schema`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.core.atomic import write_all
from anchorlib.data.postcodes import normalise_postcodes
from anchorlib.ledgers.arrow import read_csv_fast
from anchorlib.ledgers.duplicates import flag_duplicates
from anchorlib.ledgers.read import LedgerError, LedgerReadError, LedgerReconciliationError
from anchorlib.ledgers.rows import read_rows
from anchorlib.ledgers.schema import (
    LEDGER_COLUMNS,
    RECON_EXTRA,
    RECONCILIATION_COLUMNS,
    FileRead,
    expand_constants,
    ledger_frame,
    rejects_frame,
    unify_constants,
)

__all__ = [
    "LedgerResult",
    "file_basis",
    "read_ledger_file",
    "read_ledgers",
    "write_outputs",
]


# --------------------------------------------------------------------------- result


@dataclass
class LedgerResult:
    """The canonical ledger, the rejects and the per-file reconciliation of one or more files."""

    ledger: pd.DataFrame
    rejects: pd.DataFrame
    reconciliation: pd.DataFrame
    mappings: pd.DataFrame = field(default_factory=pd.DataFrame)
    warnings: list[str] = field(default_factory=list)

    def anchor_reconciliation(self) -> pd.DataFrame:
        """Reconciliation summed per anchor (same columns as per file, file = number of files)."""
        r = self.reconciliation
        if r.empty:
            return r.copy()
        sums = ["rows_in", "rows_ledger", "rows_rejected", *RECON_EXTRA[:4], *RECON_EXTRA[4:]]
        g = r.groupby("anchor", sort=False)[sums].sum().reset_index()
        g.insert(1, "file", r.groupby("anchor", sort=False)["file"].count().to_numpy())
        by = r.groupby("anchor", sort=False)
        for col in ("vat_basis", "date_precision"):  # one value when the files agree, else 'mixed'
            g[col] = by[col].agg(_one_or_mixed).to_numpy()
        g["amount_header"] = by["amount_header"].agg(_distinct).to_numpy()
        for col in ("in", "ledger", "rejected"):
            g[f"total_{col}"] = g[f"total_{col}_pence"] / 100
        g["difference"] = g["difference_pence"] / 100
        return g[RECONCILIATION_COLUMNS + RECON_EXTRA]

    def summary(self) -> str:
        """A few lines for people: totals, rejects by reason, duplicates, date range."""
        lines = []
        for _, a in self.anchor_reconciliation().iterrows():
            led = self.ledger[self.ledger["anchor_id"] == a["anchor"]]
            dates = led["payment_date"].dropna()
            span = f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if len(dates) else "no dates"
            lines.append(
                f"{a['anchor']}: {a['file']} file(s), {a['rows_in']:,} rows in -> "
                f"{a['rows_ledger']:,} ledger + {a['rows_rejected']:,} rejected; "
                f"£{_gbp(a['total_in_pence'])} in = £{_gbp(a['total_ledger_pence'])} ledger + "
                f"£{_gbp(a['total_rejected_pence'])} rejected "
                f"(difference £{_gbp(a['difference_pence'])}); payments {span}"
            )
            lines.append(
                f"  amount read: VAT basis {a['vat_basis']} (header {a['amount_header']!r}); "
                f"payment dates to the {a['date_precision']} (columns.csv: how each column was "
                "chosen)"
            )
            lines.append(
                f"  duplicates across files: {a['rows_duplicate']:,} rows "
                f"(£{_gbp(a['total_duplicate_pence'])}), flagged; "
                f"identical rows repeated within a file: {a['rows_repeated_within_file']:,}, kept; "
                f"redacted payees: {int(led['is_redacted'].sum()):,} rows"
            )
            rej = self.rejects[self.rejects["anchor_id"] == a["anchor"]]
            if len(rej):
                by = (
                    rej.groupby("reason")["amount_pence"]
                    .agg(["count", "sum"])
                    .sort_values("count", ascending=False)
                )
                lines.append(
                    "  rejects: "
                    + ", ".join(f"{r} {int(c):,} (£{_gbp(int(s))})" for r, (c, s) in by.iterrows())
                )
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def _one_or_mixed(values) -> str:
    """The value the files (or a file's headers) agree on, else 'mixed' (never a guessed one)."""
    distinct = list(dict.fromkeys(str(v) for v in values))
    return distinct[0] if len(distinct) == 1 else "mixed"


def _distinct(values) -> str:
    """The distinct texts, in order, joined by ' | '."""
    return " | ".join(dict.fromkeys(p for v in values for p in str(v).split(" | ")))


def file_basis(mappings: list[dict]) -> dict[str, str]:
    """A file's BASIS_COLUMNS from the mapping of each of its header rows: the VAT basis and date
    precision they agree on (else 'mixed'), the amount headers (distinct, joined by ' | ')."""
    if not mappings:
        return {"vat_basis": "unknown", "amount_header": "", "date_precision": "day"}
    return {
        "vat_basis": _one_or_mixed(m["vat_basis"] for m in mappings),
        "amount_header": _distinct(m["amount_header"] for m in mappings),
        "date_precision": _one_or_mixed(m["date_precision"] for m in mappings),
    }


def _gbp(pence: int) -> str:
    pence = int(pence)
    sign = "-" if pence < 0 else ""
    pounds, p = divmod(abs(pence), 100)
    return f"{sign}{pounds:,}.{p:02d}"


def _gbp_plain(pence: int) -> str:
    return _gbp(pence).replace(",", "")


# --------------------------------------------------------------------------- one file


def _reconcile(
    anchor_id: str,
    source: str,
    rows_in: int,
    total_in: int,
    ledger: pd.DataFrame,
    rejects: pd.DataFrame,
) -> dict:
    led, rej = int(ledger["amount_pence"].sum()), int(rejects["amount_pence"].sum())
    diff = total_in - led - rej
    row = {
        "anchor": anchor_id,
        "file": source,
        "rows_in": rows_in,
        "rows_ledger": len(ledger),
        "rows_rejected": len(rejects),
        "total_in": total_in / 100,
        "total_ledger": led / 100,
        "total_rejected": rej / 100,
        "difference": diff / 100,
        "total_in_pence": total_in,
        "total_ledger_pence": led,
        "total_rejected_pence": rej,
        "difference_pence": diff,
        "rows_duplicate": 0,
        "total_duplicate_pence": 0,
        "rows_repeated_within_file": 0,
    }
    if diff != 0 or rows_in != len(ledger) + len(rejects):
        raise LedgerReconciliationError(
            f"{source}: reconciliation failed: {rows_in} rows in, {len(ledger)} ledger + "
            f"{len(rejects)} rejected; £{_gbp(total_in)} in vs £{_gbp(led)} ledger + "
            f"£{_gbp(rej)} rejected (difference £{_gbp(diff)})"
        )
    return row


def _read_one(
    path, anchor_id: str, columns
) -> tuple[pd.DataFrame, pd.DataFrame, dict, list[dict], list[str], tuple | None]:
    """(ledger, rejects, reconciliation row, mappings, warnings, supplier key codes) of one file.

    The one place that chooses the reader: the Arrow reader for the CSV files it reads exactly
    (None: it leaves the file), else the row reader. The last is (per ledger row a code, the key of
    each code) when the Arrow reader has them (flag_duplicates then need not compare the keys as
    text), else None."""
    path = Path(path)
    source = str(path)
    got: FileRead | None = read_csv_fast(path, source, anchor_id, columns, compact=True)
    if got is None:  # (compact: the one-value columns are expanded by _finish)
        got = read_rows(path, source, anchor_id, columns)
    recon = _reconcile(anchor_id, source, got.rows_in, got.total_in, got.ledger, got.rejects)
    recon.update(file_basis(got.mappings))
    codes = (got.key_codes, got.key_table) if got.key_codes is not None else None
    return (
        _postcodes(got.ledger, got.warnings, path),
        got.rejects,
        recon,
        got.mappings,
        got.warnings,
        codes,
    )


def _postcodes(ledger: pd.DataFrame, warnings: list[str], path) -> pd.DataFrame:
    """Supplier postcodes in their canonical form; those that are not UK postcodes are set aside,
    never guessed.

    ``supplier_postcode_as_published`` keeps what the file said; ``supplier_postcode`` is the
    canonical form (``BB5 1LA``) or empty, and a warning names the rows whose value was not a
    postcode.
    """
    published = ledger["supplier_postcode"]
    ledger = ledger.assign(supplier_postcode_as_published=published)[LEDGER_COLUMNS]
    has = published.notna()
    if not has.any():
        return ledger
    norm = normalise_postcodes(published[has])
    ledger.loc[has, "supplier_postcode"] = norm["pcds"].where(norm["valid"], None).to_numpy()
    bad = ledger.loc[has, "source_row"][~norm["valid"].to_numpy()]
    if len(bad):
        rows = ", ".join(str(r) for r in bad.head(10)) + (" ..." if len(bad) > 10 else "")
        warnings.append(
            f"{path}: {len(bad)} supplier postcodes are not valid UK postcodes (rows {rows}): "
            "kept as published in supplier_postcode_as_published, not used to place suppliers"
        )
    return ledger


def _duplicate_hints(ledgers: list[pd.DataFrame], key_codes: list) -> dict:
    """What the readers know that flag_duplicates would otherwise compute from the text columns:
    each row's file (one file per ledger) and, when every file has them, supplier key codes."""
    sources = [str(led["source_file"].iloc[0]) for led in ledgers if len(led)]
    codes, files = pd.factorize(pd.Series(sources, dtype=object), use_na_sentinel=False)
    lengths = [len(led) for led in ledgers if len(led)]
    if len(lengths) == 1:
        per_row = np.zeros(lengths[0], dtype=np.int64)
    else:
        per_row = np.repeat(np.asarray(codes, dtype=np.int64), lengths)
    hints: dict = {"file_codes": (per_row, list(files))}
    if key_codes and len(key_codes) == len(ledgers) and all(k is not None for k in key_codes):
        common: dict[str, int] = {}
        parts = []
        for (codes_f, table), led in zip(key_codes, ledgers):
            if len(codes_f) != len(led):
                return hints
            to_common = np.asarray(
                [common.setdefault(k, len(common)) for k in table], dtype=np.int64
            )
            if np.array_equal(
                to_common, np.arange(len(to_common))
            ):  # the first file's codes are the common ones
                parts.append(codes_f)
            else:
                parts.append(to_common[codes_f] if len(codes_f) else np.zeros(0, dtype=np.int64))
        hints["supplier_codes"] = (
            (parts[0] if len(parts) == 1 else np.concatenate(parts))
            if parts
            else np.zeros(0, dtype=np.int64)
        )
    return hints


def _finish(ledgers, rejects, recons, mappings, warnings, key_codes=None) -> LedgerResult:
    parts = unify_constants(ledgers) if ledgers else []
    ledger = pd.concat(parts, ignore_index=True) if parts else ledger_frame([])
    del parts
    rej = pd.concat(rejects, ignore_index=True) if rejects else rejects_frame([])
    hints = _duplicate_hints(ledgers, key_codes) if ledgers else {}
    ledgers = None  # (memory: the files' frames are in the ledger now)
    ledger, within = flag_duplicates(ledger, **hints)
    recon = pd.DataFrame(recons, columns=RECONCILIATION_COLUMNS + RECON_EXTRA)
    if len(recon):
        # (memory: only the duplicate rows are taken, column by column, and source_file while it is
        # still Categorical; ledger.loc[mask, columns], or a take of an Arrow string column, copies
        # the whole column first: over a gigabyte at 20 million rows)
        rows = np.flatnonzero(ledger["is_duplicate"].to_numpy())
        files = (
            ledger["source_file"].iloc[rows].to_numpy(dtype=object)
            if len(rows)
            else np.zeros(0, dtype=object)
        )
        dup = pd.DataFrame(
            {"source_file": files, "amount_pence": ledger["amount_pence"].to_numpy()[rows]}
        )
        dup = dup.groupby("source_file")["amount_pence"].agg(["count", "sum"])
        recon["rows_duplicate"] = recon["file"].map(dup["count"]).fillna(0).astype("int64")
        recon["total_duplicate_pence"] = recon["file"].map(dup["sum"]).fillna(0).astype("int64")
        recon["rows_repeated_within_file"] = recon["file"].map(within).fillna(0).astype("int64")
    ledger = expand_constants(ledger)  # after the duplicates: their peak without the text
    result = LedgerResult(ledger, rej, recon, pd.DataFrame(mappings), warnings)
    for _, a in result.anchor_reconciliation().iterrows():
        if a["difference_pence"] != 0 or a["rows_in"] != a["rows_ledger"] + a["rows_rejected"]:
            raise LedgerReconciliationError(
                f"anchor {a['anchor']}: reconciliation failed: {a.to_dict()}"
            )
    return result


def read_ledger_file(
    path, anchor_id: str, columns: dict[str, str | list[str]] | None = None
) -> LedgerResult:
    """Read one payment file (CSV, or XLSX with every sheet) into a :class:`LedgerResult`.

    ``columns`` overrides the detected mapping: ``{canonical_field: 'Header As Published'}``
    (or a list of alternative headers, for layouts that change over time).
    Canonical fields: supplier_name, amount, payment_date, transaction_id,
    category, description, company_number, charity_number, supplier_postcode.
    Identical rows within the file are kept (they can be genuine repeat payments).
    """
    ledger, rejects, recon, mappings, warnings, codes = _read_one(path, anchor_id, columns)
    return _finish([ledger], [rejects], [recon], mappings, warnings, [codes])


def read_ledgers(
    paths: Iterable,
    anchor_id: str,
    columns: dict[str, str | list[str]] | None = None,
    progress: bool | Callable[[int, int, Path, dict | None], None] = True,
) -> LedgerResult:
    """Read several payment files of one anchor; flag transactions published in more than one.

    Files are read in the order given and a row already published in an
    earlier file is flagged ``is_duplicate`` (see :func:`flag_duplicates`).
    ``progress=True`` prints one line per file on stderr; a callable gets
    ``(index, count, path, reconciliation_row_or_None)``.  Every file is
    tried; if any cannot be read, one :class:`LedgerReadError` lists them all.
    """
    given = [Path(p) for p in paths]
    if not given:
        raise LedgerReadError("no files given")
    ledgers, rejects, recons, mappings, warnings, errors, key_codes = [], [], [], [], [], [], []
    paths, seen = [], set()
    for p in given:
        key = p.resolve() if p.exists() else p
        if key in seen:
            warnings.append(f"{p}: given more than once; read once")
            continue
        seen.add(key)
        paths.append(p)
    for n, path in enumerate(paths, start=1):
        try:
            led, rej, rec, maps, warns, codes = _read_one(path, anchor_id, columns)
        except LedgerError as exc:
            errors.append(exc)
            rec = None
            if progress is True:
                print(f"[{n}/{len(paths)}] {path.name}: FAILED", file=sys.stderr, flush=True)
        else:
            ledgers.append(led)
            key_codes.append(codes)
            rejects.append(rej)
            recons.append(rec)
            mappings.extend(maps)
            warnings.extend(warns)
            if progress is True:
                print(
                    f"[{n}/{len(paths)}] {path.name}: {rec['rows_in']:,} rows, "
                    f"{rec['rows_ledger']:,} ledger, "
                    f"{rec['rows_rejected']:,} rejected, £{_gbp(rec['total_in_pence'])}",
                    file=sys.stderr,
                    flush=True,
                )
        if callable(progress):
            progress(n, len(paths), path, rec)
    if errors:
        if len(errors) == 1:
            raise errors[0]
        err = LedgerReadError(
            f"{len(errors)} of {len(paths)} files could not be read:\n"
            + "\n".join(f"- {e}" for e in errors)
        )
        err.errors = errors
        raise err
    return _finish(ledgers, rejects, recons, mappings, warnings, key_codes)


# --------------------------------------------------------------------------- outputs


def _reconciliation_csv_frame(recon: pd.DataFrame) -> pd.DataFrame:
    out = recon[RECONCILIATION_COLUMNS].copy()
    for col, pence in (
        ("total_in", "total_in_pence"),
        ("total_ledger", "total_ledger_pence"),
        ("total_rejected", "total_rejected_pence"),
        ("difference", "difference_pence"),
    ):
        out[col] = recon[pence].map(_gbp_plain)
    return out


def write_outputs(result: LedgerResult, out_dir) -> dict[str, Path]:
    """Write ledger.parquet, rejects.csv, reconciliation.csv, columns.csv (the detected column
    mapping) and summary.txt (totals, rejects by reason, duplicate counts) atomically.

    Each file is written to a temporary name in ``out_dir`` and renamed into
    place only when all have been written, so a failed run leaves earlier
    outputs untouched.  Amounts in the CSVs are exact decimal pounds.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rejects = result.rejects.copy()
    rejects["amount"] = rejects["amount_pence"].map(_gbp_plain)
    targets = {
        "ledger": out_dir / "ledger.parquet",
        "rejects": out_dir / "rejects.csv",
        "reconciliation": out_dir / "reconciliation.csv",
        "columns": out_dir / "columns.csv",
        "summary": out_dir / "summary.txt",
    }
    writers = {
        "ledger": lambda p: result.ledger.to_parquet(p, index=False),
        "rejects": lambda p: rejects.to_csv(p, index=False),
        "reconciliation": lambda p: _reconciliation_csv_frame(result.reconciliation).to_csv(
            p, index=False
        ),
        "columns": lambda p: result.mappings.to_csv(p, index=False),
        "summary": lambda p: Path(p).write_text(result.summary() + "\n", encoding="utf-8"),
    }
    return write_all(targets, writers)
