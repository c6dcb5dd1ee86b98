"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ecosys.core.permissions import actor_can, actor_roles


def ecosys(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    roles = sorted(role.label for role in actor_roles(user)) if user is not None else []
    # From the roles already read for the line above: no query on every page.
    return {
        "ecosys_roles": roles,
        "can_monitor": user is not None and actor_can(user, "monitoring.view"),
        "can_see_grants": user is not None and actor_can(user, "incentives.view"),
        "can_see_land": user is not None and actor_can(user, "land.view"),
        "can_see_opportunities": user is not None and actor_can(user, "opportunity.view"),
    }
