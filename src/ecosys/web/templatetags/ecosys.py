"""Template filters: amounts in the reader's conventions, localized names, chart specs."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ecosys.core.i18n import localized
from ecosys.core.numbers import format_number

register = template.Library()

_BILLION = {"fr": "MMDH", "en": "bn MAD", "ar": "مليار درهم"}
_MILLION = {"fr": "MDH", "en": "m MAD", "ar": "مليون درهم"}
_UNITS = {
    "jobs": {"fr": "emplois", "en": "jobs", "ar": "منصب شغل"},
    "ha": {"fr": "ha", "en": "ha", "ar": "هكتار"},
    "%": {"fr": "%", "en": "%", "ar": "%"},
    "count": {"fr": "", "en": "", "ar": ""},
    "MAD": {"fr": "MAD", "en": "MAD", "ar": "درهم"},
}


def _lang() -> str:
    return (translation.get_language() or "fr")[:2]


@register.filter
def number(value: Any, decimals: int = 0) -> str:
    if value is None or value == "":
        return "–"
    return format_number(value, int(decimals))


@register.filter
def quantity(value: Any, unit: str) -> SafeString | str:
    """Show an amount with its unit; dirhams in milliards/millions ("1,7 MMDH"), exact value on hover."""
    if value is None or value == "":
        return "–"
    lang = _lang()
    amount = Decimal(str(value))
    if unit == "MAD" and abs(amount) >= Decimal("1e9"):
        short = f"{format_number(amount / Decimal('1e9'), 1, lang)} {_BILLION[lang]}"
    elif unit == "MAD" and abs(amount) >= Decimal("1e6"):
        short = f"{format_number(amount / Decimal('1e6'), 0, lang)} {_MILLION[lang]}"
    else:
        label = _UNITS.get(unit, {}).get(lang, unit)
        return f"{format_number(amount, 0, lang)} {label}".strip()
    full = f"{format_number(amount, 0, lang)} {_UNITS['MAD'][lang]}"
    return format_html('<span title="{}">{}</span>', full, short)


@register.filter
def tr(obj: Any, field: str = "name") -> str:
    """Return the object's field in the active language (``{{ eco|tr:"description" }}``)."""
    return localized(obj, field)


@register.filter
def as_json(value: Any) -> SafeString:
    """Serialise a chart spec for a <script type="application/json"> block."""
    text = json.dumps(value, default=str, ensure_ascii=False)
    return SafeString(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
