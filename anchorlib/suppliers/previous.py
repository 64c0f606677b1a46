"""Rebuilding the supplier register from the one people left: their edits are kept.

:func:`prepare_previous` reads the last register (and :func:`prepare_previous_matches` its
match audit), :func:`person_merges` the ``merge_into`` people set, :func:`prior_ids` finds each
name variant's earlier supplier, and :func:`apply_previous` keeps every human edit, carries the
suppliers the ledger no longer has and folds merged rows into their targets
(docs/supplier_register.md).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from anchorlib.core.normalise import charity_number, company_number
from anchorlib.ledgers.parse import REDACTED_KEY
from anchorlib.suppliers.match import display_name
from anchorlib.suppliers.orgtype import ORG_TYPES, UNKNOWN, infer_org_type, infer_org_type_many
from anchorlib.suppliers.schema import (
    EDITABLE,
    KEPT_SOURCES,
    MACHINE_SOURCES,
    SEP,
    Register,
    SupplierRegisterError,
    cell_text,
    is_register_source,
    object_column,
    postcode_format,
    split_cell,
    split_numbers,
)

_PREV_TEXT = (
    [
        "supplier_id",
        "match_keys",
        "name_variants",
        "company_number",
        "charity_number",
        "is_redacted",
        "org_type_evidence",
        "anchors",
    ]
    + EDITABLE
    + [f"{f}_source" for f in EDITABLE]
)


def prepare_previous(previous) -> pd.DataFrame | None:
    """The previous register (a frame or a :class:`Register`), its cells normalised, by supplier
    id."""
    if previous is None:
        return None
    if isinstance(previous, Register):
        previous = previous.register
    if "supplier_id" not in previous.columns:
        raise SupplierRegisterError(
            "the previous register has no supplier_id column: is it a supplier register?"
        )
    p = previous.copy()
    for c in _PREV_TEXT:
        p[c] = object_column(p[c], p.index, cell_text) if c in p.columns else None
    p = p[p["supplier_id"].notna()].copy()
    p["supplier_id"] = p["supplier_id"].str.strip()
    dup = p["supplier_id"][p["supplier_id"].duplicated()]
    if len(dup):
        raise SupplierRegisterError(
            f"the previous register repeats supplier_id {', '.join(sorted(set(dup))[:5])}: "
            "each supplier must have one row"
        )
    p["company_number"] = object_column(
        p["company_number"],
        p.index,
        lambda v: "; ".join(filter(None, map(company_number, split_numbers(v)))) or None,
    )
    p["charity_number"] = object_column(
        p["charity_number"],
        p.index,
        lambda v: "; ".join(filter(None, map(charity_number, split_numbers(v)))) or None,
    )
    red = p["is_redacted"].fillna("").str.lower().isin(["true", "1", "yes"])
    red |= object_column(p["match_keys"], p.index, lambda v: REDACTED_KEY in split_cell(v)).astype(
        bool
    )
    p["is_redacted"] = red
    return p.set_index("supplier_id", drop=False)


def prepare_previous_matches(matches: pd.DataFrame | None) -> pd.DataFrame | None:
    """The previous match audit, its cells normalised; None when there is none."""
    if matches is None or len(matches) == 0 or "supplier_name" not in matches.columns:
        return None
    m = matches.copy()
    for c in (
        "supplier_id",
        "supplier_name",
        "method",
        "matched_to",
        "detail",
        "supplier_key",
        "anchors",
    ):
        m[c] = object_column(m[c], m.index, cell_text) if c in m.columns else None
    m["company_number"] = (
        object_column(m["company_number"], m.index, company_number)
        if "company_number" in m
        else None
    )
    m["charity_number"] = (
        object_column(m["charity_number"], m.index, charity_number)
        if "charity_number" in m
        else None
    )
    m["score"] = pd.to_numeric(m["score"], errors="coerce") if "score" in m else np.nan
    return m[m["supplier_name"].notna() & m["supplier_id"].notna()]


def person_merges(prev: pd.DataFrame, warnings: list[str]) -> dict[str, str]:
    """merge_into as set by people: each source id -> its final target id (chains followed, cycles
    refused)."""
    raw = {
        sid: t.strip()
        for sid, t in prev["merge_into"].items()
        if t and t.strip() and t.strip() != sid
    }
    out = {}
    for sid, target in raw.items():
        seen = [sid]
        t = target
        while t in raw and t not in seen:
            seen.append(t)
            t = raw[t]
        if t in seen:
            warnings.append(
                f"merge_into of {sid} goes round in a circle ({' -> '.join(seen + [t])}): "
                "not merged"
            )
            continue
        if t not in prev.index:
            warnings.append(
                f"merge_into of {sid} names {target!r}, which is not a supplier_id of the "
                "register: not merged"
            )
            continue
        if bool(prev.at[sid, "is_redacted"]) != bool(prev.at[t, "is_redacted"]):
            warnings.append(
                f"merge_into of {sid} -> {t}: redacted payees are never merged with a named "
                "supplier"
            )
            continue
        out[sid] = t
    return out


def prior_ids(
    v: pd.DataFrame, prev: pd.DataFrame | None, prev_matches: pd.DataFrame | None
) -> pd.Series:
    """The previous register's supplier of each variant: by the previous audit, then company /
    charity
    number, then supplier key (only when the key belongs to one previous supplier)."""
    prior = pd.Series([None] * len(v), index=v.index, dtype=object)
    if prev is None:
        return prior
    ids = set(prev.index)
    if prev_matches is not None:
        lookup = {}
        for r in prev_matches.itertuples(index=False):
            if r.supplier_id in ids:
                lookup[(r.supplier_name, r.company_number or "", r.charity_number or "")] = (
                    r.supplier_id
                )
        prior = pd.Series(
            [
                lookup.get((n, c or "", h or ""))
                for n, c, h in zip(v["supplier_name"], v["company_number"], v["charity_number"])
            ],
            index=v.index,
            dtype=object,
        )

    def unique_map(col, split):
        owners: dict[str, set] = {}
        for sid, val in prev[col].items():
            for x in split(val):
                owners.setdefault(x, set()).add(sid)
        return {k: next(iter(s)) for k, s in owners.items() if len(s) == 1}

    by_company = unique_map("company_number", split_numbers)
    by_charity = unique_map("charity_number", split_numbers)
    by_key = unique_map("match_keys", split_cell)
    for i in v.index[prior.isna()]:
        c, h = v.at[i, "company_number"], v.at[i, "charity_number"]
        if c and c in by_company:
            prior[i] = by_company[c]
        elif h and h in by_charity:
            prior[i] = by_charity[h]
        elif not c and not h and v.at[i, "supplier_key"] in by_key:
            prior[i] = by_key[v.at[i, "supplier_key"]]
        elif v.at[i, "supplier_key"] in by_key:
            # numbered now, and the previous supplier of that key had no number or this one
            sid = by_key[v.at[i, "supplier_key"]]
            nums = split_numbers(prev.at[sid, "company_number"])
            if not nums or (c and c in nums):
                prior[i] = sid
    return prior


def keep_edit(prev_val, prev_src, new_val, new_src, machine_made: bool) -> tuple:
    """Which value a rebuilt row keeps: a person's edit always; the build's value where nobody
    changed it.

    ``machine_made``: whether ``prev_val`` is what a build produces (from the previous row's own
    names
    and numbers, or from this ledger), so that a value set by the build is never mistaken for an
    edit.
    """
    if prev_val is None:
        return new_val, (new_src if new_val is not None else None)
    src = (prev_src or "").strip().lower()
    if src == "simulated" and new_val is not None and new_src == "ledger":
        return new_val, new_src  # a real published value always beats a simulated one
    if src in KEPT_SOURCES:
        return prev_val, src
    if is_register_source(src):
        if new_val is not None and new_src == "ledger":
            return new_val, new_src  # a payer's published address beats a registered office
        return prev_val, prev_src  # the registers own it until `anchor suppliers enrich` runs again
    if src in MACHINE_SOURCES and machine_made:
        return (new_val, new_src) if new_val is not None else (prev_val, src)
    # typed into an empty cell, given a source of the person's own, or changed with the source left
    # as it was
    return prev_val, "human"


def _normalise_org_type(v: str | None) -> str | None:
    if v is None:
        return None
    t = re.sub(r"[\s\-/]+", "_", v.strip().lower())
    aliases = {
        "public": "public_body",
        "cic": "cic_social_enterprise",
        "social_enterprise": "cic_social_enterprise",
        "cooperative": "cooperative_mutual",
        "co_operative": "cooperative_mutual",
        "mutual": "cooperative_mutual",
        "individual": "individual_sole_trader",
        "sole_trader": "individual_sole_trader",
    }
    return aliases.get(t, t)


def _previous_inference(p: dict) -> str:
    """The organisation type a build infers from a previous row's own names and numbers."""
    if p.get("is_redacted"):
        return "redacted"
    return infer_org_type_many(
        split_cell(p["name_variants"]),
        split_numbers(p["company_number"]),
        split_numbers(p["charity_number"]),
    )[0]


