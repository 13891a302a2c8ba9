"""The youth pages: what they show, that every view is audited, and that their number of
SQL queries does not grow with the data."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from bi18.audit.models import AuditEvent
from families.models import PersonRole
from tests.factories import FamilyFactory, PersonFactory, add_member, child
from youth import rules, services
from youth.models import Enrolment, FollowUp, RetentionContact

D = datetime.date


@pytest.fixture
def sara(family):
    return family.people.get(first_name="Sara")


def _track(actor, person, **overrides):
    data = {
        "education_effort": True,
        "leisure_job_effort": True,
        "start": D(2025, 6, 1),
        "planned_end": D(2025, 12, 31),
        "actual_end": D(2025, 11, 30),
        "retention_counsellor": None,
        "guidance_counsellor": None,
    } | overrides
    return services.track_create(actor=actor, person=person, **data)


def _fill(actor, track, n):
    """n of every kind of record on a track."""
    person = track.person
    for i in range(n):
        day = D(2025, 6, 2) + datetime.timedelta(days=i)
        services.leisure_job_create(
            actor=actor,
            track=track,
            employer=f"Netto {i}",
            hours_per_week=8,
            start=day,
            end=None,
        )
        services.exam_create(
            actor=actor,
            track=track,
            exam_date=day,
            danish_written_before=0,
            danish_oral_before=4,
            maths_before=2,
            danish_written_after=0,
            danish_oral_after=2,
            maths_after=12,
        )
        services.guidance_session_create(
            actor=actor, track=track, date=day, education_choice="EUD", note="n"
        )
        services.clarification_create(
            actor=actor,
            track=track,
            date=day,
            academic_gaps=True,
            language_gaps=True,
            text="t",
        )
        services.application_create(
            actor=actor,
            track=track,
            company=f"Firma {i}",
            applied_on=day,
            status="interview",
        )
        services.contact_create(
            actor=actor,
            track=track,
            date=day,
            school="TEC",
            risk="medium",
            note="",
        )
        services.enrolment_create(
            actor=actor,
            person=person,
            institution="TEC",
            programme=f"P{i}",
            start=day,
            end=day,
            end_reason="transferred",
        )


def test_the_page_shows_the_track_grades_and_the_02_rule(login, caseworker, sara):
    track = _track(caseworker, sara)
    _fill(caseworker, track, 1)
    html = login(caseworker).get(reverse("youth:person", args=[sara.pk])).content.decode()
    assert "Netto 0" in html and "Firma 0" in html and "P0" in html
    # Grades as the scale writes them; before: Danish 00 + 4 = 2.0 and maths 02 → met.
    assert "<td>00</td>" in html and "<td>02</td>" in html and "<td>12</td>" in html
    exam = track.exams.get()
    assert (
        rules.meets_eud_before(exam) is True and rules.meets_eud_after(exam) is False
    )  # Danish 00 + 02 = 1.0


def test_viewing_the_pages_is_audited(login, caseworker, sara):
    _track(caseworker, sara)
    client = login(caseworker)
    client.get(reverse("youth:person", args=[sara.pk]))
    client.get(reverse("youth:timeline", args=[sara.pk]))
    client.get(reverse("youth:follow_up", args=[sara.pk]))
    events = list(
        AuditEvent.objects.filter(person_id=sara.pk, action="view").values_list("event", "actor_id")
    )
    assert ("youth.person.viewed", caseworker.pk) in events
    assert ("youth.timeline.viewed", caseworker.pk) in events
    assert ("youth.follow_up.viewed", caseworker.pk) in events


def test_the_timeline_marks_start_end_and_end_plus_three_months(login, caseworker, sara):
    track = _track(caseworker, sara)
    services.exam_create(actor=caseworker, track=track, exam_date=D(2025, 10, 15))
    services.enrolment_create(
        actor=caseworker,
        person=sara,
        institution="TEC",
        programme="Elektriker",
        start=D(2026, 1, 5),
        end=None,
        end_reason="",
    )
    response = login(caseworker).get(reverse("youth:timeline", args=[sara.pk]))
    days = [ev.day for ev in response.context["events"]]
    assert days == sorted(days)
    assert D(2025, 6, 1) in days and D(2025, 10, 15) in days and D(2026, 1, 5) in days
    clocks = [(ev.day, ev.kind) for ev in response.context["events"] if ev.kind == "clock"]
    assert clocks == [
        (D(2025, 6, 1), "clock"),
        (D(2025, 11, 30), "clock"),
        (D(2026, 2, 28), "clock"),
    ]
    page = response.content.decode()
    assert 'datetime="2026-02-28"' in page
    # Issue 16 §4: the one short date format, no month names.
    assert ">28.02.2026</time>" in page and "februar 2026" not in page


def test_the_family_page_has_a_youth_section_for_each_child(login, caseworker, family, sara):
    _track(caseworker, sara)
    html = login(caseworker).get(reverse("families:detail", args=[family.pk])).content.decode()
    assert 'id="h-youth"' in html
    assert reverse("youth:person", args=[sara.pk]) in html
    ali = family.people.get(first_name="Ali")
    assert reverse("youth:track_create", args=[ali.pk]) in html


def test_recording_an_enrolment_and_a_contact_through_the_pages(
    login, retention_counsellor, caseworker, sara
):
    _track(caseworker, sara, retention_counsellor=retention_counsellor)
    client = login(retention_counsellor)
    response = client.post(
        reverse("youth:record_create", args=[sara.pk, "enrolment"]),
        {"institution": "TEC", "programme": "Elektriker", "start": "2026-01-05"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("youth:record_create", args=[sara.pk, "contact"]),
        {"date": "2026-01-12", "school": "TEC", "risk": "high", "note": "Mangler fremmøde"},
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(person=sara).programme == "Elektriker"
    assert RetentionContact.objects.get().recorded_by == retention_counsellor
    response = client.post(
        reverse("youth:follow_up", args=[sara.pk]), {"answer": "not_in_education", "note": ""}
    )
    assert response.status_code == 200  # the enrolment says otherwise: a note is needed
    response = client.post(reverse("youth:follow_up", args=[sara.pk]), {"answer": "in_education"})
    assert response.status_code == 302
    assert FollowUp.objects.get().derived_in_education is True


def test_a_person_without_a_track_is_offered_to_start_one(login, caseworker, sara):
    response = login(caseworker).get(reverse("youth:person", args=[sara.pk]))
    assert reverse("youth:track_create", args=[sara.pk]) in response.content.decode()
    assert login(caseworker).get(reverse("youth:track_edit", args=[sara.pk])).status_code == 404


def test_starting_a_track_through_the_page(login, caseworker, retention_counsellor, sara):
    response = login(caseworker).post(
        reverse("youth:track_create", args=[sara.pk]),
        {
            "education_effort": "on",
            "start": "2026-01-05",
            "retention_counsellor": retention_counsellor.pk,
        },
    )
    assert response.status_code == 302
    assert sara.youth_tracks.get().retention_counsellor == retention_counsellor
    assert sara.assignments.get().user == retention_counsellor


# --- Query counts do not grow with the data -----------------------------------------------------


def _count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url_name",
    ["youth:person", "youth:timeline", "youth:follow_up", "youth:track_edit", "families:detail"],
)
def test_query_counts_do_not_grow_with_the_data(
    login, caseworker, sara, url_name, django_assert_max_num_queries
):
    track = _track(caseworker, sara)
    _fill(caseworker, track, 1)
    client = login(caseworker)
    arg = sara.family_id if url_name == "families:detail" else sara.pk
    url = reverse(url_name, args=[arg])
    client.get(url)  # warm the session and permission caches
    small = _count_queries(client, url, django_assert_max_num_queries, 40)
    _fill(caseworker, track, 25)
    # More children and more families for the same caseworker, too.
    for _ in range(3):
        other = FamilyFactory()
        add_member(other, caseworker)
        _track(caseworker, child(family=other))
    for _ in range(3):
        child(family=sara.family)
    large = _count_queries(client, url, django_assert_max_num_queries, small)
    assert large <= small


def test_a_counsellor_who_hands_over_the_young_person_is_sent_home(
    login, caseworker, retention_counsellor, sara
):
    track = _track(caseworker, sara, retention_counsellor=retention_counsellor)
    response = login(retention_counsellor).post(
        reverse("youth:track_edit", args=[sara.pk]),
        {
            "education_effort": "on",
            "start": "2025-06-01",
            "actual_end": "2025-11-30",
            "version": track.version,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert (
        login(retention_counsellor).get(reverse("youth:person", args=[sara.pk])).status_code == 404
    )


def test_the_family_page_offers_a_youth_track_only_within_the_age_limits(login, caseworker, family):
    """No "Start youth track" for a 2-year-old or a 31-year-old: the same limits as the form
    (issue 16 §4)."""
    today = timezone.localdate()
    toddler = PersonFactory(
        family=family,
        role=PersonRole.CHILD,
        first_name="Zarghona",
        date_of_birth=today - relativedelta(years=2),
    )
    grown = PersonFactory(
        family=family,
        role=PersonRole.CHILD,
        first_name="Jawad",
        date_of_birth=today - relativedelta(years=31),
    )
    teenager = PersonFactory(
        family=family,
        role=PersonRole.CHILD,
        first_name="Nadia",
        date_of_birth=today - relativedelta(years=15),
    )
    html = login(caseworker).get(reverse("families:detail", args=[family.pk])).content.decode()
    assert reverse("youth:track_create", args=[teenager.pk]) in html
    assert reverse("youth:track_create", args=[toddler.pk]) not in html
    assert reverse("youth:track_create", args=[grown.pk]) not in html
    assert html.count("Ikke berettiget (alder).") == 2
