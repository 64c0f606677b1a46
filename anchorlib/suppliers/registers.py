"""Reading the public registers as published: Companies House and the Charity Commission.

``read_companies_house(files)`` streams the Basic Company Data CSV (the one-file zip, its parts, or
the CSV) with :func:`pyarrow.csv.open_csv`, batch by batch, straight from the zip member: the 2.5 GB
CSV is never held whole in memory.  Only the columns enrichment needs are kept, numbers and name
keys are normalised once, and the result is cached as two compact Parquet files under
``<cache>/registers/<sha256 of the files>/`` (``orgs.parquet``: one row per organisation;
``names.parquet``: every current and previous name with its key).  A second read of the same file
finds the cache and reads nothing else (its sha256 is remembered by size and modification time).
``read_charities(file)`` does the same for the Charity Commission's ``publicextract.charity``
(tab-separated, no quoting, maybe a byte-order mark).

Layouts are checked against ``../shared/docs/registers.md``: header names are
stripped (some Companies House headers start with a space); an added column is ignored; a file
that is not the register (a ledger) and a layout without ``CompanyNumber`` are refused with their
own errors.  A file whose first lines start with ``#`` is a test extract: the comment says it is
synthetic and the register is marked ``simulated``.  Nothing is cached from a read that fails.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from anchorlib.core.errors import AnchorError
from anchorlib.core.hashing import sha_text
from anchorlib.data.catalogue import cache_dir, verified_sha256
from anchorlib.ledgers.parse import LEGAL_SUFFIXES

__all__ = [
    "CH_COLUMNS",
    "CC_COLUMNS",
    "RegisterFileError",
    "RegisterData",
    "arrow_name_keys",
    "read_companies_house",
    "read_charities",
]

#: Bump when the cached tables change shape: old caches are then not read.
CACHE_VERSION = 2
#: Rows per Parquet row group of the cache: small, so a lookup reads only the groups it hits.
ROW_GROUP = 4096


class RegisterFileError(AnchorError, ValueError):
    """A register file that cannot be read as the published layout."""


_PREV = [f"PreviousName_{i}.{p}" for i in range(1, 11) for p in ("CONDATE", "CompanyName")]
#: Companies House Basic Company Data: the 55 columns, in order (headers stripped).
CH_COLUMNS = [
    "CompanyName",
    "CompanyNumber",
    "RegAddress.CareOf",
    "RegAddress.POBox",
    "RegAddress.AddressLine1",
    "RegAddress.AddressLine2",
    "RegAddress.PostTown",
    "RegAddress.County",
    "RegAddress.Country",
    "RegAddress.PostCode",
    "CompanyCategory",
    "CompanyStatus",
    "CountryOfOrigin",
    "DissolutionDate",
    "IncorporationDate",
    "Accounts.AccountRefDay",
    "Accounts.AccountRefMonth",
    "Accounts.NextDueDate",
    "Accounts.LastMadeUpDate",
    "Accounts.AccountCategory",
    "Returns.NextDueDate",
    "Returns.LastMadeUpDate",
    "Mortgages.NumMortCharges",
    "Mortgages.NumMortOutstanding",
    "Mortgages.NumMortPartSatisfied",
    "Mortgages.NumMortSatisfied",
    "SICCode.SicText_1",
    "SICCode.SicText_2",
    "SICCode.SicText_3",
    "SICCode.SicText_4",
    "LimitedPartnerships.NumGenPartners",
    "LimitedPartnerships.NumLimPartners",
    "URI",
    *_PREV,
    "ConfStmtNextDueDate",
    "ConfStmtLastMadeUpDate",
]
#: The Companies House columns kept, and their names in the cache.
CH_KEEP = {
    "CompanyNumber": "number",
    "CompanyName": "name",
    "RegAddress.PostCode": "postcode",
    "CompanyCategory": "category",
    "CompanyStatus": "status",
    "CountryOfOrigin": "country_of_origin",
    "DissolutionDate": "dissolution_date",
    "IncorporationDate": "incorporation_date",
    "Accounts.AccountCategory": "accounts_category",
    **{f"SICCode.SicText_{i}": f"sic_{i}" for i in range(1, 5)},
}
#: Charity Commission ``publicextract.charity.txt``: the 34 columns, in order.
CC_COLUMNS = [
    "date_of_extract",
    "organisation_number",
    "registered_charity_number",
    "linked_charity_number",
    "charity_name",
    "charity_type",
    "charity_registration_status",
    "date_of_registration",
    "date_of_removal",
    "charity_reporting_status",
    "latest_acc_fin_period_start_date",
    "latest_acc_fin_period_end_date",
    "latest_income",
    "latest_expenditure",
    "charity_contact_address1",
    "charity_contact_address2",
    "charity_contact_address3",
    "charity_contact_address4",
    "charity_contact_address5",
    "charity_contact_postcode",
    "charity_contact_phone",
    "charity_contact_email",
    "charity_contact_web",
    "charity_company_registration_number",
    "charity_insolvent",
    "charity_in_administration",
    "charity_previously_excepted",
    "charity_is_cdf_or_cif",
    "charity_is_cio",
    "cio_is_dissolved",
    "date_cio_dissolution_notice",
    "charity_activities",
    "charity_gift_aid",
    "charity_has_land",
]
CC_KEEP = {
    "registered_charity_number": "number",
    "linked_charity_number": "linked",
    "charity_name": "name",
    "charity_type": "charity_type",
    "charity_registration_status": "status",
    "date_of_removal": "removal_date",
    "latest_income": "income",
    "charity_contact_postcode": "postcode",
    "charity_company_registration_number": "company_number",
    "charity_is_cio": "is_cio",
    "cio_is_dissolved": "cio_is_dissolved",
}
_DATE_IN_NAME = re.compile(r"(20\d\d-[01]\d-[0-3]\d)")
_SUFFIX_RX = "|".join(" ".join(s) for s in sorted(LEGAL_SUFFIXES, key=len, reverse=True))


@dataclass
class RegisterData:
    """A register read and cached: which register, its date, the files, and the cached tables."""

    register: str  # 'companies_house' or 'charity_commission'
    date: str  # the register's date (from the file name or the extract's own date)
    files: list[dict]  # path, sha256, bytes
    orgs_path: Path
    names_path: Path | None
    rows: int
    simulated: bool = False
    from_cache: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        """The source label every filled cell carries (``companies_house:2026-11-01``)."""
        return f"{self.register}:{self.date}" + (":simulated" if self.simulated else "")

    def orgs(self, columns=None, numbers=None) -> pa.Table:
        """The organisations (optionally only those with ``number`` in ``numbers``)."""
        if numbers is None:
            return pq.read_table(self.orgs_path, columns=columns)
        return _lookup(self.orgs_path, "number", numbers, columns)

    def names(self, keys) -> pa.Table:
        """Every name row (current and previous) whose key is in ``keys``."""
        return _lookup(self.names_path or self.orgs_path, "key", keys)


def _lookup(path: Path, column: str, values, columns=None) -> pa.Table:
    """The rows of a cached table whose ``column`` is in ``values``: the one column is scanned,
    then only the row groups holding a hit are read (a few hundred suppliers touch a fraction of
    the 5 million rows' small row groups)."""
    wanted = _strings(values)
    pf = pq.ParquetFile(path)
    if len(wanted) == 0:
        return pf.schema_arrow.empty_table().select(columns or pf.schema_arrow.names)
    hits = pc.indices_nonzero(pc.is_in(pf.read(columns=[column]).column(0), value_set=wanted))
    ends = np.cumsum([pf.metadata.row_group(g).num_rows for g in range(pf.num_row_groups)])
    groups = sorted(set(np.searchsorted(ends, hits.to_numpy(), side="right").tolist()))
    if not groups:
        return pf.schema_arrow.empty_table().select(columns or pf.schema_arrow.names)
    t = pf.read_row_groups(groups, columns=columns)
    return t.filter(pc.is_in(t[column], value_set=wanted))


def _strings(values) -> pa.Array:
    """A typed set of strings for a filter (an empty set must still be ``string``)."""
    return pa.array(sorted({str(v) for v in values if v is not None}), pa.string())


def arrow_name_keys(names: pa.Array) -> pa.Array:
    """Supplier keys of register names, vectorised: the rules of
    :func:`anchorlib.ledgers.parse.normalise_supplier_name` without its accent folding (a name with
    accents is then confirmed, or not, by that function on the few candidates).  No capture groups:
    RE2 then replaces at full speed."""
    s = pc.utf8_upper(names)
    s = pc.replace_substring_regex(s, r"\s*[\(\[]\s*\d+\s*[\)\]]\s*$", "")
    s = pc.replace_substring(pc.replace_substring(s, "&", " AND "), "+", " AND ")
    s = pc.replace_substring_regex(s, r"['’‘`.]", "")
    s = pc.utf8_trim_whitespace(pc.replace_substring_regex(s, r"[^A-Z0-9]+", " "))
    the = pc.and_(pc.starts_with(s, "THE "), pc.greater(pc.utf8_length(s), 4))
    s = pc.if_else(the, pc.utf8_slice_codeunits(s, 4), s)
    # trailing legal forms, as many as there are, leaving the first word (it has no space before)
    return pc.replace_substring_regex(s, rf"(?: (?:{_SUFFIX_RX}))+$", "")


def arrow_company_numbers(numbers: pa.Array) -> pa.Array:
    """Company numbers as Companies House writes them (:func:`anchorlib.core.normalise.
    company_number`, vectorised): no spaces, upper case, all-digit numbers zero-padded to 8."""
    s = pc.utf8_upper(pc.replace_substring_regex(numbers, r"\s+", ""))
    s = pc.replace_substring_regex(s, r"\.0$", "")
    digits = pc.match_substring_regex(s, r"^[0-9]{1,7}$")
    return pc.if_else(digits, pc.utf8_lpad(s, 8, "0"), s)


# --------------------------------------------------------------------------- opening files


@dataclass
class _Member:
    path: Path  # the file as given
    member: str | None  # the CSV inside the zip, or None for a plain file
    size: int  # bytes of CSV (uncompressed)

    def open(self):
        if self.member is None:
            return open(self.path, "rb")
        try:
            return zipfile.ZipFile(self.path).open(self.member)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _truncated(self.path, exc) from None


def _truncated(path: Path, exc) -> RegisterFileError:
    return RegisterFileError(
        f"{path}: not a complete zip file ({exc}); the download was probably cut short: "
        "download it again"
    )


def _member(path: Path, suffixes: tuple[str, ...]) -> _Member:
    path = Path(path)
    if not path.is_file():
        raise RegisterFileError(f"no such file: {path}")
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as fh:
            if fh.read(4) == b"PK\x03\x04":  # a zip whose end (its directory) is missing
                raise _truncated(path, "no central directory")
        return _Member(path, None, path.stat().st_size)
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if i.filename.lower().endswith(suffixes)]
    except (zipfile.BadZipFile, OSError) as exc:
        raise _truncated(path, exc) from None
    if len(infos) != 1:
        found = ", ".join(i.filename for i in infos) or "none"
        raise RegisterFileError(
            f"{path}: expected one {'/'.join(suffixes)} file in the zip, found {found}"
        )
    return _Member(path, infos[0].filename, infos[0].file_size)


