"""Collaborative ("do it once") indicators: the anchors' spend taken together.

Definitions, denominators and sources: docs/indicators/collective.md.

    from anchorlib.indicators.collective import (flag_intra_collaborative,
intra_collaborative_payments,
        combined_totals, combined_by_tier, combined_by_deprivation, combined_indicators,
        supplier_overlap, overlap_matrix)

    ledger = read_located_ledger(collab)              # anchorlib.assets.register
    intra = flag_intra_collaborative(ledger, collab)  # payments from one member anchor to another
    combined_by_tier(ledger, collab)                  # all anchors, net of intra payments
    overlap_matrix(ledger, collab)                    # shared suppliers of each pair of anchors

The Evergreen-laundry question, where the anchors together spend most outside the place, is
:func:`anchorlib.indicators.opportunity.collective_opportunity`.

Every function counts each payment once (``is_duplicate`` rows dropped) in
exact signed pence, refunds netted, through :func:`anchorlib.indicators.rows.spend_rows`,
so the figures agree with the per-anchor spend indicators.  "Combined" means all
anchors together **less the payments between member anchors** (money moving
inside the collaborative is not spend in the economy); the intra-collaborative
total is always reported beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from anchorlib.config.places import UNKNOWN, Place
from anchorlib.indicators.decile_basis import (
    DECILE_BASIS_INDICES,
    decile_basis_note,
    decile_heading,
    no_decile_words,
)
from anchorlib.indicators.netting import counted_rows, netting_summary
from anchorlib.indicators.rows import COMBINED, NO_DECILE, pounds, share, spend_rows
from anchorlib.indicators.spend import (
    cumulative_tier_shares,
    decile_spend,
    deprived_share,
    group_indicators,
    tier_shares,
    tier_spend,
)
from anchorlib.suppliers.match import display_name, match_key

__all__ = [
    "COMBINED",
    "default_aliases",
    "member_aliases",
    "intra_payee",
    "flag_intra_collaborative",
    "flag_self_payments",
    "intra_collaborative_payments",
    "intra_collaborative_review",
    "combined_totals",
    "combined_by_tier",
    "combined_by_deprivation",
    "combined_tier_deprivation",
    "combined_indicators",
    "anchor_supplier_spend",
    "supplier_overlap",
    "overlap_matrix",
    "collab_spec",
    "collab_place",
    "collab_settings",
    "anchor_ids",
    "net_rows",
    "DECILE_BASIS_INDICES",
    "decile_heading",
    "no_decile_words",
    "decile_basis_note",
]

# --------------------------------------------------------------------------- helpers


def collab_spec(collab):
    """The collaborative's spec (``CollaborativeSpec``), given it or a loaded Collaborative."""
    return getattr(collab, "spec", collab)


def collab_place(collab, place: Place | None) -> Place:
    """``place`` if given, else the loaded Collaborative's place (an error when there is none)."""
    if place is not None:
        return place
    p = getattr(collab, "place", None)
    if isinstance(p, Place):
        return p
    raise ValueError(
        "a Place is needed: pass place=, or a loaded Collaborative (anchorlib.config.collaborative)"
    )


def collab_settings(collab):
    """The collaborative's indicator settings (``indicators:`` in its YAML)."""
    return collab_spec(collab).indicators


def anchor_ids(collab, rows: pd.DataFrame, *, declared_too: bool = False) -> list[str]:
    """Anchors in the collaborative's order: those with rows (every declared one with
    ``declared_too``),
    then any other anchor the ledger has."""
    declared = [a.id for a in collab_spec(collab).anchors]
    found = set(rows["anchor_id"].astype(str)) if len(rows) else set()
    return [a for a in declared if declared_too or a in found] + sorted(found - set(declared))


# --------------------------------------------------------------------- intra-collaborative payments

