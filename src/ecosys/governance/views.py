"""Governance pages: committees, meetings with minutes and the KPI figures of the day, initiatives."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ecosys.accounts.models import Organisation
from ecosys.core.errors import ValidationFailed
from ecosys.core.http import actor_of, file_response
from ecosys.core.permissions import actor_can, require
from ecosys.core.spreadsheets import XLSX, xlsx_bytes
from ecosys.governance import links, selectors, services
from ecosys.governance.models import Committee, Initiative
from ecosys.governance.services import AgendaEntry
from ecosys.programmes.models import Ecosystem, Programme, Target
from ecosys.web.views import domain_errors

BAD_DATE = gettext_lazy("Enter a date as YYYY-MM-DD.")
PROGRAMME_REQUIRED = gettext_lazy("Choose the programme of the committee.")


def _date(raw: str, field: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed(BAD_DATE, field=field, code="bad_date") from None


@login_required
@domain_errors
def committee_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    require(actor, "governance.view")
    can_manage = actor_can(actor, "governance.manage")
    return render(
        request,
        "governance/committees.html",
        {
            "committees": selectors.committee_list(actor=actor),
            "follow": selectors.follow_up(actor=actor),
            "notifications": selectors.notifications_for(actor=actor, unread_only=True)[:20],
            "can_manage": can_manage,
            "programmes": Programme.objects.order_by("code") if can_manage else [],
            "ecosystems": Ecosystem.objects.order_by("code") if can_manage else [],
            "organisations": Organisation.objects.exclude(kind=Organisation.Kind.COMPANY).order_by("name")
            if can_manage
            else [],
            "kinds": Committee.Kind.choices,
        },
    )


@login_required
@require_POST
@domain_errors
def committee_new(request: HttpRequest) -> HttpResponse:
    """Create a committee with its member organisations; the person who creates it chairs it."""
    actor = actor_of(request)
    programme = links.pick(Programme.objects.all(), request.POST.get("programme"), "code")
    if programme is None:
        raise ValidationFailed(PROGRAMME_REQUIRED, field="programme", code="programme_required")
    organisations = [
        links.pick(Organisation.objects.exclude(kind=Organisation.Kind.COMPANY), raw)
        for raw in request.POST.getlist("organisations")
    ]
    committee = services.committee_create(
        actor=actor,
        programme=programme,
        kind=request.POST.get("kind", ""),
        name=request.POST.get("name", ""),
        ecosystem=links.pick(Ecosystem.objects.all(), request.POST.get("ecosystem"), "code"),
        chair=actor,
        organisations=organisations,
    )
    return HttpResponseRedirect(reverse("governance:committee", args=[committee.pk]))


def _initiatives_xlsx(initiatives: list[Initiative], name: str) -> HttpResponse:
    headers = [_("Initiative"), _("Owner"), _("Person in charge"), _("Due date"), _("Status"), _("Committee")]
    rows = [
        [
            i.title,
            i.owner_organisation.name,
            str(i.owner_person or ""),
            i.due_date,
            i.get_status_display(),
            i.committee.name,
        ]
        for i in initiatives
    ]
    content = xlsx_bytes("initiatives", [headers, *rows], bold_row=1)
    return file_response(content, filename=f"ecosys-initiatives-{name}.xlsx", content_type=XLSX)


@login_required
@domain_errors
def committee_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    committee = selectors.committee_get(actor=actor, pk=pk)
    initiatives = list(selectors.initiative_list(actor=actor).filter(committee=committee).order_by("due_date", "pk"))
    if request.GET.get("table") == "initiatives":
        return _initiatives_xlsx(initiatives, f"committee-{committee.pk}")
    can_meet = actor_can(actor, "governance.meet") and (
        selectors.is_ministry_admin(actor) or selectors.is_committee_member(actor, committee)
    )
    return render(
        request,
        "governance/committee.html",
        {
            "committee": committee,
            "members": committee.members.select_related("organisation", "user"),
            "meetings": committee.meetings.order_by("-held_on"),
            "initiatives": initiatives,
            "follow": selectors.follow_up(actor=actor, committee=committee),
            "can_meet": can_meet,
            "can_manage": actor_can(actor, "governance.manage"),
            "all_organisations": Organisation.objects.order_by("name") if actor_can(actor, "governance.manage") else [],
            "agenda_rows": range(AGENDA_ROWS),
            "organisations": Organisation.objects.filter(pk__in=committee.members.values("organisation_id")).order_by(
                "name"
            ),
            "statuses": Initiative.Status.choices,
            "targets": Target.objects.filter(contract__sector__programme=committee.programme)
            .select_related("indicator", "contract")
            .order_by("contract__code", "indicator__code"),
        },
    )


@login_required
@require_POST
@domain_errors
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Seat an organisation on the committee, represented by a named person (a user of it) or as such."""
    actor = actor_of(request)
    committee = selectors.committee_get(actor=actor, pk=pk)
    organisation = links.organisation_required(request.POST.get("organisation"))
    person = links.person(request.POST.get("user"))
    services.committee_member_add(actor=actor, committee=committee, organisation=organisation, user=person)
    messages.success(request, _("Member added."))
    return HttpResponseRedirect(reverse("governance:committee", args=[committee.pk]))


