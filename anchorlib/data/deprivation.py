"""MHCLG summary measures of deprivation for any place: a LAD, a set of LADs, or a custom set of
LSOAs.

The English Indices of Deprivation technical reports define five summary measures
for higher-level geographies, each computed from the LSOAs in the area and, for
four of them, their populations (see docs/deprivation_measures.md):

* average score: population-weighted mean of LSOA scores;
* average rank: population-weighted mean of LSOA ranks, the ranks first reversed
  so that the most deprived LSOA in England has the highest rank (N + 1 - r);
* proportion of LSOAs in the most deprived 10% nationally (a fraction 0-1);
* extent: population-weighted share living in the most deprived 30% of LSOAs,
  those in the most deprived 10% counted in full and the next 20 percentiles on a
  sliding scale (``extent_weight``);
* local concentration: population-weighted mean of the reversed ranks of the
  area's most deprived LSOAs containing exactly 10% of its population.

Two editions:

* 2019: LSOA 2011, IoD2019 Files 1 and 2 (ranks, deciles; the scores of File 5 are
  not in the bundle, so average scores are null), LAD 2019 codes from File 1,
  population = IoD2019 File 6 "Total population: mid 2015 (excluding prisoners)",
  the denominators MHCLG used for its own LAD summaries;
* 2025: LSOA 2021, IoD2025 File 7 (ranks, deciles, scores), LAD 2024 codes from the
  ONS LSOA 2021 -> ward -> LAD 2024 lookup, population = the IoD2025 population
  denominators when the optional source ``iod2025_population`` is present, else
  Census 2021 usual residents (``population_source`` says which).
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from anchorlib.core.errors import DataValidationError, MissingSourceFileError, PlaceError
from anchorlib.data.census import POPULATION_SOURCE, population_lsoa21
from anchorlib.data.geography import lsoa11_to_lsoa21, lsoa21_geography
from anchorlib.data.readers import read_source, resolve

EDITIONS = (2019, 2025)
DEFAULT_EDITION = 2025
N_LSOAS = {2019: 32844, 2025: 33755}
DOMAINS = ("income", "employment", "education", "health", "crime", "housing", "environment")
KEYS = ("imd",) + DOMAINS
MEASURES = (
    "average_score",
    "average_rank",
    "proportion_lsoas_most_deprived_10pct",
    "extent",
    "local_concentration",
)
SCALE_DOMAINS = ("income", "employment")

# Column stems in the published files, by our key.
_STEMS_2025 = {
    "imd": "IMD",
    "income": "Income",
    "employment": "Employment",
    "education": "Education",
    "health": "Health",
    "crime": "Crime",
    "housing": "Housing_and_Services",
    "environment": "Environment",
}
_STEMS_2019 = {
    "imd": "Index of Multiple Deprivation (IMD)",
    "income": "Income",
    "employment": "Employment",
    "education": "Education, Skills and Training",
    "health": "Health Deprivation and Disability",
    "crime": "Crime",
    "housing": "Barriers to Housing and Services",
    "environment": "Living Environment",
}
DOMAIN_NAMES = {2019: _STEMS_2019, 2025: _STEMS_2025}

POPULATION_2019 = "Total population: mid 2015 (excluding prisoners)"
POPULATION_SOURCE_2019 = (
    f"MHCLG IoD2019 File 6 population denominators, '{POPULATION_2019}', by LSOA 2011 "
    "(the denominators of MHCLG's own IoD2019 LAD summaries)"
)

_LSOA_RE = re.compile(r"^[EW]01\d{6}$")
_LAD_RE = re.compile(r"^[EWSN]\d{8}$")


# --------------------------------------------------------------------------------------------
# The pure measures
# --------------------------------------------------------------------------------------------


def national_percentile(rank, n_national: int) -> np.ndarray:
    """National percentile of each LSOA rank (1 = most deprived 1%): ceil(100 * r / N), in integers.

    With N = 32,844 (2019) rank 3,284 is percentile 10 and 3,285 percentile 11; with
    N = 33,755 (2025) 3,375 and 3,376: exactly the published decile 1 boundaries.
    """
    r = np.asarray(rank, dtype=np.int64)
    return (100 * r + n_national - 1) // n_national


#: The extent weights, as the IoD technical reports define them (the only scheme since step 7).
EXTENT_METHOD = (
    "IoD technical report weights: 1 for the most deprived 10% of LSOAs nationally (percentiles "
    "1-10), 0.95 at the 11th percentile falling in 19 equal steps to 0.05 at the 30th, 0 after"
)


def extent_weight(percentile) -> np.ndarray:
    """The weight of an LSOA in the extent measure, given its national percentile (1 = most
    deprived): 1 for percentiles 1-10, 0.95 at p = 11 down to 0.05 at p = 30 in 19 equal steps
    (0.9 / 19 each), 0 after (``EXTENT_METHOD``)."""
    p = np.asarray(percentile, dtype=float)
    return np.where(p <= 10, 1.0, np.where(p <= 30, 0.95 - (p - 11.0) * 0.9 / 19.0, 0.0))


def _array(x, label: str) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != 1:
        raise ValueError(f"{label} must be one-dimensional")
    return a


def summary_measures(rank, population, n_national: int, *, score=None, decile=None) -> dict:
    """The five MHCLG summary measures for one area, from its LSOAs' national ranks (1 = most
    deprived).

    ``rank``, ``population`` (and ``score``, ``decile`` when given) are arrays or Series
    of equal length, one element per LSOA of the area.  ``n_national`` is the number of
    LSOAs in England for the edition (``N_LSOAS``), never the size of the area.

    Returns ``average_score`` (None when ``score`` is None), ``average_rank`` and
    ``local_concentration`` (on reversed ranks N + 1 - r: higher = more deprived),
    ``proportion_lsoas_most_deprived_10pct`` and ``extent`` (fractions 0-1).
    Population-weighted measures are None when the area's population is 0.
    """
    r = _array(rank, "rank")
    pop = _array(population, "population")
    n = len(r)
    if n == 0:
        raise ValueError("summary_measures needs at least one LSOA")
    if len(pop) != n:
        raise ValueError(f"rank has {n} values but population has {len(pop)}")
    if np.isnan(r).any() or (r < 1).any() or (r > n_national).any():
        raise ValueError(f"ranks must be whole numbers from 1 to {n_national}")
    if np.isnan(pop).any() or (pop < 0).any():
        raise ValueError("populations must be present and non-negative")
    reversed_rank = n_national + 1 - r
    percentile = national_percentile(r, n_national)

    if decile is not None:
        d = _array(decile, "decile")
        if len(d) != n:
            raise ValueError(f"rank has {n} values but decile has {len(d)}")
        in_top10 = d == 1
    else:
        in_top10 = percentile <= 10
    proportion = float(in_top10.sum()) / n

    total = float(pop.sum())
    out = {
        "average_score": None,
        "average_rank": None,
        "proportion_lsoas_most_deprived_10pct": proportion,
        "extent": None,
        "local_concentration": None,
    }
    if score is not None:
        s = _array(score, "score")
        if len(s) != n:
            raise ValueError(f"rank has {n} values but score has {len(s)}")
    if total <= 0:
        return out
    if score is not None and not np.isnan(s).any():
        out["average_score"] = float((pop * s).sum() / total)
    out["average_rank"] = float((pop * reversed_rank).sum() / total)
    out["extent"] = float((pop * extent_weight(percentile)).sum() / total)

    # Local concentration: most deprived first, whole LSOAs while they fit in 10% of the
    # population, then the part of the straddling LSOA that makes up exactly 10%.
    order = np.argsort(r, kind="stable")
    pop_sorted = pop[order]
    target = 0.1 * total
    before = np.concatenate(([0.0], np.cumsum(pop_sorted)[:-1]))
    weight = np.clip(target - before, 0.0, pop_sorted)
    out["local_concentration"] = float((weight * reversed_rank[order]).sum() / weight.sum())
    return out


# --------------------------------------------------------------------------------------------
# LSOA tables
# --------------------------------------------------------------------------------------------


def _check_edition(edition: int) -> int:
    try:
        e = int(edition)
    except (TypeError, ValueError):
        e = None
    if e not in EDITIONS:
        raise PlaceError(
            f"Unknown IoD edition {edition!r}; choose one of {', '.join(map(str, EDITIONS))}"
        )
    return e


def _total_population_column(columns) -> str:
    for c in columns:
        if str(c).strip().lower().startswith("total population"):
            return c
    raise DataValidationError(
        "The IoD2025 population denominators file (source 'iod2025_population') has no column "
        f"whose name starts with 'Total population'; columns found: {list(columns)}"
    )


@lru_cache(maxsize=1)
def _population_2025() -> tuple[pd.Series, str]:
    """(population by LSOA 2021, description): IoD2025 File 6 when present, else Census 2021."""
    try:
        resolve("iod2025_population")
    except MissingSourceFileError:
        return (
            population_lsoa21().astype(float),
            f"{POPULATION_SOURCE} (MHCLG's IoD2025 population denominators, catalogue source "
            "'iod2025_population', are not on this machine)",
        )
    df = read_source("iod2025_population")
    col = _total_population_column(df.columns)
    pop = pd.to_numeric(df[col], errors="raise").astype(float)
    pop.index = df["LSOA code (2021)"].astype(str).to_numpy()
    return pop, f"MHCLG IoD2025 File 6 population denominators, '{str(col).strip()}', by LSOA 2021"


def population_source(edition: int = DEFAULT_EDITION) -> str:
    """Plain words on the population denominator used for ``edition``'s weighted measures."""
    if _check_edition(edition) == 2019:
        return POPULATION_SOURCE_2019
    return _population_2025()[1]


