"""One anchor's spend report: the tables of the ``anchor_spend`` notebook and their plain-English
reading.

Every number comes from :mod:`anchorlib.indicators.spend` (definitions in
docs/indicators/spend.md) and from the ingest's reconciliation and rejects
(docs/ledger_schema.md); this module only arranges them into tables whose
column names carry their units, and words them (:func:`spend_reading`).

    ledger = read_located_ledger(collab)              # the shared assets, read, never rebuilt
    s = anchor_spend(collab, "hyndburn", ledger)
    s.tiers, s.deciles, s.org_types, s.sectors, s.top_suppliers, s.trend, s.quality, s.rejects
    spend_reading(s)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from anchorlib.config.places import OUTSIDE, UNKNOWN
from anchorlib.core.fmt import as_percent, decile_label, deciles_band, money_words, percent, share
from anchorlib.indicators import spend
from anchorlib.indicators.collective import (
    decile_heading,
    flag_self_payments,
    no_decile_words,
)
from anchorlib.indicators.coverage import apply_common_threshold
from anchorlib.indicators.netting import counted_rows
from anchorlib.indicators.procurement import procurement_rows
from anchorlib.indicators.progress import year_coverage
from anchorlib.indicators.rows import distinct_values

__all__ = [
    "AnchorSpend",
    "anchor_spend",
    "spend_reading",
    "place_sentences",
    "deprived_sentence",
    "org_type_sentence",
    "concentration_sentence",
    "procurement_table",
    "TIER_LABELS",
    "ORG_TYPE_LABELS",
]

TIER_LABELS = {UNKNOWN: "location not known", OUTSIDE: "outside the declared tiers"}
ORG_TYPE_LABELS = {
    "public_body": "Public bodies",
    "company": "Companies",
    "charity": "Charities",
    "cic_social_enterprise": "Social enterprises and CICs",
    "cooperative_mutual": "Co-operatives and mutuals",
    "individual_sole_trader": "Individuals and sole traders",
    "redacted": "Redacted payees (personal data)",
    "unknown": "Type not known",
}


@dataclass
class AnchorSpend:
    anchor_id: str
    anchor_name: str
    place: str
    place_tier: str | None
    wider_tier: str | None
    deprived_deciles: list[int]
    indicators: dict  # spend.group_indicators for the anchor, all years
    tiers: pd.DataFrame
    deciles: pd.DataFrame
    org_types: pd.DataFrame
    sectors: pd.DataFrame
    top_suppliers: pd.DataFrame
    trend: pd.DataFrame
    quality: pd.DataFrame
    rejects: pd.DataFrame
    files: pd.DataFrame
    simulated: bool = False
    notes: list[str] = field(default_factory=list)
    #: procurement spend and its exclusions, each with its amount (procurement_table)
    procurement: pd.DataFrame = field(default_factory=pd.DataFrame)


def tier_label(t: str, place) -> str:
    """Words for a tier of the supplier's location: the place's tier with the place's name
    (``place (Lancashire)``), 'location not known', 'outside the declared tiers', or the tier's
    name."""
    if t in TIER_LABELS:
        return TIER_LABELS[t]
    if place is not None and t == spend.place_tier(place):
        return f"{t} ({place.name})"
    return t.replace("_", " ")


def tier_table(ind: dict, place) -> pd.DataFrame:
    rows = []
    for t, v in ind["tier_spend"].items():
        rows.append(
            {
                "tier (innermost first)": tier_label(t, place),
                "spend (£)": v,
                "share of all spend (%)": as_percent(ind["tier_share_of_all"].get(t)),
                "share of located spend (%)": None
                if t == UNKNOWN
                else as_percent(ind["tier_share_of_located"].get(t)),
            }
        )
    return pd.DataFrame(rows)


def decile_table(ind: dict, basis: str = "own_nation") -> pd.DataFrame:
    """Spend by the supplier's deprivation decile, headed with its basis (the collaborative's
    ``deprivation_basis``: :func:`anchorlib.indicators.collective.decile_heading`)."""
    dec = ind["decile_spend"]
    located = sum(v for k, v in dec.items() if k != UNKNOWN)
    rows = []
    for k, v in dec.items():
        label = (
            decile_label(int(k))
            if k.isdigit()
            else no_decile_words(basis)
            if k == spend.NO_DECILE
            else "location not known"
        )
        rows.append(
            {
                decile_heading(basis): label,
                "spend (£)": v,
                "share of located spend (%)": None
                if k == UNKNOWN or located <= 0
                else 100 * v / located,
            }
        )
    return pd.DataFrame(rows)


def org_type_table(ind: dict) -> pd.DataFrame:
    rows = [
        {
            "organisation type": ORG_TYPE_LABELS.get(k, k),
            "spend (£)": v,
            "share of all spend (%)": as_percent(ind["org_type_share"].get(k)),
        }
        for k, v in ind["org_type_spend"].items()
    ]
    return pd.DataFrame(rows)


def procurement_table(ind: dict) -> pd.DataFrame:
    """Procurement spend and what it leaves out, each exclusion with its amount (step 7, item 5):
    one row per exclusion, then procurement spend and all spend."""
    total = ind["total"]
    rows = [
        {
            "spend": f"Left out: {label}",
            "spend (£)": v,
            "share of all spend (%)": as_percent(v / total) if total > 0 else None,
        }
        for label, v in ind.get("procurement_excluded", {}).items()
    ]
    rows += [
        {
            "spend": "Procurement spend (with suppliers)",
            "spend (£)": ind.get("procurement_total"),
            "share of all spend (%)": as_percent(ind.get("procurement_share_of_all")),
        },
        {
            "spend": "All spend",
            "spend (£)": total,
            "share of all spend (%)": 100.0 if total > 0 else None,
        },
    ]
    return pd.DataFrame(rows, columns=["spend", "spend (£)", "share of all spend (%)"])


def sector_table(ind: dict) -> pd.DataFrame:
    rows = [
        {
            "sector (from the supplier register)": "not recorded yet" if k == UNKNOWN else k,
            "spend (£)": v,
            "share of all spend (%)": as_percent(ind["sector_share"].get(k)),
        }
        for k, v in ind["sector_spend"].items()
    ]
    return pd.DataFrame(rows)


def top_supplier_table(rows: pd.DataFrame, n: int, place=None) -> pd.DataFrame:
    top = spend.top_suppliers(rows, n)
    return pd.DataFrame(
        [
            {
                "rank": i + 1,
                "supplier": t["name"],
                "supplier id": t["supplier_id"],
                "net spend (£)": t["spend"],
                "share of named-supplier spend (%)": as_percent(t["share"]),
                "tier": tier_label(t["tier"], place),
            }
            for i, t in enumerate(top)
        ],
        columns=[
            "rank",
            "supplier",
            "supplier id",
            "net spend (£)",
            "share of named-supplier spend (%)",
            "tier",
        ],
    )


def trend_table(rows: pd.DataFrame, place, deciles: list[int]) -> pd.DataFrame:
    """One row per financial year: spend, payments, months with payments, located, place and
    deprived shares."""
    cov = (
        year_coverage(rows).set_index("financial_year")["months"]
        if len(rows)
        else pd.Series(dtype=int)
    )
    pt = spend.place_tier(place)
    out = []
    for y in distinct_values(rows, "financial_year"):
        r = rows[rows["financial_year"].astype(str) == y]
        out.append(
            {
                "financial year": y,
                "months with payments (months)": int(cov.get(y, 0)),
                "spend (£)": spend.total_spend(r),
                "payments (number)": spend.transaction_count(r),
                "located (%)": as_percent(spend.located_share(r)),
                f"in {place.name}, of procurement spend (%)": as_percent(
                    spend.place_share(procurement_rows(counted_rows(r)), place, "all")
                )
                if pt
                else None,
                f"in {place.name}, of all spend (%)": as_percent(spend.place_share(r, place, "all"))
                if pt
                else None,
                f"in {place.name}, of located spend (%)": as_percent(
                    spend.place_share(r, place, "located")
                )
                if pt
                else None,
                "in deprived neighbourhoods, of located spend (%)": as_percent(
                    spend.deprived_share(r, deciles, "located")
                ),
            }
        )
    return pd.DataFrame(out)


def _read_csv(path: Path) -> pd.DataFrame | None:
    return pd.read_csv(path, dtype=str, keep_default_na=False) if path.is_file() else None


def quality_tables(collab, anchor_id: str, ind: dict, out_root: Path | None = None):
    """(summary, rejects by reason, files) for the anchor from the ingest outputs and the
    indicators."""
    data = collab.output_dir(out_root) / "data"
    rec = _read_csv(data / "reconciliation_anchors.csv")
    rows = []
    if rec is not None and (rec["anchor"] == anchor_id).any():
        r = rec[rec["anchor"] == anchor_id].iloc[0]
        rows += [
            ("Files read (files)", int(r["file"])),
            ("Rows read (rows)", int(r["rows_in"])),
            ("Rows in the ledger (rows)", int(r["rows_ledger"])),
            ("Rows rejected (rows)", int(r["rows_rejected"])),
            ("Amount read (£)", float(r["total_in"])),
            ("Amount in the ledger (£)", float(r["total_ledger"])),
            ("Amount rejected (£)", float(r["total_rejected"])),
            ("Difference: read − ledger − rejected (£)", float(r["difference"])),
            ("Rows published twice, counted once (rows)", int(r["rows_duplicate"])),
        ]
    rows += [
        ("Payments to itself, left out (£)", ind.get("excluded_self_payments", 0.0)),
        ("Spend counted (£)", ind["total"]),
        ("Payments counted (number)", ind["transactions"]),
        ("Refunds and credit notes (number)", ind["refunds"]["count"]),
        ("Refunds and credit notes (£)", ind["refunds"]["total"]),
        ("Redacted payees (£)", ind["redacted_total"]),
        ("Spend with a located supplier (%)", as_percent(ind["located_share"])),
        ("Spend located by a simulated postcode (%)", as_percent(ind["simulated_share"])),
    ]
    summary = pd.DataFrame(rows, columns=["measure", "value"])
    rej = _read_csv(data / "rejects.csv")
    if rej is not None and len(rej):
        rej = rej[rej["anchor_id"] == anchor_id]
    if rej is None or not len(rej):
        rejects = pd.DataFrame(columns=["reason", "rows (rows)", "amount (£)"])
    else:
        pence = pd.to_numeric(rej["amount_pence"], errors="coerce").fillna(0)
        g = rej.assign(_p=pence).groupby("reason")
        rejects = pd.DataFrame(
            {
                "reason": list(g.groups),
                "rows (rows)": g.size().to_numpy(),
                "amount (£)": (g["_p"].sum() / 100).to_numpy(),
            }
        )
    files = _read_csv(data / "reconciliation.csv")
    if files is not None and "anchor" in files.columns:
        files = files[files["anchor"] == anchor_id]
        keep = {
            "file": "file",
            "rows_in": "rows read (rows)",
            "rows_ledger": "rows in ledger (rows)",
            "rows_rejected": "rows rejected (rows)",
            "total_in": "amount read (£)",
            "difference": "difference (£)",
        }
        files = files[[c for c in keep if c in files.columns]].rename(columns=keep)
        for c in files.columns[1:]:
            files[c] = pd.to_numeric(files[c], errors="coerce")
    else:
        files = pd.DataFrame(columns=["file"])
    return summary, rejects, files.reset_index(drop=True)


def anchor_spend(
    collab,
    anchor_id: str,
    ledger: pd.DataFrame,
    *,
    out_root: Path | None = None,
    suppliers_listed: int = 20,
) -> AnchorSpend:
    """Every table of the anchor spend report, from the collaborative's located ledger."""
    anchor = collab.anchor(anchor_id)
    place = collab.place
    settings = collab.spec.indicators
    mine = ledger[ledger["anchor_id"].astype(str) == anchor_id]
    # every anchor analysed above the same threshold when the collaborative sets one (item 12)
    mine = apply_common_threshold(mine, settings.common_threshold)
    own = flag_self_payments(mine, collab)  # payments to itself: not spend in the economy
    rows = spend.spend_rows(mine[~own], place)
    ind = spend.group_indicators(rows, place, settings, home_lads={anchor.id: anchor.home_lad})
    ind["excluded_self_payments"] = spend.total_spend(mine[own])
    summary, rejects, files = quality_tables(collab, anchor_id, ind, out_root)
    notes = []
    if not len(rows):
        notes.append(f"No payments for {anchor.name} in the ledger.")
    return AnchorSpend(
        anchor_id=anchor.id,
        anchor_name=anchor.name,
        place=place.name,
        place_tier=spend.place_tier(place),
        wider_tier=spend.wider_tier(place),
        deprived_deciles=list(settings.deprived_deciles),
        indicators=ind,
        tiers=tier_table(ind, place),
        deciles=decile_table(ind, settings.deprivation_basis),
        org_types=org_type_table(ind),
        sectors=sector_table(ind),
        top_suppliers=top_supplier_table(rows, suppliers_listed, place),
        trend=trend_table(rows, place, list(settings.deprived_deciles)),
        quality=summary,
        rejects=rejects,
        files=files,
        simulated=bool(ind.get("simulated_share")),
        notes=notes,
        procurement=procurement_table(ind),
    )


