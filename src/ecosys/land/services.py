"""Writes of the land domain: zones and parcels imported from GeoJSON, land requests from submission to
the built plant, reservations that expire, and the optimiser's proposals accepted through the same steps.

Every step that takes land goes through ``reserve`` and ``allocate``, so the invariants of
``ecosys.land.models`` hold for a person's choice and for an accepted proposal alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.analytics import landgeo
from ecosys.analytics.landopt import DEFAULT_AREA_SLACK
from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.permissions import actor_can, require
from ecosys.core.references import create_numbered
from ecosys.investments.models import InvestmentProject, Province, Region
from ecosys.investments.selectors import actor_companies
from ecosys.land.models import Holding, LandRequest, Parcel, Zone
from ecosys.programmes.models import Programme

R = LandRequest.Status
P = Parcel.Status
DEFAULT_RESERVATION_DAYS = 30
DEFAULT_SLACK = Decimal(str(DEFAULT_AREA_SLACK))  # the optimiser's: a lot up to a quarter larger

GEO_MESSAGES = {
    "not_json": _("The file is not JSON: %(detail)s."),
    "not_a_feature_collection": _("The file is not a GeoJSON FeatureCollection."),
    "unknown_projection": _(
        "Unknown projection %(crs)s: give coordinates in longitude/latitude (WGS 84) or in a Moroccan Lambert grid "
        "(EPSG 26191, 26192, 26194, 26195)."
    ),
    "no_features": _("The file has no feature."),
    "not_a_feature": _("This is not a GeoJSON feature."),
    "not_a_polygon": _("The geometry must be a Polygon or a MultiPolygon."),
    "geometry_unreadable": _("The geometry cannot be read: %(detail)s."),
    "geometry_empty": _("The geometry is empty."),
    "coordinates_not_degrees": _(
        "The coordinates are not longitude/latitude (bounds %(bounds)s): name the file's projection in its crs member."
    ),
    "geometry_invalid": _("The outline is not a valid polygon (%(detail)s), e.g. it crosses itself."),
    "code_missing": _("The feature has no code."),
    "code_duplicate": _("The code %(code)s is used twice."),
    "declared_area_not_a_number": _("The declared area of %(code)s is not a number above zero."),
    "area_differs": _(
        "%(code)s: the outline measures %(measured_m2)s m², the declared area is %(declared_m2)s m² "
        "(more than %(tolerance)s apart)."
    ),
    "zone_unknown": _("Parcel %(code)s: no zone %(zone)s."),
    "outside_zone": _("Parcel %(code)s lies outside its zone %(zone)s (%(outside_m2)s m² outside)."),
    "parcels_overlap": _("Parcels %(code)s and %(other)s overlap (%(overlap_m2)s m²)."),
}
FILE_REFUSED = _("The file was refused, nothing was imported: %(count)s problem(s), listed below.")
ZONE_EXISTS = _("Zone %(code)s already exists.")
PARCEL_EXISTS = _("Parcel %(code)s already exists in zone %(zone)s.")
REGION_UNKNOWN = _("Zone %(code)s: unknown region or province code.")
KIND_UNKNOWN = _("Zone %(code)s: the kind is sale or rental.")
PRICE_MISSING = _("Parcel %(code)s: a sale park needs a price per m², a rental park a rent per m² per month.")
SERVICE_UNKNOWN = _("Unknown service %(service)s (known: %(known)s).")
ANOTHER_COMPANY = _(
    "This project belongs to another company: you can request land only for your own company's projects."
)
AREA_INVALID = _("Enter an area above zero, in m².")
MAX_AREA_BELOW = _("The largest acceptable area cannot be below the area requested.")
MAX_PARCELS_INVALID = _("A request is served by 1 to 4 adjacent parcels.")
LARGER_THAN_ANY_ZONE = _(
    "%(area)s m² is larger than any industrial zone of the programme (the largest has %(largest)s m²)."
)
NO_ZONE = _("The programme has no industrial zone yet.")
ZONE_OF_ANOTHER_PROGRAMME = _("Zone %(code)s belongs to another programme.")
WRONG_STATUS = _("This request is %(status)s: this step is not possible now.")
NO_PARCEL = _("Choose at least one parcel.")
TOO_MANY_PARCELS = _("This request accepts at most %(n)s parcel(s).")
PARCELS_NOT_ONE_ZONE = _("The parcels of one request must be in one zone.")
PARCELS_NOT_ADJACENT = _("The parcels of one request must be adjacent.")
PARCEL_NOT_AVAILABLE = _("Parcel %(parcel)s is not available (%(status)s).")
PARCEL_HELD = _("Parcel %(parcel)s is already held by another request.")
AREA_DOES_NOT_FIT = _("The parcels measure %(area)s m²; this request accepts %(low)s to %(high)s m².")
SERVICE_MISSING = _("Parcel %(parcel)s lacks %(service)s, which this request needs.")
RESERVATION_EXPIRED = _("The reservation expired on %(date)s: reserve again.")
ZONE_FULL = _("Zone %(zone)s has %(left)s m² left to allocate: %(area)s m² would exceed its area.")
AGREEMENT_KIND = _("Zone %(zone)s is a %(kind)s: its agreements are %(agreement)s.")
REASON_REQUIRED = _("Give the reason.")
DAYS_INVALID = _("A reservation lasts 1 to 365 days.")


def _fmt(value: Decimal | float) -> str:
    return number_format(Decimal(str(value)).quantize(Decimal("1")), use_l10n=True, force_grouping=True)


def _geo_refusal(error: landgeo.LandGeoError) -> ValidationFailed:
    details = []
    for problem in error.problems:
        params = {k: (_fmt(v) if isinstance(v, float) and k.endswith("m2") else v) for k, v in problem.params.items()}
        if "tolerance" in params:
            params["tolerance"] = f"{float(problem.params['tolerance']) * 100:g} %"
        message = GEO_MESSAGES.get(problem.code, problem.code)
        details.append(
            {"row": problem.feature, "column": problem.code, "message": message % params if params else message}
        )
    return ValidationFailed(FILE_REFUSED % {"count": len(details)}, code="geojson_invalid", details=details)


def _decimal(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def _services(raw: object) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else list(raw or [])  # type: ignore[call-overload]
    services = sorted({str(s).strip().lower() for s in items if str(s).strip()})
    unknown = [s for s in services if s not in Parcel.SERVICES]
    if unknown:
        raise ValidationFailed(
            SERVICE_UNKNOWN % {"service": unknown[0], "known": ", ".join(Parcel.SERVICES)},
            field="services",
            code="service_unknown",
        )
    return services


# -- zones and parcels --------------------------------------------------------------------------------------------


@transaction.atomic
def zones_import(
    *, actor: User | None, programme: Programme, data: bytes | str | Mapping[str, Any], is_generated: bool = False
) -> list[Zone]:
    """Import zones from GeoJSON (properties: code, name, region, province, kind, declared_area_m2); all or nothing."""
    if actor is not None:
        require(actor, "land.manage")
    try:
        shapes = landgeo.read_zones(data)
    except landgeo.LandGeoError as error:
        raise _geo_refusal(error) from None
    zones = []
    for item in shapes:
        props = item.properties
        if Zone.objects.filter(code=item.code).exists():
            raise Conflict(ZONE_EXISTS % {"code": item.code}, code="zone_exists")
        region = Region.objects.filter(code=str(props.get("region") or "")).first()
        province = Province.objects.filter(code=str(props.get("province") or ""), region=region).first()
        if region is None or province is None:
            raise ValidationFailed(REGION_UNKNOWN % {"code": item.code}, field="region", code="region_unknown")
        if props.get("kind") not in Zone.Kind.values:
            raise ValidationFailed(KIND_UNKNOWN % {"code": item.code}, field="kind", code="kind_unknown")
        zones.append(
            Zone.objects.create(
                programme=programme,
                code=item.code,
                name=str(props.get("name") or item.code),
                region=region,
                province=province,
                kind=props["kind"],
                geometry=item.geometry,
                area_m2=Decimal(str(round(item.area_m2, 1))),
                declared_area_m2=_decimal(props.get("declared_area_m2")),
                grid=item.grid,
                is_generated=is_generated,
            )
        )
    return zones


@transaction.atomic
def parcels_import(
    *, actor: User | None, data: bytes | str | Mapping[str, Any], is_generated: bool = False
) -> list[Parcel]:
    """Import parcels from GeoJSON (properties: code, zone, declared_area_m2, price_mad_per_m2 or
    rent_mad_per_m2_month, services); checked against their zone and the zone's parcels; all or nothing."""
    if actor is not None:
        require(actor, "land.manage")
    zones = {z.code: z for z in Zone.objects.all()}
    existing: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for parcel in Parcel.objects.select_related("zone").only("code", "geometry", "zone__code"):
        existing.setdefault(parcel.zone.code, []).append((parcel.code, parcel.geometry))
    try:
        shapes = landgeo.read_parcels(data, {c: z.geometry for c, z in zones.items()}, existing=existing)
    except landgeo.LandGeoError as error:
        raise _geo_refusal(error) from None
    parcels = []
    for item in shapes:
        zone = zones[item.zone or ""]
        props = item.properties
        if Parcel.objects.filter(zone=zone, code=item.code).exists():
            raise Conflict(PARCEL_EXISTS % {"code": item.code, "zone": zone.code}, code="parcel_exists")
        price, rent = _decimal(props.get("price_mad_per_m2")), _decimal(props.get("rent_mad_per_m2_month"))
        if (zone.kind == Zone.Kind.SALE and price is None) or (zone.kind == Zone.Kind.RENTAL and rent is None):
            raise ValidationFailed(PRICE_MISSING % {"code": item.code}, field="price", code="price_missing")
        parcels.append(
            Parcel(
                zone=zone,
                code=item.code,
                geometry=item.geometry,
                area_m2=Decimal(str(round(item.area_m2, 1))),
                declared_area_m2=_decimal(props.get("declared_area_m2")),
                price_mad_per_m2=price,
                rent_mad_per_m2_month=rent,
                services=_services(props.get("services")),
                neighbours=sorted(item.neighbours),
                is_generated=is_generated,
            )
        )
    created = Parcel.objects.bulk_create(parcels)
    # Existing parcels learn their new neighbours.
    new_by_zone: dict[int, dict[str, set[str]]] = {}
    for parcel in created:
        for other in parcel.neighbours:
            new_by_zone.setdefault(parcel.zone_id, {}).setdefault(other, set()).add(parcel.code)
    for zone_id, links in new_by_zone.items():
        for old in Parcel.objects.filter(zone_id=zone_id, code__in=list(links)).exclude(pk__in=[p.pk for p in created]):
            old.neighbours = sorted(set(old.neighbours) | links[old.code])
            old.save(update_fields=["neighbours", "updated_at"])
    return created


