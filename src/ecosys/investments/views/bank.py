"""Pages of the project bank: the sheets, one sheet, taking it up as a project, its status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecosys.core.errors import ValidationFailed
from ecosys.core.http import actor_of
from ecosys.core.permissions import actor_can, require
from ecosys.investments import queries, selectors
from ecosys.investments.forms import TakeUpForm
from ecosys.investments.models import OpportunitySheet
from ecosys.investments.services.bank import sheet_set_status
from ecosys.investments.services.projects import project_create
from ecosys.programmes import selectors as programme_selectors
from ecosys.web.views import domain_errors


@login_required
@domain_errors
def sheet_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    filters = {name: request.GET.get(name, "") for name in ("ecosystem", "status")}
    return render(
        request,
        "investments/sheet_list.html",
        {
            "sheets": queries.sheet_filter(actor=actor, **filters),
            "filters": filters,
            "ecosystems": programme_selectors.ecosystem_list(actor=actor),
            "statuses": OpportunitySheet.SheetStatus.choices,
        },
    )


@login_required
@domain_errors
def sheet_page(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    sheet = selectors.sheet_get(actor=actor, code=code)
    can_take_up = actor_can(actor, "project.create")
    form = (
        TakeUpForm(companies=queries.company_choices(actor=actor), provinces=queries.province_choices())
        if can_take_up
        else None
    )
    return render(
        request,
        "investments/sheet.html",
        {
            "sheet": sheet,
            "projects": queries.project_filter(actor=actor, sheet=sheet),
            "form": form,
            "can_manage": actor_can(actor, "projectbank.manage"),
            "statuses": OpportunitySheet.SheetStatus.choices,
        },
    )


@login_required
@require_POST
@domain_errors
def sheet_take_up(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    sheet = selectors.sheet_get(actor=actor, code=code)
    require(actor, "project.create")
    form = TakeUpForm(
        request.POST, companies=queries.company_choices(actor=actor), provinces=queries.province_choices()
    )
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise ValidationFailed(str(errors[0]), field=field)
    chosen = form.cleaned_data.get("company")
    company = queries.company_for(actor=actor, ice=chosen.ice if chosen else None)
    province = form.cleaned_data["province"]
    values = queries.sheet_project_values(
        sheet=sheet, region=province.region, province=province, investment_mad=form.cleaned_data["investment_mad"]
    )
    project = project_create(actor=actor, company=company, **values)
    messages.success(request, _("Project %(code)s created from the sheet.") % {"code": project.code})
    return redirect("investments:project", code=project.code)


@login_required
@require_POST
@domain_errors
def sheet_status(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    sheet = selectors.sheet_get(actor=actor, code=code)
    sheet = sheet_set_status(actor=actor, sheet=sheet, status=request.POST.get("status", ""))
    messages.success(request, _("The sheet is now “%(status)s”.") % {"status": sheet.get_status_display()})
    return redirect("investments:sheet", code=code)
