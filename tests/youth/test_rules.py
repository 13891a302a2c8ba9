"""The youth track's rules: grades, the 02 rule, the age limit, "in education on D",
and the follow-up date."""

import datetime
import itertools
import random

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from families.models import Person, PersonRole
from tests.factories import FamilyFactory, PersonFactory
from youth import rules
from youth.models import Enrolment, EnrolmentEnd, ExamPreparation, YouthTrack

D = datetime.date


# --- Grades ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [-3, 0, 2, 4, 7, 10, 12])
def test_grades_on_the_seven_point_scale_are_accepted(value):
    rules.validate_grade(value)


@pytest.mark.parametrize("value", [3, 5, 1, "2", "02", -2, 13, 2.0, True, None])
def test_anything_else_is_not_a_grade(value):
    with pytest.raises(ValidationError):
        rules.validate_grade(value)


@pytest.mark.parametrize(
    ("value", "shown"), [(-3, "−3"), (0, "00"), (2, "02"), (4, "4"), (12, "12"), (None, "–")]
)
def test_grades_are_shown_as_the_scale_writes_them(value, shown):
    assert rules.grade_display(value) == shown


@pytest.mark.django_db
def test_the_database_refuses_a_grade_off_the_scale():
    track = _track(_young_person())
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamPreparation.objects.create(track=track, maths_after=3)


# --- The 02 rule (EUD entry requirement) -------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "oral", "maths", "meets"),
    [
        (2, 2, 2, True),  # exactly 2.0 everywhere
        (0, 4, 2, True),  # Danish 00 + 4 = average 2.0
        (4, 0, 2, True),
        (0, 2, 2, False),  # Danish average 1.0
        (-3, 7, 2, True),  # Danish average 2.0
        (-3, 4, 12, False),  # Danish average 0.5
        (12, 12, 0, False),  # mathematics 00
        (2, 2, -3, False),
        (7, 4, 4, True),
        (12, -3, 2, True),  # 4.5
        (0, 0, 12, False),
        (None, 4, 4, False),  # a missing grade: not shown to be met
        (4, None, 4, False),
        (4, 4, None, False),
    ],
)
def test_the_02_rule_averages_danish_written_and_oral_and_needs_02_in_maths(
    written, oral, maths, meets
):
    assert (
        rules.meets_eud_requirement(danish_written=written, danish_oral=oral, maths=maths) is meets
    )


def test_the_latest_grades_are_the_exam_result_once_recorded():
    exam = ExamPreparation(
        danish_written_before=0, danish_oral_before=0, maths_before=0,
        danish_written_after=0, danish_oral_after=4, maths_after=2,
    )  # fmt: skip
    assert rules.meets_eud_before(exam) is False
    assert rules.meets_eud_after(exam) is True
    assert rules.latest_grades_meet_eud(exam) is True
    exam.danish_written_after = exam.danish_oral_after = exam.maths_after = None
    assert rules.meets_eud_after(exam) is None
    assert rules.latest_grades_meet_eud(exam) is False


GRADES = [-3, 0, 2, 4, 7, None]


@pytest.mark.django_db
def test_the_02_rule_and_its_query_agree_on_every_grade_combination():
    track = _track(_young_person())
    for n, (written, oral, maths) in enumerate(itertools.product(GRADES, GRADES, GRADES)):
        after = (oral, maths, written) if n % 3 == 0 else (None, None, None)
        ExamPreparation.objects.create(
            track=track,
            danish_written_before=written,
            danish_oral_before=oral,
            maths_before=maths,
            danish_written_after=after[0],
            danish_oral_after=after[1],
            maths_after=after[2],
        )
    exams = list(ExamPreparation.objects.all())
    before = rules.meets_eud_q("danish_written_before", "danish_oral_before", "maths_before")
    assert set(ExamPreparation.objects.filter(before).values_list("pk", flat=True)) == {
        x.pk for x in exams if rules.meets_eud_before(x)
    }
    assert set(
        ExamPreparation.objects.filter(rules.latest_grades_meet_eud_q()).values_list(
            "pk", flat=True
        )
    ) == {x.pk for x in exams if rules.latest_grades_meet_eud(x)}
    assert 0 < sum(rules.latest_grades_meet_eud(x) for x in exams) < len(exams)


