"""Writes of the opportunities domain: trade datasets, file imports, studies and project-bank sheets.

Long work (ingesting a file, running a study) is queued with ``transaction.on_commit`` and done by the
task worker, which records its progress on the row the page polls. A refusal by the analytics (a bad
line in a file, a parameter that does not parse) is kept on the row in the language of the person who
asked, and nothing is left half-written: ingestion is all-or-nothing (``analytics.trade.dataset``) and
a study's result is written once, when complete.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import re
import shutil
import time
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.analytics.opportunity import OpportunityInputError
from ecosys.analytics.opportunity.study import StudyParameters, StudyResult, run_study, study_parameters
from ecosys.analytics.trade.dataset import read_manifest
from ecosys.analytics.trade.errors import TradeDatasetError, TradeFileError
from ecosys.core.errors import NotFound, ValidationFailed
from ecosys.core.permissions import require
from ecosys.investments.models import OpportunitySheet
from ecosys.investments.services.bank import sheet_create
from ecosys.opportunities import messages
from ecosys.opportunities.models import OpportunityStudy, TaskStatus, TradeDataset, TradeImport
from ecosys.programmes.models import Ecosystem

log = logging.getLogger(__name__)

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
BAD_CODE = _("Use 2 to 40 lower-case letters, digits or dashes.")
CODE_TAKEN = _("This code is already used.")
NAME_REQUIRED = _("The name is required.")
NO_FILE = _("Choose a file.")
FORMAT_UNKNOWN = _("Choose one of the formats offered.")
DATASET_EMPTY = _("This dataset holds no data yet: import a file first.")
STUDY_NOT_DONE = _("The study has no results yet.")
PRODUCT_NOT_FOUND = _("This product is not in the study.")
NOTHING_SELECTED = _("Select at least one product.")
PRODUCT_NOT_IN_STUDY = _("%(product)s is not in this study.")
PROGRESS_EVERY_S = 0.5


# -- datasets --------------------------------------------------------------------------------------------------


@transaction.atomic
def dataset_create(
    *, actor: User | None, code: str, name: str, description: str = "", is_generated: bool = False
) -> TradeDataset:
    """Create an empty trade dataset (its folder is made by the first import)."""
    if actor is not None:
        require(actor, "trade.import")
    code = code.strip().lower()
    if not CODE_RE.match(code):
        raise ValidationFailed(BAD_CODE, field="code", code="code_invalid")
    if not name.strip():
        raise ValidationFailed(NAME_REQUIRED, field="name", code="name_required")
    if TradeDataset.objects.filter(code=code).exists():
        raise ValidationFailed(CODE_TAKEN, field="code", code="code_taken")
    dataset = TradeDataset.objects.create(
        code=code, name=name.strip(), description=description.strip(), is_generated=is_generated, created_by=actor
    )
    return dataset


def dataset_refresh(dataset: TradeDataset) -> TradeDataset:
    """Copy what the dataset's manifest says (HS revision, years, rows, version) onto its row."""
    manifest = read_manifest(dataset.path)
    years = sorted({year for source in manifest.sources for year in source.years})
    shas = sorted(source.sha256 for source in manifest.sources)
    dataset.classification = manifest.classification or ""
    dataset.years = years
    dataset.rows = sum(source.rows_written for source in manifest.sources)
    dataset.version = hashlib.sha256("\n".join(shas).encode()).hexdigest()[:16] if shas else ""
    dataset.save(update_fields=["classification", "years", "rows", "version", "updated_at"])
    return dataset


# -- file imports ----------------------------------------------------------------------------------------------


@transaction.atomic
def trade_import_request(*, actor: User, dataset: TradeDataset, fmt: str, upload: UploadedFile | None) -> TradeImport:
    """Keep the uploaded file and queue its ingestion into ``dataset``."""
    require(actor, "trade.import")
    if fmt not in TradeImport.Format.values:
        raise ValidationFailed(FORMAT_UNKNOWN, field="format", code="format_unknown")
    if upload is None:
        raise ValidationFailed(NO_FILE, field="file", code="file_required")
    name = Path(upload.name or "trade.csv").name
    job = TradeImport.objects.create(dataset=dataset, format=fmt, filename=name, requested_by=actor)
    job.upload.save(f"{job.pk}-{name}", upload, save=True)
    _enqueue_import(job.pk)
    return job


