"""Organisation type of a supplier, inferred only where the evidence is plain.

``infer_org_type(name, company_number=None, charity_number=None)`` returns
``(org_type, evidence)``: one of :data:`ORG_TYPES` and the words that decided
it (``"charity number 1012345"``, ``"'CIC' in name"``, ``"'County Council' in
name"``), or ``("unknown", "")`` when nothing plain says what the payee is.
Nothing is guessed from what a name sounds like: *Hyndburn Leisure* stays
``unknown`` until a person (or a company / charity number) says otherwise.

The checks run in this order; the first that applies wins:

1. a redacted / personal-data placeholder -> ``redacted``
2. a charity number, or 'CIO' / 'SCIO' / 'Registered Charity' in the name -> ``charity``
3. 'CIC', 'Community Interest Company' -> ``cic_social_enterprise``
4. 'Co-operative', 'Cooperative', 'Co-op', 'Mutual', 'Credit Union',
   'Friendly Society', 'Building Society', 'Community Benefit Society' -> ``cooperative_mutual``
5. 'Ltd', 'Limited', 'PLC', 'LLP' (or the Welsh 'Cyf') -> ``company``: a legal form
   beats words such as 'School' or 'NHS' (*NHS Professionals Ltd* is a company)
6. a council (county / city / borough / district / town / parish council, or a name
   ending 'Council'), NHS, an NHS or foundation trust, police, constabulary,
   fire and rescue, a government department ('Department for ...', 'Ministry of',
   'HM ...', HMRC, Home Office, ...), a combined authority; then 'Academy',
   'School', 'College', 'University' -> ``public_body``
7. a company number -> ``company``
8. a title ('Mr', 'Mrs', 'Ms', 'Miss', 'Dr', ...) before a name -> ``individual_sole_trader``
   ('T/A', trading as, is not enough: charities and companies trade under other names too)
9. otherwise ``unknown``
"""

from __future__ import annotations

import re
import unicodedata

from anchorlib.core.normalise import is_blank
from anchorlib.ledgers.parse import is_redacted

__all__ = ["ORG_TYPES", "UNKNOWN", "infer_org_type", "infer_org_type_many"]

UNKNOWN = "unknown"
#: Every organisation type a register row can have (people may type only these).
ORG_TYPES = [
    "public_body",
    "company",
    "charity",
    "cic_social_enterprise",
    "cooperative_mutual",
    "individual_sole_trader",
    "redacted",
    UNKNOWN,
]


def _rx(*patterns: str) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Patterns run on a cleaned upper-case name: '&' -> AND, punctuation other than '/' -> space.
_CHARITY = _rx(
    r"\bS?CIO\b", r"\bREGISTERED CHARITY\b", r"\bCHARITABLE INCORPORATED ORGANI[SZ]ATION\b"
)
_CIC = _rx(r"\bCIC\b", r"\bC I C\b", r"\bCOMMUNITY INTEREST COMPANY\b")
_COOP = _rx(
    r"\bCO ?OPERATIVE\b",
    r"\bCO ?OP\b",
    r"\bMUTUAL\b",
    r"\bCREDIT UNION\b",
    r"\bFRIENDLY SOCIETY\b",
    r"\bBUILDING SOCIETY\b",
    r"\bCOMMUNITY BENEFIT SOCIETY\b",
    r"\bINDUSTRIAL AND PROVIDENT SOCIETY\b",
)
_COMPANY_FORM = _rx(
    r"\bLTD\b",
    r"\bLIMITED\b",
    r"\bPLC\b",
    r"\bLLP\b",
    r"\bCYF\b",
    r"\bCYFYNGEDIG\b",
    r"\bPUBLIC LIMITED COMPANY\b",
)
# Bodies that carry 'police' / 'fire' in their name but are associations, unions, clubs or funds.
_NOT_SERVICE = re.compile(
    r"\b(?:FEDERATION|UNION|ASSOCIATION|BENEVOLENT|CLUB|CHARITY|CHARITABLE|FUND|SOCIETY|"
    r"SPORTS?|TREATMENT|MUSEUM|HISTORY|CONVALESCENT|WIDOWS|ORPHANS)\b"
)
_PUBLIC_STRONG = _rx(
    r"\b(?:COUNTY|CITY|BOROUGH|DISTRICT|TOWN|PARISH|METROPOLITAN|UNITARY|COMMUNITY)\s+(?:BOROUGH\s+)?COUNCIL\b",
    r"\bCOUNCIL$",
    r"\bNHS\b",
    r"\bN H S\b",
    r"\bINTEGRATED CARE BOARD\b",
    r"\bCLINICAL COMMISSIONING GROUP\b",
    r"\bHEALTH BOARD\b",
    r"\bFOUNDATION TRUST\b",
    r"\bHOSPITALS? (?:\w+ )*(?:TRUST|FT)$",
    r"\bAMBULANCE SERVICE\b",
    r"\bCOMBINED AUTHORITY\b",
    r"\bPOLICE AND CRIME COMMISSIONER\b",
    r"\bPOLICE AUTHORITY\b",
    r"\bFIRE AND RESCUE\b",
    r"\bFIRE AUTHORITY\b",
    r"^(?:HM|H M|HER MAJESTYS?|HIS MAJESTYS?) ",
    r"\bHMRC\b",
    r"\bHMCTS\b",
    r"\bHMPPS\b",
    r"\bDVLA\b",
    r"\bDWP\b",
    r"\bDEPARTMENT (?:FOR|OF)\b",
    r"\bMINISTRY OF\b",
    r"\b(?:HOME|CABINET|FOREIGN|SCOTLAND|WALES) OFFICE\b",
    r"\bENVIRONMENT AGENCY\b",
    r"\bLAND REGISTRY\b",
    r"\bVALUATION OFFICE\b",
    r"\bELECTORAL COMMISSION\b",
    r"\bINFORMATION COMMISSIONER\b",
    r"\bHEALTH AND SAFETY EXECUTIVE\b",
    r"\bCROWN (?:COMMERCIAL|PROSECUTION) SERVICE\b",
    r"\bDISCLOSURE AND BARRING SERVICE\b",
    r"\bNATIONAL CRIME AGENCY\b",
    r"\bCOLLEGE OF POLICING\b",
    r"\bMAGISTRATES\b",
    r"\bCORONERS?\b",
    r"\bCOURTS? AND TRIBUNALS\b",
    r"\bPUBLIC HEALTH ENGLAND\b",
    r"\bUK HEALTH SECURITY AGENCY\b",
    r"\bNATIONAL HIGHWAYS\b",
    r"\bHIGHWAYS ENGLAND\b",
)
_POLICE_FIRE = _rx(
    r"\bPOLICE\b", r"\bCONSTABULARY\b", r"\bFIRE (?:AND RESCUE )?SERVICE\b", r"\bFIRE BRIGADE\b"
)
_EDUCATION = _rx(
    r"\bACADEMY\b",
    r"\bACADEMIES\b",
    r"\bSCHOOLS?\b",
    r"\bCOLLEGE\b",
    r"\bUNIVERSITY\b",
    r"\bSIXTH FORM\b",
)
# Private bodies that use those words: professional colleges, driving and dance schools...
_NOT_EDUCATION = re.compile(
    r"\bROYAL COLLEGE\b|\bCOLLEGE OF (?!POLICING)\w+S\b|\bDRIVING\b|\bMOTORING\b|\bDANCE\b|"
    r"\bMARTIAL\b|\bRIDING\b|\bFOOTBALL\b|\bSWIM(?:MING)?\b|\bSURF\b|\bSKI\b"
)
_TITLE = re.compile(r"^(?:MR|MRS|MS|MISS|MX|DR|REV|REVD|PROF|SIR|DAME|MESSRS)\s+[A-Z]")


