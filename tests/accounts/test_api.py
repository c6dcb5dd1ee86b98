"""The person's own record through the API: who they are, their roles, and the language of their pages."""

from __future__ import annotations

import pytest

from ecosys.accounts.models import User
from ecosys.core.roles import Role

pytestmark = pytest.mark.django_db
ME = "/api/v1/me"


def test_me_says_who_the_person_is_their_roles_organisation_and_language(make_user, client_for):
    user = make_user(Role.FUND_OFFICER)

    body = client_for(user).get(ME).json()

    assert body["username"] == user.username
    assert body["roles"] == [Role.FUND_OFFICER.value]
    assert body["organisations"] == [user.memberships.get().organisation_id]
    assert body["preferred_language"] == "fr"


def test_the_language_set_through_the_api_is_the_one_the_pages_then_speak(make_user, client_for):
    user = make_user(Role.MINISTRY_ANALYST)
    client = client_for(user)

    response = client.patch(ME, {"preferred_language": "ar"}, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["preferred_language"] == "ar"
    user.refresh_from_db()
    assert user.preferred_language == "ar"
    assert '<html lang="ar" dir="rtl">' in client.get("/accounts/me/").content.decode()


@pytest.mark.parametrize("language", ["xx", "", "de"])
def test_an_unknown_language_is_refused_by_name_and_nothing_is_written(make_user, client_for, language):
    user = make_user(Role.COMPANY_USER)

    response = client_for(user).patch(ME, {"preferred_language": language}, content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "language_unknown"
    assert "preferred_language" in str(body["errors"])
    assert User.objects.get(pk=user.pk).preferred_language == "fr"


def test_anonymous_may_not_set_a_language():
    from django.test import Client

    response = Client().patch(ME, {"preferred_language": "en"}, content_type="application/json")

    assert response.status_code == 401
    assert not User.objects.filter(preferred_language="en").exists()
