"""Reads for organisations, scoped to what the actor may see, and for the actor's own memberships."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Membership, Organisation, User
from ecosys.core.errors import NotFound
from ecosys.core.permissions import actor_can, roles_remember

ORGANISATION_NOT_FOUND = _("No such organisation.")


def organisation_list(*, actor: User) -> QuerySet[Organisation]:
    """Return the organisations the actor may see: all for staff, its own for a company user."""
    if actor_can(actor, "organisation.view_all"):
        return Organisation.objects.all()
    if not actor.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=actor, memberships__is_active=True).distinct()


def organisation_get(*, actor: User, pk: int) -> Organisation:
    """Return one organisation visible to the actor, or raise NotFound (never reveal others)."""
    organisation = organisation_list(actor=actor).filter(pk=pk).first()
    if organisation is None:
        raise NotFound(ORGANISATION_NOT_FOUND)
    return organisation


def membership_list_own(*, actor: User) -> list[Membership]:
    """Return the actor's active memberships with their organisation and ecosystem, in one query.

    The roles the permission checks read come from the same rows, so a page listing them asks no more.
    """
    if not actor.is_authenticated or not actor.is_active:
        return []
    memberships = list(
        actor.memberships.filter(is_active=True)
        .select_related("organisation", "ecosystem")
        .order_by("organisation__name", "role", "pk")
    )
    roles_remember(actor, (m.role for m in memberships))
    return memberships
