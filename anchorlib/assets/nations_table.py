"""The comparison tables of every local authority in the UK, one per nation, each on its own index.

England's 296 districts on IMD 2025, Wales's 22 authorities on WIMD 2019, Scotland's 32 council
areas on SIMD 2020 and Northern Ireland's 11 districts on NIMDM 2017: 361, the districts of
``lad24.geojson``.  Each district is ranked **within its own nation only** (1 = most deprived of
that nation's districts on the measure): the indices differ in domains, year and small areas, so a
rank or measure is never compared across nations, and the tables are kept apart (one CSV per
nation, one XLSX sheet per nation).

This is the building block of ``anchor run --places lads --nations uk`` (issue 11, item 5): the
national comparison per nation, its places' ranks within their nation
(:func:`anchorlib.assets.national_uk.nation_ranks`) and the index page's tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.core.atomic import write_all
from anchorlib.core.xlsx import write_xlsx
from anchorlib.data import deprivation, nations

__all__ = ["NATION_MEASURES", "nation_comparison", "uk_comparison_tables", "write_uk_comparison"]

#: (measure key, column, scale): the summary measures of the IMD (or the nation's overall index)
#: in each table; the 20% proportion only for the devolved nations (SIMD's "local share").
NATION_MEASURES = [
    ("average_rank", "average rank (rank; higher = more deprived)", 1.0),
    ("average_score", "average score (score)", 1.0),
    (
        "proportion_lsoas_most_deprived_10pct",
        "small areas in the nation's most deprived 10% (%)",
        100.0,
    ),
    (
        "proportion_lsoas_most_deprived_20pct",
        "small areas in the nation's most deprived 20% (%)",
        100.0,
    ),
    ("extent", "extent (%)", 100.0),
    ("local_concentration", "local concentration (rank; higher = more deprived)", 1.0),
]


def _measures(nation: str) -> pd.DataFrame:
    """lad_code, lad_name, lsoa_count, population and ``imd_{measure}`` per district of a nation."""
    if nation == "England":
        t = deprivation.lad_table(2025)
        t = t[t["lad_code"].str.startswith("E")]
        t["imd_proportion_lsoas_most_deprived_20pct"] = np.nan  # England keeps its own measures
        return t
    return nations.nation_lad_table(nation)


def nation_comparison(nation: str) -> pd.DataFrame:
    """One nation's districts: code, place, nation, index, small areas, residents, each measure and
    its rank within the nation (1 = most deprived; missing where the index cannot give the measure),
    most deprived on the proportion in the nation's most deprived 10% first."""
    idx = nations.index_of(nation)
    t = _measures(nation)
    out = pd.DataFrame(
        {
            "code": t["lad_code"].to_numpy(),
            "place": t["lad_name"].to_numpy(),
            "nation": nation,
            "index": idx.label,
            "small areas": t["lsoa_count"].to_numpy(),
            "residents (people)": t["population"].to_numpy(),
        }
    )
    for key, col, scale in NATION_MEASURES:
        if key == "proportion_lsoas_most_deprived_20pct" and nation == "England":
            continue
        v = t[f"imd_{key}"].astype(float).to_numpy() * scale
        out[col] = v
        rank = pd.Series(v).rank(ascending=False, method="min")
        out[f"rank in {nation}: {key.replace('_', ' ')}"] = rank.astype("Int64").to_numpy()
    order = f"rank in {nation}: proportion lsoas most deprived 10pct"
    return out.sort_values([order, "code"], kind="stable").reset_index(drop=True)


def uk_comparison_tables() -> dict[str, pd.DataFrame]:
    """:func:`nation_comparison` of England, Wales, Scotland and Northern Ireland."""
    return {n: nation_comparison(n) for n in nations.NATIONS}


def write_uk_comparison(folder: Path) -> dict[str, Path]:
    """Write ``comparison_<nation>.csv`` for each nation and ``comparison_uk.xlsx`` (a sheet per
    nation and an 'about' sheet), all or nothing.  Returns the paths written."""
    folder = Path(folder)
    tables = uk_comparison_tables()
    paths = {n: folder / f"comparison_{n.lower().replace(' ', '_')}.csv" for n in tables} | {
        "xlsx": folder / "comparison_uk.xlsx"
    }
    about = pd.DataFrame(
        {
            "field": ["table", "indices", "ranks", "definitions"],
            "value": [
                "Summary measures of every local authority in the UK, one sheet per nation",
                "; ".join(f"{n}: {nations.index_of(n).label}" for n in tables),
                "within each nation only (1 = most deprived); never compare across nations",
                "docs/deprivation_measures.md",
            ],
        }
    )
    writers = {n: (lambda p, df=df: df.to_csv(p, index=False)) for n, df in tables.items()} | {
        "xlsx": lambda p: write_xlsx(
            p, {**{n[:31]: df for n, df in tables.items()}, "about": about}, style=False
        )
    }
    write_all(paths, writers)
    return paths
