"""Monitoring pages: programme overview, ecosystem page, Excel exports, period locking, thresholds."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache as memoize
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecosys.accounts.models import User
from ecosys.core.errors import NotFound, ValidationFailed
from ecosys.core.http import actor_of, file_response
from ecosys.core.i18n import localized
from ecosys.core.numbers import to_decimal
from ecosys.core.permissions import actor_can, actor_roles
from ecosys.core.spreadsheets import XLSX
from ecosys.land import selectors as land_selectors
from ecosys.monitoring import dashboards, reports, services, tables
from ecosys.monitoring.charts import path_chart
from ecosys.monitoring.iati_export import programme_iati
from ecosys.programmes.models import Ecosystem
from ecosys.web.views import domain_errors


def _dashboard(request: HttpRequest, code: str) -> dashboards.Dashboard:
    actor = actor_of(request)
    try:
        as_of = dashboards.parse_month(request.GET.get("as_of"), default=None)
    except ValidationFailed as exc:
        messages.error(request, str(exc.message))
        as_of = None
    return dashboards.dashboard(actor=actor, code=code, as_of=as_of, basis=request.GET.get("basis", "verified"))


def _xlsx(request: HttpRequest, board: dashboards.Dashboard, name: str, ecosystem: str | None = None) -> HttpResponse:
    content = tables.workbook(board, name, ecosystem=ecosystem)
    filename = f"ecosys-{board.programme.code}-{name}-{board.as_of:%Y-%m}.xlsx"
    return file_response(content, filename=filename, content_type=XLSX)


@login_required
@domain_errors
def monitoring_home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the first programme (the menu links here)."""
    programme = dashboards.programme_first(actor=actor_of(request))
    if programme is None:
        return render(request, "web/empty.html")
    return HttpResponseRedirect(reverse("monitoring:programme", args=[programme.code]))


@login_required
@domain_errors
def programme_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    board = _dashboard(request, code)  # monitoring.view is required here, before any cache is read
    if request.GET.get("table"):
        return _xlsx(request, board, request.GET["table"])
    actor = actor_of(request)
    can_lock = actor_can(actor, "period.lock")

    def periods() -> str:  # live: quarters are locked and unlocked between two snapshots
        context = {"board": board, "periods": dashboards.periods_of(board.programme), "can_lock": can_lock}
        return render_to_string("monitoring/_periods.html", {**context, "csrf_token": get_token(request)})

    def land() -> str:  # live: land is allocated between two snapshots
        summary = _land(board, actor)
        return render_to_string("monitoring/_land.html", {"board": board, "land": summary}) if summary else ""

    return _page(
        request,
        board,
        "programme",
        "monitoring/programme.html",
        lambda: {
            "board": board,
            **_snapshot_html(board, "programme", lambda: _render_programme_body(board)),
            "can_configure": actor_can(actor, "monitoring.configure"),
        },
        live={"periods_html": periods, "land_html": land},
    )


def _land(board: dashboards.Dashboard, actor: User) -> dict[str, Any] | None:
    """The industrial land section: hectares committed against the programme's commitment (two queries)."""
    if not actor_can(actor, "land.view"):
        return None
    summary = land_selectors.programme_land_summary(actor=actor, programme=board.programme)
    if summary is None:
        return None
    ecosystems = board.ecosystems
    rows = [
        (localized(ecosystems[code], "name") if code in ecosystems else code, hectares)
        for code, hectares in summary["by_ecosystem"].items()
    ]
    return {**summary, "rows": rows}


PAGE_TIMEOUT = 24 * 3600
PAGE_PARAMETERS = frozenset({"as_of", "basis"})  # a page asked with others is rendered, never cached


@memoize
def _marker(name: str) -> str:
    """A stand-in for per-request content in a cached page: unguessable, so no figure or name can hold it."""
    return "ecosys-" + salted_hmac("ecosys.monitoring.page-marker", name).hexdigest()[:32]