def _enqueue_import(pk: int) -> None:
    def enqueue() -> None:
        from ecosys.opportunities.tasks import trade_import_task

        trade_import_task.enqueue(pk)

    transaction.on_commit(enqueue)


class _Throttle:
    """Write progress to a row at most every PROGRESS_EVERY_S seconds (the page polls it)."""

    def __init__(self, model: Any, pk: int) -> None:
        self.model, self.pk, self.last = model, pk, 0.0

    def __call__(self, percent: int, **fields: Any) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_S or percent >= 100:
            self.last = now
            self.model.objects.filter(pk=self.pk).update(progress=max(0, min(100, int(percent))), **fields)


def _ingester(fmt: str) -> Callable[..., Any]:
    """The analytics' import function for a file format (one of ``TradeImport.Format``)."""
    from ecosys.analytics.trade.ingest import ingest_baci, ingest_comtrade, ingest_long_table

    ingesters: dict[str, Callable[..., Any]] = {
        "baci": ingest_baci,
        "comtrade": ingest_comtrade,
        "long": ingest_long_table,
    }
    return ingesters[fmt]


def trade_import_run(import_id: int) -> TradeImport:
    """Ingest a queued file (run by the worker); a refused file is kept with its reason, nothing written."""
    job = TradeImport.objects.select_related("dataset", "requested_by").get(pk=import_id)
    TradeImport.objects.filter(pk=job.pk).update(status=TaskStatus.RUNNING, progress=0)
    throttle = _Throttle(TradeImport, job.pk)
    ingest = _ingester(job.format)
    source = Path(job.upload.path)
    job.dataset.path.parent.mkdir(parents=True, exist_ok=True)
    language = getattr(job.requested_by, "preferred_language", "") or "fr"
    try:
        result = ingest(source, job.dataset.path, progress=lambda done, total: throttle(99 * done // max(total, 1)))
    except (TradeFileError, TradeDatasetError, ValueError) as exc:
        with translation.override(language):
            reason = _explain(exc, job.filename)
        TradeImport.objects.filter(pk=job.pk).update(
            status=TaskStatus.FAILED, error=reason[:4000], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    TradeImport.objects.filter(pk=job.pk).update(
        status=TaskStatus.DONE,
        progress=100,
        outcome=result.status,
        rows_written=result.rows_written if result.status == "imported" else 0,
        finished_at=timezone.now(),
    )
    dataset_refresh(job.dataset)
    job.upload.delete(save=False)  # the dataset holds the rows now; the manifest keeps the file's checksum
    TradeImport.objects.filter(pk=job.pk).update(upload="")
    job.refresh_from_db()
    return job


def _explain(exc: Exception, name: str) -> str:
    if isinstance(exc, TradeFileError):
        return messages.trade_file_message(exc, name=name)
    if isinstance(exc, TradeDatasetError):
        return messages.trade_dataset_message(exc)
    return f"{name}: {exc}"


def dataset_import_files(
    dataset: TradeDataset, paths: Iterable[Path], *, fmt: str = "baci", progress: Any = None
) -> list[str]:
    """Ingest files already on disk into ``dataset`` at once (CLI and demo); return one outcome per file."""
    ingest = _ingester(fmt)
    dataset.path.parent.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for path in paths:
        try:
            result = ingest(Path(path), dataset.path, progress=progress)
        except (TradeFileError, TradeDatasetError) as exc:
            raise ValidationFailed(_explain(exc, Path(path).name), field="file", code="file_refused") from exc
        outcomes.append(result.status)
    dataset_refresh(dataset)
    return outcomes


# -- studies ---------------------------------------------------------------------------------------------------


def study_form_parameters(data: Any) -> dict[str, Any]:
    """Form or API fields to the analytics' parameters (``years`` from ``year_from``..``year_to`` or a list)."""
    years: Any = data.get("years")
    if not years:
        start, end = str(data.get("year_from") or "").strip(), str(data.get("year_to") or "").strip()
        years = f"{start}-{end}" if start and end else start or end
    raw = {
        "country": data.get("country", ""),
        "years": years,
        "level": data.get("level") or 4,
        "strategy": data.get("strategy") or "",
        "weights": data.get("weights") or "",
        "mcp_threshold": data.get("mcp_threshold") or 1,
        "exchange_rate_mad_per_usd": data.get("exchange_rate") or data.get("exchange_rate_mad_per_usd") or 9.7,
    }
    for optional in ("presence", "method", "scope", "coefficients_csv", "production_csv", "population_csv"):
        if data.get(optional):
            raw[optional] = data.get(optional)
    return raw


def _parameters(dataset: TradeDataset, raw: Mapping[str, Any]) -> StudyParameters:
    if not dataset.years:
        raise ValidationFailed(DATASET_EMPTY, field="dataset", code="dataset_empty")
    try:
        return study_parameters(raw)
    except OpportunityInputError as exc:
        raise ValidationFailed(messages.opportunity_message(exc), field=exc.parameter, code=exc.code) from exc


def parameters_json(params: StudyParameters) -> dict[str, Any]:
    out = dataclasses.asdict(params)
    out["years"] = list(out["years"])
    return out


@transaction.atomic
def study_create(
    *, actor: User, dataset: TradeDataset, title: str, parameters: Mapping[str, Any], queue: bool = True
) -> OpportunityStudy:
    """Check the parameters and queue the study; the worker runs it and records its progress.

    ``queue=False`` leaves it for the caller to run (the command line runs it in its own process).
    """
    require(actor, "opportunity.run")
    params = _parameters(dataset, parameters)
    study = OpportunityStudy.objects.create(
        title=title.strip() or gettext("Study of %(country)s") % {"country": params.country},
        dataset=dataset,
        dataset_version=dataset.version,
        country=params.country,
        parameters=parameters_json(params),
        requested_by=actor,
    )
    if not queue:
        return study

    def enqueue() -> None:
        from ecosys.opportunities.tasks import study_run_task

        study_run_task.enqueue(study.pk)

    transaction.on_commit(enqueue)
    return study


def study_run(study_id: int, *, progress: Callable[[int, str], Any] | None = None) -> OpportunityStudy:
    """Run a queued study (worker): progress by stage, the result written once, a refusal kept with its reason."""
    from ecosys.opportunities.reference import geodist, product_names

    study = OpportunityStudy.objects.select_related("dataset", "requested_by").get(pk=study_id)
    OpportunityStudy.objects.filter(pk=study.pk).update(status=TaskStatus.RUNNING, progress=0, error="")
    throttle = _Throttle(OpportunityStudy, study.pk)

    def report(percent: int, stage: str) -> None:
        throttle(min(percent, 99), stage=stage)
        if progress is not None:
            progress(percent, stage)

    params = study_parameters(study.parameters)
    language = getattr(study.requested_by, "preferred_language", "") or "fr"
    started = time.perf_counter()
    try:
        result = run_study(
            study.dataset.path,
            params,
            geodist=geodist(),
            product_names=product_names(),
            progress=report,
        )
    except (OpportunityInputError, TradeDatasetError, TradeFileError) as exc:
        with translation.override(language):
            if isinstance(exc, OpportunityInputError):
                reason = messages.opportunity_message(exc)
            else:
                reason = _explain(exc, study.dataset.name)
        OpportunityStudy.objects.filter(pk=study.pk).update(
            status=TaskStatus.FAILED, error=reason[:4000], finished_at=timezone.now()
        )
        study.refresh_from_db()
        return study
    except Exception as exc:  # the person who asked sees that it failed; the worker log keeps the trace
        log.exception("study %s failed", study.pk)
        OpportunityStudy.objects.filter(pk=study.pk).update(
            status=TaskStatus.FAILED, error=str(exc)[:4000], finished_at=timezone.now()
        )
        raise
    OpportunityStudy.objects.filter(pk=study.pk).update(
        status=TaskStatus.DONE,
        progress=100,
        stage="",
        result=result.to_json(),
        seconds=time.perf_counter() - started,
        finished_at=timezone.now(),
    )
    study.refresh_from_db()
    return study


def study_result(study: OpportunityStudy) -> StudyResult:
    """The finished study's result, parsed once per process (a result never changes once written)."""
    if study.status != TaskStatus.DONE or study.finished_at is None:
        raise NotFound(STUDY_NOT_DONE)
    return _result(study.pk, study.finished_at.isoformat())


def study_row(result: StudyResult, product: str) -> dict[str, Any]:
    """The row of one product of a finished study (pages and API), or not found."""
    row = next((r for r in result.rows if str(r.get("product")) == product), None)
    if row is None:
        raise NotFound(PRODUCT_NOT_FOUND)
    return dict(row)


@functools.lru_cache(maxsize=16)
def _result(pk: int, finished_at: str) -> StudyResult:
    data = OpportunityStudy.objects.filter(pk=pk).values_list("result", flat=True).first()
    if not data:
        raise NotFound(STUDY_NOT_DONE)
    return StudyResult.from_json(data)


# -- from opportunities to the project bank --------------------------------------------------------------------


@transaction.atomic
def sheets_from_study(
    *, actor: User, study: OpportunityStudy, products: Iterable[str], ecosystem: Ecosystem
) -> list[OpportunitySheet]:
    """Turn selected products of a study into open project-bank sheets of ``ecosystem``.

    Each sheet names the product, its HS code, the market (imports of the country, in MAD at the study's
    exchange rate) with its source (the study, its dataset and year) and the indicative jobs of the
    study's coefficients. A product that already has a sheet from this study is not made twice.
    """
    require(actor, "opportunity.run")
    require(actor, "projectbank.manage")
    wanted = [p for p in dict.fromkeys(str(p).strip() for p in products) if p]
    if not wanted:
        raise ValidationFailed(NOTHING_SELECTED, field="products", code="nothing_selected")
    result = study_result(study)
    rows = {str(row["product"]): row for row in result.rows}
    for product in wanted:
        if product not in rows:
            raise ValidationFailed(
                PRODUCT_NOT_IN_STUDY % {"product": product}, field="products", code="unknown_product"
            )
    rate = Decimal(str(result.parameters.exchange_rate_mad_per_usd))
    last_year = max(result.parameters.years)
    made = []
    for product in wanted:
        code = f"study-{study.pk}-{product}"
        if OpportunitySheet.objects.filter(code=code).exists():
            continue
        row = rows[product]
        market_usd = row.get("imports_usd") or row.get("market_usd")
        jobs = row.get("jobs")
        name = str(row.get("name") or product)
        source = gettext("Opportunity study no. %(pk)s (%(dataset)s, %(year)s)") % {
            "pk": study.pk,
            "dataset": study.dataset.name,
            "year": last_year,
        }
        sheet = sheet_create(
            actor=actor,
            code=code,
            ecosystem=ecosystem,
            name_fr=f"{product} · {name}"[:200],
            name_en=f"{product} · {name}"[:200],
            hs_codes=[product],
            market_size_mad=(Decimal(str(market_usd)) * rate).quantize(Decimal("1")) if market_usd else None,
            market_source=source[:300],
            indicative_jobs=round(float(jobs)) if isinstance(jobs, (int, float)) and jobs > 0 else None,
            description_fr=_description(row, "fr"),
            description_en=_description(row, "en"),
            description_ar=_description(row, "ar"),
            is_generated=study.dataset.is_generated,
        )
        made.append(sheet)
    return made


def _description(row: Mapping[str, Any], language: str) -> str:
    from ecosys.opportunities.presentation import row_summary

    with translation.override(language):
        return row_summary(row)


def dataset_delete_files(dataset: TradeDataset) -> None:
    """Remove a dataset's folder (used by tests and the demo when they rebuild a dataset)."""
    shutil.rmtree(dataset.path, ignore_errors=True)
