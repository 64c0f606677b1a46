"""The bad-input corpus (tests/data/bad/): each case and the exact error it must give.

Every error names the file (and row and column where there is one); nothing
good is overwritten by a failed run.
"""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from anchorlib.cli import app
from anchorlib.config.collaborative import CollaborativeError, load_collaborative
from anchorlib.config.places import load_place
from anchorlib.core.errors import ChecksumMismatchError, MissingSourceFileError, PlaceError
from anchorlib.data.postcodes import locate_postcodes
from anchorlib.data.readers import resolve
from anchorlib.ledgers.canonical import read_ledger_file
from anchorlib.ledgers.read import LedgerError
from anchorlib.suppliers.register import build_register
from anchorlib.suppliers.schema import SupplierRegisterError

BAD = ROOT / "tests" / "data" / "bad"

# file -> the message the reader must give (the file name always comes first)
LEDGER_ERRORS = [
    ("empty.csv", "the file has no rows"),
    ("blank_lines.csv", "the file has no rows"),
    ("empty.xlsx", "the file has no rows"),
    ("binary.csv", "is not a text file"),
    ("not_really.xlsx", "is not an Excel workbook"),
    ("no_amount.csv", "missing ['amount']"),
    ("no_date_or_supplier.csv", "missing ['payment_date']"),
    (
        "duplicated_headers.csv",
        "cannot decide which column is the amount: candidates 'Amount' (column B), "
        "'Amount' (column C)",
    ),
    ("title_only.xlsx", "found no header row naming a supplier, an amount and a payment date"),
]

# file -> rows that must be rejected (row number as a person counts it, reason, detail naming the
# column)
LEDGER_REJECTS = [
    (
        "text_amount.csv",
        2,
        "unparseable_amount",
        "column 'Amount' (B): 'one hundred' is not an amount",
    ),
    (
        "decimal_comma.csv",
        2,
        "unparseable_amount",
        "column 'Amount' (B): '100,00' is not an amount",
    ),
    (
        "bad_dates.csv",
        2,
        "unparseable_date",
        "column 'Payment Date' (C): '01/04/1899': year 1899 is outside",
    ),
    ("bad_dates.csv", 3, "unparseable_date", "'31/02/2022' is not a valid date"),
    ("bad_dates.csv", 4, "unparseable_date", "'01/04/2099': year 2099 is outside"),
    ("truncated.csv", 3, "truncated_row", "the file ends in the middle of this row"),
    ("unquoted_thousands.csv", 3, "wrong_field_count", "4 fields where the header has 3"),
]


@pytest.mark.parametrize("name, message", LEDGER_ERRORS, ids=[c[0] for c in LEDGER_ERRORS])
def test_unreadable_ledgers_give_their_error(name, message):
    with pytest.raises(LedgerError) as exc:
        read_ledger_file(BAD / name, "test")
    text = str(exc.value)
    assert name in text
    assert message in text


@pytest.mark.parametrize(
    "name, row, reason, detail", LEDGER_REJECTS, ids=[f"{c[0]}-{c[1]}" for c in LEDGER_REJECTS]
)
def test_bad_rows_are_rejected_with_row_column_and_reason(name, row, reason, detail):
    res = read_ledger_file(BAD / name, "test")
    rej = res.rejects.set_index("source_row")
    assert row in rej.index, res.rejects
    assert rej.loc[row, "reason"] == reason
    assert detail in rej.loc[row, "detail"]
    assert (res.reconciliation["difference_pence"] == 0).all()


def test_junk_postcodes_are_reported_not_guessed():
    res = read_ledger_file(BAD / "junk_postcodes.csv", "test")
    assert any(
        "2 supplier postcodes are not valid UK postcodes (rows 2, 3)" in w for w in res.warnings
    ), res.warnings
    canonical = res.ledger["supplier_postcode"]
    assert canonical.astype(object).where(canonical.notna(), None).tolist() == [
        None,
        None,
        "BB5 1LA",
    ]
    assert res.ledger["supplier_postcode_as_published"].tolist() == [
        "NOT A POSTCODE",
        "12345",
        "BB5 1LA",
    ]


