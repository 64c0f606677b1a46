"""Every notebook in notebooks/ (reports and the quickstart, whatever they are) runs top to bottom
with its default parameters, under ``pytest --nbval-lax``.

This is a notebook as a researcher opens it in Jupyter: no parameter injected, the defaults of its
``parameters`` cell (the demo collaborative; ``outputs: ""``, the project's ``outputs/``). The
shared assets a notebook reads (ledger, supplier register, place asset) are built first, once per
session per (collaborative, outputs) pair found in the notebooks' defaults, by the same
``build_assets`` that ``anchor run`` uses: skipped when their inputs are unchanged, under the run's
lock on ``outputs/<id>/.run.lock`` (so never while an ``anchor run`` of the same collaborative is
writing them).

``--nbval-lax``: outputs are not compared with stored ones (the notebooks are committed without
outputs); a cell that raises fails the notebook. Each notebook runs in its own
``pytest --nbval-lax`` process, whose report is shown when it fails. Real data: skipped without
../shared (the demo's ledgers are in it).
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, clear_anchorlib_caches, real_data_env, require_real_data

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LOCK_WAIT = 900  # seconds to wait for another run of the same collaborative to finish

pytestmark = pytest.mark.site


def parameter_defaults(path: Path) -> dict:
    """The defaults of the cell tagged ``parameters`` (literals only), e.g.
    {"collaborative": "...", ...}."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            out = {}
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for t in targets:
                        if isinstance(t, ast.Name):
                            with contextlib.suppress(ValueError):
                                out[t.id] = ast.literal_eval(node.value)
            return out
    return {}


def _build_assets(collaborative: str, outputs: str) -> dict:
    """``anchor run``'s shared-asset step for a notebook's default collaborative and outputs
    folder."""
    from anchorlib.config.collaborative import load_collaborative
    from anchorlib.reports.params import project_path
    from anchorlib.run.shared_assets import build_assets

    collab = load_collaborative(project_path(collaborative))
    out_root = project_path(outputs) if outputs else None
    lock_path = collab.output_dir(out_root) / ".run.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"{lock_path}: another `anchor run` held the lock for {LOCK_WAIT} s"
                    )
                time.sleep(1)
        try:
            return build_assets(collab, out_root)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def notebook_assets():
    """Build (or find unchanged) the shared assets for a (collaborative, outputs) pair, once per
    session."""
    done: dict[tuple[str, str], dict] = {}

    def ensure(collaborative: str, outputs: str) -> dict:
        key = (collaborative, outputs)
        if key not in done:
            with pytest.MonkeyPatch.context() as mp:
                real_data_env(mp)
                clear_anchorlib_caches()
                try:
                    done[key] = _build_assets(collaborative, outputs)
                finally:
                    clear_anchorlib_caches()
        return done[key]

    return ensure


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_its_default_parameters(notebook, notebook_assets):
    require_real_data()
    defaults = parameter_defaults(notebook)
    if isinstance(defaults.get("collaborative"), str) and defaults["collaborative"]:
        notebook_assets(defaults["collaborative"], defaults.get("outputs") or "")
    env = os.environ.copy()
    for var in ("ANCHOR_CATALOGUE", "ANCHOR_NO_SHARED"):
        env.pop(var, None)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "--rootdir",
        str(ROOT),
        "--nbval-lax",
        "--nbval-current-env",
        str(notebook),
    ]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    print(f"{notebook.name}: nbval {time.perf_counter() - t0:.1f} s")
    report = (out.stdout + out.stderr).strip()
    assert out.returncode == 0, f"`{' '.join(cmd[2:])}` failed:\n" + report[-8000:]
