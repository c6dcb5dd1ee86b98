"""factory-boy factories for the domain; every object is valid by default."""

from __future__ import annotations

import factory

from ecosys.accounts.models import Membership, Organisation, User
from ecosys.core.roles import Role
from ecosys.programmes.models import Ecosystem, Indicator, PerformanceContract, Programme, Sector

# Real ICEs with valid control keys (python-stdnum's examples) and ones computed the same way.
VALID_ICES = ["001561191000066", "002136093000040"]


def make_ice(n: int) -> str:
    """Return a valid ICE: 13 digits and a two-digit key so that the whole number is 0 modulo 97."""
    body = f"{900000000 + n:09d}0000"
    for key in range(100):
        candidate = f"{body}{key:02d}"
        if int(candidate) % 97 == 0:
            return candidate
    raise AssertionError("no key")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.MINISTRY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")


class CompanyFactory(OrganisationFactory):
    kind = Organisation.Kind.COMPANY
    ice = factory.Sequence(make_ice)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery-staple")


def user_with_role(role: str, organisation: Organisation | None = None, ecosystem: Ecosystem | None = None) -> User:
    """Create a user holding ``role`` in a fitting organisation."""
    if organisation is None:
        kind = {
            Role.COMPANY_USER: Organisation.Kind.COMPANY,
            Role.FEDERATION_OFFICER: Organisation.Kind.FEDERATION,
            Role.ECOSYSTEM_MANAGER: Organisation.Kind.FEDERATION,
            Role.FUND_OFFICER: Organisation.Kind.FUND,
            Role.LAND_OFFICER: Organisation.Kind.LAND_AGENCY,
        }.get(Role(role), Organisation.Kind.MINISTRY)
        factory_cls = CompanyFactory if kind == Organisation.Kind.COMPANY else OrganisationFactory
        organisation = factory_cls(kind=kind)
    user = UserFactory(username=f"{role}-{User.objects.count()}")
    Membership.objects.create(user=user, organisation=organisation, role=role, ecosystem=ecosystem)
    return user


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"prog-{n}")
    name_fr = "Programme"
    start_year = 2014
    end_year = 2020


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    programme = factory.SubFactory(ProgrammeFactory)
    code = factory.Sequence(lambda n: f"SEC{n}")
    name_fr = "Secteur"


class EcosystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ecosystem

    sector = factory.SubFactory(SectorFactory)
    code = factory.Sequence(lambda n: f"ECO-{n}")
    name_fr = factory.Sequence(lambda n: f"Écosystème {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"IND{n}")
    name_fr = "Emplois créés"
    unit = Indicator.Unit.JOBS
    measure_kind = Indicator.MeasureKind.FLOW


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceContract

    code = factory.Sequence(lambda n: f"CP-{n}")
    name_fr = "Contrat de performance"
    sector = factory.SubFactory(SectorFactory)
    horizon_year = 2020
    status = PerformanceContract.Status.SIGNED
