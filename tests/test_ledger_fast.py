"""The vectorised CSV reader (anchorlib.ledgers.arrow) gives exactly what the row reader gives.

Every comparison reads the same file twice, once with the fast path off
(ANCHOR_LEDGER_FAST=0: the row-by-row reader) and once column-wise, and
compares ledger, rejects, reconciliation, column mapping and warnings.  Small
Arrow blocks make the generated files span many blocks.  No timings here:
``make bench`` measures speed.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from pandas.testing import assert_frame_equal
from support.ledger_gen import generate_ledger

from anchorlib.ledgers import arrow as A
from anchorlib.ledgers import canonical as L
from anchorlib.ledgers import duplicates as D
from anchorlib.ledgers import schema as S
from anchorlib.ledgers import values as V
from anchorlib.ledgers.parse import (
    REDACTED_KEY,
    is_redacted,
    normalise_supplier_name,
    parse_amount,
)
from anchorlib.ledgers.read import LedgerError, LedgerMappingError
from anchorlib.ledgers.rows import read_rows

DATA = Path(__file__).parent / "data" / "ledgers"
SHARED_LEDGERS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ledgers" / "lancashire"
HYNDBURN = SHARED_LEDGERS / "hyndburn"


def row_reader(path, columns=None, anchor="t"):
    """The row reader's (ledger, rejects, rows_in, total_in, mappings, warnings) for one file."""
    got = read_rows(Path(path), str(path), anchor, columns)
    return (got.ledger, got.rejects, got.rows_in, got.total_in, got.mappings, got.warnings)


def assert_same(path, columns=None, block_size=None, expect_fast=True):
    """The fast reader's result for path equals the row reader's (or it declines, when
    expect_fast=False)."""
    fast = A.read_csv_fast(path, str(path), "t", columns, block_size=block_size)
    if not expect_fast:
        assert fast is None, "the fast path should leave this file to the row reader"
        return None
    assert fast is not None, A.fallback_reason(path, columns, block_size)
    ledger, rejects, rows_in, total_in, mappings, warnings = row_reader(path, columns)
    assert_frame_equal(fast.ledger, ledger, check_exact=True)
    assert_frame_equal(fast.rejects, rejects, check_exact=True)
    assert (fast.rows_in, fast.total_in) == (rows_in, total_in)
    assert fast.mappings == mappings
    assert fast.warnings == warnings
    return fast


def assert_same_public(paths, monkeypatch, columns=None):
    """read_ledgers with and without the fast path: the same LedgerResult."""
    monkeypatch.setenv("ANCHOR_LEDGER_FAST", "0")
    slow = L.read_ledgers(paths, "t", columns=columns, progress=False)
    monkeypatch.setenv("ANCHOR_LEDGER_FAST", "1")
    fast = L.read_ledgers(paths, "t", columns=columns, progress=False)
    for name in ("ledger", "rejects", "reconciliation", "mappings"):
        assert_frame_equal(getattr(fast, name), getattr(slow, name), check_exact=True)
    assert fast.warnings == slow.warnings
    return fast


def write(tmp_path, name, text, encoding="utf-8", newline="\r\n") -> Path:
    p = tmp_path / name
    p.write_bytes(text.replace("\n", newline).encode(encoding))
    return p


# --------------------------------------------------------------------------- the hand-made files


@pytest.mark.parametrize(
    "name", sorted(p.name for p in DATA.glob("*.csv") if p.name != "ambiguous.csv")
)
def test_hand_made_files_identical(name, monkeypatch):
    assert_same_public([DATA / name], monkeypatch)
    falls_back = {
        "us_dates_repeated_header.csv"
    }  # a repeated header row: sections are the row reader's
    assert_same(DATA / name, expect_fast=name not in falls_back)


def test_all_hand_made_files_together_and_errors_unchanged(monkeypatch):
    files = sorted(p for p in DATA.glob("*.csv") if p.name != "ambiguous.csv")
    assert_same_public(files, monkeypatch)
    with pytest.raises(LedgerMappingError, match="cannot decide"):
        L.read_ledger_file(DATA / "ambiguous.csv", "t")
    assert_same_public([DATA / "ambiguous.csv"], monkeypatch, columns={"supplier_name": "Vendor"})
    assert_same(DATA / "ambiguous.csv", columns={"supplier_name": "Vendor"})


# --------------------------------------------------------------------------- generated ledgers


