"""The workforce report's tables, charts' data and reading: hand-worked examples on a small made-up
asset.

The asset is written as ``anchor run`` writes it (outputs/<id>/data/workforce/*.csv and meta.json,
empty cells = suppressed) and read back with read_workforce_asset; no reference data and no staff
data are needed.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT

from anchorlib.core.errors import AnchorError
from anchorlib.indicators.workforce import PUBLISHED_TABLES
from anchorlib.reports import workforce as wr
from anchorlib.reports import workforce_charts as wc

C = wr.SUPPRESSED

TABLES = {
    "summary": "anchor,year,staff,in_place_share,pay_in_place_share,deprived_share,rlw_share,"
    """starters,impact_hire_share,data
a,2024-25,120,0.5,0.45,0.25,0.9,20,0.25,simulated
b,2024-25,40,0.755,,0.1,,15,,simulated
combined,2024-25,160,0.564,0.5,0.205,0.875,35,0.143,simulated
""",
    "staff_by_tier": """anchor,tier,headcount,headcount_share,fte,pay,pay_share,data
a,place,60,0.5,55.5,1500000,0.45,simulated
a,wider,45,0.375,40.0,1200000,0.36,simulated
a,rest_of_uk,,,,,,simulated
a,unknown,,,,,,simulated
b,place,30,0.755,30.0,,,simulated
b,wider,10,0.245,10.0,,,simulated
b,rest_of_uk,0,0.0,0.0,0,0.0,simulated
b,unknown,0,0.0,0.0,0,0.0,simulated
combined,place,90,0.564,85.5,2000000,0.5,simulated
combined,wider,55,0.344,50.0,1500000,0.375,simulated
combined,rest_of_uk,,,,,,simulated
combined,unknown,,,,,,simulated
a,Total,120,1.0,110.2,3333000,1.0,simulated
b,Total,40,1.0,40.0,667000,1.0,simulated
combined,Total,160,1.0,150.2,4000000,1.0,simulated
""",
    "staff_within_tier": """anchor,tier,headcount,headcount_share,fte,pay,pay_share,data
a,place,60,0.5,55.5,1500000,0.45,simulated
a,wider,105,0.875,95.5,2700000,0.81,simulated
b,place,30,0.755,30.0,,,simulated
b,wider,40,1.0,40.0,667000,1.0,simulated
combined,place,90,0.564,85.5,2000000,0.5,simulated
combined,wider,145,0.906,135.5,3500000,0.875,simulated
""",
    "staff_by_decile": """anchor,imd25_decile,headcount,headcount_share,fte,pay,pay_share,data
a,1,30,0.25,28.0,700000,0.21,simulated
a,no_imd,,,,,,simulated
a,unknown,,,,,,simulated
a,Total,120,1.0,110.2,3333000,1.0,simulated
b,1,,,,,,simulated
b,Total,40,1.0,40.0,667000,1.0,simulated
combined,1,35,0.212,33.0,800000,0.2,simulated
combined,Total,160,1.0,150.2,4000000,1.0,simulated
""",
    "deprived": """anchor,deciles,headcount,headcount_share,fte,pay,pay_share,data
a,1-2,30,0.25,28.0,700000,0.21,simulated
b,1-2,,0.1,,,,simulated
combined,1-2,35,0.212,33.0,800000,0.2,simulated
""",
    "rlw": """anchor,year,rlw_uk,rlw_london,staff,at_or_above,below,share_at_or_above,data
a,2024-25,12.6,13.85,120,110,10,0.9,simulated
b,2024-25,12.6,13.85,40,,,,simulated
combined,2024-25,12.6,13.85,160,140,20,0.875,simulated
""",
    "impact_hires": "anchor,year,starters,deprived,not_deprived,no_decile,deprived_share,target,"
    """meets_target,data
