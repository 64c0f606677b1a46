"""The supplier register: one row per supplier of a collaborative, built from its ledgers and edited by people.

``build_register(ledger, previous=None, place=None)`` matches the payee names
of a canonical ledger (docs/ledger_schema.md) into suppliers
(:mod:`anchorlib.suppliers.match`), infers what is plain (organisation type,
:mod:`anchorlib.suppliers.orgtype`; postcode from the ledger), places postcodes in
LSOA 2021 and the place's tiers, sums spend per supplier and anchor, and marks
the CLES list: the top suppliers covering 80% of spend.  It returns a
:class:`Register`: ``register`` (one row per supplier, :func:`register_columns`),
``matches`` (the audit: every name variant -> supplier_id, method, score) and
``review`` (near misses that were *not* merged, for a person to judge).

The register is a file people edit (docs/supplier_register.md): the editable
columns (:data:`EDITABLE`) each have a ``<field>_source`` column, ``inferred``,
``ledger``, ``human`` or ``simulated``.  Built again with ``previous=`` the
last register, it keeps every supplier id and every human edit, honours
``merge_into``, adds new suppliers and updates spend.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.core.atomic import write_all
from anchorlib.core.errors import AnchorError
from anchorlib.ledgers.parse import (
    REDACTED_KEY,
    clean_text,
    is_blank,
    is_redacted,
    normalise_supplier_name,
)
from anchorlib.suppliers.match import (
    DEFAULT_THRESHOLD,
    cluster_variants,
    display_name,
    match_key,
    stable_id,
)
from anchorlib.suppliers.orgtype import ORG_TYPES, UNKNOWN, infer_org_type_many

__all__ = [
    "EDITABLE",
    "SOURCES",
    "MATCH_COLUMNS",
    "Register",
    "SupplierRegisterError",
    "build_register",
    "register_columns",
    "mark_cles_top80",
    "read_register",
    "read_register_matches",
    "write_register",
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
#: Who set a value: the build (``inferred``, or ``ledger`` when published in a ledger), a person, or a simulation.
SOURCES = ("inferred", "ledger", "human", "simulated")
_MACHINE = ("inferred", "ledger")
_KEPT = ("human", "simulated")
_SEP = " | "

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
    "payments",
    "refunds",
    "spend_share",
    "cumulative_share",
]
_TAIL = [
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
] + [f"{f}_source" for f in EDITABLE]
_GEO = [
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
    """Register columns, in order, with one ``spend_<anchor>`` column per anchor after ``cumulative_share``."""
    return _LEAD + [f"spend_{a}" for a in anchors] + _TAIL


@dataclass
class Register:
    """A built register: ``register`` (one row per supplier), ``matches`` (audit), ``review`` (near misses)."""

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
            f"{int(m['in_ledger'].sum()) if len(m) else 0:,} name variants -> {len(live):,} suppliers "
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
                f"  {s['supplier_id']}  £{s['total_spend']:>15,.2f}  {s['anchors']:<40.40}  {s['canonical_name']}"
            )
        lines.extend(f"warning: {w}" for w in self.warnings)
        return "\n".join(lines)


# ------------------------------------------------------------------ small helpers


def _col(values, index, func=None) -> pd.Series:
    """An object column built from Python values (None stays None: no NaN creeps in)."""
    return pd.Series([func(x) if func else x for x in values], index=index, dtype=object)


def _text(v) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    t = clean_text(v)
    return t if t else None


def _company_number(v) -> str | None:
    t = _text(v)
    if t is None:
        return None
    t = re.sub(r"\s+", "", t).upper()
    if t.endswith(".0") and t[:-2].isdigit():  # a number cell read as float text
        t = t[:-2]
    return t.zfill(8) if t.isdigit() and len(t) < 8 else t


def _charity_number(v) -> str | None:
    t = _text(v)
    if t is None:
        return None
    t = re.sub(r"\s+", "", t)
    return t[:-2] if t.endswith(".0") and t[:-2].isdigit() else t


def _split(v) -> list[str]:
    t = _text(v)
    return [p.strip() for p in t.split("|")] if t else []


def _split_numbers(v) -> list[str]:
    t = _text(v)
    return [p.strip() for p in re.split(r"[;|]", t) if p.strip()] if t else []


def _casing_rank(name: str) -> int:
    """Mixed case reads best, then upper case, then lower case."""
    if name.islower():
        return 2
    if name.isupper():
        return 1
    return 0


def _pcds(values: pd.Series) -> pd.DataFrame:
    """Postcode format check (no lookups): key, pcds, valid."""
    try:
        from anchorlib.data.postcodes import normalise_postcodes

        n = normalise_postcodes(values)
        return n[["pcds", "valid"]]
    except ImportError:  # pragma: no cover - the postcodes module is part of the package
        pat = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
        rows = []
        for v in values:
            k = re.sub(r"\s+", "", str(v)).upper() if not is_blank(v) else ""
            m = pat.match(k)
            rows.append((f"{m[1]} {m[2]}" if m else None, bool(m)))
        return pd.DataFrame(rows, columns=["pcds", "valid"], index=values.index)


# ------------------------------------------------------------------ the ledger side

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


def _prepare_ledger(ledger: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("anchor_id", "supplier_name", "amount_pence") if c not in ledger.columns]
    if missing:
        raise SupplierRegisterError(
            f"the ledger has no column(s) {', '.join(missing)}: a register is built from the canonical ledger "
            "(anchor ledger read ... writes ledger.parquet; see docs/ledger_schema.md)"
        )
    cols = ["anchor_id", "supplier_name", "amount_pence"] + [
        c for c in ("supplier_key", "is_redacted", *_OPTIONAL) if c in ledger.columns
    ]
    led = ledger[cols].copy()
    for c, default in _OPTIONAL.items():
        if c not in led.columns:
            led[c] = default
    led["supplier_name"] = _map_unique(led["supplier_name"], _text)
    led = led[led["supplier_name"].notna()].copy()
    if "supplier_key" not in led.columns or led["supplier_key"].isna().any():
        led["supplier_key"] = _map_unique(led["supplier_name"], normalise_supplier_name)
    red = led["supplier_key"].eq(REDACTED_KEY)
    if "is_redacted" in led.columns:
        red |= led["is_redacted"].fillna(False).astype(bool)
    else:
        red |= _map_unique(led["supplier_name"], is_redacted).astype(bool)
    led["is_redacted"] = red
    led["company_number"] = _map_unique(led["company_number"], _company_number)
    led["charity_number"] = _map_unique(led["charity_number"], _charity_number)
    led.loc[red, ["company_number", "charity_number"]] = None  # a redacted payee has no identity
    led["is_duplicate"] = led["is_duplicate"].fillna(False).astype(bool)
    led["amount_pence"] = led["amount_pence"].astype("int64")
    led["anchor_id"] = led["anchor_id"].astype(str)
    led["payment_date"] = pd.to_datetime(led["payment_date"], errors="coerce")
    return led


def _variants(led: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """One row per (published name, company number, charity number); each ledger row's variant number."""
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


