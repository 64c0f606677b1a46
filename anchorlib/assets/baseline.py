"""The frozen baseline: the baseline year's figures as `anchor run` first computed them, and the
register they were computed with (step 7, item 13).

A board sets its targets against the baseline.  A later edit of the supplier register (a postcode
added, a supplier re-typed), a re-published ledger or a changed setting can move the baseline
figures; that must not happen silently.  ``anchor run`` writes ``outputs/<id>/data/baseline.json``
once (and again only when the declared ``baseline_year`` or the common threshold changes); later
runs keep it.  The progress report compares the figures computed now with the frozen ones and
shows every difference as a **restatement**: the frozen value, the restated value, what changed
(register, ledger, settings).  Changes since the baseline are measured against the restated value,
so that both years are counted with the same register (like with like); the frozen figure stays
on the page beside it.  To adopt the restated baseline as the new frozen one, delete
``baseline.json`` and run again.

    freeze_baseline(collab)                 # in `anchor run` (anchorlib.run.shared_assets)
    snap = read_baseline(collab)            # None before the first run
    restatements(snap, table, register_version(collab))

Only series whose baseline year is complete are frozen (the baseline must be a complete year).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from anchorlib.assets.place import write_json
from anchorlib.assets.register import data_dir, read_located_ledger
from anchorlib.core.errors import AnchorError
from anchorlib.core.hashing import sha_text
from anchorlib.data.catalogue import sha256_of
from anchorlib.indicators.progress import baseline_year_of, progress_table

__all__ = [
    "SNAPSHOT",
    "snapshot_path",
    "register_version",
    "ledger_version",
    "settings_key",
    "baseline_figures",
    "freeze_baseline",
    "read_baseline",
    "restatements",
]

SNAPSHOT = "baseline.json"
#: The register files whose contents are the register version.
REGISTER_FILES = ("suppliers.csv", "suppliers_matches.csv")
#: Two figures closer than this are the same (shares are fractions, totals pounds).
TOLERANCE = 1e-9


def snapshot_path(collab, out_root: Path | None = None) -> Path:
    return data_dir(collab, out_root) / SNAPSHOT


def _file_version(paths: list[Path]) -> str | None:
    sums = [sha256_of(p) if p.is_file() else None for p in paths]
    return None if all(s is None for s in sums) else sha_text(sums)[:16]


def register_version(collab, out_root: Path | None = None) -> str | None:
    """The supplier register's version: a checksum of its files (``suppliers.csv`` and
    ``suppliers_matches.csv``), 16 hex digits; None when there is no register."""
    d = data_dir(collab, out_root)
    return _file_version([d / f for f in REGISTER_FILES])


def ledger_version(collab, out_root: Path | None = None) -> str | None:
    """The ingested ledger's version: a checksum of ``ledger.parquet`` (None: not ingested)."""
    return _file_version([data_dir(collab, out_root) / "ledger.parquet"])


def settings_key(collab) -> dict:
    """The settings the baseline figures depend on (a change is a restatement, not a new year)."""
    s = collab.spec.indicators
    return {
        "deprived_deciles": list(s.deprived_deciles),
        "addressable_exclusions": s.addressable_exclusions.model_dump(),
        "common_threshold": s.common_threshold,
        "anchors": [a.id for a in collab.spec.anchors],
    }


def baseline_figures(collab, ledger: pd.DataFrame) -> tuple[str | None, pd.DataFrame]:
    """``(baseline_year, figures)``: every default progress indicator in the baseline year, for
    each anchor and ``combined`` whose baseline year is complete (``indicator``, ``anchor``,
    ``value``, ``located_share``)."""
    base = baseline_year_of(ledger, collab)
    t = progress_table(ledger, collab, years=[base] if base else [])
    if base is None or t.empty:
        return base, pd.DataFrame(columns=["indicator", "anchor", "value", "located_share"])
    rows = t[t["is_baseline"] & t["baseline_complete"].astype(bool)]
    return base, rows[["indicator", "anchor", "value", "located_share"]].reset_index(drop=True)


def read_baseline(collab, out_root: Path | None = None) -> dict | None:
    """The frozen baseline (``baseline.json``), or None when none was frozen."""
    path = snapshot_path(collab, out_root)
    if not path.is_file():
        return None
    try:
        snap = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AnchorError(
            f"{path}: not a baseline snapshot ({exc}); delete it and run again"
        ) from None
    if not isinstance(snap, dict) or "figures" not in snap:
        raise AnchorError(f"{path}: not a baseline snapshot (no figures); delete it and run again")
    return snap


