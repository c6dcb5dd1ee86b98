"""Background work of governance (run by the task worker, daily)."""

from __future__ import annotations

from django_tasks import task

from ecosys.governance import services


@task()
def reminders_send_task() -> int:
    """Remind the people in charge of initiatives that are overdue or due within a week."""
    return services.reminders_send()
