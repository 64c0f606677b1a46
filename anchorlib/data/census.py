"""Census 2021 tables by LSOA 2021, ready to join, and the population used for LSOA 2021 weights."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from anchorlib.data.readers import read_source

# table name -> (source id, category column, denominator column)
TABLES = {
    "household_deprivation": (
        "census2021_deprivation",
        "deprivation_dimensions",
        "total_households",
    ),
    "tenure": ("census2021_tenure", "tenure", "total_households"),
    "ethnicity": ("census2021_ethnicity", "ethnic_group", "total_residents"),
    "disability": ("census2021_disability", "disability", "total_residents"),
}

POPULATION_SOURCE = "Census 2021 usual residents (ONS table TS021 totals), by LSOA 2021"


def census_table(name: str) -> pd.DataFrame:
    """A Census 2021 table in long form: lsoa21_code, category, n, total, prop."""
    try:
        source_id, cat, total = TABLES[name]
    except KeyError:
        raise ValueError(f"Unknown census table {name!r}; choose one of {sorted(TABLES)}") from None
    df = read_source(source_id)
    return df.rename(columns={cat: "category", total: "total"})[
        ["lsoa21_code", "category", "n", "total", "prop"]
    ]


def census_wide(name: str, *, proportions: bool = True) -> pd.DataFrame:
    """One row per LSOA 2021 (index ``lsoa21_code``), one column per category (shares 0-1 or
    counts)."""
    long = census_table(name)
    return long.pivot_table(
        index="lsoa21_code",
        columns="category",
        values="prop" if proportions else "n",
        aggfunc="sum",
    ).rename_axis(columns=None)


@lru_cache(maxsize=1)
def population_lsoa21() -> pd.Series:
    """Usual resident population by LSOA 2021 (England and Wales), Census 2021.

    Denominator for population-weighted measures on LSOA 2021 when MHCLG's
    IoD2025 population denominators are not available (see ``POPULATION_SOURCE``).
    """
    df = read_source("census2021_ethnicity", columns=["lsoa21_code", "total_residents"])
    return (
        df.drop_duplicates("lsoa21_code")
        .set_index("lsoa21_code")["total_residents"]
        .rename("population")
    )
