"""Writes of the governance domain: committees, meetings and minutes, decisions, initiatives and
the reminders of their due dates.

Meetings, minutes, decisions and initiatives are written by the committee's members only (an
organisation of the actor sits on the committee); a ministry administrator may act on any.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, NotRequired, TypedDict

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Membership, Organisation, User
from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.permissions import require
from ecosys.governance.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    Decision,
    Initiative,
    Meeting,
    Notification,
    ProgressNote,
)
from ecosys.governance.selectors import actor_organisation_ids, is_committee_member, is_ministry_admin
from ecosys.incentives.models import Application
from ecosys.investments.models import InvestmentProject
from ecosys.land.models import LandRequest
from ecosys.monitoring.models import Snapshot
from ecosys.monitoring.services import snapshot_for
from ecosys.programmes.models import Ecosystem, PerformanceContract, Programme, Target

NAME_REQUIRED = _("Give the committee a name.")
KIND_UNKNOWN = _("Unknown kind of committee.")
ECOSYSTEM_OF_ANOTHER_PROGRAMME = _("This ecosystem belongs to another programme.")
CONTRACT_OF_ANOTHER_PROGRAMME = _("This contract belongs to another programme.")
TARGET_OF_ANOTHER_CONTRACT = _("This KPI belongs to another contract.")
TARGET_OF_ANOTHER_PROGRAMME = _("This KPI belongs to another programme.")
PROJECT_OF_ANOTHER_PROGRAMME = _("This project belongs to another programme.")
APPLICATION_OF_ANOTHER_PROGRAMME = _("This grant application is for a project of another programme.")
LAND_REQUEST_OF_ANOTHER_PROGRAMME = _("This land request is for a project of another programme.")
CHAIR_NOT_MEMBER = _("The chair must represent one of the committee's member organisations.")
USER_NOT_IN_ORGANISATION = _("This person does not act for this organisation.")
ALREADY_MEMBER = _("This organisation (or person) already sits on the committee.")
NOT_A_MEMBER = _("Only the committee's members may do this.")
TITLE_REQUIRED = _("Give a title.")
MEMBER_OF_ANOTHER_COMMITTEE = _("This member sits on another committee.")
TEXT_REQUIRED = _("Write the text.")
REASON_REQUIRED_APPROVED = _("The minutes are approved; give the reason for changing them.")
MINUTES_EMPTY = _("Write the minutes before approving them.")
MINUTES_ALREADY_APPROVED = _("These minutes are already approved.")
NOT_CHAIR = _("Only the committee's chair or a ministry administrator may approve the minutes.")
DECISION_OF_ANOTHER_COMMITTEE = _("This decision was taken by another committee.")
OWNER_REQUIRED = _("Name the organisation that owns the initiative.")
DUE_DATE_REQUIRED = _("Give the initiative a due date.")
DUE_DATE_PAST = _("The due date cannot be before today.")
OWNER_PERSON_NOT_IN_OWNER = _("The person in charge must act for the owner organisation.")
STATUS_UNKNOWN = _("Unknown status.")
DROP_REASON_REQUIRED = _("Give the reason for dropping the initiative.")
INITIATIVE_CLOSED = _("This initiative is done or dropped; its status can no longer change.")
NOT_OWNER_OR_MEMBER = _("Only the initiative's owners and the committee's members may do this.")

REMINDER_SUBJECT: dict[str, str | Promise] = {
    Notification.Kind.DUE_SOON: _("Initiative due on %(due)s: %(title)s"),
    Notification.Kind.OVERDUE: _("Initiative overdue since %(due)s: %(title)s"),
}
REMINDER_BODY: dict[str, str | Promise] = {
    Notification.Kind.DUE_SOON: _(
        "The initiative “%(title)s” (%(committee)s) is due on %(due)s. Its status is: %(status)s."
    ),
    Notification.Kind.OVERDUE: _(
        "The initiative “%(title)s” (%(committee)s) was due on %(due)s and is not done. Its status is: %(status)s."
    ),
}


class AgendaEntry(TypedDict):
    title: str
    contract: NotRequired[PerformanceContract | None]
    target: NotRequired[Target | None]
    project: NotRequired[InvestmentProject | None]
    application: NotRequired[Application | None]
    land_request: NotRequired[LandRequest | None]


def _check_member(actor: User, committee: Committee) -> None:
    if not is_ministry_admin(actor) and not is_committee_member(actor, committee):
        raise PermissionDenied(NOT_A_MEMBER, code="forbidden:not_member")


def _acts_for(user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(user=user, organisation=organisation, is_active=True).exists()


def _check_links(
    programme: Programme,
    *,
    contract: PerformanceContract | None = None,
    target: Target | None = None,
    ecosystem: Ecosystem | None = None,
    project: InvestmentProject | None = None,
    application: Application | None = None,
    land_request: LandRequest | None = None,
) -> None:
    """Refuse links to another programme's contract, KPI, ecosystem, project or grant application (or a KPI of
    another contract)."""
    if ecosystem is not None and ecosystem.sector.programme_id != programme.pk:
        raise ValidationFailed(ECOSYSTEM_OF_ANOTHER_PROGRAMME, field="ecosystem", code="ecosystem_programme")
    if contract is not None and contract.sector.programme_id != programme.pk:
        raise ValidationFailed(CONTRACT_OF_ANOTHER_PROGRAMME, field="contract", code="contract_programme")
    if target is not None:
        if contract is not None and target.contract_id != contract.pk:
            raise ValidationFailed(TARGET_OF_ANOTHER_CONTRACT, field="target", code="target_contract")
        if target.contract.sector.programme_id != programme.pk:
            raise ValidationFailed(TARGET_OF_ANOTHER_PROGRAMME, field="target", code="target_programme")
    if project is not None and project.ecosystem.sector.programme_id != programme.pk:
        raise ValidationFailed(PROJECT_OF_ANOTHER_PROGRAMME, field="project", code="project_programme")
    if application is not None and application.project.ecosystem.sector.programme_id != programme.pk:
        raise ValidationFailed(APPLICATION_OF_ANOTHER_PROGRAMME, field="application", code="application_programme")
    if land_request is not None and land_request.project.ecosystem.sector.programme_id != programme.pk:
        raise ValidationFailed(LAND_REQUEST_OF_ANOTHER_PROGRAMME, field="land_request", code="land_request_programme")


def kpi_month(held_on: date, today: date) -> date:
    """Return the month whose figures a meeting looks at: its own month once closed, else the last
    closed month (a month's figures are declared after it ends)."""
    month = held_on.replace(day=1)
    current = today.replace(day=1)
    if month >= current:
        return (current - timedelta(days=1)).replace(day=1)
    return month


# -- committees ---------------------------------------------------------------------------------------------------


@transaction.atomic
def committee_create(
    *,
    actor: User,
    programme: Programme,
    kind: str,
    name: str,
    ecosystem: Ecosystem | None = None,
    chair: User | None = None,
    organisations: Sequence[Organisation] = (),
) -> Committee:
    require(actor, "governance.manage")
    if kind not in Committee.Kind.values:
        raise ValidationFailed(KIND_UNKNOWN, field="kind", code="kind_unknown")
    if not name.strip():
        raise ValidationFailed(NAME_REQUIRED, field="name", code="name_required")
    _check_links(programme, ecosystem=ecosystem)
    committee = Committee.objects.create(
        programme=programme, ecosystem=ecosystem, kind=kind, name=name.strip(), chair=chair
    )
    for organisation in organisations:
        committee_member_add(actor=actor, committee=committee, organisation=organisation)
    return committee


@transaction.atomic
def committee_member_add(
    *, actor: User, committee: Committee, organisation: Organisation, user: User | None = None
) -> CommitteeMember:
    """Seat an organisation on a committee, represented by ``user`` (who must act for it) or as such."""
    require(actor, "governance.manage")
    if user is not None and not _acts_for(user, organisation):
        raise ValidationFailed(USER_NOT_IN_ORGANISATION, field="user", code="user_not_in_organisation")
    if CommitteeMember.objects.filter(committee=committee, organisation=organisation, user=user).exists():
        raise Conflict(ALREADY_MEMBER, code="already_member")
    return CommitteeMember.objects.create(committee=committee, organisation=organisation, user=user)


@transaction.atomic
def committee_chair_set(*, actor: User, committee: Committee, chair: User | None) -> Committee:
    """Name the committee's chair (a person representing one of its members), or leave the chair empty."""
    require(actor, "governance.manage")
    if chair is not None and not committee.members.filter(user=chair).exists():
        raise ValidationFailed(CHAIR_NOT_MEMBER, field="chair", code="chair_not_member")
    committee.chair = chair
    committee.save(update_fields=["chair", "updated_at"])
    return committee


# -- meetings -----------------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    committee: Committee,
    held_on: date,
    title: str,
    agenda: list[AgendaEntry] | None = None,
    today: date | None = None,
) -> Meeting:
    """Hold a meeting: its agenda, and a copy of the programme's verified KPI figures of the month it
    looks at, so that the record shows what the committee saw even after the figures change."""
    require(actor, "governance.meet")
    _check_member(actor, committee)
    if not title.strip():
        raise ValidationFailed(TITLE_REQUIRED, field="title", code="title_required")
    entries = list(agenda or [])
    for entry in entries:
        if not entry.get("title", "").strip():
            raise ValidationFailed(TITLE_REQUIRED, field="agenda", code="title_required")
        _check_links(
            committee.programme,
            contract=entry.get("contract"),
            target=entry.get("target"),
            project=entry.get("project"),
            application=entry.get("application"),
            land_request=entry.get("land_request"),
        )
    as_of = kpi_month(held_on, today or timezone.localdate())
    snapshot = snapshot_for(programme=committee.programme, as_of=as_of, basis=Snapshot.Basis.VERIFIED)
    meeting = Meeting.objects.create(
        committee=committee,
        held_on=held_on,
        title=title.strip(),
        kpi_snapshot=copy.deepcopy(snapshot.figures),
        kpi_as_of=as_of,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=position,
            title=entry["title"].strip(),
            contract=entry.get("contract"),
            target=entry.get("target"),
            project=entry.get("project"),
            application=entry.get("application"),
            land_request=entry.get("land_request"),
        )
        for position, entry in enumerate(entries, start=1)
    )
    return meeting


