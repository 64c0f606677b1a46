"""The frozen baseline and its restatements (anchorlib.assets.baseline; step 7, item 13), on the
hand example of tests/test_progress.py (padded to full years, without the credit note):
2022-23 combined 13,100, of which 3,000 in the place; c alone 5,300."""

from __future__ import annotations

import json

import pytest
from test_collective import ROWS, make_collab, make_ledger
from test_progress import PLAIN, ROWS_2324, full_years

from anchorlib.assets import baseline as B
from anchorlib.indicators.progress import progress_table

approx = pytest.approx


@pytest.fixture
def setup(tmp_path, monkeypatch):
    collab = make_collab()
    led = make_ledger(full_years(PLAIN + ROWS_2324))
    state = {"ledger": led}
    monkeypatch.setattr(B, "read_located_ledger", lambda c, out_root=None: state["ledger"])
    data = collab.output_dir(tmp_path) / "data"
    data.mkdir(parents=True)
    (data / "suppliers.csv").write_text("supplier_id,postcode\nS7,AA1 1AA\n")
    (data / "suppliers_matches.csv").write_text("supplier_key,supplier_id\n")
    return collab, tmp_path, data, state


def test_freeze_writes_the_baseline_figures_once(setup):
    collab, root, data, state = setup
    assert B.read_baseline(collab, root) is None
    assert B.freeze_baseline(collab, root)["status"] == "frozen"
    snap = json.loads((data / "baseline.json").read_text())
    assert snap["baseline_year"] == "2022-23" and snap["declared_baseline_year"] == "2022-23"
    assert snap["register_version"] == B.register_version(collab, root)
    figs = {(f["indicator"], f["anchor"]): f for f in snap["figures"]}
    assert figs[("total", "combined")]["value"] == 13100
    assert figs[("place_share_of_all", "combined")]["value"] == approx(3000 / 13100)
    assert figs[("place_share_of_all", "combined")]["located_share"] == approx(12800 / 13100)
    assert figs[("total", "c")]["value"] == 5300
    # a second run keeps it, byte for byte, even on a changed ledger
    before = (data / "baseline.json").read_bytes()
    state["ledger"] = make_ledger(full_years(ROWS + ROWS_2324))
    assert B.freeze_baseline(collab, root)["status"] == "kept"
    assert (data / "baseline.json").read_bytes() == before
    # a new declared baseline year freezes again, recording the one it replaces
    collab.spec.baseline_year = "2023-24"
    assert B.freeze_baseline(collab, root)["status"] == "frozen"
    snap = B.read_baseline(collab, root)
    assert snap["baseline_year"] == "2023-24" and snap["replaces"]["baseline_year"] == "2022-23"


def test_an_incomplete_baseline_is_not_frozen(setup):
    collab, root, data, state = setup
    state["ledger"] = make_ledger(PLAIN + ROWS_2324)  # no anchor has a full 2022-23
    info = B.freeze_baseline(collab, root)
    assert info["status"] == "not frozen" and not (data / "baseline.json").exists()


def test_a_register_edit_is_a_restatement_not_silently_applied(setup):
    collab, root, data, state = setup
    B.freeze_baseline(collab, root)
    snap = B.read_baseline(collab, root)
    # the register is edited: S7 (Builder Bros, £2,500 in 2022-23 from p) is now in the wider
    # tier, no longer in the place: combined place share 3,000 -> 500 of 13,100
    (data / "suppliers.csv").write_text("supplier_id,postcode\nS7,ZZ9 9ZZ\n")
    led = make_ledger(full_years(PLAIN + ROWS_2324))
    led.loc[led["supplier_id"] == "S7", "tier"] = "wider"
    t = progress_table(led, collab)
    r = B.restatements(snap, t, register=B.register_version(collab, root))
    got = r.set_index(["indicator", "anchor"])
    row = got.loc[("place_share_of_all", "combined")]
    assert row["frozen_value"] == approx(3000 / 13100)
    assert row["restated_value"] == approx(500 / 13100)
    assert row["difference"] == approx(-2500 / 13100)
    assert row["why"].startswith("supplier register edited (version ")
    assert ("total", "combined") not in got.index  # the total does not move
    assert ("place_share_of_all", "p") in got.index and ("place_share_of_all", "c") not in got.index
    # nothing changed: no restatement; another baseline year: none either
    same = progress_table(make_ledger(full_years(PLAIN + ROWS_2324)), collab)
    assert B.restatements(snap, same).empty
    assert B.restatements(snap, progress_table(led, collab, baseline_year="2023-24")).empty
    assert B.restatements(None, t).empty


def test_a_broken_snapshot_is_a_clear_error(setup):
    collab, root, data, _ = setup
    (data / "baseline.json").write_text("{not json")
    with pytest.raises(Exception, match="baseline.json: not a baseline snapshot"):
        B.read_baseline(collab, root)
