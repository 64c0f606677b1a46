"""Simulated staff extracts for the demo: seeded, from real postcodes around each anchor's sites,
labelled simulated.

No real staff data is published anywhere, so the demo collaborative
(``simulate_staff: true``) gets a simulated extract per anchor, in the shape a
human-resources system exports, with a ``Simulated`` column set on every row:

* **Home postcodes** are real, live, residential postcodes (ONS lookup,
  Code-Point Open centroids).  Most (92%) are drawn around the anchor's sites
  with a distance decay: the chance of a postcode is proportional to
  ``exp(-d / 10 km)``, ``d`` the distance from its centroid to the nearest
  site, and nothing beyond 40 km.  The rest come from further away: 5% from
  the place's second tier (its region) and 3% from its outermost tier (the
  rest of the UK), uniformly over their postcodes.  1% are left blank and
  0.5% mistyped (a letter l for the digit 1), as in real extracts.
* **Pay** follows the shape of the national pay scales of the anchor's type
  (NJC for councils, Agenda for Change and medical for NHS trusts, police
  officers and staff, firefighters), as rough 2024-25 ranges written for this
  simulation, not the published scales; other years are scaled by the ratio
  of their Real Living Wage to 2024-25's.  The lowest grades, casual or bank
  staff and apprentices fall below the Real Living Wage, as they do in
  employers that are not accredited.
* **Contracts**: permanent 84%, fixed term 7%, casual/bank 5% (paid by the
  hour), apprentice 4%.  **Start dates**: 60% in the five financial years
  to the reference year (about 12% a year), the rest 5-30 years earlier; 7%
  have a leaving date in the last year.
* **People and assignments**: one row per assignment, under the person's ``Employee Number``
  with an ``Assignment Number`` (person + ``-01``, ``-02`` ...), as HR systems export them.
  Of salaried staff still in post who started over two years before the reference date, 8% moved
  post internally in the last three years (an earlier assignment ends the day before the current
  one starts, on 92% of its pay), and 4% of salaried staff in post also hold a casual or bank
  second assignment (0.1-0.3 FTE, paid by the hour around the Real Living Wage) started in the
  last three years: counting rows would count them twice, and their moves as new hires.

Every draw for an employee depends only on the seed, the anchor id and the
employee's number (the assignments' draws on a stream of their own), so a larger
simulation keeps the smaller one's people.
The extracts are written only under ``outputs/<collaborative>/private/`` (git
ignored, never published): they are staff-level rows, simulated or not.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.data.postcodes import locate_postcodes, postcode_index
from anchorlib.demo.supplier_postcodes import SIMULATED, live_postcodes_by_tier, stable_int
from anchorlib.workforce.rates import (
    HOURS_PER_WEEK,
    WEEKS_PER_YEAR,
    financial_year_bounds,
    latest_year,
    rlw_rate,
)

SEED = 20261128
DECAY_KM = 10.0
MAX_KM = 40.0
NEAR_SHARE = 0.92
BLANK_POSTCODE = 0.01
MISTYPED_POSTCODE = 0.005
PAY_YEAR = "2024-25"

#: Demo headcounts by anchor type: the order of magnitude of such a body, not any body's figure.
DEMO_SIZES = {
    "local_authority": 450,
    "nhs_trust": 7000,
    "icb": 600,
    "university": 4000,
    "college": 900,
    "police": 5800,
    "fire": 1300,
    "housing_association": 700,
    "cultural": 250,
    "other": 500,
}

#: (band, share of salaried staff, lowest, highest full-time annual pay in 2024-25 pounds).
#: Simulation only.
PAY_BANDS: dict[str, list[tuple[str, float, float, float]]] = {
    "local_authority": [
        ("Grade 1", 0.10, 23656, 24027),
        ("Grade 2", 0.12, 24404, 25183),
        ("Grade 3", 0.15, 25584, 27269),
        ("Grade 4", 0.15, 27711, 30060),
        ("Grade 5", 0.14, 30559, 32654),
        ("Grade 6", 0.13, 33366, 37938),
        ("Grade 7", 0.10, 38626, 42708),
        ("Grade 8", 0.07, 43693, 49764),
        ("Chief officer", 0.04, 55000, 120000),
    ],
    "nhs_trust": [
        ("Band 2", 0.12, 23615, 23615),
        ("Band 3", 0.12, 24071, 25674),
        ("Band 4", 0.10, 26530, 29114),
        ("Band 5", 0.20, 29970, 36483),
        ("Band 6", 0.15, 37338, 44962),
        ("Band 7", 0.10, 46148, 52809),
        ("Band 8a", 0.04, 53755, 60504),
        ("Band 8b-9", 0.03, 62215, 121271),
        ("Medical", 0.14, 36616, 126281),
    ],
    "police": [
        ("Police staff A-C", 0.14, 23500, 27500),
        ("Police staff D-F", 0.16, 27500, 36000),
        ("Police staff G-J", 0.08, 36000, 55000),
        ("PCSO", 0.05, 27000, 31500),
        ("Constable", 0.42, 29907, 48231),
        ("Sergeant", 0.09, 51609, 54786),
        ("Inspector and above", 0.06, 60000, 95000),
    ],
    "fire": [
        ("Support staff", 0.20, 23600, 40000),
        ("Trainee firefighter", 0.07, 28215, 28215),
        ("Firefighter", 0.45, 35626, 37501),
        ("Crew manager", 0.12, 39896, 41616),
        ("Watch manager", 0.10, 42491, 47318),
        ("Station manager and above", 0.06, 50000, 90000),
    ],
    "other": [
        ("Grade 1-2", 0.15, 23000, 26000),
        ("Grade 3-4", 0.25, 26000, 32000),
        ("Grade 5-6", 0.30, 32000, 42000),
        ("Grade 7-8", 0.22, 42000, 60000),
        ("Grade 9+", 0.08, 60000, 110000),
    ],
}
#: (contract type, share, how paid)
CONTRACTS = [
    ("Permanent", 0.84, "salary"),
    ("Fixed Term", 0.07, "salary"),
    ("Casual", 0.05, "hourly"),
    ("Apprentice", 0.04, "apprentice"),
]
PART_TIME_FTE = [0.8, 0.75, 0.6, 0.53, 0.5, 0.4]
#: Of salaried staff in post who started over two years before the reference date: the share who
#: moved post internally in the last three years.
MOVE_SHARE = 0.08
#: Of salaried staff in post: the share with a casual or bank second assignment.
SECOND_POST_SHARE = 0.04
EXTRACT_COLUMNS = [
    "Employee Number",
    "Assignment Number",
    "Home Postcode",
    "FTE",
    "Annual Pay",
    "Hourly Rate",
    "Contract Type",
    "Band",
    "Start Date",
    "Leaving Date",
    "Simulated",
]


def _years(years: float) -> dt.timedelta:
    return dt.timedelta(days=int(years * 365.25))


def employee_id(anchor_id: str, i: int) -> str:
    return f"SIM-{anchor_id.upper()}-{i:05d}"


@lru_cache(maxsize=8)
def _commuting_pool(sites: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Live residential postcodes within MAX_KM of a site (sorted) and their cumulative draw
    weights."""
    located = locate_postcodes(list(sites))
    bad = located[(located["status"] != "live") | located["easting"].isna()]
    if len(bad):
        raise ValueError(
            f"site postcode(s) {bad['input'].tolist()} cannot be placed (not live, or no "
            "Code-Point centroid): a simulation needs the sites' coordinates"
        )
    xy = located[["easting", "northing"]].to_numpy(dtype=float)
    idx = postcode_index()
    live = idx[(idx["status"] == "live") & (idx["usertype"] == "0") & idx["easting"].notna()]
    px = live["easting"].to_numpy(dtype=float)
    py = live["northing"].to_numpy(dtype=float)
    d = np.min(np.hypot(px[:, None] - xy[None, :, 0], py[:, None] - xy[None, :, 1]), axis=1) / 1000
    near = d <= MAX_KM
    pcds = live["pcds"].astype("str").to_numpy()[near]
    order = np.argsort(pcds, kind="stable")
    weights = np.exp(-d[near][order] / DECAY_KM)
    cum = np.cumsum(weights)
    return pcds[order], cum / cum[-1] if len(cum) else cum


