"""Support instruments (2): industrial zones and parcels, investors' land requests and what they hold.

Invariants held by the database, whatever runs at the same moment:

* a parcel is held by at most one live holding (a partial unique index on ``Holding.parcel``);
* a zone's allocated area never exceeds its area (a check on ``Zone.allocated_m2``, moved by one
  conditional ``UPDATE`` per allocation);
* an expired reservation holds nothing: reservations past their expiry are ended (``live`` false)
  before any new reservation is taken, in the same transaction, and by the worker's sweep.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecosys.core.models import TimeStamped

GENERATED_HELP = _("Generated for the demonstration, not real data.")


class Zone(TimeStamped):
    """An industrial zone: a sale park or a rental park, drawn from its GeoJSON outline."""

    class Kind(models.TextChoices):
        SALE = "sale", _("sale park")
        RENTAL = "rental", _("rental park")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="zones", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "investments.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    province = models.ForeignKey(
        "investments.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    geometry = models.JSONField(_("outline (GeoJSON, WGS 84)"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=1)
    declared_area_m2 = models.DecimalField(
        _("declared area (m²)"), max_digits=14, decimal_places=1, null=True, blank=True
    )
    grid = models.CharField(_("projection of the areas"), max_length=12)
    allocated_m2 = models.DecimalField(_("allocated (m²)"), max_digits=14, decimal_places=1, default=Decimal(0))
    is_generated = models.BooleanField(_("generated demo data"), default=False, help_text=GENERATED_HELP)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("industrial zone")
        verbose_name_plural = _("industrial zones")
        ordering = ["programme", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(allocated_m2__gte=0), name="zone_allocated_not_negative"),
            models.CheckConstraint(condition=Q(allocated_m2__lte=F("area_m2")), name="zone_allocates_within_its_area"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hectares(self) -> Decimal:
        return self.area_m2 / 10_000


class Parcel(TimeStamped):
    """A parcel of a zone, with its price (sale) or rent (rental park) and its services."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("available")
        RESERVED = "reserved", _("reserved")
        ALLOCATED = "allocated", _("allocated")
        CONTRACTED = "contracted", _("lease or sale signed")
        BUILT = "built", _("built")
        WITHDRAWN = "withdrawn", _("withdrawn from the offer")

    SERVICES = ("power", "water", "rail", "gas", "sewer", "fibre")

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="parcels", verbose_name=_("zone"))
    code = models.CharField(_("code"), max_length=40)
    geometry = models.JSONField(_("outline (GeoJSON, WGS 84)"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=14, decimal_places=1)
    declared_area_m2 = models.DecimalField(
        _("declared area (m²)"), max_digits=14, decimal_places=1, null=True, blank=True
    )
    price_mad_per_m2 = models.DecimalField(_("price (MAD/m²)"), max_digits=10, decimal_places=2, null=True, blank=True)
    rent_mad_per_m2_month = models.DecimalField(
        _("rent (MAD/m²/month)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    services = models.JSONField(_("services"), default=list, blank=True)
    neighbours = models.JSONField(_("adjacent parcels"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.AVAILABLE)
    is_generated = models.BooleanField(_("generated demo data"), default=False, help_text=GENERATED_HELP)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parcel")
        verbose_name_plural = _("parcels")
        ordering = ["zone", "code"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="parcel_unique_code_in_zone"),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="parcel_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.zone.code}/{self.code}"


class LandRequest(TimeStamped):
    """An investor's request for land for one of its projects, from submission to the built plant."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        RESERVED = "reserved", _("reserved")
        ALLOCATED = "allocated", _("allocated")
        CONTRACTED = "contracted", _("lease or sale signed")
        BUILT = "built", _("built")
        RELEASED = "released", _("released")
        WITHDRAWN = "withdrawn", _("withdrawn")
        EXPIRED = "expired", _("reservation expired")

    class Agreement(models.TextChoices):
        LEASE = "lease", _("lease")
        SALE = "sale", _("sale")

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    project = models.ForeignKey(
        "investments.InvestmentProject",
        on_delete=models.PROTECT,
        related_name="land_requests",
        verbose_name=_("project"),
    )
    company = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="land_requests", verbose_name=_("company")
    )
    area_m2 = models.DecimalField(_("area requested (m²)"), max_digits=14, decimal_places=1)
    max_area_m2 = models.DecimalField(
        _("largest acceptable area (m²)"),
        max_digits=14,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty: the requested area plus a quarter."),
    )
    max_parcels = models.PositiveSmallIntegerField(_("parcels at most"), default=1)
    services_needed = models.JSONField(_("services needed"), default=list, blank=True)
    preferred_zones = models.ManyToManyField(Zone, blank=True, related_name="+", verbose_name=_("preferred zones"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    agreement = models.CharField(_("agreement"), max_length=6, choices=Agreement.choices, blank=True)
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    reason = models.TextField(_("reason of the release or withdrawal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    is_generated = models.BooleanField(_("generated demo data"), default=False, help_text=GENERATED_HELP)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("land request")
        verbose_name_plural = _("land requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="land_request_area_positive"),
            models.CheckConstraint(
                condition=Q(max_parcels__gte=1) & Q(max_parcels__lte=4), name="land_request_max_parcels_1_to_4"
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return self.reference


class Holding(models.Model):
    """A parcel held by a request: reserved until a date, then allocated; ended on release, withdrawal or expiry."""

    request = models.ForeignKey(
        LandRequest, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("request")
    )
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="holdings", verbose_name=_("parcel"))
    live = models.BooleanField(_("live"), default=True)
    reserved_at = models.DateTimeField(_("reserved at"))
    reserved_until = models.DateTimeField(_("reservation expires at"))
    allocated_at = models.DateTimeField(_("allocated at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reserved by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        ordering = ["request", "parcel"]
        constraints = [
            # The invariant of the land office: a parcel is never held by two live requests.
            models.UniqueConstraint(fields=["parcel"], condition=Q(live=True), name="parcel_held_once"),
            models.CheckConstraint(condition=Q(live=True) | Q(ended_at__isnull=False), name="holding_ended_has_date"),
            models.CheckConstraint(condition=Q(reserved_until__gt=F("reserved_at")), name="holding_expiry_after_start"),
        ]
        indexes = [models.Index(fields=["live", "reserved_until"])]

    def __str__(self) -> str:
        return f"{self.request} · {self.parcel}"


class Proposal(TimeStamped):
    """An optimiser run: its settings, the plan it proposed, and whether a person accepted it."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="land_proposals", verbose_name=_("programme")
    )
    parameters = models.JSONField(_("objective, priorities and quotas"))
    plan = models.JSONField(_("proposal"), default=dict)
    objective_value = models.FloatField(_("objective value"), null=True, blank=True)
    mip_gap = models.FloatField(_("optimality gap"), null=True, blank=True)
    proven_optimal = models.BooleanField(_("proven optimal"), default=False)
    solve_seconds = models.FloatField(_("solve time (s)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("optimiser proposal")
        verbose_name_plural = _("optimiser proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.programme} · {self.created_at:%Y-%m-%d %H:%M}"
