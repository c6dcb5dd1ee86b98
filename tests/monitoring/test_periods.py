"""Validated quarters: figures frozen, corrections refused until another person grants an unlock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.investments.models import Declaration
from ecosys.investments.services.declarations import declaration_submit
from ecosys.investments.services.imports import import_file
from ecosys.monitoring import services
from ecosys.monitoring.models import Period, Snapshot, StatusThresholds, UnlockRequest
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db
TODAY = date(2019, 2, 15)


@pytest.fixture
def programme(imm):
    return imm.sector.programme


@pytest.fixture
def admin(make_user):
    return make_user(Role.MINISTRY_ADMIN)


@pytest.fixture
def officer(make_user):
    return make_user(Role.FEDERATION_OFFICER)


@pytest.fixture
def company(db):
    return CompanyFactory()


def test_a_quarter_is_validated_only_once_it_is_over(programme, admin):
    with pytest.raises(ValidationFailed) as refused:
        services.period_lock(actor=admin, programme=programme, year=2019, quarter=1, today=TODAY)
    assert refused.value.code == "period_not_over"
    assert not Period.objects.exists()


def test_locking_a_quarter_freezes_its_figures_on_both_bases(programme, admin):
    period = services.period_lock(actor=admin, programme=programme, year=2018, quarter=4, today=TODAY)

    frozen = Snapshot.objects.filter(period=period)
    assert sorted(frozen.values_list("basis", flat=True)) == ["declared", "verified"]
    assert {s.as_of for s in frozen} == {date(2018, 12, 1)}
    assert services.snapshot_for(programme=programme, as_of=date(2018, 12, 1), basis="verified").period == period
    with pytest.raises(Conflict):
        services.period_lock(actor=admin, programme=programme, year=2018, quarter=4, today=TODAY)


def test_a_locked_month_refuses_a_declaration_and_an_import_and_nothing_is_written(programme, admin, company, tmp_path):
    services.period_lock(actor=admin, programme=programme, year=2018, quarter=4, today=TODAY)

    with pytest.raises(ValidationFailed) as refused:
        declaration_submit(actor=admin, company=company, month="2018-11", headcount=40)
    assert refused.value.code == "period_locked"
    path = tmp_path / "cnss.csv"
    path.write_text(f"ice,month,headcount\n{company.ice},2018-09,40\n{company.ice},2018-10,41\n")
    with pytest.raises(ValidationFailed) as refused_file:
        import_file(actor=admin, kind="cnss", path=path)
    assert refused_file.value.code == "period_locked"
    assert not Declaration.objects.exists()
    # The quarter before is open.
    declaration_submit(actor=admin, company=company, month="2018-09", headcount=40)


def test_an_unlock_needs_a_reason_and_another_person_and_then_corrections_go_through(
    programme, admin, officer, company
):
    period = services.period_lock(actor=admin, programme=programme, year=2018, quarter=4, today=TODAY)
    with pytest.raises(ValidationFailed):
        services.period_unlock_request(actor=admin, period=period, reason="  ")
    request = services.period_unlock_request(actor=admin, period=period, reason="CNSS a corrigé décembre")
    with pytest.raises(Conflict):
        services.period_unlock_request(actor=officer, period=period, reason="encore")

    with pytest.raises(PermissionDenied) as same_person:
        services.period_unlock_decide(actor=admin, request=request, grant=True)
    assert same_person.value.code == "four_eyes"
    assert Period.objects.get().status == Period.Status.LOCKED

    services.period_unlock_decide(actor=officer, request=request, grant=True)
    period.refresh_from_db()
    assert period.status == Period.Status.UNLOCKED
    assert UnlockRequest.objects.get().decided_by == officer
    declaration_submit(actor=admin, company=company, month="2018-11", headcount=40)
    # The unlock is audited: who asked, why, who granted, when.
    history = list(period.history.values_list("status", flat=True))
    assert history[:2] == ["unlocked", "locked"]


def test_a_refused_unlock_keeps_the_quarter_locked(programme, admin, officer, company):
    period = services.period_lock(actor=admin, programme=programme, year=2018, quarter=4, today=TODAY)
    request = services.period_unlock_request(actor=admin, period=period, reason="erreur")
    services.period_unlock_decide(actor=officer, request=request, grant=False)
    with pytest.raises(Conflict):
        services.period_unlock_decide(actor=admin, request=request, grant=True)
    with pytest.raises(ValidationFailed):
        declaration_submit(actor=admin, company=company, month="2018-12", headcount=40)


def test_relocking_freezes_the_corrected_figures(programme, admin, officer):
    period = services.period_lock(actor=admin, programme=programme, year=2018, quarter=4, today=TODAY)
    first = set(Snapshot.objects.filter(period=period).values_list("pk", flat=True))
    request = services.period_unlock_request(actor=admin, period=period, reason="correction")
    services.period_unlock_decide(actor=officer, request=request, grant=True)

    services.period_lock(actor=officer, programme=programme, year=2018, quarter=4, today=TODAY)

    again = set(Snapshot.objects.filter(period=period).values_list("pk", flat=True))
    assert len(again) == 2 and not again & first
    assert Period.objects.get().locked_by == officer


def test_only_stewards_lock_and_only_the_ministry_sets_thresholds(programme, make_user):
    analyst = make_user(Role.MINISTRY_ANALYST)
    with pytest.raises(PermissionDenied):
        services.period_lock(actor=analyst, programme=programme, year=2018, quarter=4, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.thresholds_set(
            actor=make_user(Role.FEDERATION_OFFICER),
            programme=programme,
            on_track_percent=Decimal(90),
            at_risk_percent=Decimal(70),
        )


def test_thresholds_must_be_ordered_percentages(programme, admin):
    with pytest.raises(ValidationFailed) as disordered:
        services.thresholds_set(
            actor=admin, programme=programme, on_track_percent=Decimal(70), at_risk_percent=Decimal(90)
        )
    assert disordered.value.code == "thresholds_order"
    with pytest.raises(ValidationFailed):
        services.thresholds_set(
            actor=admin, programme=programme, on_track_percent=Decimal(250), at_risk_percent=Decimal(90)
        )
    assert not StatusThresholds.objects.exists()


def test_a_change_of_realisations_marks_the_live_snapshots_stale_and_the_worker_refreshes_them(
    programme, admin, company, django_capture_on_commit_callbacks
):
    live = services.snapshot_for(programme=programme, as_of=date(2018, 12, 1), basis="verified")
    assert not live.stale

    with django_capture_on_commit_callbacks() as queued:
        declaration_submit(actor=admin, company=company, month="2018-11", headcount=40)
    live.refresh_from_db()
    assert live.stale and len(queued) == 1

    assert services.snapshots_refresh() == 1
    live.refresh_from_db()
    assert not live.stale


def test_many_changes_in_one_transaction_queue_one_refresh(
    programme, admin, company, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks() as queued, transaction.atomic():
        for month in ("2018-09", "2018-10", "2018-11"):
            declaration_submit(actor=admin, company=company, month=month, headcount=40)
    assert len(queued) == 1
