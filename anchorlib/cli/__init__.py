"""CLI: the ``anchor`` command: one typer app and one exit-code policy.

Bad input (:class:`anchorlib.core.errors.AnchorError`) exits 2 with a one-line ``error:``
message; a batch that ran but had failures exits 1.

May import: every layer. Nothing imports it.
"""

from anchorlib.cli.commands import app, main
from anchorlib.cli.group import AnchorGroup

__all__ = ["AnchorGroup", "app", "main"]
