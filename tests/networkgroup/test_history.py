"""The plan's history as sentences, one event per save (issue 16 §2), with the person rule
of docs/access.md, and the history written before events existed (migration 0006)."""

import datetime
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bi18.accounts.roles import Role
from networkgroup import selectors, services
from networkgroup.models import ActionStatus, PlanArea, PlanChange, PlanEvent
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def mette(family):
    user = UserFactory(
        username="mette", role=Role.FAMILY_CASEWORKER, first_name="Mette", last_name="Sørensen"
    )
    add_member(family, user)
    return user


@pytest.fixture
def plan(family):
    return selectors.plan_for_family(family=family)


@pytest.fixture
def goal(plan, family, mette):
    return services.goal_create(
        actor=mette,
        plan=plan,
        person=family.people.get(first_name="Amina"),
        area=PlanArea.EMPLOYMENT,
        text="Job i detailhandlen",
    )


@pytest.fixture
def netto(goal, mette, caseworker):
    return services.action_create(
        actor=mette,
        goal=goal,
        what="Kontakt Netto",
        responsible=caseworker,
        deadline=D(2026, 12, 20),
    )


def _rows(html) -> list[str]:
    """The history table's sentences, newest first."""
    return [
        re.sub(r"\s+", " ", re.sub(r'<span class="d-block d-sm-none.*?</span>', "", cell)).strip()
        for cell in re.findall(r'<td class="text-break">(.*?)</td>', html, re.S)
    ]


def test_creating_an_action_is_one_event_read_as_a_sentence(netto, family, mette, login):
    assert PlanEvent.objects.filter(action=netto).count() == 1
    assert PlanChange.objects.filter(action=netto).count() == 4  # the fields stay on record
    html = login(mette).get(reverse("networkgroup:plan_history", args=[family.pk])).content
    rows = _rows(html.decode())
    assert rows[0] == (
        "Mette Sørensen tilføjede handlingen &#x27;Kontakt Netto&#x27; "
        "(frist 20.12.2026, ansvarlig: Caseworker Testbruger)"
    )
    assert rows[1] == (
        "Mette Sørensen tilføjede målet &#x27;Job i detailhandlen&#x27; (Beskæftigelse) "
        "for Amina Hassan"
    )
    assert len(rows) == 2


def test_changes_read_as_what_changed_from_and_to(netto, goal, plan, family, mette, login):
    netto = services.action_update(actor=mette, action=netto, deadline=D(2027, 1, 12), version=1)
    netto = services.action_update(actor=mette, action=netto, deadline=D(2027, 1, 19), version=2)
    netto = services.action_update(actor=mette, action=netto, status=ActionStatus.DONE, version=3)
    services.action_update(
        actor=mette,
        action=netto,
        what="Kontakt Netto igen",
        deadline=None,
        version=4,
    )
    services.plan_mark_reviewed(actor=mette, plan=plan, on=D(2027, 1, 2))
    html = login(mette).get(reverse("networkgroup:plan_history", args=[family.pk])).content
    rows = _rows(html.decode())
    # Earlier events name the action by its text now (it is the same action).
    assert rows[:5] == [
        "Mette Sørensen markerede planen som gennemgået; næste gennemgang 02.04.2027",
        "Mette Sørensen ændrede handlingen &#x27;Kontakt Netto igen&#x27;: hvad fra "
        "&#x27;Kontakt Netto&#x27; til &#x27;Kontakt Netto igen&#x27;; frist fra 19.01.2027 til –",
        "Mette Sørensen satte &#x27;Kontakt Netto igen&#x27; til udført",
        "Mette Sørensen ændrede fristen for &#x27;Kontakt Netto igen&#x27; fra 12.01 til "
        "19.01.2027",
        "Mette Sørensen ændrede fristen for &#x27;Kontakt Netto igen&#x27; fra 20.12.2026 til "
        "12.01.2027",
    ]


def test_plan_page_latest_changes_are_sentences(netto, family, mette, login):
    html = login(mette).get(reverse("networkgroup:plan", args=[family.pk])).content.decode()
    latest = html[html.index('id="h-recent"') :]
    assert "Mette Sørensen tilføjede handlingen &#x27;Kontakt Netto&#x27;" in latest
    assert "→" not in latest