@transaction.atomic
def attendance_record(*, actor: User, meeting: Meeting, present: set[int]) -> None:
    """Record the attendance of every member of the meeting's committee: present if its id is in ``present``."""
    require(actor, "governance.meet")
    _check_member(actor, meeting.committee)
    for member in meeting.committee.members.all():
        Attendance.objects.update_or_create(meeting=meeting, member=member, defaults={"present": member.pk in present})


@transaction.atomic
def attendance_set(*, actor: User, meeting: Meeting, member: CommitteeMember, present: bool) -> Attendance:
    require(actor, "governance.meet")
    _check_member(actor, meeting.committee)
    if member.committee_id != meeting.committee_id:
        raise ValidationFailed(MEMBER_OF_ANOTHER_COMMITTEE, field="member", code="member_committee")
    attendance, _created = Attendance.objects.update_or_create(
        meeting=meeting, member=member, defaults={"present": present}
    )
    return attendance


@transaction.atomic
def minutes_write(*, actor: User, meeting: Meeting, text: str, reason: str = "") -> Meeting:
    """Write a meeting's minutes; approved minutes change only with a reason, kept in their history."""
    require(actor, "governance.meet")
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    _check_member(actor, meeting.committee)
    approved = meeting.minutes_status == Meeting.MinutesStatus.APPROVED
    if approved and not reason.strip():
        raise ValidationFailed(REASON_REQUIRED_APPROVED, field="reason", code="reason_required")
    meeting.minutes = text.strip()
    if reason.strip():
        meeting._change_reason = reason.strip()  # type: ignore[attr-defined]
    meeting.save()
    return meeting


