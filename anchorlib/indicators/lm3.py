"""Local Multiplier 3 (New Economics Foundation, *The Money Trail*, 2002), from a re-spend survey.

:func:`read_lm3_survey` reads the survey CSV (format in docs/indicators/spend.md) and
:func:`lm3` computes LM3 = (R1 + R2 + R3) / R1 for a set of spend rows.
:func:`payroll_deduction_payee` and :func:`no_respend_payee` name the payees the NEF rounds
treat apart: payroll deductions (HMRC, pension funds) already inside a wage bill, and public
bodies and pension funds, which are not firms re-spending their income in the place.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from anchorlib.config.places import Place
from anchorlib.indicators.rows import PENCE, SpendError, pence_total, share, spend_rows, text_values
from anchorlib.indicators.tiers import local_tiers, place_tier

__all__ = [
    "LM3_COLUMNS",
    "LM3_KINDS",
    "read_lm3_survey",
    "validate_lm3_survey",
    "lm3",
    "payroll_deduction_payee",
    "no_respend_payee",
]

LM3_COLUMNS = [
    "kind",
    "anchor_id",
    "financial_year",
    "supplier_id",
    "local_respend_share",
    "wage_bill",
    "local_staff_share",
    "respondents",
    "source",
]
LM3_KINDS = ("supplier", "supplier_average", "staff")

#: HM Revenue & Customs under its published spellings (PAYE income tax and National Insurance are
#: paid to it out of the gross wage bill).
_HMRC = re.compile(
    r"\bHMRC\b|\bH\.?\s?M\.?\s+REVENUE\b|\bREVENUE\s*(?:AND|&)\s*CUSTOMS\b|\bINLAND REVENUE\b",
    re.I,
)
#: Pension funds and schemes (employer and employee contributions are paid to them out of, or on
#: top of, the gross wage bill).  Word-bounded: "Indespension Ltd" is a trailer maker.
_PENSION_FUND = re.compile(
    r"\bPENSIONS?\s+(?:FUND|SCHEME|PARTNERSHIP|AGENCY|AUTHORITY)\b|\bSUPERANNUATION\b|\bLGPS\b"
    r"|\bNHS\s+PENSIONS\b|\bTEACHERS'?\s+PENSIONS\b",
    re.I,
)
#: Categories that name a payroll deduction whoever the payee is.
_DEDUCTION_CATEGORY = re.compile(
    r"\bPAYE\b|\bNATIONAL\s+INSURANCE\b|\bSUPERANNUATION\b"
    r"|\bPENSIONS?\s+CONTRIBUTIONS?\b|\bEMPLOYERS?'?\s+PENSION",
    re.I,
)


def _matches(pattern: re.Pattern, *values) -> bool:
    return any(isinstance(v, str) and pattern.search(v) for v in values)


def payroll_deduction_payee(
    name: str | None, published: str | None = None, category: str | None = None
) -> bool:
    """Whether a payment is a payroll deduction: to HM Revenue & Customs or to a pension fund
    (by the payee's canonical or published name), or under a PAYE, National Insurance,
    superannuation or pension-contributions category.  These are part of a gross wage bill, so
    LM3 leaves them out of round 1 when the survey adds the wage bill (NEF, *The Money Trail*:
    each pound is tracked once)."""
    return (
        _matches(_HMRC, name, published)
        or _matches(_PENSION_FUND, name, published)
        or (_matches(_DEDUCTION_CATEGORY, category))
    )


def no_respend_payee(org_type: str | None, name: str | None, published: str | None = None) -> bool:
    """Whether a local payee gets no supplier re-spend share in LM3 round 3: a public body
    (``org_type`` ``public_body``, HMRC among them) or a pension fund.  Neither is a firm
    re-spending its income on local staff and suppliers as the surveyed suppliers do (NEF,
    *The Money Trail*, round 3 follows the suppliers' and staff's own spending)."""
    return (
        org_type == "public_body"
        or _matches(_PENSION_FUND, name, published)
        or _matches(_HMRC, name, published)
    )


def read_lm3_survey(path) -> pd.DataFrame:
    """Read the LM3 re-spend survey CSV (columns :data:`LM3_COLUMNS`; see docs/indicators/spend.md).

    One row per survey figure, ``kind``:

    * ``supplier``: ``supplier_id`` (register id) and ``local_respend_share``, the
      share of the supplier's income from the anchors that it re-spends in the
      place (local staff wages and local suppliers), from its survey return;
    * ``supplier_average``: ``local_respend_share`` applied to local suppliers
      with no return of their own (the surveyed average);
    * ``staff``: ``anchor_id``, ``financial_year``, ``wage_bill`` (£), ``local_staff_share``
      (share of the wage bill paid to staff living in the place) and
      ``local_respend_share`` (surveyed average share of staff spending made in the place).

    ``anchor_id`` / ``financial_year`` left empty on supplier rows apply to every anchor / year.
    """
    path = Path(path)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise SpendError(f"LM3 survey not found: {path}") from None
    except Exception as exc:
        raise SpendError(f"cannot read the LM3 survey {path}: {exc}") from None
    return validate_lm3_survey(df, str(path))


def validate_lm3_survey(df: pd.DataFrame, where: str = "LM3 survey") -> pd.DataFrame:
    """Check and type an LM3 survey table (as :func:`read_lm3_survey` describes)."""
    df = df.copy()
    if "kind" not in df.columns:
        raise SpendError(f"{where}: no 'kind' column (expected columns {', '.join(LM3_COLUMNS)})")
    for c in LM3_COLUMNS:
        if c not in df.columns:
            df[c] = None
    for c in ("kind", "anchor_id", "financial_year", "supplier_id", "source"):
        df[c] = text_values(df[c])
    problems = []
    for c in ("local_respend_share", "wage_bill", "local_staff_share", "respondents"):
        raw = text_values(df[c])
        num = pd.to_numeric(raw, errors="coerce")
        for i in raw.index[raw.notna() & num.isna()]:
            problems.append(f"row {i + 2}: {c} {raw[i]!r} is not a number")
        df[c] = num.astype(float)
    for i, r in df.iterrows():
        line = f"row {i + 2}"
        if r["kind"] not in LM3_KINDS:
            problems.append(f"{line}: kind {r['kind']!r} is not one of {', '.join(LM3_KINDS)}")
            continue
        need = {
            "supplier": ["supplier_id", "local_respend_share"],
            "supplier_average": ["local_respend_share"],
            "staff": [
                "anchor_id",
                "financial_year",
                "wage_bill",
                "local_staff_share",
                "local_respend_share",
            ],
        }[r["kind"]]
        for c in need:
            if r[c] is None or (isinstance(r[c], float) and np.isnan(r[c])):
                problems.append(f"{line} ({r['kind']}): {c} is required")
        for c in ("local_respend_share", "local_staff_share"):
            v = r[c]
            if isinstance(v, float) and not np.isnan(v) and not 0 <= v <= 1:
                problems.append(f"{line}: {c} {v} is not a share between 0 and 1")
        if isinstance(r["wage_bill"], float) and r["wage_bill"] < 0:
            problems.append(f"{line}: wage_bill is negative")
    if problems:
        raise SpendError(f"{where}: " + "; ".join(problems))
    return df[LM3_COLUMNS]


def _most_specific(cells: pd.DataFrame, figures: pd.DataFrame, key: list[str]) -> pd.Series:
    """For each cell (anchor_id, financial_year[, supplier_id]), the share of the most specific
    figure: anchor and year given > anchor > year > neither."""
    out = pd.Series(np.nan, index=cells.index)
    for use_anchor, use_year in ((True, True), (True, False), (False, True), (False, False)):
        f = figures
        f = f[f["anchor_id"].notna()] if use_anchor else f[f["anchor_id"].isna()]
        f = f[f["financial_year"].notna()] if use_year else f[f["financial_year"].isna()]
        on = (
            list(key)
            + (["anchor_id"] if use_anchor else [])
            + (["financial_year"] if use_year else [])
        )
        if f.empty:
            continue
        if not on:  # a figure for everyone: the last one given
            out = out.fillna(float(f["local_respend_share"].iloc[-1]))
            continue
        f = f.drop_duplicates(on, keep="last")[on + ["local_respend_share"]]
        hit = (
            cells[on]
            .reset_index()
            .merge(f, on=on, how="inner")
            .set_index("index")["local_respend_share"]
        )
        out = out.where(out.notna(), hit.reindex(out.index))
    return out


def lm3(ledger: pd.DataFrame, place: Place, survey: pd.DataFrame | None) -> dict:
    """Local Multiplier 3: LM3 = (R1 + R2 + R3) / R1, following NEF (New Economics Foundation),
    *The Money Trail* (2002): round 1 is the money an organisation spends, round 2 the part of it
    spent in the place (with local suppliers and on local staff), round 3 what those local
    suppliers and staff re-spend in the place; each pound is tracked once.

    * R1: the ledger's net spend, plus the wage bill of the survey's ``staff`` rows for the
      anchors and years in the ledger.  Where a wage bill is added, that anchor-year's payroll
      deductions (payments to HM Revenue & Customs and to pension funds, or under PAYE, National
      Insurance or pension-contribution categories: :func:`payroll_deduction_payee`) are left
      out of the ledger's part: they are paid out of (or on top of) the gross wage bill, so
      counting both would count payroll twice.  Without a wage bill they stay in R1;
    * R2: the part of R1 spent locally: spend with suppliers in the place
      (:func:`place_share` numerator; unlocated spend is not local) plus the wage
      bill paid to staff living in the place (``wage_bill * local_staff_share``);
    * R3: what those local suppliers and staff re-spend locally: each local
      supplier's spend times its surveyed ``local_respend_share`` (its own
      ``supplier`` figure, else the ``supplier_average``), plus local wages times
      the staff ``local_respend_share``.  No supplier re-spend share is applied to public
      bodies or pension funds (:func:`no_respend_payee`): they are not the firms the survey
      measured, so they add nothing to R3 (their local spend stays in R2, reported as
      ``r2_no_respend``).

    With no survey, returns ``lm3`` None and the reason: no LM3 is assumed.  Local
    supplier spend with no survey figure at all adds nothing to R3 and is reported
    (``r3_supplier_coverage`` < 1, of the spend a figure can apply to, makes the value a lower
    bound).  Returns ``lm3``, ``r1``, ``r2``, ``r3`` (£), their parts,
    ``r1_payroll_deductions_left_out`` (£), coverage, ``method`` and ``notes``.  Source: NEF,
    *The Money Trail* (2002); Northumberland: £1 with a local supplier worth £1.76 locally.
    """
    rows = spend_rows(ledger, place)
    if survey is None:
        return {
            "lm3": None,
            "reason": "no survey: LM3 needs supplier and staff re-spend survey figures "
            "(indicators.lm3_survey); none is assumed",
        }
    name = place_tier(place)
    if name is None:
        return {
            "lm3": None,
            "reason": "the place declares no place tier, so local spend is undefined",
        }
    in_place = local_tiers(place)
    notes: list[str] = []
    st, wages, local_wages, r3_staff = _staff_rounds(rows, survey, notes)
    rows, deducted = _without_payroll_deductions(rows, st, notes)
    r1 = pence_total(rows)
    local = rows[rows["_tier"].isin(in_place) & ~rows["_redacted"]]
    sup = _supplier_rounds(local, survey, notes)
    if not sup["figures"] and st.empty:
        return {"lm3": None, "reason": "the survey has no figures for these anchors and years"}
    R1 = r1 + wages
    R2 = sup["r2"] + local_wages
    R3 = sup["r3"] + r3_staff
    if R1 <= 0:
        return {"lm3": None, "reason": "no positive spend to track (R1 <= 0)"}
    return {
        "lm3": (R1 + R2 + R3) / R1,
        "r1": R1 / 100,
        "r2": R2 / 100,
        "r3": R3 / 100,
        "r1_wage_bill": wages / 100,
        "r1_payroll_deductions_left_out": deducted / 100,
        "r2_local_suppliers": sup["r2"] / 100,
        "r2_no_respend": sup["r2_no_respend"] / 100,
        "r2_local_staff": local_wages / 100,
        "r3_suppliers": sup["r3"] / 100,
        "r3_staff": r3_staff / 100,
        "r3_supplier_coverage": sup["coverage"],
        "r3_supplier_own_return_coverage": sup["own_coverage"],
        "method": "NEF, The Money Trail (2002): payroll deductions left out of round 1 where a "
        "wage bill is added; no supplier re-spend share for public bodies or pension funds",
        "notes": notes,
    }


def _supplier_rounds(local: pd.DataFrame, survey: pd.DataFrame, notes: list[str]) -> dict:
    """The supplier side of LM3 rounds 2 and 3 (pence) from the local rows: ``r2`` (their spend),
    ``r3`` (times each supplier's re-spend share: its own return, else the average; none for
    :func:`no_respend_payee`), ``r2_no_respend``, the coverages and whether any figure applied."""
    no_respend = _row_flags(local, no_respend=True)
    cells = (
        local.assign(
            anchor_id=local["anchor_id"].astype(str),
            financial_year=local["financial_year"].astype(str),
            _no_respend=no_respend,
        )
        .groupby(["anchor_id", "financial_year", "_sid"], as_index=False)
        .agg(**{PENCE: (PENCE, "sum"), "_no_respend": ("_no_respend", "max")})
        .rename(columns={"_sid": "supplier_id"})
    )
    r2_sup = int(cells[PENCE].sum())
    barred = cells["_no_respend"].astype(bool)
    r2_barred = int(cells.loc[barred, PENCE].sum())
    own = _most_specific(cells, survey[survey["kind"] == "supplier"], ["supplier_id"])
    avg = _most_specific(cells, survey[survey["kind"] == "supplier_average"], [])
    own = own.where(~barred)
    figure = own.where(own.notna(), avg).where(~barred)
    r3_sup = float((cells[PENCE] * figure.fillna(0)).sum())
    pos = cells[PENCE].clip(lower=0).where(~barred, 0)
    own_cov = share(int(pos[own.notna()].sum()), int(pos.sum()))
    any_cov = share(int(pos[figure.notna()].sum()), int(pos.sum()))
    if any_cov is not None and any_cov < 1:
        notes.append(
            f"{1 - any_cov:.1%} of local supplier spend has no survey figure and adds no re-spend "
            "(LM3 is a lower bound)"
        )
    if r2_barred:
        notes.append(
            f"£{r2_barred / 100:,.2f} of local spend is with public bodies or pension funds: "
            "counted in round 2, no supplier re-spend share applied (NEF, The Money Trail)"
        )
    return {
        "r2": r2_sup,
        "r3": r3_sup,
        "r2_no_respend": r2_barred,
        "coverage": any_cov,
        "own_coverage": own_cov,
        "figures": bool(figure.notna().sum()),
    }


def _row_flags(rows: pd.DataFrame, *, no_respend: bool = False) -> pd.Series:
    """Per row: :func:`no_respend_payee` (``no_respend``) or :func:`payroll_deduction_payee`."""
    if rows.empty:
        return pd.Series(False, index=rows.index, dtype=bool)
    if no_respend:
        values = zip(rows["_org_type"], rows["_name"], rows["_published"])
        return pd.Series([no_respend_payee(*v) for v in values], index=rows.index, dtype=bool)
    values = zip(rows["_name"], rows["_published"], rows["_category"])
    return pd.Series([payroll_deduction_payee(*v) for v in values], index=rows.index, dtype=bool)


def _without_payroll_deductions(
    rows: pd.DataFrame, staff: pd.DataFrame, notes: list[str]
) -> tuple[pd.DataFrame, int]:
    """``rows`` without the payroll deductions of the anchor-years whose wage bill the survey adds
    (``staff``), and their total (pence)."""
    if staff.empty or rows.empty:
        return rows, 0
    pairs = set(staff[["anchor_id", "financial_year"]].itertuples(index=False, name=None))
    keys = zip(rows["anchor_id"].astype(str), rows["financial_year"].astype(str))
    in_waged = pd.Series([k in pairs for k in keys], index=rows.index, dtype=bool)
    drop = in_waged & _row_flags(rows) & ~rows["_redacted"]
    deducted = pence_total(rows, drop)
    if drop.any():
        notes.append(
            f"£{deducted / 100:,.2f} paid to HMRC and pension funds in the anchor-years whose wage "
            "bill is added is left out of round 1 (payroll deductions are part of the wage bill)"
        )
    return rows[~drop], deducted


def _staff_rounds(
    rows: pd.DataFrame, survey: pd.DataFrame, notes: list[str]
) -> tuple[pd.DataFrame, float, float, float]:
    """The staff side of LM3 (pence): the survey's staff rows for the anchors and years in ``rows``,
    their wage bill (R1), the local part of it (R2) and its local re-spend (R3)."""
    staff = survey[survey["kind"] == "staff"]
    pairs = rows[["anchor_id", "financial_year"]].astype(str).drop_duplicates()
    st = pairs.merge(staff, on=["anchor_id", "financial_year"], how="left")
    missing = st[st["wage_bill"].isna()]
    st = st[st["wage_bill"].notna()].drop_duplicates(["anchor_id", "financial_year"], keep="last")
    wages = float((st["wage_bill"] * 100).sum())
    local_wages = float((st["wage_bill"] * 100 * st["local_staff_share"]).sum())
    r3_staff = float(
        (st["wage_bill"] * 100 * st["local_staff_share"] * st["local_respend_share"]).sum()
    )
    if len(missing) and len(st):
        gaps = sorted(
            f"{a} {y}" for a, y in missing[["anchor_id", "financial_year"]].itertuples(index=False)
        )
        more = f" and {len(gaps) - 6} more" if len(gaps) > 6 else ""
        notes.append(
            f"no staff survey figures for {len(gaps)} anchor-year(s) "
            f"({', '.join(gaps[:6])}{more}): "
            "their wages are not tracked"
        )
    elif len(missing):
        notes.append("no staff survey figures: staff wages are not tracked (supplier spend only)")
    return st, wages, local_wages, r3_staff
