"""Progress against a baseline: every headline indicator for each financial year, the change against
the collaborative's baseline year, and the gap to each target declared in its YAML.

    from anchorlib.indicators.progress import progress_table, targets_summary, default_indicators

    table = progress_table(ledger, collab)            # the default headline indicators
    table = progress_table(ledger, collab, indicators={
        # or any callables (rows, collab) -> value
        "place_share_of_all": lambda rows, c: spend.place_share(rows, c.place, "all")})
    targets_summary(table, collab)    # one row per target: latest value, gap, pace

An indicator is a callable ``fn(rows, collab) -> float | None`` given the located-ledger
rows of one anchor (or of all anchors together, less the payments between member
anchors) in one financial year.  Definitions: docs/indicators/collective.md.

Comparability (step 7, items 12 and 13; docs/methodology.md): the baseline must be a complete
year (no change is measured against a partial one); a year is ``comparable`` with the baseline
only when both are full years, every anchor is in the same publication-threshold band and on the
same known VAT basis in both (:func:`anchorlib.indicators.coverage.comparable_basis`); the
collaborative's ``indicators.common_threshold`` leaves out every line under it first; and every
value carries the located share of the spend it was computed on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from anchorlib.indicators import spend
from anchorlib.indicators.addressable import addressable_rule
from anchorlib.indicators.collective import (
    anchor_ids,
    collab_place,
    collab_spec,
    combined_totals,
    flag_intra_collaborative,
    flag_self_payments,
    supplier_overlap,
)
from anchorlib.indicators.coverage import (
    apply_common_threshold,
    common_full_years,
    comparable_basis,
    coverage_table,
    year_basis,
)
from anchorlib.indicators.gates import located_gate
from anchorlib.indicators.netting import counted_rows
from anchorlib.indicators.procurement import procurement_rows
from anchorlib.indicators.rows import COMBINED, spend_rows

__all__ = [
    "IndicatorFn",
    "default_indicators",
    "combined_only",
    "progress_table",
    "targets_summary",
    "year_start",
    "year_coverage",
    "is_geographic",
    "baseline_year_of",
]

IndicatorFn = Callable[[pd.DataFrame, object], "float | None"]

COLUMNS = [
    "indicator",
    "anchor",
    "financial_year",
    "value",
    "baseline_year",
    "baseline_value",
    "change",
    "change_relative",
    "is_baseline",
    "months",
    "anchors_present",
    "complete",
    "comparable",
    "target",
    "target_by",
    "target_baseline",
    "gap",
    "target_description",
    "located_share",
    "baseline_complete",
    "threshold_band",
    "vat_basis",
    "not_comparable_because",
]
#: The columns of one series row (before the targets are added).
_SERIES = [c for c in COLUMNS if not c.startswith(("target", "gap"))]


#: Words in the names of indicators computed on where suppliers are (gated by the located share).
GEOGRAPHIC = ("place_share", "deprived_share", "wider_share", "tier_share", "home_district")


def is_geographic(indicator: str) -> bool:
    """Whether an indicator is a place, tier or deprivation share (it needs located suppliers)."""
    return any(w in indicator for w in GEOGRAPHIC)


def year_start(fy: str) -> int:
    """``'2022-23'`` -> 2022."""
    return int(str(fy)[:4])


def _addressable(rows: pd.DataFrame, collab) -> pd.DataFrame:
    r = counted_rows(rows)  # receipts left out, as the spend figures count them
    return r[addressable_rule(r, collab_spec(collab).indicators.addressable_exclusions).isna()]


def combined_only(fn: IndicatorFn, *, all_rows: bool = False) -> IndicatorFn:
    """Mark an indicator as computed for ``combined`` only (a collaborative figure, meaningless for
    one
    anchor).  ``all_rows=True``: it is given the year's rows *including* the intra-collaborative
    payments (e.g. to total them)."""
    fn.combined_only = True
    fn.all_rows = all_rows
    return fn


def default_indicators(aliases=None) -> dict[str, IndicatorFn]:
    """The headline indicators tracked by default.

    Spend (per anchor and combined, named as in ``anchorlib.indicators.spend.group_indicators``):
    ``total`` (net spend, £), ``located_share``, ``place_share_of_all``,
    ``place_share_of_located``, ``place_share_of_procurement`` (the headline: of procurement
    spend), ``deprived_share_of_all``, ``deprived_share_of_located``,
    ``deprived_share_of_procurement_located`` (the collaborative's ``deprived_deciles``),
    ``addressable_total`` (£),
    ``place_share_of_addressable``,
    ``social_economy_share``.  Collaborative (combined only): ``intra_collaborative_total`` (£ paid
    between member anchors), ``shared_suppliers`` (suppliers used by two or more anchors in the
    year), ``shared_supplier_share`` (their combined spend / combined spend).  ``aliases``: as
    :func:`anchorlib.indicators.collective.member_aliases`.
    """

    def place(c):
        return collab_place(c, None)

    def deciles(c):
        return collab_spec(c).indicators.deprived_deciles

    def shared_share(rows, c):
        tot = spend.total_spend(rows)
        return (
            float(supplier_overlap(rows, c, aliases)["combined"].sum()) / tot if tot > 0 else None
        )

    return {
        "total": lambda rows, c: spend.total_spend(rows),
        "located_share": lambda rows, c: spend.located_share(rows),
        "place_share_of_all": lambda rows, c: spend.place_share(rows, place(c), "all"),
        "place_share_of_located": lambda rows, c: spend.place_share(rows, place(c), "located"),
        # step 7 item 5: the headline share, and targets on it, use procurement spend
        "place_share_of_procurement": lambda rows, c: spend.place_share(
            procurement_rows(counted_rows(rows)), place(c), "all"
        ),
        "deprived_share_of_procurement_located": lambda rows, c: spend.deprived_share(
            procurement_rows(counted_rows(rows)), deciles(c), "located"
        ),
        "deprived_share_of_all": lambda rows, c: spend.deprived_share(rows, deciles(c), "all"),
        "deprived_share_of_located": lambda rows, c: spend.deprived_share(
            rows, deciles(c), "located"
        ),
        "addressable_total": lambda rows, c: spend.total_spend(_addressable(rows, c)),
        "place_share_of_addressable": lambda rows, c: spend.place_share(
            _addressable(rows, c), place(c), "all"
        ),
        "social_economy_share": lambda rows, c: spend.social_economy_share(rows),
        "intra_collaborative_total": combined_only(
            lambda rows, c: float(combined_totals(rows, c, aliases).loc[COMBINED, "intra"]),
            all_rows=True,
        ),
        "shared_suppliers": combined_only(lambda rows, c: len(supplier_overlap(rows, c, aliases))),
        "shared_supplier_share": combined_only(shared_share),
    }


def year_coverage(ledger: pd.DataFrame) -> pd.DataFrame:
    """Months with at least one payment, per anchor and financial year (``anchor_id``,
    ``financial_year``,
    ``months``): a year with fewer than 12 is partial, and its totals are not comparable."""
    rows = spend_rows(ledger)
    month = pd.to_datetime(rows["payment_date"]).dt.to_period("M")
    g = rows.assign(_m=month).groupby(
        [rows["anchor_id"].astype(str), rows["financial_year"].astype(str)]
    )["_m"]
    return g.nunique().rename("months").reset_index()


def _value(v):
    if v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise TypeError(
            f"an indicator returned {v!r}; indicators return a number or None"
        ) from None
    return None if pd.isna(f) else f


def progress_table(
    ledger: pd.DataFrame,
    collab,
    indicators: Mapping[str, IndicatorFn] | None = None,
    *,
    aliases=None,
    intra: pd.Series | None = None,
    years: Iterable[str] | None = None,
    baseline_year: str | None = None,
    anchors: bool = True,
) -> pd.DataFrame:
    """One row per (indicator, anchor or ``combined``, financial year).

    ``value``: the indicator on that anchor's payments in that year (``combined``:
    all anchors' payments less intra-collaborative ones, :func:`anchorlib.indicators.collective.
    flag_intra_collaborative`), after leaving out the lines under the collaborative's
    ``indicators.common_threshold`` when it is set; ``located_share``: spend with a located
    supplier / all spend, of those same payments (beside every value: a place or deprivation
    share says little when few suppliers are located).

    The baseline year: ``baseline_year``, else the collaborative's ``baseline_year``, else the
    first year every anchor covers in full (the first year when none does).  It must be a
    complete year: ``baseline_complete`` says whether it is for the row's series (the anchor,
    or every anchor present for ``combined``), and ``baseline_value`` (the indicator in the
    baseline year), ``change`` (value - baseline; percentage points for shares, as fractions)
    and ``change_relative`` (value / baseline - 1) are given only when it is (never against a
    partial year).  ``months``: months with payments (``combined``: the fewest among the
    anchors present); ``anchors_present``; ``complete``: every anchor present for all 12
    months; ``threshold_band`` and ``vat_basis``: the year's (one text when the anchors agree,
    else each anchor's); ``comparable``: complete, the baseline complete, (combined) the same
    anchors as in the baseline year, and every anchor in the same threshold band and on the
    same known VAT basis in both years (:func:`anchorlib.indicators.coverage.comparable_basis`);
    ``not_comparable_because``: why not, in words.

    Indicators marked :func:`combined_only` have ``combined`` rows only.

    Targets in the YAML (``targets``) add ``target``, ``target_by``, ``target_baseline``
    (the baseline the target was declared against, when given) and ``gap`` = target - value
    to the rows of their indicator and anchor.  A target whose indicator has no function
    here is listed in ``attrs['warnings']``.  ``anchors=False``: combined rows only.
    ``attrs['coverage']``: :func:`anchorlib.indicators.coverage.coverage_table` of the ledger.
    """
    spec = collab_spec(collab)
    fns = dict(indicators) if indicators is not None else default_indicators(aliases)
    common = spec.indicators.common_threshold
    cov = coverage_table(ledger, common_threshold=common)
    rows = apply_common_threshold(spend_rows(ledger), common)
    if intra is None:
        intra = flag_intra_collaborative(rows, collab, aliases)
    intra = intra.reindex(rows.index).fillna(False).astype(bool)
    own = flag_self_payments(rows, collab, aliases)  # left out of the anchor's own rows
    fy = rows["financial_year"].astype(str)
    all_years = sorted(set(fy))
    years = sorted(set(years)) if years is not None else all_years
    ids = anchor_ids(collab, rows)
    warnings: list[str] = []
    base = baseline_year or spec.baseline_year or _first_full_year(cov, ids, all_years)
    if base is not None and base not in all_years:
        warnings.append(f"baseline year {base} has no payments in the ledger: no baseline values")
    months = {(r.anchor_id, r.financial_year): int(r.months) for r in cov.itertuples()}
    ctx = _Context(cov, months, base)

    groups = _groups(rows, ids if anchors else [], intra, own)
    calc_years = sorted(set(years) | ({base} if base in all_years else set()))
    recs = []
    located: dict = {}
    for name, fn in fns.items():
        for who, subset, fixed in groups:
            if fixed is not None and getattr(fn, "combined_only", False):
                continue
            vals = {}
            for y in calc_years:
                pres = fixed if fixed is not None else [a for a in ids if (a, y) in months]
                if fixed is not None and (who, y) not in months:
                    continue
                sub = subset(y, fn)
                if sub.empty:
                    continue
                key = (who, y, getattr(fn, "all_rows", False))
                if key not in located:
                    located[key] = spend.located_share(sub)
                vals[y] = (_value(fn(sub, collab)), pres, located[key])
            recs.extend(_series(name, who, vals, years, ctx))
    out = pd.DataFrame(recs, columns=_SERIES)
    num = ["value", "baseline_value", "change", "change_relative", "located_share"]
    out[num] = out[num].astype(float)
    warnings += _incomplete_baseline_warnings(out, base, ctx)
    out = _with_targets(out, spec, fns, warnings)
    out.attrs["warnings"] = warnings
    out.attrs["baseline_year"] = base
    out.attrs["coverage"] = cov
    out.attrs["common_threshold"] = common
    return out[COLUMNS].reset_index(drop=True)


def _groups(rows: pd.DataFrame, ids: list[str], intra: pd.Series, own: pd.Series) -> list:
    """(who, rows of a year for an indicator, fixed anchors or None) for each anchor in ``ids``
    (its own payments, less those to itself) and for ``combined`` (less intra payments, unless
    the indicator wants all rows)."""
    fy = rows["financial_year"].astype(str)
    aid = rows["anchor_id"].astype(str)
    groups = [(a, lambda y, fn, a=a: rows[(fy == y) & (aid == a) & ~own], [a]) for a in ids]
    groups.append(
        (
            COMBINED,
            lambda y, fn: (
                rows[fy == y] if getattr(fn, "all_rows", False) else rows[(fy == y) & ~intra]
            ),
            None,
        )
    )
    return groups


def _first_full_year(cov: pd.DataFrame, ids: list[str], all_years: list[str]) -> str | None:
    """The default baseline: the first year every anchor covers in full, else the first year."""
    full = common_full_years(cov, ids)
    return full[0] if full else (all_years[0] if all_years else None)


def baseline_year_of(ledger: pd.DataFrame, collab) -> str | None:
    """The baseline year :func:`progress_table` uses by default: the collaborative's
    ``baseline_year``, else the first year every anchor with payments covers in full, else the
    first year."""
    declared = collab_spec(collab).baseline_year
    if declared:
        return declared
    rows = spend_rows(ledger)
    years = sorted(set(rows["financial_year"].astype(str)))
    return _first_full_year(coverage_table(rows), anchor_ids(collab, rows), years)


class _Context:
    """What every series needs to judge a year: coverage, months, the baseline year."""

    def __init__(self, cov: pd.DataFrame, months: dict, base: str | None):
        self.cov = cov
        self.months = months
        self.base = base
        self.basis = {
            (r.anchor_id, r.financial_year): (r.threshold_band, r.vat_basis)
            for r in cov.itertuples()
        }

    def complete(self, y, who) -> bool:
        return bool(who) and all(self.months.get((a, y), 0) == 12 for a in who)

    def described(self, y, who, i: int) -> str | None:
        """The year's threshold band (i=0) or VAT basis (i=1): one text when the anchors agree."""
        vals = {a: self.basis[(a, y)][i] for a in who if (a, y) in self.basis}
        if not vals:
            return None
        if len(set(vals.values())) == 1:
            return next(iter(vals.values()))
        if i == 1:
            return year_basis(vals.values())
        return "; ".join(f"{a}: {v}" for a, v in vals.items())


def _series(name, who, vals: dict, years, ctx: _Context) -> list[dict]:
    """The rows of one indicator for one anchor (or ``combined``): each year's value against the
    baseline year's.  ``vals``: year -> (value, anchors present, located share)."""
    out = []
    base = ctx.base
    b, base_pres, _ = vals.get(base, (None, [], None)) if base else (None, [], None)
    base_ok = bool(base) and ctx.complete(base, base_pres)
    if not base_ok:
        b = None  # the baseline must be a complete year: no change against a partial one
    for y in years:
        if y not in vals:
            continue
        v, pres, loc = vals[y]
        comp = ctx.complete(y, pres)
        why: list[str] = []
        if base is None or not base_pres:
            why.append(f"no payments in the baseline year {base}")
        else:
            if sorted(pres) != sorted(base_pres):
                why.append("other anchors than in the baseline year")
            why += comparable_basis(ctx.cov, [a for a in pres if a in base_pres], y, base)[1]
        out.append(
            {
                "indicator": name,
                "anchor": who,
                "financial_year": y,
                "value": v,
                "baseline_year": base,
                "baseline_value": b,
                "change": None if v is None or b is None else v - b,
                "change_relative": None if v is None or not b else v / b - 1,
                "is_baseline": y == base,
                "months": min(ctx.months.get((a, y), 0) for a in pres) if pres else 0,
                "anchors_present": ";".join(pres),
                "complete": comp,
                "comparable": comp and base_ok and not why,
                "located_share": loc,
                "baseline_complete": base_ok,
                "threshold_band": ctx.described(y, pres, 0),
                "vat_basis": ctx.described(y, pres, 1),
                "not_comparable_because": "; ".join(dict.fromkeys(why)) or None,
            }
        )
    return out


def _incomplete_baseline_warnings(out: pd.DataFrame, base: str | None, ctx: _Context) -> list[str]:
    """One warning naming the series whose baseline year is partial (no change is measured)."""
    if base is None or out.empty:
        return []
    bad = out[out["is_baseline"] & ~out["baseline_complete"].astype(bool)]
    who = list(dict.fromkeys(bad["anchor"]))
    if not who:
        return []
    short = sorted(
        f"{a} {m} of 12 months" for (a, y), m in ctx.months.items() if y == base and m < 12
    )
    full = common_full_years(ctx.cov, sorted({a for a, _ in ctx.months}))
    return [
        f"the baseline year {base} is not a complete year for {', '.join(who)} "
        f"({'; '.join(short) or 'an anchor has no payments in it'}): no change is measured "
        "against it; declare a complete year as baseline_year"
        + (f" (years every anchor covers in full: {', '.join(full)})" if full else "")
    ]


def _with_targets(out: pd.DataFrame, spec, fns: Mapping, warnings: list[str]) -> pd.DataFrame:
    """The YAML's targets on the rows of their indicator and anchor (``target``, ``gap`` ...)."""
    out["target"] = float("nan")
    out["target_by"] = None
    out["target_baseline"] = float("nan")
    out["gap"] = float("nan")
    out["target_description"] = None
    out = out.astype({"target_by": object, "target_description": object})
    for t in spec.targets:
        if t.indicator not in fns:
            warnings.append(
                f"target {t.indicator!r} ({t.anchor}) has no indicator function: "
                f"give one in indicators= (known: {sorted(fns)})"
            )
            continue
        m = (out["indicator"] == t.indicator) & (out["anchor"] == t.anchor)
        if not m.any():
            warnings.append(f"target {t.indicator!r} for {t.anchor!r}: no values in the ledger")
            continue
        out.loc[m, "target"] = t.target
        out.loc[m, "target_by"] = t.by
        out.loc[m, "target_baseline"] = float("nan") if t.baseline is None else t.baseline
        out.loc[m, "target_description"] = t.description
        out.loc[m, "gap"] = t.target - out.loc[m, "value"]
    return out


def _pace(t, last) -> dict:
    """Where target ``t`` stands on its latest row ``last``: gap, the pace needed and observed."""
    base_year = last["baseline_year"]
    base_value = None if pd.isna(last["baseline_value"]) else float(last["baseline_value"])
    years_left = year_start(t.by) - year_start(last["financial_year"])
    gap = t.target - last["value"]
    elapsed = year_start(last["financial_year"]) - year_start(base_year) if base_year else 0
    observed = (
        (last["value"] - base_value) / elapsed if base_value is not None and elapsed > 0 else None
    )
    required = gap / years_left if years_left > 0 else None
    # the direction of the target: from the computed baseline, else the declared one
    ref = base_value if base_value is not None else t.baseline
    up = (t.target >= ref) if ref is not None else gap >= 0
    met = last["value"] >= t.target if up else last["value"] <= t.target
    if met:
        on_track = True
    elif years_left <= 0:
        on_track = False
    elif observed is None:
        on_track = None
    else:
        on_track = bool(observed >= required) if up else bool(observed <= required)
    return {
        "baseline_year": base_year,
        "baseline_value": base_value,
        "latest_year": last["financial_year"],
        "latest_value": last["value"],
        "gap": gap,
        "years_left": years_left,
        "required_per_year": required,
        "observed_per_year": observed,
        "on_track": on_track,
        "latest_comparable": bool(last["comparable"]),
    }


def targets_summary(progress: pd.DataFrame, collab, *, complete_only: bool = True) -> pd.DataFrame:
    """One row per target of the collaborative: where it stands.

    ``baseline_value`` (computed, in the baseline year), ``target_baseline`` (as declared),
    ``latest_year`` (the last year with a value: the last complete year unless
    ``complete_only=False``), ``latest_value``, ``target``, ``by``, ``gap`` (target - latest),
    ``years_left`` (from the latest year to the target year), ``required_per_year``
    (gap / years left), ``observed_per_year`` (change since the baseline / years elapsed),
    ``on_track`` (the observed pace would reach the target in time; None when it cannot be told),
    ``latest_comparable``, ``latest_located_share`` (the located share of the latest year's spend)
    and, for a geographic indicator (:func:`is_geographic`), ``located_gate_passed`` and
    ``located_gate_sentence`` (:func:`anchorlib.indicators.gates.located_gate` at the
    collaborative's ``indicators.min_located_share``: below it the sentence comes first and the
    share is not the partnership's position; None for other indicators).
    """
    recs = []
    min_located = collab_spec(collab).indicators.min_located_share
    for t in collab_spec(collab).targets:
        p = progress[
            (progress["indicator"] == t.indicator)
            & (progress["anchor"] == t.anchor)
            & progress["value"].notna()
        ]
        if complete_only:
            p = p[p["complete"]]
        rec = {
            "indicator": t.indicator,
            "anchor": t.anchor,
            "description": t.description,
            "target": t.target,
            "by": t.by,
            "target_baseline": t.baseline,
        }
        if p.empty:
            recs.append(rec)
            continue
        last = p.sort_values("financial_year").iloc[-1]
        rec.update(_pace(t, last))
        loc = last.get("located_share")
        loc = None if loc is None or pd.isna(loc) else float(loc)
        rec["latest_located_share"] = loc
        if is_geographic(t.indicator):
            gate = located_gate(loc, min_located)
            rec["located_gate_passed"] = gate["passed"]
            rec["located_gate_sentence"] = gate["sentence"]
        recs.append(rec)
    cols = [
        "indicator",
        "anchor",
        "description",
        "baseline_year",
        "baseline_value",
        "target_baseline",
        "latest_year",
        "latest_value",
        "latest_comparable",
        "latest_located_share",
        "located_gate_passed",
        "located_gate_sentence",
        "target",
        "by",
        "gap",
        "years_left",
        "required_per_year",
        "observed_per_year",
        "on_track",
    ]
    return pd.DataFrame(recs, columns=cols)
