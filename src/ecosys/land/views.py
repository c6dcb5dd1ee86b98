"""Land pages: the programme's zones and their occupancy, the plan view of a zone, land requests from
submission to the built plant, and the optimiser's proposals accepted by a person.

Each view reads through ``ecosys.land.selectors`` (which scope what the actor sees) and writes through
``ecosys.land.services`` or ``ecosys.land.optimiser`` (which check permissions and rules). A refused
POST becomes a message on the page it came from (``domain_errors``); a refused GeoJSON file is shown
with its problems feature by feature, and a refused request form is shown again with its values.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ecosys.accounts.models import User
from ecosys.core.audit import history_entries
from ecosys.core.errors import NotFound, ValidationFailed
from ecosys.core.http import actor_of, file_response
from ecosys.core.i18n import localized
from ecosys.core.numbers import format_number
from ecosys.core.permissions import actor_can
from ecosys.core.spreadsheets import XLSX
from ecosys.land import charts, exports, optimiser, plan, selectors, services
from ecosys.land.models import LandRequest, Parcel, Proposal, Zone
from ecosys.programmes import selectors as programme_selectors
from ecosys.programmes.models import Ecosystem, Programme
from ecosys.web.views import domain_errors

R = LandRequest.Status
PER_PAGE = 50
# Colours of the requests on the proposal's plan (cycled); parcels left out are drawn in grey.
REQUEST_COLOURS = ("#1f6f8b", "#f2a541", "#6a4c93", "#2e7d32", "#c62828", "#00838f", "#ad1457", "#5d4037")
LEFT_OUT_COLOUR = "#eceff1"

OBJECTIVES = {
    "jobs": gettext_lazy("jobs planned"),
    "value_added": gettext_lazy("value added planned"),
    "mix": gettext_lazy("a mix of jobs and value added"),
}
BAD_DATE = gettext_lazy("Enter a date as YYYY-MM-DD.")
BAD_DAYS = gettext_lazy("Enter a number of days.")
BAD_NUMBER = gettext_lazy("Enter a number of zero or more.")
NO_FILE = gettext_lazy("Choose a GeoJSON file.")
PROJECT_REQUIRED = gettext_lazy("Choose the project.")
PROPOSAL_NOT_FOUND = gettext_lazy("No such optimiser proposal.")
BAD_KEY = gettext_lazy("%(key)s is not a parcel key: write ZONE/PARCEL, separated by commas.")


# -- helpers ------------------------------------------------------------------------------------------------------


def _programme(request: HttpRequest, actor: User) -> Programme | None:
    """The programme asked for (``?programme=<code>``), else the first one with zones, else the first one."""
    code = request.GET.get("programme") or request.POST.get("programme")
    if code:
        return programme_selectors.programme_get(actor=actor, code=code)
    programmes = programme_selectors.programme_list(actor=actor)
    return programmes.filter(zones__isnull=False).distinct().first() or programmes.first()


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """Render a land page; the land menu shows the optimiser to those who may read its proposals."""
    context = {**context, "can_optimise": actor_can(actor_of(request), "land.view_all")}
    return render(request, template, context, status=status)


def _hectares(m2: Decimal | float | None) -> Decimal:
    return Decimal(str(m2 or 0)) / 10_000


def _date(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed(BAD_DATE, field=field, code="bad_date") from None


def _price(parcel: Parcel) -> str:
    if parcel.rent_mad_per_m2_month is not None:
        return _("rent %(amount)s MAD/m²/month") % {"amount": format_number(parcel.rent_mad_per_m2_month, 2)}
    if parcel.price_mad_per_m2 is not None:
        return _("price %(amount)s MAD/m²") % {"amount": format_number(parcel.price_mad_per_m2, 2)}
    return ""


def _parcel_rows(actor: User, parcels: list[Parcel]) -> list[dict[str, Any]]:
    """The parcels as the pages show them, with the request holding each (when the actor may see it)."""
    rows = []
    for parcel in parcels:
        holder = selectors.holder_reference(actor=actor, parcel=parcel)
        rows.append(
            {
                "parcel": parcel,
                "key": f"{parcel.zone.code}/{parcel.code}",
                "price": _price(parcel),
                "services": ", ".join(parcel.services),
                "holder": holder,
            }
        )
    return rows


# -- zones and their occupancy ------------------------------------------------------------------------------------


@login_required
@domain_errors
def zone_list(request: HttpRequest) -> HttpResponse:
    """The programme's zones: hectares by parcel status, committed against the programme's commitment."""
    actor = actor_of(request)
    programme = _programme(request, actor)
    zones = list(selectors.zone_list(actor=actor, programme=programme)) if programme else []
    download = request.GET.get("download")
    if programme is not None and download == "zones":
        return _xlsx(exports.zones_xlsx(zones), f"{programme.code}-zones")
    if programme is not None and download == "parcels":
        parcels = list(selectors.parcel_list(actor=actor, programme=programme))
        return _xlsx(exports.parcels_xlsx(parcels), f"{programme.code}-parcels")
    context: dict[str, Any] = {
        "programme": programme,
        "programmes": programme_selectors.programme_list(actor=actor),
        "can_manage": actor_can(actor, "land.manage"),
        "can_request": actor_can(actor, "land.request"),
        "statuses": list(Parcel.Status),
    }
    if programme is not None:
        context.update(_occupancy(programme))
    return _render(request, "land/zones.html", context)


def _occupancy(programme: Programme) -> dict[str, Any]:
    figures = optimiser.occupancy(programme)
    rows = []
    for item in figures["zones"]:
        zone: Zone = item["zone"]
        by_status = {status: _hectares(item["by_status"].get(status)) for status in Parcel.Status}
        parcelled = sum(by_status.values(), Decimal(0))
        rows.append(
            {
                "zone": zone,
                "label": f"{zone.code} · {zone.name}",
                "area_ha": zone.hectares,
                "by_status_ha": by_status,
                "cells": [by_status[status] for status in Parcel.Status],
                "unparcelled_ha": max(zone.hectares - parcelled, Decimal(0)),
                "allocated_ha": item["allocated_ha"],
            }
        )
    ecosystems = Ecosystem.objects.filter(sector__programme=programme).order_by("code")
    committed = [
        {"code": e.code, "label": localized(e, "name"), "hectares": figures["by_ecosystem"].get(e.code, Decimal(0))}
        for e in ecosystems
    ]
    promised = figures["promised_ha"]
    return {
        "zone_rows": rows,
        "total_ha": figures["total_ha"],
        "committed_ha": figures["committed_ha"],
        "promised_ha": promised,
        "committed_percent": figures["committed_ha"] * 100 / promised if promised else None,
        "committed_rows": committed,
        "zones_chart": charts.zones_chart(rows),
        "committed_chart": charts.committed_chart(committed),
    }


def _xlsx(content: bytes, name: str) -> HttpResponse:
    return file_response(content, filename=f"ecosys-{name}.xlsx", content_type=XLSX)


# -- the plan view ------------------------------------------------------------------------------------------------


def _title(row: dict[str, Any]) -> str:
    parcel: Parcel = row["parcel"]
    parts = [row["key"], f"{format_number(parcel.area_m2)} m²"]
    if row["price"]:
        parts.append(row["price"])
    parts.append(_("services: %(services)s") % {"services": row["services"] or "–"})
    parts.append(str(parcel.get_status_display()))
    if row["holder"]:
        parts.append(_("request %(reference)s") % {"reference": row["holder"]})
    return " · ".join(parts)


def _proposed(proposal: Proposal, zone: Zone) -> dict[str, str]:
    """Parcel code -> the reference of the request the proposal gives it to, for one zone."""
    plan_ = proposal.plan or {}
    chosen = plan_.get("accepted") or {a["request"]: a["parcels"] for a in plan_.get("assignments", [])}
    given = {}
    for reference, keys in chosen.items():
        for key in keys:
            zone_code, _sep, code = str(key).partition("/")
            if zone_code == zone.code:
                given[code] = reference
    return given


@login_required
@domain_errors
def zone_page(request: HttpRequest, code: str) -> HttpResponse:
    """The plan of a zone drawn from its outline, parcels coloured by status; beside it, a proposal's plan."""
    actor = actor_of(request)
    zone = selectors.zone_get(actor=actor, code=code)
    parcels = list(selectors.parcel_list(actor=actor, zone=zone))
    frame = plan.frame_for([zone.geometry, *(p.geometry for p in parcels)])
    rows = _parcel_rows(actor, parcels)
    for row in rows:
        parcel = row["parcel"]
        row["d"] = plan.path_d(parcel.geometry, frame)
        row["label_x"], row["label_y"] = plan.label_point(parcel.geometry, frame)
        row["title"] = _title(row)
        row["fill"] = charts.STATUS_COLOURS[Parcel.Status(parcel.status)]
    proposal = None
    proposed_rows: list[dict[str, Any]] = []
    proposal_legend: list[dict[str, str]] = []
    raw = request.GET.get("proposal", "")
    if raw:
        if not raw.isdigit():
            raise NotFound(PROPOSAL_NOT_FOUND)
        proposal = selectors.proposal_get(actor=actor, pk=int(raw))
        given = _proposed(proposal, zone)
        colours = {ref: REQUEST_COLOURS[i % len(REQUEST_COLOURS)] for i, ref in enumerate(sorted(set(given.values())))}
        proposal_legend = [{"reference": ref, "fill": colour} for ref, colour in colours.items()]
        for row in rows:
            reference = given.get(row["parcel"].code, "")
            title = f"{row['key']} · {format_number(row['parcel'].area_m2)} m² · " + (
                _("proposed to request %(reference)s") % {"reference": reference}
                if reference
                else _("not in the proposal")
            )
            row["proposed_to"] = reference
            proposed_rows.append(
                {**row, "reference": reference, "fill": colours.get(reference, LEFT_OUT_COLOUR), "title": title}
            )
    legend = [
        {"status": status, "label": status.label, "fill": charts.STATUS_COLOURS[status]} for status in Parcel.Status
    ]
    can_see_proposals = actor_can(actor, "land.view_all")
    return _render(
        request,
        "land/zone.html",
        {
            "zone": zone,
            "rows": rows,
            "frame": frame,
            "zone_d": plan.path_d(zone.geometry, frame),
            "legend": legend,
            "proposal": proposal,
            "proposed_rows": proposed_rows,
            "proposal_legend": proposal_legend,
            "proposals": selectors.proposal_list(actor=actor).filter(programme=zone.programme)[:10]
            if can_see_proposals
            else [],
            "can_manage": actor_can(actor, "land.manage"),
            "parcelled_ha": _hectares(sum((p.area_m2 for p in parcels), Decimal(0))),
        },
    )


