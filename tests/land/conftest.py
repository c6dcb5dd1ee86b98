"""Fixtures of the land tests: a rental zone of 3 ha near Berrechid cut in six 0.5 ha parcels, people, a project."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecosys.core.roles import Role
from ecosys.investments.lifecycle import Status
from ecosys.land import services
from ecosys.land.shapes import collection, feature, rectangle
from ecosys.programmes.models import Ecosystem
from tests.investments.factories import ProjectFactory, advance

BERRECHID = (-7.58, 33.27)


def zone_geojson(code="BER", width=300, height=100, **extra):
    return collection(
        [
            feature(
                rectangle(*BERRECHID, 0, 0, width, height),
                code=code,
                name="Parc locatif de Berrechid",
                region="06",
                province="06.01",
                kind="rental",
                **extra,
            )
        ]
    )


def parcels_geojson(zone="BER", columns=3, rows=2, size=(100, 50), services=("power", "water")):
    width, height = size
    return collection(
        [
            feature(
                rectangle(*BERRECHID, c * width, r * height, width, height),
                code=f"P{r}{c}",
                zone=zone,
                rent_mad_per_m2_month="6",
                services=list(services),
            )
            for r in range(rows)
            for c in range(columns)
        ]
    )


@pytest.fixture
def land_officer(make_user):
    return make_user(Role.LAND_OFFICER)


@pytest.fixture
def zone(imm):
    [zone] = services.zones_import(actor=None, programme=imm.sector.programme, data=zone_geojson())
    services.parcels_import(actor=None, data=parcels_geojson())
    return zone


@pytest.fixture
def company_user(make_user):
    return make_user(Role.COMPANY_USER)


@pytest.fixture
def project(imm, company_user):
    ecosystem = Ecosystem.objects.filter(sector__programme=imm.sector.programme).order_by("code").first()
    company = company_user.memberships.get().organisation
    project = ProjectFactory(company=company, ecosystem=ecosystem, investment_mad=Decimal("40000000"))
    return advance(project, Status.AGREEMENT_SIGNED, agreement_date=date(2017, 6, 1))
