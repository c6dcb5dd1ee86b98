"""The incentives services on hand-computed cases: scheme versions, envelopes, the grant workflow from draft
to closing, proofs, tranches and clawbacks, and every bad input refused with its reason and nothing written.

The project of the fixtures invests 90 MMAD (land 10, buildings 20, equipment 60) for 250 stable jobs with a
signed agreement (2016-06-01): eligible to FDII 2015 by its locomotive route (investment above 50 MMAD). The
FDII prime is the rate agreed in the agreement, at most 30 %: at 20 % the grant is 90 MMAD x 0.2 = 18 MMAD,
paid in tranches of 40/30/30 % = 7.2, 5.4 and 5.4 MMAD.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ecosys.analytics.incentive_payments import ClawbackRule, clawback
from ecosys.core.errors import Conflict, PermissionDenied, ValidationFailed
from ecosys.core.roles import Role
from ecosys.incentives import services
from ecosys.incentives.models import (
    Application,
    Clawback,
    Envelope,
    InvestmentProof,
    Payment,
    Scheme,
    SchemeVersion,
)
from ecosys.investments.models import Source
from ecosys.investments.services.declarations import declaration_submit
from tests.incentives.conftest import FACTS

S = Application.Status
APPLIED = date(2016, 5, 1)
RATE = Decimal("0.2")
GRANT = Decimal("18000000.00")
MODELS = (Scheme, SchemeVersion, Envelope, Application, InvestmentProof, Payment, Clawback)


# -- helpers --------------------------------------------------------------------------------------------------------


def snapshot() -> dict[str, object]:
    """Every row of the incentives tables, and how many history rows each has."""
    rows: dict[str, object] = {}
    for model in MODELS:
        rows[model.__name__] = list(model.objects.order_by("pk").values())
        rows[f"{model.__name__} history"] = model.history.count()
    return rows


def refused(error: type[Exception], code: str, call, /, **kwargs):
    """Call a service that must refuse: the error's type and code, and no row of the domain changed."""
    before = snapshot()
    with pytest.raises(error) as caught:
        call(**kwargs)
    assert caught.value.code == code, (caught.value.code, str(caught.value.message))
    assert snapshot() == before
    return caught.value


def envelope_row(envelope: Envelope) -> tuple[Decimal, Decimal, Decimal]:
    envelope.refresh_from_db()
    return envelope.amount_mad, envelope.committed_mad, envelope.paid_mad


def create(actor, project, scheme, facts=FACTS, applied_on=APPLIED) -> Application:
    return services.application_create(actor=actor, project=project, scheme=scheme, facts=facts, applied_on=applied_on)


def prove(application, added_by, checked_by, amount: str, category: str = "equipment") -> InvestmentProof:
    proof = services.proof_add(
        actor=added_by,
        application=application,
        category=category,
        amount_mad=Decimal(amount),
        description=f"Invoice {category} {amount}",
    )
    return services.proof_verify(actor=checked_by, proof=proof) if checked_by else proof


# -- fixtures -------------------------------------------------------------------------------------------------------


@pytest.fixture
def admin(make_user):
    """Records CNSS headcounts and manages envelopes."""
    return make_user(Role.MINISTRY_ADMIN)


@pytest.fixture
def submitted(envelope, fdii, project, company_user):
    return services.application_submit(actor=company_user, application=create(company_user, project, fdii))


@pytest.fixture
def reviewed(submitted, reviewer):
    return services.application_review(actor=reviewer, application=submitted, note="Agreement: 20 %.", agreed_rate=RATE)


@pytest.fixture
def approved(reviewed, decider):
    return services.application_decide(actor=decider, application=reviewed, approve=True, conditions="Keep 250 jobs.")


@pytest.fixture
def signed(approved, decider):
    return services.application_sign(actor=decider, application=approved, signed_on=timezone.localdate())


@pytest.fixture
def headcounts(admin, company_user, project):
    """Record the company's headcount of some months, to the CNSS and declared by the company (the same figure)."""

    def record(**months: int) -> None:
        for month, headcount in months.items():
            month = month.removeprefix("m").replace("_", "-")
            declaration_submit(
                actor=admin, company=project.company, month=month, source=Source.CNSS, headcount=headcount
            )
            declaration_submit(actor=company_user, company=project.company, month=month, headcount=headcount)

    return record


# -- scheme versions ------------------------------------------------------------------------------------------------


def fdii_rules(fdii: Scheme, **changes) -> dict:
    rules = copy.deepcopy(fdii.versions.get(number=1).rules)
    rules.update(changes)
    return rules


def test_the_shipped_schemes_are_version_1_open_ended(fdii):
    assert sorted(Scheme.objects.values_list("key", flat=True)) == [
        "fdii_2015",
        "investment_charter_2022",
        "sme_support_2025",
    ]
    version = fdii.versions.get()
    assert (version.number, version.valid_from, version.valid_to) == (1, date(2015, 1, 1), None)
    assert services.version_in_force(fdii, date(2016, 5, 1)) == version


def test_a_version_is_closed_at_a_date_and_a_new_one_follows_it(fdii, reviewer):
    first = fdii.versions.get()
    closed = services.version_close(actor=reviewer, version=first, valid_to=date(2020, 12, 31))
    assert closed.valid_to == date(2020, 12, 31)
    assert closed.rules["valid_to"] == "2020-12-31"
    with pytest.raises(ValidationFailed) as caught:
        services.version_in_force(fdii, date(2021, 1, 1))
    assert caught.value.code == "no_version_in_force"

    rules = fdii_rules(fdii, valid_from="2021-01-01", valid_to=None, name="FDII, second version")
    second = services.version_add(actor=reviewer, key="fdii_2015", rules=rules, note="  From 2021.  ")
    assert (second.number, second.valid_from, second.valid_to, second.note) == (2, date(2021, 1, 1), None, "From 2021.")
    assert second.created_by == reviewer
    assert Scheme.objects.get(pk=fdii.pk).name == "FDII, second version"
    assert services.version_in_force(fdii, date(2020, 12, 31)) == first
    assert services.version_in_force(fdii, date(2021, 1, 1)) == second