def _clean(name: str) -> str:
    s = unicodedata.normalize("NFKD", str(name))
    s = "".join(c for c in s if not unicodedata.combining(c)).upper()
    s = s.replace("&", " AND ")
    s = re.sub(r"['’‘`.]", "", s)  # H.M. -> HM, O'Neill -> ONEILL
    s = re.sub(r"[\(\[]\s*\d+\s*[\)\]]", " ", s)  # a publisher's vendor id in brackets
    s = re.sub(r"[^A-Z0-9/]+", " ", s)
    return " ".join(s.split())


def _found(m: re.Match, name: str) -> str:
    """The matched words as they appear (title case for readability)."""
    return m.group(0).strip()


def infer_org_type(name, company_number=None, charity_number=None) -> tuple[str, str]:
    """``(org_type, evidence)`` for one payee; ``('unknown', '')`` when the evidence is not plain.

    >>> infer_org_type("Hyndburn Borough Council")
    ('public_body', "'BOROUGH COUNCIL' in name")
    >>> infer_org_type("Acme Widgets", company_number="01234567")
    ('company', 'company number 01234567')
    """
    if not is_blank(name) and is_redacted(name):
        return "redacted", "redacted / personal-data payee"
    if not is_blank(charity_number):
        return "charity", f"charity number {str(charity_number).strip()}"
    s = _clean(name) if not is_blank(name) else ""
    if m := _CHARITY.search(s):
        return "charity", f"'{_found(m, s)}' in name"
    if m := _CIC.search(s):
        return "cic_social_enterprise", f"'{_found(m, s)}' in name"
    if m := _COOP.search(s):
        return "cooperative_mutual", f"'{_found(m, s)}' in name"
    if m := _COMPANY_FORM.search(s):
        return "company", f"'{_found(m, s)}' in name"
    if m := _PUBLIC_STRONG.search(s):
        return "public_body", f"'{_found(m, s)}' in name"
    if (m := _POLICE_FIRE.search(s)) and not _NOT_SERVICE.search(s):
        return "public_body", f"'{_found(m, s)}' in name"
    if (m := _EDUCATION.search(s)) and not _NOT_EDUCATION.search(s):
        return "public_body", f"'{_found(m, s)}' in name"
    if not is_blank(company_number):
        return "company", f"company number {str(company_number).strip()}"
    if m := _TITLE.search(s):
        return "individual_sole_trader", f"title '{m.group(0).split()[0]}' before a name"
    return UNKNOWN, ""


_PRIORITY = {
    t: i
    for i, t in enumerate(
        [
            "redacted",
            "charity",
            "cic_social_enterprise",
            "cooperative_mutual",
            "company",
            "public_body",
            "individual_sole_trader",
            UNKNOWN,
        ]
    )
}


def infer_org_type_many(names, company_numbers=(), charity_numbers=()) -> tuple[str, str]:
    """One type for a supplier known under several names and numbers.

    Each name is judged on its own (with the supplier's first company and
    charity number); the plainest evidence wins, in the order of the module
    docstring, so *Asian Fire Service Association* seen once as *... CIC* is a
    CIC.  The evidence names the variant it came from when there are several.
    """
    names = [n for n in names if not is_blank(n)]
    cn = next((c for c in company_numbers if not is_blank(c)), None)
    ch = next((c for c in charity_numbers if not is_blank(c)), None)
    best: tuple[str, str] | None = None
    for n in names or [None]:
        t, ev = infer_org_type(n, cn, ch)
        if len(names) > 1 and t != UNKNOWN and "in name" in ev:
            ev = f"{ev} ({n})"
        if best is None or _PRIORITY[t] < _PRIORITY[best[0]]:
            best = (t, ev)
    return best if best is not None else (UNKNOWN, "")
