"""Answer "may this actor do that?" from memberships; one function used by every layer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from ecosys.core.errors import PermissionDenied
from ecosys.core.roles import PERMISSIONS, Role

if TYPE_CHECKING:
    from ecosys.accounts.models import User

NOT_ALLOWED = _("You are not allowed to do this.")


def actor_roles(actor: User | None) -> frozenset[Role]:
    """Return the roles the actor holds through its active memberships (cached on the user)."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(actor, "_ecosys_roles", None)
    if cached is None:
        cached = frozenset(Role(m.role) for m in actor.memberships.filter(is_active=True))
        actor._ecosys_roles = cached  # type: ignore[attr-defined]
    return cached


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
