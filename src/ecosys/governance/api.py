"""API of joint governance: committees and their members, meetings with agenda, attendance, minutes and
decisions, initiatives and their progress, the follow-up. Writes call the same services as the pages."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from ecosys.core.http import actor_of
from ecosys.core.permissions import require
from ecosys.governance import links, selectors, services
from ecosys.governance.models import AgendaItem, Committee, CommitteeMember, Decision, Initiative, Meeting
from ecosys.programmes.models import Ecosystem, Programme

router = Router(tags=["governance"])


class CommitteeOut(Schema):
    id: int
    name: str
    kind: str
    programme: str
    ecosystem: str | None
    chair: str | None

    @staticmethod
    def resolve_programme(obj: Committee) -> str:
        return obj.programme.code

    @staticmethod
    def resolve_ecosystem(obj: Committee) -> str | None:
        return obj.ecosystem.code if obj.ecosystem else None

    @staticmethod
    def resolve_chair(obj: Committee) -> str | None:
        return obj.chair.get_username() if obj.chair else None


class InitiativeOut(Schema):
    id: int
    committee: int
    title: str
    owner_organisation: str
    owner_person: str | None
    due_date: date
    status: str
    drop_reason: str

    @staticmethod
    def resolve_committee(obj: Initiative) -> int:
        return obj.committee_id

    @staticmethod
    def resolve_owner_organisation(obj: Initiative) -> str:
        return obj.owner_organisation.name

    @staticmethod
    def resolve_owner_person(obj: Initiative) -> str | None:
        return obj.owner_person.get_username() if obj.owner_person else None


class FollowUpOut(Schema):
    today: date
    overdue: list[InitiativeOut]
    due_soon: list[InitiativeOut]


@router.get("/governance/committees", response=list[CommitteeOut])
def committees(request: HttpRequest) -> list[Committee]:
    """The committees the person may see (members see their committees; the ministry sees all)."""
    actor = actor_of(request)
    require(actor, "governance.view")
    return list(selectors.committee_list(actor=actor))


@router.get("/governance/initiatives", response=list[InitiativeOut])
def initiatives(request: HttpRequest) -> list[Initiative]:
    """The initiatives the person may see; a company sees only those that concern it."""
    return list(selectors.initiative_list(actor=actor_of(request)).order_by("due_date", "pk"))


@router.get("/governance/follow-up", response=FollowUpOut)
def follow_up(request: HttpRequest, soon_days: int = 7) -> selectors.FollowUp:
    """Open initiatives overdue or due within ``soon_days`` days."""
    return selectors.follow_up(actor=actor_of(request), soon_days=max(0, min(soon_days, 365)))


# -- writes -------------------------------------------------------------------------------------------------------


class CommitteeIn(Schema):
    programme: str = Field(description="Programme code.")
    kind: str = Field(description="steering, follow_up or technical.")
    name: str
    ecosystem: str | None = Field(None, description="Ecosystem code; empty for the whole programme.")
    organisations: list[int] = Field(default_factory=list, description="Ids of the member organisations.")


class MemberIn(Schema):
    organisation: int
    user: str | None = Field(None, description="User name of the representative; empty for the organisation as such.")


class MemberOut(Schema):
    id: int
    organisation: str
    user: str | None

    @staticmethod
    def resolve_organisation(obj: CommitteeMember) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_user(obj: CommitteeMember) -> str | None:
        return obj.user.get_username() if obj.user else None


class ChairIn(Schema):
    chair: str | None = Field(None, description="User name of a representative sitting on the committee; empty: none.")


class AgendaItemIn(Schema):
    title: str
    target: int | None = Field(None, description="Id of a contract KPI target.")
    project: str | None = Field(None, description="Project code.")
    application: str | None = Field(None, description="Grant application reference.")
    land_request: str | None = Field(None, description="Land request reference.")


class MeetingIn(Schema):
    held_on: date
    title: str
    agenda: list[AgendaItemIn] = Field(default_factory=list)


class AgendaItemOut(Schema):
    position: int
    title: str
    contract: str | None
    target: int | None
    project: str | None
    application: str | None
    land_request: str | None

    @staticmethod
    def resolve_contract(obj: AgendaItem) -> str | None:
        return obj.contract.code if obj.contract else None

    @staticmethod
    def resolve_target(obj: AgendaItem) -> int | None:
        return obj.target_id

    @staticmethod
    def resolve_project(obj: AgendaItem) -> str | None:
        return obj.project.code if obj.project else None

    @staticmethod
    def resolve_application(obj: AgendaItem) -> str | None:
        return obj.application.reference if obj.application else None

    @staticmethod
    def resolve_land_request(obj: AgendaItem) -> str | None:
        return obj.land_request.reference if obj.land_request else None


class DecisionOut(Schema):
    id: int
    position: int
    text: str


class MeetingOut(Schema):
    id: int
    committee: int
    held_on: date
    title: str
    minutes: str
    minutes_status: str
    kpi_as_of: date | None
    agenda: list[AgendaItemOut]
    decisions: list[DecisionOut]
    present: list[int]

    @staticmethod
    def resolve_committee(obj: Meeting) -> int:
        return obj.committee_id

    @staticmethod
    def resolve_agenda(obj: Meeting) -> list[AgendaItem]:
        return list(
            obj.agenda.select_related("contract", "project", "application", "land_request").order_by("position")
        )

    @staticmethod
    def resolve_decisions(obj: Meeting) -> list[Decision]:
        return list(obj.decisions.order_by("position"))

    @staticmethod
    def resolve_present(obj: Meeting) -> list[int]:
        return sorted(obj.attendance.filter(present=True).values_list("member_id", flat=True))


class MinutesIn(Schema):
    text: str
    reason: str = Field("", description="Required to change approved minutes.")


class TextIn(Schema):
    text: str


class AttendanceIn(Schema):
    present: list[int] = Field(description="Ids of the committee members present; the others are recorded absent.")


class InitiativeIn(Schema):
    title: str
    owner_organisation: int
    owner_person: str | None = Field(None, description="User name of the person in charge.")
    due_date: date | None = None
    decision: int | None = Field(None, description="Id of the decision it carries out.")
    target: int | None = None
    project: str | None = None


class StatusIn(Schema):
    status: str
    reason: str = ""


class NoteOut(Schema):
    id: int
    text: str


@router.post("/governance/committees", response={201: CommitteeOut})
def committee_add(request: HttpRequest, payload: CommitteeIn):
    """Create a committee with its member organisations; the person who creates it chairs it."""
    actor = actor_of(request)
    programme = links.pick(Programme.objects.all(), payload.programme, "code")
    committee = services.committee_create(
        actor=actor,
        programme=programme,
        kind=payload.kind,
        name=payload.name,
        ecosystem=links.pick(Ecosystem.objects.all(), payload.ecosystem, "code"),
        chair=actor,
        organisations=[links.organisation_required(pk) for pk in payload.organisations],
    )
    return Status(201, committee)


@router.post("/governance/committees/{pk}/members", response={201: MemberOut})
def member_add(request: HttpRequest, pk: int, payload: MemberIn):
    actor = actor_of(request)
    committee = selectors.committee_get(actor=actor, pk=pk)
    organisation = links.organisation_required(payload.organisation)
    member = services.committee_member_add(
        actor=actor, committee=committee, organisation=organisation, user=links.person(payload.user)
    )
    return Status(201, member)


@router.put("/governance/committees/{pk}/chair", response=CommitteeOut)
def chair_set(request: HttpRequest, pk: int, payload: ChairIn):
    actor = actor_of(request)
    committee = selectors.committee_get(actor=actor, pk=pk)
    return services.committee_chair_set(actor=actor, committee=committee, chair=links.person(payload.chair))


@router.post("/governance/committees/{pk}/meetings", response={201: MeetingOut})
def meeting_add(request: HttpRequest, pk: int, payload: MeetingIn):
    """Hold a meeting: its agenda (each item may point at a KPI, a project, a grant application or a land
    request) and the programme's verified KPI figures of the month, kept as they stood."""
    actor = actor_of(request)
    committee = selectors.committee_get(actor=actor, pk=pk)
    agenda = [
        links.agenda_entry(
            item.title,
            target_id=item.target,
            project_code=item.project,
            reference=item.application,
            land=item.land_request,
        )
        for item in payload.agenda
    ]
    meeting = services.meeting_create(
        actor=actor, committee=committee, held_on=payload.held_on, title=payload.title, agenda=agenda
    )
    return Status(201, meeting)


