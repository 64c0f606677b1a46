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


# --------------------------------------------------------------------------- the demo site, built once per session

DEMO = ROOT / "collaboratives" / "lancashire.yml"


def require_real_data() -> None:
    if not SHARED.is_dir() or os.environ.get("ANCHOR_NO_SHARED"):
        pytest.skip("the real data bundle ../shared/data is not on this machine (or ANCHOR_NO_SHARED is set): "
                    "the demo collaborative's ledgers are in it")


def real_data_env(mp: pytest.MonkeyPatch) -> None:
    """What ``real_data`` does, for a session-scoped fixture: the real catalogue, ../shared allowed."""
    for var in ("ANCHOR_CATALOGUE", "ANCHOR_NO_SHARED"):  # a user's ANCHOR_DATA_DIR may add optional files
        mp.delenv(var, raising=False)


class DemoSite:
    """The demo collaborative after one ``anchor run`` into a temporary outputs folder.

    ``root`` is the outputs folder (the published site: ``root/index.html``),
    ``dir`` the collaborative's folder, ``result`` the :class:`RunResult`,
    ``seconds`` how long the run took, ``staff_files`` the staff-level extracts
    under ``dir/private/`` (written by the run, or else simulated here exactly as
    ``anchor workforce`` would, so the site can be checked for them).
    """

    def __init__(self, root: Path, collaborative: Path, result, seconds: float, staff_files: list[Path]):
        self.root, self.collaborative, self.result, self.seconds = root, collaborative, result, seconds
        self.dir = result.manifest_path.parent if result.manifest_path else root
        self.staff_files = staff_files

    def manifest(self) -> dict:
        import json

        return json.loads((self.dir / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> DemoSite:
    """``anchor run collaboratives/lancashire.yml`` into a temporary outputs folder, once per test session
    (real data; skipped without ../shared).  Shared by tests/test_site_e2e.py and tests/test_browser.py;
    read-only for them."""
    import time

    require_real_data()
    from anchorlib.collaborative import load_collaborative
    from anchorlib.runner import run_collaborative

    root = tmp_path_factory.mktemp("demo-site")
    with pytest.MonkeyPatch.context() as mp:
        real_data_env(mp)
        clear_anchorlib_caches()
        try:
            t0 = time.perf_counter()
            result = run_collaborative(DEMO, out_root=root, progress=False)
            seconds = time.perf_counter() - t0
            collab = load_collaborative(DEMO)
            private = collab.output_dir(root) / "private"
            staff = sorted(private.glob("staff_*.csv"))
            if not staff and collab.spec.simulate_staff:
                from anchorlib.workforce import staff_for_collaborative

                staff_for_collaborative(collab, out_root=root)
                staff = sorted(private.glob("staff_*.csv"))
        finally:
            clear_anchorlib_caches()
    return DemoSite(root, DEMO, result, seconds, staff)