_COUNCIL = re.compile(
    r"^(?:the\s+)?(?P<area>.+?)\s+(?P<kind>(?:metropolitan\s+)?borough|district|city|county|town)"
    r"\s+council$",
    re.I,
)
_COUNCIL_OF = re.compile(
    r"^(?:the\s+)?council\s+of\s+the\s+(?P<kind>borough|city|county|district)\s+of\s+"
    r"(?P<area>.+)$",
    re.I,
)
_PCC = re.compile(
    r"(?:office\s+of\s+the\s+)?police\s*(?:and|&)\s*crime\s+commissioner\s+(?:for\s+)?(?:the\s+)?"
    r"(?P<area>.+)$",
    re.I,
)
_POLICE = re.compile(
    r"^(?:the\s+)?(?P<area>.+?)\s+(?:constabulary|police(?:\s+service|\s+force)?)$", re.I
)
_FIRE = re.compile(
    r"^(?:the\s+)?(?P<area>.+?)\s+(?:combined\s+)?fire\s*(?:and|&)?\s*(?:rescue)?\s*"
    r"(?:service|authority|brigade)?$",
    re.I,
)
_NHS = re.compile(r"^(?P<stem>.+?)\s+nhs\s+(?:foundation\s+)?trust$", re.I)
_UNI = re.compile(r"^university\s+of\s+(?P<area>.+)$|^(?P<area2>.+?)\s+university$", re.I)


def default_aliases(anchor) -> list[str]:
    """Names an anchor is published under as a payee, derived from its name and type.

    ``anchor``: an ``AnchorSpec`` (``name``, ``type``).  Councils: *X Borough
    Council*, *X Council*, *X BC*, *Borough of X*; police: *Police and Crime
    Commissioner for X*, *PCC for X*, *Office of the Police and Crime
    Commissioner for X*, *X Constabulary*, *X Police*, *Chief Constable of X*,
    *X Police Authority* (the PCC's predecessor, to 2012); fire: *X Fire and
    Rescue Service*, *X Fire and Rescue*, *X Fire and Rescue Authority*, *X
    Combined Fire Authority*, *X Fire Authority*, *X Fire Service*; NHS trusts:
    *X NHS Trust*, *X NHS Foundation Trust*, *X NHS FT*; universities: *University
    of X* and *X University*.  Always the name itself.  They are matched whole
    (after the supplier-key normalisation), never as parts of longer names.
    """
    name = " ".join(str(anchor.name).split())
    kind = str(getattr(anchor, "type", "other"))
    out = [name]
    if kind == "local_authority":
        m = _COUNCIL.match(name) or _COUNCIL_OF.match(name)
        if m:
            area, k = m["area"], m["kind"].title()
            short = "".join(w[0] for w in k.split()).upper()
            out += [
                f"{area} {k} Council",
                f"{area} Council",
                f"{area} {short}C",
                f"{k} of {area}",
                f"Council of the {k} of {area}",
            ]
        elif name.lower().endswith(" council"):
            out.append(name[: -len(" council")] + " Council")
    elif kind == "police":
        m = _PCC.search(name) or _POLICE.match(name)
        if m:
            area = m["area"]
            out += [
                f"Police and Crime Commissioner for {area}",
                f"Police and Crime Commissioner {area}",
                f"PCC for {area}",
                f"{area} PCC",
                f"Office of the Police and Crime Commissioner for {area}",
                f"OPCC for {area}",
                f"OPCC {area}",
                f"{area} OPCC",
                f"{area} Constabulary",
                f"{area} Police",
                f"Chief Constable of {area}",
                f"Chief Constable of {area} Constabulary",
                f"Chief Constable {area}",
                f"{area} Police Authority",
            ]
    elif kind == "fire":
        m = _FIRE.match(name)
        if m:
            area = m["area"]
            out += [
                f"{area} Fire and Rescue Service",
                f"{area} Fire and Rescue",
                f"{area} Fire Rescue Service",
                f"{area} Fire and Rescue Authority",
                f"{area} Combined Fire Authority",
                f"{area} Fire Authority",
                f"{area} Fire Service",
                f"{area} Fire Brigade",
                f"{area} FRS",
                f"{area} Fire and Rescue Services",
            ]
    elif kind == "nhs_trust":
        m = _NHS.match(name)
        stem = m["stem"] if m else name
        out += [f"{stem} NHS Trust", f"{stem} NHS Foundation Trust", f"{stem} NHS FT", f"{stem} FT"]
    elif kind == "university":
        m = _UNI.match(name)
        if m:
            area = m["area"] or m["area2"]
            out += [f"University of {area}", f"{area} University"]
    return list(dict.fromkeys(out))


