"""API of industrial land: zones with their occupancy and parcels (GeoJSON), imports of zones and parcels,
land requests from submission to the built plant, the optimiser's proposals, the programme's occupancy.

Every endpoint reads through ``ecosys.land.selectors`` (a company user sees its own company's requests
only; another company's is not found) and writes through ``ecosys.land.services`` and
``ecosys.land.optimiser``, as the pages do, so both refuse the same things with the same codes. A parcel
is named ``ZONE/PARCEL`` (``BER/P01``), as in the optimiser's proposals.

Zones and parcels are imported from a GeoJSON FeatureCollection sent either as the request body
(``application/geo+json`` or ``application/json``) or as a file named ``file`` in a multipart form.
A file with any problem is refused as a whole (400, ``geojson_invalid``), one error per problem with the
position of its feature, and nothing is written.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from ecosys.accounts.models import User
from ecosys.core.errors import NotFound, ValidationFailed
from ecosys.core.http import actor_of
from ecosys.investments.selectors import PROJECT_NOT_FOUND
from ecosys.land import optimiser, selectors, services
from ecosys.land.exports import ZoneFigures, zone_figures
from ecosys.land.models import Holding, LandRequest, Parcel, Proposal, Zone
from ecosys.programmes.models import Programme
from ecosys.programmes.selectors import programme_get

router = Router(tags=["land"])
PAGE = {"max_limit": 1000}
MAX_GEOJSON_MB = 20

GEOJSON_MISSING = _("Send a GeoJSON FeatureCollection as the request body, or as a file named file in a form.")
GEOJSON_TOO_LARGE = _("The file is larger than %(mb)s MB.")
PARCEL_UNKNOWN = _("No parcel %(parcel)s: name each parcel ZONE/PARCEL, for example BER/P01.")
ZONE_UNKNOWN = _("No industrial zone %(code)s.")

GEOJSON_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/geo+json": {"schema": {"type": "object", "description": "A GeoJSON FeatureCollection."}},
            "application/json": {"schema": {"type": "object", "description": "A GeoJSON FeatureCollection."}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


def _geojson(request: HttpRequest) -> bytes:
    """The GeoJSON document of an import: the uploaded ``file`` of a form, else the request body."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(GEOJSON_MISSING, field="file", code="file_missing")
        if upload.size and upload.size > MAX_GEOJSON_MB * 1024 * 1024:
            raise ValidationFailed(GEOJSON_TOO_LARGE % {"mb": MAX_GEOJSON_MB}, field="file", code="file_too_large")
        return upload.read()
    body = request.body
    if not body.strip():
        raise ValidationFailed(GEOJSON_MISSING, field="body", code="file_missing")
    return body


# --------------------------------------------------------------------------------------------------
# Zones and parcels
# --------------------------------------------------------------------------------------------------


class ZoneOut(Schema):
    code: str
    name: str
    programme: str
    region: str
    province: str
    kind: str
    area_m2: Decimal
    hectares: Decimal
    declared_area_m2: Decimal | None
    grid: str
    parcels: int
    parcelled_m2: Decimal = Field(description="Area of the zone's parcels, whatever their status.")
    available_m2: Decimal = Field(description="Area of the parcels available.")
    reserved_m2: Decimal = Field(description="Area of the parcels reserved (not yet allocated).")
    allocated_m2: Decimal = Field(description="Area allocated, signed or built: the zone's counter.")
    allocated_percent: Decimal | None = Field(description="Share of the zone's area allocated.")
    by_status: dict[str, Decimal] = Field(description="Area of the parcels by status (m²).")
    is_generated: bool


class ZoneDetailOut(ZoneOut):
    geometry: dict[str, Any] = Field(description="The zone's outline (GeoJSON, WGS 84).")
    parcel_features: dict[str, Any] = Field(
        description="The parcels as a GeoJSON FeatureCollection (WGS 84); ``holder`` names the request holding "
        "a parcel when the person may see it."
    )


