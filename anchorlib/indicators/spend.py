"""Spend indicators: one tested function per published number (definitions in docs/indicators/spend.md).

Every function takes a *located ledger*: the canonical ledger (docs/ledger_schema.md)
with each row's supplier attributes (``anchorlib.assets.register.read_located_ledger`` or
``attach_suppliers``): ``supplier_id``, ``canonical_name``, ``org_type``, ``sector``,
``size_band``, ``postcode_source``, ``tier``, ``lad24_code``, ``imd25_decile``.
Missing attribute columns are treated as unknown.

Common rules, for every indicator:

* **Each payment once.** Rows flagged ``is_duplicate`` (republished in a later
  file) are dropped; identical rows within one file are genuine repeats and kept.
* **Signed pence.** Totals are sums of ``amount_pence`` (exact integers); refunds
  and credit notes (negative rows) net off the spend they reverse.  Results are
  floats in pounds, shares are fractions 0-1.
* **Nothing silently dropped.** Spend whose supplier location is not known is
  tier ``unknown``: it stays in every "of all" denominator, and the located
  share (spend with a known location / all spend) is reported beside every
  "of located" share.
* **Redacted payees** (personal data withheld) are their own class: counted in
  every total and in ``unknown`` (they can never be located), never a supplier
  in the supplier counts, HHI or top-N.  ``unlocated_detail`` splits ``unknown``
  into redacted and the other reasons, so tier shares still sum to 1.
* A share whose denominator is zero or negative is ``None``, never 0.

:func:`spend_indicators` computes them all per anchor and for the collaborative
combined (optionally per financial year); ``anchor indicators`` prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.config.places import UNKNOWN, Place
from anchorlib.core.errors import AnchorError

__all__ = [
    "SpendError",
    "VCSE_TYPES",
    "spend_rows",
    "place_tier",
    "wider_tier",
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
    "top_n_share",
    "top_suppliers",
    "addressable_rules",
    "addressable_rule",
    "addressable_spend",
    "addressable_tier_shares",
    "read_lm3_survey",
    "validate_lm3_survey",
    "lm3",
    "simulated_share",
    "locate_ledger",
    "group_indicators",
    "spend_indicators",
    "HEADLINE_KEYS",
]

COMBINED = "combined"
REDACTED = "redacted"
#: Organisation types counted as the social economy (VCSE): charities, social enterprises / CICs,
#: co-operatives and mutuals (register org_type values, docs/supplier_register.md).
VCSE_TYPES = ("charity", "cic_social_enterprise", "cooperative_mutual")
#: ``size_band`` values (case-insensitive, any of these words) that mean an SME (under 250 staff).
SME_WORDS = ("micro", "small", "medium", "sme")
LARGE_WORDS = ("large",)
NO_DECILE = "no_decile"

#: The keys ``anchor indicators --json`` promises per anchor and ``combined`` (more keys follow them).
HEADLINE_KEYS = (
    "total",
    "located_share",
    "tier_share_of_all",
    "tier_share_of_located",
    "deprived_share_of_located",
    "hhi",
    "top10_share",
)


class SpendError(AnchorError, ValueError):
    """A ledger or setting the spend indicators cannot use (unknown tier, bad regex, bad survey)."""


# --------------------------------------------------------------------------- rows

_PREPARED = "_pence"


def _text(s: pd.Series) -> pd.Series:
    """Object strings, stripped, with None for missing or blank (vectorised)."""
    t = s.astype("string").str.strip()
    t = t.where(t.notna() & (t != ""))
    return t.astype(object).where(t.notna(), None)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    return _text(df[name]) if name in df.columns else pd.Series(None, index=df.index, dtype=object)


def spend_rows(ledger: pd.DataFrame, place: Place | None = None) -> pd.DataFrame:
    """The rows every spend indicator counts, with the working columns they use.

    Drops ``is_duplicate`` rows and adds: ``_pence`` (int64, signed), ``_redacted``,
    ``_sid`` (supplier identity: ``supplier_id``, else ``key:`` + ``supplier_key``;
    ``REDACTED`` for the redacted class), ``_name``, ``_tier`` (the supplier's tier,
    ``unknown`` when not located and always for redacted rows), ``_decile`` (IMD
    2025 decile of a located supplier's LSOA; NA when unlocated or outside England),
    ``_org_type``, ``_sector``, ``_size_band``, ``_lad`` and ``_simulated``.
    Idempotent: a frame it returned is returned unchanged.

    With ``place``, every tier in the ledger must be one of ``place.tier_names``
    (a ledger located for another place is refused rather than mis-counted).
    """
    if _PREPARED in ledger.columns:
        rows = ledger
    else:
        if "amount_pence" not in ledger.columns:
            raise SpendError(
                "the ledger has no amount_pence column: is it a canonical ledger "
                "(docs/ledger_schema.md)?"
            )
        rows = ledger
        if "is_duplicate" in rows.columns:
            rows = rows[~rows["is_duplicate"].fillna(False).astype(bool)]
        rows = rows.copy()
        rows[_PREPARED] = rows["amount_pence"].astype("int64")
        red = (
            rows["is_redacted"].fillna(False).astype(bool)
            if "is_redacted" in rows.columns
            else pd.Series(False, index=rows.index)
        )
        org = _col(rows, "org_type")
        red = red | (org == REDACTED)
        rows["_redacted"] = red
        sid = _col(rows, "supplier_id")
        key = _col(rows, "supplier_key")
        fallback = key.map(lambda k: None if k is None else f"key:{k}")
        sid = sid.where(sid.notna(), fallback)
        sid = sid.where(
            sid.notna(),
            _col(rows, "supplier_name").map(lambda n: None if n is None else f"name:{n}"),
        )
        rows["_sid"] = sid.where(~red, "REDACTED")
        name = _col(rows, "canonical_name")
        rows["_name"] = name.where(name.notna(), _col(rows, "supplier_name"))
        tier = _col(rows, "tier")
        rows["_tier"] = tier.where(tier.notna() & ~red, UNKNOWN).astype(object)
        if "imd25_decile" in rows.columns:
            dec = pd.to_numeric(rows["imd25_decile"], errors="coerce").astype("Int64")
        else:
            dec = pd.Series(pd.NA, index=rows.index, dtype="Int64")
        rows["_decile"] = dec.where(rows["_tier"] != UNKNOWN)
        rows["_org_type"] = org.where(org.notna(), "unknown").where(~red, REDACTED)
        rows["_sector"] = _col(rows, "sector")
        rows["_size_band"] = _col(rows, "size_band")
        rows["_lad"] = _col(rows, "lad24_code")
        rows["_simulated"] = (_col(rows, "postcode_source") == "simulated") & (
            rows["_tier"] != UNKNOWN
        )
        rows["_postcode"] = (
            _col(rows, "postcode")
            if "postcode" in rows.columns
            else _col(rows, "supplier_postcode")
        )
        rows["_published"] = _col(rows, "supplier_name")
        rows["_category"] = _col(rows, "category")
    if place is not None:
        stray = sorted(set(rows["_tier"].dropna()) - set(place.tier_names))
        if stray:
            raise SpendError(
                f"the ledger's supplier tiers {stray} are not tiers of place '{place.name}' "
                f"({place.tier_names}): locate the suppliers with this place "
                "(rebuild the register, or pass --place)"
            )
    return rows


def _sum(rows: pd.DataFrame, mask=None) -> int:
    """Exact pence total (a Python int)."""
    p = rows[_PREPARED] if mask is None else rows.loc[mask, _PREPARED]
    return int(p.sum())


def _pounds(pence: int) -> float:
    return pence / 100


def _share(num: int, den: int) -> float | None:
    return num / den if den > 0 else None


def _values(rows: pd.DataFrame, col: str) -> list[str]:
    """Sorted distinct non-missing values of a column, as str."""
    if col not in rows.columns:
        return []
    return sorted({str(v) for v in pd.unique(rows[col].dropna())})


def _by(rows: pd.DataFrame, col: str) -> dict[str, int]:
    return {
        str(k): int(v)
        for k, v in rows.groupby(col, sort=True, dropna=False)[_PREPARED].sum().items()
    }


# --------------------------------------------------------------------------- totals


def total_spend(ledger: pd.DataFrame) -> float:
    """Total spend, £: the net sum of every payment, each counted once.

    Definition: sum of ``amount_pence`` over non-duplicate rows, refunds and
    credits netted off, redacted payees included.  Source: the published
    "spend over £500" files (Local Government Transparency Code 2015), read by
    ``anchorlib.ledgers.canonical``.
    """
    return _pounds(_sum(spend_rows(ledger)))


def transaction_count(ledger: pd.DataFrame) -> int:
    """Transactions: the number of payment lines counted once (refund lines included).

    Definition: non-duplicate ledger rows.  Identical lines within one file are
    separate payments and count separately.  Source: the published spend files.
    """
    return int(len(spend_rows(ledger)))


def refund_summary(ledger: pd.DataFrame) -> dict:
    """Refunds and credits: ``{'count', 'total'}`` of the negative rows (total £, negative).

    They are netted into every other indicator; this shows how much netting there is.
    """
    rows = spend_rows(ledger)
    neg = rows[_PREPARED] < 0
    return {"count": int(neg.sum()), "total": _pounds(_sum(rows, neg))}


def distinct_suppliers(ledger: pd.DataFrame) -> int:
    """Distinct suppliers paid: named suppliers with at least one payment line.

    Definition: distinct ``supplier_id`` (the collaborative's supplier register:
    one supplier across spellings and anchors), else distinct ``supplier_key``;
    the redacted class is not a supplier and is not counted.
    """
    rows = spend_rows(ledger)
    return int(rows.loc[~rows["_redacted"], "_sid"].nunique())


def redacted_spend(ledger: pd.DataFrame) -> dict:
    """Spend with redacted payees: ``{'total' (£), 'share' (of all spend), 'transactions'}``.

    Counted in every total and in tier ``unknown``; never located, never a supplier.
    """
    rows = spend_rows(ledger)
    red = rows["_redacted"]
    return {
        "total": _pounds(_sum(rows, red)),
        "share": _share(_sum(rows, red), _sum(rows)),
        "transactions": int(red.sum()),
    }


# --------------------------------------------------------------------------- geography (CLES)


def place_tier(place: Place) -> str | None:
    """The name of the tier that is the place itself (``place: true``; ``place`` by default)."""
    if place.spec.tiers is None:
        return "place"
    for t in place.spec.tiers:
        if t.place:
            return t.name
    whole = frozenset(place.lsoas)
    return next((t.name for t in place.tiers if t.lsoas == whole), None)


def wider_tier(place: Place) -> str | None:
    """The tier just outside the place tier (the wider region), unless that is the outermost
    ``everywhere`` tier or there is none."""
    names = [t.name for t in place.tiers]
    inner = place_tier(place)
    if inner is None or names.index(inner) + 1 >= len(names):
        return None
    nxt = place.tiers[names.index(inner) + 1]
    return None if nxt.everywhere else nxt.name


def _tier_pence(rows: pd.DataFrame, place: Place) -> dict[str, int]:
    got = _by(rows, "_tier")
    return {t: got.get(t, 0) for t in place.tier_names}


def tier_spend(ledger: pd.DataFrame, place: Place) -> dict[str, float]:
    """Spend by tier, £: each payment in its supplier's innermost tier of the place, or ``unknown``.

    Definition (CLES spend analysis): the supplier's postcode (from the supplier
    register) is placed in its LSOA 2021 and so in the innermost of the place's
    nested tiers (``place.tier_names``, e.g. home district, place, wider region,
    rest of UK); suppliers with no postcode, a postcode not found, and redacted
    payees are ``unknown``.  Every tier of the place is a key (0 when nothing is
    spent there); the values sum to the total.
    """
    rows = spend_rows(ledger, place)
    return {t: _pounds(v) for t, v in _tier_pence(rows, place).items()}


def located_share(ledger: pd.DataFrame) -> float | None:
    """Located share: spend whose supplier location is known / all spend.

    Always shown beside every "of located" share (CLES reports analyse the
    located suppliers; this says how much of the spend that is).
    """
    rows = spend_rows(ledger)
    return _share(_sum(rows, rows["_tier"] != UNKNOWN), _sum(rows))


def unlocated_detail(ledger: pd.DataFrame) -> dict[str, float]:
    """Why spend is ``unknown``, £: ``redacted`` payees, suppliers with ``no_postcode``, and a
    postcode that was ``not_placed`` (invalid or not in the ONS lookup).  Sums to the unknown tier."""
    rows = spend_rows(ledger)
    unk = rows["_tier"] == UNKNOWN
    red = unk & rows["_redacted"]
    nopc = unk & ~rows["_redacted"] & rows["_postcode"].isna()
    other = unk & ~red & ~nopc
    return {
        "redacted": _pounds(_sum(rows, red)),
        "no_postcode": _pounds(_sum(rows, nopc)),
        "not_placed": _pounds(_sum(rows, other)),
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
    rows = spend_rows(ledger, place)
    pence = _tier_pence(rows, place)
    if denominator == "all":
        den = sum(pence.values())
        return {t: _share(v, den) for t, v in pence.items()}
    if denominator == "located":
        located = {t: v for t, v in pence.items() if t != UNKNOWN}
        den = sum(located.values())
        return {t: _share(v, den) for t, v in located.items()}
    raise ValueError(f"denominator must be 'all' or 'located', got {denominator!r}")


def cumulative_tier_shares(
    ledger: pd.DataFrame, place: Place, denominator: str = "all"
) -> dict[str, float | None]:
    """Share of spend in each tier *or an inner one* (Preston in Lancashire: local-authority
    share 18.2%, county share 79.2% including Preston).  Same denominators as :func:`tier_shares`;
    tiers are assumed nested (``build_place`` notes when they are not)."""
    rows = spend_rows(ledger, place)
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
        out[t] = _share(run, den)
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
    rows = spend_rows(ledger)
    if denominator not in ("all", "located"):
        raise ValueError(f"denominator must be 'all' or 'located', got {denominator!r}")
    anchors = _values(rows, "anchor_id")
    if not anchors or any(not home_lads.get(a) for a in anchors):
        return None
    home = rows["anchor_id"].map({a: home_lads.get(a) for a in anchors})
    hit = (rows["_lad"] == home) & (rows["_tier"] != UNKNOWN)
    den = _sum(rows) if denominator == "all" else _sum(rows, rows["_tier"] != UNKNOWN)
    return _share(_sum(rows, hit), den)


# --------------------------------------------------------------------------- deprivation


def decile_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by IMD 2025 decile of the supplier's LSOA, £.

    Keys ``'1'`` (most deprived 10% of LSOAs in England) to ``'10'``,
    ``no_decile`` (located outside England: Wales, Scotland, Northern Ireland
    have their own indices) and ``unknown`` (supplier not located).  Sums to
    the total.  Source: English Indices of Deprivation 2025 (MHCLG), LSOA 2021.
    """
    rows = spend_rows(ledger)
    out = {str(d): 0 for d in range(1, 11)}
    located = rows["_tier"] != UNKNOWN
    ranked = located & rows["_decile"].notna()
    for d, v in (
        rows.loc[ranked].groupby(rows.loc[ranked, "_decile"].astype(int))[_PREPARED].sum().items()
    ):
        out[str(int(d))] = int(v)
    out[NO_DECILE] = _sum(rows, located & ~ranked)
    out[UNKNOWN] = _sum(rows, ~located)
    return {k: _pounds(v) for k, v in out.items()}


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
    rows = spend_rows(ledger)
    deciles = [int(d) for d in deciles]
    located = rows["_tier"] != UNKNOWN
    hit = located & rows["_decile"].isin(deciles).fillna(False).astype(bool)
    dens = {
        "all": lambda: _sum(rows),
        "located": lambda: _sum(rows, located),
        "ranked": lambda: _sum(rows, located & rows["_decile"].notna()),
    }
    if denominator not in dens:
        raise ValueError(f"denominator must be 'all', 'located' or 'ranked', got {denominator!r}")
    return _share(_sum(rows, hit), dens[denominator]())


