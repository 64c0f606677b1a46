"""Keys: what decides whether a report or a shared asset is made again.

A key is the checksum of everything a result is made from: its input files (:func:`input_checksums`,
by the input groups a notebook declares), and the code (:func:`code_version`).

**Code keys from true dependencies.**  A notebook's code key covers the anchorlib modules its cells
import and, transitively, what those modules import *at module level*: an import inside a function
is not followed (it runs only when that function does, and the function's own module is in the key
wherever that function is called from).  The ``__init__`` of every package on the way is in the key
too; a name imported from a package (``from anchorlib.indicators import spend_indicators``) is
followed to the module its ``__init__`` takes it from, not to every module the ``__init__`` imports.
Modules are found by :func:`importlib.util.find_spec`, as Python finds them, never by building file
paths: a module that cannot be found is an error (:class:`anchorlib.run.errors.RunError`), so a
moved module can never drop out of a key in silence.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import os
import pkgutil
import subprocess
from collections.abc import Callable, Iterable
from functools import lru_cache
from importlib.machinery import ModuleSpec
from pathlib import Path

from anchorlib import __version__
from anchorlib.assets.workforce import workforce_asset_files
from anchorlib.data.catalogue import (
    CATALOGUE_PATH,
    PROJECT_ROOT,
    find_file,
    load_catalogue,
    sha256_of,
)
from anchorlib.run.errors import RunError

__all__ = [
    "PACKAGE",
    "INPUT_GROUPS",
    "Checksums",
    "all_modules",
    "catalogue_path",
    "code_closure",
    "code_version",
    "git_commit",
    "input_checksums",
    "module_file",
    "module_source",
    "notebook_modules",
    "optional_present",
    "rel_path",
]

PACKAGE = "anchorlib"


# --------------------------------------------------------------------------- finding modules


def _spec(name: str) -> ModuleSpec | None:
    """The spec of module ``name``, or None when there is no such module (``name`` may be a module
    attribute, such as ``anchorlib.reports.display.format_value``)."""
    try:
        return importlib.util.find_spec(name)
    except (ImportError, ValueError):  # a parent that is a module, not a package; or no parent
        return None


def module_file(name: str) -> Path:
    """The source file of anchorlib module ``name`` (of a package: its ``__init__.py``), found by
    :func:`importlib.util.find_spec`.  Raises :class:`RunError` when there is none."""
    spec = _spec(name)
    if spec is None or not spec.has_location or not str(spec.origin).endswith(".py"):
        raise RunError(f"code key: cannot find the source of the module {name}")
    return Path(spec.origin)


def module_source(name: str) -> bytes:
    """The source of anchorlib module ``name``, as its key reads it."""
    return module_file(name).read_bytes()


def _is_package(name: str) -> bool:
    spec = _spec(name)
    return spec is not None and spec.submodule_search_locations is not None


def all_modules() -> list[str]:
    """Every module of the package, subpackages (as their ``__init__``) included, sorted."""
    out, todo = [], [PACKAGE]
    while todo:
        pkg = todo.pop()
        out.append(pkg)
        for info in pkgutil.iter_modules(_spec(pkg).submodule_search_locations, f"{pkg}."):
            if info.ispkg:
                todo.append(info.name)
            else:
                out.append(info.name)
    return sorted(out)


# --------------------------------------------------------------------------- what a module imports


def _is_type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def _module_level(node: ast.AST):
    """The statements under ``node`` run when the module is imported: not function bodies, nor
    ``if TYPE_CHECKING:`` blocks (class bodies are run, so they count)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield other
                yield from _module_level(other)
            continue
        yield child
        yield from _module_level(child)


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The module named by a ``from ... import`` of ``module`` (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    parts = module.split(".") if is_package else module.split(".")[:-1]
    base = parts[: len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _refs(nodes: Iterable[ast.AST], module: str = "", is_package: bool = False) -> list[str]:
    """The anchorlib references the import statements among ``nodes`` make: a module
    (``import anchorlib.core.atomic``; ``from anchorlib.core.atomic import *``) or a name in a
    module or package (``from anchorlib.indicators import spend_indicators`` gives
    ``anchorlib.indicators.spend_indicators``)."""
    out = []
    for node in nodes:
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.split(".")[0] == PACKAGE]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node)
            if base.split(".")[0] != PACKAGE:
                continue
            out += [base if a.name == "*" else f"{base}.{a.name}" for a in node.names]
    return out


