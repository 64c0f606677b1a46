"""``anchor run``: shared assets once, then every report notebook in parallel, published as a static site.

Mounted by anchorlib/cli.py as ``app.command("run")(run_cmd)``.  The work is
done by :func:`anchorlib.runner.run_collaborative`; see docs/running_reports.md.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

from anchorlib.errors import AnchorError


def run_cmd(
    collaboratives: Optional[list[str]] = typer.Argument(None, help="Collaborative YAML file(s), e.g. "
                                                         "collaboratives/lancashire.yml."),
    run_all: bool = typer.Option(False, "--all", help="Every collaborative in collaboratives/."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1,
                                          help="Notebooks executed at once (default: the cores available)."),
    force: bool = typer.Option(False, "--force", help="Rebuild the shared assets and run every notebook, "
                               "even when nothing changed."),
    param: Optional[list[str]] = typer.Option(None, "--param", "-p", help="A notebook parameter: NAME=VALUE (every "
                                              "notebook declaring NAME), NOTEBOOK:NAME=VALUE or REPORT:NAME=VALUE "
                                              "(e.g. anchor_spend-hyndburn:suppliers_listed=30). Repeatable."),
    only: Optional[list[str]] = typer.Option(None, "--only", help="Only this notebook (e.g. anchor_spend) or "
                                             "report (e.g. anchor_spend-hyndburn). Repeatable."),
    outputs: Optional[Path] = typer.Option(None, "--outputs", help="Outputs folder (default: outputs/ in the project)."),
    notebooks: Optional[Path] = typer.Option(None, "--notebooks", help="Folder of report notebooks "
                                             "(default: notebooks/ in the project)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar; print only the summary."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Run the notebooks on a Dask cluster: the "
                                            "scheduler's address (tcp://host:8786) or scheduler file (.json), or "
                                            "'local' for a LocalCluster here. Workers must see the project and "
                                            "outputs folders at the same paths. Default: worker processes here."),
    fresh_kernels: bool = typer.Option(False, "--fresh-kernels", help="Start a new Jupyter kernel for every "
                                       "report (default: each worker reuses one warm kernel, reset before "
                                       "every report)."),
) -> None:
    """Build the shared assets once, then execute every report notebook and publish the site.

    Assets (ingest, supplier register, place) are skipped when their inputs are
    unchanged; a report is not executed again when its inputs, notebook and
    parameters are unchanged.  Failures are collected: every other report is
    still published, and each failure is named with its first error line.
    Writes outputs/<collaborative>/manifest.json and index.html, and
    outputs/index.html.  Exits 1 when anything failed.
    """
    from anchorlib.runner import RunError, all_collaboratives, lean_imports, run_collaborative

    lean_imports()  # before anything imports nbformat (see anchorlib.runner.lean_imports)

    if run_all and collaboratives:
        typer.echo("error: give collaborative files or --all, not both", err=True)
        raise typer.Exit(code=2)
    paths = [str(p) for p in all_collaboratives()] if run_all else list(collaboratives or [])
    if not paths:
        typer.echo("error: give a collaborative YAML (e.g. collaboratives/lancashire.yml) or --all", err=True)
        raise typer.Exit(code=2)
    t0 = time.perf_counter()
    results = []
    for p in paths:
        try:
            results.append(run_collaborative(p, out_root=outputs, workers=workers, force=force, params=param,
                                             only=only, notebooks_dir=notebooks, progress=not quiet,
                                             fresh_kernels=fresh_kernels, scheduler=scheduler))
        except RunError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=2)
        except AnchorError as exc:
            typer.echo(f"error: {p}: {exc}", err=True)
            raise typer.Exit(code=2)
    for r in results:
        typer.echo(r.summary())
    if len(results) > 1:
        typer.echo(f"{len(results)} collaboratives in {time.perf_counter() - t0:.1f} s")
    if not all(r.ok for r in results):
        raise typer.Exit(code=1)
