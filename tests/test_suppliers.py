"""The supplier register: matching (hand-labelled pairs), org types, CLES 80%, rebuilds that keep
human edits."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pandas as pd
import pytest

from anchorlib.ledgers.parse import REDACTED_KEY, is_redacted, normalise_supplier_name
from anchorlib.suppliers.match import (
    DEFAULT_THRESHOLD,
    METHODS,
    guard,
    match_key,
    same_supplier,
    word_variant,
)
from anchorlib.suppliers.orgtype import ORG_TYPES, infer_org_type, infer_org_type_many
from anchorlib.suppliers.register import (
    build_register,
    mark_cles_top80,
    read_register,
    read_register_matches,
    write_register,
)
from anchorlib.suppliers.schema import (
    EDITABLE,
    MATCH_COLUMNS,
    SOURCES,
    Register,
    SupplierRegisterError,
    register_columns,
)

DATA = Path(__file__).resolve().parent / "data" / "suppliers"


def ledger(rows) -> pd.DataFrame:
    """A canonical-ledger-like frame from (anchor, name, pounds[, extra columns]) rows."""
    out = []
    for i, r in enumerate(rows):
        anchor, name, pounds, *rest = r
        extra = rest[0] if rest else {}
        out.append(
            {
                "anchor_id": anchor,
                "source_file": f"{anchor}.csv",
                "source_row": i + 2,
                "payment_date": pd.Timestamp("2024-04-01") + pd.Timedelta(days=i),
                "amount_pence": int(round(pounds * 100)),
                "supplier_name": " ".join(name.split()),
                "supplier_key": normalise_supplier_name(name),
                "company_number": extra.get("company_number"),
                "charity_number": extra.get("charity_number"),
                "supplier_postcode": extra.get("postcode"),
                "is_redacted": is_redacted(name),
                "is_refund": pounds < 0,
                "is_duplicate": extra.get("duplicate", False),
            }
        )
    df = pd.DataFrame(out)
    df["amount"] = df["amount_pence"] / 100
    return df


def sid(reg: Register, name: str) -> str:
    """The supplier id a published name was matched to."""
    name = " ".join(name.split())  # ledgers tidy whitespace
    m = reg.matches[reg.matches["supplier_name"] == name]
    assert len(m) >= 1, f"{name!r} not in the matches audit"
    return m["supplier_id"].iloc[0]


def row(reg: Register, supplier_id: str) -> pd.Series:
    r = reg.register.set_index("supplier_id")
    return r.loc[supplier_id]


def load_pairs() -> list[dict]:
    with open(DATA / "pairs.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        r["same"] = r["same"].strip().lower() == "true"
    return rows


# --------------------------------------------------------------------------- hand-labelled pairs

PAIRS = load_pairs()


def test_pairs_file_has_enough_of_each_kind():
    assert sum(p["same"] for p in PAIRS) >= 15
    assert sum(not p["same"] for p in PAIRS) >= 15


def _pair_merged(p) -> bool:
    reg = build_register(ledger([("a", p["name_a"], 100.0), ("b", p["name_b"], 50.0)]))
    return sid(reg, p["name_a"]) == sid(reg, p["name_b"])


def test_pairs_precision_is_one_and_recall_reported():
    tp = fp = fn = 0
    wrong = []
    for p in PAIRS:
        merged = _pair_merged(p)
        tp += merged and p["same"]
        fp += merged and not p["same"]
        fn += (not merged) and p["same"]
        if merged != p["same"]:
            wrong.append(f"{p['name_a']!r} / {p['name_b']!r}: merged={merged} ({p['note']})")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(f"\nhand-labelled pairs: {len(PAIRS)}; precision {precision:.3f}, recall {recall:.3f}")
    for w in wrong:
        print("  " + w)
    assert fp == 0 and precision == 1.0, wrong
    assert recall >= 0.9, wrong


def test_pairs_together_never_chain_a_wrong_merge():
    """All the labelled names in one ledger: links between pairs must not join a must-not-merge
    pair."""
    rows = []
    for i, p in enumerate(PAIRS):
        rows += [("a", p["name_a"], 100.0 + i), ("b", p["name_b"], 50.0 + i)]
    reg = build_register(ledger(rows))
    for p in PAIRS:
        if not p["same"]:
            assert sid(reg, p["name_a"]) != sid(reg, p["name_b"]), p
    assert reg.matches["supplier_name"].is_unique


@pytest.mark.parametrize("p", PAIRS, ids=lambda p: f"{p['name_a']}|{p['name_b']}")
def test_same_supplier_helper_agrees_with_the_labels(p):
    same, method, score = same_supplier(p["name_a"], p["name_b"])
    assert same == p["same"]
    if same:
        assert method in ("exact_key", "fuzzy") and score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    "a,b,ok",
    [
        ("SMITH AND SON", "SMITH AND SONS", True),
        ("SMITH AND SON", "SMITH AND SON PLUMBING", False),
        ("A1 SKIPS", "A2 SKIPS", False),
        ("NORTH WEST AMBULANCE SERVICE", "NORTH EAST AMBULANCE SERVICE", False),
        ("LANCASHIRE COUNTY COUNCIL", "LANCASTER CITY COUNCIL", False),
        ("CAMPBELL HEATING AND PLUMBING", "CAMPBELL PLUMBING AND HEATING", True),
        ("AON UK", "AON", False),
    ],
)
def test_guard(a, b, ok):
    assert guard(a, b)[0] is ok


@pytest.mark.parametrize(
    "a,b,ok",
    [
        ("BUILDING", "BULDING", True),
        ("COMBINED", "COMBNIED", True),
        ("INDEPENDENT", "INDEPENDANT", True),
        ("SON", "SONS", True),
        ("CAPITA", "CAPITAL", False),
        ("SMITH", "SMYTH", False),
        ("MARTON", "MORTON", False),
        ("ASTON", "ASHTON", False),
        ("EAST", "WEST", False),
        ("HYDE", "RYDE", False),
        ("A1", "A2", False),
    ],
)
def test_word_variant(a, b, ok):
    assert (word_variant(a, b) is not None) is ok


def test_match_key_strips_publishing_noise():
    assert match_key("pitney bowes 050124 1") == "PITNEY BOWES"
    assert match_key("PITNEY BOWES LIM 231025 1") == "PITNEY BOWES"
    assert match_key("(DD) Department of Levelling Up") == "DEPARTMENT OF LEVELLING UP"
    assert (
        match_key("Lancashire County Council (Direct Debit Payments)")
        == "LANCASHIRE COUNTY COUNCIL"
    )
    assert match_key("Stanley Bros Tippers") == "STANLEY BROTHERS TIPPERS"
    assert match_key("REDACTED") == REDACTED_KEY
    # a six-digit number that is not a date stays: it may be an account or a name
    assert match_key("Unit 991399 1") == "UNIT 991399 1"


# --------------------------------------------------------------------------- numbers and redaction


def test_company_number_merges_different_names():
    reg = build_register(
        ledger(
            [
                ("a", "Acme Trading Ltd", 100, {"company_number": "01234567"}),
                (
                    "b",
                    "ACME (NORTH) LIMITED",
                    50,
                    {"company_number": "1234567"},
                ),  # Excel dropped the zero
                ("b", "Acme Trading", 20),  # no number: joins by its key
            ]
        )
    )
    assert (
        sid(reg, "Acme Trading Ltd") == sid(reg, "ACME (NORTH) LIMITED") == sid(reg, "Acme Trading")
    )
    r = row(reg, sid(reg, "Acme Trading Ltd"))
    assert r["company_number"] == "01234567" and r["n_anchors"] == 2 and r["total_spend"] == 170
    methods = reg.matches.set_index("supplier_name")["method"]
    assert methods["ACME (NORTH) LIMITED"] == "company_number"
    assert methods["Acme Trading"] == "exact_key"


def test_differing_company_numbers_never_merge():
    reg = build_register(
        ledger(
            [
                ("a", "Acme Ltd", 100, {"company_number": "00000001"}),
                ("b", "ACME LIMITED", 50, {"company_number": "00000002"}),
                ("b", "Acme", 20),  # which Acme? not plain: stays apart from both
                ("a", "Acme Limited", 10, {"company_number": "00000002"}),
                (
                    "a",
                    "Acmee Ltd",
                    5,
                    {"company_number": "00000003"},
                ),  # would be a fuzzy match but for the number
            ]
        )
    )
    ids = {
        n: sid(reg, n) for n in ("Acme Ltd", "ACME LIMITED", "Acme", "Acme Limited", "Acmee Ltd")
    }
    assert ids["ACME LIMITED"] == ids["Acme Limited"]
    assert len({ids["Acme Ltd"], ids["ACME LIMITED"], ids["Acme"], ids["Acmee Ltd"]}) == 4
    assert len(reg.review) >= 1  # the ambiguity is listed for a person
    for _, r in reg.register.iterrows():
        assert pd.isna(r["company_number"]) or ";" not in r["company_number"]


def test_charity_numbers():
    reg = build_register(
        ledger(
            [
                ("a", "Friends of the Park", 100, {"charity_number": "1012345"}),
                ("b", "Park Friends Group", 50, {"charity_number": "1012345"}),
                ("b", "Friends of the Parks", 40, {"charity_number": "1099999"}),
            ]
        )
    )
    assert sid(reg, "Friends of the Park") == sid(reg, "Park Friends Group")
    assert sid(reg, "Friends of the Parks") != sid(reg, "Friends of the Park")
    r = row(reg, sid(reg, "Friends of the Park"))
    assert r["org_type"] == "charity" and "1012345" in r["org_type_evidence"]


def test_redacted_payees_are_one_class_never_matched():
    reg = build_register(
        ledger(
            [
                ("a", "REDACTED", 5000),
                ("b", "Personal Data", 3000),
                ("b", "THIRD PARTY", 2000),
                ("a", "Redactive Publishing Ltd", 100),
                ("b", "Third Party Forensic Services Ltd", 80),
                ("a", "Personal Alarms Ltd", 60),
            ]
        )
    )
    red = reg.register[reg.register["is_redacted"]]
    assert len(red) == 1
    r = red.iloc[0]
    assert r["org_type"] == "redacted" and r["total_spend"] == 10000 and not r["cles_top80"]
    assert pd.isna(r["spend_rank"]) and r["n_anchors"] == 2
    m = reg.matches.set_index("supplier_name")
    assert set(m.loc[["REDACTED", "Personal Data", "THIRD PARTY"], "supplier_id"]) == {
        r["supplier_id"]
    }
    assert set(m.loc[["REDACTED", "Personal Data", "THIRD PARTY"], "method"]) == {"redacted"}
    for named in (
        "Redactive Publishing Ltd",
        "Third Party Forensic Services Ltd",
        "Personal Alarms Ltd",
    ):
        assert m.at[named, "supplier_id"] != r["supplier_id"]
    # the named suppliers share the CLES list without the (larger) redacted spend
    assert reg.register.loc[~reg.register["is_redacted"], "cles_top80"].sum() >= 1


# --------------------------------------------------------------------------- organisation type

ORG_CASES = [
    ("Hyndburn Borough Council", None, None, "public_body"),
    ("Lancashire County Council (200398)", None, None, "public_body"),
    ("Blackpool Council", None, None, "public_body"),
    ("East Lancashire Hospitals NHS Trust", None, None, "public_body"),
    ("Lancashire Constabulary", None, None, "public_body"),
    ("Merseyside Police", None, None, "public_body"),
    ("Lancashire Fire and Rescue Service", None, None, "public_body"),
    ("HM Revenue & Customs", None, None, "public_body"),
    ("HMRC", None, None, "public_body"),
    ("Department for Education", None, None, "public_body"),
    ("Home Office", None, None, "public_body"),
    ("St Mary's Catholic Primary School", None, None, "public_body"),
    ("University of Central Lancashire", None, None, "public_body"),
    ("Accrington and Rossendale College", None, None, "public_body"),
    ("Police Federation of England and Wales", None, None, "unknown"),
    ("Police Mutual Assurance Society", None, None, "cooperative_mutual"),
    ("Fire Brigades Union", None, None, "unknown"),
    ("NHS Professionals Ltd", None, None, "company"),
    ("Lancashire School of Motoring", None, None, "unknown"),
    ("Royal College of Nursing", None, None, "unknown"),
    ("Acme Widgets Ltd", None, None, "company"),
    ("Acme Widgets Limited", None, None, "company"),
    ("Big Bank PLC", None, None, "company"),
    ("Law Firm LLP", None, None, "company"),
    ("Acme Widgets", "01234567", None, "company"),
    ("Friends of the Park", None, "1012345", "charity"),
    ("Acme Widgets Ltd", "01234567", "1012345", "charity"),
    ("Helping Hands CIO", None, None, "charity"),
    ("Newground CIC", None, None, "cic_social_enterprise"),
    ("Woody (Hyndburn) C.I.C.", None, None, "cic_social_enterprise"),
    ("Limeculture Community Interest Company", None, None, "cic_social_enterprise"),
    ("Community Interest Trading Ltd CIC", None, None, "cic_social_enterprise"),
    ("The Co-operative Group", None, None, "cooperative_mutual"),
    ("Midcounties Co-op", None, None, "cooperative_mutual"),
    # step 7 item 8: the legal form runs before the words of the name
    ("Unity Cooperative Ltd", None, None, "company"),
    ("Blues and Twos Credit Union Ltd", None, None, "cooperative_mutual"),
    ("Municipal Mutual Insurance Limited", None, None, "company"),
    ("Midcounties Co-operative Society Limited", None, None, "cooperative_mutual"),
    ("Bradford District Credit Union", None, None, "cooperative_mutual"),
    ("Co-op Academy Parkland", None, None, "public_body"),
    ("CO-OP GROUP 108477", None, None, "cooperative_mutual"),
    # police mutual aid: another force's officers, a public body, not a co-operative
    ("Mutual Aid", None, None, "public_body"),
    ("Police Mutual Aid", None, None, "public_body"),
    ("Mutual Aid - Cumbria Constabulary", None, None, "public_body"),
    # a company limited by guarantee with a charity number, or a CIO, is VCSE (charity)
    ("Age UK Lancashire Limited by Guarantee", "01234567", "1012345", "charity"),
    ("Age UK Lancashire Ltd", None, "1012345", "charity"),
    ("Highfield Community Pre-School CIO", None, None, "charity"),
    ("The Hive Silsden C.I.O.", "01234567", None, "charity"),
    ("Acme Charitable Incorporated Organisation", None, None, "charity"),
    # police charities are not the police
    ("The Police Foundation", None, None, "unknown"),
    ("Police Dependants Trust", None, None, "unknown"),
    ("The Police Arboretum Memorial Trust", None, None, "unknown"),
    ("Hearts of Oak Friendly Society", None, None, "cooperative_mutual"),
    ("Nationwide Building Society", None, None, "cooperative_mutual"),
    ("Mr J Smith", None, None, "individual_sole_trader"),
    ("MRS A B JONES", None, None, "individual_sole_trader"),
    ("Ms. Jo Bloggs", None, None, "individual_sole_trader"),
    ("Dr C A Wilson", None, None, "individual_sole_trader"),
    ("J Smith t/a Smith Plumbing", None, None, "unknown"),
    ("REDACTED", None, None, "redacted"),
    ("Personal Data", "01234567", None, "redacted"),
    ("Hyndburn Leisure", None, None, "unknown"),
    ("Mrsa Screening Services", None, None, "unknown"),
    ("Councillor Training Services", None, None, "unknown"),
    ("", None, None, "unknown"),
]


@pytest.mark.parametrize(
    "name,company,charity,expected", ORG_CASES, ids=[c[0] or "blank" for c in ORG_CASES]
)
def test_org_type_inference(name, company, charity, expected):
    t, evidence = infer_org_type(name, company, charity)
    assert t == expected, evidence
    assert t in ORG_TYPES
    assert (evidence == "") == (t == "unknown")


def test_org_type_from_several_names_takes_the_plainest():
    t, ev = infer_org_type_many(
        ["Asian Fire Service Association", "ASIAN FIRE SERVICE ASSOCIATION CIC"]
    )
    assert t == "cic_social_enterprise" and "ASIAN FIRE SERVICE ASSOCIATION CIC" in ev
    assert infer_org_type_many(["Hyndburn Leisure"]) == ("unknown", "")


def test_org_type_from_several_names_legal_form_beats_a_word_of_the_name():
    # 'Unity Co-op' alone is a co-operative by a word of its name (step 7); 'Unity Co-op Ltd'
    # states a legal form (step 5), which is plainer: the supplier is a company.
    t, ev = infer_org_type_many(["Unity Co-op", "Unity Co-op Ltd"])
    assert (t, ev) == ("company", "'LTD' in name (Unity Co-op Ltd)")
    # a charity number on any row makes the company limited by guarantee a charity
    assert infer_org_type_many(["Age UK Lancashire Ltd"], ["01234567"], [None, "1012345"]) == (
        "charity",
        "charity number 1012345",
    )
    # a society form (step 4) beats 'Ltd' (step 5) within one name and across names
    assert infer_org_type_many(["Blues and Twos", "Blues and Twos Credit Union Ltd"])[0] == (
        "cooperative_mutual"
    )


def test_rebuild_after_an_org_type_rule_change_updates_the_builds_values_only():
    """A type an earlier build set under earlier rules is updated by the new rules (its evidence
    still names it), not frozen as a person's edit; a person's change with the source left as it
    was is kept."""
    names = ["Municipal Mutual Insurance Limited", "Acme Trading Ltd"]
    first = build_register(ledger([("a", n, 100) for n in names]))
    prev = first.register.copy()
    mmi = prev["supplier_id"] == sid(first, names[0])
    acme = prev["supplier_id"] == sid(first, names[1])
    # what the rules before step 7 gave Municipal Mutual: 'MUTUAL' ran before 'LIMITED'
    prev.loc[mmi, ["org_type", "org_type_evidence"]] = ["cooperative_mutual", "'MUTUAL' in name"]
    # a person typed 'charity' over the build's 'company', leaving source and evidence as they were
    prev.loc[acme, "org_type"] = "charity"
    second = build_register(ledger([("a", n, 100) for n in names]), previous=prev)
    m = row(second, sid(first, names[0]))
    assert (m["org_type"], m["org_type_source"], m["org_type_evidence"]) == (
        "company",
        "inferred",
        "'LIMITED' in name",
    )
    a = row(second, sid(first, names[1]))
    assert (a["org_type"], a["org_type_source"]) == ("charity", "human")


# --------------------------------------------------------------------------- CLES top 80%


def test_cles_top80_hand_computed():
    # named: A 500, B 300, C 100, D 60, E 40 = 1000; redacted 2000 and a refund-only supplier are
    # excluded.
    rows = [
        ("a", "Alpha Ltd", 500),
        ("a", "Bravo Ltd", 300),
        ("b", "Charlie Ltd", 100),
        ("b", "Delta Ltd", 60),
        ("a", "Echo Ltd", 40),
        ("a", "REDACTED", 2000),
        ("b", "Foxtrot Ltd", -50),
    ]
    reg = build_register(ledger(rows)).register.set_index("canonical_name")
    # cumulative: A 50% (< 80: in), B 80% (the one reaching 80%: in), then stop
    assert reg["cles_top80"].to_dict() == {
        "Alpha Ltd": True,
        "Bravo Ltd": True,
        "Charlie Ltd": False,
        "Delta Ltd": False,
        "Echo Ltd": False,
        "REDACTED": False,
        "Foxtrot Ltd": False,
    }
    assert reg.loc["Bravo Ltd", "cumulative_share"] == pytest.approx(0.8)
    assert reg.loc["Alpha Ltd", "spend_share"] == pytest.approx(0.5)
    assert reg.loc["Charlie Ltd", "spend_rank"] == 3 and pd.isna(
        reg.loc["Foxtrot Ltd", "spend_rank"]
    )
    # sorted by combined spend (the redacted class is a row like any other, at its spend)
    assert reg.index.tolist()[:3] == ["REDACTED", "Alpha Ltd", "Bravo Ltd"]


def test_cles_top80_includes_the_supplier_that_crosses_the_line():
    reg = pd.DataFrame(
        {
            "canonical_name": list("ABCD"),
            "spend_pence": [50000, 29000, 11000, 10000],
            "is_redacted": False,
        }
    )
    out = mark_cles_top80(reg)
    # A 50%, A+B 79% (< 80), C crosses to 90%: A, B, C in
    assert out["cles_top80"].tolist() == [True, True, True, False]


def test_cles_top80_ties_and_split_refunds():
    # net spend per supplier: a refund reduces the supplier's spend
    reg = build_register(
        ledger(
            [
                ("a", "One Ltd", 400),
                ("a", "One Ltd", -100),
                ("b", "Two Ltd", 300),
                ("a", "Three Ltd", 300),
                ("b", "Four Ltd", 100),
            ]
        )
    ).register
    r = reg.set_index("canonical_name")
    assert r.loc["One Ltd", "total_spend"] == 300 and r.loc["One Ltd", "refunds"] == 1
    # three at 300 of 1000: 30%, 60%, 90% -> all three in (ties broken by name), Four out
    assert r["cles_top80"].to_dict() == {
        "One Ltd": True,
        "Three Ltd": True,
        "Two Ltd": True,
        "Four Ltd": False,
    }


# ----------------------------------------------------------------------- the register and its audit


def test_register_columns_and_audit():
    rows = [
        ("hyndburn", "Acme Widgets Ltd", 100),
        ("lancashire_pcc", "ACME WIDGETS LIMITED", 200),
        ("hyndburn", "acme widgets ltd", 5),
        ("lancashire_pcc", "Greater Manchester Combnied Authority", 10),
        ("hyndburn", "Greater Manchester Combined Authority", 20),
        ("hyndburn", "Solo Trader", 1),
        ("hyndburn", "Acme Widgets Ltd", 100, {"duplicate": True}),
    ]
    reg = build_register(ledger(rows))
    r = reg.register
    assert r.columns.tolist() == register_columns(["hyndburn", "lancashire_pcc"])
    for f in EDITABLE:
        assert f in r.columns and f"{f}_source" in r.columns
        assert set(r[f"{f}_source"].dropna()) <= set(SOURCES)
    assert r["supplier_id"].is_unique and r["supplier_id"].str.match(r"^S[0-9A-F]{10}$").all()
    acme = row(reg, sid(reg, "Acme Widgets Ltd"))
    assert acme["total_spend"] == 305 and acme["payments"] == 3  # the duplicate row is not spend
    assert acme["spend_hyndburn"] == 105 and acme["spend_lancashire_pcc"] == 200
    assert acme["anchors"] == "hyndburn; lancashire_pcc" and acme["n_anchors"] == 2
    assert acme["canonical_name"] == "Acme Widgets Ltd" and acme["n_variants"] == 3
    assert acme["org_type"] == "company" and acme["org_type_source"] == "inferred"
    assert (
        pd.isna(acme["postcode"]) and pd.isna(acme["sector"]) and pd.isna(acme["postcode_source"])
    )
    m = reg.matches
    assert m.columns.tolist() == MATCH_COLUMNS
    assert len(m) == 6 and m["supplier_name"].is_unique
    assert set(m["method"]) <= set(METHODS)
    assert (m.groupby("supplier_id")["method"].apply(lambda s: (s == "new").sum()) == 1).all()
    fz = m[m["method"] == "fuzzy"]
    assert (
        len(fz) == 1
        and fz["score"].iloc[0] >= DEFAULT_THRESHOLD
        and "swapped" in fz["detail"].iloc[0]
    )
    assert fz["matched_to"].iloc[0] == "Greater Manchester Combined Authority"
    gm = row(reg, fz["supplier_id"].iloc[0])
    assert gm["match_methods"] == "fuzzy" and gm["min_match_score"] == fz["score"].iloc[0]
    assert gm["org_type"] == "public_body"


def test_supplier_ids_are_stable_whatever_the_row_order():
    rows = [
        ("a", f"Supplier {w} Ltd", 10 + i)
        for i, w in enumerate(["Alpha", "Bravo", "Charlie", "Delta", "Echo"])
    ]
    rows += [("b", "SUPPLIER ALPHA LIMITED", 3), ("b", "Personal data", 7)]
    first = build_register(ledger(rows))
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    second = build_register(ledger(shuffled))
    a = first.matches.set_index("supplier_name")["supplier_id"].sort_index()
    b = second.matches.set_index("supplier_name")["supplier_id"].sort_index()
    assert a.equals(b)


def test_missing_columns_are_an_error():
    with pytest.raises(SupplierRegisterError, match="supplier_name"):
        build_register(pd.DataFrame({"anchor_id": ["a"], "amount_pence": [1]}))


def test_ledger_postcode_most_common_valid_one():
    reg = build_register(
        ledger(
            [
                ("a", "Acme Ltd", 1, {"postcode": "bb5 1la"}),
                ("a", "Acme Ltd", 1, {"postcode": "BB51LA"}),
                ("a", "Acme Ltd", 1, {"postcode": "M1 1AE"}),
                ("a", "Acme Ltd", 1, {"postcode": "not a postcode"}),
                ("a", "Beta Ltd", 1, {"postcode": "???"}),
                ("a", "Gamma Ltd", 1),
            ]
        )
    )
    assert row(reg, sid(reg, "Acme Ltd"))["postcode"] == "BB5 1LA"
    assert row(reg, sid(reg, "Acme Ltd"))["postcode_source"] == "ledger"
    assert pd.isna(row(reg, sid(reg, "Beta Ltd"))["postcode"])
    assert pd.isna(row(reg, sid(reg, "Gamma Ltd"))["postcode"])


def test_place_adds_lsoa_and_tier(fixture_data):
    from anchorlib.config.places import place_from_codes

    place = place_from_codes("E07000120")  # Hyndburn
    reg = build_register(
        ledger(
            [
                ("a", "Local Firm Ltd", 100, {"postcode": "BB5 1LA"}),
                ("a", "Far Firm Ltd", 50, {"postcode": "SW1A 1AA"}),
                ("a", "No Postcode Ltd", 10),
            ]
        ),
        place=place,
    )
    local = row(reg, sid(reg, "Local Firm Ltd"))
    assert local["tier"] == "place" and local["lsoa21_code"] == "E01025036"
    assert local["lad24_name"] == "Hyndburn" and local["region_name"] == "North West"
    assert local["imd25_decile"] == 1 and local["postcode_status"] == "live"
    far = row(reg, sid(reg, "Far Firm Ltd"))
    assert far["tier"] == "unknown" and far["postcode_status"] == "unknown"
    assert pd.isna(row(reg, sid(reg, "No Postcode Ltd"))["tier"])


# ------------------------------------------------------------------------ rebuilds keep human edits

BASE = [
    ("hyndburn", "Acme Widgets Ltd", 1000, {"company_number": "01234567"}),
    ("lancashire_pcc", "ACME WIDGETS LIMITED", 500),
    ("hyndburn", "Bolton Brothers Builders", 800),
    ("hyndburn", "Bolton Bros Builders Ltd", 100),
    ("lancashire_pcc", "Carrington Catering", 300),
    (
        "lancashire_pcc",
        "C Carrington Catering Services",
        200,
    ),  # the same firm, but only a person can tell
    ("hyndburn", "Delta Deliveries Ltd", 50),
    ("hyndburn", "Echo Events", 25),
    ("lancashire_pcc", "REDACTED", 400),
]
NEW = [
    (
        "lancashire_fire",
        "Acme Widgets (UK) Ltd",
        70,
        {"company_number": "1234567"},
    ),  # new name, same company
    ("lancashire_fire", "Foxtrot Fencing Ltd", 60),
    ("lancashire_fire", "bolton brothers builders", 40),
    ("lancashire_fire", "Personal data", 30),
]


def _edit_and_save(paths: dict, kind: str, edit) -> Path:
    """Open the register as a person would (CSV or XLSX), apply ``edit`` to it, save it the same
    way."""
    path = paths[kind]
    if kind == "csv":
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        edit(df)
        df.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        from openpyxl import load_workbook

        wb = load_workbook(path)
        ws = wb["register"]
        header = [c.value for c in ws[1]]
        df = pd.DataFrame([[c.value for c in r] for r in ws.iter_rows(min_row=2)], columns=header)
        df = df.astype(object).where(df.notna(), "")
        before = df.copy()
        edit(df)
        for i in range(len(df)):
            for j in range(len(header)):
                if str(df.iat[i, j]) != str(before.iat[i, j]):
                    ws.cell(row=i + 2, column=j + 1, value=df.iat[i, j] or None)
        wb.save(path)
    return path


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rebuild_keeps_human_edits_and_adds_new_suppliers(tmp_path, kind):
    first = build_register(ledger(BASE))
    paths = write_register(first, tmp_path / "suppliers")
    ids = {
        n: sid(first, n)
        for n in (
            "Acme Widgets Ltd",
            "Bolton Brothers Builders",
            "Carrington Catering",
            "C Carrington Catering Services",
            "Delta Deliveries Ltd",
            "Echo Events",
        )
    }
    assert ids["Bolton Brothers Builders"] == sid(first, "Bolton Bros Builders Ltd")
    assert ids["Carrington Catering"] != ids["C Carrington Catering Services"]

    def edit(df):
        at = {s: i for i, s in enumerate(df["supplier_id"])}
        df.loc[at[ids["Acme Widgets Ltd"]], "postcode"] = "bb5 1la"  # source left blank
        df.loc[at[ids["Acme Widgets Ltd"]], "sector"] = "Manufacturing"
        df.loc[at[ids["Bolton Brothers Builders"]], "canonical_name"] = "Bolton Bros (Builders)"
        df.loc[at[ids["Bolton Brothers Builders"]], "org_type"] = (
            "cooperative_mutual"  # source left 'inferred'
        )
        df.loc[at[ids["C Carrington Catering Services"]], "merge_into"] = ids["Carrington Catering"]
        df.loc[at[ids["C Carrington Catering Services"]], "notes"] = (
            "same firm: invoice addresses match"
        )
        df.loc[at[ids["Carrington Catering"]], "size_band"] = "small"
        df.loc[at[ids["Carrington Catering"]], "size_band_source"] = "simulated"
        df.loc[at[ids["Delta Deliveries Ltd"]], "org_type"] = ""  # cleared: the build infers again
        df.loc[at[ids["Echo Events"]], "notes"] = "checked 2025"

    _edit_and_save(paths, kind, edit)
    prev = read_register(paths[kind])
    second = build_register(
        ledger(BASE + NEW), previous=prev, previous_matches=read_register_matches(paths[kind])
    )
    r = second.register.set_index("supplier_id")

    # every earlier supplier keeps its id (but the one merged away)
    assert set(ids.values()) - {ids["C Carrington Catering Services"]} <= set(r.index)
    assert ids["C Carrington Catering Services"] not in r.index
    # human edits, with who set them
    acme = r.loc[ids["Acme Widgets Ltd"]]
    assert (acme["postcode"], acme["postcode_source"]) == ("BB5 1LA", "human")
    assert (acme["sector"], acme["sector_source"]) == ("Manufacturing", "human")
    bolton = r.loc[ids["Bolton Brothers Builders"]]
    assert (bolton["canonical_name"], bolton["canonical_name_source"]) == (
        "Bolton Bros (Builders)",
        "human",
    )
    assert (bolton["org_type"], bolton["org_type_source"]) == ("cooperative_mutual", "human")
    assert bolton["org_type_evidence"] == "set by human"
    assert r.loc[ids["Delta Deliveries Ltd"], "org_type"] == "company"
    assert r.loc[ids["Delta Deliveries Ltd"], "org_type_source"] == "inferred"
    assert r.loc[ids["Echo Events"], "notes"] == "checked 2025"
    # the manual merge: one row, both names, spend combined, recorded with method 'manual'
    cc = r.loc[ids["Carrington Catering"]]
    assert cc["total_spend"] == 500 and "C Carrington Catering Services" in cc["name_variants"]
    assert (cc["size_band"], cc["size_band_source"]) == ("small", "simulated")
    assert (
        cc["notes"] == "same firm: invoice addresses match"
    )  # the merged row's note moves to its target
    m = second.matches.set_index("supplier_name")
    assert m.at["C Carrington Catering Services", "method"] == "manual"
    assert m.at["C Carrington Catering Services", "supplier_id"] == ids["Carrington Catering"]
    # new names join their suppliers; new suppliers are added
    assert m.at["Acme Widgets (UK) Ltd", "supplier_id"] == ids["Acme Widgets Ltd"]
    assert m.at["Acme Widgets (UK) Ltd", "method"] == "company_number"
    assert m.at["bolton brothers builders", "supplier_id"] == ids["Bolton Brothers Builders"]
    assert r.loc[ids["Acme Widgets Ltd"], "total_spend"] == 1570
    assert r.loc[ids["Acme Widgets Ltd"], "n_anchors"] == 3
    fox = m.at["Foxtrot Fencing Ltd", "supplier_id"]
    assert fox not in ids.values() and r.loc[fox, "org_type"] == "company"
    red = r[r["is_redacted"].astype(bool)]
    assert len(red) == 1 and red["total_spend"].iloc[0] == 430
    assert second.register["supplier_id"].is_unique

    # a third build from the second's files changes nothing
    paths2 = write_register(second, tmp_path / "again")
    third = build_register(
        ledger(BASE + NEW),
        previous=read_register(paths2[kind]),
        previous_matches=read_register_matches(paths2[kind]),
    )
    cols = (
        ["supplier_id", "total_spend", "cles_top80"] + EDITABLE + [f"{f}_source" for f in EDITABLE]
    )
    a = second.register[cols].astype(object).where(second.register[cols].notna(), None)
    b = third.register[cols].astype(object).where(third.register[cols].notna(), None)
    assert a.to_dict("records") == b.to_dict("records")
    assert second.matches[["supplier_name", "supplier_id", "method"]].equals(
        third.matches[["supplier_name", "supplier_id", "method"]]
    )


def test_rebuild_updates_values_the_build_set_but_keeps_edits():
    """A value the build set is not mistaken for a person's edit when new evidence changes it."""
    first = build_register(
        ledger(
            [
                ("a", "Asian Fire Service Association", 100, {"postcode": "BB5 1LA"}),
                ("a", "Beta Services", 50, {"postcode": "BB5 1LA"}),
                ("a", "Gamma Services", 50),
            ]
        )
    )
    prev = first.register.copy()
    beta = sid(first, "Beta Services")
    prev.loc[prev["supplier_id"] == beta, "postcode"] = "M1 1AE"  # edited, source left 'ledger'
    prev.loc[prev["supplier_id"] == sid(first, "Gamma Services"), "org_type"] = (
        "charity"  # source left 'inferred'
    )
    more = [
        ("b", "ASIAN FIRE SERVICE ASSOCIATION CIC", 10, {"postcode": "BB1 1AA"}),
        ("b", "Asian Fire Service Association", 10, {"postcode": "BB1 1AA"}),
        ("b", "Asian Fire Service Association", 10, {"postcode": "BB1 1AA"}),
        ("b", "Beta Services", 10, {"postcode": "BB2 2BB"}),
        ("b", "Beta Services", 10, {"postcode": "BB2 2BB"}),
    ]
    second = build_register(
        ledger(
            [
                ("a", "Asian Fire Service Association", 100, {"postcode": "BB5 1LA"}),
                ("a", "Beta Services", 50, {"postcode": "BB5 1LA"}),
                ("a", "Gamma Services", 50),
            ]
            + more
        ),
        previous=prev,
    )
    afsa = row(second, sid(first, "Asian Fire Service Association"))
    assert (afsa["org_type"], afsa["org_type_source"]) == (
        "cic_social_enterprise",
        "inferred",
    )  # new evidence
    assert (afsa["postcode"], afsa["postcode_source"]) == (
        "BB1 1AA",
        "ledger",
    )  # now the most common
    b = row(second, beta)
    assert (b["postcode"], b["postcode_source"]) == ("M1 1AE", "human")
    g = row(second, sid(first, "Gamma Services"))
    assert (g["org_type"], g["org_type_source"], g["org_type_evidence"]) == (
        "charity",
        "human",
        "set by human",
    )


