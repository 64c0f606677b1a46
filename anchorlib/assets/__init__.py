"""Assets: what is built once per collaborative (or once for the nation) and read by every report:
the ingested ledger, the supplier register, the place profile, the workforce aggregates, the
national asset.

May import: every layer below: ``core`` to ``indicators`` and ``demo``.
Must not import: reports, run, cli.
"""

from anchorlib.assets.ingest import display_path
from anchorlib.assets.national import (
    COMPARISON_MEASURES,
    KINDS,
    MEASURE_WORDS,
    PLACE_INPUTS,
    build_national_assets,
    comparison_table,
    kind_of,
    kind_spec,
    place_entry,
    read_place_lsoas,
    read_place_outlines,
    read_places,
    site_dir,
)
from anchorlib.assets.place import (
    ENGLAND,
    PlaceAsset,
    build_place_asset,
    read_place_asset,
    write_json,
)
from anchorlib.assets.register import build_collaborative_register, read_located_ledger
from anchorlib.assets.workforce import (
    build_workforce_asset,
    run_workforce,
    staff_for_collaborative,
    staff_plan,
    workforce_asset_dir,
    workforce_asset_files,
)

__all__ = [
    "COMPARISON_MEASURES",
    "ENGLAND",
    "KINDS",
    "MEASURE_WORDS",
    "PLACE_INPUTS",
    "PlaceAsset",
    "build_collaborative_register",
    "build_national_assets",
    "build_place_asset",
    "build_workforce_asset",
    "comparison_table",
    "display_path",
    "kind_of",
    "kind_spec",
    "place_entry",
    "read_located_ledger",
    "read_place_asset",
    "read_place_lsoas",
    "read_place_outlines",
    "read_places",
    "run_workforce",
    "site_dir",
    "staff_for_collaborative",
    "staff_plan",
    "workforce_asset_dir",
    "workforce_asset_files",
    "write_json",
]
