"""Attribution: what the catalogue says about the sources a table or a report uses.

A published table or page names the data it draws on (title, publisher, vintage, licence) and
carries their attribution statements, from ``data/sources.yml``; :func:`source_entries` gives them.
The assets (the national comparison XLSX) and the site (every report's header and downloads) use it.
"""

from __future__ import annotations

from anchorlib.data.catalogue import load_catalogue

__all__ = ["source_entries"]


def source_entries(source_ids) -> list[dict]:
    """Catalogue entries (title, publisher, vintage, licence, attribution, url) of the given source
    ids.

    Ids the active catalogue does not declare are left out (a test catalogue may not list the
    ledgers).
    """
    cat = load_catalogue()
    out = []
    for sid in dict.fromkeys(source_ids or []):
        try:
            s = cat.get(sid)
        except KeyError:
            continue
        out.append(
            {
                "id": s.id,
                "title": s.title,
                "publisher": s.publisher,
                "vintage": s.vintage,
                "licence": s.licence,
                "attribution": list(s.attribution),
                "url": s.url,
            }
        )
    return out
