"""Land pages: zones and occupancy, the plan view, the request workflow, the optimiser, imports, languages."""

from __future__ import annotations

import io
import json
import math
import re
from datetime import date
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from ecosys.core.roles import Role
from ecosys.land import optimiser, services
from ecosys.land.models import Holding, LandRequest, Parcel, Proposal, Zone
from ecosys.land.shapes import collection, feature, rectangle
from tests.investments.factories import ProjectFactory
from tests.land.conftest import BERRECHID, parcels_geojson, zone_geojson

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def html_of(response) -> str:
    return unescape(response.content.decode())


def parcels_by_code(zone: Zone) -> dict[str, Parcel]:
    return {p.code: p for p in zone.parcels.all()}


def plan_shapes(html: str, svg_id: str) -> list[tuple[str, str]]:
    """(status class, parcel code) of every parcel drawn in one SVG of the page."""
    svg = re.search(rf'<svg[^>]* id="{svg_id}".*?</svg>', html, re.S)
    assert svg, f"no SVG {svg_id}"
    return re.findall(r'<path class="parcel status-(\w+)" data-parcel="(\w+)"', svg.group(0))


def upload(name: str, document: dict) -> io.BytesIO:
    data = io.BytesIO(json.dumps(document).encode())
    data.name = name
    return data


# -- zones and occupancy ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_the_zones_their_occupancy_and_the_plan(zone, make_user, client_for, role):
    client = english(client_for(make_user(role)))

    overview = client.get(reverse("land:zones"))
    plan = client.get(reverse("land:zone", kwargs={"code": zone.code}))
    requests = client.get(reverse("land:requests"))

    assert overview.status_code == plan.status_code == requests.status_code == 200
    html = html_of(overview)
    assert "Parc locatif de Berrechid" in html
    assert 'id="zones-table"' in html and 'id="committed-table"' in html
    spec = json.loads(re.search(r'<script type="application/json" id="zones-chart">(.*?)</script>', html, re.S)[1])
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert sum(v["hectares"] for v in spec["data"]["values"]) == pytest.approx(3.0, abs=0.01)
    assert "of the 57 ha committed by the programme" in html
    assert len(plan_shapes(html_of(plan), "plan-now")) == 6