@pytest.mark.parametrize(
    "rows, seed, encoding, bom",
    [
        (1, 0, "cp1252", False),
        (60, 1, "utf-8", False),
        (2_000, 2, "cp1252", False),
        (5_000, 3, "utf-8", True),
        (40_000, 4, "cp1252", False),
    ],
)
def test_generated_ledgers_identical(tmp_path, rows, seed, encoding, bom):
    meta = generate_ledger(
        tmp_path / "gen.csv", rows, seed=seed, encoding=encoding, bom=bom, junk_rate=0.01
    )
    fast = assert_same(tmp_path / "gen.csv", block_size=64 << 10)  # many Arrow blocks
    assert len(fast.ledger) == meta["payments"]
    assert int(fast.ledger["amount_pence"].sum()) == meta["total_pence"]
    assert (
        fast.total_in == 2 * meta["total_pence"] + meta["junk_pence"]
    )  # payments, junk, the total line


def test_generator_is_deterministic_and_messy(tmp_path):
    a = generate_ledger(tmp_path / "a.csv", 3_000, seed=7)
    b = generate_ledger(tmp_path / "b.csv", 3_000, seed=7)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert a["total_pence"] == b["total_pence"] and a["payments"] < 3_000
    raw = (tmp_path / "a.csv").read_bytes()
    assert b"\xa3" in raw  # cp1252 pound signs
    text = raw.decode("cp1252")
    for form in ('"£', "(", "-£", " CR", "REDACTED", "Total,,,,,,"):
        assert form in text
    assert (tmp_path / "c.csv").exists() is False
    generate_ledger(tmp_path / "c.csv", 10, seed=1, encoding="utf-8", bom=True)
    assert (tmp_path / "c.csv").read_bytes().startswith(codecs.BOM_UTF8)


def test_read_ledger_file_on_a_generated_ledger(tmp_path, monkeypatch):
    generate_ledger(tmp_path / "g.csv", 20_000, seed=11, junk_rate=0.005)
    fast = assert_same_public([tmp_path / "g.csv"], monkeypatch)
    rec = fast.reconciliation.iloc[0]
    assert (
        rec["difference_pence"] == 0 and rec["rows_in"] == rec["rows_ledger"] + rec["rows_rejected"]
    )


# ------------------------------------------------------------------------ edge cases, one file each

HEADER = "Supplier Name,Payment Date,Net Amount,Description,Transaction ID,Expense Type\n"


def test_amount_forms(tmp_path):
    forms = [
        "£1,234.56",
        "1234.5",
        "(1,234.56)",
        "-1234.56",
        "-£1,234.56",
        "£-1,234.56",
        "1,234.56-",
        "1,234.56 CR",
        "1,234.56 DR",
        " £ 12 ",
        "GBP 12.30",
        "1.2345E+05",
        "0.005",
        "-",
        "--",
        "\u22121.00",
        "(-12.00)",
        "(12)-",
        "-12-",
        "(£-1.00)",
        "12.",
        ".5",
        "0012.50",
        "1,23",
        "1.234,56",
        "$100",
        "€100",
        "12abc",
        "TBC",
        "1,2345.00",
        "(12",
        "12)",
        "£",
        "+12",
        "١٢",
        "99999999999999.99",
        "1,000,000,000,000.00",
        "12.345",
        "1,234.5 cr",
        "£(12)",
        "-(12)",
        "Â£12.00",
        "12 000",
        "\xa012.00",
        "n/a",
        "",
    ]
    body = "".join(f'Acme Ltd,01/04/2022,"{a}",d{i},T{i},Cat\n' for i, a in enumerate(forms))
    p = write(tmp_path, "amounts.csv", HEADER + body)
    fast = assert_same(p)
    readable = [a for a in forms if _parses(a)]
    assert len(fast.ledger) == len(readable)  # every other form is a reject
    assert fast.ledger["amount_pence"].tolist() == [parse_amount(a) for a in readable]


def _parses(text) -> bool:
    try:
        return parse_amount(text) is not None
    except ValueError:
        return False


