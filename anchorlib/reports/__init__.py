"""Reports: what each report notebook shows: one builder module per notebook (tables, their
plain-English reading), charts, display helpers and the notebooks' parameter checks.

May import: every layer below: ``core`` to ``assets``.
Must not import: run, cli.
"""
