"""Writes of the monitoring domain: snapshots, thresholds, locking and unlocking periods."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.permissions import require
from ecosys.monitoring import figures
from ecosys.monitoring.models import Period, Snapshot, StatusThresholds, UnlockRequest
from ecosys.programmes.models import Programme

PERIOD_NOT_OVER = _("A quarter can be validated only once it is over.")
PERIOD_ALREADY_LOCKED = _("This quarter is already validated and locked.")
PERIOD_NOT_LOCKED = _("This quarter is not locked.")
REASON_REQUIRED = _("Give the reason for unlocking the quarter.")
UNLOCK_PENDING = _("An unlock request for this quarter is already waiting for a decision.")
UNLOCK_SAME_PERSON = _("The unlock must be granted by a person other than the one who asked for it.")
UNLOCK_DECIDED = _("This unlock request has already been decided.")
MONTH_LOCKED = _("The figures of %(period)s are validated and locked; ask for the quarter to be unlocked first.")
THRESHOLDS_ORDER = _("The at-risk threshold must not be above the on-track threshold.")
THRESHOLD_RANGE = _("A threshold is a percentage between 0 and 200.")


def quarter_months(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    return first, date(year, 3 * quarter, 1)


def _compute_into(snapshot: Snapshot) -> Snapshot:
    started = time.perf_counter()
    snapshot.figures = figures.compute(snapshot.programme, as_of=snapshot.as_of, basis=snapshot.basis)
    snapshot.seconds = time.perf_counter() - started
    snapshot.computed_at = timezone.now()
    snapshot.stale = False
    return snapshot


def snapshot_for(*, programme: Programme, as_of: date, basis: str) -> Snapshot:
    """Return the figures as of a month: frozen if its quarter is locked, else the live snapshot.

    A live snapshot missing is computed now and kept; a stale one is shown until the worker has
    refreshed it (the page says so).
    """
    as_of = as_of.replace(day=1)
    found = snapshot_stored(Q(programme=programme), as_of=as_of, basis=basis)
    if found is not None:
        return found
    snapshot = _compute_into(Snapshot(programme=programme, as_of=as_of, basis=basis))
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # computed by someone else meanwhile
        return Snapshot.objects.get(programme=programme, as_of=as_of, basis=basis, period__isnull=True)
    return snapshot


def snapshot_stored(programme: Q, *, as_of: date, basis: str) -> Snapshot | None:
    """Return the stored snapshot of the programme (a filter on ``programme``) as of a month, if any.

    One query for both: the frozen snapshot of a locked quarter wins over the live one. The
    figures are read only when used (a page whose HTML is cached never needs them).
    """
    candidates = (
        Snapshot.objects.filter(programme, as_of=as_of.replace(day=1), basis=basis)
        .filter(Q(period__isnull=True) | Q(period__status=Period.Status.LOCKED))
        .select_related("period", "programme")
        .defer("figures")
        .order_by(F("period_id").desc(nulls_last=True))
    )
    return candidates.first()


def snapshots_refresh(*, stale_only: bool = True) -> int:
    """Recompute the live snapshots (the stale ones by default); return how many."""
    done = 0
    queryset = Snapshot.objects.filter(period__isnull=True).select_related("programme")
    if stale_only:
        queryset = queryset.filter(stale=True)
    for snapshot in queryset:
        _compute_into(snapshot).save(update_fields=["figures", "seconds", "computed_at", "stale"])
        done += 1
    return done


def _enqueue_refresh() -> None:
    from ecosys.monitoring.tasks import snapshots_refresh_task

    snapshots_refresh_task.enqueue()


def realisations_changed() -> None:
    """Mark the live snapshots stale and have the worker refresh them after this transaction.

    Once per transaction: a demo or an import that changes a thousand things queues one refresh.
    """
    Snapshot.objects.filter(period__isnull=True, stale=False).update(stale=True)
    connection = transaction.get_connection()
    if any(entry[1] is _enqueue_refresh for entry in connection.run_on_commit):
        return
    transaction.on_commit(_enqueue_refresh)


def check_months_open(months: set[date]) -> None:
    """Refuse a write of figures for a month whose quarter is validated and locked."""
    quarters = {(m.year, (m.month - 1) // 3 + 1) for m in months}
    if not quarters:
        return
    locked = Period.objects.filter(status=Period.Status.LOCKED, year__in={y for y, _q in quarters})
    for period in locked:
        if (period.year, period.quarter) in quarters:
            raise ValidationFailed(MONTH_LOCKED % {"period": period.label}, field="month", code="period_locked")


@transaction.atomic
def thresholds_set(
    *, actor: User, programme: Programme, on_track_percent: Decimal, at_risk_percent: Decimal
) -> StatusThresholds:
    require(actor, "monitoring.configure")
    for value in (on_track_percent, at_risk_percent):
        if not Decimal(0) <= value <= Decimal(200):
            raise ValidationFailed(THRESHOLD_RANGE, code="threshold_range")
    if at_risk_percent > on_track_percent:
        raise ValidationFailed(THRESHOLDS_ORDER, field="at_risk_percent", code="thresholds_order")
    thresholds, _created = StatusThresholds.objects.get_or_create(programme=programme)
    thresholds.on_track_percent, thresholds.at_risk_percent = on_track_percent, at_risk_percent
    thresholds.save()
    realisations_changed()
    return thresholds


@transaction.atomic
def period_lock(*, actor: User, programme: Programme, year: int, quarter: int, today: date | None = None) -> Period:
    """Validate a quarter: freeze its figures (both bases) as they stand now."""
    require(actor, "period.lock")
    if quarter not in (1, 2, 3, 4):
        raise ValidationFailed(_("A quarter is a number from 1 to 4."), field="quarter", code="quarter_invalid")
    _first, last = quarter_months(year, quarter)
    today = today or timezone.localdate()
    if (today.year, today.month) <= (last.year, last.month):
        raise ValidationFailed(PERIOD_NOT_OVER, field="quarter", code="period_not_over")
    period = Period.objects.select_for_update().filter(programme=programme, year=year, quarter=quarter).first()
    if period is not None and period.status == Period.Status.LOCKED:
        raise Conflict(PERIOD_ALREADY_LOCKED, code="period_locked")
    if period is None:
        period = Period(programme=programme, year=year, quarter=quarter)
    period.status, period.locked_by, period.locked_at = Period.Status.LOCKED, actor, timezone.now()
    period.save()
    Snapshot.objects.filter(period=period).delete()  # a relock freezes the corrected figures
    for basis in Snapshot.Basis.values:
        _compute_into(Snapshot(programme=programme, as_of=last, basis=basis, period=period)).save()
    return period


@transaction.atomic
def period_unlock_request(*, actor: User, period: Period, reason: str) -> UnlockRequest:
    require(actor, "period.lock")
    if not reason.strip():
        raise ValidationFailed(REASON_REQUIRED, field="reason", code="reason_required")
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status != Period.Status.LOCKED:
        raise Conflict(PERIOD_NOT_LOCKED, code="period_not_locked")
    if UnlockRequest.objects.filter(period=period, status=UnlockRequest.Status.PENDING).exists():
        raise Conflict(UNLOCK_PENDING, code="unlock_pending")
    return UnlockRequest.objects.create(period=period, reason=reason.strip(), requested_by=actor)


@transaction.atomic
def period_unlock_decide(*, actor: User, request: UnlockRequest, grant: bool) -> UnlockRequest:
    """Grant or refuse an unlock (four eyes): granted, the quarter's figures can be corrected."""
    require(actor, "period.lock")
    request = UnlockRequest.objects.select_for_update().select_related("period").get(pk=request.pk)
    if request.status != UnlockRequest.Status.PENDING:
        raise Conflict(UNLOCK_DECIDED, code="unlock_decided")
    if request.requested_by_id == actor.pk:
        raise PermissionDenied(UNLOCK_SAME_PERSON, code="four_eyes")
    request.status = UnlockRequest.Status.GRANTED if grant else UnlockRequest.Status.REFUSED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save()
    if grant:
        period = request.period
        period.status = Period.Status.UNLOCKED
        period.save()
    return request