def test_a_version_of_a_new_scheme_creates_the_scheme(fdii, reviewer):
    version = services.version_add(actor=reviewer, key="fdii_bis", rules=fdii_rules(fdii))
    assert version.number == 1
    assert Scheme.objects.get(key="fdii_bis").name == fdii.name


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [("2019-01-01", None), ("2010-01-01", "2015-01-01"), ("2016-01-01", "2016-12-31")],
)
def test_a_version_overlapping_another_is_refused_and_nothing_is_written(fdii, reviewer, valid_from, valid_to):
    rules = fdii_rules(fdii, valid_from=valid_from, valid_to=valid_to, name="Overlapping")
    error = refused(Conflict, "version_overlaps", services.version_add, actor=reviewer, key="fdii_2015", rules=rules)
    assert "overlaps version 1 (2015-01-01 to …)" in str(error.message)
    assert error.fields.keys() == {"rules"}
    assert Scheme.objects.get(pk=fdii.pk).name == "Fonds de Développement Industriel et des Investissements"


def test_a_version_overlapping_a_closed_one_is_refused(fdii, reviewer):
    services.version_close(actor=reviewer, version=fdii.versions.get(), valid_to=date(2020, 12, 31))
    rules = fdii_rules(fdii, valid_from="2020-12-31", valid_to=None)
    error = refused(Conflict, "version_overlaps", services.version_add, actor=reviewer, key="fdii_2015", rules=rules)
    assert "overlaps version 1 (2015-01-01 to 2020-12-31)" in str(error.message)


def test_unreadable_rules_are_refused_naming_the_faulty_path_and_nothing_is_written(fdii, reviewer):
    rules = fdii_rules(fdii, valid_from="2030-01-01")
    rules["primes"][0]["maximum"] = "1.5"  # a rate above 100 %
    error = refused(
        ValidationFailed, "rules_invalid", services.version_add, actor=reviewer, key="fdii_new", rules=rules
    )
    assert "rate_outside_0_1" in str(error.message)
    rules = fdii_rules(fdii, valid_from="2030-01-01", typo="x")
    error = refused(
        ValidationFailed, "rules_invalid", services.version_add, actor=reviewer, key="fdii_new", rules=rules
    )
    assert "fdii_new.typo" in str(error.message)


def test_only_the_fund_or_the_ministry_manages_scheme_versions(fdii, company_user):
    rules = fdii_rules(fdii, valid_from="2030-01-01")
    refused(PermissionDenied, "forbidden:scheme.manage", services.version_add, actor=company_user, key="x", rules=rules)
    refused(
        PermissionDenied,
        "forbidden:scheme.manage",
        services.version_close,
        actor=company_user,
        version=fdii.versions.get(),
        valid_to=date(2020, 1, 1),
    )


def test_a_closed_version_cannot_be_extended_into_the_next_one(fdii, reviewer):
    first = services.version_close(actor=reviewer, version=fdii.versions.get(), valid_to=date(2020, 12, 31))
    services.version_add(
        actor=reviewer, key="fdii_2015", rules=fdii_rules(fdii, valid_from="2021-01-01", valid_to=None)
    )
    error = refused(
        Conflict, "version_overlaps", services.version_close, actor=reviewer, version=first, valid_to=date(2021, 1, 1)
    )
    assert "overlaps version 2 (2021-01-01 to …)" in str(error.message)
    assert error.fields.keys() == {"valid_to"}
    # Closing it earlier is fine.
    assert services.version_close(actor=reviewer, version=first, valid_to=date(2019, 12, 31)).valid_to == date(
        2019, 12, 31
    )


def test_a_version_cannot_end_before_it_starts(fdii, reviewer):
    error = refused(
        ValidationFailed,
        "version_end_before_start",
        services.version_close,
        actor=reviewer,
        version=fdii.versions.get(),
        valid_to=date(2014, 12, 31),
    )
    assert error.fields.keys() == {"valid_to"}


def test_a_version_cannot_be_closed_before_an_application_made_under_it(submitted, fdii, reviewer):
    version = fdii.versions.get()
    error = refused(
        Conflict, "version_used", services.version_close, actor=reviewer, version=version, valid_to=date(2016, 4, 30)
    )
    assert (
        str(error.message) == "Applications were made under this version after 2016-04-30: it cannot end before them."
    )
    # Closing on the application day keeps it inside the version.
    services.version_close(actor=reviewer, version=version, valid_to=APPLIED)
    assert SchemeVersion.objects.get(pk=version.pk).valid_to == APPLIED


def test_a_new_version_never_changes_an_application_decided_under_the_old_one(
    approved, fdii, project, company_user, reviewer, decider
):
    first = fdii.versions.get()
    evaluation, computed = approved.evaluation, approved.computed_grant_mad
    services.version_close(actor=reviewer, version=first, valid_to=date(2020, 12, 31))
    rules = fdii_rules(fdii, valid_from="2021-01-01", valid_to=None)
    rules["primes"][0]["maximum"] = "0.10"
    rules["caps"]["total_rate"] = "0.10"
    second = services.version_add(actor=reviewer, key="fdii_2015", rules=rules, note="Prime up to 10 %.")

    approved.refresh_from_db()
    assert approved.version == first
    assert (approved.status, approved.evaluation, approved.computed_grant_mad) == (S.APPROVED, evaluation, computed)
    assert (approved.granted_mad, approved.computed_grant_mad) == (GRANT, GRANT)
    assert [s.amount for s in services.tranche_statuses(approved)] == [
        Decimal("7200000.00"),
        Decimal("5400000.00"),
        Decimal("5400000.00"),
    ]

    # An application made under the new version gets its rules: the agreed 20 % is capped at 10 %.
    later = create(company_user, project, fdii, applied_on=date(2021, 3, 1))
    assert later.version == second
    later = services.application_submit(actor=company_user, application=later)
    later = services.application_review(actor=reviewer, application=later, note="20 % agreed.", agreed_rate=RATE)
    assert later.computed_grant_mad == Decimal("9000000.00")
    assert later.evaluation["primes"][0]["rule"]["code"] == "agreed_rate_capped"
    # ... and the one decided before still shows 18 MMAD.
    assert Application.objects.get(pk=approved.pk).granted_mad == GRANT


# -- envelopes ------------------------------------------------------------------------------------------------------


