"""Workforce: staff extracts (validation, clear errors), indicators (hand-computed), disclosure,
simulation, privacy."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anchorlib.assets.workforce import (
    extract_date,
    hours_per_week,
    run_workforce,
    staff_for_collaborative,
    workforce_year,
    write_workforce,
)
from anchorlib.config.collaborative import AnchorSpec, load_collaborative
from anchorlib.config.places import place_from_codes
from anchorlib.core.errors import AnchorError
from anchorlib.demo.staff import employee_id, simulate_staff, write_private
from anchorlib.demo.supplier_postcodes import SIMULATED
from anchorlib.indicators.workforce import WorkforceOptions, workforce_indicators
from anchorlib.workforce.disclosure import check_threshold
from anchorlib.workforce.rates import (
    WEEKS_PER_YEAR,
    default_year,
    financial_year_bounds,
    rlw_rate,
    rlw_rates,
)
from anchorlib.workforce.staff import (
    STAFF_COLUMNS,
    StaffDataError,
    postcode_problems,
    read_staff,
)

STAFF = ROOT / "tests" / "data" / "staff"
#: the hand example's anchor works a 37.5-hour week (NHS Agenda for Change), declared as its
#: staff_hours_per_week; the default week is 37 (NJC)
HAND_HOURS = 37.5
YEAR_HOURS = HAND_HOURS * WEEKS_PER_YEAR  # 37.5 x 365/7 = 1955.357...
RAW = dict(threshold=1, rounding=None, options=WorkforceOptions(pay_rounding=None, dominance=1.0))


@pytest.fixture
def hyndburn(fixture_data):
    """Tiers: place (Hyndburn) -> wider (North West) -> rest_of_uk."""
    return place_from_codes("E07000120")


def rows(table: pd.DataFrame, **where) -> pd.DataFrame:
    for k, v in where.items():
        table = table[table[k] == v]
    return table


# ======================================================================= the Real Living Wage table


def test_rlw_table_is_declared_with_its_source():
    rates = rlw_rates()
    assert rates["year"].tolist() == [f"{y}-{(y + 1) % 100:02d}" for y in range(2019, 2026)]
    brief = {
        "2019-20": (9.30, 10.75),
        "2020-21": (9.50, 10.85),
        "2021-22": (9.90, 11.05),
        "2022-23": (10.90, 11.95),
        "2023-24": (12.00, 13.15),
        "2024-25": (12.60, 13.85),
        "2025-26": (13.45, 14.80),
    }
    assert {r.year: (r.uk, r.london) for r in rates.itertuples()} == brief
    assert (rates["london"] > rates["uk"]).all() and rates["uk"].is_monotonic_increasing
    for r in (
        rates.itertuples()
    ):  # announced in the autumn of the year, implemented by 1 May the next spring
        start, end = financial_year_bounds(r.year)
        assert start < r.announced < end and r.deadline == dt.date(end.year, 5, 1)
    text = (ROOT / "data" / "real_living_wage.yml").read_text()
    assert (
        "https://www.livingwage.org.uk/what-real-living-wage" in text
        and "Living Wage Foundation" in text
    )
    assert "announced_sure: false" in text  # what is not certain is marked


def test_rlw_rate_bases():
    # 2024-25: reference date 31 March 2025.  In force then (deadline on or before it): the
    # 2023-24 rate, £12.00 / London £13.15 (deadline 1 May 2024); the £12.60 announced on
    # 22 October 2024 is due only from 1 May 2025.
    assert rlw_rate("2024-25") == 12.00 and rlw_rate("2024-25", "london") == 13.15
    assert rlw_rate("2024-25", basis="in_force") == 12.00
    # asked for explicitly: the latest rate announced by 31 March 2025, £12.60 / £13.85
    assert rlw_rate("2024-25", basis="announced") == 12.60
    assert rlw_rate("2024-25", "london", "announced") == 13.85
    # 2022-23 (31 March 2023): in force the 2021-22 £9.90 (deadline 1 May 2022); announced the
    # early (September 2022) £10.90
    assert rlw_rate("2022-23") == 9.90 and rlw_rate("2022-23", basis="announced") == 10.90
    # 2026-27 (31 March 2027): the 2025-26 £13.45 (deadline 1 May 2026) is in force
    assert rlw_rate("2026-27") == 13.45
    # 2019-20 (31 March 2020): the first rate in the table is due only from 1 May 2020
    with pytest.raises(Exception, match="No Real Living Wage rate for 2019-20"):
        rlw_rate("2019-20", basis="in_force")
    assert rlw_rate("2019-20", basis="announced") == 9.30
    # 2027-28 (31 March 2028): a rate newer than 2025-26's must be in force by then (deadline
    # 1 May 2027 at the latest): the table is out of date, not silently reused
    with pytest.raises(Exception, match="superseded.*years in the table: 2019-20"):
        rlw_rate("2027-28")
    with pytest.raises(Exception, match="years in the table: 2019-20"):
        rlw_rate("2031-32")
    with pytest.raises(Exception, match="superseded"):
        rlw_rate("2026-27", basis="announced")  # 2025-26 announced 21 Oct 2025; one is due by 2026


def test_default_year_is_the_latest_complete_before_the_extract():
    # an extract of 31 March 2025: 2024-25's last day is not over, so 2023-24
    assert default_year(dt.date(2025, 3, 31)) == "2023-24"
    # 1 April 2025: 2024-25 (ended 31 March 2025) is complete
    assert default_year(dt.date(2025, 4, 1)) == "2024-25"
    # 15 January 2026: 2025-26 runs to 31 March 2026, so 2024-25
    assert default_year(dt.date(2026, 1, 15)) == "2024-25"
    # 4 December 2026: 2025-26; 1 January 2000: 1998-99 (1999-00 ends 31 March 2000)
    assert default_year(dt.date(2026, 12, 4)) == "2025-26"
    assert default_year(dt.date(2000, 1, 1)) == "1998-99"


def test_financial_year_bounds():
    assert financial_year_bounds("2024-25") == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))
    assert financial_year_bounds("1999-00") == (dt.date(1999, 4, 1), dt.date(2000, 3, 31))
    for bad in ("2024", "2024-26", "24-25", 2024):
        with pytest.raises(ValueError, match="financial year"):
            financial_year_bounds(bad)


# ============================================================================= reading extracts


def test_read_the_hand_example(fixture_data):
    s = read_staff(STAFF / "hand_example.csv", "council", hours_per_week=HAND_HOURS).set_index("id")
    assert set(s.columns) | {"id"} == set(STAFF_COLUMNS)
    assert len(s) == 12 and (s["anchor"] == "council").all()
    # the title rows above the header are skipped; the Name column is dropped on reading
    assert not s.astype(str).apply(lambda c: c.str.contains("Made Up")).to_numpy().any()
    assert s.loc["S02", "home_postcode"] == "BB5 0DJ"  # typed 'bb50dj': normalised
    assert (
        pd.isna(s.loc["S08", "home_postcode"])
        and "must end in a digit" in s.loc["S08", "postcode_problem"]
    )
    assert pd.isna(s.loc["S09", "home_postcode"]) and s.loc["S09", "postcode_problem"] == "empty"
    # hourly rates: from actual pay and FTE, from the full-time salary, or as given
    assert (
        s.loc["S01", "hourly_rate"] == pytest.approx(24637.50 / YEAR_HOURS) == pytest.approx(12.60)
    )
    assert s.loc["S02", "hourly_rate"] == pytest.approx(11000 / (0.5 * YEAR_HOURS))
    assert s.loc["S05", "hourly_rate"] == pytest.approx(40000 / YEAR_HOURS)
    assert (
        s.loc["S05", "annual_pay"] == pytest.approx(32000)
        and s.loc["S05", "hourly_rate_source"] == "from_fte_pay"
    )
    assert s.loc["S04", "hourly_rate"] == 12.00 and s.loc["S04", "annual_pay"] == pytest.approx(
        12 * YEAR_HOURS
    )
    assert s.loc["S02", "contract"] == "fixed_term" and s.loc["S08", "contract"] == "apprentice"
    assert s.loc["S09", "leaving_date"] == pd.Timestamp("2025-03-31")
    assert (
        s.loc["S01", "start_date"] == pd.Timestamp("2015-06-01") and s.loc["S01", "source_row"] == 4
    )
    assert not s["simulated"].any() and (s["rlw_area"] == "uk").all()
    problems = postcode_problems(s.reset_index())
    assert problems["source_row"].tolist() == [11, 12] and "home_postcode" not in problems.columns


def test_xlsx_reads_like_csv(fixture_data):
    drop = ["source_file", "source_row"]
    csv = read_staff(STAFF / "hand_example.csv", "a", hours_per_week=HAND_HOURS).drop(columns=drop)
    xlsx = read_staff(STAFF / "hand_example.xlsx", "a", hours_per_week=HAND_HOURS).drop(
        columns=drop
    )
    pd.testing.assert_frame_equal(csv, xlsx)


@pytest.mark.parametrize(
    "header, row",
    [
        (
            "Employee Number,Postcode,Full Time Equivalent,Actual Annual Pay,Date of Joining",
            "E1,BB5 1DW,1,26000,01/04/2020",
        ),
        (
            "Payroll No,Home Post Code,FTE,Salary,Hire Date,Job Title,Date of Birth",
            "E1,BB5 1DW,1,26000,2020-04-01,Clerk,1980-01-01",
        ),
        ("staff_id,home_postcode,wte,fte_salary,start_date", "E1,BB5 1DW,1,26000,1 April 2020"),
        (
            "Person ID;Residential Postcode;Contracted Hours;Hourly Rate;Employment Start Date",
            "E1;BB5 1DW;37;13.30;01/04/2020",
        ),
    ],
)
def test_header_names_are_detected_flexibly(fixture_data, tmp_path, header, row):
    path = tmp_path / "extract.csv"
    path.write_text(f"{header}\n{row}\n")
    s = read_staff(path, "a")
    assert s["id"].tolist() == ["E1"] and s["home_postcode"].tolist() == ["BB5 1DW"]
    assert s["fte"].tolist() == [1.0] and s["start_date"].tolist() == [pd.Timestamp("2020-04-01")]
    # 13.30 as given, or 26,000 / (37 x 365/7 = 1,929.29 hours) = 13.48 (the default 37-hour week)
    assert 13 < s["hourly_rate"].iloc[0] < 13.5


def test_columns_can_be_named(fixture_data, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text(
        "Ref,Where they live,FTE,Annual Pay,Start Date\nE1,BB5 1DW,1,26000,01/04/2020\n"
    )
    with pytest.raises(StaffDataError, match="home_postcode: home postcode / postcode"):
        read_staff(path, "a")
    assert read_staff(path, "a", columns={"id": "Ref", "home_postcode": "Where they live"})[
        "id"
    ].tolist() == ["E1"]
    with pytest.raises(StaffDataError, match="unknown fields"):
        read_staff(path, "a", columns={"shoe_size": "Ref"})


def test_every_problem_is_reported_at_once(fixture_data):
    with pytest.raises(StaffDataError) as exc:
        read_staff(STAFF / "bad_rows.csv", "council")
    message, problems = str(exc.value), exc.value.problems
    assert "bad_rows.csv: 12 problem(s) in the staff extract of anchor 'council'" in message
    for expected in [
        "row 3, column A 'Employee ID': no person id (employee number)",
        "row 4, column C 'FTE': FTE is not a number [abc]",
        "row 5, column C 'FTE': FTE above 1.5",
        "weekly hours belong in a 'contracted hours' column",
        "row 6, column D 'Annual Pay': not an amount",
        "row 7, column D 'Annual Pay': no pay",
        "row 8, column E 'Start Date': '31/02/2024' is not a valid date",
        "row 9, column F 'Leaving Date': leaving date is before the start date",
        # 2,000 / (37 h x 365/7 = 1,929.29 h) = £1.04
        "row 10, column D 'Annual Pay': gives an hourly rate of £1.04",
        "is the pay monthly",
        # E1 twice with every field the same (no assignment column): the same row twice
        "row 11: the same row twice (person id and every field repeated) (rows [2, 11])",
        "row 12, column C 'FTE': FTE must not be negative (0: bank or zero hours) [-0.5]",
        "row 12, column E 'Start Date': no start date",
        "row 13, column D 'Annual Pay': pay must be above zero",
    ]:
        assert expected in message, expected
    assert len(problems) == 12 and list(problems.columns) == [
        "file",
        "sheet",
        "row",
        "column",
        "field",
        "value",
        "problem",
    ]
    assert problems["row"].tolist() == sorted(problems["row"])


@pytest.mark.parametrize(
    "name, message",
    [
        (
            "no_header.csv",
            "no header row names every required column. "
            "Best candidate: row 1 with 'Name', 'Address'",
        ),
        ("ambiguous.csv", "columns B 'Postcode', C 'Home Postcode' all look like home_postcode"),
        ("header_only.csv", "has a header but no employees"),
        ("empty.csv", "the file is empty"),
        ("missing.csv", "no such file"),
    ],
)
def test_unusable_files_say_why(fixture_data, name, message):
    with pytest.raises(StaffDataError) as exc:
        read_staff(STAFF / name, "a")
    assert message in str(exc.value) and name in str(exc.value)


def test_not_a_workbook(fixture_data, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(StaffDataError, match="cannot open as an XLSX workbook"):
        read_staff(path, "a")


def test_hours_and_a_london_workplace(fixture_data, hyndburn):
    s = read_staff(STAFF / "hours_london.csv", "a", hours_per_week=HAND_HOURS).set_index("id")
    assert s["fte"].tolist() == [1.0, 0.5, 1.0]
    assert s["rlw_area"].tolist() == ["london", "london", "uk"]  # EC1A 4AB is in the City of London
    assert s.loc["P3", "contract"] == "bank"
    r = workforce_indicators(s.reset_index(), hyndburn, "2024-25", **RAW)["rlw"].iloc[0]
    # rates in force on 31 March 2025 (the 2023-24 ones): P1 £13.00 < £13.15 (London): below;
    # P2 £14.00: at or above; P3 £13.00 >= £12.00 (UK): at or above
    assert (r["at_or_above"], r["below"], r["share_at_or_above"]) == (2, 1, 0.667)
    assert read_staff(STAFF / "hours_london.csv", "a", london=True, hours_per_week=37.5)[
        "rlw_area"
    ].tolist() == [
        "london",
        "london",
        "uk",
    ]


def test_fte_as_a_percentage(fixture_data):
    s = read_staff(STAFF / "fte_percent.csv", "a")
    # the default 37-hour week: 25,000 / (37 x 365/7) = 175,000 / 13,505 = 12.95816...
    assert s["fte"].tolist() == [1.0, 0.5] and s["hourly_rate"].round(4).tolist() == [
        12.9582,
        12.9582,
    ]
    assert not s["simulated"].any()


# ======================================================================= indicators, hand-computed
#
# tests/data/staff/hand_example.csv, financial year 2024-25 (reference date 31 March 2025, starters
# 1 April 2024 - 31 March 2025), place Hyndburn; a 37.5-hour week; Real Living Wage in force on
# 31 March 2025: £12.00 (UK; the 2023-24 rate, due from 1 May 2024; £12.60 only from 1 May 2025).
#
#  id   home postcode         tier        IMD decile  in post?  starter?  pay (£)      hourly
#  S01  BB5 1DW               place       2           yes       -         24,637.50    12.60
#  S02  BB5 0DJ               place       1           yes       yes       11,000       11.25 below
#  S03  BB5 6HB               place       7           yes       yes       30,000       15.34
#  S04  BB12 7HB  Burnley     wider       1           yes       -         23,464.29    12.00 (= RLW)
#  S05  FY2 0DL   Blackpool   wider       5           yes       -         32,000       20.46
#  S06  LS1 6DS   Leeds       rest_of_uk  3           yes       yes (1 Apr 2024)  50,000
#  S07  LL30 2AG  Conwy       rest_of_uk  - (Wales)   yes       -         36,000
#  S08  'BB5 lLA' (invalid)   unknown     unknown     yes       yes (31 Mar 2025) 26,000
#  S09  (blank)               unknown     unknown     yes (left on 31 Mar 2025)   28,000
#  S10  BB5 1DW               -           -           no (left Dec 2024)
#  S11  BB1 3HE (terminated)  place       9           yes       yes       25,000       12.79
#  S12  AB10 1AB              -           -           no (starts 1 Apr 2025)
#
#  in post: 10.  By tier: place 4 (S01 S02 S03 S11), wider 2, rest_of_uk 2, unknown 2.
#  Pay: place 24,637.50 + 11,000 + 30,000 + 25,000 = 90,637.50;
#  wider 23,464.29 + 32,000 = 55,464.29; rest 86,000; unknown 54,000; total 286,101.79;
#  place pay share 0.317.
#  Deciles: 1: 2 (S02 S04), 2: 1, 3: 1, 5: 1, 7: 1, 9: 1, no_imd: 1 (S07), unknown: 2.
#  Deprived (1-2): 3 = 0.3, pay 11,000 + 23,464.29 + 24,637.50 = 59,101.79 = 0.207 of pay.
#  RLW (£12.00): below S02 only: 9 of 10 at or above = 0.9 (at £12.60 announced: S02, S04
#  below, 8 of 10 = 0.8).
#  Starters: S02 (deprived), S03, S06, S11 (not deprived), S08 (no decile): 5,
#  impact hires 1/5 = 0.2 >= 0.1.


@pytest.fixture
def hand(fixture_data, hyndburn):
    return read_staff(STAFF / "hand_example.csv", "council", hours_per_week=HAND_HOURS), hyndburn


def test_staff_and_pay_by_tier_by_hand(hand):
    staff, place = hand
    t = workforce_indicators(staff, place, "2024-25", **RAW)["staff_by_tier"].set_index("tier")
    assert t["headcount"].to_dict() == {
        "place": 4,
        "wider": 2,
        "rest_of_uk": 2,
        "unknown": 2,
        "Total": 10,
    }
    assert t["headcount_share"].to_dict() == {
        "place": 0.4,
        "wider": 0.2,
        "rest_of_uk": 0.2,
        "unknown": 0.2,
        "Total": 1.0,
    }
    assert t.loc["place", "pay"] == pytest.approx(90637.50)
    assert t.loc["wider", "pay"] == pytest.approx(12 * YEAR_HOURS + 32000, abs=0.01)
    assert t.loc["Total", "pay"] == pytest.approx(
        90637.50 + 12 * YEAR_HOURS + 32000 + 86000 + 54000, abs=0.01
    )
    assert t.loc["place", "pay_share"] == 0.317
    assert t["fte"].to_dict() == {
        "place": 3.5,
        "wider": 1.8,
        "rest_of_uk": 2.0,
        "unknown": 2.0,
        "Total": 9.3,
    }
    within = workforce_indicators(staff, place, "2024-25", **RAW)["staff_within_tier"].set_index(
        "tier"
    )
    assert within["headcount"].to_dict() == {
        "place": 4,
        "wider": 6,
    }  # living in the North West: 6 of 10


def test_staff_by_decile_and_deprived_by_hand(hand):
    staff, place = hand
    r = workforce_indicators(staff, place, "2024-25", **RAW)
    d = r["staff_by_decile"].set_index("imd25_decile")["headcount"].to_dict()
    assert d == {
        "1": 2,
        "2": 1,
        "3": 1,
        "4": 0,
        "5": 1,
        "6": 0,
        "7": 1,
        "8": 0,
        "9": 1,
        "10": 0,
        "no_imd": 1,
        "unknown": 2,
        "Total": 10,
    }
    dep = r["deprived"].iloc[0]
    assert (dep["deciles"], dep["headcount"], dep["headcount_share"], dep["pay_share"]) == (
        "1-2",
        3,
        0.3,
        0.207,
    )
    wider = workforce_indicators(staff, place, "2024-25", settings=_Settings([1, 2, 3]), **RAW)[
        "deprived"
    ].iloc[0]
    assert (wider["deciles"], wider["headcount"], wider["headcount_share"]) == ("1-3", 4, 0.4)


class _Settings:
    def __init__(self, deciles):
        self.deprived_deciles = deciles


def test_real_living_wage_share_by_hand(hand):
    staff, place = hand
    # the rate in force on 31 March 2025: £12.00 (UK), so S04 at exactly £12.00 counts; S02
    # (£11.25) is below: 9 of 10
    r = workforce_indicators(staff, place, "2024-25", **RAW)["rlw"].iloc[0]
    assert (r["rlw_uk"], r["staff"], r["at_or_above"], r["below"], r["share_at_or_above"]) == (
        12.0,
        10,
        9,
        1,
        0.9,
    )
    # asked for explicitly: the rate announced by then, £12.60: S02 and S04 below, 8 of 10
    opts = WorkforceOptions(pay_rounding=None, dominance=1.0, rlw_basis="announced")
    r = workforce_indicators(staff, place, "2024-25", threshold=1, rounding=None, options=opts)[
        "rlw"
    ].iloc[0]
    assert (r["rlw_uk"], r["at_or_above"], r["below"], r["share_at_or_above"]) == (12.6, 8, 2, 0.8)
    # 2023-24: reference date 31 March 2024, so S02, S03, S06, S08, S11 (started later) are not yet
    # in post; in force then: the 2022-23 £10.90 (deadline 1 May 2023; the £12.00 is due only from
    # 1 May 2024).  The lowest hourly rate in post is S04's £12.00: all 6 at or above.
    r = workforce_indicators(staff, place, "2023-24", **RAW)["rlw"].iloc[0]
    assert (r["rlw_uk"], r["staff"], r["at_or_above"], r["below"]) == (
        10.9,
        6,
        6,
        0,
    )  # S10 in post


def test_impact_hires_by_hand(hand):
    staff, place = hand
    h = workforce_indicators(staff, place, "2024-25", **RAW)["impact_hires"].iloc[0]
    assert (h["starters"], h["deprived"], h["not_deprived"], h["no_decile"]) == (5, 1, 3, 1)
    assert (h["deprived_share"], h["target"], h["meets_target"]) == (0.2, 0.1, True)
    s = workforce_indicators(staff, place, "2024-25", **RAW)["summary"].iloc[0]
    assert (
        s["staff"],
        s["in_place_share"],
        s["deprived_share"],
        s["rlw_share"],
        s["impact_hire_share"],
    ) == (10, 0.4, 0.3, 0.9, 0.2)
    assert s["data"] == "supplied"


def test_the_hand_example_published_hides_every_small_count(hand):
    staff, place = hand
    r = workforce_indicators(staff, place, "2024-25")  # threshold 10, rounding 5
    t = r["staff_by_tier"].set_index("tier")
    assert t.loc["Total", "headcount"] == 10 and t.drop("Total")["headcount"].isna().all()
    assert t.drop("Total")[["fte", "pay", "pay_share", "headcount_share"]].isna().all().all()
    assert t.loc["Total", "pay"] == 286000  # rounded to £1,000
    d = r["staff_by_decile"].set_index("imd25_decile")["headcount"]
    assert (
        d[["4", "6", "8", "10"]].tolist() == [0, 0, 0, 0]
        and d.drop(["4", "6", "8", "10", "Total"]).isna().all()
    )
    assert r["rlw"][["at_or_above", "below", "share_at_or_above"]].isna().all().all()
    assert (
        r["impact_hires"][["starters", "deprived", "deprived_share", "meets_target"]]
        .isna()
        .all()
        .all()
    )
    assert (
        r["meta"]["disclosure"]["threshold"] == 10 and r["meta"]["reference_date"] == "2025-03-31"
    )


# ======================================================================= disclosure across anchors


def _frame(records) -> pd.DataFrame:
    df = pd.DataFrame(records)
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["leaving_date"] = pd.to_datetime(df.get("leaving_date"))
    defaults = {
        "assignment": None,
        "postcode_problem": None,
        "work_postcode": None,
        "rlw_area": "uk",
        "fte_pay": np.nan,
        "hourly_rate_source": "from_annual_pay",
        "contract_type": None,
        "contract": None,
        "band": None,
        "simulated": False,
        "source_file": "made up",
        "source_row": 0,
    }
    for k, v in defaults.items():
        if k not in df:
            df[k] = v
    if "hourly_rate" not in df:
        df["hourly_rate"] = df["annual_pay"] / (df["fte"] * YEAR_HOURS)
    return df[STAFF_COLUMNS]


def test_an_anchor_cell_is_not_recovered_from_the_combined_figure(fixture_data, hyndburn):
    # anchor a: 30 in the place, 4 in the wider region; anchor b: 40 and 25.  Combined wider = 29
    # would give a's 4 as 29 - 25: so b's wider (or the combined) must be hidden too.
    recs = []
    for anchor, place_n, wider_n in (("a", 30, 4), ("b", 40, 25)):
        for i in range(place_n + wider_n):
            recs.append(
                {
                    "anchor": anchor,
                    "id": f"{anchor}{i}",
                    "home_postcode": "BB5 1DW" if i < place_n else "BB12 7HB",
                    "fte": 1.0,
                    "annual_pay": 30000.0,
                    "start_date": "2015-01-01",
                }
            )
    r = workforce_indicators(_frame(recs), hyndburn, "2024-25")
    t = r["staff_by_tier"].set_index(["anchor", "tier"])["headcount"]
    assert pd.isna(t[("a", "wider")])
    assert pd.isna(t[("b", "wider")]) or pd.isna(t[("combined", "wider")])
    _assert_no_lone_hidden(r)


def test_dominant_pay_is_hidden(fixture_data, hyndburn):
    recs = [
        {
            "anchor": "a",
            "id": f"p{i}",
            "home_postcode": "BB5 1DW",
            "fte": 1.0,
            "annual_pay": 25000.0,
            "start_date": "2015-01-01",
        }
        for i in range(30)
    ]
    recs += [
        {
            "anchor": "a",
            "id": f"w{i}",
            "home_postcode": "BB12 7HB",
            "fte": 1.0,
            "annual_pay": 22000.0,
            "start_date": "2015-01-01",
        }
        for i in range(11)
    ]
    recs[-1]["annual_pay"] = 400000.0  # one chief executive earns more than the other ten together
    t = workforce_indicators(_frame(recs), hyndburn, "2024-25")["staff_by_tier"].set_index("tier")
    assert t.loc["wider", "headcount"] == 10  # 11 people: the count is published (rounded) ...
    assert pd.isna(t.loc["wider", "pay"]) and pd.isna(
        t.loc["wider", "pay_share"]
    )  # ... their pay is not
    assert t[["pay"]].isna().sum().iloc[0] >= 2  # and not recoverable from the total either


def _relations(r: dict):
    """Every sum an outsider can form from the published tables: (measure, [total, part, part,
    ...])."""
    out = []
    anchors = r["meta"]["anchors"]
    groups = anchors + (["combined"] if len(anchors) > 1 else [])
    tiers = r["staff_by_tier"]
    deciles = r["staff_by_decile"]
    for g in groups:
        for table, col in ((tiers, "tier"), (deciles, "imd25_decile")):
            t = table[table["anchor"] == g].set_index(col)
            for m in ("headcount", "fte", "pay"):
                out.append((m, [t.loc["Total", m], *t.drop("Total")[m]]))
        t = deciles[deciles["anchor"] == g].set_index("imd25_decile")
        dep = r["deprived"].set_index("anchor").loc[g]
        for m in ("headcount", "fte", "pay"):
            out.append((m, [dep[m], t.loc["1", m], t.loc["2", m]]))
        rlw = r["rlw"].set_index("anchor").loc[g]
        out.append(("headcount", [rlw["staff"], rlw["at_or_above"], rlw["below"]]))
        h = r["impact_hires"].set_index("anchor").loc[g]
        out.append(("headcount", [h["starters"], h["deprived"], h["not_deprived"], h["no_decile"]]))
    if len(anchors) > 1:
        for table, col in ((tiers, "tier"), (deciles, "imd25_decile")):
            for cat in table[col].unique():
                t = table[table[col] == cat].set_index("anchor")
                for m in ("headcount", "fte", "pay"):
                    out.append((m, [t.loc["combined", m], *t.loc[anchors, m]]))
        for table, cols in (
            (r["rlw"], ["at_or_above", "below"]),
            (r["impact_hires"], ["starters", "deprived", "not_deprived", "no_decile"]),
        ):
            t = table.set_index("anchor")
            for c in cols:
                out.append(("headcount", [t.loc["combined", c], *t.loc[anchors, c]]))
    return out


def _assert_no_lone_hidden(r: dict, threshold: int = 10):
    for name in ("staff_by_tier", "staff_by_decile", "deprived", "rlw", "impact_hires", "summary"):
        t = r[name]
        for c in (
            "headcount",
            "staff",
            "at_or_above",
            "below",
            "starters",
            "deprived",
            "not_deprived",
            "no_decile",
        ):
            if c in t.columns and t[c].dtype == "Int64":
                v = t[c].dropna()
                assert ((v == 0) | (v >= threshold)).all(), (
                    f"{name}.{c} publishes a count below {threshold}"
                )
    for measure, values in _relations(r):
        hidden = sum(pd.isna(v) for v in values)
        assert hidden != 1, (
            f"{measure}: one hidden figure in {values} would be recovered by subtraction"
        )
    # tables that share a figure publish it alike
    tiers = r["staff_by_tier"]
    totals = tiers[tiers["tier"] == "Total"].set_index("anchor")["headcount"]
    assert totals.isna().equals(r["rlw"].set_index("anchor")["staff"].isna())


POOL = [
    "BB5 1DW",
    "BB5 0DJ",
    "BB5 6HB",
    "BB12 7HB",
    "FY2 0DL",
    "LS1 6DS",
    "LL30 2AG",
    "BB1 3HE",
    "AB10 1AB",
    "BB9 5PG",
    "BB5 3SA",
    "FY1 3TT",
    "",
    "NOT A PC",
]


@st.composite
def staff_frames(draw):
    n = draw(st.integers(1, 90))
    anchors = draw(st.sampled_from([["a"], ["a", "b"], ["a", "b", "c"]]))
    recs = []
    for i in range(n):
        recs.append(
            {
                "anchor": draw(st.sampled_from(anchors)),
                "id": f"X{i}",
                "home_postcode": draw(st.sampled_from(POOL)) or None,
                "fte": draw(st.sampled_from([1.0, 0.5, 0.8])),
                "annual_pay": float(draw(st.integers(9_000, 90_000))),
                "start_date": dt.date(2018, 4, 1) + dt.timedelta(days=draw(st.integers(0, 2600))),
                "leaving_date": draw(st.one_of(st.none(), st.just(dt.date(2024, 10, 1)))),
            }
        )
    return _frame(recs)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(staff=staff_frames())
def test_published_workforce_tables_never_reveal_a_small_count(fixture_data, staff):
    place = place_from_codes("E07000120")
    r = workforce_indicators(
        staff, place, "2024-25"
    )  # the built-in check raises if anything is recoverable
    _assert_no_lone_hidden(r)
    _assert_aggregate_only(r, staff)


def _assert_aggregate_only(r: dict, staff: pd.DataFrame):
    """No table a report is fed from has a row per person, or any person's id or postcode."""
    ids = set(staff["id"])
    postcodes = set(staff["home_postcode"].dropna())
    n_groups = len(r["meta"]["anchors"]) + (len(r["meta"]["anchors"]) > 1)
    for name, t in r.items():
        if not isinstance(t, pd.DataFrame):
            continue
        assert not {"id", "home_postcode", "postcode"} & set(t.columns), name
        assert len(t) <= n_groups * 13, name  # categories per anchor, never people
        text = t.astype(str).to_numpy().ravel().tolist()
        assert not ids & set(text) and not postcodes & set(text), name