def _key(name) -> str:
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return ""
    return match_key(display_name(str(name)))


def member_aliases(
    collab, aliases: Mapping[str, Iterable[str]] | None = None, *, defaults: bool = True
) -> dict[str, list[str]]:
    """Each member anchor's payee names: the derived :func:`default_aliases` (unless
    ``defaults=False``),
    the ``aliases`` declared for it in the collaborative YAML, and ``aliases[anchor_id]`` given by
    the
    caller (e.g. a trading name, a predecessor body)."""
    given = {k: list(v) for k, v in (aliases or {}).items()}
    ids = [a.id for a in collab_spec(collab).anchors]
    unknown = sorted(set(given) - set(ids))
    if unknown:
        raise ValueError(
            f"aliases given for {unknown}, which are not anchors of the collaborative ({ids})"
        )
    out = {}
    for a in collab_spec(collab).anchors:
        names = (
            (default_aliases(a) if defaults else [a.name])
            + list(getattr(a, "aliases", []))
            + given.get(a.id, [])
        )
        out[a.id] = list(dict.fromkeys(names))
    return out


def _alias_keys(collab, aliases, defaults=True) -> dict[str, str]:
    """{match key: anchor id}; a key claimed by two anchors is an error (it cannot be told
    apart)."""
    keys: dict[str, str] = {}
    for aid, names in member_aliases(collab, aliases, defaults=defaults).items():
        for n in names:
            k = _key(n)
            if not k:
                continue
            if keys.get(k, aid) != aid:
                raise ValueError(
                    f"the payee name {n!r} would match two member anchors ({keys[k]}, {aid}): "
                    "give distinct aliases"
                )
            keys[k] = aid
    return keys


def intra_payee(
    ledger: pd.DataFrame,
    collab,
    aliases: Mapping[str, Iterable[str]] | None = None,
    *,
    defaults: bool = True,
) -> pd.Series:
    """For every ledger row, the member anchor it pays (its id), or None when the payee is not a
    member.

    A row pays a member when its supplier name as published, or its supplier's
    register name (``canonical_name``), has the same match key (the supplier
    register's normalisation: case, punctuation, '&' = 'and', a leading 'The',
    legal forms and vendor ids ignored) as one of that member's names
    (:func:`member_aliases`).  Whole names only: *Lancashire Constabulary Sports
    & Social Club* is not *Lancashire Constabulary*.  Redacted payees never match.
    """
    keys = _alias_keys(collab, aliases, defaults)
    out = pd.Series(None, index=ledger.index, dtype=object)
    for col in ("supplier_name", "canonical_name"):
        if col not in ledger.columns:
            continue
        vals = ledger[col].astype(object)
        uniq = pd.Series(vals.dropna().unique(), dtype=object)
        hit = {v: keys.get(_key(v)) for v in uniq}
        found = vals.map(
            lambda v, hit=hit: (
                hit.get(v) if v is not None and not (isinstance(v, float) and pd.isna(v)) else None
            )
        )
        out = out.where(out.notna(), found)
    if "is_redacted" in ledger.columns:
        out = out.where(~ledger["is_redacted"].fillna(False).astype(bool), None)
    return out.astype(object).where(out.notna(), None)


