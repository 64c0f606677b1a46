"""Determinism: two runs of `anchor run` on the same inputs publish the same bytes.

The fixture collaborative (tests/test_runner.py's, with simulated staff, so every shared asset is
built) is run by the `anchor` command into one outputs folder, the folder is copied, and the
collaborative is run again with ``--force`` (every asset rebuilt, every report executed again) into
the same folder: the same inputs, parameters included (the outputs folder is a notebook parameter).

What may differ between the two runs, and nothing else:

* **data files** (Parquet, CSV, XLSX, JSON assets, text): nothing; byte for byte;
* **HTML pages**: the run's date-times (``generated 27 November 2026 06:28``, the published and
finished
  times ``27 Nov 2026 06:28``) and, on the collaborative's index, the run's duration (``in 22.6
s``);
* **manifest.json**: the run's times and durations (``run.started``, ``run.finished``,
``run.duration``,
  each asset's and report's ``duration`` and ``timings``, ``executed_at``, ``published.at``,
``last_*``) and which worker
  process ran each report (``worker``: host and pid) and how many tries its kernel took to start
  (``attempts``: a kernel that fails to start on a busy machine is retried); and ``run.force``,
  since the second run is forced;
* **executed notebooks** (``.ipynb``, for analysts): the execution timings papermill and the kernel
record
  (``metadata.papermill``, each cell's ``metadata.execution`` and ``metadata.papermill``);
* ``.run.lock`` (the pid of the run holding it) is not an output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, SITE_FIXTURE_COLLAB

LEDGERS = ROOT / "tests" / "data" / "ledgers"

#: The run's date-times as the pages print them: "27 November 2026 06:28" and "27 Nov 2026 06:28".
RUN_TIME = re.compile(r"\b\d{2} [A-Z][a-z]+ \d{4} \d{2}:\d{2}\b")
#: The run's duration on the collaborative's index: "in 22.6 s with 2 workers".
RUN_DURATION = re.compile(r"\bin \d+(?:\.\d+)? s with\b")
TIMING_KEYS = {
    "started",
    "finished",
    "duration",
    "timings",
    "executed_at",
    "at",
    "last_executed_at",
    "last_duration",
    "worker",
    "attempts",
}
NOT_OUTPUTS = {".run.lock"}


def anchor_env(cache: Path) -> dict:
    env = os.environ.copy()
    env.update(
        ANCHOR_CATALOGUE=str(FIXTURES / "sources.yml"),
        ANCHOR_DATA_DIR=str(FIXTURES / "data"),
        ANCHOR_NO_SHARED="1",
        ANCHOR_CACHE_DIR=str(cache),
    )
    return env


def anchor_run(
    collab: Path, out: Path, cache: Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess:
    cmd = [
        sys.executable,
        "-m",
        "anchorlib.cli",
        "run",
        str(collab),
        "--outputs",
        str(out),
        "-q",
        "-w",
        "2",
        *args,
    ]
    res = subprocess.run(
        cmd, cwd=ROOT, env=anchor_env(cache), capture_output=True, text=True, timeout=600
    )
    if check:
        assert res.returncode == 0, res.stdout + res.stderr
    return res


def code_sha() -> str:
    from anchorlib.run.keys import code_version

    return code_version()["code_sha256"]


def files_under(root: Path) -> dict[str, Path]:
    return {
        p.relative_to(root).as_posix(): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in NOT_OUTPUTS
    }


def without_timings(obj):
    if isinstance(obj, dict):
        return {k: without_timings(v) for k, v in obj.items() if k not in TIMING_KEYS}
    if isinstance(obj, list):
        return [without_timings(v) for v in obj]
    return obj


def html_without_run_time(path: Path) -> str:
    return RUN_DURATION.sub(
        "in <duration> s with", RUN_TIME.sub("<run time>", path.read_text(encoding="utf-8"))
    )


def notebook_without_timings(path: Path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb.get("metadata", {}).pop("papermill", None)
    for cell in nb.get("cells", []):
        cell.get("metadata", {}).pop("execution", None)
        cell.get("metadata", {}).pop("papermill", None)
    return nb


def json_differences(a, b, path: str = "") -> list[str]:
    """The paths (``reports[2].published.rows``) at which two JSON values differ, with values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}.{k} (only in one)")
            else:
                out += json_differences(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d for i, (x, y) in enumerate(zip(a, b)) for d in json_differences(x, y, f"{path}[{i}]")
        ]
    return [] if a == b else [f"{path.lstrip('.')}: {a!r:.80} != {b!r:.80}"]


