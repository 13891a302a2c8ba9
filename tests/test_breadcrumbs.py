"""Every page inside a family starts its breadcrumb at "Familier", then the case number
(issue 16 §4: breadcrumbs the same on every page)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from networkgroup import services

pytestmark = pytest.mark.django_db


def _crumbs(html: str) -> list[str]:
    trail = re.search(r'<ol class="breadcrumb[^"]*">(.*?)</ol>', html, re.S)
    assert trail, html
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", trail.group(1), re.S)
    ]


@pytest.mark.parametrize(
    "name",
    [
        "plan",
        "plan_history",
        "meeting_list",
        "meeting",
        "meeting_edit",
        "group",
        "parent",
        "family_edit",
        "person_create",
        "person_edit",
    ],
)
def test_family_pages_start_the_breadcrumb_at_the_family_list(login, caseworker, family, name):
    starts_at = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=3), datetime.time(10)
        )
    )
    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=starts_at,
            place="Nørrebro",
            attending_members=[caseworker],
            attending_people=[],
        ),
    )
    parent = family.people.get(first_name="Amina")
    url = {
        "plan": reverse("networkgroup:plan", args=[family.pk]),
        "plan_history": reverse("networkgroup:plan_history", args=[family.pk]),
        "meeting_list": reverse("networkgroup:meeting_list", args=[family.pk]),
        "meeting": reverse("networkgroup:meeting", args=[family.pk, meeting.pk]),
        "meeting_edit": reverse("networkgroup:meeting_edit", args=[family.pk, meeting.pk]),
        "group": reverse("networkgroup:group", args=[family.pk]),
        "parent": reverse("employment:parent", args=[parent.pk]),
        "family_edit": reverse("families:edit", args=[family.pk]),
        "person_create": reverse("families:person_create", args=[family.pk]),
        "person_edit": reverse("families:person_edit", args=[parent.pk]),
    }[name]
    response = login(caseworker).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert _crumbs(html)[:2] == ["Familier", family.case_number]
    assert (
        f'<li class="breadcrumb-item"><a href="{reverse("families:list")}">Familier</a></li>'
        in html
    )


def test_registering_a_family_has_the_family_list_as_its_breadcrumb(login, caseworker):
    html = login(caseworker).get(reverse("families:create")).content.decode()
    assert _crumbs(html) == ["Familier", "Registrer familie"]
