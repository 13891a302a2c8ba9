"""The evaluation's own rules (issue 15), each in one place.

What the pilot achieved is measured by the dashboard's own rules (budget.targets: T1
and T2; employment outcomes below). The comparison cohort has no tracks, only the
register's status history (`cpr, date, status`): a status holds from its date until
the person's next status. These plain functions read that history; docs/evaluation.md
states every definition.
"""

import datetime
from collections.abc import Iterable, Sequence

from bi18.lib.dates import add_months, age_on, months_back, whole_months
from budget.evaluation.models import RegisterStatus

# Outcomes compared, with the months from the index date at which they are measured.
# T1 and T2 are the dashboard's targets; "work" is ordinary job or wage subsidy.
OUTCOME_MONTHS = {"t1": 6, "work_6": 6, "work_12": 12, "t2": 3}
PARENT_OUTCOMES = ("t1", "work_6", "work_12")
YOUTH_OUTCOMES = ("t2",)

WORK = (RegisterStatus.ORDINARY_JOB, RegisterStatus.WAGE_SUBSIDY)
# Gone on from cash benefits the way T1 counts it (job, wage subsidy, education).
GONE_ON = (RegisterStatus.ORDINARY_JOB, RegisterStatus.WAGE_SUBSIDY, RegisterStatus.EDUCATION)

# --- What was known at enrolment -----------------------------------------------------

AGE_BANDS: Sequence[tuple[int, int | None, str]] = (
    (0, 15, "0-14"),
    (15, 18, "15-17"),
    (18, 25, "18-24"),
    (25, 30, "25-29"),
    (30, 40, "30-39"),
    (40, 50, "40-49"),
    (50, None, "50+"),
)


def age_band(date_of_birth: datetime.date | None, on: datetime.date) -> str:
    if date_of_birth is None:
        return ""
    age = age_on(date_of_birth, on)
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age < high):
            return label
    return ""


def age_band_births(band: str, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The dates of birth by `on` whose age band on `on` is `band`, as (after, up to and
    including): for born <= on, age_band(born, on) == band exactly when after < born <= up to.
    The matching compares a birth date with these rather than computing an age per pair
    (age_on: aged at least n years on `on` is born by months_back(on, 12 n))."""
    low, high = next((lo, hi) for lo, hi, label in AGE_BANDS if label == band)
    born_after = months_back(on, 12 * high) if high is not None else datetime.date.min
    return born_after, months_back(on, 12 * low)


def household_size_band(size: int) -> str:
    """Household sizes are compared in bands: 2–3, 4, 5, 6 or more people."""
    if size <= 3:
        return "2-3"
    if size >= 6:
        return "6+"
    return str(size)


def months_between(start: datetime.date | None, end: datetime.date) -> int | None:
    """Whole calendar months from `start` to `end` (None without a start or before it)."""
    if start is None or start > end:
        return None
    return whole_months(start, end)


# --- The register's status history ----------------------------------------------------


def status_on(history: Iterable[tuple[datetime.date, str]], day: datetime.date) -> str | None:
    """The status holding on `day`: the latest one dated on or before it (None: none yet)."""
    latest = None
    for date, status in history:
        if date <= day and (latest is None or date >= latest[0]):
            latest = (date, status)
    return latest[1] if latest else None


def on_benefits_at(
    history: Iterable[tuple[datetime.date, str]],
    benefit_since: datetime.date | None,
    day: datetime.date,
) -> bool:
    """Eligible as a comparison for someone enrolled on `day`: on cash benefits since
    that day or before, and not gone on to a job, wage subsidy or education by then
    (an internship is held while on benefits, as in the pilot)."""
    if benefit_since is None or benefit_since > day:
        return False
    return status_on(history, day) not in GONE_ON


def comparison_outcome(
    code: str, history: Sequence[tuple[datetime.date, str]], index: datetime.date
) -> bool:
    """The comparison person's outcome `code`, measured like the pilot's:

    * t1 – on index + 6 months in an internship, or gone on to a job, wage subsidy or
      education after the index and by then (the dashboard's T1 counts a parent who
      left for a job before month 6 as achieved);
    * work_6 / work_12 – in an ordinary job or wage subsidy at some point after the
      index and by index + 6 / 12 months (the pilot side counts the same way: a job
      recorded as the track's outcome or an internship's end reason by then);
    * t2 – in education on index + 3 months (index: the pilot person's effort end).
    """
    day = add_months(index, OUTCOME_MONTHS[code])
    if code == "t2":
        return status_on(history, day) == RegisterStatus.EDUCATION
    wanted = WORK if code != "t1" else GONE_ON
    moved = any(index < date <= day and status in wanted for date, status in history)
    if code == "t1":
        return moved or status_on(history, day) == RegisterStatus.INTERNSHIP
    return moved
