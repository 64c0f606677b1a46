"""Simulated demo data: real postcodes, stated proportions, stable draws, always labelled
simulated."""

from __future__ import annotations

import pytest

from anchorlib.config.places import classify_postcodes, place_from_codes
from anchorlib.demo.supplier_postcodes import SIMULATED, simulate_postcodes


@pytest.fixture
def hyndburn(fixture_data):
    return place_from_codes("E07000120")


def test_simulated_postcodes_are_real_and_in_their_stated_tier(hyndburn):
    sim = simulate_postcodes([f"S{i:04d}" for i in range(300)], hyndburn)
    assert (sim["source"] == SIMULATED).all()
    located = classify_postcodes(hyndburn, sim["postcode"])
    assert (located["status"] == "live").all()
    assert located["tier"].tolist() == sim["tier"].tolist()


def test_shares_are_honoured(hyndburn):
    sim = simulate_postcodes(
        [f"S{i}" for i in range(4000)],
        hyndburn,
        shares={"place": 0.5, "wider": 0.3, "rest_of_uk": 0.2},
    )
    got = sim["tier"].value_counts(normalize=True)
    assert got["place"] == pytest.approx(0.5, abs=0.03)
    assert got["wider"] == pytest.approx(0.3, abs=0.03)
    assert got["rest_of_uk"] == pytest.approx(0.2, abs=0.03)


def test_draws_are_stable_when_ids_are_added(hyndburn):
    a = simulate_postcodes(["S1", "S2", "S3"], hyndburn)
    b = simulate_postcodes(["S0", "S3", "S2", "S1", "S9"], hyndburn).set_index("id")
    assert b.loc[a["id"], "postcode"].tolist() == a["postcode"].tolist()
    ids = [f"S{i}" for i in range(50)]
    assert (
        simulate_postcodes(ids, hyndburn, seed=1)["postcode"].tolist()
        != simulate_postcodes(ids, hyndburn)["postcode"].tolist()
    )


@pytest.mark.parametrize(
    "shares, message", [({"place": 0.5, "moon": 0.5}, "moon"), ({"place": 0.5}, "sum to 1")]
)
def test_bad_shares(hyndburn, shares, message):
    with pytest.raises(ValueError, match=message):
        simulate_postcodes(["S1"], hyndburn, shares=shares)
