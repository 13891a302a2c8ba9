"""Who may see and write a young person's youth track (SPEC §2, §6, §10).

Built on the one access rule (families.access): a user sees only the young people of their
scope. On top of it, the youth track is for the roles that work the youth effort – the
family caseworker, the youth guidance counsellor (UU) and the retention counsellor – and
each kind of record is written by the roles whose work it is: guidance sessions by the UU,
retention contacts by the retention counsellor. The employment roles (consultants, job
mentor) do not see the youth track: 404, so that even its existence does not leak.
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import Role
from families.access import CHILDREN, RecordPolicy

FC = Role.FAMILY_CASEWORKER
UU = Role.YOUTH_GUIDANCE_COUNSELLOR
RETENTION = Role.RETENTION_COUNSELLOR

VIEW_ROLES = frozenset({FC, UU, RETENTION})


def _policy(key: str, label, *edit_roles: str) -> RecordPolicy:
    return RecordPolicy(
        key=f"youth.{key}",
        label=label,
        view_roles=VIEW_ROLES,
        edit_roles=frozenset(edit_roles),
        about=CHILDREN,
    )


TRACK = _policy("track", _("Youth track"), FC, UU, RETENTION)

# One policy per kind of record on the track (the keys of youth.views.RECORD_KINDS).
RECORDS: dict[str, RecordPolicy] = {
    "leisure_job": _policy("leisure_job", _("Leisure job"), FC, UU),
    "internship": _policy("internship", _("Company internship"), FC, UU),
    "exam": _policy("exam", _("Exam preparation"), FC, UU),
    "guidance": _policy("guidance", _("Guidance session"), UU),
    "clarification": _policy("clarification", _("Early clarification"), FC, UU),
    "application": _policy("application", _("Apprenticeship application"), FC, UU, RETENTION),
    "contact": _policy("contact", _("Retention counsellor contact"), RETENTION),
    "enrolment": _policy("enrolment", _("Education enrolment"), FC, UU, RETENTION),
    "follow_up": _policy("follow_up", _("Follow-up after the effort"), FC, UU, RETENTION),
}

POLICIES = (TRACK, *RECORDS.values())


def get_young_person(user, pk):
    """The young person, if this user may see their youth track; else 404."""
    return TRACK.get_person(user, pk)


def record_policy(kind: str) -> RecordPolicy:
    try:
        return RECORDS[kind]
    except KeyError:
        raise Http404 from None


def tracks(user, queryset):
    return TRACK.filter(user, queryset, person="person", family="person__family_id")
