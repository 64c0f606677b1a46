"""Spend indicators: one tested function per published number (definitions in
docs/indicators/spend.md).

Every function takes a *located ledger*: the canonical ledger (docs/ledger_schema.md)
with each row's supplier attributes (``anchorlib.assets.register.read_located_ledger`` or
``anchorlib.suppliers.attach.attach_suppliers``): ``supplier_id``, ``canonical_name``, ``org_type``,
``sector``,
``size_band``, ``postcode_source``, ``tier``, ``lad24_code``, ``imd25_decile``.
Missing attribute columns are treated as unknown.

Common rules, for every indicator:

* **Each payment once.** Rows flagged ``is_duplicate`` (republished in a later
  file) are dropped; identical rows within one file are genuine repeats and kept.
* **Signed pence, netted per supplier.** Totals are sums of ``amount_pence`` (exact
  integers); credit notes and refunds (negative rows) net off the payments of the same
  anchor to the same supplier.  A supplier credited more than it was paid (a receipt or
  transfer, e.g. a government department paying the council) is left out of every figure
  and reported (``receipts_and_transfers``; :mod:`anchorlib.indicators.netting`), so no
  share leaves [0, 1] because of netting.  Results are floats in pounds, shares are
  fractions 0-1.
* **Procurement spend** (all spend less public bodies, HMRC, pension funds, precepts and
  levies, grants and benefits to individuals, redacted payees;
  :mod:`anchorlib.indicators.procurement`) is the basis of the headline share in the place
  (``place_share_of_procurement``) and of portfolio concentration; the all-spend shares stay
  beside it.
* **Nothing silently dropped.** Spend whose supplier location is not known is
  tier ``unknown``: it stays in every "of all" denominator, and the located
  share (spend with a known location / all spend) is reported beside every
  "of located" share.  Spend with a supplier located in none of the place's
  declared tiers (a place with no ``everywhere`` tier) is tier ``outside``:
  located, so in every "of located" denominator.
* **Redacted payees** (personal data withheld) are their own class: counted in
  every total and in ``unknown`` (they can never be located), never a supplier
  in the supplier counts, HHI or top-N.  ``unlocated_detail`` splits ``unknown``
  into redacted and the other reasons, so tier shares still sum to 1.
* A share whose denominator is zero or negative is ``None``, never 0.

The rules are applied once by :func:`anchorlib.indicators.rows.spend_rows`.  Addressable spend
(:mod:`anchorlib.indicators.addressable`) and LM3 (:mod:`anchorlib.indicators.lm3`) have modules of
their own; the place's tiers are named by :mod:`anchorlib.indicators.tiers`.

:func:`spend_indicators` computes them all per anchor and for the collaborative
combined (optionally per financial year); ``anchor indicators`` prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from anchorlib.config.collaborative import IndicatorSettings
from anchorlib.config.places import UNKNOWN, Place
from anchorlib.indicators.addressable import addressable_parts, addressable_rule
from anchorlib.indicators.concentration import (
    category_hhi,
    hhi,
    hhi_by_category,
    portfolio_hhi,
    supplier_net_spend,
    top_n_share,
    top_suppliers,
)
from anchorlib.indicators.gates import located_gate, type_gate
from anchorlib.indicators.lm3 import lm3
from anchorlib.indicators.netting import counted_rows, netting_summary
from anchorlib.indicators.procurement import procurement_parts, procurement_rule
from anchorlib.indicators.rows import (
    COMBINED,
    NO_DECILE,
    PENCE,
    SpendError,
    distinct_values,
    pence_by,
    pence_total,
    pounds,
    share,
    spend_rows,
)
from anchorlib.indicators.tiers import place_tier, wider_tier
from anchorlib.suppliers.orgtype import ORG_TYPES

__all__ = [
    "VCSE_TYPES",
    "HEADLINE_KEYS",
    "total_spend",
    "transaction_count",
    "refund_summary",
    "distinct_suppliers",
    "redacted_spend",
    "tier_spend",
    "located_share",
    "unlocated_detail",
    "tier_shares",
    "cumulative_tier_shares",
    "place_share",
    "wider_share",
    "home_district_share",
    "decile_spend",
    "deprived_share",
    "org_type_spend",
    "org_type_shares",
    "social_economy_share",
    "size_band_spend",
    "sme_share",
    "sector_spend",
    "sector_shares",
    "supplier_net_spend",
    "hhi",
    "portfolio_hhi",
    "hhi_by_category",
    "org_type_coverage",
    "top_n_share",
    "top_suppliers",
    "addressable_tier_shares",
    "simulated_share",
    "group_indicators",
    "spend_indicators",
]

#: Organisation types counted as the social economy (VCSE): charities, social enterprises / CICs,
#: co-operatives and mutuals (register org_type values, docs/supplier_register.md).
VCSE_TYPES = ("charity", "cic_social_enterprise", "cooperative_mutual")
#: ``size_band`` values (case-insensitive, any of these words) that mean an SME (under 250 staff).
SME_WORDS = ("micro", "small", "medium", "sme")
LARGE_WORDS = ("large",)

#: The keys ``anchor indicators --json`` promises per anchor and ``combined`` (more keys follow
#: them).
HEADLINE_KEYS = (
    "total",
    "located_share",
    "tier_share_of_all",
    "tier_share_of_located",
    "deprived_share_of_located",
    "hhi",
    "top10_share",
)


# --------------------------------------------------------------------------- totals


def total_spend(ledger: pd.DataFrame) -> float:
    """Total spend, £: the net sum of every payment, each counted once.

    Definition: sum of ``amount_pence`` over non-duplicate rows, refunds and
    credits netted off, redacted payees included.  Source: the published
    "spend over £500" files (Local Government Transparency Code 2015), read by
    ``anchorlib.ledgers.canonical``.
    """
    return pounds(pence_total(counted_rows(ledger)))


def transaction_count(ledger: pd.DataFrame) -> int:
    """Transactions: the number of payment lines counted once (refund lines included).

    Definition: non-duplicate ledger rows.  Identical lines within one file are
    separate payments and count separately.  Source: the published spend files.
    """
    return int(len(counted_rows(ledger)))


def refund_summary(ledger: pd.DataFrame) -> dict:
    """Refunds and credits: ``{'count', 'total'}`` of the negative rows (total £, negative).

    They are netted into every other indicator; this shows how much netting there is.
    """
    rows = spend_rows(ledger)
    neg = rows[PENCE] < 0
    return {"count": int(neg.sum()), "total": pounds(pence_total(rows, neg))}


def distinct_suppliers(ledger: pd.DataFrame) -> int:
    """Distinct suppliers paid: named suppliers with at least one payment line.

    Definition: distinct ``supplier_id`` (the collaborative's supplier register:
    one supplier across spellings and anchors), else distinct ``supplier_key``;
    the redacted class is not a supplier and is not counted.
    """
    rows = counted_rows(ledger)
    return int(rows.loc[~rows["_redacted"], "_sid"].nunique())


def redacted_spend(ledger: pd.DataFrame) -> dict:
    """Spend with redacted payees: ``{'total' (£), 'share' (of all spend), 'transactions'}``.

    Counted in every total and in tier ``unknown``; never located, never a supplier.
    """
    rows = counted_rows(ledger)
    red = rows["_redacted"]
    return {
        "total": pounds(pence_total(rows, red)),
        "share": share(pence_total(rows, red), pence_total(rows)),
        "transactions": int(red.sum()),
    }


# --------------------------------------------------------------------------- geography (CLES)


def _tier_pence(rows: pd.DataFrame, place: Place) -> dict[str, int]:
    got = pence_by(rows, "_tier")
    return {t: got.get(t, 0) for t in place.tier_names}


def tier_spend(ledger: pd.DataFrame, place: Place) -> dict[str, float]:
    """Spend by tier, £: each payment in its supplier's innermost tier of the place, or ``unknown``.

    Definition (CLES spend analysis): the supplier's postcode (from the supplier
    register) is placed in its LSOA 2021 and so in the innermost of the place's
    nested tiers (``place.tier_names``, e.g. home district, place, wider region,
    rest of UK); a located supplier in none of them is ``outside`` (a place with
    no ``everywhere`` tier); suppliers with no postcode, a postcode not found, and
    redacted payees are ``unknown``.  Every tier of the place is a key (0 when
    nothing is spent there); the values sum to the total.
    """
    rows = counted_rows(ledger, place)
    return {t: pounds(v) for t, v in _tier_pence(rows, place).items()}


def located_share(ledger: pd.DataFrame) -> float | None:
    """Located share: spend whose supplier location is known / all spend.

    Always shown beside every "of located" share (CLES reports analyse the
    located suppliers; this says how much of the spend that is).
    """
    rows = counted_rows(ledger)
    return share(pence_total(rows, rows["_tier"] != UNKNOWN), pence_total(rows))


def unlocated_detail(ledger: pd.DataFrame) -> dict[str, float]:
    """Why spend is ``unknown``, £: ``redacted`` payees, suppliers with ``no_postcode``, and a
    postcode that was ``not_placed`` (invalid or not in the ONS lookup).  Sums to the unknown
    tier.  A supplier located outside every declared tier is not unknown but ``outside``."""
    rows = counted_rows(ledger)
    unk = rows["_tier"] == UNKNOWN
    red = unk & rows["_redacted"]
    nopc = unk & ~rows["_redacted"] & rows["_postcode"].isna()
    other = unk & ~red & ~nopc
    return {
        "redacted": pounds(pence_total(rows, red)),
        "no_postcode": pounds(pence_total(rows, nopc)),
        "not_placed": pounds(pence_total(rows, other)),
    }


def tier_shares(
    ledger: pd.DataFrame, place: Place, denominator: str = "all"
) -> dict[str, float | None]:
    """Share of spend in each tier (the CLES local-spend measure).

    ``denominator='all'``: tier spend / all spend; every tier including
    ``unknown`` is a key and the shares sum to 1.  ``denominator='located'``:
    tier spend / located spend (``unknown`` is not a key); the shares sum to 1
    over the located tiers; show :func:`located_share` beside it.  Shares are
    by innermost tier (rings); :func:`cumulative_tier_shares` gives "in this
    tier or an inner one".  Source: CLES, the Preston model (docs/domain.md).
    """
    rows = counted_rows(ledger, place)
    pence = _tier_pence(rows, place)
    if denominator == "all":
        den = sum(pence.values())
        return {t: share(v, den) for t, v in pence.items()}
    if denominator == "located":
        located = {t: v for t, v in pence.items() if t != UNKNOWN}
        den = sum(located.values())
        return {t: share(v, den) for t, v in located.items()}
    raise ValueError(f"denominator must be 'all' or 'located', got {denominator!r}")


def cumulative_tier_shares(
    ledger: pd.DataFrame, place: Place, denominator: str = "all"
) -> dict[str, float | None]:
    """Share of spend in each tier *or an inner one* (Preston in Lancashire: local-authority
    share 18.2%, county share 79.2% including Preston).  Same denominators as :func:`tier_shares`;
    tiers are assumed nested (``build_place`` notes when they are not)."""
    rows = counted_rows(ledger, place)
    pence = _tier_pence(rows, place)
    den = (
        sum(pence.values())
        if denominator == "all"
        else sum(v for t, v in pence.items() if t != UNKNOWN)
    )
    if denominator not in ("all", "located"):
        raise ValueError(f"denominator must be 'all' or 'located', got {denominator!r}")
    out, run = {}, 0
    for t in place.tier_names[:-1]:
        run += pence[t]
        out[t] = share(run, den)
    return out


def place_share(ledger: pd.DataFrame, place: Place, denominator: str = "all") -> float | None:
    """The CLES measure: share of spend with suppliers based in the place.

    Definition: spend with suppliers whose postcode is in the place (the
    ``place: true`` tier and any tier inside it, e.g. a home district) divided
    by all spend (``denominator='all'``: unlocated spend counts as not local, the
    conservative reading) or by located spend (``'located'``: the share among
    suppliers whose location is known).  Source: CLES (Preston: 5% in 2012/13
    to 18.2%; Manchester City Council 51.5% to 69.2%), docs/domain.md.
    """
    name = place_tier(place)
    return None if name is None else cumulative_tier_shares(ledger, place, denominator)[name]


def wider_share(ledger: pd.DataFrame, place: Place, denominator: str = "all") -> float | None:
    """Share of spend with suppliers in the wider region *including* the place (CLES's second
    geography, e.g. Lancashire around Preston); ``None`` when the place declares no wider tier."""
    name = wider_tier(place)
    return None if name is None else cumulative_tier_shares(ledger, place, denominator)[name]


def home_district_share(
    ledger: pd.DataFrame, home_lads: Mapping[str, str | None], denominator: str = "all"
) -> float | None:
    """Share of spend with suppliers in the paying anchor's own district (its ``home_lad``).

    Definition: spend on rows whose supplier LAD 2024 (``lad24_code``) equals
    the home LAD of the anchor that paid (``home_lads[anchor_id]``), over all
    spend or over located spend.  Over several anchors each payment is compared
    with its own payer's district.  ``None`` when an anchor in the ledger has no
    home LAD.  (A place may instead declare a ``home_district`` tier, the same
    district for every anchor; it then appears in the tier shares.)
    """
    rows = counted_rows(ledger)
    if denominator not in ("all", "located"):
        raise ValueError(f"denominator must be 'all' or 'located', got {denominator!r}")
    anchors = distinct_values(rows, "anchor_id")
    if not anchors or any(not home_lads.get(a) for a in anchors):
        return None
    home = rows["anchor_id"].map({a: home_lads.get(a) for a in anchors})
    hit = (rows["_lad"] == home) & (rows["_tier"] != UNKNOWN)
    den = pence_total(rows) if denominator == "all" else pence_total(rows, rows["_tier"] != UNKNOWN)
    return share(pence_total(rows, hit), den)


# --------------------------------------------------------------------------- deprivation


def decile_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by deprivation decile of the supplier's small area, £.

    The decile is the located ledger's ``imd25_decile``, on the collaborative's
    ``deprivation_basis``: under ``own_nation`` (the default) the supplier's own nation's
    decile (IMD 2025 England, WIMD 2019, SIMD 2020, NIMDM 2017; each within its nation), under
    ``england_only`` IMD 2025 only.  Keys ``'1'`` (most deprived 10% of the nation's small areas)
    to ``'10'``, ``no_decile`` (located with no decile: its small area not known or, under
    ``england_only``, outside England) and ``unknown`` (supplier not located).  Sums to the
    total.  Headings: :func:`anchorlib.indicators.collective.decile_heading`.
    """
    rows = counted_rows(ledger)
    out = {str(d): 0 for d in range(1, 11)}
    located = rows["_tier"] != UNKNOWN
    ranked = located & rows["_decile"].notna()
    for d, v in (
        rows.loc[ranked].groupby(rows.loc[ranked, "_decile"].astype(int))[PENCE].sum().items()
    ):
        out[str(int(d))] = int(v)
    out[NO_DECILE] = pence_total(rows, located & ~ranked)
    out[UNKNOWN] = pence_total(rows, ~located)
    return {k: pounds(v) for k, v in out.items()}