def population_denominator(edition: int = DEFAULT_EDITION) -> str:
    """A short key for the population denominator of ``edition``'s weighted measures:
    ``iod2019_file6`` (mid 2015, excluding prisoners), ``iod2025_file6`` (the optional source
    ``iod2025_population``) or ``census2021_usual_residents`` (its stand-in when absent)."""
    if _check_edition(edition) == 2019:
        return "iod2019_file6"
    return (
        "iod2025_file6"
        if "IoD2025 File 6" in _population_2025()[1]
        else ("census2021_usual_residents")
    )


def measure_basis(edition: int = DEFAULT_EDITION) -> dict:
    """What every output carrying a summary measure records beside it: ``extent_method``,
    ``population_denominator`` (a key) and ``population_source`` (plain words)."""
    return {
        "extent_method": EXTENT_METHOD,
        "population_denominator": population_denominator(edition),
        "population_source": population_source(edition),
    }


def _from_2019() -> pd.DataFrame:
    f1 = read_source("iod2019_imd").rename(
        columns={
            "LSOA code (2011)": "lsoa_code",
            "Local Authority District code (2019)": "lad_code",
            "Local Authority District name (2019)": "lad_name",
            "Index of Multiple Deprivation (IMD) Rank": "imd_rank",
            "Index of Multiple Deprivation (IMD) Decile": "imd_decile",
        }
    )
    f2 = read_source("iod2019_domains")
    dom = pd.DataFrame({"lsoa_code": f2["LSOA code (2011)"]})
    for key in DOMAINS:
        stem = _STEMS_2019[key]
        dom[f"{key}_rank"] = f2[f"{stem} Rank (where 1 is most deprived)"].to_numpy()
        dom[f"{key}_decile"] = f2[
            f"{stem} Decile (where 1 is most deprived 10% of LSOAs)"
        ].to_numpy()
    f6 = read_source("iod2019_population").rename(
        columns={"LSOA code (2011)": "lsoa_code", POPULATION_2019: "population"}
    )
    df = (
        f1[["lsoa_code", "lad_code", "lad_name", "imd_rank", "imd_decile"]]
        .merge(dom, on="lsoa_code", how="left", validate="one_to_one")
        .merge(f6[["lsoa_code", "population"]], on="lsoa_code", how="left", validate="one_to_one")
    )
    _require_complete(df, "IoD2019 Files 1, 2 and 6")
    for key in KEYS:
        df[f"{key}_score"] = np.nan  # File 5 (scores) is not in the bundle
    df["income_numerator"] = np.nan
    df["employment_numerator"] = np.nan
    return df


