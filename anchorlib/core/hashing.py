"""Checksums of values: the sha256 of a JSON-able value, the one way keys are made from parts."""

from __future__ import annotations

import hashlib
import json
from typing import Any

__all__ = ["sha_text"]


def sha_text(obj: Any) -> str:
    """The sha256 (hex) of ``obj`` as JSON with sorted keys (values JSON cannot write are written as
    their ``str``): the same value always gives the same key, whatever the order of its dicts."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()
