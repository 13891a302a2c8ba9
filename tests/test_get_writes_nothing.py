"""A GET never creates or changes a row (issue 10 §5): reading a page writes only its
audit row (and the session). Every page below is opened for two families the user
works with: one as every family is now, and one whose plan is missing (a family from
before the plan was created with the family), so a page that created what it needs on
first use (the plan's get_or_create of old) fails here.

Counted are the rows of every model, except the append-only audit log and the sessions,
which a read is expected to grow.
"""

import datetime

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import reverse

from bi18.accounts.roles import Role
from networkgroup import services
from networkgroup.models import Plan, PlanArea
from tests.employment_factories import TrackFactory
from tests.factories import FamilyFactory, PersonFactory, UserFactory, add_member, child
from youth.models import YouthTrack

GROWS_ON_A_READ = {"audit.auditevent", "sessions.session", "axes.accessattempt", "axes.accesslog"}

CASEWORKER, BUDGET_OFFICER, MANAGER = "caseworker", "budget_officer", "manager"
FAMILY, PARENT, CHILD = "family", "parent", "child"
PLAN_PAGES = {
    "networkgroup:plan",
    "networkgroup:plan_history",
    "networkgroup:plan_print",
    "networkgroup:plan_pdf",
}

# (URL name, who opens it, its arguments: the family's, the parent's or the child's pk)
PAGES = [
    ("home", CASEWORKER, None),  # Mit arbejde
    ("families:list", CASEWORKER, None),
    ("families:detail", CASEWORKER, FAMILY),
    ("history:family", CASEWORKER, FAMILY),
    ("networkgroup:plan", CASEWORKER, FAMILY),
    ("networkgroup:plan_history", CASEWORKER, FAMILY),
    ("networkgroup:plan_print", CASEWORKER, FAMILY),
    ("networkgroup:plan_pdf", CASEWORKER, FAMILY),
    ("networkgroup:meeting_list", CASEWORKER, FAMILY),
    ("networkgroup:group", CASEWORKER, FAMILY),
    ("networkgroup:my_meetings", CASEWORKER, None),
    ("employment:parent", CASEWORKER, PARENT),
    ("youth:person", CASEWORKER, CHILD),
    ("youth:timeline", CASEWORKER, CHILD),
    ("targets_home", MANAGER, None),
    ("budget:overview", BUDGET_OFFICER, None),
    ("budget:expenditures", BUDGET_OFFICER, None),
    ("budget:import", BUDGET_OFFICER, None),
    ("budget:capacity", MANAGER, None),
]


def _family(caseworker, name):
    family = FamilyFactory(notes=f"{name} notes")
    parent = PersonFactory(family=family, first_name=f"{name}parent")
    kid = child(family=family, first_name=f"{name}child")
    add_member(family, caseworker, coordinator=True)
    TrackFactory(person=parent)
    YouthTrack.objects.create(
        person=kid, start=datetime.date(2026, 1, 5), education_effort=True,
        guidance_counsellor=caseworker,
    )  # fmt: skip
    return {"obj": family, FAMILY: family.pk, PARENT: parent.pk, CHILD: kid.pk}


def _build_world():
    caseworker = UserFactory(username="g_caseworker", role=Role.FAMILY_CASEWORKER)
    users = {
        CASEWORKER: caseworker,
        BUDGET_OFFICER: UserFactory(username="g_budget", role=Role.BUDGET_OFFICER),
        MANAGER: UserFactory(username="g_manager", role=Role.MANAGER),
    }
    current = _family(caseworker, "Current")
    plan = Plan.objects.get(family=current["obj"])
    goal = services.goal_create(
        actor=caseworker, plan=plan, area=PlanArea.HEALTH, text="Currentgoal"
    )
    services.action_create(
        actor=caseworker, goal=goal, what="Currentaction",
        deadline=datetime.date.today() + datetime.timedelta(days=3),
    )  # fmt: skip
    without_plan = _family(caseworker, "Planless")
    Plan.objects.filter(family=without_plan["obj"]).delete()
    return {"users": users, "current": current, "without_plan": without_plan}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module, rolled back at its end; each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _row_counts() -> dict[str, int]:
    return {
        m._meta.label_lower: m.objects.count()
        for m in apps.get_models()
        if m._meta.managed and m._meta.label_lower not in GROWS_ON_A_READ
    }


def _url(name, arg, family):
    if arg is None:
        return reverse(name)
    if name == "networkgroup:plan_pdf":
        return reverse(name, args=[family[arg], "da"])
    return reverse(name, args=[family[arg]])


@pytest.mark.parametrize("which", ["current", "without_plan"])
@pytest.mark.parametrize(("name", "who", "arg"), PAGES)
def test_a_get_creates_and_changes_no_row(client, db, world, name, who, arg, which):
    family = world[which]
    client.force_login(world["users"][who])
    before = _row_counts()
    response = client.get(_url(name, arg, family))
    assert _row_counts() == before
    if which == "without_plan" and name in PLAN_PAGES:
        assert response.status_code == 404  # a pure read: no plan, no page
    else:
        assert response.status_code == 200
        if name == "networkgroup:plan":
            assert "Currentgoal" in response.content.decode()
        elif arg is not None and name != "networkgroup:plan_pdf":
            assert family["obj"].case_number in response.content.decode()