def test_a_utf16_file_is_read_not_garbled():
    res = read_ledger_file(BAD / "utf16.csv", "test")
    assert res.ledger["supplier_name"].tolist() == ["Acme Ltd"]
    assert res.ledger["amount_pence"].tolist() == [10000]


def test_a_failed_ledger_read_leaves_good_outputs_in_place(tmp_path):
    runner = CliRunner()
    good = ROOT / "tests" / "data" / "ledgers" / "utf8_bom.csv"
    ok = runner.invoke(
        app, ["ledger", "read", str(good), "--anchor", "t", "--out", str(tmp_path), "-q"]
    )
    assert ok.exit_code == 0, ok.output
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    res = runner.invoke(
        app,
        [
            "ledger",
            "read",
            str(good),
            str(BAD / "no_amount.csv"),
            "--anchor",
            "t",
            "--out",
            str(tmp_path),
            "-q",
        ],
    )
    assert res.exit_code == 2
    assert "no_amount.csv" in res.output
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


# ------------------------------------------------------------- YAML, catalogue, postcodes, register


def _yaml(tmp_path, text, name="x.yml"):
    p = tmp_path / name
    p.write_text(text)
    return p


COLLAB_CASES = [
    (
        "unknown anchor field",
        "anchors:\n  - {id: a, name: A, type: police, budget: 5}\n",
        "anchor 'a': budget: unknown field",
    ),
    (
        "unknown LAD code",
        "anchors:\n  - {id: a, name: A, type: police, home_lad: E07009999}\n",
        "home_lad: unknown LAD 2024 code 'E07009999'",
    ),
    (
        "duplicate anchors",
        "anchors:\n  - {id: a, name: A, type: police}\n  - {id: a, name: B, type: fire}\n",
        "anchor ids must be unique; repeated: ['a']",
    ),
    (
        "bad baseline year",
        "baseline_year: '2022'\nanchors:\n  - {id: a, name: A, type: police}\n",
        "baseline_year",
    ),
    (
        "bad deprived deciles",
        "indicators: {deprived_deciles: [0, 11]}\nanchors:\n  - {id: a, name: A, type: police}\n",
        "deprived_deciles must be distinct deciles 1-10",
    ),
]


@pytest.mark.parametrize("label, body, message", COLLAB_CASES, ids=[c[0] for c in COLLAB_CASES])
def test_bad_collaborative_yaml(fixture_data, tmp_path, label, body, message):
    path = _yaml(tmp_path, "id: t\nname: T\nplace: {name: H, lads: [E07000120]}\n" + body)
    with pytest.raises(CollaborativeError) as exc:
        load_collaborative(path)
    assert str(path) in str(exc.value) and message in str(exc.value)


def test_ledger_path_outside_the_project(fixture_data, tmp_path):
    outside = _yaml(tmp_path, "Supplier,Amount,Date\nA,1,01/04/2022\n", "p.csv")
    c = load_collaborative(
        _yaml(
            tmp_path,
            "id: t\nname: T\nplace: {name: H, lads: [E07000120]}\nanchors:\n"
            f"  - {{id: a, name: A, type: police, ledger: {{files: ['{outside}']}}}}\n",
        )
    )
    with pytest.raises(
        CollaborativeError, match=r"p\.csv is outside the project and the data roots"
    ):
        c.ledger_files(c.anchors[0])


def test_place_yaml_that_is_not_yaml(fixture_data, tmp_path):
    with pytest.raises(PlaceError, match="not valid YAML"):
        load_place(_yaml(tmp_path, "name: [unclosed\n"))


def test_corrupted_reference_file_is_a_checksum_error(fixture_data, tmp_path, monkeypatch):
    target = tmp_path / "reference" / "lookup_lad24_region24.csv"
    target.parent.mkdir(parents=True)
    shutil.copy(fixture_data / "reference" / "lookup_lad24_region24.csv", target)
    target.write_bytes(target.read_bytes()[:-10])
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path))
    with pytest.raises(ChecksumMismatchError, match="lookup_lad24_region"):
        resolve("lookup_lad24_region")


