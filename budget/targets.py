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

Every rule lives once, in employment.rules/clocks and youth.rules, as a Python predicate
with its query twin (tested to agree on every day of a period); this module only chooses
the units and counts. docs/rules.md names each rule.

Definitions (SPEC §7):
* T1 — denominator: parents whose employment track started at S with S + 6 months ≤ D.
  Numerator: on S + 6 months in an active internship (started on or before, not ended
  before; an internship ending on that very day still counts), or already gone to
  ordinary employment, wage subsidy or education by then – recorded either as the track's
  outcome (outcome date ≤ S + 6 months) or as an internship's end reason (ended ≤ S + 6
  months). employment.rules.t1_achieved on clocks.six_month_mark.
* T2 — denominator: young people on the education effort whose effort ended at E with
  E + 3 months ≤ D. Numerator: in education on E + 3 months (youth.rules' rule: an
  enrolment covers start..end inclusive; a transfer bridges to the next enrolment – here
  only to one that started on or before D: in_education_from(..., known_on=D)).
* T3 — denominator: intensive tracks with S + 42 days ≤ D. Numerator: the first
  (non-cancelled) internship started no later than S + 42 days (employment.rules.week6_met).
* T4 — denominator: internships ended on or before D (not cancelled). Numerator: those
  completed – ended for a job, wage subsidy, education or the next internship, or ran to
  their planned end.
* T5 — same denominator as T4. Numerator: ended for an ordinary job.
* T6 — denominator: young people on a youth track started by D with an exam preparation
  known on D (exam date ≤ D, or not yet dated). Numerator: their latest preparation's
  latest grades meet the EUD requirement (youth.rules.t6_achieved: the exam result once
  recorded, else the grades before; the 02 rule is youth.rules.meets_eud_requirement).
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from bi18.rules import rule
from employment import clocks
from employment import rules as employment_rules
from employment.models import EmploymentTrack, EndReason, Internship, TrackKind
from youth import rules as youth_rules
from youth.models import YouthTrack

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


# --- The units of each target, each annotated with `achieved` ---------------------------
# Every condition is the tracks' own rule (employment.rules, youth.rules) in its query
# form; nothing is re-stated here.


def _t1_units(on: datetime.date):
    return (
        EmploymentTrack.objects.filter(start__lte=clocks.latest_start_with_mark_by(on))
        .filter(employment_rules.counting_track_q())
        .annotate(mark=clocks.six_month_mark_sql())
        .annotate(
            achieved=ExpressionWrapper(
                employment_rules.t1_achieved_q(F("mark")), output_field=BooleanField()
            )
        )
    ), "person__family__"


def _t2_units(on: datetime.date):
    return (
        YouthTrack.objects.filter(
            education_effort=True,
            actual_end__isnull=False,
            actual_end__lte=youth_rules.latest_end_due_by(on),
        )
        .filter(youth_rules.counting_track_q(education_only=True))
        .annotate(mark=youth_rules.follow_up_due_sql())
        .annotate(
            achieved=ExpressionWrapper(
                youth_rules.in_education_q(F("mark"), known_on=on), output_field=BooleanField()
            )
        )
    ), "person__family__"


def _t3_units(on: datetime.date):
    return (
        EmploymentTrack.objects.filter(
            kind=TrackKind.INTENSIVE, start__lte=clocks.latest_start_with_deadline_by(on)
        )
        .filter(employment_rules.counting_track_q())
        .annotate(
            achieved=ExpressionWrapper(employment_rules.week6_met_q(), output_field=BooleanField())
        )
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


def _t6_units(on: datetime.date):
    return (
        YouthTrack.objects.filter(start__lte=on)
        .filter(youth_rules.counting_track_q())
        .filter(youth_rules.exam_known_q(on))
        .annotate(
            achieved=ExpressionWrapper(youth_rules.t6_achieved_q(on), output_field=BooleanField())
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
