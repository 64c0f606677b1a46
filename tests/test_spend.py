"""Spend indicators (anchorlib.indicators.spend): hand-computed examples, invariants, the CLI, the
real Lancashire ledgers.

The hand example is a ledger of thirteen rows (one a duplicate) paid by two
anchors, ``a`` and ``b``; every answer below is worked out by hand in pounds.

    row anchor year    supplier                type        tier       LAD dec category             £
      1 a      2022-23 S1 Local Builders Ltd   company     place      L1  1   Repairs           1000
      2 a      2022-23 S1 (refund)             company     place      L1  1   Repairs           -200
      3 a      2022-23 S2 Lancs County Council public_body wider      L2  5   Contributions     3000
      4 a      2022-23 S3 Energy Co plc        company     rest_of_uk W1  -   Electricity        500
      5 a      2023-24 S4 Care CIC             cic         place      L1  2   Care               700
      6 a      2023-24 REDACTED                redacted    -          -   -   Care               300
      7 a      2023-24 S5 Mystery Ltd          company     (no postcode)      Supplies           400
      8 b      2022-23 S1 Local Builders Ltd   company     place      L1  1   Repairs           2000
      9 b      2022-23 S6 Software Licences    company     rest_of_uk L4  8   Computer Licences 1500
     10 b      2023-24 S2 Lancs County Council public_body wider      L2  5   Pension contrib.  1000
     11 b      2023-24 S7 Coop Foods           co-op       wider      L2  3   Catering           600
     12 b      2023-24 S8 Refund Only Ltd      company     place      L5  4   Misc              -100
     13 b      2023-24 S6 (republished row 9: is_duplicate)                   Computer Licences 1500

Row 12 is a credit from a supplier b never paid: S8's net is negative, so it is a receipt or
transfer (anchorlib.indicators.netting), left out of every figure and reported beside them;
row 2 is a credit note netted against S1 (step 7, item 6).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from typer.testing import CliRunner

from anchorlib.config.collaborative import IndicatorSettings
from anchorlib.config.places import Place, PlaceSpec, Tier, TierSpec
from anchorlib.indicators import spend as S
from anchorlib.indicators.addressable import addressable_spend
from anchorlib.indicators.lm3 import lm3, read_lm3_survey, validate_lm3_survey
from anchorlib.indicators.rows import SpendError, spend_rows
from anchorlib.indicators.tiers import place_tier, wider_tier

approx = pytest.approx


# --------------------------------------------------------------------------- the hand example


def make_place() -> Place:
    """A place with three nested tiers, built without reference data."""
    spec = PlaceSpec(
        name="Testshire",
        lads=["E07000120"],
        tiers=[
            TierSpec(name="place", place=True),
            TierSpec(name="wider", regions=["E12000002"]),
            TierSpec(name="rest_of_uk", everywhere=True),
        ],
    )
    place_l = frozenset({"P1", "P2"})
    wider_l = place_l | {"W1"}
    every = wider_l | {"R1"}
    return Place(
        "Testshire",
        sorted(place_l),
        ["E07000120"],
        [
            Tier("place", place_l),
            Tier("wider", wider_l),
            Tier("rest_of_uk", every, everywhere=True),
        ],
        spec,
    )


PLACE = make_place()

SUPPLIERS = {  # id: name, org_type, tier, lad, decile, size_band, sector, postcode
    "S1": ("Local Builders Ltd", "company", "place", "L1", 1, "small", "Construction", "BB5 1LA"),
    "S2": ("Lancs County Council", "public_body", "wider", "L2", 5, None, None, "PR1 0LD"),
    "S3": ("Energy Co plc", "company", "rest_of_uk", "W1", None, None, None, "CF10 1AA"),
    "S4": ("Care CIC", "cic_social_enterprise", "place", "L1", 2, "micro", None, "BB5 2AA"),
    "S5": ("Mystery Ltd", "company", None, None, None, None, None, None),
    "S6": ("Software Licences Ltd", "company", "rest_of_uk", "L4", 8, "large", "ICT", "LS1 1JF"),
    "S7": ("Coop Foods", "cooperative_mutual", "wider", "L2", 3, None, None, "BB10 1AA"),
    "S8": ("Refund Only Ltd", "company", "place", "L5", 4, None, None, "FY1 1AD"),
    "SR": ("REDACTED", "redacted", None, None, None, None, None, None),
}

ROWS = [  # anchor, year, supplier, category, pounds, duplicate
    ("a", "2022-23", "S1", "Repairs", 1000, False),
    ("a", "2022-23", "S1", "Repairs", -200, False),
    ("a", "2022-23", "S2", "Contributions", 3000, False),
    ("a", "2022-23", "S3", "Electricity", 500, False),
    ("a", "2023-24", "S4", "Care", 700, False),
    ("a", "2023-24", "SR", "Care", 300, False),
    ("a", "2023-24", "S5", "Supplies", 400, False),
    ("b", "2022-23", "S1", "Repairs", 2000, False),
    ("b", "2022-23", "S6", "Computer Licences", 1500, False),
    ("b", "2023-24", "S2", "Pension contributions", 1000, False),
    ("b", "2023-24", "S7", "Catering", 600, False),
    ("b", "2023-24", "S8", "Misc", -100, False),
    ("b", "2023-24", "S6", "Computer Licences", 1500, True),
]

EXCLUSIONS = {"org_types": ["public_body"], "categories": ["electric", "pension", "licen[cs]e"]}
SETTINGS = IndicatorSettings(deprived_deciles=[1, 2], top_n=2, addressable_exclusions=EXCLUSIONS)
HOME = {"a": "L1", "b": "L2"}


def make_ledger(rows=ROWS, suppliers=SUPPLIERS) -> pd.DataFrame:
    out = []
    for anchor, year, sid, cat, pounds, dup in rows:
        name, org, tier, lad, dec, size, sector, pc = suppliers[sid]
        out.append(
            {
                "anchor_id": anchor,
                "financial_year": year,
                "amount_pence": int(round(pounds * 100)),
                "amount": pounds,
                "supplier_name": name,
                "supplier_key": name.upper(),
                "category": cat,
                "is_redacted": sid == "SR",
                "is_refund": pounds < 0,
                "is_duplicate": dup,
                "supplier_id": sid,
                "canonical_name": name,
                "org_type": org,
                "sector": sector,
                "size_band": size,
                "postcode": pc,
                "postcode_source": "human" if pc else None,
                "tier": tier,
                "lad24_code": lad,
                "imd25_decile": dec,
            }
        )
    df = pd.DataFrame(out)
    df["imd25_decile"] = df["imd25_decile"].astype("Int64")
    return df


@pytest.fixture
def led() -> pd.DataFrame:
    return make_ledger()


def of(df, anchor):
    return df[df["anchor_id"] == anchor]


def test_totals_transactions_suppliers(led):
    # a: 1000 - 200 + 3000 + 500 + 700 + 300 + 400 = 5700; b: 2000 + 1500 + 1000 + 600 = 5100
    # (row 12, S8's -100, is a receipt: S8 was never paid, so it is left out, not netted)
    assert S.total_spend(of(led, "a")) == 5700.0
    assert S.total_spend(of(led, "b")) == 5100.0  # the republished row 13 is not counted
    assert S.total_spend(led) == 10800.0
    assert S.transaction_count(of(led, "a")) == 7 and S.transaction_count(of(led, "b")) == 4
    assert S.refund_summary(led) == {"count": 2, "total": -300.0}  # every negative line published
    assert S.distinct_suppliers(of(led, "a")) == 5  # S1-S5; the redacted class is not a supplier
    assert S.distinct_suppliers(of(led, "b")) == 4  # S1, S2, S6, S7 (S8 is a receipt)
    assert S.distinct_suppliers(led) == 7
    assert S.redacted_spend(led) == {
        "total": 300.0,
        "share": approx(300 / 10800),
        "transactions": 1,
    }


def test_tiers_and_the_located_share(led):
    a = of(led, "a")
    # place 1000 - 200 + 700 = 1500; wider 3000; rest_of_uk 500; unknown: redacted 300 + no postcode
    # 400
    assert S.tier_spend(a, PLACE) == {
        "place": 1500.0,
        "wider": 3000.0,
        "rest_of_uk": 500.0,
        "unknown": 700.0,
    }
    assert S.located_share(a) == approx(5000 / 5700)
    assert S.unlocated_detail(a) == {"redacted": 300.0, "no_postcode": 400.0, "not_placed": 0.0}
    assert S.tier_shares(a, PLACE, "all") == {
        "place": approx(1500 / 5700),
        "wider": approx(3000 / 5700),
        "rest_of_uk": approx(500 / 5700),
        "unknown": approx(700 / 5700),
    }
    assert S.tier_shares(a, PLACE, "located") == {
        "place": approx(0.3),
        "wider": approx(0.6),
        "rest_of_uk": approx(0.1),
    }
    # combined: place 1500 + 2000 = 3500 (S8's receipt left out); wider 3000 + 1000 + 600 =
    # 4600; rest 500 + 1500 = 2000; located 10100 of 10800
    assert S.tier_spend(led, PLACE) == {
        "place": 3500.0,
        "wider": 4600.0,
        "rest_of_uk": 2000.0,
        "unknown": 700.0,
    }
    assert S.cumulative_tier_shares(led, PLACE, "all") == {
        "place": approx(3500 / 10800),
        "wider": approx(8100 / 10800),
        "rest_of_uk": approx(10100 / 10800),
    }
    assert S.place_share(led, PLACE, "all") == approx(3500 / 10800)
    assert S.place_share(led, PLACE, "located") == approx(3500 / 10100)
    # wider *including* the place
    assert S.wider_share(led, PLACE, "located") == approx(8100 / 10100)
    assert place_tier(PLACE) == "place" and wider_tier(PLACE) == "wider"


def test_home_district(led):
    # a's home L1: S1 800 + S4 700 = 1500 of 5700; b's home L2: S2 1000 + S7 600 = 1600 of 5100
    assert S.home_district_share(of(led, "a"), HOME) == approx(1500 / 5700)
    assert S.home_district_share(of(led, "a"), HOME, "located") == approx(1500 / 5000)
    assert S.home_district_share(of(led, "b"), HOME) == approx(1600 / 5100)
    # each row against its own payer
    assert S.home_district_share(led, HOME) == approx(3100 / 10800)
    assert S.home_district_share(led, {"a": "L1"}) is None  # b has no home district


def test_deprivation(led):
    a = of(led, "a")
    assert S.decile_spend(a) == {
        "1": 800.0,
        "2": 700.0,
        "3": 0.0,
        "4": 0.0,
        "5": 3000.0,
        "6": 0.0,
        "7": 0.0,
        "8": 0.0,
        "9": 0.0,
        "10": 0.0,
        "no_decile": 500.0,
        "unknown": 700.0,
    }
    assert S.deprived_share(a, [1, 2], "located") == approx(1500 / 5000)
    assert S.deprived_share(a, [1, 2], "all") == approx(1500 / 5700)
    assert S.deprived_share(a, [1, 2], "ranked") == approx(
        1500 / 4500
    )  # S3 (Wales) has no IMD 2025 decile
    assert S.deprived_share(a, [1], "located") == approx(800 / 5000)
    b = of(led, "b")
    # b located: 2000 + 1500 + 1000 + 600 = 5100 (S8, decile 4, a receipt, left out)
    assert S.deprived_share(b, [1, 2]) == approx(2000 / 5100)
    assert S.deprived_share(b, [1, 2, 3]) == approx(2600 / 5100)
    assert S.deprived_share(led, [1, 2]) == approx(3500 / 10100)


def test_org_type_size_sector(led):
    a = of(led, "a")
    spend = S.org_type_spend(a)
    assert spend["company"] == 1700.0 and spend["public_body"] == 3000.0
    assert (
        spend["cic_social_enterprise"] == 700.0
        and spend["redacted"] == 300.0
        and spend["charity"] == 0.0
    )
    assert sum(spend.values()) == 5700.0
    assert S.social_economy_share(a) == approx(700 / 5700)
    assert S.social_economy_share(led) == approx(1300 / 10800)  # CIC 700 + co-op 600
    assert S.org_type_shares(led)["public_body"] == approx(4000 / 10800)
    # SME: S1 small 2800 + S4 micro 700; large: S6 1500; unknown 10800 - 5000
    assert S.size_band_spend(led) == {"sme": 3500.0, "large": 1500.0, "unknown": 5800.0}
    assert S.sme_share(led) == approx(0.7)
    assert S.sme_share(led, "all") == approx(3500 / 10800)
    assert S.sector_spend(led) == {"unknown": 6500.0, "Construction": 2800.0, "ICT": 1500.0}
    assert sum(S.sector_shares(led).values()) == approx(1)


def test_concentration(led):
    a = of(led, "a")
    # net positive per supplier: S1 800, S2 3000, S3 500, S4 700, S5 400 (5400); redacted left out
    assert S.hhi(a) == approx((800**2 + 3000**2 + 500**2 + 700**2 + 400**2) / 5400**2)
    assert S.top_n_share(a, 2) == approx(3800 / 5400)
    # combined: S1 2800, S2 4000, S3 500, S4 700, S5 400, S6 1500, S7 600; S8 nets -100 and is left
    # out
    assert S.hhi(led) == approx(
        (2800**2 + 4000**2 + 500**2 + 700**2 + 400**2 + 1500**2 + 600**2) / 10500**2
    )
    assert S.top_n_share(led, 1) == approx(4000 / 10500)
    top = S.top_suppliers(led, 2)
    assert [t["supplier_id"] for t in top] == ["S2", "S1"] and top[0]["spend"] == 4000.0
    assert top[1]["share"] == approx(2800 / 10500) and top[1]["tier"] == "place"
    assert list(S.supplier_net_spend(led).index) == ["S2", "S1", "S6", "S4", "S7", "S3", "S5"]


def test_addressable(led):
    a = addressable_spend(of(led, "a"), EXCLUSIONS)
    # row 6 (redacted payee, left out by default) 300, row 3 (public body) 3000 and row 4
    # (electricity) 500 excluded: 5700 - 3800 = 1900
    assert (
        a["total"] == 1900.0 and a["excluded_total"] == 3800.0 and a["share"] == approx(1900 / 5700)
    )
    assert a["excluded"] == {
        "redacted payees": 300.0,
        "grants and benefits to individuals": 0.0,
        "org_type: public_body": 3000.0,
        "category: electric": 500.0,
        "category: pension": 0.0,
        "category: licen[cs]e": 0.0,
    }
    b = addressable_spend(of(led, "b"), EXCLUSIONS)
    # row 10 is a public body *and* a pension: the first rule (org type) takes it; row 9 is a
    # licence
    assert b["excluded"] == {
        "redacted payees": 0.0,
        "grants and benefits to individuals": 0.0,
        "org_type: public_body": 1000.0,
        "category: electric": 0.0,
        "category: pension": 0.0,
        "category: licen[cs]e": 1500.0,
    }
    assert b["total"] == 2600.0  # 5100 - 1000 - 1500
    c = addressable_spend(led, EXCLUSIONS)
    assert c["total"] == 4500.0  # 10800 - 300 - 4000 - 500 - 1500
    # addressable rows: place 800 + 700 + 2000 = 3500, wider 600, unknown 400 (S5, no postcode)
    shares = S.addressable_tier_shares(led, PLACE, EXCLUSIONS, "all")
    assert shares == {
        "place": approx(3500 / 4500),
        "wider": approx(600 / 4500),
        "rest_of_uk": 0.0,
        "unknown": approx(400 / 4500),
    }
    assert S.addressable_tier_shares(led, PLACE, EXCLUSIONS, "located")["place"] == approx(
        3500 / 4100
    )
    # no rule given: the redacted payees still leave by default; both defaults can be turned off
    assert addressable_spend(led, {})["total"] == 10500.0
    off = {"redacted_payees": False, "grants_to_individuals": False}
    assert addressable_spend(led, off)["total"] == 10800.0
    with pytest.raises(SpendError, match="not a valid regular expression"):
        addressable_spend(led, {"categories": ["(unclosed"]})
    # supplier-name rules match the canonical and the published name
    by_name = addressable_spend(led, {"suppliers": ["county council"]})["excluded"]
    assert by_name["supplier: county council"] == 4000.0


def test_lm3(led, tmp_path):
    res = lm3(of(led, "a"), PLACE, None)
    assert res["lm3"] is None and "no survey" in res["reason"]
    path = tmp_path / "lm3.csv"
    path.write_text(
        "kind,anchor_id,financial_year,supplier_id,local_respend_share,wage_bill,local_staff_share\n"
        "supplier,,,S1,0.5,,\n"
        "supplier_average,,,,0.25,,\n"
        "staff,a,2022-23,,0.4,1000,0.6\n"
    )
    survey = read_lm3_survey(path)
    res = lm3(of(led, "a"), PLACE, survey)
    # R1 = 5700 + wage bill 1000 (2022-23 only); R2 = local suppliers S1 800 + S4 700, + local wages
    # 600
    # R3 = S1 800 x 0.5 + S4 700 x 0.25 (the average) + local wages 600 x 0.4 = 400 + 175 + 240
    assert res["r1"] == approx(6700) and res["r2"] == approx(2100) and res["r3"] == approx(815)
    assert res["lm3"] == approx((6700 + 2100 + 815) / 6700)
    assert res["r3_supplier_coverage"] == 1.0 and res["r3_supplier_own_return_coverage"] == approx(
        800 / 1500
    )
    assert any("a 2023-24" in n for n in res["notes"])
    # without the average, S4's spend adds nothing and the note says LM3 is a lower bound
    res2 = lm3(of(led, "a"), PLACE, survey[survey["kind"] != "supplier_average"])
    assert res2["r3"] == approx(640) and any("lower bound" in n for n in res2["notes"])
    # a survey with no figure for these anchors gives no LM3
    other = validate_lm3_survey(
        pd.DataFrame(
            {
                "kind": ["staff"],
                "anchor_id": ["zz"],
                "financial_year": ["2022-23"],
                "wage_bill": ["10"],
                "local_staff_share": ["1"],
                "local_respend_share": ["1"],
            }
        )
    )
    assert lm3(of(led, "a"), PLACE, other)["lm3"] is None
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,supplier_id,local_respend_share\nsupplier,S1,1.5\nvisitor,,0.2\n")
    with pytest.raises(SpendError, match="between 0 and 1.*visitor"):
        read_lm3_survey(bad)


def test_spend_indicators_per_anchor_combined_and_year(led):
    res = S.spend_indicators(led, PLACE, SETTINGS, home_lads=HOME)
    assert list(res) == ["a", "b", "combined"]
    a, c = res["a"], res["combined"]
    for key in S.HEADLINE_KEYS:
        assert key in a
    assert a["top2_share"] == a["top_n_share"] == approx(3800 / 5400)  # top_n = 2
    assert a["top10_share"] == 1.0  # a has five suppliers
    assert a["total"] == 5700.0 and a["located_share"] == approx(5000 / 5700)
    assert a["deprived_share_of_located"] == approx(0.3) and a["hhi"] == approx(S.hhi(of(led, "a")))
    assert c["total"] == 10800.0 and c["transactions"] == 11 and c["distinct_suppliers"] == 7
    assert c["place_share_of_all"] == approx(3500 / 10800)
    assert c["place_share_of_located"] == approx(3500 / 10100)
    assert c["wider_share_of_all"] == approx(8100 / 10800)
    assert c["addressable_total"] == 4500.0
    assert c["place_share_of_addressable"] == approx(3500 / 4500)
    assert c["place_share_of_addressable_located"] == approx(3500 / 4100)
    assert c["home_district_share_of_all"] == approx(3100 / 10800)
    assert c["lm3"] is None and "no survey" in c["lm3_detail"]["reason"]
    assert c["anchors"] == ["a", "b"] and c["financial_years"] == ["2022-23", "2023-24"]
    json.dumps(res)  # JSON-able as it stands
    years = S.spend_indicators(led, PLACE, SETTINGS, by_year=True)
    assert list(years) == ["2022-23", "2023-24"]
    # 2022-23: a rows 1-4 = 4300, b rows 8-9 = 3500; 2023-24: a 1400, b 1000 + 600 = 1600 (row
    # 12 a receipt, row 13 a duplicate)
    assert (
        years["2022-23"]["a"]["total"] == 4300.0 and years["2022-23"]["combined"]["total"] == 7800.0
    )
    assert (
        years["2023-24"]["b"]["total"] == 1600.0 and years["2023-24"]["combined"]["total"] == 3000.0
    )


def test_exclude_rows_leaves_anchors_alone(led):
    # say S2 is a member anchor: a's payment to it (row 3) moves money inside the collaborative
    excl = (led["supplier_id"] == "S2") & (led["anchor_id"] == "a")
    res = S.spend_indicators(led, PLACE, SETTINGS, exclude_rows=excl)
    assert res["a"]["total"] == 5700.0
    assert (
        res["combined"]["total"] == 7800.0 and res["combined"]["excluded_from_combined"] == 3000.0
    )
    years = S.spend_indicators(led, PLACE, SETTINGS, exclude_rows=excl, by_year=True)
    assert years["2022-23"]["combined"]["total"] == 4800.0


def test_self_rows_leave_an_anchors_payments_to_itself_out_of_its_own_figures(led):
    # say a is Lancs County Council (S2): row 3, £3,000 in 2022-23, is a paying itself
    own = (led["supplier_id"] == "S2") & (led["anchor_id"] == "a")
    res = S.spend_indicators(led, PLACE, SETTINGS, self_rows=own)
    # a: 1000 - 200 + 3000 + 500 + 700 + 300 + 400 = 5700, less its own 3000 = 2700
    assert res["a"]["total"] == 2700.0 and res["a"]["excluded_self_payments"] == 3000.0
    # without row 3 a pays no public body; b (untouched): 2000 + 1500 + 1000 + 600 = 5100
    assert res["a"]["public_body_share"] == 0.0
    assert res["b"]["total"] == 5100.0 and res["b"]["excluded_self_payments"] == 0.0
    # combined: 10800 - 3000 = 7800, the 3000 listed as excluded
    assert res["combined"]["total"] == 7800.0
    assert res["combined"]["excluded_from_combined"] == 3000.0
    # with the payments between members too (the same row): still 7800, nothing counted twice
    both = S.spend_indicators(led, PLACE, SETTINGS, exclude_rows=own, self_rows=own)
    assert both["combined"]["total"] == 7800.0 and both["a"]["total"] == 2700.0
    years = S.spend_indicators(led, PLACE, SETTINGS, self_rows=own, by_year=True)
    # a in 2022-23: 1000 - 200 + 3000 + 500 = 4300, less 3000 = 1300; 2023-24: 700 + 300 + 400
    assert years["2022-23"]["a"]["total"] == 1300.0
    assert years["2022-23"]["a"]["excluded_self_payments"] == 3000.0
    assert years["2023-24"]["a"]["total"] == 1400.0
    assert years["2023-24"]["a"]["excluded_self_payments"] == 0.0


def test_anchor_without_payments_and_empty_ledger(led):
    res = S.spend_indicators(led, PLACE, SETTINGS, anchors=["a", "b", "c"])
    assert (
        res["c"]["total"] == 0.0 and res["c"]["located_share"] is None and res["c"]["hhi"] is None
    )
    assert res["c"]["tier_share_of_all"] == {
        "place": None,
        "wider": None,
        "rest_of_uk": None,
        "unknown": None,
    }
    assert res["combined"]["total"] == 10800.0
    with pytest.raises(SpendError, match="combined"):
        S.spend_indicators(led.assign(anchor_id="combined"), PLACE, SETTINGS)


def test_tiers_of_another_place_are_refused(led):
    with pytest.raises(SpendError, match="not tiers of place"):
        S.tier_spend(led.assign(tier="home_district"), PLACE)
    # a place with an everywhere tier has no 'outside': a ledger located without one is refused
    with pytest.raises(SpendError, match="not tiers of place"):
        S.tier_spend(led.assign(tier="outside"), PLACE)


def make_place_without_everywhere() -> Place:
    """Place (P1) inside a wider tier (P1, W1), and no everywhere tier: the issue's Preston."""
    spec = PlaceSpec(
        name="Preston",
        lads=["E07000123"],
        tiers=[
            TierSpec(name="place", place=True),
            TierSpec(name="wider", regions=["E12000002"]),
        ],
    )
    place_l = frozenset({"P1"})
    return Place(
        "Preston",
        ["P1"],
        ["E07000123"],
        [Tier("place", place_l), Tier("wider", place_l | {"W1"})],
        spec,
    )


