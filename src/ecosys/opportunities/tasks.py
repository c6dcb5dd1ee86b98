"""Background work of the opportunities domain (run by the task worker)."""

from __future__ import annotations

from django_tasks import task

from ecosys.opportunities import services


@task()
def trade_import_task(import_id: int) -> str:
    """Ingest an uploaded trade file into its dataset."""
    return services.trade_import_run(import_id).status


@task()
def study_run_task(study_id: int) -> str:
    """Run a queued opportunity study."""
    return services.study_run(study_id).status
