"""Who may do what: every API endpoint and every page of Ecosys, for each role and for a visitor.

The expected outcomes are declared below as two tables (API_MATRIX and WEB_MATRIX), one row per
endpoint (and per scoping situation where scoping matters), one column per actor. They are derived
from ``PERMISSIONS`` in ``ecosys.core.roles`` plus the scoping rules:

* a company user sees only its own organisation (another organisation is hidden: 404);
* an ecosystem manager edits the value chain of its own ecosystem (``membership.ecosystem``) only;
* an amendment is never approved by its author (four-eyes rule: 400, code ``four_eyes``).

Each write is sent with a valid payload, so that an allowed actor gets a 2xx (a redirect to the
success page for a form) and the refusals measured here come from the permission check, not from
bad input. Refusals never write anything.

Pages: reads refused by a permission render a 403 page; a refused form POST is, by design of
``ecosys.web.views.domain_errors``, a redirect back (to the referring page, else home) with an error
message, and nothing written. Anonymous visitors are sent to the login page.

``test_every_api_endpoint_is_in_the_matrix`` and ``test_every_page_is_in_the_matrix`` enumerate the
registered routes, so a new endpoint or page fails the suite until its row is added here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import translation

from ecosys.accounts.models import ApiToken, Organisation, User
from ecosys.core.permissions import NOT_ALLOWED
from ecosys.core.roles import PERMISSIONS, Role
from ecosys.programmes import selectors
from ecosys.programmes.models import (
    ActivityProduct,
    ContractAmendment,
    Ecosystem,
    Milestone,
    PerformanceContract,
    Target,
)
from ecosys.programmes.selectors import NOT_YOUR_ECOSYSTEM
from ecosys.programmes.services.contracts import AMENDMENT_SELF_APPROVAL, contract_amendment_propose

# --------------------------------------------------------------------------------------------------
# The actors (columns) and the outcomes (cells)
# --------------------------------------------------------------------------------------------------

ANON = "anonymous"
ADM, ANA, FED, ECO = Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST, Role.FEDERATION_OFFICER, Role.ECOSYSTEM_MANAGER
COM, FUND, LAND, AUD = Role.COMPANY_USER, Role.FUND_OFFICER, Role.LAND_OFFICER, Role.AUDITOR
COLUMNS: tuple[str, ...] = (ANON, ADM, ANA, FED, ECO, COM, FUND, LAND, AUD)
assert set(COLUMNS[1:]) == set(Role), "every role has a column"

OK = "ok"  # allowed: 2xx from the API; 200 or a redirect to the success page from a page
NO = "forbidden"  # refused by a permission: 403 (API, page read); a refused form: redirect back + error
HID = "hidden"  # refused and the object's existence is not revealed: 404
RULE = "rule"  # the permission passes but a domain rule refuses (four-eyes): 400 / redirect back + error
AUTH = "login"  # anonymous: 401 from the API, redirect to the login page from a page
REFUSALS = {NO, HID, RULE, AUTH}

# The ecosystem manager of the matrix manages IMM-VAL; "other ecosystem" rows use IMM-NM.
OWN_ECOSYSTEM, OTHER_ECOSYSTEM = "IMM-VAL", "IMM-NM"
SIGNED_IN = None  # permission column: no code, any signed-in person (scoped by the selector)

# fmt: off
# Every path under /api/v1/, as registered in the NinjaAPI (path templates, not URLs).
# (method, path,                                situation,
#    permission code           (anon  adm  ana  fed  eco  com  fund land aud)
API_MATRIX: list[tuple[str, str, str, str | None, tuple[str, ...]]] = [
    ("GET",  "/me",                                "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/organisations",                     "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/organisations/{pk}",                "own organisation",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/organisations/{pk}",                "another organisation",
     "organisation.view_all",  (AUTH, OK,  OK,  OK,  OK,  HID, OK,  OK,  OK)),
    ("POST", "/organisations",                     "",
     "organisation.manage",    (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/tokens",                            "",
     SIGNED_IN,                (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/programmes",                        "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/programmes/{code}",                 "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/ecosystems",                        "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/ecosystems/{code}",                 "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/ecosystems/{code}/value-chain.csv", "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "/ecosystems/{code}/value-chain",     "own ecosystem",
     "valuechain.edit",        (AUTH, OK,  NO,  OK,  OK,  NO,  NO,  NO,  NO)),
    ("POST", "/ecosystems/{code}/value-chain",     "other ecosystem",
     "valuechain.edit",        (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "/contracts",                         "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/contracts/{code}",                  "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "/contracts/{code}/history",          "",
     "audit.view",             (AUTH, OK,  OK,  OK,  OK,  NO,  NO,  NO,  OK)),
    ("POST", "/contracts/{code}/targets",          "",
     "programme.manage",       (AUTH, OK,  NO,  NO,  NO,  NO,  NO,  NO,  NO)),
    ("PUT",  "/targets/{pk}/milestones/{year}",    "",
     "target.edit",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/contracts/{code}/amendments",       "",
     "contract.amend.propose", (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/amendments/{pk}/decision",          "proposed by someone else",
     "contract.amend.approve", (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "/amendments/{pk}/decision",          "proposed by the actor",
     "contract.amend.approve", (AUTH, RULE, NO, RULE, NO,  NO,  NO,  NO,  NO)),
]

# Every URL of ecosys.web.urls, by name.
# (method, url name,                    situation,
#    permission code           (anon  adm  ana  fed  eco  com  fund land aud)
WEB_MATRIX: list[tuple[str, str, str, str | None, tuple[str, ...]]] = [
    ("GET",  "web:home",               "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "web:programme",          "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "web:ecosystem",          "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("GET",  "web:value_chain_csv",    "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "web:value_chain_import", "own ecosystem",
     "valuechain.edit",        (AUTH, OK,  NO,  OK,  OK,  NO,  NO,  NO,  NO)),
    ("POST", "web:value_chain_import", "other ecosystem",
     "valuechain.edit",        (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("GET",  "web:contract",           "",
     "programme.view",         (AUTH, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK)),
    ("POST", "web:amendment_propose",  "",
     "contract.amend.propose", (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "web:amendment_decide",   "proposed by someone else",
     "contract.amend.approve", (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
    ("POST", "web:amendment_decide",   "proposed by the actor",
     "contract.amend.approve", (AUTH, RULE, NO, RULE, NO,  NO,  NO,  NO,  NO)),
    ("POST", "web:milestone_set",      "",
     "target.edit",            (AUTH, OK,  NO,  OK,  NO,  NO,  NO,  NO,  NO)),
]
# fmt: on

# Rows whose allowed roles are narrower than their permission code because of a scoping rule.
SCOPED_SITUATIONS = {"another organisation", "other ecosystem", "proposed by the actor"}


# --------------------------------------------------------------------------------------------------
# The world each case runs in, and the request each row sends
# --------------------------------------------------------------------------------------------------


@dataclass
class World:
    contract: PerformanceContract
    actor: User | None
    proposer: User
    client: Client
    jobs: Target = field(init=False)

    def __post_init__(self) -> None:
        self.jobs = self.contract.targets.get(indicator__code="JOBS_CREATED")


@dataclass
class Call:
    """One request: where, what, and what it must change when allowed (nothing when refused)."""

    url: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    state: Callable[[], Any] | None = None  # a snapshot of what an allowed write changes
    success_url: str | None = None  # pages: where an allowed request redirects (None: 200)


def _json(payload: dict[str, Any]) -> dict[str, Any]:
    return {"data": payload, "content_type": "application/json"}


NEW_COMPANY_ICE = "001561191000066"


def _value_chain_file(code: str) -> SimpleUploadedFile:
    """The ecosystem's exported value chain plus one product, so an allowed import changes something."""
    ecosystem = Ecosystem.objects.get(code=code)
    text = selectors.value_chain_csv(ecosystem=ecosystem)
    tier = ecosystem.tiers.order_by("position").first()
    text += f"{tier.name_fr},Articles en cuivre,7419\n"
    return SimpleUploadedFile(f"{code}.csv", text.encode(), content_type="text/csv")


