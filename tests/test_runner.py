"""`anchor run`: notebooks, parameters, the batch runner (failure isolation, incremental, atomic)
and the site.

One small collaborative in fixture mode (two anchors with the test ledgers, the
place Hyndburn and Burnley) is run once for the module (3 notebook executions);
each test that runs again starts from a copy of that site, restored at the same
path so that its parameters (and keys) are unchanged.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import ROOT, clear_anchorlib_caches, fixture_env
from typer.testing import CliRunner

from anchorlib.reports.params import ParameterError, check_parameters
from anchorlib.run import keys
from anchorlib.run.errors import RunError
from anchorlib.run.notebooks import PUBLISHING, discover_notebooks, parse_param
from anchorlib.run.publish import publish_dir, recover
from anchorlib.run.runner import run_collaborative
from anchorlib.run.tasks import execute_with_retry, is_kernel_start_failure

LEDGERS = ROOT / "tests" / "data" / "ledgers"
NOTEBOOKS = ROOT / "notebooks"
REPORTS = {
    "place_baseline",
    "anchor_spend-council",
    "anchor_spend-fire",
    "collaborative_spend",
    "progress",
    "workforce",
}


# --------------------------------------------------------------------------- parameters (no kernel)


def _ns(**kw):
    ns = {
        "__annotations__": {
            "collaborative": str,
            "anchor": str,
            "suppliers_listed": int,
            "share": float,
        },
        "collaborative": "c.yml",
        "anchor": "a",
        "suppliers_listed": 20,
        "share": 0.5,
        "check_parameters": check_parameters,
        "In": [],
        "_": None,
    }
    ns.update(kw)
    return ns


def test_parameters_pass_when_declared_and_typed():
    check_parameters(_ns(share=1))  # an int is a float


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"suppliers_listd": 5},
            "unknown parameter 'suppliers_listd' (did you mean 'suppliers_listed'?)",
        ),
        ({"suppliers_listed": "20"}, "parameter 'suppliers_listed' must be int, got str '20'"),
        ({"suppliers_listed": True}, "parameter 'suppliers_listed' must be int, got bool True"),
        ({"anchor": ["a"]}, "parameter 'anchor' must be str, got list ['a']"),
    ],
)
def test_a_typo_or_a_wrong_type_fails_at_once_with_a_clear_message(change, message):
    with pytest.raises(ParameterError) as exc:
        check_parameters(_ns(**change), "anchor_spend")
    text = str(exc.value)
    assert text.startswith("anchor_spend: ") and message in text
    assert (
        "Parameters: collaborative (str), anchor (str), suppliers_listed (int), share (float)"
        in text
    )


def test_param_overrides_parse_as_yaml():
    assert parse_param("suppliers_listed=5") == (None, "suppliers_listed", 5)
    assert parse_param('anchor_spend-fire:anchor="x"') == ("anchor_spend-fire", "anchor", "x")
    assert parse_param("place_baseline:grants=false") == ("place_baseline", "grants", False)
    for bad in ("noequals", "a:1x=2"):
        with pytest.raises(RunError):
            parse_param(bad)


# ----------------------------------------------------------------------- the notebooks as committed


def test_notebooks_are_paired_stripped_and_declare_typed_parameters():
    import ast

    import jupytext

    names = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    assert {"place_baseline", "anchor_spend", "quickstart"} <= set(names)
    for name in names:
        nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
        paired = jupytext.read(NOTEBOOKS / f"{name}.py")
        assert [(c.cell_type, c.source) for c in nb.cells] == [
            (c.cell_type, c.source) for c in paired.cells
        ], name
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), (
            f"{name}.ipynb has outputs"
        )
        tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, name
        body = ast.parse(tagged[0].source).body
        assert body and all(isinstance(n, ast.AnnAssign) and n.value is not None for n in body), (
            f"{name}: every parameter is `name: type = default`"
        )
        after = code[code.index(tagged[0]) + 1].source
        assert "check_parameters(globals()" in after, (
            f"{name}: parameters are checked right after injection"
        )
    specs = {s.name: s for s in discover_notebooks()}
    assert set(specs) >= {"place_baseline", "anchor_spend"} and "quickstart" not in specs
    assert (
        specs["anchor_spend"].scope == "anchor" and specs["place_baseline"].scope == "collaborative"
    )
    assert all(s.problem is None for s in specs.values())


# --------------------------------------------------------------------------- code keys

SPEND_UNRELATED = {
    "the suppliers CLI": "anchorlib.cli.suppliers",
    "the grants code": "anchorlib.indicators.giving",
}


def _edited(monkeypatch, module: str) -> None:
    """Edit ``module``'s source as the code keys read it (a comment appended)."""
    read = keys.module_source
    monkeypatch.setattr(
        keys, "module_source", lambda m: read(m) + (b"\n# edited\n" if m == module else b"")
    )


