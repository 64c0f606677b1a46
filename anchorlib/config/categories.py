"""Published spend categories mapped to one common list, so anchors' spend can be added up by what
was bought.

Every anchor publishes its own chart of accounts: *Computer Licences*,
*information communication technology.software.commercial off-the-shelf.products*
and *AAD - ICT* are all IT.  ``data/common_categories.yml`` is the common list
(the Healthcare Anchor Network's "moveable spend" categories, the Central
Corridor's joint-contract categories, and the rest of what councils, police and
fire services buy) with ordered regular-expression rules.

    from anchorlib.config.categories import load_common_categories, map_categories, category_mapping

    rules = load_common_categories()          # data/common_categories.yml
    mapped = map_categories(ledger, rules)    # common_category, category_source per row
    audit = category_mapping(ledger, rules)   # one row per published category: how it was mapped

Mapping, for each ledger row:

1. a collaborative's own map (``indicators.category_map``: a CSV with columns
   ``category, common_category``) wins, matched on the category as published
   (case and spacing ignored);
2. else the first common category with a pattern matching the published
   category (normalised: lower case, ``. _ / - ,`` as spaces);
3. else, or when the published category names a service area rather than a
   purchase (``service_area_patterns``, e.g. Hyndburn's *AAF - Finance*), the
   same rules on the row's description;
4. else ``unclassified``.

``category_source`` says which: ``map``, ``category``, ``description`` or ``none``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from anchorlib.core.errors import AnchorError
from anchorlib.core.yamlfile import read_yaml
from anchorlib.data.catalogue import PROJECT_ROOT

__all__ = [
    "CategoryError",
    "CommonCategory",
    "CategoryRules",
    "UNCLASSIFIED",
    "DEFAULT_RULES",
    "load_common_categories",
    "normalise_category",
    "classify_text",
    "read_category_map",
    "map_categories",
    "with_common_category",
    "category_mapping",
    "collaborative_category_map",
]

DEFAULT_RULES = PROJECT_ROOT / "data" / "common_categories.yml"
UNCLASSIFIED = "unclassified"
SOURCES = ("map", "category", "description", "none")


class CategoryError(AnchorError, ValueError):
    """The common category list or a category map is invalid."""


@dataclass(frozen=True)
class CommonCategory:
    id: str
    label: str
    patterns: tuple[re.Pattern, ...]
    moveable: bool = False
    joint_contract: bool = False
    addressable: bool = True


@dataclass
class CategoryRules:
    """The common category list, in rule order, and the service-area patterns."""

    categories: list[CommonCategory]
    service_areas: list[re.Pattern] = field(default_factory=list)
    source: str = ""

    @property
    def ids(self) -> list[str]:
        return [c.id for c in self.categories] + [UNCLASSIFIED]

    def get(self, cid: str) -> CommonCategory | None:
        return next((c for c in self.categories if c.id == cid), None)

    def table(self) -> pd.DataFrame:
        """One row per common category: id, label, moveable, joint_contract, addressable,
        patterns."""
        rows = [
            {
                "common_category": c.id,
                "label": c.label,
                "moveable": c.moveable,
                "joint_contract": c.joint_contract,
                "addressable": c.addressable,
                "patterns": " | ".join(p.pattern for p in c.patterns),
            }
            for c in self.categories
        ]
        rows.append(
            {
                "common_category": UNCLASSIFIED,
                "label": "Unclassified (no rule matched)",
                "moveable": False,
                "joint_contract": False,
                "addressable": True,
                "patterns": "",
            }
        )
        return pd.DataFrame(rows)


def _compile(pattern: str, where: str, flags: int = re.IGNORECASE) -> re.Pattern:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise CategoryError(
            f"{where}: {pattern!r} is not a valid regular expression: {exc}"
        ) from None


def _parse_rules(raw, where: str) -> CategoryRules:
    if not isinstance(raw, dict) or not isinstance(raw.get("categories"), list):
        raise CategoryError(f"{where}: expected a mapping with a 'categories' list")
    cats, seen = [], set()
    allowed = {
        "id",
        "label",
        "patterns",
        "moveable",
        "joint_contract",
        "addressable",
        "description",
    }
    for i, c in enumerate(raw["categories"]):
        if not isinstance(c, dict) or not c.get("id"):
            raise CategoryError(f"{where}: categories[{i}] needs an id")
        cid = str(c["id"])
        extra = set(c) - allowed
        if extra:
            raise CategoryError(f"{where}: category {cid!r}: unknown field(s) {sorted(extra)}")
        if cid in seen or cid == UNCLASSIFIED:
            raise CategoryError(f"{where}: category id {cid!r} is repeated or reserved")
        seen.add(cid)
        pats = c.get("patterns") or []
        if not pats:
            raise CategoryError(f"{where}: category {cid!r} has no patterns")
        cats.append(
            CommonCategory(
                id=cid,
                label=str(c.get("label") or cid),
                patterns=tuple(_compile(str(p), f"{where}: category {cid!r}") for p in pats),
                moveable=bool(c.get("moveable", False)),
                joint_contract=bool(c.get("joint_contract", False)),
                addressable=bool(c.get("addressable", True)),
            )
        )
    areas = [
        _compile(
            str(p), f"{where}: service_area_patterns", 0
        )  # case-sensitive, on the text as published
        for p in raw.get("service_area_patterns") or []
    ]
    return CategoryRules(cats, areas, where)


@lru_cache(maxsize=8)
def _load(path: str) -> CategoryRules:
    return _parse_rules(read_yaml(path, CategoryError, "Common category list"), str(Path(path)))


def load_common_categories(path: str | Path | None = None) -> CategoryRules:
    """The common category list (default ``data/common_categories.yml``)."""
    return _load(str(Path(path or DEFAULT_RULES).resolve()))


_SEPARATORS = re.compile(r"[._/\\,\-–]+")


def _light(text) -> str:
    return " ".join(str(text).lower().split())


def normalise_category(text) -> str:
    """Lower case, separators (``. _ / - ,``) as spaces, spaces collapsed: the text patterns see."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return ""
    return " ".join(_SEPARATORS.sub(" ", str(text).lower()).split())


