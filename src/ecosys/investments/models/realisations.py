"""What companies realise, month by month, and where each figure comes from."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecosys.core.models import TimeStamped


class Source(models.TextChoices):
    COMPANY = "company", _("company declaration")
    CNSS = "cnss", _("CNSS (social security)")
    CUSTOMS = "customs", _("customs / Office des Changes")
    TAX = "tax", _("tax (DGI)")
    SURVEY = "survey", _("survey")


class ImportBatch(TimeStamped):
    """One imported file: kept with its hash so that the same file is never imported twice."""

    class Kind(models.TextChoices):
        DECLARATIONS = "declarations", _("company declarations")
        CNSS = "cnss", _("CNSS monthly headcounts")

    class BatchStatus(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        FAILED = "failed", _("refused")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.RUNNING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    company = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("company (for a company's own file)"),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "sha256"], condition=Q(status="done"), name="import_file_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"


class Declaration(TimeStamped):
    """The figures of one company (and project, where known) for one month, from one source."""

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("declared, not yet verified")
        VERIFIED = "verified", _("verified against CNSS")
        DISCREPANCY = "discrepancy", _("differs from CNSS beyond the tolerance")
        RECORD = "record", _("administrative record")

    company = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="declarations", verbose_name=_("company")
    )
    project = models.ForeignKey(
        "investments.InvestmentProject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("project"),
    )
    month = models.DateField(_("month"), help_text=_("First day of the month declared."))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.COMPANY)
    headcount = models.PositiveIntegerField(_("headcount"), null=True, blank=True)
    headcount_women = models.PositiveIntegerField(_("of whom women"), null=True, blank=True)
    gross_hires = models.PositiveIntegerField(_("gross hires"), null=True, blank=True)
    departures = models.PositiveIntegerField(_("departures"), null=True, blank=True)
    turnover_mad = models.DecimalField(_("turnover (MAD)"), max_digits=18, decimal_places=2, null=True, blank=True)
    exports_mad = models.DecimalField(_("exports (MAD)"), max_digits=18, decimal_places=2, null=True, blank=True)
    imports_mad = models.DecimalField(_("imports (MAD)"), max_digits=18, decimal_places=2, null=True, blank=True)
    value_added_mad = models.DecimalField(
        _("value added (MAD)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    verification = models.CharField(
        _("verification"), max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="declarations",
        verbose_name=_("import"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["company", "month", "source"]
        indexes = [models.Index(fields=["company", "source", "month"]), models.Index(fields=["month", "source"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount_women__isnull=True)
                | Q(headcount__isnull=True)
                | Q(headcount_women__lte=models.F("headcount")),
                name="declaration_women_within_headcount",
            ),
            models.UniqueConstraint(
                fields=["company", "project", "month", "source"],
                condition=Q(project__isnull=False),
                name="declaration_unique_project_month_source",
            ),
            models.UniqueConstraint(
                fields=["company", "month", "source"],
                condition=Q(project__isnull=True),
                name="declaration_unique_company_month_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} {self.month:%Y-%m} {self.get_source_display()}"


class VerificationPolicy(models.Model):
    """How far a declared headcount may differ from CNSS and still count as verified (one row)."""

    tolerance_jobs = models.PositiveIntegerField(_("tolerance (jobs)"), default=2)
    tolerance_percent = models.DecimalField(_("tolerance (%)"), max_digits=5, decimal_places=2, default=Decimal("5.00"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verification policy")
        verbose_name_plural = _("verification policy")

    def __str__(self) -> str:
        return f"±{self.tolerance_jobs} / ±{self.tolerance_percent}%"

    @classmethod
    def current(cls) -> VerificationPolicy:
        return cls.objects.order_by("pk").first() or cls()
