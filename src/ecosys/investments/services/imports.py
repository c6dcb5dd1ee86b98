"""Import company declarations and CNSS monthly headcounts from CSV or XLSX files.

Every import is all-or-nothing and idempotent:

* the file is read once, streaming: every row is checked and each problem reported with its row,
  column (as written in the file's header) and reason; checked values go into compact integer
  columns (8 bytes a value, amounts in centimes), so a million rows never become a million objects;
* nothing is written unless the whole file is right; then one transaction writes the new rows with
  one streaming COPY on PostgreSQL, multi-row INSERTs elsewhere (an ORM object per row would cost
  more than the validation itself), and updates the rows a corrected file changes, only in the
  columns the file carries;
* the file's SHA-256 is kept: the same file imported twice adds nothing.
"""

from __future__ import annotations

import csv
import hashlib
import io
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Organisation, User
from ecosys.core.errors import DomainError, ValidationFailed
from ecosys.core.permissions import require
from ecosys.core.spreadsheets import xlsx_bytes
from ecosys.investments.models import Declaration, ImportBatch, InvestmentProject, Source
from ecosys.investments.selectors import actor_companies, sees_all_companies
from ecosys.investments.services.declarations import check_month_closed, check_women, clean_figures, parse_month
from ecosys.monitoring.services import check_months_open, realisations_changed

Progress = Callable[[int, int], None]
COLUMNS = {
    ImportBatch.Kind.CNSS: ["ice", "month", "headcount"],
    ImportBatch.Kind.DECLARATIONS: [
        "ice",
        "project",
        "month",
        "headcount",
        "headcount_women",
        "gross_hires",
        "departures",
        "turnover_mad",
        "exports_mad",
        "imports_mad",
        "value_added_mad",
    ],
}
REQUIRED = {"ice", "month"}
HEADERS = {
    "en": {c: c for c in COLUMNS[ImportBatch.Kind.DECLARATIONS]},
    "fr": {
        "ice": "ICE",
        "project": "code_projet",
        "month": "mois",
        "headcount": "effectif",
        "headcount_women": "dont_femmes",
        "gross_hires": "embauches_brutes",
        "departures": "departs",
        "turnover_mad": "chiffre_affaires_mad",
        "exports_mad": "exportations_mad",
        "imports_mad": "importations_mad",
        "value_added_mad": "valeur_ajoutee_mad",
    },
    "ar": {
        "ice": "التعريف الموحد للمقاولة",
        "project": "رمز المشروع",
        "month": "الشهر",
        "headcount": "عدد المستخدمين",
        "headcount_women": "منهم النساء",
        "gross_hires": "التوظيفات الإجمالية",
        "departures": "المغادرات",
        "turnover_mad": "رقم المعاملات بالدرهم",
        "exports_mad": "الصادرات بالدرهم",
        "imports_mad": "الواردات بالدرهم",
        "value_added_mad": "القيمة المضافة بالدرهم",
    },
}
ALIASES = {header.strip().lower(): column for table in HEADERS.values() for column, header in table.items()}
MAX_ERRORS_KEPT = 500
CHUNK = 20_000

FILE_INVALID = _("The file has errors; nothing was imported.")
FILE_EMPTY = _("The file has no rows.")
FILE_UNREADABLE = _("The file cannot be read as CSV (UTF-8) or XLSX.")
MISSING_COLUMN = _("Missing column: %(column)s.")
VALUE_REQUIRED = _("A value is required.")
ICE_UNKNOWN = _("No company with ICE %(ice)s is registered.")
ICE_NOT_YOURS = _("ICE %(ice)s is not your company.")
PROJECT_UNKNOWN = _("Project %(code)s does not belong to this company.")
DUPLICATE_ROW = _("Same company and month as row %(row)s.")
ALREADY_IMPORTED = _("This file was already imported on %(date)s; nothing was added.")


@dataclass(frozen=True)
class ImportResult:
    batch: ImportBatch
    created: int
    updated: int
    already_imported: bool