def test_missing_reference_file_says_where_to_download(fixture_data, tmp_path, monkeypatch):
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path))
    with pytest.raises(
        MissingSourceFileError, match="https://osdatahub.os.uk/downloads/open/CodePointOpen"
    ):
        resolve("codepoint_open")


def test_postcode_column_full_of_junk_is_invalid_not_guessed(fixture_data):
    got = locate_postcodes(["NOT A POSTCODE", "12345", "BB5 OAA", ""])
    assert got["status"].tolist() == ["invalid"] * 4
    assert got["lsoa21_code"].isna().all()


def test_register_with_repeated_ids_is_refused():
    led = pd.DataFrame({"anchor_id": ["a"], "supplier_name": ["Acme Ltd"], "amount_pence": [100]})
    prev = pd.DataFrame({"supplier_id": ["S1", "S1"], "canonical_name": ["Acme", "Beta"]})
    with pytest.raises(SupplierRegisterError, match="repeats supplier_id S1"):
        build_register(led, previous=prev)


# ---------------------------------------------- `anchor run` on bad input: nothing good overwritten
#
# A good site is published first (the fixture collaborative, id `fixture`: its ledger, supplier
# register and two reports).  Each bad input is then given to `anchor run` with the same outputs
# folder: the command gives its exact error and the good outputs stay byte-identical.  The
# collaborative files are in tests/data/bad/ (id `fixture`, so they aim at the same outputs; ledger
# paths relative to the file).

RUN_CASES = [
    # (case, collaborative file in tests/data/bad/ or None for the good one, extra arguments, exit
    #  status, the message, whether nothing at all may be written (else: the run is recorded, the
    #  outputs are kept))
    (
        "unknown anchor field",
        "collab_unknown_anchor_field.yml",
        [],
        2,
        "invalid collaborative:\n  anchor 'council': budget: unknown field (check the spelling; "
        "allowed fields are documented in anchorlib/config/collaborative.py)",
        True,
    ),
    (
        "unknown home LAD",
        "collab_unknown_home_lad.yml",
        [],
        2,
        "collab_unknown_home_lad.yml: anchor 'council': home_lad: unknown LAD 2024 code "
        "'E07009999'",
        True,
    ),
    (
        "unknown LAD in the place",
        "collab_place_unknown_lad.yml",
        [],
        2,
        "collab_place_unknown_lad.yml: place 'Hyndburn and Burnley': unknown LAD code "
        "'E07009998'. Codes are ONS GSS codes",
        True,
    ),
    ("not YAML", "collab_not_yaml.yml", [], 2, "collab_not_yaml.yml: not valid YAML", True),
    (
        "ledger path outside the project",
        "collab_ledger_outside_project.yml",
        ["--only", "place_baseline"],
        1,
        "FAILED: shared assets: CollaborativeError: ",
        False,
    ),
    (
        "notebook parameter of the wrong type",
        None,
        ["--only", "anchor_spend-council", "-p", 'anchor_spend-council:suppliers_listed="20"'],
        1,
        "FAILED anchor_spend-council: ParameterError: anchor_spend: parameter 'suppliers_listed' "
        "must be int, got str '20'",
        False,
    ),
    (
        "notebook parameter that is not YAML",
        None,
        ["-p", "suppliers_listed=[1,"],
        2,
        "error: --param 'suppliers_listed=[1,': the value is not valid YAML",
        True,
    ),
    (
        "notebook parameter no notebook has",
        None,
        ["-p", "suppliers_listd=5"],
        2,
        "error: --param suppliers_listd: no report notebook has a parameter 'suppliers_listd'",
        True,
    ),
    (
        "notebook parameter pointing a report at another collaborative",
        None,
        ["-p", "anchor_spend:collaborative=collaboratives/lancashire.yml"],
        2,
        "error: --param collaborative: set by anchor run for every report (the collaborative "
        "file being run: run that other file instead); it cannot be overridden",
        True,
    ),
]


def _tree(root) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".run.lock"
    }


