"""The devolved nations' own indices of deprivation, and their summary measures.

Each nation of the UK publishes its own index, ranking its own small areas only:

* **England**: the English Indices of Deprivation (IMD 2025 on LSOA 2021; :mod:`.deprivation`);
* **Wales**: WIMD 2019 on LSOA 2011 (1,909 LSOAs; ranks, deciles, scores);
* **Scotland**: SIMD 2020v2 on data zone 2011 (6,976 data zones; ranks and deciles, no score);
* **Northern Ireland**: NIMDM 2017 on Super Output Area (890 SOAs; ranks and deciles).

Domains, methods and years differ, so a decile means "among this nation's small areas": it is
never compared, added or averaged across nations.  Every output names the index and its year
(``label``, e.g. "WIMD 2019").

Summary measures follow the rules of England's technical report (:func:`.deprivation.
summary_measures`), over the nation's own ranks and its own count of small areas: average score
(Wales only: SIMD and NIMDM publish no overall score) and average rank, population-weighted, on
reversed ranks (N + 1 - r); the proportion of small areas in the nation's most deprived 10% (and
20%, SIMD's usual "local share"); extent and local concentration.  Population-weighted measures
need populations: Wales uses ONS mid-2020 estimates by LSOA 2011, Scotland NRS mid-2021 estimates by
data zone; Northern Ireland has none bundled, so its weighted measures are null (with a note).
See docs/deprivation_measures.md for what is official and what is derived.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from anchorlib.core.errors import PlaceError
from anchorlib.data.deprivation import EXTENT_METHOD, summary_measures
from anchorlib.data.readers import read_source

__all__ = [
    "NATIONS",
    "DEVOLVED",
    "NationIndex",
    "INDICES",
    "index_of",
    "nation_of_code",
    "small_areas",
    "ranked_areas",
    "small_area_lookup",
    "lad_names",
    "nation_measures",
    "nation_lad_table",
    "welsh_lsoa11_within",
    "MEASURES",
]

NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")
DEVOLVED = ("Wales", "Scotland", "Northern Ireland")
MEASURES = (
    "average_score",
    "average_rank",
    "proportion_lsoas_most_deprived_10pct",
    "proportion_lsoas_most_deprived_20pct",
    "extent",
    "local_concentration",
)


@dataclass(frozen=True)
class NationIndex:
    """One nation's index: what it is called, its year, its small areas and its domains."""

    nation: str
    country_code: str
    name: str  # "WIMD"
    year: int
    source: str  # catalogue id of the ranks and deciles
    code_column: str
    small_area: str  # what its small areas are, in words
    n_areas: int
    #: our domain key -> the column stem in the published file
    domains: dict[str, str]
    has_score: bool
    #: catalogue id of the population by small area (None: not bundled)
    population_source_id: str | None
    population_source: str | None
    population_denominator: str | None
    district: str  # what its LAD-level areas are called

    @property
    def label(self) -> str:
        """The index and its year, as every output names it: "WIMD 2019"."""
        return f"{self.name} {self.year}"

    def describe(self, *, district: bool = False) -> dict:
        """The index as every JSON output names it (``index`` key): name, year, label, what its
        small areas are and how many the nation has; with ``district``, what its districts are
        called."""
        out = {
            "name": self.name,
            "year": self.year,
            "label": self.label,
            "small_area": self.small_area,
            "small_areas_in_nation": self.n_areas,
        }
        return out | {"district": self.district} if district else out


