"""Step 10: reading Companies House and the Charity Commission as published, matching suppliers to
them, and filling the register (anchorlib.suppliers.registers / register_match / register_fields /
enrich).  The committed extract tests/data/registers/ is synthetic (tests/support/
make_register_extract.py); the cases are found in it by their properties, not by made-up numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from anchorlib.suppliers.enrich import enrich_register
from anchorlib.suppliers.register_fields import accounts_band, charity_income_band, legal_form
from anchorlib.suppliers.register_match import postcode_district
from anchorlib.suppliers.registers import (
    CH_COLUMNS,
    RegisterFileError,
    arrow_company_numbers,
    arrow_name_keys,
    read_charities,
    read_companies_house,
)
from anchorlib.suppliers.schema import register_columns
from anchorlib.suppliers.sic import parse_sic, sic_division, sic_section

DATA = Path(__file__).parent / "data" / "registers"
CH = DATA / "BasicCompanyDataAsOneFile-2026-11-01.csv"
CC = DATA / "publicextract.charity.txt"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ANCHOR_CACHE_DIR", str(tmp_path / "cache"))


def _ch_rows() -> tuple[list[str], list[dict]]:
    lines = CH.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# SYNTHETIC")
    rows = list(csv.reader(lines[1:]))
    header = [h.strip() for h in rows[0]]
    return rows[0], [dict(zip(header, r)) for r in rows[1:]]


def _cc_rows() -> list[dict]:
    lines = CC.read_text(encoding="utf-8-sig").splitlines()
    header = lines[1].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[2:]]


def _write_ch(path: Path, raw_header: list[str], rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(raw_header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the extract


def test_extract_is_the_published_layout_with_the_awkward_cases():
    raw, rows = _ch_rows()
    assert len(raw) == 55 and [h.strip() for h in raw] == CH_COLUMNS
    assert any(h.startswith(" ") for h in raw)  # leading-space headers, as published
    assert 200 <= len(rows) <= 1000
    prefixes = {r["CompanyNumber"][:2] for r in rows}
    assert {"SC", "NI", "OC", "IP"} <= prefixes
    assert any(r["CompanyStatus"] == "Dissolved" and r["DissolutionDate"] for r in rows)
    assert any(r["PreviousName_1.CompanyName"] for r in rows)
    active = [r["CompanyName"] for r in rows if r["CompanyStatus"] == "Active"]
    assert len(active) > len(set(active))  # two active companies with one name
    cc = _cc_rows()
    assert all(len(r) == 34 for r in cc)
    ch_numbers = {r["CompanyNumber"] for r in rows}
    both = [r for r in cc if r["charity_company_registration_number"]]
    assert both and all(
        r["charity_company_registration_number"].zfill(8) in ch_numbers for r in both
    )
    assert any(len(r["charity_company_registration_number"]) < 8 for r in both)  # unpadded
    assert any(r["charity_is_cio"] == "True" for r in cc)


def test_read_companies_house_caches_by_sha256():
    first = read_companies_house([CH], progress=False)
    assert (first.register, first.date, first.simulated) == ("companies_house", "2026-11-01", True)
    assert first.source == "companies_house:2026-11-01:simulated"
    assert first.rows == len(_ch_rows()[1]) and not first.from_cache
    again = read_companies_house([CH], progress=False)
    assert again.from_cache and again.rows == first.rows
    t = again.orgs(numbers=["nonexistent"])
    assert t.num_rows == 0


def test_zip_and_part_zips_read_like_the_csv(tmp_path):
    raw, rows = _ch_rows()
    one = tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip"
    with zipfile.ZipFile(one, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(CH, "BasicCompanyDataAsOneFile-2026-11-01.csv")
    assert read_companies_house(one, progress=False).rows == len(rows)
    parts = []
    lines = CH.read_text(encoding="utf-8").splitlines()
    half = 2 + len(rows) // 2
    for i, body in enumerate((lines[2:half], lines[half:]), start=1):
        p = tmp_path / f"BasicCompanyData-2026-11-01-part{i}_2.zip"
        with zipfile.ZipFile(p, "w") as z:
            z.writestr(p.stem + ".csv", "\n".join([lines[1], *body]) + "\n")
        parts.append(p)
    r = read_companies_house(parts, progress=False)
    assert r.rows == len(rows) and r.date == "2026-11-01"
    assert not r.simulated  # the parts carry no synthetic comment


def test_truncated_zip_is_refused(tmp_path):
    one = tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip"
    with zipfile.ZipFile(one, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(CH, "BasicCompanyDataAsOneFile-2026-11-01.csv")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(one.read_bytes()[: one.stat().st_size // 2])
    with pytest.raises(RegisterFileError, match=r"cut.zip: not a complete zip file .*download"):
        read_companies_house(cut, progress=False)
    assert (
        not list((tmp_path / "cache" / "registers").glob("*"))
        if (tmp_path / "cache" / "registers").exists()
        else True
    )


def test_a_ledger_is_not_the_register(tmp_path):
    led = tmp_path / "payments.csv"
    led.write_text("Supplier,Amount,Payment Date\nACME LTD,100.00,01/04/2025\n", encoding="utf-8")
    with pytest.raises(RegisterFileError, match=r"payments.csv: not Companies House Basic Company"):
        read_companies_house(led, progress=False)
    with pytest.raises(RegisterFileError, match=r"not the Charity Commission register extract"):
        read_charities(led, progress=False)


def test_future_layout_with_an_added_column_is_accepted(tmp_path):
    raw, rows = _ch_rows()
    lines = list(csv.reader(CH.read_text(encoding="utf-8").splitlines()[2:]))
    path = _write_ch(
        tmp_path / "BasicCompanyDataAsOneFile-2027-01-01.csv",
        raw + ["NewColumn.Added"],
        [r + ["x"] for r in lines],
    )
    r = read_companies_house(path, progress=False)
    assert r.rows == len(rows) and r.date == "2027-01-01"
    assert "NewColumn.Added" not in r.orgs().column_names


def test_layout_without_company_number_is_refused(tmp_path):
    raw, _ = _ch_rows()
    keep = [i for i, h in enumerate(raw) if h.strip() != "CompanyNumber"]
    lines = list(csv.reader(CH.read_text(encoding="utf-8").splitlines()[2:]))
    path = _write_ch(
        tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.csv",
        [raw[i] for i in keep],
        [[r[i] for i in keep] for r in lines],
    )
    with pytest.raises(RegisterFileError, match=r"no CompanyNumber column: refused"):
        read_companies_house(path, progress=False)


def test_a_short_row_names_its_row(tmp_path):
    raw, _ = _ch_rows()
    lines = list(csv.reader(CH.read_text(encoding="utf-8").splitlines()[2:]))
    path = _write_ch(tmp_path / "x-2026-11-01.csv", raw, [lines[0], lines[1][:10]])
    with pytest.raises(RegisterFileError, match=r"row .*expected 55 columns, found 10"):
        read_companies_house(path, progress=False)


# ----------------------------------------------------------------------------- normalising


def test_numbers_and_names_normalise_like_the_ledger_side():
    import pyarrow as pa

    nums = arrow_company_numbers(pa.array(["1234567", "sc012345", " OC 301234", "1234567.0"]))
    assert nums.to_pylist() == ["01234567", "SC012345", "OC301234", "01234567"]
    keys = arrow_name_keys(pa.array(["The Acme Widgets Limited", "B.T. PLC", "Foo & Co Ltd"]))
    assert keys.to_pylist() == ["ACME WIDGETS", "BT", "FOO"]


def test_sic_section_division_and_bands():
    assert parse_sic("62020 - Information technology consultancy activities") == "62020"
    assert parse_sic("None Supplied") is None
    assert (sic_division("62020"), sic_section("62020")) == ("62", "J")
    assert sic_section("01110") == "A" and sic_section("86900") == "Q"
    assert sic_section("99999") is None and sic_division("99999") is None  # dormant
    assert sic_section("04000") is None  # no division 04 in SIC 2007
    assert accounts_band("MICRO ENTITY") == "micro"
    assert accounts_band("TOTAL EXEMPTION FULL") == "small"
    assert accounts_band("FULL") == "medium-or-large"
    assert accounts_band("DORMANT") == "unknown" and accounts_band(None) == "unknown"
    # bands: 9,999.99 is under £10k; 10,000 starts the next band; 5m is the top band
    assert charity_income_band("9999.99") == "under £10k"
    assert charity_income_band("10000") == "£10k to £100k"
    assert charity_income_band("5000000.00") == "£5m and over"
    assert charity_income_band("") is None
    assert postcode_district("bb5 1ab") == "BB5" and postcode_district("nonsense") is None


def test_legal_forms():
    co = {"number": "01234567", "category": "Private Limited Company", "country_of_origin": ""}
    guar = dict(
        co, category="PRI/LTD BY GUAR/NSC (Private, limited by guarantee, no share capital)"
    )
    charity = {"status": "Registered", "is_cio": "False"}
    assert legal_form(co, None) == "company"
    assert legal_form(guar, charity) == "charitable company"
    assert legal_form(guar, dict(charity, status="Removed")) == "company"
    assert legal_form(None, dict(charity, is_cio="True")) == "CIO"
    assert legal_form(None, charity) == "charity"
    assert legal_form(dict(co, category="Community Interest Company"), None) == "CIC"
    assert legal_form(dict(co, number="IP012345", category="Registered Society"), None) == (
        "registered society"
    )
    assert legal_form(dict(co, number="OC301234", category="Limited Liability Partnership"), None)
    assert legal_form(dict(co, category="Public Limited Company"), None) == "PLC"
    assert legal_form(dict(co, number="FC012345", category="Other company type"), None) == (
        "overseas"
    )


# ----------------------------------------------------------------------------- matching


def _register(rows: list[dict]) -> pd.DataFrame:
    base = dict.fromkeys(register_columns(), None)
    out = []
    for i, r in enumerate(rows):
        row = dict(base, supplier_id=f"S{i:03d}", is_redacted="False", org_type="unknown")
        row["org_type_source"] = "inferred"
        row.update(r)
        if row.get("match_keys") is None:
            from anchorlib.ledgers.parse import normalise_supplier_name

            row["match_keys"] = normalise_supplier_name(row["canonical_name"])
        out.append(row)
    return pd.DataFrame(out, columns=register_columns())


@pytest.fixture()
def registers():
    return read_companies_house(CH, progress=False), read_charities(CC, progress=False)


def _cases():
    _, rows = _ch_rows()
    cc = _cc_rows()
    renamed = next(r for r in rows if r["PreviousName_1.CompanyName"])
    dissolved = next(r for r in rows if r["CompanyStatus"] == "Dissolved")
    names = [r["CompanyName"] for r in rows if r["CompanyStatus"] == "Active"]
    twice = next(n for n in names if names.count(n) > 1)
    pair = [r for r in rows if r["CompanyName"] == twice]
    scot = next(r for r in rows if r["CompanyNumber"].startswith("SC"))
    both = next(r for r in cc if r["charity_company_registration_number"])
    cio = next(r for r in cc if r["charity_is_cio"] == "True" and r["linked_charity_number"] == "0")
    return renamed, dissolved, pair, scot, both, cio


def test_matching_by_number_then_unique_active_name(registers):
    ch, cc = registers
    renamed, dissolved, pair, scot, both, cio = _cases()
    reg = _register(
        [
            # 0: a Scottish number as a ledger may publish it (lower case)
            {
                "canonical_name": "Whatever We Call Them",
                "company_number": scot["CompanyNumber"].lower(),
            },
            # 1: the renamed company, paid under its previous name
            {"canonical_name": renamed["PreviousName_1.CompanyName"].title()},
            # 2: a dissolved company is not an active organisation: its name is not matched
            {"canonical_name": dissolved["CompanyName"]},
            # 3: a name two active companies share: not matched, the one in the district offered
            {"canonical_name": pair[0]["CompanyName"], "postcode": pair[0]["RegAddress.PostCode"]},
            # 4: a charitable company, known by its charity number (in both registers)
            {"canonical_name": "X", "charity_number": both["registered_charity_number"]},
            # 5: a CIO, by its name
            {"canonical_name": cio["charity_name"].title()},
            # 6: a number that is in no register: no match, and no name match either
            {"canonical_name": pair[1]["CompanyName"], "company_number": "09999999"},
            # 7: redacted payees are never matched
            {"canonical_name": "REDACTED", "is_redacted": "True", "match_keys": "REDACTED"},
        ]
    )
    e = enrich_register(reg, ch, cc)
    r = e.register.set_index("supplier_id")
    m = r["register_match_method"]
    assert m["S000"] == "company_number"
    assert r.loc["S000", "register_matched_number"] == scot["CompanyNumber"]
    assert m["S001"] == "previous_name"
    assert "changed 14/03/2023" in r.loc["S001", "register_match_detail"]
    assert pd.isna(m["S002"]) and pd.isna(m["S003"]) and pd.isna(m["S006"]) and pd.isna(m["S007"])
    rev = e.review.set_index("supplier_id")
    assert "not accepted" in rev.loc["S003", "reason"]
    assert rev.loc["S003", "candidate_number"] == pair[0]["CompanyNumber"]
    assert "not found" in rev.loc["S006", "reason"]
    assert m["S004"] == "charity_number"
    assert r.loc["S004", "legal_form"] == "charitable company"
    assert r.loc["S004", "org_type"] == "charity" and r.loc["S004", "vcse_flag"] == "yes"
    assert r.loc["S004", "legal_form_source"] == (
        "companies_house:2026-11-01:simulated + charity_commission:2026-11-20:simulated"
    )
    assert r.loc["S004", "register_matched_number"] == (
        both["charity_company_registration_number"].zfill(8)
        + "; "
        + both["registered_charity_number"]
    )
    assert m["S005"] == "name_unique" and r.loc["S005", "legal_form"] == "CIO"
    assert e.counts["matched"] == 4


def test_filled_cells_sources_and_human_edits(registers):
    ch, cc = registers
    _, rows = _ch_rows()
    co = next(
        r
        for r in rows
        if r["CompanyCategory"] == "Private Limited Company"
        and r["CompanyStatus"] == "Active"
        and r["Accounts.AccountCategory"] == "FULL"
        and r["SICCode.SicText_1"][:5].isdigit()
        and r["RegAddress.PostCode"]
    )
    reg = _register(
        [
            {"canonical_name": "A", "company_number": co["CompanyNumber"]},
            {
                "canonical_name": "B",
                "company_number": co["CompanyNumber"],
                "org_type": "public_body",
                "org_type_source": "human",
                "postcode": "BB5 1AB",
                "postcode_source": "ledger",
            },
        ]
    )
    e = enrich_register(reg, ch, cc)
    r = e.register.set_index("supplier_id")
    src = "companies_house:2026-11-01:simulated"
    a = r.loc["S000"]
    assert (a["legal_form"], a["org_type"], a["vcse_flag"]) == ("company", "company", "no")
    assert (a["accounts_band"], a["size_band"], a["sme_flag"]) == ("medium-or-large",) * 2 + ("no",)
    assert a["sic_codes"].split("; ")[0] == co["SICCode.SicText_1"][:5]
    assert a["sic_section"] == sic_section(co["SICCode.SicText_1"][:5])
    assert a["sic_section_source"] == src and a["accounts_band_source"] == src
    assert a["registered_office_postcode"] == co["RegAddress.PostCode"]
    assert a["postcode_source"] == "simulated"  # a synthetic extract's postcode stays simulated
    b = r.loc["S001"]
    assert (b["org_type"], b["org_type_source"]) == ("public_body", "human")  # never overwritten
    assert (b["postcode"], b["postcode_source"]) == ("BB5 1AB", "ledger")  # the payer's address
    assert b["legal_form"] == "company"
    # a person corrects a register cell; the next enrich keeps it and marks it theirs
    edited = e.register.copy()
    edited.loc[edited["supplier_id"] == "S000", "legal_form"] = "PLC"
    again = enrich_register(edited, ch, cc, previous_audit=e.audit).register.set_index(
        "supplier_id"
    )
    assert (again.loc["S000", "legal_form"], again.loc["S000", "legal_form_source"]) == (
        "PLC",
        "human",
    )
    assert again.loc["S000", "sic_section"] == a["sic_section"]


def test_a_new_download_updates_only_what_the_registers_own(registers, tmp_path):
    ch, cc = registers
    _, rows = _ch_rows()
    co = next(r for r in rows if r["CompanyStatus"] == "Active" and r["SICCode.SicText_1"])
    reg = _register([{"canonical_name": "A", "company_number": co["CompanyNumber"]}])
    first = enrich_register(reg, ch, None)
    # next month's file: the company changed its status and SIC code
    raw, _ = _ch_rows()
    lines = list(csv.reader(CH.read_text(encoding="utf-8").splitlines()[2:]))
    header = [h.strip() for h in raw]
    i_num, i_sic = header.index("CompanyNumber"), header.index("SICCode.SicText_1")
    i_status = header.index("CompanyStatus")
    for row in lines:
        if row[i_num] == co["CompanyNumber"]:
            row[i_sic], row[i_status] = "86900 - Other human health activities", "Liquidation"
    newer = _write_ch(tmp_path / "BasicCompanyDataAsOneFile-2026-12-01.csv", raw, lines)
    ch2 = read_companies_house(newer, progress=False)
    kept = first.register.copy()
    kept["notes"] = "a person's note"
    r = enrich_register(kept, ch2, None, previous_audit=first.audit).register.iloc[0]
    assert (r["sic_section"], r["company_status"]) == ("Q", "Liquidation")
    assert r["sic_section_source"] == "companies_house:2026-12-01"  # no synthetic comment
    assert r["notes"] == "a person's note"


def test_rebuild_keeps_the_register_cells(registers):
    from anchorlib.suppliers.register import build_register

    ch, cc = registers
    _, rows = _ch_rows()
    co = next(r for r in rows if r["CompanyStatus"] == "Active" and r["CompanyNumber"].isdigit())
    ledger = pd.DataFrame(
        {
            "anchor_id": ["a", "a"],
            "supplier_name": [co["CompanyName"], "Somebody Else"],
            "amount_pence": [10_000, 5_000],
        }
    )
    built = build_register(ledger).register
    e = enrich_register(built, ch, cc)
    sid = e.register.loc[e.register["register_match_method"].notna(), "supplier_id"].iloc[0]
    again = build_register(ledger, previous=e.register).register.set_index("supplier_id")
    before = e.register.set_index("supplier_id")
    for col in ("legal_form", "legal_form_source", "sic_codes", "org_type", "org_type_source"):
        assert again.loc[sid, col] == before.loc[sid, col], col
    assert again.loc[sid, "register_match_method"] == "name_unique"


# ----------------------------------------------------------------------------- indicators


def test_who_indicators_hand_computed():
    from anchorlib.indicators.who import (
        enrichment_coverage,
        legal_form_spend,
        local_crosstab,
        sic_section_spend,
        sme_share,
        vcse_share,
    )
    from tests.test_spend import make_place

    place = make_place()
    # supplier  spend  tier        form                 sic  sme  vcse  org_type (source)
    # A         £600   place       company              F    yes  no    company
    # B         £200   wider       charitable company   Q    no   yes   charity
    # C         £100   place       -                    -    -    -     public_body (inferred)
    # D          £80   rest_of_uk  -                    -    -    -     charity (human)
    # E          £20   unknown     -                    -    -    -     unknown
    # A refund of £50 from A nets off: A = £550.  Total = 550+200+100+80+20 = £950.
    led = pd.DataFrame(
        {
            "anchor_id": ["x"] * 6,
            "supplier_id": ["A", "A", "B", "C", "D", "E"],
            "supplier_name": ["A", "A", "B", "C", "D", "E"],
            "amount_pence": [60_000, -5_000, 20_000, 10_000, 8_000, 2_000],
            "tier": ["place", "place", "wider", "place", "rest_of_uk", None],
            "legal_form": ["company", "company", "charitable company", None, None, None],
            "sic_section": ["F", "F", "Q", None, None, None],
            "sme_flag": ["yes", "yes", "no", None, None, None],
            "vcse_flag": ["no", "no", "yes", None, None, None],
            "org_type": ["company", "company", "charity", "public_body", "charity", "unknown"],
            "org_type_source": ["x", "x", "x", "inferred", "human", "inferred"],
            "register_match_method": ["name_unique"] * 3 + [None] * 3,
        }
    )
    # matched: A + B = 550 + 200 = 750 of 950
    assert enrichment_coverage(led) == pytest.approx(750 / 950)
    sic = sic_section_spend(led)
    assert sic == {"F": 550.0, "Q": 200.0, "unknown": 200.0}
    assert list(sic) == ["F", "Q", "unknown"]  # largest first, ties by name
    assert legal_form_spend(led) == {
        "company": 550.0,
        "charitable company": 200.0,
        "not matched": 200.0,
    }
    # Procurement spend leaves out C, a public body: A 550 + B 200 + D 80 + E 20 = £850.
    # SME known: A (yes) 550, B (no) 200 -> 750 of 850 = 0.882 >= 0.8; share = 550 / 750
    sme = sme_share(led, 0.8)
    assert sme["coverage"] == pytest.approx(750 / 850)
    assert sme["share"] == pytest.approx(550 / 750)
    # VCSE known: A no 550, B yes 200, D yes (a person's charity) 80 -> 830 of 850;
    # share = (200 + 80) / 830
    vcse = vcse_share(led, 0.8)
    assert vcse["coverage"] == pytest.approx(830 / 850)
    assert vcse["share"] == pytest.approx(280 / 830)
    # at a 0.9 threshold the SME share (coverage 0.882) is withheld, the coverage still given
    withheld = sme_share(led, 0.9)
    assert withheld["share"] is None and withheld["gate"]["reason"] == "below_threshold"
    assert withheld["coverage"] == pytest.approx(750 / 850)
    # NT18/NT19 style, procurement spend: local = the place tier; local SMEs: A 550; local VCSEs:
    # none (B is in the wider tier); C, a public body in the place, is not procurement spend
    loc = local_crosstab(led, place)
    assert loc["local_tiers"] == ["place"]
    assert (loc["local_sme"], loc["local_vcse"]) == (550.0, 0.0)
    assert loc["sme"]["place"] == {"yes": 550.0, "no": 0.0, "unknown": 0.0}
    assert loc["vcse"]["rest_of_uk"] == {"yes": 80.0, "no": 0.0, "unknown": 0.0}
    assert loc["sme"]["unknown"] == {"yes": 0.0, "no": 0.0, "unknown": 20.0}


def test_a_failed_enrich_changes_nothing(tmp_path):
    """Bad register files are refused before the register is read or written."""
    from anchorlib.assets.register import enrich_collaborative_register
    from anchorlib.config.collaborative import load_collaborative

    collab = load_collaborative(Path(__file__).parents[1] / "collaboratives" / "lancashire.yml")
    data = collab.output_dir(tmp_path) / "data"
    data.mkdir(parents=True)
    sentinel = {n: f"{n}: as a person left it\n" for n in ("suppliers.csv", "suppliers.xlsx")}
    for n, text in sentinel.items():
        (data / n).write_text(text)
    one = tmp_path / "BasicCompanyDataAsOneFile-2026-11-01.zip"
    with zipfile.ZipFile(one, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(CH, one.with_suffix(".csv").name)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(one.read_bytes()[:5000])
    raw, _ = _ch_rows()
    keep = [i for i, h in enumerate(raw) if h.strip() != "CompanyNumber"]
    lines = list(csv.reader(CH.read_text(encoding="utf-8").splitlines()[2:]))
    no_number = _write_ch(
        tmp_path / "nonumber.csv", [raw[i] for i in keep], [[r[i] for i in keep] for r in lines]
    )
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("Supplier,Amount\nACME,1\n")
    for bad, message in (
        (cut, "not a complete zip"),
        (no_number, "no CompanyNumber column"),
        (ledger, "not Companies House"),
    ):
        with pytest.raises(RegisterFileError, match=message):
            enrich_collaborative_register(collab, [bad], CC, out_root=tmp_path, progress=False)
        assert sorted(p.name for p in data.iterdir()) == sorted(sentinel)
        for n, text in sentinel.items():
            assert (data / n).read_text() == text


def test_cli_enrich_refuses_a_bad_file_with_its_error(tmp_path):
    from typer.testing import CliRunner

    from anchorlib.cli import app

    led = tmp_path / "payments.csv"
    led.write_text("Supplier,Amount\nACME,1\n", encoding="utf-8")
    collab = str(Path(__file__).parents[1] / "collaboratives" / "lancashire.yml")
    res = CliRunner().invoke(
        app,
        ["suppliers", "enrich", collab, "--companies-house", str(led), "--outputs", str(tmp_path)],
    )
    assert res.exit_code != 0
    assert "payments.csv: not Companies House Basic Company Data" in res.output
    assert not (tmp_path / "lancashire").exists()  # nothing written
    helped = CliRunner().invoke(app, ["suppliers", "enrich", "--help"])
    assert helped.exit_code == 0 and "--companies-house" in helped.output


def test_individuals_and_public_bodies_are_not_matched_by_name(registers):
    ch, cc = registers
    _, rows = _ch_rows()
    co = next(
        r
        for r in rows
        if r["CompanyStatus"] == "Active"
        and [x["CompanyName"] for x in rows].count(r["CompanyName"]) == 1
    )
    reg = _register(
        [
            {"canonical_name": co["CompanyName"], "org_type": "individual_sole_trader"},
            {"canonical_name": co["CompanyName"], "org_type": "public_body"},
            # a number settles it: matched whatever the type
            {
                "canonical_name": co["CompanyName"],
                "org_type": "public_body",
                "company_number": co["CompanyNumber"],
            },
        ]
    )
    e = enrich_register(reg, ch, cc)
    m = e.register.set_index("supplier_id")["register_match_method"]
    assert pd.isna(m["S000"]) and pd.isna(m["S001"]) and m["S002"] == "company_number"
    reasons = e.review.set_index("supplier_id")["reason"]
    assert "typed individual_sole_trader: not accepted" in reasons["S000"]
    assert "typed public_body: not accepted" in reasons["S001"]


def test_who_section_says_simulated_and_names_the_registers_dates(tmp_path):
    import json

    from anchorlib.config.collaborative import load_collaborative
    from anchorlib.reports.suppliers_section import who_section

    collab = load_collaborative(Path(__file__).parents[1] / "collaboratives" / "lancashire.yml")
    anchor = collab.anchors[0].id
    led = pd.DataFrame(
        {
            "anchor_id": [anchor] * 3,
            "supplier_id": ["A", "B", "C"],
            "supplier_name": ["Acme Ltd", "Help Trust", "Unknown Payee"],
            "amount_pence": [60_000, 30_000, 10_000],
            "tier": [collab.place.tier_names[0]] * 3,
            "legal_form": ["company", "charitable company", None],
            "sic_section": ["F", "Q", None],
            "sme_flag": ["yes", "no", None],
            "vcse_flag": ["no", "yes", None],
            "org_type": ["company", "charity", "unknown"],
            "register_match_method": ["name_unique", "company_number", None],
        }
    )
    empty = who_section(collab, led, anchor, tmp_path)
    assert not empty.enriched and "has not been matched" in empty.sentences[0]
    data = collab.output_dir(tmp_path) / "data"
    data.mkdir(parents=True)
    regs = [
        {"register": "companies_house", "date": "2026-11-01", "simulated": True, "rows": 345},
        {"register": "charity_commission", "date": "2026-11-20", "simulated": True, "rows": 140},
    ]
    (data / "registers.json").write_text(json.dumps({"registers": regs}))
    s = who_section(collab, led, anchor, tmp_path)
    assert s.enriched and s.simulated and s.sentences[0].startswith("SIMULATED")
    # matched: 600 + 300 of 1,000 = 90%; SME known 900 of 1,000 (90% >= 80%): 600 / 900 = 66.7%
    assert f"90.0% of {collab.anchors[0].name}" in s.sentences[1]
    assert "2026-11-01" in s.sentences[1]
    assert "2026-11-20" in s.sentences[1]
    assert s.shares["share (%)"].tolist()[:2] == [pytest.approx(90.0), pytest.approx(200 / 3)]
    assert list(s.registers["date of the register"]) == ["2026-11-01", "2026-11-20"]
    assert s.legal_forms["spend (£)"].sum() == pytest.approx(1_000.0)
