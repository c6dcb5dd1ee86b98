"""The land services on hand-computed cases, and every bad input refused with its reason and nothing written.

The zone of the fixtures is a 300 m x 100 m rental park near Berrechid (3 ha) cut in six parcels of
100 m x 50 m (5,000 m² each), all with power and water::

    P10 | P11 | P12        y 50-100 m
    P00 | P01 | P02        y 0-50 m
    x 0-100 | 100-200 | 200-300

Parcels sharing a side are neighbours (P00: P01 and P10; P00 and P11 touch at a corner only). A request
accepts its area up to a quarter more unless it names a largest area: 9,000 m² takes 9,000 to 11,250 m².
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from ecosys.analytics import landgeo
from ecosys.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.land import optimiser, services
from ecosys.land.models import Holding, LandRequest, Parcel, Proposal, Zone
from ecosys.land.shapes import collection, feature, rectangle
from ecosys.programmes.models import Ecosystem
from tests.investments.factories import ProjectFactory
from tests.land.conftest import BERRECHID, parcels_geojson, zone_geojson

KENITRA = (-6.58, 34.30)
R = LandRequest.Status
MODELS = (Zone, Parcel, LandRequest, Holding, Proposal)


# -- helpers --------------------------------------------------------------------------------------------------------


def state() -> dict[str, object]:
    """What the land domain holds: every row that matters, and the history each model has recorded."""
    return {
        "zones": list(Zone.objects.order_by("code").values_list("code", "area_m2", "allocated_m2")),
        "parcels": list(
            Parcel.objects.order_by("zone__code", "code").values_list("zone__code", "code", "status", "neighbours")
        ),
        "requests": list(
            LandRequest.objects.order_by("reference").values_list("reference", "status", "agreement", "reason")
        ),
        "holdings": list(
            Holding.objects.order_by("pk").values_list("pk", "parcel_id", "live", "reserved_until", "allocated_at")
        ),
        "proposals": list(Proposal.objects.order_by("pk").values_list("pk", "accepted_at", "plan")),
        "history": [model.history.count() for model in MODELS],
    }


def refused(kind: type[DomainError], code: str, call, **kwargs) -> DomainError:
    """Run a service call that must be refused with ``code``; check that it changed no row."""
    before = state()
    with pytest.raises(kind) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value
    assert state() == before
    return caught.value


def geo_problems(error: DomainError) -> list[tuple[int | None, str, str]]:
    return [(d["row"], d["column"], d["message"]) for d in error.details]


def polygon(*points: tuple[float, float]) -> dict:
    return {"type": "Polygon", "coordinates": [[list(p) for p in points]]}


def zone_feature(geometry: dict, **props) -> dict:
    """A zone feature near Berrechid (region 06, province 06.07), its properties overridden by ``props``."""
    defaults = {"code": "NEW", "name": "Zone", "region": "06", "province": "06.07", "kind": "rental"}
    return feature(geometry, **(defaults | props))


def parcel_feature(x: float, y: float, width: float, height: float, code: str, zone: str = "BER", **extra) -> dict:
    props = {"rent_mad_per_m2_month": "6", "services": ["power"], **extra}
    return feature(rectangle(*BERRECHID, x, y, width, height), code=code, zone=zone, **props)


def parcels(*codes: str, zone: str = "BER") -> list[Parcel]:
    return [Parcel.objects.get(zone__code=zone, code=code) for code in codes]


def statuses(zone: str = "BER") -> dict[str, str]:
    return dict(Parcel.objects.filter(zone__code=zone).values_list("code", "status"))


def allocated(zone: str = "BER") -> Decimal:
    return Zone.objects.get(code=zone).allocated_m2


@pytest.fixture
def empty_zone(imm):
    """The same 3 ha outline as the fixtures' zone, without parcels."""
    [zone] = services.zones_import(actor=None, programme=imm.sector.programme, data=zone_geojson())
    return zone


@pytest.fixture
def kenitra(zone):
    """A second rental park, near Kénitra: 200 m x 50 m, two parcels K1 and K2 of 5,000 m²."""
    outline = rectangle(*KENITRA, 0, 0, 200, 50)
    data = collection([zone_feature(outline, code="KEN", region="04", province="04.04")])
    [other] = services.zones_import(actor=None, programme=zone.programme, data=data)
    lots = [
        feature(
            rectangle(*KENITRA, 100 * i, 0, 100, 50),
            code=f"K{i + 1}",
            zone="KEN",
            rent_mad_per_m2_month="5.5",
            services=["power", "water"],
        )
        for i in range(2)
    ]
    services.parcels_import(actor=None, data=collection(lots))
    return other


@pytest.fixture
def new_request(zone, project, company_user):
    """Make a submitted request of the fixtures' project (the company files it itself)."""

    def make(area_m2="9000", **kwargs) -> LandRequest:
        return services.request_create(actor=company_user, project=project, area_m2=area_m2, **kwargs)

    return make


# -- zones from GeoJSON ---------------------------------------------------------------------------------------------


