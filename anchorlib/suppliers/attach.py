"""Joining the supplier register to a ledger: each payment with its supplier's attributes.

Used by the shared assets (:func:`anchorlib.assets.register.read_located_ledger`) and by the
indicators on a loose ledger (:func:`anchorlib.indicators.locate.locate_ledger`).
"""

from __future__ import annotations

import pandas as pd

__all__ = ["SUPPLIER_ATTRIBUTES", "attach_suppliers"]

#: Register columns carried onto each ledger row for the indicators.
SUPPLIER_ATTRIBUTES = [
    "supplier_id",
    "canonical_name",
    "org_type",
    "sector",
    "sic_section",
    "size_band",
    "postcode",
    "postcode_source",
    "tier",
    "lsoa21_code",
    "lad24_code",
    "imd25_decile",
]


def attach_suppliers(
    ledger: pd.DataFrame, register: pd.DataFrame, matches: pd.DataFrame
) -> pd.DataFrame:
    """Each ledger row with its supplier's register attributes (``SUPPLIER_ATTRIBUTES``).

    Rows are linked through the match audit on (supplier name as published,
    company number, charity number), the key the register was built on.  A
    row with no link keeps empty attributes (tier ``unknown`` in indicators).
    """
    key = ["supplier_name", "company_number", "charity_number"]
    links = matches[key + ["supplier_id"]].astype({c: "object" for c in key})
    links = links.assign(**{c: links[c].where(links[c].notna(), "") for c in key}).drop_duplicates(
        key
    )
    led = ledger.assign(
        **{f"_{c}": ledger[c].astype("object").where(ledger[c].notna(), "") for c in key}
    )
    out = led.merge(
        links.rename(columns={c: f"_{c}" for c in key}), on=[f"_{c}" for c in key], how="left"
    )
    out = out.drop(columns=[f"_{c}" for c in key])
    attrs = register[[c for c in SUPPLIER_ATTRIBUTES if c in register.columns]].drop_duplicates(
        "supplier_id"
    )
    out = out.merge(attrs, on="supplier_id", how="left", validate="many_to_one")
    if "imd25_decile" in out.columns:
        out["imd25_decile"] = pd.to_numeric(out["imd25_decile"], errors="coerce").astype("Int64")
    return out