# -- imports ------------------------------------------------------------------------------------------------------


def _upload(request: HttpRequest) -> bytes:
    upload = request.FILES.get("file")
    return upload.read() if upload is not None else b""


def _import_refused(request: HttpRequest, error: ValidationFailed, kind: str, back: str) -> HttpResponse:
    """Show a refused file's problems, feature by feature; nothing was written."""
    return _render(
        request,
        "land/import_refused.html",
        {"error": error, "details": error.details, "kind": kind, "back": back},
        status=400,
    )


@login_required
@require_POST
@domain_errors
def zones_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    programme = _programme(request, actor)
    if programme is None:
        raise NotFound(gettext_lazy("No such programme."))
    back = f"{reverse('land:zones')}?programme={programme.code}"
    try:
        zones = services.zones_import(actor=actor, programme=programme, data=_upload(request))
    except ValidationFailed as error:
        if not error.details:
            raise
        return _import_refused(request, error, "zones", back)
    messages.success(
        request,
        _("%(count)s zone(s) imported: %(codes)s.") % {"count": len(zones), "codes": ", ".join(z.code for z in zones)},
    )
    return HttpResponseRedirect(back)


@login_required
@require_POST
@domain_errors
def parcels_import(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    zone_code = request.POST.get("zone", "")
    zone = selectors.zone_get(actor=actor, code=zone_code) if zone_code else None
    back = reverse("land:zone", args=[zone.code]) if zone else reverse("land:zones")
    try:
        parcels = services.parcels_import(actor=actor, data=_upload(request))
    except ValidationFailed as error:
        if not error.details:
            raise
        return _import_refused(request, error, "parcels", back)
    messages.success(request, _("%(count)s parcel(s) imported.") % {"count": len(parcels)})
    return HttpResponseRedirect(back)


# -- land requests ------------------------------------------------------------------------------------------------


@login_required
@domain_errors
def request_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    requests = selectors.request_list(actor=actor).prefetch_related("holdings__parcel__zone")
    status = request.GET.get("status", "")
    if status in R.values:
        requests = requests.filter(status=status)
    if request.GET.get("download") == "xlsx":
        return _xlsx(exports.requests_xlsx(requests), "land-requests")
    page = Paginator(requests, PER_PAGE).get_page(request.GET.get("page"))
    for item in page:
        item.live_parcels = [h.parcel for h in item.holdings.all() if h.live]  # type: ignore[attr-defined]
    return _render(
        request,
        "land/requests.html",
        {
            "page": page,
            "filters": {"status": status if status in R.values else ""},
            "statuses": R.choices,
            "can_request": actor_can(actor, "land.request"),
        },
    )


@login_required
@domain_errors
def request_new(request: HttpRequest) -> HttpResponse:
    """A company requests land for one of its projects (the land office may file for a company)."""
    actor = actor_of(request)
    projects = selectors.requestable_projects(actor=actor)
    zones = selectors.zone_list(actor=actor)
    values: dict[str, Any] = {"max_parcels": "1", "services": [], "zones": []}
    errors: list[str] = []
    if request.method == "POST":
        values = {
            "project": request.POST.get("project", ""),
            "area_m2": request.POST.get("area_m2", ""),
            "max_area_m2": request.POST.get("max_area_m2", ""),
            "max_parcels": request.POST.get("max_parcels", "1"),
            "services": request.POST.getlist("services"),
            "zones": request.POST.getlist("zones"),
        }
        if not values["project"]:
            errors.append(str(PROJECT_REQUIRED))
        else:
            project = projects.filter(code=values["project"]).first()
            if project is None:
                raise NotFound(gettext_lazy("No such project."))
            try:
                created = services.request_create(
                    actor=actor,
                    project=project,
                    area_m2=values["area_m2"],
                    max_area_m2=values["max_area_m2"] or None,
                    max_parcels=values["max_parcels"],
                    services_needed=values["services"],
                    preferred_zones=list(zones.filter(code__in=values["zones"])),
                )
            except ValidationFailed as error:
                errors.append(str(error.message))
            else:
                messages.success(request, _("Land request %(reference)s submitted.") % {"reference": created.reference})
                return redirect("land:request", reference=created.reference)
    return _render(
        request,
        "land/request_form.html",
        {
            "projects": projects,
            "zones": zones,
            "services": Parcel.SERVICES,
            "values": values,
            "errors": errors,
            "slack_percent": int(services.DEFAULT_SLACK * 100),
        },
        status=400 if errors else 200,
    )


def _actions(actor: User, item: LandRequest) -> dict[str, bool]:
    """The workflow steps the actor may take on the request in its status (the services check again)."""
    allocate, apply = actor_can(actor, "land.allocate"), actor_can(actor, "land.request")
    status = item.status
    return {
        "reserve": allocate and status in (R.SUBMITTED, R.EXPIRED),
        "allocate": allocate and status == R.RESERVED,
        "sign": allocate and status == R.ALLOCATED,
        "built": allocate and status == R.CONTRACTED,
        "release": allocate and status in (R.RESERVED, R.ALLOCATED, R.CONTRACTED),
        "withdraw": apply and status in (R.SUBMITTED, R.RESERVED, R.ALLOCATED, R.EXPIRED),
    }


@login_required
@domain_errors
def request_page(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.request_get(actor=actor, reference=reference)
    holdings = list(item.holdings.all())
    actions = _actions(actor, item)
    context: dict[str, Any] = {
        "item": item,
        "holdings": holdings,
        "live": [h for h in holdings if h.live],
        "window": services.area_window(item),
        "actions": actions,
        "any_action": any(actions.values()),
        "history": history_entries([item, *holdings]),
        "today": timezone.localdate().isoformat(),
        "days": services.DEFAULT_RESERVATION_DAYS,
    }
    if actions["reserve"]:
        programme_zones = selectors.zone_list(actor=actor, programme=item.project.ecosystem.sector.programme)
        preferred = [z.code for z in item.preferred_zones.all()]
        zone_code = request.GET.get("zone") or (preferred[0] if preferred else "")
        zone = programme_zones.filter(code=zone_code).first() or programme_zones.first()
        context.update(
            {
                "reserve_zones": programme_zones,
                "reserve_zone": zone,
                "available": _parcel_rows(actor, list(selectors.available_parcels(actor=actor, zone=zone)))
                if zone
                else [],
            }
        )
    return _render(request, "land/request.html", context)


def _back(item: LandRequest) -> HttpResponse:
    return redirect("land:request", reference=item.reference)


@login_required
@require_POST
@domain_errors
def request_reserve(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.request_get(actor=actor, reference=reference)
    raw_days = request.POST.get("days", "").strip() or str(services.DEFAULT_RESERVATION_DAYS)
    if not raw_days.isdigit():
        raise ValidationFailed(BAD_DAYS, field="days", code="bad_days")
    ids = [int(pk) for pk in request.POST.getlist("parcels") if pk.isdigit()]
    parcels = list(selectors.parcel_list(actor=actor).filter(pk__in=ids))
    services.reserve(actor=actor, request=item, parcels=parcels, days=int(raw_days))
    messages.success(request, _("Parcels reserved for %(days)s days.") % {"days": raw_days})
    return _back(item)


@login_required
@require_POST
@domain_errors
def request_allocate(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.request_get(actor=actor, reference=reference)
    services.allocate(actor=actor, request=item)
    messages.success(request, _("Parcels allocated."))
    return _back(item)


@login_required
@require_POST
@domain_errors
def request_sign(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.request_get(actor=actor, reference=reference)
    signed_on = _date(request.POST.get("signed_on", ""), "signed_on")
    item = services.agreement_sign(actor=actor, request=item, signed_on=signed_on)
    messages.success(request, _("%(agreement)s signed.") % {"agreement": item.get_agreement_display().capitalize()})
    return _back(item)


@login_required
@require_POST
@domain_errors
def request_built(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.request_get(actor=actor, reference=reference)
    services.built(actor=actor, request=item)
    messages.success(request, _("The plant is recorded as built."))
    return _back(item)


@login_required
@require_POST
@domain_errors
def request_release(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.request_get(actor=actor, reference=reference)
    services.release(actor=actor, request=item, reason=request.POST.get("reason", ""))
    messages.success(request, _("The land is released."))
    return _back(item)


@login_required
@require_POST
@domain_errors
def request_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_of(request)
    item = selectors.request_get(actor=actor, reference=reference)
    services.withdraw(actor=actor, request=item, reason=request.POST.get("reason", ""))
    messages.success(request, _("The request is withdrawn."))
    return _back(item)


# -- the optimiser ------------------------------------------------------------------------------------------------


def _number(raw: str, field: str) -> float | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValidationFailed(BAD_NUMBER, field=field, code="bad_number") from None
    if not value >= 0:
        raise ValidationFailed(BAD_NUMBER, field=field, code="bad_number")
    return value


def _parameters(request: HttpRequest, ecosystems: list[Ecosystem]) -> dict[str, Any]:
    """The optimiser's settings from the form: objective, weights, priorities and quotas per ecosystem."""
    post = request.POST
    priorities, quotas = {}, {}
    for ecosystem in ecosystems:
        code = ecosystem.code
        priority = _number(post.get(f"priority-{code}", ""), f"priority-{code}")
        if priority is not None:
            priorities[code] = priority
        limits = {
            "max_hectares": _number(post.get(f"max_ha-{code}", ""), f"max_ha-{code}"),
            "min_hectares": _number(post.get(f"min_ha-{code}", ""), f"min_ha-{code}"),
            "max_requests": _number(post.get(f"max_requests-{code}", ""), f"max_requests-{code}"),
        }
        if limits["max_requests"] is not None:
            limits["max_requests"] = int(limits["max_requests"])
        if any(v is not None for v in limits.values()):
            quotas[code] = limits
    jobs_weight = _number(post.get("jobs_weight", ""), "jobs_weight")
    value_added_weight = _number(post.get("value_added_weight", ""), "value_added_weight")
    time_limit = _number(post.get("time_limit_s", ""), "time_limit_s")
    return {
        "objective": post.get("objective", "jobs"),
        "jobs_weight": 1.0 if jobs_weight is None else jobs_weight,
        "value_added_weight": 0.0 if value_added_weight is None else value_added_weight,
        "priorities": priorities,
        "quotas": quotas,
        "time_limit_s": min(time_limit or 30.0, 120.0),
    }


@login_required
@domain_errors
def optimiser_page(request: HttpRequest) -> HttpResponse:
    """The optimiser's form (objective, priorities, quotas) and the proposals of the programme."""
    actor = actor_of(request)
    proposals = selectors.proposal_list(actor=actor)
    programme = _programme(request, actor)
    ecosystems = list(Ecosystem.objects.filter(sector__programme=programme).order_by("code")) if programme else []
    if request.method == "POST":
        if programme is None:
            raise NotFound(gettext_lazy("No such programme."))
        proposal = optimiser.proposal_run(actor=actor, programme=programme, parameters=_parameters(request, ecosystems))
        return redirect("land:proposal", pk=proposal.pk)
    submitted = (
        selectors.request_list(actor=actor)
        .filter(status=R.SUBMITTED, project__ecosystem__sector__programme=programme)
        .count()
        if programme
        else 0
    )
    return _render(
        request,
        "land/optimiser.html",
        {
            "programme": programme,
            "programmes": programme_selectors.programme_list(actor=actor),
            "ecosystems": ecosystems,
            "proposals": [
                (p, OBJECTIVES.get((p.parameters or {}).get("objective", "jobs"), ""))
                for p in (proposals.filter(programme=programme)[:30] if programme else [])
            ],
            "submitted": submitted,
            "can_run": actor_can(actor, "land.allocate"),
        },
    )


def _keys(items: list[str]) -> str:
    return ", ".join(items)


@login_required
@domain_errors
def proposal_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    proposal = selectors.proposal_get(actor=actor, pk=pk)
    plan_ = proposal.plan or {}
    references = [a["request"] for a in plan_.get("assignments", [])] + [
        u["request"] for u in plan_.get("unserved", [])
    ]
    by_reference = {r.reference: r for r in selectors.request_list(actor=actor).filter(reference__in=references)}
    accepted = plan_.get("accepted") or {}
    assignments = [
        {
            **a,
            "request_obj": by_reference.get(a["request"]),
            "keys": _keys(a["parcels"]),
            "accepted_keys": _keys(accepted.get(a["request"], [])) if proposal.accepted_at else "",
        }
        for a in plan_.get("assignments", [])
    ]
    unserved = []
    for u in plan_.get("unserved", []):
        params = u.get("params") or {}
        reason = str(optimiser.UNSERVED_REASONS.get(u["reason"], u["reason"]))
        if u["reason"] == "outcompeted" and params.get("by"):
            reason += " (" + ", ".join(params["by"]) + ")"
        unserved.append(
            {
                **u,
                "request_obj": by_reference.get(u["request"]),
                "reason_text": reason,
                "accepted_keys": _keys(accepted.get(u["request"], [])) if proposal.accepted_at else "",
            }
        )
    zones = [
        {
            "zone": z,
            "count": sum(1 for a in plan_.get("assignments", []) for k in a["parcels"] if k.startswith(f"{z.code}/")),
        }
        for z in selectors.zone_list(actor=actor, programme=proposal.programme)
    ]
    parameters = proposal.parameters or {}
    names = {e.code: localized(e, "name") for e in Ecosystem.objects.filter(sector__programme=proposal.programme)}
    return _render(
        request,
        "land/proposal.html",
        {
            "proposal": proposal,
            "assignments": assignments,
            "unserved": unserved,
            "zones": zones,
            "parameters": parameters,
            "objective": OBJECTIVES.get(parameters.get("objective", "jobs"), parameters.get("objective")),
            "priorities": [(names.get(k, k), v) for k, v in (parameters.get("priorities") or {}).items()],
            "quotas": [(names.get(k, k), v) for k, v in (parameters.get("quotas") or {}).items()],
            "served_m2": sum((a["area_m2"] for a in plan_.get("assignments", [])), 0.0),
            "can_accept": actor_can(actor, "land.allocate") and proposal.accepted_at is None,
            "days": services.DEFAULT_RESERVATION_DAYS,
        },
    )


def _edited(request: HttpRequest, proposal: Proposal) -> dict[str, list[str]] | None:
    """The person's edits: per request of the run, the parcel keys typed when they differ from the proposal."""
    plan_ = proposal.plan or {}
    proposed = {a["request"]: list(a["parcels"]) for a in plan_.get("assignments", [])}
    proposed.update({u["request"]: [] for u in plan_.get("unserved", [])})
    edited: dict[str, list[str]] = {}
    for reference, keys in proposed.items():
        field = f"parcels-{reference}"
        if field not in request.POST:
            continue
        typed = [k.strip() for k in request.POST[field].replace(";", ",").split(",") if k.strip()]
        for key in typed:
            zone_code, _sep, code = key.partition("/")
            if not zone_code or not code:
                raise ValidationFailed(BAD_KEY % {"key": key}, field=field, code="bad_key")
        if sorted(typed) != sorted(keys):
            edited[reference] = typed
    return edited or None


@login_required
@require_POST
@domain_errors
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the proposal as computed or as edited: each assignment is reserved and allocated, all or nothing."""
    actor = actor_of(request)
    proposal = selectors.proposal_get(actor=actor, pk=pk)
    raw_days = request.POST.get("days", "").strip() or str(services.DEFAULT_RESERVATION_DAYS)
    if not raw_days.isdigit():
        raise ValidationFailed(BAD_DAYS, field="days", code="bad_days")
    accepted = optimiser.proposal_accept(
        actor=actor, proposal=proposal, edited=_edited(request, proposal), days=int(raw_days)
    )
    messages.success(
        request,
        _("Proposal accepted: %(count)s request(s) allocated.") % {"count": len(accepted)},
    )
    return redirect("land:proposal", pk=proposal.pk)