def template_csv(kind: str, language: str = "fr") -> str:
    """Return an empty CSV file with the column headers in the given language."""
    headers = HEADERS.get(language, HEADERS["fr"])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([headers[c] for c in COLUMNS[ImportBatch.Kind(kind)]])
    return out.getvalue()


def template_xlsx(kind: str, language: str = "fr") -> bytes:
    """Return an empty XLSX workbook with the column headers in the given language."""
    headers = HEADERS.get(language, HEADERS["fr"])
    return xlsx_bytes(
        "cnss" if kind == ImportBatch.Kind.CNSS else "declarations",
        [[headers[c] for c in COLUMNS[ImportBatch.Kind(kind)]]],
        right_to_left=language == "ar",
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """Yield (row number, cells) from a CSV or XLSX file, streaming; row 1 is the header."""
    with path.open("rb") as handle:
        is_xlsx = handle.read(4) == b"PK\x03\x04"
    if is_xlsx:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
                yield number, ["" if v is None else v for v in values]
        finally:
            workbook.close()
        return
    try:
        with path.open(encoding="utf-8-sig", newline="") as text:
            sample = text.read(4096)
            text.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            for number, row in enumerate(csv.reader(text, dialect), start=1):
                yield number, row
    except UnicodeDecodeError:
        raise ValidationFailed(FILE_UNREADABLE, field="file", code="file_unreadable") from None


def row_key(company_id: int, project_id: int | None, yyyymm: int) -> int:
    """Pack (company, project, month as yyyymm) into one integer."""
    return ((company_id * 10_000_000) + (project_id or 0)) * 1_000_000 + yyyymm


NULL = -(2**63)  # "not given" in the compact column buffers
FIGURES = [
    "headcount",
    "headcount_women",
    "gross_hires",
    "departures",
    "turnover_mad",
    "exports_mad",
    "imports_mad",
    "value_added_mad",
]
AMOUNTS = {"turnover_mad", "exports_mad", "imports_mad", "value_added_mad"}


class _Checker:
    """Check rows one by one; keep what the write pass needs in compact integer columns.

    A million checked rows cost 8 bytes a value (amounts in centimes), not a Python object each,
    so the file is read once and never held in memory.
    """

    def __init__(self, kind: str, actor: User | None) -> None:
        self.kind = kind
        self.columns = COLUMNS[ImportBatch.Kind(kind)]
        companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY).exclude(ice="")
        self.company_ids = dict(companies.values_list("ice", "pk"))
        self.allowed: set[int] | None = None
        if actor is not None and not sees_all_companies(actor):
            self.allowed = set(actor_companies(actor).values_list("pk", flat=True))
        self.projects: dict[tuple[int, str], int] = {}
        if kind == ImportBatch.Kind.DECLARATIONS:
            self.projects = {
                (c, code): pk for pk, c, code in InvestmentProject.objects.values_list("pk", "company_id", "code")
            }
        self.seen: dict[int, int] = {}  # row key -> first row number (ints keep a million rows small)
        self.buffer: dict[str, array[int]] = {name: array("q") for name in ["company", "project", "month", *FIGURES]}
        self.positions: dict[str, int] = {}
        self.header: list[str] = []
        self.errors: list[dict[str, Any]] = []
        self.error_count = 0
        self.today = timezone.localdate()

    def error(self, row: int, column: str, message: Any) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            shown = self.header[self.positions[column]] if column in self.positions else column
            self.errors.append({"row": row, "column": shown, "message": message})

    def read_header(self, cells: list[Any]) -> None:
        self.header = [str(c).strip() for c in cells]
        for index, name in enumerate(self.header):
            column = ALIASES.get(name.lower())
            if column in self.columns and column not in self.positions:
                self.positions[column] = index
        required = REQUIRED | ({"headcount"} if self.kind == ImportBatch.Kind.CNSS else set())
        for column in self.columns:
            if column in required and column not in self.positions:
                self.error(1, column, MISSING_COLUMN % {"column": column})

    def check(self, number: int, cells: list[Any]) -> tuple[Any, ...] | None:
        """Return the row as (company_id, project_id, month, figures) or None after recording errors."""
        value = {c: (cells[i] if i < len(cells) else "") for c, i in self.positions.items()}
        value = {c: (v.strip() if isinstance(v, str) else v) for c, v in value.items()}
        before = self.error_count
        ice = str(value.get("ice") or "").replace(" ", "")
        company_id = self.company_ids.get(ice)
        if not ice:
            self.error(number, "ice", VALUE_REQUIRED)
        elif company_id is None:
            self.error(number, "ice", ICE_UNKNOWN % {"ice": ice})
        elif self.allowed is not None and company_id not in self.allowed:
            self.error(number, "ice", ICE_NOT_YOURS % {"ice": ice})
        month: date | None = None
        try:
            if value.get("month") in (None, ""):
                self.error(number, "month", VALUE_REQUIRED)
            else:
                month = parse_month(value["month"])
                check_month_closed(month, self.today)
        except DomainError as exc:
            self.error(number, "month", exc.message)
            month = None
        project_id = None
        code = str(value.get("project") or "")
        if code and company_id is not None:
            project_id = self.projects.get((company_id, code))
            if project_id is None:
                self.error(number, "project", PROJECT_UNKNOWN % {"code": code})
        figures: dict[str, Any] = {}
        for column in self.columns[self.columns.index("month") + 1 :]:
            if column not in self.positions:
                continue
            try:
                figures.update(clean_figures({column: value.get(column)}))
            except DomainError as exc:
                self.error(number, column, exc.message)
        if self.kind == ImportBatch.Kind.CNSS and value.get("headcount") in (None, ""):
            self.error(number, "headcount", VALUE_REQUIRED)
        try:
            check_women(figures.get("headcount"), figures.get("headcount_women"))
        except DomainError as exc:
            self.error(number, "headcount_women", exc.message)
        if self.error_count > before or company_id is None or month is None:
            return None
        key = row_key(company_id, project_id, month.year * 100 + month.month)
        if key in self.seen:
            self.error(number, "month", DUPLICATE_ROW % {"row": self.seen[key]})
            return None
        self.seen[key] = number
        buffer = self.buffer
        buffer["company"].append(company_id)
        buffer["project"].append(project_id or 0)
        buffer["month"].append(month.year * 100 + month.month)
        for name in FIGURES:
            figure = figures.get(name)
            buffer[name].append(NULL if figure is None else int(figure * 100) if name in AMOUNTS else int(figure))
        return company_id, project_id, month, figures


