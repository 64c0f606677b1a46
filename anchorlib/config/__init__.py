"""Config: what people declare in YAML: places and their tiers, collaboratives and their anchors,
the common spend categories.

May import: ``core``, ``data``.
Must not import: ledgers, suppliers, workforce or anything above them.
"""
