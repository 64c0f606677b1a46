"""SIC 2007 codes as Companies House publishes them: code, division and section.

Companies House writes each of a company's up to four SIC codes as ``"62020 - Information technology
consultancy activities"`` (``"None Supplied"`` when empty).  The 5-digit code's first two digits are
its division; the division decides the section (A-U) by the ONS's SIC 2007 structure
(https://www.ons.gov.uk/methodology/classificationsandstandards/ukstandardindustrialclassificationofeconomicactivities/uksic2007).
Companies House's own ``99999 - Dormant Company`` and ``74990 - Non-trading company`` are not
activities: they give no section.
"""

from __future__ import annotations

import re

__all__ = ["SECTIONS", "parse_sic", "sic_division", "sic_section"]

#: SIC 2007 sections: letter -> (first division, last division, title).
SECTIONS: dict[str, tuple[int, int, str]] = {
    "A": (1, 3, "Agriculture, forestry and fishing"),
    "B": (5, 9, "Mining and quarrying"),
    "C": (10, 33, "Manufacturing"),
    "D": (35, 35, "Electricity, gas, steam and air conditioning supply"),
    "E": (36, 39, "Water supply; sewerage, waste management and remediation activities"),
    "F": (41, 43, "Construction"),
    "G": (45, 47, "Wholesale and retail trade; repair of motor vehicles and motorcycles"),
    "H": (49, 53, "Transportation and storage"),
    "I": (55, 56, "Accommodation and food service activities"),
    "J": (58, 63, "Information and communication"),
    "K": (64, 66, "Financial and insurance activities"),
    "L": (68, 68, "Real estate activities"),
    "M": (69, 75, "Professional, scientific and technical activities"),
    "N": (77, 82, "Administrative and support service activities"),
    "O": (84, 84, "Public administration and defence; compulsory social security"),
    "P": (85, 85, "Education"),
    "Q": (86, 88, "Human health and social work activities"),
    "R": (90, 93, "Arts, entertainment and recreation"),
    "S": (94, 96, "Other service activities"),
    "T": (97, 98, "Activities of households as employers"),
    "U": (99, 99, "Activities of extraterritorial organisations and bodies"),
}
#: Companies House placeholder codes that are not an economic activity.
NOT_ACTIVITY = {"99999": "dormant company", "74990": "non-trading company"}
_CODE = re.compile(r"^\s*(\d{4,5})\b")


def parse_sic(text) -> str | None:
    """The 5-digit code of a ``SICCode.SicText_n`` cell (``'62020 - ...'`` -> ``'62020'``); None for
    'None Supplied', blanks and anything without a code.  A 4-digit code (SIC 2003 style, as some
    old rows carry) is zero-padded on the left only when it reads as a known division."""
    if text is None or not isinstance(text, str):
        return None
    m = _CODE.match(text)
    if not m:
        return None
    code = m.group(1)
    if len(code) == 4:
        code = "0" + code
    return code


def sic_division(code: str | None) -> str | None:
    """The two-digit division of a 5-digit code; None for placeholders (dormant, non-trading)."""
    if not code or code in NOT_ACTIVITY:
        return None
    div = code[:2]
    return div if sic_section(code) else None


def sic_section(code: str | None) -> str | None:
    """The section letter (A-U) of a 5-digit SIC 2007 code; None when it is no activity or no
    division of SIC 2007 (e.g. ``04...``)."""
    if not code or code in NOT_ACTIVITY or not code[:2].isdigit():
        return None
    d = int(code[:2])
    for letter, (lo, hi, _title) in SECTIONS.items():
        if lo <= d <= hi:
            return letter
    return None
