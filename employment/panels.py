"""The family page's "Employment track" section, one entry per parent."""

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Subquery
from django.utils import timezone

from bi18.lib.prepared import fixed_instances, fixed_values
from bi18.rules import rule
from employment import clocks, rules
from employment.access import TRACK, can_see_employment
from employment.models import EmploymentTrack, Internship, JobInterview
from families.models import PersonRole


def family_panel_context(request, family, people) -> dict | None:
    """Two queries whatever the family's size (plus the user's roles, cached per request),
    built once per process (bi18.lib.prepared.fixed_values)."""
    user = request.user
    parents = [p for p in people if p.role == PersonRole.PARENT]
    if not parents or not can_see_employment(user):
        return None
    today = timezone.localdate()
    values = {"people": [p.pk for p in parents], "today": today}
    tracks: dict = {}
    for track in fixed_instances("employment.panel_tracks", _panel_tracks, values):
        # Each parent's current track: the open one, else the latest (several over time).
        tracks.setdefault(track.person_id, track)
    held: dict = {track.pk: [] for track in tracks.values()}
    if held:
        interviews = fixed_values(
            "employment.panel_interviews", _held_interviews, {"tracks": list(held)}
        )
        for row in interviews:
            held[row["track_id"]].append(row["held_date"])
    rows = []
    for parent in parents:
        track = tracks.get(parent.pk)
        row = {"person": parent, "track": track}
        if track is not None:
            week6 = clocks.internship_deadline(track.start)
            held_dates = held[track.pk]
            interview_due = clocks.next_interview_due(track.start, held_dates)
            row.update(
                week6=week6,
                week6_overdue=track.week6_pending and week6 < today,
                week13=clocks.intensive_phase_end(track.start),
                month6=clocks.six_month_mark(track.start),
                current=track.current_company,
                interview_due=interview_due,
                interview_overdue=interview_due < today and not track.outcome,
                interviews_held=clocks.interviews_in_first_six_months(track.start, held_dates),
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


def _panel_tracks(v):
    """The parents' tracks, each one's current first (what the panel shows of them)."""
    current = Internship.objects.filter(rules.internship_active_q(v["today"]), track=OuterRef("pk"))
    return (
        EmploymentTrack.objects.filter(person_id__in=v["people"])
        .annotate(
            week6_pending=ExpressionWrapper(rules.week6_pending_q(), output_field=BooleanField()),
            current_company=Subquery(current.order_by("-start").values("company__name")[:1]),
        )
        .current_first()
    )


def _held_interviews(v):
    return JobInterview.objects.filter(held_date__isnull=False, track_id__in=v["tracks"]).values(
        "track_id", "held_date"
    )
