"""The rows every spend indicator counts, and the exact pence arithmetic on them.

:func:`spend_rows` applies the common rules of docs/indicators/spend.md once (each payment once,
signed pence, redacted payees a class of their own, unlocated spend in tier ``unknown``) and adds
the working columns the indicators read (:mod:`anchorlib.indicators.spend`,
:mod:`anchorlib.indicators.collective`, :mod:`anchorlib.indicators.progress` ...).  The helpers
here are the one copy of the pence totals, pounds and shares they all use.
"""

from __future__ import annotations

import pandas as pd

from anchorlib.config.places import UNKNOWN, Place
from anchorlib.core.errors import AnchorError

#: The key of all anchors together.
COMBINED = "combined"
#: The organisation type (and class) of payees whose names are withheld.
REDACTED = "redacted"
#: IMD decile key of located spend with no English IMD decile: outside England (no English index),
#: or in England with no single LSOA 2021 (a split LSOA 2011; placed by its district only).
NO_DECILE = "no_decile"


class SpendError(AnchorError, ValueError):
    """A ledger or setting the spend indicators cannot use (unknown tier, bad regex, bad survey)."""


#: The working column of signed pence that :func:`spend_rows` adds.
PENCE = "_pence"


def text_values(s: pd.Series) -> pd.Series:
    """Object strings, stripped, with None for missing or blank (vectorised)."""
    t = s.astype("string").str.strip()
    t = t.where(t.notna() & (t != ""))
    return t.astype(object).where(t.notna(), None)


def text_column(df: pd.DataFrame, name: str) -> pd.Series:
    """:func:`text_values` of column ``name``; all None when the frame has no such column."""
    return (
        text_values(df[name])
        if name in df.columns
        else pd.Series(None, index=df.index, dtype=object)
    )


def spend_rows(ledger: pd.DataFrame, place: Place | None = None) -> pd.DataFrame:
    """The rows every spend indicator counts, with the working columns they use.

    Drops ``is_duplicate`` rows and adds: ``_pence`` (int64, signed), ``_redacted``,
    ``_sid`` (supplier identity: ``supplier_id``, else ``key:`` + ``supplier_key``;
    ``REDACTED`` for the redacted class), ``_name``, ``_tier`` (the supplier's tier,
    ``outside`` when located in no declared tier, ``unknown`` when not located and
    always for redacted rows), ``_decile`` (IMD
    2025 decile of a located supplier's LSOA; NA when unlocated, outside England or
    placed by district only), ``_org_type``, ``_sector``, ``_size_band``, ``_lad``,
    ``_simulated``, ``_category`` and ``_description``.
    Idempotent: a frame it returned is returned unchanged.

    With ``place``, every tier in the ledger must be one of ``place.tier_names``
    (a ledger located for another place is refused rather than mis-counted).
    """
    if PENCE in ledger.columns:
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
        rows[PENCE] = rows["amount_pence"].astype("int64")
        red = (
            rows["is_redacted"].fillna(False).astype(bool)
            if "is_redacted" in rows.columns
            else pd.Series(False, index=rows.index)
        )
        org = text_column(rows, "org_type")
        red = red | (org == REDACTED)
        rows["_redacted"] = red
        sid = text_column(rows, "supplier_id")
        key = text_column(rows, "supplier_key")
        fallback = key.map(lambda k: None if k is None else f"key:{k}")
        sid = sid.where(sid.notna(), fallback)
        sid = sid.where(
            sid.notna(),
            text_column(rows, "supplier_name").map(lambda n: None if n is None else f"name:{n}"),
        )
        rows["_sid"] = sid.where(~red, "REDACTED")
        name = text_column(rows, "canonical_name")
        rows["_name"] = name.where(name.notna(), text_column(rows, "supplier_name"))
        tier = text_column(rows, "tier")
        rows["_tier"] = tier.where(tier.notna() & ~red, UNKNOWN).astype(object)
        if "imd25_decile" in rows.columns:
            dec = pd.to_numeric(rows["imd25_decile"], errors="coerce").astype("Int64")
        else:
            dec = pd.Series(pd.NA, index=rows.index, dtype="Int64")
        rows["_decile"] = dec.where(rows["_tier"] != UNKNOWN)
        rows["_org_type"] = org.where(org.notna(), "unknown").where(~red, REDACTED)
        rows["_sector"] = text_column(rows, "sector")
        rows["_size_band"] = text_column(rows, "size_band")
        rows["_lad"] = text_column(rows, "lad24_code")
        rows["_simulated"] = (text_column(rows, "postcode_source") == "simulated") & (
            rows["_tier"] != UNKNOWN
        )
        rows["_postcode"] = (
            text_column(rows, "postcode")
            if "postcode" in rows.columns
            else text_column(rows, "supplier_postcode")
        )
        rows["_published"] = text_column(rows, "supplier_name")
        rows["_category"] = text_column(rows, "category")
        rows["_description"] = text_column(rows, "description")
    if place is not None:
        stray = sorted(set(rows["_tier"].dropna()) - set(place.tier_names))
        if stray:
            raise SpendError(
                f"the ledger's supplier tiers {stray} are not tiers of place '{place.name}' "
                f"({place.tier_names}): locate the suppliers with this place "
                "(rebuild the register, or pass --place)"
            )
    return rows


def pence_total(rows: pd.DataFrame, mask=None) -> int:
    """Exact pence total (a Python int)."""
    p = rows[PENCE] if mask is None else rows.loc[mask, PENCE]
    return int(p.sum())


def excluded_split(rows: pd.DataFrame, rule: pd.Series, labels) -> tuple[int, int, dict]:
    """Rows split by an exclusion ``rule`` (per row: the label of the exclusion that takes it, or
    None): ``(total, excluded_total, excluded)`` in pence, ``excluded`` with every one of
    ``labels`` (0 when it took nothing).  Shared by addressable and procurement spend."""
    excluded = {label: 0 for label in labels}
    for label, v in rows[PENCE].groupby(rule.dropna()).sum().items():
        excluded[label] = int(v)
    return pence_total(rows), sum(excluded.values()), excluded


def pounds(pence) -> float:
    """Pence (an exact integer, Python or numpy) as pounds, a Python float."""
    return int(pence) / 100


def share(num: int, den: int) -> float | None:
    """``num / den``; None (never 0) when the denominator is zero or negative."""
    return num / den if den > 0 else None


def distinct_values(rows: pd.DataFrame, col: str) -> list[str]:
    """Sorted distinct non-missing values of a column, as str."""
    if col not in rows.columns:
        return []
    return sorted({str(v) for v in pd.unique(rows[col].dropna())})


def pence_by(rows: pd.DataFrame, col: str) -> dict[str, int]:
    """Exact pence totals by the values of ``col`` (missing values included), as Python ints."""
    return {
        str(k): int(v) for k, v in rows.groupby(col, sort=True, dropna=False)[PENCE].sum().items()
    }