def deprived_share(
    ledger: pd.DataFrame, deciles: Iterable[int] = (1, 2), denominator: str = "located"
) -> float | None:
    """Share of spend with suppliers based in the most deprived areas.

    Numerator: spend with located suppliers whose LSOA is in one of ``deciles``
    of IMD 2025 (``[1]`` = most deprived 10%, ``[1, 2]`` = 20%, ``[1, 2, 3]`` =
    30%: all in use, so it is a parameter; the collaborative's
    ``indicators.deprived_deciles``).  Denominators: ``'all'`` (all spend),
    ``'located'`` (spend with located suppliers, wherever they are, including
    outside England), ``'ranked'`` (spend with suppliers in England, the only
    ones with an IMD 2025 decile).  Source: CLES; IoD 2025 (MHCLG).
    """
    rows = counted_rows(ledger)
    deciles = [int(d) for d in deciles]
    located = rows["_tier"] != UNKNOWN
    hit = located & rows["_decile"].isin(deciles).fillna(False).astype(bool)
    dens = {
        "all": lambda: pence_total(rows),
        "located": lambda: pence_total(rows, located),
        "ranked": lambda: pence_total(rows, located & rows["_decile"].notna()),
    }
    if denominator not in dens:
        raise ValueError(f"denominator must be 'all', 'located' or 'ranked', got {denominator!r}")
    return share(pence_total(rows, hit), dens[denominator]())