class _Person:
    """The signed-in person as a cached page shows them: their name is put in on each request.

    Only what base.html reads; anything else a template asks of it renders empty, never another
    person's data.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, user: User) -> None:
        self.is_staff = user.is_staff
        self.is_superuser = user.is_superuser

    def get_username(self) -> str:
        return _marker("name")

    def __str__(self) -> str:
        return _marker("name")


def _page_key(request: HttpRequest, board: dashboards.Dashboard, page: str, actor: User) -> str:
    """The version of everything the cached page shows that is not put in on each request.

    The snapshot (its identity, when it was computed, whether it is being recomputed), the language
    and time zone, what the person may see (roles, staff, superuser: the menu and the forms depend on
    them) and the address (the language form sends the person back to it).
    """
    snapshot = board.snapshot
    parts = (
        page,
        snapshot.pk,
        snapshot.computed_at.isoformat(),
        snapshot.stale,
        get_language(),
        get_current_timezone_name(),
        sorted(actor_roles(actor)),
        actor.is_staff,
        actor.is_superuser,
        request.get_full_path(),
        localized(board.programme, "name"),
    )
    return "monitoring:page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _page(
    request: HttpRequest,
    board: dashboards.Dashboard,
    page: str,
    template: str,
    context: Callable[[], dict[str, Any]],
    live: dict[str, Callable[[], str]],
) -> HttpResponse:
    """Serve a dashboard page from a whole page cached per snapshot version, language and roles.

    The cached page holds markers where per-request content goes: the CSRF token, the person's
    name, and the ``live`` parts (read from the database on each request, they change between two
    snapshots). A request with messages to show is rendered, neither read from nor kept in the cache.
    The caller has checked ``monitoring.view``: the cache is read only after.
    """
    actor = actor_of(request)
    cacheable = set(request.GET) <= PAGE_PARAMETERS and not get_messages(request)
    key = _page_key(request, board, page, actor)
    shell: str | None = cache.get(key) if cacheable else None
    if shell is None:
        markers = {name: mark_safe(_marker(name)) for name in live}  # noqa: S308 - ours, hex digits
        overrides = {"csrf_token": _marker("csrf"), "user": _Person(actor)}
        shell = render_to_string(template, {**context(), **markers, **overrides}, request=request)
        if cacheable:
            cache.set(key, shell, timeout=PAGE_TIMEOUT)
    html = shell.replace(_marker("csrf"), get_token(request)).replace(_marker("name"), escape(actor.get_username()))
    for name, render_part in live.items():
        html = html.replace(_marker(name), render_part())
    return HttpResponse(html)


def _snapshot_html(
    board: dashboards.Dashboard, page: str, render_parts: Callable[[], dict[str, str]]
) -> dict[str, SafeString]:
    """Render the figures of a snapshot once per page and language; keep the HTML as long as the snapshot.

    These parts hold no per-person content (forms, tokens): the cache key is the snapshot's version.
    """
    snapshot = board.snapshot
    key = f"monitoring:{page}:{snapshot.pk}:{snapshot.computed_at.timestamp()}:{get_language()}"
    parts: dict[str, str] | None = cache.get(key)
    if parts is None:
        parts = render_parts()
        cache.set(key, parts, timeout=24 * 3600)
    return {name: mark_safe(html) for name, html in parts.items()}  # noqa: S308 - rendered by us


def _render_programme_body(board: dashboards.Dashboard) -> dict[str, str]:
    contracts = []
    for contract in board.figures["contracts"]:
        kpis = []
        for kpi in contract["kpis"]:
            indicator = board.indicators.get(kpi["indicator"])
            unit = indicator.get_unit_display() if indicator else ""
            kpis.append(
                {
                    **kpi,
                    "name": board.indicator_name(kpi["indicator"]),
                    "status_label": dashboards.STATUS_LABELS[kpi["status"]],
                    "chart": path_chart(kpi, board.indicator_name(kpi["indicator"]), unit),
                }
            )
        contracts.append({**contract, "kpis": kpis})
    context = {
        "board": board,
        "contracts": contracts,
        "tables": [tables.build(board, key) for key in tables.TABLES if key != "at_risk"],
    }
    return {
        "body": render_to_string("monitoring/_programme_body.html", context),
        "thresholds_text": render_to_string("monitoring/_thresholds_text.html", context),
    }


@login_required
@domain_errors
def ecosystem_dashboard(request: HttpRequest, code: str, ecosystem: str) -> HttpResponse:
    board = _dashboard(request, code)
    eco = board.ecosystems.get(ecosystem)
    if eco is None:
        raise NotFound(dashboards.NOT_FOUND)
    if request.GET.get("table"):
        return _xlsx(request, board, request.GET["table"], ecosystem=ecosystem)

    def at_risk() -> str:  # live: milestones change any day
        table = tables.build(board, "at_risk", ecosystem=ecosystem)
        return render_to_string("monitoring/_table.html", {"board": board, "table": table})

    return _page(
        request,
        board,
        f"ecosystem:{ecosystem}:{localized(eco, 'name')}",
        "monitoring/ecosystem.html",
        lambda: {
            "board": board,
            "ecosystem": eco,
            **_snapshot_html(board, f"ecosystem:{ecosystem}", lambda: _render_ecosystem_body(board, ecosystem)),
        },
        live={"at_risk_html": at_risk},
    )


def _render_ecosystem_body(board: dashboards.Dashboard, ecosystem: str) -> dict[str, str]:
    rows: list[dict[str, Any]] = []
    for contract in board.figures["contracts"]:
        for row in contract["table"]:
            if row["code"] != ecosystem:
                continue
            for indicator, value in row.items():
                if indicator not in board.indicators:
                    continue
                total = contract["totals"].get(indicator)
                share = None if value is None or not total or indicator == "EXPORT_SHARE" else 100 * value / total
                rows.append({"indicator": board.indicators[indicator], "value": value, "share": share})
    context = {
        "board": board,
        "rows": rows,
        "tables": [tables.build(board, key, ecosystem=ecosystem) for key in ("ecosystems", "kpis", "gender")],
    }
    return {"body": render_to_string("monitoring/_ecosystem_body.html", context)}


def _back(request: HttpRequest, code: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("monitoring:programme", args=[code]) + "#periods")


@login_required
@domain_errors
def iati_download(request: HttpRequest, code: str) -> HttpResponse:
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    month = dashboards.parse_month(request.GET.get("as_of"), default=None) or dashboards.latest_month(programme)
    filename, content = programme_iati(programme, as_of=month)
    return file_response(content, filename=filename, content_type="application/xml")


@login_required
@require_POST
@domain_errors
def period_lock(request: HttpRequest, code: str) -> HttpResponse:
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    try:
        year, quarter = int(request.POST.get("year", "")), int(request.POST.get("quarter", ""))
    except ValueError:
        messages.error(request, _("Choose a year and a quarter."))
        return _back(request, code)
    period = services.period_lock(actor=actor_of(request), programme=programme, year=year, quarter=quarter)
    messages.success(request, _("%(period)s is validated: its figures are frozen.") % {"period": period.label})
    return _back(request, code)


@login_required
@require_POST
@domain_errors
def period_unlock(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    period = dashboards.period_get(programme=programme, pk=pk)
    services.period_unlock_request(actor=actor_of(request), period=period, reason=request.POST.get("reason", ""))
    messages.success(request, _("The unlock request is recorded; another person must grant it."))
    return _back(request, code)


@login_required
@require_POST
@domain_errors
def unlock_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    unlock = dashboards.unlock_get(programme=programme, pk=pk)
    grant = request.POST.get("decision") == "grant"
    services.period_unlock_decide(actor=actor_of(request), request=unlock, grant=grant)
    messages.success(request, _("Unlock granted: the quarter can be corrected.") if grant else _("Unlock refused."))
    return _back(request, code)


@login_required
@require_POST
@domain_errors
def thresholds_set(request: HttpRequest, code: str) -> HttpResponse:
    programme = dashboards.dashboard_programme(actor=actor_of(request), code=code)
    on_track = to_decimal(request.POST.get("on_track_percent", ""), field="on_track_percent")
    at_risk = to_decimal(request.POST.get("at_risk_percent", ""), field="at_risk_percent")
    services.thresholds_set(
        actor=actor_of(request), programme=programme, on_track_percent=on_track, at_risk_percent=at_risk
    )
    messages.success(request, _("Thresholds saved; the figures are being recomputed."))
    return _back(request, code)


@login_required
@require_POST
@domain_errors
def report_request(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    programme = dashboards.dashboard_programme(actor=actor, code=code)
    as_of = dashboards.parse_month(request.POST.get("as_of"), default=None) or dashboards.latest_month(programme)
    ecosystem = programme_ecosystem(programme, request.POST.get("ecosystem", ""))
    report = reports.report_request(
        actor=actor,
        programme=programme,
        kind=request.POST.get("kind", ""),
        as_of=as_of,
        language=request.POST.get("language", ""),
        ecosystem=ecosystem,
    )
    return HttpResponseRedirect(reverse("monitoring:report", args=[report.pk]))


def programme_ecosystem(programme: Any, code: str) -> Ecosystem | None:
    if not code:
        return None
    ecosystem = Ecosystem.objects.filter(sector__programme=programme, code=code).first()
    if ecosystem is None:
        raise NotFound(dashboards.NOT_FOUND)
    return ecosystem


@login_required
@domain_errors
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = reports.report_get(actor=actor_of(request), pk=pk)
    template = "monitoring/_report_progress.html" if request.GET.get("fragment") else "monitoring/report_page.html"
    return render(request, template, {"report": report})


@login_required
@domain_errors
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = reports.report_get(actor=actor_of(request), pk=pk)
    if report.status != report.Status.DONE or report.pdf is None:
        raise NotFound(reports.NOT_FOUND)
    scope = f"{report.kind}-{report.ecosystem.code}" if report.ecosystem else report.kind
    name = f"ecosys-{scope}-{report.as_of:%Y-%m}-{report.language}.pdf"
    return file_response(bytes(report.pdf), filename=name, content_type="application/pdf")
