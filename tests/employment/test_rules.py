"""The employment track's rules: each Python predicate equals its query twin on every day
of a period, on generated tracks (the twin tests of docs/rules.md), plus the edges of
the definitions that changed a figure."""

import datetime
import random

import pytest
from django.db.models import F

from employment import clocks, rules
from employment.models import (
    EmploymentTrack,
    EndReason,
    Internship,
    InternshipStatus,
    Outcome,
    TrackKind,
)
from tests.employment_factories import CompanyFactory, InternshipFactory, TrackFactory
from tests.factories import FamilyFactory, PersonFactory

D = datetime.date
pytestmark = pytest.mark.django_db

FIRST_DAY = D(2025, 1, 1)
PERIOD = [FIRST_DAY + datetime.timedelta(days=n) for n in range(300)]


def _generate(seed: int, tracks: int = 30) -> list[EmploymentTrack]:
    """Tracks with 0–3 internships each: running, ended for every reason (on, before and
    after the mark), cancelled, back to back or with gaps; some with a recorded outcome."""
    rng = random.Random(seed)  # noqa: S311 - test data
    family = FamilyFactory()
    company = CompanyFactory()
    made = []
    for _ in range(tracks):
        start = FIRST_DAY + datetime.timedelta(days=rng.randrange(0, 120))
        # Month ends, so that the six-month mark clamps (31 Aug + 6 months = 28 Feb).
        if rng.random() < 0.15:
            start = rng.choice([D(2024, 8, 31), D(2024, 12, 31), D(2025, 3, 31), D(2025, 1, 31)])
        track = TrackFactory(
            person=PersonFactory(family=family),
            start=start,
            kind=rng.choice(list(TrackKind)),
        )
        day = start + datetime.timedelta(days=rng.randrange(-5, 70))
        for _i in range(rng.randrange(0, 4)):
            status = rng.choice(
                [InternshipStatus.ONGOING, InternshipStatus.ENDED, InternshipStatus.CANCELLED]
            )
            length = rng.randrange(0, 120)
            actual_end = day + datetime.timedelta(days=length) if status != "ongoing" else None
            InternshipFactory(
                track=track,
                company=company,
                start=day,
                planned_end=day + datetime.timedelta(days=rng.choice([length, 91])),
                actual_end=actual_end,
                status=status,
                end_reason=rng.choice(list(EndReason)) if actual_end else "",
            )
            day = (actual_end or day) + datetime.timedelta(days=rng.choice([1, 1, 10, 40]))
        if rng.random() < 0.3:
            track.outcome = rng.choice(list(Outcome))
            track.outcome_date = start + datetime.timedelta(days=rng.randrange(20, 250))
            track.save()
        made.append(track)
    return list(EmploymentTrack.objects.prefetch_related("internships").order_by("pk"))


DAY_RULES = {
    "in_internship": (rules.in_internship, rules.in_internship_q),
    "gone_on": (rules.gone_on, rules.gone_on_q),
    "t1_achieved": (rules.t1_achieved, rules.t1_achieved_q),
}


@pytest.mark.parametrize("name", list(DAY_RULES))
def test_the_predicate_and_its_query_agree_on_every_day(name):
    predicate, query = DAY_RULES[name]
    tracks = _generate(seed=len(name))
    for day in PERIOD:
        in_python = {t.pk for t in tracks if predicate(t, day)}
        in_db = set(EmploymentTrack.objects.filter(query(day)).values_list("pk", flat=True))
        assert in_db == in_python, (name, day)
    # Not trivially empty or full: the data exercise both answers.
    assert 0 < len({t.pk for t in tracks if predicate(t, PERIOD[200])}) < len(tracks)