def _spend_key() -> dict:
    spec = {s.name: s for s in discover_notebooks()}["anchor_spend"]
    return keys.code_version(spec.modules + PUBLISHING)


def test_anchor_spend_key_covers_its_true_dependencies_only(monkeypatch):
    spec = {s.name: s for s in discover_notebooks()}["anchor_spend"]
    closure = keys.code_closure(spec.modules + PUBLISHING)
    lines = sum(len(keys.module_source(m).splitlines()) for m in closure)
    print(f"anchor_spend's code key: {len(closure)} modules, {lines} lines")
    assert {"anchorlib.reports.anchor_spend", "anchorlib.indicators.spend"} <= set(closure)
    assert {"anchorlib", "anchorlib.reports", "anchorlib.indicators"} <= set(closure)  # __init__s
    assert not {m for m in closure if m.startswith(("anchorlib.cli", "anchorlib.run.runner"))}
    assert not set(closure) & set(SPEND_UNRELATED.values())
    before = _spend_key()
    assert before["modules"] == len(closure)
    for module in SPEND_UNRELATED.values():
        with monkeypatch.context() as mp:
            _edited(mp, module)
            assert _spend_key() == before, module
    with monkeypatch.context() as mp:
        _edited(mp, "anchorlib.indicators.spend")
        assert _spend_key()["code_sha256"] != before["code_sha256"]
    # code_version() with no modules: every module of every subpackage
    everything = keys.code_version()
    assert everything["modules"] == len(keys.all_modules()) > len(closure)
    assert {"anchorlib.cli.suppliers", "anchorlib.run", "anchorlib.core.hashing"} <= set(
        keys.all_modules()
    )


def test_code_keys_follow_module_level_imports_and_names_to_where_a_package_takes_them(
    monkeypatch,
):
    sources = {
        "anchorlib.indicators": b"from anchorlib.indicators.spend import spend_indicators\n"
        b"from anchorlib.indicators.giving import giving_summary\n"
        b"__all__ = ['spend_indicators', 'giving_summary']\n",
        "anchorlib.indicators.spend": b"import pandas as pd\n"
        b"from anchorlib.core.errors import AnchorError\n"
        b"def spend_indicators():\n    from anchorlib.cli.suppliers import app\n",
    }
    read = keys.module_source
    monkeypatch.setattr(keys, "module_source", lambda m: sources.get(m) or read(m))
    closure = keys.code_closure(["anchorlib.indicators.spend_indicators"])
    assert closure == [
        "anchorlib",
        "anchorlib.core",
        "anchorlib.core.errors",
        "anchorlib.indicators",
        "anchorlib.indicators.spend",
    ]
    # the whole package, imported as such, is every module its __init__ imports
    assert "anchorlib.indicators.giving" in keys.code_closure(["anchorlib.indicators"])
    # a module that cannot be found is an error, never left out in silence
    sources["anchorlib.indicators.spend"] += b"from anchorlib.indicators.moved_away import x\n"
    with pytest.raises(RunError, match="anchorlib.indicators.moved_away"):
        keys.code_closure(["anchorlib.indicators.spend_indicators"])
    with pytest.raises(RunError, match="anchorlib.nowhere"):
        keys.code_closure(["anchorlib.nowhere"])


