"""Find a declared file and read a declared source into a validated (Geo)DataFrame, through a
Parquet cache.

:func:`resolve` gives the verified path of a declared file: the full file under a data root, or
its byte-identical copy in the demo extract (:mod:`anchorlib.data.extract`) when the full file is
missing.  The first read of a source parses the published file, validates it against
the schema declared in ``data/sources.yml`` and writes Parquet (GeoParquet for
boundaries) under the cache folder, named by the source id and the file's
sha256.  Later reads load the Parquet file: a new release of the file has a new
checksum and so gets a new cache entry; an old entry is never served for it.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

import pandas as pd

from anchorlib.core.atomic import write_all
from anchorlib.core.errors import ChecksumMismatchError, DataValidationError, MissingSourceFileError
from anchorlib.data.catalogue import (
    PROJECT_ROOT,
    Catalogue,
    FileSpec,
    Source,
    cache_dir,
    data_roots,
    find_file,
    load_catalogue,
    verified_sha256,
)
from anchorlib.data.extract import (
    ExtractFile,
    ExtractSource,
    extract_for,
    extract_path,
    note_extract,
    outside_extract_error,
)
from anchorlib.data.validation import validate


def resolve(
    source_id: str,
    index: int = 0,
    *,
    catalogue: Catalogue | None = None,
    roots: list[Path] | None = None,
    verify: bool = True,
) -> Path:
    """Path of a declared file, checked against its sha256.

    Raises MissingSourceFileError (naming the source, the official URL and where
    to put the file) or ChecksumMismatchError.
    """
    cat = catalogue or load_catalogue()
    source = cat.get(source_id)
    file = source.files[index]
    roots = roots if roots is not None else data_roots()
    path = find_file(source, file, roots)
    if path is None:
        hit = extract_for(source_id, index, cat)
        if hit is not None and hit[1].format == "raw":  # a byte-identical copy in the demo extract
            note_extract(hit[0])
            return extract_path(*hit)
        searched = "\n".join(f"  - {r / file.path}" for r in roots)
        raise MissingSourceFileError(
            f"Missing data file for source '{source.id}' ({source.title}, {source.publisher}).\n"
            f"Expected file: {file.path}\nLooked in:\n{searched}\n"
            f"{source.how_to_get()}\n"
            f"Put it at <data root>/{file.path}, where <data root> is the folder named by "
            f"ANCHOR_DATA_DIR (set it), or {PROJECT_ROOT / 'data'}."
        )
    if verify and file.sha256 is not None:
        actual = verified_sha256(path)
        if actual != file.sha256:
            raise ChecksumMismatchError(
                f"Checksum mismatch for source '{source.id}' file {path}:\n"
                f"  expected sha256 {file.sha256}\n  found    sha256 {actual}\n"
                f"The file is not the declared release. {source.how_to_get()}"
            )
    return path


def cache_path(source: Source, file: FileSpec, path: Path, index: int = 0) -> Path:
    sha = file.sha256 or verified_sha256(path)
    suffix = f"-{index}" if index else ""
    return cache_dir() / f"{source.id}{suffix}-{sha[:16]}.parquet"


def _read_csv(path: Path, source: Source) -> pd.DataFrame:
    spec = source.read
    if spec.all_str:
        return _read_csv_all_str(path, source)
    return pd.read_csv(
        path,
        encoding=spec.encoding,
        thousands=spec.thousands,
        compression=spec.compression,
        low_memory=False,
    )


def _read_csv_all_str(path: Path, source: Source) -> pd.DataFrame:
    """Every column as text (codes keep leading zeros; empty cells are missing), via Arrow for
    speed."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    opener = gzip.open if source.read.compression == "gzip" else open
    with opener(path, "rt", encoding=source.read.encoding) as fh:
        header = next(csv.reader([fh.readline()]))
    stream = pa.input_stream(
        str(path), compression="gzip" if source.read.compression == "gzip" else None
    )
    table = pacsv.read_csv(
        stream,
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in header}, strings_can_be_null=True
        ),
    )
    return table.to_pandas()


