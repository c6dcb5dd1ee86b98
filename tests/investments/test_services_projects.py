"""Creating and editing investment projects: who may, what is checked, what is remembered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.investments.lifecycle import Status
from ecosys.investments.models import InvestmentProject, Province, Region
from ecosys.investments.services.projects import (
    HS_UNKNOWN,
    NOT_A_COMPANY,
    NOT_EDITABLE,
    NOT_YOUR_COMPANY,
    PROVINCE_NOT_IN_REGION,
    project_create,
    project_transition,
    project_update,
)
from tests.factories import CompanyFactory, EcosystemFactory, OrganisationFactory
from tests.investments.factories import ProjectFactory, advance, casablanca

pytestmark = pytest.mark.django_db


def _values(**overrides):
    province = casablanca()
    return {
        "name": "Laminoir à froid",
        "ecosystem": EcosystemFactory(),
        "region": province.region,
        "province": province,
        "investment_mad": "120 000 000",
        **overrides,
    }


def test_a_company_user_creates_a_project_for_its_own_company(make_user):
    company = CompanyFactory()
    user = make_user(Role.COMPANY_USER, organisation=company)
    project = project_create(actor=user, company=company, hs_codes=["7208.10", "7208"], **_values())
    assert project.company == company
    assert project.status == Status.IDENTIFIED
    assert project.investment_mad == Decimal("120000000")
    assert project.hs_codes == ["7208", "720810"]
    assert list(project.events.values_list("source", "target", "by")) == [("", Status.IDENTIFIED, user.pk)]


def test_a_company_user_cannot_create_a_project_for_another_company(make_user):
    user = make_user(Role.COMPANY_USER)
    other = CompanyFactory()
    with pytest.raises(PermissionDenied) as excinfo:
        project_create(actor=user, company=other, **_values())
    assert excinfo.value.code == "forbidden:company"
    assert excinfo.value.message == NOT_YOUR_COMPANY
    assert not InvestmentProject.objects.exists()


def test_a_federation_officer_creates_a_project_for_any_company(make_user):
    project = project_create(actor=make_user(Role.FEDERATION_OFFICER), company=CompanyFactory(), **_values())
    assert project.pk is not None


def test_a_role_without_the_permission_cannot_create_a_project(make_user):
    with pytest.raises(PermissionDenied):
        project_create(actor=make_user(Role.AUDITOR), company=CompanyFactory(), **_values())


def test_a_project_belongs_to_a_company_not_to_any_organisation(make_user):
    with pytest.raises(ValidationFailed) as excinfo:
        project_create(actor=make_user(Role.MINISTRY_ADMIN), company=OrganisationFactory(), **_values())
    assert excinfo.value.message == NOT_A_COMPANY


def test_a_company_user_edits_its_project_until_it_is_validated(make_user):
    project = ProjectFactory()
    user = make_user(Role.COMPANY_USER, organisation=project.company)
    project = project_update(actor=user, project=project, name="Nouveau nom")
    project = project_transition(actor=user, project=project, target=Status.SUBMITTED)
    project = project_update(actor=user, project=project, land_need_m2=12_000)
    assert (project.name, project.land_need_m2) == ("Nouveau nom", 12_000)


def test_a_company_user_cannot_edit_its_project_once_validated(make_user):
    project = advance(ProjectFactory(), Status.VALIDATED)
    user = make_user(Role.COMPANY_USER, organisation=project.company)
    with pytest.raises(Conflict) as excinfo:
        project_update(actor=user, project=project, name="Trop tard")
    assert excinfo.value.code == "project_locked"
    assert excinfo.value.message == NOT_EDITABLE
    project.refresh_from_db()
    assert project.name != "Trop tard"


def test_a_federation_officer_edits_a_validated_project(make_user):
    project = advance(ProjectFactory(), Status.IN_PRODUCTION)
    project = project_update(actor=make_user(Role.FEDERATION_OFFICER), project=project, investment_mad="75000000")
    project.refresh_from_db()
    assert project.investment_mad == Decimal("75000000")


def test_a_company_user_cannot_edit_the_project_of_another_company(make_user):
    project = ProjectFactory()
    with pytest.raises(PermissionDenied):
        project_update(actor=make_user(Role.COMPANY_USER), project=project, name="Pas à moi")


def test_a_province_outside_the_chosen_region_is_refused_at_creation(make_user):
    rabat_region = Region.objects.get(code="04")
    with pytest.raises(ValidationFailed) as excinfo:
        project_create(
            actor=make_user(Role.MINISTRY_ADMIN),
            company=CompanyFactory(),
            **_values(region=rabat_region, province=casablanca()),
        )
    assert excinfo.value.code == "province_not_in_region"
    assert excinfo.value.fields == {"province": PROVINCE_NOT_IN_REGION}
    assert not InvestmentProject.objects.exists()


def test_changing_only_the_region_of_a_project_must_still_fit_its_province(make_user):
    project = ProjectFactory()
    with pytest.raises(ValidationFailed) as excinfo:
        project_update(actor=make_user(Role.MINISTRY_ADMIN), project=project, region=Region.objects.get(code="01"))
    assert excinfo.value.code == "province_not_in_region"
    project.refresh_from_db()
    assert project.region.code == "06"


def test_a_province_and_its_region_changed_together_are_accepted(make_user):
    tangier = Province.objects.get(code="01.01")
    project = project_update(
        actor=make_user(Role.MINISTRY_ADMIN), project=ProjectFactory(), region=tangier.region, province=tangier
    )
    assert (project.region.code, project.province.code) == ("01", "01.01")


def test_an_unknown_hs_code_is_refused_naming_the_field_and_the_code(make_user):
    with pytest.raises(ValidationFailed) as excinfo:
        project_create(
            actor=make_user(Role.MINISTRY_ADMIN), company=CompanyFactory(), hs_codes=["7208", "999999"], **_values()
        )
    assert list(excinfo.value.fields) == ["hs_codes"]
    assert excinfo.value.message == HS_UNKNOWN % {"code": "999999"}
    assert "999999" in str(excinfo.value.message)


def test_a_negative_investment_is_refused(make_user):
    with pytest.raises(ValidationFailed) as excinfo:
        project_create(actor=make_user(Role.MINISTRY_ADMIN), company=CompanyFactory(), **_values(investment_mad="-1"))
    assert "investment_mad" in excinfo.value.fields


def test_an_unknown_field_is_refused_by_name(make_user):
    project = ProjectFactory()
    with pytest.raises(ValidationFailed) as excinfo:
        project_update(actor=make_user(Role.MINISTRY_ADMIN), project=project, status=Status.COMPLETED)
    assert "status" in excinfo.value.fields


def test_each_change_of_a_project_leaves_a_history_row_and_status_changes_keep_their_reason(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    project = advance(ProjectFactory(), Status.VALIDATED)
    rows_before = project.history.count()
    project = project_update(actor=admin, project=project, name="Aciérie électrique")
    project = project_transition(actor=admin, project=project, target=Status.SUSPENDED, reason="Permis de construire")
    assert project.history.count() == rows_before + 2
    latest = project.history.first()
    assert (latest.status, latest.history_change_reason) == (Status.SUSPENDED, "Permis de construire")
    assert project.history.filter(name="Aciérie électrique").exists()
    event = project.events.last()
    assert (event.source, event.target, event.reason, event.by) == (
        Status.VALIDATED,
        Status.SUSPENDED,
        "Permis de construire",
        admin,
    )


def test_the_yearly_plan_refuses_negative_jobs(make_user):
    with pytest.raises(ValidationFailed) as excinfo:
        project_create(
            actor=make_user(Role.MINISTRY_ADMIN),
            company=CompanyFactory(),
            plan=[{"year": 2019, "jobs": -5}],
            **_values(),
        )
    assert "plan.2019" in excinfo.value.fields
    assert not InvestmentProject.objects.exists()


@pytest.mark.parametrize("status", ["taken", "withdrawn"])
def test_a_project_cannot_be_created_from_a_sheet_that_is_no_longer_open(make_user, status):
    from ecosys.investments.services.bank import sheet_create

    company = CompanyFactory()
    officer = make_user(Role.FEDERATION_OFFICER)
    sheet = sheet_create(actor=officer, code=f"BQ-{status}", ecosystem=EcosystemFactory(), name_fr="Billettes")
    sheet.status = status
    sheet.save()
    with pytest.raises(Conflict) as excinfo:
        project_create(actor=officer, company=company, sheet=sheet, **_values())
    assert excinfo.value.code == "sheet_not_open"
    assert not InvestmentProject.objects.filter(company=company).exists()


def test_creating_a_project_from_an_open_sheet_marks_the_sheet_taken(make_user):
    from ecosys.investments.services.bank import sheet_create

    officer = make_user(Role.FEDERATION_OFFICER)
    sheet = sheet_create(actor=officer, code="BQ-open", ecosystem=EcosystemFactory(), name_fr="Jantes")
    project_create(actor=officer, company=CompanyFactory(), sheet=sheet, **_values())
    sheet.refresh_from_db()
    assert sheet.status == "taken"