def test_spend_outside_every_tier_is_located():
    """The issue's example (Finding 2): Preston, tiers place and wider (the North West), no
    everywhere tier.  £1,000 in Preston, £1,000 in Manchester, £2,000 in Camden, £1,000 with no
    postcode."""
    place = make_place_without_everywhere()
    assert place.tier_names == ["place", "wider", "outside", "unknown"]
    suppliers = {
        "S1": ("Preston Ltd", "company", "place", "L1", 4, None, None, "PR1 2HE"),
        "S2": ("Manchester Ltd", "company", "wider", "L2", 5, None, None, "M1 1AE"),
        "S3": ("Camden Ltd", "company", "outside", "L3", 2, None, None, "NW1 2DB"),
        "S4": ("Nowhere Ltd", "company", None, None, None, None, None, None),
    }
    rows = [
        ("a", "2023-24", "S1", "Goods", 1000, False),
        ("a", "2023-24", "S2", "Goods", 1000, False),
        ("a", "2023-24", "S3", "Goods", 2000, False),
        ("a", "2023-24", "S4", "Goods", 1000, False),
    ]
    led = make_ledger(rows, suppliers)
    assert S.tier_spend(led, place) == {
        "place": 1000.0,
        "wider": 1000.0,
        "outside": 2000.0,
        "unknown": 1000.0,
    }
    # located: 1000 + 1000 + 2000 = 4000 of 5000 (the unlocated 1000 is the no-postcode one)
    assert S.located_share(led) == approx(0.8)
    assert S.unlocated_detail(led) == {"redacted": 0.0, "no_postcode": 1000.0, "not_placed": 0.0}
    assert S.tier_shares(led, place, "located") == {
        "place": approx(0.25),
        "wider": approx(0.25),
        "outside": approx(0.5),
    }
    assert S.place_share(led, place, "located") == approx(0.25)  # 1000 / 4000
    assert S.place_share(led, place, "all") == approx(0.2)  # 1000 / 5000
    assert S.wider_share(led, place, "located") == approx(0.5)  # (1000 + 1000) / 4000
    assert S.cumulative_tier_shares(led, place, "located")["outside"] == approx(1.0)
    # Camden (decile 2) is located, so it counts in the deprived share: 2000 / 4000
    assert S.deprived_share(led, [1, 2], "located") == approx(0.5)
    ind = S.spend_indicators(led, place, SETTINGS)["a"]
    assert ind["located_share"] == approx(0.8) and ind["place_share_of_located"] == approx(0.25)
    assert ind["located_total"] == 4000.0


