"""Joining the supplier register to a ledger: each payment with its supplier's attributes.

Used by the shared assets (:func:`anchorlib.assets.register.read_located_ledger`) and by the
indicators on a loose ledger (:func:`anchorlib.indicators.locate.locate_ledger`).
"""

from __future__ import annotations

import pandas as pd

from anchorlib.data.postcodes import locate_postcodes, normalise_postcodes

__all__ = [
    "SUPPLIER_ATTRIBUTES",
    "DEPRIVATION_BASES",
    "NATION_COLUMNS",
    "attach_suppliers",
    "nation_deciles",
]

#: ``deprivation_basis`` values: each supplier ranked by its own nation's index (the default), or
#: by England's IMD 2025 only (suppliers outside England then have no decile: the figure before
#: issue 11, kept for continuity).
DEPRIVATION_BASES = ("own_nation", "england_only")
#: The columns :func:`nation_deciles` sets on a located ledger.
NATION_COLUMNS = ["nation", "deprivation_index", "nation_decile", "imd25_decile_england"]

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
    # from the public registers (anchor suppliers enrich)
    "legal_form",
    "company_status",
    "accounts_band",
    "sme_flag",
    "vcse_flag",
    "org_type_source",
    "register_match_method",
]


def nation_deciles(located: pd.DataFrame, basis: str = "own_nation") -> pd.DataFrame:
    """A located ledger (rows with ``postcode`` and ``imd25_decile``) with each supplier's own
    nation's deprivation, and ``imd25_decile`` set by ``basis``.

    Adds ``nation`` (England, Wales, Scotland, Northern Ireland, or a Crown dependency),
    ``deprivation_index`` ("IMD 2025", "WIMD 2019", "SIMD 2020", "NIMDM 2017"), ``nation_decile``
    (the decile of the supplier's small area within its own nation only) and
    ``imd25_decile_england`` (England's IMD 2025 decile as located; missing outside England).
    ``imd25_decile``, the column every spend indicator reads, then carries ``nation_decile`` with
    ``basis='own_nation'`` (a Welsh supplier in WIMD 2019's most deprived 10% counts as in decile
    1) or ``imd25_decile_england`` with ``'england_only'``.  Deciles are never compared across
    nations: ``deprived_share_by_nation`` splits the figure by nation.
    """
    if basis not in DEPRIVATION_BASES:
        raise ValueError(
            f"deprivation_basis must be one of {', '.join(DEPRIVATION_BASES)}, got {basis!r}"
        )
    out = located.copy()
    england = (
        pd.to_numeric(out["imd25_decile"], errors="coerce").astype("Int64")
        if "imd25_decile" in out.columns
        else pd.Series(pd.NA, index=out.index, dtype="Int64")
    )
    out["imd25_decile_england"] = england
    for c in ("nation", "deprivation_index"):
        out[c] = pd.Series(None, index=out.index, dtype=object)
    out["nation_decile"] = pd.Series(pd.NA, index=out.index, dtype="Int64")
    if "postcode" in out.columns:
        pcs = out["postcode"].astype(object).where(out["postcode"].notna(), None)
        has = pcs.notna()
        if has.any():
            uniq = pd.Series(sorted(set(pcs[has].astype(str))), dtype=object)
            norm = normalise_postcodes(uniq)
            uniq = uniq[norm["valid"].to_numpy()]
            if len(uniq):
                loc = locate_postcodes(uniq)
                loc.index = uniq.to_numpy()
                key = pcs[has].astype(str)
                out.loc[has, "nation"] = key.map(loc["nation"]).to_numpy()
                out.loc[has, "deprivation_index"] = key.map(loc["deprivation_index"]).to_numpy()
                dec = key.map(loc["nation_decile"].astype("Int64"))
                out.loc[has, "nation_decile"] = pd.array(dec.to_numpy(), dtype="Int64")
    out["nation_decile"] = out["nation_decile"].astype("Int64")
    out["imd25_decile"] = out["nation_decile"] if basis == "own_nation" else england
    return out


def attach_suppliers(
    ledger: pd.DataFrame,
    register: pd.DataFrame,
    matches: pd.DataFrame,
    basis: str = "own_nation",
) -> pd.DataFrame:
    """Each ledger row with its supplier's register attributes (``SUPPLIER_ATTRIBUTES``), and its
    own nation's deprivation (:func:`nation_deciles`; ``basis``: the collaborative's
    ``indicators.deprivation_basis``, ``own_nation`` or ``england_only``).

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
    return nation_deciles(out, basis)
