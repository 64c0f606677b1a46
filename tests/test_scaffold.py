"""`anchor new`: the commented collaborative (and place) YAML, its TODOs, and that it loads once
filled."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT
from pydantic import BaseModel
from typer.testing import CliRunner

from anchorlib.cli import app
from anchorlib.config.collaborative import (
    AddressableExclusions,
    AnchorSpec,
    CollaborativeError,
    CollaborativeSpec,
    IndicatorSettings,
    LedgerSpec,
    Target,
    load_collaborative,
)
from anchorlib.config.places import PlaceSpec, TierSpec, load_place
from anchorlib.core.errors import PlaceError
from anchorlib.run.scaffold import ScaffoldError, scaffold, todo_lines

LEDGER = ROOT / "tests" / "data" / "ledgers" / "overlap_a.csv"
HYNDBURN, BURNLEY = "E07000120", "E07000117"  # both in the committed fixture extracts


def _dirs(tmp_path):
    return {"collaboratives_dir": tmp_path / "collaboratives", "places_dir": tmp_path / "places"}


def test_scaffold_writes_a_commented_collaborative_and_place_that_load_as_written(
    fixture_data, tmp_path
):
    res = scaffold(
        "mybay", lads=[f"{HYNDBURN},{BURNLEY}"], anchors=["council", "nhs_trust"], **_dirs(tmp_path)
    )
    assert res.collaborative == tmp_path / "collaboratives" / "mybay.yml"
    assert res.place == tmp_path / "places" / "mybay.yml"
    text = res.collaborative.read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    assert raw["id"] == "mybay" and [a["id"] for a in raw["anchors"]] == ["council", "nhs_trust"]
    place_text = res.place.read_text(encoding="utf-8")
    assert "# Hyndburn" in place_text and "# Burnley" in place_text  # codes carry their names

    collab = load_collaborative(res.collaborative)  # valid as written
    assert sorted(collab.place.lad_codes) == sorted([HYNDBURN, BURNLEY])
    assert [t.name for t in collab.place.tiers] == ["place", "wider", "rest_of_uk"]
    assert load_place(res.place).name
    # ... but a placeholder anchor cannot reach a report: its ledger folder does not exist yet
    with pytest.raises(CollaborativeError, match="matches no file"):
        collab.ledger_files(collab.anchors[0])
    # what to fill in is listed, line by line
    assert res.todos == todo_lines(res.collaborative)
    assert {"name", "type", "sites", "files"} <= {
        re.sub(r"^[#\s-]*", "", line).split(":")[0] for _, line in res.todos
    }
    assert res.place_todos


def _fields(model: type[BaseModel]) -> set[str]:
    return {(f.alias or name) for name, f in model.model_fields.items()}


def test_every_field_of_the_models_is_in_the_scaffold_with_a_comment(fixture_data, tmp_path):
    res = scaffold("mybay", lads=[HYNDBURN], **_dirs(tmp_path))
    text = res.collaborative.read_text(encoding="utf-8")
    place_text = res.place.read_text(encoding="utf-8")
    for model in (
        CollaborativeSpec,
        AnchorSpec,
        LedgerSpec,
        IndicatorSettings,
        AddressableExclusions,
        Target,
    ):
        for field in _fields(model):
            assert re.search(rf"#\s*{field}:", text), (
                f"{model.__name__}.{field} has no comment in the scaffold"
            )
    for model in (PlaceSpec, TierSpec):
        for field in _fields(model):
            assert re.search(rf"\b{field}:", place_text), (
                f"{model.__name__}.{field} missing from the place scaffold"
            )


def test_refuses_to_overwrite_and_writes_nothing_then(fixture_data, tmp_path):
    first = scaffold("mybay", lads=[HYNDBURN], **_dirs(tmp_path))
    first.collaborative.write_text(first.collaborative.read_text() + "# my edit\n")
    before = first.collaborative.read_text()
    with pytest.raises(ScaffoldError, match="already exists: not overwritten"):
        scaffold("mybay", **_dirs(tmp_path))
    assert first.collaborative.read_text() == before
    # a place file in the way: the collaborative is not written either
    (tmp_path / "places" / "other.yml").write_text("name: mine\nlads: [E07000120]\n")
    with pytest.raises(ScaffoldError, match="other.yml already exists"):
        scaffold("other", lads=[HYNDBURN], **_dirs(tmp_path))
    assert not (tmp_path / "collaboratives" / "other.yml").exists()
    assert (tmp_path / "places" / "other.yml").read_text() == "name: mine\nlads: [E07000120]\n"
    # the place file would be the collaborative file
    with pytest.raises(ScaffoldError, match="give --places-dir a different folder"):
        scaffold(
            "third", lads=[HYNDBURN], collaboratives_dir=tmp_path / "x", places_dir=tmp_path / "x"
        )
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "name, anchors, message",
    [
        ("My-Bay", None, "lower case letters, digits and _"),
        ("2bay", None, "lower case letters"),
        ("mybay", ["Council"], "bad anchor id 'Council'"),
        ("mybay", ["a", "a"], "repeated: ['a']"),
    ],
)
def test_bad_names_are_refused(tmp_path, name, anchors, message):
    with pytest.raises(ScaffoldError, match=re.escape(message)):
        scaffold(name, anchors=anchors, **_dirs(tmp_path))
    assert not (tmp_path / "collaboratives").exists()


def test_unknown_lad_code_is_an_error_with_suggestions_and_nothing_is_written(
    fixture_data, tmp_path
):
    with pytest.raises(PlaceError, match="unknown LAD code 'E07000121'"):
        scaffold("mybay", lads=["E07000121"], **_dirs(tmp_path))
    assert not (tmp_path / "collaboratives").exists() and not (tmp_path / "places").exists()


def test_an_existing_place_file_is_referred_to(fixture_data, tmp_path):
    place = tmp_path / "shared" / "hyndburn.yml"
    place.parent.mkdir()
    place.write_text(f"name: Hyndburn\nlads: [{HYNDBURN}]\n")
    res = scaffold("mybay", place=place, **_dirs(tmp_path))
    assert res.place is None
    assert yaml.safe_load(res.collaborative.read_text())["place"] == "../shared/hyndburn.yml"
    assert load_collaborative(res.collaborative).place.name == "Hyndburn"
    with pytest.raises(ScaffoldError, match="not both"):
        scaffold("other", place=place, lads=[HYNDBURN], **_dirs(tmp_path))


# Each TODO, filled in the way a person would (keyed by the field on the line).
FILL = {
    "name": lambda line: re.sub(r'name: ".*"', 'name: "Filled in"', line),
    "lads": lambda line: line.replace("lads: []", f"lads: [{HYNDBURN}]"),
    "baseline_year": lambda line: line.replace("# baseline_year:", "baseline_year:"),
    "id": lambda line: line,
    "type": lambda line: line.replace("type: other", "type: local_authority"),
    "home_lad": lambda line: re.sub(r"# home_lad: \S+", f"home_lad: {HYNDBURN}", line),
    "sites": lambda line: line.replace("sites: []", "sites: [BB5 1LA]"),
    "files": lambda line: re.sub(r"files: \[.*\]", f'files: ["{LEDGER}"]', line),
}


def _fill(path):
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "# TODO:" in line:
            key = re.sub(r"^[#\s-]*", "", line).split(":")[0]
            assert key in FILL, f"the test does not know how to fill the TODO on: {line}"
            line = FILL[key](line).split("  # TODO:")[0]
        out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def test_the_scaffold_without_a_place_fails_loudly_then_loads_once_filled(fixture_data, tmp_path):
    res = scaffold("mybay", anchors=["council", "fire"], **_dirs(tmp_path))
    assert res.place is None
    with pytest.raises(CollaborativeError, match="a place needs at least one of lads"):
        load_collaborative(res.collaborative)
    _fill(res.collaborative)
    assert todo_lines(res.collaborative) == []
    collab = load_collaborative(res.collaborative)
    assert collab.place.lad_codes == [HYNDBURN]
    assert collab.spec.baseline_year == "2022-23"
    a = collab.anchor("council")
    assert (a.name, a.type, a.home_lad, a.sites) == (
        "Filled in",
        "local_authority",
        HYNDBURN,
        ["BB5 1LA"],
    )
    assert collab.ledger_files(a) == [LEDGER]


def test_anchor_new_command(fixture_data, tmp_path):
    runner = CliRunner()
    args = [
        "new",
        "mybay",
        "--lad",
        HYNDBURN,
        "--anchor",
        "council",
        "--dir",
        str(tmp_path / "c"),
        "--places-dir",
        str(tmp_path / "p"),
    ]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert f"wrote {tmp_path / 'c' / 'mybay.yml'}" in res.output
    assert "marked TODO" in res.output and "type: other" in res.output
    again = runner.invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(app, ["new", "My Bay", "--dir", str(tmp_path / "c")])
    assert bad.exit_code == 2 and "lower case letters" in bad.output
