"""Pick the field of a model that matches the active language (name_fr / name_en / name_ar)."""

from __future__ import annotations

from typing import Any

from django.utils import translation

LANGUAGE_CODES = ("fr", "en", "ar")


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """Return ``obj.<field>_<lang>`` for the active language, falling back to French then English."""
    lang = (language or translation.get_language() or "fr")[:2]
    for code in (lang, "fr", "en"):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return str(value)
    return ""
