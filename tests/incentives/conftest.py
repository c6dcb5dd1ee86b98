"""Fixtures of the incentives tests: the IMM programme with its FDII envelope, a signed project, people."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecosys.core.roles import Role
from ecosys.incentives.models import Scheme
from ecosys.incentives.services import envelopes_from_commitments
from ecosys.investments.lifecycle import Status
from ecosys.programmes.models import Ecosystem
from tests.investments.factories import ProjectFactory, advance

FACTS = {
    "investment": {"land": "10000000", "buildings": "20000000", "equipment": "60000000"},
    "stable_jobs": 250,
    "agreement_signed": True,
}


@pytest.fixture
def envelope(imm):
    return envelopes_from_commitments(imm.sector.programme)


@pytest.fixture
def fdii(db) -> Scheme:
    return Scheme.objects.get(key="fdii_2015")


@pytest.fixture
def company_user(make_user):
    return make_user(Role.COMPANY_USER)


@pytest.fixture
def project(imm, company_user):
    ecosystem = Ecosystem.objects.filter(sector__programme=imm.sector.programme).order_by("code").first()
    company = company_user.memberships.get().organisation
    project = ProjectFactory(company=company, ecosystem=ecosystem, investment_mad=Decimal("90000000"))
    return advance(project, Status.AGREEMENT_SIGNED, agreement_date=date(2016, 6, 1))


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.FUND_OFFICER)


@pytest.fixture
def decider(make_user):
    return make_user(Role.FUND_OFFICER)
