"""Simulated data for the demo, drawn from real geography and always labelled simulated.

Published ledgers carry no supplier addresses, so the demo collaborative
cannot place its suppliers from real data.  This module fills the gaps by a
seeded simulation: each supplier without a postcode gets a real, live postcode
drawn from one tier of the place in stated proportions.  Every value made here
is marked ``simulated``; a real postcode, where a source has one, always wins.

The draw for a supplier depends only on the seed and its id, so adding a new
supplier never moves the simulated postcode of an existing one.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
import pandas as pd

from anchorlib.config.places import Place, classify_lsoas
from anchorlib.data.postcodes import postcode_index

SEED = 20261127
#: Share of simulated suppliers placed in each tier (the place, its wider region, elsewhere in the
#: UK).  Roughly the spend geography CLES reports for local-authority anchors before any local-spend
#: work.
SUPPLIER_TIER_SHARES = {"place": 0.35, "wider": 0.25, "rest_of_uk": 0.40}
SIMULATED = "simulated"


def stable_int(*parts: object) -> int:
    """A stable 64-bit integer of ``parts`` (blake2b of their text): the per-item seed of a draw,
    the same in every run and on every machine."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


@lru_cache(maxsize=4)
def live_postcodes_by_tier(place: Place) -> dict[str, np.ndarray]:
    """Live postcodes (pcds) of each tier ring of the place; UK postcodes outside England and Wales
    are in the outermost ``everywhere`` tier."""
    idx = postcode_index()
    live = idx[(idx["status"] == "live") & (idx["usertype"] == "0")]
    tier = pd.Series(
        classify_lsoas(place, live["lsoa21_code"].astype("str").fillna("")).to_numpy(),
        index=live.index,
    )
    outer = next((t.name for t in place.tiers if t.everywhere), None)
    if outer is not None:
        tier[live["lsoa21_code"].isna() & (live["lsoa21_method"] == "outside_ew")] = outer
    pcds = live["pcds"].astype("str").to_numpy()
    return {
        name: np.sort(pcds[(tier == name).to_numpy()])
        for name in place.tier_names
        if name != "unknown"
    }


def simulate_postcodes(
    ids: pd.Series | list[str],
    place: Place,
    shares: dict[str, float] | None = None,
    seed: int = SEED,
) -> pd.DataFrame:
    """A simulated real postcode for each id: columns ``id``, ``postcode``, ``tier``, ``source`` =
    simulated.

    ``shares`` maps tier names of the place to the share of ids drawn from
    each (default :data:`SUPPLIER_TIER_SHARES`); they must sum to 1.
    """
    shares = dict(shares or SUPPLIER_TIER_SHARES)
    unknown = set(shares) - set(place.tier_names)
    if unknown:
        raise ValueError(
            f"shares name tiers the place does not have: {sorted(unknown)}; "
            f"its tiers: {place.tier_names[:-1]}"
        )
    if abs(sum(shares.values()) - 1) > 1e-9:
        raise ValueError(f"shares must sum to 1, got {sum(shares.values())}")
    pools = live_postcodes_by_tier(place)
    names = list(shares)
    cum = np.cumsum([shares[n] for n in names])
    rows = []
    for i in pd.Series(ids, dtype="str"):
        rng = np.random.default_rng([seed, stable_int(i)])
        tier = names[int(np.searchsorted(cum, rng.random(), side="right").clip(max=len(names) - 1))]
        pool = pools[tier]
        rows.append(
            {
                "id": i,
                "postcode": pool[rng.integers(len(pool))] if len(pool) else None,
                "tier": tier,
                "source": SIMULATED,
            }
        )
    return pd.DataFrame(rows, columns=["id", "postcode", "tier", "source"])
