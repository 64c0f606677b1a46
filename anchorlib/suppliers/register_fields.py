"""The register columns a matched supplier gets from Companies House and the Charity Commission.

* ``legal_form``: ``CIO``, ``CIC``, ``registered society``, ``LLP``, ``PLC``, ``overseas``,
  ``limited partnership``, ``charitable company`` (a company that is also a registered charity),
  ``company``, or ``charity`` (a registered charity that is not a company: a trust or association).
* ``company_status`` (Companies House ``CompanyStatus``; for a charity alone, its registration
  status) and ``dissolution_date`` (ISO; a removed charity's removal date).
* ``sic_codes`` and ``sic_divisions`` (``;``-separated, as listed), ``sic_section`` (of the first
  code that is an activity: :mod:`anchorlib.suppliers.sic`).
* ``accounts_band`` from ``Accounts.AccountCategory``, a filing type and so a *proxy* for size:
  ``micro`` (MICRO ENTITY), ``small`` (SMALL, TOTAL EXEMPTION SMALL/FULL, AUDITED/UNAUDITED
  ABRIDGED), ``medium-or-large`` (MEDIUM, FULL, GROUP: medium companies, which are SMEs, file full
  accounts too), ``unknown`` (dormant, subsidiary exemptions, none filed, not available).
* ``charity_income_band`` from ``latest_income`` (the Commission's reporting bands).
* ``sme_flag``: ``yes`` for micro and small, ``no`` for medium-or-large (so an SME share from it is
  a floor), empty when unknown.  ``vcse_flag``: ``yes`` for a registered charity, CIO, charitable
  company, CIC or registered society (co-operatives and community benefit societies, which
  Companies House does not tell apart), ``no`` for any other matched organisation.
* ``org_type`` from the legal form, ``postcode`` from the registered office (source ``registered
  office``) or, for a charity alone, its contact address (``charity contact address``).
"""

from __future__ import annotations

import re

import pandas as pd

from anchorlib.suppliers.registers import RegisterData
from anchorlib.suppliers.schema import REGISTER_FIELDS, REGISTER_FILLED_EDITABLE, postcode_format
from anchorlib.suppliers.sic import parse_sic, sic_division, sic_section

__all__ = [
    "FIELD_SOURCE",
    "VCSE_FORMS",
    "accounts_band",
    "charity_income_band",
    "derive_fields",
    "legal_form",
]

#: The key of each field's source in a derived row.
FIELD_SOURCE = {f: f"{f}_source" for f in REGISTER_FIELDS + REGISTER_FILLED_EDITABLE}
#: Legal forms of the voluntary, community and social enterprise sector.
VCSE_FORMS = ("charity", "CIO", "charitable company", "CIC", "registered society")
_ORG_TYPE = {
    "charity": "charity",
    "CIO": "charity",
    "charitable company": "charity",
    "CIC": "cic_social_enterprise",
    "registered society": "cooperative_mutual",
}
_ACCOUNTS = {
    "MICRO ENTITY": "micro",
    "SMALL": "small",
    "TOTAL EXEMPTION SMALL": "small",
    "TOTAL EXEMPTION FULL": "small",
    "UNAUDITED ABRIDGED": "small",
    "AUDITED ABRIDGED": "small",
    "MEDIUM": "medium-or-large",
    "FULL": "medium-or-large",
    "GROUP": "medium-or-large",
}
_UK = {"", "UNITED KINGDOM", "UK", "ENGLAND", "WALES", "SCOTLAND", "NORTHERN IRELAND", "GB"}


def accounts_band(category) -> str:
    """``micro`` / ``small`` / ``medium-or-large`` / ``unknown`` from a Companies House accounts
    category (a filing type: a proxy for size, not a measure of it)."""
    return _ACCOUNTS.get(str(category or "").strip().upper(), "unknown")


def charity_income_band(income) -> str | None:
    """The Charity Commission income band of ``latest_income`` (pounds); None when not given."""
    try:
        v = float(str(income).replace(",", "").replace("£", ""))
    except (TypeError, ValueError):
        return None
    if v != v:  # NaN
        return None
    for top, band in (
        (10_000, "under £10k"),
        (100_000, "£10k to £100k"),
        (500_000, "£100k to £500k"),
        (5_000_000, "£500k to £5m"),
    ):
        if v < top:
            return band
    return "£5m and over"


