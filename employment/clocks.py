"""The employment track's clocks (SPEC §5, §7). One function per clock, with its SQL twin
where lists or targets select by it.

Every date rule lives here once and is used by the deadline engine, the timeline, the
family panel, the forecast and the targets. Durations come from bi18.rules, never from
literals. Calendar months use bi18.lib.dates.add_months (31 August + 6 months is 28 or
29 February, never 3 March).
"""

import datetime
from collections.abc import Iterable

from django.db.models import F

from bi18.lib.dates import AddDays, AddMonths, add_months, months_back
from bi18.rules import rule

# T1 ("internship at 6 months", SPEC §7) is defined in calendar months by the
# target's own name; it is a definition, not a tunable duration.
T1_MONTHS = 6


def _deadline_days() -> int:
    return int(rule("internship_deadline_days"))


def internship_deadline(start: datetime.date) -> datetime.date:
    """Week 6: the first internship must be established by start + 42 days."""
    return start + datetime.timedelta(days=_deadline_days())


def internship_deadline_sql(start=None):
    """internship_deadline in SQL, over the track's `start` column (or an expression
    such as OuterRef("start") from a subquery)."""
    return AddDays(F("start") if start is None else start, _deadline_days())


def latest_start_with_deadline_by(day: datetime.date) -> datetime.date:
    """The latest track start whose week-6 deadline falls on or before `day`."""
    return day - datetime.timedelta(days=_deadline_days())


def intensive_phase_end(start: datetime.date) -> datetime.date:
    """Week 13: the intensive phase ends at start + 13 weeks."""
    return start + datetime.timedelta(weeks=int(rule("intensive_phase_weeks")))


def latest_start_with_intensive_end_by(day: datetime.date) -> datetime.date:
    """The latest track start whose intensive phase ends on or before `day`."""
    return day - datetime.timedelta(weeks=int(rule("intensive_phase_weeks")))


def six_month_mark(start: datetime.date) -> datetime.date:
    """Month 6: the T1 measurement date, start + 6 calendar months."""
    return add_months(start, T1_MONTHS)


def six_month_mark_sql(start=None):
    """six_month_mark in SQL, over the track's `start` column (or an expression)."""
    return AddMonths(F("start") if start is None else start, T1_MONTHS)


def latest_start_with_mark_by(day: datetime.date) -> datetime.date:
    """The latest track start whose month 6 falls on or before `day`."""
    return months_back(day, T1_MONTHS)


def _interview_months() -> int:
    return int(rule("job_interview_interval_months"))


def interviews_in_first_six_months(start: datetime.date, held: Iterable[datetime.date]) -> int:
    """How many of the held interviews fall in the first six months (start..month 6)."""
    mark = six_month_mark(start)
    return sum(1 for day in held if start <= day <= mark)


def next_interview_due(start: datetime.date, held: Iterable[datetime.date]) -> datetime.date:
    """The next statutory job interview (LAB §§ 31–32, SPEC §5).

    The law asks for at least `job_interviews_first_six_months` (4) interviews in the first
    six months. Until they are held, the ones still missing are spread evenly over the time
    left from the last one (or the start) to month 6: 4 missing from the start gives one
    every 1½ months, and month 6 itself is the last day for the last one. Once they are
    held, or month 6 has passed with an interview after it, the next one falls due the
    configured interval (`job_interview_interval_months`) after the last one held.
    """
    held = sorted(held)
    mark = six_month_mark(start)
    missing = int(rule("job_interviews_first_six_months")) - interviews_in_first_six_months(
        start, held
    )
    last = held[-1] if held else None
    if missing > 0 and (last is None or last <= mark):
        base = max(start, last) if last else start
        return base + datetime.timedelta(days=(mark - base).days // missing)
    base = last or start
    return add_months(base, _interview_months())


def latest_interval_base_due_by(day: datetime.date) -> datetime.date:
    """The latest last interview (or track start) from which the configured interval
    has run out by `day` (the inverse of the interval step in next_interview_due)."""
    return months_back(day, _interview_months())


def internship_cap_date(start: datetime.date) -> datetime.date:
    """The date an activity-ready parent's internship reaches its cap (LAB § 61)."""
    return start + datetime.timedelta(weeks=_cap_weeks())


def latest_start_with_cap_by(day: datetime.date) -> datetime.date:
    """The latest internship start whose cap falls on or before `day`."""
    return day - datetime.timedelta(weeks=_cap_weeks())


def _cap_weeks() -> int:
    return int(rule("internship_cap_weeks_activity_ready"))


def mentor_period_max_end(start: datetime.date) -> datetime.date:
    """The last day a job-mentor period starting on `start` may run to (LAB § 167)."""
    return add_months(start, int(rule("job_mentor_period_months")))