# --------------------------------------------------------------------------- organisation type, size, sector


def _org_pence(rows: pd.DataFrame) -> dict[str, int]:
    from anchorlib.suppliers.orgtype import ORG_TYPES

    got = _by(rows, "_org_type")
    keys = list(ORG_TYPES) + sorted(set(got) - set(ORG_TYPES))
    return {k: got.get(k, 0) for k in keys}


def org_type_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by the supplier's organisation type, £ (register ``org_type``: public_body, company,
    charity, cic_social_enterprise, cooperative_mutual, individual_sole_trader, redacted, unknown).

    Every type is a key; the values sum to the total.  Types come from the
    register (names, company and charity numbers, people's edits;
    docs/supplier_register.md).  Source: CLES analysis by business type.
    """
    return {k: _pounds(v) for k, v in _org_pence(spend_rows(ledger)).items()}


def org_type_shares(ledger: pd.DataFrame) -> dict[str, float | None]:
    """Share of all spend by organisation type (sums to 1; see :func:`org_type_spend`).
    ``public_body`` is the share paid to other public bodies."""
    rows = spend_rows(ledger)
    den = _sum(rows)
    return {k: _share(v, den) for k, v in _org_pence(rows).items()}


def social_economy_share(ledger: pd.DataFrame) -> float | None:
    """Share of all spend with the social economy (VCSE): charities, social enterprises and
    CICs, co-operatives and mutuals (:data:`VCSE_TYPES`).  Source: CLES "business type";
    Tussell's VCSE rule (docs/domain.md).  Unknown types count as not VCSE: a floor."""
    rows = spend_rows(ledger)
    return _share(_sum(rows, rows["_org_type"].isin(VCSE_TYPES)), _sum(rows))


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
    got = {k: int(v) for k, v in rows[_PREPARED].groupby(cls).sum().items()}
    return {k: got.get(k, 0) for k in ("sme", "large", UNKNOWN)}