# --------------------------------------------------------------------------- the reading


def concentration_sentence(ind: dict, top_suppliers: pd.DataFrame, what: str = "spend") -> str:
    """The reading's sentence on portfolio concentration: the top-N share, the largest supplier,
    and the HHI of procurement spend (:func:`anchorlib.indicators.concentration.portfolio_hhi`)
    with its "equivalent number of equal suppliers" (1 / HHI).  It describes one buyer's
    portfolio, so no merger-regulation threshold is applied (step 7, item 7)."""
    first = top_suppliers.iloc[0]
    hhi = ind.get("portfolio_hhi_10000")
    text = (
        f"The {ind['top_n']} largest suppliers took {share(ind['top_n_share'])} of named-supplier "
        f"{what} (public bodies included), the largest being {first['supplier']} "
        f"({percent(first['share of named-supplier spend (%)'], 1)})"
    )
    if hhi is None or hhi <= 0:
        return text + "."
    return (
        f"{text}; portfolio concentration of procurement spend (HHI) is {hhi:,.0f} of 10,000, "
        f"as if it were spread evenly over about {10000 / hhi:,.0f} suppliers."
    )


def _procurement_words(ind: dict) -> str:
    """What procurement spend leaves out, with the amount, for the headline sentence."""
    return (
        f"procurement spend ({money_words(ind['procurement_total'])} with suppliers, after "
        f"{money_words(ind['procurement_excluded_total'])} to public bodies, HMRC, pension funds, "
        "precepts and levies, grants to individuals and redacted payees)"
    )


