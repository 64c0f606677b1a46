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
from anchorlib.core.fmt import as_percent, decile_label, deciles_band, percent, share
from anchorlib.indicators import spend
from anchorlib.indicators.collective import flag_self_payments
from anchorlib.indicators.progress import year_coverage
from anchorlib.indicators.rows import distinct_values

__all__ = ["AnchorSpend", "anchor_spend", "spend_reading", "TIER_LABELS", "ORG_TYPE_LABELS"]

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


def decile_table(ind: dict) -> pd.DataFrame:
    dec = ind["decile_spend"]
    located = sum(v for k, v in dec.items() if k != UNKNOWN)
    rows = []
    for k, v in dec.items():
        label = (
            decile_label(int(k))
            if k.isdigit()
            else "located, no English IMD decile (outside England, or neighbourhood not known)"
            if k == spend.NO_DECILE
            else "location not known"
        )
        rows.append(
            {
                "IMD 2025 decile of the supplier's neighbourhood": label,
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
        deciles=decile_table(ind),
        org_types=org_type_table(ind),
        sectors=sector_table(ind),
        top_suppliers=top_supplier_table(rows, suppliers_listed, place),
        trend=trend_table(rows, place, list(settings.deprived_deciles)),
        quality=summary,
        rejects=rejects,
        files=files,
        simulated=bool(ind.get("simulated_share")),
        notes=notes,
    )


# --------------------------------------------------------------------------- the reading


def concentration_sentence(ind: dict, top_suppliers: pd.DataFrame, what: str = "spend") -> str:
    """The reading's sentence on concentration: the top-N share, the largest supplier, and the HHI
    (:func:`anchorlib.indicators.spend.hhi`) in the competition authorities' bands: above 2,500
    highly, above 1,500 moderately concentrated."""
    first = top_suppliers.iloc[0]
    hhi = ind["hhi_10000"]
    level = (
        "highly concentrated"
        if hhi > 2500
        else "moderately concentrated"
        if hhi > 1500
        else "not concentrated"
    )
    return (
        f"The {ind['top_n']} largest suppliers took {share(ind['top_n_share'])} of named-supplier "
        f"spend, the largest being {first['supplier']} "
        f"({percent(first['share of named-supplier spend (%)'], 1)}); by the HHI "
        f"({hhi:,.0f} of 10,000) {what} is {level}."
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
        f"{ind['distinct_suppliers']:,} suppliers {span} (payments as published, refunds netted "
        "off)."
    )
    if s.simulated:
        out.append(
            f"Supplier locations are simulated for this demo ({share(ind['simulated_share'])} of "
            "spend): the "
            "geographic figures below illustrate the method and say nothing about these suppliers."
        )
    if s.place_tier:
        unknown = 1 - ind["located_share"] if ind["located_share"] is not None else None
        where = (
            "every supplier's location is known"
            if unknown is not None and unknown < 0.0005
            else f"the location of {share(unknown)} is not known"
        )
        out.append(
            f"{share(ind['place_share_of_all'])} of all spend went to suppliers based in {s.place} "
            f"({share(ind['place_share_of_located'])} of the spend whose location is known); "
            f"{where}."
        )
    dep = ind["deprived_share_of_located"]
    if dep is not None:
        out.append(
            f"{share(dep)} of located spend went to suppliers in "
            f"{deciles_band(s.deprived_deciles)} "
            "(an even spread across England would give "
            f"{10 * len(s.deprived_deciles)}%)."
        )
    org = ind["org_type_share"]
    big = max(
        ((k, v) for k, v in org.items() if v is not None and k not in ("unknown",)),
        key=lambda kv: kv[1],
        default=None,
    )
    if big and big[1] > 0:
        out.append(
            f"{ORG_TYPE_LABELS.get(big[0], big[0])} took the largest known share by organisation "
            "type "
            f"({share(big[1])}); the social economy (charities, social enterprises, co-operatives) "
            f"{share(ind['social_economy_share'])}; the type of {share(org.get('unknown'))} is "
            "not known."
        )
    if ind["top_n_share"] is not None and len(s.top_suppliers):
        out.append(concentration_sentence(ind, s.top_suppliers))
    tr = s.trend
    full = tr[tr["months with payments (months)"] >= 12]
    col = f"in {s.place}, of all spend (%)" if s.place_tier else None
    if col and len(full) >= 2 and full[col].notna().all():
        a, b = full.iloc[0], full.iloc[-1]
        diff = b[col] - a[col]
        move = "rose" if diff > 1 else "fell" if diff < -1 else "stayed about the same"
        out.append(
            f"Across the full years, the share of spend in {s.place} {move}: "
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
