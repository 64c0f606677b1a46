"""The coverage section of the anchor spend page (anchorlib.reports.coverage; step 7, item 11), on
the hand-built ledgers of tests/test_coverage.py."""

from __future__ import annotations

from test_collective import make_collab
from test_coverage import A22, A23, _ledger, _months

from anchorlib.reports.coverage import coverage_section


def _rename(lines, a):
    return [(a, *r[1:]) for r in lines]


def test_the_anchor_coverage_table_and_its_sentences():
    collab = make_collab()  # anchors c, p, f; baseline 2022-23
    # c: A22 (12 months, from £250, net) and A23 (12 months, every line, net + unknown);
    # f: 2022-23 without December, £600 lines, gross
    f22 = [("f", "2022-23", m, 600, "gross") for m in _months("2022-23") if m != "2022-12"]
    led = _ledger(_rename(A22 + A23, "c") + f22)
    sec = coverage_section(collab, led, "c")
    t = sec.table.set_index("financial year")
    assert list(t.index) == ["2022-23", "2023-24"] and "anchor" not in sec.table.columns
    assert t.loc["2022-23", "months covered (months)"] == 12
    assert t.loc["2022-23", "smallest payment (£.p)"] == 300
    assert round(t.loc["2022-23", "lines under £500 (%)"], 4) == round(100 / 12, 4)
    assert t.loc["2022-23", "publication threshold seen"] == "from £250"
    assert t.loc["2022-23", "VAT basis"] == "net of VAT"
    assert t.loc["2022-23", "compared with the baseline year 2022-23"] == "baseline year"
    assert t.loc["2023-24", "compared with the baseline year 2022-23"] == (
        "no: threshold £250 and over in 2022-23, every line in 2023-24; "
        "VAT basis unknown in 2023-24"
    )
    assert t.loc["2023-24", "VAT basis"] == "unknown (the column read does not say)"
    assert any("different thresholds" in s and "common_threshold" in s for s in sec.sentences)
    assert any("net of VAT in 2022-23; unknown" in s for s in sec.sentences)
    sec = coverage_section(collab, led, "f")
    r = sec.table.iloc[0]
    assert r["months missing"] == "2022-12" and not r["full year"]
    assert r["compared with the baseline year 2022-23"].startswith("no: 2022-23 has 11 of 12")
    assert sec.sentences[0].startswith("Testshire Fire")  # f's name
    assert "11 of 12 months published (missing 2022-12)" in sec.sentences[0]
    # every anchor: an anchor column, the collaborative's order (c before f)
    both = coverage_section(collab, led)
    assert list(both.table["anchor"].drop_duplicates()) == [
        collab.spec.anchors[0].name,
        collab.spec.anchors[2].name,
    ]
    # a common threshold of £500: the band analysed is £500 for c's 2022-23
    collab.spec.indicators.common_threshold = 500
    t = coverage_section(collab, led, "c").table.set_index("financial year")
    assert t.loc["2022-23", "analysed"] == "£500 and over"
