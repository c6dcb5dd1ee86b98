"""Make French the default language, whatever the browser asks, unless the person chose another."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class DefaultLanguageMiddleware:
    """Use the language cookie if set, else the user's preferred language, else settings.LANGUAGE_CODE.

    Browsers of ministry staff are often set to English; Ecosys speaks French until told otherwise.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        # API clients say what they want with Accept-Language; pages default to French.
        if chosen not in self.supported and not request.path.startswith("/api/"):
            user = getattr(request, "user", None)
            preferred = getattr(user, "preferred_language", None) if user and user.is_authenticated else None
            language = preferred if preferred in self.supported else settings.LANGUAGE_CODE
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
