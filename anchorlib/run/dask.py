"""Run report notebooks on a Dask distributed cluster (``anchor run --scheduler ADDRESS``).

The runner builds the shared assets once, on the machine it runs on, in the
outputs folder; every worker must see that folder (and the project) at the
same path: a shared file system, or workers on the same machine.  Each task
executes one notebook into the run's staging folder and exports it; the runner
publishes it as usual.  The manifest records the worker that ran each report.

When a worker dies mid-report, the scheduler reruns its tasks on another worker
(Dask's own recovery: a task is retried on up to ``distributed.scheduler.allowed-failures``
workers before it is declared failed), so a lost worker loses nothing.  The task function is
:func:`anchorlib.run.tasks.run_report`, the one the embedded pool's workers run too.  A
report that fails on its own (an error in the notebook) is not retried: it is
collected like any other failure.
"""

from __future__ import annotations

import threading
import uuid

from anchorlib.run.tasks import run_report, worker_init

__all__ = ["DaskPool", "run_report_on_worker"]

_init_lock = threading.Lock()
_initialised = False


def run_report_on_worker(task: dict) -> dict:
    """The Dask task: one report, on whichever worker the scheduler chose (imports prepared once per
    worker)."""
    global _initialised
    with _init_lock:
        if not _initialised:
            worker_init()
            _initialised = True
    res = run_report(task)
    try:
        from distributed import get_worker

        res["worker"] = get_worker().address
    except ValueError:  # not on a worker (tests calling it directly)
        pass
    return res


class DaskPool:
    """The runner's pool interface (``map`` yielding ``(job, result)`` as each finishes,
    ``close``) on Dask.

    ``address``: a scheduler address (``tcp://host:8786``) or a scheduler file
    (``scheduler.json``); ``None`` starts a local cluster of ``n`` worker processes
    with one thread each.
    """

    def __init__(self, address: str | None, n: int = 2, *, timeout: str = "30s"):
        from distributed import Client, LocalCluster

        self.cluster = None
        if address is None:
            self.cluster = LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self.client = Client(self.cluster)
        elif address.endswith(".json"):
            self.client = Client(scheduler_file=address, timeout=timeout)
        else:
            self.client = Client(address, timeout=timeout)
        self.address = self.client.scheduler.address

    def workers(self) -> list[str]:
        return sorted(self.client.scheduler_info().get("workers", {}))

    def map(self, items: list):
        from distributed import as_completed

        if not items:
            return
        run = uuid.uuid4().hex[:8]
        futures = {}
        for job, task in items:
            fut = self.client.submit(
                run_report_on_worker, task, key=f"report-{task['id']}-{run}", pure=False
            )
            futures[fut] = (job, task)
        for fut in as_completed(list(futures)):
            job, task = futures[fut]
            try:
                res = fut.result()
            except Exception as exc:
                res = {
                    "id": task["id"],
                    "status": "failed",
                    "duration": 0.0,
                    "attempts": 1,
                    "error": f"dask: {type(exc).__name__}: "
                    f"{str(exc).splitlines()[0] if str(exc) else ''}",
                }
            yield job, res

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()
