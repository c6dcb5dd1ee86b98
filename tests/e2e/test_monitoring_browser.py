"""The monitoring dashboard in headless Chromium: one chart per contract KPI, drawn by the vendored Vega."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django_tasks_db.models import DBTaskResult

from ecosys.core.roles import Role
from ecosys.investments.demo import demo_generate
from ecosys.investments.services.declarations import headcount_reconcile
from ecosys.monitoring.tasks import report_build_task
from ecosys.programmes.services.loader import BUNDLED_IMM, programme_file_read, programme_load
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-staple"


def test_an_analyst_sees_each_contract_kpi_against_its_milestones_with_a_forecast_band(live_server, page):
    # A transactional test empties every table after it: load the regions the migration ships again.
    import_module("ecosys.investments.migrations.0002_regions").load_regions(django_apps, None)
    programme_load(actor=None, data=programme_file_read(BUNDLED_IMM))
    demo_generate()
    headcount_reconcile(actor=None)
    user = user_with_role(Role.MINISTRY_ANALYST)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{live_server.url}/programmes/**")
    page.click("nav >> text=Suivi")
    page.wait_for_url(f"{live_server.url}/monitoring/**")
    page.fill("input[name=as_of]", "2018-12")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**as_of=2018-12**")

    page.wait_for_selector(".vega svg")
    assert page.locator(".vega svg").count() == 4
    tiles = page.locator("dl.targets-tiles .kpi")
    assert tiles.count() == 4
    assert "5\u202f878" in tiles.first.inner_text()
    # The same figures as a table a screen reader can read, with an Excel link.
    assert page.locator("#table-path tbody tr").count() >= 4 * 6
    assert page.locator("#table-path a.download").get_attribute("href").endswith("table=path")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="docs/screenshot-monitoring.png", full_page=False)

    # In Arabic, right to left, then the quarterly report in Arabic, written by the worker.
    with page.expect_navigation():
        page.select_option("#language", "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.wait_for_selector(".vega svg")
    page.select_option("#reports select[name=language]", "ar")
    with page.expect_navigation():
        page.click("#reports button[type=submit]")
    assert page.locator("#report-progress[hx-trigger]").count() == 1  # queued, the page polls
    task = DBTaskResult.objects.get(task_path__endswith="report_build_task")
    report_build_task.call(*task.args_kwargs["args"])  # what the worker does
    page.wait_for_selector("#report-progress a.button", timeout=10000)
    with page.expect_download() as download:
        page.click("#report-progress a.button")
    path = download.value.path()
    assert download.value.suggested_filename == "ecosys-programme-2018-12-ar.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"
