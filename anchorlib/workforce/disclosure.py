"""Statistical disclosure control for published aggregates of personal data (staff).

Every workforce figure anchorlib publishes passes through here.  The rules
(documented for readers in docs/indicators/workforce.md):

1. **Primary suppression.**  A count from 1 to ``threshold - 1`` (default
   10, so 1-9) is never published, wherever it is: an inner cell, a row or
   column total, a grand total.  Zeros are published (a zero discloses nothing
   about a person).  Magnitude cells (pay, FTE) are hidden wherever their
   count is hidden, and pay cells also when one person's pay is more than
   ``dominance`` (default 50%) of the cell total (see :func:`dominated`).
2. **Secondary suppression.**  Published figures are tied together by linear
   relations: a table's cells sum to its total; a total is shared by several
   tables; a collaborative's figure is the sum of its anchors'.  A hidden cell
   must not be recoverable from what is published through those relations:
   not by one subtraction (a row with a single hidden cell), and not by any
   combination of them.  :func:`protect` hides further cells (the smallest
   non-zero published cell sharing a relation with the exposed one first)
   until no primary cell is determined, iterating to a fixed point.
   Hidden zero cells count as known (an attacker can often bound them to
   zero), so only non-zero complements protect.
3. **Rounding.**  After suppression, published counts are rounded to the
   nearest multiple of ``rounding`` (default 5; halves go up).  Totals are
   computed from the unrounded cells and then rounded, so a published total
   need not equal the sum of the published cells.  The protection does *not*
   rely on rounding: the suppression pattern is chosen so that even the exact,
   unrounded figures and totals recover no hidden cell.

The criterion used for "determined": with the constraint matrix ``A`` (each
relation ``sum(coef * cell) == 0``) restricted to the hidden non-zero cells,
a hidden cell is determined exactly when its unit vector lies in the row space
of that matrix, i.e. when every vector of the null space is zero there
(tested on the reduced row echelon form).  When
a hidden cell is not determined, some direction of the null space moves it
while moving only other hidden non-zero cells, so its value cannot be pinned
down (for a two-way table with totals the directions are cycles of +-1
changes, so even the integer solutions leave at least two candidate values).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from anchorlib.core.errors import AnchorError

__all__ = [
    "DEFAULT_THRESHOLD",
    "MIN_THRESHOLD",
    "check_threshold",
    "DEFAULT_ROUNDING",
    "TOTAL",
    "LinkedCells",
    "primary_counts",
    "dominated",
    "determined",
    "protect",
    "round_to_base",
    "suppress",
    "suppression_mask",
    "check_protection",
    "check_safe",
    "DisclosureError",
]

DEFAULT_THRESHOLD = 10
#: The lowest threshold anything published may use (ONS / GSS practice for counts of people; the
#: user guide: never below 10).  :func:`check_threshold` refuses a lower one.
MIN_THRESHOLD = 10
DEFAULT_ROUNDING = 5
TOTAL = "Total"
_TOL = 1e-9

Key = Hashable


class DisclosureError(AssertionError):
    """A published table fails the disclosure checks (a bug, never accepted silently)."""


# ----------------------------------------------------------------------------- the linear system


class LinkedCells:
    """Cells to publish together and the linear relations an outsider can use between them.

    >>> cells = LinkedCells()
    >>> cells.add("a", 3); cells.add("b", 40); cells.add("total", 43)
    >>> cells.relate("total", ["a", "b"])          # total == a + b
    >>> sorted(cells.protect(cells.small_counts(10)))
    ['a', 'b']
    """

    def __init__(self) -> None:
        self.values: dict[Key, float] = {}
        self.constraints: list[dict[Key, float]] = []
        self.weights: dict[Key, float] = {}

    def add(self, key: Key, value: float, weight: float = 1.0) -> None:
        """A cell; ``weight`` > 1 makes it a costlier complement (a headline figure to keep
        published if possible)."""
        if key in self.values and self.values[key] != value:
            raise ValueError(
                f"cell {key!r} added twice with different values ({self.values[key]} and {value})"
            )
        if value is None or (isinstance(value, float) and math.isnan(value)):
            raise ValueError(f"cell {key!r}: a published cell needs a value")
        self.values[key] = float(value)
        self.weights[key] = max(float(weight), self.weights.get(key, 0.0))

    def relate(self, total: Key, parts: Iterable[Key]) -> None:
        """Declare ``total == sum(parts)`` (every key must have been added)."""
        parts = list(parts)
        missing = [k for k in [total, *parts] if k not in self.values]
        if missing:
            raise KeyError(f"relate: unknown cells {missing}")
        relation: dict[Key, float] = {}
        for p in parts:
            relation[p] = relation.get(p, 0.0) + 1.0
        relation[total] = relation.get(total, 0.0) - 1.0
        self.constraints.append(relation)

    def small_counts(self, threshold: int = DEFAULT_THRESHOLD) -> set[Key]:
        return primary_counts(self.values, threshold)

    def protect(self, primary: Iterable[Key]) -> set[Key]:
        return protect(self.values, self.constraints, primary, self.weights)

    def check(self, hidden: Iterable[Key], primary: Iterable[Key]) -> list[str]:
        return check_protection(self.values, self.constraints, hidden, primary)


def check_threshold(threshold, where: str = "") -> int:
    """``threshold`` if it may be used for published output (a whole number, at least
    :data:`MIN_THRESHOLD`); else an :class:`AnchorError` naming the setting and ``where`` (the file
    it came from)."""
    ok = isinstance(threshold, int) and not isinstance(threshold, bool)
    if not ok or threshold < MIN_THRESHOLD:
        raise AnchorError(
            f"{where + ': ' if where else ''}the disclosure threshold (`threshold`, "
            f"`anchor workforce --threshold`) is {threshold!r}: published counts of people use "
            f"a threshold of at least {MIN_THRESHOLD} (counts from 1 to {MIN_THRESHOLD - 1} are "
            "never published); raise it"
        )
    return threshold


def primary_counts(values: Mapping[Key, float], threshold: int = DEFAULT_THRESHOLD) -> set[Key]:
    """Cells whose count is at least 1 and below ``threshold`` (the cells that must never be
    published)."""
    return {k for k, v in values.items() if 0 < v < threshold}


def dominated(total: float, largest: float, k: float = 0.5) -> bool:
    """(1, k) dominance rule for a magnitude cell: one contributor gives more than ``k`` of the
    total."""
    return total > 0 and largest > k * total


def _matrix(
    values: Mapping[Key, float], constraints: Sequence[Mapping[Key, float]]
) -> tuple[list[Key], np.ndarray]:
    keys = list(values)
    pos = {k: i for i, k in enumerate(keys)}
    a = np.zeros((len(constraints), len(keys)))
    for r, relation in enumerate(constraints):
        for k, coef in relation.items():
            a[r, pos[k]] += coef
    return keys, a


def _determined_mask(a: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """For the hidden columns ``cols`` of ``a``: which are determined by the published rest.

    Gauss-Jordan elimination to reduced row echelon form: a unit vector lies in
    the row space exactly when its column is a pivot whose row has no other
    non-zero entry.  (Plain numpy: no LAPACK call, whose threads cost more than
    these small matrices.)
    """
    if len(cols) == 0:
        return np.zeros(0, dtype=bool)
    m = a[:, cols].astype(float)
    m = m[np.abs(m).sum(axis=1) > 0]
    n_rows, n_cols = m.shape
    pivots = []
    r = 0
    for c in range(n_cols):
        if r >= n_rows:
            break
        p = r + int(np.argmax(np.abs(m[r:, c])))
        if abs(m[p, c]) < _TOL:
            continue
        if p != r:
            m[[r, p]] = m[[p, r]]
        m[r] /= m[r, c]
        others = np.abs(m[:, c]) > _TOL
        others[r] = False
        if others.any():
            m[others] -= np.outer(m[others, c], m[r])
        pivots.append((r, c))
        r += 1
    out = np.zeros(n_cols, dtype=bool)
    for r, c in pivots:
        rest = np.abs(m[r]) > 1e-7
        out[c] = rest.sum() == 1
    return out


def determined(
    values: Mapping[Key, float], constraints: Sequence[Mapping[Key, float]], hidden: Iterable[Key]
) -> set[Key]:
    """Hidden non-zero cells whose value follows from the published cells and the relations.

    Hidden zero cells are treated as known to the outsider (conservative).
    """
    keys, a = _matrix(values, constraints)
    return _determined(keys, a, values, set(hidden))


def _determined(
    keys: list[Key], a: np.ndarray, values: Mapping[Key, float], hidden: set[Key]
) -> set[Key]:
    cols = np.array([i for i, k in enumerate(keys) if k in hidden and values[k] != 0], dtype=int)
    mask = _determined_mask(a, cols)
    return {keys[i] for i, m in zip(cols, mask) if m}


def protect(
    values: Mapping[Key, float],
    constraints: Sequence[Mapping[Key, float]],
    primary: Iterable[Key],
    weights: Mapping[Key, float] | None = None,
) -> set[Key]:
    """The cells to hide: the ``primary`` cells plus complements, so that no primary cell is
    determined.

    Complements are chosen greedily: for the first exposed primary cell, the
    smallest non-zero published cell whose hiding alone makes it undetermined;
    when no single cell does, the smallest non-zero published cell sharing a
    relation with it (the classic "next smallest in the row"), and round again.
    Finally, complements whose value the published cells imply are published
    again (hiding them protected nothing).
    "Smallest" is by value times ``weights`` (default 1); cells of a higher
    weight (headline figures) are considered only when no cell of a lower
    weight can serve.  Deterministic: ties go to the cell added first.
    """
    keys, a = _matrix(values, constraints)
    order = {k: i for i, k in enumerate(keys)}
    weights = weights or {}
    primary = [k for k in keys if k in set(primary)]
    hidden = set(primary)
    # relations of each cell, and each relation's cells (as positions in ``keys``)
    rel_cells = [np.flatnonzero(row).tolist() for row in a]
    cell_rels: list[list[int]] = [[] for _ in keys]
    for r, members in enumerate(rel_cells):
        for i in members:
            cell_rels[i].append(r)
    related = {k: {keys[j] for r in cell_rels[order[k]] for j in rel_cells[r]} for k in keys}

    def still_determined(target: Key, hide: set[Key]) -> bool:
        """Is ``target`` determined when ``hide`` is hidden?  Only the relations linked to it
        through hidden non-zero cells can matter (the others form separate blocks of the system),
        so only they are solved."""
        nonzero = {order[k] for k in hide if values[k] != 0}
        seen_rels, seen_cells, todo = set(), {order[target]}, [order[target]]
        while todo:
            for r in cell_rels[todo.pop()]:
                if r in seen_rels:
                    continue
                seen_rels.add(r)
                for j in rel_cells[r]:
                    if j in nonzero and j not in seen_cells:
                        seen_cells.add(j)
                        todo.append(j)
        cols = np.array(sorted(seen_cells), dtype=int)
        mask = _determined_mask(a[sorted(seen_rels)], cols)
        return bool(mask[int(np.searchsorted(cols, order[target]))])

    for _ in range(len(keys) + 1):
        now_determined = _determined(keys, a, values, hidden)
        exposed = [k for k in primary if k in now_determined]
        if not exposed:
            break
        target = exposed[0]
        by_cost = sorted(
            (k for k in keys if k not in hidden and values[k] != 0),
            key=lambda k: (abs(values[k]) * weights.get(k, 1.0), order[k]),
        )
        if (
            not by_cost
        ):  # every non-zero cell hidden: nothing can be determined (see module docstring)
            break
        # only a cell in a relation reachable from the target through hidden cells can help it
        reach = {
            keys[j]
            for k in hidden | {target}
            if values[k] != 0
            for r in cell_rels[order[k]]
            for j in rel_cells[r]
        }
        choice = None
        for level in sorted(
            {weights.get(c, 1.0) for c in by_cost}
        ):  # costlier (headline) cells only if need be
            pool = [c for c in by_cost if weights.get(c, 1.0) <= level]
            choice = next(
                (c for c in pool if c in reach and not still_determined(target, hidden | {c})), None
            )
            if choice is None:
                choice = next((c for c in pool if c in related[target]), None)
            if choice is not None:
                break
        hidden.add(choice if choice is not None else by_cost[0])
    else:  # pragma: no cover - each round hides one more cell
        raise RuntimeError("protect did not converge")
    # A complement whose value follows from the published cells anyway protects nothing: publish it.
    # (Publishing values that are already implied leaves every other hidden cell exactly as
    # uncertain.)
    return hidden - (_determined(keys, a, values, hidden) - set(primary))


def check_protection(
    values: Mapping[Key, float],
    constraints: Sequence[Mapping[Key, float]],
    hidden: Iterable[Key],
    primary: Iterable[Key],
) -> list[str]:
    """Problems with a suppression pattern: primary cells published, or primary cells determined."""
    hidden = set(hidden)
    problems = [
        f"{k!r} = {values[k]:g} is below the threshold and published"
        for k in primary
        if k not in hidden
    ]
    for k in determined(values, constraints, hidden):
        if k in set(primary):
            problems.append(
                f"{k!r} = {values[k]:g} is hidden but can be recovered from the published figures"
            )
    return problems


# ----------------------------------------------------------------------------- rounding


def round_to_base(value, base: int | None = DEFAULT_ROUNDING):
    """Nearest multiple of ``base`` (halves up); None/NaN stay missing; ``base`` None: unchanged."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return pd.NA
    if not base:
        return value
    return int(base * math.floor(float(value) / base + 0.5))


