"""``anchor run``: shared assets once, then every report notebook in parallel, published as a
static site.

Mounted by anchorlib/cli/commands.py as ``app.command("run")(run_cmd)``.  The work is
done by :func:`anchorlib.run.runner.run_collaborative`; ``anchor run --places lads|icbs`` by
:func:`anchorlib.run.national.run_places`.  See docs/running_reports.md.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

from anchorlib.cli.group import FAILED
from anchorlib.core.errors import AnchorError

# --places, --nations, --limit: module-level so that run_cmd stays short
PLACES_OPTION = typer.Option(
    None,
    "--places",
    help="Instead of collaboratives: the place profile of "
    "every place of England, 'lads' (the 296 LAD 2024) or 'icbs' (the 42 "
    "ICBs), into outputs/places-<kind>/ with a national comparison table.",
)
NATIONS_OPTION = typer.Option(
    "england",
    "--nations",
    help="With --places lads: 'england' (the default) or 'uk': all 361 local authorities "
    "of the UK, each on its own nation's index (IMD 2025, WIMD 2019, SIMD 2020, NIMDM 2017) "
    "and ranked within its nation only, into outputs/places-lads-uk/ with a comparison "
    "table per nation.",
)
LIMIT_OPTION = typer.Option(
    None,
    "--limit",
    min=1,
    help="With --places: only the first N places "
    "(by code; with --nations uk, of each nation); the others keep their published reports.",
)


def run_cmd(
    collaboratives: list[str] | None = typer.Argument(
        None, help="Collaborative YAML file(s), e.g. collaboratives/lancashire.yml."
    ),
    run_all: bool = typer.Option(False, "--all", help="Every collaborative in collaboratives/."),
    places: str | None = PLACES_OPTION,
    nations: str = NATIONS_OPTION,
    limit: int | None = LIMIT_OPTION,
    workers: int | None = typer.Option(
        None,
        "--workers",
        "-w",
        min=1,
        help="Notebooks executed at once (default: the cores available).",
    ),
    force: bool = typer.Option(
        False,
        "--force",
        help="Rebuild the shared assets and run every notebook, even when nothing changed.",
    ),
    param: list[str] | None = typer.Option(
        None,
        "--param",
        "-p",
        help="A notebook parameter: NAME=VALUE (every "
        "notebook declaring NAME), NOTEBOOK:NAME=VALUE or REPORT:NAME=VALUE "
        "(e.g. anchor_spend-hyndburn:suppliers_listed=30). Repeatable.",
    ),
    only: list[str] | None = typer.Option(
        None,
        "--only",
        help="Only this notebook (e.g. anchor_spend) or "
        "report (e.g. anchor_spend-hyndburn); with --places, a place code (e.g. "
        "E07000120). Repeatable.",
    ),
    outputs: Path | None = typer.Option(
        None, "--outputs", help="Outputs folder (default: outputs/ in the project)."
    ),
    notebooks: Path | None = typer.Option(
        None, "--notebooks", help="Folder of report notebooks (default: notebooks/ in the project)."
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No progress bar; print only the summary."
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Run the notebooks on a Dask cluster: the "
        "scheduler's address (tcp://host:8786) or scheduler file (.json), or "
        "'local' for a LocalCluster here. Workers must see the project and "
        "outputs folders at the same paths. Default: worker processes here.",
    ),
    fresh_kernels: bool = typer.Option(
        False,
        "--fresh-kernels",
        help="Start a new Jupyter kernel for every "
        "report (default: each worker reuses one warm kernel, reset before "
        "every report).",
    ),
) -> None:
    """Build the shared assets once, then execute every report notebook and publish the site.

    Assets (ingest, supplier register, place) are skipped when their inputs are
    unchanged; a report is not executed again when its inputs, notebook and
    parameters are unchanged.  Failures are collected: every other report is
    still published, and each failure is named with its first error line.
    Writes outputs/<collaborative>/manifest.json and index.html, and
    outputs/index.html.  Exits 1 when anything failed.
    """
    from anchorlib.run.tasks import lean_imports

    lean_imports()  # before anything imports nbformat (see anchorlib.run.tasks.lean_imports)

    if run_all and collaboratives:
        raise AnchorError("give collaborative files or --all, not both")
    options = {
        "workers": workers,
        "force": force,
        "only": only,
        "outputs": outputs,
        "notebooks": notebooks,
        "quiet": quiet,
        "fresh_kernels": fresh_kernels,
        "scheduler": scheduler,
    }
    if places is not None or limit is not None or nations != "england":
        _run_places(places, collaboratives, run_all, param, limit=limit, nations=nations, **options)
    else:
        _run_collaboratives(collaboratives, run_all, param, **options)


def _run_collaboratives(collaboratives, run_all, param, **kw) -> None:
    """``anchor run COLLABORATIVE.yml...`` or ``--all`` (anchorlib.run.runner.run_collaborative)."""
    from anchorlib.config.collaborative import load_collaborative
    from anchorlib.run.errors import RunError
    from anchorlib.run.runner import all_collaboratives, run_collaborative

    paths = [str(p) for p in all_collaboratives()] if run_all else list(collaboratives or [])
    if not paths:
        raise AnchorError("give a collaborative YAML (e.g. collaboratives/lancashire.yml) or --all")
    if not run_all:  # a file given that is not a valid collaborative is bad input: nothing runs
        for p in paths:  # (with --all, each collaborative is a run of its own, failed or not)
            load_collaborative(p)
    t0 = time.perf_counter()
    results = []
    for p in paths:
        try:
            results.append(
                run_collaborative(
                    p,
                    out_root=kw["outputs"],
                    workers=kw["workers"],
                    force=kw["force"],
                    params=param,
                    only=kw["only"],
                    notebooks_dir=kw["notebooks"],
                    progress=not kw["quiet"],
                    fresh_kernels=kw["fresh_kernels"],
                    scheduler=kw["scheduler"],
                )
            )
        except RunError:
            raise
        except AnchorError as exc:
            raise AnchorError(f"{p}: {exc}") from None
    for r in results:
        typer.echo(r.summary())
    if len(results) > 1:
        typer.echo(f"{len(results)} collaboratives in {time.perf_counter() - t0:.1f} s")
    if not all(r.ok for r in results):
        raise typer.Exit(code=FAILED)


def _run_places(kind, collaboratives, run_all, param, **kw) -> None:
    """``anchor run --places lads|icbs [--nations england|uk]``: every place of England, or every
    local authority of the UK (anchorlib.run.national.run_places)."""
    from anchorlib.run.national import run_places

    if kind is None:
        raise AnchorError("--limit and --nations go with --places")
    if collaboratives or run_all:
        raise AnchorError("give --places or collaborative files (or --all), not both")
    if kind not in ("lads", "icbs"):
        raise AnchorError(f"--places {kind}: choose one of lads, icbs")
    nations = kw.pop("nations").strip().lower()
    if nations not in ("england", "uk"):
        raise AnchorError(f"--nations {nations}: choose england (the default) or uk")
    if nations == "uk":
        if kind != "lads":
            raise AnchorError(
                "--nations uk goes with --places lads: integrated care boards are England's only"
            )
        kind = "lads-uk"
    if param:
        raise AnchorError(
            "--param is not taken with --places (each report's parameter is its place)"
        )
    res = run_places(
        kind,
        out_root=kw["outputs"],
        workers=kw["workers"],
        force=kw["force"],
        only=kw["only"],
        limit=kw["limit"],
        notebooks_dir=kw["notebooks"],
        progress=not kw["quiet"],
        fresh_kernels=kw["fresh_kernels"],
        scheduler=kw["scheduler"],
    )
    typer.echo(res.summary())
    if not res.ok:
        raise typer.Exit(code=FAILED)
