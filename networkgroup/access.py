"""Who may see and write the family plan and the meetings (SPEC §2, §4, §10).

* The plan and the meetings are for the network group's members; someone assigned to one
  person (a job mentor) sees neither – 404 like any outsider.
* A goal, action, decision or history row about a person is shown only to members who may
  see that person; one about the whole family to every member. A member in a youth role
  (youth guidance counsellor, retention counsellor) thus sees the young people's items and
  the whole family's, never a parent's.
* Meetings: a full member sees every meeting of the family; a member in a youth role sees
  the meetings they attend, and of those the decisions they may see. The agenda, the minutes
  and their addenda are free text about anyone, so they are for full members only, as are
  convening, editing and approving a meeting.
* Writing follows seeing: the "For" choices offer only people the user may see, and an
  action's responsible must be a member who may see whom the goal is about.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import Role
from bi18.lib.prepared import fixed_instances
from families.access import BOTH, RecordPolicy, get_family_for_user, is_coordinator, scope_for
from families.models import Family, PersonRole
from families.scope import YOUTH_GROUP_ROLES, Scope

__all__ = ["MEETING", "PLAN", "family_for_member", "is_coordinator", "scope_for"]

PLAN_ROLES = frozenset(
    {
        Role.FAMILY_CASEWORKER,
        Role.EMPLOYMENT_CONSULTANT,
        Role.COMPANY_CONSULTANT,
        Role.YOUTH_GUIDANCE_COUNSELLOR,
        Role.RETENTION_COUNSELLOR,
    }
)

PLAN = RecordPolicy(
    key="networkgroup.plan",
    label=_("Family plan: goals, actions and history"),
    view_roles=PLAN_ROLES,
    edit_roles=PLAN_ROLES,
    about=BOTH,
    whole_family=True,
    members_only=True,
)

MEETING = RecordPolicy(
    key="networkgroup.meeting",
    label=_("Network-group meetings and decisions"),
    view_roles=PLAN_ROLES,
    edit_roles=PLAN_ROLES,
    about=BOTH,
    whole_family=True,
    members_only=True,
)


def family_for_member(user, family_pk) -> Family:
    """The family, if `user` is a member of its network group; else 404."""
    family = get_family_for_user(user, family_pk)
    if not PLAN.may_view_family(user, family.pk):
        raise Http404
    return family


def sees_everyone(user, family) -> bool:
    """A full member: every person, the agenda and the minutes."""
    return scope_for(user).is_full_member(family.pk)


def require_full_member(user, family) -> None:
    # A youth-role member may see the family (so 403, not 404) but not convene or edit
    # a meeting, whose attendees and agenda concern people they may not see.
    if not sees_everyone(user, family):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


# --- Plan -----------------------------------------------------------------------------------


# `family_id` (here and below): the rows filtered are of that one family; the filter then
# names only it (families.scope.Scope.within), the same rows in shorter SQL.


def goals(user, queryset, *, family_id=None):
    return PLAN.filter(
        user, queryset, person="person", family="plan__family_id", family_id=family_id
    )


def goals_q(user, prefix: str = "", *, family_id=None):
    """`goals` as a filter on a relation, e.g. a Count of a plan's goals (prefix "goals__")."""
    return PLAN.q(
        user,
        person=f"{prefix}person",
        family="family_id" if prefix else "plan__family_id",
        family_id=family_id,
    )


def actions(user, queryset, *, family_id=None):
    return PLAN.filter(
        user, queryset, person="goal__person", family="plan__family_id", family_id=family_id
    )


def changes(user, queryset, *, family_id=None):
    """History rows: a row about a goal or its action follows the goal's person; a row about
    the plan itself (its review dates) is whole-family. A change of whom a goal is for names
    the people before and after, so it is for full members only."""
    if not PLAN.may_view(user):
        return queryset.none()
    return changes_given(queryset, _scope(user, family_id))


def changes_given(queryset, scope):
    """`changes` for a user with `scope` who may view the plan (the role checked by the
    caller): a query built once for every user (families.scope.Scope.given)."""
    return _history_given(queryset, scope, names_former_person=Q(field="person"))


def events(user, queryset, *, family_id=None):
    """History events (one per save), by the rule of `changes`: an event about a goal or its
    action follows the goal's person; one that names a person the goal is no longer for (a
    move, or the goal's earlier events after one) is for full members only."""
    if not PLAN.may_view(user):
        return queryset.none()
    return events_given(queryset, _scope(user, family_id))