def _zone_body(zone: Zone, figures: ZoneFigures) -> dict[str, Any]:
    return {
        "code": zone.code,
        "name": zone.name,
        "programme": zone.programme.code,
        "region": zone.region.code,
        "province": zone.province.code,
        "kind": zone.kind,
        "area_m2": zone.area_m2,
        "hectares": (zone.area_m2 / 10_000).quantize(Decimal("0.0001")),
        "declared_area_m2": zone.declared_area_m2,
        "grid": zone.grid,
        "parcels": figures.parcels,
        "parcelled_m2": figures.parcelled_m2,
        "available_m2": figures.available_m2,
        "reserved_m2": figures.reserved_m2,
        "allocated_m2": zone.allocated_m2,
        "allocated_percent": figures.allocated_percent,
        "by_status": dict(sorted(figures.by_status.items())),
        "is_generated": zone.is_generated,
    }


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def parcel_feature(actor: User, parcel: Parcel) -> dict[str, Any]:
    """A parcel as a GeoJSON feature, identified by its key ``ZONE/PARCEL``; numbers stay numbers."""
    return {
        "type": "Feature",
        "id": str(parcel),
        "geometry": parcel.geometry,
        "properties": {
            "key": str(parcel),
            "zone": parcel.zone.code,
            "code": parcel.code,
            "area_m2": float(parcel.area_m2),
            "declared_area_m2": _number(parcel.declared_area_m2),
            "price_mad_per_m2": _number(parcel.price_mad_per_m2),
            "rent_mad_per_m2_month": _number(parcel.rent_mad_per_m2_month),
            "services": list(parcel.services),
            "neighbours": list(parcel.neighbours),
            "status": parcel.status,
            "holder": selectors.holder_reference(actor=actor, parcel=parcel),
            "is_generated": parcel.is_generated,
        },
    }


@router.get("/land/zones", response=list[ZoneOut])
def zone_list(request: HttpRequest, programme: str = "") -> list[dict[str, Any]]:
    """The industrial zones (of one programme, by its code), with their occupancy in m²."""
    actor = actor_of(request)
    scope = programme_get(actor=actor, code=programme) if programme else None
    zones = list(selectors.zone_list(actor=actor, programme=scope))
    figures = zone_figures(zones)
    return [_zone_body(zone, figures[zone.pk]) for zone in zones]


class ParcelOut(Schema):
    key: str
    zone: str
    code: str
    area_m2: Decimal
    declared_area_m2: Decimal | None
    price_mad_per_m2: Decimal | None
    rent_mad_per_m2_month: Decimal | None
    services: list[str]
    neighbours: list[str]
    status: str

    @staticmethod
    def resolve_key(obj: Parcel) -> str:
        return str(obj)

    @staticmethod
    def resolve_zone(obj: Parcel) -> str:
        return obj.zone.code


@router.post("/land/zones/import", response={201: list[ZoneOut]}, openapi_extra=GEOJSON_BODY)
def zones_import(request: HttpRequest, programme: str) -> Any:
    """Import zones of a programme from a GeoJSON FeatureCollection (properties: ``code``, ``name``, ``region``
    and ``province`` codes, ``kind`` sale or rental, ``declared_area_m2``); all or nothing."""
    actor = actor_of(request)
    scope = programme_get(actor=actor, code=programme)
    zones = services.zones_import(actor=actor, programme=scope, data=_geojson(request))
    figures = zone_figures(zones)
    return Status(201, [_zone_body(zone, figures[zone.pk]) for zone in zones])


# After /land/zones/import, whose path the zone code would otherwise catch.
@router.get("/land/zones/{code}", response=ZoneDetailOut)
def zone_get(request: HttpRequest, code: str) -> dict[str, Any]:
    """A zone, its outline and its parcels as a GeoJSON FeatureCollection."""
    actor = actor_of(request)
    zone = selectors.zone_get(actor=actor, code=code)
    parcels = selectors.parcel_list(actor=actor, zone=zone)
    return {
        **_zone_body(zone, zone_figures([zone])[zone.pk]),
        "geometry": zone.geometry,
        "parcel_features": {"type": "FeatureCollection", "features": [parcel_feature(actor, p) for p in parcels]},
    }


