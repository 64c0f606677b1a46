"""Indicators: every published number, as pure functions of data frames.

Spend (CLES and ICIC), the collaborative's combined spend and collective opportunity, progress
against the baseline year, place-based giving, workforce and the place summary. Each function's
docstring gives its definition and source; docs/indicators.md lists them.

May import: ``core``, ``data``, ``config``, ``ledgers``, ``suppliers``, ``workforce``.
Must not import: demo, assets, reports, run, cli.
"""

from anchorlib.indicators.addressable import addressable_rule, addressable_spend
from anchorlib.indicators.collective import (
    combined_totals,
    flag_intra_collaborative,
    flag_self_payments,
)
from anchorlib.indicators.coverage import (
    apply_common_threshold,
    common_full_years,
    comparable_basis,
    coverage_table,
)
from anchorlib.indicators.gates import located_gate, type_gate
from anchorlib.indicators.giving import place_giving
from anchorlib.indicators.lm3 import read_lm3_survey, validate_lm3_survey
from anchorlib.indicators.locate import locate_ledger
from anchorlib.indicators.opportunity import collective_opportunity
from anchorlib.indicators.place import format_summary, place_summary
from anchorlib.indicators.progress import (
    default_indicators,
    progress_table,
    targets_summary,
    year_coverage,
)
from anchorlib.indicators.rows import SpendError, distinct_values, spend_rows
from anchorlib.indicators.spend import spend_indicators
from anchorlib.indicators.tiers import place_tier, wider_tier
from anchorlib.indicators.workforce import (
    COMBINED,
    PUBLISHED_TABLES,
    WorkforceOptions,
    workforce_indicators,
)

__all__ = [
    "COMBINED",
    "PUBLISHED_TABLES",
    "SpendError",
    "WorkforceOptions",
    "addressable_rule",
    "addressable_spend",
    "apply_common_threshold",
    "common_full_years",
    "comparable_basis",
    "coverage_table",
    "collective_opportunity",
    "combined_totals",
    "default_indicators",
    "distinct_values",
    "flag_intra_collaborative",
    "flag_self_payments",
    "format_summary",
    "located_gate",
    "locate_ledger",
    "place_giving",
    "place_summary",
    "place_tier",
    "progress_table",
    "read_lm3_survey",
    "spend_indicators",
    "spend_rows",
    "targets_summary",
    "type_gate",
    "validate_lm3_survey",
    "wider_tier",
    "workforce_indicators",
    "year_coverage",
]
