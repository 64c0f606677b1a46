"""Parameter checks for report notebooks, called in the cell right after the ``parameters`` cell.

Every report notebook declares its parameters once, typed, with runnable
defaults (the demo collaborative), in the one cell tagged ``parameters``::

    collaborative: str = "collaboratives/lancashire.yml"
    anchor: str = "hyndburn"
    suppliers_listed: int = 20

papermill injects the values it is given in a new cell after that one.  The
next cell is::

    from anchorlib.reports.params import check_parameters
    check_parameters(globals(), "anchor_spend")

which fails at once, before any data is read, with a message that names the
notebook and the parameter when

* a value was injected under a name the notebook does not declare (a typo:
  ``-p suppliers_listd=5``), with the closest declared names;
* a value has the wrong type (``suppliers_listed="20"``): strict checking, no
  silent conversion, except that an ``int`` is accepted for a ``float``.

The declared names and types are read from the parameters cell's annotations
(``__annotations__`` of the notebook's namespace), so the cell is the single
place they are written.
"""

from __future__ import annotations

import difflib
import types
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from anchorlib.core.errors import AnchorError
from anchorlib.data.catalogue import PROJECT_ROOT

__all__ = ["ParameterError", "check_parameters", "declared_parameters", "project_path"]

#: Names IPython puts in every namespace: never parameters.
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
#: Types a papermill parameter can have (it injects Python literals).
_LITERALS = (str, int, float, bool, list, dict, tuple, type(None))


class ParameterError(AnchorError, ValueError):
    """A notebook was given a parameter it does not declare, or a value of the wrong type."""


def _annotations(namespace: dict) -> dict[str, Any]:
    ann = namespace.get("__annotations__")
    if not ann and callable(namespace.get("__annotate__")):  # Python 3.14: annotations are lazy
        try:
            ann = namespace["__annotate__"](1)
        except Exception:
            ann = None
    return dict(ann or {})


def _type_name(tp: Any) -> str:
    return tp.__name__ if isinstance(tp, type) else str(tp).replace("typing.", "")


def declared_parameters(namespace: dict) -> dict[str, str]:
    """The declared parameters of a notebook namespace: name -> type name."""
    return {k: _type_name(v) for k, v in _annotations(namespace).items()}


def check_parameters(namespace: dict, notebook: str = "this notebook") -> None:
    """Check the parameters in ``namespace`` (a notebook's ``globals()``) against their
    declarations.

    Returns nothing (so the notebook shows nothing).  Raises :class:`ParameterError`
    naming every unknown name (with the closest declared names) and every
    value of the wrong type.
    """
    declared = _annotations(namespace)
    if not declared:
        raise ParameterError(
            f"{notebook}: the parameters cell declares no typed parameters "
            "(write them as `name: type = default`)"
        )
    listing = ", ".join(f"{k} ({_type_name(t)})" for k, t in declared.items())
    problems = []
    for name, value in namespace.items():
        if name.startswith("_") or name in declared or name in _IPYTHON_NAMES:
            continue
        if (
            isinstance(value, (types.ModuleType, type))
            or callable(value)
            or not isinstance(value, _LITERALS)
        ):
            continue  # imports and helpers, never injected values
        close = difflib.get_close_matches(name, list(declared), n=3, cutoff=0.6)
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        problems.append(f"unknown parameter {name!r}{hint}")
    for name, tp in declared.items():
        if name not in namespace:
            problems.append(
                f"parameter {name!r} has no value (give it a default in the parameters cell)"
            )
            continue
        value = namespace[name]
        try:
            TypeAdapter(tp).validate_python(value, strict=True)
        except ValidationError:
            problems.append(
                f"parameter {name!r} must be {_type_name(tp)}, got {type(value).__name__} {value!r}"
            )
        except Exception as exc:
            problems.append(f"parameter {name!r}: cannot check type {_type_name(tp)}: {exc}")
    if problems:
        raise ParameterError(f"{notebook}: " + "; ".join(problems) + f". Parameters: {listing}")


def project_path(path: str) -> Path:
    """A path parameter as a Path: relative paths are relative to the project root (not the
    notebook's folder)."""
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p