@pytest.mark.django_db
def test_t6_python_and_query_agree_on_every_day():
    rng = random.Random(6)  # noqa: S311 - test data
    for _ in range(30):
        track = _track(_young_person())
        for _i in range(rng.randrange(0, 4)):
            grades = [rng.choice(GRADES) for _g in range(6)]
            if rng.random() < 0.5:
                grades[3:] = [None, None, None]
            exam_date = (
                None
                if rng.random() < 0.3
                else D(2025, 1, 1) + datetime.timedelta(rng.randrange(200))
            )
            ExamPreparation.objects.create(
                track=track,
                exam_date=exam_date,
                **dict(zip(ExamPreparation.GRADE_FIELDS, grades, strict=True)),
            )
    tracks = list(YouthTrack.objects.prefetch_related("exams"))
    for day in (D(2024, 12, 20) + datetime.timedelta(days=i) for i in range(220)):
        in_python = {t.pk for t in tracks if rules.t6_achieved(t, day)}
        in_db = set(
            YouthTrack.objects.filter(rules.t6_achieved_q(day)).values_list("pk", flat=True)
        )
        assert in_db == in_python, day
        known = {t.pk for t in tracks if rules.latest_exam_known_on(t, day) is not None}
        assert known == set(
            YouthTrack.objects.filter(rules.exam_known_q(day)).values_list("pk", flat=True)
        )
    assert 0 < len(in_python) < len(tracks)


@pytest.mark.django_db
def test_t6_judges_the_latest_preparation_known_on_the_day():
    track = _track(_young_person())
    ExamPreparation.objects.create(
        track=track, exam_date=D(2025, 6, 1),
        danish_written_before=0, danish_oral_before=0, maths_before=0,
    )  # fmt: skip
    ExamPreparation.objects.create(
        track=track, exam_date=D(2026, 1, 10),
        danish_written_before=0, danish_oral_before=0, maths_before=0,
        danish_written_after=0, danish_oral_after=4, maths_after=2,
    )  # fmt: skip
    track = YouthTrack.objects.prefetch_related("exams").get(pk=track.pk)
    assert not rules.t6_achieved(track, D(2025, 12, 31))
    assert rules.t6_achieved(track, D(2026, 1, 10))
    assert rules.latest_exam_known_on(track, D(2025, 5, 31)) is None


# --- Age limit ----------------------------------------------------------------------------------


def test_a_29_year_old_may_start():
    rules.check_age_at_start(date_of_birth=D(1996, 6, 15), start=D(2026, 6, 14))


def test_someone_turning_30_on_the_start_date_may_not():
    with pytest.raises(ValidationError) as exc:
        rules.check_age_at_start(date_of_birth=D(1996, 6, 15), start=D(2026, 6, 15))
    assert exc.value.code == "too_old"
    assert "30" in exc.value.messages[0]


def test_a_leap_day_birthday_counts_as_the_28th_like_person_age_on():
    # Same counting as Person.age_on (relativedelta), so the pages and the rule agree.
    rules.check_age_at_start(date_of_birth=D(1996, 2, 29), start=D(2026, 2, 27))
    with pytest.raises(ValidationError):
        rules.check_age_at_start(date_of_birth=D(1996, 2, 29), start=D(2026, 2, 28))


def test_the_age_limit_is_configuration(settings):
    settings.BI18_RULES = {"youth_age_limit_years": 25}
    with pytest.raises(ValidationError):
        rules.check_age_at_start(date_of_birth=D(2000, 1, 1), start=D(2025, 1, 1))
    rules.check_age_at_start(date_of_birth=D(2000, 1, 1), start=D(2024, 12, 31))


def test_a_two_year_old_gets_no_youth_track_and_a_13_year_old_does():
    with pytest.raises(ValidationError) as exc:
        rules.check_age_at_start(date_of_birth=D(2024, 3, 1), start=D(2026, 6, 1))
    assert exc.value.code == "too_young"
    assert "13" in exc.value.messages[0]
    with pytest.raises(ValidationError):  # the day before the 13th birthday
        rules.check_age_at_start(date_of_birth=D(2013, 6, 2), start=D(2026, 6, 1))
    rules.check_age_at_start(date_of_birth=D(2013, 6, 1), start=D(2026, 6, 1))


def test_the_lower_age_limit_is_configuration(settings):
    settings.BI18_RULES = {"youth_min_age_years": 15}
    with pytest.raises(ValidationError):
        rules.check_age_at_start(date_of_birth=D(2012, 1, 1), start=D(2026, 6, 1))


def test_an_unknown_date_of_birth_is_a_clear_error():
    with pytest.raises(ValidationError) as exc:
        rules.check_age_at_start(date_of_birth=None, start=D(2026, 1, 1))
    assert exc.value.code == "no_date_of_birth"


# --- Follow-up due dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "due"),
    [
        (D(2025, 11, 30), D(2026, 2, 28)),
        (D(2024, 5, 31), D(2024, 8, 31)),
        (D(2023, 11, 30), D(2024, 2, 29)),  # leap year
        (D(2025, 1, 15), D(2025, 4, 15)),
        (D(2025, 10, 31), D(2026, 1, 31)),
        (D(2025, 12, 31), D(2026, 3, 31)),
    ],
)
def test_the_follow_up_falls_due_three_calendar_months_after_the_end(end, due):
    assert rules.follow_up_due_date(end) == due