def _far_shares(place) -> dict[str, float]:
    names = [t.name for t in place.tiers]
    far = 1 - NEAR_SHARE
    if len(names) >= 3:
        return {names[1]: 0.05 / 0.08 * far, names[-1]: 0.03 / 0.08 * far}
    if len(names) == 2:
        return {names[-1]: far}
    return {}


def _scale(year: str) -> float:
    # the simulated pay follows the rate announced by the year's end (a fixed convention of the
    # simulation, whichever rate the indicators test against)
    return rlw_rate(year, "uk", "announced") / rlw_rate(PAY_YEAR, "uk", "announced")


def simulate_staff(
    anchor, place, n: int, seed: int = SEED, *, year: str | None = None
) -> pd.DataFrame:
    """A simulated staff extract for ``anchor`` (an AnchorSpec with ``sites``), ``n`` employees,
    columns :data:`EXTRACT_COLUMNS` as an HR system might export them; every row has ``Simulated``
    = simulated.

    ``year``: the financial year of the snapshot (its 31 March is the reference
    date for start and leaving dates; pay is scaled to it); default the latest
    year of the Real Living Wage table.
    """
    if not anchor.sites:
        raise ValueError(
            f"anchor '{anchor.id}' has no sites: a staff simulation draws homes around them"
        )
    if n < 1:
        raise ValueError("n must be at least 1")
    draw = _Draws.of(anchor, place, year or latest_year())
    rows = []
    for i in range(1, n + 1):
        u = np.random.default_rng([seed, stable_int("staff", anchor.id, i)]).random(14)
        # the assignments draw on a stream of their own, so every person's main draws are as
        # they were before people had several assignments
        v = np.random.default_rng([seed, stable_int("staff-assignments", anchor.id, i)]).random(6)
        rows += draw.assignments(draw.employee(i, u), v)
    return pd.DataFrame(rows, columns=EXTRACT_COLUMNS)