def _products(code: str) -> Callable[[], int]:
    return lambda: ActivityProduct.objects.filter(activity__tier__ecosystem__code=code).count()


def _amendment(world: World, *, by_actor: bool) -> ContractAmendment:
    amendment = contract_amendment_propose(
        actor=world.proposer,
        contract=world.contract,
        reason="Révision de l'objectif d'emplois",
        changes={"targets": [{"id": world.jobs.pk, "horizon_value": "15000"}]},
    )
    if by_actor and world.actor is not None:
        ContractAmendment.objects.filter(pk=amendment.pk).update(proposed_by=world.actor)
    return amendment


def _decision_state(amendment: ContractAmendment) -> Callable[[], Any]:
    def snapshot() -> Any:
        amendment.refresh_from_db()
        contract = PerformanceContract.objects.get(pk=amendment.contract_id)
        return (
            amendment.status,
            amendment.decided_by_id,
            contract.version,
            Target.objects.get(contract=contract, indicator__code="JOBS_CREATED").horizon_value,
        )

    return snapshot


def _milestone_state(target: Target, year: int) -> Callable[[], Any]:
    return lambda: Milestone.objects.get(target=target, year=year).override_value


def _own_organisation(world: World) -> int:
    if world.actor is None:
        return Organisation.objects.get(acronym="MICIEN").pk
    return world.actor.memberships.get().organisation_id