# ------------------------------------------------------------------ the previous register

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


def _prepare_previous(previous) -> pd.DataFrame | None:
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
        p[c] = _col(p[c], p.index, _text) if c in p.columns else None
    p = p[p["supplier_id"].notna()].copy()
    p["supplier_id"] = p["supplier_id"].str.strip()
    dup = p["supplier_id"][p["supplier_id"].duplicated()]
    if len(dup):
        raise SupplierRegisterError(
            f"the previous register repeats supplier_id {', '.join(sorted(set(dup))[:5])}: "
            "each supplier must have one row"
        )
    p["company_number"] = _col(
        p["company_number"],
        p.index,
        lambda v: "; ".join(filter(None, map(_company_number, _split_numbers(v)))) or None,
    )
    p["charity_number"] = _col(
        p["charity_number"],
        p.index,
        lambda v: "; ".join(filter(None, map(_charity_number, _split_numbers(v)))) or None,
    )
    red = p["is_redacted"].fillna("").str.lower().isin(["true", "1", "yes"])
    red |= _col(p["match_keys"], p.index, lambda v: REDACTED_KEY in _split(v)).astype(bool)
    p["is_redacted"] = red
    return p.set_index("supplier_id", drop=False)


def _prepare_previous_matches(matches: pd.DataFrame | None) -> pd.DataFrame | None:
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
        m[c] = _col(m[c], m.index, _text) if c in m.columns else None
    m["company_number"] = (
        _col(m["company_number"], m.index, _company_number) if "company_number" in m else None
    )
    m["charity_number"] = (
        _col(m["charity_number"], m.index, _charity_number) if "charity_number" in m else None
    )
    m["score"] = pd.to_numeric(m["score"], errors="coerce") if "score" in m else np.nan
    return m[m["supplier_name"].notna() & m["supplier_id"].notna()]