def _from_2025() -> pd.DataFrame:
    imd = read_source("imd2025")
    df = pd.DataFrame({"lsoa_code": imd["lsoa21_code"]})
    for key in KEYS:
        stem = _STEMS_2025[key]
        df[f"{key}_rank"] = imd[f"{stem}_rank"].to_numpy()
        df[f"{key}_decile"] = imd[f"{stem}_decile"].to_numpy()
        df[f"{key}_score"] = imd[f"{stem}_score"].to_numpy()
    geo = lsoa21_geography()[["lsoa21_code", "lad24_code", "lad24_name"]].rename(
        columns={"lsoa21_code": "lsoa_code", "lad24_code": "lad_code", "lad24_name": "lad_name"}
    )
    df = df.merge(geo, on="lsoa_code", how="left", validate="one_to_one")
    pop, _ = _population_2025()
    df["population"] = df["lsoa_code"].map(pop)
    ind = read_source(
        "imd2025_indicators",
        columns=["lsoa21_code", "income_domain_numerator", "employment_domain_numerator"],
    )
    ind = ind.rename(
        columns={
            "lsoa21_code": "lsoa_code",
            "income_domain_numerator": "income_numerator",
            "employment_domain_numerator": "employment_numerator",
        }
    )
    df = df.merge(ind, on="lsoa_code", how="left", validate="one_to_one")
    _require_complete(df, "IoD2025 File 7, the LSOA 2021 -> LAD 2024 lookup and the population")
    return df


