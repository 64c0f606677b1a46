"""The collaborative's spend taken together: the tables of the ``collaborative_spend`` notebook and
their reading.

Every number comes from :mod:`anchorlib.indicators.collective` (combined spend net of the
payments between member anchors, supplier overlap, the collective opportunity;
definitions in docs/indicators/collective.md) and :mod:`anchorlib.indicators.spend`
(concentration, docs/indicators/spend.md), with categories from
:mod:`anchorlib.config.categories`.  This module only arranges them into tables whose
column names carry their units, and words them (:func:`collaborative_reading`).

    ledger = read_located_ledger(collab)              # the shared assets, read, never rebuilt
    c = collaborative_spend(collab, ledger)
    c.summary, c.anchors, c.tiers, c.deciles, c.tier_deprivation, c.overlap, c.shared_suppliers,
    c.opportunities, c.left_out, c.concentration, c.top_suppliers, c.intra
    collaborative_reading(c)

"Combined" always means all member anchors' payments **less** the payments
from one member anchor to another (money moving inside the collaborative is
not spend in the economy); those payments are shown separately (``c.intra``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from anchorlib.config.categories import load_common_categories
from anchorlib.config.places import UNKNOWN
from anchorlib.core.fmt import as_percent, decile_label, money_words, percent, share
from anchorlib.indicators import collective as C
from anchorlib.indicators import spend
from anchorlib.indicators.coverage import apply_common_threshold, combined_years, coverage_table
from anchorlib.indicators.opportunity import collective_opportunity
from anchorlib.reports.anchor_spend import (
    ORG_TYPE_LABELS,
    concentration_sentence,
    deprived_sentence,
    place_sentences,
    tier_label,
)

__all__ = [
    "CollaborativeSpend",
    "collaborative_spend",
    "collaborative_reading",
    "sources",
    "anchor_names",
    "summary_table",
    "anchor_table",
    "tier_table",
    "decile_table",
    "tier_deprivation_table",
    "overlap_table",
    "shared_supplier_table",
    "opportunity_table",
    "left_out_table",
    "concentration_table",
    "category_concentration_table",
    "top_supplier_table",
    "intra_table",
]


@dataclass
class CollaborativeSpend:
    name: str
    place: str
    place_tier: str | None
    anchor_names: dict[str, str]  # anchor id -> name, in the collaborative's order
    deprived_deciles: list[int]
    indicators: dict  # collective.combined_indicators: every spend indicator, combined, net
    summary: pd.DataFrame  # measure / value (units in the measure)
    anchors: pd.DataFrame  # per anchor: gross, intra, external spend
    tiers: pd.DataFrame
    deciles: pd.DataFrame
    tier_deprivation: pd.DataFrame
    overlap: pd.DataFrame  # anchors x anchors: suppliers used by both
    shared_suppliers: pd.DataFrame
    opportunities: pd.DataFrame
    left_out: pd.DataFrame
    concentration: pd.DataFrame
    top_suppliers: pd.DataFrame
    intra: pd.DataFrame
    shared_count: int = 0  # suppliers used by two or more anchors
    shared_spend: float = 0.0  # their combined spend (£)
    simulated: bool = False
    notes: list[str] = field(default_factory=list)
    #: portfolio concentration of procurement spend per common category (step 7, item 7)
    category_concentration: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the financial years the combined figures cover, and whether every anchor covers each of
    #: them in full (step 7 item 12: :func:`anchorlib.indicators.coverage.combined_years`)
    combined_years: list[str] = field(default_factory=list)
    combined_comparable: bool = True


# --------------------------------------------------------------------------- labels


def anchor_names(collab, ids=None) -> dict[str, str]:
    """Anchor id -> name, in the collaborative's order; an id the YAML does not declare keeps its
    id."""
    names = {a.id: a.name for a in collab.spec.anchors}
    return {a: names.get(a, a) for a in (ids if ids is not None else names)}


def _names(ids: str, names: dict[str, str]) -> str:
    """``'a;b'`` -> ``'Name A, Name B'`` (the ``anchors`` columns of
    anchorlib.indicators.collective)."""
    return ", ".join(names.get(a, a) for a in str(ids).split(";") if a)


def _per_anchor(
    df: pd.DataFrame, prefix: str, names: dict[str, str], suffix: str = "(£)"
) -> dict[str, str]:
    """Rename ``<prefix><anchor>`` columns to ``<anchor name> <suffix>``."""
    return {
        f"{prefix}{a}": f"{n} {suffix}" for a, n in names.items() if f"{prefix}{a}" in df.columns
    }


# --------------------------------------------------------------------------- tables


def summary_table(
    ind: dict, totals: pd.DataFrame, place, shared_count: int, shared_spend: float
) -> pd.DataFrame:
    """The headline figures, one per row: ``measure`` (its unit in brackets) and ``value``."""
    comb = totals.loc[C.COMBINED]
    pt = spend.place_tier(place)
    rows = [
        ("Spend of all anchors, receipts and transfers left out (£)", float(comb["total"])),
        ("Paid from one member anchor to another (£)", float(comb["intra"])),
        ("Combined spend, net of payments between members (£)", float(comb["external"])),
        ("Payments counted (number)", ind["transactions"]),
        ("Suppliers paid (number)", ind["distinct_suppliers"]),
        ("Suppliers used by two or more anchors (number)", shared_count),
        ("Combined spend with suppliers used by two or more anchors (£)", shared_spend),
        ("Spend with a located supplier (%)", as_percent(ind["located_share"])),
    ]
    if "procurement_total" in ind:  # step 7, items 5 and 6
        rows += [
            (
                "Receipts and transfers left out (£)",
                ind["receipts_and_transfers"]["total"],
            ),
            ("Procurement spend, with suppliers (£)", ind["procurement_total"]),
            (
                "Procurement spend with a located supplier (%)",
                as_percent(ind["procurement_located_share"]),
            ),
        ]
    if pt and "procurement_total" in ind:
        rows += [
            (
                f"Headline: spend with suppliers in {place.name}, of procurement spend (%)",
                as_percent(ind["place_share_of_procurement"]),
            ),
            (
                f"Spend with suppliers in {place.name}, of located procurement spend (%)",
                as_percent(ind["place_share_of_procurement_located"]),
            ),
        ]
    if pt:
        rows += [
            (
                f"Spend with suppliers in {place.name}, of all spend (%)",
                as_percent(ind["place_share_of_all"]),
            ),
            (
                f"Spend with suppliers in {place.name}, of located spend (%)",
                as_percent(ind["place_share_of_located"]),
            ),
        ]
    rows += [
        (
            "Spend in the most deprived neighbourhoods, of located spend (%)",
            as_percent(ind["deprived_share_of_located"]),
        ),
        ("Addressable spend (£)", ind["addressable_total"]),
        ("Spend located by a simulated postcode (%)", as_percent(ind["simulated_share"])),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


def anchor_table(totals: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Per anchor and combined: spend (receipts and transfers left out), paid to member anchors,
    and the rest (the external spend)."""
    out = totals.reset_index()
    out["anchor"] = out["anchor"].map(
        lambda a: "All anchors combined" if a == C.COMBINED else names.get(a, a)
    )
    out = out.rename(
        columns={
            "total": "spend, receipts left out (£)",
            "intra": "paid to member anchors (£)",
            "external": "spend outside the collaborative (£)",
            "payments": "payments (number)",
            "intra_payments": "payments to member anchors (number)",
        }
    )
    return out[
        [
            "anchor",
            "spend, receipts left out (£)",
            "paid to member anchors (£)",
            "spend outside the collaborative (£)",
            "payments (number)",
            "payments to member anchors (number)",
        ]
    ]


