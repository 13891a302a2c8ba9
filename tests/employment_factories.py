"""Factories for the employment track's tests (tests/employment/, tests/budget/)."""

import datetime
from decimal import Decimal

import factory

from employment.models import (
    Company,
    EmploymentTrack,
    Internship,
    InternshipHours,
    JobInterview,
    TrackKind,
)
from tests.factories import PersonFactory

VALID_CVRS = ["64942212", "24256790", "10150817", "25313763", "33771231"]


def cvr_for(n: int) -> str:
    """A valid CVR number (modulus 11) for any n."""
    weights = (2, 7, 6, 5, 4, 3, 2, 1)
    base = 1000000 + n * 7
    while True:
        head = f"{base:07d}"
        check = (-sum(int(d) * w for d, w in zip(head, weights[:7], strict=True))) % 11
        if check < 10:
            return head + str(check)
        base += 1


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Virksomhed {n} ApS")
    cvr = factory.Sequence(lambda n: cvr_for(n * 13 + 5))
    industry = "Retail"


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmploymentTrack

    person = factory.SubFactory(PersonFactory)
    kind = TrackKind.INTENSIVE
    start = datetime.date(2026, 1, 5)


class InternshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Internship

    track = factory.SubFactory(TrackFactory)
    company = factory.SubFactory(CompanyFactory)
    start = datetime.date(2026, 2, 1)
    planned_end = factory.LazyAttribute(lambda i: i.start + datetime.timedelta(weeks=13))


def hours(internship, from_date, h):
    return InternshipHours.objects.create(
        internship=internship, from_date=from_date, hours=Decimal(h)
    )


def interview(track, held=None, planned=None, by=None):
    return JobInterview.objects.create(
        track=track, held_date=held, planned_date=planned, held_by=by
    )
