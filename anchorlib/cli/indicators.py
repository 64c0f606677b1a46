"""`anchor indicators`: the spend indicators of a collaborative, or of a loose ledger.

    anchor indicators COLLABORATIVE.yml [--json]
    anchor indicators --ledger DIR --place PLACE_SPEC [--register FILE] [--deprived 1,2] [--json]

Mounted by anchorlib/cli/commands.py as ``app.command("indicators")(indicators_cmd)``.
The numbers come from :func:`anchorlib.indicators.spend.spend_indicators`; this module
only reads inputs and prints.  JSON shape: one key per anchor and
``combined`` (all years: only the financial years every anchor covers in full, listed in
``meta.combined_years``), ``by_year`` (``{year: {anchor: ..., combined: ...}}``, every year),
``coverage`` (``{anchor: {year: {months, smallest_payment, share_under_500, threshold_band,
vat_basis, ...}}}``, :func:`anchorlib.indicators.coverage.coverage_table`) and ``meta``
(place, tiers, settings, exclusions, notes).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import typer

from anchorlib.core.errors import AnchorError
from anchorlib.core.fmt import share

RESERVED = ("combined", "by_year", "meta", "coverage")


def _deciles(text: str | None) -> list[int] | None:
    if text is None:
        return None
    try:
        out = []
        for part in text.replace(" ", "").split(","):
            if "-" in part:
                a, b = part.split("-")
                out += list(range(int(a), int(b) + 1))
            elif part:
                out.append(int(part))
        return out
    except ValueError:
        raise typer.BadParameter(
            f"{text!r}: give deciles as 1,2 or 1-3", param_hint="--deprived"
        ) from None


def _clean(obj):
    """JSON-safe: NaN / inf to null, numpy scalars to Python."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def _from_collaborative(path: str, settings_override: dict, out_root: Path | None = None):
    from anchorlib.assets.register import read_located_ledger
    from anchorlib.config.collaborative import load_collaborative
    from anchorlib.indicators.lm3 import read_lm3_survey

    collab = load_collaborative(path)
    settings = collab.spec.indicators.model_copy(update=settings_override)
    ledger = read_located_ledger(collab, out_root)
    survey = None
    if settings.lm3_survey:
        survey = read_lm3_survey(collab.path.parent / settings.lm3_survey)
    anchors = [a.id for a in collab.anchors]
    home = {a.id: a.home_lad for a in collab.anchors}
    meta = {
        "collaborative": collab.id,
        "name": collab.spec.name,
        "source": str(collab.path),
        "baseline_year": collab.spec.baseline_year,
        "anchor_names": {a.id: a.name for a in collab.anchors},
    }
    from anchorlib.assets.register import read_registers_meta

    regs = read_registers_meta(collab, out_root)  # who the suppliers are: the registers read
    meta["registers"] = regs["registers"] if regs else []
    # Payments between member anchors are not spend into the economy: combined figures leave them
    # out.
    from anchorlib.indicators.collective import flag_intra_collaborative, flag_self_payments

    meta["intra_collaborative_excluded"] = (
        "payments between member anchors are left out of 'combined'"
    )
    meta["self_payments_excluded"] = (
        "payments by an anchor to itself are left out of its own figures and of 'combined'"
    )
    return (
        ledger,
        collab.place,
        settings,
        anchors,
        home,
        survey,
        meta,
        (flag_intra_collaborative(ledger, collab), flag_self_payments(ledger, collab)),
    )


