"""Coverage of each anchor's published ledger and comparability (anchorlib.indicators.coverage;
step 7, items 11 and 12), on hand-built ledgers whose figures are worked out in the comments."""

from __future__ import annotations

import pandas as pd
import pytest

from anchorlib.indicators import coverage as C


def _ledger(lines):
    """``lines``: (anchor, financial year, 'YYYY-MM', pounds, vat_basis or None)."""
    recs = []
    for i, (a, fy, month, pounds, vat) in enumerate(lines):
        recs.append(
            {
                "anchor_id": a,
                "financial_year": fy,
                "payment_date": pd.Timestamp(f"{month}-15"),
                "amount_pence": int(round(pounds * 100)),
                "is_duplicate": False,
                "supplier_name": f"S{i}",
                "vat_basis": vat,
            }
        )
    return pd.DataFrame(recs)


def _months(fy):
    start = int(fy[:4])
    return [f"{start}-{m:02d}" for m in range(4, 13)] + [f"{start + 1}-{m:02d}" for m in (1, 2, 3)]


# a, 2022-23: one line a month, £600 .. £1,700, except July's £300; every line net.
A22 = [
    ("a", "2022-23", m, 300 if m.endswith("-07") else 600 + 100 * i, "net")
    for i, m in enumerate(_months("2022-23"))
]
# b, 2022-23: eleven months (no December), £500 each, and a £200 credit note in June; gross.
B22 = [("b", "2022-23", m, 500, "gross") for m in _months("2022-23") if m != "2022-12"] + [
    ("b", "2022-23", "2022-06", -200, "gross")
]
# a, 2023-24: twelve months of £1,000, plus a 50p line in May; March's lines read from an
# unknown-basis column (net the rest of the year).
A23 = [
    ("a", "2023-24", m, 1000, "unknown" if m == "2024-03" else "net") for m in _months("2023-24")
]
A23 += [("a", "2023-24", "2023-05", 0.5, "net")]


@pytest.fixture
def cov():
    return C.coverage_table(_ledger(A22 + B22 + A23)).set_index(["anchor_id", "financial_year"])


def test_coverage_table_by_hand(cov):
    a = cov.loc[("a", "2022-23")]
    # 12 months; smallest payment £300; 1 of 12 payment lines under £500 = 8.3% (> 1%, so not
    # the £500 band); none under £250: band £250; every line net.
    assert a["months"] == 12 and a["complete"] and a["missing_months"] == ""
    assert a["lines"] == 12 and a["smallest_payment"] == 300
    assert a["share_under_500"] == pytest.approx(1 / 12)
    assert a["threshold_seen"] == 250 and a["threshold_band"] == "£250 and over"
    assert a["vat_basis"] == "net" and a["vat_bases_seen"] == "net"
    b = cov.loc[("b", "2022-23")]
    # 11 months (December missing), 12 lines (the credit note is not a payment: smallest £500,
    # none of 11 payment lines under £500): band £500; gross.
    assert b["months"] == 11 and not b["complete"] and b["missing_months"] == "2022-12"
    assert b["lines"] == 12 and b["smallest_payment"] == 500 and b["share_under_500"] == 0
    assert b["threshold_band"] == "£500 and over" and b["vat_basis"] == "gross"
    a3 = cov.loc[("a", "2023-24")]
    # 13 lines, the 50p line: 1 of 13 under £250 = 7.7% > 1%: every line; net and unknown
    # lines together: the year's basis is unknown.
    assert a3["lines"] == 13 and a3["smallest_payment"] == 0.5
    assert a3["threshold_seen"] == 0 and a3["threshold_band"] == "every line"
    assert a3["vat_basis"] == "unknown" and a3["vat_bases_seen"] == "net;unknown"


def test_threshold_seen_tolerance():
    # 200 payment lines: 1 under £500 (0.5% <= 1%) -> £500; 3 under £500 (1.5%) but none under
    # £250 -> £250; 3 under £250 -> every line.  Negative and zero lines are not payments.
    many = [60000] * 199
    assert C.threshold_seen(pd.Series(many + [30000, -100, 0])) == 500
    assert C.threshold_seen(pd.Series(many[:197] + [30000] * 3)) == 250
    assert C.threshold_seen(pd.Series(many[:197] + [10000] * 3)) == 0
    assert C.threshold_seen(pd.Series([-5000], dtype="int64")) == 0


def test_vat_basis_is_never_assumed():
    assert C.year_basis(["net", "net"]) == "net"
    assert C.year_basis(["net", "unknown"]) == "unknown"
    assert C.year_basis(["net", "gross"]) == "mixed"
    led = _ledger(A22).drop(columns="vat_basis")
    assert set(C.vat_basis_column(led)) == {"unknown"}  # no column: unknown, not net
    odd = _ledger(
        [("a", "2022-23", "2022-04", 600, " NET "), ("a", "2022-23", "2022-05", 600, "x")]
    )
    assert list(C.vat_basis_column(odd)) == ["net", "unknown"]
    assert C.coverage_table(led)["vat_basis"].eq("unknown").all()