def tier_table(by_tier: pd.DataFrame, place, names: dict[str, str]) -> pd.DataFrame:
    """Combined spend by the tier of the supplier's location (collective.combined_by_tier), with
    each anchor's £."""
    out = pd.DataFrame(
        {
            "tier (innermost first)": [tier_label(t, place) for t in by_tier.index],
            "spend (£)": by_tier["spend"].to_numpy(),
            "share of all spend (%)": (100 * by_tier["share_of_all"]).to_numpy(),
            "share of located spend (%)": (100 * by_tier["share_of_located"]).to_numpy(),
        }
    )
    per = by_tier[[c for c in by_tier.columns if c.startswith("spend_")]].rename(
        columns=_per_anchor(by_tier, "spend_", names)
    )
    return pd.concat([out, per.reset_index(drop=True)], axis=1)


def _decile_words(k: str, basis: str = "own_nation") -> str:
    if k.isdigit():
        return decile_label(int(k))
    return C.no_decile_words(basis) if k == spend.NO_DECILE else "location not known"


def decile_table(
    by_decile: pd.DataFrame, names: dict[str, str], basis: str = "own_nation"
) -> pd.DataFrame:
    """Combined spend by deprivation decile of the supplier's neighbourhood, headed with its basis
    (:func:`anchorlib.indicators.collective.decile_heading`)
    (collective.combined_by_deprivation).

    The ``deprived`` summary row is left out (it would count its deciles twice); it is in the
    summary."""
    d = by_decile.drop(index="deprived", errors="ignore")
    out = pd.DataFrame(
        {
            C.decile_heading(basis): [_decile_words(str(k), basis) for k in d.index],
            "spend (£)": d["spend"].to_numpy(),
            "share of located spend (%)": (100 * d["share_of_located"]).to_numpy(),
            "share of all spend (%)": (100 * d["share_of_all"]).to_numpy(),
        }
    )
    per = d[[c for c in d.columns if c.startswith("spend_")]].rename(
        columns=_per_anchor(d, "spend_", names)
    )
    return pd.concat([out, per.reset_index(drop=True)], axis=1)


