"""Approvals and payments at the same moment, on PostgreSQL: the envelope never goes past its amount and a
tranche is paid once, whatever runs alongside.

Each thread has its own database connection and its own transaction, and all are released together by a
barrier, so they really compete for the envelope's row. SQLite lets one writer at a time in the whole file,
which proves nothing here: the module runs in the PostgreSQL run of the suite (``make test-postgres``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from ecosys.core.errors import Conflict
from ecosys.incentives import services
from ecosys.incentives.models import Application, Envelope, Payment
from tests.incentives.conftest import FACTS

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: concurrent writers"),
    pytest.mark.django_db(transaction=True),
]
GRANT = Decimal("18000000.00")  # 90 MMAD at the agreed 20 %
THREADS = 8


@pytest.fixture(autouse=True)
def _shipped_data(transactional_db):
    # A transactional test empties every table after it: load the data the migrations ship again.
    import_module("ecosys.investments.migrations.0002_regions").load_regions(django_apps, None)
    import_module("ecosys.incentives.migrations.0002_shipped_schemes").load_schemes(django_apps, None)


def race(calls: list[Callable[[], object]]) -> list[object]:
    """Run each call in its own thread and connection, all released at once; return results or errors."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()  # connect before the barrier, so the calls start together
            barrier.wait(timeout=60)
            results[index] = call()
        except Exception as error:  # the test inspects what each thread got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def reviewed_application(fdii, project, company_user, reviewer) -> Application:
    application = services.application_create(
        actor=company_user, project=project, scheme=fdii, facts=FACTS, applied_on=date(2016, 5, 1)
    )
    application = services.application_submit(actor=company_user, application=application)
    return services.application_review(
        actor=reviewer, application=application, note="20 % agreed.", agreed_rate=Decimal("0.2")
    )


@pytest.mark.parametrize(
    ("amount", "fits"),
    [("60000000", 3), ("54000000", 3), ("18000000", 1), ("17999999.99", 0)],
)
def test_concurrent_approvals_never_commit_more_than_the_envelope(
    imm, fdii, project, company_user, reviewer, decider, amount, fits
):
    envelope = services.envelope_create(
        actor=None, programme=imm.sector.programme, scheme=fdii, name="FDII", amount_mad=Decimal(amount)
    )
    applications = [reviewed_application(fdii, project, company_user, reviewer) for _ in range(THREADS)]

    results = race(
        [lambda a=a: services.application_decide(actor=decider, application=a, approve=True) for a in applications]
    )

    approved = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(approved) + len(refused) == THREADS, [r for r in results if not isinstance(r, Application | Conflict)]
    assert len(approved) == fits
    assert {r.code for r in refused} <= {"envelope_exceeded"}
    envelope.refresh_from_db()
    granted = Application.objects.filter(status=Application.Status.APPROVED)
    assert sorted(granted.values_list("pk", flat=True)) == sorted(a.pk for a in approved)
    assert envelope.committed_mad == sum((a.granted_mad for a in granted), Decimal(0)) == GRANT * fits
    assert envelope.committed_mad <= envelope.amount_mad
    assert Application.objects.filter(status=Application.Status.REVIEWED).count() == THREADS - fits
    assert Application.objects.filter(envelope__isnull=False).count() == fits


def test_concurrent_releases_of_a_tranche_pay_it_once(imm, fdii, project, company_user, reviewer, decider):
    envelope = services.envelopes_from_commitments(imm.sector.programme)
    application = reviewed_application(fdii, project, company_user, reviewer)
    application = services.application_decide(actor=decider, application=application, approve=True)
    application = services.application_sign(actor=decider, application=application, signed_on=timezone.localdate())
    proof = services.proof_add(
        actor=company_user,
        application=application,
        category="equipment",
        amount_mad=Decimal("90000000"),
        description="Invoices",
    )
    services.proof_verify(actor=reviewer, proof=proof)

    results = race(
        [lambda: services.tranche_release(actor=decider, application=application, tranche=0) for _ in range(THREADS)]
    )

    paid = [r for r in results if isinstance(r, Payment)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(paid) == 1, results
    assert [r.code for r in refused] == ["tranche_paid"] * (THREADS - 1)
    assert Payment.objects.filter(application=application).count() == 1
    envelope = Envelope.objects.get(pk=envelope.pk)
    assert (envelope.committed_mad, envelope.paid_mad) == (GRANT, Decimal("7200000.00"))
    assert Application.objects.get(pk=application.pk).status == Application.Status.SIGNED
