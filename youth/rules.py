"""The youth track's rules, each in one place (used by the pages, the deadline
engine, the timeline and the targets T2 and T6): the Python predicate and, where lists
or targets need it in the database, its query twin (`<name>_q`) side by side.
tests/youth/test_rules.py holds each pair equal on every day of a period.

Plain functions with no database access unless stated.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual
from django.utils.translation import gettext as _

from bi18.lib.dates import AddMonths, add_months, age_on, months_back, outer
from bi18.rules import rule
from youth.models import (
    GRADE_CHOICES,
    GRADE_VALUES,
    Enrolment,
    EnrolmentEnd,
    ExamPreparation,
    YouthTrack,
)

# --- Grades and the EUD entry requirement (SPEC §6, target T6) -------------------------

# "Average at least 2.0": compared in whole numbers to keep floating point out of it.
EUD_MINIMUM = 2

# Hours per week of a leisure job, a company internship or exam-preparation help: half an hour
# (one lesson) up to a full-time week. The forms and the services read these two.
HOURS_PER_WEEK_MIN = Decimal("0.5")
HOURS_PER_WEEK_MAX = Decimal("40")


def hours_per_week_ok(hours: Decimal | None) -> bool:
    return hours is None or HOURS_PER_WEEK_MIN <= hours <= HOURS_PER_WEEK_MAX


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


def meets_eud_q(danish_written: str, danish_oral: str, maths: str) -> Q:
    """meets_eud_requirement as a Q over three grade columns (of an ExamPreparation)."""
    return Q(
        **{f"{danish_written}__isnull": False, f"{danish_oral}__isnull": False},
        **{f"{maths}__gte": EUD_MINIMUM},
    ) & Q(GreaterThanOrEqual(F(danish_written) + F(danish_oral), 2 * EUD_MINIMUM))


_BEFORE = ("danish_written_before", "danish_oral_before", "maths_before")
_AFTER = ("danish_written_after", "danish_oral_after", "maths_after")


def latest_grades(exam: ExamPreparation) -> tuple[int | None, int | None, int | None]:
    """The exam result once any of it is recorded, else the grades from before."""
    after = (exam.danish_written_after, exam.danish_oral_after, exam.maths_after)
    if any(g is not None for g in after):
        return after
    return (exam.danish_written_before, exam.danish_oral_before, exam.maths_before)


def meets_eud_before(exam: ExamPreparation) -> bool:
    """The grades from before the preparation meet the EUD requirement."""
    written, oral, maths = (getattr(exam, f) for f in _BEFORE)
    return meets_eud_requirement(danish_written=written, danish_oral=oral, maths=maths)


def meets_eud_after(exam: ExamPreparation) -> bool | None:
    """The exam result meets the EUD requirement (None: no result recorded yet)."""
    after = [getattr(exam, f) for f in _AFTER]
    if all(g is None for g in after):
        return None
    return meets_eud_requirement(danish_written=after[0], danish_oral=after[1], maths=after[2])


def latest_grades_meet_eud(exam: ExamPreparation) -> bool:
    """Target T6 for one preparation: its latest grades meet the EUD requirement."""
    written, oral, maths = latest_grades(exam)
    return meets_eud_requirement(danish_written=written, danish_oral=oral, maths=maths)


def latest_grades_meet_eud_q() -> Q:
    has_after = Q(**{f"{f}__isnull": False for f in _AFTER[:1]})
    for f in _AFTER[1:]:
        has_after |= Q(**{f"{f}__isnull": False})
    return (has_after & meets_eud_q(*_AFTER)) | (~has_after & meets_eud_q(*_BEFORE))


# --- T6: the latest known exam preparation meets the 02 rule ----------------------------------


def _known_on(exam: ExamPreparation, on: datetime.date) -> bool:
    return exam.exam_date is None or exam.exam_date <= on


def latest_exam_known_on(track: YouthTrack, on: datetime.date) -> ExamPreparation | None:
    """The track's latest exam preparation known on `on`: by exam date, undated ones
    oldest (their grades from before are known from the start); an exam after `on` is
    not held yet. Reads track.exams.all() (prefetch it)."""
    known = [x for x in track.exams.all() if _known_on(x, on)]
    return max(known, key=lambda x: (x.exam_date or datetime.date.min, x.pk), default=None)


def exam_known_q(on) -> Q:
    """Q over YouthTrack rows: an exam preparation is known on `on` (T6's denominator)."""
    return Q(Exists(ExamPreparation.objects.filter(_exam_known(on), track=OuterRef("pk"))))


def _exam_known(on) -> Q:
    return Q(exam_date__lte=on) | Q(exam_date__isnull=True)


def t6_achieved(track: YouthTrack, on: datetime.date) -> bool:
    """T6 (SPEC §7): the latest preparation known on `on` has grades meeting EUD's 02."""
    exam = latest_exam_known_on(track, on)
    return exam is not None and latest_grades_meet_eud(exam)


def t6_achieved_q(on: datetime.date) -> Q:
    # Nested one level below `meeting`: the track is the outer row's outer row.
    latest = (
        ExamPreparation.objects.filter(_exam_known(on), track=OuterRef(OuterRef("pk")))
        .order_by(Coalesce("exam_date", Value(datetime.date.min)).desc(), "-pk")
        .values("pk")[:1]
    )
    meeting = ExamPreparation.objects.filter(
        latest_grades_meet_eud_q(), track=OuterRef("pk"), pk=Subquery(latest)
    )
    return Q(Exists(meeting))


# --- Age limit -------------------------------------------------------------------------


def check_age_at_start(*, date_of_birth: datetime.date | None, start: datetime.date) -> None:
    """A youth track is for people from the lower age limit (13) and under the age limit
    (30) on the day it starts."""
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
    age = age_on(date_of_birth, start)
    if age >= limit:
        raise ValidationError(
            _(
                "The young person is %(age)s years old on the start date; a youth track is "
                "only for people under %(limit)s."
            )
            % {"age": age, "limit": limit},
            code="too_old",
        )
    youngest = rule("youth_min_age_years")
    if age < youngest:
        raise ValidationError(
            _(
                "The child is %(age)s years old on the start date; a youth track is for "
                "young people from %(youngest)s years."
            )
            % {"age": age, "youngest": youngest},
            code="too_young",
        )


def may_start_on(*, date_of_birth: datetime.date | None, day: datetime.date) -> bool:
    """Whether a youth track starting on `day` passes the age limits (the family page offers
    "Start youth track" only then)."""
    try:
        check_age_at_start(date_of_birth=date_of_birth, start=day)
    except ValidationError:
        return False
    return True


# --- The 3-month follow-up -----------------------------------------------------------------


def _follow_up_months() -> int:
    return int(rule("youth_follow_up_months"))


def follow_up_due_date(end: datetime.date) -> datetime.date:
    """Effort end + 3 calendar months (clamped to the month's last day: 30 Nov → 28 Feb)."""
    return add_months(end, _follow_up_months())


def follow_up_due_sql(end: str = "actual_end"):
    """follow_up_due_date in SQL, over the track's `end` column."""
    return AddMonths(F(end), _follow_up_months())


def latest_end_due_by(until: datetime.date) -> datetime.date:
    """The latest effort end whose follow-up falls due on or before `until` (lets the
    database select due follow-ups with a plain `actual_end <= …` filter)."""
    return months_back(until, _follow_up_months())


# --- "In education on date D" (SPEC §6, target T2) ------------------------------------------


def in_education_from(
    enrolments: Iterable[Enrolment], day: datetime.date, *, known_on: datetime.date | None = None
) -> bool:
    """Whether someone with these enrolments is in education on `day`.

    * an enrolment covers start..end, both days included; no end = still running;
    * completion or drop-out ends it on its end date;
    * a transfer carries on over the gap until the next enrolment starts – if one is
      recorded, and nothing else started in between (which would have ended first).

    `known_on`: judge as of that date – an enrolment starting after it does not bridge a
    transfer (the targets: a value for a date depends only on events dated by then).
    None: every recorded enrolment counts (the pages, the follow-up).

    The query twin is in_education_q; tests hold them equal on every day of a period.
    """
    rows = sorted(enrolments, key=lambda e: (e.start, e.pk or 0))
    for e in rows:
        if e.start <= day and (e.end is None or e.end >= day):
            return True
    for e in rows:
        if e.end_reason != EnrolmentEnd.TRANSFERRED or e.end is None or e.end >= day:
            continue
        started_after = [n for n in rows if n.start > e.end]
        if any(
            n.start > day and (known_on is None or n.start <= known_on) for n in started_after
        ) and not any(n.start <= day for n in started_after):
            return True
    return False


def in_education_q(day, *, known_on: datetime.date | None = None, person: str = "person") -> Q:
    """in_education_from as a Q over rows with a person column named `person` (YouthTrack
    rows: "person"; Person rows: "pk"). `day` is a date or an F() naming a date column of
    the row (a track's own follow-up date)."""
    mine = OuterRef(person)
    covering = Enrolment.objects.filter(person_id=mine, start__lte=outer(day, 1)).filter(
        Q(end__isnull=True) | Q(end__gte=outer(day, 1))
    )
    later = Enrolment.objects.filter(person_id=OuterRef("person_id"), start__gt=outer(day, 2))
    if known_on is not None:
        later = later.filter(start__lte=known_on)
    in_between = Enrolment.objects.filter(
        person_id=OuterRef("person_id"), start__gt=OuterRef("end"), start__lte=outer(day, 2)
    )
    bridging = Enrolment.objects.filter(
        person_id=mine, end_reason=EnrolmentEnd.TRANSFERRED, end__lt=outer(day, 1)
    ).filter(Exists(later), ~Exists(in_between))
    return Q(Exists(covering)) | Q(Exists(bridging))


def in_education_on(person, day: datetime.date) -> bool:
    """One query unless the person's enrolments are prefetched."""
    cache = getattr(person, "_prefetched_objects_cache", {})
    if "enrolments" in cache:
        return in_education_from(cache["enrolments"], day)
    return in_education_from(Enrolment.objects.filter(person=person), day)


# --- Which track counts -----------------------------------------------------------------
# A young person may have several youth tracks over time. T2 counts each young person once,
# with their first track on the education effort; T6 with their first track. Like the
# parents' (employment.rules.counting_track): the effort they were enrolled into.


def counting_track(track, tracks_of_person, *, education_only: bool = False) -> bool:
    """Whether `track` is the one a target counts among all of its person's tracks."""
    candidates = [t for t in tracks_of_person if t.education_effort or not education_only]
    if track not in candidates:
        return False
    return min(candidates, key=lambda t: (t.start, t.pk)).pk == track.pk


def counting_track_q(*, education_only: bool = False) -> Q:
    """`counting_track` as a filter on YouthTrack rows (combine it with the target's own
    filter, e.g. education_effort=True for T2)."""
    earlier = YouthTrack.objects.filter(person=OuterRef("person")).filter(
        Q(start__lt=OuterRef("start")) | Q(start=OuterRef("start"), pk__lt=OuterRef("pk"))
    )
    if education_only:
        earlier = earlier.filter(education_effort=True)
    return Q(~Exists(earlier))
