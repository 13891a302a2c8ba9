"""The network group page: membership changes, who may make them, and their effect on access."""

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from families.models import NetworkMember
from families.staffing.models import AccessGrant
from tests.factories import FamilyFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def _group_url(family):
    return reverse("networkgroup:group", args=[family.pk])


@pytest.fixture
def group(family, employment_consultant, company_consultant):
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    return family


def test_member_sees_the_group_page_with_members_and_roles(login, group, employment_consultant):
    response = login(employment_consultant).get(_group_url(group))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-member="caseworker"' in body
    assert 'data-member="employment_consultant"' in body
    assert "Tilføj medlem" not in body and "Add member" not in body  # not the coordinator
    assert AuditEvent.objects.filter(event="networkgroup.group.viewed", family_id=group.pk).exists()


@pytest.mark.parametrize(
    "who,status",
    [
        ("caseworker", 200),
        ("employment_consultant", 200),
        ("company_consultant", 404),  # not a member
        ("manager", 404),
        ("budget_officer", 404),
        ("administrator", 200),  # manages groups: case number and members only
    ],
)
def test_who_may_open_the_group_page(request, login, group, who, status):
    user = request.getfixturevalue(who)
    assert login(user).get(_group_url(group)).status_code == status


def test_coordinator_adds_a_member_who_then_sees_the_family(
    login, group, caseworker, company_consultant
):
    client = login(caseworker)
    response = client.post(
        _group_url(group),
        {"user": company_consultant.pk, "group_role": Role.COMPANY_CONSULTANT},
    )
    assert response.status_code == 302
    assert NetworkMember.objects.filter(family=group, user=company_consultant).exists()
    event = AuditEvent.objects.get(event="families.member.added")
    assert event.actor == caseworker and event.family_id == group.pk
    client.force_login(company_consultant)
    assert client.get(reverse("families:detail", args=[group.pk])).status_code == 200
    assert client.get(reverse("networkgroup:plan", args=[group.pk])).status_code == 200


def test_removed_member_gets_404_from_the_next_request(
    login, group, caseworker, employment_consultant
):
    from django.test import Client

    consultant = Client()
    consultant.force_login(employment_consultant)
    plan_url = reverse("networkgroup:plan", args=[group.pk])
    assert consultant.get(plan_url).status_code == 200
    member = NetworkMember.objects.get(family=group, user=employment_consultant)
    response = login(caseworker).post(
        reverse("networkgroup:group_member_remove", args=[group.pk, member.pk])
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event="families.member.removed", family_id=group.pk).exists()
    # Same session, very next request: gone.
    assert consultant.get(plan_url).status_code == 404
    assert consultant.get(reverse("families:detail", args=[group.pk])).status_code == 404
    assert consultant.get(_group_url(group)).status_code == 404


def test_a_member_who_is_not_coordinator_cannot_change_the_group(
    login, group, employment_consultant, company_consultant, caseworker
):
    client = login(employment_consultant)
    response = client.post(
        _group_url(group), {"user": company_consultant.pk, "group_role": Role.COMPANY_CONSULTANT}
    )
    assert response.status_code == 404
    coordinator = NetworkMember.objects.get(family=group, user=caseworker)
    assert (
        client.post(
            reverse("networkgroup:group_member_remove", args=[group.pk, coordinator.pk])
        ).status_code
        == 404
    )
    assert NetworkMember.objects.filter(family=group).count() == 2


def test_administrator_adds_and_removes_members_and_sets_the_coordinator(
    login, group, administrator, other_caseworker, employment_consultant
):
    client = login(administrator)
    response = client.post(
        _group_url(group),
        {"user": other_caseworker.pk, "group_role": Role.FAMILY_CASEWORKER, "is_coordinator": "on"},
    )
    assert response.status_code == 302
    # Four eyes: what one administrator grants, a second approves.
    assert not NetworkMember.objects.filter(family=group, user=other_caseworker).exists()
    second = UserFactory(username="admin2", role=Role.ADMIN)
    grant = AccessGrant.objects.get(family=group, user=other_caseworker)
    login(second).post(reverse("staffing:grant_decide", args=[grant.pk, "approve"]))
    client = login(administrator)
    new = NetworkMember.objects.get(family=group, user=other_caseworker)
    assert new.is_coordinator
    assert NetworkMember.objects.filter(family=group, is_coordinator=True).count() == 1
    consultant = NetworkMember.objects.get(family=group, user=employment_consultant)
    client.post(reverse("networkgroup:group_member_coordinator", args=[group.pk, consultant.pk]))
    consultant.refresh_from_db()
    assert consultant.is_coordinator
    client.post(reverse("networkgroup:group_member_remove", args=[group.pk, new.pk]))
    assert not NetworkMember.objects.filter(pk=new.pk).exists()
    events = set(AuditEvent.objects.filter(actor=administrator).values_list("event", flat=True))
    assert {
        "families.grant.requested",
        "families.member.coordinator_set",
        "families.member.removed",
    } <= events
    assert AuditEvent.objects.filter(event="families.member.added", actor__username="admin2")


def test_coordinator_cannot_remove_themselves_before_handing_over(login, group, caseworker):
    member = NetworkMember.objects.get(family=group, user=caseworker)
    login(caseworker).post(reverse("networkgroup:group_member_remove", args=[group.pk, member.pk]))
    assert NetworkMember.objects.filter(pk=member.pk).exists()


