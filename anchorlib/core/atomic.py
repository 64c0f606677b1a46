"""Write a set of output files all or nothing, so a failed run never leaves good outputs half
replaced."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def write_all(
    targets: dict[str, Path], writers: dict[str, Callable[[Path], None]]
) -> dict[str, Path]:
    """Write each ``targets[key]`` with ``writers[key]`` into a temporary file beside it, then
    rename all.

    Nothing is renamed until every writer has succeeded, so an error leaves the
    previous outputs as they were.  Files get the ordinary permissions (the
    umask's, not mkstemp's owner-only mode: outputs are shared and published)
    and one modification time, so a later edit of any of them shows as newer.
    """
    umask = os.umask(0)
    os.umask(umask)
    temps: dict[str, Path] = {}
    try:
        for key, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(
                prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent
            )
            os.close(fd)
            temps[key] = Path(tmp)
            writers[key](temps[key])
            os.chmod(temps[key], 0o666 & ~umask)
        for key, target in targets.items():
            os.replace(temps[key], target)
        now = time.time()
        for target in targets.values():
            os.utime(target, (now, now))
    finally:
        for tmp in temps.values():
            if tmp.exists():
                tmp.unlink()
    return targets
