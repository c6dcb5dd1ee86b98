"""The opportunities API answers what the pages show, through the same services and filters."""

from __future__ import annotations

import pytest

from ecosys.core.roles import Role
from ecosys.opportunities import services
from ecosys.opportunities.models import OpportunityStudy

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_datasets_are_listed_with_their_version_and_the_generated_label(dataset, analyst, client_for):
    body = client_for(analyst).get("/api/v1/opportunities/datasets", **EN).json()
    assert body == [
        {
            "code": "demo",
            "name": "Generated demo",
            "description": "",
            "classification": dataset.classification,
            "years": [2015, 2016, 2017],
            "rows": dataset.rows,
            "version": dataset.version,
            "generated": True,
        }
    ]


def test_a_study_is_queued_then_read_with_its_rows_filtered_like_the_page(dataset, analyst, client_for):
    client = client_for(analyst)
    created = client.post(
        "/api/v1/opportunities/studies",
        {"dataset": "demo", "country": "MAR", "years": [2015, 2016, 2017], "strategy": "low_hanging_fruit"},
        content_type="application/json",
        **EN,
    )
    assert created.status_code == 202, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "queued" and created.json()["generated"] is True
    services.study_run(pk)
    detail = client.get(f"/api/v1/opportunities/studies/{pk}", **EN).json()
    assert detail["status"] == "done" and detail["summary"] and detail["columns"]
    study = OpportunityStudy.objects.get(pk=pk)
    rows = services.study_result(study).rows
    page = client.get(f"/api/v1/opportunities/studies/{pk}/rows", {"chapter": "72", "limit": 5}, **EN).json()
    expected = [r for r in rows if str(r["product"]).startswith("72")]
    assert page["count"] == len(expected)
    assert page["rows"] == [dict(r) for r in expected[:5]]
    product = client.get(f"/api/v1/opportunities/studies/{pk}/products/{rows[0]['product']}", **EN).json()
    assert product["row"] == dict(rows[0]) and product["generated"] is True


def test_bad_study_input_is_a_400_naming_the_field(dataset, analyst, client_for):
    response = client_for(analyst).post(
        "/api/v1/opportunities/studies",
        {"dataset": "demo", "country": "MAR", "years": "2015-2017", "strategy": "sideways"},
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "strategy"


def test_rows_of_a_study_not_done_are_not_found(dataset, analyst, client_for):
    study = services.study_create(
        actor=analyst, dataset=dataset, title="", parameters={"country": "MAR", "years": "2017"}, queue=False
    )
    response = client_for(analyst).get(f"/api/v1/opportunities/studies/{study.pk}/rows", **EN)
    assert response.status_code == 404
    assert response.json()["message"] == "The study has no results yet."


def test_sheets_from_the_api(imm, study, client_for, make_user):
    product = services.study_result(study).rows[0]["product"]
    response = client_for(make_user(Role.FEDERATION_OFFICER)).post(
        f"/api/v1/opportunities/studies/{study.pk}/sheets",
        {"products": [product], "ecosystem": "IMM-NM"},
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 201
    assert response.json() == {"created": [f"study-{study.pk}-{product}"]}


def test_a_trade_file_sent_to_the_api_is_queued(db, own_trade_dir, analyst, client_for, gravity_files):
    client = client_for(analyst)
    assert (
        client.post(
            "/api/v1/opportunities/datasets", {"code": "api", "name": "API"}, content_type="application/json", **EN
        ).status_code
        == 201
    )
    with gravity_files[0].open("rb") as handle:
        response = client.post("/api/v1/opportunities/datasets/api/imports", {"format": "baci", "file": handle}, **EN)
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["filename"] == gravity_files[0].name
    services.trade_import_run(job["id"])
    assert client.get(f"/api/v1/opportunities/imports/{job['id']}", **EN).json()["status"] == "done"


@pytest.mark.parametrize("role", [Role.COMPANY_USER])
def test_company_users_do_not_read_studies(study, client_for, make_user, role):
    response = client_for(make_user(role)).get(f"/api/v1/opportunities/studies/{study.pk}", **EN)
    assert response.status_code == 403
