"""Resolve what a form or an API payload names (a KPI by id, a project by code, a grant application by
reference, a land request by reference, an organisation or a person) into objects, for the pages and the API alike."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Organisation, User
from ecosys.core.errors import ValidationFailed
from ecosys.governance.services import AgendaEntry
from ecosys.incentives.models import Application
from ecosys.investments.models import InvestmentProject
from ecosys.land.models import LandRequest
from ecosys.programmes.models import Target

ORGANISATION_REQUIRED = _("Choose the organisation.")
LINK_UNKNOWN = _("No such KPI, project, grant application or land request: choose one from the list or check the code.")


def pick(queryset: QuerySet[Any], raw: object, field: str = "pk") -> Any:
    """Return the object named by ``raw`` (None when left empty); a value naming nothing is refused."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    if field == "pk" and not text.isdigit():
        raise ValidationFailed(LINK_UNKNOWN, code="link_unknown")
    found = queryset.filter(**{field: text}).first()
    if found is None:
        raise ValidationFailed(LINK_UNKNOWN, code="link_unknown")
    return found


def target(raw: object) -> Target | None:
    return pick(Target.objects.select_related("contract", "indicator"), raw)


def project(raw: object) -> InvestmentProject | None:
    return pick(InvestmentProject.objects.select_related("ecosystem__sector"), raw, "code")


def application(raw: object) -> Application | None:
    return pick(Application.objects.select_related("project__ecosystem__sector"), raw, "reference")


def land_request(raw: object) -> LandRequest | None:
    return pick(LandRequest.objects.select_related("project__ecosystem__sector"), raw, "reference")


def organisation(raw: object) -> Organisation | None:
    return pick(Organisation.objects.all(), raw)


def organisation_required(raw: object) -> Organisation:
    found = organisation(raw)
    if found is None:
        raise ValidationFailed(ORGANISATION_REQUIRED, field="organisation", code="organisation_required")
    return found


def person(raw: object, field: str = "username") -> User | None:
    return pick(User.objects.filter(is_active=True), raw, field)


def agenda_entry(
    title: str, *, target_id: object = None, project_code: object = None, reference: object = None, land: object = None
) -> AgendaEntry:
    """An agenda item and what it is about: a KPI (its contract follows), a project, a grant application,
    a land request number."""
    kpi = target(target_id)
    return {
        "title": title,
        "contract": kpi.contract if kpi else None,
        "target": kpi,
        "project": project(project_code),
        "application": application(reference),
        "land_request": land_request(land),
    }
