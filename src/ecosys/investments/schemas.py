"""Shapes of the investments API: what it reads (``*In``) and what it answers (``*Out``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Schema

from ecosys.core.http import actor_of
from ecosys.core.i18n import localized
from ecosys.investments import queries


class PlanYearIn(Schema):
    year: int
    jobs: int = 0
    turnover_mad: Decimal = Decimal(0)
    exports_mad: Decimal = Decimal(0)
    value_added_mad: Decimal = Decimal(0)
    import_substitution_mad: Decimal = Decimal(0)


class ProjectMilestoneIn(Schema):
    kind: str
    planned_date: date
    actual_date: date | None = None


class ProjectIn(Schema):
    company: str | None = None  # ICE; a company user may leave it out for its own company
    name: str
    ecosystem: str
    activity: int | None = None
    hs_codes: list[str] = []
    province: str
    region: str | None = None  # implied by the province
    investment_mad: Decimal
    land_need_m2: int = 0
    plan: list[PlanYearIn] = []
    milestones: list[ProjectMilestoneIn] = []


class ProjectPatch(Schema):
    name: str | None = None
    ecosystem: str | None = None
    activity: int | None = None
    hs_codes: list[str] | None = None
    province: str | None = None
    region: str | None = None
    investment_mad: Decimal | None = None
    land_need_m2: int | None = None
    plan: list[PlanYearIn] | None = None
    milestones: list[ProjectMilestoneIn] | None = None


class TransitionIn(Schema):
    target: str
    reason: str = ""
    agreement_date: date | None = None


class ProjectOut(Schema):
    code: str
    name: str
    company: str
    company_name: str
    ecosystem: str
    activity: int | None
    hs_codes: list[str]
    region: str
    province: str
    investment_mad: Decimal
    land_need_m2: int
    sheet: str | None
    status: str
    status_label: str
    agreement_date: date | None
    is_generated: bool

    @staticmethod
    def resolve_company(obj: Any) -> str:
        return str(obj.company.ice)

    @staticmethod
    def resolve_company_name(obj: Any) -> str:
        return str(obj.company.name)

    @staticmethod
    def resolve_ecosystem(obj: Any) -> str:
        return str(obj.ecosystem.code)

    @staticmethod
    def resolve_activity(obj: Any) -> int | None:
        return obj.activity_id

    @staticmethod
    def resolve_region(obj: Any) -> str:
        return str(obj.region.code)

    @staticmethod
    def resolve_province(obj: Any) -> str:
        return str(obj.province.code)

    @staticmethod
    def resolve_sheet(obj: Any) -> str | None:
        return obj.sheet.code if obj.sheet_id else None

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class PlanYearOut(Schema):
    year: int
    jobs: int
    turnover_mad: Decimal
    exports_mad: Decimal
    value_added_mad: Decimal
    import_substitution_mad: Decimal


class ProjectMilestoneOut(Schema):
    kind: str
    planned_date: date
    actual_date: date | None


class EventOut(Schema):
    source: str
    target: str
    at: datetime
    by: str | None
    reason: str

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return obj.by.get_username() if obj.by_id else None


class ProjectDetailOut(ProjectOut):
    plan: list[PlanYearOut]
    milestones: list[ProjectMilestoneOut]
    events: list[EventOut]
    can_edit: bool
    allowed_transitions: list[str]

    @staticmethod
    def resolve_plan(obj: Any) -> list[Any]:
        return list(obj.plan.all())

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Any]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_events(obj: Any) -> list[Any]:
        return list(obj.events.all())

    @staticmethod
    def resolve_can_edit(obj: Any, context: Any) -> bool:
        return queries.project_can_edit(actor=actor_of(context["request"]), project=obj)

    @staticmethod
    def resolve_allowed_transitions(obj: Any, context: Any) -> list[str]:
        return [str(o.target) for o in queries.project_transitions(actor=actor_of(context["request"]), project=obj)]


class SheetIn(Schema):
    code: str
    ecosystem: str
    name_fr: str
    name_en: str = ""
    name_ar: str = ""
    activity: int | None = None
    hs_codes: list[str] = []
    description_fr: str = ""
    description_en: str = ""
    description_ar: str = ""
    market_size_mad: Decimal | None = None
    market_source: str = ""
    indicative_investment_mad: Decimal | None = None
    indicative_jobs: int | None = None


class SheetStatusIn(Schema):
    status: str


class TakeUpIn(Schema):
    company: str | None = None
    province: str
    region: str | None = None
    name: str | None = None
    investment_mad: Decimal | None = None
    land_need_m2: int = 0


class SheetOut(Schema):
    code: str
    name: str
    name_fr: str
    name_en: str
    name_ar: str
    ecosystem: str
    activity: int | None
    hs_codes: list[str]
    description: str
    market_size_mad: Decimal | None
    market_source: str
    indicative_investment_mad: Decimal | None
    indicative_jobs: int | None
    status: str
    is_generated: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return localized(obj, "name")

    @staticmethod
    def resolve_ecosystem(obj: Any) -> str:
        return str(obj.ecosystem.code)

    @staticmethod
    def resolve_activity(obj: Any) -> int | None:
        return obj.activity_id

    @staticmethod
    def resolve_description(obj: Any) -> str:
        return localized(obj, "description")


class DeclarationIn(Schema):
    company: str | None = None  # ICE; a company user may leave it out for its own company
    month: str
    project: str | None = None
    source: str = "company"
    headcount: int | None = None
    headcount_women: int | None = None
    gross_hires: int | None = None
    departures: int | None = None
    turnover_mad: Decimal | None = None
    exports_mad: Decimal | None = None
    imports_mad: Decimal | None = None
    value_added_mad: Decimal | None = None


class DeclarationOut(Schema):
    id: int
    company: str
    company_name: str
    project: str | None
    month: str
    source: str
    headcount: int | None
    headcount_women: int | None
    gross_hires: int | None
    departures: int | None
    turnover_mad: Decimal | None
    exports_mad: Decimal | None
    imports_mad: Decimal | None
    value_added_mad: Decimal | None
    verification: str
    is_generated: bool

    @staticmethod
    def resolve_company(obj: Any) -> str:
        return str(obj.company.ice)

    @staticmethod
    def resolve_company_name(obj: Any) -> str:
        return str(obj.company.name)

    @staticmethod
    def resolve_project(obj: Any) -> str | None:
        return obj.project.code if obj.project_id else None

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_is_generated(obj: Any) -> bool:
        return bool(obj.company.is_generated)


class ImportErrorOut(Schema):
    row: int | None = None
    column: str | None = None
    message: str


class ImportBatchOut(Schema):
    id: int
    kind: str
    filename: str
    status: str
    rows_total: int
    rows_done: int
    errors: list[ImportErrorOut]
    created_at: datetime
    finished_at: datetime | None
    company: str | None

    @staticmethod
    def resolve_company(obj: Any) -> str | None:
        return obj.company.ice if obj.company_id else None


class ReconcileIn(Schema):
    company: str | None = None
    ecosystem: str | None = None


class ReconcileOut(Schema):
    verified: int
    discrepancy: int
    unverified: int


class ReconciliationRowOut(Schema):
    month: str
    declared: int | None
    cnss: int | None
    difference: int | None
    status: str
    verified: int
    discrepancy: int
    unverified: int

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.month:%Y-%m}"


class ReconciliationOut(Schema):
    company: str | None
    ecosystem: str | None
    companies: int
    tolerance_jobs: int
    tolerance_percent: Decimal
    includes_generated_data: bool
    rows: list[ReconciliationRowOut]

    @staticmethod
    def resolve_includes_generated_data(obj: Any) -> bool:
        return bool(obj.generated)

    @staticmethod
    def resolve_company(obj: Any) -> str | None:
        return obj.company.ice if obj.company else None

    @staticmethod
    def resolve_ecosystem(obj: Any) -> str | None:
        return obj.ecosystem.code if obj.ecosystem else None


class JobsFiguresOut(Schema):
    firms: int
    firms_verified: int
    gross_hires: int
    net_declared: int
    net_verified: int


class EcosystemJobsOut(JobsFiguresOut):
    ecosystem: str
    name: str


class CompanyJobsOut(Schema):
    ice: str
    name: str
    ecosystem: str
    is_generated: bool
    baseline_month: str | None
    headcount_declared: int | None
    headcount_cnss: int | None
    gross_hires: int
    net_declared: int | None
    net_verified: int | None
    notes: list[str]


class JobsOut(JobsFiguresOut):
    scope: str
    code: str
    subject: str
    as_of: date
    includes_generated_data: bool
    ecosystems: list[EcosystemJobsOut]
    companies: list[CompanyJobsOut]
    method: str


class ProvinceOut(Schema):
    code: str
    name: str
    kind: str


class RegionOut(Schema):
    code: str
    name: str
    provinces: list[ProvinceOut]

    @staticmethod
    def resolve_provinces(obj: Any) -> list[Any]:
        return list(obj.provinces.all())
