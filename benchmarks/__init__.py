"""Benchmarks: speed figures measured in one run (``make bench``, ``python -m benchmarks``).

Outside the runtime package: anchorlib never imports them, so they are in no report's code key.
The ingest benchmark's generated ledgers come from the tests' support module
(tests/support/ledger_gen.py).  Run from the project folder.
"""
