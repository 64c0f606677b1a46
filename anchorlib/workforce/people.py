"""Staff counted as people, not assignments (rows).

A staff extract may hold several rows for one person: concurrent assignments (a second post, a bank
or casual job beside a substantive one) and internal moves (one assignment ends, the next starts).
Every published workforce figure counts **people**, so:

* a **person id** is required on every row (:func:`anchorlib.workforce.staff.read_staff` refuses a
  row without one), and the rows of one person id are one person;
* an **NHS ESR assignment number** is refused as a person id (:func:`esr_assignment_number`): it
  identifies one of a person's posts, not the person, so counting by it counts a person once per
  post.  ESR (the NHS Electronic Staff Record) numbers each employee with a person (employee)
  number, usually 8 digits, and each of their assignments with that number, a hyphen and an
  assignment suffix: ``12345678-02`` is the second assignment of person ``12345678`` (the suffix
  is written with one or two digits).  Rule: an id of 5-10 digits, a hyphen and 1-2 digits is an
  ESR assignment number;
* a row repeating another row's person id *and* assignment (or, with no assignment column, every
  field read) is the same row twice: refused, naming both rows (:func:`repeated_rows`);
* **an internal move is not a new hire** (:func:`people`): a person's assignments are joined into
  spells of continuous employment (an assignment starting at most :data:`MOVE_GAP_DAYS` days after
  another of theirs ended, or while one is running, continues the spell), and a person is a
  starter in a year only when a spell *begins* in it.

At the reference date a person in post is counted once: FTE and pay are the sums over their
assignments on the books; they are paid at or above the Real Living Wage only when every one of
those assignments is (each against its own workplace's rate); their home is the home postcode of
their latest-starting assignment on the books.  Persons are per anchor: two anchors' ids cannot be
matched, so one person employed by two anchors is two people in the combined figures.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "ESR_ASSIGNMENT",
    "MOVE_GAP_DAYS",
    "esr_assignment_number",
    "esr_problem",
    "repeated_rows",
    "people",
]

#: An NHS ESR assignment number: the person (employee) number, a hyphen, an assignment suffix.
ESR_ASSIGNMENT = re.compile(r"^\d{5,10}-\d{1,2}$")
#: The longest gap, in days, between one assignment's leaving date and the next assignment's start
#: that is still an internal move (a move often ends on a Friday and starts on the Monday, or
#: after a bank holiday week); a longer gap starts a new spell: a re-hire.
MOVE_GAP_DAYS = 7
#: The end of an assignment with no leaving date (still running), for the spell arithmetic.
_RUNNING = pd.Timestamp("2200-01-01")
#: The fields read from a row that make two rows of one person the same row (no assignment column).
_ROW_FIELDS = (
    "_postcode",
    "_work_postcode",
    "fte",
    "annual_pay",
    "fte_pay",
    "hourly_rate",
    "start_date",
    "leaving_date",
    "contract_type",
    "band",
)


def esr_assignment_number(value) -> bool:
    """Whether ``value`` looks like an NHS ESR assignment number (``12345678-02``)."""
    return isinstance(value, str) and bool(ESR_ASSIGNMENT.match(value.strip()))


def esr_problem(value: str) -> str:
    """The message for an ESR assignment number given as a person id."""
    person = value.strip().split("-")[0]
    return (
        f"{value!r} looks like an NHS ESR assignment number (person number {person} + '-' + "
        "assignment suffix): staff are counted as people, so give the person (employee) number "
        "as the id, and the assignment number, if wanted, in an 'Assignment Number' column"
    )


def repeated_rows(records: list[dict], file_name: str, problems: list[dict]) -> None:
    """A problem for every row that repeats an earlier one: the same person id and assignment, or,
    for rows with no assignment, the same person id and every field read.  Rows of one person
    that differ are that person's assignments (counted once, by :func:`people`)."""
    if not records:
        return

    def key(r: dict):
        if r["id"] is None:
            return None
        if r.get("assignment") is not None:
            return (r["id"], "assignment", r["assignment"])
        return (r["id"], "row", *(str(r.get(f)) for f in _ROW_FIELDS))

    keys = pd.Series([key(r) for r in records], dtype=object)
    known = keys.notna()
    repeated = keys[known & keys.duplicated(keep=False)]
    for _, idx in repeated.groupby(repeated.map(repr)).groups.items():
        where = [records[i]["source_row"] for i in idx]
        what = (
            "person id and assignment repeated"
            if records[idx[0]].get("assignment") is not None
            else "the same row twice (person id and every field repeated)"
        )
        for i in idx[1:]:
            r = records[i]
            problems.append(
                {
                    "file": file_name,
                    "sheet": None,
                    "row": r["source_row"],
                    "column": None,
                    "field": "id",
                    "value": r["id"],
                    "problem": f"{what} (rows {where})",
                }
            )


