"""Indicators: every published number, as pure functions of data frames.

Spend (CLES and ICIC), the collaborative's combined spend and collective opportunity, progress
against the baseline year, place-based giving, workforce and the place summary. Each function's
docstring gives its definition and source; docs/indicators.md lists them.

May import: ``core``, ``data``, ``config``, ``ledgers``, ``suppliers``, ``workforce``.
Must not import: demo, assets, reports, run, cli.
"""
