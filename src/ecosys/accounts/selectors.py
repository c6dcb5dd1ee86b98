"""Reads for organisations, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import Organisation, User
from ecosys.core.errors import NotFound
from ecosys.core.permissions import actor_can

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
