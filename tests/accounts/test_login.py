"""Sign-in through the real form, with django-axes throttling repeated failures."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def _sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_a_person_signs_in_with_the_right_password_and_lands_on_the_programme():
    user = UserFactory()
    response = _sign_in(Client(), user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_five_failures_lock_the_account_from_that_address_even_with_the_right_password(settings):
    user = UserFactory()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _sign_in(client, user.username, "wrong-password")
        assert response.status_code in {200, 429}
    response = _sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives de connexion infructueuses." in response.content.decode()  # French by default
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_is_in_french_by_default_even_for_an_english_browser():
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()
    assert "Se connecter" in response.content.decode()


def test_a_chosen_language_is_kept_and_arabic_pages_read_right_to_left():
    client = Client()
    client.post("/i18n/setlang/", {"language": "ar", "next": "/accounts/login/"})
    html = client.get("/accounts/login/").content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
