"""Accounts and roles (issue 2, item 4): user administration, the role matrix,
sessions (SPEC §8) and the lock-out after failed log-ins.

Real log-ins go through the log-in page (`client.post(reverse("accounts:login"))`),
so django-axes sees the request exactly as in production.
"""

import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from bi18.accounts import services
from bi18.accounts.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from bi18.accounts.models import RoleGrant, Session, User
from bi18.accounts.roles import ROLE_PERMISSIONS, Role
from bi18.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "Ny-Staerk-Adgangskode-77"

ROLE_FIXTURES = [
    "caseworker",
    "employment_consultant",
    "company_consultant",
    "job_mentor",
    "retention_counsellor",
    "manager",
    "budget_officer",
]


def _da(message: str) -> str:
    with translation.override("da"):
        return gettext(message)


def _log_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _is_logged_in(client) -> bool:
    response = client.get(reverse("accounts:password_change"))
    return response.status_code == 200


def _events(event: str):
    return AuditEvent.objects.filter(event=event)


@pytest.fixture
def target(db):
    """A user for the administrator to work on."""
    return UserFactory(
        username="anna.jensen",
        first_name="Anna",
        last_name="Jensen",
        email="anna.jensen@kk.example",
        role=Role.FAMILY_CASEWORKER,
    )


@pytest.fixture
def admin_client(login, administrator):
    return login(administrator)


# --- The role matrix --------------------------------------------------------------------


def test_every_role_of_the_spec_is_a_group_with_exactly_the_permissions_of_roles_py(db):
    for role in Role:
        group = Group.objects.get(name=role.value)
        codenames = set(group.permissions.values_list("codename", flat=True))
        assert codenames == set(ROLE_PERMISSIONS[role]), role


def test_only_caseworker_roles_may_work_with_case_data(db):
    with_case_data = {r for r, perms in ROLE_PERMISSIONS.items() if "access_case_data" in perms}
    assert with_case_data == {
        Role.FAMILY_CASEWORKER,
        Role.EMPLOYMENT_CONSULTANT,
        Role.COMPANY_CONSULTANT,
        Role.JOB_MENTOR,
        Role.RETENTION_COUNSELLOR,
        Role.YOUTH_GUIDANCE_COUNSELLOR,
    }


def test_manager_sees_dashboards_and_budget_officer_the_budget_only(manager, budget_officer):
    assert manager.has_perm("accounts.view_dashboard")
    assert not manager.has_perm("accounts.manage_budget")
    assert budget_officer.has_perm("accounts.manage_budget")
    assert not budget_officer.has_perm("accounts.view_dashboard")


def test_administrator_manages_users_and_audit_log_but_not_case_data(administrator):
    assert administrator.has_perm("accounts.manage_users")
    assert administrator.has_perm("accounts.view_audit_log")
    assert not administrator.has_perm("accounts.access_case_data")
    assert not administrator.has_perm("accounts.view_dashboard")


# --- Permission matrix for user administration --------------------------------------------

USER_ADMIN_URLS = [
    ("accounts:admin_home", False),
    ("accounts:user_list", False),
    ("accounts:user_create", False),
    ("accounts:user_edit", True),
    ("accounts:user_deactivate", True),
    ("accounts:user_reactivate", True),
    ("accounts:user_unlock", True),
    ("accounts:user_set_password", True),
]


def _url(name, with_pk, target):
    return reverse(name, args=[target.pk]) if with_pk else reverse(name)


@pytest.mark.parametrize(("name", "with_pk"), USER_ADMIN_URLS)
@pytest.mark.parametrize(
    ("role_fixture", "expected"), [("administrator", 200)] + [(r, 403) for r in ROLE_FIXTURES]
)
def test_user_admin_page_status_by_role(
    request, client, target, name, with_pk, role_fixture, expected
):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(_url(name, with_pk, target)).status_code == expected


