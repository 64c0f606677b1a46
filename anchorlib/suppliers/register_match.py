"""Matching suppliers to the public registers: by number, then by a name only one active
organisation has; never fuzzy.  Used by :mod:`anchorlib.suppliers.enrich` (its docstring gives the
rules); this module finds the register rows, the enrich module fills the columns.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from anchorlib.core.normalise import charity_number, company_number
from anchorlib.ledgers.parse import normalise_supplier_name
from anchorlib.suppliers.registers import RegisterData
from anchorlib.suppliers.schema import split_cell, split_numbers

__all__ = ["REVIEW_COLUMNS", "match_suppliers", "postcode_district"]

#: Candidates offered for review (never accepted by the build).
REVIEW_COLUMNS = [
    "supplier_id",
    "canonical_name",
    "postcode",
    "candidate_register",
    "candidate_number",
    "candidate_name",
    "candidate_postcode",
    "reason",
]
#: Suppliers never matched by name alone: individuals (a person is not their company) and public
#: bodies (typed from their names, or by a person).
NO_NAME_MATCH = ("individual_sole_trader", "public_body", "redacted")
_DISTRICT = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*[0-9][A-Z]{2}$")


def postcode_district(pc_text) -> str | None:
    """The outward code of a postcode (``'BB5 1AB'`` -> ``'BB5'``); None when it is not one."""
    if pc_text is None or not isinstance(pc_text, str):
        return None
    m = _DISTRICT.match(pc_text.strip().upper())
    return m.group(1) if m else None


def _records(table) -> dict[str, dict]:
    return {r["number"]: r for r in table.to_pylist()}


def _is_true(v) -> bool:
    return str(v).strip().lower() in ("true", "1", "yes")


def _active_company(row: dict) -> bool:
    return str(row.get("status") or "").strip().lower().startswith("active")


def _main_charity(row: dict) -> bool:
    return str(row.get("linked") or "0").strip() in ("0", "")


def _registered_charity(row: dict) -> bool:
    return str(row.get("status") or "").strip().lower() == "registered" and not _is_true(
        row.get("cio_is_dissolved")
    )


def _charities_by_company(cc: RegisterData, numbers: set[str]) -> dict[str, dict]:
    if cc is None or not numbers:
        return {}
    t = pq.read_table(
        cc.orgs_path,
        filters=pc.field("company_number").isin(pa.array(sorted(numbers), pa.string())),
    )
    out = {}
    for r in t.to_pylist():
        if _main_charity(r) and (r["company_number"] not in out or _registered_charity(r)):
            out[r["company_number"]] = r
    return out


class _Lookup:
    """The register rows the suppliers can reach: by number, by name key, and across registers."""

    def __init__(self, sup: list[dict], ch: RegisterData | None, cc: RegisterData | None):
        self.ch_src, self.cc_src = ch, cc
        keys = {k for s in sup for k in s["keys"]}
        cnums = {n for s in sup for n in s["cnums"]}
        hnums = {n for s in sup for n in s["hnums"]}
        self.ch_names: dict[str, list[dict]] = {}
        self.cc_names: dict[str, list[dict]] = {}
        self.ch: dict[str, dict] = {}
        self.cc: dict[str, dict] = {}
        if ch is not None:
            for r in ch.names(keys).to_pylist():
                if normalise_supplier_name(r["name"]) == r["key"]:  # exact, accents folded
                    self.ch_names.setdefault(r["key"], []).append(r)
            cnums |= {r["number"] for rs in self.ch_names.values() for r in rs}
        if cc is not None:
            t = cc.names(keys)
            for r in t.to_pylist():
                if _main_charity(r) and normalise_supplier_name(r["name"]) == r["key"]:
                    self.cc_names.setdefault(r["key"], []).append(r)
            hnums |= {r["number"] for rs in self.cc_names.values() for r in rs}
            self.cc = {
                r["number"]: r for r in cc.orgs(numbers=hnums).to_pylist() if _main_charity(r)
            }
            cnums |= {r["company_number"] for r in self.cc.values() if r["company_number"]}
        if ch is not None:
            self.ch = _records(ch.orgs(numbers=cnums))
        self.cc_by_company = _charities_by_company(cc, set(self.ch))

    def entity(self, register: str, row: dict) -> str:
        """One id per organisation: a charitable company in both registers is its company."""
        if register == "companies_house":
            return row["number"]
        return row.get("company_number") or f"charity {row['number']}"

    def name_candidates(self, keys: list[str]) -> dict[str, tuple]:
        """Active organisations having one of ``keys`` as a current or previous name:
        entity -> (register, row, how)."""
        out: dict[str, tuple] = {}
        for k in keys:
            for r in self.ch_names.get(k, []):
                org = self.ch.get(r["number"])
                if org is None or not _active_company(org):
                    continue
                how = (
                    "name"
                    if r["renamed"] is None
                    else f"previous name {r['name']!r} (changed {r['renamed']})"
                )
                out.setdefault(self.entity("companies_house", org), ("companies_house", org, how))
            for r in self.cc_names.get(k, []):
                if not _registered_charity(r):
                    continue
                ent = self.entity("charity_commission", r)
                out.setdefault(ent, ("charity_commission", r, "name"))
        return out


def _suppliers(reg: pd.DataFrame) -> list[dict]:
    red = reg["is_redacted"].astype(str).str.strip().str.lower().isin(["true", "1"])
    out = []
    for r in reg[~red].to_dict("records"):
        out.append(
            {
                "sid": r["supplier_id"],
                "name": r.get("canonical_name"),
                "postcode": r.get("postcode"),
                "cnums": [
                    x for x in map(company_number, split_numbers(r.get("company_number"))) if x
                ],
                "hnums": [
                    x for x in map(charity_number, split_numbers(r.get("charity_number"))) if x
                ],
                "keys": sorted(set(split_cell(r.get("match_keys"))) - {""}),
                "org_type": r.get("org_type"),
            }
        )
    return out


def match_suppliers(
    reg: pd.DataFrame, ch: RegisterData | None, cc: RegisterData | None
) -> tuple[dict[str, dict], pd.DataFrame]:
    """``({supplier_id: match}, review)``: each matched supplier's Companies House row (``ch``) and
    charity row (``cc``), method, number, source and detail; and the candidates for review."""
    sup = _suppliers(reg)
    look = _Lookup(sup, ch, cc)
    matched: dict[str, dict] = {}
    review: list[dict] = []
    for s in sup:
        m = _match_one(s, look, review)
        if m is not None:
            matched[s["sid"]] = m
    return matched, pd.DataFrame(review, columns=REVIEW_COLUMNS)


def _by_number(s: dict, look: _Lookup, review: list[dict]) -> tuple | None | bool:
    """(ch row, cc row, method, detail), or False when numbers were given but none is found."""
    given = False
    if look.ch_src is not None and s["cnums"]:
        given = True
        for n in s["cnums"]:
            if n in look.ch:
                return look.ch[n], None, "company_number", f"company number {n}"
    if look.cc_src is not None and s["hnums"]:
        given = True
        for n in s["hnums"]:
            if n in look.cc:
                return None, look.cc[n], "charity_number", f"charity number {n}"
    if given:
        nums = ", ".join(s["cnums"] + s["hnums"])
        review.append(
            _review_row(s, None, None, f"number {nums} not found in the register(s) read")
        )
        return False
    return None


def _match_one(s: dict, look: _Lookup, review: list[dict]) -> dict | None:
    found = _by_number(s, look, review)
    if found is False:
        return None  # a number that is not in the register: a name must not overrule it
    if found is None:
        cands = look.name_candidates(s["keys"])
        if not cands:
            return None
        if s["org_type"] in NO_NAME_MATCH:
            # 'Mr J Smith' is not 'MR J SMITH LIMITED' just because the words agree; nor is a
            # council a company of its name: a person decides (a number would settle it)
            _offer(s, cands, review, f"the supplier is typed {s['org_type']}")
            return None
        if len(cands) > 1:
            _offer(s, cands, review)
            return None
        register, row, how = next(iter(cands.values()))
        ch_row = row if register == "companies_house" else None
        cc_row = row if register == "charity_commission" else None
        method = "name_unique" if how == "name" else "previous_name"
        found = (ch_row, cc_row, method, f"{how} {row['name']!r}, the only active one")
    ch_row, cc_row, method, detail = found
    if ch_row is None and cc_row is not None and cc_row.get("company_number"):
        ch_row = look.ch.get(cc_row["company_number"])
    if cc_row is None and ch_row is not None:
        cc_row = look.cc_by_company.get(ch_row["number"])
    numbers = [r["number"] for r in (ch_row, cc_row) if r is not None]
    sources = [
        src.source for src, r in ((look.ch_src, ch_row), (look.cc_src, cc_row)) if r is not None
    ]
    return {
        "ch": ch_row,
        "cc": cc_row,
        "register_match_method": method,
        "register_matched_number": "; ".join(numbers),
        "register_match_source": " + ".join(sources),
        "register_match_detail": detail,
        "register_name": (ch_row or cc_row)["name"],
    }


def _review_row(s: dict, register, row, reason) -> dict:
    return {
        "supplier_id": s["sid"],
        "canonical_name": s["name"],
        "postcode": s["postcode"],
        "candidate_register": register,
        "candidate_number": None if row is None else row["number"],
        "candidate_name": None if row is None else row["name"],
        "candidate_postcode": None if row is None else row.get("postcode"),
        "reason": reason,
    }


def _offer(s: dict, cands: dict[str, tuple], review: list[dict], why: str | None = None) -> None:
    """A name shared by several active organisations (or ``why`` a unique one is not taken): the
    one in the supplier's postcode district, if exactly one is, is offered for review; otherwise
    the reason is recorded."""
    if why is not None and len(cands) == 1:
        register, row, how = next(iter(cands.values()))
        review.append(_review_row(s, register, row, f"{how} matches, but {why}: not accepted"))
        return
    district = postcode_district(s["postcode"])
    near = [
        c
        for c in cands.values()
        if district and postcode_district(c[1].get("postcode")) == district
    ]
    if len(near) == 1:
        register, row, how = near[0]
        review.append(
            _review_row(
                s,
                register,
                row,
                f"{how} shared by {len(cands)} active organisations; this one's postcode district "
                f"{district} matches the supplier's: for a person to confirm (not accepted)",
            )
        )
        return
    review.append(
        _review_row(s, None, None, f"name shared by {len(cands)} active organisations: not matched")
    )