def test_a_zone_drawn_300_m_by_100_m_measures_3_ha_in_the_nord_maroc_grid_and_is_kept_in_wgs84(imm):
    [zone] = services.zones_import(
        actor=None,
        programme=imm.sector.programme,
        data=zone_geojson(declared_area_m2="30 500"),  # 1.7 % above the outline: within the 2 % tolerance
        is_generated=True,
    )
    assert abs(zone.area_m2 - 30_000) <= Decimal("0.1")
    assert zone.declared_area_m2 == Decimal(30_500)
    assert zone.grid == "EPSG:26191"
    assert zone.hectares == zone.area_m2 / 10_000
    assert (zone.region.code, zone.province.code, zone.kind, zone.is_generated) == ("06", "06.01", "rental", True)
    [ring] = zone.geometry["coordinates"]
    assert len(ring) == 5 and all(-7.59 < lon < -7.57 and 33.26 < lat < 33.28 for lon, lat in ring)


@pytest.mark.parametrize("crs", ["EPSG:26191", "urn:ogc:def:crs:EPSG::26191"])
def test_a_zone_in_lambert_coordinates_is_measured_in_its_own_grid_and_stored_in_degrees(imm, crs):
    x, y = 297_000, 297_000  # Nord Maroc metres, near Berrechid
    outline = polygon((x, y), (x + 300, y), (x + 300, y + 100), (x, y + 100), (x, y))
    document = collection([zone_feature(outline, declared_area_m2=30_000)]) | {
        "crs": {"type": "name", "properties": {"name": crs}}
    }
    [zone] = services.zones_import(actor=None, programme=imm.sector.programme, data=document)
    assert zone.area_m2 == Decimal("30000.0")
    assert zone.grid == "EPSG:26191"
    [ring] = zone.geometry["coordinates"]
    assert all(-8 < lon < -7 and 33 < lat < 34 for lon, lat in ring)
    assert abs(landgeo.measured_area(zone.geometry) - 30_000) < 30  # measured back within 0.1 %


BOW_TIE = polygon((-7.58, 33.27), (-7.57, 33.28), (-7.57, 33.27), (-7.58, 33.28), (-7.58, 33.27))
METRES = polygon((297_000, 297_000), (297_300, 297_000), (297_300, 297_100), (297_000, 297_100), (297_000, 297_000))


@pytest.mark.parametrize(
    ("data", "row", "code", "words"),
    [
        (b'{"type": "FeatureCollection", "features": [', None, "not_json", "The file is not JSON"),
        ("[1, 2]", None, "not_a_feature_collection", "not a GeoJSON FeatureCollection"),
        (collection([zone_feature(BOW_TIE)]), 1, "geometry_invalid", "Self-intersection"),
        (
            collection([zone_feature(METRES)]) | {"crs": {"type": "name", "properties": {"name": "EPSG:3857"}}},
            None,
            "unknown_projection",
            "Unknown projection EPSG:3857",
        ),
        (collection([zone_feature(METRES)]), 1, "coordinates_not_degrees", "name the file's projection"),
        (collection([zone_feature({"type": "Point", "coordinates": [-7.58, 33.27]})]), 1, "not_a_polygon", "Polygon"),
        (
            collection([zone_feature(rectangle(*BERRECHID, 0, 0, 300, 100), declared_area_m2=31_000)]),
            1,
            "area_differs",
            "NEW: the outline measures 30,000 m², the declared area is 31,000 m² (more than 2 % apart).",
        ),
    ],
    ids=[
        "not-json",
        "not-a-collection",
        "self-intersecting",
        "unknown-projection",
        "metres-without-crs",
        "point",
        "area",
    ],
)
def test_a_zone_file_is_refused_with_its_reason_and_nothing_imported(imm, data, row, code, words):
    error = refused(
        ValidationFailed,
        "geojson_invalid",
        services.zones_import,
        actor=None,
        programme=imm.sector.programme,
        data=data,
    )
    [(position, problem, message)] = geo_problems(error)
    assert (position, problem) == (row, code)
    assert words in message
    assert str(error) == "The file was refused, nothing was imported: 1 problem(s), listed below."


def test_every_problem_of_a_zone_file_is_listed_and_its_good_features_are_not_imported_either(imm):
    data = collection(
        [
            zone_feature(rectangle(*BERRECHID, 0, 0, 300, 100), code="GOOD"),
            zone_feature(BOW_TIE, code="BAD"),
            zone_feature(rectangle(*BERRECHID, 0, 200, 100, 100), code="GOOD"),
            zone_feature(rectangle(*BERRECHID, 0, 400, 100, 100), code=""),
        ]
    )
    error = refused(
        ValidationFailed,
        "geojson_invalid",
        services.zones_import,
        actor=None,
        programme=imm.sector.programme,
        data=data,
    )
    assert [(row, code) for row, code, _ in geo_problems(error)] == [
        (2, "geometry_invalid"),
    ]
    data["features"][1] = zone_feature(rectangle(*BERRECHID, 0, 600, 100, 100), code="OTHER")
    error = refused(
        ValidationFailed,
        "geojson_invalid",
        services.zones_import,
        actor=None,
        programme=imm.sector.programme,
        data=data,
    )
    assert [(row, code) for row, code, _ in geo_problems(error)] == [(3, "code_duplicate"), (4, "code_missing")]