def _spell_starts(staff: pd.DataFrame, gap_days: int) -> pd.Series:
    """Per row, whether it begins a spell of its person's continuous employment (a row starting
    within ``gap_days`` of the end of an earlier row of theirs, or while one runs, continues it)."""
    order = staff.sort_values(["anchor", "id", "start_date", "source_row"], kind="stable")
    person = order["anchor"].astype(str) + "\x00" + order["id"].astype(str)
    end = order["leaving_date"].fillna(_RUNNING)
    # the latest end of the person's earlier rows (running maximum, shifted by one row)
    prev_end = end.groupby(person.to_numpy()).cummax().groupby(person.to_numpy()).shift(1)
    first = person.ne(person.shift(1))
    running = prev_end == _RUNNING  # an earlier row has no leaving date
    # a leaving date is the last day of service: the next day is no gap at all
    limit = prev_end.where(prev_end.notna() & ~running) + pd.Timedelta(days=gap_days + 1)
    cont = running | (order["start_date"] <= limit)
    return (first | ~cont).reindex(staff.index)


def people(
    staff: pd.DataFrame,
    start: pd.Timestamp,
    ref: pd.Timestamp,
    rates: np.ndarray,
    *,
    gap_days: int = MOVE_GAP_DAYS,
) -> pd.DataFrame:
    """One row per person (anchor and person id) of validated staff rows
    (:func:`anchorlib.workforce.staff.read_staff`): ``anchor``, ``id``, ``home_postcode``,
    ``on_books`` (an assignment running at ``ref``), ``fte`` and ``pay`` (sums over those
    assignments), ``at_rlw`` (every one of them paid at or above its rate in ``rates``, one per row:
    the Real Living Wage of the row's area), ``starter`` (a spell of employment begins between
    ``start`` and ``ref``: an internal move does not), ``assignments`` (rows on the books) and
    ``simulated``.  Personal data: never published."""
    s = staff.reset_index(drop=True)
    ld = s["leaving_date"]
    on = ((s["start_date"] <= ref) & (ld.isna() | (ld >= ref))).to_numpy()
    spell = _spell_starts(s, gap_days).to_numpy(dtype=bool)
    began = spell & ((s["start_date"] >= start) & (s["start_date"] <= ref)).to_numpy()
    hourly = s["hourly_rate"].to_numpy(dtype=float)
    fte = s["fte"].to_numpy(dtype=float)
    # a row counts in the Real Living Wage test when on the books with hours or a known rate; an
    # unknown rate is not shown to be at the rate (as for one row a person)
    tested = on & ((fte > 0) | ~np.isnan(hourly))
    below = tested & ~(np.round(hourly, 2) >= rates)
    # the home of the latest-starting row on the books, else of the latest-starting row
    rank = s.assign(_on=on).sort_values(["_on", "start_date", "source_row"], kind="stable")
    w = pd.DataFrame(
        {
            "anchor": s["anchor"].astype(str),
            "id": s["id"].astype(str),
            "on": on,
            "fte": np.where(on, fte, 0.0),
            "pay": np.where(on, s["annual_pay"].fillna(0).to_numpy(dtype=float), 0.0),
            "below": below,
            "began": began,
            "simulated": s["simulated"].to_numpy(dtype=bool),
        }
    )
    g = w.groupby(["anchor", "id"], sort=False)
    out = g.agg(
        on_books=("on", "any"),
        fte=("fte", "sum"),
        pay=("pay", "sum"),
        below=("below", "any"),
        starter=("began", "any"),
        assignments=("on", "sum"),
        simulated=("simulated", "any"),
    )
    home = (
        rank.assign(anchor=rank["anchor"].astype(str), id=rank["id"].astype(str))
        .groupby(["anchor", "id"], sort=False)["home_postcode"]
        .last()
    )
    out["home_postcode"] = home.reindex(out.index)
    out["at_rlw"] = ~out.pop("below")
    out["fte"] = out["fte"].round(6)
    return out.reset_index()[
        [
            "anchor",
            "id",
            "home_postcode",
            "on_books",
            "fte",
            "pay",
            "at_rlw",
            "starter",
            "assignments",
            "simulated",
        ]
    ]
