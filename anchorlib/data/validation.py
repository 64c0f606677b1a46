"""Schema checks built from the catalogue's declarations (pandera, lazy).

Lazy validation collects every problem in a file before raising, so a user
fixing a file sees all of them at once, each with its row and column.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from anchorlib.core.errors import DataValidationError
from anchorlib.data.catalogue import ColumnSpec, SchemaSpec

_DTYPES = {"str": str, "int": "int64", "float": "float64"}
MAX_LISTED = 30


def _column(spec: ColumnSpec) -> pa.Column:
    checks = []
    if spec.pattern:
        checks.append(pa.Check.str_matches(spec.pattern))
    if spec.min is not None:
        checks.append(pa.Check.ge(spec.min))
    if spec.max is not None:
        checks.append(pa.Check.le(spec.max))
    if spec.isin is not None:
        checks.append(pa.Check.isin(spec.isin))
    dtype = _DTYPES[spec.dtype]
    if spec.dtype == "int" and spec.nullable:
        dtype = "Int64"
    return pa.Column(dtype, checks=checks, nullable=spec.nullable, unique=spec.unique, coerce=True)


def build_schema(spec: SchemaSpec, name: str) -> pa.DataFrameSchema:
    """A pandera schema from a declared ``schema:`` block (extra columns allowed)."""
    return pa.DataFrameSchema(
        {col: _column(c) for col, c in spec.columns.items()}, name=name, strict=False
    )


def validate(
    df: pd.DataFrame, spec: SchemaSpec | None, *, label: str, row_offset: int = 1
) -> pd.DataFrame:
    """Validate ``df`` against ``spec`` lazily; raise one error listing every failure.

    ``row_offset`` turns the 0-based frame index into the row number a person
    sees in the file (1 = first data row) so errors can be found by eye.
    """
    if spec is None:
        return df
    schema = build_schema(spec, label)
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases.copy()
        failures["row"] = pd.to_numeric(failures["index"], errors="coerce") + row_offset
        lines = []
        for rec in failures.head(MAX_LISTED).itertuples(index=False):
            where = f"row {int(rec.row)}" if pd.notna(rec.row) else "whole column"
            col = rec.column if rec.column is not None else "(table)"
            lines.append(
                f"  {where}, column '{col}': failed {rec.check} (value: {rec.failure_case!r})"
            )
        more = len(failures) - MAX_LISTED
        if more > 0:
            lines.append(f"  ... and {more} more")
        raise DataValidationError(
            f"{label} failed its declared schema with {len(failures)} problem(s):\n"
            + "\n".join(lines),
            failures=failures,
        ) from None