def compare_runs(a: Path, b: Path) -> tuple[list[str], dict[str, int]]:
    """Every difference between two output folders beyond those allowed (see the module
    docstring)."""
    fa, fb = files_under(a), files_under(b)
    diffs = [f"only in one run: {name}" for name in sorted(set(fa) ^ set(fb))]
    kinds: dict[str, int] = {}
    for name in sorted(set(fa) & set(fb)):
        pa, pb = fa[name], fb[name]
        if pa.suffix == ".html":
            kind, same = "html", html_without_run_time(pa) == html_without_run_time(pb)
        elif pa.name == "manifest.json":
            kind = "manifest"
            ma, mb = (without_timings(json.loads(p.read_text())) for p in (pa, pb))
            for m in (ma, mb):
                m.get("run", {}).pop("force", None)
            same = ma == mb
            if not same:
                name = f"{name} at " + ", ".join(json_differences(ma, mb)[:10])
        elif pa.suffix == ".ipynb":
            kind, same = "notebook", notebook_without_timings(pa) == notebook_without_timings(pb)
        else:
            kind, same = f"data {pa.suffix or pa.name}", pa.read_bytes() == pb.read_bytes()
        kinds[kind] = kinds.get(kind, 0) + 1
        if not same:
            diffs.append(f"{kind}: {name}")
    return diffs, kinds


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, fixture_cache):
    root = tmp_path_factory.mktemp("determinism")
    collab = root / "collab.yml"
    collab.write_text(SITE_FIXTURE_COLLAB.format(ledgers=LEDGERS))
    # the code is an input: when someone edits anchorlib meanwhile, try again once
    for _attempt in range(2):
        shutil.rmtree(root / "out", ignore_errors=True)
        shutil.rmtree(root / "first", ignore_errors=True)
        code_before = code_sha()
        anchor_run(collab, root / "out", fixture_cache)
        shutil.copytree(root / "out", root / "first")
        second = anchor_run(collab, root / "out", fixture_cache, "--force")
        if code_sha() == code_before:
            break
    else:
        pytest.skip(
            "anchorlib's source changed during both pairs of runs (someone is editing it): not the "
            "same inputs"
        )
    return {
        "first": root / "first",
        "second": root / "out",
        "summary": second.stdout,
        "collab": collab,
        "cache": fixture_cache,
    }


def test_two_runs_on_the_same_inputs_publish_the_same_bytes(two_runs):
    assert "6 executed" in two_runs["summary"] and "ingest built" in two_runs["summary"], two_runs[
        "summary"
    ]
    diffs, kinds = compare_runs(two_runs["first"], two_runs["second"])
    print("compared:", kinds)
    assert not diffs, "the runs differ beyond their times:\n" + "\n".join(diffs)
    # every kind of output was compared: shared data, tables, downloads, pages, notebooks
    for kind in (
        "data .parquet",
        "data .csv",
        "data .xlsx",
        "data .json",
        "html",
        "manifest",
        "notebook",
    ):
        assert kinds.get(kind), (kind, kinds)


