"""Benchmark: the national baseline batch, ``anchor run --places lads`` (every LAD 2024 in England).

    python -m benchmarks --national [--national-limit N] [--workers 2] [--national-kind lads]

Runs :func:`anchorlib.run.national.run_places` into a temporary outputs folder, as a user's first
run would (the reference data already in the Parquet cache, the national asset not yet built), then
once more with nothing changed.  Reports:

* the **wall time**: the whole run, and its two parts: the national asset (one pass over England's
  LSOAs) and the reports;
* the **per-notebook** median, 90th percentile and maximum (a report's time in its worker: execution
  and export);
* the **breakdown** of a report, median and total over all reports: *kernel* (the warm kernel's
  reset, and papermill's own work around the cells: parameters, client, saving the executed
  notebook; the first report on each worker also starts the kernel and imports the libraries into
  it, shown apart), *imports*, *data load*, *plotting* (the notebook's cells tagged
  ``timing-imports``, ``timing-load``, ``timing-plot``, from the durations papermill records in the
  executed notebook), *other cells* (reading, tables) and *export* (HTML, tables as CSV and XLSX:
  :func:`anchorlib.run.site.export_report`, timed by the worker);
* the runner's own share: wall time x workers - the reports' time (index and manifest writes,
  publishing, idle workers at the end).
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from pathlib import Path

__all__ = ["bench_national", "format_national", "report_breakdown"]

TAGS = {"timing-imports": "imports", "timing-load": "data load", "timing-plot": "plotting"}
PARTS = ["kernel", "imports", "data load", "plotting", "other cells", "export"]


def report_breakdown(record: dict, executed: Path) -> dict:
    """One report's seconds by part, from its manifest record (timings) and its executed
    notebook."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    parts = dict.fromkeys(PARTS, 0.0)
    cells = 0.0
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        d = float((c.metadata.get("papermill") or {}).get("duration") or 0.0)
        cells += d
        tag = next((TAGS[t] for t in c.metadata.get("tags", []) if t in TAGS), "other cells")
        parts[tag] += d
    t = record.get("timings") or {}
    parts["export"] = float(t.get("export", 0.0))
    parts["kernel"] = max(0.0, float(t.get("execute", record.get("duration", 0.0))) - cells)
    parts["total"] = float(record.get("duration", 0.0))
    return parts


def bench_national(
    kind: str = "lads", *, workers: int = 2, limit: int | None = None, out_root: Path | None = None
) -> dict:
    from anchorlib.run.national import run_places

    with tempfile.TemporaryDirectory(prefix="anchor-bench-national-") as tmp:
        out = Path(out_root or tmp)
        t0 = time.perf_counter()
        res = run_places(kind, out_root=out, workers=workers, limit=limit, progress=False)
        wall = time.perf_counter() - t0
        if not res.ok:
            raise RuntimeError(res.summary())
        man = res.manifest
        site = out / f"places-{kind}"
        recs = [r for r in man["reports"] if r["status"] == "ok"]
        rows = [
            {
                "id": r["id"],
                "worker": r.get("worker"),
                "executed_at": r.get("executed_at"),
                **report_breakdown(r, site / "reports" / r["id"] / f"{r['id']}.ipynb"),
            }
            for r in recs
        ]
        first = {}
        for r in sorted(rows, key=lambda r: r["executed_at"] or ""):
            first.setdefault(
                r["worker"], r["id"]
            )  # the first report on each worker started its kernel
        steady = [r for r in rows if r["id"] not in set(first.values())]
        asset = man["assets"]["national"]
        t1 = time.perf_counter()
        again = run_places(kind, out_root=out, workers=workers, limit=limit, progress=False)
        rerun = time.perf_counter() - t1
        durations = [r["total"] for r in rows]

        def q(vals, p):
            vals = sorted(vals)
            return vals[min(len(vals) - 1, int(round(p * (len(vals) - 1))))] if vals else 0.0

        reports_wall = wall - float(asset.get("duration") or 0.0)
        return {
            "kind": kind,
            "reports": len(rows),
            "workers": man["run"]["workers"],
            "wall_s": wall,
            "asset_s": float(asset.get("duration") or 0.0),
            "asset_status": asset["status"],
            "reports_wall_s": reports_wall,
            "per_notebook": {
                "median_s": statistics.median(durations),
                "p90_s": q(durations, 0.9),
                "max_s": max(durations),
                "min_s": min(durations),
            },
            "breakdown_median_s": {
                p: statistics.median(r[p] for r in steady or rows) for p in PARTS
            },
            "breakdown_total_s": {p: sum(r[p] for r in rows) for p in PARTS},
            "first_report_kernel_s": [r["kernel"] for r in rows if r["id"] in set(first.values())],
            "runner_share_s": reports_wall * man["run"]["workers"] - sum(durations),
            "rerun_unchanged_s": rerun,
            "rerun_executed": again.manifest["run"]["executed"],
            # a re-run executes again only when something changed: e.g. anchorlib code edited during
            # the bench
            "rerun_code_changed": _code(res.manifest) != _code(again.manifest),
            "rerun_reports_s_per_notebook": (
                statistics.median(
                    r["duration"] for r in again.manifest["reports"] if r["status"] == "ok"
                )
                if again.manifest["run"]["executed"]
                else None
            ),
            "load_average": os.getloadavg(),
        }


def _code(manifest: dict) -> set:
    return {(r.get("code_version") or {}).get("code_sha256") for r in manifest.get("reports", [])}


def format_national(b: dict) -> str:
    pn = b["per_notebook"]
    lines = [
        f"{b['reports']} {b['kind']} reports on {b['workers']} workers: {b['wall_s']:.1f} s wall "
        f"(national asset {b['asset_status']} in {b['asset_s']:.1f} s, reports "
        f"{b['reports_wall_s']:.1f} s)",
        f"per notebook: median {pn['median_s']:.2f} s, 90th percentile {pn['p90_s']:.2f} s, "
        f"max {pn['max_s']:.2f} s",
        f"{'part':<12} {'median':>8} {'total':>9}",
    ]
    for p in PARTS:
        lines.append(
            f"{p:<12} {b['breakdown_median_s'][p]:>7.3f}s {b['breakdown_total_s'][p]:>8.1f}s"
        )
    ks = ", ".join(f"{k:.1f}" for k in b["first_report_kernel_s"])
    lines.append(f"kernel of the first report on each worker (start + warm imports): {ks} s")
    lines.append(
        f"runner's own share (wall x workers - reports): {b['runner_share_s']:.1f} worker-s"
    )
    if b["rerun_executed"] and b.get("rerun_code_changed"):
        lines.append(
            f"re-run: {b['rerun_unchanged_s']:.1f} s, {b['rerun_executed']} executed again: the "
            "anchorlib code the reports use changed during the benchmark (edited meanwhile); "
            f"median {b['rerun_reports_s_per_notebook']:.2f} s a notebook"
        )
    else:
        lines.append(
            f"re-run, nothing changed: {b['rerun_unchanged_s']:.1f} s ({b['rerun_executed']} "
            "executed)"
        )
    lines.append(
        "load average at the end (1, 5, 15 min): "
        + ", ".join(f"{x:.1f}" for x in b["load_average"])
    )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    import sys

    r = bench_national(sys.argv[1] if len(sys.argv) > 1 else "lads")
    print(format_national(r))
    print(json.dumps(r, indent=2))
