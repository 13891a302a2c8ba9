"""The shared family plan (samlet plan) and network-group meetings (SPEC §4).

Membership itself lives in families (it drives the one access rule); this app
owns what the group does together: the plan, its history and its meetings.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bi18.lib import textlimits
from bi18.lib.versioning import Versioned
from families.models import Family, Person


class PlanArea(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    LANGUAGE = "language", _("Language")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    ECONOMY = "economy", _("Economy")
    CHILDREN_LEISURE = "children_leisure", _("Children and leisure")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


OPEN_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class Plan(Versioned):
    """One plan per family, created with the family (services.plans_create), never by a page."""

    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="plan")
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    review_date = models.DateField(_("next review"))

    class Meta:
        verbose_name = _("family plan")
        verbose_name_plural = _("family plans")
        indexes = [models.Index(fields=["review_date"], name="plan_review_date")]

    def __str__(self) -> str:
        return f"{self.family}"

    @property
    def review_is_due(self) -> bool:
        return self.review_date <= timezone.localdate()


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    # Empty: a goal for the whole family.
    person = models.ForeignKey(
        Person,
        verbose_name=_("for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_goals",
    )
    area = models.CharField(_("area"), max_length=30, choices=PlanArea.choices)
    text = models.TextField(_("goal"), max_length=textlimits.PLAN_ITEM)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "person_id", "area", "id"]
        indexes = [models.Index(fields=["plan", "area"], name="goal_plan_area")]

    def __str__(self) -> str:
        return self.text[:60]


class Action(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions")
    # Denormalised from goal.plan: the agenda and the deadline lists filter on it.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField(_("what"), max_length=textlimits.PLAN_ITEM)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["goal", "deadline", "id"]
        indexes = [
            models.Index(fields=["plan", "status", "deadline"], name="action_plan_status_deadline"),
            models.Index(
                fields=["responsible", "status", "deadline"], name="action_resp_status_deadline"
            ),
        ]

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < timezone.localdate()


class PlanEventVerb(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    REVIEWED = "reviewed", _("reviewed")


class PlanEvent(models.Model):
    """The plan's history: one row per save (a goal or action created or changed, the plan
    reviewed), with its field changes as PlanChange rows. Shown as a sentence
    (networkgroup.history)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    object_type = models.CharField(max_length=10)  # "plan", "goal", "action"
    verb = models.CharField(max_length=10, choices=PlanEventVerb.choices)
    # An event naming a person the goal is no longer for (the move itself, and the goal's
    # earlier events once it moved) is for full members only (networkgroup.access.events).
    names_former_person = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["plan", "at"], name="planevent_plan_at"),
            models.Index(fields=["goal", "at"], name="planevent_goal_at"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.verb}"


class PlanChange(models.Model):
    """One changed field of a PlanEvent, before and after."""

    event = models.ForeignKey(PlanEvent, on_delete=models.CASCADE, related_name="changes")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="changes")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    object_type = models.CharField(max_length=10)  # "plan", "goal", "action"
    field = models.CharField(max_length=40)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["plan", "at"], name="planchange_plan_at"),
            models.Index(fields=["goal", "at"], name="planchange_goal_at"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}.{self.field}"


class Meeting(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    attending_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("attending members"),
        blank=True,
        related_name="+",
    )
    attending_people = models.ManyToManyField(
        Person, verbose_name=_("attending family members"), blank=True, related_name="+"
    )
    interpreter_booked = models.BooleanField(_("interpreter booked"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    # A family member who interprets (discouraged; never a child under 18 — SPEC §4).
    interpreting_person = models.ForeignKey(
        Person,
        verbose_name=_("family member interpreting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agenda = models.TextField(_("agenda"), blank=True, max_length=textlimits.AGENDA)
    # Meeting mode: the agenda item the group is on (0-based, see agenda_items); the
    # coordinator moves it and every open meeting page follows.
    current_agenda_item = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    minutes = models.TextField(_("minutes"), blank=True, max_length=textlimits.MINUTES)
    next_meeting_date = models.DateField(_("next meeting"), null=True, blank=True)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("network-group meeting")
        verbose_name_plural = _("network-group meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["family", "starts_at"], name="meeting_family_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_approved_at__isnull=True)
                | Q(minutes_approved_by__isnull=False),
                name="meeting_approval_has_approver",
            )
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.starts_at:%Y-%m-%d}"

    @property
    def is_locked(self) -> bool:
        return self.minutes_approved_at is not None

    @property
    def has_taken_place(self) -> bool:
        """The meeting's day has come: its minutes may be approved (not before)."""
        return timezone.localtime(self.starts_at).date() <= timezone.localdate()

    @property
    def agenda_items(self) -> list[str]:
        """The agenda as items: a line that starts at the margin opens an item; indented
        lines (the "   - …" of the proposal) belong to the item above."""
        items: list[str] = []
        for line in self.agenda.splitlines():
            if not line.strip():
                continue
            if items and line[:1].isspace():
                items[-1] += "\n" + line.rstrip()
            else:
                items.append(line.rstrip())
        return items


class Decision(models.Model):
    """A decision of a meeting: an action under an existing goal, a new goal of the plan, or
    a decision on its own (recorded with the meeting only)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"), max_length=textlimits.DECISION)
    # Whom the decision is about (empty: the whole family); it decides who may see it.
    person = models.ForeignKey(
        Person,
        verbose_name=_("about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.OneToOneField(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class MinutesAddendum(models.Model):
    """A later change to approved minutes: appended, never edited."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField(_("addendum"), max_length=textlimits.NOTE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class InterpreterBookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class InterpreterBooking(models.Model):
    """An interpreter requested for a meeting (SPEC §4; the budget note's interpreters, 0.2 m
    a year on BIU 18.21). Its cost, once known, is booked as an expenditure by the budget
    app, which listens to `networkgroup.signals.interpreter_cost_changed` (this app never
    imports budget)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="interpreter_bookings"
    )
    language = models.CharField(_("language"), max_length=60)
    starts_at = models.DateTimeField(_("from"))
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    supplier = models.CharField(_("interpreting supplier"), max_length=200)
    remote = models.BooleanField(_("by phone or video"), default=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterpreterBookingStatus.choices,
        default=InterpreterBookingStatus.REQUESTED,
    )
    cost = models.DecimalField(
        _("cost (DKK)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("interpreter booking")
        verbose_name_plural = _("interpreter bookings")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["meeting", "starts_at"], name="interpreter_meeting_starts")]
        constraints = [
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0),
                name="interpreter_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(minutes__gte=15) & Q(minutes__lte=600),
                name="interpreter_minutes_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.starts_at:%Y-%m-%d %H:%M}"
