"""What every page pays for its user (issue 11): the roles and permissions in one query,
the navigation only when a page draws it."""

from django.contrib.auth.models import Permission
from django.test import RequestFactory

from bi18.accounts.context_processors import navigation
from bi18.accounts.models import User
from bi18.accounts.roles import Role
from tests.factories import UserFactory


def _fresh(user) -> User:
    # A new object, as each request gets: no cached roles or permissions.
    return User.objects.get(pk=user.pk)


def test_roles_and_permissions_come_in_one_query(db, django_assert_num_queries):
    user = UserFactory(username="cost-caseworker", role=Role.FAMILY_CASEWORKER)
    user.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    user = _fresh(user)
    with django_assert_num_queries(1):
        assert user.role_names == {Role.FAMILY_CASEWORKER}
        assert user.has_perm("accounts.access_case_data")  # from the role
        assert user.has_perm("accounts.create_family")
        assert user.has_perm("accounts.view_dashboard")  # given to the user directly
        assert not user.has_perm("accounts.manage_users")
        assert user.has_perms(["accounts.access_case_data", "accounts.view_dashboard"])
        assert user.has_role(Role.FAMILY_CASEWORKER)


def test_permissions_asked_first_still_one_query(db, django_assert_num_queries):
    user = _fresh(UserFactory(username="cost-admin", role=Role.ADMIN))
    with django_assert_num_queries(1):
        assert user.has_perm("accounts.view_audit_log")
        assert user.role_labels == [str(Role.ADMIN.label)]


def test_a_role_without_permissions_and_a_user_without_roles(db):
    from django.contrib.auth.models import Group

    empty = Group.objects.create(name="no-permissions")
    user = UserFactory(username="cost-empty")
    user.groups.add(empty)
    user = _fresh(user)
    assert user.role_names == {"no-permissions"}
    assert not user.has_perm("accounts.access_case_data")
    nobody = _fresh(UserFactory(username="cost-nobody"))
    assert nobody.role_names == set()
    assert not nobody.has_perm("accounts.access_case_data")


def test_inactive_and_superuser_as_django_decides(db, django_assert_num_queries):
    inactive = UserFactory(username="cost-inactive", role=Role.ADMIN)
    inactive.is_active = False
    inactive.save()
    inactive = _fresh(inactive)
    with django_assert_num_queries(1):
        assert not inactive.has_perm("accounts.view_audit_log")
        assert not inactive.has_perm("accounts.manage_users")
        assert inactive.role_names == {Role.ADMIN}
    superuser = UserFactory(username="cost-super")
    superuser.is_superuser = True
    superuser.save()
    superuser = _fresh(superuser)
    assert superuser.has_perm("accounts.view_audit_log")
    assert superuser.role_names == set()


def test_the_navigation_costs_nothing_until_drawn(db, django_assert_num_queries):
    user = _fresh(UserFactory(username="cost-nav", role=Role.FAMILY_CASEWORKER))
    request = RequestFactory().get("/")
    request.user = user
    with django_assert_num_queries(0):
        items = navigation(request)["nav_items"]
    with django_assert_num_queries(1):
        keys = [key for key, _label, _url in items]
    assert keys == ["home", "families", "meetings", "companies"]
