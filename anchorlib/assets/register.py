"""The shared data assets of a collaborative, built once and read by every notebook and report.

outputs/<id>/data/ledger.parquet      canonical ledger of every anchor (``anchor ingest``)
outputs/<id>/data/suppliers.csv|xlsx  the supplier register (``anchor suppliers build``), edited by
                                      people
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from anchorlib.config.collaborative import Collaborative, CollaborativeError
from anchorlib.demo.supplier_postcodes import simulate_postcodes
from anchorlib.suppliers.attach import attach_suppliers
from anchorlib.suppliers.register import (
    build_register,
    find_previous,
    read_register,
    read_register_matches,
    write_register,
)

REGISTER_NAME = "suppliers"


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
    return attach_suppliers(read_ledger(collab, out_root), register, matches)