def test_indicators_refuse_unvalidated_staff(fixture_data, hyndburn):
    with pytest.raises(ValueError, match="read_staff"):
        workforce_indicators(pd.DataFrame({"id": ["a"]}), hyndburn, "2024-25")


# ============================================================================= simulated staff


def test_simulated_staff(fixture_data, hyndburn, tmp_path):
    anchor = AnchorSpec(id="council", name="A council", type="local_authority", sites=["BB5 1LA"])
    sim = simulate_staff(anchor, hyndburn, 400, year="2024-25")
    # 400 people, some with several assignments (internal moves, second posts): more rows
    assert sim["Employee Number"].nunique() == 400 and (sim["Simulated"] == SIMULATED).all()
    assert len(sim) > 400 and not sim["Assignment Number"].duplicated().any()
    assert sim["Employee Number"].tolist()[:2] == [
        employee_id("council", 1),
        employee_id("council", 2),
    ]
    from anchorlib.data.postcodes import locate_postcodes

    placed = locate_postcodes(sim["Home Postcode"])
    typed = sim["Home Postcode"] != ""
    assert (
        placed.loc[typed, "status"].isin(["live", "invalid"])
    ).all()  # real live postcodes (or mistyped ones)
    assert 0.005 < (placed["status"] != "live").mean() < 0.05
    site = locate_postcodes(["BB5 1LA"]).iloc[0]
    d = np.hypot(
        placed["easting"].astype(float) - site["easting"],
        placed["northing"].astype(float) - site["northing"],
    )
    assert (d.dropna() <= 40_000).mean() > 0.85 and d.dropna().median() < 12_000  # distance decay
    staff = read_staff(write_private(sim, tmp_path / "private", "staff.csv"), "council")
    assert staff["simulated"].all()
    rlw = staff["hourly_rate"].round(2) >= 12.60
    assert (
        0.03 < 1 - rlw.mean() < 0.35
    )  # some below the Real Living Wage, as in employers not accredited
    years = staff["start_date"].dt.year
    assert years.between(2020, 2025).mean() > 0.5 and years.min() < 2015
    starters = staff["start_date"].between("2024-04-01", "2025-03-31").mean()
    assert 0.08 < starters < 0.18
    # stable per employee: a larger simulation keeps the smaller one's people; another seed differs
    bigger = simulate_staff(anchor, hyndburn, 450, year="2024-25")
    pd.testing.assert_frame_equal(bigger.iloc[: len(sim)], sim)
    assert not simulate_staff(anchor, hyndburn, 50, seed=1, year="2024-25").equals(sim.iloc[:50])