def test_whitespace_and_unicode_cells(tmp_path):
    rows = [
        "  Acme   Widgets  Ltd ,01/04/2022,10.00,  lots   of   space  , T1 ,Equipment",
        "Caf\u00e9 Rouge\u00a0Ltd,02/04/2022,11.00,nbsp\u00a0inside,T2,Catering",
        "Tab\tCo Ltd,03/04/2022,12.00,tab\there,T3,\u2003em space",
        "\u212aelvin Ltd,04/04/2022,13.00,\u0130stanbul,T4,\u00dfig",
        "Sep\x1cCo,05/04/2022,14.00,sep\x1dchars,\x1eT5,\x1f",
        "Trailing Ltd,06/04/2022,15.00,ends with nbsp\u00a0,T6,x\u3000",
        '"Multi\nLine Ltd",07/04/2022,16.00,"line\r\nbreak\rand\nmore",T7,Cat',
        "O'Neill & Sons (UK) Limited (12345),08/04/2022,17.00,d,T8,Cat",
        "The Acme Co. Ltd.,09/04/2022,18.00,d,T9,Cat",
        "B.T. plc,10/04/2022,19.00,d,T10,Cat",
    ]
    p = write(tmp_path, "ws.csv", HEADER + "\n".join(rows) + "\n")
    fast = assert_same(p)
    # the 7th record spans 6 lines: one break in its supplier, four in its description ('\r',
    # '\r\r\n' ...)
    assert fast.ledger["source_row"].tolist() == [2, 3, 4, 5, 6, 7, 8, 14, 15, 16]


def test_blank_padding_notes_totals_and_missing_values(tmp_path):
    text = (
        "\n,,,,,\n"  # blank lines above the title: padding, not rows
        "Council payments over £500,,,,,\n,,,,,\n"
        + HEADER
        + "Acme Ltd,01/04/2022,10.00,d,T1,Cat\n,,,,,\n   ,  , ,\t,,\n"
        "Total,,,,,\nSub-total for April,,,20.00,,\n,,123.45,,,\n"
        "Total Hygiene Ltd,02/04/2022,30.00,d,T2,Cat\nREDACTED,03/04/2022,40.00,d,T3,Cat\n"
        ",04/04/2022,50.00,d,T4,Cat\nAcme Ltd,,60.00,d,T5,Cat\nAcme Ltd,31/02/2022,70.00,d,T6,Cat\n"
        "Acme Ltd,05/04/2022,,d,T7,Cat\nAcme Ltd,06/04/2022,n/a,d,T8,Cat\n"
        "Note: all figures exclude VAT,,,,,\n"
        ",,,,,\n,,,,,\n"  # padding below
    )
    p = write(tmp_path, "messy.csv", text, encoding="cp1252")
    fast = assert_same(p)
    assert set(fast.rejects["reason"]) >= {
        "blank_row",
        "note_row",
        "total_row",
        "missing_supplier",
        "missing_date",
        "unparseable_date",
        "missing_amount",
        "unparseable_amount",
    }


def test_repeated_header_cells_in_a_data_row(tmp_path):
    # two cells equal to their headers: a repeated header; one is not
    text = (
        HEADER + "Acme Ltd,01/04/2022,10.00,d,T1,Cat\nSupplier Name,Payment Date,10.00,d,T2,Cat\n"
        "Supplier  name!,01/04/2022,11.00,DESCRIPTION,T3,Cat\n"
        "acme,02/04/2022,12.00,Description,T4,Cat\n"
    )
    assert_same(write(tmp_path, "rep.csv", text))


@pytest.mark.parametrize(
    "dates",
    [
        ["04/13/2022", "04/14/2022", "05/01/2022"],  # month first: a second part above 12
        ["13/04/2022", "04/13/2022"],  # both: day first, the second is unreadable
        [
            "01/04/2022",
            "02/04/2022",
            "2022-04-03",
            "3 April 2022",
            "44652",
            "20220401",
            "Friday, 1 April 2022",
        ],
        ["05/06/22", "7-Jun-22", "01.04.2022 13:45", "April 1, 2022"],
    ],
)
def test_date_orders(tmp_path, dates):
    body = "".join(f'Acme Ltd,"{d}",10.00,d,T{i},Cat\n' for i, d in enumerate(dates * 3))
    assert_same(write(tmp_path, "dates.csv", HEADER + body), block_size=1 << 10)


def test_month_first_file_over_many_blocks(tmp_path):
    rng = np.random.default_rng(3)
    body = "".join(
        f"Supplier {k % 97} Ltd,{m:02d}/{d:02d}/2023,{k}.50,desc {k},T{k},Cat\n"
        for k, (m, d) in enumerate(zip(rng.integers(1, 13, 3000), rng.integers(1, 29, 3000)))
    )
    assert_same(write(tmp_path, "us.csv", HEADER + body), block_size=16 << 10)