def test_rebuild_keeps_suppliers_missing_from_the_new_ledger(tmp_path):
    first = build_register(ledger(BASE))
    paths = write_register(first, tmp_path / "s")
    prev = read_register(paths["csv"])
    prev.loc[prev["canonical_name"] == "Echo Events", "postcode"] = "BB5 1LA"
    second = build_register(ledger(BASE[:2]), previous=prev)
    r = second.register.set_index("canonical_name")
    assert r.loc["Echo Events", "in_ledger"] == False  # noqa: E712
    assert (
        r.loc["Echo Events", "total_spend"] == 0 and r.loc["Echo Events", "postcode"] == "BB5 1LA"
    )
    assert len(second.register) == len(first.register)
    assert second.register["in_ledger"].tolist() == sorted(
        second.register["in_ledger"], reverse=True
    )


def test_bad_merge_into_is_kept_and_warned():
    first = build_register(ledger(BASE))
    prev = first.register.copy()
    acme, red = sid(first, "Acme Widgets Ltd"), sid(first, "REDACTED")
    prev.loc[prev["supplier_id"] == acme, "merge_into"] = "S_NO_SUCH"
    prev.loc[prev["supplier_id"] == red, "merge_into"] = sid(first, "Echo Events")
    second = build_register(ledger(BASE), previous=prev)
    assert any("S_NO_SUCH" in w for w in second.warnings)
    assert any("redacted payees are never merged" in w for w in second.warnings)
    r = second.register.set_index("supplier_id")
    assert r.loc[acme, "merge_into"] == "S_NO_SUCH" and r.loc[acme, "merge_into_source"] == "human"
    assert len(second.register) == len(first.register)