def test_private_files_only_in_private_folders(tmp_path):
    with pytest.raises(ValueError, match="private"):
        write_private(pd.DataFrame({"a": [1]}), tmp_path / "public", "x.csv")
    path = write_private(pd.DataFrame({"a": [1]}), tmp_path / "private", "x.csv")
    assert path.exists() and "never publish" in (tmp_path / "private" / "README.txt").read_text()


def test_simulation_needs_sites(fixture_data, hyndburn):
    with pytest.raises(ValueError, match="no sites"):
        simulate_staff(AnchorSpec(id="a", name="A", type="police"), hyndburn, 10)
    with pytest.raises(ValueError, match="cannot be placed"):
        simulate_staff(AnchorSpec(id="a", name="A", type="police", sites=["ZZ9 9ZZ"]), hyndburn, 10)


# ===================================================================== a collaborative, end to end


def _collab(tmp_path: Path, simulate: bool = True, staff_file: str | None = None) -> Path:
    path = tmp_path / "collab.yml"
    staff_line = f"    staff: {staff_file}\n" if staff_file else ""
    path.write_text(f"""id: wftest
name: Workforce test
place: {{name: Hyndburn, lads: [E07000120]}}
simulate_staff: {str(simulate).lower()}
anchors:
  - id: council
    name: A council
    type: local_authority
    sites: [BB5 1LA]
{staff_line}  - id: fire
    name: A fire service
    type: fire
    sites: [BB11 1EU]
""")
    return path


