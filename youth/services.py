"""Everything that writes the youth track. Each service writes its audit row in the same
transaction as the change, and every update is conditional on the version the user
started from (a stale save raises ConflictError, never overwrites)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from bi18.accounts.models import User
from bi18.accounts.roles import Role
from bi18.audit.services import audit_log
from bi18.lib.errors import ConflictError, ServiceError
from bi18.lib.versioning import Versioned, update_if_version
from families.models import NetworkMember, Person, PersonAssignment, PersonRole
from families.services import require_sharing_basis
from youth import rules
from youth.models import (
    ApplicationStatus,
    ApprenticeshipApplication,
    Clarification,
    CompanyInternship,
    Enrolment,
    ExamPreparation,
    FollowUp,
    GuidanceSession,
    LeisureJob,
    RetentionContact,
    YouthTrack,
)

__all__ = ["ConflictError", "ServiceError"]

_COUNSELLOR_FIELDS = {
    "retention_counsellor": Role.RETENTION_COUNSELLOR,
    "guidance_counsellor": Role.YOUTH_GUIDANCE_COUNSELLOR,
}


def _changed_fields(instance, fields: dict) -> list[str]:
    return [name for name, value in fields.items() if getattr(instance, name) != value]


def _check_track(
    person: Person,
    *,
    education_effort: bool,
    leisure_job_effort: bool,
    start: datetime.date,
    planned_end: datetime.date | None,
    actual_end: datetime.date | None,
) -> None:
    if person.role != PersonRole.CHILD:
        raise ServiceError(_("A youth track is only for children and young people."))
    if not (education_effort or leisure_job_effort):
        raise ServiceError(_("Choose at least one effort: education or leisure job."))
    try:
        rules.check_age_at_start(date_of_birth=person.date_of_birth, start=start)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0]) from None
    for end in (planned_end, actual_end):
        if end and end < start:
            raise ServiceError(_("An end date cannot be before the start."))


def _assignment_open(*, actor, person: Person, user, role: str, today: datetime.date) -> None:
    """Responsibility for a young person is what gives a counsellor access to them
    (families.access): a retention counsellor always through an assignment, a youth
    guidance counsellor through one unless already in the family's network group."""
    if user is None:
        return
    if PersonAssignment.objects.active(today).filter(person=person, user=user, role=role).exists():
        return
    if (
        role == Role.YOUTH_GUIDANCE_COUNSELLOR
        and NetworkMember.objects.filter(family_id=person.family_id, user=user).exists()
    ):
        return
    require_sharing_basis(family=person.family_id, role=role)
    PersonAssignment.objects.create(person=person, user=user, role=role, start=today)
    audit_log(
        actor=actor,
        action="create",
        event="youth.assignment.opened",
        person=person,
        detail={"user_id": user.pk, "role": str(role)},
    )


def _assignment_close(*, actor, person: Person, user, role: str, today: datetime.date) -> None:
    if user is None:
        return
    for assignment in PersonAssignment.objects.active(today).filter(
        person=person, user=user, role=role
    ):
        if assignment.start >= today:
            # Opened today: ending it "yesterday" would break end >= start.
            assignment.delete()
        else:
            assignment.end = today - datetime.timedelta(days=1)
            assignment.save(update_fields=["end"])
        audit_log(
            actor=actor,
            action="change",
            event="youth.assignment.closed",
            person=person,
            detail={"user_id": user.pk, "role": str(role)},
        )


@transaction.atomic
def track_create(
    *,
    actor,
    person: Person,
    start: datetime.date,
    education_effort: bool = False,
    leisure_job_effort: bool = False,
    planned_end: datetime.date | None = None,
    actual_end: datetime.date | None = None,
    retention_counsellor: User | None = None,
    guidance_counsellor: User | None = None,
) -> YouthTrack:
    """Start a youth track. Precondition: the actor may see `person` (families.access)."""
    _check_track(
        person,
        education_effort=education_effort,
        leisure_job_effort=leisure_job_effort,
        start=start,
        planned_end=planned_end,
        actual_end=actual_end,
    )
    earlier = YouthTrack.objects.filter(person=person)
    if earlier.filter(actual_end__isnull=True).exists():
        raise ServiceError(_("This young person already has an open youth track; end it first."))
    ended = earlier.order_by("-actual_end").values_list("actual_end", flat=True).first()
    if ended and start <= ended:
        raise ServiceError(
            _("A new youth track starts after the previous one ended (%(date)s).")
            % {"date": date_format(ended, "SHORT_DATE_FORMAT")}
        )
    track = YouthTrack.objects.create(
        person=person,
        education_effort=education_effort,
        leisure_job_effort=leisure_job_effort,
        start=start,
        planned_end=planned_end,
        actual_end=actual_end,
        retention_counsellor=retention_counsellor,
        guidance_counsellor=guidance_counsellor,
    )
    today = timezone.localdate()
    for field, role in _COUNSELLOR_FIELDS.items():
        _assignment_open(
            actor=actor, person=person, user=getattr(track, field), role=role, today=today
        )
    audit_log(actor=actor, action="create", event="youth.track.created", person=person)
    return track


