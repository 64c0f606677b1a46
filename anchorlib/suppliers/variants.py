"""The ledger side of the supplier register: name variants and one row per supplier.

:func:`prepare_ledger` takes the columns the register uses from a canonical ledger
(docs/ledger_schema.md), with company and charity numbers normalised as everywhere
(:mod:`anchorlib.core.normalise`); :func:`ledger_variants` gives one row per published
(name, company number, charity number); :func:`supplier_rows` sums the clustered variants
into one row per supplier with what the build infers (:mod:`anchorlib.suppliers.register`
builds the register from them).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from anchorlib.core.normalise import charity_number, company_number, is_blank
from anchorlib.ledgers.parse import REDACTED_KEY, is_redacted, normalise_supplier_name
from anchorlib.suppliers.match import display_name, match_key
from anchorlib.suppliers.orgtype import infer_org_type_many
from anchorlib.suppliers.schema import SEP, SupplierRegisterError, cell_text, postcode_format


def _casing_rank(name: str) -> int:
    """Mixed case reads best, then upper case, then lower case."""
    if name.islower():
        return 2
    if name.isupper():
        return 1
    return 0


_OPTIONAL = {
    "company_number": None,
    "charity_number": None,
    "supplier_postcode": None,
    "is_duplicate": False,
    "payment_date": pd.NaT,
}


def _map_unique(col: pd.Series, func) -> pd.Series:
    """``col.map(func)`` computed once per distinct value (ledgers repeat names many times)."""
    uniq = col.dropna().unique()
    table = {x: func(x) for x in uniq}
    return pd.Series(
        [
            table.get(x) if not (x is None or (not isinstance(x, str) and pd.isna(x))) else func(x)
            for x in col
        ],
        index=col.index,
        dtype=object,
    )


def prepare_ledger(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger columns the register uses, typed, with names and numbers normalised."""
    missing = [c for c in ("anchor_id", "supplier_name", "amount_pence") if c not in ledger.columns]
    if missing:
        raise SupplierRegisterError(
            f"the ledger has no column(s) {', '.join(missing)}: a register is built from the "
            "canonical ledger (anchor ledger read ... writes ledger.parquet; see "
            "docs/ledger_schema.md)"
        )
    cols = ["anchor_id", "supplier_name", "amount_pence"] + [
        c for c in ("supplier_key", "is_redacted", *_OPTIONAL) if c in ledger.columns
    ]
    led = ledger[cols].copy()
    for c, default in _OPTIONAL.items():
        if c not in led.columns:
            led[c] = default
    led["supplier_name"] = _map_unique(led["supplier_name"], cell_text)
    led = led[led["supplier_name"].notna()].copy()
    if "supplier_key" not in led.columns or led["supplier_key"].isna().any():
        led["supplier_key"] = _map_unique(led["supplier_name"], normalise_supplier_name)
    red = led["supplier_key"].eq(REDACTED_KEY)
    if "is_redacted" in led.columns:
        red |= led["is_redacted"].fillna(False).astype(bool)
    else:
        red |= _map_unique(led["supplier_name"], is_redacted).astype(bool)
    led["is_redacted"] = red
    led["company_number"] = _map_unique(led["company_number"], company_number)
    led["charity_number"] = _map_unique(led["charity_number"], charity_number)
    led.loc[red, ["company_number", "charity_number"]] = None  # a redacted payee has no identity
    led["is_duplicate"] = led["is_duplicate"].fillna(False).astype(bool)
    led["amount_pence"] = led["amount_pence"].astype("int64")
    led["anchor_id"] = led["anchor_id"].astype(str)
    led["payment_date"] = pd.to_datetime(led["payment_date"], errors="coerce")
    return led


