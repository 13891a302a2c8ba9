"""The plan and meeting fragments a live page refreshes: one home for what each shows to a
user, used by the HTTP views (networkgroup.views) and by the live socket's server-side push
(networkgroup.live.consumers), so that the two cannot diverge.

Each function returns (template, context) for `user`, or raises Http404 when the user may
not see the item (the access policies in networkgroup.access decide).
"""

from django.template.loader import render_to_string

from networkgroup import access


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


def decisions(user, meeting) -> list:
    """The meeting's decisions this user may see."""
    return list(
        access.decisions(user, meeting.decisions.all()).select_related(
            "action__responsible", "person"
        )
    )


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
