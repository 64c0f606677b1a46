"""``anchor data build-demo``: the demo extract in data/demo/, cut from the full sources.

``make demo`` runs the demo collaborative (collaboratives/lancashire.yml: three
Lancashire anchors, the place data/places/lancashire.yml, wider tier the North
West) end to end.  A fresh clone has neither ``../shared/data`` nor the full
reference files, so data/demo/ holds exactly what the demo reads, cut from the
full sources, with its own catalogue (data/demo/sources.yml: the provenance of
data/sources.yml, the filter, the sha256 of every extract file and of the full
file it came from, and the command that built it).

What the demo reads, and what the extract keeps:

* **The three ledgers**: the published files, byte-identical (same sha256), so the
  ingest reads them as published and reconciles to the penny.
* **England-wide (or England and Wales) tables**, every row, only the columns the
  library reads: IMD 2025 (File 7, all ranks, deciles, scores; File 8's two
  numerators), the LSOA 2021 -> ward -> LAD and LAD -> region lookups, the LSOA
  2011 -> 2021 lookup, the four Census 2021 tables (``prop`` is not stored: it is
  ``n / total``, checked bit-identical here and recomputed on read), IoD2019 File 1's
  LSOA 2011 -> LAD 2019 codes (grants' 2019 districts), the 360Giving ward aggregate.
  The comparisons with England, the national ranks and deciles and the tier
  populations need all of them.
* **Clipped** (the heavy files):

  - LSOA 2021 boundaries: the North West's LSOAs, geometry unchanged (maps and
    the place asset), plus every LSOA 2021 that a split LSOA 2011 became (the
    postcode index places postcodes of split LSOAs by centroid-in-polygon);
  - the ONS postcode lookup (the seven columns the postcode index reads) and
    Code-Point Open (four columns): every postcode of the *covered postcode
    districts*, those with a postcode in the North West or within 40 km
    (``anchorlib.demo.staff.MAX_KM``, the staff simulation's commuting radius) of it;
  - elsewhere in the UK, the *rest-of-UK sample*: every live residential postcode
    (what the demo's supplier and staff simulations draw from,
    ``anchorlib.demo.supplier_postcodes``),
    with its LSOA 2011 and district (no OA / MSOA codes), and its Code-Point
    centroid only where its LSOA 2011 was split (to place it in an LSOA 2021).
    The simulations draw by position in the sorted pool, so the whole pool is
    needed for the same draws; a sample would change them.

The figures of the demo are the same on the extract as on the full data
(tests/test_demo_data.py).  A place reaching outside the North West, or a
postcode outside the covered districts not in the sample, is an error naming
the full file to download (``anchorlib.config.places.check_place_in_extract``,
``anchorlib.data.extract.check_postcodes_in_extract``).  Rebuilding writes identical
bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from anchorlib.core.errors import AnchorError
from anchorlib.data.catalogue import (
    PROJECT_ROOT,
    PROVENANCE_FIELDS,
    Catalogue,
    find_file,
    load_catalogue,
    sha256_of,
)
from anchorlib.data.extract import DEMO_DIR, DemoExtract
from anchorlib.data.geography import boundaries, lsoa21_geography
from anchorlib.data.postcodes import BNG, postcode_index
from anchorlib.data.readers import cache_path, read_source, resolve
from anchorlib.demo.staff import MAX_KM

COMMAND = "anchor data build-demo"
COLLABORATIVE = "collaboratives/lancashire.yml"
PLACE = "data/places/lancashire.yml"
REGION, REGION_NAME = "E12000002", "North West"
LEDGERS = ("ledger_hyndburn", "ledger_lancashire_pcc", "ledger_lancashire_fire")
ONSPD_COLUMNS = ["pcds", "doterm", "usertype", "oa11cd", "lsoa11cd", "msoa11cd", "ladcd"]
CODEPOINT_COLUMNS = ["Postcode", "Positional_quality_indicator", "Eastings", "Northings"]

#: England(-and-Wales)-wide sources kept whole: source id -> columns kept (None: every column).
COMPLETE = {
    "imd2025": None,
    "imd2025_indicators": ["lsoa21_code", "income_domain_numerator", "employment_domain_numerator"],
    "iod2019_imd": ["LSOA code (2011)", "Local Authority District code (2019)"],
    "lookup_lsoa11_lsoa21": None,
    "lookup_lsoa21_ward24": None,
    "lookup_lad24_region": None,
    "census2021_deprivation": None,
    "census2021_tenure": None,
    "census2021_ethnicity": None,
    "census2021_disability": None,
    "grants_360giving_wards": None,
    # each devolved nation's index and district lookup (issue 11): the demo's suppliers in Wales,
    # Scotland and Northern Ireland get their own nation's decile
    "wimd2019": None,
    "simd2020": None,
    "nimdm2017": None,
    "lookup_dz11_ca": None,
    "lookup_soa01_lgd14": None,
}
#: What a devolved nation's complete table covers (the coverage note of its extract).
NATION_COVERAGE = {
    "wimd2019": "all of Wales",
    "simd2020": "all of Scotland",
    "lookup_dz11_ca": "all of Scotland",
    "nimdm2017": "all of Northern Ireland",
    "lookup_soa01_lgd14": "all of Northern Ireland",
}
CLIPPED = ("boundaries_lsoa21", "onspd_lookup", "codepoint_open")
#: Census tables: ``prop`` is n / total (bit-identical, checked), recomputed on read.
DERIVED = {
    "census2021_deprivation": {"prop": ["n", "total_households"]},
    "census2021_tenure": {"prop": ["n", "total_households"]},
    "census2021_ethnicity": {"prop": ["n", "total_residents"]},
    "census2021_disability": {"prop": ["n", "total_residents"]},
}


def _parquet(df: pd.DataFrame, path: Path, sort_key: str | None = None) -> None:
    """zstd Parquet, one row group, written the same way every time (identical bytes on rebuild)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    delta = {c: "DELTA_BYTE_ARRAY" for c in ([sort_key] if sort_key else [])}
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=19,
        row_group_size=max(len(df), 1),
        use_dictionary=[c for c in table.column_names if c not in delta],
        column_encoding=delta or None,
        write_statistics=False,
    )


