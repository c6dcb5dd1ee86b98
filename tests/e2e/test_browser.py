"""One walk through the real pages in headless Chromium."""

from __future__ import annotations

import pytest

from ecosys.core.roles import Role
from ecosys.programmes.services.loader import BUNDLED_IMM, programme_file_read, programme_load
from tests.factories import user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-staple"


def test_an_official_signs_in_switches_to_arabic_and_sees_the_imm_targets_right_to_left(live_server, page):
    programme_load(actor=None, data=programme_file_read(BUNDLED_IMM))
    user = user_with_role(Role.MINISTRY_ANALYST)

    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "fr"  # French by default, whatever the browser says
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(f"{live_server.url}/programmes/**")
    assert "13\u202f340" in page.locator("table.targets").inner_text()

    with page.expect_navigation():
        page.select_option("#language", "ar")  # the form submits itself on change
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    assert "الصناعات الميكانيكية والمعدنية" in page.locator("#sector-IMM").inner_text()
    rows = page.locator("table.targets tbody tr")
    assert rows.count() == 4
    text = page.locator("table.targets").inner_text()
    for figure in ("13\u202f340", "1,7", "2,3", "11,0"):
        assert figure in text
    assert "مليار درهم" in text
    # Charts are drawn by the vendored Vega (no CDN): one SVG per target.
    page.wait_for_selector(".vega svg")
    assert page.locator(".vega svg").count() == 4
    # The page reads right to left: the first column (the indicator) sits at the right edge.
    table_box = page.locator("table.targets").bounding_box()
    first_cell = page.locator("table.targets tbody tr").first.locator("th").bounding_box()
    assert first_cell["x"] + first_cell["width"] == pytest.approx(table_box["x"] + table_box["width"], abs=2)
