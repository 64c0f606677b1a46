"""The `anchor` command: help on every subcommand, data check, place, postcode."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from anchorlib.cli import app
from anchorlib.data.catalogue import load_catalogue

runner = CliRunner()


def _run(*args):
    return runner.invoke(app, list(args))


@pytest.mark.parametrize("args", [[], ["data"], ["data", "check"], ["place"], ["postcode"]])
def test_help_on_every_subcommand(args):
    res = _run(*args, "--help")
    assert res.exit_code == 0, res.output
    assert "Usage" in res.output


def test_data_check_lists_every_source_with_licence(fixture_data):
    res = _run("data", "check")
    assert res.exit_code == 0, res.output
    for src in load_catalogue().sources:
        line = next(ln for ln in res.output.splitlines() if ln.startswith(src.id + " "))
        assert src.licence in line
    # fixture mode: every required source is present and verified
    records = json.loads(_run("data", "check", "--json").output)
    assert all(r["status"] == "ok" for r in records if not r["optional"])


def test_data_check_fails_and_says_what_to_download_when_a_required_file_is_missing(
    fixture_data, tmp_path, monkeypatch
):
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path))
    res = _run("data", "check")
    assert res.exit_code == 1
    assert "imd2025" in res.output and "missing" in res.output
    assert (
        "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025" in res.output
    )


def test_data_check_reports_a_checksum_mismatch(fixture_data, tmp_path, monkeypatch):
    import shutil

    for p in fixture_data.rglob("*"):
        if p.is_file():
            (tmp_path / p.relative_to(fixture_data)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(p, tmp_path / p.relative_to(fixture_data))
    (tmp_path / "reference" / "ruc21_lsoa21.csv").write_text(
        "lsoa21_code,ruc21_code,classification,ruc\n"
    )
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path))
    res = _run("data", "check", "--json")
    assert res.exit_code == 1
    ruc = next(r for r in json.loads(res.output) if r["id"] == "ruc21")
    assert ruc["status"] == "checksum mismatch"


def test_place_unknown_lad_code_is_a_clear_error(fixture_data):
    res = _run("place", "E07000999")
    assert res.exit_code == 2
    assert "unknown LAD code 'E07000999'" in res.output


@pytest.mark.parametrize(
    "args",
    [
        ["ingest"],
        ["suppliers", "build"],
        ["ledger", "read"],
        ["indicators"],
        ["workforce"],
        ["run"],
    ],
)
def test_help_on_the_collaborative_commands(args):
    res = _run(*args, "--help")
    assert res.exit_code == 0, res.output
    assert "Usage" in res.output
