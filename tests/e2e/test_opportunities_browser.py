"""An opportunity study in headless Chromium: asked from the form, followed while the worker runs it, then
the ranked table, the bubble chart and the product space drawn by the vendored Vega, a product's page,
and the same study in Arabic."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from ecosys.analytics.trade.gravity import generate_baci_gravity
from ecosys.core.roles import Role
from ecosys.opportunities import services
from ecosys.opportunities.tasks import study_run_task
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-staple"


def test_an_analyst_runs_a_study_and_reads_its_ranking_charts_and_product_space(live_server, page, settings, tmp_path):
    settings.TRADE_DIR = tmp_path / "trade"
    made = generate_baci_gravity(tmp_path / "files", years=(2016, 2017), target_rows=10_000, keep_all_for=("MAR",))
    dataset = services.dataset_create(actor=None, code="demo", name="Generated demo", is_generated=True)
    services.dataset_import_files(dataset, made.paths)
    user = user_with_role(Role.MINISTRY_ANALYST)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")
    page.goto(f"{live_server.url}/opportunities/")
    page.fill("#study-form input[name=title]", "Maroc 2016-2017")
    with page.expect_navigation():
        page.click("#study-form button[type=submit]")
    assert page.locator("#study-progress[hx-trigger]").count() == 1  # queued, the page polls

    task = DBTaskResult.objects.get(task_path__endswith="study_run_task")
    study_run_task.call(*task.args_kwargs["args"])  # what the worker does
    page.wait_for_selector("#opportunities-table", timeout=15000)  # the poll loads the results
    page.wait_for_function("document.querySelectorAll('.vega svg').length >= 2")
    assert page.locator("#opportunities-table tbody tr").count() == 50
    assert page.locator("#generated-notice").count() == 1
    assert page.locator("#space-table tbody tr").count() == 4
    page.screenshot(path="docs/screenshot-opportunities.png", full_page=False)

    page.click("#opportunities-table tbody tr:first-child th a")
    page.wait_for_selector("#facts-table")
    page.wait_for_selector(".vega svg")

    with page.expect_navigation():
        page.select_option("#language", "ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.wait_for_selector(".vega svg")
