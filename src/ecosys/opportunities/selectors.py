"""Reads of the opportunities domain, scoped to what the actor may see (staff only)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.core.errors import NotFound
from ecosys.core.permissions import require
from ecosys.opportunities.models import OpportunityStudy, TradeDataset, TradeImport

DATASET_NOT_FOUND = _("No such trade dataset.")
STUDY_NOT_FOUND = _("No such opportunity study.")
IMPORT_NOT_FOUND = _("No such file import.")


def dataset_list(*, actor: User) -> QuerySet[TradeDataset]:
    require(actor, "opportunity.view")
    return TradeDataset.objects.order_by("code")


def dataset_get(*, actor: User, code: str) -> TradeDataset:
    require(actor, "opportunity.view")
    dataset = TradeDataset.objects.filter(code=code).first()
    if dataset is None:
        raise NotFound(DATASET_NOT_FOUND)
    return dataset


def study_list(*, actor: User) -> QuerySet[OpportunityStudy]:
    require(actor, "opportunity.view")
    return OpportunityStudy.objects.select_related("dataset", "requested_by").defer("result")


def study_get(*, actor: User, pk: int) -> OpportunityStudy:
    require(actor, "opportunity.view")
    # The result (up to a few MB of JSON) is read once per process by services.study_result.
    study = OpportunityStudy.objects.select_related("dataset", "requested_by").defer("result").filter(pk=pk).first()
    if study is None:
        raise NotFound(STUDY_NOT_FOUND)
    return study


def import_get(*, actor: User, pk: int) -> TradeImport:
    require(actor, "opportunity.view")
    job = TradeImport.objects.select_related("dataset", "requested_by").filter(pk=pk).first()
    if job is None:
        raise NotFound(IMPORT_NOT_FOUND)
    return job
