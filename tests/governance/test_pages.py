"""Governance pages: a member holds a meeting, writes and approves minutes, follows its initiatives."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from ecosys.accounts.models import Organisation
from ecosys.core.roles import Role
from ecosys.governance.models import Initiative, Meeting
from ecosys.governance.services import committee_create, committee_member_add, initiative_create
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fimme(imm):
    return Organisation.objects.get(acronym="FIMME")


@pytest.fixture
def officer(make_user, fimme):
    return make_user(Role.FEDERATION_OFFICER, organisation=fimme)


@pytest.fixture
def committee(imm, make_user, fimme, officer):
    admin = make_user(Role.MINISTRY_ADMIN)
    committee = committee_create(
        actor=admin, programme=imm.sector.programme, kind="follow_up", name="Comité de suivi IMM", chair=officer
    )
    committee_member_add(actor=admin, committee=committee, organisation=fimme)
    return committee


def test_a_member_holds_a_meeting_writes_and_approves_its_minutes_and_prints_them_in_arabic(
    committee, officer, client_for
):
    client = client_for(officer)
    response = client.post(
        f"/governance/committees/{committee.pk}/meetings",
        {
            "held_on": "2018-12-10",
            "title": "Comité de décembre",
            "agenda-0-title": "Emplois vérifiés",
            "agenda-2-title": "Foncier",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == f"/governance/meetings/{meeting.pk}/"
    assert [item.title for item in meeting.agenda.order_by("position")] == ["Emplois vérifiés", "Foncier"]
    assert meeting.kpi_as_of.isoformat() == "2018-12-01" and "contracts" in meeting.kpi_snapshot

    client.post(f"/governance/meetings/{meeting.pk}/minutes", {"minutes": "Le comité a examiné les emplois."})
    client.post(f"/governance/meetings/{meeting.pk}/approve")
    refused = client.post(f"/governance/meetings/{meeting.pk}/minutes", {"minutes": "Réécrit sans raison."})
    meeting.refresh_from_db()
    page = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    pdf = client.get(f"/governance/meetings/{meeting.pk}/minutes.pdf?lang=ar")

    assert meeting.minutes_status == "approved" and meeting.minutes == "Le comité a examiné les emplois."
    assert refused.status_code == 302  # back to the page with the reason; nothing changed
    assert "13\u202f340" in page  # the contract's jobs target, in the figures of the day
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")


def test_initiatives_are_listed_followed_up_and_exported_and_a_company_sees_only_its_own(
    committee, officer, client_for, make_user, fimme
):
    client = client_for(officer)
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    client.post(
        f"/governance/committees/{committee.pk}/initiatives",
        {"title": "Guichet foncier", "owner_organisation": str(fimme.pk), "due_date": due},
    )
    refused = client.post(
        f"/governance/committees/{committee.pk}/initiatives",
        {"title": "Sans responsable", "owner_organisation": "", "due_date": due},
    )
    initiative = Initiative.objects.get()
    committee_page = client.get(f"/governance/committees/{committee.pk}/").content.decode()
    book = load_workbook(io.BytesIO(client.get(f"/governance/committees/{committee.pk}/?table=initiatives").content))
    company = CompanyFactory()
    other = initiative_create(
        actor=officer,
        committee=committee,
        title="Audit énergétique",
        owner_organisation=company,
        due_date=timezone.localdate() + timedelta(days=20),
    )
    company_client = client_for(make_user(Role.COMPANY_USER, organisation=company))

    assert refused.status_code == 302 and Initiative.objects.filter(title="Sans responsable").count() == 0
    assert "Guichet foncier" in committee_page and 'class="follow-up"' in committee_page
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["Guichet foncier"]
    assert company_client.get(f"/governance/initiatives/{other.pk}/").status_code == 200
    assert company_client.get(f"/governance/initiatives/{initiative.pk}/").status_code == 404
    assert "Audit énergétique" in company_client.get("/governance/mine/").content.decode()
    api = company_client.get("/api/v1/governance/initiatives").json()
    assert [i["title"] for i in api] == ["Audit énergétique"]


def test_attendance_is_recorded_and_an_initiative_can_point_at_a_contract_kpi(
    committee, officer, client_for, fimme, imm
):
    client = client_for(officer)
    client.post(f"/governance/committees/{committee.pk}/meetings", {"held_on": "2018-12-10", "title": "Comité"})
    meeting = Meeting.objects.get()
    member = committee.members.get()
    client.post(f"/governance/meetings/{meeting.pk}/attendance", {"present": [str(member.pk)]})
    jobs = imm.targets.get(indicator__code="JOBS_CREATED")
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    client.post(
        f"/governance/committees/{committee.pk}/initiatives",
        {"title": "Plan emploi", "owner_organisation": str(fimme.pk), "due_date": due, "target": str(jobs.pk)},
    )
    wrong = client.post(
        f"/governance/committees/{committee.pk}/initiatives",
        {"title": "Lien faux", "owner_organisation": str(fimme.pk), "due_date": due, "target": "999999"},
    )

    assert meeting.attendance.get(member=member).present is True
    initiative = Initiative.objects.get(title="Plan emploi")
    assert (initiative.target, initiative.contract) == (jobs, imm)
    assert wrong.status_code == 302 and not Initiative.objects.filter(title="Lien faux").exists()
    page = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert f'name="present" value="{member.pk}" checked' in page


def test_the_ministry_creates_a_committee_with_its_members_and_chairs_it(imm, make_user, client_for, fimme):
    admin = make_user(Role.MINISTRY_ADMIN)
    client = client_for(admin)
    micien = Organisation.objects.get(acronym="MICIEN")
    response = client.post(
        "/governance/committees/new",
        {
            "name": "Comité technique VAL",
            "kind": "technical",
            "programme": "pai-2014-2020",
            "ecosystem": "IMM-VAL",
            "organisations": [str(fimme.pk), str(micien.pk)],
        },
    )
    refused = client.post("/governance/committees/new", {"name": "", "kind": "technical", "programme": "pai-2014-2020"})

    from ecosys.governance.models import Committee

    committee = Committee.objects.get()
    assert response["Location"] == f"/governance/committees/{committee.pk}/"
    assert (committee.chair, committee.ecosystem.code, committee.kind) == (admin, "IMM-VAL", "technical")
    assert set(committee.members.values_list("organisation__acronym", flat=True)) == {"FIMME", "MICIEN"}
    assert refused.status_code == 302 and Committee.objects.count() == 1


def test_each_agenda_item_may_point_at_a_kpi_a_project_a_grant_application_or_a_land_request(
    committee, officer, client_for, imm, make_user
):
    from ecosys.incentives.models import Application, Scheme
    from ecosys.incentives.services import application_create, envelopes_from_commitments
    from ecosys.land import services
    from ecosys.programmes.models import Ecosystem
    from tests.investments.factories import ProjectFactory
    from tests.land.conftest import zone_geojson

    envelopes_from_commitments(imm.sector.programme)
    project = ProjectFactory(ecosystem=Ecosystem.objects.get(code="IMM-VAL"))
    application = application_create(
        actor=make_fund_officer(),
        project=project,
        scheme=Scheme.objects.get(key="fdii_2015"),
        facts={"investment": {"equipment": "60000000"}, "stable_jobs": 80, "agreement_signed": True},
    )
    services.zones_import(actor=None, programme=imm.sector.programme, data=zone_geojson())
    land_request = services.request_create(actor=make_user(Role.LAND_OFFICER), project=project, area_m2="5000")
    jobs = imm.targets.get(indicator__code="JOBS_CREATED")
    client = client_for(officer)
    url = f"/governance/committees/{committee.pk}/meetings"
    base = {"held_on": "2018-12-10", "title": "Comité de décembre"}
    refused = client.post(url, {**base, "agenda-0-title": "Subvention", "agenda-0-application": "G-1999-00001"})
    assert refused.status_code == 302 and Meeting.objects.count() == 0  # an unknown reference: nothing written

    client.post(
        url,
        {
            **base,
            "agenda-0-title": "Emplois",
            "agenda-0-target": str(jobs.pk),
            "agenda-1-title": "Projet",
            "agenda-1-project": project.code,
            "agenda-2-title": "Subvention",
            "agenda-2-application": application.reference,
            "agenda-3-title": "Foncier",
            "agenda-3-land": land_request.reference,
        },
    )
    meeting = Meeting.objects.get()
    items = list(meeting.agenda.order_by("position"))
    assert [(i.target, i.contract, i.project, i.application, i.land_request) for i in items] == [
        (jobs, imm, None, None, None),
        (None, None, project, None, None),
        (None, None, None, application, None),
        (None, None, None, None, land_request),
    ]
    page = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert f'href="/projects/{project.code}/"' in page
    assert f'href="/grants/{application.reference}/"' in page
    assert f'href="/land/requests/{land_request.reference}/"' in page
    assert Application.objects.count() == 1


def make_fund_officer():
    from tests.factories import user_with_role

    return user_with_role(Role.FUND_OFFICER)


def test_the_ministry_adds_a_member_and_changes_the_chair_from_the_committee_page(
    committee, officer, client_for, make_user, fimme
):
    admin = make_user(Role.MINISTRY_ADMIN)
    colleague = make_user(Role.FEDERATION_OFFICER, organisation=fimme)
    client = client_for(admin)
    url = f"/governance/committees/{committee.pk}"
    client.post(f"{url}/members", {"organisation": str(fimme.pk), "user": colleague.username})
    assert committee.members.filter(organisation=fimme, user=colleague).exists()

    refused = client.post(f"{url}/chair", {"chair": str(make_user(Role.AUDITOR).pk)})
    committee.refresh_from_db()
    assert refused.status_code == 302 and committee.chair != colleague

    client.post(f"{url}/chair", {"chair": str(colleague.pk)})
    committee.refresh_from_db()
    assert committee.chair == colleague
    page = client.get(f"{url}/").content.decode()
    assert f'action="{url}/chair"' in page and f'action="{url}/members"' in page
