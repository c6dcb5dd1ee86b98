"""The trade dataset on disk: Parquet parts, a JSON manifest, and all-or-nothing commits.

Layout::

    <dataset>/manifest.json                                 sources imported, with their parts
    <dataset>/flows/source=<sha16>/year=<yyyy>/*.parquet    one folder per imported source file
    <dataset>/countries.parquet, products.parquet           optional reference tables

Every part holds the normalised columns ``FLOW_COLUMNS``. The manifest is the commit point:
readers (``connect``) see only the parts it lists. An import writes into a staging folder beside
the dataset, then moves each finished source folder in with one ``rename`` and replaces the
manifest atomically; a failed import leaves nothing behind, and a crash between the two steps
leaves an unlisted folder that the next import removes. Imports into datasets of one parent folder
are serialised by a lock on that folder (``flock``; Linux and macOS).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ecosys.analytics.trade.codes import Country, Product
from ecosys.analytics.trade.errors import TradeDatasetError

MANIFEST = "manifest.json"
FLOWS = "flows"
MANIFEST_KIND = "ecosys-trade-dataset"
MANIFEST_VERSION = 1
FLOW_COLUMNS = ("year", "exporter", "importer", "product", "value_usd", "quantity_t")
EMPTY_FLOWS_SQL = (
    "SELECT CAST(NULL AS INTEGER) AS year, CAST(NULL AS VARCHAR) AS exporter, CAST(NULL AS VARCHAR) AS importer, "
    "CAST(NULL AS VARCHAR) AS product, CAST(NULL AS DOUBLE) AS value_usd, CAST(NULL AS DOUBLE) AS quantity_t "
    "WHERE false"
)


@dataclass(frozen=True)
class SourceRecord:
    """One imported file: enough to recognise it again and to check the import against the source."""

    sha256: str
    name: str
    format: str
    classification: str | None
    size_bytes: int
    rows_read: int
    rows_written: int
    rows_skipped: dict[str, int]
    value_usd_by_year: dict[str, float]
    parts: list[str]
    imported_at: str
    archive: dict[str, str] | None = None  # {"name", "sha256"} of the zip the file came from

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.value_usd_by_year)


@dataclass
class Manifest:
    classification: str | None = None
    sources: list[SourceRecord] = field(default_factory=list)

    def by_sha(self, sha256: str) -> SourceRecord | None:
        return next((s for s in self.sources if s.sha256 == sha256), None)

    def from_archive(self, sha256: str) -> list[SourceRecord]:
        return [s for s in self.sources if s.archive and s.archive.get("sha256") == sha256]

    def accept_classification(self, classification: str | None) -> None:
        """Refuse a source of another HS revision than the dataset's: its codes would not compare."""
        if classification is None:
            return
        if self.classification is None:
            self.classification = classification
        elif self.classification != classification:
            raise TradeDatasetError(
                "classification_mismatch", f"dataset is {self.classification}, file is {classification}"
            )

    def to_json(self) -> str:
        data: dict[str, Any] = {"kind": MANIFEST_KIND, "version": MANIFEST_VERSION}
        data |= {"classification": self.classification, "sources": [asdict(s) for s in self.sources]}
        return json.dumps(data, indent=2, sort_keys=False) + "\n"


def read_manifest(dataset: Path) -> Manifest:
    """Return the dataset's manifest (an empty one when the dataset does not exist yet)."""
    path = dataset / MANIFEST
    if not path.exists():
        return Manifest()
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("kind") != MANIFEST_KIND or data.get("version") != MANIFEST_VERSION:
        raise TradeDatasetError("unknown_manifest", str(path))
    return Manifest(data.get("classification"), [SourceRecord(**s) for s in data.get("sources", [])])


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class Staging:
    """A folder beside the dataset where one import writes before it commits."""

    def __init__(self, dataset: Path, manifest: Manifest) -> None:
        self.dataset = dataset
        self.manifest = manifest
        self.root = dataset.parent / f".{dataset.name}.staging-{uuid.uuid4().hex[:12]}"
        self.root.mkdir()
        self.new_sources: list[SourceRecord] = []

    def source_dir(self, sha256: str) -> Path:
        return self.root / FLOWS / f"source={sha256[:16]}"

    def scratch(self) -> Path:
        path = self.root / "scratch"
        path.mkdir(exist_ok=True)
        return path

    def add(self, record: SourceRecord) -> None:
        self.manifest.accept_classification(record.classification)
        self.manifest.sources.append(record)
        self.new_sources.append(record)

    def commit(self) -> None:
        shutil.rmtree(self.root / "scratch", ignore_errors=True)
        if not self.new_sources:
            return
        if not self.dataset.exists():
            _write_atomically(self.root / MANIFEST, self.manifest.to_json())
            os.rename(self.root, self.dataset)
            return
        (self.dataset / FLOWS).mkdir(exist_ok=True)
        for record in self.new_sources:
            folder = Path(record.parts[0]).parts[1]
            os.rename(self.root / FLOWS / folder, self.dataset / FLOWS / folder)
        _write_atomically(self.dataset / MANIFEST, self.manifest.to_json())