def _head(m: _Member, encoding="utf-8-sig") -> tuple[int, list[str], bool]:
    """(lines before the header, the header line, whether a '#' comment marks a test extract)."""
    with m.open() as fh:
        try:
            raw = fh.read(1 << 16)
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise _truncated(m.path, exc) from None
    text = raw.decode(encoding, errors="replace")
    lines = text.splitlines()
    skip = 0
    comments = []
    while skip < len(lines) and lines[skip].startswith("#"):
        comments.append(lines[skip])
        skip += 1
    if skip >= len(lines):
        raise RegisterFileError(f"{m.path}: no header row")
    return skip, lines[skip], any("synthetic" in c.lower() for c in comments)


class _Progress(io.RawIOBase):
    """A stream that moves a progress bar as it is read."""

    def __init__(self, fh, bar):
        self.fh, self.bar = fh, bar

    def readable(self) -> bool:
        return True

    def read(self, n=-1):
        data = self.fh.read(n)
        if self.bar is not None:
            self.bar.update(len(data))
        return data

    def readinto(self, b):
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)


class _Bar:
    """A progress bar in bytes on stderr: redrawn in place on a terminal, every 10% in a log (the
    same style as the ingest's)."""

    def __init__(self, total: int, desc: str):
        self.total, self.desc, self.done, self.shown = max(total, 1), desc, 0, -1
        self.tty = sys.stderr.isatty()

    def update(self, n: int) -> None:
        self.done += n
        pct = min(100, int(100 * self.done / self.total))
        step = 1 if self.tty else 10
        if pct // step == self.shown // step:
            return
        self.shown = pct
        line = (
            f"{self.desc} [{'#' * (pct // 5):<20}] {pct:>3}% "
            f"({self.done / 1e9:.2f} of {self.total / 1e9:.2f} GB)"
        )
        print(
            f"\r{line}" if self.tty else line,
            end="" if self.tty else "\n",
            file=sys.stderr,
            flush=True,
        )

    def close(self) -> None:
        if self.tty and self.shown >= 0:
            print(file=sys.stderr, flush=True)


