"""Reads of the youth track for the targets (SPEC §7), so that T2 and T6 use exactly the
rules the pages use (youth.rules). No access scoping: the callers are the target jobs,
which store aggregates only.

Both functions make a fixed number of queries (enrolments are read in chunks of people).
"""

import datetime
from dataclasses import dataclass

from youth import rules
from youth.models import Enrolment, ExamPreparation, YouthTrack

_CHUNK = 5000


@dataclass(frozen=True)
class FollowUpOutcome:
    track_id: int
    person_id: int
    family_id: int
    effort_end: datetime.date
    measured_on: datetime.date  # effort end + 3 calendar months
    in_education: bool


def education_at_follow_up(on: datetime.date, tracks=None) -> list[FollowUpOutcome]:
    """T2 rows for measurement date `on`: every education effort that ended at E with
    E + 3 calendar months ≤ `on` (the denominator), each with whether the young person
    had an education enrolment active on E + 3 months (the numerator)."""
    tracks = YouthTrack.objects.all() if tracks is None else tracks
    rows = list(
        tracks.filter(
            education_effort=True,
            actual_end__isnull=False,
            actual_end__lte=rules.latest_end_due_by(on),
        )
        .order_by("pk")
        .values_list("pk", "person_id", "person__family_id", "actual_end")
    )
    enrolments: dict[int, list[Enrolment]] = {}
    person_ids = sorted({r[1] for r in rows})
    for i in range(0, len(person_ids), _CHUNK):
        for e in Enrolment.objects.filter(person_id__in=person_ids[i : i + _CHUNK]).only(
            "pk", "person_id", "start", "end", "end_reason"
        ):
            enrolments.setdefault(e.person_id, []).append(e)
    outcomes = []
    for track_id, person_id, family_id, end in rows:
        due = rules.follow_up_due_date(end)
        outcomes.append(
            FollowUpOutcome(
                track_id=track_id,
                person_id=person_id,
                family_id=family_id,
                effort_end=end,
                measured_on=due,
                in_education=rules.in_education_from(enrolments.get(person_id, []), due),
            )
        )
    return outcomes


@dataclass(frozen=True)
class GradeOutcome:
    person_id: int
    family_id: int
    exam_id: int
    meets_eud: bool


def latest_grades_outcomes(on: datetime.date | None = None) -> list[GradeOutcome]:
    """T6 rows: one per young person in exam preparation (with an exam preparation
    recorded, on or before `on` by exam date when given), judged on their latest
    preparation's latest grades (the exam result once recorded, else the grades before)."""
    exams = ExamPreparation.objects.select_related("track__person")
    if on is not None:
        exams = exams.exclude(exam_date__gt=on)
    latest: dict[int, ExamPreparation] = {}
    # Ordered so that the last one seen per person is the latest (undated ones count as oldest).
    ordered = sorted(
        exams.only(
            *ExamPreparation.GRADE_FIELDS,
            "pk",
            "exam_date",
            "track__id",
            "track__person__family_id",
        ),
        key=lambda x: (x.exam_date or datetime.date.min, x.pk),
    )
    for exam in ordered:
        latest[exam.track.person_id] = exam
    return [
        GradeOutcome(
            person_id=person_id,
            family_id=exam.track.person.family_id,
            exam_id=exam.pk,
            meets_eud=exam.meets_eud_latest,
        )
        for person_id, exam in sorted(latest.items())
    ]