def _require_complete(df: pd.DataFrame, what: str) -> None:
    need = ["lad_code", "population"] + [f"{k}_{m}" for k in KEYS for m in ("rank", "decile")]
    bad = {c: df.loc[df[c].isna(), "lsoa_code"].tolist() for c in need if df[c].isna().any()}
    if bad:
        lines = "\n".join(f"  {c}: {len(v)} LSOAs, e.g. {', '.join(v[:5])}" for c, v in bad.items())
        raise DataValidationError(f"Deprivation table from {what} is incomplete:\n{lines}")


@lru_cache(maxsize=2)
def lsoa_deprivation(edition: int = DEFAULT_EDITION) -> pd.DataFrame:
    """One row per LSOA of the edition (England): codes, population, and ranks/deciles/scores.

    Columns: ``lsoa_code``, ``lad_code`` (2019: LAD 2019 from File 1; 2025: LAD 2024),
    ``lad_name``, ``population``, then for "imd" and each of ``DOMAINS``: ``{key}_rank``
    (1 = most deprived), ``{key}_decile`` (1 = most deprived 10%), ``{key}_score``
    (null for 2019), and ``income_numerator``, ``employment_numerator`` (2025; null for 2019).
    """
    e = _check_edition(edition)
    df = _from_2019() if e == 2019 else _from_2025()
    cols = ["lsoa_code", "lad_code", "lad_name", "population"]
    cols += [f"{k}_{m}" for k in KEYS for m in ("rank", "decile", "score")]
    cols += ["income_numerator", "employment_numerator"]
    df = df[cols].sort_values("lsoa_code", kind="stable").reset_index(drop=True)
    df["population"] = df["population"].astype(float)
    return df


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


def _as_codes(codes) -> list[str]:
    if isinstance(codes, str):
        codes = re.split(r"[,\s]+", codes)
    out, seen = [], set()
    for c in codes:
        c = str(c).strip().upper()
        if c and c not in seen:
            seen.add(c)
            out.append(c)
    return out


