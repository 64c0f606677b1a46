"""A real browser on the published demo site (the session fixture ``demo_site``,
tests/conftest.py): headless Chromium (the system package, driven by Playwright) opens the site
index, every collaborative index and every report over HTTP, as a static host would serve them,
and fails on any console error, uncaught page error, failed request, HTTP status >= 400, or image
that did not load. A full-page screenshot of each page is kept as a test artefact.

Chromium: Debian's ``chromium`` (``scripts/install-browser`` installs it when missing and it can;
``make test`` runs that first), or ``$ANCHOR_CHROMIUM``. Playwright never downloads a browser here
(no ``playwright install``: CI reaches package registries only). Without Chromium, or without the
playwright package, the test is skipped with the reason, after trying the install script; when
``CI`` is set it fails instead.

Screenshots: ``test-artefacts/screenshots/`` in the project (git-ignored; replaced on every run),
or the folder named by ``$ANCHOR_TEST_ARTEFACTS``. The path is printed at the end of the pytest
report.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT

INSTALL_SCRIPT = ROOT / "scripts" / "install-browser"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

pytestmark = pytest.mark.site


def artefacts_dir() -> Path:
    return Path(os.environ.get("ANCHOR_TEST_ARTEFACTS") or ROOT / "test-artefacts") / "screenshots"


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _unavailable(reason: str):
    if _in_ci():
        pytest.fail(f"{reason} (CI is set: the browser test must run in CI)", pytrace=False)
    pytest.skip(reason)


def find_chromium() -> str | None:
    env = os.environ.get("ANCHOR_CHROMIUM")
    if env and os.access(env, os.X_OK):
        return env
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


@pytest.fixture(scope="session")
def chromium() -> str:
    """The Chromium executable; installed by scripts/install-browser when missing and possible."""
    path = find_chromium()
    note = ""
    if path is None and INSTALL_SCRIPT.is_file():
        out = subprocess.run(
            ["/bin/sh", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=900
        )
        note = (out.stdout + out.stderr).strip()
        path = find_chromium()
    if path is None:
        _unavailable(
            "headless Chromium is not installed and could not be installed "
            f"({' '.join(CANDIDATES)} not on PATH, ANCHOR_CHROMIUM not set). {note}"
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed: pip install -e '.[test]'")
    with sync_playwright() as p:
        # Playwright passes --no-sandbox (we may be root) and headless; nothing is downloaded.
        b = p.chromium.launch(executable_path=chromium, headless=True)
        try:
            yield b
        finally:
            b.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no access log on the test output
        pass


@pytest.fixture(scope="module")
def served(demo_site):
    """The site served over HTTP on a free localhost port (like any static host)."""
    handler = functools.partial(_Quiet, directory=str(demo_site.root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _pages(site) -> list[str]:
    """The pages a reader opens: the site index, each collaborative's index, each published
    report."""
    man = site.manifest()
    pages = ["index.html", f"{site.dir.name}/index.html"]
    pages += [
        f"{site.dir.name}/{r['published']['path']}" for r in man["reports"] if r.get("published")
    ]
    return pages


def test_every_page_loads_in_chromium_without_errors(demo_site, served, browser, record_property):
    shots = artefacts_dir()
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    record_property("screenshots", str(shots))
    problems: dict[str, list[str]] = {}
    pages = _pages(demo_site)
    assert len(pages) > 2
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        for rel in pages:
            issues: list[str] = []
            page = context.new_page()
            page.on(
                "console",
                lambda m, issues=issues: (
                    issues.append(
                        f"console {m.type}: {m.text} ({(m.location or {}).get('url', '')[:120]})"
                    )
                    if m.type == "error"
                    else None
                ),
            )
            page.on("pageerror", lambda e, issues=issues: issues.append(f"page error: {e}"))
            page.on(
                "requestfailed",
                lambda r, issues=issues: issues.append(
                    f"request failed: {r.url[:120]} ({r.failure})"
                ),
            )
            page.on(
                "response",
                lambda r, issues=issues: (
                    issues.append(f"HTTP {r.status}: {r.url[:120]}") if r.status >= 400 else None
                ),
            )
            response = page.goto(f"{served}/{rel}", wait_until="load")
            if response is None or not response.ok:
                issues.append(
                    f"the page itself: HTTP {response.status if response else 'no response'}"
                )
            # scroll to the end so that lazily loaded images are requested, then wait for every
            # image
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_load_state("networkidle")
            page.evaluate(
                "Promise.all(Array.from(document.images).map(i => i.decode().catch(() => null)))"
            )
            broken = page.evaluate(
                "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                ".map(i => (i.getAttribute('src') || '').slice(0, 80))"
            )
            issues += [f"image did not load: {src}" for src in broken]
            images = page.evaluate("document.images.length")
            name = (
                re.sub(
                    r"[^A-Za-z0-9_.-]+", "_", rel.removesuffix("/index.html").removesuffix(".html")
                )
                or "index"
            )
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            (shots / f"{name}.txt").write_text(
                f"{served}/{rel}\nimages: {images}\n" + "\n".join(issues) + "\n"
            )
            page.close()
            if issues:
                problems[rel] = issues
    finally:
        context.close()
    print(f"\nbrowser screenshots of {len(pages)} pages: {shots}")
    assert len(list(shots.glob("*.png"))) == len(pages)
    assert not problems, f"screenshots: {shots}\n" + "\n".join(
        f"{rel}:\n  " + "\n  ".join(v) for rel, v in problems.items()
    )


@pytest.mark.parametrize(
    "ci, outcome",
    [
        ("true", pytest.fail.Exception),
        ("1", pytest.fail.Exception),
        ("", pytest.skip.Exception),
        ("false", pytest.skip.Exception),
    ],
)
def test_without_chromium_the_test_skips_but_fails_in_ci(monkeypatch, ci, outcome):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="Chromium is not installed"):
        _unavailable("headless Chromium is not installed and could not be installed")
