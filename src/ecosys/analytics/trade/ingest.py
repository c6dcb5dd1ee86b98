"""Import trade files into a Parquet dataset: streamed by DuckDB, checked, all-or-nothing, idempotent.

DuckDB reads each CSV (in parallel, never whole in memory) and writes the normalised rows straight
to Parquet, partitioned by year, in a staging folder; any bad value aborts the statement and a
Python pass over the file then names the first bad line, column and reason (``TradeFileError``).
A file whose SHA-256 is already in the manifest is recognised and nothing is written.

``progress(done, total)`` counts bytes of work: each file is read once for its checksum and once to
import it (a zip member once more to extract it), so ``total`` is about twice the data size.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb

from ecosys.analytics.trade.codes import Country, decode_table, parse_country_codes, shipped_country_codes
from ecosys.analytics.trade.comtrade import Flow, comtrade_classification, comtrade_plan
from ecosys.analytics.trade.dataset import SourceRecord, Staging, staging
from ecosys.analytics.trade.errors import TradeFileError
from ecosys.analytics.trade.formats import (
    CLASSIFICATIONS,
    Header,
    ReadPlan,
    baci_plan,
    classification_from_name,
    long_plan,
    open_text,
    read_header,
)
from ecosys.analytics.trade.progress import Meter, Progress, hash_stream, run_with_progress, sha256_file

BACI_MEMBER = re.compile(r"BACI_.*\.csv$", re.IGNORECASE)
COUNTRY_MEMBER = re.compile(r"country_codes.*\.csv$", re.IGNORECASE)


@dataclass(frozen=True)
class ImportResult:
    status: Literal["imported", "already_imported"]
    sources: tuple[SourceRecord, ...]

    @property
    def rows_written(self) -> int:
        return sum(s.rows_written for s in self.sources)


def _connect(area: Staging) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = false")  # row order inside a part carries no meaning
    spill = str(area.scratch() / "duckdb").replace("'", "''")
    con.execute(f"SET temp_directory = '{spill}'")
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    return con


def _read_csv_sql(path: Path, header: Header, columns: Mapping[str, str]) -> str:
    spec = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
    delim = "\\t" if header.delimiter == "\t" else header.delimiter
    quoted = str(path).replace("'", "''")
    return (
        f"read_csv('{quoted}', header = true, auto_detect = false, delim = '{delim}', quote = '\"', "
        f"escape = '\"', columns = {{{spec}}})"
    )


def _explain(read: Path, path: Path, header: Header, plan: ReadPlan, error: Exception) -> TradeFileError:
    """Scan ``read`` to name the first line DuckDB refused (as ``path``); else give DuckDB's message."""
    try:
        with open_text(read) as handle:
            reader = csv.reader(handle, delimiter=header.delimiter)
            next(reader)
            for row in reader:
                if row and (problem := plan.check_row(row)):
                    return TradeFileError(path, reader.line_num, problem[0], problem[1][0], **problem[1][1])
    except UnicodeDecodeError:
        return TradeFileError(path, None, None, "not_utf8")
    except csv.Error as csv_error:
        return TradeFileError(path, None, None, "unreadable_csv", detail=str(csv_error))
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return TradeFileError(path, None, None, "refused_by_reader", detail=first_line)


