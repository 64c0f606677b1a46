"""Workforce indicators: where an anchor's staff live, what they are paid, whom it hires.

Pure functions of data frames: validated staff (:func:`anchorlib.workforce.staff.read_staff`) in,
aggregate tables out, every one through disclosure control
(:mod:`anchorlib.workforce.disclosure`): no function here returns a row per person.

:func:`workforce_indicators` turns validated staff of one or more anchors into the published
tables: staff and pay by home tier and by IMD decile of the home LSOA, the share in the most
deprived areas, the share paid at or above the Real Living Wage, and the share of new starters
from deprived areas (the Healthcare Anchor Network's "impact hire" goal: at least 10%).

Conventions (docs/indicators/workforce.md has them all):

* **People, not assignments** (:mod:`anchorlib.workforce.people`): the rows of one person id
  are one person; an NHS ESR assignment number is refused as a person id on reading.
* **Reference date** of financial year ``2024-25``: 31 March 2025.  Staff in post are the people
  with an assignment started on or before it and not left before it (a leaving date is the last
  day of service), with an FTE above 0 (summed over those assignments); those with FTE 0 (bank,
  zero hours) are counted as their own group (``zero_fte_staff``), outside the headcount tables.
  **Starters** began a spell of employment 1 April 2024 - 31 March 2025: an internal move (a new
  assignment within a week of the last one's end, or while one runs) is not a new hire.
* **Real Living Wage**: the rate in force at the reference date (:mod:`anchorlib.workforce.rates`,
  the hourly rate convention too).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from anchorlib.config.places import OUTSIDE, UNKNOWN, classify_postcodes
from anchorlib.workforce.disclosure import (
    DEFAULT_ROUNDING,
    DEFAULT_THRESHOLD,
    LinkedCells,
    dominated,
    round_to_base,
)
from anchorlib.workforce.people import MOVE_GAP_DAYS, people
from anchorlib.workforce.rates import (
    HOURS_PER_WEEK,
    financial_year_bounds,
    rlw_rate,
    rlw_source,
)
from anchorlib.workforce.staff import STAFF_COLUMNS

__all__ = [
    "IMPACT_HIRE_TARGET",
    "COMBINED",
    "PUBLISHED_TABLES",
    "WorkforceOptions",
    "workforce_indicators",
]

IMPACT_HIRE_TARGET = 0.10
COMBINED = "combined"
#: Headline cells (totals, the local and deprived counts, RLW and impact-hire numerators) are chosen
#: as complements for secondary suppression only after every other cell (their cost is multiplied
#: by this).
HEADLINE_WEIGHT = 100.0
#: The tables of :func:`workforce_indicators` that are published (besides ``meta``), in order.
PUBLISHED_TABLES = (
    "summary",
    "staff_by_tier",
    "staff_within_tier",
    "staff_by_decile",
    "deprived",
    "rlw",
    "impact_hires",
)
_COUNT_COLUMNS = (
    "headcount",
    "staff",
    "at_or_above",
    "below",
    "starters",
    "deprived",
    "not_deprived",
    "no_decile",
    "zero_fte_staff",
)
_STARTER_CATS = ["deprived", "not_deprived", "no_decile"]


@dataclass
class WorkforceOptions:
    """Choices behind the workforce indicators (every one is printed in the outputs' meta.json)."""

    #: the Real Living Wage tested at the reference date: 'in_force' (its implementation
    #: deadline has passed; the default) or 'announced' (announced by then; only when asked for)
    rlw_basis: Literal["announced", "in_force"] = "in_force"
    #: the HAN impact-hire goal: share of new starters from deprived areas
    impact_hire_target: float = IMPACT_HIRE_TARGET
    #: pay cells are hidden when one person earns more than this share of the cell's pay
    dominance: float = 0.5
    #: published pay totals are rounded to this many pounds
    pay_rounding: int = 1000
    #: shares are published to this many decimal places (3: 0.1 percentage point)
    share_decimals: int = 3
    rlw_path: str | None = None


def workforce_indicators(
    staff: pd.DataFrame,
    place,
    year: str,
    settings=None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int | None = DEFAULT_ROUNDING,
    options: WorkforceOptions | None = None,
) -> dict:
    """Published workforce indicators for each anchor in ``staff`` (and ``combined`` when there are
    several).

    ``staff``: validated staff (:func:`anchorlib.workforce.staff.read_staff`), one or more anchors;
    ``place``: :class:`anchorlib.config.places.Place`; ``year``: financial year
    ``'2024-25'``; ``settings``: the collaborative's ``indicators`` (for
    ``deprived_deciles``; default deciles 1-2).

    Returns a dict of aggregate tables, all already through disclosure
    control (<NA> = suppressed; counts rounded to ``rounding``; pay to
    ``options.pay_rounding`` pounds; shares computed from unrounded figures):

    * ``staff_by_tier``: per anchor and home tier (innermost ring; ``unknown``:
      home postcode missing, invalid or not in the ONS lookup): headcount,
      headcount_share, fte, pay, pay_share, and a ``Total`` row.
    * ``staff_within_tier``: cumulative tiers (e.g. living in the place or
      its wider region) when the place has more than one bounded tier.
    * ``staff_by_decile``: per anchor and IMD 2025 decile of the home LSOA
      (``no_imd``: placed, but outside England; ``unknown`` as above).
    * ``deprived``: staff (and pay) living in the ``deprived_deciles``.
    * ``rlw``: staff paid at or above the Real Living Wage for the year.
    * ``impact_hires``: starters in the year, those from deprived areas and their share against
      the target.
    * ``summary``: the headline figures per anchor; ``meta``: every convention used.
    """
    opts = options or WorkforceOptions()
    deprived = sorted(getattr(settings, "deprived_deciles", None) or [1, 2])
    missing = set(STAFF_COLUMNS) - set(staff.columns) - {"assignment"}  # assignment: optional
    if missing:
        raise ValueError(
            f"staff lacks columns {sorted(missing)}: "
            "read it with anchorlib.workforce.staff.read_staff"
        )
    if staff.empty:
        raise ValueError("no staff")
    financial_year_bounds(year)
    f = _staff_level(staff, place, year, deprived, opts)
    lay = _Layout.of(f, place, deprived)
    cells = _Cells.of(f, lay)
    pub = _Published.of(cells, lay, threshold, rounding, opts)

    uk_rate = rlw_rate(year, "uk", opts.rlw_basis, opts.rlw_path)
    ldn_rate = rlw_rate(year, "london", opts.rlw_basis, opts.rlw_path)
    tables = {
        **_staff_tables(pub, lay),
        "rlw": _rlw_table(pub, lay, year, uk_rate, ldn_rate),
        "impact_hires": _hires_table(pub, lay, year, opts.impact_hire_target),
        "summary": _summary_table(pub, lay, year),
    }
    for table in tables.values():
        _set_dtypes(table, opts)
    meta = _meta(lay, pub, year, threshold, rounding, opts, uk_rate, ldn_rate)
    return {
        "staff_by_tier": tables["staff_by_tier"],
        "staff_within_tier": tables["staff_within_tier"],
        "staff_by_decile": tables["staff_by_decile"],
        "deprived": tables["deprived"],
        "rlw": tables["rlw"],
        "impact_hires": tables["impact_hires"],
        "summary": tables["summary"],
        "meta": meta,
    }


def _staff_level(
    staff: pd.DataFrame, place, year: str, deprived: list[int], opts: WorkforceOptions
) -> pd.DataFrame:
    """Private working frame, one row per person (:func:`anchorlib.workforce.people.people`: a
    person's assignments counted once, an internal move not a starter) with the categories used
    (never returned by a public function)."""
    start, end = financial_year_bounds(year)
    ref = pd.Timestamp(end)
    rates = np.where(
        staff["rlw_area"].to_numpy() == "london",
        rlw_rate(year, "london", opts.rlw_basis, opts.rlw_path),
        rlw_rate(year, "uk", opts.rlw_basis, opts.rlw_path),
    )
    p = people(staff, pd.Timestamp(start), ref, rates)
    located = classify_postcodes(place, p["home_postcode"].astype(object).to_numpy())
    placed = located["status"].isin(["live", "terminated"]).to_numpy()
    tier = located["tier"].astype("str").to_numpy()
    decile = located["imd25_decile"].astype("Int64").to_numpy(dtype=float, na_value=np.nan)
    f = pd.DataFrame({"anchor": p["anchor"].astype("str").to_numpy()})
    outside = np.isin(tier, [UNKNOWN, OUTSIDE])
    f["tier"] = np.where(~placed, UNKNOWN, np.where(outside, "outside_tiers", tier))
    named = np.array(["no_imd" if np.isnan(d) else str(int(d)) for d in decile], dtype=object)
    f["decile"] = np.where(~placed, UNKNOWN, named)
    f["deprived"] = np.isin(decile, deprived)
    on_books = p["on_books"].to_numpy(dtype=bool)
    zero = (p["fte"] == 0).to_numpy()
    f["in_post"] = on_books & ~zero
    f["zero_fte"] = on_books & zero
    f["starter"] = p["starter"].to_numpy(dtype=bool)
    f["fte"] = p["fte"].to_numpy()
    f["pay"] = p["pay"].to_numpy()
    f["at_rlw"] = p["at_rlw"].to_numpy(dtype=bool)
    f["simulated"] = p["simulated"].to_numpy(dtype=bool)
    f["starter_cat"] = np.where(
        f["deprived"],
        "deprived",
        np.where((f["decile"] == UNKNOWN) | (f["decile"] == "no_imd"), "no_decile", "not_deprived"),
    )
    return f


@dataclass
class _Layout:
    """The groups of the tables (each anchor, and ``combined`` when there are several) and their
    categories (home tiers, cumulative tiers, IMD deciles), with the cell key of each."""

    f: pd.DataFrame
    place: object
    deprived: list[int]
    anchors: list[str]
    groups: list[str]
    tiers: list[str]
    tier_cats: list[str]
    cumulative: list[str]
    decile_cats: list[str]
    local_tier: str

    @classmethod
    def of(cls, f: pd.DataFrame, place, deprived: list[int]) -> _Layout:
        anchors = list(dict.fromkeys(f["anchor"]))
        tiers = [t.name for t in place.tiers]
        has_everywhere = any(t.everywhere for t in place.tiers)
        return cls(
            f=f,
            place=place,
            deprived=deprived,
            anchors=anchors,
            groups=anchors + ([COMBINED] if len(anchors) > 1 else []),
            tiers=tiers,
            tier_cats=tiers + ([] if has_everywhere else ["outside_tiers"]) + ["unknown"],
            cumulative=[t.name for i, t in enumerate(place.tiers) if i > 0 and not t.everywhere],
            decile_cats=[str(d) for d in range(1, 11)] + ["no_imd", "unknown"],
            local_tier=_place_tier(place),
        )

    def members(self, g: str) -> pd.DataFrame:
        return self.f if g == COMBINED else self.f[self.f["anchor"] == g]

    def staff_keys(self, g: str) -> list[tuple]:
        keys = (
            [("staff", g)]
            + [("tier", g, t) for t in self.tier_cats if t != "unknown"]
            + [("unplaced", g)]
        )
        keys += [("decile", g, d) for d in self.decile_cats if d != "unknown"]
        keys += [("within", g, t) for t in self.cumulative] + [("deprived", g)]
        return keys

    def staff_part(self, post: pd.DataFrame, key: tuple) -> pd.DataFrame:
        kind = key[0]
        if kind == "staff":
            return post
        if kind == "tier":
            return post[post["tier"] == key[2]]
        if kind == "unplaced":
            return post[post["tier"] == "unknown"]
        if kind == "decile":
            return post[post["decile"] == key[2]]
        if kind == "within":
            upto = self.tiers[: self.tiers.index(key[2]) + 1]
            return post[post["tier"].isin(upto)]
        if kind == "deprived":
            return post[post["deprived"]]
        raise KeyError(key)

    def local_key(self, g: str) -> tuple:
        if self.tiers.index(self.local_tier) == 0:
            return ("tier", g, self.local_tier)
        return ("within", g, self.local_tier)

    def tier_key(self, g: str, t: str) -> tuple:
        return ("unplaced", g) if t == "unknown" else ("tier", g, t)

    def decile_key(self, g: str, d: str) -> tuple:
        return ("unplaced", g) if d == "unknown" else ("decile", g, d)


@dataclass
class _Cells:
    """The cells, one linked system per measure (count, fte, pay), and the largest pay in each."""

    n: LinkedCells
    fte: LinkedCells
    pay: LinkedCells
    largest: dict

    @classmethod
    def of(cls, f: pd.DataFrame, lay: _Layout) -> _Cells:
        cells = cls(LinkedCells(), LinkedCells(), LinkedCells(), {})
        for g in lay.groups:
            m = lay.members(g)
            post = m[m["in_post"]]
            cells._add_staff(g, post, lay)
            cells._add_counts(g, m, post)
        if COMBINED in lay.groups:  # a collaborative figure is the sum of its anchors' figures
            for linked in (cells.n, cells.fte, cells.pay):
                for key in [k for k in linked.values if k[1] == COMBINED]:
                    linked.relate(key, [(key[0], a, *key[2:]) for a in lay.anchors])
        return cells

    def _add_staff(self, g: str, post: pd.DataFrame, lay: _Layout) -> None:
        """Staff in post by tier, decile, cumulative tier and deprivation: count, FTE and pay."""
        headline = {("staff", g), ("deprived", g), lay.local_key(g)}
        for key in lay.staff_keys(g):
            part = lay.staff_part(post, key)
            w = HEADLINE_WEIGHT if key in headline else 1.0
            self.n.add(key, len(part), w)
            self.fte.add(key, round(float(part["fte"].sum()), 6), w)
            self.pay.add(key, round(float(part["pay"].sum()), 2), w)
            self.largest[key] = float(part["pay"].max()) if len(part) else 0.0
        for cells in (self.n, self.fte, self.pay):
            cells.relate(
                ("staff", g),
                [("tier", g, t) for t in lay.tier_cats if t != "unknown"] + [("unplaced", g)],
            )
            cells.relate(
                ("staff", g),
                [("decile", g, d) for d in lay.decile_cats if d != "unknown"] + [("unplaced", g)],
            )
            cells.relate(("deprived", g), [("decile", g, str(d)) for d in lay.deprived])
            for t in lay.cumulative:
                upto = lay.tiers[: lay.tiers.index(t) + 1]
                cells.relate(("within", g, t), [("tier", g, u) for u in upto])

    def _add_counts(self, g: str, m: pd.DataFrame, post: pd.DataFrame) -> None:
        """Counts only: the Real Living Wage (staff in post) and starters."""
        n = self.n
        n.add(("rlw", g, "at_or_above"), int(post["at_rlw"].sum()), HEADLINE_WEIGHT)
        n.add(("rlw", g, "below"), int((~post["at_rlw"]).sum()))
        n.relate(("staff", g), [("rlw", g, "at_or_above"), ("rlw", g, "below")])
        n.add(("zero_fte", g), int(m["zero_fte"].sum()))
        starters = m[m["starter"]]
        n.add(("starters", g), len(starters), HEADLINE_WEIGHT)
        for c in _STARTER_CATS:
            n.add(
                ("starters", g, c),
                int((starters["starter_cat"] == c).sum()),
                HEADLINE_WEIGHT if c == "deprived" else 1.0,
            )
        n.relate(("starters", g), [("starters", g, c) for c in _STARTER_CATS])


@dataclass
class _Published:
    """The cells after disclosure control: the published value of each (<NA> when hidden)."""

    cells: _Cells
    hidden_n: set
    hidden_fte: set
    hidden_pay: set
    rounding: int | None
    opts: WorkforceOptions
    labels: dict[str, str]

    @classmethod
    def of(
        cls,
        cells: _Cells,
        lay: _Layout,
        threshold: int,
        rounding: int | None,
        opts: WorkforceOptions,
    ) -> _Published:
        n_cells, fte_cells, pay_cells = cells.n, cells.fte, cells.pay
        hidden_n = n_cells.protect(n_cells.small_counts(threshold))
        hidden_fte = fte_cells.protect({k for k in fte_cells.values if k in hidden_n})
        pay_primary = {
            k
            for k in pay_cells.values
            if k in hidden_n or dominated(pay_cells.values[k], cells.largest[k], opts.dominance)
        }
        hidden_pay = pay_cells.protect(pay_primary)
        for linked, hidden, primary in (
            (n_cells, hidden_n, n_cells.small_counts(threshold)),
            (fte_cells, hidden_fte, hidden_n & set(fte_cells.values)),
            (pay_cells, hidden_pay, pay_primary),
        ):
            problems = linked.check(hidden, primary)
            if problems:  # pragma: no cover - protect() guarantees this; a failure is a bug
                raise AssertionError("disclosure check failed: " + "; ".join(problems[:5]))
        labels = {g: _data_label(lay.members(g)) for g in lay.groups}
        return cls(cells, hidden_n, hidden_fte, hidden_pay, rounding, opts, labels)

    def n(self, key):
        if key in self.hidden_n:
            return pd.NA
        return round_to_base(self.cells.n.values[key], self.rounding)

    def fte(self, key):
        return pd.NA if key in self.hidden_fte else round(self.cells.fte.values[key], 1)

    def pay(self, key):
        if key in self.hidden_pay:
            return pd.NA
        return round_to_base(self.cells.pay.values[key], self.opts.pay_rounding)

    def _share(self, cells: LinkedCells, hidden: set, key, total):
        if key in hidden or total in hidden:
            return pd.NA
        return _published_share(cells.values[key], cells.values[total], self.opts.share_decimals)

    def n_share(self, key, total):
        return self._share(self.cells.n, self.hidden_n, key, total)

    def pay_share(self, key, total):
        return self._share(self.cells.pay, self.hidden_pay, key, total)

    def staff_row(self, g: str, label: dict, key) -> dict:
        return {
            "anchor": g,
            **label,
            "headcount": self.n(key),
            "headcount_share": self.n_share(key, ("staff", g)),
            "fte": self.fte(key),
            "pay": self.pay(key),
            "pay_share": self.pay_share(key, ("staff", g)),
            "data": self.labels[g],
        }


def _published_share(num, den, decimals: int):
    if pd.isna(num) or pd.isna(den) or not den:
        return pd.NA
    return round(float(num) / float(den), decimals)


def _staff_tables(pub: _Published, lay: _Layout) -> dict[str, pd.DataFrame]:
    """staff_by_tier, staff_within_tier, staff_by_decile and deprived."""
    groups, row = lay.groups, pub.staff_row
    by_tier = pd.DataFrame(
        [row(g, {"tier": t}, lay.tier_key(g, t)) for g in groups for t in lay.tier_cats]
        + [row(g, {"tier": "Total"}, ("staff", g)) for g in groups]
    )
    within = pd.DataFrame(
        [
            row(g, {"tier": t}, ("tier", g, t) if i == 0 else ("within", g, t))
            for g in groups
            for i, t in enumerate(lay.tiers)
            if not lay.place.tiers[i].everywhere
        ]
    )
    by_decile = pd.DataFrame(
        [row(g, {"imd25_decile": d}, lay.decile_key(g, d)) for g in groups for d in lay.decile_cats]
        + [row(g, {"imd25_decile": "Total"}, ("staff", g)) for g in groups]
    )
    dep = pd.DataFrame(
        [row(g, {"deciles": _decile_label(lay.deprived)}, ("deprived", g)) for g in groups]
    )
    return {
        "staff_by_tier": by_tier,
        "staff_within_tier": within,
        "staff_by_decile": by_decile,
        "deprived": dep,
    }


def _rlw_table(
    pub: _Published, lay: _Layout, year: str, uk_rate: float, ldn_rate: float
) -> pd.DataFrame:
    n, n_share = pub.n, pub.n_share
    return pd.DataFrame(
        [
            {
                "anchor": g,
                "year": year,
                "rlw_uk": uk_rate,
                "rlw_london": ldn_rate,
                "staff": n(("staff", g)),
                "at_or_above": n(("rlw", g, "at_or_above")),
                "below": n(("rlw", g, "below")),
                "share_at_or_above": n_share(("rlw", g, "at_or_above"), ("staff", g)),
                "data": pub.labels[g],
            }
            for g in lay.groups
        ]
    )


def _hires_table(pub: _Published, lay: _Layout, year: str, target: float) -> pd.DataFrame:
    n = pub.n
    hires = []
    for g in lay.groups:
        s = pub.n_share(("starters", g, "deprived"), ("starters", g))
        hires.append(
            {
                "anchor": g,
                "year": year,
                "starters": n(("starters", g)),
                "deprived": n(("starters", g, "deprived")),
                "not_deprived": n(("starters", g, "not_deprived")),
                "no_decile": n(("starters", g, "no_decile")),
                "deprived_share": s,
                "target": target,
                "meets_target": pd.NA if pd.isna(s) else bool(s >= target),
                "data": pub.labels[g],
            }
        )
    return pd.DataFrame(hires)


def _summary_table(pub: _Published, lay: _Layout, year: str) -> pd.DataFrame:
    n, n_share, local_tier = pub.n, pub.n_share, lay.local_tier
    return pd.DataFrame(
        [
            {
                "anchor": g,
                "year": year,
                "staff": n(("staff", g)),
                f"in_{local_tier}_share": n_share(lay.local_key(g), ("staff", g)),
                f"pay_in_{local_tier}_share": pub.pay_share(lay.local_key(g), ("staff", g)),
                "deprived_share": n_share(("deprived", g), ("staff", g)),
                "rlw_share": n_share(("rlw", g, "at_or_above"), ("staff", g)),
                "starters": n(("starters", g)),
                "impact_hire_share": n_share(("starters", g, "deprived"), ("starters", g)),
                "zero_fte_staff": n(("zero_fte", g)),
                "data": pub.labels[g],
            }
            for g in lay.groups
        ]
    )


def _set_dtypes(table: pd.DataFrame, opts: WorkforceOptions) -> None:
    """Counts as Int64, pay as Int64 (rounded) or Float64, shares and FTE as Float64, in place."""
    for c in _COUNT_COLUMNS:
        if c in table.columns:
            table[c] = table[c].astype("Int64")
    if "pay" in table.columns:
        table["pay"] = table["pay"].astype("Int64" if opts.pay_rounding else "Float64")
    for c in [c for c in table.columns if c.endswith("share") or c == "fte"]:
        table[c] = table[c].astype("Float64")


def _meta(
    lay: _Layout,
    pub: _Published,
    year: str,
    threshold: int,
    rounding: int | None,
    opts: WorkforceOptions,
    uk_rate: float,
    ldn_rate: float,
) -> dict:
    """Every convention behind the tables (meta.json)."""
    start, end = financial_year_bounds(year)
    return {
        "year": year,
        "reference_date": end.isoformat(),
        "starters_from": start.isoformat(),
        "starters_to": end.isoformat(),
        "place": lay.place.name,
        "tiers": lay.tiers,
        "local_tier": lay.local_tier,
        "deprived_deciles": lay.deprived,
        "imd": "English Indices of Deprivation 2025 (LSOA 2021), decile 1 = most deprived",
        "disclosure": {
            "threshold": threshold,
            "rounding": rounding,
            "pay_rounding": opts.pay_rounding,
            "dominance": opts.dominance,
            "share_decimals": opts.share_decimals,
            "suppressed": (
                "<NA> / empty: suppressed (a count below the threshold, or hidden to protect one)"
            ),
            "shares": "computed from unrounded figures; protection does not rely on rounding",
        },
        "rlw": {
            "basis": opts.rlw_basis,
            "rule": (
                f"the rate in force on {end.isoformat()} (implementation deadline passed)"
                if opts.rlw_basis == "in_force"
                else f"the latest rate announced by {end.isoformat()} (asked for explicitly)"
            ),
            "uk": uk_rate,
            "london": ldn_rate,
            **rlw_source(opts.rlw_path),
        },
        "hours_convention": (
            "hourly rate = FTE annual pay / (the anchor's contracted hours per week x 365/7 "
            f"weeks) when not given; hours per week {HOURS_PER_WEEK:g} unless the anchor sets "
            "staff_hours_per_week"
        ),
        "people": (
            "staff are counted as people: the rows (assignments) of one person id are one "
            "person (FTE and pay summed over the assignments in post; at or above the Real "
            "Living Wage only when every one is; home from the latest-starting one); a starter "
            "begins a spell of employment in the year: an assignment starting within "
            f"{MOVE_GAP_DAYS} days of another's end, or while one runs, is an internal move, "
            "not a new hire; persons are per anchor"
        ),
        "zero_fte": (
            "staff in post with FTE 0 (bank, zero hours) are counted in zero_fte_staff, "
            "not in the headcount, pay or Real Living Wage tables"
        ),
        "impact_hire_target": opts.impact_hire_target,
        "anchors": lay.anchors,
        "data": pub.labels,
    }


def _decile_label(deciles: list[int]) -> str:
    if deciles == list(range(deciles[0], deciles[-1] + 1)):
        return f"{deciles[0]}-{deciles[-1]}" if len(deciles) > 1 else str(deciles[0])
    return ",".join(map(str, deciles))


def _place_tier(place) -> str:
    """The tier that is the place itself (``place: true``), else the innermost."""
    lsoas = frozenset(place.lsoas)
    for t in place.tiers:
        if t.lsoas == lsoas and not t.everywhere:
            return t.name
    return place.tiers[0].name


def _data_label(members: pd.DataFrame) -> str:
    sim = members["simulated"]
    return "simulated" if sim.all() else "supplied" if not sim.any() else "partly simulated"
