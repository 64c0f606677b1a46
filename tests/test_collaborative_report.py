"""The collaborative spend report (anchorlib.reports.collaborative_spend): its tables and reading on
the hand example.

The ledger is tests/test_collective.py's: three anchors of "Testshire" (council ``c``,
police ``p``, fire ``f``), eleven payments in 2022-23 plus one republished row.  Worked by hand:

* gross 15,800 (c's -200 from S7, which c never paid, is a receipt: left out, step 7 item 6);
  paid between members 2,700 (p -> c 2,000 business rates, p -> f 700); combined 13,100;
  eight payments counted once the two to members and the receipt are left out;
* by tier: place 3,000 (S2 500, S7 2,500), wider 5,000 (S3), rest of UK 4,800
  (S1 4,000, S8 800), unknown 300 (redacted); located 12,800;
* by decile: 1: 500, 2: 2,500, 3: 5,000, 5: 4,000, 8: 800; deprived (1-2) 3,000;
* procurement spend: 13,100 less HMRC (S8) 800 and the redacted 300 = 12,000, all located;
  in the place 3,000 (25%); portfolio HHI (S3 5,000, S1 4,000, S7 2,500, S2 500 of 12,000)
  = 47.5 / 144 = 0.32986 -> 3,298.6 of 10,000;
* suppliers used (net > 0): c {S1, S3}, p {S1, S7}, f {S2, S3, S8}; shared: S3 (c, f, 5,000),
  S1 (c, p, 4,000);
* named net positive spend S3 5,000, S1 4,000, S7 2,500, S8 800, S2 500 (12,800):
  HHI = (5000² + 4000² + 2500² + 800² + 500²) / 12800²;
* addressable: 13,100 less S8 (a public body, and tax) and the redacted 300 = 12,000;
* opportunities: IT 5,000 outside the place (c 4,000, f 1,000; nothing local), laundry 4,000
  outside (c 1,000, p 3,000) and 500 local (Local Wash CIC): local share 500 / 4,500.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from test_collective import PLACE, ROWS, make_collab, make_ledger

from anchorlib.config.categories import load_common_categories
from anchorlib.indicators import collective as C
from anchorlib.reports import collaborative_spend as R
from anchorlib.reports.anchor_spend import AnchorSpend, spend_reading

approx = pytest.approx
NAMES = {
    "c": "Testborough Borough Council",
    "p": "Police and Crime Commissioner for Testshire",
    "f": "Testshire Fire and Rescue Service",
}


@pytest.fixture(scope="module")
def rep():
    return R.collaborative_spend(make_collab(), make_ledger())


def _measures(df: pd.DataFrame) -> dict:
    return dict(zip(df["measure"], df["value"]))


def test_anchor_names_keep_unknown_ids():
    collab = make_collab()
    assert R.anchor_names(collab) == NAMES
    assert R.anchor_names(collab, ["p", "zz"]) == {"p": NAMES["p"], "zz": "zz"}


def test_summary_table(rep):
    m = _measures(rep.summary)
    assert m["Spend of all anchors, receipts and transfers left out (£)"] == 15800
    assert m["Paid from one member anchor to another (£)"] == 2700
    assert m["Combined spend, net of payments between members (£)"] == 13100
    assert m["Payments counted (number)"] == 8
    assert m["Suppliers paid (number)"] == 5
    assert m["Suppliers used by two or more anchors (number)"] == 2
    assert m["Combined spend with suppliers used by two or more anchors (£)"] == 9000
    assert m["Spend with a located supplier (%)"] == approx(100 * 12800 / 13100)
    assert m["Receipts and transfers left out (£)"] == -200
    assert m["Procurement spend, with suppliers (£)"] == 12000
    assert m["Procurement spend with a located supplier (%)"] == 100
    assert m["Headline: spend with suppliers in Testshire, of procurement spend (%)"] == 25
    assert m["Spend with suppliers in Testshire, of located procurement spend (%)"] == 25
    assert m["Spend with suppliers in Testshire, of all spend (%)"] == approx(100 * 3000 / 13100)
    assert m["Spend with suppliers in Testshire, of located spend (%)"] == approx(
        100 * 3000 / 12800
    )
    assert m["Spend in the most deprived neighbourhoods, of located spend (%)"] == approx(
        100 * 3000 / 12800
    )
    assert m["Addressable spend (£)"] == 12000
    assert m["Spend located by a simulated postcode (%)"] == 0
    assert not rep.simulated and rep.shared_count == 2 and rep.shared_spend == 9000
    assert all(str(k).endswith(("(£)", "(%)", "(number)")) for k in m)


def test_anchor_table(rep):
    t = rep.anchors.set_index("anchor")
    assert list(t.index) == [NAMES["c"], NAMES["p"], NAMES["f"], "All anchors combined"]
    assert t.loc[
        NAMES["p"],
        [
            "spend, receipts left out (£)",
            "paid to member anchors (£)",
            "spend outside the collaborative (£)",
        ],
    ].tolist() == [8200, 2700, 5500]
    assert t.loc[NAMES["c"], "spend outside the collaborative (£)"] == 5300
    assert t.loc["All anchors combined", "spend outside the collaborative (£)"] == 13100
    assert t.loc["All anchors combined", "payments to member anchors (number)"] == 2


def test_tier_table(rep):
    t = rep.tiers.set_index("tier (innermost first)")
    assert list(t.index) == ["place (Testshire)", "wider", "rest of uk", "location not known"]
    assert t["spend (£)"].tolist() == [3000, 5000, 4800, 300]
    assert t.loc["place (Testshire)", "share of all spend (%)"] == approx(100 * 3000 / 13100)
    assert t.loc["wider", "share of located spend (%)"] == approx(100 * 5000 / 12800)
    assert pd.isna(t.loc["location not known", "share of located spend (%)"])
    # c's receipt from S7 is not netted away: no tier of c is negative
    assert t[f"{NAMES['c']} (£)"].tolist() == [0, 4000, 1000, 300]
    assert t[f"{NAMES['p']} (£)"].tolist() == [2500, 0, 3000, 0]  # the 2,700 to members left out


def test_decile_table_leaves_out_the_deprived_summary_row(rep):
    t = rep.deciles.set_index(C.decile_heading())
    assert "deprived" not in t.index and len(t) == 12
    assert t.loc["1 (most deprived 10%)", "spend (£)"] == 500 and t.loc["2", "spend (£)"] == 2500
    assert t.loc["1 (most deprived 10%)", "share of located spend (%)"] == approx(100 * 500 / 12800)
    assert t.loc["location not known", "spend (£)"] == 300
    assert pd.isna(t.loc["location not known", "share of located spend (%)"])
    assert (
        t.loc[
            C.no_decile_words(),
            "spend (£)",
        ]
        == 0
    )
    assert t["spend (£)"].sum() == 13100
    assert t.loc["2", f"{NAMES['c']} (£)"] == 0


def test_the_decile_chart_takes_the_ranked_deciles_only(rep):
    from anchorlib.reports.charts import ranked_deciles

    col = C.decile_heading()
    ranked = ranked_deciles(rep.deciles, col)
    assert ranked[col].tolist() == ["1 (most deprived 10%)"] + [str(d) for d in range(2, 10)] + [
        "10 (least deprived 10%)"
    ]
    assert "location not known" in rep.deciles[col].tolist()
    assert ranked_deciles(rep.deciles.iloc[:0], col).empty


def test_tier_deprivation_table(rep):
    t = rep.tier_deprivation.set_index("tier (innermost first)")
    assert list(t.index) == ["place (Testshire)", "wider", "rest of uk", "all located tiers"]
    assert t.loc["place (Testshire)", "in the most deprived neighbourhoods (£)"] == 3000
    assert t.loc["place (Testshire)", "share of spend in England (%)"] == 100
    assert t.loc["wider", "in the most deprived neighbourhoods (£)"] == 0
    assert t.loc[
        "all located tiers",
        [
            "spend (£)",
            "spend with suppliers in England (£)",
            "in the most deprived neighbourhoods (£)",
        ],
    ].tolist() == [12800, 12800, 3000]
    assert t.loc["all located tiers", "share of spend in England (%)"] == approx(100 * 3000 / 12800)


def test_overlap_table(rep):
    t = rep.overlap.set_index("anchor")
    assert list(t.index) == list(NAMES.values())
    assert list(t.columns) == [f"{n} (suppliers)" for n in NAMES.values()]
    assert t.values.tolist() == [[2, 1, 1], [1, 2, 0], [1, 0, 3]]


def test_shared_supplier_table(rep):
    t = rep.shared_suppliers
    assert t["supplier"].tolist() == ["Big IT plc", "Acme Laundry Ltd"]
    assert t["anchors using it (number)"].tolist() == [2, 2]
    assert t["anchors"].tolist() == [f"{NAMES['c']}, {NAMES['f']}", f"{NAMES['c']}, {NAMES['p']}"]
    assert t["combined spend (£)"].tolist() == [5000, 4000]
    assert t[f"{NAMES['p']} (£)"].tolist() == [0, 3000]
    assert t["organisation type"].tolist() == ["Companies", "Companies"]
    assert t["tier"].tolist() == ["wider", "rest of uk"]
    assert (
        len(
            R.collaborative_spend(make_collab(), make_ledger(), suppliers_listed=1).shared_suppliers
        )
        == 1
    )


def test_opportunity_table(rep):
    rules = load_common_categories()
    t = rep.opportunities
    assert t["category"].tolist() == [rules.get("it_telecoms").label, rules.get("laundry").label]
    it, laundry = t.iloc[0], t.iloc[1]
    assert it["bought from outside the place (£)"] == 5000 and it["bought in the place (£)"] == 0
    assert (
        it["local share of located spend (%)"] == 0 and it["anchors buying outside (number)"] == 2
    )
    assert it["anchors"] == f"{NAMES['c']}, {NAMES['f']}"
    assert laundry["local share of located spend (%)"] == approx(100 * 500 / 4500)
    assert laundry[f"{NAMES['c']} outside the place (£)"] == 1000
    assert laundry[f"{NAMES['p']} outside the place (£)"] == 3000
    assert laundry["local suppliers already paid (number)"] == 1
    assert laundry["largest local suppliers"] == "Local Wash CIC (£500)"
    assert laundry["bought jointly elsewhere"] and it["moveable spend (HAN)"]
    assert (
        len(
            R.collaborative_spend(
                make_collab(), make_ledger(), opportunities_listed=1
            ).opportunities
        )
        == 1
    )
    # with three anchors required, no category qualifies
    assert R.collaborative_spend(make_collab(), make_ledger(), min_anchors=3).opportunities.empty


def test_left_out_table():
    rules = load_common_categories()
    t = R.left_out_table({"unclassified": 50.0, "insurance": 120.0}, rules)
    assert t.values.tolist() == [
        [rules.get("insurance").label, 120.0],
        ["Unclassified (no category rule matched)", 50.0],
    ]
    assert R.left_out_table({}).columns.tolist() == [
        "category left out",
        "bought from outside the place (£)",
    ]


def test_left_out_on_the_hand_example_is_empty(rep):
    assert (
        rep.left_out.empty
    )  # every addressable category in the example is on the list and addressable


def test_concentration_and_top_suppliers(rep):
    m = _measures(rep.concentration)
    # portfolio concentration, on procurement spend (HMRC and the redacted payee left out)
    port = (5000**2 + 4000**2 + 2500**2 + 500**2) / 12000**2
    assert m["Portfolio concentration of procurement spend, HHI 0 to 10,000 (index)"] == approx(
        10000 * port
    )
    hhi = (5000**2 + 4000**2 + 2500**2 + 800**2 + 500**2) / 12800**2
    assert m["HHI of all named-supplier spend, 0 to 10,000 (index)"] == approx(10000 * hhi)
    assert m["Share of named-supplier spend with the 10 largest suppliers (%)"] == approx(100)
    assert m["Suppliers paid (number)"] == 5 and len(m) == 4  # top_n is 10: one top-N row
    t = rep.top_suppliers
    assert t["supplier id"].tolist() == ["S3", "S1", "S7", "S8", "S2"]
    assert t["net spend (£)"].tolist() == [5000, 4000, 2500, 800, 500]
    assert t.loc[0, "share of named-supplier spend (%)"] == approx(100 * 5000 / 12800)
    # per category: laundry S1 4000 and S2 500 of 4500; IT S3 alone; construction S7 alone
    cat = rep.category_concentration.set_index("category")
    laundry = load_common_categories().get("laundry").label
    assert cat.loc[laundry, "HHI, 0 to 10,000 (index)"] == approx(
        10000 * (4000**2 + 500**2) / 4500**2
    )
    assert cat.loc[laundry, "suppliers (number)"] == 2
    assert t["anchors using it (number)"].tolist() == [
        2,
        2,
        1,
        1,
        1,
    ]  # c's Builder Bros net is negative
    assert t["rank"].tolist() == [1, 2, 3, 4, 5]


def test_intra_table(rep):
    assert rep.intra[
        ["paid by", "paid to", "payments (number)", "spend (£)", "an anchor paying itself"]
    ].values.tolist() == [
        [NAMES["p"], NAMES["c"], 1, 2000.0, False],
        [NAMES["p"], NAMES["f"], 1, 700.0, False],
    ]
    empty = R.intra_table(
        pd.DataFrame(
            columns=["anchor_id", "payee_anchor", "payments", "spend", "payee_names", "self"]
        ),
        NAMES,
    )
    assert empty.empty and "spend (£)" in empty.columns


def test_every_column_carries_a_unit_or_is_a_label(rep):
    labels = {
        "anchor",
        "tier (innermost first)",
        C.decile_heading(),
        "supplier",
        "anchors",
        "organisation type",
        "tier",
        "rank",
        "category",
        "largest local suppliers",
        "largest suppliers outside the place",
        "moveable spend (HAN)",
        "bought jointly elsewhere",
        "supplier id",
        "paid by",
        "paid to",
        "an anchor paying itself",
        "payee names as published",
        "category left out",
        "measure",
        "value",
    }
    for name in (
        "anchors",
        "tiers",
        "deciles",
        "tier_deprivation",
        "overlap",
        "shared_suppliers",
        "opportunities",
        "left_out",
        "top_suppliers",
        "intra",
    ):
        for col in getattr(rep, name).columns:
            assert col in labels or col.endswith(")"), (name, col)


def test_reading_is_made_from_the_figures(rep):
    text = R.collaborative_reading(rep)
    assert text[0] == (
        "The 3 anchors paid £15,800 in 2022-23. £2,700 of it went from one member anchor to "
        "another, which leaves combined spend of £13,100 with 5 suppliers (credit notes netted "
        "against their supplier, receipts left out, payments published twice counted once)."
    )
    # no anchor publishes all twelve months of 2022-23: the figures are every payment, and the
    # reading says at once that they are not comparable with a later full year (step 7 item 12)
    assert not rep.combined_comparable and rep.combined_years == ["2022-23"]
    assert text[1].startswith("No financial year is covered in full by every anchor yet")
    # the headline on procurement spend, the all-spend share beside it (3,000 / 13,100 = 23%)
    assert (
        "Together, 25% of procurement spend (£12,000 with suppliers, after £1,100 to public "
        "bodies, HMRC, pension funds, precepts and levies, grants to individuals and redacted "
        "payees) went to suppliers based in Testshire (25% of the procurement spend whose "
        "location is known; 23% of all spend)." in text
    )
    assert any(
        s.startswith(
            "25% of located combined procurement spend went to suppliers in the most deprived 20%"
        )
        for s in text
    )
    assert (
        f"2 suppliers are used by two or more anchors; they take £9,000 (69% of combined spend). "
        f"{NAMES['c']} and {NAMES['p']} share the most suppliers (1)."
    ) in text
    it = load_common_categories().get("it_telecoms").label
    assert (
        f"The largest collective opportunity is {it}: 2 anchors ({NAMES['c']}, {NAMES['f']}) "
        "together buy "
        "£5,000 of it from suppliers outside Testshire; 0% of the located spend in it is local "
        "already, with "
        "0 local suppliers paid."
    ) in text
    # portfolio concentration, without merger thresholds: 10,000 / 3,299 = about 3 suppliers
    assert any(
        "portfolio concentration of procurement spend (HHI) is 3,299 of 10,000, as if it were "
        "spread evenly over about 3 suppliers." in s
        for s in text
    )
    assert not any("concentrated" in s for s in text)
    assert (
        text[-1]
        == f"The largest flow inside the collaborative: {NAMES['p']} paid {NAMES['c']} £2,000 in "
        "1 payment."
    )
    assert not any("simulated" in s for s in text)


def test_a_half_percent_rounds_up_in_the_spend_readings(rep):
    """12.5% reads 13% (rounded half up, anchorlib.core.fmt), not 12% (half to even), in the
    collaborative and the anchor spend readings alike: the workforce report reads it so too."""
    ind = {
        **rep.indicators,
        "place_share_of_procurement": 0.125,
        "place_share_of_procurement_located": 0.145,
        "place_share_of_all": 0.125,
    }
    text = R.collaborative_reading(dataclasses.replace(rep, indicators=ind))
    assert any(
        s.startswith("Together, 13% of procurement spend")
        and s.endswith("(15% of the procurement spend whose location is known; 13% of all spend).")
        for s in text
    )
    a = AnchorSpend(
        anchor_id="c",
        anchor_name=NAMES["c"],
        place="Testshire",
        place_tier="place",
        wider_tier=None,
        deprived_deciles=[1, 2],
        indicators={
            "financial_years": ["2022-23"],
            "transactions": 8,
            "total": 8000.0,
            "distinct_suppliers": 4,
            "located_share": 1.0,
            "place_share_of_all": 0.125,  # 1,000 of 8,000: 12.5%
            "place_share_of_located": 0.125,
            "deprived_share_of_located": 0.625,  # 5,000 of 8,000: 62.5%
            "org_type_share": {},
            "top_n_share": None,
        },
        tiers=pd.DataFrame(),
        deciles=pd.DataFrame(),
        org_types=pd.DataFrame(),
        sectors=pd.DataFrame(),
        top_suppliers=pd.DataFrame(),
        trend=pd.DataFrame(columns=["financial year", "months with payments (months)"]),
        quality=pd.DataFrame(columns=["measure", "value"]),
        rejects=pd.DataFrame(),
        files=pd.DataFrame(),
    )
    text = spend_reading(a)
    assert (
        "13% of all spend went to suppliers based in Testshire (13% of the spend whose location is "
        "known); every supplier's location is known." in text
    )
    assert text[2].startswith("63% of located spend went to suppliers in the most deprived 20%")


def test_reading_with_one_anchor_has_no_overlap_and_no_opportunity():
    rows = [r for r in ROWS if r[0] == "c"]
    collab = make_collab(anchor_ids=("c",))
    c = R.collaborative_spend(collab, make_ledger(rows))
    text = R.collaborative_reading(c)
    assert "No supplier is used by more than one anchor." in text
    assert "No category is bought from outside Testshire by two or more anchors." in text
    assert c.overlap.values.tolist() == [[NAMES["c"], 2]] and c.intra.empty
    assert text[0].startswith("The 1 anchor paid £5,300 in 2022-23. £0 of it")


def test_simulated_postcodes_raise_the_banner():
    led = make_ledger()
    led.loc[led["postcode_source"].notna(), "postcode_source"] = "simulated"
    c = R.collaborative_spend(make_collab(), led)
    assert c.simulated
    assert any(
        s.startswith("Supplier locations are simulated for this demo (98% of spend)")
        for s in R.collaborative_reading(c)
    )


def test_sources():
    assert R.sources(make_collab()) == [
        "imd2025",
        "onspd_lookup",
        "codepoint_open",
        "lookup_lsoa21_ward24",
        "lookup_lad24_region",
    ]


def test_figures_agree_with_anchorlib_collective():
    led, collab = make_ledger(), make_collab()
    c = R.collaborative_spend(collab, led)
    assert c.indicators == {**C.combined_indicators(led, collab)}
    assert (
        c.tiers["spend (£)"].tolist()
        == C.combined_by_tier(led, collab, place=PLACE)["spend"].tolist()
    )


def test_the_headline_never_outruns_the_located_share():
    """Step 7 item 20: the issue's new collaborative whose register has no postcodes yet."""
    led = make_ledger()
    for col in ("tier", "postcode", "lad24_code", "imd25_decile"):
        if col in led.columns:
            led[col] = None
    text = R.collaborative_reading(R.collaborative_spend(make_collab(), led))
    assert any(s.startswith("No supplier is located yet (0% of the spend)") for s in text)
    assert any("anchor suppliers enrich" in s for s in text)
    # no place or deprivation share is presented as the partnership's position
    assert not any("went to suppliers based in" in s for s in text)
    assert not any("most deprived" in s for s in text)


