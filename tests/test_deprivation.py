"""MHCLG summary measures of deprivation (anchorlib.data.deprivation).

Hand-computed examples for the pure function; fixture-data checks against the raw
CSVs read independently with the csv module; real-data checks (all LADs, the
population sensitivity recorded in docs/deprivation_measures.md, and the official
LA summary files when they are present).
"""

from __future__ import annotations

import csv
import json
import math
import shutil

import numpy as np
import pytest
from conftest import clear_anchorlib_caches

from anchorlib.core.errors import MissingSourceFileError, PlaceError
from anchorlib.data import deprivation as dep

LADS = {
    "E07000120": "Hyndburn",
    "E07000117": "Burnley",
    "E07000122": "Pendle",
    "E06000009": "Blackpool",
}
BLACKPOOL = "E06000009"
TOP_KEYS = {
    "name",
    "edition",
    "lsoa_count",
    "population",
    "extent_method",
    "population_denominator",
    "population_source",
    "imd",
    "domains",
    "notes",
}


# ------------------------------------------------------------------------------------------
# The pure function, by hand
# ------------------------------------------------------------------------------------------

# Six LSOAs in a country of N = 100 LSOAs (so percentile p = rank).  Given in a shuffled order.
#   LSOA  rank r  r' = 101 - r  pop  score  decile  percentile  extent weight (IoD report)
#   A       5         96         60    50     1         5          1
#   B      10         91        200    40     1        10          1
#   C      11         90        300    30     2        11          0.95
#   D      20         81        100    20     2        20          0.95 - 9 * 0.9/19 = 9.95/19
#   E      30         71        200    10     3        30          0.05
#   F      60         41        140     5     6        60          0
# (IoD technical report: 1 for percentiles 1-10, 0.95 at the 11th falling in 19 equal steps of
# 0.9/19 to 0.05 at the 30th, 0 after.)
# Total population 1000.
HAND = {  # name: (rank, pop, score, decile)
    "D": (20, 100, 20.0, 2),
    "A": (5, 60, 50.0, 1),
    "F": (60, 140, 5.0, 6),
    "C": (11, 300, 30.0, 2),
    "E": (30, 200, 10.0, 3),
    "B": (10, 200, 40.0, 1),
}


def _hand():
    rank, pop, score, decile = (np.array(v) for v in zip(*HAND.values()))
    return rank, pop, score, decile


def test_summary_measures_hand_computed():
    rank, pop, score, decile = _hand()
    m = dep.summary_measures(rank, pop, 100, score=score, decile=decile)
    # average score = (60*50 + 200*40 + 300*30 + 100*20 + 200*10 + 140*5) / 1000
    #               = (3000 + 8000 + 9000 + 2000 + 2000 + 700) / 1000 = 24.7
    assert m["average_score"] == pytest.approx(24.7)
    # average rank = (60*96 + 200*91 + 300*90 + 100*81 + 200*71 + 140*41) / 1000
    #              = (5760 + 18200 + 27000 + 8100 + 14200 + 5740) / 1000 = 79.0
    assert m["average_rank"] == pytest.approx(79.0)
    # proportion in the most deprived 10%: A and B of 6 LSOAs = 1/3
    assert m["proportion_lsoas_most_deprived_10pct"] == pytest.approx(1 / 3)
    # extent = (60*1 + 200*1 + 300*0.95 + 100*9.95/19 + 200*0.05 + 140*0) / 1000
    #        = (60 + 200 + 285 + 995/19 + 10) / 1000 = (555*19 + 995) / 19000 = 11540/19000
    #        = 0.607368421...  (the old linear-to-zero weights gave 0.595: D at 0.5, E at 0)
    assert m["extent"] == pytest.approx(11540 / 19000)
    # local concentration: 10% of 1000 = 100 people.  A (60, r'=96) fits whole; B straddles and
    # contributes the remaining 40 people: (60*96 + 40*91) / 100 = (5760 + 3640) / 100 = 94.0
    assert m["local_concentration"] == pytest.approx(94.0)


