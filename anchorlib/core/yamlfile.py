"""Read a YAML file people write, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

import yaml


def read_yaml(path: str | Path, error: type[Exception], what: str):
    """The parsed YAML at ``path``; ``error`` (e.g. PlaceError) saying "<what> not found" or "not
    valid YAML"."""
    path = Path(path)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{what} not found: {path}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from None