API = "/api/v1"


def api_call(world: World, method: str, path: str, situation: str) -> Call:
    key = (method, path, situation)
    contract = world.contract
    if key == ("GET", "/organisations/{pk}", "own organisation"):
        return Call(f"{API}/organisations/{_own_organisation(world)}")
    if key == ("GET", "/organisations/{pk}", "another organisation"):
        return Call(f"{API}/organisations/{Organisation.objects.get(acronym='MICIEN').pk}")
    if key == ("POST", "/organisations", ""):
        payload = {"kind": "company", "name": "Fonderie Nouvelle SA", "acronym": "FNSA", "ice": NEW_COMPANY_ICE}
        return Call(
            f"{API}/organisations", _json(payload), lambda: Organisation.objects.filter(ice=NEW_COMPANY_ICE).count()
        )
    if key == ("POST", "/tokens", ""):
        return Call(f"{API}/tokens", _json({"name": "matrix"}), lambda: ApiToken.objects.filter(name="matrix").count())
    if key == ("GET", "/programmes/{code}", ""):
        return Call(f"{API}/programmes/{contract.sector.programme.code}")
    if key == ("GET", "/ecosystems/{code}", ""):
        return Call(f"{API}/ecosystems/{OWN_ECOSYSTEM}")
    if key == ("GET", "/ecosystems/{code}/value-chain.csv", ""):
        return Call(f"{API}/ecosystems/{OWN_ECOSYSTEM}/value-chain.csv")
    if method == "POST" and path == "/ecosystems/{code}/value-chain":
        code = OWN_ECOSYSTEM if situation == "own ecosystem" else OTHER_ECOSYSTEM
        return Call(
            f"{API}/ecosystems/{code}/value-chain", {"data": {"file": _value_chain_file(code)}}, _products(code)
        )
    if key == ("GET", "/contracts/{code}", ""):
        return Call(f"{API}/contracts/{contract.code}")
    if key == ("GET", "/contracts/{code}/history", ""):
        return Call(f"{API}/contracts/{contract.code}/history")
    if key == ("POST", "/contracts/{code}/targets", ""):
        payload = {
            "indicator": "EXPORTS",
            "baseline_value": "2200000000",
            "baseline_year": 2015,
            "horizon_value": "3000000000",
            "source": "matrix",
        }
        return Call(f"{API}/contracts/{contract.code}/targets", _json(payload), lambda: contract.targets.count())
    if key == ("PUT", "/targets/{pk}/milestones/{year}", ""):
        payload = {"value": "5000", "reason": "Chiffres CNSS 2017"}
        return Call(
            f"{API}/targets/{world.jobs.pk}/milestones/2017", _json(payload), _milestone_state(world.jobs, 2017)
        )
    if key == ("POST", "/contracts/{code}/amendments", ""):
        payload = {"reason": "Révision", "targets": [{"id": world.jobs.pk, "horizon_value": "15000"}]}
        return Call(f"{API}/contracts/{contract.code}/amendments", _json(payload), lambda: contract.amendments.count())
    if method == "POST" and path == "/amendments/{pk}/decision":
        amendment = _amendment(world, by_actor=situation == "proposed by the actor")
        return Call(
            f"{API}/amendments/{amendment.pk}/decision",
            _json({"approve": True, "note": "Vu"}),
            _decision_state(amendment),
        )
    if method == "GET" and "{" not in path:
        return Call(f"{API}{path}")
    raise AssertionError(f"No request written for {key}: add one to api_call().")


