"""The ``anchor`` command line.

anchor data check                 every declared source: present?, checksum, licence
anchor place PLACE_SPEC           a place's deprivation summary and tiers
anchor postcode POSTCODE...       where postcodes are: LSOA 2021, ward, LAD, region, IMD decile
anchor ledger read FILE...        payment files to one canonical, reconciled ledger
anchor ingest COLLABORATIVE.yml   every anchor's files to outputs/<id>/data/
anchor suppliers build COLLAB.yml the shared supplier register (keeps people's edits)
anchor indicators COLLAB.yml      spend indicators per anchor, combined and per year
anchor workforce COLLAB.yml       disclosure-controlled workforce aggregates
anchor run COLLAB.yml             shared assets, then every report notebook, published as a site
anchor new NAME                   a commented collaborative YAML to fill in

One typer app (``app``) mounts every command, and one exit-code policy holds for all of them
(:mod:`anchorlib.cli.group`): bad input is one ``error: ...`` line and exit status 2; a command
that ran but found failures exits 1.  Each command imports what it runs inside its function, so
that ``anchor --help`` answers at once and ``anchor run`` can slim its imports before nbformat is
loaded (:func:`anchorlib.run.tasks.lean_imports`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from anchorlib.cli.group import FAILED, AnchorGroup
from anchorlib.cli.indicators import indicators_cmd
from anchorlib.cli.ledger import ledger_app
from anchorlib.cli.run import run_cmd
from anchorlib.cli.suppliers import suppliers_app

app = typer.Typer(
    cls=AnchorGroup,
    help="anchorlib: place baselines and spend analysis for anchor collaboratives.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="The data catalogue (data/sources.yml).", no_args_is_help=True)
app.add_typer(data_app, name="data", cls=AnchorGroup)
app.add_typer(ledger_app, name="ledger", cls=AnchorGroup)
app.add_typer(suppliers_app, name="suppliers", cls=AnchorGroup)
app.command("indicators")(indicators_cmd)
app.command("run")(run_cmd)


@app.command("new")
def new_cmd(
    name: str = typer.Argument(
        ...,
        help="The collaborative id: lower case letters, digits and _ (e.g. mybay). "
        "Writes collaboratives/NAME.yml.",
    ),
    lad: list[str] | None = typer.Option(
        None,
        "--lad",
        help="A LAD 2024 code of the place (repeatable, or "
        "comma-separated): also writes data/places/NAME.yml.",
    ),
    place: Path | None = typer.Option(
        None,
        "--place",
        help="An existing place YAML to refer to (e.g. data/places/lancashire.yml).",
    ),
    anchor: list[str] | None = typer.Option(
        None,
        "--anchor",
        "-a",
        help="An anchor id to write a block for (repeatable; default: one example_anchor).",
    ),
    out_dir: Path | None = typer.Option(
        None, "--dir", help="Folder for NAME.yml (default: collaboratives/)."
    ),
    places_dir: Path | None = typer.Option(
        None,
        "--places-dir",
        help="Folder for the place file written with --lad (default: data/places/).",
    ),
) -> None:
    """Write a commented collaborative YAML to fill in (and, with --lad, a place YAML). Never
    overwrites.

    Every field is explained in the file; lines marked TODO need your attention.
    With --lad or --place the file is valid as written; each anchor's ledger
    path points at a folder to fill with its payment files.
    """
    from anchorlib.run.scaffold import scaffold

    res = scaffold(
        name,
        lads=lad,
        place=place,
        anchors=anchor,
        collaboratives_dir=out_dir,
        places_dir=places_dir,
    )
    if res.place is not None:
        typer.echo(f"wrote {res.place}")
    typer.echo(f"wrote {res.collaborative}")
    for path, todos in ((res.place, res.place_todos), (res.collaborative, res.todos)):
        if path is not None and todos:
            typer.echo(f"{len(todos)} line(s) marked TODO in {path}:")
            for number, line in todos:
                typer.echo(f"  {number:>4}: {line}")
    typer.echo(
        "Guide: docs/user_guide.md. Check the file with: anchor ingest " + str(res.collaborative)
    )


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
        raise typer.Exit(code=FAILED)


@data_app.command("sources-page")
def data_sources_page(
    out: str | None = typer.Option(
        None, "--out", help="Where to write (default: docs/data_sources.md)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 when the page is out of date."
    ),
) -> None:
    """Write docs/data_sources.md from data/sources.yml (publisher, licence, attribution, files,
    checksums)."""
    from anchorlib.data.sources_page import COMMAND, PAGE_PATH, page_is_current, write_sources_page

    if check:
        if not page_is_current(out):
            typer.echo(
                f"{out or PAGE_PATH} is out of date with data/sources.yml: run `{COMMAND}`",
                err=True,
            )
            raise typer.Exit(code=FAILED)
        typer.echo(f"{out or PAGE_PATH} is up to date")
        return
    typer.echo(str(write_sources_page(out)))


@data_app.command("check-demo")
def data_check_demo(
    verify: bool = typer.Option(
        True, "--verify/--no-verify", help="Check sha256 checksums (cached by size and mtime)."
    ),
) -> None:
    """Every source `make demo` reads: the full file or the demo extract (data/demo/) standing in
    for it.

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
        raise typer.Exit(code=FAILED)


@data_app.command("build-demo")
def data_build_demo() -> None:
    """Cut the demo extract (data/demo/) from the full sources: what `make demo` needs, with its
    catalogue."""
    from anchorlib.demo.extract import build_demo, extract_sizes

    build_demo()
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

    summary = place_summary(spec, edition=edition)
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
    """Locate postcodes: LSOA 2021, ward, LAD, region and IMD 2025 decile (and tier with
    --place), and in every UK nation: the nation, LAD / council area / LGD, the nation's own index
    (IMD 2025, WIMD 2019, SIMD 2020, NIMDM 2017) and the rank and decile within that nation only.
    """
    from anchorlib.config.places import classify_postcodes, resolve_place
    from anchorlib.data.postcodes import locate_postcodes

    df = (
        classify_postcodes(resolve_place(place_spec), postcodes)
        if place_spec
        else locate_postcodes(postcodes)
    )
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
            "nation",
            "lad24_code",
            "small_area_code",
            "deprivation_index",
            "nation_rank",
            "nation_decile",
            "tier",
        ]
        if c in df.columns
    ]
    df = df[cols].astype(object).where(df[cols].notna(), None)
    if not as_json and "nation_decile" in df.columns:
        # words, never a bare decile: it ranks within its own nation only
        words = [
            "" if d is None else f"{d} of 10 in {n} ({i})"
            for d, n, i in zip(df["nation_decile"], df["nation"], df["deprivation_index"])
        ]
        df = df.assign(nation_decile=words)
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
    """Read every anchor's payment files into outputs/<collaborative>/data/ (ledger, rejects,
    reconciliation).

    Every source row ends in the ledger or in rejects.csv; per file and per
    anchor, input total = ledger total + rejects total to the penny.  Outputs
    are replaced only when the whole ingest succeeds.
    """
    from anchorlib.assets.ingest import ingest
    from anchorlib.config.collaborative import load_collaborative

    res = ingest(load_collaborative(collaborative), quiet=quiet, anchors=anchor)
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

    res = run_workforce(load_collaborative(collaborative), year, threshold=threshold)
    for p in res["outputs"].values():
        typer.echo(str(p))


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
