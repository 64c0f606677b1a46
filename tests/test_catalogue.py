"""The data catalogue: declarations, resolution order, missing files, checksums, schemas."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import FIXTURES, ROOT

from anchorlib.core.errors import (
    ChecksumMismatchError,
    DataValidationError,
    MissingSourceFileError,
    UnknownSourceError,
)
from anchorlib.data import catalogue
from anchorlib.data.catalogue import Catalogue, load_catalogue
from anchorlib.data.readers import read_source, resolve


def test_every_source_declares_provenance_and_licence():
    cat = load_catalogue(ROOT / "data" / "sources.yml")
    assert len(cat.sources) >= 25
    for s in cat.sources:
        assert s.publisher and s.licence and s.attribution and s.vintage, s.id
        assert s.url.startswith("https://"), s.id
        assert s.files, s.id
        if not s.optional:
            assert all(f.sha256 for f in s.files), s.id
        if s.kind == "reference" and not s.optional:
            assert s.schema_ is not None and s.schema_.columns, s.id


def test_catalogue_model_rejects_bad_declarations():
    raw = yaml.safe_load((ROOT / "data" / "sources.yml").read_text())
    raw["sources"][0]["files"][0]["sha256"] = "not-a-checksum"
    with pytest.raises(ValueError, match="sha256"):
        Catalogue.model_validate(raw)
    raw = yaml.safe_load((ROOT / "data" / "sources.yml").read_text())
    raw["sources"].append(raw["sources"][0])
    with pytest.raises(ValueError, match="duplicate source ids"):
        Catalogue.model_validate(raw)


def test_unknown_source_is_named():
    with pytest.raises(UnknownSourceError, match="No source 'nope'"):
        resolve("nope")


def test_missing_file_names_source_url_and_destination(fixture_data, tmp_path, monkeypatch):
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path))  # an empty root
    with pytest.raises(MissingSourceFileError) as exc:
        resolve("imd2025")
    msg = str(exc.value)
    assert "imd2025" in msg
    assert "https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025" in msg
    assert "reference/imd2025_lsoa21.csv" in msg
    assert "ANCHOR_DATA_DIR" in msg


def test_checksum_mismatch_is_an_error(fixture_data, tmp_path, monkeypatch):
    bad = tmp_path / "reference" / "imd2025_lsoa21.csv"
    bad.parent.mkdir(parents=True)
    shutil.copy(fixture_data / "reference" / "imd2025_lsoa21.csv", bad)
    with open(bad, "a") as fh:
        fh.write("E01999999,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n")
    monkeypatch.setenv("ANCHOR_DATA_DIR", str(tmp_path))
    with pytest.raises(ChecksumMismatchError, match="expected sha256"):
        resolve("imd2025")


def test_resolution_order_repo_data_then_env_then_shared(fixture_data, tmp_path, monkeypatch):
    roots = catalogue.data_roots()
    assert roots[0] == ROOT / "data"
    assert roots[1] == FIXTURES / "data"
    monkeypatch.delenv("ANCHOR_NO_SHARED")
    roots = catalogue.data_roots()
    if catalogue.shared_data_dir().is_dir():
        assert roots[-1] == catalogue.shared_data_dir()


def test_schema_failure_lists_every_problem_with_row_and_column(
    fixture_data, tmp_path, monkeypatch
):
    src = (fixture_data / "reference" / "lookup_lad24_region24.csv").read_text().splitlines()
    src[3] = src[3].replace("E12", "X12")  # bad region code on data row 3
    src[5] = src[5].replace("E0", "Q0", 1)  # bad LAD code on data row 5
    bad = tmp_path / "reference" / "lookup_lad24_region24.csv"
    bad.parent.mkdir(parents=True)
    bad.write_text("\n".join(src) + "\n")
    cat = load_catalogue().model_copy(deep=True)
    cat.get("lookup_lad24_region").files[0].sha256 = catalogue.sha256_of(bad)
    with pytest.raises(DataValidationError) as exc:
        read_source("lookup_lad24_region", catalogue=cat, roots=[tmp_path], use_cache=False)
    msg = str(exc.value)
    assert "2 problem(s)" in msg
    assert "row 3, column 'region24_code'" in msg
    assert "row 5, column 'ltla24_code'" in msg


def test_cache_is_keyed_by_checksum_and_faster(fixture_data):
    df1 = read_source("imd2025")
    cached = list(catalogue.cache_dir().glob("imd2025-*.parquet"))
    assert len(cached) == 1
    sha = load_catalogue().get("imd2025").files[0].sha256
    assert cached[0].name == f"imd2025-{sha[:16]}.parquet"
    df2 = read_source("imd2025")
    assert df1.equals(df2)