def _geoparquet(gdf, path: Path) -> None:
    gdf.reset_index(drop=True).to_parquet(
        path,
        index=False,
        compression="zstd",
        compression_level=19,
        row_group_size=max(len(gdf), 1),
        write_statistics=False,
        write_covering_bbox=False,
    )


def _require_full(cat: Catalogue, ids) -> None:
    missing = [
        f"{sid}: {f.path}"
        for sid in ids
        for f in cat.get(sid).files
        if find_file(cat.get(sid), f) is None
    ]
    if missing:
        raise AnchorError(
            "`anchor data build-demo` cuts the extract from the full sources; missing here:\n  "
            + "\n  ".join(missing)
            + "\nSee `anchor data check` for where to get them."
        )


def covered_districts(region_lsoas: set[str], bridge: pd.DataFrame) -> list[str]:
    """Postcode districts with a postcode in the region (its LSOA 2021, or an LSOA 2011 that became
    one of the region's) or whose Code-Point centroid lies within
    ``anchorlib.demo.staff.MAX_KM`` of the region."""
    import shapely

    idx = postcode_index()
    lsoa11 = set(bridge.loc[bridge["lsoa21_code"].isin(region_lsoas), "lsoa11_code"])
    inside = (
        idx["lsoa21_code"].astype("str").isin(region_lsoas)
        | idx["lsoa11cd"].astype("str").isin(lsoa11)
    ).to_numpy()
    b = boundaries("lsoa21")
    region = shapely.union_all(b.loc[b["code"].isin(region_lsoas)].to_crs(BNG).geometry.to_numpy())
    zone = shapely.buffer(region, MAX_KM * 1000)
    shapely.prepare(zone)
    has = idx["easting"].notna().to_numpy()
    near = np.zeros(len(idx), dtype=bool)
    near[has] = shapely.contains_xy(
        zone,
        idx["easting"].to_numpy(dtype=float, na_value=np.nan)[has],
        idx["northing"].to_numpy(dtype=float, na_value=np.nan)[has],
    )
    keys = idx["key"].astype("str")
    return sorted(set(keys[inside | near].str[:-3]))