# ----------------------------------------------------------------------------- tables


def _table_cells(table: pd.DataFrame) -> tuple[LinkedCells, dict]:
    """The cells of a count table with its totals, and where each sits in the published table."""
    cells = LinkedCells()
    where: dict[Key, tuple] = {}
    rows, cols = list(table.index), list(table.columns)
    n_r, n_c = len(rows), len(cols)
    v = table.to_numpy(dtype=float)
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            cells.add(("cell", i, j), v[i, j])
            where[("cell", i, j)] = (r, c)
    if n_c > 1:
        for i, r in enumerate(rows):
            cells.add(("row", i), v[i].sum())
            cells.relate(("row", i), [("cell", i, j) for j in range(n_c)])
            where[("row", i)] = (r, TOTAL)
    if n_r > 1:
        for j, c in enumerate(cols):
            cells.add(("col", j), v[:, j].sum())
            cells.relate(("col", j), [("cell", i, j) for i in range(n_r)])
            where[("col", j)] = (TOTAL, c)
    if n_r > 1 and n_c > 1:
        cells.add(("all",), v.sum())
        cells.relate(("all",), [("row", i) for i in range(n_r)])
        cells.relate(("all",), [("col", j) for j in range(n_c)])
        where[("all",)] = (TOTAL, TOTAL)
    return cells, where