@transaction.atomic
def track_update(
    *,
    actor,
    track: YouthTrack,
    version: int,
    education_effort: bool,
    leisure_job_effort: bool,
    start: datetime.date,
    planned_end: datetime.date | None,
    actual_end: datetime.date | None,
    retention_counsellor: User | None,
    guidance_counsellor: User | None,
) -> YouthTrack:
    """Change a track (every field, as the form has them); refuses a stale version.
    Changing a responsible counsellor closes the old one's assignment and opens the new one's."""
    person = track.person
    _check_track(
        person,
        education_effort=education_effort,
        leisure_job_effort=leisure_job_effort,
        start=start,
        planned_end=planned_end,
        actual_end=actual_end,
    )
    fields = {
        "education_effort": education_effort,
        "leisure_job_effort": leisure_job_effort,
        "start": start,
        "planned_end": planned_end,
        "actual_end": actual_end,
        "retention_counsellor": retention_counsellor,
        "guidance_counsellor": guidance_counsellor,
    }
    changed = _changed_fields(track, fields)
    old = {field: getattr(track, field) for field in _COUNSELLOR_FIELDS}
    if not update_if_version(YouthTrack, pk=track.pk, version=version, **fields):
        raise ConflictError
    track.refresh_from_db()
    today = timezone.localdate()
    for field, role in _COUNSELLOR_FIELDS.items():
        new = getattr(track, field)
        if old[field] != new:
            _assignment_close(actor=actor, person=person, user=old[field], role=role, today=today)
            _assignment_open(actor=actor, person=person, user=new, role=role, today=today)
    audit_log(
        actor=actor,
        action="change",
        event="youth.track.changed",
        person=person,
        detail={"fields": changed},
    )
    return track


# --- The track's records: one pair of create/update services each -------------------------


def _record_create(model: type[Versioned], *, actor, event: str, about: Person, **fields):
    obj = model._default_manager.create(**fields)
    audit_log(actor=actor, action="create", event=event, person=about, detail={"id": obj.pk})
    return obj


def _record_update(obj: Versioned, *, actor, event: str, about: Person, fields: dict, version: int):
    changed = _changed_fields(obj, fields)
    if not update_if_version(type(obj), pk=obj.pk, version=version, **fields):
        raise ConflictError
    obj.refresh_from_db()
    audit_log(
        actor=actor,
        action="change",
        event=event,
        person=about,
        detail={"id": obj.pk, "fields": changed},
    )
    return obj


def _check_period(start: datetime.date | None, end: datetime.date | None) -> None:
    if start and end and end < start:
        raise ServiceError(_("The end cannot be before the start."))


@transaction.atomic
def leisure_job_create(
    *,
    actor,
    track: YouthTrack,
    employer: str,
    hours_per_week: Decimal,
    start: datetime.date,
    end: datetime.date | None = None,
) -> LeisureJob:
    _check_period(start, end)
    return _record_create(
        LeisureJob,
        actor=actor,
        event="youth.leisure_job.created",
        about=track.person,
        track=track,
        employer=employer,
        hours_per_week=hours_per_week,
        start=start,
        end=end,
    )


@transaction.atomic
def leisure_job_update(
    *,
    actor,
    job: LeisureJob,
    version: int,
    employer: str,
    hours_per_week: Decimal,
    start: datetime.date,
    end: datetime.date | None,
) -> LeisureJob:
    _check_period(start, end)
    return _record_update(
        job,
        actor=actor,
        event="youth.leisure_job.changed",
        about=job.track.person,
        fields={"employer": employer, "hours_per_week": hours_per_week, "start": start, "end": end},
        version=version,
    )


def _check_internship(
    *,
    start: datetime.date,
    planned_end: datetime.date | None,
    actual_end: datetime.date | None,
    end_reason: str,
) -> None:
    for end in (planned_end, actual_end):
        if end and end < start:
            raise ServiceError(_("An end date cannot be before the start."))
    if end_reason and not actual_end:
        raise ServiceError(_("Give the actual end when you record how the internship ended."))


