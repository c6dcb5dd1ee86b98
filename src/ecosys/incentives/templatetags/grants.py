"""Template filters of the grant pages: amounts, shares and ratios as the reader writes them, and permissions."""

from __future__ import annotations

from typing import Any

from django import template

from ecosys.core.permissions import actor_can
from ecosys.incentives import explain

register = template.Library()


@register.filter
def amount(value: Any) -> str:
    """An amount without its unit: whole when it is whole, else with its centimes."""
    return "–" if value is None or value == "" else explain.amount(value)


@register.filter
def share(value: Any) -> str:
    """A share (0.3) as a percentage (30 %)."""
    return "–" if value is None or value == "" else explain.percent(value)


@register.filter
def ratio(value: Any) -> str:
    return "–" if value is None or value == "" else explain.ratio(value)


@register.filter
def can(user: Any, permission: str) -> bool:
    """Whether the person holds a permission code (``{% if user|can:"grant.simulate" %}``)."""
    return actor_can(user, permission)