def _bar(total: int, desc: str, progress: bool):
    return _Bar(total, desc) if progress else None


def _file_date(paths: list[Path], members: list[_Member]) -> str | None:
    for name in [p.name for p in paths] + [m.member or "" for m in members]:
        if m := _DATE_IN_NAME.search(name):
            return m.group(1)
    return None


def _cache_for(kind: str, files: list[dict]) -> Path:
    key = sha_text({"v": CACHE_VERSION, "kind": kind, "sha": [f["sha256"] for f in files]})
    return cache_dir() / "registers" / f"{kind}-{key[:24]}"


def _files(paths) -> list[dict]:
    return [
        {"path": str(p), "sha256": verified_sha256(Path(p)), "bytes": Path(p).stat().st_size}
        for p in paths
    ]


def _meta_path(d: Path) -> Path:
    return d / "meta.json"


def _cached(kind: str, d: Path, files: list[dict]) -> RegisterData | None:
    import json

    try:
        meta = json.loads(_meta_path(d).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    names = d / "names.parquet"
    return RegisterData(
        register=kind,
        date=meta["date"],
        files=files,
        orgs_path=d / "orgs.parquet",
        names_path=names if names.is_file() else None,
        rows=meta["rows"],
        simulated=meta["simulated"],
        from_cache=True,
        warnings=meta.get("warnings", []),
    )


def _finish(kind: str, tmp: Path, d: Path, meta: dict, files: list[dict]) -> RegisterData:
    import json

    _meta_path(tmp).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    if d.exists():
        shutil.rmtree(d)
    tmp.replace(d)  # the cache appears whole or not at all
    data = _cached(kind, d, files)
    data.from_cache = False
    return data


# --------------------------------------------------------------------------- Companies House


def _check_ch_header(path: Path, header: list[str]) -> None:
    known = [c for c in header if c in CH_COLUMNS]
    if len(known) < 10:
        raise RegisterFileError(
            f"{path}: not Companies House Basic Company Data: its header has "
            f"{len(known)} of the 55 published columns (found: {', '.join(header[:8])}"
            f"{' ...' if len(header) > 8 else ''}); is it a ledger or another file?"
        )
    if "CompanyNumber" not in header:
        raise RegisterFileError(
            f"{path}: the Companies House layout has no CompanyNumber column: refused "
            "(every match and every cell's source needs the company number)"
        )
    missing = [c for c in CH_KEEP if c not in header]
    if missing:
        raise RegisterFileError(
            f"{path}: the Companies House layout lacks column(s) {', '.join(missing)}: refused"
        )


def _ch_batch(b: pa.RecordBatch) -> tuple[pa.Table, pa.Table]:
    cols = {CH_KEEP[c]: b.column(c) for c in CH_KEEP}
    cols["number"] = arrow_company_numbers(cols["number"])
    cols["key"] = arrow_name_keys(cols["name"])
    orgs = pa.table(cols)
    name_parts = [
        pa.table(
            {
                "number": cols["number"],
                "name": cols["name"],
                "key": cols["key"],
                "renamed": pa.nulls(len(b), pa.string()),
            }
        )
    ]
    for i in range(1, 11):
        prev = b.column(f"PreviousName_{i}.CompanyName")
        has = pc.fill_null(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(prev)), 0), False)
        if not pc.any(has).as_py():
            continue
        t = pa.table(
            {
                "number": cols["number"],
                "name": prev,
                "renamed": b.column(f"PreviousName_{i}.CONDATE"),
            }
        ).filter(has)
        name_parts.append(
            pa.table(
                {
                    "number": t["number"],
                    "name": t["name"],
                    "key": arrow_name_keys(t["name"]),
                    "renamed": t["renamed"],
                }
            )
        )
    return orgs, pa.concat_tables(name_parts)


