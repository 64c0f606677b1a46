"""How a payment file is read, shown: ``anchor ledger inspect FILE... [--json]``, and the evidence
in the error when a file cannot be read.

:func:`inspect_file` reports, per header row found, the column chosen for each field with its
score, how it was decided (header words, confirmed by content, content alone, a period), the
runner-up and a few sample values, what was inferred, the VAT basis and date precision, and a
ready-to-paste ``columns:`` override block for the collaborative YAML, keyed by the layout's
signature. :func:`no_header_message` gives the same evidence when no header row is found: per sheet
the best row, per required field the candidates with their values, and the override to write.
"""

from __future__ import annotations

from pathlib import Path

from anchorlib.core.normalise import is_blank
from anchorlib.ledgers.content import column_contents, sample_rows
from anchorlib.ledgers.headers import vat_basis
from anchorlib.ledgers.read import (
    FIELD_HINTS,
    FIELDS,
    REQUIRED_FIELDS,
    Header,
    LedgerError,
    Sheet,
    column_letter,
    effective_overrides,
    find_headers,
    override_lookup,
    read_sheets,
    row_fields,
)
from anchorlib.ledgers.scoring import CONFIRM, MIN_FILLED
from anchorlib.ledgers.tokens import header_signature, override_block

__all__ = [
    "format_inspection",
    "inspect_file",
    "inspect_files",
    "no_header_message",
    "override_block",
]


def _header_report(sheet: Sheet, h: Header) -> dict:
    fields = {}
    for fld, d in h.decisions.items():
        fields[fld] = {
            "column": column_letter(d.column),
            "header": d.header,
            "how": d.how,
            "score": d.score,
            "content_share": None if d.share is None else round(d.share, 3),
            "runner_up": d.runner_up,
            "runner_up_score": d.runner_up_score,
            "samples": list(d.samples),
            "refused": d.refused,
        }
    inferred = [f for f, d in h.decisions.items() if d.how == "content" or "period" in d.how]
    amount = h.header_of("amount")
    return {
        "sheet": sheet.name,
        "header_row": h.row_number,
        "headers": [n for n in h.names if n],
        "layout": h.signature,
        "fields": fields,
        "inferred": inferred,
        "vat_basis": vat_basis(amount),
        "amount_header": amount,
        "date_precision": h.date_precision,
        "financial_year_start": h.fy_start,
        "warnings": h.warnings,
        "override": override_block(
            h.signature, {f: h.names[i] for f, i in h.mapping.items() if h.names[i]}, h.names
        ),
    }


def inspect_file(path, columns=None) -> dict:
    """{file, headers: [per header row: the fields chosen and how], error} for one file."""
    out: dict = {"file": str(path), "headers": [], "error": None}
    try:
        sheets = read_sheets(path)
        for sheet in sheets:
            if sheet.rows:
                out["headers"] += [
                    _header_report(sheet, h) for h in find_headers(path, sheet, columns)
                ]
        if not out["headers"]:
            out["error"] = no_header_message(path, sheets, columns)
    except LedgerError as exc:
        out["error"] = str(exc)
    return out


def format_inspection(reports: list[dict]) -> str:
    """The inspection of each file as text for people."""
    lines = []
    for rep in reports:
        lines.append(f"== {rep['file']}")
        if rep["error"]:
            lines.append("cannot read it:")
            lines += ["  " + ln for ln in rep["error"].splitlines()]
        for h in rep["headers"]:
            where = f"sheet {h['sheet']!r}, row" if h["sheet"] is not None else "line"
            lines.append(f"header ({where} {h['header_row']}): {h['headers']}")
            for fld, f in h["fields"].items():
                share = (
                    f", {f['content_share']:.0%} of the sample agrees"
                    if f["content_share"] is not None
                    else ""
                )
                runner = (
                    f"; runner-up {f['runner_up']!r} ({f['runner_up_score']})"
                    if f["runner_up"]
                    else ""
                )
                lines.append(
                    f"  {fld:<18} {f['column']:>3} {f['header']!r}: {f['how']} "
                    f"(score {f['score']}{share}){runner}; e.g. {f['samples']}"
                )
                for r in f["refused"]:
                    lines.append(f"  {'':<18}     refused {r}")
            flags = ", ".join(h["inferred"]) or "none"
            lines.append(
                f"  inferred from content or a period: {flags}; VAT basis {h['vat_basis']} "
                f"(from {h['amount_header']!r}); date precision {h['date_precision']}"
            )
            lines += [f"  warning: {w}" for w in h["warnings"]]
            lines.append("  override (paste under the anchor's ledger: in the collaborative YAML):")
            lines += ["    " + ln for ln in h["override"].splitlines()]
        lines.append("")
    return "\n".join(lines)


