"""The generated demo data: calibrated on the published 2018 jobs figure, generated once, and flagged as such."""

from __future__ import annotations

from datetime import date

import pytest

from ecosys.accounts.models import Organisation
from ecosys.investments.demo import demo_generate, demo_is_loaded, generated_ice
from ecosys.investments.jobs import jobs_report
from ecosys.investments.models import Declaration, InvestmentProject, OpportunitySheet, ProjectEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(imm):
    return demo_generate()


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True)


def test_the_demo_data_give_the_published_5878_verified_jobs_at_the_end_of_2018(demo, superuser):
    report = jobs_report(actor=superuser, as_of=date(2018, 12, 31))
    assert report.total.net_verified == 5_878


def test_the_demo_data_give_4978_verified_jobs_outside_shipbuilding_at_the_end_of_2018(demo, superuser):
    report = jobs_report(actor=superuser, as_of=date(2018, 12, 31))
    outside_naval = [total for code, total in report.by_ecosystem.items() if code != "IMM-NAV"]
    assert sum(total.net_verified for total in outside_naval) == 4_978
    assert report.total.net_verified - report.by_ecosystem["IMM-NAV"].net_verified == 4_978


def test_every_signed_demo_company_is_counted_with_a_cnss_record(demo, superuser):
    report = jobs_report(actor=superuser, as_of=date(2018, 12, 31))
    assert report.total.firms == report.total.firms_verified == 104
    assert all("no_cnss_record" not in row.count.notes for row in report.companies)


def test_generating_the_demo_twice_changes_nothing(imm):
    first = demo_generate()
    assert first["companies"] > 0
    snapshot = [
        model.objects.count()
        for model in (Organisation, InvestmentProject, ProjectEvent, Declaration, OpportunitySheet)
    ]

    assert demo_generate() == {}

    assert [
        model.objects.count()
        for model in (Organisation, InvestmentProject, ProjectEvent, Declaration, OpportunitySheet)
    ] == snapshot


def test_every_generated_company_project_and_sheet_is_flagged_as_generated(demo):
    assert demo_is_loaded()
    companies = Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    assert companies.count() == demo["companies"]
    assert not companies.filter(is_generated=False).exists()
    assert InvestmentProject.objects.count() == demo["projects"]
    assert not InvestmentProject.objects.filter(is_generated=False).exists()
    assert not OpportunitySheet.objects.filter(is_generated=False).exists()
    assert Declaration.objects.count() == demo["declarations"]


def test_generated_ices_have_a_valid_key_in_a_range_no_real_company_uses():
    for n in (1, 42, 137):
        ice = generated_ice(n)
        assert len(ice) == 15
        assert ice.startswith("990")
        assert int(ice) % 97 == 0
