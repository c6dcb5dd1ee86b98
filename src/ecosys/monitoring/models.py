"""Monitoring: status thresholds, validated (locked) periods, pre-computed dashboards, reports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecosys.core.models import TimeStamped


class StatusThresholds(TimeStamped):
    """When a KPI is on track, at risk or off track: its actual as a share of the period's milestone."""

    programme = models.OneToOneField(
        "programmes.Programme", on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("programme")
    )
    on_track_percent = models.DecimalField(
        _("on-track threshold (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("95.0"),
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    at_risk_percent = models.DecimalField(
        _("at-risk threshold (%)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("75.0"),
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status thresholds")
        verbose_name_plural = _("status thresholds")
        constraints = [
            models.CheckConstraint(
                condition=Q(at_risk_percent__lte=models.F("on_track_percent")), name="thresholds_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.on_track_percent} / {self.at_risk_percent}"


class Period(TimeStamped):
    """A quarter of a programme whose figures were validated: locked, they are frozen."""

    class Status(models.TextChoices):
        LOCKED = "locked", _("validated and locked")
        UNLOCKED = "unlocked", _("unlocked for corrections")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="periods", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.LOCKED)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("locked by")
    )
    locked_at = models.DateTimeField(_("locked at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("validated period")
        verbose_name_plural = _("validated periods")
        ordering = ["programme", "-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "quarter"], name="period_unique_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="period_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year}-T{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year} T{self.quarter}"

    @property
    def last_month(self) -> date:
        return date(self.year, 3 * self.quarter, 1)


class UnlockRequest(TimeStamped):
    """A reasoned request to unlock a validated period; another person grants or refuses it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="unlocks", verbose_name=_("period"))
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unlock request")
        verbose_name_plural = _("unlock requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(status="pending"), name="unlock_one_pending_per_period"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="unlock_decided_by_another_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.get_status_display()}"


class Snapshot(models.Model):
    """The dashboard figures of a programme as of a month, computed once and read by every page.

    ``frozen`` snapshots were taken when a period was locked and never change; the others are
    recomputed by the task worker when realisations change (``stale`` meanwhile).
    """

    class Basis(models.TextChoices):
        VERIFIED = "verified", _("verified values only")
        DECLARED = "declared", _("all declared values")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("programme")
    )
    as_of = models.DateField(_("as of (month)"))
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.VERIFIED)
    period = models.ForeignKey(
        Period, null=True, blank=True, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("period")
    )
    computed_at = models.DateTimeField(_("computed at"))
    seconds = models.FloatField(_("computing time (s)"), default=0)
    stale = models.BooleanField(_("being refreshed"), default=False)
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        ordering = ["programme", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "as_of", "basis"], condition=Q(period__isnull=True), name="snapshot_unique_live"
            ),
            models.UniqueConstraint(
                fields=["period", "basis"], condition=Q(period__isnull=False), name="snapshot_unique_frozen"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.as_of:%Y-%m} {self.basis}"


class Report(TimeStamped):
    """A PDF report made in the background, with its progress."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("quarterly programme report")
        ECOSYSTEM = "ecosystem", _("ecosystem report")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="+", verbose_name=_("programme")
    )
    ecosystem = models.ForeignKey(
        "programmes.Ecosystem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("ecosystem"),
    )
    as_of = models.DateField(_("as of (month)"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.as_of:%Y-%m} ({self.language})"