def test_no_supplier_attributes_uses_supplier_keys():
    raw = make_ledger().drop(
        columns=[
            "supplier_id",
            "canonical_name",
            "org_type",
            "tier",
            "imd25_decile",
            "lad24_code",
            "postcode",
            "postcode_source",
            "sector",
            "size_band",
        ]
    )
    assert S.distinct_suppliers(raw) == 7  # S8's key nets -100: a receipt, not a supplier
    assert S.located_share(raw) == 0.0
    assert S.tier_shares(raw, PLACE, "all")["unknown"] == 1.0
    assert S.tier_shares(raw, PLACE, "located") == {
        "place": None,
        "wider": None,
        "rest_of_uk": None,
    }


# -------------------------------------------------------------------------- invariants (hypothesis)

SUPPLIER_IDS = [k for k in SUPPLIERS]
row_st = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["2022-23", "2023-24"]),
    st.sampled_from(SUPPLIER_IDS),
    st.sampled_from(["Repairs", "Electricity", "Care", "Licence fee"]),
    st.integers(-50_000, 500_000).map(lambda p: p / 100),
    st.booleans(),
)
ledgers = st.lists(row_st, min_size=1, max_size=40).map(make_ledger)
PROPS = hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(ledgers)
def test_shares_sum_to_one_and_parts_to_the_total(df):
    rows = spend_rows(df)
    tot = int(rows["amount_pence"].sum())
    res = S.spend_indicators(df, PLACE, SETTINGS)
    for g in res.values():
        assert sum(g["tier_spend"].values()) == approx(g["total"], abs=0.005)
        assert sum(g["decile_spend"].values()) == approx(g["total"], abs=0.005)
        assert sum(g["org_type_spend"].values()) == approx(g["total"], abs=0.005)
        assert g["addressable_total"] + g["addressable_excluded_total"] == approx(
            g["total"], abs=0.005
        )
        assert sum(g["addressable_excluded"].values()) == approx(
            g["addressable_excluded_total"], abs=0.005
        )
        if g["total"] > 0:
            assert sum(g["tier_share_of_all"].values()) == approx(1)
            assert sum(g["org_type_share"].values()) == approx(1)
        if g["located_total"] > 0:
            assert sum(g["tier_share_of_located"].values()) == approx(1)
            assert g["cumulative_share_of_located"]["rest_of_uk"] == approx(1)
        if g["hhi"] is not None:
            n = len(S.supplier_net_spend(df[df["anchor_id"].isin(g["anchors"])]))
            assert 1 / n - 1e-12 <= g["hhi"] <= 1 + 1e-12
            assert 0 < g["top_n_share"] <= 1 + 1e-12
    assert res["combined"]["published_net_total"] == approx(tot / 100)
    # receipts (a supplier credited more than paid) are left out, so the counted net is the
    # published net less them, and every share stays in [0, 1]
    rec = res["combined"]["receipts_and_transfers"]["total"]
    assert res["combined"]["total"] == approx(tot / 100 - rec, abs=0.005)
    for g in res.values():
        for key in ("tier_share_of_all", "tier_share_of_located", "org_type_share"):
            assert all(0 <= v <= 1 + 1e-12 for v in g[key].values() if v is not None), key
        for key in ("located_share", "place_share_of_all", "deprived_share_of_located"):
            assert g[key] is None or 0 <= g[key] <= 1 + 1e-12, key