def test_a_zone_with_an_unknown_region_a_wrong_kind_an_existing_code_or_a_manager_without_the_right_is_refused(
    zone, make_user
):
    programme = zone.programme
    outline = rectangle(*BERRECHID, 0, 0, 300, 100)
    for props, kind, code in [
        ({"province": "04.04"}, ValidationFailed, "region_unknown"),  # Kénitra is not in region 06
        ({"region": "99"}, ValidationFailed, "region_unknown"),
        ({"kind": "lease"}, ValidationFailed, "kind_unknown"),
        ({"code": "BER"}, Conflict, "zone_exists"),
    ]:
        data = collection([zone_feature(outline, **props)])
        refused(kind, code, services.zones_import, actor=None, programme=programme, data=data)
    refused(
        PermissionDenied,
        "forbidden:land.manage",
        services.zones_import,
        actor=make_user(Role.COMPANY_USER),
        programme=programme,
        data=zone_geojson(code="OTHER"),
    )


# -- parcels from GeoJSON -------------------------------------------------------------------------------------------


def test_parcels_measure_5000_m2_each_and_know_their_neighbours_by_a_shared_side(zone):
    rows = {p.code: p for p in zone.parcels.all()}
    assert len(rows) == 6
    assert all(abs(p.area_m2 - 5_000) <= Decimal("0.1") for p in rows.values())
    assert sum(p.area_m2 for p in rows.values()) == pytest.approx(zone.area_m2, abs=Decimal("0.5"))
    assert rows["P00"].neighbours == ["P01", "P10"]
    assert rows["P11"].neighbours == ["P01", "P10", "P12"]  # P00 and P02 only touch it at a corner
    assert rows["P02"].neighbours == ["P01", "P12"]
    assert all(p.status == "available" and p.services == ["power", "water"] for p in rows.values())
    assert rows["P00"].rent_mad_per_m2_month == Decimal("6.00") and rows["P00"].price_mad_per_m2 is None


def test_parcels_imported_later_become_neighbours_of_the_parcels_already_there(empty_zone):
    services.parcels_import(actor=None, data=collection([parcel_feature(0, 0, 100, 50, "A")]))
    [b] = services.parcels_import(
        actor=None,
        data=collection([parcel_feature(100, 0, 100, 50, "B", declared_area_m2="5090", services="power, rail")]),
    )
    assert b.neighbours == ["A"] and b.declared_area_m2 == Decimal(5090) and b.services == ["power", "rail"]
    assert Parcel.objects.get(code="A").neighbours == ["B"]


def test_a_parcel_outside_its_zone_is_refused_with_the_area_outside(empty_zone):
    data = collection([parcel_feature(0, 0, 100, 50, "IN"), parcel_feature(250, 0, 100, 50, "OUT")])
    error = refused(ValidationFailed, "geojson_invalid", services.parcels_import, actor=None, data=data)
    # 250-350 m in a zone 300 m wide: 50 m x 50 m outside.
    assert geo_problems(error) == [(2, "outside_zone", "Parcel OUT lies outside its zone BER (2,500 m² outside).")]


def test_a_parcel_half_a_metre_over_the_edge_is_within_the_drawing_tolerance(empty_zone):
    [parcel] = services.parcels_import(actor=None, data=collection([parcel_feature(200.4, 0, 100, 50, "EDGE")]))
    assert abs(parcel.area_m2 - 5_000) <= Decimal("0.1")


def test_parcels_overlapping_in_the_file_are_refused(empty_zone):
    data = collection([parcel_feature(0, 0, 100, 50, "A"), parcel_feature(60, 0, 100, 50, "B")])
    error = refused(ValidationFailed, "geojson_invalid", services.parcels_import, actor=None, data=data)
    assert geo_problems(error) == [(1, "parcels_overlap", "Parcels A and B overlap (2,000 m²).")]  # 40 m x 50 m


def test_a_parcel_overlapping_parcels_already_imported_is_refused_once_for_each(zone):
    # 50-150 m x 25-75 m: a quarter of P00, P01, P10 and P11 each, 50 m x 25 m.
    data = collection([parcel_feature(50, 25, 100, 50, "X")])
    error = refused(ValidationFailed, "geojson_invalid", services.parcels_import, actor=None, data=data)
    assert sorted(geo_problems(error)) == [
        (1, "parcels_overlap", f"Parcels X and {other} overlap (1,250 m²).") for other in ("P00", "P01", "P10", "P11")
    ]


def test_a_declared_area_more_than_2_percent_from_the_outline_is_refused(empty_zone):
    data = collection([parcel_feature(0, 0, 100, 50, "A", declared_area_m2=5_200)])  # 4 % above
    error = refused(ValidationFailed, "geojson_invalid", services.parcels_import, actor=None, data=data)
    assert geo_problems(error) == [
        (
            1,
            "area_differs",
            "A: the outline measures 5,000 m², the declared area is 5,200 m² (more than 2 % apart).",
        )
    ]
    data = collection([parcel_feature(0, 0, 100, 50, "A", declared_area_m2="-3")])
    error = refused(ValidationFailed, "geojson_invalid", services.parcels_import, actor=None, data=data)
    assert geo_problems(error) == [
        (1, "declared_area_not_a_number", "The declared area of A is not a number above zero.")
    ]


