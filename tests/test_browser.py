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


#: The page weight limit (issue 11 item 6): the largest published page, maps included.
MAX_PAGE_BYTES = 5_000_000

#: In the page: a small area's path whose middle is on screen and shows that very path (so the
#: pointer put there is over it), with where that is and its code.
_AREA_ON_SCREEN = """() => {
  for (const el of document.querySelectorAll('.anchor-map-areas path')) {
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (r.width > 6 && r.height > 6 && x > 0 && y > 0 && x < innerWidth && y < innerHeight
        && document.elementFromPoint(x, y) === el) {
      return {x, y, w: r.width, h: r.height, code: el.getAttribute('data-c')};
    }
  }
  return null;
}"""


def _view_box(page) -> list[float]:
    return [float(v) for v in page.get_attribute("svg.anchor-map-svg", "viewBox").split()]


def test_every_page_weighs_under_5_mb(demo_site):
    pages = sorted(demo_site.root.rglob("*.html"))
    sizes = {p.relative_to(demo_site.root).as_posix(): p.stat().st_size for p in pages}
    largest = max(sizes, key=sizes.get)
    print(f"\nlargest page: {largest}, {sizes[largest]:,} bytes")
    assert sizes[largest] < MAX_PAGE_BYTES, f"{largest}: {sizes[largest]:,} bytes"


def test_the_place_map_opens_from_a_usb_stick_zooms_pans_and_labels_a_small_area(
    demo_site, browser
):
    """The place baseline's map opened as a file (file://, as from a USB stick: nothing served,
    nothing from the internet): the live map replaces the PNG; pointing at a small area shows its
    name, code and IMD decile and rank, as the place asset has them; the wheel zooms about the
    pointer, a drag pans, the 0 key shows the whole map again; a tap on a touch screen pins the
    label; in print, and where scripts do not run, the PNG is the map."""
    import pandas as pd

    report = next(
        r
        for r in demo_site.manifest()["reports"]
        if r["id"] == "place_baseline" and r.get("published")
    )
    url = (demo_site.dir / report["published"]["path"]).resolve().as_uri()
    assert url.startswith("file://")
    asset = pd.read_parquet(demo_site.dir / "data" / "place_lsoas.parquet").set_index("lsoa21_code")
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url[:120]}"))
    page.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:")) else problems.append(r.url),
    )
    try:
        page.goto(url, wait_until="load")
        fig = page.locator("figure.anchor-map")
        assert fig.count() == 1
        assert "anchor-map-on" in fig.get_attribute("class"), "the map script did not run"
        assert page.is_hidden("img.anchor-map-static") and page.is_visible("svg.anchor-map-svg")
        assert page.get_attribute("img.anchor-map-static", "alt").startswith("Map of ")
        page.locator("svg.anchor-map-svg").scroll_into_view_if_needed()
        home = _view_box(page)

        # point at a small area: its label is the asset's name, code, decile and rank
        spot = page.evaluate(_AREA_ON_SCREEN)
        assert spot, "no small area under its own middle on screen"
        page.mouse.move(spot["x"], spot["y"])
        row = asset.loc[spot["code"]]
        name, lad = str(row["lsoa21_name"]), str(row["lad24_name"])
        expected = (
            f"{name} {spot['code']}"
            + ("" if name.startswith(lad) else f", {lad}")
            + f"\nIMD 2025 decile {int(row['imd_decile'])}, rank {int(row['imd_rank']):,} of 33,755"
        )
        assert page.is_visible(".anchor-map-tip")
        assert page.inner_text(".anchor-map-tip") == expected
        hovered = f'.anchor-map-areas path[data-c="{spot["code"]}"]'
        assert page.get_attribute(".anchor-map-hl", "d") == page.get_attribute(hovered, "d")

        # the wheel zooms in about the pointer: the same area stays under it
        page.mouse.wheel(0, -400)
        page.wait_for_function(
            f"document.querySelector('svg.anchor-map-svg').viewBox.baseVal.width < {home[2] / 2}"
        )
        zoomed = _view_box(page)
        assert zoomed[2] / zoomed[3] == pytest.approx(home[2] / home[3], rel=1e-6)
        assert (
            page.evaluate(
                f"document.elementFromPoint({spot['x']}, {spot['y']}).getAttribute('data-c')"
            )
            == spot["code"]
        )

        # a drag pans: 120 px right moves the view 120 px worth of map units left
        scale = page.evaluate("document.querySelector('svg.anchor-map-svg').getScreenCTM().a")
        page.mouse.down()
        page.mouse.move(spot["x"] + 120, spot["y"], steps=6)
        page.mouse.up()
        panned = _view_box(page)
        assert panned[0] == pytest.approx(zoomed[0] - 120 / scale, abs=2 / scale)
        assert panned[1] == pytest.approx(zoomed[1], abs=2 / scale)

        # the 0 key shows the whole map again
        page.focus("svg.anchor-map-svg")
        page.keyboard.press("0")
        assert _view_box(page) == pytest.approx(home)

        # an anchor's site: numbered as on the PNG, labelled with its anchor and postcode
        sites = pd.read_csv(demo_site.dir / "data" / "place_sites.csv", dtype=str)
        sites = sites.dropna(subset=["easting", "northing"])
        assert page.locator(".anchor-map-site").count() == len(sites)
        if len(sites):
            page.hover(".anchor-map-site >> nth=0")
            first = sites.iloc[0]
            assert page.inner_text(".anchor-map-tip").startswith(
                f"1 {first['anchor_name']}\n{first['postcode']}, in "
            )

        # in print, the PNG comes back
        page.emulate_media(media="print")
        assert page.is_visible("img.anchor-map-static") and page.is_hidden("svg.anchor-map-svg")
    finally:
        context.close()

    # on a touch screen (no hover), a tap pins the label
    touch = browser.new_context(
        viewport={"width": 400, "height": 800}, has_touch=True, is_mobile=True
    )
    try:
        page = touch.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(url, wait_until="load")
        page.locator("svg.anchor-map-svg").scroll_into_view_if_needed()
        spot = page.evaluate(_AREA_ON_SCREEN)
        # a tap on the area's middle (the locator maps it to the zoomed-out mobile screen)
        page.locator(f'.anchor-map-areas path[data-c="{spot["code"]}"]').tap(
            position={"x": spot["w"] / 2, "y": spot["h"] / 2}
        )
        page.wait_for_timeout(50)
        assert page.is_visible(".anchor-map-tip")
        assert page.inner_text(".anchor-map-tip").startswith(
            str(asset.loc[spot["code"], "lsoa21_name"])
        )
    finally:
        touch.close()

    # where scripts do not run, the PNG with its alt text is the map
    still = browser.new_context(java_script_enabled=False)
    try:
        page = still.new_page()
        page.goto(url, wait_until="load")
        assert page.is_visible("img.anchor-map-static") and page.is_hidden(".anchor-map-live")
    finally:
        still.close()
    assert not problems, "\n".join(problems)
