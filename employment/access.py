"""Who may see and change a parent's employment track (SPEC §2, §5, §10).

Built on the one access rule (families.access): a user sees only the parents of their
scope. On top of it, only the roles that work the employment effort see the track – a
retention counsellor or youth guidance counsellor who sits in the same network group does
not (404, so that even the existence of a track does not leak to them). The consultants and
the family caseworker change the track; a job mentor sees the parent they mentor and writes
mentor contacts and hours only.

These role lists are the only ones in the code: the company register, the family page's
section, the views and "Mit arbejde" all read them from here.
"""

from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import Role
from families.access import PARENTS, RecordPolicy, has_any_role

# The roles that work the employment effort: they see tracks and the company register.
EMPLOYMENT_ROLES = frozenset(
    {
        Role.FAMILY_CASEWORKER,
        Role.EMPLOYMENT_CONSULTANT,
        Role.COMPANY_CONSULTANT,
        Role.JOB_MENTOR,
    }
)
# The roles that change a track and the company register.
TRACK_EDITOR_ROLES = EMPLOYMENT_ROLES - {Role.JOB_MENTOR}

TRACK = RecordPolicy(
    key="employment.track",
    label=_("Employment track"),
    view_roles=EMPLOYMENT_ROLES,
    edit_roles=TRACK_EDITOR_ROLES,
    about=PARENTS,
)

# Mentor contacts and internship hours: the job mentor's own work, and the track editors'.
MENTOR_RECORDS = RecordPolicy(
    key="employment.mentor_records",
    label=_("Mentor contacts and working hours"),
    view_roles=EMPLOYMENT_ROLES,
    edit_roles=EMPLOYMENT_ROLES,
    about=PARENTS,
)

POLICIES = (TRACK, MENTOR_RECORDS)


def can_see_employment(user) -> bool:
    return TRACK.may_view(user)


def may_edit_companies(user) -> bool:
    return has_any_role(user, TRACK_EDITOR_ROLES)


def get_parent_for_user(user, pk):
    """The parent, if this user may see their employment track; else 404."""
    return TRACK.get_person(user, pk)


def can_edit_track(user, person) -> bool:
    return TRACK.may_edit_person(user, person)


def require_track_editor(user, person) -> None:
    TRACK.require_edit_person(user, person)


def tracks(user, queryset):
    return TRACK.filter(user, queryset, person="person", family="person__family_id")


def tracks_via(user, queryset, *, track: str):
    """Records hanging off a track (`track` is the lookup path to it) whose track the user
    may see."""
    return TRACK.filter(
        user, queryset, person=f"{track}__person", family=f"{track}__person__family_id"
    )
