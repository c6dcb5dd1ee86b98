"""Progress of long imports: bytes of work done, reported to the caller's ``progress(done, total)``.

The callback is always called from the caller's thread, at most every PROGRESS_EVERY_S seconds
and once at the end with ``done == total``, so a CLI can drive a tqdm bar from it directly.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import duckdb

Progress = Callable[[int, int], None]
CHUNK = 4 << 20
PROGRESS_EVERY_S = 0.2


class Meter:
    """Accumulate work done and call ``progress`` at most every PROGRESS_EVERY_S seconds, and at the end."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done, self._last = progress, max(total, 1), 0, 0.0

    def advance(self, amount: int, *, force: bool = False) -> None:
        self.done = min(self.total, self.done + amount)
        now = time.monotonic()
        if self.progress is not None and (force or now - self._last >= PROGRESS_EVERY_S):
            self._last = now
            self.progress(self.done, self.total)

    def finish(self) -> None:
        self.done = self.total
        self.advance(0, force=True)


def hash_stream(stream: IO[bytes], meter: Meter, sink: IO[bytes] | None = None) -> str:
    digest = hashlib.sha256()
    while block := stream.read(CHUNK):
        digest.update(block)
        if sink is not None:
            sink.write(block)
        meter.advance(len(block))
    return digest.hexdigest()


def sha256_file(path: Path, meter: Meter) -> str:
    with path.open("rb") as stream:
        return hash_stream(stream, meter)


def run_with_progress(con: duckdb.DuckDBPyConnection, sql: str, meter: Meter, work: int) -> list[tuple[Any, ...]]:
    """Run ``sql`` in a worker thread, turning DuckDB's query progress into ``work`` units on the meter."""
    result: list[list[tuple[Any, ...]]] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(con.execute(sql).fetchall())
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)

    start, reported = meter.done, 0
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(PROGRESS_EVERY_S)
        share = con.query_progress() if worker.is_alive() else 100.0
        if share >= 0:
            now = int(work * min(share, 100.0) / 100)
            meter.advance(max(0, now - reported))
            reported = max(reported, now)
    meter.done = start + work
    if failure:
        raise failure[0]
    return result[0]
