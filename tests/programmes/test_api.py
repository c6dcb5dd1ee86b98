"""The programmes API end to end: the IMM figures, validation errors, value chains, milestones,
amendments under the four-eyes rule, token authentication and organisation scoping."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from ecosys.accounts.models import Organisation, User
from ecosys.accounts.services import ICE_INVALID, api_token_create
from ecosys.core.roles import Role
from ecosys.programmes.models import (
    ActivityProduct,
    ContractAmendment,
    Ecosystem,
    Milestone,
    PerformanceContract,
    Target,
)
from ecosys.programmes.services.contracts import AMENDMENT_SELF_APPROVAL
from ecosys.programmes.services.targets import BASELINE_YEAR_REQUIRED, MILESTONE_BEYOND_HORIZON, REASON_REQUIRED

API = "/api/v1"
PROGRAMME = "pai-2014-2020"
IMM_TARGETS = {
    "JOBS_CREATED": Decimal("13340"),
    "VALUE_ADDED_ADD": Decimal("1700000000"),
    "TRADE_BALANCE_GAIN": Decimal("2300000000"),
    "TURNOVER_ADD": Decimal("11000000000"),
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users sign in with force_login or a token; their factory password needs no slow hash here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_for(client_for):
    """A signed-in client whose API answers in English, so messages compare with the msgids."""

    def build(user: User) -> Client:
        client = client_for(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return build


@pytest.fixture
def admin(make_user) -> User:
    return make_user(Role.MINISTRY_ADMIN)


def english(message: Any) -> str:
    with translation.override("en"):
        return str(message)


def assert_error(response, status: int, *fields: str, code: str | None = None) -> dict[str, Any]:
    """Check the error body {code, message, errors: [{field, message}]} and that it names ``fields``."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] and body["message"]
    if code is not None:
        assert body["code"] == code
    for error in body["errors"]:
        assert error["message"], error
    named = {error.get("field") for error in body["errors"]}
    for name in fields:
        assert name in named, (name, body["errors"])
    return body


def jobs_target(contract: PerformanceContract) -> Target:
    return contract.targets.get(indicator__code="JOBS_CREATED")


def milestone_values(target: Target) -> dict[int, Decimal]:
    return {m.year: m.value for m in Milestone.objects.filter(target=target).order_by("year")}


def csv_upload(text: str, name: str = "value-chain.csv") -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")}


# --------------------------------------------------------------------------------------------------
# Reading the IMM programme
# --------------------------------------------------------------------------------------------------


def test_the_programme_is_listed_with_its_four_imm_ecosystems(imm, make_user, api_for):
    client = api_for(make_user(Role.MINISTRY_ANALYST))

    listed = client.get(f"{API}/programmes")
    one = client.get(f"{API}/programmes/{PROGRAMME}")

    assert listed.status_code == 200
    assert [p["code"] for p in listed.json()] == [PROGRAMME]
    assert one.status_code == 200
    programme = one.json()
    assert (programme["start_year"], programme["end_year"]) == (2014, 2020)
    assert sorted(e["code"] for e in programme["ecosystems"]) == ["IMM-NAV", "IMM-NM", "IMM-TM", "IMM-VAL"]
    assert client.get(f"{API}/programmes/no-such-programme").status_code == 404


def test_the_ecosystems_are_listed_with_their_names_in_three_languages_and_their_value_chain(imm, make_user, api_for):
    client = api_for(make_user(Role.COMPANY_USER))

    ecosystems = {e["code"]: e for e in client.get(f"{API}/ecosystems").json()}
    detail = client.get(f"{API}/ecosystems/IMM-VAL").json()

    assert set(ecosystems) == {"IMM-NAV", "IMM-NM", "IMM-TM", "IMM-VAL"}
    val = ecosystems["IMM-VAL"]
    assert (val["name_fr"], val["name_en"], val["name_ar"]) == (
        "Valorisation des métaux",
        "Metal recovery and processing",
        "تثمين المعادن",
    )
    assert val["sector"] == "IMM"
    assert [t["name"] for t in detail["tiers"]] == [
        "Collecte et préparation des ferrailles",
        "Élaboration et première transformation",
        "Fonderie",
    ]
    codes = [code for tier in detail["tiers"] for activity in tier["activities"] for code in activity["hs_codes"]]
    assert codes == ["7204", "7404", "7602", "7206", "7207", "7213", "7214", "7325", "7616"]
    assert "indicative" in detail["value_chain_note"].lower()


