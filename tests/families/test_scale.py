"""The family pages make a number of SQL queries that does not grow with the data (SPEC §8).

Each test measures a page on small data, grows the data (40 families the user is a member
of, a family with 12 children, families of other caseworkers), and measures again: the
large count must be within the same bound and not above the small one. The bounds are the
counts measured on small data; if a page legitimately needs one more query, raise its bound
here and say why in the commit.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from families.models import PersonRole
from tests.factories import FamilyFactory, PersonFactory, add_member, assign

pytestmark = pytest.mark.django_db

# Measured on small data (SQLite and PostgreSQL give the same counts). The detail page
# includes the panels the track apps register (plan, meetings, employment, youth), the
# journal (its person scope, latest notes, document count) and consent (its bases; the
# members are the page's own read, shared with the panels).
# The list: session, user, roles and permissions (one query), the user's scope (one query),
# count, families, their parents, one audit INSERT; plus one for the people a name or CPR
# search matched (shown on the results).
LIST_QUERIES = 9
DETAIL_QUERIES = 18

CPR = "120385-4012"


def _family(members, n_parents=2, n_children=0, **kwargs):
    family = FamilyFactory(**kwargs)
    for i in range(n_parents):
        PersonFactory(family=family, first_name=f"Forælder{i}", last_name="Hansen")
    for i in range(n_children):
        PersonFactory(
            family=family,
            role=PersonRole.CHILD,
            first_name=f"Barn{i}",
            last_name="Hansen",
            date_of_birth=datetime.date(2010, 1, 1 + i),
        )
    for user in members:
        add_member(family, user)
    return family


@pytest.fixture
def small(caseworker, other_caseworker):
    """3 families the caseworker is in (2 parents each; the first also a child, so that
    every panel of the detail page has something to show), one of another caseworker."""
    families = [
        _family([caseworker, other_caseworker], district="noerrebro", status="active")
        for _ in range(3)
    ]
    PersonFactory(
        family=families[0],
        role=PersonRole.CHILD,
        first_name="Søgbar",
        last_name="Person",
        cpr=CPR,
        date_of_birth=datetime.date(1985, 3, 12),
    )
    _family([other_caseworker])
    return families


def _grow(caseworker, other_caseworker, job_mentor, employment_consultant):
    """Up to 40 families for the caseworker, a family of 2 parents + 12 children, more members,
    assignments and other caseworkers' families that must stay invisible."""
    big = _family(
        [caseworker, other_caseworker, employment_consultant],
        n_children=12,
        district="noerrebro",
        status="active",
    )
    for person in [
        *big.people.filter(role=PersonRole.PARENT),
        *big.people.filter(role=PersonRole.CHILD)[:4],
    ]:
        assign(person, job_mentor)
    for i in range(36):
        _family(
            [caseworker, employment_consultant],
            district="noerrebro" if i % 2 else "valby",
            status="active",
        )
    for _ in range(30):
        _family([other_caseworker])
    return big


def _count(client, method, url, data=None, follow=False):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data, follow=follow) if data else client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx), response


def _list_scenarios(client):
    """Yield (name, query count, response) for the list page in each of its modes."""
    url = reverse("families:list")
    yield ("plain",) + _count(client, "get", url)
    yield ("page 2",) + _count(client, "get", url + "?page=2")
    yield ("filtered",) + _count(client, "get", url + "?district=noerrebro&status=active")
    # Search: POST → redirect with a token → GET; the GET is the page that must not grow.
    redirect = client.post(reverse("families:search") + "?district=noerrebro", {"q": "Hansen"})
    assert redirect.status_code == 302 and "Hansen" not in redirect["Location"]
    yield ("name search",) + _count(client, "get", redirect["Location"])
    redirect = client.post(reverse("families:search"), {"q": CPR})
    assert CPR not in redirect["Location"] and "1203854012" not in redirect["Location"]
    yield ("CPR search",) + _count(client, "get", redirect["Location"])


def test_family_list_queries_do_not_grow_with_families_or_people(
    client,
    caseworker,
    other_caseworker,
    job_mentor,
    employment_consultant,
    small,
    django_assert_max_num_queries,
):
    client.force_login(caseworker)
    client.get(reverse("families:list"))  # warm per-process caches (content types, …)
    small_counts = {name: n for name, n, _response in _list_scenarios(client)}
    assert max(small_counts.values()) <= LIST_QUERIES, small_counts
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(reverse("families:list"))

    _grow(caseworker, other_caseworker, job_mentor, employment_consultant)
    large = {}
    for name, n, response in _list_scenarios(client):
        large[name] = (n, response)
    for name, (n, _response) in large.items():
        assert n <= small_counts[name], (name, n, small_counts[name])
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(reverse("families:list"))

    # The large data really is large: 40 families, paginated by 25, none of another group's.
    plain = large["plain"][1]
    assert plain.context["page"].paginator.count == 40
    assert len(plain.context["page"].object_list) == 25
    assert len(large["page 2"][1].context["page"].object_list) == 15
    assert large["filtered"][1].context["page"].paginator.count == 22
    assert large["name search"][1].context["page"].paginator.count == 22
    assert large["CPR search"][1].context["page"].paginator.count == 1


def _detail_count(client, family):
    return _count(client, "get", reverse("families:detail", args=[family.pk]))


def test_family_detail_queries_do_not_grow_with_people_or_members(
    client,
    caseworker,
    other_caseworker,
    job_mentor,
    employment_consultant,
    small,
    django_assert_max_num_queries,
):
    client.force_login(caseworker)
    _detail_count(client, small[1])  # warm-up
    with django_assert_max_num_queries(DETAIL_QUERIES):
        small_count, _response = _detail_count(client, small[0])

    big = _grow(caseworker, other_caseworker, job_mentor, employment_consultant)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        large_count, response = _detail_count(client, big)
    assert large_count <= small_count
    assert len(response.context["children"]) == 12
    assert len(response.context["members"]) == 3


def test_family_detail_for_an_assigned_mentor_does_not_grow(
    client,
    caseworker,
    other_caseworker,
    job_mentor,
    employment_consultant,
    small,
    django_assert_max_num_queries,
):
    first = small[0]
    for person in first.people.all():
        assign(person, job_mentor)
    client.force_login(job_mentor)
    _detail_count(client, first)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        small_count, _response = _detail_count(client, first)

    big = _grow(caseworker, other_caseworker, job_mentor, employment_consultant)
    with django_assert_max_num_queries(DETAIL_QUERIES):
        large_count, response = _detail_count(client, big)
    assert large_count <= small_count
    assert len(response.context["parents"]) + len(response.context["children"]) == 6
    assert len(response.context["children"]) == 4