def _merge_map(prev: pd.DataFrame, warnings: list[str]) -> dict[str, str]:
    """merge_into as set by people: each source id -> its final target id (chains followed, cycles refused)."""
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
                f"merge_into of {sid} goes round in a circle ({' -> '.join(seen + [t])}): not merged"
            )
            continue
        if t not in prev.index:
            warnings.append(
                f"merge_into of {sid} names {target!r}, which is not a supplier_id of the register: "
                "not merged"
            )
            continue
        if bool(prev.at[sid, "is_redacted"]) != bool(prev.at[t, "is_redacted"]):
            warnings.append(
                f"merge_into of {sid} -> {t}: redacted payees are never merged with a named supplier"
            )
            continue
        out[sid] = t
    return out


def _prior_ids(
    v: pd.DataFrame, prev: pd.DataFrame | None, prev_matches: pd.DataFrame | None
) -> pd.Series:
    """The previous register's supplier of each variant: by the previous audit, then company / charity
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

    by_company = unique_map("company_number", _split_numbers)
    by_charity = unique_map("charity_number", _split_numbers)
    by_key = unique_map("match_keys", _split)
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
            nums = _split_numbers(prev.at[sid, "company_number"])
            if not nums or (c and c in nums):
                prior[i] = sid
    return prior


# ------------------------------------------------------------------ build


def _keep_edit(prev_val, prev_src, new_val, new_src, machine_made: bool) -> tuple:
    """Which value a rebuilt row keeps: a person's edit always; the build's value where nobody changed it.

    ``machine_made``: whether ``prev_val`` is what a build produces (from the previous row's own names
    and numbers, or from this ledger), so that a value set by the build is never mistaken for an edit.
    """
    if prev_val is None:
        return new_val, (new_src if new_val is not None else None)
    src = (prev_src or "").strip().lower()
    if src == "simulated" and new_val is not None and new_src == "ledger":
        return new_val, new_src  # a real published value always beats a simulated one
    if src in _KEPT:
        return prev_val, src
    if src in _MACHINE and machine_made:
        return (new_val, new_src) if new_val is not None else (prev_val, src)
    # typed into an empty cell, given a source of the person's own, or changed with the source left as it was
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


def build_register(
    ledger: pd.DataFrame,
    previous: pd.DataFrame | Register | None = None,
    place=None,
    *,
    previous_matches: pd.DataFrame | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    simulate_postcodes=None,
) -> Register:
    """Build (or rebuild) the supplier register from a canonical ledger.

    ``ledger``: the canonical ledger of one or more anchors (``anchor_id``,
    ``supplier_name``, ``amount_pence`` required; ``supplier_key``,
    ``company_number``, ``charity_number``, ``supplier_postcode``,
    ``is_redacted``, ``is_duplicate``, ``payment_date`` used when present).
    Spend counts rows with ``~is_duplicate`` only.
    ``previous``: the last register as people left it (:func:`read_register`),
    or a :class:`Register` (whose ``matches`` are then used too).
    ``previous_matches``: the last build's audit (:func:`read_register_matches`),
    which keeps the method of links that only the previous register still makes.
    ``place``: a :class:`anchorlib.config.places.Place`; postcodes are then placed in
    LSOA 2021, ward, LAD, region, IMD 2025 decile and the place's tier.
    ``simulate_postcodes``: for the demo only, a function of supplier ids
    returning a frame with ``postcode`` (e.g. :func:`anchorlib.demo.supplier_postcodes.simulate_postcodes`
    bound to a place); it fills postcodes that no source or person gave, marked
    ``simulated``.  A real postcode, where the ledger has one, always wins.
    """
    warnings: list[str] = []
    if isinstance(previous, Register) and previous_matches is None:
        previous_matches = previous.matches
    prev = _prepare_previous(previous)
    prev_matches = _prepare_previous_matches(previous_matches)
    led = _prepare_ledger(ledger)
    v, row_variant = _variants(led)
    anchors = sorted(led["anchor_id"].unique())

    prior = _prior_ids(v, prev, prev_matches)
    merge_map = _merge_map(prev, warnings) if prev is not None else {}
    v["prior_id"] = prior
    v["weight"] = v["payments"].astype(float) + v["spend_pence"].abs().astype(float) / 1e15

    # a person's merges: link the heaviest variant of each source to the heaviest of its target
    manual = []
    heaviest = (
        v.dropna(subset=["prior_id"])
        .sort_values("weight", ascending=False)
        .drop_duplicates("prior_id")
    )
    heaviest = dict(zip(heaviest["prior_id"], heaviest.index))
    for src, dst in merge_map.items():
        if src in heaviest and dst in heaviest:
            manual.append(
                (heaviest[src], heaviest[dst], f"merge_into: {src} -> {dst} (set by a person)")
            )

    prev_links = {}
    if prev_matches is not None:
        pm = {
            (r.supplier_name, r.company_number or "", r.charity_number or ""): (
                r.method,
                r.score,
                r.matched_to,
                r.detail or "",
            )
            for r in prev_matches.itertuples(index=False)
        }
        for i, (n, c, h) in enumerate(
            zip(v["supplier_name"], v["company_number"], v["charity_number"])
        ):
            if (n, c or "", h or "") in pm:
                prev_links[i] = pm[(n, c or "", h or "")]

    res = cluster_variants(v, threshold=threshold, manual=manual, previous_links=prev_links)
    links = res.links
    v = v.join(links)

    # supplier ids: the previous register's (through people's merges), else a stable hash of a seed
    taken = set(prev.index) if prev is not None else set()
    sid_of_cluster: dict[int, str] = {}
    used: set[str] = set()
    members_of: dict[int, list[int]] = {}
    for i, root in enumerate(v["cluster"].tolist()):
        members_of.setdefault(root, []).append(i)
    vp, vc, vh, vk = (
        v[c].tolist() for c in ("prior_id", "company_number", "charity_number", "supplier_key")
    )
    wt = v["weight"].tolist()
    # heaviest clusters first: if two ever claim one previous id, the heavier keeps it
    for root, idx in sorted(members_of.items(), key=lambda kv: -sum(wt[i] for i in kv[1])):
        priors = [merge_map.get(vp[i], vp[i]) for i in idx if vp[i]]
        if priors:
            sid = Counter(priors).most_common(1)[0][0]
        else:
            nums = sorted(vc[i] for i in idx if vc[i])
            chars = sorted(vh[i] for i in idx if vh[i])
            seed = (
                f"company:{nums[0]}"
                if nums
                else f"charity:{chars[0]}"
                if chars
                else f"key:{min(vk[i] for i in idx)}"
            )
            sid = stable_id(seed, taken)
        if sid in used:  # two clusters claim one previous id: the lighter one gets a new id
            sid = stable_id(f"key:{min(vk[i] for i in idx)}", taken)
            warnings.append(
                f"names {', '.join(v['supplier_name'][i] for i in idx[:3])} could not stay with the "
                f"supplier they were in before: new id {sid}"
            )
        taken.add(sid)
        used.add(sid)
        sid_of_cluster[root] = sid
    v["supplier_id"] = v["cluster"].map(sid_of_cluster)
    for i in v.index:  # a cluster that took its id from merge_into alone: say so in the audit
        p = v.at[i, "prior_id"]
        if p in merge_map and v.at[i, "method"] in ("new",):
            v.loc[i, ["method", "detail"]] = [
                "manual",
                f"merge_into: {p} -> {merge_map[p]} (set by a person)",
            ]

    reg, published = _aggregate(v, led, row_variant, anchors)
    reg = _apply_previous(reg, prev, merge_map, published, warnings)
    if simulate_postcodes is not None:
        reg = _fill_simulated(reg, simulate_postcodes)
    reg = _place_postcodes(reg, place, warnings)
    reg = mark_cles_top80(reg)
    reg = reg.sort_values(
        ["in_ledger", "spend_pence", "canonical_name"],
        ascending=[False, False, True],
        ignore_index=True,
    )
    reg["spend_rank"] = reg["spend_rank"].astype("Int64")
    reg = reg[register_columns(anchors)]

    matches = _matches(v, reg, prev_matches, merge_map)
    review = _review(res.review, v)
    return Register(reg, matches, review, warnings)


def _aggregate(
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
    rows = []
    for sid, idx in groups.items():
        idx.sort(key=lambda i: (-cols["weight"][i], cols["supplier_name"][i]))
        names = [cols["supplier_name"][i] for i in idx]
        red = any(cols["is_redacted"][i] for i in idx)
        if red:
            canonical = "REDACTED"
        else:
            key_weight: Counter = Counter()
            for i in idx:
                key_weight[cols["supplier_key"][i]] += cols["weight"][i]
            top_key = min(key_weight, key=lambda k: (-key_weight[k], k))
            canonical = display_name(
                min(
                    (
                        (cols["supplier_name"][i], cols["weight"][i])
                        for i in idx
                        if cols["supplier_key"][i] == top_key
                    ),
                    key=lambda t: (_casing_rank(t[0]), -t[1], t[0]),
                )[0]
            )
        companies = sorted({cols["company_number"][i] for i in idx if cols["company_number"][i]})
        charities = sorted({cols["charity_number"][i] for i in idx if cols["charity_number"][i]})
        org, evidence = (
            ("redacted", "redacted payee")
            if red
            else infer_org_type_many(names, companies, charities)
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
            "name_variants": _SEP.join(names),
            "match_keys": _SEP.join(sorted({cols["supplier_key"][i] for i in idx})),
            "match_methods": ", ".join(methods),
            "min_match_score": round(float(min(fuzzy)), 1) if fuzzy else np.nan,
            "first_payment": min(firsts) if firsts else pd.NaT,
            "last_payment": max(lasts) if lasts else pd.NaT,
        }
        for a in anchors:
            row[f"spend_{a}"] = spend_by.get((sid, a), 0) / 100
        rows.append(row)
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
    return reg, published


def _ledger_postcodes(nd: pd.DataFrame) -> tuple[dict[str, str], dict[str, set]]:
    """The most common valid postcode published for each supplier (ties: alphabetical), and all of them."""
    pc = nd[["supplier_id", "supplier_postcode"]].dropna()
    pc = pc[pc["supplier_postcode"].map(lambda x: not is_blank(x))]
    if pc.empty:
        return {}, {}
    norm = _pcds(pc["supplier_postcode"].astype(str))
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


def _previous_inference(p: dict) -> str:
    """The organisation type a build infers from a previous row's own names and numbers."""
    if p.get("is_redacted"):
        return "redacted"
    return infer_org_type_many(
        _split(p["name_variants"]),
        _split_numbers(p["company_number"]),
        _split_numbers(p["charity_number"]),
    )[0]


