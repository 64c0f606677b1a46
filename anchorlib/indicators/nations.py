"""Supplier deprivation across the UK: the deprived share split by nation, each nation on its own
index, and England's IMD-only figure kept for continuity.

A located ledger (:func:`anchorlib.suppliers.attach.attach_suppliers` or
:func:`anchorlib.indicators.locate.locate_ledger`) carries, per row, the supplier's ``nation``, the
``deprivation_index`` that ranks it ("IMD 2025", "WIMD 2019", "SIMD 2020", "NIMDM 2017"), its
``nation_decile`` (within its own nation only) and ``imd25_decile_england``.  ``imd25_decile``, the
column :func:`anchorlib.indicators.spend.deprived_share` reads, carries the collaborative's
``deprivation_basis``.  The figures here call that same function on the ledger with the decile
column set for each view, so every counting rule (duplicates, refunds, netting, redacted payees)
is spend.py's.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from anchorlib.data.nations import INDICES, NATIONS
from anchorlib.indicators.netting import counted_rows
from anchorlib.indicators.rows import COMBINED, PENCE, SpendError
from anchorlib.indicators.spend import deprived_share, located_share, total_spend

__all__ = [
    "deprived_share_by_nation",
    "deprived_share_england_only",
    "nation_indicators",
]


def _located_ledger(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger as given: these figures re-set its tier and decile columns, which rows already
    prepared by spend_rows would ignore (it returns its own output unchanged)."""
    if PENCE in ledger.columns:
        raise SpendError(
            "pass the located ledger itself, not rows prepared by spend_rows: the by-nation "
            "figures set the tier and decile columns"
        )
    return ledger


def _column(ledger: pd.DataFrame, name: str) -> pd.Series:
    if name in ledger.columns:
        return ledger[name]
    return pd.Series(None, index=ledger.index, dtype=object)


def deprived_share_england_only(ledger: pd.DataFrame, deciles: Iterable[int] = (1, 2)):
    """Share of located spend with suppliers in England's most deprived ``deciles`` of IMD 2025,
    the figure as it was before the devolved indices (issue 11), for continuity.

    Numerator: spend with located suppliers whose LSOA 2021 is in ``deciles`` of IMD 2025
    (``imd25_decile_england``).  Denominator: all located spend, in every nation (a supplier in
    Wales, Scotland or Northern Ireland counts in the denominator, never in the numerator).
    Source: CLES; IoD 2025 (MHCLG).  None when nothing is located.
    """
    ledger = _located_ledger(ledger)
    england = pd.to_numeric(_column(ledger, "imd25_decile_england"), errors="coerce")
    return deprived_share(ledger.assign(imd25_decile=england.astype("Int64")), deciles, "located")


def deprived_share_by_nation(ledger: pd.DataFrame, deciles: Iterable[int] = (1, 2)) -> dict:
    """The deprived share of located spend in each nation, on that nation's own index.

    For each nation with located spend: numerator = spend with located suppliers in that nation
    whose small area is in ``deciles`` of the nation's own index (``nation_decile``: England IMD
    2025, Wales WIMD 2019, Scotland SIMD 2020, Northern Ireland NIMDM 2017; decile 1 = the nation's
    most deprived 10%); denominator = located spend with suppliers in that nation.  Returns
    ``{nation: {"index", "located_spend", "deprived_spend", "share"}}`` (pounds, a fraction or
    None), nations in the order England, Wales, Scotland, Northern Ireland, then others (Channel
    Islands, Isle of Man: no index, share None).  The shares are never added or averaged across
    nations: each ranks its own small areas only.  Source: CLES; each nation's index.
    """
    deciles = [int(d) for d in deciles]
    ledger = _located_ledger(ledger)
    nation = _column(ledger, "nation").astype(object)
    decile = pd.to_numeric(_column(ledger, "nation_decile"), errors="coerce").astype("Int64")
    present = [str(n) for n in nation.dropna().unique()]
    order = [n for n in NATIONS if n in present] + sorted(n for n in present if n not in NATIONS)
    out = {}
    for name in order:
        mine = nation == name
        # Only this nation's suppliers count as located: the share's denominator is this
        # nation's located spend.
        # prepared once (spend_rows and netting are idempotent): the three figures below would
        # each prepare the raw frame again
        part = counted_rows(
            ledger.assign(
                tier=_column(ledger, "tier").where(mine, None),
                imd25_decile=decile.where(mine),
            )
        )
        located = (located_share(part) or 0.0) * total_spend(part)
        share = deprived_share(part, deciles, "located")
        if located == 0 and share is None:
            continue  # suppliers of this nation, but none located (or no spend)
        has_index = name in INDICES
        out[name] = {
            "index": INDICES[name].label if has_index else None,
            "located_spend": round(located, 2),
            "deprived_spend": round(share * located, 2) if share is not None and has_index else 0.0,
            "share": share if has_index else None,
        }
    return out


def nation_indicators(
    ledger: pd.DataFrame,
    deciles: Iterable[int] = (1, 2),
    *,
    anchors: Iterable[str] | None = None,
    exclude_rows: pd.Series | None = None,
    self_rows: pd.Series | None = None,
) -> dict:
    """``deprived_share_by_nation`` and ``deprived_share_of_located_england_only`` per anchor and
    ``combined``, with the rows left out as :func:`anchorlib.indicators.spend.spend_indicators`
    leaves them: an anchor's payments to itself (``self_rows``) out of its own figures and of
    ``combined``; payments between member anchors (``exclude_rows``) out of ``combined`` only."""
    deciles = list(deciles)
    aid = ledger["anchor_id"].astype(str)
    ids = list(anchors) if anchors is not None else sorted(aid.unique())

    def flag(f):
        if f is None:
            return pd.Series(False, index=ledger.index)
        return f.reindex(ledger.index).fillna(False).astype(bool)

    excl, own = flag(exclude_rows), flag(self_rows)

    def both(rows: pd.DataFrame) -> dict:
        return {
            "deprived_share_by_nation": deprived_share_by_nation(rows, deciles),
            "deprived_share_of_located_england_only": deprived_share_england_only(rows, deciles),
        }

    out = {a: both(ledger[(aid == a) & ~own]) for a in ids}
    out[COMBINED] = both(ledger[aid.isin(ids) & ~excl & ~own])
    return out
