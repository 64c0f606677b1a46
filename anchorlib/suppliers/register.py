"""The supplier register: one row per supplier of a collaborative, built from its ledgers and edited
by people.

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

from collections import Counter
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from anchorlib.config.places import classify_postcodes
from anchorlib.core.atomic import write_all
from anchorlib.core.errors import AnchorError
from anchorlib.core.xlsx import write_xlsx
from anchorlib.suppliers.match import DEFAULT_THRESHOLD, cluster_variants, stable_id
from anchorlib.suppliers.previous import (
    apply_previous,
    person_merges,
    prepare_previous,
    prepare_previous_matches,
    prior_ids,
)
from anchorlib.suppliers.schema import (
    EDITABLE,
    GEO_COLUMNS,
    MATCH_COLUMNS,
    REGISTER_FIELDS,
    REGISTER_MATCH_COLUMNS,
    REVIEW_COLUMNS,
    Register,
    SupplierRegisterError,
    is_register_source,
    object_column,
    postcode_format,
    register_columns,
)
from anchorlib.suppliers.variants import ledger_variants, prepare_ledger, supplier_rows

__all__ = [
    "build_register",
    "mark_cles_top80",
    "find_previous",
    "place_postcodes",
    "read_register",
    "read_register_matches",
    "write_register",
]


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
    returning a frame with ``postcode`` (e.g.
    :func:`anchorlib.demo.supplier_postcodes.simulate_postcodes`
    bound to a place); it fills postcodes that no source or person gave, marked
    ``simulated``.  A real postcode, where the ledger has one, always wins.
    """
    warnings: list[str] = []
    if isinstance(previous, Register) and previous_matches is None:
        previous_matches = previous.matches
    prev = prepare_previous(previous)
    prev_matches = prepare_previous_matches(previous_matches)
    led = prepare_ledger(ledger)
    v, row_variant = ledger_variants(led)
    anchors = sorted(led["anchor_id"].unique())

    merge_map = person_merges(prev, warnings) if prev is not None else {}
    v["prior_id"] = prior_ids(v, prev, prev_matches)
    v["weight"] = v["payments"].astype(float) + v["spend_pence"].abs().astype(float) / 1e15

    manual = _manual_links(v, merge_map)
    prev_links = _previous_links(v, prev_matches)
    res = cluster_variants(v, threshold=threshold, manual=manual, previous_links=prev_links)
    links = res.links
    v = v.join(links)

    _assign_ids(v, prev, merge_map, warnings)
    reg, published = supplier_rows(v, led, row_variant, anchors)
    reg = apply_previous(reg, prev, merge_map, published, warnings)
    reg = _carry_register_cells(reg, prev)
    if simulate_postcodes is not None:
        reg = _fill_simulated(reg, simulate_postcodes)
    reg = place_postcodes(reg, place, warnings)
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


def _manual_links(v: pd.DataFrame, merge_map: dict) -> list[tuple[int, int, str]]:
    """A person's merges: link the heaviest variant of each source to the heaviest of its target."""
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
    return manual


def _previous_links(v: pd.DataFrame, prev_matches: pd.DataFrame | None) -> dict[int, tuple]:
    """Each variant's link as the previous audit recorded it (method, score, matched to, detail)."""
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
    return prev_links


def _assign_ids(
    v: pd.DataFrame, prev: pd.DataFrame | None, merge_map: dict, warnings: list[str]
) -> None:
    """Give each cluster of ``v`` its ``supplier_id``: the previous register's (through people's
    merges), else a stable hash of a seed."""
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
                f"names {', '.join(v['supplier_name'][i] for i in idx[:3])} could not stay with "
                f"the supplier they were in before: new id {sid}"
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