def test_the_overview_counts_hectares_by_status_and_committed_per_ecosystem(
    zone, project, company_user, land_officer, client_for
):
    parcels = parcels_by_code(zone)
    request = services.request_create(actor=company_user, project=project, area_m2="10000", max_parcels=2)
    services.reserve(actor=land_officer, request=request, parcels=[parcels["P00"], parcels["P01"]])
    services.allocate(actor=land_officer, request=request)
    other = services.request_create(actor=company_user, project=project, area_m2="5000")
    services.reserve(actor=land_officer, request=other, parcels=[parcels["P12"]])

    html = html_of(english(client_for(land_officer)).get(reverse("land:zones")))

    row = re.search(r'<tbody><tr>\s*<th scope="row"><a href="/land/zones/BER/">.*?</tr>', html, re.S)[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    # area, then available, reserved, allocated, contracted, built, withdrawn, not parcelled
    assert cells == ["3.00", "1.50", "0.50", "1.00", "0.00", "0.00", "0.00", "0.00"]
    committed = re.search(r'<table id="committed-table">.*?</table>', html, re.S)[0]
    assert re.search(rf"{project.ecosystem.name_en or project.ecosystem.name_fr}</th><td class=\"num\">1.00", committed)
    assert '<span id="committed-percent">2 %</span>' in html  # 1 ha of 57


def test_zones_and_parcels_download_as_excel(zone, land_officer, client_for):
    client = english(client_for(land_officer))

    zones = client.get(reverse("land:zones"), {"download": "zones"})
    parcels = client.get(reverse("land:zones"), {"download": "parcels"})

    assert zones["Content-Type"] == parcels["Content-Type"] == XLSX_TYPE
    zone_rows = list(load_workbook(io.BytesIO(zones.content)).active.iter_rows(values_only=True))
    assert zone_rows[0][0] == "Code" and zone_rows[1][0] == "BER"
    assert zone_rows[1][7] == pytest.approx(3.0, abs=0.01)  # hectares
    parcel_rows = list(load_workbook(io.BytesIO(parcels.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in parcel_rows[1:]] == ["P00", "P01", "P02", "P10", "P11", "P12"]
    assert parcel_rows[1][6] == "power, water" and parcel_rows[1][8] == "available"


# -- the plan view ------------------------------------------------------------------------------------------------


def test_the_plan_draws_one_shape_per_parcel_with_its_status_and_details(
    zone, project, company_user, land_officer, client_for
):
    parcels = parcels_by_code(zone)
    request = services.request_create(actor=company_user, project=project, area_m2="5000")
    services.reserve(actor=land_officer, request=request, parcels=[parcels["P11"]])

    html = html_of(english(client_for(land_officer)).get(reverse("land:zone", kwargs={"code": "BER"})))

    shapes = plan_shapes(html, "plan-now")
    assert sorted(code for _status, code in shapes) == sorted(parcels)
    assert dict((code, status) for status, code in shapes) == {
        "P00": "available",
        "P01": "available",
        "P02": "available",
        "P10": "available",
        "P11": "reserved",
        "P12": "available",
    }
    svg = re.search(r'<svg[^>]* id="plan-now".*?</svg>', html, re.S)[0]
    assert svg.count('class="zone-outline"') == 1
    title = re.search(r'data-parcel="P11"[^>]*><title>(.*?)</title>', svg)[1]
    assert "BER/P11" in title and "5,000 m²" in title and "rent 6.00 MAD/m²/month" in title
    assert "power, water" in title and "reserved" in title and request.reference in title
    # The drawing keeps the zone's proportions (300 m × 100 m), north up.
    outline = re.search(r'class="zone-outline" d="M([^"]+)Z"', svg)[1]
    (x0, y0), (x1, y1), (x2, y2) = [tuple(map(float, p.split())) for p in outline.split("L")[:3]]
    east, north = math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x1, y2 - y1)
    assert east / north == pytest.approx(3.0, rel=0.01)
    assert y2 < y1  # the second corner going north is higher on the page
    # The accessible alternative: a table of the parcels, with the legend.
    assert html.count('<tr class="status-') == 6
    assert 'class="legend-reserved"' in html


def test_the_plan_coordinates_are_plain_numbers_in_every_language(zone, land_officer, client_for):
    client = client_for(land_officer)
    for language in ("fr", "ar", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        svg = re.search(
            r'<svg class="plan".*?</svg>',
            client.get(reverse("land:zone", kwargs={"code": "BER"})).content.decode(),
            re.S,
        )[0]
        numbers = re.findall(r'\s(?:viewBox|width|height|x|y|d)="([^"]*)"', svg)
        assert numbers and all(re.fullmatch(r"[\d. MLZ-]+", n) for n in numbers), (language, numbers[:5])


def test_a_company_user_sees_the_plan_but_not_who_holds_another_companys_parcel(
    zone, project, company_user, land_officer, make_user, client_for
):
    parcels = parcels_by_code(zone)
    request = services.request_create(actor=land_officer, project=project, area_m2="5000")
    services.reserve(actor=land_officer, request=request, parcels=[parcels["P00"]])
    stranger = make_user(Role.COMPANY_USER)

    own = html_of(client_for(company_user).get(reverse("land:zone", kwargs={"code": "BER"})))
    other = html_of(client_for(stranger).get(reverse("land:zone", kwargs={"code": "BER"})))

    assert request.reference in own
    assert request.reference not in other
    assert ("reserved", "P00") in plan_shapes(other, "plan-now")


# -- imports ------------------------------------------------------------------------------------------------------


def test_a_land_officer_imports_zones_and_parcels_from_geojson(imm, land_officer, client_for):
    client = english(client_for(land_officer))
    programme = imm.sector.programme

    zones = client.post(
        reverse("land:zones_import"),
        {"programme": programme.code, "file": upload("zones.geojson", zone_geojson())},
    )
    parcels = client.post(
        reverse("land:parcels_import"), {"zone": "BER", "file": upload("parcels.geojson", parcels_geojson())}
    )

    assert zones.status_code == 302 and zones["Location"] == f"/land/?programme={programme.code}"
    assert parcels.status_code == 302 and parcels["Location"] == "/land/zones/BER/"
    assert Zone.objects.get().programme == programme
    assert Parcel.objects.count() == 6


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[-7.58, 33.27], [-7.577, 33.272], [-7.577, 33.27], [-7.58, 33.272], [-7.58, 33.27]]],
}


