"""The employment track's part of a person's insight (art. 15) and of erasure."""

from django.utils.translation import gettext as _

from employment.models import (
    Course,
    EmploymentTrack,
    Internship,
    InternshipHours,
    JobInterview,
    MentorAssignment,
    MentorContact,
)
from families.privacy import model_rows
from families.registry import PersonalData


def insight(person) -> dict[str, list[dict]]:
    tracks = EmploymentTrack.objects.filter(person=person)
    return {
        _("Employment track"): model_rows(tracks, skip=("person",)),
        _("Internships"): model_rows(Internship.objects.filter(track__in=tracks), skip=("track",)),
        _("Internship hours"): model_rows(
            InternshipHours.objects.filter(internship__track__in=tracks)
        ),
        _("Job interviews"): model_rows(
            JobInterview.objects.filter(track__in=tracks), skip=("track",)
        ),
        _("Job mentor periods"): model_rows(
            MentorAssignment.objects.filter(track__in=tracks),
            skip=("track", "renewed_from", "access"),
        ),
        _("Mentor contacts"): model_rows(
            MentorContact.objects.filter(assignment__track__in=tracks), skip=("assignment",)
        ),
        _("Courses"): model_rows(Course.objects.filter(track__in=tracks), skip=("track",)),
    }


def erase(family) -> int:
    tracks = EmploymentTrack.objects.filter(person__family=family)
    changed = tracks.update(goal="", goal_industry="", outcome_employer="", outcome_reason="")
    changed += JobInterview.objects.filter(track__in=tracks).update(outcome_note="")
    changed += MentorContact.objects.filter(assignment__track__in=tracks).update(note="")
    return changed


SOURCE = PersonalData(key="employment", order=30, insight=insight, erase=erase)