def test_the_programme_envelope_is_created_once_from_the_contract_commitment(envelope, imm):
    programme = imm.sector.programme
    assert envelope.programme == programme
    assert (envelope.scheme, envelope.ecosystem) == (None, None)
    assert envelope_row(envelope) == (Decimal("630000000.00"), Decimal(0), Decimal(0))
    assert envelope.name.startswith(f"{programme.code} · ")
    assert services.envelopes_from_commitments(programme) is None
    assert Envelope.objects.count() == 1


def test_an_envelope_needs_the_ministry_and_an_amount_of_zero_or_more(imm, admin, company_user):
    programme = imm.sector.programme
    refused(
        PermissionDenied,
        "forbidden:envelope.manage",
        services.envelope_create,
        actor=company_user,
        programme=programme,
        name="Mine",
        amount_mad=Decimal(1),
    )
    refused(
        ValidationFailed,
        "amount_invalid",
        services.envelope_create,
        actor=admin,
        programme=programme,
        name="Negative",
        amount_mad=Decimal(-1),
    )
    created = services.envelope_create(actor=admin, programme=programme, name="  Zero ", amount_mad=Decimal(0))
    assert (created.name, created.available_mad) == ("Zero", Decimal(0))


def test_an_application_draws_on_the_most_specific_envelope(envelope, fdii, reviewed, admin):
    scheme_envelope = services.envelope_create(
        actor=admin, programme=envelope.programme, scheme=fdii, name="FDII", amount_mad=Decimal("20000000")
    )
    assert services.envelope_for(reviewed) == scheme_envelope


# -- the workflow ---------------------------------------------------------------------------------------------------


def test_a_grant_goes_from_draft_to_closed_with_each_tranche_released_once_its_condition_is_verified(
    envelope, fdii, project, company_user, reviewer, decider, headcounts
):
    draft = create(company_user, project, fdii)
    assert (draft.status, draft.reference, draft.version.number) == (S.DRAFT, "G-2016-00001", 1)
    assert (draft.company_id, draft.created_by, draft.eligible, draft.evaluation) == (
        project.company_id,
        company_user,
        None,
        {},
    )
    assert draft.facts["investment"] == {"land": "10000000", "buildings": "20000000", "equipment": "60000000"}

    # Submitted: eligible by the locomotive route; no rate agreed yet, so no grant yet.
    submitted = services.application_submit(actor=company_user, application=draft)
    assert (submitted.status, submitted.eligible, submitted.computed_grant_mad) == (S.SUBMITTED, True, Decimal(0))
    assert submitted.submitted_at is not None
    evaluation = submitted.evaluation
    assert (evaluation["route"], evaluation["investment"], evaluation["eligible_investment"]) == (
        "locomotive_investment",
        "90000000",
        "90000000",
    )
    assert evaluation["primes"][0]["rule"]["code"] == "rate_not_agreed"

    # Reviewed: the rate agreed is stored with the facts and the grant re-evaluated, 90 MMAD x 20 %.
    reviewed = services.application_review(
        actor=reviewer, application=submitted, note="  Agreement art. 4: 20 %. ", agreed_rate=RATE
    )
    assert (reviewed.status, reviewed.reviewed_by, reviewed.review_note) == (
        S.REVIEWED,
        reviewer,
        "Agreement art. 4: 20 %.",
    )
    assert reviewed.facts["agreed_rate"] == "0.2"
    assert reviewed.computed_grant_mad == GRANT
    assert reviewed.evaluation["primes"][0]["rate"] == "0.2"
    assert reviewed.evaluation["primes"][0]["amount"] == "18000000.00"

    # Decided: the envelope commits the grant; tranches by default 40/30/30 %.
    approved = services.application_decide(actor=decider, application=reviewed, approve=True, conditions=" 250 jobs ")
    assert (approved.status, approved.granted_mad, approved.envelope, approved.decided_by) == (
        S.APPROVED,
        GRANT,
        envelope,
        decider,
    )
    assert approved.conditions == "250 jobs"
    assert approved.tranches == [
        {"share": "0.4", "min_verified_jobs": 0, "min_proven_investment": "45000000.00"},
        {"share": "0.3", "min_verified_jobs": 125, "min_proven_investment": "90000000"},
        {"share": "0.3", "min_verified_jobs": 250, "min_proven_investment": "90000000"},
    ]
    assert envelope_row(envelope) == (Decimal("630000000.00"), GRANT, Decimal(0))

    today = timezone.localdate()
    signed = services.application_sign(actor=decider, application=approved, signed_on=today)
    assert (signed.status, signed.signed_on) == (S.SIGNED, today)

    # Tranche 1 needs half the investment proven; an unchecked proof counts for nothing.
    error = refused(Conflict, "tranche_not_due", services.tranche_release, actor=decider, application=signed, tranche=0)
    assert str(error.message) == (
        "Tranche 1 cannot be released yet: 45,000,000.00 MAD of proven investment needed, 0.00 MAD proven."
    )
    proof = prove(signed, company_user, None, "50000000")
    assert (proof.added_by, proof.verified_at) == (company_user, None)
    refused(Conflict, "tranche_not_due", services.tranche_release, actor=decider, application=signed, tranche=0)
    services.proof_verify(actor=reviewer, proof=proof)
    first = services.tranche_release(actor=decider, application=signed, tranche=0, paid_on=date(2018, 1, 15))
    assert (first.tranche, first.amount_mad, first.paid_on, first.verified_jobs, first.proven_investment_mad) == (
        0,
        Decimal("7200000.00"),
        date(2018, 1, 15),
        0,
        Decimal("50000000.00"),
    )
    assert first.released_by == decider
    assert envelope_row(envelope)[1:] == (GRANT, Decimal("7200000.00"))

    # Tranches are paid in order, and each only once.
    error = refused(Conflict, "tranche_not_due", services.tranche_release, actor=decider, application=signed, tranche=2)
    assert str(error.message).startswith("Tranche 3 cannot be released yet: tranche 2 comes first; ")
    refused(Conflict, "tranche_paid", services.tranche_release, actor=decider, application=signed, tranche=0)
    refused(ValidationFailed, "tranche_unknown", services.tranche_release, actor=decider, application=signed, tranche=3)

    # Tranche 2: the whole investment proven and 125 jobs verified against the CNSS.
    prove(signed, company_user, reviewer, "40000000", category="buildings")
    error = refused(Conflict, "tranche_not_due", services.tranche_release, actor=decider, application=signed, tranche=1)
    assert str(error.message) == "Tranche 2 cannot be released yet: 125 verified jobs needed, 0 verified."
    headcounts(m2016_06=100, m2018_06=230)
    assert services.verified_jobs(signed) == 130
    second = services.tranche_release(actor=decider, application=signed, tranche=1)
    assert (second.amount_mad, second.verified_jobs, second.proven_investment_mad) == (
        Decimal("5400000.00"),
        130,
        Decimal("90000000.00"),
    )

    # Tranche 3: every committed job; the last tranche closes the grant.
    error = refused(Conflict, "tranche_not_due", services.tranche_release, actor=decider, application=signed, tranche=2)
    assert str(error.message) == "Tranche 3 cannot be released yet: 250 verified jobs needed, 130 verified."
    headcounts(m2019_06=350)
    third = services.tranche_release(actor=decider, application=signed, tranche=2)
    assert (third.amount_mad, third.verified_jobs) == (Decimal("5400000.00"), 250)
    closed = Application.objects.get(pk=signed.pk)
    assert (closed.status, closed.paid_mad) == (S.CLOSED, GRANT)
    assert closed.closed_at is not None
    assert envelope_row(envelope) == (Decimal("630000000.00"), GRANT, GRANT)
    assert Payment.objects.filter(application=closed).count() == 3

    # Nothing left to do: no more tranches, nothing to claw back from commitments met.
    refused(Conflict, "wrong_status", services.tranche_release, actor=decider, application=closed, tranche=2)
    refused(Conflict, "nothing_to_recover", services.clawback_apply, actor=decider, application=closed, reason="Audit.")