def _zones_file(**overrides):
    document = zone_geojson(code="CRS")
    document["features"].append(feature(BOWTIE, code="BOW", name="Bow", region="06", province="06.01", kind="sale"))
    document.update(overrides)
    return document


def _bad_parcels():
    """Parcels of an empty zone EMP (the same outline as BER): two overlap, one lies 1 km away."""
    services.zones_import(actor=None, programme=Zone.objects.get().programme, data=zone_geojson(code="EMP"))
    return collection(
        [
            feature(rectangle(*BERRECHID, 0, 0, 100, 50), code="Q1", zone="EMP", rent_mad_per_m2_month="6"),
            feature(rectangle(*BERRECHID, 50, 0, 100, 50), code="Q2", zone="EMP", rent_mad_per_m2_month="6"),
            feature(rectangle(*BERRECHID, 1000, 0, 100, 50), code="Q3", zone="EMP", rent_mad_per_m2_month="6"),
        ]
    )


@pytest.mark.parametrize(
    ("kind", "document", "expected"),
    [
        ("zones", _zones_file, [("feature 2", "geometry_invalid", "it crosses itself")]),
        (
            "zones",
            lambda: _zones_file(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}),
            [("the whole file", "unknown_projection", "Unknown projection EPSG:3857")],
        ),
        (
            "parcels",
            _bad_parcels,
            [
                ("feature 1", "parcels_overlap", "Parcels Q1 and Q2 overlap"),
                ("feature 3", "outside_zone", "Parcel Q3 lies outside its zone EMP"),
            ],
        ),
    ],
    ids=["self-intersecting", "unknown projection", "overlapping and outside"],
)
def test_a_bad_geojson_file_is_refused_feature_by_feature_and_nothing_is_written(
    zone, land_officer, client_for, kind, document, expected
):
    client = english(client_for(land_officer))
    payload = upload("bad.geojson", document())
    zones_before, parcels_before = Zone.objects.count(), Parcel.objects.count()
    url = reverse("land:zones_import" if kind == "zones" else "land:parcels_import")

    response = client.post(url, {"programme": zone.programme.code, "file": payload})

    assert response.status_code == 400
    html = html_of(response)
    assert "nothing was imported" in html
    table = re.search(r'<table id="import-problems">.*?</table>', html, re.S)[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td><span class="code">(\w+)</span></td><td>(.*?)</td>', table)
    for where, code, message in expected:
        assert any(r[0] == where and r[1] == code and message in r[2] for r in rows), (where, code, rows)
    assert (Zone.objects.count(), Parcel.objects.count()) == (zones_before, parcels_before)


def test_only_the_land_office_imports(zone, make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ANALYST))

    response = client.post(reverse("land:parcels_import"), {"file": upload("p.geojson", parcels_geojson(zone="BER"))})

    assert response.status_code == 302
    assert Parcel.objects.count() == 6


# -- the request workflow -----------------------------------------------------------------------------------------


def _status(reference: str) -> str:
    return LandRequest.objects.get(reference=reference).status