def test_a_parcel_of_an_unknown_zone_without_rent_or_with_an_unknown_service_is_refused(empty_zone):
    refused(
        ValidationFailed,
        "geojson_invalid",
        services.parcels_import,
        actor=None,
        data=collection([parcel_feature(0, 0, 100, 50, "A", zone="NOPE")]),
    )
    error = refused(
        ValidationFailed,
        "price_missing",
        services.parcels_import,
        actor=None,
        data=collection([parcel_feature(0, 0, 100, 50, "A", rent_mad_per_m2_month="")]),
    )
    assert str(error) == "Parcel A: a sale park needs a price per m², a rental park a rent per m² per month."
    error = refused(
        ValidationFailed,
        "service_unknown",
        services.parcels_import,
        actor=None,
        data=collection([parcel_feature(0, 0, 100, 50, "A", services=["power", "helipad"])]),
    )
    assert str(error).startswith("Unknown service helipad (known: power, water, rail")


# -- requests -------------------------------------------------------------------------------------------------------


def test_a_request_is_numbered_per_year_and_accepts_up_to_a_quarter_more_land(new_request, company_user, project):
    first, second = new_request("9000", max_parcels="2"), new_request("4 000,5", max_area_m2="4500")
    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"LR-{year}-00001", f"LR-{year}-00002")
    assert (first.status, first.company_id, first.created_by) == (R.SUBMITTED, project.company_id, company_user)
    assert services.area_window(first) == (Decimal(9000), Decimal("11250.00"))
    assert services.area_window(second) == (Decimal("4000.5"), Decimal(4500))


def test_a_request_larger_than_any_zone_is_refused_and_one_as_large_as_the_largest_is_not(new_request, zone):
    largest = zone.area_m2  # 30,000 m², within a tenth of a m²
    error = refused(ValidationFailed, "larger_than_any_zone", new_request, area_m2=largest + 1)
    assert str(error) == "30,001 m² is larger than any industrial zone of the programme (the largest has 30,000 m²)."
    assert new_request(largest).area_m2 == largest


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"area_m2": "0"}, "area_invalid"),
        ({"area_m2": "a lot"}, "area_invalid"),
        ({"area_m2": "5000", "max_area_m2": "4999"}, "max_area_below"),
        ({"area_m2": "5000", "max_parcels": 5}, "max_parcels_invalid"),
        ({"area_m2": "5000", "max_parcels": "two"}, "max_parcels_invalid"),
        ({"area_m2": "5000", "services_needed": ["power", "runway"]}, "service_unknown"),
    ],
)
def test_a_request_with_a_bad_value_is_refused(new_request, kwargs, code):
    refused(ValidationFailed, code, new_request, **kwargs)


def test_a_request_needs_a_zone_in_the_programme_and_its_own_company(imm, project, company_user, make_user):
    refused(ValidationFailed, "no_zone", services.request_create, actor=company_user, project=project, area_m2="5000")
    services.zones_import(actor=None, programme=imm.sector.programme, data=zone_geojson())
    refused(
        PermissionDenied,
        "forbidden:another_company",
        services.request_create,
        actor=make_user(Role.COMPANY_USER),
        project=project,
        area_m2="5000",
    )


# -- reserving ------------------------------------------------------------------------------------------------------


def test_reserving_refuses_parcels_that_are_not_adjacent(new_request, land_officer):
    request = new_request("9000", max_parcels=2)
    error = refused(
        ValidationFailed,
        "parcels_not_adjacent",
        services.reserve,
        actor=land_officer,
        request=request,
        parcels=parcels("P00", "P02"),
    )
    assert str(error) == "The parcels of one request must be adjacent."
    refused(
        ValidationFailed,
        "parcels_not_adjacent",
        services.reserve,
        actor=land_officer,
        request=request,
        parcels=parcels("P00", "P11"),  # a corner is not a side
    )


def test_reserving_refuses_parcels_of_two_zones(new_request, land_officer, kenitra):
    request = new_request("9000", max_parcels=2)
    refused(
        ValidationFailed,
        "parcels_not_one_zone",
        services.reserve,
        actor=land_officer,
        request=request,
        parcels=[*parcels("P02"), *parcels("K1", zone="KEN")],
    )


def test_reserving_refuses_a_parcel_without_a_service_the_request_needs(new_request, land_officer):
    request = new_request("5000", services_needed="power, rail")
    error = refused(
        ValidationFailed,
        "service_missing",
        services.reserve,
        actor=land_officer,
        request=request,
        parcels=parcels("P00"),
    )
    assert str(error) == "Parcel BER/P00 lacks rail, which this request needs."


@pytest.mark.parametrize(
    ("area", "largest", "words"),
    [
        ("6000", None, "The parcels measure 5,000 m²; this request accepts 6,000 to 7,500 m²."),  # too small
        ("3000", None, "The parcels measure 5,000 m²; this request accepts 3,000 to 3,750 m²."),  # too large
        ("4000", "4999", "The parcels measure 5,000 m²; this request accepts 4,000 to 4,999 m²."),
    ],
)
def test_reserving_refuses_parcels_whose_area_does_not_fit(new_request, land_officer, area, largest, words):
    request = new_request(area, max_area_m2=largest)
    error = refused(
        ValidationFailed,
        "area_does_not_fit",
        services.reserve,
        actor=land_officer,
        request=request,
        parcels=parcels("P00"),
    )
    assert str(error) == words


