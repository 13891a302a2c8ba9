"""Everything that writes the employment track. Keyword-only, atomic, and each
writes its audit row in the same transaction as the change.

Concurrent edits of a track or an internship use a version number and a
conditional UPDATE (bi18.lib.versioning.update_if_version): a stale form raises
ConflictError instead of silently overwriting someone else's save.
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bi18.accounts.models import User
from bi18.audit.services import audit_log
from bi18.lib.errors import ConflictError, ServiceError
from bi18.lib.versioning import update_if_version
from employment.clocks import mentor_period_max_end
from employment.models import (
    Company,
    Course,
    EmploymentTrack,
    Internship,
    InternshipHours,
    InternshipStatus,
    JobInterview,
    MentorAssignment,
    MentorContact,
    Outcome,
)
from employment.validators import normalize_cvr
from families.models import PersonAssignment, PersonRole
from families.services import require_sharing_basis

__all__ = ["ConflictError", "ServiceError"]


def _changed(instance, data: dict) -> list[str]:
    return sorted(name for name, value in data.items() if getattr(instance, name) != value)


def _versioned_update(model, instance, data: dict, version: int) -> None:
    if not update_if_version(model, pk=instance.pk, version=version, **data):
        raise ConflictError
    instance.refresh_from_db()


# --- Companies -------------------------------------------------------------------------


@transaction.atomic
def company_create(
    *,
    actor,
    name: str,
    cvr: str,
    industry: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Company:
    try:
        with transaction.atomic():
            company = Company.objects.create(
                name=name,
                cvr=normalize_cvr(cvr),
                industry=industry,
                contact_name=contact_name,
                contact_phone=contact_phone,
                contact_email=contact_email,
            )
    except IntegrityError:
        raise ServiceError(_("A company with this CVR number is already registered.")) from None
    audit_log(
        actor=actor,
        action="create",
        event="employment.company.created",
        detail={"company_id": company.pk},
    )
    return company


@transaction.atomic
def company_update(
    *,
    actor,
    company: Company,
    name: str,
    cvr: str,
    industry: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
) -> Company:
    data = {
        "name": name,
        "cvr": normalize_cvr(cvr),
        "industry": industry,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_email": contact_email,
    }
    changed = _changed(company, data)
    try:
        with transaction.atomic():
            Company.objects.filter(pk=company.pk).update(**data)
    except IntegrityError:
        raise ServiceError(_("A company with this CVR number is already registered.")) from None
    company.refresh_from_db()
    audit_log(
        actor=actor,
        action="change",
        event="employment.company.changed",
        detail={"company_id": company.pk, "fields": changed},
    )
    return company


# --- Track ---------------------------------------------------------------------------------


@transaction.atomic
def track_create(
    *,
    actor,
    person,
    kind: str,
    start: datetime.date,
    company_consultant: User | None = None,
    employment_consultant: User | None = None,
    goal: str = "",
    goal_industry: str = "",
    internship_aim: str = "",
) -> EmploymentTrack:
    """Open a parent's employment track. Preconditions: `person` is a parent the actor may see."""
    if person.role != PersonRole.PARENT:
        raise ServiceError(_("Only a parent can have an employment track."))
    # A later track starts after the earlier ones ended (their outcome date).
    ended = (
        EmploymentTrack.objects.filter(person=person)
        .exclude(outcome="")
        .order_by("-outcome_date")
        .values_list("outcome_date", flat=True)
        .first()
    )
    if ended and start < ended:
        raise ServiceError(
            _("A new track cannot start before the previous one ended (%(date)s).")
            % {"date": date_format(ended, "SHORT_DATE_FORMAT")}
        )
    try:
        with transaction.atomic():
            track = EmploymentTrack.objects.create(
                person=person,
                kind=kind,
                start=start,
                company_consultant=company_consultant,
                employment_consultant=employment_consultant,
                goal=goal,
                goal_industry=goal_industry,
                internship_aim=internship_aim,
            )
    except IntegrityError:
        # The database keeps one open track per parent (track_one_open_per_person).
        raise ServiceError(
            _("This parent already has an open employment track; record its outcome first.")
        ) from None
    audit_log(actor=actor, action="create", event="employment.track.created", person=person)
    return track


@transaction.atomic
def track_update(
    *,
    actor,
    track: EmploymentTrack,
    version: int,
    kind: str,
    start: datetime.date,
    company_consultant: User | None,
    employment_consultant: User | None,
    goal: str,
    goal_industry: str,
    internship_aim: str,
) -> EmploymentTrack:
    data = {
        "kind": kind,
        "start": start,
        "company_consultant": company_consultant,
        "employment_consultant": employment_consultant,
        "goal": goal,
        "goal_industry": goal_industry,
        "internship_aim": internship_aim,
    }
    changed = _changed(track, data)
    _versioned_update(EmploymentTrack, track, data, version)
    audit_log(
        actor=actor,
        action="change",
        event="employment.track.changed",
        person=track.person,
        detail={"fields": changed},
    )
    return track