def test_the_whole_workflow_through_the_pages(zone, project, company_user, land_officer, client_for):
    company, office = english(client_for(company_user)), english(client_for(land_officer))
    parcels = parcels_by_code(zone)

    form = company.get(reverse("land:request_new"))
    assert form.status_code == 200 and project.code in html_of(form)
    created = company.post(
        reverse("land:request_new"),
        {"project": project.code, "area_m2": "10000", "max_parcels": "2", "services": ["power"], "zones": ["BER"]},
    )
    request = LandRequest.objects.get()
    assert created["Location"] == reverse("land:request", kwargs={"reference": request.reference})
    assert request.max_parcels == 2 and request.services_needed == ["power"]
    assert [z.code for z in request.preferred_zones.all()] == ["BER"]
    page = reverse("land:request", kwargs={"reference": request.reference})

    # The company sees its request and may withdraw it, not reserve; the office sees the available parcels.
    company_view = html_of(company.get(page))
    assert "Withdraw the request" in company_view and "Reserve parcels" not in company_view
    office_view = html_of(office.get(page))
    assert office_view.count('name="parcels"') == 6

    def step(name, data=None):
        response = office.post(reverse(f"land:request_{name}", kwargs={"reference": request.reference}), data or {})
        assert response.status_code == 302 and response["Location"] == page, response
        return _status(request.reference)

    assert step("reserve", {"parcels": [parcels["P00"].pk, parcels["P01"].pk], "days": "10"}) == "reserved"
    holding = Holding.objects.get(parcel=parcels["P00"])
    assert (holding.reserved_until - holding.reserved_at).days == 10
    assert "Allocate the reserved parcels" in html_of(office.get(page))
    assert step("allocate") == "allocated"
    assert Zone.objects.get().allocated_m2 == 10000
    assert step("sign", {"signed_on": "2024-03-01"}) == "contracted"
    assert LandRequest.objects.get().agreement == "lease"
    assert LandRequest.objects.get().agreement_signed_on == date(2024, 3, 1)
    assert step("built") == "built"
    assert set(Parcel.objects.filter(status="built").values_list("code", flat=True)) == {"P00", "P01"}

    listed = html_of(company.get(reverse("land:requests")))
    assert request.reference in listed and "BER/P00" in listed and "BER/P01" in listed
    final = html_of(company.get(page))
    assert "BER/P00" in final and "BER/P01" in final
    history = re.search(r'<table id="history-table">.*?</table>', final, re.S)[0]
    assert history.count("<tr>") >= 5  # created, reserved, allocated, signed, built
    assert "Next steps" not in final  # nothing left for the company to do


def test_release_and_withdraw_need_a_reason_and_free_the_parcels(zone, project, company_user, land_officer, client_for):
    company, office = english(client_for(company_user)), english(client_for(land_officer))
    parcels = parcels_by_code(zone)
    first = services.request_create(actor=company_user, project=project, area_m2="5000")
    services.reserve(actor=land_officer, request=first, parcels=[parcels["P00"]])
    services.allocate(actor=land_officer, request=first)
    second = services.request_create(actor=company_user, project=project, area_m2="5000")
    services.reserve(actor=land_officer, request=second, parcels=[parcels["P02"]])

    no_reason = office.post(reverse("land:request_release", kwargs={"reference": first.reference}), {"reason": " "})
    assert no_reason.status_code == 302 and _status(first.reference) == "allocated"
    released = office.post(
        reverse("land:request_release", kwargs={"reference": first.reference}), {"reason": "Projet abandonné"}
    )
    withdrawn = company.post(
        reverse("land:request_withdraw", kwargs={"reference": second.reference}), {"reason": "Autre site"}
    )

    assert released.status_code == withdrawn.status_code == 302
    assert _status(first.reference) == "released" and _status(second.reference) == "withdrawn"
    assert Parcel.objects.filter(status="available").count() == 6
    assert Zone.objects.get().allocated_m2 == 0
    assert "Projet abandonné" in html_of(company.get(reverse("land:request", kwargs={"reference": first.reference})))


def test_a_refused_step_is_explained_and_changes_nothing(zone, project, company_user, land_officer, client_for):
    office = english(client_for(land_officer))
    parcels = parcels_by_code(zone)
    request = services.request_create(actor=company_user, project=project, area_m2="5000")
    page = reverse("land:request", kwargs={"reference": request.reference})

    response = office.post(
        reverse("land:request_reserve", kwargs={"reference": request.reference}),
        {"parcels": [parcels["P00"].pk, parcels["P02"].pk]},
        HTTP_REFERER=page,
        follow=True,
    )

    assert "at most 1 parcel(s)" in html_of(response)
    assert _status(request.reference) == "submitted" and not Holding.objects.exists()


