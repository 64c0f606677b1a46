"""The workforce aggregates of a collaborative: each anchor's staff (its declared extract, or a
labelled simulation for the demo), through the workforce indicators, written as aggregate tables.

* :func:`staff_plan` says where each anchor's staff figures come from, without reading any staff
  data; :func:`staff_for_collaborative` gives each anchor's validated staff.  This is the only
  module that decides to simulate staff (:mod:`anchorlib.demo.staff`, ``simulate_staff: true``).
* :func:`run_workforce` is ``anchor workforce``: any year, any threshold, written under
  ``outputs/<id>/workforce/<year>/``.
* :func:`build_workforce_asset` is the shared asset of ``anchor run``, written under
  ``outputs/<id>/data/workforce/`` and read by the workforce report.

Only aggregate tables are written (:func:`write_workforce`); staff-level rows, simulated or not,
stay in ``outputs/<id>/private/``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from anchorlib.core.atomic import write_all
from anchorlib.core.errors import AnchorError
from anchorlib.data.postcodes import locate_postcodes
from anchorlib.demo.staff import DEMO_SIZES, simulate_staff, write_private
from anchorlib.demo.staff import SEED as STAFF_SEED
from anchorlib.indicators.workforce import (
    PUBLISHED_TABLES,
    WorkforceOptions,
    workforce_indicators,
)
from anchorlib.workforce.disclosure import DEFAULT_ROUNDING, DEFAULT_THRESHOLD, check_threshold
from anchorlib.workforce.rates import HOURS_PER_WEEK, default_year, financial_year_bounds
from anchorlib.workforce.staff import LONDON_REGION, StaffDataError, read_staff

__all__ = [
    "ASSET_DIR",
    "SKIPPED_NOTE",
    "write_workforce",
    "staff_plan",
    "extract_date",
    "workforce_year",
    "hours_per_week",
    "staff_for_collaborative",
    "run_workforce",
    "build_workforce_asset",
    "workforce_asset_files",
    "workforce_asset_dir",
]


def write_workforce(result: dict, out_dir: str | Path) -> dict[str, Path]:
    """Write the published tables (CSV) and meta.json to ``out_dir``; aggregates only, all or
    nothing (:func:`anchorlib.core.atomic.write_all`: a failure leaves the previous files as they
    were)."""
    out_dir = Path(out_dir)
    check_threshold(result["meta"]["disclosure"]["threshold"], str(out_dir))
    targets = {name: out_dir / f"{name}.csv" for name in PUBLISHED_TABLES}
    writers = {
        name: (lambda tmp, t=result[name]: t.to_csv(tmp, index=False)) for name in PUBLISHED_TABLES
    }
    targets["meta"] = out_dir / "meta.json"
    writers["meta"] = lambda tmp: Path(tmp).write_text(
        json.dumps(result["meta"], indent=2, default=str) + "\n", encoding="utf-8"
    )
    return write_all(targets, writers)


def _site_in_london(anchor) -> bool:
    if not anchor.sites:
        return False
    regions = locate_postcodes(anchor.sites)["region_code"]
    return bool(regions.notna().all() and (regions == LONDON_REGION).all())


def staff_plan(
    collab, *, sizes: dict[str, int] | None = None, seed: int | None = None
) -> list[dict]:
    """Where each anchor's staff figures come from, without reading any staff data (for keys and
    notes): ``{"anchor", "source": "extract", "path"}`` (its declared ``staff`` file, relative to
    the collaborative YAML), ``{"anchor", "source": "simulated", "size", "seed"}``
    (``simulate_staff: true``, anchorlib.demo.staff) or ``{"anchor", "source": "none"}``."""
    out = []
    for a in collab.anchors:
        if a.staff:
            path = Path(a.staff)
            out.append(
                {
                    "anchor": a.id,
                    "source": "extract",
                    "path": path if path.is_absolute() else collab.path.parent / path,
                }
            )
        elif collab.spec.simulate_staff:
            n = (sizes or {}).get(a.id) or DEMO_SIZES.get(a.type, DEMO_SIZES["other"])
            out.append(
                {
                    "anchor": a.id,
                    "source": "simulated",
                    "size": int(n),
                    "seed": int(seed if seed is not None else STAFF_SEED),
                }
            )
        else:
            out.append({"anchor": a.id, "source": "none"})
    return out


def extract_date(collab, plan: list[dict] | None = None, today: dt.date | None = None) -> dt.date:
    """The day the staff figures were extracted: the earliest last-modified date of the declared
    staff extracts (the day HR wrote the file), never after ``today``; ``today`` (the run date)
    when every anchor's staff are simulated."""
    today = today or dt.date.today()
    dates = [today]
    for p in plan if plan is not None else staff_plan(collab):
        if p["source"] == "extract":
            try:
                dates.append(dt.date.fromtimestamp(Path(p["path"]).stat().st_mtime))
            except OSError:
                continue  # read_staff names the missing file
    return min(dates)


