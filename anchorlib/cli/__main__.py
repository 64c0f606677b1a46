"""``python -m anchorlib.cli``: the ``anchor`` command."""

from anchorlib.cli import app

app()