def size_band_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by supplier size, £: ``sme`` (register ``size_band`` says micro, small, medium or
    SME), ``large``, ``unknown`` (not filled in; always for redacted payees).  Sums to the total."""
    return {k: _pounds(v) for k, v in _size_pence(spend_rows(ledger)).items()}


def sme_share(ledger: pd.DataFrame, denominator: str = "known") -> float | None:
    """Share of spend with SMEs (fewer than 250 staff), where size is known.

    ``denominator='known'``: SME spend / spend with suppliers whose size band
    is known (the default: "SME where known"); ``'all'``: SME spend / all spend
    (a floor).  Show the size-known share (sme + large spend / all) beside it.
    Source: CLES business type (Manchester City Council SME share 46.6% to 62.9%).
    """
    rows = spend_rows(ledger)
    s = _size_pence(rows)
    if denominator == "known":
        return _share(s["sme"], s["sme"] + s["large"])
    if denominator == "all":
        return _share(s["sme"], _sum(rows))
    raise ValueError(f"denominator must be 'known' or 'all', got {denominator!r}")


def _sector_pence(rows: pd.DataFrame) -> dict[str, int]:
    sec = rows["_sector"].where(rows["_sector"].notna(), UNKNOWN)
    got = rows[_PREPARED].groupby(sec).sum()
    got = got.iloc[np.lexsort((got.index.to_numpy(dtype=str), -got.to_numpy()))]
    return {str(k): int(v) for k, v in got.items()}


def sector_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by the supplier's sector as recorded in the register (``sector``, filled in by people;
    ``unknown`` when empty), £, largest first.  Source: CLES spend analysis by sector."""
    return {k: _pounds(v) for k, v in _sector_pence(spend_rows(ledger)).items()}


