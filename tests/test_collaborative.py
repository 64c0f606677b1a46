"""Collaborative YAML (validation, clear errors) and `anchor ingest` (outputs, reconciliation,
atomicity)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT

from anchorlib.assets.ingest import ingest
from anchorlib.config.collaborative import CollaborativeError, load_collaborative
from anchorlib.core.errors import AnchorError

LEDGERS = ROOT / "tests" / "data" / "ledgers"


def _collab(
    tmp_path, anchors: str, place: str = "{name: Hyndburn, lads: [E07000120]}", extra: str = ""
) -> str:
    path = tmp_path / "collab.yml"
    path.write_text(
        f"id: test\nname: Test collaborative\nplace: {place}\n{extra}anchors:\n{anchors}"
    )
    return path


GOOD_ANCHOR = f"""  - id: council
    name: A council
    type: local_authority
    home_lad: E07000120
    ledger:
      files: ["{LEDGERS}/overlap_a.csv", "{LEDGERS}/overlap_b.csv"]
  - id: fire
    name: A fire service
    type: fire
    ledger:
      files: ["{LEDGERS}/amount_formats.csv"]
"""


def test_demo_collaborative_loads_with_its_ledger_files(real_data):
    c = load_collaborative(ROOT / "collaboratives" / "lancashire.yml")
    assert [a.id for a in c.anchors] == ["hyndburn", "lancashire_pcc", "lancashire_fire"]
    assert [len(c.ledger_files(a)) for a in c.anchors] == [107, 7, 6]
    assert len(c.place.lad_codes) == 14


@pytest.mark.parametrize(
    "anchors, extra, message",
    [
        (
            "  - {id: a, name: A, type: police, colour: blue}\n",
            "",
            "anchor 'a': colour: unknown field",
        ),
        ("  - {id: a, name: A, type: spaceship}\n", "", "anchor 'a': type"),
        ("  - {id: A-1, name: A, type: police}\n", "", "lower case letters"),
        (
            "  - {id: a, name: A, type: police}\n  - {id: a, name: B, type: fire}\n",
            "",
            "repeated: ['a']",
        ),
        (
            "  - {id: a, name: A, type: police, home_lad: E07000999}\n",
            "",
            "home_lad: unknown LAD 2024 code 'E07000999'",
        ),
        ("  - {id: a, name: A, type: police}\n", "baseline_year: 2022\n", "baseline_year"),
        ("  - {id: a, name: A, type: police, ledger: {}}\n", "", "either source"),
        ("  []\n", "", "at least one anchor"),
    ],
)
def test_bad_collaborative_files_say_what_is_wrong(fixture_data, tmp_path, anchors, extra, message):
    path = _collab(tmp_path, anchors, extra=extra)
    with pytest.raises(CollaborativeError) as exc:
        load_collaborative(path)
    assert message in str(exc.value)
    assert str(path) in str(exc.value)


def test_unknown_place_code_names_the_file(fixture_data, tmp_path):
    path = _collab(
        tmp_path, "  - {id: a, name: A, type: police}\n", place="{name: X, lads: [E07000999]}"
    )
    with pytest.raises(AnchorError, match=r"collab.yml.*unknown LAD code 'E07000999'"):
        load_collaborative(path)


def test_ledger_files_must_exist_and_stay_inside_the_project(fixture_data, tmp_path):
    outside = tmp_path / "payments.csv"
    outside.write_text("Supplier,Amount,Date\nAcme,1.00,01/04/2022\n")
    for files, message in [
        (f'["{tmp_path}/none*.csv"]', "matches no file"),
        (f'["{outside}"]', "outside the project"),
    ]:
        path = _collab(
            tmp_path, f"  - {{id: a, name: A, type: police, ledger: {{files: {files}}}}}\n"
        )
        c = load_collaborative(path)
        with pytest.raises(CollaborativeError, match=message):
            c.ledger_files(c.anchors[0])


def test_unknown_catalogue_source(fixture_data, tmp_path):
    c = load_collaborative(
        _collab(tmp_path, "  - {id: a, name: A, type: police, ledger: {source: nope}}\n")
    )
    with pytest.raises(CollaborativeError, match="No source 'nope'"):
        c.ledger_files(c.anchors[0])


def test_ingest_writes_reconciled_outputs(fixture_data, tmp_path):
    c = load_collaborative(_collab(tmp_path, GOOD_ANCHOR))
    res = ingest(c, out_root=tmp_path / "out", quiet=True)
    data = tmp_path / "out" / "test" / "data"
    ledger = pd.read_parquet(data / "ledger.parquet")
    recon = pd.read_csv(data / "reconciliation.csv", dtype={"total_in": str, "difference": str})
    rejects = pd.read_csv(data / "rejects.csv")
    assert set(ledger["anchor_id"]) == {"council", "fire"}
    assert len(recon) == 3 and (recon["difference"] == "0.00").all()
    # Independently: pence in = ledger pence + rejected pence, per anchor.
    for anchor, group in recon.groupby("anchor"):
        total_in = sum(round(float(v) * 100) for v in group["total_in"])
        led = ledger.loc[ledger["anchor_id"] == anchor, "amount_pence"].sum()
        rej = (
            rejects.loc[rejects["anchor_id"] == anchor, "amount_pence"].sum() if len(rejects) else 0
        )
        assert total_in == led + rej
    # Files are named relative to a data root or as given, never rewritten silently.
    assert set(recon["file"]) == set(res.files["file"])
    assert (data / "ingest.json").is_file() and (data / "reconciliation_anchors.csv").is_file()


def test_a_failed_ingest_leaves_the_previous_outputs_intact(fixture_data, tmp_path):
    c = load_collaborative(_collab(tmp_path, GOOD_ANCHOR))
    ingest(c, out_root=tmp_path / "out", quiet=True)
    data = tmp_path / "out" / "test" / "data"
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    bad = LEDGERS.parent / "bad_for_ingest.csv"
    bad.write_text("nothing,useful,here\n1,2,3\n")
    try:
        broken = _collab(
            tmp_path, GOOD_ANCHOR.replace("amount_formats.csv", "../bad_for_ingest.csv")
        )
        with pytest.raises(AnchorError):
            ingest(load_collaborative(broken), out_root=tmp_path / "out", quiet=True)
    finally:
        bad.unlink()
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_ingest_is_deterministic(fixture_data, tmp_path):
    c = load_collaborative(_collab(tmp_path, GOOD_ANCHOR))
    outs = []
    for run in ("a", "b"):
        ingest(c, out_root=tmp_path / run, quiet=True)
        data = tmp_path / run / "test" / "data"
        outs.append(
            {p.name: p.read_bytes() for p in data.iterdir() if p.suffix in (".parquet", ".csv")}
        )
    assert outs[0] == outs[1]


def test_register_for_a_collaborative_simulates_missing_postcodes_and_real_ones_win(
    fixture_data, tmp_path
):
    from anchorlib.assets.register import build_collaborative_register
    from anchorlib.suppliers.register import read_register

    path = _collab(tmp_path, GOOD_ANCHOR, extra="simulate_supplier_postcodes: true\n")
    c = load_collaborative(path)
    ingest(c, out_root=tmp_path / "out", quiet=True)
    reg, paths = build_collaborative_register(c, out_root=tmp_path / "out")
    named = reg.register[~reg.register["is_redacted"].astype(bool)]
    assert len(named) > 0
    assert (named["postcode_source"] == "simulated").all() and named["postcode"].notna().all()
    assert set(named["tier"]) <= {"place", "wider", "rest_of_uk"}

    # A person fixes one supplier's postcode; the rebuild keeps it and keeps the other simulated
    # ones.
    edited = read_register(paths["csv"])
    sid = named["supplier_id"].iloc[0]
    edited.loc[edited["supplier_id"] == sid, ["postcode", "postcode_source"]] = ["BB5 1LA", "human"]
    edited.to_csv(tmp_path / "out" / "test" / "data" / "suppliers.csv", index=False)
    (tmp_path / "out" / "test" / "data" / "suppliers.xlsx").unlink()
    again, _ = build_collaborative_register(c, out_root=tmp_path / "out")
    row = again.register.set_index("supplier_id").loc[sid]
    assert (row["postcode"], row["postcode_source"], row["tier"]) == ("BB5 1LA", "human", "place")
    others = again.register.set_index("supplier_id").loc[named["supplier_id"].iloc[1:]]
    assert (
        others["postcode"].tolist()
        == named.set_index("supplier_id").loc[others.index, "postcode"].tolist()
    )


def test_a_ledger_postcode_beats_a_simulated_one():
    from anchorlib.suppliers.previous import keep_edit

    assert keep_edit("PR1 0LD", "simulated", "BB5 1LA", "ledger", False) == ("BB5 1LA", "ledger")
    assert keep_edit("PR1 0LD", "human", "BB5 1LA", "ledger", False) == ("PR1 0LD", "human")
