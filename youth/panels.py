"""The "Youth track" section of the family page (registered in YouthConfig.ready())."""

from django.utils import timezone

from bi18.lib.prepared import fixed_instances
from families.models import PersonRole
from families.registry import FamilyPanel
from youth import access, rules
from youth.models import Enrolment, ExamPreparation, YouthTrack


def youth_rows(people, today):
    """One row per visible child: their track (if any), education today, the 02 rule.

    Three queries whatever the number of children or records, built once per process
    (bi18.lib.prepared.fixed_instances).
    """
    children = [p for p in people if p.role == PersonRole.CHILD]
    if not children:
        return []
    people_ids = {"people": [c.pk for c in children]}
    tracks: dict = {}
    for track in fixed_instances("youth.panel_tracks", _tracks, people_ids):
        tracks.setdefault(track.person_id, track)  # each young person's current track
    exams: dict[int, list] = {}
    if tracks:
        current = {"tracks": [t.pk for t in tracks.values()]}
        for exam in fixed_instances("youth.panel_exams", _exams, current):
            exams.setdefault(exam.track_id, []).append(exam)
    enrolments: dict[int, list] = {}
    for enrolment in fixed_instances("youth.panel_enrolments", _enrolments, people_ids):
        enrolments.setdefault(enrolment.person_id, []).append(enrolment)
    rows = []
    for child in children:
        track = tracks.get(child.pk)
        track_exams = exams.get(track.pk, []) if track else []
        age = child.age_on(today)
        rows.append(
            {
                "person": child,
                "track": track,
                "age": age,
                "eligible": rules.may_start_on(date_of_birth=child.date_of_birth, day=today),
                "in_education": rules.in_education_from(enrolments.get(child.pk, []), today),
                "latest_exam": track_exams[0] if track_exams else None,
            }
        )
    return rows


def _tracks(v):
    return YouthTrack.objects.filter(person_id__in=v["people"]).current_first()


def _exams(v):
    return ExamPreparation.objects.filter(track_id__in=v["tracks"]).order_by("-exam_date", "-id")


def _enrolments(v):
    return Enrolment.objects.filter(person_id__in=v["people"])


def _context(request, family, people):
    # Only the young people whose youth track this user's role may see (youth.access).
    people = [p for p in people if access.TRACK.may_view_person(request.user, p)]
    rows = youth_rows(people, timezone.localdate())
    if not rows:
        return None
    return {"rows": rows}


PANEL = FamilyPanel(key="youth", order=40, template="youth/_family_panel.html", context=_context)
