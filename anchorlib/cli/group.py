"""One exit-code policy for every ``anchor`` command, held by the group class of the app.

* Bad input, an :class:`~anchorlib.core.errors.AnchorError` raised anywhere in a command (a
  missing or invalid file, an unknown code, options that do not go together), is reported by one
  handler, :meth:`AnchorGroup.invoke`: one ``error: ...`` line on stderr and exit status
  :data:`BAD_INPUT` (2, the status click gives a usage error).  Nothing else is printed.
* A command that ran but found failures (``anchor run`` when a report or an asset failed,
  ``anchor data check`` when a required source is missing) exits :data:`FAILED` (1).
"""

from __future__ import annotations

import inspect

import typer
from typer.core import TyperGroup

from anchorlib.core.errors import AnchorError

#: Exit status of every command on bad input (an AnchorError): the status click gives a usage error.
BAD_INPUT = 2
#: Exit status of a command that ran but found failures (a failed report, a missing source).
FAILED = 1


class AnchorGroup(TyperGroup):
    """A group of ``anchor`` commands (the app and each of its groups).

    Holds the one handler of bad input, and lists each command by the first paragraph of its
    docstring on one line (typer's rich help would keep the line breaks of a wrapped paragraph).
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AnchorError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(code=BAD_INPUT) from None

    def get_command(self, ctx, cmd_name):
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None and cmd.short_help is None and cmd.help:
            cmd.short_help = " ".join(inspect.cleandoc(cmd.help).split("\n\n")[0].split("\n"))
        return cmd