@transaction.atomic
def minutes_approve(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    is_chair = actor.is_active and meeting.committee.chair_id == actor.pk
    if not is_chair and not is_ministry_admin(actor):
        raise PermissionDenied(NOT_CHAIR, code="forbidden:not_chair")
    if meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise Conflict(MINUTES_ALREADY_APPROVED, code="minutes_approved")
    if not meeting.minutes.strip():
        raise ValidationFailed(MINUTES_EMPTY, field="minutes", code="minutes_empty")
    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.approved_by, meeting.approved_at = actor, timezone.now()
    meeting.save()
    return meeting


@transaction.atomic
def decision_record(*, actor: User, meeting: Meeting, text: str) -> Decision:
    require(actor, "governance.meet")
    _check_member(actor, meeting.committee)
    if not text.strip():
        raise ValidationFailed(TEXT_REQUIRED, field="text", code="text_required")
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # serialise the numbering
    last = Decision.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"] or 0
    return Decision.objects.create(meeting=meeting, position=last + 1, text=text.strip())


# -- initiatives --------------------------------------------------------------------------------------------------


@transaction.atomic
def initiative_create(
    *,
    actor: User,
    committee: Committee,
    title: str,
    owner_organisation: Organisation | None,
    due_date: date | None,
    owner_person: User | None = None,
    decision: Decision | None = None,
    contract: PerformanceContract | None = None,
    target: Target | None = None,
    ecosystem: Ecosystem | None = None,
    project: InvestmentProject | None = None,
    today: date | None = None,
) -> Initiative:
    """Record an initiative of a committee: an owner organisation (and person) and a due date."""
    require(actor, "governance.meet")
    _check_member(actor, committee)
    if not title.strip():
        raise ValidationFailed(TITLE_REQUIRED, field="title", code="title_required")
    if owner_organisation is None:
        raise ValidationFailed(OWNER_REQUIRED, field="owner_organisation", code="owner_required")
    if due_date is None:
        raise ValidationFailed(DUE_DATE_REQUIRED, field="due_date", code="due_date_required")
    if due_date < (today or timezone.localdate()):
        raise ValidationFailed(DUE_DATE_PAST, field="due_date", code="due_date_past")
    if owner_person is not None and not _acts_for(owner_person, owner_organisation):
        raise ValidationFailed(OWNER_PERSON_NOT_IN_OWNER, field="owner_person", code="owner_person_organisation")
    if decision is not None and decision.meeting.committee_id != committee.pk:
        raise ValidationFailed(DECISION_OF_ANOTHER_COMMITTEE, field="decision", code="decision_committee")
    _check_links(committee.programme, contract=contract, target=target, ecosystem=ecosystem, project=project)
    return Initiative.objects.create(
        committee=committee,
        decision=decision,
        title=title.strip(),
        owner_organisation=owner_organisation,
        owner_person=owner_person,
        due_date=due_date,
        contract=contract,
        target=target,
        ecosystem=ecosystem,
        project=project,
        created_by=actor,
    )


def _check_owner_or_member(actor: User, initiative: Initiative) -> None:
    require(actor, "initiative.update")
    if is_ministry_admin(actor):
        return
    if initiative.owner_organisation_id in actor_organisation_ids(actor):
        return
    if is_committee_member(actor, initiative.committee):
        return
    raise PermissionDenied(NOT_OWNER_OR_MEMBER, code="forbidden:not_owner")


@transaction.atomic
def initiative_update(*, actor: User, initiative: Initiative, status: str, reason: str = "") -> Initiative:
    """Move an initiative; dropping it needs a reason, and done or dropped is final."""
    initiative = Initiative.objects.select_for_update().select_related("committee").get(pk=initiative.pk)
    _check_owner_or_member(actor, initiative)
    if status not in Initiative.Status.values:
        raise ValidationFailed(STATUS_UNKNOWN, field="status", code="status_unknown")
    if not initiative.is_open:
        raise Conflict(INITIATIVE_CLOSED, code="initiative_closed")
    reason = reason.strip()
    if status == Initiative.Status.DROPPED:
        if not reason:
            raise ValidationFailed(DROP_REASON_REQUIRED, field="reason", code="reason_required")
        initiative.drop_reason = reason
    initiative.status = status
    if reason:
        initiative._change_reason = reason  # type: ignore[attr-defined]
    initiative.save()
    return initiative


@transaction.atomic
def progress_note_add(*, actor: User, initiative: Initiative, text: str) -> ProgressNote:
    _check_owner_or_member(actor, initiative)
    if not text.strip():
        raise ValidationFailed(TEXT_REQUIRED, field="text", code="text_required")
    return ProgressNote.objects.create(initiative=initiative, text=text.strip(), author=actor)


# -- reminders ----------------------------------------------------------------------------------------------------


def _recipients(initiative: Initiative) -> list[User]:
    """Return who is reminded: the person in charge (else the owner organisation's active members),
    and the committee's chair."""
    people: list[User] = []
    if initiative.owner_person is not None and initiative.owner_person.is_active:
        people.append(initiative.owner_person)
    elif initiative.owner_person is None:
        people.extend(
            User.objects.filter(
                is_active=True,
                memberships__organisation_id=initiative.owner_organisation_id,
                memberships__is_active=True,
            )
            .distinct()
            .order_by("pk")
        )
    chair = initiative.committee.chair
    if chair is not None and chair.is_active:
        people.append(chair)
    unique: dict[int, User] = {person.pk: person for person in people}
    return list(unique.values())


def _reminder_text(user: User, initiative: Initiative, kind: str) -> tuple[str, str]:
    with translation.override(user.preferred_language):
        values: dict[str, Any] = {
            "title": initiative.title,
            "committee": initiative.committee.name,
            "due": date_format(initiative.due_date, "SHORT_DATE_FORMAT"),
            "status": str(initiative.get_status_display()),
        }
        return str(REMINDER_SUBJECT[kind]) % values, str(REMINDER_BODY[kind]) % values


def reminders_send(*, today: date | None = None, soon_days: int = 7) -> int:
    """Remind the people in charge of each open initiative overdue or due within ``soon_days`` days.

    One notification and one e-mail per person, initiative, kind and due date, ever: the unique
    constraint decides between concurrent workers, and the e-mail goes only with a new row (in the
    same transaction, so a failed e-mail is retried on the next run). Return how many were sent.
    """
    today = today or timezone.localdate()
    due = Initiative.objects.filter(
        status__in=Initiative.OPEN, due_date__lte=today + timedelta(days=soon_days)
    ).select_related("committee__chair", "owner_person")
    sent = 0
    for initiative in due:
        kind = Notification.Kind.OVERDUE if initiative.due_date < today else Notification.Kind.DUE_SOON
        for user in _recipients(initiative):
            subject, body = _reminder_text(user, initiative, kind)
            with transaction.atomic():
                _notification, created = Notification.objects.get_or_create(
                    user=user,
                    initiative=initiative,
                    kind=kind,
                    due_date=initiative.due_date,
                    defaults={"message": body},
                )
                if not created:
                    continue
                if user.email:
                    send_mail(subject, body, None, [user.email])
            sent += 1
    return sent
