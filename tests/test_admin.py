"""The Django admin has a page for every model and each one opens."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from ecosys.accounts.models import User

pytestmark = pytest.mark.django_db
DOMAIN_APPS = {"accounts", "programmes", "investments", "monitoring", "governance", "incentives", "land"}


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


def test_land_admin_shows_history_and_leaves_allocation_to_the_services(imm, make_user):
    """A zone's allocated area, a parcel's status and the holdings move through ``ecosys.land.services`` only."""
    from ecosys.core.roles import Role
    from ecosys.land import services
    from ecosys.land.models import Holding, LandRequest, Parcel, Zone
    from tests.investments.factories import ProjectFactory
    from tests.land.conftest import parcels_geojson, zone_geojson

    [zone] = services.zones_import(actor=None, programme=imm.sector.programme, data=zone_geojson())
    services.parcels_import(actor=None, data=parcels_geojson())
    officer = make_user(Role.LAND_OFFICER)
    project = ProjectFactory(ecosystem=imm.sector.ecosystems.order_by("code").first())
    request = services.request_create(actor=officer, project=project, area_m2="9000", max_parcels=2)
    services.reserve(actor=officer, request=request, parcels=list(Parcel.objects.filter(code__in=["P00", "P01"])))
    services.allocate(actor=officer, request=request)
    superuser = User.objects.create_superuser("root", password="x-long-enough-password")
    client = Client()
    client.force_login(superuser)
    parcel = Parcel.objects.get(code="P00")
    for obj in (zone, parcel, request, Holding.objects.first()):
        opts = obj._meta
        for view in ("change", "history"):
            response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk]))
            assert response.status_code == 200, (opts.label, view)

    url = reverse("admin:land_zone_change", args=[zone.pk])
    form = client.get(url).context["adminform"].form
    assert "allocated_m2" not in form.fields and "area_m2" not in form.fields and "name" in form.fields
    data = {"name": "Parc de Berrechid", "region": zone.region_id, "province": zone.province_id, "kind": "rental"}
    data |= {"allocated_m2": "0", "parcels-TOTAL_FORMS": "0", "parcels-INITIAL_FORMS": "0"}
    assert client.post(url, data).status_code == 302
    zone.refresh_from_db()
    assert zone.name == "Parc de Berrechid"
    assert abs(zone.allocated_m2 - 10000) < 1  # not moved by the form
    assert zone.history.count() >= 2

    form = client.get(reverse("admin:land_parcel_change", args=[parcel.pk])).context["adminform"].form
    assert "status" not in form.fields and "price_mad_per_m2" in form.fields
    http_request = client.get("/").wsgi_request
    for model in (Holding, LandRequest):
        assert not admin.site._registry[model].has_change_permission(http_request)
        assert not admin.site._registry[model].has_add_permission(http_request)
    assert not admin.site._registry[Zone].has_delete_permission(http_request)
