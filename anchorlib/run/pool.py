"""The embedded pool: long-lived worker processes, each running reports one by one.

``n`` threads each feed one worker process (:mod:`anchorlib.run.worker`) one JSON task a line and
read back one JSON result a line; a worker that dies fails only its report and is replaced.  The
workers run :func:`anchorlib.run.tasks.run_report` (the Dask pool runs the same function:
:mod:`anchorlib.run.dask`).
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading

from anchorlib.data.catalogue import PROJECT_ROOT
from anchorlib.run.tasks import first_line

__all__ = ["Worker", "WorkerPool"]


class Worker:
    """A long-lived worker process: imports papermill and nbconvert once, then runs reports one by
    one.

    Plain subprocesses, not multiprocessing: the caller's ``__main__`` is never re-imported.
    """

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "anchorlib.run.worker", "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=str(PROJECT_ROOT),
        )

    def run(self, task: dict) -> dict:
        self.proc.stdin.write(json.dumps(task, default=str) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker process exited (status {self.proc.wait()})")
        return json.loads(line)

    def close(self, terminate: bool = False) -> None:
        if self.proc.poll() is None:
            if terminate:
                self.proc.terminate()
            else:
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class WorkerPool:
    """``n`` threads, each feeding one worker process; results come back as they finish."""

    def __init__(self, n: int):
        self.n = n
        self.workers: list[Worker] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _loop(self, tasks: queue.Queue, results: queue.Queue) -> None:
        worker = None
        try:
            while not self.stop.is_set():
                try:
                    job, task = tasks.get_nowait()
                except queue.Empty:
                    return
                try:
                    if worker is None:
                        worker = Worker()
                        with self.lock:
                            self.workers.append(worker)
                    res = worker.run(task)
                except Exception as exc:
                    res = {
                        "id": task["id"],
                        "status": "failed",
                        "duration": 0.0,
                        "attempts": 1,
                        "error": first_line(f"worker: {type(exc).__name__}: {exc}"),
                    }
                    if worker is not None:
                        worker.close(terminate=True)
                    worker = None
                results.put((job, res))
        finally:
            if worker is not None:
                worker.close()

    def map(self, items: list):
        """Yield ``(job, result)`` as each finishes."""
        tasks: queue.Queue = queue.Queue()
        results: queue.Queue = queue.Queue()
        for it in items:
            tasks.put(it)
        threads = [
            threading.Thread(target=self._loop, args=(tasks, results), daemon=True)
            for _ in range(min(self.n, len(items)))
        ]
        for t in threads:
            t.start()
        for _ in range(len(items)):
            while True:
                try:
                    yield results.get(timeout=0.5)
                    break
                except queue.Empty:
                    if not any(t.is_alive() for t in threads) and results.empty():
                        return
        for t in threads:
            t.join()

    def close(self) -> None:
        """Stop: no new reports start; running workers are terminated (their kernels shut down)."""
        self.stop.set()
        with self.lock:
            workers = list(self.workers)
        for w in workers:
            w.close(terminate=True)
