"""Families (husstande), their people, and network-group membership (SPEC §3–4).

Membership lives here, at the bottom of the domain layers, because it drives the
one access rule (families.access) that every app above uses.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import Role
from bi18.lib import textlimits
from bi18.lib.dates import age_on, whole_months
from bi18.lib.versioning import Versioned
from families.cpr import MASK
from families.scope import scope_changed, scope_for


class District(models.TextChoices):
    BISPEBJERG = "bispebjerg", "Bispebjerg"
    INDRE_BY = "indre_by", "Indre By"
    VESTERBRO = "vesterbro_kgs_enghave", "Vesterbro/Kgs. Enghave"
    VALBY = "valby", "Valby"
    AMAGER_OEST = "amager_oest", "Amager Øst"
    NOERREBRO = "noerrebro", "Nørrebro"
    OESTERBRO = "oesterbro", "Østerbro"
    BROENSHOEJ_HUSUM = "broenshoej_husum", "Brønshøj-Husum"
    VANLOESE = "vanloese", "Vanløse"
    AMAGER_VEST = "amager_vest", "Amager Vest"


class FamilyStatus(models.TextChoices):
    SCREENED = "screened", _("Screened")
    ENROLLED = "enrolled", _("Enrolled")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Allowed status changes; withdrawal is possible from any open status.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    FamilyStatus.SCREENED: (FamilyStatus.ENROLLED, FamilyStatus.WITHDRAWN),
    FamilyStatus.ENROLLED: (FamilyStatus.ACTIVE, FamilyStatus.WITHDRAWN),
    FamilyStatus.ACTIVE: (FamilyStatus.COMPLETED, FamilyStatus.WITHDRAWN),
    FamilyStatus.COMPLETED: (),
    FamilyStatus.WITHDRAWN: (),
}


class FamilyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one access rule for case data (SPEC §2): the families of the user's scope
        (network groups and assignments; families.scope). Managers, budget officers and
        administrators see none."""
        return self.filter(pk__in=sorted(scope_for(user).families))


def _choice_label(choices: type[models.TextChoices], value: str):
    """The (lazy) label of `value`, or the value itself when it is not one of the choices,
    as get_FOO_display() does."""
    try:
        return choices(value).label
    except ValueError:
        return value


