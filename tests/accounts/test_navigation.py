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
