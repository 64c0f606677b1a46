"""Data: the declared reference data, read and validated.

The catalogue (``data/sources.yml``), readers through the Parquet cache, schema validation,
the demo-extract rules, attribution, geography lookups and boundaries, postcodes, census tables
and the Indices of Deprivation with their summary measures.

May import: ``core``.
Must not import: anything above it (config, ledgers, suppliers, workforce, indicators, demo, assets,
reports, run, cli).
"""

from anchorlib.data.attribution import source_entries
from anchorlib.data.catalogue import (
    CATALOGUE_PATH,
    PROJECT_ROOT,
    Catalogue,
    Source,
    cache_dir,
    data_roots,
    find_file,
    load_catalogue,
    sha256_of,
    shared_data_dir,
    verified_sha256,
)
from anchorlib.data.census import POPULATION_SOURCE, census_table, census_wide, population_lsoa21
from anchorlib.data.check import check_demo, check_sources, format_check
from anchorlib.data.deprivation import (
    lad_lsoas,
    lad_measures,
    lad_table,
    lsoa_deprivation,
    place_measures,
)
from anchorlib.data.extract import (
    DEMO_DIR,
    REGION_CLIPPED,
    DemoExtract,
    OutsideExtractError,
    extract_in_use,
    load_extract,
    outside_extract_error,
)
from anchorlib.data.geography import (
    boundaries,
    districts_within,
    lad24_regions,
    lsoa11_to_lsoa21,
    lsoa21_geography,
)
from anchorlib.data.postcodes import (
    INDEX_COLUMNS,
    LOCATE_COLUMNS,
    index_cache_path,
    key_codes,
    locate_postcode,
    locate_postcodes,
    normalise_postcode,
    normalise_postcodes,
    postcode_index,
)
from anchorlib.data.readers import cache_path, read_source, resolve
from anchorlib.data.sources_page import (
    COMMAND,
    PAGE_PATH,
    load_demo_extract,
    page_is_current,
    render_sources_page,
    write_sources_page,
)

__all__ = [
    "CATALOGUE_PATH",
    "COMMAND",
    "Catalogue",
    "DEMO_DIR",
    "DemoExtract",
    "INDEX_COLUMNS",
    "LOCATE_COLUMNS",
    "OutsideExtractError",
    "PAGE_PATH",
    "POPULATION_SOURCE",
    "PROJECT_ROOT",
    "REGION_CLIPPED",
    "Source",
    "boundaries",
    "cache_dir",
    "cache_path",
    "census_table",
    "census_wide",
    "check_demo",
    "check_sources",
    "data_roots",
    "districts_within",
    "extract_in_use",
    "find_file",
    "format_check",
    "index_cache_path",
    "key_codes",
    "lad24_regions",
    "lad_lsoas",
    "lad_measures",
    "lad_table",
    "load_catalogue",
    "load_demo_extract",
    "load_extract",
    "locate_postcode",
    "locate_postcodes",
    "lsoa11_to_lsoa21",
    "lsoa21_geography",
    "lsoa_deprivation",
    "normalise_postcode",
    "normalise_postcodes",
    "outside_extract_error",
    "page_is_current",
    "place_measures",
    "population_lsoa21",
    "postcode_index",
    "read_source",
    "render_sources_page",
    "resolve",
    "sha256_of",
    "shared_data_dir",
    "source_entries",
    "verified_sha256",
    "write_sources_page",
]
