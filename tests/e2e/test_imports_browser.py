"""An import in headless Chromium: the page polls the batch with HTMX until the worker is done."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from ecosys.core.roles import Role
from ecosys.investments.models import Declaration
from ecosys.investments.tasks import import_batch_run
from tests.factories import CompanyFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-staple"


def test_an_analyst_uploads_cnss_headcounts_and_the_page_follows_the_worker_until_done(
    live_server, page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    company = CompanyFactory(name="Fonderie de l'Atlas")
    user = user_with_role(Role.MINISTRY_ANALYST)
    upload = tmp_path / "cnss-2019.csv"
    upload.write_text(f"ICE,mois,effectif\n{company.ice},2019-01,120\n{company.ice},2019-02,124\n", encoding="utf-8")

    page.goto(f"{live_server.url}/imports/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{live_server.url}/imports/")
    page.select_option("#id_kind", "cnss")
    page.set_input_files("#id_file", str(upload))
    with page.expect_navigation():
        page.click("form.stack button[type=submit]")

    assert "Import en cours" in page.locator("#import-progress").inner_text()  # queued, not run yet
    (task,) = DBTaskResult.objects.all()
    import_batch_run.call(*task.args_kwargs["args"])  # what the worker does
    page.wait_for_selector("#import-progress:not([hx-trigger])", timeout=5000)  # the next poll swaps it in
    assert "Importé : 2 lignes." in page.locator("#import-progress").inner_text()
    assert sorted(Declaration.objects.filter(company=company).values_list("headcount", flat=True)) == [120, 124]
