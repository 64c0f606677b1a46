"""The progress report (anchorlib.reports.progress): tables, year marks, charts and reading,
computed by hand.

The partial example is tests/test_progress.py's, without its -£200 credit note (PLAIN): its
ledger (2022-23, the baseline year) plus four payments in 2023-24.  Combined, net of payments
between members: 2022-23 13,100, 3,000 in the place (22.90%), 12,800 located, 3,000 in deciles
1-2 (23.44% of located); 2023-24 3,000, 1,500 in the place (50%), all located, 1,500 in decile 1
(50%).  Months with payments: 2022-23 c 3, p 4, f 3 (combined: 3); 2023-24 c 1, p 2, f 1
(combined: 1): every year incomplete, so no change is measured (the baseline must be complete).

The padded example is the same payments with a £0 line in every other month (every year
complete), amounts net of VAT.  Publication thresholds: c 2022-23 £250 (its £300 line: 1 in 3
under £500, none under £250), 2023-24 £500; p 2022-23 £500, 2023-24 £250 (its £400 line); f £500
both years: so 2023-24 is a full year not comparable with the baseline.

The full example: every anchor pays every month of both years, £100 to Acme Laundry (rest of the
UK) in 2022-23 and £100 to Builder Bros (in the place, decile 2) in 2023-24, net of VAT; so the
place share goes from 0% to 100%, every year is complete and comparable (every line published
both years), and the target (40%) is reached.
"""

from __future__ import annotations

import pandas as pd
import pytest
from test_collective import ROWS, make_collab, make_ledger
from test_progress import PLAIN, ROWS_2324, TARGETS, full_years

from anchorlib.config.collaborative import Target
from anchorlib.reports import progress as R
from anchorlib.reports import progress_charts as C

approx = pytest.approx
NAMES = {
    "c": "Testborough Borough Council",
    "p": "Police and Crime Commissioner for Testshire",
    "f": "Testshire Fire and Rescue Service",
}
PLACE_SHARE = "Spend with suppliers in Testshire, of all spend (%)"
B = 100 * 3000 / 13100  # the baseline place share, %
D = 100 * 3000 / 12800  # the baseline deprived share of located spend, %


def net(led):
    return led.assign(vat_basis="net")


@pytest.fixture(scope="module")
def rep():
    return R.collaborative_progress(
        make_collab(targets=TARGETS), make_ledger(PLAIN + ROWS_2324), complete_only=False
    )


@pytest.fixture(scope="module")
def padded():
    return R.collaborative_progress(
        make_collab(targets=TARGETS),
        net(make_ledger(full_years(PLAIN + ROWS_2324))),
        complete_only=False,
    )


def full_rows(drop_f_2324: bool = False):
    rows = []
    for fy, sup in (("2022-23", "S1"), ("2023-24", "S7")):
        for a in ("c", "p", "f"):
            if drop_f_2324 and a == "f" and fy == "2023-24":
                continue
            rows += [(a, fy, m, sup, "Laundry", 100, False) for m in range(1, 13)]
    return rows


@pytest.fixture(scope="module")
def full():
    t = [Target(indicator="place_share_of_all", anchor="combined", target=0.40, by="2027-28")]
    return R.collaborative_progress(make_collab(targets=t), net(make_ledger(full_rows())))


# --------------------------------------------------------------------------- labels and marks


def test_indicator_labels_and_units():
    assert R.indicator_label("place_share_of_all", "Testshire") == PLACE_SHARE
    assert (
        R.indicator_label("place_share_of_all", "Testshire", change=True)
        == "Spend with suppliers in Testshire, of all spend (percentage points)"
    )
    assert (
        R.indicator_label("total", "X") == "Spend (£)"
        and R.indicator_label("total", "X", change=True) == "Spend (£)"
    )
    assert (
        R.indicator_label("shared_suppliers", "X", unit=False)
        == "Suppliers used by two or more anchors"
    )
    assert [R.indicator_unit(n) for n in ("total", "located_share", "shared_suppliers")] == [
        "£",
        "%",
        "number",
    ]
    # indicators given by a collaborative: unit from the name
    assert R.indicator_unit("staff_local_share") == "%" and R.indicator_unit("grants_total") == "£"
    assert R.indicator_label("staff_local_share", "X") == "Staff local share (%)"


def test_anchor_ids_named_on_the_page():
    names = {"lancashire": "Lancashire CC", "lancashire_pcc": "The PCC"}
    assert R.named("lancashire_pcc: VAT basis unknown; lancashire: every line", names) == (
        "The PCC: VAT basis unknown; Lancashire CC: every line"
    )
    assert R.named("other anchors than in the baseline year", names) == (
        "other anchors than in the baseline year"
    )
    assert R.named(None, names) is None