def _score(found: dict) -> int:
    return sum(1 for f in FIELDS if f in found) + 2 * sum(1 for f in REQUIRED_FIELDS if f in found)


def _field_evidence(fld, found, names, contents) -> str:
    """A required field's candidates on the best row: by their header's score, else the columns
    whose content comes nearest, each with sample values."""
    ranked = sorted(found.get(fld, []), reverse=True)
    kind = CONFIRM[fld][0]
    out = []
    for p, i in ranked[:3]:
        c = contents[i]
        out.append(
            f"{names[i]!r} (column {column_letter(i)}, score {p}, {c.share(kind):.0%} {kind}) "
            f"{list(c.samples)}"
        )
    if not out:
        near = sorted(
            (i for i in range(len(names)) if contents[i].filled),
            key=lambda i: -contents[i].share(kind),
        )[:3]
        out = [
            f"{names[i] or column_letter(i)!r} (column {column_letter(i)}, no header words, "
            f"{contents[i].share(kind):.0%} {kind}) {list(contents[i].samples)}"
            for i in near
            if contents[i].share(kind) > 0
        ]
    return "; ".join(out) or "no column holds any"


def _agreeing(fld: str, found: dict, contents) -> list[int]:
    """A required field's word candidates, best first, whose sample does not say otherwise (half
    or more of the field's kind, or too few values to tell)."""
    kind = CONFIRM[fld][0]
    return [
        i
        for _, i in sorted(found.get(fld, []), reverse=True)
        if contents[i].filled < MIN_FILLED or contents[i].share(kind) >= 0.5
    ]


def no_header_message(path, sheets: list[Sheet], columns=None) -> str:
    """Why no sheet of a file has a header row: per sheet the best row, its candidates per required
    field with sample values, and the override to write."""
    overrides = override_lookup(columns)
    lines = [
        f"{path}: found no header row naming a supplier, an amount and a payment date."
        " Looked for: " + "; ".join(f"{f}: {FIELD_HINTS[f]}" for f in REQUIRED_FIELDS) + "."
    ]
    block = None
    for sheet in sheets:
        best = None
        for idx, row in enumerate(sheet.rows[:200]):
            found = row_fields(row, overrides)
            if found and (best is None or _score(found) > best[0]):
                best = (_score(found), idx, found)
        label = f"sheet {sheet.name!r}" if sheet.name is not None else "file"
        if best is None:
            first = next((r for r in sheet.rows if not all(is_blank(v) for v in r)), [])
            shown = [str(v) for v in first if not is_blank(v)][:12]
            lines.append(f"  {label}: no header-like row; first row reads {shown}")
            continue
        _, idx, found = best
        names = ["" if is_blank(c) else str(c).strip() for c in sheet.rows[idx]]
        cand = {f: [names[i] for _, i in found[f]] for f in found}
        contents = column_contents(sample_rows(sheet.rows, idx), names)
        agreeing = {f: _agreeing(f, found, contents) for f in REQUIRED_FIELDS}
        missing = [f for f in REQUIRED_FIELDS if not agreeing[f]]
        lines.append(
            f"  {label}, best row {sheet.row_numbers[idx]}: "
            f"headers seen {[n for n in names if n]}; "
            f"candidates {cand}; missing {missing} (no candidate, or none its values bear out)"
        )
        for fld in REQUIRED_FIELDS:
            lines.append(f"    {fld}: {_field_evidence(fld, found, names, contents)}")
        if block is None:
            given = effective_overrides(sheet.rows[idx], overrides)
            chosen = {}
            for fld in REQUIRED_FIELDS:
                ok = agreeing[fld]
                chosen[fld] = names[ok[0]] if ok and fld not in given else "<header>"
            block = override_block(header_signature(sheet.rows[idx]), chosen, names)
    if overrides:
        lines.append(
            f"  columns given: {columns} "
            "(not found; headers are compared ignoring case and punctuation)"
        )
    lines.append(
        "Name the columns with columns="
        "{'supplier_name': '...', 'amount': '...', 'payment_date': '...'}"
        + (", or in the collaborative YAML:\n" + block if block else ".")
    )
    return "\n".join(lines)


def inspect_files(paths, columns=None) -> list[dict]:
    """:func:`inspect_file` of each path."""
    return [inspect_file(Path(p), columns) for p in paths]
