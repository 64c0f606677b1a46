"""`anchor suppliers ...`: the shared supplier register of a collaborative.

Mounted by anchorlib/cli/commands.py as ``app.add_typer(suppliers_app, name="suppliers")``.
The work is done by :func:`anchorlib.suppliers.register.build_register` on DataFrames;
this module only reads and writes files.
"""

from __future__ import annotations

from pathlib import Path

import typer

from anchorlib.core.errors import AnchorError

suppliers_app = typer.Typer(
    help="The supplier register: one row per supplier, matched across anchors and spellings, "
    "edited by people.",
    no_args_is_help=True,
    add_completion=False,
)


@suppliers_app.callback()
def _suppliers() -> None:
    """The supplier register: one row per supplier, matched across anchors and spellings, edited
    by people."""


@suppliers_app.command("build")
def build(
    ledgers: list[Path] = typer.Argument(
        ...,
        help="A collaborative YAML (uses outputs/<id>/data/ledger.parquet from "
        "'anchor ingest'), or canonical ledger file(s) as written by 'anchor ledger read'.",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output folder (default: the first ledger's folder)."
    ),
    place: str | None = typer.Option(
        None,
        "--place",
        help="A place YAML file (or LAD codes): adds LSOA 2021, LAD, region, IMD decile and tier "
        "for each postcode.",
    ),
    previous: Path | None = typer.Option(
        None,
        "--previous",
        help="The register to keep edits from (default: OUT/NAME.xlsx or OUT/NAME.csv, whichever "
        "is newer).",
    ),
    fresh: bool = typer.Option(
        False,
        "--fresh",
        help="Ignore any existing register in OUT (start again: every human edit there is "
        "dropped).",
    ),
    name: str = typer.Option(
        "suppliers",
        "--name",
        help="File name stem: NAME.csv, NAME.xlsx, NAME_matches.csv, NAME_review.csv.",
    ),
    threshold: float = typer.Option(
        92.0, "--threshold", help="Fuzzy match threshold (rapidfuzz token_sort_ratio, 0-100)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the paths written."),
) -> None:
    """Build the supplier register from LEDGER file(s); run again to keep every human edit and add
    what is new.

    Writes OUT/NAME.csv and OUT/NAME.xlsx (sheets register, matches, review),
    sorted by combined spend, with the CLES top suppliers covering 80% of spend
    marked, plus the audit of every name match (NAME_matches.csv) and the near
    misses that were not merged (NAME_review.csv).  Files are replaced only
    when all are written.
    """
    import pandas as pd

    from anchorlib.config.places import resolve_place
    from anchorlib.suppliers.register import (
        build_register,
        find_previous,
        read_register,
        read_register_matches,
        write_register,
    )

    if len(ledgers) == 1 and ledgers[0].suffix in (".yml", ".yaml"):
        _build_for_collaborative(ledgers[0], fresh, quiet)
        return
    missing = [str(f) for f in ledgers if not f.is_file()]
    if missing:
        raise AnchorError(f"no such file: {', '.join(missing)}")
    out = out or ledgers[0].parent
    try:
        frames = []
        for f in ledgers:
            try:
                frames.append(pd.read_parquet(f))
            except Exception as exc:
                raise AnchorError(f"cannot read {f} as a Parquet ledger: {exc}") from None
        ledger = pd.concat(frames, ignore_index=True)
        prev_path, note = (
            (previous, None) if previous else ((None, None) if fresh else find_previous(out, name))
        )
        prev = prev_matches = None
        if prev_path is not None:
            prev = read_register(prev_path)
            prev_matches = read_register_matches(prev_path)
        plc = resolve_place(place) if place else None
        reg = build_register(
            ledger, previous=prev, place=plc, previous_matches=prev_matches, threshold=threshold
        )
        paths = write_register(reg, out / name)
    except OSError as exc:
        raise AnchorError(f"cannot write to {out}: {exc}") from None
    if not quiet:
        if prev_path is not None:
            typer.echo(f"kept edits from {prev_path}", err=True)
        if note:
            typer.echo(f"warning: {note}", err=True)
        typer.echo(reg.summary(), err=True)
    for p in paths.values():
        typer.echo(str(p))


def _build_for_collaborative(path: Path, fresh: bool, quiet: bool) -> None:
    from anchorlib.assets.register import build_collaborative_register
    from anchorlib.config.collaborative import load_collaborative

    reg, paths = build_collaborative_register(load_collaborative(path), fresh=fresh)
    if not quiet:
        typer.echo(reg.summary(), err=True)
    for p in paths.values():
        typer.echo(str(p))


@suppliers_app.command(
    "enrich", context_settings={"allow_extra_args": True, "ignore_unknown_options": False}
)
def enrich(
    ctx: typer.Context,
    collaborative: Path = typer.Argument(..., help="The collaborative YAML."),
    companies_house: list[Path] = typer.Option(
        [],
        "--companies-house",
        help="Companies House Basic Company Data as downloaded: the one-file zip, the CSV, or "
        "the part zips (repeat the option, or list the parts after it).",
    ),
    charities: Path | None = typer.Option(
        None,
        "--charities",
        help="The Charity Commission register extract (publicextract.charity.zip or .txt).",
    ),
    outputs: Path | None = typer.Option(
        None, "--outputs", help="Outputs root (default: the collaborative's outputs folder)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the paths written."),
) -> None:
    """Fill the supplier register from Companies House and the Charity Commission: legal form,
    status, SIC codes, size band, income band, SME and VCSE flags, registered-office postcode.

    Matches by company or charity number, then by a name only one active organisation has
    (previous names count); never fuzzy.  Every filled cell names its register and date; a value a
    person set is never overwritten.  The first read of a register file is cached (keyed by its
    sha256): a second enrich with the same file takes seconds.  A file that cannot be read changes
    nothing.
    """
    from anchorlib.assets.register import enrich_collaborative_register
    from anchorlib.config.collaborative import load_collaborative

    parts = list(companies_house) + [Path(a) for a in ctx.args]
    bad = [a for a in ctx.args if a.startswith("-")]
    if bad:
        raise AnchorError(f"unknown option(s): {', '.join(bad)}")
    collab = load_collaborative(collaborative)
    e, paths = enrich_collaborative_register(
        collab, parts, charities, out_root=outputs, progress=not quiet
    )
    if not quiet:
        typer.echo(e.summary(), err=True)
    for p in paths.values():
        typer.echo(str(p))
