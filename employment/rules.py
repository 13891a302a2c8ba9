"""The employment track's rules (SPEC §5, §7), each once: the Python predicate and its
query twin side by side.

A predicate takes one track (never a person: a parent may come to have more than one
track over time) and a day; it reads `track.internships.all()`, so prefetch them to keep
a page at a fixed number of queries. Its twin `<name>_q(on)` is a Q over EmploymentTrack
(or Internship) rows; `on` is a date or an F() naming a date column of the row itself,
such as the track's own month 6 (`t1_achieved_q(F("mark"))` after
`annotate(mark=clocks.six_month_mark_sql())`). tests/employment/test_rules.py generates
tracks and holds every predicate equal to its twin on every day of a period.

Users: the timeline and the parent page (employment.selectors, employment.views), the
family panel (employment.panels), Mit arbejde and its forecast (employment.deadlines),
the targets T1/T3 (budget.targets) and the evaluation (budget.evaluation). docs/rules.md
names each rule and its definition.
"""

import datetime

from django.db.models import Exists, OuterRef, Q

from bi18.lib.dates import outer
from employment import clocks
from employment.models import (
    EmploymentTrack,
    EndReason,
    Internship,
    InternshipStatus,
    Outcome,
    TrackKind,
)

# Gone on from cash benefits the way T1 counts it (SPEC §7: "left for ordinary
# employment, wage subsidy or education"). The same codes name a track's outcome and an
# internship's end reason.
GONE_ON = (Outcome.ORDINARY_JOB, Outcome.WAGE_SUBSIDY, Outcome.EDUCATION)
# In work: ordinary job or wage subsidy (the evaluation's work_6/work_12).
WORK = (Outcome.ORDINARY_JOB, Outcome.WAGE_SUBSIDY)
assert {str(r) for r in GONE_ON} <= set(EndReason.values)  # noqa: S101 - one list for both


def _established(track: EmploymentTrack) -> list[Internship]:
    return [i for i in track.internships.all() if i.status != InternshipStatus.CANCELLED]


# --- In an internship on D ------------------------------------------------------------


def internship_active(internship: Internship, on: datetime.date) -> bool:
    """The internship holds the parent on `on`: not cancelled before it began, started
    on or before `on`, not ended before it (an internship ending that very day counts;
    one without a recorded end is still running, even past its planned end)."""
    return (
        internship.status != InternshipStatus.CANCELLED
        and internship.start <= on
        and (internship.actual_end is None or internship.actual_end >= on)
    )


def internship_active_q(on, depth: int = 0) -> Q:
    """internship_active as a Q over Internship rows (`depth`: how many subquery levels
    below the row that `on` names)."""
    day = outer(on, depth)
    return (
        ~Q(status=InternshipStatus.CANCELLED)
        & Q(start__lte=day)
        & (Q(actual_end__isnull=True) | Q(actual_end__gte=day))
    )


def in_internship(track: EmploymentTrack, on: datetime.date) -> bool:
    return any(internship_active(i, on) for i in track.internships.all())


def in_internship_q(on) -> Q:
    return Q(Exists(Internship.objects.filter(internship_active_q(on, 1), track=OuterRef("pk"))))


# --- Gone on to a job, wage subsidy or education by D ---------------------------------------


def gone_on(track: EmploymentTrack, on: datetime.date, reasons=GONE_ON) -> bool:
    """The parent had left for one of `reasons` by `on`: recorded as the track's outcome
    (dated on or before `on`) or as the end reason of an internship that ended by then
    (SPEC §7: an internship that ended for a job counts, whether or not the track's
    outcome has been recorded yet)."""
    if track.outcome in reasons and track.outcome_date is not None and track.outcome_date <= on:
        return True
    return any(
        i.end_reason in reasons and i.actual_end is not None and i.actual_end <= on
        for i in _established(track)
    )


def gone_on_q(on, reasons=GONE_ON) -> Q:
    ended_for = Internship.objects.established().filter(
        track=OuterRef("pk"), end_reason__in=reasons, actual_end__lte=outer(on, 1)
    )
    return Q(outcome__in=reasons, outcome_date__lte=on) | Q(Exists(ended_for))


# --- T1: in an internship, or gone on ---------------------------------------------------------


def t1_achieved(track: EmploymentTrack, on: datetime.date) -> bool:
    """T1's condition on `on` (SPEC §7): in an active internship, or already gone to
    ordinary employment, wage subsidy or education. T1 measures it on the track's month 6
    (clocks.six_month_mark); the timeline and the forecast show it there too."""
    return in_internship(track, on) or gone_on(track, on)


def t1_achieved_q(on) -> Q:
    return in_internship_q(on) | gone_on_q(on)


# --- Week 6: the first internship within 42 days (T3) ------------------------------------------


def week6_met(track: EmploymentTrack) -> bool:
    """An internship (not cancelled) started on or before the week-6 deadline (SPEC §5, T3).
    Known in advance once a start is agreed: a planned start counts."""
    deadline = clocks.internship_deadline(track.start)
    return any(i.start <= deadline for i in _established(track))


def week6_met_q() -> Q:
    in_time = Internship.objects.established().filter(
        track=OuterRef("pk"), start__lte=clocks.internship_deadline_sql(OuterRef("start"))
    )
    return Q(Exists(in_time))


def week6_pending(track: EmploymentTrack) -> bool:
    """The week-6 task is open: an intensive track still running (no outcome) with no
    internship registered yet. Mit arbejde lists it until one is; the family panel and the
    parent page mark it overdue once the deadline has passed."""
    return track.kind == TrackKind.INTENSIVE and not track.outcome and not _established(track)


def week6_pending_q() -> Q:
    return Q(kind=TrackKind.INTENSIVE, outcome="") & ~Q(
        Exists(Internship.objects.established().filter(track=OuterRef("pk")))
    )


# --- Which track counts -----------------------------------------------------------------
# A parent may have several tracks over time (a new one after an outcome). The targets T1
# and T3 count each parent once, with their first track in the pilot: the effort they were
# enrolled into (intent to treat). A later track is a new effort for the case work, but it
# neither enters the denominator again nor changes a rate already measured.


def counting_track(track: EmploymentTrack, tracks_of_person) -> bool:
    """Whether `track` is the one the targets count among all of its person's tracks."""
    first = min(tracks_of_person, key=lambda t: (t.start, t.pk))
    return first.pk == track.pk


def counting_track_q() -> Q:
    """`counting_track` as a filter on EmploymentTrack rows."""
    earlier = EmploymentTrack.objects.filter(person=OuterRef("person")).filter(
        Q(start__lt=OuterRef("start")) | Q(start=OuterRef("start"), pk__lt=OuterRef("pk"))
    )
    return Q(~Exists(earlier))