def legal_form(ch: dict | None, cc: dict | None) -> str | None:
    """The legal form of an organisation from its Companies House row and/or charity row."""
    cat = str((ch or {}).get("category") or "").lower()
    num = str((ch or {}).get("number") or "")
    charity = cc is not None and str(cc.get("status") or "").lower() == "registered"
    if (cc is not None and str(cc.get("is_cio")).lower() == "true") or (
        "charitable incorporated" in cat or num[:2] in ("CE", "CS")
    ):
        return "CIO"
    if ch is None:
        return "charity" if cc is not None else None
    if "community interest" in cat:
        return "CIC"
    if (
        "registered society" in cat
        or "industrial and provident" in cat
        or num[:2]
        in (
            "IP",
            "SP",
            "NP",
            "RS",
        )
    ):
        return "registered society"
    if "limited liability partnership" in cat or num[:2] in ("OC", "SO", "NC"):
        return "LLP"
    if "public limited" in cat:
        return "PLC"
    origin = str(ch.get("country_of_origin") or "").strip().upper()
    if "overseas" in cat or num[:2] in ("FC", "SF", "NF") or origin not in _UK:
        return "overseas"
    if "limited partnership" in cat:
        return "limited partnership"
    return "charitable company" if charity else "company"


def _iso(date) -> str | None:
    t = str(date or "").strip()
    if m := re.match(r"^(\d\d)/(\d\d)/(\d{4})$", t):
        return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"
    return t[:10] if re.match(r"^\d{4}-\d\d-\d\d", t) else None


def derive_fields(
    matched: dict[str, dict], ch: RegisterData | None, cc: RegisterData | None
) -> dict[str, dict]:
    """For each matched supplier: its match columns, every register field and each field's
    source."""
    postcodes = {
        str(r[k]["postcode"])
        for r in matched.values()
        for k in ("ch", "cc")
        if r[k] is not None and r[k].get("postcode")
    }
    fmt = {}
    if postcodes:
        s = pd.Series(sorted(postcodes), dtype=object)
        f = postcode_format(s)
        fmt = {p: pc for p, pc, ok in zip(s, f["pcds"], f["valid"]) if ok}
    return {sid: _derive(m, ch, cc, fmt) for sid, m in matched.items()}


def _derive(m: dict, ch: RegisterData | None, cc: RegisterData | None, fmt: dict) -> dict:
    c, h = m["ch"], m["cc"]
    chs = ch.source if (ch is not None and c is not None) else None
    ccs = cc.source if (cc is not None and h is not None) else None
    both = " + ".join(s for s in (chs, ccs) if s)
    d = {k: v for k, v in m.items() if k not in ("ch", "cc")}
    form = legal_form(c, h)

    def put(field, value, source):
        d[field], d[FIELD_SOURCE[field]] = (value, source) if value is not None else (None, None)

    put("legal_form", form, both)
    put("org_type", _ORG_TYPE.get(form, "company") if form else None, both)
    d["org_type_evidence"] = f"{form} in the register ({m['register_matched_number']})"
    put("vcse_flag", None if form is None else ("yes" if form in VCSE_FORMS else "no"), both)
    if c is not None:
        put("company_status", c.get("status"), chs)
        put("dissolution_date", _iso(c.get("dissolution_date")), chs)
        codes = [x for x in (parse_sic(c.get(f"sic_{i}")) for i in range(1, 5)) if x]
        put("sic_codes", "; ".join(codes) or None, chs)
        divs = [x for x in map(sic_division, codes) if x]
        put("sic_divisions", "; ".join(divs) or None, chs)
        put("sic_section", next((x for x in map(sic_section, codes) if x), None), chs)
        band = accounts_band(c.get("accounts_category"))
        put("accounts_band", band, chs)
        put("size_band", band if band != "unknown" else None, chs)
        put("sme_flag", {"micro": "yes", "small": "yes", "medium-or-large": "no"}.get(band), chs)
        ro = fmt.get(str(c.get("postcode") or ""))
        put("registered_office_postcode", ro, chs)
        # a synthetic extract's postcodes are the demo's simulated ones: they stay labelled so
        put("postcode", ro, "simulated" if ch.simulated else "registered office")
    elif h is not None:
        put("company_status", h.get("status"), ccs)
        put("dissolution_date", _iso(h.get("removal_date")), ccs)
        pc_src = "simulated" if cc.simulated else "charity contact address"
        put("postcode", fmt.get(str(h.get("postcode") or "")), pc_src)
    if h is not None:
        put("charity_income_band", charity_income_band(h.get("income")), ccs)
    return d