def test_staff_for_collaborative(fixture_data, tmp_path):
    (tmp_path / "hr").mkdir()
    (tmp_path / "hr" / "extract.csv").write_text((STAFF / "hand_example.csv").read_text())
    c = load_collaborative(_collab(tmp_path, simulate=True, staff_file="hr/extract.csv"))
    staff = staff_for_collaborative(c, "2024-25", out_root=tmp_path / "out", sizes={"fire": 120})
    assert (
        len(staff["council"]) == 12 and not staff["council"]["simulated"].any()
    )  # the declared extract wins
    # 120 simulated people (some with several assignments: more rows)
    assert staff["fire"]["id"].nunique() == 120 and staff["fire"]["simulated"].all()
    assert (tmp_path / "out" / "wftest" / "private" / "staff_fire.csv").exists()
    c = load_collaborative(_collab(tmp_path, simulate=False))
    with pytest.raises(
        StaffDataError, match=r"no staff extract for anchor\(s\) \['council', 'fire'\]"
    ):
        staff_for_collaborative(c, "2024-25", out_root=tmp_path / "out")


def _snapshot(folder: Path) -> dict[str, tuple]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def _assert_no_personal_data(
    out_root: Path, cache: Path, before: dict, staff: dict[str, pd.DataFrame]
):
    from anchorlib.data.catalogue import load_catalogue

    ids = {i for s in staff.values() for i in s["id"]}
    postcodes = {p for s in staff.values() for p in s["home_postcode"].dropna()}
    keys = {p.replace(" ", "") for p in postcodes}
    needles = [re.escape(x) for x in sorted(ids | postcodes | keys, key=len, reverse=True)]
    pattern = re.compile("|".join(rf"(?<![A-Z0-9]){n}(?![A-Z0-9])" for n in needles))
    published = [
        p
        for p in out_root.rglob("*")
        if p.is_file() and "private" not in p.relative_to(out_root).parts
    ]
    assert published, "nothing was written"
    for p in published:
        text = p.read_bytes().decode("utf-8", errors="replace")
        hit = pattern.search(text)
        assert hit is None, f"{p} contains {hit.group(0)!r}, a staff id or home postcode"
        if p.suffix == ".csv":
            groups = len(staff) + (len(staff) > 1)
            assert len(pd.read_csv(p)) <= groups * 13, f"{p} looks like staff-level rows"
    # the cache: the workforce step adds or changes only reference-data caches, and none holds a
    # staff id
    sources = {s.id for s in load_catalogue().sources} | {"postcode_index"}
    after = _snapshot(cache)
    for name, stamp in after.items():
        if before.get(name) != stamp:
            assert (
                any(Path(name).name.startswith(f"{sid}-") for sid in sources)
                or name == "verified.json"
            ), name
    id_pattern = re.compile("|".join(re.escape(i) for i in ids))
    for name in after:
        path = cache / name
        if path.suffix == ".parquet" and before.get(name) == after[name]:
            # not written by this run (reference caches are large; what the run wrote is read in
            # full)
            continue
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            for col in frame.columns:
                values = frame[col]
                if isinstance(values.dtype, pd.CategoricalDtype):
                    values = pd.Series(values.cat.categories)
                if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
                    hits = values.map(lambda v: isinstance(v, str) and v in ids)
                    assert not hits.any(), f"{name}:{col} holds staff ids"
        else:
            assert not id_pattern.search(path.read_bytes().decode("utf-8", errors="replace")), name