@router.post("/land/parcels/import", response={201: list[ParcelOut]}, openapi_extra=GEOJSON_BODY)
def parcels_import(request: HttpRequest) -> Any:
    """Import parcels from a GeoJSON FeatureCollection (properties: ``code``, ``zone`` code, ``declared_area_m2``,
    ``price_mad_per_m2`` in a sale park or ``rent_mad_per_m2_month`` in a rental park, ``services``), checked
    inside their zone and against its parcels; all or nothing."""
    actor = actor_of(request)
    parcels = services.parcels_import(actor=actor, data=_geojson(request))
    return Status(201, parcels)


# --------------------------------------------------------------------------------------------------
# Land requests
# --------------------------------------------------------------------------------------------------


class HoldingOut(Schema):
    parcel: str
    area_m2: Decimal
    live: bool
    reserved_at: datetime
    reserved_until: datetime
    allocated_at: datetime | None
    ended_at: datetime | None

    @staticmethod
    def resolve_parcel(obj: Holding) -> str:
        return str(obj.parcel)

    @staticmethod
    def resolve_area_m2(obj: Holding) -> Decimal:
        return obj.parcel.area_m2


class RequestOut(Schema):
    reference: str
    project: str
    project_name: str
    company: str
    company_ice: str
    ecosystem: str
    area_m2: Decimal
    max_area_m2: Decimal | None
    max_parcels: int
    services_needed: list[str]
    preferred_zones: list[str]
    status: str
    agreement: str
    agreement_signed_on: date | None
    reason: str
    created_at: datetime
    is_generated: bool

    @staticmethod
    def resolve_project(obj: LandRequest) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj: LandRequest) -> str:
        return obj.project.name

    @staticmethod
    def resolve_company(obj: LandRequest) -> str:
        return obj.company.name

    @staticmethod
    def resolve_company_ice(obj: LandRequest) -> str:
        return obj.company.ice or ""

    @staticmethod
    def resolve_ecosystem(obj: LandRequest) -> str:
        return obj.project.ecosystem.code

    @staticmethod
    def resolve_preferred_zones(obj: LandRequest) -> list[str]:
        return sorted(z.code for z in obj.preferred_zones.all())


class RequestDetailOut(RequestOut):
    area_low_m2: Decimal = Field(description="Smallest area of parcels this request accepts.")
    area_high_m2: Decimal = Field(description="Largest area of parcels this request accepts.")
    holdings: list[HoldingOut] = Field(description="Parcels held now (live) and before, the live ones first.")

    @staticmethod
    def resolve_area_low_m2(obj: LandRequest) -> Decimal:
        return services.area_window(obj)[0]

    @staticmethod
    def resolve_area_high_m2(obj: LandRequest) -> Decimal:
        return services.area_window(obj)[1].quantize(Decimal("0.1"))

    @staticmethod
    def resolve_holdings(obj: LandRequest) -> list[Holding]:
        return list(obj.holdings.all())


class RequestIn(Schema):
    project: str = Field(description="Code of the investment project the land is for.")
    area_m2: Decimal = Field(description="Area requested, in m².")
    max_area_m2: Decimal | None = Field(None, description="Largest acceptable area; empty: the area plus a quarter.")
    max_parcels: int = Field(1, description="Adjacent parcels at most (1 to 4).")
    services_needed: list[str] = Field(default_factory=list, description=f"Among {', '.join(Parcel.SERVICES)}.")
    preferred_zones: list[str] = Field(default_factory=list, description="Codes of the zones preferred.")


class ReserveIn(Schema):
    parcels: list[str] = Field(description="Parcel keys ZONE/PARCEL, adjacent, in one zone.")
    days: int = Field(services.DEFAULT_RESERVATION_DAYS, description="Days the reservation lasts (1 to 365).")


class AgreementIn(Schema):
    signed_on: date | None = Field(None, description="Date of the lease or sale; empty: today.")


class ReasonIn(Schema):
    reason: str


def _request(actor: User, reference: str) -> LandRequest:
    return selectors.request_get(actor=actor, reference=reference)