def test_extent_weights_are_the_iod_technical_report_steps_only():
    # Percentiles 1-10 weigh 1; the 11th 0.95; each further percentile 0.9/19 less, so the 12th
    # is 0.95 - 0.9/19 = 17.15/19, the 29th 0.95 - 18*0.9/19 = 1.85/19 and the 30th 0.05; then 0.
    assert dep.extent_weight([1, 10, 11, 12, 29, 30, 31, 100]) == pytest.approx(
        [1, 1, 0.95, 17.15 / 19, 1.85 / 19, 0.05, 0, 0]
    )
    # No other scheme and no switch remain.
    assert not hasattr(dep, "EXTENT_SCHEMES") and not hasattr(dep, "EXTENT_SCHEME")
    with pytest.raises(TypeError):
        dep.summary_measures([1], [1], 100, extent_scheme="linear_to_zero")
    assert "0.05 at the 30th" in dep.EXTENT_METHOD
    # Two LSOAs in N = 100, both percentile 30 and 11: extent = (10*0.05 + 30*0.95) / 40
    # = (0.5 + 28.5) / 40 = 0.725
    assert dep.summary_measures([30, 11], [10, 30], 100)["extent"] == pytest.approx(0.725)


def test_summary_measures_without_score_or_decile_and_edge_cases():
    rank, pop, _, _ = _hand()
    m = dep.summary_measures(rank, pop, 100)
    assert m["average_score"] is None
    # no decile given: derived from the percentile rule, p = ceil(100 r / N) <= 10 -> A and B
    assert m["proportion_lsoas_most_deprived_10pct"] == pytest.approx(1 / 3)
    # The national N is used, never the number of LSOAs in the area: r' = N + 1 - r.
    one = dep.summary_measures([1, 50], [500, 500], 100)
    # average rank = (500*100 + 500*51) / 1000 = 75.5; local concentration: the first LSOA alone
    # holds more than 10% of the people, so only 100 of its 500 count: 100*100/100 = 100
    assert one["average_rank"] == pytest.approx(75.5)
    assert one["local_concentration"] == pytest.approx(100.0)
    # exactly 10% boundary: 100 people in the first LSOA of 1000 -> no part of the second
    exact = dep.summary_measures([3, 4, 90], [100, 400, 500], 100)
    assert exact["local_concentration"] == pytest.approx(98.0)
    # zero population: rank-free measure still defined, weighted ones None
    zero = dep.summary_measures([1, 2], [0, 0], 100)
    assert zero["average_rank"] is None and zero["proportion_lsoas_most_deprived_10pct"] == 1.0
    with pytest.raises(ValueError):
        dep.summary_measures([], [], 100)
    with pytest.raises(ValueError, match="ranks"):
        dep.summary_measures([0, 101], [1, 1], 100)


def test_percentile_rule_matches_the_published_decile_1_boundary():
    # 2019: 10% of 32,844 = 3,284.4, published decile 1 = ranks 1..3,284
    assert dep.national_percentile([3284, 3285], 32844).tolist() == [10, 11]
    # 2025: 10% of 33,755 = 3,375.5, published decile 1 = ranks 1..3,375
    assert dep.national_percentile([3375, 3376], 33755).tolist() == [10, 11]
    assert dep.national_percentile([1, 100], 100).tolist() == [1, 100]


# ------------------------------------------------------------------------------------------
# Fixture data: the four Lancashire districts, against the raw files read with csv
# ------------------------------------------------------------------------------------------


def _rows(path, encoding="utf-8"):
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def _raw_2025(root):
    imd = {r["lsoa21_code"]: r for r in _rows(root / "reference" / "imd2025_lsoa21.csv")}
    lad = {
        r["lsoa21_code"]: r["ltla24_code"]
        for r in _rows(root / "reference" / "lookup_lsoa21_ward24_lad24.csv")
    }
    pop = {
        r["lsoa21_code"]: int(r["total_residents"])
        for r in _rows(root / "reference" / "census2021" / "ethnicity_lsoa21.csv")
    }
    return imd, lad, pop