def test_privacy_outputs_and_cache_hold_only_aggregates(fixture_data, fixture_cache, tmp_path):
    (tmp_path / "hr").mkdir()
    (tmp_path / "hr" / "extract.csv").write_text((STAFF / "hand_example.csv").read_text())
    c = load_collaborative(_collab(tmp_path, staff_file="hr/extract.csv"))
    from anchorlib.data.postcodes import postcode_index

    # reference caches may be built now; what the workforce step writes is what is checked
    postcode_index()
    before = _snapshot(fixture_cache)
    out = tmp_path / "outputs"
    result = run_workforce(c, "2024-25", out_root=out, sizes={"fire": 150})
    staff = staff_for_collaborative(c, "2024-25", out_root=tmp_path / "again", sizes={"fire": 150})
    assert set(result["outputs"]) == {
        "summary",
        "staff_by_tier",
        "staff_within_tier",
        "staff_by_decile",
        "deprived",
        "rlw",
        "impact_hires",
        "meta",
    }
    _assert_no_personal_data(out, fixture_cache, before, staff)
    _assert_aggregate_only(result, pd.concat(staff.values()))
    _assert_no_lone_hidden(result)
    private = out / "wftest" / "private"
    assert sorted(p.name for p in private.iterdir()) == ["README.txt", "staff_fire.csv"]
    meta = json.loads((out / "wftest" / "workforce" / "2024-25" / "meta.json").read_text())
    assert meta["data"] == {
        "council": "supplied",
        "fire": "simulated",
        "combined": "partly simulated",
    }
    summary = pd.read_csv(out / "wftest" / "workforce" / "2024-25" / "summary.csv")
    assert summary["anchor"].tolist() == ["council", "fire", "combined"]


