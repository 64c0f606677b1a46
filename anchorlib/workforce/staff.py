"""Workforce indicators: where an anchor's staff live, what they are paid, whom it hires.

Inputs are staff extracts, one row per employee (personal data: they stay
where their owner put them, and are never copied into outputs or the cache).
Outputs are aggregate tables, every one through disclosure control
(:mod:`anchorlib.workforce.disclosure`): no function here that feeds a report returns a
row per person.

* :func:`read_staff` reads and validates an extract (CSV or XLSX, header names
  detected flexibly) and reports every problem at once, naming file, row and column.
* :func:`workforce_indicators` turns validated staff of one or more anchors
  into the published tables: staff and pay by home tier and by IMD decile of
  the home LSOA, the share in the most deprived areas, the share paid at or
  above the Real Living Wage, and the share of new starters from deprived
  areas (the Healthcare Anchor Network's "impact hire" goal: at least 10%).
* :func:`staff_for_collaborative` gives each anchor's staff (its declared
  extract, or a labelled simulation for the demo), :func:`run_workforce` the
  whole step for a collaborative, written under ``outputs/<id>/workforce/<year>/``.

Conventions (docs/indicators/workforce.md has them all):

* **Hourly rate**, when an extract gives none: full-time-equivalent annual pay
  divided by ``37.5 hours x 52.143 weeks`` (52.143 = 365/7, the NHS Agenda for
  Change convention), i.e. ``annual pay / (FTE x 37.5 x 365/7)`` for actual
  (pro-rata) pay.  ``hours_per_week`` changes the 37.5.
* **Reference date** of financial year ``2024-25``: 31 March 2025.  Staff in
  post are those started on or before it and not left before it (a leaving
  date is the last day of service).  **Starters** started 1 April 2024 - 31 March 2025.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from anchorlib.core.errors import AnchorError
from anchorlib.data.catalogue import PROJECT_ROOT
from anchorlib.ledgers.parse import (
    clean_text,
    is_blank,
    numeric_date_order,
    parse_amount,
    parse_date,
)
from anchorlib.ledgers.read import LedgerReadError, column_letter, normalise_header, read_sheets
from anchorlib.workforce.disclosure import (
    DEFAULT_ROUNDING,
    DEFAULT_THRESHOLD,
    LinkedCells,
    dominated,
    round_to_base,
)

__all__ = [
    "HOURS_PER_WEEK",
    "WEEKS_PER_YEAR",
    "IMPACT_HIRE_TARGET",
    "STAFF_COLUMNS",
    "StaffDataError",
    "rlw_rates",
    "rlw_rate",
    "read_staff",
    "postcode_problems",
    "WorkforceOptions",
    "workforce_indicators",
    "write_workforce",
    "staff_for_collaborative",
    "run_workforce",
    "financial_year_bounds",
    "staff_plan",
    "build_workforce_asset",
    "workforce_asset_files",
    "workforce_asset_dir",
]

HOURS_PER_WEEK = 37.5
WEEKS_PER_YEAR = 365 / 7  # 52.143
IMPACT_HIRE_TARGET = 0.10
LONDON_REGION = "E12000007"
RLW_PATH = PROJECT_ROOT / "data" / "real_living_wage.yml"
#: Derived hourly rates outside this range are errors (monthly pay in an annual column, hours given as FTE ...).
PLAUSIBLE_HOURLY = (3.0, 500.0)
MAX_FTE = 1.5
COMBINED = "combined"
#: Headline cells (totals, the local and deprived counts, RLW and impact-hire numerators) are chosen as
#: complements for secondary suppression only after every other cell (their cost is multiplied by this).
HEADLINE_WEIGHT = 100.0


class StaffDataError(AnchorError, ValueError):
    """A staff extract cannot be used; ``problems`` lists every problem (file, sheet, row, column, problem)."""

    def __init__(self, message: str, problems: pd.DataFrame | None = None):
        super().__init__(message)
        self.problems = problems if problems is not None else pd.DataFrame(columns=PROBLEM_COLUMNS)


PROBLEM_COLUMNS = ["file", "sheet", "row", "column", "field", "value", "problem"]


# =============================================================================== Real Living Wage


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
    """The Real Living Wage table (data/real_living_wage.yml): year, uk, london, announced, announced_sure, deadline."""
    table = _rlw_file(str(path or RLW_PATH))
    return pd.DataFrame([r.model_dump() for r in table.rates])


def rlw_source(path: str | Path | None = None) -> dict:
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


# =============================================================================== reading an extract

#: Canonical columns of a validated staff frame (what read_staff returns).
STAFF_COLUMNS = [
    "anchor",
    "id",
    "home_postcode",
    "postcode_problem",
    "work_postcode",
    "rlw_area",
    "fte",
    "annual_pay",
    "fte_pay",
    "hourly_rate",
    "hourly_rate_source",
    "contract_type",
    "contract",
    "band",
    "start_date",
    "leaving_date",
    "simulated",
    "source_file",
    "source_row",
]

# Header names recognised for each field (after anchorlib.ledgers.read.normalise_header: lower case,
# punctuation to spaces).  Anything else in the extract (names, dates of birth ...) is dropped on reading.
_NAMES: dict[str, set[str]] = {
    "id": {
        "id",
        "employee",
        "employee id",
        "employee number",
        "employee no",
        "employee ref",
        "employee reference",
        "employee code",
        "staff id",
        "staff number",
        "staff no",
        "staff ref",
        "staff reference",
        "staff code",
        "person id",
        "person number",
        "personnel number",
        "personnel no",
        "payroll number",
        "payroll no",
        "payroll id",
        "emp no",
        "emp id",
        "emp number",
        "employee nbr",
        "assignment number",
        "assignment no",
        "worker id",
        "worker number",
        "unique id",
        "pseudonymised id",
        "pseudo id",
        "anonymised id",
    },
    "home_postcode": {
        "postcode",
        "post code",
        "home postcode",
        "home post code",
        "postcode home",
        "employee postcode",
        "staff postcode",
        "residential postcode",
        "residence postcode",
        "postcode of residence",
        "home address postcode",
        "address postcode",
        "home pc",
        "pc",
    },
    "work_postcode": {
        "work postcode",
        "work post code",
        "site postcode",
        "base postcode",
        "workplace postcode",
        "work location postcode",
        "location postcode",
        "office postcode",
        "work base postcode",
    },
    "fte": {
        "fte",
        "wte",
        "full time equivalent",
        "whole time equivalent",
        "contracted fte",
        "fte contracted",
        "fte ratio",
        "wte ratio",
        "contracted wte",
        "fte percent",
        "fte percentage",
        "wte percent",
        "fte value",
        "contract fte",
    },
    "hours": {
        "hours",
        "contracted hours",
        "weekly hours",
        "hours per week",
        "contracted weekly hours",
        "weekly contracted hours",
        "hours pw",
        "contract hours",
        "working hours",
        "hours worked per week",
    },
    "annual_pay": {
        "annual pay",
        "annual salary",
        "salary",
        "pay",
        "gross pay",
        "gross annual pay",
        "annual gross pay",
        "actual pay",
        "actual salary",
        "actual annual pay",
        "actual annual salary",
        "pro rata salary",
        "pro rata pay",
        "salary pro rata",
        "annual pay pro rata",
        "basic pay",
        "annual basic pay",
        "basic salary",
        "salary per annum",
        "pay per annum",
        "salary pa",
        "annual salary pro rata",
        "gross salary",
        "annual gross salary",
    },
    "fte_pay": {
        "fte salary",
        "fte pay",
        "full time salary",
        "full time equivalent salary",
        "fte annual salary",
        "annual salary fte",
        "salary fte",
        "wte salary",
        "whole time salary",
        "whole time equivalent salary",
        "full time annual salary",
        "salary full time equivalent",
        "fte annual pay",
        "annual fte salary",
        "spinal point salary",
        "scale point salary",
        "full time pay",
    },
    "hourly_rate": {
        "hourly rate",
        "hourly pay",
        "rate per hour",
        "pay per hour",
        "hourly wage",
        "basic hourly rate",
        "hourly rate of pay",
        "base hourly rate",
        "rate of pay per hour",
        "hourly",
    },
    "contract_type": {
        "contract type",
        "contract",
        "type of contract",
        "employment type",
        "contract status",
        "employment status",
        "employee category",
        "assignment category",
        "staff type",
        "employment basis",
        "contract basis",
        "assignment type",
    },
    "band": {
        "band",
        "grade",
        "pay band",
        "pay grade",
        "afc band",
        "agenda for change band",
        "pay scale",
        "scale",
        "salary band",
        "salary grade",
        "job grade",
        "grade band",
        "pay grade band",
        "band grade",
    },
    "start_date": {
        "start date",
        "date started",
        "start",
        "date of joining",
        "joining date",
        "join date",
        "date joined",
        "hire date",
        "date of hire",
        "employment start date",
        "commencement date",
        "date of commencement",
        "start date in post",
        "assignment start date",
        "organisation start date",
        "date started in post",
        "started",
    },
    "leaving_date": {
        "leaving date",
        "leave date",
        "date left",
        "end date",
        "termination date",
        "date of leaving",
        "leaver date",
        "left",
        "employment end date",
        "assignment end date",
        "date of termination",
        "leaving",
        "date leaving",
    },
    "simulated": {"simulated"},
}
FIELD_HINTS = {
    "id": "employee id / employee number / staff number / payroll number / person id",
    "home_postcode": "home postcode / postcode",
    "fte": "FTE / WTE / full time equivalent (a fraction, 1.0 = full time), or contracted weekly hours",
    "pay": "annual pay / annual salary (actual, pro rata), FTE salary (full-time rate), or hourly rate",
    "start_date": "start date / date started / date of joining / hire date",
}
#: Required: every one of these groups must have a column.
_REQUIRED = {
    "id": ("id",),
    "home_postcode": ("home_postcode",),
    "fte": ("fte", "hours"),
    "pay": ("annual_pay", "fte_pay", "hourly_rate"),
    "start_date": ("start_date",),
}
_CONTRACTS = [  # normalised contract types, first match wins
    ("apprentice", r"apprentic"),
    ("bank", r"\bbank\b"),
    ("zero_hours", r"zero"),
    ("casual", r"casual|sessional|relief|as and when"),
    ("fixed_term", r"fixed|\bftc\b|secondment"),
    ("temporary", r"\btemp"),
    ("permanent", r"perm|substantive|established|indefinite"),
]


def _field_of(header: str) -> str | None:
    norm = normalise_header(header)
    for fld, names in _NAMES.items():
        if norm in names:
            return fld
    return None


def _map_row(row: list, overrides: dict[str, str]) -> dict[str, list[int]]:
    """{field: [column indexes]} for a candidate header row."""
    found: dict[str, list[int]] = {}
    over = {normalise_header(v): k for k, v in overrides.items()}
    for i, cell in enumerate(row):
        if is_blank(cell):
            continue
        norm = normalise_header(str(cell))
        fld = over.get(norm) or (None if norm in over else _field_of(str(cell)))
        if fld and (fld not in overrides or norm in over):
            found.setdefault(fld, []).append(i)
    return found


def _missing_groups(found: dict) -> list[str]:
    return [g for g, fields in _REQUIRED.items() if not any(f in found for f in fields)]


@dataclass
class _Located:
    sheet: object
    header_at: int
    mapping: dict[str, int]


def _locate_header(path: Path, sheets, overrides: dict[str, str]) -> list[_Located]:
    found_any: list[_Located] = []
    best = None  # (score, sheet, idx, found) for the error message
    problems = []
    for sheet in sheets:
        for idx, row in enumerate(sheet.rows[:30]):
            found = _map_row(row, overrides)
            missing = _missing_groups(found)
            score = len(_REQUIRED) - len(missing)
            if not missing:
                dupes = {f: cols for f, cols in found.items() if len(cols) > 1}
                if dupes:
                    for f, cols in dupes.items():
                        names = ", ".join(f"{column_letter(c)} {str(row[c])!r}" for c in cols)
                        problems.append(
                            f"columns {names} all look like {f}; say which one with columns={{'{f}': ...}}"
                        )
                    break
                found_any.append(_Located(sheet, idx, {f: cols[0] for f, cols in found.items()}))
                break
            if best is None or score > best[0]:
                best = (score, sheet, idx, found)
    if problems:
        raise StaffDataError(f"{path}: ambiguous header:\n  " + "\n  ".join(problems))
    if not found_any:
        if best is None:
            raise StaffDataError(f"{path}: the file is empty")
        _, sheet, idx, found = best
        where = f"sheet {sheet.name!r}, " if sheet.name else ""
        row = sheet.rows[idx]
        seen = ", ".join(repr(str(c)) for c in row if not is_blank(c)) or "(nothing)"
        need = "\n  ".join(f"{g}: {FIELD_HINTS[g]}" for g in _missing_groups(found))
        raise StaffDataError(
            f"{path}: no header row names every required column. Best candidate: {where}row "
            f"{sheet.row_numbers[idx]} with {seen}.\nMissing:\n  {need}\n"
            "Rename the columns, or map them with read_staff(..., columns={'home_postcode': 'Your header'})."
        )
    return found_any


def _number(value) -> float:
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("not a number")
        return float(value)
    s = str(value).strip().replace(",", "")
    pct = s.endswith("%")
    s = s.rstrip("%").strip()
    try:
        x = float(s)
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(x):
        raise ValueError("not a number")
    return x / 100 if pct else x


def _contract(text: str | None) -> str | None:
    if text is None:
        return None
    low = text.lower()
    for name, pattern in _CONTRACTS:
        if re.search(pattern, low):
            return name
    return "other"


def _truthy(value) -> bool:
    if is_blank(value):
        return False
    return str(value).strip().lower() in {"true", "yes", "y", "1", "simulated", "sim"}


def read_staff(
    path: str | Path,
    anchor_id: str,
    *,
    columns: dict[str, str] | None = None,
    hours_per_week: float = HOURS_PER_WEEK,
    london: bool = False,
) -> pd.DataFrame:
    """Read and validate one anchor's staff extract: one row per employee.

    Required columns (any of the names in ``FIELD_HINTS``): id, home postcode,
    FTE (or contracted weekly hours), pay (annual pay, FTE salary or hourly
    rate) and start date; optional: work postcode, contract type, band/grade,
    leaving date, ``simulated``.  Other columns are dropped on reading.
    ``columns`` maps a field to the header that holds it when detection fails.

    Every problem in the file is collected and raised together as one
    :class:`StaffDataError` naming file, sheet, row and column.  Home postcodes
    are normalised (``anchorlib.data.postcodes.normalise_postcodes``), never
    guessed: an invalid or missing one is kept as missing with the reason in
    ``postcode_problem`` (see :func:`postcode_problems`), and counted as
    "unknown" in the indicators.  ``london``: the anchor's staff work in
    London (the London Real Living Wage applies) unless a work postcode says
    otherwise.  Returns :data:`STAFF_COLUMNS`, personal data: never publish it.
    """
    from anchorlib.data.postcodes import locate_postcodes, normalise_postcodes

    path = Path(path)
    overrides = dict(columns or {})
    unknown = set(overrides) - set(_NAMES)
    if unknown:
        raise StaffDataError(
            f"{path}: columns= names unknown fields {sorted(unknown)}; fields: {sorted(_NAMES)}"
        )
    try:
        sheets = read_sheets(path)
    except LedgerReadError as exc:
        raise StaffDataError(str(exc).replace("payment file", "staff extract")) from None
    located = _locate_header(path, sheets, overrides)

    problems: list[dict] = []
    records: list[dict] = []
    file_name = str(path)
    for loc in located:
        sheet, mapping = loc.sheet, loc.mapping
        header = sheet.rows[loc.header_at]

        def col(fld: str) -> str:
            i = mapping[fld]
            return f"{column_letter(i)} {str(header[i])!r}"

        data = list(zip(sheet.row_numbers[loc.header_at + 1 :], sheet.rows[loc.header_at + 1 :]))
        dayfirst = {
            f: numeric_date_order([r[mapping[f]] for _, r in data])
            for f in ("start_date", "leaving_date")
            if f in mapping
        }
        pct_fte = "fte" in mapping and bool(
            re.search(r"%|percent", str(header[mapping["fte"]]).lower())
        )
        for number, row in data:
            if all(is_blank(v) for v in row):
                continue

            def bad(fld: str, value, problem: str) -> None:
                shown = None if is_blank(value) else str(value)[:40]
                problems.append(
                    {
                        "file": file_name,
                        "sheet": sheet.name,
                        "row": number,
                        "column": col(fld) if fld in mapping else None,
                        "field": fld,
                        "value": shown,
                        "problem": problem,
                    }
                )

            get = {f: row[i] for f, i in mapping.items()}
            rec: dict = {"anchor": anchor_id, "source_file": file_name, "source_row": number}
            rec["id"] = clean_text(get.get("id"))
            if rec["id"] is None:
                bad("id", None, "no employee id")
            rec["_postcode"] = get.get("home_postcode")
            rec["_work_postcode"] = get.get("work_postcode")

            # FTE
            fte = None
            if not is_blank(get.get("fte")):
                try:
                    fte = _number(get["fte"])
                    if pct_fte and fte > MAX_FTE:
                        fte /= 100
                    if fte <= 0:
                        bad("fte", get["fte"], "FTE must be above 0")
                        fte = None
                    elif fte > MAX_FTE:
                        bad(
                            "fte",
                            get["fte"],
                            f"FTE above {MAX_FTE}: FTE is a fraction of full time (1.0 = full "
                            "time); weekly hours belong in a 'contracted hours' column",
                        )
                        fte = None
                except ValueError:
                    bad("fte", get["fte"], "FTE is not a number")
            elif not is_blank(get.get("hours")):
                try:
                    hours = _number(get["hours"])
                    if not 0 < hours <= hours_per_week * MAX_FTE:
                        bad(
                            "hours",
                            get["hours"],
                            f"contracted hours must be above 0 and at most "
                            f"{hours_per_week * MAX_FTE:g} a week",
                        )
                    else:
                        fte = hours / hours_per_week
                except ValueError:
                    bad("hours", get["hours"], "contracted hours is not a number")
            else:
                bad("fte" if "fte" in mapping else "hours", None, "no FTE (or contracted hours)")
            rec["fte"] = fte

            # pay
            pay = {}
            for fld in ("annual_pay", "fte_pay", "hourly_rate"):
                if fld in mapping and not is_blank(get[fld]):
                    try:
                        pence = parse_amount(get[fld])
                    except ValueError as exc:
                        bad(fld, get[fld], f"not an amount ({exc})")
                        continue
                    if pence <= 0:
                        bad(fld, get[fld], "pay must be above zero")
                        continue
                    pay[fld] = pence / 100
            if not pay and not any(
                f in mapping and not is_blank(get[f])
                for f in ("annual_pay", "fte_pay", "hourly_rate")
            ):
                bad(
                    next(f for f in ("annual_pay", "fte_pay", "hourly_rate") if f in mapping),
                    None,
                    "no pay (annual pay, FTE salary or hourly rate)",
                )
            rec["annual_pay"], rec["fte_pay"] = pay.get("annual_pay"), pay.get("fte_pay")
            hourly, source = pay.get("hourly_rate"), "given"
            year_hours = hours_per_week * WEEKS_PER_YEAR
            if hourly is None and "fte_pay" in pay:
                hourly, source = pay["fte_pay"] / year_hours, "from_fte_pay"
            elif hourly is None and "annual_pay" in pay and fte:
                hourly, source = pay["annual_pay"] / (fte * year_hours), "from_annual_pay"
            if hourly is not None and not PLAUSIBLE_HOURLY[0] <= hourly <= PLAUSIBLE_HOURLY[1]:
                fld = {
                    "given": "hourly_rate",
                    "from_fte_pay": "fte_pay",
                    "from_annual_pay": "annual_pay",
                }[source]
                bad(
                    fld,
                    get[fld],
                    f"gives an hourly rate of £{hourly:,.2f}, outside £{PLAUSIBLE_HOURLY[0]:g}-"
                    f"£{PLAUSIBLE_HOURLY[1]:g}: is the pay monthly, or the FTE wrong?",
                )
                hourly = None
            rec["hourly_rate"] = hourly
            rec["hourly_rate_source"] = source if hourly is not None else None
            if rec["annual_pay"] is None and fte:
                if rec["fte_pay"] is not None:
                    rec["annual_pay"] = rec["fte_pay"] * fte
                elif hourly is not None:
                    rec["annual_pay"] = hourly * fte * year_hours

            # dates
            for fld in ("start_date", "leaving_date"):
                value = get.get(fld)
                rec[fld] = None
                if is_blank(value):
                    if fld == "start_date":
                        bad(fld, None, "no start date")
                    continue
                try:
                    rec[fld] = parse_date(value, dayfirst.get(fld, True))
                except ValueError as exc:
                    bad(fld, value, str(exc))
            if (
                rec["start_date"]
                and rec["leaving_date"]
                and rec["leaving_date"] < rec["start_date"]
            ):
                bad(
                    "leaving_date",
                    get.get("leaving_date"),
                    f"leaving date is before the start date {rec['start_date']}",
                )

            rec["contract_type"] = clean_text(get.get("contract_type"))
            rec["contract"] = _contract(rec["contract_type"])
            rec["band"] = clean_text(get.get("band"))
            rec["simulated"] = _truthy(get.get("simulated"))
            records.append(rec)

    ids = pd.Series([r["id"] for r in records], dtype="str")
    repeated = ids[ids.notna() & ids.duplicated(keep=False)]
    for value, rows in repeated.groupby(repeated).groups.items():
        where = [records[i]["source_row"] for i in rows]
        for i in rows[1:]:
            r = records[i]
            problems.append(
                {
                    "file": file_name,
                    "sheet": None,
                    "row": r["source_row"],
                    "column": None,
                    "field": "id",
                    "value": value,
                    "problem": f"employee id repeated (rows {where}); one row per employee",
                }
            )
    if problems:
        table = pd.DataFrame(problems, columns=PROBLEM_COLUMNS).sort_values(["row"], kind="stable")
        lines = [
            f"  row {p.row}{f' (sheet {p.sheet})' if pd.notna(p.sheet) else ''}"
            f"{f', column {p.column}' if pd.notna(p.column) else ''}: {p.problem}"
            f"{f' [{p.value}]' if pd.notna(p.value) else ''}"
            for p in table.itertuples()
        ]
        more = f"\n  ... and {len(lines) - 50} more (see .problems)" if len(lines) > 50 else ""
        raise StaffDataError(
            f"{path}: {len(lines)} problem(s) in the staff extract of anchor '{anchor_id}':\n"
            + "\n".join(lines[:50])
            + more,
            table.reset_index(drop=True),
        )
    if not records:
        raise StaffDataError(f"{path}: the staff extract has a header but no employees")

    out = pd.DataFrame(records)
    norm = normalise_postcodes(out["_postcode"].astype(object))
    out["home_postcode"] = norm["pcds"].astype("str")
    out["postcode_problem"] = norm["reason"].astype("str")
    out["work_postcode"] = pd.Series(pd.NA, index=out.index, dtype="str")
    out["rlw_area"] = "london" if london else "uk"
    if any("work_postcode" in loc.mapping for loc in located):
        work = locate_postcodes(out["_work_postcode"].astype(object))
        out["work_postcode"] = work["pcds"].astype("str")
        known = work["region_code"].notna()
        out.loc[known, "rlw_area"] = np.where(
            work.loc[known, "region_code"] == LONDON_REGION, "london", "uk"
        )
    for c in ("start_date", "leaving_date"):
        out[c] = pd.to_datetime(out[c])
    out = out.astype(
        {
            "id": "str",
            "fte": "float64",
            "annual_pay": "float64",
            "fte_pay": "float64",
            "hourly_rate": "float64",
            "hourly_rate_source": "str",
            "contract_type": "str",
            "contract": "str",
            "band": "str",
            "simulated": "bool",
            "source_row": "int64",
        }
    )
    return out[STAFF_COLUMNS]


def postcode_problems(staff: pd.DataFrame) -> pd.DataFrame:
    """For the data owner only (staff-level; never published): file, row and reason of each unusable home postcode."""
    bad = staff[staff["postcode_problem"].notna()]
    return bad[["anchor", "source_file", "source_row", "postcode_problem"]].reset_index(drop=True)


# =============================================================================== indicators


@dataclass
class WorkforceOptions:
    """Choices behind the workforce indicators (every one is printed in the outputs' meta.json)."""

    #: financial year -> Real Living Wage: 'announced' (the rate labelled with the year) or 'in_force'
    rlw_basis: Literal["announced", "in_force"] = "announced"
    #: the HAN impact-hire goal: share of new starters from deprived areas
    impact_hire_target: float = IMPACT_HIRE_TARGET
    #: pay cells are hidden when one person earns more than this share of the cell's pay
    dominance: float = 0.5
    #: published pay totals are rounded to this many pounds
    pay_rounding: int = 1000
    #: shares are published to this many decimal places (3: 0.1 percentage point)
    share_decimals: int = 3
    rlw_path: str | None = None


def _published_share(num, den, decimals: int):
    if pd.isna(num) or pd.isna(den) or not den:
        return pd.NA
    return round(float(num) / float(den), decimals)


def _staff_level(
    staff: pd.DataFrame, place, year: str, deprived: list[int], opts: WorkforceOptions
) -> pd.DataFrame:
    """Private working frame, one row per employee with the categories used (never returned by a public function)."""
    from anchorlib.config.places import UNKNOWN, classify_postcodes

    start, end = financial_year_bounds(year)
    ref = pd.Timestamp(end)
    located = classify_postcodes(place, staff["home_postcode"].astype(object).to_numpy())
    placed = located["status"].isin(["live", "terminated"]).to_numpy()
    tier = located["tier"].astype("str").to_numpy()
    decile = located["imd25_decile"].astype("Int64").to_numpy(dtype=float, na_value=np.nan)
    f = pd.DataFrame({"anchor": staff["anchor"].astype("str").to_numpy()})
    f["tier"] = np.where(~placed, UNKNOWN, np.where(tier == UNKNOWN, "outside_tiers", tier))
    named = np.array(["no_imd" if np.isnan(d) else str(int(d)) for d in decile], dtype=object)
    f["decile"] = np.where(~placed, UNKNOWN, named)
    f["deprived"] = np.isin(decile, deprived)
    ld = staff["leaving_date"]
    f["in_post"] = (staff["start_date"] <= ref).to_numpy() & (ld.isna() | (ld >= ref)).to_numpy()
    f["starter"] = (
        (staff["start_date"] >= pd.Timestamp(start)) & (staff["start_date"] <= ref)
    ).to_numpy()
    f["fte"] = staff["fte"].to_numpy()
    f["pay"] = staff["annual_pay"].fillna(0).to_numpy()
    rate = np.where(
        staff["rlw_area"].to_numpy() == "london",
        rlw_rate(year, "london", opts.rlw_basis, opts.rlw_path),
        rlw_rate(year, "uk", opts.rlw_basis, opts.rlw_path),
    )
    f["at_rlw"] = np.round(staff["hourly_rate"].to_numpy(dtype=float), 2) >= rate
    f["simulated"] = staff["simulated"].to_numpy(dtype=bool)
    f["starter_cat"] = np.where(
        f["deprived"],
        "deprived",
        np.where((f["decile"] == UNKNOWN) | (f["decile"] == "no_imd"), "no_decile", "not_deprived"),
    )
    return f


def workforce_indicators(
    staff: pd.DataFrame,
    place,
    year: str,
    settings=None,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int | None = DEFAULT_ROUNDING,
    options: WorkforceOptions | None = None,
) -> dict:
    """Published workforce indicators for each anchor in ``staff`` (and ``combined`` when there are several).

    ``staff``: validated staff (:func:`read_staff`), one or more anchors;
    ``place``: :class:`anchorlib.config.places.Place`; ``year``: financial year
    ``'2024-25'``; ``settings``: the collaborative's ``indicators`` (for
    ``deprived_deciles``; default deciles 1-2).

    Returns a dict of aggregate tables, all already through disclosure
    control (<NA> = suppressed; counts rounded to ``rounding``; pay to
    ``options.pay_rounding`` pounds; shares computed from unrounded figures):

    * ``staff_by_tier``: per anchor and home tier (innermost ring; ``unknown``:
      home postcode missing, invalid or not in the ONS lookup): headcount,
      headcount_share, fte, pay, pay_share, and a ``Total`` row.
    * ``staff_within_tier``: cumulative tiers (e.g. living in the place or
      its wider region) when the place has more than one bounded tier.
    * ``staff_by_decile``: per anchor and IMD 2025 decile of the home LSOA
      (``no_imd``: placed, but outside England; ``unknown`` as above).
    * ``deprived``: staff (and pay) living in the ``deprived_deciles``.
    * ``rlw``: staff paid at or above the Real Living Wage for the year.
    * ``impact_hires``: starters in the year, those from deprived areas and their share against the target.
    * ``summary``: the headline figures per anchor; ``meta``: every convention used.
    """
    opts = options or WorkforceOptions()
    deprived = sorted(getattr(settings, "deprived_deciles", None) or [1, 2])
    missing = set(STAFF_COLUMNS) - set(staff.columns)
    if missing:
        raise ValueError(
            f"staff lacks columns {sorted(missing)}: read it with anchorlib.workforce.staff.read_staff"
        )
    if staff.empty:
        raise ValueError("no staff")
    financial_year_bounds(year)
    f = _staff_level(staff, place, year, deprived, opts)

    anchors = list(dict.fromkeys(f["anchor"]))
    groups = anchors + ([COMBINED] if len(anchors) > 1 else [])
    tiers = [t.name for t in place.tiers]
    has_everywhere = any(t.everywhere for t in place.tiers)
    tier_cats = tiers + ([] if has_everywhere else ["outside_tiers"]) + ["unknown"]
    cumulative = [t.name for i, t in enumerate(place.tiers) if i > 0 and not t.everywhere]
    decile_cats = [str(d) for d in range(1, 11)] + ["no_imd", "unknown"]
    starter_cats = ["deprived", "not_deprived", "no_decile"]

    def members(g):
        return f if g == COMBINED else f[f["anchor"] == g]

    # ---- the cells, one linked system per measure (count, fte, pay)
    n_cells, fte_cells, pay_cells = LinkedCells(), LinkedCells(), LinkedCells()
    largest: dict = {}

    def staff_keys(g):
        keys = (
            [("staff", g)]
            + [("tier", g, t) for t in tier_cats if t != "unknown"]
            + [("unplaced", g)]
        )
        keys += [("decile", g, d) for d in decile_cats if d != "unknown"]
        keys += [("within", g, t) for t in cumulative] + [("deprived", g)]
        return keys

    def staff_parts(post: pd.DataFrame, key):
        kind = key[0]
        if kind == "staff":
            return post
        if kind == "tier":
            return post[post["tier"] == key[2]]
        if kind == "unplaced":
            return post[post["tier"] == "unknown"]
        if kind == "decile":
            return post[post["decile"] == key[2]]
        if kind == "within":
            upto = tiers[: tiers.index(key[2]) + 1]
            return post[post["tier"].isin(upto)]
        if kind == "deprived":
            return post[post["deprived"]]
        raise KeyError(key)

    local_tier = _place_tier(place)

    def local_key(g):
        return (
            ("tier", g, local_tier) if tiers.index(local_tier) == 0 else ("within", g, local_tier)
        )

    for g in groups:
        m = members(g)
        post = m[m["in_post"]]
        headline = {("staff", g), ("deprived", g), local_key(g)}
        for key in staff_keys(g):
            part = staff_parts(post, key)
            w = HEADLINE_WEIGHT if key in headline else 1.0
            n_cells.add(key, len(part), w)
            fte_cells.add(key, round(float(part["fte"].sum()), 6), w)
            pay_cells.add(key, round(float(part["pay"].sum()), 2), w)
            largest[key] = float(part["pay"].max()) if len(part) else 0.0
        for cells in (n_cells, fte_cells, pay_cells):
            cells.relate(
                ("staff", g),
                [("tier", g, t) for t in tier_cats if t != "unknown"] + [("unplaced", g)],
            )
            cells.relate(
                ("staff", g),
                [("decile", g, d) for d in decile_cats if d != "unknown"] + [("unplaced", g)],
            )
            cells.relate(("deprived", g), [("decile", g, str(d)) for d in deprived])
            for t in cumulative:
                cells.relate(
                    ("within", g, t), [("tier", g, u) for u in tiers[: tiers.index(t) + 1]]
                )
        # counts only: Real Living Wage and starters
        n_cells.add(("rlw", g, "at_or_above"), int(post["at_rlw"].sum()), HEADLINE_WEIGHT)
        n_cells.add(("rlw", g, "below"), int((~post["at_rlw"]).sum()))
        n_cells.relate(("staff", g), [("rlw", g, "at_or_above"), ("rlw", g, "below")])
        starters = m[m["starter"]]
        n_cells.add(("starters", g), len(starters), HEADLINE_WEIGHT)
        for c in starter_cats:
            n_cells.add(
                ("starters", g, c),
                int((starters["starter_cat"] == c).sum()),
                HEADLINE_WEIGHT if c == "deprived" else 1.0,
            )
        n_cells.relate(("starters", g), [("starters", g, c) for c in starter_cats])
    if COMBINED in groups:  # a collaborative figure is the sum of its anchors' figures
        for cells in (n_cells, fte_cells, pay_cells):
            for key in [k for k in cells.values if k[1] == COMBINED]:
                cells.relate(key, [(key[0], a, *key[2:]) for a in anchors])

    hidden_n = n_cells.protect(n_cells.small_counts(threshold))
    hidden_fte = fte_cells.protect({k for k in fte_cells.values if k in hidden_n})
    pay_primary = {
        k
        for k in pay_cells.values
        if k in hidden_n or dominated(pay_cells.values[k], largest[k], opts.dominance)
    }
    hidden_pay = pay_cells.protect(pay_primary)
    for cells, hidden, primary in (
        (n_cells, hidden_n, n_cells.small_counts(threshold)),
        (fte_cells, hidden_fte, hidden_n & set(fte_cells.values)),
        (pay_cells, hidden_pay, pay_primary),
    ):
        problems = cells.check(hidden, primary)
        if (
            problems
        ):  # pragma: no cover - protect() guarantees this; a failure is a bug, never published
            raise AssertionError("disclosure check failed: " + "; ".join(problems[:5]))

    def n(key):
        return pd.NA if key in hidden_n else round_to_base(n_cells.values[key], rounding)

    def fte(key):
        return pd.NA if key in hidden_fte else round(fte_cells.values[key], 1)

    def pay(key):
        return (
            pd.NA if key in hidden_pay else round_to_base(pay_cells.values[key], opts.pay_rounding)
        )

    def share(cells, hidden, key, total):
        if key in hidden or total in hidden:
            return pd.NA
        return _published_share(cells.values[key], cells.values[total], opts.share_decimals)

    def n_share(key, total):
        return share(n_cells, hidden_n, key, total)

    def pay_share(key, total):
        return share(pay_cells, hidden_pay, key, total)

    labels = {g: _data_label(members(g)) for g in groups}

    def staff_row(g, label, key):
        return {
            "anchor": g,
            **label,
            "headcount": n(key),
            "headcount_share": n_share(key, ("staff", g)),
            "fte": fte(key),
            "pay": pay(key),
            "pay_share": pay_share(key, ("staff", g)),
            "data": labels[g],
        }

    def tier_key(g, t):
        return ("unplaced", g) if t == "unknown" else ("tier", g, t)

    def decile_key(g, d):
        return ("unplaced", g) if d == "unknown" else ("decile", g, d)

    by_tier = pd.DataFrame(
        [staff_row(g, {"tier": t}, tier_key(g, t)) for g in groups for t in tier_cats]
        + [staff_row(g, {"tier": "Total"}, ("staff", g)) for g in groups]
    )
    within = pd.DataFrame(
        [
            staff_row(g, {"tier": t}, ("tier", g, t) if i == 0 else ("within", g, t))
            for g in groups
            for i, t in enumerate(tiers)
            if not place.tiers[i].everywhere
        ]
    )
    by_decile = pd.DataFrame(
        [staff_row(g, {"imd25_decile": d}, decile_key(g, d)) for g in groups for d in decile_cats]
        + [staff_row(g, {"imd25_decile": "Total"}, ("staff", g)) for g in groups]
    )
    dep = pd.DataFrame(
        [staff_row(g, {"deciles": _decile_label(deprived)}, ("deprived", g)) for g in groups]
    )
    uk_rate = rlw_rate(year, "uk", opts.rlw_basis, opts.rlw_path)
    ldn_rate = rlw_rate(year, "london", opts.rlw_basis, opts.rlw_path)
    rlw = pd.DataFrame(
        [
            {
                "anchor": g,
                "year": year,
                "rlw_uk": uk_rate,
                "rlw_london": ldn_rate,
                "staff": n(("staff", g)),
                "at_or_above": n(("rlw", g, "at_or_above")),
                "below": n(("rlw", g, "below")),
                "share_at_or_above": n_share(("rlw", g, "at_or_above"), ("staff", g)),
                "data": labels[g],
            }
            for g in groups
        ]
    )
    hires = []
    for g in groups:
        s = n_share(("starters", g, "deprived"), ("starters", g))
        hires.append(
            {
                "anchor": g,
                "year": year,
                "starters": n(("starters", g)),
                "deprived": n(("starters", g, "deprived")),
                "not_deprived": n(("starters", g, "not_deprived")),
                "no_decile": n(("starters", g, "no_decile")),
                "deprived_share": s,
                "target": opts.impact_hire_target,
                "meets_target": pd.NA if pd.isna(s) else bool(s >= opts.impact_hire_target),
                "data": labels[g],
            }
        )
    hires = pd.DataFrame(hires)
    summary = pd.DataFrame(
        [
            {
                "anchor": g,
                "year": year,
                "staff": n(("staff", g)),
                f"in_{local_tier}_share": n_share(local_key(g), ("staff", g)),
                f"pay_in_{local_tier}_share": pay_share(local_key(g), ("staff", g)),
                "deprived_share": n_share(("deprived", g), ("staff", g)),
                "rlw_share": n_share(("rlw", g, "at_or_above"), ("staff", g)),
                "starters": n(("starters", g)),
                "impact_hire_share": n_share(("starters", g, "deprived"), ("starters", g)),
                "data": labels[g],
            }
            for g in groups
        ]
    )
    for table in (by_tier, within, by_decile, dep, rlw, hires, summary):
        for c in (
            "headcount",
            "staff",
            "at_or_above",
            "below",
            "starters",
            "deprived",
            "not_deprived",
            "no_decile",
        ):
            if c in table.columns:
                table[c] = table[c].astype("Int64")
        if "pay" in table.columns:
            table["pay"] = table["pay"].astype("Int64" if opts.pay_rounding else "Float64")
        for c in [c for c in table.columns if c.endswith("share") or c == "fte"]:
            table[c] = table[c].astype("Float64")
    start, end = financial_year_bounds(year)
    meta = {
        "year": year,
        "reference_date": end.isoformat(),
        "starters_from": start.isoformat(),
        "starters_to": end.isoformat(),
        "place": place.name,
        "tiers": tiers,
        "local_tier": local_tier,
        "deprived_deciles": deprived,
        "imd": "English Indices of Deprivation 2025 (LSOA 2021), decile 1 = most deprived",
        "disclosure": {
            "threshold": threshold,
            "rounding": rounding,
            "pay_rounding": opts.pay_rounding,
            "dominance": opts.dominance,
            "share_decimals": opts.share_decimals,
            "suppressed": "<NA> / empty: suppressed (a count below the threshold, or hidden to protect one)",
            "shares": "computed from unrounded figures; protection does not rely on rounding",
        },
        "rlw": {
            "basis": opts.rlw_basis,
            "uk": uk_rate,
            "london": ldn_rate,
            **rlw_source(opts.rlw_path),
        },
        "hours_convention": f"hourly rate = FTE annual pay / ({HOURS_PER_WEEK:g} h x 365/7 weeks) when not given",
        "impact_hire_target": opts.impact_hire_target,
        "anchors": anchors,
        "data": labels,
    }
    return {
        "staff_by_tier": by_tier,
        "staff_within_tier": within,
        "staff_by_decile": by_decile,
        "deprived": dep,
        "rlw": rlw,
        "impact_hires": hires,
        "summary": summary,
        "meta": meta,
    }


def _decile_label(deciles: list[int]) -> str:
    if deciles == list(range(deciles[0], deciles[-1] + 1)):
        return f"{deciles[0]}-{deciles[-1]}" if len(deciles) > 1 else str(deciles[0])
    return ",".join(map(str, deciles))


def _place_tier(place) -> str:
    """The tier that is the place itself (``place: true``), else the innermost."""
    lsoas = frozenset(place.lsoas)
    for t in place.tiers:
        if t.lsoas == lsoas and not t.everywhere:
            return t.name
    return place.tiers[0].name


def _data_label(members: pd.DataFrame) -> str:
    sim = members["simulated"]
    return "simulated" if sim.all() else "supplied" if not sim.any() else "partly simulated"


# =============================================================================== writing and running


PUBLISHED_TABLES = (
    "summary",
    "staff_by_tier",
    "staff_within_tier",
    "staff_by_decile",
    "deprived",
    "rlw",
    "impact_hires",
)


def write_workforce(result: dict, out_dir: str | Path) -> dict[str, Path]:
    """Write the published tables (CSV) and meta.json to ``out_dir``; aggregates only, all or nothing
    (:func:`anchorlib.core.atomic.write_all`: a failure leaves the previous files as they were)."""
    from anchorlib.core.atomic import write_all

    out_dir = Path(out_dir)
    targets = {name: out_dir / f"{name}.csv" for name in PUBLISHED_TABLES}
    writers = {
        name: (lambda tmp, t=result[name]: t.to_csv(tmp, index=False)) for name in PUBLISHED_TABLES
    }
    targets["meta"] = out_dir / "meta.json"
    writers["meta"] = lambda tmp: Path(tmp).write_text(
        json.dumps(result["meta"], indent=2, default=str) + "\n", encoding="utf-8"
    )
    return write_all(targets, writers)


def _site_in_london(anchor) -> bool:
    from anchorlib.data.postcodes import locate_postcodes

    if not anchor.sites:
        return False
    regions = locate_postcodes(anchor.sites)["region_code"]
    return bool(regions.notna().all() and (regions == LONDON_REGION).all())


def staff_plan(
    collab, *, sizes: dict[str, int] | None = None, seed: int | None = None
) -> list[dict]:
    """Where each anchor's staff figures come from, without reading any staff data (for keys and notes):
    ``{"anchor", "source": "extract", "path"}`` (its declared ``staff`` file, relative to the collaborative
    YAML), ``{"anchor", "source": "simulated", "size", "seed"}`` (``simulate_staff: true``, anchorlib.demo.staff)
    or ``{"anchor", "source": "none"}``."""
    from anchorlib.demo import staff as demo_staff

    out = []
    for a in collab.anchors:
        if a.staff:
            path = Path(a.staff)
            out.append(
                {
                    "anchor": a.id,
                    "source": "extract",
                    "path": path if path.is_absolute() else collab.path.parent / path,
                }
            )
        elif collab.spec.simulate_staff:
            n = (sizes or {}).get(a.id) or demo_staff.DEMO_SIZES.get(
                a.type, demo_staff.DEMO_SIZES["other"]
            )
            out.append(
                {
                    "anchor": a.id,
                    "source": "simulated",
                    "size": int(n),
                    "seed": int(seed if seed is not None else demo_staff.SEED),
                }
            )
        else:
            out.append({"anchor": a.id, "source": "none"})
    return out


def staff_for_collaborative(
    collab,
    year: str | None = None,
    *,
    out_root: str | Path | None = None,
    sizes: dict[str, int] | None = None,
    seed: int | None = None,
    skip_missing: bool = False,
) -> dict[str, pd.DataFrame]:
    """Each anchor's validated staff: its declared ``staff`` extract (path relative to the collaborative YAML),
    else, when the collaborative sets ``simulate_staff: true``, a seeded simulation (anchorlib.demo.staff)
    written to ``outputs/<id>/private/staff_<anchor>.csv`` and read back through :func:`read_staff`.
    Anchors with neither are an error naming them all (left out with ``skip_missing=True``).  A
    :class:`StaffDataError` carries the anchor it is about in ``.anchor``."""
    from anchorlib.demo import staff as demo_staff

    year = year or latest_year()
    plan = staff_plan(collab, sizes=sizes, seed=seed)
    missing = [p["anchor"] for p in plan if p["source"] == "none"]
    if missing and not skip_missing:
        raise StaffDataError(
            f"{collab.path}: no staff extract for anchor(s) {missing}: give each a `staff: path/to/extract.csv` "
            "(relative to the collaborative file), or set `simulate_staff: true` for a labelled simulation (demo only)"
        )
    out: dict[str, pd.DataFrame] = {}
    for p in plan:
        if p["source"] == "none":
            continue
        a = collab.anchor(p["anchor"])
        try:
            london = _site_in_london(a)
            if p["source"] == "extract":
                out[a.id] = read_staff(p["path"], a.id, london=london)
            else:
                sim = demo_staff.simulate_staff(a, collab.place, p["size"], p["seed"], year=year)
                path = demo_staff.write_private(
                    sim,
                    collab.output_dir(Path(out_root) if out_root else None) / "private",
                    f"staff_{a.id}.csv",
                )
                out[a.id] = read_staff(path, a.id, london=london)
        except StaffDataError as exc:
            exc.anchor = a.id
            raise
    return out


def latest_year() -> str:
    return str(rlw_rates()["year"].iloc[-1])


def run_workforce(
    collab,
    year: str | None = None,
    *,
    out_root: str | Path | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int | None = DEFAULT_ROUNDING,
    options: WorkforceOptions | None = None,
    sizes: dict[str, int] | None = None,
) -> dict:
    """The workforce step for a collaborative: staff in, published tables out under ``outputs/<id>/workforce/<year>/``."""
    year = year or latest_year()
    staff = staff_for_collaborative(collab, year, out_root=out_root, sizes=sizes)
    combined = pd.concat(staff.values(), ignore_index=True)
    result = workforce_indicators(
        combined,
        collab.place,
        year,
        collab.spec.indicators,
        threshold=threshold,
        rounding=rounding,
        options=options,
    )
    out_dir = collab.output_dir(Path(out_root) if out_root else None) / "workforce" / year
    result["outputs"] = write_workforce(result, out_dir)
    return result


# =============================================================================== the shared asset of `anchor run`

#: Where ``anchor run`` puts the workforce aggregates, under the collaborative's output folder (aggregates
#: only: staff-level rows stay in ``outputs/<id>/private/``).
ASSET_DIR = Path("data") / "workforce"
SKIPPED_NOTE = (
    "No workforce figures: no anchor has a staff extract (`staff:` in the collaborative file) and the "
    "collaborative does not set `simulate_staff: true`."
)


def workforce_asset_dir(collab, out_root: str | Path | None = None) -> Path:
    return collab.output_dir(Path(out_root) if out_root else None) / ASSET_DIR


def workforce_asset_files(out_dir: Path) -> list[Path]:
    """The files of the workforce asset under a collaborative's output folder (tables, then meta.json)."""
    folder = Path(out_dir) / ASSET_DIR
    return [folder / f"{name}.csv" for name in PUBLISHED_TABLES] + [folder / "meta.json"]


def _asset_meta_extra(collab, plan: list[dict]) -> dict:
    names = {a.id: a.name for a in collab.anchors}
    return {
        "collaborative": collab.id,
        "anchor_names": names,
        "staff_data": {p["anchor"]: p["source"] for p in plan},
        "anchors_without_staff": [p["anchor"] for p in plan if p["source"] == "none"],
    }


def build_workforce_asset(
    collab, out_root: str | Path | None = None, year: str | None = None
) -> dict:
    """The workforce aggregates of ``anchor run``: every anchor with staff data (an extract, or the demo's
    simulation), through :func:`workforce_indicators`, written all or nothing to ``outputs/<id>/data/workforce/``
    (the tables of :func:`write_workforce` and meta.json, with ``status: built``).  Anchors without staff data
    are left out and named in meta.json; with none at all, meta.json says ``status: skipped`` and why, and
    no table is left behind.  Returns the meta.

    A staff extract that cannot be used is an error naming the anchor and the number of problems only: the
    details quote rows of personal data, so they are for the data owner (``anchor workforce``), not the site.
    """
    from anchorlib.core.atomic import write_all

    year = year or latest_year()
    plan = staff_plan(collab)
    out_dir = workforce_asset_dir(collab, out_root)
    extra = _asset_meta_extra(collab, plan)
    if all(p["source"] == "none" for p in plan):
        meta = {"status": "skipped", "year": year, "note": SKIPPED_NOTE, **extra}
        write_all(
            {"meta": out_dir / "meta.json"},
            {
                "meta": lambda tmp: Path(tmp).write_text(
                    json.dumps(meta, indent=2) + "\n", encoding="utf-8"
                )
            },
        )
        for p in workforce_asset_files(collab.output_dir(Path(out_root) if out_root else None))[
            :-1
        ]:
            p.unlink(missing_ok=True)
        return meta
    try:
        staff = staff_for_collaborative(collab, year, out_root=out_root, skip_missing=True)
    except StaffDataError as exc:
        who = getattr(exc, "anchor", None)
        n = len(exc.problems)
        raise StaffDataError(
            f"workforce: the staff extract of anchor '{who}' cannot be used"
            + (f" ({n} problem(s))" if n else "")
            + f"; the details quote staff records, so they are not shown here: run `anchor workforce "
            f"{collab.path}` to see them"
        ) from None
    result = workforce_indicators(
        pd.concat(staff.values(), ignore_index=True), collab.place, year, collab.spec.indicators
    )
    result["meta"] = {"status": "built", **result["meta"], **extra}
    write_workforce(result, out_dir)
    return result["meta"]
