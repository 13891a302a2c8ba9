"""The youth track's rules, each in one place (used by the pages, the deadline
engine, the timeline and the targets T2 and T6).

Plain functions with no database access unless stated.
"""

import calendar
import datetime
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from bi18.rules import rule
from youth.models import GRADE_CHOICES, GRADE_VALUES, Enrolment, EnrolmentEnd

# --- Grades and the EUD entry requirement (SPEC §6, target T6) -------------------------

# "Average at least 2.0": compared in whole numbers to keep floating point out of it.
EUD_MINIMUM = 2


def validate_grade(value) -> None:
    """Only the 7-point scale's integers: −3, 0 (00), 2 (02), 4, 7, 10, 12.

    A string such as "2" is refused (store integers); so is a bool.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value not in GRADE_VALUES:
        raise ValidationError(
            _("%(value)s is not a grade on the 7-point scale (−3, 00, 02, 4, 7, 10, 12).")
            % {"value": value},
            code="invalid_grade",
        )


def grade_display(value: int | None) -> str:
    if value is None:
        return "–"
    return dict(GRADE_CHOICES).get(value, str(value))


def meets_eud_requirement(
    *, danish_written: int | None, danish_oral: int | None, maths: int | None
) -> bool:
    """The entry requirement for vocational education (EUD): an average of at least 2.0
    in Danish (its written and oral grades) and at least 2.0 in mathematics.

    A missing grade means the requirement is not (yet) shown to be met.
    """
    if danish_written is None or danish_oral is None or maths is None:
        return False
    return danish_written + danish_oral >= 2 * EUD_MINIMUM and maths >= EUD_MINIMUM


# --- Age limit -------------------------------------------------------------------------


def check_age_at_start(*, date_of_birth: datetime.date | None, start: datetime.date) -> None:
    """A youth track is for people under the age limit (30) on the day it starts."""
    limit = rule("youth_age_limit_years")
    if date_of_birth is None:
        raise ValidationError(
            _(
                "The date of birth is not registered, so the age limit of %(limit)s years "
                "cannot be checked. Register the CPR number or the date of birth first."
            )
            % {"limit": limit},
            code="no_date_of_birth",
        )
    if start < date_of_birth:
        raise ValidationError(_("The start is before the date of birth."), code="before_birth")
    age = relativedelta(start, date_of_birth).years
    if age >= limit:
        raise ValidationError(
            _(
                "The young person is %(age)s years old on the start date; a youth track is "
                "only for people under %(limit)s."
            )
            % {"age": age, "limit": limit},
            code="too_old",
        )


# --- The 3-month follow-up -----------------------------------------------------------------


def follow_up_due_date(end: datetime.date) -> datetime.date:
    """Effort end + 3 calendar months (clamped to the month's last day: 30 Nov → 28 Feb)."""
    return end + relativedelta(months=rule("youth_follow_up_months"))


def latest_end_due_by(until: datetime.date) -> datetime.date:
    """The latest effort end whose follow-up falls due on or before `until`.

    Lets the database select due follow-ups with a plain `actual_end <= …` filter.
    Adding months is monotone, and every end in the last days of a month maps onto the
    last day of a shorter month, hence the month-end case.
    """
    candidate = until - relativedelta(months=rule("youth_follow_up_months"))
    if until.day == calendar.monthrange(until.year, until.month)[1]:
        last = calendar.monthrange(candidate.year, candidate.month)[1]
        return candidate.replace(day=last)
    return candidate


# --- "In education on date D" (SPEC §6, target T2) ------------------------------------------


def in_education_from(enrolments: Iterable[Enrolment], day: datetime.date) -> bool:
    """Whether someone with these enrolments is in education on `day`.

    * an enrolment covers start..end, both days included; no end = still running;
    * completion or drop-out ends it on its end date;
    * a transfer carries on over the gap until the next enrolment starts – if one is
      recorded, and nothing else started in between (which would have ended first).

    The queryset twin is Enrolment.objects.active_on(day); tests hold them equal.
    """
    rows = sorted(enrolments, key=lambda e: (e.start, e.pk or 0))
    for e in rows:
        if e.start <= day and (e.end is None or e.end >= day):
            return True
    for e in rows:
        if e.end_reason != EnrolmentEnd.TRANSFERRED or e.end is None or e.end >= day:
            continue
        started_after = [n for n in rows if n.start > e.end]
        if any(n.start > day for n in started_after) and not any(
            n.start <= day for n in started_after
        ):
            return True
    return False


def in_education_on(person, day: datetime.date) -> bool:
    """One query unless the person's enrolments are prefetched."""
    cache = getattr(person, "_prefetched_objects_cache", {})
    if "enrolments" in cache:
        return in_education_from(cache["enrolments"], day)
    return in_education_from(Enrolment.objects.filter(person=person), day)


def people_in_education_on(day: datetime.date):
    """Person ids in education on `day` (a subquery for filters: `person_id__in=...`)."""
    return Enrolment.objects.active_on(day).values("person_id")
