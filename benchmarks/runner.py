"""Benchmark: the batch runner's per-notebook overhead, against a bare papermill loop.

Both sides execute the same N small parameterised notebooks (each imports
pandas and matplotlib, draws one chart and writes the report header) on the same
number of worker processes:

* **bare**: each worker process loops over its share calling
  ``papermill.execute_notebook`` (a fresh kernel per notebook, papermill's own
  defaults), and exports nothing;
* **runner**: :func:`anchorlib.run.runner.run_collaborative` with ``--force``: warm
  kernels reset before every notebook, plus what the bare loop does not do (the
  HTML export with tables and figures, the manifest, atomic publishing).

Also measured: re-running the unchanged demo collaborative (``anchor run``
when nothing changed executes nothing; the target is under 10 s).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

__all__ = ["bench_runner", "format_runner", "bench_incremental"]

_CODE = """import pandas as pd
import matplotlib.pyplot as plt
from anchorlib.reports import display as report
report.header(f"Trivial report {n}", collaborative="Benchmark")
df = pd.DataFrame({"year": [2021, 2022, 2023], "value (£)": [n, n * 2, n * 3]})
fig, ax = plt.subplots(figsize=(4, 2))
ax.plot(df["year"], df["value (£)"])
plt.show()
"""

_COLLAB = """id: bench
name: Runner benchmark
place: {name: Hyndburn, lads: [E07000120]}
anchors:
  - {id: one, name: Anchor one, type: local_authority, ledger: {files: [none.csv]}}
"""


#: Kernels' own log lines off on both sides (as the runner does): they change no timing, only the
#: noise.
_QUIET = ["--IPKernelApp.log_level=CRITICAL"]


def _write_notebooks(folder: Path, n: int) -> list[Path]:
    import nbformat

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.metadata["anchorlib"] = {
            "scope": "collaborative",
            "order": i,
            "title": f"Report {i}",
            "inputs": ["collaborative"],
        }
        cell = nbformat.v4.new_code_cell(f'collaborative: str = "bench.yml"\nn: int = {i}')
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [cell, nbformat.v4.new_code_cell(_CODE)]
        path = folder / f"report_{i:03d}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def _bare_share(paths: list[str], out: str) -> None:
    import papermill as pm

    for p in paths:
        pm.execute_notebook(
            p,
            str(Path(out) / Path(p).name),
            parameters={"n": 1},
            progress_bar=False,
            log_output=False,
            extra_arguments=_QUIET,
        )


def _bare(paths: list[Path], out: Path, workers: int) -> float:
    shares = [[str(p) for p in paths[i::workers]] for i in range(workers)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_bare_share, shares, [str(out)] * workers))
    return time.perf_counter() - t0


def _runner(nb_dir: Path, collab: Path, out: Path, workers: int) -> tuple[float, dict]:
    from anchorlib.run.runner import run_collaborative

    t0 = time.perf_counter()
    res = run_collaborative(
        collab,
        out_root=out,
        notebooks_dir=nb_dir,
        build=False,
        progress=False,
        workers=workers,
        force=True,
    )
    took = time.perf_counter() - t0
    if not res.ok:
        raise RuntimeError(res.summary())
    return took, res.manifest


def bench_runner(n: int = 24, workers: int = 2, repeat: int = 2) -> dict:
    """Wall time of ``n`` notebooks through the runner and through a bare papermill loop (best of
    ``repeat``)."""
    with tempfile.TemporaryDirectory(prefix="anchor-bench-runner-") as tmp:
        root = Path(tmp)
        paths = _write_notebooks(root / "notebooks", n)
        collab = root / "bench.yml"
        collab.write_text(_COLLAB, encoding="utf-8")
        bare, runner = [], []
        for r in range(repeat):
            out = root / f"bare{r}"
            out.mkdir()
            bare.append(_bare(paths, out, workers))
            runner.append(_runner(root / "notebooks", collab, root / f"site{r}", workers)[0])
    b, w = min(bare), min(runner)
    return {
        "notebooks": n,
        "workers": workers,
        "bare_s": round(b, 2),
        "runner_s": round(w, 2),
        "bare_per_nb_s": round(b / n * workers, 3),
        "runner_per_nb_s": round(w / n * workers, 3),
        "speedup": round(b / w, 2),
    }


def bench_incremental(collab: str = "collaboratives/lancashire.yml") -> dict | None:
    """Seconds for ``anchor run`` on the demo when nothing changed (it is run once first to be up to
    date)."""
    from anchorlib.data.catalogue import PROJECT_ROOT

    anchor = Path(sys.executable).parent / "anchor"
    cmd = [str(anchor), "run", collab, "-q"]
    first = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True)
    if first.returncode != 0:
        return None
    t0 = time.perf_counter()
    again = subprocess.run(cmd, cwd=PROJECT_ROOT, capture_output=True, text=True)
    took = time.perf_counter() - t0
    return {
        "seconds": round(took, 2),
        "ok": again.returncode == 0,
        "summary": again.stdout.strip().splitlines()[0] if again.stdout.strip() else "",
    }


def format_runner(r: dict, inc: dict | None = None) -> str:
    lines = [
        f"runner overhead: {r['notebooks']} small notebooks on {r['workers']} workers: bare "
        f"papermill loop {r['bare_s']:.1f} s ({r['bare_per_nb_s']:.2f} s a notebook a worker), "
        f"anchor run {r['runner_s']:.1f} s ({r['runner_per_nb_s']:.2f} s): {r['speedup']:.1f}x "
        "faster (target >= 2x)"
    ]
    if inc:
        lines.append(
            f"incremental: unchanged demo re-run {inc['seconds']:.1f} s (target < 10 s): "
            f"{inc['summary']}"
        )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    print(format_runner(bench_runner(), bench_incremental()))