@PROPS
@given(ledgers)
def test_combined_is_the_sum_of_the_anchors(df):
    res = S.spend_indicators(df, PLACE, SETTINGS)
    anchors = [k for k in res if k != "combined"]
    assert res["combined"]["total"] == approx(sum(res[a]["total"] for a in anchors), abs=0.005)
    assert res["combined"]["transactions"] == sum(res[a]["transactions"] for a in anchors)
    assert (
        max((res[a]["distinct_suppliers"] for a in anchors), default=0)
        <= res["combined"]["distinct_suppliers"]
        <= sum(res[a]["distinct_suppliers"] for a in anchors)
    )
    for t in PLACE.tier_names:
        assert res["combined"]["tier_spend"][t] == approx(
            sum(res[a]["tier_spend"][t] for a in anchors), abs=0.005
        )


@PROPS
@given(ledgers, ledgers)
def test_adding_an_anchor_never_lowers_combined_spend(df, extra):
    extra = extra.assign(anchor_id="new")
    if S.total_spend(extra) < 0:  # an anchor whose refunds exceed its payments is not spend
        extra = extra.assign(amount_pence=extra["amount_pence"].abs())
    before = S.spend_indicators(df, PLACE, SETTINGS)["combined"]
    after = S.spend_indicators(pd.concat([df, extra], ignore_index=True), PLACE, SETTINGS)[
        "combined"
    ]
    assert after["total"] >= before["total"] - 1e-9
    assert after["transactions"] >= before["transactions"]
    assert after["distinct_suppliers"] >= before["distinct_suppliers"]


