"""Background work of the investments domain (run by the task worker)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django_tasks import task

from ecosys.core.errors import DomainError
from ecosys.investments.models import ImportBatch
from ecosys.investments.services.imports import import_file


@task()
def import_batch_run(batch_id: int, path: str) -> str:
    """Import the file stored for a batch; the batch records progress, errors and the outcome."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)

    def progress(done: int, total: int) -> None:
        # Rows checked so far (total 0 while checking). The write phase runs in one transaction,
        # invisible to the page until it commits: the page shows it as "writing".
        if total == 0:
            ImportBatch.objects.filter(pk=batch_id).update(rows_done=done)

    # Errors are kept as text: write them in the language of the person who uploaded the file.
    language = getattr(batch.created_by, "preferred_language", None) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            result = import_file(
                actor=batch.created_by,
                kind=batch.kind,
                path=Path(path),
                filename=batch.filename,
                batch=batch,
                progress=progress,
            )
    except DomainError:
        return "failed"
    finally:
        Path(path).unlink(missing_ok=True)
    return "already imported" if result.already_imported else "done"
