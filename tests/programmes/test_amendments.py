from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.programmes.models import ContractAmendment
from ecosys.programmes.selectors import contract_history
from ecosys.programmes.services.contracts import (
    AMENDMENT_SELF_APPROVAL,
    contract_amendment_decide,
    contract_amendment_propose,
)

pytestmark = pytest.mark.django_db


def _jobs(contract):
    return contract.targets.get(indicator__code="JOBS_CREATED")


def test_an_approved_amendment_becomes_a_new_version_with_its_reason_in_the_history(imm, make_user):
    author, approver = make_user(Role.FEDERATION_OFFICER), make_user(Role.MINISTRY_ADMIN)
    amendment = contract_amendment_propose(
        actor=author,
        contract=imm,
        reason="Railway ecosystem joins",
        changes={"targets": [{"id": _jobs(imm).pk, "horizon_value": "15000"}]},
    )
    assert _jobs(imm).horizon_value == Decimal("13340")  # nothing changes before approval
    contract_amendment_decide(actor=approver, amendment=amendment, approve=True)
    imm.refresh_from_db()
    assert imm.version == 2
    assert _jobs(imm).horizon_value == Decimal("15000")
    assert _jobs(imm).milestones.get(year=2020).value == Decimal("15000")
    history = contract_history(actor=approver, contract=imm)
    assert any("Railway ecosystem joins" in e.reason and e.changes for e in history)


def test_an_amendment_approved_by_its_author_is_refused_and_changes_nothing(imm, make_user):
    author = make_user(Role.MINISTRY_ADMIN)
    amendment = contract_amendment_propose(
        actor=author, contract=imm, reason="x", changes={"targets": [{"id": _jobs(imm).pk, "horizon_value": "1"}]}
    )
    with pytest.raises(ValidationFailed) as excinfo:
        contract_amendment_decide(actor=author, amendment=amendment, approve=True)
    assert excinfo.value.message == AMENDMENT_SELF_APPROVAL
    imm.refresh_from_db()
    assert imm.version == 1 and _jobs(imm).horizon_value == Decimal("13340")
    assert ContractAmendment.objects.get().status == "proposed"


def test_the_database_itself_refuses_an_amendment_decided_by_its_author(imm, make_user):
    author = make_user(Role.MINISTRY_ADMIN)
    amendment = contract_amendment_propose(actor=author, contract=imm, reason="x", changes={"horizon_year": 2021})
    amendment.decided_by = author
    with pytest.raises(IntegrityError), transaction.atomic():
        amendment.save()


def test_an_amendment_that_changes_nothing_is_refused(imm, make_user):
    with pytest.raises(ValidationFailed):
        contract_amendment_propose(
            actor=make_user(Role.MINISTRY_ADMIN),
            contract=imm,
            reason="x",
            changes={"targets": [{"id": _jobs(imm).pk, "horizon_value": "13340"}]},
        )


def test_a_company_user_cannot_propose_an_amendment(imm, make_user):
    with pytest.raises(PermissionDenied):
        contract_amendment_propose(
            actor=make_user(Role.COMPANY_USER), contract=imm, reason="x", changes={"horizon_year": 2022}
        )


def test_a_rejection_needs_a_note_and_a_decided_amendment_cannot_be_decided_again(imm, make_user):
    author, other = make_user(Role.MINISTRY_ADMIN), make_user(Role.FEDERATION_OFFICER)
    amendment = contract_amendment_propose(actor=author, contract=imm, reason="x", changes={"horizon_year": 2022})
    with pytest.raises(ValidationFailed):
        contract_amendment_decide(actor=other, amendment=amendment, approve=False, note="")
    contract_amendment_decide(actor=other, amendment=amendment, approve=False, note="Not agreed by MEF")
    with pytest.raises(Conflict):
        contract_amendment_decide(actor=other, amendment=amendment, approve=True)
    imm.refresh_from_db()
    assert imm.horizon_year == 2020


def test_extending_the_horizon_extends_every_target_and_its_milestones(imm, make_user):
    amendment = contract_amendment_propose(
        actor=make_user(Role.MINISTRY_ADMIN), contract=imm, reason="COVID delay", changes={"horizon_year": 2022}
    )
    contract_amendment_decide(actor=make_user(Role.FEDERATION_OFFICER), amendment=amendment, approve=True)
    for target in imm.targets.all():
        assert target.horizon_year == 2022
        assert max(target.milestones.values_list("year", flat=True)) == 2022
