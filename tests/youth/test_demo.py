"""The youth demo seeder: about a third of the 14–29-year-olds, valid data, items on
"Mit arbejde" for the demo counsellors, bulk (queries do not grow with the families)."""

import datetime
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bi18.accounts.roles import Role
from families.demo import seed_demo
from families.models import Person, PersonRole
from families.registry import demo_seeders
from families.worklist.engine import items_for
from youth import demo, rules
from youth.models import Enrolment, ExamPreparation, FollowUp, YouthTrack

TODAY = datetime.date(2026, 11, 26)


def _families(n):
    return seed_demo(families=n, seed=7, today=TODAY, seeders=[])


def _snapshot():
    return sorted(
        YouthTrack.objects.values_list(
            "person_id",
            "start",
            "planned_end",
            "actual_end",
            "retention_counsellor_id",
            "guidance_counsellor_id",
        )
    ), sorted(Enrolment.objects.values_list("person_id", "start", "end", "end_reason"))


def test_the_seeder_is_registered():
    assert "youth" in [s.key for s in demo_seeders()]


@pytest.mark.django_db
def test_a_third_of_the_young_people_get_valid_tracks_and_the_demo_users_get_work():
    result = _families(130)
    demo.seed(rng=random.Random(3), family_ids=result.family_ids, users=result.users, today=TODAY)
    young = [
        p
        for p in Person.objects.filter(role=PersonRole.CHILD)
        if p.date_of_birth and 14 <= p.age_on(TODAY) <= 29
    ]
    tracks = list(YouthTrack.objects.select_related("person"))
    assert 0.2 <= len(tracks) / len(young) <= 0.5
    for t in tracks:
        rules.check_age_at_start(date_of_birth=t.person.date_of_birth, start=t.start)
        assert t.start <= TODAY
        assert t.education_effort or t.leisure_job_effort
    assert (
        ExamPreparation.objects.exists()
        and Enrolment.objects.exists()
        and FollowUp.objects.exists()
    )
    # Every exam preparation says what help is given, and the help varies.
    assert not ExamPreparation.objects.filter(subject="").exists()
    assert not ExamPreparation.objects.filter(hours_per_week__isnull=True).exists()
    assert ExamPreparation.objects.values("provider").distinct().count() > 1
    for role in (Role.RETENTION_COUNSELLOR, Role.YOUTH_GUIDANCE_COUNSELLOR):
        user = result.users[role]
        assert user.username in ("fastholdelse", "uu")
        kinds = [
            d.kind
            for d in items_for(user, today=TODAY).overdue + items_for(user, today=TODAY).upcoming
        ]
        assert "youth.follow_up" in kinds, role
        # The items link to people the user may open.
        visible = set(Person.objects.visible_to(user).values_list("pk", flat=True))
        assert {t.person_id for t in YouthTrack.objects.responsible(user)} <= visible


@pytest.mark.django_db
def test_the_seeder_is_deterministic():
    result = _families(40)
    demo.seed(rng=random.Random(3), family_ids=result.family_ids, users=result.users, today=TODAY)
    first = _snapshot()
    YouthTrack.objects.all().delete()
    Enrolment.objects.all().delete()
    demo.seed(rng=random.Random(3), family_ids=result.family_ids, users=result.users, today=TODAY)
    assert _snapshot() == first


@pytest.mark.django_db
def test_the_seeder_inserts_in_bulk():
    small = _families(30)
    with CaptureQueriesContext(connection) as few:
        demo.seed(rng=random.Random(1), family_ids=small.family_ids, users=small.users, today=TODAY)
    large = seed_demo(families=150, seed=8, today=TODAY, seeders=[], append=True)
    with CaptureQueriesContext(connection) as many:
        demo.seed(rng=random.Random(1), family_ids=large.family_ids, users=large.users, today=TODAY)
    assert len(many) <= len(few) + 5, (len(few), len(many))
