"""The jobs page: gross hires, net declared and net verified jobs, side by side, with the method."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ecosys.core.http import actor_of
from ecosys.investments import queries
from ecosys.programmes import selectors as programme_selectors
from ecosys.web.charts import jobs_chart
from ecosys.web.views import domain_errors


@login_required
@domain_errors
def jobs_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    scope = request.GET.get("scope", "")
    code = request.GET.get("code", "").strip()
    if scope not in queries.JOBS_SCOPES:
        # A company sees its own figures first; staff the whole programme.
        scope = "company" if queries.company_choices(actor=actor) is None else "programme"
    as_of = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    if raw:
        try:
            as_of = date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("Enter a date (YYYY-MM-DD)."))
    if scope == "company" and not code and queries.company_choices(actor=actor) is None:
        code = queries.company_for(actor=actor, ice=None).ice
    view = queries.jobs_for(actor=actor, scope=scope, code=code, as_of=as_of)
    groups = _groups(view)
    return render(
        request,
        "investments/jobs.html",
        {
            "view": view,
            "total": view.report.total,
            "groups": groups,
            "chart": jobs_chart(groups, title=view.subject),
            "as_of": as_of,
            "ecosystems": programme_selectors.ecosystem_list(actor=actor),
        },
    )


def _groups(view: queries.JobsView) -> list[dict[str, object]]:
    """The rows of the chart and of its table: ecosystems of the programme, else companies."""
    if view.scope == "programme":
        return [
            {
                "label": view.ecosystems[code].name if code in view.ecosystems else code,
                "code": code,
                "generated": False,
                **asdict(total),
            }
            for code, total in view.report.by_ecosystem.items()
        ]
    return [
        {
            "label": row.company.name,
            "code": row.company.ice,
            "generated": row.company.is_generated,
            "firms": 1,
            "firms_verified": int(row.count.net_verified is not None),
            "gross_hires": row.count.gross_hires,
            "net_declared": row.count.net_declared,
            "net_verified": row.count.net_verified,
        }
        for row in view.report.companies
    ]
