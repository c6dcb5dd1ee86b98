"""The life of an investment project: its statuses, the allowed transitions and who may make them.

identified -> submitted -> validated -> agreement_signed -> under_construction -> in_production
-> completed. Any live project may be suspended (and resumed to where it was) or abandoned; both
need a reason. Validation needs a person other than the one who submitted the project.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from ecosys.core.roles import Role


class Status(models.TextChoices):
    IDENTIFIED = "identified", _("identified")
    SUBMITTED = "submitted", _("submitted")
    VALIDATED = "validated", _("validated by the federation")
    AGREEMENT_SIGNED = "agreement_signed", _("agreement signed")
    UNDER_CONSTRUCTION = "under_construction", _("under construction")
    IN_PRODUCTION = "in_production", _("in production")
    COMPLETED = "completed", _("completed")
    SUSPENDED = "suspended", _("suspended")
    ABANDONED = "abandoned", _("abandoned")


S = Status
R = Role
TERMINAL = frozenset({S.COMPLETED, S.ABANDONED})
LIVE = frozenset(Status) - TERMINAL - {S.SUSPENDED}
# Until validated, the company may still edit what it submitted.
EDITABLE_BY_COMPANY = frozenset({S.IDENTIFIED, S.SUBMITTED})
# Statuses in which a project counts in the pipeline of the contract.
COMMITTED = frozenset({S.AGREEMENT_SIGNED, S.UNDER_CONSTRUCTION, S.IN_PRODUCTION, S.COMPLETED})

STEWARDS = frozenset({R.MINISTRY_ADMIN, R.FEDERATION_OFFICER})
FOLLOWERS = STEWARDS | {R.ECOSYSTEM_MANAGER, R.COMPANY_USER}


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    roles: frozenset[Role]
    needs_reason: bool = False
    other_than_submitter: bool = False


_FORWARD = [
    Transition(S.IDENTIFIED, S.SUBMITTED, frozenset({R.COMPANY_USER}) | STEWARDS | {R.ECOSYSTEM_MANAGER}),
    Transition(S.SUBMITTED, S.IDENTIFIED, STEWARDS | {R.ECOSYSTEM_MANAGER}, needs_reason=True),
    Transition(S.SUBMITTED, S.VALIDATED, STEWARDS | {R.ECOSYSTEM_MANAGER}, other_than_submitter=True),
    Transition(S.VALIDATED, S.AGREEMENT_SIGNED, STEWARDS),
    Transition(S.AGREEMENT_SIGNED, S.UNDER_CONSTRUCTION, FOLLOWERS),
    Transition(S.UNDER_CONSTRUCTION, S.IN_PRODUCTION, FOLLOWERS),
    Transition(S.IN_PRODUCTION, S.COMPLETED, STEWARDS | {R.ECOSYSTEM_MANAGER}),
]
_SUSPEND = [
    Transition(source, S.SUSPENDED, STEWARDS, needs_reason=True)
    for source in (S.SUBMITTED, S.VALIDATED, S.AGREEMENT_SIGNED, S.UNDER_CONSTRUCTION, S.IN_PRODUCTION)
]
_ABANDON = [
    Transition(source, S.ABANDONED, STEWARDS | {R.COMPANY_USER}, needs_reason=True)
    for source in sorted(LIVE | {S.SUSPENDED})
]
TRANSITIONS: dict[tuple[Status, Status], Transition] = {(t.source, t.target): t for t in _FORWARD + _SUSPEND + _ABANDON}


def allowed_targets(source: Status, suspended_from: Status | None = None) -> list[Status]:
    """Return the statuses a project in ``source`` may move to (a suspension resumes where it was)."""
    targets = [t.target for (s, _t), t in TRANSITIONS.items() if s == source]
    if source == S.SUSPENDED and suspended_from is not None:
        targets.insert(0, suspended_from)
    return targets


def transition_for(source: Status, target: Status, suspended_from: Status | None = None) -> Transition | None:
    """Return the rule for moving from ``source`` to ``target``, or None when the move is not allowed."""
    if source == S.SUSPENDED and target == suspended_from and target is not None:
        return Transition(S.SUSPENDED, target, STEWARDS, needs_reason=True)
    return TRANSITIONS.get((source, target))