def test_a_company_user_cannot_see_or_touch_another_companys_request(
    zone, project, company_user, make_user, client_for
):
    request = services.request_create(actor=company_user, project=project, area_m2="5000")
    stranger = client_for(make_user(Role.COMPANY_USER))
    page = reverse("land:request", kwargs={"reference": request.reference})

    assert stranger.get(page).status_code == 404
    assert request.reference not in html_of(stranger.get(reverse("land:requests")))
    withdraw = stranger.post(reverse("land:request_withdraw", kwargs={"reference": request.reference}), {"reason": "x"})
    assert withdraw.status_code == 404 and _status(request.reference) == "submitted"
    # Nor request land for another company's project.
    refused = stranger.post(reverse("land:request_new"), {"project": project.code, "area_m2": "5000"})
    assert refused.status_code == 404 and LandRequest.objects.count() == 1
    # The owner sees it.
    assert client_for(company_user).get(page).status_code == 200


def test_a_refused_request_form_is_shown_again_with_the_reason(zone, project, company_user, client_for):
    client = english(client_for(company_user))

    response = client.post(
        reverse("land:request_new"), {"project": project.code, "area_m2": "90000", "max_parcels": "2"}
    )

    assert response.status_code == 400
    html = html_of(response)
    assert "larger than any industrial zone" in html and 'value="90000"' in html
    assert not LandRequest.objects.exists()


def test_requests_download_as_excel_scoped_to_the_company(
    zone, project, company_user, land_officer, make_user, client_for
):
    services.request_create(actor=company_user, project=project, area_m2="5000")
    other_project = ProjectFactory(ecosystem=project.ecosystem)
    services.request_create(actor=land_officer, project=other_project, area_m2="5000")

    own = client_for(company_user).get(reverse("land:requests"), {"download": "xlsx"})
    everyone = client_for(make_user(Role.MINISTRY_ANALYST)).get(reverse("land:requests"), {"download": "xlsx"})

    assert own["Content-Type"] == XLSX_TYPE
    assert len(list(load_workbook(io.BytesIO(own.content)).active.iter_rows())) == 2
    assert len(list(load_workbook(io.BytesIO(everyone.content)).active.iter_rows())) == 3


# -- the optimiser ------------------------------------------------------------------------------------------------


@pytest.fixture
def two_requests(zone, project, company_user):
    first = services.request_create(actor=company_user, project=project, area_m2="10000", max_parcels=2)
    second = services.request_create(actor=company_user, project=project, area_m2="5000")
    return first, second


def _run(client, programme, **extra):
    data = {"programme": programme.code, "objective": "jobs", "time_limit_s": "10", **extra}
    response = client.post(reverse("land:optimiser"), data)
    assert response.status_code == 302, html_of(response)[:2000]
    return Proposal.objects.latest("pk")


def test_a_proposal_is_run_shown_and_accepted_from_the_page(two_requests, zone, land_officer, client_for):
    client = english(client_for(land_officer))
    first, second = two_requests

    assert client.get(reverse("land:optimiser")).status_code == 200
    proposal = _run(client, zone.programme)
    page = reverse("land:proposal", kwargs={"pk": proposal.pk})
    html = html_of(client.get(page))

    assert 'id="objective-value"' in html and 'id="mip-gap"' in html and 'id="solve-time"' in html
    assert re.search(r'id="proven-optimal">yes<', html)
    served = {a["request"] for a in proposal.plan["assignments"]}
    assert served == {first.reference, second.reference}
    assert f"/land/zones/BER/?proposal={proposal.pk}" in html
    # The plan view draws the proposal beside the current state, parcels coloured by request.
    plan = html_of(client.get(reverse("land:zone", kwargs={"code": "BER"}), {"proposal": proposal.pk}))
    drawn = re.search(r'<svg[^>]* id="plan-proposal".*?</svg>', plan, re.S)[0]
    assert set(re.findall(r'data-request="([\w-]+)"', drawn)) == served
    assert len(plan_shapes(plan, "plan-proposal")) == 6

    accepted = client.post(reverse("land:proposal_accept", kwargs={"pk": proposal.pk}), {"days": "30"})

    assert accepted.status_code == 302 and accepted["Location"] == page
    assert _status(first.reference) == _status(second.reference) == "allocated"
    proposal.refresh_from_db()
    assert proposal.accepted_by == land_officer
    assert "Accept: reserve and allocate" not in html_of(client.get(page))


