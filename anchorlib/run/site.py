"""The published site: executed notebooks to HTML without code, table downloads, index pages.

    outputs/index.html                              every collaborative (and the national baselines)
    outputs/places-<kind>/index.html                every place of England (anchor run --places
lads|icbs): its
                                                    report, the national comparison table (CSV,
XLSX)
    outputs/<id>/index.html                         the collaborative's reports, downloads, shared
data, last run
    outputs/<id>/manifest.json                      what ran (written by anchorlib.run.runner)
    outputs/<id>/reports/<report>/index.html        one report: no code, figures embedded as PNG
                                                    (maps also as an SVG to zoom, pan and point at)
    outputs/<id>/reports/<report>/tables/NN_name.csv|xlsx   every table of the report
    outputs/<id>/reports/<report>/<report>.ipynb    the executed notebook (with code), for analysts
    outputs/site-static/anchor-map.js|css           the maps' script and style (copied from
                                                    anchorlib/reports/static/, linked relatively)

:func:`export_report` turns an executed notebook into its report folder with
nbconvert's ``HTMLExporter`` in-process (``exclude_input=True``; about 20 ms,
against 1.5 s for the ``jupyter nbconvert`` command): the outputs of
:mod:`anchorlib.reports.display` carry the report's metadata (replaced by the page
header: collaborative, data vintages, licences and attributions from
``data/sources.yml``, the simulated-data banner) and each table's raw values
(written as CSV and XLSX, linked under the table); a page with an interactive map
(:mod:`anchorlib.reports.maps`) links the site's map script and style sheet.  Every link is
relative, and nothing is loaded from outside the site.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import posixpath
import tempfile
import threading
from pathlib import Path

import pandas as pd

from anchorlib.core.errors import AnchorError
from anchorlib.core.xlsx import make_deterministic
from anchorlib.data.attribution import source_entries
from anchorlib.reports.display import META_MIME, TABLE_MIME, simulated_banner, table_from_payload
from anchorlib.reports.maps import MAP_MIME, STATIC_DIR, STATIC_FILES

__all__ = [
    "ReportExportError",
    "OutputsFolderError",
    "check_outputs_folder",
    "export_report",
    "write_collaborative_index",
    "write_root_index",
    "write_places_index",
    "atomic_write_text",
    "publish_static",
    "CSS",
]

CSS = """
:root { --anchor-ink: #1b1b1b; --anchor-muted: #555; --anchor-rule: #d0d0d0; --anchor-accent: \
#00224e; }
body.anchor-page, body.anchor-report \
{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--anchor-ink); line-height: 1.5; }
body.anchor-page { max-width: 72rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
body.anchor-report main { max-width: 72rem; margin: 0 auto; padding: 0 1.5rem 3rem; }
.jp-RenderedImage img, .anchor-figure img { max-width: 100%; height: auto; }
.anchor-header { border-bottom: 1px solid var(--anchor-rule); margin-bottom: 1rem; padding: 0.5rem \
0 0.75rem; }
.anchor-header nav { font-size: 0.9rem; color: var(--anchor-muted); }
.anchor-header h1 { margin: 0.4rem 0 0.2rem; font-size: 1.8rem; }
.anchor-subtitle { color: var(--anchor-muted); margin: 0 0 0.5rem; }
.anchor-banner { background: #fff4c2; border-left: 6px solid #8a6d00; padding: 0.6rem 0.9rem; \
margin: 0.6rem 0; }
.anchor-failed { background: #fde2e1; border-left: 6px solid #9b1c1c; padding: 0.4rem 0.8rem; }
.anchor-sources summary { cursor: pointer; font-weight: 600; }
.anchor-sources table, .anchor-index table, table.anchor-table \
{ border-collapse: collapse; margin: 0.5rem 0;
  font-size: 0.9rem; }
.anchor-sources td, .anchor-sources th, .anchor-index td, .anchor-index th, table.anchor-table td,
table.anchor-table th \
{ border-bottom: 1px solid var(--anchor-rule); padding: 0.25rem 0.6rem; text-align: left;
  vertical-align: top; }
table.anchor-table th { background: #f2f2f2; }
table.anchor-table td.num, table.anchor-table th.num \
{ text-align: right; font-variant-numeric: tabular-nums; }
table.anchor-table caption \
{ caption-side: top; text-align: left; font-weight: 600; padding: 0.3rem 0; }
.anchor-downloads, .anchor-note, .anchor-more, .anchor-run \
{ font-size: 0.85rem; color: var(--anchor-muted); }
.anchor-figure { margin: 0.5rem 0 1.2rem; }
.anchor-figure figcaption { font-size: 0.85rem; color: var(--anchor-muted); }
.anchor-reading { background: #f4f7fb; border-left: 6px solid var(--anchor-accent); padding: \
0.3rem 1rem; }
.anchor-footer { border-top: 1px solid var(--anchor-rule); margin-top: 2rem; padding-top: 0.6rem; \
font-size: 0.85rem;
  color: var(--anchor-muted); }
a { color: #0b4ea2; }
a.anchor-link { display: none; }
"""

_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block notebook_css -%}{{ resources.anchor_icon }}<style type="text/css">{{ \
resources.anchor_css }}</style>{{ resources.anchor_head }}{%- endblock notebook_css -%}
{%- block body_header -%}
<body class="anchor-report">
<main>
{%- endblock body_header -%}
{% block markdowncell scoped %}
<div class="anchor-text {{ celltags(cell) }}">
{{ cell.source | markdown2html | strip_files_prefix }}
</div>
{%- endblock markdowncell %}
{% block body_footer %}
{{ resources.anchor_footer }}
</main>
{{ resources.anchor_scripts }}
</body>
{% endblock body_footer %}
"""


#: An empty inline icon: without one, browsers ask the host for /favicon.ico, which a static site
# does not
#: have (a 404 and a console error on every first page).
ICON = '<link rel="icon" href="data:,">'


class ReportExportError(AnchorError):
    """An executed notebook cannot be published (an error output, or no report header)."""


class OutputsFolderError(AnchorError):
    """``--outputs`` names a folder that holds files `anchor run` did not write: nothing is written
    there."""


def check_outputs_folder(root: Path | None) -> None:
    """Refuse to publish into a folder that is not an anchor site, so a good file is never written
    over.

    ``anchor run`` writes ``ROOT/index.html`` and ``ROOT/<id>/``: into the project's ``outputs/`` by
    default (always allowed), or into the folder given with ``--outputs``, which must be new, empty,
    or one an earlier run wrote (its ``index.html`` is the site's, or a ``ROOT/*/`` folder has a
    run's
    ``.run.lock``,
    ``manifest.json`` or ``data/assets.json``).  A folder of other files (``--outputs docs``,
    ``--outputs ~``) is refused before anything is written.
    """
    if root is None:
        return
    root = Path(root)
    if not root.exists():
        return
    if not root.is_dir():
        raise OutputsFolderError(f"--outputs {root}: not a folder")
    index = root / "index.html"
    ours = index.is_file() and 'class="anchor-page anchor-index"' in index.read_text(
        encoding="utf-8", errors="replace"
    )
    if ours or not any(root.iterdir()):
        return
    marks = [
        m
        for pattern in ("*/.run.lock", "*/manifest.json", "*/data/assets.json")
        for m in root.glob(pattern)
    ]
    if marks and not index.exists():
        return
    found = sorted(p.name for p in root.iterdir())[:3]
    raise OutputsFolderError(
        f"--outputs {root}: not an anchor outputs folder (it holds files `anchor run` did not "
        "write: "
        f"{', '.join(found)}{', ...' if len(list(root.iterdir())) > 3 else ''}); nothing was "
        "written. Give a new "
        "or empty folder, or one an earlier `anchor run` published into"
    )


def atomic_write_text(path: Path, text: str) -> None:
    """Write a text file so that readers see the old or the new content, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _sources_html(entries: list[dict]) -> str:
    if not entries:
        return ""
    rows = "".join(
        f'<tr><td><a href="{html.escape(e["url"], quote=True)}">{html.escape(e["title"])}</a></td>'
        f"<td>{html.escape(e['publisher'])}</td><td>{html.escape(e['vintage'])}</td>"
        f"<td>{html.escape(e['licence'])}</td></tr>"
        for e in entries
    )
    attributions = list(dict.fromkeys(a for e in entries for a in e["attribution"]))
    attr = "".join(f"<li>{html.escape(a)}</li>" for a in attributions)
    return (
        '<details class="anchor-sources"><summary>Data sources: vintages, licences and '
        "attributions</summary>"
        '<table><thead><tr><th scope="col">Source</th><th scope="col">Publisher</th><th '
        'scope="col">Vintage</th>'
        f'<th scope="col">Licence</th></tr></thead><tbody>{rows}</tbody></table>'
        f"<p>Attribution:</p><ul>{attr}</ul></details>"
    )


def _attribution_footer(entries: list[dict], run: dict) -> str:
    attributions = list(dict.fromkeys(a for e in entries for a in e["attribution"]))
    lines = "<br>".join(html.escape(a) for a in attributions)
    code = run.get("code_version", {})
    return (
        f'<footer class="anchor-footer"><p>{lines}</p><p>Every figure is computed by anchorlib '
        f"{html.escape(str(code.get('anchorlib', '')))} (code "
        f"{html.escape(str(code.get('code_sha256', ''))[:12])}); "
        f"generated {html.escape(run.get('generated', ''))}. Reports show figures; they compute "
        "none.</p></footer>"
    )


def _header_html(meta: dict, entries: list[dict], run: dict) -> str:
    nav = (
        "<nav><a "
        f'href="{run["root_href"]}">{html.escape(run.get("root_label", "All collaboratives"))}</a> '
        "› "
        f'<a href="{run["index_href"]}">{html.escape(run["collaborative_name"])}</a> › '
        f"{html.escape(meta['title'])}"
        "</nav>"
    )
    parts = [f'<header class="anchor-header">{nav}<h1>{html.escape(meta["title"])}</h1>']
    if meta.get("subtitle"):
        parts.append(f'<p class="anchor-subtitle">{html.escape(meta["subtitle"])}</p>')
    if meta.get("simulated"):
        parts.append(simulated_banner(meta.get("simulated_note")))
    parts.append(_sources_html(entries))
    parts.append(
        f'<p class="anchor-run">{html.escape(run["collaborative_name"])} · generated '
        f'{html.escape(run.get("generated", ""))} · <a href="{run["index_href"]}">all reports and '
        "downloads</a></p></header>"
    )
    return "".join(parts)


def _write_table(
    payload: dict, n: int, folder: Path, meta: dict, entries: list[dict], run: dict
) -> dict:
    df = table_from_payload(payload)
    stem = f"{n:02d}_{payload['name']}"
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, xlsx_path = folder / f"{stem}.csv", folder / f"{stem}.xlsx"
    df.to_csv(csv_path, index=False)
    # no run time and no code checksum here (both are on the page and in the manifest): the same
    # table gives the same bytes, run after run
    made_by = f"anchorlib {(run.get('code_version') or {}).get('anchorlib', '')}"
    about = pd.DataFrame(
        {
            "field": [
                "table",
                "report",
                "collaborative",
                "notes",
                "units",
                "data",
                "made by",
                "attribution",
            ],
            "value": [
                payload["caption"],
                meta.get("title", ""),
                run["collaborative_name"],
                payload.get("notes") or "",
                "in each column name, in brackets",
                "; ".join(f"{e['title']} ({e['vintage']})" for e in entries),
                made_by,
                " | ".join(dict.fromkeys(a for e in entries for a in e["attribution"])),
            ],
        }
    )
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as xw:
        df.to_excel(xw, sheet_name="table", index=False)
        about.to_excel(xw, sheet_name="about", index=False)
    make_deterministic(xlsx_path)
    return {
        "name": payload["name"],
        "caption": payload["caption"],
        "rows": int(len(df)),
        "csv": f"tables/{csv_path.name}",
        "xlsx": f"tables/{xlsx_path.name}",
    }


def _downloads_html(t: dict) -> str:
    rows = f"{t['rows']:,} row" + ("" if t["rows"] == 1 else "s")
    return (
        f'<p class="anchor-downloads">Download this table ({rows}): '
        f'<a href="{t["csv"]}" download>CSV</a> · <a href="{t["xlsx"]}" download>Excel '
        "(XLSX)</a></p>"
    )


_EXPORTERS = threading.local()


def _exporter():
    """This thread's HTML exporter, made once: a new one compiles its Jinja templates again (about
    0.3 s on a 2-core machine, more than the export itself), so a worker process exporting many
    reports keeps it."""
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        from jinja2 import DictLoader
        from nbconvert import HTMLExporter

        exporter = HTMLExporter(
            template_name="lab",
            extra_loaders=[DictLoader({"anchor_report.html.j2": _TEMPLATE})],
            template_file="anchor_report.html.j2",
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        _EXPORTERS.exporter = exporter
    return exporter


def export_report(executed: Path, dest: Path, run: dict) -> dict:
    """Publish an executed notebook into ``dest``: index.html (no code), tables/, the executed
    notebook.

    ``run``: ``collaborative_name``, ``generated`` (text), ``code_version``,
    ``index_href`` and ``root_href`` (relative links from the page to the
    collaborative's index and the site index).  Returns what was published:
    ``title``, ``subtitle``, ``anchor``, ``simulated``, ``sources``, ``tables``.
    Raises :class:`ReportExportError` when the notebook has an error output or
    no report header.
    """
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    meta = None
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.output_type == "error":
                raise ReportExportError(
                    f"{executed.name}: the notebook has an error output: "
                    f"{out.get('ename')}: {out.get('evalue')}"
                )
            if META_MIME in out.get("data", {}) and meta is None:
                meta = dict(out["data"][META_MIME])
    if meta is None:
        raise ReportExportError(
            f"{executed.name}: no report header (call anchorlib.reports.display.header in the "
            "notebook)"
        )
    for cell in (
        nb.cells
    ):  # papermill gives its injected cell a random id: a stable one, so reruns are identical
        if (
            "injected-parameters" in cell.metadata.get("tags", [])
            and cell.get("id") != "injected-parameters"
        ):
            cell["id"] = "injected-parameters"
            nbformat.write(nb, executed)
    entries = source_entries(meta.get("sources", []))
    dest.mkdir(parents=True, exist_ok=True)
    tables: list[dict] = []
    has_map = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.get("name") == "stderr":
                continue  # warnings and logs are not part of a report
            data = out.get("data", {})
            if MAP_MIME in data:  # an interactive map: the page links the map script (below)
                has_map = True
                out["data"] = {k: v for k, v in data.items() if k != MAP_MIME}
            elif META_MIME in data:
                out["data"] = {"text/html": _header_html(meta, entries, run)}
            elif TABLE_MIME in data:
                t = _write_table(
                    data[TABLE_MIME], len(tables) + 1, dest / "tables", meta, entries, run
                )
                tables.append(t)
                out["data"] = {"text/html": data.get("text/html", "") + _downloads_html(t)}
            kept.append(out)
        cell["outputs"] = kept
    nb.metadata["title"] = f"{meta['title']} · {run['collaborative_name']}"
    body, _ = _exporter().from_notebook_node(
        nb,
        resources={
            "anchor_css": CSS,
            "anchor_icon": ICON,
            "anchor_footer": _attribution_footer(entries, run),
            **_map_resources(run if has_map else None),
            "metadata": {"name": meta["title"]},
        },
    )
    atomic_write_text(dest / "index.html", body)
    return {
        "title": meta["title"],
        "subtitle": meta.get("subtitle"),
        "anchor": meta.get("anchor"),
        "simulated": bool(meta.get("simulated")),
        "sources": [e["id"] for e in entries],
        "tables": tables,
    }


#: The site's folder of script and style files, beside the site index: a name no collaborative
#: id can take (ids are letters, digits and _), like ``places-<kind>``.
STATIC_FOLDER = "site-static"


def _map_resources(run: dict | None) -> dict:
    """The page's links to the map script and style sheet (anchorlib/reports/static/), in the
    site's ``site-static/`` folder beside the site index (:func:`publish_static`): relative
    links, so the site works from any folder, offline and from file://.  Nothing for a page
    without a map."""
    if run is None:
        return {"anchor_head": "", "anchor_scripts": ""}
    root = posixpath.dirname(run["root_href"])
    href = f"{root}/{STATIC_FOLDER}/" if root else f"{STATIC_FOLDER}/"
    return {
        "anchor_head": f'<link rel="stylesheet" href="{href}anchor-map.css">',
        "anchor_scripts": f'<script src="{href}anchor-map.js"></script>',
    }


def publish_static(out_root: Path) -> list[Path]:
    """Copy the map script and style sheet into ``out_root/site-static/`` (once per site; a file
    already the same is left alone, so an unchanged re-run writes nothing)."""
    written = []
    for name in STATIC_FILES:
        text = (STATIC_DIR / name).read_text(encoding="utf-8")
        target = Path(out_root) / STATIC_FOLDER / name
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            atomic_write_text(target, text)
        written.append(target)
    return written


# --------------------------------------------------------------------------- index pages


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, '
        f'initial-scale=1">\n{ICON}\n<title>{html.escape(title)}</title>\n'
        f'<style>{CSS}</style>\n</head>\n<body class="anchor-page '
        f'anchor-index">\n{body}\n</body>\n</html>\n'
    )


#: Shared data files linked from a collaborative's index when present (outputs/<id>/data/).
SHARED_DATA = [
    ("suppliers.xlsx", "Supplier register (Excel; people edit this one)"),
    ("suppliers.csv", "Supplier register (CSV)"),
    (
        "reconciliation_anchors.csv",
        "Reconciliation per anchor: rows and pounds read = ledger + rejected",
    ),
    ("reconciliation.csv", "Reconciliation per file"),
    ("rejects.csv", "Rejected rows, with file, row, raw values and reason"),
    ("summary.txt", "Ingest summary"),
    ("ledger.parquet", "The canonical ledger (Parquet)"),
]

STATUS_WORDS = {
    "ok": "updated",
    "unchanged": "unchanged (inputs, notebook and parameters as before)",
    "failed": "FAILED",
    "not_run": "not run",
    "pending": "running, or interrupted",
}


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return dt.datetime.fromisoformat(iso).strftime("%d %b %Y %H:%M")
    except ValueError:
        return iso


def write_collaborative_index(coll_dir: Path, manifest: dict) -> Path:
    """outputs/<id>/index.html: every report (status, last run, downloads), the shared data and the
    last run."""
    reports = manifest.get("reports", [])
    name = manifest.get("name") or manifest.get("collaborative", "")
    parts = [
        '<nav><a href="../index.html">All collaboratives</a></nav>',
        f"<h1>{html.escape(name)}</h1>",
    ]
    if manifest.get("description"):
        parts.append(f'<p class="anchor-subtitle">{html.escape(manifest["description"])}</p>')
    if any((r.get("published") or {}).get("simulated") for r in reports):
        parts.append(
            simulated_banner(
                "Reports marked 'simulated data' use simulated data where real data "
                "cannot be public (the demo's supplier postcodes, staff records): their "
                "geographic spend and workforce figures illustrate the method only."
            )
        )
    failed = [r for r in reports if r.get("status") == "failed"]
    if failed:
        parts.append(
            '<div class="anchor-failed" role="alert"><strong>The last run had '
            "failures.</strong><ul>"
            + "".join(
                f"<li>{html.escape(r['id'])}: {html.escape(r.get('error') or '')}</li>"
                for r in failed
            )
            + "</ul>Where a report failed, the previous published version (if any) is still "
            "shown.</div>"
        )
    rows = []
    for r in reports:
        pub = r.get("published") or {}
        title = pub.get("title") or r.get("title") or r["id"]
        link = (
            f'<a href="{html.escape(pub["path"], quote=True)}">{html.escape(title)}</a>'
            if pub.get("path")
            else html.escape(title)
        )
        sim = " <em>(simulated data)</em>" if pub.get("simulated") else ""
        status = STATUS_WORDS.get(r.get("status", ""), r.get("status", ""))
        if r.get("status") == "failed":
            status += ": " + html.escape(r.get("error") or "")
            if pub.get("path"):
                status += f" (showing the version of {_when(pub.get('at'))})"
        tables = pub.get("tables", [])
        base = pub.get("path", "").rsplit("/", 1)[0]
        dl = ""
        if tables:
            items = "".join(
                f'<li>{html.escape(t["caption"])}: <a href="{base}/{t["csv"]}" download>CSV</a> · '
                f'<a href="{base}/{t["xlsx"]}" download>XLSX</a></li>'
                for t in tables
            )
            dl = f"<details><summary>{len(tables)} tables</summary><ul>{items}</ul></details>"
        if pub.get("notebook"):
            dl += (
                f'<a href="{base}/{html.escape(pub["notebook"], quote=True)}">executed '
                "notebook "
                "(with code)</a>"
            )
        rows.append(
            f"<tr><td>{link}{sim}</td><td>{html.escape(status)}</td><td>{_when(pub.get('at'))}</td>"
            f"<td>{dl}</td></tr>"
        )
    parts.append("<h2>Reports</h2>")
    parts.append(
        '<table><thead><tr><th scope="col">Report</th><th scope="col">Last run</th>'
        '<th scope="col">Published</th><th scope="col">Downloads</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )
    data = [(f, label) for f, label in SHARED_DATA if (coll_dir / "data" / f).is_file()]
    if data:
        parts.append(
            "<h2>Shared data</h2><p>Built once per collaborative and read by every report.</p><ul>"
            + "".join(
                f'<li><a href="data/{f}" download>{html.escape(f)}</a>: {html.escape(label)}</li>'
                for f, label in data
            )
            + "</ul>"
        )
    parts.append(_last_run(manifest, "notebook"))
    path = coll_dir / "index.html"
    atomic_write_text(path, _page(name, "\n".join(parts)))
    return path


def _last_run(manifest: dict, unit: str) -> str:
    """The index page's 'Last run' section: counts, duration, workers, code version (``unit``: what
    the manifest records one of per line, in words)."""
    run, code = manifest.get("run", {}), manifest.get("code_version", {})
    return (
        f'<h2>Last run</h2><p class="anchor-run">{_when(run.get("finished"))}: '
        f"{run.get('executed', 0)} "
        f"executed, {run.get('unchanged', 0)} unchanged, {run.get('failed', 0)} failed, in "
        f"{run.get('duration', 0):.1f} s with {run.get('workers', '')} workers; anchorlib "
        f"{html.escape(str(code.get('anchorlib', '')))} (code "
        f"{html.escape(str(code.get('code_sha256', ''))[:12])}). "
        f'<a href="manifest.json">manifest.json</a> records every {unit}, parameter, input '
        "checksum and "
        "error.</p>"
    )


def write_root_index(out_root: Path) -> Path:
    """outputs/index.html: every collaborative with a manifest under ``out_root``, then the national
    baselines (``anchor run --places``: manifests with ``kind: places``)."""
    rows, national = [], []
    for m in sorted(out_root.glob("*/manifest.json")):
        try:
            man = json.loads(m.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        cid = m.parent.name
        reports = man.get("reports", [])
        failed = sum(r.get("status") == "failed" for r in reports)
        published = sum(bool(r.get("published")) for r in reports)
        state = f"{failed} failed" if failed else "all up to date"
        row = (
            f'<tr><td><a href="{cid}/index.html">{html.escape(man.get("name") or cid)}</a></td>'
            f"<td>{published}</td><td>{html.escape(state)}</td>"
            f"<td>{_when(man.get('run', {}).get('finished'))}</td></tr>"
        )
        (national if man.get("kind") == "places" else rows).append(row)
    body = (
        "<h1>Anchor collaboratives</h1><p>Place baselines and spend reports, one page per "
        "collaborative.</p>"
        '<table><thead><tr><th scope="col">Collaborative</th><th scope="col">Reports published</th>'
        '<th scope="col">Last run</th><th scope="col">Finished</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
    )
    if national:
        body += (
            "<h2>Every place</h2><p>The place baseline of every local authority "
            "district or integrated care board of England, or every local authority of the UK "
            "(each on its own nation's index), each on its own, with a comparison table "
            "(<code>anchor run --places lads</code>, <code>--places icbs</code>, "
            "<code>--places lads --nations uk</code>).</p>"
            '<table><thead><tr><th scope="col">Places</th><th scope="col">Reports published</th>'
            '<th scope="col">Last run</th><th scope="col">Finished</th></tr></thead><tbody>'
            + "".join(national)
            + "</tbody></table>"
        )
    path = out_root / "index.html"
    atomic_write_text(path, _page("Anchor collaboratives", body))
    publish_static(out_root)  # the map script the reports' pages link to
    return path


def write_places_index(
    site_dir: Path, manifest: dict, comparison: pd.DataFrame, meta: dict
) -> Path:
    """outputs/places-<kind>/index.html: every place of the kind with a link to its report, in the
    national comparison table of the IMD 2025 summary measures (with ranks; downloads as CSV and
    XLSX), the shared data and the last run.  ``comparison``:
    :func:`anchorlib.assets.national.comparison_table`; for the UK (``--nations uk``) a table per
    nation (:func:`anchorlib.assets.national.comparison_tables`), each shown on its own."""
    reports = {r["id"]: r for r in manifest.get("reports", [])}
    by_code = {(r.get("parameters") or {}).get("place_code", r["id"]): r for r in reports.values()}
    name = manifest.get("name") or site_dir.name
    parts = [
        '<nav><a href="../index.html">All collaboratives and places</a></nav>',
        f"<h1>{html.escape(name)}</h1>",
    ]
    if manifest.get("description"):
        parts.append(f'<p class="anchor-subtitle">{html.escape(manifest["description"])}</p>')
    failed = [r for r in reports.values() if r.get("status") == "failed"]
    if failed:
        parts.append(
            '<div class="anchor-failed" role="alert"><strong>The last run had '
            "failures.</strong><ul>"
            + "".join(
                f"<li>{html.escape(r['id'])}: {html.escape(r.get('error') or '')}</li>"
                for r in failed
            )
            + "</ul>Where a report failed, the previous published version (if any) is still "
            "shown.</div>"
        )
    if isinstance(comparison, dict):  # the UK: a table per nation, each on its own index
        parts.append(_uk_places_tables(comparison, by_code, meta))
        parts.append(_last_run(manifest, "report"))
        path = site_dir / "index.html"
        atomic_write_text(path, _page(name, "\n".join(parts)))
        return path
    table, n = _places_table(comparison, by_code), len(comparison)
    parts.append(
        f"<h2>Every place: IMD 2025 summary measures and national ranks</h2>"
        f"<p>{n:,} places, most deprived on the population-weighted average rank first. Each rank "
        "is "
        f"among these {n:,} places, 1 = most deprived. The name links to the place's report. "
        f"Population: {html.escape(str(meta.get('population_source', '')))}.</p>"
        '<p class="anchor-downloads">Download this table: <a href="data/comparison.csv" '
        "download>CSV</a> · "
        '<a href="data/comparison.xlsx" download>Excel (XLSX)</a></p>'
        '<div style="overflow-x:auto"><table class="anchor-table"><caption>IMD 2025 summary '
        "measures of "
        "every place, with "
        f"ranks</caption>{table}</table></div>"
    )
    parts.append(
        "<h2>Shared data</h2><p>Built once for every place and read by every report.</p><ul>"
        '<li><a href="data/comparison.csv" download>comparison.csv</a>, '
        '<a href="data/comparison.xlsx" download>comparison.xlsx</a>: the table above</li>'
        '<li><a href="data/lsoas.parquet" download>lsoas.parquet</a>: every LSOA 2021 in England '
        "with its "
        "place, IMD 2025 deciles, ranks and scores, and simplified boundaries (GeoParquet, "
        "EPSG:27700, one "
        "row group per place)</li>"
        '<li><a href="data/places.json" download>places.json</a>: the summary measures of every '
        "place, "
        "region and England, and each place's national ranks</li></ul>"
    )
    parts.append(_last_run(manifest, "report"))
    path = site_dir / "index.html"
    atomic_write_text(path, _page(name, "\n".join(parts)))
    return path


def _places_table(comparison: pd.DataFrame, by_code: dict) -> str:
    """The head and body of a places comparison table, each place's name linking to its report."""
    from anchorlib.reports.display import format_value

    cols = list(comparison.columns)
    numeric = {c: pd.api.types.is_numeric_dtype(comparison[c]) for c in cols}
    head = "".join(
        f'<th scope="col"{" class=num" if numeric[c] else ""}>{html.escape(str(c))}</th>'
        for c in cols
    )
    body = []
    for rec in comparison.itertuples(index=False, name=None):
        row = dict(zip(cols, rec))
        r = by_code.get(row["code"]) or {}
        pub = r.get("published") or {}
        cells = []
        for c in cols:
            text = html.escape(format_value(row[c], c))
            if c == "place" and pub.get("path"):
                text = f'<a href="{html.escape(pub["path"], quote=True)}">{text}</a>'
            if c == "place" and r.get("status") == "failed":
                text += ' <em class="anchor-note">(last run failed)</em>'
            cells.append(f"<td{' class=num' if numeric[c] else ''}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"


def _uk_places_tables(tables: dict, by_code: dict, meta: dict) -> str:
    """The UK places' index: one comparison table per nation, on its own index, ranked within it
    (:func:`anchorlib.assets.national.comparison_tables`), with its CSV and the workbook."""
    out = [
        "<p>Each nation publishes its own index of deprivation, ranking its own small areas only: "
        "the tables are kept apart, and a rank or decile is never compared across nations.</p>"
    ]
    for nation, df in tables.items():
        label = meta.get("nations", {}).get(nation, {}).get("index", {}).get("label", "")
        csv = f"data/comparison_{nation.lower().replace(' ', '_')}.csv"
        out.append(
            f"<h2>{html.escape(nation)}: {html.escape(label)} summary measures, ranked within "
            f"{html.escape(nation)}</h2><p>{len(df):,} places, most deprived on the share of small "
            f"areas in {html.escape(nation)}'s most deprived 10% first; each rank is among these "
            f"{len(df):,} only (1 = most deprived). A dash where {html.escape(label)} cannot "
            "give the measure (docs/deprivation_measures.md).</p>"
            f'<p class="anchor-downloads">Download: <a href="{csv}" download>CSV</a> · '
            '<a href="data/comparison_uk.xlsx" download>Excel (XLSX), a sheet per nation</a></p>'
            '<div style="overflow-x:auto"><table class="anchor-table"><caption>'
            f"{html.escape(nation)}: {html.escape(label)} summary measures with ranks within "
            f"{html.escape(nation)}</caption>{_places_table(df, by_code)}</table></div>"
        )
    out.append(
        "<h2>Shared data</h2><p>Built once for every place and read by every report.</p><ul>"
        '<li><a href="data/lsoas.parquet" download>lsoas.parquet</a>: every small area of the UK '
        "(LSOA 2021 in England, LSOA 2011 in Wales, data zone in Scotland, SOA in Northern "
        "Ireland) with its place, nation, its own index's decile and rank, and simplified "
        "boundaries (GeoParquet, EPSG:27700, one row group per place)</li>"
        '<li><a href="data/places.json" download>places.json</a>: the summary measures of every '
        "place, region and nation, and each place's rank within its nation</li></ul>"
    )
    return "".join(out)