def test_write_and_read_register_round_trip(tmp_path):
    reg = build_register(ledger(BASE))
    paths = write_register(reg, tmp_path / "out" / "suppliers")
    assert {p.name for p in paths.values()} == {
        "suppliers.csv",
        "suppliers.xlsx",
        "suppliers_matches.csv",
        "suppliers_review.csv",
    }
    assert not [
        p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")
    ]  # no temporary files left
    from openpyxl import load_workbook

    assert load_workbook(paths["xlsx"], read_only=True).sheetnames == [
        "register",
        "matches",
        "review",
    ]
    for kind in ("csv", "xlsx"):
        back = read_register(paths[kind])
        assert back["supplier_id"].tolist() == reg.register["supplier_id"].tolist()
        assert "01234567" in back["company_number"].tolist()  # leading zero kept
        assert back["postcode"].isna().all()
        assert len(read_register_matches(paths[kind])) == len(reg.matches)
    with pytest.raises(SupplierRegisterError):
        read_register(paths["matches"].with_name("nope.csv"))
    with pytest.raises(SupplierRegisterError, match="supplier_id"):
        read_register(paths["review"])


def test_many_names_build_with_blocking():
    """Ten thousand distinct names (no timing assertion: this is about the blocking not failing)."""
    rng = random.Random(7)
    words = [
        "North",
        "South",
        "Lancashire",
        "Pennine",
        "Ribble",
        "Valley",
        "Building",
        "Services",
        "Catering",
        "Plumbing",
        "Heating",
        "Electrical",
        "Motors",
        "Cleaning",
        "Security",
        "Training",
        "Consulting",
        "Design",
        "Print",
        "Supplies",
        "Haulage",
        "Skips",
        "Joinery",
        "Roofing",
        "Care",
    ]
    names = set()
    while len(names) < 10_000:
        a, b = sorted(
            rng.sample(words, 2)
        )  # one word order: the same words reordered would be one firm
        names.add(f"{a} {b} {rng.randint(1, 400)} Ltd")
    rows = [("a", n, 10.0) for n in sorted(names)]
    reg = build_register(ledger(rows))
    # every name differs by a number or a word from the others: none may merge
    assert len(reg.register) == 10_000 + 0
    assert (reg.matches["method"] == "new").all()


