"""The employment track's deadline kinds and forecasts for "Mit arbejde" and the digest.

Who gets what (documented once, here):
* company consultant of the track: week 6 (internship deadline), week 13 (end of
  the intensive phase), internship gaps, internships reaching their cap, mentor
  periods ending;
* employment consultant of the track: statutory job interviews due/overdue;
* job mentor: the end of their own (open) mentor periods;
* family caseworker who coordinates the family's network group: all of the above
  for that family's parents – they hold the joint plan.
Always only for parents the user may see (employment.access) and only for users in an
employment role (a retention counsellor gets none). Tracks with an
outcome are finished and raise nothing. Each collector makes a fixed number of
queries (one, plus the user's role lookup).
"""

import datetime

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Prefetch, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bi18.accounts.roles import Role
from bi18.rules import rule
from employment import access, clocks, rules
from employment.access import can_see_employment
from employment.models import (
    EmploymentTrack,
    Internship,
    InternshipStatus,
    JobInterview,
    MentorAssignment,
    TrackKind,
)
from families.access import scope_for
from families.models import BenefitCategory
from families.worklist.registry import Deadline, DeadlineKind, per_request, pk_url

INTERNSHIP_DEADLINE = "employment.internship_deadline"
INTENSIVE_END = "employment.intensive_phase_end"
INTERVIEW_DUE = "employment.job_interview_due"
INTERNSHIP_GAP = "employment.internship_gap"
INTERNSHIP_CAP = "employment.internship_cap"
MENTOR_END = "employment.mentor_period_end"
INTERNSHIP_OVERRUN = "employment.internship_past_planned_end"
RISK_WEEK6 = "employment.risk_week6"
RISK_MONTH6 = "employment.risk_month6"
RISK_INTERVIEWS = "employment.risk_interviews"

_TRACK_ONLY = (
    "id",
    "start",
    "kind",
    "person__id",
    "person__first_name",
    "person__last_name",
    "person__family__id",
    "person__family__case_number",
)


# What an item shows of a row that hangs off a track (internship, mentor period): the
# person and family columns only, not every column of four tables.
_VIA_TRACK = ("track__id", *(f"track__{name}" for name in _TRACK_ONLY if name.startswith("person")))


def tracks_for(user, *owner_fields: str, family_id: int | None = None):
    """Open tracks the user is responsible for through `owner_fields`, or as the
    coordinating family caseworker; only parents the user may see (employment.access);
    with `family_id`, only that family's. Built once per request (per_request)."""
    return per_request(
        user,
        ("employment.tracks", owner_fields, family_id),
        lambda: _tracks_for(user, owner_fields, family_id),
    )


def _tracks_for(user, owner_fields, family_id):
    if not can_see_employment(user):
        return EmploymentTrack.objects.none()
    responsible = Q()
    for name in owner_fields:
        responsible |= Q(**{name: user})
    if user.has_role(Role.FAMILY_CASEWORKER):
        coordinated = scope_for(user).coordinated_families
        if coordinated:
            responsible |= Q(person__family_id__in=sorted(coordinated))
    if not responsible:
        return EmploymentTrack.objects.none()
    # The user's scope as id sets (families.scope): no correlated sub-query per track, which
    # made the planner scan every person and internship at 50,000 families (issue 11).
    tracks = EmploymentTrack.objects.filter(responsible, outcome="")
    if family_id is not None:
        tracks = tracks.filter(person__family_id=family_id)
    return access.tracks(user, tracks)


def _item(
    kind: str, label: str, due: datetime.date, url: str, track, detail: str = "", **extra
) -> Deadline:
    person = track.person
    return Deadline(
        kind=kind,
        label=label,
        due=due,
        url=url,
        family_case_number=person.family.case_number,
        family_id=person.family_id,
        person_name=person.full_name,
        detail=detail,
        extra={"person_id": person.pk, **extra},
    )


def _with_person(qs):
    return qs.select_related("person__family").only(*_TRACK_ONLY)


def collect_internship_deadline(user, today, until, family_id=None) -> list[Deadline]:
    internship_create_url = pk_url("employment:internship_create")
    qs = _with_person(
        tracks_for(user, "company_consultant", family_id=family_id)
        .filter(rules.week6_pending_q())
        .filter(start__lte=clocks.latest_start_with_deadline_by(until))
    )
    return [
        _item(
            INTERNSHIP_DEADLINE,
            _("Internship deadline (week 6)"),
            clocks.internship_deadline(t.start),
            internship_create_url(t.person.pk),
            t,
            _("No internship registered"),
        )
        for t in qs
    ]


