"""Generated industrial land for the IMM demo: four rental parks making up the programme's 57 hectares,
cut in parcels, and land requests of the generated projects at every step of the workflow.

Everything here is **generated** (seeded, deterministic) and flagged ``is_generated`` so that the pages
say so. What comes from public facts: the 57 ha the IMM performance contract commits (``land_hectares``),
bare-land rents of 5 to 7 MAD/m²/month in rental parks (``land_context`` of the programme file), and
the regions and provinces of the parks, industrial areas of the axis Tanger-Kénitra-Casablanca-Berrechid.
Outlines, parcels, services and requests are the generator's choice.

Zones and parcels are drawn in metres on the Lambert grid (``shapes.rectangle``), so their areas
measure back exactly, and are imported as GeoJSON through ``services.zones_import`` and
``services.parcels_import``, with every check a real file gets. Requests go through the workflow's
own steps (reserve, allocate, lease, built, release, withdraw), so the database invariants hold for
the demo as for real data. A request's status follows its project's investment agreement: the oldest
are built, then signed, allocated and reserved; the latest wait, submitted, for the optimiser.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from ecosys.accounts.models import Organisation, User
from ecosys.accounts.services import membership_create, organisation_create
from ecosys.analytics import landopt
from ecosys.core.roles import Role
from ecosys.investments.models import InvestmentProject
from ecosys.land import optimiser, services
from ecosys.land.models import LandRequest, Parcel, Zone
from ecosys.land.shapes import collection, feature, rectangle
from ecosys.programmes.models import Ecosystem, Programme

SEED = 20140402  # the launch of the Industrial Acceleration Plan 2014-2020
RENT_STEP = Decimal("0.25")  # each park's rents lie within the published 5-7 MAD/m²/month for bare land
WIDTHS = (40, 50, 60, 80, 100, 120, 150, 200)  # parcel frontages along a road, metres
SHARE_OF_PROJECTS = 0.4  # the generated projects that need land which ask for it in a park
OFFICER = "demo-land-office"
R = LandRequest.Status

# How many requests reach each step, taken in the order of their projects' agreements: the oldest are
# built, the next signed, allocated, reserved; a request no available lot fits waits, submitted, and so
# do the latest, for the optimiser.
LADDER = ((R.BUILT, 10), (R.CONTRACTED, 5), (R.ALLOCATED, 2), (R.RESERVED, 3))
RELEASE_REASON = "Bail résilié : l'extension n'a pas été réalisée dans le délai convenu (démo)."
WITHDRAW_REASON = "Le porteur a acquis un terrain privé à proximité (démo)."


@dataclass(frozen=True)
class _Park:
    code: str
    name: str
    region: str
    province: str
    origin: tuple[float, float]  # longitude, latitude of the south-west corner
    width_m: int
    rows_m: tuple[int, ...]  # depths of the rows of parcels, south to north
    rents: tuple[Decimal, Decimal]
    rail_rows: frozenset[int]  # rows along the rail siding
    fibre: float  # share of the parcels with fibre
    gas: float  # share of the parcels with gas

    @property
    def area_m2(self) -> int:
        return self.width_m * sum(self.rows_m)


# 20 + 10 + 15 + 12 = 57 ha: the contract's commitment, to the square metre.
PARKS = (
    _Park(
        "DEMO-BER",
        "Parc locatif de Berrechid (démo)",
        "06",
        "06.07",
        (-7.565, 33.285),
        500,
        (100, 100, 50, 50, 100),
        (Decimal(6), Decimal(7)),
        frozenset({0}),
        0.7,
        0.2,
    ),
    _Park(
        "DEMO-MOH",
        "Parc locatif de Mohammédia (démo)",
        "06",
        "06.02",
        (-7.405, 33.675),
        400,
        (150, 100),
        (Decimal("6.5"), Decimal(7)),
        frozenset(),
        0.7,
        0.5,
    ),
    _Park(
        "DEMO-KEN",
        "Parc locatif de Kénitra (démo)",
        "04",
        "04.04",
        (-6.58, 34.30),
        500,
        (150, 100, 50),
        (Decimal(5), Decimal(6)),
        frozenset({0}),
        0.4,
        0.1,
    ),
    _Park(
        "DEMO-TNG",
        "Parc locatif de Tanger (démo)",
        "01",
        "01.01",
        (-5.89, 35.71),
        400,
        (100, 100, 100),
        (Decimal("5.5"), Decimal("6.5")),
        frozenset({1}),
        0.5,
        0.1,
    ),
)


def _widths(rng: random.Random, total: int) -> list[int]:
    """Cut a row's frontage into parcels of at least the smallest width, summing exactly to ``total``."""
    widths, left = [], total
    while left:
        choices = [w for w in WIDTHS if w < left and left - w >= WIDTHS[0]] + ([left] if left <= WIDTHS[-1] else [])
        width = rng.choice(choices)
        widths.append(width)
        left -= width
    return widths


