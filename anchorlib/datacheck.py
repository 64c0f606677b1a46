"""`anchor data check`: each declared source, whether it is here, its checksum status and licence."""

from __future__ import annotations

from anchorlib.catalogue import data_roots, find_file, load_catalogue, verified_sha256


def _file_status(file, path, verify: bool) -> str:
    if path is None:
        return "missing"
    if file.sha256 is None:
        return "present (checksum not pinned)"
    if not verify:
        return "present (not verified)"
    return "ok" if verified_sha256(path) == file.sha256 else "checksum mismatch"


def check_sources(verify: bool = True) -> list[dict]:
    """One record per source: id, title, licence, optional, files found / expected, status, where found."""
    rows = []
    roots = data_roots()
    for src in load_catalogue().sources:
        statuses, places = [], set()
        for f in src.files:
            path = find_file(src, f, roots)
            statuses.append(_file_status(f, path, verify))
            if path is not None:
                places.add(str(path.parent))
        status = _worst(statuses)
        rows.append({
            "id": src.id, "title": src.title, "publisher": src.publisher, "licence": src.licence,
            "attribution": src.attribution, "url": src.url, "optional": src.optional,
            "files_expected": len(src.files), "files_present": sum(s != "missing" for s in statuses),
            "status": status, "found_in": sorted(places),
            "download": None if status not in ("missing", "checksum mismatch") else src.how_to_get(),
        })
    return rows


def _worst(statuses: list[str]) -> str:
    for s in ("checksum mismatch", "missing", "present (checksum not pinned)", "present (not verified)"):
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
    todo = [r for r in rows if r["download"] and not r["optional"]]
    for r in todo:
        lines.append(f"\n{r['id']} ({r['title']}): {r['status']}\n{r['download']}")
    ok = sum(r["status"] == "ok" for r in rows)
    lines.append(f"\n{ok} of {len(rows)} sources ok; {len(todo)} required source(s) need attention.")
    return "\n".join(lines)