# ------------------------------------------------------------------ organisation type, size, sector


def _org_pence(rows: pd.DataFrame) -> dict[str, int]:
    got = pence_by(rows, "_org_type")
    keys = list(ORG_TYPES) + sorted(set(got) - set(ORG_TYPES))
    return {k: got.get(k, 0) for k in keys}


def org_type_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by the supplier's organisation type, £ (register ``org_type``: public_body, company,
    charity, cic_social_enterprise, cooperative_mutual, individual_sole_trader, redacted, unknown).

    Every type is a key; the values sum to the total.  Types come from the
    register (names, company and charity numbers, people's edits;
    docs/supplier_register.md).  Source: CLES analysis by business type.
    """
    return {k: pounds(v) for k, v in _org_pence(counted_rows(ledger)).items()}


def org_type_shares(ledger: pd.DataFrame) -> dict[str, float | None]:
    """Share of all spend by organisation type (sums to 1; see :func:`org_type_spend`).
    ``public_body`` is the share paid to other public bodies."""
    rows = counted_rows(ledger)
    den = pence_total(rows)
    return {k: share(v, den) for k, v in _org_pence(rows).items()}


def social_economy_share(ledger: pd.DataFrame) -> float | None:
    """Share of all spend with the social economy (VCSE): charities, social enterprises and
    CICs, co-operatives and mutuals (:data:`VCSE_TYPES`).  Source: CLES "business type";
    Tussell's VCSE rule (docs/domain.md).  Unknown types count as not VCSE: a floor."""
    rows = counted_rows(ledger)
    return share(pence_total(rows, rows["_org_type"].isin(VCSE_TYPES)), pence_total(rows))


