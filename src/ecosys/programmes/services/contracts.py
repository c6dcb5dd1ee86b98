"""Contract amendments: proposed by one person, approved by another, applied as a new version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.core.errors import Conflict, ValidationFailed
from ecosys.core.numbers import to_decimal
from ecosys.core.permissions import require
from ecosys.programmes.models import Commitment, ContractAmendment, PerformanceContract, Target
from ecosys.programmes.services.targets import (
    HORIZON_NOT_AFTER_BASELINE,
    REASON_REQUIRED,
    target_milestones_derive,
)

AMENDMENT_EMPTY = _("The amendment changes nothing.")
AMENDMENT_SELF_APPROVAL = _("An amendment must be approved by someone other than its author.")
AMENDMENT_DECIDED = _("This amendment has already been decided.")
AMENDMENT_UNKNOWN_TARGET = _("Target %(id)s is not part of this contract.")
AMENDMENT_UNKNOWN_COMMITMENT = _("Commitment %(id)s is not part of this contract.")
CONTRACT_NOT_SIGNED = _("Only a signed contract is amended; edit a draft directly.")
AMENDMENT_REASON = _("Amendment %(number)s: %(reason)s")
RECORD_LANGUAGE = "fr"
CONTRACT_CHANGED = _("The contract changed since this amendment was proposed; propose it again.")


def _clean_changes(contract: PerformanceContract, changes: dict[str, Any]) -> dict[str, Any]:
    """Check an amendment's changes against the contract and return them in canonical form."""
    clean: dict[str, Any] = {}
    raw_horizon = changes.get("horizon_year")
    if raw_horizon not in (None, ""):
        try:
            horizon = int(str(raw_horizon))
        except (TypeError, ValueError):
            raise ValidationFailed(_("Enter a year."), field="horizon_year") from None
        latest_baseline = contract.targets.aggregate(m=Max("baseline_year"))["m"]
        if latest_baseline is not None and horizon <= latest_baseline:
            raise ValidationFailed(HORIZON_NOT_AFTER_BASELINE, field="horizon_year")
        if horizon != contract.horizon_year:
            clean["horizon_year"] = horizon
    targets = []
    for index, item in enumerate(changes.get("targets") or []):
        target = contract.targets.filter(pk=item.get("id")).first()
        if target is None:
            raise ValidationFailed(AMENDMENT_UNKNOWN_TARGET % {"id": item.get("id")}, field=f"targets.{index}.id")
        value = to_decimal(item.get("horizon_value"), field=f"targets.{index}.horizon_value")
        if value != target.horizon_value:
            targets.append({"id": target.pk, "horizon_value": str(value), "was": str(target.horizon_value)})
    if targets:
        clean["targets"] = targets
    commitments = []
    for index, item in enumerate(changes.get("commitments") or []):
        commitment = contract.commitments.filter(pk=item.get("id")).first()
        if commitment is None:
            raise ValidationFailed(
                AMENDMENT_UNKNOWN_COMMITMENT % {"id": item.get("id")}, field=f"commitments.{index}.id"
            )
        amount = to_decimal(item.get("amount"), field=f"commitments.{index}.amount")
        if amount != commitment.amount:
            commitments.append({"id": commitment.pk, "amount": str(amount), "was": str(commitment.amount)})
    if commitments:
        clean["commitments"] = commitments
    if not clean:
        raise ValidationFailed(AMENDMENT_EMPTY, code="amendment_empty")
    return clean


@transaction.atomic
def contract_amendment_propose(
    *, actor: User, contract: PerformanceContract, reason: str, changes: dict[str, Any]
) -> ContractAmendment:
    """Record a proposed amendment of a signed contract; nothing changes until it is approved."""
    require(actor, "contract.amend.propose")
    if not reason or not reason.strip():
        raise ValidationFailed(REASON_REQUIRED, field="reason", code="reason_required")
    contract = PerformanceContract.objects.select_for_update().get(pk=contract.pk)
    if contract.status != PerformanceContract.Status.SIGNED:
        raise Conflict(CONTRACT_NOT_SIGNED, code="contract_not_signed")
    clean = _clean_changes(contract, changes)
    clean["base_version"] = contract.version
    number = (contract.amendments.aggregate(m=Max("number"))["m"] or 0) + 1
    amendment = ContractAmendment(
        contract=contract, number=number, reason=reason.strip(), changes=clean, proposed_by=actor
    )
    amendment._change_reason = reason.strip()  # type: ignore[attr-defined]
    amendment.save()
    return amendment


def _apply(contract: PerformanceContract, changes: dict[str, Any], why: str) -> None:
    if "horizon_year" in changes:
        old = contract.horizon_year
        contract.horizon_year = changes["horizon_year"]
        for target in contract.targets.filter(horizon_year=old):
            target.horizon_year = contract.horizon_year
            target._change_reason = why  # type: ignore[attr-defined]
            target.save()
            target_milestones_derive(target=target, reason=why)
    for item in changes.get("targets", []):
        target = Target.objects.get(pk=item["id"], contract=contract)
        target.horizon_value = Decimal(item["horizon_value"])
        target._change_reason = why  # type: ignore[attr-defined]
        target.save()
        target_milestones_derive(target=target, reason=why)
    for item in changes.get("commitments", []):
        commitment = Commitment.objects.get(pk=item["id"], contract=contract)
        commitment.amount = Decimal(item["amount"])
        commitment._change_reason = why  # type: ignore[attr-defined]
        commitment.save()


@transaction.atomic
def contract_amendment_decide(
    *, actor: User, amendment: ContractAmendment, approve: bool, note: str = ""
) -> ContractAmendment:
    """Approve (apply as a new contract version) or reject an amendment; never by its author."""
    require(actor, "contract.amend.approve")
    amendment = ContractAmendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.status != ContractAmendment.Status.PROPOSED:
        raise Conflict(AMENDMENT_DECIDED, code="amendment_decided")
    if amendment.proposed_by_id == actor.pk:
        raise ValidationFailed(AMENDMENT_SELF_APPROVAL, code="four_eyes", field="decided_by")
    if not approve and not note.strip():
        raise ValidationFailed(REASON_REQUIRED, field="note", code="reason_required")
    contract = PerformanceContract.objects.select_for_update().get(pk=amendment.contract_id)
    with translation.override(RECORD_LANGUAGE):  # the audit trail is written in the language of record
        why = str(AMENDMENT_REASON % {"number": amendment.number, "reason": amendment.reason})
    if approve:
        if contract.version != amendment.changes.get("base_version"):
            raise Conflict(CONTRACT_CHANGED, code="contract_changed")
        _apply(contract, amendment.changes, why)
        contract.version += 1
        contract._change_reason = why  # type: ignore[attr-defined]
        contract.save()
        amendment.resulting_version = contract.version
    amendment.status = ContractAmendment.Status.APPROVED if approve else ContractAmendment.Status.REJECTED
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.decision_note = note.strip()
    amendment._change_reason = note.strip() or why  # type: ignore[attr-defined]
    amendment.save()
    return amendment
