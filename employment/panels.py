"""The family page's "Employment track" section, one entry per parent."""

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Prefetch, Subquery
from django.utils import timezone

from bi18.rules import rule
from employment import clocks, rules
from employment.access import TRACK, can_see_employment
from employment.models import EmploymentTrack, Internship, JobInterview
from families.models import PersonRole


def family_panel_context(request, family, people) -> dict | None:
    """Two queries whatever the family's size (plus the user's roles, cached per request)."""
    user = request.user
    parents = [p for p in people if p.role == PersonRole.PARENT]
    if not parents or not can_see_employment(user):
        return None
    today = timezone.localdate()
    current = Internship.objects.filter(rules.internship_active_q(today), track=OuterRef("pk"))
    tracks: dict = {}
    for t in (
        EmploymentTrack.objects.filter(person__in=parents)
        .annotate(
            week6_pending=ExpressionWrapper(rules.week6_pending_q(), output_field=BooleanField()),
            current_company=Subquery(current.order_by("-start").values("company__name")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "interviews",
                queryset=JobInterview.objects.filter(held_date__isnull=False).only(
                    "track_id", "held_date"
                ),
                to_attr="held_interviews",
            )
        )
        .current_first()
    ):
        # Each parent's current track: the open one, else the latest (several over time).
        tracks.setdefault(t.person_id, t)
    rows = []
    for parent in parents:
        track = tracks.get(parent.pk)
        row = {"person": parent, "track": track}
        if track is not None:
            week6 = clocks.internship_deadline(track.start)
            held = [i.held_date for i in track.held_interviews]
            interview_due = clocks.next_interview_due(track.start, held)
            row.update(
                week6=week6,
                week6_overdue=track.week6_pending and week6 < today,
                week13=clocks.intensive_phase_end(track.start),
                month6=clocks.six_month_mark(track.start),
                current=track.current_company,
                interview_due=interview_due,
                interview_overdue=interview_due < today and not track.outcome,
                interviews_held=clocks.interviews_in_first_six_months(track.start, held),
                interviews_required=int(rule("job_interviews_first_six_months")),
            )
        rows.append(row)
    # Editor roles reach a family page only as network-group members (assignments are
    # for mentors and counsellors), so the role decides whether to offer "start track".
    return {
        "rows": rows,
        "can_edit": TRACK.may_edit(user),
        "today": today,
    }