def place_sentences(ind: dict, place: str, who: str = "") -> list[str]:
    """The headline: the share of procurement spend with suppliers in the place, the all-spend
    share beside it, gated by the located share (step 7, items 5 and 20).

    When the located share of procurement spend is below ``indicators.min_located_share`` the
    located share comes first (:func:`anchorlib.indicators.gates.located_gate`) and the place
    share is given only as a share of the located part; at 0% only how to locate suppliers."""
    gate = ind.get("located_gate") or {}
    head = ind.get("place_share_of_procurement")
    if ind.get("procurement_total") is None or not gate:  # indicators without step 7 keys
        unknown = 1 - ind["located_share"] if ind["located_share"] is not None else None
        where = (
            "every supplier's location is known"
            if unknown is not None and unknown < 0.0005
            else f"the location of {share(unknown)} is not known"
        )
        return [
            f"{share(ind['place_share_of_all'])} of all spend went to suppliers based in {place} "
            f"({share(ind['place_share_of_located'])} of the spend whose location is known); "
            f"{where}."
        ]
    if gate.get("passed"):
        return [
            f"{who}{share(head)} of {_procurement_words(ind)} went to suppliers based in {place} "
            f"({share(ind['place_share_of_procurement_located'])} of the procurement spend whose "
            f"location is known; {share(ind['place_share_of_all'])} of all spend)."
        ]
    out = [gate["sentence"]]
    if gate.get("reason") == "below_threshold":
        out.append(
            "Of the located procurement spend only, "
            f"{share(ind['place_share_of_procurement_located'])} went to suppliers based in "
            f"{place}: a figure for that part, not a position."
        )
    return out


