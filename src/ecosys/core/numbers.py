"""Parse the numbers people type or files carry, whatever the local conventions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from ecosys.core.errors import ValidationFailed

NOT_A_NUMBER = _("Enter a number.")


def to_decimal(value: Any, *, field: str) -> Decimal:
    """Parse a user-typed amount ("1 700 000 000", "1,5", 1700000000) or raise naming the field."""
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        result = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(NOT_A_NUMBER, field=field) from None
    if not result.is_finite():
        raise ValidationFailed(NOT_A_NUMBER, field=field)
    return result
