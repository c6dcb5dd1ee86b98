"""API of opportunity analytics: trade datasets and their file imports, studies (queued, with progress),
their ranked rows with the page's filters, a product's indicators and neighbours, and project-bank sheets
made from selected products.

Every endpoint reads through ``selectors`` and ``presentation`` and writes through ``services``, as the
pages do, so both refuse the same things with the same codes. Results of a study on generated data say
so (``generated: true``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ecosys.core.errors import ValidationFailed
from ecosys.core.http import actor_of
from ecosys.opportunities import presentation, selectors, services
from ecosys.opportunities.models import OpportunityStudy, TradeDataset, TradeImport
from ecosys.programmes.models import Ecosystem

router = Router(tags=["opportunities"])
PAGE = {"max_limit": 1000}
ECOSYSTEM_UNKNOWN = _("No ecosystem %(code)s.")


class DatasetOut(Schema):
    code: str
    name: str
    description: str
    classification: str
    years: list[int]
    rows: int
    version: str
    generated: bool

    @staticmethod
    def resolve_generated(obj: TradeDataset) -> bool:
        return obj.is_generated


class DatasetIn(Schema):
    code: str
    name: str
    description: str = ""


class ImportOut(Schema):
    id: int
    dataset: str
    format: str
    filename: str
    status: str
    progress: int
    outcome: str
    rows_written: int
    error: str
    created_at: datetime

    @staticmethod
    def resolve_dataset(obj: TradeImport) -> str:
        return obj.dataset.code


class StudyIn(Schema):
    dataset: str
    title: str = ""
    country: str
    years: list[int] | str
    level: int = 4
    strategy: str = "balanced_portfolio"
    weights: str = ""
    mcp_threshold: float = 1.0
    exchange_rate_mad_per_usd: float = 9.7
    production_csv: str = ""
    coefficients_csv: str = ""


class StudyOut(Schema):
    id: int
    title: str
    dataset: str
    dataset_version: str
    generated: bool
    country: str
    parameters: dict[str, Any]
    status: str
    progress: int
    stage: str
    error: str
    seconds: float
    created_at: datetime

    @staticmethod
    def resolve_dataset(obj: OpportunityStudy) -> str:
        return obj.dataset.code

    @staticmethod
    def resolve_generated(obj: OpportunityStudy) -> bool:
        return obj.is_generated


class StudyDetailOut(StudyOut):
    summary: dict[str, Any] | None
    weights: dict[str, float] | None
    notes: list[str]
    columns: list[dict[str, str]]

    @staticmethod
    def resolve_summary(obj: Any) -> Any:
        return obj.details["summary"]

    @staticmethod
    def resolve_weights(obj: Any) -> Any:
        return obj.details["weights"]

    @staticmethod
    def resolve_notes(obj: Any) -> Any:
        return obj.details["notes"]

    @staticmethod
    def resolve_columns(obj: Any) -> Any:
        return obj.details["columns"]


class RowsOut(Schema):
    count: int
    generated: bool
    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]


class SheetsIn(Schema):
    products: list[str]
    ecosystem: str


class SheetsOut(Schema):
    created: list[str]


def _columns(result: Any) -> list[dict[str, str]]:
    return [
        {"key": c.key, "kind": c.kind, "label": presentation.label(c.key), "description": c.description}
        for c in result.columns
    ]


@router.get("/opportunities/datasets", response=list[DatasetOut])
def dataset_list(request: HttpRequest) -> Any:
    return list(selectors.dataset_list(actor=actor_of(request)))


@router.post("/opportunities/datasets", response={201: DatasetOut})
def dataset_create(request: HttpRequest, payload: DatasetIn) -> Any:
    dataset = services.dataset_create(
        actor=actor_of(request), code=payload.code, name=payload.name, description=payload.description
    )
    return Status(201, dataset)


@router.get("/opportunities/datasets/{code}", response=DatasetOut)
def dataset_get(request: HttpRequest, code: str) -> Any:
    return selectors.dataset_get(actor=actor_of(request), code=code)


@router.post("/opportunities/datasets/{code}/imports", response={202: ImportOut})
def dataset_import(
    request: HttpRequest,
    code: str,
    format: Form[str],
    file: File[UploadedFile],
) -> Any:
    actor = actor_of(request)
    dataset = selectors.dataset_get(actor=actor, code=code)
    job = services.trade_import_request(actor=actor, dataset=dataset, fmt=format, upload=file)
    return Status(202, job)


@router.get("/opportunities/imports/{pk}", response=ImportOut)
def import_get(request: HttpRequest, pk: int) -> Any:
    return selectors.import_get(actor=actor_of(request), pk=pk)


@router.get("/opportunities/studies", response=list[StudyOut])
@paginate(LimitOffsetPagination, **PAGE)
def study_list(request: HttpRequest) -> Any:
    return selectors.study_list(actor=actor_of(request))


@router.post("/opportunities/studies", response={202: StudyOut})
def study_create(request: HttpRequest, payload: StudyIn) -> Any:
    actor = actor_of(request)
    dataset = selectors.dataset_get(actor=actor, code=payload.dataset)
    data = payload.dict()
    if isinstance(data["years"], list):
        data["years"] = ",".join(str(y) for y in data["years"])
    study = services.study_create(
        actor=actor, dataset=dataset, title=payload.title, parameters=services.study_form_parameters(data)
    )
    return Status(202, study)


@router.get("/opportunities/studies/{pk}", response=StudyDetailOut)
def study_get(request: HttpRequest, pk: int) -> Any:
    study = selectors.study_get(actor=actor_of(request), pk=pk)
    details: dict[str, Any] = {"summary": None, "weights": None, "notes": [], "columns": []}
    if study.status == "done" and study.result:
        result = services.study_result(study)
        details = {
            "summary": result.summary,
            "weights": result.weights,
            "notes": list(result.notes),
            "columns": _columns(result),
        }
    study.details = details  # type: ignore[attr-defined]  # read by StudyDetailOut's resolvers
    return study


@router.get("/opportunities/studies/{pk}/rows", response=RowsOut)
def study_rows(
    request: HttpRequest,
    pk: int,
    q: str = "",
    chapter: str = "",
    position: str = "",
    recycled: bool = False,
    min_score: str = "",
    limit: int = 100,
    offset: int = 0,
) -> Any:
    study = selectors.study_get(actor=actor_of(request), pk=pk)
    result = services.study_result(study)
    filters = presentation.parse_filters(
        {"q": q, "chapter": chapter, "position": position, "recycled": "1" if recycled else "", "min_score": min_score}
    )
    rows = presentation.filtered_rows(result, filters)
    if limit < 1 or limit > PAGE["max_limit"] or offset < 0:
        raise ValidationFailed(_("limit must be 1 to 1000 and offset 0 or more."), field="limit", code="invalid")
    return {
        "count": len(rows),
        "generated": study.is_generated,
        "columns": _columns(result),
        "rows": rows[offset : offset + limit],
    }


@router.get("/opportunities/studies/{pk}/products/{code}", response=dict[str, Any])
def study_product(request: HttpRequest, pk: int, code: str) -> Any:
    study = selectors.study_get(actor=actor_of(request), pk=pk)
    result = services.study_result(study)
    row = services.study_row(result, code)
    return {"generated": study.is_generated, "row": row, "neighbours": presentation.neighbours(result, code)}


@router.post("/opportunities/studies/{pk}/sheets", response={201: SheetsOut})
def study_sheets(request: HttpRequest, pk: int, payload: SheetsIn) -> Any:
    actor = actor_of(request)
    study = selectors.study_get(actor=actor, pk=pk)
    ecosystem = Ecosystem.objects.filter(code=payload.ecosystem).first()
    if ecosystem is None:
        raise ValidationFailed(ECOSYSTEM_UNKNOWN % {"code": payload.ecosystem}, field="ecosystem", code="unknown")
    made = services.sheets_from_study(actor=actor, study=study, products=payload.products, ecosystem=ecosystem)
    return Status(201, {"created": [sheet.code for sheet in made]})