def _size_class(band) -> str:
    if band is None:
        return UNKNOWN
    b = str(band).lower()
    if any(w in b for w in LARGE_WORDS):
        return "large"
    if any(re.search(rf"\b{w}\b", b) for w in SME_WORDS):
        return "sme"
    return UNKNOWN


def _size_pence(rows: pd.DataFrame) -> dict[str, int]:
    cls = rows["_size_band"].map(_size_class).where(~rows["_redacted"], UNKNOWN)
    got = {k: int(v) for k, v in rows[PENCE].groupby(cls).sum().items()}
    return {k: got.get(k, 0) for k in ("sme", "large", UNKNOWN)}


def size_band_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by supplier size, £: ``sme`` (register ``size_band`` says micro, small, medium or
    SME), ``large``, ``unknown`` (not filled in; always for redacted payees).  Sums to the total."""
    return {k: pounds(v) for k, v in _size_pence(counted_rows(ledger)).items()}


def sme_share(ledger: pd.DataFrame, denominator: str = "known") -> float | None:
    """Share of spend with SMEs (fewer than 250 staff), where size is known.

    ``denominator='known'``: SME spend / spend with suppliers whose size band
    is known (the default: "SME where known"); ``'all'``: SME spend / all spend
    (a floor).  Show the size-known share (sme + large spend / all) beside it.
    Source: CLES business type (Manchester City Council SME share 46.6% to 62.9%).
    """
    rows = counted_rows(ledger)
    s = _size_pence(rows)
    if denominator == "known":
        return share(s["sme"], s["sme"] + s["large"])
    if denominator == "all":
        return share(s["sme"], pence_total(rows))
    raise ValueError(f"denominator must be 'known' or 'all', got {denominator!r}")


def _sector_pence(rows: pd.DataFrame) -> dict[str, int]:
    sec = rows["_sector"].where(rows["_sector"].notna(), UNKNOWN)
    got = rows[PENCE].groupby(sec).sum()
    got = got.iloc[np.lexsort((got.index.to_numpy(dtype=str), -got.to_numpy()))]
    return {str(k): int(v) for k, v in got.items()}


def sector_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by the supplier's sector as recorded in the register (``sector``, filled in by people;
    ``unknown`` when empty), £, largest first.  Source: CLES spend analysis by sector."""
    return {k: pounds(v) for k, v in _sector_pence(counted_rows(ledger)).items()}


