"""The task function: execute one report notebook into its staging folder and export it.

Both pools run it: the embedded pool's worker processes (:mod:`anchorlib.run.pool`) and Dask's
workers (:mod:`anchorlib.run.dask`); each prepares its process once with :func:`worker_init`.
Neither pool imports the other.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import socket
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

from anchorlib.data.catalogue import PROJECT_ROOT
from anchorlib.run.site import export_report

__all__ = [
    "KERNEL_ARGS",
    "execute_with_retry",
    "first_line",
    "is_kernel_start_failure",
    "lean_imports",
    "run_report",
    "worker_init",
]

KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]


def is_kernel_start_failure(exc: BaseException) -> bool:
    """True for a kernel that did not start or died before running the notebook (worth one retry);
    False for an error raised by the notebook's own code."""
    try:
        from papermill.exceptions import PapermillExecutionError

        if isinstance(exc, PapermillExecutionError):
            return False
    except ImportError:  # pragma: no cover
        pass
    name = type(exc).__name__
    text = str(exc).lower()
    if name in ("DeadKernelError", "ZMQError", "NoSuchKernel"):
        return name != "NoSuchKernel"
    return (
        isinstance(exc, (TimeoutError, RuntimeError, ConnectionError, OSError)) and "kernel" in text
    )


def first_line(text: str) -> str:
    """The first line of ``text`` that is not blank, stripped (an error message's headline)."""
    return next((line.strip() for line in str(text).splitlines() if line.strip()), "")


def execute_with_retry(execute: Callable[[], None], retries: int = 1) -> int:
    """Run ``execute``; retry it ``retries`` times when the kernel fails to start.  Returns the
    attempts made."""
    attempt = 0
    while True:
        attempt += 1
        try:
            execute()
            return attempt
        except Exception as exc:
            if attempt <= retries and is_kernel_start_failure(exc):
                continue
            exc.attempts = attempt  # type: ignore[attr-defined]
            raise


def lean_imports() -> None:
    """Keep notebook tooling imports fast in a batch process.

    jupyterlab's dependency tree installs ``rfc3987_syntax``, which ``jsonschema``
    imports when present and which builds a grammar at import time (about 1 s on a
    2-core machine, in every process that imports nbformat).  Its only use is to
    check the ``iri`` string format, which notebook validation never asks for, so the
    batch worker tells Python it is absent.  Researchers' Jupyter is unaffected."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def worker_init() -> None:
    """Prepare a worker process once: lean imports, quiet logs, papermill and nbconvert imported,
    the warm kernel engine registered (its kernel shut down when the process exits)."""
    lean_imports()
    warnings.filterwarnings("ignore")
    logging.getLogger("papermill").setLevel(logging.ERROR)
    import nbconvert  # noqa: F401 - imported once per worker, not once per report
    import papermill  # noqa: F401

    # papermill at import: imported by the workers only, after lean_imports
    from anchorlib.run.warm_kernel import register, shutdown

    register()
    atexit.register(shutdown)


def _warm_engine() -> str:
    from anchorlib.run.warm_kernel import register

    return register()


def run_report(task: dict) -> dict:
    """Execute one notebook into its staging folder and export it (runs in a worker process)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    t0 = time.perf_counter()
    staging = Path(task["staging"])
    staging.mkdir(parents=True, exist_ok=True)
    executed = staging / f"{task['id']}.ipynb"
    res = {
        "id": task["id"],
        "status": "failed",
        "error": None,
        "error_detail": None,
        "attempts": 0,
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "executed_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    try:
        engine = None if task.get("fresh_kernels") else _warm_engine()
        res["attempts"] = execute_with_retry(
            lambda: pm.execute_notebook(
                task["notebook"],
                str(executed),
                parameters=task["parameters"],
                cwd=str(PROJECT_ROOT),
                engine_name=engine,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                start_timeout=task.get("start_timeout", 60),
                extra_arguments=KERNEL_ARGS,
            )
        )
        t_exported = time.perf_counter()
        info = export_report(executed, staging, task["site"])
        info["notebook"] = executed.name
        res.update(status="ok", published=info)
        res["timings"] = {
            "execute": round(t_exported - t0, 3),
            "export": round(time.perf_counter() - t_exported, 3),
        }
    except PapermillExecutionError as exc:
        res.update(
            attempts=getattr(exc, "attempts", 1),
            error=first_line(f"{exc.ename}: {exc.evalue}"),
            error_detail="\n".join(exc.traceback)[-4000:] if exc.traceback else str(exc),
        )
    except Exception as exc:
        res.update(
            attempts=getattr(exc, "attempts", res["attempts"] or 1),
            error=first_line(f"{type(exc).__name__}: {exc}"),
            error_detail=traceback.format_exc()[-4000:],
        )
    res["duration"] = round(time.perf_counter() - t0, 2)
    res["executed_notebook"] = str(executed) if executed.is_file() else None
    return res
