"""API endpoints for investment projects, the project bank, declarations, imports, verification and jobs."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ecosys.core.http import actor_of
from ecosys.investments import queries, selectors
from ecosys.investments.downloads import import_template_response
from ecosys.investments.schemas import (
    DeclarationIn,
    DeclarationOut,
    EventOut,
    ImportBatchOut,
    JobsOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ReconcileIn,
    ReconcileOut,
    ReconciliationOut,
    RegionOut,
    SheetIn,
    SheetOut,
    SheetStatusIn,
    TakeUpIn,
    TransitionIn,
)
from ecosys.investments.services.bank import sheet_create, sheet_set_status
from ecosys.investments.services.declarations import declaration_submit, headcount_reconcile
from ecosys.investments.services.projects import project_create, project_transition, project_update
from ecosys.investments.services.uploads import import_batch_start

router = Router(tags=["investments"])
PAGE = {"max_limit": 1000}


# --------------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------------


@router.get("/projects", response=list[ProjectOut])
@paginate(LimitOffsetPagination, **PAGE)
def project_list(request: HttpRequest, ecosystem: str = "", status: str = "", region: str = "", company: str = ""):
    return queries.project_filter(
        actor=actor_of(request), ecosystem=ecosystem, status=status, region=region, company=company
    )


@router.post("/projects", response={201: ProjectDetailOut})
def project_add(request: HttpRequest, payload: ProjectIn):
    actor = actor_of(request)
    data = payload.dict()
    company = queries.company_for(actor=actor, ice=data.pop("company"))
    references = queries.project_references(
        actor=actor,
        ecosystem=data.pop("ecosystem"),
        province=data.pop("province"),
        region=data.pop("region"),
        activity=data.pop("activity"),
    )
    project = project_create(actor=actor, company=company, **references, **data)
    return Status(201, queries.project_detail(actor=actor, code=project.code))


@router.get("/projects/{code}", response=ProjectDetailOut)
def project_get(request: HttpRequest, code: str):
    return queries.project_detail(actor=actor_of(request), code=code)


@router.patch("/projects/{code}", response=ProjectDetailOut)
def project_edit(request: HttpRequest, code: str, payload: ProjectPatch):
    actor = actor_of(request)
    project = selectors.project_get(actor=actor, code=code)
    data = payload.dict(exclude_unset=True)
    references = queries.project_references(
        actor=actor,
        ecosystem=data.pop("ecosystem", None),
        province=data.pop("province", None),
        region=data.pop("region", None),
        activity=data.pop("activity", None),
    )
    project_update(actor=actor, project=project, **references, **data)
    return queries.project_detail(actor=actor, code=code)


@router.post("/projects/{code}/transitions", response=ProjectDetailOut)
def project_move(request: HttpRequest, code: str, payload: TransitionIn):
    actor = actor_of(request)
    project = selectors.project_get(actor=actor, code=code)
    project_transition(actor=actor, project=project, **payload.dict())
    return queries.project_detail(actor=actor, code=code)


@router.get("/projects/{code}/events", response=list[EventOut])
def project_events(request: HttpRequest, code: str):
    return list(queries.project_detail(actor=actor_of(request), code=code).events.all())


# --------------------------------------------------------------------------------------------------
# Project bank
# --------------------------------------------------------------------------------------------------


@router.get("/sheets", response=list[SheetOut])
def sheet_list(request: HttpRequest, ecosystem: str = "", status: str = ""):
    return queries.sheet_filter(actor=actor_of(request), ecosystem=ecosystem, status=status)


@router.get("/sheets/{code}", response=SheetOut)
def sheet_get(request: HttpRequest, code: str):
    return selectors.sheet_get(actor=actor_of(request), code=code)


@router.post("/sheets", response={201: SheetOut})
def sheet_add(request: HttpRequest, payload: SheetIn):
    actor = actor_of(request)
    data = payload.dict()
    references = queries.project_references(actor=actor, ecosystem=data.pop("ecosystem"), activity=data.pop("activity"))
    return Status(201, sheet_create(actor=actor, **references, **data))


@router.post("/sheets/{code}/status", response=SheetOut)
def sheet_status(request: HttpRequest, code: str, payload: SheetStatusIn):
    sheet = selectors.sheet_get(actor=actor_of(request), code=code)
    return sheet_set_status(actor=actor_of(request), sheet=sheet, status=payload.status)


@router.post("/sheets/{code}/projects", response={201: ProjectDetailOut})
def sheet_take_up(request: HttpRequest, code: str, payload: TakeUpIn):
    actor = actor_of(request)
    sheet = selectors.sheet_get(actor=actor, code=code)
    data = payload.dict()
    company = queries.company_for(actor=actor, ice=data.pop("company"))
    place = queries.project_references(actor=actor, province=data.pop("province"), region=data.pop("region"))
    values = queries.sheet_project_values(sheet=sheet, **place, **data)
    project = project_create(actor=actor, company=company, **values)
    return Status(201, queries.project_detail(actor=actor, code=project.code))


# --------------------------------------------------------------------------------------------------
# Declarations, imports, verification
# --------------------------------------------------------------------------------------------------


@router.get("/declarations", response=list[DeclarationOut])
@paginate(LimitOffsetPagination, **PAGE)
def declaration_list(
    request: HttpRequest,
    company: str = "",
    month_from: str = "",
    month_to: str = "",
    source: str = "",
    project: str = "",
):
    return queries.declaration_filter(
        actor=actor_of(request),
        company=company,
        month_from=month_from,
        month_to=month_to,
        source=source,
        project=project,
    )


@router.post("/declarations", response={201: DeclarationOut})
def declaration_add(request: HttpRequest, payload: DeclarationIn):
    actor = actor_of(request)
    data = payload.dict()
    company = queries.company_for(actor=actor, ice=data.pop("company"))
    code = data.pop("project")
    project = selectors.project_get(actor=actor, code=code) if code else None
    return Status(201, declaration_submit(actor=actor, company=company, project=project, **data))


@router.get("/imports", response=list[ImportBatchOut])
@paginate(LimitOffsetPagination, **PAGE)
def import_list(request: HttpRequest):
    return selectors.import_list(actor=actor_of(request)).select_related("company")


@router.post("/imports", response={201: ImportBatchOut})
def import_upload(request: HttpRequest, kind: str = Form(...), file: UploadedFile = File(...)):  # noqa: B008
    return Status(201, import_batch_start(actor=actor_of(request), kind=kind, upload=file))


@router.get("/imports/{pk}", response=ImportBatchOut)
def import_get(request: HttpRequest, pk: int):
    return selectors.import_get(actor=actor_of(request), pk=pk)


@router.get("/imports/templates/{kind}.{fmt}")
def import_template(
    request: HttpRequest,
    kind: Literal["declarations", "cnss"],
    fmt: Literal["csv", "xlsx"],
    lang: Literal["fr", "en", "ar"] | None = None,
) -> HttpResponse:
    return import_template_response(kind=kind, fmt=fmt, language=lang)


@router.get("/verification", response=ReconciliationOut)
def verification_table(request: HttpRequest, company: str = "", ecosystem: str = ""):
    return queries.reconciliation(actor=actor_of(request), company=company, ecosystem=ecosystem)


@router.post("/verification/reconcile", response=ReconcileOut)
def verification_run(request: HttpRequest, payload: ReconcileIn):
    actor = actor_of(request)
    companies = queries.scope_companies(actor=actor, company=payload.company, ecosystem=payload.ecosystem)
    return headcount_reconcile(actor=actor, companies=companies)


# --------------------------------------------------------------------------------------------------
# Jobs and reference data
# --------------------------------------------------------------------------------------------------


@router.get("/jobs", response=JobsOut)
def jobs(
    request: HttpRequest,
    scope: Literal["programme", "ecosystem", "company"] = "programme",
    code: str = "",
    as_of: date | None = None,
) -> dict[str, Any]:
    view = queries.jobs_for(actor=actor_of(request), scope=scope, code=code, as_of=as_of or timezone.localdate())
    return jobs_body(view)


def jobs_body(view: queries.JobsView) -> dict[str, Any]:
    """Lay out a jobs report as the API answers it."""
    report = view.report
    return {
        "scope": view.scope,
        "code": view.code,
        "subject": view.subject,
        "as_of": report.as_of,
        "includes_generated_data": view.generated,
        **asdict(report.total),
        "ecosystems": [
            {"ecosystem": code, "name": view.ecosystems[code].name if code in view.ecosystems else code, **asdict(t)}
            for code, t in report.by_ecosystem.items()
        ],
        "companies": [
            {
                "ice": row.company.ice,
                "name": row.company.name,
                "ecosystem": row.ecosystem_code,
                "is_generated": row.company.is_generated,
                "baseline_month": f"{row.count.baseline_month:%Y-%m}" if row.count.baseline_month else None,
                "headcount_declared": row.count.headcount_declared,
                "headcount_cnss": row.count.headcount_cnss,
                "gross_hires": row.count.gross_hires,
                "net_declared": row.count.net_declared,
                "net_verified": row.count.net_verified,
                "notes": list(row.count.notes),
            }
            for row in report.companies
        ],
        "method": report.method,
    }


@router.get("/regions", response=list[RegionOut])
def region_list(request: HttpRequest):
    return selectors.regions()
