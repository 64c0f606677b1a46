"""docs/data_sources.md: rendered from data/sources.yml, and the committed page kept up to date."""

from __future__ import annotations

import pytest
import yaml
from conftest import FIXTURES
from typer.testing import CliRunner

from anchorlib.cli import app
from anchorlib.data.catalogue import CATALOGUE_PATH, Catalogue, load_catalogue
from anchorlib.data.sources_page import (
    COMMAND,
    PAGE_PATH,
    page_is_current,
    render_sources_page,
    write_sources_page,
)


@pytest.fixture
def catalogue(monkeypatch) -> Catalogue:
    """The project's own catalogue, whatever ANCHOR_CATALOGUE a test run or a user has set."""
    monkeypatch.delenv("ANCHOR_CATALOGUE", raising=False)
    return load_catalogue(CATALOGUE_PATH)


def test_page_names_every_source_its_licence_attribution_and_files(catalogue):
    page = render_sources_page(catalogue)
    for s in catalogue.sources:
        assert f"### `{s.id}`" in page
        assert f"[`{s.id}`](#{s.id})" in page  # in the summary table, linked to its section
        assert s.licence.split(";")[0] in page
        assert s.url in page
        for a in s.attribution:
            assert a in page
        for f in s.files:
            assert f"`{f.path}`" in page
            if f.sha256:
                assert f.sha256 in page
            if f.rows:
                assert f"{f.rows:,}" in page
        if s.download:
            assert " ".join(s.download.split()).replace("|", "\\|") in page
    for text in catalogue.attribution_common.values():
        assert text in page
    assert "not in the data bundle" in page and "optional" in page and "required" in page


def test_rendering_is_deterministic_and_uses_no_local_state(catalogue, monkeypatch, tmp_path):
    first = render_sources_page(catalogue)
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ANCHOR_NO_SHARED", "1")
    assert render_sources_page(catalogue) == first
    assert "\r" not in first and not any(line != line.rstrip() for line in first.splitlines())


def test_fields_the_renderer_does_not_know_are_still_shown(catalogue):
    """A field added to the models later (a demo-extract section, say) is rendered, not dropped."""
    from pydantic import ConfigDict

    from anchorlib.data.catalogue import Source

    # subclasses the way a later catalogue.py might extend the models; render one source with them
    class SourceX(Source):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        extract: dict | None = None

    class CatalogueX(Catalogue):
        demo_extracts: list[dict] = []
        sources: list[SourceX]

    raw = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    raw["sources"] = raw["sources"][:1]
    raw["sources"][0]["extract"] = {
        "path": "data/extracts/imd2025_demo.csv",
        "rows": 123,
        "lads": ["E07000120"],
    }
    raw["demo_extracts"] = [{"id": "demo", "lads": ["E07000120"]}]
    page = render_sources_page(CatalogueX.model_validate(raw))
    assert "- extract:" in page and "data/extracts/imd2025_demo.csv" in page and "rows: 123" in page
    assert "## Demo extracts" in page and "E07000120" in page


def test_the_fixture_catalogue_renders_too():
    page = render_sources_page(load_catalogue(FIXTURES / "sources.yml"))
    assert page.startswith("# Data sources\n")


def test_write_and_check(catalogue, tmp_path):
    out = tmp_path / "data_sources.md"
    assert not page_is_current(out, catalogue)
    write_sources_page(out, catalogue)
    assert page_is_current(out, catalogue)
    out.write_text(out.read_text().replace("\n", "\r\n"))  # line endings do not matter
    assert page_is_current(out, catalogue)
    out.write_text(out.read_text() + "an edit\n")
    assert not page_is_current(out, catalogue)


def test_sources_page_command(catalogue, tmp_path):
    out = tmp_path / "page.md"
    runner = CliRunner()
    check = runner.invoke(app, ["data", "sources-page", "--out", str(out), "--check"])
    assert check.exit_code == 1 and COMMAND in check.output
    res = runner.invoke(app, ["data", "sources-page", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8") == render_sources_page(catalogue)
    assert runner.invoke(app, ["data", "sources-page", "--out", str(out), "--check"]).exit_code == 0


def test_committed_page_is_up_to_date_with_sources_yml(catalogue):
    assert page_is_current(PAGE_PATH, catalogue), (
        f"{PAGE_PATH.name} is out of date with data/sources.yml: run `{COMMAND}` and commit "
        "docs/data_sources.md"
    )


def test_the_demo_extract_is_described_when_the_catalogue_declares_one(catalogue):
    from anchorlib.data.sources_page import load_demo_extract

    extract = load_demo_extract()
    page = render_sources_page(catalogue)
    if extract is None:
        assert "## The demo extract" not in page
        pytest.skip("no demo extract catalogue (data/demo/sources.yml) in this checkout")
    assert "## The demo extract" in page
    for src in extract.sources:
        assert f"### Extract of `{src.id}`" in page
        for f in src.files:
            assert f.sha256 in page
    assert "## The demo extract" not in render_sources_page(catalogue, extract=None)
