"""Excel downloads of the land domain: what the land office opens is what the database holds, numbers as numbers."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from ecosys.land import optimiser, services
from ecosys.land.exports import parcels_xlsx, proposal_xlsx, requests_xlsx, zone_figures, zones_xlsx
from ecosys.land.models import LandRequest, Parcel, Zone

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.fixture
def allocated(zone, project, company_user, land_officer):
    request = services.request_create(actor=company_user, project=project, area_m2="9000", max_parcels=2)
    services.reserve(actor=land_officer, request=request, parcels=list(Parcel.objects.filter(code__in=["P00", "P01"])))
    return services.allocate(actor=land_officer, request=request)


def test_zone_figures_sum_the_parcels_by_status(allocated, zone):
    zone.refresh_from_db()  # the allocation moved its counter
    figures = zone_figures([zone])[zone.pk]
    assert figures.parcels == 6
    assert abs(figures.available_m2 - 20000) < 1
    assert figures.reserved_m2 == 0
    assert abs(figures.by_status["allocated"] - 10000) < 1
    assert abs(figures.parcelled_m2 - 30000) < 1
    assert figures.allocated_percent == Decimal("33.3")


def test_zones_xlsx_keeps_areas_as_numbers(allocated):
    with translation.override("en"):
        content = zones_xlsx(Zone.objects.all())
    rows = _rows(content)
    assert rows[0][:3] == ("Code", "Zone", "Programme")
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Code"] == "BER"
    assert row["Kind"] == "rental park"
    assert row["Parcels"] == 6
    assert isinstance(row["Area (m²)"], float | int)
    assert abs(row["Area (m²)"] - 30000) < 1
    assert abs(row["Area (ha)"] - 3) < 0.01
    assert abs(row["Allocated (m²)"] - 10000) < 1
    assert abs(row["Available (m²)"] - 20000) < 1
    assert row["Reserved (m²)"] == 0
    assert row["Allocated (%)"] == pytest.approx(33.3)
    assert row["Generated demo data"] == "no"
    assert load_workbook(io.BytesIO(content)).active.cell(row=1, column=1).font.bold


def test_parcels_xlsx(allocated):
    with translation.override("en"):
        rows = _rows(parcels_xlsx(Parcel.objects.all()))
    assert len(rows) == 7
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Zone"], row["Parcel"]) == ("BER", "P00")
    assert abs(row["Area (m²)"] - 5000) < 1
    assert row["Rent (MAD/m²/month)"] == 6
    assert row["Price (MAD/m²)"] is None
    assert row["Services"] == "power, water"
    assert row["Adjacent parcels"] == "P01, P10"
    assert row["Status"] == "allocated"


def test_requests_xlsx_lists_what_each_request_holds(allocated, land_officer):
    services.agreement_sign(actor=land_officer, request=allocated, signed_on=date(2019, 3, 1))
    with translation.override("en"):
        rows = _rows(requests_xlsx(LandRequest.objects.all()))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference"] == allocated.reference
    assert row["Area requested (m²)"] == 9000
    assert row["Largest acceptable area (m²)"] is None
    assert row["Parcels at most"] == 2
    assert row["Status"] == "lease or sale signed"
    assert row["Parcels held"] == "BER/P00, BER/P01"
    assert abs(row["Area held (m²)"] - 10000) < 1
    assert row["Reservation expires at"] is None  # allocated: no longer a reservation
    assert isinstance(row["Allocated at"], datetime)
    assert row["Agreement"] == "lease"
    assert row["Agreement signed on"].date() == date(2019, 3, 1)
    assert isinstance(row["Submitted at"], datetime)


def test_requests_xlsx_in_arabic_reads_right_to_left(allocated):
    with translation.override("ar"):
        content = requests_xlsx([allocated])
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.sheet_view.rightToLeft
    assert sheet.cell(row=2, column=1).value == allocated.reference


def test_proposal_xlsx_before_and_after_acceptance(zone, project, company_user, land_officer, imm):
    request = services.request_create(actor=company_user, project=project, area_m2="9000", max_parcels=2)
    parameters = {"objective": "jobs", "priorities": {project.ecosystem.code: 2}, "time_limit_s": 10}
    proposal = optimiser.proposal_run(actor=land_officer, programme=imm.sector.programme, parameters=parameters)
    with translation.override("en"):
        rows = _rows(proposal_xlsx(proposal))
    assert rows[0][0].startswith(imm.sector.programme.name)
    labels = {r[0]: r[1] for r in rows if r and r[0]}
    assert labels["Objective"] == "jobs"
    assert labels[f"Priority of {project.ecosystem.code}"] == 2
    assert labels["Proven optimal"] == "yes"
    header = next(i for i, r in enumerate(rows) if r[0] == "Request")
    assigned = rows[header + 1]
    assert assigned[0] == request.reference
    assert assigned[4] == 9000
    assert 9000 <= assigned[6] <= 11250

    optimiser.proposal_accept(actor=land_officer, proposal=proposal, edited={request.reference: ["BER/P11", "BER/P12"]})
    proposal.refresh_from_db()
    with translation.override("en"):
        rows = _rows(proposal_xlsx(proposal))
    header = next(i for i, r in enumerate(rows) if r[0] == "Request")
    assigned = rows[header + 1]
    assert assigned[5] == "BER/P11, BER/P12"
    assert abs(assigned[6] - 10000) < 1  # measured from the parcels: the person's edit has no solver value
    assert assigned[7] is None
    labels = {r[0]: r[1] for r in rows if r and r[0]}
    assert labels["Accepted by"] == land_officer.get_username()
    assert isinstance(labels["Accepted at"], datetime)


def test_proposal_xlsx_gives_the_reason_of_an_unserved_request(zone, project, company_user, land_officer, imm):
    request = services.request_create(actor=company_user, project=project, area_m2="5000", services_needed=["rail"])
    proposal = optimiser.proposal_run(actor=land_officer, programme=imm.sector.programme, parameters={})
    with translation.override("en"):
        rows = _rows(proposal_xlsx(proposal))
    header = next(i for i, r in enumerate(rows) if r[0] == "Request left unserved")
    assert rows[header + 1][0] == request.reference
    assert rows[header + 1][3] == "no parcel has the services needed"