def test_editing_files_outside_a_report_key_leaves_it_unchanged_on_disk(tmp_path):
    """On a copy of the project, edits to the suppliers CLI, the grants code and the benchmarks
    leave anchor_spend's key as it was; an edit to the spend indicators changes it (modules found
    by importlib, from the files as they are)."""
    for d in ("anchorlib", "benchmarks", "notebooks"):
        shutil.copytree(ROOT / d, tmp_path / d, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "data").symlink_to(ROOT / "data")
    script = """
import json, sys
from anchorlib.run.keys import code_version
from anchorlib.run.notebooks import PUBLISHING, discover_notebooks
spec = {s.name: s for s in discover_notebooks()}["anchor_spend"]
assert spec.path.parent.parent.resolve() == __import__("pathlib").Path.cwd().resolve()
out = {}
for name in ["none"] + sys.argv[1:]:
    if name != "none":
        with open(name, "a") as fh:
            fh.write("\\n# edited\\n")
    out[name] = code_version(spec.modules + PUBLISHING)["code_sha256"]
print(json.dumps(out))
"""
    edits = [
        "anchorlib/cli/suppliers.py",
        "anchorlib/indicators/giving.py",
        "benchmarks/runner.py",
        "anchorlib/indicators/spend.py",
    ]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    res = subprocess.run(
        [sys.executable, "-c", script, *edits],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    got = json.loads(res.stdout.splitlines()[-1])
    assert got["none"] == got["anchorlib/cli/suppliers.py"] == got["anchorlib/indicators/giving.py"]
    assert got["benchmarks/runner.py"] == got["none"]
    assert got["anchorlib/indicators/spend.py"] != got["none"]


# --------------------------------------------------------------------------- runner units


def test_kernel_start_failures_are_retried_once_and_code_errors_never():
    from papermill.exceptions import PapermillExecutionError

    calls = []

    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")

    assert execute_with_retry(flaky) == 2
    calls.clear()

    def dead():
        calls.append(1)
        raise TimeoutError("Kernel didn't respond in 60 seconds")

    with pytest.raises(TimeoutError):
        execute_with_retry(dead)
    assert len(calls) == 2
    code_error = PapermillExecutionError(3, 1, "x", "ValueError", "bad", [])
    assert not is_kernel_start_failure(code_error)
    assert not is_kernel_start_failure(ValueError("a kernel of truth"))


def test_publish_swaps_folders_and_recover_undoes_a_crash_between_the_renames(tmp_path):
    out = tmp_path / "collab"
    final = out / "reports" / "r1"
    final.mkdir(parents=True)
    (final / "index.html").write_text("old")
    new = out / ".staging" / "run1" / "r1"
    new.mkdir(parents=True)
    (new / "index.html").write_text("new")
    publish_dir(new, final)
    assert (final / "index.html").read_text() == "new" and not list(
        (out / "reports").glob(".old-*")
    )
    # killed after the old folder was moved aside, before the new one moved in:
    os.rename(final, out / "reports" / ".old-r1-0123abcd")
    (out / ".staging" / "run2" / "r1").mkdir(parents=True)
    recover(out)
    assert (final / "index.html").read_text() == "new"
    assert not (out / ".staging").exists() and not list((out / "reports").glob(".old-*"))


# ------------------------------------------------------------------------ the fixture collaborative

COLLAB = f"""id: fixture
name: Fixture collaborative
description: Two anchors with test ledgers in Hyndburn and Burnley.
place: {{name: Hyndburn and Burnley, lads: [E07000120, E07000117]}}
simulate_supplier_postcodes: true
anchors:
  - id: council
    name: A council
    type: local_authority
    home_lad: E07000120
    sites: [BB5 1LA]
    ledger:
      files: ["{LEDGERS}/overlap_a.csv", "{LEDGERS}/overlap_b.csv"]
  - id: fire
    name: A fire service
    type: fire
    sites: [BB11 1AE]
    ledger:
      files: ["{LEDGERS}/amount_formats.csv"]
"""


class Site:
    def __init__(self, root: Path):
        self.root = root
        self.collab = root / "collab.yml"
        self.work = root / "work"  # the outputs folder every run uses
        self.base = root / "base"  # the site after the first run
        self.dir = self.work / "fixture"

    def manifest(self) -> dict:
        return json.loads((self.dir / "manifest.json").read_text())

    def reports(self) -> dict[str, dict]:
        return {r["id"]: r for r in self.manifest()["reports"]}

    def restore(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.copytree(self.base, self.work)

    def run(self, **kw):
        kw.setdefault("workers", 2)
        kw.setdefault("progress", False)
        return run_collaborative(self.collab, out_root=self.work, **kw)


@pytest.fixture(scope="module")
def site(tmp_path_factory, fixture_cache):
    mp = fixture_env(pytest.MonkeyPatch(), fixture_cache)
    s = Site(tmp_path_factory.mktemp("site"))
    s.collab.write_text(COLLAB)
    first = s.run()
    s.first = first
    shutil.copytree(s.work, s.base)
    yield s
    mp.undo()
    clear_anchorlib_caches()


@pytest.fixture
def fresh(site):
    site.restore()
    yield site
    site.restore()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.imgs, self.classes = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.links.append(a[key])
        if tag == "img":
            self.imgs.append(a)
        if a.get("class"):
            self.classes += a["class"].split()


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _broken_links(page: Path) -> list[str]:
    broken = []
    for link in _parse(page).links:
        if re.match(r"^(https?:|mailto:|data:|#)", link):
            continue
        target = (page.parent / link.split("#")[0]).resolve()
        if not target.exists():
            broken.append(link)
    return broken


def test_end_to_end_all_green_and_every_page_readable(site):
    res = site.first
    assert res.ok, res.summary()
    man = site.manifest()
    reports = site.reports()
    assert set(reports) == REPORTS
    assert {r["status"] for r in reports.values()} == {"ok"} and man["run"]["failed"] == 0
    for r in reports.values():
        assert {
            "notebook",
            "parameters",
            "status",
            "duration",
            "error",
            "input_checksums",
            "code_version",
        } <= set(r)
        assert r["error"] is None and r["duration"] > 0 and r["input_checksums"]
    assert reports["anchor_spend-fire"]["parameters"] == {
        "collaborative": str(site.collab),
        "anchor": "fire",
        "outputs": str(site.work),
    }
    assert set(man["assets"]) == {"ingest", "register", "place", "workforce"}

    pages = [site.work / "index.html", site.dir / "index.html"] + [
        site.dir / r["published"]["path"] for r in reports.values()
    ]
    root_links = _parse(site.work / "index.html").links
    assert "fixture/index.html" in root_links
    index_links = _parse(site.dir / "index.html").links
    for rid in REPORTS:
        assert f"reports/{rid}/index.html" in index_links
    for page in pages:
        assert page.is_file()
        text = page.read_text(encoding="utf-8")
        parsed = _parse(page)
        assert not _broken_links(page), (page, _broken_links(page))
        assert not any(
            c.startswith(("jp-InputArea", "jp-InputPrompt", "jp-CodeMirror"))
            for c in parsed.classes
        )
        assert (
            "In&nbsp;[" not in text
            and "jp-InputArea" not in text
            and 'class="highlight' not in text
        )
        assert (
            "jp-OutputArea-error" not in text and "Traceback" not in text and "ansi-red" not in text
        )
        assert all(img.get("alt", "").strip() for img in parsed.imgs), page
        assert not any(link.startswith("/") or link.startswith("file:") for link in parsed.links)

    baseline = (site.dir / "reports/place_baseline/index.html").read_text(encoding="utf-8")
    spend = (site.dir / "reports/anchor_spend-council/index.html").read_text(encoding="utf-8")
    for page in (baseline, spend):
        assert (
            "Open Government Licence" in page
            and "Data sources: vintages, licences and attributions" in page
        )
        assert "What stands out" in page and page.count("<img") >= 2
        assert "data:image/png;base64," in page
    assert "Simulated data." in spend and "Simulated data." not in baseline
    assert "Simulated data." in (site.dir / "index.html").read_text(encoding="utf-8")
    assert "Hyndburn and Burnley" in baseline and "IMD 2025" in baseline
    # every table is offered as CSV and XLSX, and the CSV is the table
    for rid in REPORTS:
        tables = reports[rid]["published"]["tables"]
        assert tables
        for t in tables:
            folder = site.dir / "reports" / rid
            df = pd.read_csv(folder / t["csv"])
            assert len(df) == t["rows"]
            assert (folder / t["xlsx"]).is_file()
            assert pd.read_excel(folder / t["xlsx"], sheet_name="table").shape == df.shape
    top = pd.read_csv(
        site.dir
        / "reports/anchor_spend-council/tables"
        / next(
            t["csv"].split("/")[-1]
            for t in reports["anchor_spend-council"]["published"]["tables"]
            if t["name"] == "top_suppliers"
        )
    )
    assert "net spend (£)" in top.columns


def test_second_run_executes_nothing_and_a_touched_parameter_reruns_only_its_report(fresh):
    before = {rid: (fresh.dir / f"reports/{rid}/index.html").read_bytes() for rid in REPORTS}
    again = fresh.run()
    assert again.ok
    assert {r["status"] for r in again.reports} == {"unchanged"}
    assert again.manifest["run"]["executed"] == 0
    # the fixture collaborative has no staff data: its workforce asset is skipped, every time
    assert {k: a["status"] for k, a in again.manifest["assets"].items()} == {
        "ingest": "unchanged",
        "register": "unchanged",
        "place": "unchanged",
        "workforce": "skipped",
    }
    assert {
        rid: (fresh.dir / f"reports/{rid}/index.html").read_bytes() for rid in REPORTS
    } == before

    touched = fresh.run(params=["anchor_spend-council:suppliers_listed=2"])
    status = {r["id"]: r["status"] for r in touched.reports}
    assert status == {
        "place_baseline": "unchanged",
        "anchor_spend-council": "ok",
        "anchor_spend-fire": "unchanged",
        "collaborative_spend": "unchanged",
        "progress": "unchanged",
        "workforce": "unchanged",
    }
    rec = fresh.reports()["anchor_spend-council"]
    assert rec["parameters"]["suppliers_listed"] == 2
    top = next(t for t in rec["published"]["tables"] if t["name"] == "top_suppliers")
    assert top["rows"] <= 2
    assert (fresh.dir / "reports/place_baseline/index.html").read_bytes() == before[
        "place_baseline"
    ]

    # --only runs and counts just the chosen report; the others keep their record and are not
    # counted
    only = fresh.run(force=True, only=["place_baseline"])
    assert only.ok
    run = only.manifest["run"]
    assert (run["executed"], run["unchanged"], run["failed"], run["not_selected"]) == (
        1,
        0,
        0,
        len(REPORTS) - 1,
    )
    assert "1 executed, 0 unchanged, 0 failed, 5 not selected (--only)" in only.summary()


def test_an_edit_outside_a_report_code_reruns_nothing_and_an_edit_inside_reruns_it(
    fresh, monkeypatch
):
    """Through the runner: the suppliers CLI is in no report's code key, the grants code not in
    anchor_spend's (the place baseline's only); the spend indicators are in anchor_spend's."""
    assert fresh.run().ok  # up to date with the code as it is now
    with monkeypatch.context() as mp:
        _edited(mp, "anchorlib.cli.suppliers")
        again = fresh.run()
    assert again.ok and again.manifest["run"]["executed"] == 0
    for module in SPEND_UNRELATED.values():
        with monkeypatch.context() as mp:
            _edited(mp, module)
            again = fresh.run(only=["anchor_spend"])
        assert again.ok and again.manifest["run"]["executed"] == 0, module
        status = {r["id"]: r["status"] for r in again.reports}
        assert status["anchor_spend-council"] == status["anchor_spend-fire"] == "unchanged"
    with monkeypatch.context() as mp:
        _edited(mp, "anchorlib.indicators.spend")
        edited = fresh.run(only=["anchor_spend"])
    assert edited.ok, edited.summary()
    status = {r["id"]: r["status"] for r in edited.reports}
    assert status["anchor_spend-council"] == status["anchor_spend-fire"] == "ok"
    assert edited.manifest["run"]["executed"] == 2


def test_a_failing_report_is_named_and_leaves_the_others_published(fresh):
    from anchorlib.cli import app

    old_council = (fresh.dir / "reports/anchor_spend-council/index.html").read_bytes()
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(fresh.collab),
            "--outputs",
            str(fresh.work),
            "-q",
            "-w",
            "2",
            "-p",
            "anchor_spend-council:suppliers_listd=5",
            "-p",
            "anchor_spend-fire:suppliers_listed=4",
        ],
    )
    assert result.exit_code == 1, result.output
    assert (
        "FAILED anchor_spend-council: ParameterError: anchor_spend: unknown parameter "
        "'suppliers_listd' "
        "(did you mean 'suppliers_listed'?)"
    ) in result.output
    reports = fresh.reports()
    assert reports["anchor_spend-council"]["status"] == "failed"
    assert "unknown parameter 'suppliers_listd'" in reports["anchor_spend-council"]["error"]
    assert (
        reports["anchor_spend-fire"]["status"] == "ok"
        and reports["place_baseline"]["status"] == "unchanged"
    )
    assert fresh.manifest()["run"]["failed"] == 1
    # the failed report's previous version is still published, untouched; its failed notebook is
    # kept
    assert (fresh.dir / "reports/anchor_spend-council/index.html").read_bytes() == old_council
    assert (fresh.dir / reports["anchor_spend-council"]["failed_notebook"]).is_file()
    index = (fresh.dir / "index.html").read_text(encoding="utf-8")
    assert "The last run had failures." in index and "suppliers_listd" in index
    assert not _broken_links(fresh.dir / "index.html")
    # an override no notebook declares is refused before anything runs
    bad = CliRunner().invoke(
        app,
        ["run", str(fresh.collab), "--outputs", str(fresh.work), "-q", "-p", "suppliers_listd=5"],
    )
    assert (
        bad.exit_code == 2 and "no report notebook has a parameter 'suppliers_listd'" in bad.output
    )


