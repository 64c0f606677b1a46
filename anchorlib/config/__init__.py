"""Config: what people declare in YAML: places and their tiers, collaboratives and their anchors,
the common spend categories.

May import: ``core``, ``data``.
Must not import: ledgers, suppliers, workforce or anything above them.
"""

from anchorlib.config.categories import (
    UNCLASSIFIED,
    CategoryError,
    category_mapping,
    classify_text,
    load_common_categories,
    map_categories,
    read_category_map,
    with_common_category,
)
from anchorlib.config.collaborative import (
    ANCHOR_TYPES,
    AddressableExclusions,
    AnchorSpec,
    Collaborative,
    CollaborativeError,
    CollaborativeSpec,
    IndicatorSettings,
    LedgerSpec,
    Target,
    check_id,
    load_collaborative,
)
from anchorlib.config.places import (
    UNKNOWN,
    Place,
    PlaceSpec,
    Tier,
    TierSpec,
    build_place,
    classify_lsoas,
    classify_postcodes,
    load_place,
    place_from_codes,
    resolve_place,
    tier_breakdown,
)

__all__ = [
    "ANCHOR_TYPES",
    "AddressableExclusions",
    "AnchorSpec",
    "CategoryError",
    "Collaborative",
    "CollaborativeError",
    "CollaborativeSpec",
    "IndicatorSettings",
    "LedgerSpec",
    "Place",
    "PlaceSpec",
    "Target",
    "Tier",
    "TierSpec",
    "UNCLASSIFIED",
    "UNKNOWN",
    "build_place",
    "category_mapping",
    "check_id",
    "classify_lsoas",
    "classify_postcodes",
    "classify_text",
    "load_collaborative",
    "load_common_categories",
    "load_place",
    "map_categories",
    "place_from_codes",
    "read_category_map",
    "resolve_place",
    "tier_breakdown",
    "with_common_category",
]
