"""End to end: the demo collaborative, run by `anchor run` into a temporary outputs folder,
publishes a site that is all green, complete, shows no code and no errors, has no broken link and
leaks no staff-level data.

The run is the session fixture ``demo_site`` (tests/conftest.py), shared with tests/test_browser.py:
the demo (collaboratives/lancashire.yml) on the real data, or, on a machine without ../shared, a
small collaborative on the committed fixture data. Every report notebook discovered in notebooks/ is
covered, whatever it is: the expected reports are computed from ``discover_notebooks`` and the
collaborative's anchors, never listed here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from privacy_scan import (
    BINARY,
    POSTCODE,
    TOKEN,
    staff_needles,
)
from privacy_scan import (
    norm_postcode as _norm_postcode,
)
from privacy_scan import (
    text_of as _text_of,
)

#: Link schemes that leave the site (allowed; not followed).
EXTERNAL = re.compile(r"^(https?:|mailto:)", re.I)

pytestmark = pytest.mark.site


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: set[str] = set()
        self.classes: set[str] = set()
        self.mimes: set[str] = set()
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src", "srcset", "poster", "data"):
            if a.get(key) and not (tag == "object" and key != "data"):
                self.links.append((tag, key, a[key]))
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        self.classes |= set((a.get("class") or "").split())
        if a.get("data-mime-type"):
            self.mimes.add(a["data-mime-type"])
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _parse(page: Path) -> _Page:
    p = _Page()
    p.feed(page.read_text(encoding="utf-8"))
    p.close()
    return p


def _published_files(site) -> list[Path]:
    """Every file of the site under the outputs folder, except staff-level data (private/) and the
    run lock."""
    return sorted(
        p
        for p in site.root.rglob("*")
        if p.is_file() and "private" not in p.relative_to(site.root).parts and p.name != ".run.lock"
    )


def _html_pages(site) -> list[Path]:
    return [p for p in _published_files(site) if p.suffix == ".html"]


# --------------------------------------------------------------------------- the run


def test_the_demo_run_is_all_green_and_publishes_every_report(demo_site):
    res = demo_site.result
    print(f"site run ({demo_site.mode}): {demo_site.seconds:.1f} s")
    assert res.error is None and res.ok, res.summary()
    man = demo_site.manifest()
    assert man["run"]["failed"] == 0 and man["run"]["pending"] == 0, man["run"]
    assert {a["status"] for a in man["assets"].values()} == {"built"}, man["assets"]

    expected = demo_site.expected_reports
    assert expected, "no report notebooks discovered"
    reports = {r["id"]: r for r in man["reports"]}
    assert set(reports) == expected
    bad = {rid: (r["status"], r.get("error")) for rid, r in reports.items() if r["status"] != "ok"}
    assert not bad, bad

    index_links = {v for _, _, v in _parse(demo_site.dir / "index.html").links}
    root_links = {v for _, _, v in _parse(demo_site.root / "index.html").links}
    assert f"{demo_site.dir.name}/index.html" in root_links
    for rid, r in reports.items():
        pub = r["published"]
        assert pub and pub["path"] == f"reports/{rid}/index.html", rid
        page = demo_site.dir / pub["path"]
        assert page.is_file() and page.stat().st_size > 0, rid
        assert pub["path"] in index_links, f"{rid} is not linked from the collaborative's index"
        for t in pub.get("tables", []):
            assert (page.parent / t["csv"]).is_file() and (page.parent / t["xlsx"]).is_file(), (
                rid,
                t,
            )


# --------------------------------------------------------------------------- every page

#: Classes nbconvert gives code cells, prompts and error outputs.
CODE_CLASSES = (
    "jp-InputArea",
    "jp-InputPrompt",
    "jp-CodeCell-input",
    "jp-CodeMirror",
    "jp-Editor",
    "highlight",
    "input_area",
    "prompt",
    "jp-OutputPrompt",
    "jp-OutputArea-error",
)
ERROR_TEXT = re.compile(
    r"Traceback \(most recent call last\)|\b[A-Z][A-Za-z]*(?:Error|Exception|Warning): |"
    r"^\s*Error\b",
    re.M,
)


def test_pages_show_no_code_and_no_errors(demo_site):
    pages = _html_pages(demo_site)
    assert len(pages) >= 2 + len(demo_site.manifest()["reports"])
    problems = []
    for page in pages:
        rel = page.relative_to(demo_site.root).as_posix()
        raw = page.read_text(encoding="utf-8")
        p = _parse(page)
        text = "".join(p.text)
        code = sorted(c for c in p.classes if c.startswith(CODE_CLASSES))
        if code:
            problems.append(f"{rel}: code or prompt elements {code}")
        if (
            "In&nbsp;[" in raw
            or re.search(r"\bIn\s*\[\d*\]:", text)
            or re.search(r"\bOut\s*\[\d+\]:", text)
        ):
            problems.append(f"{rel}: input/output prompts")
        if "application/vnd.jupyter.stderr" in p.mimes:
            problems.append(f"{rel}: a stderr stream output")
        m = ERROR_TEXT.search(text)
        if m:
            problems.append(f"{rel}: error text {text[max(0, m.start() - 80) : m.end() + 80]!r}")
        if re.search(r"\x1b\[|ansi-(red|green|yellow)", raw):
            problems.append(f"{rel}: terminal colour codes (a traceback or log)")
    assert not problems, "\n".join(problems)


def test_no_broken_relative_link_or_image(demo_site):
    broken, checked = [], 0
    for page in _html_pages(demo_site):
        p = _parse(page)
        rel = page.relative_to(demo_site.root).as_posix()
        for tag, attr, value in p.links:
            values = (
                [v.strip().split()[0] for v in value.split(",") if v.strip()]
                if attr == "srcset"
                else [value]
            )
            for link in values:
                link = link.strip()
                if EXTERNAL.match(link) or link.startswith("data:"):
                    continue
                checked += 1
                parts = urlsplit(link)
                if parts.scheme or parts.netloc or link.startswith("/"):
                    broken.append(
                        f"{rel}: <{tag} {attr}={link!r}> is not relative (the site must work "
                        "anywhere)"
                    )
                    continue
                if not parts.path:  # a fragment in this page
                    # browsers look the fragment up as written, then percent-decoded (nbconvert's
                    # heading ids are percent-encoded)
                    if parts.fragment and not {parts.fragment, unquote(parts.fragment)} & p.ids:
                        broken.append(f"{rel}: <{tag} {attr}={link!r}>: no element with that id")
                    continue
                target = (page.parent / unquote(parts.path)).resolve()
                if not target.exists():
                    broken.append(f"{rel}: <{tag} {attr}={link!r}>: {target} does not exist")
                elif demo_site.root.resolve() not in target.parents:
                    broken.append(f"{rel}: <{tag} {attr}={link!r}> points outside the site")
                elif "private" in target.relative_to(demo_site.root.resolve()).parts:
                    broken.append(
                        f"{rel}: <{tag} {attr}={link!r}> links staff-level data (private/)"
                    )
    assert checked, "no relative links found: the parser is not seeing the pages"
    assert not broken, "\n".join(broken)


# --------------------------------------------------------------------------- no staff-level data


def test_no_staff_level_data_is_published(demo_site):
    """No staff id and no staff home postcode from the staff extracts
    (outputs/<id>/private/staff_*.csv) appears in any published file (pages, tables, XLSX, shared
    data, Parquet, executed notebooks, manifest).

    A staff postcode that the site legitimately publishes as something else (a supplier's postcode
    in the register, an anchor's site) says nothing about a person and is not looked for; how many
    are left out is printed."""
    import pandas as pd

    assert demo_site.staff_files, "no staff extract to look for (outputs/<id>/private/staff_*.csv)"
    ids, postcodes = staff_needles(demo_site.staff_files)
    assert ids and postcodes

    other = {_norm_postcode(s) for s in demo_site.sites}
    register = demo_site.dir / "data" / "suppliers.csv"
    if register.is_file():
        other |= {
            _norm_postcode(p)
            for p in pd.read_csv(register, dtype=str, usecols=["postcode"])["postcode"].dropna()
        }
    look_for = postcodes - other
    print(
        f"staff-level check: {len(ids):,} staff ids and {len(look_for):,} home postcodes "
        f"({len(postcodes & other):,} also published as supplier or site postcodes, not looked "
        "for) "
        f"in {len(_published_files(demo_site))} files"
    )
    assert look_for

    leaks = []
    for path in _published_files(demo_site):
        if path.suffix.lower() in BINARY:
            continue
        text = _text_of(path)
        rel = path.relative_to(demo_site.root).as_posix()
        found_ids = sorted(set(TOKEN.findall(text)) & ids)
        found_pcs = sorted(
            {m.group(1).upper() + m.group(2).upper() for m in POSTCODE.finditer(text)} & look_for
        )
        if found_ids:
            leaks.append(f"{rel}: {len(found_ids)} staff ids, e.g. {found_ids[:3]}")
        if found_pcs:
            leaks.append(f"{rel}: {len(found_pcs)} staff home postcodes, e.g. {found_pcs[:3]}")
    assert not leaks, "staff-level data published:\n" + "\n".join(leaks)


def test_the_scanner_finds_staff_data_when_it_is_there(demo_site, tmp_path):
    """The leak check is not vacuous: a staff id and postcode planted in an HTML page, a CSV and an
    XLSX are found by the same readers and patterns."""
    import pandas as pd

    df = pd.read_csv(demo_site.staff_files[0], dtype=str)
    sid = df.iloc[0, 0]
    pc = next(v for c in df.columns if "postcode" in c.lower() for v in df[c].dropna())
    (tmp_path / "a.html").write_text(
        f'<p>{sid} lives at {pc.lower()}</p><img src="data:image/png;base64,{"A" * 300}">'
    )
    pd.DataFrame({"who": [sid], "where": [pc.replace(" ", "")]}).to_excel(
        tmp_path / "b.xlsx", index=False
    )
    for name in ("a.html", "b.xlsx"):
        text = _text_of(tmp_path / name)
        assert sid in set(TOKEN.findall(text)), name
        assert _norm_postcode(pc) in {
            m.group(1).upper() + m.group(2).upper() for m in POSTCODE.finditer(text)
        }, name
