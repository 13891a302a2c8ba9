"""The comparison cohort, the matched evaluation and the pseudonymised extract (issue 15).

The comparison cohort is the rest of the target group: households that meet the
criterion but are not in the pilot. They live here, apart from families.Family and
families.Person, so that no pilot list, search, access rule, deadline or target can
ever include them. Data minimisation: of the register extract only what the matching
and the outcomes need is kept – the keyed CPR hash (to match the outcome extract), date
of birth, role, district, household, benefit category and since when – never a name,
never the CPR number itself.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from families.models import BenefitCategory, District, PersonRole


class ComparisonHousehold(models.Model):
    household_id = models.CharField(_("household id"), max_length=40, unique=True)
    district = models.CharField(_("district"), max_length=30, choices=District.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    criterion_date = models.DateField(_("target-group criterion date"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("comparison household")
        verbose_name_plural = _("comparison households")
        indexes = [models.Index(fields=["district"], name="comparison_household_district")]

    def __str__(self) -> str:
        return f"{self.pk}"


class ComparisonPerson(models.Model):
    household = models.ForeignKey(
        ComparisonHousehold, on_delete=models.CASCADE, related_name="people"
    )
    cpr_hash = models.CharField(max_length=64, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=10, choices=PersonRole.choices)
    date_of_birth = models.DateField(_("date of birth"))
    benefit_category = models.CharField(
        _("benefit category"), max_length=20, choices=BenefitCategory.choices, blank=True
    )
    benefit_since = models.DateField(_("on cash benefits since"), null=True, blank=True)
    in_other_effort = models.BooleanField(_("in another special employment effort"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("comparison person")
        verbose_name_plural = _("comparison people")
        indexes = [
            models.Index(fields=["role", "benefit_category"], name="comparison_person_role"),
        ]

    def __str__(self) -> str:
        return f"{self.pk}"


class RegisterStatus(models.TextChoices):
    """The statuses of the outcome extract (`cpr, date, status`)."""

    INTERNSHIP = "internship", _("Internship")
    ORDINARY_JOB = "ordinary_job", _("Ordinary job")
    WAGE_SUBSIDY = "wage_subsidy", _("Wage subsidy")
    EDUCATION = "education", _("Education")
    BENEFIT = "benefit", _("Cash benefits")


class ComparisonStatus(models.Model):
    """From `date` on, the person had `status` (until their next status)."""

    person = models.ForeignKey(ComparisonPerson, on_delete=models.CASCADE, related_name="statuses")
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=RegisterStatus.choices)

    class Meta:
        verbose_name = _("register status")
        verbose_name_plural = _("register statuses")
        ordering = ["person", "date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="comparison_status_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.status}"


class UploadKind(models.TextChoices):
    COHORT = "cohort", _("Comparison cohort")
    OUTCOMES = "outcomes", _("Register outcomes")


class ComparisonUpload(models.Model):
    """An uploaded file kept (encrypted) between the dry-run preview and the commit."""

    kind = models.CharField(_("kind"), max_length=10, choices=UploadKind.choices)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    data_encrypted = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    dry_run_report = models.JSONField(default=dict)
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result = models.JSONField(null=True, blank=True)
    # Outcome extracts: the day the register was read (outcomes are known up to it).
    as_of = models.DateField(_("extract date"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_committed(self) -> bool:
        return self.committed_at is not None


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class EvaluationRun(models.Model):
    """One computation of the matched comparison: the figures the pages and the API read.

    `figures` holds only what may be shown: small cells are suppressed before saving.
    """

    date = models.DateField(_("measurement date"), null=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    error = models.CharField(max_length=300, blank=True)
    figures = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "finished_at"], name="evaluation_run_done")]

    def __str__(self) -> str:
        return f"{self.date} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class MatchKind(models.TextChoices):
    PARENT = "parent", _("Parent")
    YOUNG_PERSON = "young_person", _("Young person")


class Match(models.Model):
    """A pilot person and the comparison person matched to them in a run, with the
    outcomes of both (None: not measurable yet on the run's date)."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="matches")
    kind = models.CharField(max_length=15, choices=MatchKind.choices)
    pilot_person = models.ForeignKey("families.Person", on_delete=models.CASCADE, related_name="+")
    comparison_person = models.ForeignKey(
        ComparisonPerson, on_delete=models.CASCADE, related_name="+", null=True
    )
    index_date = models.DateField()
    cohort = models.CharField(max_length=40, blank=True)
    distance_months = models.PositiveSmallIntegerField(null=True)
    outcomes = models.JSONField(default=dict)  # {"t1": [pilot, comparison], ...}

    class Meta:
        indexes = [models.Index(fields=["run", "kind"], name="match_run_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "pilot_person", "kind"], name="match_pilot_once_per_run"
            ),
            models.UniqueConstraint(
                fields=["run", "comparison_person"],
                condition=Q(comparison_person__isnull=False),
                name="match_comparison_once_per_run",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.kind}:{self.pilot_person_id}"


class EvaluationExtract(models.Model):
    """A pseudonymised extract built by a Celery task; the files are kept encrypted."""

    run = models.ForeignKey(
        EvaluationRun, on_delete=models.SET_NULL, null=True, related_name="extracts"
    )
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    purpose = models.CharField(_("purpose"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True)
    rows = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    csv_encrypted = models.BinaryField(editable=False, default=b"")
    parquet_encrypted = models.BinaryField(editable=False, default=b"")
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pk} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)
