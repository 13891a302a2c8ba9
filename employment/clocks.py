"""The employment track's clocks (SPEC §5, §7). One function per clock, with its SQL twin
where lists or targets select by it.

Every date rule lives here once and is used by the deadline engine, the timeline, the
family panel, the forecast and the targets. Durations come from bi18.rules, never from
literals. Calendar months use bi18.lib.dates.add_months (31 August + 6 months is 28 or
29 February, never 3 March).
"""

import datetime

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


def next_interview_due(start: datetime.date, last_held: datetime.date | None) -> datetime.date:
    """The next statutory job interview: the configured interval after the last one
    held, or after the track start when none has been held yet."""
    return add_months(last_held or start, _interview_months())


def latest_interview_base_due_by(day: datetime.date) -> datetime.date:
    """The latest last interview (or track start) whose next interview is due by `day`."""
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