@router.get("/governance/meetings/{pk}", response=MeetingOut)
def meeting(request: HttpRequest, pk: int):
    return selectors.meeting_get(actor=actor_of(request), pk=pk)


@router.put("/governance/meetings/{pk}/minutes", response=MeetingOut)
def minutes_write(request: HttpRequest, pk: int, payload: MinutesIn):
    actor = actor_of(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    return services.minutes_write(actor=actor, meeting=meeting, text=payload.text, reason=payload.reason)


@router.post("/governance/meetings/{pk}/approval", response=MeetingOut)
def minutes_approve(request: HttpRequest, pk: int):
    actor = actor_of(request)
    return services.minutes_approve(actor=actor, meeting=selectors.meeting_get(actor=actor, pk=pk))


@router.put("/governance/meetings/{pk}/attendance", response=MeetingOut)
def attendance_record(request: HttpRequest, pk: int, payload: AttendanceIn):
    actor = actor_of(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    services.attendance_record(actor=actor, meeting=meeting, present=set(payload.present))
    return meeting


@router.post("/governance/meetings/{pk}/decisions", response={201: DecisionOut})
def decision_record(request: HttpRequest, pk: int, payload: TextIn):
    actor = actor_of(request)
    meeting = selectors.meeting_get(actor=actor, pk=pk)
    return Status(201, services.decision_record(actor=actor, meeting=meeting, text=payload.text))


@router.post("/governance/committees/{pk}/initiatives", response={201: InitiativeOut})
def initiative_add(request: HttpRequest, pk: int, payload: InitiativeIn):
    actor = actor_of(request)
    committee = selectors.committee_get(actor=actor, pk=pk)
    kpi = links.target(payload.target)
    decision = links.pick(Decision.objects.filter(meeting__committee=committee), payload.decision)
    initiative = services.initiative_create(
        actor=actor,
        committee=committee,
        title=payload.title,
        owner_organisation=links.organisation(payload.owner_organisation),
        owner_person=links.person(payload.owner_person),
        due_date=payload.due_date,
        decision=decision,
        contract=kpi.contract if kpi else None,
        target=kpi,
        project=links.project(payload.project),
    )
    return Status(201, initiative)


@router.post("/governance/initiatives/{pk}/status", response=InitiativeOut)
def initiative_status(request: HttpRequest, pk: int, payload: StatusIn):
    actor = actor_of(request)
    initiative = selectors.initiative_get(actor=actor, pk=pk)
    return services.initiative_update(actor=actor, initiative=initiative, status=payload.status, reason=payload.reason)


@router.post("/governance/initiatives/{pk}/notes", response={201: NoteOut})
def progress_note_add(request: HttpRequest, pk: int, payload: TextIn):
    actor = actor_of(request)
    initiative = selectors.initiative_get(actor=actor, pk=pk)
    return Status(201, services.progress_note_add(actor=actor, initiative=initiative, text=payload.text))
