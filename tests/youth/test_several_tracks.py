"""A young person may have more than one youth track over time: a new one once the previous
has ended, each with its own follow-up; T2 counts each young person once, with their first
education-effort track (youth.rules.counting_track)."""

import datetime
import random

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from budget import targets
from tests.factories import FamilyFactory, child
from youth import rules, services
from youth.models import YouthTrack

D = datetime.date


@pytest.fixture
def sara(family):
    return family.people.get(first_name="Sara")


def _data(**overrides):
    return {
        "education_effort": True,
        "leisure_job_effort": False,
        "start": D(2025, 6, 1),
        "planned_end": None,
        "actual_end": D(2025, 11, 30),
        "retention_counsellor": None,
        "guidance_counsellor": None,
    } | overrides


def test_a_new_youth_track_after_the_previous_ended_keeps_the_history(login, caseworker, sara):
    services.track_create(actor=caseworker, person=sara, **_data())
    client = login(caseworker)
    page = client.get(reverse("youth:person", args=[sara.pk])).content.decode()
    create = reverse("youth:track_create", args=[sara.pk])
    assert create in page
    form = {"education_effort": "on", "start": "2026-01-12", "planned_end": "", "actual_end": ""}
    # Before the previous one ended: refused, nothing saved.
    response = client.post(create, form | {"start": "2025-11-01"})
    assert response.status_code == 200 and "30.11.2025" in response.content.decode()
    assert YouthTrack.objects.filter(person=sara).count() == 1
    assert client.post(create, form).status_code == 302
    response = client.get(reverse("youth:person", args=[sara.pk]))
    assert response.context["track"].start == D(2026, 1, 12)
    assert [t.start for t in response.context["earlier_tracks"]] == [D(2025, 6, 1)]
    assert 'id="earlier-tracks"' in response.content.decode()
    # While the new one is open, "new track" leads to editing it instead.
    assert client.get(create).status_code == 302


def test_only_one_open_youth_track(caseworker, sara):
    services.track_create(actor=caseworker, person=sara, **_data(actual_end=None))
    with pytest.raises(services.ServiceError):
        services.track_create(
            actor=caseworker, person=sara, **_data(start=D(2026, 1, 5), actual_end=None)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        YouthTrack.objects.create(person=sara, start=D(2026, 2, 1), education_effort=True)


def test_t2_counts_each_young_person_once_with_their_first_education_track(db):
    kid = child(family=FamilyFactory())
    YouthTrack.objects.create(
        person=kid, start=D(2024, 1, 1), actual_end=D(2024, 3, 1), leisure_job_effort=True
    )  # not the education effort: T2 does not count it at all
    first = YouthTrack.objects.create(
        person=kid, start=D(2024, 4, 1), actual_end=D(2024, 6, 1), education_effort=True
    )
    YouthTrack.objects.create(
        person=kid, start=D(2024, 7, 1), actual_end=D(2024, 8, 1), education_effort=True
    )
    assert targets.t2(D(2025, 1, 1)) == (0, 1)
    tracks = list(YouthTrack.objects.filter(person=kid))
    assert [t.pk for t in tracks if rules.counting_track(t, tracks, education_only=True)] == [
        first.pk
    ]


@pytest.mark.parametrize("education_only", [False, True])
def test_counting_track_and_its_query_agree(db, education_only):
    rng = random.Random(6)
    family = FamilyFactory()
    people = [child(family=family) for _n in range(8)]
    for person in people:
        day = D(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 30))
        n = rng.randint(1, 3)
        for k in range(n):
            education = rng.random() < 0.6
            YouthTrack.objects.create(
                person=person,
                start=day,
                actual_end=None if k == n - 1 else day,
                education_effort=education,
                leisure_job_effort=not education,
            )
            day += datetime.timedelta(days=rng.choice((0, 30)))
    counted = set(
        YouthTrack.objects.filter(rules.counting_track_q(education_only=education_only))
        .filter(**({"education_effort": True} if education_only else {}))
        .values_list("pk", flat=True)
    )
    for person in people:
        tracks = list(YouthTrack.objects.filter(person=person))
        for t in tracks:
            assert rules.counting_track(t, tracks, education_only=education_only) == (
                t.pk in counted
            )
