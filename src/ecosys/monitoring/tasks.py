"""Background work of monitoring (run by the task worker)."""

from __future__ import annotations

from django_tasks import task

from ecosys.monitoring import services


@task()
def snapshots_refresh_task() -> int:
    """Recompute the dashboard snapshots marked stale since realisations changed."""
    return services.snapshots_refresh()


@task()
def report_build_task(report_id: int) -> str:
    """Write the PDF of a queued report."""
    from ecosys.monitoring.reports import report_build

    return report_build(report_id).status