@lru_cache(maxsize=1024)
def _parsed(module: str, source: bytes, is_package: bool) -> tuple[tuple[str, ...], dict]:
    """``(references, bindings)`` of a module's source: the anchorlib references it makes at module
    level, and (for a package's ``__init__``) how each name it defines is bound: ``("import",
    reference)`` for a name imported from anchorlib, ``("const", None)`` for a literal, ``("code",
    None)`` for anything else (a name defined by code may use all the module imports)."""
    tree = ast.parse(source)
    nodes = list(_module_level(tree))
    refs = tuple(_refs(nodes, module, is_package))
    bindings: dict[str, tuple[str, str | None]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node)
            for a in node.names:
                if a.name == "*":
                    bindings["*"] = ("code", None)
                elif base.split(".")[0] == PACKAGE:
                    bindings[a.asname or a.name] = ("import", f"{base}.{a.name}")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            const = isinstance(node.value, ast.Constant) or (
                isinstance(node.value, (ast.List, ast.Tuple))
                and all(isinstance(e, ast.Constant) for e in node.value.elts)
            )
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    bindings[t.id] = ("const" if const else "code", None)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bindings[node.name] = ("code", None)
    return refs, bindings


def _parse(module: str) -> tuple[tuple[str, ...], dict]:
    return _parsed(module, module_source(module), _is_package(module))


# --------------------------------------------------------------------------- the closure