def tier_deprivation_table(tab: pd.DataFrame, place, deciles: list[int]) -> pd.DataFrame:
    """Where local and deprived spend meet: per tier, spend and the part with suppliers in the
    deprived deciles.

    From collective.combined_tier_deprivation (tier x decile, £); the share is of the tier's spend
    with suppliers in England (suppliers with an English IMD decile)."""
    dec = [str(d) for d in range(1, 11)]
    rows = []
    for t in tab.index:
        if t == UNKNOWN:
            continue  # no location, so no decile either
        ranked = float(tab.loc[t, dec].sum())
        dep = float(tab.loc[t, [str(d) for d in deciles]].sum())
        rows.append(
            {
                "tier (innermost first)": "all located tiers"
                if t == "total"
                else tier_label(t, place),
                "spend (£)": float(tab.loc[t, "total"])
                - (float(tab.loc[t, UNKNOWN]) if t == "total" else 0.0),
                "spend with suppliers in England (£)": ranked,
                "in the most deprived neighbourhoods (£)": dep,
                "share of spend in England (%)": 100 * dep / ranked if ranked > 0 else None,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "tier (innermost first)",
            "spend (£)",
            "spend with suppliers in England (£)",
            "in the most deprived neighbourhoods (£)",
            "share of spend in England (%)",
        ],
    )


