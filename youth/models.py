"""The youth track (SPEC §6): efforts, leisure jobs, exam preparation, guidance,
apprenticeship search, retention contacts, education enrolments and the 3-month follow-up.

Rules that other places use (the 02 rule, "in education on date D", the follow-up date)
live once, in youth.rules, each with its query twin.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bi18.lib import textlimits
from bi18.lib.cvr import validate_cvr
from bi18.lib.versioning import Versioned
from families.models import Person

# The Danish 7-point scale, stored as integers; shown as "−3", "00", "02", …
GRADE_VALUES = (-3, 0, 2, 4, 7, 10, 12)
GRADE_CHOICES = [
    (-3, "−3"),
    (0, "00"),
    (2, "02"),
    (4, "4"),
    (7, "7"),
    (10, "10"),
    (12, "12"),
]


def _grade_field(verbose_name):
    return models.SmallIntegerField(verbose_name, choices=GRADE_CHOICES, null=True, blank=True)


def _grade_constraint(field: str, model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": GRADE_VALUES}),
        name=f"{model}_{field}_on_scale",
    )


class YouthTrackQuerySet(models.QuerySet):
    def responsible(self, user):
        return self.filter(Q(retention_counsellor=user) | Q(guidance_counsellor=user))

    def current_first(self):
        """The open track first, then the latest: `.first()` is a person's current track."""
        return self.order_by(
            models.Case(models.When(actual_end__isnull=True, then=0), default=1), "-start", "-id"
        )


class YouthTrack(Versioned):
    """A child's or young person's youth track (under the age limit at its start).

    A young person may have several over time: a new one once the previous one has ended
    (at most one open track, without an actual end, at a time); each keeps its own
    follow-up. Which one a target counts is youth.rules.counting_track_q."""

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="youth_tracks",
        verbose_name=_("young person"),
    )
    education_effort = models.BooleanField(_("education effort"), default=False)
    leisure_job_effort = models.BooleanField(_("leisure-job effort"), default=False)
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    retention_counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("retention counsellor"),
    )
    guidance_counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("youth guidance counsellor"),
    )

    objects = YouthTrackQuerySet.as_manager()

    class Meta:
        verbose_name = _("youth track")
        verbose_name_plural = _("youth tracks")
        constraints = [
            models.CheckConstraint(
                condition=Q(education_effort=True) | Q(leisure_job_effort=True),
                name="youthtrack_has_an_effort",
            ),
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=F("start")),
                name="youthtrack_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_end__gte=F("start")),
                name="youthtrack_actual_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(actual_end__isnull=True),
                name="youthtrack_one_open_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["retention_counsellor", "actual_end"], name="youthtrack_rc_end"),
            models.Index(fields=["guidance_counsellor", "actual_end"], name="youthtrack_uu_end"),
            models.Index(fields=["actual_end"], name="youthtrack_actual_end"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def efforts_display(self) -> list[str]:
        efforts = []
        if self.education_effort:
            efforts.append(str(_("Education")))
        if self.leisure_job_effort:
            efforts.append(str(_("Leisure job")))
        return efforts


class LeisureJob(Versioned):
    track = models.ForeignKey(YouthTrack, on_delete=models.CASCADE, related_name="leisure_jobs")
    employer = models.CharField(_("employer"), max_length=200)
    hours_per_week = models.DecimalField(_("hours per week"), max_digits=4, decimal_places=1)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("leisure job")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0) & Q(hours_per_week__lte=40),
                name="leisurejob_hours_in_range",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="leisurejob_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} ({self.start})"


class ExamPreparation(Versioned):
    """Exam preparation in Danish and mathematics: the help given (subject, who gives it,
    hours per week), grades before the preparation and the exam result after it. Danish
    has a written and an oral grade (the EUD rule averages them)."""

    track = models.ForeignKey(YouthTrack, on_delete=models.CASCADE, related_name="exams")
    exam_date = models.DateField(_("exam date"), null=True, blank=True)
    subject = models.CharField(_("school subject"), max_length=100, blank=True)
    provider = models.CharField(
        _("help given by"),
        max_length=200,
        blank=True,
        help_text=_("A homework café, a school or a teacher's name."),
    )
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    danish_written_before = _grade_field(_("Danish, written, before"))
    danish_oral_before = _grade_field(_("Danish, oral, before"))
    maths_before = _grade_field(_("Mathematics, before"))
    danish_written_after = _grade_field(_("Danish, written, after"))
    danish_oral_after = _grade_field(_("Danish, oral, after"))
    maths_after = _grade_field(_("Mathematics, after"))

    GRADE_FIELDS = (
        "danish_written_before",
        "danish_oral_before",
        "maths_before",
        "danish_written_after",
        "danish_oral_after",
        "maths_after",
    )

    HELP_FIELDS = ("subject", "provider", "hours_per_week")

    class Meta:
        verbose_name = _("exam preparation")
        ordering = [F("exam_date").asc(nulls_last=True), "id"]
        constraints = [
            *(
                _grade_constraint(field, "exam")
                for field in (
                    "danish_written_before",
                    "danish_oral_before",
                    "maths_before",
                    "danish_written_after",
                    "danish_oral_after",
                    "maths_after",
                )
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | Q(hours_per_week__gt=0) & Q(hours_per_week__lte=40),
                name="exam_hours_in_range",
            ),
        ]
        indexes = [models.Index(fields=["exam_date"], name="exam_date")]

    def __str__(self) -> str:
        return f"{_('Exam')} {self.exam_date or ''}".strip()

    @property
    def has_help(self) -> bool:
        return bool(self.subject or self.provider or self.hours_per_week is not None)


