"""Locating a loose canonical ledger (``anchor ledger read``) in a place, with or without a
register.

The shared assets of a collaborative locate its ledger once (:mod:`anchorlib.assets.register`);
``anchor indicators`` on ledger files uses :func:`locate_ledger` instead.
"""

from __future__ import annotations

import pandas as pd

from anchorlib.config.places import Place, classify_postcodes
from anchorlib.data.postcodes import normalise_postcodes
from anchorlib.indicators.rows import SpendError, text_column
from anchorlib.suppliers.attach import NATION_COLUMNS, attach_suppliers, nation_deciles
from anchorlib.suppliers.orgtype import infer_org_type

__all__ = ["GEO_COLUMNS", "locate_ledger"]

#: The location columns :func:`locate_ledger` sets on every row.
GEO_COLUMNS = ["tier", "lsoa21_code", "lad24_code", "imd25_decile"]


def locate_ledger(
    ledger: pd.DataFrame,
    place: Place,
    register: pd.DataFrame | None = None,
    matches: pd.DataFrame | None = None,
    basis: str = "own_nation",
) -> pd.DataFrame:
    """A located ledger from a canonical ledger alone (``anchor ledger read``), optionally with a
    register.

    Each row's supplier postcode is the ledger's own ``supplier_postcode`` when
    published, else the register's ``postcode`` for its supplier (linked through
    the register's match audit, as :func:`anchorlib.suppliers.attach.attach_suppliers`);
    ``postcode_source`` says which (``ledger``, or the register's source).
    Distinct postcodes are placed once with
    :func:`anchorlib.config.places.classify_postcodes` in ``place``: ``tier``,
    ``lsoa21_code``, ``lad24_code``, ``imd25_decile`` (any the register carried
    are replaced: it may have been located for another place).  Without a
    register, organisation types are inferred from names and numbers
    (:func:`anchorlib.suppliers.orgtype.infer_org_type`) and suppliers are told apart by
    their supplier key.  Each row then gets its own nation's deprivation
    (:func:`anchorlib.suppliers.attach.nation_deciles`: ``nation``, ``deprivation_index``,
    ``nation_decile``, ``imd25_decile_england``), and ``imd25_decile`` follows ``basis``
    (``own_nation``, the default, or ``england_only``).
    """
    if register is not None:
        if matches is None:
            raise SpendError(
                "the register has no match audit beside it (NAME_matches.csv, or the 'matches' "
                "sheet of the XLSX): it is needed to link ledger rows to suppliers"
            )
        out = attach_suppliers(ledger, register, matches)
        out = out.drop(columns=[c for c in GEO_COLUMNS + NATION_COLUMNS if c in out.columns])
        reg_pc = text_column(out, "postcode")
        reg_src = text_column(out, "postcode_source")
    else:
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
    raw = text_column(out, "supplier_postcode")
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
    return nation_deciles(out, basis)
