"""The REST API under /api/v1/: one NinjaAPI, routers from each app, errors mapped once."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from ecosys.accounts.api import router as accounts_router
from ecosys.accounts.services import api_token_authenticate
from ecosys.core.errors import DomainError
from ecosys.governance.api import router as governance_router
from ecosys.incentives.api import router as incentives_router
from ecosys.investments.api import router as investments_router
from ecosys.land.api import router as land_router
from ecosys.monitoring.api import router as monitoring_router
from ecosys.opportunities.api import router as opportunities_router
from ecosys.programmes.api import router as programmes_router


class TokenAuth(HttpBearer):
    """``Authorization: Bearer eco_…`` with a token created on the account page or by the API."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Ecosys API",
    version="1",
    description=(
        "Programmes, ecosystems, performance contracts, targets; investment projects, the project bank, "
        "declarations, imports, verification and jobs; monitoring: KPI figures, forecasts, validated quarters, "
        "IATI results; joint governance: committees, initiatives, follow-up; grants: support schemes and their "
        "versions, envelopes, applications from draft to clawback, the what-if simulator; industrial land: zones "
        "and parcels imported from GeoJSON, occupancy, land requests from reservation to the built plant, the "
        "land optimiser's proposals; opportunity analytics: trade datasets and file imports, studies run in the "
        "background, ranked opportunities, products and project-bank sheets made from them. Session or bearer-token "
        "authentication."
    ),
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)
api.add_router("", accounts_router)
api.add_router("", programmes_router)
api.add_router("", investments_router)
api.add_router("", monitoring_router)
api.add_router("", governance_router)
api.add_router("", incentives_router)
api.add_router("", land_router)
api.add_router("", opportunities_router)

_PYDANTIC_MESSAGES = {
    "missing": gettext_noop("This field is required."),
    "int_parsing": gettext_noop("Enter a whole number."),
    "int_type": gettext_noop("Enter a whole number."),
    "decimal_parsing": gettext_noop("Enter a number."),
    "float_parsing": gettext_noop("Enter a number."),
    "string_type": gettext_noop("Enter text."),
    "date_from_datetime_parsing": gettext_noop("Enter a date (YYYY-MM-DD)."),
    "date_parsing": gettext_noop("Enter a date (YYYY-MM-DD)."),
    "literal_error": gettext_noop("Choose one of the allowed values."),
    "enum": gettext_noop("Choose one of the allowed values."),
    "extra_forbidden": gettext_noop("Unknown field."),
}


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path", "form")]
        message = _PYDANTIC_MESSAGES.get(error.get("type", ""))
        errors.append({"field": ".".join(loc) or "body", "message": _(message) if message else error.get("msg", "")})
    body = {"code": "invalid", "message": _("Some fields are not valid."), "errors": errors}
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {"code": "unauthenticated", "message": _("Sign in or send a valid API token."), "errors": []}
    return api.create_response(request, body, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, ValueError):  # ninja wraps a body that does not parse (bad JSON)
        message = _("The request body is not valid JSON.")
        body = {"code": "invalid", "message": message, "errors": [{"field": "body", "message": message}]}
        return api.create_response(request, body, status=400)
    return api.create_response(request, {"code": "error", "message": str(exc), "errors": []}, status=exc.status_code)
