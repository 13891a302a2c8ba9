"""The plan and meeting fragments a live page refreshes: one home for what each shows to a
user, used by the HTTP views (networkgroup.views) and by the live socket's server-side push
(networkgroup.live.consumers), so that the two cannot diverge.

Each function returns (template, context) for `user`, or raises Http404 when the user may
not see the item (the access policies in networkgroup.access decide).
"""

from django.template.loader import render_to_string

from bi18.lib.prepared import fixed_instances
from families.scope import Scope, scope_for
from networkgroup import access
from networkgroup.models import Decision


def goal_header(user, family, goal_pk, *, focus: bool = False):
    goal = access.get_goal(user, family, goal_pk)
    return "networkgroup/_goal_header.html", {"family": family, "goal": goal, "focus": focus}


def goal_block(user, family, goal_pk):
    """A goal with the actions this user may see."""
    goal = access.get_goal(user, family, goal_pk)
    actions = access.actions(user, goal.actions.select_related("responsible"))
    return "networkgroup/_goal.html", {"family": family, "goal": goal, "actions": actions}


def action_row(user, family, action_pk, *, focus: bool = False):
    action = access.get_action(user, family, action_pk)
    return "networkgroup/_action_row.html", {"family": family, "action": action, "focus": focus}


class Shared:
    """A goal's header or an action's row read once for everyone (the live push): these
    fragments show the item alone, the same to every user who may see it, so one
    rendering serves every audience class that `may_see` it. `found` is None when the item
    is gone from the family."""

    def __init__(self, kind: str, family_id: int, pk: int):
        from families.models import Family
        from networkgroup.models import Action

        if kind == "goal":
            self.template = "networkgroup/_goal_header.html"
            item = shared_goal(family_id, pk)
            self.person = item.person if item else None
        else:
            self.template = "networkgroup/_action_row.html"
            item = (
                Action.objects.select_related("responsible", "goal__person")
                .filter(pk=pk, plan__family_id=family_id)
                .order_by()
                .first()
            )
            self.person = item.goal.person if item else None
        self.family_id = family_id
        family = Family(pk=family_id)  # the templates use its id only
        self.found = (
            (self.template, {"family": family, kind: item, "focus": False}) if item else None
        )

    def may_see(self, user) -> bool:
        """The rule of access.get_goal / get_action (RecordPolicy.q) in Python, on the item
        as read: no query per user."""
        return access.PLAN.may_view_about(user, self.person, self.family_id)


# What the goal header and Shared.may_see read: one narrow row per save, not the rows of
# the goal's plan and family (whose id is all the template needs).
SHARED_GOAL = ("id", "plan_id", "person_id", "area", "text")
SHARED_PERSON = ("id", "family_id", "role", "first_name", "last_name")


def _shared_goal_query(values):
    from networkgroup.models import Goal

    return (
        Goal.objects.select_related("person")
        .only(*SHARED_GOAL, *(f"person__{name}" for name in SHARED_PERSON))
        .filter(pk=values["pk"], plan__family_id=values["family"])
        .order_by()
    )


def shared_goal(family_id: int, pk: int):
    """Goal `pk` of the family with its person (SHARED_GOAL, SHARED_PERSON), or None.

    Read after every save of a goal that a page has open (the live push), so built by the
    ORM once per process and run prepared (fixed_instances) instead of built each time;
    tests/networkgroup/test_live.py compares the two."""
    found = fixed_instances(
        "networkgroup.shared_goal", _shared_goal_query, {"pk": pk, "family": family_id}
    )
    return found[0] if found else None


def decisions(user, meeting) -> list:
    """The meeting's decisions this user may see: one query, built once per process
    (bi18.lib.prepared.fixed_instances)."""
    if not access.MEETING.may_view(user):
        return []
    values = {"meeting": meeting.pk, **scope_for(user).within(meeting.family_id).as_values()}
    found = fixed_instances("networkgroup.decisions", _decisions, values)
    for decision in found:  # as meeting.decisions.all() gives them
        Decision.meeting.field.set_cached_value(decision, meeting)
    return found


def _decisions(v):
    return access.decisions_given(
        Decision.objects.filter(meeting_id=v["meeting"]), Scope.given(v)
    ).select_related("action__responsible", "person")


def decision_list(user, family, meeting):
    return "networkgroup/_decision_list.html", {
        "family": family,
        "meeting": meeting,
        "decisions": decisions(user, meeting),
    }


def render(found) -> str:
    """A fragment as a live page receives it (no request: these templates use none)."""
    template, context = found
    return render_to_string(template, context)
