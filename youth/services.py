"""Everything that writes the youth track. Each service writes its audit row in the same
transaction as the change, and every update is conditional on the version the user
started from (a stale save raises ConflictError, never overwrites)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bi18.accounts.roles import Role
from bi18.audit.services import audit_log
from bi18.lib.errors import ConflictError, ServiceError
from bi18.lib.versioning import Versioned, update_if_version
from families.models import NetworkMember, Person, PersonAssignment, PersonRole
from families.services import require_sharing_basis
from youth import rules
from youth.models import (
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


def _changed_fields(instance, data: dict) -> list[str]:
    return [name for name, value in data.items() if getattr(instance, name) != value]


def _check_track(person: Person, data: dict) -> None:
    if person.role != PersonRole.CHILD:
        raise ServiceError(_("A youth track is only for children and young people."))
    if not (data.get("education_effort") or data.get("leisure_job_effort")):
        raise ServiceError(_("Choose at least one effort: education or leisure job."))
    try:
        rules.check_age_at_start(date_of_birth=person.date_of_birth, start=data["start"])
    except ValidationError as exc:
        raise ServiceError(exc.messages[0]) from None
    for name in ("planned_end", "actual_end"):
        if data.get(name) and data[name] < data["start"]:
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
def track_create(*, actor, person: Person, data: dict) -> YouthTrack:
    """Start a youth track. Precondition: the actor may see `person` (families.access)."""
    _check_track(person, data)
    earlier = YouthTrack.objects.filter(person=person)
    if earlier.filter(actual_end__isnull=True).exists():
        raise ServiceError(_("This young person already has an open youth track; end it first."))
    ended = earlier.order_by("-actual_end").values_list("actual_end", flat=True).first()
    if ended and data["start"] <= ended:
        raise ServiceError(
            _("A new youth track starts after the previous one ended (%(date)s).")
            % {"date": date_format(ended, "SHORT_DATE_FORMAT")}
        )
    track = YouthTrack.objects.create(person=person, **data)
    today = timezone.localdate()
    for field, role in _COUNSELLOR_FIELDS.items():
        _assignment_open(
            actor=actor, person=person, user=getattr(track, field), role=role, today=today
        )
    audit_log(actor=actor, action="create", event="youth.track.created", person=person)
    return track


@transaction.atomic
def track_update(*, actor, track: YouthTrack, data: dict, version: int) -> YouthTrack:
    """Change a track; refuses a stale version. Changing a responsible counsellor
    closes the old one's assignment and opens the new one's."""
    person = track.person
    _check_track(person, {**{"start": track.start}, **data})
    changed = _changed_fields(track, data)
    old = {field: getattr(track, field) for field in _COUNSELLOR_FIELDS}
    if not update_if_version(YouthTrack, pk=track.pk, version=version, **data):
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


def _record_update(obj: Versioned, *, actor, event: str, about: Person, data: dict, version: int):
    changed = _changed_fields(obj, data)
    if not update_if_version(type(obj), pk=obj.pk, version=version, **data):
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


def _check_period(start, end) -> None:
    if start and end and end < start:
        raise ServiceError(_("The end cannot be before the start."))


@transaction.atomic
def leisure_job_create(*, actor, track: YouthTrack, data: dict) -> LeisureJob:
    _check_period(data.get("start"), data.get("end"))
    return _record_create(
        LeisureJob,
        actor=actor,
        event="youth.leisure_job.created",
        about=track.person,
        track=track,
        **data,
    )


@transaction.atomic
def leisure_job_update(*, actor, job: LeisureJob, data: dict, version: int) -> LeisureJob:
    _check_period(data.get("start", job.start), data.get("end", job.end))
    return _record_update(
        job,
        actor=actor,
        event="youth.leisure_job.changed",
        about=job.track.person,
        data=data,
        version=version,
    )


def _check_internship(data: dict) -> None:
    start = data.get("start")
    for name in ("planned_end", "actual_end"):
        if start and data.get(name) and data[name] < start:
            raise ServiceError(_("An end date cannot be before the start."))
    if data.get("end_reason") and not data.get("actual_end"):
        raise ServiceError(_("Give the actual end when you record how the internship ended."))


@transaction.atomic
def internship_create(*, actor, track: YouthTrack, data: dict) -> CompanyInternship:
    """A young person's company internship (virksomhedspraktik); audited."""
    _check_internship(data)
    return _record_create(
        CompanyInternship,
        actor=actor,
        event="youth.internship.created",
        about=track.person,
        track=track,
        **data,
    )


