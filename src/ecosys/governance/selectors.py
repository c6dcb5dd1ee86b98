"""Reads of the governance domain, scoped to what the actor may see.

Ministry administrators, analysts and auditors see every committee; other staff see the committees
their organisation sits on. Company users see no committee, only the initiatives that concern their
company (owned by it, or about one of its projects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Organisation, User
from ecosys.core.errors import NotFound
from ecosys.core.permissions import actor_can, actor_roles
from ecosys.core.roles import Role
from ecosys.governance.models import Committee, Initiative, Meeting, Notification

COMMITTEE_NOT_FOUND = _("No such committee.")
SEES_ALL = frozenset({Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST, Role.AUDITOR})


@dataclass
class FollowUp:
    """The open initiatives that need attention: past their due date, or due within a few days."""

    today: date
    overdue: list[Initiative] = field(default_factory=list)
    due_soon: list[Initiative] = field(default_factory=list)


def is_ministry_admin(actor: User) -> bool:
    return actor.is_active and (actor.is_superuser or Role.MINISTRY_ADMIN in actor_roles(actor))


def sees_all_committees(actor: User) -> bool:
    return actor.is_active and (actor.is_superuser or bool(actor_roles(actor) & SEES_ALL))


def actor_organisation_ids(actor: User) -> set[int]:
    """Return the organisations the actor acts for through its active memberships."""
    if not actor.is_authenticated or not actor.is_active:
        return set()
    return set(actor.memberships.filter(is_active=True).values_list("organisation_id", flat=True))


def is_committee_member(actor: User, committee: Committee) -> bool:
    """Return True when one of the actor's organisations sits on the committee."""
    return committee.members.filter(organisation_id__in=actor_organisation_ids(actor)).exists()


def committee_list(*, actor: User) -> QuerySet[Committee]:
    """Return the committees the actor may see (module docstring)."""
    if not actor_can(actor, "governance.view"):
        return Committee.objects.none()
    committees = Committee.objects.select_related("programme", "ecosystem", "chair")
    if sees_all_committees(actor):
        return committees
    return committees.filter(members__organisation_id__in=actor_organisation_ids(actor)).distinct()


def committee_get(*, actor: User, pk: int) -> Committee:
    """Return one committee visible to the actor, or raise NotFound (never reveal the others)."""
    committee = committee_list(actor=actor).filter(pk=pk).first()
    if committee is None:
        raise NotFound(COMMITTEE_NOT_FOUND)
    return committee


def initiative_list(*, actor: User) -> QuerySet[Initiative]:
    """Return the initiatives the actor may see: those of its visible committees, and those that
    concern its organisation (owned by it, or about one of its company's projects)."""
    initiatives = Initiative.objects.select_related("committee", "owner_organisation", "owner_person", "project")
    if not actor.is_authenticated or not actor.is_active:
        return initiatives.none()
    if actor_can(actor, "governance.view") and sees_all_committees(actor):
        return initiatives
    organisations = actor_organisation_ids(actor)
    concerns = Q(owner_organisation_id__in=organisations) | Q(project__company_id__in=organisations)
    if actor_can(actor, "governance.view"):
        concerns |= Q(committee__in=committee_list(actor=actor))
    elif not actor_can(actor, "initiative.update"):
        return initiatives.none()
    return initiatives.filter(concerns).distinct()


def follow_up(
    *,
    actor: User,
    committee: Committee | None = None,
    owner_organisation: Organisation | None = None,
    today: date | None = None,
    soon_days: int = 7,
) -> FollowUp:
    """Return the visible open initiatives that are overdue or due within ``soon_days`` days."""
    today = today or timezone.localdate()
    initiatives = initiative_list(actor=actor).filter(
        status__in=Initiative.OPEN, due_date__lte=today + timedelta(days=soon_days)
    )
    if committee is not None:
        initiatives = initiatives.filter(committee=committee)
    if owner_organisation is not None:
        initiatives = initiatives.filter(owner_organisation=owner_organisation)
    result = FollowUp(today=today)
    for initiative in initiatives.order_by("due_date", "pk"):
        (result.overdue if initiative.due_date < today else result.due_soon).append(initiative)
    return result


def notifications_for(*, actor: User, unread_only: bool = False) -> QuerySet[Notification]:
    """Return the actor's own reminders, newest first."""
    if not actor.is_authenticated:
        return Notification.objects.none()
    notifications = Notification.objects.filter(user=actor).select_related("initiative")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


MEETING_NOT_FOUND = _("No such meeting.")
INITIATIVE_NOT_FOUND = _("No such initiative.")


def meeting_get(*, actor: User, pk: int) -> Meeting:
    """Return a meeting of a committee visible to the actor, or raise NotFound."""
    meeting = (
        Meeting.objects.filter(committee__in=committee_list(actor=actor), pk=pk)
        .select_related("committee__programme", "approved_by")
        .prefetch_related("agenda__contract", "agenda__target__indicator", "agenda__project", "decisions")
        .first()
    )
    if meeting is None:
        raise NotFound(MEETING_NOT_FOUND)
    return meeting


def initiative_get(*, actor: User, pk: int) -> Initiative:
    """Return an initiative visible to the actor (companies: only those that concern them), or raise NotFound."""
    initiative = initiative_list(actor=actor).filter(pk=pk).first()
    if initiative is None:
        raise NotFound(INITIATIVE_NOT_FOUND)
    return initiative
