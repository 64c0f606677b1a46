"""Ledgers: payment files read as bodies publish them into one canonical, reconciled ledger.

Cell parsing (amounts, dates, names), reading files into sheets and finding headers, the canonical
schema, the row reader and the Arrow reader for large CSVs, one entry point choosing between them.

May import: ``core``, ``data``, ``config``.
Must not import: suppliers, workforce or anything above them.
"""
