"""The six targets of SPEC §7, computed in the database for a measurement date D.

Each `tN(on, *, cohort=None, district=None)` returns (numerator, denominator); each
`tN_by(on, field)` returns {group value: (numerator, denominator)} for field "cohort" or
"district" with one GROUP BY query. No Python loop over people: every unit's "achieved"
flag is an SQL expression (Exists/Subquery), and the counting is COUNT(...) FILTER.

Reproducibility ("the value for a past date does not change when later events are
recorded"). Interpretation: a value for D depends only on events *dated* on or before D
(or before the unit's own measurement day, which is itself ≤ D): track starts, effort
ends, internship starts/ends, outcome dates, enrolment starts/ends, exam dates. An event
dated after D is ignored whenever it is recorded – e.g. an internship that starts after
D, an outcome from a later date, an enrolment that starts after D (even where it would
otherwise bridge a transfer), exam results from an exam after D. Conversely an event
dated on or before D that is keyed in late (a back-dated internship start) does change
the value for D: it is a correction of the record, and the snapshot of that date is
recomputed by re-running it. Rows without a date of their own (the "before" grades of an
exam preparation) count from their track's start.

The date rules themselves live once, in employment.clocks and youth.rules; their SQL
twins are in budget.dbdates and are tested to agree.

Definitions (SPEC §7):
* T1 — denominator: parents whose employment track started at S with S + 6 months ≤ D.
  Numerator: on S + 6 months in an active internship (started on or before, not ended
  before; an internship ending on that very day still counts), or already gone to
  ordinary employment, wage subsidy or education by then – recorded either as the track's
  outcome (outcome date ≤ S + 6 months) or as an internship's end reason (ended ≤ S + 6
  months).
* T2 — denominator: young people on the education effort whose effort ended at E with
  E + 3 months ≤ D. Numerator: in education on E + 3 months (youth.rules' rule: an
  enrolment covers start..end inclusive; a transfer bridges to the next enrolment – here
  only to one that started on or before D).
* T3 — denominator: intensive tracks with S + 42 days ≤ D. Numerator: the first
  (non-cancelled) internship started no later than S + 42 days.
* T4 — denominator: internships ended on or before D (not cancelled). Numerator: those
  completed – ended for a job, wage subsidy, education or the next internship, or ran to
  their planned end.
* T5 — same denominator as T4. Numerator: ended for an ordinary job.
* T6 — denominator: young people on a youth track started by D with an exam preparation
  known on D (exam date ≤ D, or not yet dated). Numerator: their latest preparation's
  latest grades meet the EUD requirement (youth.rules' 02 rule) – youth.selectors'
  latest_grades_outcomes in SQL: the exam result once recorded, else the grades before.
"""

import calendar
import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from bi18.rules import rule
from budget.dbdates import AddDays, AddMonths
from employment import clocks
from employment.models import EmploymentTrack, EndReason, Internship, Outcome, TrackKind
from youth.models import Enrolment, EnrolmentEnd, ExamPreparation, YouthTrack
from youth.rules import EUD_MINIMUM, latest_end_due_by

CODES = ("T1", "T2", "T3", "T4", "T5", "T6")
GROUP_FIELDS = ("cohort", "district")


@dataclass(frozen=True)
class TargetInfo:
    code: str
    label: object
    unit: object  # what the denominator counts
    target: float | None


def target_value(code: str) -> float | None:
    """The target rate; T1 and T2 come from the pilot rules, T3–T6 have none."""
    if code == "T1":
        return float(rule("target_t1_internship_6_months"))
    if code == "T2":
        return float(rule("target_t2_education_3_months"))
    return None


def infos() -> dict[str, TargetInfo]:
    return {
        "T1": TargetInfo("T1", _("Internship at 6 months"), _("parents"), target_value("T1")),
        "T2": TargetInfo(
            "T2", _("Education 3 months after the effort"), _("young people"), target_value("T2")
        ),
        "T3": TargetInfo("T3", _("Internship within 6 weeks"), _("parents"), None),
        "T4": TargetInfo("T4", _("Internships completed"), _("internships"), None),
        "T5": TargetInfo("T5", _("Ordinary job at internship end"), _("internships"), None),
        "T6": TargetInfo("T6", _("Grade 02 in Danish and mathematics"), _("young people"), None),
    }


def rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# --- Month-end arithmetic for the denominators ---------------------------------------


