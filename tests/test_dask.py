"""anchor run on a real dask.distributed cluster: a scheduler and two workers on localhost, as
separate processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("distributed")

from anchorlib.run.runner import run_collaborative

FIXTURES = Path(__file__).parent / "fixtures"
BIN = Path(sys.executable).parent

COLLAB = """id: tiny
name: Tiny collaborative
place: {name: Hyndburn, lads: [E07000120]}
anchors:
  - {id: one, name: Anchor one, type: local_authority, ledger: {files: [none.csv]}}
  - {id: two, name: Anchor two, type: fire, ledger: {files: [none.csv]}}
"""


def _report(path: Path, scope: str, order: int) -> None:
    """A trivial report notebook: it sleeps, then prints which process ran it."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["anchorlib"] = {
        "scope": scope,
        "order": order,
        "title": path.stem,
        "inputs": ["collaborative"],
    }
    params = 'collaborative: str = "c.yml"\nsleep: float = 0.0\n' + (
        'anchor: str = "one"\n' if scope == "anchor" else ""
    )
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [
        cell,
        nbformat.v4.new_code_cell(
            "import os, time\nfrom anchorlib.reports import display as report\n"
            "report.header('Tiny', "
            "collaborative='Tiny')\n"
            "time.sleep(sleep)\nprint('ran in', os.getpid())"
        ),
    ]
    nbformat.write(nb, path)


@pytest.fixture()
def tiny(tmp_path, fixture_cache, monkeypatch):
    monkeypatch.setenv("ANCHOR_CATALOGUE", str(FIXTURES / "sources.yml"))
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(FIXTURES / "data"))
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _report(nbs / "summary.ipynb", "collaborative", 1)
    for i in range(1, 3):
        _report(nbs / f"detail{i}.ipynb", "anchor", 10 + i)
    (tmp_path / "c.yml").write_text(COLLAB)
    return tmp_path


class Cluster:
    """``dask scheduler`` and ``dask worker`` processes (no nanny: a killed worker stays dead)."""

    def __init__(self, root: Path):
        self.file = root / "scheduler.json"
        self.procs: dict[str, subprocess.Popen] = {}
        env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
        self.env = env
        self.procs["scheduler"] = subprocess.Popen(
            [
                str(BIN / "dask"),
                "scheduler",
                "--scheduler-file",
                str(self.file),
                "--port",
                "0",
                "--no-dashboard",
                "--host",
                "127.0.0.1",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait(lambda: self.file.is_file(), "the scheduler file")
        for name in ("w1", "w2"):
            self.procs[name] = subprocess.Popen(
                [
                    str(BIN / "dask"),
                    "worker",
                    "--scheduler-file",
                    str(self.file),
                    "--nthreads",
                    "1",
                    "--no-nanny",
                    "--name",
                    name,
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        from distributed import Client

        self.client = Client(scheduler_file=str(self.file), timeout="30s")
        self.client.wait_for_workers(2, timeout=60)

    @staticmethod
    def _wait(cond, what, timeout=60):
        end = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > end:
                raise TimeoutError(f"no {what} after {timeout} s")
            time.sleep(0.1)

    def address_of(self, name: str) -> str:
        return next(
            a for a, w in self.client.scheduler_info()["workers"].items() if w["name"] == name
        )

    def close(self):
        self.client.close()
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
        for p in self.procs.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


@pytest.fixture()
def cluster(tmp_path):
    c = Cluster(tmp_path)
    yield c
    c.close()


def _manifest(root: Path) -> dict:
    return json.loads((root / "out" / "tiny" / "manifest.json").read_text())


def test_a_batch_runs_on_the_cluster_and_the_manifest_names_the_workers(tiny, cluster):
    res = run_collaborative(
        tiny / "c.yml",
        out_root=tiny / "out",
        notebooks_dir=tiny / "notebooks",
        build=False,
        progress=False,
        workers=2,
        scheduler=str(cluster.file),
    )
    assert res.ok, res.summary()
    man = _manifest(tiny)
    assert man["run"]["scheduler"] == cluster.client.scheduler.address
    reports = {r["id"]: r for r in man["reports"]}
    assert set(reports) == {"summary", "detail1-one", "detail1-two", "detail2-one", "detail2-two"}
    assert {r["status"] for r in reports.values()} == {"ok"}
    workers = {cluster.address_of("w1"), cluster.address_of("w2")}
    assert {r["worker"] for r in reports.values()} <= workers
    for rid, r in reports.items():
        assert (tiny / "out" / "tiny" / r["published"]["path"]).is_file(), rid


def test_killing_a_worker_mid_run_loses_nothing(tiny, cluster):
    w2 = cluster.address_of("w2")
    result = {}

    def run():
        result["res"] = run_collaborative(
            tiny / "c.yml",
            out_root=tiny / "out",
            notebooks_dir=tiny / "notebooks",
            build=False,
            progress=False,
            workers=2,
            scheduler=str(cluster.file),
            params=["sleep=2.0"],
        )

    t = threading.Thread(target=run)
    t.start()
    # wait until w2 is executing a report, then kill it outright
    cluster._wait(lambda: cluster.client.processing().get(w2), "report on w2")
    lost = set(cluster.client.processing()[w2])
    cluster.procs["w2"].send_signal(signal.SIGKILL)
    t.join(timeout=240)
    assert not t.is_alive()
    res = result["res"]
    assert res.ok, res.summary()
    reports = {r["id"]: r for r in _manifest(tiny)["reports"]}
    assert len(reports) == 5 and {r["status"] for r in reports.values()} == {"ok"}
    # what w2 was running was rerun, and finished, on w1
    rerun = {r["worker"] for rid, r in reports.items() if any(rid in k for k in lost)}
    assert rerun == {cluster.address_of("w1")}
