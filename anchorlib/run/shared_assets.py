"""The shared assets of a collaborative, built once per run and skipped when their inputs are
unchanged (a stamp in ``outputs/<id>/data/assets.json``).

The ingest (ledger, rejects, reconciliation), the supplier register (rebuilt, keeping people's
edits, when the ledger or the register files change), the place asset
(:mod:`anchorlib.assets.place`) and the workforce aggregates
(:func:`anchorlib.assets.workforce.build_workforce_asset`; skipped when no anchor has staff data).
Notebooks only read them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from anchorlib.assets.baseline import freeze_baseline, snapshot_path
from anchorlib.assets.ingest import display_path, ingest
from anchorlib.assets.place import build_place_asset, write_json
from anchorlib.assets.register import build_collaborative_register
from anchorlib.assets.workforce import build_workforce_asset, staff_plan, workforce_asset_files
from anchorlib.core.hashing import sha_text
from anchorlib.data.catalogue import verified_sha256
from anchorlib.run.keys import (
    INPUT_GROUPS,
    Checksums,
    catalogue_path,
    code_version,
    optional_present,
)
from anchorlib.workforce.rates import RLW_PATH

__all__ = ["build_assets"]


def _stamp(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / "data" / "assets.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


class _Steps:
    """The assets of one collaborative being brought up to date: the stamp, the results so far."""

    def __init__(self, collab, out_root, force: bool, sums: Checksums, log):
        self.collab = collab
        self.out_root = out_root
        self.force = force
        self.sums = sums
        self.log = log
        self.out_dir = collab.output_dir(out_root)
        self.data = self.out_dir / "data"
        self.stamp = _stamp(self.out_dir)
        self.yml = sums(collab.path)
        self.result: dict[str, dict] = {}
        stamp_file = self.data / "assets.json"
        self.stamp_mtime = stamp_file.stat().st_mtime if stamp_file.is_file() else 0.0

    def save_stamp(self) -> None:
        write_json(self.stamp, self.data / "assets.json")

    def step(
        self,
        name: str,
        key: str,
        outputs: list[Path],
        build: Callable[[], None],
        key_after=None,
        touched: list[Path] | None = None,
        adopt: Callable[[], bool] | None = None,
    ) -> None:
        """Build asset ``name`` unless its ``outputs`` exist and its stamped key is ``key``."""
        t0 = time.perf_counter()
        stamp = self.stamp
        have = all(p.is_file() for p in outputs)
        fresh = not self.force and have and stamp.get(name) == key
        if not fresh and not self.force and have and adopt is not None and adopt():
            # built by `anchor ingest` / `anchor suppliers build` since our last stamp, from these
            # inputs
            stamp[name] = key_after() if key_after else key
            self.save_stamp()
            fresh = True
        if fresh:
            self.result[name] = {"status": "unchanged", "duration": 0.0, "key": stamp[name]}
            self.log(f"{self.collab.id}: {name}: unchanged")
            return
        self.log(f"{self.collab.id}: {name}: building")
        build()
        self.sums.forget(outputs + (touched or []))
        stamp[name] = key_after() if key_after else key
        self.result[name] = {
            "status": "built",
            "duration": round(time.perf_counter() - t0, 2),
            "key": stamp[name],
        }
        self.save_stamp()


def _ingest(s: _Steps, quiet: bool) -> None:
    """The ingest: keyed by the collaborative file, every ledger file's checksum and the code."""
    collab, data = s.collab, s.data
    files = [
        (a.id, display_path(p), verified_sha256(p))
        for a in collab.anchors
        if a.ledger
        for p in collab.ledger_files(a)
    ]
    outputs = [
        data / f
        for f in (
            "ledger.parquet",
            "rejects.csv",
            "reconciliation.csv",
            "reconciliation_anchors.csv",
        )
    ]

    def adopt() -> bool:
        """ingest.json written after our stamp, by an ingest of exactly these files and
        collaborative file."""
        path = data / "ingest.json"
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return False
        done = sorted((f["anchor"], f["file"], f["sha256"]) for f in info.get("files", []))
        return (
            path.stat().st_mtime > s.stamp_mtime
            and info.get("collaborative_file_sha256") == s.yml
            and done == sorted(files)
        )

    key = sha_text(
        {
            "collaborative": s.yml,
            "files": files,
            "code": code_version(["anchorlib.assets.ingest"])["code_sha256"],
        }
    )
    s.step(
        "ingest",
        key,
        outputs,
        lambda: ingest(collab, out_root=s.out_root, quiet=quiet),
        adopt=adopt,
    )


