"""Targets T1–T6 (SPEC §7) on hand-built data: every edge of the definitions."""

import datetime
import itertools

import pytest

from budget import targets
from employment import clocks
from employment.models import EndReason, InternshipStatus, Outcome, TrackKind
from families.models import District
from tests.employment_factories import InternshipFactory, TrackFactory
from tests.factories import FamilyFactory, PersonFactory, child
from youth import rules as youth_rules
from youth.models import Enrolment, EnrolmentEnd, ExamPreparation, YouthTrack

D = datetime.date

pytestmark = pytest.mark.django_db


def parent_track(start, *, cohort="2024-1", district=District.NOERREBRO, **kwargs):
    family = FamilyFactory(cohort=cohort, district=district)
    return TrackFactory(person=PersonFactory(family=family), start=start, **kwargs)


def internship(track, start, *, actual_end=None, planned_end=None, **kwargs):
    planned_end = planned_end or start + datetime.timedelta(weeks=13)
    if actual_end is not None:
        kwargs.setdefault("status", InternshipStatus.ENDED)
    return InternshipFactory(
        track=track, start=start, planned_end=planned_end, actual_end=actual_end, **kwargs
    )


def youth_track(*, end, start=None, education=True, cohort="2024-1", district=District.VALBY):
    family = FamilyFactory(cohort=cohort, district=district)
    person = child(family=family)
    return YouthTrack.objects.create(
        person=person,
        education_effort=education,
        leisure_job_effort=not education,
        start=start or D(2024, 1, 1),
        actual_end=end,
    )


def enrol(track, start, end=None, reason=""):
    if end is not None and not reason:
        reason = EnrolmentEnd.COMPLETED
    return Enrolment.objects.create(
        person=track.person,
        institution="TEC",
        programme="EUD",
        start=start,
        end=end,
        end_reason=reason,
    )


# --- T1 ------------------------------------------------------------------------------------


def test_t1_month_end_start_is_measured_on_the_last_day_of_february():
    track = parent_track(D(2024, 8, 31))
    internship(track, D(2024, 9, 20))
    assert clocks.six_month_mark(track.start) == D(2025, 2, 28)
    assert targets.t1(D(2025, 2, 27)) == (0, 0)
    assert targets.t1(D(2025, 2, 28)) == (1, 1)


def test_t1_internship_ending_exactly_on_the_six_month_mark_counts():
    track = parent_track(D(2024, 1, 15))
    internship(track, D(2024, 2, 1), actual_end=D(2024, 7, 15), end_reason=EndReason.OTHER)
    assert targets.t1(D(2024, 8, 1)) == (1, 1)


def test_t1_internship_ending_the_day_before_the_mark_does_not_count():
    track = parent_track(D(2024, 1, 15))
    internship(track, D(2024, 2, 1), actual_end=D(2024, 7, 14), end_reason=EndReason.DROPPED_OUT)
    assert targets.t1(D(2024, 8, 1)) == (0, 1)


def test_t1_internship_starting_after_the_mark_does_not_count():
    track = parent_track(D(2024, 1, 15))
    internship(track, D(2024, 7, 16))
    assert targets.t1(D(2024, 8, 1)) == (0, 1)


def test_t1_parent_who_left_for_an_ordinary_job_before_month_six_is_achieved():
    track = parent_track(D(2024, 1, 15))
    track.outcome = Outcome.ORDINARY_JOB
    track.outcome_date = D(2024, 5, 1)
    track.save()
    assert targets.t1(D(2024, 8, 1)) == (1, 1)


@pytest.mark.parametrize("reason", [EndReason.WAGE_SUBSIDY, EndReason.EDUCATION])
def test_t1_internship_ended_for_wage_subsidy_or_education_before_the_mark_is_achieved(reason):
    track = parent_track(D(2024, 1, 15))
    internship(track, D(2024, 2, 1), actual_end=D(2024, 4, 30), end_reason=reason)
    assert targets.t1(D(2024, 8, 1)) == (1, 1)


def test_t1_leaving_the_effort_for_another_reason_is_not_achieved():
    track = parent_track(D(2024, 1, 15))
    track.outcome = Outcome.LEFT
    track.outcome_date = D(2024, 5, 1)
    track.save()
    assert targets.t1(D(2024, 8, 1)) == (0, 1)