def test_an_ineligible_application_is_submitted_with_the_reasons_of_every_route(envelope, fdii, project, company_user):
    facts = {"investment": {"equipment": "30000000"}, "stable_jobs": 40}
    application = services.application_submit(
        actor=company_user, application=create(company_user, project, fdii, facts)
    )
    assert (application.status, application.eligible, application.computed_grant_mad) == (
        S.SUBMITTED,
        False,
        Decimal(0),
    )
    reasons = [(r["code"], r["params"].get("route")) for r in application.evaluation["reasons"]]
    # No agreement, 30 MMAD is not above 50, 40 jobs are not 200, no offset agreement nor public order.
    assert reasons == [
        ("agreement_not_signed", "locomotive_investment"),
        ("investment_below_minimum", "locomotive_investment"),
        ("agreement_not_signed", "locomotive_jobs"),
        ("stable_jobs_below_minimum", "locomotive_jobs"),
        ("offset_agreement_not_signed", "offset"),
        ("fact_unknown", "offset"),
        ("agreement_not_signed", "structuring"),
    ]
    below = application.evaluation["reasons"][1]["params"]
    assert (below["minimum"], below["actual"], below["inclusive"]) == ("50000000", "30000000", False)
    assert application.evaluation["primes"] == []


def test_without_an_agreement_a_project_is_ineligible_and_its_approval_refused(
    envelope, fdii, project, company_user, reviewer, decider
):
    facts = {**FACTS, "agreement_signed": False}
    application = services.application_submit(
        actor=company_user, application=create(company_user, project, fdii, facts)
    )
    assert application.eligible is False
    codes = {(r["code"], r["params"].get("route")) for r in application.evaluation["reasons"]}
    assert codes == {
        ("agreement_not_signed", "locomotive_investment"),
        ("agreement_not_signed", "locomotive_jobs"),
        ("offset_agreement_not_signed", "offset"),
        ("fact_unknown", "offset"),
        ("agreement_not_signed", "structuring"),
    }
    assert application.evaluation["primes"] == []
    application = services.application_review(
        actor=reviewer, application=application, note="No agreement.", agreed_rate=RATE
    )
    assert (application.eligible, application.computed_grant_mad) == (False, Decimal(0))
    error = refused(
        ValidationFailed,
        "not_eligible",
        services.application_decide,
        actor=decider,
        application=application,
        approve=True,
    )
    assert str(error.message) == "This project is not eligible under the scheme: it cannot be approved."
    rejected = services.application_decide(
        actor=decider, application=application, approve=False, reason="  No investment agreement. "
    )
    assert (rejected.status, rejected.decision_reason, rejected.decided_by, rejected.granted_mad) == (
        S.REJECTED,
        "No investment agreement.",
        decider,
        None,
    )
    assert envelope_row(envelope)[1:] == (Decimal(0), Decimal(0))


def test_a_draft_is_updated_by_its_company_before_it_is_submitted(envelope, fdii, project, company_user, reviewer):
    draft = create(company_user, project, fdii)
    facts = {**FACTS, "investment": {**FACTS["investment"], "other": "5 000 000,50"}, "female_share": "0,4"}
    draft = services.application_update(actor=company_user, application=draft, facts=facts)
    assert draft.facts["investment"]["other"] == "5000000.50"
    assert draft.facts["female_share"] == "0.4"
    submitted = services.application_submit(actor=company_user, application=draft)
    # "other" is not an eligible expense of FDII: 95 MMAD invested, 90 MMAD eligible.
    assert (submitted.evaluation["investment"], submitted.evaluation["eligible_investment"]) == (
        "95000000.50",
        "90000000",
    )
    refused(
        Conflict, "wrong_status", services.application_update, actor=company_user, application=submitted, facts=FACTS
    )


def test_the_fund_may_file_for_a_company(envelope, fdii, project, reviewer):
    application = create(reviewer, project, fdii)
    assert (application.company_id, application.created_by) == (project.company_id, reviewer)


def test_references_follow_each_other_within_the_year_of_application(envelope, fdii, project, company_user):
    references = [
        create(company_user, project, fdii, applied_on=day).reference for day in (APPLIED, APPLIED, date(2017, 1, 2))
    ]
    assert references == ["G-2016-00001", "G-2016-00002", "G-2017-00001"]