def _parcels(actor: User, keys: list[str]) -> list[Parcel]:
    """The parcels named ``ZONE/PARCEL``; any key naming no parcel is refused."""
    wanted: dict[tuple[str, str], str] = {}
    for key in keys:
        zone, _sep, code = key.strip().partition("/")
        if not zone or not code:
            raise ValidationFailed(PARCEL_UNKNOWN % {"parcel": key}, field="parcels", code="parcel_unknown")
        wanted[(zone, code)] = key
    match = Q(pk__in=[])
    for zone, code in wanted:
        match |= Q(zone__code=zone, code=code)
    found = {(p.zone.code, p.code): p for p in selectors.parcel_list(actor=actor).filter(match)}
    for pair, key in wanted.items():
        if pair not in found:
            raise ValidationFailed(PARCEL_UNKNOWN % {"parcel": key}, field="parcels", code="parcel_unknown")
    return [found[pair] for pair in wanted]


def _zones(actor: User, codes: list[str]) -> list[Zone]:
    zones = {z.code: z for z in selectors.zone_list(actor=actor).filter(code__in=codes)}
    for code in codes:
        if code not in zones:
            raise ValidationFailed(ZONE_UNKNOWN % {"code": code}, field="preferred_zones", code="zone_unknown")
    return [zones[code] for code in dict.fromkeys(codes)]


@router.get("/land/requests", response=list[RequestOut])
@paginate(LimitOffsetPagination, **PAGE)
def request_list(request: HttpRequest, status: str = "", project: str = "") -> Any:
    """The land requests the person may see (a company user: its company's), newest first."""
    requests = selectors.request_list(actor=actor_of(request)).prefetch_related("preferred_zones")
    if status:
        requests = requests.filter(status=status)
    if project:
        requests = requests.filter(project__code=project)
    return requests


@router.post("/land/requests", response={201: RequestDetailOut})
def request_create(request: HttpRequest, payload: RequestIn) -> Any:
    """Request land for a project (a company for its own projects, the land office for any); refused when
    larger than any zone of the project's programme."""
    actor = actor_of(request)
    project = selectors.requestable_projects(actor=actor).filter(code=payload.project).first()
    if project is None:
        raise NotFound(PROJECT_NOT_FOUND)
    created = services.request_create(
        actor=actor,
        project=project,
        area_m2=payload.area_m2,
        max_area_m2=payload.max_area_m2,
        max_parcels=payload.max_parcels,
        services_needed=payload.services_needed,
        preferred_zones=_zones(actor, payload.preferred_zones),
    )
    return Status(201, _request(actor, created.reference))


@router.get("/land/requests/{reference}", response=RequestDetailOut)
def request_get(request: HttpRequest, reference: str) -> LandRequest:
    """A land request with the parcels it holds and held."""
    return _request(actor_of(request), reference)


@router.post("/land/requests/{reference}/reserve", response=RequestDetailOut)
def request_reserve(request: HttpRequest, reference: str, payload: ReserveIn) -> LandRequest:
    """Reserve adjacent parcels of one zone for the request, until an expiry (the land office)."""
    actor = actor_of(request)
    land_request = _request(actor, reference)
    parcels = _parcels(actor, payload.parcels)
    services.reserve(actor=actor, request=land_request, parcels=parcels, days=payload.days)
    return _request(actor, reference)


@router.post("/land/requests/{reference}/allocate", response=RequestDetailOut)
def request_allocate(request: HttpRequest, reference: str) -> LandRequest:
    """Allocate the parcels reserved for the request; the zone's allocated area never exceeds its area."""
    actor = actor_of(request)
    services.allocate(actor=actor, request=_request(actor, reference))
    return _request(actor, reference)


@router.post("/land/requests/{reference}/agreement", response=RequestDetailOut)
def request_agreement(request: HttpRequest, reference: str, payload: AgreementIn) -> LandRequest:
    """Record the lease (rental park) or the sale (sale park) of an allocated request."""
    actor = actor_of(request)
    signed_on = payload.signed_on or timezone.localdate()
    services.agreement_sign(actor=actor, request=_request(actor, reference), signed_on=signed_on)
    return _request(actor, reference)


