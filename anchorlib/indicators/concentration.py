"""Portfolio concentration (step 7, item 7): how much of a buyer's spend goes to few suppliers.

The Herfindahl-Hirschman index (HHI) and the top-N share, on each named supplier's net positive
spend.  The published figure is on **procurement spend** (:mod:`anchorlib.indicators.procurement`:
payments to public bodies, HMRC, pension funds, precepts, grants to individuals and redacted
payees are not a supplier portfolio), overall and per common category (the collective
opportunity's categories).  It is described as portfolio concentration: the merger-regulation
thresholds are for markets of sellers, not one buyer's suppliers, so none is applied.
Source: CLES procurement spend analysis; the HHI as defined by Herfindahl and Hirschman.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anchorlib.indicators.addressable import common_category_of
from anchorlib.indicators.netting import counted_rows
from anchorlib.indicators.procurement import procurement_rows
from anchorlib.indicators.rows import PENCE, pounds, share

__all__ = [
    "supplier_net_spend",
    "hhi",
    "top_n_share",
    "top_suppliers",
    "portfolio_hhi",
    "hhi_by_category",
    "category_hhi",
]


def supplier_net_spend(ledger: pd.DataFrame) -> pd.Series:
    """Net spend per named supplier, pence, positive only, largest first (ties by id).

    The basis of HHI and top-N: a supplier's payments and refunds are netted;
    suppliers whose net is zero or negative (credits exceeding payments in the
    period) hold no share of spend and are left out; the redacted class is not
    a supplier and is left out.
    """
    rows = counted_rows(ledger)
    named = rows[~rows["_redacted"] & rows["_sid"].notna()]
    net = named.groupby("_sid")[PENCE].sum()
    net = net[net > 0]
    order = np.lexsort((net.index.to_numpy(dtype=str), -net.to_numpy()))
    return net.iloc[order].astype("int64")


def hhi(ledger: pd.DataFrame) -> float | None:
    """Portfolio concentration of spend across suppliers (Herfindahl-Hirschman index), 0-1.

    Definition: HHI = sum over suppliers of s_i squared, s_i = the supplier's net positive
    spend / the sum of net positive spend over named suppliers (:func:`supplier_net_spend`).
    1 = one supplier takes everything; 1/N = N equal suppliers, so 1/HHI is the "equivalent
    number of equal suppliers".  It describes one buyer's portfolio, not a market of sellers:
    the competition authorities' merger thresholds (e.g. 2,500 on the 10,000 scale) do not
    apply and are not used.  ``None`` with no positive spend.  This is on the rows given; the
    published figure (:func:`portfolio_hhi`) is on procurement spend.
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
    return share(int(net.iloc[:n].sum()), int(net.sum()))


def top_suppliers(ledger: pd.DataFrame, n: int = 10) -> list[dict]:
    """The N largest suppliers: ``supplier_id``, ``name``, ``spend`` (£ net), ``share`` (of the
    :func:`hhi` denominator), ``tier``."""
    rows = counted_rows(ledger)
    net = supplier_net_spend(rows)
    tot = int(net.sum())
    first = rows.drop_duplicates("_sid").set_index("_sid")
    out = []
    for sid, pence in net.iloc[:n].items():
        out.append(
            {
                "supplier_id": sid,
                "name": first.at[sid, "_name"],
                "spend": pounds(int(pence)),
                "share": share(int(pence), tot),
                "tier": first.at[sid, "_tier"],
            }
        )
    return out


def portfolio_hhi(ledger: pd.DataFrame) -> float | None:
    """The published portfolio concentration: :func:`hhi` of procurement spend
    (:func:`anchorlib.indicators.procurement.procurement_rows` of the counted rows), 0-1."""
    return hhi(procurement_rows(counted_rows(ledger)))


def hhi_by_category(ledger: pd.DataFrame) -> dict[str, dict]:
    """Portfolio concentration of procurement spend within each common category.

    ``{category id: {'spend' (£, net positive spend with named suppliers), 'suppliers'
    (number), 'hhi' (0-1), 'largest_share' (of the category's spend)}}``, largest spend first
    (ties by id).  The category is the collective opportunity's (the collaborative's
    ``category_map`` when the rows carry it, else the category, else the description); a
    supplier is counted in a category by its net spend there.
    """
    return category_hhi(procurement_rows(counted_rows(ledger)))


def category_hhi(rows: pd.DataFrame) -> dict[str, dict]:
    """:func:`hhi_by_category` of rows already restricted to procurement spend."""
    rows = counted_rows(rows)
    named = rows[~rows["_redacted"] & rows["_sid"].notna()]
    if not len(named):
        return {}
    cat = common_category_of(named)
    net = named.groupby([cat.to_numpy(), named["_sid"].to_numpy()])[PENCE].sum()
    net = net[net > 0]
    out = {}
    for c, sub in net.groupby(level=0):
        tot = int(sub.sum())
        s = sub.to_numpy(dtype=float) / tot
        out[str(c)] = {
            "spend": pounds(tot),
            "suppliers": int(len(sub)),
            "hhi": float(np.sum(s * s)),
            "largest_share": share(int(sub.max()), tot),
        }
    return dict(sorted(out.items(), key=lambda kv: (-kv[1]["spend"], kv[0])))
