"""The views' one way to handle a refused save (bi18.lib.versioning.save_or_conflict),
seen through two pages that use it: nothing typed is lost, the other version is shown, the
message is in Danish, and saving again from the refreshed version succeeds."""

import pytest
from django.urls import reverse

from bi18.lib.versioning import update_if_version
from employment.models import EmploymentTrack
from families.models import Family
from tests.employment_factories import TrackFactory

pytestmark = pytest.mark.django_db


def _form_data(response) -> dict:
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or field.disabled:
            continue
        data[name] = value
    return data


def test_a_stale_family_save_keeps_the_input_shows_theirs_and_saves_on_the_second_try(
    login, caseworker, family
):
    client = login(caseworker)
    url = reverse("families:edit", args=[family.pk])
    data = _form_data(client.get(url))
    data["preferred_language"] = "tigrinya"
    # Someone else saves first.
    assert update_if_version(Family, pk=family.pk, version=family.version, notes="theirs")
    refused = client.post(url, data)
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "En anden har gemt denne familie, mens du redigerede" in page
    assert refused.context["current"].notes == "theirs"
    assert refused.context["form"]["preferred_language"].value() == "tigrinya"
    family.refresh_from_db()
    assert family.preferred_language != "tigrinya"
    # The form now carries the saved version: saving again is a deliberate choice.
    again = client.post(url, {**data, "version": refused.context["form"]["version"].value()})
    assert again.status_code == 302
    family.refresh_from_db()
    assert (family.preferred_language, family.version) == ("tigrinya", 3)


def test_the_employment_conflict_message_follows_the_users_language(login, caseworker, family):
    """It was translated once, at import time, so every user got the same language."""
    parent = family.people.filter(role="parent").first()
    track = TrackFactory(person=parent)
    client = login(caseworker)
    url = reverse("employment:track_edit", args=[parent.pk])
    data = _form_data(client.get(url))
    assert update_if_version(EmploymentTrack, pk=track.pk, version=track.version)
    refused = client.post(url, data)
    page = refused.content.decode()
    assert "En anden har gemt, mens du redigerede" in page
    assert "Someone else saved this" not in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.post(url, data).content.decode()
    assert "Someone else saved this while you were editing" in english