@dataclass
class _Draws:
    """What the draws of one anchor's simulation need: the postcode pools, the pay bands and
    contracts as cumulative shares, the reference date and the pay scale of the year."""

    anchor: object
    ref: dt.date
    scale: float
    rlw: float
    near_pcds: np.ndarray
    near_cum: np.ndarray
    pools: dict[str, np.ndarray]
    far_names: list[str]
    far_cum: np.ndarray
    bands: list[tuple[str, float, float, float]]
    band_cum: np.ndarray
    contract_cum: np.ndarray

    @classmethod
    def of(cls, anchor, place, year: str) -> _Draws:
        _, ref = financial_year_bounds(year)
        scale = _scale(year)
        rlw = rlw_rate(year, "uk", "announced")
        near_pcds, near_cum = _commuting_pool(tuple(anchor.sites))
        far = _far_shares(place)
        pools = live_postcodes_by_tier(place) if far else {}
        far = {k: v for k, v in far.items() if len(pools.get(k, ())) > 0}
        far_names = list(far)
        bands = PAY_BANDS.get(anchor.type, PAY_BANDS["other"])
        return cls(
            anchor=anchor,
            ref=ref,
            scale=scale,
            rlw=rlw,
            near_pcds=near_pcds,
            near_cum=near_cum,
            pools=pools,
            far_names=far_names,
            far_cum=np.cumsum([far[k] for k in far_names]),
            bands=bands,
            band_cum=np.cumsum([b[1] for b in bands]),
            contract_cum=np.cumsum([c[1] for c in CONTRACTS]),
        )

    def employee(self, i: int, u: np.ndarray) -> dict:
        """Employee ``i``'s row of the extract, from its 14 uniform draws ``u``."""
        label, fte, annual, hourly, band = self._contract_and_pay(u)
        start, leaving = self._dates(u)
        return {
            "Employee Number": employee_id(self.anchor.id, i),
            "Home Postcode": self._postcode(u),
            "FTE": fte,
            "Annual Pay": annual,
            "Hourly Rate": hourly,
            "Contract Type": label,
            "Band": band,
            "Start Date": start.strftime("%d/%m/%Y"),
            "Leaving Date": leaving.strftime("%d/%m/%Y") if leaving else None,
            "Simulated": SIMULATED,
        }

    def assignments(self, row: dict, v: np.ndarray) -> list[dict]:
        """The assignment rows of the person whose current assignment is ``row``, from 6 uniform
        draws ``v``: an earlier post left by an internal move, a casual or bank second post."""
        person = row["Employee Number"]
        out = [dict(row, **{"Assignment Number": f"{person}-01"})]
        salaried = row["Annual Pay"] is not None and row["Band"] != "Apprentice"
        if not salaried or row["Leaving Date"] is not None:
            return out
        ref = self.ref
        start = dt.datetime.strptime(row["Start Date"], "%d/%m/%Y").date()
        if v[0] < MOVE_SHARE and start <= ref - _years(2):
            move = max(start + _years(1), ref - _years(3 * v[1]))
            earlier = dict(out[0])
            earlier["Annual Pay"] = round(row["Annual Pay"] * 0.92, 2)
            earlier["Leaving Date"] = (move - dt.timedelta(days=1)).strftime("%d/%m/%Y")
            current = dict(out[0], **{"Start Date": move.strftime("%d/%m/%Y")})
            current["Assignment Number"] = f"{person}-02"
            out = [earlier, current]
        if v[2] < SECOND_POST_SHARE:
            kind = "Bank" if self.anchor.type == "nhs_trust" else "Casual"
            second = max(start, ref - _years(3 * v[5]))
            out.append(
                dict(
                    row,
                    **{
                        "Assignment Number": f"{person}-{len(out) + 1:02d}",
                        "FTE": round(0.1 + 0.2 * v[3], 2),
                        "Annual Pay": None,
                        "Hourly Rate": round(self.rlw * (0.95 + 0.15 * v[4]), 2),
                        "Contract Type": kind,
                        "Band": kind,
                        "Start Date": second.strftime("%d/%m/%Y"),
                        "Leaving Date": None,
                    },
                )
            )
        return out

    def _postcode(self, u: np.ndarray) -> str:
        near_pcds, far_names = self.near_pcds, self.far_names
        if u[0] < NEAR_SHARE or not far_names:
            postcode = near_pcds[
                min(int(np.searchsorted(self.near_cum, u[1], side="right")), len(near_pcds) - 1)
            ]
        else:
            tier = far_names[
                min(
                    int(np.searchsorted(self.far_cum, u[0] - NEAR_SHARE, side="right")),
                    len(far_names) - 1,
                )
            ]
            pool = self.pools[tier]
            postcode = pool[min(int(u[1] * len(pool)), len(pool) - 1)]
        if u[2] < BLANK_POSTCODE:
            postcode = ""
        elif u[2] < BLANK_POSTCODE + MISTYPED_POSTCODE:
            postcode = (
                postcode[:-3] + "l" + postcode[-2:]
                if postcode[-3] == "1"
                else postcode[:-3] + "O" + postcode[-2:]
            )
        return postcode

    def _contract_and_pay(self, u: np.ndarray) -> tuple:
        """(contract type, FTE, annual pay, hourly rate, band)."""
        casual = "Bank" if self.anchor.type == "nhs_trust" else "Casual"
        label, _, paid = CONTRACTS[
            min(int(np.searchsorted(self.contract_cum, u[3], side="right")), len(CONTRACTS) - 1)
        ]
        fte = (
            1.0
            if u[4] < 0.72
            else PART_TIME_FTE[int(u[5] * len(PART_TIME_FTE)) % len(PART_TIME_FTE)]
        )
        annual = hourly = None
        if paid == "salary":
            band, _, lo, hi = self.bands[
                min(int(np.searchsorted(self.band_cum, u[6], side="right")), len(self.bands) - 1)
            ]
            annual = round((lo + (hi - lo) * u[7]) * self.scale * fte, 2)
        elif paid == "hourly":
            band, fte = "Casual" if casual == "Casual" else "Bank", round(0.1 + 0.4 * u[5], 2)
            hourly = round(self.rlw * (0.93 + 0.15 * u[7]), 2)
            label = casual
        else:
            band = "Apprentice"
            hours = getattr(self.anchor, "staff_hours_per_week", None) or HOURS_PER_WEEK
            hours_year = hours * WEEKS_PER_YEAR
            annual = round(self.rlw * (0.62 + 0.38 * u[7]) * fte * hours_year, 2)
        return label, fte, annual, hourly, band

    def _dates(self, u: np.ndarray) -> tuple[dt.date, dt.date | None]:
        """(start date, leaving date or None)."""
        ref = self.ref
        if u[8] < 0.6:
            start = ref - dt.timedelta(days=int(u[9] * 5 * 365.25))
        else:
            start = ref - dt.timedelta(days=int((5 + 25 * u[9]) * 365.25))
        leaving = None
        if u[10] < 0.07:
            first = max(start, ref - dt.timedelta(days=365))
            leaving = first + dt.timedelta(days=int(u[11] * (ref - first).days))
        return start, leaving


PRIVATE_README = """This folder holds staff-level data (one row per employee).
Here it is simulated (anchorlib.demo.staff), but treat it as personal data all the same:
never publish it, never commit it (outputs/ is git-ignored), and delete it when done.
Published workforce figures are under ../workforce/, aggregated and through disclosure control.
"""


def write_private(extract: pd.DataFrame, folder: str | Path, name: str) -> Path:
    """Write a staff-level extract under a ``private`` folder (created with a README saying what it
    is)."""
    folder = Path(folder)
    if folder.name != "private":
        raise ValueError(f"staff-level files go only in a folder named 'private', not {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    readme = folder / "README.txt"
    if not readme.exists():
        readme.write_text(PRIVATE_README, encoding="utf-8")
    target = folder / name
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    extract.to_csv(tmp, index=False)
    tmp.replace(target)
    return target