def test_the_grant_decided_may_be_below_the_computed_one_and_with_its_own_tranches(envelope, reviewed, decider):
    tranches = [
        {"share": "0.5", "min_proven_investment": "10000000"},
        {"share": 0.5, "min_verified_jobs": "100", "min_proven_investment": 90000000},
    ]
    approved = services.application_decide(
        actor=decider,
        application=reviewed,
        approve=True,
        amount_mad=Decimal("15000000"),
        tranches=tranches,
        clawback_tolerance=Decimal("0.1"),
    )
    assert (approved.granted_mad, approved.computed_grant_mad, approved.clawback_tolerance) == (
        Decimal("15000000"),
        GRANT,
        Decimal("0.1"),
    )
    assert approved.tranches == [
        {"share": "0.5", "min_verified_jobs": 0, "min_proven_investment": "10000000"},
        {"share": "0.5", "min_verified_jobs": 100, "min_proven_investment": "90000000"},
    ]
    assert envelope_row(envelope)[1] == Decimal("15000000")


def test_the_agreement_is_signed_after_the_decision(approved, decider, company_user):
    refused(
        ValidationFailed,
        "signed_before_decision",
        services.application_sign,
        actor=decider,
        application=approved,
        signed_on=timezone.localdate().replace(year=2015),
    )
    refused(
        PermissionDenied,
        "forbidden:grant.decide",
        services.application_sign,
        actor=company_user,
        application=approved,
        signed_on=timezone.localdate(),
    )


def test_the_agreement_is_never_dated_before_the_local_day_of_the_decision(approved, decider):
    # 23:30 UTC on 15 June 2025 is 00:30 on 16 June in Casablanca (UTC+1): the decision's day is the 16th.
    decided_at = datetime(2025, 6, 15, 23, 30, tzinfo=UTC)
    Application.objects.filter(pk=approved.pk).update(decided_at=decided_at)
    refused(
        ValidationFailed,
        "signed_before_decision",
        services.application_sign,
        actor=decider,
        application=approved,
        signed_on=date(2025, 6, 15),
    )
    signed = services.application_sign(actor=decider, application=approved, signed_on=date(2025, 6, 16))
    assert signed.signed_on == date(2025, 6, 16)


# -- proofs ---------------------------------------------------------------------------------------------------------


def test_a_proof_is_checked_by_another_person_than_the_one_who_added_it(signed, company_user, reviewer, decider):
    own = prove(signed, reviewer, None, "1000")  # the fund may add a document on the company's behalf
    error = refused(PermissionDenied, "forbidden:four_eyes", services.proof_verify, actor=reviewer, proof=own)
    assert str(error.message) == "Another person must check this document: you added it."
    refused(PermissionDenied, "forbidden:grant.review", services.proof_verify, actor=company_user, proof=own)
    checked = services.proof_verify(actor=decider, proof=own)
    assert (checked.verified_by, checked.verified_at is not None) == (decider, True)
    refused(Conflict, "proof_checked", services.proof_verify, actor=decider, proof=checked)
    assert services.proven_investment(signed) == Decimal("1000")


@pytest.mark.parametrize(
    ("category", "amount", "description", "code"),
    [
        ("yachts", "10", "Invoice", "category_unknown"),
        ("equipment", "0", "Invoice", "amount_invalid"),
        ("equipment", "-10", "Invoice", "amount_invalid"),
        ("equipment", "10", "   ", "description_required"),
    ],
)
def test_a_bad_proof_is_refused_and_nothing_is_written(signed, company_user, category, amount, description, code):
    refused(
        ValidationFailed,
        code,
        services.proof_add,
        actor=company_user,
        application=signed,
        category=category,
        amount_mad=Decimal(amount),
        description=description,
    )


def test_proofs_are_added_only_to_a_decided_grant_of_ones_own_company(reviewed, company_user, make_user):
    kwargs = {"category": "equipment", "amount_mad": Decimal(10), "description": "Invoice"}
    refused(Conflict, "wrong_status", services.proof_add, actor=company_user, application=reviewed, **kwargs)
    other = make_user(Role.COMPANY_USER)
    refused(
        PermissionDenied, "forbidden:another_company", services.proof_add, actor=other, application=reviewed, **kwargs
    )


# -- tranches -------------------------------------------------------------------------------------------------------


def test_jobs_declared_by_the_company_alone_do_not_release_a_tranche(
    signed, company_user, reviewer, decider, project, headcounts
):
    prove(signed, company_user, reviewer, "90000000")
    services.tranche_release(actor=decider, application=signed, tranche=0)
    for month, headcount in (("2016-06", 100), ("2018-06", 400)):
        declaration_submit(actor=company_user, company=project.company, month=month, headcount=headcount)
    assert services.verified_jobs(signed) == 0
    error = refused(Conflict, "tranche_not_due", services.tranche_release, actor=decider, application=signed, tranche=1)
    assert str(error.message) == "Tranche 2 cannot be released yet: 125 verified jobs needed, 0 verified."
    headcounts(m2016_06=100, m2018_06=225)
    assert services.tranche_release(actor=decider, application=signed, tranche=1).verified_jobs == 125


def test_tranches_are_released_only_by_the_fund_and_only_once_the_agreement_is_signed(
    approved, company_user, decider, reviewer
):
    prove(approved, company_user, reviewer, "90000000")
    refused(Conflict, "wrong_status", services.tranche_release, actor=decider, application=approved, tranche=0)
    signed = services.application_sign(actor=decider, application=approved, signed_on=timezone.localdate())
    refused(
        PermissionDenied,
        "forbidden:grant.pay",
        services.tranche_release,
        actor=company_user,
        application=signed,
        tranche=0,
    )
    refused(
        ValidationFailed, "tranche_unknown", services.tranche_release, actor=decider, application=signed, tranche=-1
    )


def test_tranche_statuses_say_what_each_tranche_waits_for(signed, company_user, reviewer):
    prove(signed, company_user, reviewer, "45000000")
    statuses = services.tranche_statuses(signed)
    assert [(s.amount, s.releasable) for s in statuses] == [
        (Decimal("7200000.00"), True),
        (Decimal("5400000.00"), False),
        (Decimal("5400000.00"), False),
    ]
    assert [services.reason_text(r) for r in statuses[1].reasons] == [
        "125 verified jobs needed, 0 verified",
        "90,000,000.00 MAD of proven investment needed, 45,000,000.00 MAD proven",
    ]
    assert services.reason_text(statuses[2].reasons[0]) == "tranche 2 comes first"


# -- clawback -------------------------------------------------------------------------------------------------------