def latest_start_measured_by(on: datetime.date, months: int) -> datetime.date:
    """The latest S with S + `months` calendar months ≤ `on` (relativedelta clamping).

    Adding months is monotone; when `on` is a month's last day every S in the last days
    of the earlier month maps onto it (31 Aug + 6 months = 28 Feb).
    """
    candidate = on - relativedelta(months=months)
    if on.day == calendar.monthrange(on.year, on.month)[1]:
        return candidate.replace(day=calendar.monthrange(candidate.year, candidate.month)[1])
    return candidate


# --- The units of each target, each annotated with `achieved` ---------------------------


def _t1_units(on: datetime.date):
    months = clocks.T1_MONTHS
    internships = Internship.objects.established().filter(track=OuterRef("pk"))
    in_internship = internships.filter(start__lte=OuterRef("mark")).filter(
        Q(actual_end__isnull=True) | Q(actual_end__gte=OuterRef("mark"))
    )
    gone = (EndReason.ORDINARY_JOB, EndReason.WAGE_SUBSIDY, EndReason.EDUCATION)
    left_from_internship = internships.filter(end_reason__in=gone, actual_end__lte=OuterRef("mark"))
    left_track = Q(
        outcome__in=(Outcome.ORDINARY_JOB, Outcome.WAGE_SUBSIDY, Outcome.EDUCATION),
        outcome_date__lte=F("mark"),
    )
    return (
        EmploymentTrack.objects.filter(start__lte=latest_start_measured_by(on, months))
        .annotate(mark=AddMonths(F("start"), months))
        .annotate(
            achieved=ExpressionWrapper(
                Exists(in_internship) | Exists(left_from_internship) | left_track,
                output_field=BooleanField(),
            )
        )
    ), "person__family__"


def _in_education_on_mark(on: datetime.date):
    """Exists(...) for a YouthTrack row annotated with `mark`: youth's
    Enrolment.objects.active_on(mark) with the bridging enrolment known by `on`."""
    person = OuterRef("person_id")
    covering = Enrolment.objects.filter(person_id=person, start__lte=OuterRef("mark")).filter(
        Q(end__isnull=True) | Q(end__gte=OuterRef("mark"))
    )
    later = Enrolment.objects.filter(
        person_id=OuterRef("person_id"), start__gt=OuterRef(OuterRef("mark")), start__lte=on
    )
    in_between = Enrolment.objects.filter(
        person_id=OuterRef("person_id"),
        start__gt=OuterRef("end"),
        start__lte=OuterRef(OuterRef("mark")),
    )
    bridging = Enrolment.objects.filter(
        person_id=person, end_reason=EnrolmentEnd.TRANSFERRED, end__lt=OuterRef("mark")
    ).filter(Exists(later), ~Exists(in_between))
    return Exists(covering) | Exists(bridging)


def _t2_units(on: datetime.date):
    months = int(rule("youth_follow_up_months"))
    return (
        YouthTrack.objects.filter(
            education_effort=True,
            actual_end__isnull=False,
            actual_end__lte=latest_end_due_by(on),
        )
        .annotate(mark=AddMonths(F("actual_end"), months))
        .annotate(
            achieved=ExpressionWrapper(_in_education_on_mark(on), output_field=BooleanField())
        )
    ), "person__family__"


def _t3_units(on: datetime.date):
    days = int(rule("internship_deadline_days"))
    # employment.clocks.internship_deadline(S) = S + days; its SQL twin is AddDays.
    first_in_time = Internship.objects.established().filter(
        track=OuterRef("pk"), start__lte=OuterRef("deadline")
    )
    return (
        EmploymentTrack.objects.filter(
            kind=TrackKind.INTENSIVE, start__lte=on - datetime.timedelta(days=days)
        )
        .annotate(deadline=AddDays(F("start"), days))
        .annotate(achieved=ExpressionWrapper(Exists(first_in_time), output_field=BooleanField()))
    ), "person__family__"


COMPLETED_REASONS = (
    EndReason.ORDINARY_JOB,
    EndReason.WAGE_SUBSIDY,
    EndReason.EDUCATION,
    EndReason.NEW_INTERNSHIP,
)


def _ended_internships(on: datetime.date):
    return Internship.objects.established().filter(actual_end__isnull=False, actual_end__lte=on)


def _t4_units(on: datetime.date):
    completed = Q(end_reason__in=COMPLETED_REASONS) | Q(actual_end__gte=F("planned_end"))
    return _ended_internships(on).annotate(
        achieved=ExpressionWrapper(completed, output_field=BooleanField())
    ), "track__person__family__"