def collect_intensive_end(user, today, until, family_id=None) -> list[Deadline]:
    track_edit_url = pk_url("employment:track_edit")
    # Once the phase has ended it stays on the list only while no employment goal is set.
    ended_before_today = clocks.latest_start_with_intensive_end_by(today - datetime.timedelta(1))
    qs = _with_person(
        tracks_for(user, "company_consultant", family_id=family_id)
        .filter(
            kind=TrackKind.INTENSIVE, start__lte=clocks.latest_start_with_intensive_end_by(until)
        )
        .filter(Q(goal="") | Q(start__gt=ended_before_today))
    ).only(*_TRACK_ONLY, "goal")
    return [
        _item(
            INTENSIVE_END,
            _("End of the intensive phase (week 13)"),
            clocks.intensive_phase_end(t.start),
            track_edit_url(t.person.pk),
            t,
            "" if t.goal else _("No employment goal yet"),
        )
        for t in qs
    ]


def _with_held_interviews(qs):
    return qs.prefetch_related(
        Prefetch(
            "interviews",
            queryset=JobInterview.objects.filter(held_date__isnull=False).only(
                "track_id", "held_date"
            ),
            to_attr="held_interviews",
        )
    )


def collect_interview_due(user, today, until, family_id=None) -> list[Deadline]:
    """The next statutory interview by the rule in clocks.next_interview_due: spread over
    the first six months until the required number is held, then the configured interval."""
    interview_create_url = pk_url("employment:interview_create")
    required = int(rule("job_interviews_first_six_months"))
    # A filter in the database, the exact due date below: tracks that still lack
    # interviews of the first six months (counted up to month 6 exactly, as
    # clocks.interviews_in_first_six_months does), and the others whose interval has run
    # out by `until` (clocks.latest_interval_base_due_by).
    interval_base = clocks.latest_interval_base_due_by(until)
    qs = (
        _with_person(tracks_for(user, "employment_consultant", family_id=family_id))
        .annotate(
            last_held=Max("interviews__held_date"),
            early_held=Count(
                "interviews",
                filter=Q(
                    interviews__held_date__gte=F("start"),
                    interviews__held_date__lte=clocks.six_month_mark_sql(),
                ),
            ),
            next_planned=Min(
                "interviews__planned_date",
                filter=Q(interviews__held_date__isnull=True, interviews__planned_date__gte=today),
            ),
        )
        .filter(
            Q(early_held__lt=required)
            | Q(last_held__lte=interval_base)
            | Q(last_held__isnull=True, start__lte=interval_base)
        )
    )
    items = []
    for t in _with_held_interviews(qs):
        held = [i.held_date for i in t.held_interviews]
        due = clocks.next_interview_due(t.start, held)
        if due > until:
            continue
        detail = (
            _("Planned for %(date)s") % {"date": date_format(t.next_planned, "SHORT_DATE_FORMAT")}
            if t.next_planned
            else _("Not planned yet")
        )
        if due <= clocks.six_month_mark(t.start):
            detail += " · " + _("%(held)s of %(required)s in the first 6 months") % {
                "held": clocks.interviews_in_first_six_months(t.start, held),
                "required": required,
            }
        items.append(
            _item(
                INTERVIEW_DUE,
                _("Job interview due") if due >= today else _("Job interview overdue"),
                due,
                interview_create_url(t.person.pk),
                t,
                detail,
            )
        )
    return items


def collect_internship_gap(user, today, until, family_id=None) -> list[Deadline]:
    internship_create_url = pk_url("employment:internship_create")
    open_or_coming = Internship.objects.established().filter(
        track=OuterRef("pk"), actual_end__isnull=True
    )
    qs = (
        _with_person(tracks_for(user, "company_consultant", family_id=family_id))
        .exclude(Exists(open_or_coming))
        .annotate(
            last_end=Max(
                "internships__actual_end",
                filter=~Q(internships__status=InternshipStatus.CANCELLED),
            )
        )
        .filter(last_end__lt=today)
    )
    return [
        _item(
            INTERNSHIP_GAP,
            _("Gap between internships"),
            t.last_end + datetime.timedelta(days=1),
            internship_create_url(t.person.pk),
            t,
            _("The last internship ended %(date)s")
            % {"date": date_format(t.last_end, "SHORT_DATE_FORMAT")},
        )
        for t in qs
    ]


