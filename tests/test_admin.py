"""The Django admin has a page for every model and each one opens."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from ecosys.accounts.models import User

pytestmark = pytest.mark.django_db
DOMAIN_APPS = {"accounts", "programmes", "investments", "monitoring", "governance"}


def test_every_domain_model_is_registered_in_the_admin():
    models = [
        m for m in apps.get_models() if m._meta.app_label in DOMAIN_APPS and not m.__name__.startswith("Historical")
    ]
    missing = [m.__name__ for m in models if m not in admin.site._registry]
    assert missing == []


def test_every_admin_list_and_history_page_opens_for_a_superuser(imm):
    superuser = User.objects.create_superuser("root", password="x-long-enough-password")
    client = Client()
    client.force_login(superuser)
    for model, _model_admin in admin.site._registry.items():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert response.status_code == 200, opts.label
        first = model._default_manager.first()
        if first is not None:
            response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
            assert response.status_code == 200, opts.label


def test_a_user_without_staff_status_cannot_open_the_admin(make_user):
    client = Client()
    client.force_login(make_user("ministry_admin"))
    assert client.get("/admin/").status_code == 302
