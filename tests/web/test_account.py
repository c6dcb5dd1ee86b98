"""The account page: who the signed-in person is, for whom and in which roles, and the language of their pages."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from ecosys.accounts.models import Membership, Organisation, User
from ecosys.accounts.services import LANGUAGE_UNKNOWN
from ecosys.core.roles import Role
from tests.factories import CompanyFactory, EcosystemFactory, OrganisationFactory

pytestmark = pytest.mark.django_db
URL = "/accounts/me/"


def _html(client: Client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_is_named_account_and_lives_under_accounts():
    assert reverse("web:account") == URL


def test_the_page_shows_the_person_their_organisations_and_roles_in_their_language(make_user, client_for):
    federation = OrganisationFactory(kind=Organisation.Kind.FEDERATION, name="Fédération des métaux", acronym="FIMME")
    user = make_user(Role.FEDERATION_OFFICER, organisation=federation)
    user.first_name, user.last_name = "Amina", "Benali"
    user.save()
    ecosystem = EcosystemFactory(name_fr="Valorisation des métaux")
    Membership.objects.create(user=user, organisation=federation, role=Role.ECOSYSTEM_MANAGER, ecosystem=ecosystem)
    Membership.objects.create(user=user, organisation=CompanyFactory(), role=Role.COMPANY_USER, is_active=False)

    html = _html(client_for(user))

    with translation.override("fr"):  # the person's preferred language, French by default
        expected = [
            user.username,
            "Amina Benali",
            "Fédération des métaux (FIMME)",
            "Valorisation des métaux",
            escape(str(Role.FEDERATION_OFFICER.label)),
            escape(str(Role.ECOSYSTEM_MANAGER.label)),
            "Mon compte",
            '<option value="fr" lang="fr" selected>Français</option>',
        ]
        for text in expected:
            assert text in html, text
        assert escape(str(Role.COMPANY_USER.label)) not in html  # an inactive membership is no role


def test_a_person_without_membership_is_told_so(client_for):
    user = User.objects.create_user("sans.role", password="correct-horse-battery-staple")
    with translation.override("fr"):
        assert translation.gettext("You hold no role in any organisation.") in _html(client_for(user))


def test_the_page_reads_only_the_session_the_person_and_their_memberships(
    make_user, client_for, django_assert_max_num_queries
):
    user = make_user(Role.FEDERATION_OFFICER)
    for role, organisation, ecosystem in (
        (Role.ECOSYSTEM_MANAGER, OrganisationFactory(kind=Organisation.Kind.FEDERATION), EcosystemFactory()),
        (Role.ECOSYSTEM_MANAGER, OrganisationFactory(kind=Organisation.Kind.FEDERATION), EcosystemFactory()),
        (Role.AUDITOR, OrganisationFactory(), None),
    ):
        Membership.objects.create(user=user, organisation=organisation, role=role, ecosystem=ecosystem)
    client = client_for(user)
    # The session, the person, and the memberships with their organisation and ecosystem (the roles of
    # the header and menu come from the same rows): as many memberships as one likes, three queries.
    with django_assert_max_num_queries(3):
        html = _html(client)
    assert html.count("<tr><td>") == 4


@pytest.mark.parametrize(
    ("language", "marks"),
    [
        ("en", ['<html lang="en" dir="ltr">', "<h1>My account</h1>", "Sign out", "Preferred language saved."]),
        ("ar", ['<html lang="ar" dir="rtl">', "<h1>حسابي</h1>", "حُفظت اللغة المفضلة."]),
    ],
)
def test_a_chosen_language_is_saved_and_the_next_page_is_in_it(make_user, client_for, language, marks):
    user = make_user(Role.MINISTRY_ANALYST)
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # chosen earlier with the header's language form

    response = client.post(URL, {"preferred_language": language})

    assert response.status_code == 302
    assert response["Location"] == URL
    user.refresh_from_db()
    assert user.preferred_language == language
    html = _html(client)
    for mark in marks:
        assert mark in html, mark
    # Another browser, with no language cookie, follows the saved preference.
    assert marks[0] in _html(client_for(user), "/")


@pytest.mark.parametrize("data", [{"preferred_language": "de"}, {"preferred_language": ""}, {"other": "en"}])
def test_an_unknown_language_is_refused_with_a_message_and_nothing_is_written(make_user, client_for, data):
    user = make_user(Role.COMPANY_USER)
    client = client_for(user)

    response = client.post(URL, data, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert response.status_code == 200
    with translation.override("fr"):
        assert escape(str(LANGUAGE_UNKNOWN)) in response.content.decode()
    user.refresh_from_db()
    assert user.preferred_language == "fr"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_visitor_is_sent_to_sign_in_and_nothing_is_written(client, method, make_user):
    user = make_user(Role.MINISTRY_ADMIN)
    response = getattr(client, method)(URL, {"preferred_language": "en"} if method == "post" else {})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={URL}"
    user.refresh_from_db()
    assert user.preferred_language == "fr"


def test_the_name_in_the_header_links_to_the_account_page(make_user, client_for):
    user = make_user(Role.AUDITOR)
    with translation.override("fr"):
        link = f'<a href="{URL}" title="Mon compte">{user.username}</a>'
    assert link in _html(client_for(user), "/")


def test_the_cached_dashboards_link_each_person_s_own_name_to_the_account_page(imm, make_user, client_for):
    cache.clear()
    try:
        amina, karim = make_user(Role.MINISTRY_ANALYST), make_user(Role.MINISTRY_ANALYST)
        url = "/monitoring/pai-2014-2020/?as_of=2018-12"
        first, second = _html(client_for(amina), url), _html(client_for(karim), url)  # the second from the cache
        assert f'<a href="{URL}" title="Mon compte">{amina.username}</a>' in first
        assert f'<a href="{URL}" title="Mon compte">{karim.username}</a>' in second
        assert amina.username not in second
    finally:
        cache.clear()