def sector_shares(ledger: pd.DataFrame) -> dict[str, float | None]:
    """Share of all spend by sector (sums to 1; see :func:`sector_spend`)."""
    rows = counted_rows(ledger)
    den = pence_total(rows)
    return {k: share(v, den) for k, v in _sector_pence(rows).items()}


def addressable_tier_shares(
    ledger: pd.DataFrame, place: Place, exclusions, denominator: str = "all"
) -> dict[str, float | None]:
    """Tier shares (:func:`tier_shares`) of addressable spend only: how local the spend is that
    could be local.  ``place_share_of_addressable`` in :func:`spend_indicators` is the place's
    cumulative share of it."""
    rows = counted_rows(ledger, place)
    return tier_shares(rows[addressable_rule(rows, exclusions).isna()], place, denominator)


def simulated_share(ledger: pd.DataFrame) -> float | None:
    """Share of all spend whose supplier location is simulated (the demo's stand-in postcodes,
    ``postcode_source == 'simulated'``).  Any report using it must say the geography is
    simulated."""
    rows = counted_rows(ledger)
    return share(pence_total(rows, rows["_simulated"]), pence_total(rows))


# --------------------------------------------------------------------------- the aggregator


def _settings(settings):
    if settings is None:
        return IndicatorSettings()
    if isinstance(settings, Mapping):
        return IndicatorSettings.model_validate(dict(settings))
    return settings


