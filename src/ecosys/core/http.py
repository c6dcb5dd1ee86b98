"""Helpers shared by the HTTP layers (pages and API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from ecosys.accounts.models import User


def actor_of(request: HttpRequest) -> User:
    """Return the request's user as the acting user; anonymous users fail every permission check."""
    return cast("User", request.user)