@PROPS
@given(ledgers, st.randoms(use_true_random=False))
def test_row_order_and_duplicates_change_nothing(df, rnd):
    base = S.spend_indicators(df, PLACE, SETTINGS)
    order = list(df.index)
    rnd.shuffle(order)
    dupes = df.sample(n=min(3, len(df)), random_state=1).assign(is_duplicate=True)
    again = S.spend_indicators(
        pd.concat([df.loc[order], dupes], ignore_index=True), PLACE, SETTINGS
    )
    assert json.dumps(again, sort_keys=True) == json.dumps(base, sort_keys=True)


@PROPS
@given(
    st.lists(row_st, min_size=1, max_size=40).map(
        lambda rows: make_ledger([(a, y, s, c, abs(p), d) for a, y, s, c, p, d in rows])
    )
)
def test_deprived_sets_nest(df):
    """With payments only (no refunds): a wider deprived set never has a smaller share, shares are
    in [0, 1],
    and more top suppliers never hold a smaller share."""
    one, two, three = (S.deprived_share(df, d) for d in ([1], [1, 2], [1, 2, 3]))
    if one is not None:
        assert 0 <= one <= two <= three <= 1 + 1e-12
        assert S.deprived_share(df, [1, 2], "all") <= two + 1e-12
    shares = [S.top_n_share(df, n) for n in (1, 2, 5, 10)]
    if shares[0] is not None:
        assert shares == sorted(shares)