def web_call(world: World, method: str, name: str, situation: str) -> Call:
    contract = world.contract
    contract_url = reverse("web:contract", kwargs={"code": contract.code})
    if name == "web:home":
        return Call(
            reverse(name), success_url=reverse("web:programme", kwargs={"code": contract.sector.programme.code})
        )
    if name == "web:programme":
        return Call(reverse(name, kwargs={"code": contract.sector.programme.code}))
    if name in {"web:ecosystem", "web:value_chain_csv"}:
        return Call(reverse(name, kwargs={"code": OWN_ECOSYSTEM}))
    if name == "web:value_chain_import":
        code = OWN_ECOSYSTEM if situation == "own ecosystem" else OTHER_ECOSYSTEM
        return Call(
            reverse(name, kwargs={"code": code}),
            {"data": {"file": _value_chain_file(code)}},
            _products(code),
            success_url=reverse("web:ecosystem", kwargs={"code": code}),
        )
    if name == "web:contract":
        return Call(contract_url)
    if name == "web:amendment_propose":
        data = {"reason": "Révision", f"target_{world.jobs.pk}": "15000"}
        return Call(
            reverse(name, kwargs={"code": contract.code}),
            {"data": data},
            lambda: contract.amendments.count(),
            contract_url,
        )
    if name == "web:amendment_decide":
        amendment = _amendment(world, by_actor=situation == "proposed by the actor")
        return Call(
            reverse(name, kwargs={"pk": amendment.pk}),
            {"data": {"decision": "approve", "note": "Vu"}},
            _decision_state(amendment),
            contract_url,
        )
    if name == "web:milestone_set":
        return Call(
            reverse(name, kwargs={"pk": world.jobs.pk, "year": 2017}),
            {"data": {"value": "5000", "reason": "Chiffres CNSS 2017"}},
            _milestone_state(world.jobs, 2017),
            contract_url,
        )
    raise AssertionError(f"No request written for {name}: add one to web_call().")


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Users are signed in with force_login; hashing their factory password slowly buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _world(imm: PerformanceContract, make_user, client_for, actor_name: str) -> World:
    proposer = make_user(Role.MINISTRY_ADMIN)
    if actor_name == ANON:
        return World(imm, None, proposer, Client())
    role = Role(actor_name)
    ecosystem = Ecosystem.objects.get(code=OWN_ECOSYSTEM) if role == Role.ECOSYSTEM_MANAGER else None
    actor = make_user(role, ecosystem=ecosystem)
    return World(imm, actor, proposer, client_for(actor))


def _cases(matrix: list[tuple[str, str, str, str | None, tuple[str, ...]]]) -> list[Any]:
    return [
        pytest.param(
            method,
            route,
            situation,
            actor,
            outcome,
            id=f"{method} {route}{f' ({situation})' if situation else ''} as {actor}",
        )
        for method, route, situation, _perm, outcomes in matrix
        for actor, outcome in zip(COLUMNS, outcomes, strict=True)
    ]


def _send(client: Client, method: str, call: Call) -> Any:
    send = getattr(client, method.lower())
    return send(call.url, **call.kwargs)


# --------------------------------------------------------------------------------------------------
# The matrix itself
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path", "situation", "actor", "outcome"), _cases(API_MATRIX))
def test_api_endpoint_answers_each_actor_as_the_matrix_says(
    imm, make_user, client_for, method, path, situation, actor, outcome
):
    world = _world(imm, make_user, client_for, actor)
    call = api_call(world, method, path, situation)
    before = call.state() if call.state else None

    response = _send(world.client, method, call)

    status = response.status_code
    if outcome == OK:
        assert 200 <= status < 300, (status, response.content[:500])
        if call.state:
            assert call.state() != before, "an allowed write must change something"
        return
    expected = {AUTH: 401, NO: 403, HID: 404, RULE: 400}[outcome]
    assert status == expected, (status, response.content[:500])
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["message"]
    if outcome == AUTH:
        assert body["code"] == "unauthenticated"
    elif outcome == NO:
        assert body["code"].startswith("forbidden")
    elif outcome == HID:
        assert body["code"] == "not_found"
    else:
        assert body["code"] == "four_eyes"
    if call.state:
        assert call.state() == before, "a refused request must write nothing"