def test_t1_cancelled_internship_never_counts():
    track = parent_track(D(2024, 1, 15))
    internship(track, D(2024, 2, 1), status=InternshipStatus.CANCELLED)
    assert targets.t1(D(2024, 8, 1)) == (0, 1)


def test_t1_with_no_parent_at_six_months_has_an_empty_denominator_and_no_rate():
    parent_track(D(2024, 6, 1))
    n, d = targets.t1(D(2024, 8, 1))
    assert (n, d) == (0, 0)
    assert targets.rate(n, d) is None


def test_t1_events_dated_after_the_measurement_date_do_not_change_its_value():
    on = D(2024, 8, 1)
    track = parent_track(D(2024, 1, 15))
    before = targets.t1(on)
    assert before == (0, 1)
    # Recorded later, dated later: an internship from next week, a job from next month.
    internship(track, D(2024, 8, 8))
    track.outcome = Outcome.ORDINARY_JOB
    track.outcome_date = D(2024, 9, 1)
    track.save()
    parent_track(D(2024, 3, 1))  # a track starting later is not due by `on`
    assert targets.t1(on) == before
    # Later dates see the second track, but the first stays measured on its own mark.
    assert targets.t1(D(2024, 9, 1)) == (0, 2)


def test_t1_ending_an_internship_after_the_measurement_date_keeps_the_past_value():
    on = D(2024, 8, 1)
    track = parent_track(D(2024, 1, 15))
    running = internship(track, D(2024, 2, 1))
    assert targets.t1(on) == (1, 1)
    running.actual_end = D(2024, 8, 20)
    running.status = InternshipStatus.ENDED
    running.end_reason = EndReason.DROPPED_OUT
    running.save()
    assert targets.t1(on) == (1, 1)


def test_t1_breaks_down_by_cohort_and_district_in_one_query(django_assert_num_queries):
    a = parent_track(D(2024, 1, 1), cohort="A", district=District.VALBY)
    internship(a, D(2024, 1, 20))
    parent_track(D(2024, 1, 1), cohort="A", district=District.VANLOESE)
    b = parent_track(D(2024, 1, 1), cohort="B", district=District.VALBY)
    internship(b, D(2024, 2, 1))
    on = D(2024, 9, 1)
    with django_assert_num_queries(1):
        by_cohort = targets.counts_by("T1", on, "cohort")
    assert by_cohort == {"A": (1, 2), "B": (1, 1)}
    assert targets.counts_by("T1", on, "district") == {
        District.VALBY: (2, 2),
        District.VANLOESE: (0, 1),
    }
    assert targets.t1(on, cohort="A") == (1, 2)
    assert targets.t1(on, district=District.VALBY) == (2, 2)


# --- T2 ------------------------------------------------------------------------------------


def test_t2_measures_three_months_after_the_effort_end_with_month_end_clamping():
    track = youth_track(end=D(2024, 11, 30))
    enrol(track, D(2025, 2, 1))
    assert targets.t2(D(2025, 2, 27)) == (0, 0)
    assert targets.t2(D(2025, 2, 28)) == (1, 1)


def test_t2_enrolment_ending_on_the_follow_up_day_counts_and_the_day_before_does_not():
    on_day = youth_track(end=D(2024, 3, 10))
    enrol(on_day, D(2024, 1, 1), D(2024, 6, 10), EnrolmentEnd.DROPPED_OUT)
    day_before = youth_track(end=D(2024, 3, 10))
    enrol(day_before, D(2024, 1, 1), D(2024, 6, 9), EnrolmentEnd.DROPPED_OUT)
    assert targets.t2(D(2024, 7, 1)) == (1, 2)


def test_t2_counts_only_the_education_effort_and_ended_efforts():
    youth_track(end=D(2024, 1, 10), education=False)
    youth_track(end=None)
    assert targets.t2(D(2024, 12, 1)) == (0, 0)


def test_t2_transfer_bridges_only_to_an_enrolment_started_by_the_measurement_date():
    track = youth_track(end=D(2024, 3, 1))
    enrol(track, D(2023, 8, 1), D(2024, 5, 15), EnrolmentEnd.TRANSFERRED)
    on = D(2024, 6, 15)
    assert targets.t2(on) == (0, 1)
    # The next programme starts after the measurement date: recorded now, it must not
    # change the value for `on` – though youth's own rule would bridge the gap.
    enrol(track, D(2024, 8, 1))
    assert youth_rules.in_education_on(track.person, D(2024, 6, 1))
    assert targets.t2(on) == (0, 1)
    # Measured later (once the start is dated before D), the transfer bridges.
    assert targets.t2(D(2024, 8, 1)) == (1, 1)


