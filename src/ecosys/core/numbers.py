"""Parse the numbers people type or files carry, whatever the local conventions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
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


# French and Arabic group thousands with a narrow no-break space and use a decimal comma.
_SEPARATORS = {"fr": ("\u202f", ","), "ar": ("\u202f", ","), "en": (",", ".")}


def format_number(value: Any, decimals: int = 0, lang: str | None = None) -> str:
    """Return ``value`` grouped by thousands in the reader's convention ("62 300" / "62,300")."""
    lang = lang or (translation.get_language() or "fr")[:2]
    group, point = _SEPARATORS.get(lang, _SEPARATORS["fr"])
    number = Decimal(str(value))
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", point).replace("\0", group)