def read_companies_house(paths, *, progress: bool = True) -> RegisterData:
    """Companies House Basic Company Data from the file(s) as downloaded (one zip, its parts, or the
    CSV), through the cache.  Raises :class:`RegisterFileError` naming the file for a truncated zip,
    a file that is not the register, or a layout without ``CompanyNumber``."""
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    if not paths:
        raise RegisterFileError("no Companies House file given")
    members = [_member(p, (".csv",)) for p in paths]
    heads = []
    for m in members:
        skip, line, synthetic = _head(m)
        header = [h.strip() for h in next(csv.reader([line]))]
        _check_ch_header(m.path, header)
        heads.append((skip, header, synthetic))
    files = _files(paths)
    d = _cache_for("companies_house", files)
    if (hit := _cached("companies_house", d, files)) is not None:
        return hit
    date = _file_date(paths, members)
    warnings = []
    if date is None:
        date = "undated"
        warnings.append(
            "no date in the Companies House file name (BasicCompanyData...-YYYY-MM-DD): "
            "cells are marked companies_house:undated"
        )
    tmp = d.with_name(d.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    rows = 0
    bar = _bar(sum(m.size for m in members), "reading Companies House (first read)", progress)
    try:
        with (
            pq.ParquetWriter(tmp / "orgs.parquet", _CH_ORGS_SCHEMA) as ow,
            pq.ParquetWriter(tmp / "names.parquet", _NAMES_SCHEMA) as nw,
        ):
            for m, (skip, header, _s) in zip(members, heads):
                rows += _stream_ch(m, skip, header, ow, nw, bar)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if bar is not None:
            bar.close()
    meta = {
        "date": date,
        "rows": rows,
        "simulated": any(h[2] for h in heads),
        "files": files,
        "warnings": warnings,
    }
    return _finish("companies_house", tmp, d, meta, files)


_CH_ORGS_SCHEMA = pa.schema([(v, pa.string()) for v in CH_KEEP.values()] + [("key", pa.string())])
_NAMES_SCHEMA = pa.schema(
    [("number", pa.string()), ("name", pa.string()), ("key", pa.string()), ("renamed", pa.string())]
)


def _stream_ch(m: _Member, skip: int, header: list[str], ow, nw, bar=None) -> int:
    bad: list[str] = []

    def invalid(row) -> str:
        bad.append(
            f"row {row.number}: expected {row.expected_columns} columns, found {row.actual_columns}"
        )
        return "error"

    wanted = list(CH_KEEP) + [c for c in _PREV if c in header]
    opts = (
        pacsv.ReadOptions(skip_rows=skip + 1, column_names=header, block_size=8 << 20),
        pacsv.ParseOptions(invalid_row_handler=invalid),
        pacsv.ConvertOptions(
            include_columns=wanted,
            column_types={c: pa.string() for c in wanted},
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        ),
    )
    rows = 0
    fh = m.open()
    try:
        reader = pacsv.open_csv(_Progress(fh, bar), *opts)
        for batch in reader:
            for c in _PREV:  # an older layout without some previous-name columns
                if c not in batch.schema.names:
                    batch = batch.append_column(c, pa.nulls(len(batch), pa.string()))
            orgs, names = _ch_batch(batch)
            ow.write_table(orgs, row_group_size=ROW_GROUP)
            nw.write_table(names, row_group_size=ROW_GROUP)
            rows += len(batch)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise _truncated(m.path, exc) from None
    except pa.ArrowInvalid as exc:
        where = f" ({bad[0]})" if bad else ""
        raise RegisterFileError(
            f"{m.path}{' ' + m.member if m.member else ''}: cannot be read as the Companies "
            f"House CSV{where}: {exc}"
        ) from None
    finally:
        fh.close()
    if rows == 0:
        raise RegisterFileError(f"{m.path}: the Companies House file has a header but no rows")
    return rows


# --------------------------------------------------------------------------- Charity Commission


def read_charities(path, *, progress: bool = True) -> RegisterData:
    """The Charity Commission register extract (``publicextract.charity.zip`` or its ``.txt``),
    through the cache.  Rows that do not split into the header's columns are skipped and counted
    in ``warnings`` (free text in the extract sometimes carries a stray tab)."""
    path = Path(path)
    m = _member(path, (".txt", ".csv", ".tsv"))
    skip, line, synthetic = _head(m)
    header = [h.strip().lstrip("\ufeff") for h in line.split("\t")]
    known = [c for c in header if c in CC_COLUMNS]
    if len(known) < 10:
        raise RegisterFileError(
            f"{path}: not the Charity Commission register extract (publicextract.charity): its "
            f"header has {len(known)} of the 34 published columns "
            f"(found: {', '.join(header[:8])}{' ...' if len(header) > 8 else ''})"
        )
    missing = [c for c in CC_KEEP if c not in header]
    if missing:
        raise RegisterFileError(
            f"{path}: the Charity Commission layout lacks column(s) {', '.join(missing)}: refused"
        )
    files = _files([path])
    d = _cache_for("charity_commission", files)
    if (hit := _cached("charity_commission", d, files)) is not None:
        return hit
    skipped: list[int] = []

    def invalid(row) -> str:
        skipped.append(row.number or 0)
        return "skip"

    wanted = list(CC_KEEP) + (["date_of_extract"] if "date_of_extract" in header else [])
    opts = (
        pacsv.ReadOptions(skip_rows=skip + 1, column_names=header, block_size=8 << 20),
        pacsv.ParseOptions(delimiter="\t", quote_char=False, invalid_row_handler=invalid),
        pacsv.ConvertOptions(
            include_columns=wanted,
            column_types={c: pa.string() for c in wanted},
            strings_can_be_null=True,
            null_values=[""],
        ),
    )
    bar = _bar(m.size, "reading the Charity Commission register (first read)", progress)
    fh = m.open()
    try:
        table = pacsv.read_csv(_Progress(fh, bar), *opts)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise _truncated(path, exc) from None
    except pa.ArrowInvalid as exc:
        raise RegisterFileError(
            f"{path}: cannot be read as the Charity Commission extract: {exc}"
        ) from None
    finally:
        fh.close()
        if bar is not None:
            bar.close()
    if table.num_rows == 0:
        raise RegisterFileError(f"{path}: the charity register file has a header but no rows")
    date = _charity_date(table, path, m)
    cols = {CC_KEEP[c]: table[c] for c in CC_KEEP}
    cols["number"] = pc.utf8_trim_whitespace(cols["number"])
    cols["company_number"] = arrow_company_numbers(cols["company_number"])
    cols["key"] = arrow_name_keys(cols["name"])
    orgs = pa.table(cols)
    tmp = d.with_name(d.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    pq.write_table(orgs, tmp / "orgs.parquet", row_group_size=ROW_GROUP)
    warnings = []
    if skipped:
        warnings.append(
            f"{path}: {len(skipped)} row(s) did not split into {len(header)} tab-separated "
            "columns and were skipped"
        )
    meta = {"date": date, "rows": orgs.num_rows, "simulated": synthetic, "warnings": warnings}
    return _finish("charity_commission", tmp, d, meta, files)


def _charity_date(table: pa.Table, path: Path, m: _Member) -> str:
    if "date_of_extract" in table.column_names:
        first = next((v for v in table["date_of_extract"].to_pylist() if v), None)
        if first:
            if re.match(r"\d{4}-\d\d-\d\d", first):
                return first[:10]
            if mm := re.match(r"(\d\d)/(\d\d)/(\d{4})", first):
                return f"{mm.group(3)}-{mm.group(2)}-{mm.group(1)}"
    return _file_date([path], [m]) or "undated"
