"""Place-based giving (anchorlib.indicators.giving): a hand-computed example, the committed extract,
the real bundle.

The hand example: five LSOAs in three 2024 wards and two districts; the place is district L1.

    LSOA  ward  LAD  population  IMD score  decile
    A     W1    L1   100         50         1
    B     W1    L1   300         10         6
    C     W2    L1   200         40         2
    D     W3    L2   100          5         9
    E     W3    L2   100         15         5

Ward scores (population-weighted): W1 (5000 + 3000) / 400 = 20, W2 40, W3 (500 + 1500) / 200 = 10.
Ranked: W2, W1, W3; population-weighted ward deciles from the cumulative residents of the 800:
W2 200/800 = 0.25 -> ceil(2.5) = 3, W1 600/800 = 0.75 -> 8, W3 800/800 -> 10 (by ward count they
were ceil(rank * 10 / 3): 4, 7, 10).  With deprived deciles 1-4: deprived residents W1 100/400 =
0.25, W2 1.0, W3 0; the deprived ward is W2 (decile 3).

    grant funder year district  ward       region      £     where
    g1    F1     2015 L1        W1         North West  1000  in the place, ward W1
    g2    F1     2016 L1        W2         North West   500  in the place, ward W2
    g3    F2     2016 L1        E05099999  North West  2000  in the place by district (ward redrawn)
    g4    F2     2017 L2        W3         North West   700  outside (ward W3)
    g5    F3     2017 E06000028 X1         South West   300  outside (old district, another region)
    g6    F3     2018 E09999999 Y1         North West   400  unresolved (old district, same region)
    g7    F1     2018 L1        E05099999  North West   100  in the place by district

In the place: 3,600 (1,500 placed in a ward).  Deprived wards: 500.  Apportioned to
deprived residents: 1000 * 0.25 + 500 * 1.0 = 750.  District L1's deprived share of
residents: (100 + 200) / 600 = 0.5, so the mixed estimate is 750 + 2100 * 0.5 = 1,800.
"""

from __future__ import annotations

import pandas as pd
import pytest

from anchorlib.config.places import Place, PlaceSpec, Tier
from anchorlib.indicators import giving as G

approx = pytest.approx

GEO = pd.DataFrame(
    {
        "lsoa21_code": ["A", "B", "C", "D", "E"],
        "ward24_code": ["W1", "W1", "W2", "W3", "W3"],
        "ward24_name": ["Ward one", "Ward one", "Ward two", "Ward three", "Ward three"],
        "lad24_code": ["L1", "L1", "L1", "L2", "L2"],
        "lad24_name": ["One", "One", "One", "Two", "Two"],
        "region_name": ["North West"] * 5,
        "population": [100, 300, 200, 100, 100],
        "imd_score": [50.0, 10.0, 40.0, 5.0, 15.0],
        "imd_decile": [1, 6, 2, 9, 5],
    }
)

PLACE = Place(
    "L1",
    ["A", "B", "C"],
    ["L1"],
    [Tier("place", frozenset({"A", "B", "C"}))],
    PlaceSpec(name="L1", lads=["E07000120"]),
)

GRANTS = pd.DataFrame(
    [
        ("F1", 2015, "L1", "W1", "North West", "One", 1000.0, 2),
        ("F1", 2016, "L1", "W2", "North West", "One", 500.0, 1),
        ("F2", 2016, "L1", "E05099999", "North West", "One", 2000.0, 3),
        ("F2", 2017, "L2", "W3", "North West", "Two", 700.0, 1),
        ("F3", 2017, "E06000028", "X1", "South West", "Bournemouth", 300.0, 1),
        ("F3", 2018, "E09999999", "Y1", "North West", "Gone", 400.0, 1),
        ("F1", 2018, "L1", "E05099999", "North West", "One", 100.0, 1),
    ],
    columns=[
        "funder",
        "award_year",
        "lad_code",
        "ward_code",
        "region",
        "district_name",
        "amount",
        "grants",
    ],
)

LAD_MAP = {"L1": "L1", "L2": "L2", "E06000028": None, "E09999999": None}
DEPRIVED = [1, 2, 3, 4]


