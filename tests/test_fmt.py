"""anchorlib.core.fmt: the one formatter of percents, shares, pounds and decile labels.

Percents round half up on the decimal the number prints as, so a figure reads the same in every
report: 12.5% is "13%" (Python's format spec rounds it half to even: "12%"), and a share of 0.145
is "15%" although 100 * 0.145 is 14.499999999999998 in binary.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from anchorlib.core import fmt


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (12.5, 0, "13%"),
        (13.5, 0, "14%"),
        (12.4999, 0, "12%"),
        (12.25, 1, "12.3%"),
        (12.35, 1, "12.4%"),  # 12.3499999... in binary
        (0.05, 1, "0.1%"),
        (-12.5, 0, "-13%"),  # halves away from zero
        (100, 0, "100%"),
        (0, 1, "0.0%"),
        (4.25, None, "4.3%"),  # under 10%: one decimal
        (9.96, None, "10.0%"),  # the precision is chosen on the value, not the rounded text
        (12.5, None, "13%"),  # 10% and up: none
        (np.float64(12.5), 0, "13%"),
    ],
)
def test_percent_rounds_half_up(value, decimals, text):
    assert fmt.percent(value, decimals) == text


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (0.125, None, "13%"),
        (0.145, None, "15%"),
        (0.285, None, "29%"),
        (0.0125, None, "1.3%"),
        (0.0999, None, "10.0%"),
        (0.5, None, "50%"),
        (1, None, "100%"),
        (0.1 + 0.025, None, "13%"),  # float noise: 0.12500000000000003
        (0.12345, 1, "12.3%"),
        (0.12355, 1, "12.4%"),
        (-0.125, None, "-13%"),
    ],
)
def test_share_scales_the_decimal_exactly_then_rounds_half_up(value, decimals, text):
    assert fmt.share(value, decimals) == text


def test_the_format_spec_would_round_these_down():
    """What the formatter fixes: Python rounds these halves to even or down."""
    assert f"{12.5:.0f}%" == "12%" and fmt.percent(12.5, 0) == "13%"
    assert f"{100 * 0.145:.0f}%" == "14%" and fmt.share(0.145) == "15%"
    assert f"{0.125:.0%}" == "12%" and fmt.share(0.125, 0) == "13%"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA])
def test_missing_values(missing):
    assert fmt.percent(missing) == "n/a" and fmt.share(missing) == "n/a"
    assert fmt.share(missing, missing="a suppressed share") == "a suppressed share"
    assert fmt.percent(missing, 1, missing="–") == "–"


def test_points():
    assert fmt.points(2.25) == "2.3 percentage points"
    assert fmt.points(1) == "1.0 percentage point"
    assert fmt.points(0.04) == "0.0 percentage points"


def test_as_percent():
    assert fmt.as_percent(None) is None
    assert fmt.as_percent(0.125) == 12.5
    assert fmt.as_percent(np.float64(0.5)) == 50.0


def test_pounds():
    assert fmt.pounds(1234.4) == "£1,234"
    assert fmt.pounds(-1234.4) == "−£1,234"
    assert fmt.pounds(12.6, 2) == "£12.60"
    assert fmt.pounds_short(2_345_678) == "£2.3m"
    assert fmt.pounds_short(45_400) == "£45k"
    assert fmt.pounds_short(950) == "£950"
    assert fmt.money_words(854_200_000) == "£854.2 million"
    assert fmt.money_words(41_250) == "£41,250"


def test_decile_labels_and_bands():
    assert [fmt.decile_label(d) for d in (1, 2, 9, 10)] == [
        "1 (most deprived 10%)",
        "2",
        "9",
        "10 (least deprived 10%)",
    ]
    assert fmt.decile_label(np.int64(1)) == "1 (most deprived 10%)"
    assert fmt.deciles_band([1, 2]) == "the most deprived 20% of neighbourhoods in England"
    assert fmt.deciles_band([1, 3]) == "IMD deciles 1, 3"


def test_the_tables_show_percents_half_up():
    from anchorlib.reports.display import format_value

    assert format_value(12.25, "share (%)") == "12.3%"
    assert format_value(12.5, "spend (£)") == "£12"  # pounds keep the format spec's rounding
    assert format_value(-3.0, "spend (£)") == "−£3"


def test_infinity_is_shown_as_such():
    assert fmt.percent(math.inf, 0) == "inf%"


# --------------------------------------------------------------------------- the one XLSX writer


def test_write_xlsx_is_deterministic_styled_and_fits_cells(tmp_path):
    from openpyxl import load_workbook

    from anchorlib.core.xlsx import XLSX_CELL, write_xlsx

    df = pd.DataFrame({"id": ["a", "b"], "text": ["x" * (XLSX_CELL + 5), "short"], "n": [1, 2]})
    one, two = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    write_xlsx(one, {"register": df, "other": df.head(1)}, freeze={"register": "C2"})
    write_xlsx(two, {"register": df, "other": df.head(1)}, freeze={"register": "C2"})
    assert one.read_bytes() == two.read_bytes()
    wb = load_workbook(one)
    assert wb.sheetnames == ["register", "other"]
    ws = wb["register"]
    assert ws.freeze_panes == "C2" and wb["other"].freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C3"
    assert ws.column_dimensions["B"].width == 50 and ws.column_dimensions["A"].width == 4
    cell = ws["B2"].value
    assert len(cell) == XLSX_CELL and cell.endswith("…")
    plain = tmp_path / "plain.xlsx"
    write_xlsx(plain, {"table": df}, style=False)
    assert load_workbook(plain)["table"].freeze_panes is None