def flag_intra_collaborative(
    ledger: pd.DataFrame,
    collab,
    aliases: Mapping[str, Iterable[str]] | None = None,
    *,
    defaults: bool = True,
) -> pd.Series:
    """``is_intra_collaborative``: True for each row that pays a member anchor
    (:func:`intra_payee`),
    including an anchor paying itself.  Same index as ``ledger``; pass it to
    ``anchorlib.indicators.spend.spend_indicators(exclude_rows=...)`` to leave those rows out of
    ``combined``."""
    return (
        intra_payee(ledger, collab, aliases, defaults=defaults)
        .notna()
        .rename("is_intra_collaborative")
    )


def flag_self_payments(
    ledger: pd.DataFrame,
    collab,
    aliases: Mapping[str, Iterable[str]] | None = None,
    *,
    defaults: bool = True,
) -> pd.Series:
    """``is_self_payment``: True for each row by which an anchor pays itself: the member anchor the
    row pays (:func:`intra_payee`, the test of :func:`flag_intra_collaborative`) is the anchor
    that paid it (``anchor_id``), e.g. a council's payments to its own name (internal recharges,
    its own collection fund).  Moving money inside one body is not spend in the economy, so these
    rows are left out of that anchor's own figures (pass the flag to
    ``anchorlib.indicators.spend.spend_indicators(self_rows=...)``), as every payment between
    members is left out of ``combined``.  Same index as ``ledger``."""
    payee = intra_payee(ledger, collab, aliases, defaults=defaults)
    payer = ledger["anchor_id"].astype(str)
    own = payee.notna() & (payee.astype(object).where(payee.notna(), "") == payer)
    return own.astype(bool).rename("is_self_payment")


def intra_collaborative_payments(
    ledger: pd.DataFrame, collab, aliases=None, *, by_year: bool = False, defaults: bool = True
) -> pd.DataFrame:
    """Payments between member anchors, one row per (payer, payee[, financial_year]):
    ``payments``, ``spend`` (£ net), ``payee_names`` (the names as published), ``self`` (an anchor
    paying itself).  Duplicates are dropped; largest first."""
    rows = spend_rows(ledger)
    payee = intra_payee(rows, collab, aliases, defaults=defaults)
    hit = rows[payee.notna()].assign(payee_anchor=payee[payee.notna()])
    keys = ["anchor_id", "payee_anchor"] + (["financial_year"] if by_year else [])
    cols = keys + ["payments", "spend", "payee_names", "self"]
    if hit.empty:
        return pd.DataFrame(columns=cols)
    g = hit.groupby(keys, sort=False)
    out = pd.DataFrame(
        {
            "payments": g.size(),
            "spend": g["_pence"].sum().map(pounds),
            "payee_names": g["supplier_name"].agg(
                lambda s: " | ".join(s.value_counts().index.astype(str))
            ),
        }
    ).reset_index()
    out["self"] = out["anchor_id"].astype(str) == out["payee_anchor"].astype(str)
    out = out.rename(columns={"anchor_id": "anchor_id"})
    return (
        out[cols]
        .sort_values(["spend", "anchor_id"], ascending=[False, True])
        .reset_index(drop=True)
    )


