"""Reservations past their expiry end by the worker's task or ``ecosys expire-reservations --now``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ecosys.cli import main
from ecosys.land import services
from ecosys.land.models import Holding, LandRequest, Parcel
from ecosys.land.tasks import reservations_expire_task

pytestmark = pytest.mark.django_db


def _reserve_expired(project, company_user, land_officer):
    """A reservation of P00 and P01 taken three days ago for two days."""
    request = services.request_create(actor=company_user, project=project, area_m2="9000", max_parcels=2)
    parcels = list(Parcel.objects.filter(code__in=["P00", "P01"]))
    started = timezone.now() - timedelta(days=3)
    return services.reserve(actor=land_officer, request=request, parcels=parcels, days=2, now=started)


@pytest.fixture
def reserved(zone, project, company_user, land_officer):
    return _reserve_expired(project, company_user, land_officer)


def test_the_task_ends_the_expired_reservations_only(zone, project, company_user, land_officer):
    # Reserving ends the expired reservations first: the live one is taken before the expired one.
    live = services.request_create(actor=land_officer, project=project, area_m2="4500")
    services.reserve(actor=land_officer, request=live, parcels=list(Parcel.objects.filter(code="P12")))
    expired = _reserve_expired(project, company_user, land_officer)
    assert reservations_expire_task.call() == 2
    assert LandRequest.objects.get(pk=expired.pk).status == "expired"
    assert LandRequest.objects.get(pk=live.pk).status == "reserved"
    assert set(Parcel.objects.filter(code__in=["P00", "P01"]).values_list("status", flat=True)) == {"available"}
    assert Holding.objects.filter(live=True).count() == 1
    assert reservations_expire_task.call() == 0


def test_expire_reservations_now_ends_them_in_the_calling_process(reserved, capsys):
    assert main(["expire-reservations", "--now"]) == 0
    assert "Ended 2 expired reservation(s)" in capsys.readouterr().out
    assert LandRequest.objects.get(pk=reserved.pk).status == "expired"
    assert not Holding.objects.filter(live=True).exists()
