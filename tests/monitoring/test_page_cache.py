"""The dashboard pages are served from a whole page cached per snapshot version, language and roles.

Nothing of one person may reach another (CSRF token, name, messages), a recomputed snapshot shows at
once, and the permission check comes before the cache.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ecosys.core.roles import Role
from ecosys.investments.models import InvestmentProject, Province
from ecosys.monitoring.models import StatusThresholds
from ecosys.monitoring.services import realisations_changed, snapshots_refresh
from ecosys.programmes.models import Ecosystem
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db
URL = "/monitoring/pai-2014-2020/?as_of=2018-12"
ECOSYSTEM_URL = "/monitoring/pai-2014-2020/ecosystems/IMM-VAL/?as_of=2018-12"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _get(client: Client, url: str) -> tuple[object, int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries.captured_queries), [t.name for t in response.templates]


def _signed_in(user, *, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", [URL, ECOSYSTEM_URL])
def test_a_second_request_is_served_from_the_cached_page_with_fewer_queries(imm, make_user, client_for, url):
    client = client_for(make_user(Role.MINISTRY_ANALYST))
    first, cold, cold_templates = _get(client, url)
    second, warm, warm_templates = _get(client, url)

    page = "monitoring/programme.html" if url == URL else "monitoring/ecosystem.html"
    assert page in cold_templates and "web/base.html" in cold_templates
    assert page not in warm_templates and "web/base.html" not in warm_templates  # not rendered again
    # Session, person, roles, programme, snapshot, and the live part (quarters or projects at risk).
    assert warm < cold and warm <= 8, warm
    strip = re.compile(r'(value="|"X-CSRFToken": ")[^"]+"')  # the per-request token aside, the same page
    assert strip.sub("", first.content.decode()) == strip.sub("", second.content.decode())


def test_a_request_with_other_parameters_is_rendered_and_not_cached(imm, make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ANALYST))
    _get(client, URL + "&utm=x")
    _response, _count, templates = _get(client, URL + "&utm=x")
    assert "monitoring/programme.html" in templates


def test_two_people_get_their_own_name_and_csrf_token_from_the_same_cached_page(imm, make_user):
    amina, karim = make_user(Role.MINISTRY_ANALYST), make_user(Role.MINISTRY_ANALYST)
    for user, name in ((amina, "amina.analyst"), (karim, "karim.analyst")):
        user.username = name
        user.save()
    for_amina, for_karim = _signed_in(amina, enforce_csrf=True), _signed_in(karim, enforce_csrf=True)

    page_amina = for_amina.get(URL).content.decode()
    response = for_karim.get(URL)
    page_karim = response.content.decode()

    assert "monitoring/programme.html" not in [t.name for t in response.templates]  # Karim's came from the cache
    assert "amina.analyst" in page_amina and "karim.analyst" not in page_amina
    assert "karim.analyst" in page_karim and "amina.analyst" not in page_karim
    token_amina, token_karim = TOKEN.search(page_amina)[1], TOKEN.search(page_karim)[1]
    assert f'"X-CSRFToken": "{token_karim}"' in page_karim  # HTMX sends Karim's token too
    assert len(set(TOKEN.findall(page_karim))) == 1
    # Each token is good for its own session only.
    change = {"language": "en", "next": "/"}
    assert for_karim.post("/i18n/setlang/", {**change, "csrfmiddlewaretoken": token_karim}).status_code == 302
    assert for_karim.post("/i18n/setlang/", {**change, "csrfmiddlewaretoken": token_amina}).status_code == 403


def test_a_cached_page_is_never_served_to_someone_refused_the_dashboards(imm, make_user, client_for):
    assert client_for(make_user(Role.MINISTRY_ANALYST)).get(URL).status_code == 200  # cached now
    assert client_for(make_user(Role.MINISTRY_ANALYST)).get(ECOSYSTEM_URL).status_code == 200

    company = client_for(make_user(Role.COMPANY_USER))
    assert company.get(URL).status_code == 403
    assert company.get(ECOSYSTEM_URL).status_code == 403
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_roles_that_change_the_page_get_their_own_page(imm, make_user, client_for):
    analyst = client_for(make_user(Role.MINISTRY_ANALYST)).get(URL).content.decode()
    admin = client_for(make_user(Role.MINISTRY_ADMIN)).get(URL).content.decode()

    assert 'name="on_track_percent"' not in analyst and 'name="on_track_percent"' in admin
    assert "Valider et verrouiller" not in analyst and "Valider et verrouiller" in admin


def test_a_recomputed_snapshot_shows_at_once(imm, make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ADMIN))
    assert "95,0" in client.get(URL).content.decode()

    StatusThresholds.objects.update_or_create(
        programme=imm.sector.programme, defaults={"on_track_percent": 90, "at_risk_percent": 60}
    )
    realisations_changed()  # as a changed threshold does: the live snapshot is stale until refreshed
    stale = client.get(URL).content.decode()
    assert "en cours de recalcul" in stale and "95,0" in stale

    snapshots_refresh()
    fresh = client.get(URL).content.decode()
    assert "en cours de recalcul" not in fresh and "90,0" in fresh and "95,0" not in fresh


def test_a_locked_quarter_and_its_message_show_on_the_next_page_and_the_message_only_once(imm, make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ADMIN))
    client.get("/monitoring/pai-2014-2020/")  # cached before the quarter is locked

    client.post("/monitoring/pai-2014-2020/periods/lock", {"year": 2018, "quarter": 4})
    after = client.get("/monitoring/pai-2014-2020/").content.decode()
    again = client.get("/monitoring/pai-2014-2020/").content.decode()

    assert "2018 T4 est validé" in after and "2018 T4 est validé" not in again
    assert 'class="messages"' in after and 'class="messages"' not in again
    assert "Demander le déverrouillage" in again  # the quarters are read on each request


def test_each_language_gets_its_own_page(imm, make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ANALYST))
    pages = {}
    for language in ("fr", "en", "ar", "fr"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        pages[language] = client.get(URL).content.decode()

    assert 'lang="fr" dir="ltr"' in pages["fr"] and "Trimestres validés" in pages["fr"]
    assert 'lang="en" dir="ltr"' in pages["en"] and "Validated quarters" in pages["en"]
    assert 'lang="ar" dir="rtl"' in pages["ar"] and "Validated quarters" not in pages["ar"]
    assert "Trimestres validés" not in pages["en"] + pages["ar"]


def test_the_ecosystem_page_reads_the_projects_at_risk_on_each_request(imm, make_user, client_for):
    client = client_for(make_user(Role.MINISTRY_ANALYST))
    assert "Suspended works" not in client.get(ECOSYSTEM_URL).content.decode()

    province = Province.objects.select_related("region").first()
    InvestmentProject.objects.create(
        code="PRJ-LATE",
        name="Suspended works",
        company=CompanyFactory(),
        ecosystem=Ecosystem.objects.get(code="IMM-VAL"),
        region=province.region,
        province=province,
        investment_mad=1,
        status="suspended",
    )  # straight into the database: the snapshot is neither stale nor recomputed
    response, _count, templates = _get(client, ECOSYSTEM_URL)

    assert "monitoring/ecosystem.html" not in templates  # the cached page, with the live table
    assert "PRJ-LATE · Suspended works" in response.content.decode()
