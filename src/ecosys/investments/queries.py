"""Reads the investment pages and API need beyond ``selectors``: filters, codes of a request resolved
to objects, the transitions offered to an actor, the reconciliation table, jobs by scope.

Every query here starts from a scoped selector (``project_list``, ``declaration_list``,
``company_list``, ``sheet_list``), so nothing in this module widens what an actor sees. These are
candidates for ``selectors.py``; they live apart until its owners take them over.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Organisation, User
from ecosys.core.errors import NotFound, ValidationFailed
from ecosys.core.permissions import actor_can, actor_roles, require
from ecosys.investments import lifecycle, selectors
from ecosys.investments.jobs import JobsReport, jobs_report
from ecosys.investments.lifecycle import Status
from ecosys.investments.models import (
    Declaration,
    InvestmentProject,
    OpportunitySheet,
    ProjectEvent,
    Province,
    Source,
    VerificationPolicy,
)
from ecosys.investments.services.declarations import parse_month
from ecosys.investments.services.projects import is_company_only
from ecosys.programmes import selectors as programme_selectors
from ecosys.programmes.models import Activity, Ecosystem

CHOOSE_COMPANY = _("Choose the company (its ICE).")
UNKNOWN_ECOSYSTEM = _("No ecosystem with this code.")
UNKNOWN_PROVINCE = _("No prefecture or province with this code.")
UNKNOWN_REGION = _("No region with this code.")
UNKNOWN_ACTIVITY = _("No activity with this number.")
CODE_REQUIRED = _("Give the code of the ecosystem or the ICE of the company.")
SCOPE_REQUIRED = _("Choose a company or an ecosystem.")
JOBS_SCOPES = ("programme", "ecosystem", "company")


# --------------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------------


def project_filter(
    *,
    actor: User,
    ecosystem: str = "",
    status: str = "",
    region: str = "",
    company: str = "",
    sheet: OpportunitySheet | None = None,
) -> QuerySet[InvestmentProject]:
    """Return the actor's projects, narrowed by ecosystem code, status, region code, company ICE, sheet."""
    projects = selectors.project_list(actor=actor)
    if sheet is not None:
        projects = projects.filter(sheet=sheet)
    if ecosystem:
        projects = projects.filter(ecosystem__code=ecosystem)
    if status:
        projects = projects.filter(status=status)
    if region:
        projects = projects.filter(region__code=region)
    if company:
        projects = projects.filter(company__ice=company.replace(" ", ""))
    return projects.select_related("sheet").order_by("code")


def project_detail(*, actor: User, code: str) -> InvestmentProject:
    """Return one project the actor may see, with its plan, milestones and dated events."""
    project = selectors.project_get(actor=actor, code=code)
    return (
        InvestmentProject.objects.select_related("company", "ecosystem", "region", "province", "activity", "sheet")
        .prefetch_related(
            "plan",
            "milestones",
            Prefetch("events", queryset=ProjectEvent.objects.select_related("by").order_by("at", "pk")),
        )
        .get(pk=project.pk)
    )


@dataclass(frozen=True)
class TransitionOffer:
    """A move the actor may attempt now, and what the form must ask for."""

    target: Status
    needs_reason: bool
    needs_agreement_date: bool

    @property
    def label(self) -> str:
        return str(self.target.label)


def project_transitions(*, actor: User, project: InvestmentProject) -> list[TransitionOffer]:
    """Return the lifecycle moves open to this actor on this project (the buttons a page shows)."""
    if not actor_can(actor, "project.edit"):
        return []
    if (
        not selectors.sees_all_companies(actor)
        and not selectors.actor_companies(actor).filter(pk=project.company_id).exists()
    ):
        return []
    roles = actor_roles(actor)
    source = Status(project.status)
    suspended_from = Status(project.suspended_from) if project.suspended_from else None
    offers = []
    for target in lifecycle.allowed_targets(source, suspended_from):
        rule = lifecycle.transition_for(source, target, suspended_from)
        if rule is None or not (actor.is_superuser or roles & rule.roles):
            continue
        if rule.other_than_submitter and project.submitted_by_id == actor.pk:
            continue
        # A resumption keeps the agreement date it had; only a first signature asks for one.
        dated = target == Status.AGREEMENT_SIGNED and source != Status.SUSPENDED
        offers.append(TransitionOffer(target, rule.needs_reason, dated))
    return offers


