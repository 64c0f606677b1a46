"""Progress against a baseline (anchorlib.indicators.progress): hand-computed example, targets,
invariants, real ledgers.

The hand example is tests/test_collective.py's ledger (2022-23, the baseline year) plus
four payments in 2023-24:

    row anchor supplier                   tier        decile  category            £
     13  p     S2 Local Wash CIC          place       1       Laundry          1500
     14  c     S1 Acme Laundry Ltd        rest_of_uk  5       Laundry          1000
     15  f     S3 Big IT plc              wider       3       Computer Software 500
     16  p     S5 Testshire Fire & Rescue place       4       Collaboration     400  (pays f: intra)

Combined (net of intra payments): 2022-23 12,900 of which 2,800 in the place, 12,600
located, 2,800 in deciles 1-2; 2023-24 3,000 of which 1,500 in the place (decile 1), all
located.  The police alone, intra payments included (its own spend): 2022-23 8,200 with
5,200 in the place; 2023-24 1,900, all in the place.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from test_collective import _ROW, ROWS, lancashire_assets, make_collab, make_ledger

from anchorlib.config.collaborative import Target
from anchorlib.indicators import progress as P

approx = pytest.approx

ROWS_2324 = [
    ("p", "2023-24", 6, "S2", "Laundry", 1500, False),
    ("c", "2023-24", 7, "S1", "Laundry", 1000, False),
    ("f", "2023-24", 8, "S3", "Computer Software", 500, False),
    ("p", "2023-24", 9, "S5", "Collaboration", 400, False),
]

TARGETS = [
    Target(
        indicator="place_share_of_all",
        anchor="combined",
        target=0.40,
        by="2027-28",
        baseline=0.05,
        description="local spend from 5% to 40%",
    ),
    Target(indicator="deprived_share_of_located", anchor="combined", target=0.9, by="2025-26"),
    Target(indicator="total", anchor="combined", target=100000, by="2024-25"),
    Target(indicator="staff_local_share", anchor="combined", target=0.5, by="2027-28"),
]


def full_years(rows):
    """``rows`` plus a £0 line (supplier S1, category Padding) in every month an anchor has no
    line in, in each of its financial years: every anchor-year becomes a complete year (the
    baseline must be one) and no total, share or supplier count moves (a £0 line adds no spend,
    and a supplier is used only when its spend is positive)."""
    have = {(r[0], r[1], r[2]) for r in rows}
    pad = [
        (a, fy, m, "S1", "Padding", 0, False)
        for a, fy in sorted({(r[0], r[1]) for r in rows})
        for m in range(1, 13)
        if (a, fy, m) not in have
    ]
    return rows + pad


def nonzero(rows, c):
    """Lines other than the £0 padding."""
    return int((rows["_pence"] != 0).sum())


@pytest.fixture
def led():
    return make_ledger(full_years(ROWS + ROWS_2324))


@pytest.fixture
def partial():
    """The hand example as it is: no anchor covers a full year."""
    return make_ledger(ROWS + ROWS_2324)


@pytest.fixture
def collab():
    return make_collab(targets=TARGETS)


def _row(t, indicator, anchor, year):
    r = t[(t["indicator"] == indicator) & (t["anchor"] == anchor) & (t["financial_year"] == year)]
    assert len(r) == 1, (indicator, anchor, year)
    return r.iloc[0]


def test_progress_table_values_and_baseline(led, collab):
    t = P.progress_table(led, collab)
    assert t.attrs["baseline_year"] == "2022-23"
    b = _row(t, "place_share_of_all", "combined", "2022-23")
    assert b["value"] == approx(3000 / 13100) and b["is_baseline"] and b["change"] == 0
    r = _row(t, "place_share_of_all", "combined", "2023-24")
    assert r["value"] == approx(0.5) and r["baseline_value"] == approx(3000 / 13100)
    assert r["change"] == approx(0.5 - 3000 / 13100)
    assert r["change_relative"] == approx(0.5 / (3000 / 13100) - 1)
    assert _row(t, "place_share_of_located", "combined", "2022-23")["value"] == approx(3000 / 12800)
    assert _row(t, "deprived_share_of_located", "combined", "2023-24")["value"] == approx(0.5)
    assert _row(t, "total", "combined", "2022-23")["value"] == 13100
    assert _row(t, "total", "combined", "2023-24")["value"] == 3000
    p = _row(t, "place_share_of_all", "p", "2023-24")
    assert p["value"] == 1.0 and p["baseline_value"] == approx(5200 / 8200)
    assert _row(t, "total", "p", "2022-23")["value"] == 8200


def test_coverage_flags(partial, collab):
    t = P.progress_table(partial, collab)
    b = _row(t, "total", "combined", "2022-23")
    assert (
        b["months"] == 3
        and b["anchors_present"] == "c;p;f"
        and not b["complete"]
        and not b["comparable"]
    )
    assert _row(t, "total", "c", "2022-23")["months"] == 4
    cov = P.year_coverage(partial).set_index(["anchor_id", "financial_year"])["months"]
    assert cov[("f", "2022-23")] == 3 and cov[("p", "2023-24")] == 2


def test_targets_and_gaps(led, partial, collab):
    t = P.progress_table(led, collab)
    r = _row(t, "place_share_of_all", "combined", "2022-23")
    assert r["target"] == 0.40 and r["target_by"] == "2027-28" and r["target_baseline"] == 0.05
    assert r["gap"] == approx(0.40 - 3000 / 13100)
    assert _row(t, "place_share_of_all", "combined", "2023-24")["gap"] == approx(-0.1)
    assert pd.isna(
        _row(t, "place_share_of_all", "c", "2023-24")["target"]
    )  # targets are per anchor
    assert any("staff_local_share" in w for w in t.attrs["warnings"])
    s = P.targets_summary(t, collab, complete_only=False).set_index("indicator")
    place = s.loc["place_share_of_all"]
    assert place["latest_year"] == "2023-24" and place["gap"] == approx(-0.1) and place["on_track"]
    assert place["years_left"] == 4 and place["observed_per_year"] == approx(0.5 - 3000 / 13100)
    dep = s.loc["deprived_share_of_located"]
    assert dep["years_left"] == 2 and dep["required_per_year"] == approx(0.2)
    assert dep["observed_per_year"] == approx(0.5 - 3000 / 12800) and dep["on_track"]
    tot = s.loc["total"]
    assert tot["required_per_year"] == approx(97000) and tot["observed_per_year"] == approx(-10100)
    assert not tot["on_track"]
    assert pd.isna(s.loc["staff_local_share", "latest_year"])
    assert P.targets_summary(t, collab)["latest_year"].eq("2023-24").sum() == 3
    # only complete years count by default: none in the unpadded example
    tp = P.progress_table(partial, collab)
    assert P.targets_summary(tp, collab)["latest_year"].isna().all()


def test_indicators_are_plug_ins_and_options(led, collab):
    t = P.progress_table(
        led,
        collab,
        indicators={"rows": nonzero, "nothing": lambda rows, c: None},
        anchors=False,
    )
    assert set(t["anchor"]) == {"combined"}
    assert _row(t, "rows", "combined", "2022-23")["value"] == 9  # 11 counted, less 2 intra
    assert _row(t, "rows", "combined", "2023-24")["value"] == 3
    n = _row(t, "nothing", "combined", "2023-24")
    assert pd.isna(n["value"]) and pd.isna(n["change"])
    t2 = P.progress_table(
        led,
        collab,
        indicators={"rows": nonzero},
        baseline_year="2023-24",
        years=["2022-23"],
    )
    r = _row(t2, "rows", "combined", "2022-23")
    assert (
        set(t2["financial_year"]) == {"2022-23"} and r["baseline_value"] == 3 and r["change"] == 6
    )
    with pytest.raises(TypeError, match="number or None"):
        P.progress_table(led, collab, indicators={"bad": lambda rows, c: "high"})
    t3 = P.progress_table(led, collab, baseline_year="2019-20")
    assert any("2019-20" in w for w in t3.attrs["warnings"]) and t3["baseline_value"].isna().all()


def test_the_spend_helpers_functions_plug_in(led, collab):
    from anchorlib.indicators import spend as S

    fn = {"place_share_of_all": lambda rows, c: S.place_share(rows, c.place, "all")}
    t = P.progress_table(led, collab, indicators=fn)
    assert _row(t, "place_share_of_all", "combined", "2023-24")["value"] == approx(0.5)
    assert _row(t, "place_share_of_all", "combined", "2023-24")["gap"] == approx(-0.1)


_ROW_ANY_YEAR = _ROW.map(lambda r: (r[0], "2022-23" if r[2] % 2 else "2023-24", r[2], *r[3:]))


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ROW_ANY_YEAR, min_size=1, max_size=30))
def test_change_is_value_less_baseline_and_totals_add_up(rows):
    df = make_ledger(rows)
    collab = make_collab()
    t = P.progress_table(df, collab, indicators={"total": lambda r, c: P.spend.total_spend(r)})
    for _, r in t.iterrows():
        if pd.notna(r["value"]) and pd.notna(r["baseline_value"]):
            assert r["change"] == approx(r["value"] - r["baseline_value"])
    from anchorlib.indicators.collective import combined_totals

    for y, part in df.groupby("financial_year"):
        comb = t[(t["anchor"] == "combined") & (t["financial_year"] == y)]
        if len(comb):
            assert comb["value"].iloc[0] == approx(
                combined_totals(part, collab).loc["combined", "external"]
            )


# ---------------------------------------------------------------------- the real Lancashire ledgers


@pytest.fixture
def lancashire(real_data):
    return lancashire_assets()


@pytest.mark.shared
def test_real_lancashire_progress_against_plain_pandas(lancashire):
    collab, df = lancashire
    from anchorlib.indicators.collective import flag_intra_collaborative

    t = P.progress_table(df, collab)
    d = df[~df["is_duplicate"]]
    net = d[~flag_intra_collaborative(d, collab)]
    red = net["is_redacted"] | (net["org_type"] == "redacted")
    tier = net["tier"].where(net["tier"].notna() & ~red, "unknown")
    dec = pd.to_numeric(net["imd25_decile"], errors="coerce")
    # step 7 item 6: per anchor and supplier, a net credit is a receipt, left out (netting.py)
    sid = net["supplier_id"].where(net["supplier_id"].notna(), "key:" + net["supplier_key"])
    sid = sid.where(~red, "REDACTED")
    for y, part in net.groupby("financial_year"):
        pnet = part.groupby([part["anchor_id"], sid[part.index]])["amount_pence"].transform("sum")
        # and a negative line paid to a public body is a transfer in, left out too
        public = (part["amount_pence"] < 0) & (part["org_type"] == "public_body") & ~red[part.index]
        part = part[(pnet >= 0) & ~public]
        tp = tier[part.index]
        total = part["amount_pence"].sum()
        located = part.loc[tp != "unknown", "amount_pence"].sum()
        place = part.loc[tp == "place", "amount_pence"].sum()
        deprived = part.loc[(tp != "unknown") & dec[part.index].isin([1, 2]), "amount_pence"].sum()
        assert _row(t, "place_share_of_all", "combined", y)["value"] == approx(place / total)
        assert _row(t, "deprived_share_of_located", "combined", y)["value"] == approx(
            deprived / located
        )
        assert _row(t, "total", "combined", y)["value"] == approx(total / 100)
    base = t[(t["anchor"] == "combined") & t["is_baseline"]]
    # the demo's declared baseline: 2023-24, the one year every anchor publishes in full
    assert set(base["financial_year"]) == {"2023-24"}
    s = P.targets_summary(t, collab)
    assert list(s["indicator"]) == [
        "place_share_of_procurement",
        "deprived_share_of_procurement_located",
    ]
    show = t[
        (t["anchor"] == "combined")
        & t["indicator"].isin(["place_share_of_all", "deprived_share_of_located"])
    ]
    print(
        "\n",
        show[
            [
                "indicator",
                "financial_year",
                "value",
                "change",
                "gap",
                "months",
                "anchors_present",
                "complete",
            ]
        ].to_string(),
        "\n",
        s.T,
    )


def test_collaborative_indicators_by_year(led, collab):
    t = P.progress_table(led, collab)
    assert set(t.loc[t["indicator"] == "shared_suppliers", "anchor"]) == {"combined"}
    assert _row(t, "intra_collaborative_total", "combined", "2022-23")["value"] == 2700
    assert _row(t, "intra_collaborative_total", "combined", "2023-24")["value"] == 400
    # 2022-23: S1 (c, p) and S3 (c, f) are shared: 4000 + 5000 of 13100; 2023-24: no supplier is
    # shared
    assert _row(t, "shared_suppliers", "combined", "2022-23")["value"] == 2
    assert _row(t, "shared_supplier_share", "combined", "2022-23")["value"] == approx(9000 / 13100)
    r = _row(t, "shared_suppliers", "combined", "2023-24")
    assert r["value"] == 0 and r["change"] == -2
    mine = P.progress_table(led, collab, indicators={"n": P.combined_only(nonzero, all_rows=True)})
    assert (
        set(mine["anchor"]) == {"combined"}
        and _row(mine, "n", "combined", "2022-23")["value"] == 11
    )


# ---------------------------------------------------------------------- comparability (step 7)
#
# On the hand example without its -£200 credit note (its netting is item 6's business), padded
# to full years: 2022-23 combined 13,100 (15,800 less 2,700 intra), 12,800 located (the redacted
# £300 is not), 3,000 in the place (S2 500 + S7 2,500); 2023-24 as above.

PLAIN = [r for r in ROWS if r[5] > 0]


@pytest.fixture
def plain():
    return make_ledger(full_years(PLAIN + ROWS_2324))


def test_the_baseline_must_be_a_complete_year(partial, collab):
    # unpadded: in 2022-23 c has 4 months, p 4, f 3: no change against it, and a warning
    t = P.progress_table(partial, collab)
    r = _row(t, "place_share_of_all", "combined", "2023-24")
    assert r["value"] == approx(0.5) and not r["baseline_complete"]
    assert pd.isna(r["baseline_value"]) and pd.isna(r["change"])
    assert any(
        "2022-23 is not a complete year" in w and "f 3 of 12" in w for w in t.attrs["warnings"]
    )
    # without a declared baseline: the first year every anchor covers in full (2023-24 padded,
    # 2022-23 as it is)
    led = make_ledger(ROWS + full_years(ROWS_2324))
    t = P.progress_table(led, make_collab(baseline=None))
    assert t.attrs["baseline_year"] == "2023-24"
    b = _row(t, "total", "combined", "2023-24")
    assert b["is_baseline"] and b["baseline_complete"] and b["baseline_value"] == 3000


def test_located_share_beside_every_value(plain, collab):
    t = P.progress_table(plain, collab)
    # combined 2022-23: 12,800 of 13,100 located (the redacted £300 is not); 2023-24: all
    for ind in ("total", "place_share_of_all", "shared_suppliers"):
        assert _row(t, ind, "combined", "2022-23")["located_share"] == approx(12800 / 13100)
        assert _row(t, ind, "combined", "2023-24")["located_share"] == 1.0
    # c alone in 2022-23: 1000 + 4000 + 300 (redacted) = 5,300, 5,000 located
    assert _row(t, "total", "c", "2022-23")["located_share"] == approx(5000 / 5300)
    assert t["located_share"].notna().all()


def _with_vat(led, basis="net", p_2324=None):
    led = led.copy()
    led["vat_basis"] = basis
    if p_2324:
        led.loc[(led["anchor_id"] == "p") & (led["financial_year"] == "2023-24"), "vat_basis"] = (
            p_2324
        )
    return led


def test_comparable_needs_the_same_band_and_a_known_vat_basis(plain):
    led = plain
    collab = make_collab()
    # padded, no vat_basis column: every year's basis is unknown, never comparable
    t = P.progress_table(led, collab)
    r = _row(t, "total", "combined", "2023-24")
    assert r["complete"] and r["baseline_complete"] and not r["comparable"]
    assert (
        r["vat_basis"] == "unknown"
        and "VAT basis unknown in 2023-24" in r["not_comparable_because"]
    )
    # net everywhere, but the bands differ: c 2022-23 has £300 of 1000, 4000, 300 (1 in 3 under
    # £500, none under £250: £250); 2023-24 £1,000 only: £500
    t = P.progress_table(_with_vat(led), collab)
    r = _row(t, "total", "c", "2023-24")
    assert not r["comparable"]
    assert (
        r["not_comparable_because"]
        == "c: threshold £250 and over in 2022-23, £500 and over in 2023-24"
    )
    assert _row(t, "total", "f", "2023-24")["comparable"]  # f: £500 both years, net both years
    assert _row(t, "total", "combined", "2023-24")["threshold_band"] == (
        "c: £500 and over; p: £250 and over; f: £500 and over"
    )


def test_common_threshold_makes_the_bands_the_same(plain):
    led = plain
    collab = make_collab()
    collab.spec.indicators.common_threshold = 500
    t = P.progress_table(_with_vat(led), collab)
    # lines under £500 left out: 2022-23 loses c's redacted £300: 15,800 - 300 = 15,500 less
    # 2,700 intra = 12,800; the place: 500 (S2) + 2,500 (S7)
    b = _row(t, "total", "combined", "2022-23")
    assert b["value"] == 12800 and b["threshold_band"] == "£500 and over"
    assert _row(t, "place_share_of_all", "combined", "2022-23")["value"] == approx(3000 / 12800)
    # 2023-24: p's £400 (intra anyway) goes; 3,000 as before; every band £500, every line net
    r = _row(t, "place_share_of_all", "combined", "2023-24")
    assert r["comparable"] and r["not_comparable_because"] is None
    assert r["change"] == approx(0.5 - 3000 / 12800)
    # p switches to gross in 2023-24: no longer comparable, and the reason says so
    t = P.progress_table(_with_vat(led, p_2324="gross"), collab)
    r = _row(t, "total", "combined", "2023-24")
    assert not r["comparable"] and r["vat_basis"] == "mixed"
    assert "p: VAT basis net in 2022-23, gross in 2023-24" in r["not_comparable_because"]


def test_targets_carry_the_located_share_and_its_gate(plain):
    led = plain
    targets = [Target(indicator="place_share_of_all", target=0.4, by="2027-28")]
    targets.append(Target(indicator="total", target=1e5, by="2027-28"))
    collab = make_collab(targets=targets)
    collab.spec.indicators.min_located_share = 0.99
    t = P.progress_table(led, collab, years=["2022-23"])
    s = P.targets_summary(t, collab).set_index("indicator")
    # latest year 2022-23: 12,800 / 13,100 = 97.71% located, below 99%: floor to 97.7%
    place = s.loc["place_share_of_all"]
    assert place["latest_located_share"] == approx(12800 / 13100)
    assert place["located_gate_passed"] is False
    assert place["located_gate_sentence"].startswith(
        "Only 97.7% of the spend has a located supplier"
    )
    assert pd.isna(s.loc["total", "located_gate_passed"])  # not a geographic indicator