def test_history_page_does_not_label_action_rows_with_the_goal(netto, family, mette, login):
    services.action_create(actor=mette, goal=netto.goal, what="Send CV")
    html = login(mette).get(reverse("networkgroup:plan_history", args=[family.pk])).content
    html = html.decode()
    # The goal's text only where the goal itself was created.
    assert html.count("Job i detailhandlen") == 1
    # Whom each event is about: the "For" column of the three events (and its copy for narrow
    # screens) and the goal's creation.
    assert html.count("Amina Hassan") == 7


def test_a_youth_counsellor_sees_the_young_persons_and_the_familys_events_only(
    family, plan, goal, netto, mette, login
):
    uu = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    sara = family.people.get(first_name="Sara")
    school = services.goal_create(
        actor=mette, plan=plan, person=sara, area=PlanArea.EDUCATION, text="Skolestart"
    )
    whole = services.goal_create(actor=mette, plan=plan, area=PlanArea.HOUSING, text="Ny bolig")
    client = login(uu)
    url = reverse("networkgroup:plan_history", args=[family.pk])
    text = client.get(url).content.decode()
    assert "Skolestart" in text and "Ny bolig" in text
    assert "Kontakt Netto" not in text and "Amina" not in text and "detailhandlen" not in text
    # Moving Amina's goal to the whole family shows it (and its action) to the counsellor,
    # but no event that names Amina: the move, or the goal's creation "for Amina Hassan".
    services.goal_update(actor=mette, goal=goal, person=None, version=1)
    text = client.get(url).content.decode()
    assert "Kontakt Netto" in text
    assert "Amina" not in text
    assert PlanEvent.objects.filter(goal=goal, names_former_person=True).count() == 2
    full = login(mette).get(url).content.decode()
    assert "fra Amina Hassan til hele familien" in full
    assert school and whole


def test_history_page_queries_do_not_grow_with_events(netto, family, mette, login):
    client = login(mette)
    url = reverse("networkgroup:plan_history", args=[family.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        services.action_create(actor=mette, goal=netto.goal, what=f"Opgave {n}")
    with CaptureQueriesContext(connection) as many:
        assert "Opgave 9" in client.get(url).content.decode()
    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True)
def test_history_written_before_events_is_grouped_into_one_event_per_save(caseworker, family):
    """Migration 0006: the old rows of one save (same time, actor, goal, action) become one
    event with the right verb, nothing is lost, and the migration reverses."""
    executor = MigrationExecutor(connection)
    old = [("networkgroup", "0004_meeting_current_agenda_item")]
    executor.migrate(old)
    old_apps = executor.loader.project_state(old).apps
    Plan = old_apps.get_model("networkgroup", "Plan")
    Goal = old_apps.get_model("networkgroup", "Goal")
    Action = old_apps.get_model("networkgroup", "Action")
    Change = old_apps.get_model("networkgroup", "PlanChange")
    plan = Plan.objects.get(family_id=family.pk)  # created with the family
    goal = Goal.objects.create(
        plan=plan, area="health", text="Sund kost", created_by_id=caseworker.pk,
        updated_by_id=caseworker.pk,
    )  # fmt: skip
    action = Action.objects.create(
        goal=goal, plan=plan, what="Book diætist", created_by_id=caseworker.pk,
        updated_by_id=caseworker.pk,
    )  # fmt: skip
    t1, t2, t3 = (datetime.datetime(2026, 6, d, 10, tzinfo=datetime.UTC) for d in (1, 2, 3))

    def rows(at, object_type, fields, **ids):
        for field, before, after in fields:
            Change.objects.create(
                plan=plan, actor_id=caseworker.pk, at=at, object_type=object_type,
                field=field, before=before, after=after, **ids,
            )  # fmt: skip

    rows(t1, "goal", [("person", "", ""), ("area", "", "health"), ("text", "", "Sund kost")],
         goal=goal)  # fmt: skip
    rows(t1, "action", [("what", "", "Book diætist"), ("deadline", "", "2026-06-10"),
                        ("status", "", "planned"), ("responsible", "", "")],
         goal=goal, action=action)  # fmt: skip
    rows(t2, "action", [("deadline", "2026-06-10", "2026-06-24"), ("status", "planned", "done")],
         goal=goal, action=action)  # fmt: skip
    rows(t3, "plan", [("last_reviewed_on", "", "2026-06-03"), ("review_date", "2026-09-01",
                                                               "2026-09-03")])  # fmt: skip
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("networkgroup"))

    events = list(PlanEvent.objects.filter(plan_id=plan.pk).order_by("at", "object_type"))
    assert [(e.object_type, e.verb) for e in events] == [
        ("action", "created"), ("goal", "created"), ("action", "changed"), ("plan", "reviewed"),
    ]  # fmt: skip
    assert PlanChange.objects.filter(plan_id=plan.pk).count() == 3 + 4 + 2 + 2
    assert all(e.changes.count() == n for e, n in zip(events, (4, 3, 2, 2), strict=True))
    from networkgroup.history import sentence

    assert sentence(events[2]) == (
        "Caseworker Testbruger ændrede handlingen 'Book diætist': frist fra 10.06 til "
        "24.06.2026; status fra Planlagt til Udført"
    )
    # And back: the rows are kept, the events go.
    executor.loader.build_graph()
    executor.migrate(old)
    assert Change.objects.filter(plan=plan).count() == 11
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("networkgroup"))