def _raw_2019(root):
    d = root / "reference" / "imd2019"
    f1 = {
        r["LSOA code (2011)"]: r
        for r in _rows(d / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv", "utf-8-sig")
    }
    f2 = {
        r["LSOA code (2011)"]: r
        for r in _rows(d / "File_2_-_IoD2019_Domains_of_Deprivation.csv", "utf-8-sig")
    }
    f6 = {
        r["LSOA code (2011)"]: _int(r["Total population: mid 2015 (excluding prisoners)"])
        for r in _rows(d / "File_6_-_IoD2019_Population_Denominators.csv", "utf-8-sig")
    }
    return f1, f2, f6


@pytest.mark.parametrize("lad", sorted(LADS))
def test_proportion_in_most_deprived_10pct_equals_a_raw_count(fixture_data, lad):
    imd, lad_of, _ = _raw_2025(fixture_data)
    mine = [c for c, r in imd.items() if lad_of.get(c) == lad]
    got = dep.place_measures(dep.lad_lsoas(lad, 2025), 2025)
    assert got["lsoa_count"] == len(mine)
    for key, stem in dep.DOMAIN_NAMES[2025].items():
        want = sum(imd[c][f"{stem}_decile"] == "1" for c in mine) / len(mine)
        have = got["imd"] if key == "imd" else got["domains"][key]
        assert have["proportion_lsoas_most_deprived_10pct"] == pytest.approx(want, abs=1e-12), key

    f1, f2, _ = _raw_2019(fixture_data)
    mine = [c for c, r in f1.items() if r["Local Authority District code (2019)"] == lad]
    got = dep.place_measures(dep.lad_lsoas(lad, 2019), 2019)
    assert got["lsoa_count"] == len(mine)
    want = sum(f1[c]["Index of Multiple Deprivation (IMD) Decile"] == "1" for c in mine) / len(mine)
    assert got["imd"]["proportion_lsoas_most_deprived_10pct"] == pytest.approx(want, abs=1e-12)
    for key, stem in dep.DOMAIN_NAMES[2019].items():
        if key == "imd":
            continue
        col = f"{stem} Decile (where 1 is most deprived 10% of LSOAs)"
        want = sum(f2[c][col] == "1" for c in mine) / len(mine)
        assert got["domains"][key]["proportion_lsoas_most_deprived_10pct"] == pytest.approx(
            want, abs=1e-12
        ), key


def test_population_weighting_matches_a_manual_weighted_mean(fixture_data):
    # 2019, Burnley: File 6 mid-2015 populations, reversed ranks 32,845 - r
    f1, f2, f6 = _raw_2019(fixture_data)
    mine = [c for c, r in f1.items() if r["Local Authority District code (2019)"] == "E07000117"]
    total = sum(f6[c] for c in mine)
    want = (
        sum(f6[c] * (32845 - _int(f1[c]["Index of Multiple Deprivation (IMD) Rank"])) for c in mine)
        / total
    )
    got = dep.lad_measures("E07000117", 2019)
    assert got["population"] == total
    assert got["imd"]["average_rank"] == pytest.approx(want, rel=1e-12)
    col = "Health Deprivation and Disability Rank (where 1 is most deprived)"
    want_h = sum(f6[c] * (32845 - _int(f2[c][col])) for c in mine) / total
    assert got["domains"]["health"]["average_rank"] == pytest.approx(want_h, rel=1e-12)
    assert "File 6" in got["population_source"] and "mid 2015" in got["population_source"]
    assert got["population_denominator"] == "iod2019_file6"
    assert got["extent_method"] == dep.EXTENT_METHOD

    # 2025, Hyndburn: Census 2021 usual residents (the bundle has no IoD2025 denominators)
    imd, lad_of, pop = _raw_2025(fixture_data)
    mine = [c for c in imd if lad_of.get(c) == "E07000120"]
    total = sum(pop[c] for c in mine)
    got = dep.lad_measures("E07000120", 2025)
    assert got["population"] == total
    assert "Census 2021" in got["population_source"]
    assert got["population_denominator"] == "census2021_usual_residents"
    assert got["imd"]["average_score"] == pytest.approx(
        sum(pop[c] * float(imd[c]["IMD_score"]) for c in mine) / total, rel=1e-12
    )
    assert got["imd"]["average_rank"] == pytest.approx(
        sum(pop[c] * (33756 - int(imd[c]["IMD_rank"])) for c in mine) / total, rel=1e-12
    )
    assert got["domains"]["housing"]["average_score"] == pytest.approx(
        sum(pop[c] * float(imd[c]["Housing_and_Services_score"]) for c in mine) / total, rel=1e-12
    )
    # income scale: sum of the File 8 numerators
    ind = {
        r["lsoa21_code"]: r
        for r in _rows(fixture_data / "reference" / "imd2025_lsoa21_indicators.csv")
    }
    assert got["domains"]["income"]["scale"] == pytest.approx(
        sum(float(ind[c]["income_domain_numerator"] or 0) for c in mine)
    )


def test_extent_and_local_concentration_on_fixture_match_a_direct_computation(fixture_data):
    imd, lad_of, pop = _raw_2025(fixture_data)
    mine = [c for c in imd if lad_of.get(c) == "E07000122"]  # Pendle
    items = sorted((int(imd[c]["IMD_rank"]), pop[c]) for c in mine)
    total = sum(p for _, p in items)

    def weight(r):  # IoD report: 1 to the 10th percentile, 0.05 + (30 - p) * 0.9/19 to the 30th
        p = math.ceil(100 * r / 33755)
        return 1 if p <= 10 else 0.05 + (30 - p) * 0.9 / 19 if p <= 30 else 0

    extent = sum(p * weight(r) for r, p in items) / total
    left, acc = total / 10, 0.0
    for r, p in items:  # most deprived first
        take = min(p, left)
        acc += take * (33756 - r)
        left -= take
        if left <= 0:
            break
    got = dep.lad_measures("E07000122", 2025)["imd"]
    assert got["extent"] == pytest.approx(extent, rel=1e-12)
    assert got["local_concentration"] == pytest.approx(acc / (total / 10), rel=1e-12)


def test_blackpool_on_both_editions(fixture_data):
    m19 = dep.lad_measures(BLACKPOOL, 2019)
    m25 = dep.lad_measures(BLACKPOOL, 2025)
    for m, edition in ((m19, 2019), (m25, 2025)):
        assert set(m) == TOP_KEYS
        assert m["edition"] == edition and m["name"] == "Blackpool"
        assert set(m["imd"]) == set(dep.MEASURES)
        assert list(m["domains"]) == list(dep.DOMAINS)
        for key, d in m["domains"].items():
            assert set(d) == set(dep.MEASURES) | ({"scale"} if key in dep.SCALE_DOMAINS else set())
        json.dumps(m)  # JSON-ready
        for d in [m["imd"], *m["domains"].values()]:
            assert 0 <= d["proportion_lsoas_most_deprived_10pct"] <= 1 and 0 <= d["extent"] <= 1
            assert 1 <= d["average_rank"] <= dep.N_LSOAS[edition]
            assert d["average_rank"] <= d["local_concentration"] <= dep.N_LSOAS[edition]
    # 2019: no LSOA scores in the bundle -> null average scores, said so in the notes; no scale
    assert m19["imd"]["average_score"] is None
    assert all(d["average_score"] is None for d in m19["domains"].values())
    assert m19["domains"]["income"]["scale"] is None
    assert any("File 5" in n and "null" in n for n in m19["notes"])
    assert m25["imd"]["average_score"] is not None and m25["domains"]["employment"]["scale"] > 0
    # Blackpool was the most deprived LAD in England on IoD2019 average rank (and average score):
    # here, at least, its average rank is the highest of the four fixture districts, in both
    # editions.
    for edition in (2019, 2025):
        ranks = {lad: dep.lad_measures(lad, edition)["imd"]["average_rank"] for lad in LADS}
        assert max(ranks, key=ranks.get) == BLACKPOOL, (edition, ranks)


def test_lsoa_deprivation_columns_and_published_decile_boundary(fixture_data):
    for edition in dep.EDITIONS:
        df = dep.lsoa_deprivation(edition)
        assert list(df.columns[:4]) == ["lsoa_code", "lad_code", "lad_name", "population"]
        assert df["lsoa_code"].is_unique and set(LADS) <= set(df["lad_code"])
        for key in dep.KEYS:
            for suffix in ("rank", "decile", "score"):
                assert f"{key}_{suffix}" in df.columns
            p = dep.national_percentile(df[f"{key}_rank"], dep.N_LSOAS[edition])
            assert ((p <= 10) == (df[f"{key}_decile"] == 1)).all(), (edition, key)
        assert df["imd_score"].isna().all() == (edition == 2019)


def test_place_measures_custom_area_and_partially_unknown_codes(fixture_data):
    lsoas = dep.lad_lsoas(["E07000117", "E07000120"], 2025)
    both = dep.place_measures(lsoas, 2025)
    assert both["name"] == "Burnley, Hyndburn" and both["lsoa_count"] == len(lsoas)
    part = dep.place_measures(lsoas[:5] + ["E01999999"], 2025, name="Five and a typo")
    assert part["name"] == "Five and a typo" and part["lsoa_count"] == 5
    assert any("E01999999" in n for n in part["notes"])
    assert dep.place_measures(lsoas[:5], 2025)["name"] == "Custom area (5 LSOAs)"
    # duplicates and a comma-separated string are accepted
    assert dep.place_measures(",".join(lsoas[:3] + lsoas[:1]), 2025)["lsoa_count"] == 3


def test_unknown_lsoa_codes_are_named(fixture_data):
    with pytest.raises(PlaceError, match="E01999998.*E01999999"):
        dep.place_measures(["E01999998", "E01999999"], 2025)
    with pytest.raises(PlaceError):
        dep.place_measures([], 2025)
    # an LSOA 2021 code new in 2021 (from a split) given to the 2019 edition: named, with the hint
    bridge = _rows(fixture_data / "reference" / "lookup_lsoa11_lsoa21_lad22.csv")
    f1, _, _ = _raw_2019(fixture_data)
    new21 = sorted({r["lsoa21_code"] for r in bridge} - set(f1))
    assert new21, (
        "the fixtures should hold at least one LSOA 2021 code that is not an LSOA 2011 code"
    )
    with pytest.raises(PlaceError, match=f"{new21[0]}.*LSOA 2021 codes") as exc:
        dep.place_measures(new21, 2019)
    assert "edition 2025" in str(exc.value)


def test_unknown_lad_codes_are_named_with_suggestions(fixture_data):
    with pytest.raises(PlaceError) as exc:
        dep.lad_lsoas(["E07000121", "E07000117"], 2025)
    msg = str(exc.value)
    assert "'E07000121' is not an English LAD 2024 code" in msg and "'E07000117' is not" not in msg
    assert "did you mean" in msg  # close codes of the fixture districts
    with pytest.raises(PlaceError, match="LAD 2019"):
        dep.lad_lsoas("E07000999", 2019)
    with pytest.raises(PlaceError, match="England only"):
        dep.lad_lsoas("W06000001", 2025)
    with pytest.raises(PlaceError, match=r"did you mean E06000009 \(Blackpool\)"):
        dep.lad_lsoas("Blackpool", 2019)
    with pytest.raises(PlaceError, match="Unknown IoD edition"):
        dep.lad_lsoas("E06000009", 2015)
    assert dep.lad_names_2019("E06000009,E07000117") == "Blackpool, Burnley"


def test_iod2025_population_denominators_are_used_when_present(fixture_data, tmp_path, monkeypatch):
    shutil.copytree(fixture_data, tmp_path, dirs_exist_ok=True)
    codes = dep.lad_lsoas(BLACKPOOL, 2025)
    target = tmp_path / "reference" / "imd2025" / "File_6_IoD2025_Population_Denominators.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    every = dep.lsoa_deprivation(2025)["lsoa_code"].tolist()
    pops = {c: 1000 + 7 * i for i, c in enumerate(every)}
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "LSOA code (2021)",
                "LSOA name (2021)",
                "Total population: mid 2022 (excluding prisoners)",
            ]
        )
        for c in every:
            w.writerow([c, "x", f"{pops[c]:,}"])
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path))
    clear_anchorlib_caches()
    m = dep.lad_measures(BLACKPOOL, 2025)
    assert "IoD2025 File 6" in m["population_source"] and "mid 2022" in m["population_source"]
    assert m["population_denominator"] == "iod2025_file6"
    assert m["population"] == sum(pops[c] for c in codes)
    ranks = dict(zip(every, dep.lsoa_deprivation(2025)["imd_rank"]))
    want = sum(pops[c] * (33756 - ranks[c]) for c in codes) / m["population"]
    assert m["imd"]["average_rank"] == pytest.approx(want, rel=1e-12)