@router.post("/land/requests/{reference}/built", response=RequestDetailOut)
def request_built(request: HttpRequest, reference: str) -> LandRequest:
    """Record that the plant is built on the request's parcels."""
    actor = actor_of(request)
    services.built(actor=actor, request=_request(actor, reference))
    return _request(actor, reference)


@router.post("/land/requests/{reference}/release", response=RequestDetailOut)
def request_release(request: HttpRequest, reference: str, payload: ReasonIn) -> LandRequest:
    """The land office takes the land back, with the reason; the parcels are available again."""
    actor = actor_of(request)
    services.release(actor=actor, request=_request(actor, reference), reason=payload.reason)
    return _request(actor, reference)


@router.post("/land/requests/{reference}/withdraw", response=RequestDetailOut)
def request_withdraw(request: HttpRequest, reference: str, payload: ReasonIn) -> LandRequest:
    """The company (or the land office for it) withdraws a request not yet signed, with the reason."""
    actor = actor_of(request)
    services.withdraw(actor=actor, request=_request(actor, reference), reason=payload.reason)
    return _request(actor, reference)


# --------------------------------------------------------------------------------------------------
# The optimiser
# --------------------------------------------------------------------------------------------------


class QuotaIn(Schema):
    max_hectares: float | None = None
    min_hectares: float | None = None
    max_requests: int | None = None


class ProposalIn(Schema):
    programme: str = Field(description="Programme code.")
    objective: str = Field("jobs", description="jobs, value_added or mix.")
    jobs_weight: float = Field(1, description="Weight of a job (mix).")
    value_added_weight: float = Field(0, description="Weight of a million MAD of value added (mix).")
    priorities: dict[str, float] = Field(default_factory=dict, description="Ecosystem code: weight (default 1).")
    quotas: dict[str, QuotaIn] = Field(default_factory=dict, description="Ecosystem code: its limits.")
    time_limit_s: float = Field(30, gt=0, le=600, description="The solver's time limit, in seconds.")


class AcceptIn(Schema):
    edits: dict[str, list[str]] | None = Field(
        None,
        description="Request reference: parcel keys ZONE/PARCEL, replacing the proposal's assignment; an empty "
        "list leaves the request unserved. Empty: the proposal as computed.",
    )
    days: int = Field(services.DEFAULT_RESERVATION_DAYS, description="Days the reservations last (1 to 365).")


class AssignmentOut(Schema):
    request: str
    parcels: list[str]
    area_m2: float
    value: float


class UnservedOut(Schema):
    request: str
    reason: str
    message: str
    params: dict[str, Any]


class ProposalOut(Schema):
    id: int
    programme: str
    parameters: dict[str, Any]
    assignments: list[AssignmentOut]
    unserved: list[UnservedOut]
    objective_value: float | None
    dual_bound: float | None
    mip_gap: float | None
    proven_optimal: bool
    solve_seconds: float | None
    created_at: datetime
    created_by: str
    accepted_by: str | None
    accepted_at: datetime | None
    accepted: dict[str, list[str]] | None = Field(description="The assignments accepted (as edited), once accepted.")

    @staticmethod
    def resolve_programme(obj: Proposal) -> str:
        return obj.programme.code

    @staticmethod
    def resolve_assignments(obj: Proposal) -> list[dict[str, Any]]:
        return list(obj.plan.get("assignments", []))

    @staticmethod
    def resolve_unserved(obj: Proposal) -> list[dict[str, Any]]:
        return [
            {**u, "message": str(optimiser.UNSERVED_REASONS.get(u["reason"], u["reason"]))}
            for u in obj.plan.get("unserved", [])
        ]

    @staticmethod
    def resolve_dual_bound(obj: Proposal) -> float | None:
        return obj.plan.get("dual_bound")

    @staticmethod
    def resolve_created_by(obj: Proposal) -> str:
        return obj.created_by.get_username()

    @staticmethod
    def resolve_accepted_by(obj: Proposal) -> str | None:
        return obj.accepted_by.get_username() if obj.accepted_by else None

    @staticmethod
    def resolve_accepted(obj: Proposal) -> dict[str, list[str]] | None:
        return obj.plan.get("accepted")


