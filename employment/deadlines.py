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
outcome are finished and raise nothing. All kinds are read together, once per work list
(`_read_work`): the user's open tracks with a flag per kind, their interviews, their
internships due for a kind and their mentor periods ending — four queries whatever the
caseload, rows rather than model instances.
"""

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, Max, OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bi18.accounts.roles import Role
from bi18.lib.prepared import fixed_values
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
from families.scope import Scope
from families.worklist.registry import Deadline, DeadlineKind, pk_url, shared, wanted

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

ALL_KINDS = (
    INTERNSHIP_DEADLINE,
    INTENSIVE_END,
    INTERVIEW_DUE,
    INTERNSHIP_GAP,
    INTERNSHIP_CAP,
    MENTOR_END,
    INTERNSHIP_OVERRUN,
    RISK_WEEK6,
    RISK_MONTH6,
    RISK_INTERVIEWS,
)

# What an item shows of a track: its person and family (plain rows, no model instances).
_TRACK_COLUMNS = (
    "id",
    "start",
    "goal",
    "person_id",
    "person__first_name",
    "person__last_name",
    "person__family",
    "person__family__case_number",
)


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _work(user, today, until, family_id) -> dict[str, list[Deadline]]:
    """Every employment item of the user due by `until`, by kind: each kind's collector
    takes its list from here, read once per work list (registry.shared)."""
    return shared(
        ("employment", user.pk, today, until, family_id),
        lambda: _read_work(user, today, until, family_id),
    )


def _read_work(user, today, until, family_id) -> dict[str, list[Deadline]]:
    """A fixed number of queries whatever the caseload: the user's open tracks with one
    flag per kind (each kind's condition, the rules of employment.rules and
    employment.clocks), their interviews, their internships due for a kind, their mentor
    periods ending. Rows, not model instances (issue 11: building instances was most of
    the page's time)."""
    items: dict[str, list[Deadline]] = {kind: [] for kind in ALL_KINDS}
    if not (user and user.is_authenticated and can_see_employment(user)):
        return items
    tracks = _open_tracks(user, today, until, family_id)
    company_ids = [t["id"] for t in tracks if t["as_company"]]
    employment = [t for t in tracks if t["as_employment"]]

    internship_create_url = pk_url("employment:internship_create")
    interview_create_url = pk_url("employment:interview_create")
    track_edit_url = pk_url("employment:track_edit")
    parent_url = pk_url("employment:parent")

    def add(kind, label, due, url, row, detail=""):
        items[kind].append(Deadline.about(kind, label, due, url, row, detail))

    for t in tracks:
        person_id, start = t["person_id"], t["start"]
        # The forecasts go to both consultants (and the coordinator); the rest below to the
        # company consultant (and the coordinator), the interviews to the employment one.
        if t["as_company"] and t.get("is_week6_task"):
            add(
                INTERNSHIP_DEADLINE,
                _("Internship deadline (week 6)"),
                clocks.internship_deadline(start),
                internship_create_url(person_id),
                t,
                _("No internship registered"),
            )
        if t["as_company"] and t.get("is_week13"):
            add(
                INTENSIVE_END,
                _("End of the intensive phase (week 13)"),
                clocks.intensive_phase_end(start),
                track_edit_url(person_id),
                t,
                "" if t["goal"] else _("No employment goal yet"),
            )
        if t["as_company"] and t.get("is_gap"):
            add(
                INTERNSHIP_GAP,
                _("Gap between internships"),
                t["last_end"] + datetime.timedelta(days=1),
                internship_create_url(person_id),
                t,
                _("The last internship ended %(date)s")
                % {"date": date_format(t["last_end"], "SHORT_DATE_FORMAT")},
            )
        if t.get("risk_week6"):
            add(
                RISK_WEEK6,
                _("At risk of missing week 6"),
                clocks.internship_deadline(start),
                internship_create_url(person_id),
                t,
                _("No internship yet"),
            )
        if t.get("risk_month6"):
            add(
                RISK_MONTH6,
                _("At risk of missing month 6"),
                clocks.six_month_mark(start),
                parent_url(person_id),
                t,
                _("Not in an internship on the 6-month date"),
            )
    if employment and (wanted(INTERVIEW_DUE) or wanted(RISK_INTERVIEWS)):
        _interview_items(employment, today, until, add, interview_create_url)
    if company_ids and (wanted(INTERNSHIP_CAP) or wanted(INTERNSHIP_OVERRUN)):
        _internship_items(company_ids, until, add)
    if wanted(MENTOR_END):
        _mentor_items(user, company_ids, today, until, family_id, add, parent_url)
    return items


# The track flags (the alias of each kind's condition, below), in a fixed order.
_FLAG_KINDS = (
    INTERNSHIP_DEADLINE,
    INTENSIVE_END,
    INTERNSHIP_GAP,
    RISK_WEEK6,
    RISK_MONTH6,
    RISK_INTERVIEWS,
)


def _open_tracks(user, today, until, family_id) -> list[dict]:
    """The open tracks the user is responsible for, of parents they may see
    (employment.access; an id-set filter from the user's scope, no correlated sub-query
    over the people table: issue 11), with what each kind needs to know of them. The
    query is built once per process and shape (bi18.lib.prepared.fixed_values: building
    it was a fifth of Mit arbejde's time); the dates it compares with come in as values."""
    scope = scope_for(user)
    # Responsible through the track's consultant field, or as the family caseworker who
    # coordinates the family's network group (they hold the joint plan).
    coordinated = scope.coordinated_families if user.has_role(Role.FAMILY_CASEWORKER) else ()
    values = {
        "user": user.pk,
        "coordinated": sorted(coordinated),
        "today": today,
        "week6_from": clocks.latest_start_with_deadline_by(today),
        "week6_by": clocks.latest_start_with_deadline_by(until),
        "week13_by": clocks.latest_start_with_intensive_end_by(until),
        "week13_ended_before_today": clocks.latest_start_with_intensive_end_by(
            today - datetime.timedelta(1)
        ),
        "month6_from": clocks.latest_start_with_mark_by(today - datetime.timedelta(days=1)),
        "month6_by": clocks.latest_start_with_mark_by(until),
        **scope.as_values(),
    }
    if family_id is not None:
        values["family"] = family_id
    # One flag per kind asked for (registry.wanted: a section of the page reads only its own).
    kinds = tuple(kind for kind in _FLAG_KINDS if wanted(kind))
    return fixed_values(
        ("employment.open_tracks", kinds, family_id is not None),
        lambda v: _open_tracks_query(v, kinds),
        values,
    )


def _open_tracks_query(v, kinds):
    """The query of _open_tracks, over its `v`alues, with the flags of `kinds`."""
    tracks = EmploymentTrack.objects.filter(outcome="")
    if "family" in v:
        tracks = tracks.filter(person__family_id=v["family"])
    coordinator = Q(person__family_id__in=v["coordinated"])
    tracks = tracks.annotate(coordinator=_flag(coordinator)).annotate(
        as_company=_flag(Q(company_consultant=v["user"]) | Q(coordinator=True)),
        as_employment=_flag(Q(employment_consultant=v["user"]) | Q(coordinator=True)),
    )
    tracks = tracks.filter(Q(as_company=True) | Q(as_employment=True))
    # Once the phase has ended it stays on the list only while no employment goal is set.
    open_or_coming = Internship.objects.established().filter(
        track=OuterRef("pk"), actual_end__isnull=True
    )
    last_end = (
        Internship.objects.established()
        .filter(track=OuterRef("pk"))
        .order_by()
        .values("track")
        .annotate(last=Max("actual_end"))
        .values("last")
    )
    conditions = {
        INTERNSHIP_DEADLINE: (
            "is_week6_task",
            rules.week6_pending_q() & Q(start__lte=v["week6_by"]),
        ),
        INTENSIVE_END: (
            "is_week13",
            Q(kind=TrackKind.INTENSIVE, start__lte=v["week13_by"])
            & (Q(goal="") | Q(start__gt=v["week13_ended_before_today"])),
        ),
        INTERNSHIP_GAP: ("is_gap", ~Exists(open_or_coming) & Q(last_end__lt=v["today"])),
        # Forecasts: tracks whose week 6 / month 6 falls between today and `until` and that
        # will miss it as things stand (employment.rules.week6_met: T3's rule;
        # employment.rules.t1_achieved: T1's, on the track's own month 6).
        RISK_WEEK6: (
            "risk_week6",
            Q(kind=TrackKind.INTENSIVE, start__gte=v["week6_from"], start__lte=v["week6_by"])
            & ~rules.week6_met_q(),
        ),
        RISK_MONTH6: (
            "risk_month6",
            Q(start__gt=v["month6_from"], start__lte=v["month6_by"])
            & ~rules.t1_achieved_q(F("mark")),
        ),
        RISK_INTERVIEWS: (
            "risk_interviews_window",
            Q(start__gt=v["month6_from"], start__lte=v["month6_by"]),
        ),
    }
    flags = dict(conditions[kind] for kind in kinds)
    # Parents the user may see (employment.access's rule; the role is checked by _read_work).
    tracks = tracks.filter(
        access.TRACK.scope_q(Scope.given(v), person="person", family="person__family_id")
    )
    if "is_gap" in flags:
        tracks = tracks.annotate(last_end=Subquery(last_end))
    if "risk_month6" in flags:
        tracks = tracks.annotate(mark=clocks.six_month_mark_sql())
    tracks = tracks.annotate(**{alias: _flag(condition) for alias, condition in flags.items()})
    columns = (*_TRACK_COLUMNS, "as_company", "as_employment", *flags)
    return tracks.values(*columns, *(["last_end"] if "is_gap" in flags else []))


def _interview_items(tracks, today, until, add, interview_create_url) -> None:
    """The statutory interviews (employment consultant): the next one due by the rule in
    clocks.next_interview_due (spread over the first six months until the required number
    is held, then the configured interval), and the forecast that month 6 is near with
    fewer held and planned before it than the law's minimum (SPEC §5: at least 4)."""
    required = int(rule("job_interviews_first_six_months"))
    held: dict[int, list[datetime.date]] = defaultdict(list)
    planned: dict[int, list[datetime.date]] = defaultdict(list)
    rows = fixed_values("employment.interviews", _interviews, {"tracks": [t["id"] for t in tracks]})
    for track_id, held_date, planned_date in (r.values() for r in rows):
        if held_date:
            held[track_id].append(held_date)
        elif planned_date:
            planned[track_id].append(planned_date)
    for t in tracks:
        start, person_id = t["start"], t["person_id"]
        track_held = held[t["id"]]
        mark = clocks.six_month_mark(start)
        early_held = clocks.interviews_in_first_six_months(start, track_held)
        due = clocks.next_interview_due(start, track_held)
        if due <= until:
            next_planned = min((d for d in planned[t["id"]] if d >= today), default=None)
            detail = (
                _("Planned for %(date)s") % {"date": date_format(next_planned, "SHORT_DATE_FORMAT")}
                if next_planned
                else _("Not planned yet")
            )
            if due <= mark:
                detail += " · " + _("%(held)s of %(required)s in the first 6 months") % {
                    "held": early_held,
                    "required": required,
                }
            add(
                INTERVIEW_DUE,
                _("Job interview due") if due >= today else _("Job interview overdue"),
                due,
                interview_create_url(person_id),
                t,
                detail,
            )
        if t.get("risk_interviews_window"):
            coming = sum(1 for d in planned[t["id"]] if today <= d <= mark)
            if early_held + coming < required:
                add(
                    RISK_INTERVIEWS,
                    _("Fewer than %(required)s job interviews by month 6") % {"required": required},
                    mark,
                    interview_create_url(person_id),
                    t,
                    _("%(held)s held, %(planned)s planned")
                    % {"held": early_held, "planned": coming},
                )


def _internship_items(track_ids, until, add) -> None:
    """Internships of the company consultant's tracks: one reaching its cap (activity-ready
    parents, LAB § 61; the latest internship of the track), and one past its planned end
    with no actual end (record how it ended or extend it, or the parent is counted as in an
    internship that may have stopped: T1)."""
    internship_edit_url = pk_url("employment:internship_edit")
    values = {
        "tracks": track_ids,
        "until": until,
        "cap_start_by": clocks.latest_start_with_cap_by(until),
    }
    rows = fixed_values("employment.internships_due", _internships_due, values)
    for i in rows:
        row = {name: i[f"track__{name}"] for name in _TRACK_COLUMNS if name != "goal"}
        if i["is_cap"]:
            add(
                INTERNSHIP_CAP,
                _("Internship reaches its cap"),
                clocks.internship_cap_date(i["start"]),
                internship_edit_url(i["id"]),
                row,
                _("%(company)s – arrange the next step") % {"company": i["company__name"]},
            )
        if i["is_overrun"]:
            add(
                INTERNSHIP_OVERRUN,
                _("Internship past its planned end"),
                i["planned_end"],
                internship_edit_url(i["id"]),
                row,
                _("%(company)s – record the end or extend the planned end")
                % {"company": i["company__name"]},
            )


def _interviews(v):
    return JobInterview.objects.filter(track_id__in=v["tracks"]).values(
        "track_id", "held_date", "planned_date"
    )


def _internships_due(v):
    """The internships of `v["tracks"]` reaching their cap or past their planned end."""
    later = Internship.objects.established().filter(
        track=OuterRef("track_id"), start__gt=OuterRef("start")
    )
    cap = Q(
        status=InternshipStatus.ONGOING,
        actual_end__isnull=True,
        start__lte=v["cap_start_by"],
        track__person__benefit_category=BenefitCategory.ACTIVITY_READY,
    ) & ~Exists(later)
    overrun = Q(actual_end__isnull=True, planned_end__lte=v["until"]) & ~Q(
        status=InternshipStatus.CANCELLED
    )
    return (
        Internship.objects.filter(track_id__in=v["tracks"])
        .annotate(is_cap=_flag(cap), is_overrun=_flag(overrun))
        .filter(Q(is_cap=True) | Q(is_overrun=True))
        .values(
            "id",
            "start",
            "planned_end",
            "company__name",
            "is_cap",
            "is_overrun",
            *(f"track__{name}" for name in _TRACK_COLUMNS if name != "goal"),
        )
    )


def _mentor_items(user, company_track_ids, today, until, family_id, add, parent_url) -> None:
    """Mentor periods ending: for the company consultant (and coordinating caseworker) of
    the track, and for the job mentor their own."""
    mentor = user.has_role(Role.JOB_MENTOR)
    if not (company_track_ids or mentor):
        return
    values = {"user": user.pk, "until": until, **scope_for(user).as_values()}
    if company_track_ids:
        values["tracks"] = company_track_ids
    if mentor:
        values["today"] = today
    if family_id is not None:
        values["family"] = family_id
    shape = (bool(company_track_ids), mentor, family_id is not None)
    for m in fixed_values(("employment.mentor_periods_ending", shape), _mentor_periods, values):
        row = {
            "person_id": m["track__person_id"],
            "person__first_name": m["track__person__first_name"],
            "person__last_name": m["track__person__last_name"],
            "person__family": m["track__person__family_id"],
            "person__family__case_number": m["track__person__family__case_number"],
        }
        name = get_user_model()(
            username=m["mentor__username"],
            first_name=m["mentor__first_name"],
            last_name=m["mentor__last_name"],
        )
        add(
            MENTOR_END,
            _("Job-mentor period ends"),
            m["end"],
            parent_url(row["person_id"]) + "#mentor",
            row,
            _("Mentor: %(name)s") % {"name": name},
        )


def _mentor_periods(v):
    """The mentor periods ending by `v["until"]` of the company consultant's tracks
    (`v["tracks"]`) and, for a job mentor (`v["today"]` given), their own."""
    responsible = Q(track_id__in=v["tracks"]) if "tracks" in v else Q(pk__in=[])
    if "today" in v:
        # After the period the mentor no longer sees the parent, so only what is still ahead.
        responsible |= Q(mentor=v["user"], end__gte=v["today"], track__outcome="")
    # Only parents the user still sees (the one rule, employment.access): a mentor whose
    # assignment ended, e.g. when the legal basis was withdrawn, keeps an open period.
    visible = access.TRACK.scope_q(
        Scope.given(v), person="track__person", family="track__person__family_id"
    )
    periods = MentorAssignment.objects.filter(
        visible, responsible, closed_on__isnull=True, end__lte=v["until"]
    ).filter(renewal__isnull=True)
    if "family" in v:
        periods = periods.filter(track__person__family_id=v["family"])
    return periods.values(
        "end",
        "track__person_id",
        "track__person__first_name",
        "track__person__last_name",
        "track__person__family_id",
        "track__person__family__case_number",
        "mentor__username",
        "mentor__first_name",
        "mentor__last_name",
    )


# Each kind's collector: its share of the one reading above.


def _collector(kind):
    def collect(user, today, until, family_id=None) -> list[Deadline]:
        return _work(user, today, until, family_id)[kind]

    collect.__name__ = collect.__qualname__ = f"collect_{kind.rpartition('.')[2]}"
    return collect


collect_internship_deadline = _collector(INTERNSHIP_DEADLINE)
collect_intensive_end = _collector(INTENSIVE_END)
collect_interview_due = _collector(INTERVIEW_DUE)
collect_internship_gap = _collector(INTERNSHIP_GAP)
collect_internship_cap = _collector(INTERNSHIP_CAP)
collect_mentor_end = _collector(MENTOR_END)
collect_internship_overrun = _collector(INTERNSHIP_OVERRUN)
forecast_week6 = _collector(RISK_WEEK6)
forecast_month6 = _collector(RISK_MONTH6)
forecast_interviews = _collector(RISK_INTERVIEWS)


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
