"""The reads behind targets T2 (education 3 months after the effort) and T6 (grade 02)."""

import datetime

import pytest

from families.models import PersonRole
from tests.factories import FamilyFactory, PersonFactory
from youth.models import Enrolment, EnrolmentEnd, ExamPreparation, YouthTrack
from youth.selectors import education_at_follow_up, latest_grades_outcomes

D = datetime.date


def _person():
    return PersonFactory(family=FamilyFactory(), role=PersonRole.CHILD, date_of_birth=D(2006, 1, 1))


START = D(2025, 1, 1)


def _track(end, education=True, start=START):
    return YouthTrack.objects.create(
        person=_person(),
        education_effort=education,
        leisure_job_effort=not education,
        start=start,
        actual_end=end,
    )


@pytest.mark.django_db
def test_t2_counts_education_efforts_whose_end_plus_three_months_has_passed():
    due_exactly = _track(D(2025, 11, 30))  # measured on 2026-02-28
    Enrolment.objects.create(
        person=due_exactly.person, institution="TEC", programme="x", start=D(2026, 2, 28)
    )
    dropped = _track(D(2025, 10, 31))  # measured on 2026-01-31
    Enrolment.objects.create(
        person=dropped.person,
        institution="TEC",
        programme="x",
        start=D(2025, 12, 1),
        end=D(2026, 1, 30),
        end_reason=EnrolmentEnd.DROPPED_OUT,
    )
    _track(D(2025, 12, 1))  # measured on 2026-03-01: not yet
    _track(D(2025, 10, 1), education=False)  # leisure job only: not in T2
    _track(None)  # still running

    rows = {r.track_id: r for r in education_at_follow_up(D(2026, 2, 28))}
    assert set(rows) == {due_exactly.pk, dropped.pk}
    assert rows[due_exactly.pk].measured_on == D(2026, 2, 28)
    assert rows[due_exactly.pk].in_education is True
    assert rows[dropped.pk].in_education is False
    assert rows[dropped.pk].family_id == dropped.person.family_id


@pytest.mark.django_db
def test_t2_makes_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(3):
        _track(D(2025, 6, 30))
    with django_assert_max_num_queries(2):
        education_at_follow_up(D(2026, 1, 1))
    for _ in range(20):
        t = _track(D(2025, 6, 30))
        Enrolment.objects.create(
            person=t.person, institution="TEC", programme="x", start=D(2025, 9, 1)
        )
    with django_assert_max_num_queries(2):
        assert sum(r.in_education for r in education_at_follow_up(D(2026, 1, 1))) == 20


@pytest.mark.django_db
def test_t6_judges_each_young_person_on_their_latest_grades():
    a = _track(None)
    ExamPreparation.objects.create(
        track=a,
        exam_date=D(2025, 6, 1),
        danish_written_before=0,
        danish_oral_before=0,
        maths_before=0,
    )
    ExamPreparation.objects.create(
        track=a,
        exam_date=D(2026, 1, 10),
        danish_written_before=0,
        danish_oral_before=0,
        maths_before=0,
        danish_written_after=0,
        danish_oral_after=4,
        maths_after=2,
    )
    b = _track(None)
    ExamPreparation.objects.create(
        track=b,
        exam_date=D(2026, 1, 10),
        danish_written_before=2,
        danish_oral_before=2,
        maths_before=0,
    )
    outcomes = {o.person_id: o.meets_eud for o in latest_grades_outcomes()}
    assert outcomes == {a.person_id: True, b.person_id: False}
    # Measured before the later exam, A is judged on the earlier preparation.
    assert {o.person_id: o.meets_eud for o in latest_grades_outcomes(D(2025, 12, 31))} == {
        a.person_id: False
    }
