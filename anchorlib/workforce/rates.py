"""The Real Living Wage rates (data/real_living_wage.yml) and the pay conventions and
financial-year helpers shared by the staff reader (:mod:`anchorlib.workforce.staff`), the workforce
indicators (:mod:`anchorlib.indicators.workforce`) and the demo's staff simulation
(:mod:`anchorlib.demo.staff`).

* **Hourly rate**, when an extract gives none: full-time-equivalent annual pay divided by
  ``hours per week x WEEKS_PER_YEAR`` (the anchor's contracted hours, default ``HOURS_PER_WEEK``
  = 37, the NJC week; 52.143 weeks = 365/7, the NHS Agenda for Change convention).
* **Financial year** ``2024-25``: 1 April 2024 - 31 March 2025 (:func:`financial_year_bounds`);
  the default year is the latest one complete before the extract date (:func:`default_year`).
* **Real Living Wage** of a year: the rate in force at its reference date, 31 March
  (:func:`rlw_rate`).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from anchorlib.core.errors import AnchorError
from anchorlib.data.catalogue import PROJECT_ROOT

__all__ = [
    "HOURS_PER_WEEK",
    "WEEKS_PER_YEAR",
    "RLW_PATH",
    "rlw_rates",
    "rlw_source",
    "rlw_rate",
    "financial_year_bounds",
    "default_year",
    "latest_year",
]

#: Contracted hours per week when an anchor declares none (NJC local government staff: 37).
HOURS_PER_WEEK = 37.0
WEEKS_PER_YEAR = 365 / 7  # 52.143
RLW_PATH = PROJECT_ROOT / "data" / "real_living_wage.yml"


class _RLWYear(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: str
    uk: float
    london: float
    announced: dt.date
    announced_sure: bool
    deadline: dt.date


class _RLWFile(BaseModel):
    model_config = ConfigDict(extra="allow")
    source: dict
    implementation: dict
    rates: list[_RLWYear]


@lru_cache(maxsize=4)
def _rlw_file(path: str) -> _RLWFile:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        table = _RLWFile.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise AnchorError(f"{path}: cannot read the Real Living Wage table: {exc}") from None
    years = [r.year for r in table.rates]
    for r in table.rates:
        if not re.fullmatch(r"\d{4}-\d{2}", r.year) or (int(r.year[:4]) + 1) % 100 != int(
            r.year[5:]
        ):
            raise AnchorError(f"{path}: year {r.year!r} is not a financial year such as 2024-25")
    if len(set(years)) != len(years) or years != sorted(years):
        raise AnchorError(f"{path}: years must be unique and in order, got {years}")
    return table


def rlw_rates(path: str | Path | None = None) -> pd.DataFrame:
    """The Real Living Wage table (data/real_living_wage.yml): year, uk, london, announced,
    announced_sure, deadline."""
    table = _rlw_file(str(path or RLW_PATH))
    return pd.DataFrame([r.model_dump() for r in table.rates])


def rlw_source(path: str | Path | None = None) -> dict:
    """Where the Real Living Wage table comes from: its ``source`` and ``implementation``
    sections."""
    table = _rlw_file(str(path or RLW_PATH))
    return {"source": table.source, "implementation": table.implementation}


def rlw_rate(
    year: str,
    area: Literal["uk", "london"] = "uk",
    basis: Literal["announced", "in_force"] = "in_force",
    path: str | Path | None = None,
) -> float:
    """The Real Living Wage (£/hour) to test pay in financial year ``year`` against, at its
    reference date (31 March, the end of the year).

    ``basis="in_force"`` (default): the rate in force at the reference date, i.e. the latest rate
    whose implementation deadline (``deadline``, 1 May) is on or before it (2024-25, reference
    date 31 March 2025: the 2023-24 rate, £12.00, deadline 1 May 2024; the £12.60 announced in
    October 2024 is due only from 1 May 2025).  ``basis="announced"`` (asked for explicitly): the
    latest rate announced on or before the reference date (2024-25: £12.60).
    """
    if basis not in ("announced", "in_force"):
        raise ValueError(f"basis must be 'announced' or 'in_force', got {basis!r}")
    if area not in ("uk", "london"):
        raise ValueError(f"area must be 'uk' or 'london', got {area!r}")
    ref = financial_year_bounds(year)[1]
    rates = rlw_rates(path)
    when = "deadline" if basis == "in_force" else "announced"
    due = rates[rates[when] <= ref]
    where = path or RLW_PATH
    if due.empty:
        raise AnchorError(
            f"No Real Living Wage rate for {year} (basis {basis!r}: none with its {when} on or "
            f"before {ref}) in {where}; years in the table: {', '.join(rates['year'])}"
        )
    last = rates.iloc[-1]
    # a newer rate must exist once a year has passed since the table's last one
    if ref >= last[when].replace(year=last[when].year + 1):
        raise AnchorError(
            f"No Real Living Wage rate for {year} (basis {basis!r}) in {where}: the table's "
            f"last rate ({last['year']}, {when} {last[when]}) was superseded before {ref}; add "
            f"the newer rates; years in the table: {', '.join(rates['year'])}"
        )
    return float(due.iloc[-1][area])


def financial_year_bounds(year: str) -> tuple[dt.date, dt.date]:
    """'2024-25' -> (2024-04-01, 2025-03-31)."""
    if (
        not isinstance(year, str)
        or not re.fullmatch(r"\d{4}-\d{2}", year)
        or (int(year[:4]) + 1) % 100 != int(year[5:])
    ):
        raise ValueError(f"{year!r} is not a financial year such as 2024-25")
    y = int(year[:4])
    return dt.date(y, 4, 1), dt.date(y + 1, 3, 31)


def default_year(extract_date: dt.date) -> str:
    """The latest financial year complete before ``extract_date`` (the day the staff were
    extracted): its 31 March is before that day.  An extract of 31 March 2025 gives 2023-24 (the
    last day of 2024-25 was not over); of 1 April 2025, 2024-25."""
    if isinstance(extract_date, dt.datetime):
        extract_date = extract_date.date()
    last_end = extract_date.year - (1 if (extract_date.month, extract_date.day) > (3, 31) else 2)
    # last_end: the calendar year in which the latest complete financial year began
    return f"{last_end}-{(last_end + 1) % 100:02d}"


def latest_year() -> str:
    """The latest financial year of the Real Living Wage table (the demo simulation's default year
    when none is given; the workforce figures default to :func:`default_year`)."""
    return str(rlw_rates()["year"].iloc[-1])
