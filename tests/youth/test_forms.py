"""Bad input on every youth form: a clear error on the page, nothing saved, never a 500."""

import datetime

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from families.models import Person
from tests.factories import UserFactory, add_member, assign
from youth import services
from youth.forms import ExamPreparationForm, GradeField
from youth.models import (
    ApprenticeshipApplication,
    Clarification,
    Enrolment,
    ExamPreparation,
    FollowUp,
    GuidanceSession,
    LeisureJob,
    RetentionContact,
    YouthTrack,
)

D = datetime.date


@pytest.fixture
def sara(family):
    return family.people.get(first_name="Sara")


@pytest.fixture
def track(caseworker, sara):
    return services.track_create(
        actor=caseworker,
        person=sara,
        education_effort=True,
        leisure_job_effort=True,
        start=D(2025, 8, 1),
        planned_end=D(2025, 12, 31),
        actual_end=D(2025, 11, 30),
        retention_counsellor=None,
        guidance_counsellor=None,
    )


def _post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 200, (
        response.status_code
    )  # the form again, not a 500 or a redirect
    return response


def _errors(response) -> str:
    form = response.context["form"]
    assert form.errors, "expected errors"
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


# --- Grades in the form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "stored"), [("-3", -3), ("0", 0), ("00", 0), ("02", 2), ("2", 2), ("12", 12)]
)
def test_the_grade_field_accepts_the_scale(posted, stored):
    assert GradeField(label="x").clean(posted) == stored


@pytest.mark.django_db
@pytest.mark.parametrize("posted", ["3", "5", "1", "13", "abc", "2.0", "-2"])
def test_the_grade_field_rejects_everything_else(posted):
    form = ExamPreparationForm({"maths_after": posted})
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["maths_after"]] == ["invalid_grade"]
    assert "−3, 00, 02, 4, 7, 10, 12" in str(form.errors["maths_after"])  # says what is allowed


def test_an_empty_grade_is_allowed():
    assert GradeField(label="x").clean("") is None


# --- Every form with bad input ----------------------------------------------------------------

BAD_RECORDS = [
    ("exam", {"exam_date": "", "maths_after": ""}, ExamPreparation),  # nothing to record
    ("leisure_job", {"employer": "", "hours_per_week": "abc", "start": "31-02-2025"}, LeisureJob),
    (
        "leisure_job",
        {"employer": "Netto", "hours_per_week": "0", "start": "2025-09-01"},
        LeisureJob,
    ),
    (
        "leisure_job",
        {"employer": "Netto", "hours_per_week": "99", "start": "2025-09-01"},
        LeisureJob,
    ),
    (
        "leisure_job",
        {"employer": "Netto", "hours_per_week": "8", "start": "2025-09-01", "end": "2025-08-01"},
        LeisureJob,
    ),
    ("exam", {"exam_date": "not a date", "maths_before": "5"}, ExamPreparation),
    ("exam", {"danish_written_before": "3"}, ExamPreparation),
    ("guidance", {"date": "", "note": "x"}, GuidanceSession),
    ("clarification", {"date": "2025-09-01", "text": ""}, Clarification),
    (
        "application",
        {"company": "Bravida", "applied_on": "2025-09-01", "status": "hired"},
        ApprenticeshipApplication,
    ),
    ("contact", {"date": "2025-09-01", "school": "TEC", "risk": "extreme"}, RetentionContact),
    ("contact", {"date": "9999-99-99", "school": "", "risk": "low"}, RetentionContact),
    (
        "enrolment",
        {
            "institution": "TEC",
            "programme": "x",
            "start": "2025-09-01",
            "end": "2025-08-01",
            "end_reason": "completed",
        },
        Enrolment,
    ),
    (
        "enrolment",
        {"institution": "TEC", "programme": "x", "start": "2025-09-01", "end": "2025-10-01"},
        Enrolment,
    ),
    (
        "enrolment",
        {
            "institution": "TEC",
            "programme": "x",
            "start": "2025-09-01",
            "end_reason": "dropped_out",
        },
        Enrolment,
    ),
    (
        "enrolment",
        {
            "institution": "TEC",
            "programme": "x",
            "start": "2025-09-01",
            "end": "2025-10-01",
            "end_reason": "graduated",
        },
        Enrolment,
    ),
]


