"""The workforce aggregates as a shared asset of `anchor run`, and the workforce report built on
them.

A fixture collaborative (Hyndburn and Burnley, the test ledgers) whose council has a supplied staff
extract (the hand example) and whose fire service is simulated (simulate_staff: true).  The shared
assets are built once for the module; each test works on a copy.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, clear_anchorlib_caches, fixture_env

from anchorlib.config.collaborative import load_collaborative
from anchorlib.indicators.workforce import PUBLISHED_TABLES
from anchorlib.run.keys import INPUT_GROUPS
from anchorlib.run.notebooks import discover_notebooks
from anchorlib.run.runner import run_collaborative
from anchorlib.run.shared_assets import build_assets
from anchorlib.workforce.staff import StaffDataError, read_staff

LEDGERS = ROOT / "tests" / "data" / "ledgers"
STAFF = ROOT / "tests" / "data" / "staff"


def collab_text(simulate: bool = True, staff: bool = True) -> str:
    return f"""id: wfasset
name: Workforce asset test
place: {{name: Hyndburn and Burnley, lads: [E07000120, E07000117]}}
simulate_supplier_postcodes: true
simulate_staff: {str(simulate).lower()}
anchors:
  - id: council
    name: A council
    type: local_authority
    home_lad: E07000120
    sites: [BB5 1LA]
    ledger:
      files: ["{LEDGERS}/overlap_a.csv"]
{"    staff: hr/extract.csv" if staff else ""}
  - id: fire
    name: A fire service
    type: fire
    sites: [BB11 1AE]
    ledger:
      files: ["{LEDGERS}/amount_formats.csv"]