def test_below_the_setting_the_located_share_comes_first(rep):
    # say 60% of procurement spend is located, 25% of it in the place
    gate = {**rep.indicators["located_gate"]}
    from anchorlib.indicators.gates import located_gate

    ind = {**rep.indicators, "located_gate": located_gate(0.6, 0.8)}
    text = R.collaborative_reading(dataclasses.replace(rep, indicators=ind))
    i = next(i for i, s in enumerate(text) if s.startswith("Only 60.0% of the spend has a located"))
    assert text[i + 1] == (
        "Of the located procurement spend only, 25% went to suppliers based in Testshire: a "
        "figure for that part, not a position."
    )
    assert gate["passed"]  # the hand example itself is all located


def test_the_vcse_share_needs_the_types_to_cover_the_spend():
    from anchorlib.indicators.gates import type_gate
    from anchorlib.reports.anchor_spend import org_type_sentence

    # companies 600, a CIC 100, unknown 300 of 1,000: types cover 70% < 80%
    ind = {
        "org_type_share": {"company": 0.6, "cic_social_enterprise": 0.1, "unknown": 0.3},
        "social_economy_share": 0.1,
        "vcse_gate": type_gate(0.7, 0.8, "social-economy (VCSE) share"),
    }
    text = org_type_sentence(ind)
    assert "coverage is too low to publish the social-economy (VCSE) share" in text
    assert "Only 70.0% of the spend has a supplier of known type" in text
    assert "The social economy" not in text
    ind["vcse_gate"] = type_gate(0.9, 0.8)
    assert org_type_sentence(ind).endswith(
        "The social economy (charities, social enterprises, co-operatives) took 10%."
    )


