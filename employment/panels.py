"""The family page's "Employment track" section, one entry per parent."""

from django.db.models import Max, Prefetch
from django.utils import timezone

from employment import clocks
from employment.access import TRACK_EDITOR_ROLES, can_see_employment
from employment.models import EmploymentTrack, Internship
from families.access import is_full_member
from families.models import PersonRole


def family_panel_context(request, family, people) -> dict | None:
    """Three queries whatever the family's size: tracks, their internships, the role check."""
    user = request.user
    parents = [p for p in people if p.role == PersonRole.PARENT]
    if not parents or not can_see_employment(user):
        return None
    today = timezone.localdate()
    tracks = {
        t.person_id: t
        for t in EmploymentTrack.objects.filter(person__in=parents)
        .annotate(last_interview=Max("interviews__held_date"))
        .prefetch_related(
            Prefetch(
                "internships", queryset=Internship.objects.established().select_related("company")
            )
        )
    }
    rows = []
    for parent in parents:
        track = tracks.get(parent.pk)
        row = {"person": parent, "track": track}
        if track is not None:
            internships = list(track.internships.all())
            current = next((i for i in reversed(internships) if i.is_active_on(today)), None)
            week6 = clocks.internship_deadline(track.start)
            interview_due = clocks.next_interview_due(track.start, track.last_interview)
            row.update(
                week6=week6,
                week6_overdue=not internships and week6 < today and not track.outcome,
                week13=clocks.intensive_phase_end(track.start),
                month6=clocks.six_month_mark(track.start),
                current=current,
                interview_due=interview_due,
                interview_overdue=interview_due < today and not track.outcome,
            )
        rows.append(row)
    return {
        "rows": rows,
        "can_edit": any(user.has_role(r) for r in TRACK_EDITOR_ROLES)
        and is_full_member(user, family),
        "today": today,
    }
