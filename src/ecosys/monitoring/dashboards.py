"""What the monitoring pages and the API show: snapshot figures with names in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecosys.accounts.models import User
from ecosys.core.errors import NotFound, ValidationFailed
from ecosys.core.i18n import localized
from ecosys.core.permissions import require
from ecosys.investments.models import Declaration, InvestmentProject, ProjectMilestone, Region
from ecosys.monitoring import measures
from ecosys.monitoring.models import Period, Snapshot, UnlockRequest
from ecosys.monitoring.services import snapshot_for, snapshot_stored
from ecosys.programmes.models import Ecosystem, Indicator, Programme

STATUS_LABELS = {
    "on_track": gettext_lazy("on track"),
    "at_risk": gettext_lazy("at risk"),
    "off_track": gettext_lazy("off track"),
    "no_data": gettext_lazy("no data"),
}
NOT_FOUND = gettext_lazy("No such programme or ecosystem.")
BAD_MONTH = gettext_lazy("Enter a month as YYYY-MM.")


@dataclass
class Dashboard:
    """A snapshot and the names to show with it, each read from the database only when used."""

    programme: Programme
    snapshot: Snapshot
    as_of: date
    basis: str

    @property
    def figures(self) -> dict[str, Any]:
        return self.snapshot.figures

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {i.code: i for i in Indicator.objects.all()}

    @cached_property
    def ecosystems(self) -> dict[str, Ecosystem]:
        return {e.code: e for e in Ecosystem.objects.filter(sector__programme=self.programme)}

    @cached_property
    def regions(self) -> dict[str, str]:
        return {r.code: localized(r, "name") for r in Region.objects.all()}

    def indicator_name(self, code: str) -> str:
        found = self.indicators.get(code)
        return localized(found, "name") if found else code


def latest_month(programme: Programme) -> date:
    """Return the last month with figures, capped at the last closed month."""
    last = Declaration.objects.aggregate(last=Max("month"))["last"]
    today = timezone.localdate().replace(day=1)
    closed = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    return min(last, closed) if last else closed


def parse_month(raw: str | None, default: date | None) -> date | None:
    if not raw:
        return default
    try:
        year, month = (int(part) for part in raw.strip()[:7].split("-"))
        return date(year, month, 1)
    except ValueError:
        raise ValidationFailed(BAD_MONTH, field="as_of", code="bad_month") from None


def programme_first(*, actor: User) -> Programme | None:
    require(actor, "monitoring.view")
    return Programme.objects.order_by("pk").first()


def dashboard_programme(*, actor: User, code: str) -> Programme:
    require(actor, "monitoring.view")
    programme = Programme.objects.filter(code=code).first()
    if programme is None:
        raise NotFound(NOT_FOUND)
    return programme


def dashboard(*, actor: User, code: str, as_of: date | None = None, basis: str = "verified") -> Dashboard:
    require(actor, "monitoring.view")
    if basis not in Snapshot.Basis.values:
        basis = Snapshot.Basis.VERIFIED
    if as_of is not None:  # the programme and its stored snapshot in one query, the usual case
        found = snapshot_stored(Q(programme__code=code), as_of=as_of, basis=basis)
        if found is not None:
            return Dashboard(programme=found.programme, snapshot=found, as_of=as_of.replace(day=1), basis=basis)
    programme = dashboard_programme(actor=actor, code=code)
    as_of = (as_of or latest_month(programme)).replace(day=1)
    snapshot = snapshot_for(programme=programme, as_of=as_of, basis=basis)
    return Dashboard(programme=programme, snapshot=snapshot, as_of=as_of, basis=basis)


def projects_at_risk(*, ecosystems: list[str], as_of: date) -> list[dict[str, Any]]:
    """Projects of the ecosystems (codes) late on a planned milestone by ``as_of``, or suspended.

    Late: a milestone planned by ``as_of`` and not reached by then; the lateness in months is
    shown, largest first. Two queries whatever the size: the milestones not reached (their dates
    only), then the projects to show with their company; the pages read this on each request.
    """
    projects = InvestmentProject.objects.filter(ecosystem__code__in=ecosystems).exclude(
        status__in=["completed", "abandoned"]
    )
    late: dict[int, tuple[int, str]] = {}  # project -> (months, milestone kind), its latest milestone
    not_reached = (
        ProjectMilestone.objects.filter(project__in=projects, planned_date__lte=as_of)
        .filter(Q(actual_date__isnull=True) | Q(actual_date__gt=as_of))
        .order_by("project_id", "planned_date")  # no join to order by the project's code
        .values_list("project_id", "kind", "planned_date")
    )
    for project_id, kind, planned in not_reached:
        months = (as_of.year - planned.year) * 12 + as_of.month - planned.month
        if months > 0 and months > late.get(project_id, (0, ""))[0]:
            late[project_id] = (months, kind)
    shown = projects.filter(Q(status="suspended") | Q(pk__in=list(late))).select_related("company")
    rows: dict[int, dict[str, Any]] = {}
    found = {project.pk: project for project in shown}
    for project in found.values():
        if project.status == "suspended":
            rows[project.pk] = {"project": project, "reason": _("suspended"), "months_late": None}
    labels = dict(ProjectMilestone.Kind.choices)
    for project_id, (months, kind) in late.items():
        if project_id in found:
            reason = _("%(milestone)s late") % {"milestone": labels.get(kind, kind)}
            rows[project_id] = {"project": found[project_id], "reason": reason, "months_late": months}
    return sorted(rows.values(), key=lambda r: (-(r["months_late"] or 999), r["project"].code))


def periods_of(programme: Programme) -> list[Period]:
    return list(
        Period.objects.filter(programme=programme)
        .select_related("locked_by")
        .prefetch_related("unlocks__requested_by", "unlocks__decided_by")
    )


def pending_unlocks(programme: Programme) -> list[UnlockRequest]:
    return list(
        UnlockRequest.objects.filter(period__programme=programme, status=UnlockRequest.Status.PENDING).select_related(
            "period", "requested_by"
        )
    )


def period_get(*, programme: Programme, pk: int) -> Period:
    period = Period.objects.filter(programme=programme, pk=pk).first()
    if period is None:
        raise NotFound(NOT_FOUND)
    return period


def unlock_get(*, programme: Programme, pk: int) -> UnlockRequest:
    unlock = UnlockRequest.objects.filter(period__programme=programme, pk=pk).first()
    if unlock is None:
        raise NotFound(NOT_FOUND)
    return unlock


KPI_OPTIONS = {
    "granularity": ("month", "quarter", "year"),
    "group": ("ecosystem", "region", "company", "gender"),
    "basis": ("verified", "declared"),
    "jobs": ("net", "gross"),
}
KPI_UNKNOWN = gettext_lazy("No measure is defined for this indicator.")
KPI_OPTION = gettext_lazy("%(name)s must be one of: %(choices)s.")
NO_GENDER = gettext_lazy("Only the headcount is declared by sex: choose another breakdown.")


def kpi_values(*, actor: User, code: str, indicator: str, as_of: date | None, **options: str) -> dict[str, Any]:
    """Return one indicator for every group and period of the programme's contracts, computed now."""
    programme = dashboard_programme(actor=actor, code=code)
    for name, value in options.items():
        if value not in KPI_OPTIONS[name]:
            message = KPI_OPTION % {"name": name, "choices": ", ".join(KPI_OPTIONS[name])}
            raise ValidationFailed(message, field=name, code="option_invalid")
    if indicator not in measures.MEASURES:
        raise ValidationFailed(KPI_UNKNOWN, field="indicator", code="indicator_unmeasured")
    as_of = (as_of or latest_month(programme)).replace(day=1)
    ecosystems = list(Ecosystem.objects.filter(sector__programme=programme).values_list("code", flat=True))
    data = measures.load(measures.units_in(ecosystems, as_of), as_of=as_of, basis=options["basis"])  # type: ignore[arg-type]
    try:
        values = measures.series(
            data,
            indicator,
            granularity=options["granularity"],  # type: ignore[arg-type]
            group=options["group"],  # type: ignore[arg-type]
            jobs=options["jobs"],  # type: ignore[arg-type]
        )
    except KeyError:
        raise ValidationFailed(NO_GENDER, field="group", code="no_gender_breakdown") from None
    return {
        "indicator": indicator,
        "measure": measures.MEASURES[indicator][0],
        "as_of": as_of,
        "values": values,
        **options,
    }
