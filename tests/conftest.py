from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from ecosys.accounts.models import User
from ecosys.programmes.models import PerformanceContract
from ecosys.programmes.services.loader import BUNDLED_IMM, programme_file_read, programme_load
from tests.factories import user_with_role


@pytest.fixture(autouse=True)
def _english_messages():
    """Domain messages are compared in English (the msgids) unless a test activates a language."""
    with translation.override("en"):
        yield


@pytest.fixture
def imm(db) -> PerformanceContract:
    """The real IMM programme, loaded from the file shipped with Ecosys."""
    programme_load(actor=None, data=programme_file_read(BUNDLED_IMM))
    return PerformanceContract.objects.get(code="IMM-CP")


@pytest.fixture
def make_user(db):
    return user_with_role


@pytest.fixture
def client_for(db):
    """Return a test client signed in as a user with the given role (session authentication)."""

    def build(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return build
