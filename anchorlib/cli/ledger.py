"""`anchor ledger ...`: read loose payment files into the canonical ledger (no YAML needed).

Mounted by anchorlib/cli/commands.py as ``app.add_typer(ledger_app, name="ledger")``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from anchorlib.core.errors import AnchorError

ledger_app = typer.Typer(
    help="Read payment files (CSV / XLSX, as bodies publish them) into the canonical ledger.",
    no_args_is_help=True,
    add_completion=False,
)


@ledger_app.callback()
def _ledger() -> None:
    """Read payment files (CSV / XLSX, as bodies publish them) into the canonical ledger."""


def _parse_columns(pairs: list[str] | None) -> dict[str, list[str]] | None:
    if not pairs:
        return None
    out: dict[str, list[str]] = {}
    for pair in pairs:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise typer.BadParameter(
                f"{pair!r}: write FIELD=HEADER, e.g. --column amount='Net Amount'",
                param_hint="--column",
            )
        out.setdefault(field.strip(), []).append(header.strip())
    return out


@ledger_app.command("read")
def read(
    files: list[Path] = typer.Argument(
        ..., help="Payment files: CSV (any common encoding) or XLSX (every sheet)."
    ),
    anchor: str = typer.Option(
        ..., "--anchor", "-a", help="Anchor id to stamp on every row (e.g. hyndburn)."
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Output folder: ledger.parquet, rejects.csv, reconciliation.csv."
    ),
    column: list[str] = typer.Option(
        None,
        "--column",
        "-c",
        help="Override the detected column: FIELD=HEADER as published (repeatable; give a field "
        "twice for alternative headers). Fields: supplier_name, amount, payment_date, "
        "transaction_id, category, description, company_number, charity_number, "
        "supplier_postcode.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress lines."),
) -> None:
    """Read FILE... for one anchor; write DIR/ledger.parquet, DIR/rejects.csv and
    DIR/reconciliation.csv.

    Every source row ends in the ledger or in rejects.csv (with file, row,
    reason and raw values); per file, input total = ledger total + rejects
    total to the penny.  Files are read in the order given: a transaction
    already published in an earlier file is flagged is_duplicate.  Outputs
    are replaced only when the whole run succeeds.
    """
    from anchorlib.ledgers.canonical import read_ledgers, write_outputs

    columns = _parse_columns(column)
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise AnchorError(f"no such file: {', '.join(missing)}")
    try:
        result = read_ledgers(files, anchor, columns=columns, progress=not quiet)
        paths = write_outputs(result, out)
    except OSError as exc:
        raise AnchorError(f"cannot write to {out}: {exc}") from None
    typer.echo(result.summary(), err=True)
    for p in paths.values():
        typer.echo(str(p))


@ledger_app.command("inspect")
def inspect(
    files: list[Path] = typer.Argument(..., help="Payment files: CSV or XLSX."),
    column: list[str] = typer.Option(
        None,
        "--column",
        "-c",
        help="Override the detected column, as for 'anchor ledger read': FIELD=HEADER.",
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON document (a list, per file)."),
) -> None:
    """Show how each FILE would be read: the header row found, the column chosen for each field
    with its score, how it was decided (header words, confirmed by content, content alone, a
    period), the runner-up and sample values, the VAT basis and date precision, and a ready-to-paste
    `columns:` override block for the collaborative YAML.  A file that cannot be read shows the
    evidence (candidates per field with their values) and the override to write; the command then
    exits 1."""
    import json

    from anchorlib.ledgers.inspect import format_inspection, inspect_files

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise AnchorError(f"no such file: {', '.join(missing)}")
    reports = inspect_files(files, _parse_columns(column))
    if as_json:
        typer.echo(json.dumps(reports, indent=2, ensure_ascii=False, default=str))
    else:
        typer.echo(format_inspection(reports))
    if any(r["error"] for r in reports):
        raise typer.Exit(1)