@pytest.mark.parametrize("name", list(DAY_RULES))
def test_the_query_on_each_tracks_own_month_6_agrees_with_the_predicate(name):
    predicate, query = DAY_RULES[name]
    tracks = _generate(seed=7 + len(name))
    in_python = {t.pk for t in tracks if predicate(t, clocks.six_month_mark(t.start))}
    in_db = set(
        EmploymentTrack.objects.annotate(mark=clocks.six_month_mark_sql())
        .filter(query(F("mark")))
        .values_list("pk", flat=True)
    )
    assert in_db == in_python


def test_an_internship_is_active_on_the_same_days_in_python_and_sql():
    _generate(seed=3)
    internships = list(Internship.objects.all())
    for day in PERIOD:
        in_python = {i.pk for i in internships if rules.internship_active(i, day)}
        in_db = set(
            Internship.objects.filter(rules.internship_active_q(day)).values_list("pk", flat=True)
        )
        assert in_db == in_python, day


@pytest.mark.parametrize(
    ("predicate", "query"),
    [(rules.week6_met, rules.week6_met_q), (rules.week6_pending, rules.week6_pending_q)],
    ids=["week6_met", "week6_pending"],
)
def test_the_week_6_rules_agree_with_their_queries(predicate, query):
    tracks = _generate(seed=11, tracks=40)
    in_python = {t.pk for t in tracks if predicate(t)}
    in_db = set(EmploymentTrack.objects.filter(query()).values_list("pk", flat=True))
    assert in_db == in_python
    assert 0 < len(in_python) < len(tracks)


def test_week_6_follows_the_configured_deadline(settings):
    track = TrackFactory(start=D(2025, 1, 1))
    InternshipFactory(track=track, start=D(2025, 2, 15))  # day 45
    assert not rules.week6_met(track)
    settings.BI18_RULES = {"internship_deadline_days": 45}
    assert rules.week6_met(track)
    assert EmploymentTrack.objects.filter(rules.week6_met_q()).exists()


# --- The edges that decide a figure ---------------------------------------------------------


def test_an_internship_that_ended_for_a_job_counts_for_t1_without_a_recorded_outcome():
    track = TrackFactory(start=D(2025, 1, 10))
    InternshipFactory(
        track=track,
        start=D(2025, 2, 1),
        actual_end=D(2025, 5, 1),
        status=InternshipStatus.ENDED,
        end_reason=EndReason.ORDINARY_JOB,
    )
    mark = clocks.six_month_mark(track.start)
    assert not rules.in_internship(track, mark)
    assert rules.gone_on(track, mark) and rules.t1_achieved(track, mark)
    # Before the job began the parent had not gone on yet (but was in the internship).
    assert not rules.gone_on(track, D(2025, 4, 30))


def test_leaving_the_effort_or_dropping_out_is_not_gone_on():
    track = TrackFactory(start=D(2025, 1, 10), outcome=Outcome.LEFT, outcome_date=D(2025, 3, 1))
    InternshipFactory(
        track=track,
        start=D(2025, 2, 1),
        actual_end=D(2025, 2, 20),
        status=InternshipStatus.ENDED,
        end_reason=EndReason.DROPPED_OUT,
    )
    assert not rules.t1_achieved(track, D(2025, 7, 10))


def test_a_cancelled_internship_never_counts():
    track = TrackFactory(start=D(2025, 1, 10))
    InternshipFactory(
        track=track,
        start=D(2025, 1, 20),
        status=InternshipStatus.CANCELLED,
        actual_end=D(2025, 1, 20),
        end_reason=EndReason.ORDINARY_JOB,
    )
    assert not rules.t1_achieved(track, D(2025, 7, 10))
    assert not rules.week6_met(track)
    assert rules.week6_pending(track)


def test_an_internship_agreed_to_start_after_week_6_misses_it_but_closes_the_task():
    track = TrackFactory(start=D(2025, 1, 1), kind=TrackKind.INTENSIVE)
    InternshipFactory(track=track, start=D(2025, 3, 1))
    assert not rules.week6_met(track)
    assert not rules.week6_pending(track)