def test_t2_agrees_with_youths_in_education_rule_when_all_events_are_dated_before_d():
    on = D(2025, 6, 1)
    cases = [
        [],
        [(D(2024, 1, 1), None, "")],
        [(D(2024, 1, 1), D(2024, 2, 1), EnrolmentEnd.COMPLETED)],
        [(D(2023, 1, 1), D(2024, 2, 1), EnrolmentEnd.TRANSFERRED), (D(2024, 9, 1), None, "")],
        [
            (D(2023, 1, 1), D(2024, 2, 1), EnrolmentEnd.TRANSFERRED),
            (D(2024, 2, 10), D(2024, 2, 20), EnrolmentEnd.DROPPED_OUT),
            (D(2024, 9, 1), None, ""),
        ],
        [(D(2024, 5, 1), D(2024, 5, 1), EnrolmentEnd.DROPPED_OUT)],
        [(D(2024, 4, 1), None, "")],
    ]
    expected = 0
    for rows in cases:
        track = youth_track(end=D(2024, 2, 1))
        for start, end, reason in rows:
            enrol(track, start, end, reason)
        expected += youth_rules.in_education_on(track.person, D(2024, 5, 1))
    assert targets.t2(on) == (expected, len(cases))
    assert 0 < expected < len(cases)


# --- T3 ------------------------------------------------------------------------------------


def test_t3_first_internship_on_day_42_counts_and_day_43_does_not():
    in_time = parent_track(D(2024, 1, 1))
    internship(in_time, D(2024, 2, 12))
    late = parent_track(D(2024, 1, 1))
    internship(late, D(2024, 2, 13))
    assert clocks.internship_deadline(D(2024, 1, 1)) == D(2024, 2, 12)
    assert targets.t3(D(2024, 2, 11)) == (0, 0)
    assert targets.t3(D(2024, 2, 12)) == (1, 2)
    assert targets.t3(D(2024, 6, 1)) == (1, 2)


def test_t3_counts_only_intensive_tracks():
    parent_track(D(2024, 1, 1), kind=TrackKind.UPSKILLING)
    assert targets.t3(D(2024, 6, 1)) == (0, 0)


# --- T4 and T5 -----------------------------------------------------------------------------


def test_t4_and_t5_are_shares_of_internships_ended_by_the_measurement_date():
    track = parent_track(D(2024, 1, 1))
    internship(track, D(2024, 1, 10), actual_end=D(2024, 3, 1), end_reason=EndReason.NEW_INTERNSHIP)
    internship(track, D(2024, 3, 2), actual_end=D(2024, 4, 1), end_reason=EndReason.DROPPED_OUT)
    internship(track, D(2024, 4, 2), actual_end=D(2024, 6, 1), end_reason=EndReason.ORDINARY_JOB)
    ran_full = internship(
        parent_track(D(2024, 1, 1)),
        D(2024, 1, 5),
        planned_end=D(2024, 4, 5),
        actual_end=D(2024, 4, 5),
        end_reason=EndReason.OTHER,
    )
    internship(track, D(2024, 6, 2))  # still running: not in the denominator
    on = D(2024, 6, 1)
    assert targets.t4(on) == (3, 4)
    assert targets.t5(on) == (1, 4)
    assert ran_full.actual_end == ran_full.planned_end
    # The day before the last one ended, it is not yet in either.
    assert targets.t4(D(2024, 5, 31)) == (2, 3)
    assert targets.t5(D(2024, 5, 31)) == (0, 3)


def test_t4_has_an_empty_denominator_before_any_internship_ends():
    internship(parent_track(D(2024, 1, 1)), D(2024, 1, 10))
    assert targets.t4(D(2024, 6, 1)) == (0, 0)
    assert targets.rate(*targets.t4(D(2024, 6, 1))) is None


# --- T6 ------------------------------------------------------------------------------------


def exam(track, *, date=None, before=(None, None, None), after=(None, None, None)):
    return ExamPreparation.objects.create(
        track=track,
        exam_date=date,
        danish_written_before=before[0],
        danish_oral_before=before[1],
        maths_before=before[2],
        danish_written_after=after[0],
        danish_oral_after=after[1],
        maths_after=after[2],
    )