def _json_number(v):
    if v is None:
        return None
    if isinstance(v, (float, np.floating)) and not math.isfinite(float(v)):
        return None
    return float(v)


def _measures_for(
    rows: pd.DataFrame,
    edition: int,
    population: np.ndarray | None = None,
) -> dict[str, dict]:
    n_nat = N_LSOAS[edition]
    pop = rows["population"].to_numpy() if population is None else population
    out = {}
    for key in KEYS:
        score = rows[f"{key}_score"].to_numpy() if edition == 2025 else None
        out[key] = summary_measures(
            rows[f"{key}_rank"].to_numpy(),
            pop,
            n_nat,
            score=score,
            decile=rows[f"{key}_decile"].to_numpy(),
        )
    return out


def _other_edition_hint(codes: list[str], edition: int) -> str:
    """Which of ``codes`` are LSOA codes of the other edition only (for messages)."""
    other = 2025 if edition == 2019 else 2019
    try:
        known_other = set(lsoa_deprivation(other)["lsoa_code"])
    except Exception:
        return ""
    hits = [c for c in codes if c in known_other]
    if not hits:
        return ""
    geo = "LSOA 2011" if other == 2019 else "LSOA 2021"
    this = "LSOA 2011" if edition == 2019 else "LSOA 2021"
    return (
        f" {len(hits)} of them ({', '.join(hits[:10])}{' ...' if len(hits) > 10 else ''}) are "
        f"{geo} codes "
        f"(IoD{other}); edition {edition} works on {this} codes (use edition {other} for these)."
    )


def _listing(codes: list[str], limit: int = 50) -> str:
    more = f" ... and {len(codes) - limit} more" if len(codes) > limit else ""
    return ", ".join(codes[:limit]) + more


def _default_name(df: pd.DataFrame, rows: pd.DataFrame) -> str:
    lads = rows["lad_code"].unique().tolist()
    whole = df[df["lad_code"].isin(lads)]
    if len(whole) == len(rows):  # exactly the LSOAs of these LADs
        names = rows.drop_duplicates("lad_code").sort_values("lad_code")["lad_name"].tolist()
        return ", ".join(names)
    return f"Custom area ({len(rows)} LSOAs)"


def place_measures(lsoa_codes, edition: int = DEFAULT_EDITION, name: str | None = None) -> dict:
    """The summary measures of a place given by its LSOA codes (LSOA 2011 for 2019, LSOA 2021 for
    2025).

    Returns ``{"name", "edition", "lsoa_count", "population", "extent_method",
    "population_denominator", "population_source", "imd": {average_score, average_rank,
    proportion_lsoas_most_deprived_10pct, extent, local_concentration}, "domains": {income:
    {... , "scale"}, employment: {..., "scale"}, education, health, crime, housing,
    environment}, "notes": [...]}``, JSON-ready
    (floats or None).  Raises PlaceError naming the codes when none is known.
    """
    e = _check_edition(edition)
    codes = _as_codes(lsoa_codes)
    if not codes:
        raise PlaceError("No LSOA codes given")
    df = lsoa_deprivation(e)
    known = set(df["lsoa_code"])
    unknown = [c for c in codes if c not in known]
    geo = "LSOA 2011" if e == 2019 else "LSOA 2021"
    if len(unknown) == len(codes):
        raise PlaceError(
            f"None of the {len(codes)} LSOA code(s) is an English {geo} code of IoD{e}: "
            f"{_listing(unknown)}.{_other_edition_hint(unknown, e)}"
        )
    rows = df[df["lsoa_code"].isin(set(codes))]
    measures = _measures_for(rows, e)
    notes = []
    if e == 2019:
        notes.append(
            "Average scores are null for 2019: the IoD2019 LSOA scores (File 5) are not in the "
            "data "
            "bundle; the rank-based measures use Files 1-2 and the File 6 denominators, as MHCLG's."
        )
        notes.append(
            "Income and employment scale are null for 2019: the IoD2019 numerators are not in the "
            "bundle."
        )
    if unknown:
        notes.append(
            f"{len(unknown)} of {len(codes)} input code(s) are not English {geo} codes of IoD{e} "
            f"and were left out: {_listing(unknown)}.{_other_edition_hint(unknown, e)}"
        )
    domains = {}
    for key in DOMAINS:
        m = {k: _json_number(v) for k, v in measures[key].items()}
        if key in SCALE_DOMAINS:
            m["scale"] = None
            if e == 2025:
                num = rows[f"{key}_numerator"]
                m["scale"] = float(num.sum(skipna=True))
                if num.isna().any():
                    notes.append(
                        f"{key} scale: {int(num.isna().sum())} LSOA(s) have no published "
                        f"{key} domain numerator (suppressed small counts) and count as 0: "
                        f"{_listing(rows.loc[num.isna(), 'lsoa_code'].tolist(), 10)}."
                    )
        domains[key] = m
    if e == 2025:
        notes.append(
            "Income and employment scale are sums of the published File 8 numerators, which MHCLG "
            "rounds (to multiples of 5) and suppresses for small counts."
        )
    pop_total = float(rows["population"].sum())
    return {
        "name": name or _default_name(df, rows),
        "edition": e,
        "lsoa_count": int(len(rows)),
        "population": int(pop_total) if pop_total.is_integer() else pop_total,
        **measure_basis(e),
        "imd": {k: _json_number(v) for k, v in measures["imd"].items()},
        "domains": domains,
        "notes": notes,
    }