def _all_columns(sid: str) -> list[str]:
    """Columns of a source as read_source returns them (from its Parquet cache, without loading
    it)."""
    import pyarrow.parquet as pq

    cat = load_catalogue()
    src = cat.get(sid)
    path = cache_path(src, src.files[0], resolve(sid))
    if not path.exists():
        read_source(sid, columns=[next(iter(src.schema_.columns))])
    return [c for c in pq.read_schema(path).names if c != "__index_level_0__"]


def _district(pcds: pd.Series) -> pd.Series:
    return pcds.astype("str").str.replace(" ", "", regex=False).str[:-3]


def build_demo(out: Path | str | None = None, *, quiet: bool = False) -> dict:
    """Write data/demo/ (or ``out``) from the full sources: the extract files and sources.yml.

    Returns the extract catalogue as a dict.  Deterministic: the same full
    sources give the same bytes.
    """
    out = Path(out) if out is not None else DEMO_DIR
    cat = load_catalogue()
    _require_full(cat, [*LEDGERS, *COMPLETE, *CLIPPED])
    out.mkdir(parents=True, exist_ok=True)
    builder = _Builder(cat, out, (lambda m: None) if quiet else print)
    # 1. The ledgers, byte-identical.
    for sid in LEDGERS:
        builder.ledger(sid)
    # 2. England(-and-Wales)-wide tables: every row, the columns read.
    for sid, cols in COMPLETE.items():
        builder.complete(sid, cols)
    # 3. Clipped: boundaries, postcode lookup and Code-Point Open.
    districts = builder.clipped()

    doc = {
        "extract_version": 1,
        "description": (
            "The demo extract: what `make demo` reads (collaboratives/lancashire.yml, place "
            "data/places/lancashire.yml, wider tier the North West), cut from the full sources of "
            "data/sources.yml. Used only when a full file is missing, with a one-line note; "
            "anything outside "
            "its coverage is an error naming the full file. See anchorlib/demo/extract.py."
        ),
        "built_by": COMMAND,
        "collaborative": COLLABORATIVE,
        "place": PLACE,
        "region": REGION,
        "region_name": REGION_NAME,
        "postcode_districts": districts,
        "rest_of_uk": (
            "Outside the postcode districts, the postcode lookup keeps every live residential "
            "postcode of the UK (the pool the demo's supplier and staff simulations draw from: "
            "anchorlib.demo.supplier_postcodes, anchorlib.demo.staff), with LSOA 2011 and "
            "district but no OA/MSOA "
            "codes, and no Code-Point centroid unless its LSOA 2011 was split."
        ),
        "sources": builder.entries,
    }
    DemoExtract.model_validate(doc)
    header = (
        "# GENERATED by `anchor data build-demo` (anchorlib/demo/extract.py): "
        "the catalogue of the demo extract.\n"
        "# Provenance as in data/sources.yml; per file the sha256 of the extract and of the "
        "full file it was\n"
        "# cut from; per source the filter applied and what it covers. Do not edit: rebuild.\n"
    )
    text = header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)
    (out / "sources.yml").write_text(text, encoding="utf-8")
    return doc


