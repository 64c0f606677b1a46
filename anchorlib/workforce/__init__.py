"""Workforce: staff extracts read as published, Real Living Wage rates, and statistical
disclosure control for anything published about people.

May import: ``core``, ``data``, ``config``, ``ledgers`` (the file reader).
Must not import: suppliers or anything above it.
"""
