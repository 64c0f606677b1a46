"""The workforce report: tables of the ``workforce`` notebook, its charts' data and its
plain-English reading.

Every number comes from the workforce aggregates that ``anchor run`` builds
once per collaborative (:func:`anchorlib.assets.workforce.build_workforce_asset`,
``outputs/<id>/data/workforce/``): tables that have already passed disclosure
control (docs/indicators/workforce.md).  Nothing here reads staff-level data.
This module only arranges the aggregates into tables whose column names carry
their units, shows a suppressed figure as ``c`` (the ONS convention for a
confidential cell), and words the figures (:func:`workforce_reading`).

    asset = read_workforce_asset(collab)      # the shared asset, read, never rebuilt
    w = workforce_report(collab, asset)       # every anchor and combined; anchor="id": one anchor
    w.summary, w.tiers, w.within, w.deciles, w.deprived, w.rlw, w.impact_hires, w.staff_data
    workforce_reading(w)
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from anchorlib.assets.workforce import workforce_asset_dir
from anchorlib.core.errors import AnchorError
from anchorlib.core.fmt import decile_label, share
from anchorlib.indicators.workforce import COMBINED, PUBLISHED_TABLES

__all__ = [
    "SUPPRESSED",
    "WorkforceReport",
    "read_workforce_asset",
    "workforce_report",
    "workforce_reading",
    "disclosure_note",
    "sources",
    "summary_table",
    "tier_table",
    "within_table",
    "decile_table",
    "deprived_table",
    "rlw_table",
    "impact_hire_table",
    "staff_data_table",
    "count_suppressed",
    "date_words",
    "tier_label",
    "band_label",
    "group_name",
    "rlw_source_note",
]

#: How a suppressed figure is shown in the report's tables (and their CSV / XLSX downloads).
SUPPRESSED = "c"
COMBINED_NAME = "All anchors combined"
#: Columns of the aggregate tables that are counts (or whole pounds) and shares or other decimals.
_INT_COLS = (
    "headcount",
    "staff",
    "at_or_above",
    "below",
    "starters",
    "deprived",
    "not_deprived",
    "no_decile",
    "pay",
)
_FLOAT_COLS = (
    "headcount_share",
    "pay_share",
    "fte",
    "share_at_or_above",
    "deprived_share",
    "rlw_share",
    "impact_hire_share",
    "rlw_uk",
    "rlw_london",
    "target",
)
_TEXT_COLS = ("anchor", "year", "tier", "imd25_decile", "deciles", "data")
TIER_WORDS = {
    "wider": "in the wider area",
    "rest_of_uk": "elsewhere in the UK",
    "outside_tiers": "outside every tier",
}
UNKNOWN_HOME = "home postcode missing or not valid"
STAFF_DATA_WORDS = {
    "extract": "staff extract supplied by the anchor",
    "simulated": "simulated extract (demo)",
    "none": "none: no staff extract, not in these figures",
}


# --------------------------------------------------------------------------- reading the asset


def _read_table(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for c in df.columns:
        blank = df[c] == ""
        if c in _INT_COLS:
            df[c] = pd.to_numeric(df[c].mask(blank)).round().astype("Int64")
        elif c in _FLOAT_COLS or c.endswith("_share"):
            df[c] = pd.to_numeric(df[c].mask(blank)).astype("Float64")
        elif c == "meets_target":
            df[c] = df[c].map({"True": True, "False": False}).astype("boolean")
    return df


def read_workforce_asset(collab, out_root: str | Path | None = None) -> dict:
    """The workforce aggregates built by ``anchor run``: ``{"meta": {...}, "summary": DataFrame,
    ...}`` (<NA> = suppressed).  When the asset was skipped (no staff data) only ``meta`` is there,
    with the note."""
    folder = workforce_asset_dir(collab, out_root)
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        raise AnchorError(
            f"{meta_path}: no workforce aggregates yet: `anchor run {collab.path}` builds them"
        )
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    out = {"meta": meta}
    if meta.get("status") == "built":
        for name in PUBLISHED_TABLES:
            out[name] = _read_table(folder / f"{name}.csv")
    return out


# --------------------------------------------------------------------------- words and cells


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _cell(v, *, percent: bool = False):
    """A published figure for display: ``c`` when suppressed, a share as a percentage (one
    decimal)."""
    if _missing(v):
        return SUPPRESSED
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, bool):
        return "yes" if v else "no"
    return round(100 * float(v), 1) if percent else v


def group_name(group: str, names: dict[str, str]) -> str:
    return COMBINED_NAME if group == COMBINED else names.get(group, group)


def tier_label(tier: str, place: str, local_tier: str) -> str:
    """Words for where staff live: ``in Lancashire`` (the place's tier), ``in the wider area``,
    ..."""
    if tier == local_tier:
        return f"in {place}"
    if tier == "unknown":
        return UNKNOWN_HOME
    if tier == "Total":
        return "all staff"
    return TIER_WORDS.get(tier, f"in tier '{tier}'")


def band_label(deciles: Sequence[int], short: bool = False) -> str:
    """``[1, 2]`` -> 'the most deprived 20% of neighbourhoods in England' (short: 'most deprived
    20%')."""
    deciles = sorted(int(d) for d in deciles)
    if deciles == list(range(1, len(deciles) + 1)):
        return (
            f"most deprived {10 * len(deciles)}%"
            if short
            else f"the most deprived {10 * len(deciles)}% of neighbourhoods in England"
        )
    listed = ", ".join(map(str, deciles))
    return f"IMD deciles {listed}" if short else f"neighbourhoods in IMD 2025 deciles {listed}"


def _decile_words(d: str) -> str:
    if d.isdigit():
        return decile_label(int(d))
    return {
        "no_imd": "no English IMD decile (outside England, or neighbourhood not known)",
        "unknown": UNKNOWN_HOME,
        "Total": "all staff",
    }.get(d, d)


def _rows(table: pd.DataFrame, groups: Sequence[str]) -> pd.DataFrame:
    """The rows of ``groups``, in the order of ``groups`` (then the table's own order)."""
    order = {g: i for i, g in enumerate(groups)}
    t = table[table["anchor"].isin(order)].copy()
    t["_g"] = t["anchor"].map(order)
    return t.sort_values("_g", kind="stable").drop(columns="_g")


# --------------------------------------------------------------------------- the tables


def summary_table(
    summary: pd.DataFrame,
    groups: Sequence[str],
    names: dict[str, str],
    place: str,
    local_tier: str,
    deciles: Sequence[int],
) -> pd.DataFrame:
    """One row per anchor (and combined): the headline figures."""
    band = band_label(deciles, short=True)
    rows = []
    for r in _rows(summary, groups).to_dict("records"):
        rows.append(
            {
                "anchor": group_name(r["anchor"], names),
                "staff in post (people)": _cell(r["staff"]),
                f"living in {place} (%)": _cell(r[f"in_{local_tier}_share"], percent=True),
                f"pay going to staff living in {place} (%)": _cell(
                    r[f"pay_in_{local_tier}_share"], percent=True
                ),
                f"living in the {band} of neighbourhoods (%)": _cell(
                    r["deprived_share"], percent=True
                ),
                "paid at or above the Real Living Wage (%)": _cell(r["rlw_share"], percent=True),
                "starters in the year (people)": _cell(r["starters"]),
                f"starters from the {band} (%)": _cell(r["impact_hire_share"], percent=True),
                "data": r["data"],
            }
        )
    return pd.DataFrame(rows)


def _staff_columns(r: dict) -> dict:
    return {
        "staff in post (people)": _cell(r["headcount"]),
        "share of staff (%)": _cell(r["headcount_share"], percent=True),
        "full-time equivalent (FTE)": _cell(r["fte"]),
        "pay (£)": _cell(r["pay"]),
        "share of pay (%)": _cell(r["pay_share"], percent=True),
    }


def tier_table(
    by_tier: pd.DataFrame, groups: Sequence[str], names: dict[str, str], place: str, local_tier: str
) -> pd.DataFrame:
    """Staff and pay by where staff live (the innermost tier of the home postcode), per anchor, with
    a total."""
    return pd.DataFrame(
        [
            {
                "anchor": group_name(r["anchor"], names),
                "where staff live": tier_label(r["tier"], place, local_tier),
                **_staff_columns(r),
            }
            for r in _rows(by_tier, groups).to_dict("records")
        ]
    )


def within_table(
    within: pd.DataFrame,
    groups: Sequence[str],
    names: dict[str, str],
    place: str,
    local_tier: str,
    tiers: Sequence[str],
) -> pd.DataFrame:
    """Staff living within each bounded tier, counting the tiers inside it (e.g. in the place or the
    wider area)."""
    rows = []
    for r in _rows(within, groups).to_dict("records"):
        upto = list(tiers)[: list(tiers).index(r["tier"]) + 1]
        words = [tier_label(t, place, local_tier).removeprefix("in ") for t in upto]
        rows.append(
            {
                "anchor": group_name(r["anchor"], names),
                "staff living": "in " + " or ".join(words),
                **_staff_columns(r),
            }
        )
    return pd.DataFrame(rows)


def decile_table(
    by_decile: pd.DataFrame, groups: Sequence[str], names: dict[str, str]
) -> pd.DataFrame:
    """Staff and pay by the IMD 2025 decile of the home neighbourhood (LSOA), per anchor, with a
    total."""
    return pd.DataFrame(
        [
            {
                "anchor": group_name(r["anchor"], names),
                "IMD 2025 decile of the home neighbourhood": _decile_words(str(r["imd25_decile"])),
                **_staff_columns(r),
            }
            for r in _rows(by_decile, groups).to_dict("records")
        ]
    )


def deprived_table(
    dep: pd.DataFrame, groups: Sequence[str], names: dict[str, str], deciles: Sequence[int]
) -> pd.DataFrame:
    band = band_label(deciles, short=True)
    return pd.DataFrame(
        [
            {
                "anchor": group_name(r["anchor"], names),
                "staff living in": f"the {band} (deciles {r['deciles']})",
                **_staff_columns(r),
            }
            for r in _rows(dep, groups).to_dict("records")
        ]
    )


def rlw_table(rlw: pd.DataFrame, groups: Sequence[str], names: dict[str, str]) -> pd.DataFrame:
    """Staff in post paid at or above the Real Living Wage (the London rate for those working in
    London)."""
    return pd.DataFrame(
        [
            {
                "anchor": group_name(r["anchor"], names),
                "Real Living Wage, UK (£ per hour)": _cell(r["rlw_uk"]),
                "Real Living Wage, London (£ per hour)": _cell(r["rlw_london"]),
                "staff in post (people)": _cell(r["staff"]),
                "paid at or above (people)": _cell(r["at_or_above"]),
                "paid below (people)": _cell(r["below"]),
                "paid at or above (%)": _cell(r["share_at_or_above"], percent=True),
            }
            for r in _rows(rlw, groups).to_dict("records")
        ]
    )


def impact_hire_table(
    hires: pd.DataFrame, groups: Sequence[str], names: dict[str, str], deciles: Sequence[int]
) -> pd.DataFrame:
    """Starters in the year by where they live, the share from deprived neighbourhoods against the
    target."""
    band = band_label(deciles, short=True)
    return pd.DataFrame(
        [
            {
                "anchor": group_name(r["anchor"], names),
                "starters (people)": _cell(r["starters"]),
                f"from the {band} (people)": _cell(r["deprived"]),
                "from other English neighbourhoods (people)": _cell(r["not_deprived"]),
                "home outside England or not known (people)": _cell(r["no_decile"]),
                f"from the {band} (%)": _cell(r["deprived_share"], percent=True),
                "target (%)": _cell(r["target"], percent=True),
                "meets the target": _cell(r["meets_target"]),
            }
            for r in _rows(hires, groups).to_dict("records")
        ]
    )


def staff_data_table(
    meta: dict, names: dict[str, str], anchors: Sequence[str] | None = None
) -> pd.DataFrame:
    """Per anchor: where its staff figures come from (a supplied extract, the demo's simulation, or
    none)."""
    staff = meta.get("staff_data", {})
    shown = list(anchors) if anchors is not None else list(staff)
    return pd.DataFrame(
        [
            {
                "anchor": names.get(a, a),
                "staff data": STAFF_DATA_WORDS.get(staff.get(a, "none"), "none"),
            }
            for a in shown
        ],
        columns=["anchor", "staff data"],
    )


def count_suppressed(tables: Sequence[pd.DataFrame]) -> int:
    """How many figures the tables show as suppressed (``c``)."""
    return int(
        sum(int((t.astype(object) == SUPPRESSED).to_numpy().sum()) for t in tables if len(t))
    )


# --------------------------------------------------------------------------- the report


@dataclass
class WorkforceReport:
    collaborative: str
    place: str
    available: bool
    note: str | None
    groups: list[str]  # anchor ids shown, then 'combined' when shown
    names: dict[str, str]
    headline: str | None  # the group the reading leads with: combined, or the one anchor
    year: str | None = None
    reference_date: str | None = None
    local_tier: str | None = None
    tiers: list[str] = field(default_factory=list)
    deprived_deciles: list[int] = field(default_factory=lambda: [1, 2])
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_tier: pd.DataFrame = field(default_factory=pd.DataFrame)
    within: pd.DataFrame = field(default_factory=pd.DataFrame)
    deciles: pd.DataFrame = field(default_factory=pd.DataFrame)
    deprived: pd.DataFrame = field(default_factory=pd.DataFrame)
    rlw: pd.DataFrame = field(default_factory=pd.DataFrame)
    impact_hires: pd.DataFrame = field(default_factory=pd.DataFrame)
    staff_data: pd.DataFrame = field(default_factory=pd.DataFrame)
    raw: dict = field(
        default_factory=dict
    )  # the aggregates of the groups shown (<NA> = suppressed)
    meta: dict = field(default_factory=dict)
    simulated: bool = False
    suppressed: int = 0
    without_staff: list[str] = field(default_factory=list)


def workforce_report(collab, asset: dict, anchor: str = "") -> WorkforceReport:
    """Every table of the workforce report from the aggregates (:func:`read_workforce_asset`).

    ``anchor``: empty for every anchor with staff data and their combined
    figures; an anchor id for that anchor alone.
    """
    meta = asset["meta"]
    names = {a.id: a.name for a in collab.anchors}
    place = meta.get("place") or collab.spec.name
    ids = [a.id for a in collab.anchors]
    if anchor and anchor not in ids:
        raise AnchorError(f"anchor {anchor!r} is not in {collab.path}; anchors: {', '.join(ids)}")
    base = dict(
        collaborative=collab.spec.name, place=place, names=names, year=meta.get("year"), meta=meta
    )
    if meta.get("status") != "built":
        return WorkforceReport(
            available=False,
            note=meta.get("note") or "No workforce figures.",
            groups=[],
            headline=None,
            staff_data=staff_data_table(meta, names, [anchor] if anchor else ids),
            **base,
        )
    with_staff = list(meta["anchors"])
    without = [a for a in ids if a not in with_staff]
    if anchor and anchor not in with_staff:
        return WorkforceReport(
            available=False,
            note=f"No workforce figures for {names[anchor]}: it has no staff "
            "extract in the collaborative file.",
            groups=[],
            headline=None,
            staff_data=staff_data_table(meta, names, [anchor]),
            **base,
        )
    groups = (
        [anchor]
        if anchor
        else with_staff + ([COMBINED] if (asset["summary"]["anchor"] == COMBINED).any() else [])
    )
    headline = COMBINED if COMBINED in groups else groups[0]
    local, tiers, dep = meta["local_tier"], list(meta["tiers"]), list(meta["deprived_deciles"])
    raw = {k: _rows(asset[k], groups).reset_index(drop=True) for k in PUBLISHED_TABLES}
    w = WorkforceReport(
        available=True,
        note=None,
        groups=groups,
        headline=headline,
        reference_date=meta.get("reference_date"),
        local_tier=local,
        tiers=tiers,
        deprived_deciles=dep,
        summary=summary_table(asset["summary"], groups, names, place, local, dep),
        by_tier=tier_table(asset["staff_by_tier"], groups, names, place, local),
        within=within_table(asset["staff_within_tier"], groups, names, place, local, tiers),
        deciles=decile_table(asset["staff_by_decile"], groups, names),
        deprived=deprived_table(asset["deprived"], groups, names, dep),
        rlw=rlw_table(asset["rlw"], groups, names),
        impact_hires=impact_hire_table(asset["impact_hires"], groups, names, dep),
        staff_data=staff_data_table(meta, names, [anchor] if anchor else ids),
        raw=raw,
        simulated=any("simulated" in str(v) for v in raw["summary"]["data"]),
        without_staff=[] if anchor else without,
        **base,
    )
    w.suppressed = count_suppressed(
        [w.summary, w.by_tier, w.within, w.deciles, w.deprived, w.rlw, w.impact_hires]
    )
    return w


# --------------------------------------------------------------------------- the reading


def _p(v) -> str:
    """A share for the reading (:func:`anchorlib.core.fmt.share`), or 'a suppressed share'."""
    return share(v, missing="a suppressed share")


def _n(v) -> str:
    return "a suppressed number of" if _missing(v) else f"{int(v):,}"


def date_words(iso: str | None) -> str:
    if not iso:
        return "the reference date"
    d = dt.date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B %Y')}"


def _names(ids: Sequence[str], names: dict[str, str]) -> str:
    words = [names.get(i, i) for i in ids]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def workforce_reading(w: WorkforceReport) -> list[str]:
    """Short plain-English sentences on what stands out, generated from the published (suppressed,
    rounded) figures; a suppressed figure is called suppressed, never guessed."""
    if not w.available:
        return [w.note]
    meta, place, g = w.meta, w.place, w.headline
    s = w.raw["summary"].set_index("anchor")
    anchors = [x for x in w.groups if x != COMBINED]
    who = f"The {len(anchors)} anchors together" if g == COMBINED else w.names[g]
    rounding = meta.get("disclosure", {}).get("rounding")
    out = [
        f"{who} had {_n(s.loc[g, 'staff'])} staff in post on {date_words(w.reference_date)}"
        + (f" (counts rounded to the nearest {rounding})." if rounding else ".")
    ]
    data = {a: str(s.loc[a, "data"]) for a in anchors}
    sim = [a for a, d in data.items() if "simulated" in d]
    if sim:
        whose = (
            "These staff are"
            if len(sim) == len(anchors)
            else f"The staff of {_names(sim, w.names)} are"
        )
        out.append(
            f"{whose} simulated for this demo (seeded, homes drawn from real postcodes around "
            "each anchor's "
            "sites): the figures illustrate the method and say nothing about the real staff of "
            "these employers."
        )
    local = f"in_{w.local_tier}_share"
    within = w.raw["staff_within_tier"]
    wider = within[(within["anchor"] == g) & (within["tier"] != w.local_tier)]
    sentence = (
        f"{_p(s.loc[g, local])} of staff live in {place}, and "
        f"{_p(s.loc[g, f'pay_in_{w.local_tier}_share'])} "
        "of the pay goes to them"
    )
    if len(wider):
        last = wider.iloc[-1]
        sentence += (
            f"; {_p(last['headcount_share'])} live in {place} or "
            f"{tier_label(last['tier'], place, w.local_tier).removeprefix('in ')}"
        )
    out.append(sentence + ".")
    known = [(float(s.loc[a, local]), a) for a in anchors if not _missing(s.loc[a, local])]
    if len(anchors) > 1 and len(known) > 1:
        lo, hi = min(known), max(known)
        out.append(
            f"By anchor, the share living in {place} runs from {_p(lo[0])} ({w.names[lo[1]]}) to "
            f"{_p(hi[0])} ({w.names[hi[1]]})."
        )
    even = 10 * len(w.deprived_deciles)
    dep = s.loc[g, "deprived_share"]
    if _missing(dep):
        out.append(f"The share of staff living in {band_label(w.deprived_deciles)} is suppressed.")
    else:
        diff = 100 * float(dep) - even
        compare = (
            "more than" if diff > 1 else "less than" if diff < -1 else "about"
        ) + f" the {even}% an even spread across England would give"
        out.append(f"{_p(dep)} of staff live in {band_label(w.deprived_deciles)}: {compare}.")
    out.append(_rlw_sentence(w, s.loc[g, "rlw_share"]))
    out += _impact_hire_sentences(w, s, anchors)
    if w.suppressed:
        threshold = meta.get("disclosure", {}).get("threshold", 10)
        out.append(
            f"{w.suppressed} figures in the tables are suppressed (shown as {SUPPRESSED}): each "
            "counts "
            f"fewer than {threshold} people, or would let such a count be worked out from the "
            "others."
        )
    if w.without_staff:
        out.append(
            f"No staff data for {_names(w.without_staff, w.names)}: "
            f"{'it is' if len(w.without_staff) == 1 else 'they are'} not in these figures, nor "
            "in the "
            "combined figure."
        )
    return out


def _rlw_sentence(w: WorkforceReport, rlw_share) -> str:
    """The reading's sentence on the Real Living Wage (of the headline group)."""
    rlw = w.meta.get("rlw", {})
    basis = (
        "the rate announced for " + str(w.year)
        if rlw.get("basis", "announced") == "announced"
        else f"the rate in force on {date_words(w.reference_date)}"
    )
    below = w.raw["rlw"].set_index("anchor")["below"].get(w.headline)
    return (
        f"{_p(rlw_share)} of staff in post are paid at or above the Real Living Wage "
        f"(£{rlw.get('uk', 0):.2f} an "
        f"hour, {basis}; £{rlw.get('london', 0):.2f} for work in London)"
        + ("." if _missing(below) else f"; {_n(below)} are paid below it.")
    )


def _impact_hire_sentences(w: WorkforceReport, s: pd.DataFrame, anchors: list[str]) -> list[str]:
    """The reading's sentences on impact hires: the headline group's share against the target and,
    with several anchors, those short of it."""
    g, out = w.headline, []
    target = float(w.meta.get("impact_hire_target", 0.1))
    hire = s.loc[g, "impact_hire_share"]
    starters = s.loc[g, "starters"]
    if _missing(hire):
        out.append(
            f"The share of the {_n(starters)} starters in {w.year} who came from "
            f"{band_label(w.deprived_deciles)} is suppressed."
        )
    else:
        meets = "meeting" if float(hire) >= target else "short of"
        out.append(
            f"Of the {_n(starters)} people who joined in {w.year}, {_p(hire)} came from "
            f"{band_label(w.deprived_deciles)}: {meets} the Healthcare Anchor Network's goal of "
            "at least "
            f"{share(target, 0)} (impact hires)."
        )
        if len(anchors) > 1:
            short = [
                a
                for a in anchors
                if not _missing(s.loc[a, "impact_hire_share"])
                and float(s.loc[a, "impact_hire_share"]) < target
            ]
            hidden = [a for a in anchors if _missing(s.loc[a, "impact_hire_share"])]
            out.append(
                (
                    "Every anchor meets it"
                    if not short
                    else f"{_names(short, w.names)} "
                    f"{'falls' if len(short) == 1 else 'fall'} short of it"
                )
                + (f" ({_names(hidden, w.names)}: suppressed)." if hidden else ".")
            )
    return out


def disclosure_note(w: WorkforceReport) -> str:
    """What ``c`` means and how the figures were protected (Markdown), from the settings the asset
    used."""
    d = w.meta.get("disclosure", {})
    threshold, rounding, pay = d.get("threshold", 10), d.get("rounding"), d.get("pay_rounding")
    dominance = d.get("dominance")
    lines = [
        f"**{SUPPRESSED} = suppressed.** Staff records are personal data, so every figure here "
        "is an aggregate "
        f"that has passed disclosure control. A count of 1 to {threshold - 1} people is never "
        "shown, nor is "
        "the full-time equivalent or pay behind it. Other figures are suppressed too where, with "
        "the totals and "
        "the other figures, they would let a hidden count be worked out (secondary suppression); "
        "a combined "
        "figure is the sum of the anchors', so it is protected with them."
    ]
    if dominance:
        lines.append(
            "A pay figure is also suppressed when one person earns more than "
            f"{share(dominance, 0)} of it."
        )
    parts = []
    if rounding:
        parts.append(f"counts to the nearest {rounding}")
    if pay:
        parts.append(f"pay to the nearest £{pay:,}")
    if parts:
        lines.append(
            f"Published figures are rounded ({', '.join(parts)}, FTE to 0.1); totals are rounded "
            "from "
            "the exact figures, so they need not equal the sum of the rounded rows. Shares are "
            "computed "
            "from the exact figures."
        )
    lines.append(
        "Method and definitions: docs/indicators/workforce.md in the anchorlib repository."
    )
    return "\n\n".join(lines)


def sources(w: WorkforceReport | None = None) -> list[str]:
    """Catalogue source ids the workforce report draws on: the postcode lookup that places home
    postcodes (ONSPD, Code-Point Open, the LSOA bridge), IMD 2025 and the regions (the Real Living
    Wage rates are not a catalogue source: :func:`rlw_source_note` words their attribution)."""
    return [
        "onspd_lookup",
        "codepoint_open",
        "lookup_lsoa11_lsoa21",
        "boundaries_lsoa21",
        "imd2025",
        "lookup_lad24_region",
    ]


def rlw_source_note(w: WorkforceReport) -> str:
    """The Real Living Wage rates' source and the basis used, for a table note."""
    rlw = w.meta.get("rlw", {})
    src = rlw.get("source", {})
    basis = rlw.get("basis", "announced")
    meaning = (
        "the rate labelled with the financial year"
        if basis == "announced"
        else "the rate in force at the reference date: its implementation deadline passed"
    )
    return (
        f"Rates: {src.get('attribution', 'Living Wage Foundation')}. Basis: {basis} "
        f"({meaning}); "
        f"{w.meta.get('hours_convention', '')}. The London rate applies to staff working in London."
    )