def _remove_leftovers(dataset: Path, manifest: Manifest) -> None:
    """Remove staging folders and unlisted source folders left by crashed imports (lock held)."""
    for stale in dataset.parent.glob(f".{dataset.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    listed = {Path(p).parts[1] for s in manifest.sources for p in s.parts}
    flows = dataset / FLOWS
    if flows.is_dir():
        for folder in flows.iterdir():
            if folder.name not in listed:
                shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def staging(dataset: Path) -> Iterator[Staging]:
    """Lock the dataset's folder, yield a staging area, and remove it whatever happens.

    The caller commits with ``Staging.commit()``; leaving the block by an exception commits nothing.
    """
    dataset.parent.mkdir(parents=True, exist_ok=True)
    lock = os.open(dataset.parent, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manifest = read_manifest(dataset)
        _remove_leftovers(dataset, manifest)
        area = Staging(dataset, manifest)
        try:
            yield area
        finally:
            shutil.rmtree(area.root, ignore_errors=True)
    finally:
        os.close(lock)


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def connect(dataset: Path) -> duckdb.DuckDBPyConnection:
    """Open an in-memory DuckDB with the view ``flows`` (and ``countries``, ``products`` if written).

    ``flows`` has one row per source row kept: year, exporter, importer (NULL for exports to the
    world), product (HS code as text), value_usd, quantity_t (NULL when unknown).
    """
    manifest = read_manifest(dataset)
    con = duckdb.connect()
    parts = [str(dataset / p) for s in manifest.sources for p in s.parts]
    read_parts = f"SELECT * FROM read_parquet({_sql_list(parts)}, hive_partitioning = false)"  # noqa: S608 - escaped paths
    flows = read_parts if parts else EMPTY_FLOWS_SQL
    con.execute(f"CREATE VIEW flows AS {flows}")
    for table in ("countries", "products"):
        if (dataset / f"{table}.parquet").exists():
            path = _sql_list([str(dataset / f"{table}.parquet")])
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({path})")  # noqa: S608 - escaped path
    return con


def write_reference_tables(
    dataset: Path,
    *,
    countries: Mapping[int, Country] | None = None,
    products: Mapping[str, Product] | None = None,
) -> None:
    """Write (replace) the ``countries`` and ``products`` tables beside the flows, for names in queries."""
    tables: dict[str, tuple[str, list[tuple[object, ...]]]] = {}
    if countries is not None:
        country_rows: list[tuple[object, ...]] = [(c.code, c.iso3, c.name) for c in countries.values()]
        tables["countries"] = ("code INTEGER, iso3 VARCHAR, name VARCHAR", country_rows)
    if products is not None:
        product_rows: list[tuple[object, ...]] = [(p.code, p.level, p.name, p.name_short) for p in products.values()]
        tables["products"] = ("product VARCHAR, level INTEGER, name VARCHAR, name_short VARCHAR", product_rows)
    with staging(dataset) as area:
        if not dataset.exists():
            dataset.mkdir()
            _write_atomically(dataset / MANIFEST, area.manifest.to_json())
        with duckdb.connect() as con:
            for name, (columns, rows) in tables.items():
                con.execute(f"CREATE TABLE {name} ({columns})")
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)  # noqa: S608 - constant names
                tmp = area.root / f"{name}.parquet"
                con.execute(f"COPY {name} TO '{tmp}' (FORMAT parquet)")
                os.replace(tmp, dataset / f"{name}.parquet")