def _import_csv(
    area: Staging,
    con: duckdb.DuckDBPyConnection,
    *,
    csv_path: Path,
    display: Path,
    header: Header,
    plan: ReadPlan,
    sha256: str,
    fmt: str,
    classification: str | None,
    meter: Meter,
    archive: dict[str, str] | None = None,
) -> SourceRecord:
    """Write one CSV's rows to the staging folder and return its manifest record (not yet committed)."""
    source = _read_csv_sql(csv_path, header, plan.columns)
    out = area.source_dir(sha256)
    out.parent.mkdir(parents=True, exist_ok=True)
    size = csv_path.stat().st_size
    try:
        counts: dict[str, int] = {}
        if plan.skipped:
            row = con.execute(plan.skipped_counts_sql().replace("{source}", source)).fetchall()[0]
            counts = dict(zip(["rows_read", *plan.skipped], (int(v) for v in row), strict=True))
        select = plan.select.replace("{source}", source) + "\n" + plan.where()
        copy = (
            f"COPY ({select}) TO '{out}' "
            "(FORMAT parquet, PARTITION_BY (year), WRITE_PARTITION_COLUMNS true, COMPRESSION zstd)"
        )
        written = int(run_with_progress(con, copy, meter, size)[0][0])
    except (duckdb.ConversionException, duckdb.InvalidInputException) as error:  # bad data, not bad SQL
        raise _explain(csv_path, display, header, plan, error) from error
    rows_read = counts.pop("rows_read", written)
    if written == 0:
        left_out = ", ".join(f"{n} {reason}" for reason, n in counts.items() if n) or "none"
        raise TradeFileError(display, None, None, "no_rows_to_import", read=rows_read, left_out=left_out)
    parts = sorted(str(p.relative_to(area.root)) for p in out.rglob("*.parquet"))
    by_year = con.execute(
        f"SELECT year, sum(value_usd) FROM read_parquet('{out}/**/*.parquet', hive_partitioning = false) "  # noqa: S608
        "GROUP BY year ORDER BY year"
    ).fetchall()
    return SourceRecord(
        sha256=sha256,
        name=display.name,
        format=fmt,
        classification=classification,
        size_bytes=size,
        rows_read=rows_read,
        rows_written=written,
        rows_skipped={reason: n for reason, n in counts.items() if n},
        value_usd_by_year={str(year): float(total) for year, total in by_year},
        parts=parts,
        imported_at=datetime.now(UTC).isoformat(timespec="seconds"),
        archive=archive,
    )


def _classification(given: str | None, *names: str) -> str | None:
    if given is not None:
        if given.upper() not in CLASSIFICATIONS:
            raise ValueError(f"classification must be one of {', '.join(CLASSIFICATIONS)}")
        return given.upper()
    return next((c for name in names if (c := classification_from_name(name))), None)


