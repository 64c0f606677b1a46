"""``make bench``: speed figures measured in one run, reported as ratios.

Reference loads: each source parsed from its published file (and validated)
against the same table loaded from the Parquet/GeoParquet cache; the ratio is
source time / cache time, both measured here, now, on this machine.

    python -m benchmarks [--repeat 3] [--json outputs/bench.json]
    python -m benchmarks --national [--national-limit N]   # anchor run --places lads, timed
    python -m benchmarks.places [--limit N]                 # anchor run --places lads --nations uk
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from anchorlib.data.catalogue import PROJECT_ROOT
from anchorlib.data.readers import read_source

REFERENCE_LOADS = [
    "imd2025",
    "iod2019_domains",
    "lookup_lsoa21_ward24",
    "census2021_tenure",
    "boundaries_lsoa21",
    "boundaries_lad24",
    "codepoint_open",
    "onspd_lookup",
]


def _best(fn, repeat: int) -> float:
    """Best wall time of ``repeat`` calls (the least disturbed by the rest of the machine)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_reference(repeat: int) -> list[dict]:
    rows = []
    for sid in REFERENCE_LOADS:
        read_source(sid)  # make sure the cache entry exists and the file is in the page cache
        source = _best(
            lambda sid=sid: read_source(sid, use_cache=False),
            1 if sid in ("onspd_lookup", "codepoint_open") else repeat,
        )
        cache = _best(lambda sid=sid: read_source(sid), repeat)
        rows.append(
            {
                "load": sid,
                "rows": len(read_source(sid)),
                "source_s": source,
                "cache_s": cache,
                "ratio": source / cache,
            }
        )
    rows.append(_bench_postcode_index(repeat))
    return rows


def _bench_postcode_index(repeat: int) -> dict:
    """The compact postcode table (2.68 million rows): derived once, then loaded from Parquet."""
    from anchorlib.data import postcodes

    postcodes.postcode_index()
    postcodes.postcode_index.cache_clear()
    t0 = time.perf_counter()
    postcodes.build_postcode_index(use_source_cache=False)
    source = time.perf_counter() - t0

    def load():
        postcodes.postcode_index.cache_clear()
        return postcodes.postcode_index()

    cache = _best(load, repeat)
    return {
        "load": "postcode_index (ONSPD + Code-Point + LSOA bridge)",
        "rows": len(load()),
        "source_s": source,
        "cache_s": cache,
        "ratio": source / cache,
    }


def format_rows(rows: list[dict]) -> str:
    w = max(len(r["load"]) for r in rows)
    out = [f"{'load':<{w}} {'rows':>10} {'from source':>12} {'from cache':>11} {'ratio':>7}"]
    for r in rows:
        out.append(
            f"{r['load']:<{w}} {r['rows']:>10,} {r['source_s']:>11.3f}s {r['cache_s']:>10.3f}s "
            f"{r['ratio']:>6.1f}x"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, default=PROJECT_ROOT / "outputs" / "bench.json")
    ap.add_argument(
        "--ingest-rows",
        type=int,
        default=5_000_000,
        help="size of the generated ledger for the ingest benchmark (0: skip it)",
    )
    ap.add_argument(
        "--memory-rows",
        type=int,
        default=None,
        help="also ingest a generated ledger of this many rows once, for its peak memory (e.g. "
        "20000000)",
    )
    ap.add_argument(
        "--register-rows",
        type=int,
        default=5_000_000,
        help="size of the generated Companies House file for the register enrichment benchmark "
        "(0: skip it)",
    )
    ap.add_argument(
        "--runner-notebooks",
        type=int,
        default=24,
        help="small notebooks for the runner-overhead benchmark (0: skip it)",
    )
    ap.add_argument(
        "--national",
        action="store_true",
        help="only the national baseline batch: anchor run --places lads (every LAD 2024 in "
        "England) into a temporary folder: wall time, per-notebook median and breakdown",
    )
    ap.add_argument("--national-kind", choices=["lads", "icbs"], default="lads")
    ap.add_argument("--national-limit", type=int, default=None, help="the first N places only")
    ap.add_argument("--workers", type=int, default=2, help="workers for the national batch")
    ap.add_argument(
        "--uk-places-limit",
        type=int,
        default=None,
        help="the UK places benchmark (benchmarks/places.py): the first N places of each nation "
        "(default: all 361; 0: skip it)",
    )
    args = ap.parse_args(argv)
    if args.national:
        from benchmarks.national import bench_national, format_national

        print(f"anchorlib national baseline batch on {platform.node()}\n")
        national = bench_national(
            args.national_kind, workers=args.workers, limit=args.national_limit
        )
        print(format_national(national))
        path = args.json.with_name("bench_national.json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(national, indent=2))
        print(f"\nwritten {path}")
        return
    print(
        f"anchorlib benchmark on {platform.node()} ({platform.processor() or platform.machine()}), "
        f"best of {args.repeat}\n"
    )
    print("Reference data: parse + validate the published file vs load the cache")
    rows = bench_reference(args.repeat)
    print(format_rows(rows))
    from benchmarks.ingest import bench_ingest, format_ingest

    print(
        "\nIngest: full canonicalisation (read_ledger_file) vs a bare pyarrow.csv read of the same "
        "bytes"
    )
    ingest = bench_ingest(
        args.ingest_rows, repeat=min(args.repeat, 2), memory_rows=args.memory_rows
    )
    print(format_ingest(ingest))
    registers = None
    if args.register_rows:
        from benchmarks.registers import bench_registers, format_registers

        print(
            "\nRegister enrichment: generated Companies House layout, first and second enrich vs a "
            "bare streaming read"
        )
        registers = bench_registers(args.register_rows)
        print(format_registers(registers))
    runner = incremental = None
    if args.runner_notebooks:
        from benchmarks.runner import bench_incremental, bench_runner, format_runner

        print(
            "\nBatch runner: anchor run (warm kernels, export, manifest) vs a bare papermill loop, "
            "same workers"
        )
        runner = bench_runner(args.runner_notebooks, repeat=min(args.repeat, 2))
        incremental = bench_incremental()
        print(format_runner(runner, incremental))
    uk_places = None
    if args.uk_places_limit != 0:
        from benchmarks.places import bench_places, format_places

        print(
            "\nEvery place of the UK: anchor run --places lads --nations uk, first and unchanged "
            "runs, vs England's asset alone and the ideal reports wall"
        )
        uk_places = bench_places(workers=args.workers, limit=args.uk_places_limit)
        print(format_places(uk_places))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "reference": rows,
                "ingest": ingest,
                "registers": registers,
                "runner": runner,
                "incremental": incremental,
                "uk_places": uk_places,
            },
            indent=2,
        )
    )
    print(f"\nwritten {args.json}")


if __name__ == "__main__":
    main()