INDICES: dict[str, NationIndex] = {
    "England": NationIndex(
        "England",
        "E92000001",
        "IMD",
        2025,
        "imd2025",
        "lsoa21_code",
        "LSOA 2021",
        33755,
        {},  # England's measures are anchorlib.data.deprivation's
        True,
        None,
        None,
        None,
        "local authority district",
    ),
    "Wales": NationIndex(
        "Wales",
        "W92000004",
        "WIMD",
        2019,
        "wimd2019",
        "lsoa11_code",
        "LSOA 2011",
        1909,
        {
            "income": "Income",
            "employment": "Employment",
            "health": "Health",
            "education": "Education",
            "housing": "Housing",
            "access": "Access",
            "environment": "Environment",
            "crime": "Crime",
        },
        True,
        "population_mye2020_lsoa11",
        "ONS mid-2020 population estimates by LSOA 2011 (SAPE23DT2), total persons",
        "ons_mid2020_lsoa11",
        "local authority",
    ),
    "Scotland": NationIndex(
        "Scotland",
        "S92000003",
        "SIMD",
        2020,
        "simd2020",
        "dz11_code",
        "data zone 2011",
        6976,
        {
            "income": "Income",
            "employment": "Employment",
            "health": "Health",
            "education": "Education",
            "housing": "Housing",
            "access": "Access",
            "crime": "Crime",
        },
        False,
        "population_mid2021_dz11",
        "NRS mid-2021 small area population estimates by data zone 2011, total persons",
        "nrs_mid2021_dz11",
        "council area",
    ),
    "Northern Ireland": NationIndex(
        "Northern Ireland",
        "N92000002",
        "NIMDM",
        2017,
        "nimdm2017",
        "soa01_code",
        "Super Output Area",
        890,
        {
            "income": "Income",
            "employment": "Employment",
            "health": "Health",
            "education": "Education",
            "access": "Access",
            "environment": "Environment",
            "crime": "Crime",
        },
        False,
        None,
        None,
        None,
        "local government district",
    ),
}

#: The domain keys England's summaries carry: a nation without one gives null (with a note).
ENGLISH_DOMAINS = ("income", "employment", "education", "health", "crime", "housing", "environment")


def index_of(nation: str) -> NationIndex:
    """The index of a nation ("England", "Wales", "Scotland", "Northern Ireland")."""
    try:
        return INDICES[nation]
    except KeyError:
        raise PlaceError(f"Unknown nation {nation!r}; choose one of {', '.join(NATIONS)}") from None


