"""A worker process of the embedded pool: ``python -m anchorlib.run.worker --worker``.

Started by :class:`anchorlib.run.pool.Worker`; nothing imports this module (it is only run).
"""

from __future__ import annotations

import json
import os
import signal
import sys

from anchorlib.run.tasks import run_report, worker_init

__all__ = ["serve"]


def serve() -> None:
    """Serve reports: one JSON task a line on stdin, one JSON result a line on a private copy of
    stdout (the real stdout goes to stderr: nothing else can corrupt it)."""
    proto = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    worker_init()
    for line in sys.stdin:
        if line.strip():
            proto.write(json.dumps(run_report(json.loads(line)), default=str) + "\n")


if __name__ == "__main__" and sys.argv[1:] == ["--worker"]:
    serve()