def group_indicators(
    rows: pd.DataFrame,
    place: Place,
    settings=None,
    *,
    home_lads: Mapping | None = None,
    lm3_survey: pd.DataFrame | None = None,
) -> dict:
    """Every spend indicator for one set of rows (one anchor, or several combined), as a JSON-able
    dict.

    Keys (pounds are floats, shares fractions or None; see docs/indicators/spend.md):
    the headline ``total``, ``located_share``, ``tier_share_of_all``,
    ``tier_share_of_located``, ``deprived_share_of_located``, ``hhi``,
    ``top10_share`` (always the top 10), then the rest; ``top_n_share`` and
    ``top{N}_share`` are for the collaborative's ``top_n``.
    """
    s = _settings(settings)
    raw = spend_rows(rows, place)
    rows = counted_rows(raw)  # receipts and transfers left out (anchorlib.indicators.netting)
    n = s.top_n
    tot = pence_total(rows)
    tiers = _tier_pence(rows, place)
    rule = addressable_rule(rows, s.addressable_exclusions)
    addr = addressable_parts(rows, rule, s.addressable_exclusions)
    addr_rows = rows[rule.isna()]
    pt, wt = place_tier(place), wider_tier(place)
    cum_all_addr = cumulative_tier_shares(addr_rows, place, "all")
    cum_loc_addr = cumulative_tier_shares(addr_rows, place, "located")
    lm = lm3(rows, place, lm3_survey)
    size = _size_pence(rows)
    red = redacted_spend(rows)
    years = distinct_values(rows, "financial_year")
    anchors = distinct_values(rows, "anchor_id")
    org = org_type_shares(rows)
    out = {
        "total": pounds(tot),
        "located_share": located_share(rows),
        "tier_share_of_all": tier_shares(rows, place, "all"),
        "tier_share_of_located": tier_shares(rows, place, "located"),
        "deprived_share_of_located": deprived_share(rows, s.deprived_deciles, "located"),
        "hhi": hhi(rows),
        "top10_share": top_n_share(rows, 10),
        "anchors": anchors,
        "financial_years": years,
        "transactions": transaction_count(rows),
        "distinct_suppliers": distinct_suppliers(rows),
        "refunds": refund_summary(rows),
        "redacted_total": red["total"],
        "redacted_share": red["share"],
        "tier_spend": {t: pounds(v) for t, v in tiers.items()},
        "located_total": pounds(sum(v for t, v in tiers.items() if t != UNKNOWN)),
        "unlocated_detail": unlocated_detail(rows),
        "cumulative_share_of_all": cumulative_tier_shares(rows, place, "all"),
        "cumulative_share_of_located": cumulative_tier_shares(rows, place, "located"),
        "place_tier": pt,
        "place_share_of_all": place_share(rows, place, "all"),
        "place_share_of_located": place_share(rows, place, "located"),
        "wider_tier": wt,
        "wider_share_of_all": wider_share(rows, place, "all"),
        "wider_share_of_located": wider_share(rows, place, "located"),
        "home_district_share_of_all": home_district_share(rows, home_lads or {}, "all"),
        "home_district_share_of_located": home_district_share(rows, home_lads or {}, "located"),
        "deprived_deciles": list(s.deprived_deciles),
        "decile_spend": decile_spend(rows),
        "deprived_share_of_all": deprived_share(rows, s.deprived_deciles, "all"),
        "deprived_share_of_ranked": deprived_share(rows, s.deprived_deciles, "ranked"),
        "org_type_spend": org_type_spend(rows),
        "org_type_share": org,
        "social_economy_share": social_economy_share(rows),
        "public_body_share": org.get("public_body"),
        "size_band_spend": {k: pounds(v) for k, v in size.items()},
        "sme_share_of_known": sme_share(rows, "known"),
        "sme_share_of_all": sme_share(rows, "all"),
        "size_known_share": share(size["sme"] + size["large"], tot),
        "sector_spend": sector_spend(rows),
        "sector_share": sector_shares(rows),
        "top_n": n,
        "top_n_share": top_n_share(rows, n),
        "top_suppliers": top_suppliers(rows, n),
        "addressable_total": addr["total"],
        "addressable_share": addr["share"],
        "addressable_excluded_total": addr["excluded_total"],
        "addressable_excluded": addr["excluded"],
        "addressable_located_share": located_share(addr_rows),
        "addressable_tier_share_of_all": tier_shares(addr_rows, place, "all"),
        "addressable_tier_share_of_located": tier_shares(addr_rows, place, "located"),
        "place_share_of_addressable": cum_all_addr.get(pt) if pt else None,
        "place_share_of_addressable_located": cum_loc_addr.get(pt) if pt else None,
        "deprived_share_of_addressable": deprived_share(addr_rows, s.deprived_deciles, "all"),
        "lm3": lm["lm3"],
        "lm3_detail": lm,
        "simulated_share": simulated_share(rows),
    }
    out["hhi_10000"] = None if out["hhi"] is None else out["hhi"] * 10000
    out[f"top{n}_share"] = out["top_n_share"]
    out |= netting_summary(raw) | procurement_indicators(rows, place, s) | _type_gates(rows, s)
    return out


