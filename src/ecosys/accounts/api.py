"""API endpoints for the current user, organisations and API tokens."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema, Status

from ecosys.accounts import selectors, services
from ecosys.accounts.models import User
from ecosys.core.http import actor_of
from ecosys.core.permissions import actor_roles

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    roles: list[str]
    organisations: list[int]
    preferred_language: str


class MeIn(Schema):
    preferred_language: str


class OrganisationOut(Schema):
    id: int
    kind: str
    name: str
    acronym: str
    ice: str


class OrganisationIn(Schema):
    kind: str
    name: str
    acronym: str = ""
    ice: str = ""


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    name: str
    key: str


def _me(user: User) -> dict[str, object]:
    memberships = selectors.membership_list_own(actor=user)
    return {
        "username": user.get_username(),
        "roles": sorted(actor_roles(user)),
        "organisations": sorted({m.organisation_id for m in memberships}),
        "preferred_language": user.preferred_language,
    }


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    return _me(actor_of(request))


@router.patch("/me", response=MeOut)
def me_update(request: HttpRequest, payload: MeIn) -> dict[str, object]:
    """Set the language the person's pages and documents are in (fr, en or ar), as the account page does."""
    user = services.user_language_set(actor=actor_of(request), language=payload.preferred_language)
    return _me(user)


@router.get("/organisations", response=list[OrganisationOut])
def organisation_list(request: HttpRequest):
    return selectors.organisation_list(actor=actor_of(request))


@router.get("/organisations/{pk}", response=OrganisationOut)
def organisation_get(request: HttpRequest, pk: int):
    return selectors.organisation_get(actor=actor_of(request), pk=pk)


@router.post("/organisations", response={201: OrganisationOut})
def organisation_create(request: HttpRequest, payload: OrganisationIn):
    return Status(201, services.organisation_create(actor=actor_of(request), **payload.dict()))


@router.post("/tokens", response={201: TokenOut})
def token_create(request: HttpRequest, payload: TokenIn):
    token, key = services.api_token_create(actor=actor_of(request), name=payload.name)
    return Status(201, {"name": token.name, "key": key})