def project_can_edit(*, actor: User, project: InvestmentProject) -> bool:
    """Return True when the actor may edit the project's facts (a company: until validation)."""
    if not actor_can(actor, "project.edit"):
        return False
    if selectors.sees_all_companies(actor):
        return True
    if not selectors.actor_companies(actor).filter(pk=project.company_id).exists():
        return False
    return not is_company_only(actor) or project.status in lifecycle.EDITABLE_BY_COMPANY


def company_for(*, actor: User, ice: str | None) -> Organisation:
    """Return the company named by its ICE (scoped), or the actor's own when it acts for exactly one."""
    if ice:
        return selectors.company_get(actor=actor, ice=ice.replace(" ", ""))
    own = list(selectors.actor_companies(actor)[:2])
    if len(own) == 1:
        return own[0]
    raise ValidationFailed(CHOOSE_COMPANY, field="company", code="company_required")


def company_choices(*, actor: User) -> QuerySet[Organisation] | None:
    """Return the companies a form offers, or None when the actor acts for exactly one (no choice)."""
    companies = selectors.company_list(actor=actor).order_by("name")
    if not selectors.sees_all_companies(actor) and companies[:2].count() == 1:
        return None
    return companies


def company_filter(*, actor: User, q: str = "") -> QuerySet[Organisation]:
    """Return the companies the actor sees, by name, whose name contains ``q`` or whose ICE starts with it."""
    companies = selectors.company_list(actor=actor).order_by("name")
    if q:
        companies = companies.filter(Q(name__icontains=q) | Q(ice__startswith=q.replace(" ", "")))
    return companies


def project_references(
    *,
    actor: User,
    ecosystem: str | None = None,
    province: str | None = None,
    region: str | None = None,
    activity: int | None = None,
) -> dict[str, Any]:
    """Resolve the codes a request gives for a project into objects, naming the field that is wrong.

    A province implies its region; a region given as well is passed on so the service checks them.
    """
    values: dict[str, Any] = {}
    if ecosystem is not None:
        found = programme_selectors.ecosystem_list(actor=actor).filter(code=ecosystem).first()
        if found is None:
            raise ValidationFailed(UNKNOWN_ECOSYSTEM, field="ecosystem", code="unknown_ecosystem")
        values["ecosystem"] = found
    if province is not None:
        place = Province.objects.select_related("region").filter(code=province).first()
        if place is None:
            raise ValidationFailed(UNKNOWN_PROVINCE, field="province", code="unknown_province")
        values["province"] = place
        values["region"] = place.region
    if region:
        chosen = selectors.regions().filter(code=region).first()
        if chosen is None:
            raise ValidationFailed(UNKNOWN_REGION, field="region", code="unknown_region")
        values["region"] = chosen
    if activity is not None:
        found_activity = activity_choices(actor=actor).filter(pk=activity).first()
        if found_activity is None:
            raise ValidationFailed(UNKNOWN_ACTIVITY, field="activity", code="unknown_activity")
        values["activity"] = found_activity
    return values


def activity_choices(*, actor: User) -> QuerySet[Activity]:
    """Return the value-chain activities a project may name, with their ecosystem."""
    require(actor, "programme.view")
    return Activity.objects.select_related("tier__ecosystem").order_by("tier__ecosystem__code", "tier", "position")


def province_choices() -> QuerySet[Province]:
    return Province.objects.select_related("region").order_by("region__code", "name_fr")


# --------------------------------------------------------------------------------------------------
# Project bank
# --------------------------------------------------------------------------------------------------


def sheet_filter(*, actor: User, ecosystem: str = "", status: str = "") -> QuerySet[OpportunitySheet]:
    sheets = selectors.sheet_list(actor=actor)
    if ecosystem:
        sheets = sheets.filter(ecosystem__code=ecosystem)
    if status:
        sheets = sheets.filter(status=status)
    return sheets.order_by("code")


