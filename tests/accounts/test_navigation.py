"""The main navigation is a registry the apps fill in their AppConfig.ready() (issue 10 §3);
each role sees the same links as before the registry."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from bi18 import navigation
from bi18.accounts.context_processors import navigation as navigation_context
from bi18.accounts.roles import Role
from tests.factories import UserFactory

# The links per role as the hand-written context processor drew them before the registry.
BEFORE: dict[str, list[str]] = {
    "family_caseworker": ["home", "families", "meetings", "companies"],
    "employment_consultant": ["home", "families", "meetings", "companies"],
    "company_consultant": ["home", "families", "meetings", "companies"],
    "job_mentor": ["home", "families", "meetings", "companies"],
    "retention_counsellor": ["home", "families", "meetings"],
    "youth_guidance_counsellor": ["home", "families", "meetings"],
    "manager": ["targets", "evaluation"],
    "budget_officer": ["targets"],
    "admin": ["admin"],
    "evaluator": ["evaluation"],
}


def _links(user) -> list[tuple[str, str, str]]:
    request = RequestFactory().get("/")
    request.user = user
    return [(key, str(label), url) for key, label, url in navigation_context(request)["nav_items"]]


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_the_same_navigation_as_before(db, role):
    user = UserFactory(username=f"nav-{role}", role=role)
    assert [key for key, _label, _url in _links(user)] == BEFORE[role]


def test_the_links_are_translated_and_resolve(db, client):
    user = UserFactory(username="nav-caseworker", role=Role.FAMILY_CASEWORKER)
    links = _links(user)
    assert ("families", "Familier", reverse("families:list")) in links
    client.force_login(user)
    page = client.get(reverse("families:list")).content.decode()
    for _key, label, url in links:
        assert f'href="{url}"' in page
        assert label in page


def test_a_taken_navigation_key_is_rejected():
    item = navigation.nav_items()[0]
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        navigation.register_nav_item(
            navigation.NavItem(
                key=item.key, label="x", url_name="home", order=1, visible=lambda u: True
            )
        )
    assert navigation.nav_items()[0] is item


# The administration page's cards, as the hand-written template showed them before the
# registry (only the administrator has any), and where "/" sent each role.
ADMIN_CARDS_BEFORE = [
    ("users", "accounts:user_list"),
    ("network_groups", "networkgroup:group_admin_list"),
    ("approvals", "staffing:approvals"),
    ("orphans", "staffing:orphans"),
    ("import", "families:import"),
    ("comparison_cohort", "evaluation:upload"),
    ("audit", "audit:search"),
    ("retention", "retention:review"),
    ("insight", "insight:start"),
]
LANDING_BEFORE = {
    "manager": "targets_home",
    "budget_officer": "targets_home",
    "admin": "accounts:admin_home",
    "evaluator": "evaluation:decision",
}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_the_same_administration_cards_as_before(db, role):
    user = UserFactory(username=f"cards-{role}", role=role)
    expected = ADMIN_CARDS_BEFORE if role == Role.ADMIN else []
    shown = [(card.key, card.url_name) for card, _url in navigation.admin_cards(user)]
    assert shown == expected


def test_the_administration_page_shows_the_registered_cards(db, login):
    admin = UserFactory(username="cards-admin", role=Role.ADMIN)
    page = login(admin).get(reverse("accounts:admin_home")).content.decode()
    positions = [page.index(f'href="{reverse(url)}"') for _key, url in ADMIN_CARDS_BEFORE]
    assert positions == sorted(positions)  # in the same order
    assert "Netværksgrupper" in page and "Sammenligningsgruppe" in page


@pytest.mark.parametrize("role", Role.values)
def test_each_role_lands_where_it_did_before(db, login, role):
    user = UserFactory(username=f"land-{role}", role=role)
    response = login(user).get(reverse("home"))
    if role in LANDING_BEFORE:
        assert response.status_code == 302
        assert response["Location"] == reverse(LANDING_BEFORE[role])
    else:  # case work: "Mit arbejde" itself
        assert response.status_code == 200 and "Mit arbejde" in response.content.decode()
