"""The collective opportunity: where two or more anchors together spend most outside the place.

The candidates for a joint contract or for growing a local supplier (the Evergreen-laundry
question); definitions in docs/indicators/collective.md.
"""

from __future__ import annotations

import pandas as pd

from anchorlib.config.categories import (
    UNCLASSIFIED,
    load_common_categories,
    with_common_category,
)
from anchorlib.config.places import UNKNOWN, Place
from anchorlib.indicators.addressable import addressable_rule
from anchorlib.indicators.collective import anchor_ids, collab_place, collab_settings, net_rows
from anchorlib.indicators.rows import pounds, share
from anchorlib.indicators.tiers import local_tiers

__all__ = ["collective_opportunity"]


def collective_opportunity(
    ledger: pd.DataFrame,
    collab,
    aliases=None,
    *,
    by: str = "common_category",
    min_anchors: int = 2,
    place: Place | None = None,
    rules=None,
    top: int = 5,
    include_non_addressable_categories: bool = False,
    include_unclassified: bool = False,
    intra: pd.Series | None = None,
) -> pd.DataFrame:
    """Where two or more anchors together spend most outside the place: the candidates for a joint
    contract or for growing a local supplier (the Evergreen-laundry question).

    Rows: the payments counted by the spend indicators, less intra-collaborative payments,
    less what is not addressable (the collaborative's ``addressable_exclusions``: payments to
    public bodies, taxes, utilities ...), grouped by ``by``: ``common_category`` (the published
    category mapped to the common list, :mod:`anchorlib.config.categories`, the collaborative's
    ``category_map`` applied), ``sector`` (the register's), or ``category`` (as published).
    Categories the common list marks ``addressable: false`` are left out unless
    ``include_non_addressable_categories``, and ``unclassified`` spend (no rule matched: not a
    category anyone could contract for) unless ``include_unclassified``; ``attrs['left_out']``
    gives the non-local addressable spend of each group left out (£).

    One row per group where at least ``min_anchors`` anchors have positive non-local
    addressable spend, ranked by ``non_local`` (combined non-local addressable spend):
    ``addressable`` (£), ``local`` (suppliers in the place's local tiers), ``non_local``
    (located outside them), ``unlocated`` (no known location, redacted included),
    ``local_share`` (local / located addressable spend: the share currently local),
    ``n_anchors`` and ``anchors`` (with non-local spend), ``non_local_<anchor>`` (£),
    ``n_local_suppliers`` and ``local_suppliers`` (the local suppliers already present, the
    ``top`` largest with their spend), ``n_non_local_suppliers`` and ``top_non_local_suppliers``.
    """
    pl = collab_place(collab, place)
    rows, flag = net_rows(ledger, collab, aliases, intra)
    s = collab_settings(collab)
    work = rows[~flag]
    rule = addressable_rule(work, s.addressable_exclusions)
    work = work[rule.isna()]
    work, key, excluded_categories, rules = _group_key(
        work, collab, by, rules, include_non_addressable_categories, include_unclassified
    )
    loc_tiers = set(local_tiers(pl))
    work = work.assign(_key=key)
    dropped = work[work["_key"].isin(excluded_categories)]
    dropped_nl = dropped[~dropped["_tier"].isin(loc_tiers) & (dropped["_tier"] != UNKNOWN)]
    left_out = {str(k): pounds(v) for k, v in dropped_nl.groupby("_key")["_pence"].sum().items()}
    work = work[~work["_key"].isin(excluded_categories)]
    is_local = work["_tier"].isin(loc_tiers)
    is_unloc = work["_tier"] == UNKNOWN
    work = work.assign(
        _local=is_local, _nonlocal=~is_local & ~is_unloc, _aid=work["anchor_id"].astype(str)
    )
    ids = anchor_ids(collab, rows)
    recs = []
    for k, g in work.groupby("_key", sort=False):
        recs.append(_group_record(by, k, g, ids, top))
    out = _ranked(recs, by, ids, min_anchors, rules)
    out.attrs["left_out"] = left_out
    out.attrs["local_tiers"] = sorted(loc_tiers)
    return out


