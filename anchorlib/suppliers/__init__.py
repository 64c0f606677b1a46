"""Suppliers: the shared supplier register, built from the ledgers and edited by people.

Matching payee names across anchors and spellings, organisation types, and the register itself.

May import: ``core``, ``data``, ``config``, ``ledgers``.
Must not import: workforce or anything above it.
"""

from anchorlib.suppliers.attach import attach_suppliers
from anchorlib.suppliers.match import (
    DEFAULT_THRESHOLD,
    METHODS,
    display_name,
    guard,
    match_key,
    same_supplier,
    word_variant,
)
from anchorlib.suppliers.orgtype import ORG_TYPES, infer_org_type, infer_org_type_many
from anchorlib.suppliers.previous import keep_edit
from anchorlib.suppliers.register import (
    build_register,
    find_previous,
    mark_cles_top80,
    read_register,
    read_register_matches,
    write_register,
)
from anchorlib.suppliers.schema import (
    EDITABLE,
    MATCH_COLUMNS,
    SOURCES,
    Register,
    SupplierRegisterError,
    register_columns,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "EDITABLE",
    "MATCH_COLUMNS",
    "METHODS",
    "ORG_TYPES",
    "Register",
    "SOURCES",
    "SupplierRegisterError",
    "attach_suppliers",
    "build_register",
    "display_name",
    "find_previous",
    "guard",
    "infer_org_type",
    "infer_org_type_many",
    "keep_edit",
    "mark_cles_top80",
    "match_key",
    "read_register",
    "read_register_matches",
    "register_columns",
    "same_supplier",
    "word_variant",
    "write_register",
]
