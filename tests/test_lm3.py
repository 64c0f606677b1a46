"""LM3 (NEF, The Money Trail): payroll deductions out of round 1 when a wage bill is added, and no
supplier re-spend share for public bodies or pension funds.  Hand-computed."""

from __future__ import annotations

import pandas as pd
import pytest
from test_spend import make_place

from anchorlib.indicators.lm3 import (
    lm3,
    no_respend_payee,
    payroll_deduction_payee,
    validate_lm3_survey,
)

approx = pytest.approx


ROWS = [  # supplier id, name, org type, tier, category, pounds
    ("S1", "Local Builders Ltd", "company", "place", "Repairs", 1000),
    ("HM", "HM Revenue & Customs", "public_body", "wider", "Finance", 3000),
    ("PF", "Lancashire County Pension Fund", "public_body", "place", "Finance", 2000),
    ("LC", "Hyndburn Borough Council", "public_body", "place", "Contributions", 500),
    ("S9", "Indespension Ltd", "company", "place", "Trailers", 400),
]


def _ledger() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "anchor_id": "a",
                "financial_year": "2023-24",
                "amount_pence": pounds * 100,
                "supplier_name": name,
                "supplier_id": sid,
                "canonical_name": name,
                "org_type": org,
                "tier": tier,
                "category": cat,
                "is_redacted": False,
            }
            for sid, name, org, tier, cat, pounds in ROWS
        ]
    )


def _survey(staff: bool) -> pd.DataFrame:
    rows = {
        "kind": ["supplier_average", "supplier"],
        "supplier_id": [None, "LC"],  # a public body's own return is not applied either
        "local_respend_share": ["0.5", "0.8"],
        "anchor_id": [None, None],
        "financial_year": [None, None],
        "wage_bill": [None, None],
        "local_staff_share": [None, None],
    }
    if staff:
        for k, v in {
            "kind": "staff",
            "supplier_id": None,
            "local_respend_share": "0.4",
            "anchor_id": "a",
            "financial_year": "2023-24",
            "wage_bill": "10000",
            "local_staff_share": "0.6",
        }.items():
            rows[k].append(v)
    return validate_lm3_survey(pd.DataFrame(rows))


def test_lm3_leaves_payroll_deductions_out_when_a_wage_bill_is_added():
    res = lm3(_ledger(), make_place(), _survey(staff=True))
    # Ledger 1000 + 3000 + 2000 + 500 + 400 = 6900.  The wage bill (10,000) is added, so HMRC 3000
    # and the pension fund 2000 (payroll deductions, inside the wage bill) leave round 1:
    # R1 = 6900 - 5000 + 10000 = 11900
    assert res["r1"] == approx(11900) and res["r1_payroll_deductions_left_out"] == approx(5000)
    # R2 = local suppliers S1 1000 + council 500 + Indespension 400 = 1900, + local wages
    # 10000 x 0.6 = 6000 -> 7900
    assert res["r2"] == approx(7900) and res["r2_local_suppliers"] == approx(1900)
    # R3 = S1 1000 x 0.5 + S9 400 x 0.5 = 700 (the council, a public body, gets no re-spend share,
    # not even its own 0.8 return) + local wages 6000 x 0.4 = 2400 -> 3100
    assert res["r3_suppliers"] == approx(700) and res["r3"] == approx(3100)
    assert res["r2_no_respend"] == approx(500)
    # LM3 = (11900 + 7900 + 3100) / 11900 = 22900 / 11900 = 1.9244
    assert res["lm3"] == approx(22900 / 11900)
    # the coverage is of the spend a figure can apply to: S1 and S9, both covered by the average
    assert res["r3_supplier_coverage"] == 1.0 and res["r3_supplier_own_return_coverage"] == 0.0
    assert "Money Trail" in res["method"]
    assert any("£5,000.00 paid to HMRC and pension funds" in n for n in res["notes"])


def test_lm3_keeps_deductions_without_a_wage_bill_and_gives_public_bodies_no_respend():
    res = lm3(_ledger(), make_place(), _survey(staff=False))
    # no wage bill added: HMRC and the pension fund stay in round 1, R1 = 6900
    assert res["r1"] == approx(6900) and res["r1_payroll_deductions_left_out"] == 0
    # R2 = local S1 1000 + pension fund 2000 + council 500 + S9 400 = 3900
    assert res["r2"] == approx(3900)
    # R3 = (1000 + 400) x 0.5 = 700: nothing for the pension fund or the council (2500)
    assert res["r3"] == approx(700) and res["r2_no_respend"] == approx(2500)
    # LM3 = (6900 + 3900 + 700) / 6900 = 11500 / 6900 = 1.6667
    assert res["lm3"] == approx(11500 / 6900)


@pytest.mark.parametrize(
    "name, category, expected",
    [
        ("HM Revenue & Customs (Direct Debit)", None, True),
        ("H M REVENUE & CUSTOMS", None, True),
        ("HMRC", None, True),
        ("LOCAL PENSIONS PARTNERSHIP ADMINISTRATION LTD", None, True),
        ("TRUSTEES OF THE MPT GROUP LTD PENSION SCHEME", None, True),
        ("GREATER MANCHESTER PENSION FUND", None, True),
        ("Payroll Services Ltd", "Employers Pension Contributions", True),
        ("Payroll Services Ltd", "PAYE and NI", True),
        # not deductions: a trailer maker, a council selling pension services, a tax on vehicles
        ("INDESPENSION LTD", "Vehicle & Plant", False),
        ("LANCASHIRE COUNTY COUNCIL (200398)", "Police - Financial Services - Pensions", False),
        ("Revenue Solutions Ltd", "Software", False),
    ],
)
def test_payroll_deduction_payees(name, category, expected):
    assert payroll_deduction_payee(name, None, category) is expected


def test_no_respend_payees():
    assert no_respend_payee("public_body", "Hyndburn Borough Council")
    assert no_respend_payee("unknown", "Retailchic Pension Fund")
    assert no_respend_payee("company", "Local Pensions Partnership Ltd")
    assert not no_respend_payee("company", "Indespension Ltd")
    assert not no_respend_payee("charity", "Age UK Lancashire")
