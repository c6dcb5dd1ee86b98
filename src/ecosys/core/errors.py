"""Domain errors: values the user can act on, mapped once to HTTP statuses and form errors.

Messages are lazy translations, so they render in the language of the request that shows them.
Tests import the message constants below instead of repeating strings.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    """A refusal by the domain, with a stable code, a translated message and the fields at fault."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        field: str | None = None,
        fields: dict[str, str | Promise] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.fields: dict[str, str | Promise] = dict(fields or {})
        if field:
            self.fields.setdefault(field, message)
        # Row-level problems of an imported file: {"row": 3, "column": "hs_code", "message": ...}.
        self.details: list[dict[str, Any]] = list(details or [])

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON body the API sends for this error."""
        return {
            "code": self.code,
            "message": str(self.message),
            "errors": [{"field": name, "message": str(msg)} for name, msg in self.fields.items()]
            + [{**d, "message": str(d["message"])} for d in self.details],
        }


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"
