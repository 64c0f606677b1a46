"""The "who the suppliers are" section of the anchor and collaborative spend reports (step 10).

Every number comes from :mod:`anchorlib.indicators.who` on the rows the page's other spend figures
count (an anchor's payments to itself left out; for the collaborative, payments between members
too); the registers read and their dates from ``anchor suppliers enrich``
(:func:`anchorlib.assets.register.read_registers_meta`).  A notebook makes one call::

    suppliers_section.show(collab, ledger, anchor="hyndburn", out_root=None)   # or anchor=None

:func:`who_section` returns the tables and sentences without displaying them (for tests).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from anchorlib.assets.register import read_registers_meta
from anchorlib.config.places import UNKNOWN
from anchorlib.core.fmt import as_percent
from anchorlib.core.fmt import share as fmt_share
from anchorlib.indicators.collective import flag_intra_collaborative, flag_self_payments
from anchorlib.indicators.who import who_indicators
from anchorlib.suppliers.sic import SECTIONS

__all__ = ["WhoSection", "who_section", "show"]

_REGISTER_TITLES = {
    "companies_house": "Companies House, Basic Company Data",
    "charity_commission": "Charity Commission for England and Wales, register extract",
}


@dataclass
class WhoSection:
    title: str
    indicators: dict  # anchorlib.indicators.who.who_indicators
    registers: pd.DataFrame  # the registers read, their dates
    shares: pd.DataFrame  # enrichment coverage, SME and VCSE shares with their coverage
    sectors: pd.DataFrame  # spend by SIC section
    legal_forms: pd.DataFrame  # spend by legal form
    local: pd.DataFrame  # NT18 / NT19 style cross-tab
    sentences: list[str]
    simulated: bool
    enriched: bool


def _rows(collab, ledger: pd.DataFrame, anchor: str | None) -> pd.DataFrame:
    own = flag_self_payments(ledger, collab).reindex(ledger.index).fillna(False).astype(bool)
    if anchor is not None:
        return ledger[(ledger["anchor_id"].astype(str) == anchor) & ~own]
    intra = flag_intra_collaborative(ledger, collab).reindex(ledger.index).fillna(False)
    return ledger[~own & ~intra.astype(bool)]


def _pct(v) -> float | None:
    return as_percent(v)  # the table shows it rounded as the sentences do


def who_section(
    collab, ledger: pd.DataFrame, anchor: str | None = None, out_root: Path | None = None
) -> WhoSection:
    """The section's tables and sentences for one anchor (``anchor``) or the collaborative."""
    meta = read_registers_meta(collab, out_root) or {"registers": []}
    regs = meta["registers"]
    settings = collab.spec.indicators
    ind = who_indicators(_rows(collab, ledger, anchor), collab.place, settings)
    simulated = any(r.get("simulated") for r in regs)
    registers = pd.DataFrame(
        [
            {
                "register": _REGISTER_TITLES.get(r["register"], r["register"]),
                "date of the register": r["date"],
                "organisations read": r["rows"],
                "simulated": "yes: synthetic test extract" if r.get("simulated") else "no",
            }
            for r in regs
        ],
        columns=["register", "date of the register", "organisations read", "simulated"],
    )
    shares = pd.DataFrame(
        [
            {
                "measure": "spend with a supplier matched to a register",
                "share (%)": _pct(ind["enrichment_coverage"]),
                "coverage (%)": None,
                "published": "yes",
            },
            *[
                {
                    "measure": f"{label} share of procurement spend where known",
                    "share (%)": _pct(ind[k]["share"]),
                    "coverage (%)": _pct(ind[k]["coverage"]),
                    "published": "yes" if ind[k]["gate"]["passed"] else "no: coverage too low",
                }
                for k, label in (("sme", "SME (proxy: accounts filed)"), ("vcse", "VCSE"))
            ],
        ]
    )
    total = sum(ind["sic_section_spend"].values())
    sectors = pd.DataFrame(
        [
            {
                "SIC 2007 section": k if k == UNKNOWN else f"{k}: {SECTIONS[k][2]}",
                "spend (£)": v,
                "share of all spend (%)": _pct(v / total) if total else None,
            }
            for k, v in ind["sic_section_spend"].items()
        ]
    )
    forms = pd.DataFrame(
        [
            {
                "legal form": k,
                "spend (£)": v,
                "share of all spend (%)": _pct(v / total) if total else None,
            }
            for k, v in ind["legal_form_spend"].items()
        ]
    )
    loc = ind["local"]
    local = pd.DataFrame(
        [
            {
                "supplier tier": t,
                "SME (£)": loc["sme"][t]["yes"],
                "not SME (£)": loc["sme"][t]["no"],
                "SME status unknown (£)": loc["sme"][t][UNKNOWN],
                "VCSE (£)": loc["vcse"][t]["yes"],
                "not VCSE (£)": loc["vcse"][t]["no"],
                "VCSE status unknown (£)": loc["vcse"][t][UNKNOWN],
            }
            for t in loc["sme"]
        ]
    )
    names = {a.id: a.name for a in collab.anchors}
    name = collab.spec.name if anchor is None else names.get(anchor, anchor)
    sentences = _sentences(ind, regs, simulated, name)
    return WhoSection(
        "Who the suppliers are",
        ind,
        registers,
        shares,
        sectors,
        forms,
        local,
        sentences,
        simulated,
        bool(regs),
    )