class _Builder:
    """Writes the extract files under ``out`` and collects the catalogue entry of each source."""

    def __init__(self, cat: Catalogue, out: Path, say):
        self.cat, self.out, self.say = cat, out, say
        self.entries: list[dict] = []

    def entry(
        self,
        sid: str,
        coverage: str,
        note: str,
        filt: str,
        files: list[dict],
        columns=None,
        all_columns=None,
        derived=None,
    ) -> None:
        src = self.cat.get(sid)
        e = {k: getattr(src, k) for k in PROVENANCE_FIELDS if getattr(src, k) is not None}
        e |= {"coverage": coverage, "coverage_note": note, "filter": filt}
        if columns is not None:
            e |= {"columns": list(columns), "all_columns": list(all_columns)}
        if derived:
            e["derived"] = derived
        e["files"] = files
        self.entries.append(e)

    def file_entry(self, sid: str, rel: str, fmt: str, rows: int | None, index: int = 0) -> dict:
        f = self.cat.get(sid).files[index]
        data = (self.out / rel).read_bytes()
        self.say(f"  {rel}: {len(data):,} bytes")
        d = {
            "path": rel,
            "format": fmt,
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }
        if rows is not None:
            d["rows"] = int(rows)
        return d | {"source_path": f.path, "source_sha256": f.sha256}

    def ledger(self, sid: str) -> None:
        """A ledger's published files, byte-identical."""
        src = self.cat.get(sid)
        files = []
        for i, f in enumerate(src.files):
            target = self.out / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            data = find_file(src, f).read_bytes()
            if hashlib.sha256(data).hexdigest() != f.sha256:
                raise AnchorError(f"{sid}: {f.path} does not match its declared sha256")
            if not target.is_file() or target.read_bytes() != data:
                target.write_bytes(data)
            files.append(self.file_entry(sid, f.path, "raw", None, i))
        self.entry(
            sid,
            "complete",
            "the published files, byte-identical",
            "every file, byte-identical",
            files,
        )

    def complete(self, sid: str, cols: list[str] | None) -> None:
        """An England(-and-Wales)-wide table: every row, the columns read (``None``: all)."""
        df = read_source(sid)
        all_columns = list(df.columns)
        derived = DERIVED.get(sid, {})
        for col, (num, den) in derived.items():
            same = (df[num] / df[den]).to_numpy() == df[col].to_numpy()
            if not same.all():
                raise AnchorError(
                    f"{sid}: {col} is not n / total for every row; it cannot be derived"
                )
        keep = [c for c in (cols or all_columns) if c not in derived]
        rel = f"{sid}.parquet"
        _parquet(df[keep], self.out / rel)
        welsh = any(
            df[c].astype("str").str.match(r"^W0\d{7}$").any()
            for c in df.columns
            if df[c].dtype != float
        )
        what = "England and Wales" if welsh else "England"
        if sid == "grants_360giving_wards":
            what = "all of England"
        what = NATION_COVERAGE.get(sid, what)
        filt = f"every row; columns {'all' if keep == all_columns else ', '.join(keep)}" + (
            f"; {', '.join(derived)} not stored: recomputed as n / total (bit-identical)"
            if derived
            else ""
        )
        self.entry(
            sid,
            "complete",
            f"{what}, every row"
            + (
                ""
                if keep == all_columns and not derived
                else f"; columns {', '.join(keep + list(derived))}"
            ),
            filt,
            [self.file_entry(sid, rel, "parquet", len(df))],
            keep,
            all_columns,
            derived,
        )

    def clipped(self) -> list[str]:
        """The clipped sources: boundaries, postcode lookup and Code-Point Open.  Returns the
        covered postcode districts."""
        geo = lsoa21_geography()
        region_lsoas = set(geo.loc[geo["region_code"] == REGION, "lsoa21_code"])
        bridge = read_source("lookup_lsoa11_lsoa21")[["lsoa11_code", "lsoa21_code"]]
        n21 = bridge.groupby("lsoa11_code")["lsoa21_code"].nunique()
        split11 = set(n21.index[n21 > 1])
        split21 = set(bridge.loc[bridge["lsoa11_code"].isin(split11), "lsoa21_code"])
        districts = covered_districts(region_lsoas, bridge)
        self.say(f"  {len(districts)} covered postcode districts")
        self.boundaries(region_lsoas, split21)
        on_x, rest = self.postcode_lookup(districts)
        self.codepoint(districts, on_x, rest, split11)
        return districts

    def boundaries(self, region_lsoas: set[str], split21: set[str]) -> None:
        b = read_source("boundaries_lsoa21")
        keep = b["LSOA21CD"].isin(region_lsoas | split21)
        rel = "boundaries_lsoa21.parquet"
        _geoparquet(b[keep], self.out / rel)
        self.entry(
            "boundaries_lsoa21",
            "clipped",
            f"LSOA 2021 boundaries of the {REGION_NAME} only, "
            "and of the LSOAs split from an LSOA 2011",
            f"features whose LSOA21CD is in region {REGION} "
            f"({REGION_NAME}; {len(region_lsoas)} LSOAs, "
            "lookup_lsoa21_ward24 + lookup_lad24_region), or is one of the LSOAs 2021 of an "
            "LSOA 2011 split in "
            "2021 (lookup_lsoa11_lsoa21: the candidates the postcode index tests by "
            "centroid-in-polygon); "
            "geometry unchanged (WKB of the GeoJSON coordinates, WGS 84)",
            [self.file_entry("boundaries_lsoa21", rel, "geoparquet", int(keep.sum()))],
            list(b.columns),
            list(b.columns),
        )

    def postcode_lookup(self, districts: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """The ONS postcode lookup: the covered districts whole, elsewhere the rest-of-UK sample.
        Returns the rows kept and which of them are of the sample."""
        on = read_source("onspd_lookup", columns=ONSPD_COLUMNS)
        dset = set(districts)
        covered = _district(on["pcds"]).isin(dset).to_numpy()
        sample = ~covered & on["doterm"].isna().to_numpy() & (on["usertype"] == "0").to_numpy()
        on_x = on[covered | sample].copy()
        rest = ~covered[covered | sample]
        on_x.loc[rest, ["oa11cd", "msoa11cd"]] = None
        rel = "onspd_lookup.parquet"
        _parquet(on_x, self.out / rel, sort_key="pcds")
        self.entry(
            "onspd_lookup",
            "clipped",
            f"every postcode of {len(districts)} postcode districts in and around the "
            f"{REGION_NAME}; elsewhere "
            "only live residential postcodes, without OA/MSOA codes",
            f"columns {', '.join(ONSPD_COLUMNS)}; every row whose postcode district "
            "(outward code) is one of "
            f"postcode_districts (a postcode in region {REGION}, or a Code-Point centroid "
            "within 40 km of it); "
            "elsewhere the rest-of-UK sample: live (no doterm) residential (usertype 0) "
            "postcodes, oa11cd and "
            "msoa11cd left empty",
            [self.file_entry("onspd_lookup", rel, "parquet", len(on_x))],
            ONSPD_COLUMNS,
            _all_columns("onspd_lookup"),
        )
        return on_x, rest

    def codepoint(
        self, districts: list[str], on_x: pd.DataFrame, rest: np.ndarray, split11: set[str]
    ) -> None:
        cp = read_source("codepoint_open", columns=CODEPOINT_COLUMNS)
        cp_key = cp["Postcode"].astype("str").str.replace(" ", "", regex=False)
        split_keys = set(
            on_x.loc[on_x["lsoa11cd"].isin(split11).to_numpy() & rest, "pcds"]
            .astype("str")
            .str.replace(" ", "", regex=False)
        )
        keep = cp_key.str[:-3].isin(set(districts)) | cp_key.isin(split_keys)
        rel = "codepoint_open.parquet"
        _parquet(cp[keep.to_numpy()], self.out / rel)
        self.entry(
            "codepoint_open",
            "clipped",
            f"centroids of {len(districts)} postcode districts in and around the "
            f"{REGION_NAME}; elsewhere only "
            "of live residential postcodes in split LSOAs 2011",
            f"columns {', '.join(CODEPOINT_COLUMNS)}; rows of the postcode districts of "
            "postcode_districts, and "
            "of the rest-of-UK sample postcodes whose LSOA 2011 was split in 2021 "
            "(placed by centroid-in-polygon)",
            [self.file_entry("codepoint_open", rel, "parquet", int(keep.sum()))],
            CODEPOINT_COLUMNS,
            _all_columns("codepoint_open"),
        )


def extract_sizes(root: Path | str | None = None) -> pd.DataFrame:
    """Bytes per extract file (ledgers summed per source) and the total."""
    root = Path(root) if root is not None else DEMO_DIR
    rows = [
        {"file": p.relative_to(root).as_posix(), "bytes": p.stat().st_size}
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ]
    df = pd.DataFrame(rows)
    df["group"] = df["file"].where(
        ~df["file"].str.startswith("ledgers/"), df["file"].str.rsplit("/", n=1).str[0]
    )
    return df.groupby("group", sort=False)["bytes"].sum().reset_index()


def sha256_tree(root: Path | str) -> dict[str, str]:
    root = Path(root)
    return {
        p.relative_to(root).as_posix(): sha256_of(p) for p in sorted(root.rglob("*")) if p.is_file()
    }


__all__ = ["build_demo", "covered_districts", "extract_sizes", "sha256_tree", "PROJECT_ROOT"]