@pytest.mark.parametrize(("method", "name", "situation", "actor", "outcome"), _cases(WEB_MATRIX))
def test_page_answers_each_actor_as_the_matrix_says(
    imm, make_user, client_for, method, name, situation, actor, outcome
):
    world = _world(imm, make_user, client_for, actor)
    call = web_call(world, method, name, situation)
    before = call.state() if call.state else None

    response = _send(world.client, method, call)

    status = response.status_code
    if outcome == AUTH:
        assert status == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
        if call.state:
            assert call.state() == before
        return
    messages = list(get_messages(response.wsgi_request))
    errors = [str(m) for m in messages if m.level_tag == "error"]
    if outcome == OK:
        if call.success_url is None:
            assert status == 200, (status, response.content[:500])
        else:
            assert status == 302, (status, response.content[:500])
            assert response["Location"] == call.success_url
            assert not errors, errors
        if call.state:
            assert call.state() != before, "an allowed write must change something"
        return
    if method == "GET":
        assert status == {NO: 403, HID: 404}[outcome], status
        return
    # A refused form: back to where it came from (home, as no Referer is sent), with the reason.
    assert status == 302, (status, response.content[:500])
    assert response["Location"] == reverse("web:home")
    reasons = {NO: [NOT_ALLOWED, NOT_YOUR_ECOSYSTEM], RULE: [AMENDMENT_SELF_APPROVAL]}[outcome]
    with translation.override(world.actor.preferred_language):  # pages speak the person's language
        assert errors and errors[0] in {str(reason) for reason in reasons}, errors
    assert call.state() == before, "a refused form must write nothing"


# --------------------------------------------------------------------------------------------------
# The matrix covers every route, and agrees with the permission codes
# --------------------------------------------------------------------------------------------------


def _registered_api_operations() -> set[tuple[str, str]]:
    from ecosys.config.api import api

    operations = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    operations.add(
                        (method.upper(), "/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/")))
                    )
    return operations


def test_every_api_endpoint_is_in_the_matrix():
    registered = _registered_api_operations()
    declared = {(method, path) for method, path, *_rest in API_MATRIX}
    assert registered, "no API operation found: the enumeration is broken"
    assert registered - declared == set(), "endpoints missing from API_MATRIX"
    assert declared - registered == set(), "API_MATRIX lists endpoints that no longer exist"


def test_the_openapi_document_lists_the_same_endpoints_as_the_matrix(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    registered = {(method.upper(), path.removeprefix("/api/v1")) for path, item in paths.items() for method in item}
    assert registered == {(method, path) for method, path, *_rest in API_MATRIX}


def test_every_page_is_in_the_matrix():
    from ecosys.web import urls

    names = set()
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern), f"{pattern}: include()d URLs need their own rows"
        assert pattern.name, f"{pattern.pattern} has no name, give it one and a row in WEB_MATRIX"
        names.add(f"{urls.app_name}:{pattern.name}")
    declared = {name for _method, name, *_rest in WEB_MATRIX}
    assert names - declared == set(), "pages missing from WEB_MATRIX"
    assert declared - names == set(), "WEB_MATRIX lists pages that no longer exist"


@pytest.mark.parametrize("matrix", [API_MATRIX, WEB_MATRIX], ids=["api", "web"])
def test_the_matrix_follows_the_permission_codes(matrix):
    for method, route, situation, permission, outcomes in matrix:
        row = f"{method} {route} {situation}"
        by_actor = dict(zip(COLUMNS, outcomes, strict=True))
        assert by_actor[ANON] == AUTH, row
        allowed = {role for role in Role if by_actor[role] == OK}
        holders = set(Role) if permission is SIGNED_IN else set(PERMISSIONS[permission])
        if situation in SCOPED_SITUATIONS:
            assert allowed <= holders, row
        else:
            assert allowed == holders, row
        for role in set(Role) - holders:
            assert by_actor[role] in {NO, HID}, row
        assert set(outcomes) <= {OK} | REFUSALS, row


@pytest.mark.parametrize("name", sorted({name for method, name, *_rest in WEB_MATRIX if method == "POST"}))
def test_a_form_url_refuses_a_plain_get(name, make_user, client_for):
    kwargs = {"pk": 1, "year": 2017} if "milestone" in name else {"pk": 1} if "decide" in name else {"code": "IMM-CP"}
    response = client_for(make_user(Role.MINISTRY_ADMIN)).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 405