def test_ward_table_by_hand():
    w = G.ward_table(GEO, DEPRIVED).set_index("ward24_code")
    assert w["imd_score"].tolist() == approx([20.0, 40.0, 10.0])
    assert w["ward_rank"].tolist() == [2, 1, 3]
    assert w["ward_decile"].tolist() == [8, 3, 10]
    assert w["deprived_pop_share"].tolist() == approx([0.25, 1.0, 0.0])
    assert w["n_deprived_lsoas"].tolist() == [1, 1, 0] and w["population"].tolist() == [
        400,
        200,
        200,
    ]
    wales = pd.concat(
        [
            GEO,
            pd.DataFrame(
                {
                    "lsoa21_code": ["W"],
                    "ward24_code": ["W9"],
                    "ward24_name": ["Cymru"],
                    "lad24_code": ["L9"],
                    "lad24_name": ["Nine"],
                    "region_name": ["Wales"],
                    "population": [50],
                    "imd_score": [None],
                    "imd_decile": [None],
                }
            ),
        ]
    )
    w2 = G.ward_table(wales, DEPRIVED).set_index("ward24_code")
    assert pd.isna(w2.loc["W9", "ward_decile"]) and pd.isna(w2.loc["W9", "imd_score"])
    # ranks only among wards with a score (Wales's 50 residents are not in the 800)
    assert w2.loc["W2", "ward_decile"] == 3


def test_ward_deciles_are_weighted_by_population():
    # four wards, one LSOA each, 1,000 residents: W1 (score 50, 100 people), W2 (40, 300),
    # W3 (30, 500), W4 (20, 100).  Cumulative residents, most deprived first: 100 (0.1), 400
    # (0.4), 900 (0.9), 1000 (1.0) -> deciles ceil(10 x share) = 1, 4, 9, 10.  By ward count
    # they would be ceil(rank x 10 / 4) = 3, 5, 8, 10.
    lsoas = pd.DataFrame(
        {
            "lsoa21_code": ["a", "b", "c", "d"],
            "ward24_code": ["W1", "W2", "W3", "W4"],
            "ward24_name": ["1", "2", "3", "4"],
            "lad24_code": ["L"] * 4,
            "imd_score": [50.0, 40.0, 30.0, 20.0],
            "imd_decile": [1, 2, 3, 4],
            "population": [100, 300, 500, 100],
        }
    )
    w = G.ward_table(lsoas).set_index("ward24_code")
    assert w["ward_decile"].to_dict() == {"W1": 1, "W2": 4, "W3": 9, "W4": 10}
    assert w["ward_rank"].to_dict() == {"W1": 1, "W2": 2, "W3": 3, "W4": 4}


def test_context_label_years_and_funders():
    one = G.context_label({"award_years": [2016], "funders": 1})
    assert "by the one funder publishing" in one and "award years 2016," in one
    assert "registered address" in one and "Context, not an anchor indicator" in one


def test_locate_grants_by_hand():
    g = G.locate_grants(GRANTS, PLACE, deprived_deciles=DEPRIVED, geo=GEO, lad_map=LAD_MAP)
    assert g["place_status"].tolist() == [
        "in_place",
        "in_place",
        "in_place",
        "outside",
        "outside",
        "unresolved",
        "in_place",
    ]
    assert g["placed_by"].tolist() == [
        "ward",
        "ward",
        "district",
        "ward",
        "region",
        None,
        "district",
    ]
    assert g["ward_decile"].tolist()[:2] == [8, 3]
    assert pd.isna(g.loc[2, "ward_decile"]) and g.loc[2, "ward24_code"] is None


def test_place_giving_by_hand():
    r = G.place_giving(PLACE, GRANTS, deprived_deciles=DEPRIVED, geo=GEO, lad_map=LAD_MAP)
    s = r.summary
    assert s["amount"] == 3600 and s["grants"] == 7 and s["funders"] == 2
    assert s["placed_by_ward"] == 1500 and s["placed_by_district"] == 2100
    assert s["ward_resolved_share"] == approx(1500 / 3600)
    assert s["deprived_wards_amount"] == 500 and s["deprived_wards_share_of_resolved"] == approx(
        1 / 3
    )
    assert s["deprived_apportioned_amount"] == approx(750)
    assert s["deprived_apportioned_mixed_amount"] == approx(1800)
    assert (
        s["unresolved_amount"] == 400
        and s["outside_amount"] == 1000
        and s["unmatched_ward_codes"] == 1
    )
    f = r.by_funder.set_index("funder")
    assert f.index.tolist() == ["F2", "F1"]
    assert f.loc[
        "F1", ["amount", "ward_resolved", "deprived_wards", "deprived_apportioned", "grants"]
    ].tolist() == approx([1600, 1500, 500, 750, 4])
    assert f.loc["F2", "share"] == approx(2000 / 3600)
    d = r.by_deprivation.set_index("ward_decile")
    assert (
        d.loc["3", "amount"] == 500
        and d.loc["8", "amount"] == 1000
        and d.loc[G.UNRESOLVED, "amount"] == 2100
    )
    assert d["amount"].sum() == 3600 and d.loc["1", "amount"] == 0
    assert d.loc["8", "place_population_share"] == approx(400 / 600)
    assert d.loc["3", "place_wards"] == 1
    # labelled as context: registered address, all funders, the award years
    assert s["context"] == (
        "Context, not an anchor indicator: grants by all 2 funders publishing to 360Giving, "
        "award years 2015-2018, placed by the recipient organisation's registered address (not "
        "necessarily where the money was spent or whom it reached); ward deciles weighted by "
        "population."
    )
    assert (
        s["location_basis"] == G.LOCATION_BASIS
        and "population-weighted" in (s["ward_decile_basis"])
    )
    um = r.unmatched
    assert um[["ward_code", "grants", "amount"]].values.tolist() == [["E05099999", 4, 2100.0]]
    assert r.unresolved["amount"].tolist() == [400.0]
    y = r.by_year.set_index("award_year")["amount"]
    assert y.to_dict() == {2015: 1000, 2016: 2500, 2018: 100}
    dist = r.by_district.set_index("lad24_code")
    assert dist.loc["L1", "amount"] == 3600 and dist.loc[
        "L1", "district_deprived_pop_share"
    ] == approx(0.5)