def workforce_year(collab, year: str | None = None, *, today: dt.date | None = None) -> str:
    """The financial year of the workforce figures: ``year``, which must have ended before the
    extract date (:func:`extract_date`), or by default the latest year complete before it
    (:func:`anchorlib.workforce.rates.default_year`): never a year that has not ended."""
    when = extract_date(collab, today=today)
    if year is None:
        return default_year(when)
    if financial_year_bounds(year)[1] >= when:
        raise AnchorError(
            f"{collab.path}: workforce year {year} has not ended before the staff extract date "
            f"{when.isoformat()}: a year's figures need the whole year (its last day, "
            f"{financial_year_bounds(year)[1].isoformat()}, over); the latest complete year is "
            f"{default_year(when)}"
        )
    return year


def hours_per_week(collab) -> dict[str, float]:
    """Each anchor's full-time contracted hours per week (``staff_hours_per_week``; default
    37)."""
    return {a.id: float(a.staff_hours_per_week or HOURS_PER_WEEK) for a in collab.anchors}


def staff_for_collaborative(
    collab,
    year: str | None = None,
    *,
    out_root: str | Path | None = None,
    sizes: dict[str, int] | None = None,
    seed: int | None = None,
    skip_missing: bool = False,
) -> dict[str, pd.DataFrame]:
    """Each anchor's validated staff: its declared ``staff`` extract (path relative to the
    collaborative YAML), else, when the collaborative sets ``simulate_staff: true``, a seeded
    simulation (anchorlib.demo.staff) written to ``outputs/<id>/private/staff_<anchor>.csv`` and
    read back through :func:`anchorlib.workforce.staff.read_staff`.  Anchors with neither are an
    error naming them all (left out with ``skip_missing=True``).  A
    :class:`StaffDataError` carries the anchor it is about in ``.anchor``."""
    year = workforce_year(collab, year)
    plan = staff_plan(collab, sizes=sizes, seed=seed)
    hours = hours_per_week(collab)
    missing = [p["anchor"] for p in plan if p["source"] == "none"]
    if missing and not skip_missing:
        raise StaffDataError(
            f"{collab.path}: no staff extract for anchor(s) {missing}: "
            "give each a `staff: path/to/extract.csv` "
            "(relative to the collaborative file), or set `simulate_staff: true` "
            "for a labelled simulation (demo only)"
        )
    out: dict[str, pd.DataFrame] = {}
    for p in plan:
        if p["source"] == "none":
            continue
        a = collab.anchor(p["anchor"])
        try:
            london = _site_in_london(a)
            if p["source"] == "extract":
                out[a.id] = read_staff(p["path"], a.id, london=london, hours_per_week=hours[a.id])
            else:
                sim = simulate_staff(a, collab.place, p["size"], p["seed"], year=year)
                path = write_private(
                    sim,
                    collab.output_dir(Path(out_root) if out_root else None) / "private",
                    f"staff_{a.id}.csv",
                )
                out[a.id] = read_staff(path, a.id, london=london, hours_per_week=hours[a.id])
        except StaffDataError as exc:
            exc.anchor = a.id
            raise
    return out


