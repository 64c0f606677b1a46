"""Workforce: staff extracts read as published and counted as people (not assignments), Real
Living Wage rates, and statistical disclosure control for anything published about people.

May import: ``core``, ``data``, ``config``, ``ledgers`` (the file reader).
Must not import: suppliers or anything above it.
"""

from anchorlib.workforce.disclosure import (
    DEFAULT_ROUNDING,
    DEFAULT_THRESHOLD,
    MIN_THRESHOLD,
    TOTAL,
    LinkedCells,
    check_safe,
    check_threshold,
    determined,
    dominated,
    protect,
    round_to_base,
    suppress,
    suppression_mask,
)
from anchorlib.workforce.people import MOVE_GAP_DAYS, esr_assignment_number, people
from anchorlib.workforce.rates import (
    HOURS_PER_WEEK,
    RLW_PATH,
    WEEKS_PER_YEAR,
    default_year,
    financial_year_bounds,
    latest_year,
    rlw_rate,
    rlw_rates,
    rlw_source,
)
from anchorlib.workforce.staff import (
    LONDON_REGION,
    STAFF_COLUMNS,
    StaffDataError,
    postcode_problems,
    read_staff,
)

__all__ = [
    "DEFAULT_ROUNDING",
    "DEFAULT_THRESHOLD",
    "HOURS_PER_WEEK",
    "LONDON_REGION",
    "MIN_THRESHOLD",
    "MOVE_GAP_DAYS",
    "LinkedCells",
    "RLW_PATH",
    "STAFF_COLUMNS",
    "StaffDataError",
    "TOTAL",
    "WEEKS_PER_YEAR",
    "check_safe",
    "check_threshold",
    "default_year",
    "determined",
    "dominated",
    "esr_assignment_number",
    "financial_year_bounds",
    "latest_year",
    "people",
    "postcode_problems",
    "protect",
    "read_staff",
    "rlw_rate",
    "rlw_rates",
    "rlw_source",
    "round_to_base",
    "suppress",
    "suppression_mask",
]