def sheet_project_values(*, sheet: OpportunitySheet, **given: Any) -> dict[str, Any]:
    """Return the values of a project taken up from a sheet: what the investor gave, else the sheet's."""
    values: dict[str, Any] = {
        "name": sheet.name_fr,
        "ecosystem": sheet.ecosystem,
        "activity": sheet.activity,
        "hs_codes": list(sheet.hs_codes or []),
        "investment_mad": sheet.indicative_investment_mad or Decimal(0),
        "sheet": sheet,
    }
    values.update({name: value for name, value in given.items() if value not in (None, "")})
    return values


# --------------------------------------------------------------------------------------------------
# Declarations and their verification
# --------------------------------------------------------------------------------------------------


def declaration_filter(
    *,
    actor: User,
    company: str = "",
    month_from: str = "",
    month_to: str = "",
    source: str = "",
    project: str = "",
) -> QuerySet[Declaration]:
    """Return the actor's declarations, narrowed by company ICE, months (YYYY-MM), source and project."""
    declarations = selectors.declaration_list(actor=actor)
    if company:
        declarations = declarations.filter(company__ice=company.replace(" ", ""))
    if month_from:
        declarations = declarations.filter(month__gte=_month(month_from, "month_from"))
    if month_to:
        declarations = declarations.filter(month__lte=_month(month_to, "month_to"))
    if source:
        declarations = declarations.filter(source=source)
    if project:
        declarations = declarations.filter(project__code=project)
    return declarations.order_by("-month", "company__name", "source", "project__code")


def _month(value: str, name: str) -> date:
    try:
        return parse_month(value)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.message, field=name, code=exc.code) from None


def _total(values: Any) -> int | None:
    """Add the known values; None when none is known (not zero: nothing was declared)."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def scope_companies(*, actor: User, company: str | None = None, ecosystem: str | None = None) -> list[int]:
    """Return the ids of the companies a verification covers: one company, an ecosystem's, or all seen."""
    if company:
        return [selectors.company_get(actor=actor, ice=company.replace(" ", "")).pk]
    projects = selectors.project_list(actor=actor)
    if ecosystem:
        if not programme_selectors.ecosystem_list(actor=actor).filter(code=ecosystem).exists():
            raise NotFound(programme_selectors.NOT_FOUND)
        projects = projects.filter(ecosystem__code=ecosystem)
    return sorted(set(projects.values_list("company_id", flat=True)))


@dataclass(frozen=True)
class ReconciliationRow:
    month: date
    declared: int | None
    cnss: int | None
    difference: int | None
    status: str = ""
    verified: int = 0
    discrepancy: int = 0
    unverified: int = 0


@dataclass(frozen=True)
class Reconciliation:
    company: Organisation | None
    ecosystem: Ecosystem | None
    companies: int
    tolerance_jobs: int
    tolerance_percent: Decimal
    rows: list[ReconciliationRow] = field(default_factory=list)
    generated: bool = False  # generated demo companies are among those counted


