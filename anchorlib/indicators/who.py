"""Who the suppliers are: spend by what the public registers say of them (step 10).

Every function takes a located ledger (:mod:`anchorlib.indicators.spend`'s module docstring) whose
register columns come from ``anchor suppliers enrich`` (:mod:`anchorlib.suppliers.enrich`):
``sic_section``, ``legal_form``, ``sme_flag``, ``vcse_flag``, ``register_match_method``.  Spend is
counted as every spend figure counts it (:func:`anchorlib.indicators.netting.counted_rows`: each
payment once, signed pence, receipts and transfers left out), so spend by SIC section and by legal
form add up to the spend total.  The SME and VCSE shares and the local cross-tabs are of
**procurement spend** (:mod:`anchorlib.indicators.procurement`: all spend less redacted payees,
HMRC, pension funds, precepts and levies, public bodies and grants to individuals), the basis of
the step 7 headline.  Missing columns count as unknown.

* :func:`enrichment_coverage`: share of spend with a supplier matched to a register.
* :func:`sic_section_spend`, :func:`legal_form_spend`: £ by SIC 2007 section / legal form.
* :func:`sme_share`, :func:`vcse_share`: share of the procurement spend whose size / VCSE status
  is known that goes to SMEs / VCSEs, *published only* when that known part covers
  ``indicators.min_type_coverage`` of procurement spend
  (:func:`anchorlib.indicators.gates.type_gate`); the coverage is always given.
* :func:`local_crosstab`: NT18 / NT19 style, spend by tier x SME (or VCSE) status, and the local
  (place tier and inside) SME and VCSE spend.

Status of a row's supplier: the register's flag (``sme_flag``, ``vcse_flag``) where matched;
else a person's ``org_type`` (``org_type_source == 'human'``: VCSE when a charity, social
enterprise or co-operative); else a public body is known to be neither an SME nor a VCSE; else
unknown.  The SME flag is a proxy from the accounts filed (micro and small: SME; full accounts:
not), so the SME share is a floor (medium-sized SMEs file full accounts too).
Source: National TOMs (Social Value Portal) NT18, NT19; CLES spend analysis by business type.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from anchorlib.config.places import UNKNOWN, Place
from anchorlib.indicators.gates import type_gate
from anchorlib.indicators.netting import counted_rows
from anchorlib.indicators.procurement import procurement_rule
from anchorlib.indicators.rows import PENCE, pence_total, pounds, share, text_column
from anchorlib.indicators.tiers import local_tiers

__all__ = [
    "enrichment_coverage",
    "legal_form_spend",
    "local_crosstab",
    "sic_section_spend",
    "sme_share",
    "supplier_status",
    "vcse_share",
    "who_indicators",
]

_VCSE_TYPES = ("charity", "cic_social_enterprise", "cooperative_mutual")
_NOT_MATCHED = "not matched"


def _rows(ledger: pd.DataFrame, place: Place | None = None) -> pd.DataFrame:
    return counted_rows(ledger, place)


def _procurement(ledger: pd.DataFrame, place: Place | None = None) -> pd.DataFrame:
    rows = counted_rows(ledger, place)
    return rows[procurement_rule(rows).isna()]


def _by(rows: pd.DataFrame, labels: pd.Series) -> dict[str, float]:
    got = rows[PENCE].groupby(labels).sum()
    got = got.iloc[np.lexsort((got.index.to_numpy(dtype=str), -got.to_numpy()))]
    return {str(k): pounds(int(v)) for k, v in got.items()}


def enrichment_coverage(ledger: pd.DataFrame) -> float | None:
    """Share of spend with a supplier matched to Companies House or the Charity Commission
    (``register_match_method`` set); redacted payees are never matched.  None with no spend."""
    rows = _rows(ledger)
    matched = text_column(rows, "register_match_method").notna() & ~rows["_redacted"]
    return share(pence_total(rows, matched), pence_total(rows))


def sic_section_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by the supplier's SIC 2007 section (A-U, of its first SIC code), £, largest first;
    ``unknown`` for suppliers with none (not matched, charities, dormant codes).  Sums to the
    total."""
    rows = _rows(ledger)
    sec = text_column(rows, "sic_section")
    return _by(rows, sec.where(sec.notna() & ~rows["_redacted"], UNKNOWN))


def legal_form_spend(ledger: pd.DataFrame) -> dict[str, float]:
    """Spend by the supplier's legal form in the registers (company, PLC, LLP, CIC, CIO,
    charitable company, charity, registered society, overseas...), £, largest first; ``not
    matched`` for the rest.  Sums to the total."""
    rows = _rows(ledger)
    form = text_column(rows, "legal_form")
    return _by(rows, form.where(form.notna() & ~rows["_redacted"], _NOT_MATCHED))


