"""The one formatter of the figures shown to people: percents, shares, pounds and decile labels.

Every report, reading, chart label, alt text and CLI table formats its percents here, so a figure
reads the same wherever it is shown.

**Percents round half up**, on the number's decimal representation: the value is taken as the
shortest decimal that Python prints for it (``repr``), scaled by 100 exactly for a share, and
rounded with :data:`decimal.ROUND_HALF_UP`.  So 12.5% reads "13%" and a share of 0.125 reads "13%"
too, whatever the binary float behind it (``f"{12.5:.0f}"`` would give "12", rounding half to even,
and ``100 * 0.145`` is 14.499999999999998 in binary, which a format spec would round down).  Halves
round away from zero: -12.5% reads "-13%".

Pounds keep Python's format-spec rounding (whole pounds, half to even on the binary value), as they
always have: the published tables and readings show them so.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "percent",
    "share",
    "points",
    "as_percent",
    "pounds",
    "pounds_short",
    "money_words",
    "decile_label",
    "deciles_band",
]


def _is_missing(v) -> bool:
    if v is None:
        return True
    try:
        return math.isnan(float(v))
    except (TypeError, ValueError):  # pandas.NA and other missing markers
        return True


def _half_up(d: Decimal, decimals: int) -> str:
    q = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{q:f}"


def _decimal(v) -> Decimal:
    """``v`` as the decimal Python prints for it: 0.145 is 0.145, not 0.14499999999999999."""
    return Decimal(repr(float(v)))


def percent(value, decimals: int | None = 1, *, missing: str = "n/a") -> str:
    """A percentage (``12.5`` is 12.5%) as text, rounded half up: ``percent(12.25) == "12.3%"``.

    ``decimals``: the places shown; None: one decimal under 10% (in size), none from 10% up
    (``percent(4.25, None) == "4.3%"``, ``percent(12.5, None) == "13%"``).  ``missing``: the text
    for None or NaN.
    """
    if _is_missing(value):
        return missing
    v = float(value)
    if math.isinf(v):
        return f"{v}%"
    if decimals is None:
        decimals = 1 if abs(v) < 10 else 0
    return _half_up(_decimal(v), decimals) + "%"


def share(value, decimals: int | None = None, *, missing: str = "n/a") -> str:
    """A share (a fraction: ``0.125`` is 12.5%) as a percentage, rounded half up: ``share(0.125) ==
    "13%"``.

    The fraction's decimal representation is scaled by 100 exactly before rounding, so
    ``share(0.145) == "15%"``.  ``decimals``: as for :func:`percent` (default None: one decimal
    under 10%, none from 10% up).  ``missing``: the text for None or NaN.
    """
    if _is_missing(value):
        return missing
    v = float(value)
    if math.isinf(v):
        return f"{100 * v}%"
    d = _decimal(v).scaleb(2)
    if decimals is None:
        decimals = 1 if abs(v) < 0.1 else 0
    return _half_up(d, decimals) + "%"


def points(value, decimals: int = 1) -> str:
    """A change or gap between percentages, in percentage points, rounded half up as
    :func:`percent`: ``points(2.25) == "2.3 percentage points"``, ``points(1) == "1.0 percentage
    point"``."""
    v = float(value)
    return f"{_half_up(_decimal(v), decimals)} percentage point{'' if abs(v) == 1 else 's'}"


def as_percent(value) -> float | None:
    """A share (fraction) as a percentage number for a table column in ``(%)``; None stays None."""
    return None if value is None else 100.0 * float(value)


def pounds(value, decimals: int = 0) -> str:
    """Pounds with thousands separators: ``£1,235``; a negative amount as ``−£1,235`` (a minus
    sign, not a hyphen)."""
    return f"£{value:,.{decimals}f}" if value >= 0 else f"−£{-value:,.{decimals}f}"


def pounds_short(value) -> str:
    """Pounds for a chart label: ``£1.2m``, ``£45k``, ``£950``."""
    if abs(value) >= 1e6:
        return f"£{value / 1e6:,.1f}m"
    if abs(value) >= 1e3:
        return f"£{value / 1e3:,.0f}k"
    return f"£{value:,.0f}"


def money_words(value) -> str:
    """Pounds in words for sentences: £854.2 million, £2.6 million, £41,250."""
    return f"£{value / 1e6:,.1f} million" if abs(value) >= 1e6 else f"£{value:,.0f}"


def decile_label(d: int) -> str:
    """Words for an IMD decile: 1 is the most deprived 10% of neighbourhoods in England."""
    d = int(d)
    if d == 1:
        return "1 (most deprived 10%)"
    if d == 10:
        return "10 (least deprived 10%)"
    return str(d)


def deciles_band(deciles) -> str:
    """The deprived deciles in words: ``[1, 2]`` -> 'the most deprived 20% of neighbourhoods in
    England'; deciles that do not start at 1 or have gaps are listed (``IMD deciles 1, 3``)."""
    deciles = list(deciles)
    if deciles == list(range(1, len(deciles) + 1)):
        return f"the most deprived {10 * len(deciles)}% of neighbourhoods in England"
    return f"IMD deciles {', '.join(map(str, deciles))}"