def sector_shares(ledger: pd.DataFrame) -> dict[str, float | None]:
    """Share of all spend by sector (sums to 1; see :func:`sector_spend`)."""
    rows = spend_rows(ledger)
    den = _sum(rows)
    return {k: _share(v, den) for k, v in _sector_pence(rows).items()}


# --------------------------------------------------------------------------- concentration


def supplier_net_spend(ledger: pd.DataFrame) -> pd.Series:
    """Net spend per named supplier, pence, positive only, largest first (ties by id).

    The basis of HHI and top-N: a supplier's payments and refunds are netted;
    suppliers whose net is zero or negative (credits exceeding payments in the
    period) hold no share of spend and are left out; the redacted class is not
    a supplier and is left out.
    """
    rows = spend_rows(ledger)
    named = rows[~rows["_redacted"] & rows["_sid"].notna()]
    net = named.groupby("_sid")[_PREPARED].sum()
    net = net[net > 0]
    order = np.lexsort((net.index.to_numpy(dtype=str), -net.to_numpy()))
    return net.iloc[order].astype("int64")


def hhi(ledger: pd.DataFrame) -> float | None:
    """Herfindahl-Hirschman index of supplier concentration, 0-1.

    Definition: HHI = sum over suppliers of s_i squared, s_i = the supplier's
    net positive spend / the sum of net positive spend over named suppliers
    (:func:`supplier_net_spend`).  1 = one supplier takes everything; 1/N = N
    equal suppliers.  Multiply by 10,000 for the competition-authority scale
    (US DoJ / CMA: above 2,500 highly concentrated).  ``None`` with no positive spend.
    """
    net = supplier_net_spend(ledger)
    tot = int(net.sum())
    if tot <= 0:
        return None
    s = net.to_numpy(dtype=float) / tot
    return float(np.sum(s * s))


def top_n_share(ledger: pd.DataFrame, n: int = 10) -> float | None:
    """Top-N supplier share: the N largest suppliers' net positive spend / all named suppliers'
    net positive spend (the denominator of :func:`hhi`).  ``n`` is the collaborative's ``top_n``."""
    net = supplier_net_spend(ledger)
    return _share(int(net.iloc[:n].sum()), int(net.sum()))


