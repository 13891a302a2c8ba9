"""The person form follows the work (issue 16 §4): CPR first, the role a family still lacks,
a warning (never a block) for an implausible age, and a message that names the person."""

from django.contrib.messages import get_messages
from django.urls import reverse

from families.forms import PersonForm
from families.models import Person, PersonRole
from tests.factories import FamilyFactory, PersonFactory, add_member


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_cpr_number_comes_first():
    assert list(PersonForm(roles=None).fields)[:2] == ["cpr", "role"]


def test_the_role_defaults_to_parent_until_the_family_has_two(login, caseworker):
    family = FamilyFactory()
    add_member(family, caseworker, coordinator=True)
    client = login(caseworker)
    url = reverse("families:person_create", args=[family.pk])
    assert client.get(url).context["form"].initial["role"] == PersonRole.PARENT
    PersonFactory(family=family)
    PersonFactory(family=family)
    assert client.get(url).context["form"].initial["role"] == PersonRole.CHILD


def test_an_old_parent_is_saved_with_a_warning_and_the_message_names_them(
    login, caseworker, family
):
    response = login(caseworker).post(
        reverse("families:person_create", args=[family.pk]),
        {
            "role": PersonRole.PARENT,
            "first_name": "Halima",
            "last_name": "Ali",
            "benefit_category": "activity_ready",
            "cpr": "010140-1234",  # born 1940
        },
    )
    assert response.status_code == 302
    assert Person.objects.filter(first_name="Halima").exists()
    texts = _messages(response)
    assert "Halima Ali blev tilføjet." in texts
    assert any("forælder på 86 år" in t for t in texts), texts


def test_a_grown_child_is_questioned_and_a_young_one_is_not(login, caseworker, family):
    client = login(caseworker)
    url = reverse("families:person_create", args=[family.pk])
    data = {"role": PersonRole.CHILD, "first_name": "Yusuf", "last_name": "Ali"}
    old = client.post(url, {**data, "cpr": "010190-1235"})
    assert any("barn på" in t for t in _messages(old))
    client.get(old.url)  # the messages are shown (and gone)
    young = client.post(url, {**data, "first_name": "Nur", "cpr": "010115-4321"})
    assert not any("barn på" in t for t in _messages(young))


def test_search_results_say_which_person_matched(login, caseworker, family):
    client = login(caseworker)
    response = client.post(reverse("families:search"), {"q": "Sara"}, follow=True)
    html = response.content.decode()
    assert family.case_number in html
    assert "Sara Hassan (barn / ung)" in html  # a child, not in the parents column
    by_cpr = client.post(reverse("families:search"), {"q": "120385-4012"}, follow=True)
    assert "Amina Hassan (forælder)" in by_cpr.content.decode()
    by_case = client.post(reverse("families:search"), {"q": family.case_number}, follow=True)
    assert "Fundet<" not in by_case.content.decode()