def test_t6_uses_the_exam_result_once_the_exam_is_held_and_before_grades_until_then():
    track = youth_track(end=None)
    exam(track, before=(0, 0, 2))
    exam(track, date=D(2024, 6, 10), before=(0, 0, 2), after=(2, 4, 2))
    # Before the exam day only the undated preparation (with its before grades) is known.
    assert targets.t6(D(2024, 6, 9)) == (0, 1)
    assert targets.t6(D(2024, 6, 10)) == (1, 1)


def test_t6_agrees_with_youths_t6_rule():
    specs = [
        [{"before": (2, 2, 2)}],
        [{"before": (0, 0, 0), "after": (4, 4, 4), "date": D(2024, 2, 1)}],
        [{"before": (4, 4, 4), "after": (0, 0, 0), "date": D(2024, 2, 1)}],
        [{"before": (4, 4, 4), "date": D(2024, 9, 1)}],
        [{"before": (4, 4, 4)}, {"before": (0, 0, 0), "after": (2, 2, 2), "date": D(2024, 3, 1)}],
        [{"after": (4, 4, 4), "date": D(2024, 3, 1)}, {"before": (0, 0, 0)}],
        [{"before": (0, 4, None)}],
    ]
    for spec in specs:
        track = youth_track(end=None)
        for kwargs in spec:
            exam(track, **kwargs)
    tracks = list(YouthTrack.objects.prefetch_related("exams"))
    for on in (D(2024, 1, 1), D(2024, 2, 15), D(2024, 6, 1), D(2024, 12, 1)):
        measured = [t for t in tracks if youth_rules.latest_exam_known_on(t, on) is not None]
        expected = (sum(youth_rules.t6_achieved(t, on) for t in measured), len(measured))
        assert targets.t6(on) == expected, on


def test_t6_danish_is_an_average_of_written_and_oral():
    a = youth_track(end=None)
    exam(a, before=(0, 4, 2))  # Danish average 2.0, maths 02: met
    b = youth_track(end=None)
    exam(b, before=(0, 2, 12))  # Danish average 1.0: not met
    c = youth_track(end=None)
    exam(c, before=(12, 12, None))  # maths missing: not shown to be met
    assert targets.t6(D(2024, 6, 1)) == (1, 3)


def test_t6_sql_agrees_with_youths_02_rule_on_many_grade_combinations():
    grades = [-3, 0, 2, 4, None]
    expected = 0
    total = 0
    for written, oral, maths in itertools.product(grades, grades, [0, 2, None]):
        track = youth_track(end=None)
        exam(track, before=(written, oral, maths))
        expected += youth_rules.meets_eud_requirement(
            danish_written=written, danish_oral=oral, maths=maths
        )
        total += 1
    assert targets.t6(D(2024, 6, 1)) == (expected, total)


def test_t6_latest_exam_wins_and_tracks_starting_later_are_not_counted():
    track = youth_track(end=None)
    exam(track, date=D(2024, 1, 10), before=(0, 0, 0), after=(4, 4, 4))
    exam(track, date=D(2024, 6, 10), before=(4, 4, 4), after=(0, 0, 0))
    youth_track(end=None, start=D(2025, 1, 1))
    assert targets.t6(D(2024, 3, 1)) == (1, 1)
    assert targets.t6(D(2024, 7, 1)) == (0, 1)


# --- Consistency on realistic data ------------------------------------------------------


@pytest.mark.parametrize("code", targets.CODES)
def test_breakdowns_add_up_to_the_overall_figure_and_match_the_filtered_functions(
    code, django_assert_num_queries
):
    from families.demo import seed_demo

    today = D(2026, 11, 26)
    seed_demo(families=60, seed=11, today=today, seeders=None)
    for on in (D(2026, 9, 30), today):
        with django_assert_num_queries(1):
            overall = targets.counts(code, on)
        assert overall[1] > 0, (code, on)
        for field in targets.GROUP_FIELDS:
            groups = targets.counts_by(code, on, field)
            assert tuple(map(sum, zip(*groups.values(), strict=True))) == overall
            for value, pair in groups.items():
                assert targets.counts(code, on, **{field: value}) == pair