def top_suppliers(ledger: pd.DataFrame, n: int = 10) -> list[dict]:
    """The N largest suppliers: ``supplier_id``, ``name``, ``spend`` (£ net), ``share`` (of the
    :func:`hhi` denominator), ``tier``."""
    rows = spend_rows(ledger)
    net = supplier_net_spend(rows)
    tot = int(net.sum())
    first = rows.drop_duplicates("_sid").set_index("_sid")
    out = []
    for sid, pence in net.iloc[:n].items():
        out.append(
            {
                "supplier_id": sid,
                "name": first.at[sid, "_name"],
                "spend": _pounds(int(pence)),
                "share": _share(int(pence), tot),
                "tier": first.at[sid, "_tier"],
            }
        )
    return out


# --------------------------------------------------------------------------- addressable spend (ICIC)


def addressable_rules(exclusions) -> list[tuple[str, str, object]]:
    """The exclusion rules in the order they are applied: ``(label, kind, matcher)``.

    ``exclusions`` is ``IndicatorSettings.addressable_exclusions`` (or a dict with
    ``org_types``, ``suppliers``, ``categories``).  Labels read ``org_type: public_body``,
    ``supplier: <regex>``, ``category: <regex>``.
    """
    get = (
        (lambda k: getattr(exclusions, k, None) or [])
        if not isinstance(exclusions, Mapping)
        else (lambda k: exclusions.get(k) or [])
    )
    rules: list[tuple[str, str, object]] = []
    for t in get("org_types"):
        rules.append((f"org_type: {t}", "org_type", t))
    for kind, field in (("supplier", "suppliers"), ("category", "categories")):
        for pat in get(field):
            try:
                rx = re.compile(pat, re.IGNORECASE)
            except re.error as exc:
                raise SpendError(
                    f"addressable_exclusions.{field}: {pat!r} is not a valid regular "
                    f"expression: {exc}"
                ) from None
            rules.append((f"{kind}: {pat}", kind, rx))
    return rules


def addressable_rule(ledger: pd.DataFrame, exclusions) -> pd.Series:
    """For each counted row, the label of the first exclusion rule it meets (None: addressable).

    Rules apply in order: organisation types, then supplier-name patterns
    (matched against the register's canonical name and the name as published),
    then category patterns (matched against the category as published);
    patterns are case-insensitive regular expressions searched anywhere in the text.
    """
    rows = spend_rows(ledger)
    out = pd.Series(None, index=rows.index, dtype=object)
    todo = pd.Series(True, index=rows.index)
    for label, kind, m in addressable_rules(exclusions):
        if kind == "org_type":
            hit = rows["_org_type"] == m
        else:
            cols = (
                [rows["_name"], rows["_published"]] if kind == "supplier" else [rows["_category"]]
            )
            hit = pd.Series(False, index=rows.index)
            for col in cols:
                matching = [v for v in col.dropna().unique() if m.search(v)]
                hit |= col.isin(matching)
        hit = hit & todo
        out[hit] = label
        todo &= ~hit
    return out


def addressable_spend(ledger: pd.DataFrame, exclusions) -> dict:
    """Addressable spend (ICIC, the Newark and Central Corridor method).

    Definition: all spend less the spend no local supplier could plausibly
    supply, as listed in the collaborative YAML (``indicators.addressable_exclusions``:
    payments to other public bodies, utilities, national licences, taxes and
    levies, pensions ...).  Returns ``total`` (addressable, £), ``share`` (of
    all spend), ``excluded_total`` and ``excluded`` itemised by rule (each
    excluded payment under the first rule it meets, every rule listed, 0 when it
    excluded nothing), so total + excluded_total = all spend.  Source: ICIC
    (Newark 2013: $435m of $810m addressable), docs/domain.md.
    """
    rows = spend_rows(ledger)
    return _addressable_parts(rows, addressable_rule(rows, exclusions), exclusions)


def _addressable_parts(rows: pd.DataFrame, rule: pd.Series, exclusions) -> dict:
    excluded = {label: 0 for label, _, _ in addressable_rules(exclusions)}
    for label, v in rows[_PREPARED].groupby(rule.dropna()).sum().items():
        excluded[label] = int(v)
    ex = sum(excluded.values())
    tot = _sum(rows)
    return {
        "total": _pounds(tot - ex),
        "share": _share(tot - ex, tot),
        "excluded_total": _pounds(ex),
        "excluded": {k: _pounds(v) for k, v in excluded.items()},
    }


def addressable_tier_shares(
    ledger: pd.DataFrame, place: Place, exclusions, denominator: str = "all"
) -> dict[str, float | None]:
    """Tier shares (:func:`tier_shares`) of addressable spend only: how local the spend is that
    could be local.  ``place_share_of_addressable`` in :func:`spend_indicators` is the place's
    cumulative share of it."""
    rows = spend_rows(ledger, place)
    return tier_shares(rows[addressable_rule(rows, exclusions).isna()], place, denominator)


# --------------------------------------------------------------------------- LM3 (NEF)

LM3_COLUMNS = [
    "kind",
    "anchor_id",
    "financial_year",
    "supplier_id",
    "local_respend_share",
    "wage_bill",
    "local_staff_share",
    "respondents",
    "source",
]
LM3_KINDS = ("supplier", "supplier_average", "staff")