def classify_text(text, rules: CategoryRules | None = None) -> str | None:
    """The first common category whose pattern matches ``text``; None when none does."""
    rules = rules or load_common_categories()
    norm = normalise_category(text)
    if not norm:
        return None
    for c in rules.categories:
        if any(p.search(norm) for p in c.patterns):
            return c.id
    return None


def _is_service_area(text, rules: CategoryRules) -> bool:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return False
    text = " ".join(str(text).split())
    return any(p.search(text) for p in rules.service_areas)


def _key(text) -> str:
    return _light(text) if isinstance(text, str) else ""


def read_category_map(path: str | Path, rules: CategoryRules | None = None) -> dict[str, str]:
    """A collaborative's category map (CSV: ``category, common_category``) as {normalised category:
    id}.

    Every ``common_category`` must be an id of the common list (or ``unclassified``);
    a category listed twice with different targets is an error.
    """
    rules = rules or load_common_categories()
    p = Path(path)
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise CategoryError(f"Category map not found: {p}") from None
    cols = {c.strip().lower(): c for c in df.columns}
    if "category" not in cols or "common_category" not in cols:
        raise CategoryError(
            f"{p}: a category map needs the columns category, common_category; "
            f"found {list(df.columns)}"
        )
    out: dict[str, str] = {}
    problems = []
    for i, (cat, target) in enumerate(
        zip(df[cols["category"]], df[cols["common_category"]]), start=2
    ):
        cat, target = cat.strip(), target.strip()
        if not cat and not target:
            continue
        if target not in rules.ids:
            problems.append(
                f"row {i}: common_category {target!r} is not in the common list ({rules.source})"
            )
            continue
        k = _key(cat)
        if k in out and out[k] != target:
            problems.append(
                f"row {i}: category {cat!r} is mapped twice ({out[k]!r} and {target!r})"
            )
        out[k] = target
    if problems:
        raise CategoryError(f"{p}: " + "; ".join(problems))
    return out


def _collab_spec(collab):
    return getattr(collab, "spec", collab)


def collaborative_category_map(collab, rules: CategoryRules | None = None) -> dict[str, str] | None:
    """The collaborative's ``indicators.category_map`` (relative to its YAML), read; None when
    unset."""
    spec = _collab_spec(collab)
    rel = spec.indicators.category_map if spec is not None else None
    if not rel:
        return None
    base = Path(getattr(collab, "path", Path.cwd() / "x")).parent
    path = Path(rel) if Path(rel).is_absolute() else base / rel
    return read_category_map(path, rules)