# -- requests -----------------------------------------------------------------------------------------------------


def _check_applicant(actor: User, project: InvestmentProject) -> None:
    require(actor, "land.request")
    if actor_can(actor, "land.allocate"):
        return  # the land office may file on a company's behalf
    if not actor_companies(actor).filter(pk=project.company_id).exists():
        raise PermissionDenied(ANOTHER_COMPANY, code="forbidden:another_company")


@transaction.atomic
def request_create(
    *,
    actor: User,
    project: InvestmentProject,
    area_m2: object,
    max_area_m2: object = None,
    max_parcels: object = 1,
    services_needed: Iterable[str] | str = (),
    preferred_zones: Sequence[Zone] = (),
    is_generated: bool = False,
) -> LandRequest:
    """Request land for a project; refused when larger than any zone of its programme."""
    _check_applicant(actor, project)
    area = _decimal(area_m2)
    if not area:
        raise ValidationFailed(AREA_INVALID, field="area_m2", code="area_invalid")
    largest = _decimal(max_area_m2) if max_area_m2 not in (None, "") else None
    if max_area_m2 not in (None, "") and (largest is None or largest < area):
        raise ValidationFailed(MAX_AREA_BELOW, field="max_area_m2", code="max_area_below")
    try:
        parcels_at_most = int(str(max_parcels))
    except ValueError:
        parcels_at_most = 0
    if not 1 <= parcels_at_most <= 4:
        raise ValidationFailed(MAX_PARCELS_INVALID, field="max_parcels", code="max_parcels_invalid")
    services = _services(services_needed)
    programme_id = project.ecosystem.sector.programme_id
    biggest = Zone.objects.filter(programme_id=programme_id).aggregate(m=Max("area_m2"))["m"]
    if biggest is None:
        raise ValidationFailed(NO_ZONE, field="area_m2", code="no_zone")
    if area > biggest:
        raise ValidationFailed(
            LARGER_THAN_ANY_ZONE % {"area": _fmt(area), "largest": _fmt(biggest)},
            field="area_m2",
            code="larger_than_any_zone",
        )
    for zone in preferred_zones:
        if zone.programme_id != programme_id:
            raise ValidationFailed(
                ZONE_OF_ANOTHER_PROGRAMME % {"code": zone.code}, field="preferred_zones", code="zone_programme"
            )
    request = create_numbered(
        LandRequest,
        f"LR-{timezone.localdate().year}-",
        project=project,
        company_id=project.company_id,
        area_m2=area,
        max_area_m2=largest,
        max_parcels=parcels_at_most,
        services_needed=services,
        created_by=actor,
        is_generated=is_generated,
    )
    request.preferred_zones.set(preferred_zones)
    return request


