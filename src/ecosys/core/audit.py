"""Read the audit trail kept by django-simple-history, as plain rows for pages and the API."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
SYSTEM = _("system")
IGNORED_FIELDS = {"updated_at", "created_at"}


@dataclass(frozen=True)
class AuditEntry:
    when: datetime
    who: str
    action: str
    object_label: str
    changes: list[tuple[str, str, str]]
    reason: str


def history_entries(instances: list[Model]) -> list[AuditEntry]:
    """Return the change history of the given objects, newest first, with field-level differences.

    One query per model class, whatever the number of objects.
    """
    by_model: dict[type[Model], dict[Any, Model]] = defaultdict(dict)
    for instance in instances:
        if hasattr(type(instance), "history"):
            by_model[type(instance)][instance.pk] = instance
    entries: list[AuditEntry] = []
    for model, objects in by_model.items():
        records = (
            model.history.filter(id__in=list(objects))  # type: ignore[attr-defined]
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        previous: Any = None
        for record in records:
            instance = objects[record.id]
            changes: list[tuple[str, str, str]] = []
            if previous is not None and previous.id == record.id and record.history_type == "~":
                for change in record.diff_against(previous).changes:
                    if change.field not in IGNORED_FIELDS:
                        changes.append((change.field, _fmt(change.old), _fmt(change.new)))
            user = record.history_user
            entries.append(
                AuditEntry(
                    when=record.history_date,
                    who=(user.get_username() if user else str(SYSTEM)),
                    action=str(ACTIONS.get(record.history_type, record.history_type)),
                    object_label=f"{instance._meta.verbose_name}: {instance}",
                    changes=changes,
                    reason=record.history_change_reason or "",
                )
            )
            previous = record
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _fmt(value: Any) -> str:
    return "" if value is None else str(value)