def test_year_status_and_label():
    assert R.year_status(12, True, True, False, True) == "full year"
    assert R.year_status(12, True, True, True, True) == "baseline year, full year"
    assert (
        R.year_status(11, False, False, True, False) == "baseline year, incomplete: 11 of 12 months"
    )
    assert R.year_status(7, False, False, False, True) == "incomplete: 7 of 12 months"
    assert (
        R.year_status(12, True, False, False, False) == "full year; the baseline year is incomplete"
    )
    assert (
        R.year_status(12, True, False, False, True)
        == "full year; other anchors than in the baseline year"
    )
    assert (
        R.year_status(12, True, False, False, True, "c: VAT basis unknown in 2023-24")
        == "full year; not comparable: c: VAT basis unknown in 2023-24"
    )
    assert (
        R.year_status(12, True, False, True, True, "c: VAT basis unknown in 2022-23")
        == "baseline year, full year; not comparable: c: VAT basis unknown in 2022-23"
    )
    assert R.year_label("2022-23", "2022-23", False) == "2022-23 (baseline, incomplete)"
    assert R.year_label("2022-23", "2022-23", True) == "2022-23 (baseline)"
    assert R.year_label("2023-24", "2022-23", False) == "2023-24 (incomplete)"
    assert R.year_label("2023-24", "2022-23", True) == "2023-24"


# --------------------------------------------------------------------------- tables


def test_headline_and_change_tables(rep, padded):
    h = rep.headline.set_index("indicator")
    assert list(h.columns) == ["2022-23 (baseline, incomplete)", "2023-24 (incomplete)"]
    assert h.loc[PLACE_SHARE].tolist() == approx([B, 50.0])
    assert h.loc["Spend (£)"].tolist() == [13100, 3000]
    assert h.loc[
        "Spend in the most deprived neighbourhoods, of located spend (%)"
    ].tolist() == approx([D, 50.0])
    assert h.loc["Paid from one member anchor to another (£)"].tolist() == [2700, 400]
    assert h.loc["Suppliers used by two or more anchors (number)"].tolist() == [2, 0]
    # the baseline year is incomplete: no change is measured against it
    assert rep.change.set_index("indicator").loc["Spend (£)"].isna().all()
    h = padded.headline.set_index("indicator")
    assert list(h.columns) == ["2022-23 (baseline)", "2023-24"]
    assert h.loc["Spend with a located supplier (%)"].tolist() == approx([100 * 12800 / 13100, 100])
    c = padded.change.set_index("indicator")
    assert c.loc[
        "Spend with suppliers in Testshire, of all spend (percentage points)"
    ].tolist() == [0.0, round(50 - B, 1)]
    assert c.loc["Spend (£)"].tolist() == [0, 3000 - 13100]


def test_coverage_table(rep, padded, full):
    t = rep.coverage.set_index("financial year")
    assert t[[f"{n} (months)" for n in NAMES.values()]].values.tolist() == [[3, 4, 3], [1, 2, 1]]
    assert t["anchors with payments (number)"].tolist() == [3, 3]
    assert t["year"].tolist() == [
        "baseline year, incomplete: 3 of 12 months",
        "incomplete: 1 of 12 months",
    ]
    assert t["VAT basis"].tolist() == ["unknown", "unknown"]  # the ledger does not say
    f = full.coverage.set_index("financial year")
    assert f["year"].tolist() == ["baseline year, full year", "full year"]
    assert f["threshold band"].tolist() == ["every line", "every line"]
    p = padded.coverage.set_index("financial year")
    assert p.loc["2022-23", "year"] == "baseline year, full year"
    # the library's anchor ids are the anchors' names on the page
    assert p.loc["2023-24", "year"] == (
        f"full year; not comparable: {NAMES['c']}: threshold £250 and over in 2022-23, £500 and "
        f"over in 2023-24; {NAMES['p']}: threshold £500 and over in 2022-23, £250 and over in "
        "2023-24"
    )
    assert p.loc["2023-24", "threshold band"] == (
        f"{NAMES['c']}: £500 and over; {NAMES['p']}: £250 and over; {NAMES['f']}: £500 and over"
    )
    part = R.collaborative_progress(make_collab(), net(make_ledger(full_rows(drop_f_2324=True))))
    p = part.coverage.set_index("financial year")
    assert p.loc["2023-24", "year"] == (
        "full year; not comparable: other anchors than in the baseline year"
    )
    assert (
        pd.isna(p.loc["2023-24", f"{NAMES['f']} (months)"])
        and p.loc["2023-24", "anchors with payments (number)"] == 2
    )