"""


def make_collab(
    folder: Path, simulate: bool = True, staff: bool = True, extract: str | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hr").mkdir(exist_ok=True)
    (folder / "hr" / "extract.csv").write_text(extract or (STAFF / "hand_example.csv").read_text())
    path = folder / "collab.yml"
    path.write_text(collab_text(simulate, staff))
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory, fixture_cache):
    mp = fixture_env(pytest.MonkeyPatch(), fixture_cache)
    root = tmp_path_factory.mktemp("wfasset")
    path = make_collab(root / "c")
    first = build_assets(load_collaborative(path), root / "out")
    yield {"root": root, "collab": path, "out": root / "out", "first": first}
    mp.undo()
    clear_anchorlib_caches()


@pytest.fixture
def work(base, tmp_path):
    """A copy of the built outputs, and of the collaborative folder (same file contents, so the same
    keys)."""
    shutil.copytree(base["out"], tmp_path / "out")
    shutil.copytree(base["collab"].parent, tmp_path / "c")
    return {
        "collab": tmp_path / "c" / "collab.yml",
        "out": tmp_path / "out",
        "dir": tmp_path / "out" / "wfasset",
    }


def _status(result: dict) -> dict:
    return {k: v["status"] for k, v in result.items()}


# --------------------------------------------------------------------------- the asset


def test_the_asset_is_built_once_under_data_with_aggregates_only(base):
    assert _status(base["first"]) == {
        "ingest": "built",
        "register": "built",
        "place": "built",
        "workforce": "built",
    }
    folder = base["out"] / "wfasset" / "data" / "workforce"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{t}.csv" for t in PUBLISHED_TABLES] + ["meta.json"]
    )
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["status"] == "built" and meta["anchors"] == ["council", "fire"]
    assert meta["staff_data"] == {"council": "extract", "fire": "simulated"}
    assert meta["data"] == {
        "council": "supplied",
        "fire": "simulated",
        "combined": "partly simulated",
    }
    summary = pd.read_csv(folder / "summary.csv")
    assert summary["anchor"].tolist() == ["council", "fire", "combined"]
    # staff-level rows only in private/ (the simulated extract); the supplied extract is only read
    private = base["out"] / "wfasset" / "private"
    assert sorted(p.name for p in private.iterdir()) == ["README.txt", "staff_fire.csv"]
    assert (
        json.loads((base["out"] / "wfasset" / "data" / "assets.json").read_text())["workforce"]
        == base["first"]["workforce"]["key"]
    )
    files = INPUT_GROUPS["workforce"](None, base["out"] / "wfasset")
    assert [p.name for p in files] == [f"{t}.csv" for t in PUBLISHED_TABLES] + ["meta.json"]


def test_unchanged_on_a_second_run_and_rebuilt_when_the_staff_extract_changes(work):
    c = load_collaborative(work["collab"])
    folder = work["dir"] / "data" / "workforce"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = build_assets(c, work["out"])
    assert _status(again) == {
        "ingest": "unchanged",
        "register": "unchanged",
        "place": "unchanged",
        "workforce": "unchanged",
    }
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    # one more starter in the council's extract: only the workforce asset is rebuilt
    extract = work["collab"].parent / "hr" / "extract.csv"
    extract.write_text(
        extract.read_text()
        + "S13,Made Up Thirteen,BB5 1DW,1,26000,,,Permanent,Grade 3,01/02/2025,\n"
    )
    changed = build_assets(c, work["out"])
    assert _status(changed) == {
        "ingest": "unchanged",
        "register": "unchanged",
        "place": "unchanged",
        "workforce": "built",
    }
    assert changed["workforce"]["key"] != again["workforce"]["key"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} != before
    assert _status(build_assets(c, work["out"]))["workforce"] == "unchanged"
    # --force rebuilds it, to the same bytes (the simulation is seeded)
    now = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert _status(build_assets(c, work["out"], force=True))["workforce"] == "built"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == now


def test_a_bad_staff_extract_fails_naming_the_anchor_but_not_the_staff(work):
    extract = work["collab"].parent / "hr" / "extract.csv"
    extract.write_text(
        extract.read_text()
        # an NHS ESR assignment number as the person id (a second assignment of S01 would be
        # valid: the rows of one person id are that person's assignments)
        + "12345678-02,Made Up Person,BB5 1DW,1,26000,,,Permanent,Grade 3,01/02/2025,\n"
    )
    with pytest.raises(StaffDataError) as exc:
        build_assets(load_collaborative(work["collab"]), work["out"])
    text = str(exc.value)
    assert (
        "staff extract of anchor 'council' cannot be used (1 problem(s))" in text
        and "anchor workforce" in text
    )
    assert "12345678" not in text and "BB5" not in text and "Made Up" not in text


# ------------------------------------------------------------------------- the report, and privacy


def _needles(work) -> list[str]:
    """Every staff id and home postcode (written form and key form) in the extracts behind the
    asset."""
    staff = [
        read_staff(work["collab"].parent / "hr" / "extract.csv", "council"),
        read_staff(work["dir"] / "private" / "staff_fire.csv", "fire"),
    ]
    ids = {i for s in staff for i in s["id"]}
    postcodes = {p for s in staff for p in s["home_postcode"].dropna()}
    raw = pd.read_csv(work["dir"] / "private" / "staff_fire.csv", dtype=str)[
        "Home Postcode"
    ].dropna()
    postcodes |= set(raw) | {p.replace(" ", "") for p in postcodes}
    assert len(ids) == 12 + 1300 and len(postcodes) > 500
    return sorted(ids | postcodes, key=len, reverse=True)


def _leaks(files: list[Path], needles: list[str]) -> list[str]:
    pattern = re.compile(
        "|".join(rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])" for n in needles)
    )
    hits = []
    for p in files:
        text = p.read_bytes().decode("utf-8", errors="replace")
        text = re.sub(
            r"[A-Za-z0-9+/=\\]{100,}", " ", text
        )  # embedded PNGs (base64): no text in them to find
        m = pattern.search(text)
        if m:
            hits.append(f"{p}: {m.group(0)!r}")
    return hits


def test_the_asset_and_the_rendered_report_hold_no_staff_level_data(work):
    res = run_collaborative(
        work["collab"], out_root=work["out"], only=["workforce"], workers=1, progress=False
    )
    assert res.ok, res.summary()
    rec = {r["id"]: r for r in res.reports}["workforce"]
    assert rec["status"] == "ok" and "workforce" in {k for k in res.manifest["assets"]}
    assert any(k.startswith("data/workforce/") for k in rec["input_checksums"])
    report_dir = work["dir"] / "reports" / "workforce"
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    assert "Simulated data." in page and "What stands out" in page and "c = suppressed." in page
    assert "A council" in page and "A fire service" in page and "All anchors combined" in page
    assert page.count("<img") >= 5 and "Traceback" not in page
    files = (
        [p for p in (work["dir"] / "data" / "workforce").iterdir()]
        + [p for p in report_dir.rglob("*") if p.is_file()]
        + [work["dir"] / "manifest.json", work["dir"] / "index.html"]
    )
    assert any(p.suffix == ".xlsx" for p in files) and any(p.name.endswith(".ipynb") for p in files)
    needles = _needles(work)
    # xlsx files are zip archives: scan their contents, not the compressed bytes
    import zipfile

    unpacked = []
    for p in [p for p in files if p.suffix == ".xlsx"]:
        with zipfile.ZipFile(p) as z:
            for name in z.namelist():
                out = work["out"].parent / "unzipped" / p.stem / name
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(z.read(name))
                unpacked.append(out)
    assert _leaks([p for p in files if p.suffix != ".xlsx"] + unpacked, needles) == []
    # the scan finds a planted leak (a staff id in a table, a postcode without its space in the
    # page)
    fire = pd.read_csv(work["dir"] / "private" / "staff_fire.csv", dtype=str).iloc[7]
    planted = work["out"].parent / "planted.txt"
    for text in (
        f"x,{fire['Employee Number']},y",
        f"home {str(fire['Home Postcode']).replace(' ', '')}.",
    ):
        planted.write_text(text)
        assert _leaks([planted], needles), text


def test_skipped_cleanly_with_a_note_when_no_anchor_has_staff_data(work):
    # first built (above), then the collaborative drops its staff data: no stale table is left
    work["collab"].write_text(collab_text(simulate=False, staff=False))
    c = load_collaborative(work["collab"])
    res = build_assets(c, work["out"])
    assert (
        res["workforce"]["status"] == "skipped"
        and "no anchor has a staff extract" in res["workforce"]["note"]
    )
    folder = work["dir"] / "data" / "workforce"
    assert sorted(p.name for p in folder.iterdir()) == ["meta.json"]
    assert json.loads(folder.joinpath("meta.json").read_text())["status"] == "skipped"
    assert "workforce" not in json.loads((work["dir"] / "data" / "assets.json").read_text())
    run = run_collaborative(
        work["collab"], out_root=work["out"], only=["workforce"], workers=1, progress=False
    )
    assert run.ok, run.summary()
    assert run.manifest["assets"]["workforce"]["status"] == "skipped"
    page = (work["dir"] / "reports" / "workforce" / "index.html").read_text(encoding="utf-8")
    assert "No workforce figures: no anchor has a staff extract" in page
    assert "none: no staff extract, not in these figures" in page and "Simulated data." not in page


def test_the_workforce_notebook_is_a_collaborative_report_on_the_workforce_asset():
    spec = {s.name: s for s in discover_notebooks()}["workforce"]
    assert spec.scope == "collaborative" and spec.problem is None
    assert "workforce" in spec.inputs and set(spec.parameters) == {
        "collaborative",
        "outputs",
        "anchor",
    }
    assert "anchorlib.reports.workforce" in spec.modules