def _type_gates(rows: pd.DataFrame, s) -> dict:
    """The organisation-type coverage and the SME, VCSE and sector gates (step 7, items 8, 20)."""
    cov = org_type_coverage(rows)
    size = _size_pence(rows)
    size_cov = share(size["sme"] + size["large"], pence_total(rows))
    sec = _sector_pence(rows)
    sector_cov = share(sum(v for k, v in sec.items() if k != UNKNOWN), pence_total(rows))
    return {
        "org_type_coverage": cov,
        "vcse_gate": type_gate(cov, s.min_type_coverage, "social-economy (VCSE) share"),
        "sme_gate": type_gate(size_cov, s.min_type_coverage, "SME share", "size"),
        "sector_gate": type_gate(sector_cov, s.min_type_coverage, "sector shares", "sector"),
    }


def procurement_indicators(rows: pd.DataFrame, place: Place, settings=None) -> dict:
    """The procurement-spend figures of :func:`group_indicators` (step 7, items 5, 7 and 20).

    ``place_share_of_procurement`` is **the headline** "share in the place": spend with suppliers
    in the place / procurement spend (unlocated spend counted as not local, the conservative
    reading), with ``place_share_of_procurement_located`` (of located procurement spend) and
    ``place_share_of_all`` (all spend) beside it.  Also: ``procurement_total`` (£),
    ``procurement_share_of_all``, ``procurement_excluded_total`` (£), ``procurement_excluded``
    (£ per exclusion, :mod:`anchorlib.indicators.procurement`), ``procurement_located_share``,
    ``procurement_tier_share_of_all`` / ``_of_located``, ``wider_share_of_procurement`` (and
    ``_located``), ``deprived_share_of_procurement_located``, ``portfolio_hhi`` (0-1, on
    procurement spend), ``portfolio_hhi_10000``, ``portfolio_hhi_by_category`` and
    ``located_gate`` (:func:`anchorlib.indicators.gates.located_gate` on the procurement located
    share and ``min_located_share``: whether place and deprivation shares may be presented as
    the position, and the sentence to state first when not).
    """
    s = _settings(settings)
    rows = counted_rows(rows, place)
    rule = procurement_rule(rows)
    parts = procurement_parts(rows, rule)
    pro = rows[rule.isna()]
    pt, wt = place_tier(place), wider_tier(place)
    cum_all = cumulative_tier_shares(pro, place, "all")
    cum_loc = cumulative_tier_shares(pro, place, "located")
    loc = located_share(pro)
    port = hhi(pro)  # portfolio concentration: on procurement spend
    return {
        "procurement_total": parts["total"],
        "procurement_share_of_all": parts["share_of_all"],
        "procurement_excluded_total": parts["excluded_total"],
        "procurement_excluded": parts["excluded"],
        "procurement_located_share": loc,
        "procurement_tier_share_of_all": tier_shares(pro, place, "all"),
        "procurement_tier_share_of_located": tier_shares(pro, place, "located"),
        "place_share_of_procurement": cum_all.get(pt) if pt else None,
        "place_share_of_procurement_located": cum_loc.get(pt) if pt else None,
        "wider_share_of_procurement": cum_all.get(wt) if wt else None,
        "wider_share_of_procurement_located": cum_loc.get(wt) if wt else None,
        "deprived_share_of_procurement_located": deprived_share(pro, s.deprived_deciles, "located"),
        "portfolio_hhi": port,
        "portfolio_hhi_10000": None if port is None else port * 10000,
        "portfolio_hhi_by_category": category_hhi(pro),
        "located_gate": located_gate(loc, s.min_located_share),
    }