def _as_frame(table: pd.DataFrame | pd.Series) -> pd.DataFrame:
    if isinstance(table, pd.Series):
        table = table.to_frame(table.name if table.name is not None else "count")
    if table.empty:
        raise ValueError("suppress: the table is empty")
    values = table.to_numpy(dtype=float)
    if np.isnan(values).any() or (values < 0).any() or (values != np.round(values)).any():
        raise ValueError(
            "suppress: counts must be non-negative whole numbers with no missing values"
        )
    if TOTAL in list(table.index) or TOTAL in list(table.columns):
        raise ValueError(
            f"suppress: give the table without its {TOTAL!r} row/column (totals are computed)"
        )
    return table


def suppression_mask(
    table: pd.DataFrame | pd.Series, threshold: int = DEFAULT_THRESHOLD
) -> pd.DataFrame:
    """True where :func:`suppress` hides a figure, on the table with its totals added."""
    table = _as_frame(table)
    cells, where = _table_cells(table)
    hidden = cells.protect(cells.small_counts(threshold))
    full = _with_totals(table)
    out = pd.DataFrame(False, index=full.index, columns=full.columns)
    for key in hidden:
        out.loc[where[key]] = True
    return out


def _with_totals(table: pd.DataFrame) -> pd.DataFrame:
    out = table.astype(float).copy()
    if len(out.columns) > 1:
        out[TOTAL] = out.sum(axis=1)
    if len(out.index) > 1:
        out.loc[TOTAL] = out.sum(axis=0)
    return out


