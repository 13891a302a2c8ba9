"""A parent may have more than one employment track over time: a new one after the
previous one's outcome, with the history kept; the targets count each parent once, with
their first track (employment.rules.counting_track)."""

import datetime
import random

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from bi18.accounts.roles import Role
from budget import targets
from employment import rules, services
from employment.models import EmploymentTrack, Outcome
from tests.employment_factories import InternshipFactory, TrackFactory
from tests.factories import PersonFactory, add_member

D = datetime.date


@pytest.fixture
def parent(family):
    return family.people.get(first_name="Amina")


@pytest.fixture
def ended(family, parent, employment_consultant):
    add_member(family, employment_consultant, Role.EMPLOYMENT_CONSULTANT)
    return TrackFactory(
        person=parent,
        start=D(2025, 1, 6),
        outcome=Outcome.ORDINARY_JOB,
        outcome_date=D(2025, 5, 1),
        outcome_employer="Netto",
    )


NEW = {"kind": "intensive", "start": "2026-02-02", "goal": "Lagermedarbejder", "goal_industry": ""}


def test_a_new_track_after_an_outcome_keeps_the_earlier_one(
    ended, parent, employment_consultant, login
):
    client = login(employment_consultant)
    page = client.get(reverse("employment:parent", args=[parent.pk])).content.decode()
    new_url = reverse("employment:track_new", args=[parent.pk])
    assert new_url in page  # offered once the track has an outcome
    response = client.post(new_url, NEW)
    assert response.status_code == 302, response.content.decode()[:3000]
    tracks = list(EmploymentTrack.objects.filter(person=parent).order_by("start"))
    assert [t.start for t in tracks] == [D(2025, 1, 6), D(2026, 2, 2)]
    assert tracks[0].outcome == Outcome.ORDINARY_JOB  # unchanged
    page = client.get(reverse("employment:parent", args=[parent.pk]))
    assert page.context["track"].pk == tracks[1].pk
    html = page.content.decode()
    assert 'id="earlier-tracks"' in html and "06.01.2025 – 01.05.2025" in html
    # The pages that work on "the track" now work on the new one.
    client.get(reverse("employment:track_edit", args=[parent.pk]))
    assert client.get(reverse("employment:internship_create", args=[parent.pk])).status_code == 200


def test_no_second_open_track(ended, parent, employment_consultant, login):
    services.track_create(
        actor=employment_consultant, person=parent, kind="intensive", start=D(2026, 2, 2)
    )
    client = login(employment_consultant)
    response = client.post(reverse("employment:track_new", args=[parent.pk]), NEW, follow=True)
    assert "kan startes, når det nuværende har et resultat" in response.content.decode()
    assert EmploymentTrack.objects.filter(person=parent).count() == 2
    with pytest.raises(services.ServiceError):
        services.track_create(
            actor=employment_consultant,
            person=parent,
            kind="intensive",
            start=D(2026, 3, 1),
        )
    # The database itself keeps one open track per parent.
    with pytest.raises(IntegrityError), transaction.atomic():
        EmploymentTrack.objects.create(person=parent, kind="intensive", start=D(2026, 4, 1))


def test_a_new_track_cannot_start_before_the_previous_one_ended(
    ended, parent, employment_consultant, login
):
    response = login(employment_consultant).post(
        reverse("employment:track_new", args=[parent.pk]), NEW | {"start": "2025-04-01"}
    )
    assert response.status_code == 200
    assert "01.05.2025" in response.content.decode()
    assert EmploymentTrack.objects.filter(person=parent).count() == 1


def test_targets_count_each_parent_once_with_their_first_track(db):
    person = PersonFactory()
    first = TrackFactory(
        person=person, start=D(2024, 1, 8), outcome=Outcome.LEFT, outcome_date=D(2024, 3, 1)
    )
    second = TrackFactory(person=person, start=D(2024, 4, 1))
    InternshipFactory(track=second, start=D(2024, 5, 1), planned_end=D(2024, 12, 1))
    # On 1 November both tracks have passed month 6; only the first counts, and it failed.
    assert targets.t1(D(2024, 11, 1)) == (0, 1)
    assert rules.counting_track(first, [first, second])
    assert not rules.counting_track(second, [first, second])


def test_counting_track_and_its_query_agree(db):
    rng = random.Random(16)
    people = [PersonFactory() for _n in range(8)]
    for person in people:
        day = D(2024, 1, 1) + datetime.timedelta(days=rng.randint(0, 30))
        for n in range(rng.randint(1, 3)):
            last = n == 2
            TrackFactory(
                person=person,
                start=day,
                outcome="" if last else Outcome.LEFT,
                outcome_date=None if last else day + datetime.timedelta(days=20),
            )
            # Now and then two tracks on one day: the earlier id counts.
            day += datetime.timedelta(days=rng.choice((0, 21, 61)))
    counted = set(
        EmploymentTrack.objects.filter(rules.counting_track_q()).values_list("pk", flat=True)
    )
    for person in people:
        tracks = list(EmploymentTrack.objects.filter(person=person))
        for track in tracks:
            assert rules.counting_track(track, tracks) == (track.pk in counted)
    assert len(counted) == len(people)