def test_encodings(tmp_path):
    text = (
        HEADER + "Café Rouge Ltd,01/04/2022,£10.00,crème brûlée,T1,Catering\n"
        "Acme Ltd,02/04/2022,£11.00,d,T2,Cat\n"
    )
    assert_same(write(tmp_path, "cp1252.csv", text, encoding="cp1252"))
    assert_same(write(tmp_path, "utf8.csv", text, encoding="utf-8"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    assert_same(bom)
    cp850 = tmp_path / "cp850.csv"
    cp850.write_bytes(text.replace("é", "e").replace("è", "e").replace("û", "u").encode("cp850"))
    assert_same(cp850)
    # valid UTF-8 in the head, a Windows-1252 byte far below: read again as Windows-1252
    late = HEADER + "".join(f"Caf\u00e9 {i} Ltd,01/04/2022,10.00,d,T{i},Cat\n" for i in range(3000))
    raw = late.encode("utf-8") + "Zoë Ltd,01/04/2022,£5.00,d,T,Cat\n".encode("cp1252")
    (tmp_path / "late.csv").write_bytes(raw)
    assert_same(tmp_path / "late.csv", block_size=16 << 10)
    # undefined Windows-1252 bytes are kept as Latin-1 characters
    (tmp_path / "undef.csv").write_bytes(
        HEADER.encode() + b"Acme \x81\x8d Ltd,01/04/2022,\xa310.00,d\x9d,T1,Cat\n"
    )
    assert_same(tmp_path / "undef.csv")


@pytest.mark.parametrize(
    "case", ["ragged", "bom_invalid", "nul", "utf16", "sections", "no_header_in_head"]
)
def test_files_left_to_the_row_reader(tmp_path, monkeypatch, case):
    if case == "ragged":
        p = write(
            tmp_path,
            "x.csv",
            HEADER + "Acme Ltd,01/04/2022,10.00\nB Ltd,02/04/2022,11.00,d,T2,Cat\n",
        )
    elif case == "bom_invalid":
        p = tmp_path / "x.csv"
        p.write_bytes(
            codecs.BOM_UTF8 + HEADER.encode() + b"Acme \xff Ltd,01/04/2022,10.00,d,T1,Cat\n"
        )
    elif case == "nul":
        p = tmp_path / "x.csv"
        p.write_bytes(HEADER.encode() + b"Acme\x00 Ltd,01/04/2022,10.00,d,T1,Cat\n")
    elif case == "utf16":
        p = tmp_path / "x.csv"
        p.write_bytes((HEADER + "Acme Ltd,01/04/2022,10.00,d,T1,Cat\n").encode("utf-16"))
    elif case == "sections":
        p = write(
            tmp_path,
            "x.csv",
            HEADER + "Acme Ltd,01/04/2022,10.00,d,T1,Cat\n"
            "Transaction ID,Supplier Name,Amount,Date,Description,Expense Type\n"
            "T2,B Ltd,11.00,02/04/2022,d,Cat\n",
        )
    else:
        p = write(
            tmp_path,
            "x.csv",
            "title,,,,,\n" * (A.HEAD_ROWS + 5) + HEADER + "Acme Ltd,01/04/2022,10.00,d,T1,Cat\n",
        )
    assert_same(p, expect_fast=False)
    assert_same_public([p], monkeypatch)


def test_tied_columns_and_overrides(tmp_path, monkeypatch):
    text = (
        "Supplier Name,Payment Date,Net Amount,Description,Description,Reference\n"
        "Acme Ltd,01/04/2022,10.00,,second,R1\nB Ltd,02/04/2022,11.00,,other,R2\n"
    )
    p = write(tmp_path, "tie.csv", text)
    assert_same_public([p], monkeypatch)
    assert_same_public(
        [p],
        monkeypatch,
        columns={"amount": "Net Amount", "payment_date": ["Paid on", "Payment Date"]},
    )


def test_header_below_title_rows_and_data_above_it(tmp_path, monkeypatch):
    p = write(
        tmp_path,
        "bottom.csv",
        "Acme Ltd,01/04/2022,10.00,d,T1,Cat\n" + HEADER + "B Ltd,02/04/2022,11.00,d,T2,Cat\n",
    )
    assert_same(p)
    assert_same_public([p], monkeypatch)


@pytest.mark.parametrize("over", [1, 3, 30])
def test_cells_beyond_the_header(tmp_path, monkeypatch, over):
    # the header names 6 columns, the rows have 7 fields: values in the 7th are a shifted row
    # (rejected) when they are the exception, an unnamed column (kept) when they are the rule
    header = HEADER.rstrip("\n") + ",\n"
    body = "".join(
        f"Acme {i} Ltd,01/04/2022,{i}.00,d,T{i},Cat," + ("x" if i < over else "") + "\n"
        for i in range(40)
    )
    p = write(tmp_path, "over.csv", "Title,,,,,,\n" + header + body, encoding="cp1252")
    fast = assert_same(p, block_size=1 << 10)
    assert_same_public([p], monkeypatch)
    assert (fast.rejects["reason"] == "wrong_field_count").sum() == (over if over < 21 else 0)


BAD = Path(__file__).parent / "data" / "bad"


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.glob("*.csv")) if BAD.is_dir() else [])
def test_bad_input_corpus_unchanged(name, monkeypatch):
    """Files that the row reader refuses or reads with rejects: the same outcome with the fast path
    on."""
    path = BAD / name
    outcomes = []
    for flag in ("0", "1"):
        monkeypatch.setenv("ANCHOR_LEDGER_FAST", flag)
        try:
            r = L.read_ledger_file(path, "t")
            outcomes.append((r.ledger, r.rejects, r.reconciliation, r.warnings))
        except LedgerError as exc:
            outcomes.append((type(exc), str(exc)))
    if len(outcomes[0]) == 2:
        assert outcomes[0] == outcomes[1]
    else:
        for a, b in zip(outcomes[0][:3], outcomes[1][:3]):
            assert_frame_equal(a, b, check_exact=True)
        assert outcomes[0][3] == outcomes[1][3]


