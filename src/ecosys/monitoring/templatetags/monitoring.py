"""Formatting of monitoring table cells in the reader's convention."""

from __future__ import annotations

from typing import Any

from django import template

from ecosys.core.numbers import format_number

register = template.Library()


@register.filter
def cell(value: Any, kind: str) -> str:
    """Format one cell: numbers grouped, percentages with one decimal, probabilities as percentages."""
    if value is None or value == "":
        return "–"
    if kind == "number":
        return format_number(value, 0)
    if kind == "percent":
        return f"{format_number(value, 1)} %"
    if kind == "probability":
        return f"{format_number(100 * value, 0)} %"
    return str(value)