def intra_collaborative_review(
    ledger: pd.DataFrame, collab, aliases=None, *, min_score: float = 95, defaults: bool = True
) -> pd.DataFrame:
    """Payees that look like a member anchor but were **not** matched, for a person to judge
    (add them with ``aliases=``): rapidfuzz ``token_set_ratio`` of the match keys >= ``min_score``
    against any member name (e.g. *Office of the Police and Crime Commissioner* with no area).

    Columns: ``supplier_name``, ``canonical_name``, ``closest_anchor``, ``closest_alias``,
    ``score``, ``payers``, ``payments``, ``spend`` (£); largest spend first.
    """
    from rapidfuzz import fuzz, process

    rows = spend_rows(ledger)
    flagged = intra_payee(rows, collab, aliases, defaults=defaults).notna()
    rest = rows[~flagged & ~rows["_redacted"]]
    keys = _alias_keys(collab, aliases, defaults)
    alias_keys = list(keys)
    names = (
        rest.groupby("supplier_name", sort=False)
        .agg(
            canonical_name=("_name", "first"),
            payers=("anchor_id", lambda s: ";".join(sorted(set(map(str, s))))),
            payments=("_pence", "size"),
            spend=("_pence", "sum"),
        )
        .reset_index()
    )
    recs = []
    for r in names.itertuples(index=False):
        k = _key(r.supplier_name)
        if not k:
            continue
        best = process.extractOne(k, alias_keys, scorer=fuzz.token_set_ratio)
        if best and best[1] >= min_score:
            recs.append(
                {
                    "supplier_name": r.supplier_name,
                    "canonical_name": r.canonical_name,
                    "closest_anchor": keys[best[0]],
                    "closest_alias": best[0],
                    "score": round(best[1], 1),
                    "payers": r.payers,
                    "payments": int(r.payments),
                    "spend": pounds(r.spend),
                }
            )
    cols = [
        "supplier_name",
        "canonical_name",
        "closest_anchor",
        "closest_alias",
        "score",
        "payers",
        "payments",
        "spend",
    ]
    out = pd.DataFrame(recs, columns=cols)
    return out.sort_values(["spend", "supplier_name"], ascending=[False, True]).reset_index(
        drop=True
    )


# --------------------------------------------------------------------------- combined spend


def net_rows(ledger, collab, aliases, intra: pd.Series | None = None):
    """The counted rows of the ledger (:func:`anchorlib.indicators.netting.counted_rows`: credit
    notes netted against their supplier, receipts left out, as every spend figure counts them),
    and the intra-collaborative flag on them."""
    rows = counted_rows(ledger)
    flag = intra if intra is not None else flag_intra_collaborative(ledger, collab, aliases)
    flag = flag.reindex(rows.index).fillna(False).astype(bool)
    return rows, flag


def combined_totals(
    ledger: pd.DataFrame, collab, aliases=None, *, intra: pd.Series | None = None
) -> pd.DataFrame:
    """Spend per anchor and combined, £: ``total`` (all its payments), ``intra`` (its payments to
    member anchors, itself included), ``external`` (total - intra).

    The ``combined`` row: ``total`` is the gross sum over anchors, ``intra`` the payments
    inside the collaborative, ``external`` the combined spend without double counting (the
    figure every combined indicator uses).  ``intra`` may be a precomputed flag Series.
    """
    rows, flag = net_rows(ledger, collab, aliases, intra)
    ids = anchor_ids(collab, rows)
    aid = rows["anchor_id"].astype(str)
    recs = []
    for a in ids:
        m = aid == a
        tot, ins = int(rows.loc[m, "_pence"].sum()), int(rows.loc[m & flag, "_pence"].sum())
        recs.append(
            {
                "anchor": a,
                "total": pounds(tot),
                "intra": pounds(ins),
                "external": pounds(tot - ins),
                "payments": int(m.sum()),
                "intra_payments": int((m & flag).sum()),
            }
        )
    tot, ins = int(rows["_pence"].sum()), int(rows.loc[flag, "_pence"].sum())
    recs.append(
        {
            "anchor": COMBINED,
            "total": pounds(tot),
            "intra": pounds(ins),
            "external": pounds(tot - ins),
            "payments": int(len(rows)),
            "intra_payments": int(flag.sum()),
        }
    )
    return pd.DataFrame(recs).set_index("anchor")


