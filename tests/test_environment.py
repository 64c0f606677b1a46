"""environment.yml and pyproject.toml declare dependencies once and must agree."""

from __future__ import annotations

import re

import tomllib
import yaml
from conftest import ROOT

GEO_STACK = {"numpy", "pandas", "pyarrow", "shapely", "pyogrio", "geopandas", "matplotlib"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _conda():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return dict(_split(d) for d in conda), pip


def test_conda_packages_are_pyproject_dependencies_with_the_same_bounds():
    runtime = dict(_split(r) for r in _pyproject()["dependencies"])
    conda, _ = _conda()
    for name, bound in conda.items():
        if name in ("python", "pip"):
            continue
        assert name in runtime, f"environment.yml has {name}, pyproject.toml does not"
        assert bound == runtime[name], (
            f"{name}: environment.yml {bound!r} vs pyproject.toml {runtime[name]!r}"
        )


def test_geo_stack_comes_from_conda_forge_and_the_rest_from_pip():
    conda, pip = _conda()
    assert set(conda) >= GEO_STACK, f"missing from environment.yml: {GEO_STACK - set(conda)}"
    assert "-e .[test]" in pip


def test_python_bounds_agree():
    conda, _ = _conda()
    assert conda["python"] == _pyproject()["requires-python"]


def test_test_extra_is_declared():
    extras = _pyproject()["optional-dependencies"]["test"]
    assert {"pytest", "nbval"} <= {_split(r)[0] for r in extras}