def suppress(
    table: pd.DataFrame | pd.Series,
    threshold: int = DEFAULT_THRESHOLD,
    rounding: int | None = DEFAULT_ROUNDING,
) -> pd.DataFrame:
    """A count table ready to publish: totals added, small counts and their complements hidden
    (<NA>), rounded.

    ``table``: non-negative whole counts (a DataFrame, or a Series for a
    one-way table), without totals.  Adds a ``Total`` column (when there are
    several columns) and a ``Total`` row (when there are several rows),
    computed from the unrounded counts.  Returns nullable integers.
    """
    table = _as_frame(table)
    mask = suppression_mask(table, threshold)
    full = _with_totals(table)
    out = full.mask(mask).map(lambda x: round_to_base(x, rounding) if not pd.isna(x) else pd.NA)
    return out.astype("Int64")


def check_safe(
    original: pd.DataFrame | pd.Series, published: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD
) -> list[str]:
    """Problems with a published table (from :func:`suppress`) against the original counts; []
    when safe.

    Checks that every count from 1 to threshold-1 (cells and totals) is
    hidden, that no row or column has exactly one hidden non-zero figure
    (recovery by one subtraction) and that no hidden small count can be
    recovered by any combination of the published figures and totals, taken
    exact (unrounded) as the worst case.
    """
    table = _as_frame(original)
    cells, where = _table_cells(table)
    hidden = {k for k, (r, c) in where.items() if pd.isna(published.loc[r, c])}
    primary = cells.small_counts(threshold)
    problems = cells.check(hidden, primary)
    for relation in cells.constraints:
        exposed = [k for k in relation if k in hidden and cells.values[k] != 0]
        if len(exposed) == 1 and exposed[0] in primary:
            problems.append(
                f"{where[exposed[0]]} is the only hidden figure in its line: "
                "recovered by subtraction"
            )
    return problems