@transaction.atomic
def track_set_outcome(
    *,
    actor,
    track: EmploymentTrack,
    version: int,
    outcome: str,
    outcome_date: datetime.date | None = None,
    outcome_hours: Decimal | None = None,
    outcome_employer: str = "",
    outcome_reason: str = "",
) -> EmploymentTrack:
    """Record (or clear, with outcome="") how the parent left the track."""
    data: dict[str, object] = {
        "outcome": outcome or "",
        "outcome_date": outcome_date,
        "outcome_hours": outcome_hours if outcome == Outcome.ORDINARY_JOB else None,
        "outcome_employer": outcome_employer or "",
        "outcome_reason": outcome_reason or "",
    }
    if not outcome:
        data.update(outcome_date=None, outcome_employer="", outcome_reason="")
    changed = _changed(track, data)
    _versioned_update(EmploymentTrack, track, data, version)
    audit_log(
        actor=actor,
        action="change",
        event="employment.track.outcome_set",
        person=track.person,
        detail={"outcome": data["outcome"], "fields": changed},
    )
    return track


# --- Internships ---------------------------------------------------------------------------


@transaction.atomic
def internship_register(
    *,
    actor,
    track: EmploymentTrack,
    company: Company,
    start: datetime.date,
    planned_end: datetime.date,
    hours: Decimal | None = None,
) -> Internship:
    """Register an agreed internship, optionally with its first weekly hours."""
    if planned_end < start:
        raise ServiceError(_("The planned end cannot be before the start."))
    internship = Internship.objects.create(
        track=track, company=company, start=start, planned_end=planned_end
    )
    if hours is not None:
        InternshipHours.objects.create(
            internship=internship, from_date=start, hours=hours, created_by=actor
        )
    audit_log(
        actor=actor,
        action="create",
        event="employment.internship.created",
        person=track.person,
        detail={"internship_id": internship.pk, "company_id": company.pk},
    )
    return internship


@transaction.atomic
def internship_update(
    *,
    actor,
    internship: Internship,
    version: int,
    company: Company,
    start: datetime.date,
    planned_end: datetime.date,
    actual_end: datetime.date | None,
    status: str,
    end_reason: str,
) -> Internship:
    if actual_end and status == InternshipStatus.ONGOING:
        status = InternshipStatus.ENDED
    if status == InternshipStatus.ONGOING:
        end_reason = ""
    data = {
        "company": company,
        "start": start,
        "planned_end": planned_end,
        "actual_end": actual_end,
        "status": status,
        "end_reason": end_reason,
    }
    changed = _changed(internship, data)
    _versioned_update(Internship, internship, data, version)
    audit_log(
        actor=actor,
        action="change",
        event="employment.internship.changed",
        person=internship.track.person,
        detail={"internship_id": internship.pk, "fields": changed},
    )
    return internship


@transaction.atomic
def internship_hours_set(
    *, actor, internship: Internship, from_date: datetime.date, hours: Decimal
) -> InternshipHours:
    """Weekly hours from a date on; a second entry for the same date replaces the first."""
    if from_date < internship.start:
        raise ServiceError(_("The hours cannot start before the internship."))
    entry, created = InternshipHours.objects.update_or_create(
        internship=internship, from_date=from_date, defaults={"hours": hours, "created_by": actor}
    )
    audit_log(
        actor=actor,
        action="create" if created else "change",
        event="employment.internship.hours_set",
        person=internship.track.person,
        detail={"internship_id": internship.pk, "from": from_date.isoformat()},
    )
    return entry


# --- Job interviews ----------------------------------------------------------------------------


@transaction.atomic
def interview_save(
    *,
    actor,
    track: EmploymentTrack,
    interview: JobInterview | None = None,
    planned_date: datetime.date | None = None,
    held_date: datetime.date | None = None,
    held_by: User | None = None,
    outcome_note: str = "",
) -> JobInterview:
    """Plan an interview or register one as held (an edit sets every field)."""
    if not (planned_date or held_date):
        raise ServiceError(_("Give a planned date or the date the interview was held."))
    if held_date and not held_by:
        held_by = actor
    data = {
        "planned_date": planned_date,
        "held_date": held_date,
        "held_by": held_by,
        "outcome_note": outcome_note,
    }
    created = interview is None
    if interview is None:
        interview = JobInterview.objects.create(track=track, **data)
    else:
        for name, value in data.items():
            setattr(interview, name, value)
        interview.save()
    audit_log(
        actor=actor,
        action="create" if created else "change",
        event="employment.interview.saved",
        person=track.person,
        detail={"interview_id": interview.pk, "held": bool(interview.held_date)},
    )
    return interview