def test_a_clawback_recovers_what_the_verified_realisations_did_not_earn(
    envelope, signed, company_user, reviewer, decider, headcounts
):
    prove(signed, company_user, reviewer, "90000000")
    headcounts(m2016_06=100, m2018_06=230)
    services.tranche_release(actor=decider, application=signed, tranche=0)
    services.tranche_release(actor=decider, application=signed, tranche=1)
    assert envelope_row(envelope)[1:] == (GRANT, Decimal("12600000.00"))

    record = services.clawback_apply(actor=decider, application=signed, reason="  130 of 250 jobs by the deadline. ")
    # Jobs met at 130 / 250 = 52 %, investment at 100 %: the realisations earn 18 MMAD x 0.52 = 9.36 MMAD;
    # 12.6 MMAD was paid, so 3.24 MMAD comes back.
    assert (record.amount_mad, record.earned_mad, record.achievement, record.worst) == (
        Decimal("3240000.00"),
        Decimal("9360000.00"),
        Decimal("0.52"),
        "jobs",
    )
    assert (record.verified_jobs, record.proven_investment_mad, record.reason, record.decided_by) == (
        130,
        Decimal("90000000.00"),
        "130 of 250 jobs by the deadline.",
        decider,
    )
    rule = clawback(
        GRANT,
        committed_jobs=250,
        verified_jobs=130,
        committed_investment=Decimal("90000000"),
        proven_investment=Decimal("90000000"),
        paid=Decimal("12600000.00"),
        rule=ClawbackRule(Decimal(0)),
    )
    assert (record.amount_mad, record.earned_mad) == (rule.amount, rule.earned)
    # The envelope gets back what was recovered and what the grant will never pay: committed = paid = earned.
    assert envelope_row(envelope) == (Decimal("630000000.00"), Decimal("9360000.00"), Decimal("9360000.00"))
    application = Application.objects.get(pk=signed.pk)
    assert (application.status, application.recovered_mad) == (S.CLAWED_BACK, Decimal("3240000.00"))
    assert application.closed_at is not None
    refused(Conflict, "wrong_status", services.clawback_apply, actor=decider, application=application, reason="Again.")
    refused(Conflict, "wrong_status", services.tranche_release, actor=decider, application=application, tranche=2)


def test_a_clawback_is_refused_while_less_was_paid_than_earned_or_within_the_tolerance(
    envelope, reviewed, company_user, reviewer, decider, headcounts
):
    refused(Conflict, "wrong_status", services.clawback_apply, actor=decider, application=reviewed, reason="Early.")
    approved = services.application_decide(
        actor=decider, application=reviewed, approve=True, clawback_tolerance=Decimal("0.5")
    )
    signed = services.application_sign(actor=decider, application=approved, signed_on=timezone.localdate())
    refused(Conflict, "not_paid", services.clawback_apply, actor=decider, application=signed, reason="Nothing paid.")
    prove(signed, company_user, reviewer, "90000000")
    services.tranche_release(actor=decider, application=signed, tranche=0)
    refused(ValidationFailed, "reason_required", services.clawback_apply, actor=decider, application=signed, reason=" ")
    refused(
        PermissionDenied,
        "forbidden:grant.pay",
        services.clawback_apply,
        actor=company_user,
        application=signed,
        reason="x",
    )
    headcounts(m2016_06=100, m2018_06=230)
    services.tranche_release(actor=decider, application=signed, tranche=1)
    # 52 % of the jobs: a shortfall of 48 %, within the agreement's 50 % tolerance: the whole grant is earned.
    refused(Conflict, "nothing_to_recover", services.clawback_apply, actor=decider, application=signed, reason="Audit.")


def test_nothing_is_recovered_while_the_realisations_earn_more_than_was_paid(
    signed, company_user, reviewer, decider, headcounts
):
    prove(signed, company_user, reviewer, "90000000")
    headcounts(m2016_06=100, m2018_06=230)
    services.tranche_release(actor=decider, application=signed, tranche=0)
    # 7.2 MMAD paid, 9.36 MMAD earned.
    refused(Conflict, "nothing_to_recover", services.clawback_apply, actor=decider, application=signed, reason="Audit.")


# -- bad inputs: refused with their reason, nothing written ----------------------------------------------------------


def test_a_grant_above_the_cap_is_refused(envelope, reviewed, decider):
    for amount in (Decimal("18000000.01"), Decimal("30000000")):
        error = refused(
            ValidationFailed,
            "above_cap",
            services.application_decide,
            actor=decider,
            application=reviewed,
            approve=True,
            amount_mad=amount,
        )
        assert error.fields.keys() == {"amount_mad"}
    assert str(error.message) == (
        "30,000,000.00 MAD is above the grant the scheme allows, 18,000,000.00 MAD (its caps applied)."
    )


def test_an_agreed_rate_above_the_schemes_maximum_is_capped(submitted, reviewer):
    reviewed = services.application_review(
        actor=reviewer, application=submitted, note="35 %", agreed_rate=Decimal("0.35")
    )
    assert reviewed.computed_grant_mad == Decimal("27000000.00")  # 90 MMAD x 30 %
    assert reviewed.evaluation["primes"][0]["rule"]["code"] == "agreed_rate_capped"


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"amount_mad": Decimal(0)}, ValidationFailed, "amount_not_positive"),
        ({"amount_mad": Decimal(-5)}, ValidationFailed, "amount_not_positive"),
        ({"clawback_tolerance": Decimal("1.5")}, ValidationFailed, "tolerance_invalid"),
        ({"clawback_tolerance": Decimal("-0.1")}, ValidationFailed, "tolerance_invalid"),
        ({"tranches": [{"share": "0.5"}, {"share": "0.4"}]}, ValidationFailed, "tranches_invalid"),
        ({"tranches": [{"share": "1"}, {"share": "0"}]}, ValidationFailed, "tranches_invalid"),
        ({"tranches": [{"share": "1.2"}, {"share": "-0.2"}]}, ValidationFailed, "tranches_invalid"),
        ({"tranches": [{"min_verified_jobs": 3}]}, ValidationFailed, "tranches_invalid"),
        ({"tranches": [{"share": "one"}]}, ValidationFailed, "tranches_invalid"),
        ({"approve": False}, ValidationFailed, "reason_required"),
        ({"approve": False, "reason": "   "}, ValidationFailed, "reason_required"),
    ],
)
def test_a_bad_decision_is_refused_and_nothing_is_written(envelope, reviewed, decider, kwargs, error, code):
    refused(
        error,
        code,
        services.application_decide,
        **{"actor": decider, "application": reviewed, "approve": True, **kwargs},
    )