# -------------------------------------------------------------------- the real Lancashire CSV files


@pytest.mark.shared
def test_every_real_hyndburn_csv_identical(monkeypatch):
    if not HYNDBURN.is_dir():
        pytest.skip("the real data bundle ../shared/data is not on this machine")
    files = sorted(HYNDBURN.glob("*.csv"))
    assert files
    for f in files:
        assert_same(f)  # each file read column-wise, none left to the row reader
    assert_same_public(files, monkeypatch)


# ----------------------------------------------------------------------- supplier keys, column-wise

TRICKY_NAMES = [
    "Acme Widgets Ltd",
    "ACME WIDGETS LIMITED",
    "The Acme Widgets Co. Ltd.",
    "Smith & Sons plc",
    "Smith & Co",
    "Jones LLP",
    "O'Neill's Bakery",
    "B.T. plc",
    "Café Rouge",
    "  insight   direct (uk) ltd ",
    "Lancashire County Council (200398)",
    "The Coach Company",
    "Limited Editions Ltd",
    "Co-op Group Ltd",
    "The",
    "LTD",
    "REDACTED",
    "Personal data",
    "Redacted – personal information",
    "Redactive Publishing Ltd",
    "Personal Alarms Ltd",
    "THIRD PARTY",
    "XXXXX",
    "",
    "Total",
    "Grand Total:",
    "Sub-total for April",
    "Total Hygiene Ltd",
    "TotalEnergies",
    "Totals (April)",
    "total of",
    "AND CO",
    "Smith and Co",
    "X LTD LTD",
    "Acme Public Limited Company",
    "Acme Community Interest Company",
    "A + B Ltd",
    "Private individual",
    "an individual",
    "3rd party supplier",
    "Name withheld",
    "GDPR",
    "data protection",
    "* * *",
    "...",
    "x-x",
    "Not disclosed.",
    "Acme [123]",
    "Acme (12) Ltd",
    "Acme ( 12 )",
    "!!!",
    "&",
    "the the",
    "Acme`s Ltd",
    "Acme\tLtd",
    "Acme\x1cLtd",
    "ACME\u00a0LTD",
    "\u212aelvin Ltd",
    "Stra\u00dfe GmbH",
    "Zo\u00eb BV",
]


def test_supplier_values_match_the_python_functions():
    got = V.supplier_values(pa.array(TRICKY_NAMES))
    from anchorlib.core.normalise import clean_text

    for i, raw in enumerate(TRICKY_NAMES):
        name = clean_text(raw)
        assert got["name"][i].as_py() == name, raw
        if name is None:
            continue
        assert got["redacted"][i] == is_redacted(name), raw
        assert got["key"][i].as_py() == (
            REDACTED_KEY if is_redacted(name) else normalise_supplier_name(name)
        ), raw
        assert got["ok"][i] == (not S.TOTAL.match(name)), raw