def _union(a, b, split=None, sep=_SEP) -> str | None:
    split = split or _split
    return sep.join(dict.fromkeys(split(a) + split(b))) or None


def _apply_previous(
    reg: pd.DataFrame,
    prev: pd.DataFrame | None,
    merge_map: dict,
    published: dict[str, set],
    warnings: list[str],
) -> pd.DataFrame:
    """Keep people's edits, carry suppliers the ledger no longer has, fold merged rows into their targets.

    Works on plain dicts (one per row): tens of thousands of cell updates through pandas are slow.
    """
    if prev is None:
        return reg
    columns = list(reg.columns)
    rows = {r["supplier_id"]: r for r in reg.to_dict("records")}
    old = {sid: dict(r) for sid, r in zip(prev.index, prev.to_dict("records"))}
    spend_cols = [c for c in columns if c.startswith("spend_") and c != "spend_pence"]
    # rows of the previous register that are not in this ledger are kept, with no spend
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
                "n_variants": len(_split(p["name_variants"])),
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
    # each merged-away row hands its names, keys and numbers (and edits where the target has none) to its target
    for src, dst in merge_map.items():
        if dst not in rows:
            continue
        s, d = old[src], rows[dst]
        d["name_variants"] = _union(d["name_variants"], s["name_variants"])
        d["match_keys"] = _union(d["match_keys"], s["match_keys"])
        for col in ("company_number", "charity_number"):
            d[col] = _union(d[col], s[col], _split_numbers, "; ")
        t = old.get(dst)
        if t is not None:
            for f in EDITABLE:
                if (
                    f != "merge_into"
                    and t[f] is None
                    and s[f] is not None
                    and (s[f"{f}_source"] or "human") not in _MACHINE
                ):
                    t[f], t[f"{f}_source"] = s[f], s[f"{f}_source"] or "human"
    # people's edits
    typed = pd.Series(sorted({p["postcode"] for p in old.values() if p["postcode"]}), dtype=object)
    norm = _pcds(typed) if len(typed) else pd.DataFrame({"pcds": [], "valid": []})
    typed_postcodes = {t: pc for t, pc, ok in zip(typed, norm["pcds"], norm["valid"]) if ok}
    for sid in [x for x in rows if x in old]:
        r, p = rows[sid], old[sid]
        variants = {x for n in _split(r["name_variants"]) for x in (n, display_name(n))}
        if r["in_ledger"]:
            r["name_variants"] = _union(r["name_variants"], p["name_variants"])
            r["match_keys"] = _SEP.join(
                sorted(set(_split(r["match_keys"]) + _split(p["match_keys"])))
            )
            for col in ("company_number", "charity_number"):
                r[col] = _union(r[col], p[col], _split_numbers, "; ")
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
                if machine_made and (p[f"{f}_source"] or "").strip().lower() in _MACHINE:
                    r[f], r[f"{f}_source"] = prev_val, "inferred"  # the name people know stays
                    continue
            elif f == "org_type":
                machine_made = prev_val in (r[f], UNKNOWN, _previous_inference(p))
            elif f == "postcode":
                prev_pcds = typed_postcodes.get(prev_val, prev_val)
                machine_made = prev_pcds == r[f] or prev_pcds in published.get(sid, ())
            else:
                machine_made = False  # the build never fills these
            r[f], r[f"{f}_source"] = _keep_edit(
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
            r["canonical_name"] = (_split(r["name_variants"]) or [""])[0]
            r["canonical_name_source"] = "inferred"
    out = pd.DataFrame(list(rows.values()), columns=columns)
    for c in ("first_payment", "last_payment"):
        out[c] = pd.to_datetime(out[c])
    return out


def _fill_simulated(reg: pd.DataFrame, simulate) -> pd.DataFrame:
    """Postcodes for named suppliers that have none, from ``simulate``, marked simulated."""
    need = reg["postcode"].isna() & ~reg["is_redacted"].fillna(False).astype(bool)
    if not need.any():
        return reg
    reg = reg.copy()
    sim = simulate(reg.loc[need, "supplier_id"])
    reg.loc[need, "postcode"] = sim["postcode"].to_numpy()
    reg.loc[need, "postcode_source"] = "simulated"
    return reg


def _place_postcodes(reg: pd.DataFrame, place, warnings: list[str]) -> pd.DataFrame:
    """Normalise postcodes (people type them) and, given a place, add LSOA 2021, LAD, region, IMD decile, tier."""
    reg = reg.copy()
    for c in _GEO:
        reg[c] = None
    has = reg["postcode"].notna()
    if not has.any():
        return reg
    norm = _pcds(reg.loc[has, "postcode"].astype(str))
    reg.loc[has, "postcode"] = (
        norm["pcds"].where(norm["valid"], reg.loc[has, "postcode"]).to_numpy()
    )
    reg.loc[has, "postcode_status"] = np.where(norm["valid"], "valid format", "invalid")
    bad = reg.loc[has & (reg["postcode_status"] == "invalid"), ["supplier_id", "postcode"]]
    for sid, pc in bad.itertuples(index=False):
        warnings.append(
            f"postcode {pc!r} of {sid} is not a UK postcode format: kept as typed, not placed"
        )
    if place is None:
        return reg
    from anchorlib.config.places import classify_postcodes

    valid = reg.loc[has & (reg["postcode_status"] != "invalid"), "postcode"]
    if valid.empty:
        return reg
    uniq = pd.Series(sorted(set(valid)))
    located = classify_postcodes(place, uniq)
    located.index = uniq.to_numpy()
    for col, src in (
        ("tier", "tier"),
        ("lsoa21_code", "lsoa21_code"),
        ("ward24_name", "ward24_name"),
        ("lad24_code", "lad24_code"),
        ("lad24_name", "lad24_name"),
        ("region_name", "region_name"),
        ("imd25_decile", "imd25_decile"),
        ("postcode_status", "status"),
    ):
        vals = located[src].astype(object).where(located[src].notna(), None)
        reg.loc[valid.index, col] = valid.map(vals).to_numpy()
    return reg


def mark_cles_top80(reg: pd.DataFrame, share: float = 0.8) -> pd.DataFrame:
    """Rank suppliers by combined spend and mark ``cles_top80``: the top suppliers covering ``share`` of spend.

    Eligible: named suppliers (not redacted) with positive net spend.  Taken in
    order of spend (ties by name) until the cumulative share *reaches* 80%: the
    supplier that crosses the line is in.  ``spend_share`` and
    ``cumulative_share`` are fractions of the eligible total; ``spend_rank``
    counts eligible suppliers only.
    """
    reg = reg.copy()
    reg["total_spend"] = reg["spend_pence"].astype("int64") / 100
    eligible = (~reg["is_redacted"].astype(bool)) & (reg["spend_pence"] > 0)
    order = (
        reg[eligible].sort_values(["spend_pence", "canonical_name"], ascending=[False, True]).index
    )
    total = int(reg.loc[eligible, "spend_pence"].sum())
    reg["spend_rank"] = pd.Series(pd.NA, index=reg.index, dtype="Int64")
    reg["spend_share"] = np.nan
    reg["cumulative_share"] = np.nan
    reg["cles_top80"] = False
    if total > 0:
        spend = reg.loc[order, "spend_pence"].astype("int64")
        cum = spend.cumsum()
        reg.loc[order, "spend_rank"] = np.arange(1, len(order) + 1)
        reg.loc[order, "spend_share"] = (spend / total).to_numpy()
        reg.loc[order, "cumulative_share"] = (cum / total).to_numpy()
        before = (cum - spend).to_numpy()
        f = Fraction(share).limit_denominator(1000)
        # exact, in whole pence: in while what comes before is below the share of the total
        reg.loc[order, "cles_top80"] = before * f.denominator < total * f.numerator
    return reg


def _matches(v: pd.DataFrame, reg: pd.DataFrame, prev_matches, merge_map) -> pd.DataFrame:
    names = reg.set_index("supplier_id")["canonical_name"]
    m = pd.DataFrame(
        {
            "supplier_id": v["supplier_id"],
            "canonical_name": v["supplier_id"].map(names),
            "supplier_name": v["supplier_name"],
            "company_number": v["company_number"],
            "charity_number": v["charity_number"],
            "supplier_key": v["supplier_key"],
            "match_key": v["match_key"],
            "method": v["method"],
            "score": v["score"].astype(float).round(1),
            "matched_to": v["matched_to"],
            "detail": v["detail"],
            "anchors": v["anchors"].map("; ".join),
            "payments": v["payments"],
            "spend": v["spend_pence"] / 100,
            "in_ledger": True,
        }
    )
    if prev_matches is not None:
        seen = set(
            zip(m["supplier_name"], m["company_number"].fillna(""), m["charity_number"].fillna(""))
        )
        keep = [
            (n, c or "", h or "") not in seen
            for n, c, h in zip(
                prev_matches["supplier_name"],
                prev_matches["company_number"],
                prev_matches["charity_number"],
            )
        ]
        old = prev_matches[keep].copy()
        old["supplier_id"] = old["supplier_id"].map(lambda s: merge_map.get(s, s))
        old = old[old["supplier_id"].isin(set(reg["supplier_id"]))]
        if len(old):
            old["canonical_name"] = old["supplier_id"].map(names)
            old["payments"], old["spend"], old["in_ledger"] = 0, 0.0, False
            m = pd.concat([m, old.reindex(columns=MATCH_COLUMNS)], ignore_index=True)
    order = reg["supplier_id"].reset_index(drop=True)
    rank = pd.Series(order.index, index=order.to_numpy())
    m["_r"] = m["supplier_id"].map(rank)
    m["_new"] = m["method"] != "new"
    m = m.sort_values(
        ["_r", "in_ledger", "_new", "payments", "supplier_name"],
        ascending=[True, False, True, False, True],
    )
    return m[MATCH_COLUMNS].reset_index(drop=True)


def _review(review: pd.DataFrame, v: pd.DataFrame) -> pd.DataFrame:
    if review.empty:
        return pd.DataFrame(columns=REVIEW_COLUMNS)
    out = review.assign(
        supplier_id_a=v["supplier_id"].to_numpy()[review["variant_a"].to_numpy()],
        supplier_id_b=v["supplier_id"].to_numpy()[review["variant_b"].to_numpy()],
    )
    out = out[out["supplier_id_a"] != out["supplier_id_b"]]
    return out[REVIEW_COLUMNS].reset_index(drop=True)


# ------------------------------------------------------------------ files


def _for_file(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    for c in (
        "total_spend",
        "spend",
        *[c for c in out.columns if c.startswith("spend_") and c != "spend_pence"],
    ):
        if c in out.columns and c not in ("spend_rank", "spend_share"):
            out[c] = out[c].astype(float).round(2)
    for c in ("spend_share", "cumulative_share"):
        if c in out.columns:
            out[c] = out[c].astype(float).round(6)
    return out


_XLSX_CELL = 32767


def _write_xlsx(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    from openpyxl.utils import get_column_letter

    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            df = df.copy()
            for c in df.columns:
                if df[c].dtype == object or pd.api.types.is_string_dtype(df[c]):
                    df[c] = df[c].map(
                        lambda x: (
                            x[: _XLSX_CELL - 1] + "…"
                            if isinstance(x, str) and len(x) >= _XLSX_CELL
                            else x
                        )
                    )
            df.to_excel(xw, sheet_name=name, index=False)
            ws = xw.sheets[name]
            ws.freeze_panes = "C2" if name == "register" else "A2"
            if df.shape[1]:
                ws.auto_filter.ref = f"A1:{get_column_letter(df.shape[1])}{max(len(df) + 1, 1)}"
            for i, c in enumerate(df.columns, start=1):
                width = min(
                    max(len(str(c)), *(len(str(x)) for x in df[c].head(200))) + 2
                    if len(df)
                    else len(str(c)) + 2,
                    50,
                )
                ws.column_dimensions[get_column_letter(i)].width = width
    from anchorlib.core.xlsx import make_deterministic

    make_deterministic(path)  # no save time in the file: the same register gives the same bytes


def write_register(register: Register | pd.DataFrame, path_stem) -> dict[str, Path]:
    """Write ``<stem>.csv`` and ``<stem>.xlsx`` (sheets register, matches, review), plus
    ``<stem>_matches.csv`` and ``<stem>_review.csv``, atomically: all are written to temporary
    files and renamed into place only when every one is written.  CSVs are UTF-8 with a BOM (so
    Excel shows '£' and accents).  Returns the paths by kind."""
    if isinstance(register, pd.DataFrame):
        register = Register(register)
    stem = Path(path_stem)
    if stem.suffix.lower() in (".csv", ".xlsx"):
        stem = stem.with_suffix("")
    stem.parent.mkdir(parents=True, exist_ok=True)
    reg, matches, review = (
        _for_file(register.register),
        _for_file(register.matches),
        _for_file(register.review),
    )
    targets = {
        "csv": stem.with_name(stem.name + ".csv"),
        "xlsx": stem.with_name(stem.name + ".xlsx"),
        "matches": stem.with_name(stem.name + "_matches.csv"),
        "review": stem.with_name(stem.name + "_review.csv"),
    }
    writers = {
        "csv": lambda p: reg.to_csv(p, index=False, encoding="utf-8-sig"),
        "xlsx": lambda p: _write_xlsx(p, {"register": reg, "matches": matches, "review": review}),
        "matches": lambda p: matches.to_csv(p, index=False, encoding="utf-8-sig"),
        "review": lambda p: review.to_csv(p, index=False, encoding="utf-8-sig"),
    }
    write_all(
        targets, writers
    )  # one mtime for all: a later edit of either register file shows as newer
    return targets


def _read_table(path: Path, sheet: str | int = 0) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        df = pd.read_excel(path, sheet_name=sheet, dtype=str, engine="openpyxl")
    else:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [str(c).strip() for c in df.columns]
    return pd.DataFrame(
        {
            c: _col(
                df[c],
                df.index,
                lambda x: (
                    None
                    if x is None
                    or (isinstance(x, float) and np.isnan(x))
                    or (isinstance(x, str) and not x.strip())
                    else x
                ),
            )
            for c in df.columns
        }
    )


def read_register(path) -> pd.DataFrame:
    """Read a register as people left it (CSV or XLSX; the XLSX sheet 'register', else the first sheet).

    Every column is read as text (so company numbers keep their leading zeros,
    and are padded back to 8 digits where a spreadsheet dropped them); empty
    cells are None.  Pass the result to ``build_register(previous=...)``.
    """
    path = Path(path)
    if not path.is_file():
        raise SupplierRegisterError(f"no supplier register at {path}")
    sheet: str | int = 0
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        sheet = "register" if "register" in wb.sheetnames else 0
        wb.close()
    try:
        df = _read_table(path, sheet)
    except Exception as exc:
        raise SupplierRegisterError(f"cannot read the supplier register {path}: {exc}") from None
    if "supplier_id" not in df.columns:
        raise SupplierRegisterError(
            f"{path} has no supplier_id column: is it a supplier register? "
            f"(columns: {', '.join(map(str, df.columns[:8]))} ...)"
        )
    return df


def read_register_matches(path) -> pd.DataFrame | None:
    """The matches audit beside a register: the XLSX sheet 'matches', or ``<stem>_matches.csv``; None if absent."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        has = "matches" in wb.sheetnames
        wb.close()
        if has:
            return _read_table(path, "matches")
    side = path.with_name(path.stem + "_matches.csv")
    return _read_table(side) if side.is_file() else None