def reconciliation(*, actor: User, company: str | None = None, ecosystem: str | None = None) -> Reconciliation:
    """Return, month by month, the declared headcount beside the CNSS one and the verification status.

    For one company: its figures (a month declared for the whole company wins over the sum of its
    project declarations, as in the jobs count). For an ecosystem: the sums over its companies, the
    difference over the companies that have both figures, and how many companies are in each status.
    """
    if not company and not ecosystem:
        raise ValidationFailed(SCOPE_REQUIRED, field="company", code="scope_required")
    the_company = selectors.company_get(actor=actor, ice=company.replace(" ", "")) if company else None
    the_ecosystem = None
    if ecosystem and the_company is None:
        the_ecosystem = programme_selectors.ecosystem_get(actor=actor, code=ecosystem)
    ids = [the_company.pk] if the_company else scope_companies(actor=actor, ecosystem=ecosystem)
    rows = (
        selectors.declaration_list(actor=actor)
        .filter(company_id__in=ids, source__in=[Source.COMPANY, Source.CNSS], headcount__isnull=False)
        .values_list("company_id", "month", "source", "project_id", "headcount", "verification")
    )
    whole: dict[tuple[int, date], tuple[int, str]] = {}
    parts: dict[tuple[int, date], tuple[int, str]] = {}
    cnss: dict[tuple[int, date], int] = {}
    for company_id, month, source, project_id, headcount, verification in rows.iterator(chunk_size=20000):
        key = (company_id, month)
        count = int(headcount or 0)
        if source == Source.CNSS:
            if project_id is None:
                cnss[key] = count
        elif project_id is None:
            whole[key] = (count, verification)
        else:
            previous = parts.get(key, (0, verification))
            parts[key] = (previous[0] + count, previous[1])
    declared = {**parts, **whole}
    by_month: dict[date, list[tuple[int | None, int | None, str]]] = defaultdict(list)
    for key in set(declared) | set(cnss):
        headcount, status = declared.get(key, (None, ""))
        by_month[key[1]].append((headcount, cnss.get(key), status))
    policy = VerificationPolicy.current()
    table = []
    for month in sorted(by_month, reverse=True):
        figures = by_month[month]
        both = [(d, c) for d, c, _s in figures if d is not None and c is not None]
        statuses = [s for _d, _c, s in figures if s]
        table.append(
            ReconciliationRow(
                month=month,
                declared=_total(d for d, _c, _s in figures),
                cnss=_total(c for _d, c, _s in figures),
                difference=sum(d - c for d, c in both) if both else None,
                status=statuses[0] if the_company and statuses else "",
                verified=statuses.count(Declaration.Verification.VERIFIED),
                discrepancy=statuses.count(Declaration.Verification.DISCREPANCY),
                unverified=statuses.count(Declaration.Verification.UNVERIFIED),
            )
        )
    return Reconciliation(
        company=the_company,
        ecosystem=the_ecosystem,
        companies=len(ids),
        tolerance_jobs=policy.tolerance_jobs,
        tolerance_percent=policy.tolerance_percent,
        rows=table,
        generated=Organisation.objects.filter(pk__in=ids, is_generated=True).exists(),
    )


# --------------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobsView:
    """A jobs report and what it is about: the programme, an ecosystem or a company."""

    scope: str
    code: str
    subject: str
    report: JobsReport
    ecosystems: dict[str, Ecosystem]

    @property
    def generated(self) -> bool:
        """True when generated demo companies contribute to the figures."""
        return any(row.company.is_generated for row in self.report.companies)


def jobs_for(*, actor: User, scope: str, code: str = "", as_of: date) -> JobsView:
    """Count jobs for the programme, an ecosystem (by code) or a company (by ICE), within the actor's view."""
    ecosystems = {e.code: e for e in programme_selectors.ecosystem_list(actor=actor)}
    if scope == "company":
        if not code:
            raise ValidationFailed(CODE_REQUIRED, field="code", code="code_required")
        company = selectors.company_get(actor=actor, ice=code.replace(" ", ""))
        report = jobs_report(actor=actor, as_of=as_of, company=company)
        return JobsView(scope, company.ice, company.name, report, ecosystems)
    if scope == "ecosystem":
        if not code:
            raise ValidationFailed(CODE_REQUIRED, field="code", code="code_required")
        ecosystem = programme_selectors.ecosystem_get(actor=actor, code=code)
        report = jobs_report(actor=actor, as_of=as_of, ecosystem_code=ecosystem.code)
        return JobsView(scope, ecosystem.code, ecosystem.name, report, ecosystems)
    if scope != "programme":
        raise ValidationFailed(_("Choose one of the allowed values."), field="scope", code="invalid")
    programmes = programme_selectors.programme_list(actor=actor)
    programme = programme_selectors.programme_get(actor=actor, code=code) if code else programmes.first()
    report = jobs_report(actor=actor, as_of=as_of, programme_code=programme.code if programme else None)
    return JobsView(scope, programme.code if programme else "", programme.name if programme else "", report, ecosystems)
