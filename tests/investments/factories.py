"""Factories for investment projects: built through the services, so every project is valid and has its history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from ecosys.investments.lifecycle import Status
from ecosys.investments.models import InvestmentProject, Province
from ecosys.investments.services.projects import project_create, project_transition
from tests.factories import CompanyFactory, EcosystemFactory

# The forward path a project follows when nothing goes wrong.
FORWARD = [
    Status.IDENTIFIED,
    Status.SUBMITTED,
    Status.VALIDATED,
    Status.AGREEMENT_SIGNED,
    Status.UNDER_CONSTRUCTION,
    Status.IN_PRODUCTION,
    Status.COMPLETED,
]
AGREEMENT = date(2017, 3, 15)


def casablanca() -> Province:
    """Return the prefecture of Casablanca (region 06, Casablanca-Settat), loaded by a data migration."""
    return Province.objects.select_related("region").get(code="06.01")


class ProjectFactory(factory.Factory):
    """Build a project with ``project_create`` (system actor), so the first lifecycle event exists."""

    class Meta:
        model = InvestmentProject

    company = factory.SubFactory(CompanyFactory)
    ecosystem = factory.SubFactory(EcosystemFactory)
    name = factory.Sequence(lambda n: f"Fonderie {n}")
    province = factory.LazyFunction(casablanca)
    region = factory.LazyAttribute(lambda o: o.province.region)
    investment_mad = Decimal("50000000")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return project_create(actor=None, **kwargs)


def advance(project: InvestmentProject, to: Status, *, agreement_date: date = AGREEMENT) -> InvestmentProject:
    """Walk a project along the forward path up to ``to``, as the system (no actor)."""
    current = FORWARD.index(Status(project.status))
    for target in FORWARD[current + 1 : FORWARD.index(to) + 1]:
        project = project_transition(actor=None, project=project, target=target, agreement_date=agreement_date)
    return project