@login_required
@require_POST
@domain_errors
def chair_set(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    committee = selectors.committee_get(actor=actor, pk=pk)
    chair = links.person(request.POST.get("chair"), "pk")
    services.committee_chair_set(actor=actor, committee=committee, chair=chair)
    messages.success(request, _("Chair changed."))
    return HttpResponseRedirect(reverse("governance:committee", args=[committee.pk]))


@login_required
@require_POST
@domain_errors
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    committee = selectors.committee_get(actor=actor, pk=pk)
    held_on = _date(request.POST.get("held_on", ""), "held_on")
    if held_on is None:
        raise ValidationFailed(BAD_DATE, field="held_on", code="bad_date")
    agenda = _agenda_rows(request)
    meeting = services.meeting_create(
        actor=actor,
        committee=committee,
        held_on=held_on,
        title=request.POST.get("title", ""),
        agenda=agenda,
    )
    return HttpResponseRedirect(reverse("governance:meeting", args=[meeting.pk]))


@login_required
@require_POST
@domain_errors
def initiative_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    committee = selectors.committee_get(actor=actor, pk=pk)
    owner_id = request.POST.get("owner_organisation", "")
    owner = committee.members.filter(organisation_id=owner_id).first() if owner_id.isdigit() else None
    target = links.target(request.POST.get("target"))
    initiative = services.initiative_create(
        actor=actor,
        committee=committee,
        title=request.POST.get("title", ""),
        owner_organisation=owner.organisation if owner else None,
        due_date=_date(request.POST.get("due_date", ""), "due_date"),
        contract=target.contract if target else None,
        target=target,
        project=links.project(request.POST.get("project")),
    )
    return HttpResponseRedirect(reverse("governance:initiative", args=[initiative.pk]))


AGENDA_ROWS = 6


def _agenda_rows(request: HttpRequest) -> list[AgendaEntry]:
    """Read the agenda rows of the meeting form: a title and, optionally, what the item is about (a KPI, a
    project, a grant application, a land request number). Rows without a title are left out."""
    agenda: list[AgendaEntry] = []
    for row in range(AGENDA_ROWS):
        field = f"agenda-{row}-"
        title = request.POST.get(f"{field}title", "").strip()
        if title:
            agenda.append(
                links.agenda_entry(
                    title,
                    target_id=request.POST.get(f"{field}target"),
                    project_code=request.POST.get(f"{field}project"),
                    reference=request.POST.get(f"{field}application"),
                    land=request.POST.get(f"{field}land"),
                )
            )
    return agenda


def _attendance(meeting: Any) -> list[dict[str, Any]]:
    present = {a.member_id: a.present for a in meeting.attendance.all()}
    return [
        {"member": m, "present": present.get(m.pk)}
        for m in meeting.committee.members.select_related("organisation", "user").order_by("pk")
    ]


def _kpi_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    return [kpi for contract in figures.get("contracts", []) for kpi in contract.get("kpis", [])]


@login_required
@domain_errors
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    committee = meeting.committee
    member = selectors.is_ministry_admin(actor) or selectors.is_committee_member(actor, committee)
    return render(
        request,
        "governance/meeting.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda.select_related(
                "contract", "target__contract", "target__indicator", "project", "application", "land_request"
            ),
            "kpis": _kpi_rows(meeting.kpi_snapshot),
            "attendance": _attendance(meeting),
            "can_write": actor_can(actor, "governance.meet") and member,
            "can_approve": meeting.minutes_status == "draft"
            and (selectors.is_ministry_admin(actor) or committee.chair_id == actor.pk),
        },
    )