def test_latest_end_due_by_is_the_inverse_of_the_follow_up_date_on_every_day():
    for until in (D(2024, 1, 1) + datetime.timedelta(days=i) for i in range(600)):
        latest = rules.latest_end_due_by(until)
        assert (
            rules.follow_up_due_date(latest)
            <= until
            < rules.follow_up_due_date(latest + datetime.timedelta(days=1))
        ), until


# --- In education on date D ---------------------------------------------------------------------


BORN_2006 = D(2006, 4, 1)


def _young_person(dob=BORN_2006):
    return PersonFactory(family=FamilyFactory(), role=PersonRole.CHILD, date_of_birth=dob)


def _track(person, **kw):
    return YouthTrack.objects.create(
        person=person, education_effort=True, start=D(2025, 1, 1), **kw
    )


def _enrol(person, start, end=None, reason=""):
    return Enrolment.objects.create(
        person=person,
        institution="TEC",
        programme="Elektriker",
        start=start,
        end=end,
        end_reason=reason,
    )


SCENARIOS = {
    "open": [(D(2025, 1, 31), None, "")],
    "completed": [(D(2025, 1, 31), D(2025, 2, 28), EnrolmentEnd.COMPLETED)],
    "dropped_out": [(D(2025, 1, 31), D(2025, 3, 31), EnrolmentEnd.DROPPED_OUT)],
    "overlapping": [
        (D(2025, 1, 1), D(2025, 3, 15), EnrolmentEnd.COMPLETED),
        (D(2025, 3, 1), D(2025, 5, 31), EnrolmentEnd.DROPPED_OUT),
    ],
    "transfer_with_gap": [
        (D(2025, 1, 1), D(2025, 2, 28), EnrolmentEnd.TRANSFERRED),
        (D(2025, 4, 1), None, ""),
    ],
    "transfer_without_a_new_enrolment": [(D(2025, 1, 1), D(2025, 2, 28), EnrolmentEnd.TRANSFERRED)],
    "transfer_then_a_dropped_out_one_before_the_next": [
        (D(2025, 1, 1), D(2025, 1, 31), EnrolmentEnd.TRANSFERRED),
        (D(2025, 3, 1), D(2025, 3, 10), EnrolmentEnd.DROPPED_OUT),
        (D(2025, 6, 1), None, ""),
    ],
    "drop_out_then_new_start": [
        (D(2025, 1, 1), D(2025, 2, 28), EnrolmentEnd.DROPPED_OUT),
        (D(2025, 4, 1), D(2025, 4, 30), EnrolmentEnd.COMPLETED),
    ],
}

EXPECTED = {
    # (scenario, day): in education?
    ("open", D(2025, 1, 30)): False,
    ("open", D(2025, 1, 31)): True,
    ("open", D(2030, 1, 1)): True,
    ("completed", D(2025, 2, 28)): True,  # the end date is included
    ("completed", D(2025, 3, 1)): False,
    ("dropped_out", D(2025, 3, 31)): True,
    ("dropped_out", D(2025, 4, 1)): False,
    ("overlapping", D(2025, 3, 10)): True,
    ("overlapping", D(2025, 5, 31)): True,
    ("overlapping", D(2025, 6, 1)): False,
    ("transfer_with_gap", D(2025, 3, 1)): True,  # carried over the gap
    ("transfer_with_gap", D(2025, 3, 31)): True,
    ("transfer_with_gap", D(2025, 4, 1)): True,
    ("transfer_without_a_new_enrolment", D(2025, 2, 28)): True,
    ("transfer_without_a_new_enrolment", D(2025, 3, 1)): False,
    ("transfer_then_a_dropped_out_one_before_the_next", D(2025, 2, 15)): True,
    ("transfer_then_a_dropped_out_one_before_the_next", D(2025, 3, 10)): True,
    ("transfer_then_a_dropped_out_one_before_the_next", D(2025, 4, 1)): False,
    ("transfer_then_a_dropped_out_one_before_the_next", D(2025, 6, 1)): True,
    ("drop_out_then_new_start", D(2025, 3, 15)): False,  # a drop-out is not carried over
    ("drop_out_then_new_start", D(2025, 4, 30)): True,
    ("drop_out_then_new_start", D(2025, 5, 1)): False,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("scenario", "day"), list(EXPECTED))