def authorise_import(actor: User | None, kind: str) -> None:
    if actor is None:
        return
    if kind == ImportBatch.Kind.CNSS:
        require(actor, "cnss.import")
    else:
        require(actor, "declaration.submit")


def import_file(
    *,
    actor: User | None,
    kind: str,
    path: Path,
    filename: str = "",
    progress: Progress | None = None,
    batch: ImportBatch | None = None,
) -> ImportResult:
    """Import a file of ``kind`` (declarations or cnss); raise ValidationFailed with every row error."""
    authorise_import(actor, kind)
    sha = file_sha256(path)
    done = ImportBatch.objects.filter(kind=kind, sha256=sha, status=ImportBatch.BatchStatus.DONE).first()
    if done is not None:
        if batch is not None and batch.pk != done.pk:
            message = str(ALREADY_IMPORTED % {"date": f"{done.created_at:%Y-%m-%d}"})
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportBatch.BatchStatus.FAILED,
                sha256=sha,
                finished_at=timezone.now(),
                errors=[{"row": None, "column": None, "message": message}],
            )
        return ImportResult(batch=done, created=0, updated=0, already_imported=True)
    if batch is None:
        batch = ImportBatch.objects.create(kind=kind, filename=filename or path.name, sha256=sha, created_by=actor)
    else:
        batch.sha256 = sha
        batch.save(update_fields=["sha256"])
    try:
        checker, total = _check_file(kind, actor, path, batch, progress)
        check_months_open({date(m // 100, m % 100, 1) for m in set(checker.buffer["month"])})
        created, updated = _write(kind, checker, batch, actor, total, progress)
    except DomainError as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.BatchStatus.FAILED,
            errors=[{**d, "message": str(d["message"])} for d in exc.details]
            or [{"row": None, "column": None, "message": str(exc.message)}],
            finished_at=timezone.now(),
        )
        raise
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.BatchStatus.DONE, rows_total=total, rows_done=total, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return ImportResult(batch=batch, created=created, updated=updated, already_imported=False)


def _check_file(
    kind: str, actor: User | None, path: Path, batch: ImportBatch, progress: Progress | None
) -> tuple[_Checker, int]:
    checker = _Checker(kind, actor)
    rows = 0
    for number, cells in _rows(path):
        if number == 1:
            checker.read_header(cells)
            if checker.error_count:
                break
            continue
        if not any(str(c).strip() for c in cells):
            continue
        rows += 1
        checker.check(number, cells)
        if progress is not None and rows % 50000 == 0:
            progress(rows, 0)
    if checker.error_count:
        details = list(checker.errors)
        if checker.error_count > len(details):
            details.append(
                {
                    "row": None,
                    "column": None,
                    "message": _("%(count)s more errors not listed.") % {"count": checker.error_count - len(details)},
                }
            )
        raise ValidationFailed(FILE_INVALID, code="file_invalid", details=details)
    if rows == 0:
        raise ValidationFailed(FILE_EMPTY, field="file", code="file_empty")
    ImportBatch.objects.filter(pk=batch.pk).update(rows_total=rows, rows_done=0)
    return checker, rows


@transaction.atomic
def _write(
    kind: str, checker: _Checker, batch: ImportBatch, actor: User | None, total: int, progress: Progress | None
) -> tuple[int, int]:
    """Insert the new rows and update the ones a corrected file changes, in one transaction.

    ``progress`` is called between chunks while the transaction is open: it must not use the
    database connection (the CLI's progress bar does not; the task worker reports the check phase).
    """
    source = Source.CNSS if kind == ImportBatch.Kind.CNSS else Source.COMPANY
    verification = Declaration.Verification.RECORD if source == Source.CNSS else Declaration.Verification.UNVERIFIED
    buffer = checker.buffer
    companies = set(buffer["company"])
    existing: dict[int, int] = {}
    for pk, c, p, m in (
        Declaration.objects.filter(source=source, company_id__in=companies)
        .values_list("pk", "company_id", "project_id", "month")
        .iterator(chunk_size=20000)
    ):
        existing[row_key(c, p, m.year * 100 + m.month)] = pk
    new: range | list[int] = range(len(buffer["company"]))
    updates: list[tuple[int, int]] = []  # (row index, primary key)
    if existing:
        new = []
        company, project, month = buffer["company"], buffer["project"], buffer["month"]
        for i in range(len(company)):
            found = existing.get(row_key(company[i], project[i], month[i]))
            if found is None:
                new.append(i)
            else:
                updates.append((i, found))
    constants = {
        "source": source,
        "verification": verification,
        "submitted_by_id": actor.pk if actor is not None else None,
        "batch_id": batch.pk,
    }
    if connection.vendor == "postgresql":
        created = _copy_new_rows(buffer, new, constants, total, progress)
    else:
        created = _insert_new_rows(buffer, new, constants, total, progress)
    # A corrected file changes the figures it carries and leaves the others as they were.
    written = [f for f in FIGURES if f in checker.positions]
    for start in range(0, len(updates), CHUNK):
        chunk = []
        for i, pk in updates[start : start + CHUNK]:
            declaration = Declaration(pk=pk, verification=verification, batch_id=batch.pk)
            for name in written:
                raw = buffer[name][i]
                setattr(declaration, name, None if raw == NULL else Decimal(raw) / 100 if name in AMOUNTS else raw)
            chunk.append(declaration)
        Declaration.objects.bulk_update(chunk, [*written, "verification", "batch"])
    if progress is not None:
        progress(total, total)
    if batch.company_id is None and len(companies) == 1:
        ImportBatch.objects.filter(pk=batch.pk).update(company_id=next(iter(companies)))
    realisations_changed()
    return created, len(updates)


def _take(column: array[int], rows: range | list[int], start: int, stop: int) -> Any:
    if isinstance(rows, range):
        return column[rows.start + start : rows.start + stop]
    return [column[i] for i in rows[start:stop]]


def _centimes_text(value: int) -> str:
    sign, value = ("-", -value) if value < 0 else ("", value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def _copy_new_rows(
    buffer: dict[str, array[int]],
    rows: range | list[int],
    constants: dict[str, Any],
    total: int,
    progress: Progress | None,
) -> int:
    """Stream the new rows to PostgreSQL in one COPY, formatted column by column.

    One COPY for the whole file lets the server index the rows already sent while this process
    formats the next chunk (two cores busy instead of one waiting for the other). The values are
    integers, dates and fixed codes: nothing to escape.
    """
    if not rows:
        return 0
    now = timezone.now().isoformat()
    fixed = [now, now, *("\\N" if v is None else str(v) for v in constants.values())]
    columns = ["created_at", "updated_at", *constants, "company_id", "project_id", "month", *FIGURES]
    head = "\t".join(fixed) + "\t"
    months = {m: f"{m // 100:04d}-{m % 100:02d}-01" for m in set(buffer["month"])}
    table = Declaration._meta.db_table
    connection.ensure_connection()
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for start in range(0, len(rows), CHUNK):
            stop = min(start + CHUNK, len(rows))
            parts = [
                list(map(str, _take(buffer["company"], rows, start, stop))),
                ["\\N" if p == 0 else str(p) for p in _take(buffer["project"], rows, start, stop)],
                list(map(months.__getitem__, _take(buffer["month"], rows, start, stop))),
            ]
            for name in FIGURES:
                text = _centimes_text if name in AMOUNTS else str
                parts.append(["\\N" if v == NULL else text(v) for v in _take(buffer[name], rows, start, stop)])
            copy.write(head + ("\n" + head).join(map("\t".join, zip(*parts, strict=True))) + "\n")
            if progress is not None:
                progress(stop, total)
    return len(rows)


def _insert_new_rows(
    buffer: dict[str, array[int]],
    rows: range | list[int],
    constants: dict[str, Any],
    total: int,
    progress: Progress | None,
) -> int:
    """Insert the new rows with multi-row INSERTs (the databases without COPY)."""
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    columns = ["created_at", "updated_at", *constants, "company_id", "project_id", "month", *FIGURES]
    per_statement = min(500, (connection.features.max_query_params or 100_000) // len(columns))
    months = {m: ops.adapt_datefield_value(date(m // 100, m % 100, 1)) for m in set(buffer["month"])}
    fixed = (now, now, *constants.values())

    def figure(name: str, raw: int) -> Any:
        if raw == NULL:
            return None
        return ops.adapt_decimalfield_value(Decimal(raw) / 100) if name in AMOUNTS else raw

    connection.ensure_connection()
    # A plain cursor even when DEBUG is on: the debug cursor would format and keep every statement.
    with CursorWrapper(connection.create_cursor(), connection) as cursor:
        for start in range(0, len(rows), CHUNK):
            stop = min(start + CHUNK, len(rows))
            indices = rows[start:stop]
            values = [
                (
                    *fixed,
                    buffer["company"][i],
                    buffer["project"][i] or None,
                    months[buffer["month"][i]],
                    *[figure(name, buffer[name][i]) for name in FIGURES],
                )
                for i in indices
            ]
            insert_rows(cursor, columns, values, per_statement)
            if progress is not None:
                progress(stop, total)
    return len(rows)


def insert_rows(cursor: Any, columns: list[str], rows: list[Any], per_statement: int) -> int:
    """Insert rows into the declarations table: COPY on PostgreSQL, multi-row VALUES elsewhere.

    Both stream the values without building one statement parameter per value on the client side
    (psycopg's client-side binding of a 8,500-parameter statement costs more than the insert).
    """
    table = Declaration._meta.db_table
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        # The values are numbers, dates and fixed codes: no tab, newline or backslash to escape.
        text = "".join("\t".join("\\N" if v is None else str(v) for v in row) + "\n" for row in rows)
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            copy.write(text)
        return len(rows)
    group = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 - names come from the model
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        cursor.execute(head + ", ".join([group] * len(chunk)), [value for row in chunk for value in row])
    return len(rows)