def _writer(kind, caseworker, track):
    """A user whose role writes this kind of record (youth.access): guidance sessions are
    the youth guidance counsellor's, retention contacts the retention counsellor's."""
    if kind == "guidance":
        uu = UserFactory(username="uu_writer", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
        add_member(track.person.family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
        return uu
    if kind == "contact":
        counsellor = UserFactory(username="retention_writer", role=Role.RETENTION_COUNSELLOR)
        assign(track.person, counsellor, role=Role.RETENTION_COUNSELLOR)
        return counsellor
    return caseworker


@pytest.mark.parametrize(("kind", "data", "model"), BAD_RECORDS)
def test_bad_input_on_a_record_form_shows_errors_and_saves_nothing(
    login, caseworker, track, kind, data, model
):
    url = reverse("youth:record_create", args=[track.person_id, kind])
    response = _post(login(_writer(kind, caseworker, track)), url, data)
    assert _errors(response)
    assert not model.objects.exists()
    # What was typed is kept.
    for value in data.values():
        if value and value.isalpha():
            assert value in response.content.decode()


def test_an_end_before_the_start_says_so(login, caseworker, track):
    url = reverse("youth:record_create", args=[track.person_id, "enrolment"])
    response = _post(
        login(caseworker),
        url,
        {
            "institution": "TEC",
            "programme": "x",
            "start": "2025-09-01",
            "end": "2025-08-01",
            "end_reason": "completed",
        },
    )
    assert "The end cannot be before the start." in _errors(response) or "før" in _errors(response)


TRACK_BAD = [
    {"start": ""},
    {"start": "2025-13-01", "education_effort": "on"},
    {"start": "2025-09-01"},  # no effort chosen
    {"start": "2025-09-01", "education_effort": "on", "planned_end": "2025-08-01"},
    {"start": "2025-09-01", "education_effort": "on", "actual_end": "2025-08-01"},
    {"start": "2025-09-01", "education_effort": "on", "retention_counsellor": "999999"},
    {"start": "2025-09-01", "education_effort": "on", "retention_counsellor": "abc"},
]


@pytest.mark.parametrize("data", TRACK_BAD)
def test_bad_input_on_the_track_form(login, caseworker, sara, data):
    response = _post(login(caseworker), reverse("youth:track_create", args=[sara.pk]), data)
    assert _errors(response) or response.context["form"].non_field_errors()
    assert not YouthTrack.objects.exists()


def test_the_age_limit_is_a_clear_error_on_the_start_field(login, caseworker, sara):
    Person.objects.filter(pk=sara.pk).update(date_of_birth=D(1995, 9, 1))
    response = _post(
        login(caseworker),
        reverse("youth:track_create", args=[sara.pk]),
        {"start": "2025-09-01", "education_effort": "on"},
    )
    errors = response.context["form"].errors["start"]
    assert "30" in str(errors)
    assert not YouthTrack.objects.exists()


def test_a_person_without_a_date_of_birth_gets_a_clear_error(login, caseworker, sara):
    Person.objects.filter(pk=sara.pk).update(date_of_birth=None)
    response = _post(
        login(caseworker),
        reverse("youth:track_create", args=[sara.pk]),
        {"start": "2025-09-01", "education_effort": "on"},
    )
    assert "date of birth" in str(
        response.context["form"].errors["start"]
    ).lower() or "fødsels" in str(response.context["form"].errors["start"])


def test_a_follow_up_contradicting_the_enrolments_needs_a_note(login, caseworker, track):
    url = reverse("youth:follow_up", args=[track.person_id])
    response = _post(login(caseworker), url, {"answer": "in_education", "note": ""})
    assert response.context["form"].errors["note"]
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("answer", ["", "maybe"])
def test_a_follow_up_without_a_valid_answer_is_refused(login, caseworker, track, answer):
    response = _post(
        login(caseworker), reverse("youth:follow_up", args=[track.person_id]), {"answer": answer}
    )
    assert response.context["form"].errors["answer"]
    assert not FollowUp.objects.exists()


def test_a_stale_edit_is_refused_and_the_typed_values_kept(login, caseworker, track):
    client = login(caseworker)
    url = reverse("youth:track_edit", args=[track.person_id])
    base = {
        "start": "2025-08-01",
        "education_effort": "on",
        "actual_end": "2025-11-30",
        "version": track.version,
    }
    assert client.post(url, base | {"planned_end": "2026-01-31"}).status_code == 302
    response = _post(client, url, base | {"planned_end": "2026-03-31"})
    assert response.context["form"].non_field_errors()
    assert response.context["current"].planned_end == D(2026, 1, 31)
    assert "2026-03-31" in response.content.decode()
    assert YouthTrack.objects.get().planned_end == D(2026, 1, 31)


def test_a_stale_record_edit_is_refused(login, caseworker, track):
    enrolment = services.enrolment_create(
        actor=caseworker,
        person=track.person,
        institution="TEC",
        programme="x",
        start=D(2025, 9, 1),
        end=None,
        end_reason="",
    )
    client = login(caseworker)
    url = reverse("youth:record_edit", args=[track.person_id, "enrolment", enrolment.pk])
    base = {
        "institution": "TEC",
        "programme": "x",
        "start": "2025-09-01",
        "version": enrolment.version,
    }
    assert client.post(url, base | {"programme": "Tømrer"}).status_code == 302
    response = _post(client, url, base | {"programme": "Murer"})
    assert response.context["form"].non_field_errors()
    assert Enrolment.objects.get().programme == "Tømrer"


def test_writes_are_post_only_and_a_get_to_a_form_writes_nothing(login, caseworker, track):
    client = login(_writer("contact", caseworker, track))
    response = client.get(
        reverse("youth:record_create", args=[track.person_id, "contact"])
        + "?date=2025-09-01&school=x&risk=low"
    )
    assert response.status_code == 200
    assert not RetentionContact.objects.exists()


def test_a_track_without_an_effort_gets_one_plain_error_not_the_constraint_name(
    login, caseworker, sara
):
    response = _post(
        login(caseworker), reverse("youth:track_create", args=[sara.pk]), {"start": "2025-09-01"}
    )
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["education_effort"]] == [None]
    assert "youthtrack_has_an_effort" not in response.content.decode()
    assert not YouthTrack.objects.exists()