def map_categories(
    ledger: pd.DataFrame,
    rules: CategoryRules | None = None,
    overrides: dict[str, str] | None = None,
) -> pd.DataFrame:
    """``common_category`` and ``category_source`` for every ledger row (same index).

    ``overrides``: {category as published: common id} (:func:`read_category_map`);
    keys are compared ignoring case and spacing.
    """
    rules = rules or load_common_categories()
    over = {_key(k): v for k, v in (overrides or {}).items()}
    n = len(ledger)
    cat = (
        ledger["category"]
        if "category" in ledger.columns
        else pd.Series([None] * n, index=ledger.index)
    )
    desc = (
        ledger["description"]
        if "description" in ledger.columns
        else pd.Series([None] * n, index=ledger.index)
    )
    cat = cat.astype(object).where(cat.notna(), None)
    desc = desc.astype(object).where(desc.notna(), None)
    pairs = pd.DataFrame({"c": cat, "d": desc}, index=ledger.index)
    uniq = pairs.drop_duplicates()
    text_cache: dict = {}

    def cls(t):
        if t not in text_cache:
            text_cache[t] = classify_text(t, rules)
        return text_cache[t]

    results = {}
    for c, d in uniq.itertuples(index=False):
        if c is not None and _key(c) in over:
            results[(c, d)] = (over[_key(c)], "map")
            continue
        hit = None
        if c is not None and not _is_service_area(c, rules):
            hit = cls(c)
            if hit:
                results[(c, d)] = (hit, "category")
                continue
        hit = cls(d) if d is not None else None
        results[(c, d)] = (hit, "description") if hit else (UNCLASSIFIED, "none")
    got = [results[(c, d)] for c, d in pairs.itertuples(index=False)]
    return pd.DataFrame(
        {"common_category": [g[0] for g in got], "category_source": [g[1] for g in got]},
        index=ledger.index,
    )


def with_common_category(
    ledger: pd.DataFrame, collab=None, rules: CategoryRules | None = None
) -> pd.DataFrame:
    """The ledger with ``common_category`` and ``category_source`` columns (the collaborative's map
    applied)."""
    rules = rules or load_common_categories()
    over = collaborative_category_map(collab, rules) if collab is not None else None
    return ledger.join(map_categories(ledger, rules, over))


def category_mapping(
    ledger: pd.DataFrame,
    rules: CategoryRules | None = None,
    overrides: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The audit: one row per (anchor, published category) with its rows, net spend (£), and the
    common categories its rows went to (``common_category`` the largest by spend, ``sources``).

    Sorted by spend.  Copy rows into the collaborative's category map CSV to correct them.
    """
    rules = rules or load_common_categories()
    df = ledger
    if "is_duplicate" in df.columns:
        df = df[~df["is_duplicate"].fillna(False).astype(bool)]
    m = map_categories(df, rules, overrides)
    work = pd.DataFrame(
        {
            "anchor_id": df["anchor_id"].astype(object) if "anchor_id" in df.columns else None,
            "category": df["category"].astype(object).where(df["category"].notna(), None)
            if "category" in df.columns
            else None,
            "pence": df["amount_pence"].astype("int64"),
            "common_category": m["common_category"],
            "category_source": m["category_source"],
        },
        index=df.index,
    )
    work["category"] = work["category"].fillna("(none)")
    g = (
        work.groupby(["anchor_id", "category", "common_category", "category_source"], dropna=False)[
            "pence"
        ]
        .agg(["size", "sum"])
        .reset_index()
    )
    rows = []
    for (a, c), part in g.groupby(["anchor_id", "category"], sort=False, dropna=False):
        part = part.sort_values("sum", ascending=False)
        rows.append(
            {
                "anchor_id": a,
                "category": c,
                "rows": int(part["size"].sum()),
                "spend": int(part["sum"].sum()) / 100,
                "common_category": part["common_category"].iloc[0],
                "common_categories": ";".join(dict.fromkeys(part["common_category"])),
                "sources": ";".join(dict.fromkeys(part["category_source"])),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "anchor_id",
            "category",
            "rows",
            "spend",
            "common_category",
            "common_categories",
            "sources",
        ],
    )
    return out.sort_values(
        ["spend", "anchor_id", "category"], ascending=[False, True, True]
    ).reset_index(drop=True)
