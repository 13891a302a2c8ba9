"""The plan's and the meetings' part of a person's insight (art. 15) and of erasure."""

from django.db.models import Q
from django.utils.translation import gettext as _

from families.privacy import model_rows
from families.registry import PersonalData
from networkgroup.models import Action, Decision, Goal, Meeting, MinutesAddendum, PlanChange


def insight(person) -> dict[str, list[dict]]:
    about = Q(person=person) | Q(person__isnull=True)
    goals = Goal.objects.filter(about, plan__family_id=person.family_id)
    meetings = (
        Meeting.objects.filter(family_id=person.family_id)
        .filter(Q(attending_people=person) | Q(interpreting_person=person))
        .distinct()
    )
    return {
        _("Plan goals (yours and the whole family's)"): model_rows(goals, skip=("plan",)),
        _("Plan actions"): model_rows(Action.objects.filter(goal__in=goals), skip=("plan", "goal")),
        # The interpreting family member is left out: it may be someone else.
        _("Meetings you attended"): model_rows(meetings, skip=("family", "interpreting_person")),
        _("Meeting decisions"): model_rows(
            Decision.objects.filter(meeting__in=meetings), skip=("meeting", "action")
        ),
        _("Minutes addenda"): model_rows(
            MinutesAddendum.objects.filter(meeting__in=meetings), skip=("meeting",)
        ),
    }


def erase(family) -> int:
    changed = Goal.objects.filter(plan__family=family).update(text="")
    changed += Action.objects.filter(plan__family=family).update(what="")
    changed += PlanChange.objects.filter(plan__family=family).update(before="", after="")
    meetings = Meeting.objects.filter(family=family)
    changed += Decision.objects.filter(meeting__in=meetings).update(text="")
    changed += MinutesAddendum.objects.filter(meeting__in=meetings).update(text="")
    for meeting in meetings:
        meeting.attending_people.clear()
    changed += meetings.update(
        place="", agenda="", minutes="", interpreter_language="", interpreting_person=None
    )
    return changed


SOURCE = PersonalData(key="networkgroup", order=10, insight=insight, erase=erase)