def test_add_member_offers_non_members_by_name_and_role(
    login, group, caseworker, employment_consultant, company_consultant
):
    # The picker's search (tests/lib/test_pickers.py) offers what the form accepts.
    url = reverse("networkgroup:member_candidates", args=[group.pk])
    body = login(caseworker).get(url).content.decode()
    assert (
        f'{company_consultant.get_full_name()} <span class="small text-muted">– Virksomhedskonsulent'
        in body
    )
    assert f'data-value="{company_consultant.pk}"' in body
    assert f'data-value="{employment_consultant.pk}"' not in body  # already a member
    assert f'data-value="{caseworker.pk}"' not in body


@pytest.mark.parametrize("actor", ["caseworker", "administrator"])
def test_adding_a_user_without_the_role_is_a_form_error_not_a_500(
    request, login, group, manager, actor
):
    response = login(request.getfixturevalue(actor)).post(
        _group_url(group), {"user": manager.pk, "group_role": Role.FAMILY_CASEWORKER}
    )
    assert response.status_code == 200
    assert not NetworkMember.objects.filter(family=group, user=manager).exists()


def test_family_page_links_to_the_group_page(login, group, caseworker):
    body = login(caseworker).get(reverse("families:detail", args=[group.pk])).content.decode()
    assert _group_url(group) in body


def test_group_page_of_another_family_is_404(login, caseworker):
    other = FamilyFactory()
    assert login(caseworker).get(_group_url(other)).status_code == 404


# --- The administrators' list of groups -------------------------------------------------


def _admin_list_url(**query):
    url = reverse("networkgroup:group_admin_list")
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else url


@pytest.mark.parametrize(
    "who,status",
    [("administrator", 200), ("caseworker", 403), ("manager", 403), ("budget_officer", 403)],
)
def test_only_administrators_open_the_list_of_groups(request, login, family, who, status):
    user = request.getfixturevalue(who)
    assert login(user).get(_admin_list_url()).status_code == status


def test_administrator_assigns_members_seeing_case_numbers_only(login, administrator, family):
    client = login(administrator)
    html = client.get(_admin_list_url()).content.decode()
    assert family.case_number in html
    assert "Hassan" not in html
    assert _group_url(family) in html
    assert "Hassan" not in client.get(_group_url(family)).content.decode()
    newcomer = UserFactory(username="newcomer", role=Role.COMPANY_CONSULTANT)
    response = client.post(
        _group_url(family), {"user": newcomer.pk, "group_role": Role.COMPANY_CONSULTANT}
    )
    assert response.status_code == 302
    # Takes effect when the family's coordinator (or a second administrator) approves it.
    grant = AccessGrant.objects.get(family=family, user=newcomer)
    assert not NetworkMember.objects.filter(family=family, user=newcomer).exists()
    coordinator = NetworkMember.objects.get(family=family, is_coordinator=True).user
    login(coordinator).post(reverse("staffing:grant_decide", args=[grant.pk, "approve"]))
    assert NetworkMember.objects.filter(family=family, user=newcomer).exists()


def test_list_of_groups_searches_by_case_number(login, administrator):
    wanted, other = FamilyFactory(case_number="BI18-7777"), FamilyFactory(case_number="BI18-8888")
    html = login(administrator).get(_admin_list_url(q="7777")).content.decode()
    assert wanted.case_number in html
    assert other.case_number not in html


def test_list_of_groups_is_paginated_in_a_fixed_number_of_queries(
    login, administrator, caseworker, django_assert_max_num_queries
):
    for family in FamilyFactory.create_batch(30):
        add_member(family, caseworker, coordinator=True)
    client = login(administrator)
    with django_assert_max_num_queries(8):
        first = client.get(_admin_list_url()).content.decode()
    second = client.get(_admin_list_url(page=2)).content.decode()
    assert (first.count("/gruppe/"), second.count("/gruppe/")) == (25, 5)


def test_the_family_pages_link_the_group_page_through_the_registry(
    login, group, caseworker, employment_consultant, administrator
):
    """families names no networkgroup URL: networkgroup registers the page (FamilyPage)."""
    link = f'href="{_group_url(group)}"'
    coordinator_page = login(caseworker).get(reverse("families:detail", args=[group.pk])).text
    assert link in coordinator_page and "Administrer medlemmer" in coordinator_page
    member_page = login(employment_consultant).get(reverse("families:detail", args=[group.pk]))
    assert link in member_page.text
    orphan = FamilyFactory()  # nobody assigned: on the administrator's list
    orphans = login(administrator).get(reverse("staffing:orphans")).text
    assert f'href="{_group_url(orphan)}"' in orphans


def test_group_page_reads_the_members_once_whatever_their_number(
    login, group, caseworker, django_assert_max_num_queries
):
    """The membership check and the member list share one read of the members."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(caseworker)
    client.get(_group_url(group))  # warm the session

    def member_reads():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(_group_url(group)).status_code == 200
        # Quoted by the ORM, plain in the scope's own SQL (families.scope).
        return len(ctx), sum(
            'FROM "families_networkmember"' in q["sql"] or "FROM families_networkmember" in q["sql"]
            for q in ctx
        )

    small, reads = member_reads()
    for _ in range(10):
        add_member(group, UserFactory(role=Role.EMPLOYMENT_CONSULTANT))
    assert member_reads() == (small, reads)
    assert reads == 2  # the user's scope (families.scope) and the page's members
    with django_assert_max_num_queries(small):
        client.get(_group_url(group))
