"""API of joint governance: committees, initiatives and the follow-up (reads; writes go through the pages)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from ecosys.core.http import actor_of
from ecosys.core.permissions import require
from ecosys.governance import selectors
from ecosys.governance.models import Committee, Initiative

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
