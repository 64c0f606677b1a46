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


# ------------------------------------------------------------------ one exit-code policy

#: Every command that takes a collaborative YAML, with the arguments before it.
COLLABORATIVE_COMMANDS = [
    ["indicators"],
    ["ingest"],
    ["run"],
    ["suppliers", "build"],
    ["workforce"],
]


def _error_lines(output: str) -> list[str]:
    return [ln for ln in output.splitlines() if ln.startswith("error:")]


@pytest.mark.parametrize("command", COLLABORATIVE_COMMANDS, ids=" ".join)
def test_a_missing_collaborative_file_is_bad_input_in_every_command(command, tmp_path):
    """The same bad input gets the same answer from every command: one ``error:`` line naming
    the file, and exit status 2 (as click gives a usage error)."""
    missing = tmp_path / "nonexist.yml"
    res = _run(*command, str(missing))
    assert res.exit_code == 2, res.output
    assert _error_lines(res.output) == [f"error: Collaborative file not found: {missing}"]
    assert res.output.strip() == _error_lines(res.output)[0]


@pytest.mark.parametrize(
    "args, message",
    [
        (["ledger", "read", "nope.csv", "--anchor", "a", "--out", "x"], "no such file: nope.csv"),
        (["suppliers", "build", "nope.parquet"], "no such file: nope.parquet"),
        (["indicators"], "give a collaborative YAML, or --ledger DIR --place PLACE_SPEC"),
        (["run"], "give a collaborative YAML (e.g. collaboratives/lancashire.yml) or --all"),
        (["run", "--places", "wards"], "--places wards: choose one of lads, icbs"),
    ],
)
def test_bad_input_exits_2_with_one_error_line(args, message):
    res = _run(*args)
    assert res.exit_code == 2, res.output
    [line] = _error_lines(res.output)
    assert line.startswith(f"error: {message}")


def test_the_handler_is_on_every_group():
    """One handler: the app and each of its groups are AnchorGroups; no other typer app exists."""
    import typer.main

    import anchorlib.cli.indicators as indicators
    from anchorlib.cli.group import AnchorGroup

    group = typer.main.get_command(app)
    assert isinstance(group, AnchorGroup)
    for name in ("data", "ledger", "suppliers"):
        assert isinstance(group.commands[name], AnchorGroup), name
    assert not hasattr(indicators, "indicators_app")


def test_the_command_list_shows_each_summary_on_one_line():
    """A docstring's first paragraph may wrap in the source; the listing joins it."""
    res = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0
    line = next(ln for ln in res.output.splitlines() if " ingest " in ln)
    assert "(ledger, rejects, reconciliation)." in line
