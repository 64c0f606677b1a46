"""The supplier register's schema: its columns, who set a value, and how a cell is read.

Shared by the modules that build the register (:mod:`anchorlib.suppliers.register`), read the
ledger side (:mod:`anchorlib.suppliers.variants`) and keep people's edits
(:mod:`anchorlib.suppliers.previous`); docs/supplier_register.md describes the columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from anchorlib.core.errors import AnchorError
from anchorlib.core.normalise import clean_text
from anchorlib.data.postcodes import normalise_postcodes

__all__ = [
    "EDITABLE",
    "SOURCES",
    "MATCH_COLUMNS",
    "REGISTER_FIELDS",
    "REGISTER_FILLED_EDITABLE",
    "REGISTER_MATCH_COLUMNS",
    "REVIEW_COLUMNS",
    "Register",
    "is_register_source",
    "SupplierRegisterError",
    "register_columns",
]


class SupplierRegisterError(AnchorError, ValueError):
    """A ledger or a previous register cannot be used to build a register."""


#: Columns people fill in or correct; each has a ``<field>_source`` column.
EDITABLE = [
    "canonical_name",
    "postcode",
    "org_type",
    "sector",
    "sic_section",
    "size_band",
    "merge_into",
    "notes",
]
#: Who set a value: the build (``inferred``, or ``ledger`` when published in a ledger), a person, or
#: a simulation.
SOURCES = ("inferred", "ledger", "human", "simulated")
#: Sources the build sets (a rebuild may replace their values) and those it keeps.
MACHINE_SOURCES = ("inferred", "ledger")
KEPT_SOURCES = ("human", "simulated")
#: Columns the public registers fill (``anchor suppliers enrich``, docs/supplier_register.md); each
#: has a ``<field>_source`` column naming the register and its date
#: (``companies_house:2026-11-01``), or ``human`` once a person changed it.
REGISTER_FIELDS = [
    "legal_form",
    "company_status",
    "dissolution_date",
    "sic_codes",
    "sic_divisions",
    "accounts_band",
    "charity_income_band",
    "sme_flag",
    "vcse_flag",
    "registered_office_postcode",
]
#: Editable columns the registers fill too, where no person and no ledger set them: ``postcode``
#: (source ``registered office``: weaker than a branch or delivery address in a ledger),
#: ``org_type``, ``sic_section`` (of the first SIC code) and ``size_band`` (the accounts band).
REGISTER_FILLED_EDITABLE = ["org_type", "postcode", "sic_section", "size_band"]
#: How a supplier was matched to a register (method, register and date, number, detail).
REGISTER_MATCH_COLUMNS = [
    "register_match_method",
    "register_matched_number",
    "register_match_source",
    "register_match_detail",
]
#: Registers whose names prefix a cell's source.
REGISTERS = ("companies_house", "charity_commission")
#: Postcode sources the registers set: a registered office, a charity's contact address.
REGISTER_POSTCODE_SOURCES = ("registered office", "charity contact address")
#: Separator of the name variants and match keys in one cell.
SEP = " | "

_LEAD = [
    "supplier_id",
    "canonical_name",
    "total_spend",
    "spend_rank",
    "cles_top80",
    "n_anchors",
    "anchors",
    "org_type",
    "postcode",
    "sector",
    "sic_section",
    "size_band",
    "merge_into",
    "notes",
    "org_type_evidence",
    "company_number",
    "charity_number",
    "tier",
    "lsoa21_code",
    "ward24_name",
    "lad24_code",
    "lad24_name",
    "region_name",
    "imd25_decile",
    "postcode_status",
    *REGISTER_FIELDS,
    "payments",
    "refunds",
    "spend_share",
    "cumulative_share",
]
_TAIL = (
    [
        "is_redacted",
        "in_ledger",
        "n_variants",
        "name_variants",
        "match_keys",
        "match_methods",
        "min_match_score",
        "first_payment",
        "last_payment",
        "spend_pence",
    ]
    + [f"{f}_source" for f in EDITABLE]
    + REGISTER_MATCH_COLUMNS
    + [f"{f}_source" for f in REGISTER_FIELDS]
)
#: Columns placing a supplier's postcode (in LSOA 2021, ward, LAD, region, IMD decile, tier).
GEO_COLUMNS = [
    "tier",
    "lsoa21_code",
    "ward24_name",
    "lad24_code",
    "lad24_name",
    "region_name",
    "imd25_decile",
    "postcode_status",
]

#: Columns of the matches audit (one row per name variant).
MATCH_COLUMNS = [
    "supplier_id",
    "canonical_name",
    "supplier_name",
    "company_number",
    "charity_number",
    "supplier_key",
    "match_key",
    "method",
    "score",
    "matched_to",
    "detail",
    "anchors",
    "payments",
    "spend",
    "in_ledger",
]
REVIEW_COLUMNS = [
    "supplier_id_a",
    "name_a",
    "key_a",
    "supplier_id_b",
    "name_b",
    "key_b",
    "score",
    "reason",
]


def register_columns(anchors=()) -> list[str]:
    """Register columns, in order, with one ``spend_<anchor>`` column per anchor after
    ``cumulative_share``."""
    return _LEAD + [f"spend_{a}" for a in anchors] + _TAIL


@dataclass
class Register:
    """A built register: ``register`` (one row per supplier), ``matches`` (audit), ``review`` (near
    misses)."""

    register: pd.DataFrame
    matches: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MATCH_COLUMNS))
    review: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REVIEW_COLUMNS))
    warnings: list[str] = field(default_factory=list)

    def merges_by_method(self) -> pd.Series:
        """Name variants per link method (``new`` = the first name of each supplier)."""
        m = (
            self.matches[self.matches["in_ledger"].astype(bool)]
            if len(self.matches)
            else self.matches
        )
        return m["method"].value_counts()

    def shared(self, min_anchors: int = 2) -> pd.DataFrame:
        """Suppliers paid by at least ``min_anchors`` anchors (redacted excluded), by spend."""
        r = self.register
        return r[(r["n_anchors"] >= min_anchors) & ~r["is_redacted"].astype(bool)]

    def summary(self, top: int = 10) -> str:
        r, m = self.register, self.matches
        live = r[r["in_ledger"].astype(bool)]
        named = live[~live["is_redacted"].astype(bool)]
        lines = [
            f"{int(m['in_ledger'].sum()) if len(m) else 0:,} name variants -> "
            f"{len(live):,} suppliers "
            f"({len(named):,} named, {len(live) - len(named)} redacted class); "
            f"{len(r) - len(live):,} earlier suppliers not in this ledger kept",
            "links by method: "
            + ", ".join(f"{k} {v:,}" for k, v in self.merges_by_method().items()),
            f"shared by 2+ anchors: {len(self.shared()):,} suppliers, "
            f"£{self.shared()['total_spend'].sum():,.2f}",
            f"CLES top suppliers covering 80% of spend: {int(r['cles_top80'].sum()):,} of "
            f"{int((named['spend_pence'] > 0).sum()):,} with positive spend",
            f"near misses for review (not merged): {len(self.review):,}",
        ]
        head = r.head(top)
        for _, s in head.iterrows():
            lines.append(
                f"  {s['supplier_id']}  £{s['total_spend']:>15,.2f}  {s['anchors']:<40.40}  "
                f"{s['canonical_name']}"
            )
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


# ------------------------------------------------------------------ small helpers


def is_register_source(src) -> bool:
    """Whether a cell's source is a public register (``companies_house:2026-11-01``, ``charity_
    commission:...``, or a postcode's ``registered office`` / ``charity contact address``)."""
    if src is None or not isinstance(src, str):
        return False
    s = src.strip().lower()
    return s in REGISTER_POSTCODE_SOURCES or any(s.startswith(r + ":") for r in REGISTERS)


def object_column(values, index, func=None) -> pd.Series:
    """An object column built from Python values (None stays None: no NaN creeps in)."""
    return pd.Series([func(x) if func else x for x in values], index=index, dtype=object)


def cell_text(v) -> str | None:
    """A cell as clean text (:func:`anchorlib.core.normalise.clean_text`); None when empty."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    t = clean_text(v)
    return t if t else None


def split_cell(v) -> list[str]:
    """The parts of a ``|``-separated cell (name variants, match keys)."""
    t = cell_text(v)
    return [p.strip() for p in t.split("|")] if t else []


def split_numbers(v) -> list[str]:
    """The numbers of a ``;``- or ``|``-separated cell (company and charity numbers)."""
    t = cell_text(v)
    return [p.strip() for p in re.split(r"[;|]", t) if p.strip()] if t else []


def postcode_format(values: pd.Series) -> pd.DataFrame:
    """Postcode format check (no lookups): ``pcds`` (the formatted postcode) and ``valid``."""
    return normalise_postcodes(values)[["pcds", "valid"]]