def _from_ledger(ledger_dir: Path, place_spec: str, register: Path | None, settings_override: dict):
    from anchorlib.config.collaborative import IndicatorSettings
    from anchorlib.config.places import resolve_place
    from anchorlib.indicators.locate import locate_ledger

    path = ledger_dir / "ledger.parquet" if ledger_dir.is_dir() else ledger_dir
    if not path.is_file():
        raise AnchorError(
            f"no ledger at {path}: write one with "
            "`anchor ledger read FILE... --anchor ID --out DIR`"
        )
    try:
        ledger = pd.read_parquet(path)
    except Exception as exc:
        raise AnchorError(f"cannot read {path} as a Parquet ledger: {exc}") from None
    place = resolve_place(place_spec)
    reg = matches = None
    if register is not None:
        from anchorlib.suppliers.register import read_register, read_register_matches

        reg = read_register(register)
        matches = read_register_matches(register)
    settings = IndicatorSettings.model_validate(settings_override)
    located = locate_ledger(ledger, place, reg, matches, basis=settings.deprivation_basis)
    meta = {"source": str(path), "register": str(register) if register else None}
    return located, place, settings, None, {}, None, meta


def indicators_cmd(
    collaborative: str | None = typer.Argument(
        None, help="A collaborative YAML (after `anchor ingest` and `anchor suppliers build`)."
    ),
    ledger: Path | None = typer.Option(
        None,
        "--ledger",
        help="A folder written by `anchor ledger read` "
        "(DIR/ledger.parquet), or the Parquet file itself.",
    ),
    place: str | None = typer.Option(
        None,
        "--place",
        help="With --ledger: a place YAML or LAD codes (anything `anchor place` accepts).",
    ),
    register: Path | None = typer.Option(
        None,
        "--register",
        help="With --ledger: a supplier register "
        "(CSV/XLSX from `anchor suppliers build`) for postcodes and types.",
    ),
    deprived: str | None = typer.Option(
        None,
        "--deprived",
        help="IMD 2025 deciles counted as deprived: "
        "1, 1,2 or 1-3 (default: the collaborative's, else 1,2).",
    ),
    top: int | None = typer.Option(
        None, "--top", min=1, help="N for the top-N supplier share (default 10)."
    ),
    by_year: bool = typer.Option(True, "--by-year/--no-by-year", help="Also every financial year."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
    outputs: Path | None = typer.Option(
        None,
        "--outputs",
        help="With a collaborative: the outputs folder "
        "`anchor ingest` wrote to (default: outputs/ in this project).",
    ),
) -> None:
    """Spend indicators per anchor, combined and per financial year.

    Total, transactions, suppliers; spend by tier with the located share
    beside every share (denominators: all spend and located spend); spend in
    the most deprived areas; organisation types; concentration (HHI, top-N);
    addressable spend (ICIC) with its exclusions; LM3 when a survey is given.
    Definitions: docs/indicators/spend.md.
    """
    override = _settings_override(deprived, top)
    _check_arguments(collaborative, ledger, place, register)
    out = indicators_output(collaborative, ledger, place, register, override, outputs, by_year)
    if as_json:
        typer.echo(json.dumps(out, indent=2))
    else:
        typer.echo(format_indicators(out))


def _settings_override(deprived: str | None, top: int | None) -> dict:
    """The indicator settings given on the command line (--deprived, --top)."""
    override = {}
    d = _deciles(deprived)
    if d is not None:
        override["deprived_deciles"] = d
    if top is not None:
        override["top_n"] = top
    return override


def _check_arguments(
    collaborative: str | None, ledger: Path | None, place: str | None, register: Path | None
) -> None:
    """A collaborative, or a loose ledger with its place (and register): not both, not neither."""
    if (collaborative is None) == (ledger is None):
        raise AnchorError(
            "give a collaborative YAML, or --ledger DIR --place PLACE_SPEC (not both)"
        )
    if collaborative is not None and (place or register):
        raise AnchorError(
            "--place and --register go with --ledger; a collaborative brings its own place and "
            "register"
        )
    if ledger is not None and not place:
        raise AnchorError("--ledger needs --place PLACE_SPEC (a place YAML or LAD codes)")


def indicators_output(
    collaborative: str | None,
    ledger: Path | None,
    place: str | None,
    register: Path | None,
    override: dict,
    outputs: Path | None = None,
    by_year: bool = True,
) -> dict:
    """What ``anchor indicators`` prints: one key per anchor, ``combined``, ``by_year`` and
    ``meta``, JSON-safe."""
    from anchorlib.indicators.coverage import (
        apply_common_threshold,
        combined_years,
        coverage_json,
        coverage_table,
        year_comparability,
    )
    from anchorlib.indicators.spend import spend_indicators

    try:
        if collaborative is not None:
            if override:
                from anchorlib.config.collaborative import IndicatorSettings

                # clear errors for bad --deprived / --top
                IndicatorSettings.model_validate(override)
            led, plc, settings, anchors, home, survey, meta, (exclude, own) = _from_collaborative(
                collaborative, override, outputs
            )
        else:
            led, plc, settings, anchors, home, survey, meta = _from_ledger(
                ledger, place, register, override
            )
            exclude = own = None
        ids = (
            anchors
            if anchors is not None
            else sorted({str(a) for a in led["anchor_id"].dropna().unique()})
        )
        clash = [a for a in ids if a in RESERVED]
        if clash:
            raise AnchorError(
                f"anchor ids {clash} clash with the output keys {list(RESERVED)}: rename them"
            )
        kw = {"home_lads": home, "lm3_survey": survey, "anchors": ids, "exclude_rows": exclude}
        kw["self_rows"] = own
        cov = coverage_table(led, common_threshold=settings.common_threshold)
        # step 7 item 12: every anchor above the same threshold, when one is set
        led = apply_common_threshold(led, settings.common_threshold)
        result = spend_indicators(led, plc, settings, **kw)
        _add_who(result, led, plc, settings, ids, exclude, own)
        years = spend_indicators(led, plc, settings, by_year=True, **kw) if by_year else None
        _add_nations(result, led, settings, ids, exclude, own)
        # combined "all years": only the years every anchor covers in full (a partial year or a
        # missing anchor would make it another mix of bodies and months); per year: every year.
        # No full year yet: every payment, flagged not comparable (combined_years)
        full, comparable = combined_years(cov, ids)
        part = led[led["financial_year"].astype(str).isin(full)]
        comb = {"combined": spend_indicators(part, plc, settings, **kw)["combined"]}
        _add_who(comb, part, plc, settings, ids, exclude, own)
        _add_nations(comb, part, settings, ids, exclude, own)
        result["combined"] = comb["combined"]
    except AnchorError:
        raise
    except ValueError as exc:  # pydantic validation of --deprived / --top
        raise AnchorError(str(exc)) from None
    meta.update(_meta(plc, settings, result))
    meta["combined_years"] = full
    meta["combined_comparable"] = comparable
    meta["common_threshold"] = settings.common_threshold
    if not comparable:
        meta["notes"].append(
            "no financial year is covered in full (12 months) by every anchor: 'combined' (all "
            "years) covers every payment, a mix of part-years: not comparable with a later full "
            "year; see coverage and by_year"
        )
    out = dict(result)
    # each year's figures against the baseline year (declared, else the first full year): the
    # same threshold band, the same known VAT basis, full years (step 7 item 12); new keys only
    base = meta.get("baseline_year") or (full[0] if comparable else None)
    meta["comparability_baseline_year"] = base
    if years is not None:
        comp = year_comparability(cov, ids, base)
        for y, res in years.items():
            for key, figures in res.items():
                figures.update(comp.get(y, {}).get(key, {}))
        out["by_year"] = years
    out["coverage"] = coverage_json(cov)
    out["meta"] = meta
    return _clean(out)


def _add_who(result: dict, led, plc, settings, ids, exclude, own) -> None:
    """The ``who`` key (step 10: who the suppliers are) of each anchor and of ``combined``, on the
    rows each one's spend figures count (an anchor's payments to itself and, for combined,
    payments between members left out)."""
    from anchorlib.indicators.who import who_indicators

    drop = pd.Series(False, index=led.index)
    for flag in (exclude, own):
        if flag is not None:
            drop |= flag.reindex(led.index).fillna(False).astype(bool)
    mine = (
        own.reindex(led.index).fillna(False).astype(bool)
        if own is not None
        else pd.Series(False, index=led.index)
    )
    aid = led["anchor_id"].astype(str)
    for a in ids:
        if a in result:
            result[a]["who"] = who_indicators(led[(aid == a) & ~mine], plc, settings)
    comb = led[~drop & aid.isin(ids)]
    result["combined"]["who"] = who_indicators(comb, plc, settings)


def _add_nations(result: dict, led, settings, ids, exclude, own) -> None:
    """Issue 11: ``deprived_share_by_nation`` (each nation on its own index) and
    ``deprived_share_of_located_england_only`` (IMD 2025 only, as before) beside every anchor's
    and combined's keys (new keys; none renamed)."""
    from anchorlib.indicators.nations import nation_indicators

    by_nation = nation_indicators(
        led, settings.deprived_deciles, anchors=ids, exclude_rows=exclude, self_rows=own
    )
    for key, extra in by_nation.items():
        if key in result:
            result[key].update(extra)


def _meta(place, settings, result) -> dict:
    from anchorlib.indicators.tiers import place_tier, wider_tier

    comb = result["combined"]
    notes = []
    sim = comb.get("simulated_share")
    if sim:
        notes.append(
            f"SIMULATED: {share(sim, 1)} of spend is with suppliers whose location is simulated "
            "(demo postcodes, not real addresses); the geographic figures illustrate the method "
            "only"
        )
    if comb.get("located_share") is not None and comb["located_share"] < 1:
        notes.append(
            f"{share(1 - comb['located_share'], 1)} of spend is with suppliers of unknown location "
            "(tier 'unknown'): it stays in every 'of all' denominator"
        )
    gate = comb.get("located_gate") or {}
    if gate.get("sentence"):  # step 7 item 20: the located share before any place share
        notes.append(gate["sentence"])
    if comb.get("lm3") is None:
        notes.append(f"LM3: not given ({comb['lm3_detail'].get('reason')})")
    ex = settings.addressable_exclusions
    return {
        "place": place.name,
        "tiers": place.tier_names,
        "place_tier": place_tier(place),
        "wider_tier": wider_tier(place),
        "deprived_deciles": list(settings.deprived_deciles),
        "deprivation_basis": settings.deprivation_basis,
        "deprivation_basis_note": (
            "deprived shares rank each located supplier by its own nation's index (England IMD "
            "2025, Wales WIMD 2019, Scotland SIMD 2020, Northern Ireland NIMDM 2017), each decile "
            "within that nation only; deprived_share_by_nation splits the figure by nation and "
            "deprived_share_of_located_england_only keeps the IMD 2025-only figure"
            if settings.deprivation_basis == "own_nation"
            else "deprived shares rank suppliers by England's IMD 2025 only: suppliers in Wales, "
            "Scotland and Northern Ireland count as located but never as deprived"
        ),
        "top_n": settings.top_n,
        # step 7 item 5: the headline share in the place is on procurement spend
        "headline_key": "place_share_of_procurement",
        "headline_note": (
            "the headline share in the place is place_share_of_procurement: spend with suppliers "
            "in the place / procurement spend (all spend less public bodies, HMRC, pension "
            "funds, precepts and levies, grants and benefits to individuals and redacted payees, "
            "each listed in procurement_excluded); place_share_of_all stays beside it as context"
        ),
        "min_located_share": settings.min_located_share,
        "min_type_coverage": settings.min_type_coverage,
        "addressable_exclusions": {
            "org_types": list(ex.org_types),
            "suppliers": list(ex.suppliers),
            "categories": list(ex.categories),
        },
        "lm3_survey": settings.lm3_survey,
        "units": "amounts in pounds (credit notes netted against their supplier, receipts and "
        "transfers left out and reported in receipts_and_transfers, duplicates counted once); "
        "shares are fractions 0-1",
        "definitions": "docs/indicators/spend.md",
        "notes": notes,
    }


# --------------------------------------------------------------------------- text output


def _pct(v) -> str:
    return share(v, 1, missing="-")


def _gbp(v) -> str:
    return "-" if v is None else f"£{v:,.0f}"


def format_indicators(out: dict) -> str:
    """The text ``anchor indicators`` prints (without --json) for its output ``out``."""
    meta = out["meta"]
    groups = [k for k in out if k not in ("by_year", "meta", "coverage")]
    dec_label = _deciles_label(meta["deprived_deciles"])
    title = meta.get("name") or meta["source"]
    lines = [
        f"{title}: spend indicators",
        f"place: {meta['place']}; tiers: {', '.join(meta['tiers'])}; "
        f"deprived = IMD 2025 deciles {dec_label}",
    ]
    for note in meta["notes"]:
        lines.append(f"note: {note}")
    rows = _indicator_rows(meta, dec_label)
    lines += [""] + _table(
        ["indicator"] + groups, [[label] + [f(out[g]) for g in groups] for label, f in rows]
    )
    lines += ["", "Addressable spend (ICIC): excluded, by rule (first rule met)"]
    rules = list(out["combined"]["addressable_excluded"])
    lines += _table(
        ["rule"] + groups,
        [[r] + [_gbp(out[g]["addressable_excluded"].get(r)) for g in groups] for r in rules]
        or [["(no exclusions declared)"] + [""] * len(groups)],
    )
    if "by_year" in out:
        lines += ["", "By financial year"] + _by_year_table(out["by_year"], meta)
    if out.get("coverage"):
        lines += ["", "What each ledger covers (step 7: comparable only on the same basis)"]
        lines += coverage_lines(out["coverage"])
    lines += ["", f"Definitions: {meta['definitions']}"]
    return "\n".join(lines)


def coverage_lines(coverage: dict) -> list[str]:
    """The ``coverage`` key of ``anchor indicators`` as a text table: one row per anchor and
    financial year (months, smallest payment, lines under £500, threshold band, VAT basis)."""
    head = ["anchor", "year", "months", "smallest", "under £500", "threshold", "VAT basis"]
    body = [
        [
            a,
            y,
            f"{c['months']} of 12",
            "-" if c["smallest_payment"] is None else f"£{c['smallest_payment']:,.2f}",
            _pct(c["share_under_500"]),
            c["threshold_band"],
            c["vat_basis"],
        ]
        for a, years in coverage.items()
        for y, c in years.items()
    ]
    return _table(head, body)


def _deciles_label(dec: list[int]) -> str:
    """``1-3`` for a run of deciles, else ``1,3``."""
    if dec == list(range(dec[0], dec[-1] + 1)) and len(dec) > 1:
        return f"{dec[0]}-{dec[-1]}"
    return ",".join(map(str, dec))


def _gated(g: dict, key: str, gate: str) -> str:
    """A share published only when its coverage gate passed (step 7 item 8); else the
    coverage, in brackets."""
    gt = g.get(gate) or {}
    if gt and not gt.get("passed"):
        return f"- (coverage {_pct(gt.get('coverage'))})"
    return _pct(g[key])


def _hhi(v) -> str:
    return "-" if v is None else f"{v:,.0f}"


def _indicator_rows(meta: dict, dec_label: str) -> list[tuple[str, Callable[[dict], str]]]:
    """The rows of the main table: (label, the cell of one group's indicators)."""
    n = meta["top_n"]
    pt, wt = meta["place_tier"], meta["wider_tier"]
    rows = [
        (
            "financial years",
            lambda g: (
                f"{g['financial_years'][0]} to {g['financial_years'][-1]}"
                if g["financial_years"]
                else "-"
            ),
        ),
        ("total spend", lambda g: _gbp(g["total"])),
        ("transactions", lambda g: f"{g['transactions']:,}"),
        ("distinct suppliers", lambda g: f"{g['distinct_suppliers']:,}"),
        ("located share", lambda g: _pct(g["located_share"])),
    ]
    for t in meta["tiers"]:
        rows.append((f"in {t} (of all)", lambda g, t=t: _pct(g["tier_share_of_all"].get(t))))
    for t in meta["tiers"][:-1]:
        rows.append(
            (f"in {t} (of located)", lambda g, t=t: _pct(g["tier_share_of_located"].get(t)))
        )
    if pt:
        rows += [
            ("procurement spend", lambda g: _gbp(g["procurement_total"])),
            ("located share of procurement", lambda g: _pct(g["procurement_located_share"])),
            (
                f"HEADLINE: in {pt} (of procurement)",
                lambda g: _pct(g["place_share_of_procurement"]),
            ),
            (
                f"in {pt} (of located procurement)",
                lambda g: _pct(g["place_share_of_procurement_located"]),
            ),
            (f"CLES: in {pt} (of all)", lambda g: _pct(g["place_share_of_all"])),
            (f"CLES: in {pt} (of located)", lambda g: _pct(g["place_share_of_located"])),
        ]
    if wt:
        rows += [
            (f"CLES: in {wt} incl. {pt} (of all)", lambda g: _pct(g["wider_share_of_all"])),
            (f"CLES: in {wt} incl. {pt} (of located)", lambda g: _pct(g["wider_share_of_located"])),
        ]
    rows += [
        ("home district (of all)", lambda g: _pct(g["home_district_share_of_all"])),
        (f"deprived {dec_label} (of located)", lambda g: _pct(g["deprived_share_of_located"])),
        (f"deprived {dec_label} (of all)", lambda g: _pct(g["deprived_share_of_all"])),
        ("social economy (VCSE)", lambda g: _gated(g, "social_economy_share", "vcse_gate")),
        ("public bodies", lambda g: _pct(g["public_body_share"])),
        ("SME (where size known)", lambda g: _gated(g, "sme_share_of_known", "sme_gate")),
        ("redacted payees", lambda g: _pct(g["redacted_share"])),
        ("portfolio HHI, procurement (0-10,000)", lambda g: _hhi(g["portfolio_hhi_10000"])),
        ("HHI, all named suppliers (0-10,000)", lambda g: _hhi(g["hhi_10000"])),
        (f"top-{n} supplier share", lambda g: _pct(g["top_n_share"])),
        ("addressable spend", lambda g: _gbp(g["addressable_total"])),
        ("addressable share", lambda g: _pct(g["addressable_share"])),
    ]
    if pt:
        rows.append((f"in {pt} (of addressable)", lambda g: _pct(g["place_share_of_addressable"])))
    rows.append(("LM3", lambda g: "-" if g["lm3"] is None else f"{g['lm3']:.2f}"))
    return rows


def _by_year_table(by_year: dict, meta: dict) -> list[str]:
    """The table of the main indicators, one row per financial year and anchor."""
    pt, n = meta["place_tier"], meta["top_n"]
    head = [
        "year",
        "anchor",
        "total",
        "located",
        f"{pt or 'place'} (all)",
        f"{pt or 'place'} (located)",
        "deprived (located)",
        "HHI",
        f"top-{n}",
        "addressable",
    ]
    body = [
        [
            y,
            g,
            _gbp(v["total"]),
            _pct(v["located_share"]),
            _pct(v["place_share_of_all"]),
            _pct(v["place_share_of_located"]),
            _pct(v["deprived_share_of_located"]),
            _hhi(v["hhi_10000"]),
            _pct(v["top_n_share"]),
            _gbp(v["addressable_total"]),
        ]
        for y, res in by_year.items()
        for g, v in res.items()
    ]
    return _table(head, body)


def _table(head: list[str], body: list[list[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [head] + body) for i in range(len(head))]

    def fmt(r: list) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(r, widths))
        )

    return [fmt(head), fmt(["-" * w for w in widths])] + [fmt(r) for r in body]
