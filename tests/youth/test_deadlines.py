"""The youth deadline kinds on "Mit arbejde": the 3-month follow-up, exams, planned ends."""

import datetime

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from families.worklist.engine import items_for
from families.worklist.registry import deadline_kinds
from tests.factories import UserFactory, add_member
from youth import deadlines, services
from youth.models import FollowUpAnswer

D = datetime.date


@pytest.fixture
def guidance_counsellor(db):
    return UserFactory(username="uu_test", role=Role.YOUTH_GUIDANCE_COUNSELLOR)


@pytest.fixture
def sara(family):
    return family.people.get(first_name="Sara")


def _track(actor, person, **overrides):
    data = {
        "education_effort": True,
        "leisure_job_effort": False,
        "start": D(2025, 6, 1),
        "planned_end": None,
        "actual_end": D(2025, 11, 30),
        "retention_counsellor": None,
        "guidance_counsellor": None,
    } | overrides
    return services.track_create(actor=actor, person=person, **data)


def _kinds(work):
    return [(d.kind, d.due) for d in work.overdue + work.upcoming]


def test_the_youth_kinds_are_registered():
    keys = {k.key for k in deadline_kinds()}
    assert {deadlines.FOLLOW_UP, deadlines.EXAM, deadlines.PLANNED_END} <= keys


@pytest.mark.parametrize("role_field", ["retention_counsellor", "guidance_counsellor"])
def test_the_follow_up_goes_to_each_responsible_counsellor(
    request, caseworker, sara, retention_counsellor, guidance_counsellor, role_field
):
    user = retention_counsellor if role_field == "retention_counsellor" else guidance_counsellor
    _track(caseworker, sara, **{role_field: user})
    work = items_for(user, today=D(2026, 2, 20))
    assert _kinds(work) == [(deadlines.FOLLOW_UP, D(2026, 2, 28))]
    item = work.upcoming[0]
    assert item.url == reverse("youth:follow_up", args=[sara.pk])
    assert item.person_name == sara.full_name
    assert item.family_case_number == sara.family.case_number
    # Who the item is about, for the work list's audit row and a snooze.
    assert item.extra["person_id"] == sara.pk


def test_both_counsellors_get_it_and_nobody_else(
    caseworker, sara, retention_counsellor, guidance_counsellor
):
    _track(
        caseworker,
        sara,
        retention_counsellor=retention_counsellor,
        guidance_counsellor=guidance_counsellor,
    )
    today = D(2026, 3, 5)
    assert _kinds(items_for(retention_counsellor, today=today)) == [
        (deadlines.FOLLOW_UP, D(2026, 2, 28))
    ]
    assert _kinds(items_for(guidance_counsellor, today=today)) == [
        (deadlines.FOLLOW_UP, D(2026, 2, 28))
    ]
    assert items_for(retention_counsellor, today=today).overdue  # past its date: overdue
    # The family caseworker is not responsible for the youth follow-up.
    assert deadlines.FOLLOW_UP not in [k for k, _d in _kinds(items_for(caseworker, today=today))]


@pytest.mark.parametrize(
    ("end", "today", "shown"),
    [
        (D(2025, 11, 30), D(2026, 2, 13), False),  # due 28 Feb: beyond the 14-day horizon
        (D(2025, 11, 30), D(2026, 2, 14), True),  # exactly 14 days ahead
        (D(2024, 5, 31), D(2024, 8, 17), True),  # due 31 Aug
        (D(2024, 5, 31), D(2024, 8, 16), False),
        (D(2025, 1, 31), D(2025, 4, 16), True),  # due 30 Apr
        (D(2025, 1, 31), D(2025, 4, 15), False),
    ],
)
def test_the_follow_up_appears_within_the_horizon_of_its_due_date(
    caseworker, sara, retention_counsellor, end, today, shown
):
    _track(
        caseworker,
        sara,
        start=end - datetime.timedelta(days=90),
        actual_end=end,
        retention_counsellor=retention_counsellor,
    )
    assert bool(_kinds(items_for(retention_counsellor, today=today, horizon_days=14))) is shown