@pytest.mark.shared
def test_supplier_values_on_every_real_supplier_name():
    if not SHARED_LEDGERS.is_dir():
        pytest.skip("the real data bundle ../shared/data is not on this machine")
    names = set()
    for folder in ("hyndburn", "lancashire_pcc", "lancashire_fire"):
        files = sorted(p for p in (SHARED_LEDGERS / folder).iterdir() if p.is_file())
        names |= set(L.read_ledgers(files, folder, progress=False).ledger["supplier_name"].dropna())
    names = sorted(names)
    assert len(names) > 1000
    got = V.supplier_values(pa.array(names))
    keys = got["key"].to_pylist()
    for i, name in enumerate(names):
        r = is_redacted(name)
        assert got["redacted"][i] == r, name
        assert keys[i] == (REDACTED_KEY if r else normalise_supplier_name(name)), name
        assert got["ok"][i] == (not S.TOTAL.match(name)), name


def test_supplier_values_on_random_text():
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    tokens = st.sampled_from(
        list("abcXYZ &+.'`-()[]0129 \t")
        + [
            "LTD",
            " Ltd",
            " CO",
            "THE ",
            "Total",
            " for",
            "redacted",
            "\u00e9",
            "\u00a0",
            "PLC",
            "AND ",
        ]
    )
    names = st.lists(tokens, max_size=10).map("".join)

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.lists(names, min_size=1, max_size=20))
    def check(values):
        from anchorlib.core.normalise import clean_text

        got = V.supplier_values(pa.array(values))
        for i, raw in enumerate(values):
            name = clean_text(raw)
            assert got["name"][i].as_py() == name
            if name is not None:
                r = is_redacted(name)
                assert got["key"][i].as_py() == (
                    REDACTED_KEY if r else normalise_supplier_name(name)
                )
                assert got["ok"][i] == (not S.TOTAL.match(name))

    check()


def test_random_cells_identical(tmp_path):
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies
    cells = st.sampled_from(
        [
            "",
            " ",
            "Acme Ltd",
            " Acme  Ltd ",
            "REDACTED",
            "Total",
            "Supplier Name",
            "Payment Date",
            "£1,234.56",
            "(12.00)",
            "-12.5",
            "12-",
            "1,23",
            "n/a",
            "01/04/2022",
            "13/04/2022",
            "04/13/2022",
            "31/02/2022",
            "2022-04-01",
            "44652",
            '"quoted, comma"',
            '"two\nlines"',
            "Caf\u00e9",
            "\u00a0",
            "Net Amount",
            "d",
            "T1",
            "1 CR",
            "Sub-total for May",
        ]
    )

    @hypothesis.settings(max_examples=60, deadline=None)
    @hypothesis.given(
        st.lists(st.lists(cells, min_size=6, max_size=6), min_size=1, max_size=25),
        st.sampled_from(["utf-8", "cp1252"]),
    )
    def check(rows, encoding):
        p = tmp_path / "h.csv"
        p.write_bytes((HEADER + "".join(",".join(r) + "\n" for r in rows)).encode(encoding))
        try:
            expected = row_reader(p)
        except LedgerError:
            assert A.read_csv_fast(p, str(p), "t") is None or True
            return
        fast = A.read_csv_fast(p, str(p), "t", block_size=1 << 10)
        if fast is None:
            return  # left to the row reader (e.g. a second header row)
        assert_frame_equal(fast.ledger, expected[0], check_exact=True)
        assert_frame_equal(fast.rejects, expected[1], check_exact=True)
        assert (fast.rows_in, fast.total_in, fast.mappings, fast.warnings) == expected[2:]

    check()


# -------------------------------------------------------------------------- duplicates, column-wise


def _ledger_of(paths, monkeypatch):
    monkeypatch.setenv("ANCHOR_LEDGER_FAST", "0")
    led = L.read_ledgers(paths, "t", progress=False).ledger
    monkeypatch.setenv("ANCHOR_LEDGER_FAST", "1")
    return led.assign(is_duplicate=False, duplicate_of=pd.Series([None] * len(led), dtype="str"))


def assert_same_duplicates(ledger):
    monkey = pytest.MonkeyPatch()
    monkey.setenv("ANCHOR_LEDGER_FAST", "0")  # the row version whatever the size
    try:
        slow, w_slow = D.flag_duplicates(ledger)
    finally:
        monkey.undo()
    fast, w_fast = D.flag_duplicates_columnwise(ledger)
    assert_frame_equal(fast, slow, check_exact=True)
    assert w_fast == w_slow
    return fast, w_fast


