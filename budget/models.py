"""Budget lines, allocations and expenditures, and the stored target/budget snapshots
(SPEC §7).

Allocations are kept as the budget note states them: 1,000 DKK at a price level
(2018). Expenditures are DKK with two decimals. The snapshots are what the manager
dashboard reads, so that it never aggregates case data while a page is served.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Committee(models.Model):
    """A political committee (udvalg), e.g. BIU (Beskæftigelses- og Integrationsudvalget)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class LineKind(models.TextChoices):
    SERVICE = "service", _("Service")
    TRANSFERS = "transfers", _("Transfers")


class BudgetLine(models.Model):
    """A budget line (bevilling) under a committee: "18.21" (service), "78.10" (transfers)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="lines")
    code = models.CharField(_("line"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.committee.code} {self.code}"


class OutcomeTarget(models.TextChoices):
    """Which target an activity's spending buys: the cost per achieved outcome."""

    T1 = "T1", _("Parents in internship at 6 months (T1)")
    T2 = "T2", _("Young people in education at 3 months (T2)")


class Activity(models.Model):
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="activities")
    name = models.CharField(_("activity"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    outcome = models.CharField(
        _("outcome it pays for"), max_length=2, choices=OutcomeTarget.choices
    )

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["line__code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["line", "name"], name="activity_name_once_per_line")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.line.code})"


class Allocation(models.Model):
    """An activity's allocation for one year, in 1,000 DKK at `price_level` prices."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="allocations")
    year = models.PositiveSmallIntegerField(_("year"))
    amount_thousands = models.DecimalField(
        _("allocation (1,000 DKK)"), max_digits=12, decimal_places=1
    )
    price_level = models.PositiveSmallIntegerField(_("price level"), default=2018)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["activity__line__code", "activity_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "year"], name="allocation_once_per_year"),
            models.CheckConstraint(
                condition=Q(amount_thousands__gte=0), name="allocation_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="allocation_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.year}"


class Category(models.TextChoices):
    CONSULTANT_SALARY = "consultant_salary", _("Consultant salary")
    INTERPRETER = "interpreter", _("Interpreter")
    JOB_MENTOR = "job_mentor", _("Job mentor")
    OTHER = "other", _("Other")


class AllocationShare(models.Model):
    """The part of a year's allocation set aside for one category of spending: the budget
    note splits the parents' employment effort on 18.21 into consultants (3,000) and
    interpreters (200). What is spent per category comes from the expenditures' category."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="shares")
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    amount_thousands = models.DecimalField(_("share (1,000 DKK)"), max_digits=12, decimal_places=1)

    class Meta:
        verbose_name = _("allocation share")
        verbose_name_plural = _("allocation shares")
        ordering = ["allocation_id", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["allocation", "category"], name="allocation_share_once_per_category"
            ),
            models.CheckConstraint(
                condition=Q(amount_thousands__gte=0), name="allocation_share_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.allocation} {self.category}"


class Expenditure(models.Model):
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (DKK)"), max_digits=12, decimal_places=2)
    line = models.ForeignKey(
        BudgetLine, verbose_name=_("budget line"), on_delete=models.PROTECT, related_name="+"
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        related_name="expenditures",
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    # SET_NULL: erasing a family's data must not be blocked by the bookkeeping; the amount stays.
    family = models.ForeignKey(
        "families.Family",
        verbose_name=_("family (case number)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The import's idempotency key: the file's reference column, else a hash of the row.
    reference = models.CharField(_("reference"), max_length=100, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["line", "date"], name="expenditure_line_date"),
            models.Index(fields=["date"], name="expenditure_date"),
            models.Index(fields=["category", "date"], name="expenditure_category_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expenditure_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.amount} DKK"


class ExpenditureImport(models.Model):
    """An uploaded expenditure file kept between the dry-run preview and the commit."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        COMMITTED = "committed", _("Imported")
        DISCARDED = "discarded", _("Discarded")

    filename = models.CharField(max_length=200)
    data = models.BinaryField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    report = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename


# --- Snapshots ---------------------------------------------------------------------------


class Scope(models.TextChoices):
    OVERALL = "overall", _("Overall")
    COHORT = "cohort", _("Cohort")
    DISTRICT = "district", _("District")


class TargetSnapshot(models.Model):
    date = models.DateField(_("measurement date"))
    code = models.CharField(_("target"), max_length=2)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    scope_value = models.CharField(_("group"), max_length=60, blank=True)
    numerator = models.PositiveIntegerField()
    denominator = models.PositiveIntegerField()
    rate = models.FloatField(null=True)
    target = models.FloatField(null=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "code", "scope", "scope_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "code", "scope", "scope_value"], name="target_snapshot_once"
            ),
            models.CheckConstraint(
                condition=Q(numerator__lte=models.F("denominator")),
                name="target_snapshot_numerator_le_denominator",
            ),
        ]
        indexes = [models.Index(fields=["scope", "code", "date"], name="target_snapshot_trend")]

    def __str__(self) -> str:
        return f"{self.date} {self.code} {self.scope} {self.scope_value}"


class BudgetSnapshot(models.Model):
    """Budget status per line and year on `date`. Amounts in DKK."""

    date = models.DateField(_("measurement date"))
    line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    allocated = models.DecimalField(max_digits=14, decimal_places=2)
    spent = models.DecimalField(max_digits=14, decimal_places=2)
    share = models.FloatField(null=True)
    forecast = models.DecimalField(max_digits=14, decimal_places=2)
    # Spending on activities that pay for T1 / T2, and DKK per achieved outcome.
    spent_t1 = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    spent_t2 = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    cost_per_t1 = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    cost_per_t2 = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "line__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["date", "line", "year"], name="budget_snapshot_once")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.line_id} {self.year}"


class SnapshotRun(models.Model):
    """A requested (re)computation, so the dashboard can show its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Failure(models.TextChoices):
        ERROR = "error", _("The computation failed")
        NOT_STARTED = "not_started", _("Not started in time")
        LOST = "lost", _("The worker stopped")

    date = models.DateField(_("measurement date"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    failure = models.CharField(max_length=12, choices=Failure.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True)
    # Refreshed by the worker while it computes; stale means the worker is gone.
    heartbeat_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    error = models.CharField(max_length=300, blank=True)
    # The Celery task id of the message that computes this run (its outbox message's).
    task_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "date"], name="budget_run_status_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
