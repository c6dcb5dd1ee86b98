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


@pytest.fixture
def reviewed(envelope, fdii, project, company_user, reviewer):
    """An FDII application of the project, submitted and reviewed (negotiated rate 20 %): 18 MMAD computed."""
    from ecosys.incentives import services

    application = services.application_create(
        actor=company_user, project=project, scheme=fdii, facts=FACTS, applied_on=date(2016, 5, 1)
    )
    application = services.application_submit(actor=company_user, application=application)
    return services.application_review(
        actor=reviewer, application=application, note="Dossier complet", agreed_rate=Decimal("0.2")
    )


@pytest.fixture
def approved(reviewed, decider):
    """The reviewed application approved by another fund officer, for 15 MMAD, in the default three tranches."""
    from ecosys.incentives import services

    return services.application_decide(
        actor=decider,
        application=reviewed,
        approve=True,
        amount_mad=Decimal("15000000"),
        conditions="Maintenir les emplois cinq ans.",
        reason="Projet structurant",
    )
