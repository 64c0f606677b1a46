"""Every place in the UK (issue 11): each nation's own index (WIMD 2019, SIMD 2020, NIMDM 2017),
postcodes placed in it, places in any nation, the summary measures per nation and the supplier
deprivation split by nation.

Most tests run on the committed fixtures (tests/fixtures/data/reference/uk/: one whole district per
nation, cut from the real files: Merthyr Tydfil, Orkney Islands, Fermanagh and Omagh), so CI
without ../shared covers all four nations; ``shared``-marked tests run on the full files.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from anchorlib.indicators.nations import (
    deprived_share_by_nation,
    deprived_share_england_only,
    nation_indicators,
)
from anchorlib.indicators.spend import deprived_share

approx = pytest.approx


# ------------------------------------------------------------------ summary measures, by hand


def test_wales_measures_by_hand(fixture_data):
    from anchorlib.data.nations import nation_measures

    # From the fixture files (WIMD 2019 and ONS mid-2020 populations), three Merthyr LSOAs 2011:
    #   code        rank decile score        population   reversed rank (1909 + 1 - r)
    #   W01001308      7   1    74.42545482   1318         1903
    #   W01001289    483   3    28.8202337    1389         1427
    #   W01001291   1080   6    15.69365624   2187          830
    # total population 1318 + 1389 + 2187 = 4894
    # percentiles ceil(100 r / 1909): 1, 26, 57 -> extent weights 1, 0.95 - 15 * 0.9 / 19, 0
    # local concentration: 10% of 4894 = 489.4 people, all in W01001308 -> its reversed rank 1903
    m = nation_measures("Wales", ["W01001308", "W01001289", "W01001291"])
    imd = m["imd"]
    assert imd["average_rank"] == approx((1318 * 1903 + 1389 * 1427 + 2187 * 830) / 4894)
    assert imd["average_score"] == approx(
        (1318 * 74.42545482 + 1389 * 28.8202337 + 2187 * 15.69365624) / 4894
    )
    assert imd["proportion_lsoas_most_deprived_10pct"] == approx(1 / 3)
    assert imd["proportion_lsoas_most_deprived_20pct"] == approx(1 / 3)
    assert imd["extent"] == approx((1318 * 1 + 1389 * (0.95 - 15 * 0.9 / 19)) / 4894)
    assert imd["local_concentration"] == approx(1903)
    assert m["population"] == 4894
    assert m["index"]["label"] == "WIMD 2019"
    assert m["population_denominator"] == "ons_mid2020_lsoa11"


def test_scotland_measures_by_hand_and_no_score(fixture_data):
    from anchorlib.data.nations import nation_measures

    # SIMD 2020 (6,976 data zones), NRS mid-2021 populations:
    #   S01011821  rank 1995 decile 3  pop 436   reversed 6977 - 1995 = 4982
    #   S01011804  rank 3187 decile 5  pop 689   reversed 3790
    #   S01011805  rank 5566 decile 8  pop 534   reversed 1411
    # total 1659; none in deciles 1-2.
    m = nation_measures("Scotland", ["S01011821", "S01011804", "S01011805"])
    imd = m["imd"]
    assert imd["average_rank"] == approx((436 * 4982 + 689 * 3790 + 534 * 1411) / 1659)
    assert imd["average_score"] is None  # SIMD publishes no overall score
    assert imd["proportion_lsoas_most_deprived_10pct"] == 0
    assert imd["proportion_lsoas_most_deprived_20pct"] == 0
    assert any("publishes ranks, not an overall score" in n for n in m["notes"])
    assert m["domains"]["environment"]["average_rank"] is None  # SIMD has no such domain
    assert m["index"] == {
        "name": "SIMD",
        "year": 2020,
        "label": "SIMD 2020",
        "small_area": "data zone 2011",
        "small_areas_in_nation": 6976,
    }


def test_northern_ireland_counts_but_nothing_weighted(fixture_data):
    from anchorlib.data.nations import nation_measures

    # NIMDM 2017: 95PP09W1 decile 1, 95PP03W1 decile 2, 95PP01W1 decile 6 -> 1/3 in the most
    # deprived 10%, 2/3 in the 20%; no population is bundled, so nothing population-weighted.
    m = nation_measures("Northern Ireland", ["95PP09W1", "95PP03W1", "95PP01W1"])
    imd = m["imd"]
    assert imd["proportion_lsoas_most_deprived_10pct"] == approx(1 / 3)
    assert imd["proportion_lsoas_most_deprived_20pct"] == approx(2 / 3)
    for k in ("average_score", "average_rank", "extent", "local_concentration"):
        assert imd[k] is None
    assert m["population"] is None
    assert any("nothing population-weighted" in n for n in m["notes"])


def test_unknown_small_area_is_named(fixture_data):
    from anchorlib.core.errors import PlaceError
    from anchorlib.data.nations import nation_measures

    with pytest.raises(PlaceError, match="S01999999"):
        nation_measures("Scotland", ["S01011821", "S01999999"])


# ------------------------------------------------------------------ postcodes in every nation


def _fixture_row(path, key, code):
    df = pd.read_csv(path, dtype={key: str})
    return df[df[key] == code].iloc[0]


def test_postcode_in_each_nation_gets_its_own_index(fixture_data):
    from anchorlib.data.postcodes import locate_postcodes

    # One live postcode per devolved nation from the fixture lookup; their small areas' deciles
    # and ranks are read back from the fixture index files, not typed in.
    loc = locate_postcodes(["CF46 6RP", "KW16 3AA", "BT93 1AA"]).set_index("pcds")
    expect = {
        "CF46 6RP": ("Wales", "WIMD 2019", "W01001289", "W06000024", "wimd2019_lsoa11.csv"),
        "KW16 3AA": ("Scotland", "SIMD 2020", "S01011805", "S12000023", "simd2020_dz11.csv"),
        "BT93 1AA": (
            "Northern Ireland",
            "NIMDM 2017",
            "95PP03W1",
            "N09000006",
            "nimdm2017_soa01.csv",
        ),
    }
    for pc, (nation, index, area, lad, f) in expect.items():
        row = loc.loc[pc]
        assert row["nation"] == nation
        assert row["deprivation_index"] == index
        assert row["small_area_code"] == area
        assert row["lad24_code"] == lad
        key = {"W": "lsoa11_code", "S": "dz11_code", "9": "soa01_code"}[area[0]]
        pub = _fixture_row(fixture_data / "reference/uk" / f, key, area)
        assert row["nation_decile"] == pub["IMD_decile"]
        assert row["nation_rank"] == pub["IMD_rank"]
        assert pd.isna(row["imd25_decile"])  # never an English decile outside England


def test_english_postcode_nation_decile_is_its_imd2025(fixture_data):
    from anchorlib.data.postcodes import locate_postcode

    r = locate_postcode("BB5 1LA")
    assert r["nation"] == "England" and r["deprivation_index"] == "IMD 2025"
    assert r["nation_decile"] == r["imd25_decile"] and r["small_area_code"] == r["lsoa21_code"]


def test_postcode_cli_words_never_compare_nations(fixture_data):
    from typer.testing import CliRunner

    from anchorlib.cli import app

    res = CliRunner().invoke(app, ["postcode", "KW16 3AA", "BB5 1LA"])
    assert res.exit_code == 0, res.output
    assert "in Scotland (SIMD 2020)" in res.output and "in England (IMD 2025)" in res.output
    js = json.loads(CliRunner().invoke(app, ["postcode", "BT93 1AA", "--json"]).output)
    assert (
        js[0]["deprivation_index"] == "NIMDM 2017" and js[0]["lad24_name"] == "Fermanagh and Omagh"
    )


# ------------------------------------------------------------------ places in any nation


def test_places_in_each_nation_default_wider_tier_is_the_nation(fixture_data):
    from anchorlib.config.places import classify_postcodes, place_from_codes

    orkney = place_from_codes("S12000023")
    assert len(orkney.small_areas) == 29 and orkney.lsoas == []
    assert orkney.nations == ["Scotland"]
    assert orkney.tiers[1].countries == frozenset({"S92000003"})
    fo = place_from_codes("N09000006")
    assert len(fo.small_areas) == 49 and fo.tiers[1].countries == frozenset({"N92000002"})
    merthyr = place_from_codes("W06000024")
    assert merthyr.nations == ["Wales"] and merthyr.tiers[1].countries == frozenset({"W92000004"})
    tiers = classify_postcodes(orkney, ["KW16 3AA", "BT93 1AA", "BB5 1LA"])["tier"].tolist()
    assert tiers == ["place", "rest_of_uk", "rest_of_uk"]
    mixed = place_from_codes("E07000120,S12000023,N09000006")
    assert mixed.nations == ["England", "Scotland", "Northern Ireland"]
    tiers = classify_postcodes(mixed, ["KW16 3AA", "BT93 1AA", "BB5 1LA"])["tier"].tolist()
    assert tiers == ["place", "place", "place"]


def test_place_json_keeps_todays_keys_in_every_nation(fixture_data):
    from anchorlib.indicators.place import place_summary

    english = place_summary("E07000120")
    for code, nation, label in (
        ("W06000024", "Wales", "WIMD 2019"),
        ("S12000023", "Scotland", "SIMD 2020"),
        ("N09000006", "Northern Ireland", "NIMDM 2017"),
    ):
        s = place_summary(code)
        assert set(english) <= set(s), code  # today's keys kept
        assert s["nation"] == nation and s["index"]["label"] == label
        assert set(s["imd"]) >= set(english["imd"])
        assert set(s["domains"]) >= set(english["domains"])
    assert english["index"]["label"] == "IMD 2025"
    ni = place_summary("N09000006")
    assert ni["population"] is None and ni["imd"]["average_rank"] is None and ni["notes"]
    mixed = place_summary("E07000120,S12000023")
    assert mixed["nation"] == "England" and list(mixed["nations"]) == ["England", "Scotland"]
    assert mixed["nations"]["Scotland"]["lsoa_count"] == 29


def test_welsh_place_is_measured_on_lsoa2011(fixture_data):
    from anchorlib.data.nations import nation_measures, small_areas
    from anchorlib.indicators.place import place_summary

    # A whole Welsh authority: its LSOAs 2011 are exactly WIMD's rows for it (36 for Merthyr).
    s = place_summary("W06000024")
    whole = small_areas("Wales")
    codes = whole.loc[whole["lad_code"] == "W06000024", "small_area_code"]
    assert s["lsoa_count"] == len(codes) == 36
    assert s["imd"] == nation_measures("Wales", codes)["imd"]


# ------------------------------------------------------------------ supplier deprivation by nation

# One supplier per nation, one in the Channel Islands and one not located; anchor a.
#   supplier nation            tier        own decile  IMD 2025 decile   £
#   S1       England           place        1           1                100
#   S2       Wales             rest_of_uk   2           -                200
#   S3       Scotland          rest_of_uk   5           -                300
#   S4       Northern Ireland  rest_of_uk   1           -                400
#   S5       England           place        7           7                500
#   S6       Channel Islands   rest_of_uk   -           -                 50
#   S7       (no postcode)     -            -           -                600
SUPPLIERS = [
    ("S1", "England", "IMD 2025", "place", 1, 1, 100),
    ("S2", "Wales", "WIMD 2019", "rest_of_uk", 2, None, 200),
    ("S3", "Scotland", "SIMD 2020", "rest_of_uk", 5, None, 300),
    ("S4", "Northern Ireland", "NIMDM 2017", "rest_of_uk", 1, None, 400),
    ("S5", "England", "IMD 2025", "place", 7, 7, 500),
    ("S6", "Channel Islands", None, "rest_of_uk", None, None, 50),
    ("S7", None, None, None, None, None, 600),
]


def _ledger(basis: str = "own_nation") -> pd.DataFrame:
    rows = []
    for sid, nation, index, tier, own, eng, pounds in SUPPLIERS:
        rows.append(
            {
                "anchor_id": "a",
                "financial_year": "2024-25",
                "amount_pence": pounds * 100,
                "supplier_name": sid,
                "supplier_id": sid,
                "org_type": "company",
                "tier": tier,
                "nation": nation,
                "deprivation_index": index,
                "nation_decile": own,
                "imd25_decile_england": eng,
                "imd25_decile": own if basis == "own_nation" else eng,
            }
        )
    df = pd.DataFrame(rows)
    for c in ("nation_decile", "imd25_decile_england", "imd25_decile"):
        df[c] = df[c].astype("Int64")
    return df


def test_deprived_share_by_nation_by_hand():
    out = deprived_share_by_nation(_ledger(), [1, 2])
    assert list(out) == ["England", "Wales", "Scotland", "Northern Ireland", "Channel Islands"]
    # England: S1 100 deprived of 100 + 500 located -> 1/6
    assert out["England"] == {
        "index": "IMD 2025",
        "located_spend": 600.0,
        "deprived_spend": 100.0,
        "share": approx(100 / 600),
    }
    assert out["Wales"]["share"] == approx(200 / 200)  # S2, WIMD decile 2
    assert out["Scotland"]["share"] == 0  # S3, SIMD decile 5
    assert out["Northern Ireland"]["share"] == approx(400 / 400)  # S4, NIMDM decile 1
    assert out["Channel Islands"] == {
        "index": None,
        "located_spend": 50.0,
        "deprived_spend": 0.0,
        "share": None,
    }
    # Only the most deprived 10% (decile 1): Wales's S2 (decile 2) drops out.
    assert deprived_share_by_nation(_ledger(), [1])["Wales"]["share"] == 0


def test_own_nation_and_england_only_shares_by_hand():
    # located: 100 + 200 + 300 + 400 + 500 + 50 = 1550 (S7 has no location)
    # own nation, deciles 1-2: S1 100 + S2 200 + S4 400 = 700 -> 700 / 1550
    assert deprived_share(_ledger("own_nation"), [1, 2], "located") == approx(700 / 1550)
    # England only: S1 100 -> 100 / 1550 (the figure before issue 11)
    assert deprived_share(_ledger("england_only"), [1, 2], "located") == approx(100 / 1550)
    assert deprived_share_england_only(_ledger("own_nation"), [1, 2]) == approx(100 / 1550)


def test_nation_indicators_per_anchor_and_combined_leave_out_self_payments():
    led = pd.concat([_ledger(), _ledger().assign(anchor_id="b")], ignore_index=True)
    own = pd.Series(False, index=led.index)
    own[(led["anchor_id"] == "b") & (led["supplier_id"] == "S4")] = True  # b paying itself
    out = nation_indicators(led, [1, 2], anchors=["a", "b"], self_rows=own)
    assert out["a"]["deprived_share_by_nation"]["Northern Ireland"]["share"] == approx(1.0)
    assert "Northern Ireland" not in out["b"]["deprived_share_by_nation"]
    # combined: a's 700 + b's 300 (S1 + S2) deprived of 1550 + 1150 located; England only:
    # 100 + 100 of 2700
    comb = out["combined"]
    assert comb["deprived_share_by_nation"]["Northern Ireland"]["located_spend"] == 400.0
    assert comb["deprived_share_of_located_england_only"] == approx(200 / 2700)


def test_supplier_decile_from_its_postcode_follows_the_basis(fixture_data):
    from anchorlib.suppliers.attach import nation_deciles

    # A located ledger with one postcode per devolved nation and one English, as a register
    # gives it (imd25_decile: England's only).  Their own-nation deciles come from the fixtures.
    led = pd.DataFrame(
        {
            "postcode": ["CF46 6RP", "KW16 3AA", "BT93 1AA", "BB5 1LA", None],
            "imd25_decile": pd.array([None, None, None, 1, None], dtype="Int64"),
        }
    )
    own = nation_deciles(led, "own_nation")
    assert own["nation"].tolist()[:4] == ["Wales", "Scotland", "Northern Ireland", "England"]
    assert own["imd25_decile"].tolist()[:4] == [3, 8, 2, 1]  # WIMD, SIMD, NIMDM, IMD 2025
    assert pd.isna(own["imd25_decile"].iloc[4])
    eng = nation_deciles(led, "england_only")
    assert eng["imd25_decile"].isna().tolist() == [True, True, True, False, True]
    assert eng["nation_decile"].tolist()[:4] == [3, 8, 2, 1]
    with pytest.raises(ValueError, match="deprivation_basis"):
        nation_deciles(led, "uk")


# ------------------------------------------------------------------ the full files


@pytest.mark.shared
def test_full_indices_cover_every_small_area_and_district(real_data):
    from anchorlib.data.nations import nation_lad_table, small_areas

    for nation, n_areas, n_lads in (
        ("Wales", 1909, 22),
        ("Scotland", 6976, 32),
        ("Northern Ireland", 890, 11),
    ):
        df = small_areas(nation)
        assert len(df) == n_areas and df["lad_code"].notna().all()
        assert sorted(df["imd_rank"]) == list(range(1, n_areas + 1))
        t = nation_lad_table(nation)
        assert len(t) == n_lads
        # every small area in exactly one district: counts add up to the nation
        assert t["lsoa_count"].sum() == n_areas
        # 10% of a nation's small areas are in its decile 1, so the district proportions,
        # weighted by their counts, add to about 0.1
        assert (t["imd_proportion_lsoas_most_deprived_10pct"] * t["lsoa_count"]).sum() == approx(
            (df["imd_decile"] == 1).sum()
        )


@pytest.mark.shared
def test_full_postcodes_in_each_nation(real_data):
    from anchorlib.data.postcodes import locate_postcodes

    loc = locate_postcodes(["CF10 1AA", "EH1 1AD", "BT1 1AA", "BB5 1LA"]).set_index("pcds")
    assert loc["nation"].tolist() == ["Wales", "Scotland", "Northern Ireland", "England"]
    assert loc.loc["EH1 1AD", "lad24_code"] == "S12000036"  # City of Edinburgh
    assert loc.loc["BT1 1AA", "lad24_code"] == "N09000003"  # Belfast
    assert loc["nation_decile"].notna().all()


# ------------------------------------------------------------------ the UK comparison, per nation


def test_comparison_per_nation_on_the_fixtures(fixture_data, tmp_path):
    from anchorlib.assets.nations_table import nation_comparison, write_uk_comparison
    from anchorlib.data.nations import nation_measures, small_areas

    # The fixtures hold one whole district per devolved nation: each is its nation's only row,
    # rank 1, with the measures of nation_measures on its small areas (scaled to %).
    for nation, code in (
        ("Wales", "W06000024"),
        ("Scotland", "S12000023"),
        ("Northern Ireland", "N09000006"),
    ):
        t = nation_comparison(nation)
        assert t["code"].tolist() == [code]
        codes = small_areas(nation)["small_area_code"]
        m = nation_measures(nation, codes)["imd"]
        col = "small areas in the nation's most deprived 10% (%)"
        assert t[col].iloc[0] == approx(100 * m["proportion_lsoas_most_deprived_10pct"])
        assert t[f"rank in {nation}: proportion lsoas most deprived 10pct"].iloc[0] == 1
    paths = write_uk_comparison(tmp_path)
    assert sorted(p.name for p in paths.values()) == [
        "comparison_england.csv",
        "comparison_northern_ireland.csv",
        "comparison_scotland.csv",
        "comparison_uk.xlsx",
        "comparison_wales.csv",
    ]


@pytest.mark.shared
def test_every_uk_district_ranked_within_its_own_nation(real_data):
    from anchorlib.assets.nations_table import uk_comparison_tables

    tables = uk_comparison_tables()
    assert {n: len(t) for n, t in tables.items()} == {
        "England": 296,
        "Wales": 22,
        "Scotland": 32,
        "Northern Ireland": 11,
    }  # 361, the districts of lad24.geojson
    for nation, t in tables.items():
        r = t[f"rank in {nation}: proportion lsoas most deprived 10pct"]
        assert r.min() == 1 and r.max() <= len(t)
        assert (t["nation"] == nation).all()


def test_ledger_with_one_supplier_postcode_per_nation_by_hand(fixture_data):
    from anchorlib.config.places import place_from_codes
    from anchorlib.indicators.locate import locate_ledger

    # One supplier in each nation, located from its published postcode (fixture files):
    #   BB5 1LA   England           IMD 2025 decile 1    £100
    #   CF46 6RP  Wales             WIMD 2019 decile 3   £200
    #   KW16 3AA  Scotland          SIMD 2020 decile 8   £300
    #   BT93 1AA  Northern Ireland  NIMDM 2017 decile 2  £400
    # Deciles 1-2, by nation: England 100/100 = 1, Wales 0/200 = 0, Scotland 0/300 = 0,
    # Northern Ireland 400/400 = 1.  Of all located spend (1000): own nation (100 + 400) / 1000
    # = 0.5; England only 100 / 1000 = 0.1.
    pcs = ["BB5 1LA", "CF46 6RP", "KW16 3AA", "BT93 1AA"]
    ledger = pd.DataFrame(
        {
            "anchor_id": "a",
            "financial_year": "2024-25",
            "amount_pence": [10000, 20000, 30000, 40000],
            "supplier_name": ["Lancs Ltd", "Merthyr Ltd", "Orkney Ltd", "Fermanagh Ltd"],
            "supplier_key": ["LANCS", "MERTHYR", "ORKNEY", "FERMANAGH"],
            "company_number": None,
            "charity_number": None,
            "supplier_postcode": pcs,
        }
    )
    place = place_from_codes("E07000120")
    own = locate_ledger(ledger, place)
    assert own["nation"].tolist() == ["England", "Wales", "Scotland", "Northern Ireland"]
    assert own["imd25_decile"].tolist() == [1, 3, 8, 2]
    shares = {n: v["share"] for n, v in deprived_share_by_nation(own, [1, 2]).items()}
    assert shares == {"England": 1.0, "Wales": 0.0, "Scotland": 0.0, "Northern Ireland": 1.0}
    assert deprived_share(own, [1, 2], "located") == approx(0.5)
    assert deprived_share_england_only(own, [1, 2]) == approx(0.1)
    eng = locate_ledger(ledger, place, basis="england_only")
    assert deprived_share(eng, [1, 2], "located") == approx(0.1)
