"""Segregation of duties: an administrator cannot give themselves a role (SPEC §2: the
administrator has no routine access to case content)."""

import pytest
from django.urls import reverse

from bi18.accounts.roles import Role

pytestmark = pytest.mark.django_db


def _post_roles(client, user, roles):
    return client.post(
        reverse("accounts:user_edit", args=[user.pk]),
        {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "roles": roles,
            "is_active": "on",
        },
    )


def test_an_administrator_cannot_make_themselves_a_caseworker(login, administrator):
    response = _post_roles(
        login(administrator), administrator, [Role.ADMIN, Role.FAMILY_CASEWORKER]
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    administrator.refresh_from_db()
    assert administrator.role_names == {Role.ADMIN}


def test_another_administrator_may_give_the_role(login, administrator):
    from tests.factories import UserFactory

    colleague = UserFactory(username="admin2", role=Role.ADMIN)
    response = _post_roles(login(colleague), administrator, [Role.ADMIN, Role.MANAGER])
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.role_names == {Role.ADMIN, Role.MANAGER}