@login_required
@domain_errors
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML

    meeting = selectors.meeting_get(actor=actor_of(request), pk=pk)
    language = request.GET.get("lang", translation.get_language() or "fr")[:2]
    if language not in ("fr", "en", "ar"):
        language = "fr"
    with translation.override(language):
        html = render_to_string(
            "governance/minutes_pdf.html",
            {"meeting": meeting, "kpis": _kpi_rows(meeting.kpi_snapshot), "rtl": language == "ar", "lang": language},
        )
    pdf = HTML(string=html).write_pdf()
    return file_response(pdf, filename=f"minutes-{meeting.pk}-{language}.pdf", content_type="application/pdf")


def _back_to_meeting(pk: int) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("governance:meeting", args=[pk]))


@login_required
@require_POST
@domain_errors
def minutes_write(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    services.minutes_write(
        actor=actor, meeting=meeting, text=request.POST.get("minutes", ""), reason=request.POST.get("reason", "")
    )
    messages.success(request, _("Minutes saved."))
    return _back_to_meeting(pk)


@login_required
@require_POST
@domain_errors
def minutes_approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    services.minutes_approve(actor=actor, meeting=selectors.meeting_get(actor=actor, pk=pk))
    messages.success(request, _("Minutes approved."))
    return _back_to_meeting(pk)


@login_required
@require_POST
@domain_errors
def attendance_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record who attended: every member of the committee, present when ticked."""
    actor = actor_of(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    present = {int(raw) for raw in request.POST.getlist("present") if raw.isdigit()}
    services.attendance_record(actor=actor, meeting=meeting, present=present)
    messages.success(request, _("Attendance recorded."))
    return _back_to_meeting(pk)


@login_required
@require_POST
@domain_errors
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    services.decision_record(actor=actor, meeting=meeting, text=request.POST.get("text", ""))
    return _back_to_meeting(pk)


@login_required
@domain_errors
def initiative_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    initiative = selectors.initiative_get(actor=actor, pk=pk)
    return render(
        request,
        "governance/initiative.html",
        {
            "initiative": initiative,
            "notes": initiative.notes.select_related("author").order_by("-at"),
            "can_update": actor_can(actor, "initiative.update") and initiative.status in Initiative.OPEN,
            "statuses": Initiative.Status.choices,
        },
    )


@login_required
@require_POST
@domain_errors
def initiative_status(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    initiative = selectors.initiative_get(actor=actor, pk=pk)
    services.initiative_update(
        actor=actor, initiative=initiative, status=request.POST.get("status", ""), reason=request.POST.get("reason", "")
    )
    return HttpResponseRedirect(reverse("governance:initiative", args=[pk]))


@login_required
@require_POST
@domain_errors
def progress_note_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    initiative = selectors.initiative_get(actor=actor, pk=pk)
    services.progress_note_add(actor=actor, initiative=initiative, text=request.POST.get("text", ""))
    return HttpResponseRedirect(reverse("governance:initiative", args=[pk]))


@login_required
@domain_errors
def my_initiatives(request: HttpRequest) -> HttpResponse:
    """The follow-up of the actor's own organisation: what it owns, overdue and due soon."""
    actor = actor_of(request)
    initiatives = list(
        selectors.initiative_list(actor=actor)
        .filter(owner_organisation_id__in=selectors.actor_organisation_ids(actor))
        .order_by("due_date", "pk")
    )
    if request.GET.get("table") == "initiatives":
        return _initiatives_xlsx(initiatives, "mine")
    return render(
        request,
        "governance/mine.html",
        {
            "initiatives": initiatives,
            "follow": selectors.follow_up(actor=actor),
            "notifications": selectors.notifications_for(actor=actor)[:50],
            "today": date.today(),  # noqa: DTZ011 - a calendar date for display
        },
    )
