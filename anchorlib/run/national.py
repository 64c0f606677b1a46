"""``anchor run --places lads|icbs``: the national asset once, then the place notebook for every place.

:func:`run_places` builds :mod:`anchorlib.assets.national`'s asset (skipped when :func:`national_key` is
unchanged), makes one job per place (parameters: ``place_code``, ``outputs``) and runs them through the
runner's machinery (:func:`anchorlib.run.runner.execute_jobs`: worker pool or Dask, warm kernels, atomic
publishing, manifest), publishing ``outputs/places-<kind>/`` with the national comparison table as its
index.  A report's key is the checksum of its own place's data in the asset (with the catalogue, the
notebook, its parameters and the code of the modules it imports), so a rebuild that changes some places runs
only their reports, and a run where nothing changed executes nothing.

Apart from :mod:`anchorlib.assets.national` so that the reports' code key does not include the runner.
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
    json_sha256,
    kind_spec,
    read_places,
    site_dir,
)
from anchorlib.core.errors import AnchorError
from anchorlib.run.runner import (
    PUBLISHING,
    Job,
    RunError,
    RunResult,
    _catalogue_path,
    _first_line,
    _Lock,
    _now,
    _optional_present,
    _sha_text,
    code_version,
    discover_notebooks,
    execute_jobs,
    recover,
)

__all__ = ["run_places", "national_key", "KINDS"]


def national_key(kind: str) -> str:
    """What the national asset of ``kind`` is made from: the catalogue (every source's checksum), the
    optional sources present (they change figures) and the code of :mod:`anchorlib.assets.national` and what it
    imports."""
    from anchorlib.data.catalogue import sha256_of

    return json_sha256(
        {
            "kind": kind,
            "catalogue": sha256_of(_catalogue_path()),
            "optional": _optional_present(),
            "code": code_version(["anchorlib.assets.national"])["code_sha256"],
        }
    )


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
    """``anchor run --places KIND``: build the national asset once, then run the place notebook(s) for every
    place of ``kind`` (or the places in ``only``, or the first ``limit`` places by code) and publish
    ``outputs/places-<kind>/``: a report per place, the index with the national comparison table, the
    manifest.  Returns a :class:`anchorlib.run.runner.RunResult`."""
    from anchorlib.data.catalogue import sha256_of
    from anchorlib.run.site import check_outputs_folder, write_places_index, write_root_index

    k = kind_spec(kind)
    say = log or (lambda m: print(m, file=sys.stderr) if progress else None)
    t_start = time.perf_counter()
    started = _now()
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
    out_root = Path(out_root) if out_root else None
    check_outputs_folder(out_root)  # never publish over files anchor did not write
    out_dir = site_dir(kind, out_root)
    label = f"places-{kind}"
    code = code_version()
    with _Lock(out_dir / ".run.lock"):
        recover(out_dir)
        manifest = {
            "collaborative": label,
            "kind": "places",
            "places": kind,
            "name": k.label,
            "description": f"The place baseline of every {k.singular} in England ({k.geography}), "
            "each on its own, with the IMD 2025 summary measures of all of them side by side.",
            "source": f"anchor run --places {kind}",
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
        error = None
        try:
            manifest["assets"]["national"] = build_national_assets(
                kind, out_root, key=national_key(kind), force=force, log=say
            )
        except Exception as exc:
            error = f"national asset: {_first_line(f'{type(exc).__name__}: {exc}')}"
        try:
            meta = read_places(kind, out_root)
        except AnchorError as exc:
            return RunResult(label, None, manifest, error=error or str(exc))
        codes = sorted(meta["places"])
        wanted = [c.strip().upper() for c in only or []]
        unknown = [c for c in wanted if c not in meta["places"]]
        if unknown:
            raise RunError(
                f"--only {unknown}: not a {k.singular} code of England; e.g. {', '.join(codes[:3])}"
            )
        chosen = [c for c in codes if not wanted or c in wanted]
        if limit is not None:
            chosen = chosen[:limit]
        cat = {
            "catalogue": sha256_of(_catalogue_path()),
            "optional sources present": ",".join(_optional_present()) or "none",
        }
        jobs = []
        for s in specs:
            cv = code_version(s.modules + PUBLISHING)
            for c in codes:
                p = meta["places"][c]
                params = {
                    n: v
                    for n, v in {
                        "place_code": c,
                        "outputs": str(out_root) if out_root else "",
                    }.items()
                    if n in s.parameters
                }
                inputs = {
                    **(cat if "catalogue" in s.inputs else {}),
                    f"place data {c}": p["sha256"],
                }
                key = _sha_text(
                    {
                        "inputs": inputs,
                        "notebook": s.sha256,
                        "parameters": params,
                        "code": cv["code_sha256"],
                    }
                )
                rid = c if len(specs) == 1 else f"{s.name}-{c}"
                jobs.append(Job(rid, s, None, p["name"], params, inputs, key, cv))
        selected = None
        if wanted or limit is not None:
            keep = set(chosen)
            selected = [j.id for j in jobs if j.parameters["place_code"] in keep]
        site = {
            "collaborative_name": k.label,
            "code_version": code,
            "index_href": "../../index.html",
            "root_href": "../../../index.html",
            "root_label": "All collaboratives and places",
            "generated": dt.datetime.now().strftime("%d %B %Y %H:%M"),
        }
        comparison = comparison_table(meta)

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
