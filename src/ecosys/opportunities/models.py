"""Trade datasets and opportunity studies: the platform's records around the framework-free analytics.

A :class:`TradeDataset` is a folder of Parquet parts with a manifest (``ecosys.analytics.trade.dataset``)
under ``settings.TRADE_DIR``; the database keeps its name, what it holds and whether it was generated.
Its *version* is a digest of the source files listed in the manifest, so a study records exactly which
data it read. A :class:`TradeImport` is one file brought by a user and ingested by the worker with its
progress. An :class:`OpportunityStudy` is a run of ``analytics.opportunity.study.run_study``: its
parameters, the dataset version, its progress and its result (JSON), kept as they were computed.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecosys.core.models import TimeStamped

GENERATED_HELP = _("Generated data, labelled as such wherever it is shown.")


class TradeDataset(TimeStamped):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    classification = models.CharField(_("HS revision"), max_length=10, blank=True)
    years = models.JSONField(_("years"), default=list, blank=True)
    rows = models.BigIntegerField(_("rows"), default=0)
    version = models.CharField(_("version"), max_length=64, blank=True)
    is_generated = models.BooleanField(_("generated data"), default=False, help_text=GENERATED_HELP)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("trade dataset")
        verbose_name_plural = _("trade datasets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self) -> Path:
        return Path(settings.TRADE_DIR) / self.code


class TaskStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class TradeImport(TimeStamped):
    class Format(models.TextChoices):
        BACI = "baci", _("CEPII BACI (CSV or release zip)")
        COMTRADE = "comtrade", _("UN Comtrade bulk CSV")
        LONG = "long", _("long table (country, product, value[, year])")

    dataset = models.ForeignKey(
        TradeDataset, on_delete=models.CASCADE, related_name="imports", verbose_name=_("dataset")
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    filename = models.CharField(_("file name"), max_length=255)
    upload = models.FileField(_("file"), upload_to="trade/", max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    rows_written = models.BigIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("trade file import")
        verbose_name_plural = _("trade file imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class OpportunityStudy(TimeStamped):
    title = models.CharField(_("title"), max_length=200)
    dataset = models.ForeignKey(
        TradeDataset, on_delete=models.PROTECT, related_name="studies", verbose_name=_("dataset")
    )
    dataset_version = models.CharField(_("dataset version"), max_length=64, blank=True)
    country = models.CharField(_("country (ISO3)"), max_length=3)
    parameters = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=30, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), null=True, blank=True, editable=False)
    seconds = models.FloatField(_("computing time (s)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["result", "progress", "stage"])

    class Meta:
        verbose_name = _("opportunity study")
        verbose_name_plural = _("opportunity studies")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_generated(self) -> bool:
        return self.dataset.is_generated
