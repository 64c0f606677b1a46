"""A papermill engine that reuses one warm Jupyter kernel per worker process, with each execution
isolated.

Why: in a batch of many small reports the fixed cost per notebook (starting a
kernel, about 0.5 s on a 2-core machine, then importing pandas, geopandas and
matplotlib, about 0.7 s) outweighs the work.  This engine starts the kernel once
per worker process, imports the heavy libraries into it once, and before every
execution resets the kernel to a clean state:

* a fresh user namespace and a new history session (``InteractiveShell.reset``):
  no variable, ``In``/``Out`` entry or ``__annotations__`` survives, and execution
  counts start again at 1;
* the working directory, ``sys.path``, ``os.environ``, the warning filters and the
  root logger level restored to what they were when the kernel was warmed;
* every matplotlib figure closed and ``matplotlib.rcParams`` restored.

What survives on purpose: imported modules (that is the saving) and their caches
of read-only reference data.  A notebook that monkeypatches a library module
would leak that patch to the next one; report notebooks must not do that.  The
kernel is recycled after ``max_runs`` executions (bounded memory), after a
notebook failure (its state is suspect), and whenever it is found dead.

Use: ``papermill.execute_notebook(..., engine_name="anchorlib-warm")`` after
:func:`register` (the batch runner does this in each worker process).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from pathlib import Path

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

__all__ = [
    "ENGINE_NAME",
    "WarmKernelEngine",
    "register",
    "shutdown",
    "PREWARM_IMPORTS",
    "kernel_pid",
]

ENGINE_NAME = "anchorlib-warm"
log = logging.getLogger("papermill")

#: Imported into each warm kernel once, so that reports' own imports are free.
PREWARM_IMPORTS = (
    "numpy",
    "pandas",
    "pyarrow",
    "geopandas",
    "shapely",
    "matplotlib",
    "matplotlib.pyplot",
    "anchorlib.reports.display",
    "anchorlib.reports.charts",
    "anchorlib.config.collaborative",
    "anchorlib.reports.params",
)

# Runs once in a new kernel: remember the state every execution starts from.  Kept in a
# private module (not the user namespace), so the reset below cannot clear it.
_WARM_CODE = """
import importlib, logging, os, sys, types, warnings
_anchorlib_warm = types.ModuleType("_anchorlib_warm")
_anchorlib_warm.cwd = os.getcwd()
_anchorlib_warm.path = list(sys.path)
_anchorlib_warm.environ = dict(os.environ)
_anchorlib_warm.filters = list(warnings.filters)
_anchorlib_warm.log_level = logging.getLogger().level
for _m in {imports!r}:
    try:
        importlib.import_module(_m)
    except Exception:  # a report importing it will fail with the real error
        pass
import matplotlib
_anchorlib_warm.rc = matplotlib.rcParams.copy()
sys.modules["_anchorlib_warm"] = _anchorlib_warm
"""

# Runs before every execution: back to the warmed state, with an empty namespace.
_RESET_CODE = """
import logging, os, sys, warnings
_w = sys.modules["_anchorlib_warm"]
os.chdir(_w.cwd)
sys.path[:] = _w.path
os.environ.clear(); os.environ.update(_w.environ)
warnings.filters[:] = _w.filters; warnings._filters_mutated()
logging.getLogger().setLevel(_w.log_level)
if "matplotlib.pyplot" in sys.modules:
    sys.modules["matplotlib.pyplot"].close("all")
if "matplotlib" in sys.modules:
    import matplotlib
    matplotlib.rcParams.clear(); matplotlib.rcParams.update(_w.rc)
get_ipython().reset(new_session=True)
"""


class _WarmState(threading.local):
    """This thread's kernel: its manager, how many runs it has served, how it was started.  Per
    thread, so a process running reports in several threads (a Dask worker with ``--nthreads 2``)
    gives each its own."""

    km = None
    runs = 0
    signature: tuple | None = None
    max_runs = 200


_Warm = _WarmState()


def kernel_pid() -> int | None:
    """The process id of this thread's warm kernel (None when none is running): for tests."""
    km = _Warm.km
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    return getattr(proc, "pid", None)


def shutdown() -> None:
    """Stop this thread's warm kernel, if any."""
    km, _Warm.km, _Warm.runs, _Warm.signature = _Warm.km, None, 0, None
    if km is None:
        return
    from nbclient.util import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)


class _WarmClient(PapermillNotebookClient):
    """papermill's client, plus: warm the kernel when it is new, reset it before the notebook
    runs."""

    def _run_silent(self, code: str) -> None:
        from nbclient.util import run_sync

        async def go():
            msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
            reply = await self.async_wait_for_reply(msg_id)
            content = (reply or {}).get("content", {})
            if content.get("status") != "ok":
                raise RuntimeError(
                    f"warm kernel reset failed: {content.get('ename')}: {content.get('evalue')}"
                )

        run_sync(go)()

    def papermill_execute_cells(self):
        if _Warm.runs == 0:
            self._run_silent(_WARM_CODE.format(imports=PREWARM_IMPORTS))
        self._run_silent(_RESET_CODE)
        _Warm.runs += 1
        super().papermill_execute_cells()


def _kernel_manager(kernel_name: str, signature: tuple):
    """This process's kernel manager, new when there is none, it died, it has served ``max_runs``
    executions, or it was started differently (kernel name, arguments, directory)."""
    alive = False
    if _Warm.km is not None:
        from nbclient.util import run_sync

        try:
            alive = bool(run_sync(_Warm.km.is_alive)())
        except Exception:
            alive = False
    if not alive or _Warm.signature != signature or _Warm.runs >= _Warm.max_runs:
        shutdown()
        from jupyter_client.manager import AsyncKernelManager

        _Warm.km = AsyncKernelManager(kernel_name=kernel_name)
        _Warm.signature = signature
    return _Warm.km


class WarmKernelEngine(NBClientEngine):
    """papermill engine: like ``nbclient``, but on this process's warm kernel (see the module
    docstring)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        kwargs = remove_args(["input_path"], **kwargs)
        safe = remove_args(["timeout", "startup_timeout", "km"], **kwargs)
        cwd = str(Path(kwargs.get("cwd") or os.getcwd()).resolve())
        extra = tuple(kwargs.get("extra_arguments") or ())
        km = _kernel_manager(kernel_name, (kernel_name, extra, cwd))
        final = merge_kwargs(
            safe,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=log,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = _WarmClient(nb_man, km=km, **final)
        ok = False
        try:
            client.execute(cwd=cwd)
            ok = not any(
                c.get("metadata", {}).get("papermill", {}).get("exception") for c in nb_man.nb.cells
            )
        finally:
            if client.kc is not None:  # the channels are per execution; the kernel is not
                client.kc.stop_channels()
            if (
                not ok
            ):  # a failed notebook may have left anything behind: next one gets a new kernel
                shutdown()
        return nb_man.nb


def register() -> str:
    """Register the engine with papermill (idempotent); returns its name."""
    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
    return ENGINE_NAME