def test_the_imm_contract_carries_the_published_targets_and_state_commitments(imm, make_user, api_for):
    client = api_for(make_user(Role.AUDITOR))

    contracts = client.get(f"{API}/contracts").json()
    contract = client.get(f"{API}/contracts/IMM-CP").json()

    assert [c["code"] for c in contracts] == ["IMM-CP"]
    assert contracts[0]["signed_on"] == ["2016-05-02", "2017-06-13"]
    assert (contract["status"], contract["version"], contract["horizon_year"]) == ("signed", 1, 2020)
    assert sorted(contract["ecosystems"]) == ["IMM-NAV", "IMM-NM", "IMM-TM", "IMM-VAL"]
    assert {"FIMME", "MICIEN", "MEF"} <= set(contract["parties"])
    targets = {t["indicator"]: t for t in contract["targets"]}
    assert {code: Decimal(t["horizon_value"]) for code, t in targets.items()} == IMM_TARGETS
    jobs = targets["JOBS_CREATED"]
    assert (jobs["unit"], jobs["baseline_year"], jobs["horizon_year"]) == ("jobs", 2015, 2020)
    assert [m["year"] for m in jobs["milestones"]] == [2016, 2017, 2018, 2019, 2020]
    assert Decimal(jobs["milestones"][-1]["value"]) == Decimal("13340")
    commitments = {c["kind"]: c for c in contract["commitments"]}
    assert (Decimal(commitments["fund_envelope"]["amount"]), commitments["fund_envelope"]["unit"]) == (
        Decimal("630000000"),
        "MAD",
    )
    assert (Decimal(commitments["land_hectares"]["amount"]), commitments["land_hectares"]["unit"]) == (
        Decimal("57"),
        "ha",
    )
    assert contract["amendments"] == []


def test_the_openapi_document_is_served_and_lists_the_paths(db):
    response = Client().get(f"{API}/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in (
        "/api/v1/programmes",
        "/api/v1/ecosystems/{code}",
        "/api/v1/contracts/{code}",
        "/api/v1/contracts/{code}/targets",
        "/api/v1/targets/{pk}/milestones/{year}",
        "/api/v1/contracts/{code}/amendments",
        "/api/v1/amendments/{pk}/decision",
        "/api/v1/organisations",
    ):
        assert path in paths, path
    assert "put" in paths["/api/v1/targets/{pk}/milestones/{year}"]


# --------------------------------------------------------------------------------------------------
# Invalid input: a 4xx JSON body naming each field, and nothing written
# --------------------------------------------------------------------------------------------------


def test_a_target_without_a_baseline_year_is_refused_naming_the_field_and_nothing_is_written(imm, admin, api_for):
    before = Target.objects.count()

    response = api_for(admin).post(
        f"{API}/contracts/IMM-CP/targets",
        {"indicator": "EXPORTS", "baseline_value": "2200000000", "horizon_value": "3000000000"},
        content_type="application/json",
    )

    body = assert_error(response, 400, "baseline_year", code="baseline_year_required")
    assert body["message"] == english(BASELINE_YEAR_REQUIRED)
    assert Target.objects.count() == before


