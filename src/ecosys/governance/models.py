"""Joint governance of a programme: committees and their members, meetings with minutes, agenda,
attendance and decisions, the initiatives decided there, their progress notes and reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ecosys.core.models import TimeStamped


class Committee(TimeStamped):
    """A body of the programme's joint governance (ministry, federation, companies)."""

    class Kind(models.TextChoices):
        STEERING = "steering", _("steering committee")
        FOLLOW_UP = "follow_up", _("follow-up committee")
        TECHNICAL = "technical", _("technical committee")

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.PROTECT, related_name="committees", verbose_name=_("programme")
    )
    ecosystem = models.ForeignKey(
        "programmes.Ecosystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committees",
        verbose_name=_("ecosystem"),
        help_text=_("Empty for a committee of the whole programme."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chair"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["programme", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(TimeStamped):
    """An organisation sitting on a committee, represented by a named person or as such."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="members", verbose_name=_("committee")
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("representative"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "organisation__name"]
        constraints = [
            # Two partial constraints: NULL users would otherwise never collide.
            models.UniqueConstraint(
                fields=["committee", "organisation", "user"],
                condition=Q(user__isnull=False),
                name="committee_member_unique_person",
            ),
            models.UniqueConstraint(
                fields=["committee", "organisation"],
                condition=Q(user__isnull=True),
                name="committee_member_unique_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.user}" if self.user_id else str(self.organisation)


class Meeting(TimeStamped):
    """A meeting of a committee, with the programme's KPI figures as they stood that day."""

    class MinutesStatus(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("committee")
    )
    held_on = models.DateField(_("held on"))
    title = models.CharField(_("title"), max_length=200)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_status = models.CharField(
        _("minutes status"), max_length=10, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("minutes approved by"),
    )
    approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    kpi_snapshot = models.JSONField(_("KPI figures at the meeting"), default=dict, blank=True)
    kpi_as_of = models.DateField(_("KPI figures as of (month)"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["committee", "-held_on"]

    def __str__(self) -> str:
        return f"{self.committee} · {self.held_on:%Y-%m-%d}"


class AboutContract(models.Model):
    """What an agenda item or an initiative is about: a contract, one of its KPI targets, a project."""

    contract = models.ForeignKey(
        "programmes.PerformanceContract",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contract"),
    )
    target = models.ForeignKey(
        "programmes.Target", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("KPI")
    )
    project = models.ForeignKey(
        "investments.InvestmentProject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("project"),
    )

    class Meta:
        abstract = True


class AgendaItem(AboutContract):
    """A point of a meeting's agenda, optionally about a contract, a KPI target, a project, a grant
    application or a land request."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("meeting"))
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    application = models.ForeignKey(
        "incentives.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grant application"),
    )
    land_request = models.ForeignKey(
        "land.LandRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("land request"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="agenda_item_unique_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("meeting"))
    member = models.ForeignKey(
        CommitteeMember, on_delete=models.PROTECT, related_name="attendance", verbose_name=_("member")
    )
    present = models.BooleanField(_("present"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_unique_member")]

    def __str__(self) -> str:
        return f"{self.member}: {'present' if self.present else 'absent'}"


class Decision(TimeStamped):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("meeting"))
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("text"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="decision_unique_position")]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.position}"


class Initiative(AboutContract, TimeStamped):
    """Something a committee asked an organisation to do by a date, followed until done or dropped."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("committee")
    )
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("decision"),
    )
    title = models.CharField(_("title"), max_length=300)
    owner_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner organisation")
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner (person)"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    ecosystem = models.ForeignKey(
        "programmes.Ecosystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ecosystem"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="dropped") | ~Q(drop_reason=""), name="initiative_dropped_has_reason"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ProgressNote(models.Model):
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="notes", verbose_name=_("initiative")
    )
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    at = models.DateTimeField(_("written at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["initiative", "at"]

    def __str__(self) -> str:
        return f"{self.initiative} · {self.at:%Y-%m-%d}"


class Notification(models.Model):
    """A reminder sent to one person about one initiative's due date: never twice for the same date."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("initiative")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_date = models.DateField(_("due date"))
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "initiative", "kind", "due_date"], name="notification_sent_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.initiative} · {self.get_kind_display()}"