def _evidence_type(evidence) -> str | None:
    """The type a build's ``org_type_evidence`` names (None: not a build's evidence).

    A value the build set under earlier rules is then still recognised as the build's after the
    rules change (its evidence, e.g. ``'MUTUAL' in name``, still names the type it was given),
    so it is updated rather than mistaken for a person's edit.
    """
    ev = "" if evidence is None else str(evidence).strip()
    fixed = {
        "charity number": "charity",
        "company number": "company",
        "redacted": "redacted",
        "title ": "individual_sole_trader",
    }
    for start, org_type in fixed.items():
        if ev.startswith(start):
            return org_type
    m = re.match(r"'(.+?)' in name", ev)
    if not m:
        return None
    for words in (m.group(1), m.group(1) + " X"):  # 'HM' needs a word after it
        t = infer_org_type(words)[0]
        if t != UNKNOWN:
            return t
    return None


def _union(a, b, split=None, sep=SEP) -> str | None:
    split = split or split_cell
    return sep.join(dict.fromkeys(split(a) + split(b))) or None


def apply_previous(
    reg: pd.DataFrame,
    prev: pd.DataFrame | None,
    merge_map: dict,
    published: dict[str, set],
    warnings: list[str],
) -> pd.DataFrame:
    """Keep people's edits, carry suppliers the ledger no longer has, fold merged rows into their
    targets.

    Works on plain dicts (one per row): tens of thousands of cell updates through pandas are slow.
    """
    if prev is None:
        return reg
    columns = list(reg.columns)
    rows = {r["supplier_id"]: r for r in reg.to_dict("records")}
    old = {sid: dict(r) for sid, r in zip(prev.index, prev.to_dict("records"))}
    _carry_old_rows(rows, old, columns, merge_map)
    _fold_merges(rows, old, merge_map)
    # people's edits
    typed = pd.Series(sorted({p["postcode"] for p in old.values() if p["postcode"]}), dtype=object)
    norm = postcode_format(typed) if len(typed) else pd.DataFrame({"pcds": [], "valid": []})
    typed_postcodes = {t: pc for t, pc, ok in zip(typed, norm["pcds"], norm["valid"]) if ok}
    for sid in [x for x in rows if x in old]:
        _keep_row_edits(rows[sid], old[sid], merge_map, typed_postcodes, published, warnings)
    out = pd.DataFrame(list(rows.values()), columns=columns)
    for c in ("first_payment", "last_payment"):
        out[c] = pd.to_datetime(out[c])
    return out


