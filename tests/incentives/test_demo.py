"""The generated FDII grants: the published 277 MMAD by the end of 2018, reached through the services' rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from ecosys.accounts.models import Organisation, User
from ecosys.cli import main
from ecosys.core.roles import Role
from ecosys.incentives.demo import OFFICERS, demo_generate
from ecosys.incentives.models import Application, Envelope, InvestmentProof, Payment
from ecosys.incentives.services import tranches_of, verified_jobs
from ecosys.investments.demo import demo_generate as investments_demo
from ecosys.investments.services.declarations import headcount_reconcile

pytestmark = pytest.mark.django_db

S = Application.Status
END_2018 = date(2018, 12, 31)


@pytest.fixture
def grants(imm):
    investments_demo()
    headcount_reconcile(actor=None)
    return demo_generate()


def _sum(applications) -> Decimal:
    return applications.aggregate(s=Sum("granted_mad"))["s"] or Decimal(0)


# The demo takes seconds to generate: each test below checks several properties of one generation.


def test_grants_decided_by_the_end_of_2018_add_up_to_the_published_277_mmad_and_a_second_run_changes_nothing(grants):
    decided = Application.objects.filter(granted_mad__isnull=False)
    assert _sum(decided.filter(decided_at__date__lte=END_2018)) == Decimal(277_000_000)
    assert grants["granted_by_end_2018_mad"] == 277_000_000
    assert decided.filter(decided_at__date__gt=END_2018).exists()  # the fund went on deciding in 2019

    envelope = Envelope.objects.get()
    assert envelope.amount_mad == Decimal(630_000_000)  # the contract's FDII commitment
    assert envelope.committed_mad == _sum(Application.objects.filter(status__in=[S.APPROVED, S.SIGNED, S.CLOSED]))
    assert envelope.committed_mad == grants["committed_mad"]
    assert envelope.paid_mad == Payment.objects.aggregate(s=Sum("amount_mad"))["s"] == grants["paid_mad"]

    models = (Application, Payment, InvestmentProof, Envelope, User)
    before = [m.objects.count() for m in models] + [envelope.committed_mad, envelope.paid_mad]
    assert demo_generate() == {}
    envelope.refresh_from_db()
    assert [m.objects.count() for m in models] + [envelope.committed_mad, envelope.paid_mad] == before


def test_every_generated_application_and_payment_went_through_the_rules_of_the_fund(grants):
    applications = list(Application.objects.select_related("project"))
    assert len(applications) == grants["applications"]
    assert all(a.is_generated for a in applications)
    assert {a.status for a in applications} >= {S.DRAFT, S.SUBMITTED, S.REVIEWED, S.APPROVED, S.SIGNED, S.REJECTED}
    for a in applications:
        if a.granted_mad is not None:
            assert 0 < a.granted_mad <= a.computed_grant_mad, a.reference
            assert Decimal(a.facts["agreed_rate"]) <= Decimal("0.30"), a.reference
        if a.decided_by_id is not None:
            assert a.reviewed_by_id is not None and a.decided_by_id != a.reviewed_by_id, a.reference
        steps = [a.applied_on] + [
            d.date() if hasattr(d, "date") else d
            for d in (a.submitted_at, a.reviewed_at, a.decided_at, a.signed_on)
            if d is not None
        ]
        assert steps == sorted(steps), a.reference
        if a.decided_at is not None and a.decided_at.date() <= END_2018:
            assert a.applied_on < a.project.agreement_date <= a.submitted_at.date(), a.reference
        if a.status == S.REJECTED:
            assert a.decision_reason and a.granted_mad is None

    officers = User.objects.filter(username__in=OFFICERS)
    assert officers.count() == len(OFFICERS)
    assert not any(o.has_usable_password() for o in officers)
    assert all(o.memberships.get().role == Role.FUND_OFFICER for o in officers)
    assert {o.memberships.get().organisation.kind for o in officers} == {Organisation.Kind.FUND}

    # Tranches paid only when the verified realisations allowed them at the date paid.
    payments = list(Payment.objects.select_related("application"))
    assert len(payments) == grants["paid_tranches"] >= 2
    for payment in payments:
        application = payment.application
        tranche = tranches_of(application)[payment.tranche]
        assert payment.paid_on <= date(2019, 12, 31)
        assert payment.verified_jobs == verified_jobs(application, payment.paid_on) >= tranche.min_verified_jobs
        proven_then = application.proofs.filter(verified_at__date__lte=payment.paid_on).aggregate(s=Sum("amount_mad"))
        assert proven_then["s"] >= tranche.min_proven_investment
    assert not InvestmentProof.objects.filter(verified_by=None).exists()
    assert all(p.verified_by_id != p.added_by_id for p in InvestmentProof.objects.all())


def test_loading_a_programme_creates_the_envelope_of_its_fund_commitment_once(db, capsys):
    assert main(["load-programme"]) == 0
    envelope = Envelope.objects.get()
    assert (envelope.amount_mad, envelope.ecosystem, envelope.scheme) == (Decimal(630_000_000), None, None)
    assert "envelope" in capsys.readouterr().out

    assert main(["load-programme"]) == 0
    assert Envelope.objects.count() == 1
    assert "nothing changed" in capsys.readouterr().out