def test_a_target_with_values_of_the_wrong_type_gets_422_naming_each_field(imm, admin, api_for):
    before = Target.objects.count()

    response = api_for(admin).post(
        f"{API}/contracts/IMM-CP/targets",
        {"indicator": "EXPORTS", "baseline_value": "0", "baseline_year": "two thousand", "horizon_value": "lots"},
        content_type="application/json",
    )

    body = assert_error(response, 422, "baseline_year", "horizon_value", code="invalid")
    assert {e["field"] for e in body["errors"]} == {"baseline_year", "horizon_value"}
    assert Target.objects.count() == before


def test_a_target_missing_a_required_field_gets_422_naming_it(imm, admin, api_for):
    response = api_for(admin).post(
        f"{API}/contracts/IMM-CP/targets",
        {"baseline_value": "0", "baseline_year": 2015},
        content_type="application/json",
    )

    assert_error(response, 422, "indicator", "horizon_value", code="invalid")


def test_an_organisation_with_an_invalid_ice_is_refused_naming_the_ice_and_nothing_is_written(imm, admin, api_for):
    before = Organisation.objects.count()

    response = api_for(admin).post(
        f"{API}/organisations",
        {"kind": "company", "name": "Fonderie du Nord", "ice": "001561191000067"},
        content_type="application/json",
    )

    body = assert_error(response, 400, "ice", code="ice_invalid")
    assert [e["field"] for e in body["errors"]] == ["ice"]
    assert body["message"] == english(ICE_INVALID)
    assert Organisation.objects.count() == before