a,2024-25,20,5,15,0,0.25,0.1,True,simulated
b,2024-25,15,,,,,0.1,,simulated
combined,2024-25,35,5,25,,0.143,0.1,True,simulated
""",
}

META = {
    "status": "built",
    "year": "2024-25",
    "reference_date": "2025-03-31",
    "place": "Hyndburn",
    "tiers": ["place", "wider", "rest_of_uk"],
    "local_tier": "place",
    "deprived_deciles": [1, 2],
    "disclosure": {"threshold": 10, "rounding": 5, "pay_rounding": 1000, "dominance": 0.5},
    "rlw": {
        "basis": "announced",
        "uk": 12.6,
        "london": 13.85,
        "source": {
            "attribution": "Real Living Wage rates: Living Wage Foundation, livingwage.org.uk"
        },
    },
    "hours_convention": "hourly rate = FTE annual pay / (37.5 h x 365/7 weeks) when not given",
    "impact_hire_target": 0.1,
    "anchors": ["a", "b"],
    "staff_data": {"a": "simulated", "b": "simulated", "c": "none"},
    "anchors_without_staff": ["c"],
}
NAMES = {"a": "Anchor A", "b": "Anchor B", "c": "Anchor C", "combined": "All anchors combined"}
GROUPS = ["a", "b", "combined"]


def _collab(tmp_path: Path):
    anchors = [SimpleNamespace(id=k, name=v) for k, v in NAMES.items() if k != "combined"]
    return SimpleNamespace(
        id="hand",
        path=tmp_path / "hand.yml",
        anchors=anchors,
        spec=SimpleNamespace(name="Hand collaborative"),
        output_dir=lambda root=None: Path(root) / "hand",
    )


def _write(tmp_path: Path, meta: dict = META, tables: dict = TABLES) -> Path:
    folder = tmp_path / "out" / "hand" / "data" / "workforce"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text)
    (folder / "meta.json").write_text(json.dumps(meta))
    return tmp_path / "out"


@pytest.fixture
def asset(tmp_path):
    return wr.read_workforce_asset(_collab(tmp_path), _write(tmp_path))


@pytest.fixture
def w(tmp_path, asset):
    return wr.workforce_report(_collab(tmp_path), asset)


# --------------------------------------------------------------------------- reading the asset


def test_the_asset_is_read_with_suppressed_figures_as_missing(asset):
    assert set(asset) == {"meta", *PUBLISHED_TABLES}
    s = asset["summary"]
    assert str(s["staff"].dtype) == "Int64" and str(s["rlw_share"].dtype) == "Float64"
    assert s["staff"].tolist() == [120, 40, 160]
    assert s["pay_in_place_share"].isna().tolist() == [False, True, False]
    hires = asset["impact_hires"]
    assert hires["meets_target"].tolist()[0] is True and pd.isna(hires["meets_target"].iloc[1])
    assert asset["staff_by_decile"]["imd25_decile"].tolist()[:4] == [
        "1",
        "no_imd",
        "unknown",
        "Total",
    ]


def test_a_missing_or_skipped_asset(tmp_path):
    c = _collab(tmp_path)
    with pytest.raises(AnchorError, match="no workforce aggregates yet: `anchor run"):
        wr.read_workforce_asset(c, tmp_path / "nothing")
    skipped = {
        "status": "skipped",
        "note": "No workforce figures: no anchor has a staff extract.",
        "staff_data": {"a": "none", "b": "none", "c": "none"},
    }
    a = wr.read_workforce_asset(c, _write(tmp_path, skipped, {}))
    assert a == {"meta": skipped}
    w = wr.workforce_report(c, a)
    assert not w.available and w.groups == [] and wr.workforce_reading(w) == [skipped["note"]]
    assert w.staff_data.to_dict("list") == {
        "anchor": ["Anchor A", "Anchor B", "Anchor C"],
        "staff data": ["none: no staff extract, not in these figures"] * 3,
    }


# --------------------------------------------------------------------------- words and cells


def test_cells_words_and_labels():
    assert wr._cell(pd.NA) == C and wr._cell(None) == C and wr._cell(float("nan")) == C
    assert wr._cell(0.537, percent=True) == 53.7 and wr._cell(0.1, percent=True) == 10.0
    v = wr._cell(np.int64(5))
    assert v == 5 and type(v) is int
    assert wr._cell(True) == "yes" and wr._cell(np.bool_(False)) == "no"
    assert wr.tier_label("place", "Hyndburn", "place") == "in Hyndburn"
    assert wr.tier_label("wider", "Hyndburn", "place") == "in the wider area"
    assert wr.tier_label("rest_of_uk", "Hyndburn", "place") == "elsewhere in the UK"
    assert wr.tier_label("unknown", "Hyndburn", "place") == "home postcode missing or not valid"
    assert wr.tier_label("Total", "Hyndburn", "place") == "all staff"
    assert wr.tier_label("county", "Hyndburn", "place") == "in tier 'county'"
    assert wr.band_label([1, 2]) == "the most deprived 20% of neighbourhoods in England"
    assert wr.band_label([1], short=True) == "most deprived 10%"
    assert wr.band_label([1, 3]) == "neighbourhoods in IMD 2025 deciles 1, 3"
    assert wr.band_label([3, 1], short=True) == "IMD deciles 1, 3"
    assert (
        wr.group_name("combined", NAMES) == "All anchors combined"
        and wr.group_name("a", NAMES) == "Anchor A"
    )
    assert (
        wr._p(0.755) == "76%"
        and wr._p(0.745) == "75%"
        and wr._p(0.038) == "3.8%"
        and wr._p(pd.NA) == "a suppressed share"
    )
    assert wr._n(7025) == "7,025" and wr._n(pd.NA) == "a suppressed number of"
    assert wr.date_words("2025-03-31") == "31 March 2025"


# --------------------------------------------------------------------------- the tables, by hand


def test_summary_table(asset):
    t = wr.summary_table(asset["summary"], GROUPS, NAMES, "Hyndburn", "place", [1, 2])
    assert t.columns.tolist() == [
        "anchor",
        "staff in post (people)",
        "living in Hyndburn (%)",
        "pay going to staff living in Hyndburn (%)",
        "living in the most deprived 20% of neighbourhoods (%)",
        "paid at or above the Real Living Wage (%)",
        "starters in the year (people)",
        "starters from the most deprived 20% (%)",
        "data",
    ]
    assert t.values.tolist() == [
        ["Anchor A", 120, 50.0, 45.0, 25.0, 90.0, 20, 25.0, "simulated"],
        ["Anchor B", 40, 75.5, C, 10.0, C, 15, C, "simulated"],
        ["All anchors combined", 160, 56.4, 50.0, 20.5, 87.5, 35, 14.3, "simulated"],
    ]
    # one anchor, and the order of groups is the order asked for
    assert wr.summary_table(asset["summary"], ["b"], NAMES, "Hyndburn", "place", [1, 2])[
        "anchor"
    ].tolist() == ["Anchor B"]
    assert wr.summary_table(asset["summary"], ["combined", "a"], NAMES, "H", "place", [1])[
        "anchor"
    ].tolist() == ["All anchors combined", "Anchor A"]


def test_tier_and_within_tables(asset):
    t = wr.tier_table(asset["staff_by_tier"], GROUPS, NAMES, "Hyndburn", "place")
    assert t.columns.tolist() == [
        "anchor",
        "where staff live",
        "staff in post (people)",
        "share of staff (%)",
        "full-time equivalent (FTE)",
        "pay (£)",
        "share of pay (%)",
    ]
    a = t[t["anchor"] == "Anchor A"]
    assert a.values.tolist() == [
        ["Anchor A", "in Hyndburn", 60, 50.0, 55.5, 1500000, 45.0],
        ["Anchor A", "in the wider area", 45, 37.5, 40.0, 1200000, 36.0],
        ["Anchor A", "elsewhere in the UK", C, C, C, C, C],
        ["Anchor A", "home postcode missing or not valid", C, C, C, C, C],
        ["Anchor A", "all staff", 120, 100.0, 110.2, 3333000, 100.0],
    ]
    assert t[t["anchor"] == "Anchor B"]["pay (£)"].tolist() == [C, C, 0, 0, 667000]
    assert (
        t["anchor"].tolist() == ["Anchor A"] * 5 + ["Anchor B"] * 5 + ["All anchors combined"] * 5
    )
    within = wr.within_table(
        asset["staff_within_tier"],
        GROUPS,
        NAMES,
        "Hyndburn",
        "place",
        ["place", "wider", "rest_of_uk"],
    )
    assert within["staff living"].tolist() == ["in Hyndburn", "in Hyndburn or the wider area"] * 3
    assert within["share of staff (%)"].tolist() == [50.0, 87.5, 75.5, 100.0, 56.4, 90.6]


def test_decile_and_deprived_tables(asset):
    t = wr.decile_table(asset["staff_by_decile"], ["a"], NAMES)
    assert t["IMD 2025 decile of the home neighbourhood"].tolist() == [
        "1 (most deprived 10%)",
        "no English IMD decile (outside England, or neighbourhood not known)",
        "home postcode missing or not valid",
        "all staff",
    ]
    assert t["staff in post (people)"].tolist() == [30, C, C, 120]
    d = wr.deprived_table(asset["deprived"], GROUPS, NAMES, [1, 2])
    assert d.values.tolist()[1] == [
        "Anchor B",
        "the most deprived 20% (deciles 1-2)",
        C,
        10.0,
        C,
        C,
        C,
    ]
    assert d["staff living in"].tolist()[0] == "the most deprived 20% (deciles 1-2)"


def test_rlw_table(asset):
    t = wr.rlw_table(asset["rlw"], GROUPS, NAMES)
    assert t.columns.tolist() == [
        "anchor",
        "Real Living Wage, UK (£ per hour)",
        "Real Living Wage, London (£ per hour)",
        "staff in post (people)",
        "paid at or above (people)",
        "paid below (people)",
        "paid at or above (%)",
    ]
    assert t.values.tolist() == [
        ["Anchor A", 12.6, 13.85, 120, 110, 10, 90.0],
        ["Anchor B", 12.6, 13.85, 40, C, C, C],
        ["All anchors combined", 12.6, 13.85, 160, 140, 20, 87.5],
    ]


def test_impact_hire_table(asset):
    t = wr.impact_hire_table(asset["impact_hires"], GROUPS, NAMES, [1, 2])
    assert t.columns.tolist() == [
        "anchor",
        "starters (people)",
        "from the most deprived 20% (people)",
        "from other English neighbourhoods (people)",
        "home outside England or not known (people)",
        "from the most deprived 20% (%)",
        "target (%)",
        "meets the target",
    ]
    assert t.values.tolist() == [
        ["Anchor A", 20, 5, 15, 0, 25.0, 10.0, "yes"],
        ["Anchor B", 15, C, C, C, C, 10.0, C],
        ["All anchors combined", 35, 5, 25, C, 14.3, 10.0, "yes"],
    ]


def test_staff_data_table_and_suppressed_count(asset):
    t = wr.staff_data_table(META, NAMES, ["a", "c"])
    assert t.values.tolist() == [
        ["Anchor A", "simulated extract (demo)"],
        ["Anchor C", "none: no staff extract, not in these figures"],
    ]
    assert wr.staff_data_table({"staff_data": {"a": "extract"}}, NAMES)["staff data"].tolist() == [
        "staff extract supplied by the anchor"
    ]
    assert (
        wr.count_suppressed([pd.DataFrame({"x": [1, C, C], "y": ["c", "d", 3]}), pd.DataFrame()])
        == 3
    )
    # summary: 3 (Anchor B); impact hires: 5 (B) + 1 (combined no_decile)
    assert (
        wr.count_suppressed(
            [
                wr.summary_table(asset["summary"], GROUPS, NAMES, "H", "place", [1, 2]),
                wr.impact_hire_table(asset["impact_hires"], GROUPS, NAMES, [1, 2]),
            ]
        )
        == 9
    )


# --------------------------------------------------------------------------- the report


def test_the_report_every_anchor_and_combined(w):
    assert w.available and w.groups == GROUPS and w.headline == "combined"
    assert w.year == "2024-25" and w.reference_date == "2025-03-31" and w.place == "Hyndburn"
    assert w.simulated and w.without_staff == ["c"]
    assert w.summary["anchor"].tolist() == ["Anchor A", "Anchor B", "All anchors combined"]
    assert w.staff_data["anchor"].tolist() == ["Anchor A", "Anchor B", "Anchor C"]
    # suppressed figures shown: summary 3 (b); tiers 10 (a) + 4 (b pay) + 10 (combined); within 2 (b
    # pay);
    # deciles 10 (a) + 5 (b); deprived 4 (b); rlw 3 (b); impact hires 5 (b) + 1 (combined)
    assert w.suppressed == 3 + 24 + 2 + 15 + 4 + 3 + 6


def test_the_report_for_one_anchor(tmp_path, asset):
    c = _collab(tmp_path)
    w = wr.workforce_report(c, asset, anchor="a")
    assert w.groups == ["a"] and w.headline == "a" and w.without_staff == []
    assert w.summary["anchor"].tolist() == ["Anchor A"] and set(w.by_tier["anchor"]) == {"Anchor A"}
    assert w.raw["summary"]["anchor"].tolist() == ["a"]
    none = wr.workforce_report(c, asset, anchor="c")
    assert not none.available and "No workforce figures for Anchor C" in none.note
    with pytest.raises(AnchorError, match="anchor 'zz' is not in"):
        wr.workforce_report(c, asset, anchor="zz")


def test_one_anchor_collaborative_has_no_combined(tmp_path):
    tables = {
        k: "\n".join(line for line in v.splitlines() if not line.startswith(("b,", "combined,")))
        + "\n"
        for k, v in TABLES.items()
    }
    meta = {**META, "anchors": ["a"], "staff_data": {"a": "extract", "b": "none", "c": "none"}}
    c = _collab(tmp_path)
    w = wr.workforce_report(c, wr.read_workforce_asset(c, _write(tmp_path, meta, tables)))
    assert w.groups == ["a"] and w.headline == "a" and w.summary["anchor"].tolist() == ["Anchor A"]
    assert w.without_staff == ["b", "c"]
    assert (
        wr.workforce_reading(w)[0]
        == "Anchor A had 120 staff in post on 31 March 2025 (counts rounded to the "
        "nearest 5)."
    )


# --------------------------------------------------------------------------- charts


def test_chart_series_and_alt_text(w):
    labels, series = wc.chart_series(
        w.by_tier, "where staff live", "share of staff (%)", skip=["all staff"]
    )
    assert labels == [
        "in Hyndburn",
        "in the wider area",
        "elsewhere in the UK",
        "home postcode missing or not valid",
    ]
    assert series == {
        "Anchor A": [50.0, 37.5, C, C],
        "Anchor B": [75.5, 24.5, 0.0, 0.0],
        "All anchors combined": [56.4, 34.4, C, C],
    }
    one = {"Anchor A": [50.0, C]}
    assert (
        wc.chart_alt(["in Hyndburn", "elsewhere"], one, "Bar chart")
        == "Bar chart: in Hyndburn 50.0%; elsewhere suppressed."
    )
    # percents round half up everywhere (anchorlib.core.fmt): 1.25% reads 1.3%
    assert wc.chart_alt(["x"], {"A": [1.25], "B": [C]}, "P") == "P: x: A 1.3%, B suppressed."


def test_share_chart_never_draws_a_suppressed_figure_as_zero(w):
    import matplotlib.pyplot as plt

    fig = wc.share_chart(
        ["x", "y", "z"],
        {"A": [50.0, C, 0.0]},
        title="t",
        xlabel="share (%)",
        reference=10,
        reference_label="even",
    )
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert texts[:3] == [" 50.0%", " c (suppressed)", " 0.0%"] and " even" in texts
    assert [round(p.get_width(), 6) for p in ax.patches] == [50.0, 0.0, 0.0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "y", "z"]
    plt.close(fig)
    fig = wc.share_chart(["x"], {"A": [1.0], "B": [pd.NA]}, title="t", xlabel="x")
    assert [t.get_text() for t in fig.axes[0].texts] == [" 1.0%", " c (suppressed)"]
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["A", "B"]
    plt.close(fig)


# --------------------------------------------------------------------------- the reading


def test_the_reading_is_made_from_the_figures(w):
    assert wr.workforce_reading(w) == [
        "The 2 anchors together had 160 staff in post on 31 March 2025 (counts rounded to the "
        "nearest 5).",
        "These staff are simulated for this demo (seeded, homes drawn from real postcodes around "
        "each anchor's "
        "sites): the figures illustrate the method and say nothing about the real staff of these "
        "employers.",
        "56% of staff live in Hyndburn, and 50% of the pay goes to them; 91% live in Hyndburn or "
        "the wider area.",
        "By anchor, the share living in Hyndburn runs from 50% (Anchor A) to 76% (Anchor B).",
        "21% of staff live in the most deprived 20% of neighbourhoods in England: about the 20% "
        "an even spread "
        "across England would give.",
        "88% of staff in post are paid at or above the Real Living Wage (£12.60 an hour, the "
        "rate announced for "
        "2024-25; £13.85 for work in London); 20 are paid below it.",
        "Of the 35 people who joined in 2024-25, 14% came from the most deprived 20% of "
        "neighbourhoods in "
        "England: meeting the Healthcare Anchor Network's goal of at least 10% (impact hires).",
        "Every anchor meets it (Anchor B: suppressed).",
        "57 figures in the tables are suppressed (shown as c): each counts fewer than 10 people, "
        "or would let "
        "such a count be worked out from the others.",
        "No staff data for Anchor C: it is not in these figures, nor in the combined figure.",
    ]


def test_the_reading_of_one_anchor_with_suppressed_headlines(tmp_path, asset):
    w = wr.workforce_report(_collab(tmp_path), asset, anchor="b")
    text = wr.workforce_reading(w)
    assert (
        text[0]
        == "Anchor B had 40 staff in post on 31 March 2025 (counts rounded to the nearest 5)."
    )
    assert (
        text[2]
        == "76% of staff live in Hyndburn, and a suppressed share of the pay goes to them; 100% "
        "live in "
        "Hyndburn or the wider area."
    )
    assert (
        "10% of staff live in the most deprived 20% of neighbourhoods in England: less than the "
        "20% an even "
        "spread across England would give." in text
    )
    assert (
        "a suppressed share of staff in post are paid at or above the Real Living Wage (£12.60 "
        "an hour, the rate "
        "announced for 2024-25; £13.85 for work in London)." in text
    )
    assert (
        "The share of the 15 starters in 2024-25 who came from the most deprived 20% of "
        "neighbourhoods in "
        "England is suppressed." in text
    )
    assert not any(t.startswith("By anchor") or t.startswith("Every anchor") for t in text)


def test_an_anchor_short_of_the_impact_hire_goal_is_named(tmp_path):
    tables = dict(TABLES)
    tables["summary"] = TABLES["summary"].replace(
        "a,2024-25,120,0.5,0.45,0.25,0.9,20,0.25", "a,2024-25,120,0.5,0.45,0.25,0.9,20,0.05"
    )
    c = _collab(tmp_path)
    text = wr.workforce_reading(
        wr.workforce_report(c, wr.read_workforce_asset(c, _write(tmp_path, META, tables)))
    )
    assert "Anchor A falls short of it (Anchor B: suppressed)." in text


def test_a_half_percent_rounds_up_in_the_reading(tmp_path):
    """12.5% reads 13% (rounded half up, anchorlib.core.fmt) as in the spend reports; 14.5% reads
    15% although 100 * 0.145 is 14.4999... in binary."""
    tables = dict(TABLES)
    tables["summary"] = TABLES["summary"].replace(
        "combined,2024-25,160,0.564,0.5,", "combined,2024-25,160,0.125,0.145,"
    )
    c = _collab(tmp_path)
    text = wr.workforce_reading(
        wr.workforce_report(c, wr.read_workforce_asset(c, _write(tmp_path, META, tables)))
    )
    assert text[2].startswith("13% of staff live in Hyndburn, and 15% of the pay goes to them;")


def test_disclosure_note_sources_and_rlw_note(w):
    note = wr.disclosure_note(w)
    assert note.startswith("**c = suppressed.**")
    assert "A count of 1 to 9 people is never shown" in note
    assert (
        "more than 50% of it" in note
        and "counts to the nearest 5, pay to the nearest £1,000" in note
    )
    catalogue = yaml.safe_load((ROOT / "data" / "sources.yml").read_text())
    ids = {s["id"] for s in catalogue["sources"]}
    assert (
        set(wr.sources(w)) <= ids and "imd2025" in wr.sources(w) and "onspd_lookup" in wr.sources(w)
    )
    assert wr.rlw_source_note(w) == (
        "Rates: Real Living Wage rates: Living Wage Foundation, livingwage.org.uk. Basis: "
        "announced (the rate "
        "labelled with the financial year); hourly rate = FTE annual pay / (37.5 h x 365/7 "
        "weeks) when not given. "
        "The London rate applies to staff working in London."
    )