def test_the_privacy_scan_catches_leaks(fixture_data, fixture_cache, tmp_path):
    c = load_collaborative(_collab(tmp_path))
    before = _snapshot(fixture_cache)
    out = tmp_path / "outputs"
    run_workforce(c, "2024-25", out_root=out, sizes={"council": 30, "fire": 30})
    staff = {
        a.id: read_staff(out / "wftest" / "private" / f"staff_{a.id}.csv", a.id) for a in c.anchors
    }
    _assert_no_personal_data(out, fixture_cache, before, staff)
    one = staff["fire"].iloc[3]
    leak = out / "wftest" / "workforce" / "leak.txt"
    for text in (f"x,{one['id']},y", f"home {one['home_postcode'].replace(' ', '')}\n"):
        leak.write_text(text)
        with pytest.raises(AssertionError, match="staff id or home postcode"):
            _assert_no_personal_data(out, fixture_cache, before, staff)
    leak.unlink()
    sneaky = fixture_cache / "workforce_scratch.parquet"
    pd.DataFrame({"who": [one["id"]]}).to_parquet(sneaky)
    try:
        with pytest.raises(AssertionError):
            _assert_no_personal_data(out, fixture_cache, before, staff)
    finally:
        sneaky.unlink()


def test_demo_collaborative_workforce(real_data, tmp_path):
    """The demo: three Lancashire anchors, simulated staff; figures after disclosure control."""
    from conftest import ROOT as root

    from anchorlib.data.catalogue import cache_dir

    c = load_collaborative(root / "collaboratives" / "lancashire.yml")
    from anchorlib.data.postcodes import postcode_index

    postcode_index()
    before = _snapshot(cache_dir())
    out = tmp_path / "outputs"
    r = run_workforce(c, "2024-25", out_root=out)
    staff = {
        a.id: read_staff(out / "lancashire" / "private" / f"staff_{a.id}.csv", a.id)
        for a in c.anchors
    }
    _assert_no_personal_data(out, cache_dir(), before, staff)
    _assert_no_lone_hidden(r)
    s = r["summary"].set_index("anchor")
    assert list(s.index) == ["hyndburn", "lancashire_pcc", "lancashire_fire", "combined"]
    assert (s["data"] == "simulated").all()
    assert (
        s.loc["lancashire_pcc", "staff"]
        > s.loc["lancashire_fire", "staff"]
        > s.loc["hyndburn", "staff"]
    )
    assert s["in_place_share"].dropna().between(0.4, 0.95).all()
    assert s["rlw_share"].dropna().between(0.6, 0.99).all()
    assert s["impact_hire_share"].dropna().between(0.05, 0.6).all()


