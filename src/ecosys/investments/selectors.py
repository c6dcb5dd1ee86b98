"""Reads of the investments domain, scoped to what the actor may see (company users: their own)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Organisation, User
from ecosys.core.errors import NotFound
from ecosys.core.permissions import actor_can, require
from ecosys.investments.models import Declaration, ImportBatch, InvestmentProject, OpportunitySheet, Province, Region

PROJECT_NOT_FOUND = _("No such project.")
COMPANY_NOT_FOUND = _("No such company.")


def actor_companies(actor: User) -> QuerySet[Organisation]:
    """Return the companies the actor acts for as a company user."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.COMPANY,
        memberships__user=actor,
        memberships__is_active=True,
        memberships__role="company_user",
    ).distinct()


def sees_all_companies(actor: User) -> bool:
    return actor_can(actor, "investments.view_all")


def project_list(*, actor: User) -> QuerySet[InvestmentProject]:
    """Return the projects the actor may see: all for staff, its company's for a company user."""
    require(actor, "investments.view")
    projects = InvestmentProject.objects.select_related("company", "ecosystem", "region", "province")
    if sees_all_companies(actor):
        return projects
    return projects.filter(company__in=actor_companies(actor))


def project_get(*, actor: User, code: str) -> InvestmentProject:
    project = project_list(actor=actor).filter(code=code).first()
    if project is None:
        raise NotFound(PROJECT_NOT_FOUND)
    return project


def company_list(*, actor: User) -> QuerySet[Organisation]:
    require(actor, "investments.view")
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    return companies if sees_all_companies(actor) else companies.filter(pk__in=actor_companies(actor))


def company_get(*, actor: User, ice: str) -> Organisation:
    company = company_list(actor=actor).filter(ice=ice).first()
    if company is None:
        raise NotFound(COMPANY_NOT_FOUND)
    return company


def declaration_list(*, actor: User) -> QuerySet[Declaration]:
    require(actor, "investments.view")
    declarations = Declaration.objects.select_related("company", "project")
    if sees_all_companies(actor):
        return declarations
    return declarations.filter(company__in=actor_companies(actor))


def sheet_list(*, actor: User) -> QuerySet[OpportunitySheet]:
    """Every signed-in role reads the project bank; withdrawn sheets only for those who manage it."""
    require(actor, "investments.view")
    sheets = OpportunitySheet.objects.select_related("ecosystem")
    if actor_can(actor, "projectbank.manage"):
        return sheets
    return sheets.filter(~Q(status=OpportunitySheet.SheetStatus.WITHDRAWN))


def sheet_get(*, actor: User, code: str) -> OpportunitySheet:
    sheet = sheet_list(actor=actor).filter(code=code).first()
    if sheet is None:
        raise NotFound(_("No such sheet."))
    return sheet


def import_list(*, actor: User) -> QuerySet[ImportBatch]:
    require(actor, "investments.view")
    batches = ImportBatch.objects.all()
    if sees_all_companies(actor):
        return batches
    return batches.filter(Q(company__in=actor_companies(actor)) | Q(created_by=actor))


def import_get(*, actor: User, pk: int) -> ImportBatch:
    batch = import_list(actor=actor).filter(pk=pk).first()
    if batch is None:
        raise NotFound(_("No such import."))
    return batch


def regions() -> QuerySet[Region]:
    return Region.objects.prefetch_related("provinces")


def province_in_region(*, region: Region, code: str) -> Province | None:
    return region.provinces.filter(code=code).first()
