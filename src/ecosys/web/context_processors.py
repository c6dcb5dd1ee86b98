"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ecosys.core.permissions import actor_can, actor_roles


def ecosys(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = sorted(role.label for role in actor_roles(user)) if user is not None else []
    return {"ecosys_roles": roles, "perms_monitoring": _monitoring_programme(user)}


def _monitoring_programme(user: Any) -> str:
    """Return the code of the programme whose dashboard the menu links to ('' when not allowed)."""
    if user is None or not actor_can(user, "monitoring.view"):
        return ""
    from ecosys.programmes.models import Programme

    return Programme.objects.order_by("pk").values_list("code", flat=True).first() or ""