def area_window(request: LandRequest) -> tuple[Decimal, Decimal]:
    high = request.max_area_m2 if request.max_area_m2 is not None else request.area_m2 * (1 + DEFAULT_SLACK)
    return request.area_m2, high


def _lock(request: LandRequest, *allowed: str) -> LandRequest:
    request = LandRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in allowed:
        raise Conflict(WRONG_STATUS % {"status": request.get_status_display()}, code="wrong_status")
    return request


def reservations_expire(*, now: dt.datetime | None = None) -> int:
    """End every live reservation past its expiry (never allocated): its parcels are free again."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            Holding.objects.select_for_update()
            .filter(live=True, allocated_at__isnull=True, reserved_until__lte=now)
            .values_list("pk", "parcel_id", "request_id")
        )
        if not expired:
            return 0
        Holding.objects.filter(pk__in=[h[0] for h in expired]).update(live=False, ended_at=now)
        Parcel.objects.filter(pk__in=[h[1] for h in expired], status=P.RESERVED).update(
            status=P.AVAILABLE, updated_at=now
        )
        LandRequest.objects.filter(pk__in={h[2] for h in expired}, status=R.RESERVED).update(
            status=R.EXPIRED, updated_at=now
        )
    return len(expired)


def _connected(codes: Sequence[str], parcels: Mapping[str, Parcel]) -> bool:
    seen, todo = {codes[0]}, [codes[0]]
    while todo:
        current = parcels[todo.pop()]
        for other in current.neighbours:
            if other in parcels and other not in seen:
                seen.add(other)
                todo.append(other)
    return seen == set(codes)


@transaction.atomic
def reserve(
    *,
    actor: User,
    request: LandRequest,
    parcels: Sequence[Parcel],
    days: int = DEFAULT_RESERVATION_DAYS,
    now: dt.datetime | None = None,
) -> LandRequest:
    """Reserve parcels for a request until an expiry: one zone, adjacent, the right area and services."""
    require(actor, "land.allocate")
    now = now or timezone.now()
    reservations_expire(now=now)
    request = _lock(request, R.SUBMITTED, R.EXPIRED)
    if not 1 <= days <= 365:
        raise ValidationFailed(DAYS_INVALID, field="days", code="days_invalid")
    if not parcels:
        raise ValidationFailed(NO_PARCEL, field="parcels", code="no_parcel")
    if len(parcels) > request.max_parcels:
        raise ValidationFailed(TOO_MANY_PARCELS % {"n": request.max_parcels}, field="parcels", code="too_many_parcels")
    # Lock the parcels only (not their zone, which every reservation in it would then queue on) and in one
    # order, so that two requests for overlapping lots wait for each other instead of deadlocking.
    locked = list(
        Parcel.objects.select_for_update(of=("self",))
        .select_related("zone")
        .filter(pk__in=[p.pk for p in parcels])
        .order_by("pk")
    )
    zones = {p.zone_id for p in locked}
    if len(zones) != 1:
        raise ValidationFailed(PARCELS_NOT_ONE_ZONE, field="parcels", code="parcels_not_one_zone")
    by_code = {p.code: p for p in locked}
    if len(locked) > 1 and not _connected(sorted(by_code), by_code):
        raise ValidationFailed(PARCELS_NOT_ADJACENT, field="parcels", code="parcels_not_adjacent")
    for parcel in locked:
        if parcel.status != P.AVAILABLE:
            raise Conflict(
                PARCEL_NOT_AVAILABLE % {"parcel": str(parcel), "status": parcel.get_status_display()},
                code="parcel_not_available",
            )
        for service in request.services_needed:
            if service not in parcel.services:
                raise ValidationFailed(
                    SERVICE_MISSING % {"parcel": str(parcel), "service": service},
                    field="parcels",
                    code="service_missing",
                )
    area = sum((p.area_m2 for p in locked), Decimal(0))
    low, high = area_window(request)
    if not low <= area <= high:
        raise ValidationFailed(
            AREA_DOES_NOT_FIT % {"area": _fmt(area), "low": _fmt(low), "high": _fmt(high)},
            field="parcels",
            code="area_does_not_fit",
        )
    try:
        with transaction.atomic():
            Holding.objects.bulk_create(
                Holding(
                    request=request,
                    parcel=p,
                    reserved_at=now,
                    reserved_until=now + dt.timedelta(days=days),
                    reserved_by=actor,
                )
                for p in locked
            )
    except IntegrityError:
        raise Conflict(
            PARCEL_HELD % {"parcel": ", ".join(sorted(str(p) for p in locked))}, code="parcel_held"
        ) from None
    Parcel.objects.filter(pk__in=[p.pk for p in locked]).update(status=P.RESERVED, updated_at=now)
    request.status = R.RESERVED
    request.save(update_fields=["status", "updated_at"])
    return request


@transaction.atomic
def allocate(*, actor: User, request: LandRequest, now: dt.datetime | None = None) -> LandRequest:
    """Allocate a request's reserved parcels; its zone's allocated area may never exceed the zone's area."""
    require(actor, "land.allocate")
    now = now or timezone.now()
    request = _lock(request, R.RESERVED)
    holdings = list(request.holdings.select_for_update().select_related("parcel__zone").filter(live=True))
    if not holdings or any(h.reserved_until <= now for h in holdings):
        until = min((h.reserved_until for h in holdings), default=now)
        raise Conflict(RESERVATION_EXPIRED % {"date": timezone.localtime(until).date()}, code="reservation_expired")
    zone = holdings[0].parcel.zone
    area = sum((h.parcel.area_m2 for h in holdings), Decimal(0))
    try:
        with transaction.atomic():
            moved = Zone.objects.filter(pk=zone.pk, allocated_m2__lte=F("area_m2") - area).update(
                allocated_m2=F("allocated_m2") + area, updated_at=now
            )
    except IntegrityError:
        moved = 0
    if not moved:
        zone.refresh_from_db()
        left = zone.area_m2 - zone.allocated_m2
        raise Conflict(ZONE_FULL % {"zone": zone.name, "left": _fmt(left), "area": _fmt(area)}, code="zone_full")
    Holding.objects.filter(pk__in=[h.pk for h in holdings]).update(allocated_at=now)
    Parcel.objects.filter(pk__in=[h.parcel_id for h in holdings]).update(status=P.ALLOCATED, updated_at=now)
    request.status = R.ALLOCATED
    request.save(update_fields=["status", "updated_at"])
    return request


