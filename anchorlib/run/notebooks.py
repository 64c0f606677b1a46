"""Report notebooks: which notebooks are reports, what they declare, and the jobs of a run.

A report notebook has an ``anchorlib`` block in its metadata (``scope``: ``collaborative`` runs
once, ``anchor`` once per anchor with a ledger, ``place`` once per place of England), declares its
inputs (:data:`anchorlib.run.keys.INPUT_GROUPS`) and its parameters (one cell tagged
``parameters``, with annotated names).  A :class:`Job` is one report to make, with its key.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from anchorlib.core.hashing import sha_text
from anchorlib.data.catalogue import PROJECT_ROOT
from anchorlib.run.errors import RunError
from anchorlib.run.keys import (
    INPUT_GROUPS,
    code_version,
    input_checksums,
    notebook_modules,
    rel_path,
)

__all__ = [
    "ALL_SCOPES",
    "NOTEBOOKS_DIR",
    "PUBLISHING",
    "RESERVED_PARAMETERS",
    "SCOPES",
    "Job",
    "NotebookSpec",
    "discover_notebooks",
    "make_jobs",
    "parse_param",
    "report_id",
]

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
#: Parameters the runner gives every report itself; ``-p`` cannot change them.
RESERVED_PARAMETERS = {
    "collaborative": "the collaborative file being run: run that other file instead",
    "outputs": "the outputs folder: use --outputs",
}
SCOPES = ("collaborative", "anchor")
#: Every scope a notebook can declare: ``place`` notebooks are run by
#: :func:`anchorlib.run.national.run_places` (one report per place of England), never as a
#: collaborative's report.
ALL_SCOPES = SCOPES + ("place",)


@dataclass
class NotebookSpec:
    """A report notebook as :func:`discover_notebooks` found it."""

    name: str
    path: Path
    title: str
    scope: str
    inputs: list[str]
    order: int
    parameters: dict[str, str]  # declared name -> annotation text
    sha256: str  # of the cells (type, source, tags) and kernel
    #: anchorlib references its code imports (:func:`anchorlib.run.keys.notebook_modules`)
    modules: list[str] = field(default_factory=list)
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

    Only notebooks of ``scopes`` (default: a collaborative's, ``collaborative`` and ``anchor``);
    their declared ``inputs`` must be names in ``input_groups`` (default :data:`INPUT_GROUPS`)."""
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
                    f"`jupytext --sync {rel_path(paired, PROJECT_ROOT)}` before running"
                )
        key = sha_text(
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
    """``NAME=VALUE`` or ``TARGET:NAME=VALUE`` (TARGET a notebook name or a report id); VALUE is
    read as YAML (``20`` is an int, ``"20"`` a string, ``[1, 2]`` a list)."""

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
    """One report to make: its notebook, parameters, input checksums, key and code version."""

    id: str
    notebook: NotebookSpec
    anchor: str | None
    title: str
    parameters: dict
    inputs: dict
    key: str
    code: dict


def report_id(nb: NotebookSpec, anchor: str | None) -> str:
    """The report's id: the notebook's name, followed by ``-<anchor>`` for an anchor's report."""
    return nb.name if anchor is None else f"{nb.name}-{anchor}"


#: Modules every report depends on besides its own imports: the export to HTML.
PUBLISHING = ["anchorlib.run.site", "anchorlib.reports.display"]


def make_jobs(
    collab, specs: list[NotebookSpec], out_root: Path | None, out_dir: Path, overrides, sums
) -> list[Job]:
    """The jobs of a collaborative's run: each notebook of ``specs`` once, or once per anchor with a
    ledger, with its parameters (``overrides``: parsed ``--param`` values) and its key."""
    coll_param = rel_path(collab.path, PROJECT_ROOT)
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
            key = sha_text(
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
