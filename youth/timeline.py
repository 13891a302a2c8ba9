"""A young person's timeline: one chronological line with the clock marked (end + 3 months)."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bi18.rules import rule
from youth import rules
from youth.models import EnrolmentEnd


@dataclass(frozen=True)
class Event:
    day: datetime.date
    label: str
    detail: str = ""
    kind: str = "event"  # "clock" for the marked clocks, "future" for what has not happened yet
    order: int = 5


def build_timeline(track, enrolments, *, today: datetime.date) -> list[Event]:
    """Events from the track (already loaded with its records) and the enrolments; no queries."""
    events: list[Event] = []
    for e in enrolments:
        events.append(
            Event(e.start, _("Enrolment starts"), f"{e.programme}, {e.institution}", order=3)
        )
        if e.end:
            events.append(
                Event(
                    e.end,
                    _("Enrolment ends: %(how)s") % {"how": EnrolmentEnd(e.end_reason).label}
                    if e.end_reason
                    else _("Enrolment ends"),
                    f"{e.programme}, {e.institution}",
                    order=6,
                )
            )
    if track is not None:
        events.append(
            Event(
                track.start, _("Youth effort starts"), ", ".join(track.efforts_display), "clock", 1
            )
        )
        if track.planned_end and not track.actual_end:
            events.append(
                Event(track.planned_end, _("Planned end of the effort"), kind="future", order=8)
            )
        for job in track.leisure_jobs.all():
            events.append(Event(job.start, _("Leisure job starts"), job.employer, order=4))
            if job.end:
                events.append(Event(job.end, _("Leisure job ends"), job.employer, order=6))
        for internship in track.internships.all():
            events.append(
                Event(internship.start, _("Company internship starts"), internship.company, order=4)
            )
            if internship.actual_end:
                ended = internship.company
                if internship.end_reason:
                    ended += " – " + internship.get_end_reason_display()
                events.append(
                    Event(internship.actual_end, _("Company internship ends"), ended, order=6)
                )
            elif internship.planned_end and internship.planned_end >= today:
                events.append(
                    Event(
                        internship.planned_end,
                        _("Company internship planned to end"),
                        internship.company,
                        kind="future",
                        order=6,
                    )
                )
        for exam in track.exams.all():
            if exam.exam_date:
                result = rules.meets_eud_after(exam)
                met = (
                    ""
                    if result is None
                    else _("02 requirement met")
                    if result
                    else _("02 requirement not met")
                )
                events.append(
                    Event(exam.exam_date, _("Exam (Danish and mathematics)"), met, order=5)
                )
        for s in track.guidance_sessions.all():
            events.append(Event(s.date, _("Guidance session"), s.education_choice, order=5))
        for c in track.clarifications.all():
            events.append(Event(c.date, _("Early clarification"), order=5))
        for a in track.applications.all():
            events.append(
                Event(
                    a.applied_on,
                    _("Apprenticeship application"),
                    f"{a.company} ({a.get_status_display()})",
                    order=5,
                )
            )
        for c in track.contacts.all():
            events.append(
                Event(
                    c.date,
                    _("Retention contact"),
                    f"{c.school} – {_('risk')}: {c.get_risk_display()}",
                    order=5,
                )
            )
        if track.actual_end:
            events.append(Event(track.actual_end, _("Youth effort ends"), kind="clock", order=9))
            due = rules.follow_up_due_date(track.actual_end)
            status = (
                _("in education")
                if rules.in_education_from(enrolments, due)
                else _("not in education")
            )
            events.append(
                Event(
                    due,
                    _("End + %(months)s months: follow-up")
                    % {"months": rule("youth_follow_up_months")},
                    _("According to the enrolments: %(status)s") % {"status": status},
                    "clock",
                    9,
                )
            )
    events = [
        Event(
            ev.day,
            ev.label,
            ev.detail,
            "future" if ev.day > today and ev.kind == "event" else ev.kind,
            ev.order,
        )
        for ev in events
    ]
    events.sort(key=lambda ev: (ev.day, ev.order))
    return events
