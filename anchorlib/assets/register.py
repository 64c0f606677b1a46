"""The shared data assets of a collaborative, built once and read by every notebook and report.

outputs/<id>/data/ledger.parquet      canonical ledger of every anchor (``anchor ingest``)
outputs/<id>/data/suppliers.csv|xlsx  the supplier register (``anchor suppliers build``), edited by
                                      people
outputs/<id>/data/suppliers_registers.csv         what the public registers gave each matched
                                                  supplier (``anchor suppliers enrich``)
outputs/<id>/data/suppliers_registers_review.csv  register candidates offered for review
outputs/<id>/data/registers.json                  the registers read: dates, files, counts
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from anchorlib.config.collaborative import Collaborative, CollaborativeError
from anchorlib.core.atomic import write_all
from anchorlib.demo.supplier_postcodes import simulate_postcodes
from anchorlib.suppliers.attach import attach_suppliers
from anchorlib.suppliers.enrich import Enrichment, enrich_register
from anchorlib.suppliers.register import (
    build_register,
    find_previous,
    place_postcodes,
    read_register,
    read_register_matches,
    write_register,
)
from anchorlib.suppliers.registers import read_charities, read_companies_house
from anchorlib.suppliers.schema import (
    REGISTER_FIELDS,
    REGISTER_FILLED_EDITABLE,
    REGISTER_MATCH_COLUMNS,
    Register,
)

#: The register columns ``anchor suppliers enrich`` may change (with their ``_source`` columns).
REGISTER_OWNED = set(REGISTER_FIELDS + REGISTER_FILLED_EDITABLE + REGISTER_MATCH_COLUMNS)

REGISTER_NAME = "suppliers"
AUDIT_NAME = "suppliers_registers"
REGISTERS_META = "registers.json"


def data_dir(collab: Collaborative, out_root: Path | None = None) -> Path:
    return collab.output_dir(out_root) / "data"


def read_ledger(collab: Collaborative, out_root: Path | None = None) -> pd.DataFrame:
    """The collaborative's canonical ledger; a clear error when ``anchor ingest`` has not been
    run."""
    path = data_dir(collab, out_root) / "ledger.parquet"
    if not path.is_file():
        raise CollaborativeError(
            f"No ledger for '{collab.id}' at {path}: run `anchor ingest {collab.path}` first"
        )
    return pd.read_parquet(path)


def build_collaborative_register(
    collab: Collaborative, out_root: Path | None = None, fresh: bool = False
):
    """Build or rebuild the supplier register beside the ledger, keeping every human edit.

    With ``simulate_supplier_postcodes: true`` in the collaborative (the demo),
    suppliers with no postcode get a simulated one, labelled ``simulated``.
    Returns the Register and the paths written.
    """
    out = data_dir(collab, out_root)
    ledger = read_ledger(collab, out_root)
    prev_path, note = (None, None) if fresh else find_previous(out, REGISTER_NAME)
    prev = read_register(prev_path) if prev_path else None
    prev_matches = read_register_matches(prev_path) if prev_path else None
    simulate = None
    if collab.spec.simulate_supplier_postcodes:

        def simulate(ids):
            return simulate_postcodes(ids, collab.place)

    reg = build_register(
        ledger,
        previous=prev,
        place=collab.place,
        previous_matches=prev_matches,
        simulate_postcodes=simulate,
    )
    if note:
        reg.warnings.append(note)
    return reg, write_register(reg, out / REGISTER_NAME)


def read_located_ledger(collab: Collaborative, out_root: Path | None = None) -> pd.DataFrame:
    """The collaborative's ledger with supplier attributes (tier, IMD decile, org type ...) on every
    row."""
    out = data_dir(collab, out_root)
    path = out / f"{REGISTER_NAME}.csv"
    if not path.is_file():
        raise CollaborativeError(
            f"No supplier register for '{collab.id}' at {path}: run "
            f"`anchor suppliers build {collab.path}` first"
        )
    register = read_register(path)
    matches = read_register_matches(path)
    basis = collab.spec.indicators.deprivation_basis
    return attach_suppliers(read_ledger(collab, out_root), register, matches, basis)


def read_registers_meta(collab: Collaborative, out_root: Path | None = None) -> dict | None:
    """The registers the last ``anchor suppliers enrich`` read (dates, files, counts); None when the
    register has not been enriched."""
    import json

    path = data_dir(collab, out_root) / REGISTERS_META
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _cell(v) -> str | None:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    t = str(v).strip()
    return t or None


def _unchanged(before: pd.DataFrame, after: pd.DataFrame, meta_path: Path, meta: dict) -> bool:
    """Whether an enrich would write what is already there: every column it fills is equal (the
    places of postcodes follow from the postcodes) and it read the same registers."""
    import json

    try:
        old = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if json.loads(json.dumps(meta, default=str)) != old:
        return False
    cols = [
        c
        for c in after.columns
        if c in REGISTER_OWNED or c.endswith("_source") or c == "org_type_evidence"
    ]
    if any(c not in before.columns for c in cols) or len(before) != len(after):
        return False
    return all([_cell(v) for v in before[c]] == [_cell(v) for v in after[c]] for c in cols)


def enrich_collaborative_register(
    collab: Collaborative,
    companies_house=(),
    charities: Path | None = None,
    out_root: Path | None = None,
    progress: bool = True,
) -> tuple[Enrichment, dict[str, Path]]:
    """Enrich the collaborative's supplier register from the public registers (``anchor suppliers
    enrich``).

    The register files are read and checked first: a file that cannot be read raises before
    anything is written, so a failed run changes nothing.  The register is built first when there
    is none.  Writes the register (``suppliers.csv``/``.xlsx``, its matches and review kept), the
    audit ``suppliers_registers.csv``, the review ``suppliers_registers_review.csv`` and
    ``registers.json``; every file is replaced only when all are written.
    """
    import json

    ch = read_companies_house(list(companies_house), progress=progress) if companies_house else None
    cc = read_charities(charities, progress=progress) if charities else None
    if ch is None and cc is None:
        raise CollaborativeError("give --companies-house FILE and/or --charities FILE")
    out = data_dir(collab, out_root)
    prev_path, _note = find_previous(out, REGISTER_NAME)
    if prev_path is None:
        build_collaborative_register(collab, out_root)
        prev_path, _note = find_previous(out, REGISTER_NAME)
    reg = read_register(prev_path)
    matches = read_register_matches(prev_path)
    review_path = out / f"{REGISTER_NAME}_review.csv"
    review = (
        pd.read_csv(review_path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if review_path.is_file()
        else None
    )
    audit_path = out / f"{AUDIT_NAME}.csv"
    prev_audit = (
        pd.read_csv(audit_path, dtype=str, keep_default_na=False) if audit_path.is_file() else None
    )
    e = enrich_register(reg, ch, cc, previous_audit=prev_audit)
    meta = {"registers": e.registers, "counts": e.counts, "warnings": e.warnings}
    extra = {
        "audit": audit_path,
        "registers_review": out / f"{AUDIT_NAME}_review.csv",
        "meta": out / REGISTERS_META,
    }
    rev_path = extra["registers_review"]
    same_review = rev_path.is_file() and rev_path.read_text(encoding="utf-8-sig") == (
        e.review.to_csv(index=False)
    )
    if same_review and _unchanged(reg, e.register, extra["meta"], meta):
        e.warnings.append("nothing changed: the register files are left as they were")
        return e, {"csv": prev_path}  # an unchanged demo re-run then rebuilds nothing
    e.register = place_postcodes(e.register, collab.place, e.warnings)
    write_all(
        extra,
        {
            "audit": lambda p: e.audit.to_csv(p, index=False, encoding="utf-8-sig"),
            "registers_review": lambda p: e.review.to_csv(p, index=False, encoding="utf-8-sig"),
            "meta": lambda p: p.write_text(json.dumps(meta, indent=1, default=str), "utf-8"),
        },
    )
    full = Register(e.register, matches if matches is not None else Register(e.register).matches)
    if review is not None:
        full.review = review
    paths = write_register(full, out / REGISTER_NAME)
    return e, {**paths, **extra}
