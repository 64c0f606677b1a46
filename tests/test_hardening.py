"""No personal data at rest outside the inputs: the cache and the outputs hold only aggregates of
staff data.

What counts as the inputs: a staff extract is read where its owner put it (the `staff:` path of an
anchor); the demo's **simulated** staff extracts stand in for those inputs and are written to
`outputs/<id>/private/` by design (never linked, never published: docs/running_reports.md).  So
`private/` is the input, and everything else is scanned: every file under the outputs folder outside
`private/` (shared data, the workforce aggregates, reports, tables, downloads, executed notebooks,
manifest, index pages) and every file in the cache (`ANCHOR_CACHE_DIR`).  No staff id may appear
anywhere in them, and no staff home postcode in the outputs.  The cache holds conversions of the
catalogue's reference files only (each named `<source>-<hash>.parquet`, plus `verified.json`): the
postcode directories in it list every postcode in the country, staff homes included, which is
reference data, not a record of a person; so in the cache the check is that nothing but those
conversions is there, and no staff id.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, SITE_FIXTURE_COLLAB, clear_anchorlib_caches, fixture_env
from privacy_scan import found_in, staff_needles

from anchorlib.config.collaborative import load_collaborative
from anchorlib.run.runner import run_collaborative

LEDGERS = ROOT / "tests" / "data" / "ledgers"


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory, fixture_cache):
    """The fixture collaborative with simulated staff: shared assets and the workforce and spend
    reports."""
    mp = fixture_env(pytest.MonkeyPatch(), fixture_cache)
    root = tmp_path_factory.mktemp("privacy")
    collab = root / "collab.yml"
    collab.write_text(SITE_FIXTURE_COLLAB.format(ledgers=LEDGERS))
    res = run_collaborative(
        collab,
        out_root=root / "out",
        workers=2,
        progress=False,
        only=["workforce", "anchor_spend-council"],
    )
    assert res.ok, res.summary()
    yield {
        "out": root / "out",
        "dir": load_collaborative(collab).output_dir(root / "out"),
        "cache": fixture_cache,
    }
    mp.undo()
    clear_anchorlib_caches()


def test_the_cache_and_the_outputs_hold_no_staff_level_data(staff_site):
    private = staff_site["dir"] / "private"
    staff = sorted(private.glob("staff_*.csv"))
    assert len(staff) == 2, "the simulated staff extracts (the inputs) are in private/"
    ids, postcodes = staff_needles(staff)
    assert len(ids) > 100 and len(postcodes) > 100

    outputs = [
        p
        for p in staff_site["out"].rglob("*")
        if p.is_file()
        and p.name != ".run.lock"
        and "private" not in p.relative_to(staff_site["out"]).parts
    ]
    assert any("workforce" in p.parts for p in outputs) and any(
        p.suffix == ".xlsx" for p in outputs
    )
    leaks = []
    for path in outputs:
        found_ids, found_pcs = found_in(path, ids, postcodes)
        # a staff postcode that is also an anchor's site or a supplier's postcode is not about a
        # person
        found_pcs = [
            pc
            for pc in found_pcs
            if pc not in {"BB51LA", "BB111AE"}
            and "suppliers" not in path.name
            and path.name != "ledger.parquet"
        ]
        if found_ids or found_pcs:
            leaks.append(
                f"{path.relative_to(staff_site['out'])}: ids {found_ids[:3]}, postcodes "
                f"{found_pcs[:3]}"
            )
    assert not leaks, "staff-level data outside private/:\n" + "\n".join(leaks)

    cache = [p for p in staff_site["cache"].rglob("*") if p.is_file()]
    assert cache, "nothing in the cache: the scan would be vacuous"
    from anchorlib.data.catalogue import load_catalogue

    sources = {s.id for s in load_catalogue().sources} | {"postcode_index", "verified"}
    strangers = [p.name for p in cache if re.sub(r"-[0-9a-f]{8,}$", "", p.stem) not in sources]
    assert not strangers, (
        f"the cache holds files that are not conversions of reference sources: {strangers}"
    )
    assert not [p.name for p in cache if found_in(p, ids, set())[0]], "staff ids in the cache"


def test_the_scan_finds_a_planted_staff_id_and_postcode(staff_site, tmp_path):
    """Not vacuous: a staff id in a Parquet table and a home postcode (without its space) in a CSV
    are found."""
    import pandas as pd

    staff = pd.read_csv(next((staff_site["dir"] / "private").glob("staff_*.csv")), dtype=str)
    ids, postcodes = staff_needles(sorted((staff_site["dir"] / "private").glob("staff_*.csv")))
    sid = staff.iloc[3, 0]
    pc = next(p for p in postcodes if p not in {"BB51LA", "BB111AE"})
    pd.DataFrame({"who": [sid]}).to_parquet(tmp_path / "a.parquet")
    (tmp_path / "b.csv").write_text(f"area,count\n{pc},1\n")
    assert found_in(tmp_path / "a.parquet", ids, postcodes)[0] == [sid]
    assert found_in(tmp_path / "b.csv", ids, postcodes)[1] == [pc]