@transaction.atomic
def internship_create(
    *,
    actor,
    track: YouthTrack,
    company: str,
    start: datetime.date,
    cvr: str = "",
    industry: str = "",
    planned_end: datetime.date | None = None,
    hours_per_week: Decimal | None = None,
    actual_end: datetime.date | None = None,
    end_reason: str = "",
    note: str = "",
) -> CompanyInternship:
    """A young person's company internship (virksomhedspraktik); audited."""
    _check_internship(
        start=start, planned_end=planned_end, actual_end=actual_end, end_reason=end_reason
    )
    return _record_create(
        CompanyInternship,
        actor=actor,
        event="youth.internship.created",
        about=track.person,
        track=track,
        company=company,
        cvr=cvr,
        industry=industry,
        start=start,
        planned_end=planned_end,
        hours_per_week=hours_per_week,
        actual_end=actual_end,
        end_reason=end_reason,
        note=note,
    )


@transaction.atomic
def internship_update(
    *,
    actor,
    internship: CompanyInternship,
    version: int,
    company: str,
    cvr: str,
    industry: str,
    start: datetime.date,
    planned_end: datetime.date | None,
    hours_per_week: Decimal | None,
    actual_end: datetime.date | None,
    end_reason: str,
    note: str,
) -> CompanyInternship:
    _check_internship(
        start=start, planned_end=planned_end, actual_end=actual_end, end_reason=end_reason
    )
    return _record_update(
        internship,
        actor=actor,
        event="youth.internship.changed",
        about=internship.track.person,
        fields={
            "company": company,
            "cvr": cvr,
            "industry": industry,
            "start": start,
            "planned_end": planned_end,
            "hours_per_week": hours_per_week,
            "actual_end": actual_end,
            "end_reason": end_reason,
            "note": note,
        },
        version=version,
    )


def _check_grades(grades: dict[str, int | None]) -> None:
    for value in grades.values():
        if value is not None:
            try:
                rules.validate_grade(value)
            except ValidationError as exc:
                raise ServiceError(exc.messages[0]) from None


def _check_hours(hours_per_week: Decimal | None) -> None:
    if not rules.hours_per_week_ok(hours_per_week):
        raise ServiceError(
            _("Hours per week must be between %(min)s and %(max)s.")
            % {"min": number_format(rules.HOURS_PER_WEEK_MIN), "max": rules.HOURS_PER_WEEK_MAX}
        )


@transaction.atomic
def exam_create(
    *,
    actor,
    track: YouthTrack,
    exam_date: datetime.date | None = None,
    subject: str = "",
    provider: str = "",
    hours_per_week: Decimal | None = None,
    danish_written_before: int | None = None,
    danish_oral_before: int | None = None,
    maths_before: int | None = None,
    danish_written_after: int | None = None,
    danish_oral_after: int | None = None,
    maths_after: int | None = None,
) -> ExamPreparation:
    """Exam preparation: the help given (subject, who, hours per week) and the grades."""
    grades = {
        "danish_written_before": danish_written_before,
        "danish_oral_before": danish_oral_before,
        "maths_before": maths_before,
        "danish_written_after": danish_written_after,
        "danish_oral_after": danish_oral_after,
        "maths_after": maths_after,
    }
    _check_grades(grades)
    _check_hours(hours_per_week)
    return _record_create(
        ExamPreparation,
        actor=actor,
        event="youth.exam.created",
        about=track.person,
        track=track,
        exam_date=exam_date,
        subject=subject,
        provider=provider,
        hours_per_week=hours_per_week,
        **grades,
    )


@transaction.atomic
def exam_update(
    *,
    actor,
    exam: ExamPreparation,
    version: int,
    exam_date: datetime.date | None,
    subject: str,
    provider: str,
    hours_per_week: Decimal | None,
    danish_written_before: int | None,
    danish_oral_before: int | None,
    maths_before: int | None,
    danish_written_after: int | None,
    danish_oral_after: int | None,
    maths_after: int | None,
) -> ExamPreparation:
    grades = {
        "danish_written_before": danish_written_before,
        "danish_oral_before": danish_oral_before,
        "maths_before": maths_before,
        "danish_written_after": danish_written_after,
        "danish_oral_after": danish_oral_after,
        "maths_after": maths_after,
    }
    _check_grades(grades)
    _check_hours(hours_per_week)
    return _record_update(
        exam,
        actor=actor,
        event="youth.exam.changed",
        about=exam.track.person,
        fields={
            "exam_date": exam_date,
            "subject": subject,
            "provider": provider,
            "hours_per_week": hours_per_week,
            **grades,
        },
        version=version,
    )


@transaction.atomic
def guidance_session_create(
    *,
    actor,
    track: YouthTrack,
    date: datetime.date,
    education_choice: str = "",
    note: str = "",
) -> GuidanceSession:
    return _record_create(
        GuidanceSession,
        actor=actor,
        event="youth.guidance.created",
        about=track.person,
        track=track,
        date=date,
        education_choice=education_choice,
        note=note,
    )


