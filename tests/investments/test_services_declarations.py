"""Monthly declarations: what may be declared, by whom, and how headcounts are checked against CNSS."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ecosys.core.errors import PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.investments.models import Declaration, Source, VerificationPolicy
from ecosys.investments.services.declarations import (
    COMPANY_SOURCE_ONLY,
    MONTH_IN_FUTURE,
    NEGATIVE,
    PROJECT_OF_ANOTHER_COMPANY,
    declaration_submit,
    headcount_reconcile,
    parse_month,
)
from tests.factories import CompanyFactory
from tests.investments.factories import ProjectFactory

pytestmark = pytest.mark.django_db

VERIFIED, DISCREPANCY, UNVERIFIED = (
    Declaration.Verification.VERIFIED,
    Declaration.Verification.DISCREPANCY,
    Declaration.Verification.UNVERIFIED,
)


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def company_user(make_user, company):
    return make_user(Role.COMPANY_USER, organisation=company)


# -- months -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-03", date(2018, 3, 1)),
        ("2018-03-27", date(2018, 3, 1)),
        ("03/2018", date(2018, 3, 1)),
        (" 2018-3 ", date(2018, 3, 1)),
        (date(2018, 3, 27), date(2018, 3, 1)),
    ],
)
def test_a_month_is_read_as_its_first_day(text, expected):
    assert parse_month(text) == expected


@pytest.mark.parametrize("text", ["March 2018", "2018", "2018-13", "", "13/2018"])
def test_a_month_that_is_not_a_month_is_refused(text):
    with pytest.raises(ValidationFailed) as excinfo:
        parse_month(text)
    assert excinfo.value.code == "month_invalid"
    assert "month" in excinfo.value.fields


def test_the_current_month_cannot_be_declared_yet(company, company_user):
    this_month = timezone.localdate().replace(day=1)
    with pytest.raises(ValidationFailed) as excinfo:
        declaration_submit(actor=company_user, company=company, month=f"{this_month:%Y-%m}", headcount=10)
    assert excinfo.value.code == "month_in_future"
    assert excinfo.value.message == MONTH_IN_FUTURE
    assert not Declaration.objects.exists()


def test_a_month_in_the_future_cannot_be_declared(company, company_user):
    next_month = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    with pytest.raises(ValidationFailed) as excinfo:
        declaration_submit(actor=company_user, company=company, month=next_month, headcount=10)
    assert excinfo.value.code == "month_in_future"


def test_last_month_can_be_declared(company, company_user):
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    declaration = declaration_submit(actor=company_user, company=company, month=last_month, headcount=10)
    assert declaration.month == last_month


# -- figures ------------------------------------------------------------------------------------------------------


def test_a_company_declares_its_month_and_the_figures_are_parsed(company, company_user):
    declaration = declaration_submit(
        actor=company_user,
        company=company,
        month="2018-06",
        headcount="120",
        gross_hires=8,
        departures="",
        turnover_mad="1 500 000,5",
        value_added_mad="-20000",
    )
    declaration.refresh_from_db()
    assert (declaration.month, declaration.source) == (date(2018, 6, 1), Source.COMPANY)
    assert (declaration.headcount, declaration.gross_hires, declaration.departures) == (120, 8, None)
    assert declaration.turnover_mad == Decimal("1500000.50")
    assert declaration.value_added_mad == Decimal("-20000.00")
    assert (declaration.verification, declaration.submitted_by) == (UNVERIFIED, company_user)


def test_a_negative_headcount_is_refused(company, company_user):
    with pytest.raises(ValidationFailed) as excinfo:
        declaration_submit(actor=company_user, company=company, month="2018-06", headcount=-3)
    assert excinfo.value.code == "negative"
    assert excinfo.value.fields == {"headcount": NEGATIVE}
    assert not Declaration.objects.exists()


def test_a_headcount_that_is_not_a_whole_number_is_refused(company, company_user):
    with pytest.raises(ValidationFailed) as excinfo:
        declaration_submit(actor=company_user, company=company, month="2018-06", headcount="12.5")
    assert "headcount" in excinfo.value.fields


def test_a_declaration_without_any_figure_is_refused(company, company_user):
    with pytest.raises(ValidationFailed) as excinfo:
        declaration_submit(actor=company_user, company=company, month="2018-06", headcount="")
    assert excinfo.value.code == "nothing_declared"


# -- who declares what --------------------------------------------------------------------------------------------


def test_a_company_user_cannot_declare_for_another_company(company_user):
    other = CompanyFactory()
    with pytest.raises(PermissionDenied) as excinfo:
        declaration_submit(actor=company_user, company=other, month="2018-06", headcount=10)
    assert excinfo.value.code == "forbidden:company"
    assert not Declaration.objects.exists()


def test_a_company_cannot_declare_for_the_project_of_another_company(company, company_user):
    foreign_project = ProjectFactory()
    with pytest.raises(ValidationFailed) as excinfo:
        declaration_submit(actor=company_user, company=company, project=foreign_project, month="2018-06", headcount=10)
    assert excinfo.value.code == "project_of_another_company"
    assert excinfo.value.fields == {"project": PROJECT_OF_ANOTHER_COMPANY}
    assert not Declaration.objects.exists()


def test_a_company_cannot_submit_cnss_records(company, company_user):
    with pytest.raises(PermissionDenied) as excinfo:
        declaration_submit(actor=company_user, company=company, month="2018-06", source=Source.CNSS, headcount=10)
    assert excinfo.value.message == COMPANY_SOURCE_ONLY


def test_the_ministry_records_a_cnss_headcount_as_an_administrative_record(make_user, company):
    record = declaration_submit(
        actor=make_user(Role.MINISTRY_ADMIN), company=company, month="2018-06", source=Source.CNSS, headcount=10
    )
    assert (record.source, record.verification) == (Source.CNSS, Declaration.Verification.RECORD)


# -- corrections --------------------------------------------------------------------------------------------------


def test_a_correction_updates_the_declaration_in_place_and_keeps_the_first_figures_in_its_history(
    company, company_user
):
    first = declaration_submit(actor=company_user, company=company, month="2018-06", headcount=100, gross_hires=4)
    corrected = declaration_submit(actor=company_user, company=company, month="2018-06-30", headcount=104)
    assert corrected.pk == first.pk
    assert Declaration.objects.count() == 1
    corrected.refresh_from_db()
    assert (corrected.headcount, corrected.gross_hires) == (104, 4)  # figures not given again are kept
    assert list(corrected.history.order_by("history_date").values_list("headcount", flat=True)) == [100, 104]


def test_a_correction_of_a_verified_declaration_needs_verifying_again(make_user, company, company_user):
    declaration_submit(
        actor=make_user(Role.MINISTRY_ADMIN), company=company, month="2018-06", source="cnss", headcount=100
    )
    declaration = declaration_submit(actor=company_user, company=company, month="2018-06", headcount=101)
    headcount_reconcile(actor=None)
    declaration.refresh_from_db()
    assert declaration.verification == VERIFIED
    declaration = declaration_submit(actor=company_user, company=company, month="2018-06", headcount=150)
    assert declaration.verification == UNVERIFIED


def test_a_project_declaration_and_a_company_declaration_of_the_same_month_are_kept_apart(company, company_user):
    project = ProjectFactory(company=company)
    declaration_submit(actor=company_user, company=company, month="2018-06", headcount=100)
    declaration_submit(actor=company_user, company=company, project=project, month="2018-06", headcount=40)
    assert Declaration.objects.count() == 2


# -- reconciliation against CNSS ----------------------------------------------------------------------------------


def _cnss(actor, company, month, headcount):
    declaration_submit(actor=actor, company=company, month=month, source=Source.CNSS, headcount=headcount)


def _declare(actor, company, month, headcount, project=None):
    return declaration_submit(actor=actor, company=company, project=project, month=month, headcount=headcount)


def test_reconciliation_marks_each_declared_headcount_verified_in_discrepancy_or_unverified(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    within, beyond, no_record = CompanyFactory(), CompanyFactory(), CompanyFactory()
    _cnss(admin, within, "2018-06", 100)
    _cnss(admin, beyond, "2018-06", 100)
    _cnss(admin, no_record, "2018-05", 100)  # another month: no record for June
    ok = _declare(admin, within, "2018-06", 105)  # default policy: max(2 jobs, 5 %) = 5
    off = _declare(admin, beyond, "2018-06", 106)
    alone = _declare(admin, no_record, "2018-06", 100)

    counts = headcount_reconcile(actor=make_user(Role.MINISTRY_ANALYST))

    assert counts == {"verified": 1, "discrepancy": 1, "unverified": 1}
    assert [Declaration.objects.get(pk=d.pk).verification for d in (ok, off, alone)] == [
        VERIFIED,
        DISCREPANCY,
        UNVERIFIED,
    ]
    assert set(Declaration.objects.filter(source=Source.CNSS).values_list("verification", flat=True)) == {
        Declaration.Verification.RECORD
    }


def test_reconciliation_compares_the_sum_of_project_declarations_when_there_is_no_company_row(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    company = CompanyFactory()
    first, second = ProjectFactory(company=company), ProjectFactory(company=company)
    _cnss(admin, company, "2018-06", 100)
    rows = [_declare(admin, company, "2018-06", 40, first), _declare(admin, company, "2018-06", 58, second)]

    counts = headcount_reconcile(actor=None)

    assert counts == {"verified": 2, "discrepancy": 0, "unverified": 0}  # 40 + 58 = 98, within 5 of 100
    assert {Declaration.objects.get(pk=d.pk).verification for d in rows} == {VERIFIED}


def test_reconciliation_compares_the_company_row_when_there_is_one_and_ignores_the_project_sum(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    agrees, disagrees = CompanyFactory(), CompanyFactory()
    for company, whole in ((agrees, 100), (disagrees, 130)):
        _cnss(admin, company, "2018-06", 100)
        _declare(admin, company, "2018-06", whole)
        _declare(admin, company, "2018-06", 10, ProjectFactory(company=company))  # the project sum alone: 10

    headcount_reconcile(actor=None)

    assert set(
        Declaration.objects.filter(company=agrees, source=Source.COMPANY).values_list("verification", flat=True)
    ) == {VERIFIED}
    assert set(
        Declaration.objects.filter(company=disagrees, source=Source.COMPANY).values_list("verification", flat=True)
    ) == {DISCREPANCY}


def test_reconciliation_follows_the_verification_policy(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    VerificationPolicy.objects.create(tolerance_jobs=10, tolerance_percent=Decimal("1"))
    company = CompanyFactory()
    _cnss(admin, company, "2018-06", 100)
    declaration = _declare(admin, company, "2018-06", 110)
    assert headcount_reconcile(actor=None) == {"verified": 1, "discrepancy": 0, "unverified": 0}
    declaration.refresh_from_db()
    assert declaration.verification == VERIFIED


def test_reconciliation_of_some_companies_leaves_the_others_alone(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    chosen, other = CompanyFactory(), CompanyFactory()
    for company in (chosen, other):
        _cnss(admin, company, "2018-06", 100)
        _declare(admin, company, "2018-06", 100)
    assert headcount_reconcile(actor=None, companies=[chosen.pk]) == {"verified": 1, "discrepancy": 0, "unverified": 0}
    assert Declaration.objects.get(company=other, source=Source.COMPANY).verification == UNVERIFIED


def test_only_the_ministry_and_the_federation_run_the_reconciliation(make_user, company_user):
    with pytest.raises(PermissionDenied):
        headcount_reconcile(actor=company_user)