# ------------------------------------------------------------------------ the CLI on a loose ledger

runner = CliRunner()


LOOSE_ROWS = [  # anchor, supplier, postcode, pounds
    ("x", "Local Ltd", "bb5 1la", 100),
    ("x", "Other Local Ltd", "BB1 2BY", 50),
    ("x", "Burnley Firm", "BB10 1AA", 200),
    ("x", "Leeds Firm", "LS1 1JF", 150),
    ("x", "Aberdeen Firm", "AB10 1AB", 100),
    ("x", "No Postcode Ltd", None, 300),
    ("x", "REDACTED", None, 100),
    ("y", "Local Ltd", "BB5 1LA", 100),
]


def _loose_ledger(tmp_path, rows=LOOSE_ROWS):
    from anchorlib.ledgers.schema import LEDGER_COLUMNS

    recs = []
    for i, (a, name, pc, pounds) in enumerate(rows):
        recs.append(
            {
                "anchor_id": a,
                "source_file": "f.csv",
                "source_sheet": None,
                "source_row": i + 2,
                "payment_date": pd.Timestamp("2023-05-01"),
                "financial_year": "2023-24",
                "amount": float(pounds),
                "amount_pence": pounds * 100,
                "supplier_name": name,
                "supplier_key": "REDACTED"
                if name == "REDACTED"
                else name.upper().removesuffix(" LTD"),
                "category": "Goods",
                "description": None,
                "transaction_id": None,
                "company_number": None,
                "charity_number": None,
                "supplier_postcode": pc,
                "is_redacted": name == "REDACTED",
                "is_refund": False,
                "is_duplicate": False,
                "duplicate_of": None,
            }
        )
    df = pd.DataFrame(recs).reindex(
        columns=LEDGER_COLUMNS
    )  # columns added to the schema later stay empty
    d = tmp_path / "ledger"
    d.mkdir()
    df.to_parquet(d / "ledger.parquet")
    return df, d