def deprived_sentence(ind: dict, deciles: list[int], what: str = "located spend") -> str | None:
    """The deprivation sentence, on located procurement spend when the figures carry it; None when
    the located share is below the setting (the located-share sentence says why)."""
    gate = ind.get("located_gate") or {}
    dep = ind.get("deprived_share_of_procurement_located", ind.get("deprived_share_of_located"))
    if "deprived_share_of_procurement_located" in ind:
        what = what.replace("spend", "procurement spend", 1)
    if dep is None or (gate and not gate.get("passed")):
        return None
    return (
        f"{share(dep)} of {what} went to suppliers in {deciles_band(deciles)} "
        f"(an even spread across England would give {10 * len(deciles)}%)."
    )


def org_type_sentence(ind: dict) -> str | None:
    """The organisation-type sentence; the VCSE share only when types cover enough of the spend
    (step 7, item 8), else the coverage and why the share is not given."""
    org = ind["org_type_share"]
    big = max(
        ((k, v) for k, v in org.items() if v is not None and k not in ("unknown",)),
        key=lambda kv: kv[1],
        default=None,
    )
    if not big or big[1] <= 0:
        return None
    text = (
        f"{ORG_TYPE_LABELS.get(big[0], big[0])} took the largest known share by organisation type "
        f"({share(big[1])}); the type of {share(org.get('unknown'))} is not known."
    )
    gate = ind.get("vcse_gate")
    if gate is not None and not gate.get("passed"):
        return f"{text} {gate['sentence']}"
    return (
        f"{text} The social economy (charities, social enterprises, co-operatives) took "
        f"{share(ind['social_economy_share'])}."
    )