def test_reserving_fits_the_area_at_both_ends_of_the_window(new_request, land_officer):
    # 5,000 m² is the top of 4,000 x 1.25 and the bottom of a 5,000 m² request.
    for area in ("4000", "5000"):
        request = new_request(area)
        services.reserve(actor=land_officer, request=request, parcels=parcels("P00" if area == "4000" else "P01"))
    assert statuses() == {"P00": "reserved", "P01": "reserved", "P02": "available"} | {
        f"P1{i}": "available" for i in range(3)
    }


def test_reserving_refuses_too_many_parcels_none_a_bad_duration_and_people_without_the_right(
    new_request, land_officer, company_user
):
    request = new_request("9000")
    refused(
        ValidationFailed,
        "too_many_parcels",
        services.reserve,
        actor=land_officer,
        request=request,
        parcels=parcels("P00", "P01"),
    )
    refused(ValidationFailed, "no_parcel", services.reserve, actor=land_officer, request=request, parcels=[])
    for days in (0, 366):
        refused(
            ValidationFailed,
            "days_invalid",
            services.reserve,
            actor=land_officer,
            request=request,
            parcels=parcels("P00"),
            days=days,
        )
    refused(
        PermissionDenied,
        "forbidden:land.allocate",
        services.reserve,
        actor=company_user,
        request=request,
        parcels=parcels("P00"),
    )


def test_a_parcel_is_never_held_by_two_requests(new_request, land_officer):
    first, second = new_request("5000"), new_request("5000")
    services.reserve(actor=land_officer, request=first, parcels=parcels("P00"))
    error = refused(
        Conflict, "parcel_not_available", services.reserve, actor=land_officer, request=second, parcels=parcels("P00")
    )
    assert str(error) == "Parcel BER/P00 is not available (reserved)."
    services.allocate(actor=land_officer, request=first)
    refused(
        Conflict, "parcel_not_available", services.reserve, actor=land_officer, request=second, parcels=parcels("P00")
    )

    # Even if the parcel's status said otherwise, the database's partial unique index keeps one live holding.
    Parcel.objects.filter(code="P00").update(status="available")
    error = refused(
        Conflict, "parcel_held", services.reserve, actor=land_officer, request=second, parcels=parcels("P00")
    )
    assert str(error) == "Parcel BER/P00 is already held by another request."
    holding = Holding.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Holding.objects.create(
            request=second,
            parcel=holding.parcel,
            reserved_at=holding.reserved_at,
            reserved_until=holding.reserved_until,
        )
    assert Holding.objects.filter(parcel__code="P00", live=True).count() == 1


def test_a_request_already_reserved_cannot_be_reserved_again(new_request, land_officer):
    request = new_request("5000")
    services.reserve(actor=land_officer, request=request, parcels=parcels("P00"))
    error = refused(
        Conflict, "wrong_status", services.reserve, actor=land_officer, request=request, parcels=parcels("P01")
    )
    assert str(error) == "This request is reserved: this step is not possible now."


# -- the workflow ---------------------------------------------------------------------------------------------------


def test_reserve_allocate_lease_and_build_on_two_adjacent_parcels(new_request, land_officer, zone):
    request = new_request("9000", max_parcels=2)
    now = timezone.now()
    request = services.reserve(actor=land_officer, request=request, parcels=parcels("P00", "P01"), now=now)
    assert request.status == R.RESERVED
    assert statuses()["P00"] == statuses()["P01"] == "reserved"
    holdings = list(request.holdings.all())
    assert [h.reserved_until for h in holdings] == [now + timedelta(days=30)] * 2
    assert all(h.live and h.reserved_by == land_officer and h.allocated_at is None for h in holdings)
    assert allocated() == 0

    request = services.allocate(actor=land_officer, request=request, now=now + timedelta(days=3))
    assert request.status == R.ALLOCATED
    assert allocated() == Decimal("10000.0")  # two parcels of 5,000 m²
    assert services.committed_hectares(zone.programme) == 1
    assert set(request.holdings.values_list("allocated_at", flat=True)) == {now + timedelta(days=3)}

    request = services.agreement_sign(actor=land_officer, request=request, signed_on=date(2024, 5, 2))
    assert (request.status, request.agreement, request.agreement_signed_on) == (
        R.CONTRACTED,
        LandRequest.Agreement.LEASE,  # a rental park leases
        date(2024, 5, 2),
    )
    assert statuses()["P00"] == statuses()["P01"] == "contracted"

    request = services.built(actor=land_officer, request=request)
    assert request.status == R.BUILT
    assert [statuses()[c] for c in ("P00", "P01", "P02", "P10")] == ["built", "built", "available", "available"]
    assert allocated() == Decimal("10000.0")
    assert services.reservations_expire(now=now + timedelta(days=365)) == 0  # allocated land never expires

    refused(Conflict, "wrong_status", services.release, actor=land_officer, request=request, reason="Late.")
    refused(Conflict, "wrong_status", services.allocate, actor=land_officer, request=request)
    refused(
        Conflict,
        "wrong_status",
        services.agreement_sign,
        actor=land_officer,
        request=request,
        signed_on=timezone.localdate(),
    )


