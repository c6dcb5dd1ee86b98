"""Read the audit trail kept by django-simple-history, as plain rows for pages and the API."""

from __future__ import annotations

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
    """Return the change history of the given objects, newest first, with field-level differences."""
    entries: list[AuditEntry] = []
    for instance in instances:
        history = getattr(instance, "history", None)
        if history is None:
            continue
        records = list(history.all().select_related("history_user").order_by("history_date", "history_id"))
        previous: Any = None
        for record in records:
            changes: list[tuple[str, str, str]] = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                for change in delta.changes:
                    if change.field in IGNORED_FIELDS:
                        continue
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