@lru_cache(maxsize=2)
def _lads(edition: int) -> pd.DataFrame:
    df = lsoa_deprivation(edition)
    return df.groupby("lad_code", sort=True)["lad_name"].first().reset_index()


def _lad19_lad24_bridge() -> pd.DataFrame:
    """Pairs (lad19_code, lad19_name, lad24_code, lad24_name) of districts sharing LSOAs."""
    b = lsoa11_to_lsoa21()
    d19 = lsoa_deprivation(2019)[["lsoa_code", "lad_code", "lad_name"]].rename(
        columns={"lsoa_code": "lsoa11_code", "lad_code": "lad19_code", "lad_name": "lad19_name"}
    )
    g = lsoa21_geography()[["lsoa21_code", "lad24_code", "lad24_name"]]
    return (
        b.merge(d19, on="lsoa11_code")
        .merge(g, on="lsoa21_code")[["lad19_code", "lad19_name", "lad24_code", "lad24_name"]]
        .drop_duplicates()
    )


def _unknown_lad_message(code: str, edition: int, lads: pd.DataFrame) -> str:
    label = "LAD 2019 (IoD2019 File 1)" if edition == 2019 else "LAD 2024"
    msg = f"'{code}' is not an English {label} code"
    if code[:1] in ("W", "S", "N"):
        return msg + " (the English Indices of Deprivation cover England only)."
    try:
        bridge = _lad19_lad24_bridge()
    except Exception:
        bridge = None
    if bridge is not None:
        if edition == 2019:
            hit = bridge[bridge["lad24_code"] == code]
            if len(hit):
                alts = ", ".join(
                    f"{r.lad19_code} ({r.lad19_name})"
                    for r in hit.drop_duplicates("lad19_code")
                    .sort_values("lad19_code")
                    .itertuples()
                )
                return (
                    msg + f": it is the LAD 2024 code of {hit['lad24_name'].iloc[0]}. Edition 2019 "
                    f"expects LAD 2019 codes, as in IoD2019 File 1; its area was, in 2019: {alts}. "
                    "Or use edition 2025."
                )
        else:
            hit = bridge[bridge["lad19_code"] == code]
            if len(hit):
                alts = ", ".join(
                    f"{r.lad24_code} ({r.lad24_name})"
                    for r in hit.drop_duplicates("lad24_code")
                    .sort_values("lad24_code")
                    .itertuples()
                )
                return (
                    msg + f": it is the LAD 2019 code of {hit['lad19_name'].iloc[0]}, no longer in "
                    f"use. Edition 2025 expects LAD 2024 codes; its area is now in: {alts}. Or use "
                    "edition 2019."
                )
    codes = lads["lad_code"].tolist()
    close = difflib.get_close_matches(code, codes, n=3, cutoff=0.75)
    by_name = lads[lads["lad_name"].str.upper() == code.upper()]
    if len(by_name):
        close = by_name["lad_code"].tolist() + [
            c for c in close if c not in set(by_name["lad_code"])
        ]
    if close:
        names = dict(zip(lads["lad_code"], lads["lad_name"]))
        msg += "; did you mean " + " or ".join(f"{c} ({names[c]})" for c in close) + "?"
    else:
        msg += (
            f"; edition {edition} expects {label} codes such as {codes[0]} "
            f"({lads['lad_name'].iloc[0]})."
        )
    return msg


