"""Employment pages: access, audit, bad input, conflicts, the timeline, companies."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from employment import services
from employment.models import (
    Company,
    EmploymentTrack,
    Internship,
    InternshipHours,
    JobInterview,
    MentorAssignment,
)
from families.models import PersonAssignment
from tests.employment_factories import (
    CompanyFactory,
    InternshipFactory,
    TrackFactory,
    hours,
    interview,
)
from tests.factories import PersonFactory, UserFactory, add_member

D = datetime.date
TODAY = datetime.date.today()
WEEK = datetime.timedelta(weeks=1)


@pytest.fixture
def parent(family):
    return family.people.get(first_name="Amina")


@pytest.fixture
def track(family, parent, company_consultant, employment_consultant):
    add_member(family, company_consultant, Role.COMPANY_CONSULTANT)
    add_member(family, employment_consultant, Role.EMPLOYMENT_CONSULTANT)
    return TrackFactory(
        person=parent,
        start=D(2026, 1, 5),
        company_consultant=company_consultant,
        employment_consultant=employment_consultant,
    )


def parent_url(person):
    return reverse("employment:parent", args=[person.pk])


# --- Access ------------------------------------------------------------------------------


def test_member_sees_the_parent_page_and_the_view_is_audited(track, caseworker, login):
    response = login(caseworker).get(parent_url(track.person))
    assert response.status_code == 200
    assert "Amina Hassan" in response.content.decode()
    assert (
        AuditEvent.objects.filter(
            event="employment.parent.viewed",
            person_id=track.person_id,
            actor=caseworker,
            action="view",
        ).count()
        == 1
    )


def test_job_mentor_sees_only_their_mentees(track, family, caseworker, job_mentor, login):
    omar = family.people.get(first_name="Omar")
    TrackFactory(person=omar)
    client = login(job_mentor)
    assert client.get(parent_url(track.person)).status_code == 404
    services.mentor_assign(
        actor=caseworker, track=track, mentor=job_mentor, start=TODAY - WEEK, end=TODAY + 8 * WEEK
    )
    assert PersonAssignment.objects.filter(
        user=job_mentor, person=track.person, role="job_mentor"
    ).exists()
    assert client.get(parent_url(track.person)).status_code in (200,)
    assert client.get(parent_url(omar)).status_code == 404
    # A mentor may add contacts but may not change the track.
    assert client.get(reverse("employment:track_edit", args=[track.person_id])).status_code == 403
    assert (
        client.get(reverse("employment:internship_create", args=[track.person_id])).status_code
        == 403
    )


def test_closing_a_mentor_period_ends_the_mentors_access(track, caseworker, job_mentor, login):
    assignment = services.mentor_assign(
        actor=caseworker,
        track=track,
        mentor=job_mentor,
        start=TODAY - 4 * WEEK,
        end=TODAY + 8 * WEEK,
    )
    assert login(job_mentor).get(parent_url(track.person)).status_code == 200
    services.mentor_close(actor=caseworker, assignment=assignment, on=TODAY - WEEK)
    assert login(job_mentor).get(parent_url(track.person)).status_code == 404


@pytest.mark.parametrize(
    "role_fixture", ["retention_counsellor", "manager", "budget_officer", "administrator"]
)
def test_other_roles_cannot_open_a_parents_employment_page(
    role_fixture, request, track, family, login
):
    user = request.getfixturevalue(role_fixture)
    if role_fixture == "retention_counsellor":
        add_member(family, user, Role.RETENTION_COUNSELLOR)  # even inside the network group
    client = login(user)
    assert client.get(parent_url(track.person)).status_code in (403, 404)
    assert client.get(parent_url(track.person)).status_code == 404
    assert client.get(reverse("employment:company_list")).status_code == 404


def test_retention_counsellor_does_not_get_the_family_panel(
    track, family, retention_counsellor, login
):
    add_member(family, retention_counsellor, Role.RETENTION_COUNSELLOR)
    body = (
        login(retention_counsellor)
        .get(reverse("families:detail", args=[family.pk]))
        .content.decode()
    )
    assert parent_url(track.person) not in body


def test_child_has_no_employment_page(family, caseworker, login):
    kid = family.people.get(first_name="Sara")
    assert login(caseworker).get(parent_url(kid)).status_code == 404


def test_non_member_gets_404_on_every_page(track, other_caseworker, login):
    client = login(other_caseworker)
    internship = InternshipFactory(track=track)
    for url in (
        parent_url(track.person),
        reverse("employment:track_edit", args=[track.person_id]),
        reverse("employment:internship_create", args=[track.person_id]),
        reverse("employment:internship_edit", args=[internship.pk]),
        reverse("employment:interview_create", args=[track.person_id]),
        reverse("employment:mentor_assign", args=[track.person_id]),
    ):
        assert client.get(url).status_code == 404, url


def test_family_page_shows_the_employment_panel(track, family, caseworker, login):
    InternshipFactory(
        track=track,
        start=TODAY - WEEK,
        planned_end=TODAY + WEEK,
        company=CompanyFactory(name="Kløver Køkken ApS"),
    )
    body = login(caseworker).get(reverse("families:detail", args=[family.pk])).content.decode()
    assert parent_url(track.person) in body
    assert "Kløver Køkken ApS" in body
    assert reverse("employment:track_edit", args=[family.people.get(first_name="Omar").pk]) in body


# --- Writes and bad input ------------------------------------------------------------------


def test_start_a_track_and_it_is_audited(family, caseworker, company_consultant, login):
    omar = family.people.get(first_name="Omar")
    response = login(caseworker).post(
        reverse("employment:track_edit", args=[omar.pk]),
        {
            "kind": "intensive",
            "start": "05-01-2026",
            "company_consultant": company_consultant.pk,
            "goal": "",
        },
    )
    assert response.status_code == 302
    assert EmploymentTrack.objects.get(person=omar).start == D(2026, 1, 5)
    assert AuditEvent.objects.filter(event="employment.track.created", person_id=omar.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "intensive", "start": "2026-13-45"}, "start"),
        ({"kind": "intensive", "start": "31/02/2026"}, "start"),
        ({"kind": "nonsense", "start": "05-01-2026"}, "kind"),
        ({"kind": "intensive", "start": ""}, "start"),
        ({"kind": "intensive", "start": "05-01-2030"}, "start"),
    ],
)
def test_track_form_bad_input_shows_errors(data, field, family, caseworker, login):
    omar = family.people.get(first_name="Omar")
    response = login(caseworker).post(reverse("employment:track_edit", args=[omar.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not EmploymentTrack.objects.filter(person=omar).exists()


def test_register_internship_with_a_new_company(track, company_consultant, login):
    response = login(company_consultant).post(
        reverse("employment:internship_create", args=[track.person_id]),
        {
            "new_company_name": "Kløver Køkken ApS",
            "new_company_cvr": "6494 2212",
            "new_company_industry": "Kitchen",
            "start": "2026-02-01",
            "planned_end": "2026-05-01",
            "hours": "12",
        },
    )
    assert response.status_code == 302
    internship = Internship.objects.get(track=track)
    assert internship.company.cvr == "64942212"
    assert internship.hours.get().hours == 12
    assert AuditEvent.objects.filter(event="employment.internship.created").exists()


def test_register_internship_reuses_a_company_by_cvr(track, company_consultant, login):
    company = CompanyFactory(cvr="64942212")
    login(company_consultant).post(
        reverse("employment:internship_create", args=[track.person_id]),
        {
            "new_company_name": "Same",
            "new_company_cvr": "64942212",
            "start": "2026-02-01",
            "planned_end": "2026-05-01",
        },
    )
    assert Internship.objects.get(track=track).company == company
    assert Company.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {
                "new_company_name": "X",
                "new_company_cvr": "1234",
                "start": "2026-02-01",
                "planned_end": "2026-05-01",
            },
            "new_company_cvr",
        ),
        (
            {
                "new_company_name": "X",
                "new_company_cvr": "64942213",
                "start": "2026-02-01",
                "planned_end": "2026-05-01",
            },
            "new_company_cvr",
        ),
        (
            {
                "new_company_name": "X",
                "new_company_cvr": "64942212",
                "start": "2026-05-01",
                "planned_end": "2026-02-01",
            },
            "planned_end",
        ),
        (
            {
                "new_company_name": "X",
                "new_company_cvr": "64942212",
                "start": "1. februar",
                "planned_end": "2026-05-01",
            },
            "start",
        ),
        (
            {
                "new_company_name": "X",
                "new_company_cvr": "64942212",
                "start": "2026-02-01",
                "planned_end": "2026-05-01",
                "hours": "-5",
            },
            "hours",
        ),
        (
            {
                "new_company_name": "X",
                "new_company_cvr": "64942212",
                "start": "2026-02-01",
                "planned_end": "2026-05-01",
                "hours": "many",
            },
            "hours",
        ),
        ({"start": "2026-02-01", "planned_end": "2026-05-01"}, "new_company_name"),
    ],
)
def test_internship_form_bad_input(data, field, track, company_consultant, login):
    response = login(company_consultant).post(
        reverse("employment:internship_create", args=[track.person_id]), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Internship.objects.exists()


def test_cvr_error_message_is_danish(track, company_consultant, login):
    response = login(company_consultant).post(
        reverse("employment:internship_create", args=[track.person_id]),
        {
            "new_company_name": "X",
            "new_company_cvr": "1234",
            "start": "2026-02-01",
            "planned_end": "2026-05-01",
        },
    )
    assert response.status_code == 200
    assert "8" in response.context["form"].errors["new_company_cvr"][0]


def test_internship_edit_requires_end_reason_and_refuses_end_before_start(
    track, company_consultant, login
):
    internship = InternshipFactory(track=track, start=D(2026, 2, 1), planned_end=D(2026, 5, 1))
    url = reverse("employment:internship_edit", args=[internship.pk])
    base = {
        "company": internship.company_id,
        "start": "2026-02-01",
        "planned_end": "2026-05-01",
        "status": "ongoing",
        "version": internship.version,
    }
    client = login(company_consultant)
    r = client.post(url, {**base, "actual_end": "2026-01-15", "end_reason": "other"})
    assert r.status_code == 200 and r.context["form"].errors["actual_end"]
    r = client.post(url, {**base, "actual_end": "2026-02-20"})
    assert r.status_code == 200 and r.context["form"].errors["end_reason"]
    r = client.post(url, {**base, "actual_end": "2026-02-20", "end_reason": "new_internship"})
    assert r.status_code == 302
    internship.refresh_from_db()
    assert internship.status == "ended" and internship.version == 2


def test_stale_internship_edit_is_refused_not_overwritten(track, company_consultant, login):
    internship = InternshipFactory(track=track, start=D(2026, 2, 1), planned_end=D(2026, 5, 1))
    url = reverse("employment:internship_edit", args=[internship.pk])
    base = {
        "company": internship.company_id,
        "start": "2026-02-01",
        "status": "ongoing",
        "version": 1,
    }
    client = login(company_consultant)
    assert client.post(url, {**base, "planned_end": "2026-06-01"}).status_code == 302
    response = client.post(url, {**base, "planned_end": "2026-07-01"})  # still version 1
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    internship.refresh_from_db()
    assert internship.planned_end == D(2026, 6, 1)


def test_stale_track_edit_is_refused(track, caseworker, login):
    url = reverse("employment:track_edit", args=[track.person_id])
    data = {"kind": "intensive", "start": "2026-01-05", "version": 1}
    client = login(caseworker)
    assert client.post(url, {**data, "goal": "Cook"}).status_code == 302
    response = client.post(url, {**data, "goal": "Cleaner"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    track.refresh_from_db()
    assert track.goal == "Cook"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"from_date": "2026-02-10", "hours": "-1"}, "hours"),
        ({"from_date": "2026-02-10", "hours": "120"}, "hours"),
        ({"from_date": "10/2", "hours": "10"}, "from_date"),
        ({"from_date": "2026-01-10", "hours": "10"}, "from_date"),  # before the internship
    ],
)
def test_hours_form_bad_input(data, field, track, company_consultant, login):
    internship = InternshipFactory(track=track, start=D(2026, 2, 1))
    response = login(company_consultant).post(
        reverse("employment:internship_hours", args=[internship.pk]), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not InternshipHours.objects.exists()


@pytest.mark.parametrize("typed", ["22,5", "22.5", " 22,5 "])
def test_hours_accept_a_danish_decimal_comma(typed, track, company_consultant, login):
    internship = InternshipFactory(track=track, start=D(2026, 2, 1))
    response = login(company_consultant).post(
        reverse("employment:internship_hours", args=[internship.pk]),
        {"from_date": "2026-02-10", "hours": typed},
    )
    assert response.status_code == 302
    assert InternshipHours.objects.get(internship=internship).hours == Decimal("22.5")


def test_hours_field_is_a_decimal_text_input(track, company_consultant, login):
    internship = InternshipFactory(track=track, start=D(2026, 2, 1))
    response = login(company_consultant).get(
        reverse("employment:internship_hours", args=[internship.pk])
    )
    assert 'inputmode="decimal"' in response.content.decode()


def test_mentor_can_add_hours_and_contacts(track, caseworker, job_mentor, login):
    internship = InternshipFactory(track=track, start=D(2026, 2, 1))
    assignment = services.mentor_assign(
        actor=caseworker, track=track, mentor=job_mentor, start=TODAY - WEEK, end=TODAY + 8 * WEEK
    )
    client = login(job_mentor)
    assert (
        client.post(
            reverse("employment:internship_hours", args=[internship.pk]),
            {"from_date": str(TODAY), "hours": "15"},
        ).status_code
        == 302
    )
    assert (
        client.post(
            reverse("employment:mentor_contact", args=[assignment.pk]),
            {"date": str(TODAY), "note": "Good week", "hours_per_week": "15"},
        ).status_code
        == 302
    )
    assert assignment.contacts.get().note == "Good week"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"held_date": "2099-01-01"}, "held_date"),
        ({"planned_date": "01.13.2026"}, "planned_date"),
        ({}, "planned_date"),
    ],
)
def test_interview_form_bad_input(data, field, track, employment_consultant, login):
    response = login(employment_consultant).post(
        reverse("employment:interview_create", args=[track.person_id]), data
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not JobInterview.objects.exists()


def test_interview_without_a_date_shows_one_plain_error(track, employment_consultant, login):
    response = login(employment_consultant).post(
        reverse("employment:interview_create", args=[track.person_id]), {}
    )
    errors = response.context["form"].errors
    assert errors == {"planned_date": [errors["planned_date"][0]]}
    assert "interview_has_a_date" not in response.content.decode()


def test_interview_held_defaults_to_the_actor(track, employment_consultant, login):
    response = login(employment_consultant).post(
        reverse("employment:interview_create", args=[track.person_id]),
        {"held_date": "2026-02-01", "outcome_note": "Wants kitchen work"},
    )
    assert response.status_code == 302
    assert JobInterview.objects.get().held_by == employment_consultant


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start": "2026-01-31", "end": "2026-08-01"}, "end"),  # beyond 6 months (31 July)
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end"),
        ({"start": "2026-03-01", "end": "2026-05-01", "target_hours": "-3"}, "target_hours"),
    ],
)
def test_mentor_form_bad_input(data, field, track, caseworker, job_mentor, login):
    response = login(caseworker).post(
        reverse("employment:mentor_assign", args=[track.person_id]),
        {"mentor": job_mentor.pk, **data},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not MentorAssignment.objects.exists()


def test_mentor_contact_bad_input(track, caseworker, job_mentor, login):
    assignment = services.mentor_assign(
        actor=caseworker, track=track, mentor=job_mentor, start=TODAY - WEEK, end=TODAY + 8 * WEEK
    )
    r = login(job_mentor).post(
        reverse("employment:mentor_contact", args=[assignment.pk]),
        {"date": "2099-01-01", "note": "", "hours_per_week": "-2"},
    )
    assert r.status_code == 200
    assert set(r.context["form"].errors) == {"date", "note", "hours_per_week"}


def test_course_and_outcome_bad_input(track, caseworker, login):
    client = login(caseworker)
    r = client.post(
        reverse("employment:course_create", args=[track.person_id]),
        {"kind": "language", "title": "Dansk 3", "start": "2026-03-01", "end": "2026-02-01"},
    )
    assert r.status_code == 200 and r.context["form"].errors["end"]
    r = client.post(
        reverse("employment:track_outcome", args=[track.person_id]),
        {"outcome": "ordinary_job", "outcome_hours": "-1", "version": track.version},
    )
    assert r.status_code == 200
    assert {"outcome_date", "outcome_employer", "outcome_hours"} <= set(r.context["form"].errors)
    r = client.post(
        reverse("employment:track_outcome", args=[track.person_id]),
        {"outcome": "left", "outcome_date": "2026-03-01", "version": track.version},
    )
    assert r.status_code == 200 and r.context["form"].errors["outcome_reason"]


def test_outcome_is_saved_and_audited(track, caseworker, login):
    r = login(caseworker).post(
        reverse("employment:track_outcome", args=[track.person_id]),
        {
            "outcome": "ordinary_job",
            "outcome_date": "2026-06-01",
            "outcome_hours": "30",
            "outcome_employer": "Kløver",
            "version": track.version,
        },
    )
    assert r.status_code == 302
    track.refresh_from_db()
    assert (track.outcome, track.outcome_hours) == ("ordinary_job", 30)
    assert AuditEvent.objects.filter(event="employment.track.outcome_set").exists()


def test_forms_never_500_on_garbage(track, caseworker, login):
    client = login(caseworker)
    garbage = {
        "kind": "x" * 500,
        "start": "\x00",
        "version": "abc",
        "hours": "1e999",
        "end": "-",
        "mentor": "999999",
        "company": "abc",
        "planned_end": "0000-00-00",
    }
    internship = InternshipFactory(track=track)
    for url in (
        reverse("employment:track_edit", args=[track.person_id]),
        reverse("employment:track_outcome", args=[track.person_id]),
        reverse("employment:internship_create", args=[track.person_id]),
        reverse("employment:internship_edit", args=[internship.pk]),
        reverse("employment:internship_hours", args=[internship.pk]),
        reverse("employment:interview_create", args=[track.person_id]),
        reverse("employment:mentor_assign", args=[track.person_id]),
        reverse("employment:course_create", args=[track.person_id]),
        reverse("employment:company_create"),
    ):
        assert client.post(url, garbage).status_code == 200, url


# --- Companies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cvr", ["1234567", "123456789", "64942213", "abcdefgh"])
def test_company_form_rejects_bad_cvr(cvr, caseworker, login):
    r = login(caseworker).post(reverse("employment:company_create"), {"name": "X", "cvr": cvr})
    assert r.status_code == 200 and r.context["form"].errors["cvr"]
    assert not Company.objects.exists()


def test_company_cvr_is_unique(caseworker, login):
    CompanyFactory(cvr="64942212")
    r = login(caseworker).post(
        reverse("employment:company_create"), {"name": "X", "cvr": "64942212"}
    )
    assert r.status_code == 200 and r.context["form"].errors["cvr"]


def test_company_detail_lists_only_visible_parents(track, company_consultant, login):
    company = CompanyFactory()
    InternshipFactory(track=track, company=company)
    hidden = TrackFactory(person=PersonFactory(first_name="Hemmelig", last_name="Person"))
    InternshipFactory(track=hidden, company=company)
    body = (
        login(company_consultant)
        .get(reverse("employment:company_detail", args=[company.pk]))
        .content.decode()
    )
    assert "Amina Hassan" in body
    assert "Hemmelig" not in body


def test_company_list_searches_and_paginates(caseworker, login):
    for n in range(30):
        CompanyFactory(name=f"Firma {n:02d}")
    client = login(caseworker)
    r = client.get(reverse("employment:company_list"))
    assert len(r.context["page"].object_list) == 25
    r = client.get(reverse("employment:company_list"), {"q": "Firma 07"})
    assert [c.name for c in r.context["page"].object_list] == ["Firma 07"]


def test_companies_nav_entry_for_caseworker_roles_only(
    caseworker, retention_counsellor, login, client
):
    assert (
        reverse("employment:company_list")
        in login(caseworker).get(reverse("home")).content.decode()
    )
    client.logout()
    assert (
        reverse("employment:company_list")
        not in login(retention_counsellor).get(reverse("home")).content.decode()
    )


# --- Timeline ------------------------------------------------------------------------------------


def test_timeline_marks_the_clocks_in_order(track, caseworker, login):
    InternshipFactory(track=track, start=D(2026, 2, 1), planned_end=D(2026, 3, 1))
    r = login(caseworker).get(parent_url(track.person))
    timeline = r.context["timeline"]
    dates = [e.date for e in timeline]
    assert dates == sorted(dates)
    clocks = {e.title: e.date for e in timeline if e.kind == "clock"}
    assert sorted(clocks.values()) == [D(2026, 2, 16), D(2026, 4, 6), D(2026, 7, 5)]


def test_upskilling_timeline_has_month_6_but_no_week_6(track, caseworker, login):
    track.kind = "upskilling"
    track.save()
    timeline = login(caseworker).get(parent_url(track.person)).context["timeline"]
    assert [e.date for e in timeline if e.kind == "clock"] == [D(2026, 7, 5)]


def _fill(track, n, actor):
    start = track.start
    for k in range(n):
        s = start + datetime.timedelta(days=10 * k)
        i = InternshipFactory(
            track=track,
            start=s,
            planned_end=s + datetime.timedelta(days=8),
            actual_end=s + datetime.timedelta(days=8),
            status="ended",
            end_reason="other",
        )
        hours(i, s, 10)
        interview(track, held=s, by=actor)
        services.course_save(
            actor=actor,
            track=track,
            kind="language",
            title=f"Dansk {k}",
            start=s,
        )
    a = services.mentor_assign(
        actor=actor,
        track=track,
        mentor=UserFactory(role=Role.JOB_MENTOR),
        start=start,
        end=start + datetime.timedelta(days=30 + n),
    )
    for k in range(n):
        services.mentor_contact_add(
            actor=actor, assignment=a, date=start + datetime.timedelta(days=k), note="x"
        )


def test_parent_timeline_query_count_does_not_grow(track, caseworker, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(caseworker)
    _fill(track, 1, caseworker)
    with CaptureQueriesContext(connection) as small:
        assert client.get(parent_url(track.person)).status_code == 200
    _fill(track, 15, caseworker)
    with CaptureQueriesContext(connection) as large:
        r = client.get(parent_url(track.person))
    assert len(r.context["timeline"]) > 60
    assert len(large) == len(small)
    assert len(large) <= 25


def test_family_page_query_count_does_not_grow_with_employment_data(
    track, family, caseworker, login, django_assert_max_num_queries
):
    client = login(caseworker)
    _fill(track, 10, caseworker)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("families:detail", args=[family.pk])).status_code == 200


def test_job_mentor_may_read_but_not_change_the_company_register(job_mentor, login):
    company = CompanyFactory()
    client = login(job_mentor)
    assert client.get(reverse("employment:company_list")).status_code == 200
    assert client.get(reverse("employment:company_detail", args=[company.pk])).status_code == 200
    assert client.get(reverse("employment:company_create")).status_code == 403
    assert (
        client.post(
            reverse("employment:company_edit", args=[company.pk]), {"name": "X"}
        ).status_code
        == 403
    )


# --- Permission matrix: URL × role × expected status (GET) -------------------------------------

MATRIX_URLS = {
    "parent": lambda t, i, m: reverse("employment:parent", args=[t.person_id]),
    "track_edit": lambda t, i, m: reverse("employment:track_edit", args=[t.person_id]),
    "internship_create": lambda t, i, m: reverse(
        "employment:internship_create", args=[t.person_id]
    ),
    "internship_edit": lambda t, i, m: reverse("employment:internship_edit", args=[i.pk]),
    "internship_hours": lambda t, i, m: reverse("employment:internship_hours", args=[i.pk]),
    "interview_create": lambda t, i, m: reverse("employment:interview_create", args=[t.person_id]),
    "mentor_contact": lambda t, i, m: reverse("employment:mentor_contact", args=[m.pk]),
    "company_list": lambda t, i, m: reverse("employment:company_list"),
}
# role fixture -> expected status per URL (members of the group, the assigned mentor, others)
MATRIX = {
    "caseworker": dict.fromkeys(MATRIX_URLS, 200),
    "company_consultant": dict.fromkeys(MATRIX_URLS, 200),
    "employment_consultant": dict.fromkeys(MATRIX_URLS, 200),
    "job_mentor": {
        "parent": 200,
        "track_edit": 403,
        "internship_create": 403,
        "internship_edit": 403,
        "internship_hours": 200,
        "interview_create": 403,
        "mentor_contact": 200,
        "company_list": 200,
    },
    "retention_counsellor": dict.fromkeys(MATRIX_URLS, 404),
    "other_caseworker": {**dict.fromkeys(MATRIX_URLS, 404), "company_list": 200},
    "manager": dict.fromkeys(MATRIX_URLS, 404),
    "administrator": dict.fromkeys(MATRIX_URLS, 404),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_permission_matrix(role, request, track, family, caseworker, job_mentor, login):
    user = request.getfixturevalue(role)
    if role == "retention_counsellor":
        add_member(family, user, Role.RETENTION_COUNSELLOR)
    internship = InternshipFactory(track=track, start=TODAY - WEEK)
    mentor = services.mentor_assign(
        actor=caseworker, track=track, mentor=job_mentor, start=TODAY - WEEK, end=TODAY + 8 * WEEK
    )
    client = login(user)
    got = {
        name: client.get(url(track, internship, mentor)).status_code
        for name, url in MATRIX_URLS.items()
    }
    assert got == MATRIX[role]


def test_the_track_and_the_family_page_show_the_interviews_of_the_first_six_months(
    track, family, employment_consultant, login
):
    interview(track, held=D(2026, 2, 10), by=employment_consultant)
    interview(track, held=D(2026, 3, 20), by=employment_consultant)
    interview(track, held=D(2026, 8, 1), by=employment_consultant)  # after month 6
    client = login(employment_consultant)
    page = client.get(parent_url(track.person)).content.decode()
    assert "2 af 4 samtaler i de første 6 måneder" in page
    assert 'aria-valuenow="2"' in page
    family_page = client.get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "2 af 4 samtaler i de første 6 måneder" in family_page
    for day in (D(2026, 4, 30), D(2026, 6, 1)):
        interview(track, held=day, by=employment_consultant)
    page = client.get(parent_url(track.person)).content.decode()
    assert "4 af 4 samtaler i de første 6 måneder" in page


def test_the_clocks_show_dates_in_the_one_short_format(track, caseworker, login):
    """Issue 16 §4: 27.07.2026, not "27. juli 2026", for the week 6, week 13 and month 6 clocks."""
    from employment import clocks

    page = login(caseworker).get(parent_url(track.person)).content.decode()
    for day in (
        clocks.internship_deadline(track.start),
        clocks.intensive_phase_end(track.start),
        clocks.six_month_mark(track.start),
    ):
        assert day.strftime("%d.%m.%Y") in page
    # The track's start in the heading, and a held interview, in the same format.
    assert "startet 05.01.2026" in page
    interview(track, held=D(2026, 2, 10), by=caseworker)
    page = login(caseworker).get(parent_url(track.person)).content.decode()
    assert "Afholdt 10.02.2026" in page
    assert not re.search(r"\d{1,2}\. (januar|februar|marts|april|juli) 2026", page)
