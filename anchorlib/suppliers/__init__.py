"""Suppliers: the shared supplier register, built from the ledgers and edited by people.

Matching payee names across anchors and spellings, organisation types, and the register itself.

May import: ``core``, ``data``, ``config``, ``ledgers``.
Must not import: workforce or anything above it.
"""