# ------------------------------------------------------------------------------------------
# Real data
# ------------------------------------------------------------------------------------------


def test_real_2019_all_317_lads_blackpool_most_deprived_on_average_rank(real_data):
    t = dep.lad_table(2019)
    assert len(t) == 317 and t["lad_code"].is_unique
    assert t["lsoa_count"].sum() == 32844
    assert t.sort_values("imd_average_rank", ascending=False)["lad_code"].iloc[0] == BLACKPOOL
    # IoD2019 statistical release: the five districts with the highest proportion of LSOAs in the
    # most deprived decile were Middlesbrough, Liverpool, Knowsley, Kingston upon Hull and
    # Manchester (this measure needs no population, so it must be reproduced exactly).
    top5 = t.sort_values("imd_proportion_lsoas_most_deprived_10pct", ascending=False)[
        "lad_name"
    ].head(5)
    assert top5.tolist() == [
        "Middlesbrough",
        "Liverpool",
        "Knowsley",
        "Kingston upon Hull, City of",
        "Manchester",
    ]
    t25 = dep.lad_table(2025)
    assert len(t25) == 296 and t25["lsoa_count"].sum() == 33755


def test_real_lad_codes_of_the_other_edition_are_explained(real_data):
    with pytest.raises(PlaceError) as exc:
        dep.lad_lsoas(
            "E06000063", 2019
        )  # Cumberland (2023) -> Allerdale, Carlisle, Copeland in 2019
    msg = str(exc.value)
    assert "LAD 2024 code of Cumberland" in msg
    assert all(c in msg for c in ("E07000026", "E07000028", "E07000029"))
    with pytest.raises(PlaceError, match="LAD 2019 code of Allerdale.*E06000063"):
        dep.lad_lsoas("E07000026", 2025)