@pytest.fixture(scope="module")
def good_site(tmp_path_factory, fixture_cache):
    from conftest import SITE_FIXTURE_COLLAB, clear_anchorlib_caches, fixture_env

    mp = fixture_env(pytest.MonkeyPatch(), fixture_cache)
    root = tmp_path_factory.mktemp("good-site")
    collab = root / "fixture.yml"
    collab.write_text(
        SITE_FIXTURE_COLLAB.format(ledgers=ROOT / "tests" / "data" / "ledgers").replace(
            "simulate_staff: true\n", ""
        )
    )
    out = root / "outputs"
    res = CliRunner().invoke(
        app,
        [
            "run",
            str(collab),
            "--outputs",
            str(out),
            "-q",
            "-w",
            "2",
            "--only",
            "place_baseline",
            "--only",
            "anchor_spend-council",
        ],
    )
    assert res.exit_code == 0, res.output
    site = out / "fixture"
    good = {
        name: site / name
        for name in (
            "data/ledger.parquet",
            "data/suppliers.csv",
            "data/suppliers.xlsx",
            "reports/anchor_spend-council/index.html",
            "reports/place_baseline/index.html",
        )
    }
    assert all(p.is_file() for p in good.values())
    yield {"collab": collab, "out": out, "site": site, "good": good}
    mp.undo()
    clear_anchorlib_caches()


@pytest.mark.parametrize(
    "case, collab, args, status, message, nothing_written", RUN_CASES, ids=[c[0] for c in RUN_CASES]
)
def test_anchor_run_on_bad_input_gives_its_error_and_keeps_the_good_outputs(
    good_site, case, collab, args, status, message, nothing_written
):
    path = BAD / collab if collab else good_site["collab"]
    before = _tree(good_site["out"])
    published = {rel: before[rel] for rel in before if rel.startswith("fixture/reports/")}
    res = CliRunner().invoke(
        app, ["run", str(path), "--outputs", str(good_site["out"]), "-q", "-w", "1", *args]
    )
    assert res.exit_code == status, res.output
    assert message in res.output, res.output
    after = _tree(good_site["out"])
    if nothing_written:
        assert after == before
    else:  # the run is recorded (manifest, index pages); every good output is kept, byte for byte
        assert {rel: after.get(rel) for rel in published} == published
        for p in good_site["good"].values():
            rel = p.relative_to(good_site["out"]).as_posix()
            assert after[rel] == before[rel], rel
    if case == "ledger path outside the project":
        assert "/etc/passwd is outside the project and the data roots; copy it under" in res.output
        rec = {
            r["id"]: r
            for r in json.loads((good_site["site"] / "manifest.json").read_text())["reports"]
        }
        assert rec["place_baseline"]["status"] == "not_run" and rec["place_baseline"]["published"]
    if case == "notebook parameter of the wrong type":
        assert (good_site["site"] / "failed" / "anchor_spend-council.ipynb").is_file()


def test_anchor_run_refuses_an_outputs_folder_it_did_not_write(good_site, tmp_path):
    """A path outside the project: `--outputs` is where the site is published (ROOT/index.html,
    ROOT/<id>/). It must be new, empty, or a folder an earlier `anchor run` wrote; a folder of other
    files (say `--outputs docs`) is refused before anything is written, so its index.html is never
    replaced."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.html").write_text("<html><body>Our team's pages</body></html>")
    (docs / "notes.md").write_text("# notes\n")
    before = _tree(docs)
    res = CliRunner().invoke(app, ["run", str(good_site["collab"]), "--outputs", str(docs), "-q"])
    assert res.exit_code == 2, res.output
    assert (
        f"error: {good_site['collab']}: --outputs {docs}: not an anchor outputs folder (it holds "
        "files `anchor run` did not write: index.html, notes.md); nothing was written."
    ) in res.output, res.output
    assert _tree(docs) == before and not (docs / "fixture").exists()
    # a folder anchor wrote, a new one and an empty one are all accepted (checked without running)
    from anchorlib.run.site import check_outputs_folder

    for ok in (good_site["out"], tmp_path / "new", tmp_path):
        if ok == tmp_path:
            shutil.rmtree(docs)
        check_outputs_folder(ok)
