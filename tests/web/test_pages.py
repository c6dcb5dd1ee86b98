"""The pages show the IMM programme and refuse bad input with messages in the reader's language."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ecosys.core.roles import Role
from ecosys.programmes.models import ActivityProduct, Ecosystem

pytestmark = pytest.mark.django_db


def test_the_programme_page_shows_the_targets_baseline_and_commitments_in_french(imm, make_user, client_for):
    html = client_for(make_user(Role.MINISTRY_ANALYST)).get("/programmes/pai-2014-2020/").content.decode()
    for text in ("13\u202f340 emplois", "1,7 MMDH", "2,3 MMDH", "11,0 MMDH", "62\u202f300 emplois", "630 MDH", "57 ha"):
        assert text in html, text
    assert html.count('class="vega"') == 4  # one milestone chart per target, each with its table
    assert html.count('class="milestones"') == 4


def test_the_ecosystem_page_labels_an_illustrative_value_chain(imm, make_user, client_for):
    html = client_for(make_user(Role.COMPANY_USER)).get("/ecosystems/IMM-VAL/").content.decode()
    assert "Chaîne de valeur indicative" in html
    assert "7204" in html


def test_a_wrong_value_chain_file_is_refused_on_the_page_naming_row_and_column(imm, make_user, client_for):
    client = client_for(make_user(Role.FEDERATION_OFFICER))
    before = ActivityProduct.objects.filter(activity__tier__ecosystem__code="IMM-VAL").count()
    upload = SimpleUploadedFile("vc.csv", b"tier,activity,hs_code\nFonderie,Pieces,7325\nFonderie,Pieces,7399\n")
    response = client.post("/ecosystems/IMM-VAL/value-chain/import", {"file": upload}, follow=True)
    html = response.content.decode()
    assert "Ligne 3, colonne hs_code" in html
    assert ActivityProduct.objects.filter(activity__tier__ecosystem__code="IMM-VAL").count() == before


def test_an_amendment_proposed_and_approved_on_the_pages_shows_in_the_history(imm, make_user, client_for):
    author, approver = make_user(Role.FEDERATION_OFFICER), make_user(Role.MINISTRY_ADMIN)
    target = imm.targets.get(indicator__code="JOBS_CREATED")
    client_for(author).post(
        "/contracts/IMM-CP/amendments/new", {f"target_{target.pk}": "14 000", "reason": "Nouvel écosystème ferroviaire"}
    )
    amendment = imm.amendments.get()
    page = client_for(approver).get("/contracts/IMM-CP/").content.decode()
    assert f"/amendments/{amendment.pk}/decision" in page  # the second person is offered the decision
    assert f"/amendments/{amendment.pk}/decision" not in client_for(author).get("/contracts/IMM-CP/").content.decode()
    client_for(approver).post(f"/amendments/{amendment.pk}/decision", {"decision": "approve"})
    page = client_for(approver).get("/contracts/IMM-CP/").content.decode()
    assert "14\u202f000 emplois" in page
    assert "Avenant n° 1 : Nouvel écosystème ferroviaire" in page  # the reason, in the history


def test_another_ecosystem_s_page_is_not_found_not_an_error(imm, make_user, client_for):
    response = client_for(make_user(Role.AUDITOR)).get("/ecosystems/NOPE/")
    assert response.status_code == 404


def test_ecosystem_names_follow_the_chosen_language(imm, make_user, client_for):
    client = client_for(make_user(Role.AUDITOR))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Metal recovery and processing" in client.get("/ecosystems/IMM-VAL/").content.decode()
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert "تثمين المعادن" in client.get("/ecosystems/IMM-VAL/").content.decode()
    assert Ecosystem.objects.get(code="IMM-VAL").name_fr == "Valorisation des métaux"