def test_recording_the_follow_up_removes_the_item(caseworker, sara, retention_counsellor):
    track = _track(caseworker, sara, retention_counsellor=retention_counsellor)
    assert items_for(retention_counsellor, today=D(2026, 3, 1))
    services.follow_up_record(
        actor=retention_counsellor, track=track, answer=FollowUpAnswer.NOT_IN_EDUCATION, note=""
    )
    assert not _kinds(items_for(retention_counsellor, today=D(2026, 3, 1)))


def test_a_counsellor_who_lost_access_gets_no_item(caseworker, sara, retention_counsellor):
    track = _track(caseworker, sara, retention_counsellor=retention_counsellor)
    sara.assignments.all().delete()
    assert track.retention_counsellor == retention_counsellor
    assert not _kinds(items_for(retention_counsellor, today=D(2026, 3, 1)))


def test_the_follow_up_months_are_configuration(settings, caseworker, sara, retention_counsellor):
    settings.BI18_RULES = {"youth_follow_up_months": 6}
    _track(caseworker, sara, retention_counsellor=retention_counsellor)
    assert _kinds(items_for(retention_counsellor, today=D(2026, 5, 25))) == [
        (deadlines.FOLLOW_UP, D(2026, 5, 30))
    ]


def test_an_exam_without_grades_shows_before_and_after_its_date(
    caseworker, sara, retention_counsellor
):
    track = _track(caseworker, sara, actual_end=None, retention_counsellor=retention_counsellor)
    exam = services.exam_create(
        actor=caseworker, track=track, exam_date=D(2026, 6, 10), maths_before=0
    )
    upcoming = items_for(retention_counsellor, today=D(2026, 6, 1)).upcoming
    assert [(d.kind, d.due) for d in upcoming] == [(deadlines.EXAM, D(2026, 6, 10))]
    overdue = items_for(retention_counsellor, today=D(2026, 6, 20)).overdue
    assert [d.kind for d in overdue] == [deadlines.EXAM]
    services.exam_update(
        actor=caseworker,
        exam=exam,
        version=exam.version,
        exam_date=D(2026, 6, 10),
        subject="",
        provider="",
        hours_per_week=None,
        danish_written_before=None,
        danish_oral_before=None,
        maths_before=0,
        danish_written_after=None,
        danish_oral_after=None,
        maths_after=4,
    )
    assert not items_for(retention_counsellor, today=D(2026, 6, 20))


def test_a_planned_end_without_an_actual_end_is_due(caseworker, sara, guidance_counsellor, family):
    add_member(family, guidance_counsellor, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    _track(
        caseworker,
        sara,
        actual_end=None,
        planned_end=D(2026, 4, 30),
        guidance_counsellor=guidance_counsellor,
    )
    work = items_for(guidance_counsellor, today=D(2026, 4, 20))
    assert [(d.kind, d.due) for d in work.upcoming] == [(deadlines.PLANNED_END, D(2026, 4, 30))]


def test_the_collectors_make_a_fixed_number_of_queries(
    caseworker, retention_counsellor, django_assert_max_num_queries
):
    from tests.factories import FamilyFactory, child

    def add(n):
        for _ in range(n):
            fam = FamilyFactory()
            add_member(fam, caseworker)
            person = child(family=fam)
            track = _track(caseworker, person, retention_counsellor=retention_counsellor)
            services.exam_create(actor=caseworker, track=track, exam_date=D(2026, 2, 25))

    # One query per collector (the items, filtered by the user's scope), plus the user's
    # scope, roles and permissions (each loaded once per user object, then cached).
    add(2)
    for kind in (
        deadlines.collect_follow_ups,
        deadlines.collect_exams,
        deadlines.collect_planned_ends,
    ):
        with django_assert_max_num_queries(5):
            small = kind(retention_counsellor, D(2026, 2, 20), D(2026, 3, 6))
        assert small or kind is deadlines.collect_planned_ends
    add(15)
    for kind in (deadlines.collect_follow_ups, deadlines.collect_exams):
        with django_assert_max_num_queries(5):
            assert len(kind(retention_counsellor, D(2026, 2, 20), D(2026, 3, 6))) == 17
