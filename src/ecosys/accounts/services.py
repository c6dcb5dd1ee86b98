"""Writes for organisations, users, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ma import ice as stdnum_ice

from ecosys.accounts.models import LANGUAGE_CHOICES, ApiToken, Membership, Organisation, User
from ecosys.core.errors import PermissionDenied, ValidationFailed
from ecosys.core.permissions import NOT_ALLOWED, require, roles_forget
from ecosys.core.roles import Role

ICE_INVALID = _("The ICE must be 15 digits with a valid control key (e.g. 001561191000066).")
ICE_REQUIRED = _("A company needs its ICE.")
ICE_TAKEN = _("Another organisation already has this ICE.")
COMPANY_ROLE_NEEDS_COMPANY = _("The company user role is only for members of a company.")
ECOSYSTEM_ONLY_FOR_MANAGERS = _("Only an ecosystem manager membership is limited to one ecosystem.")
LANGUAGE_UNKNOWN = _("Choose French, English or Arabic.")


def ice_clean(value: str) -> str:
    """Return the ICE in its 15-digit form, or raise ValidationFailed naming the field."""
    try:
        return str(stdnum_ice.validate(value))
    except StdnumError as exc:
        raise ValidationFailed(ICE_INVALID, field="ice", code="ice_invalid") from exc


def organisation_create(*, actor: User | None, kind: str, name: str, acronym: str = "", ice: str = "") -> Organisation:
    """Create an organisation; a company must carry a valid, unused ICE."""
    if actor is not None:
        require(actor, "organisation.manage")
    if kind not in Organisation.Kind.values:
        raise ValidationFailed(_("Unknown organisation kind."), field="kind")
    if not name.strip():
        raise ValidationFailed(_("The name is required."), field="name")
    ice = ice.strip()
    if ice:
        ice = ice_clean(ice)
    elif kind == Organisation.Kind.COMPANY:
        raise ValidationFailed(ICE_REQUIRED, field="ice", code="ice_required")
    with transaction.atomic():
        if ice and Organisation.objects.filter(ice=ice).exists():
            raise ValidationFailed(ICE_TAKEN, field="ice", code="ice_taken")
        return Organisation.objects.create(kind=kind, name=name.strip(), acronym=acronym.strip(), ice=ice)


def membership_create(
    *, actor: User | None, user: User, organisation: Organisation, role: str, ecosystem: object | None = None
) -> Membership:
    """Give a user a role in an organisation, keeping company roles inside companies."""
    if actor is not None:
        require(actor, "organisation.manage")
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role."), field="role")
    is_company = organisation.kind == Organisation.Kind.COMPANY
    if (role == Role.COMPANY_USER) != is_company:
        raise ValidationFailed(COMPANY_ROLE_NEEDS_COMPANY, field="role")
    if ecosystem is not None and role != Role.ECOSYSTEM_MANAGER:
        raise ValidationFailed(ECOSYSTEM_ONLY_FOR_MANAGERS, field="ecosystem")
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, ecosystem=ecosystem, defaults={"is_active": True}
    )
    roles_forget(user)
    return membership


def user_language_set(*, actor: User, language: str) -> User:
    """Record the language the actor's pages are shown in when their browser has not chosen one."""
    if not actor.is_authenticated:
        raise PermissionDenied(NOT_ALLOWED, code="forbidden:signed_in")
    language = language.strip()
    if language not in dict(LANGUAGE_CHOICES):
        raise ValidationFailed(LANGUAGE_UNKNOWN, field="preferred_language", code="language_unknown")
    if actor.preferred_language != language:
        actor.preferred_language = language
        actor.save(update_fields=["preferred_language"])
    return actor


def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for the actor and return it with its key, which is never stored nor shown again."""
    key = "eco_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, name=name or "api", digest=hashlib.sha256(key.encode()).hexdigest(), prefix=key[4:12]
    )
    return token, key


def api_token_authenticate(key: str) -> User | None:
    """Return the active user owning this key, or None; records the time of use."""
    digest = hashlib.sha256(key.encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(digest=digest, revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