def test_the_comparison_sees_a_changed_byte_and_a_changed_figure(two_runs, tmp_path):
    """Not vacuous: a changed value in a table, in an XLSX, or in an embedded figure is a
    difference."""
    copy = tmp_path / "copy"
    shutil.copytree(two_runs["first"], copy)
    csv = next(copy.rglob("tables/*.csv"))
    csv.write_bytes(csv.read_bytes().replace(b"\n", b"\r\n", 1))
    page = copy / "fixture" / "reports" / "place_baseline" / "index.html"
    text = page.read_text(encoding="utf-8")
    i = text.index("data:image/png;base64,") + len("data:image/png;base64,") + 500
    page.write_text(text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1 :], encoding="utf-8")
    diffs, _ = compare_runs(two_runs["first"], copy)
    assert sorted(d.split(": ", 1)[1] for d in diffs) == sorted(
        [csv.relative_to(copy).as_posix(), page.relative_to(copy).as_posix()]
    )


def test_a_manifest_difference_is_named_by_its_path(two_runs, tmp_path):
    """A changed figure in the manifest is a difference, named where it is; a retried kernel
    start is not."""
    copy = tmp_path / "copy"
    shutil.copytree(two_runs["first"], copy)
    path = copy / "fixture" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["reports"][0]["attempts"] = 2
    manifest["reports"][0]["published"]["tables"][0]["rows"] += 1
    path.write_text(json.dumps(manifest))
    diffs, _ = compare_runs(two_runs["first"], copy)
    assert len(diffs) == 1 and ".published.tables[0].rows:" in diffs[0], diffs
    assert "attempts" not in diffs[0]


def test_what_used_to_differ(two_runs):
    """The known sources of difference are gone: absolute paths in duplicate_of, save times in XLSX
    files (document properties and zip member dates), a run time in the XLSX 'about' sheet,
    papermill's random id for the injected-parameters cell, matplotlib's version stamp in PNGs."""
    import zipfile

    import pandas as pd

    from anchorlib.core.xlsx import FIXED_TIME

    out = two_runs["second"] / "fixture"
    ledger = pd.read_parquet(out / "data" / "ledger.parquet")
    dup = ledger.loc[ledger["is_duplicate"], ["source_file", "duplicate_of"]]
    assert len(dup) and all(
        d.rsplit(":", 1)[0] in set(ledger["source_file"]) for d in dup["duplicate_of"]
    )
    for xlsx in [out / "data" / "suppliers.xlsx", *out.glob("reports/*/tables/*.xlsx")]:
        with zipfile.ZipFile(xlsx) as z:
            assert {i.date_time for i in z.infolist()} == {FIXED_TIME}, xlsx
            assert "1980-01-01T00:00:00Z" in z.read("docProps/core.xml").decode()
    about = pd.read_excel(
        next(out.glob("reports/place_baseline/tables/01_*.xlsx")), sheet_name="about"
    )
    assert "generated" not in set(about["field"]) and {"made by", "data"} <= set(about["field"])
    nb = json.loads(next(out.glob("reports/anchor_spend-fire/*.ipynb")).read_text())
    assert [
        c["id"] for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    ] == ["injected-parameters"]
    assert (
        'id="cell-id=injected-parameters"'
        in (out / "reports/anchor_spend-fire/index.html").read_text()
    )


def test_duplicate_of_names_the_first_publication_by_its_display_path():
    """ingest relabels source paths to their data-root paths (portable between machines):
    duplicate_of ('file:row' of the first publication) too, not only source_file."""
    from anchorlib.assets.ingest import _relabel
    from anchorlib.ledgers.canonical import read_ledgers

    paths = [LEDGERS / "overlap_a.csv", LEDGERS / "overlap_b.csv"]
    res = _relabel(
        read_ledgers(paths, "council"), {str(p): f"ledgers/council/{p.name}" for p in paths}
    )
    dup = res.ledger.loc[res.ledger["is_duplicate"], "duplicate_of"].tolist()
    assert dup == ["ledgers/council/overlap_a.csv:2", "ledgers/council/overlap_a.csv:4"]
    assert not any(
        str(ROOT) in str(v) for col in ("source_file", "duplicate_of") for v in res.ledger[col]
    )
