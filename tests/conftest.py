"""Test modes.

* ``fixture_data``: the small committed extracts in tests/fixtures/data, with
  their own catalogue (tests/fixtures/sources.yml) and ../shared ignored, so the
  suite runs on a machine without the real bundle.
* ``real_data``: the real bundle in ../shared/data; tests using it are skipped
  when it is absent.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared" / "data"


def clear_anchorlib_caches() -> None:
    """Forget every memoised table (functools caches) so a data switch takes effect."""
    for name, mod in list(sys.modules.items()):
        if name == "anchorlib" or name.startswith("anchorlib."):
            for obj in vars(mod).values():
                if callable(getattr(obj, "cache_clear", None)):
                    obj.cache_clear()


@pytest.fixture(scope="session")
def fixture_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("anchor-cache")


@pytest.fixture
def fixture_data(monkeypatch, fixture_cache):
    monkeypatch.setenv("ANCHOR_CATALOGUE", str(FIXTURES / "sources.yml"))
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(FIXTURES / "data"))
    monkeypatch.setenv("ANCHOR_NO_SHARED", "1")
    monkeypatch.setenv("ANCHOR_CACHE_DIR", str(fixture_cache))
    clear_anchorlib_caches()
    yield FIXTURES / "data"
    clear_anchorlib_caches()


@pytest.fixture
def real_data(monkeypatch):
    if not SHARED.is_dir() or os.environ.get("ANCHOR_NO_SHARED"):
        pytest.skip("the real data bundle ../shared/data is not on this machine (or ANCHOR_NO_SHARED is set)")
    for var in ("ANCHOR_CATALOGUE", "ANCHOR_NO_SHARED"):  # a user's ANCHOR_DATA_DIR may add optional files
        monkeypatch.delenv(var, raising=False)
    clear_anchorlib_caches()
    yield SHARED
    clear_anchorlib_caches()