def collect_internship_cap(user, today, until, family_id=None) -> list[Deadline]:
    internship_edit_url = pk_url("employment:internship_edit")
    later = Internship.objects.established().filter(
        track=OuterRef("track_id"), start__gt=OuterRef("start")
    )
    qs = (
        Internship.objects.filter(
            track__in=tracks_for(user, "company_consultant", family_id=family_id),
            status=InternshipStatus.ONGOING,
            actual_end__isnull=True,
            start__lte=clocks.latest_start_with_cap_by(until),
            track__person__benefit_category=BenefitCategory.ACTIVITY_READY,
        )
        .exclude(Exists(later))
        .select_related("track__person__family", "company")
        .only("id", "start", *_VIA_TRACK, "company__id", "company__name")
    )
    return [
        _item(
            INTERNSHIP_CAP,
            _("Internship reaches its cap"),
            clocks.internship_cap_date(i.start),
            internship_edit_url(i.pk),
            i.track,
            _("%(company)s – arrange the next step") % {"company": i.company.name},
        )
        for i in qs
    ]


def collect_internship_overrun(user, today, until, family_id=None) -> list[Deadline]:
    """An internship past its planned end with no actual end: record how it ended or
    extend it, or the parent is counted as in an internship that may have stopped (T1)."""
    internship_edit_url = pk_url("employment:internship_edit")
    qs = Internship.objects.filter(
        track__in=tracks_for(user, "company_consultant", family_id=family_id),
        actual_end__isnull=True,
        planned_end__lte=until,
    ).exclude(status=InternshipStatus.CANCELLED)
    qs = qs.select_related("track__person__family", "company").only(
        "id", "planned_end", *_VIA_TRACK, "company__id", "company__name"
    )
    return [
        _item(
            INTERNSHIP_OVERRUN,
            _("Internship past its planned end"),
            i.planned_end,
            internship_edit_url(i.pk),
            i.track,
            _("%(company)s – record the end or extend the planned end")
            % {"company": i.company.name},
        )
        for i in qs
    ]


def collect_mentor_end(user, today, until, family_id=None) -> list[Deadline]:
    parent_url = pk_url("employment:parent")
    if not can_see_employment(user):
        return []
    responsible = Q(track__in=tracks_for(user, "company_consultant"))
    if user.has_role(Role.JOB_MENTOR):
        # After the period the mentor no longer sees the parent, so only what is still ahead.
        responsible |= Q(mentor=user, end__gte=today, track__outcome="")
    qs = (
        MentorAssignment.objects.filter(responsible, closed_on__isnull=True, end__lte=until)
        .filter(renewal__isnull=True)
        .select_related("track__person__family", "mentor")
        .only(
            "id",
            "end",
            *_VIA_TRACK,
            "mentor__id",
            "mentor__username",
            "mentor__first_name",
            "mentor__last_name",
        )
    )
    if family_id is not None:
        qs = qs.filter(track__person__family_id=family_id)
    return [
        _item(
            MENTOR_END,
            _("Job-mentor period ends"),
            m.end,
            parent_url(m.track.person.pk) + "#mentor",
            m.track,
            _("Mentor: %(name)s") % {"name": m.mentor},
        )
        for m in qs
    ]


# --- Forecasts ------------------------------------------------------------------------------


def forecast_week6(user, today, until, family_id=None) -> list[Deadline]:
    """Intensive tracks whose week 6 falls between today and `until` and that will miss
    it as things stand: no internship starting by the deadline (employment.rules.week6_met,
    T3's rule – an internship agreed to start after the deadline misses it too)."""
    internship_create_url = pk_url("employment:internship_create")
    qs = _with_person(
        tracks_for(user, "company_consultant", "employment_consultant", family_id=family_id)
        .filter(
            kind=TrackKind.INTENSIVE,
            start__gte=clocks.latest_start_with_deadline_by(today),
            start__lte=clocks.latest_start_with_deadline_by(until),
        )
        .exclude(rules.week6_met_q())
    )
    return [
        _item(
            RISK_WEEK6,
            _("At risk of missing week 6"),
            clocks.internship_deadline(t.start),
            internship_create_url(t.person.pk),
            t,
            _("No internship yet"),
        )
        for t in qs
    ]