def test_targets_table_every_year(padded):
    t = padded.targets.set_index("indicator")
    assert "declared baseline" in t.columns  # one target declares its baseline (5%)
    place = t.loc[PLACE_SHARE]
    assert place["for"] == "All anchors combined" and place["baseline year"] == "2022-23"
    assert place["baseline"] == approx(B) and place["declared baseline"] == approx(5)
    assert place["latest year"] == "2023-24" and place["latest"] == approx(50)
    assert (
        place["target"] == approx(40)
        and place["gap to target"] == approx(-10)
        and place["on track"] == "yes"
    )
    assert place["located share, latest year (%)"] == 100
    assert place["latest year comparable with the baseline"] == "no"  # c and p changed threshold
    dep = t.loc["Spend in the most deprived neighbourhoods, of located spend (%)"]
    assert dep["gap to target"] == approx(40) and dep["needed per year"] == approx(
        20
    )  # 2 years to 2025-26
    assert dep["achieved per year since the baseline"] == approx(50 - D)
    assert dep["on track"] == "yes"
    tot = t.loc["Spend (£)"]
    assert (tot["latest"], tot["gap to target"], tot["needed per year"]) == (3000, 97000, 97000)
    assert tot["achieved per year since the baseline"] == -10100 and tot["on track"] == "no"
    staff = t.loc["Staff local share (%)"]  # no indicator function: listed, never judged
    assert staff["latest year"] == "–" and staff["on track"] == "no full year yet"


def test_targets_table_complete_years_only():
    p = R.collaborative_progress(make_collab(targets=TARGETS), make_ledger(ROWS + ROWS_2324))
    assert set(p.targets["on track"]) == {
        "no full year yet"
    }  # every year of the example is incomplete
    assert p.targets["latest"].isna().all()


def test_target_year_table(padded):
    assert set(padded.target_years) == {
        ("place_share_of_all", "combined"),
        ("deprived_share_of_located", "combined"),
        ("total", "combined"),
    }
    t = padded.target_years[("place_share_of_all", "combined")]
    assert t.columns.tolist() == [
        "financial year",
        "year",
        PLACE_SHARE,
        "located share (%)",
        "target (%)",
        "gap to target (percentage points)",
        "change since the baseline (percentage points)",
    ]
    assert t[PLACE_SHARE].tolist() == approx([B, 50])
    assert t["located share (%)"].tolist() == approx([100 * 12800 / 13100, 100])
    assert t["gap to target (percentage points)"].tolist() == [round(40 - B, 1), -10.0]
    assert t["change since the baseline (percentage points)"].tolist() == [0.0, round(50 - B, 1)]
    assert t["year"].iloc[0] == "baseline year, full year"
    assert t["year"].iloc[1].startswith(f"full year; not comparable: {NAMES['c']}: threshold")
    tot = padded.target_years[("total", "combined")]
    assert tot["gap to target (£)"].tolist() == [100000 - 13100, 100000 - 3000]


def test_long_table(padded):
    t = padded.long
    assert len(t) == len(padded.table)
    r = t[
        (t["indicator"] == PLACE_SHARE)
        & (t["for"] == NAMES["p"])
        & (t["financial year"] == "2023-24")
    ].iloc[0]
    assert r["value"] == 100 and r["baseline"] == approx(100 * 5200 / 8200)
    assert r["year"] == (
        f"full year; not comparable with the baseline: {NAMES['p']}: threshold £500 and over in "
        "2022-23, £250 and over in 2023-24"
    )
    assert r["located share (%)"] == 100 and r["threshold band"] == "£250 and over"
    assert r["VAT basis"] == "net"
    comb = t[(t["indicator"] == PLACE_SHARE) & (t["for"] == "All anchors combined")]
    assert comb["target"].tolist() == [40, 40] and comb["gap to target"].tolist() == approx(
        [40 - B, -10]
    )
    assert t["located share (%)"].notna().all()  # beside every value


