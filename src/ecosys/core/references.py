"""Human references numbered per year (``G-2018-00001``, ``LR-2026-00042``), unique under concurrency."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Max

M = TypeVar("M", bound=models.Model)
ATTEMPTS = 5


def next_reference(model: type[models.Model], prefix: str, field: str = "reference") -> str:
    """Return ``prefix`` followed by the next five-digit number used with it."""
    last = model._default_manager.filter(**{f"{field}__startswith": prefix}).aggregate(m=Max(field))["m"]
    return f"{prefix}{(int(last[len(prefix) :]) if last else 0) + 1:05d}"


def create_numbered(model: type[M], prefix: str, **values: Any) -> M:
    """Create a row with the next reference; two writers that picked the same number (the unique index
    refuses the second) make the later one take the following number."""
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return model._default_manager.create(reference=next_reference(model, prefix), **values)
        except IntegrityError:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