def freeze_baseline(collab, out_root: Path | None = None) -> dict:
    """Freeze the baseline figures unless a snapshot for the same declared baseline year and
    common threshold is there already.  Returns ``{"status": "kept" | "frozen" | "not frozen",
    "baseline_year": ..., "note": ...}`` (``not frozen``: no series has a complete baseline
    year)."""
    path = snapshot_path(collab, out_root)
    old = read_baseline(collab, out_root)
    declared = collab.spec.baseline_year
    common = collab.spec.indicators.common_threshold
    if (
        old is not None
        and old.get("declared_baseline_year") == declared
        and old.get("settings", {}).get("common_threshold") == common
    ):
        return {"status": "kept", "baseline_year": old.get("baseline_year"), "note": None}
    base, figs = baseline_figures(collab, read_located_ledger(collab, out_root))
    if figs.empty:
        return {
            "status": "not frozen",
            "baseline_year": base,
            "note": f"the baseline year {base} is complete for no anchor: nothing frozen",
        }
    snap = {
        "baseline_year": base,
        "declared_baseline_year": declared,
        "register_version": register_version(collab, out_root),
        "ledger_version": ledger_version(collab, out_root),
        "settings": settings_key(collab),
        "figures": [
            {
                "indicator": r.indicator,
                "anchor": r.anchor,
                "value": None if pd.isna(r.value) else float(r.value),
                "located_share": None if pd.isna(r.located_share) else float(r.located_share),
            }
            for r in figs.itertuples(index=False)
        ],
    }
    if old is not None:
        snap["replaces"] = {
            k: old.get(k) for k in ("baseline_year", "declared_baseline_year", "register_version")
        }
    write_json(snap, path)
    return {"status": "frozen", "baseline_year": base, "note": None}


RESTATEMENT_COLUMNS = [
    "indicator",
    "anchor",
    "baseline_year",
    "frozen_value",
    "restated_value",
    "difference",
    "frozen_located_share",
    "restated_located_share",
    "why",
]


def restatements(
    snapshot: dict | None,
    table: pd.DataFrame,
    *,
    register: str | None = None,
    ledger: str | None = None,
    settings: dict | None = None,
) -> pd.DataFrame:
    """Every baseline figure of ``table`` (:func:`anchorlib.indicators.progress.progress_table`)
    that differs from the frozen ``snapshot``: one row each, with ``frozen_value``,
    ``restated_value`` (computed now), ``difference`` (restated - frozen) and ``why`` (what
    differs from the snapshot: the register version, the ledger, the settings; "the figure's
    inputs" when none of those is known to differ).  Empty when nothing was frozen, the baseline
    year differs from the snapshot's, or every figure is the same."""
    if not snapshot or table.empty:
        return pd.DataFrame(columns=RESTATEMENT_COLUMNS)
    base = table.attrs.get("baseline_year")
    if snapshot.get("baseline_year") != base:
        return pd.DataFrame(columns=RESTATEMENT_COLUMNS)
    why = []
    if register is not None and register != snapshot.get("register_version"):
        why.append(
            f"supplier register edited (version {snapshot.get('register_version')} -> {register})"
        )
    if ledger is not None and ledger != snapshot.get("ledger_version"):
        why.append("ledger re-ingested")
    if settings is not None and settings != snapshot.get("settings"):
        why.append("indicator settings changed")
    now = table[table["is_baseline"]].set_index(["indicator", "anchor"])
    recs = []
    for f in snapshot["figures"]:
        key = (f["indicator"], f["anchor"])
        if key not in now.index:
            continue
        r = now.loc[key]
        v, fv = r["value"], f["value"]
        same = (pd.isna(v) and fv is None) or (
            fv is not None and not pd.isna(v) and abs(float(v) - fv) <= TOLERANCE * max(1, abs(fv))
        )
        if same:
            continue
        recs.append(
            {
                "indicator": key[0],
                "anchor": key[1],
                "baseline_year": base,
                "frozen_value": fv,
                "restated_value": None if pd.isna(v) else float(v),
                "difference": None if fv is None or pd.isna(v) else float(v) - fv,
                "frozen_located_share": f.get("located_share"),
                "restated_located_share": (
                    None if pd.isna(r["located_share"]) else float(r["located_share"])
                ),
                "why": "; ".join(why) or "the figure's inputs changed",
            }
        )
    return pd.DataFrame(recs, columns=RESTATEMENT_COLUMNS)
