"""The land optimiser inside the platform: a proposal for the submitted requests, accepted by a person.

A run takes the programme's available parcels (not withdrawn, held by no live request) and its
submitted requests. A request is worth its project's planned jobs (or value added) at their highest
year, weighted by its ecosystem's priority (``ecosys.analytics.landopt``). Accepting a proposal,
as computed or edited, reserves and allocates each assignment through ``services.reserve`` and
``services.allocate``: the database invariants apply, and if one assignment is refused nothing is
taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.analytics import landopt
from ecosys.core.errors import Conflict, ValidationFailed
from ecosys.core.permissions import require
from ecosys.land import services
from ecosys.land.models import LandRequest, Parcel, Proposal, Zone
from ecosys.land.selectors import committed_by_ecosystem_ha
from ecosys.programmes.models import Programme

OBJECTIVE_INVALID = _("Choose jobs, value added or a mix, with weights and priorities of zero or more.")
QUOTA_INVALID = _("A quota is a number of hectares or requests of zero or more.")
QUOTAS_INFEASIBLE = _("The minimum quotas cannot all be met with the land available.")
NO_SOLUTION = _("The solver found no plan within its time limit; try fewer requests or a longer limit.")
ALREADY_ACCEPTED = _("This proposal was already accepted.")
EDIT_INVALID = _("The edited proposal breaks a rule: %(problems)s.")
REQUEST_NOT_IN_RUN = _("Request %(reference)s was not part of this run.")

UNSERVED_REASONS = {
    "no_parcel_large_enough": _("no parcel or group of adjacent parcels is large enough"),
    "no_parcel_small_enough": _("every parcel that fits is much larger than requested"),
    "no_parcel_with_services": _("no parcel has the services needed"),
    "no_parcel_in_preferred_zones": _("no parcel in the preferred zones fits"),
    "quota": _("its ecosystem's quota is reached"),
    "outcompeted": _("the land that fits went to requests worth more"),
}


def _requests(programme: Programme) -> list[LandRequest]:
    return list(
        LandRequest.objects.filter(project__ecosystem__sector__programme=programme, status=LandRequest.Status.SUBMITTED)
        .select_related("project__ecosystem")
        .prefetch_related("preferred_zones")
        .annotate(jobs=Max("project__plan__jobs"), value_added=Max("project__plan__value_added_mad"))
        .order_by("reference")
    )


def _parcels(programme: Programme) -> list[Parcel]:
    return list(
        Parcel.objects.filter(zone__programme=programme, status=Parcel.Status.AVAILABLE)
        .exclude(holdings__live=True)
        .select_related("zone")
        .order_by("zone__code", "code")
    )


def _key(parcel: Parcel) -> str:
    return f"{parcel.zone.code}/{parcel.code}"


def analytics_inputs(programme: Programme) -> tuple[list[landopt.Parcel], list[landopt.Request]]:
    """The available parcels and the submitted requests, as the optimiser reads them."""
    parcels = _parcels(programme)
    keys = {(p.zone_id, p.code): _key(p) for p in parcels}
    opt_parcels = [
        landopt.Parcel(
            id=_key(p),
            zone=p.zone.code,
            area_m2=float(p.area_m2),
            services=frozenset(p.services),
            neighbours=frozenset(keys[(p.zone_id, n)] for n in p.neighbours if (p.zone_id, n) in keys),
        )
        for p in parcels
    ]
    opt_requests = []
    for r in _requests(programme):
        low, high = services.area_window(r)
        opt_requests.append(
            landopt.Request(
                id=r.reference,
                ecosystem=r.project.ecosystem.code,
                area_m2=float(r.area_m2),
                jobs=float(r.jobs or 0),  # type: ignore[attr-defined]  # annotated by _requests
                value_added_mad=float(r.value_added or 0),  # type: ignore[attr-defined]
                services_needed=frozenset(r.services_needed),
                preferred_zones=frozenset(z.code for z in r.preferred_zones.all()),
                max_parcels=r.max_parcels,
                min_area_m2=float(low),
                max_area_m2=float(high),
            )
        )
    return opt_parcels, opt_requests


def _objective(parameters: Mapping[str, Any]) -> landopt.Objective:
    try:
        return landopt.Objective(
            kind=parameters.get("objective", "jobs"),
            jobs_weight=float(parameters.get("jobs_weight", 1)),
            value_added_weight=float(parameters.get("value_added_weight", 0)),
            ecosystem_priority={k: float(v) for k, v in (parameters.get("priorities") or {}).items()},
        )
    except (landopt.LandOptError, TypeError, ValueError):
        raise ValidationFailed(OBJECTIVE_INVALID, field="objective", code="objective_invalid") from None


def _quotas(parameters: Mapping[str, Any]) -> list[landopt.Quota]:
    quotas = []
    try:
        for ecosystem, limits in (parameters.get("quotas") or {}).items():
            quotas.append(
                landopt.Quota(
                    ecosystem=ecosystem,
                    max_hectares=None if limits.get("max_hectares") in (None, "") else float(limits["max_hectares"]),
                    min_hectares=None if limits.get("min_hectares") in (None, "") else float(limits["min_hectares"]),
                    max_requests=None if limits.get("max_requests") in (None, "") else int(limits["max_requests"]),
                )
            )
    except (landopt.LandOptError, TypeError, ValueError, AttributeError):
        raise ValidationFailed(QUOTA_INVALID, field="quotas", code="quota_invalid") from None
    return quotas


def proposal_run(*, actor: User, programme: Programme, parameters: Mapping[str, Any]) -> Proposal:
    """Run the optimiser on the programme's submitted requests and available parcels; keep its proposal.

    ``parameters``: ``objective`` (jobs, value_added, mix), ``jobs_weight``, ``value_added_weight``
    (per job and per million MAD), ``priorities`` {ecosystem code: weight}, ``quotas`` {ecosystem code:
    {max_hectares, min_hectares, max_requests}}, ``time_limit_s``.
    """
    require(actor, "land.allocate")
    objective, quotas = _objective(parameters), _quotas(parameters)
    parcels, requests = analytics_inputs(programme)
    try:
        plan = landopt.optimise_land(
            parcels, requests, objective, quotas=quotas, time_limit_s=float(parameters.get("time_limit_s", 30))
        )
    except landopt.LandOptError as error:
        message = QUOTAS_INFEASIBLE if error.code == "quotas_infeasible" else NO_SOLUTION
        raise Conflict(message, code=error.code) from None
    return Proposal.objects.create(
        programme=programme,
        parameters=dict(parameters),
        plan={
            "assignments": [
                {"request": a.request_id, "parcels": list(a.parcel_ids), "area_m2": a.area_m2, "value": a.value}
                for a in plan.assignments
            ],
            "unserved": [
                {"request": u.request_id, "reason": u.reason, "params": _plain(u.params)} for u in plan.unserved
            ],
            "dual_bound": plan.dual_bound,
            "variables": plan.variables,
        },
        objective_value=plan.objective,
        mip_gap=plan.mip_gap,
        proven_optimal=plan.proven_optimal,
        solve_seconds=plan.solve_seconds,
        created_by=actor,
    )


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, tuple | frozenset | set) else v) for k, v in params.items()}


@transaction.atomic
def proposal_accept(
    *, actor: User, proposal: Proposal, edited: Mapping[str, Sequence[str]] | None = None, days: int = 30
) -> list[LandRequest]:
    """Reserve and allocate every assignment of the proposal (or of the person's edited version of it).

    ``edited`` maps request references to parcel keys (``zone/parcel``); an empty list leaves the
    request unserved. The edit is checked by ``landopt.check_proposal`` first; then each assignment
    goes through the workflow's own steps, all or nothing.
    """
    require(actor, "land.allocate")
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.accepted_at is not None:
        raise Conflict(ALREADY_ACCEPTED, code="already_accepted")
    chosen = {a["request"]: tuple(a["parcels"]) for a in proposal.plan.get("assignments", [])}
    if edited is not None:
        run = {a["request"] for a in proposal.plan.get("assignments", [])} | {
            u["request"] for u in proposal.plan.get("unserved", [])
        }
        for reference in edited:
            if reference not in run:
                raise ValidationFailed(REQUEST_NOT_IN_RUN % {"reference": reference}, code="request_not_in_run")
        chosen = {**chosen, **{ref: tuple(keys) for ref, keys in edited.items()}}
        chosen = {ref: keys for ref, keys in chosen.items() if keys}
        parcels, requests = analytics_inputs(proposal.programme)
        violations = landopt.check_proposal(
            parcels, [r for r in requests if r.id in chosen], chosen, quotas=_quotas(proposal.parameters)
        )
        if violations:
            problems = "; ".join(f"{v.request_id or ''} {v.code}".strip() for v in violations)
            raise ValidationFailed(EDIT_INVALID % {"problems": problems}, code="proposal_invalid")
    accepted = []
    now = timezone.now()
    for reference, keys in sorted(chosen.items()):
        request = LandRequest.objects.get(reference=reference)
        zone_code = keys[0].split("/", 1)[0]
        parcels_ = list(Parcel.objects.filter(zone__code=zone_code, code__in=[k.split("/", 1)[1] for k in keys]))
        services.reserve(actor=actor, request=request, parcels=parcels_, days=days, now=now)
        accepted.append(services.allocate(actor=actor, request=request, now=now))
    proposal.accepted_by, proposal.accepted_at = actor, now
    proposal.plan = {**proposal.plan, "accepted": {ref: list(keys) for ref, keys in chosen.items()}}
    proposal.save(update_fields=["accepted_by", "accepted_at", "plan", "updated_at"])
    return accepted


def occupancy(programme: Programme) -> dict[str, Any]:
    """Hectares per zone (area, allocated, reserved, available) and committed per ecosystem, against the
    programme's land commitment."""
    from ecosys.programmes.models import Commitment

    areas: dict[int, dict[str, Decimal]] = {}
    for zone_id, status, area in (
        Parcel.objects.filter(zone__programme=programme).values_list("zone_id", "status").annotate(a=Sum("area_m2"))
    ):
        areas.setdefault(zone_id, {})[status] = area
    zones: list[dict[str, Any]] = [
        {"zone": zone, "by_status": areas.get(zone.pk, {}), "allocated_ha": zone.allocated_m2 / 10_000}
        for zone in Zone.objects.filter(programme=programme).order_by("code")
    ]
    committed_by_ecosystem = committed_by_ecosystem_ha(programme)
    promised = Commitment.objects.filter(contract__sector__programme=programme, kind="land_hectares").aggregate(
        s=Max("amount")
    )["s"]
    return {
        "zones": zones,
        "total_ha": sum((z["zone"].area_m2 for z in zones), Decimal(0)) / 10_000,
        "committed_ha": services.committed_hectares(programme),
        "promised_ha": promised,
        "by_ecosystem": dict(sorted(committed_by_ecosystem.items())),
    }