def run_workforce(
    collab,
    year: str | None = None,
    *,
    out_root: str | Path | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int | None = DEFAULT_ROUNDING,
    options: WorkforceOptions | None = None,
    sizes: dict[str, int] | None = None,
) -> dict:
    """The workforce step for a collaborative (``anchor workforce``): staff in, published tables
    out under ``outputs/<id>/workforce/<year>/``.  ``year``: default the latest complete before
    the extract date; ``threshold`` below 10 is refused."""
    check_threshold(threshold, str(collab.path))
    year = workforce_year(collab, year)
    staff = staff_for_collaborative(collab, year, out_root=out_root, sizes=sizes)
    combined = pd.concat(staff.values(), ignore_index=True)
    result = workforce_indicators(
        combined,
        collab.place,
        year,
        collab.spec.indicators,
        threshold=threshold,
        rounding=rounding,
        options=options,
    )
    result["meta"]["hours_per_week"] = hours_per_week(collab)
    out_dir = collab.output_dir(Path(out_root) if out_root else None) / "workforce" / year
    result["outputs"] = write_workforce(result, out_dir)
    return result


#: Where ``anchor run`` puts the workforce aggregates, under the collaborative's output folder
#: (aggregates only: staff-level rows stay in ``outputs/<id>/private/``).
ASSET_DIR = Path("data") / "workforce"
SKIPPED_NOTE = (
    "No workforce figures: no anchor has a staff extract (`staff:` in the collaborative file) "
    "and the collaborative does not set `simulate_staff: true`."
)


def workforce_asset_dir(collab, out_root: str | Path | None = None) -> Path:
    return collab.output_dir(Path(out_root) if out_root else None) / ASSET_DIR


def workforce_asset_files(out_dir: Path) -> list[Path]:
    """The files of the workforce asset under a collaborative's output folder (tables, then
    meta.json)."""
    folder = Path(out_dir) / ASSET_DIR
    return [folder / f"{name}.csv" for name in PUBLISHED_TABLES] + [folder / "meta.json"]


def _asset_meta_extra(collab, plan: list[dict]) -> dict:
    names = {a.id: a.name for a in collab.anchors}
    return {
        "collaborative": collab.id,
        "anchor_names": names,
        "staff_data": {p["anchor"]: p["source"] for p in plan},
        "anchors_without_staff": [p["anchor"] for p in plan if p["source"] == "none"],
        "hours_per_week": hours_per_week(collab),
    }


def build_workforce_asset(
    collab, out_root: str | Path | None = None, year: str | None = None
) -> dict:
    """The workforce aggregates of ``anchor run``: every anchor with staff data (an extract, or the
    demo's simulation), through :func:`anchorlib.indicators.workforce.workforce_indicators`, written
    all or nothing to ``outputs/<id>/data/workforce/`` (the tables of :func:`write_workforce` and
    meta.json, with ``status: built``).  Anchors without staff data are left out and named in
    meta.json; with none at all, meta.json says ``status: skipped`` and why, and no table is left
    behind.  Returns the meta.

    A staff extract that cannot be used is an error naming the anchor and the number of problems
    only: the details quote rows of personal data, so they are for the data owner
    (``anchor workforce``), not the site.
    """
    year = workforce_year(collab, year)
    plan = staff_plan(collab)
    out_dir = workforce_asset_dir(collab, out_root)
    extra = _asset_meta_extra(collab, plan)
    if all(p["source"] == "none" for p in plan):
        meta = {"status": "skipped", "year": year, "note": SKIPPED_NOTE, **extra}
        write_all(
            {"meta": out_dir / "meta.json"},
            {
                "meta": lambda tmp: Path(tmp).write_text(
                    json.dumps(meta, indent=2) + "\n", encoding="utf-8"
                )
            },
        )
        for p in workforce_asset_files(collab.output_dir(Path(out_root) if out_root else None))[
            :-1
        ]:
            p.unlink(missing_ok=True)
        return meta
    try:
        staff = staff_for_collaborative(collab, year, out_root=out_root, skip_missing=True)
    except StaffDataError as exc:
        who = getattr(exc, "anchor", None)
        n = len(exc.problems)
        raise StaffDataError(
            f"workforce: the staff extract of anchor '{who}' cannot be used"
            + (f" ({n} problem(s))" if n else "")
            + "; the details quote staff records, so they are not shown here: "
            f"run `anchor workforce {collab.path}` to see them"
        ) from None
    result = workforce_indicators(
        pd.concat(staff.values(), ignore_index=True), collab.place, year, collab.spec.indicators
    )
    result["meta"] = {"status": "built", **result["meta"], **extra}
    write_workforce(result, out_dir)
    return result["meta"]
