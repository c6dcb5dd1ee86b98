"""BACI ingestion: rows/s and peak memory into the Parquet dataset, against plain readers of the same file.

DESIGN.md budgets BACI CSV ingestion at >= 1 M rows/s into Parquet on 2 cores. This generates a
world-scale BACI-format file (230 countries x 5,000 HS6 products, about 10 M flows; set
ECOSYS_BENCH_TRADE_ROWS for another size), then runs in fresh child processes, one at a time:

* ``ingest_baci``: checksum, checks of every value, normalisation, Parquet by year, manifest;
* peer "DuckDB table": ``CREATE TABLE AS SELECT * FROM read_csv`` (typed, no checks, no Parquet);
* peer "DuckDB raw Parquet": ``COPY read_csv TO parquet`` as the file stands (no checks);
* peer "csv module": Python's csv reader summing v (what a hand-written importer starts from).

Peak memory is each child's maximum resident set size (including the Python interpreter). The
machine may be shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

ROWS = int(os.environ.get("ECOSYS_BENCH_TRADE_ROWS", "10000000"))
COLUMNS = "{'t': 'INTEGER', 'i': 'INTEGER', 'j': 'INTEGER', 'k': 'VARCHAR', 'v': 'DOUBLE', 'q': 'VARCHAR'}"


def _read_csv(source: str) -> str:
    return f"read_csv('{source}', header = true, columns = {COLUMNS})"


def _ingest(source: str, workdir: str) -> int:
    from ecosys.analytics.trade import ingest_baci

    return ingest_baci(Path(source), Path(workdir) / "dataset").rows_written


def _duckdb_table(source: str, workdir: str) -> int:
    import duckdb

    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(f"CREATE TABLE flows AS SELECT * FROM {_read_csv(source)}")  # noqa: S608 - our temp file
        return int(con.execute("SELECT count(*) FROM flows").fetchall()[0][0])


def _duckdb_raw_parquet(source: str, workdir: str) -> int:
    import duckdb

    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        copy = f"COPY (SELECT * FROM {_read_csv(source)}) TO '{workdir}/raw.parquet'"  # noqa: S608 - our temp file
        return int(con.execute(f"{copy} (FORMAT parquet, COMPRESSION zstd)").fetchall()[0][0])


def _csv_module(source: str, workdir: str) -> int:
    import csv

    rows, total = 0, 0.0
    with open(source, newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            rows += 1
            total += float(row[4])
    return rows


RUNNERS = {
    "ingest_baci": _ingest,
    "DuckDB table": _duckdb_table,
    "DuckDB raw Parquet": _duckdb_raw_parquet,
    "csv module": _csv_module,
}


def _child(name: str, source: str, workdir: str, results: Any) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    rows = RUNNERS[name](source, workdir)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    results.put((rows, elapsed, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _measure(name: str, source: Path, workdir: Path) -> tuple[int, float, float, float]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_child, args=(name, str(source), str(workdir), results))
    process.start()
    while True:
        try:
            outcome: tuple[int, float, float, float] = results.get(timeout=1)
            break
        except queue.Empty:
            if not process.is_alive():
                raise RuntimeError(f"{name} failed in its child process (exit code {process.exitcode})") from None
    process.join()
    return outcome


def run() -> None:
    from ecosys.analytics.trade import generate_baci_world

    workdir = Path(tempfile.mkdtemp(prefix="ecosys-bench-trade-"))
    try:
        source = workdir / "BACI_HS12_Y2021_V000000.csv"
        started = time.perf_counter()
        generated = generate_baci_world(source, target_rows=ROWS)
        size_mb = source.stat().st_size / 1e6
        print(
            f"   generated {generated.rows:,} flows ({size_mb:,.0f} MB) in {time.perf_counter() - started:.1f} s; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for name in RUNNERS:
            rows, elapsed, cpu, peak_mb = _measure(name, source, workdir)
            note = "" if rows == generated.rows else f"  (!) {rows:,} rows"
            print(
                f"   {name:<20} {elapsed:6.2f} s  {rows / elapsed / 1e6:5.2f} M rows/s  CPU {cpu:6.2f} s  "
                f"peak {peak_mb:6.0f} MB{note}",
                flush=True,
            )
            if name == "ingest_baci":
                parquet_mb = sum(p.stat().st_size for p in (workdir / "dataset").rglob("*.parquet")) / 1e6
                verdict = "meets" if rows / elapsed >= 1e6 else "misses"
                print(f"   {'':<20} Parquet {parquet_mb:,.0f} MB; {verdict} the 1 M rows/s budget", flush=True)
        print(f"   load average after: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
