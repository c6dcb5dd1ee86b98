"""Programmes, sectors, ecosystems and their value chains; performance contracts with their
indicators, targets, yearly milestones, commitments and amendments."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecosys.core.models import TimeStamped, Trilingual


class Programme(Trilingual, TimeStamped):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_year", "code"]

    def __str__(self) -> str:
        return self.name


class Sector(Trilingual, TimeStamped):
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="sectors", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    federation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("federation"),
    )

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Ecosystem(Trilingual, TimeStamped):
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="ecosystems", verbose_name=_("sector"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    value_chain_note = models.CharField(
        _("value chain note"),
        max_length=300,
        blank=True,
        help_text=_("Where the value chain comes from (e.g. illustrative, drawn up by the Ecosys team)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ecosystem")
        verbose_name_plural = _("ecosystems")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def description(self) -> str:
        from ecosys.core.i18n import localized

        return localized(self, "description")


class ValueChainTier(Trilingual):
    ecosystem = models.ForeignKey(
        Ecosystem, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("ecosystem")
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("value chain tier")
        verbose_name_plural = _("value chain tiers")
        ordering = ["ecosystem", "position"]
        constraints = [models.UniqueConstraint(fields=["ecosystem", "name_fr"], name="tier_unique_name")]

    def __str__(self) -> str:
        return self.name


class Activity(Trilingual):
    tier = models.ForeignKey(
        ValueChainTier, on_delete=models.CASCADE, related_name="activities", verbose_name=_("tier")
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["tier", "position"]
        constraints = [models.UniqueConstraint(fields=["tier", "name_fr"], name="activity_unique_name")]

    def __str__(self) -> str:
        return self.name


class ActivityProduct(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="products", verbose_name=_("activity")
    )
    hs_code = models.CharField(_("HS code"), max_length=6)

    class Meta:
        verbose_name = _("activity product (HS code)")
        verbose_name_plural = _("activity products (HS codes)")
        ordering = ["activity", "hs_code"]
        constraints = [models.UniqueConstraint(fields=["activity", "hs_code"], name="activity_product_unique")]

    def __str__(self) -> str:
        return self.hs_code


class Indicator(Trilingual, TimeStamped):
    class Unit(models.TextChoices):
        JOBS = "jobs", _("jobs")
        MAD = "MAD", _("MAD")
        PERCENT = "%", _("%")
        HECTARES = "ha", _("ha")
        COUNT = "count", _("count")

    class MeasureKind(models.TextChoices):
        FLOW = "flow", _("flow (adds up over periods and units)")
        STOCK = "stock", _("stock (last value of the period, adds up across units)")
        RATIO = "ratio", _("ratio (recomputed from numerator and denominator)")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("higher is better")
        DECREASE = "decrease", _("lower is better")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    measure_kind = models.CharField(_("measure kind"), max_length=10, choices=MeasureKind.choices)
    numerator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("numerator")
    )
    denominator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("denominator")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.INCREASE)
    definition_fr = models.TextField(_("definition (French)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    definition_ar = models.TextField(_("definition (Arabic)"), blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(measure_kind="ratio", numerator__isnull=False, denominator__isnull=False)
                    | (~Q(measure_kind="ratio") & Q(numerator__isnull=True, denominator__isnull=True))
                ),
                name="indicator_ratio_has_terms",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def definition(self) -> str:
        from ecosys.core.i18n import localized

        return localized(self, "definition")


class SectorBaseline(TimeStamped):
    """A figure describing the sector before its contracts (firms, jobs, turnover, exports)."""

    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="baselines", verbose_name=_("sector"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        verbose_name = _("sector baseline")
        verbose_name_plural = _("sector baselines")
        constraints = [models.UniqueConstraint(fields=["sector", "indicator"], name="sector_baseline_unique")]


class PerformanceContract(Trilingual, TimeStamped):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SIGNED = "signed", _("signed")
        CLOSED = "closed", _("closed")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("sector"))
    ecosystems = models.ManyToManyField(Ecosystem, related_name="contracts", blank=True, verbose_name=_("ecosystems"))
    horizon_year = models.PositiveSmallIntegerField(_("horizon year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("performance contract")
        verbose_name_plural = _("performance contracts")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ContractParty(models.Model):
    contract = models.ForeignKey(
        PerformanceContract, on_delete=models.CASCADE, related_name="parties", verbose_name=_("contract")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("contract party")
        verbose_name_plural = _("contract parties")
        ordering = ["contract", "position"]
        constraints = [models.UniqueConstraint(fields=["contract", "organisation"], name="contract_party_unique")]

    def __str__(self) -> str:
        return str(self.organisation)


class ContractSigning(Trilingual):
    """A dated signature of the contract (the IMM contracts were signed in 2016 and 2017)."""

    contract = models.ForeignKey(
        PerformanceContract, on_delete=models.CASCADE, related_name="signings", verbose_name=_("contract")
    )
    signed_on = models.DateField(_("signed on"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["contract", "signed_on"]
        constraints = [models.UniqueConstraint(fields=["contract", "signed_on"], name="contract_signing_unique")]

    def __str__(self) -> str:
        return f"{self.signed_on:%Y-%m-%d}"


class Target(TimeStamped):
    class Shape(models.TextChoices):
        LINEAR = "linear", _("linear")
        S_CURVE = "s_curve", _("S-curve")

    class Gender(models.TextChoices):
        ALL = "", _("all")
        WOMEN = "women", _("women")
        MEN = "men", _("men")

    contract = models.ForeignKey(
        PerformanceContract, on_delete=models.CASCADE, related_name="targets", verbose_name=_("contract")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("indicator")
    )
    ecosystem = models.ForeignKey(
        Ecosystem, null=True, blank=True, on_delete=models.PROTECT, related_name="targets", verbose_name=_("ecosystem")
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    gender = models.CharField(_("gender"), max_length=10, blank=True, choices=Gender.choices)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=20, decimal_places=2)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    horizon_value = models.DecimalField(_("horizon value"), max_digits=20, decimal_places=2)
    horizon_year = models.PositiveSmallIntegerField(_("horizon year"))
    shape = models.CharField(_("milestone shape"), max_length=10, choices=Shape.choices, default=Shape.LINEAR)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["contract", "indicator__code"]
        constraints = [
            # Two partial constraints instead of NULLS NOT DISTINCT, which SQLite lacks.
            models.UniqueConstraint(
                fields=["contract", "indicator", "ecosystem", "region", "gender"],
                condition=Q(ecosystem__isnull=False),
                name="target_unique_breakdown",
            ),
            models.UniqueConstraint(
                fields=["contract", "indicator", "region", "gender"],
                condition=Q(ecosystem__isnull=True),
                name="target_unique_breakdown_all_ecosystems",
            ),
            models.CheckConstraint(
                condition=Q(horizon_year__gt=models.F("baseline_year")), name="target_horizon_after_baseline"
            ),
        ]

    def __str__(self) -> str:
        parts = [self.indicator.code]
        if self.ecosystem_id:
            parts.append(str(self.ecosystem.code if self.ecosystem else self.ecosystem_id))
        if self.region:
            parts.append(self.region)
        if self.gender:
            parts.append(self.gender)
        return " · ".join(parts)

    @property
    def increment(self) -> Decimal:
        return self.horizon_value - self.baseline_value


class Milestone(models.Model):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("target"))
    year = models.PositiveSmallIntegerField(_("year"))
    derived_value = models.DecimalField(_("derived value"), max_digits=20, decimal_places=2)
    override_value = models.DecimalField(_("overridden value"), max_digits=20, decimal_places=2, null=True, blank=True)
    override_reason = models.CharField(_("reason for the override"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["target", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="milestone_unique_year")]

    def __str__(self) -> str:
        return f"{self.target} {self.year}"

    @property
    def value(self) -> Decimal:
        return self.override_value if self.override_value is not None else self.derived_value

    @property
    def is_overridden(self) -> bool:
        return self.override_value is not None


class Commitment(TimeStamped):
    class Kind(models.TextChoices):
        FUND_ENVELOPE = "fund_envelope", _("fund envelope")
        LAND_HECTARES = "land_hectares", _("land (hectares)")
        INVESTMENT = "investment", _("investment")
        JOBS = "jobs", _("jobs")
        TRAINING = "training", _("training")

    contract = models.ForeignKey(
        PerformanceContract, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("contract")
    )
    party = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("party")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, choices=Indicator.Unit.choices)
    description_fr = models.CharField(_("description (French)"), max_length=300, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_ar = models.CharField(_("description (Arabic)"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["contract", "kind"]
        constraints = [models.UniqueConstraint(fields=["contract", "party", "kind"], name="commitment_unique_kind")]

    def __str__(self) -> str:
        return f"{self.party} · {self.get_kind_display()}"

    @property
    def description(self) -> str:
        from ecosys.core.i18n import localized

        return localized(self, "description")


class ContractAmendment(TimeStamped):
    """A proposed change to a signed contract; applied as a new version once a second person approves."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    contract = models.ForeignKey(
        PerformanceContract, on_delete=models.PROTECT, related_name="amendments", verbose_name=_("contract")
    )
    number = models.PositiveIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    resulting_version = models.PositiveIntegerField(_("resulting version"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")
        ordering = ["contract", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="amendment_unique_number"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("proposed_by")),
                name="amendment_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.code} · {self.number}"