def test_flag_duplicates_column_wise(monkeypatch, tmp_path):
    led = _ledger_of(
        [DATA / "overlap_a.csv", DATA / "overlap_b.csv", DATA / "overlap_a.csv"], monkeypatch
    )
    assert_same_duplicates(led)
    copy = tmp_path / "copy.csv"
    copy.write_bytes((DATA / "overlap_a.csv").read_bytes())
    fast, _ = assert_same_duplicates(
        _ledger_of([DATA / "overlap_a.csv", copy, DATA / "overlap_b.csv"], monkeypatch)
    )
    assert fast["is_duplicate"].sum() == 5 + 2
    # generated rows republished with case and spacing changes, files interleaved, sheets named
    generate_ledger(tmp_path / "g.csv", 3_000, seed=5)
    base = _ledger_of([tmp_path / "g.csv"], monkeypatch)
    again = base.sample(800, random_state=1).assign(source_file="again.csv")
    again["description"] = again["description"].str.upper().str.replace(" ", "  ")
    sheeted = base.sample(300, random_state=2).assign(source_file="book.xlsx", source_sheet="Apr")
    mixed = pd.concat(
        [base, again, sheeted, base.sample(200, random_state=3).assign(transaction_id=None)],
        ignore_index=True,
    )
    assert_same_duplicates(mixed)
    assert_same_duplicates(mixed.sample(frac=1, random_state=4).reset_index(drop=True))
    assert_same_duplicates(mixed.iloc[:0])


@pytest.mark.shared
def test_flag_duplicates_on_the_real_hyndburn_ledger(monkeypatch):
    if not HYNDBURN.is_dir():
        pytest.skip("the real data bundle ../shared/data is not on this machine")
    assert_same_duplicates(_ledger_of(sorted(HYNDBURN.glob("*.csv")), monkeypatch))


# --------------------------------------------------------------------------- dates, column-wise


def test_vector_dates_match_parse_date():
    import datetime as dt

    from support.ledger_gen import date_pool

    from anchorlib.ledgers.parse import NUMERIC_DATE, parse_date

    values = (
        date_pool(dt.date(1989, 1, 1), 200)
        + date_pool(dt.date(2023, 12, 1), 1500)
        + [
            "31/02/2022",
            "00/01/2022",
            "1/13/2022",
            "13/13/2022",
            "29/02/2023",
            "29/02/2024",
            "2022-13-01",
            "2022-02-30",
            "1-Foo-22",
            "1-Sept-22",
            "1 SEPTEMBER 2022",
            "01/04/69",
            "01/04/70",
            "01/04/1989",
            "01/04/2100",
            "20220230",
            "20221301",
            "24999",
            "25000",
            "75000",
            "75001",
            "44652",
            "99999",
            "00000",
            "1-Apr-1989",
            "01.04.2022 13:45",
            "01/04/2022T10:00",
            "2022-04-01 10:00:00",
            "2022/4/1",
            "1/4/22",
            "01-04-2022 1:00",
            "32/01/2022",
            "01/04/2022 10:00 PM",
            " 01/04/2022",
            "01/04/2022 ",
            "01/04/2022  00:00",
            "Friday, 1 April 2022",
            "April 1, 2022",
            "1st April 2022",
            "",
            " ",
            "0/0/00",
            "12-Dec-99",
            "12-dec-00",
            "01/01/1990",
            "31/12/1989",
            "1-Apr-2022 10:00",
            "1 - Apr - 2022",
            "1-Apr.-2022",
            "01/04/2022\t",
            "\u0661/04/2022",
            "1-\u212aov-2022",
        ]
    )
    values = list(dict.fromkeys(values))
    handled, ord_t, ord_f, first_big, second_big = V.vector_dates(pa.array(values))
    assert handled.sum() > 0.9 * len(values)
    for k, v in enumerate(values):
        if not handled[k]:
            continue
        for dayfirst, got in ((True, ord_t[k]), (False, ord_f[k])):
            try:
                d = parse_date(v, dayfirst)
                expected = -1 if d is None else d.toordinal()
            except ValueError:
                expected = -1
            assert got == expected, (v, dayfirst)
    numeric = [NUMERIC_DATE.match(v.strip()) for k, v in enumerate(values) if handled[k]]
    assert first_big == any(int(m[1]) > 12 for m in numeric if m)
    assert second_big == any(int(m[2]) > 12 for m in numeric if m)


