"""API endpoints of monitoring: KPI figures, forecasts, validated quarters, IATI results."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from ecosys.core.errors import NotFound
from ecosys.core.http import actor_of, file_response
from ecosys.monitoring import dashboards, services, tables
from ecosys.monitoring.iati_export import programme_iati
from ecosys.monitoring.models import Period, UnlockRequest

router = Router(tags=["monitoring"])


class SnapshotOut(Schema):
    programme: str
    as_of: date
    basis: str
    computed_at: datetime
    stale: bool
    validated_period: str | None
    figures: dict[str, Any]


class PeriodIn(Schema):
    year: int
    quarter: int


class PeriodOut(Schema):
    id: int
    year: int
    quarter: int
    status: str
    locked_by: str
    locked_at: datetime

    @staticmethod
    def resolve_locked_by(obj: Period) -> str:
        return obj.locked_by.get_username()


class UnlockIn(Schema):
    reason: str


class DecisionIn(Schema):
    grant: bool


class UnlockOut(Schema):
    id: int
    period: int
    reason: str
    status: str
    requested_by: str
    decided_by: str | None

    @staticmethod
    def resolve_period(obj: UnlockRequest) -> int:
        return obj.period_id

    @staticmethod
    def resolve_requested_by(obj: UnlockRequest) -> str:
        return obj.requested_by.get_username()

    @staticmethod
    def resolve_decided_by(obj: UnlockRequest) -> str | None:
        return obj.decided_by.get_username() if obj.decided_by else None


class ThresholdsIn(Schema):
    on_track_percent: Decimal
    at_risk_percent: Decimal


@router.get("/monitoring/{code}/figures", response=SnapshotOut)
def figures_get(request: HttpRequest, code: str, as_of: str | None = None, basis: str = "verified") -> dict[str, Any]:
    """KPI actuals, achievement, status and forecast of every contract KPI (``as_of`` is YYYY-MM).

    ``basis`` is ``verified`` (administrative records and declarations verified against them) or
    ``declared`` (every company declaration).
    """
    month = dashboards.parse_month(as_of, default=None)
    board = dashboards.dashboard(actor=actor_of(request), code=code, as_of=month, basis=basis)
    snapshot = board.snapshot
    return {
        "programme": code,
        "as_of": snapshot.as_of,
        "basis": snapshot.basis,
        "computed_at": snapshot.computed_at,
        "stale": snapshot.stale,
        "validated_period": snapshot.period.label if snapshot.period else None,
        "figures": snapshot.figures,
    }


class KpiOut(Schema):
    indicator: str
    measure: str
    granularity: str
    group: str
    basis: str
    jobs: str
    as_of: date
    values: dict[str, dict[int, float]]


@router.get("/monitoring/{code}/kpis/{indicator}", response=KpiOut)
def kpi_get(
    request: HttpRequest,
    code: str,
    indicator: str,
    as_of: str | None = None,
    granularity: str = "year",
    group: str = "ecosystem",
    basis: str = "verified",
    jobs: str = "net",
) -> dict[str, Any]:
    """One indicator for every group and period, computed now from the realisations (not a snapshot).

    ``granularity``: month, quarter or year (period keys yyyymm, yyyyq, yyyy); ``group``: ecosystem,
    region, company (ids) or gender (the headcount only: women, men), ``"*"`` being the programme;
    ``basis``: verified or declared; ``jobs``: net or gross (for jobs created).
    """
    month = dashboards.parse_month(as_of, default=None)
    return dashboards.kpi_values(
        actor=actor_of(request),
        code=code,
        indicator=indicator,
        as_of=month,
        granularity=granularity,
        group=group,
        basis=basis,
        jobs=jobs,
    )


class TableOut(Schema):
    key: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list[Any]]


@router.get("/monitoring/{code}/tables/{key}", response=TableOut)
def table_get(
    request: HttpRequest,
    code: str,
    key: str,
    as_of: str | None = None,
    basis: str = "verified",
    ecosystem: str | None = None,
) -> Any:
    """Any table of the monitoring pages, as the page shows it (kpis, ecosystems, regions, path,
    weights, at_risk), for the programme or one ``ecosystem``."""
    month = dashboards.parse_month(as_of, default=None)
    board = dashboards.dashboard(actor=actor_of(request), code=code, as_of=month, basis=basis)
    if ecosystem is not None and ecosystem not in board.ecosystems:
        raise NotFound(dashboards.NOT_FOUND)
    return tables.build(board, key, ecosystem=ecosystem)


@router.get("/monitoring/{code}/iati.xml")
def iati_get(request: HttpRequest, code: str, as_of: str | None = None) -> HttpResponse:
    """The results of the programme's contracts as an IATI 2.03 activities file."""
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    month = dashboards.parse_month(as_of, default=None) or dashboards.latest_month(programme)
    filename, content = programme_iati(programme, as_of=month)
    return file_response(content, filename=filename, content_type="application/xml")


@router.get("/monitoring/{code}/periods", response=list[PeriodOut])
def periods_list(request: HttpRequest, code: str) -> list[Period]:
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    return dashboards.periods_of(programme)


@router.post("/monitoring/{code}/periods", response={201: PeriodOut})
def period_lock(request: HttpRequest, code: str, payload: PeriodIn) -> Status[Period]:
    """Validate a quarter that is over: its figures are frozen."""
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    period = services.period_lock(
        actor=actor_of(request), programme=programme, year=payload.year, quarter=payload.quarter
    )
    return Status(201, period)


@router.post("/monitoring/{code}/periods/{pk}/unlock", response={201: UnlockOut})
def period_unlock(request: HttpRequest, code: str, pk: int, payload: UnlockIn) -> Status[UnlockRequest]:
    """Ask, with a reason, to unlock a validated quarter; another person decides."""
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    period = dashboards.period_get(programme=programme, pk=pk)
    return Status(201, services.period_unlock_request(actor=actor_of(request), period=period, reason=payload.reason))


@router.post("/monitoring/{code}/unlocks/{pk}/decision", response=UnlockOut)
def unlock_decide(request: HttpRequest, code: str, pk: int, payload: DecisionIn) -> UnlockRequest:
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    unlock = dashboards.unlock_get(programme=programme, pk=pk)
    return services.period_unlock_decide(actor=actor_of(request), request=unlock, grant=payload.grant)


@router.put("/monitoring/{code}/thresholds", response=ThresholdsIn)
def thresholds_put(request: HttpRequest, code: str, payload: ThresholdsIn) -> Any:
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    return services.thresholds_set(
        actor=actor_of(request),
        programme=programme,
        on_track_percent=payload.on_track_percent,
        at_risk_percent=payload.at_risk_percent,
    )
