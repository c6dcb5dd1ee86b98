from datetime import date
from decimal import Decimal

from ecosys.incentives import services
from ecosys.incentives.models import Application, Envelope
from tests.incentives.conftest import FACTS


def test_flow(envelope, fdii, project, company_user, reviewer, decider):
    app = services.application_create(
        actor=company_user, project=project, scheme=fdii, facts=FACTS, applied_on=date(2016, 5, 1)
    )
    app = services.application_submit(actor=company_user, application=app)
    assert app.eligible, app.evaluation
    app = services.application_review(actor=reviewer, application=app, note="ok", agreed_rate=Decimal("0.2"))
    assert app.computed_grant_mad == Decimal("18000000.00")
    app = services.application_decide(actor=decider, application=app, approve=True)
    assert app.status == Application.Status.APPROVED
    assert Envelope.objects.get().committed_mad == Decimal("18000000")


def test_simulation(envelope, fdii, project, make_user):
    from ecosys.core.roles import Role
    from ecosys.incentives.simulation import simulation_run

    analyst = make_user(Role.MINISTRY_ANALYST)
    result = simulation_run(actor=analyst, programme=envelope.programme, version=fdii.versions.get())
    assert result.simulation.envelope == Decimal("630000000")
    assert [p.key for p in result.simulation.projects] == [project.code]