def test_a_killed_run_leaves_the_previous_site_intact(fresh):
    def snapshot():
        return {
            p.relative_to(fresh.dir).as_posix(): p.read_bytes()
            for p in sorted((fresh.dir / "reports").rglob("*"))
            if p.is_file()
        }

    before = snapshot()
    index = (fresh.dir / "index.html").read_bytes()
    manifest = (fresh.dir / "manifest.json").read_bytes()
    cmd = [
        sys.executable,
        "-m",
        "anchorlib.cli",
        "run",
        str(fresh.collab),
        "--outputs",
        str(fresh.work),
        "-q",
        "-w",
        "2",
        "-p",
        "anchor_spend:suppliers_listed=7",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=os.environ.copy(),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 90
        while time.time() < deadline and not list((fresh.dir / ".staging").glob("*/*")):
            assert proc.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        assert list((fresh.dir / ".staging").glob("*/*")), "no report started"
        time.sleep(0.5)  # mid-execution
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert snapshot() == before
    assert (fresh.dir / "index.html").read_bytes() == index
    assert (fresh.dir / "manifest.json").read_bytes() == manifest
    recover(fresh.dir)
    assert not (fresh.dir / ".staging").exists() and snapshot() == before


def test_quickstart_runs_on_the_shared_assets(fresh, tmp_path):
    import papermill as pm

    pm.execute_notebook(
        str(NOTEBOOKS / "quickstart.ipynb"),
        str(tmp_path / "quickstart.ipynb"),
        cwd=str(ROOT),
        parameters={"collaborative": str(fresh.collab), "outputs": str(fresh.work)},
        progress_bar=False,
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )


def test_the_readings_are_made_from_the_figures(fresh):
    from anchorlib.assets.place import read_place_asset
    from anchorlib.assets.register import read_located_ledger
    from anchorlib.config.collaborative import load_collaborative
    from anchorlib.reports.anchor_spend import anchor_spend, spend_reading
    from anchorlib.reports.place_baseline import baseline_reading, place_baseline

    collab = load_collaborative(fresh.collab)
    b = place_baseline(collab, read_place_asset(collab, fresh.work))
    text = baseline_reading(b)
    n1 = int(b.deciles["neighbourhoods (LSOAs)"].iloc[0])
    assert (
        text[0] == f"Hyndburn and Burnley is home to {int(round(b.population)):,} people in "
        f"{b.lsoa_count:,} "
        "neighbourhoods (LSOAs)."
    )
    assert any(s.startswith(f"{n1:,} of its neighbourhoods") for s in text)
    s = anchor_spend(collab, "fire", read_located_ledger(collab, fresh.work), out_root=fresh.work)
    reading = spend_reading(s)
    assert reading[0].startswith(
        f"A fire service paid £{s.indicators['total']:,.0f} in "
        f"{s.indicators['transactions']:,} payments"
    )
    assert any("simulated" in r for r in reading)
