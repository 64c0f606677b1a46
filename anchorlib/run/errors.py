"""The run's own error: a run that cannot start."""

from __future__ import annotations

from anchorlib.core.errors import AnchorError

__all__ = ["RunError"]


class RunError(AnchorError):
    """The run cannot start (bad parameter override, unknown notebook, a run already in progress,
    a module of a code key not found)."""
