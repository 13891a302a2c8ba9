"""Network-group meetings: agenda proposed from the plan, decisions that become
actions, minutes that lock on approval, interpreters, query counts."""

import datetime
import re
import uuid
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext, ContextList
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from families.models import PersonRole
from networkgroup import selectors, services
from networkgroup.models import Action, ActionStatus, Decision, Goal, Meeting, PlanArea, PlanEvent
from networkgroup.selectors import agenda_proposal
from tests.factories import PersonFactory, add_member

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Presence lives in the cache: give each test its own key space (Redis when
    REDIS_URL is set, so that runs sharing a Redis never see each other)."""
    cache_settings = {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    settings.CACHES = {"default": cache_settings}


@pytest.fixture
def group(family, employment_consultant):
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    return family


@pytest.fixture
def plan(group):
    return selectors.plan_for_family(family=group)


@pytest.fixture
def goal(plan, caseworker):
    return services.goal_create(
        actor=caseworker, plan=plan, area=PlanArea.ECONOMY, text="A budget the family keeps"
    )


def _at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _meeting(group, actor, days=0, **kwargs) -> Meeting:
    data = services.MeetingData(
        starts_at=_at(days),
        place="Nørrebro Borgerservice",
        attending_members=kwargs.pop("attending_members", [actor]),
        attending_people=kwargs.pop("attending_people", []),
        **kwargs,
    )
    return services.meeting_create(actor=actor, family=group, data=data)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _url(name, *args):
    return reverse(f"networkgroup:{name}", args=args)


def _action(goal, actor, what, days, status=ActionStatus.PLANNED):
    return services.action_create(
        actor=actor,
        goal=goal,
        what=what,
        deadline=timezone.localdate() + datetime.timedelta(days=days),
        status=status,
    )


# --- Agenda ------------------------------------------------------------------------------


def test_agenda_is_proposed_from_overdue_due_soon_and_changes_since_last_meeting(
    group, goal, caseworker
):
    last = _meeting(group, caseworker, days=-30)
    overdue = _action(goal, caseworker, "Overdue: debt counselling", -3)
    due = _action(goal, caseworker, "Due soon: open a bank account", 10)
    _action(goal, caseworker, "After the next meeting: pension", 60)
    _action(goal, caseworker, "Done already", -5, status=ActionStatus.DONE)
    # A change made before the last meeting is not "since the last meeting".
    PlanEvent.objects.filter(plan=goal.plan, object_type="goal").update(
        at=last.starts_at - datetime.timedelta(days=1)
    )
    proposal = agenda_proposal(
        family=group,
        user=caseworker,
        starts_at=_at(0),
        until=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert proposal.overdue == [overdue]
    assert proposal.due_soon == [due]
    assert proposal.since == last.starts_at
    changed = {(c.action_id, c.verb) for c in proposal.changes}
    assert (overdue.pk, "created") in changed
    assert not any(c.object_type == "goal" for c in proposal.changes)
    text = proposal.as_text()
    assert "Overdue: debt counselling" in text and "Due soon: open a bank account" in text
    assert "pension" not in text and "Done already" not in text


def test_agenda_counts_all_changes_since_the_last_meeting_and_shows_the_latest(
    group, goal, caseworker
):
    _meeting(group, caseworker, days=-30)
    for n in range(selectors.AGENDA_CHANGES_SHOWN + 4):
        _action(goal, caseworker, f"Action {n}", 10)
    since = PlanEvent.objects.filter(plan=goal.plan, at__gt=_at(-30))
    proposal = agenda_proposal(family=group, user=caseworker, starts_at=_at(0))
    assert proposal.changes_total == since.count() == selectors.AGENDA_CHANGES_SHOWN + 5
    assert [c.pk for c in proposal.changes] == list(
        since.order_by("-at", "-id").values_list("pk", flat=True)[: selectors.AGENDA_CHANGES_SHOWN]
    )
    page = _client(caseworker).get(_url("meeting", group.pk, _meeting(group, caseworker).pk))
    assert reverse("networkgroup:plan_history", args=[group.pk]) in page.content.decode()
    # Nothing since the last meeting: no rows, a count of nought.
    PlanEvent.objects.filter(plan=goal.plan).update(at=_at(-40))
    proposal = agenda_proposal(family=group, user=caseworker, starts_at=_at(0))
    assert (proposal.changes_total, proposal.changes) == (0, [])


def test_new_meeting_gets_the_proposed_agenda_when_none_is_given(group, goal, caseworker):
    _action(goal, caseworker, "Overdue: debt counselling", -3)
    meeting = _meeting(group, caseworker, days=1)
    assert "Overdue: debt counselling" in meeting.agenda
    assert AuditEvent.objects.filter(event="networkgroup.meeting.created").exists()


def test_meeting_mode_shows_agenda_and_plan_side_by_side_and_is_audited(
    group, goal, caseworker, employment_consultant
):
    overdue = _action(goal, caseworker, "Overdue: debt counselling", -3)
    meeting = _meeting(group, caseworker)
    response = _client(employment_consultant).get(_url("meeting", group.pk, meeting.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "data-agenda-overdue" in body and f'href="#action-{overdue.pk}"' in body
    assert f'id="action-{overdue.pk}"' in body  # the plan side
    assert 'id="presence"' in body
    assert AuditEvent.objects.filter(
        event="networkgroup.meeting.viewed", actor=employment_consultant
    ).exists()


# --- Creating meetings --------------------------------------------------------------------


def test_coordinator_creates_a_meeting_with_attendees_and_interpreter(
    group, caseworker, employment_consultant
):
    parent = group.people.filter(role=PersonRole.PARENT).first()
    response = _client(caseworker).post(
        _url("meeting_create", group.pk),
        {
            "starts_at": "2030-03-04T10:00",
            "place": "Nørrebro Borgerservice",
            "attending_members": [caseworker.pk, employment_consultant.pk],
            "attending_people": [parent.pk],
            "interpreter_booked": "on",
            "interpreter_language": "Arabic",
            "next_meeting_date": "2030-06-01",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(family=group)
    assert set(meeting.attending_members.all()) == {caseworker, employment_consultant}
    assert list(meeting.attending_people.all()) == [parent]
    assert meeting.interpreter_language == "Arabic"


def test_only_the_coordinator_convenes(group, employment_consultant):
    assert _client(employment_consultant).get(_url("meeting_create", group.pk)).status_code == 404


def test_booked_interpreter_needs_a_language(group, caseworker):
    response = _client(caseworker).post(
        _url("meeting_create", group.pk),
        {"starts_at": "2030-03-04T10:00", "place": "X", "interpreter_booked": "on"},
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_a_child_under_18_is_never_the_interpreter(group, caseworker):
    child = group.people.filter(role=PersonRole.CHILD).first()  # born 2010
    response = _client(caseworker).post(
        _url("meeting_create", group.pk),
        {"starts_at": "2026-03-04T10:00", "place": "X", "interpreting_person": child.pk},
    )
    assert response.status_code == 200
    assert "interpreting_person" in response.context["form"].errors
    assert not Meeting.objects.exists()
    with pytest.raises(services.ServiceError):
        _meeting(group, caseworker, interpreting_person=child)


def test_an_adult_child_may_interpret(group, caseworker):
    adult = PersonFactory(
        family=group, role=PersonRole.CHILD, date_of_birth=datetime.date(2000, 1, 1)
    )
    meeting = _meeting(group, caseworker, interpreting_person=adult)
    assert meeting.interpreting_person == adult


def test_attending_members_must_be_in_the_group(group, caseworker, other_caseworker):
    with pytest.raises(services.ServiceError):
        _meeting(group, caseworker, attending_members=[other_caseworker])


# --- Decisions → actions ---------------------------------------------------------------------


def test_a_decision_becomes_a_plan_action_in_one_step(
    group, goal, caseworker, employment_consultant
):
    meeting = _meeting(group, caseworker)
    response = _client(employment_consultant).post(
        _url("meeting_decision", group.pk, meeting.pk),
        {
            "text": "Apply for debt counselling",
            "goal": goal.pk,
            "responsible": caseworker.pk,
            "deadline": "2030-05-01",
        },
        **HTMX,
    )
    assert response.status_code == 200
    decision = Decision.objects.get(meeting=meeting)
    action = decision.action
    assert (action.what, action.responsible, action.deadline, action.goal) == (
        "Apply for debt counselling",
        caseworker,
        datetime.date(2030, 5, 1),
        goal,
    )
    body = response.content.decode()
    assert 'id="decisions"' in body
    # The plan side gets the new action out of band, appended to its goal – the rest of
    # the plan (and any editor open there) is left alone.
    assert f'hx-swap-oob="beforeend:#goal-{goal.pk}-actions"' in body
    assert f'id="action-{action.pk}"' in body
    assert f'id="goal-{goal.pk}"' not in body
    assert PlanEvent.objects.filter(action=action).count() == 1  # one save, one event
    assert AuditEvent.objects.filter(event="networkgroup.decision.recorded").exists()


def test_decision_goal_choices_name_whom_each_goal_is_for(group, plan, caseworker):
    """Two children often share a goal text: the choice says whose goal it is."""
    for first_name in ("Sara", "Ali"):
        services.goal_create(
            actor=caseworker,
            plan=plan,
            area=PlanArea.EDUCATION,
            text="Completes year 9",
            person=group.people.get(first_name=first_name),
        )
    services.goal_create(actor=caseworker, plan=plan, area=PlanArea.HOUSING, text="A bigger flat")
    meeting = _meeting(group, caseworker)
    choices = [
        label
        for value, label in _client(caseworker)
        .get(_url("meeting", group.pk, meeting.pk))
        .context["decision_form"]
        .fields["goal"]
        .choices
        if value
    ]
    assert sorted(choices) == sorted(
        [
            "Uddannelse: Completes year 9 (Sara Hassan)",
            "Uddannelse: Completes year 9 (Ali Hassan)",
            "Bolig: A bigger flat (Hele familien)",
        ]
    )


def test_a_decision_under_a_goal_needs_no_owner_or_deadline(group, goal, caseworker):
    meeting = _meeting(group, caseworker)
    response = _client(caseworker).post(
        _url("meeting_decision", group.pk, meeting.pk),
        {"text": "Something", "kind": "action", "goal": goal.pk},
        **HTMX,
    )
    assert response.status_code == 200
    decision = Decision.objects.get()
    assert (decision.action.goal, decision.action.responsible, decision.action.deadline) == (
        goal,
        None,
        None,
    )
    assert "ingen frist" in response.content.decode()


def test_a_decision_can_create_a_new_goal_for_another_person(group, goal, caseworker):
    """The decision about Karim need not be filed under Amira's goal (issue 16 §3)."""
    meeting = _meeting(group, caseworker)
    omar = group.people.get(first_name="Omar")
    response = _client(caseworker).post(
        _url("meeting_decision", group.pk, meeting.pk),
        {"text": "Omar starter på sprogskole", "kind": "new_goal", "person": omar.pk,
         "area": PlanArea.LANGUAGE, "responsible": caseworker.pk},
        **HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    decision = Decision.objects.get()
    new_goal = decision.action.goal
    assert (new_goal.text, new_goal.person, new_goal.area) == (
        "Omar starter på sprogskole",
        omar,
        PlanArea.LANGUAGE,
    )
    assert decision.person == omar and decision.action.responsible == caseworker
    body = response.content.decode()
    assert 'hx-swap-oob="beforeend:#plan-goals"' in body and f'id="goal-{new_goal.pk}"' in body
    # Without a responsible person or deadline the new goal has no action yet.
    _client(caseworker).post(
        _url("meeting_decision", group.pk, meeting.pk),
        {"text": "Familien søger større bolig", "kind": "new_goal", "area": PlanArea.HOUSING},
    )
    housing = Goal.objects.get(text="Familien søger større bolig")
    assert housing.person is None and not housing.actions.exists()


def test_a_decision_can_stand_alone_and_follows_whom_it_is_about(
    group, caseworker, retention_counsellor
):
    from bi18.accounts.roles import Role as R
    from tests.factories import UserFactory

    uu = UserFactory(username="uu", role=R.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(group, uu, role=R.YOUTH_GUIDANCE_COUNSELLOR)
    meeting = _meeting(group, caseworker, attending_members=[caseworker, uu])
    amina = group.people.get(first_name="Amina")
    client = _client(caseworker)
    client.post(
        _url("meeting_decision", group.pk, meeting.pk),
        {"text": "Amina holder pause i praktikken", "kind": "alone", "person": amina.pk},
    )
    client.post(
        _url("meeting_decision", group.pk, meeting.pk),
        {"text": "Næste møde holdes hjemme", "kind": "alone"},
    )
    assert Decision.objects.filter(action__isnull=True).count() == 2
    assert not Action.objects.exists() and not Goal.objects.filter(plan__family=group).exists()
    page = _client(uu).get(_url("meeting", group.pk, meeting.pk)).content.decode()
    assert "Næste møde holdes hjemme" in page
    assert "Amina holder pause" not in page


@pytest.mark.parametrize(
    "data,error",
    [
        ({"kind": "action"}, "Vælg det mål, handlingen hører under."),
        ({"kind": "new_goal"}, "Vælg det nye måls område."),
        ({"kind": "alone", "deadline": "2030-01-01"}, "En beslutning alene har ingen"),
        ({"kind": "nonsense"}, "Marker en gyldig valgmulighed"),
    ],
)
def test_a_decision_with_bad_input_gets_a_clear_error_and_keeps_the_text(
    group, caseworker, data, error
):
    meeting = _meeting(group, caseworker)
    response = _client(caseworker).post(
        _url("meeting_decision", group.pk, meeting.pk),
        {"text": "Beholdes", **data},
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert error in body and "Beholdes" in body
    assert not Decision.objects.exists() and not Action.objects.exists()


# --- Minutes --------------------------------------------------------------------------------


def test_minutes_saved_in_place_with_version(group, caseworker):
    meeting = _meeting(group, caseworker)
    response = _client(caseworker).post(
        _url("meeting_minutes", group.pk, meeting.pk),
        {"minutes": "We agreed on the budget.", "version": meeting.version},
        **HTMX,
    )
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.minutes == "We agreed on the budget."


def test_concurrent_minutes_get_the_conflict_view(group, caseworker, employment_consultant):
    meeting = _meeting(group, caseworker)
    url = _url("meeting_minutes", group.pk, meeting.pk)
    _client(caseworker).post(url, {"minutes": "first", "version": 1}, **HTMX)
    body = (
        _client(employment_consultant)
        .post(url, {"minutes": "second", "version": 1}, **HTMX)
        .content.decode()
    )
    assert 'data-conflict="minutes"' in body and "first" in body and "second" in body
    meeting.refresh_from_db()
    assert meeting.minutes == "first"


def test_approved_minutes_are_locked_and_changes_go_to_an_audited_addendum(
    group, goal, caseworker, employment_consultant
):
    meeting = _meeting(group, caseworker)
    services.meeting_save_minutes(actor=caseworker, meeting=meeting, minutes="Agreed.", version=1)
    member = _client(employment_consultant)
    # Only the coordinator approves.
    member.post(_url("meeting_approve", group.pk, meeting.pk), {"confirmed": "1"})
    meeting.refresh_from_db()
    assert not meeting.is_locked
    _client(caseworker).post(_url("meeting_approve", group.pk, meeting.pk), {"confirmed": "1"})
    meeting.refresh_from_db()
    assert meeting.is_locked and meeting.minutes_approved_by == caseworker
    assert AuditEvent.objects.filter(event="networkgroup.meeting.minutes_approved").exists()

    # Editing after approval is refused: by the view, and by the service's write.
    member.post(
        _url("meeting_minutes", group.pk, meeting.pk),
        {"minutes": "Rewritten history", "version": meeting.version},
        **HTMX,
    )
    with pytest.raises(services.ServiceError):
        services.meeting_save_minutes(
            actor=caseworker, meeting=meeting, minutes="x", version=meeting.version
        )
    assert member.get(_url("meeting_edit", group.pk, meeting.pk)).status_code == 302
    decision = member.post(
        _url("meeting_decision", group.pk, meeting.pk),
        {"text": "Late", "goal": goal.pk, "responsible": caseworker.pk, "deadline": "2030-01-01"},
        **HTMX,
    )
    assert decision.status_code == 200 and not Decision.objects.exists()
    meeting.refresh_from_db()
    assert meeting.minutes == "Agreed."

    member.post(_url("meeting_addendum", group.pk, meeting.pk), {"text": "The bank meeting moved."})
    addendum = meeting.addenda.get()
    assert addendum.author == employment_consultant
    event = AuditEvent.objects.get(event="networkgroup.meeting.addendum_added")
    assert event.actor == employment_consultant
    assert event.detail["addendum_id"] == addendum.pk
    page = member.get(_url("meeting", group.pk, meeting.pk)).content.decode()
    assert "The bank meeting moved." in page and 'name="minutes"' not in page


def test_addendum_is_refused_before_approval(group, caseworker):
    meeting = _meeting(group, caseworker)
    with pytest.raises(services.ServiceError):
        services.meeting_add_addendum(actor=caseworker, meeting=meeting, text="x")


def test_non_members_get_404_on_meetings(group, caseworker, other_caseworker, manager):
    meeting = _meeting(group, caseworker)
    for user in (other_caseworker, manager):
        client = _client(user)
        assert client.get(_url("meeting", group.pk, meeting.pk)).status_code == 404
        assert client.get(_url("meeting_list", group.pk)).status_code == 404


# --- Query counts ---------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_meeting_page_queries_do_not_grow_with_goals_actions_or_history(
    django_assert_max_num_queries, group, plan, caseworker, employment_consultant
):
    def grow(goals, actions, edits):
        for g in range(goals):
            goal = services.goal_create(
                actor=caseworker, plan=plan, area=PlanArea.HEALTH, text=f"goal {g}"
            )
            for a in range(actions):
                action = _action(goal, caseworker, f"a{g}.{a}", days=(a * 7) - 10)
                for n in range(edits):
                    services.action_update(
                        actor=caseworker,
                        action=action,
                        what=f"a{g}.{a}.{n}",
                        version=n + 1,
                    )
                Decision.objects.create(
                    meeting=meeting, text=action.what, action=action, created_by=caseworker
                )

    _meeting(group, caseworker, days=-40)
    meeting = _meeting(group, caseworker, attending_members=[caseworker, employment_consultant])
    client = _client(caseworker)
    urls = [_url("meeting", group.pk, meeting.pk), _url("meeting_list", group.pk)]
    grow(1, 1, 1)
    client.get(urls[0])
    small = [_count(client, url) for url in urls]
    grow(12, 4, 3)
    large = [_count(client, url) for url in urls]
    assert large == small
    # 22, of which the meeting's documents are the journal's person scope (1: the family's
    # people; its members come from the page's read) and their list (1), and the agenda's
    # changes since the last meeting are one query with their count; the addenda are read
    # only once the minutes are approved (and the decision form is then not drawn).
    with django_assert_max_num_queries(22):
        client.get(urls[0])
    services.meeting_approve_minutes(actor=caseworker, meeting=meeting)
    services.meeting_add_addendum(actor=caseworker, meeting=meeting, text="Later")
    with django_assert_max_num_queries(22):
        assert "Later" in client.get(urls[0]).content.decode()


def test_approving_keeps_minutes_typed_but_not_saved(group, caseworker):
    meeting = _meeting(group, caseworker)
    response = _client(caseworker).post(
        _url("meeting_approve", group.pk, meeting.pk),
        {
            "minutes": "Typed at the end of the meeting.",
            "version": meeting.version,
            "confirmed": "1",
        },
        **HTMX,
    )
    assert response["HX-Redirect"] == _url("meeting", group.pk, meeting.pk)
    meeting.refresh_from_db()
    assert meeting.is_locked
    assert meeting.minutes == "Typed at the end of the meeting."


def test_approving_over_someone_elses_minutes_shows_the_conflict_instead(
    group, caseworker, employment_consultant
):
    meeting = _meeting(group, caseworker)
    services.meeting_save_minutes(
        actor=employment_consultant, meeting=meeting, minutes="Theirs.", version=1
    )
    response = _client(caseworker).post(
        _url("meeting_approve", group.pk, meeting.pk),
        {"minutes": "Mine.", "version": 1, "confirmed": "1"},
        **HTMX,
    )
    body = response.content.decode()
    assert 'data-conflict="minutes"' in body and "Theirs." in body and "Mine." in body
    meeting.refresh_from_db()
    assert not meeting.is_locked and meeting.minutes == "Theirs."


def _meeting_post(meeting, **changes):
    data = {
        "starts_at": "2030-03-04T10:00",
        "place": meeting.place,
        "attending_members": [u.pk for u in meeting.attending_members.all()],
        "agenda": meeting.agenda,
        "version": meeting.version,
    }
    data.update(changes)
    return data


def test_meeting_details_are_edited_with_a_version_check(group, caseworker, employment_consultant):
    meeting = _meeting(group, caseworker)
    url = _url("meeting_edit", group.pk, meeting.pk)
    response = _client(caseworker).post(url, _meeting_post(meeting, place="Rådhuset"))
    assert response.status_code == 302
    stale = _client(employment_consultant).post(url, _meeting_post(meeting, place="Biblioteket"))
    assert stale.status_code == 200
    assert stale.context["current"].place == "Rådhuset"
    assert stale.context["form"]["place"].value() == "Biblioteket"  # kept for the merge
    meeting.refresh_from_db()
    assert meeting.place == "Rådhuset"
    assert AuditEvent.objects.filter(event="networkgroup.meeting.changed").count() == 1


def test_meeting_details_are_locked_with_the_minutes(group, caseworker):
    meeting = _meeting(group, caseworker)
    services.meeting_approve_minutes(actor=caseworker, meeting=meeting)
    meeting.refresh_from_db()
    data = services.MeetingData(
        starts_at=meeting.starts_at, place="Elsewhere", attending_members=[], attending_people=[]
    )
    with pytest.raises(services.ServiceError):
        services.meeting_update(
            actor=caseworker, meeting=meeting, data=data, version=meeting.version
        )


# --- "Møder": meetings across the user's groups -----------------------------------------------


def test_my_meetings_lists_upcoming_meetings_of_my_groups_only(
    group, caseworker, employment_consultant, other_caseworker
):
    from tests.factories import FamilyFactory

    upcoming = _meeting(group, caseworker, days=3)
    past = _meeting(group, caseworker, days=-3)
    other_family = FamilyFactory()
    add_member(other_family, other_caseworker, coordinator=True)
    hidden = _meeting(other_family, other_caseworker, days=2)
    client = _client(employment_consultant)
    response = client.get(reverse("networkgroup:my_meetings"))
    assert response.status_code == 200
    shown = [m.pk for m in response.context["page"].object_list]
    assert shown == [upcoming.pk]
    assert hidden.pk not in shown
    unapproved = client.get(reverse("networkgroup:my_meetings"), {"show": "unapproved"})
    assert [m.pk for m in unapproved.context["page"].object_list] == [past.pk]
    assert AuditEvent.objects.filter(event="networkgroup.meeting.overview_viewed").exists()
    assert reverse("networkgroup:my_meetings") in response.content.decode()  # in the navigation


def test_my_meetings_is_not_for_managers(manager):
    assert _client(manager).get(reverse("networkgroup:my_meetings")).status_code == 403


def test_minutes_of_a_future_meeting_cannot_be_approved(group, caseworker):
    meeting = _meeting(group, caseworker, days=3)
    with pytest.raises(services.ServiceError):
        services.meeting_approve_minutes(actor=caseworker, meeting=meeting)
    meeting.refresh_from_db()
    assert not meeting.is_locked


def test_approving_asks_for_confirmation_first_and_only_after_the_meeting(
    group, caseworker, client
):
    past = _meeting(group, caseworker)
    client.force_login(caseworker)
    page = client.get(_url("meeting", group.pk, past.pk)).content.decode()
    assert "Godkend referatet…" in page and "kan ikke fortrydes" in page
    # Without the confirmation's own button nothing is approved.
    response = client.post(_url("meeting_approve", group.pk, past.pk), {"minutes": "x"})
    assert response.status_code == 302
    past.refresh_from_db()
    assert not past.is_locked
    assert "Bekræft" in client.get(response.url).content.decode()
    upcoming = _meeting(group, caseworker, days=3)
    page = client.get(_url("meeting", group.pk, upcoming.pk)).content.decode()
    assert "Godkend referatet…" not in page
    assert "når mødet har fundet sted" in page


def test_the_new_goals_area_prompts_in_danish(group, goal, caseworker):
    """The area of a decision's new goal starts at "Vælg …", not at an empty option."""
    meeting = _meeting(group, caseworker, days=3)
    body = _client(caseworker).get(_url("meeting", group.pk, meeting.pk)).content.decode()
    select = re.search(r'<select name="area"[^>]*>(.*?)</select>', body, re.S)
    assert select, body
    first = re.search(r"<option[^>]*>([^<]*)</option>", select.group(1))
    assert first and first.group(1) == "Vælg …"


def test_the_meeting_list_calls_only_past_minutes_not_approved(group, caseworker):
    """A meeting still to come has no minutes to approve: '–', not 'Ikke godkendt'."""
    _meeting(group, caseworker, days=-2)
    _meeting(group, caseworker, days=5)
    body = _client(caseworker).get(_url("meeting_list", group.pk)).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]
    assert len(rows) == 2
    upcoming, past = rows  # newest first
    assert "Kommende" in upcoming and "Ikke godkendt" not in upcoming
    assert "Ikke godkendt" in past


# --- The decision and minutes forms as plain markup ------------------------------------------
# Drawn on every view of a meeting, where crispy's templates cost milliseconds: what a browser
# gets must be what crispy rendered, in every state of the form (unbound, with errors, ready
# again after a save).

# The forms as crispy rendered them (the templates before they became plain markup).
CRISPY_DECISION_FORM = """{% load i18n crispy_forms_tags %}{% if not meeting.is_locked %}
<form method="post" action="{% url 'networkgroup:meeting_decision' family.pk meeting.pk %}"
      hx-post="{% url 'networkgroup:meeting_decision' family.pk meeting.pk %}" hx-target="#decisions" hx-swap="outerHTML" novalidate
      aria-label="{% translate 'New decision' %}">
  {% csrf_token %}
  {% if decision_form.non_field_errors %}<div class="alert alert-danger" role="alert">{{ decision_form.non_field_errors|join:" " }}</div>{% endif %}
  <div class="mb-2">{{ decision_form.text|as_crispy_field }}</div>
  <div class="mb-2">{{ decision_form.kind|as_crispy_field }}{% if decision_form.kind.errors %}<div class="text-danger small" role="alert">{{ decision_form.kind.errors|join:" " }}</div>{% endif %}</div>
  <div class="row g-2">
    <div class="col-12">{{ decision_form.goal|as_crispy_field }}</div>
    <div class="col-sm-7">{{ decision_form.person|as_crispy_field }}</div>
    <div class="col-sm-5">{{ decision_form.area|as_crispy_field }}</div>
    <div class="col-sm-7">{{ decision_form.responsible|as_crispy_field }}</div>
    <div class="col-sm-5">{{ decision_form.deadline|as_crispy_field }}</div>
  </div>
  <p class="small text-muted">{% translate "Responsible and deadline are optional; with them a new goal also gets the decision as its first action." %}</p>
  <button class="btn btn-primary btn-sm" type="submit">{% translate "Record decision" %}</button>
  {% if focus_decision_form %}<span class="text-success small ms-2" role="status">{% translate "The decision was recorded." %}</span>{% endif %}
</form>{% endif %}"""

CRISPY_MINUTES_FIELDS = """{% load crispy_forms_tags %}{{ minutes_form.minutes|as_crispy_field }}{{ minutes_form.version }}"""


class _Tokens(HTMLParser):
    """Tags with sorted attributes and text with whitespace collapsed: what a browser reads
    (a textarea's first newline is dropped, as HTML parsers do)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens, self.raw = [], False

    def handle_starttag(self, tag, attrs):
        attrs = sorted((k, " ".join(v.split()) if k == "class" and v else v) for k, v in attrs)
        self.tokens.append((tag, tuple(attrs)))
        self.raw = tag == "textarea"

    def handle_endtag(self, tag):
        self.raw = False
        self.tokens.append(("/" + tag,))

    def handle_data(self, data):
        if self.raw:
            self.tokens.append(("text", data.removeprefix("\n")))
        elif text := " ".join(data.split()):
            self.tokens.append(("text", text))


def _tokens(html: str, start: str, end: str) -> list:
    """The tokens of `html` from the first `start` to the following `end` (inclusive)."""
    i = html.index(start)
    html = html[i : html.index(end, i) + len(end)]
    parser = _Tokens()
    parser.feed(html)
    return parser.tokens


def _crispy(source: str, response) -> str:
    context = response.context  # one template's Context, or a ContextList of several
    context = context[0] if isinstance(context, ContextList) else context
    return engines["django"].from_string(source).render(context.flatten())


def _assert_decision_form_as_crispy(response, meeting):
    action = _url("meeting_decision", meeting.family_id, meeting.pk)
    ours = _tokens(response.content.decode(), f'<form method="post" action="{action}"', "</form>")
    theirs = _tokens(_crispy(CRISPY_DECISION_FORM, response), "<form", "</form>")
    assert ours == theirs


@pytest.mark.parametrize(
    "data",
    [
        {"text": ""},
        {"text": "x", "kind": "action"},
        {"text": "x", "kind": "new_goal"},
        {"text": "x", "kind": "alone", "deadline": "2027-01-01"},
        {"text": "x", "kind": "action", "goal": "999999", "deadline": "bad"},
        {"text": "x", "kind": "bogus"},
        {
            "text": "x" * 5000,
            "kind": "new_goal",
            "person": "999999",
            "area": "bogus",
            "responsible": "999999",
        },
        {"text": "Ready for the next", "kind": "new_goal", "area": "health"},  # saved
    ],
)
def test_decision_form_is_what_crispy_rendered(group, goal, caseworker, data):
    meeting = _meeting(group, caseworker)
    client = _client(caseworker)
    _assert_decision_form_as_crispy(client.get(_url("meeting", group.pk, meeting.pk)), meeting)
    response = client.post(_url("meeting_decision", group.pk, meeting.pk), data, **HTMX)
    assert response.status_code == 200
    _assert_decision_form_as_crispy(response, meeting)
    # A chosen goal, person and deadline come back selected after an error.
    data = {"text": "", "kind": "action", "goal": goal.pk, "deadline": "2027-03-04"}
    response = client.post(_url("meeting_decision", group.pk, meeting.pk), data, **HTMX)
    assert 'value="2027-03-04"' in response.content.decode()
    _assert_decision_form_as_crispy(response, meeting)


@pytest.mark.parametrize(
    "data", [{"minutes": "x" * 60000, "version": "1"}, {"minutes": "<b>&", "version": "x"}]
)
def test_minutes_form_is_what_crispy_rendered(group, caseworker, data):
    meeting = _meeting(group, caseworker)
    client = _client(caseworker)
    for response in (
        client.get(_url("meeting", group.pk, meeting.pk)),
        client.post(_url("meeting_minutes", group.pk, meeting.pk), data, **HTMX),
    ):
        html = response.content.decode()
        ours = _tokens(html, '<div id="div_id_minutes"', 'id="id_version">')
        theirs = _tokens(_crispy(CRISPY_MINUTES_FIELDS, response), "<div", 'id="id_version">')
        assert ours == theirs