def test_a_sale_park_sells_its_parcels(imm, project, company_user, land_officer):
    outline = rectangle(*BERRECHID, 0, 0, 300, 100)
    data = collection([zone_feature(outline, code="SALE", kind="sale")])
    services.zones_import(actor=None, programme=imm.sector.programme, data=data)
    data = parcels_geojson(zone="SALE", columns=1, rows=1)
    data["features"][0]["properties"]["price_mad_per_m2"] = "450"
    refused(ValidationFailed, "price_missing", services.parcels_import, actor=None, data=parcels_geojson(zone="SALE"))
    [parcel] = services.parcels_import(actor=None, data=data)
    assert parcel.price_mad_per_m2 == Decimal("450.00")
    request = services.request_create(actor=company_user, project=project, area_m2="5000")
    services.reserve(actor=land_officer, request=request, parcels=[parcel])
    services.allocate(actor=land_officer, request=request)
    request = services.agreement_sign(actor=land_officer, request=request, signed_on=date(2024, 1, 15))
    assert request.agreement == LandRequest.Agreement.SALE


def test_releasing_with_a_reason_frees_the_parcels_and_the_zone_area(new_request, land_officer):
    request = new_request("9000", max_parcels=2)
    services.reserve(actor=land_officer, request=request, parcels=parcels("P10", "P11"))
    services.allocate(actor=land_officer, request=request)
    services.agreement_sign(actor=land_officer, request=request, signed_on=date(2024, 5, 2))
    assert allocated() == 10_000

    for reason in ("", "   "):
        error = refused(
            ValidationFailed, "reason_required", services.release, actor=land_officer, request=request, reason=reason
        )
        assert str(error) == "Give the reason."
    request = services.release(actor=land_officer, request=request, reason="  Commitments not met.  ")
    assert (request.status, request.reason) == (R.RELEASED, "Commitments not met.")
    assert allocated() == 0
    assert set(statuses().values()) == {"available"}
    assert not Holding.objects.filter(live=True).exists()
    assert all(h.ended_at is not None for h in Holding.objects.all())

    again = new_request("9000", max_parcels=2)  # the land is free for the next request
    services.reserve(actor=land_officer, request=again, parcels=parcels("P10", "P11"))
    services.allocate(actor=land_officer, request=again)
    assert allocated() == 10_000


@pytest.mark.parametrize("step", ["submitted", "reserved", "allocated"])
def test_the_company_withdraws_a_request_with_a_reason_at_any_step_before_the_lease(
    new_request, land_officer, company_user, step
):
    request = new_request("5000")
    if step != "submitted":
        services.reserve(actor=land_officer, request=request, parcels=parcels("P12"))
    if step == "allocated":
        services.allocate(actor=land_officer, request=request)
        assert allocated() == 5_000
    refused(ValidationFailed, "reason_required", services.withdraw, actor=company_user, request=request, reason=" ")
    request = services.withdraw(actor=company_user, request=request, reason="Bought private land.")
    assert (request.status, request.reason) == (R.WITHDRAWN, "Bought private land.")
    assert allocated() == 0
    assert statuses()["P12"] == "available"
    assert not Holding.objects.filter(live=True).exists()


def test_a_signed_lease_is_not_withdrawn_but_released_by_the_land_office(new_request, land_officer, company_user):
    request = new_request("5000")
    services.reserve(actor=land_officer, request=request, parcels=parcels("P12"))
    services.allocate(actor=land_officer, request=request)
    services.agreement_sign(actor=land_officer, request=request, signed_on=date(2024, 5, 2))
    refused(Conflict, "wrong_status", services.withdraw, actor=company_user, request=request, reason="Changed plans.")
    refused(
        PermissionDenied, "forbidden:land.allocate", services.release, actor=company_user, request=request, reason="x"
    )


# -- reservations that expire ---------------------------------------------------------------------------------------


def test_an_expired_reservation_frees_its_parcel(new_request, land_officer):
    request = new_request("5000")
    start = timezone.now()
    services.reserve(actor=land_officer, request=request, parcels=parcels("P00"), days=1, now=start)
    # Past its expiry, a reservation cannot be allocated, even before the sweep has ended it.
    error = refused(
        Conflict,
        "reservation_expired",
        services.allocate,
        actor=land_officer,
        request=request,
        now=start + timedelta(days=2),
    )
    assert str(error).startswith("The reservation expired on ")

    assert services.reservations_expire(now=start + timedelta(days=1, seconds=-1)) == 0
    assert services.reservations_expire(now=start + timedelta(days=1)) == 1  # it holds until, not including, its expiry
    request.refresh_from_db()
    holding = request.holdings.get()
    assert (request.status, holding.live, holding.ended_at) == (R.EXPIRED, False, start + timedelta(days=1))
    assert statuses()["P00"] == "available"
    assert services.reservations_expire(now=start + timedelta(days=9)) == 0

    # An expired request may be reserved again.
    services.reserve(actor=land_officer, request=request, parcels=parcels("P01"), now=start + timedelta(days=2))
    assert LandRequest.objects.get(pk=request.pk).status == R.RESERVED


