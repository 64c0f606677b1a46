"""Demo: simulated data for the demo collaborative, always labelled simulated, and the builder
of the committed demo extract (``anchor data build-demo``).

May import: ``core``, ``data``, ``config``, ``ledgers``, ``suppliers``, ``workforce``.
Must not import: indicators, assets, reports, run, cli.
"""

from anchorlib.demo.extract import build_demo, extract_sizes, sha256_tree
from anchorlib.demo.staff import DEMO_SIZES, SEED, employee_id, simulate_staff, write_private
from anchorlib.demo.supplier_postcodes import SIMULATED, simulate_postcodes

__all__ = [
    "DEMO_SIZES",
    "SEED",
    "SIMULATED",
    "build_demo",
    "employee_id",
    "extract_sizes",
    "sha256_tree",
    "simulate_postcodes",
    "simulate_staff",
    "write_private",
]
