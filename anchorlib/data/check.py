"""`anchor data check`: each declared source, whether it is here, its checksum status and
licence."""

from __future__ import annotations

from anchorlib.data.catalogue import data_roots, find_file, load_catalogue, verified_sha256
from anchorlib.data.extract import DEMO_DIR, extract_for, load_extract

DEMO_EXTRACT = "demo extract"


def _file_status(file, path, verify: bool) -> str:
    if path is None:
        return "missing"
    if file.sha256 is None:
        return "present (checksum not pinned)"
    if not verify:
        return "present (not verified)"
    return "ok" if verified_sha256(path) == file.sha256 else "checksum mismatch"


def check_sources(verify: bool = True) -> list[dict]:
    """One record per source: id, title, licence, optional, files found / expected, status, where
    found."""
    rows = []
    roots = data_roots()
    for src in load_catalogue().sources:
        statuses, places, extract = [], set(), None
        for i, f in enumerate(src.files):
            path = find_file(src, f, roots)
            hit = extract_for(src.id, i) if path is None else None
            if hit is not None:  # the full file is missing; the demo extract stands in for it
                extract = hit[0].coverage_note
                statuses.append(
                    DEMO_EXTRACT
                    if not verify or verified_sha256(DEMO_DIR / hit[1].path) == hit[1].sha256
                    else "checksum mismatch"
                )
                places.add(str((DEMO_DIR / hit[1].path).parent))
                continue
            statuses.append(_file_status(f, path, verify))
            if path is not None:
                places.add(str(path.parent))
        status = _worst(statuses)
        rows.append(
            {
                "id": src.id,
                "title": src.title,
                "publisher": src.publisher,
                "licence": src.licence,
                "attribution": src.attribution,
                "url": src.url,
                "optional": src.optional,
                "files_expected": len(src.files),
                "files_present": sum(s != "missing" for s in statuses),
                "status": status,
                "found_in": sorted(places),
                "extract": extract,
                "download": None
                if status not in ("missing", "checksum mismatch")
                else src.how_to_get(),
            }
        )
    return rows


def _worst(statuses: list[str]) -> str:
    for s in (
        "checksum mismatch",
        "missing",
        DEMO_EXTRACT,
        "present (checksum not pinned)",
        "present (not verified)",
    ):
        if s in statuses:
            if s == "missing" and any(x != "missing" for x in statuses):
                return "incomplete"
            return s
    return "ok"


def format_check(rows: list[dict]) -> str:
    """Plain table for the terminal, then what to do about each missing source."""
    w = max(len(r["id"]) for r in rows)
    lines = [f"{'source':<{w}}  {'status':<30} {'files':>7}  licence", "-" * (w + 60)]
    for r in rows:
        tag = " (optional)" if r["optional"] else ""
        files = f"{r['files_present']}/{r['files_expected']}"
        lines.append(f"{r['id']:<{w}}  {r['status'] + tag:<30} {files:>7}  {r['licence']}")
    lines.append("")
    lines.append("Data roots searched, in order: " + ", ".join(str(p) for p in data_roots()))
    demo = [r for r in rows if r["status"] == DEMO_EXTRACT]
    if demo:
        lines.append(
            f"\n{len(demo)} source(s) read from the demo extract ({DEMO_DIR}), whose full files "
            "are missing:"
        )
        lines += [f"  {r['id']}: {r['extract']}" for r in demo]
    todo = [r for r in rows if r["download"] and not r["optional"]]
    for r in todo:
        lines.append(f"\n{r['id']} ({r['title']}): {r['status']}\n{r['download']}")
    ok = sum(r["status"] in ("ok", DEMO_EXTRACT) for r in rows)
    lines.append(
        f"\n{ok} of {len(rows)} sources ok"
        + (f" ({len(demo)} from the demo extract)" if demo else "")
        + f"; {len(todo)} required source(s) need attention."
    )
    return "\n".join(lines)


def check_demo(verify: bool = True) -> tuple[list[dict], bool]:
    """The sources the demo reads (those of the demo extract): each present in full or as the
    extract?

    Returns (rows, ok); ok is False when one is missing or fails its checksum.
    """
    ext = load_extract()
    ids = {s.id for s in ext.sources} if ext is not None else set()
    rows = [r for r in check_sources(verify) if r["id"] in ids]
    return rows, bool(rows) and all(
        r["status"] in ("ok", DEMO_EXTRACT, "present (not verified)") for r in rows
    )
