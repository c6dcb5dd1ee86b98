"""Pages of investment projects: the list, one project, the company's form, lifecycle moves."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecosys.accounts.models import User
from ecosys.core.errors import ValidationFailed
from ecosys.core.http import actor_of
from ecosys.core.permissions import actor_can, require
from ecosys.investments import queries, selectors
from ecosys.investments.forms import ProjectForm, add_domain_error
from ecosys.investments.lifecycle import Status
from ecosys.investments.services.projects import NOT_EDITABLE, project_create, project_transition, project_update
from ecosys.monitoring.projects import project_progress
from ecosys.programmes import selectors as programme_selectors
from ecosys.web.views import domain_errors

PER_PAGE = 50


@login_required
@domain_errors
def project_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = {name: request.GET.get(name, "") for name in ("ecosystem", "status", "region")}
    projects = queries.project_filter(
        actor=actor, ecosystem=filters["ecosystem"], status=filters["status"], region=filters["region"]
    )
    return render(
        request,
        "investments/project_list.html",
        {
            "page": Paginator(projects, PER_PAGE).get_page(request.GET.get("page")),
            "filters": filters,
            "ecosystems": programme_selectors.ecosystem_list(actor=actor),
            "regions": selectors.regions(),
            "statuses": Status.choices,
            "can_create": actor_can(actor, "project.create"),
        },
    )


@login_required
@domain_errors
def project_page(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    project = queries.project_detail(actor=actor, code=code)
    return render(
        request,
        "investments/project.html",
        {
            "project": project,
            "offers": queries.project_transitions(actor=actor, project=project),
            "can_edit": queries.project_can_edit(actor=actor, project=project),
            "today": timezone.localdate().isoformat(),
            "progress": project_progress(project, as_of=timezone.localdate()),
        },
    )


def _form(actor: User, data: Any = None, project: Any = None) -> ProjectForm:
    return ProjectForm(
        data,
        companies=None if project is not None else queries.company_choices(actor=actor),
        ecosystems=programme_selectors.ecosystem_list(actor=actor),
        activities=queries.activity_choices(actor=actor),
        provinces=queries.province_choices(),
        project=project,
    )


@login_required
@domain_errors
def project_create_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, "project.create")
    form = _form(actor, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data.get("company")
        company = queries.company_for(actor=actor, ice=chosen.ice if chosen else None)
        try:
            project = project_create(actor=actor, company=company, **form.values())
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Project %(code)s created.") % {"code": project.code})
            return redirect("investments:project", code=project.code)
    return render(request, "investments/project_form.html", {"form": form, "project": None})


@login_required
@domain_errors
def project_edit_page(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    project = queries.project_detail(actor=actor, code=code)
    require(actor, "project.edit")
    if request.method != "POST" and not queries.project_can_edit(actor=actor, project=project):
        messages.error(request, str(NOT_EDITABLE))
        return redirect("investments:project", code=code)
    form = _form(actor, request.POST if request.method == "POST" else None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            project_update(actor=actor, project=project, **form.values())
        except ValidationFailed as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Project %(code)s updated.") % {"code": code})
            return redirect("investments:project", code=code)
    return render(request, "investments/project_form.html", {"form": form, "project": project})


@login_required
@require_POST
@domain_errors
def project_move(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    project = selectors.project_get(actor=actor, code=code)
    raw_date = request.POST.get("agreement_date", "").strip()
    try:
        agreement_date = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        raise ValidationFailed(_("Enter a date (YYYY-MM-DD)."), field="agreement_date") from None
    project = project_transition(
        actor=actor,
        project=project,
        target=request.POST.get("target", ""),
        reason=request.POST.get("reason", ""),
        agreement_date=agreement_date,
    )
    messages.success(
        request, _("Project %(code)s is now “%(status)s”.") % {"code": code, "status": project.get_status_display()}
    )
    return redirect("investments:project", code=code)