def supplier_status(rows: pd.DataFrame, which: str) -> pd.Series:
    """``'yes'`` / ``'no'`` / ``'unknown'`` per row: is the supplier an SME (``which='sme'``) or a
    VCSE (``'vcse'``)?  (Module docstring: flag, then a person's org_type, then public body.)"""
    flag = text_column(rows, f"{which}_flag").str.strip().str.lower()
    org = text_column(rows, "org_type")
    human = text_column(rows, "org_type_source").str.strip().str.lower() == "human"
    out = pd.Series(UNKNOWN, index=rows.index, dtype=object)
    out[org == "public_body"] = "no"
    if which == "vcse":
        out[human & org.notna()] = np.where(org[human & org.notna()].isin(_VCSE_TYPES), "yes", "no")
    out[flag.isin(["yes", "no"])] = flag[flag.isin(["yes", "no"])]
    out[rows["_redacted"].astype(bool)] = UNKNOWN
    return out


def _gated_share(ledger: pd.DataFrame, which: str, threshold: float, what: str) -> dict:
    rows = _procurement(ledger)
    status = supplier_status(rows, which)
    total = pence_total(rows)
    known = pence_total(rows, status != UNKNOWN)
    yes = pence_total(rows, status == "yes")
    coverage = share(known, total) if total > 0 else None
    gate = type_gate(coverage, threshold, what)
    return {
        "share": share(yes, known) if gate["passed"] else None,
        "coverage": coverage,
        "spend": pounds(yes),
        "known_spend": pounds(known),
        "gate": gate,
    }


def sme_share(ledger: pd.DataFrame, threshold: float = 0.8) -> dict:
    """SME share of procurement spend: procurement spend with SMEs / procurement spend whose
    supplier's SME status is known; ``share`` is None (withheld) unless the known part covers
    ``threshold`` of procurement spend (``coverage``, always given; ``gate`` says why).  A floor:
    the flag is a proxy from the accounts filed."""
    return _gated_share(ledger, "sme", threshold, "SME share")


def vcse_share(ledger: pd.DataFrame, threshold: float = 0.8) -> dict:
    """VCSE share of procurement spend: procurement spend with charities, CIOs, charitable
    companies, CICs and registered societies / procurement spend whose supplier's VCSE status is
    known; withheld below ``threshold`` coverage, as :func:`sme_share`."""
    return _gated_share(ledger, "vcse", threshold, "VCSE share")


def local_crosstab(ledger: pd.DataFrame, place: Place) -> dict:
    """NT18 / NT19 style: procurement spend (£) by the supplier's tier x SME status and tier x VCSE
    status
    (``{'sme': {tier: {'yes', 'no', 'unknown'}}, 'vcse': {...}}``), and ``local_sme`` /
    ``local_vcse``: spend with SMEs / VCSEs located in the local tiers (the place tier and those
    inside it).  ``local_tiers`` names them.  Located by the register's postcode, so simulated where
    the postcodes are."""
    rows = _procurement(ledger, place)
    local = local_tiers(place)
    out: dict = {"local_tiers": local}
    for which in ("sme", "vcse"):
        status = supplier_status(rows, which)
        tab = {}
        for tier in list(place.tier_names) + [UNKNOWN]:
            in_tier = rows["_tier"] == tier
            if tier not in place.tier_names and not in_tier.any():
                continue
            tab[tier] = {
                s: pounds(pence_total(rows, in_tier & (status == s)))
                for s in ("yes", "no", UNKNOWN)
            }
        out[which] = tab
        out[f"local_{which}"] = pounds(
            pence_total(rows, rows["_tier"].isin(local) & (status == "yes"))
        )
    return out


def who_indicators(ledger: pd.DataFrame, place: Place, settings=None) -> dict:
    """Every "who the suppliers are" figure for one set of rows, JSON-able (the ``who`` key of
    ``anchor indicators --json``)."""
    threshold = getattr(settings, "min_type_coverage", 0.8) if settings is not None else 0.8
    return {
        "basis": "spend by section and legal form: all spend; SME, VCSE and local: procurement "
        "spend",
        "procurement_total": pounds(pence_total(_procurement(ledger))),
        "enrichment_coverage": enrichment_coverage(ledger),
        "sic_section_spend": sic_section_spend(ledger),
        "legal_form_spend": legal_form_spend(ledger),
        "sme": sme_share(ledger, threshold),
        "vcse": vcse_share(ledger, threshold),
        "local": local_crosstab(ledger, place),
    }
