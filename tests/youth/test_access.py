"""Who sees a young person's youth track: URL × role × expected status.

A retention counsellor sees only the young people they follow (404 on everyone else, the
parents included); a manager, budget officer or administrator sees nothing (404).
"""

import datetime
import re

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from families.models import PersonRole
from tests.factories import UserFactory, add_member
from youth import services

D = datetime.date


@pytest.fixture
def setup(family, caseworker, retention_counsellor):
    sara = family.people.get(first_name="Sara")
    ali = family.people.get(first_name="Ali")
    track = services.track_create(
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
    services.track_create(
        actor=caseworker,
        person=ali,
        education_effort=True,
        leisure_job_effort=False,
        start=D(2025, 9, 1),
        planned_end=None,
        actual_end=D(2025, 12, 1),
        retention_counsellor=None,
        guidance_counsellor=None,
    )
    enrolment = services.enrolment_create(
        actor=caseworker,
        person=sara,
        institution="TEC",
        programme="Elektriker",
        start=D(2025, 9, 1),
        end=None,
        end_reason="",
    )
    parent = family.people.filter(role=PersonRole.PARENT).first()
    return {"sara": sara, "ali": ali, "parent": parent, "track": track, "enrolment": enrolment}


def _urls(person, enrolment=None):
    urls = [
        reverse("youth:person", args=[person.pk]),
        reverse("youth:timeline", args=[person.pk]),
        reverse("youth:track_edit", args=[person.pk]),
        reverse("youth:record_create", args=[person.pk, "application"]),
        reverse("youth:record_create", args=[person.pk, "enrolment"]),
    ]
    if enrolment is not None:
        urls.append(reverse("youth:record_edit", args=[person.pk, "enrolment", enrolment.pk]))
    return urls


@pytest.mark.parametrize("url_index", range(6))
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("caseworker", 200),
        ("retention_counsellor", 200),
        ("other_caseworker", 404),
        ("manager", 404),
        ("budget_officer", 404),
        ("administrator", 404),
    ],
)
def test_the_young_persons_pages_by_role(request, login, setup, who, expected, url_index):
    user = request.getfixturevalue(who)
    url = _urls(setup["sara"], setup["enrolment"])[url_index]
    assert login(user).get(url).status_code == expected


@pytest.mark.parametrize("url_index", range(5))
def test_a_retention_counsellor_gets_404_for_a_young_person_they_do_not_follow(
    login, setup, retention_counsellor, url_index
):
    assert login(retention_counsellor).get(_urls(setup["ali"])[url_index]).status_code == 404


def test_a_retention_counsellor_cannot_see_the_parents(login, setup, retention_counsellor):
    client = login(retention_counsellor)
    parent = setup["parent"]
    assert client.get(reverse("youth:person", args=[parent.pk])).status_code == 404
    # The family page shows only the young person they follow.
    page = client.get(reverse("families:detail", args=[parent.family_id])).content.decode()
    assert "Sara" in page
    assert "Amina" not in page and "Omar" not in page and "Ali" not in page


def test_a_parent_has_no_youth_page_even_for_a_member(login, setup, caseworker):
    assert (
        login(caseworker).get(reverse("youth:person", args=[setup["parent"].pk])).status_code == 404
    )


def test_a_retention_counsellor_cannot_post_to_another_young_person(
    login, setup, retention_counsellor
):
    url = reverse("youth:record_create", args=[setup["ali"].pk, "contact"])
    response = login(retention_counsellor).post(
        url, {"date": "2026-01-05", "school": "TEC", "risk": "low"}
    )
    assert response.status_code == 404
    assert not setup["ali"].youth_tracks.get().contacts.exists()


def test_an_enrolment_cannot_be_edited_through_another_young_persons_url(login, setup, caseworker):
    url = reverse("youth:record_edit", args=[setup["ali"].pk, "enrolment", setup["enrolment"].pk])
    assert login(caseworker).get(url).status_code == 404