def combined_by_tier(
    ledger: pd.DataFrame,
    collab,
    aliases=None,
    *,
    place: Place | None = None,
    intra: pd.Series | None = None,
) -> pd.DataFrame:
    """Combined spend by tier, net of intra-collaborative payments.

    One row per tier of the place (innermost first) and ``unknown``: ``spend`` (£),
    ``share_of_all`` (of combined spend; sums to 1 with unknown), ``share_of_located``
    (of spend with located suppliers; NaN for unknown), ``cumulative_share_of_all`` /
    ``_of_located`` (this tier or an inner one).  Per-anchor columns ``spend_<anchor>``
    (each anchor's external spend in the tier).  ``attrs['intra_total']``: the payments left out
    (£).
    """
    pl = collab_place(collab, place)
    rows, flag = net_rows(ledger, collab, aliases, intra)
    net = rows[~flag]
    spend = tier_spend(net, pl)
    s_all = tier_shares(net, pl, "all")
    s_loc = tier_shares(net, pl, "located")
    c_all = cumulative_tier_shares(net, pl, "all")
    c_loc = cumulative_tier_shares(net, pl, "located")
    out = pd.DataFrame(
        {
            "spend": spend,
            "share_of_all": s_all,
            "share_of_located": {t: s_loc.get(t) for t in spend},
            "cumulative_share_of_all": {t: c_all.get(t) for t in spend},
            "cumulative_share_of_located": {t: c_loc.get(t) for t in spend},
        }
    ).astype(float)
    out.index.name = "tier"
    for a in anchor_ids(collab, net):
        out[f"spend_{a}"] = pd.Series(tier_spend(net[net["anchor_id"].astype(str) == a], pl))
    out.attrs["intra_total"] = pounds(rows.loc[flag, "_pence"].sum())
    return out


def combined_by_deprivation(
    ledger: pd.DataFrame,
    collab,
    aliases=None,
    *,
    deciles: Iterable[int] | None = None,
    intra: pd.Series | None = None,
) -> pd.DataFrame:
    """Combined spend by deprivation decile of the supplier's small area, net of
    intra-collaborative payments.  The decile follows the collaborative's
    ``deprivation_basis`` (:func:`decile_heading`): its own nation's index (default) or IMD 2025
    only.

    Rows ``'1'`` (most deprived 10% of small areas in the supplier's nation; in England under
    ``england_only``) to ``'10'``, ``no_decile`` (located with no decile), ``unknown`` (not
    located), then ``deprived`` (the
    collaborative's ``deprived_deciles``, e.g. 1-2).  Columns ``spend`` (£),
    ``share_of_all``, ``share_of_located`` (of spend with a located supplier, as
    :func:`anchorlib.indicators.spend.deprived_share`), ``share_of_ranked`` (of spend with suppliers
    that have a decile), and ``spend_<anchor>``.  ``attrs["decile_heading"]``: the basis in words.
    """
    deciles = (
        list(deciles) if deciles is not None else list(collab_settings(collab).deprived_deciles)
    )
    rows, flag = net_rows(ledger, collab, aliases, intra)
    net = rows[~flag]
    spend = decile_spend(net)
    pence = {k: round(v * 100) for k, v in spend.items()}
    tot = sum(pence.values())
    located = tot - pence[UNKNOWN]
    ranked = located - pence[NO_DECILE]
    label = "deprived"
    recs = {}
    for k, p in pence.items():
        recs[k] = {
            "spend": pounds(p),
            "share_of_all": share(p, tot),
            "share_of_located": share(p, located) if k != UNKNOWN else None,
            "share_of_ranked": share(p, ranked) if k not in (UNKNOWN, NO_DECILE) else None,
        }
    dp = sum(pence[str(d)] for d in deciles)
    recs[label] = {
        "spend": pounds(dp),
        "share_of_all": deprived_share(net, deciles, "all"),
        "share_of_located": deprived_share(net, deciles, "located"),
        "share_of_ranked": deprived_share(net, deciles, "ranked"),
    }
    out = pd.DataFrame.from_dict(recs, orient="index").astype(float)
    out.index.name = "decile"
    for a in anchor_ids(collab, net):
        part = decile_spend(net[net["anchor_id"].astype(str) == a])
        col = pd.Series(part)
        col[label] = sum(part[str(d)] for d in deciles)
        out[f"spend_{a}"] = col
    out.attrs["deprived_deciles"] = deciles
    out.attrs["decile_heading"] = decile_heading(collab_settings(collab).deprivation_basis)
    out.attrs["intra_total"] = pounds(rows.loc[flag, "_pence"].sum())
    return out


