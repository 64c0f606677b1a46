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


def fixture_env(mp: pytest.MonkeyPatch, cache: Path) -> pytest.MonkeyPatch:
    """Point anchorlib at the committed fixture data (never ../shared), with ``cache`` as its
    cache; memoised tables forgotten.  For module-scoped fixtures:
    ``mp = fixture_env(pytest.MonkeyPatch(), fixture_cache)``, then
    ``mp.undo(); clear_anchorlib_caches()`` after the yield."""
    mp.setenv("ANCHOR_CATALOGUE", str(FIXTURES / "sources.yml"))
    mp.setenv("ANCHOR_DATA_DIR", str(FIXTURES / "data"))
    mp.setenv("ANCHOR_NO_SHARED", "1")
    mp.setenv("ANCHOR_CACHE_DIR", str(cache))
    clear_anchorlib_caches()
    return mp


@pytest.fixture
def fixture_data(monkeypatch, fixture_cache):
    fixture_env(monkeypatch, fixture_cache)
    yield FIXTURES / "data"
    clear_anchorlib_caches()


@pytest.fixture
def real_data(monkeypatch):
    if not SHARED.is_dir() or os.environ.get("ANCHOR_NO_SHARED"):
        pytest.skip(
            "the real data bundle ../shared/data is not on this machine "
            "(or ANCHOR_NO_SHARED is set)"
        )
    for var in (
        "ANCHOR_CATALOGUE",
        "ANCHOR_NO_SHARED",
    ):  # a user's ANCHOR_DATA_DIR may add optional files
        monkeypatch.delenv(var, raising=False)
    clear_anchorlib_caches()
    yield SHARED
    clear_anchorlib_caches()


# ------------------------------------------------------------ the demo site, built once per session

DEMO = ROOT / "collaboratives" / "lancashire.yml"


def require_real_data() -> None:
    if not SHARED.is_dir() or os.environ.get("ANCHOR_NO_SHARED"):
        pytest.skip(
            "the real data bundle ../shared/data is not on this machine "
            "(or ANCHOR_NO_SHARED is set): "
            "the demo collaborative's ledgers are in it"
        )


def real_data_env(mp: pytest.MonkeyPatch) -> None:
    """What ``real_data`` does, for a session-scoped fixture: the real catalogue, ../shared
    allowed."""
    for var in (
        "ANCHOR_CATALOGUE",
        "ANCHOR_NO_SHARED",
    ):  # a user's ANCHOR_DATA_DIR may add optional files
        mp.delenv(var, raising=False)


class DemoSite:
    """A collaborative after one ``anchor run`` into a temporary outputs folder.

    ``root`` is the outputs folder (the published site: ``root/index.html``),
    ``dir`` the collaborative's folder, ``result`` the :class:`RunResult`,
    ``seconds`` how long the run took, ``mode`` which collaborative and data,
    ``expected_reports`` the report ids the discovered notebooks make for it,
    ``sites`` the anchors' site postcodes, ``staff_files`` the staff-level
    extracts under ``dir/private/`` (written by the run, or else simulated here
    exactly as ``anchor workforce`` would, so the site can be checked for them).
    """

    def __init__(
        self,
        root: Path,
        collaborative: Path,
        mode: str,
        result,
        seconds: float,
        expected_reports: set,
        sites: list[str],
        staff_files: list[Path],
    ):
        self.root, self.collaborative, self.mode, self.result, self.seconds = (
            root,
            collaborative,
            mode,
            result,
            seconds,
        )
        self.dir = result.manifest_path.parent if result.manifest_path else root
        self.expected_reports, self.sites, self.staff_files = expected_reports, sites, staff_files

    def manifest(self) -> dict:
        import json

        return json.loads((self.dir / "manifest.json").read_text(encoding="utf-8"))


#: Without ../shared: a small collaborative on the committed fixture data (test ledgers, Hyndburn
#: and Burnley, simulated supplier postcodes and staff), so the site tests still run on a clean
#: clone.
SITE_FIXTURE_COLLAB = """id: fixture
name: Fixture collaborative
description: Two anchors with test ledgers in Hyndburn and Burnley (tests/conftest.py).
place: {{name: Hyndburn and Burnley, lads: [E07000120, E07000117]}}
simulate_supplier_postcodes: true
simulate_staff: true
anchors:
  - id: council
    name: A council
    type: local_authority
    home_lad: E07000120
    sites: [BB5 1LA]
    ledger:
      files: ["{ledgers}/overlap_a.csv", "{ledgers}/overlap_b.csv"]
  - id: fire
    name: A fire service
    type: fire
    sites: [BB11 1AE]
    ledger:
      files: ["{ledgers}/amount_formats.csv"]
"""


def have_real_data() -> bool:
    return SHARED.is_dir() and not os.environ.get("ANCHOR_NO_SHARED")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, request) -> DemoSite:
    """``anchor run collaboratives/lancashire.yml`` (real data) into a temporary outputs folder,
    once per test session; without ../shared, the same for a small collaborative on the committed
    fixture data.  Shared by tests/test_site_e2e.py and tests/test_browser.py; read-only for
    them."""
    import time

    from anchorlib.config.collaborative import load_collaborative
    from anchorlib.run.notebooks import discover_notebooks
    from anchorlib.run.runner import run_collaborative

    root = tmp_path_factory.mktemp("demo-site")
    with pytest.MonkeyPatch.context() as mp:
        if have_real_data():
            real_data_env(mp)
            collaborative, mode = DEMO, "the demo collaborative, real data"
        else:
            fixture_env(mp, request.getfixturevalue("fixture_cache"))
            collaborative = root.parent / "site-fixture.yml"
            collaborative.write_text(
                SITE_FIXTURE_COLLAB.format(ledgers=ROOT / "tests" / "data" / "ledgers")
            )
            mode = "a fixture collaborative on the committed fixture data (no ../shared)"
        clear_anchorlib_caches()
        try:
            t0 = time.perf_counter()
            result = run_collaborative(collaborative, out_root=root, progress=False)
            seconds = time.perf_counter() - t0
            collab = load_collaborative(collaborative)
            expected = {
                s.name if s.scope == "collaborative" else f"{s.name}-{a.id}"
                for s in discover_notebooks()
                for a in (
                    [None]
                    if s.scope == "collaborative"
                    else [a for a in collab.anchors if a.ledger is not None]
                )
            }
            sites = [s for a in collab.anchors for s in (a.sites or [])]
            private = collab.output_dir(root) / "private"
            staff = sorted(private.glob("staff_*.csv"))
            if not staff and collab.spec.simulate_staff:
                from anchorlib.assets.workforce import staff_for_collaborative

                staff_for_collaborative(collab, out_root=root)
                staff = sorted(private.glob("staff_*.csv"))
        finally:
            clear_anchorlib_caches()
    return DemoSite(root, collaborative, mode, result, seconds, expected, sites, staff)
