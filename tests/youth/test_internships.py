"""Company internships (virksomhedspraktik) for young people: recorded on the youth track by
the roles whose work it is, shown on the track and its timeline, audited, bad input refused."""

import datetime

import pytest
from django.urls import reverse

from bi18.audit.models import AuditEvent
from youth import services
from youth.models import CompanyInternship

D = datetime.date


@pytest.fixture
def sara(family):
    return family.people.get(first_name="Sara")


@pytest.fixture
def track(caseworker, sara, retention_counsellor):
    return services.track_create(
        actor=caseworker,
        person=sara,
        education_effort=True,
        leisure_job_effort=False,
        start=D(2025, 9, 1),
        planned_end=None,
        actual_end=None,
        retention_counsellor=retention_counsellor,
        guidance_counsellor=None,
    )


def create_url(person):
    return reverse("youth:record_create", args=[person.pk, "internship"])


GOOD = {
    "company": "Valby Autoværksted ApS",
    "cvr": "DK 6494 2212",
    "industry": "Auto og mekanik",
    "start": "06.10.2025",
    "planned_end": "31.10.2025",
    "hours_per_week": "22,5",
    "actual_end": "",
    "end_reason": "",
    "note": "Første praktik",
}


def test_a_caseworker_records_an_internship_shown_on_the_track_and_audited(
    login, caseworker, track, sara
):
    client = login(caseworker)
    response = client.post(create_url(sara), GOOD)
    assert response.status_code == 302, response.content.decode()[:2000]
    internship = CompanyInternship.objects.get(track=track)
    assert internship.cvr == "64942212"  # normalised
    assert internship.hours_per_week == pytest.approx(22.5)
    assert AuditEvent.objects.filter(
        event="youth.internship.created", person_id=sara.pk, actor=caseworker
    ).exists()
    page = client.get(reverse("youth:person", args=[sara.pk])).content.decode()
    assert "Valby Autoværksted ApS" in page and "Virksomhedspraktik" in page
    assert reverse("youth:record_edit", args=[sara.pk, "internship", internship.pk]) in page
    timeline = client.get(reverse("youth:timeline", args=[sara.pk]))
    labels = [(e.day, str(e.label)) for e in timeline.context["events"]]
    assert (D(2025, 10, 6), "Virksomhedspraktik starter") in labels


def test_ending_an_internship_records_how_it_ended(login, caseworker, track, sara):
    client = login(caseworker)
    client.post(create_url(sara), GOOD)
    internship = CompanyInternship.objects.get(track=track)
    url = reverse("youth:record_edit", args=[sara.pk, "internship", internship.pk])
    data = GOOD | {
        "actual_end": "31.10.2025",
        "end_reason": "apprenticeship",
        "version": internship.version,
    }
    assert client.post(url, data).status_code == 302
    internship.refresh_from_db()
    assert internship.actual_end == D(2025, 10, 31) and internship.end_reason == "apprenticeship"
    page = client.get(reverse("youth:person", args=[sara.pk])).content.decode()
    assert "Førte til en læreplads" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cvr": "12345678"}, "cvr"),  # check digit wrong
        ({"planned_end": "01.10.2025"}, "planned_end"),  # before the start
        ({"hours_per_week": "45"}, "hours_per_week"),
        ({"end_reason": "dropped_out"}, "actual_end"),  # a reason needs an end
        ({"company": ""}, "company"),
        ({"start": "31.02.2025"}, "start"),
    ],
)
def test_bad_input_is_refused_with_an_error_on_the_field_and_saves_nothing(
    login, caseworker, track, sara, changes, field
):
    response = login(caseworker).post(create_url(sara), GOOD | changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not CompanyInternship.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("caseworker", 200), ("retention_counsellor", 403), ("manager", 404)],
)
def test_internships_are_written_by_the_caseworker_and_the_uu_and_read_by_the_retention_counsellor(
    request, login, track, sara, who, expected
):
    client = login(request.getfixturevalue(who))
    assert client.get(create_url(sara)).status_code == expected
    if who == "retention_counsellor":
        page = client.get(reverse("youth:person", args=[sara.pk]))
        assert page.status_code == 200
        assert create_url(sara) not in page.content.decode()


def test_a_youth_guidance_counsellor_may_record_one(login, caseworker, track, sara):
    from bi18.accounts.roles import Role
    from tests.factories import UserFactory, add_member

    uu = UserFactory(username="uu-x", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(sara.family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    assert login(uu).post(create_url(sara), GOOD).status_code == 302
    assert CompanyInternship.objects.filter(track=track).count() == 1


def test_an_internship_of_another_young_person_cannot_be_edited_through_this_one(
    login, caseworker, track, sara, family
):
    ali = family.people.get(first_name="Ali")
    other = services.track_create(
        actor=caseworker,
        person=ali,
        education_effort=True,
        leisure_job_effort=False,
        start=D(2025, 9, 1),
        planned_end=None,
        actual_end=None,
        retention_counsellor=None,
        guidance_counsellor=None,
    )
    theirs = services.internship_create(
        actor=caseworker, track=other, company="Føtex", start=D(2025, 10, 1)
    )
    url = reverse("youth:record_edit", args=[sara.pk, "internship", theirs.pk])
    assert login(caseworker).get(url).status_code == 404
