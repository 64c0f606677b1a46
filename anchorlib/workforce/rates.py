"""The Real Living Wage rates (data/real_living_wage.yml) and the pay conventions and
financial-year helpers shared by the staff reader (:mod:`anchorlib.workforce.staff`), the workforce
indicators (:mod:`anchorlib.indicators.workforce`) and the demo's staff simulation
(:mod:`anchorlib.demo.staff`).

* **Hourly rate**, when an extract gives none: full-time-equivalent annual pay divided by
  ``HOURS_PER_WEEK x WEEKS_PER_YEAR`` (37.5 hours x 52.143 weeks; 52.143 = 365/7, the NHS Agenda
  for Change convention).
* **Financial year** ``2024-25``: 1 April 2024 - 31 March 2025 (:func:`financial_year_bounds`).
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
    "latest_year",
]

HOURS_PER_WEEK = 37.5
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
    basis: Literal["announced", "in_force"] = "announced",
    path: str | Path | None = None,
) -> float:
    """The Real Living Wage (£/hour) to test pay in financial year ``year`` against.

    ``basis="announced"`` (default): the rate labelled with the year, announced
    in its autumn (2024-25: £12.60).  ``basis="in_force"``: the rate whose
    implementation deadline (1 May) had passed when the year began, i.e. the
    previous year's rate (2024-25: £12.00).
    """
    rates = rlw_rates(path).set_index("year")
    wanted = year
    if basis == "in_force":
        start = int(year[:4]) - 1
        wanted = f"{start}-{(start + 1) % 100:02d}"
    elif basis != "announced":
        raise ValueError(f"basis must be 'announced' or 'in_force', got {basis!r}")
    if area not in ("uk", "london"):
        raise ValueError(f"area must be 'uk' or 'london', got {area!r}")
    if wanted not in rates.index:
        raise AnchorError(
            f"No Real Living Wage rate for {wanted} (basis {basis!r}, for {year}) in "
            f"{path or RLW_PATH}; years in the table: {', '.join(rates.index)}"
        )
    return float(rates.loc[wanted, area])


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


def latest_year() -> str:
    """The latest financial year of the Real Living Wage table (the default year of the workforce
    figures)."""
    return str(rlw_rates()["year"].iloc[-1])