class GuidanceSession(Versioned):
    track = models.ForeignKey(
        YouthTrack, on_delete=models.CASCADE, related_name="guidance_sessions"
    )
    date = models.DateField(_("date"))
    education_choice = models.CharField(_("realistic education choice"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=textlimits.NOTE)

    class Meta:
        verbose_name = _("guidance session")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{_('Guidance session')} {self.date}"


class Clarification(Versioned):
    """Early clarification of academic and language gaps."""

    track = models.ForeignKey(YouthTrack, on_delete=models.CASCADE, related_name="clarifications")
    date = models.DateField(_("date"), default=timezone.localdate)
    academic_gaps = models.BooleanField(_("academic gaps"), default=False)
    language_gaps = models.BooleanField(_("language gaps"), default=False)
    text = models.TextField(_("clarification"), max_length=textlimits.NOTE)

    class Meta:
        verbose_name = _("early clarification")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{_('Early clarification')} {self.date}"


class ApplicationStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    INTERVIEW = "interview", _("Interview")
    OFFERED = "offered", _("Offered")
    REJECTED = "rejected", _("Rejected")
    ACCEPTED = "accepted", _("Accepted")


class ApprenticeshipApplication(Versioned):
    track = models.ForeignKey(YouthTrack, on_delete=models.CASCADE, related_name="applications")
    company = models.CharField(_("company"), max_length=200)
    applied_on = models.DateField(_("date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SENT,
    )

    class Meta:
        verbose_name = _("apprenticeship application")
        ordering = ["applied_on", "id"]

    def __str__(self) -> str:
        return f"{self.company} ({self.applied_on})"


class InternshipEnd(models.TextChoices):
    COMPLETED = "completed", _("Completed as planned")
    APPRENTICESHIP = "apprenticeship", _("Led to an apprenticeship")
    EDUCATION = "education", _("Led to education")
    JOB = "job", _("Led to a job")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    OTHER = "other", _("Other")


class CompanyInternship(Versioned):
    """A company internship (virksomhedspraktik) for a young person (the budget note's
    "Virksomhedspraktik og hjælp til at søge praktikplads"). Its own model, not the parents'
    employment.Internship: the youth and employment tracks never import each other, and a
    young person's placement is a taste of a trade, not the parents' road to a job (no
    week-6 clock, no cap, no T1)."""

    track = models.ForeignKey(YouthTrack, on_delete=models.CASCADE, related_name="internships")
    company = models.CharField(_("company"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True, validators=[validate_cvr])
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    start = models.DateField(_("start"))
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    end_reason = models.CharField(
        _("how it ended"), max_length=20, choices=InternshipEnd.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=textlimits.NOTE)

    class Meta:
        verbose_name = _("company internship")
        verbose_name_plural = _("company internships")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__isnull=True) | Q(planned_end__gte=F("start")),
                name="youthinternship_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_end__gte=F("start")),
                name="youthinternship_actual_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | (Q(hours_per_week__gt=0) & Q(hours_per_week__lte=40)),
                name="youthinternship_hours_in_range",
            ),
            # An end reason needs an actual end.
            models.CheckConstraint(
                condition=Q(end_reason="") | Q(actual_end__isnull=False),
                name="youthinternship_reason_needs_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.start})"

    def is_active_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.actual_end is None or self.actual_end >= day)


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RetentionContact(Versioned):
    track = models.ForeignKey(YouthTrack, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("date"))
    school = models.CharField(_("place (school)"), max_length=200)
    risk = models.CharField(_("risk of drop-out"), max_length=10, choices=Risk.choices)
    note = models.TextField(_("note"), blank=True, max_length=textlimits.NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("retention contact")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.school} ({self.date})"


class EnrolmentEnd(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    TRANSFERRED = "transferred", _("Transferred")


class Enrolment(Versioned):
    """An education enrolment. "In education on D" is derived from these, never typed in."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    institution = models.CharField(_("institution"), max_length=200)
    programme = models.CharField(_("programme"), max_length=200)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(
        _("how it ended"), max_length=20, choices=EnrolmentEnd.choices, blank=True
    )

    class Meta:
        verbose_name = _("education enrolment")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="enrolment_end_after_start",
            ),
            # An end needs a reason and a reason needs an end.
            models.CheckConstraint(
                condition=(Q(end__isnull=True) & Q(end_reason=""))
                | (Q(end__isnull=False) & ~Q(end_reason="")),
                name="enrolment_end_and_reason_together",
            ),
        ]
        indexes = [models.Index(fields=["person", "start"], name="enrolment_person_start")]

    def __str__(self) -> str:
        return f"{self.programme}, {self.institution}"


class FollowUpAnswer(models.TextChoices):
    IN_EDUCATION = "in_education", _("In education")
    NOT_IN_EDUCATION = "not_in_education", _("Not in education")


class FollowUp(models.Model):
    """The answer to the 3-month follow-up; recording it takes the item off "Mit arbejde"."""

    track = models.OneToOneField(YouthTrack, on_delete=models.CASCADE, related_name="follow_up")
    due = models.DateField(_("due"))
    answer = models.CharField(_("education status"), max_length=20, choices=FollowUpAnswer.choices)
    derived_in_education = models.BooleanField(
        _("in education according to the enrolments"), default=False
    )
    note = models.TextField(_("note"), blank=True, max_length=textlimits.NOTE)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("follow-up after the effort")

    def __str__(self) -> str:
        return f"{_('Follow-up')} {self.due}"
