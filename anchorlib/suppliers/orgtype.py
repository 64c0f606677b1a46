"""Organisation type of a supplier, inferred only where the evidence is plain.

``infer_org_type(name, company_number=None, charity_number=None)`` returns
``(org_type, evidence)``: one of :data:`ORG_TYPES` and the words that decided
it (``"charity number 1012345"``, ``"'CIC' in name"``, ``"'County Council' in
name"``), or ``("unknown", "")`` when nothing plain says what the payee is.
Nothing is guessed from what a name sounds like: *Hyndburn Leisure* stays
``unknown`` until a person (or a company / charity number) says otherwise.

The checks run in this order; the first that applies wins.  The legal form
(a number, or the form written in the name) runs before the words of the name:

1. a redacted / personal-data placeholder -> ``redacted``
2. a charity number, or 'CIO' / 'SCIO' / 'Registered Charity' in the name -> ``charity``
   (VCSE): a company limited by guarantee with a charity number is a charity
3. 'CIC', 'Community Interest Company' -> ``cic_social_enterprise``
4. a registered society's form: 'Credit Union', 'Friendly Society', 'Building Society',
   'Community Benefit Society', 'Industrial and Provident Society', 'Co-operative Society'
   -> ``cooperative_mutual``
5. 'Ltd', 'Limited', 'PLC', 'LLP' (or the Welsh 'Cyf') -> ``company``: a legal form
   beats any word of the name (*NHS Professionals Ltd* and *Municipal Mutual Insurance
   Limited* are companies)
6. a council (county / city / borough / district / town / parish council, or a name
   ending 'Council'), NHS, an NHS or foundation trust, police, constabulary,
   fire and rescue, police 'Mutual Aid', a government department ('Department for ...',
   'Ministry of', 'HM ...', HMRC, Home Office, ...), a combined authority; then 'Academy',
   'School', 'College', 'University' -> ``public_body``
7. 'Co-operative', 'Cooperative', 'Co-op', 'Mutual' in the name -> ``cooperative_mutual``
8. a company number -> ``company``
9. a title ('Mr', 'Mrs', 'Ms', 'Miss', 'Dr', ...) before a name -> ``individual_sole_trader``
   ('T/A', trading as, is not enough: charities and companies trade under other names too)
10. otherwise ``unknown``
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
# A registered society's legal form (Co-operative and Community Benefit Societies Act 2014,
# Friendly Societies, Building Societies and Credit Unions Acts).
_SOCIETY_FORM = _rx(
    r"\bCREDIT UNION\b",
    r"\bFRIENDLY SOCIETY\b",
    r"\bBUILDING SOCIETY\b",
    r"\bCOMMUNITY BENEFIT SOCIETY\b",
    r"\bINDUSTRIAL AND PROVIDENT SOCIETY\b",
    r"\bCO ?OPERATIVE SOCIETY\b",
)
# Words of a name that say co-operative or mutual; police 'Mutual Aid' is not one.
_COOP = _rx(r"\bCO ?OPERATIVES?\b", r"\bCO ?OP\b", r"\bMUTUAL\b(?! AID\b)")
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
    r"SPORTS?|TREATMENT|MUSEUM|HISTORY|CONVALESCENT|WIDOWS|ORPHANS|TRUST|FOUNDATION|"
    r"DEPENDANTS|MEMORIAL)\b"
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
    r"\bMUTUAL AID\b",
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
    return _infer(name, company_number, charity_number)[1:]


def _infer(name, company_number=None, charity_number=None) -> tuple[int, str, str]:
    """``(step, org_type, evidence)``: the step of the module docstring's order that decided."""
    if not is_blank(name) and is_redacted(name):
        return 1, "redacted", "redacted / personal-data payee"
    if not is_blank(charity_number):
        return 2, "charity", f"charity number {str(charity_number).strip()}"
    s = _clean(name) if not is_blank(name) else ""
    forms_then_names = [
        (2, "charity", _CHARITY),
        (3, "cic_social_enterprise", _CIC),
        (4, "cooperative_mutual", _SOCIETY_FORM),
        (5, "company", _COMPANY_FORM),
        (6, "public_body", _PUBLIC_STRONG),
    ]
    for step, org_type, rx in forms_then_names:
        if m := rx.search(s):
            return step, org_type, f"'{_found(m, s)}' in name"
    if (m := _POLICE_FIRE.search(s)) and not _NOT_SERVICE.search(s):
        return 6, "public_body", f"'{_found(m, s)}' in name"
    if (m := _EDUCATION.search(s)) and not _NOT_EDUCATION.search(s):
        return 6, "public_body", f"'{_found(m, s)}' in name"
    if m := _COOP.search(s):
        return 7, "cooperative_mutual", f"'{_found(m, s)}' in name"
    if not is_blank(company_number):
        return 8, "company", f"company number {str(company_number).strip()}"
    if m := _TITLE.search(s):
        return 9, "individual_sole_trader", f"title '{m.group(0).split()[0]}' before a name"
    return 10, UNKNOWN, ""


def infer_org_type_many(names, company_numbers=(), charity_numbers=()) -> tuple[str, str]:
    """One type for a supplier known under several names and numbers.

    Each name is judged on its own (with the supplier's first company and
    charity number); the plainest evidence wins, in the order of the module
    docstring (a legal form before the words of a name), so *Asian Fire Service
    Association* seen once as *... CIC* is a CIC, and *Unity Co-op* seen once as
    *Unity Co-op Ltd* a company.  The evidence names the variant it came from when
    there are several.
    """
    names = [n for n in names if not is_blank(n)]
    cn = next((c for c in company_numbers if not is_blank(c)), None)
    ch = next((c for c in charity_numbers if not is_blank(c)), None)
    best: tuple[int, str, str] | None = None
    for n in names or [None]:
        step, t, ev = _infer(n, cn, ch)
        if len(names) > 1 and t != UNKNOWN and "in name" in ev:
            ev = f"{ev} ({n})"
        if best is None or step < best[0]:
            best = (step, t, ev)
    return best[1:] if best is not None else (UNKNOWN, "")
