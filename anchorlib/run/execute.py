"""Executing a run's reports: those whose key changed, on a pool, each published as it finishes.

Used by :func:`anchorlib.run.runner.run_collaborative` and by
:func:`anchorlib.run.national.run_places`.  The pool is the embedded one
(:class:`anchorlib.run.pool.WorkerPool`) or a Dask cluster (:class:`anchorlib.run.dask.DaskPool`);
both run :func:`anchorlib.run.tasks.run_report`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from anchorlib.data.catalogue import PROJECT_ROOT
from anchorlib.run.dask import DaskPool
from anchorlib.run.errors import RunError
from anchorlib.run.keys import rel_path
from anchorlib.run.notebooks import Job
from anchorlib.run.pool import WorkerPool
from anchorlib.run.publish import now, publish_dir, read_manifest
from anchorlib.run.site import atomic_write_text

__all__ = ["default_workers", "execute_jobs", "make_pool"]


def make_pool(scheduler: str | None, n_workers: int):
    """The embedded pool of worker processes, or a Dask cluster: ``local`` starts a
    ``LocalCluster`` of ``n_workers`` processes; anything else is a scheduler address or scheduler
    file."""
    if not scheduler:
        return WorkerPool(n_workers)
    try:
        return DaskPool(None if scheduler == "local" else scheduler, n_workers)
    except (OSError, TimeoutError, ValueError) as exc:
        raise RunError(
            f"--scheduler {scheduler}: cannot connect to the Dask scheduler: {exc}"
        ) from exc


def default_workers() -> int:
    """The cores this process may use (the default ``--workers``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _progress(total: int, desc: str, enabled: bool):
    return tqdm(
        total=total,
        desc=desc,
        unit="report",
        file=sys.stderr,
        disable=not enabled or total == 0,
        leave=True,
        dynamic_ncols=True,
    )


def _records(
    jobs: list[Job],
    chosen: set[str],
    previous: dict[str, dict],
    out_dir: Path,
    force: bool,
    error: str | None,
) -> tuple[dict[str, dict], list[Job]]:
    """Each report's record before the run (reports not ``chosen`` keep their previous one), and
    the jobs to execute (those whose key changed, or all with ``force``)."""
    records: dict[str, dict] = {}
    for j in jobs:  # reports not selected keep their previous record
        if j.id not in chosen and j.id in previous:
            records[j.id] = previous[j.id]
    todo = []
    for j in jobs:
        if j.id not in chosen:
            continue
        prev = previous.get(j.id, {})
        pub = prev.get("published")
        base = {
            "id": j.id,
            "notebook": rel_path(j.notebook.path, PROJECT_ROOT),
            "title": j.title,
            "anchor": j.anchor,
            "parameters": j.parameters,
            "input_checksums": j.inputs,
            "notebook_sha256": j.notebook.sha256,
            "key": j.key,
            "code_version": j.code,
            "published": pub,
        }
        if error:
            records[j.id] = {**base, "status": "not_run", "duration": 0.0, "error": error}
        elif j.notebook.problem:
            records[j.id] = {
                **base,
                "status": "failed",
                "duration": 0.0,
                "error": j.notebook.problem,
            }
        elif (
            not force
            and pub
            and pub.get("key") == j.key
            and (out_dir / pub.get("path", "")).is_file()
        ):
            records[j.id] = {
                **base,
                "status": "unchanged",
                "duration": 0.0,
                "error": None,
                "last_executed_at": prev.get("executed_at") or prev.get("last_executed_at"),
                "last_duration": prev.get("duration") or prev.get("last_duration"),
            }
        else:
            records[j.id] = {**base, "status": "pending"}
            todo.append(j)
    return records, todo


class _Publisher:
    """Keeps a run's manifest and index pages up to date; publishes each report as it finishes."""

    def __init__(self, jobs, records, chosen, manifest, out_dir, write_index, save_every, t_start):
        self.jobs = jobs
        self.records = records
        self.chosen = chosen
        self.manifest = manifest
        self.out_dir = out_dir
        self.write_index = write_index
        self.save_every = save_every
        self.t_start = t_start
        self.last_save = 0.0
        self.staging_root = out_dir / ".staging" / uuid.uuid4().hex[:8]

    def save(self, final: bool = True) -> None:
        """Rewrite the manifest and the index pages (at most once per ``save_every`` seconds
        unless ``final``)."""
        if not final and self.save_every and time.perf_counter() - self.last_save < self.save_every:
            return
        manifest = self.manifest
        manifest["reports"] = [self.records[j.id] for j in self.jobs if j.id in self.records]
        # this run's counts: reports left out by --only keep their earlier record but are not
        # counted
        st = [r["status"] for r in manifest["reports"] if r["id"] in self.chosen]
        manifest["run"].update(
            executed=st.count("ok"),
            unchanged=st.count("unchanged"),
            failed=st.count("failed") + st.count("not_run"),
            pending=st.count("pending"),
            not_selected=len(manifest["reports"]) - len(st),
            duration=round(time.perf_counter() - self.t_start, 2),
            finished=now(),
        )
        atomic_write_text(
            self.out_dir / "manifest.json", json.dumps(manifest, indent=2, default=str) + "\n"
        )
        self.write_index(self.out_dir, manifest)
        self.last_save = time.perf_counter()

    def finish(self, j: Job, res: dict, log: Callable[[str], None]) -> None:
        """Record a report's result; publish it when it succeeded, keep its executed notebook in
        ``failed/`` when not."""
        rec = self.records[j.id]
        rec.update(
            status=res["status"],
            duration=res["duration"],
            error=res.get("error"),
            error_detail=res.get("error_detail"),
            attempts=res.get("attempts"),
            executed_at=res.get("executed_at"),
            worker=res.get("worker"),
        )
        if res.get("timings"):
            rec["timings"] = res["timings"]
        rec.pop("failed_notebook", None)
        if res["status"] == "ok":
            publish_dir(self.staging_root / j.id, self.out_dir / "reports" / j.id)
            info = res["published"]
            rec["published"] = {
                **info,
                "path": f"reports/{j.id}/index.html",
                "key": j.key,
                "at": now(),
                "notebook": info.get("notebook"),
            }
            rec.pop("error_detail", None)
        else:
            if res.get("executed_notebook"):
                failed = self.out_dir / "failed" / f"{j.id}.ipynb"
                failed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(res["executed_notebook"], failed)
                rec["failed_notebook"] = rel_path(failed, self.out_dir)
            log(f"FAILED {j.id}: {res.get('error')}")
        self.save(final=False)

    def close(self, todo: list[Job]) -> None:
        """The end of the run, finished or interrupted: what did not finish is not published."""
        for j in todo:
            if self.records[j.id]["status"] == "pending":
                self.records[j.id].update(
                    status="not_run", error="the run was interrupted", duration=0.0
                )


def _remove_stale(out_dir: Path, jobs: list[Job]) -> None:
    """Remove published reports no job makes any more."""
    if not (out_dir / "reports").is_dir():
        return
    ids = {j.id for j in jobs}
    for old in (out_dir / "reports").iterdir():
        if old.is_dir() and not old.name.startswith(".") and old.name not in ids:
            shutil.rmtree(old, ignore_errors=True)


def execute_jobs(
    jobs: list[Job],
    *,
    out_dir: Path,
    manifest: dict,
    site: dict,
    write_index: Callable[[Path, dict], None],
    label: str,
    selected: list[str] | None = None,
    force: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    fresh_kernels: bool = False,
    progress: bool = True,
    error: str | None = None,
    log: Callable[[str], None] = lambda m: None,
    t_start: float | None = None,
    save_every: float = 0.0,
) -> dict:
    """Execute the reports ``jobs`` (those whose key changed), publish each into
    ``out_dir/reports/<id>/``, keep ``out_dir/manifest.json`` and the index pages
    (``write_index(out_dir, manifest)``) up to date.

    The caller holds the run's lock on ``out_dir`` and has called
    :func:`anchorlib.run.publish.recover`.  ``manifest``: the manifest's other keys (its ``reports``
    and ``run`` counts are filled in here); ``site``: the page header's links and labels
    (:func:`anchorlib.run.site.export_report`); ``selected``: the report ids to consider
    (``--only``; None: all, and published reports no job makes any more are removed); ``error``:
    the run cannot execute anything (every selected report is ``not_run``); ``save_every``: at most
    one manifest and index rewrite per this many seconds while reports finish (0: after every
    report; always at the end).  Returns ``manifest``.
    """
    t_start = time.perf_counter() if t_start is None else t_start
    previous = {r["id"]: r for r in read_manifest(out_dir / "manifest.json").get("reports", [])}
    manifest.setdefault("run", {})
    chosen = {j.id for j in jobs} if selected is None else set(selected)
    records, todo = _records(jobs, chosen, previous, out_dir, force, error)
    n_workers = max(1, min(workers or default_workers(), len(todo) or 1))
    manifest["run"]["workers"] = n_workers
    pub = _Publisher(jobs, records, chosen, manifest, out_dir, write_index, save_every, t_start)
    tasks = {
        j.id: {
            "id": j.id,
            "notebook": str(j.notebook.path),
            "parameters": j.parameters,
            "staging": str(pub.staging_root / j.id),
            "site": site,
            "fresh_kernels": fresh_kernels,
        }
        for j in todo
    }
    if not todo:
        pub.save()
    pool = make_pool(scheduler, n_workers) if todo else WorkerPool(n_workers)
    if scheduler:
        manifest["run"]["scheduler"] = getattr(pool, "address", scheduler)
    try:
        if todo:
            bar = _progress(len(todo), label, progress)
            try:
                for j, res in pool.map([(j, tasks[j.id]) for j in todo]):
                    pub.finish(j, res, log)
                    bar.update(1)
                    bar.set_postfix_str(j.id)
            finally:
                bar.close()
        if selected is None:  # reports no job makes any more
            _remove_stale(out_dir, jobs)
    finally:
        pub.close(todo)
        pool.close()
        pub.save()
        staging_root = pub.staging_root
        shutil.rmtree(staging_root, ignore_errors=True)
        if staging_root.parent.is_dir() and not any(staging_root.parent.iterdir()):
            staging_root.parent.rmdir()
    return manifest