def lad_lsoas(lad_codes, edition: int = DEFAULT_EDITION) -> list[str]:
    """Sorted LSOA codes (LSOA 2011 for 2019, LSOA 2021 for 2025) of the given LAD codes.

    2019 expects LAD 2019 codes (IoD2019 File 1), 2025 LAD 2024 codes.  Raises
    PlaceError naming every unknown code, with close matches or the other edition's codes.
    """
    e = _check_edition(edition)
    codes = _as_codes(lad_codes)
    if not codes:
        raise PlaceError("No LAD codes given")
    lads = _lads(e)
    unknown = [c for c in codes if c not in set(lads["lad_code"])]
    if unknown:
        raise PlaceError(
            f"Unknown LAD code(s) for IoD{e}:\n"
            + "\n".join(f"  - {_unknown_lad_message(c, e, lads)}" for c in unknown)
        )
    df = lsoa_deprivation(e)
    return sorted(df.loc[df["lad_code"].isin(set(codes)), "lsoa_code"].tolist())


def lad_names(lad_codes, edition: int = DEFAULT_EDITION) -> str:
    """The names of LAD codes joined by ', ' (a code stays as it is when unknown)."""
    lads = _lads(_check_edition(edition))
    names = dict(zip(lads["lad_code"], lads["lad_name"]))
    return ", ".join(names.get(c, c) for c in _as_codes(lad_codes))


def lad_names_2019(lad_codes) -> str:
    """Names of LAD 2019 codes (a comma-separated string or a list), joined by ', '."""
    return lad_names(lad_codes, 2019)


def lad_measures(lad_codes, edition: int = DEFAULT_EDITION, name: str | None = None) -> dict:
    """``place_measures`` of the LSOAs of one or more LADs (named after them by default)."""
    lsoas = lad_lsoas(lad_codes, edition)
    return place_measures(lsoas, edition=edition, name=name or lad_names(lad_codes, edition))


def lad_table(
    edition: int = DEFAULT_EDITION,
    population: pd.Series | None = None,
) -> pd.DataFrame:
    """The summary measures of every LAD of the edition, one row per LAD.

    Columns ``lad_code``, ``lad_name``, ``lsoa_count``, ``population`` and
    ``{key}_{measure}`` for key in ("imd",) + DOMAINS.  ``population`` (a Series indexed
    by LSOA code) replaces the edition's denominators: used to measure how much the
    population choice moves the weighted measures.
    """
    e = _check_edition(edition)
    df = lsoa_deprivation(e)
    if population is not None:
        pop = df["lsoa_code"].map(population)
        if pop.isna().any():
            missing = df.loc[pop.isna(), "lsoa_code"].tolist()
            raise DataValidationError(
                f"The population given lacks {len(missing)} LSOA(s): {_listing(missing, 10)}"
            )
        df = df.assign(population=pop.astype(float).to_numpy())
    records = []
    for code, rows in df.groupby("lad_code", sort=True):
        rec = {
            "lad_code": code,
            "lad_name": rows["lad_name"].iloc[0],
            "lsoa_count": len(rows),
            "population": float(rows["population"].sum()),
        }
        for key, m in _measures_for(rows, e).items():
            for measure, v in m.items():
                rec[f"{key}_{measure}"] = np.nan if v is None else v
        records.append(rec)
    return pd.DataFrame.from_records(records)