def test_an_approval_without_an_agreed_rate_has_no_grant_to_commit(envelope, submitted, reviewer, decider):
    reviewed = services.application_review(actor=reviewer, application=submitted, note="Rate not agreed yet.")
    assert reviewed.computed_grant_mad == Decimal(0)
    refused(
        ValidationFailed,
        "amount_not_positive",
        services.application_decide,
        actor=decider,
        application=reviewed,
        approve=True,
    )


def test_an_approval_by_the_person_who_reviewed_it_is_refused(envelope, reviewed, reviewer):
    for approve in (True, False):
        error = refused(
            PermissionDenied,
            "forbidden:four_eyes",
            services.application_decide,
            actor=reviewer,
            application=reviewed,
            approve=approve,
            reason="Fine.",
        )
    assert str(error.message) == "You reviewed this application: another person must decide it (four eyes)."


def test_only_the_fund_reviews_and_decides(envelope, submitted, company_user, reviewer):
    refused(
        PermissionDenied,
        "forbidden:grant.review",
        services.application_review,
        actor=company_user,
        application=submitted,
        note="Self-review.",
    )
    reviewed = services.application_review(actor=reviewer, application=submitted, note="Ok.", agreed_rate=RATE)
    refused(
        PermissionDenied,
        "forbidden:grant.decide",
        services.application_decide,
        actor=company_user,
        application=reviewed,
        approve=True,
    )


def test_a_review_needs_a_note_and_a_rate_between_0_and_1(envelope, submitted, reviewer):
    refused(
        ValidationFailed, "note_required", services.application_review, actor=reviewer, application=submitted, note="  "
    )
    for rate in (Decimal("1.5"), Decimal("-0.1")):
        error = refused(
            ValidationFailed,
            "facts_invalid",
            services.application_review,
            actor=reviewer,
            application=submitted,
            note="Rate.",
            agreed_rate=rate,
        )
        assert error.fields.keys() == {"agreed_rate"}


def test_an_application_for_another_companys_project_is_refused(envelope, fdii, project, company_user, make_user):
    other = make_user(Role.COMPANY_USER)
    error = refused(
        PermissionDenied,
        "forbidden:another_company",
        services.application_create,
        actor=other,
        project=project,
        scheme=fdii,
        facts=FACTS,
        applied_on=APPLIED,
    )
    assert str(error.message) == (
        "This project belongs to another company: you can apply only for your own company's projects."
    )
    draft = create(company_user, project, fdii)
    refused(PermissionDenied, "forbidden:another_company", services.application_submit, actor=other, application=draft)
    refused(
        PermissionDenied,
        "forbidden:another_company",
        services.application_update,
        actor=other,
        application=draft,
        facts=FACTS,
    )
    refused(
        PermissionDenied,
        "forbidden:grant.apply",
        services.application_create,
        actor=make_user(Role.AUDITOR),
        project=project,
        scheme=fdii,
        facts=FACTS,
    )


def test_an_application_outside_every_version_is_refused(envelope, fdii, project, company_user):
    error = refused(
        ValidationFailed,
        "no_version_in_force",
        services.application_create,
        actor=company_user,
        project=project,
        scheme=fdii,
        facts=FACTS,
        applied_on=date(2014, 12, 31),
    )
    assert str(error.message) == "No version of this scheme is in force on 2014-12-31."


def test_an_approval_that_the_envelope_cannot_afford_is_refused(
    envelope, fdii, project, company_user, reviewer, decider, admin
):
    small = services.envelope_create(
        actor=admin, programme=envelope.programme, scheme=fdii, name="FDII 2016", amount_mad=Decimal("20000000")
    )
    first, second = (
        services.application_review(
            actor=reviewer,
            application=services.application_submit(
                actor=company_user, application=create(company_user, project, fdii)
            ),
            note="20 %.",
            agreed_rate=RATE,
        )
        for _ in range(2)
    )
    services.application_decide(actor=decider, application=first, approve=True)
    assert envelope_row(small) == (Decimal("20000000.00"), GRANT, Decimal(0))
    error = refused(
        Conflict, "envelope_exceeded", services.application_decide, actor=decider, application=second, approve=True
    )
    assert str(error.message) == (
        "The envelope FDII 2016 has 2,000,000.00 MAD left: a commitment of 18,000,000.00 MAD would exceed it."
    )
    # What is left still fits, to the centime; the programme's envelope was never touched.
    services.application_decide(actor=decider, application=second, approve=True, amount_mad=Decimal("2000000"))
    assert envelope_row(small) == (Decimal("20000000.00"), Decimal("20000000.00"), Decimal(0))
    assert envelope_row(envelope)[1] == Decimal(0)


def test_an_approval_without_an_envelope_is_refused(fdii, project, company_user, reviewer, decider):
    application = services.application_submit(actor=company_user, application=create(company_user, project, fdii))
    application = services.application_review(actor=reviewer, application=application, note="Ok.", agreed_rate=RATE)
    refused(Conflict, "no_envelope", services.application_decide, actor=decider, application=application, approve=True)


