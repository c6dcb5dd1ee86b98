"""The generated industrial land: the IMM contract's 57 hectares in rental parks at the published bare-land rents
(5 to 7 MAD/m²/month), every row flagged generated, and requests taken through the workflow's own steps."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest
from django.db.models import Sum

from ecosys.accounts.models import Organisation, User
from ecosys.analytics import landgeo
from ecosys.investments.demo import demo_generate as investments_demo
from ecosys.land import demo, optimiser, services
from ecosys.land.models import Holding, LandRequest, Parcel, Proposal, Zone

pytestmark = pytest.mark.django_db

R = LandRequest.Status
TAKEN = ("allocated", "contracted", "built")  # parcel statuses counted in a zone's allocated area


@pytest.fixture
def generated(imm):
    investments_demo()
    return demo.demo_generate()


def fingerprint() -> dict[str, object]:
    return {
        "zones": list(Zone.objects.order_by("code").values_list("code", "area_m2", "allocated_m2", "updated_at")),
        "parcels": list(Parcel.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "requests": list(LandRequest.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "holdings": list(Holding.objects.order_by("pk").values_list("pk", "live", "ended_at")),
        "people": (User.objects.count(), Organisation.objects.count()),
        "history": [m.history.count() for m in (Zone, Parcel, LandRequest, Holding)],
    }


# Generating takes seconds: each test checks several properties of one generation.


def test_the_parks_make_up_the_contracts_57_hectares_at_published_rents_and_a_second_run_changes_nothing(generated):
    zones = list(Zone.objects.select_related("region", "province"))
    total_ha = sum(z.area_m2 for z in zones) / 10_000
    assert abs(total_ha - 57) <= Decimal("0.01")
    assert generated["zones"] == len(zones) == 4 and generated["hectares"] == 57
    assert services.committed_hectares(zones[0].programme) * 10_000 == generated["committed_m2"]
    for zone in zones:
        assert zone.kind == Zone.Kind.RENTAL and zone.is_generated and zone.grid == "EPSG:26191"
        assert zone.province.region_id == zone.region_id  # real codes of the investments tables
        assert zone.declared_area_m2 is not None and abs(zone.area_m2 - zone.declared_area_m2) <= Decimal("0.1")
        assert abs(Decimal(str(landgeo.measured_area(zone.geometry))) - zone.area_m2) <= Decimal("0.1")
        # The parcels tile their zone: no land lost between them, none overlapping (the import checks).
        assert abs(zone.parcels.aggregate(s=Sum("area_m2"))["s"] - zone.area_m2) <= Decimal("0.5")
    assert {(z.region.code, z.province.code) for z in zones} == {
        ("06", "06.07"),  # Berrechid
        ("06", "06.02"),  # Mohammédia
        ("04", "04.04"),  # Kénitra
        ("01", "01.01"),  # Tanger-Assilah
    }

    parcels = list(Parcel.objects.all())
    assert len(parcels) == generated["parcels"]
    assert all(p.is_generated for p in parcels)
    rents = [p.rent_mad_per_m2_month for p in parcels]
    assert all(rent is not None and Decimal(5) <= rent <= Decimal(7) for rent in rents)
    assert len(set(rents)) > 3  # varied, not one figure
    areas = sorted(p.area_m2 for p in parcels)
    assert areas[0] >= 2_000 and areas[-1] <= 30_000 and len(set(areas)) > 10
    assert all("power" in p.services for p in parcels)
    assert {s for p in parcels for s in p.services} >= {"power", "water", "rail", "gas"}
    assert 0 < sum("rail" in p.services for p in parcels) < len(parcels) / 2  # rail for some only
    assert all(p.neighbours for p in parcels)
    assert LandRequest.objects.filter(is_generated=False).count() == 0

    before = fingerprint()
    assert demo.demo_generate() == {}
    assert fingerprint() == before


def test_requests_of_the_projects_that_need_land_are_at_every_step_and_the_zones_hold_what_is_allocated(generated):
    requests = list(LandRequest.objects.select_related("project"))
    assert len(requests) == generated["requests"] >= 30
    by_status = Counter(r.status for r in requests)
    assert {k: v for k, v in generated.items() if k in R.values} == dict(by_status)
    assert set(by_status) == set(R.values) - {R.EXPIRED}  # every step but an expiry, which takes time
    assert by_status[R.SUBMITTED] >= 10  # waiting for the optimiser
    for request in requests:
        assert request.is_generated and request.project.is_generated
        assert request.area_m2 == request.project.land_need_m2
        live = list(request.holdings.filter(live=True).select_related("parcel"))
        area = sum((h.parcel.area_m2 for h in live), Decimal(0))
        low, high = services.area_window(request)
        if request.status in (R.SUBMITTED, R.RELEASED, R.WITHDRAWN):
            assert not live
        else:
            assert low <= area <= high and len(live) <= request.max_parcels
            assert len({h.parcel.zone_id for h in live}) == 1
            assert {h.parcel.status for h in live} == {request.status}
        if request.status in (R.CONTRACTED, R.BUILT):
            assert request.agreement == LandRequest.Agreement.LEASE
            assert request.agreement_signed_on >= request.project.agreement_date
            assert all(h.allocated_at.date() < request.agreement_signed_on for h in live)
        if request.status in (R.RELEASED, R.WITHDRAWN):
            assert request.reason and request.holdings.exists()

    # A parcel is held once; each zone's allocated area is the area of its allocated, signed and built parcels.
    held = list(Holding.objects.filter(live=True).values_list("parcel", flat=True))
    assert len(held) == len(set(held))
    for zone in Zone.objects.all():
        taken = zone.parcels.filter(status__in=TAKEN).aggregate(s=Sum("area_m2"))["s"] or Decimal(0)
        assert zone.allocated_m2 == taken
        assert 0 < zone.allocated_m2 < zone.area_m2
    assert not Parcel.objects.filter(status="available", holdings__live=True).exists()

    # Realistic occupancy: between a third and four fifths of the 57 ha committed, the rest on offer.
    programme = Zone.objects.first().programme
    committed = services.committed_hectares(programme)
    assert Decimal(19) <= committed <= Decimal("45.6")

    # The optimiser has something to decide: some of the submitted requests fit the land still available.
    officer = User.objects.get(username=demo.OFFICER)
    proposal = optimiser.proposal_run(actor=officer, programme=programme, parameters={})
    assert proposal.proven_optimal and proposal.plan["assignments"] and proposal.plan["unserved"]
    assert Proposal.objects.count() == 1


def test_the_drawing_is_deterministic_and_the_parks_add_up_to_57_hectares_by_construction():
    assert sum(park.area_m2 for park in demo.PARKS) == 570_000
    for park in demo.PARKS:
        first = demo.parcels_geojson(park, random.Random(demo.SEED))
        assert first == demo.parcels_geojson(park, random.Random(demo.SEED))
        assert sum(f["properties"]["declared_area_m2"] for f in first["features"]) == park.area_m2
    assert demo.zones_geojson() == demo.zones_geojson()