def nation_of_code(code: str) -> str | None:
    """The nation of a GSS code or NI SOA code (E.., W.., S.., N.., 95..), or None."""
    c = str(code).strip().upper()
    if c.startswith("95"):
        return "Northern Ireland"
    return {"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}.get(c[:1])


def _welsh_geography() -> pd.DataFrame:
    """Welsh LSOA 2011 -> local authority (W06; unchanged 2011-2024), from the ONS LSOA 2011 ->
    2021 lookup's LAD 2022, with each LSOA's name."""
    b = read_source("lookup_lsoa11_lsoa21")
    w = b[b["lsoa11_code"].str.startswith("W01")]
    return (
        w[["lsoa11_code", "lsoa11_name", "ltla22_code", "ltla22_name"]]
        .drop_duplicates("lsoa11_code")
        .rename(
            columns={
                "lsoa11_code": "small_area_code",
                "lsoa11_name": "small_area_name",
                "ltla22_code": "lad_code",
                "ltla22_name": "lad_name",
            }
        )
    )


def _geography(nation: str) -> pd.DataFrame:
    """small_area_code, small_area_name, lad_code, lad_name of a devolved nation's small areas."""
    if nation == "Wales":
        return _welsh_geography()
    if nation == "Scotland":
        d = read_source("lookup_dz11_ca")
        return pd.DataFrame(
            {
                "small_area_code": d["dz11_code"],
                "small_area_name": d["dz11_name"],
                "lad_code": d["ltla20_code"],
                "lad_name": d["ltla20_name"],
            }
        )
    d = read_source("lookup_soa01_lgd14")
    return pd.DataFrame(
        {
            "small_area_code": d["soa01_code"],
            "small_area_name": pd.Series(None, index=d.index, dtype="str"),
            "lad_code": d["lgd14_code"],
            "lad_name": d["lgd14_name"],
        }
    )


def _population(idx: NationIndex) -> pd.Series | None:
    if idx.population_source_id is None:
        return None
    df = read_source(idx.population_source_id)
    key = "lsoa11_code" if "lsoa11_code" in df.columns else "dz11_code"
    return df.set_index(key)["total_population"].astype(float)


@lru_cache(maxsize=4)
def ranked_areas(nation: str) -> pd.DataFrame:
    """A devolved nation's small areas with their index and district, without populations (what
    placing a postcode needs): the columns of :func:`small_areas` but ``population``."""
    idx = index_of(nation)
    if nation == "England":
        raise PlaceError("England's small areas are anchorlib.data.deprivation.lsoa_deprivation")
    raw = read_source(idx.source)
    out = pd.DataFrame(
        {
            "small_area_code": raw[idx.code_column].astype(str).to_numpy(),
            "imd_rank": raw["IMD_rank"].astype("int64").to_numpy(),
            "imd_decile": raw["IMD_decile"].astype("int64").to_numpy(),
            "imd_score": raw["IMD_score"].astype(float).to_numpy() if idx.has_score else np.nan,
        }
    )
    for key, stem in idx.domains.items():
        out[f"{key}_rank"] = raw[f"{stem}_rank"].astype(float).to_numpy()
        out[f"{key}_decile"] = raw[f"{stem}_decile"].astype("int64").to_numpy()
        if idx.has_score:
            out[f"{key}_score"] = raw[f"{stem}_score"].astype(float).to_numpy()
    geo = _geography(nation)
    out = out.merge(geo, on="small_area_code", how="left", validate="one_to_one")
    missing = out.loc[out["lad_code"].isna(), "small_area_code"].tolist()
    if missing:
        raise PlaceError(
            f"{idx.label}: {len(missing)} small area(s) have no {idx.district} in the lookup: "
            f"{', '.join(missing[:10])}"
        )
    out["nation"] = nation
    return out.sort_values("small_area_code", ignore_index=True)


@lru_cache(maxsize=4)
def small_areas(nation: str) -> pd.DataFrame:
    """Every small area of a devolved nation with its index and place, one row per small area.

    Columns: ``small_area_code``, ``small_area_name``, ``nation``, ``lad_code``, ``lad_name``,
    ``imd_rank``, ``imd_decile``, ``imd_score`` (NaN where the index has no score),
    ``population`` (NaN where none is bundled), and ``{key}_rank``, ``{key}_decile`` (and
    ``{key}_score`` for Wales) for each of the nation's domains.  Ranks: 1 = most deprived in the
    nation.  Raises a missing-source error naming the file to download when one is absent.
    """
    idx = index_of(nation)
    out = ranked_areas(nation).copy()
    pop = _population(idx)
    out["population"] = out["small_area_code"].map(pop) if pop is not None else np.nan
    if pop is not None and out["population"].isna().any():
        gaps = out.loc[out["population"].isna(), "small_area_code"].tolist()
        raise PlaceError(
            f"{idx.population_source_id}: no population for {len(gaps)} {idx.small_area} "
            f"code(s) of {idx.label}: {', '.join(gaps[:10])}"
        )
    return out


@lru_cache(maxsize=1)
def small_area_lookup() -> pd.DataFrame:
    """Every small area of Wales (LSOA 2011), Scotland and Northern Ireland, one row each:
    small_area_code, small_area_name, nation, lad_code, lad_name, imd_rank, imd_decile."""
    cols = [
        "small_area_code",
        "small_area_name",
        "nation",
        "lad_code",
        "lad_name",
        "imd_rank",
        "imd_decile",
    ]
    return pd.concat([ranked_areas(n)[cols] for n in DEVOLVED], ignore_index=True)


def lad_names(nation: str) -> dict[str, str]:
    """LAD code -> name of a devolved nation's districts (council areas, LGDs)."""
    df = small_areas(nation)
    return dict(df.drop_duplicates("lad_code")[["lad_code", "lad_name"]].itertuples(index=False))


def welsh_lsoa11_within(lsoa21_codes) -> list[str]:
    """Welsh LSOA 2011 codes whose every LSOA 2021 successor is in ``lsoa21_codes`` (an area on
    2021 geography, e.g. a place's Welsh LSOAs 2021), sorted: WIMD 2019 is on LSOA 2011.  A whole
    Welsh local authority gives exactly its LSOAs 2011 (authorities did not change)."""
    b = read_source("lookup_lsoa11_lsoa21")[["lsoa11_code", "lsoa21_code"]]
    b = b[b["lsoa11_code"].str.startswith("W01")]
    inside = b.assign(hit=b["lsoa21_code"].isin(set(lsoa21_codes))).groupby("lsoa11_code")["hit"]
    whole = inside.all()
    return sorted(whole.index[whole])


def _number(v):
    if v is None:
        return None
    f = float(v)
    return None if np.isnan(f) else f


def _measures(rows: pd.DataFrame, idx: NationIndex, key: str, weighted: bool) -> dict:
    """The summary measures of one key (imd or a domain) over ``rows``."""
    rank = rows[f"{key}_rank"].to_numpy(dtype=float)
    decile = rows[f"{key}_decile"].to_numpy(dtype=float)
    pop = rows["population"].to_numpy(dtype=float) if weighted else np.zeros(len(rows))
    score_col = f"{key}_score"
    score = rows[score_col].to_numpy(dtype=float) if score_col in rows and idx.has_score else None
    m = summary_measures(rank, pop, idx.n_areas, score=score, decile=decile)
    m["proportion_lsoas_most_deprived_20pct"] = float((decile <= 2).sum()) / len(rows)
    return {k: _number(m[k]) for k in MEASURES}


def nation_measures(nation: str, codes, name: str | None = None) -> dict:
    """The summary measures of an area of one devolved nation, given its small-area codes.

    Same shape as :func:`anchorlib.data.deprivation.place_measures` (England), plus ``nation``,
    ``index`` ({name, year, label, small_area, small_areas_in_nation}) and the measure
    ``proportion_lsoas_most_deprived_20pct`` ("lsoas" = the nation's small areas).  A measure the
    index cannot give is null with a note: SIMD and NIMDM publish no score; NIMDM has no bundled
    population, so nothing population-weighted.  Raises PlaceError naming unknown codes.
    """
    idx = index_of(nation)
    df = small_areas(nation)
    want = sorted({str(c).strip().upper() for c in codes if str(c).strip()})
    if not want:
        raise PlaceError(f"No {idx.small_area} codes given for {nation}")
    known = set(df["small_area_code"])
    unknown = [c for c in want if c not in known]
    if unknown:
        raise PlaceError(
            f"{len(unknown)} code(s) are not {idx.small_area} codes of {idx.label}: "
            f"{', '.join(unknown[:20])}"
        )
    rows = df[df["small_area_code"].isin(set(want))]
    weighted = idx.population_source_id is not None
    notes = [
        f"{idx.label} ranks {idx.n_areas:,} {idx.small_area}s of {nation} only: its ranks and "
        "deciles are not comparable with another nation's index."
    ]
    if not idx.has_score:
        notes.append(f"average_score is null: {idx.label} publishes ranks, not an overall score.")
    if not weighted:
        notes.append(
            f"average_score, average_rank, extent and local_concentration are null: no "
            f"population by {idx.small_area} is bundled for {nation}, so nothing "
            "population-weighted is computed; the proportions are counts of small areas."
        )
    domains = {}
    for key in ENGLISH_DOMAINS + tuple(k for k in idx.domains if k not in ENGLISH_DOMAINS):
        if key in idx.domains:
            domains[key] = _measures(rows, idx, key, weighted)
        else:
            domains[key] = {k: None for k in MEASURES}
        if key in ("income", "employment"):
            domains[key]["scale"] = None
    absent = [k for k in ENGLISH_DOMAINS if k not in idx.domains]
    if absent:
        notes.append(f"{idx.label} has no {' or '.join(absent)} domain: null.")
    notes.append(
        f"Income and employment scale are null: the numerators are not in the bundle for {nation}."
    )
    pop_total = float(rows["population"].sum()) if weighted else None
    return {
        "name": name or ", ".join(sorted(set(rows["lad_name"]))),
        "edition": idx.year,
        "nation": nation,
        "index": idx.describe(),
        "lsoa_count": int(len(rows)),
        "population": (int(pop_total) if pop_total.is_integer() else pop_total)
        if pop_total is not None
        else None,
        "extent_method": EXTENT_METHOD.replace(
            "LSOAs nationally", f"{idx.small_area}s in {nation}"
        ),
        "population_denominator": idx.population_denominator,
        "population_source": idx.population_source
        or f"none: no population by {idx.small_area} is bundled for {nation}",
        "imd": _measures(rows, idx, "imd", weighted),
        "domains": domains,
        "notes": notes,
    }


def nation_lad_table(nation: str) -> pd.DataFrame:
    """The IMD summary measures of every district of a devolved nation, one row per district:
    lad_code, lad_name, nation, index, lsoa_count, population and ``imd_{measure}``."""
    idx = index_of(nation)
    df = small_areas(nation)
    weighted = idx.population_source_id is not None
    records = []
    for code, rows in df.groupby("lad_code", sort=True):
        rec = {
            "lad_code": code,
            "lad_name": rows["lad_name"].iloc[0],
            "nation": nation,
            "index": idx.label,
            "lsoa_count": len(rows),
            "population": float(rows["population"].sum()) if weighted else np.nan,
        }
        for k, v in _measures(rows, idx, "imd", weighted).items():
            rec[f"imd_{k}"] = np.nan if v is None else v
        records.append(rec)
    return pd.DataFrame.from_records(records)
