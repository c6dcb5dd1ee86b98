"""Reads of the incentives domain, scoped to what the actor may see.

Schemes, their versions and envelopes are public to every signed-in role. Applications: staff see
all of them; a company user sees its own company's only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecosys.accounts.models import User
from ecosys.analytics.incentive_schemes import Scheme as SchemeRules
from ecosys.analytics.incentive_schemes import scheme_from_mapping
from ecosys.core.errors import NotFound
from ecosys.core.permissions import actor_can, require
from ecosys.incentives.models import Application, Envelope, Payment, Scheme, SchemeVersion
from ecosys.investments.selectors import actor_companies

APPLICATION_NOT_FOUND = _("No such grant application.")
SCHEME_NOT_FOUND = _("No such support scheme.")
ENVELOPE_NOT_FOUND = _("No such envelope.")
ZERO = Decimal(0)


def scheme_list(*, actor: User) -> QuerySet[Scheme]:
    require(actor, "incentives.view")
    return Scheme.objects.prefetch_related(
        Prefetch("versions", queryset=SchemeVersion.objects.order_by("-number"))
    ).order_by("key")


def scheme_get(*, actor: User, key: str) -> Scheme:
    scheme = scheme_list(actor=actor).filter(key=key).first()
    if scheme is None:
        raise NotFound(SCHEME_NOT_FOUND)
    return scheme


def version_rules(version: SchemeVersion) -> SchemeRules:
    """Return the version's rules as the analytics read them."""
    return scheme_from_mapping(version.scheme.key, version.rules)


def uncertain_paths(rules: object, path: str = "") -> list[str]:
    """Return the paths of every figure of a rules mapping marked ``uncertain`` (for the page's flags)."""
    found: list[str] = []
    if isinstance(rules, dict):
        if rules.get("uncertain") is True:
            found.append(path)
        for key, value in rules.items():
            found += uncertain_paths(value, f"{path}.{key}" if path else str(key))
    elif isinstance(rules, list):
        for index, value in enumerate(rules):
            found += uncertain_paths(value, f"{path}[{index}]")
    return found


def envelope_list(*, actor: User) -> QuerySet[Envelope]:
    require(actor, "incentives.view")
    return Envelope.objects.select_related("programme", "ecosystem", "scheme").order_by("programme", "name")


def envelope_get(*, actor: User, pk: int) -> Envelope:
    envelope = envelope_list(actor=actor).filter(pk=pk).first()
    if envelope is None:
        raise NotFound(ENVELOPE_NOT_FOUND)
    return envelope


def application_list(*, actor: User) -> QuerySet[Application]:
    """Return the applications the actor may see: all for staff, its company's for a company user."""
    require(actor, "incentives.view")
    applications = Application.objects.select_related(
        "project", "project__ecosystem", "company", "version", "version__scheme", "envelope"
    )
    if actor_can(actor, "incentives.view_all"):
        return applications
    return applications.filter(company__in=actor_companies(actor))


def application_get(*, actor: User, reference: str) -> Application:
    application = (
        application_list(actor=actor)
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("tranche")), "proofs")
        .filter(reference=reference)
        .first()
    )
    if application is None:
        raise NotFound(APPLICATION_NOT_FOUND)
    return application


def proven_investment(application: Application) -> Decimal:
    """Return the investment proven by documents the fund has checked."""
    return sum((p.amount_mad for p in application.proofs.all() if p.verified_at is not None), Decimal(0))


def envelope_years(envelope: Envelope) -> list[dict[str, Any]]:
    """Return the envelope's commitments by year of decision, oldest first.

    Each row: ``granted`` (the grants decided that year), ``released`` (what clawbacks gave back to
    the envelope: the grant the realisations did not earn), ``committed`` (granted less released, so
    the rows add up to ``envelope.committed_mad``), ``recovered`` (money paid back) and ``applications``.
    """
    rows: dict[int, dict[str, Any]] = {}
    decided = (
        Application.objects.filter(envelope=envelope, granted_mad__isnull=False, decided_at__isnull=False)
        .select_related("clawback")
        .order_by("decided_at")
    )
    for application in decided:
        year = timezone.localtime(application.decided_at).year
        row = rows.setdefault(
            year,
            {"year": year, "granted": ZERO, "released": ZERO, "committed": ZERO, "recovered": ZERO, "applications": 0},
        )
        granted = application.granted_mad or ZERO
        clawback = getattr(application, "clawback", None)
        released = granted - clawback.earned_mad if clawback is not None else ZERO
        row["granted"] += granted
        row["released"] += released
        row["committed"] += granted - released
        row["recovered"] += application.recovered_mad
        row["applications"] += 1
    return [rows[year] for year in sorted(rows)]