def test_another_request_reserves_a_parcel_whose_reservation_expired_without_waiting_for_the_sweep(
    new_request, land_officer
):
    first, second = new_request("5000"), new_request("5000")
    start = timezone.now()
    services.reserve(actor=land_officer, request=first, parcels=parcels("P00"), days=7, now=start)
    refused(
        Conflict,
        "parcel_not_available",
        services.reserve,
        actor=land_officer,
        request=second,
        parcels=parcels("P00"),
        now=start + timedelta(days=6),
    )
    services.reserve(actor=land_officer, request=second, parcels=parcels("P00"), now=start + timedelta(days=7))
    assert LandRequest.objects.get(pk=first.pk).status == R.EXPIRED
    assert LandRequest.objects.get(pk=second.pk).status == R.RESERVED
    assert Holding.objects.get(parcel__code="P00", live=True).request_id == second.pk
    services.allocate(actor=land_officer, request=second, now=start + timedelta(days=8))
    assert allocated() == 5_000


# -- drawing in metres ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "grid"),
    [
        ((-5.81, 35.78), "EPSG:26191"),  # Tanger, Nord Maroc
        (BERRECHID, "EPSG:26191"),
        ((-9.60, 30.42), "EPSG:26192"),  # Agadir, Sud Maroc
        ((-13.20, 27.15), "EPSG:26194"),  # Laâyoune, Sahara Nord
        ((-15.95, 23.70), "EPSG:26195"),  # Dakhla, Sahara Sud
    ],
)
@pytest.mark.parametrize(("width", "height"), [(100, 50), (1_000, 570), (7.5, 12.3)])
def test_a_rectangle_drawn_in_metres_measures_back_within_a_thousandth(place, grid, width, height):
    shape = rectangle(*place, 30, 40, width, height)
    assert landgeo.lambert_grid(place[1]) == grid
    assert landgeo.measured_area(shape) == pytest.approx(width * height, rel=1e-3)
    [ring] = shape["coordinates"]
    assert ring[0] == ring[-1] and len(ring) == 5


# -- the optimiser --------------------------------------------------------------------------------------------------


@pytest.fixture
def contest(zone, company_user, land_officer):
    """Five requests for the six parcels, worth their planned jobs (the objective by default).

    A 9,000 m² on up to 2 parcels (100 jobs), B 5,000 m² (50 jobs), C 12,000 m² on up to 3 (10 jobs),
    D 5,000 m² needing rail (500 jobs, no parcel has it), E 10,000 m² on up to 2 (40 jobs). A, B and E
    take 2 + 1 + 2 parcels for 190 jobs; C would need 3 more than the one left: the optimum is 190.
    """
    ecosystem = Ecosystem.objects.filter(sector__programme=zone.programme).order_by("code").first()
    company = company_user.memberships.get().organisation
    made = {}
    for name, area, k, jobs, needs in [
        ("A", "9000", 2, 100, ()),
        ("B", "5000", 1, 50, ()),
        ("C", "12000", 3, 10, ()),
        ("D", "5000", 1, 500, ("rail",)),
        ("E", "10000", 2, 40, ()),
    ]:
        project = ProjectFactory(company=company, ecosystem=ecosystem, plan=[{"year": 2024, "jobs": jobs}])
        made[name] = services.request_create(
            actor=company_user, project=project, area_m2=area, max_parcels=k, services_needed=needs
        )
    return made


def test_the_optimiser_serves_the_requests_worth_most_jobs_and_says_why_the_others_are_not(contest, land_officer, zone):
    parcels_in, requests_in = optimiser.analytics_inputs(zone.programme)
    assert len(parcels_in) == 6 and [r.jobs for r in requests_in] == [100, 50, 10, 500, 40]

    proposal = optimiser.proposal_run(actor=land_officer, programme=zone.programme, parameters={})
    assert proposal.proven_optimal and proposal.objective_value == 190
    served = {a["request"]: a for a in proposal.plan["assignments"]}
    ref = {name: r.reference for name, r in contest.items()}
    assert set(served) == {ref["A"], ref["B"], ref["E"]}
    assert [served[ref[n]]["area_m2"] for n in "ABE"] == pytest.approx([10_000, 5_000, 10_000], abs=0.5)
    reasons = {u["request"]: u["reason"] for u in proposal.plan["unserved"]}
    assert reasons == {ref["C"]: "outcompeted", ref["D"]: "no_parcel_with_services"}
    assert not Holding.objects.exists()  # a proposal takes nothing until a person accepts it


def test_accepting_a_proposal_as_computed_reserves_and_allocates_each_assignment(contest, land_officer, zone):
    proposal = optimiser.proposal_run(actor=land_officer, programme=zone.programme, parameters={})
    accepted = optimiser.proposal_accept(actor=land_officer, proposal=proposal)
    assert sorted(r.reference for r in accepted) == sorted(contest[n].reference for n in "ABE")
    assert all(r.status == R.ALLOCATED for r in accepted)
    assert allocated() == 25_000
    assert list(statuses().values()).count("allocated") == 5
    assert LandRequest.objects.get(pk=contest["C"].pk).status == R.SUBMITTED
    proposal.refresh_from_db()
    assert proposal.accepted_by == land_officer and proposal.accepted_at is not None
    assert set(proposal.plan["accepted"]) == {contest[n].reference for n in "ABE"}
    refused(Conflict, "already_accepted", optimiser.proposal_accept, actor=land_officer, proposal=proposal)

    occupancy = optimiser.occupancy(zone.programme)
    assert occupancy["committed_ha"] == Decimal("2.5") and occupancy["promised_ha"] == 57
    assert occupancy["total_ha"] == pytest.approx(Decimal(3), abs=Decimal("0.0001"))
    assert list(occupancy["by_ecosystem"].values()) == [Decimal("2.5")]


