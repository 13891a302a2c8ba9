"""Staffing (issue 9 §4–§5): a leaver's families are handed over before deactivation,
access an administrator grants needs a second person (four eyes), and the families
nobody looks after are listed (counts only for managers)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.models import GrantStatus, RoleGrant, Session, User
from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from employment.models import EmploymentTrack, MentorAssignment, TrackKind
from families.models import FamilyStatus, NetworkMember, PersonAssignment
from families.staffing.models import AccessGrant, GrantSource
from tests.factories import PASSWORD, FamilyFactory, PersonFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin2(db):
    return UserFactory(username="admin2", role=Role.ADMIN)


@pytest.fixture
def leaver(db):
    return UserFactory(
        username="leaver", first_name="Lea", last_name="Ver", role=Role.FAMILY_CASEWORKER
    )


@pytest.fixture
def families(leaver, other_caseworker):
    """Three open families: the leaver coordinates two (one with a colleague in it) and
    is a plain member of the third, which `other_caseworker` coordinates."""
    a, b, c = FamilyFactory(), FamilyFactory(), FamilyFactory()
    for fam in (a, b, c):
        PersonFactory(family=fam, first_name="Skjult", last_name="Borger")
    add_member(a, leaver, coordinator=True)
    add_member(b, leaver, coordinator=True)
    add_member(b, other_caseworker)
    add_member(c, other_caseworker, coordinator=True)
    add_member(c, leaver)
    return a, b, c


def _coordinator(family):
    return NetworkMember.objects.filter(family=family, is_coordinator=True).first()


def _handover(client, leaver, data):
    return client.post(reverse("staffing:handover", args=[leaver.pk]), data)


def _only(rows: dict, case_number: str, successor) -> dict:
    """Hand only `case_number` to `successor` (chosen for everything); the other rows later."""
    data = {name: "later" for number, name in rows.items() if number != case_number}
    return {**data, "default_successor": successor.pk}


def _rows(leaver) -> dict:
    """Form field names of the handover rows: {case number: field name}."""
    return {m.family.case_number: f"m{m.pk}" for m in NetworkMember.objects.filter(user=leaver)}


# --- Deactivation needs a handover ------------------------------------------------------


def test_a_user_with_families_cannot_be_deactivated(administrator, leaver, families):
    client = _client(administrator)
    confirm = client.get(reverse("accounts:user_deactivate", args=[leaver.pk]))
    assert "3 netværksgrupper (koordinator for 2)" in confirm.text
    assert reverse("staffing:handover", args=[leaver.pk]) in confirm.text
    assert 'action="/konto/administration/brugere' not in confirm.text  # no deactivate button

    response = client.post(reverse("accounts:user_deactivate", args=[leaver.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("staffing:handover", args=[leaver.pk])
    assert "Overdrag dem, før du deaktiverer" in response.text
    assert User.objects.get(pk=leaver.pk).is_active
    assert not AuditEvent.objects.filter(event="accounts.user.deactivated").exists()


def test_nor_through_the_edit_form(administrator, leaver, families):
    response = _client(administrator).post(
        reverse("accounts:user_edit", args=[leaver.pk]),
        {
            "first_name": leaver.first_name,
            "last_name": leaver.last_name,
            "email": leaver.email,
            "roles": [Role.FAMILY_CASEWORKER],
            "is_active": "",
        },
    )
    assert response.status_code == 200
    assert "Overdrag dem, før du deaktiverer" in response.text
    assert User.objects.get(pk=leaver.pk).is_active


def test_the_handover_page_lists_case_numbers_and_roles_never_names(
    administrator, leaver, families
):
    page = _client(administrator).get(reverse("staffing:handover", args=[leaver.pk])).text
    for family in families:
        assert family.case_number in page
    assert page.count("koordinator</span>") == 2
    assert "Skjult" not in page and "Borger" not in page


# --- Handover to a colleague already in the group: at once ----------------------------


def test_handover_to_a_member_takes_effect_at_once_and_deactivates(
    administrator, leaver, other_caseworker, families
):
    a, b, c = families
    theirs = Client()
    theirs.post(reverse("accounts:login"), {"username": "leaver", "password": PASSWORD})
    rows = _rows(leaver)
    response = _handover(
        _client(administrator),
        leaver,
        {
            # In b and c other_caseworker is in the group, so the rows offer them.
            rows[b.case_number]: other_caseworker.pk,
            rows[c.case_number]: other_caseworker.pk,
            # a: the colleague chosen for everything.
            "default_successor": other_caseworker.pk,
            "deactivate": "on",
        },
    )
    assert response.status_code == 302
    # b and c: other_caseworker was a member already, so no approval is needed.
    assert _coordinator(b).user == other_caseworker
    assert _coordinator(c).user == other_caseworker
    assert not NetworkMember.objects.filter(user=leaver, family__in=[b, c]).exists()
    # a: new access for other_caseworker, so it waits for a second person.
    grant = AccessGrant.objects.get(family=a)
    assert grant.status == GrantStatus.PENDING and grant.is_coordinator
    assert grant.source == GrantSource.HANDOVER and grant.replaces == leaver
    leaver.refresh_from_db()
    assert not leaver.is_active
    assert not Session.objects.filter(user_id=leaver.pk).exists()
    made = AuditEvent.objects.get(event="families.handover.made")
    assert made.detail["taken_over"] == 2 and made.detail["awaiting_approval"] == 1


# --- Handover to a newcomer: four eyes -------------------------------------------------


def test_handover_to_a_newcomer_waits_for_a_second_administrator(
    administrator, admin2, leaver, other_caseworker, families
):
    a, b, c = families
    successor = UserFactory(username="successor", role=Role.FAMILY_CASEWORKER)
    response = _handover(
        _client(administrator),
        leaver,
        {"default_successor": successor.pk, "deactivate": "on"},
    )
    assert response.status_code == 302
    assert AccessGrant.objects.pending().count() == 3
    # Until approved the newcomer sees nothing; the leaver, deactivated, neither.
    assert _client(successor).get(reverse("families:detail", args=[a.pk])).status_code == 404
    assert not User.objects.get(pk=leaver.pk).is_active

    orphans = _client(administrator).get(reverse("staffing:orphans")).text
    assert a.case_number in orphans and b.case_number in orphans
    assert c.case_number not in orphans  # other_caseworker still coordinates it

    # The administrator who asked cannot approve it.
    batch = AccessGrant.objects.first().batch
    _client(administrator).post(reverse("staffing:batch_approve", args=[batch]))
    assert AccessGrant.objects.pending().count() == 3
    page = _client(administrator).get(reverse("staffing:approvals")).text
    assert "Du har selv bedt om dette" in page

    response = _client(admin2).post(reverse("staffing:batch_approve", args=[batch]), follow=True)
    assert "3 anmodninger blev godkendt" in response.text
    assert AccessGrant.objects.filter(status=GrantStatus.APPROVED).count() == 3
    # Afterwards every family has an active coordinator and the leaver is in no group.
    for family in (a, b):
        assert _coordinator(family).user == successor
    assert _coordinator(c).user == other_caseworker
    assert not NetworkMember.objects.filter(user=leaver).exists()
    assert _client(successor).get(reverse("families:detail", args=[a.pk])).status_code == 200
    counts = _client(administrator).get(reverse("staffing:orphans")).context["counts"]
    assert counts == {"without_coordinator": 0, "without_member": 0, "awaiting_approval": 0}
    approved = AuditEvent.objects.filter(event="families.grant.approved", actor=admin2)
    assert approved.count() == 3


def test_the_familys_coordinator_may_approve_a_handover_into_their_group(
    administrator, leaver, other_caseworker, families
):
    a, b, c = families
    successor = UserFactory(username="successor", role=Role.FAMILY_CASEWORKER)
    rows = _rows(leaver)
    _handover(_client(administrator), leaver, _only(rows, c.case_number, successor))
    grant = AccessGrant.objects.get(family=c)
    page = _client(other_caseworker).get(reverse("networkgroup:group", args=[c.pk])).text
    assert reverse("staffing:grant_decide", args=[grant.pk, "approve"]) in page
    _client(other_caseworker).post(
        reverse("staffing:grant_decide", args=[grant.pk, "approve"]),
        {"next": reverse("networkgroup:group", args=[c.pk])},
    )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED and grant.decided_by == other_caseworker
    assert NetworkMember.objects.filter(family=c, user=successor, is_coordinator=False).exists()
    assert _coordinator(c).user == other_caseworker
    # A caseworker who coordinates neither family gets 404 for another family's grant.
    _handover(_client(administrator), leaver, _only(_rows(leaver), a.case_number, successor))
    other = AccessGrant.objects.pending().get(family=a)
    response = _client(other_caseworker).post(
        reverse("staffing:grant_decide", args=[other.pk, "approve"])
    )
    assert response.status_code == 404


def test_a_rejected_handover_leaves_the_family_listed_and_can_be_redone(
    administrator, admin2, leaver, families
):
    a, b, c = families
    successor = UserFactory(username="successor", role=Role.FAMILY_CASEWORKER)
    rows = _rows(leaver)
    _handover(_client(administrator), leaver, _only(rows, a.case_number, successor))
    grant = AccessGrant.objects.get()
    _client(admin2).post(reverse("staffing:grant_decide", args=[grant.pk, "reject"]))
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REJECTED
    assert not NetworkMember.objects.filter(user=successor).exists()
    page = _client(administrator).get(reverse("staffing:handover", args=[leaver.pk])).text
    assert f'name="{rows[a.case_number]}"' in page  # offered again


def test_a_job_mentors_assignment_follows_the_handover(administrator, admin2, family):
    mentor = UserFactory(username="mentor1", role=Role.JOB_MENTOR)
    successor = UserFactory(username="mentor2", role=Role.JOB_MENTOR)
    amina = family.people.get(first_name="Amina")
    today = timezone.localdate()
    track = EmploymentTrack.objects.create(
        person=amina, kind=TrackKind.INTENSIVE, start=today - datetime.timedelta(days=30)
    )
    access = PersonAssignment.objects.create(
        person=amina,
        user=mentor,
        role=Role.JOB_MENTOR,
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=100),
    )
    MentorAssignment.objects.create(
        track=track, mentor=mentor, start=access.start, end=access.end, access=access
    )
    response = _handover(
        _client(administrator), mentor, {"default_successor": successor.pk, "deactivate": "on"}
    )
    assert response.status_code == 302
    grant = AccessGrant.objects.get()
    assert grant.person == amina and grant.replaces_assignment == access
    assert _client(successor).get(reverse("families:detail", args=[family.pk])).status_code == 404
    _client(admin2).post(reverse("staffing:grant_decide", args=[grant.pk, "approve"]))
    new = PersonAssignment.objects.get(user=successor)
    assert (new.start, new.end) == (today, access.end)
    access.refresh_from_db()
    assert access.end == today - datetime.timedelta(days=1)
    assert MentorAssignment.objects.get().mentor == successor
    page = _client(successor).get(reverse("families:detail", args=[family.pk]))
    assert page.status_code == 200 and "Amina" in page.text and "Omar" not in page.text


@pytest.mark.parametrize(
    "data, message",
    [
        ({"deactivate": "on"}, "skal have en kollega"),
        ({"default_successor": "999999", "deactivate": "on"}, "Marker en gyldig valgmulighed"),
        ({"default_successor": "abc"}, "Marker en gyldig valgmulighed"),
        ({}, "Vælg mindst én kollega"),
    ],
)
def test_bad_handover_input_gives_a_danish_error_and_changes_nothing(
    administrator, leaver, families, data, message
):
    response = _handover(_client(administrator), leaver, data)
    assert response.status_code == 200
    assert message in response.text, response.text[response.text.find("<main") :][:3000]
    assert not AccessGrant.objects.exists()
    assert NetworkMember.objects.filter(user=leaver).count() == 3
    assert User.objects.get(pk=leaver.pk).is_active


@pytest.mark.parametrize("field", ["row", "default_successor"])
def test_the_leaver_cannot_be_chosen_as_their_own_successor(administrator, leaver, families, field):
    name = next(iter(_rows(leaver).values())) if field == "row" else field
    response = _handover(_client(administrator), leaver, {name: leaver.pk})
    assert response.status_code == 200 and "Marker en gyldig valgmulighed" in response.text
    assert not AccessGrant.objects.exists()


def test_a_row_offers_the_familys_other_members_not_every_caseworker(
    administrator, leaver, other_caseworker, families
):
    a, b, c = families
    UserFactory(username="bystander", first_name="Bystander", role=Role.FAMILY_CASEWORKER)
    page = _client(administrator).get(reverse("staffing:handover", args=[leaver.pk])).text
    rows = _rows(leaver)
    row_b = page[page.index(f'name="{rows[b.case_number]}"') :].split("</select>")[0]
    assert str(other_caseworker.get_full_name()) in row_b
    assert "Bystander" not in page  # the colleague for everything is found by typing
    row_a = page[page.index(f'name="{rows[a.case_number]}"') :].split("</select>")[0]
    assert str(other_caseworker.get_full_name()) not in row_a


def test_only_administrators_open_the_handover_page(caseworker, manager, leaver, families):
    for user in (caseworker, manager):
        response = _client(user).get(reverse("staffing:handover", args=[leaver.pk]))
        assert response.status_code == 403


# --- Four eyes: memberships an administrator grants -------------------------------------


def test_an_admin_created_membership_needs_a_second_person(
    administrator, admin2, other_caseworker, family
):
    group = reverse("networkgroup:group", args=[family.pk])
    response = _client(administrator).post(
        group, {"user": other_caseworker.pk, "group_role": Role.FAMILY_CASEWORKER}, follow=True
    )
    assert "får adgang, når en anden administrator" in response.text
    assert not NetworkMember.objects.filter(user=other_caseworker).exists()
    assert (
        _client(other_caseworker).get(reverse("families:detail", args=[family.pk])).status_code
        == 404
    )
    grant = AccessGrant.objects.get()
    # The same administrator cannot approve it, neither can the grantee.
    for who in (administrator, other_caseworker):
        _client(who).post(reverse("staffing:grant_decide", args=[grant.pk, "approve"]))
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING
    _client(admin2).post(reverse("staffing:grant_decide", args=[grant.pk, "approve"]))
    grant.refresh_from_db()
    assert grant.status == GrantStatus.APPROVED
    assert (
        _client(other_caseworker).get(reverse("families:detail", args=[family.pk])).status_code
        == 200
    )


def test_the_coordinator_adds_members_at_once(caseworker, other_caseworker, family):
    _client(caseworker).post(
        reverse("networkgroup:group", args=[family.pk]),
        {"user": other_caseworker.pk, "group_role": Role.FAMILY_CASEWORKER},
    )
    assert NetworkMember.objects.filter(user=other_caseworker, family=family).exists()
    assert not AccessGrant.objects.exists()


def test_the_coordinator_approves_an_administrators_grant(
    administrator, caseworker, other_caseworker, family
):
    _client(administrator).post(
        reverse("networkgroup:group", args=[family.pk]),
        {"user": other_caseworker.pk, "group_role": Role.FAMILY_CASEWORKER},
    )
    grant = AccessGrant.objects.get()
    _client(caseworker).post(reverse("staffing:grant_decide", args=[grant.pk, "approve"]))
    assert NetworkMember.objects.filter(user=other_caseworker, family=family).exists()


# --- Four eyes: an account's first case role, and the administrator role ----------------


def _create_user(client, username, roles):
    return client.post(
        reverse("accounts:user_create"),
        {
            "username": username,
            "first_name": "Ny",
            "last_name": "Medarbejder",
            "email": f"{username}@kk.example",
            "roles": roles,
            "password1": "Langt-Nyt-Kodeord-2026",
            "password2": "Langt-Nyt-Kodeord-2026",
        },
        follow=True,
    )


def test_an_accounts_first_case_role_takes_effect_after_a_second_administrator(
    administrator, admin2
):
    response = _create_user(_client(administrator), "newbie", [Role.FAMILY_CASEWORKER])
    assert "afventer" in response.text.lower() or "træder i kraft" in response.text
    newbie = User.objects.get(username="newbie")
    assert newbie.role_names == set()
    assert not newbie.has_perm("accounts.access_case_data")
    grant = RoleGrant.objects.get(user=newbie)
    _client(administrator).post(reverse("staffing:role_decide", args=[grant.pk, "approve"]))
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING
    _client(admin2).post(reverse("staffing:role_decide", args=[grant.pk, "approve"]))
    newbie = User.objects.get(username="newbie")
    assert newbie.role_names == {Role.FAMILY_CASEWORKER}
    # A further case role for an approved caseworker needs no second approval.
    _client(administrator).post(
        reverse("accounts:user_edit", args=[newbie.pk]),
        {
            "first_name": "Ny",
            "last_name": "Medarbejder",
            "email": "newbie@kk.example",
            "roles": [Role.FAMILY_CASEWORKER, Role.EMPLOYMENT_CONSULTANT],
            "is_active": "on",
        },
    )
    assert User.objects.get(pk=newbie.pk).role_names == {
        Role.FAMILY_CASEWORKER,
        Role.EMPLOYMENT_CONSULTANT,
    }
    assert RoleGrant.objects.count() == 1


def test_the_administrator_role_needs_a_second_administrator_too(administrator, admin2):
    _create_user(_client(administrator), "newadmin", [Role.ADMIN, Role.MANAGER])
    newadmin = User.objects.get(username="newadmin")
    assert newadmin.role_names == {Role.MANAGER}
    assert RoleGrant.objects.get(user=newadmin).role == Role.ADMIN


def test_saving_a_user_unchanged_keeps_a_pending_role(administrator):
    _create_user(_client(administrator), "newbie", [Role.FAMILY_CASEWORKER, Role.MANAGER])
    newbie = User.objects.get(username="newbie")
    page = _client(administrator).get(reverse("accounts:user_edit", args=[newbie.pk])).text
    assert "Afventer godkendelse" in page
    _client(administrator).post(
        reverse("accounts:user_edit", args=[newbie.pk]),
        {
            "first_name": "Ny",
            "last_name": "Medarbejder",
            "email": "newbie@kk.example",
            "roles": [Role.FAMILY_CASEWORKER, Role.MANAGER],
            "is_active": "on",
        },
    )
    assert RoleGrant.objects.get().status == GrantStatus.PENDING


# --- Managers see every grant, and the counts, never a case number ----------------------


def test_managers_see_every_grant_without_case_numbers(
    administrator, manager, other_caseworker, family
):
    _client(administrator).post(
        reverse("networkgroup:group", args=[family.pk]),
        {"user": other_caseworker.pk, "group_role": Role.FAMILY_CASEWORKER},
    )
    _create_user(_client(administrator), "newbie", [Role.FAMILY_CASEWORKER])
    page = _client(manager).get(reverse("staffing:grant_log")).text
    assert str(other_caseworker) in page and str(administrator) in page
    assert "Ny Medarbejder" in page
    assert family.case_number not in page
    assert "Afventer godkendelse" in page


def test_managers_get_counts_of_orphaned_families_only(manager, administrator, caseworker):
    nobody = FamilyFactory()  # e.g. imported, nobody assigned yet
    coordinated = FamilyFactory()
    add_member(coordinated, caseworker, coordinator=True)
    gone = FamilyFactory()
    former = UserFactory(username="former", role=Role.FAMILY_CASEWORKER, is_active=False)
    add_member(gone, former, coordinator=True)
    add_member(gone, caseworker)
    FamilyFactory(status=FamilyStatus.COMPLETED)  # closed: needs nobody
    response = _client(manager).get(reverse("staffing:orphans"))
    assert response.status_code == 200
    assert response.context["counts"] == {
        "without_coordinator": 2,
        "without_member": 1,
        "awaiting_approval": 0,
    }
    for fam in (nobody, coordinated, gone):
        assert fam.case_number not in response.text
    admin_page = _client(administrator).get(reverse("staffing:orphans")).text
    assert nobody.case_number in admin_page and gone.case_number in admin_page
    assert coordinated.case_number not in admin_page


def test_caseworkers_get_neither_list(caseworker):
    for name in ("staffing:orphans", "staffing:grant_log", "staffing:approvals"):
        assert _client(caseworker).get(reverse(name)).status_code == 403


def test_orphan_list_makes_a_fixed_number_of_queries(administrator, django_assert_max_num_queries):
    for _ in range(30):
        fam = FamilyFactory()
        add_member(fam, UserFactory(role=Role.FAMILY_CASEWORKER))
    client = _client(administrator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("staffing:orphans")).status_code == 200


def test_the_handover_page_makes_a_fixed_number_of_queries(administrator, leaver):
    def page_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("staffing:handover", args=[leaver.pk])).status_code == 200
        return len(ctx.captured_queries)

    client = _client(administrator)
    for _ in range(3):
        add_member(FamilyFactory(), leaver, coordinator=True)
    few = page_queries()
    for _ in range(20):
        add_member(FamilyFactory(), leaver, coordinator=True)
    assert page_queries() == few