def overlap_table(matrix: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The anchors x anchors matrix of collective.overlap_matrix: cell = suppliers both anchors use
    (the diagonal: each anchor's own number of suppliers)."""
    m = matrix.rename(
        index=names, columns={a: f"{names.get(a, a)} (suppliers)" for a in matrix.columns}
    )
    m.index.name = "anchor"
    m.columns.name = None
    return m.reset_index()


def shared_supplier_table(
    overlap: pd.DataFrame, place, names: dict[str, str], n: int
) -> pd.DataFrame:
    """The ``n`` largest suppliers used by two or more anchors (collective.supplier_overlap)."""
    top = overlap.head(n)
    out = pd.DataFrame(
        {
            "supplier": top["name"].to_numpy(),
            "anchors using it (number)": top["n_anchors"].to_numpy(),
            "anchors": [_names(a, names) for a in top["anchors"]],
            "combined spend (£)": top["combined"].to_numpy(),
        }
    )
    per = top[[c for c in top.columns if c.startswith("spend_")]].rename(
        columns=_per_anchor(top, "spend_", names)
    )
    out = pd.concat([out, per.reset_index(drop=True)], axis=1)
    out["organisation type"] = [ORG_TYPE_LABELS.get(t, t) for t in top["org_type"]]
    out["tier"] = [tier_label(t, place) for t in top["tier"]]
    return out


def opportunity_table(opp: pd.DataFrame, names: dict[str, str], n: int) -> pd.DataFrame:
    """The ``n`` largest collective opportunities (collective.collective_opportunity, by common
    category)."""
    top = opp.head(n)
    key = "label" if "label" in top.columns else top.columns[1]
    out = pd.DataFrame(
        {
            "rank": top["rank"].to_numpy(),
            "category": top[key].astype(str).to_numpy(),
            "bought from outside the place (£)": top["non_local"].to_numpy(),
            "anchors buying outside (number)": top["n_anchors"].to_numpy(),
            "anchors": [_names(a, names) for a in top["anchors"]],
            "bought in the place (£)": top["local"].to_numpy(),
            "local share of located spend (%)": (100 * top["local_share"].astype(float)).to_numpy(),
            "addressable spend (£)": top["addressable"].to_numpy(),
            "location not known (£)": top["unlocated"].to_numpy(),
        }
    )
    per = top[[c for c in top.columns if c.startswith("non_local_")]]
    per = per.rename(columns=_per_anchor(top, "non_local_", names, "outside the place (£)"))
    out = pd.concat([out, per.reset_index(drop=True)], axis=1)
    out["local suppliers already paid (number)"] = top["n_local_suppliers"].to_numpy()
    out["largest local suppliers"] = top["local_suppliers"].to_numpy()
    out["largest suppliers outside the place"] = top["top_non_local_suppliers"].to_numpy()
    for col, label in (
        ("moveable", "moveable spend (HAN)"),
        ("joint_contract", "bought jointly elsewhere"),
    ):
        if col in top.columns:
            out[label] = top[col].astype(bool).to_numpy()
    return out


def left_out_table(left_out: dict, rules=None) -> pd.DataFrame:
    """Spend outside the place in categories left out of the opportunities (not addressable,
    unclassified)."""
    labels = {c.id: c.label for c in rules.categories} if rules is not None else {}
    labels.setdefault("unclassified", "Unclassified (no category rule matched)")
    rows = sorted(left_out.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(
        [
            {"category left out": labels.get(k, k), "bought from outside the place (£)": v}
            for k, v in rows
        ],
        columns=["category left out", "bought from outside the place (£)"],
    )


def concentration_table(ind: dict) -> pd.DataFrame:
    """Portfolio concentration of the combined spend: the HHI of procurement spend (the published
    figure, anchorlib.indicators.concentration.portfolio_hhi), the HHI of all named suppliers
    and the top-N share.  No merger-regulation threshold: one buyer's portfolio is not a market
    (step 7, item 7)."""
    rows = [
        ("Suppliers paid (number)", ind["distinct_suppliers"]),
        (
            "Portfolio concentration of procurement spend, HHI 0 to 10,000 (index)",
            ind.get("portfolio_hhi_10000"),
        ),
        ("HHI of all named-supplier spend, 0 to 10,000 (index)", ind["hhi_10000"]),
        (
            f"Share of named-supplier spend with the {ind['top_n']} largest suppliers (%)",
            as_percent(ind["top_n_share"]),
        ),
        (
            "Share of named-supplier spend with the 10 largest suppliers (%)",
            as_percent(ind["top10_share"]),
        ),
    ]
    if ind["top_n"] == 10:
        rows.pop()
    return pd.DataFrame(rows, columns=["measure", "value"])


def category_concentration_table(ind: dict, rules=None) -> pd.DataFrame:
    """Portfolio concentration of procurement spend within each common category
    (anchorlib.indicators.concentration.hhi_by_category), largest spend first."""
    labels = {c.id: c.label for c in rules.categories} if rules is not None else {}
    cols = [
        "category",
        "procurement spend with named suppliers (£)",
        "suppliers (number)",
        "HHI, 0 to 10,000 (index)",
        "largest supplier's share (%)",
    ]
    return pd.DataFrame(
        [
            [
                labels.get(k, k),
                v["spend"],
                v["suppliers"],
                10000 * v["hhi"],
                as_percent(v["largest_share"]),
            ]
            for k, v in (ind.get("portfolio_hhi_by_category") or {}).items()
        ],
        columns=cols,
    )


def top_supplier_table(net_rows: pd.DataFrame, used: pd.DataFrame, place, n: int) -> pd.DataFrame:
    """The ``n`` largest suppliers of the combined spend (spend.top_suppliers on the rows net of
    intra payments), with the number of anchors using each (collective.anchor_supplier_spend)."""
    top = spend.top_suppliers(net_rows, n)
    n_used = (used > 0).sum(axis=1)
    cols = [
        "rank",
        "supplier",
        "supplier id",
        "net spend (£)",
        "share of named-supplier spend (%)",
        "anchors using it (number)",
        "tier",
    ]
    return pd.DataFrame(
        [
            {
                "rank": i + 1,
                "supplier": t["name"],
                "supplier id": t["supplier_id"],
                "net spend (£)": t["spend"],
                "share of named-supplier spend (%)": as_percent(t["share"]),
                "anchors using it (number)": int(n_used.get(t["supplier_id"], 0)),
                "tier": tier_label(t["tier"], place),
            }
            for i, t in enumerate(top)
        ],
        columns=cols,
    )


def intra_table(intra: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Payments between member anchors (collective.intra_collaborative_payments), largest first."""
    cols = [
        "paid by",
        "paid to",
        "payments (number)",
        "spend (£)",
        "an anchor paying itself",
        "payee names as published",
    ]
    if intra.empty:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(
        {
            "paid by": intra["anchor_id"].map(lambda a: names.get(a, a)).to_numpy(),
            "paid to": intra["payee_anchor"].map(lambda a: names.get(a, a)).to_numpy(),
            "payments (number)": intra["payments"].astype(int).to_numpy(),
            "spend (£)": intra["spend"].astype(float).to_numpy(),
            "an anchor paying itself": intra["self"].astype(bool).to_numpy(),
            "payee names as published": intra["payee_names"].to_numpy(),
        },
        columns=cols,
    )


# --------------------------------------------------------------------------- the report


def collaborative_spend(
    collab,
    ledger: pd.DataFrame,
    *,
    suppliers_listed: int = 20,
    opportunities_listed: int = 10,
    min_anchors: int = 2,
    aliases=None,
) -> CollaborativeSpend:
    """Every table of the collaborative spend report, from the collaborative's located ledger.

    The payments between member anchors are flagged once
    (collective.flag_intra_collaborative) and the same flag is given to every
    collective function, so all the combined figures leave out the same rows.
    """
    place = collab.place
    settings = collab.spec.indicators
    ledger, years, comparable = comparable_ledger(collab, ledger)
    rows = spend.spend_rows(ledger, place)
    flag = C.flag_intra_collaborative(rows, collab, aliases)
    net = rows[~flag]
    names = anchor_names(collab, C.anchor_ids(collab, rows, declared_too=True))
    ind = C.combined_indicators(rows, collab, aliases, intra=flag)
    totals = C.combined_totals(rows, collab, aliases, intra=flag)
    shared = C.supplier_overlap(rows, collab, aliases, min_anchors=min_anchors, intra=flag)
    used = C.anchor_supplier_spend(rows, collab, aliases, intra=flag)
    rules = load_common_categories()
    opp = collective_opportunity(
        rows, collab, aliases, min_anchors=min_anchors, rules=rules, intra=flag
    )
    deciles = list(settings.deprived_deciles)
    shared_count, shared_spend = (
        int(len(shared)),
        float(shared["combined"].sum()) if len(shared) else 0.0,
    )
    notes = []
    if not len(rows):
        notes.append("No payments in the ledger.")
    return CollaborativeSpend(
        name=collab.spec.name,
        place=place.name,
        place_tier=spend.place_tier(place),
        anchor_names=names,
        deprived_deciles=deciles,
        indicators=ind,
        summary=summary_table(ind, totals, place, shared_count, shared_spend),
        anchors=anchor_table(totals, names),
        tiers=tier_table(C.combined_by_tier(rows, collab, aliases, intra=flag), place, names),
        deciles=decile_table(
            C.combined_by_deprivation(rows, collab, aliases, intra=flag),
            names,
            settings.deprivation_basis,
        ),
        tier_deprivation=tier_deprivation_table(
            C.combined_tier_deprivation(rows, collab, aliases, intra=flag), place, deciles
        ),
        overlap=overlap_table(C.overlap_matrix(rows, collab, aliases, intra=flag), names),
        shared_suppliers=shared_supplier_table(shared, place, names, suppliers_listed),
        opportunities=opportunity_table(opp, names, opportunities_listed),
        left_out=left_out_table(opp.attrs.get("left_out", {}), rules),
        concentration=concentration_table(ind),
        top_suppliers=top_supplier_table(net, used, place, suppliers_listed),
        intra=intra_table(C.intra_collaborative_payments(rows, collab, aliases), names),
        shared_count=shared_count,
        shared_spend=shared_spend,
        simulated=bool(ind.get("simulated_share")),
        notes=notes,
        category_concentration=category_concentration_table(ind, rules),
        combined_years=years,
        combined_comparable=comparable,
    )


def comparable_ledger(collab, ledger: pd.DataFrame) -> tuple[pd.DataFrame, list[str], bool]:
    """The payments the combined figures cover (step 7 item 12): every anchor above the
    collaborative's ``common_threshold`` (when set), in the financial years every declared anchor
    with a ledger covers in full; when there is none yet, every year, flagged not comparable."""
    ledger = apply_common_threshold(ledger, collab.spec.indicators.common_threshold)
    ids = [a.id for a in collab.spec.anchors if a.ledger] or C.anchor_ids(collab, ledger)
    years, comparable = combined_years(coverage_table(ledger), ids)
    return ledger[ledger["financial_year"].astype(str).isin(years)], years, comparable


# --------------------------------------------------------------------------- the reading


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _largest_pair(overlap: pd.DataFrame) -> tuple[str, str, int] | None:
    """The two different anchors sharing the most suppliers, from the overlap table (None with fewer
    than two)."""
    m = overlap.set_index("anchor")
    best = None
    for i, a in enumerate(m.index):
        for j, col in enumerate(m.columns):
            if j > i and (best is None or m.iat[i, j] > best[2]):
                best = (a, col.removesuffix(" (suppliers)"), int(m.iat[i, j]))
    return best


def collaborative_reading(c: CollaborativeSpend) -> list[str]:
    """Short plain-English sentences on the anchors' spend taken together, generated from the
    figures."""
    ind = c.indicators
    if not ind["transactions"]:
        return ["There are no payments in the ledger."]
    out = []
    years = ind["financial_years"]
    span = f"from {years[0]} to {years[-1]}" if len(years) > 1 else f"in {years[0]}"
    if c.combined_comparable and c.combined_years:
        span += (
            ", the financial years every anchor published in full"
            if len(years) > 1
            else (", the financial year every anchor published in full")
        )
    n = len(c.anchor_names)
    out.append(
        f"The {n} anchor{'s' if n != 1 else ''} paid {money_words(ind['gross_total'])} {span}. "
        f"{money_words(ind['intra_total'])} of it went "
        "from one member anchor to another, which leaves combined spend of "
        f"{money_words(ind['total'])} with "
        f"{ind['distinct_suppliers']:,} suppliers (credit notes netted against their supplier, "
        "receipts left out, payments published twice "
        "counted once)."
    )
    if not c.combined_comparable:
        out.append(
            "No financial year is covered in full by every anchor yet, so these figures mix "
            "part-years and are not comparable with a later full year (each anchor page's coverage "
            "table shows the months)."
        )
    if c.simulated:
        out.append(
            f"Supplier locations are simulated for this demo ({share(ind['simulated_share'])} of "
            "spend): the "
            "geographic figures below illustrate the method and say nothing about these suppliers."
        )
    if c.place_tier:
        out += place_sentences(ind, c.place, "Together, ")
    dep = deprived_sentence(ind, c.deprived_deciles, "located combined spend")
    if dep:
        out.append(dep)
    if c.shared_count:
        pair = _largest_pair(c.overlap)
        part = c.shared_spend / ind["total"] if ind["total"] > 0 else None
        text = (
            f"{c.shared_count:,} suppliers are used by two or more anchors; they take "
            f"{money_words(c.shared_spend)} "
            f"({share(part)} of combined spend)."
        )
        if pair and pair[2]:
            text += f" {pair[0]} and {pair[1]} share the most suppliers ({pair[2]:,})."
        out.append(text)
    else:
        out.append("No supplier is used by more than one anchor.")
    if len(c.opportunities):
        o = c.opportunities.iloc[0]
        local = o["local share of located spend (%)"]
        out.append(
            f"The largest collective opportunity is {o['category']}: "
            f"{o['anchors buying outside (number)']} "
            f"anchors ({o['anchors']}) together buy "
            f"{money_words(o['bought from outside the place (£)'])} of it "
            f"from suppliers outside {c.place}"
            + (
                f"; {percent(local, 0)} of the located spend in it is local already, with "
                f"{int(o['local suppliers already paid (number)']):,} local suppliers paid."
                if pd.notna(local)
                else "."
            )
        )
    else:
        out.append(f"No category is bought from outside {c.place} by two or more anchors.")
    if ind["top_n_share"] is not None and len(c.top_suppliers):
        out.append(concentration_sentence(ind, c.top_suppliers, "combined spend"))
    if len(c.intra):
        i = c.intra.iloc[0]
        out.append(
            f"The largest flow inside the collaborative: {i['paid by']} paid {i['paid to']} "
            f"{money_words(i['spend (£)'])} in {_count(int(i['payments (number)']), 'payment')}."
        )
    return out


def sources(collab) -> list[str]:
    """Catalogue source ids the collaborative spend report draws on (for the licences and
    attributions)."""
    ids = [a.ledger.source for a in collab.spec.anchors if a.ledger is not None and a.ledger.source]
    return ids + [
        "imd2025",
        "onspd_lookup",
        "codepoint_open",
        "lookup_lsoa21_ward24",
        "lookup_lad24_region",
    ]
