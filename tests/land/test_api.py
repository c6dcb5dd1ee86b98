"""The land API: zones and their parcels as GeoJSON, imports that refuse a bad file whole, land requests from
submission to the built plant (a company sees its own), the optimiser's proposals, the programme's occupancy."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ecosys.core.roles import Role
from ecosys.investments.lifecycle import Status
from ecosys.land import services
from ecosys.land.models import Holding, LandRequest, Parcel, Proposal, Zone
from ecosys.land.shapes import collection, feature, rectangle
from tests.investments.factories import ProjectFactory, advance
from tests.land.conftest import BERRECHID, parcels_geojson, zone_geojson

pytestmark = pytest.mark.django_db
API = "/api/v1/land"


ENGLISH = {"Accept-Language": "en"}  # an API client that reads English (the platform speaks French by default)


def _post(client, url, payload=None):
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json", headers=ENGLISH)


def _geojson_post(client, url, document, content_type="application/geo+json"):
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    return client.post(url, data=body, content_type=content_type, headers=ENGLISH)


def _upload(client, url, document):
    file = SimpleUploadedFile("zones.geojson", json.dumps(document).encode(), content_type="application/geo+json")
    return client.post(url, {"file": file})


@pytest.fixture
def officer(client_for, land_officer):
    return client_for(land_officer)


@pytest.fixture
def company(client_for, company_user):
    return client_for(company_user)


@pytest.fixture
def other_company_user(make_user):
    return make_user(Role.COMPANY_USER)


@pytest.fixture
def submitted(zone, project, company_user):
    return services.request_create(actor=company_user, project=project, area_m2="9000", max_parcels=2)


def _parcels(*codes):
    return list(Parcel.objects.filter(code__in=codes))


# --------------------------------------------------------------------------------------------------
# Zones and parcels
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_zones_with_their_occupancy(zone, make_user, client_for, role):
    response = client_for(make_user(role)).get(f"{API}/zones")
    assert response.status_code == 200
    [body] = response.json()
    assert body["code"] == "BER"
    assert body["kind"] == "rental"
    assert body["parcels"] == 6
    assert abs(Decimal(body["area_m2"]) - 30000) < 1
    assert Decimal(body["available_m2"]) == Decimal(body["parcelled_m2"])
    assert Decimal(body["allocated_m2"]) == 0
    assert Decimal(body["reserved_m2"]) == 0


def test_a_visitor_reads_no_zone(zone, client):
    response = client.get(f"{API}/zones")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_zone_list_follows_allocation_and_filters_by_programme(zone, submitted, land_officer, officer, imm):
    services.reserve(actor=land_officer, request=submitted, parcels=_parcels("P00", "P01"))
    [body] = officer.get(f"{API}/zones?programme={imm.sector.programme.code}").json()
    assert abs(Decimal(body["reserved_m2"]) - 10000) < 1
    services.allocate(actor=land_officer, request=submitted)
    [body] = officer.get(f"{API}/zones").json()
    assert Decimal(body["reserved_m2"]) == 0
    assert abs(Decimal(body["allocated_m2"]) - 10000) < 1
    assert abs(Decimal(body["allocated_percent"]) - Decimal("33.3")) < Decimal("0.1")
    assert officer.get(f"{API}/zones?programme=nope").status_code == 404


def test_zone_detail_names_the_holder_to_those_who_may_see_the_request(
    zone, project, company_user, land_officer, officer, company, other_company_user, client_for
):
    request = services.request_create(actor=company_user, project=project, area_m2="5000")
    services.reserve(actor=land_officer, request=request, parcels=_parcels("P00"))
    body = officer.get(f"{API}/zones/BER").json()
    assert body["geometry"]["type"] == "Polygon"
    features = body["parcel_features"]
    assert features["type"] == "FeatureCollection"
    by_key = {f["id"]: f for f in features["features"]}
    assert sorted(by_key) == [f"BER/P{r}{c}" for r in range(2) for c in range(3)]
    p00 = by_key["BER/P00"]
    assert p00["geometry"]["type"] == "Polygon"
    assert p00["properties"]["status"] == "reserved"
    assert p00["properties"]["holder"] == request.reference
    assert abs(p00["properties"]["area_m2"] - 5000) < 1  # a number, for GIS tools
    assert p00["properties"]["rent_mad_per_m2_month"] == 6.0
    assert sorted(p00["properties"]["neighbours"]) == ["P01", "P10"]
    own = company.get(f"{API}/zones/BER").json()["parcel_features"]["features"]
    assert next(f for f in own if f["id"] == "BER/P00")["properties"]["holder"] == request.reference
    theirs = client_for(other_company_user).get(f"{API}/zones/BER").json()["parcel_features"]["features"]
    assert next(f for f in theirs if f["id"] == "BER/P00")["properties"]["holder"] == ""


def test_an_unknown_zone_is_not_found(zone, officer):
    response = officer.get(f"{API}/zones/NOPE")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_zones_import_from_a_json_body(imm, officer):
    programme = imm.sector.programme.code
    response = _geojson_post(officer, f"{API}/zones/import?programme={programme}", zone_geojson(code="KEN"))
    assert response.status_code == 201, response.content
    [body] = response.json()
    assert body["code"] == "KEN"
    assert body["parcels"] == 0
    assert Zone.objects.get(code="KEN").programme.code == programme


def test_zones_import_from_a_file_then_parcels_from_a_file(imm, officer):
    programme = imm.sector.programme.code
    response = _upload(officer, f"{API}/zones/import?programme={programme}", zone_geojson())
    assert response.status_code == 201, response.content
    response = _upload(officer, f"{API}/parcels/import", parcels_geojson())
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body) == 6
    assert {p["key"] for p in body} >= {"BER/P00", "BER/P12"}
    assert body[0]["status"] == "available"
    assert Parcel.objects.count() == 6


def test_parcels_import_from_a_json_body(imm, officer):
    services.zones_import(actor=None, programme=imm.sector.programme, data=zone_geojson())
    response = _geojson_post(officer, f"{API}/parcels/import", parcels_geojson(), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Parcel.objects.count() == 6


@pytest.mark.parametrize("role", [Role.MINISTRY_ANALYST, Role.COMPANY_USER, Role.FUND_OFFICER, Role.AUDITOR])
def test_imports_are_refused_to_those_who_do_not_manage_land(imm, make_user, client_for, role):
    client = client_for(make_user(role))
    programme = imm.sector.programme.code
    response = _geojson_post(client, f"{API}/zones/import?programme={programme}", zone_geojson())
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden:land.manage"
    assert not Zone.objects.exists()
    services.zones_import(actor=None, programme=imm.sector.programme, data=zone_geojson())
    response = _upload(client, f"{API}/parcels/import", parcels_geojson())
    assert response.status_code == 403
    assert not Parcel.objects.exists()


def test_a_bad_zone_file_is_refused_whole_with_one_error_per_feature(imm, officer):
    good = zone_geojson(code="KEN")["features"][0]
    ring = [[-7.58, 33.27], [-7.57, 33.28], [-7.57, 33.27], [-7.58, 33.28], [-7.58, 33.27]]  # crosses itself
    bowtie = {"type": "Polygon", "coordinates": [ring]}
    document = collection(
        [
            good,
            feature(bowtie, code="BAD", name="Crossed", region="06", province="06.01", kind="rental"),
            {"type": "Feature", "properties": {"code": "PT"}, "geometry": {"type": "Point", "coordinates": [-7, 33]}},
        ]
    )
    response = _geojson_post(officer, f"{API}/zones/import?programme={imm.sector.programme.code}", document)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "geojson_invalid"
    assert "nothing was imported" in body["message"]
    errors = {e["row"]: e for e in body["errors"]}
    assert set(errors) == {2, 3}
    assert errors[2]["column"] == "geometry_invalid"
    assert "not a valid polygon" in errors[2]["message"]
    assert errors[3]["column"] == "not_a_polygon"
    assert not Zone.objects.exists()


def test_a_parcel_file_with_overlaps_and_a_parcel_outside_its_zone_writes_nothing(zone, officer):
    document = collection(
        [
            feature(rectangle(*BERRECHID, 0, 0, 50, 50), code="N1", zone="BER", rent_mad_per_m2_month="6"),
            feature(rectangle(*BERRECHID, 400, 0, 50, 50), code="N2", zone="BER", rent_mad_per_m2_month="6"),
        ]
    )
    before = Parcel.objects.count()
    response = _upload(officer, f"{API}/parcels/import", document)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "geojson_invalid"
    codes = {(e["row"], e["column"]) for e in body["errors"]}
    assert (1, "parcels_overlap") in codes
    assert (2, "outside_zone") in codes
    assert Parcel.objects.count() == before


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        (b"{not json", "application/json", "geojson_invalid"),
        (b'{"type": "Feature"}', "application/geo+json", "geojson_invalid"),
        (b"", "application/json", "file_missing"),
    ],
)
def test_a_body_that_is_not_geojson_is_refused(imm, officer, body, content_type, code):
    url = f"{API}/zones/import?programme={imm.sector.programme.code}"
    response = officer.post(url, data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Zone.objects.exists()


def test_a_form_without_its_file_is_refused(imm, officer):
    response = officer.post(f"{API}/parcels/import", {"other": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_importing_a_zone_twice_is_a_conflict(zone, officer, imm):
    url = f"{API}/zones/import?programme={imm.sector.programme.code}"
    response = _geojson_post(officer, url, zone_geojson())
    assert response.status_code == 409
    assert response.json()["code"] == "zone_exists"


# --------------------------------------------------------------------------------------------------
# Land requests
# --------------------------------------------------------------------------------------------------


def test_a_company_requests_land_for_its_project(zone, project, company):
    payload = {
        "project": project.code,
        "area_m2": "9000",
        "max_parcels": 2,
        "services_needed": ["power"],
        "preferred_zones": ["BER"],
    }
    response = _post(company, f"{API}/requests", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("LR-")
    assert body["status"] == "submitted"
    assert body["project"] == project.code
    assert body["preferred_zones"] == ["BER"]
    assert body["services_needed"] == ["power"]
    assert Decimal(body["area_low_m2"]) == 9000
    assert Decimal(body["area_high_m2"]) == Decimal("11250.0")
    assert body["holdings"] == []


def test_a_request_larger_than_any_zone_is_refused(zone, project, company):
    response = _post(company, f"{API}/requests", {"project": project.code, "area_m2": "40000"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "larger_than_any_zone"
    assert body["errors"][0]["field"] == "area_m2"
    assert not LandRequest.objects.exists()


def test_a_request_naming_an_unknown_zone_or_bad_area_is_refused(zone, project, company):
    response = _post(company, f"{API}/requests", {"project": project.code, "area_m2": "900", "preferred_zones": ["X"]})
    assert response.status_code == 400
    assert response.json()["code"] == "zone_unknown"
    response = _post(company, f"{API}/requests", {"project": project.code, "area_m2": "-5"})
    assert response.status_code == 400
    assert response.json()["code"] == "area_invalid"
    response = _post(company, f"{API}/requests", {"project": project.code, "area_m2": "many"})
    assert response.status_code == 422
    assert not LandRequest.objects.exists()


def test_another_company_s_project_is_not_found_and_staff_without_the_right_are_refused(
    zone, project, other_company_user, make_user, client_for
):
    payload = {"project": project.code, "area_m2": "5000"}
    response = _post(client_for(other_company_user), f"{API}/requests", payload)
    assert response.status_code == 404
    response = _post(client_for(make_user(Role.MINISTRY_ANALYST)), f"{API}/requests", payload)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden:land.request"
    assert not LandRequest.objects.exists()


def test_the_land_office_requests_land_on_a_company_s_behalf(zone, project, officer):
    response = _post(officer, f"{API}/requests", {"project": project.code, "area_m2": "5000"})
    assert response.status_code == 201
    assert LandRequest.objects.get().company_id == project.company_id


def test_company_users_see_their_own_company_s_requests_only(
    zone, submitted, company, other_company_user, client_for, officer
):
    other = client_for(other_company_user)
    assert [r["reference"] for r in company.get(f"{API}/requests").json()["items"]] == [submitted.reference]
    assert other.get(f"{API}/requests").json() == {"items": [], "count": 0}
    assert officer.get(f"{API}/requests?status=submitted").json()["count"] == 1
    assert officer.get(f"{API}/requests?status=allocated").json()["count"] == 0
    assert company.get(f"{API}/requests/{submitted.reference}").status_code == 200
    response = other.get(f"{API}/requests/{submitted.reference}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_from_reservation_to_the_built_plant(zone, submitted, officer):
    url = f"{API}/requests/{submitted.reference}"
    response = _post(officer, f"{url}/reserve", {"parcels": ["BER/P00", "BER/P01"], "days": 10})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "reserved"
    assert sorted(h["parcel"] for h in body["holdings"]) == ["BER/P00", "BER/P01"]
    assert all(h["live"] and h["allocated_at"] is None for h in body["holdings"])
    response = _post(officer, f"{url}/allocate")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "allocated"
    assert all(h["allocated_at"] for h in response.json()["holdings"])
    response = _post(officer, f"{url}/agreement", {"signed_on": "2019-03-01"})
    assert response.status_code == 200, response.content
    assert response.json()["agreement"] == "lease"  # a rental park
    assert response.json()["agreement_signed_on"] == "2019-03-01"
    response = _post(officer, f"{url}/built")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "built"
    assert set(Parcel.objects.filter(code__in=["P00", "P01"]).values_list("status", flat=True)) == {"built"}


def test_an_agreement_without_a_date_is_signed_today(zone, submitted, land_officer, officer):
    services.reserve(actor=land_officer, request=submitted, parcels=_parcels("P00", "P01"))
    services.allocate(actor=land_officer, request=submitted)
    response = _post(officer, f"{API}/requests/{submitted.reference}/agreement")
    assert response.status_code == 200
    assert response.json()["agreement_signed_on"] == timezone.localdate().isoformat()


@pytest.mark.parametrize(
    ("step", "payload"),
    [
        ("reserve", {"parcels": ["BER/P00", "BER/P01"]}),
        ("allocate", {}),
        ("agreement", {"signed_on": "2019-03-01"}),
        ("built", {}),
        ("release", {"reason": "Engagements non tenus"}),
    ],
)
def test_a_company_cannot_move_its_own_request_through_the_land_office_s_steps(
    zone, submitted, land_officer, company, step, payload
):
    steps = ["reserve", "allocate", "agreement", "built", "release"]
    if steps.index(step) >= 1:
        services.reserve(actor=land_officer, request=submitted, parcels=_parcels("P00", "P01"))
    if steps.index(step) >= 2:
        services.allocate(actor=land_officer, request=submitted)
    if steps.index(step) >= 3 and step != "release":
        services.agreement_sign(actor=land_officer, request=submitted, signed_on=date(2019, 3, 1))
    before = LandRequest.objects.get(pk=submitted.pk).status
    response = _post(company, f"{API}/requests/{submitted.reference}/{step}", payload)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden:land.allocate"
    assert LandRequest.objects.get(pk=submitted.pk).status == before


def test_two_allocations_of_the_same_parcel_are_refused(zone, submitted, imm, land_officer, officer, client_for):
    other_user = client_for(land_officer)
    second_project = advance(
        ProjectFactory(company=submitted.company, ecosystem=submitted.project.ecosystem),
        Status.AGREEMENT_SIGNED,
        agreement_date=date(2017, 6, 1),
    )
    second = services.request_create(actor=land_officer, project=second_project, area_m2="4500")
    response = _post(officer, f"{API}/requests/{submitted.reference}/reserve", {"parcels": ["BER/P00", "BER/P01"]})
    assert response.status_code == 200
    assert _post(officer, f"{API}/requests/{submitted.reference}/allocate").status_code == 200

    response = _post(other_user, f"{API}/requests/{second.reference}/reserve", {"parcels": ["BER/P00"]})
    assert response.status_code == 409
    assert response.json()["code"] == "parcel_not_available"
    response = _post(other_user, f"{API}/requests/{second.reference}/allocate")
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_status"
    assert Holding.objects.filter(parcel__code="P00", live=True).count() == 1
    assert LandRequest.objects.get(pk=second.pk).status == "submitted"
    zone.refresh_from_db()
    assert abs(zone.allocated_m2 - 10000) < 1


def test_reserving_an_unknown_parcel_or_a_parcel_too_small_is_refused(zone, submitted, officer):
    url = f"{API}/requests/{submitted.reference}/reserve"
    response = _post(officer, url, {"parcels": ["BER/P99"]})
    assert response.status_code == 400
    assert response.json()["code"] == "parcel_unknown"
    response = _post(officer, url, {"parcels": ["P00"]})
    assert response.json()["code"] == "parcel_unknown"
    response = _post(officer, url, {"parcels": ["BER/P00"]})  # 5000 m² for a request of 9000
    assert response.status_code == 400
    assert response.json()["code"] == "area_does_not_fit"
    response = _post(officer, url, {"parcels": ["BER/P00", "BER/P11"]})
    assert response.json()["code"] == "parcels_not_adjacent"
    assert not Holding.objects.exists()


def test_release_needs_a_reason_and_frees_the_land(zone, submitted, land_officer, officer):
    services.reserve(actor=land_officer, request=submitted, parcels=_parcels("P00", "P01"))
    services.allocate(actor=land_officer, request=submitted)
    url = f"{API}/requests/{submitted.reference}/release"
    response = _post(officer, url, {"reason": "  "})
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    response = _post(officer, url, {"reason": "Engagements d'emplois non tenus"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "released"
    assert body["reason"] == "Engagements d'emplois non tenus"
    assert not any(h["live"] for h in body["holdings"])
    assert Zone.objects.get().allocated_m2 == 0
    assert not Parcel.objects.exclude(status="available").exists()


def test_a_company_withdraws_its_own_request_and_not_another_s(
    zone, submitted, land_officer, company, other_company_user, client_for
):
    services.reserve(actor=land_officer, request=submitted, parcels=_parcels("P00", "P01"))
    url = f"{API}/requests/{submitted.reference}/withdraw"
    response = _post(client_for(other_company_user), url, {"reason": "Projet abandonné"})
    assert response.status_code == 404
    assert LandRequest.objects.get(pk=submitted.pk).status == "reserved"
    response = _post(company, url, {"reason": "Projet abandonné"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert not Holding.objects.filter(live=True).exists()
    response = _post(company, url, {"reason": "Encore"})
    assert response.status_code == 409
    assert response.json()["code"] == "wrong_status"


# --------------------------------------------------------------------------------------------------
# The optimiser and the occupancy
# --------------------------------------------------------------------------------------------------


@pytest.fixture
def two_requests(zone, project, company_user, land_officer):
    other = advance(
        ProjectFactory(company=project.company, ecosystem=project.ecosystem, plan=[{"year": 2019, "jobs": 80}]),
        Status.AGREEMENT_SIGNED,
        agreement_date=date(2017, 6, 1),
    )
    first = services.request_create(actor=company_user, project=project, area_m2="9000", max_parcels=2)
    second = services.request_create(actor=land_officer, project=other, area_m2="5000")
    return first, second


def test_the_land_office_runs_the_optimiser_and_accepts_its_proposal(two_requests, imm, officer, company):
    first, second = two_requests
    payload = {"programme": imm.sector.programme.code, "objective": "jobs", "time_limit_s": 10}
    assert _post(company, f"{API}/proposals", payload).status_code == 403
    response = _post(officer, f"{API}/proposals", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["programme"] == imm.sector.programme.code
    assert body["proven_optimal"] is True
    assert {a["request"] for a in body["assignments"]} == {first.reference, second.reference}
    assert body["accepted_at"] is None and body["accepted"] is None
    pk = body["id"]
    assert officer.get(f"{API}/proposals/{pk}").json()["id"] == pk
    assert officer.get(f"{API}/proposals").json()["count"] == 1
    assert company.get(f"{API}/proposals/{pk}").status_code == 403
    assert company.get(f"{API}/proposals").status_code == 403
    assert _post(company, f"{API}/proposals/{pk}/accept").status_code == 403
    assert not Holding.objects.exists()

    response = _post(officer, f"{API}/proposals/{pk}/accept", {"days": 20})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted_by"] and body["accepted_at"]
    assert set(body["accepted"]) == {first.reference, second.reference}
    assert set(LandRequest.objects.values_list("status", flat=True)) == {"allocated"}
    response = _post(officer, f"{API}/proposals/{pk}/accept")
    assert response.status_code == 409
    assert response.json()["code"] == "already_accepted"


def test_an_edited_proposal_is_checked_before_anything_is_taken(two_requests, imm, officer):
    first, second = two_requests
    response = _post(officer, f"{API}/proposals", {"programme": imm.sector.programme.code, "time_limit_s": 10})
    pk = response.json()["id"]
    clash = {first.reference: ["BER/P00", "BER/P01"], second.reference: ["BER/P00"]}
    response = _post(officer, f"{API}/proposals/{pk}/accept", {"edits": clash})
    assert response.status_code == 400
    assert response.json()["code"] == "proposal_invalid"
    assert not Holding.objects.exists()
    edits = {first.reference: ["BER/P11", "BER/P12"], second.reference: []}
    response = _post(officer, f"{API}/proposals/{pk}/accept", {"edits": edits})
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] == {first.reference: ["BER/P11", "BER/P12"]}
    assert LandRequest.objects.get(pk=first.pk).status == "allocated"
    assert LandRequest.objects.get(pk=second.pk).status == "submitted"


def test_a_proposal_with_bad_parameters_is_refused(zone, imm, officer):
    url = f"{API}/proposals"
    response = _post(officer, url, {"programme": imm.sector.programme.code, "objective": "profit"})
    assert response.status_code == 400
    assert response.json()["code"] == "objective_invalid"
    response = _post(
        officer, url, {"programme": imm.sector.programme.code, "quotas": {"IMM-VAL": {"max_hectares": -1}}}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "quota_invalid"
    assert _post(officer, url, {"programme": "nope"}).status_code == 404
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_occupancy(zone, submitted, land_officer, imm, make_user, client_for, role):
    services.reserve(actor=land_officer, request=submitted, parcels=_parcels("P00", "P01"))
    services.allocate(actor=land_officer, request=submitted)
    response = client_for(make_user(role)).get(f"{API}/occupancy?programme={imm.sector.programme.code}")
    assert response.status_code == 200
    body = response.json()
    assert abs(Decimal(body["total_ha"]) - 3) < Decimal("0.001")
    assert abs(Decimal(body["committed_ha"]) - 1) < Decimal("0.001")
    assert abs(Decimal(body["by_ecosystem_ha"][submitted.project.ecosystem.code]) - 1) < Decimal("0.001")
    [zone_body] = body["zones"]
    assert zone_body["code"] == "BER"
    assert abs(Decimal(zone_body["by_status_ha"]["allocated"]) - 1) < Decimal("0.001")
    assert abs(Decimal(zone_body["by_status_ha"]["available"]) - 2) < Decimal("0.001")


def test_occupancy_needs_a_known_programme(zone, officer, client):
    assert officer.get(f"{API}/occupancy?programme=nope").status_code == 404
    assert officer.get(f"{API}/occupancy").status_code == 422
    assert client.get(f"{API}/occupancy?programme=x").status_code == 401