@router.get("/land/proposals", response=list[ProposalOut])
@paginate(LimitOffsetPagination, **PAGE)
def proposal_list(request: HttpRequest) -> Any:
    """The optimiser's proposals, newest first (staff: a proposal names every submitted request)."""
    return selectors.proposal_list(actor=actor_of(request))


@router.post("/land/proposals", response={201: ProposalOut})
def proposal_run(request: HttpRequest, payload: ProposalIn) -> Any:
    """Run the optimiser on the programme's submitted requests and available parcels; keep its proposal.
    Nothing is reserved until a person accepts it."""
    actor = actor_of(request)
    programme = programme_get(actor=actor, code=payload.programme)
    parameters = payload.dict(exclude={"programme"})
    parameters["quotas"] = {
        code: {k: v for k, v in limits.items() if v is not None} for code, limits in parameters["quotas"].items()
    }
    proposal = optimiser.proposal_run(actor=actor, programme=programme, parameters=parameters)
    return Status(201, selectors.proposal_get(actor=actor, pk=proposal.pk))


@router.get("/land/proposals/{pk}", response=ProposalOut)
def proposal_get(request: HttpRequest, pk: int) -> Proposal:
    return selectors.proposal_get(actor=actor_of(request), pk=pk)


@router.post("/land/proposals/{pk}/accept", response=ProposalOut)
def proposal_accept(request: HttpRequest, pk: int, payload: AcceptIn) -> Proposal:
    """Reserve and allocate every assignment of the proposal, as computed or with the person's edits, through
    the same steps as a person's choice: if one is refused, nothing is taken."""
    actor = actor_of(request)
    proposal = selectors.proposal_get(actor=actor, pk=pk)
    optimiser.proposal_accept(actor=actor, proposal=proposal, edited=payload.edits, days=payload.days)
    return selectors.proposal_get(actor=actor, pk=pk)


# --------------------------------------------------------------------------------------------------
# Occupancy of a programme
# --------------------------------------------------------------------------------------------------


class ZoneOccupancyOut(Schema):
    code: str
    name: str
    kind: str
    area_ha: Decimal
    allocated_ha: Decimal
    by_status_ha: dict[str, Decimal]


class OccupancyOut(Schema):
    programme: str
    total_ha: Decimal = Field(description="Area of the programme's zones.")
    committed_ha: Decimal = Field(description="Hectares allocated, signed or built.")
    promised_ha: Decimal | None = Field(description="Hectares the programme's contracts commit, if any.")
    by_ecosystem_ha: dict[str, Decimal] = Field(description="Hectares committed per ecosystem code.")
    zones: list[ZoneOccupancyOut]


def _ha(area_m2: Decimal) -> Decimal:
    return (Decimal(area_m2) / 10_000).quantize(Decimal("0.0001"))


@router.get("/land/occupancy", response=OccupancyOut)
def occupancy(request: HttpRequest, programme: str) -> dict[str, Any]:
    """Hectares of the programme's zones by parcel status, committed per ecosystem, against its commitment."""
    actor = actor_of(request)
    scope: Programme = programme_get(actor=actor, code=programme)
    selectors.zone_list(actor=actor, programme=scope)  # the land of a programme is read by those who read land
    figures = optimiser.occupancy(scope)
    return {
        "programme": scope.code,
        "total_ha": _ha(figures["total_ha"] * 10_000),
        "committed_ha": _ha(figures["committed_ha"] * 10_000),
        "promised_ha": figures["promised_ha"],
        "by_ecosystem_ha": {code: _ha(ha * 10_000) for code, ha in figures["by_ecosystem"].items()},
        "zones": [
            {
                "code": z["zone"].code,
                "name": z["zone"].name,
                "kind": z["zone"].kind,
                "area_ha": _ha(z["zone"].area_m2),
                "allocated_ha": _ha(z["zone"].allocated_m2),
                "by_status_ha": {status: _ha(area) for status, area in sorted(z["by_status"].items())},
            }
            for z in figures["zones"]
        ],
    }
