"""Governance API writes: the same services as the pages, refusals with field errors and nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ecosys.accounts.models import Organisation
from ecosys.core.roles import Role
from ecosys.governance.models import Committee, Initiative, Meeting
from ecosys.land import services as land
from ecosys.programmes.models import Ecosystem
from tests.investments.factories import ProjectFactory
from tests.land.conftest import zone_geojson

pytestmark = pytest.mark.django_db
API = "/api/v1/governance"


def post(client, url, payload, method="post"):
    return getattr(client, method)(url, payload, content_type="application/json")


@pytest.fixture
def fimme(imm):
    return Organisation.objects.get(acronym="FIMME")


@pytest.fixture
def officer(make_user, fimme):
    return make_user(Role.FEDERATION_OFFICER, organisation=fimme)


@pytest.fixture
def client(client_for, officer):
    return client_for(officer)


@pytest.fixture
def committee(client, fimme) -> Committee:
    response = post(
        client,
        f"{API}/committees",
        {"programme": "pai-2014-2020", "kind": "follow_up", "name": "Comité de suivi", "organisations": [fimme.pk]},
    )
    assert response.status_code == 201, response.content
    return Committee.objects.get(pk=response.json()["id"])


def test_a_committee_is_set_up_held_and_followed_up_through_the_api(client, committee, officer, fimme, imm, make_user):
    assert committee.chair == officer and list(committee.members.values_list("organisation", flat=True)) == [fimme.pk]
    member = post(
        client, f"{API}/committees/{committee.pk}/members", {"organisation": fimme.pk, "user": officer.username}
    )
    assert member.status_code == 201 and member.json()["user"] == officer.username

    jobs = imm.targets.get(indicator__code="JOBS_CREATED")
    project = ProjectFactory(ecosystem=Ecosystem.objects.get(code="IMM-VAL"))
    land.zones_import(actor=None, programme=imm.sector.programme, data=zone_geojson())
    land_request = land.request_create(actor=make_user(Role.LAND_OFFICER), project=project, area_m2="5000")
    held = post(
        client,
        f"{API}/committees/{committee.pk}/meetings",
        {
            "held_on": "2018-12-10",
            "title": "Comité de décembre",
            "agenda": [
                {"title": "Emplois", "target": jobs.pk},
                {"title": "Projet", "project": project.code},
                {"title": "Foncier", "land_request": land_request.reference},
            ],
        },
    )
    assert held.status_code == 201, held.content
    body = held.json()
    assert [(i["contract"], i["target"], i["project"], i["land_request"]) for i in body["agenda"]] == [
        ("IMM-CP", jobs.pk, None, None),
        (None, None, project.code, None),
        (None, None, None, land_request.reference),
    ]
    assert body["kpi_as_of"] == "2018-12-01"
    meeting = f"{API}/meetings/{body['id']}"
    assert post(client, f"{meeting}/minutes", {"text": "Examen des emplois."}, "put").status_code == 200
    present = post(client, f"{meeting}/attendance", {"present": [member.json()["id"]]}, "put").json()["present"]
    assert present == [member.json()["id"]]
    assert post(client, f"{meeting}/decisions", {"text": "Ouvrir un guichet"}).json()["position"] == 1
    assert post(client, f"{meeting}/approval", {}).json()["minutes_status"] == "approved"
    changed = post(client, f"{meeting}/minutes", {"text": "Réécrit"}, "put")
    assert changed.status_code == 400 and Meeting.objects.get().minutes == "Examen des emplois."

    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    created = post(
        client,
        f"{API}/committees/{committee.pk}/initiatives",
        {"title": "Guichet foncier", "owner_organisation": fimme.pk, "due_date": due, "target": jobs.pk},
    )
    assert created.status_code == 201, created.content
    initiative = f"{API}/initiatives/{created.json()['id']}"
    assert post(client, f"{initiative}/status", {"status": "in_progress"}).json()["status"] == "in_progress"
    assert post(client, f"{initiative}/notes", {"text": "Terrain trouvé"}).status_code == 201
    dropped = post(client, f"{initiative}/status", {"status": "dropped"})
    assert dropped.status_code == 400 and Initiative.objects.get().status == "in_progress"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "Sans responsable", "owner_organisation": 999999}, None),
        ({"title": "En retard", "due_date": "2001-01-01"}, "due_date"),
        ({"title": "", "due_date": "+30"}, "title"),
    ],
)
def test_a_bad_initiative_is_refused_with_its_reason_and_nothing_written(client, committee, fimme, payload, field):
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    body = {"owner_organisation": fimme.pk, "due_date": due, **payload}
    if body["due_date"] == "+30":
        body["due_date"] = due
    response = post(client, f"{API}/committees/{committee.pk}/initiatives", body)
    assert response.status_code == 400, response.content
    if field:
        assert field in {e["field"] for e in response.json()["errors"]}
    assert Initiative.objects.count() == 0


def test_an_agenda_item_pointing_at_nothing_refuses_the_whole_meeting(client, committee):
    response = post(
        client,
        f"{API}/committees/{committee.pk}/meetings",
        {"held_on": "2018-12-10", "title": "Comité", "agenda": [{"title": "Subvention", "application": "G-0-1"}]},
    )
    assert response.status_code == 400 and response.json()["code"] == "link_unknown"
    assert Meeting.objects.count() == 0


def test_a_meeting_in_a_committee_the_user_does_not_sit_on_is_refused(committee, make_user, client_for):
    outsider = client_for(make_user(Role.FEDERATION_OFFICER))
    response = post(outsider, f"{API}/committees/{committee.pk}/meetings", {"held_on": "2018-12-10", "title": "X"})
    assert response.status_code == 404 and Meeting.objects.count() == 0
