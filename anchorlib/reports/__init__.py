"""Reports: what each report notebook shows: one builder module per notebook (tables, their
plain-English reading), charts, display helpers and the notebooks' parameter checks.

May import: every layer below: ``core`` to ``assets``.
Must not import: run, cli.
"""

from anchorlib.reports.anchor_spend import AnchorSpend, spend_reading
from anchorlib.reports.charts import ranked_deciles
from anchorlib.reports.display import (
    META_MIME,
    TABLE_MIME,
    format_value,
    simulated_banner,
    table_from_payload,
)
from anchorlib.reports.params import ParameterError, check_parameters, project_path
from anchorlib.reports.place_baseline import baseline_reading

__all__ = [
    "AnchorSpend",
    "META_MIME",
    "ParameterError",
    "TABLE_MIME",
    "baseline_reading",
    "check_parameters",
    "format_value",
    "project_path",
    "ranked_deciles",
    "simulated_banner",
    "spend_reading",
    "table_from_payload",
]