# ================================================= step 7: year, Real Living Wage, hours, threshold


def test_fte_zero_rows_are_kept_and_counted_as_their_own_group(fixture_data, hyndburn, tmp_path):
    path = tmp_path / "bank.csv"
    lines = ["Staff Number,Postcode,FTE,Annual Pay,Hourly Rate,Contract,Start Date"]
    # 10 full-time staff at £25,000: 25,000 / (37 x 365/7 = 1,929.29) = £12.96 an hour
    lines += [f"F{i},BB5 1DW,1,25000,,Permanent,01/04/2020" for i in range(10)]
    # 2 bank staff, FTE 0, paid £11.50 an hour; 1 zero-hours contract, FTE 0, annual pay only
    lines += ["B1,BB5 1DW,0,,11.50,Bank,01/04/2020", "B2,BB5 0DJ,0,,11.50,Bank,01/04/2020"]
    lines += ["Z1,BB5 1DW,0,3000,,Zero hours,01/04/2020"]
    path.write_text("\n".join(lines) + "\n")
    s = read_staff(path, "a").set_index("id")
    assert len(s) == 13  # kept, not a problem
    assert s.loc[["B1", "B2", "Z1"], "fte"].tolist() == [0.0, 0.0, 0.0]
    assert s.loc["B1", "hourly_rate"] == 11.50 and pd.isna(s.loc["Z1", "hourly_rate"])
    assert s.loc["F0", "hourly_rate"] == pytest.approx(25000 * 7 / (37 * 365))  # 12.958
    r = workforce_indicators(s.reset_index(), hyndburn, "2024-25", **RAW)
    summary = r["summary"].iloc[0]
    # staff in post: the 10 with an FTE; the 3 with FTE 0 are their own group
    assert (summary["staff"], summary["zero_fte_staff"]) == (10, 3)
    # the Real Living Wage in force (£12.00) is tested on the 10 only: all at or above
    rlw = r["rlw"].iloc[0]
    assert (rlw["staff"], rlw["at_or_above"], rlw["below"]) == (10, 10, 0)
    assert r["staff_by_tier"].set_index("tier").loc["Total", "fte"] == 10.0
    assert "FTE 0" in r["meta"]["zero_fte"]
    # published (threshold 10): 3 is a small count, suppressed
    published = workforce_indicators(s.reset_index(), hyndburn, "2024-25")["summary"].iloc[0]
    assert pd.isna(published["zero_fte_staff"]) and published["staff"] == 10


