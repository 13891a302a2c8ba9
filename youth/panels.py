"""The "Youth track" section of the family page (registered in YouthConfig.ready())."""

from django.db.models import Prefetch
from django.utils import timezone

from families.models import PersonRole
from families.registry import FamilyPanel
from youth import access, rules
from youth.models import Enrolment, ExamPreparation, YouthTrack


def youth_rows(people, today):
    """One row per visible child: their track (if any), education today, the 02 rule.

    Three queries whatever the number of children or records.
    """
    children = [p for p in people if p.role == PersonRole.CHILD]
    if not children:
        return []
    tracks: dict = {}
    for t in (
        YouthTrack.objects.filter(person__in=children)
        .select_related("retention_counsellor", "guidance_counsellor", "follow_up")
        .prefetch_related(
            Prefetch("exams", queryset=ExamPreparation.objects.order_by("-exam_date", "-id"))
        )
        .current_first()
    ):
        tracks.setdefault(t.person_id, t)  # each young person's current track
    enrolments: dict[int, list] = {}
    for e in Enrolment.objects.filter(person__in=children):
        enrolments.setdefault(e.person_id, []).append(e)
    rows = []
    for child in children:
        track = tracks.get(child.pk)
        exams = list(track.exams.all()) if track else []
        age = child.age_on(today)
        rows.append(
            {
                "person": child,
                "track": track,
                "age": age,
                "eligible": rules.may_start_on(date_of_birth=child.date_of_birth, day=today),
                "in_education": rules.in_education_from(enrolments.get(child.pk, []), today),
                "latest_exam": exams[0] if exams else None,
            }
        )
    return rows


def _context(request, family, people):
    # Only the young people whose youth track this user's role may see (youth.access).
    people = [p for p in people if access.TRACK.may_view_person(request.user, p)]
    rows = youth_rows(people, timezone.localdate())
    if not rows:
        return None
    return {"rows": rows}


PANEL = FamilyPanel(key="youth", order=40, template="youth/_family_panel.html", context=_context)
