"""Reads of the land domain, scoped to what the actor may see.

Zones and parcels are public to every signed-in role (``land.view``). Land requests: staff see all of
them (``land.view_all``); a company user sees its own company's only. Optimiser proposals name every
submitted request of the programme, so they are read by staff only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.core.errors import NotFound
from ecosys.core.permissions import actor_can, require
from ecosys.investments.models import InvestmentProject
from ecosys.investments.selectors import actor_companies
from ecosys.land.models import Holding, LandRequest, Parcel, Proposal, Zone
from ecosys.programmes.models import Commitment, Programme

ZONE_NOT_FOUND = _("No such industrial zone.")
REQUEST_NOT_FOUND = _("No such land request.")
PROPOSAL_NOT_FOUND = _("No such optimiser proposal.")


def sees_all_requests(actor: User) -> bool:
    return actor_can(actor, "land.view_all")


def zone_list(*, actor: User, programme: Programme | None = None) -> QuerySet[Zone]:
    """Return the zones (of one programme when given), by code."""
    require(actor, "land.view")
    zones = Zone.objects.select_related("programme", "region", "province")
    if programme is not None:
        zones = zones.filter(programme=programme)
    return zones.order_by("programme", "code")


def zone_get(*, actor: User, code: str) -> Zone:
    zone = zone_list(actor=actor).filter(code=code).first()
    if zone is None:
        raise NotFound(ZONE_NOT_FOUND)
    return zone


def live_holdings() -> Prefetch:
    """Prefetch of the live holdings of parcels, with their request (``parcel.live_holdings``)."""
    return Prefetch(
        "holdings",
        queryset=Holding.objects.filter(live=True).select_related("request"),
        to_attr="live_holdings",
    )


def parcel_list(*, actor: User, zone: Zone | None = None, programme: Programme | None = None) -> QuerySet[Parcel]:
    """Return the parcels (of one zone or one programme when given) with their live holdings prefetched.

    Every role sees the parcels and their status; which request holds a parcel is shown through
    ``holder_reference`` only to those who may see that request.
    """
    require(actor, "land.view")
    parcels = Parcel.objects.select_related("zone").prefetch_related(live_holdings())
    if zone is not None:
        parcels = parcels.filter(zone=zone)
    if programme is not None:
        parcels = parcels.filter(zone__programme=programme)
    return parcels.order_by("zone__code", "code")


def available_parcels(*, actor: User, zone: Zone) -> QuerySet[Parcel]:
    """Return the zone's parcels that can be reserved: available and held by no live request."""
    return parcel_list(actor=actor, zone=zone).filter(status=Parcel.Status.AVAILABLE).exclude(holdings__live=True)


def holder_reference(*, actor: User, parcel: Parcel) -> str:
    """Return the reference of the request holding the parcel, or "" when none or the actor may not see it.

    ``parcel`` must come from ``parcel_list`` (its ``live_holdings`` prefetched).
    """
    holdings = getattr(parcel, "live_holdings", None)
    if holdings is None:
        holdings = list(parcel.holdings.filter(live=True).select_related("request"))
    if not holdings:
        return ""
    request = holdings[0].request
    if sees_all_requests(actor) or request.company_id in _company_ids(actor):
        return str(request.reference)
    return ""


def _company_ids(actor: User) -> set[int]:
    cached: set[int] | None = getattr(actor, "_land_company_ids", None)
    if cached is None:
        cached = set(actor_companies(actor).values_list("pk", flat=True))
        actor._land_company_ids = cached  # type: ignore[attr-defined]
    return cached


def request_list(*, actor: User) -> QuerySet[LandRequest]:
    """Return the land requests the actor may see: all for staff, its company's for a company user."""
    require(actor, "land.view")
    requests = LandRequest.objects.select_related("project", "project__ecosystem", "company", "created_by")
    if sees_all_requests(actor):
        return requests
    return requests.filter(company__in=actor_companies(actor))


def request_get(*, actor: User, reference: str) -> LandRequest:
    request = (
        request_list(actor=actor)
        .prefetch_related(
            "preferred_zones",
            Prefetch(
                "holdings",
                queryset=Holding.objects.select_related("parcel", "parcel__zone").order_by("-live", "parcel__code"),
            ),
        )
        .filter(reference=reference)
        .first()
    )
    if request is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return request


def requestable_projects(*, actor: User) -> QuerySet[InvestmentProject]:
    """Return the projects the actor may request land for: its company's, or all for the land office."""
    require(actor, "land.request")
    projects = InvestmentProject.objects.select_related("company", "ecosystem").order_by("code")
    if actor_can(actor, "land.allocate"):
        return projects
    return projects.filter(company__in=actor_companies(actor))


def proposal_list(*, actor: User) -> QuerySet[Proposal]:
    require(actor, "land.view_all")
    return Proposal.objects.select_related("programme", "created_by", "accepted_by").order_by("-created_at", "-id")


def proposal_get(*, actor: User, pk: int) -> Proposal:
    proposal = proposal_list(actor=actor).filter(pk=pk).first()
    if proposal is None:
        raise NotFound(PROPOSAL_NOT_FOUND)
    return proposal


def committed_by_ecosystem_ha(programme: Programme) -> dict[str, Decimal]:
    """Hectares allocated, signed or built per ecosystem code (the live, allocated holdings), in one query."""
    rows = (
        Holding.objects.filter(live=True, allocated_at__isnull=False, parcel__zone__programme=programme)
        .values_list("request__project__ecosystem__code")
        .annotate(area=Sum("parcel__area_m2"))
        .order_by("request__project__ecosystem__code")
    )
    return {code: area / 10_000 for code, area in rows}


def programme_land_summary(*, actor: User, programme: Programme) -> dict[str, Any] | None:
    """Hectares committed in the programme's zones, in all and per ecosystem, against its land commitment.

    None when the programme has no zone. Two queries at most (the monitoring dashboard shows it).
    """
    require(actor, "land.view")
    promised = (
        Commitment.objects.filter(contract__sector__programme=OuterRef("pk"), kind="land_hectares")
        .order_by("-amount")
        .values("amount")[:1]
    )
    totals = (
        Programme.objects.filter(pk=programme.pk)
        .annotate(
            zone_count=Count("zones"),
            area=Sum("zones__area_m2"),
            allocated=Sum("zones__allocated_m2"),
            promised=Subquery(promised),
        )
        .values("zone_count", "area", "allocated", "promised")
        .first()
    )
    if not totals or not totals["zone_count"]:
        return None
    committed = (totals["allocated"] or Decimal(0)) / 10_000
    promised_ha = totals["promised"]
    return {
        "zones": totals["zone_count"],
        "total_ha": (totals["area"] or Decimal(0)) / 10_000,
        "committed_ha": committed,
        "promised_ha": promised_ha,
        "share": committed / promised_ha if promised_ha else None,
        "by_ecosystem": committed_by_ecosystem_ha(programme),
    }
