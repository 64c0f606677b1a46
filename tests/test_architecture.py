"""The package tree is the architecture: layers import downward only.

anchorlib's subpackages are layers, lowest first (siblings in one layer may not import each other)::

    core -> data -> config -> ledgers -> suppliers | workforce -> indicators | demo
         -> assets -> reports -> run -> cli

Every import counts, including those inside functions (an import hidden in a function is still a
dependency, and was how five cycles hid before). The rules, each checked here on the real source and
shown to fail on an injected breach:

* a module imports only from its own subpackage or from a lower layer (nothing imports ``run`` or
  ``cli`` but the layers above them);
* no private name (``_name``) is imported from, or used as an attribute of, another module;
* no import cycle between modules, with imports inside functions counted;
* no module over 800 lines, no function over 100.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

PKG = ROOT / "anchorlib"

#: The layers, lowest first; a tuple is one layer of siblings that may not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("data",),
    ("config",),
    ("ledgers",),
    ("suppliers", "workforce"),
    ("indicators", "demo"),
    ("assets",),
    ("reports",),
    ("run",),
    ("cli",),
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 100


@dataclass(frozen=True)
class Import:
    importer: str  # module doing the import
    target: str  # anchorlib module or package imported
    name: str | None  # the name taken from it (``from target import name``), if any
    line: int
    in_function: bool


def module_sources(pkg: Path = PKG) -> dict[str, str]:
    """``{dotted module name: source}`` of every module (``__init__``: the package)."""
    out = {}
    for p in sorted(pkg.rglob("*.py")):
        parts = p.relative_to(pkg.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = p.read_text(encoding="utf-8")
    return out


def _is_package(name: str, sources: dict[str, str]) -> bool:
    return any(m.startswith(name + ".") for m in sources)


def _imports_of(module: str, tree: ast.AST, sources: dict[str, str]) -> list[Import]:
    out = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            fn = in_function or isinstance(
                child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
            )
            if isinstance(child, ast.Import):
                out.extend(
                    Import(module, a.name, None, child.lineno, in_function)
                    for a in child.names
                    if a.name.split(".")[0] == "anchorlib"
                )
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:  # relative: resolve against this module's package
                    pkg = (
                        module.split(".")
                        if _is_package(module, sources)
                        else module.split(".")[:-1]
                    )
                    base = ".".join(pkg[: len(pkg) - child.level + 1] + ([base] if base else []))
                if base.split(".")[0] != "anchorlib":
                    continue
                for a in child.names:
                    sub = f"{base}.{a.name}"
                    if sub in sources:  # ``from package import module``
                        out.append(Import(module, sub, None, child.lineno, in_function))
                    else:
                        out.append(Import(module, base, a.name, child.lineno, in_function))
            visit(child, fn)

    visit(tree, False)
    return out


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def check(sources: dict[str, str]) -> dict[str, list[str]]:
    """Every breach of the rules in ``sources``, by rule."""
    trees = {m: ast.parse(s) for m, s in sources.items()}
    imports = [i for m, t in trees.items() for i in _imports_of(m, t, sources)]
    breaches: dict[str, list[str]] = {"layers": [], "private": [], "cycles": [], "size": []}
    for i in imports:
        a, b = layer_of(i.importer), layer_of(i.target)
        where = f"{i.importer}:{i.line} imports {i.target}" + (f".{i.name}" if i.name else "")
        where += " (inside a function)" if i.in_function else ""
        if a and b and a != b:
            if a not in RANK or b not in RANK:
                breaches["layers"].append(
                    f"{where}: {a if a not in RANK else b} is not a declared layer"
                )
            elif RANK[b] >= RANK[a]:
                kind = "a sibling" if RANK[b] == RANK[a] else "a higher layer"
                breaches["layers"].append(f"{where}: {b} is {kind} than {a}")
        if (
            i.name
            and i.name.startswith("_")
            and not i.name.startswith("__")
            and i.target != i.importer
        ):
            breaches["private"].append(f"{where}: private name")
    breaches["private"] += _private_attributes(trees, imports)
    breaches["cycles"] = [" -> ".join(c) for c in _cycles(imports, sources)]
    for m, s in sources.items():
        n = len(s.splitlines())
        if n > MAX_MODULE_LINES:
            breaches["size"].append(f"{m}: {n} lines (at most {MAX_MODULE_LINES})")
        for node in ast.walk(trees[m]):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    breaches["size"].append(
                        f"{m}.{node.name}: {length} lines (at most {MAX_FUNCTION_LINES})"
                    )
    return breaches


def _private_attributes(trees: dict[str, ast.AST], imports: list[Import]) -> list[str]:
    """``alias._name`` where ``alias`` is another anchorlib module this module imported."""
    out = []
    for m, tree in trees.items():
        aliases = {}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("anchorlib")
            ):
                for a in node.names:
                    if f"{node.module}.{a.name}" in trees:
                        aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname and a.name in trees:
                        aliases[a.asname] = a.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and aliases[node.value.id] != m
            ):
                out.append(
                    f"{m}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}: private name"
                )
    return out


def _cycles(imports: list[Import], sources: dict[str, str]) -> list[list[str]]:
    """Import cycles between modules (every import counted; a package's ``__init__`` is a node)."""
    graph: dict[str, set[str]] = {m: set() for m in sources}
    for i in imports:
        if i.target in graph and i.target != i.importer:
            graph[i.importer].add(i.target)
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return module_sources()


def test_layers_are_the_subpackages(sources):
    """Every subpackage is a declared layer, and every layer is a subpackage with a docstring."""
    subpackages = {p.name for p in PKG.iterdir() if (p / "__init__.py").is_file()}
    assert subpackages == set(RANK)
    top_level_modules = {m for m in sources if m.count(".") == 1 and m.split(".")[1] not in RANK}
    assert top_level_modules == set(), "modules belong in a layer"
    for name in RANK:
        doc = ast.get_docstring(ast.parse(sources[f"anchorlib.{name}"]))
        assert (
            doc
            and "May import" in doc
            and "Must not import" in doc
            or name == "cli"
            and "May import" in doc
        )


@pytest.mark.parametrize("rule", ["layers", "private", "cycles", "size"])
def test_rule_holds(sources, rule):
    breaches = check(sources)[rule]
    assert breaches == [], f"{len(breaches)} breaches of '{rule}':\n" + "\n".join(breaches)


def _with(sources: dict[str, str], module: str, code: str) -> dict[str, str]:
    return {**sources, module: sources[module] + "\n" + code + "\n"}


def test_a_back_arrow_fails(sources):
    """An import of a higher layer, even inside a function, is a breach."""
    hidden = "def _later():\n    from anchorlib.reports import charts\n    return charts\n"
    breaches = check(_with(sources, "anchorlib.data.catalogue", hidden))["layers"]
    assert any(
        "anchorlib.data.catalogue" in b
        and "reports is a higher layer than data" in b
        and "inside a function" in b
        for b in breaches
    )
    assert any(
        "cli is a higher layer" in b
        for b in check(_with(sources, "anchorlib.run.runner", "import anchorlib.cli as _cli"))[
            "layers"
        ]
    )


def test_a_sibling_import_fails(sources):
    breaches = check(
        _with(sources, "anchorlib.workforce", "from anchorlib.suppliers import match")
    )["layers"]
    assert any("suppliers is a sibling than workforce" in b for b in breaches)


def test_a_cycle_fails(sources):
    """Two modules of one layer importing each other (one of them inside a function) is a cycle."""
    a, b = "anchorlib.core.errors", "anchorlib.core.atomic"
    src = _with(sources, a, "def _f():\n    from anchorlib.core import atomic\n")
    src = _with(src, b, "from anchorlib.core.errors import AnchorError as _E")
    assert any(a in c and b in c for c in check(src)["cycles"])


def test_a_private_import_fails(sources):
    src = _with(sources, "anchorlib.indicators.spend", "from anchorlib.core.errors import _hidden")
    assert any("anchorlib.core.errors._hidden" in b for b in check(src)["private"])
    src = _with(
        sources,
        "anchorlib.indicators.spend",
        "from anchorlib.core import errors as _e\n\ndef _f():\n    return _e._hidden\n",
    )
    assert any("anchorlib.core.errors._hidden" in b for b in check(src)["private"])


def test_an_oversized_function_fails(sources):
    body = "def too_long():\n" + "    x = 1\n" * MAX_FUNCTION_LINES
    assert any(
        "too_long" in b for b in check(_with(sources, "anchorlib.core.errors", body))["size"]
    )