class Family(Versioned):
    case_number = models.CharField(_("case number"), max_length=20, unique=True)
    # The register extract's household id: the import's idempotency key.
    household_id = models.CharField(
        _("household id"), max_length=40, unique=True, null=True, blank=True
    )
    district = models.CharField(_("district"), max_length=30, choices=District.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=FamilyStatus.choices, default=FamilyStatus.SCREENED
    )
    status_reason = models.TextField(
        _("reason for status"), blank=True, max_length=textlimits.REASON
    )
    enrolment_date = models.DateField(_("enrolment date"), null=True, blank=True)
    cohort = models.CharField(_("cohort"), max_length=40, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=60, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    consent_given_on = models.DateField(_("information and consent given"), null=True, blank=True)
    # GDPR art. 9: no ethnicity per person, only that the family meets the criterion.
    target_group_source = models.CharField(
        _("target-group criterion source"), max_length=120, blank=True
    )
    target_group_date = models.DateField(_("target-group criterion date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=textlimits.FAMILY_NOTES)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("family")
        verbose_name_plural = _("families")
        ordering = ["case_number"]
        indexes = [
            models.Index(fields=["district", "status"], name="family_district_status"),
            models.Index(fields=["status"], name="family_status"),
            models.Index(fields=["cohort"], name="family_cohort"),
        ]

    def __str__(self) -> str:
        return self.case_number

    # get_district_display() and get_status_display() rebuild the field's choices on every
    # call (≈ 20–40 µs); a list page of 25 families asks 50 times.
    @property
    def district_label(self):
        return _choice_label(District, self.district)

    @property
    def status_label(self):
        return _choice_label(FamilyStatus, self.status)

    def allowed_statuses(self) -> tuple[str, ...]:
        return STATUS_TRANSITIONS[self.status]


class FamilyStatusChange(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=FamilyStatus.choices)
    to_status = models.CharField(max_length=20, choices=FamilyStatus.choices)
    reason = models.TextField(_("reason"), max_length=textlimits.REASON)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.family} {self.from_status} → {self.to_status}"


class PersonRole(models.TextChoices):
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child / young person")


class BenefitCategory(models.TextChoices):
    JOB_READY = "job_ready", _("Job-ready")
    ACTIVITY_READY = "activity_ready", _("Activity-ready")


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People a user may see (families.scope): everyone in their network groups'
        families – the young people only for a member in a youth role – plus the people
        they are personally assigned to (and only those, for a mentor)."""
        return self.filter(scope_for(user).person_q())


class Person(Versioned):
    """A parent or a child of a family. Role-specific fields are blank for the other role."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("role"), max_length=10, choices=PersonRole.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    cpr_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    cpr_encrypted = models.TextField(blank=True, editable=False)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    language = models.CharField(_("languages"), max_length=100, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    # Parents
    danish_level = models.CharField(_("Danish level"), max_length=60, blank=True)
    highest_education = models.CharField(_("highest education"), max_length=120, blank=True)
    benefit_category = models.CharField(
        _("benefit category"), max_length=20, choices=BenefitCategory.choices, blank=True
    )
    benefit_since = models.DateField(_("on cash benefits since"), null=True, blank=True)
    in_other_effort = models.BooleanField(_("in another special employment effort"), default=False)
    # Children
    school_status = models.CharField(_("school or education status"), max_length=200, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["role", "date_of_birth", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cpr_hash"], condition=Q(cpr_hash__isnull=False), name="person_unique_cpr"
            ),
            models.CheckConstraint(
                condition=Q(role=PersonRole.PARENT) | Q(benefit_category=""),
                name="person_benefit_only_for_parents",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name"),
            models.Index(fields=["family", "role"], name="person_family_role"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return self.name_of(self.first_name, self.last_name)

    @staticmethod
    def name_of(first_name: str, last_name: str) -> str:
        """A person's full name from the two columns (lists that read rows, not instances)."""
        return f"{first_name} {last_name}".strip()

    @property
    def has_cpr(self) -> bool:
        return bool(self.cpr_hash)

    @property
    def cpr_masked(self) -> str:
        if not self.has_cpr or self.date_of_birth is None:
            return ""
        return f"{self.date_of_birth:%d%m%y}-{MASK}"

    def age_on(self, day: datetime.date) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, day)

    @property
    def months_on_benefits(self) -> int | None:
        # Derived, not stored (STYLE: derive what can be computed).
        if self.benefit_since is None:
            return None
        return whole_months(self.benefit_since, timezone.localdate())


class _AccessQuerySet(models.QuerySet):
    """Memberships and assignments drive access: any bulk change drops cached scopes."""

    def update(self, **kwargs):
        scope_changed()
        return super().update(**kwargs)

    def delete(self):
        scope_changed()
        return super().delete()

    def bulk_create(self, *args, **kwargs):
        scope_changed()
        return super().bulk_create(*args, **kwargs)


class NetworkMember(models.Model):
    """A caseworker's membership of a family's network group; drives access."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_memberships"
    )
    group_role = models.CharField(_("role in the group"), max_length=40, choices=Role.choices)
    is_coordinator = models.BooleanField(_("coordinator"), default=False)
    added_at = models.DateTimeField(default=timezone.now)

    objects = _AccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("network-group member")
        verbose_name_plural = _("network-group members")
        ordering = ["-is_coordinator", "user__first_name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["family", "user"], name="member_once_per_family"),
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(is_coordinator=True),
                name="one_coordinator_per_family",
            ),
        ]
        indexes = [models.Index(fields=["user", "family"], name="member_user_family")]

    def __str__(self) -> str:
        return f"{self.user} ({self.family})"


class AssignmentQuerySet(_AccessQuerySet):
    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return self.filter(Q(start__lte=on), Q(end__isnull=True) | Q(end__gte=on))


class PersonAssignment(models.Model):
    """A job mentor or retention counsellor assigned to one person (SPEC §2).

    Gives access to that person's family page, limited to that person.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person_assignments"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    start = models.DateField(_("start"), default=timezone.localdate)
    end = models.DateField(_("end"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["user", "person"], name="assignment_user_person")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="assignment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person} ({self.role})"


class TargetGroupImport(models.Model):
    """An uploaded target-group extract, kept between its dry-run preview and the commit.

    The file holds CPR numbers, so it is stored encrypted and wiped once committed
    (or discarded); the reports hold row numbers and messages only.
    """

    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    data_encrypted = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    cohort = models.CharField(_("cohort"), max_length=40, blank=True)
    # The family caseworker who coordinates each family the file names no coordinator for.
    default_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default coordinator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    dry_run_report = models.JSONField(default=dict)
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("target-group import")
        verbose_name_plural = _("target-group imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_committed(self) -> bool:
        return self.committed_at is not None


# Access an administrator granted, awaiting a second person's approval (families/staffing).
from families.staffing.models import AccessGrant  # noqa: E402,F401
