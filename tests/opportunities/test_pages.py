"""Opportunity pages: studies with their progress, the ranked table, filters, downloads, charts, products, sheets."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ecosys.core.roles import Role
from ecosys.investments.models import OpportunitySheet
from ecosys.opportunities import services
from ecosys.opportunities.models import OpportunityStudy, TradeImport

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _spec(html: str, element_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert found, element_id
    return json.loads(found.group(1))


def test_the_home_page_offers_the_study_form_to_analysts_and_lists_studies(study, analyst, client_for):
    page = client_for(analyst).get(reverse("opportunities:home"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="study-form"' in html
    assert "Morocco" in html and "generated data" in html


def test_the_menu_shows_opportunities_to_staff_only(dataset, client_for, make_user):
    staff = client_for(make_user(Role.AUDITOR)).get(reverse("opportunities:home"))
    assert staff.status_code == 200 and reverse("opportunities:home") in staff.content.decode()
    assert 'id="study-form"' not in staff.content.decode()  # auditors read, they do not run
    company = client_for(make_user(Role.COMPANY_USER)).get(reverse("opportunities:home"))
    assert company.status_code == 403


def test_a_study_asked_from_the_page_runs_in_the_background_and_the_page_follows_its_progress(
    dataset, analyst, client_for, settings, django_capture_on_commit_callbacks
):
    client = client_for(analyst)
    form = {"dataset": "demo", "country": "mar", "year_from": "2015", "year_to": "2017", "strategy": "long_jumps"}
    response = client.post(reverse("opportunities:study_new"), form)
    study = OpportunityStudy.objects.get()
    assert response.status_code == 302 and response.url == reverse("opportunities:study", args=[study.pk])
    waiting = client.get(response.url)
    assert 'id="study-progress"' in waiting.content.decode() and "hx-get" in waiting.content.decode()

    services.study_run(study.pk)
    poll = client.get(response.url + "?fragment=1")
    assert poll.status_code == 204 and poll["HX-Redirect"] == response.url
    done = client.get(response.url)
    assert 'id="opportunities-table"' in done.content.decode()
    assert study.parameters["strategy"] == "long_jumps" and study.country == "MAR"


def test_a_refused_study_form_says_why_on_the_page(dataset, analyst, client_for):
    client = client_for(analyst)
    response = client.post(
        reverse("opportunities:study_new"),
        {
            "dataset": "demo",
            "country": "MAR",
            "year_from": "2015",
            "year_to": "2017",
            "strategy": "custom",
            "weights": "pci=x",
        },
        HTTP_REFERER=reverse("opportunities:home"),
        follow=True,
    )
    assert response.status_code == 200
    assert "weights" in response.content.decode()
    assert not OpportunityStudy.objects.exists()


def test_the_results_page_ranks_filters_and_draws_the_bubble_chart_and_the_product_space(study, analyst, client_for):
    client = client_for(analyst)
    url = reverse("opportunities:study", args=[study.pk])
    html = client.get(url).content.decode()
    assert 'id="generated-notice"' in html
    bubble = _spec(html, "bubble-chart")
    assert bubble["mark"]["type"] == "circle" and bubble["data"]["values"]
    assert bubble["encoding"]["y"]["field"] == "potential"
    assert "generated data" in bubble["title"]
    space = _spec(html, "space-chart")
    nodes = space["layer"][1]["data"]["values"]
    assert len(nodes) == 865  # the Atlas layout shipped with Ecosys
    assert {n["position"] for n in nodes} >= {"exported with RCA ≥ 1"}
    assert 'id="space-table"' in html and 'id="bubble-table"' in html

    rows = services.study_result(study).rows
    chapter72 = [r for r in rows if str(r["product"]).startswith("72")]
    filtered = client.get(url, {"chapter": "72"}).content.decode()
    shown = re.findall(r'/products/(\d+)/"', filtered)
    assert shown and all(code.startswith("72") for code in shown)
    assert len(set(shown)) == min(len(chapter72), 50)


def test_a_bad_filter_is_a_message_not_an_error(study, analyst, client_for):
    url = reverse("opportunities:study", args=[study.pk])
    response = client_for(analyst).get(url, {"min_score": "lots"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Enter a number." in response.content.decode()


def test_the_download_holds_every_column_of_the_filtered_rows(study, analyst, client_for):
    response = client_for(analyst).get(reverse("opportunities:study_xlsx", args=[study.pk]), {"recycled": "1"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    result = services.study_result(study)
    expected = [r for r in result.rows if r.get("recycled_input")]
    assert len(values) == 1 + len(expected)
    assert len(values[0]) == len(result.columns)
    codes = [v[[c.key for c in result.columns].index("product")] for v in values[1:]]
    assert codes == [r["product"] for r in expected]
    assert "generated" in sheet.title


def test_a_product_page_explains_each_indicator_and_shows_its_neighbours(study, analyst, client_for):
    row = services.study_result(study).rows[0]
    page = client_for(analyst).get(reverse("opportunities:product", args=[study.pk, row["product"]]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="facts-table"' in html and 'id="space-chart"' in html
    missing = client_for(analyst).get(reverse("opportunities:product", args=[study.pk, "0000"]))
    assert missing.status_code == 404


def test_selected_products_become_sheets_from_the_page(imm, study, client_for, make_user):
    officer = make_user(Role.FEDERATION_OFFICER)
    client = client_for(officer)
    html = client.get(reverse("opportunities:study", args=[study.pk])).content.decode()
    assert 'name="products"' in html
    product = services.study_result(study).rows[0]["product"]
    response = client.post(
        reverse("opportunities:study_sheets", args=[study.pk]), {"products": [product], "ecosystem": "IMM-VAL"}
    )
    assert response.status_code == 302 and response.url == reverse("investments:sheet_list")
    assert OpportunitySheet.objects.filter(hs_codes=[product]).exists()


def test_an_unknown_study_is_not_found(db, analyst, client_for):
    assert client_for(analyst).get(reverse("opportunities:study", args=[999])).status_code == 404


def test_a_trade_file_brought_through_the_page_is_imported_by_the_worker(
    db, own_trade_dir, analyst, client_for, settings, gravity_files, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    client = client_for(analyst)
    client.post(reverse("opportunities:dataset_new"), {"code": "mine", "name": "Mine"})
    with django_capture_on_commit_callbacks(execute=True), gravity_files[2].open("rb") as handle:
        response = client.post(
            reverse("opportunities:dataset_import", args=["mine"]), {"format": "baci", "file": handle}
        )
    job = TradeImport.objects.get()
    assert response.url == reverse("opportunities:import", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert job.filename in page and "Imported" in page
    dataset_page = client.get(reverse("opportunities:dataset", args=["mine"])).content.decode()
    assert "2017" in dataset_page
    listing = client.get(reverse("opportunities:datasets")).content.decode()
    assert "Mine" in listing


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_study_page_speaks_french_and_arabic(study, analyst, client_for, settings, language):
    client = client_for(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the language the person chose in the menu
    html = client.get(reverse("opportunities:study", args=[study.pk])).content.decode()
    expected = {"fr": 'lang="fr"', "ar": 'dir="rtl"'}[language]
    assert expected in html
    expected = {"fr": "Opportunités classées", "ar": "الفرص المرتَّبة"}[language]
    assert expected in html


def test_the_ecosystems_page_scores_the_value_chains_proposes_communities_and_sizes_a_contract(
    imm, study, analyst, client_for
):
    client = client_for(analyst)
    url = reverse("opportunities:study_ecosystems", args=[study.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for table in ("chain-IMM-VAL", "chain-IMM-NM", "candidates-table", "sizing-table", "assumptions-table"):
        assert f'id="{table}"' in html, table
    assert "Récupération et tri des déchets ferreux" in html  # an activity of the shipped IMM value chain
    assert _spec(html, "sizing-chart")["mark"]["type"] == "bar"
    assert "imported_input_share" in html

    richer = client.get(url, {"substitution": "20", "horizon": "2025", "first_year": "2018"}).content.decode()
    assert richer != html
    bad = client.get(url, {"substitution": "150"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Enter a share between 0 and 100 %." in bad


def test_production_figures_and_coefficients_brought_with_the_form_reach_the_study(dataset, analyst, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(analyst)
    production = SimpleUploadedFile(
        "production.csv", b"product,year,production_mad\n7214,2015,900000000\n7214,2017,1100000000\n"
    )
    form = {"dataset": "demo", "country": "MAR", "year_from": "2015", "year_to": "2017", "production": production}
    response = client.post(reverse("opportunities:study_new"), form)
    study = OpportunityStudy.objects.get()
    assert response.status_code == 302
    assert "7214,2017,1100000000" in study.parameters["production_csv"]
    done = services.study_run(study.pk)
    row = next(r for r in services.study_result(done).rows if r["product"] == "7214")
    assert row["consumption_usd"] is not None

    bad = SimpleUploadedFile(
        "coefficients.csv",
        b"code,activity,jobs_per_million_mad,value_added_ratio,status,source\n72,Iron,lots,0.2,measured,HCP\n",
    )
    form = {"dataset": "demo", "country": "MAR", "year_from": "2015", "year_to": "2017", "coefficients": bad}
    refused = client.post(
        reverse("opportunities:study_new"), form, HTTP_REFERER=reverse("opportunities:home"), follow=True
    )
    html = refused.content.decode()
    assert "coefficients_csv" in html and "line 2" in html
    assert OpportunityStudy.objects.count() == 1