@transaction.atomic
def internship_update(
    *, actor, internship: CompanyInternship, data: dict, version: int
) -> CompanyInternship:
    _check_internship(
        {
            name: data.get(name, getattr(internship, name))
            for name in ("start", "planned_end", "actual_end", "end_reason")
        }
    )
    return _record_update(
        internship,
        actor=actor,
        event="youth.internship.changed",
        about=internship.track.person,
        data=data,
        version=version,
    )


def _check_grades(data: dict) -> None:
    for name in ExamPreparation.GRADE_FIELDS:
        value = data.get(name)
        if value is not None:
            try:
                rules.validate_grade(value)
            except ValidationError as exc:
                raise ServiceError(exc.messages[0]) from None


@transaction.atomic
def exam_create(*, actor, track: YouthTrack, data: dict) -> ExamPreparation:
    _check_grades(data)
    return _record_create(
        ExamPreparation,
        actor=actor,
        event="youth.exam.created",
        about=track.person,
        track=track,
        **data,
    )


@transaction.atomic
def exam_update(*, actor, exam: ExamPreparation, data: dict, version: int) -> ExamPreparation:
    _check_grades(data)
    return _record_update(
        exam,
        actor=actor,
        event="youth.exam.changed",
        about=exam.track.person,
        data=data,
        version=version,
    )


@transaction.atomic
def guidance_session_create(*, actor, track: YouthTrack, data: dict) -> GuidanceSession:
    return _record_create(
        GuidanceSession,
        actor=actor,
        event="youth.guidance.created",
        about=track.person,
        track=track,
        **data,
    )


@transaction.atomic
def clarification_create(*, actor, track: YouthTrack, data: dict) -> Clarification:
    return _record_create(
        Clarification,
        actor=actor,
        event="youth.clarification.created",
        about=track.person,
        track=track,
        **data,
    )


@transaction.atomic
def application_create(*, actor, track: YouthTrack, data: dict) -> ApprenticeshipApplication:
    return _record_create(
        ApprenticeshipApplication,
        actor=actor,
        event="youth.application.created",
        about=track.person,
        track=track,
        **data,
    )


@transaction.atomic
def application_update(
    *, actor, application: ApprenticeshipApplication, data: dict, version: int
) -> ApprenticeshipApplication:
    return _record_update(
        application,
        actor=actor,
        event="youth.application.changed",
        about=application.track.person,
        data=data,
        version=version,
    )


@transaction.atomic
def contact_create(*, actor, track: YouthTrack, data: dict) -> RetentionContact:
    return _record_create(
        RetentionContact,
        actor=actor,
        event="youth.contact.created",
        about=track.person,
        track=track,
        recorded_by=actor,
        **data,
    )


def _check_enrolment(data: dict) -> None:
    _check_period(data.get("start"), data.get("end"))
    if data.get("end") and not data.get("end_reason"):
        raise ServiceError(_("Say how the enrolment ended."))
    if data.get("end_reason") and not data.get("end"):
        raise ServiceError(_("Give the end date of the enrolment."))


@transaction.atomic
def enrolment_create(*, actor, person: Person, data: dict) -> Enrolment:
    _check_enrolment(data)
    return _record_create(
        Enrolment,
        actor=actor,
        event="youth.enrolment.created",
        about=person,
        person=person,
        **data,
    )


@transaction.atomic
def enrolment_update(*, actor, enrolment: Enrolment, data: dict, version: int) -> Enrolment:
    _check_enrolment({**{f: getattr(enrolment, f) for f in ("start", "end", "end_reason")}, **data})
    return _record_update(
        enrolment,
        actor=actor,
        event="youth.enrolment.changed",
        about=enrolment.person,
        data=data,
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
