"""Answer "may this actor do that?" from memberships; one function used by every layer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ecosys.core.errors import PermissionDenied
from ecosys.core.roles import PERMISSIONS, Role

if TYPE_CHECKING:
    from ecosys.accounts.models import User

NOT_ALLOWED = _("You are not allowed to do this.")


_ROLES = "_ecosys_roles"  # where the roles read for a request are kept on the user object


def actor_roles(actor: User | None) -> frozenset[Role]:
    """Return the roles the actor holds through its active memberships (cached on the user)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(actor, _ROLES, None)
    if cached is None:
        cached = roles_remember(actor, (m.role for m in actor.memberships.filter(is_active=True)))
    return cached


def roles_remember(actor: User, roles: Iterable[str]) -> frozenset[Role]:
    """Keep the roles of the actor's active memberships, read by the caller, for this request's checks."""
    remembered = frozenset(Role(role) for role in roles)
    setattr(actor, _ROLES, remembered)
    return remembered


def roles_forget(actor: User) -> None:
    """Drop the roles kept on the actor, after its memberships changed."""
    actor.__dict__.pop(_ROLES, None)


def actor_can(actor: User | None, permission: str) -> bool:
    """Return True when the actor holds a role that grants ``permission`` (superusers hold all)."""
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission code {permission!r}")
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return bool(actor_roles(actor) & PERMISSIONS[permission])


def require(actor: User | None, permission: str) -> None:
    """Raise PermissionDenied unless the actor may perform ``permission``."""
    if not actor_can(actor, permission):
        raise PermissionDenied(NOT_ALLOWED, code=f"forbidden:{permission}")
