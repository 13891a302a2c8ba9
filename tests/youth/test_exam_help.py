"""Exam preparation records the help given: subject, who gives it and hours per week
(issue 16 §4), typed with a decimal comma, shown on the young person's page, kept by
the migration that added it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from bi18.audit.models import AuditEvent
from youth import services
from youth.forms import ExamPreparationForm
from youth.models import ExamPreparation

pytestmark = pytest.mark.django_db

D = datetime.date

HELP = {"subject": "Dansk", "provider": "Lektiecafé Nørrebro"}


@pytest.fixture
def sara(family):
    return family.people.get(first_name="Sara")


@pytest.fixture
def track(caseworker, sara):
    return services.track_create(
        actor=caseworker, person=sara, education_effort=True, start=D(2025, 8, 1)
    )


@pytest.mark.parametrize(("typed", "hours"), [("3,5", "3.5"), ("3.5", "3.5"), (" 12 ", "12")])
def test_the_form_takes_hours_with_a_decimal_comma(typed, hours):
    form = ExamPreparationForm(data=HELP | {"hours_per_week": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hours_per_week"] == Decimal(hours)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("-1", "større end eller lig 0,5"),
        ("0", "større end eller lig 0,5"),
        ("41", "mindre end eller lig 40"),
        ("abc", "Angiv et tal, f.eks. 15 eller 22,5."),
        ("3,55", "1 decimal"),
    ],
)
def test_the_form_refuses_impossible_hours_in_danish(typed, error):
    form = ExamPreparationForm(data=HELP | {"hours_per_week": typed})
    assert not form.is_valid()
    assert error in " ".join(form.errors["hours_per_week"])


def test_the_help_alone_is_enough_but_an_empty_form_is_not():
    assert ExamPreparationForm(data={"provider": "Lektiecafé Nørrebro"}).is_valid()
    empty = ExamPreparationForm(data={})
    assert not empty.is_valid()
    assert "den hjælp, der gives" in " ".join(empty.non_field_errors())


def test_recording_the_help_shows_it_on_the_young_persons_page(login, caseworker, track):
    client = login(caseworker)
    person = track.person
    response = client.post(
        reverse("youth:record_create", args=[person.pk, "exam"]),
        HELP | {"hours_per_week": "3,5", "exam_date": "2026-06-10", "maths_before": "02"},
    )
    assert response.status_code == 302
    exam = ExamPreparation.objects.get()
    assert (exam.subject, exam.provider, exam.hours_per_week) == (
        "Dansk",
        "Lektiecafé Nørrebro",
        Decimal("3.5"),
    )
    assert exam.maths_before == 2
    page = client.get(reverse("youth:person", args=[person.pk])).content.decode()
    assert "Dansk · Lektiecafé Nørrebro · 3,5 t/uge" in page

    # The edit form shows the stored hours with a comma again, and a change is saved.
    url = reverse("youth:record_edit", args=[person.pk, "exam", exam.pk])
    assert 'value="3,5"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "subject": "Matematik",
            "provider": "Hanne Holm",
            "hours_per_week": "2",
            "exam_date": "2026-06-10",
            "maths_before": "02",
            "version": exam.version,
        },
    )
    assert response.status_code == 302
    exam.refresh_from_db()
    assert (exam.subject, exam.provider, exam.hours_per_week) == (
        "Matematik",
        "Hanne Holm",
        Decimal("2"),
    )
    changed = AuditEvent.objects.get(event="youth.exam.changed")
    assert set(changed.detail["fields"]) == {"subject", "provider", "hours_per_week"}
    page = client.get(reverse("youth:person", args=[person.pk])).content.decode()
    assert "Matematik · Hanne Holm · 2 t/uge" in page


def test_an_exam_without_help_shows_no_help_row(login, caseworker, track):
    services.exam_create(actor=caseworker, track=track, exam_date=D(2026, 6, 10), maths_before=2)
    page = login(caseworker).get(reverse("youth:person", args=[track.person_id]))
    assert "exam-help" not in page.content.decode()


def test_the_service_refuses_hours_out_of_range(caseworker, track):
    with pytest.raises(services.ServiceError):
        services.exam_create(actor=caseworker, track=track, hours_per_week=Decimal("-1"))
    assert not ExamPreparation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_every_exam_and_reverses(caseworker, sara):
    """0005 adds the help fields: existing rows get blank/NULL, nothing is lost either way."""
    executor = MigrationExecutor(connection)
    old = [("youth", "0004_several_tracks_per_young_person")]
    executor.migrate(old)
    old_apps = executor.loader.project_state(old).apps
    Track = old_apps.get_model("youth", "YouthTrack")
    Exam = old_apps.get_model("youth", "ExamPreparation")
    track = Track.objects.create(person_id=sara.pk, education_effort=True, start=D(2025, 8, 1))
    Exam.objects.create(track=track, exam_date=D(2026, 6, 10), maths_before=2)

    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("youth"))
    exam = ExamPreparation.objects.get()
    assert (exam.exam_date, exam.maths_before) == (D(2026, 6, 10), 2)
    assert (exam.subject, exam.provider, exam.hours_per_week) == ("", "", None)
    ExamPreparation.objects.filter(pk=exam.pk).update(hours_per_week=Decimal("3.5"))

    executor.loader.build_graph()
    executor.migrate(old)
    assert Exam.objects.get().maths_before == 2
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("youth"))
    assert ExamPreparation.objects.get().exam_date == D(2026, 6, 10)