def read_lm3_survey(path) -> pd.DataFrame:
    """Read the LM3 re-spend survey CSV (columns :data:`LM3_COLUMNS`; see docs/indicators/spend.md).

    One row per survey figure, ``kind``:

    * ``supplier``: ``supplier_id`` (register id) and ``local_respend_share``, the
      share of the supplier's income from the anchors that it re-spends in the
      place (local staff wages and local suppliers), from its survey return;
    * ``supplier_average``: ``local_respend_share`` applied to local suppliers
      with no return of their own (the surveyed average);
    * ``staff``: ``anchor_id``, ``financial_year``, ``wage_bill`` (£), ``local_staff_share``
      (share of the wage bill paid to staff living in the place) and
      ``local_respend_share`` (surveyed average share of staff spending made in the place).

    ``anchor_id`` / ``financial_year`` left empty on supplier rows apply to every anchor / year.
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise SpendError(f"LM3 survey not found: {path}") from None
    except Exception as exc:
        raise SpendError(f"cannot read the LM3 survey {path}: {exc}") from None
    return validate_lm3_survey(df, str(path))


def validate_lm3_survey(df: pd.DataFrame, where: str = "LM3 survey") -> pd.DataFrame:
    """Check and type an LM3 survey table (as :func:`read_lm3_survey` describes)."""
    df = df.copy()
    if "kind" not in df.columns:
        raise SpendError(f"{where}: no 'kind' column (expected columns {', '.join(LM3_COLUMNS)})")
    for c in LM3_COLUMNS:
        if c not in df.columns:
            df[c] = None
    for c in ("kind", "anchor_id", "financial_year", "supplier_id", "source"):
        df[c] = _text(df[c])
    problems = []
    for c in ("local_respend_share", "wage_bill", "local_staff_share", "respondents"):
        raw = _text(df[c])
        num = pd.to_numeric(raw, errors="coerce")
        for i in raw.index[raw.notna() & num.isna()]:
            problems.append(f"row {i + 2}: {c} {raw[i]!r} is not a number")
        df[c] = num.astype(float)
    for i, r in df.iterrows():
        line = f"row {i + 2}"
        if r["kind"] not in LM3_KINDS:
            problems.append(f"{line}: kind {r['kind']!r} is not one of {', '.join(LM3_KINDS)}")
            continue
        need = {
            "supplier": ["supplier_id", "local_respend_share"],
            "supplier_average": ["local_respend_share"],
            "staff": [
                "anchor_id",
                "financial_year",
                "wage_bill",
                "local_staff_share",
                "local_respend_share",
            ],
        }[r["kind"]]
        for c in need:
            if r[c] is None or (isinstance(r[c], float) and np.isnan(r[c])):
                problems.append(f"{line} ({r['kind']}): {c} is required")
        for c in ("local_respend_share", "local_staff_share"):
            v = r[c]
            if isinstance(v, float) and not np.isnan(v) and not 0 <= v <= 1:
                problems.append(f"{line}: {c} {v} is not a share between 0 and 1")
        if isinstance(r["wage_bill"], float) and r["wage_bill"] < 0:
            problems.append(f"{line}: wage_bill is negative")
    if problems:
        raise SpendError(f"{where}: " + "; ".join(problems))
    return df[LM3_COLUMNS]


def _most_specific(cells: pd.DataFrame, figures: pd.DataFrame, key: list[str]) -> pd.Series:
    """For each cell (anchor_id, financial_year[, supplier_id]), the share of the most specific
    figure: anchor and year given > anchor > year > neither."""
    out = pd.Series(np.nan, index=cells.index)
    for use_anchor, use_year in ((True, True), (True, False), (False, True), (False, False)):
        f = figures
        f = f[f["anchor_id"].notna()] if use_anchor else f[f["anchor_id"].isna()]
        f = f[f["financial_year"].notna()] if use_year else f[f["financial_year"].isna()]
        on = (
            list(key)
            + (["anchor_id"] if use_anchor else [])
            + (["financial_year"] if use_year else [])
        )
        if f.empty:
            continue
        if not on:  # a figure for everyone: the last one given
            out = out.fillna(float(f["local_respend_share"].iloc[-1]))
            continue
        f = f.drop_duplicates(on, keep="last")[on + ["local_respend_share"]]
        hit = (
            cells[on]
            .reset_index()
            .merge(f, on=on, how="inner")
            .set_index("index")["local_respend_share"]
        )
        out = out.where(out.notna(), hit.reindex(out.index))
    return out


def lm3(ledger: pd.DataFrame, place: Place, survey: pd.DataFrame | None) -> dict:
    """Local Multiplier 3 (New Economics Foundation): LM3 = (R1 + R2 + R3) / R1.

    * R1: the money tracked: the ledger's net spend (plus the wage bill of the
      survey's ``staff`` rows for the anchors and years in the ledger);
    * R2: the part of R1 spent locally: spend with suppliers in the place
      (:func:`place_share` numerator; unlocated spend is not local) plus the wage
      bill paid to staff living in the place (``wage_bill * local_staff_share``);
    * R3: what those local suppliers and staff re-spend locally: each local
      supplier's spend times its surveyed ``local_respend_share`` (its own
      ``supplier`` figure, else the ``supplier_average``), plus local wages times
      the staff ``local_respend_share``.

    With no survey, returns ``lm3`` None and the reason: no LM3 is assumed.  Local
    supplier spend with no survey figure at all adds nothing to R3 and is reported
    (``r3_supplier_coverage`` < 1 makes the value a lower bound).  Returns ``lm3``,
    ``r1``, ``r2``, ``r3`` (£), coverage and ``notes``.  Source: NEF, *The money
    trail* (2002); Northumberland: £1 with a local supplier worth £1.76 locally.
    """
    rows = spend_rows(ledger, place)
    if survey is None:
        return {
            "lm3": None,
            "reason": "no survey: LM3 needs supplier and staff re-spend survey figures "
            "(indicators.lm3_survey); none is assumed",
        }
    name = place_tier(place)
    if name is None:
        return {
            "lm3": None,
            "reason": "the place declares no place tier, so local spend is undefined",
        }
    local_tiers = place.tier_names[: place.tier_names.index(name) + 1]
    notes: list[str] = []
    r1 = _sum(rows)
    local = rows[rows["_tier"].isin(local_tiers) & ~rows["_redacted"]]
    cells = (
        local.assign(
            anchor_id=local["anchor_id"].astype(str),
            financial_year=local["financial_year"].astype(str),
        )
        .groupby(["anchor_id", "financial_year", "_sid"], as_index=False)[_PREPARED]
        .sum()
        .rename(columns={"_sid": "supplier_id"})
    )
    r2_sup = int(cells[_PREPARED].sum())
    own = _most_specific(cells, survey[survey["kind"] == "supplier"], ["supplier_id"])
    avg = _most_specific(cells, survey[survey["kind"] == "supplier_average"], [])
    share = own.where(own.notna(), avg)
    r3_sup = float((cells[_PREPARED] * share.fillna(0)).sum())
    pos = cells[_PREPARED].clip(lower=0)
    own_cov = _share(int(pos[own.notna()].sum()), int(pos.sum()))
    any_cov = _share(int(pos[share.notna()].sum()), int(pos.sum()))
    if any_cov is not None and any_cov < 1:
        notes.append(
            f"{1 - any_cov:.1%} of local supplier spend has no survey figure and adds no re-spend "
            "(LM3 is a lower bound)"
        )
    # staff
    staff = survey[survey["kind"] == "staff"]
    pairs = rows[["anchor_id", "financial_year"]].astype(str).drop_duplicates()
    st = pairs.merge(staff, on=["anchor_id", "financial_year"], how="left")
    missing = st[st["wage_bill"].isna()]
    st = st[st["wage_bill"].notna()].drop_duplicates(["anchor_id", "financial_year"], keep="last")
    wages = float((st["wage_bill"] * 100).sum())
    local_wages = float((st["wage_bill"] * 100 * st["local_staff_share"]).sum())
    r3_staff = float(
        (st["wage_bill"] * 100 * st["local_staff_share"] * st["local_respend_share"]).sum()
    )
    if len(missing) and len(st):
        gaps = sorted(
            f"{a} {y}" for a, y in missing[["anchor_id", "financial_year"]].itertuples(index=False)
        )
        more = f" and {len(gaps) - 6} more" if len(gaps) > 6 else ""
        notes.append(
            f"no staff survey figures for {len(gaps)} anchor-year(s) ({', '.join(gaps[:6])}{more}): "
            "their wages are not tracked"
        )
    elif len(missing):
        notes.append("no staff survey figures: staff wages are not tracked (supplier spend only)")
    if share.notna().sum() == 0 and st.empty:
        return {"lm3": None, "reason": "the survey has no figures for these anchors and years"}
    R1 = r1 + wages
    R2 = r2_sup + local_wages
    R3 = r3_sup + r3_staff
    if R1 <= 0:
        return {"lm3": None, "reason": "no positive spend to track (R1 <= 0)"}
    return {
        "lm3": (R1 + R2 + R3) / R1,
        "r1": R1 / 100,
        "r2": R2 / 100,
        "r3": R3 / 100,
        "r1_wage_bill": wages / 100,
        "r2_local_suppliers": r2_sup / 100,
        "r2_local_staff": local_wages / 100,
        "r3_suppliers": r3_sup / 100,
        "r3_staff": r3_staff / 100,
        "r3_supplier_coverage": any_cov,
        "r3_supplier_own_return_coverage": own_cov,
        "notes": notes,
    }


def simulated_share(ledger: pd.DataFrame) -> float | None:
    """Share of all spend whose supplier location is simulated (the demo's stand-in postcodes,
    ``postcode_source == 'simulated'``).  Any report using it must say the geography is simulated."""
    rows = spend_rows(ledger)
    return _share(_sum(rows, rows["_simulated"]), _sum(rows))


# --------------------------------------------------------------------------- locating a loose ledger

GEO_COLUMNS = ["tier", "lsoa21_code", "lad24_code", "imd25_decile"]


def locate_ledger(
    ledger: pd.DataFrame,
    place: Place,
    register: pd.DataFrame | None = None,
    matches: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """A located ledger from a canonical ledger alone (``anchor ledger read``), optionally with a register.

    Each row's supplier postcode is the ledger's own ``supplier_postcode`` when
    published, else the register's ``postcode`` for its supplier (linked through
    the register's match audit, as :func:`anchorlib.assets.register.attach_suppliers`);
    ``postcode_source`` says which (``ledger``, or the register's source).
    Distinct postcodes are placed once with
    :func:`anchorlib.config.places.classify_postcodes` in ``place``: ``tier``,
    ``lsoa21_code``, ``lad24_code``, ``imd25_decile`` (any the register carried
    are replaced: it may have been located for another place).  Without a
    register, organisation types are inferred from names and numbers
    (:func:`anchorlib.suppliers.orgtype.infer_org_type`) and suppliers are told apart by
    their supplier key.
    """
    from anchorlib.config.places import classify_postcodes
    from anchorlib.data.postcodes import normalise_postcodes

    if register is not None:
        if matches is None:
            raise SpendError(
                "the register has no match audit beside it (NAME_matches.csv, or the 'matches' "
                "sheet of the XLSX): it is needed to link ledger rows to suppliers"
            )
        from anchorlib.assets.register import attach_suppliers

        out = attach_suppliers(ledger, register, matches)
        out = out.drop(columns=[c for c in GEO_COLUMNS if c in out.columns])
        reg_pc = _col(out, "postcode")
        reg_src = _col(out, "postcode_source")
    else:
        from anchorlib.suppliers.orgtype import infer_org_type

        out = ledger.copy()
        reg_pc = pd.Series(None, index=out.index, dtype=object)
        reg_src = reg_pc
        key = ["supplier_name", "company_number", "charity_number"]
        present = [c for c in key if c in out.columns]
        uniq = out[present].astype(object).where(out[present].notna(), None).drop_duplicates()
        types = {tuple(r): infer_org_type(*r)[0] for r in uniq.itertuples(index=False, name=None)}
        out["org_type"] = [
            types[tuple(r)]
            for r in out[present]
            .astype(object)
            .where(out[present].notna(), None)
            .itertuples(index=False, name=None)
        ]
    raw = _col(out, "supplier_postcode")
    own = pd.Series(None, index=out.index, dtype=object)
    if raw.notna().any():
        norm = normalise_postcodes(raw.fillna(""))
        own = norm["pcds"].astype(object).where(norm["valid"] & raw.notna(), None)
    # a valid published postcode, else the register's, else an invalid published one (not placed)
    out["postcode"] = own.where(own.notna(), reg_pc.where(reg_pc.notna(), raw))
    from_ledger = own.notna() | (reg_pc.isna() & raw.notna())
    out["postcode_source"] = reg_src.where(~from_ledger, "ledger")
    pcs = out["postcode"].dropna()
    for c in GEO_COLUMNS:
        out[c] = None
    if not pcs.empty:
        uniq = pd.Series(sorted(set(pcs)), dtype=object)
        located = classify_postcodes(place, uniq)
        located.index = uniq.to_numpy()
        for c in GEO_COLUMNS:
            vals = located[c].astype(object).where(located[c].notna(), None)
            out.loc[pcs.index, c] = pcs.map(vals).to_numpy()
    out["imd25_decile"] = pd.to_numeric(out["imd25_decile"], errors="coerce").astype("Int64")
    return out


# --------------------------------------------------------------------------- the aggregator


def _settings(settings):
    from anchorlib.config.collaborative import IndicatorSettings

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
    """Every spend indicator for one set of rows (one anchor, or several combined), as a JSON-able dict.

    Keys (pounds are floats, shares fractions or None; see docs/indicators/spend.md):
    the headline ``total``, ``located_share``, ``tier_share_of_all``,
    ``tier_share_of_located``, ``deprived_share_of_located``, ``hhi``,
    ``top10_share`` (always the top 10), then the rest; ``top_n_share`` and
    ``top{N}_share`` are for the collaborative's ``top_n``.
    """
    s = _settings(settings)
    rows = spend_rows(rows, place)
    n = s.top_n
    tot = _sum(rows)
    tiers = _tier_pence(rows, place)
    rule = addressable_rule(rows, s.addressable_exclusions)
    addr = _addressable_parts(rows, rule, s.addressable_exclusions)
    addr_rows = rows[rule.isna()]
    pt, wt = place_tier(place), wider_tier(place)
    cum_all_addr = cumulative_tier_shares(addr_rows, place, "all")
    cum_loc_addr = cumulative_tier_shares(addr_rows, place, "located")
    lm = lm3(rows, place, lm3_survey)
    size = _size_pence(rows)
    red = redacted_spend(rows)
    years = _values(rows, "financial_year")
    anchors = _values(rows, "anchor_id")
    org = org_type_shares(rows)
    out = {
        "total": _pounds(tot),
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
        "tier_spend": {t: _pounds(v) for t, v in tiers.items()},
        "located_total": _pounds(sum(v for t, v in tiers.items() if t != UNKNOWN)),
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
        "size_band_spend": {k: _pounds(v) for k, v in size.items()},
        "sme_share_of_known": sme_share(rows, "known"),
        "sme_share_of_all": sme_share(rows, "all"),
        "size_known_share": _share(size["sme"] + size["large"], tot),
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
    return out


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
    ``combined`` then reports ``excluded_from_combined`` (£).  ``home_lads``:
    anchor id -> LAD 2024 code for the home-district shares.  ``lm3_survey``:
    :func:`read_lm3_survey` output (no survey: ``lm3`` None, with the reason).
    """
    s = _settings(settings)
    if exclude_rows is not None:
        exclude_rows = exclude_rows.reindex(ledger.index).fillna(False).astype(bool)
    rows = spend_rows(ledger, place)
    keep = ["anchor_id", "financial_year"] + [c for c in rows.columns if str(c).startswith("_")]
    rows = rows[[c for c in keep if c in rows.columns]]
    rows = rows.assign(
        anchor_id=rows["anchor_id"].astype(str).astype(object),
        financial_year=rows["financial_year"].astype(str).astype(object),
    )
    excl = (
        exclude_rows.reindex(rows.index).fillna(False).astype(bool)
        if exclude_rows is not None
        else None
    )
    ids = list(anchors) if anchors is not None else _values(rows, "anchor_id")
    if COMBINED in ids:
        raise SpendError(f"an anchor may not be called {COMBINED!r}: it names all anchors together")
    kw = {"home_lads": home_lads, "lm3_survey": lm3_survey}

    def one(sub: pd.DataFrame, sub_excl) -> dict:
        res = {}
        aid = sub["anchor_id"]
        for a in ids:
            part = sub[aid == a]
            if by_year and part.empty:
                continue
            res[a] = group_indicators(part, place, s, **kw)
        comb = sub if sub_excl is None else sub[~sub_excl]
        res[COMBINED] = group_indicators(comb[comb["anchor_id"].isin(ids)], place, s, **kw)
        if sub_excl is not None:
            res[COMBINED]["excluded_from_combined"] = _pounds(_sum(sub, sub_excl))
        return res

    if not by_year:
        return one(rows, excl)
    fy = rows["financial_year"]
    return {
        y: one(rows[fy == y], None if excl is None else excl[fy == y])
        for y in _values(rows, "financial_year")
    }