@transaction.atomic
def agreement_sign(*, actor: User, request: LandRequest, signed_on: dt.date) -> LandRequest:
    """Record the lease (rental park) or the sale (sale park) of an allocated request."""
    require(actor, "land.allocate")
    request = _lock(request, R.ALLOCATED)
    holding = request.holdings.select_related("parcel__zone").filter(live=True).first()
    if holding is None:
        raise Conflict(WRONG_STATUS % {"status": request.get_status_display()}, code="wrong_status")
    zone = holding.parcel.zone
    request.agreement = LandRequest.Agreement.SALE if zone.kind == Zone.Kind.SALE else LandRequest.Agreement.LEASE
    request.agreement_signed_on = signed_on
    request.status = R.CONTRACTED
    request.save(update_fields=["agreement", "agreement_signed_on", "status", "updated_at"])
    Parcel.objects.filter(holdings__request=request, holdings__live=True).update(
        status=P.CONTRACTED, updated_at=timezone.now()
    )
    return request


@transaction.atomic
def built(*, actor: User, request: LandRequest) -> LandRequest:
    require(actor, "land.allocate")
    request = _lock(request, R.CONTRACTED)
    request.status = R.BUILT
    request.save(update_fields=["status", "updated_at"])
    Parcel.objects.filter(holdings__request=request, holdings__live=True).update(
        status=P.BUILT, updated_at=timezone.now()
    )
    return request


