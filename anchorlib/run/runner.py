"""``anchor run``: build a collaborative's shared assets once, then execute every report notebook and publish.

    anchor run collaboratives/lancashire.yml [--workers N] [--force] [-p NAME=VALUE] [--only NAME]
    anchor run --all

1. **Shared assets**, built once per collaborative and skipped when their inputs
   are unchanged (a stamp in ``outputs/<id>/data/assets.json``): the ingest
   (ledger, rejects, reconciliation), the supplier register (rebuilt, keeping
   people's edits, when the ledger or the register files change), the place
   asset (:mod:`anchorlib.assets.place`) and the workforce aggregates
   (:func:`anchorlib.assets.workforce.build_workforce_asset`; skipped when no anchor has
   staff data).  Notebooks only read them.
2. **Reports.**  Every notebook in ``notebooks/`` whose metadata has an
   ``anchorlib`` block (``scope: collaborative`` runs once, ``scope: anchor``
   once per anchor) is executed with papermill, in parallel (``--workers``,
   default the cores available), with a progress bar, by long-lived worker
   processes that each keep one warm kernel and reset it to a clean state
   before every report (:mod:`anchorlib.run.warm_kernel`; ``--fresh-kernels`` starts
   a new kernel for every report instead).
   A kernel that fails to start is retried once; any other failure is
   collected, never stops the others.
3. **Incremental.**  A report whose key (the checksums of its declared inputs,
   the notebook's content, its parameters and the anchorlib code) equals the
   key of its published version is not executed again; ``--force`` runs all.
4. **Atomic publishing.**  Each report is executed and exported into a staging
   folder and swapped into ``outputs/<id>/reports/<report>/`` only when it
   succeeded: an interrupted or failed run leaves the previous report intact.
   ``manifest.json`` and the index pages are replaced atomically after each
   report.

``outputs/<id>/manifest.json`` records, per report: notebook, parameters,
status (``ok``, ``unchanged``, ``failed``, ``not_run``), duration, error (its
first line, and the traceback), input checksums, notebook checksum, key and
code version, and what is published.  The exit status is non-zero when
anything failed.
"""

from __future__ import annotations

import ast
import datetime as dt
import fcntl
import hashlib
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from anchorlib import __version__
from anchorlib.core.errors import AnchorError
from anchorlib.data.catalogue import PROJECT_ROOT, sha256_of

__all__ = [
    "RunError",
    "NotebookSpec",
    "Job",
    "RunResult",
    "discover_notebooks",
    "parse_param",
    "code_version",
    "build_assets",
    "run_collaborative",
    "run_many",
    "is_kernel_start_failure",
    "NOTEBOOKS_DIR",
    "INPUT_GROUPS",
    "default_workers",
    "execute_jobs",
    "report_id",
]

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
COLLABORATIVES_DIR = PROJECT_ROOT / "collaboratives"
KERNEL_ARGS = ["--IPKernelApp.log_level=CRITICAL"]
#: Parameters the runner gives every report itself; ``-p`` cannot change them.
RESERVED_PARAMETERS = {
    "collaborative": "the collaborative file being run: run that other file instead",
    "outputs": "the outputs folder: use --outputs",
}
SCOPES = ("collaborative", "anchor")
#: Every scope a notebook can declare: ``place`` notebooks are run by :func:`anchorlib.run.national.run_places`
#: (one report per place of England), never as a collaborative's report.
ALL_SCOPES = SCOPES + ("place",)


class RunError(AnchorError):
    """The run cannot start (bad parameter override, unknown notebook, a run already in progress)."""


# --------------------------------------------------------------------------- inputs and code version