def _register(s: _Steps) -> None:
    """The register: keyed by the ledger, the collaborative file, the code and the register files
    themselves (an edit in suppliers.xlsx or .csv is an input: rebuilt, keeping it)."""
    data = s.data
    reg_files = [data / "suppliers.csv", data / "suppliers.xlsx", data / "suppliers_matches.csv"]
    code = code_version(["anchorlib.assets.register"])["code_sha256"]

    def reg_key():
        return sha_text(
            {
                "ledger": s.sums(data / "ledger.parquet"),
                "collaborative": s.yml,
                "code": code,
                "register": [s.sums(p) for p in reg_files],
            }
        )

    def adopt() -> bool:
        """The register files as `anchor suppliers build` last wrote them (together, after the
        ledger and our stamp): a person's later edit touches one file and is not adopted (it is an
        input: rebuilt)."""
        times = [p.stat().st_mtime for p in reg_files if p.is_file()]
        ledger = data / "ledger.parquet"
        return (
            len(times) == len(reg_files)
            and max(times) - min(times) < 2
            and ledger.is_file()
            and min(times) >= ledger.stat().st_mtime
            and min(times) > s.stamp_mtime
        )

    s.step(
        "register",
        reg_key(),
        [reg_files[0], reg_files[2]],
        lambda: build_collaborative_register(s.collab, out_root=s.out_root),
        key_after=reg_key,
        touched=reg_files,
        adopt=adopt,
    )


def _place(s: _Steps) -> None:
    """The place asset: keyed by the collaborative and place files, the catalogue, optional
    sources, code."""
    place_files = INPUT_GROUPS["collaborative"](s.collab, s.out_dir)
    key = sha_text(
        {
            "files": [s.sums(p) for p in place_files],
            "catalogue": s.sums(catalogue_path()),
            "optional": optional_present(),
            "code": code_version(["anchorlib.assets.place"])["code_sha256"],
        }
    )
    s.step(
        "place",
        key,
        INPUT_GROUPS["place_asset"](s.collab, s.out_dir),
        lambda: build_place_asset(s.collab, s.out_root),
    )


def _workforce(s: _Steps) -> None:
    """The workforce aggregates (disclosure-controlled; staff-level rows stay in
    outputs/<id>/private/): keyed by the collaborative and place files, the catalogue (postcodes,
    IMD), each anchor's staff extract checksum or simulation seed and size, the Real Living Wage
    file and the code.  Skipped, with a note for the report, when no anchor has staff data."""
    collab, sums = s.collab, s.sums
    plan = staff_plan(collab)
    wf_files = workforce_asset_files(s.out_dir)
    if all(p["source"] == "none" for p in plan):
        t0 = time.perf_counter()
        meta = build_workforce_asset(collab, s.out_root)
        sums.forget(wf_files)
        if s.stamp.pop("workforce", None) is not None:
            s.save_stamp()
        s.result["workforce"] = {
            "status": "skipped",
            "duration": round(time.perf_counter() - t0, 2),
            "key": None,
            "note": meta["note"],
        }
        s.log(f"{collab.id}: workforce: skipped (no staff data)")
        return
    staff = [
        {
            "anchor": p["anchor"],
            "source": p["source"],
            **(
                {"sha256": sums(p["path"])}
                if p["source"] == "extract"
                else {k: p[k] for k in ("size", "seed") if k in p}
            ),
        }
        for p in plan
    ]
    key = sha_text(
        {
            "files": [sums(p) for p in INPUT_GROUPS["collaborative"](collab, s.out_dir)],
            "catalogue": sums(catalogue_path()),
            "staff": staff,
            "rlw": sums(RLW_PATH),
            "code": code_version(["anchorlib.assets.workforce"])["code_sha256"],
        }
    )
    s.step("workforce", key, wf_files, lambda: build_workforce_asset(collab, s.out_root))


def _baseline(s: _Steps) -> None:
    """The frozen baseline (:mod:`anchorlib.assets.baseline`): written on the first run, kept by
    later ones, ``--force`` included (a freeze is not a rebuild: a later register edit shows as a
    restatement on the progress page); frozen again only when the declared baseline year or the
    common threshold changes.  Not an entry of the result: it is a record, not a rebuilt asset."""
    info = freeze_baseline(s.collab, s.out_root)
    s.sums.forget([snapshot_path(s.collab, s.out_root)])
    note = f" ({info['note']})" if info.get("note") else ""
    s.log(f"{s.collab.id}: baseline {info['baseline_year']}: {info['status']}{note}")


def build_assets(
    collab,
    out_root: Path | None = None,
    *,
    force: bool = False,
    quiet: bool = True,
    sums: Checksums | None = None,
    log: Callable[[str], None] = lambda m: None,
) -> dict:
    """Build the shared assets (ingest, supplier register, place asset, workforce aggregates), each
    skipped when its inputs are unchanged.  Returns ``{asset: {"status": "built" | "unchanged" |
    "skipped", "duration": s, "key": ...}}`` (``skipped``: the workforce asset of a collaborative
    without staff data, with a ``note``)."""
    s = _Steps(collab, out_root, force, sums or Checksums(), log)
    _ingest(s, quiet)
    _register(s)
    _baseline(s)
    _place(s)
    _workforce(s)
    return s.result