# --------------------------------------------------------------------------- CLI


def test_cli_build_twice_keeps_edits(tmp_path):
    from typer.testing import CliRunner

    from anchorlib.cli import app

    led = tmp_path / "ledger.parquet"
    ledger(BASE).to_parquet(led, index=False)
    runner = CliRunner()
    res = runner.invoke(app, ["suppliers", "build", str(led), "--out", str(tmp_path / "reg")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "reg" / "suppliers.xlsx").is_file() and "suppliers" in res.output
    df = pd.read_csv(
        tmp_path / "reg" / "suppliers.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    df.loc[df["canonical_name"] == "Echo Events", "sector"] = "Events"
    df.to_csv(
        tmp_path / "reg" / "suppliers.csv", index=False, encoding="utf-8-sig"
    )  # now the newer file
    led2 = tmp_path / "ledger2.parquet"
    ledger(NEW).to_parquet(led2, index=False)
    res = runner.invoke(
        app, ["suppliers", "build", str(led), str(led2), "--out", str(tmp_path / "reg")]
    )
    assert res.exit_code == 0, res.output
    assert "kept edits from" in res.output and "suppliers.csv" in res.output
    back = read_register(tmp_path / "reg" / "suppliers.xlsx").set_index("canonical_name")
    assert (
        back.loc["Echo Events", "sector"] == "Events"
        and back.loc["Echo Events", "sector_source"] == "human"
    )
    assert "Foxtrot Fencing Ltd" in back.index
    res = runner.invoke(app, ["suppliers", "build", str(tmp_path / "missing.parquet")])
    assert res.exit_code == 2 and "missing.parquet" in res.output
    res = runner.invoke(
        app, ["suppliers", "build", str(led), "--out", str(tmp_path / "reg2"), "--fresh", "-q"]
    )
    assert res.exit_code == 0 and res.output.strip().splitlines()[0].endswith("suppliers.csv")


# ---------------------------------------------------------------------- the real Lancashire ledgers


@pytest.mark.shared
def test_real_lancashire_register(real_data):
    from anchorlib.ledgers.canonical import read_ledgers

    base = real_data / "ledgers" / "lancashire"
    if not base.is_dir():
        pytest.skip("no Lancashire ledgers in the data bundle")
    parts = []
    for anchor in ("hyndburn", "lancashire_pcc", "lancashire_fire"):
        files = sorted(p for p in (base / anchor).iterdir() if p.is_file())
        parts.append(read_ledgers(files, anchor, progress=False).ledger)
    led = pd.concat(parts, ignore_index=True)
    reg = build_register(led)
    r, m = reg.register, reg.matches
    nd = led[~led["is_duplicate"]]
    print(
        f"\n{led['supplier_name'].nunique():,} distinct published names "
        f"({nd['supplier_key'].nunique():,} supplier keys)"
    )
    print(reg.summary(top=15))
    shared = reg.shared()
    print(
        f"suppliers shared by 2+ anchors: {len(shared):,}; "
        f"by all 3: {(shared['n_anchors'] == 3).sum():,}"
    )
    for _, s in shared.head(15).iterrows():
        print(f"  £{s['total_spend']:>14,.2f}  {s['anchors']:<45}  {s['canonical_name']}")
    print("fuzzy links:")
    for _, x in m[m["method"] == "fuzzy"].iterrows():
        print(
            f"  {x['score']:5.1f}  {x['supplier_name']!r} -> {x['matched_to']!r}  ({x['detail']})"
        )
    print("org types:", r["org_type"].value_counts().to_dict())

    # every ledger penny is in the register, once
    assert r["spend_pence"].sum() == nd["amount_pence"].sum()
    assert (
        len(m)
        == led[["supplier_name", "company_number", "charity_number"]]
        .fillna("")
        .drop_duplicates()
        .shape[0]
    )
    assert r["supplier_id"].is_unique and len(r) < led["supplier_name"].nunique()
    assert r["is_redacted"].sum() == 1
    red = r[r["is_redacted"]].iloc[0]
    assert red["spend_pence"] == nd.loc[nd["is_redacted"], "amount_pence"].sum()
    assert set(m.loc[m["method"] == "redacted", "supplier_id"]) == {red["supplier_id"]}
    # well-known shared suppliers
    lcc = r[r["canonical_name"].str.upper().str.startswith("LANCASHIRE COUNTY COUNCIL")]
    assert (
        len(lcc) == 1 and lcc["n_anchors"].iloc[0] == 3 and lcc["org_type"].iloc[0] == "public_body"
    )
    assert len(shared) > 100
    # precision guards held on real names
    names = m.set_index("supplier_name")["supplier_id"]
    assert names["ALLIANCE AUTOMOTIVE UK CV LTD"] != names["ALLIANCE AUTOMOTIVE UK LV LTD"]
    assert names["UNIVERSITY OF CHESTER"] != names["THE UNIVERSITY OF MANCHESTER"]
    assert (m.loc[m["method"] == "fuzzy", "score"] >= DEFAULT_THRESHOLD).all()
    top = r[r["cles_top80"]]
    assert 0 < len(top) < 0.1 * len(r)
    assert (
        top["cumulative_share"].max() >= 0.8
        and (top["cumulative_share"] - top["spend_share"]).max() < 0.8
    )


# -------------------------------------------------------------------- one company-number normaliser


def test_a_float_formatted_company_number_keeps_its_supplier(fixture_data, tmp_path):
    """A payment whose company number is published as ``1234567.0`` (a number cell written out as
    float text) is the register's supplier ``01234567``, end to end: payment CSV -> ledger reader ->
    register -> each ledger row with its supplier, tier and organisation type.  (The ledger and the
    register once normalised the number differently, and the join on it lost the supplier.)"""
    from anchorlib.config.places import place_from_codes
    from anchorlib.ledgers.canonical import read_ledgers
    from anchorlib.suppliers.attach import attach_suppliers

    payments = tmp_path / "payments.csv"
    payments.write_text(
        "Supplier Name,Payment Date,Amount,Transaction Number,Company Number,Supplier Postcode\n"
        "Acme Widgets Ltd,01/04/2024,100.00,T1,01234567,BB5 1LA\n"
        "Acme Widgets Ltd,02/04/2024,50.00,T2,1234567.0,\n"
        "ACME WIDGETS (NORTH) LTD,03/04/2024,25.00,T3,1234567.0,\n",
        encoding="utf-8",
    )
    led = read_ledgers([payments], "hyndburn", progress=False).ledger
    assert len(led) == 3
    reg = build_register(led, place=place_from_codes("E07000120"))  # Hyndburn
    named = reg.register[reg.register["in_ledger"]]
    assert len(named) == 1, named[["canonical_name", "company_number"]]
    supplier = named.iloc[0]
    assert supplier["company_number"] == "01234567" and supplier["tier"] == "place"
    assert supplier["org_type"] == "company"
    located = attach_suppliers(led, reg.register, reg.matches)
    assert located["supplier_id"].tolist() == [supplier["supplier_id"]] * 3
    assert located["tier"].tolist() == ["place"] * 3
    assert located["org_type"].tolist() == ["company"] * 3
