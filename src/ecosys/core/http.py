"""Helpers shared by the HTTP layers (pages and API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from ecosys.accounts.models import User


def actor_of(request: HttpRequest) -> User:
    """Return the request's user as the acting user; anonymous users fail every permission check."""
    return cast("User", request.user)


def file_response(
    content: str | bytes, *, filename: str, content_type: str = "text/csv; charset=utf-8"
) -> HttpResponse:
    """Return ``content`` as a download named ``filename`` (pages and API hand out files the same way)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
