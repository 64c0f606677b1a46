"""An interrupted `anchor run` (Ctrl-C, or SIGKILL) leaves the previous site intact; the next run
completes it.

The fixture collaborative (tests/conftest.py's, with simulated staff: six reports) is run once by
the `anchor` command.  Then its description is changed (an input of every report: each must run
again), `anchor run` is started in its own process group, and once one report of the batch has been
published and others are still executing, the group gets SIGINT (what Ctrl-C in a terminal sends) or
SIGKILL, or the runner alone gets SIGINT (`kill -INT`: its workers must be stopped by the runner
itself).  Then:

* every page published before is byte-identical or a complete new version (its page, tables and
executed
  notebook all there, and what the manifest says it is when the manifest says it was published);
* the manifest is valid JSON, and the index pages still link only to pages that exist;
* after SIGINT, the runner has recorded the reports it did not finish as ``not_run`` ("the run was
  interrupted"), removed its staging folder, and every child process it started (the worker
processes and
  their warm Jupyter kernels) is gone; after SIGKILL the workers die with the group and the kernels
notice
  their parent is gone and exit;
* the next run (not forced) executes exactly the reports the manifest does not record as done,
leaves no
  staging or ``.old-*`` folder behind, and the site is complete and all green.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SITE_FIXTURE_COLLAB
from test_determinism import anchor_env, anchor_run

LEDGERS = ROOT / "tests" / "data" / "ledgers"


def descendants(pid: int) -> dict[int, str]:
    """Every live process under ``pid`` (children, their children, ...): pid -> command line."""
    parent: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            parent[int(d.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    out, todo = {}, [pid]
    while todo:
        p = todo.pop()
        for child, ppid in parent.items():
            if ppid == p and child not in out:
                out[child] = cmdline(child)
                todo.append(child)
    return out


def cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline")
            .read_bytes()
            .replace(b"\0", b" ")
            .decode(errors="replace")
            .strip()
        )
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to reap it is not running)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def snapshot(folder: Path) -> dict[str, dict[str, bytes]]:
    """Each published report folder: relative file name -> bytes."""
    reports = folder / "reports"
    return {
        d.name: {
            p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()
        }
        for d in sorted(reports.iterdir())
        if d.is_dir() and not d.name.startswith(".")
    }


def complete(report_dir: Path, record: dict | None = None) -> list[str]:
    """What is missing from a published report folder (its page, every table it links, its
    notebook)."""
    page = report_dir / "index.html"
    if not page.is_file():
        return [f"{report_dir.name}: no index.html"]
    text = page.read_text(encoding="utf-8")
    missing = [
        f"{report_dir.name}: {link}"
        for link in re.findall(r'href="(tables/[^"]+)"', text)
        if not (report_dir / link).is_file()
    ]
    if not list(report_dir.glob("*.ipynb")):
        missing.append(f"{report_dir.name}: no executed notebook")
    if not text.rstrip().endswith("</html>"):
        missing.append(f"{report_dir.name}: index.html is cut short")
    if record and (record.get("published") or {}).get("tables"):
        missing += [
            f"{report_dir.name}: {t['csv']}"
            for t in record["published"]["tables"]
            if not (report_dir / t["csv"]).is_file()
        ]
    return missing


def index_links_ok(folder: Path) -> list[str]:
    text = (folder / "index.html").read_text(encoding="utf-8")
    return [
        link
        for link in re.findall(r'href="(reports/[^"#]+)"', text)
        if not (folder / link).is_file()
    ]


@pytest.fixture(scope="module")
def base(tmp_path_factory, fixture_cache):
    root = tmp_path_factory.mktemp("interrupt")
    collab = root / "collab.yml"
    collab.write_text(SITE_FIXTURE_COLLAB.format(ledgers=LEDGERS))
    anchor_run(collab, root / "base", fixture_cache)
    return {"root": root, "collab": collab, "cache": fixture_cache}


@pytest.mark.parametrize(
    "sig, group",
    [(signal.SIGINT, True), (signal.SIGINT, False), (signal.SIGKILL, True)],
    ids=["SIGINT (Ctrl-C: the process group)", "SIGINT to the runner only", "SIGKILL"],
)
def test_an_interrupted_run_leaves_the_site_intact_and_the_next_run_completes_it(
    base, tmp_path, sig, group
):
    out = tmp_path / "out"
    shutil.copytree(base["root"] / "base", out)
    collab = tmp_path / "collab.yml"
    collab.write_text(
        base["collab"]
        .read_text()
        .replace("(tests/conftest.py)", "(changed, so every report runs again)")
    )
    folder = out / "fixture"
    before = snapshot(folder)
    old_manifest = json.loads((folder / "manifest.json").read_text())
    assert {r["status"] for r in old_manifest["reports"]} == {"ok"} and len(before) == len(
        old_manifest["reports"]
    )

    cmd = [
        sys.executable,
        "-m",
        "anchorlib.cli",
        "run",
        str(collab),
        "--outputs",
        str(out),
        "-q",
        "-w",
        "2",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=anchor_env(base["cache"]),
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    children: dict[int, str] = {}
    try:
        deadline = time.time() + 240
        while True:  # mid-batch: one report published by this run, others still executing
            assert proc.poll() is None, (
                "the run ended before it could be interrupted:\n" + proc.stdout.read()
            )
            assert time.time() < deadline, "no report was published in time"
            children.update(descendants(proc.pid))
            try:
                status = [
                    r["status"]
                    for r in json.loads((folder / "manifest.json").read_text())["reports"]
                ]
            except (OSError, json.JSONDecodeError, KeyError):
                status = []
            if "pending" in status and "ok" in status and list((folder / ".staging").glob("*/*")):
                break
            time.sleep(0.05)
        children.update(descendants(proc.pid))
        (os.killpg if group else os.kill)(proc.pid, sig)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    kernels = {p: c for p, c in children.items() if "ipykernel" in c}
    workers = {p: c for p, c in children.items() if "anchorlib.run.worker --worker" in c}
    assert workers and kernels, children  # what is checked below is not vacuous

    # every child process is gone: workers at once, kernels within their parent-poll interval
    deadline = time.time() + 15
    while time.time() < deadline and any(alive(p) for p in children):
        time.sleep(0.2)
    assert not [f"{p}: {c}" for p, c in children.items() if alive(p)], "processes left behind"

    # the site: every earlier page byte-identical or a complete new version; the manifest readable
    manifest = json.loads((folder / "manifest.json").read_text())
    records = {r["id"]: r for r in manifest["reports"]}
    after = snapshot(folder)
    assert set(after) == set(before), "a published report disappeared"
    done = {rid for rid, r in records.items() if r["status"] == "ok"}
    assert done and done != set(records), (sig, {rid: r["status"] for rid, r in records.items()})
    for rid, files in after.items():
        if files != before[rid]:
            assert not complete(folder / "reports" / rid, records.get(rid)), complete(
                folder / "reports" / rid
            )
    for rid in done:  # what the manifest says is published is this run's version, complete
        assert records[rid]["published"]["key"] == records[rid]["key"] and not complete(
            folder / "reports" / rid
        )
    assert not index_links_ok(folder)
    if sig == signal.SIGINT:
        assert proc.returncode != 0
        for rid in set(records) - done:
            assert (
                records[rid]["status"] == "not_run"
                and records[rid]["error"] == "the run was interrupted"
            )
            assert after[rid] == before[rid], rid  # not finished: the previous version, untouched
        assert not (folder / ".staging").exists(), "the interrupted run left its staging folder"

    # the next run (not forced) executes exactly what was not done, and cleans up
    again = anchor_run(collab, out, base["cache"])
    final = {r["id"]: r for r in json.loads((folder / "manifest.json").read_text())["reports"]}
    executed = {rid for rid, r in final.items() if r["status"] == "ok"}
    assert executed == set(records) - done, again.stdout
    assert {final[rid]["status"] for rid in done} == {"unchanged"}
    assert f"{len(executed)} executed, {len(done)} unchanged, 0 failed" in again.stdout
    assert not (folder / ".staging").exists() and not list((folder / "reports").glob(".old-*"))
    for rid in final:
        assert not complete(folder / "reports" / rid, final[rid]), rid
        assert final[rid]["published"]["key"] == final[rid]["key"]
    assert not index_links_ok(folder)
