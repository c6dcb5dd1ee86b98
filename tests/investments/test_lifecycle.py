"""The project lifecycle: random sequences of attempted moves, and the rules one by one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import event as event_note
from hypothesis import strategies as st

from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.permissions import actor_can, actor_roles
from ecosys.core.roles import Role
from ecosys.investments import lifecycle
from ecosys.investments.lifecycle import TRANSITIONS, Status
from ecosys.investments.models import InvestmentProject, ProjectEvent
from ecosys.investments.services.projects import (
    AGREEMENT_DATE_FUTURE,
    OWN_SUBMISSION,
    REASON_REQUIRED,
    project_transition,
)
from tests.factories import CompanyFactory, UserFactory
from tests.investments.factories import AGREEMENT, FORWARD, ProjectFactory, advance

pytestmark = pytest.mark.django_db

# Who may attempt a move: two people for the roles that submit and validate (four eyes), one for the others.
ACTORS = [
    "ministry_admin",
    "federation_officer",
    "federation_officer_2",
    "ecosystem_manager",
    "ecosystem_manager_2",
    "company_user",
    "ministry_analyst",
    "auditor",
]


@pytest.fixture
def company():
    return CompanyFactory()


@pytest.fixture
def people(make_user, company):
    """One user per name in ACTORS; the company user works for ``company``."""
    built = {}
    for name in ACTORS:
        role = Role(name.removesuffix("_2"))
        built[name] = make_user(role, organisation=company) if role == Role.COMPANY_USER else make_user(role)
    return built


# -- property: random sequences of attempted moves ----------------------------------------------------------------


def expected_refusal(project: InvestmentProject, actor, target: Status, reason: str) -> tuple[type, str] | None:
    """Return the refusal the lifecycle table calls for (error type and code), or None for an allowed move."""
    if not actor_can(actor, "project.edit"):  # who may act is checked before what the lifecycle allows
        return PermissionDenied, ""
    source = Status(project.status)
    suspended_from = Status(project.suspended_from) if project.suspended_from else None
    rule = lifecycle.transition_for(source, target, suspended_from)
    if rule is None:
        return Conflict, "transition_not_allowed"
    if not actor_roles(actor) & rule.roles:
        return PermissionDenied, ""
    if rule.other_than_submitter and project.submitted_by_id == actor.pk:
        return ValidationFailed, "four_eyes"
    if rule.needs_reason and not reason:
        return ValidationFailed, "reason_required"
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_attempts_only_ever_follow_the_lifecycle_and_each_accepted_move_writes_one_dated_event(
    people, company, data
):
    # Start anywhere on the forward path (reached by the system), then let people try their moves.
    start = data.draw(st.sampled_from(FORWARD[:-1]), label="start")
    project = advance(ProjectFactory(company=company), start)
    for _step in range(data.draw(st.integers(min_value=1, max_value=20), label="attempts")):
        # Half of the attempts aim at a status the table lists from here, so that long paths get explored.
        suspended_from = Status(project.suspended_from) if project.suspended_from else None
        listed = lifecycle.allowed_targets(Status(project.status), suspended_from)
        target = data.draw(st.sampled_from(listed or list(Status)) | st.sampled_from(list(Status)), label="target")
        rule = lifecycle.transition_for(Status(project.status), target, suspended_from)
        entitled = [n for n in ACTORS if rule is not None and actor_roles(people[n]) & rule.roles]
        name = data.draw(st.sampled_from(entitled or ACTORS) | st.sampled_from(ACTORS), label="actor")
        reason = data.draw(st.sampled_from(["Raison valable", "Raison valable", ""]), label="reason")
        actor = people[name]
        before = InvestmentProject.objects.get(pk=project.pk)
        events_before = list(ProjectEvent.objects.filter(project=project).values_list("pk", flat=True))
        refusal = expected_refusal(before, actor, target, reason)
        started = timezone.now()
        try:
            project = project_transition(
                actor=actor, project=before, target=target, reason=reason, agreement_date=AGREEMENT
            )
        except (Conflict, PermissionDenied, ValidationFailed) as exc:
            assert refusal is not None, f"{name} could not move {before.status} -> {target}: {exc.code}"
            error_type, code = refusal
            assert isinstance(exc, error_type)
            assert not code or exc.code == code
            after = InvestmentProject.objects.get(pk=project.pk)
            assert (after.status, after.suspended_from, after.submitted_by_id) == (
                before.status,
                before.suspended_from,
                before.submitted_by_id,
            )
            assert list(ProjectEvent.objects.filter(project=project).values_list("pk", flat=True)) == events_before
            continue
        finished = timezone.now()
        assert refusal is None, f"{name} moved {before.status} -> {target}, expected {refusal}"
        source = Status(before.status)
        is_resume = source == Status.SUSPENDED and target == before.suspended_from
        assert (source, target) in TRANSITIONS or is_resume
        new_events = ProjectEvent.objects.filter(project=project).exclude(pk__in=events_before)
        assert new_events.count() == 1
        event = new_events.get()
        assert (event.source, event.target, event.by_id, event.reason) == (source, target, actor.pk, reason)
        assert started <= event.at <= finished
        project.refresh_from_db()
        assert project.status == target
        event_note(f"reached {target}")


# -- the rules one by one ----------------------------------------------------------------------------------------


def test_a_project_cannot_jump_from_identified_to_in_production(make_user):
    project = ProjectFactory()
    with pytest.raises(Conflict) as excinfo:
        project_transition(actor=make_user(Role.MINISTRY_ADMIN), project=project, target=Status.IN_PRODUCTION)
    assert excinfo.value.status == 409
    assert excinfo.value.code == "transition_not_allowed"
    project.refresh_from_db()
    assert project.status == Status.IDENTIFIED
    assert project.events.count() == 1  # only its creation


def test_the_person_who_submitted_a_project_cannot_validate_it(make_user):
    officer = make_user(Role.FEDERATION_OFFICER)
    project = project_transition(actor=officer, project=ProjectFactory(), target=Status.SUBMITTED)
    with pytest.raises(ValidationFailed) as excinfo:
        project_transition(actor=officer, project=project, target=Status.VALIDATED)
    assert excinfo.value.code == "four_eyes"
    assert excinfo.value.message == OWN_SUBMISSION
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_another_officer_validates_a_project_submitted_by_its_company(make_user):
    project = ProjectFactory()
    submitter = make_user(Role.COMPANY_USER, organisation=project.company)
    project = project_transition(actor=submitter, project=project, target=Status.SUBMITTED)
    assert project.submitted_by == submitter
    officer = make_user(Role.FEDERATION_OFFICER)
    project = project_transition(actor=officer, project=project, target=Status.VALIDATED)
    assert project.status == Status.VALIDATED
    assert list(project.events.values_list("target", "by")) == [
        (Status.IDENTIFIED, None),
        (Status.SUBMITTED, submitter.pk),
        (Status.VALIDATED, officer.pk),
    ]


def test_a_suspension_needs_a_reason(make_user):
    project = advance(ProjectFactory(), Status.VALIDATED)
    with pytest.raises(ValidationFailed) as excinfo:
        project_transition(actor=make_user(Role.MINISTRY_ADMIN), project=project, target=Status.SUSPENDED, reason=" ")
    assert excinfo.value.code == "reason_required"
    assert excinfo.value.message == REASON_REQUIRED
    project.refresh_from_db()
    assert project.status == Status.VALIDATED


def test_a_suspended_project_resumes_to_the_status_it_was_suspended_from(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    project = advance(ProjectFactory(), Status.UNDER_CONSTRUCTION)
    project = project_transition(actor=admin, project=project, target=Status.SUSPENDED, reason="Litige foncier")
    assert (project.status, project.suspended_from) == (Status.SUSPENDED, Status.UNDER_CONSTRUCTION)
    assert lifecycle.allowed_targets(Status.SUSPENDED, Status.UNDER_CONSTRUCTION)[0] == Status.UNDER_CONSTRUCTION
    with pytest.raises(Conflict):
        project_transition(actor=admin, project=project, target=Status.IN_PRODUCTION, reason="x")
    project = project_transition(actor=admin, project=project, target=Status.UNDER_CONSTRUCTION, reason="Litige réglé")
    assert (project.status, project.suspended_from) == (Status.UNDER_CONSTRUCTION, "")
    assert project.agreement_date == AGREEMENT


def test_resuming_a_suspended_signed_project_keeps_its_agreement_date_and_asks_for_none(make_user):
    admin = make_user(Role.MINISTRY_ADMIN)
    project = advance(ProjectFactory(), Status.AGREEMENT_SIGNED)
    project = project_transition(actor=admin, project=project, target=Status.SUSPENDED, reason="Audit")
    project = project_transition(actor=admin, project=project, target=Status.AGREEMENT_SIGNED, reason="Audit terminé")
    assert project.status == Status.AGREEMENT_SIGNED
    assert project.agreement_date == AGREEMENT


def test_signing_the_agreement_needs_its_date(make_user):
    project = advance(ProjectFactory(), Status.VALIDATED)
    with pytest.raises(ValidationFailed) as excinfo:
        project_transition(actor=make_user(Role.FEDERATION_OFFICER), project=project, target=Status.AGREEMENT_SIGNED)
    assert excinfo.value.code == "agreement_date_required"
    assert "agreement_date" in excinfo.value.fields


def test_an_agreement_date_in_the_future_is_refused_and_today_is_accepted(make_user):
    officer = make_user(Role.FEDERATION_OFFICER)
    project = advance(ProjectFactory(), Status.VALIDATED)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationFailed) as excinfo:
        project_transition(actor=officer, project=project, target=Status.AGREEMENT_SIGNED, agreement_date=tomorrow)
    assert excinfo.value.message == AGREEMENT_DATE_FUTURE
    assert "agreement_date" in excinfo.value.fields
    project.refresh_from_db()
    assert (project.status, project.agreement_date) == (Status.VALIDATED, None)
    today = timezone.localdate()
    project = project_transition(actor=officer, project=project, target=Status.AGREEMENT_SIGNED, agreement_date=today)
    assert (project.status, project.agreement_date) == (Status.AGREEMENT_SIGNED, today)


@pytest.mark.parametrize("role", [Role.COMPANY_USER, Role.ECOSYSTEM_MANAGER, Role.MINISTRY_ANALYST, Role.AUDITOR])
def test_only_stewards_sign_an_agreement(make_user, role):
    project = advance(ProjectFactory(), Status.VALIDATED)
    organisation = project.company if role == Role.COMPANY_USER else None
    with pytest.raises(PermissionDenied):
        project_transition(
            actor=make_user(role, organisation=organisation),
            project=project,
            target=Status.AGREEMENT_SIGNED,
            agreement_date=AGREEMENT,
        )
    project.refresh_from_db()
    assert project.status == Status.VALIDATED


@pytest.mark.parametrize("role", [Role.MINISTRY_ADMIN, Role.FEDERATION_OFFICER])
def test_a_steward_signs_an_agreement(make_user, role):
    project = advance(ProjectFactory(), Status.VALIDATED)
    project = project_transition(
        actor=make_user(role), project=project, target=Status.AGREEMENT_SIGNED, agreement_date=AGREEMENT
    )
    assert (project.status, project.agreement_date) == (Status.AGREEMENT_SIGNED, AGREEMENT)


def test_a_company_user_cannot_move_the_project_of_another_company(make_user):
    project = ProjectFactory()
    stranger = make_user(Role.COMPANY_USER)
    with pytest.raises(PermissionDenied) as excinfo:
        project_transition(actor=stranger, project=project, target=Status.SUBMITTED)
    assert excinfo.value.code == "forbidden:company"
    assert project.events.count() == 1


def test_a_superuser_may_make_any_allowed_move_without_a_role():
    superuser = UserFactory(is_superuser=True)
    project = advance(ProjectFactory(), Status.VALIDATED)
    project = project_transition(
        actor=superuser, project=project, target=Status.AGREEMENT_SIGNED, agreement_date=date(2018, 1, 10)
    )
    assert project.status == Status.AGREEMENT_SIGNED


def test_completed_and_abandoned_projects_can_go_nowhere():
    for terminal in lifecycle.TERMINAL:
        assert lifecycle.allowed_targets(terminal) == []
        assert not any(source == terminal for source, _target in TRANSITIONS)


def test_an_unknown_status_is_refused_naming_the_field(make_user):
    with pytest.raises(ValidationFailed) as excinfo:
        project_transition(actor=make_user(Role.MINISTRY_ADMIN), project=ProjectFactory(), target="launched")
    assert "status" in excinfo.value.fields
