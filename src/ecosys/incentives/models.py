"""Support instruments (1): grant schemes as versioned rules, applications, envelopes and payments.

A scheme version holds its rules as the mapping ``ecosys.analytics.incentive_schemes`` reads; an
application keeps the facts it was evaluated on and, once decided, the evaluation it was decided on,
so a later version of the scheme never changes it. Envelopes carry their committed and paid sums
under database checks, so no approval or payment can take them past their amount, whatever runs
at the same moment.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecosys.core.models import TimeStamped


class Scheme(TimeStamped):
    """A support scheme (FDII 2015, Investment Charter 2022, SME scheme 2025) across its versions."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support scheme")
        verbose_name_plural = _("support schemes")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class SchemeVersion(TimeStamped):
    """One version of a scheme's rules, valid between two dates; versions of a scheme never overlap."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="versions", verbose_name=_("scheme"))
    number = models.PositiveSmallIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: still in force."))
    rules = models.JSONField(_("rules"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_unique_number"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="scheme_version_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · v{self.number}"


class Envelope(TimeStamped):
    """A budget of a programme (optionally one ecosystem, one scheme); commitments and payments stay within it."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="envelopes", verbose_name=_("programme")
    )
    ecosystem = models.ForeignKey(
        "programmes.Ecosystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="envelopes",
        verbose_name=_("ecosystem"),
        help_text=_("Empty for the whole programme."),
    )
    scheme = models.ForeignKey(
        Scheme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="envelopes",
        verbose_name=_("scheme"),
        help_text=_("Empty for every scheme."),
    )
    name = models.CharField(_("name"), max_length=200)
    amount_mad = models.DecimalField(_("amount (MAD)"), max_digits=18, decimal_places=2)
    committed_mad = models.DecimalField(_("committed (MAD)"), default=Decimal(0), max_digits=18, decimal_places=2)
    paid_mad = models.DecimalField(_("paid (MAD)"), default=Decimal(0), max_digits=18, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("envelope")
        verbose_name_plural = _("envelopes")
        ordering = ["programme", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_mad__gte=0), name="envelope_amount_not_negative"),
            models.CheckConstraint(condition=Q(paid_mad__gte=0), name="envelope_paid_not_negative"),
            # The two invariants of the fund: never commit more than the envelope, never pay more than committed.
            models.CheckConstraint(condition=Q(committed_mad__lte=F("amount_mad")), name="envelope_within_amount"),
            models.CheckConstraint(
                condition=Q(paid_mad__lte=F("committed_mad")), name="envelope_paid_within_committed"
            ),
            models.UniqueConstraint(
                fields=["programme", "ecosystem", "scheme"],
                name="envelope_unique_scope",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def available_mad(self) -> Decimal:
        return self.amount_mad - self.committed_mad


class Application(TimeStamped):
    """A company's application for a grant under one scheme version, for one of its projects."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted, eligibility checked")
        REVIEWED = "reviewed", _("reviewed by the fund")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SIGNED = "signed", _("agreement signed")
        CLOSED = "closed", _("closed")
        CLAWED_BACK = "clawed_back", _("closed with clawback")

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    project = models.ForeignKey(
        "investments.InvestmentProject",
        on_delete=models.PROTECT,
        related_name="grant_applications",
        verbose_name=_("project"),
    )
    company = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="grant_applications",
        verbose_name=_("company"),
    )
    version = models.ForeignKey(
        SchemeVersion, on_delete=models.PROTECT, related_name="applications", verbose_name=_("scheme version")
    )
    envelope = models.ForeignKey(
        Envelope,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("envelope"),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    applied_on = models.DateField(_("application date"))
    facts = models.JSONField(_("facts declared"), default=dict)
    evaluation = models.JSONField(_("eligibility and grant computed"), default=dict, blank=True)
    eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    computed_grant_mad = models.DecimalField(
        _("grant computed (MAD)"), null=True, blank=True, max_digits=18, decimal_places=2
    )
    granted_mad = models.DecimalField(_("grant decided (MAD)"), null=True, blank=True, max_digits=18, decimal_places=2)
    tranches = models.JSONField(_("tranches"), default=list, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    review_note = models.TextField(_("review"), blank=True)
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)
    clawback_tolerance = models.DecimalField(
        _("clawback tolerance"),
        max_digits=5,
        decimal_places=4,
        default=Decimal(0),
        help_text=_("Shortfall of the worst-met commitment that is forgiven (0 to 1), from the agreement."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    recovered_mad = models.DecimalField(_("recovered (MAD)"), default=Decimal(0), max_digits=18, decimal_places=2)
    is_generated = models.BooleanField(_("generated demo data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant application")
        verbose_name_plural = _("grant applications")
        ordering = ["-applied_on", "-id"]
        constraints = [
            # Four eyes: the person who decides is not the person who reviewed.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | Q(reviewed_by__isnull=True) | ~Q(decided_by=F("reviewed_by")),
                name="application_decider_is_not_reviewer",
            ),
            models.CheckConstraint(
                condition=Q(granted_mad__isnull=True) | Q(granted_mad__gte=0), name="application_grant_not_negative"
            ),
            # Never above what the scheme computes (its caps applied).
            models.CheckConstraint(
                condition=Q(granted_mad__isnull=True) | Q(granted_mad__lte=F("computed_grant_mad")),
                name="application_grant_within_computed",
            ),
            models.CheckConstraint(condition=Q(recovered_mad__gte=0), name="application_recovered_not_negative"),
        ]
        indexes = [models.Index(fields=["company", "status"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def paid_mad(self) -> Decimal:
        return sum((p.amount_mad for p in self.payments.all()), Decimal(0))


class InvestmentProof(TimeStamped):
    """A document proving part of the investment (invoice, deed), counted once the fund has checked it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="proofs", verbose_name=_("application")
    )
    category = models.CharField(_("expense category"), max_length=40)
    amount_mad = models.DecimalField(_("amount (MAD)"), max_digits=18, decimal_places=2)
    description = models.CharField(_("document"), max_length=300)
    document = models.FileField(_("file"), upload_to="incentives/proofs/%Y/", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    verified_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investment proof")
        verbose_name_plural = _("investment proofs")
        ordering = ["application", "created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_mad__gt=0), name="proof_amount_positive"),
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | ~Q(verified_by=F("added_by")),
                name="proof_checked_by_another_person",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Payment(TimeStamped):
    """A tranche paid, with the verified figures that released it."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="payments", verbose_name=_("application")
    )
    tranche = models.PositiveSmallIntegerField(_("tranche"))
    amount_mad = models.DecimalField(_("amount (MAD)"), max_digits=18, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    verified_jobs = models.IntegerField(_("verified jobs at release"))
    proven_investment_mad = models.DecimalField(
        _("proven investment at release (MAD)"), max_digits=18, decimal_places=2
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("released by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["application", "tranche"]
        constraints = [
            models.UniqueConstraint(fields=["application", "tranche"], name="payment_one_per_tranche"),
            models.CheckConstraint(condition=Q(amount_mad__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.application} · {self.tranche + 1}"


class Clawback(TimeStamped):
    """Money recovered from a grant whose commitments were not met, computed by the scheme's rule."""

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="clawback", verbose_name=_("application")
    )
    amount_mad = models.DecimalField(_("recovered (MAD)"), max_digits=18, decimal_places=2)
    earned_mad = models.DecimalField(_("earned by the realisations (MAD)"), max_digits=18, decimal_places=2)
    achievement = models.DecimalField(_("achievement"), max_digits=7, decimal_places=4)
    worst = models.CharField(_("worst-met commitment"), max_length=12, blank=True)
    verified_jobs = models.IntegerField(_("verified jobs"))
    proven_investment_mad = models.DecimalField(_("proven investment (MAD)"), max_digits=18, decimal_places=2)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clawback")
        verbose_name_plural = _("clawbacks")
        constraints = [models.CheckConstraint(condition=Q(amount_mad__gte=0), name="clawback_not_negative")]

    def __str__(self) -> str:
        return f"{self.application} · {self.amount_mad}"
