"""Write the committed test extract of the public registers: tests/data/registers/.

    python tests/support/make_register_extract.py [--register outputs/lancashire/data/suppliers.csv]

SYNTHETIC.  Every row is made up: no row is copied from, or cited to, a real register entry.  The
names are the demo's payees as the ledgers publish them (so that the demo has something to match);
numbers, legal forms, SIC codes, accounts categories, incomes and dates are drawn deterministically
from each name's hash; registered-office postcodes are the demo's own simulated postcodes of the
supplier (the demo's geography stays simulated, and is labelled so).  The layouts are exactly the
published ones (../shared/docs/registers.md): Companies House Basic Company Data, 55 columns, every
field double-quoted, some headers with a leading space; the Charity Commission's
publicextract.charity.txt, 34 tab-separated columns.  Each file starts with a '#' comment saying it
is synthetic, which anchorlib reads as "simulated" (real files never start with '#').

The awkward cases are deliberate: leading-space headers; SC, NI and OC numbers; a dissolved company;
a renamed company (the ledger pays it under its previous name); two active companies with the same
name; a charitable company in both registers (its company number stored unpadded by the charity
register); a CIO; a registered society; linked charities; a removed charity.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from anchorlib.ledgers.parse import normalise_supplier_name  # noqa: E402
from anchorlib.suppliers.registers import CC_COLUMNS, CH_COLUMNS  # noqa: E402

OUT = ROOT / "tests" / "data" / "registers"
CH_FILE = "BasicCompanyDataAsOneFile-2026-11-01.csv"
CC_FILE = "publicextract.charity.txt"
CH_DATE, CC_DATE = "2026-11-01", "2026-11-20"
#: Headers written with a leading space, as some of the published file's are.
LEADING_SPACE = {
    "CompanyNumber",
    "RegAddress.CareOf",
    "RegAddress.POBox",
    "RegAddress.AddressLine1",
    " RegAddress.AddressLine2".strip(),
}
COMMENT_CH = (
    "# SYNTHETIC test extract in the Companies House Basic Company Data layout (55 columns). Not "
    "real register entries: made up by tests/support/make_register_extract.py for anchorlib's demo "
    "and tests; every figure it drives is simulated."
)
COMMENT_CC = COMMENT_CH.replace(
    "Companies House Basic Company Data layout (55 columns)",
    "Charity Commission publicextract.charity layout (34 columns)",
)
VCSE_WORDS = (
    "SUPPORT",
    "TRUST",
    "CHARITY",
    "MIND",
    "HOSPICE",
    "FOUNDATION",
    "AGE UK",
    "CITIZENS ADVICE",
    "YMCA",
    "ASSOCIATION",
    "COMMUNITY",
    "VOLUNTARY",
    "CARERS",
    "WOMENS AID",
    "ACTION",
    "YOUTH",
    "CHURCH",
    "SCOUT",
    "SAMARITANS",
    "SHELTER",
    "LEISURE",
    "ARTS",
)
SIC_BY_WORD = {
    "CONSTRUCTION": "41201 - Construction of commercial buildings",
    "BUILD": "41202 - Construction of domestic buildings",
    "ENERGY": "35140 - Trade of electricity",
    "POWER": "35140 - Trade of electricity",
    "GAS": "35230 - Trade of gas through mains",
    "SOFTWARE": "62012 - Business and domestic software development",
    "TECHNOLOG": "62020 - Information technology consultancy activities",
    "IT ": "62020 - Information technology consultancy activities",
    "RECRUIT": "78109 - Other activities of employment placement agencies",
    "INSURANCE": "65120 - Non-life insurance",
    "MEDICAL": "86900 - Other human health activities",
    "CARE": "87900 - Other residential care activities",
    "FUEL": "47300 - Retail sale of automotive fuel in specialised stores",
    "MOTOR": "45111 - Sale of new cars and light motor vehicles",
    "CLEAN": "81210 - General cleaning of buildings",
    "LEISURE": "93110 - Operation of sports facilities",
    "SUPPORT": "88990 - Other social work activities without accommodation n.e.c.",
    "LLP": "69102 - Solicitors",
    "TRAVEL": "79110 - Travel agency activities",
    "PRINT": "18129 - Printing n.e.c.",
    "WASTE": "38110 - Collection of non-hazardous waste",
    "FOOD": "56290 - Other food services",
    "SECURITY": "80100 - Private security activities",
}
OTHER_SIC = [
    "70229 - Management consultancy activities other than financial management",
    "82990 - Other business support service activities n.e.c.",
    "46900 - Non-specialised wholesale trade",
    "43210 - Electrical installation",
    "49410 - Freight transport by road",
    "71129 - Other engineering activities",
    "33190 - Repair of other equipment",
    "85590 - Other education n.e.c.",
]
ACCOUNTS = [
    "MICRO ENTITY",
    "TOTAL EXEMPTION FULL",
    "SMALL",
    "UNAUDITED ABRIDGED",
    "FULL",
    "FULL",
    "GROUP",
    "MEDIUM",
    "DORMANT",
    "NO ACCOUNTS FILED",
]
CHARITY_WORDS = (
    "CARERS CENTRE",
    "FOOD BANK",
    "MENTAL HEALTH ACTION",
    "SCOUT GROUP",
    "VILLAGE HALL",
    "WILDLIFE GROUP",
    "CREDIT UNION FRIENDS",
    "HOSPICE SUPPORTERS",
    "YOUTH CLUB",
    "MUSIC SOCIETY",
    "ALMSHOUSES",
    "PARISH CHURCH FABRIC FUND",
)
FILLER_WORDS = [
    ("PENNINE", "RIBBLE", "BOWLAND", "WYRE", "LUNE", "DARWEN", "CALDER", "HODDER", "FYLDE"),
    ("ROOFING", "JOINERY", "PLUMBING", "CATERING", "SIGNS", "GROUNDWORKS", "TRAINING", "LOGISTICS"),
]


def _h(text: str, n: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) % n


def _date(text: str, start_year: int, span: int) -> str:
    return (
        f"{1 + _h(text + 'd', 28):02d}/{1 + _h(text + 'm', 12):02d}/{start_year + _h(text, span)}"
    )


def _number(name: str, prefix: str = "") -> str:
    digits = 8 - len(prefix)
    return prefix + str(1 + _h(name + "n", 10**digits - 1)).zfill(digits)


def _sic(name: str) -> list[str]:
    up = f" {name.upper()} "
    first = next(
        (v for k, v in SIC_BY_WORD.items() if k in up), OTHER_SIC[_h(name, len(OTHER_SIC))]
    )
    codes = [first]
    if _h(name + "s2", 4) == 0:
        codes.append(OTHER_SIC[_h(name + "s", len(OTHER_SIC))])
    return codes


def ch_row(name, number, category, status="Active", postcode="", accounts="", **kw) -> dict:
    row = dict.fromkeys(CH_COLUMNS, "")
    street = ["HIGH", "CHURCH", "MILL", "VICTORIA"][_h(name, 4)]
    town = ["PRESTON", "BLACKBURN", "BURNLEY", "LANCASTER", "MANCHESTER", "LEEDS", "LONDON"]
    row.update(
        {
            "CompanyName": name,
            "CompanyNumber": number,
            "RegAddress.AddressLine1": f"{1 + _h(name, 200)} {street} STREET",
            "RegAddress.PostTown": town[_h(name + "t", len(town))],
            "RegAddress.Country": "ENGLAND",
            "RegAddress.PostCode": postcode,
            "CompanyCategory": category,
            "CompanyStatus": status,
            "CountryOfOrigin": "United Kingdom",
            "IncorporationDate": _date(name, 1975, 48),
            "Accounts.AccountRefDay": "31",
            "Accounts.AccountRefMonth": "3",
            "Accounts.NextDueDate": "31/12/2026",
            "Accounts.LastMadeUpDate": "31/03/2025",
            "Accounts.AccountCategory": accounts or ACCOUNTS[_h(name + "a", len(ACCOUNTS))],
            "Returns.NextDueDate": "",
            "Mortgages.NumMortCharges": str(_h(name + "c", 4)),
            "Mortgages.NumMortOutstanding": str(_h(name + "o", 2)),
            "Mortgages.NumMortPartSatisfied": "0",
            "Mortgages.NumMortSatisfied": "0",
            "LimitedPartnerships.NumGenPartners": "0",
            "LimitedPartnerships.NumLimPartners": "0",
            "URI": f"http://business.data.gov.uk/id/company/{number}",
            "ConfStmtNextDueDate": "14/06/2027",
            "ConfStmtLastMadeUpDate": "31/05/2026",
        }
    )
    codes = kw.pop("sic", None) or _sic(name)
    for i in range(1, 5):
        row[f"SICCode.SicText_{i}"] = codes[i - 1] if i <= len(codes) else ""
    if not codes:
        row["SICCode.SicText_1"] = "None Supplied"
    row.update(kw)
    return row


def cc_row(
    name, number, company="", cio=False, status="Registered", postcode="", linked="0", **kw
) -> dict:
    row = dict.fromkeys(CC_COLUMNS, "")
    income = [4_200, 38_500, 212_000, 1_350_000, 7_800_000][_h(name + "i", 5)]
    row.update(
        {
            "date_of_extract": CC_DATE,
            "organisation_number": str(4_000_000 + _h(name + "org" + linked, 999_999)),
            "registered_charity_number": number,
            "linked_charity_number": linked,
            "charity_name": name,
            "charity_type": "Charitable company" if company else ("CIO" if cio else "Trust"),
            "charity_registration_status": status,
            "date_of_registration": f"{1965 + _h(name, 58)}-0{1 + _h(name + 'rm', 9)}-15",
            "date_of_removal": "2024-07-31" if status == "Removed" else "",
            "charity_reporting_status": "Submission Received",
            "latest_acc_fin_period_start_date": "2024-04-01",
            "latest_acc_fin_period_end_date": "2025-03-31",
            "latest_income": f"{income:.2f}",
            "latest_expenditure": f"{income * 0.97:.2f}",
            "charity_contact_address1": f"{1 + _h(name, 90)} Park Road",
            "charity_contact_postcode": postcode,
            "charity_company_registration_number": company,
            "charity_insolvent": "False",
            "charity_in_administration": "False",
            "charity_previously_excepted": "False",
            "charity_is_cdf_or_cif": "",
            "charity_is_cio": "True" if cio else "False",
            "cio_is_dissolved": "False" if cio else "",
            "charity_activities": "The charity provides support and services in Lancashire.",
            "charity_gift_aid": "True",
            "charity_has_land": "False",
        }
    )
    row.update(kw)
    return row


def _company_name(name: str) -> str:
    """The register's spelling of a ledger name: upper case, 'LIMITED' where the ledger wrote
    'Ltd' or nothing."""
    up = " ".join(name.upper().split())
    words = up.split()
    if words[-1] in ("LTD", "LTD."):
        words[-1] = "LIMITED"
    elif words[-1] not in ("LIMITED", "PLC", "LLP", "CIC"):
        words.append("LIMITED")
    return " ".join(words)


def build(register_csv: Path) -> tuple[list[dict], list[dict], list[str]]:
    with open(register_csv, encoding="utf-8-sig", newline="") as fh:
        reg = list(csv.DictReader(fh))
    pool = [
        r
        for r in reg
        if r["is_redacted"] == "False"
        and r["org_type"] not in ("public_body", "individual_sole_trader")
        and len(normalise_supplier_name(r["canonical_name"])) >= 4
        and "[" not in r["canonical_name"]
    ]
    pool.sort(key=lambda r: -float(r["total_spend"] or 0))
    pool = pool[:260]
    ch, cc, notes = [], [], []
    special = {}
    for i, r in enumerate(pool):
        name, pc = r["canonical_name"], r["postcode"]
        key = normalise_supplier_name(name)
        up = f" {key} "
        if i == 3:  # two active companies with the same name
            special["same_name"] = name
            ch.append(
                ch_row(_company_name(name), _number(name), "Private Limited Company", postcode=pc)
            )
            ch.append(
                ch_row(
                    _company_name(name),
                    _number(name + "2"),
                    "Private Limited Company",
                    postcode="SW1A 1AA",
                )
            )
            continue
        if i == 5:  # renamed: the ledger pays the previous name
            special["renamed"] = name
            ch.append(
                ch_row(
                    "NEWNAME " + _company_name(name),
                    _number(name),
                    "Private Limited Company",
                    postcode=pc,
                    **{
                        "PreviousName_1.CONDATE": "14/03/2023",
                        "PreviousName_1.CompanyName": _company_name(name),
                    },
                )
            )
            continue
        if i == 7:  # dissolved: not an active organisation, so its name is not matched
            special["dissolved"] = name
            ch.append(
                ch_row(
                    _company_name(name),
                    _number(name),
                    "Private Limited Company",
                    status="Dissolved",
                    postcode=pc,
                    DissolutionDate="02/09/2025",
                )
            )
            continue
        if " CIC " in f" {name.upper()} ":
            ch.append(
                ch_row(
                    _company_name(name),
                    _number(name),
                    "Community Interest Company",
                    postcode=pc,
                    accounts="MICRO ENTITY",
                )
            )
        elif "CO OP" in up or "COOPERATIVE" in up.replace(" ", "") or "MUTUAL" in up:
            ch.append(
                ch_row(
                    _company_name(name).replace(" LIMITED", "") + " LIMITED",
                    _number(name, "IP"),
                    "Registered Society",
                    postcode=pc,
                )
            )
        elif any(f" {w} " in up for w in VCSE_WORDS):
            charity_no = str(500_000 + _h(name + "ch", 700_000))
            if _h(name + "cio", 3) == 0:
                cc.append(cc_row(name.upper(), charity_no, cio=True, postcode=pc))
            else:
                number = _number(name)
                ch.append(
                    ch_row(
                        _company_name(name),
                        number,
                        "PRI/LTD BY GUAR/NSC (Private, limited by guarantee, no share capital)",
                        postcode=pc,
                        accounts="SMALL",
                    )
                )
                cc.append(cc_row(name.upper(), charity_no, company=number.lstrip("0"), postcode=pc))
                if _h(name + "link", 3) == 0:  # a linked subsidiary charity
                    cc.append(
                        cc_row(name.upper() + " TRADING", charity_no, linked="1", postcode=pc)
                    )
        elif " LLP " in up or name.upper().endswith(" LLP"):
            ch.append(
                ch_row(
                    name.upper(), _number(name, "OC"), "Limited Liability Partnership", postcode=pc
                )
            )
        elif name.upper().endswith(" PLC"):
            ch.append(
                ch_row(
                    name.upper(),
                    _number(name),
                    "Public Limited Company",
                    postcode=pc,
                    accounts="GROUP",
                )
            )
        else:
            prefix = {0: "SC", 1: "NI"}.get(_h(name + "p", 20), "")
            accounts = "FULL" if i < 40 and _h(name, 3) else ""
            ch.append(
                ch_row(
                    _company_name(name),
                    _number(name, prefix),
                    "Private Limited Company",
                    postcode=pc,
                    accounts=accounts,
                )
            )
    # filler: organisations the demo does not pay
    for a in FILLER_WORDS[0]:
        for b in FILLER_WORDS[1]:
            nm = f"{a} {b} LIMITED"
            ch.append(ch_row(nm, _number(nm), "Private Limited Company", postcode="PR1 2HE"))
    for a in FILLER_WORDS[0]:
        nm = f"{a} COMMUNITY TRUST"
        cc.append(cc_row(nm, str(1_100_000 + _h(nm, 99_999)), postcode="BB1 7DB"))
        for b in CHARITY_WORDS:  # charities the demo does not pay
            nm = f"{a} {b}"
            cc.append(cc_row(nm, str(1_000_000 + _h(nm, 199_999)), postcode="PR1 2HE"))
    for a in FILLER_WORDS[0][:4]:
        nm = f"{a} HOUSING CO-OPERATIVE LIMITED"  # a registered society
        ch.append(ch_row(nm, _number(nm, "IP"), "Registered Society", postcode="BB5 1AB"))
        nm = f"{a} COMMUNITY ENTERPRISES CIC"
        ch.append(ch_row(nm, _number(nm), "Community Interest Company", postcode="BB5 1AB"))
        nm = f"{a} YOUTH PROJECT"  # a CIO
        cc.append(cc_row(nm, str(1_150_000 + _h(nm, 99_999)), cio=True, postcode="PR1 2HE"))
    for a in FILLER_WORDS[0][4:]:
        nm = f"{a} SCOTTISH SERVICES LIMITED"
        ch.append(ch_row(nm, _number(nm, "SC"), "Private Limited Company", postcode="G1 1AA"))
        nm = f"{a} ULSTER SERVICES LIMITED"
        ch.append(ch_row(nm, _number(nm, "NI"), "Private Limited Company", postcode="BT1 1AA"))
    cc.append(
        cc_row("RIBBLE VALLEY HERITAGE SOCIETY", "1012345", status="Removed", postcode="BB7 2AA")
    )
    ch.append(
        ch_row(
            "LUNE OVERSEAS TRADING SA",
            "FC012345",
            "Other company type",
            CountryOfOrigin="France",
            postcode="",
        )
    )
    notes = [f"{k}: {v}" for k, v in special.items()]
    return ch, cc, notes


def write(ch: list[dict], cc: list[dict], out: Path = OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    buf.write(COMMENT_CH + "\n")
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow([f" {c}" if c in LEADING_SPACE else c for c in CH_COLUMNS])
    for r in ch:
        w.writerow([r[c] for c in CH_COLUMNS])
    (out / CH_FILE).write_text(buf.getvalue(), encoding="utf-8")
    lines = [COMMENT_CC, "\t".join(CC_COLUMNS)]
    lines += ["\t".join(r[c] for c in CC_COLUMNS) for r in cc]
    (out / CC_FILE).write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--register", type=Path, default=ROOT / "outputs" / "lancashire" / "data" / "suppliers.csv"
    )
    args = ap.parse_args()
    ch, cc, notes = build(args.register)
    write(ch, cc)
    print(f"{len(ch)} Companies House rows, {len(cc)} charity rows -> {OUT}")
    for n in notes:
        print(n)


if __name__ == "__main__":
    main()