def measure_differences(reference: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """How far two ``lad_table`` results (same edition, e.g. two population choices) differ.

    One row per (key, measure): max, 95th percentile and median absolute difference over
    LADs, the LAD with the largest, and the largest shift in the LAD's rank on that measure
    (1 = most deprived).
    """
    a = reference.set_index("lad_code")
    b = other.set_index("lad_code").reindex(a.index)
    rows = []
    for key in KEYS:
        for m in MEASURES:
            col = f"{key}_{m}"
            if a[col].isna().all() or b[col].isna().all():
                continue
            diff = (b[col] - a[col]).abs()
            shift = (
                b[col].rank(ascending=False, method="min")
                - a[col].rank(ascending=False, method="min")
            ).abs()
            rows.append(
                {
                    "key": key,
                    "measure": m,
                    "max_abs": float(diff.max()),
                    "p95_abs": float(diff.quantile(0.95)),
                    "median_abs": float(diff.median()),
                    "worst_lad": a.loc[diff.idxmax(), "lad_name"],
                    "max_rank_shift": int(shift.max()),
                }
            )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Official LA summary files (optional; used by the tests when present)
# --------------------------------------------------------------------------------------------

OFFICIAL_SUMMARY_SOURCES = {2019: "iod2019_lad_summaries", 2025: "iod2025_lad_summaries"}


def _measure_of_header(header: str) -> str | None:
    h = " ".join(str(header).replace("\ufeff", "").lower().split())
    if "rank of" in h:
        return None
    if "average rank" in h:
        return "average_rank"
    if "average score" in h:
        return "average_score"
    if "proportion" in h and "10%" in h:
        return "proportion_lsoas_most_deprived_10pct"
    if "extent" in h:
        return "extent"
    if "local concentration" in h:
        return "local_concentration"
    return None


def _decimals(text: str) -> int:
    t = text.strip().replace(",", "").rstrip("%")
    return len(t.split(".", 1)[1]) if "." in t else 0


def read_official_lad_summaries(edition: int = DEFAULT_EDITION) -> pd.DataFrame:
    """MHCLG's IMD LA district summaries (optional source), as published, one row per LAD.

    Columns ``lad_code`` and, for each measure found, ``{measure}`` (on our scale:
    proportions as fractions) and ``{measure}_decimals`` (decimal places published,
    so comparisons can allow for the rounding).  Raises MissingSourceFileError when absent.
    """
    e = _check_edition(edition)
    path = resolve(OFFICIAL_SUMMARY_SOURCES[e])
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], [r for r in rows[1:] if any(x.strip() for x in r)]
    code_col = next((i for i, h in enumerate(header) if "code" in h.lower()), None)
    if code_col is None:
        raise DataValidationError(f"{path}: no LAD code column in the header {header}")
    cols = {i: m for i, h in enumerate(header) if (m := _measure_of_header(h))}
    out = {"lad_code": [r[code_col].strip() for r in body]}
    for i, m in cols.items():
        raw = [r[i] if i < len(r) else "" for r in body]
        pct = any(x.strip().endswith("%") for x in raw)
        vals = [float(x.strip().replace(",", "").rstrip("%")) if x.strip() else np.nan for x in raw]
        dec = [_decimals(x) for x in raw]
        vals_a = np.asarray(vals, dtype=float)
        if m in ("proportion_lsoas_most_deprived_10pct", "extent") and (
            pct or np.nanmax(vals_a) > 1
        ):
            vals_a = vals_a / 100  # published as percentages
            dec = [d + 2 for d in dec]
        out[m] = vals_a
        out[f"{m}_decimals"] = dec
    return pd.DataFrame(out)
