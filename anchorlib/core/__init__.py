"""Core: the helpers every layer shares, with no knowledge of places, ledgers or reports.

Errors, all-or-nothing writes, deterministic XLSX, YAML reading, hashing, project paths, the one
formatter of percents, pounds, shares and decile labels, and the one normaliser of company numbers,
charity numbers and postcodes.

May import: the standard library and third-party packages only.
Must not import: any other anchorlib subpackage.
"""
