"""Negative lines (step 7, item 6): credit notes net against their supplier; receipts are reported.

A published spend file has negative lines of two kinds:

* **credit notes and refunds** from a supplier the body also pays: they reverse part of that
  supplier's invoices and are netted against that supplier's payments;
* **receipts and transfers**: money coming *in* (a government department paying the council, a
  partner body repaying a shared cost) recorded as a negative payment.  Netting these against the
  whole ledger would make the spend, and every share of it, smaller than the spend with suppliers
  really was; a share could even leave [0, 1].

Rule: payments are netted per paying anchor and supplier (``anchor_id``, the supplier identity
``_sid``) over the rows analysed (a year, or all years).  Receipts and transfers are left out of
every spend figure and reported beside them (:func:`receipts_summary`):

1. a supplier whose net is **negative** (it was credited more than it was paid: the money came
   in): all its lines;
2. a negative line paid to a **public body** (a government department, a council, the police...):
   public bodies pay anchors (grants, business rates retention, recharges) and such a line is
   money coming in, not a credit note against a purchase; it is reported whatever the body's
   net, so it does not hide the anchor's payments to that body.

Every other negative line is a credit note or refund, netted against the same anchor's payments
to the same supplier.  So every counted supplier adds zero or more to every tier, decile and
type, and no share leaves [0, 1] because of netting.  Gross positive spend (the positive lines
counted) is shown beside the net.

Source: CLES procurement spend analysis (spend with suppliers, net of credits); Local Government
Transparency Code 2015 (the published lines, credits included).  Credits within a supplier split
across categories are netted line by line inside each category split (a category total of one
supplier can be negative only when its credit is published under another category than the
invoice it reverses).
"""

from __future__ import annotations

import pandas as pd

from anchorlib.indicators.rows import PENCE, pence_total, pounds, spend_rows

__all__ = [
    "NETTED",
    "receipt_lines",
    "counted_rows",
    "receipts_summary",
    "gross_and_net",
    "netting_summary",
]

#: Working column marking rows already netted (a subset of netted rows is not netted again, so
#: a split by category of the counted rows still adds up to their total).
NETTED = "_netted"


def _group_keys(rows: pd.DataFrame) -> list:
    anchor = (
        rows["anchor_id"].astype(str)
        if "anchor_id" in rows.columns
        else pd.Series("", index=rows.index)
    )
    return [anchor, rows["_sid"].astype(object).where(rows["_sid"].notna(), "")]


def receipt_lines(rows: pd.DataFrame) -> pd.Series:
    """Boolean per row of :func:`spend_rows`: the receipts and transfers, not spend.

    The lines of an (anchor, supplier) whose net over ``rows`` is negative, and every negative
    line paid to a public body (``org_type`` ``public_body``: a government department, council or
    other public body paying the anchor, e.g. business rates and grant income published as
    negative lines beside the anchor's payments to it).  All False on rows already netted."""
    rows = spend_rows(rows)
    if NETTED in rows.columns or not len(rows):
        return pd.Series(False, index=rows.index)
    net = rows.groupby(_group_keys(rows), sort=False)[PENCE].transform("sum")
    public = (rows[PENCE] < 0) & (rows["_org_type"] == "public_body")
    return (net < 0) | public


def counted_rows(ledger: pd.DataFrame, place=None) -> pd.DataFrame:
    """:func:`spend_rows` less the receipt and transfer lines (:func:`receipt_lines`), marked as
    netted.  Idempotent: rows it returned (or any subset of them) are returned unchanged."""
    rows = spend_rows(ledger, place)
    if NETTED in rows.columns:
        return rows
    keep = rows[~receipt_lines(rows)].copy()
    keep[NETTED] = True
    return keep


def receipts_summary(
    ledger: pd.DataFrame, largest: int = 5, receipt: pd.Series | None = None
) -> dict:
    """The receipts and transfers left out of the spend: ``total`` (£, their net, negative or 0),
    ``negative_lines`` (£), ``positive_lines`` (£), ``suppliers`` and ``lines`` (numbers) and
    the ``largest`` (anchor, supplier name, net £), most negative first.  ``receipt``:
    :func:`receipt_lines` of the rows when already computed."""
    rows = spend_rows(ledger)
    rec = rows[receipt_lines(rows) if receipt is None else receipt]
    out = {
        "total": pounds(pence_total(rec)),
        "negative_lines": pounds(pence_total(rec, rec[PENCE] < 0)),
        "positive_lines": pounds(pence_total(rec, rec[PENCE] > 0)),
        "suppliers": 0,
        "lines": int(len(rec)),
        "largest": [],
    }
    if not len(rec):
        return out
    g = rec.groupby(_group_keys(rec), sort=False)
    net = g[PENCE].sum()
    names = g["_name"].first()
    out["suppliers"] = int(len(net))
    order = sorted(net.index, key=lambda k: (int(net[k]), str(k)))
    out["largest"] = [
        {
            "anchor_id": k[0] or None,
            "supplier_id": k[1] or None,
            "name": names[k],
            "net": pounds(int(net[k])),
        }
        for k in order[:largest]
    ]
    return out


def gross_and_net(ledger: pd.DataFrame) -> dict:
    """Gross positive spend beside the net, on the counted rows (:func:`counted_rows`):
    ``gross_positive`` (£, the positive lines), ``credits_netted`` (£, the negative lines netted
    against their suppliers, negative or 0), ``net`` (£, their sum) and ``published_net`` (£, the
    net of every line as published, receipts included)."""
    rows = spend_rows(ledger)
    counted = counted_rows(rows)
    return {
        "gross_positive": pounds(pence_total(counted, counted[PENCE] > 0)),
        "credits_netted": pounds(pence_total(counted, counted[PENCE] < 0)),
        "net": pounds(pence_total(counted)),
        "published_net": pounds(pence_total(rows)),
    }


def netting_summary(ledger: pd.DataFrame) -> dict:
    """The netting keys of ``anchor indicators --json`` for rows not yet netted:
    ``gross_positive_total``, ``credits_netted_total``, ``published_net_total`` (£) and
    ``receipts_and_transfers`` (:func:`receipts_summary`)."""
    rows = spend_rows(ledger)
    receipt = receipt_lines(rows)  # once, for both
    counted = rows[~receipt]
    return {
        "gross_positive_total": pounds(pence_total(counted, counted[PENCE] > 0)),
        "credits_netted_total": pounds(pence_total(counted, counted[PENCE] < 0)),
        "published_net_total": pounds(pence_total(rows)),
        "receipts_and_transfers": receipts_summary(rows, receipt=receipt),
    }