def test_accepting_an_edited_proposal_takes_the_persons_choice(contest, land_officer, zone):
    proposal = optimiser.proposal_run(actor=land_officer, programme=zone.programme, parameters={})
    ref = {name: r.reference for name, r in contest.items()}
    edited = {
        ref["A"]: [],  # left unserved
        ref["B"]: ["BER/P12"],
        ref["C"]: ["BER/P00", "BER/P01", "BER/P02"],  # 15,000 m², the top of 12,000 x 1.25
        ref["E"]: ["BER/P10", "BER/P11"],
    }
    accepted = optimiser.proposal_accept(actor=land_officer, proposal=proposal, edited=edited)
    assert sorted(r.reference for r in accepted) == sorted(ref[n] for n in "BCE")
    assert allocated() == 30_000  # the whole zone
    assert LandRequest.objects.get(pk=contest["A"].pk).status == R.SUBMITTED
    assert Holding.objects.get(parcel__code="P12", live=True).request_id == contest["B"].pk


@pytest.mark.parametrize(
    ("edit", "code", "words"),
    [
        ({"A": ["BER/P00", "BER/P02"]}, "proposal_invalid", "parcels_not_adjacent"),
        ({"D": ["BER/P00"]}, "proposal_invalid", "services_missing"),
        ({"B": ["BER/P00", "BER/P01"]}, "proposal_invalid", "too_many_parcels"),
        ({"C": ["BER/P00"]}, "proposal_invalid", "area_too_small"),
        ({"B": ["KEN/P00"]}, "proposal_invalid", "parcel_unknown"),
        ({"LR-1999-00001": ["BER/P00"]}, "request_not_in_run", "was not part of this run"),
    ],
)
def test_an_edit_that_breaks_a_rule_is_refused_and_nothing_is_reserved(contest, land_officer, zone, edit, code, words):
    proposal = optimiser.proposal_run(actor=land_officer, programme=zone.programme, parameters={})
    edited = {(contest[k].reference if k in contest else k): v for k, v in edit.items()}
    error = refused(
        ValidationFailed, code, optimiser.proposal_accept, actor=land_officer, proposal=proposal, edited=edited
    )
    assert words in str(error)
    assert not Holding.objects.exists() and Proposal.objects.get().accepted_at is None


def test_an_edit_giving_a_parcel_to_two_requests_is_refused(contest, land_officer, zone):
    proposal = optimiser.proposal_run(actor=land_officer, programme=zone.programme, parameters={})
    edited = {contest["B"].reference: ["BER/P12"], contest["E"].reference: ["BER/P11", "BER/P12"]}
    error = refused(
        ValidationFailed,
        "proposal_invalid",
        optimiser.proposal_accept,
        actor=land_officer,
        proposal=proposal,
        edited=edited,
    )
    assert "parcel_used_twice" in str(error)


def test_a_proposal_whose_land_was_taken_since_the_run_is_refused_whole(contest, land_officer, zone, new_request):
    proposal = optimiser.proposal_run(actor=land_officer, programme=zone.programme, parameters={})
    [a_lot] = [a["parcels"] for a in proposal.plan["assignments"] if a["request"] == contest["B"].reference]
    late = new_request("5000")
    services.reserve(actor=land_officer, request=late, parcels=parcels(a_lot[0].split("/")[1]))
    refused(Conflict, "parcel_not_available", optimiser.proposal_accept, actor=land_officer, proposal=proposal)
    assert Holding.objects.filter(live=True).count() == 1  # the late request's only


def test_a_quota_on_requests_keeps_the_most_valuable_and_bad_parameters_are_refused(contest, land_officer, zone):
    ecosystem = contest["A"].project.ecosystem.code
    proposal = optimiser.proposal_run(
        actor=land_officer, programme=zone.programme, parameters={"quotas": {ecosystem: {"max_requests": 1}}}
    )
    assert [a["request"] for a in proposal.plan["assignments"]] == [contest["A"].reference]
    reasons = {u["request"]: u["reason"] for u in proposal.plan["unserved"]}
    assert [reasons[contest[n].reference] for n in "BCDE"] == ["quota", "quota", "no_parcel_with_services", "quota"]
    for parameters, code in [
        ({"objective": "happiness"}, "objective_invalid"),
        ({"jobs_weight": -1, "objective": "mix"}, "objective_invalid"),
        ({"quotas": {ecosystem: {"max_hectares": "-2"}}}, "quota_invalid"),
        ({"quotas": {ecosystem: {"min_hectares": 4}}}, "quotas_infeasible"),  # A, B, C, E ask 3.6 ha in all
    ]:
        kind = Conflict if code == "quotas_infeasible" else ValidationFailed
        refused(kind, code, optimiser.proposal_run, actor=land_officer, programme=zone.programme, parameters=parameters)