def _group_key(work, collab, by, rules, include_non_addressable_categories, include_unclassified):
    """The group of each row (``by``), the groups left out, and the common categories used."""
    excluded_categories: set[str] = set()
    if by == "common_category":
        rules = rules or load_common_categories()
        if "common_category" not in work.columns:
            work = with_common_category(work, collab if hasattr(collab, "spec") else None, rules)
        if not include_non_addressable_categories:
            excluded_categories = {c.id for c in rules.categories if not c.addressable}
        if not include_unclassified:
            excluded_categories.add(UNCLASSIFIED)
        key = work["common_category"].astype(object)
    elif by in ("sector", "category"):
        col = "_sector" if by == "sector" else "category"
        key = (
            work[col].astype(object).where(work[col].notna(), UNKNOWN)
            if col in work.columns
            else pd.Series(UNKNOWN, index=work.index, dtype=object)
        )
    else:
        raise ValueError(f"by must be 'common_category', 'sector' or 'category', got {by!r}")
    return work, key, excluded_categories, rules


def _group_record(by: str, k, g: pd.DataFrame, ids: list[str], top: int) -> dict:
    """One group's row: its addressable spend, local and not, by anchor, and its suppliers."""
    nl = g[g["_nonlocal"]]
    per_anchor = nl.groupby("_aid")["_pence"].sum()
    with_nl = [a for a in ids if per_anchor.get(a, 0) > 0]
    loc = g[g["_local"] & ~g["_redacted"]]
    loc_sup = loc.groupby("_sid").agg(name=("_name", "first"), p=("_pence", "sum"))
    loc_sup = loc_sup[loc_sup["p"] > 0].sort_values(["p", "name"], ascending=[False, True])
    nl_sup = nl[~nl["_redacted"]].groupby("_sid").agg(name=("_name", "first"), p=("_pence", "sum"))
    nl_sup = nl_sup[nl_sup["p"] > 0].sort_values(["p", "name"], ascending=[False, True])
    local_p, nonlocal_p = int(g.loc[g["_local"], "_pence"].sum()), int(nl["_pence"].sum())
    return {
        by: k,
        "addressable": pounds(g["_pence"].sum()),
        "local": pounds(local_p),
        "non_local": pounds(nonlocal_p),
        "unlocated": pounds(g.loc[g["_tier"] == UNKNOWN, "_pence"].sum()),
        "local_share": share(local_p, local_p + nonlocal_p),
        "n_anchors": len(with_nl),
        "anchors": ";".join(with_nl),
        **{f"non_local_{a}": pounds(per_anchor.get(a, 0)) for a in ids},
        "n_local_suppliers": int(len(loc_sup)),
        "local_suppliers": "; ".join(
            f"{r.name} (£{r.p / 100:,.0f})" for r in loc_sup.head(top).itertuples()
        ),
        "n_non_local_suppliers": int(len(nl_sup)),
        "top_non_local_suppliers": "; ".join(
            f"{r.name} (£{r.p / 100:,.0f})" for r in nl_sup.head(top).itertuples()
        ),
    }


def _ranked(recs: list[dict], by: str, ids: list[str], min_anchors: int, rules) -> pd.DataFrame:
    """The groups with ``min_anchors`` or more anchors, ranked by their non-local spend."""
    cols = (
        [
            by,
            "non_local",
            "n_anchors",
            "anchors",
            "local",
            "local_share",
            "addressable",
            "unlocated",
        ]
        + [f"non_local_{a}" for a in ids]
        + [
            "n_local_suppliers",
            "local_suppliers",
            "n_non_local_suppliers",
            "top_non_local_suppliers",
        ]
    )
    out = pd.DataFrame(recs, columns=cols)
    out = out[out["n_anchors"] >= min_anchors]
    out = out.sort_values(["non_local", by], ascending=[False, True]).reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    if by == "common_category" and rules is not None:
        labels = {c.id: c.label for c in rules.categories}
        moveable = {c.id: c.moveable for c in rules.categories}
        joint = {c.id: c.joint_contract for c in rules.categories}
        out.insert(2, "label", out[by].map(labels).fillna(out[by]))
        out["moveable"] = out[by].map(moveable).fillna(False).astype(bool)
        out["joint_contract"] = out[by].map(joint).fillna(False).astype(bool)
    return out