def test_contracted_hours_per_week_is_an_anchor_setting(fixture_data, tmp_path):
    text = _collab(tmp_path).read_text()
    path = tmp_path / "collab.yml"
    path.write_text(
        text.replace("    type: fire\n", "    type: fire\n    staff_hours_per_week: 42\n")
    )
    c = load_collaborative(path)
    # the council declares none: the default 37 (NJC); the fire service: 42 (wholetime)
    assert hours_per_week(c) == {"council": 37.0, "fire": 42.0}
    for bad in ("0", "80", "lots"):
        path.write_text(
            text.replace("    type: fire\n", f"    type: fire\n    staff_hours_per_week: {bad}\n")
        )
        with pytest.raises(Exception, match="staff_hours_per_week") as exc:
            load_collaborative(path)
        assert "collab.yml" in str(exc.value)
    extract = tmp_path / "ff.csv"
    extract.write_text(
        "Staff Number,Postcode,Contracted Hours,FTE Salary,Start Date\n"
        "W1,BB5 1DW,42,30000,01/04/2020\nW2,BB5 1DW,21,30000,01/04/2020\n"
    )
    s = read_staff(extract, "fire", hours_per_week=42).set_index("id")
    # 42 contracted hours of a 42-hour week: FTE 1; 21: 0.5.  £30,000 full-time over
    # 42 x 365/7 = 2,190 hours a year: £13.70 an hour (over 37 hours it would be £15.55)
    assert s["fte"].tolist() == [1.0, 0.5]
    assert s.loc["W1", "hourly_rate"] == pytest.approx(30000 / 2190)
    assert round(s.loc["W1", "hourly_rate"], 2) == 13.70
    s37 = read_staff(extract, "fire").set_index("id")  # 42 hours of a 37-hour week: FTE 1.135
    assert s37.loc["W1", "fte"] == pytest.approx(42 / 37)
    assert round(s37.loc["W1", "hourly_rate"], 2) == 15.55  # 30,000 / 1,929.29
    with pytest.raises(StaffDataError, match="ff.csv: hours_per_week"):
        read_staff(extract, "fire", hours_per_week=0)


def test_the_workforce_year_is_never_one_that_has_not_ended(fixture_data, tmp_path):
    import datetime as _dt
    import os

    (tmp_path / "hr").mkdir()
    extract = tmp_path / "hr" / "extract.csv"
    extract.write_text((STAFF / "hand_example.csv").read_text())
    c = load_collaborative(_collab(tmp_path, simulate=False, staff_file="hr/extract.csv"))
    c.spec.anchors = c.spec.anchors[:1]
    # the extract was written on 31 March 2025: 2024-25 is not over (its last day is that day)
    when = _dt.datetime(2025, 3, 31, 12).timestamp()
    os.utime(extract, (when, when))
    assert extract_date(c, today=_dt.date(2026, 12, 4)) == _dt.date(2025, 3, 31)
    assert workforce_year(c, today=_dt.date(2026, 12, 4)) == "2023-24"
    with pytest.raises(AnchorError, match="2024-25 has not ended before the staff extract date"):
        workforce_year(c, "2024-25", today=_dt.date(2026, 12, 4))
    assert workforce_year(c, "2022-23", today=_dt.date(2026, 12, 4)) == "2022-23"
    # written on 1 April 2025: 2024-25 is complete
    when = _dt.datetime(2025, 4, 1, 9).timestamp()
    os.utime(extract, (when, when))
    assert workforce_year(c, today=_dt.date(2026, 12, 4)) == "2024-25"
    # simulated staff only: the run date is the extract date (4 Dec 2026: 2025-26)
    sim = load_collaborative(_collab(tmp_path, simulate=True))
    assert workforce_year(sim, today=_dt.date(2026, 12, 4)) == "2025-26"
    assert workforce_year(sim, today=_dt.date(2026, 3, 31)) == "2024-25"


def test_a_disclosure_threshold_below_10_is_refused(fixture_data, tmp_path):
    assert check_threshold(10) == 10 and check_threshold(25) == 25
    for bad in (9, 1, 0, 9.5):
        with pytest.raises(AnchorError, match=r"x\.yml: the disclosure threshold \(`threshold`"):
            check_threshold(bad, "x.yml")
    c = load_collaborative(_collab(tmp_path))
    with pytest.raises(AnchorError, match=r"collab\.yml: the disclosure threshold.*is 5"):
        run_workforce(c, "2024-25", out_root=tmp_path / "out", threshold=5)
    assert not (tmp_path / "out").exists()  # refused before anything is read or written
    # nothing computed with a lower threshold can be written either
    staff = staff_for_collaborative(c, "2024-25", out_root=tmp_path / "o2", sizes={"fire": 30})
    raw = workforce_indicators(staff["fire"], c.place, "2024-25", threshold=3)
    with pytest.raises(AnchorError, match="disclosure threshold"):
        write_workforce(raw, tmp_path / "tables")
    assert not (tmp_path / "tables").exists()
