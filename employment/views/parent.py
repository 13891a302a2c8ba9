"""The parent's employment page with its timeline and clocks."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from bi18.audit.services import audit_log
from employment import clocks, rules
from employment.access import can_edit_track, get_parent_for_user
from employment.selectors import (
    earlier_tracks,
    internship_gaps,
    interview_status,
    track_timeline,
    track_with_records,
)


@login_required
def parent_detail(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    today = timezone.localdate()
    track = track_with_records(person)
    context = {
        "person": person,
        "family": person.family,
        "track": track,
        "can_edit": can_edit_track(request.user, person),
        "earlier_tracks": earlier_tracks(person, track),
        "nav_active": "families",
        "today": today,
    }
    if track is not None:
        internships = list(track.internships.all())
        mentors = list(track.mentors.all())
        context.update(
            timeline=track_timeline(track, today=today),
            internships=internships,
            gaps=internship_gaps(
                internships, today=today, job_from=track.outcome_date if track.outcome else None
            ),
            interviews=list(track.interviews.all()),
            interview=interview_status(track, track.interviews.all(), today=today),
            mentors=mentors,
            my_mentor_periods=[
                m
                for m in mentors
                if m.mentor_id == request.user.pk and m.is_open and m.end >= today
            ],
            courses=list(track.courses.all()),
            clocks={
                "week6": clocks.internship_deadline(track.start),
                "week13": clocks.intensive_phase_end(track.start),
                "month6": clocks.six_month_mark(track.start),
            },
            week6_overdue=(
                rules.week6_pending(track) and clocks.internship_deadline(track.start) < today
            ),
            renewable={m.pk for m in mentors if m.is_open} - {m.renewed_from_id for m in mentors},
        )
    audit_log(actor=request.user, action="view", event="employment.parent.viewed", person=person)
    return render(request, "employment/parent_detail.html", context)
