"""Staff extracts: one anchor's extract read and validated, one row per assignment.

Inputs are staff extracts, one row per employee or per assignment (a person with two posts, or
who moved post, has a row for each, under one person id: :mod:`anchorlib.workforce.people`
counts them as one person).  Personal data: they stay
where their owner put them, and are never copied into outputs or the cache).
Nothing here is published: the workforce indicators
(:mod:`anchorlib.indicators.workforce`) turn validated staff into aggregate
tables, every one through disclosure control (:mod:`anchorlib.workforce.disclosure`).

* :func:`read_staff` reads and validates an extract (CSV or XLSX, header names
  detected flexibly) and reports every problem at once, naming file, row and column.
* :func:`postcode_problems` lists, for the data owner, the unusable home postcodes.

Conventions (docs/indicators/workforce.md has them all):

* **Hourly rate**, when an extract gives none: full-time-equivalent annual pay
  divided by ``hours per week x 52.143 weeks`` (52.143 = 365/7, the NHS Agenda for
  Change convention), i.e. ``annual pay / (FTE x hours x 365/7)`` for actual
  (pro-rata) pay.  ``hours_per_week`` is the anchor's contracted full-time week (the
  collaborative's ``staff_hours_per_week``: 37 NJC staff, 40 police officers, 42 wholetime
  firefighters; default 37); contracted hours become FTE = hours / ``hours_per_week``.
* **FTE 0** (bank or zero-hours staff): kept, and reported as their own group by the
  indicators; their hourly rate is known only from an FTE salary or an hourly rate.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.core.errors import AnchorError
from anchorlib.core.normalise import clean_text, is_blank
from anchorlib.data.postcodes import locate_postcodes, normalise_postcodes
from anchorlib.ledgers.parse import (
    numeric_date_order,
    parse_amount,
    parse_date,
)
from anchorlib.ledgers.read import LedgerReadError, column_letter, normalise_header, read_sheets
from anchorlib.workforce.people import esr_assignment_number, esr_problem, repeated_rows
from anchorlib.workforce.rates import HOURS_PER_WEEK, WEEKS_PER_YEAR

__all__ = [
    "STAFF_COLUMNS",
    "PROBLEM_COLUMNS",
    "FIELD_HINTS",
    "LONDON_REGION",
    "StaffDataError",
    "read_staff",
    "postcode_problems",
]

LONDON_REGION = "E12000007"
#: Derived hourly rates outside this range are errors (monthly pay in an annual column, hours given
#: as FTE ...).
PLAUSIBLE_HOURLY = (3.0, 500.0)
MAX_FTE = 1.5


class StaffDataError(AnchorError, ValueError):
    """A staff extract cannot be used; ``problems`` lists every problem (file, sheet, row, column,
    problem)."""

    def __init__(self, message: str, problems: pd.DataFrame | None = None):
        super().__init__(message)
        self.problems = problems if problems is not None else pd.DataFrame(columns=PROBLEM_COLUMNS)


PROBLEM_COLUMNS = ["file", "sheet", "row", "column", "field", "value", "problem"]


#: Canonical columns of a validated staff frame (what read_staff returns).
STAFF_COLUMNS = [
    "anchor",
    "id",
    "assignment",
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
# punctuation to spaces).  Anything else in the extract (names, dates of birth ...) is dropped on
# reading.
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
        "worker id",
        "worker number",
        "unique id",
        "pseudonymised id",
        "pseudo id",
        "anonymised id",
    },
    # one of a person's posts (an NHS ESR assignment number ...): never the person id
    "assignment": {
        "assignment number",
        "assignment no",
        "assignment id",
        "assignment ref",
        "assignment",
        "position number",
        "post number",
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
    "id": (
        "person id / employee number / staff number / payroll number (one per person: an NHS ESR "
        "assignment number is not a person id)"
    ),
    "home_postcode": "home postcode / postcode",
    "fte": (
        "FTE / WTE / full time equivalent (a fraction, 1.0 = full time), or contracted weekly hours"
    ),
    "pay": (
        "annual pay / annual salary (actual, pro rata), FTE salary (full-time rate), or hourly rate"
    ),
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
                            f"columns {names} all look like {f}; "
                            f"say which one with columns={{'{f}': ...}}"
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
            "Rename the columns, or map them with "
            "read_staff(..., columns={'home_postcode': 'Your header'})."
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
    """Read and validate one anchor's staff extract: one row per employee or assignment.

    Required columns (any of the names in ``FIELD_HINTS``): person id, home postcode,
    FTE (or contracted weekly hours), pay (annual pay, FTE salary or hourly
    rate) and start date; optional: assignment number, work postcode, contract type, band/grade,
    leaving date, ``simulated``.  The person id is one per person: rows sharing it are that
    person's assignments (an NHS ESR assignment number as the id is refused, and so is a row
    repeating another: :mod:`anchorlib.workforce.people`).  Other columns are dropped on reading.
    ``columns`` maps a field to the header that holds it when detection fails.

    Every problem in the file is collected and raised together as one
    :class:`StaffDataError` naming file, sheet, row and column.  Home postcodes
    are normalised (``anchorlib.data.postcodes.normalise_postcodes``), never
    guessed: an invalid or missing one is kept as missing with the reason in
    ``postcode_problem`` (see :func:`postcode_problems`), and counted as
    "unknown" in the indicators.  ``london``: the anchor's staff work in
    London (the London Real Living Wage applies) unless a work postcode says
    otherwise.  ``hours_per_week``: the anchor's full-time contracted week (default 37), for
    hours -> FTE and the hourly rate from pay; FTE 0 (bank, zero hours) is kept.  Returns
    :data:`STAFF_COLUMNS`, personal data: never publish it.
    """
    path = Path(path)
    if not 0 < hours_per_week <= 60:
        raise StaffDataError(
            f"{path}: hours_per_week (the anchor's staff_hours_per_week) must be above 0 and at "
            f"most 60, got {hours_per_week!r}"
        )
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
    for loc in located:
        table = _TableReader(str(path), anchor_id, loc, hours_per_week, problems)
        records += table.records()
    repeated_rows(records, str(path), problems)
    if problems:
        _raise_problems(path, anchor_id, problems)
    if not records:
        raise StaffDataError(f"{path}: the staff extract has a header but no employees")
    return _staff_frame(records, located, london)


@dataclass
class _TableReader:
    """The rows under one located header, read into records; every problem is appended to
    ``problems`` (file, sheet, row, column, field, value, problem)."""

    file_name: str
    anchor_id: str
    loc: _Located
    hours_per_week: float
    problems: list[dict]
    dayfirst: dict[str, bool] = field(default_factory=dict)
    pct_fte: bool = False

    def records(self) -> list[dict]:
        sheet, mapping = self.loc.sheet, self.loc.mapping
        header = sheet.rows[self.loc.header_at]
        start = self.loc.header_at + 1
        data = list(zip(sheet.row_numbers[start:], sheet.rows[start:]))
        self.dayfirst = {
            f: numeric_date_order([r[mapping[f]] for _, r in data])
            for f in ("start_date", "leaving_date")
            if f in mapping
        }
        self.pct_fte = "fte" in mapping and bool(
            re.search(r"%|percent", str(header[mapping["fte"]]).lower())
        )
        out = []
        for number, row in data:
            if all(is_blank(v) for v in row):
                continue
            out.append(self._record(number, {f: row[i] for f, i in mapping.items()}))
        return out

    def _bad(self, number, fld: str, value, problem: str) -> None:
        mapping = self.loc.mapping
        header = self.loc.sheet.rows[self.loc.header_at]
        column = None
        if fld in mapping:
            i = mapping[fld]
            column = f"{column_letter(i)} {str(header[i])!r}"
        self.problems.append(
            {
                "file": self.file_name,
                "sheet": self.loc.sheet.name,
                "row": number,
                "column": column,
                "field": fld,
                "value": None if is_blank(value) else str(value)[:40],
                "problem": problem,
            }
        )

    def _record(self, number, get: dict) -> dict:
        bad = partial(self._bad, number)
        rec: dict = {"anchor": self.anchor_id, "source_file": self.file_name, "source_row": number}
        rec["id"] = clean_text(get.get("id"))
        if rec["id"] is None:
            bad("id", None, "no person id (employee number)")
        elif esr_assignment_number(rec["id"]):
            bad("id", rec["id"], esr_problem(rec["id"]))
            rec["id"] = None  # not a person: kept out of the repeated-row check
        rec["assignment"] = clean_text(get.get("assignment"))
        rec["_postcode"] = get.get("home_postcode")
        rec["_work_postcode"] = get.get("work_postcode")
        rec["fte"] = self._fte(get, bad)
        rec |= self._pay(get, rec["fte"], bad)
        rec |= self._dates(get, bad)
        rec["contract_type"] = clean_text(get.get("contract_type"))
        rec["contract"] = _contract(rec["contract_type"])
        rec["band"] = clean_text(get.get("band"))
        rec["simulated"] = _truthy(get.get("simulated"))
        return rec

    def _fte(self, get: dict, bad) -> float | None:
        """FTE from the FTE column (a fraction, or a percentage), else from contracted weekly
        hours."""
        hours_per_week = self.hours_per_week
        fte = None
        if not is_blank(get.get("fte")):
            try:
                fte = _number(get["fte"])
                if self.pct_fte and fte > MAX_FTE:
                    fte /= 100
                if fte < 0:
                    bad("fte", get["fte"], "FTE must not be negative (0: bank or zero hours)")
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
                if not 0 <= hours <= hours_per_week * MAX_FTE:
                    bad(
                        "hours",
                        get["hours"],
                        f"contracted hours must be 0 (bank or zero hours) to "
                        f"{hours_per_week * MAX_FTE:g} a week",
                    )
                else:
                    fte = hours / hours_per_week
            except ValueError:
                bad("hours", get["hours"], "contracted hours is not a number")
        else:
            fte_field = "fte" if "fte" in self.loc.mapping else "hours"
            bad(fte_field, None, "no FTE (or contracted hours)")
        return fte

    def _pay(self, get: dict, fte: float | None, bad) -> dict:
        """annual_pay, fte_pay, hourly_rate and hourly_rate_source of a row."""
        mapping = self.loc.mapping
        pay_fields = ("annual_pay", "fte_pay", "hourly_rate")
        pay = {}
        for fld in pay_fields:
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
        if not pay and not any(f in mapping and not is_blank(get[f]) for f in pay_fields):
            bad(
                next(f for f in pay_fields if f in mapping),
                None,
                "no pay (annual pay, FTE salary or hourly rate)",
            )
        rec = {"annual_pay": pay.get("annual_pay"), "fte_pay": pay.get("fte_pay")}
        hourly, source = pay.get("hourly_rate"), "given"
        year_hours = self.hours_per_week * WEEKS_PER_YEAR
        if hourly is None and "fte_pay" in pay:
            hourly, source = pay["fte_pay"] / year_hours, "from_fte_pay"
        elif hourly is None and "annual_pay" in pay and fte:  # FTE 0: no hourly rate
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
        return rec

    def _dates(self, get: dict, bad) -> dict:
        """start_date and leaving_date of a row (a leaving date is the last day of service)."""
        rec = {}
        for fld in ("start_date", "leaving_date"):
            value = get.get(fld)
            rec[fld] = None
            if is_blank(value):
                if fld == "start_date":
                    bad(fld, None, "no start date")
                continue
            try:
                rec[fld] = parse_date(value, self.dayfirst.get(fld, True))
            except ValueError as exc:
                bad(fld, value, str(exc))
        if rec["start_date"] and rec["leaving_date"] and rec["leaving_date"] < rec["start_date"]:
            bad(
                "leaving_date",
                get.get("leaving_date"),
                f"leaving date is before the start date {rec['start_date']}",
            )
        return rec


def _raise_problems(path: Path, anchor_id: str, problems: list[dict]) -> None:
    """Raise one StaffDataError listing (the first 50 of) every problem, the table in
    ``.problems``."""
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


def _staff_frame(records: list[dict], located: list[_Located], london: bool) -> pd.DataFrame:
    """The validated records as :data:`STAFF_COLUMNS`: postcodes normalised, the Real Living Wage
    area from the work postcode where there is one."""
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
            "assignment": "str",
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
    """For the data owner only (staff-level; never published): file, row and reason of each unusable
    home postcode."""
    bad = staff[staff["postcode_problem"].notna()]
    return bad[["anchor", "source_file", "source_row", "postcode_problem"]].reset_index(drop=True)
