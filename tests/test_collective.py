"""Collaborative indicators (anchorlib.indicators.collective) and the common category list
(anchorlib.config.categories).

The hand example: three anchors of "Testshire", a council (``c``), the police (``p``)
and the fire service (``f``); eleven payments in 2022-23 plus one republished row.
Every answer below is worked out by hand, in pounds.

    row anchor supplier                        tier        decile org type    category             £
     1  c      S1 Acme Laundry Ltd             rest_of_uk  5      company     Laundry           1000
     2  p      S1 Acme Laundry Ltd             rest_of_uk  5      company     Laundry           3000
     3  f      S2 Local Wash CIC               place       1      cic         Laundry services   500
     4  p      S4 Testborough Borough Council  place       2      public_body Rates             2000
     5  c      S3 Big IT plc                   wider       3      company     Computer Software 4000
     6  f      S3 Big IT plc                   wider       3      company     Computer Software 1000
     7  p      S5 Testshire Fire & Rescue      place       4      public_body Collaboration      700
     8  c      REDACTED                        -           -      redacted    Agency staff       300
     9  p      S7 Builder Bros                 place       2      company     Building repairs  2500
    10  c      S7 Builder Bros (refund)        place       2      company     Building repairs  -200
    11  f      S8 HM Revenue & Customs         rest_of_uk  8      public_body Tax                800
    12  c      S1 (republished row 1: is_duplicate)                           Laundry           1000

Rows 4 and 7 pay member anchors (c and f): they are intra-collaborative.
Row 10 is a credit to c from a supplier c did not pay: c's net with S7 is negative, so it is a
receipt, left out of every figure and reported (step 7 item 6, anchorlib.indicators.netting).
Gross 15,800 (counted: 15,600 less the -200 receipt); intra 2,700 (rows 4 and 7); combined 13,100.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from anchorlib.config.categories import (
    UNCLASSIFIED,
    CategoryError,
    category_mapping,
    classify_text,
    load_common_categories,
    map_categories,
    read_category_map,
)
from anchorlib.config.collaborative import (
    AnchorSpec,
    Collaborative,
    CollaborativeSpec,
    IndicatorSettings,
)
from anchorlib.config.places import Place, PlaceSpec, Tier, TierSpec
from anchorlib.indicators import collective as C
from anchorlib.indicators.opportunity import collective_opportunity

approx = pytest.approx


# --------------------------------------------------------------------------- the hand example


def make_place() -> Place:
    spec = PlaceSpec(
        name="Testshire",
        lads=["E07000120"],
        tiers=[
            TierSpec(name="place", place=True),
            TierSpec(name="wider", regions=["E12000002"]),
            TierSpec(name="rest_of_uk", everywhere=True),
        ],
    )
    place_l = frozenset({"P1"})
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

ANCHORS = {
    "c": ("Testborough Borough Council", "local_authority"),
    "p": ("Police and Crime Commissioner for Testshire", "police"),
    "f": ("Testshire Fire and Rescue Service", "fire"),
}


def make_collab(anchor_ids=("c", "p", "f"), targets=None, baseline="2022-23") -> Collaborative:
    spec = CollaborativeSpec(
        id="testshire",
        name="Testshire anchors",
        place=PLACE.spec,
        baseline_year=baseline,
        anchors=[AnchorSpec(id=a, name=ANCHORS[a][0], type=ANCHORS[a][1]) for a in anchor_ids],
        indicators=IndicatorSettings(
            deprived_deciles=[1, 2],
            addressable_exclusions={"org_types": ["public_body"], "categories": ["tax"]},
        ),
        targets=targets or [],
    )
    collab = Collaborative(spec, Path("/nonexistent/testshire.yml"))
    collab.__dict__["place"] = PLACE  # the cached property, without reference data
    return collab


SUPPLIERS = {  # id: name, org_type, tier, decile
    "S1": ("Acme Laundry Ltd", "company", "rest_of_uk", 5),
    "S2": ("Local Wash CIC", "cic_social_enterprise", "place", 1),
    "S3": ("Big IT plc", "company", "wider", 3),
    "S4": ("Testborough Borough Council", "public_body", "place", 2),
    "S5": ("Testshire Fire & Rescue", "public_body", "place", 4),
    "SR": ("REDACTED", "redacted", None, None),
    "S7": ("Builder Bros", "company", "place", 2),
    "S8": ("HM Revenue & Customs", "public_body", "rest_of_uk", 8),
}

ROWS = [  # anchor, year, month, supplier, category, pounds, duplicate
    ("c", "2022-23", 4, "S1", "Laundry", 1000, False),
    ("p", "2022-23", 5, "S1", "Laundry", 3000, False),
    ("f", "2022-23", 6, "S2", "Laundry services", 500, False),
    ("p", "2022-23", 7, "S4", "Rates", 2000, False),
    ("c", "2022-23", 8, "S3", "Computer Software", 4000, False),
    ("f", "2022-23", 9, "S3", "Computer Software", 1000, False),
    ("p", "2022-23", 10, "S5", "Collaboration", 700, False),
    ("c", "2022-23", 11, "SR", "Agency staff", 300, False),
    ("p", "2022-23", 12, "S7", "Building repairs", 2500, False),
    ("c", "2022-23", 1, "S7", "Building repairs", -200, False),
    ("f", "2022-23", 2, "S8", "Tax", 800, False),
    ("c", "2022-23", 4, "S1", "Laundry", 1000, True),
]


def make_ledger(rows=ROWS) -> pd.DataFrame:
    recs = []
    for i, (a, fy, month, s, cat, pounds, dup) in enumerate(rows):
        name, org, tier, dec = SUPPLIERS[s]
        year = int(fy[:4]) + (1 if month <= 3 else 0)
        recs.append(
            {
                "anchor_id": a,
                "source_file": f"{a}.csv",
                "source_row": i + 2,
                "payment_date": pd.Timestamp(year, month, 15),
                "financial_year": fy,
                "amount_pence": int(round(pounds * 100)),
                "amount": pounds,
                "supplier_name": name,
                "supplier_key": name.upper(),
                "category": cat,
                "description": None,
                "is_redacted": s == "SR",
                "is_refund": pounds < 0,
                "is_duplicate": dup,
                "supplier_id": s,
                "canonical_name": name,
                "org_type": org,
                "sector": None,
                "size_band": None,
                "postcode": None if tier is None else "AA1 1AA",
                "postcode_source": None if tier is None else "ledger",
                "tier": tier,
                "lad24_code": None,
                "imd25_decile": dec,
            }
        )
    df = pd.DataFrame(recs)
    df["imd25_decile"] = df["imd25_decile"].astype("Int64")
    return df


@pytest.fixture
def led():
    return make_ledger()


@pytest.fixture
def collab():
    return make_collab()


def test_default_aliases():
    c, p, f = make_collab().anchors
    assert {
        "Testborough Borough Council",
        "Testborough Council",
        "Testborough BC",
        "Borough of Testborough",
    } <= set(C.default_aliases(c))
    assert {
        "Police and Crime Commissioner for Testshire",
        "Testshire Constabulary",
        "Testshire Police",
        "PCC for Testshire",
        "Office of the Police and Crime Commissioner for Testshire",
        "Testshire Police Authority",
    } <= set(C.default_aliases(p))
    assert {
        "Testshire Fire and Rescue Service",
        "Testshire Fire and Rescue",
        "Testshire Combined Fire Authority",
        "Testshire Fire and Rescue Authority",
    } <= set(C.default_aliases(f))
    real = AnchorSpec(id="x", name="Lancashire Fire and Rescue Service", type="fire")
    assert "Lancashire Combined Fire Authority" in C.default_aliases(real)


def test_intra_collaborative_flags(led, collab):
    payee = C.intra_payee(led, collab)
    assert payee.tolist() == [None, None, None, "c", None, None, "f", None, None, None, None, None]
    flag = C.flag_intra_collaborative(led, collab)
    assert (
        flag.name == "is_intra_collaborative" and flag.sum() == 2 and flag.index.equals(led.index)
    )
    t = C.intra_collaborative_payments(led, collab)
    assert t[["anchor_id", "payee_anchor", "payments", "spend", "self"]].values.tolist() == [
        ["p", "c", 1, 2000.0, False],
        ["p", "f", 1, 700.0, False],
    ]


def test_aliases_whole_names_only_and_given_aliases(led, collab):
    df = led.copy()
    df.loc[0, ["supplier_name", "canonical_name"]] = "Testshire Constabulary Sports & Social Club"
    df.loc[1, ["supplier_name", "canonical_name"]] = (
        "THE TESTSHIRE CONSTABULARY"  # a default alias, other spelling
    )
    df.loc[2, ["supplier_name", "canonical_name"]] = "Testshire Blue Light Hub"
    payee = C.intra_payee(df, collab, aliases={"f": ["Testshire Blue Light Hub"]})
    assert payee[:3].tolist() == [None, "p", "f"]
    assert C.intra_payee(df, collab, defaults=False)[1] is None
    with pytest.raises(ValueError, match="not anchors"):
        C.member_aliases(collab, {"zz": ["X"]})
    with pytest.raises(ValueError, match="two member anchors"):
        C.flag_intra_collaborative(df, collab, aliases={"c": ["Testshire Police"]})
    review = C.intra_collaborative_review(df, collab)
    assert "Testshire Constabulary Sports & Social Club" in set(review["supplier_name"])


def test_combined_totals(led, collab):
    t = C.combined_totals(led, collab)
    # c: 1000 + 4000 + 300 (row 10, a receipt, left out)
    assert t.loc["c"].to_dict() == {
        "total": 5300.0,
        "intra": 0.0,
        "external": 5300.0,
        "payments": 3,
        "intra_payments": 0,
    }
    assert t.loc["p", ["total", "intra", "external"]].tolist() == [8200.0, 2700.0, 5500.0]
    assert t.loc["f", ["total", "intra", "external"]].tolist() == [2300.0, 0.0, 2300.0]
    assert t.loc["combined", ["total", "intra", "external"]].tolist() == [15800.0, 2700.0, 13100.0]


def test_combined_by_tier(led, collab):
    t = C.combined_by_tier(led, collab)
    # place: S2 500 + S7 2500 (c's -200 from S7 is a receipt, left out); located 12800
    assert t["spend"].to_dict() == {
        "place": 3000.0,
        "wider": 5000.0,
        "rest_of_uk": 4800.0,
        "unknown": 300.0,
    }
    assert t.loc["place", "share_of_all"] == approx(3000 / 13100)
    assert t.loc["place", "share_of_located"] == approx(3000 / 12800)
    assert t.loc["wider", "cumulative_share_of_located"] == approx(8000 / 12800)
    assert pd.isna(t.loc["unknown", "share_of_located"])
    assert t["spend_p"].to_dict() == {
        "place": 2500.0,
        "wider": 0.0,
        "rest_of_uk": 3000.0,
        "unknown": 0.0,
    }
    assert t.attrs["intra_total"] == 2700.0


def test_combined_agrees_with_the_spend_indicators(led, collab):
    from anchorlib.indicators.spend import spend_indicators

    flag = C.flag_intra_collaborative(led, collab)
    res = spend_indicators(led, PLACE, collab.spec.indicators, exclude_rows=flag)["combined"]
    assert res["tier_spend"] == C.combined_by_tier(led, collab)["spend"].to_dict()
    assert res["excluded_from_combined"] == 2700
    ci = C.combined_indicators(led, collab)
    assert ci["total"] == 13100 and ci["gross_total"] == 15800 and ci["intra_total"] == 2700
    assert ci["place_share_of_all"] == approx(3000 / 13100)
    assert [(r["anchor_id"], r["payee_anchor"]) for r in ci["intra_payments"]] == [
        ("p", "c"),
        ("p", "f"),
    ]


def test_combined_by_deprivation(led, collab):
    d = C.combined_by_deprivation(led, collab)
    assert (
        d.loc["1", "spend"] == 500 and d.loc["2", "spend"] == 2500 and d.loc["3", "spend"] == 5000
    )
    assert (
        d.loc["5", "spend"] == 4000
        and d.loc["8", "spend"] == 800
        and d.loc["unknown", "spend"] == 300
    )
    assert d.loc["deprived", "spend"] == 3000
    assert d.loc["deprived", "share_of_all"] == approx(3000 / 13100)
    assert d.loc["deprived", "share_of_located"] == approx(3000 / 12800)
    # c's receipt is not netted away: no anchor's deprived spend is negative
    assert d.loc["deprived", "spend_c"] == 0 and d.loc["deprived", "spend_f"] == 500
    x = C.combined_tier_deprivation(led, collab)
    assert (
        x.loc["place", "2"] == 2500
        and x.loc["wider", "3"] == 5000
        and x.loc["unknown", "unknown"] == 300
    )
    assert x.loc["total", "total"] == 13100


def test_supplier_overlap_and_matrix(led, collab):
    m = C.overlap_matrix(led, collab)
    assert m.values.tolist() == [[2, 1, 1], [1, 2, 0], [1, 0, 3]]  # c: S1 S3; p: S1 S7; f: S2 S3 S8
    s = C.overlap_matrix(led, collab, value="spend")
    assert s.loc["c", "p"] == 4000 and s.loc["c", "f"] == 5000 and s.loc["p", "f"] == 0
    assert s.loc["c", "c"] == 5000 and s.loc["p", "p"] == 5500 and s.loc["f", "f"] == 2300
    o = C.supplier_overlap(led, collab)
    assert o[["supplier_id", "n_anchors", "anchors", "combined"]].values.tolist() == [
        ["S3", 2, "c;f", 5000.0],
        ["S1", 2, "c;p", 4000.0],
    ]
    assert o.loc[1, "spend_p"] == 3000 and o.loc[1, "spend_f"] == 0


def test_collective_opportunity(led, collab):
    op = collective_opportunity(led, collab)
    assert op["common_category"].tolist() == ["it_telecoms", "laundry"]
    it, laundry = op.iloc[0], op.iloc[1]
    assert (it["non_local"], it["local"], it["local_share"], it["n_anchors"]) == (5000, 0, 0, 2)
    assert it["anchors"] == "c;f" and it["n_local_suppliers"] == 0
    assert laundry["non_local"] == 4000 and laundry["local"] == 500
    assert laundry["local_share"] == approx(500 / 4500)
    assert (
        laundry["non_local_c"] == 1000
        and laundry["non_local_p"] == 3000
        and laundry["non_local_f"] == 0
    )
    assert (
        laundry["n_local_suppliers"] == 1 and laundry["local_suppliers"] == "Local Wash CIC (£500)"
    )
    assert laundry["top_non_local_suppliers"] == "Acme Laundry Ltd (£4,000)"
    assert laundry["joint_contract"] and it["moveable"]
    # every category when asked (construction is all local); agency staff, all paid to a
    # redacted payee, is not addressable (redacted payees are left out by default)
    every = collective_opportunity(led, collab, min_anchors=0).set_index("common_category")
    assert set(every.index) == {"it_telecoms", "laundry", "construction"}
    assert every.loc[
        "construction", ["local", "non_local", "local_share", "n_anchors"]
    ].tolist() == [2500, 0, 1, 0]
    pub = collective_opportunity(led, collab, by="category", min_anchors=1)
    assert pub.set_index("category")["non_local"].to_dict() == {
        "Computer Software": 5000,
        "Laundry": 4000,
    }


# ------------------------------------------------------------------------- the common category list


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Computer Licences", "it_telecoms"),
        (
            "information communication technology.software.commercial off-the-shelf.products",
            "it_telecoms",
        ),
        ("Laundry", "laundry"),
        ("Building Cleaning Contract (External)", "cleaning_janitorial"),
        ("Window Cleaning", "cleaning_janitorial"),
        ("Catering Service (External)", "food_catering"),
        ("utilities.electricity.electricity.service", "energy_utilities"),
        ("WATER RATES", "energy_utilities"),
        ("Rates", "pensions_taxes_levies"),
        ("LGPS Pensions Deficit Payment", "pensions_taxes_levies"),
        ("Transport Insurance", "insurance"),
        ("Petrol", "vehicles_fleet"),
        ("Vehicle & Plant R&M (External)", "vehicles_fleet"),
        ("Ext Adapt Improv Etc", "construction"),
        (
            "works - construction, repair & maint.buildings.construction.other equipment",
            "construction",
        ),
        ("Erection Of Buildings", "construction"),
        ("Delegated Grounds Maintenance", "grounds_maintenance"),
        ("Printing - External", "printing"),
        ("AGENCY STAFF", "agency_staff"),
        ("Training Expenses (External)", "training"),
        ("Police - Counsel Fees", "legal"),
        ("Consultant Fees", "consultancy"),
        ("Audit Fees (External)", "professional_services"),
        ("Waste Collection Charges", "waste"),
        ("Police - Other Third Party Payments", "other_public_bodies"),
        ("Partnership Grants", "grants_vcs"),
        ("Rents - General", "rent_property"),
        ("Purchase Of Land & Buildings", "rent_property"),
        (
            "facilities & management services.property management.property management."
            "pfi unitary charge",
            "facilities",
        ),
        ("Clothing & Uniform", "clothing_ppe"),
        ("Consolidated invoice suspense", None),
    ],
)
def test_common_categories(text, expected):
    assert classify_text(text) == expected


def test_every_common_category_has_a_label_and_the_flags_named_in_the_brief():
    rules = load_common_categories()
    ids = rules.ids
    for must in (
        "construction",
        "facilities",
        "cleaning_janitorial",
        "laundry",
        "printing",
        "it_telecoms",
        "food_catering",
        "energy_utilities",
        "vehicles_fleet",
        "professional_services",
        "legal",
        "consultancy",
        "insurance",
        "training",
        "agency_staff",
        "waste",
        "security",
        "grounds_maintenance",
        "social_care",
        "grants_vcs",
        "rent_property",
        "other_public_bodies",
        "pensions_taxes_levies",
    ):
        assert must in ids
    moveable = {c.id for c in rules.categories if c.moveable}
    assert moveable == {
        "construction",
        "facilities",
        "cleaning_janitorial",
        "printing",
        "it_telecoms",
        "food_catering",
        "energy_utilities",
    }
    assert (
        not rules.get("pensions_taxes_levies").addressable and rules.get("laundry").joint_contract
    )
    assert ids[-1] == UNCLASSIFIED and len(rules.table()) == len(ids)


def test_map_categories_service_areas_descriptions_and_overrides(tmp_path):
    df = pd.DataFrame(
        {
            "category": ["AAF - Finance", "AAF - Finance", "Laundry", "PFI - Capital Charge", None],
            "description": ["Electricity bill", "Parts", "whatever", None, "Legal Fees"],
            "anchor_id": "a",
            "amount_pence": [100, 200, 300, 400, 500],
            "is_duplicate": False,
        }
    )
    m = map_categories(df)
    assert m["common_category"].tolist() == [
        "energy_utilities",
        UNCLASSIFIED,
        "laundry",
        "facilities",
        "legal",
    ]
    assert m["category_source"].tolist() == [
        "description",
        "none",
        "category",
        "category",
        "description",
    ]
    path = tmp_path / "map.csv"
    path.write_text("category,common_category\n  laundry ,cleaning_janitorial\n")
    over = read_category_map(path)
    assert map_categories(df, overrides=over)["category_source"].tolist()[2] == "map"
    assert (
        map_categories(df, overrides=over)["common_category"].tolist()[2] == "cleaning_janitorial"
    )
    path.write_text("category,common_category\nLaundry,nonsense\n")
    with pytest.raises(CategoryError, match="nonsense"):
        read_category_map(path)
    audit = category_mapping(df)
    assert audit.loc[0, "category"] == "(none)" and audit.loc[0, "common_category"] == "legal"
    finance = audit[audit["category"] == "AAF - Finance"].iloc[0]
    assert (
        finance["rows"] == 2
        and finance["common_categories"] == f"energy_utilities;{UNCLASSIFIED}"
        or finance["common_categories"] == f"{UNCLASSIFIED};energy_utilities"
    )


def test_a_bad_category_list_is_refused(tmp_path):
    from anchorlib.config.categories import load_common_categories as load

    p = tmp_path / "c.yml"
    p.write_text("categories:\n  - {id: x, patterns: ['(']}\n")
    with pytest.raises(CategoryError, match="not a valid regular expression"):
        load(p)
    p.write_text("categories:\n  - {id: x, patterns: [a]}\n  - {id: x, patterns: [b]}\n")
    with pytest.raises(CategoryError, match="repeated"):
        load(p)


# --------------------------------------------------------------------------- invariants

_SUP = [s for s in SUPPLIERS if s != "SR"]
_ROW = st.tuples(
    st.sampled_from(["c", "p", "f"]),
    st.just("2022-23"),
    st.integers(1, 12),
    st.sampled_from(_SUP + ["SR"]),
    st.sampled_from(["Laundry", "Computer Software", "Building repairs", "Tax", "Catering"]),
    st.integers(-500, 5000),
    st.booleans(),
)
_LEDGERS = st.lists(_ROW, min_size=1, max_size=40).map(make_ledger)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LEDGERS)
def test_overlap_matrix_symmetric_with_supplier_counts_on_the_diagonal(df):
    collab = make_collab()
    m = C.overlap_matrix(df, collab)
    assert (m.values == m.values.T).all()
    tab = C.anchor_supplier_spend(df, collab)
    for a in m.index:
        assert m.loc[a, a] == int((tab[a] > 0).sum())
        for b in m.columns:
            assert m.loc[a, b] <= min(m.loc[a, a], m.loc[b, b])
    s = C.overlap_matrix(df, collab, value="spend")
    assert (abs(s.values - s.values.T) < 1e-9).all()


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LEDGERS)
def test_combined_parts_add_up(df):
    collab = make_collab()
    t = C.combined_totals(df, collab)
    for _, r in t.iterrows():
        assert r["total"] == approx(r["intra"] + r["external"])
    assert t.loc["combined", "total"] == approx(t.drop(index="combined")["total"].sum())
    tier = C.combined_by_tier(df, collab)
    assert tier["spend"].sum() == approx(t.loc["combined", "external"])
    dec = C.combined_by_deprivation(df, collab)
    assert dec.drop(index="deprived")["spend"].sum() == approx(t.loc["combined", "external"])
    op = collective_opportunity(df, collab, min_anchors=0)
    for _, r in op.iterrows():
        assert r["local"] + r["non_local"] + r["unlocated"] == approx(r["addressable"])
        assert pd.isna(r["local_share"]) or (
            r["local"] < 0 or r["non_local"] < 0 or 0 <= r["local_share"] <= 1
        )


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_ROW.filter(lambda r: r[5] >= 0), min_size=1, max_size=40),
    st.sampled_from(["c", "p", "f"]),
)
def test_adding_an_anchor_never_lowers_combined_spend(rows, extra):
    """Gross combined spend never falls when an anchor joins (payments are non-negative).  Net of
    intra
    payments it cannot fall either when nobody pays the newcomer; it can when members paid it (their
    payments to it become internal), which the combined_totals intra column shows."""
    df = make_ledger(rows)
    others = tuple(a for a in ("c", "p", "f") if a != extra)
    small, big = make_collab(others), make_collab(("c", "p", "f"))
    t_small = C.combined_totals(df[df["anchor_id"].isin(others)], small)
    t_big = C.combined_totals(df, big)
    assert t_big.loc["combined", "total"] >= t_small.loc["combined", "total"]
    paid_newcomer = C.intra_payee(df[df["anchor_id"].isin(others)], big).eq(extra).any()
    if not paid_newcomer:
        assert t_big.loc["combined", "external"] >= t_small.loc["combined", "external"]
    assert t_big.loc["combined", "external"] == approx(
        t_big.loc["combined", "total"] - t_big.loc["combined", "intra"]
    )


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LEDGERS, st.randoms())
def test_row_order_changes_nothing(df, rnd):
    collab = make_collab()
    idx = list(df.index)
    rnd.shuffle(idx)
    shuffled = df.loc[idx]
    pd.testing.assert_frame_equal(C.overlap_matrix(df, collab), C.overlap_matrix(shuffled, collab))
    a, b = C.combined_by_tier(df, collab), C.combined_by_tier(shuffled, collab)
    assert a["spend"].tolist() == approx(b["spend"].tolist())


# ---------------------------------------------------------------------- the real Lancashire ledgers


@lru_cache(maxsize=1)
def lancashire_assets():
    """The demo collaborative's ledger and register built once per test session into a temporary
    folder (call it under the ``real_data`` fixture).  Shared with tests/test_progress.py."""
    import atexit
    import shutil
    import tempfile

    from anchorlib.assets.ingest import ingest
    from anchorlib.assets.register import build_collaborative_register, read_located_ledger
    from anchorlib.config.collaborative import load_collaborative
    from anchorlib.data.catalogue import PROJECT_ROOT

    collab = load_collaborative(PROJECT_ROOT / "collaboratives" / "lancashire.yml")
    root = Path(tempfile.mkdtemp(prefix="anchor-collective-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    ingest(collab, out_root=root, quiet=True)
    build_collaborative_register(collab, out_root=root)
    return collab, read_located_ledger(collab, root)


@pytest.fixture
def lancashire(real_data):
    return lancashire_assets()


@pytest.mark.shared
def test_real_lancashire_intra_collaborative(lancashire):
    collab, df = lancashire
    d = df[~df["is_duplicate"]]
    # independent: the payee names of the three anchors, written out by hand
    names = {
        "hyndburn": ["hyndburn borough council"],
        "lancashire_pcc": [
            "police and crime commissioner for lancashire",
            "the police and crime commissioner for lancashire",
            "lancashire police authority",
            "lancashire constabulary",
            "the police & crime commissioner for lancashire",
        ],
        "lancashire_fire": [
            "lancashire fire & rescue",
            "lancashire fire and rescue service",
            "lancashire combined fire authority",
        ],
    }
    lookup = {n: a for a, ns in names.items() for n in ns}
    payee = d["supplier_name"].str.lower().str.strip().map(lookup)
    flag = C.flag_intra_collaborative(d, collab)
    assert (flag == payee.notna()).all()
    pairs = d[payee.notna()].groupby([d["anchor_id"], payee])["amount_pence"].sum()
    t = C.intra_collaborative_payments(df, collab).set_index(["anchor_id", "payee_anchor"])["spend"]
    assert {k: round(v * 100) for k, v in t.items()} == {k: int(v) for k, v in pairs.items()}
    assert ("lancashire_pcc", "hyndburn") in t.index and (
        "lancashire_pcc",
        "lancashire_fire",
    ) in t.index
    assert ("lancashire_fire", "lancashire_pcc") in t.index
    tot = C.combined_totals(df, collab)
    assert round(tot.loc["combined", "intra"] * 100) == int(pairs.sum())
    print("\nintra-collaborative payments:\n", t)


@pytest.mark.shared
def _counted(d: pd.DataFrame) -> pd.DataFrame:
    """Rows less the receipts (step 7 item 6), by plain pandas: the lines of an (anchor,
    supplier) whose net is negative, and negative lines paid to a public body."""
    red = d["is_redacted"] | (d["org_type"] == "redacted")
    key = d["supplier_id"].astype(object).where(~red, "REDACTED").fillna("")
    net = d.groupby([d["anchor_id"], key])["amount_pence"].transform("sum")
    public = (d["amount_pence"] < 0) & (d["org_type"] == "public_body") & ~red
    return d[(net >= 0) & ~public]


def test_real_lancashire_combined_and_overlap_against_plain_pandas(lancashire):
    collab, df = lancashire
    d = _counted(df[~df["is_duplicate"]])
    intra = C.flag_intra_collaborative(d, collab)
    net = d[~intra]
    red = net["is_redacted"] | (net["org_type"] == "redacted")
    tier = net["tier"].where(net["tier"].notna() & ~red, "unknown")
    by_tier = net.groupby(tier)["amount_pence"].sum()
    t = C.combined_by_tier(df, collab)
    for name in ("place", "wider", "rest_of_uk", "unknown"):
        assert round(t.loc[name, "spend"] * 100) == int(by_tier.get(name, 0))
    total, located = by_tier.sum(), by_tier.sum() - by_tier.get("unknown", 0)
    assert t.loc["place", "share_of_all"] == approx(by_tier["place"] / total)
    assert t.loc["place", "share_of_located"] == approx(by_tier["place"] / located)
    dec = pd.to_numeric(net["imd25_decile"], errors="coerce")
    deprived = net.loc[(tier != "unknown") & dec.isin([1, 2]), "amount_pence"].sum()
    dd = C.combined_by_deprivation(df, collab)
    assert dd.loc["deprived", "share_of_located"] == approx(deprived / located)
    # overlap: suppliers with positive net spend per anchor, named, not intra
    named = net[~red & net["supplier_id"].notna()]
    per = named.groupby(["supplier_id", "anchor_id"])["amount_pence"].sum()
    used = per[per > 0].reset_index()
    sets = used.groupby("anchor_id")["supplier_id"].agg(set)
    m = C.overlap_matrix(df, collab)
    for a in m.index:
        for b in m.columns:
            assert m.loc[a, b] == len(sets[a] & sets[b])
    shared = used.groupby("supplier_id")["anchor_id"].nunique()
    o = C.supplier_overlap(df, collab)
    assert set(o["supplier_id"]) == set(shared[shared >= 2].index)
    print(
        "\ncombined by tier:\n", t[["spend", "share_of_all", "share_of_located"]], "\noverlap:\n", m
    )


@pytest.mark.shared
def test_real_lancashire_collective_opportunity_against_plain_pandas(lancashire):
    collab, df = lancashire
    from anchorlib.config.categories import map_categories
    from anchorlib.indicators.addressable import addressable_rule
    from anchorlib.indicators.rows import spend_rows

    op = collective_opportunity(df, collab)
    assert len(op) >= 5 and op["non_local"].is_monotonic_decreasing and (op["n_anchors"] >= 2).all()
    rows = spend_rows(df)
    rows = rows[~C.flag_intra_collaborative(rows, collab)]
    rows = rows[addressable_rule(rows, collab.spec.indicators.addressable_exclusions).isna()]
    rows = rows.join(map_categories(rows))
    top = op.iloc[0]
    part = rows[rows["common_category"] == top["common_category"]]
    nonlocal_ = part[part["_tier"].isin(["wider", "rest_of_uk"])]
    local = part[part["_tier"] == "place"]
    assert round(top["non_local"] * 100) == int(nonlocal_["amount_pence"].sum())
    assert round(top["local"] * 100) == int(local["amount_pence"].sum())
    per_anchor = nonlocal_.groupby("anchor_id")["amount_pence"].sum()
    assert top["n_anchors"] == int((per_anchor > 0).sum())
    print(
        "\n",
        op[
            [
                "rank",
                "common_category",
                "non_local",
                "n_anchors",
                "local",
                "local_share",
                "n_local_suppliers",
            ]
        ]
        .head(10)
        .to_string(),
    )


# --------------------------------------------------------------------------- self-payments

#: The council pays itself £600 (an internal recharge to its own name): a thirteenth row.
SELF_ROWS = ROWS + [("c", "2022-23", 3, "S4", "Internal recharge", 600, False)]


def test_self_payments_are_left_out_of_the_anchors_own_figures(collab):
    from anchorlib.indicators.progress import progress_table
    from anchorlib.indicators.spend import spend_indicators
    from anchorlib.reports.anchor_spend import anchor_spend

    led = make_ledger(SELF_ROWS)
    own = C.flag_self_payments(led, collab)
    assert own.name == "is_self_payment" and own.index.equals(led.index)
    # only the new row: row 4 (p pays c) and row 7 (p pays f) pay another member
    assert own.tolist() == [False] * 12 + [True]
    t = C.intra_collaborative_payments(led, collab)
    assert t[["anchor_id", "payee_anchor", "payments", "spend", "self"]].values.tolist() == [
        ["p", "c", 1, 2000.0, False],
        ["p", "f", 1, 700.0, False],
        ["c", "c", 1, 600.0, True],
    ]
    intra = C.flag_intra_collaborative(led, collab)
    res = spend_indicators(led, PLACE, collab.spec.indicators, exclude_rows=intra, self_rows=own)
    # c's payments: 1000 (S1) + 4000 (S3) + 300 (redacted) + 600 (itself): 5900 with the
    # self-payment, 5300 without it (row 10, S7's -200, is a receipt: left out, not netted)
    c = res["c"]
    assert c["total"] == 5300.0 and c["excluded_self_payments"] == 600.0
    assert c["transactions"] == 3 and c["distinct_suppliers"] == 2  # S1, S3 (not S4, not S7)
    assert c["public_body_share"] == 0.0  # was 600 / 5900 with the self-payment
    assert c["located_share"] == approx(5000 / 5300)  # all but the redacted 300
    # p is untouched: 3000 + 2000 + 700 + 2500 = 8200 (its payments to c and f are its spend)
    assert res["p"]["total"] == 8200.0 and res["p"]["excluded_self_payments"] == 0.0
    # combined: 15800 + 600 gross, less 2000 + 700 + 600 between members = 13100
    assert res["combined"]["total"] == 13100.0
    assert res["combined"]["excluded_from_combined"] == 3300.0
    tot = C.combined_totals(led, collab)
    assert tot.loc["c", ["total", "intra", "external"]].tolist() == [5900.0, 600.0, 5300.0]
    # progress: the same figure for c's own row
    prog = progress_table(led, collab).set_index(["indicator", "anchor", "financial_year"])
    assert prog.loc[("total", "c", "2022-23"), "value"] == 5300.0
    assert prog.loc[("total", "combined", "2022-23"), "value"] == 13100.0
    # the anchor's report page: its figures without the self-payment, which is listed
    page = anchor_spend(collab, "c", led)
    assert page.indicators["total"] == 5300.0
    quality = page.quality.set_index("measure")["value"]
    assert quality["Payments to itself, left out (£)"] == 600.0


@pytest.mark.shared
def test_real_lancashire_self_payments(lancashire):
    from anchorlib.indicators.spend import spend_indicators

    collab, df = lancashire
    d = df[~df["is_duplicate"]]
    # independent: Hyndburn's own payee name as published, written out by hand
    mine = (d["anchor_id"] == "hyndburn") & (
        d["supplier_name"].str.lower().str.strip() == "hyndburn borough council"
    )
    own = C.flag_self_payments(df, collab)
    assert (own[d.index] == mine).all() and not own[df["anchor_id"] != "hyndburn"].any()
    res = spend_indicators(df, collab.place, collab.spec.indicators, self_rows=own)
    hyn = d["anchor_id"] == "hyndburn"
    # its own figures count the rows less its payments to itself, receipts left out (item 6)
    kept = _counted(d[hyn & ~mine])
    assert res["hyndburn"]["total"] == approx(kept["amount_pence"].sum() / 100)
    assert res["hyndburn"]["excluded_self_payments"] == approx(
        d.loc[mine, "amount_pence"].sum() / 100
    )
    print("\nHyndburn's payments to itself:", int(mine.sum()), d.loc[mine, "amount_pence"].sum())
