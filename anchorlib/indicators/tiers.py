"""The tiers of a place that the indicators name: the place itself, the wider region, what is local.

A place's tiers (:class:`anchorlib.config.places.Place`) are nested rings, innermost first; these
say which of them is the place (``place: true``), which is the wider region around it and which
count as local spend (docs/indicators/spend.md).
"""

from __future__ import annotations

from anchorlib.config.places import Place

__all__ = ["place_tier", "wider_tier", "local_tiers"]


def place_tier(place: Place) -> str | None:
    """The name of the tier that is the place itself (``place: true``; ``place`` by default)."""
    if place.spec.tiers is None:
        return "place"
    for t in place.spec.tiers:
        if t.place:
            return t.name
    whole = frozenset(place.lsoas)
    return next((t.name for t in place.tiers if t.lsoas == whole), None)


def wider_tier(place: Place) -> str | None:
    """The tier just outside the place tier (the wider region), unless that is the outermost
    ``everywhere`` tier or there is none."""
    names = [t.name for t in place.tiers]
    inner = place_tier(place)
    if inner is None or names.index(inner) + 1 >= len(names):
        return None
    nxt = place.tiers[names.index(inner) + 1]
    return None if nxt.everywhere else nxt.name


def local_tiers(place: Place) -> list[str]:
    """The tiers that count as local: the place tier and every tier inside it (innermost first)."""
    name = place_tier(place)
    names = place.tier_names
    if name is None:
        return []
    return names[: names.index(name) + 1]