@pytest.mark.parametrize(("name", "with_pk"), USER_ADMIN_URLS)
def test_anonymous_user_is_sent_to_log_in_from_user_admin_pages(client, target, name, with_pk):
    url = _url(name, with_pk, target)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize(
    "name",
    [
        "accounts:user_edit",
        "accounts:user_deactivate",
        "accounts:user_unlock",
        "accounts:user_set_password",
    ],
)
@pytest.mark.parametrize("role_fixture", ROLE_FIXTURES)
def test_non_administrator_cannot_post_user_changes(request, client, target, name, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.post(
        reverse(name, args=[target.pk]),
        {
            "first_name": "X",
            "last_name": "Y",
            "email": "x@kk.example",
            "roles": [Role.ADMIN],
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.is_active and target.first_name == "Anna"
    assert target.check_password(PASSWORD)
    assert not target.groups.filter(name=Role.ADMIN).exists()
    assert not AuditEvent.objects.filter(event__startswith="accounts.user.").exclude(
        event__in=["accounts.user.logged_in", "accounts.user.logged_out"]
    )


def test_unknown_user_id_gives_404(admin_client):
    assert admin_client.get(reverse("accounts:user_edit", args=[999999])).status_code == 404


def test_administration_menu_shows_only_to_administrators(login, administrator, manager):
    admin_home = reverse("accounts:admin_home")
    assert admin_home in login(administrator).get(reverse("accounts:user_list")).content.decode()
    client = Client()
    client.force_login(manager)
    assert admin_home not in client.get(reverse("targets_home")).content.decode()


def test_admin_landing_page_links_to_user_administration(admin_client):
    page = admin_client.get(reverse("accounts:admin_home")).content.decode()
    assert reverse("accounts:user_list") in page
    assert reverse("audit:search") in page


# --- User list ----------------------------------------------------------------------------


def test_user_list_searches_name_username_and_email(admin_client, target):
    UserFactory(username="bo", first_name="Bo", last_name="Larsen", email="bo@kk.example")
    url = reverse("accounts:user_list")
    for q in ("Jensen", "anna jens", "anna.jensen", "anna.jensen@kk", "ANNA"):
        rows = admin_client.get(url, {"q": q}).context["rows"]
        assert [u.username for u, _roles, _locked in rows] == ["anna.jensen"], q
    assert admin_client.get(url, {"q": "nobody-at-all"}).context["rows"] == []


def test_user_list_filters_by_role(admin_client, target, manager):
    rows = admin_client.get(reverse("accounts:user_list"), {"role": Role.MANAGER}).context["rows"]
    assert [u.username for u, _r, _l in rows] == ["manager"]


def test_user_list_filters_by_active_and_inactive(admin_client, target, administrator):
    services.user_set_active(actor=administrator, user=target, is_active=False)
    url = reverse("accounts:user_list")
    inactive = admin_client.get(url, {"status": "inactive"}).context["rows"]
    active = admin_client.get(url, {"status": "active"}).context["rows"]
    assert [u.username for u, _r, _l in inactive] == ["anna.jensen"]
    assert "anna.jensen" not in [u.username for u, _r, _l in active]
    assert "administrator" in [u.username for u, _r, _l in active]


def test_user_list_shows_translated_role_labels(admin_client, target):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = admin_client.get(reverse("accounts:user_list"), {"q": "anna"}).content.decode()
    assert str(Role.FAMILY_CASEWORKER.label) in page
    assert "family_caseworker</td>" not in page


def test_user_list_paginates_and_keeps_filters_on_the_next_page(admin_client, db):
    for i in range(30):
        UserFactory(username=f"mentor{i:02d}", role=Role.JOB_MENTOR)
    response = admin_client.get(reverse("accounts:user_list"), {"role": Role.JOB_MENTOR})
    page = response.context["page"]
    assert page.paginator.count == 30
    assert len(response.context["rows"]) == 25
    assert "role=job_mentor&amp;page=2" in response.content.decode()
    second = admin_client.get(reverse("accounts:user_list"), {"role": Role.JOB_MENTOR, "page": 2})
    assert len(second.context["rows"]) == 5


def test_user_list_with_bad_filter_values_shows_the_list_not_an_error(admin_client, target):
    response = admin_client.get(
        reverse("accounts:user_list"), {"role": "emperor", "status": "zombie", "page": "x"}
    )
    assert response.status_code == 200
    assert response.context["filter_form"].errors


def test_user_list_shows_who_is_locked_out(admin_client, target, client):
    other = Client()
    for _ in range(3):
        _log_in(other, "anna.jensen", "wrong-password")
    rows = admin_client.get(reverse("accounts:user_list")).context["rows"]
    locked = {u.username for u, _roles, is_locked in rows if is_locked}
    assert locked == {"anna.jensen"}


def test_user_list_does_not_count_an_expired_lock_out(admin_client, target):
    other = Client()
    for _ in range(3):
        _log_in(other, "anna.jensen", "wrong-password")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    rows = admin_client.get(reverse("accounts:user_list")).context["rows"]
    assert not any(is_locked for _u, _r, is_locked in rows)


@pytest.mark.parametrize("n_users", [3, 40])
def test_user_list_query_count_does_not_grow_with_users(
    admin_client, n_users, django_assert_max_num_queries
):
    for i in range(n_users):
        UserFactory(username=f"u{i:03d}", role=Role.FAMILY_CASEWORKER)
        AccessAttempt.objects.create(
            username=f"u{i:03d}",
            ip_address="10.0.0.1",
            user_agent="x",
            failures_since_start=3,
            attempt_time=timezone.now(),
        )
    with django_assert_max_num_queries(10):
        response = admin_client.get(reverse("accounts:user_list"))
    assert response.status_code == 200


def test_user_edit_page_makes_a_fixed_number_of_queries(
    admin_client, target, django_assert_max_num_queries
):
    target.groups.add(*Group.objects.all())
    # 10, plus the two-factor devices (one table per kind), the single sign-on identity,
    # the roles awaiting approval and the handover check (families held).
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("accounts:user_edit", args=[target.pk]))
    assert response.status_code == 200


# --- Creating users -------------------------------------------------------------------------


def _create_data(**overrides):
    data = {
        "username": "peter.holm",
        "first_name": "Peter",
        "last_name": "Holm",
        "email": "peter.holm@kk.example",
        "roles": [Role.EMPLOYMENT_CONSULTANT, Role.COMPANY_CONSULTANT],
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def test_administrator_creates_a_user_with_roles_who_can_then_log_in(admin_client, administrator):
    response = admin_client.post(reverse("accounts:user_create"), _create_data())
    user = User.objects.get(username="peter.holm")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_edit", args=[user.pk])
    # An account's first case roles wait for a second administrator (four eyes).
    assert user.role_names == set()
    assert user.is_active and user.email == "peter.holm@kk.example"
    event = _events("accounts.user.created").get()
    assert event.actor == administrator
    assert event.action == "create"
    assert event.detail["user_id"] == user.pk
    assert event.detail["roles"] == []
    assert NEW_PASSWORD not in str(event.detail)
    requested = _events("accounts.role.requested")
    assert sorted(e.detail["role"] for e in requested) == [
        "company_consultant",
        "employment_consultant",
    ]
    second = UserFactory(username="admin2", role=Role.ADMIN)
    for grant in RoleGrant.objects.filter(user=user):
        services.role_grant_approve(actor=second, grant=grant)
    user = User.objects.get(pk=user.pk)
    assert user.role_names == {Role.EMPLOYMENT_CONSULTANT, Role.COMPANY_CONSULTANT}
    fresh = Client()
    assert _log_in(fresh, "peter.holm", NEW_PASSWORD).status_code == 302
    assert _is_logged_in(fresh)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"username": "anna.jensen"}, "username", "A user with that username already exists."),
        ({"username": "Anna.Jensen"}, "username", "A user with that username already exists."),
        ({"username": "bad name!"}, "username", None),
        ({"password1": "kort", "password2": "kort"}, "password2", None),
        (
            {"password1": "password1234", "password2": "password1234"},
            "password2",
            "This password is too common.",
        ),
        ({"password1": "482915736401", "password2": "482915736401"}, "password2", None),
        (
            {"password1": "peter.holm.kk", "password2": "peter.holm.kk"},
            "password2",
            None,  # too similar to the user name
        ),
        (
            {"password2": "Noget-Helt-Andet-99"},
            "password2",
            "The two password fields didn’t match.",
        ),
        ({"roles": []}, "roles", "Choose at least one role."),
        ({"roles": ["emperor"]}, "roles", None),
        ({"email": ""}, "email", "This field is required."),
        ({"email": "not-an-email"}, "email", None),
        ({"email": "ANNA.JENSEN@kk.example"}, "email", None),  # another user's address
        ({"first_name": ""}, "first_name", "This field is required."),
    ],
)
def test_create_user_with_bad_input_shows_a_clear_error_and_keeps_what_was_typed(
    admin_client, target, overrides, field, message
):
    before = User.objects.count()
    response = admin_client.post(reverse("accounts:user_create"), _create_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    if message:
        assert _da(message) in form.errors[field]
    assert User.objects.count() == before
    assert not _events("accounts.user.created").exists()
    page = response.content.decode()
    assert 'value="Holm"' in page or overrides.get("last_name") == ""
    assert NEW_PASSWORD not in page  # passwords are never echoed back


def test_create_user_page_shows_role_checkboxes(admin_client):
    page = admin_client.get(reverse("accounts:user_create")).content.decode()
    for role in Role:
        assert f'value="{role.value}"' in page
    assert len(re.findall(r'<input type="checkbox"[^>]*name="roles"', page)) == len(Role)


# --- Editing users --------------------------------------------------------------------------


def _edit_data(user, **overrides):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "roles": sorted(user.role_names),
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_administrator_edits_names_email_and_roles(admin_client, administrator, target):
    response = admin_client.post(
        reverse("accounts:user_edit", args=[target.pk]),
        _edit_data(
            target,
            last_name="Jensen-Holm",
            email="anna.jh@kk.example",
            roles=[Role.EMPLOYMENT_CONSULTANT, Role.JOB_MENTOR],
        ),
    )
    assert response.status_code == 302
    target = User.objects.get(pk=target.pk)
    assert target.last_name == "Jensen-Holm" and target.email == "anna.jh@kk.example"
    assert target.role_names == {Role.EMPLOYMENT_CONSULTANT, Role.JOB_MENTOR}
    event = _events("accounts.user.changed").get()
    assert event.actor == administrator
    assert event.detail["fields"] == ["last_name", "email", "roles"]
    assert event.detail["roles_added"] == ["employment_consultant", "job_mentor"]
    assert event.detail["roles_removed"] == ["family_caseworker"]
    assert "Jensen-Holm" not in str(event.detail)  # field names, not values


def test_saving_an_unchanged_user_writes_no_audit_row(admin_client, target):
    response = admin_client.post(
        reverse("accounts:user_edit", args=[target.pk]), _edit_data(target)
    )
    assert response.status_code == 302
    assert not _events("accounts.user.changed").exists()


def test_edit_page_shows_current_values_and_roles_checked(admin_client, target):
    page = admin_client.get(reverse("accounts:user_edit", args=[target.pk])).content.decode()
    assert 'value="anna.jensen@kk.example"' in page
    checked = re.findall(r'name="roles" value="(\w+)"[^>]*checked', page)
    assert checked == ["family_caseworker"]


def test_deactivating_through_the_edit_form_is_logged_as_deactivated(admin_client, target):
    admin_client.post(
        reverse("accounts:user_edit", args=[target.pk]), _edit_data(target, is_active="")
    )
    target.refresh_from_db()
    assert not target.is_active
    assert _events("accounts.user.deactivated").count() == 1
    assert not _events("accounts.user.changed").exists()


def test_edit_with_no_role_or_bad_email_shows_errors(admin_client, target):
    response = admin_client.post(
        reverse("accounts:user_edit", args=[target.pk]),
        _edit_data(target, roles=[], email="nope"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert _da("Choose at least one role.") in errors["roles"]
    assert "email" in errors
    assert User.objects.get(pk=target.pk).role_names == {Role.FAMILY_CASEWORKER}


def test_edit_refuses_another_users_email_but_keeps_ones_own(admin_client, administrator, target):
    url = reverse("accounts:user_edit", args=[target.pk])
    response = admin_client.post(url, _edit_data(target, email=administrator.email.upper()))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["email"]] == ["email_taken"]
    assert User.objects.get(pk=target.pk).email == "anna.jensen@kk.example"
    assert admin_client.post(url, _edit_data(target, last_name="Holm")).status_code == 302


def test_administrator_cannot_remove_their_own_admin_role(admin_client, administrator):
    response = admin_client.post(
        reverse("accounts:user_edit", args=[administrator.pk]),
        _edit_data(administrator, roles=[Role.MANAGER]),
    )
    assert response.status_code == 200
    assert (
        _da("You cannot remove the administrator role from yourself. Ask another administrator.")
        in response.content.decode()
    )
    assert User.objects.get(pk=administrator.pk).role_names == {Role.ADMIN}
    assert not _events("accounts.user.changed").exists()


def test_administrator_may_add_a_role_to_themselves(admin_client, administrator):
    admin_client.post(
        reverse("accounts:user_edit", args=[administrator.pk]),
        _edit_data(administrator, roles=[Role.ADMIN, Role.MANAGER]),
    )
    assert User.objects.get(pk=administrator.pk).role_names == {Role.ADMIN, Role.MANAGER}


def test_administrator_cannot_deactivate_themselves_through_the_edit_form(
    admin_client, administrator
):
    response = admin_client.post(
        reverse("accounts:user_edit", args=[administrator.pk]),
        _edit_data(administrator, is_active=""),
    )
    assert response.status_code == 200
    assert _da("You cannot deactivate your own account.") in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active


def test_another_administrator_can_take_the_admin_role(admin_client, db):
    colleague = UserFactory(username="admin2", role=Role.ADMIN)
    admin_client.post(
        reverse("accounts:user_edit", args=[colleague.pk]),
        _edit_data(colleague, roles=[Role.MANAGER]),
    )
    assert User.objects.get(pk=colleague.pk).role_names == {Role.MANAGER}


# --- Deactivating and reactivating ------------------------------------------------------------


def test_deactivation_asks_for_confirmation_first(admin_client, target):
    response = admin_client.get(reverse("accounts:user_deactivate", args=[target.pk]))
    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    target.refresh_from_db()
    assert target.is_active


def test_deactivated_user_cannot_log_in_and_open_session_ends(admin_client, administrator, target):
    theirs = Client()
    assert _log_in(theirs, "anna.jensen").status_code == 302
    response = admin_client.post(reverse("accounts:user_deactivate", args=[target.pk]))
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    event = _events("accounts.user.deactivated").get()
    assert event.actor == administrator and event.detail["user_id"] == target.pk
    assert not _is_logged_in(theirs)
    again = _log_in(Client(), "anna.jensen")
    assert again.status_code == 200
    assert again.context["form"].errors  # the same message as a wrong password


def test_deactivated_user_is_kept_and_can_be_reactivated(admin_client, target):
    admin_client.post(reverse("accounts:user_deactivate", args=[target.pk]))
    assert (
        admin_client.get(reverse("accounts:user_reactivate", args=[target.pk])).status_code == 200
    )
    admin_client.post(reverse("accounts:user_reactivate", args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active
    assert _events("accounts.user.reactivated").count() == 1
    assert _log_in(Client(), "anna.jensen").status_code == 302


@pytest.mark.parametrize("how", ["deactivate_page", "edit_form"])
def test_a_reactivated_users_old_cookie_is_refused(admin_client, administrator, target, how):
    theirs, bystander = Client(), Client()
    assert _log_in(theirs, "anna.jensen").status_code == 302
    assert _log_in(bystander, "administrator").status_code == 302
    old_cookie = theirs.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=old_cookie).user_id == target.pk
    if how == "deactivate_page":
        admin_client.post(reverse("accounts:user_deactivate", args=[target.pk]))
    else:
        admin_client.post(
            reverse("accounts:user_edit", args=[target.pk]), _edit_data(target, is_active="")
        )
    assert not Session.objects.filter(user_id=target.pk).exists()
    assert _events("accounts.user.deactivated").get().detail["sessions_ended"] == 1
    admin_client.post(reverse("accounts:user_reactivate", args=[target.pk]))
    assert User.objects.get(pk=target.pk).is_active
    # The old cookie (say, on a shared PC or stolen) does not come back to life.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    assert not _is_logged_in(replay)
    assert not _is_logged_in(theirs)
    # Other users' sessions are untouched; the user can log in afresh.
    assert _is_logged_in(bystander)
    assert _log_in(Client(), "anna.jensen").status_code == 302


def test_expired_sessions_are_deleted_by_the_scheduled_job(client, caseworker):
    from bi18.accounts.tasks import clear_expired_sessions

    assert "accounts.clear_expired_sessions" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    _log_in(client, "caseworker")
    live = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.create(
        session_key="x" * 32,
        session_data="expired",
        expire_date=timezone.now() - timedelta(seconds=1),
        user_id=caseworker.pk,
    )
    clear_expired_sessions.apply().get()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert _is_logged_in(client)


def test_deactivating_twice_logs_once(admin_client, target):
    url = reverse("accounts:user_deactivate", args=[target.pk])
    admin_client.post(url)
    admin_client.post(url)
    assert _events("accounts.user.deactivated").count() == 1


def test_administrator_cannot_deactivate_themselves(admin_client, administrator):
    url = reverse("accounts:user_deactivate", args=[administrator.pk])
    page = admin_client.get(url).content.decode()
    assert _da("You cannot deactivate your own account.") in page
    assert "btn-danger" not in page
    response = admin_client.post(url, follow=True)
    assert _da("You cannot deactivate your own account.") in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active
    assert not _events("accounts.user.deactivated").exists()


def test_deactivate_and_other_changes_need_post(admin_client, target):
    for name in ("accounts:user_deactivate", "accounts:user_unlock"):
        admin_client.get(reverse(name, args=[target.pk]))
    target.refresh_from_db()
    assert target.is_active
    assert not AuditEvent.objects.filter(event__startswith="accounts.user.").exclude(
        event="accounts.user.logged_in"
    )


def test_there_is_no_way_to_delete_a_user():
    # Audit rows reference users (PROTECT): deactivation is the only way out.
    from bi18.accounts.urls import urlpatterns

    names = {p.name for p in urlpatterns}
    assert {"user_list", "user_deactivate"} <= names
    assert not [n for n in names if "delete" in n]


# --- Unlocking --------------------------------------------------------------------------------


def test_administrator_unlocks_a_locked_out_user(admin_client, administrator, target):
    for _ in range(3):
        _log_in(Client(), "anna.jensen", "wrong-password")
    assert _log_in(Client(), "anna.jensen").status_code == 429
    page = admin_client.get(reverse("accounts:user_edit", args=[target.pk])).content.decode()
    assert reverse("accounts:user_unlock", args=[target.pk]) in page
    assert admin_client.get(reverse("accounts:user_unlock", args=[target.pk])).status_code == 200
    response = admin_client.post(reverse("accounts:user_unlock", args=[target.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="anna.jensen").exists()
    event = _events("accounts.user.unlocked").get()
    assert event.actor == administrator
    assert event.detail["user_id"] == target.pk and event.detail["attempts_cleared"] >= 1
    assert _log_in(Client(), "anna.jensen").status_code == 302


def test_unlocking_one_user_leaves_others_locked(admin_client, target, caseworker):
    for username in ("anna.jensen", "caseworker"):
        for _ in range(3):
            _log_in(Client(), username, "wrong-password")
    admin_client.post(reverse("accounts:user_unlock", args=[target.pk]))
    assert _log_in(Client(), "caseworker").status_code == 429


# --- Setting a password -------------------------------------------------------------------------


def test_administrator_sets_a_new_password_and_the_users_sessions_end(
    admin_client, administrator, target
):
    theirs = Client()
    _log_in(theirs, "anna.jensen")
    url = reverse("accounts:user_set_password", args=[target.pk])
    response = admin_client.post(
        url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    assert not _is_logged_in(theirs)
    event = _events("accounts.user.password_set").get()
    assert event.actor == administrator
    assert event.detail == {"user_id": target.pk, "username": "anna.jensen", "fields": ["password"]}
    assert _log_in(Client(), "anna.jensen", PASSWORD).status_code == 200
    assert _log_in(Client(), "anna.jensen", NEW_PASSWORD).status_code == 302


def test_administrator_setting_own_password_stays_logged_in(admin_client, administrator):
    url = reverse("accounts:user_set_password", args=[administrator.pk])
    admin_client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert _is_logged_in(admin_client)


@pytest.mark.parametrize(
    ("p1", "p2", "message"),
    [
        ("kort", "kort", None),
        ("password1234", "password1234", "This password is too common."),
        ("739184625017", "739184625017", None),
        (NEW_PASSWORD, "Noget-Andet-2026", "The two password fields didn’t match."),
        ("", "", "This field is required."),
    ],
)
def test_set_password_rejects_weak_or_mismatched_passwords(admin_client, target, p1, p2, message):
    url = reverse("accounts:user_set_password", args=[target.pk])
    response = admin_client.post(url, {"new_password1": p1, "new_password2": p2})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors
    if message:
        assert any(_da(message) in e for field_errors in errors.values() for e in field_errors)
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    assert not _events("accounts.user.password_set").exists()


# --- Log-in, lock-out and log-out (SPEC §8) -----------------------------------------------------


def test_login_with_right_password_logs_in_and_is_audited(client, caseworker):
    response = _log_in(client, "caseworker")
    assert response.status_code == 302
    assert _is_logged_in(client)
    assert _events("accounts.user.logged_in").filter(actor=caseworker).count() == 1


def test_unknown_user_and_wrong_password_get_the_same_danish_message(client, caseworker):
    unknown = _log_in(Client(), "no-such-user", "whatever-password")
    wrong = _log_in(Client(), "caseworker", "wrong-password")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors
    (message,) = wrong.context["form"].non_field_errors()
    assert message.startswith("Indtast venligst korrekt")
    assert "Indtast venligst korrekt" in wrong.content.decode()


def test_login_with_empty_fields_shows_required_errors(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert _da("This field is required.") in response.content.decode()


def test_three_failed_logins_in_a_row_lock_the_account(client, caseworker):
    responses = [_log_in(Client(), "caseworker", "wrong-password") for _ in range(3)]
    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert responses[2].status_code == 429
    fourth = _log_in(client, "caseworker", PASSWORD)
    assert fourth.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in fourth.templates]
    assert '<html lang="da">' in fourth.content.decode()
    assert "30 minutes" in fourth.content.decode() or "30 minutter" in fourth.content.decode()
    assert not _is_logged_in(client)
    assert _events("accounts.user.login_failed").count() == 4


def test_a_successful_login_in_between_resets_the_count(caseworker):
    for _ in range(2):
        _log_in(Client(), "caseworker", "wrong-password")
    assert _log_in(Client(), "caseworker").status_code == 302
    for _ in range(2):
        assert _log_in(Client(), "caseworker", "wrong-password").status_code == 200
    assert _log_in(Client(), "caseworker").status_code == 302


def test_lock_out_is_per_account_not_per_office(caseworker, other_caseworker):
    for _ in range(3):
        _log_in(Client(), "caseworker", "wrong-password")
    # Same IP address (the test client's): a colleague behind the same NAT still logs in.
    assert _log_in(Client(), "other_caseworker").status_code == 302


def test_lock_out_ends_after_the_cool_off_period(caseworker):
    for _ in range(3):
        _log_in(Client(), "caseworker", "wrong-password")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    )
    assert _log_in(Client(), "caseworker").status_code == 302


def test_login_page_sets_a_new_session_key(client, caseworker):
    session = client.session
    session["before_login"] = True
    session.save()
    old_key = session.session_key
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == old_key
    _log_in(client, "caseworker")
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key and new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()


def test_logout_is_post_only(client, caseworker):
    _log_in(client, "caseworker")
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _is_logged_in(client)


def test_logout_deletes_the_session_on_the_server(client, caseworker):
    _log_in(client, "caseworker")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert not Session.objects.filter(session_key=key).exists()
    # Replaying the old cookie does not authenticate.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert not _is_logged_in(replay)
    assert _events("accounts.user.logged_out").filter(actor=caseworker).count() == 1


# --- Session timeouts (SPEC §8): the clocks are moved, nobody sleeps ---------------------------


def _logged_in_client(caseworker):
    client = Client()
    assert _log_in(client, "caseworker").status_code == 302
    return client


def _move_clocks(client, *, auth_ago: timedelta | None = None, seen_ago: timedelta | None = None):
    session = client.session
    now = time.time()
    if auth_ago is not None:
        session[SESSION_AUTH_AT] = now - auth_ago.total_seconds()
    if seen_ago is not None:
        session[SESSION_SEEN_AT] = now - seen_ago.total_seconds()
    session.save()


def test_login_starts_both_session_clocks(caseworker):
    client = _logged_in_client(caseworker)
    session = client.session
    assert abs(session[SESSION_AUTH_AT] - time.time()) < 5
    assert abs(session[SESSION_SEEN_AT] - time.time()) < 5


def test_session_survives_29_idle_minutes(caseworker):
    client = _logged_in_client(caseworker)
    _move_clocks(client, seen_ago=timedelta(minutes=29))
    assert _is_logged_in(client)
    # ... and the request counts as activity.
    assert abs(client.session[SESSION_SEEN_AT] - time.time()) < 5


def test_session_ends_after_30_idle_minutes(caseworker):
    client = _logged_in_client(caseworker)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    _move_clocks(client, seen_ago=timedelta(minutes=30, seconds=5))
    url = reverse("families:list")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"]
    assert not Session.objects.filter(session_key=key).exists()
    event = _events("accounts.session.expired").get()
    assert event.actor == caseworker and event.detail == {"reason": "idle"}
    assert event.ip_address == "127.0.0.1"
    login_page = client.get(response["Location"])
    assert _da("Your session has expired. Please log in again.") in login_page.content.decode()
    assert not _is_logged_in(client)


def test_regular_activity_keeps_the_session_alive_up_to_12_hours(caseworker):
    client = _logged_in_client(caseworker)
    _move_clocks(client, auth_ago=timedelta(hours=11, minutes=59), seen_ago=timedelta(minutes=5))
    assert _is_logged_in(client)


def test_session_ends_after_12_hours_even_when_active(caseworker):
    client = _logged_in_client(caseworker)
    _move_clocks(client, auth_ago=timedelta(hours=12, minutes=1), seen_ago=timedelta(minutes=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _events("accounts.session.expired").get().detail == {"reason": "absolute"}
    assert not _is_logged_in(client)


def test_expired_session_on_an_htmx_request_reloads_the_log_in_page(caseworker):
    client = _logged_in_client(caseworker)
    _move_clocks(client, seen_ago=timedelta(minutes=45))
    response = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login")


def test_session_cookie_does_not_outlive_the_absolute_timeout():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() == 12 * 3600


# --- Changing one's own password ---------------------------------------------------------------


def test_password_change_page_changes_the_password_and_keeps_the_user_logged_in(caseworker):
    client = _logged_in_client(caseworker)
    other_device = _logged_in_client(caseworker)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_change_done")
    caseworker.refresh_from_db()
    assert caseworker.check_password(NEW_PASSWORD)
    assert _is_logged_in(client)
    assert not _is_logged_in(other_device)
    event = _events("accounts.user.password_set").get()
    assert event.actor == caseworker and NEW_PASSWORD not in str(event.detail)
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("old", "p1", "p2", "field", "message"),
    [
        (PASSWORD, "Kort-1", "Kort-1", "new_password2", None),
        (PASSWORD, "password1234", "password1234", "new_password2", "This password is too common."),
        (PASSWORD, "738291047561", "738291047561", "new_password2", None),
        (PASSWORD, NEW_PASSWORD, "Noget-Andet-2026", "new_password2", None),
        (
            "wrong-old-password",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "old_password",
            "Your old password was entered incorrectly. Please enter it again.",
        ),
    ],
)
def test_password_change_enforces_the_validators(caseworker, old, p1, p2, field, message):
    client = _logged_in_client(caseworker)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password1": p1, "new_password2": p2},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert _da(message) in errors[field]
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)


def test_too_short_password_error_is_in_danish(caseworker):
    client = _logged_in_client(caseworker)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Kort-1", "new_password2": "Kort-1"},
    )
    assert "Denne adgangskode er for kort. Den skal indeholde mindst 12 tegn." in (
        response.content.decode()
    )


def test_password_change_needs_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- The audit log shows these events by name ---------------------------------------------------


def test_user_administration_events_have_labels_for_the_audit_pages():
    from bi18.audit.labels import EVENT_LABELS

    for event in ("created", "changed", "deactivated", "reactivated", "unlocked", "password_set"):
        assert f"accounts.user.{event}" in EVENT_LABELS
