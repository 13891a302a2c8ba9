"""The employment track's clocks (SPEC §5, §7). One function per clock.

Every date rule lives here once and is used by the deadline engine, the timeline,
the family panel and (later) the targets. Durations come from bi18.rules, never
from literals. Calendar months use dateutil.relativedelta, so 31 August + 6 months
is 28 (or 29) February, never 3 March.
"""

import datetime

from dateutil.relativedelta import relativedelta

from bi18.rules import rule

# T1 ("internship at 6 months", SPEC §7) is defined in calendar months by the
# target's own name; it is a definition, not a tunable duration.
T1_MONTHS = 6


def internship_deadline(start: datetime.date) -> datetime.date:
    """Week 6: the first internship must be established by start + 42 days."""
    return start + datetime.timedelta(days=int(rule("internship_deadline_days")))


def intensive_phase_end(start: datetime.date) -> datetime.date:
    """Week 13: the intensive phase ends at start + 13 weeks."""
    return start + datetime.timedelta(weeks=int(rule("intensive_phase_weeks")))


def six_month_mark(start: datetime.date) -> datetime.date:
    """Month 6: the T1 measurement date, start + 6 calendar months."""
    return start + relativedelta(months=T1_MONTHS)


def next_interview_due(start: datetime.date, last_held: datetime.date | None) -> datetime.date:
    """The next statutory job interview: the configured interval after the last one
    held, or after the track start when none has been held yet."""
    base = last_held or start
    return base + relativedelta(months=int(rule("job_interview_interval_months")))


def internship_cap_date(start: datetime.date) -> datetime.date:
    """The date an activity-ready parent's internship reaches its cap (LAB § 61)."""
    return start + datetime.timedelta(weeks=int(rule("internship_cap_weeks_activity_ready")))


def mentor_period_max_end(start: datetime.date) -> datetime.date:
    """The last day a job-mentor period starting on `start` may run to (LAB § 167)."""
    return start + relativedelta(months=int(rule("job_mentor_period_months")))
