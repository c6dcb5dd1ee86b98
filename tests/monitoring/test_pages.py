"""Monitoring pages: the programme overview and the ecosystem page in three languages, Excel exports."""

from __future__ import annotations

import io
import json
import re
from html import unescape

import pytest
from django.conf import settings
from openpyxl import load_workbook

from ecosys.core.roles import Role
from ecosys.investments.demo import demo_generate
from ecosys.investments.services.declarations import headcount_reconcile
from ecosys.monitoring.models import Snapshot

pytestmark = pytest.mark.django_db
URL = "/monitoring/pai-2014-2020/"


@pytest.fixture
def analyst_client(imm, make_user, client_for):
    demo_generate()
    headcount_reconcile(actor=None)  # as `ecosys demo` does
    return client_for(make_user(Role.MINISTRY_ANALYST))


def test_the_overview_shows_one_tile_per_contract_kpi_with_target_actual_status_and_forecast(analyst_client):
    response = analyst_client.get(URL + "?as_of=2018-12", HTTP_ACCEPT_LANGUAGE="fr")
    html = unescape(response.content.decode())

    assert response.status_code == 200
    tiles = re.findall(r'<div class="kpi status-(\w+)">', html)
    assert len(tiles) == 4 and set(tiles) <= {"on_track", "at_risk", "off_track"}
    assert "5\u202f878" in html and "13\u202f340" in html  # verified jobs at end 2018 against the target
    assert "probabilité d'atteindre la cible" in html.lower() or "probabilité d’atteindre la cible" in html.lower()
    specs = re.findall(r'<script type="application/json" id="path-\d+">(.*?)</script>', html, re.S)
    assert len(specs) == 4
    assert all(json.loads(spec)["$schema"].startswith("https://vega.github.io/schema/vega-lite/") for spec in specs)
    # Every chart's figures are in a table too, with an Excel link.
    assert 'id="table-path"' in html and "table=path" in html


def test_the_overview_reads_a_stored_snapshot_and_says_when_it_was_computed(analyst_client):
    analyst_client.get(URL + "?as_of=2018-12")
    analyst_client.get(URL + "?as_of=2018-12")
    analyst_client.get(URL + "?as_of=2018-12&basis=declared")

    assert Snapshot.objects.filter(as_of="2018-12-01").count() == 2  # one per basis, computed once


def test_the_overview_is_right_to_left_in_arabic_and_english_in_english(analyst_client):
    analyst_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    arabic = analyst_client.get(URL + "?as_of=2018-12").content.decode()
    analyst_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = analyst_client.get(URL + "?as_of=2018-12").content.decode()

    assert 'dir="rtl"' in arabic and 'lang="ar"' in arabic
    assert "Probability of meeting the target" in english


def test_every_table_downloads_as_a_workbook_with_numbers_as_numbers(analyst_client):
    for table in ("kpis", "ecosystems", "regions", "path", "weights"):
        response = analyst_client.get(URL + f"?as_of=2018-12&table={table}")
        assert response.status_code == 200, table
        assert response["Content-Disposition"].endswith(f'-{table}-2018-12.xlsx"')
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) > 2, table
    book = load_workbook(io.BytesIO(analyst_client.get(URL + "?as_of=2018-12&table=ecosystems").content))
    total = next(row for row in book.active.iter_rows(values_only=True) if row[0] == "Total")
    assert total[2] == 5_878  # jobs created, a number in the spreadsheet, not text
    assert analyst_client.get(URL + "?table=nothing").status_code == 404


def test_the_ecosystem_page_shows_its_kpis_and_the_projects_at_risk(analyst_client):
    response = analyst_client.get(URL + "ecosystems/IMM-VAL/?as_of=2018-12", HTTP_ACCEPT_LANGUAGE="fr")
    html = unescape(response.content.decode())

    assert response.status_code == 200
    assert 'id="table-at_risk"' in html and 'id="table-kpis"' in html
    assert analyst_client.get(URL + "ecosystems/NOPE/").status_code == 404


def test_a_wrong_month_is_said_and_the_latest_month_is_shown(analyst_client):
    response = analyst_client.get(URL + "?as_of=décembre", follow=True)
    assert response.status_code == 200
    assert "Saisissez un mois au format AAAA-MM." in [str(m) for m in response.context["messages"]]


def test_a_company_user_does_not_see_the_programme_dashboards(imm, make_user, client_for):
    client = client_for(make_user(Role.COMPANY_USER))
    assert client.get(URL).status_code == 403
    assert "/monitoring/" not in client.get("/jobs/").content.decode()


def test_bad_requests_get_a_clear_answer_and_never_a_server_error(imm, make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ADMIN))
    api = "/api/v1/monitoring/pai-2014-2020"

    empty = client.get(URL + "?as_of=2018-12")  # no realisation, no pipeline yet
    assert empty.status_code == 200 and 'class="kpi status-no_data"' in empty.content.decode()
    assert client.get("/monitoring/nope/").status_code == 404
    assert client.get(api + "/kpis/JOBS_CREATED?granularity=week").status_code == 400
    assert client.get(api + "/kpis/NOTHING").status_code == 400
    assert client.get(api + "/figures?as_of=2018-13").status_code == 400
    assert client.get(api + "/tables/at_risk?ecosystem=NOPE").status_code == 404
    assert (
        client.post(api + "/periods", {"year": 2018, "quarter": 5}, content_type="application/json").status_code == 400
    )
    assert client.post(api + "/periods/999/unlock", {"reason": "x"}, content_type="application/json").status_code == 404
    assert client.get("/reports/999/").status_code == 404
    refused = client.post(URL + "reports", {"kind": "ecosystem", "language": "fr", "ecosystem": "NOPE"})
    assert refused.status_code == 404
