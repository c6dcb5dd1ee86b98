"""Organisations (with their ICE), users, memberships with a role, and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecosys.core.models import TimeStamped
from ecosys.core.roles import Role

# Each language named in itself, so that a person can find their own whatever the page's language.
LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]


class User(AbstractUser):
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        default="fr",
        choices=LANGUAGE_CHOICES,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Organisation(TimeStamped):
    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        FEDERATION = "federation", _("Federation")
        COMPANY = "company", _("Company")
        FUND = "fund", _("Fund")
        LAND_AGENCY = "land_agency", _("Land agency")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False)
    ice = models.CharField(
        _("ICE"), max_length=15, blank=True, default="", help_text=_("15-digit common company identifier")
    )
    iati_identifier = models.CharField(
        _("IATI organisation identifier"),
        max_length=60,
        blank=True,
        default="",
        help_text=_("As registered with IATI (e.g. XM-DAC-…); used when this organisation publishes results."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ice"], condition=~Q(ice=""), name="organisation_ice_unique"),
            models.CheckConstraint(condition=~Q(kind="company") | ~Q(ice=""), name="organisation_company_has_ice"),
        ]

    def __str__(self) -> str:
        return self.acronym or self.name


class Membership(TimeStamped):
    """A user acting for an organisation in one role; an ecosystem manager may be limited to one ecosystem."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    ecosystem = models.ForeignKey(
        "programmes.Ecosystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ecosystem"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role", "ecosystem"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class ApiToken(TimeStamped):
    """A bearer token for the API; only its SHA-256 digest is stored, the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