def _end(request: LandRequest, status: str, reason: str, now: dt.datetime) -> LandRequest:
    holdings = list(request.holdings.select_for_update().select_related("parcel").filter(live=True))
    allocated = [h for h in holdings if h.allocated_at is not None]
    if allocated:
        zone_id = allocated[0].parcel.zone_id
        area = sum((h.parcel.area_m2 for h in allocated), Decimal(0))
        Zone.objects.filter(pk=zone_id).update(allocated_m2=F("allocated_m2") - area, updated_at=now)
    Holding.objects.filter(pk__in=[h.pk for h in holdings]).update(live=False, ended_at=now)
    Parcel.objects.filter(pk__in=[h.parcel_id for h in holdings]).update(status=P.AVAILABLE, updated_at=now)
    request.status, request.reason = status, reason.strip()
    request.save(update_fields=["status", "reason", "updated_at"])
    return request


@transaction.atomic
def release(*, actor: User, request: LandRequest, reason: str, now: dt.datetime | None = None) -> LandRequest:
    """The land office takes the land back (commitments not met, plans changed), with the reason."""
    require(actor, "land.allocate")
    if not reason.strip():
        raise ValidationFailed(REASON_REQUIRED, field="reason", code="reason_required")
    request = _lock(request, R.RESERVED, R.ALLOCATED, R.CONTRACTED)
    return _end(request, R.RELEASED, reason, now or timezone.now())


@transaction.atomic
def withdraw(*, actor: User, request: LandRequest, reason: str, now: dt.datetime | None = None) -> LandRequest:
    """The company (or the land office for it) withdraws a request not yet signed, with the reason."""
    _check_applicant(actor, request.project)
    if not reason.strip():
        raise ValidationFailed(REASON_REQUIRED, field="reason", code="reason_required")
    request = _lock(request, R.SUBMITTED, R.RESERVED, R.ALLOCATED, R.EXPIRED)
    return _end(request, R.WITHDRAWN, reason, now or timezone.now())


def committed_hectares(programme: Programme) -> Decimal:
    """Hectares allocated, signed or built in the programme's zones (the commitment counts these)."""
    total = Zone.objects.filter(programme=programme).aggregate(s=Sum("allocated_m2"))["s"] or Decimal(0)
    return total / 10_000