def combined_tier_deprivation(
    ledger: pd.DataFrame,
    collab,
    aliases=None,
    *,
    place: Place | None = None,
    intra: pd.Series | None = None,
) -> pd.DataFrame:
    """Combined spend (£, net of intra payments) by tier (rows) and the supplier's deprivation
    decile (columns ``'1'``..``'10'``, ``no_decile``, ``unknown``; the decile on the
    collaborative's ``deprivation_basis``, :func:`decile_heading`), with ``total`` row and column:
    where the local and the deprived spend meet."""
    pl = collab_place(collab, place)
    rows, flag = net_rows(ledger, collab, aliases, intra)
    net = rows[~flag]
    cols = [str(d) for d in range(1, 11)] + [NO_DECILE, UNKNOWN]
    tiers = pl.tier_names
    dec = net["_decile"].astype("Int64").astype(str).where(net["_decile"].notna(), NO_DECILE)
    dec = dec.where(net["_tier"] != UNKNOWN, UNKNOWN)
    tab = net.groupby([net["_tier"], dec])["_pence"].sum().unstack(fill_value=0)
    tab = tab.reindex(index=tiers, columns=cols, fill_value=0).astype("int64")
    tab.loc["total"] = tab.sum()
    tab["total"] = tab.sum(axis=1)
    out = tab / 100
    out.index.name = "tier"
    out.columns.name = "decile"
    out.attrs["decile_heading"] = decile_heading(collab_settings(collab).deprivation_basis)
    return out


def combined_indicators(
    ledger: pd.DataFrame,
    collab,
    aliases=None,
    *,
    place: Place | None = None,
    intra: pd.Series | None = None,
) -> dict:
    """Every spend indicator (:func:`anchorlib.indicators.spend.group_indicators`) for all anchors
    together, net of
    intra-collaborative payments, plus ``gross_total``, ``intra_total`` and ``intra_payments`` (the
    table
    of :func:`intra_collaborative_payments`, as records)."""
    pl = collab_place(collab, place)
    rows, flag = net_rows(ledger, collab, aliases, intra)
    home = {a.id: a.home_lad for a in collab_spec(collab).anchors}
    out = group_indicators(rows[~flag], pl, collab_settings(collab), home_lads=home)
    # the receipts left out (step 7 item 6) are read on the rows before netting
    raw = spend_rows(ledger)
    out |= netting_summary(raw[~flag.reindex(raw.index).fillna(False).astype(bool)])
    out["gross_total"] = pounds(rows["_pence"].sum())
    out["intra_total"] = pounds(rows.loc[flag, "_pence"].sum())
    out["intra_payments"] = intra_collaborative_payments(ledger, collab, aliases).to_dict("records")
    return out


# --------------------------------------------------------------------------- supplier overlap


def anchor_supplier_spend(
    ledger: pd.DataFrame,
    collab,
    aliases=None,
    *,
    intra: pd.Series | None = None,
    exclude_intra: bool = True,
) -> pd.DataFrame:
    """Net spend (pence) per supplier (rows, ``supplier_id`` or the ledger key) and anchor (columns:
    every
    anchor of the collaborative, in its order, even one with no payments).

    Named suppliers only (the redacted class is not a supplier); intra-collaborative payments
    left out unless ``exclude_intra=False``.  A supplier *used* by an anchor is one with net spend >
    0.
    """
    rows, flag = net_rows(ledger, collab, aliases, intra)
    keep = ~rows["_redacted"] & rows["_sid"].notna()
    if exclude_intra:
        keep &= ~flag
    r = rows[keep]
    ids = anchor_ids(collab, rows, declared_too=True)
    if r.empty:
        tab = pd.DataFrame(0, index=pd.Index([], dtype=object), columns=ids, dtype="int64")
    else:
        tab = r.groupby(["_sid", r["anchor_id"].astype(str)])["_pence"].sum().unstack(fill_value=0)
        tab = tab.reindex(columns=ids, fill_value=0).astype("int64")
    tab.index.name = "supplier_id"
    tab.columns.name = "anchor_id"
    return tab