def test_combined_figures_cover_only_the_years_every_anchor_covers_in_full():
    """Step 7 item 12.  c and p pay S3 £100 every month of 2022-23; in 2023-24 c pays S1 £5,000 in
    April only and p nothing.  Every anchor covers 2022-23 in full, neither 2023-24: the combined
    figures are 2022-23's alone, 24 x £100 = £2,400 (the £5,000 would be a different mix of bodies
    and months); with common_threshold £500 no line of 2022-23 is left and there is no full year,
    so every year (the £5,000 alone) is shown, flagged not comparable."""
    rows = [
        (a, "2022-23", m, "S3", "Computer Software", 100, False) for a in "cp" for m in range(1, 13)
    ]
    rows.append(("c", "2023-24", 4, "S1", "Laundry", 5000, False))
    collab = make_collab(anchor_ids=("c", "p"))
    c = R.collaborative_spend(collab, make_ledger(rows))
    assert c.combined_years == ["2022-23"] and c.combined_comparable
    assert c.indicators["total"] == 2400
    text = R.collaborative_reading(c)
    assert text[0].startswith(
        "The 2 anchors paid £2,400 in 2022-23, the financial year every anchor published in full."
    )
    collab.spec.indicators.common_threshold = 500
    c = R.collaborative_spend(collab, make_ledger(rows))
    assert c.combined_years == ["2023-24"] and not c.combined_comparable
    assert c.indicators["total"] == 5000