def test_common_threshold_and_bands():
    led = _ledger(
        [
            ("a", "2022-23", "2022-04", 600, "net"),
            ("a", "2022-23", "2022-05", 300, "net"),
            ("a", "2022-23", "2022-06", -120, "net"),
            ("a", "2022-23", "2022-07", -700, "net"),
        ]
    )
    # |£600| and |-£700| are at least £500; £300 and the £120 credit are left out
    kept = C.apply_common_threshold(led, 500)
    assert list(kept["amount_pence"]) == [60000, -70000]
    assert C.apply_common_threshold(led, None) is led
    # a (2022-23 above) publishes from £250; analysed from £500 its band is £500
    cov = C.coverage_table(_ledger(A22), common_threshold=500)
    assert cov["threshold_seen"].iloc[0] == 250 and cov["threshold_band"].iloc[0] == "£500 and over"


def test_common_full_years_and_comparable_basis(cov):
    c = cov.reset_index()
    assert C.common_full_years(c, ["a"]) == ["2022-23", "2023-24"]
    assert C.common_full_years(c, ["a", "b"]) == []  # b: 11 months in 2022-23, absent in 2023-24
    # combined "all years": a's two full years, comparable; with b no year is full for both, so
    # every year the coverage has, flagged not comparable
    assert C.combined_years(c, ["a"]) == (["2022-23", "2023-24"], True)
    assert C.combined_years(c, ["a", "b"]) == (["2022-23", "2023-24"], False)
    assert C.combined_years(c.iloc[0:0], ["a"]) == ([], False)
    assert C.comparable_basis(c, "a", "2022-23", "2022-23") == (True, [])
    ok, why = C.comparable_basis(c, "a", "2023-24", "2022-23")
    assert not ok and why == [
        "a: threshold £250 and over in 2022-23, every line in 2023-24",
        "a: VAT basis unknown in 2023-24",
    ]
    ok, why = C.comparable_basis(c, ["a", "b"], "2023-24", "2022-23")
    assert not ok and "b: 2022-23 has 11 of 12 months" not in why
    assert "b: no payments in 2023-24" in why


def test_net_against_gross_is_not_comparable():
    # a's 2022-23 (net, from £250) beside a 2023-24 of twelve £700-£800 lines (band £500), gross
    rows = A22 + [
        ("a", "2023-24", m, 800 if m.endswith("-07") else 700, "gross") for m in _months("2023-24")
    ]
    c = C.coverage_table(_ledger(rows))
    ok, why = C.comparable_basis(c, "a", "2023-24", "2022-23")
    assert not ok and why == [
        "a: threshold £250 and over in 2022-23, £500 and over in 2023-24",
        "a: VAT basis net in 2022-23, gross in 2023-24",
    ]


def test_coverage_json(cov):
    j = C.coverage_json(cov.reset_index())
    assert set(j) == {"a", "b"} and set(j["a"]) == {"2022-23", "2023-24"}
    assert j["b"]["2022-23"]["months"] == 11 and j["b"]["2022-23"]["vat_basis"] == "gross"
    assert j["a"]["2022-23"]["smallest_payment"] == 300
    import json

    json.dumps(j)  # JSON-able


def test_year_comparability_per_anchor_and_combined(cov):
    c = cov.reset_index()
    comp = C.year_comparability(c, ["a", "b"], "2022-23")
    # 2022-23 itself: a is comparable (full, £250, net); b has 11 months; combined: not, for b
    assert comp["2022-23"]["a"] == {"comparable": True, "not_comparable_because": []}
    assert comp["2022-23"]["b"]["not_comparable_because"] == ["b: 2022-23 has 11 of 12 months"]
    assert not comp["2022-23"]["combined"]["comparable"]
    # 2023-24: only a has payments: other anchors than in 2022-23, a's band and basis changed
    assert set(comp["2023-24"]) == {"a", "combined"}
    assert comp["2023-24"]["combined"]["not_comparable_because"][0] == (
        "other anchors than in the baseline year"
    )
    assert "a: VAT basis unknown in 2023-24" in comp["2023-24"]["a"]["not_comparable_because"]
    none = C.year_comparability(c, ["a"], None)
    assert none["2022-23"]["a"] == {
        "comparable": False,
        "not_comparable_because": ["no baseline year"],
    }


def test_coverage_in_the_text_of_anchor_indicators(cov):
    from anchorlib.cli.indicators import coverage_lines

    lines = coverage_lines(C.coverage_json(cov.reset_index()))
    assert lines[0].split() == [
        "anchor",
        "year",
        "months",
        "smallest",
        "under",
        "£500",
        "threshold",
        "VAT",
        "basis",
    ]
    rows = [ln.split(None, 2) for ln in lines[2:]]
    assert [r[:2] for r in rows] == [["a", "2022-23"], ["a", "2023-24"], ["b", "2022-23"]]
    # a 2022-23: 12 of 12, smallest £300.00, 1 in 12 under £500 = 8.3%, £250 and over, net
    assert lines[2].split()[2:] == [
        "12",
        "of",
        "12",
        "£300.00",
        "8.3%",
        "£250",
        "and",
        "over",
        "net",
    ]
    assert lines[4].split()[2:5] == ["11", "of", "12"]
