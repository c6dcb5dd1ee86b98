"""The company portal: a company's projects, its declarations, a month to declare, its own jobs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecosys.core.http import actor_of
from ecosys.core.permissions import actor_can
from ecosys.investments import queries, selectors
from ecosys.investments.forms import DeclarationForm
from ecosys.investments.services.declarations import AMOUNT_FIELDS, COUNT_FIELDS, declaration_submit
from ecosys.web.views import domain_errors

RECENT_MONTHS = 24


@login_required
@domain_errors
def portal(request: HttpRequest) -> HttpResponse:
    """A company user's home; staff choose the company to look at."""
    actor = actor_of(request)
    if queries.company_choices(actor=actor) is None:
        return redirect("investments:company", ice=queries.company_for(actor=actor, ice=None).ice)
    query = request.GET.get("q", "").strip()
    page = Paginator(queries.company_filter(actor=actor, q=query), 50).get_page(request.GET.get("page"))
    return render(request, "investments/portal.html", {"page": page, "q": query})


@login_required
@domain_errors
def company_page(request: HttpRequest, ice: str) -> HttpResponse:
    actor = actor_of(request)
    company = selectors.company_get(actor=actor, ice=ice)
    projects = queries.project_filter(actor=actor, company=company.ice)
    return render(
        request,
        "investments/company.html",
        {
            "company": company,
            "projects": projects,
            "declarations": queries.declaration_filter(actor=actor, company=company.ice)[: RECENT_MONTHS * 3],
            "jobs": queries.jobs_for(actor=actor, scope="company", code=company.ice, as_of=timezone.localdate()),
            "form": DeclarationForm(projects=projects) if actor_can(actor, "declaration.submit") else None,
            "can_create": actor_can(actor, "project.create"),
        },
    )


@login_required
@require_POST
@domain_errors
def declaration_add(request: HttpRequest, ice: str) -> HttpResponse:
    actor = actor_of(request)
    company = selectors.company_get(actor=actor, ice=ice)
    code = request.POST.get("project", "").strip()
    project = selectors.project_get(actor=actor, code=code) if code else None
    declaration = declaration_submit(
        actor=actor,
        company=company,
        month=request.POST.get("month", ""),
        project=project,
        **{name: request.POST.get(name, "").strip() for name in COUNT_FIELDS + AMOUNT_FIELDS},
    )
    messages.success(
        request, _("Figures of %(month)s recorded; they await verification.") % {"month": f"{declaration.month:%Y-%m}"}
    )
    return redirect("investments:company", ice=company.ice)
