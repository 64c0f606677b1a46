"""Assets: what is built once per collaborative (or once for the nation) and read by every report:
the ingested ledger, the supplier register, the place profile, the workforce aggregates, the
national asset.

May import: every layer below: ``core`` to ``indicators`` and ``demo``.
Must not import: reports, run, cli.
"""
