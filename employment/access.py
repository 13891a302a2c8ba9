"""Who may see and change a parent's employment track.

Built on the one access rule (families.access): outsiders get 404. On top of it,
only the roles that work the employment effort see it – a retention counsellor or
youth guidance counsellor who sits in the same network group does not (404, so
that even the existence of a track does not leak to them).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from bi18.accounts.roles import Role
from families.access import get_person_for_user, is_full_member
from families.models import Person, PersonRole

EMPLOYMENT_ROLES = (
    Role.FAMILY_CASEWORKER,
    Role.EMPLOYMENT_CONSULTANT,
    Role.COMPANY_CONSULTANT,
    Role.JOB_MENTOR,
)
# Roles that may change a track (a job mentor writes mentor contacts and hours only).
TRACK_EDITOR_ROLES = (Role.FAMILY_CASEWORKER, Role.EMPLOYMENT_CONSULTANT, Role.COMPANY_CONSULTANT)


def can_see_employment(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if not user.has_perm("accounts.access_case_data"):
        return False
    return any(user.has_role(role) for role in EMPLOYMENT_ROLES)


def get_parent_for_user(user, pk) -> Person:
    if not can_see_employment(user):
        raise Http404
    person = get_person_for_user(user, pk)
    if person.role != PersonRole.PARENT:
        raise Http404
    return person


def can_edit_track(user, person: Person) -> bool:
    return any(user.has_role(r) for r in TRACK_EDITOR_ROLES) and is_full_member(user, person.family)


def require_track_editor(user, person: Person) -> None:
    # The user may see the parent (checked before), so a refusal is 403, not 404.
    if not can_edit_track(user, person):
        raise PermissionDenied
