"""API endpoints for the current user, organisations and API tokens."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from ecosys.accounts import selectors, services
from ecosys.core.permissions import actor_roles

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    roles: list[str]
    organisations: list[int]


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


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "username": user.get_username(),
        "roles": sorted(actor_roles(user)),  # type: ignore[arg-type]
        "organisations": list(user.memberships.filter(is_active=True).values_list("organisation_id", flat=True)),  # type: ignore[union-attr]
    }


@router.get("/organisations", response=list[OrganisationOut])
def organisation_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return selectors.organisation_list(actor=request.user)  # type: ignore[arg-type]


@router.get("/organisations/{pk}", response=OrganisationOut)
def organisation_get(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return selectors.organisation_get(actor=request.user, pk=pk)  # type: ignore[arg-type]


@router.post("/organisations", response={201: OrganisationOut})
def organisation_create(request: HttpRequest, payload: OrganisationIn):  # type: ignore[no-untyped-def]
    return 201, services.organisation_create(actor=request.user, **payload.dict())  # type: ignore[arg-type]


@router.post("/tokens", response={201: TokenOut})
def token_create(request: HttpRequest, payload: TokenIn):  # type: ignore[no-untyped-def]
    token, key = services.api_token_create(actor=request.user, name=payload.name)  # type: ignore[arg-type]
    return 201, {"name": token.name, "key": key}
