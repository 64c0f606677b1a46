"""Who the suppliers are: the supplier register enriched from Companies House and the Charity
Commission.

``enrich_register(register, companies=..., charities=...)`` matches each supplier to the public
registers (:mod:`anchorlib.suppliers.registers` reads them) and fills the register's columns
(:data:`anchorlib.suppliers.schema.REGISTER_FIELDS`, plus ``org_type``, ``postcode``,
``sic_section`` and ``size_band`` where nobody set them).  Matching, in order
(:mod:`anchorlib.suppliers.register_match`):

1. by company number or charity number, where the ledger or a person gave one (normalised by
   :mod:`anchorlib.core.normalise`: zero padding, ``SC``/``NI``/``OC`` prefixes kept);
2. by exact normalised name (the supplier key of :func:`anchorlib.ledgers.parse.
   normalise_supplier_name`), only where one active organisation has it, counting previous names
   (with the rename date); a charitable company found in both registers is one organisation;
3. never fuzzy.  Where a name is shared by several active organisations and one of them has its
   registered office in the supplier's postcode district, that one is offered for review, not
   accepted.

Every filled cell keeps its source (``companies_house:2026-11-01``); a value a person typed is never
overwritten: a cell whose source is ``human``, or whose value differs from what the last enrich
wrote (the audit ``suppliers_registers.csv``), is kept and marked ``human``.  A re-run after a new
download updates only the cells the registers own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from anchorlib.suppliers.register_fields import FIELD_SOURCE, derive_fields
from anchorlib.suppliers.register_match import match_suppliers
from anchorlib.suppliers.registers import RegisterData
from anchorlib.suppliers.schema import (
    REGISTER_FIELDS,
    REGISTER_FILLED_EDITABLE,
    REGISTER_MATCH_COLUMNS,
    is_register_source,
)

__all__ = ["AUDIT_COLUMNS", "Enrichment", "enrich_register"]

#: Columns of the enrichment audit (one row per matched supplier, what the registers gave).
AUDIT_COLUMNS = (
    ["supplier_id", "canonical_name"]
    + REGISTER_MATCH_COLUMNS
    + ["register_name"]
    + REGISTER_FIELDS
    + REGISTER_FILLED_EDITABLE
)
_WRITTEN = REGISTER_FIELDS + REGISTER_FILLED_EDITABLE


@dataclass
class Enrichment:
    """The enriched register, the audit of what each register gave, the candidates offered for
    review (not accepted), the registers read, and counts."""

    register: pd.DataFrame
    audit: pd.DataFrame
    review: pd.DataFrame
    registers: list[dict]
    counts: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        c = self.counts
        lines = [
            ", ".join(
                f"{r['register']} {r['date']}" + (" (simulated)" if r["simulated"] else "")
                for r in self.registers
            ),
            f"suppliers matched: {c.get('matched', 0):,} of {c.get('named', 0):,} named "
            f"({', '.join(f'{k} {v:,}' for k, v in c.get('by_method', {}).items()) or 'none'})",
            f"cells kept as people set them: {c.get('kept_human', 0):,}",
            f"candidates for review (not accepted): {len(self.review):,}",
        ]
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


def enrich_register(
    register: pd.DataFrame,
    companies: RegisterData | None = None,
    charities: RegisterData | None = None,
    *,
    previous_audit: pd.DataFrame | None = None,
) -> Enrichment:
    """Fill the register's register-owned columns from Companies House and/or the Charity
    Commission (see the module docstring).  ``previous_audit``: the last enrich's audit, so a value
    a person changed since is recognised and kept.  Returns an :class:`Enrichment`; the input frame
    is not changed."""
    if companies is None and charities is None:
        raise ValueError("give the Companies House register, the charity register, or both")
    reg = register.copy()
    for c in REGISTER_FIELDS + REGISTER_MATCH_COLUMNS + [f"{f}_source" for f in REGISTER_FIELDS]:
        if c not in reg.columns:
            reg[c] = None
    warnings: list[str] = []
    for r in (companies, charities):
        if r is not None:
            warnings.extend(r.warnings)
    matched, review = match_suppliers(reg, companies, charities)
    derived = derive_fields(matched, companies, charities)
    last = _last_written(previous_audit)
    kept = 0
    rows = reg.to_dict("records")
    for r in rows:
        d = derived.get(r["supplier_id"])
        kept += _fill_row(r, d, last.get(r["supplier_id"], {}))
    out = pd.DataFrame(rows, columns=list(reg.columns))
    audit = _audit(out, derived)
    named = ~out["is_redacted"].astype(str).str.lower().isin(["true", "1"])
    by_method = audit["register_match_method"].value_counts().to_dict() if len(audit) else {}
    counts = {
        "named": int(named.sum()),
        "matched": len(audit),
        "by_method": {str(k): int(v) for k, v in by_method.items()},
        "kept_human": kept,
    }
    regs = [
        {
            "register": r.register,
            "date": r.date,
            "source": r.source,
            "simulated": r.simulated,
            "rows": r.rows,
            "files": r.files,
        }
        for r in (companies, charities)
        if r is not None
    ]
    return Enrichment(out, audit, review, regs, counts, warnings)


def _last_written(audit: pd.DataFrame | None) -> dict[str, dict]:
    if audit is None or audit.empty or "supplier_id" not in audit.columns:
        return {}
    cols = [c for c in _WRITTEN if c in audit.columns]
    return {
        r["supplier_id"]: {c: _text(r[c]) for c in cols}
        for r in audit[["supplier_id"] + cols].to_dict("records")
    }


def _text(v) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    t = str(v).strip()
    return t or None


def _fill_row(r: dict, d: dict | None, last: dict) -> int:
    """Fill one register row from its derived values ``d`` (None: not matched). Returns how many
    cells were kept because a person set them."""
    kept = 0
    for c in REGISTER_MATCH_COLUMNS:
        r[c] = d.get(c) if d else None
    for f in _WRITTEN:
        src_col = f"{f}_source"
        cur, src = _text(r.get(f)), _text(r.get(src_col))
        new = d.get(f) if d else None
        new_src = d.get(FIELD_SOURCE[f]) if d else None
        if src is not None and src.lower() == "human":
            kept += cur is not None and new is not None and cur != new
            continue
        if is_register_source(src):
            if f in last and cur != last[f] and cur is not None:
                r[src_col] = "human"  # changed by a person since the last enrich: theirs now
                kept += 1
                continue
        elif cur is not None and src is None:
            r[src_col] = "human"  # typed into the file with no source: a person's
            kept += 1
            continue
        elif f == "postcode" and src == "ledger":
            continue  # a branch or delivery address published by the payer wins
        elif f in REGISTER_FILLED_EDITABLE and src not in (None, "inferred", "simulated"):
            continue
        if new is None:
            if is_register_source(src):  # the register no longer says it: the cell is cleared
                r[f], r[src_col] = None, None
            continue
        r[f], r[src_col] = new, new_src
        if f == "org_type":
            r["org_type_evidence"] = d.get("org_type_evidence")
    return kept


def _audit(reg: pd.DataFrame, derived: dict) -> pd.DataFrame:
    rows = []
    names = dict(zip(reg["supplier_id"], reg["canonical_name"]))
    for sid, d in derived.items():
        row = {"supplier_id": sid, "canonical_name": names.get(sid)}
        row.update({c: d.get(c) for c in AUDIT_COLUMNS if c not in row})
        rows.append(row)
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)
