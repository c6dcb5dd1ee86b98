"""The incentives admin: every page opens with real rows, and the money moves only through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ecosys.accounts.models import User
from ecosys.incentives import services
from ecosys.incentives.models import Application, Envelope, Scheme
from tests.incentives.conftest import FACTS

RATE = Decimal("0.2")


@pytest.fixture
def root(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="x-long-enough-password"))
    return client


@pytest.fixture
def paid(envelope, fdii, project, company_user, reviewer, decider):
    """An application decided (18 MMAD committed), signed, a proof checked and its first tranche paid (7.2 MMAD)."""
    application = services.application_create(
        actor=company_user, project=project, scheme=fdii, facts=FACTS, applied_on=date(2016, 5, 1)
    )
    application = services.application_submit(actor=company_user, application=application)
    application = services.application_review(actor=reviewer, application=application, note="Ok.", agreed_rate=RATE)
    application = services.application_decide(actor=decider, application=application, approve=True)
    application = services.application_sign(actor=decider, application=application, signed_on=timezone.localdate())
    proof = services.proof_add(
        actor=company_user, application=application, category="land", amount_mad=Decimal("45000000"), description="Deed"
    )
    services.proof_verify(actor=reviewer, proof=proof)
    services.tranche_release(actor=decider, application=application, tranche=0)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def clawed_back(paid, decider):
    services.clawback_apply(actor=decider, application=paid, reason="The plant was not built.")
    return Application.objects.get(pk=paid.pk)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_incentives_page_opens_with_its_history(root, clawed_back):
    models = [model for model in admin.site._registry if model._meta.app_label == "incentives"]
    assert len(models) == 7
    for model in models:
        assert root.get(url(model, "changelist")).status_code == 200, model
        first = model._default_manager.first()
        assert first is not None, model
        assert root.get(url(model, "change", first.pk)).status_code == 200, model
        assert root.get(url(model, "history", first.pk)).status_code == 200, model


def test_an_envelope_s_committed_and_paid_sums_cannot_be_edited(root, paid):
    envelope = paid.envelope
    before = (envelope.committed_mad, envelope.paid_mad)
    assert before == (Decimal("18000000.00"), Decimal("7200000.00"))
    page = root.get(url(Envelope, "change", envelope.pk)).content.decode()
    assert 'name="committed_mad"' not in page
    assert 'name="paid_mad"' not in page
    assert 'name="amount_mad"' in page
    data = {"name": "FDII, renamed", "amount_mad": "700000000", "committed_mad": "0", "paid_mad": "0"}
    response = root.post(url(Envelope, "change", envelope.pk), data)
    assert response.status_code == 302
    envelope.refresh_from_db()
    assert (envelope.name, envelope.amount_mad) == ("FDII, renamed", Decimal("700000000"))
    assert (envelope.committed_mad, envelope.paid_mad) == before


def test_an_envelope_cannot_be_lowered_below_what_it_committed(root, paid):
    envelope = paid.envelope
    response = root.post(url(Envelope, "change", envelope.pk), {"name": envelope.name, "amount_mad": "17999999.99"})
    assert response.status_code == 200
    assert [e.code for e in response.context["adminform"].form.errors.as_data()["amount_mad"]] == [
        "amount_below_committed"
    ]
    assert Envelope.objects.get(pk=envelope.pk).amount_mad == Decimal("630000000")
    response = root.post(url(Envelope, "change", envelope.pk), {"name": envelope.name, "amount_mad": "18000000"})
    assert response.status_code == 302
    assert Envelope.objects.get(pk=envelope.pk).amount_mad == Decimal("18000000")


def test_an_envelope_may_be_added_with_nothing_committed(root, imm, fdii):
    data = {"programme": imm.sector.programme.pk, "scheme": fdii.pk, "name": "FDII only", "amount_mad": "10"}
    assert root.post(url(Envelope, "add"), data).status_code == 302
    added = Envelope.objects.get(name="FDII only")
    assert (added.committed_mad, added.paid_mad) == (Decimal(0), Decimal(0))


def test_a_decided_application_is_read_only(root, clawed_back):
    before = Application.objects.filter(pk=clawed_back.pk).values().get()
    change = url(Application, "change", clawed_back.pk)
    assert 'name="granted_mad"' not in root.get(change).content.decode()
    assert root.post(change, {"granted_mad": "1", "status": "approved"}).status_code == 403
    assert root.get(url(Application, "add")).status_code == 403
    assert root.post(url(Application, "delete", clawed_back.pk), {"post": "yes"}).status_code == 403
    assert Application.objects.filter(pk=clawed_back.pk).values().get() == before


def test_a_scheme_is_renamed_but_its_key_and_versions_stay(root, fdii):
    assert root.get(url(Scheme, "add")).status_code == 403
    response = root.post(url(Scheme, "change", fdii.pk), {"name": "FDII", "key": "other", **inline_management()})
    assert response.status_code == 302, response.content.decode()[:2000]
    fdii.refresh_from_db()
    assert (fdii.key, fdii.name) == ("fdii_2015", "FDII")
    version = fdii.versions.get()
    assert root.post(url(type(version), "change", version.pk), {"valid_to": "2016-01-01"}).status_code == 403


def inline_management() -> dict[str, str]:
    return {
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
    }