def ingest_long_table(
    source: Path,
    dataset: Path,
    *,
    year: int | None = None,
    classification: str | None = None,
    value_multiplier: float = 1.0,
    country_codes: Mapping[int, Country] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a long table of exports (country ISO3, product, value in USD [x value_multiplier], year).

    ``year`` is required when the file has no year column. Empty or ``NA`` values are not stored
    (the source reported nothing; see formats.py). With ``country_codes``, every country must be in it.
    """
    header = read_header(source)
    plan = long_plan(header, source, year=year, value_multiplier=value_multiplier, countries=country_codes)
    return _ingest_one(source, dataset, header, plan, "long", _classification(classification, source.name), progress)


def ingest_comtrade(
    source: Path,
    dataset: Path,
    *,
    flow: Flow = "X",
    product_digits: int = 6,
    classification: str | None = None,
    country_codes: Mapping[int, Country] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a UN Comtrade bulk file (CSV or tab-separated, plain or .gz); see comtrade.py for the rules."""
    header = read_header(source)
    plan = comtrade_plan(
        header,
        source,
        flow=flow,
        product_digits=product_digits,
        countries=country_codes if country_codes is not None else shipped_country_codes(),
        strict_countries=country_codes is not None,
    )
    if classification is None:
        with open_text(source) as handle:
            rows = csv.reader(handle, delimiter=header.delimiter)
            next(rows)
            classification = comtrade_classification(next(rows, []), header)
    return _ingest_one(source, dataset, header, plan, "comtrade", _classification(classification), progress)


def _ingest_one(
    source: Path,
    dataset: Path,
    header: Header,
    plan: ReadPlan,
    fmt: str,
    classification: str | None,
    progress: Progress | None,
) -> ImportResult:
    meter = Meter(progress, 2 * source.stat().st_size)
    sha256 = sha256_file(source, meter)
    with staging(dataset) as area:
        if (known := area.manifest.by_sha(sha256)) is not None:
            meter.finish()
            return ImportResult("already_imported", (known,))
        area.manifest.accept_classification(classification)
        with _connect(area) as con:
            record = _import_csv(
                area,
                con,
                csv_path=source,
                display=source,
                header=header,
                plan=plan,
                sha256=sha256,
                fmt=fmt,
                classification=classification,
                meter=meter,
            )
        area.add(record)
        area.commit()
    meter.finish()
    return ImportResult("imported", (record,))


def ingest_baci(
    source: Path,
    dataset: Path,
    *,
    classification: str | None = None,
    country_codes: Mapping[int, Country] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a CEPII BACI yearly CSV or a whole release zip (every ``BACI_*.csv`` member in it).

    The HS revision comes from ``classification`` or the file name (``BACI_HS17_Y2021_V202301``).
    Country codes map to ISO3 through ``country_codes``, else the release's own
    ``country_codes_V*.csv`` (zip), else the table shipped with Ecosys; an unknown code is an error.
    Zip members already imported (same SHA-256) are skipped, so a release can follow yearly files.
    """
    if zipfile.is_zipfile(source):
        return _ingest_baci_zip(source, dataset, classification, country_codes, progress)
    header = read_header(source)
    plan = baci_plan(header, source, country_codes if country_codes is not None else shipped_country_codes())
    cls = _classification(classification, source.name)
    if cls is None:
        raise TradeFileError(source, None, None, "classification_unknown")
    return _ingest_one(source, dataset, header, plan, "baci", cls, progress)


def _ingest_baci_zip(
    source: Path,
    dataset: Path,
    classification: str | None,
    country_codes: Mapping[int, Country] | None,
    progress: Progress | None,
) -> ImportResult:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise TradeFileError(source, None, None, "not_a_zip", detail=str(error)) from error
    with archive:
        members = sorted(
            (m for m in archive.infolist() if BACI_MEMBER.search(Path(m.filename).name)), key=lambda m: m.filename
        )
        if not members:
            raise TradeFileError(source, None, None, "no_baci_member")
        if country_codes is None:
            tables = [m for m in archive.infolist() if COUNTRY_MEMBER.search(Path(m.filename).name)]
            country_codes = (
                parse_country_codes(decode_table(archive.read(tables[0])).splitlines(), source / tables[0].filename)
                if tables
                else shipped_country_codes()
            )
        meter = Meter(progress, source.stat().st_size + sum(2 * m.file_size for m in members))
        zip_sha = sha256_file(source, meter)
        with staging(dataset) as area:
            if known := area.manifest.from_archive(zip_sha):
                meter.finish()
                return ImportResult("already_imported", tuple(known))
            origin = {"name": source.name, "sha256": zip_sha}
            records: list[SourceRecord] = []
            existing: list[SourceRecord] = []
            with _connect(area) as con:
                for member in members:
                    name = Path(member.filename).name
                    extracted = area.scratch() / name
                    with archive.open(member) as stream, extracted.open("wb") as sink:
                        member_sha = hash_stream(stream, meter, sink)
                    staged = next((r for r in records if r.sha256 == member_sha), None)
                    if (known_member := area.manifest.by_sha(member_sha) or staged) is not None:
                        existing.append(known_member)
                        meter.advance(member.file_size)
                    else:
                        record = _import_member(
                            area,
                            con,
                            extracted,
                            source / name,
                            member_sha,
                            meter,
                            origin,
                            classification=_classification(classification, name, source.name),
                            country_codes=country_codes,
                        )
                        records.append(record)
                    extracted.unlink()
            for record in records:
                area.add(record)
            area.commit()
    meter.finish()
    if not records:
        return ImportResult("already_imported", tuple(existing))
    return ImportResult("imported", tuple(records))


def _import_member(
    area: Staging,
    con: duckdb.DuckDBPyConnection,
    extracted: Path,
    display: Path,
    sha256: str,
    meter: Meter,
    origin: dict[str, str],
    *,
    classification: str | None,
    country_codes: Mapping[int, Country],
) -> SourceRecord:
    """Import one BACI CSV extracted from a release zip; errors name it as ``zip path / member``."""
    if classification is None:
        raise TradeFileError(display, None, None, "classification_unknown")
    area.manifest.accept_classification(classification)
    header = read_header(extracted, display)
    return _import_csv(
        area,
        con,
        csv_path=extracted,
        display=display,
        header=header,
        plan=baci_plan(header, display, country_codes),
        sha256=sha256,
        fmt="baci",
        classification=classification,
        meter=meter,
        archive=origin,
    )
