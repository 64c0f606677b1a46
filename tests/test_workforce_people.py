"""Staff counted as people, not assignments (step 7 item 16): a person id is required and
deduplicated, NHS ESR assignment numbers are refused as person ids, an internal move is not a new
hire.  Hand-computed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from anchorlib.config.places import place_from_codes
from anchorlib.indicators.workforce import WorkforceOptions, workforce_indicators
from anchorlib.workforce.people import esr_assignment_number, people
from anchorlib.workforce.rates import WEEKS_PER_YEAR
from anchorlib.workforce.staff import StaffDataError, read_staff

RAW = dict(threshold=1, rounding=None, options=WorkforceOptions(pay_rounding=None, dominance=1.0))
YEAR_HOURS = 37 * WEEKS_PER_YEAR  # the default 37-hour week: 37 x 365/7 = 1,929.29 hours

HEADER = "Employee Number,Assignment Number,Home Postcode,FTE,Annual Pay,Hourly Rate,Start Date,"
HEADER += "Leaving Date\n"
# 2024-25: starters 1 April 2024 - 31 March 2025, in post on 31 March 2025; the Real Living Wage in
# force then is £12.00
EXTRACT = HEADER + (
    # P1: a substantive post and a second post (started in the year) paid £11.50 an hour
    "P1,P1-01,BB5 1DW,0.6,18000,,01/06/2015,\n"
    "P1,P1-02,BB5 1DW,0.4,,11.50,01/09/2024,\n"
    # P2: an internal move: the first post ends 31 August, the next starts 2 September
    "P2,P2-01,BB5 0DJ,1,30000,,01/05/2020,31/08/2024\n"
    "P2,P2-02,BB5 0DJ,1,33000,,02/09/2024,\n"
    # P3: left in 2019, re-hired in October 2024 (a new spell: a starter)
    "P3,P3-01,FY2 0DL,1,25000,,01/04/2019,30/06/2019\n"
    "P3,P3-02,FY2 0DL,1,26000,,01/10/2024,\n"
    # P4: a new hire
    "P4,P4-01,BB5 6HB,1,28000,,15/01/2025,\n"
)


@pytest.fixture
def hyndburn(fixture_data):
    return place_from_codes("E07000120")


def test_people_not_assignments_in_the_published_tables(hyndburn, tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text(EXTRACT)
    staff = read_staff(path, "council")
    assert len(staff) == 7 and staff["assignment"].tolist()[:2] == ["P1-01", "P1-02"]
    r = workforce_indicators(staff, hyndburn, "2024-25", **RAW)
    s = r["summary"].iloc[0]
    # rows on the books on 31 March 2025: P1-01, P1-02, P2-02, P3-02, P4-01 = 5; people = 4
    assert s["staff"] == 4
    t = r["staff_by_tier"].set_index("tier")
    # P1 counted once: FTE 0.6 + 0.4 = 1.0, pay 18,000 + 11.50 x 0.4 x 1,929.29 = 18,000 + 8,874.71
    # = 26,874.71; the people: P1 26,874.71 + P2 33,000 + P3 26,000 + P4 28,000 = 113,874.71
    assert t.loc["Total", "fte"] == pytest.approx(4.0)
    assert t.loc["Total", "pay"] == pytest.approx(18000 + 11.50 * 0.4 * YEAR_HOURS + 87000)
    # home tiers: P1, P2, P4 in Hyndburn (BB5), P3 in Blackpool (FY2: the wider North West)
    assert t.loc["place", "headcount"] == 3 and t.loc["wider", "headcount"] == 1
    rlw = r["rlw"].iloc[0]
    # P1 is paid below £12.00 in one of their posts (£11.50): below; P2 £17.10, P3 £13.48,
    # P4 £14.51 an hour: at or above
    assert rlw["at_or_above"] == 3 and rlw["below"] == 1
    # starters: P3 (re-hired after five years) and P4; not P1's second post nor P2's move
    # (counting rows would have given 4: P1-02, P2-02, P3-02, P4-01)
    assert r["impact_hires"].iloc[0]["starters"] == 2
    assert "people" in r["meta"] and "internal move" in r["meta"]["people"]


def _rows(*rows) -> pd.DataFrame:
    df = pd.DataFrame(
        rows, columns=["id", "start_date", "leaving_date", "fte", "annual_pay", "hourly_rate"]
    )
    df["anchor"] = "a"
    df["home_postcode"] = [f"PC{i}" for i in range(len(df))]
    df["simulated"] = False
    df["source_row"] = range(2, len(df) + 2)
    for c in ("start_date", "leaving_date"):
        df[c] = pd.to_datetime(df[c])
    return df


def test_a_move_within_a_week_is_not_a_new_hire():
    staff = _rows(
        # A: ends Friday 31 May 2024, next post Saturday 8 June (7 days between: 1-7 June): a move
        ("A", "2020-01-01", "2024-05-31", 1.0, 30000.0, 15.0),
        ("A", "2024-06-08", None, 1.0, 31000.0, 15.5),
        # B: ends 31 May, next post 9 June (8 days between): a new spell, a starter
        ("B", "2020-01-01", "2024-05-31", 1.0, 30000.0, 15.0),
        ("B", "2024-06-09", None, 1.0, 31000.0, 15.5),
        # C: a second post starting while the first runs, the first ending later: no hire
        ("C", "2019-01-01", "2024-12-31", 0.5, 15000.0, 15.0),
        ("C", "2024-07-01", None, 0.5, 16000.0, 11.0),
        # D: a first post starting in the year: a starter
        ("D", "2024-04-01", None, 1.0, 30000.0, 15.0),
    )
    rates = np.full(len(staff), 12.0)
    p = people(staff, pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31"), rates).set_index("id")
    assert p["starter"].to_dict() == {"A": False, "B": True, "C": False, "D": True}
    # on 31 March 2025 each person has one post running: C's first ended 31 December 2024, so C
    # is the second post (FTE 0.5, pay 16,000, £11.00 an hour: below £12.00), and C's home is the
    # second post's (PC5)
    assert p.loc["C", "fte"] == 0.5 and p.loc["C", "pay"] == 16000.0
    assert not p.loc["C", "at_rlw"] and p.loc["C", "home_postcode"] == "PC5"
    assert p.loc["A", "pay"] == 31000.0 and p.loc["A", "assignments"] == 1
    assert p["at_rlw"].sum() == 3 and p["on_books"].all()


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12345678-02", True),
        ("12345678-2", True),
        (" 20512345-01 ", True),
        ("12345678", False),  # a person number
        ("SIM-HYNDBURN-00001", False),
        ("E12-345", False),
        ("12345678-002", False),
    ],
)
def test_esr_assignment_numbers(value, expected):
    assert esr_assignment_number(value) is expected


def test_an_esr_assignment_number_is_refused_as_a_person_id(fixture_data, tmp_path):
    path = tmp_path / "esr.csv"
    path.write_text(
        "Employee Number,Postcode,FTE,Annual Pay,Start Date\n"
        "12345678,BB5 1DW,1,26000,01/04/2020\n"
        "12345678-02,BB5 1DW,0.2,5000,01/04/2021\n"
    )
    with pytest.raises(StaffDataError) as exc:
        read_staff(path, "trust")
    message = str(exc.value)
    assert "esr.csv" in message and "1 problem(s)" in message
    assert "row 3, column A 'Employee Number': '12345678-02' looks like an NHS ESR assignment" in (
        message
    )
    assert "person number 12345678" in message
    # an assignment number column is not taken for the person id: the id is then missing
    only = tmp_path / "only_assignment.csv"
    only.write_text(
        "Assignment Number,Postcode,FTE,Annual Pay,Start Date\n"
        "12345678-01,BB5 1DW,1,26000,01/04/2020\n"
    )
    with pytest.raises(StaffDataError, match="an NHS ESR assignment number is not a person id"):
        read_staff(only, "trust")


def test_a_repeated_assignment_is_refused(fixture_data, tmp_path):
    path = tmp_path / "repeat.csv"
    path.write_text(
        HEADER + "P1,P1-01,BB5 1DW,1,26000,,01/04/2020,\nP1,P1-01,BB5 1DW,1,27000,,01/04/2021,\n"
    )
    with pytest.raises(
        StaffDataError, match=r"row 3: person id and assignment repeated \(rows \[2, 3\]\)"
    ):
        read_staff(path, "council")


def test_the_demo_simulation_exercises_the_rule(hyndburn, tmp_path):
    from anchorlib.config.collaborative import AnchorSpec
    from anchorlib.demo.staff import simulate_staff, write_private

    anchor = AnchorSpec(id="council", name="A council", type="local_authority", sites=["BB5 1LA"])
    sim = simulate_staff(anchor, hyndburn, 400, year="2024-25")
    staff = read_staff(write_private(sim, tmp_path / "private", "staff.csv"), "council")
    per_person = staff.groupby("id").size()
    assert (per_person > 1).sum() >= 10  # internal moves and second posts
    start, ref = pd.Timestamp("2024-04-01"), pd.Timestamp("2025-03-31")
    p = people(staff, start, ref, np.full(len(staff), 12.0))
    assert len(p) == 400
    # every internal move's current post starts later than the person joined: counting rows,
    # some would be starters; counted as people, they are not
    rows_starting = staff["start_date"].between(start, ref)
    assert p["starter"].sum() < staff.loc[rows_starting, "id"].nunique()


def test_rows_without_an_assignment_are_compared_field_by_field(fixture_data, tmp_path):
    path = tmp_path / "blank_assignment.csv"
    path.write_text(
        HEADER + "P1,,BB5 1DW,1,26000,,01/04/2020,\n"
        "P1,,BB5 1DW,0.2,,13.00,01/04/2021,\n"  # a second post, its assignment left blank: kept
        "P2,P2-01,BB5 1DW,1,26000,,01/04/2020,\n"
    )
    assert read_staff(path, "council")["id"].tolist() == ["P1", "P1", "P2"]
    path.write_text(path.read_text() + "P1,,BB5 1DW,0.2,,13.00,01/04/2021,\n")
    with pytest.raises(StaffDataError, match=r"row 5: the same row twice .* \(rows \[3, 5\]\)"):
        read_staff(path, "council")
