"""Joint governance: committees meet, write minutes, decide initiatives and follow them up."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from ecosys.accounts.models import Organisation
from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.governance import selectors, services
from ecosys.governance.models import Committee, Initiative, Meeting, Notification
from ecosys.investments.lifecycle import Status
from ecosys.investments.models import Source
from ecosys.investments.services.declarations import declaration_submit
from ecosys.monitoring.models import Snapshot
from ecosys.monitoring.services import snapshot_for, snapshots_refresh
from ecosys.programmes.models import Ecosystem
from tests.factories import CompanyFactory, OrganisationFactory
from tests.investments.factories import ProjectFactory, advance

pytestmark = pytest.mark.django_db

HELD_ON = date(2018, 6, 20)


@pytest.fixture
def fimme(imm):
    return Organisation.objects.get(acronym="FIMME")


@pytest.fixture
def micien(imm):
    return Organisation.objects.get(acronym="MICIEN")


@pytest.fixture
def admin(make_user, micien):
    return make_user(Role.MINISTRY_ADMIN, organisation=micien)


@pytest.fixture
def officer(make_user, fimme):
    return make_user(Role.FEDERATION_OFFICER, organisation=fimme)


@pytest.fixture
def committee(imm, admin, officer, fimme, micien) -> Committee:
    committee = services.committee_create(
        actor=admin,
        programme=imm.sector.programme,
        kind=Committee.Kind.FOLLOW_UP,
        name="Comité de suivi IMM",
        chair=admin,
    )
    services.committee_member_add(actor=admin, committee=committee, organisation=micien)
    services.committee_member_add(actor=admin, committee=committee, organisation=fimme, user=officer)
    return committee


@pytest.fixture
def meeting(committee, officer) -> Meeting:
    return services.meeting_create(actor=officer, committee=committee, held_on=HELD_ON, title="Revue T2")


def initiative(committee, actor, owner, *, due_in: int, **links) -> Initiative:
    return services.initiative_create(
        actor=actor,
        committee=committee,
        title=f"Action à {due_in} jours",
        owner_organisation=owner,
        due_date=timezone.localdate() + timedelta(days=due_in),
        **links,
    )


# -- meetings -----------------------------------------------------------------------------------------------------


def test_an_officer_whose_organisation_is_not_on_the_committee_cannot_hold_its_meeting(committee, make_user):
    outsider = make_user(Role.FEDERATION_OFFICER)
    with pytest.raises(PermissionDenied) as refused:
        services.meeting_create(actor=outsider, committee=committee, held_on=HELD_ON, title="Revue")
    assert refused.value.message == services.NOT_A_MEMBER
    assert not Meeting.objects.exists()


def test_a_ministry_admin_may_hold_any_committees_meeting(committee, make_user):
    other_admin = make_user(Role.MINISTRY_ADMIN, organisation=OrganisationFactory())
    meeting = services.meeting_create(
        actor=other_admin, committee=committee, held_on=HELD_ON, title="Revue", agenda=[{"title": "KPI"}]
    )
    assert [item.title for item in meeting.agenda.all()] == ["KPI"]


def test_a_meeting_keeps_a_copy_of_the_kpi_figures_of_its_month(committee, meeting, admin, imm):
    programme = imm.sector.programme
    seen = snapshot_for(programme=programme, as_of=HELD_ON, basis=Snapshot.Basis.VERIFIED)
    assert meeting.kpi_as_of == date(2018, 6, 1)
    assert meeting.kpi_snapshot == seen.figures
    assert meeting.kpi_snapshot is not seen.figures
    meeting.refresh_from_db()
    kept = copy.deepcopy(meeting.kpi_snapshot)

    company = CompanyFactory()
    advance(ProjectFactory(company=company, ecosystem=Ecosystem.objects.get(code="IMM-VAL")), Status.AGREEMENT_SIGNED)
    declaration_submit(actor=admin, company=company, month="2018-06", source=Source.CNSS, headcount=900)
    snapshots_refresh(stale_only=False)

    meeting.refresh_from_db()
    assert meeting.kpi_snapshot == kept
    now = snapshot_for(programme=programme, as_of=HELD_ON, basis=Snapshot.Basis.VERIFIED)
    assert {k: v for k, v in now.figures.items() if k != "seconds"} != {k: v for k, v in kept.items() if k != "seconds"}


def test_a_meeting_this_month_looks_at_the_last_closed_month(committee, officer):
    today = date(2025, 3, 10)
    meeting = services.meeting_create(actor=officer, committee=committee, held_on=today, title="Revue", today=today)
    assert meeting.kpi_as_of == date(2025, 2, 1)


# -- minutes ------------------------------------------------------------------------------------------------------


def test_approved_minutes_change_only_with_a_reason_kept_in_their_history(meeting, officer, admin):
    services.minutes_write(actor=officer, meeting=meeting, text="Le comité a passé en revue les KPI.")
    services.minutes_approve(actor=admin, meeting=meeting)

    with pytest.raises(ValidationFailed) as refused:
        services.minutes_write(actor=officer, meeting=meeting, text="Autre texte.")
    assert refused.value.message == services.REASON_REQUIRED_APPROVED
    meeting.refresh_from_db()
    assert meeting.minutes == "Le comité a passé en revue les KPI."

    services.minutes_write(actor=officer, meeting=meeting, text="Texte corrigé.", reason="Coquille sur un chiffre")
    meeting.refresh_from_db()
    assert meeting.minutes == "Texte corrigé."
    assert meeting.minutes_status == Meeting.MinutesStatus.APPROVED
    assert meeting.history.first().history_change_reason == "Coquille sur un chiffre"


def test_only_the_chair_or_a_ministry_admin_approves_the_minutes(meeting, officer):
    services.minutes_write(actor=officer, meeting=meeting, text="Compte rendu.")
    with pytest.raises(PermissionDenied) as refused:
        services.minutes_approve(actor=officer, meeting=meeting)
    assert refused.value.message == services.NOT_CHAIR
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT


# -- initiatives --------------------------------------------------------------------------------------------------


def test_an_initiative_without_owner_organisation_is_refused_and_nothing_written(committee, officer):
    with pytest.raises(ValidationFailed) as refused:
        services.initiative_create(
            actor=officer,
            committee=committee,
            title="Relancer les déclarations",
            owner_organisation=None,
            due_date=timezone.localdate() + timedelta(days=10),
        )
    assert refused.value.message == services.OWNER_REQUIRED
    assert not Initiative.objects.exists()


def test_an_initiative_due_before_today_is_refused_and_nothing_written(committee, officer, fimme):
    with pytest.raises(ValidationFailed) as refused:
        initiative(committee, officer, fimme, due_in=-1)
    assert refused.value.message == services.DUE_DATE_PAST
    assert not Initiative.objects.exists()


def test_the_person_in_charge_must_act_for_the_owner_organisation(committee, officer, fimme, admin):
    with pytest.raises(ValidationFailed) as refused:
        initiative(committee, officer, fimme, due_in=5, owner_person=admin)
    assert refused.value.message == services.OWNER_PERSON_NOT_IN_OWNER
    assert not Initiative.objects.exists()


def test_dropping_an_initiative_needs_a_reason_and_is_final(committee, officer, fimme):
    action = initiative(committee, officer, fimme, due_in=5)
    with pytest.raises(ValidationFailed) as refused:
        services.initiative_update(actor=officer, initiative=action, status=Initiative.Status.DROPPED)
    assert refused.value.message == services.DROP_REASON_REQUIRED
    action.refresh_from_db()
    assert action.status == Initiative.Status.PLANNED

    services.initiative_update(
        actor=officer, initiative=action, status=Initiative.Status.DROPPED, reason="Financement non obtenu"
    )
    action.refresh_from_db()
    assert (action.status, action.drop_reason) == (Initiative.Status.DROPPED, "Financement non obtenu")
    with pytest.raises(Conflict):
        services.initiative_update(actor=officer, initiative=action, status=Initiative.Status.IN_PROGRESS)


def test_follow_up_lists_the_overdue_and_the_due_soon_initiatives(committee, officer, fimme):
    late = initiative(committee, officer, fimme, due_in=1)
    soon = initiative(committee, officer, fimme, due_in=5)
    initiative(committee, officer, fimme, due_in=30)
    done = initiative(committee, officer, fimme, due_in=1)
    services.initiative_update(actor=officer, initiative=done, status=Initiative.Status.DONE)

    follow = selectors.follow_up(actor=officer, committee=committee, today=timezone.localdate() + timedelta(days=2))
    assert follow.overdue == [late]
    assert follow.due_soon == [soon]


def test_reminders_are_sent_once_per_person_and_due_date(committee, officer, admin, fimme, make_user, mailoutbox):
    colleague = make_user(Role.ECOSYSTEM_MANAGER, organisation=fimme)
    for user, email in ((officer, "officer@fimme.ma"), (colleague, "eco@fimme.ma"), (admin, "admin@micien.gov.ma")):
        user.email = email
        user.save()
    action = initiative(committee, officer, fimme, due_in=3)

    assert services.reminders_send() == 3
    assert services.reminders_send() == 0

    notified = Notification.objects.filter(initiative=action)
    assert sorted(notified.values_list("user__username", flat=True)) == sorted(
        [officer.username, colleague.username, admin.username]
    )
    assert {n.kind for n in notified} == {Notification.Kind.DUE_SOON}
    assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
        ["officer@fimme.ma", "eco@fimme.ma", "admin@micien.gov.ma"]
    )
    assert list(selectors.notifications_for(actor=colleague)) == [notified.get(user=colleague)]


def test_a_company_user_sees_only_the_initiatives_that_concern_their_company(committee, officer, fimme, make_user):
    company, other = CompanyFactory(), CompanyFactory()
    project = ProjectFactory(company=company, ecosystem=Ecosystem.objects.get(code="IMM-VAL"))
    owned = initiative(committee, officer, company, due_in=10)
    about_project = initiative(committee, officer, fimme, due_in=10, project=project)
    initiative(committee, officer, other, due_in=10)
    initiative(committee, officer, fimme, due_in=10)

    user = make_user(Role.COMPANY_USER, organisation=company)
    assert set(selectors.initiative_list(actor=user)) == {owned, about_project}
    assert not selectors.committee_list(actor=user).exists()


def test_each_person_is_reminded_in_their_own_language(committee, officer, admin, fimme, mailoutbox):
    officer.email, officer.preferred_language = "officer@fimme.ma", "ar"
    officer.save()
    admin.email, admin.preferred_language = "admin@micien.gov.ma", "fr"
    admin.save()
    action = initiative(committee, officer, fimme, due_in=3)

    services.reminders_send()

    by_address = {mail.to[0]: mail for mail in mailoutbox}
    with translation.override("ar"):
        arabic = str(services.REMINDER_SUBJECT[Notification.Kind.DUE_SOON]).split("%")[0].strip()
    with translation.override("fr"):
        french = str(services.REMINDER_SUBJECT[Notification.Kind.DUE_SOON]).split("%")[0].strip()
    assert arabic and french and arabic != french
    assert by_address["officer@fimme.ma"].subject.startswith(arabic)
    assert by_address["admin@micien.gov.ma"].subject.startswith(french)
    assert action.title in by_address["officer@fimme.ma"].body


def test_the_chair_is_a_person_sitting_on_the_committee(committee, officer, admin, make_user):
    outsider = make_user(Role.FEDERATION_OFFICER)
    with pytest.raises(ValidationFailed) as refused:
        services.committee_chair_set(actor=admin, committee=committee, chair=outsider)
    assert refused.value.message == services.CHAIR_NOT_MEMBER
    committee.refresh_from_db()
    assert committee.chair == admin

    member = services.committee_member_add(
        actor=admin, committee=committee, organisation=outsider.memberships.get().organisation, user=outsider
    )
    services.committee_chair_set(actor=admin, committee=committee, chair=outsider)
    committee.refresh_from_db()
    assert committee.chair == outsider and member.user == outsider
    with pytest.raises(PermissionDenied):
        services.committee_chair_set(actor=make_user(Role.ECOSYSTEM_MANAGER), committee=committee, chair=officer)
    services.committee_chair_set(actor=officer, committee=committee, chair=officer)  # the federation manages too
    committee.refresh_from_db()
    assert committee.chair == officer
