"""Reads of the programmes domain, scoped to what the actor may see; pages and API share them."""

from __future__ import annotations

import csv
import io

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.core.audit import AuditEntry, history_entries
from ecosys.core.errors import NotFound, PermissionDenied
from ecosys.core.permissions import NOT_ALLOWED, actor_can, actor_roles, require
from ecosys.core.roles import Role
from ecosys.programmes.models import (
    Activity,
    ContractAmendment,
    Ecosystem,
    Indicator,
    Milestone,
    PerformanceContract,
    Programme,
    Target,
    ValueChainTier,
)

NOT_FOUND = _("Not found.")
NOT_YOUR_ECOSYSTEM = _("You manage other ecosystems, not this one.")


def programme_list(*, actor: User) -> QuerySet[Programme]:
    require(actor, "programme.view")
    return Programme.objects.prefetch_related("sectors__ecosystems")


def programme_get(*, actor: User, code: str) -> Programme:
    programme = programme_list(actor=actor).filter(code=code).first()
    if programme is None:
        raise NotFound(NOT_FOUND)
    return programme


def ecosystem_list(*, actor: User) -> QuerySet[Ecosystem]:
    require(actor, "programme.view")
    return Ecosystem.objects.select_related("sector")


def ecosystem_get(*, actor: User, code: str) -> Ecosystem:
    tiers = ValueChainTier.objects.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.prefetch_related("products"))
    )
    ecosystem = (
        ecosystem_list(actor=actor).prefetch_related(Prefetch("tiers", queryset=tiers)).filter(code=code).first()
    )
    if ecosystem is None:
        raise NotFound(NOT_FOUND)
    return ecosystem


def ecosystem_can_edit(*, actor: User, ecosystem: Ecosystem) -> bool:
    """Return True when the actor may edit this ecosystem's value chain."""
    if not actor_can(actor, "valuechain.edit"):
        return False
    if actor.is_superuser or actor_roles(actor) & {Role.MINISTRY_ADMIN, Role.FEDERATION_OFFICER}:
        return True
    return actor.memberships.filter(is_active=True, role=Role.ECOSYSTEM_MANAGER, ecosystem=ecosystem).exists()


def ecosystem_check_editable(*, actor: User, ecosystem: Ecosystem) -> None:
    require(actor, "valuechain.edit")
    if not ecosystem_can_edit(actor=actor, ecosystem=ecosystem):
        raise PermissionDenied(NOT_YOUR_ECOSYSTEM, code="forbidden:ecosystem")


def value_chain_rows(*, ecosystem: Ecosystem) -> list[tuple[str, str, str]]:
    """Return the value chain as (tier, activity, hs_code) rows, in value-chain order."""
    rows = []
    for tier in ecosystem.tiers.all():
        for activity in tier.activities.all():
            for product in activity.products.all():
                rows.append((tier.name_fr, activity.name_fr, product.hs_code))
    return rows


def value_chain_csv(*, ecosystem: Ecosystem) -> str:
    """Return the value chain as the CSV file that value_chain_import reads back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tier", "activity", "hs_code"])
    writer.writerows(value_chain_rows(ecosystem=ecosystem))
    return out.getvalue()


def contract_list(*, actor: User) -> QuerySet[PerformanceContract]:
    require(actor, "programme.view")
    return PerformanceContract.objects.select_related("sector").prefetch_related("ecosystems", "signings")


def contract_get(*, actor: User, code: str) -> PerformanceContract:
    contract = (
        contract_list(actor=actor)
        .prefetch_related(
            Prefetch(
                "targets",
                queryset=Target.objects.select_related("indicator", "ecosystem").prefetch_related(
                    Prefetch("milestones", queryset=Milestone.objects.order_by("year"))
                ),
            ),
            "commitments__party",
            "parties__organisation",
            "amendments__proposed_by",
            "amendments__decided_by",
        )
        .filter(code=code)
        .first()
    )
    if contract is None:
        raise NotFound(NOT_FOUND)
    return contract


def target_get(*, actor: User, pk: int) -> Target:
    require(actor, "programme.view")
    target = Target.objects.select_related("contract", "indicator").filter(pk=pk).first()
    if target is None:
        raise NotFound(NOT_FOUND)
    return target


def amendment_get(*, actor: User, pk: int) -> ContractAmendment:
    require(actor, "programme.view")
    amendment = ContractAmendment.objects.select_related("contract", "proposed_by").filter(pk=pk).first()
    if amendment is None:
        raise NotFound(NOT_FOUND)
    return amendment


def contract_history(*, actor: User, contract: PerformanceContract) -> list[AuditEntry]:
    """Return who changed what and why on the contract, its targets, milestones, commitments, amendments."""
    if not actor_can(actor, "audit.view"):
        raise PermissionDenied(NOT_ALLOWED, code="forbidden:audit.view")
    objects: list = [contract]
    targets = list(contract.targets.all())
    objects += targets
    objects += list(Milestone.objects.filter(target__in=targets).select_related("target__indicator"))
    objects += list(contract.commitments.all())
    objects += list(contract.amendments.all())
    objects += list(contract.signings.all())
    return history_entries(objects)


def indicator_find(*, code: str) -> Indicator | None:
    return Indicator.objects.filter(code=code).first()
