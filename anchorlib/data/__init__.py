"""Data: the declared reference data, read and validated.

The catalogue (``data/sources.yml``), readers through the Parquet cache, schema validation, geography
lookups and boundaries, postcodes, census tables and the Indices of Deprivation with their summary
measures.

May import: ``core``.
Must not import: anything above it (config, ledgers, suppliers, workforce, indicators, demo, assets,
reports, run, cli).
"""
