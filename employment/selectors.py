"""Reads about one track: the track with its records, gaps, interview cadence and the
timeline. Apart from track_with_records(), pure functions over already-loaded rows, so
the pages make a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from bi18.lib.prepared import fixed_instances, store_prefetched
from bi18.rules import rule
from employment import clocks, rules
from employment.models import (
    Course,
    EmploymentTrack,
    Internship,
    InternshipHours,
    InternshipStatus,
    JobInterview,
    MentorAssignment,
    MentorContact,
    TrackKind,
)


def current_track(person) -> EmploymentTrack | None:
    """The parent's current track: the open one, else the latest (None without a track)."""
    return EmploymentTrack.objects.filter(person=person).current_first().first()


def earlier_tracks(person, current: EmploymentTrack | None) -> list[EmploymentTrack]:
    """The parent's other tracks, newest first: the history a new track keeps."""
    if current is None:
        return []
    return list(
        EmploymentTrack.objects.filter(person=person)
        .exclude(pk=current.pk)
        .order_by("-start", "-id")
    )


def track_with_records(person) -> EmploymentTrack | None:
    """The parent's current track with everything its page and timeline show, in a fixed
    number of queries (None without a track): each built by the ORM once per process and
    run prepared (bi18.lib.prepared), the records stored on the track as
    prefetch_related() stores them (`track.internships.all()`, `internship.hours.all()`...)."""
    found = fixed_instances("employment.page.track", _current_track, {"person": person.pk})
    if not found:
        return None
    track = found[0]
    of_track = {"track": track.pk}
    internships = fixed_instances("employment.page.internships", _internships, of_track)
    hours = _of("employment.page.internship_hours", _hours, "internships", internships)
    store_prefetched(internships, "hours", hours, by="internship_id")
    mentors = fixed_instances("employment.page.mentors", _mentors, of_track)
    contacts = _of("employment.page.mentor_contacts", _contacts, "assignments", mentors)
    store_prefetched(mentors, "contacts", contacts, by="assignment_id")
    store_prefetched([track], "internships", internships, by="track_id")
    interviews = fixed_instances("employment.page.interviews", _interviews, of_track)
    store_prefetched([track], "interviews", interviews, by="track_id")
    store_prefetched([track], "mentors", mentors, by="track_id")
    courses = fixed_instances("employment.page.courses", _courses, of_track)
    store_prefetched([track], "courses", courses, by="track_id")
    return track


def _of(key, build, name, parents) -> list:
    """The rows of `build` for these parents' ids (none without parents: no query)."""
    if not parents:
        return []
    return fixed_instances(key, build, {name: [p.pk for p in parents]})


def _current_track(v):
    tracks = EmploymentTrack.objects.filter(person_id=v["person"]).current_first()
    return tracks.select_related("company_consultant", "employment_consultant")[:1]


def _internships(v):
    return Internship.objects.filter(track_id=v["track"]).select_related("company")


def _hours(v):
    return InternshipHours.objects.filter(internship_id__in=v["internships"]).order_by("from_date")


def _mentors(v):
    return MentorAssignment.objects.filter(track_id=v["track"]).select_related("mentor")


def _contacts(v):
    contacts = MentorContact.objects.filter(assignment_id__in=v["assignments"])
    return contacts.select_related("created_by")


def _interviews(v):
    return JobInterview.objects.filter(track_id=v["track"]).select_related("held_by")


def _courses(v):
    return Course.objects.filter(track_id=v["track"])


@dataclass(frozen=True)
class Gap:
    start: datetime.date  # first day without an internship
    end: datetime.date | None  # last day without one; None while the gap is still open
    after: Internship
    before: Internship | None

    @property
    def days(self) -> int | None:
        return (self.end - self.start).days + 1 if self.end else None


def internship_gaps(
    internships: list[Internship], *, today: datetime.date, job_from: datetime.date | None = None
) -> list[Gap]:
    """Gaps between one internship ending and the next starting while the parent had no
    job yet ("uafbrudt praktik indtil beskæftigelse"). An open gap is one where the last
    internship has ended and nothing follows. Cancelled internships do not count."""
    rows = sorted(
        (i for i in internships if i.status != InternshipStatus.CANCELLED),
        key=lambda i: (i.start, i.pk or 0),
    )
    gaps: list[Gap] = []
    covered_until: datetime.date | None = None
    previous: Internship | None = None
    for internship in rows:
        if previous is not None and covered_until is not None:
            first_free = covered_until + datetime.timedelta(days=1)
            if internship.start > first_free and (job_from is None or first_free < job_from):
                gaps.append(
                    Gap(
                        first_free,
                        internship.start - datetime.timedelta(days=1),
                        previous,
                        internship,
                    )
                )
        end = internship.end
        if covered_until is None or end > covered_until:
            covered_until = end
            previous = internship
    if (
        previous is not None
        and previous.actual_end is not None
        and covered_until is not None
        and covered_until < today
    ):
        first_free = covered_until + datetime.timedelta(days=1)
        if job_from is None or first_free < job_from:
            gaps.append(Gap(first_free, None, previous, None))
    return gaps


