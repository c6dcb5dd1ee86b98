"""The project bank: sheets the federation publishes and investors take up."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.core.errors import ValidationFailed
from ecosys.core.numbers import to_decimal
from ecosys.core.permissions import require
from ecosys.investments.models import OpportunitySheet
from ecosys.investments.services.projects import clean_hs_codes


@transaction.atomic
def sheet_create(*, actor: User | None, code: str, ecosystem: Any, name_fr: str, **values: Any) -> OpportunitySheet:
    """Publish a sheet in the project bank."""
    if actor is not None:
        require(actor, "projectbank.manage")
    if not name_fr.strip():
        raise ValidationFailed(_("The name is required."), field="name_fr")
    if OpportunitySheet.objects.filter(code=code).exists():
        raise ValidationFailed(_("This code is already used."), field="code")
    values["hs_codes"] = clean_hs_codes(values.get("hs_codes") or [])
    for name in ("market_size_mad", "indicative_investment_mad"):
        if values.get(name) not in (None, ""):
            values[name] = to_decimal(values[name], field=name)
    return OpportunitySheet.objects.create(code=code, ecosystem=ecosystem, name_fr=name_fr, **values)


@transaction.atomic
def sheet_set_status(*, actor: User, sheet: OpportunitySheet, status: str) -> OpportunitySheet:
    require(actor, "projectbank.manage")
    if status not in OpportunitySheet.SheetStatus.values:
        raise ValidationFailed(_("Unknown status."), field="status")
    sheet.status = status
    sheet.save()
    return sheet


def sheet_mark_taken(*, sheet: OpportunitySheet) -> None:
    """An investor took the sheet up by creating a project from it."""
    if sheet.status == OpportunitySheet.SheetStatus.OPEN:
        sheet.status = OpportunitySheet.SheetStatus.TAKEN
        sheet._change_reason = "project created from the sheet"  # type: ignore[attr-defined]
        sheet.save()