def _rent(rng: random.Random, park: _Park) -> Decimal:
    low, high = park.rents
    return low + RENT_STEP * rng.randint(0, int((high - low) / RENT_STEP))


def zones_geojson() -> dict[str, Any]:
    """The parks' outlines, as the land office would import them (declared areas included)."""
    return collection(
        [
            feature(
                rectangle(*park.origin, 0, 0, park.width_m, sum(park.rows_m)),
                code=park.code,
                name=park.name,
                region=park.region,
                province=park.province,
                kind=Zone.Kind.RENTAL.value,
                declared_area_m2=park.area_m2,
            )
            for park in PARKS
        ]
    )


def parcels_geojson(park: _Park, rng: random.Random) -> dict[str, Any]:
    """A park cut in rows of parcels of varied frontages, with their rents and services (one file per park:
    parcel codes repeat from one park to the next)."""
    features = []
    y = 0
    for row, depth in enumerate(park.rows_m):
        x = 0
        for number, width in enumerate(_widths(rng, park.width_m), start=1):
            services = ["power"]
            services += ["water"] if rng.random() < 0.9 else []
            services += ["sewer"] if rng.random() < 0.8 else []
            services += ["fibre"] if rng.random() < park.fibre else []
            services += ["gas"] if rng.random() < park.gas else []
            services += ["rail"] if row in park.rail_rows else []
            features.append(
                feature(
                    rectangle(*park.origin, x, y, width, depth),
                    code=f"{chr(ord('A') + row)}{number:02d}",
                    zone=park.code,
                    declared_area_m2=width * depth,
                    rent_mad_per_m2_month=str(_rent(rng, park)),
                    services=services,
                )
            )
            x += width
        y += depth
    return collection(features)


def _officer() -> User:
    """The land office's generated officer (no usable password), in a generated land agency."""
    agency = Organisation.objects.filter(kind=Organisation.Kind.LAND_AGENCY).order_by("pk").first()
    if agency is None:
        agency = organisation_create(
            actor=None,
            kind=Organisation.Kind.LAND_AGENCY,
            name="Aménageur des parcs industriels (démo)",
            acronym="PARCS-DEMO",
        )
        Organisation.objects.filter(pk=agency.pk).update(is_generated=True)
    user = User.objects.filter(username=OFFICER).first()
    if user is None:
        user = User.objects.create_user(username=OFFICER, password=None, first_name="Agent foncier", last_name="(démo)")
    membership_create(actor=None, user=user, organisation=agency, role=Role.LAND_OFFICER)
    return user


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=timezone.get_current_timezone())


def _request(officer: User, project: InvestmentProject, zones: list[Zone], rng: random.Random) -> LandRequest:
    need = project.land_need_m2
    services_needed = ["power"]
    services_needed += ["water"] if rng.random() < 0.6 else []
    services_needed += ["rail"] if project.ecosystem.code == "IMM-VAL" and need >= 25_000 and rng.random() < 0.5 else []
    services_needed += ["gas"] if rng.random() < 0.08 else []
    return services.request_create(
        actor=officer,  # the land office files for the company
        project=project,
        area_m2=need,
        max_parcels=1 if need <= 8_000 else 2 if need <= 20_000 else 3,
        services_needed=services_needed,
        preferred_zones=[z for z in zones if z.region_id == project.region_id],
        is_generated=True,
    )


def _smallest_lot(programme: Programme, request: LandRequest) -> list[Parcel]:
    """The smallest available lot that fits the request, as the land office would choose it; [] if none."""
    parcels, requests = optimiser.analytics_inputs(programme)
    wanted = [r for r in requests if r.id == request.reference]
    lots = landopt.candidate_lots(parcels, wanted)[request.reference]
    if not lots:
        return []
    zone = lots[0].zone
    codes = [key.split("/", 1)[1] for key in lots[0].parcel_ids]
    return list(Parcel.objects.filter(zone__code=zone, code__in=codes))