@pytest.mark.parametrize("ratio, first_rows", [(0.0, 20_000), (1.0, 20_000), (0.5, 7), (0.0, 0)])
def test_plain_and_dictionary_columns_agree(tmp_path, monkeypatch, ratio, first_rows):
    # every column after the first block read cell by cell (0.0) or dictionary-encoded (1.0); the
    # head read on its own and the rest of the first block in parallel (first_rows: rows read with
    # the head)
    monkeypatch.setattr(A, "DICT_RATIO", ratio)
    monkeypatch.setattr(A, "FIRST_ROWS", first_rows)
    generate_ledger(tmp_path / "g.csv", 6_000, seed=21, encoding="cp1252", junk_rate=0.02)
    assert_same(tmp_path / "g.csv", block_size=32 << 10)
    generate_ledger(tmp_path / "u.csv", 3_000, seed=22, encoding="utf-8", junk_rate=0.02)
    assert_same(tmp_path / "u.csv", block_size=32 << 10)


def test_unreadable_dates_in_a_month_first_file(tmp_path):
    # the day/month order is decided at the end: messages of dates read column-wise are made then
    body = "".join(
        f"Acme {i} Ltd,{d},{i}.00,d,T{i},Cat\n"
        for i, d in enumerate(
            [
                "04/13/2022",
                "13/04/2022",
                "02/30/2022",
                "2022-02-30",
                "1-Foo-22",
                "44652",
                "99999",
                "05/06/1980",
            ]
            * 40
        )
    )
    fast = assert_same(write(tmp_path, "us.csv", HEADER + body), block_size=1 << 10)
    assert (fast.rejects["reason"] == "unparseable_date").sum() >= 5 * 40


def test_memory_pool_restored(tmp_path, monkeypatch):
    before = pa.default_memory_pool().backend_name
    with A._system_memory_pool():
        with A._system_memory_pool():
            assert pa.default_memory_pool().backend_name == "system"
        assert pa.default_memory_pool().backend_name == "system"
    assert pa.default_memory_pool().backend_name == before
    with A._system_memory_pool(A.POOL_MAX_BYTES + 1):  # a very large file: Arrow's default pool
        assert pa.default_memory_pool().backend_name == before
    generate_ledger(tmp_path / "g.csv", 500, seed=3)
    assert_same(tmp_path / "g.csv")
    assert pa.default_memory_pool().backend_name == before
    monkeypatch.setenv(
        "ANCHOR_LEDGER_POOL", "default"
    )  # Arrow's default pool throughout: the same result
    assert_same(tmp_path / "g.csv")


def test_constant_columns_kept_compact_until_the_end(tmp_path):
    """compact=True: anchor_id / source_file as Categoricals (a byte per row); expanded, they are
    the default frame's columns exactly (values, dtype, Arrow chunks: the same Parquet bytes)."""
    path = tmp_path / "g.csv"
    generate_ledger(path, 60_000, seed=5, junk_rate=0.01)
    plain = A.read_csv_fast(path, str(path), "t", block_size=1 << 18)
    compact = A.read_csv_fast(path, str(path), "t", block_size=1 << 18, compact=True)
    assert plain is not None and compact is not None
    for c in S.CONSTANT:
        assert isinstance(compact.ledger[c].dtype, pd.CategoricalDtype)
        assert plain.ledger[c].dtype == "str"
    expanded = S.expand_constants(compact.ledger)
    assert_frame_equal(expanded, plain.ledger, check_exact=True)
    for c in S.CONSTANT:
        a, b = pa.array(expanded[c]), pa.array(plain.ledger[c])
        assert a.type == b.type and [len(x) for x in a.chunks] == [len(x) for x in b.chunks]
        assert a.num_chunks > 1
    # the public readers: 'str' columns, several files (Categoricals of different files unified)
    other = tmp_path / "h.csv"
    generate_ledger(other, 1_000, seed=6)
    result = L.read_ledgers([path, other], "t", progress=False)
    assert (result.ledger.dtypes == L.read_ledger_file(path, "t").ledger.dtypes).all()
    assert result.ledger["source_file"].dtype == "str"
    assert list(dict.fromkeys(result.ledger["source_file"])) == [str(path), str(other)]
    assert (result.ledger["anchor_id"] == "t").all()
