"""Atomic publishing: one run per output folder, reports swapped in whole, what a crash left undone.

A report is executed and exported into a staging folder and swapped into place only when it
succeeded (:func:`publish_dir`); :func:`recover` undoes what an interrupted run left; a
:class:`RunLock` keeps a second run out of the same folder.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import uuid
from pathlib import Path

from anchorlib.run.errors import RunError

__all__ = ["RunLock", "now", "publish_dir", "read_manifest", "recover"]


def now() -> str:
    """The local time now, ISO 8601 to the second with the UTC offset (manifest times)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def read_manifest(path: Path) -> dict:
    """The manifest at ``path``; empty when missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def publish_dir(staging: Path, final: Path) -> None:
    """Swap ``staging`` into ``final``: the old folder is moved aside, the new one moved in, the
    old removed.

    Both moves are renames on one file system; :func:`recover` restores the
    old folder if the process died between them.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    os.rename(staging, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def recover(out_dir: Path) -> None:
    """Undo what an interrupted run left: restore reports moved aside, remove staging folders."""
    reports = out_dir / "reports"
    if reports.is_dir():
        for old in sorted(reports.glob(".old-*")):
            name = old.name[len(".old-") :].rsplit("-", 1)[0]
            final = reports / name
            if final.exists():
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.rename(old, final)
    shutil.rmtree(out_dir / ".staging", ignore_errors=True)


class RunLock:
    """One run per collaborative at a time (an flock on outputs/<id>/.run.lock)."""

    def __init__(self, path: Path):
        self.path = path
        self.fh = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "a+")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.fh.seek(0)
            who = self.fh.read().strip()
            self.fh.close()
            raise RunError(
                f"another `anchor run` is working on {self.path.parent} ({who or 'pid unknown'}); "
                "wait for it to finish"
            ) from None
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(f"pid {os.getpid()}")
        self.fh.flush()
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()