@transaction.atomic
def clarification_create(
    *,
    actor,
    track: YouthTrack,
    date: datetime.date,
    text: str,
    academic_gaps: bool = False,
    language_gaps: bool = False,
) -> Clarification:
    return _record_create(
        Clarification,
        actor=actor,
        event="youth.clarification.created",
        about=track.person,
        track=track,
        date=date,
        academic_gaps=academic_gaps,
        language_gaps=language_gaps,
        text=text,
    )


@transaction.atomic
def application_create(
    *,
    actor,
    track: YouthTrack,
    company: str,
    applied_on: datetime.date,
    status: str = ApplicationStatus.SENT,
) -> ApprenticeshipApplication:
    return _record_create(
        ApprenticeshipApplication,
        actor=actor,
        event="youth.application.created",
        about=track.person,
        track=track,
        company=company,
        applied_on=applied_on,
        status=status,
    )


@transaction.atomic
def application_update(
    *,
    actor,
    application: ApprenticeshipApplication,
    version: int,
    company: str,
    applied_on: datetime.date,
    status: str,
) -> ApprenticeshipApplication:
    return _record_update(
        application,
        actor=actor,
        event="youth.application.changed",
        about=application.track.person,
        fields={"company": company, "applied_on": applied_on, "status": status},
        version=version,
    )


@transaction.atomic
def contact_create(
    *,
    actor,
    track: YouthTrack,
    date: datetime.date,
    school: str,
    risk: str,
    note: str = "",
) -> RetentionContact:
    return _record_create(
        RetentionContact,
        actor=actor,
        event="youth.contact.created",
        about=track.person,
        track=track,
        recorded_by=actor,
        date=date,
        school=school,
        risk=risk,
        note=note,
    )


def _check_enrolment(*, start: datetime.date, end: datetime.date | None, end_reason: str) -> None:
    _check_period(start, end)
    if end and not end_reason:
        raise ServiceError(_("Say how the enrolment ended."))
    if end_reason and not end:
        raise ServiceError(_("Give the end date of the enrolment."))


@transaction.atomic
def enrolment_create(
    *,
    actor,
    person: Person,
    institution: str,
    programme: str,
    start: datetime.date,
    end: datetime.date | None = None,
    end_reason: str = "",
) -> Enrolment:
    _check_enrolment(start=start, end=end, end_reason=end_reason)
    return _record_create(
        Enrolment,
        actor=actor,
        event="youth.enrolment.created",
        about=person,
        person=person,
        institution=institution,
        programme=programme,
        start=start,
        end=end,
        end_reason=end_reason,
    )


@transaction.atomic
def enrolment_update(
    *,
    actor,
    enrolment: Enrolment,
    version: int,
    institution: str,
    programme: str,
    start: datetime.date,
    end: datetime.date | None,
    end_reason: str,
) -> Enrolment:
    _check_enrolment(start=start, end=end, end_reason=end_reason)
    return _record_update(
        enrolment,
        actor=actor,
        event="youth.enrolment.changed",
        about=enrolment.person,
        fields={
            "institution": institution,
            "programme": programme,
            "start": start,
            "end": end,
            "end_reason": end_reason,
        },
        version=version,
    )


@transaction.atomic
def follow_up_record(*, actor, track: YouthTrack, answer: str, note: str = "") -> FollowUp:
    """Record the 3-month follow-up's answer. Idempotent per track (one follow-up each);
    a second answer is refused rather than overwriting the first."""
    track = YouthTrack.objects.select_for_update().select_related("person").get(pk=track.pk)
    if track.actual_end is None:
        raise ServiceError(_("The effort has not ended, so no follow-up is due yet."))
    if FollowUp.objects.filter(track=track).exists():
        raise ServiceError(_("The follow-up has already been recorded."))
    due = rules.follow_up_due_date(track.actual_end)
    follow_up = FollowUp.objects.create(
        track=track,
        due=due,
        answer=answer,
        derived_in_education=rules.in_education_on(track.person, due),
        note=note,
        recorded_by=actor,
    )
    audit_log(
        actor=actor,
        action="create",
        event="youth.follow_up.recorded",
        person=track.person,
        detail={"answer": answer},
    )
    return follow_up


def counsellor_handed_over(*, old: PersonAssignment, new: PersonAssignment, actor) -> None:
    """The young person's track names the colleague who took over a leaving counsellor's
    assignment (families.staffing handover)."""
    for field, role in _COUNSELLOR_FIELDS.items():
        if role == old.role:
            YouthTrack.objects.filter(person_id=old.person_id, **{field: old.user_id}).update(
                **{field: new.user_id, "version": F("version") + 1}
            )
