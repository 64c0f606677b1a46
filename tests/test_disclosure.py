"""Disclosure control: hand-worked tables, and properties (hypothesis) that no small cell is ever
recoverable."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anchorlib.workforce.disclosure import (
    TOTAL,
    LinkedCells,
    check_safe,
    determined,
    dominated,
    protect,
    round_to_base,
    suppress,
    suppression_mask,
)

# ----------------------------------------------------------------------------- hand-worked examples


def test_round_to_base():
    assert [round_to_base(v) for v in (0, 2, 3, 7, 8, 12, 12.5, 13, 10)] == [
        0,
        0,
        5,
        5,
        10,
        10,
        15,
        15,
        10,
    ]
    assert round_to_base(123, None) == 123
    assert round_to_base(1234, 1000) == 1000 and round_to_base(1500, 1000) == 2000
    assert pd.isna(round_to_base(None)) and pd.isna(round_to_base(float("nan")))


def test_one_way_table_by_hand():
    # rest_of_uk 6 is small; it is the only hidden count, so the next smallest (wider, 40) is hidden
    # with it: 166 - 120 - 0 = 46 = wider + rest, which pins neither.  Zero is published; total
    # rounded.
    out = suppress(
        pd.Series({"place": 120, "wider": 40, "rest_of_uk": 6, "unknown": 0}, name="staff")
    )
    assert out["staff"].isna().tolist() == [False, True, True, False, False]
    assert out.loc["place", "staff"] == 120
    assert out.loc[TOTAL, "staff"] == 165  # 166 rounded to base 5
    assert out.loc["unknown", "staff"] == 0


def test_two_way_table_by_hand():
    t = pd.DataFrame({"a": [3, 40, 25], "b": [50, 12, 30], "c": [20, 20, 0]}, index=["x", "y", "z"])
    out = suppress(t)
    hidden = {(r, c) for r in out.index for c in out.columns if pd.isna(out.loc[r, c])}
    # the cheapest cycle of complements through (x, a) = 3: (x, c) = 20, (y, a) = 40, (y, c) = 20
    assert hidden == {("x", "a"), ("x", "c"), ("y", "a"), ("y", "c")}
    assert (
        out.loc["z", "c"] == 0 and out.loc[TOTAL, TOTAL] == 200 and out.loc["x", TOTAL] == 75
    )  # 73 -> 75
    assert out.loc["y", "b"] == 10  # 12 published (>= 10), rounded to 10
    assert check_safe(t, out) == []


def test_small_totals_are_suppressed_too():
    t = pd.DataFrame({"a": [4, 30], "b": [3, 40]}, index=["x", "y"])  # row x totals 7
    out = suppress(t)
    assert (
        pd.isna(out.loc["x", TOTAL]) and pd.isna(out.loc["x", "a"]) and pd.isna(out.loc["x", "b"])
    )
    assert check_safe(t, out) == []


def test_check_safe_finds_recovery_by_subtraction():
    t = pd.DataFrame({"a": [3, 40], "b": [50, 12]}, index=["x", "y"])
    published = suppress(t, threshold=1, rounding=None).astype("Int64")
    published.loc["x", "a"] = pd.NA  # only the small cell hidden: 53 - 50 = 3
    problems = check_safe(t, published)
    assert any("recovered" in p for p in problems)
    published = suppress(t, threshold=1, rounding=None)
    assert any("published" in p for p in check_safe(t, published))


def test_recovery_through_several_relations_is_found():
    # Two 2x2 blocks each hide a cycle, and one cell links them: hidden cells whose every row and
    # column has two hidden cells, yet the link is a bridge and its value follows from combining
    # the lines.
    cells = LinkedCells()
    grid = {
        (0, 0): 5,
        (0, 1): 20,
        (1, 0): 30,
        (1, 1): 40,
        (2, 2): 15,
        (2, 3): 25,
        (3, 2): 35,
        (3, 3): 45,
        (0, 2): 4,
    }
    rows, cols = range(4), range(4)
    for r, c in itertools.product(rows, cols):
        cells.add((r, c), grid.get((r, c), 50))
    for r in rows:
        cells.add(("row", r), sum(cells.values[(r, c)] for c in cols))
        cells.relate(("row", r), [(r, c) for c in cols])
    for c in cols:
        cells.add(("col", c), sum(cells.values[(r, c)] for r in rows))
        cells.relate(("col", c), [(r, c) for r in rows])
    hidden = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)}
    for relation in cells.constraints:  # no line has exactly one hidden cell ...
        assert sum(k in hidden for k in relation) != 1
    assert (0, 2) in determined(
        cells.values, cells.constraints, hidden
    )  # ... yet the bridge is recovered
    fixed = cells.protect({(0, 2), (0, 0)})
    assert cells.check(fixed, {(0, 2), (0, 0)}) == []


def test_linked_tables_share_cells():
    # Two tables share their total and one category ("unknown"): protected as one system, a
    # complement in one table alone would leave "unknown" recoverable from the other.
    def system(total_weight):
        cells = LinkedCells()
        for k, v in {
            "t": 100,
            "unknown": 4,
            "place": 60,
            "wider": 36,
            "d1": 30,
            "d2": 50,
            "noimd": 16,
        }.items():
            cells.add(k, v, weight=total_weight if k == "t" else 1)
        cells.relate("t", ["place", "wider", "unknown"])
        cells.relate("t", ["d1", "d2", "noimd", "unknown"])
        return cells

    cells = system(1)
    hidden = cells.protect(cells.small_counts())
    assert hidden == {"unknown", "t"}  # the one cell that protects it in both tables at once
    assert cells.check(hidden, {"unknown"}) == []
    cells = system(100)  # the total is a headline figure: complements come from both tables instead
    hidden = cells.protect(cells.small_counts())
    assert hidden == {"unknown", "wider", "noimd"} and cells.check(hidden, {"unknown"}) == []


def test_weights_keep_headline_cells_published():
    cells = LinkedCells()
    cells.add("total", 80, weight=100)
    cells.add("deprived", 20, weight=100)
    cells.add("other", 55)
    cells.add("unknown", 5)
    cells.relate("total", ["deprived", "other", "unknown"])
    assert cells.protect({"unknown"}) == {"unknown", "other"}


def test_complements_implied_anyway_are_published():
    cells = LinkedCells()
    for k, v in {"t": 50, "a": 3, "b": 20, "c": 27, "u": 23}.items():
        cells.add(k, v)
    cells.relate("t", ["a", "b", "c"])
    cells.relate("u", ["a", "b"])  # u = a + b is published, so hiding b protects nothing by itself
    hidden = cells.protect({"a"})
    assert "a" in hidden and cells.check(hidden, {"a"}) == []


def test_dominance_rule():
    assert dominated(100_000, 60_000) and not dominated(100_000, 50_000) and not dominated(0, 0)
    assert dominated(100, 30, k=0.25)


def test_bad_tables_are_refused():
    with pytest.raises(ValueError, match="non-negative whole"):
        suppress(pd.Series([1.5, 3]))
    with pytest.raises(ValueError, match="non-negative whole"):
        suppress(pd.Series([-1, 3]))
    with pytest.raises(ValueError, match="without its 'Total'"):
        suppress(pd.Series({"a": 1, TOTAL: 1}))


# ----------------------------------------------------------------------------- properties

counts = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 40))


@st.composite
def tables(draw, max_side=4):
    r = draw(st.integers(1, max_side))
    c = draw(st.integers(1, max_side))
    values = draw(st.lists(counts, min_size=r * c, max_size=r * c))
    return pd.DataFrame(
        np.array(values).reshape(r, c),
        index=[f"r{i}" for i in range(r)],
        columns=[f"c{j}" for j in range(c)],
    )


def _another_value_fits(table: pd.DataFrame, mask: pd.DataFrame, cell: tuple) -> bool:
    """Brute force, as an outsider would: is there a table of non-negative whole numbers, agreeing
    with every published cell and total (exact, unrounded), in which ``cell`` has another value than
    its true one?

    A depth-first search over the hidden inner cells (the cell itself first when it is one), each
    trying values nearest its true value first, with values forced by a published row or column
    total.
    """
    rows, cols = list(table.index), list(table.columns)
    n_r, n_c = len(rows), len(cols)
    v = table.to_numpy(dtype=int).tolist()
    hidden_cell = [[bool(mask.iloc[i, j]) for j in range(n_c)] for i in range(n_r)]
    row_tot = [None if n_c == 1 or mask.loc[rows[i], TOTAL] else sum(v[i]) for i in range(n_r)]
    col_tot = [
        None if n_r == 1 or mask.loc[TOTAL, cols[j]] else sum(v[i][j] for i in range(n_r))
        for j in range(n_c)
    ]
    grand = None if n_r == 1 or n_c == 1 or mask.loc[TOTAL, TOTAL] else sum(map(sum, v))
    r = rows.index(cell[0]) if cell[0] != TOTAL else -1
    c = cols.index(cell[1]) if cell[1] != TOTAL else -1
    hidden = [(i, j) for i in range(n_r) for j in range(n_c) if hidden_cell[i][j]]
    if (r, c) in hidden:
        hidden.remove((r, c))
        hidden.insert(0, (r, c))
    x = [[0 if hidden_cell[i][j] else v[i][j] for j in range(n_c)] for i in range(n_r)]
    cap = sum(map(sum, v)) + 2
    last_in_row = {
        i: max((k for k, h in enumerate(hidden) if h[0] == i), default=-1) for i in range(n_r)
    }
    last_in_col = {
        j: max((k for k, h in enumerate(hidden) if h[1] == j), default=-1) for j in range(n_c)
    }

    def value(t):
        if r >= 0 and c >= 0:
            return t[r][c]
        if r >= 0:
            return sum(t[r])
        if c >= 0:
            return sum(t[i][c] for i in range(n_r))
        return sum(map(sum, t))

    true_value = value(v)

    def row_ok(i):
        return row_tot[i] is None or sum(x[i]) == row_tot[i]

    def col_ok(j):
        return col_tot[j] is None or sum(x[a][j] for a in range(n_r)) == col_tot[j]

    def search(k) -> bool:
        if k == len(hidden):
            return (grand is None or sum(map(sum, x)) == grand) and value(x) != true_value
        i, j = hidden[k]
        row_left = None if row_tot[i] is None else row_tot[i] - sum(x[i])
        col_left = None if col_tot[j] is None else col_tot[j] - sum(x[a][j] for a in range(n_r))
        if last_in_row[i] == k and row_left is not None:
            options = [row_left] if row_left >= 0 else []  # forced by the published row total
        elif last_in_col[j] == k and col_left is not None:
            options = [col_left] if col_left >= 0 else []
        else:
            bound = min(b for b in (row_left, col_left, cap) if b is not None)
            options = sorted(range(bound + 1), key=lambda val: abs(val - v[i][j]))
            if (i, j) == (r, c):
                options = [val for val in options if val != v[i][j]]
        for val in options:
            x[i][j] = val
            if (
                (last_in_row[i] != k or row_ok(i))
                and (last_in_col[j] != k or col_ok(j))
                and search(k + 1)
            ):
                return True
        x[i][j] = 0
        return False

    if not all(row_ok(i) for i in range(n_r) if last_in_row[i] == -1) or not all(
        col_ok(j) for j in range(n_c) if last_in_col[j] == -1
    ):
        return False
    return search(0)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_small_cell_is_published_or_recoverable(table):
    out = suppress(table)
    mask = out.isna()
    full = table.copy()
    if len(table.columns) > 1:
        full[TOTAL] = full.sum(axis=1)
    if len(table.index) > 1:
        full.loc[TOTAL] = full.sum(axis=0)
    small = (full > 0) & (full < 10)
    assert not (small & ~mask).to_numpy().any(), "a count below the threshold is published"
    # no line (row or column, totals included) with exactly one hidden non-zero figure: no recovery
    # by subtraction
    hidden_nonzero = mask & (full != 0)
    if len(table.columns) > 1:
        assert (hidden_nonzero.sum(axis=1) != 1).all()
    if len(table.index) > 1:
        assert (hidden_nonzero.sum(axis=0) != 1).all()
    assert check_safe(table, out) == []
    published = out.dropna(how="all")
    assert ((published.fillna(0) % 5) == 0).to_numpy().all()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(max_side=3))
def test_brute_force_outsider_cannot_pin_a_small_cell(table):
    """The strongest check: enumerate every table consistent with what is published (exact totals,
    whole non-negative numbers); each hidden small count must be able to take another value than
    its own."""
    mask = suppression_mask(table)
    full = table.copy()
    if len(table.columns) > 1:
        full[TOTAL] = full.sum(axis=1)
    if len(table.index) > 1:
        full.loc[TOTAL] = full.sum(axis=0)
    for r in full.index:
        for c in full.columns:
            if mask.loc[r, c] and 0 < full.loc[r, c] < 10:
                assert _another_value_fits(table, mask, (r, c)), f"{(r, c)} is pinned"


@st.composite
def linked_systems(draw):
    """Several anchors' one-way tables (sharing categories) plus the combined table, as the
    workforce tables are."""
    n_anchors = draw(st.integers(1, 4))
    n_cats = draw(st.integers(1, 5))
    values = draw(
        st.lists(
            st.lists(counts, min_size=n_cats, max_size=n_cats),
            min_size=n_anchors,
            max_size=n_anchors,
        )
    )
    cells = LinkedCells()
    for a, row in enumerate(values):
        for c, v in enumerate(row):
            cells.add((a, c), v)
        cells.add((a, "total"), sum(row))
        cells.relate((a, "total"), [(a, c) for c in range(n_cats)])
    if n_anchors > 1:
        for c in [*range(n_cats), "total"]:
            cells.add(("all", c), sum(cells.values[(a, c)] for a in range(n_anchors)))
            cells.relate(("all", c), [(a, c) for a in range(n_anchors)])
    return cells


@settings(max_examples=300, deadline=None)
@given(linked_systems())
def test_linked_tables_never_reveal_a_small_cell(cells):
    primary = cells.small_counts(10)
    hidden = cells.protect(primary)
    assert primary <= hidden
    assert cells.check(hidden, primary) == []
    for relation in cells.constraints:  # no relation with a single hidden figure
        assert sum(k in hidden for k in relation) != 1
    assert all(cells.values[k] != 0 for k in hidden - primary), (
        "zeros protect nothing and are never complements"
    )


def test_protect_is_deterministic():
    t = pd.DataFrame(np.arange(16).reshape(4, 4) % 7 * 5 + 1)
    assert suppression_mask(t).equals(suppression_mask(t))
    values = {i: float(v) for i, v in enumerate([3, 30, 30, 63])}
    constraints = [{0: 1, 1: 1, 2: 1, 3: -1}]
    assert (
        protect(values, constraints, {0}) == protect(dict(values), list(constraints), [0]) == {0, 1}
    )