def _mye2020_on_lsoa21():
    """ONS mid-2020 LSOA 2011 estimates carried to LSOA 2021: each LSOA 2011's people shared among
    its LSOA 2021 successors in proportion to their Census 2021 residents (exact for unchanged
    LSOAs)."""
    from anchorlib.data.census import population_lsoa21
    from anchorlib.data.geography import lsoa11_to_lsoa21
    from anchorlib.data.readers import read_source

    mye = read_source("population_mye2020_lsoa11", columns=["lsoa11_code", "total_population"])
    mye = mye.set_index("lsoa11_code")["total_population"]
    b = lsoa11_to_lsoa21()
    b = b[b["lsoa21_code"].str.startswith("E")]
    census = b["lsoa21_code"].map(population_lsoa21())
    share = census / census.groupby(b["lsoa11_code"]).transform("sum")
    return (b["lsoa11_code"].map(mye) * share).groupby(b["lsoa21_code"]).sum()


# Max absolute difference over all LADs, IMD, documented in docs/deprivation_measures.md.
SENSITIVITY_2019 = {"average_rank": 746.18, "extent": 0.01892, "local_concentration": 1190.29}
SENSITIVITY_2025 = {
    "average_score": 1.287,
    "average_rank": 904.14,
    "extent": 0.03016,
    "local_concentration": 388.59,
}