def test_unknown_record_kinds_are_404(login, setup, caseworker):
    # reverse() refuses an unknown kind, so the addresses are written from a known one.
    known = reverse("youth:record_create", args=[setup["sara"].pk, "exam"])
    client = login(caseworker)
    assert client.get(known).status_code == 200
    slug = known.rstrip("/").split("/")[-2]
    assert client.get(known.replace(f"/{slug}/", "/nonsense/")).status_code == 404


def test_a_youth_guidance_counsellor_of_another_group_sees_nothing(login, setup):
    uu = UserFactory(username="uu_other", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    assert login(uu).get(reverse("youth:person", args=[setup["sara"].pk])).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, setup):
    response = client.get(reverse("youth:person", args=[setup["sara"].pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_every_youth_audit_event_has_a_label_for_the_audit_pages():
    import pathlib
    import re

    import youth
    from bi18.audit.labels import event_label
    from youth.views import RECORD_KINDS

    folder = pathlib.Path(youth.__file__).parent
    source = "".join(p.read_text() for p in folder.glob("*.py"))
    names = set(re.findall(r'event="(youth\.[a-z_]+\.[a-z_]+)"', source))
    names |= {f"youth.{kind}.viewed" for kind in RECORD_KINDS}
    assert len(names) > 20
    assert [n for n in sorted(names) if event_label(n) == n] == []


@pytest.mark.parametrize(
    ("who", "kind", "expected"),
    [
        ("caseworker", "contact", 403),  # retention contacts are the retention counsellor's
        ("retention_counsellor", "contact", 200),
        ("retention_counsellor", "leisure_job", 403),
        ("caseworker", "leisure_job", 200),
        ("retention_counsellor", "guidance", 403),  # guidance sessions are the UU's
        ("caseworker", "guidance", 403),
    ],
)
def test_each_record_kind_is_written_by_the_roles_whose_work_it_is(
    request, login, setup, who, kind, expected
):
    user = request.getfixturevalue(who)
    url = reverse("youth:record_create", args=[setup["sara"].pk, kind])
    assert login(user).get(url).status_code == expected
    assert login(user).post(url, {}).status_code == expected or expected == 200


def test_an_employment_consultant_in_the_group_does_not_see_the_youth_track(login, setup):
    consultant = UserFactory(username="ec", role=Role.EMPLOYMENT_CONSULTANT)
    add_member(setup["sara"].family, consultant, role=Role.EMPLOYMENT_CONSULTANT)
    client = login(consultant)
    assert client.get(reverse("youth:person", args=[setup["sara"].pk])).status_code == 404
    family_page = client.get(reverse("families:detail", args=[setup["sara"].family_id]))
    assert family_page.status_code == 200
    assert reverse("youth:person", args=[setup["sara"].pk]) not in family_page.content.decode()


@pytest.mark.parametrize("who", ["caseworker", "retention_counsellor", "uu"])
def test_the_young_persons_page_links_only_to_forms_the_user_may_use(login, setup, who, request):
    """Each role writes its own kinds of record (guidance: UU; contacts: retention counsellor):
    the page offers those forms and no form that would answer 403."""
    if who == "uu":
        user = UserFactory(username="uu_sara", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
        add_member(setup["sara"].family, user, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    else:
        user = request.getfixturevalue(who)
    client = login(user)
    html = client.get(reverse("youth:person", args=[setup["sara"].pk])).content.decode()
    prefix = reverse("youth:person", args=[setup["sara"].pk])
    forms = set(re.findall(rf'href="({re.escape(prefix)}[^"]*/(?:ny|rediger)/)"', html))
    assert forms, html
    for url in sorted(forms):
        assert client.get(url).status_code == 200, url
    offered = {kind for kind in ("guidance", "contact") if _create(setup, kind) in forms}
    assert (
        offered
        == {"caseworker": set(), "retention_counsellor": {"contact"}, "uu": {"guidance"}}[who]
    )


def _create(setup, kind):
    return reverse("youth:record_create", args=[setup["sara"].pk, kind])
