"""Demo: simulated data for the demo collaborative, always labelled simulated, and the builder of the
committed demo extract (``anchor data build-demo``).

May import: ``core``, ``data``, ``config``, ``ledgers``, ``suppliers``, ``workforce``.
Must not import: indicators, assets, reports, run, cli.
"""