def forecast_month6(user, today, until, family_id=None) -> list[Deadline]:
    """Tracks whose month 6 falls between today and `until` that do not meet T1's rule
    on it as things stand (employment.rules.t1_achieved: in an internship then, or gone
    on to a job, wage subsidy or education by then)."""
    parent_url = pk_url("employment:parent")
    qs = _with_person(
        tracks_for(user, "company_consultant", "employment_consultant", family_id=family_id)
        .filter(
            start__gt=clocks.latest_start_with_mark_by(today - datetime.timedelta(days=1)),
            start__lte=clocks.latest_start_with_mark_by(until),
        )
        .annotate(mark=clocks.six_month_mark_sql())
        .exclude(rules.t1_achieved_q(F("mark")))
    )
    return [
        _item(
            RISK_MONTH6,
            _("At risk of missing month 6"),
            clocks.six_month_mark(t.start),
            parent_url(t.person.pk),
            t,
            _("Not in an internship on the 6-month date"),
        )
        for t in qs
    ]


def forecast_interviews(user, today, until, family_id=None) -> list[Deadline]:
    """Month 6 is near and the interviews held and planned before it are fewer than the
    law's minimum (SPEC §5: at least 4 in the first six months)."""
    interview_create_url = pk_url("employment:interview_create")
    required = int(rule("job_interviews_first_six_months"))
    qs = _with_person(
        tracks_for(user, "employment_consultant", family_id=family_id).filter(
            start__gt=clocks.latest_start_with_mark_by(today - datetime.timedelta(days=1)),
            start__lte=clocks.latest_start_with_mark_by(until),
        )
    ).prefetch_related(
        Prefetch(
            "interviews",
            queryset=JobInterview.objects.only("track_id", "held_date", "planned_date"),
            to_attr="all_interviews",
        )
    )
    items = []
    for t in qs:
        mark = clocks.six_month_mark(t.start)
        held = clocks.interviews_in_first_six_months(
            t.start, [i.held_date for i in t.all_interviews if i.held_date]
        )
        planned = sum(
            1
            for i in t.all_interviews
            if not i.held_date and i.planned_date and today <= i.planned_date <= mark
        )
        if held + planned >= required:
            continue
        items.append(
            _item(
                RISK_INTERVIEWS,
                _("Fewer than %(required)s job interviews by month 6") % {"required": required},
                mark,
                interview_create_url(t.person.pk),
                t,
                _("%(held)s held, %(planned)s planned") % {"held": held, "planned": planned},
            )
        )
    return items


# Registered by EmploymentConfig.ready().
KINDS = tuple(
    DeadlineKind(key=key, label=label, collect=collect)
    for key, label, collect in (
        (
            INTERNSHIP_DEADLINE,
            gettext_lazy("Internship deadline (week 6)"),
            collect_internship_deadline,
        ),
        (
            INTENSIVE_END,
            gettext_lazy("End of the intensive phase (week 13)"),
            collect_intensive_end,
        ),
        (INTERVIEW_DUE, gettext_lazy("Statutory job interviews"), collect_interview_due),
        (INTERNSHIP_GAP, gettext_lazy("Gaps between internships"), collect_internship_gap),
        (INTERNSHIP_CAP, gettext_lazy("Internships reaching their cap"), collect_internship_cap),
        (MENTOR_END, gettext_lazy("Job-mentor periods ending"), collect_mentor_end),
        (
            INTERNSHIP_OVERRUN,
            gettext_lazy("Internships past their planned end"),
            collect_internship_overrun,
        ),
    )
)
FORECASTS = (
    DeadlineKind(
        key=RISK_WEEK6,
        label=gettext_lazy("At risk of missing week 6"),
        collect=forecast_week6,
        forecast=True,
    ),
    DeadlineKind(
        key=RISK_MONTH6,
        label=gettext_lazy("At risk of missing month 6"),
        collect=forecast_month6,
        forecast=True,
    ),
    DeadlineKind(
        key=RISK_INTERVIEWS,
        label=gettext_lazy("Too few job interviews by month 6"),
        collect=forecast_interviews,
        forecast=True,
    ),
)