def test_real_population_sensitivity_of_the_weighted_measures(real_data):
    from anchorlib.data.readers import read_source

    mye = read_source("population_mye2020_lsoa11", columns=["lsoa11_code", "total_population"])
    base = dep.lad_table(2019)
    alt = dep.lad_table(2019, population=mye.set_index("lsoa11_code")["total_population"])
    diff19 = dep.measure_differences(base, alt).set_index(["key", "measure"])
    diff25 = dep.measure_differences(
        dep.lad_table(2025), dep.lad_table(2025, population=_mye2020_on_lsoa21())
    )
    diff25 = diff25.set_index(["key", "measure"])
    for diff, documented in ((diff19, SENSITIVITY_2019), (diff25, SENSITIVITY_2025)):
        # the proportion of LSOAs needs no population: identical whatever the denominators
        assert (
            diff.xs("proportion_lsoas_most_deprived_10pct", level="measure")["max_abs"] == 0
        ).all()
        for measure, value in documented.items():
            assert diff.loc[("imd", measure), "max_abs"] == pytest.approx(value, rel=1e-3), measure


def test_official_summary_file_is_read_with_its_rounding(fixture_data, tmp_path, monkeypatch):
    # A stand-in for MHCLG's File 10 (IMD sheet saved as CSV), headers as published (trailing
    # spaces, "Rank of ..." columns), values rounded as published: checks the reader and the
    # comparison rule.
    shutil.copytree(fixture_data, tmp_path, dirs_exist_ok=True)
    ours = dep.lad_table(2019).set_index("lad_code")
    target = (
        tmp_path
        / "reference"
        / "imd2019"
        / "File_10_-_IoD2019_Local_Authority_District_Summaries__lower-tier__IMD.csv"
    )
    header = [
        "Local Authority District code (2019)",
        "Local Authority District name (2019)",
        "IMD - Average rank ",
        "IMD - Rank of average rank ",
        "IMD - Proportion of LSOAs in most deprived 10% nationally ",
        "IMD - Rank of proportion of LSOAs in most deprived 10% nationally ",
        "IMD 2019 - Extent ",
        "IMD 2019 - Rank of extent ",
        "IMD 2019 - Local concentration ",
        "IMD 2019 - Rank of local concentration ",
    ]
    with open(target, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for code, r in ours.iterrows():
            w.writerow(
                [
                    code,
                    r["lad_name"],
                    f"{r['imd_average_rank']:,.2f}",
                    1,
                    f"{r['imd_proportion_lsoas_most_deprived_10pct']:.4f}",
                    1,
                    f"{r['imd_extent']:.4f}",
                    1,
                    f"{r['imd_local_concentration']:,.2f}",
                    1,
                ]
            )
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path))
    clear_anchorlib_caches()
    official = dep.read_official_lad_summaries(2019).set_index("lad_code")
    assert set(official.index) == set(ours.index)
    for m, dec in (
        ("average_rank", 2),
        ("proportion_lsoas_most_deprived_10pct", 4),
        ("extent", 4),
        ("local_concentration", 2),
    ):
        assert (official[f"{m}_decimals"] == dec).all()
        diff = (official[m] - ours.loc[official.index, f"imd_{m}"]).abs()
        assert (diff <= 0.5 * 10.0**-dec + 1e-9).all(), m
    assert "average_score" not in official.columns