def test_in_education_on_a_day_is_derived_from_the_enrolments(scenario, day):
    person = _young_person()
    for start, end, reason in SCENARIOS[scenario]:
        _enrol(person, start, end, reason)
    expected = EXPECTED[(scenario, day)]
    assert rules.in_education_on(person, day) is expected
    in_db = Person.objects.filter(rules.in_education_q(day, person="pk"), pk=person.pk).exists()
    assert in_db is expected


def _scenario_people():
    people = {}
    for rows in SCENARIOS.values():
        person = _young_person()
        for start, end, reason in rows:
            _enrol(person, start, end, reason)
        people[person.pk] = person
    return people


def _random_people(seed, count=25):
    """Young people with 0–4 enrolments: open, completed, dropped out or transferred,
    overlapping, back to back or with gaps of up to three months."""
    rng = random.Random(seed)  # noqa: S311 - test data
    for _ in range(count):
        person = _young_person()
        day = D(2024, 12, 1) + datetime.timedelta(days=rng.randrange(0, 90))
        for _i in range(rng.randrange(0, 5)):
            reason = rng.choice(["", *EnrolmentEnd.values, EnrolmentEnd.TRANSFERRED])
            end = day + datetime.timedelta(days=rng.randrange(0, 100)) if reason else None
            _enrol(person, day, end, reason)
            day = (end or day) + datetime.timedelta(days=rng.choice([-10, 1, 15, 60, 95]))


KNOWN_ON = [None, D(2025, 3, 1), D(2025, 6, 30)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "known_on", KNOWN_ON, ids=["all_recorded", "known_1_march", "known_30_june"]
)
def test_in_education_python_and_query_agree_on_every_day(known_on):
    _scenario_people()
    _random_people(seed=5)
    people = list(Person.objects.prefetch_related("enrolments").order_by("pk"))
    for day in (D(2024, 12, 25) + datetime.timedelta(days=i) for i in range(220)):
        in_db = set(
            Person.objects.filter(
                rules.in_education_q(day, known_on=known_on, person="pk")
            ).values_list("pk", flat=True)
        )
        in_python = {
            p.pk
            for p in people
            if rules.in_education_from(p.enrolments.all(), day, known_on=known_on)
        }
        assert in_db == in_python, day


@pytest.mark.django_db
def test_in_education_on_each_tracks_own_follow_up_day_agrees_with_the_predicate():
    _random_people(seed=9, count=40)
    rng = random.Random(9)  # noqa: S311 - test data
    for person in Person.objects.all():
        end = D(2024, 12, 1) + datetime.timedelta(days=rng.randrange(0, 200))
        if rng.random() < 0.2:
            end = rng.choice([D(2024, 11, 30), D(2025, 5, 31), D(2024, 12, 31)])
        YouthTrack.objects.create(
            person=person, education_effort=True, start=D(2024, 1, 1), actual_end=end
        )
    known_on = D(2025, 6, 1)
    tracks = YouthTrack.objects.select_related("person").prefetch_related("person__enrolments")
    in_python = {
        t.pk
        for t in tracks
        if rules.in_education_from(
            t.person.enrolments.all(), rules.follow_up_due_date(t.actual_end), known_on=known_on
        )
    }
    in_db = set(
        YouthTrack.objects.annotate(mark=rules.follow_up_due_sql())
        .filter(rules.in_education_q(F("mark"), known_on=known_on))
        .values_list("pk", flat=True)
    )
    assert in_db == in_python
    assert 0 < len(in_python) < len(tracks)
    marks = dict(
        YouthTrack.objects.annotate(mark=rules.follow_up_due_sql()).values_list("pk", "mark")
    )
    assert all(marks[t.pk] == rules.follow_up_due_date(t.actual_end) for t in tracks)


@pytest.mark.django_db
def test_people_of_other_enrolments_do_not_bridge_a_transfer():
    anna, bo = _young_person(), _young_person()
    _enrol(anna, D(2025, 1, 1), D(2025, 1, 31), EnrolmentEnd.TRANSFERRED)
    _enrol(bo, D(2025, 6, 1))
    assert not rules.in_education_on(anna, D(2025, 3, 1))
    assert not Person.objects.filter(
        rules.in_education_q(D(2025, 3, 1), person="pk"), pk=anna.pk
    ).exists()


@pytest.mark.django_db
def test_an_end_needs_a_reason_in_the_database():
    person = _young_person()
    with pytest.raises(IntegrityError), transaction.atomic():
        _enrol(person, D(2025, 1, 1), D(2025, 2, 1), "")


def test_month_end_scenarios_cover_every_combination():
    # Guard: the table above exercises month ends in both directions.
    days = {day for (_s, day) in EXPECTED}
    assert any(d.day == 31 for d in days) and any(d.month == 2 and d.day == 28 for d in days)
    assert set(itertools.chain.from_iterable([[s] for s, _d in EXPECTED])) == set(SCENARIOS)
