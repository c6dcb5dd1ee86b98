"""The project bank, investment projects, their yearly plans, milestones and lifecycle events."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecosys.core.models import TimeStamped, Trilingual
from ecosys.investments.lifecycle import Status

GENERATED_HELP = _("Generated demo data, not real figures.")


class Region(Trilingual):
    """One of Morocco's 12 regions (2015 division); shipped reference data."""

    code = models.CharField(_("code"), max_length=5, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Province(Trilingual):
    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("prefecture")
        PROVINCE = "province", _("province")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region"))
    code = models.CharField(_("code"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("prefecture or province")
        verbose_name_plural = _("prefectures and provinces")
        ordering = ["region", "name_fr"]

    def __str__(self) -> str:
        return self.name


class OpportunitySheet(Trilingual, TimeStamped):
    """A sheet of the project bank: an activity the federation offers to investors."""

    class SheetStatus(models.TextChoices):
        OPEN = "open", _("open")
        TAKEN = "taken", _("taken")
        WITHDRAWN = "withdrawn", _("withdrawn")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    ecosystem = models.ForeignKey(
        "programmes.Ecosystem", on_delete=models.PROTECT, related_name="sheets", verbose_name=_("ecosystem")
    )
    activity = models.ForeignKey(
        "programmes.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("activity"),
    )
    hs_codes = models.JSONField(_("HS codes"), default=list, blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    market_size_mad = models.DecimalField(
        _("market size (MAD)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    market_source = models.CharField(_("source of the market size"), max_length=300, blank=True)
    indicative_investment_mad = models.DecimalField(
        _("indicative investment (MAD)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    indicative_jobs = models.PositiveIntegerField(_("indicative jobs"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.OPEN)
    is_generated = models.BooleanField(_("generated demo data"), default=False, help_text=GENERATED_HELP)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project bank sheet")
        verbose_name_plural = _("project bank sheets")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class InvestmentProject(TimeStamped):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    company = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="projects", verbose_name=_("company")
    )
    ecosystem = models.ForeignKey(
        "programmes.Ecosystem", on_delete=models.PROTECT, related_name="projects", verbose_name=_("ecosystem")
    )
    activity = models.ForeignKey(
        "programmes.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("activity"),
    )
    hs_codes = models.JSONField(_("HS codes"), default=list, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("province"))
    investment_mad = models.DecimalField(_("investment (MAD)"), max_digits=18, decimal_places=2)
    land_need_m2 = models.PositiveIntegerField(_("land need (m²)"), default=0)
    sheet = models.ForeignKey(
        OpportunitySheet,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("sheet"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.IDENTIFIED)
    suspended_from = models.CharField(_("status before suspension"), max_length=20, choices=Status.choices, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    agreement_date = models.DateField(_("agreement date"), null=True, blank=True)
    is_generated = models.BooleanField(_("generated demo data"), default=False, help_text=GENERATED_HELP)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["code"]
        indexes = [models.Index(fields=["ecosystem", "status"]), models.Index(fields=["company", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(investment_mad__gte=0), name="project_investment_not_negative"),
            models.CheckConstraint(
                condition=Q(agreement_date__isnull=False)
                | ~Q(status__in=["agreement_signed", "under_construction", "in_production", "completed"]),
                name="project_signed_has_agreement_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class ProjectPlanYear(models.Model):
    """What the project plans to achieve in one year (jobs are the headcount added since the start)."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.CASCADE, related_name="plan", verbose_name=_("project")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    jobs = models.PositiveIntegerField(_("jobs"), default=0)
    turnover_mad = models.DecimalField(_("turnover (MAD)"), max_digits=18, decimal_places=2, default=0)
    exports_mad = models.DecimalField(_("exports (MAD)"), max_digits=18, decimal_places=2, default=0)
    value_added_mad = models.DecimalField(_("value added (MAD)"), max_digits=18, decimal_places=2, default=0)
    import_substitution_mad = models.DecimalField(
        _("import substitution (MAD)"), max_digits=18, decimal_places=2, default=0
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("yearly plan")
        verbose_name_plural = _("yearly plans")
        ordering = ["project", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="plan_unique_year")]

    def __str__(self) -> str:
        return f"{self.project.code} {self.year}"


class ProjectMilestone(models.Model):
    class Kind(models.TextChoices):
        LAND = "land", _("land secured")
        CONSTRUCTION_START = "construction_start", _("construction starts")
        PRODUCTION_START = "production_start", _("production starts")
        FULL_CAPACITY = "full_capacity", _("full capacity")

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project milestone")
        verbose_name_plural = _("project milestones")
        ordering = ["project", "planned_date"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="project_milestone_unique_kind")]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_kind_display()}"


class ProjectEvent(models.Model):
    """A dated change of status, with who made it and why."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.CASCADE, related_name="events", verbose_name=_("project")
    )
    source = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    target = models.CharField(_("to"), max_length=20, choices=Status.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["project", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.source} → {self.target}"
