"""``anchor run --places lads|icbs``: the national asset once, then the place notebook for every
place.  ``anchor run --places lads --nations uk`` (kind ``lads-uk``): the 361 districts of the UK,
each nation on its own index and ranked within it, with a comparison table per nation on the index
page; ``--limit N`` then takes the first N places of each nation.

:func:`run_places` builds :mod:`anchorlib.assets.national`'s asset (skipped when
:func:`national_key` is unchanged), makes one job per place (parameters: ``place_code``,
``outputs``) and runs them through the runner's machinery
(:func:`anchorlib.run.execute.execute_jobs`: worker pool or Dask, warm kernels, atomic publishing,
manifest), publishing ``outputs/places-<kind>/`` with the national comparison table as its index.
A report's key is the checksum of its own place's data in the asset (with the catalogue, the
notebook, its parameters and the code of the modules it imports), so a rebuild that changes some
places runs only their reports, and a run where nothing changed executes nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path

from anchorlib.assets.national import (
    KINDS,
    PLACE_INPUTS,
    build_national_assets,
    comparison_table,
    comparison_tables,
    is_uk,
    kind_spec,
    read_places,
    site_dir,
)
from anchorlib.core.errors import AnchorError
from anchorlib.core.hashing import sha_text
from anchorlib.data.catalogue import sha256_of
from anchorlib.run.errors import RunError
from anchorlib.run.execute import execute_jobs
from anchorlib.run.keys import catalogue_path, code_version, optional_present
from anchorlib.run.notebooks import PUBLISHING, Job, NotebookSpec, discover_notebooks
from anchorlib.run.publish import RunLock, now, recover
from anchorlib.run.runner import RunResult
from anchorlib.run.site import check_outputs_folder, write_places_index, write_root_index
from anchorlib.run.tasks import first_line

__all__ = ["run_places", "national_key", "KINDS"]


def national_key(kind: str) -> str:
    """What the national asset of ``kind`` is made from: the catalogue (every source's checksum),
    the optional sources present (they change figures) and the code of
    :mod:`anchorlib.assets.national` and what it imports."""
    return sha_text(
        {
            "kind": kind,
            "catalogue": sha256_of(catalogue_path()),
            "optional": optional_present(),
            "code": code_version(["anchorlib.assets.national"])["code_sha256"],
        }
    )


def _place_specs(notebooks_dir: Path | None, limit: int | None) -> list[NotebookSpec]:
    specs = discover_notebooks(notebooks_dir, scopes=("place",), input_groups=PLACE_INPUTS)
    if not specs:
        raise RunError(
            f"no place notebooks in {notebooks_dir or 'notebooks/'} (notebooks with "
            "'anchorlib: {scope: place}' in their metadata)"
        )
    for s in specs:
        if "place_code" not in s.parameters:
            raise RunError(f"{s.path}: a place notebook declares the parameter place_code (str)")
    if limit is not None and limit < 1:
        raise RunError("--limit: give a number of places, 1 or more")
    return specs


def _description(kind: str, k) -> str:
    if is_uk(kind):
        return (
            "The place baseline of every local authority in the UK (England's districts, Wales's "
            "local authorities, Scotland's council areas, Northern Ireland's districts), each on "
            "its own nation's index (IMD 2025, WIMD 2019, SIMD 2020, NIMDM 2017) and ranked "
            "within its nation only, with a comparison table per nation."
        )
    return (
        f"The place baseline of every {k.singular} in England ({k.geography}), "
        "each on its own, with the IMD 2025 summary measures of all of them side by side."
    )


def _new_manifest(kind: str, k, code: dict, started: str, force, only, limit) -> dict:
    return {
        "collaborative": f"places-{kind}",
        "kind": "places",
        "places": kind,
        "name": k.label,
        "description": _description(kind, k),
        "source": "anchor run --places lads --nations uk"
        if is_uk(kind)
        else f"anchor run --places {kind}",
        "code_version": code,
        "assets": {},
        "reports": [],
        "run": {
            "started": started,
            "workers": None,
            "force": force,
            "params": [],
            "only": only or [],
            "limit": limit,
        },
    }


def _place_jobs(specs: list[NotebookSpec], meta: dict, out_root: Path | None) -> list[Job]:
    """One job per place notebook and place, keyed by that place's own data in the asset."""
    cat = {
        "catalogue": sha256_of(catalogue_path()),
        "optional sources present": ",".join(optional_present()) or "none",
    }
    jobs = []
    for s in specs:
        cv = code_version(s.modules + PUBLISHING)
        for c in sorted(meta["places"]):
            p = meta["places"][c]
            params = {
                n: v
                for n, v in {
                    "place_code": c,
                    "outputs": str(out_root) if out_root else "",
                    "places": meta["kind"],
                }.items()
                if n in s.parameters
            }
            inputs = {
                **(cat if "catalogue" in s.inputs else {}),
                f"place data {c}": p["sha256"],
            }
            key = sha_text(
                {
                    "inputs": inputs,
                    "notebook": s.sha256,
                    "parameters": params,
                    "code": cv["code_sha256"],
                }
            )
            rid = c if len(specs) == 1 else f"{s.name}-{c}"
            jobs.append(Job(rid, s, None, p["name"], params, inputs, key, cv))
    return jobs


def _selected(jobs: list[Job], meta: dict, k, only, limit) -> list[str] | None:
    """The report ids of the places in ``only`` (or the first ``limit`` places by code; in the
    UK, the first ``limit`` of each nation); None: all."""
    codes = sorted(meta["places"])
    wanted = [c.strip().upper() for c in only or []]
    unknown = [c for c in wanted if c not in meta["places"]]
    if unknown:
        where = "the UK" if is_uk(meta["kind"]) else "England"
        raise RunError(
            f"--only {unknown}: not a {k.singular} code of {where}; e.g. {', '.join(codes[:3])}"
        )
    if not wanted and limit is None:
        return None
    chosen = [c for c in codes if not wanted or c in wanted]
    if limit is not None:
        by_nation: dict[str, list[str]] = {}
        for c in chosen:  # England only: one group, the first ``limit`` codes
            by_nation.setdefault(meta["places"][c].get("nation", ""), []).append(c)
        chosen = [c for group in by_nation.values() for c in group[:limit]]
    keep = set(chosen)
    return [j.id for j in jobs if j.parameters["place_code"] in keep]


def run_places(
    kind: str,
    *,
    out_root: Path | None = None,
    workers: int | None = None,
    force: bool = False,
    only: list[str] | None = None,
    limit: int | None = None,
    notebooks_dir: Path | None = None,
    progress: bool = True,
    fresh_kernels: bool = False,
    scheduler: str | None = None,
    save_every: float = 5.0,
    log: Callable[[str], None] | None = None,
):
    """``anchor run --places KIND``: build the national asset once, then run the place notebook(s)
    for every place of ``kind`` (``lads``, ``icbs``, or ``lads-uk``: every district of the UK) (or
    the places in ``only``, or the first ``limit`` places by code; of each nation in the UK)
    and publish ``outputs/places-<kind>/``: a report per place, the index with the national
    comparison table, the manifest.  Returns a :class:`anchorlib.run.runner.RunResult`."""
    k = kind_spec(kind)
    say = log or (lambda m: print(m, file=sys.stderr) if progress else None)
    t_start = time.perf_counter()
    started = now()
    specs = _place_specs(notebooks_dir, limit)
    out_root = Path(out_root) if out_root else None
    check_outputs_folder(out_root)  # never publish over files anchor did not write
    out_dir = site_dir(kind, out_root)
    label = f"places-{kind}"
    code = code_version()
    with RunLock(out_dir / ".run.lock"):
        recover(out_dir)
        manifest = _new_manifest(kind, k, code, started, force, only, limit)
        error = None
        try:
            manifest["assets"]["national"] = build_national_assets(
                kind, out_root, key=national_key(kind), force=force, log=say
            )
        except Exception as exc:
            error = f"national asset: {first_line(f'{type(exc).__name__}: {exc}')}"
        try:
            meta = read_places(kind, out_root)
        except AnchorError as exc:
            return RunResult(label, None, manifest, error=error or str(exc))
        jobs = _place_jobs(specs, meta, out_root)
        selected = _selected(jobs, meta, k, only, limit)
        site = {
            "collaborative_name": k.label,
            "code_version": code,
            "index_href": "../../index.html",
            "root_href": "../../../index.html",
            "root_label": "All collaboratives and places",
            "generated": dt.datetime.now().strftime("%d %B %Y %H:%M"),
        }
        comparison = comparison_tables(kind, out_root) if is_uk(kind) else comparison_table(meta)

        def write_index(d: Path, m: dict) -> None:
            write_places_index(d, m, comparison, meta)
            write_root_index(d.parent)

        execute_jobs(
            jobs,
            out_dir=out_dir,
            manifest=manifest,
            site=site,
            write_index=write_index,
            label=label,
            selected=selected,
            force=force,
            workers=workers,
            scheduler=scheduler,
            fresh_kernels=fresh_kernels,
            progress=progress,
            error=error,
            log=say,
            t_start=t_start,
            save_every=save_every,
        )
    return RunResult(label, out_dir / "manifest.json", manifest, error=error)