def _carry_old_rows(rows: dict, old: dict, columns: list[str], merge_map: dict) -> None:
    """Rows of the previous register that are not in this ledger are kept, with no spend."""
    spend_cols = [c for c in columns if c.startswith("spend_") and c != "spend_pence"]
    for sid, p in old.items():
        if sid in rows or sid in merge_map:
            continue
        row = {c: None for c in columns}
        row.update(
            {
                "supplier_id": sid,
                "canonical_name": p["canonical_name"],
                "company_number": p["company_number"],
                "charity_number": p["charity_number"],
                "org_type": p["org_type"],
                "org_type_evidence": p["org_type_evidence"],
                "name_variants": p["name_variants"],
                "match_keys": p["match_keys"],
                "is_redacted": bool(p["is_redacted"]),
                "in_ledger": False,
                "payments": 0,
                "refunds": 0,
                "spend_pence": 0,
                "n_anchors": 0,
                "anchors": "",
                "n_variants": len(split_cell(p["name_variants"])),
                "match_methods": "",
                "min_match_score": np.nan,
                "first_payment": pd.NaT,
                "last_payment": pd.NaT,
            }
        )
        for f in EDITABLE:
            row[f], row[f"{f}_source"] = p[f], p[f"{f}_source"]
        for c in spend_cols:
            row[c] = 0.0
        rows[sid] = row