def _parents(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def _reach(ref: str, files: set[str], follow: list[str]) -> None:
    """Add what reference ``ref`` needs: the packages on the way (their ``__init__`` only) to
    ``files``, and the modules to follow wholly to ``follow``.  Only packages are imported to find
    modules (:func:`importlib.util.find_spec` imports a module's parent packages)."""
    base, _, name = ref.rpartition(".")
    if base and not _is_package(base):  # a name defined in a module: the whole module
        module_file(base)
        files.update(_parents(base))
        follow.append(base)
        return
    if _spec(ref) is not None:  # a module, or a package imported whole
        module_file(ref)
        files.update(_parents(ref))
        follow.append(ref)
        return
    if not base:
        raise RunError(f"code key: cannot find the module {ref}")
    files.update(_parents(base))  # a name from a package: follow it to where the __init__ takes it
    files.add(base)
    bindings = _parse(base)[1]
    if name not in bindings and "*" not in bindings:
        raise RunError(f"code key: cannot find the module {ref}, nor a name {name} in {base}")
    how, target = bindings.get(name, bindings.get("*"))
    if how == "import":
        _reach(target, files, follow)
    elif how == "code":
        follow.append(base)


def code_closure(refs: Iterable[str]) -> list[str]:
    """The anchorlib modules that the references ``refs`` (modules, or names in modules or
    packages) use, transitively through module-level imports, with the ``__init__`` of each package
    on the way: the code that decides the numbers they make."""
    files: set[str] = {PACKAGE}
    followed: set[str] = set()
    todo: list[str] = []
    for ref in refs:
        _reach(ref, files, todo)
    while todo:
        m = todo.pop()
        if m in followed:
            continue
        followed.add(m)
        for ref in _parse(m)[0]:
            _reach(ref, files, todo)
    return sorted(files | followed)


def commit_from_git_dir(git_dir: Path) -> str | None:
    """HEAD's commit read from the repository's files (``HEAD``, the ref's file or
    ``packed-refs``): no subprocess, so a loaded machine cannot time it out."""
    head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    if not head.startswith("ref: "):
        return head or None
    ref = head[5:].strip()
    loose = git_dir / ref
    if loose.is_file():
        return loose.read_text(encoding="utf-8").strip() or None
    packed = git_dir / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref:
                return parts[0]
    return None


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The project's git commit (12 characters), or None outside a git checkout.

    Read from ``.git`` when it is a directory (a clone); ``git rev-parse`` only for a worktree or
    submodule (``.git`` a file).  The commit is part of every manifest, so it must not depend on how
    busy the machine is: a subprocess with a timeout once made two runs' manifests differ."""
    git = PROJECT_ROOT / ".git"
    if git.is_dir():
        try:
            sha = commit_from_git_dir(git)
        except OSError:
            sha = None
        if sha:
            return sha[:12]
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()[:12] or None


def code_version(refs: Iterable[str] | None = None) -> dict:
    """anchorlib's version, the git commit, and the sha256 of the source of the modules of
    :func:`code_closure` of ``refs`` (of every module of the package when ``refs`` is None)."""
    names = all_modules() if refs is None else code_closure(refs)
    h = hashlib.sha256()
    for m in names:
        h.update(m.encode())
        h.update(module_source(m))
    return {
        "anchorlib": __version__,
        "git_commit": git_commit(),
        "code_sha256": h.hexdigest(),
        "modules": len(names),
    }


def notebook_modules(nb) -> list[str]:
    """The anchorlib references a notebook's code cells import (modules, or names in modules or
    packages, as :func:`code_closure` takes them); cells that do not parse are skipped."""
    out: set[str] = set()
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        try:
            tree = ast.parse(c.source)
        except SyntaxError:  # magics and shell escapes
            continue
        out.update(_refs(ast.walk(tree)))
    return sorted(out)


# --------------------------------------------------------------------------- input files


def rel_path(path: Path, *bases: Path) -> str:
    """``path`` relative to the first of ``bases`` it is under (posix), else as given."""
    for b in bases:
        try:
            return path.resolve().relative_to(b.resolve()).as_posix()
        except ValueError:
            continue
    return str(path)


def catalogue_path() -> Path:
    """The data catalogue in use (``ANCHOR_CATALOGUE``, else ``data/sources.yml``)."""
    return Path(os.environ.get("ANCHOR_CATALOGUE") or CATALOGUE_PATH)


def optional_present() -> list[str]:
    """Optional catalogue sources found on this machine (they change figures: e.g. IoD2025
    denominators)."""
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
    "catalogue": lambda c, d: [catalogue_path()],
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
    # the frozen baseline (anchorlib.assets.baseline): restatements are measured against it
    "baseline": lambda c, d: [d / "data" / "baseline.json"],
    "register": lambda c, d: [d / "data" / "suppliers.csv", d / "data" / "suppliers_matches.csv"],
    "ingest_quality": lambda c, d: [
        d / "data" / f for f in ("reconciliation_anchors.csv", "reconciliation.csv", "rejects.csv")
    ],
    "workforce": lambda c, d: workforce_asset_files(d),
}


class Checksums:
    """sha256 of files, each computed once per run."""

    def __init__(self):
        self._seen: dict[Path, str | None] = {}

    def __call__(self, path: Path) -> str | None:
        path = Path(path).resolve()
        if path not in self._seen:
            self._seen[path] = sha256_of(path) if path.is_file() else None
        return self._seen[path]

    def forget(self, paths) -> None:
        """Drop the remembered sums of ``paths`` (rewritten since)."""
        for p in paths:
            self._seen.pop(Path(p).resolve(), None)


def input_checksums(
    collab, groups: list[str], out_dir: Path, sums: Checksums
) -> dict[str, str | None]:
    """The checksum of every file of the input ``groups`` of a collaborative's report, by its path
    relative to the outputs folder or the project (None: missing)."""
    out: dict[str, str | None] = {}
    for g in groups:
        for p in INPUT_GROUPS[g](collab, out_dir):
            out[rel_path(p, out_dir, PROJECT_ROOT)] = sums(p)
        if g == "catalogue":
            out["optional sources present"] = ",".join(optional_present()) or "none"
    return out