def org_type_coverage(ledger: pd.DataFrame) -> float | None:
    """Share of spend whose supplier has a known organisation type: spend with a type other
    than ``unknown`` and ``redacted`` / all spend.  Gates the VCSE share (step 7, item 8:
    published only at ``indicators.min_type_coverage`` or more)."""
    rows = counted_rows(ledger)
    known = ~rows["_org_type"].isin([UNKNOWN, "redacted"])
    return share(pence_total(rows, known), pence_total(rows))


def spend_indicators(
    ledger: pd.DataFrame,
    place: Place,
    settings=None,
    *,
    by_year: bool = False,
    exclude_rows: pd.Series | None = None,
    home_lads: Mapping[str, str | None] | None = None,
    lm3_survey: pd.DataFrame | None = None,
    anchors: Iterable[str] | None = None,
    self_rows: pd.Series | None = None,
) -> dict:
    """Every spend indicator per anchor and for all anchors ``combined``.

    ``ledger``: a located ledger (see the module docstring); ``place``: its
    Place (tiers); ``settings``: ``IndicatorSettings`` (deprived deciles, top N,
    addressable exclusions) or a dict, default settings when None.

    Returns ``{anchor_id: {...}, ..., 'combined': {...}}`` (:func:`group_indicators`
    keys), anchors in ``anchors`` order (default: sorted ids found); with
    ``by_year=True``, ``{financial_year: {anchor_id: {...}, 'combined': {...}}}``
    for each year in the ledger (an anchor with no payments in a year is left out of it).

    ``exclude_rows``: a boolean Series on the ledger's index marking rows to
    leave out of ``combined`` only (e.g. payments between member anchors, which
    move money inside the collaborative); each anchor's own figures keep them.
    ``combined`` then reports ``excluded_from_combined`` (£).  ``self_rows``: a
    boolean Series marking payments by an anchor to itself
    (``anchorlib.indicators.collective.flag_self_payments``), left out of that
    anchor's own figures and of ``combined``; each anchor then reports
    ``excluded_self_payments`` (£).  ``home_lads``:
    anchor id -> LAD 2024 code for the home-district shares.  ``lm3_survey``:
    :func:`read_lm3_survey` output (no survey: ``lm3`` None, with the reason).
    """
    s = _settings(settings)
    rows = spend_rows(ledger, place)
    keep = ["anchor_id", "financial_year"] + [c for c in rows.columns if str(c).startswith("_")]
    rows = rows[[c for c in keep if c in rows.columns]]
    rows = rows.assign(
        anchor_id=rows["anchor_id"].astype(str).astype(object),
        financial_year=rows["financial_year"].astype(str).astype(object),
    )
    excl, own = _row_flag(exclude_rows, ledger, rows), _row_flag(self_rows, ledger, rows)
    ids = list(anchors) if anchors is not None else distinct_values(rows, "anchor_id")
    if COMBINED in ids:
        raise SpendError(f"an anchor may not be called {COMBINED!r}: it names all anchors together")
    kw = {"home_lads": home_lads, "lm3_survey": lm3_survey}

    def one(sub: pd.DataFrame, sub_excl, sub_own) -> dict:
        res = {}
        aid = sub["anchor_id"]
        for a in ids:
            part = sub[aid == a]
            if by_year and part.empty:
                continue
            if sub_own is None:
                res[a] = group_indicators(part, place, s, **kw)
                continue
            mine = sub_own[aid == a]
            res[a] = group_indicators(part[~mine], place, s, **kw)
            res[a]["excluded_self_payments"] = pounds(pence_total(part, mine))
        drop = sub_excl  # combined leaves out payments between members and to oneself
        if sub_own is not None:
            drop = sub_own if drop is None else drop | sub_own
        comb = sub if drop is None else sub[~drop]
        res[COMBINED] = group_indicators(comb[comb["anchor_id"].isin(ids)], place, s, **kw)
        if drop is not None:
            res[COMBINED]["excluded_from_combined"] = pounds(pence_total(sub, drop))
        return res

    if not by_year:
        return one(rows, excl, own)
    fy = rows["financial_year"]
    return {
        y: one(rows[fy == y], *(None if f is None else f[fy == y] for f in (excl, own)))
        for y in distinct_values(rows, "financial_year")
    }


def _row_flag(flag: pd.Series | None, ledger: pd.DataFrame, rows: pd.DataFrame):
    """A boolean flag on the ledger's index, aligned to ``rows`` (its non-duplicate rows); None
    stays None."""
    if flag is None:
        return None
    flag = flag.reindex(ledger.index).fillna(False).astype(bool)
    return flag.reindex(rows.index).fillna(False).astype(bool)