def _fold_merges(rows: dict, old: dict, merge_map: dict) -> None:
    """Each merged-away row hands its names, keys and numbers (and edits where the target has
    none) to its target."""
    for src, dst in merge_map.items():
        if dst not in rows:
            continue
        s, d = old[src], rows[dst]
        d["name_variants"] = _union(d["name_variants"], s["name_variants"])
        d["match_keys"] = _union(d["match_keys"], s["match_keys"])
        for col in ("company_number", "charity_number"):
            d[col] = _union(d[col], s[col], split_numbers, "; ")
        t = old.get(dst)
        if t is not None:
            for f in EDITABLE:
                if (
                    f != "merge_into"
                    and t[f] is None
                    and s[f] is not None
                    and (s[f"{f}_source"] or "human") not in MACHINE_SOURCES
                ):
                    t[f], t[f"{f}_source"] = s[f], s[f"{f}_source"] or "human"


def _keep_row_edits(
    r: dict,
    p: dict,
    merge_map: dict,
    typed_postcodes: dict,
    published: dict[str, set],
    warnings: list[str],
) -> None:
    """Keep people's edits of one previous row ``p`` in its rebuilt row ``r``."""
    sid = r["supplier_id"]
    variants = {x for n in split_cell(r["name_variants"]) for x in (n, display_name(n))}
    if r["in_ledger"]:
        r["name_variants"] = _union(r["name_variants"], p["name_variants"])
        r["match_keys"] = SEP.join(
            sorted(set(split_cell(r["match_keys"]) + split_cell(p["match_keys"])))
        )
        for col in ("company_number", "charity_number"):
            r[col] = _union(r[col], p[col], split_numbers, "; ")
    for f in EDITABLE:
        prev_val = _normalise_org_type(p[f]) if f == "org_type" else p[f]
        if f == "merge_into" and prev_val is not None and sid not in merge_map:
            r[f], r[f"{f}_source"] = (
                prev_val,
                "human",
            )  # not honoured (warned): left for a person to correct
            continue
        if f == "canonical_name":
            machine_made = prev_val in variants
            if machine_made and (p[f"{f}_source"] or "").strip().lower() in MACHINE_SOURCES:
                r[f], r[f"{f}_source"] = prev_val, "inferred"  # the name people know stays
                continue
        elif f == "org_type":
            machine_made = prev_val in (r[f], UNKNOWN, _previous_inference(p)) or (
                prev_val == _evidence_type(p.get("org_type_evidence"))
            )
        elif f == "postcode":
            prev_pcds = typed_postcodes.get(prev_val, prev_val)
            machine_made = prev_pcds == r[f] or prev_pcds in published.get(sid, ())
        else:
            machine_made = False  # the build never fills these
        r[f], r[f"{f}_source"] = keep_edit(
            prev_val, p[f"{f}_source"], r[f], r[f"{f}_source"], machine_made
        )
    if r["org_type_source"] in ("human", "simulated") and r["org_type"] is not None:
        r["org_type_evidence"] = f"set by {r['org_type_source']}"
        if r["org_type"] not in ORG_TYPES:
            warnings.append(
                f"org_type {r['org_type']!r} of {sid} is not one of {', '.join(ORG_TYPES)}: "
                "kept as typed"
            )
    if r["canonical_name"] is None:  # cleared by a person: the build names it again
        r["canonical_name"] = (split_cell(r["name_variants"]) or [""])[0]
        r["canonical_name_source"] = "inferred"