def _t5_units(on: datetime.date):
    return _ended_internships(on).annotate(
        achieved=ExpressionWrapper(
            Q(end_reason=EndReason.ORDINARY_JOB), output_field=BooleanField()
        )
    ), "track__person__family__"


def _meets(prefix: str) -> Q:
    """youth.rules.meets_eud_requirement as SQL over one set of grade columns."""
    written, oral, maths = (
        f"danish_written_{prefix}",
        f"danish_oral_{prefix}",
        f"maths_{prefix}",
    )
    return Q(
        **{f"{written}__isnull": False, f"{oral}__isnull": False, f"{maths}__isnull": False}
    ) & Q(
        **{f"_danish_sum_{prefix}__gte": 2 * EUD_MINIMUM, f"{maths}__gte": EUD_MINIMUM},
    )


def _t6_units(on: datetime.date):
    """youth.selectors.latest_grades_outcomes in SQL: per young person the latest
    preparation (by exam date, undated ones oldest; exams after `on` not yet known),
    judged on its exam result if recorded, else on the grades from before."""
    has_after = (
        Q(danish_written_after__isnull=False)
        | Q(danish_oral_after__isnull=False)
        | Q(maths_after__isnull=False)
    )
    known = Q(exam_date__lte=on) | Q(exam_date__isnull=True)
    latest = (
        ExamPreparation.objects.filter(known, track=OuterRef("pk"))
        .annotate(
            _danish_sum_after=F("danish_written_after") + F("danish_oral_after"),
            _danish_sum_before=F("danish_written_before") + F("danish_oral_before"),
            meets=Case(
                When(has_after & _meets("after"), then=Value(True)),
                When(~has_after & _meets("before"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .order_by(Coalesce("exam_date", Value(datetime.date.min)).desc(), "-pk")
        .values("meets")[:1]
    )
    return (
        YouthTrack.objects.filter(start__lte=on)
        .filter(Exists(ExamPreparation.objects.filter(known, track=OuterRef("pk"))))
        .annotate(
            achieved=Coalesce(
                Subquery(latest, output_field=BooleanField()),
                Value(False),
                output_field=BooleanField(),
            )
        )
    ), "person__family__"


_UNITS = {
    "T1": _t1_units,
    "T2": _t2_units,
    "T3": _t3_units,
    "T4": _t4_units,
    "T5": _t5_units,
    "T6": _t6_units,
}


def units(code: str, on: datetime.date):
    """The units of target `code` measured by `on`, each annotated with `achieved`
    (EmploymentTrack rows for T1/T3, YouthTrack rows for T2/T6, Internships for T4/T5).
    The evaluation compares these very flags with the comparison cohort."""
    return _UNITS[code](on)[0]


_COUNTS = {
    "denominator": Count("pk"),
    "numerator": Count("pk", filter=Q(achieved=True)),
}


def counts(
    code: str, on: datetime.date, *, cohort: str | None = None, district: str | None = None
) -> tuple[int, int]:
    """(numerator, denominator) of target `code` on `on`, optionally for one group."""
    units, family = _UNITS[code](on)
    if cohort is not None:
        units = units.filter(**{f"{family}cohort": cohort})
    if district is not None:
        units = units.filter(**{f"{family}district": district})
    row = units.aggregate(**_COUNTS)
    return row["numerator"], row["denominator"]


def counts_by(code: str, on: datetime.date, field: str) -> dict[str, tuple[int, int]]:
    """{group: (numerator, denominator)} by family `field` ("cohort"/"district"), one query."""
    if field not in GROUP_FIELDS:
        raise ValueError(field)
    units, family = _UNITS[code](on)
    rows = units.order_by().values(group=F(f"{family}{field}")).annotate(**_COUNTS)
    return {r["group"] or "": (r["numerator"], r["denominator"]) for r in rows}


def t1(on, *, cohort=None, district=None):
    return counts("T1", on, cohort=cohort, district=district)


def t2(on, *, cohort=None, district=None):
    return counts("T2", on, cohort=cohort, district=district)


def t3(on, *, cohort=None, district=None):
    return counts("T3", on, cohort=cohort, district=district)


def t4(on, *, cohort=None, district=None):
    return counts("T4", on, cohort=cohort, district=district)


def t5(on, *, cohort=None, district=None):
    return counts("T5", on, cohort=cohort, district=district)


def t6(on, *, cohort=None, district=None):
    return counts("T6", on, cohort=cohort, district=district)
