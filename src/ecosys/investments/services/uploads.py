"""Receive an uploaded file and queue its import (the write half of an import started from a page or the API)."""

from __future__ import annotations

import hashlib
import uuid
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ecosys.core.errors import ValidationFailed
from ecosys.investments.models import ImportBatch
from ecosys.investments.selectors import actor_companies, sees_all_companies
from ecosys.investments.services.imports import authorise_import
from ecosys.investments.tasks import import_batch_run

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from ecosys.accounts.models import User

UNKNOWN_KIND = _("Choose the kind of file: company declarations or CNSS headcounts.")
NO_FILE = _("Choose a file (CSV or XLSX).")


def import_batch_start(*, actor: User, kind: str, upload: UploadedFile | None) -> ImportBatch:
    """Keep an uploaded file under MEDIA_ROOT/imports/, record its batch and queue its import.

    The permission is checked before anything is kept; the task is queued once the batch is committed,
    so the worker always finds it. The worker deletes the file when it is done.
    """
    if kind not in ImportBatch.Kind.values:
        raise ValidationFailed(UNKNOWN_KIND, field="kind", code="unknown_kind")
    authorise_import(actor, kind)
    if upload is None:
        raise ValidationFailed(NO_FILE, field="file", code="file_required")
    filename = Path(upload.name or "").name[-255:] or "import"
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(filename).suffix.lower()[:6]}"
    digest = hashlib.sha256()
    with path.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    own = [] if sees_all_companies(actor) else list(actor_companies(actor)[:2])
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                kind=kind,
                filename=filename,
                sha256=digest.hexdigest(),
                created_by=actor,
                company=own[0] if len(own) == 1 else None,
            )
            transaction.on_commit(partial(import_batch_run.enqueue, batch.pk, str(path)))
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return batch