# --- Job mentor -------------------------------------------------------------------------------


def _check_mentor_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ServiceError(_("The period cannot end before it starts."))
    if end > mentor_period_max_end(start):
        raise ServiceError(
            _("A job-mentor period can run until %(date)s at the latest; renew it after that.")
            % {"date": date_format(mentor_period_max_end(start), "SHORT_DATE_FORMAT")}
        )


@transaction.atomic
def mentor_assign(
    *,
    actor,
    track: EmploymentTrack,
    mentor,
    start: datetime.date,
    end: datetime.date,
    target_hours: Decimal | None = None,
    renewed_from: MentorAssignment | None = None,
) -> MentorAssignment:
    """Assign a job mentor for a period. Creates the families.PersonAssignment that
    gives the mentor access to this parent – and to nothing else."""
    _check_mentor_period(start, end)
    require_sharing_basis(family=track.person.family_id, role="job_mentor")
    access = PersonAssignment.objects.create(
        person=track.person, user=mentor, role="job_mentor", start=start, end=end
    )
    assignment = MentorAssignment.objects.create(
        track=track,
        mentor=mentor,
        start=start,
        end=end,
        target_hours=target_hours,
        renewed_from=renewed_from,
        access=access,
    )
    audit_log(
        actor=actor,
        action="create",
        event="employment.mentor.assigned",
        person=track.person,
        detail={
            "assignment_id": assignment.pk,
            "mentor_id": mentor.pk,
            "renewal": bool(renewed_from),
        },
    )
    return assignment


@transaction.atomic
def mentor_renew(*, actor, assignment: MentorAssignment, end: datetime.date) -> MentorAssignment:
    """Renew a mentor period (LAB § 167): a new period from the day after the old one ends."""
    assignment = MentorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.closed_on is not None:
        raise ServiceError(_("A closed mentor period cannot be renewed."))
    if MentorAssignment.objects.filter(renewed_from=assignment).exists():
        raise ServiceError(_("This mentor period has already been renewed."))
    start = assignment.end + datetime.timedelta(days=1)
    return mentor_assign(
        actor=actor,
        track=assignment.track,
        mentor=assignment.mentor,
        start=start,
        end=end,
        target_hours=assignment.target_hours,
        renewed_from=assignment,
    )


@transaction.atomic
def mentor_close(*, actor, assignment: MentorAssignment, on: datetime.date) -> MentorAssignment:
    """End a mentor period early; the mentor's access ends the same day."""
    assignment = MentorAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.closed_on is not None:
        raise ServiceError(_("This mentor period is already closed."))
    if on < assignment.start:
        raise ServiceError(_("The period cannot end before it starts."))
    assignment.closed_on = on
    assignment.end = min(assignment.end, on)
    assignment.save(update_fields=["closed_on", "end"])
    if assignment.access_id:
        PersonAssignment.objects.filter(pk=assignment.access_id).update(end=assignment.end)
    audit_log(
        actor=actor,
        action="change",
        event="employment.mentor.closed",
        person=assignment.track.person,
        detail={"assignment_id": assignment.pk},
    )
    return assignment


@transaction.atomic
def mentor_contact_add(
    *,
    actor,
    assignment: MentorAssignment,
    date: datetime.date,
    note: str,
    hours_per_week: Decimal | None = None,
) -> MentorContact:
    contact = MentorContact.objects.create(
        assignment=assignment, date=date, note=note, hours_per_week=hours_per_week, created_by=actor
    )
    audit_log(
        actor=actor,
        action="create",
        event="employment.mentor.contact_added",
        person=assignment.track.person,
        detail={"assignment_id": assignment.pk, "contact_id": contact.pk},
    )
    return contact


# --- Upskilling ---------------------------------------------------------------------------------


@transaction.atomic
def course_save(
    *,
    actor,
    track: EmploymentTrack,
    course: Course | None = None,
    kind: str,
    title: str,
    start: datetime.date,
    provider: str = "",
    end: datetime.date | None = None,
    completed: bool = False,
) -> Course:
    """Add a course, or change one (an edit sets every field)."""
    data = {
        "kind": kind,
        "title": title,
        "provider": provider,
        "start": start,
        "end": end,
        "completed": completed,
    }
    created = course is None
    if course is None:
        course = Course.objects.create(track=track, **data)
    else:
        for name, value in data.items():
            setattr(course, name, value)
        course.save()
    audit_log(
        actor=actor,
        action="create" if created else "change",
        event="employment.course.saved",
        person=track.person,
        detail={"course_id": course.pk},
    )
    return course


def mentor_handed_over(*, old: PersonAssignment, new: PersonAssignment, actor) -> None:
    """A leaving job mentor's period goes on with the colleague who took over their
    assignment (families.staffing handover): same period, new mentor and access."""
    MentorAssignment.objects.filter(access=old).update(mentor=new.user, access=new)