def test_an_organisation_with_a_valid_ice_is_created(imm, admin, api_for):
    response = api_for(admin).post(
        f"{API}/organisations",
        {"kind": "company", "name": "Fonderie du Nord", "ice": "001561191000066"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["ice"] == "001561191000066"
    assert Organisation.objects.filter(ice="001561191000066", kind="company").exists()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_error_message_comes_back_in_the_language_the_request_asks_for(imm, admin, client_for, language):
    # Needs the compiled catalogues in src/ecosys/locale/<lang>/LC_MESSAGES/django.mo.
    response = client_for(admin).post(
        f"{API}/organisations",
        {"kind": "company", "name": "Fonderie du Nord", "ice": "123"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    body = assert_error(response, 400, "ice", code="ice_invalid")
    assert response["Content-Language"] == language
    assert body["message"] != english(ICE_INVALID)
    assert body["errors"][0]["message"] != english(ICE_INVALID)
    if language == "ar":
        assert re.search("[\u0600-\u06ff]", body["message"]), body["message"]
    else:
        assert "ICE" in body["message"] and "chiffres" in body["message"], body["message"]


def test_an_error_message_comes_back_in_english_when_the_request_asks_for_english(imm, admin, client_for):
    response = client_for(admin).post(
        f"{API}/organisations",
        {"kind": "company", "name": "Fonderie du Nord", "ice": "123"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert assert_error(response, 400, "ice")["message"] == english(ICE_INVALID)


# --------------------------------------------------------------------------------------------------
# Value chains as CSV files
# --------------------------------------------------------------------------------------------------


def test_a_value_chain_exported_then_imported_back_changes_nothing(imm, make_user, api_for):
    client = api_for(make_user(Role.FEDERATION_OFFICER))
    exported = client.get(f"{API}/ecosystems/IMM-TM/value-chain.csv")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    assert 'filename="IMM-TM-value-chain.csv"' in exported["Content-Disposition"]
    text = exported.content.decode("utf-8")
    assert text.splitlines()[0] == "tier,activity,hs_code"
    ecosystem = Ecosystem.objects.get(code="IMM-TM")
    history_before = ecosystem.history.count()

    first = client.post(f"{API}/ecosystems/IMM-TM/value-chain", csv_upload(text))
    second = client.post(f"{API}/ecosystems/IMM-TM/value-chain", csv_upload(text))

    assert first.status_code == 200, first.content
    assert first.json() == {"created": 0, "deleted": 0}
    assert second.json() == {"created": 0, "deleted": 0}
    assert client.get(f"{API}/ecosystems/IMM-TM/value-chain.csv").content.decode("utf-8") == text
    assert ecosystem.history.count() == history_before


def test_a_changed_value_chain_imports_once_and_a_second_import_of_the_same_file_changes_nothing(imm, admin, api_for):
    client = api_for(admin)
    text = client.get(f"{API}/ecosystems/IMM-VAL/value-chain.csv").content.decode("utf-8")
    lines = text.splitlines()
    # Drop the aluminium castings, add copper articles to the foundry tier.
    changed = (
        "\n".join([line for line in lines if not line.endswith(",7616")] + ["Fonderie,Articles en cuivre,7419"]) + "\n"
    )

    first = client.post(f"{API}/ecosystems/IMM-VAL/value-chain", csv_upload(changed))
    second = client.post(f"{API}/ecosystems/IMM-VAL/value-chain", csv_upload(changed))

    assert first.status_code == 200, first.content
    assert first.json() == {"created": 2, "deleted": 1}  # activity + product created, old activity gone
    assert second.json() == {"created": 0, "deleted": 0}
    codes = set(
        ActivityProduct.objects.filter(activity__tier__ecosystem__code="IMM-VAL").values_list("hs_code", flat=True)
    )
    assert "7419" in codes and "7616" not in codes


@pytest.mark.parametrize("unknown_code", ["999999", "720499"])
def test_a_value_chain_with_an_unknown_hs_code_is_refused_naming_row_and_column_and_nothing_changes(
    imm, admin, api_for, unknown_code
):
    client = api_for(admin)
    text = client.get(f"{API}/ecosystems/IMM-VAL/value-chain.csv").content.decode("utf-8")
    bad_row = len(text.splitlines()) + 1  # the header is row 1
    bad = text + f"Fonderie,Pièces mystère,{unknown_code}\n"

    response = client.post(f"{API}/ecosystems/IMM-VAL/value-chain", csv_upload(bad))

    body = assert_error(response, 400, code="file_invalid")
    problems = [e for e in body["errors"] if e.get("column") == "hs_code"]
    assert problems, body
    assert problems[0]["row"] == bad_row
    assert unknown_code in problems[0]["message"]
    assert client.get(f"{API}/ecosystems/IMM-VAL/value-chain.csv").content.decode("utf-8") == text


# --------------------------------------------------------------------------------------------------
# Milestones
# --------------------------------------------------------------------------------------------------


def test_a_milestone_override_sets_the_year_s_value_and_keeps_the_horizon(imm, make_user, api_for):
    target = jobs_target(imm)
    before = milestone_values(target)

    response = api_for(make_user(Role.FEDERATION_OFFICER)).put(
        f"{API}/targets/{target.pk}/milestones/2017",
        {"value": "5000", "reason": "Déclarations CNSS 2017"},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    milestone = response.json()
    assert milestone["year"] == 2017
    assert Decimal(milestone["value"]) == Decimal("5000")
    assert milestone["overridden"] is True
    assert milestone["override_reason"] == "Déclarations CNSS 2017"
    after = milestone_values(target)
    assert after[2017] == Decimal("5000")
    assert after[2016] != before[2016]  # the other milestones bend through the new anchor
    assert list(after.values()) == sorted(after.values())
    assert after[2020] == Decimal("13340")
    assert (
        Milestone.objects.get(target=target, year=2017).history.first().history_change_reason
        == "Déclarations CNSS 2017"
    )
    # What the S-curve alone gives for 2017 stays beside the override.
    assert Decimal(milestone["derived_value"]) == before[2017]


def test_a_body_that_is_not_json_gets_400_naming_the_body_in_the_reader_s_language(imm, admin, api_for):
    target = jobs_target(imm)
    response = api_for(admin).put(
        f"{API}/targets/{target.pk}/milestones/2017",
        "{not json",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"][0]["field"] == "body"
    assert body["message"] == "Le corps de la requête n'est pas un JSON valide."


def test_a_milestone_override_beyond_the_horizon_is_refused_naming_the_year(imm, admin, api_for):
    target = jobs_target(imm)
    before = milestone_values(target)

    response = api_for(admin).put(
        f"{API}/targets/{target.pk}/milestones/2021",
        {"value": "15000", "reason": "Prolongation"},
        content_type="application/json",
    )

    body = assert_error(response, 400, "year", code="override_beyond_horizon")
    assert body["message"] == english(MILESTONE_BEYOND_HORIZON)
    assert milestone_values(target) == before


def test_a_milestone_override_without_a_reason_is_refused_and_changes_nothing(imm, admin, api_for):
    target = jobs_target(imm)
    before = milestone_values(target)
    client = api_for(admin)
    url = f"{API}/targets/{target.pk}/milestones/2017"

    blank = client.put(url, {"value": "5000", "reason": "  "}, content_type="application/json")
    missing = client.put(url, {"value": "5000"}, content_type="application/json")

    body = assert_error(blank, 400, "reason", code="reason_required")
    assert body["message"] == english(REASON_REQUIRED)
    assert_error(missing, 422, "reason", code="invalid")
    assert milestone_values(target) == before


# --------------------------------------------------------------------------------------------------
# Amendments: proposed by one person, approved by another
# --------------------------------------------------------------------------------------------------


def _propose(client: Client, target: Target, value: str = "15000") -> dict[str, Any]:
    response = client.post(
        f"{API}/contracts/IMM-CP/amendments",
        {"reason": "Objectif d'emplois relevé", "targets": [{"id": target.pk, "horizon_value": value}]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_an_amendment_approved_by_a_second_person_creates_version_2_and_changes_the_target_and_its_milestones(
    imm, make_user, api_for
):
    target = jobs_target(imm)
    milestones_before = milestone_values(target)
    author, approver = make_user(Role.MINISTRY_ADMIN), make_user(Role.FEDERATION_OFFICER)

    proposed = _propose(api_for(author), target)
    assert (proposed["status"], proposed["proposed_by"], proposed["number"]) == ("proposed", author.username, 1)
    assert PerformanceContract.objects.get(pk=imm.pk).version == 1  # nothing applied yet
    assert milestone_values(target) == milestones_before

    response = api_for(approver).post(
        f"{API}/amendments/{proposed['id']}/decision", {"approve": True, "note": "Vu"}, content_type="application/json"
    )

    assert response.status_code == 200, response.content
    decided = response.json()
    assert (decided["status"], decided["decided_by"], decided["resulting_version"]) == (
        "approved",
        approver.username,
        2,
    )
    contract = api_for(approver).get(f"{API}/contracts/IMM-CP").json()
    assert contract["version"] == 2
    jobs = next(t for t in contract["targets"] if t["indicator"] == "JOBS_CREATED")
    assert Decimal(jobs["horizon_value"]) == Decimal("15000")
    after = milestone_values(target)
    assert after[2020] == Decimal("15000")
    assert after != milestones_before
    assert all(after[year] > milestones_before[year] for year in range(2016, 2020))
    history = api_for(approver).get(f"{API}/contracts/IMM-CP/history").json()
    assert any("Objectif d'emplois relevé" in entry["reason"] for entry in history)


def test_an_amendment_approved_by_its_author_is_refused_and_changes_nothing(imm, admin, api_for):
    target = jobs_target(imm)
    milestones_before = milestone_values(target)
    client = api_for(admin)
    proposed = _propose(client, target)

    response = client.post(
        f"{API}/amendments/{proposed['id']}/decision",
        {"approve": True, "note": "Moi-même"},
        content_type="application/json",
    )

    body = assert_error(response, 400, code="four_eyes")
    assert body["message"] == english(AMENDMENT_SELF_APPROVAL)
    amendment = ContractAmendment.objects.get(pk=proposed["id"])
    assert (amendment.status, amendment.decided_by_id, amendment.resulting_version) == ("proposed", None, None)
    contract = PerformanceContract.objects.get(pk=imm.pk)
    assert contract.version == 1
    assert jobs_target(contract).horizon_value == Decimal("13340")
    assert milestone_values(target) == milestones_before


def test_an_amendment_that_changes_nothing_is_refused(imm, admin, api_for):
    target = jobs_target(imm)

    response = api_for(admin).post(
        f"{API}/contracts/IMM-CP/amendments",
        {"reason": "Rien", "targets": [{"id": target.pk, "horizon_value": "13340"}]},
        content_type="application/json",
    )

    assert_error(response, 400, code="amendment_empty")
    assert ContractAmendment.objects.count() == 0


# --------------------------------------------------------------------------------------------------
# Token authentication and organisation scoping
# --------------------------------------------------------------------------------------------------


def test_a_bearer_token_authenticates_reads_and_writes(imm, admin):
    token, key = api_token_create(actor=admin, name="ci")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")

    me = client.get(f"{API}/me")
    proposed = client.post(
        f"{API}/contracts/IMM-CP/amendments",
        {"reason": "Par jeton", "targets": [{"id": jobs_target(imm).pk, "horizon_value": "14000"}]},
        content_type="application/json",
    )

    assert me.status_code == 200
    assert me.json()["username"] == admin.username
    assert me.json()["roles"] == [Role.MINISTRY_ADMIN.value]
    assert proposed.status_code == 201, proposed.content
    amendment = ContractAmendment.objects.get()
    assert amendment.proposed_by == admin
    assert amendment.history.get().history_user == admin  # the audit trail names the token's owner
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert key not in (token.digest, token.prefix)


def test_a_token_created_through_the_api_is_shown_once_and_works(imm, admin, api_for):
    response = api_for(admin).post(f"{API}/tokens", {"name": "script"}, content_type="application/json")

    assert response.status_code == 201
    key = response.json()["key"]
    assert key.startswith("eco_")
    assert Client().get(f"{API}/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()["username"] == admin.username


@pytest.mark.parametrize("case", ["revoked", "unknown", "owner deactivated", "missing"])
def test_a_revoked_or_unknown_token_gets_401(imm, admin, case):
    token, key = api_token_create(actor=admin, name="ci")
    if case == "revoked":
        token.revoked_at = timezone.now()
        token.save()
    elif case == "unknown":
        key = "eco_" + "x" * 43
    elif case == "owner deactivated":
        User.objects.filter(pk=admin.pk).update(is_active=False)
    headers = {} if case == "missing" else {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    response = Client().get(f"{API}/contracts", **headers)
    write = Client().post(f"{API}/tokens", {"name": "x"}, content_type="application/json", **headers)

    assert_error(response, 401, code="unauthenticated")
    assert_error(write, 401, code="unauthenticated")


def test_a_company_user_sees_only_its_own_organisation(imm, make_user, api_for):
    company_user = make_user(Role.COMPANY_USER)
    own = company_user.memberships.get().organisation
    other_company = make_user(Role.COMPANY_USER).memberships.get().organisation
    client = api_for(company_user)

    listed = client.get(f"{API}/organisations")

    assert listed.status_code == 200
    assert [(o["id"], o["ice"]) for o in listed.json()] == [(own.pk, own.ice)]
    assert client.get(f"{API}/organisations/{own.pk}").status_code == 200
    for hidden in (other_company, Organisation.objects.get(acronym="MICIEN")):
        assert_error(client.get(f"{API}/organisations/{hidden.pk}"), 404, code="not_found")


def test_staff_see_every_organisation(imm, make_user, api_for):
    make_user(Role.COMPANY_USER)

    listed = api_for(make_user(Role.FUND_OFFICER)).get(f"{API}/organisations").json()

    assert len(listed) == Organisation.objects.count()
    assert {"FIMME", "MICIEN", "MEF", "FDII"} <= {o["acronym"] for o in listed}