def test_restatements_on_the_page(padded, tmp_path):
    from anchorlib.assets import baseline as BL

    collab = make_collab(targets=TARGETS)
    led = net(make_ledger(full_years(PLAIN + ROWS_2324)))
    data = collab.output_dir(tmp_path) / "data"
    data.mkdir(parents=True)
    (data / "suppliers.csv").write_text("supplier_id\nS7\n")
    base, figs = BL.baseline_figures(collab, led)
    snap = {
        "baseline_year": base,
        "register_version": "aaaa",
        "figures": [
            {"indicator": i, "anchor": a, "value": v, "located_share": loc}
            for i, a, v, loc in figs.itertuples(index=False)
        ],
    }
    # frozen when the combined place share was 2,500 of 13,100 (S7 thought outside the place)
    for f in snap["figures"]:
        if (f["indicator"], f["anchor"]) == ("place_share_of_all", "combined"):
            f["value"] = 2500 / 13100
    (data / "baseline.json").write_text(__import__("json").dumps(snap))
    p = R.collaborative_progress(collab, led, complete_only=False, out_root=tmp_path)
    assert len(p.restated) == 1
    r = p.restated.iloc[0]
    assert r["indicator"] == PLACE_SHARE and r["for"] == "All anchors combined"
    assert r["frozen"] == approx(100 * 2500 / 13100) and r["restated"] == approx(B)
    assert r["difference"] == approx(100 * 500 / 13100)
    assert r["why"].startswith("supplier register edited (version aaaa -> ")
    text = R.progress_reading(p)
    assert any(
        s.startswith(
            "1 baseline figure is restated since the baseline was frozen (supplier "
            "register version aaaa)"
        )
        and f"{100 * 2500 / 13100:.1f}% as frozen, {B:.1f}% now" in s
        for s in text
    )
    # the page's baseline is the restated figure (like with like)
    assert p.summary.set_index("indicator").loc["place_share_of_all", "baseline_value"] == approx(
        3000 / 13100
    )
    assert padded.frozen is None and padded.restated.empty  # nothing frozen for testshire


def test_simulated_flag():
    led = make_ledger(ROWS + ROWS_2324)
    assert not R.collaborative_progress(make_collab(), led).simulated
    led.loc[led["postcode_source"].notna(), "postcode_source"] = "simulated"
    assert R.collaborative_progress(make_collab(), led).simulated


def test_baseline_year_override():
    p = R.collaborative_progress(
        make_collab(), make_ledger(ROWS + ROWS_2324), baseline_year="2023-24"
    )
    assert p.baseline_year == "2023-24"
    assert list(p.headline.columns)[1:] == [
        "2022-23 (incomplete)",
        "2023-24 (baseline, incomplete)",
    ]


# --------------------------------------------------------------------------- charts


def _texts(fig):
    ax = fig.axes[0]
    return [t.get_text() for t in ax.get_xticklabels()], [
        t.get_text() for t in ax.get_legend().get_texts()
    ]


def test_progress_chart_marks_the_baseline_and_the_target(rep):
    import matplotlib.pyplot as plt

    fig = C.progress_chart(rep, "place_share_of_all")
    ticks, legend = _texts(fig)
    assert ticks == [
        "2022-23",
        "2023-24",
        "2024-25",
        "2025-26",
        "2026-27",
        "2027-28",
    ]  # out to the target year
    assert "baseline year (2022-23)" in legend and "target: 40.0% by 2027-28" in legend
    assert "open circle: incomplete year" in legend
    ax = fig.axes[0]
    assert ax.get_xlabel() == "financial year" and ax.get_ylabel() == "share (%)"
    assert any(list(line.get_ydata()) == [40.0, 40.0] for line in ax.get_lines())  # the target line
    plt.close(fig)
    fig = C.progress_chart(rep, "total")
    ticks, legend = _texts(fig)
    assert (
        ticks[-1] == "2024-25" and fig.axes[0].get_ylabel() == "£ million"
    )  # total's target is 2024-25
    plt.close(fig)
    fig = C.progress_chart(rep, "located_share")  # no target: the years with figures only
    assert _texts(fig)[0] == ["2022-23", "2023-24"]
    plt.close(fig)


def test_shares_chart(rep):
    import matplotlib.pyplot as plt

    fig = C.shares_chart(rep)
    legend = _texts(fig)[1]
    assert (
        "Spend with suppliers in Testshire, of all spend" in legend
        and "baseline year (2022-23)" in legend
    )
    assert fig.axes[0].get_ylim() == (0, 100)
    plt.close(fig)


def test_alt_texts(rep):
    assert C.chart_alt(rep, "place_share_of_all") == (
        "Line chart of spend with suppliers in Testshire, of all spend for all anchors combined "
        "by financial year: "
        f"2022-23 {B:.1f}% (incomplete); 2023-24 50.0% (incomplete). Baseline year 2022-23. "
        "Target 40.0% by 2027-28."
    )
    assert C.chart_alt(rep, "total").startswith(
        "Line chart of spend for all anchors combined by financial year: "
        "2022-23 £13,100 (incomplete)"
    )
    assert C.shares_alt(rep).startswith(
        f"Line chart of shares of combined spend by financial year: Spend with "
        f"suppliers in Testshire, of all spend {B:.1f}% in 2022-23, 50.0% in 2023-24"
    )


