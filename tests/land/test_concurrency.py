"""Reservations and allocations at the same moment, on PostgreSQL: a parcel is held by one request and a zone
never allocates more than its area, whatever runs alongside.

Every call runs in a thread of its own, with its own database connection and transaction; a barrier releases
them together once all are connected, so they really contend for the same rows. SQLite admits one writer to
the whole file at a time and would prove nothing: this module runs in the suite's PostgreSQL run
(``make test-postgres``) and is skipped on SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from ecosys.core.errors import Conflict
from ecosys.core.permissions import actor_can
from ecosys.land import services
from ecosys.land.models import Holding, LandRequest, Parcel, Zone

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
R = LandRequest.Status
THREADS = 8


@pytest.fixture(autouse=True)
def _regions(transactional_db):
    # A transactional test leaves empty tables behind: the regions the migration loaded are loaded again.
    import_module("ecosys.investments.migrations.0002_regions").load_regions(django_apps, None)


def together(calls: list[Callable[[], object]]) -> list[object]:
    """Start every call at once, each in its own thread and connection; return what each returned or raised."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def work(position: int, call: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()  # connected before the barrier: the calls start together
            start.wait(timeout=60)
            outcomes[position] = call()
        except Exception as error:  # what each thread got is the test's subject
            outcomes[position] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    return outcomes


def parcel(code: str) -> Parcel:
    return Parcel.objects.get(zone__code="BER", code=code)


@pytest.fixture
def make_requests(zone, project, company_user, land_officer):
    assert actor_can(land_officer, "land.allocate")  # roles read once here, not in every thread

    def make(count: int, area_m2: str = "5000", max_parcels: int = 1) -> list[LandRequest]:
        return [
            services.request_create(actor=company_user, project=project, area_m2=area_m2, max_parcels=max_parcels)
            for _ in range(count)
        ]

    return make


def split(outcomes: list[object], kind: type) -> tuple[list, list[Conflict]]:
    """The calls that succeeded (returned ``kind``) and those refused; anything else fails the test."""
    done = [o for o in outcomes if isinstance(o, kind)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(done) + len(refused) == len(outcomes), [o for o in outcomes if not isinstance(o, kind | Conflict)]
    return done, refused


def test_requests_reserving_the_same_parcel_at_once_leave_it_to_exactly_one(make_requests, land_officer):
    requests = make_requests(THREADS)
    target = parcel("P00")

    outcomes = together(
        [lambda r=r: services.reserve(actor=land_officer, request=r, parcels=[target]) for r in requests]
    )

    [winner], refused = split(outcomes, LandRequest)
    assert {error.code for error in refused} <= {"parcel_not_available", "parcel_held"}
    holding = Holding.objects.get(parcel=target, live=True)
    assert holding.request_id == winner.pk
    assert Holding.objects.count() == 1
    assert parcel("P00").status == Parcel.Status.RESERVED
    statuses = sorted(LandRequest.objects.values_list("status", flat=True))
    assert statuses == sorted([R.RESERVED] + [R.SUBMITTED] * (THREADS - 1))


def test_requests_reserving_overlapping_pairs_at_once_never_share_a_parcel(make_requests, land_officer):
    # Eight lots of two adjacent parcels over the six of the zone; each parcel is in two or three of them.
    pairs = [
        ("P00", "P01"),
        ("P01", "P02"),
        ("P10", "P11"),
        ("P11", "P12"),
        ("P00", "P10"),
        ("P01", "P11"),
        ("P02", "P12"),
        ("P12", "P02"),
    ]
    requests = make_requests(len(pairs), area_m2="10000", max_parcels=2)
    lots = [[parcel(a), parcel(b)] for a, b in pairs]

    outcomes = together(
        [
            lambda r=r, lot=lot: services.reserve(actor=land_officer, request=r, parcels=lot)
            for r, lot in zip(requests, lots, strict=True)
        ]
    )

    won, refused = split(outcomes, LandRequest)
    assert 1 <= len(won) <= 3  # six parcels, two per lot
    assert {error.code for error in refused} <= {"parcel_not_available", "parcel_held"}
    held = list(Holding.objects.filter(live=True).values_list("parcel_id", flat=True))
    assert len(held) == len(set(held)) == 2 * len(won)
    assert set(Parcel.objects.filter(pk__in=held).values_list("status", flat=True)) == {Parcel.Status.RESERVED}
    assert Parcel.objects.exclude(pk__in=held).filter(status=Parcel.Status.AVAILABLE).count() == 6 - len(held)


@pytest.mark.parametrize(
    ("zone_area", "fits"),
    [("12000", 2), ("15000", 3), ("4999.9", 0), ("30000", 6)],
)
def test_allocations_at_once_never_take_a_zone_past_its_area(zone, make_requests, land_officer, zone_area, fits):
    requests = make_requests(6)
    for request, code in zip(requests, ["P00", "P01", "P02", "P10", "P11", "P12"], strict=True):
        services.reserve(actor=land_officer, request=request, parcels=[parcel(code)])
    # The imported parcels never add up to more than their zone; declaring the zone smaller (part of it set
    # aside after a survey) makes six allocations of 5,000 m² compete for less than 30,000 m².
    Zone.objects.filter(pk=zone.pk).update(area_m2=Decimal(zone_area))

    outcomes = together([lambda r=r: services.allocate(actor=land_officer, request=r) for r in requests])

    won, refused = split(outcomes, LandRequest)
    assert len(won) == fits
    assert [error.code for error in refused] == ["zone_full"] * (6 - fits)
    zone.refresh_from_db()
    assert zone.allocated_m2 == Decimal(5000) * fits <= zone.area_m2
    assert Holding.objects.filter(live=True, allocated_at__isnull=False).count() == fits
    assert Parcel.objects.filter(status=Parcel.Status.ALLOCATED).count() == fits
    assert Parcel.objects.filter(status=Parcel.Status.RESERVED).count() == 6 - fits
    assert sorted(LandRequest.objects.values_list("status", flat=True)) == sorted(
        [R.ALLOCATED] * fits + [R.RESERVED] * (6 - fits)
    )


def test_requests_and_sweeps_racing_for_an_expired_reservation_give_its_parcel_to_one_request(
    make_requests, land_officer
):
    first, *others = make_requests(THREADS - 1)
    start = timezone.now() - timedelta(days=3)
    services.reserve(actor=land_officer, request=first, parcels=[parcel("P00")], days=1, now=start)
    target = parcel("P00")
    now = timezone.now()

    calls: list[Callable[[], object]] = [
        lambda r=r: services.reserve(actor=land_officer, request=r, parcels=[target], now=now) for r in others
    ]
    calls += [lambda: services.reservations_expire(now=now)] * 2
    outcomes = together(calls)

    [winner], refused = split(outcomes[: len(others)], LandRequest)
    assert {error.code for error in refused} <= {"parcel_not_available", "parcel_held"}
    assert all(isinstance(o, int) for o in outcomes[len(others) :]), outcomes
    assert LandRequest.objects.get(pk=first.pk).status == R.EXPIRED
    assert Holding.objects.get(parcel=target, live=True).request_id == winner.pk
    assert Holding.objects.filter(request=first, live=False, ended_at=now).count() == 1