def _sha_text(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()


@lru_cache(maxsize=1)
def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


_PKG = Path(__file__).resolve().parents[1]


def _module_path(module: str) -> Path:
    """The source file of an anchorlib module or subpackage (its ``__init__.py``)."""
    parts = module.split(".")[1:]
    base = _PKG.joinpath(*parts)
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _anchorlib_imports(tree: ast.AST) -> set[str]:
    """anchorlib modules a piece of code imports, anywhere in it (imports inside functions too)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "anchorlib"}
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.split(".")[0] == "anchorlib"
        ):
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in out if _module_path(m).is_file()}


@cache
def _module_imports(module: str, mtime_ns: int) -> frozenset[str]:
    return frozenset(
        _anchorlib_imports(ast.parse(_module_path(module).read_text(encoding="utf-8")))
    )


def code_closure(modules) -> list[str]:
    """The anchorlib modules ``modules`` use, transitively (what decides the numbers they make)."""
    seen, todo = set(), ["anchorlib", *modules]
    while todo:
        m = todo.pop()
        if m in seen or not _module_path(m).is_file():
            continue
        seen.add(m)
        parents = [".".join(m.split(".")[:i]) for i in range(1, m.count(".") + 1)]
        todo += sorted(
            (_module_imports(m, _module_path(m).stat().st_mtime_ns) | set(parents)) - seen
        )
    return sorted(seen)


def code_version(modules=None) -> dict:
    """anchorlib's version, the git commit, and the sha256 of the source of ``modules`` and every anchorlib
    module they import, transitively (all of anchorlib when ``modules`` is None)."""
    names = (
        code_closure(modules)
        if modules is not None
        else sorted(
            ".".join(("anchorlib", *p.relative_to(_PKG).with_suffix("").parts)).removesuffix(
                ".__init__"
            )
            for p in _PKG.rglob("*.py")
        )
    )
    h = hashlib.sha256()
    for m in names:
        h.update(m.encode())
        h.update(_module_path(m).read_bytes())
    for p in sorted(_PKG.glob("*.yml")):  # package data read by the modules
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return {
        "anchorlib": __version__,
        "git_commit": _git_commit(),
        "code_sha256": h.hexdigest(),
        "modules": len(names),
    }


def notebook_modules(nb) -> list[str]:
    """anchorlib modules a notebook's code cells import (cells that do not parse are skipped)."""
    out: set[str] = set()
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        try:
            out |= _anchorlib_imports(ast.parse(c.source))
        except SyntaxError:  # magics and shell escapes
            continue
    return sorted(out)


def _rel(path: Path, *bases: Path) -> str:
    for b in bases:
        try:
            return path.resolve().relative_to(b.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def _catalogue_path() -> Path:
    from anchorlib.data.catalogue import CATALOGUE_PATH

    return Path(os.environ.get("ANCHOR_CATALOGUE") or CATALOGUE_PATH)


def _optional_present() -> list[str]:
    """Optional catalogue sources found on this machine (they change figures: e.g. IoD2025 denominators)."""
    from anchorlib.data.catalogue import find_file, load_catalogue

    return sorted(
        s.id
        for s in load_catalogue().sources
        if s.optional and s.kind == "reference" and all(find_file(s, f) for f in s.files)
    )


#: Input groups a notebook can declare (``anchorlib.inputs`` in its metadata) -> files, relative to
#: the collaborative's output folder unless absolute.
INPUT_GROUPS: dict[str, Callable] = {
    "collaborative": lambda c, d: (
        [c.path] + ([c.path.parent / c.spec.place] if isinstance(c.spec.place, str) else [])
    ),
    "catalogue": lambda c, d: [_catalogue_path()],
    "place_asset": lambda c, d: [
        d / "data" / f
        for f in (
            "place_lsoas.parquet",
            "place_lads.parquet",
            "place_sites.csv",
            "place_context.json",
        )
    ],
    "ledger": lambda c, d: [d / "data" / "ledger.parquet"],
    "register": lambda c, d: [d / "data" / "suppliers.csv", d / "data" / "suppliers_matches.csv"],
    "ingest_quality": lambda c, d: [
        d / "data" / f for f in ("reconciliation_anchors.csv", "reconciliation.csv", "rejects.csv")
    ],
    "workforce": lambda c, d: _workforce_files(d),
}


def _workforce_files(out_dir: Path) -> list[Path]:
    from anchorlib.assets.workforce import workforce_asset_files

    return workforce_asset_files(out_dir)


class _Checksums:
    """sha256 of files, each computed once per run."""

    def __init__(self):
        self._seen: dict[Path, str | None] = {}

    def __call__(self, path: Path) -> str | None:
        path = Path(path).resolve()
        if path not in self._seen:
            self._seen[path] = sha256_of(path) if path.is_file() else None
        return self._seen[path]

    def forget(self, paths) -> None:
        for p in paths:
            self._seen.pop(Path(p).resolve(), None)


def input_checksums(
    collab, groups: list[str], out_dir: Path, sums: _Checksums
) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for g in groups:
        for p in INPUT_GROUPS[g](collab, out_dir):
            out[_rel(p, out_dir, PROJECT_ROOT)] = sums(p)
        if g == "catalogue":
            out["optional sources present"] = ",".join(_optional_present()) or "none"
    return out


# --------------------------------------------------------------------------- shared assets


def _stamp(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / "data" / "assets.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def build_assets(
    collab,
    out_root: Path | None = None,
    *,
    force: bool = False,
    quiet: bool = True,
    sums: _Checksums | None = None,
    log: Callable[[str], None] = lambda m: None,
) -> dict:
    """Build the shared assets (ingest, supplier register, place asset, workforce aggregates), each skipped when
    its inputs are unchanged.  Returns ``{asset: {"status": "built" | "unchanged" | "skipped", "duration": s,
    "key": ...}}`` (``skipped``: the workforce asset of a collaborative without staff data, with a ``note``)."""
    from anchorlib.assets.ingest import display_path
    from anchorlib.assets.place import build_place_asset, write_json
    from anchorlib.data.catalogue import verified_sha256

    sums = sums or _Checksums()
    out_dir = collab.output_dir(out_root)
    data = out_dir / "data"
    stamp = _stamp(out_dir)
    yml = sums(collab.path)
    result: dict[str, dict] = {}

    stamp_mtime = (
        (data / "assets.json").stat().st_mtime if (data / "assets.json").is_file() else 0.0
    )

    def step(
        name: str,
        key: str,
        outputs: list[Path],
        build: Callable[[], None],
        key_after=None,
        touched: list[Path] | None = None,
        adopt: Callable[[], bool] | None = None,
    ) -> None:
        t0 = time.perf_counter()
        have = all(p.is_file() for p in outputs)
        fresh = not force and have and stamp.get(name) == key
        if not fresh and not force and have and adopt is not None and adopt():
            # built by `anchor ingest` / `anchor suppliers build` since our last stamp, from these inputs
            stamp[name] = key_after() if key_after else key
            write_json(stamp, data / "assets.json")
            fresh = True
        if fresh:
            result[name] = {"status": "unchanged", "duration": 0.0, "key": stamp[name]}
            log(f"{collab.id}: {name}: unchanged")
            return
        log(f"{collab.id}: {name}: building")
        build()
        sums.forget(outputs + (touched or []))
        stamp[name] = key_after() if key_after else key
        result[name] = {
            "status": "built",
            "duration": round(time.perf_counter() - t0, 2),
            "key": stamp[name],
        }
        write_json(stamp, data / "assets.json")

    # 1. ingest: keyed by the collaborative file, every ledger file's checksum and the code.
    files = [
        (a.id, display_path(p), verified_sha256(p))
        for a in collab.anchors
        if a.ledger
        for p in collab.ledger_files(a)
    ]
    ingest_out = [
        data / f
        for f in (
            "ledger.parquet",
            "rejects.csv",
            "reconciliation.csv",
            "reconciliation_anchors.csv",
        )
    ]

    def do_ingest():
        from anchorlib.assets.ingest import ingest

        ingest(collab, out_root=out_root, quiet=quiet)

    def ingest_adopt() -> bool:
        """ingest.json written after our stamp, by an ingest of exactly these files and collaborative file."""
        path = data / "ingest.json"
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return False
        done = sorted((f["anchor"], f["file"], f["sha256"]) for f in info.get("files", []))
        return (
            path.stat().st_mtime > stamp_mtime
            and info.get("collaborative_file_sha256") == yml
            and done == sorted(files)
        )

    step(
        "ingest",
        _sha_text(
            {
                "collaborative": yml,
                "files": files,
                "code": code_version(["anchorlib.assets.ingest"])["code_sha256"],
            }
        ),
        ingest_out,
        do_ingest,
        adopt=ingest_adopt,
    )

    # 2. register: keyed by the ledger, the collaborative file, the code and the register files themselves
    #    (an edit in suppliers.xlsx or .csv is an input: rebuilt, keeping it).
    reg_files = [data / "suppliers.csv", data / "suppliers.xlsx", data / "suppliers_matches.csv"]
    code = code_version(["anchorlib.assets.register"])["code_sha256"]

    def reg_key():
        return _sha_text(
            {
                "ledger": sums(data / "ledger.parquet"),
                "collaborative": yml,
                "code": code,
                "register": [sums(p) for p in reg_files],
            }
        )

    def do_register():
        from anchorlib.assets.register import build_collaborative_register

        build_collaborative_register(collab, out_root=out_root)

    def register_adopt() -> bool:
        """The register files as `anchor suppliers build` last wrote them (together, after the ledger and our
        stamp): a person's later edit touches one file and is not adopted (it is an input: rebuilt)."""
        times = [p.stat().st_mtime for p in reg_files if p.is_file()]
        ledger = data / "ledger.parquet"
        return (
            len(times) == len(reg_files)
            and max(times) - min(times) < 2
            and ledger.is_file()
            and min(times) >= ledger.stat().st_mtime
            and min(times) > stamp_mtime
        )

    step(
        "register",
        reg_key(),
        [reg_files[0], reg_files[2]],
        do_register,
        key_after=reg_key,
        touched=reg_files,
        adopt=register_adopt,
    )

    # 3. the place asset: keyed by the collaborative and place files, the catalogue, optional sources, code.
    place_files = INPUT_GROUPS["collaborative"](collab, out_dir)
    place_key = _sha_text(
        {
            "files": [sums(p) for p in place_files],
            "catalogue": sums(_catalogue_path()),
            "optional": _optional_present(),
            "code": code_version(["anchorlib.assets.place"])["code_sha256"],
        }
    )
    step(
        "place",
        place_key,
        INPUT_GROUPS["place_asset"](collab, out_dir),
        lambda: build_place_asset(collab, out_root),
    )

    # 4. the workforce aggregates (disclosure-controlled; staff-level rows stay in outputs/<id>/private/):
    #    keyed by the collaborative and place files, the catalogue (postcodes, IMD), each anchor's staff extract
    #    checksum or simulation seed and size, the Real Living Wage file and the code.  Skipped, with a note for
    #    the report, when no anchor has staff data.
    from anchorlib.assets.workforce import build_workforce_asset, staff_plan
    from anchorlib.workforce.rates import RLW_PATH

    plan = staff_plan(collab)
    wf_files = _workforce_files(out_dir)
    if all(p["source"] == "none" for p in plan):
        t0 = time.perf_counter()
        meta = build_workforce_asset(collab, out_root)
        sums.forget(wf_files)
        if stamp.pop("workforce", None) is not None:
            write_json(stamp, data / "assets.json")
        result["workforce"] = {
            "status": "skipped",
            "duration": round(time.perf_counter() - t0, 2),
            "key": None,
            "note": meta["note"],
        }
        log(f"{collab.id}: workforce: skipped (no staff data)")
    else:
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
        wf_key = _sha_text(
            {
                "files": [sums(p) for p in place_files],
                "catalogue": sums(_catalogue_path()),
                "staff": staff,
                "rlw": sums(RLW_PATH),
                "code": code_version(["anchorlib.assets.workforce"])[
                    "code_sha256"
                ],
            }
        )
        step("workforce", wf_key, wf_files, lambda: build_workforce_asset(collab, out_root))
    return result


# --------------------------------------------------------------------------- notebooks


@dataclass
class NotebookSpec:
    name: str
    path: Path
    title: str
    scope: str
    inputs: list[str]
    order: int
    parameters: dict[str, str]  # declared name -> annotation text
    sha256: str  # of the cells (type, source, tags) and kernel
    modules: list[str] = field(default_factory=list)  # anchorlib modules its code imports
    problem: str | None = None  # why it cannot run (e.g. .py and .ipynb out of step)


def _cells_key(nb) -> list:
    return [(c.cell_type, c.source, sorted(c.metadata.get("tags", []))) for c in nb.cells]


def _declared(nb) -> dict[str, str]:
    for c in nb.cells:
        if c.cell_type == "code" and "parameters" in c.metadata.get("tags", []):
            out = {}
            for node in ast.parse(c.source).body:
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    out[node.target.id] = ast.unparse(node.annotation)
            return out
    return {}


def _load_notebook(path: Path):
    import nbformat

    return nbformat.read(path, as_version=4)


def discover_notebooks(
    notebooks_dir: Path | None = None, scopes: tuple[str, ...] = SCOPES, input_groups=None
) -> list[NotebookSpec]:
    """The report notebooks: ``*.ipynb`` whose metadata has an ``anchorlib`` block with a scope.

    Only notebooks of ``scopes`` (default: a collaborative's, ``collaborative`` and ``anchor``); their
    declared ``inputs`` must be names in ``input_groups`` (default :data:`INPUT_GROUPS`)."""
    d = Path(notebooks_dir or NOTEBOOKS_DIR)
    groups = INPUT_GROUPS if input_groups is None else input_groups
    specs = []
    for path in sorted(d.glob("*.ipynb")):
        nb = _load_notebook(path)
        meta = nb.metadata.get("anchorlib") or {}
        if not meta.get("scope"):
            continue
        where = f"{path}: metadata anchorlib"
        if meta["scope"] not in ALL_SCOPES:
            raise RunError(f"{where}.scope: {meta['scope']!r} is not one of {ALL_SCOPES}")
        if meta["scope"] not in scopes:
            continue
        unknown = [g for g in meta.get("inputs", []) if g not in groups]
        if unknown:
            raise RunError(
                f"{where}.inputs: unknown input group(s) {unknown}; known: {sorted(groups)}"
            )
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        if len(tagged) != 1:
            raise RunError(
                f"{path}: needs exactly one cell tagged 'parameters', found {len(tagged)}"
            )
        problem = None
        paired = path.with_suffix(".py")
        if paired.is_file():
            import jupytext

            if _cells_key(jupytext.read(paired)) != _cells_key(nb):
                problem = (
                    f"{paired.name} and {path.name} differ: pair them with "
                    f"`jupytext --sync {_rel(paired, PROJECT_ROOT)}` before running"
                )
        key = _sha_text(
            {"cells": _cells_key(nb), "kernel": nb.metadata.get("kernelspec", {}).get("name")}
        )
        specs.append(
            NotebookSpec(
                name=path.stem,
                path=path,
                title=meta.get("title") or path.stem,
                scope=meta["scope"],
                inputs=list(meta.get("inputs", [])),
                order=int(meta.get("order", 100)),
                parameters=_declared(nb),
                sha256=key,
                modules=notebook_modules(nb),
                problem=problem,
            )
        )
    return sorted(specs, key=lambda s: (s.order, s.name))


def parse_param(text: str) -> tuple[str | None, str, Any]:
    """``NAME=VALUE`` or ``TARGET:NAME=VALUE`` (TARGET a notebook name or a report id); VALUE is read as
    YAML (``20`` is an int, ``"20"`` a string, ``[1, 2]`` a list)."""
    import yaml

    if "=" not in text:
        raise RunError(f"--param {text!r}: write NAME=VALUE or REPORT:NAME=VALUE")
    left, value = text.split("=", 1)
    target, _, name = left.rpartition(":")
    name = name.strip()
    if not name.isidentifier():
        raise RunError(f"--param {text!r}: {name!r} is not a parameter name")
    try:
        parsed = yaml.safe_load(value) if value.strip() else ""
    except yaml.YAMLError as exc:
        raise RunError(f"--param {text!r}: the value is not valid YAML: {exc}") from None
    return (target.strip() or None), name, parsed


@dataclass
class Job:
    id: str
    notebook: NotebookSpec
    anchor: str | None
    title: str
    parameters: dict
    inputs: dict
    key: str
    code: dict


def report_id(nb: NotebookSpec, anchor: str | None) -> str:
    return nb.name if anchor is None else f"{nb.name}-{anchor}"


#: Modules every report depends on besides its own imports: the export to HTML.
PUBLISHING = ["anchorlib.run.site", "anchorlib.reports.display"]


def _jobs(
    collab, specs: list[NotebookSpec], out_root: Path | None, out_dir: Path, overrides, sums
) -> list[Job]:
    coll_param = _rel(collab.path, PROJECT_ROOT)
    jobs = []
    for nb in specs:
        code = code_version(nb.modules + PUBLISHING)
        anchors = (
            [None]
            if nb.scope == "collaborative"
            else [a for a in collab.anchors if a.ledger is not None]
        )
        for a in anchors:
            rid = report_id(nb, a.id if a else None)
            base = {
                "collaborative": coll_param,
                "outputs": str(out_root) if out_root else "",
                "anchor": a.id if a else None,
            }
            params = {k: v for k, v in base.items() if k in nb.parameters and v is not None}
            for target, name, value in overrides:
                if target is None:
                    if name in nb.parameters:
                        params[name] = value
                elif target in (nb.name, rid):
                    params[name] = (
                        value  # passed even if undeclared: the notebook says what is wrong
                    )
            inputs = input_checksums(collab, nb.inputs, out_dir, sums)
            key = _sha_text(
                {
                    "inputs": inputs,
                    "notebook": nb.sha256,
                    "parameters": params,
                    "code": code["code_sha256"],
                }
            )
            title = nb.title if a is None else f"{nb.title}: {a.name}"
            jobs.append(Job(rid, nb, a.id if a else None, title, params, inputs, key, code))
    return jobs


# --------------------------------------------------------------------------- executing one report (worker)


def is_kernel_start_failure(exc: BaseException) -> bool:
    """True for a kernel that did not start or died before running the notebook (worth one retry);
    False for an error raised by the notebook's own code."""
    try:
        from papermill.exceptions import PapermillExecutionError

        if isinstance(exc, PapermillExecutionError):
            return False
    except ImportError:  # pragma: no cover
        pass
    name = type(exc).__name__
    text = str(exc).lower()
    if name in ("DeadKernelError", "ZMQError", "NoSuchKernel"):
        return name != "NoSuchKernel"
    return (
        isinstance(exc, (TimeoutError, RuntimeError, ConnectionError, OSError)) and "kernel" in text
    )


def _first_line(text: str) -> str:
    return next((line.strip() for line in str(text).splitlines() if line.strip()), "")


def execute_with_retry(execute: Callable[[], None], retries: int = 1) -> int:
    """Run ``execute``; retry it ``retries`` times when the kernel fails to start.  Returns the attempts made."""
    attempt = 0
    while True:
        attempt += 1
        try:
            execute()
            return attempt
        except Exception as exc:
            if attempt <= retries and is_kernel_start_failure(exc):
                continue
            exc.attempts = attempt  # type: ignore[attr-defined]
            raise


def lean_imports() -> None:
    """Keep notebook tooling imports fast in a batch process.

    jupyterlab's dependency tree installs ``rfc3987_syntax``, which ``jsonschema``
    imports when present and which builds a grammar at import time (about 1 s on a
    2-core machine, in every process that imports nbformat).  Its only use is to
    check the ``iri`` string format, which notebook validation never asks for, so the
    batch worker tells Python it is absent.  Researchers' Jupyter is unaffected."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _worker_init() -> None:
    import atexit
    import logging
    import warnings

    lean_imports()
    warnings.filterwarnings("ignore")
    logging.getLogger("papermill").setLevel(logging.ERROR)
    import nbconvert  # noqa: F401 - imported once per worker, not once per report
    import papermill  # noqa: F401

    from anchorlib.run import warm_kernel

    warm_kernel.register()
    atexit.register(warm_kernel.shutdown)


def _warm_engine() -> str:
    from anchorlib.run import warm_kernel

    return warm_kernel.register()


def run_report(task: dict) -> dict:
    """Execute one notebook into its staging folder and export it (runs in a worker process)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from anchorlib.run.site import export_report

    t0 = time.perf_counter()
    staging = Path(task["staging"])
    staging.mkdir(parents=True, exist_ok=True)
    executed = staging / f"{task['id']}.ipynb"
    res = {
        "id": task["id"],
        "status": "failed",
        "error": None,
        "error_detail": None,
        "attempts": 0,
        "worker": f"{socket.gethostname()}:{os.getpid()}",
        "executed_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    try:
        engine = None if task.get("fresh_kernels") else _warm_engine()
        res["attempts"] = execute_with_retry(
            lambda: pm.execute_notebook(
                task["notebook"],
                str(executed),
                parameters=task["parameters"],
                cwd=str(PROJECT_ROOT),
                engine_name=engine,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                start_timeout=task.get("start_timeout", 60),
                extra_arguments=KERNEL_ARGS,
            )
        )
        t_exported = time.perf_counter()
        info = export_report(executed, staging, task["site"])
        info["notebook"] = executed.name
        res.update(status="ok", published=info)
        res["timings"] = {
            "execute": round(t_exported - t0, 3),
            "export": round(time.perf_counter() - t_exported, 3),
        }
    except PapermillExecutionError as exc:
        res.update(
            attempts=getattr(exc, "attempts", 1),
            error=_first_line(f"{exc.ename}: {exc.evalue}"),
            error_detail="\n".join(exc.traceback)[-4000:] if exc.traceback else str(exc),
        )
    except Exception as exc:
        res.update(
            attempts=getattr(exc, "attempts", res["attempts"] or 1),
            error=_first_line(f"{type(exc).__name__}: {exc}"),
            error_detail=traceback.format_exc()[-4000:],
        )
    res["duration"] = round(time.perf_counter() - t0, 2)
    res["executed_notebook"] = str(executed) if executed.is_file() else None
    return res


def _serve() -> None:
    """A worker process (``python -m anchorlib.run.runner --worker``): one JSON task a line on stdin, one JSON
    result a line on a private copy of stdout (the real stdout goes to stderr: nothing else can corrupt it)."""
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    _worker_init()
    for line in sys.stdin:
        if line.strip():
            proto.write(json.dumps(run_report(json.loads(line)), default=str) + "\n")


class _Worker:
    """A long-lived worker process: imports papermill and nbconvert once, then runs reports one by one.

    Plain subprocesses, not multiprocessing: the caller's ``__main__`` is never re-imported.
    """

    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "anchorlib.run.runner", "--worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=str(PROJECT_ROOT),
        )

    def run(self, task: dict) -> dict:
        self.proc.stdin.write(json.dumps(task, default=str) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker process exited (status {self.proc.wait()})")
        return json.loads(line)

    def close(self, terminate: bool = False) -> None:
        if self.proc.poll() is None:
            if terminate:
                self.proc.terminate()
            else:
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class _Pool:
    """``n`` threads, each feeding one worker process; results come back as they finish."""

    def __init__(self, n: int):
        self.n = n
        self.workers: list[_Worker] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def _loop(self, tasks: queue.Queue, results: queue.Queue) -> None:
        worker = None
        try:
            while not self.stop.is_set():
                try:
                    job, task = tasks.get_nowait()
                except queue.Empty:
                    return
                try:
                    if worker is None:
                        worker = _Worker()
                        with self.lock:
                            self.workers.append(worker)
                    res = worker.run(task)
                except Exception as exc:
                    res = {
                        "id": task["id"],
                        "status": "failed",
                        "duration": 0.0,
                        "attempts": 1,
                        "error": _first_line(f"worker: {type(exc).__name__}: {exc}"),
                    }
                    if worker is not None:
                        worker.close(terminate=True)
                    worker = None
                results.put((job, res))
        finally:
            if worker is not None:
                worker.close()

    def map(self, items: list):
        """Yield ``(job, result)`` as each finishes."""
        tasks: queue.Queue = queue.Queue()
        results: queue.Queue = queue.Queue()
        for it in items:
            tasks.put(it)
        threads = [
            threading.Thread(target=self._loop, args=(tasks, results), daemon=True)
            for _ in range(min(self.n, len(items)))
        ]
        for t in threads:
            t.start()
        for _ in range(len(items)):
            while True:
                try:
                    yield results.get(timeout=0.5)
                    break
                except queue.Empty:
                    if not any(t.is_alive() for t in threads) and results.empty():
                        return
        for t in threads:
            t.join()

    def close(self) -> None:
        """Stop: no new reports start; running workers are terminated (their kernels shut down)."""
        self.stop.set()
        with self.lock:
            workers = list(self.workers)
        for w in workers:
            w.close(terminate=True)


# --------------------------------------------------------------------------- publishing


def publish_dir(staging: Path, final: Path) -> None:
    """Swap ``staging`` into ``final``: the old folder is moved aside, the new one moved in, the old removed.

    Both moves are renames on one file system; :func:`recover` restores the
    old folder if the process died between them.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    os.rename(staging, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def recover(out_dir: Path) -> None:
    """Undo what an interrupted run left: restore reports moved aside, remove staging folders."""
    reports = out_dir / "reports"
    if reports.is_dir():
        for old in sorted(reports.glob(".old-*")):
            name = old.name[len(".old-") :].rsplit("-", 1)[0]
            final = reports / name
            if final.exists():
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(old, final)
    shutil.rmtree(out_dir / ".staging", ignore_errors=True)


class _Lock:
    """One run per collaborative at a time (an flock on outputs/<id>/.run.lock)."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.seek(0)
            who = self.fh.read().strip()
            self.fh.close()
            raise RunError(
                f"another `anchor run` is working on {self.path.parent} ({who or 'pid unknown'}); "
                "wait for it to finish"
            ) from None
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(f"pid {os.getpid()}")
        self.fh.flush()
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


# --------------------------------------------------------------------------- the run


@dataclass
class RunResult:
    collaborative: str
    manifest_path: Path | None
    manifest: dict = field(default_factory=dict)
    error: str | None = None  # the run could not happen at all (bad collaborative, assets failed)

    @property
    def reports(self) -> list[dict]:
        return self.manifest.get("reports", [])

    @property
    def failures(self) -> list[dict]:
        return [r for r in self.reports if r.get("status") in ("failed", "not_run")]

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures

    def summary(self) -> str:
        if self.manifest_path is None and self.error:
            return f"{self.collaborative}: FAILED: {self.error}"
        run = self.manifest.get("run", {})
        assets = ", ".join(f"{k} {v['status']}" for k, v in self.manifest.get("assets", {}).items())
        lines = [
            f"{self.collaborative}: {len(self.reports)} reports: {run.get('executed', 0)} executed, "
            f"{run.get('unchanged', 0)} unchanged, {run.get('failed', 0)} failed"
            + (f", {run['not_selected']} not selected (--only)" if run.get("not_selected") else "")
            + ", in "
            f"{run.get('duration', 0):.1f} s ({run.get('workers')} workers)"
            + (f"; shared assets: {assets}" if assets else "")
        ]
        if self.error:
            lines.append(f"  FAILED: {self.error}")
        for r in self.failures:
            lines.append(f"  FAILED {r['id']}: {r.get('error') or 'failed'}")
        if self.manifest_path:
            lines.append(f"  site: {self.manifest_path.parent / 'index.html'}")
        return "\n".join(lines)


def _make_pool(scheduler: str | None, n_workers: int):
    """The embedded pool of worker processes, or a Dask cluster: ``local`` starts a ``LocalCluster`` of
    ``n_workers`` processes; anything else is a scheduler address or scheduler file."""
    if not scheduler:
        return _Pool(n_workers)
    from anchorlib.run.dask import DaskPool

    try:
        return DaskPool(None if scheduler == "local" else scheduler, n_workers)
    except (OSError, TimeoutError, ValueError) as exc:
        raise RunError(
            f"--scheduler {scheduler}: cannot connect to the Dask scheduler: {exc}"
        ) from exc


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def _progress(total: int, desc: str, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit="report",
        file=sys.stderr,
        disable=not enabled or total == 0,
        leave=True,
        dynamic_ncols=True,
    )


def run_collaborative(
    path: str | Path,
    *,
    out_root: Path | None = None,
    workers: int | None = None,
    force: bool = False,
    params: list[str] | None = None,
    only: list[str] | None = None,
    notebooks_dir: Path | None = None,
    progress: bool = True,
    build: bool = True,
    fresh_kernels: bool = False,
    scheduler: str | None = None,
    log: Callable[[str], None] | None = None,
) -> RunResult:
    """Build the shared assets and run every report notebook of one collaborative (see the module docstring)."""
    from anchorlib.config.collaborative import load_collaborative
    from anchorlib.run.site import check_outputs_folder, write_collaborative_index, write_root_index

    say = log or (lambda m: print(m, file=sys.stderr) if progress else None)
    t_start = time.perf_counter()
    started = _now()
    overrides = [parse_param(p) for p in params or []]
    try:
        collab = load_collaborative(path)
    except AnchorError as exc:
        return RunResult(Path(path).stem, None, error=str(exc))
    specs = discover_notebooks(notebooks_dir)
    if not specs:
        raise RunError(
            f"no report notebooks in {notebooks_dir or NOTEBOOKS_DIR} (notebooks with an "
            "'anchorlib' metadata block)"
        )
    names = {s.name for s in specs}
    for target, name, _ in overrides:
        if name in RESERVED_PARAMETERS:
            # a report pointed at another collaborative's data would be published under this one
            raise RunError(
                f"--param {name}: set by anchor run for every report ({RESERVED_PARAMETERS[name]}); "
                "it cannot be overridden"
            )
        if target is None and not any(name in s.parameters for s in specs):
            raise RunError(
                f"--param {name}: no report notebook has a parameter {name!r}; parameters: "
                + "; ".join(f"{s.name}: {', '.join(s.parameters)}" for s in specs)
            )
    ids = [
        report_id(s, None) if s.scope == "collaborative" else report_id(s, a.id)
        for s in specs
        for a in (
            [None]
            if s.scope == "collaborative"
            else [a for a in collab.anchors if a.ledger is not None]
        )
    ]
    for t, n, _ in overrides:
        if t is not None and t not in names and t not in ids:
            raise RunError(f"--param {t}:{n}: {t!r} is not a notebook or report; reports: {ids}")
    unknown = [o for o in only or [] if o not in names and o not in ids]
    if unknown:
        raise RunError(f"--only {unknown}: not a notebook or report; reports: {ids}")
    out_root = Path(out_root) if out_root else None
    check_outputs_folder(
        out_root
    )  # never publish over files anchor did not write (--outputs docs, ~)
    out_dir = collab.output_dir(out_root)
    code = code_version()
    sums = _Checksums()
    with _Lock(out_dir / ".run.lock"):
        recover(out_dir)
        manifest = {
            "collaborative": collab.id,
            "name": collab.spec.name,
            "description": collab.spec.description,
            "source": _rel(collab.path, PROJECT_ROOT),
            "code_version": code,
            "assets": {},
            "reports": [],
            "run": {
                "started": started,
                "workers": None,
                "force": force,
                "params": params or [],
                "only": only or [],
            },
        }
        error = None
        if build:
            try:
                manifest["assets"] = build_assets(
                    collab, out_root, force=force, quiet=not progress, sums=sums, log=say
                )
            except Exception as exc:
                error = f"shared assets: {_first_line(f'{type(exc).__name__}: {exc}')}"
        jobs = _jobs(collab, specs, out_root, out_dir, overrides, sums)
        selected = [j for j in jobs if not only or j.notebook.name in only or j.id in only]
        site = {
            "collaborative_name": collab.spec.name,
            "code_version": code,
            "index_href": "../../index.html",
            "root_href": "../../../index.html",
            "generated": dt.datetime.now().strftime("%d %B %Y %H:%M"),
        }

        def write_index(d: Path, m: dict) -> None:
            write_collaborative_index(d, m)
            write_root_index(d.parent)

        execute_jobs(
            jobs,
            out_dir=out_dir,
            manifest=manifest,
            site=site,
            write_index=write_index,
            label=collab.id,
            selected=None if not only else [j.id for j in selected],
            force=force,
            workers=workers,
            scheduler=scheduler,
            fresh_kernels=fresh_kernels,
            progress=progress,
            error=error,
            log=say,
            t_start=t_start,
        )
    return RunResult(collab.id, out_dir / "manifest.json", manifest, error=error)


def execute_jobs(
    jobs: list[Job],
    *,
    out_dir: Path,
    manifest: dict,
    site: dict,
    write_index: Callable[[Path, dict], None],
    label: str,
    selected: list[str] | None = None,
    force: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    fresh_kernels: bool = False,
    progress: bool = True,
    error: str | None = None,
    log: Callable[[str], None] = lambda m: None,
    t_start: float | None = None,
    save_every: float = 0.0,
) -> dict:
    """Execute the reports ``jobs`` (those whose key changed), publish each into ``out_dir/reports/<id>/``,
    keep ``out_dir/manifest.json`` and the index pages (``write_index(out_dir, manifest)``) up to date.

    Used by :func:`run_collaborative` and by :func:`anchorlib.run.national.run_places`.  The caller holds the
    run's lock on ``out_dir`` and has called :func:`recover`.  ``manifest``: the manifest's other keys
    (its ``reports`` and ``run`` counts are filled in here); ``site``: the page header's links and labels
    (:func:`anchorlib.run.site.export_report`); ``selected``: the report ids to consider (``--only``; None: all,
    and published reports no job makes any more are removed); ``error``: the run cannot execute anything
    (every selected report is ``not_run``); ``save_every``: at most one manifest and index rewrite per this
    many seconds while reports finish (0: after every report; always at the end).  Returns ``manifest``.
    """
    from anchorlib.run.site import atomic_write_text

    t_start = time.perf_counter() if t_start is None else t_start
    manifest_path = out_dir / "manifest.json"
    previous = {r["id"]: r for r in _read_manifest(manifest_path).get("reports", [])}
    manifest.setdefault("run", {})
    chosen = {j.id for j in jobs} if selected is None else set(selected)
    records: dict[str, dict] = {}
    for j in jobs:  # reports not selected keep their previous record
        if j.id not in chosen and j.id in previous:
            records[j.id] = previous[j.id]
    todo = []
    for j in jobs:
        if j.id not in chosen:
            continue
        prev = previous.get(j.id, {})
        pub = prev.get("published")
        base = {
            "id": j.id,
            "notebook": _rel(j.notebook.path, PROJECT_ROOT),
            "title": j.title,
            "anchor": j.anchor,
            "parameters": j.parameters,
            "input_checksums": j.inputs,
            "notebook_sha256": j.notebook.sha256,
            "key": j.key,
            "code_version": j.code,
            "published": pub,
        }
        if error:
            records[j.id] = {**base, "status": "not_run", "duration": 0.0, "error": error}
        elif j.notebook.problem:
            records[j.id] = {
                **base,
                "status": "failed",
                "duration": 0.0,
                "error": j.notebook.problem,
            }
        elif (
            not force
            and pub
            and pub.get("key") == j.key
            and (out_dir / pub.get("path", "")).is_file()
        ):
            records[j.id] = {
                **base,
                "status": "unchanged",
                "duration": 0.0,
                "error": None,
                "last_executed_at": prev.get("executed_at") or prev.get("last_executed_at"),
                "last_duration": prev.get("duration") or prev.get("last_duration"),
            }
        else:
            records[j.id] = {**base, "status": "pending"}
            todo.append(j)
    n_workers = max(1, min(workers or default_workers(), len(todo) or 1))
    manifest["run"]["workers"] = n_workers
    last_save = [0.0]

    def save(final: bool = True) -> None:
        if not final and save_every and time.perf_counter() - last_save[0] < save_every:
            return
        manifest["reports"] = [records[j.id] for j in jobs if j.id in records]
        # this run's counts: reports left out by --only keep their earlier record but are not counted
        st = [r["status"] for r in manifest["reports"] if r["id"] in chosen]
        manifest["run"].update(
            executed=st.count("ok"),
            unchanged=st.count("unchanged"),
            failed=st.count("failed") + st.count("not_run"),
            pending=st.count("pending"),
            not_selected=len(manifest["reports"]) - len(st),
            duration=round(time.perf_counter() - t_start, 2),
            finished=_now(),
        )
        atomic_write_text(manifest_path, json.dumps(manifest, indent=2, default=str) + "\n")
        write_index(out_dir, manifest)
        last_save[0] = time.perf_counter()

    run_id = uuid.uuid4().hex[:8]
    staging_root = out_dir / ".staging" / run_id
    tasks = {
        j.id: {
            "id": j.id,
            "notebook": str(j.notebook.path),
            "parameters": j.parameters,
            "staging": str(staging_root / j.id),
            "site": site,
            "fresh_kernels": fresh_kernels,
        }
        for j in todo
    }

    def finish(j: Job, res: dict) -> None:
        rec = records[j.id]
        rec.update(
            status=res["status"],
            duration=res["duration"],
            error=res.get("error"),
            error_detail=res.get("error_detail"),
            attempts=res.get("attempts"),
            executed_at=res.get("executed_at"),
            worker=res.get("worker"),
        )
        if res.get("timings"):
            rec["timings"] = res["timings"]
        rec.pop("failed_notebook", None)
        if res["status"] == "ok":
            final = out_dir / "reports" / j.id
            publish_dir(staging_root / j.id, final)
            info = res["published"]
            rec["published"] = {
                **info,
                "path": f"reports/{j.id}/index.html",
                "key": j.key,
                "at": _now(),
                "notebook": info.get("notebook"),
            }
            rec.pop("error_detail", None)
        else:
            if res.get("executed_notebook"):
                failed = out_dir / "failed" / f"{j.id}.ipynb"
                failed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(res["executed_notebook"], failed)
                rec["failed_notebook"] = _rel(failed, out_dir)
            log(f"FAILED {j.id}: {res.get('error')}")
        save(final=False)

    if not todo:
        save()
    pool = _make_pool(scheduler, n_workers) if todo else _Pool(n_workers)
    if scheduler:
        manifest["run"]["scheduler"] = getattr(pool, "address", scheduler)
    try:
        if todo:
            bar = _progress(len(todo), label, progress)
            try:
                for j, res in pool.map([(j, tasks[j.id]) for j in todo]):
                    finish(j, res)
                    bar.update(1)
                    bar.set_postfix_str(j.id)
            finally:
                bar.close()
        if selected is None and (out_dir / "reports").is_dir():  # reports no job makes any more
            ids = {j.id for j in jobs}
            for old in (out_dir / "reports").iterdir():
                if old.is_dir() and not old.name.startswith(".") and old.name not in ids:
                    shutil.rmtree(old, ignore_errors=True)
    finally:
        for j in todo:  # interrupted: what did not finish is not published
            if records[j.id]["status"] == "pending":
                records[j.id].update(
                    status="not_run", error="the run was interrupted", duration=0.0
                )
        pool.close()
        save()
        shutil.rmtree(staging_root, ignore_errors=True)
        if staging_root.parent.is_dir() and not any(staging_root.parent.iterdir()):
            staging_root.parent.rmdir()
    return manifest


def run_many(paths: list[str | Path], **kw) -> list[RunResult]:
    """Run several collaboratives one after the other (each runs its notebooks in parallel)."""
    return [run_collaborative(p, **kw) for p in paths]


def all_collaboratives(folder: Path | None = None) -> list[Path]:
    """Every collaborative YAML in collaboratives/."""
    d = Path(folder or COLLABORATIVES_DIR)
    return sorted(list(d.glob("*.yml")) + list(d.glob("*.yaml")))


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    _serve()
