"""The employment demo seeder and the rules the services enforce themselves."""

import datetime

import pytest

from bi18.accounts.models import User
from bi18.audit.models import AuditEvent
from employment import services
from employment.models import EmploymentTrack, Internship, MentorAssignment
from families.demo import seed_demo
from families.models import PersonAssignment
from families.worklist.engine import items_for
from tests.employment_factories import CompanyFactory, TrackFactory

D = datetime.date
TODAY = datetime.date.today()


@pytest.mark.django_db
def test_demo_gives_the_demo_users_overdue_and_upcoming_employment_items():
    seed_demo(families=60, seed=1)
    assert EmploymentTrack.objects.count() > 60
    assert Internship.objects.exists() and MentorAssignment.objects.exists()
    company = items_for(User.objects.get(username="virksomhed"))
    assert any(d.kind.startswith("employment.") for d in company.overdue)
    employment = items_for(User.objects.get(username="beskaeftigelse"))
    assert any(
        d.kind == "employment.job_interview_due" for d in employment.overdue + employment.upcoming
    )
    # Every open mentor period carries the mentor's access and ends within 6 months of its start.
    for m in MentorAssignment.objects.filter(renewal__isnull=True):
        assert m.access is not None and m.access.end == m.end
        assert m.end <= m.start + datetime.timedelta(days=185)


@pytest.mark.django_db
def test_mentor_period_longer_than_the_rule_is_refused(caseworker, job_mentor):
    track = TrackFactory()
    with pytest.raises(services.ServiceError):
        services.mentor_assign(
            actor=caseworker,
            track=track,
            mentor=job_mentor,
            start=D(2026, 1, 31),
            end=D(2026, 8, 1),
        )
    assert not PersonAssignment.objects.exists()


@pytest.mark.django_db
def test_renewal_continues_access_from_the_day_after(caseworker, job_mentor):
    track = TrackFactory()
    first = services.mentor_assign(
        actor=caseworker,
        track=track,
        mentor=job_mentor,
        start=TODAY - datetime.timedelta(days=100),
        end=TODAY + datetime.timedelta(days=3),
    )
    second = services.mentor_renew(
        actor=caseworker, assignment=first, end=TODAY + datetime.timedelta(days=90)
    )
    assert second.start == first.end + datetime.timedelta(days=1)
    assert second.renewed_from == first and second.access.end == second.end
    with pytest.raises(services.ServiceError):
        services.mentor_renew(
            actor=caseworker, assignment=first, end=TODAY + datetime.timedelta(days=90)
        )
    assert AuditEvent.objects.filter(event="employment.mentor.assigned").count() == 2


@pytest.mark.django_db
def test_only_a_parent_gets_a_track_and_only_one(caseworker, family):
    kid = family.people.get(first_name="Sara")
    with pytest.raises(services.ServiceError):
        services.track_create(actor=caseworker, person=kid, kind="intensive", start=TODAY)
    amina = family.people.get(first_name="Amina")
    services.track_create(actor=caseworker, person=amina, kind="intensive", start=TODAY)
    with pytest.raises(services.ServiceError):
        services.track_create(actor=caseworker, person=amina, kind="upskilling", start=TODAY)


_TRACK_FIELDS = ("kind", "start", "company_consultant", "employment_consultant", "goal")


def _fields(track, **changes) -> dict:
    """The track's editable fields as they are, with `changes`."""
    fields = (*_TRACK_FIELDS, "goal_industry", "internship_aim")
    return {name: getattr(track, name) for name in fields} | changes


@pytest.mark.django_db
def test_stale_track_update_raises_conflict(caseworker):
    track = TrackFactory()
    services.track_update(actor=caseworker, track=track, version=1, **_fields(track, goal="Cook"))
    with pytest.raises(services.ConflictError):
        services.track_update(
            actor=caseworker, track=track, version=1, **_fields(track, goal="Cleaner")
        )
    track.refresh_from_db()
    assert track.goal == "Cook" and track.version == 2


@pytest.mark.django_db
def test_duplicate_cvr_is_a_clear_error(caseworker):
    CompanyFactory(cvr="64942212")
    with pytest.raises(services.ServiceError):
        services.company_create(actor=caseworker, name="X", cvr="6494 2212")


@pytest.mark.django_db
def test_demo_interviews_follow_the_rule_of_four_in_the_first_six_months():
    from employment import clocks

    seed_demo(families=60, seed=1)
    old = [
        t
        for t in EmploymentTrack.objects.prefetch_related("interviews")
        if clocks.six_month_mark(t.start) < TODAY and not t.outcome
    ]
    assert len(old) >= 10
    counts = [
        clocks.interviews_in_first_six_months(
            t.start, [i.held_date for i in t.interviews.all() if i.held_date]
        )
        for t in old
    ]
    met = sum(1 for n in counts if n >= 4)
    # Most consultants keep the rule; a few tracks fall one short (a late last interview),
    # so the demo shows both the met and the missed case.
    assert met >= 0.6 * len(old), counts
    assert met < len(old), counts