def spend_reading(s: AnchorSpend) -> list[str]:
    """Short plain-English sentences on what stands out in the anchor's spend, generated from its
    figures."""
    ind = s.indicators
    out = []
    years = ind["financial_years"]
    if not ind["transactions"]:
        return [f"There are no payments for {s.anchor_name} in the ledger."]
    span = f"from {years[0]} to {years[-1]}" if len(years) > 1 else f"in {years[0]}"
    out.append(
        f"{s.anchor_name} paid £{ind['total']:,.0f} in {ind['transactions']:,} payments to "
        f"{ind['distinct_suppliers']:,} suppliers {span} (credit notes netted against their "
        "supplier, receipts and transfers left out)."
    )
    if s.simulated:
        out.append(
            f"Supplier locations are simulated for this demo ({share(ind['simulated_share'])} of "
            "spend): the "
            "geographic figures below illustrate the method and say nothing about these suppliers."
        )
    if s.place_tier:
        out += place_sentences(ind, s.place)
    dep = deprived_sentence(ind, s.deprived_deciles)
    if dep:
        out.append(dep)
    org = org_type_sentence(ind)
    if org:
        out.append(org)
    if ind["top_n_share"] is not None and len(s.top_suppliers):
        out.append(concentration_sentence(ind, s.top_suppliers))
    tr = s.trend
    full = tr[tr["months with payments (months)"] >= 12]
    col = f"in {s.place}, of procurement spend (%)" if s.place_tier else None
    if col not in tr.columns:
        col = f"in {s.place}, of all spend (%)" if s.place_tier else None
    gate = ind.get("located_gate") or {}
    if gate and not gate.get("passed"):
        col = None  # the located share is too low for a trend in the place share to mean much
    if col and len(full) >= 2 and full[col].notna().all():
        a, b = full.iloc[0], full.iloc[-1]
        diff = b[col] - a[col]
        move = "rose" if diff > 1 else "fell" if diff < -1 else "stayed about the same"
        out.append(
            f"Across the full years, the share of "
            f"{'procurement spend' if 'procurement' in col else 'spend'} in {s.place} {move}: "
            f"{percent(a[col], 0)} in "
            f"{a['financial year']}, {percent(b[col], 0)} in {b['financial year']}."
        )
    partial = tr[tr["months with payments (months)"] < 12]["financial year"].tolist()
    if partial:
        out.append(
            f"{', '.join(partial)}: fewer than 12 months of payments published, so "
            f"{'its totals are' if len(partial) == 1 else 'their totals are'} not comparable "
            "with full years."
        )
    q = s.quality.set_index("measure")["value"]
    if "Rows rejected (rows)" in q.index:
        out.append(
            f"Data quality: {int(q['Rows read (rows)']):,} rows read, "
            f"{int(q['Rows rejected (rows)']):,} "
            f"rejected (£{float(q['Amount rejected (£)']):,.2f}); read = ledger + rejected to "
            "the penny."
        )
    return out


def sources(collab, anchor_id: str) -> list[str]:
    """Catalogue source ids the anchor spend report draws on (for the licences and attributions)."""
    anchor = collab.anchor(anchor_id)
    ids = [anchor.ledger.source] if anchor.ledger is not None and anchor.ledger.source else []
    return ids + [
        "imd2025",
        "onspd_lookup",
        "codepoint_open",
        "lookup_lsoa21_ward24",
        "lookup_lad24_region",
    ]
