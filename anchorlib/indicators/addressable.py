"""Addressable spend (ICIC): all spend less what no local supplier could plausibly supply.

The exclusions are the collaborative's ``indicators.addressable_exclusions`` (organisation types,
supplier-name and category patterns); definitions in docs/indicators/spend.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from anchorlib.config.categories import (
    load_common_categories,
    map_categories,
    normalise_category,
)
from anchorlib.indicators.netting import counted_rows
from anchorlib.indicators.procurement import (
    INDIVIDUAL_GRANTS,
    REDACTED_PAYEES,
    individual_grant_lines,
)
from anchorlib.indicators.rows import (
    SpendError,
    excluded_split,
    pounds,
    share,
    spend_rows,
)

__all__ = [
    "addressable_rules",
    "addressable_rule",
    "addressable_spend",
    "addressable_parts",
    "common_category_of",
]


def addressable_rules(exclusions) -> list[tuple[str, str, object]]:
    """The exclusion rules in the order they are applied: ``(label, kind, matcher)``.

    ``exclusions`` is ``IndicatorSettings.addressable_exclusions`` (or a dict with
    ``org_types``, ``suppliers``, ``categories``, ``redacted_payees``,
    ``grants_to_individuals``).  First, unless turned off, ``redacted payees`` and ``grants and
    benefits to individuals`` (:mod:`anchorlib.indicators.procurement`).  Then labels read
    ``org_type: public_body``, ``supplier: <regex>``, ``category: <regex>``.  A category entry
    ``common:<id>`` names a common category (``data/common_categories.yml``) instead of a
    pattern: the rows mapped to it, exactly as the collective opportunity maps them (the
    category, else the description), are left out; its label reads ``common_category: <id>``.
    """
    get = (
        (lambda k: getattr(exclusions, k, None) or [])
        if not isinstance(exclusions, Mapping)
        else (lambda k: exclusions.get(k) or [])
    )
    rules: list[tuple[str, str, object]] = []
    # By default (step 7, item 5) redacted payees and grants and benefits to individuals are not
    # addressable, as they are not procurement spend: the same tests as procurement spend.
    flag = (
        (lambda k: getattr(exclusions, k, True))
        if not isinstance(exclusions, Mapping)
        else (lambda k: exclusions.get(k, True))
    )
    if exclusions is not None and flag("redacted_payees"):
        rules.append((REDACTED_PAYEES, "redacted", None))
    if exclusions is not None and flag("grants_to_individuals"):
        rules.append((INDIVIDUAL_GRANTS, "individual_grant", None))
    for t in get("org_types"):
        rules.append((f"org_type: {t}", "org_type", t))
    for kind, field in (("supplier", "suppliers"), ("category", "categories")):
        for pat in get(field):
            if kind == "category" and str(pat).startswith("common:"):
                cid = str(pat).removeprefix("common:").strip()
                if cid not in load_common_categories().ids:
                    raise SpendError(
                        f"addressable_exclusions.categories: {pat!r} names no common category; "
                        f"one of {', '.join(load_common_categories().ids)}"
                    )
                rules.append((f"common_category: {cid}", "common_category", cid))
                continue
            try:
                rx = re.compile(pat, re.IGNORECASE)
            except re.error as exc:
                raise SpendError(
                    f"addressable_exclusions.{field}: {pat!r} is not a valid regular "
                    f"expression: {exc}"
                ) from None
            rules.append((f"{kind}: {pat}", kind, rx))
    return rules


def addressable_rule(ledger: pd.DataFrame, exclusions) -> pd.Series:
    """For each counted row, the label of the first exclusion rule it meets (None: addressable).

    Rules apply in order: organisation types, then supplier-name patterns
    (matched against the register's canonical name and the name as published),
    then category patterns (matched against the category as published, and against it
    normalised as the common categories see it: lower case, ``. _ / - ,`` as spaces, so
    ``PREMISES_GAS`` meets ``\\bgas\\b`` as ``premises.gas`` does);
    patterns are case-insensitive regular expressions searched anywhere in the text.
    """
    rows = spend_rows(ledger)
    out = pd.Series(None, index=rows.index, dtype=object)
    todo = pd.Series(True, index=rows.index)
    common = None
    for label, kind, m in addressable_rules(exclusions):
        if kind == "redacted":
            hit = rows["_redacted"]
        elif kind == "individual_grant":
            hit = individual_grant_lines(rows)
        elif kind == "org_type":
            hit = rows["_org_type"] == m
        elif kind == "common_category":
            common = common_category_of(rows) if common is None else common
            hit = common == m
        else:
            cols = (
                [rows["_name"], rows["_published"]] if kind == "supplier" else [rows["_category"]]
            )
            hit = pd.Series(False, index=rows.index)
            for col in cols:
                matching = [
                    v
                    for v in col.dropna().unique()
                    if m.search(v) or (kind == "category" and m.search(normalise_category(v)))
                ]
                hit |= col.isin(matching)
        hit = hit & todo
        out[hit] = label
        todo &= ~hit
    return out


_COMMON: dict[tuple, str] = {}  # (category, description) -> common category id


def common_category_of(rows: pd.DataFrame) -> pd.Series:
    """Each row's common category: the ``common_category`` column when the rows carry one (a
    collaborative's ``category_map`` applied), else :func:`map_categories` with the default list,
    remembered per (category, description)."""
    if "common_category" in rows.columns:
        return rows["common_category"].astype(object)
    cols = [
        next((c for c in (f"_{name}", name) if c in rows.columns), None)
        for name in ("category", "description")
    ]
    pairs = pd.DataFrame(
        {
            k: (rows[c].astype(object).where(rows[c].notna(), None) if c else None)
            for k, c in zip(("category", "description"), cols)
        },
        index=rows.index,
    )
    keys = list(pairs.itertuples(index=False, name=None))
    todo = pd.DataFrame(
        list(dict.fromkeys(k for k in keys if k not in _COMMON)),
        columns=["category", "description"],
        dtype=object,
    )
    if len(todo):
        if len(_COMMON) > 500_000:
            _COMMON.clear()
        got = map_categories(todo)["common_category"]
        _COMMON.update(zip(todo.itertuples(index=False, name=None), got))
    return pd.Series([_COMMON[k] for k in keys], index=rows.index, dtype=object)


def addressable_spend(ledger: pd.DataFrame, exclusions) -> dict:
    """Addressable spend (ICIC, the Newark and Central Corridor method).

    Definition: all spend less the spend no local supplier could plausibly
    supply, as listed in the collaborative YAML (``indicators.addressable_exclusions``:
    payments to other public bodies, utilities, national licences, taxes and
    levies, pensions ...).  Returns ``total`` (addressable, £), ``share`` (of
    all spend), ``excluded_total`` and ``excluded`` itemised by rule (each
    excluded payment under the first rule it meets, every rule listed, 0 when it
    excluded nothing), so total + excluded_total = all spend.  Source: ICIC
    (Newark 2013: $435m of $810m addressable), docs/domain.md.
    """
    rows = counted_rows(ledger)
    return addressable_parts(rows, addressable_rule(rows, exclusions), exclusions)


def addressable_parts(rows: pd.DataFrame, rule: pd.Series, exclusions) -> dict:
    """:func:`addressable_spend` of :func:`spend_rows` ``rows`` given their
    :func:`addressable_rule`."""
    labels = [label for label, _, _ in addressable_rules(exclusions)]
    tot, ex, excluded = excluded_split(rows, rule, labels)
    return {
        "total": pounds(tot - ex),
        "share": share(tot - ex, tot),
        "excluded_total": pounds(ex),
        "excluded": {k: pounds(v) for k, v in excluded.items()},
    }