def _advance(officer: User, request: LandRequest, target: str, agreement: date, rng: random.Random) -> LandRequest:
    """Take a request through the workflow's steps up to ``target``: on its project's dates for a signed
    lease, in the last weeks for a request still being served."""
    if target in (R.BUILT, R.CONTRACTED):
        reserved_at, allocated_at = _at(agreement - timedelta(days=75)), _at(agreement - timedelta(days=30))
    else:
        now = timezone.now()
        reserved_at, allocated_at = now - timedelta(days=rng.randint(10, 20)), now - timedelta(days=rng.randint(1, 9))
    parcels = _smallest_lot(request.project.ecosystem.sector.programme, request)
    if not parcels:
        return request  # no lot fits: it waits, submitted, for the optimiser
    request = services.reserve(actor=officer, request=request, parcels=parcels, days=60, now=reserved_at)
    if target == R.RESERVED:
        return request
    request = services.allocate(actor=officer, request=request, now=allocated_at)
    if target == R.ALLOCATED:
        return request
    signed_on = agreement + timedelta(days=rng.randint(0, 45))
    request = services.agreement_sign(actor=officer, request=request, signed_on=signed_on)
    if target == R.CONTRACTED:
        return request
    return services.built(actor=officer, request=request)


def demo_is_loaded() -> bool:
    return Zone.objects.filter(is_generated=True).exists()


@transaction.atomic
def demo_generate() -> dict[str, int]:
    """Generate the IMM parks, parcels and land requests; do nothing if they exist or no project does."""
    if demo_is_loaded() or not InvestmentProject.objects.filter(is_generated=True).exists():
        return {}
    ecosystem = Ecosystem.objects.filter(code="IMM-VAL").select_related("sector__programme").first()
    if ecosystem is None:
        return {}
    programme = ecosystem.sector.programme
    zones = services.zones_import(actor=None, programme=programme, data=zones_geojson(), is_generated=True)
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not secrets
    parcels = [
        parcel
        for park in PARKS
        for parcel in services.parcels_import(actor=None, data=parcels_geojson(park, rng), is_generated=True)
    ]
    rng = random.Random(SEED + 1)  # noqa: S311 - the requests' own draws: redrawing the parks leaves them alone
    officer = _officer()

    candidates = (
        InvestmentProject.objects.filter(
            is_generated=True,
            land_need_m2__gt=0,
            agreement_date__isnull=False,
            ecosystem__sector__programme=programme,
        )
        .select_related("company", "ecosystem__sector")
        .order_by("company__name")
    )
    chosen = sorted(
        (p for p in candidates if rng.random() < SHARE_OF_PROJECTS),
        key=lambda p: (p.agreement_date, p.company.name),
    )
    ladder = [status for status, count in LADDER for _ in range(count)]
    requests = []
    for project in chosen:
        agreement = project.agreement_date or date.min  # never empty: filtered above
        request = _request(officer, project, zones, rng)
        if ladder:
            request = _advance(officer, request, ladder[0], agreement, rng)
            if request.status != R.SUBMITTED:
                ladder.pop(0)
        requests.append(request)
    # The land office took back one signed lease, and one company withdrew while its land was reserved.
    for request in requests:
        signed_on = request.agreement_signed_on
        if request.status == R.CONTRACTED and signed_on is not None:
            ended = _at(signed_on + timedelta(days=400))
            services.release(actor=officer, request=request, reason=RELEASE_REASON, now=ended)
            break
    reserved = [r for r in requests if r.status == R.RESERVED]
    if reserved:
        services.withdraw(actor=officer, request=reserved[-1], reason=WITHDRAW_REASON)

    generated = LandRequest.objects.filter(is_generated=True)
    by_status = {status: generated.filter(status=status).count() for status in R.values}
    return {
        "zones": len(zones),
        "hectares": round(sum(z.area_m2 for z in zones) / 10_000),
        "parcels": len(parcels),
        "requests": generated.count(),
        **{status: n for status, n in by_status.items() if n},
        "committed_m2": round(services.committed_hectares(programme) * 10_000),
    }


__all__ = ["PARKS", "demo_generate", "demo_is_loaded", "parcels_geojson", "zones_geojson"]