def _sentences(ind: dict, regs: list[dict], simulated: bool, name: str) -> list[str]:
    if not regs:
        return [
            "The supplier register has not been matched to Companies House or the Charity "
            "Commission yet: run `anchor suppliers enrich` with the registers' downloads to fill "
            "legal forms, SIC sectors, size bands and the SME and VCSE flags."
        ]
    out = []
    if simulated:
        out.append(
            "SIMULATED: the registers read are a synthetic test extract, not the real downloads; "
            "every figure in this section illustrates the method only."
        )
    dated = ", ".join(
        f"{_REGISTER_TITLES.get(r['register'], r['register'])} of {r['date']}" for r in regs
    )
    out.append(
        f"{fmt_share(ind['enrichment_coverage'], 1)} of {name}'s spend is with suppliers "
        f"matched to the public registers ({dated}), by company or charity number or by a name "
        "only one "
        "active organisation has."
    )
    for k, label in (("sme", "SMEs"), ("vcse", "VCSEs")):
        g = ind[k]
        if g["gate"]["passed"]:
            out.append(
                f"{fmt_share(g['share'], 1)} of the procurement spend whose supplier's status is "
                f"known went to {label} (known for {fmt_share(g['coverage'], 1)} of procurement "
                "spend)."
            )
        else:
            out.append(g["gate"]["sentence"])
    loc = ind["local"]
    if loc["local_tiers"]:
        out.append(
            f"Procurement spend with local SMEs (NT18 style): £{loc['local_sme']:,.0f}; with "
            f"local VCSEs (NT19 style): £{loc['local_vcse']:,.0f} (suppliers located in "
            f"{', '.join(loc['local_tiers'])})."
        )
    return out


def show(collab, ledger: pd.DataFrame, anchor: str | None = None, out_root=None) -> WhoSection:
    """Display the section in a report notebook (heading, reading, tables); returns it."""
    from anchorlib.reports import display as report

    s = who_section(collab, ledger, anchor, out_root)
    report.text(
        f"## {s.title}\n\nWhat kind of organisation each supplier is and what it does, from "
        "Companies House and the Charity Commission, matched by number or by a unique active "
        "name (never by a fuzzy name). The SME flag is a proxy from the accounts a company files "
        "(micro and small accounts: SME), so the SME share is a floor."
    )
    report.reading(s.sentences, title="Who the suppliers are: what stands out")
    if not s.enriched:
        return s
    stem = "who" if anchor is None else f"who_{anchor}"
    report.table(s.registers, "The public registers read", name=f"{stem}_registers")
    report.table(
        s.shares,
        "Matched to the registers; SME and VCSE shares",
        name=f"{stem}_shares",
        notes="A share is published only when its coverage reaches the collaborative's "
        "min_type_coverage.",
    )
    report.table(s.sectors, "Spend by SIC 2007 section", name=f"{stem}_sic_sections")
    report.table(s.legal_forms, "Spend by legal form", name=f"{stem}_legal_forms")
    report.table(
        s.local,
        "Spend by supplier tier, SME and VCSE status (NT18 / NT19 style)",
        name=f"{stem}_local_sme_vcse",
        notes="Located by the register's postcode (registered office), weaker than a branch "
        "address; simulated where the postcodes are.",
    )
    return s
