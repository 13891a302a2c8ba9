"""The family plan: in-place editing, conflict-safe co-editing, history, presence,
deadlines and query counts."""

import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from families.worklist.engine import items_for
from networkgroup import selectors, services
from networkgroup.models import Action, ActionStatus, Goal, PlanArea, PlanChange
from tests.factories import add_member, assign

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
def goal(plan, caseworker, group):
    parent = group.people.get(first_name="Amina")
    return services.goal_create(
        actor=caseworker,
        plan=plan,
        person=parent,
        area=PlanArea.EMPLOYMENT,
        text="In a company internship within 6 months",
    )


@pytest.fixture
def action(goal, caseworker, employment_consultant):
    return services.action_create(
        actor=caseworker,
        goal=goal,
        what="Find an internship at a bakery",
        responsible=employment_consultant,
        deadline=timezone.localdate() + datetime.timedelta(days=14),
    )


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _url(name, *args):
    return reverse(f"networkgroup:{name}", args=args)


def _action_post(action, *, what, version, responsible, status=ActionStatus.PLANNED):
    return {
        "what": what,
        "responsible": responsible.pk,
        "deadline": action.deadline.isoformat(),
        "status": status,
        "version": version,
    }


# --- The page ---------------------------------------------------------------------------


def test_member_sees_the_plan_and_the_view_is_audited(login, group, action, caseworker):
    response = login(caseworker).get(_url("plan", group.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Find an internship at a bakery" in body
    assert "In a company internship within 6 months" in body
    assert AuditEvent.objects.filter(
        event="networkgroup.plan.viewed", family_id=group.pk, actor=caseworker
    ).exists()


@pytest.mark.parametrize("who", ["other_caseworker", "manager", "administrator", "job_mentor"])
def test_non_members_get_404_on_the_plan(request, login, group, who):
    user = request.getfixturevalue(who)
    if who == "job_mentor":
        # Assigned to one person: sees that person, not the whole family's plan.
        assign(group.people.first(), user)
    client = login(user)
    assert client.get(_url("plan", group.pk)).status_code == 404
    assert client.get(_url("plan_history", group.pk)).status_code == 404
    assert client.get(_url("plan_pdf", group.pk, "da")).status_code == 404
    assert client.get(_url("goal_create", group.pk), **HTMX).status_code == 404
    assert client.get(_url("goal_create", group.pk)).status_code == 404


def test_the_add_goal_form_is_fetched_when_opened_and_works_without_javascript(
    login, group, goal, caseworker
):
    """A plan with goals renders no add-goal form (it is fetched when its section is
    opened); without JavaScript the section's link opens the form on a page of its own."""
    client = login(caseworker)
    page = client.get(_url("plan", group.pk)).content.decode()
    assert 'id="goal-create"' not in page
    assert f'hx-get="{_url("goal_create", group.pk)}"' in page
    assert f'href="{_url("goal_create", group.pk)}"' in page
    partial = client.get(_url("goal_create", group.pk), **HTMX).content.decode()
    assert 'id="goal-create"' in partial and "<html" not in partial
    assert "Amina" in partial  # the "For" choices: the people the user may see
    assert AuditEvent.objects.filter(
        event="networkgroup.plan.viewed", family_id=group.pk, detail={"page": "goal_form"}
    ).exists()
    own_page = client.get(_url("goal_create", group.pk)).content.decode()
    assert "<html" in own_page and 'id="goal-create"' in own_page and "hx-disable" in own_page
    response = client.post(
        _url("goal_create", group.pk), {"person": "", "area": PlanArea.HOUSING, "text": "A flat"}
    )
    assert response.status_code == 302
    assert Goal.objects.filter(plan__family=group, text="A flat").exists()


def test_an_empty_plan_shows_the_add_goal_form(login, group, plan, caseworker):
    page = login(caseworker).get(_url("plan", group.pk)).content.decode()
    assert 'id="goal-create"' in page


def test_family_page_shows_plan_and_meeting_sections(login, group, action, caseworker):
    body = login(caseworker).get(reverse("families:detail", args=[group.pk])).content.decode()
    assert 'id="h-panel-plan"' in body
    assert 'id="h-panel-meetings"' in body
    assert _url("plan", group.pk) in body


# --- Creating and editing in place ------------------------------------------------------


def test_goal_created_in_place_returns_the_goal_block_and_writes_history(
    login, group, plan, caseworker
):
    client = login(caseworker)
    response = client.post(
        _url("goal_create", group.pk),
        {"person": "", "area": PlanArea.HOUSING, "text": "A larger flat"},
        **HTMX,
    )
    assert response.status_code == 200
    goal = Goal.objects.get(plan=plan)
    assert f'id="goal-{goal.pk}"' in response.content.decode()
    assert "<html" not in response.content.decode()  # a partial, not a page
    assert goal.person is None
    fields = set(PlanChange.objects.filter(goal=goal).values_list("field", flat=True))
    assert fields == {"person", "area", "text"}
    assert AuditEvent.objects.filter(event="networkgroup.goal.created").count() == 1


def test_invalid_goal_is_sent_back_to_the_form(login, group, plan, caseworker):
    response = login(caseworker).post(
        _url("goal_create", group.pk), {"area": "nonsense", "text": ""}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#goal-create"
    assert not Goal.objects.exists()


def test_action_created_in_place_with_owner_and_deadline(
    login, group, goal, caseworker, employment_consultant
):
    response = login(caseworker).post(
        _url("action_create", group.pk, goal.pk),
        {
            "what": "Book a job interview",
            "responsible": employment_consultant.pk,
            "deadline": "2030-01-15",
            "status": ActionStatus.PLANNED,
        },
        **HTMX,
    )
    assert response.status_code == 200
    action = Action.objects.get(goal=goal)
    assert action.plan_id == goal.plan_id
    assert action.responsible == employment_consultant
    body = response.content.decode()
    assert f'id="action-{action.pk}"' in body
    # Appended to the goal's list out of band: an editor open in the same goal is kept.
    assert f'hx-swap-oob="beforeend:#goal-{goal.pk}-actions"' in body
    assert f'id="goal-{goal.pk}"' not in body
    assert "autofocus" in body  # focus lands on the new action


def test_responsible_must_be_a_group_member(login, group, goal, caseworker, other_caseworker):
    response = login(caseworker).post(
        _url("action_create", group.pk, goal.pk),
        {"what": "x", "responsible": other_caseworker.pk, "status": "planned"},
        **HTMX,
    )
    assert response.status_code == 200
    assert not Action.objects.exists()


def test_action_edit_in_place_saves_and_bumps_the_version(
    login, group, action, employment_consultant
):
    client = login(employment_consultant)
    form = client.get(_url("action_edit", group.pk, action.pk), **HTMX)
    assert form.status_code == 200 and 'name="version"' in form.content.decode()
    assert AuditEvent.objects.filter(
        event="networkgroup.action.viewed", detail__action_id=action.pk
    ).exists()
    response = client.post(
        _url("action_edit", group.pk, action.pk),
        _action_post(
            action,
            what="Find an internship at a bakery in Nørrebro",
            version=action.version,
            responsible=employment_consultant,
            status=ActionStatus.IN_PROGRESS,
        ),
        **HTMX,
    )
    assert response.status_code == 200
    assert "data-conflict" not in response.content.decode()
    action.refresh_from_db()
    assert action.version == 2
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.updated_by == employment_consultant


def test_plain_post_without_javascript_redirects_back_to_the_plan(
    login, group, action, employment_consultant
):
    response = login(employment_consultant).post(
        _url("action_edit", group.pk, action.pk),
        _action_post(action, what="Changed", version=1, responsible=employment_consultant),
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#action-{action.pk}")


# --- Conflict-safe co-editing -----------------------------------------------------------


def test_second_save_of_an_action_gets_the_conflict_view_and_can_merge(
    group, action, caseworker, employment_consultant
):
    first, second = _client(caseworker), _client(employment_consultant)
    # Both open the same action at version 1.
    first.get(_url("action_edit", group.pk, action.pk), **HTMX)
    second.get(_url("action_edit", group.pk, action.pk), **HTMX)

    saved = first.post(
        _url("action_edit", group.pk, action.pk),
        _action_post(action, what="FIRST: bakery", version=1, responsible=employment_consultant),
        **HTMX,
    )
    assert "data-conflict" not in saved.content.decode()

    conflict = second.post(
        _url("action_edit", group.pk, action.pk),
        _action_post(action, what="SECOND: supermarket", version=1, responsible=caseworker),
        **HTMX,
    )
    body = conflict.content.decode()
    assert f'data-conflict="action-{action.pk}"' in body
    assert "FIRST: bakery" in body  # theirs
    assert "SECOND: supermarket" in body  # mine, nothing typed is lost
    assert 'name="version" value="2"' in body
    action.refresh_from_db()
    assert action.what == "FIRST: bakery"  # the database kept the first save
    assert action.version == 2

    merged = second.post(
        _url("action_edit", group.pk, action.pk),
        _action_post(
            action,
            what="FIRST: bakery, else SECOND: supermarket",
            version=2,
            responsible=caseworker,
        ),
        **HTMX,
    )
    assert "data-conflict" not in merged.content.decode()
    action.refresh_from_db()
    assert action.what == "FIRST: bakery, else SECOND: supermarket"
    assert action.responsible == caseworker
    assert action.version == 3
    whats = list(
        PlanChange.objects.filter(action=action, field="what")
        .order_by("at", "id")
        .values_list("before", "after")
    )
    assert whats[-2:] == [
        ("Find an internship at a bakery", "FIRST: bakery"),
        ("FIRST: bakery", "FIRST: bakery, else SECOND: supermarket"),
    ]


def test_second_save_of_a_goal_gets_the_conflict_view_and_can_merge(
    group, goal, caseworker, employment_consultant
):
    first, second = _client(caseworker), _client(employment_consultant)
    url = _url("goal_edit", group.pk, goal.pk)
    post = {"person": goal.person_id, "area": PlanArea.EMPLOYMENT}
    first.post(url, {**post, "text": "Internship within 4 months", "version": 1}, **HTMX)
    conflict = second.post(url, {**post, "text": "Internship in retail", "version": 1}, **HTMX)
    body = conflict.content.decode()
    assert f'data-conflict="goal-{goal.pk}"' in body
    assert "Internship within 4 months" in body and "Internship in retail" in body
    goal.refresh_from_db()
    assert goal.text == "Internship within 4 months" and goal.version == 2
    second.post(url, {**post, "text": "Internship in retail within 4 months", "version": 2}, **HTMX)
    goal.refresh_from_db()
    assert goal.text == "Internship in retail within 4 months" and goal.version == 3


def test_stale_version_is_refused_by_the_database_write_itself(
    action, caseworker, employment_consultant, monkeypatch
):
    """Even when the pre-check reads the old row (the other save lands between our
    read and our write), the conditional UPDATE … WHERE version = n refuses."""
    stale = Action.objects.get(pk=action.pk)
    services.action_update(actor=caseworker, action=action, what="first", version=1)
    real_get = Action.objects.select_related

    class _StaleRead:
        def __init__(self, *args):
            pass

        def get(self, pk):
            return stale  # what a concurrent transaction would still have read

    monkeypatch.setattr(Action.objects, "select_related", lambda *a: _StaleRead())
    with pytest.raises(services.PlanConflict):
        services.action_update(actor=employment_consultant, action=stale, what="second", version=1)
    monkeypatch.setattr(Action.objects, "select_related", real_get)
    action.refresh_from_db()
    assert action.what == "first"
    assert not PlanChange.objects.filter(action=action, after="second").exists()


def test_the_saved_goal_returned_is_the_goal_as_stored(
    group, goal, caseworker, employment_consultant
):
    """goal_update hands back the goal as its save wrote it (not read again): every field
    equal to the stored row, the new person and who saved it included."""
    other = group.people.get(first_name="Omar")
    saved = services.goal_update(
        actor=employment_consultant, goal=goal, person=other, text="Job in retail", version=1
    )
    stored = Goal.objects.get(pk=goal.pk)
    fields = [f.attname for f in Goal._meta.concrete_fields]
    assert {f: getattr(saved, f) for f in fields} == {f: getattr(stored, f) for f in fields}
    assert saved.version == 2 and saved.text == "Job in retail"
    assert saved.person == other and saved.person.full_name == "Omar Hassan"
    assert saved.updated_by == employment_consultant
    assert saved.plan.family_id == group.pk
    # The goal the caller passed in is not changed by the save.
    assert goal.version == 1 and goal.text == "In a company internship within 6 months"


def test_the_goal_a_save_reads_is_what_the_orm_reads(plan, goal, caseworker, group):
    """goal_for_update (built once per process) reads the goal, its family's case number and
    its person as select_related() does, for a goal about a person and one about the whole
    family; a goal that is gone is Goal.DoesNotExist, as with get()."""
    from networkgroup.services.plan import goal_for_update

    whole = services.goal_create(actor=caseworker, plan=plan, area=PlanArea.HOUSING, text="Bolig")
    for item in (goal, whole):
        orm = Goal.objects.select_related("plan__family", "person").get(pk=item.pk)
        read = goal_for_update(item.pk)
        fields = [f.attname for f in Goal._meta.concrete_fields]
        assert {f: getattr(read, f) for f in fields} == {f: getattr(orm, f) for f in fields}
        assert read.plan.family.pk == orm.plan.family.pk == group.pk
        assert read.plan.family.case_number == orm.plan.family.case_number
        if orm.person is None:
            assert read.person is None
        else:
            person = ("pk", "family_id", "role", "full_name")
            assert {f: getattr(read.person, f) for f in person} == {
                f: getattr(orm.person, f) for f in person
            }
    with pytest.raises(Goal.DoesNotExist):
        goal_for_update(0)


def test_a_stale_goal_save_is_refused_with_the_goal_as_the_other_saved_it(
    goal, caseworker, employment_consultant
):
    services.goal_update(actor=employment_consultant, goal=goal, text="First", version=1)
    with pytest.raises(services.PlanConflict) as refused:
        services.goal_update(actor=caseworker, goal=goal, text="Second", version=1)
    theirs = refused.value.current
    assert theirs.version == 2 and theirs.text == "First"
    assert theirs.updated_by == employment_consultant
    assert Goal.objects.get(pk=goal.pk).text == "First"
    assert not PlanChange.objects.filter(goal=goal, after="Second").exists()


def test_non_htmx_conflict_shows_both_versions_on_a_page(
    group, action, caseworker, employment_consultant
):
    _client(caseworker).post(
        _url("action_edit", group.pk, action.pk),
        _action_post(action, what="first", version=1, responsible=caseworker),
    )
    response = _client(employment_consultant).post(
        _url("action_edit", group.pk, action.pk),
        _action_post(action, what="second", version=1, responsible=caseworker),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "<html" in body and "first" in body and "second" in body


# --- History ----------------------------------------------------------------------------


def test_every_change_is_kept_with_who_when_field_before_after(
    group, action, goal, plan, caseworker, employment_consultant
):
    services.action_update(
        actor=employment_consultant,
        action=action,
        status=ActionStatus.DONE,
        deadline=datetime.date(2030, 2, 1),
        version=1,
    )
    services.goal_update(actor=caseworker, goal=goal, area=PlanArea.LANGUAGE, version=1)
    services.plan_mark_reviewed(actor=caseworker, plan=plan, on=datetime.date(2030, 1, 1))
    rows = PlanChange.objects.filter(plan=plan)
    status = rows.get(action=action, field="status", before="planned")
    assert (status.after, status.actor, status.goal_id) == ("done", employment_consultant, goal.pk)
    assert rows.get(action=action, field="deadline", after="2030-02-01").before != ""
    assert rows.get(goal=goal, field="area", object_type="goal", before="employment").after == (
        "language"
    )
    assert rows.get(object_type="plan", field="review_date").after == "2030-04-01"
    # creation rows: goal 3 + action 4; changes: 2 + 1 + 2
    assert rows.count() == 3 + 4 + 2 + 1 + 2


def test_unchanged_save_writes_no_history(action, employment_consultant):
    before = PlanChange.objects.count()
    services.action_update(actor=employment_consultant, action=action, what=action.what, version=1)
    assert PlanChange.objects.count() == before
    action.refresh_from_db()
    assert action.version == 1


def test_history_rows_roll_back_with_a_failed_change(action, caseworker, monkeypatch):
    """History and audit are written in the change's transaction: no change, no rows."""
    import networkgroup.services.plan as svc

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(svc, "audit_log", boom)
    with pytest.raises(RuntimeError):
        services.action_update(actor=caseworker, action=action, what="x", version=1)
    action.refresh_from_db()
    assert action.what != "x" and action.version == 1
    assert not PlanChange.objects.filter(after="x").exists()


def test_plan_and_goal_timelines(login, group, action, goal, caseworker):
    services.action_update(actor=caseworker, action=action, status=ActionStatus.DONE, version=1)
    client = login(caseworker)
    plan_history = client.get(_url("plan_history", group.pk))
    assert plan_history.status_code == 200
    goal_history = client.get(_url("goal_history", group.pk, goal.pk))
    assert goal_history.status_code == 200
    for response in (plan_history, goal_history):
        assert "Find an internship at a bakery" in response.content.decode()
    assert AuditEvent.objects.filter(event="networkgroup.goal.history_viewed").exists()


# --- Review, presence, deadlines --------------------------------------------------------


def test_review_date_defaults_to_three_months_and_moves_on_review(login, plan, group, caseworker):
    assert plan.review_date == services.next_review_date(timezone.localdate())
    login(caseworker).post(_url("plan_review", group.pk))
    plan.refresh_from_db()
    assert plan.last_reviewed_on == timezone.localdate()
    assert plan.review_date == services.next_review_date(timezone.localdate())
    assert AuditEvent.objects.filter(event="networkgroup.plan.reviewed").exists()


def test_review_interval_is_a_rule(settings):
    settings.BI18_RULES = {"plan_review_interval_months": 6}
    assert services.next_review_date(datetime.date(2030, 1, 31)) == datetime.date(2030, 7, 31)


def test_due_review_shows_for_the_coordinator_only(plan, caseworker, employment_consultant):
    plan.review_date = timezone.localdate() - datetime.timedelta(days=1)
    plan.save()
    assert [d.kind for d in items_for(caseworker).overdue] == ["networkgroup.plan_review"]
    assert "networkgroup.plan_review" not in [
        d.kind for d in items_for(employment_consultant).overdue
    ]


def test_open_actions_show_for_their_responsible_member(
    action, goal, caseworker, employment_consultant
):
    work = items_for(employment_consultant)
    assert [d.task for d in work.upcoming if d.kind == "networkgroup.plan_action"] == [action.what]
    Action.objects.filter(pk=action.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    assert [d.kind for d in items_for(employment_consultant).overdue] == [
        "networkgroup.plan_action"
    ]
    Action.objects.filter(pk=action.pk).update(status=ActionStatus.DONE)
    assert not items_for(employment_consultant)
    assert "networkgroup.plan_action" not in [d.kind for d in items_for(caseworker).upcoming]


def test_presence_shows_who_else_has_the_plan_open(group, caseworker, employment_consultant):
    first, second = _client(caseworker), _client(employment_consultant)
    first.get(_url("plan", group.pk))
    body = second.get(_url("plan", group.pk)).content.decode()
    assert f'data-presence-user="{caseworker.pk}"' in body
    assert f'data-presence-user="{employment_consultant.pk}"' not in body  # not oneself
    poll = first.get(_url("presence", group.pk), **HTMX).content.decode()
    assert f'data-presence-user="{employment_consultant.pk}"' in poll
    page = first.get(_url("plan", group.pk)).content.decode()
    assert 'hx-trigger="every 20s"' in page  # refreshed well within 30 s


def test_presence_forgets_someone_who_left(group, caseworker, employment_consultant, monkeypatch):
    import networkgroup.presence as presence

    clock = [1_000_000.0]
    monkeypatch.setattr(presence.time, "time", lambda: clock[0])
    _client(caseworker).get(_url("plan", group.pk))
    clock[0] += presence.STALE_SECONDS + 1
    poll = _client(employment_consultant).get(_url("presence", group.pk), **HTMX)
    assert f'data-presence-user="{caseworker.pk}"' not in poll.content.decode()


# --- Query counts ------------------------------------------------------------------------


def _grow(plan, group, actor, goals, actions_per_goal, changes_per_action):
    for g in range(goals):
        goal = services.goal_create(
            actor=actor, plan=plan, area=PlanArea.HEALTH, text=f"goal {g}", person=None
        )
        for a in range(actions_per_goal):
            action = services.action_create(actor=actor, goal=goal, what=f"action {g}.{a}")
            for n in range(changes_per_action):
                services.action_update(
                    actor=actor,
                    action=action,
                    what=f"action {g}.{a} v{n}",
                    version=n + 1,
                )


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_plan_page_queries_do_not_grow_with_goals_actions_or_history(
    django_assert_max_num_queries, group, plan, caseworker
):
    client = _client(caseworker)
    urls = [_url("plan", group.pk), _url("plan_history", group.pk)]
    _grow(plan, group, caseworker, 1, 1, 1)
    client.get(urls[0])  # warm the session
    small = [_count(client, url) for url in urls]
    _grow(plan, group, caseworker, 15, 4, 3)  # 16 goals, 61 actions, 300+ history rows
    large = [_count(client, url) for url in urls]
    assert large == small
    with django_assert_max_num_queries(14):
        client.get(urls[0])


def test_every_in_place_fragment_also_works_as_a_page_without_javascript(
    login, group, action, goal, caseworker
):
    client = login(caseworker)
    for url in (
        _url("goal", group.pk, goal.pk),
        _url("goal_edit", group.pk, goal.pk),
        _url("action", group.pk, action.pk),
        _url("action_edit", group.pk, action.pk),
        _url("action_create", group.pk, goal.pk),
        _url("goal_add_button", group.pk, goal.pk),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<html" in response.content.decode(), url
        partial = client.get(url, **HTMX)
        assert "<html" not in partial.content.decode(), url


def test_fragments_of_another_familys_plan_are_404(login, group, action, goal, other_caseworker):
    from tests.factories import FamilyFactory

    own = FamilyFactory()
    add_member(own, other_caseworker, coordinator=True)
    client = login(other_caseworker)
    # Their own family id with our goal/action ids: the objects are scoped to the family.
    for url in (
        _url("goal_edit", own.pk, goal.pk),
        _url("action_edit", own.pk, action.pk),
        _url("action_create", own.pk, goal.pk),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        _url("action_edit", own.pk, action.pk),
        {"what": "hijack", "status": "planned", "version": 1},
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.what != "hijack"


@pytest.mark.parametrize(
    "name,data",
    [
        ("goal_create", {"area": "x" * 300, "person": "abc", "text": "\x00"}),
        ("action_create", {"what": "", "deadline": "2030-02-31", "responsible": "x"}),
        ("action_edit", {"what": "x", "status": "nope", "version": "abc"}),
        ("goal_edit", {"area": "employment", "text": "x", "version": "99999999999999999999"}),
    ],
)
def test_bad_input_gives_form_errors_never_a_500(
    login, group, action, goal, caseworker, name, data
):
    args = {
        "goal_create": (group.pk,),
        "action_create": (group.pk, goal.pk),
        "action_edit": (group.pk, action.pk),
        "goal_edit": (group.pk, goal.pk),
    }[name]
    client = login(caseworker)
    for extra in ({}, HTMX):
        response = client.post(_url(name, *args), data, **extra)
        assert response.status_code in (200, 409), (name, response.status_code)
    action.refresh_from_db()
    goal.refresh_from_db()
    assert (action.version, goal.version) == (1, 1)


def test_presence_poll_tells_when_someone_else_changed_the_plan(
    group, action, caseworker, employment_consultant
):
    first = _client(caseworker)
    page = first.get(_url("plan", group.pk))
    since = page.context["last_change_id"]
    assert f'"since": {since}' in page.content.decode()
    poll = first.get(_url("presence", group.pk), {"since": since}, **HTMX).content.decode()
    assert "data-changed-by-others" not in poll
    services.action_update(actor=caseworker, action=action, what="my own change", version=1)
    poll = first.get(_url("presence", group.pk), {"since": since}, **HTMX).content.decode()
    assert "data-changed-by-others" not in poll  # one's own changes do not count
    services.action_update(
        actor=employment_consultant,
        action=action,
        what="theirs",
        status=ActionStatus.DONE,
        version=2,
    )
    poll = first.get(_url("presence", group.pk), {"since": since}, **HTMX).content.decode()
    assert 'data-changed-by-others="1"' in poll  # one save of two fields is one change
    services.action_update(actor=employment_consultant, action=action, what="again", version=3)
    poll = first.get(_url("presence", group.pk), {"since": since}, **HTMX).content.decode()
    assert 'data-changed-by-others="2"' in poll
    assert first.get(_url("presence", group.pk), {"since": "x"}, **HTMX).status_code == 200
