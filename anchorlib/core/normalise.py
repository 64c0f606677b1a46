"""The one normaliser of each identifier people publish: text cells, company and charity numbers.

Payment files and the supplier register are joined on these keys, so the ledger readers, the
register and anything else that reads them must normalise them here, the same way. (Postcodes have
their own normaliser, :func:`anchorlib.data.postcodes.normalise_postcodes`, which also validates
them.)
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd

_SPACES = re.compile(r"\s+")


def is_blank(value) -> bool:
    """True for None, NaN (including pandas' missing values) and strings of only whitespace."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, int):  # (bool too): never blank, and the commonest cells after text
        return False
    try:  # pandas.NA, pandas.NaT and numpy's NaN-likes
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # not a scalar
        return False


def clean_text(value) -> str | None:
    """A published text value, stripped and with runs of whitespace as one space; numbers from
    spreadsheets as plain text.

    ``107639310.0`` (an id typed into a number cell) becomes ``'107639310'``; a blank is None.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return _SPACES.sub(" ", str(value)).strip()


def _digits_text(value) -> str | None:
    """The value as text without spaces, with a float's ``.0`` dropped (``'1234567.0'`` ->
    ``'1234567'``)."""
    text = clean_text(value)
    if text is None:
        return None
    text = _SPACES.sub("", text)
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell written out as float text
        text = text[:-2]
    return text or None


def company_number(value) -> str | None:
    """A Companies House company number as the register writes it: 8 characters, upper case.

    Spaces are removed, letters upper-cased (``sc123456`` -> ``SC123456``), a float's ``.0`` dropped
    and an all-digit number zero-padded to 8 (``1234567``, ``1234567.0`` and ``'1234567.0'``
    all give ``'01234567'``). Blank gives None.
    """
    text = _digits_text(value)
    if text is None:
        return None
    text = text.upper()
    return text.zfill(8) if text.isdigit() and len(text) < 8 else text


def charity_number(value) -> str | None:
    """A Charity Commission registered number: spaces removed, a float's ``.0`` dropped, no padding
    (``'1 234 567'`` and ``1234567.0`` give ``'1234567'``). Blank gives None."""
    return _digits_text(value)
