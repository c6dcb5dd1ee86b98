"""Import of a one-million-row CNSS monthly headcount file, with full validation, all-or-nothing.

DESIGN.md budget: 1 M CNSS rows in <= 30 s. Peers measured in the same run: reading the same CSV
with the csv module and nothing else (the floor), and the ORM's bulk_create of the same rows
without any validation (what a straightforward implementation would write), on a 200,000-row slice.
"""

from __future__ import annotations

import csv
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

COMPANIES = 5_000
MONTHS = 200  # 5,000 x 200 = 1,000,000 rows


def _months() -> list[str]:
    out, year, month = [], 2003, 1
    for _ in range(MONTHS):
        out.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def run() -> None:
    from ecosys.accounts.models import Organisation
    from ecosys.investments.demo import generated_ice
    from ecosys.investments.models import Declaration, ImportBatch, Source
    from ecosys.investments.services.imports import import_file

    ices = [generated_ice(100_000 + n) for n in range(COMPANIES)]
    Organisation.objects.bulk_create(
        [Organisation(kind="company", name=f"Bench {n}", ice=ice, is_generated=True) for n, ice in enumerate(ices)]
    )
    folder = Path(tempfile.mkdtemp(prefix="ecosys-cnss-"))
    path = folder / "cnss_1m.csv"
    months = _months()
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ICE", "mois", "effectif"])
        for n, ice in enumerate(ices):
            base = 20 + n % 300
            writer.writerows((ice, m, base + i // 12) for i, m in enumerate(months))
    rows = COMPANIES * MONTHS
    print(f"   file: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB (generated)")

    started = time.perf_counter()
    with path.open(newline="") as handle:
        count = sum(1 for _ in csv.reader(handle)) - 1
    t_read = time.perf_counter() - started
    assert count == rows

    started = time.perf_counter()
    result = import_file(actor=None, kind=ImportBatch.Kind.CNSS, path=path)
    t_import = time.perf_counter() - started
    assert result.created == rows, result
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    started = time.perf_counter()
    again = import_file(actor=None, kind=ImportBatch.Kind.CNSS, path=path)
    t_again = time.perf_counter() - started
    assert again.already_imported

    ids = dict(Organisation.objects.filter(ice__in=ices[:500]).values_list("ice", "pk"))
    # Rows from other sources than the imported CNSS ones, so that no unique constraint is hit.
    slice_rows = [
        Declaration(company_id=ids[ice], month=date(int(m[:4]), int(m[5:]), 1), source=source, headcount=20 + i)
        for source in (Source.TAX, Source.SURVEY)
        for ice in ices[:500]
        for i, m in enumerate(months)
    ]
    started = time.perf_counter()
    Declaration.objects.bulk_create(slice_rows, batch_size=5000)
    t_orm = time.perf_counter() - started

    print(f"   {'method':48} {'rows/s':>12} {'time for 1 M':>14}")
    print(f"   {'csv.reader only (floor, no validation)':48} {rows / t_read:12,.0f} {t_read:13.1f}s")
    print(f"   {'ecosys import_file (validated, one read)':48} {rows / t_import:12,.0f} {t_import:13.1f}s")
    print(
        f"   {'ORM bulk_create, no validation (200k slice)':48} {len(slice_rows) / t_orm:12,.0f} "
        f"{rows / (len(slice_rows) / t_orm):13.1f}s (extrapolated)"
    )
    print(f"   same file again: recognised by its hash in {t_again:.2f}s, nothing added")
    print(f"   peak memory of the benchmark process: {peak:,.0f} MB")
    path.unlink()
