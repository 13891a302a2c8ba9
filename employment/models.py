"""The employment track for parents (SPEC §5): track, internships, job mentor,
statutory job interviews, upskilling courses and the outcome.

Deadlines are derived from these rows by employment.clocks and employment.deadlines;
nothing derivable is stored.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bi18.lib import textlimits
from bi18.lib.versioning import Versioned
from employment.validators import validate_cvr


class Company(models.Model):
    """The small company register that consultants reuse (SPEC §5, §9 "Virksomheder")."""

    name = models.CharField(_("company name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, unique=True, validators=[validate_cvr])
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="company_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.cvr})"


class TrackKind(models.TextChoices):
    INTENSIVE = "intensive", _("Intensive (13 weeks)")
    UPSKILLING = "upskilling", _("Upskilling")


class InternshipAim(models.TextChoices):
    WAGE_SUBSIDY = "wage_subsidy", _("Wage subsidy")
    ORDINARY = "ordinary", _("Ordinary employment")


class Outcome(models.TextChoices):
    ORDINARY_JOB = "ordinary_job", _("Ordinary employment")
    WAGE_SUBSIDY = "wage_subsidy", _("Wage subsidy")
    EDUCATION = "education", _("Education")
    LEFT = "left", _("Left the effort")


class EmploymentTrackQuerySet(models.QuerySet):
    def current_first(self):
        """The open track first, then the latest: `.first()` is a person's current track."""
        return self.order_by(
            models.Case(models.When(outcome="", then=0), default=1), "-start", "-id"
        )


class EmploymentTrack(Versioned):
    """A parent's employment track. The clocks run from `start`.

    A parent may have several over time: a new one after the previous one's outcome (at
    most one open track, without an outcome, at a time). The earlier ones are kept as they
    were; which one a target counts is employment.rules.counting_track_q."""

    person = models.ForeignKey(
        "families.Person", on_delete=models.CASCADE, related_name="employment_tracks"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TrackKind.choices)
    start = models.DateField(_("track start"))
    company_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("company consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="company_tracks",
    )
    employment_consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employment consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employment_tracks",
    )
    goal = models.TextField(_("employment goal"), blank=True, max_length=textlimits.EMPLOYMENT_GOAL)
    goal_industry = models.CharField(_("industry of the goal"), max_length=120, blank=True)
    internship_aim = models.CharField(
        _("internship aimed at"), max_length=20, choices=InternshipAim.choices, blank=True
    )
    # Outcome (SPEC §5): blank while the parent is still on the track.
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField(_("outcome from"), null=True, blank=True)
    outcome_hours = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    outcome_employer = models.CharField(_("employer"), max_length=200, blank=True)
    outcome_reason = models.TextField(
        _("reason for leaving"), blank=True, max_length=textlimits.REASON
    )

    objects = EmploymentTrackQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment track")
        verbose_name_plural = _("employment tracks")
        indexes = [
            models.Index(fields=["company_consultant", "start"], name="track_company_start"),
            models.Index(fields=["employment_consultant", "start"], name="track_employment_start"),
            models.Index(fields=["start"], name="track_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome_date__isnull=False),
                name="track_outcome_has_date",
            ),
            models.UniqueConstraint(
                fields=["person"], condition=Q(outcome=""), name="track_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(outcome_hours__isnull=True) | Q(outcome_hours__gte=0),
                name="track_outcome_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_kind_display()})"


class InternshipStatus(models.TextChoices):
    ONGOING = "ongoing", _("Agreed / ongoing")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled before start")


class EndReason(models.TextChoices):
    ORDINARY_JOB = "ordinary_job", _("Ordinary job")
    WAGE_SUBSIDY = "wage_subsidy", _("Wage subsidy")
    EDUCATION = "education", _("Education")
    NEW_INTERNSHIP = "new_internship", _("New internship")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    ILLNESS = "illness", _("Illness")
    OTHER = "other", _("Other")


class InternshipQuerySet(models.QuerySet):
    def established(self):
        """Internships that count: everything except those cancelled before they began."""
        return self.exclude(status=InternshipStatus.CANCELLED)


class Internship(Versioned):
    """A company internship (virksomhedspraktik)."""

    track = models.ForeignKey(EmploymentTrack, on_delete=models.CASCADE, related_name="internships")
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="internships"
    )
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"))
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InternshipStatus.choices,
        default=InternshipStatus.ONGOING,
    )
    end_reason = models.CharField(
        _("end reason"), max_length=20, choices=EndReason.choices, blank=True
    )

    objects = InternshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("internship")
        verbose_name_plural = _("internships")
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["track", "start"], name="internship_track_start"),
            models.Index(fields=["company", "start"], name="internship_company_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("start")), name="internship_planned_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_end__gte=F("start")),
                name="internship_actual_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company.name} {self.start}"

    @property
    def end(self) -> datetime.date:
        """The day the internship ends: its recorded end, else its planned end."""
        return self.actual_end or self.planned_end


class InternshipHours(models.Model):
    """Weekly hours from a date on: the series the mentor works to raise."""

    internship = models.ForeignKey(Internship, on_delete=models.CASCADE, related_name="hours")
    from_date = models.DateField(_("from"))
    hours = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["from_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["internship", "from_date"], name="hours_once_per_date"),
            models.CheckConstraint(
                condition=Q(hours__gte=0) & Q(hours__lte=80), name="hours_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h/week from {self.from_date}"


class MentorAssignment(models.Model):
    """A job-mentor period (LAB § 167: up to 6 months, renewable).

    `access` is the families.PersonAssignment that lets the mentor see the parent;
    it is created and closed together with this row.
    """

    track = models.ForeignKey(EmploymentTrack, on_delete=models.CASCADE, related_name="mentors")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("job mentor"),
        on_delete=models.PROTECT,
        related_name="mentor_assignments",
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    target_hours = models.DecimalField(
        _("target hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    renewed_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewal"
    )
    access = models.OneToOneField(
        "families.PersonAssignment", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["mentor", "end"], name="mentor_mentor_end")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="mentor_end_after_start"),
            models.CheckConstraint(
                condition=Q(target_hours__isnull=True) | Q(target_hours__gte=0),
                name="mentor_target_hours_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} {self.start}–{self.end}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class MentorContact(models.Model):
    assignment = models.ForeignKey(
        MentorAssignment, on_delete=models.CASCADE, related_name="contacts"
    )
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=textlimits.NOTE)
    hours_per_week = models.DecimalField(
        _("hours per week now"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date}"


class JobInterview(models.Model):
    """A statutory job interview (LAB §§ 31–32)."""

    track = models.ForeignKey(EmploymentTrack, on_delete=models.CASCADE, related_name="interviews")
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    held_date = models.DateField(_("held on"), null=True, blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome_note = models.TextField(_("outcome"), blank=True, max_length=textlimits.NOTE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_date", "-planned_date", "-id"]
        indexes = [models.Index(fields=["track", "held_date"], name="interview_track_held")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_date__isnull=False) | Q(held_date__isnull=False),
                name="interview_has_a_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_date or self.planned_date}"


class CourseKind(models.TextChoices):
    LANGUAGE = "language", _("Language course")
    PROFESSIONAL = "professional", _("Professional course")


class Course(models.Model):
    track = models.ForeignKey(EmploymentTrack, on_delete=models.CASCADE, related_name="courses")
    kind = models.CharField(_("kind"), max_length=20, choices=CourseKind.choices)
    title = models.CharField(_("course"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    completed = models.BooleanField(_("completed"), default=False)

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="course_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title
