"""Procurement spend, negative lines and portfolio concentration (step 7, items 5, 6, 7, 8, 20):
hand-computed examples (anchorlib.indicators.procurement, netting, concentration, gates)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_spend import make_place

from anchorlib.config.collaborative import IndicatorSettings
from anchorlib.indicators import spend as S
from anchorlib.indicators.addressable import addressable_spend
from anchorlib.indicators.concentration import hhi, hhi_by_category, portfolio_hhi
from anchorlib.indicators.netting import counted_rows, gross_and_net, receipts_summary
from anchorlib.indicators.procurement import EXCLUSIONS, procurement_parts, procurement_rule

approx = pytest.approx


PLACE = make_place()


def ledger(rows) -> pd.DataFrame:
    """rows: (anchor, supplier id, name, org type, tier, decile, category, description, pounds)."""
    out = []
    for anchor, sid, name, org, tier, dec, cat, desc, pounds in rows:
        red = org == "redacted"
        out.append(
            {
                "anchor_id": anchor,
                "financial_year": "2023-24",
                "amount_pence": int(round(pounds * 100)),
                "supplier_name": name,
                "supplier_key": name.upper(),
                "category": cat,
                "description": desc,
                "is_redacted": red,
                "is_duplicate": False,
                "supplier_id": sid,
                "canonical_name": name,
                "org_type": org,
                "tier": tier,
                "lad24_code": None,
                "imd25_decile": dec,
                "postcode": None if tier is None else "PR1 1AA",
            }
        )
    df = pd.DataFrame(out)
    df["imd25_decile"] = df["imd25_decile"].astype("Int64")
    return df


# --------------------------------------------------------------------------- item 5

PROCUREMENT_ROWS = [
    ("a", "S1", "Builder Ltd", "company", "place", 1, "Repairs", None, 1000),
    ("a", "S2", "HM Revenue & Customs", "public_body", "wider", 5, "Tax", None, 500),
    ("a", "S3", "Lancashire County Pension Fund", "unknown", "place", 3, "Employer", None, 400),
    ("a", "S4", "Acme Ltd", "company", "wider", 4, "Pension contributions", None, 50),
    (
        "a",
        "S5",
        "County Council",
        "public_body",
        "place",
        2,
        "Finance",
        "Council tax precept",
        3000,
    ),
    ("a", "S6", "Environment Agency", "public_body", "wider", 6, "Flood defence levy", None, 200),
    ("a", "S5", "County Council", "public_body", "place", 2, "Contributions", None, 700),
    ("a", "S7", "Mr J Smith", "individual_sole_trader", "place", 1, "Grants", None, 150),
    ("a", "S8", "Dr A Jones", "individual_sole_trader", "wider", 7, "Pathologists Fees", None, 600),
    ("a", "SR", "REDACTED", "redacted", None, None, "Care", None, 250),
    ("a", "S9", "Levy Catering Ltd", "company", None, None, "Catering", None, 80),
]


def test_procurement_spend_lists_each_exclusion_with_its_amount():
    led = ledger(PROCUREMENT_ROWS)
    # all spend: 1000 + 500 + 400 + 50 + 3000 + 200 + 700 + 150 + 600 + 250 + 80 = 6930
    parts = procurement_parts(led)
    assert parts["excluded"] == {
        "redacted payees": 250.0,  # names withheld
        "HMRC": 500.0,  # before public bodies, so it is listed apart
        "pension funds": 450.0,  # 400 by the payee's name + 50 by the category
        "precepts and levies": 3200.0,  # 3000 by the description + 200 by the category
        "public bodies": 700.0,  # the council's other payment
        "grants and benefits to individuals": 150.0,  # Dr Jones's fees (a service) stay
    }
    assert list(parts["excluded"]) == list(EXCLUSIONS)
    # procurement: Builder 1000 + Dr Jones 600 + Levy Catering 80 ("Levy" in a name is not a levy)
    assert parts["total"] == 1680.0 and parts["excluded_total"] == 5250.0
    assert parts["share_of_all"] == approx(1680 / 6930)
    assert procurement_rule(led).isna().tolist() == [
        True, False, False, False, False, False, False, False, True, False, True,
    ]  # fmt: skip


def test_the_headline_share_is_on_procurement_spend_with_all_spend_beside_it():
    led = ledger(PROCUREMENT_ROWS)
    g = S.spend_indicators(led, PLACE, IndicatorSettings())["a"]
    # procurement in the place: Builder 1000 of 1680; located procurement: 1000 + 600 = 1600
    assert g["procurement_total"] == 1680.0
    assert g["place_share_of_procurement"] == approx(1000 / 1680)
    assert g["place_share_of_procurement_located"] == approx(1000 / 1600)
    assert g["procurement_located_share"] == approx(1600 / 1680)
    # wider including the place: 1000 + 600 of 1680
    assert g["wider_share_of_procurement"] == approx(1600 / 1680)
    # deprived (deciles 1, 2) of located procurement: Builder (decile 1) 1000 / 1600
    assert g["deprived_share_of_procurement_located"] == approx(1000 / 1600)
    # all spend, beside it: place tier 1000 + 400 + 3000 + 700 + 150 = 5250 of 6930
    assert g["place_share_of_all"] == approx(5250 / 6930)
    assert g["procurement_excluded"]["HMRC"] == 500.0
    # located 1600 / 1680 = 0.952 >= 0.8: the place shares may be presented
    assert g["located_gate"]["passed"] and g["located_gate"]["sentence"] is None


def test_redacted_payees_and_grants_to_individuals_are_not_addressable_by_default():
    led = ledger(PROCUREMENT_ROWS)
    a = addressable_spend(led, {"org_types": ["public_body"]})
    # redacted 250 and Mr Smith's grant 150 first; then public bodies 500 + 3000 + 200 + 700
    assert a["excluded"] == {
        "redacted payees": 250.0,
        "grants and benefits to individuals": 150.0,
        "org_type: public_body": 4400.0,
    }
    assert a["total"] == 6930 - 4800
    off = {"redacted_payees": False, "grants_to_individuals": False}
    assert addressable_spend(led, off)["total"] == 6930.0


# --------------------------------------------------------------------------- item 6

NEGATIVE_ROWS = [
    ("a", "S1", "Builder Ltd", "company", "place", 1, "Repairs", None, 1000),
    ("a", "S1", "Builder Ltd", "company", "place", 1, "Repairs", "credit note", -200),
    ("a", "S2", "Department for Levelling Up", "public_body", "wider", 5, "Grant", None, 100),
    ("a", "S2", "Department for Levelling Up", "public_body", "wider", 5, "Grant", None, -5000),
    ("a", "S3", "Refund Co Ltd", "company", "rest_of_uk", 8, "Misc", None, -50),
    ("b", "S1", "Builder Ltd", "company", "place", 1, "Repairs", "credit note", -300),
    ("a", "S4", "County Council", "public_body", "place", 2, "Precepts", None, 3000),
    ("a", "S4", "County Council", "public_body", "place", 2, "Finance", "Grant income", -1000),
]


def test_credit_notes_net_against_their_supplier_and_receipts_are_reported():
    led = ledger(NEGATIVE_ROWS)
    # a: S1 1000 - 200 = 800 (a credit note, netted); S2 100 - 5000 = -4900 and S3 -50 are
    # receipts (credited more than paid); S4, a public body paid 3000, pays a 1000 back: a
    # transfer in, reported, not netted (S4 keeps 3000). b: S1 -300, though a paid S1: b never
    # did, a receipt.
    assert counted_rows(led)["amount_pence"].tolist() == [100000, -20000, 300000]
    assert gross_and_net(led) == {
        "gross_positive": 4000.0,
        "credits_netted": -200.0,
        "net": 3800.0,
        # 1000 - 200 + 100 - 5000 - 50 - 300 + 3000 - 1000
        "published_net": -2450.0,
    }
    rec = receipts_summary(led)
    assert rec["total"] == -6250.0  # -4900 - 50 - 300 - 1000 = published net - counted net
    assert rec["negative_lines"] == -6350.0 and rec["positive_lines"] == 100.0
    assert rec["suppliers"] == 4 and rec["lines"] == 5
    assert [(r["anchor_id"], r["supplier_id"], r["net"]) for r in rec["largest"]] == [
        ("a", "S2", -4900.0),
        ("a", "S4", -1000.0),
        ("b", "S1", -300.0),
        ("a", "S3", -50.0),
    ]


def test_no_share_leaves_zero_one_because_of_netting():
    led = ledger(NEGATIVE_ROWS)
    res = S.spend_indicators(led, PLACE, IndicatorSettings())
    a, b = res["a"], res["b"]
    # netted as published, a's place share would be (800 + 2000) / (800 - 4900 - 50 + 2000) < 0
    assert a["total"] == 3800.0 and a["place_share_of_all"] == 1.0
    assert a["tier_share_of_all"] == {"place": 1.0, "wider": 0.0, "rest_of_uk": 0.0, "unknown": 0.0}
    assert a["gross_positive_total"] == 4000.0 and a["credits_netted_total"] == -200.0
    assert a["receipts_and_transfers"]["total"] == -5950.0
    # b has only a receipt: nothing is spent, so its shares are None, never negative
    assert b["total"] == 0.0 and b["place_share_of_all"] is None
    assert b["receipts_and_transfers"]["total"] == -300.0 and b["published_net_total"] == -300.0
    assert res["combined"]["total"] == 3800.0


# --------------------------------------------------------------------------- item 7

CONCENTRATION_ROWS = [
    ("a", "A", "Alpha Laundry Ltd", "company", "place", 1, "Laundry", None, 600),
    ("a", "B", "Beta Laundry Ltd", "company", "place", 1, "Laundry", None, 300),
    ("a", "C", "Gamma IT Ltd", "company", "wider", 3, "Computer Software", None, 100),
    ("a", "P", "County Council", "public_body", "place", 2, "Contributions", None, 5000),
]


def test_portfolio_concentration_is_on_procurement_spend_overall_and_per_category():
    led = ledger(CONCENTRATION_ROWS)
    # procurement: A 600, B 300, C 100 of 1000: 0.6^2 + 0.3^2 + 0.1^2 = 0.46
    assert portfolio_hhi(led) == approx(0.46)
    # all named suppliers, the public body included: (5000^2 + 600^2 + 300^2 + 100^2) / 6000^2
    assert hhi(led) == approx((5000**2 + 600**2 + 300**2 + 100**2) / 6000**2)
    cats = hhi_by_category(led)
    assert list(cats) == ["laundry", "it_telecoms"]  # largest spend first
    # laundry: 600 and 300 of 900: (2/3)^2 + (1/3)^2 = 5/9; it_telecoms: one supplier
    assert cats["laundry"] == {
        "spend": 900.0,
        "suppliers": 2,
        "hhi": approx(5 / 9),
        "largest_share": approx(2 / 3),
    }
    assert cats["it_telecoms"]["hhi"] == approx(1.0)
    g = S.spend_indicators(led, PLACE, IndicatorSettings())["a"]
    assert g["portfolio_hhi"] == approx(0.46) and g["portfolio_hhi_10000"] == approx(4600)
    assert g["portfolio_hhi_by_category"]["laundry"]["suppliers"] == 2


# --------------------------------------------------------------------------- items 8 and 20


def test_vcse_and_sme_shares_are_gated_by_type_coverage():
    rows = [
        ("a", "A", "Care CIC", "cic_social_enterprise", "place", 1, "Care", None, 300),
        ("a", "B", "Builder Ltd", "company", "place", 1, "Repairs", None, 400),
        ("a", "C", "Someone", "unknown", "place", 1, "Repairs", None, 300),
    ]
    led = ledger(rows)
    g = S.spend_indicators(led, PLACE, IndicatorSettings())["a"]
    # types known: 300 + 400 of 1000 = 0.7 < 0.8: the VCSE share is withheld on the pages
    assert g["org_type_coverage"] == approx(0.7)
    assert not g["vcse_gate"]["passed"]
    assert g["vcse_gate"]["sentence"].startswith("Only 70.0% of the spend has a supplier of known")
    assert "coverage is too low" in g["vcse_gate"]["sentence"]
    # no size band and no sector at all: 0%
    assert g["sme_gate"]["reason"] == "none_covered"
    assert g["sector_gate"]["sentence"].startswith("No supplier has a known sector yet")
    # at a 0.6 setting the same coverage passes
    low = S.spend_indicators(led, PLACE, IndicatorSettings(min_type_coverage=0.6))["a"]
    assert low["vcse_gate"]["passed"]


def test_nobody_located_yet_says_so_and_how_to_fix_it():
    # the Bradford / Wakefield case: a register with no postcodes
    rows = [
        ("a", "A", "Builder Ltd", "company", None, None, "Repairs", None, 700),
        ("a", "B", "Cleaner Ltd", "company", None, None, "Cleaning", None, 300),
    ]
    g = S.spend_indicators(ledger(rows), PLACE, IndicatorSettings())["a"]
    assert g["procurement_located_share"] == 0.0
    gate = g["located_gate"]
    assert not gate["passed"] and gate["reason"] == "none_covered"
    assert gate["sentence"].startswith("No supplier is located yet")
    assert "anchor suppliers enrich" in gate["sentence"]


def test_targets_can_track_the_procurement_headline():
    """progress_table's place_share_of_procurement on tests/test_collective.py's hand example:
    combined 2022-23 procurement spend 13,100 less HMRC 800 and the redacted 300 = 12,000, of
    which 3,000 with suppliers in the place (S2 500, S7 2,500)."""
    from test_collective import make_collab
    from test_collective import make_ledger as collective_ledger

    from anchorlib.indicators.progress import progress_table

    t = progress_table(collective_ledger(), make_collab())
    row = t[
        (t["indicator"] == "place_share_of_procurement")
        & (t["anchor"] == "combined")
        & (t["financial_year"] == "2022-23")
    ]
    assert row["value"].tolist() == [approx(3000 / 12000)]
