"""The grants API: every endpoint allowed and refused, scoping for company users, bad input, the fund's rules.

Refusals write nothing: each test that is refused compares what it could have changed before and after.
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from ecosys.core.roles import Role
from ecosys.incentives import services
from ecosys.incentives.models import Application, Clawback, Envelope, InvestmentProof, Payment, Scheme, SchemeVersion
from tests.incentives.conftest import FACTS

API = "/api/v1/grants"


ENGLISH = {"Accept-Language": "en"}  # an API client that reads English (the platform speaks French by default)


def call(client, method: str, path: str, payload: dict[str, Any] | None = None):
    send = getattr(client, method.lower())
    if payload is None:
        return send(f"{API}{path}", headers=ENGLISH)
    return send(f"{API}{path}", payload, content_type="application/json", headers=ENGLISH)


def fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def envelope_state() -> list[tuple[Decimal, Decimal]]:
    return list(Envelope.objects.order_by("pk").values_list("committed_mad", "paid_mad"))


def app_state(reference: str) -> tuple[Any, ...]:
    a = Application.objects.get(reference=reference)
    return (a.status, a.granted_mad, a.computed_grant_mad, a.reviewed_by_id, a.decided_by_id, a.facts, a.signed_on)


@pytest.fixture
def programme(imm):
    return imm.sector.programme


@pytest.fixture
def draft(envelope, fdii, project, company_user):
    return services.application_create(
        actor=company_user, project=project, scheme=fdii, facts=FACTS, applied_on=date(2016, 5, 1)
    )


@pytest.fixture
def submitted(draft, company_user):
    return services.application_submit(actor=company_user, application=draft)


@pytest.fixture
def signed(approved, decider):
    return services.application_sign(actor=decider, application=approved, signed_on=timezone.localdate())


@pytest.fixture
def proven(signed, company_user, reviewer):
    """The signed grant with 45 MMAD of equipment invoices checked: its first tranche is due."""
    proof = services.proof_add(
        actor=company_user,
        application=signed,
        category="equipment",
        amount_mad=Decimal("45000000"),
        description="Facture presse 2016-07",
    )
    services.proof_verify(actor=reviewer, proof=proof)
    return signed


@pytest.fixture
def other_company_user(make_user):
    return make_user(Role.COMPANY_USER)


@pytest.fixture
def admin(make_user):
    return make_user(Role.MINISTRY_ADMIN)


@pytest.fixture
def analyst(make_user):
    return make_user(Role.MINISTRY_ANALYST)


# --------------------------------------------------------------------------------------------------
# Schemes and versions
# --------------------------------------------------------------------------------------------------


def test_schemes_are_read_by_every_role_with_versions_rules_and_uncertain_figures(client_for, company_user, fdii):
    response = call(client_for(company_user), "GET", "/schemes")
    assert response.status_code == 200
    schemes = {s["key"]: s for s in response.json()}
    assert {"fdii_2015"} <= set(schemes)
    version = schemes["fdii_2015"]["versions"][0]
    assert version["number"] == 1 and version["valid_from"] == "2015-01-01"
    assert version["rules"]["legal_basis"] == "loi de finances 2015"
    assert "valid_from" in version["uncertain"]

    one = call(client_for(company_user), "GET", "/schemes/fdii_2015").json()
    assert one["name"] == fdii.name
    missing = call(client_for(company_user), "GET", "/schemes/nothing")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def _new_rules(fdii: Scheme, **changes: Any) -> dict[str, Any]:
    rules = copy.deepcopy(fdii.versions.get().rules)
    rules.update(changes)
    return rules


def test_a_fund_officer_adds_a_version_and_a_company_may_not(client_for, fdii, reviewer, company_user):
    rules = _new_rules(fdii, name="Fonds pilote", valid_from="2026-01-01", valid_to=None)
    refused = call(client_for(company_user), "POST", "/schemes/pilot_2026/versions", {"rules": rules})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden:scheme.manage"
    assert not Scheme.objects.filter(key="pilot_2026").exists()

    response = call(client_for(reviewer), "POST", "/schemes/pilot_2026/versions", {"rules": rules, "note": "Pilote"})
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 1 and response.json()["note"] == "Pilote"
    assert SchemeVersion.objects.get(scheme__key="pilot_2026").created_by == reviewer


def test_a_version_that_overlaps_or_cannot_be_read_is_refused_and_nothing_written(client_for, fdii, reviewer):
    before = SchemeVersion.objects.count()
    overlap = call(client_for(reviewer), "POST", "/schemes/fdii_2015/versions", {"rules": _new_rules(fdii)})
    assert overlap.status_code == 409 and overlap.json()["code"] == "version_overlaps"

    unreadable = call(
        client_for(reviewer), "POST", "/schemes/broken/versions", {"rules": {"name": "Incomplet", "primes": []}}
    )
    assert unreadable.status_code == 400
    assert unreadable.json()["code"] == "rules_invalid" and fields(unreadable) == {"rules"}

    no_rules = call(client_for(reviewer), "POST", "/schemes/broken/versions", {"note": "sans règles"})
    assert no_rules.status_code == 422 and fields(no_rules) == {"rules"}
    assert SchemeVersion.objects.count() == before
    assert not Scheme.objects.filter(key="broken").exists()


def test_closing_a_version(client_for, fdii, reviewer, company_user):
    refused = call(client_for(company_user), "POST", "/schemes/fdii_2015/versions/1/close", {"valid_to": "2030-12-31"})
    assert refused.status_code == 403
    backwards = call(client_for(reviewer), "POST", "/schemes/fdii_2015/versions/1/close", {"valid_to": "2014-12-31"})
    assert backwards.status_code == 400 and fields(backwards) == {"valid_to"}
    not_a_date = call(client_for(reviewer), "POST", "/schemes/fdii_2015/versions/1/close", {"valid_to": "demain"})
    assert not_a_date.status_code == 422 and fields(not_a_date) == {"valid_to"}
    unknown = call(client_for(reviewer), "POST", "/schemes/fdii_2015/versions/7/close", {"valid_to": "2030-12-31"})
    assert unknown.status_code == 404
    assert fdii.versions.get().valid_to is None

    closed = call(client_for(reviewer), "POST", "/schemes/fdii_2015/versions/1/close", {"valid_to": "2030-12-31"})
    assert closed.status_code == 200 and closed.json()["valid_to"] == "2030-12-31"
    assert fdii.versions.get().rules["valid_to"] == "2030-12-31"


# --------------------------------------------------------------------------------------------------
# Envelopes
# --------------------------------------------------------------------------------------------------


def test_envelopes_are_read_by_every_role(client_for, envelope, company_user):
    listed = call(client_for(company_user), "GET", "/envelopes")
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": envelope.pk,
            "name": envelope.name,
            "programme": "pai-2014-2020",
            "ecosystem": None,
            "scheme": None,
            "amount_mad": "630000000.00",
            "committed_mad": "0.00",
            "paid_mad": "0.00",
            "available_mad": "630000000.00",
        }
    ]
    assert call(client_for(company_user), "GET", f"/envelopes/{envelope.pk}").json()["name"] == envelope.name
    assert call(client_for(company_user), "GET", "/envelopes/999999").status_code == 404


def test_the_ministry_opens_an_envelope(client_for, programme, fdii, admin, reviewer):
    payload = {"programme": programme.code, "name": "FDII · IMM-VAL", "amount_mad": 50_000_000, "scheme": "fdii_2015"}
    payload["ecosystem"] = "IMM-VAL"
    refused = call(client_for(reviewer), "POST", "/envelopes", payload)
    assert refused.status_code == 403 and not Envelope.objects.exists()

    response = call(client_for(admin), "POST", "/envelopes", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["scheme"], body["ecosystem"], body["amount_mad"]) == ("fdii_2015", "IMM-VAL", "50000000.00")


def test_an_envelope_with_a_bad_amount_or_programme_is_refused_and_nothing_written(client_for, programme, admin):
    negative = call(
        client_for(admin), "POST", "/envelopes", {"programme": programme.code, "name": "X", "amount_mad": -1}
    )
    assert negative.status_code == 400 and fields(negative) == {"amount_mad"}
    text = call(
        client_for(admin), "POST", "/envelopes", {"programme": programme.code, "name": "X", "amount_mad": "beaucoup"}
    )
    assert text.status_code == 422 and fields(text) == {"amount_mad"}
    unknown = call(client_for(admin), "POST", "/envelopes", {"programme": "nope", "name": "X", "amount_mad": 1})
    assert unknown.status_code == 404
    assert not Envelope.objects.exists()


# --------------------------------------------------------------------------------------------------
# Applications: draft, submission, scoping
# --------------------------------------------------------------------------------------------------


def test_a_company_opens_a_draft_for_its_project(client_for, envelope, fdii, project, company_user):
    payload = {"project": project.code, "scheme": "fdii_2015", "applied_on": "2016-05-01", "facts": FACTS}
    response = call(client_for(company_user), "POST", "/applications", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["reference"] == "G-2016-00001"
    assert body["company"] == project.company.ice and body["version"] == 1
    assert body["facts"]["investment"] == {"land": "10000000", "buildings": "20000000", "equipment": "60000000"}
    assert body["evaluation"] is None and body["tranches"] == []


def test_a_company_cannot_apply_for_another_companys_project(client_for, envelope, fdii, project, other_company_user):
    payload = {"project": project.code, "scheme": "fdii_2015", "applied_on": "2016-05-01", "facts": FACTS}
    response = call(client_for(other_company_user), "POST", "/applications", payload)
    assert response.status_code == 404
    assert not Application.objects.exists()


def test_an_analyst_may_not_apply(client_for, envelope, fdii, project, analyst):
    payload = {"project": project.code, "scheme": "fdii_2015", "applied_on": "2016-05-01", "facts": FACTS}
    response = call(client_for(analyst), "POST", "/applications", payload)
    assert response.status_code == 403 and response.json()["code"] == "forbidden:grant.apply"
    assert not Application.objects.exists()


def test_bad_facts_are_reported_field_by_field_and_nothing_written(client_for, envelope, fdii, project, company_user):
    facts = {"investment": {"equipment": "-5", "yachts": "1"}, "stable_jobs": "beaucoup", "female_share": "2"}
    payload = {"project": project.code, "scheme": "fdii_2015", "applied_on": "2016-05-01", "facts": facts}
    response = call(client_for(company_user), "POST", "/applications", payload)
    assert response.status_code == 400
    assert response.json()["code"] == "facts_invalid"
    assert fields(response) == {"investment_equipment", "investment_yachts", "stable_jobs", "female_share"}

    before_scheme = call(
        client_for(company_user), "POST", "/applications", {**payload, "facts": FACTS, "applied_on": "2010-01-01"}
    )
    assert before_scheme.status_code == 400 and fields(before_scheme) == {"scheme"}
    missing = call(client_for(company_user), "POST", "/applications", {"project": project.code, "facts": FACTS})
    assert missing.status_code == 422 and fields(missing) == {"scheme"}
    assert not Application.objects.exists()


def test_a_draft_is_changed_then_submitted_and_locked(client_for, draft, company_user):
    client = client_for(company_user)
    changed = call(client, "PATCH", f"/applications/{draft.reference}", {"facts": {**FACTS, "stable_jobs": 300}})
    assert changed.status_code == 200 and changed.json()["facts"]["stable_jobs"] == 300

    bad = call(client, "PATCH", f"/applications/{draft.reference}", {"facts": {**FACTS, "stable_jobs": -1}})
    assert bad.status_code == 400 and fields(bad) == {"stable_jobs"}
    assert Application.objects.get(pk=draft.pk).facts["stable_jobs"] == 300

    submitted = call(client, "POST", f"/applications/{draft.reference}/submit")
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "submitted" and body["eligible"] is True
    assert body["evaluation"]["route"] == "locomotive_investment"
    assert body["evaluation"]["route_label"] == "locomotive project, by its investment"
    prime = body["evaluation"]["primes"][0]
    assert prime["key"] == "investment_support" and prime["rule"]["code"] == "rate_not_agreed"
    assert prime["rule"]["text"].startswith("No rate agreed")

    locked = call(client, "PATCH", f"/applications/{draft.reference}", {"facts": FACTS})
    assert locked.status_code == 409 and locked.json()["code"] == "wrong_status"
    again = call(client, "POST", f"/applications/{draft.reference}/submit")
    assert again.status_code == 409


def test_a_company_sees_only_its_own_applications(client_for, draft, company_user, other_company_user, reviewer):
    own = call(client_for(company_user), "GET", "/applications").json()
    assert [a["reference"] for a in own["items"]] == [draft.reference] and own["count"] == 1
    assert call(client_for(other_company_user), "GET", "/applications").json() == {"items": [], "count": 0}
    hidden = call(client_for(other_company_user), "GET", f"/applications/{draft.reference}")
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    for method, path, payload in [
        ("PATCH", "", {"facts": FACTS}),
        ("POST", "/submit", None),
        ("GET", "/letter.pdf", None),
        ("POST", "/proofs", {"category": "equipment", "amount_mad": "1", "description": "Facture"}),
    ]:
        response = call(client_for(other_company_user), method, f"/applications/{draft.reference}{path}", payload)
        assert response.status_code == 404, (method, path)
    assert app_state(draft.reference)[0] == "draft"

    staff = call(client_for(reviewer), "GET", "/applications?status=draft&scheme=fdii_2015").json()
    assert staff["count"] == 1
    assert call(client_for(reviewer), "GET", "/applications?status=approved").json()["count"] == 0
    unknown = call(client_for(reviewer), "GET", "/applications?status=won")
    assert unknown.status_code == 400 and fields(unknown) == {"status"}


# --------------------------------------------------------------------------------------------------
# Review, decision, signature
# --------------------------------------------------------------------------------------------------


def test_the_fund_reviews_with_the_agreed_rate(client_for, submitted, reviewer, company_user):
    path = f"/applications/{submitted.reference}/review"
    refused = call(client_for(company_user), "POST", path, {"note": "Je me relis"})
    assert refused.status_code == 403
    no_note = call(client_for(reviewer), "POST", path, {"note": " ", "agreed_rate": "0.2"})
    assert no_note.status_code == 400 and fields(no_note) == {"note"}
    bad_rate = call(client_for(reviewer), "POST", path, {"note": "Vu", "agreed_rate": "1.5"})
    assert bad_rate.status_code == 400 and fields(bad_rate) == {"agreed_rate"}
    assert app_state(submitted.reference)[0] == "submitted"

    response = call(client_for(reviewer), "POST", path, {"note": "Dossier complet", "agreed_rate": "0.2"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "reviewed" and body["reviewed_by"] == reviewer.username
    assert body["computed_grant_mad"] == "18000000.00"
    assert body["evaluation"]["caps"][0] == {
        "kind": "total_rate",
        "label": "total rate cap",
        "category": None,
        "limit": "27000000.00",
        "before": "18000000.00",
        "after": "18000000.00",
        "binding": False,
        "uncertain": True,
    }


def test_the_reviewer_may_not_decide(client_for, reviewed, reviewer):
    before = (app_state(reviewed.reference), envelope_state())
    response = call(client_for(reviewer), "POST", f"/applications/{reviewed.reference}/decision", {"approve": True})
    assert response.status_code == 403 and response.json()["code"] == "forbidden:four_eyes"
    assert (app_state(reviewed.reference), envelope_state()) == before


def test_a_grant_above_the_cap_is_refused(client_for, reviewed, decider):
    before = (app_state(reviewed.reference), envelope_state())
    response = call(
        client_for(decider),
        "POST",
        f"/applications/{reviewed.reference}/decision",
        {"approve": True, "amount_mad": "18000000.01"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "above_cap" and fields(response) == {"amount_mad"}
    assert (app_state(reviewed.reference), envelope_state()) == before


def test_an_envelope_is_never_exceeded(client_for, reviewed, decider):
    Envelope.objects.update(amount_mad=Decimal("10000000"))
    before = (app_state(reviewed.reference), envelope_state())
    response = call(client_for(decider), "POST", f"/applications/{reviewed.reference}/decision", {"approve": True})
    assert response.status_code == 409 and response.json()["code"] == "envelope_exceeded"
    assert (app_state(reviewed.reference), envelope_state()) == before


def test_bad_decisions_are_refused_and_nothing_written(client_for, reviewed, decider, company_user):
    path = f"/applications/{reviewed.reference}/decision"
    before = (app_state(reviewed.reference), envelope_state())
    assert call(client_for(company_user), "POST", path, {"approve": True}).status_code == 403
    no_reason = call(client_for(decider), "POST", path, {"approve": False, "reason": ""})
    assert no_reason.status_code == 400 and fields(no_reason) == {"reason"}
    tranches = [{"share": "0.5"}, {"share": "0.4"}]
    uneven = call(client_for(decider), "POST", path, {"approve": True, "tranches": tranches})
    assert uneven.status_code == 400 and fields(uneven) == {"tranches"}
    tolerance = call(client_for(decider), "POST", path, {"approve": True, "clawback_tolerance": "1.2"})
    assert tolerance.status_code == 400 and fields(tolerance) == {"clawback_tolerance"}
    zero = call(client_for(decider), "POST", path, {"approve": True, "amount_mad": 0})
    assert zero.status_code == 400 and fields(zero) == {"amount_mad"}
    not_bool = call(client_for(decider), "POST", path, {"approve": "peut-être"})
    assert not_bool.status_code == 422 and fields(not_bool) == {"approve"}
    assert (app_state(reviewed.reference), envelope_state()) == before


def test_another_fund_officer_approves_and_commits_the_envelope(client_for, reviewed, decider):
    payload = {
        "approve": True,
        "amount_mad": 15_000_000,
        "conditions": "Maintenir les emplois cinq ans.",
        "tranches": [{"share": "0.5", "min_proven_investment": "45000000"}, {"share": "0.5", "min_verified_jobs": 250}],
        "clawback_tolerance": "0.1",
    }
    response = call(client_for(decider), "POST", f"/applications/{reviewed.reference}/decision", payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["granted_mad"] == "15000000.00"
    assert body["decided_by"] == decider.username and body["clawback_tolerance"] == "0.1000"
    assert [(t["number"], t["amount"], t["paid"]) for t in body["tranches"]] == [
        (1, "7500000.00", False),
        (2, "7500000.00", False),
    ]
    assert envelope_state() == [(Decimal("15000000.00"), Decimal("0.00"))]


def test_a_rejection_states_its_reasons(client_for, reviewed, decider):
    path = f"/applications/{reviewed.reference}/decision"
    response = call(client_for(decider), "POST", path, {"approve": False, "reason": "Hors priorités de l'écosystème"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["decision_reason"] == "Hors priorités de l'écosystème"
    assert envelope_state() == [(Decimal(0), Decimal(0))]


def test_signing_the_agreement(client_for, approved, decider, company_user):
    path = f"/applications/{approved.reference}/signature"
    today = timezone.localdate()
    assert call(client_for(company_user), "POST", path, {"signed_on": today.isoformat()}).status_code == 403
    early = call(client_for(decider), "POST", path, {"signed_on": (today - timedelta(days=1)).isoformat()})
    assert early.status_code == 400 and fields(early) == {"signed_on"}
    assert app_state(approved.reference)[0] == "approved"
    response = call(client_for(decider), "POST", path, {"signed_on": today.isoformat()})
    assert response.status_code == 200 and response.json()["status"] == "signed"
    assert response.json()["signed_on"] == today.isoformat()


# --------------------------------------------------------------------------------------------------
# Proofs, tranches, clawback
# --------------------------------------------------------------------------------------------------


def test_documents_are_added_by_the_company_and_checked_by_another_person(
    client_for, signed, company_user, reviewer, decider
):
    path = f"/applications/{signed.reference}/proofs"
    bad = call(
        client_for(company_user), "POST", path, {"category": "equipment", "amount_mad": 0, "description": "Facture"}
    )
    assert bad.status_code == 400 and fields(bad) == {"amount_mad"}
    odd = call(client_for(company_user), "POST", path, {"category": "yacht", "amount_mad": 5, "description": "Facture"})
    assert odd.status_code == 400 and fields(odd) == {"category"}
    assert not InvestmentProof.objects.exists()

    added = call(
        client_for(company_user),
        "POST",
        path,
        {"category": "equipment", "amount_mad": "45000000", "description": "Facture presse"},
    )
    assert added.status_code == 201
    proof = added.json()
    assert proof["category_label"] == "equipment" and proof["verified_by"] is None and not proof["has_document"]

    verify = f"{path}/{proof['id']}/verify"
    assert call(client_for(company_user), "POST", verify).status_code == 403
    assert call(client_for(decider), "POST", f"{path}/999999/verify").status_code == 404
    own = services.proof_add(
        actor=reviewer, application=signed, category="land", amount_mad=Decimal(1), description="Acte"
    )
    four_eyes = call(client_for(reviewer), "POST", f"{path}/{own.pk}/verify")
    assert four_eyes.status_code == 403 and four_eyes.json()["code"] == "forbidden:four_eyes"
    assert InvestmentProof.objects.filter(verified_at__isnull=False).count() == 0

    checked = call(client_for(reviewer), "POST", verify)
    assert checked.status_code == 200 and checked.json()["verified_by"] == reviewer.username
    again = call(client_for(decider), "POST", verify)
    assert again.status_code == 409 and again.json()["code"] == "proof_checked"
    detail = call(client_for(company_user), "GET", f"/applications/{signed.reference}").json()
    assert detail["proven_investment_mad"] == "45000000.00"
    assert [t["releasable"] for t in detail["tranches"]] == [True, False, False]


def test_a_tranche_is_released_once_its_condition_is_verified(client_for, signed, proven, reviewer, company_user):
    path = f"/applications/{signed.reference}/tranches"
    assert call(client_for(company_user), "POST", f"{path}/1/release", {}).status_code == 403
    unknown = call(client_for(reviewer), "POST", f"{path}/9/release", {})
    assert unknown.status_code == 400 and fields(unknown) == {"tranche"}
    not_due = call(client_for(reviewer), "POST", f"{path}/2/release", {})
    assert not_due.status_code == 409 and not_due.json()["code"] == "tranche_not_due"
    assert "125 verified jobs needed, 0 verified" in not_due.json()["message"]
    assert not Payment.objects.exists() and envelope_state()[0][1] == 0

    paid = call(client_for(reviewer), "POST", f"{path}/1/release", {"paid_on": "2017-01-15"})
    assert paid.status_code == 201, paid.content
    assert paid.json() == {
        "number": 1,
        "amount_mad": "6000000.00",
        "paid_on": "2017-01-15",
        "verified_jobs": 0,
        "proven_investment_mad": "45000000.00",
        "released_by": reviewer.username,
    }
    twice = call(client_for(reviewer), "POST", f"{path}/1/release", {})
    assert twice.status_code == 409 and twice.json()["code"] == "tranche_paid"
    assert envelope_state() == [(Decimal("15000000.00"), Decimal("6000000.00"))]

    detail = call(client_for(company_user), "GET", f"/applications/{signed.reference}").json()
    assert detail["paid_mad"] == "6000000.00"
    assert [(t["number"], t["paid"], t["releasable"]) for t in detail["tranches"]] == [
        (1, True, False),
        (2, False, False),
        (3, False, False),
    ]
    assert detail["tranches"][1]["reasons"][0]["code"] == "tranche_jobs_not_reached"
    assert detail["payments"][0]["number"] == 1


def test_a_clawback_recovers_what_the_realisations_did_not_earn(client_for, proven, reviewer, decider, company_user):
    reference = proven.reference
    services.tranche_release(actor=reviewer, application=proven, tranche=0)
    path = f"/applications/{reference}/clawback"
    assert call(client_for(company_user), "POST", path, {"reason": "Je renonce"}).status_code == 403
    no_reason = call(client_for(decider), "POST", path, {"reason": ""})
    assert no_reason.status_code == 400 and fields(no_reason) == {"reason"}
    assert not Clawback.objects.exists()

    response = call(client_for(decider), "POST", path, {"reason": "Aucun emploi vérifié en 2019"})
    assert response.status_code == 201
    body = response.json()
    # No verified job: the worst-met commitment is jobs, achievement 0, nothing earned, everything paid recovered.
    assert (body["amount_mad"], body["earned_mad"], body["worst"]) == ("6000000.00", "0.00", "jobs")
    detail = call(client_for(company_user), "GET", f"/applications/{reference}").json()
    assert detail["status"] == "clawed_back" and detail["clawback"]["amount_mad"] == "6000000.00"
    assert envelope_state() == [(Decimal("0.00"), Decimal("0.00"))]
    again = call(client_for(decider), "POST", path, {"reason": "Encore"})
    assert again.status_code == 409


def test_nothing_to_claw_back_before_a_payment(client_for, signed, decider):
    response = call(client_for(decider), "POST", f"/applications/{signed.reference}/clawback", {"reason": "Retard"})
    assert response.status_code == 409 and response.json()["code"] == "not_paid"


# --------------------------------------------------------------------------------------------------
# The decision letter
# --------------------------------------------------------------------------------------------------


def test_the_decision_letter(client_for, approved, company_user, other_company_user):
    response = call(client_for(company_user), "GET", f"/applications/{approved.reference}/letter.pdf?lang=ar")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].endswith(f'ecosys-{approved.reference}-ar.pdf"')
    default = call(client_for(company_user), "GET", f"/applications/{approved.reference}/letter.pdf")
    assert default["Content-Disposition"].endswith(f'ecosys-{approved.reference}-fr.pdf"')
    assert (
        call(client_for(other_company_user), "GET", f"/applications/{approved.reference}/letter.pdf").status_code == 404
    )
    german = call(client_for(company_user), "GET", f"/applications/{approved.reference}/letter.pdf?lang=de")
    assert german.status_code == 422 and fields(german) == {"lang"}


def test_an_undecided_application_has_no_letter(client_for, reviewed, company_user):
    response = call(client_for(company_user), "GET", f"/applications/{reviewed.reference}/letter.pdf")
    assert response.status_code == 409 and response.json()["code"] == "not_decided"


# --------------------------------------------------------------------------------------------------
# The simulator
# --------------------------------------------------------------------------------------------------


def test_the_simulation_of_a_version_on_the_pipeline(client_for, envelope, fdii, project, analyst, company_user):
    query = "/simulation?programme=pai-2014-2020&scheme=fdii_2015"
    assert call(client_for(company_user), "GET", query).status_code == 403
    response = call(client_for(analyst), "GET", query + "&envelope_amount=1000000")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["scheme"], body["version"], body["modified"], body["envelope"]) == ("fdii_2015", 1, False, "1000000")
    assert [p["project"] for p in body["projects"]] == [project.code]
    assert call(client_for(analyst), "GET", query + "&version=4").status_code == 404
    bad = call(client_for(analyst), "GET", query + "&envelope_amount=lots")
    assert bad.status_code == 422 and fields(bad) == {"envelope_amount"}


def test_the_simulation_of_modified_rules(client_for, envelope, fdii, project, analyst):
    rules = copy.deepcopy(fdii.versions.get().rules)
    rules["eligibility"] = {"any_of": []}
    rules["primes"] = [{"key": "job_creation", "kind": "fixed", "rate": "0.1"}]
    payload = {"programme": "pai-2014-2020", "scheme": "fdii_2015", "rules": rules}
    response = call(client_for(analyst), "POST", "/simulation", payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["modified"] is True
    project_row = body["projects"][0]
    assert project_row["eligible"] is True
    assert Decimal(project_row["grant"]) == Decimal(project_row["eligible_investment"]) / 10

    broken = call(client_for(analyst), "POST", "/simulation", {**payload, "rules": {"name": "x"}})
    assert broken.status_code == 400 and fields(broken) == {"rules"}
    assert fdii.versions.get().rules != rules