def test_cli_loose_ledger_json(fixture_data, tmp_path):
    from anchorlib.cli import app

    _, d = _loose_ledger(tmp_path)
    res = runner.invoke(app, ["indicators", "--ledger", str(d), "--place", "E07000120", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out) == {"x", "y", "combined", "by_year", "meta", "coverage"}
    x = out["x"]
    for key in S.HEADLINE_KEYS:
        assert key in x, key
    # located: 100 + 50 (Hyndburn), 200 (Burnley), 150 (Leeds), 100 (Aberdeen) = 600 of 1000
    assert x["total"] == 1000.0 and x["located_share"] == approx(0.6)
    assert x["tier_share_of_all"] == {
        "place": approx(0.15),
        "wider": approx(0.2),
        "rest_of_uk": approx(0.25),
        "unknown": approx(0.4),
    }
    assert x["tier_share_of_located"] == {
        "place": approx(0.25),
        "wider": approx(200 / 600),
        "rest_of_uk": approx(250 / 600),
    }
    # deciles: BB5 1LA 1, BB10 1AA 1 -> 300 of 600 located (Leeds is decile 3, Aberdeen has none)
    assert x["deprived_share_of_located"] == approx(0.5)
    assert x["unlocated_detail"] == {"redacted": 100.0, "no_postcode": 300.0, "not_placed": 0.0}
    # named suppliers 100, 50, 200, 150, 100, 300 (900); the redacted 100 is not one
    assert x["hhi"] == approx((1 + 0.25 + 4 + 2.25 + 1 + 9) / 81)
    assert x["top10_share"] == 1.0
    assert out["y"]["total"] == 100.0 and out["y"]["located_share"] == 1.0
    # one month (May 2023) of each anchor: no financial year is covered in full, so the combined
    # "all years" figure covers every payment (x 1,000 + y 100), flagged not comparable, with the
    # note saying so (step 7 item 12); the year's own figure is the same
    assert out["meta"]["combined_years"] == ["2023-24"]
    assert out["meta"]["combined_comparable"] is False
    assert out["combined"]["total"] == 1100.0
    assert any("not comparable" in n for n in out["meta"]["notes"])
    assert out["coverage"]["x"]["2023-24"]["months"] == 1
    assert out["by_year"]["2023-24"]["combined"]["total"] == 1100.0
    assert out["meta"]["tiers"] == ["place", "wider", "rest_of_uk", "unknown"]
    assert (
        x["org_type_spend"]["company"] == 450.0
    )  # Local, Other Local, No Postcode: inferred from 'Ltd' without a register

    res = runner.invoke(
        app,
        [
            "indicators",
            "--ledger",
            str(d),
            "--place",
            "E07000120",
            "--deprived",
            "1-3",
            "--json",
            "--no-by-year",
        ],
    )
    out = json.loads(res.output)
    assert out["x"]["deprived_share_of_located"] == approx(450 / 600) and "by_year" not in out
    res = runner.invoke(app, ["indicators", "--ledger", str(d), "--place", "E07000120"])
    assert res.exit_code == 0 and "located share" in res.output and "60.0%" in res.output


def test_cli_loose_ledger_with_register(fixture_data, tmp_path):
    from anchorlib.cli import app
    from anchorlib.suppliers.register import build_register, write_register

    df, d = _loose_ledger(tmp_path)
    reg = build_register(df)
    r = reg.register
    r.loc[r["canonical_name"] == "No Postcode Ltd", "postcode"] = (
        "FY1 1AD"  # Blackpool: wider, decile 1
    )
    r.loc[r["canonical_name"] == "Local Ltd", "postcode"] = (
        "LS1 1JF"  # the ledger's own postcode wins
    )
    write_register(reg, tmp_path / "suppliers")
    res = runner.invoke(
        app,
        [
            "indicators",
            "--ledger",
            str(d),
            "--place",
            "E07000120",
            "--json",
            "--register",
            str(tmp_path / "suppliers.csv"),
        ],
    )
    assert res.exit_code == 0, res.output
    x = json.loads(res.output)["x"]
    assert x["located_share"] == approx(0.9)
    assert x["tier_share_of_all"]["wider"] == approx(0.5) and x["tier_share_of_all"][
        "place"
    ] == approx(0.15)
    assert x["deprived_share_of_located"] == approx(600 / 900)


def _preston_like(tmp_path) -> str:
    """A place file like the issue's Preston: the place and the wider North West, no everywhere
    tier."""
    path = tmp_path / "place.yml"
    path.write_text(
        "name: Hyndburn\nlads: [E07000120]\ntiers:\n  - {name: place, place: true}\n"
        "  - {name: wider, regions: [E12000002]}\n"
    )
    return str(path)


def test_cli_spend_outside_every_tier_is_located(fixture_data, tmp_path):
    """The issue's Finding 2 on the fixture data: the fixture districts stand in for Preston
    (Hyndburn, BB5 1LA), Manchester (Burnley, BB10 1AA, North West) and Camden (Leeds, LS1 1JF,
    Yorkshire: in no declared tier)."""
    from anchorlib.cli import app

    rows = [
        ("x", "Hyndburn Ltd", "BB5 1LA", 1000),
        ("x", "Burnley Ltd", "BB10 1AA", 1000),
        ("x", "Leeds Ltd", "LS1 1JF", 2000),
        ("x", "No Postcode Ltd", None, 1000),
    ]
    _, d = _loose_ledger(tmp_path, rows)
    res = runner.invoke(
        app, ["indicators", "--ledger", str(d), "--place", _preston_like(tmp_path), "--json"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    x = out["x"]
    # located: 1000 + 1000 + 2000 = 4000 of 5000 = 0.8 (was 0.4: Leeds counted as unknown)
    assert x["located_share"] == approx(0.8)
    # in the place: 1000 of the 4000 located = 0.25 (was 0.5)
    assert x["place_share_of_located"] == approx(0.25)
    assert x["tier_share_of_located"] == {
        "place": approx(0.25),
        "wider": approx(0.25),
        "outside": approx(0.5),
    }
    assert x["tier_share_of_all"] == {
        "place": approx(0.2),
        "wider": approx(0.2),
        "outside": approx(0.4),
        "unknown": approx(0.2),
    }
    assert x["unlocated_detail"] == {"redacted": 0.0, "no_postcode": 1000.0, "not_placed": 0.0}
    # deciles: BB5 1LA 1, BB10 1AA 1, LS1 1JF 3: 2000 of the 4000 located in deciles 1-2
    assert x["deprived_share_of_located"] == approx(0.5)
    assert x["wider_share_of_located"] == approx(0.5)  # (1000 + 1000) / 4000
    assert out["meta"]["tiers"] == ["place", "wider", "outside", "unknown"]
    text = runner.invoke(
        app, ["indicators", "--ledger", str(d), "--place", _preston_like(tmp_path)]
    )
    assert text.exit_code == 0 and "in outside (of located)" in text.output


@pytest.mark.shared
def test_cli_the_issues_preston_example(real_data, tmp_path):
    """Finding 2 exactly as filed, on the real postcode lookup: Preston (PR1 2HE), Manchester
    (M1 1AE), Camden (NW1 2DB) and no postcode."""
    from anchorlib.cli import app

    path = tmp_path / "preston.yml"
    path.write_text(
        "name: Preston\nlads: [E07000123]\ntiers:\n  - {name: place, place: true}\n"
        "  - {name: wider, regions: [E12000002]}\n"
    )
    rows = [
        ("x", "Preston Ltd", "PR1 2HE", 1000),
        ("x", "Manchester Ltd", "M1 1AE", 1000),
        ("x", "Camden Ltd", "NW1 2DB", 2000),
        ("x", "No Postcode Ltd", None, 1000),
    ]
    _, d = _loose_ledger(tmp_path, rows)
    res = runner.invoke(
        app, ["indicators", "--ledger", str(d), "--place", str(path), "--json", "--no-by-year"]
    )
    assert res.exit_code == 0, res.output
    x = json.loads(res.output)["x"]
    assert x["located_share"] == approx(0.8)  # 4000 / 5000 (reported 0.4 before the fix)
    assert x["place_share_of_located"] == approx(0.25)  # 1000 / 4000 (reported 0.5)
    assert x["tier_spend"]["outside"] == 2000.0


def test_cli_errors(fixture_data, tmp_path):
    from anchorlib.cli import app

    assert runner.invoke(app, ["indicators"]).exit_code != 0
    res = runner.invoke(app, ["indicators", "--ledger", str(tmp_path)])
    assert res.exit_code != 0 and "--place" in res.output
    res = runner.invoke(app, ["indicators", "--ledger", str(tmp_path), "--place", "E07000120"])
    assert res.exit_code != 0 and "no ledger" in res.output
    _, d = _loose_ledger(tmp_path)
    res = runner.invoke(
        app, ["indicators", "--ledger", str(d), "--place", "E07000120", "--deprived", "0,11"]
    )
    assert res.exit_code != 0 and "deciles" in res.output


# ---------------------------------------------------------------------- the real Lancashire ledgers


@pytest.fixture(scope="module")
def lancashire(tmp_path_factory):
    """The demo collaborative's assets built from the real ledgers into a temporary outputs
    folder."""
    import os

    from conftest import SHARED, clear_anchorlib_caches

    from anchorlib.data.catalogue import PROJECT_ROOT

    if not SHARED.is_dir() or os.environ.get("ANCHOR_NO_SHARED"):
        pytest.skip(
            "the real data bundle ../shared/data is not on this machine "
            "(or ANCHOR_NO_SHARED is set)"
        )
    saved = {
        v: os.environ.pop(v) for v in ("ANCHOR_CATALOGUE", "ANCHOR_NO_SHARED") if v in os.environ
    }
    clear_anchorlib_caches()
    try:
        from anchorlib.assets.ingest import ingest
        from anchorlib.assets.register import build_collaborative_register, read_located_ledger
        from anchorlib.config.collaborative import load_collaborative

        collab = load_collaborative(PROJECT_ROOT / "collaboratives" / "lancashire.yml")
        root = tmp_path_factory.mktemp("outputs")
        ingest(collab, out_root=root, quiet=True)
        build_collaborative_register(collab, out_root=root)
        yield collab, read_located_ledger(collab, root), root
    finally:
        os.environ.update(saved)
        clear_anchorlib_caches()


def _counted(d: pd.DataFrame) -> pd.DataFrame:
    """Rows less the receipts (step 7, item 6): an (anchor, supplier) whose net is negative, and
    negative lines paid to a public body."""
    red = d["is_redacted"] | (d["org_type"] == "redacted")
    key = d["supplier_id"].astype(object).where(~red, "REDACTED").fillna("")
    net = d.groupby([d["anchor_id"], key])["amount_pence"].transform("sum")
    public = (d["amount_pence"] < 0) & (d["org_type"] == "public_body") & ~red
    return d[(net >= 0) & ~public]


def _independent(df: pd.DataFrame, deciles, n) -> dict:
    """The headline figures by plain pandas, written apart from anchorlib.indicators.spend."""
    d = _counted(df[~df["is_duplicate"]])
    total = d["amount_pence"].sum()
    red = d["is_redacted"] | (d["org_type"] == "redacted")
    tier = d["tier"].where(d["tier"].notna() & ~red, "unknown")
    by_tier = d.groupby(tier)["amount_pence"].sum()
    located = total - by_tier.get("unknown", 0)
    dec = pd.to_numeric(d["imd25_decile"], errors="coerce")
    deprived = d.loc[(tier != "unknown") & dec.isin(deciles), "amount_pence"].sum()
    net = d[~red].groupby("supplier_id")["amount_pence"].sum()
    net = net[net > 0].sort_values(ascending=False)
    s = net / net.sum()
    return {
        "total": total / 100,
        "located_share": located / total,
        "place_of_all": by_tier.get("place", 0) / total,
        "place_of_located": by_tier.get("place", 0) / located,
        "wider_of_all": (by_tier.get("place", 0) + by_tier.get("wider", 0)) / total,
        "deprived_of_located": deprived / located,
        "hhi": float((s**2).sum()),
        "top_share": net.iloc[:n].sum() / net.sum(),
        "transactions": len(d),
        "suppliers": d.loc[~red, "supplier_id"].nunique(),
    }


@pytest.mark.shared
def test_real_lancashire_against_plain_pandas(lancashire):
    collab, df, _ = lancashire
    s = collab.spec.indicators
    home = {a.id: a.home_lad for a in collab.anchors}
    res = S.spend_indicators(
        df, collab.place, s, home_lads=home, anchors=[a.id for a in collab.anchors]
    )
    print()
    for g, v in res.items():
        part = df if g == "combined" else df[df["anchor_id"] == g]
        ind = _independent(part, s.deprived_deciles, s.top_n)
        print(
            f"{g:16} total £{v['total']:,.2f} located {v['located_share']:.4f} "
            f"place {v['place_share_of_all']:.4f}"
            f" / {v['place_share_of_located']:.4f} wider {v['wider_share_of_all']:.4f} deprived "
            f"{v['deprived_share_of_located']:.4f} HHI {v['hhi']:.4f} top10 {v['top10_share']:.4f} "
            f"addressable £{v['addressable_total']:,.2f}"
        )
        assert v["total"] == approx(ind["total"], abs=0.001)
        assert (
            v["transactions"] == ind["transactions"] and v["distinct_suppliers"] == ind["suppliers"]
        )
        assert v["located_share"] == approx(ind["located_share"], rel=1e-12)
        assert v["place_share_of_all"] == approx(ind["place_of_all"], rel=1e-12)
        assert v["place_share_of_located"] == approx(ind["place_of_located"], rel=1e-12)
        assert v["wider_share_of_all"] == approx(ind["wider_of_all"], rel=1e-12)
        assert v["deprived_share_of_located"] == approx(ind["deprived_of_located"], rel=1e-12)
        assert v["hhi"] == approx(ind["hhi"], rel=1e-9)
        assert v["top10_share"] == approx(ind["top_share"], rel=1e-12)
    # every anchor's ledger in pence, from the ingest, against the combined figure
    nd = df[~df["is_duplicate"]]
    assert res["combined"]["published_net_total"] == approx(
        nd["amount_pence"].sum() / 100, abs=0.001
    )
    nd = _counted(nd)
    assert res["combined"]["total"] == approx(nd["amount_pence"].sum() / 100, abs=0.001)
    # addressable: independent regex / org-type exclusion
    import re

    from anchorlib.config.categories import map_categories, normalise_category

    pats = [c for c in s.addressable_exclusions.categories if not c.startswith("common:")]
    common = [c[len("common:") :] for c in s.addressable_exclusions.categories if c not in pats]
    cats = re.compile("|".join(f"(?:{c})" for c in pats), re.I)
    grant = re.compile(r"\bgrants?\b|\bbenefits?\b|\bbursar|\ballowances?\b|\bcompensation\b", re.I)
    said = (nd["category"].fillna("") + " | " + nd["description"].fillna("")).map(
        lambda t: bool(grant.search(t) or grant.search(normalise_category(t)))
    )
    out = (
        nd["is_redacted"]
        | (nd["org_type"] == "redacted")
        | ((nd["org_type"] == "individual_sole_trader") & said)
        | (nd["org_type"] == "public_body")
        | nd["category"]
        .fillna("")
        .map(lambda c: bool(cats.search(c) or cats.search(normalise_category(c))))
        | map_categories(nd)["common_category"].isin(common)
    )
    assert res["combined"]["addressable_total"] == approx(
        nd.loc[~out, "amount_pence"].sum() / 100, abs=0.001
    )
    # per year: each year's combined total is the sum of that year's rows
    years = S.spend_indicators(df, collab.place, s, by_year=True)
    for y, r in years.items():
        assert r["combined"]["published_net_total"] == approx(
            df.loc[~df["is_duplicate"] & (df["financial_year"] == y), "amount_pence"].sum() / 100,
            abs=0.001,
        )
        counted = _counted(df[~df["is_duplicate"] & (df["financial_year"] == y)])
        assert r["combined"]["total"] == approx(counted["amount_pence"].sum() / 100, abs=0.001)
    assert res["combined"]["simulated_share"] > 0.9  # the demo's postcodes are simulated and say so


@pytest.mark.shared
def test_real_lancashire_cli(lancashire):
    from anchorlib.cli import app

    collab, _, root = lancashire
    res = runner.invoke(app, ["indicators", str(collab.path), "--json", "--outputs", str(root)])
    assert res.exit_code == 0, res.output[-2000:]
    out = json.loads(res.output)
    assert [k for k in out if k not in ("by_year", "meta", "coverage")] == [
        "hyndburn",
        "lancashire_pcc",
        "lancashire_fire",
        "combined",
    ]
    for g in ("hyndburn", "combined"):
        for key in S.HEADLINE_KEYS + ("addressable_total", "addressable_excluded", "lm3"):
            assert key in out[g]
    assert out["combined"]["lm3"] is None
    assert "2022-23" in out["by_year"] and "combined" in out["by_year"]["2022-23"]
    assert out["meta"]["addressable_exclusions"]["org_types"] == ["public_body"]
    assert any("SIMULATED" in n for n in out["meta"]["notes"])