def events_given(queryset, scope):
    """`events` for a user with `scope` who may view the plan (the role checked by the
    caller): a query built once for every user (families.scope.Scope.given)."""
    return _history_given(queryset, scope, names_former_person=Q(names_former_person=True))


def _history_given(queryset, scope, *, names_former_person: Q):
    """The history rule of `changes` and `events`, once: a row follows its goal's person, and
    one that names a person the goal is no longer for is for the family's full members only."""
    visible = PLAN.scope_q(scope, person="goal__person", family="plan__family_id")
    return queryset.filter(visible).exclude(
        names_former_person & ~Q(plan__family_id__in=sorted(scope.full_families))
    )


def get_goal(user, family, goal_pk, *, queryset=None):
    from networkgroup.models import Goal

    qs = goals(user, queryset if queryset is not None else Goal.objects.all())
    return get_object_or_404(qs.select_related("person", "plan"), pk=goal_pk, plan__family=family)


def get_action(user, family, action_pk):
    from networkgroup.models import Action

    qs = actions(user, Action.objects.select_related("responsible", "goal__person"))
    return get_object_or_404(qs, pk=action_pk, plan__family=family)


def people_choices(user, family):
    """Whom this user may add a goal for: the "For" choices."""
    return PLAN.people(user, family=family, edit=True)


def may_be_responsible(family, person=None):
    """The memberships of the family's group whose users may be responsible for an action
    about `person` (None: the whole family): a member in a youth role only for the young
    people's actions and the family's."""
    from families.models import NetworkMember

    members = NetworkMember.objects.filter(family=family)
    if person is not None and person.role != PersonRole.CHILD:
        members = members.exclude(group_role__in=sorted(YOUTH_GROUP_ROLES))
    return members


def responsible_choices(family, person=None):
    user_ids = may_be_responsible(family, person).values("user_id")
    return (
        get_user_model().objects.filter(pk__in=user_ids).order_by("first_name", "last_name", "id")
    )


# --- Meetings -----------------------------------------------------------------------------


def meetings(user, queryset, *, family_id=None):
    """Meetings this user may see: all of their full-member families', and the attended ones
    of the families where they are a member in a youth role."""
    if not MEETING.may_view(user):
        return queryset.none()
    return queryset.filter(meetings_q(_scope(user, family_id), user.pk))


def meetings_q(scope, user_id) -> Q:
    """`meetings` as a filter, for a user (`user_id`) with `scope` who may view meetings."""
    from networkgroup.models import Meeting

    attended = Meeting.attending_members.through.objects.filter(user=user_id).values("meeting_id")
    return Q(family_id__in=sorted(scope.full_families)) | Q(
        family_id__in=sorted(scope.youth_families), pk__in=attended
    )


def get_meeting(user, family, pk):
    """The meeting of `family`, if the user may see it (`meetings`); else 404. One query,
    built once per process (bi18.lib.prepared.fixed_instances)."""
    from networkgroup.models import Meeting

    try:
        pk = Meeting._meta.pk.to_python(pk)
    except ValidationError:
        raise Http404 from None
    if pk is None or not MEETING.may_view(user):
        raise Http404
    values = {
        "meeting": pk,
        "family": family.pk,
        "user": user.pk,
        **_scope(user, family.pk).as_values(),
    }
    found = fixed_instances("networkgroup.meeting", _meeting, values)
    if not found:
        raise Http404
    return found[0]


def _meeting(v):
    from networkgroup.models import Meeting

    return Meeting.objects.filter(
        meetings_q(Scope.given(v), v["user"]), pk=v["meeting"], family_id=v["family"]
    ).select_related("minutes_approved_by", "interpreting_person")


def decisions(user, queryset, *, family_id=None):
    """A decision follows whom it is about and, when it became an action, that action's goal
    (both must be visible: a decision recorded before `person` existed has only the goal)."""
    if not MEETING.may_view(user):
        return queryset.none()
    return decisions_given(queryset, _scope(user, family_id))


def decisions_given(queryset, scope):
    """`decisions` for a user with `scope` who may view meetings (the role checked by the
    caller): a query built once for every user (families.scope.Scope.given)."""
    family = "meeting__family_id"
    return queryset.filter(
        MEETING.scope_q(scope, person="person", family=family)
        & MEETING.scope_q(scope, person="action__goal__person", family=family)
    )


def people(user, queryset, *, family_id=None):
    """Family members (attendees, the interpreting person) this user may see."""
    return queryset.filter(_scope(user, family_id).person_q())


def _scope(user, family_id=None):
    return scope_for(user) if family_id is None else scope_for(user).within(family_id)
