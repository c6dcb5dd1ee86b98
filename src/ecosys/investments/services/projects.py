"""Writes for investment projects: create, edit (companies until validation), move through the lifecycle."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Organisation, User
from ecosys.analytics.hs import is_known_hs_code, normalise_hs_code
from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.numbers import to_decimal
from ecosys.core.permissions import actor_roles, require
from ecosys.core.roles import Role
from ecosys.investments import lifecycle
from ecosys.investments.lifecycle import Status
from ecosys.investments.models import InvestmentProject, ProjectEvent, ProjectMilestone, ProjectPlanYear
from ecosys.investments.selectors import actor_companies, sees_all_companies
from ecosys.monitoring.services import realisations_changed

NOT_YOUR_COMPANY = _("You may only act for your own company.")
NOT_A_COMPANY = _("A project belongs to a company (an organisation with an ICE).")
PROVINCE_NOT_IN_REGION = _("This province is not in the chosen region.")
HS_UNKNOWN = _("Unknown HS code %(code)s.")
NOT_EDITABLE = _("A validated project can no longer be edited by the company; ask the federation.")
TRANSITION_NOT_ALLOWED = _("A project cannot go from “%(source)s” to “%(target)s”.")
TRANSITION_ROLE = _("Your role does not allow moving a project from “%(source)s” to “%(target)s”.")
REASON_REQUIRED = _("Say why: a reason is required.")
OWN_SUBMISSION = _("A project is validated by someone other than the person who submitted it.")
AGREEMENT_DATE_REQUIRED = _("Give the date the investment agreement was signed.")
AGREEMENT_DATE_FUTURE = _("The agreement date cannot be in the future.")
NEGATIVE = _("Enter a number that is zero or more.")
SHEET_NOT_OPEN = _("This sheet of the project bank is no longer open.")
EDITABLE_FIELDS = {"name", "ecosystem", "activity", "hs_codes", "region", "province", "investment_mad", "land_need_m2"}


def check_company_actor(actor: User, company: Organisation) -> None:
    if sees_all_companies(actor):
        return
    if not actor_companies(actor).filter(pk=company.pk).exists():
        raise PermissionDenied(NOT_YOUR_COMPANY, code="forbidden:company")


def clean_hs_codes(codes: list[str]) -> list[str]:
    clean = []
    for raw in codes:
        code = normalise_hs_code(str(raw))
        if not is_known_hs_code(code):
            raise ValidationFailed(HS_UNKNOWN % {"code": raw}, field="hs_codes")
        clean.append(code)
    return sorted(set(clean))


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    if "region" in values or "province" in values:
        region, province = values.get("region"), values.get("province")
        if region is not None and province is not None and province.region_id != region.pk:
            raise ValidationFailed(PROVINCE_NOT_IN_REGION, field="province", code="province_not_in_region")
    if "hs_codes" in values:
        values["hs_codes"] = clean_hs_codes(values["hs_codes"] or [])
    if "investment_mad" in values:
        values["investment_mad"] = to_decimal(values["investment_mad"], field="investment_mad")
        if values["investment_mad"] < 0:
            raise ValidationFailed(NEGATIVE, field="investment_mad")
    if "name" in values and not str(values["name"]).strip():
        raise ValidationFailed(_("The name is required."), field="name")
    return values


@transaction.atomic
def project_create(
    *,
    actor: User | None,
    company: Organisation,
    plan: list[dict[str, Any]] | None = None,
    milestones: list[dict[str, Any]] | None = None,
    code: str = "",
    identified_at: datetime | None = None,
    **values: Any,
) -> InvestmentProject:
    """Create a project for a company (its own, for a company user), with its yearly plan and milestones.

    ``identified_at`` dates the first event when the project was identified before it was recorded.
    """
    if actor is not None:
        require(actor, "project.create")
        check_company_actor(actor, company)
    if company.kind != Organisation.Kind.COMPANY:
        raise ValidationFailed(NOT_A_COMPANY, field="company")
    unknown = set(values) - EDITABLE_FIELDS - {"sheet", "is_generated"}
    if unknown:
        raise ValidationFailed(_("Unknown field."), field=sorted(unknown)[0])
    values = _clean(values)
    sheet = values.get("sheet")
    if sheet is not None and sheet.status != "open":
        raise Conflict(SHEET_NOT_OPEN, code="sheet_not_open")
    if not code:
        last = InvestmentProject.objects.aggregate(m=Max("pk"))["m"] or 0
        code = f"PRJ-{last + 1:06d}"
    project = InvestmentProject.objects.create(company=company, code=code, **values)
    ProjectEvent.objects.create(
        project=project, source="", target=Status.IDENTIFIED, at=identified_at or timezone.now(), by=actor
    )
    _set_plan(project, plan or [])
    _set_milestones(project, milestones or [])
    if project.sheet_id:
        from ecosys.investments.services.bank import sheet_mark_taken

        sheet_mark_taken(sheet=project.sheet)  # type: ignore[arg-type]
    return project


def _set_plan(project: InvestmentProject, plan: list[dict[str, Any]]) -> None:
    for row in plan:
        year = int(row["year"])
        values: dict[str, Any] = {
            "jobs": int(row.get("jobs") or 0),
            **{
                f: to_decimal(row.get(f) or 0, field=f"plan.{year}.{f}")
                for f in ("turnover_mad", "exports_mad", "value_added_mad", "import_substitution_mad")
            },
        }
        if values["jobs"] < 0 or any(isinstance(v, Decimal) and v < 0 for v in values.values()):
            raise ValidationFailed(NEGATIVE, field=f"plan.{year}")
        ProjectPlanYear.objects.update_or_create(project=project, year=year, defaults=values)


def _set_milestones(project: InvestmentProject, milestones: list[dict[str, Any]]) -> None:
    for row in milestones:
        if row["kind"] not in ProjectMilestone.Kind.values:
            raise ValidationFailed(_("Unknown milestone."), field="milestones.kind")
        ProjectMilestone.objects.update_or_create(
            project=project,
            kind=row["kind"],
            defaults={"planned_date": row["planned_date"], "actual_date": row.get("actual_date")},
        )


def is_company_only(actor: User) -> bool:
    return not actor.is_superuser and actor_roles(actor) <= {Role.COMPANY_USER}


@transaction.atomic
def project_update(
    *,
    actor: User,
    project: InvestmentProject,
    plan: list[dict[str, Any]] | None = None,
    milestones: list[dict[str, Any]] | None = None,
    **values: Any,
) -> InvestmentProject:
    """Edit a project; a company edits its own only while the project is not yet validated."""
    require(actor, "project.edit")
    check_company_actor(actor, project.company)
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    if is_company_only(actor) and project.status not in lifecycle.EDITABLE_BY_COMPANY:
        raise Conflict(NOT_EDITABLE, code="project_locked")
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown field."), field=sorted(unknown)[0])
    values = _clean({"region": project.region, "province": project.province, **values})
    for name, value in values.items():
        setattr(project, name, value)
    project.save()
    if plan is not None:
        _set_plan(project, plan)
    if milestones is not None:
        _set_milestones(project, milestones)
    return project


@transaction.atomic
def project_transition(
    *,
    actor: User | None,
    project: InvestmentProject,
    target: str,
    reason: str = "",
    agreement_date: date | None = None,
    at: Any = None,
) -> InvestmentProject:
    """Move a project to ``target`` if the lifecycle allows it for the actor's role; record a dated event.

    ``actor=None`` is the system (demo data generator), which still follows the allowed transitions.
    """
    project = InvestmentProject.objects.select_for_update().get(pk=project.pk)
    if actor is not None:  # who may act comes before what the lifecycle allows
        require(actor, "project.edit")
        check_company_actor(actor, project.company)
    source = Status(project.status)
    try:
        target_status = Status(target)
    except ValueError:
        raise ValidationFailed(_("Unknown status."), field="status") from None
    suspended_from = Status(project.suspended_from) if project.suspended_from else None
    rule = lifecycle.transition_for(source, target_status, suspended_from)
    labels = {"source": source.label, "target": target_status.label}
    if rule is None:
        raise Conflict(TRANSITION_NOT_ALLOWED % labels, code="transition_not_allowed")
    if actor is not None:
        if not actor.is_superuser and not (actor_roles(actor) & rule.roles):
            raise PermissionDenied(TRANSITION_ROLE % labels, code="forbidden:transition")
        if rule.other_than_submitter and project.submitted_by_id == actor.pk:
            raise ValidationFailed(OWN_SUBMISSION, code="four_eyes", field="status")
    if rule.needs_reason and not reason.strip():
        raise ValidationFailed(REASON_REQUIRED, field="reason", code="reason_required")
    now = at or timezone.now()
    if target_status == Status.AGREEMENT_SIGNED and source != Status.SUSPENDED:  # a resumption keeps its date
        if agreement_date is None:
            raise ValidationFailed(AGREEMENT_DATE_REQUIRED, field="agreement_date", code="agreement_date_required")
        if agreement_date > timezone.localdate():
            raise ValidationFailed(AGREEMENT_DATE_FUTURE, field="agreement_date")
        project.agreement_date = agreement_date
    if target_status == Status.SUBMITTED:
        project.submitted_by = actor
    project.suspended_from = source if target_status == Status.SUSPENDED else ""
    project.status = target_status
    project._change_reason = reason.strip()  # type: ignore[attr-defined]
    project.save()
    ProjectEvent.objects.create(
        project=project, source=source, target=target_status, at=now, by=actor, reason=reason.strip()
    )
    realisations_changed()  # the pipeline feeds the forecasts
    return project