def _read_codepoint_zip(path: Path, source: Source) -> pd.DataFrame:
    """OS Code-Point Open: one headerless CSV per postcode area; headers in Doc/."""
    with zipfile.ZipFile(path) as zf:
        names = (
            zf.read("Doc/Code-Point_Open_Column_Headers.csv")
            .decode("utf-8-sig")
            .splitlines()[1]
            .split(",")
        )
        parts = [
            pd.read_csv(
                io.BytesIO(zf.read(n)), header=None, names=names, dtype=str, keep_default_na=False
            )
            for n in sorted(zf.namelist())
            if n.startswith("Data/CSV/") and n.endswith(".csv")
        ]
    df = pd.concat(parts, ignore_index=True)
    return df.replace({"": None})


def _read_geojson(path: Path):
    import geopandas as gpd

    return gpd.read_file(path, engine="pyogrio", use_arrow=True)


def parse_and_validate(source: Source, path: Path) -> pd.DataFrame:
    """Parse the published file and check it against its declared schema."""
    fmt = source.read.format
    if fmt == "csv":
        df = _read_csv(path, source)
        offset = 1  # index 0 is the first data row, below the header
    elif fmt == "geojson":
        df = _read_geojson(path)
        offset = 1
    elif fmt == "codepoint_zip":
        df = _read_codepoint_zip(path, source)
        offset = 1
    else:  # pragma: no cover - the catalogue model forbids other values
        raise ValueError(fmt)
    return validate(df, source.schema_, label=f"{path} (source '{source.id}')", row_offset=offset)


def read_source(
    source_id: str,
    *,
    columns: list[str] | None = None,
    index: int = 0,
    catalogue: Catalogue | None = None,
    roots: list[Path] | None = None,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Load a declared source as a validated DataFrame (GeoDataFrame for boundaries).

    Parameters
    ----------
    source_id: the ``id`` in ``data/sources.yml``.
    columns: read only these columns (from the cache; the first read parses all).
    use_cache: False forces a parse of the published file (used by the benchmark).
    """
    cat = catalogue or load_catalogue()
    source = cat.get(source_id)
    file = source.files[index]
    try:
        path = resolve(source_id, index, catalogue=cat, roots=roots)
    except MissingSourceFileError:
        hit = extract_for(source_id, index, cat) if roots is None else None
        if hit is None or hit[1].format == "raw":
            raise
        return read_extract(source_id, *hit, columns=columns, catalogue=cat)
    if source.read is None:
        raise DataValidationError(
            f"Source '{source_id}' declares no read: block; it is read by its own module."
        )
    geo = source.read.format == "geojson"
    if use_cache:
        target = cache_path(source, file, path, index)
        if target.exists():
            if geo:
                import geopandas as gpd

                return gpd.read_parquet(target, columns=columns)
            return pd.read_parquet(target, columns=columns)
    df = parse_and_validate(source, path)
    if use_cache:
        write_all({"cache": target}, {"cache": lambda p: df.to_parquet(p, index=False)})
    return df[columns] if columns else df


def read_extract(
    source_id: str,
    src: ExtractSource,
    file: ExtractFile,
    *,
    columns: list[str] | None = None,
    catalogue: Catalogue | None = None,
) -> pd.DataFrame:
    """A source read from its demo extract (data/demo/), as ``read_source`` would return it.

    Says so on stderr (once per source).  The extract keeps only some columns of some
    sources: asking for a column it does not keep (or for every column, ``columns=None``,
    when it does not keep them all) is an OutsideExtractError naming the full file to get.
    """
    kept = list(src.columns or [])
    full = list(src.all_columns or kept)
    wanted = list(columns) if columns is not None else full
    missing = [c for c in wanted if c not in kept and c not in src.derived]
    if missing:
        raise outside_extract_error(
            f"Source '{source_id}': the demo extract keeps the columns "
            f"{kept + list(src.derived)}, not {missing}.",
            [source_id],
            catalogue,
        )
    path = extract_path(src, file)
    note_extract(src)
    need = [c for c in wanted if c in kept]
    for num, den in (src.derived[c] for c in wanted if c in src.derived):
        need += [c for c in (num, den) if c not in need]
    need = [c for c in kept if c in need]  # file order
    if file.format == "geoparquet":
        import geopandas as gpd

        df = gpd.read_parquet(path, columns=need)
    else:
        df = pd.read_parquet(path, columns=need)
    for col, (num, den) in src.derived.items():
        if col in wanted:
            df[col] = df[num] / df[den]
    return df[wanted]
