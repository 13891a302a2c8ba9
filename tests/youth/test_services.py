"""Youth-track services: tracks, responsibility as access, conflicts, audit, the follow-up."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from families.models import Person, PersonAssignment, PersonRole
from tests.factories import UserFactory, add_member
from youth import services
from youth.models import Enrolment, ExamPreparation, FollowUp, FollowUpAnswer, YouthTrack

D = datetime.date


@pytest.fixture
def guidance_counsellor(db):
    return UserFactory(username="uu_test", role=Role.YOUTH_GUIDANCE_COUNSELLOR)


@pytest.fixture
def sara(family):
    return family.people.get(first_name="Sara")


def _data(**overrides):
    return {
        "education_effort": True,
        "leisure_job_effort": False,
        "start": D(2026, 1, 5),
        "planned_end": D(2026, 6, 30),
        "actual_end": None,
        "retention_counsellor": None,
        "guidance_counsellor": None,
    } | overrides


def test_starting_a_track_with_a_retention_counsellor_gives_them_access(
    caseworker, retention_counsellor, sara
):
    assert not Person.objects.visible_to(retention_counsellor).filter(pk=sara.pk).exists()
    services.track_create(
        actor=caseworker, person=sara, **_data(retention_counsellor=retention_counsellor)
    )
    assignment = PersonAssignment.objects.get(person=sara, user=retention_counsellor)
    assert assignment.role == Role.RETENTION_COUNSELLOR
    assert list(Person.objects.visible_to(retention_counsellor)) == [sara]
    assert AuditEvent.objects.filter(event="youth.track.created", person_id=sara.pk).exists()
    assert AuditEvent.objects.filter(event="youth.assignment.opened", person_id=sara.pk).exists()


def test_replacing_the_retention_counsellor_closes_the_old_ones_access(
    caseworker, retention_counsellor, sara
):
    track = services.track_create(
        actor=caseworker, person=sara, **_data(retention_counsellor=retention_counsellor)
    )
    # An assignment that started earlier is ended yesterday, not deleted (history).
    PersonAssignment.objects.filter(user=retention_counsellor).update(start=D(2025, 1, 1))
    other = UserFactory(username="rc2", role=Role.RETENTION_COUNSELLOR)
    services.track_update(
        actor=caseworker, track=track, **_data(retention_counsellor=other), version=track.version
    )
    old = PersonAssignment.objects.get(user=retention_counsellor)
    assert old.end == timezone.localdate() - datetime.timedelta(days=1)
    assert not Person.objects.visible_to(retention_counsellor).exists()
    assert Person.objects.visible_to(other).get() == sara


def test_removing_a_counsellor_assigned_today_removes_the_assignment(
    caseworker, retention_counsellor, sara
):
    track = services.track_create(
        actor=caseworker, person=sara, **_data(retention_counsellor=retention_counsellor)
    )
    services.track_update(actor=caseworker, track=track, **_data(), version=track.version)
    assert not PersonAssignment.objects.filter(user=retention_counsellor).exists()
    assert not Person.objects.visible_to(retention_counsellor).exists()


def test_a_guidance_counsellor_outside_the_network_group_is_assigned(
    caseworker, guidance_counsellor, sara
):
    services.track_create(
        actor=caseworker, person=sara, **_data(guidance_counsellor=guidance_counsellor)
    )
    assert PersonAssignment.objects.filter(
        user=guidance_counsellor, role=Role.YOUTH_GUIDANCE_COUNSELLOR, person=sara
    ).exists()
    assert list(Person.objects.visible_to(guidance_counsellor)) == [sara]


def test_a_guidance_counsellor_in_the_network_group_needs_no_assignment(
    caseworker, guidance_counsellor, family, sara
):
    add_member(family, guidance_counsellor, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    services.track_create(
        actor=caseworker, person=sara, **_data(guidance_counsellor=guidance_counsellor)
    )
    assert not PersonAssignment.objects.filter(user=guidance_counsellor).exists()


def test_a_stale_version_is_refused_not_overwritten(caseworker, sara):
    track = services.track_create(actor=caseworker, person=sara, **_data())
    stale = track.version
    services.track_update(
        actor=caseworker, track=track, **_data(planned_end=D(2026, 7, 31)), version=stale
    )
    with pytest.raises(services.ConflictError):
        services.track_update(
            actor=caseworker, track=track, **_data(planned_end=D(2026, 9, 30)), version=stale
        )
    assert YouthTrack.objects.get().planned_end == D(2026, 7, 31)


def test_a_track_is_refused_for_someone_aged_30_at_the_start(caseworker, sara):
    Person.objects.filter(pk=sara.pk).update(date_of_birth=D(1996, 1, 5))
    sara.refresh_from_db()
    with pytest.raises(services.ServiceError, match="30"):
        services.track_create(actor=caseworker, person=sara, **_data(start=D(2026, 1, 5)))
    services.track_create(actor=caseworker, person=sara, **_data(start=D(2026, 1, 4)))


def test_a_track_is_refused_for_a_parent(caseworker, family):
    parent = family.people.filter(role=PersonRole.PARENT).first()
    with pytest.raises(services.ServiceError):
        services.track_create(actor=caseworker, person=parent, **_data())


def test_a_track_needs_an_effort(caseworker, sara):
    with pytest.raises(services.ServiceError):
        services.track_create(actor=caseworker, person=sara, **_data(education_effort=False))


def test_a_second_track_for_the_same_person_is_refused(caseworker, sara):
    services.track_create(actor=caseworker, person=sara, **_data())
    with pytest.raises(services.ServiceError):
        services.track_create(actor=caseworker, person=sara, **_data())


def test_recording_the_follow_up_stores_the_answer_and_the_derived_status(caseworker, sara):
    track = services.track_create(actor=caseworker, person=sara, **_data(actual_end=D(2026, 2, 27)))
    services.enrolment_create(
        actor=caseworker,
        person=sara,
        institution="TEC",
        programme="Elektriker",
        start=D(2026, 5, 1),
        end=None,
        end_reason="",
    )
    follow_up = services.follow_up_record(
        actor=caseworker, track=track, answer=FollowUpAnswer.IN_EDUCATION
    )
    assert follow_up.due == D(2026, 5, 27)
    assert follow_up.derived_in_education is True
    assert AuditEvent.objects.filter(event="youth.follow_up.recorded", person_id=sara.pk).exists()
    with pytest.raises(services.ServiceError):
        services.follow_up_record(
            actor=caseworker, track=track, answer=FollowUpAnswer.NOT_IN_EDUCATION
        )
    assert FollowUp.objects.get().answer == FollowUpAnswer.IN_EDUCATION


def test_no_follow_up_before_the_effort_ends(caseworker, sara):
    track = services.track_create(actor=caseworker, person=sara, **_data())
    with pytest.raises(services.ServiceError):
        services.follow_up_record(actor=caseworker, track=track, answer=FollowUpAnswer.IN_EDUCATION)


def test_every_record_write_is_audited_in_the_same_transaction(caseworker, sara):
    track = services.track_create(actor=caseworker, person=sara, **_data())
    enrolment = services.enrolment_create(
        actor=caseworker,
        person=sara,
        institution="TEC",
        programme="Tømrer",
        start=D(2026, 2, 1),
        end=None,
        end_reason="",
    )
    services.enrolment_update(
        actor=caseworker,
        enrolment=enrolment,
        institution="TEC",
        programme="Tømrer",
        start=D(2026, 2, 1),
        end=D(2026, 3, 1),
        end_reason="dropped_out",
        version=enrolment.version,
    )
    services.contact_create(
        actor=caseworker,
        track=track,
        date=D(2026, 2, 2),
        school="TEC",
        risk="high",
        note="",
    )
    services.exam_create(actor=caseworker, track=track, exam_date=D(2026, 6, 1), maths_before=2)
    services.leisure_job_create(
        actor=caseworker,
        track=track,
        employer="Netto",
        hours_per_week=8,
        start=D(2026, 1, 10),
        end=None,
    )
    services.guidance_session_create(
        actor=caseworker,
        track=track,
        date=D(2026, 1, 20),
        education_choice="EUD",
        note="",
    )
    services.clarification_create(
        actor=caseworker,
        track=track,
        date=D(2026, 1, 21),
        academic_gaps=True,
        language_gaps=False,
        text="x",
    )
    services.application_create(
        actor=caseworker,
        track=track,
        company="Bravida",
        applied_on=D(2026, 2, 3),
        status="sent",
    )
    events = set(AuditEvent.objects.filter(person_id=sara.pk).values_list("event", flat=True))
    assert {
        "youth.track.created",
        "youth.enrolment.created",
        "youth.enrolment.changed",
        "youth.contact.created",
        "youth.exam.created",
        "youth.leisure_job.created",
        "youth.guidance.created",
        "youth.clarification.created",
        "youth.application.created",
    } <= events


def test_a_grade_off_the_scale_is_refused_by_the_service(caseworker, sara):
    track = services.track_create(actor=caseworker, person=sara, **_data())
    with pytest.raises(services.ServiceError):
        services.exam_create(actor=caseworker, track=track, maths_after=3)


def test_an_enrolment_end_without_a_reason_is_refused(caseworker, sara):
    with pytest.raises(services.ServiceError):
        services.enrolment_create(
            actor=caseworker,
            person=sara,
            institution="TEC",
            programme="x",
            start=D(2026, 1, 1),
            end=D(2026, 2, 1),
            end_reason="",
        )
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("hours", [Decimal("0.4"), Decimal("40.5")])
def test_exam_help_hours_outside_the_rule_are_refused_by_the_service(sara, caseworker, hours):
    track = services.track_create(actor=caseworker, person=sara, **_data())
    with pytest.raises(services.ServiceError, match="0,5 og 40"), translation.override("da"):
        services.exam_create(actor=caseworker, track=track, hours_per_week=hours)
    assert not ExamPreparation.objects.exists()