def test_each_step_out_of_its_order_is_refused(envelope, fdii, project, company_user, reviewer, decider):
    draft = create(company_user, project, fdii)
    today = timezone.localdate()
    steps = [
        (services.application_review, {"actor": reviewer, "note": "Early."}),
        (services.application_decide, {"actor": decider, "approve": True}),
        (services.application_sign, {"actor": decider, "signed_on": today}),
        (services.tranche_release, {"actor": decider, "tranche": 0}),
        (services.clawback_apply, {"actor": decider, "reason": "Early."}),
        (services.proof_add, {"actor": company_user, "category": "land", "amount_mad": Decimal(1), "description": "x"}),
    ]
    for step, kwargs in steps:
        refused(Conflict, "wrong_status", step, application=draft, **kwargs)
    submitted = services.application_submit(actor=company_user, application=draft)
    error = refused(Conflict, "wrong_status", services.application_submit, actor=company_user, application=submitted)
    assert str(error.message) == "This application is submitted, eligibility checked: this step is not possible now."
    for step, kwargs in steps[1:]:
        refused(Conflict, "wrong_status", step, application=submitted, **kwargs)
    reviewed = services.application_review(actor=reviewer, application=submitted, note="Ok.", agreed_rate=RATE)
    refused(Conflict, "wrong_status", services.application_review, actor=reviewer, application=reviewed, note="Again.")
    rejected = services.application_decide(actor=decider, application=reviewed, approve=False, reason="Not a priority.")
    for step, kwargs in steps:
        refused(Conflict, "wrong_status", step, application=rejected, **kwargs)
    refused(Conflict, "wrong_status", services.application_decide, actor=decider, application=rejected, approve=True)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"investment": {"yachts": "1000000"}}, "investment_yachts", "Unknown expense category: yachts."),
        ({"investment": {"equipment": "-5"}}, "investment_equipment", "Enter a number that is zero or more."),
        ({"investment": {"equipment": "five"}}, "investment_equipment", "Enter a number that is zero or more."),
        ({"investment": {"equipment": "NaN"}}, "investment_equipment", "Enter a number that is zero or more."),
        (
            {"investment": {"equipment": "0"}},
            "investment_equipment",
            "Enter the investment of at least one expense category.",
        ),
        ({"investment": {}}, "investment_equipment", "Enter the investment of at least one expense category."),
        ({"investment": "90000000"}, "investment_equipment", "Enter the investment of at least one expense category."),
        ({"stable_jobs": -1}, "stable_jobs", "Enter a whole number that is zero or more."),
        ({"stable_jobs": "2.5"}, "stable_jobs", "Enter a whole number that is zero or more."),
        ({"stable_jobs": None}, "stable_jobs", "Enter a whole number that is zero or more."),
        ({"female_share": "1.5"}, "female_share", "Enter a share between 0 and 1."),
        ({"female_share": "-0.1"}, "female_share", "Enter a number that is zero or more."),
        ({"turnover": "-1"}, "turnover", "Enter a number that is zero or more."),
        ({"public_order": "lots"}, "public_order", "Enter a number that is zero or more."),
        ({"agreed_rate": "2"}, "agreed_rate", "Enter a share between 0 and 1."),
        ({"territorial_category": "C"}, "territorial_category", "The territorial category is A or B."),
    ],
)
def test_bad_facts_are_refused_field_by_field_and_nothing_is_written(
    envelope, fdii, project, company_user, change, field, message
):
    facts = {**FACTS, **change}
    error = refused(
        ValidationFailed,
        "facts_invalid",
        services.application_create,
        actor=company_user,
        project=project,
        scheme=fdii,
        facts=facts,
        applied_on=APPLIED,
    )
    assert str(error.fields[field]) == message
    draft = create(company_user, project, fdii)
    refused(
        ValidationFailed,
        "facts_invalid",
        services.application_update,
        actor=company_user,
        application=draft,
        facts=facts,
    )


def test_every_bad_fact_is_reported_at_once(envelope, fdii, project, company_user):
    facts = {"investment": {"yachts": "1", "equipment": "-1"}, "stable_jobs": "many", "territorial_category": "Z"}
    error = refused(
        ValidationFailed,
        "facts_invalid",
        services.application_create,
        actor=company_user,
        project=project,
        scheme=fdii,
        facts=facts,
        applied_on=APPLIED,
    )
    assert set(error.fields) == {"investment_yachts", "investment_equipment", "stable_jobs", "territorial_category"}


# -- the database's own checks ----------------------------------------------------------------------------------------


def violates(queryset, **values) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


def test_the_database_keeps_commitments_within_the_envelope_and_payments_within_commitments(envelope, approved):
    envelopes = Envelope.objects.filter(pk=envelope.pk)
    violates(envelopes, committed_mad=F("amount_mad") + Decimal("0.01"))
    violates(envelopes, paid_mad=F("committed_mad") + Decimal("0.01"))
    violates(envelopes, paid_mad=Decimal(-1))
    assert envelope_row(envelope) == (Decimal("630000000.00"), GRANT, Decimal(0))
    envelopes.update(committed_mad=F("amount_mad"), paid_mad=F("amount_mad"))  # up to the amount is allowed


def test_the_database_refuses_a_decision_by_the_reviewer_and_a_grant_above_the_computed_one(approved, reviewer):
    applications = Application.objects.filter(pk=approved.pk)
    violates(applications, decided_by=reviewer)
    violates(applications, decided_by=F("reviewed_by"))
    violates(applications, granted_mad=F("computed_grant_mad") + Decimal("0.01"))
    violates(applications, granted_mad=Decimal(-1))
    violates(applications, recovered_mad=Decimal(-1))
    assert Application.objects.get(pk=approved.pk).granted_mad == GRANT


def test_the_database_refuses_a_proof_checked_by_its_author_and_a_tranche_paid_twice(
    signed, company_user, reviewer, decider
):
    proof = prove(signed, company_user, None, "90000000")
    violates(InvestmentProof.objects.filter(pk=proof.pk), verified_by=company_user)
    violates(InvestmentProof.objects.filter(pk=proof.pk), amount_mad=Decimal(0))
    services.proof_verify(actor=reviewer, proof=proof)
    payment = services.tranche_release(actor=decider, application=signed, tranche=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            application=signed,
            tranche=0,
            amount_mad=Decimal(1),
            paid_on=payment.paid_on,
            verified_jobs=0,
            proven_investment_mad=Decimal(0),
            released_by=decider,
        )


def test_the_database_refuses_a_version_ending_before_it_starts(fdii):
    violates(SchemeVersion.objects.filter(scheme=fdii), valid_to=date(2014, 1, 1))


# -- the what-if simulation -----------------------------------------------------------------------------------------


def test_the_simulation_applies_a_version_to_the_programmes_pipeline_against_its_envelope(
    envelope, fdii, project, make_user
):
    from ecosys.incentives.simulation import simulation_run

    result = simulation_run(
        actor=make_user(Role.MINISTRY_ANALYST), programme=envelope.programme, version=fdii.versions.get()
    )
    assert result.simulation.envelope == Decimal("630000000")
    assert [p.key for p in result.simulation.projects] == [project.code]