# --------------------------------------------------------------------------- the reading


def test_reading_is_made_from_the_figures(rep, padded):
    text = R.progress_reading(rep)
    assert text[0] == (
        "Progress is measured against 2022-23, the baseline year, over 2 financial years of "
        "payments (2022-23 to 2023-24)."
    )
    assert text[1].startswith("2022-23, 2023-24: fewer than 12 months of payments")
    assert text[2] == (
        "The baseline year 2022-23 is itself incomplete: a baseline must be a complete year, so "
        "no change is measured against it; declare a complete year as baseline_year."
    )
    # no computed baseline: the target's declared one (5%) says it is a target to rise to
    assert (
        "Spend with suppliers in Testshire, of all spend: 50.0% in 2023-24, 100.0% of its spend "
        "located; the target is 40.0% by 2027-28, already reached."
    ) in text
    assert any("2022-23 is not a complete year" in s for s in text)
    text = R.progress_reading(padded)
    assert text[1] == (
        "2023-24: full years, but not comparable with the baseline year (another publication "
        "threshold, VAT basis or set of anchors; the years table says which), so the change "
        "since the baseline is indicative only."
    )
    assert (
        f"Spend with suppliers in Testshire, of all spend: 50.0% in 2023-24, 100.0% of its spend "
        f"located, from {B:.1f}% in 2022-23; the target is 40.0% by 2027-28, already reached."
    ) in text
    # (50 - 23.4375) = 26.5625 points a year: 26.6
    assert (
        "Spend in the most deprived neighbourhoods, of located spend: 50.0% in 2023-24, 100.0% "
        "of its spend located, from 23.4% in 2022-23; the target is 90.0% by 2025-26, a gap of "
        "40.0 percentage points, 20.0 percentage points a year to close it; since the baseline "
        "it has moved 26.6 percentage points a year up (not comparable with the baseline: "
        "indicative only): on track."
    ) in text
    assert (
        "Spend: £3,000 in 2023-24, from £13,100 in 2022-23; the target is £100,000 by 2024-25, "
        "a gap of £97,000, £97,000 a year to close it; since the baseline it has moved £10,100 "
        "a year down (not comparable with the baseline: indicative only): not on track."
    ) in text
    assert "Staff local share: no year to judge the target of 50.0% by 2027-28 against yet." in text
    assert any(s.startswith("Note: target 'staff_local_share'") for s in text)


def test_reading_gates_a_geographic_target_on_the_located_share():
    # padded, but c's £1,000 with S1 in 2023-24 has no location: 2,000 of 3,000 located
    led = net(make_ledger(full_years(PLAIN + ROWS_2324)))
    led.loc[(led["financial_year"] == "2023-24") & (led["amount_pence"] == 100000), "tier"] = None
    p = R.collaborative_progress(make_collab(targets=TARGETS), led, complete_only=False)
    text = R.progress_reading(p)
    # 66.67% located, floored to 66.6%, below the 80% needed: the located share comes first
    from anchorlib.indicators.gates import located_gate

    gate = located_gate(2000 / 3000, 0.8)["sentence"]
    assert gate.startswith("Only 66.6% of the spend has a located supplier")
    assert (
        f"Spend with suppliers in Testshire, of all spend, 2023-24: {gate} The figure is 50.0%; "
        "the target is 40.0% by 2027-28; progress against it is not judged until more of the "
        "spend is located."
    ) in text
    assert any(s.startswith("Spend: £3,000 in 2023-24") for s in text)  # not geographic


def test_reading_full_years_and_no_targets(full):
    text = R.progress_reading(full)
    assert not any("incomplete" in s for s in text)
    assert (
        "Spend with suppliers in Testshire, of all spend: 100.0% in 2023-24 (the latest full "
        "year), 100.0% of its spend located, from 0.0% in "
        "2022-23; the target is 40.0% by 2027-28, already reached."
    ) in text
    none = R.collaborative_progress(make_collab(), make_ledger(full_rows(drop_f_2324=True)))
    text = R.progress_reading(none)
    assert (
        "The collaborative's YAML declares no targets yet: add them under `targets` to track gaps."
        in text
    )
    assert any(s.startswith("Not every anchor has payments in 2023-24") for s in text)


def test_sources():
    assert R.sources(make_collab()) == [
        "imd2025",
        "onspd_lookup",
        "codepoint_open",
        "lookup_lsoa21_ward24",
        "lookup_lad24_region",
    ]