def _carry_register_cells(reg: pd.DataFrame, prev: pd.DataFrame | None) -> pd.DataFrame:
    """The cells the public registers filled (``anchor suppliers enrich``) survive a rebuild as they
    were: a rebuild reads no register; the next enrich updates them."""
    cols = REGISTER_FIELDS + REGISTER_MATCH_COLUMNS + [f"{f}_source" for f in REGISTER_FIELDS]
    for c in cols:
        if c not in reg.columns:
            reg[c] = None
    if prev is None or not any(c in prev.columns for c in cols):
        return reg
    reg = reg.copy()
    sid = reg["supplier_id"]
    have = sid.isin(prev.index)
    for c in [c for c in cols if c in prev.columns]:
        vals = prev[c].where(prev[c].notna(), None)
        reg.loc[have, c] = sid[have].map(vals).to_numpy()
    if "org_type_evidence" in prev.columns:  # the register's evidence stays with its org_type
        from_reg = have & reg["org_type_source"].map(is_register_source)
        reg.loc[from_reg, "org_type_evidence"] = sid[from_reg].map(prev["org_type_evidence"])
    return reg


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


def place_postcodes(reg: pd.DataFrame, place, warnings: list[str]) -> pd.DataFrame:
    """Normalise postcodes (people type them) and, given a place, add LSOA 2021, LAD, region, IMD
    decile, tier."""
    reg = reg.copy()
    for c in GEO_COLUMNS:
        reg[c] = None
    has = reg["postcode"].notna()
    if not has.any():
        return reg
    norm = postcode_format(reg.loc[has, "postcode"].astype(str))
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
    """Rank suppliers by combined spend and mark ``cles_top80``: the top suppliers covering
    ``share`` of spend.

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
    # whole numbers written as whole numbers whatever the path: a rebuild places postcodes into
    # the previous register's float column (read back from CSV with blanks), which wrote "9.0"
    # where a first build wrote "9"
    for c in ("imd25_decile", "nation_decile", "imd25_decile_england"):
        if c in out.columns:
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
    return out


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
        "xlsx": lambda p: write_xlsx(
            p, {"register": reg, "matches": matches, "review": review}, freeze={"register": "C2"}
        ),
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
            c: object_column(
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
    """Read a register as people left it (CSV or XLSX; the XLSX sheet 'register', else the first
    sheet).

    Every column is read as text (so company numbers keep their leading zeros,
    and are padded back to 8 digits where a spreadsheet dropped them); empty
    cells are None.  Pass the result to ``build_register(previous=...)``.
    """
    path = Path(path)
    if not path.is_file():
        raise SupplierRegisterError(f"no supplier register at {path}")
    sheet: str | int = 0
    if path.suffix.lower() in (".xlsx", ".xlsm"):
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
    """The matches audit beside a register: the XLSX sheet 'matches', or ``<stem>_matches.csv``;
    None if absent."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        wb = load_workbook(path, read_only=True)
        has = "matches" in wb.sheetnames
        wb.close()
        if has:
            return _read_table(path, "matches")
    side = path.with_name(path.stem + "_matches.csv")
    return _read_table(side) if side.is_file() else None


def find_previous(out: Path, name: str) -> tuple[Path | None, str | None]:
    """The register people last edited in ``out``: ``<name>.xlsx`` or ``<name>.csv``, the newer of
    the two.

    Returns the path and a note when both exist and their editable columns differ
    (someone edited both: only the newer is used).
    """
    candidates = [p for p in (out / f"{name}.xlsx", out / f"{name}.csv") if p.is_file()]
    if not candidates:
        return None, None
    if (
        len(candidates) == 2
        and abs(candidates[0].stat().st_mtime - candidates[1].stat().st_mtime) < 2
    ):
        return candidates[1], None  # both as the last build wrote them: the CSV reads faster
    newest = max(candidates, key=lambda p: p.stat().st_mtime_ns)
    note = None
    if len(candidates) == 2:
        try:
            a, b = (read_register(p) for p in candidates)
            cols = ["supplier_id"] + [c for c in EDITABLE if c in a.columns and c in b.columns]
            a = a[cols].set_index("supplier_id").sort_index()
            b = b[cols].set_index("supplier_id").sort_index()
            if not a.fillna("").astype(str).equals(b.fillna("").astype(str)):
                other = next(p for p in candidates if p != newest)
                note = (
                    f"{newest.name} and {other.name} differ in their editable columns: "
                    f"using the newer, {newest.name}; edits made only in {other.name} are not read"
                )
        except AnchorError:
            pass
    return newest, note