def test_an_edited_proposal_is_accepted_as_edited(two_requests, zone, land_officer, client_for):
    client = english(client_for(land_officer))
    first, second = two_requests
    proposal = _run(client, zone.programme)
    proposed = {a["request"]: a["parcels"] for a in proposal.plan["assignments"]}
    taken = set(proposed[first.reference]) | set(proposed[second.reference])
    free = sorted(f"BER/{p.code}" for p in zone.parcels.all() if f"BER/{p.code}" not in taken)

    response = client.post(
        reverse("land:proposal_accept", kwargs={"pk": proposal.pk}),
        {f"parcels-{first.reference}": "", f"parcels-{second.reference}": free[0], "days": "30"},
    )

    assert response.status_code == 302
    assert _status(first.reference) == "submitted"
    assert _status(second.reference) == "allocated"
    held = Holding.objects.get(request__reference=second.reference, live=True).parcel
    assert f"BER/{held.code}" == free[0]


def test_an_unserved_request_is_explained_in_words(zone, project, company_user, land_officer, client_for):
    services.request_create(actor=company_user, project=project, area_m2="5000", services_needed=["rail"])
    client = english(client_for(land_officer))

    proposal = _run(client, zone.programme)
    html = html_of(client.get(reverse("land:proposal", kwargs={"pk": proposal.pk})))

    assert str(optimiser.UNSERVED_REASONS["no_parcel_with_services"]).capitalize() in html


def test_the_optimiser_is_for_staff_and_runs_for_the_land_office(two_requests, zone, make_user, client_for):
    company = client_for(make_user(Role.COMPANY_USER))
    analyst = client_for(make_user(Role.MINISTRY_ANALYST))

    assert company.get(reverse("land:optimiser")).status_code == 403
    assert analyst.get(reverse("land:optimiser")).status_code == 200
    refused = analyst.post(reverse("land:optimiser"), {"programme": zone.programme.code, "objective": "jobs"})
    assert refused.status_code == 302 and not Proposal.objects.exists()


# -- languages and the monitoring dashboard -----------------------------------------------------------------------


def test_the_land_pages_read_right_to_left_in_arabic(two_requests, zone, land_officer, client_for):
    client = client_for(land_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    first, _second = two_requests

    for url in (
        reverse("land:zones"),
        reverse("land:zone", kwargs={"code": "BER"}),
        reverse("land:requests"),
        reverse("land:request", kwargs={"reference": first.reference}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="ar" dir="rtl">' in response.content.decode()


def test_the_menu_links_to_the_land_pages(zone, company_user, client_for):
    html = html_of(client_for(company_user).get(reverse("land:requests")))

    assert f'<a href="{reverse("land:zones")}">' in html


def test_the_monitoring_dashboard_shows_the_land_committed(
    imm, zone, project, company_user, land_officer, make_user, client_for
):
    parcels = parcels_by_code(zone)
    request = services.request_create(actor=company_user, project=project, area_m2="10000", max_parcels=2)
    services.reserve(actor=land_officer, request=request, parcels=[parcels["P00"], parcels["P01"]])
    services.allocate(actor=land_officer, request=request)
    client = english(client_for(make_user(Role.MINISTRY_ANALYST)))

    html = html_of(client.get(reverse("monitoring:programme", kwargs={"code": imm.sector.programme.code})))

    section = re.search(r'<section id="land".*?</section>', html, re.S)[0]
    assert "1.0 ha committed" in section and "57 ha committed by the programme" in section
    assert re.search(r'<td class="num">1.00</td>', section)
    assert reverse("land:zones") in section


def test_the_monitoring_dashboard_has_no_land_section_without_zones(imm, make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ANALYST))

    html = client.get(reverse("monitoring:programme", kwargs={"code": imm.sector.programme.code})).content.decode()

    assert 'id="land"' not in html