def test_the_committed_extract(fixture_data):
    """Hyndburn from the committed extracts (every LSOA of four districts), against plain pandas."""
    from anchorlib.config.places import place_from_codes
    from anchorlib.data.readers import read_source

    raw = read_source("grants_360giving_wards")
    place = place_from_codes("E07000120")
    r = G.place_giving(place)
    mine = raw[raw["Recipient District Geographic Code"] == "E07000120"]
    assert r.summary["amount"] == approx(mine["Amount Awarded"].sum())
    assert r.summary["grants"] == mine["Identifier"].sum()
    wards24 = set(read_source("lookup_lsoa21_ward24")["ward24_code"])
    resolved = mine[mine["Recipient Ward Geographic Code"].isin(wards24)]
    assert r.summary["placed_by_ward"] == approx(resolved["Amount Awarded"].sum())
    assert r.by_funder["amount"].sum() == approx(r.summary["amount"])
    assert r.by_deprivation["amount"].sum() == approx(r.summary["amount"])
    # nothing silently dropped: in + outside + unresolved = every grant in the file
    s = r.summary
    assert s["amount"] + s["outside_amount"] + s["unresolved_amount"] == approx(
        raw["Amount Awarded"].sum()
    )


@pytest.mark.shared
def test_real_lancashire_giving(real_data):
    from anchorlib.config.collaborative import load_collaborative
    from anchorlib.data.catalogue import PROJECT_ROOT
    from anchorlib.data.census import population_lsoa21
    from anchorlib.data.deprivation import lsoa_deprivation
    from anchorlib.data.geography import lsoa21_geography
    from anchorlib.data.readers import read_source

    collab = load_collaborative(PROJECT_ROOT / "collaboratives" / "lancashire.yml")
    r = G.place_giving(collab)
    raw = read_source("grants_360giving_wards")
    lads = set(collab.place.lad_codes)
    mine = raw[
        raw["Recipient District Geographic Code"].isin(lads)
    ]  # Lancashire's codes did not change
    assert r.summary["amount"] == approx(mine["Amount Awarded"].sum())
    geo = lsoa21_geography()
    resolved = mine[mine["Recipient Ward Geographic Code"].isin(set(geo["ward24_code"]))]
    assert r.summary["placed_by_ward"] == approx(resolved["Amount Awarded"].sum())
    assert r.unmatched["amount"].sum() == approx(
        mine["Amount Awarded"].sum() - resolved["Amount Awarded"].sum()
    )
    assert r.summary["amount"] + r.summary["outside_amount"] + r.summary[
        "unresolved_amount"
    ] == approx(raw["Amount Awarded"].sum())
    # one ward's deprivation, independently
    ward = resolved.groupby("Recipient Ward Geographic Code")["Amount Awarded"].sum().idxmax()
    lsoas = geo.loc[geo["ward24_code"] == ward, "lsoa21_code"]
    imd = lsoa_deprivation(2025).set_index("lsoa_code").loc[lsoas]
    pop = population_lsoa21().loc[lsoas].astype(float)
    score = float((imd["imd_score"] * pop.to_numpy()).sum() / pop.sum())
    dep = float(pop[imd["imd_decile"].isin([1, 2]).to_numpy()].sum() / pop.sum())
    w = G.ward_deprivation([1, 2]).set_index("ward24_code").loc[ward]
    assert w["imd_score"] == approx(score) and w["deprived_pop_share"] == approx(dep)
    print(
        "\n",
        r.summary,
        "\n",
        r.by_funder.head(10).to_string(),
        "\n",
        r.by_deprivation.to_string(),
        "\n",
        r.by_district.to_string(),
    )
