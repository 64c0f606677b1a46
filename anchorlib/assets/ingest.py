"""``anchor ingest``: every anchor's payment files to one canonical, reconciled ledger.

Load inputs (each anchor's files, checksum-verified when they come from the
catalogue) / process (read, canonicalise, reconcile, flag duplicates per
anchor) / save outputs under ``outputs/<collaborative>/data/``: ledger.parquet,
rejects.csv, reconciliation.csv (per file), reconciliation_anchors.csv,
columns.csv, summary.txt and ingest.json (what was read, with checksums).
All outputs are replaced together only when the whole ingest succeeds.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from anchorlib import __version__
from anchorlib.config.collaborative import Collaborative
from anchorlib.core.atomic import write_all
from anchorlib.data.catalogue import data_roots, sha256_of, verified_sha256
from anchorlib.ledgers.canonical import LedgerResult, read_ledgers, write_outputs


@dataclass
class IngestResult:
    collaborative: str
    result: LedgerResult
    files: pd.DataFrame  # anchor, file, sha256, bytes
    outputs: dict[str, Path]


def display_path(path: Path) -> str:
    """A file's path relative to its data root (portable between machines), else as given."""
    from anchorlib.data.extract import DEMO_DIR

    for root in [
        DEMO_DIR,
        *data_roots(),
    ]:  # a byte-identical copy in the demo extract: the same path
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def _relabel(result: LedgerResult, names: dict[str, str]) -> LedgerResult:
    """Replace absolute source paths by their display paths in every table (and in the ledger's
    ``duplicate_of``, which names the first publication as ``file:row``)."""

    def swap(df: pd.DataFrame, col: str) -> pd.DataFrame:
        if col in df.columns:
            df = df.assign(**{col: df[col].map(lambda v: names.get(v, v))})
        return df

    def swap_location(df: pd.DataFrame, col: str) -> pd.DataFrame:
        """``file:row`` (or ``file:sheet!row``) locations: swap the file part."""
        if col not in df.columns or not len(df):
            return df
        by_length = sorted(
            names, key=len, reverse=True
        )  # the longest path first: one may prefix another

        def one(v):
            if isinstance(v, str):
                for old in by_length:
                    if v.startswith(old + ":"):
                        return names[old] + v[len(old) :]
            return v

        return df.assign(**{col: df[col].map(one).astype(df[col].dtype)})

    return LedgerResult(
        ledger=swap_location(swap(result.ledger, "source_file"), "duplicate_of"),
        rejects=swap(result.rejects, "source_file"),
        reconciliation=swap(result.reconciliation, "file"),
        mappings=swap(result.mappings, "source_file"),
        warnings=[_swap_text(w, names) for w in result.warnings],
    )


def _swap_text(text: str, names: dict[str, str]) -> str:
    for old, new in names.items():
        text = text.replace(old, new)
    return text


def combine(results: list[LedgerResult]) -> LedgerResult:
    """One LedgerResult from several anchors' results (each already reconciled per file)."""

    def cat(attr: str) -> pd.DataFrame:
        frames = [getattr(r, attr) for r in results if len(getattr(r, attr))]
        return pd.concat(frames, ignore_index=True) if frames else getattr(results[0], attr)

    return LedgerResult(
        ledger=cat("ledger"),
        rejects=cat("rejects"),
        reconciliation=cat("reconciliation"),
        mappings=cat("mappings"),
        warnings=[w for r in results for w in r.warnings],
    )


def _progress_printer(anchor_id: str, quiet: bool):
    """A progress bar over files on stderr: redrawn in place on a terminal, every 10% in a log."""
    tty = sys.stderr.isatty()

    def show(n: int, total: int, path: Path, rec: dict | None) -> None:
        if quiet or (not tty and n != total and n % max(1, total // 10)):
            return
        state = "FAILED" if rec is None else f"{rec['rows_in']:,} rows"
        bar = "#" * int(20 * n / total)
        line = f"{anchor_id:<18} [{bar:<20}] {n:>4}/{total} {path.name[:40]:<40} {state:<14}"
        print(
            f"\r{line}" if tty else line,
            end="\n" if (n == total or not tty) else "",
            flush=True,
            file=sys.stderr,
        )

    return show


def ingest(
    collab: Collaborative,
    out_root: Path | None = None,
    quiet: bool = False,
    anchors: list[str] | None = None,
) -> IngestResult:
    """Read every anchor's ledger files and write the collaborative's canonical ledger outputs."""
    results, files = [], []
    for anchor in collab.anchors:
        if anchors and anchor.id not in anchors:
            continue
        paths = collab.ledger_files(anchor)
        res = read_ledgers(
            paths,
            anchor.id,
            columns=anchor.ledger.columns,
            progress=_progress_printer(anchor.id, quiet),
        )
        names = {str(p): display_path(p) for p in paths}
        results.append(_relabel(res, names))
        files += [
            {
                "anchor": anchor.id,
                "file": names[str(p)],
                "sha256": verified_sha256(p),
                "bytes": p.stat().st_size,
            }
            for p in paths
        ]
    combined = combine(results)
    out_dir = collab.output_dir(out_root) / "data"
    outputs = write_outputs(combined, out_dir)
    outputs.update(_write_extras(collab, combined, pd.DataFrame(files), out_dir))
    return IngestResult(collab.id, combined, pd.DataFrame(files), outputs)


def _write_extras(
    collab: Collaborative, result: LedgerResult, files: pd.DataFrame, out_dir: Path
) -> dict:
    anchors = result.anchor_reconciliation()
    manifest = {
        "collaborative": collab.id,
        "collaborative_file_sha256": sha256_of(collab.path),
        "anchorlib_version": __version__,
        "files": files.to_dict(orient="records"),
        "rows_ledger": int(len(result.ledger)),
        "rows_rejected": int(len(result.rejects)),
    }
    targets = {
        "reconciliation_anchors": out_dir / "reconciliation_anchors.csv",
        "manifest": out_dir / "ingest.json",
    }
    writers = {
        "reconciliation_anchors": lambda p: anchors.to_csv(p, index=False),
        "manifest": lambda p: Path(p).write_text(json.dumps(manifest, indent=2) + "\n"),
    }
    return write_all(targets, writers)