def _used(tab: pd.DataFrame) -> pd.DataFrame:
    return tab > 0


def supplier_overlap(
    ledger: pd.DataFrame,
    collab,
    aliases=None,
    *,
    min_anchors: int = 2,
    intra: pd.Series | None = None,
) -> pd.DataFrame:
    """Suppliers used by ``min_anchors`` or more anchors, with their combined spend.

    One row per supplier: ``supplier_id``, ``name``, ``n_anchors``, ``anchors`` (``;``),
    ``combined`` (£, the net spend of the anchors that use it), ``spend_<anchor>`` (£),
    ``org_type``, ``tier``, ``imd25_decile``.  Largest combined first.  A supplier is used by an
    anchor when that anchor's net spend with it is positive; intra-collaborative payments and
    the redacted class are left out.
    """
    rows, flag = net_rows(ledger, collab, aliases, intra)
    tab = anchor_supplier_spend(rows, collab, aliases, intra=flag)
    used = _used(tab)
    n = used.sum(axis=1)
    sel = tab[n >= min_anchors]
    ids = list(tab.columns)
    first = rows.drop_duplicates("_sid").set_index("_sid")
    recs = []
    for sid, vals in sel.iterrows():
        u = used.loc[sid]
        recs.append(
            {
                "supplier_id": sid,
                "name": first.at[sid, "_name"],
                "n_anchors": int(u.sum()),
                "anchors": ";".join(a for a in ids if u[a]),
                "combined": pounds(int(vals[u].sum())),
                **{f"spend_{a}": pounds(int(vals[a])) for a in ids},
                "org_type": first.at[sid, "_org_type"],
                "tier": first.at[sid, "_tier"],
                "imd25_decile": first.at[sid, "_decile"],
            }
        )
    cols = (
        ["supplier_id", "name", "n_anchors", "anchors", "combined"]
        + [f"spend_{a}" for a in ids]
        + ["org_type", "tier", "imd25_decile"]
    )
    out = pd.DataFrame(recs, columns=cols)
    return out.sort_values(["combined", "supplier_id"], ascending=[False, True]).reset_index(
        drop=True
    )


def overlap_matrix(
    ledger: pd.DataFrame,
    collab,
    aliases=None,
    *,
    value: str = "suppliers",
    intra: pd.Series | None = None,
) -> pd.DataFrame:
    """Shared suppliers between each pair of anchors (symmetric; anchors in the collaborative's
    order).

    ``value='suppliers'``: cell (a, b) = the number of suppliers both a and b use; the diagonal
    = each anchor's number of suppliers.  ``value='spend'``: cell (a, b) = the combined net spend
    (£) of a and b with the suppliers they share; the diagonal = each anchor's spend with the
    suppliers it uses (named, intra payments left out).
    """
    if value not in ("suppliers", "spend"):
        raise ValueError(f"value must be 'suppliers' or 'spend', got {value!r}")
    tab = anchor_supplier_spend(ledger, collab, aliases, intra=intra)
    used = _used(tab).astype("int64")
    ids = list(tab.columns)
    if value == "suppliers":
        u = used.to_numpy()
        m = pd.DataFrame(u.T @ u, index=ids, columns=ids).astype("int64")
    else:
        pos = tab.where(tab > 0, 0)
        m = pd.DataFrame(0, index=ids, columns=ids, dtype="int64")
        for a in ids:
            for b in ids:
                both = (used[a] > 0) & (used[b] > 0)
                m.loc[a, b] = int(
                    pos.loc[both, a].sum() + (pos.loc[both, b].sum() if a != b else 0)
                )
        m = m / 100
    m.index.name = "anchor_id"
    m.columns.name = "anchor_id"
    return m