def _rounding_tolerance(value: float, decimals: int) -> float:
    return 0.5 * 10.0**-decimals + 1e-9 * max(1.0, abs(value))


# Tolerances for 2025 when the IoD2025 denominators are absent (Census 2021 weights instead): the
# largest differences seen in the population sensitivity experiments above, with some headroom.
TOLERANCE_2025_CENSUS = {
    "average_score": 1.5,
    "average_rank": 1300.0,
    "extent": 0.045,
    "local_concentration": 2200.0,
}


@pytest.mark.parametrize("edition", dep.EDITIONS)
def test_real_official_lad_summaries_are_reproduced(real_data, edition):
    try:
        official = dep.read_official_lad_summaries(edition)
    except MissingSourceFileError:
        pytest.skip(
            f"MHCLG's IoD{edition} LA district summaries (source "
            f"'{dep.OFFICIAL_SUMMARY_SOURCES[edition]}') are not in the bundle; see "
            "docs/deprivation_measures.md for where to download them and where to put them"
        )
    exact_population = edition == 2019 or "File 6" in dep.population_source(2025)
    ours = dep.lad_table(edition).set_index("lad_code")
    assert set(official["lad_code"]) == set(ours.index)
    measures = [m for m in dep.MEASURES if m in official.columns]
    assert "proportion_lsoas_most_deprived_10pct" in measures
    failures = []
    for m in measures:
        if edition == 2019 and m == "average_score":
            continue  # no 2019 LSOA scores in the bundle
        for rec in official.itertuples(index=False):
            want, dec = getattr(rec, m), getattr(rec, f"{m}_decimals")
            have = ours.loc[rec.lad_code, f"imd_{m}"]
            if exact_population or m == "proportion_lsoas_most_deprived_10pct":
                tol = _rounding_tolerance(want, dec)
                if m == "average_score":
                    # LSOA scores are published to 3 decimals; MHCLG may average unrounded ones
                    tol += 0.0005
            else:
                tol = TOLERANCE_2025_CENSUS[m]
            if not abs(have - want) <= tol:
                failures.append(f"{rec.lad_code} {m}: published {want}, ours {have}")
    assert not failures, f"{len(failures)} mismatches:\n" + "\n".join(failures[:40])
