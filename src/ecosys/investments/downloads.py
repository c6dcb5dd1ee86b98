"""Files the investments pages and API hand out: empty import templates in the reader's language."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import translation

from ecosys.core.http import file_response
from ecosys.core.spreadsheets import XLSX
from ecosys.investments.services.imports import template_csv, template_xlsx

LANGUAGES = ("fr", "en", "ar")


def import_template_response(*, kind: str, fmt: str, language: str | None = None) -> HttpResponse:
    """Return the empty template of an import (CSV or XLSX) with its headers in ``language``.

    Without a language, the reader's. The CSV starts with a byte-order mark so that spreadsheet
    programs open the French and Arabic headers as UTF-8; the importer skips it.
    """
    lang = language if language in LANGUAGES else (translation.get_language() or "fr")[:2]
    lang = lang if lang in LANGUAGES else "fr"
    filename = f"ecosys-{kind}-{lang}.{fmt}"
    if fmt == "xlsx":
        response = file_response(template_xlsx(kind, lang), filename=filename, content_type=XLSX)
    else:
        response = file_response(("\ufeff" + template_csv(kind, lang)).encode("utf-8"), filename=filename)
    response["Content-Language"] = lang
    return response