def ledger_variants(led: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """One row per (published name, company number, charity number); each ledger row's variant
    number."""
    keys = led[["supplier_name", "company_number", "charity_number"]].fillna("")
    vid = keys.groupby(["supplier_name", "company_number", "charity_number"], sort=True).ngroup()
    led = led.assign(_v=vid.to_numpy())
    nd = led[~led["is_duplicate"]]
    g = led.groupby("_v", sort=True)
    v = pd.DataFrame(
        {
            "supplier_name": g["supplier_name"].first(),
            "company_number": g["company_number"].first(),
            "charity_number": g["charity_number"].first(),
            "supplier_key": g["supplier_key"].first(),
            "is_redacted": g["is_redacted"].any(),
        }
    )
    gn = nd.groupby("_v")
    v["payments"] = gn.size().reindex(v.index, fill_value=0)
    v["refunds"] = (
        (nd["amount_pence"] < 0).groupby(nd["_v"]).sum().reindex(v.index, fill_value=0).astype(int)
    )
    v["spend_pence"] = gn["amount_pence"].sum().reindex(v.index, fill_value=0).astype("int64")
    pairs = nd[["_v", "anchor_id"]].drop_duplicates().sort_values(["_v", "anchor_id"])
    anchors_of: dict[int, list[str]] = {}
    for vi, a in zip(pairs["_v"].tolist(), pairs["anchor_id"].tolist()):
        anchors_of.setdefault(vi, []).append(a)
    v["anchors"] = [anchors_of.get(i, []) for i in v.index]
    v["first_payment"] = gn["payment_date"].min().reindex(v.index)
    v["last_payment"] = gn["payment_date"].max().reindex(v.index)
    v["match_key"] = [
        REDACTED_KEY if r else match_key(n) for n, r in zip(v["supplier_name"], v["is_redacted"])
    ]
    v.loc[v["is_redacted"], "supplier_key"] = REDACTED_KEY
    v = v.reset_index(drop=True)
    return v, led["_v"]


def supplier_rows(
    v: pd.DataFrame, led: pd.DataFrame, row_variant: pd.Series, anchors: list[str]
) -> tuple[pd.DataFrame, dict[str, set]]:
    """One row per supplier of the current ledger, with what the build infers (plain Python: fast);
    and every valid postcode the ledger publishes for each supplier."""
    led = led.assign(supplier_id=v["supplier_id"].to_numpy()[row_variant.to_numpy()])
    nd = led[~led["is_duplicate"]]
    by_anchor = nd.groupby(["supplier_id", "anchor_id"])["amount_pence"].sum()
    spend_by = {(s, a): int(x) for (s, a), x in by_anchor.items()}
    postcodes, published = _ledger_postcodes(nd)
    cols = {
        c: v[c].tolist()
        for c in (
            "supplier_id",
            "supplier_name",
            "supplier_key",
            "company_number",
            "charity_number",
            "is_redacted",
            "weight",
            "spend_pence",
            "payments",
            "refunds",
            "anchors",
            "method",
            "score",
            "first_payment",
            "last_payment",
        )
    }
    groups: dict[str, list[int]] = {}
    for i, sid in enumerate(cols["supplier_id"]):
        groups.setdefault(sid, []).append(i)
    rows = [_supplier_row(sid, idx, cols, postcodes) for sid, idx in groups.items()]
    for row in rows:
        for a in anchors:
            row[f"spend_{a}"] = spend_by.get((row["supplier_id"], a), 0) / 100
    return _supplier_frame(rows, anchors), published


def _canonical_name(idx: list[int], cols: dict[str, list]) -> str:
    """The name a supplier is shown by: the best-cased spelling of its heaviest supplier key."""
    key_weight: Counter = Counter()
    for i in idx:
        key_weight[cols["supplier_key"][i]] += cols["weight"][i]
    top_key = min(key_weight, key=lambda k: (-key_weight[k], k))
    return display_name(
        min(
            (
                (cols["supplier_name"][i], cols["weight"][i])
                for i in idx
                if cols["supplier_key"][i] == top_key
            ),
            key=lambda t: (_casing_rank(t[0]), -t[1], t[0]),
        )[0]
    )


def _supplier_row(sid: str, idx: list[int], cols: dict[str, list], postcodes: dict) -> dict:
    """One supplier's register row from its name variants ``idx`` (sorted heaviest first here)."""
    idx.sort(key=lambda i: (-cols["weight"][i], cols["supplier_name"][i]))
    names = [cols["supplier_name"][i] for i in idx]
    red = any(cols["is_redacted"][i] for i in idx)
    canonical = "REDACTED" if red else _canonical_name(idx, cols)
    companies = sorted({cols["company_number"][i] for i in idx if cols["company_number"][i]})
    charities = sorted({cols["charity_number"][i] for i in idx if cols["charity_number"][i]})
    org, evidence = (
        ("redacted", "redacted payee") if red else infer_org_type_many(names, companies, charities)
    )
    anchors_s = sorted({a for i in idx for a in cols["anchors"][i]})
    methods = sorted({cols["method"][i] for i in idx} - {"new", "redacted"})
    fuzzy = [cols["score"][i] for i in idx if cols["method"][i] == "fuzzy"]
    firsts = [cols["first_payment"][i] for i in idx if not pd.isna(cols["first_payment"][i])]
    lasts = [cols["last_payment"][i] for i in idx if not pd.isna(cols["last_payment"][i])]
    row = {
        "supplier_id": sid,
        "canonical_name": canonical,
        "postcode": postcodes.get(sid),
        "org_type": org,
        "org_type_evidence": evidence,
        "sector": None,
        "sic_section": None,
        "size_band": None,
        "merge_into": None,
        "notes": None,
        "company_number": "; ".join(companies) or None,
        "charity_number": "; ".join(charities) or None,
        "payments": sum(cols["payments"][i] for i in idx),
        "refunds": sum(cols["refunds"][i] for i in idx),
        "spend_pence": sum(cols["spend_pence"][i] for i in idx),
        "n_anchors": len(anchors_s),
        "anchors": "; ".join(anchors_s),
        "is_redacted": red,
        "in_ledger": True,
        "n_variants": len(idx),
        "name_variants": SEP.join(names),
        "match_keys": SEP.join(sorted({cols["supplier_key"][i] for i in idx})),
        "match_methods": ", ".join(methods),
        "min_match_score": round(float(min(fuzzy)), 1) if fuzzy else np.nan,
        "first_payment": min(firsts) if firsts else pd.NaT,
        "last_payment": max(lasts) if lasts else pd.NaT,
    }
    return row


def _supplier_frame(rows: list[dict], anchors: list[str]) -> pd.DataFrame:
    """The supplier rows as a typed frame, with the sources of what the build set."""
    keys = [
        "supplier_id",
        "canonical_name",
        "postcode",
        "org_type",
        "org_type_evidence",
        "sector",
        "sic_section",
        "size_band",
        "merge_into",
        "notes",
        "company_number",
        "charity_number",
        "payments",
        "refunds",
        "spend_pence",
        "n_anchors",
        "anchors",
        "is_redacted",
        "in_ledger",
        "n_variants",
        "name_variants",
        "match_keys",
        "match_methods",
        "min_match_score",
        "first_payment",
        "last_payment",
    ]
    reg = pd.DataFrame(rows, columns=keys + [f"spend_{a}" for a in anchors])
    reg = reg.astype(
        {
            "payments": "int64",
            "refunds": "int64",
            "spend_pence": "int64",
            "n_anchors": "int64",
            "n_variants": "int64",
            "is_redacted": bool,
            "in_ledger": bool,
        }
    )
    reg["first_payment"] = pd.to_datetime(reg["first_payment"])
    reg["last_payment"] = pd.to_datetime(reg["last_payment"])
    reg["canonical_name_source"] = "inferred"
    reg["org_type_source"] = "inferred"
    reg["postcode_source"] = np.where(reg["postcode"].notna(), "ledger", None)
    for f in ("sector", "sic_section", "size_band", "merge_into", "notes"):
        reg[f"{f}_source"] = None
    return reg


def _ledger_postcodes(nd: pd.DataFrame) -> tuple[dict[str, str], dict[str, set]]:
    """The most common valid postcode published for each supplier (ties: alphabetical), and all of
    them."""
    pc = nd[["supplier_id", "supplier_postcode"]].dropna()
    pc = pc[pc["supplier_postcode"].map(lambda x: not is_blank(x))]
    if pc.empty:
        return {}, {}
    norm = postcode_format(pc["supplier_postcode"].astype(str))
    pc = pc.assign(pcds=norm["pcds"].to_numpy(), valid=norm["valid"].to_numpy())
    pc = pc[pc["valid"]]
    if pc.empty:
        return {}, {}
    counts = pc.groupby(["supplier_id", "pcds"]).size().reset_index(name="n")
    counts = counts.sort_values(["supplier_id", "n", "pcds"], ascending=[True, False, True])
    best = dict(
        counts.drop_duplicates("supplier_id")[["supplier_id", "pcds"]].itertuples(
            index=False, name=None
        )
    )
    published: dict[str, set] = {}
    for sid, pcds in counts[["supplier_id", "pcds"]].itertuples(index=False, name=None):
        published.setdefault(sid, set()).add(pcds)
    return best, published