def test_filters_within_one_family_give_the_same_rows_and_never_more(
    family, plan, goal, netto, mette
):
    """networkgroup.access's `family_id` names only that family in the filter (a shorter
    query): the same rows as the filter over all of the user's families, for a full member
    and for a youth counsellor who is a full member elsewhere; none for another family."""
    from families.models import Person
    from networkgroup import access
    from networkgroup.models import Action, Decision, Goal, Meeting
    from tests.factories import FamilyFactory, PersonFactory

    sara = family.people.get(first_name="Sara")
    school = services.goal_create(
        actor=mette, plan=plan, person=sara, area=PlanArea.EDUCATION, text="Skolestart"
    )
    services.action_create(actor=mette, goal=school, what="Skoletaske")
    services.goal_create(actor=mette, plan=plan, area=PlanArea.HOUSING, text="Ny bolig")
    meeting = Meeting.objects.create(
        family=family, starts_at=datetime.datetime.now(datetime.UTC), created_by=mette
    )
    Decision.objects.create(meeting=meeting, text="Om Amina", person=goal.person, created_by=mette)
    Decision.objects.create(meeting=meeting, text="Om Sara", person=sara, created_by=mette)
    uu = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    elsewhere = FamilyFactory()
    PersonFactory(family=elsewhere)
    add_member(elsewhere, uu)  # a full member of another family
    add_member(elsewhere, mette)
    meeting.attending_members.add(uu)

    def rows(user, family_id):
        return {
            "goals": set(access.goals(user, Goal.objects.filter(plan=plan), family_id=family_id)),
            "actions": set(
                access.actions(user, Action.objects.filter(plan=plan), family_id=family_id)
            ),
            "events": set(
                access.events(user, PlanEvent.objects.filter(plan=plan), family_id=family_id)
            ),
            "changes": set(
                access.changes(user, PlanChange.objects.filter(plan=plan), family_id=family_id)
            ),
            "decisions": set(access.decisions(user, meeting.decisions.all(), family_id=family_id)),
            "meetings": set(
                access.meetings(user, Meeting.objects.filter(family=family), family_id=family_id)
            ),
            "people": set(
                access.people(user, Person.objects.filter(family=family), family_id=family_id)
            ),
            "choices": set(access.people_choices(user, family)),
        }

    for user in (mette, uu):
        everywhere, within = rows(user, None), rows(user, family.pk)
        assert within == everywhere
        assert all(within.values()), within  # every kind has rows to compare
    youth = rows(uu, family.pk)
    assert goal not in youth["goals"] and school in youth["goals"]
    assert {p.first_name for p in youth["people"]} == {"Sara", "Ali"}
    # Named with another family, the same rows are filtered away, never let through.
    other = rows(mette, elsewhere.pk)
    assert not any(v for k, v in other.items() if k != "choices")
