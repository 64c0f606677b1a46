"""The ``anchor`` command line.

anchor data check                 every declared source: present?, checksum, licence
anchor place PLACE_SPEC           a place's deprivation summary and tiers
anchor postcode POSTCODE...       where postcodes are: LSOA 2021, ward, LAD, region, IMD decile
anchor ledger read FILE...        payment files to one canonical, reconciled ledger
anchor ingest COLLABORATIVE.yml   every anchor's files to outputs/<id>/data/
anchor suppliers build COLLAB.yml the shared supplier register (keeps people's edits)
anchor indicators COLLAB.yml      spend indicators per anchor, combined and per year
anchor workforce COLLAB.yml       disclosure-controlled workforce aggregates
"""

from __future__ import annotations

import json
import sys

import typer

from anchorlib.cli.indicators import indicators_cmd
from anchorlib.cli.ledger import ledger_app
from anchorlib.cli.run import run_cmd
from anchorlib.cli.suppliers import suppliers_app
from anchorlib.core.errors import AnchorError
from anchorlib.run.scaffold import new_cmd

app = typer.Typer(
    help="anchorlib: place baselines and spend analysis for anchor collaboratives.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="The data catalogue (data/sources.yml).", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(ledger_app, name="ledger")
app.add_typer(suppliers_app, name="suppliers")
app.command("indicators")(indicators_cmd)
app.command("run")(run_cmd)
app.command("new")(new_cmd)


def _fail(exc: Exception) -> None:
    typer.echo(f"error: {exc}", err=True)
    raise typer.Exit(code=2)


@data_app.command("check")
def data_check(
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
    verify: bool = typer.Option(
        True, "--verify/--no-verify", help="Check sha256 checksums (cached by size and mtime)."
    ),
) -> None:
    """List every declared source: whether it is present, its checksum status and licence.

    Exits 1 when a required source is missing or a checksum does not match.
    """
    from anchorlib.data.check import check_sources, format_check

    rows = check_sources(verify=verify)
    typer.echo(json.dumps(rows, indent=2) if as_json else format_check(rows))
    if any(r["status"] in ("missing", "checksum mismatch") and not r["optional"] for r in rows):
        raise typer.Exit(code=1)


@data_app.command("sources-page")
def data_sources_page(
    out: str | None = typer.Option(
        None, "--out", help="Where to write (default: docs/data_sources.md)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 when the page is out of date."
    ),
) -> None:
    """Write docs/data_sources.md from data/sources.yml (publisher, licence, attribution, files, checksums)."""
    from anchorlib.data.sources_page import COMMAND, PAGE_PATH, page_is_current, write_sources_page

    if check:
        if not page_is_current(out):
            typer.echo(
                f"{out or PAGE_PATH} is out of date with data/sources.yml: run `{COMMAND}`",
                err=True,
            )
            raise typer.Exit(code=1)
        typer.echo(f"{out or PAGE_PATH} is up to date")
        return
    typer.echo(str(write_sources_page(out)))


@data_app.command("check-demo")
def data_check_demo(
    verify: bool = typer.Option(
        True, "--verify/--no-verify", help="Check sha256 checksums (cached by size and mtime)."
    ),
) -> None:
    """Every source `make demo` reads: the full file or the demo extract (data/demo/) standing in for it.

    Exits 1 when one is missing or fails its checksum.
    """
    from anchorlib.data.check import check_demo, format_check

    rows, ok = check_demo(verify=verify)
    typer.echo(
        format_check(rows)
        if rows
        else "No demo extract catalogue (data/demo/sources.yml): run `anchor data build-demo`."
    )
    if not ok:
        raise typer.Exit(code=1)


@data_app.command("build-demo")
def data_build_demo() -> None:
    """Cut the demo extract (data/demo/) from the full sources: what `make demo` needs, with its catalogue."""
    from anchorlib.demo.extract import build_demo, extract_sizes

    try:
        build_demo()
    except AnchorError as exc:
        _fail(exc)
    sizes = extract_sizes()
    typer.echo(sizes.to_string(index=False))
    typer.echo(f"total: {sizes['bytes'].sum():,} bytes in data/demo/")


@app.command("place")
def place(
    spec: str = typer.Argument(
        ..., help="A place YAML file, or LAD codes: E07000120 or E07000117,E07000120."
    ),
    edition: int = typer.Option(
        2025,
        "--edition",
        help="IoD edition: 2025 (LSOA 2021, LAD 2024 codes) or 2019 (LSOA 2011, LAD 2019 codes).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Print a place's LSOA count, population, deprivation summary measures and tier breakdown."""
    from anchorlib.indicators.place import format_summary, place_summary

    try:
        summary = place_summary(spec, edition=edition)
    except AnchorError as exc:
        _fail(exc)
    typer.echo(json.dumps(summary, indent=2) if as_json else format_summary(summary))


@app.command("postcode")
def postcode(
    postcodes: list[str] = typer.Argument(
        ..., help="Postcodes in any common form (bb5 1la, BB51LA, ...)."
    ),
    place_spec: str | None = typer.Option(
        None, "--place", help="Also give each postcode's tier in this place."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Locate postcodes: LSOA 2021, ward, LAD, region and IMD 2025 decile (and tier with --place)."""
    from anchorlib.config.places import classify_postcodes, resolve_place
    from anchorlib.data.postcodes import locate_postcodes

    try:
        df = (
            classify_postcodes(resolve_place(place_spec), postcodes)
            if place_spec
            else locate_postcodes(postcodes)
        )
    except AnchorError as exc:
        _fail(exc)
    cols = [
        c
        for c in [
            "input",
            "pcds",
            "status",
            "reason",
            "lsoa21_code",
            "ward24_name",
            "lad24_name",
            "region_name",
            "imd25_decile",
            "tier",
        ]
        if c in df.columns
    ]
    df = df[cols].astype(object).where(df[cols].notna(), None)
    if as_json:
        typer.echo(json.dumps(df.to_dict(orient="records"), indent=2, default=str))
    else:
        typer.echo(df.to_string(index=False))


@app.command("ingest")
def ingest_cmd(
    collaborative: str = typer.Argument(
        ..., help="A collaborative YAML file, e.g. collaboratives/lancashire.yml."
    ),
    anchor: list[str] | None = typer.Option(
        None, "--anchor", "-a", help="Only these anchors (repeatable)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Read every anchor's payment files into outputs/<collaborative>/data/ (ledger, rejects, reconciliation).

    Every source row ends in the ledger or in rejects.csv; per file and per
    anchor, input total = ledger total + rejects total to the penny.  Outputs
    are replaced only when the whole ingest succeeds.
    """
    from anchorlib.assets.ingest import ingest
    from anchorlib.config.collaborative import load_collaborative

    try:
        res = ingest(load_collaborative(collaborative), quiet=quiet, anchors=anchor)
    except AnchorError as exc:
        _fail(exc)
    typer.echo(res.result.summary())
    for p in res.outputs.values():
        typer.echo(str(p))


@app.command("workforce")
def workforce_cmd(
    collaborative: str = typer.Argument(
        ..., help="A collaborative YAML file, e.g. collaboratives/lancashire.yml."
    ),
    year: str | None = typer.Option(
        None, "--year", help="Financial year, e.g. 2024-25 (default: the latest complete one)."
    ),
    threshold: int = typer.Option(
        10, "--threshold", min=1, help="Counts below this are suppressed."
    ),
) -> None:
    """Workforce indicators, disclosure-controlled, into outputs/<collaborative>/workforce/<year>/.

    Staff extracts are personal data: only aggregate tables are written, with
    counts under the threshold suppressed (and secondary suppression so none
    can be recovered from totals) and counts rounded.  Definitions:
    docs/indicators/workforce.md.
    """
    from anchorlib.assets.workforce import run_workforce
    from anchorlib.config.collaborative import load_collaborative

    try:
        res = run_workforce(load_collaborative(collaborative), year, threshold=threshold)
    except AnchorError as exc:
        _fail(exc)
    for p in res["outputs"].values():
        typer.echo(str(p))


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
