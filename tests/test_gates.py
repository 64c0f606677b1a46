"""Coverage gates (step 7, items 8 and 20): hand-worked examples."""

from __future__ import annotations

import pytest

from anchorlib.config.collaborative import IndicatorSettings
from anchorlib.indicators.gates import located_gate, type_gate


def test_located_gate_passes_at_and_above_the_threshold():
    # £80 of £100 located: 80 / 100 = 0.8 >= 0.8, presented as the position
    got = located_gate(80 / 100, 0.8)
    assert got == {
        "passed": True,
        "coverage": 0.8,
        "threshold": 0.8,
        "reason": None,
        "sentence": None,
    }
    assert located_gate(1.0, 0.8)["passed"]


def test_located_gate_below_the_threshold_states_the_located_share_first():
    # £45 of £100 located: 0.45 < 0.8
    got = located_gate(45 / 100, 0.8)
    assert not got["passed"] and got["reason"] == "below_threshold"
    assert got["sentence"].startswith("Only 45.0% of the spend has a located supplier")
    assert "below the 80.0% needed" in got["sentence"]
    assert "not the partnership's position" in got["sentence"]


def test_located_gate_rounds_down_so_just_below_never_reads_as_the_threshold():
    # 0.7996 < 0.8: one decimal rounded down reads 79.9%, not 80.0%
    got = located_gate(0.7996, 0.8)
    assert not got["passed"]
    assert got["sentence"].startswith("Only 79.9% ")


def test_located_gate_at_zero_says_nobody_is_located_and_how_to_fix_it():
    # the Bradford / Wakefield case: a register with no postcodes, 0 / £X located
    got = located_gate(0.0, 0.8)
    assert not got["passed"] and got["reason"] == "none_covered"
    s = got["sentence"]
    assert s.startswith("No supplier is located yet (0% of the spend)")
    assert "postcodes to the supplier register" in s
    assert "anchor suppliers enrich" in s


def test_located_gate_without_spend_is_not_passed():
    got = located_gate(None, 0.8)
    assert not got["passed"] and got["reason"] == "no_spend"


def test_gate_threshold_must_be_a_fraction():
    with pytest.raises(ValueError, match="0-1"):
        located_gate(0.5, 80)


def test_type_gate_shows_the_coverage_when_too_low():
    # types known for £600 of £1,000: 0.6 < 0.8, the SME / VCSE share is withheld
    got = type_gate(600 / 1000, 0.8)
    assert not got["passed"]
    assert got["sentence"].startswith("Only 60.0% of the spend has a supplier of known type")
    assert type_gate(900 / 1000, 0.8)["passed"]
    assert type_gate(0.0, 0.8)["sentence"].startswith("No supplier has a known type yet")


def test_settings_default_to_eighty_percent_and_refuse_out_of_range():
    s = IndicatorSettings()
    assert s.min_located_share == 0.8 and s.min_type_coverage == 0.8
    with pytest.raises(ValueError):
        IndicatorSettings(min_located_share=80)
