"""The youth track's part of a person's insight (art. 15) and of erasure."""

from django.utils.translation import gettext as _

from families.privacy import model_rows
from families.registry import PersonalData
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


def insight(person) -> dict[str, list[dict]]:
    tracks = YouthTrack.objects.filter(person=person)
    by_track = {
        _("Leisure jobs"): LeisureJob,
        _("Company internships"): CompanyInternship,
        _("Exam preparation"): ExamPreparation,
        _("Guidance sessions"): GuidanceSession,
        _("Clarifications"): Clarification,
        _("Apprenticeship applications"): ApprenticeshipApplication,
        _("Retention counsellor contacts"): RetentionContact,
        _("Follow-up"): FollowUp,
    }
    sections = {_("Youth track"): model_rows(tracks, skip=("person",))}
    for title, model in by_track.items():
        sections[title] = model_rows(model.objects.filter(track__in=tracks), skip=("track",))
    sections[_("Education enrolments")] = model_rows(
        Enrolment.objects.filter(person=person), skip=("person",)
    )
    return sections


def erase(family) -> int:
    tracks = YouthTrack.objects.filter(person__family=family)
    changed = GuidanceSession.objects.filter(track__in=tracks).update(education_choice="", note="")
    changed += Clarification.objects.filter(track__in=tracks).update(text="")
    changed += RetentionContact.objects.filter(track__in=tracks).update(note="")
    changed += CompanyInternship.objects.filter(track__in=tracks).update(note="")
    changed += FollowUp.objects.filter(track__in=tracks).update(note="")
    return changed


SOURCE = PersonalData(key="youth", order=40, insight=insight, erase=erase)
