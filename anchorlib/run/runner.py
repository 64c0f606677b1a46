"""``anchor run``: build a collaborative's shared assets once, then execute every report notebook
and publish.

    anchor run collaboratives/lancashire.yml [--workers N] [--force] [-p NAME=VALUE] [--only NAME]
    anchor run --all

1. **Shared assets** (:mod:`anchorlib.run.shared_assets`), built once per collaborative and
   skipped when their inputs are unchanged (a stamp in ``outputs/<id>/data/assets.json``): the
   ingest (ledger, rejects, reconciliation), the supplier register (rebuilt, keeping people's
   edits, when the ledger or the register files change), the place asset
   (:mod:`anchorlib.assets.place`) and the workforce aggregates
   (:func:`anchorlib.assets.workforce.build_workforce_asset`; skipped when no anchor has staff
   data).  Notebooks only read them.
2. **Reports** (:mod:`anchorlib.run.notebooks`).  Every notebook in ``notebooks/`` whose metadata
   has an ``anchorlib`` block (``scope: collaborative`` runs once, ``scope: anchor`` once per
   anchor) is executed with papermill (:mod:`anchorlib.run.execute`), in parallel (``--workers``,
   default the cores available), with a progress bar, by long-lived worker processes
   (:mod:`anchorlib.run.pool`) that each keep one warm kernel and reset it to a clean state before
   every report (:mod:`anchorlib.run.warm_kernel`; ``--fresh-kernels`` starts a new kernel for
   every report instead), or on a Dask cluster (:mod:`anchorlib.run.dask`).  Both run the same task
   function (:func:`anchorlib.run.tasks.run_report`).  A kernel that fails to start is retried
   once; any other failure is collected, never stops the others.
3. **Incremental** (:mod:`anchorlib.run.keys`).  A report whose key (the checksums of its declared
   inputs, the notebook's content, its parameters and the code of the anchorlib modules it uses)
   equals the key of its published version is not executed again; ``--force`` runs all.
4. **Atomic publishing** (:mod:`anchorlib.run.publish`).  Each report is executed and exported
   into a staging folder and swapped into ``outputs/<id>/reports/<report>/`` only when it
   succeeded: an interrupted or failed run leaves the previous report intact.  ``manifest.json``
   and the index pages are replaced atomically after each report.

``outputs/<id>/manifest.json`` records, per report: notebook, parameters,
status (``ok``, ``unchanged``, ``failed``, ``not_run``), duration, error (its
first line, and the traceback), input checksums, notebook checksum, key and
code version, and what is published.  The exit status is non-zero when
anything failed.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from anchorlib.config.collaborative import load_collaborative
from anchorlib.core.errors import AnchorError
from anchorlib.data.catalogue import PROJECT_ROOT
from anchorlib.run.errors import RunError
from anchorlib.run.execute import execute_jobs
from anchorlib.run.keys import Checksums, code_version, rel_path
from anchorlib.run.notebooks import (
    NOTEBOOKS_DIR,
    RESERVED_PARAMETERS,
    discover_notebooks,
    make_jobs,
    parse_param,
    report_id,
)
from anchorlib.run.publish import RunLock, now, recover
from anchorlib.run.shared_assets import build_assets
from anchorlib.run.site import check_outputs_folder, write_collaborative_index, write_root_index
from anchorlib.run.tasks import first_line

__all__ = ["COLLABORATIVES_DIR", "RunResult", "all_collaboratives", "run_collaborative", "run_many"]

COLLABORATIVES_DIR = PROJECT_ROOT / "collaboratives"


@dataclass
class RunResult:
    """What a run did: its manifest (None when it could not start) and the error that stopped it."""

    collaborative: str
    manifest_path: Path | None
    manifest: dict = field(default_factory=dict)
    error: str | None = None  # the run could not happen at all (bad collaborative, assets failed)

    @property
    def reports(self) -> list[dict]:
        return self.manifest.get("reports", [])

    @property
    def failures(self) -> list[dict]:
        return [r for r in self.reports if r.get("status") in ("failed", "not_run")]

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures

    def summary(self) -> str:
        if self.manifest_path is None and self.error:
            return f"{self.collaborative}: FAILED: {self.error}"
        run = self.manifest.get("run", {})
        assets = ", ".join(f"{k} {v['status']}" for k, v in self.manifest.get("assets", {}).items())
        lines = [
            f"{self.collaborative}: {len(self.reports)} reports: "
            f"{run.get('executed', 0)} executed, "
            f"{run.get('unchanged', 0)} unchanged, {run.get('failed', 0)} failed"
            + (f", {run['not_selected']} not selected (--only)" if run.get("not_selected") else "")
            + ", in "
            f"{run.get('duration', 0):.1f} s ({run.get('workers')} workers)"
            + (f"; shared assets: {assets}" if assets else "")
        ]
        if self.error:
            lines.append(f"  FAILED: {self.error}")
        for r in self.failures:
            lines.append(f"  FAILED {r['id']}: {r.get('error') or 'failed'}")
        if self.manifest_path:
            lines.append(f"  site: {self.manifest_path.parent / 'index.html'}")
        return "\n".join(lines)


def _check_selection(collab, specs, overrides, only, notebooks_dir) -> None:
    """Refuse ``--param`` and ``--only`` values that name no notebook, report or parameter."""
    if not specs:
        raise RunError(
            f"no report notebooks in {notebooks_dir or NOTEBOOKS_DIR} (notebooks with an "
            "'anchorlib' metadata block)"
        )
    names = {s.name for s in specs}
    for target, name, _ in overrides:
        if name in RESERVED_PARAMETERS:
            # a report pointed at another collaborative's data would be published under this one
            raise RunError(
                f"--param {name}: set by anchor run for every report "
                f"({RESERVED_PARAMETERS[name]}); "
                "it cannot be overridden"
            )
        if target is None and not any(name in s.parameters for s in specs):
            raise RunError(
                f"--param {name}: no report notebook has a parameter {name!r}; parameters: "
                + "; ".join(f"{s.name}: {', '.join(s.parameters)}" for s in specs)
            )
    ids = [
        report_id(s, None) if s.scope == "collaborative" else report_id(s, a.id)
        for s in specs
        for a in (
            [None]
            if s.scope == "collaborative"
            else [a for a in collab.anchors if a.ledger is not None]
        )
    ]
    for t, n, _ in overrides:
        if t is not None and t not in names and t not in ids:
            raise RunError(f"--param {t}:{n}: {t!r} is not a notebook or report; reports: {ids}")
    unknown = [o for o in only or [] if o not in names and o not in ids]
    if unknown:
        raise RunError(f"--only {unknown}: not a notebook or report; reports: {ids}")


def _new_manifest(collab, code: dict, started: str, force: bool, params, only) -> dict:
    return {
        "collaborative": collab.id,
        "name": collab.spec.name,
        "description": collab.spec.description,
        "source": rel_path(collab.path, PROJECT_ROOT),
        "code_version": code,
        "assets": {},
        "reports": [],
        "run": {
            "started": started,
            "workers": None,
            "force": force,
            "params": params or [],
            "only": only or [],
        },
    }


def _write_index(d: Path, m: dict) -> None:
    write_collaborative_index(d, m)
    write_root_index(d.parent)


def run_collaborative(
    path: str | Path,
    *,
    out_root: Path | None = None,
    workers: int | None = None,
    force: bool = False,
    params: list[str] | None = None,
    only: list[str] | None = None,
    notebooks_dir: Path | None = None,
    progress: bool = True,
    build: bool = True,
    fresh_kernels: bool = False,
    scheduler: str | None = None,
    log: Callable[[str], None] | None = None,
) -> RunResult:
    """Build the shared assets and run every report notebook of one collaborative (see the module
    docstring)."""
    say = log or (lambda m: print(m, file=sys.stderr) if progress else None)
    t_start = time.perf_counter()
    started = now()
    overrides = [parse_param(p) for p in params or []]
    try:
        collab = load_collaborative(path)
    except AnchorError as exc:
        return RunResult(Path(path).stem, None, error=str(exc))
    specs = discover_notebooks(notebooks_dir)
    _check_selection(collab, specs, overrides, only, notebooks_dir)
    out_root = Path(out_root) if out_root else None
    check_outputs_folder(out_root)  # never publish over files anchor did not write (--outputs docs)
    out_dir = collab.output_dir(out_root)
    code = code_version()
    sums = Checksums()
    with RunLock(out_dir / ".run.lock"):
        recover(out_dir)
        manifest = _new_manifest(collab, code, started, force, params, only)
        error = None
        if build:
            try:
                manifest["assets"] = build_assets(
                    collab, out_root, force=force, quiet=not progress, sums=sums, log=say
                )
            except Exception as exc:
                error = f"shared assets: {first_line(f'{type(exc).__name__}: {exc}')}"
        jobs = make_jobs(collab, specs, out_root, out_dir, overrides, sums)
        selected = [j for j in jobs if not only or j.notebook.name in only or j.id in only]
        site = {
            "collaborative_name": collab.spec.name,
            "code_version": code,
            "index_href": "../../index.html",
            "root_href": "../../../index.html",
            "generated": dt.datetime.now().strftime("%d %B %Y %H:%M"),
        }
        execute_jobs(
            jobs,
            out_dir=out_dir,
            manifest=manifest,
            site=site,
            write_index=_write_index,
            label=collab.id,
            selected=None if not only else [j.id for j in selected],
            force=force,
            workers=workers,
            scheduler=scheduler,
            fresh_kernels=fresh_kernels,
            progress=progress,
            error=error,
            log=say,
            t_start=t_start,
        )
    return RunResult(collab.id, out_dir / "manifest.json", manifest, error=error)


def run_many(paths: list[str | Path], **kw) -> list[RunResult]:
    """Run several collaboratives one after the other (each runs its notebooks in parallel)."""
    return [run_collaborative(p, **kw) for p in paths]


def all_collaboratives(folder: Path | None = None) -> list[Path]:
    """Every collaborative YAML in collaboratives/."""
    d = Path(folder or COLLABORATIVES_DIR)
    return sorted(list(d.glob("*.yml")) + list(d.glob("*.yaml")))