@dataclass(frozen=True)
class InterviewStatus:
    last_held: datetime.date | None
    next_due: datetime.date
    next_planned: datetime.date | None
    overdue: bool
    held_first_six_months: int
    required_first_six_months: int
    six_month_mark: datetime.date

    @property
    def first_six_months_met(self) -> bool:
        return self.held_first_six_months >= self.required_first_six_months

    @property
    def first_six_months_percent(self) -> int:
        if not self.required_first_six_months:
            return 100
        return min(100, 100 * self.held_first_six_months // self.required_first_six_months)


def interview_status(
    track: EmploymentTrack, interviews, *, today: datetime.date
) -> InterviewStatus:
    held = sorted(i.held_date for i in interviews if i.held_date)
    due = clocks.next_interview_due(track.start, held)
    planned = sorted(
        i.planned_date
        for i in interviews
        if i.planned_date and not i.held_date and i.planned_date >= today
    )
    return InterviewStatus(
        last_held=held[-1] if held else None,
        next_due=due,
        next_planned=planned[0] if planned else None,
        overdue=due < today and not track.outcome,
        held_first_six_months=clocks.interviews_in_first_six_months(track.start, held),
        required_first_six_months=int(rule("job_interviews_first_six_months")),
        six_month_mark=clocks.six_month_mark(track.start),
    )


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    kind: str  # "clock", "internship", "hours", "interview", "mentor", "course", "outcome", "gap", "start"
    title: str
    detail: str = ""
    warning: bool = False


def track_timeline(track: EmploymentTrack, *, today: datetime.date) -> list[TimelineEntry]:
    """The whole track in date order, with the clocks (week 6, week 13, month 6) marked.

    Uses only prefetched relations: internships (+company, +hours), interviews,
    mentors (+contacts), courses.
    """
    internships = list(track.internships.all())
    established = [i for i in internships if i.status != InternshipStatus.CANCELLED]
    entries: list[TimelineEntry] = [
        TimelineEntry(track.start, "start", _("Track started"), track.get_kind_display())
    ]
    if track.kind == TrackKind.INTENSIVE:
        # Week 6 is the intensive track's clock (SPEC §5; T3 counts intensive tracks only).
        deadline = clocks.internship_deadline(track.start)
        first = min((i.start for i in established), default=None)
        missed = not rules.week6_met(track)
        entries.append(
            TimelineEntry(
                deadline,
                "clock",
                _("Week 6: internship deadline"),
                _("First internship started %(date)s")
                % {"date": date_format(first, "SHORT_DATE_FORMAT")}
                if first
                else _("No internship yet"),
                warning=missed and (first is not None or deadline < today),
            )
        )
        entries.append(
            TimelineEntry(
                clocks.intensive_phase_end(track.start), "clock", _("Week 13: intensive phase ends")
            )
        )
    # Month 6 shows T1's own rule (employment.rules.t1_achieved) on the track's mark.
    mark = clocks.six_month_mark(track.start)
    in_internship = rules.in_internship(track, mark)
    left_ok = rules.gone_on(track, mark)
    entries.append(
        TimelineEntry(
            mark,
            "clock",
            _("Month 6: internship target date"),
            (
                _("In an internship")
                if in_internship
                else _("Left for a job or education")
                if left_ok
                else _("Not in an internship")
            )
            if mark <= today
            else "",
            warning=mark <= today and not (in_internship or left_ok),
        )
    )
    for internship in internships:
        title = _("Internship at %(company)s") % {"company": internship.company.name}
        if internship.status == InternshipStatus.CANCELLED:
            entries.append(TimelineEntry(internship.start, "internship", title, _("Cancelled")))
            continue
        entries.append(
            TimelineEntry(
                internship.start,
                "internship",
                title + " – " + _("start"),
                _("planned until %(date)s")
                % {"date": date_format(internship.planned_end, "SHORT_DATE_FORMAT")},
            )
        )
        for entry in internship.hours.all():
            entries.append(
                TimelineEntry(
                    entry.from_date,
                    "hours",
                    _("%(hours)s hours per week") % {"hours": number_format(entry.hours)},
                    internship.company.name,
                )
            )
        if internship.actual_end:
            entries.append(
                TimelineEntry(
                    internship.actual_end,
                    "internship",
                    title + " – " + _("ended"),
                    internship.get_end_reason_display(),
                )
            )
    for gap in internship_gaps(
        internships, today=today, job_from=track.outcome_date if track.outcome else None
    ):
        detail = (
            _("%(days)s days without an internship") % {"days": gap.days}
            if gap.end
            else _("No internship since then")
        )
        entries.append(
            TimelineEntry(gap.start, "gap", _("Gap between internships"), detail, warning=True)
        )
    for interview in track.interviews.all():
        if interview.held_date:
            entries.append(
                TimelineEntry(
                    interview.held_date,
                    "interview",
                    _("Job interview held"),
                    interview.outcome_note,
                )
            )
        elif interview.planned_date:
            entries.append(
                TimelineEntry(interview.planned_date, "interview", _("Job interview planned"))
            )
    for mentor in track.mentors.all():
        entries.append(
            TimelineEntry(
                mentor.start,
                "mentor",
                _("Job mentor %(name)s") % {"name": mentor.mentor},
                _("until %(date)s") % {"date": date_format(mentor.end, "SHORT_DATE_FORMAT")},
            )
        )
        for contact in mentor.contacts.all():
            entries.append(TimelineEntry(contact.date, "mentor", _("Mentor contact"), contact.note))
    for course in track.courses.all():
        entries.append(
            TimelineEntry(
                course.start,
                "course",
                f"{course.get_kind_display()}: {course.title}",
                course.provider + (" · " + _("completed") if course.completed else ""),
            )
        )
    if track.outcome and track.outcome_date:
        entries.append(
            TimelineEntry(
                track.outcome_date,
                "outcome",
                _("Outcome: %(outcome)s") % {"outcome": track.get_outcome_display()},
                track.outcome_employer or track.outcome_reason,
            )
        )
    order = {
        "start": 0,
        "internship": 1,
        "hours": 2,
        "interview": 3,
        "mentor": 4,
        "course": 5,
        "gap": 6,
        "outcome": 7,
        "clock": 8,
    }
    entries.sort(key=lambda e: (e.date, order.get(e.kind, 9)))
    return entries
