"""The live socket of the plan and meeting pages (issue 14), through the project's real ASGI
application (origin check, session, consumer) with channels' WebsocketCommunicator.

The channel layer is the one the settings choose: channels-redis on the real Redis when
REDIS_URL is set (CI), the in-memory layer otherwise.
"""

import asyncio
import datetime
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from bi18.accounts.middleware import SESSION_SEEN_AT
from bi18.accounts.roles import Role
from bi18.asgi import application
from bi18.audit.models import AuditEvent
from networkgroup import selectors, services
from networkgroup.models import Meeting, PlanArea
from tests.factories import UserFactory, add_member

# The consumer reads the database from its own threads: no test transaction around it.
pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = b"http://testserver"
WAIT = 3  # seconds; a notice normally arrives in milliseconds
RECHECK_QUERIES = 4  # session, user, roles and permissions, scope


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def plan_path(family) -> str:
    return f"/ws/netvaerk/{family.pk}/plan/"


def socket(path: str, cookie: str | None, origin: bytes = ORIGIN) -> WebsocketCommunicator:
    headers = [(b"host", b"testserver"), (b"origin", origin)]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    return WebsocketCommunicator(application, path, headers=headers)


def pushed_html(event) -> str:
    """The fragment a class group's event carries, as its sockets forward it (notify.frame)."""
    return json.loads(event["text"])["html"]


def run(coroutine_function, *args):
    """Run a scenario on an event loop of its own thread: the test thread may already run
    one (Playwright's, when browser tests ran first in this session)."""

    def in_thread():
        try:
            return async_to_sync(coroutine_function)(*args)
        finally:
            connections.close_all()  # the thread's own database connection

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(in_thread).result()


async def connects(path, cookie, origin=ORIGIN) -> bool:
    communicator = socket(path, cookie, origin)
    connected, _code = await communicator.connect(timeout=WAIT)
    await communicator.disconnect()
    return connected


async def next_of(communicator, kind: str) -> dict:
    """The next message of `kind`, skipping others (presence, hello)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        message = await communicator.receive_json_from(timeout=WAIT)
        if message.get("type") == kind:
            return message
    raise AssertionError(f"no {kind!r} message")


async def drain(communicator) -> list[dict]:
    """Everything that arrives within a short while."""
    seen = []
    while not await communicator.receive_nothing(timeout=0.3):
        seen.append(await communicator.receive_json_from())
    return seen


@pytest.fixture
def world(family, caseworker, employment_consultant):
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    uu = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR, first_name="Ulla")
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    plan = selectors.plan_for_family(family=family)
    parent = family.people.get(first_name="Amina")
    young = family.people.get(first_name="Sara")
    parent_goal = services.goal_create(
        actor=caseworker, plan=plan, person=parent, area=PlanArea.EMPLOYMENT, text="Praktik"
    )
    youth_goal = services.goal_create(
        actor=caseworker, plan=plan, person=young, area=PlanArea.EDUCATION, text="Dansk 02"
    )
    return {
        "family": family,
        "uu": uu,
        "parent_goal": parent_goal,
        "youth_goal": youth_goal,
    }


def test_a_non_member_an_unknown_family_and_a_stranger_are_refused_alike(world, other_caseworker):
    family = world["family"]

    async def scenario():
        assert not await connects(plan_path(family), session_cookie_async_outsider)
        assert not await connects("/ws/netvaerk/999999/plan/", member_cookie)
        assert not await connects(plan_path(family), None)
        assert await connects(plan_path(family), member_cookie)

    session_cookie_async_outsider = session_cookie(other_caseworker)
    member_cookie = session_cookie(world["uu"])
    run(scenario)


def test_a_socket_from_another_site_is_refused(world, caseworker):
    cookie = session_cookie(caseworker)

    async def scenario():
        assert not await connects(
            plan_path(world["family"]), cookie, origin=b"https://evil.example"
        )
        assert await connects(plan_path(world["family"]), cookie)

    run(scenario)


def test_a_job_mentor_of_a_parent_gets_no_plan_socket(world, job_mentor):
    from tests.factories import assign

    assign(world["family"].people.get(first_name="Amina"), job_mentor)
    cookie = session_cookie(job_mentor)

    async def scenario():
        assert not await connects(plan_path(world["family"]), cookie)

    run(scenario)


def test_an_expired_session_and_a_missing_second_factor_are_refused(world, caseworker, settings):
    cookie = session_cookie(caseworker)
    family = world["family"]

    async def scenario():
        assert not await connects(plan_path(family), cookie)

    # Idle for longer than the timeout.
    from django.contrib.sessions.backends.base import SessionBase  # noqa: F401

    from bi18.accounts.sessions import SessionStore

    store = SessionStore(session_key=cookie)
    store[SESSION_SEEN_AT] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 60
    store.save()
    run(scenario)

    # A password log-in that has not given its second factor.
    settings.TWO_FACTOR_REQUIRED = True
    cookie = session_cookie(caseworker)
    run(scenario)


def test_opening_is_one_audited_read_and_saves_arrive_without_more(world, caseworker):
    family, goal = world["family"], world["parent_goal"]
    cookie = session_cookie(caseworker)
    other = world["family"].members.exclude(user=caseworker).first().user

    async def scenario():
        communicator = socket(plan_path(family), cookie)
        assert (await communicator.connect(timeout=WAIT))[0]
        for text in ("Praktik hos Netto", "Praktik hos Føtex"):
            version = (await database_sync_to_async(type(goal).objects.get)(pk=goal.pk)).version
            await database_sync_to_async(services.goal_update)(
                actor=other, goal=goal, text=text, version=version
            )
            notice = await next_of(communicator, "changed")
            assert notice["kind"] == "goal" and notice["id"] == goal.pk
            assert notice["by"] == other.get_full_name()
            # The notice itself names ids and a person; the content comes only as the
            # fragment rendered for this user.
            assert text not in str({k: v for k, v in notice.items() if k != "html"})
            assert f"data-goal-text>{text}</h3>" in notice["html"]
        await communicator.disconnect()

    run(scenario)
    opened = AuditEvent.objects.filter(event="networkgroup.plan.live_opened", actor=caseworker)
    assert opened.count() == 1
    assert opened.get().family_id == family.pk
    # No audit row per push.
    views = AuditEvent.objects.filter(actor=caseworker, action="view")
    assert list(views.values_list("event", flat=True)) == ["networkgroup.plan.live_opened"]


def test_a_youth_counsellor_receives_nothing_about_the_parents(world, caseworker):
    family, uu = world["family"], world["uu"]
    parent_goal, youth_goal = world["parent_goal"], world["youth_goal"]
    uu_cookie, cw_cookie = session_cookie(uu), session_cookie(caseworker)

    async def scenario():
        uu_socket = socket(plan_path(family), uu_cookie)
        cw_socket = socket(plan_path(family), cw_cookie)
        assert (await uu_socket.connect(timeout=WAIT))[0]
        assert (await cw_socket.connect(timeout=WAIT))[0]
        await drain(uu_socket)
        await drain(cw_socket)

        # The caseworker edits the parent's goal and adds an action to it.
        await cw_socket.send_json_to({"type": "editing", "kind": "goal", "id": parent_goal.pk})
        await database_sync_to_async(services.goal_update)(
            actor=caseworker, goal=parent_goal, text="Praktik i Valby", version=1
        )
        await database_sync_to_async(services.action_create)(
            actor=caseworker, goal=parent_goal, what="Ring til Netto"
        )
        seen_by_uu = await drain(uu_socket)
        assert [m for m in seen_by_uu if m["type"] == "changed"] == []
        editing = [m for m in seen_by_uu if m["type"] == "presence" and m["event"] == "editing"]
        assert editing and all(m["editing"] is None for m in editing)

        # The young person's goal reaches both (so the UU socket is listening).
        await database_sync_to_async(services.goal_update)(
            actor=caseworker, goal=youth_goal, text="Dansk 4", version=1
        )
        notice = await next_of(uu_socket, "changed")
        assert (notice["kind"], notice["id"]) == ("goal", youth_goal.pk)
        await uu_socket.disconnect()
        await cw_socket.disconnect()

    run(scenario)


def test_presence_shows_who_joins_what_they_edit_and_who_leaves(world, caseworker):
    family, goal = world["family"], world["parent_goal"]
    consultant = family.members.exclude(user=caseworker).exclude(user=world["uu"]).get().user
    cw_cookie, ec_cookie = session_cookie(caseworker), session_cookie(consultant)

    async def scenario():
        first = socket(plan_path(family), cw_cookie)
        assert (await first.connect(timeout=WAIT))[0]
        await drain(first)
        second = socket(plan_path(family), ec_cookie)
        assert (await second.connect(timeout=WAIT))[0]

        joined = await next_of(first, "presence")
        assert (joined["event"], joined["user_id"]) == ("join", consultant.pk)
        here = await next_of(second, "presence")
        assert (here["event"], here["user_id"]) == ("here", caseworker.pk)

        await second.send_json_to({"type": "editing", "kind": "goal", "id": goal.pk})
        editing = await next_of(first, "presence")
        assert editing["event"] == "editing"
        assert editing["editing"] == {"kind": "goal", "id": goal.pk}

        # An item of another family (or none at all) is "editing nothing".
        await second.send_json_to({"type": "editing", "kind": "goal", "id": 10**9})
        assert (await next_of(first, "presence"))["editing"] is None

        await second.disconnect()
        left = await next_of(first, "presence")
        assert (left["event"], left["user_id"]) == ("leave", consultant.pk)
        await first.disconnect()

    run(scenario)


def test_a_reconnecting_page_learns_what_changed_meanwhile(world, caseworker):
    from networkgroup.models import PlanChange

    family, uu = world["family"], world["uu"]
    since = PlanChange.objects.order_by("-id").values_list("id", flat=True).first()
    services.goal_update(actor=caseworker, goal=world["parent_goal"], text="Ny tekst", version=1)
    services.goal_update(actor=caseworker, goal=world["youth_goal"], text="Dansk 7", version=1)
    cookies = {"cw": session_cookie(caseworker), "uu": session_cookie(uu)}

    async def resync(cookie):
        communicator = socket(plan_path(family), cookie)
        assert (await communicator.connect(timeout=WAIT))[0]
        await communicator.send_json_to({"type": "resync", "since": since})
        reply = await next_of(communicator, "resync")
        await communicator.disconnect()
        return reply

    caseworker_view = run(resync, cookies["cw"])
    assert caseworker_view["goals"] == sorted([world["parent_goal"].pk, world["youth_goal"].pk])
    assert caseworker_view["last"] > since
    assert run(resync, cookies["uu"])["goals"] == [world["youth_goal"].pk]


def test_meeting_sockets_get_their_own_meetings_decisions_and_minutes(world, caseworker):
    from django.utils import timezone

    family = world["family"]
    consultant = family.members.exclude(user=caseworker).exclude(user=world["uu"]).get().user
    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=timezone.now(), place="Rådhuset", attending_members=[], attending_people=[]
        ),
    )
    cookie = session_cookie(consultant)
    uu_cookie = session_cookie(world["uu"])
    path = f"/ws/netvaerk/{family.pk}/moeder/{meeting.pk}/"

    async def scenario():
        # The UU counsellor does not attend this meeting: no socket, as no page.
        assert not await connects(path, uu_cookie)
        on_meeting = socket(path, cookie)
        on_plan = socket(plan_path(family), cookie)
        assert (await on_meeting.connect(timeout=WAIT))[0]
        assert (await on_plan.connect(timeout=WAIT))[0]
        await drain(on_meeting)
        await drain(on_plan)
        decision = await database_sync_to_async(services.decision_record)(
            actor=caseworker,
            meeting=meeting,
            text="Søg praktik",
            goal=world["parent_goal"],
            responsible=consultant,
            deadline=datetime.date(2030, 1, 31),
        )
        await database_sync_to_async(services.meeting_save_minutes)(
            actor=caseworker, meeting=meeting, minutes="Referat", version=meeting.version
        )
        on_meeting_seen = {
            (m["kind"], m["id"]) for m in await drain(on_meeting) if m["type"] == "changed"
        }
        assert ("decision", decision.pk) in on_meeting_seen
        assert ("minutes", meeting.pk) in on_meeting_seen
        assert ("action", decision.action_id) in on_meeting_seen
        on_plan_seen = {
            (m["kind"], m["id"]) for m in await drain(on_plan) if m["type"] == "changed"
        }
        assert on_plan_seen == {("action", decision.action_id)}
        await on_meeting.disconnect()
        await on_plan.disconnect()

    run(scenario)
    assert Meeting.objects.get(pk=meeting.pk).minutes == "Referat"


async def closed_with(communicator) -> int | None:
    """The close code the server sends within WAIT seconds (None: still open)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            output = await communicator.receive_output(timeout=deadline - time.monotonic())
        except TimeoutError:
            return None
        if output["type"] == "websocket.close":
            return output.get("code")
    return None


def test_losing_the_membership_or_logging_out_closes_the_socket_at_once(world, caseworker):
    from families.models import NetworkMember

    family, uu = world["family"], world["uu"]
    uu_cookie, cw_cookie = session_cookie(uu), session_cookie(caseworker)

    async def scenario():
        uu_socket = socket(plan_path(family), uu_cookie)
        cw_socket = socket(plan_path(family), cw_cookie)
        assert (await uu_socket.connect(timeout=WAIT))[0]
        assert (await cw_socket.connect(timeout=WAIT))[0]
        await drain(uu_socket)
        await drain(cw_socket)

        membership = await database_sync_to_async(NetworkMember.objects.get)(family=family, user=uu)
        await database_sync_to_async(membership.delete)()
        assert await closed_with(uu_socket) == 4403

        # Logging out in another tab ends this session's socket too.
        def log_out():
            from django.urls import reverse

            client = Client()
            client.cookies["sessionid"] = cw_cookie
            assert client.post(reverse("accounts:logout")).status_code == 302

        await database_sync_to_async(log_out)()
        assert await closed_with(cw_socket) == 4403

    run(scenario)


def test_nonsense_from_a_page_is_ignored_and_the_socket_stays_open(world, caseworker):
    cookie = session_cookie(caseworker)

    async def scenario():
        communicator = socket(plan_path(world["family"]), cookie)
        assert (await communicator.connect(timeout=WAIT))[0]
        await drain(communicator)
        for junk in (
            "not json",
            "[1, 2]",
            '{"type": "editing", "kind": "goal", "id": "x"}',
            '{"type": "resync", "since": "drop table"}',
            "x" * 5000,
        ):
            await communicator.send_to(text_data=junk)
        await communicator.send_to(bytes_data=b"\x00\x01")
        await communicator.send_json_to({"type": "ping"})
        assert (await next_of(communicator, "pong"))["type"] == "pong"
        await communicator.disconnect()

    run(scenario)


def test_a_socket_learns_who_is_here_by_polling_only(world, caseworker):
    """A member whose proxy blocks sockets polls the presence URL; socket pages list them too."""
    from django.urls import reverse

    family = world["family"]
    consultant = family.members.exclude(user=caseworker).exclude(user=world["uu"]).get().user
    poller = Client()
    poller.force_login(consultant)
    poller.get(reverse("networkgroup:presence", args=[family.pk]), HTTP_HX_REQUEST="true")
    cookie = session_cookie(caseworker)

    async def scenario():
        communicator = socket(plan_path(family), cookie)
        assert (await communicator.connect(timeout=WAIT))[0]
        await communicator.send_json_to({"type": "ping"})
        pong = await next_of(communicator, "pong")
        await communicator.disconnect()
        return pong

    assert run(scenario)["present"] == [
        {"user_id": consultant.pk, "name": consultant.get_full_name()}
    ]
    # ... and the poller sees the socket's user.
    html = poller.get(
        reverse("networkgroup:presence", args=[family.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert f'data-presence-user="{caseworker.pk}"' in html


def test_a_youth_counsellor_at_the_meeting_gets_the_young_persons_decisions_only(world, caseworker):
    from django.utils import timezone

    family, uu = world["family"], world["uu"]
    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=timezone.now(),
            place="Rådhuset",
            attending_members=[caseworker, uu],
            attending_people=[],
        ),
    )
    cookie = session_cookie(uu)
    path = f"/ws/netvaerk/{family.pk}/moeder/{meeting.pk}/"

    def decide(goal, text):
        return services.decision_record(
            actor=caseworker,
            meeting=meeting,
            text=text,
            goal=goal,
            responsible=caseworker,
            deadline=datetime.date(2030, 1, 31),
        )

    async def scenario():
        communicator = socket(path, cookie)
        assert (await communicator.connect(timeout=WAIT))[0]
        await drain(communicator)
        about_parent = await database_sync_to_async(decide)(world["parent_goal"], "Praktik")
        await database_sync_to_async(services.meeting_save_minutes)(
            actor=caseworker, meeting=meeting, minutes="Om Amina", version=meeting.version
        )
        about_young = await database_sync_to_async(decide)(world["youth_goal"], "Lektiecafé")
        seen = [(m["kind"], m["id"]) for m in await drain(communicator) if m["type"] == "changed"]
        await communicator.disconnect()
        return about_parent, about_young, seen

    about_parent, about_young, seen = run(scenario)
    assert ("decision", about_young.pk) in seen
    assert ("action", about_young.action_id) in seen
    assert ("decision", about_parent.pk) not in seen
    assert ("action", about_parent.action_id) not in seen
    assert not [s for s in seen if s[0] == "minutes"]  # the minutes are for full members


def test_admitting_a_socket_takes_a_fixed_number_of_queries(
    world, caseworker, django_assert_max_num_queries
):
    from networkgroup.live import admission

    cookie = session_cookie(caseworker)
    with django_assert_max_num_queries(10):
        grant = admission.admit(session_key=cookie, family_id=world["family"].pk, meeting_id=None)
    assert grant is not None and grant.full
    assert (
        admission.admit(session_key="nonsense", family_id=world["family"].pk, meeting_id=None)
        is None
    )
    # A re-check of the open socket does not read the family again through the scope.
    with django_assert_max_num_queries(RECHECK_QUERIES):
        again = admission.admit(
            session_key=cookie, family_id=world["family"].pk, meeting_id=None, family=grant.family
        )
    assert again is not None and again.full


def test_a_recheck_refuses_a_member_no_more_and_another_family(world, caseworker):
    from families.models import NetworkMember
    from networkgroup.live import admission

    family, cookie = world["family"], session_cookie(caseworker)
    grant = admission.admit(session_key=cookie, family_id=family.pk, meeting_id=None)
    assert (
        admission.admit(
            session_key=cookie, family_id=family.pk + 1, meeting_id=None, family=grant.family
        )
        is None
    )
    NetworkMember.objects.filter(family=family, user=caseworker).delete()
    assert (
        admission.admit(
            session_key=cookie, family_id=family.pk, meeting_id=None, family=grant.family
        )
        is None
    )


def fragment_over_http(user, url: str) -> str:
    """What the page would fetch instead: the access-checked view, as a live refresh."""
    client = Client()
    client.force_login(user)
    response = client.get(url, headers={"HX-Request": "true", "X-BI18-Background": "1"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_pushed_fragments_are_the_http_fragments_of_each_audience(world, caseworker):
    """A coordinator and a UU counsellor at one meeting: each socket gets the decision list
    and the goal as the HTTP view gives that user — the UU list without the parent's
    decision, so the two classes get different pushes."""
    from django.utils import timezone

    family, uu, youth_goal = world["family"], world["uu"], world["youth_goal"]
    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=timezone.now(),
            place="Rådhuset",
            attending_members=[caseworker, uu],
            attending_people=[],
        ),
    )
    path = f"/ws/netvaerk/{family.pk}/moeder/{meeting.pk}/"
    cw_cookie, uu_cookie = session_cookie(caseworker), session_cookie(uu)

    def decide(goal, text):
        return services.decision_record(
            actor=caseworker,
            meeting=meeting,
            text=text,
            goal=goal,
            responsible=caseworker,
            deadline=datetime.date(2030, 1, 31),
        )

    async def scenario():
        cw_socket, uu_socket = socket(path, cw_cookie), socket(path, uu_cookie)
        assert (await cw_socket.connect(timeout=WAIT))[0]
        assert (await uu_socket.connect(timeout=WAIT))[0]
        await drain(cw_socket)
        await drain(uu_socket)
        await database_sync_to_async(decide)(world["parent_goal"], "Praktik i Valby")
        await drain(cw_socket)
        await database_sync_to_async(decide)(youth_goal, "Lektiecafé")
        await database_sync_to_async(services.goal_update)(
            actor=caseworker, goal=youth_goal, text="Dansk 4", version=1
        )
        pushed = {}
        for name, communicator in (("cw", cw_socket), ("uu", uu_socket)):
            changed = [m for m in await drain(communicator) if m["type"] == "changed"]
            pushed[name] = {m["kind"]: m.get("html") for m in changed}
            await communicator.disconnect()
        return pushed

    pushed = run(scenario)
    decisions_url = f"/netvaerk/{family.pk}/moeder/{meeting.pk}/beslutninger/liste/"
    goal_url = f"/netvaerk/{family.pk}/plan/maal/{youth_goal.pk}/"
    for name, user in (("cw", caseworker), ("uu", uu)):
        assert pushed[name]["decision"] == fragment_over_http(user, decisions_url)
        assert pushed[name]["goal"] == fragment_over_http(user, goal_url)
        assert "Dansk 4" in pushed[name]["goal"]
        assert "Lektiecafé" in pushed[name]["decision"]
    assert "Praktik i Valby" in pushed["cw"]["decision"]
    assert "Praktik i Valby" not in pushed["uu"]["decision"]
    assert pushed["cw"]["decision"] != pushed["uu"]["decision"]


def test_audience_keys_follow_the_person_rule_not_the_role(
    world, caseworker, employment_consultant
):
    from networkgroup.access import PLAN

    family = world["family"]
    cw, ec, uu = (
        PLAN.audience_key(u, family.pk) for u in (caseworker, employment_consultant, world["uu"])
    )
    assert cw == ec  # two full members of different roles see the same people
    assert uu != cw and uu is not None
    other_family_uu = PLAN.audience_key(world["uu"], family.pk + 1000)
    assert other_family_uu is None  # not a member there


def test_a_change_is_rendered_once_per_audience_class_in_the_saving_process(
    world, caseworker, employment_consultant, monkeypatch
):
    """Three sockets, two classes (two full members, one UU counsellor), and one socket in
    English: the young person's goal header, the same HTML for everyone who may see it, is
    rendered once per language — not per class or socket, and not in the socket's server —
    and each socket gets it."""
    from networkgroup.live import push

    rendered = []
    render = push.fragments.render

    def counting(found):
        rendered.append(found[0])
        return render(found)

    monkeypatch.setattr(push.fragments, "render", counting)
    family, youth_goal = world["family"], world["youth_goal"]
    cookies = {
        "cw": session_cookie(caseworker),
        "ec": session_cookie(employment_consultant),
        "uu": session_cookie(world["uu"]),
    }

    async def scenario():
        sockets = {name: socket(plan_path(family), cookie) for name, cookie in cookies.items()}
        english = WebsocketCommunicator(
            application,
            plan_path(family),
            headers=[
                (b"host", b"testserver"),
                (b"origin", ORIGIN),
                (b"cookie", f"sessionid={cookies['ec']}; django_language=en".encode()),
            ],
        )
        sockets["ec-en"] = english
        for communicator in sockets.values():
            assert (await communicator.connect(timeout=WAIT))[0]
            await drain(communicator)
        rendered.clear()
        await database_sync_to_async(services.goal_update)(
            actor=caseworker, goal=youth_goal, text="Dansk 4", version=1
        )
        html = {}
        for name, communicator in sockets.items():
            html[name] = (await next_of(communicator, "changed"))["html"]
            await communicator.disconnect()
        return html

    html = run(scenario)
    # Two languages open: two renderings for four sockets in two classes here, and still
    # two for any number of sockets and classes.
    assert rendered == ["networkgroup/_goal_header.html"] * 2
    assert html["cw"] == html["ec"] == html["uu"]
    assert "Dansk 4" in html["cw"] and "Historik" in html["cw"]
    assert "History" in html["ec-en"] and "Dansk 4" in html["ec-en"]
    assert "Historik" in html["uu"]


def test_a_log_out_ends_its_sessions_socket_before_the_session_is_deleted(world, caseworker):
    """Django sends user_logged_out before it deletes the session: the socket of that
    session closes on the signal's notice, without reading the (still valid) session again;
    the same user's socket of another session is only re-checked, and stays."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth.signals import user_logged_out
    from django.test import RequestFactory

    family = world["family"]
    ending, other = session_cookie(caseworker), session_cookie(caseworker)

    def signal_only():
        request = RequestFactory().post("/")
        request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=ending)
        request.user = caseworker
        user_logged_out.send(sender=type(caseworker), request=request, user=caseworker)

    async def scenario():
        ending_socket = socket(plan_path(family), ending)
        other_socket = socket(plan_path(family), other)
        assert (await ending_socket.connect(timeout=WAIT))[0]
        assert (await other_socket.connect(timeout=WAIT))[0]
        await drain(ending_socket)
        await drain(other_socket)
        await database_sync_to_async(signal_only)()
        code = await closed_with(ending_socket)
        still_open = await other_socket.receive_nothing(timeout=1)
        await other_socket.disconnect()
        return code, still_open

    code, still_open = run(scenario)
    assert code == 4403
    assert still_open


def test_a_socket_forwards_a_notice_without_a_hop_to_the_servers_sync_thread(
    world, caseworker, employment_consultant, monkeypatch
):
    """Channels closes old database connections in the server's one sync thread before
    every message a consumer handles; the live socket, whose database calls close their
    own (live.db), forwards its notices without that hop — and still answers a ping,
    which reads the cache from a live thread."""
    import channels.consumer

    hops = []

    async def counted():
        hops.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    family, goal = world["family"], world["youth_goal"]
    cookie = session_cookie(employment_consultant)

    async def scenario():
        communicator = socket(plan_path(family), cookie)
        assert (await communicator.connect(timeout=WAIT))[0]
        await drain(communicator)
        await database_sync_to_async(services.goal_update)(
            actor=caseworker, goal=goal, text="Dansk 5", version=1
        )
        changed = await next_of(communicator, "changed")
        await communicator.send_json_to({"type": "ping"})
        pong = await next_of(communicator, "pong")
        await communicator.disconnect()
        return changed, pong

    changed, pong = run(scenario)
    assert changed["id"] == goal.pk and "Dansk 5" in changed["html"]
    assert pong["type"] == "pong"
    assert hops == []


def test_the_youth_class_group_never_gets_a_parents_goal(world, caseworker):
    """Below the socket: the group the UU counsellors' sockets listen on receives the young
    person's goal with its HTML, and nothing at all about the parent's goal."""
    from channels.layers import get_channel_layer

    from networkgroup.access import PLAN
    from networkgroup.live import push

    family, uu = world["family"], world["uu"]
    token = push.class_token(PLAN.audience_key(uu, family.pk))
    full_token = push.class_token(PLAN.audience_key(caseworker, family.pk))
    assert token != full_token

    async def scenario():
        layer = get_channel_layer()
        youth_ear, full_ear = await layer.new_channel(), await layer.new_channel()
        await layer.group_add(push.plan_group(family.pk, token, "da"), youth_ear)
        await layer.group_add(push.plan_group(family.pk, full_token, "da"), full_ear)
        await database_sync_to_async(push.mark_open)(family.pk, "da", {"plan": token})

        waiting = {}

        async def heard(channel):
            # A receive is never cancelled: the pub/sub layer takes a cancelled receive for
            # its consumer's end and drops the channel.
            task = waiting.pop(channel, None) or asyncio.ensure_future(layer.receive(channel))
            done, _pending = await asyncio.wait({task}, timeout=1)
            if not done:
                waiting[channel] = task
                return None
            return task.result()

        await database_sync_to_async(services.goal_update)(
            actor=caseworker, goal=world["parent_goal"], text="Praktik i Valby", version=1
        )
        assert "Praktik i Valby" in pushed_html(await heard(full_ear))
        assert await heard(youth_ear) is None
        await database_sync_to_async(services.goal_update)(
            actor=caseworker, goal=world["youth_goal"], text="Dansk 4", version=1
        )
        youth_message = await heard(youth_ear)
        assert json.loads(youth_message["text"])["id"] == world["youth_goal"].pk
        assert "Dansk 4" in pushed_html(youth_message)
        assert "Praktik" not in str(youth_message)
        for task in waiting.values():
            task.cancel()

    run(scenario)


def test_the_saving_process_renders_as_the_members_it_loaded_until_a_membership_changes(
    world, caseworker, employment_consultant, monkeypatch, django_assert_max_num_queries
):
    """The members a save renders as are loaded once per process (with their roles,
    permissions and scope), not per save; a membership change anywhere resets them, so the
    next save renders for the classes as they are now."""
    from families.models import NetworkMember
    from networkgroup.access import PLAN
    from networkgroup.live import notify, push

    family = world["family"]
    sent = []
    monkeypatch.setattr(notify, "publish_many", lambda sends: sent.extend(sends) or True)
    push.mark_open(family.pk, "da", {"plan": None})
    goal = world["youth_goal"]
    services.goal_update(actor=employment_consultant, goal=goal, text="Dansk 3", version=1)
    assert len(sent) == 2  # the full members' class and the UU counsellor's
    sent.clear()
    # The save itself (7 with BEGIN and COMMIT: the goal, its update, the history event and
    # change, the audit row), then the goal once for every class: no member loaded again.
    with django_assert_max_num_queries(8):
        services.goal_update(actor=employment_consultant, goal=goal, text="Dansk 4", version=2)
    assert len(sent) == 2 and all("Dansk 4" in pushed_html(event) for _group, event in sent)

    membership = NetworkMember.objects.get(family=family, user=caseworker)
    membership.group_role = Role.YOUTH_GUIDANCE_COUNSELLOR
    membership.save()
    sent.clear()
    services.goal_update(
        actor=employment_consultant, goal=world["parent_goal"], text="Praktik i Valby", version=1
    )
    youth_group = push.plan_group(
        family.pk, push.class_token(PLAN.audience_key(world["uu"], family.pk)), "da"
    )
    full_group = push.plan_group(
        family.pk, push.class_token(PLAN.audience_key(employment_consultant, family.pk)), "da"
    )
    assert push.class_token(PLAN.audience_key(caseworker, family.pk)) in youth_group
    assert [group for group, _event in sent] == [full_group]


def test_a_save_asks_the_cache_once_after_its_commit(world, employment_consultant, monkeypatch):
    """Which languages are open, the classes' generation and the family's classes: one
    round trip to the cache per save, not one each."""
    from networkgroup.live import notify, push

    family, goal = world["family"], world["youth_goal"]
    sent = []
    monkeypatch.setattr(notify, "publish_many", lambda sends: sent.extend(sends) or True)
    push.mark_open(family.pk, "da", {"plan": None})
    services.goal_update(actor=employment_consultant, goal=goal, text="Dansk 3", version=1)
    calls = []
    real = push.cache

    class Counting:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(real, name)

    monkeypatch.setattr(push, "cache", Counting())
    sent.clear()
    services.goal_update(actor=employment_consultant, goal=goal, text="Dansk 4", version=2)
    assert calls == ["get_many"]
    assert len(sent) == 2 and all("Dansk 4" in pushed_html(event) for _group, event in sent)


def test_classes_cached_before_a_reset_are_not_used_after_it(world, employment_consultant):
    """forget_classes starts a new generation: a family's classes stored under the old one
    are computed again, not used."""
    from networkgroup.live import push

    family = world["family"]
    push.mark_open(family.pk, "da", {"plan": None})
    _languages, generation, _none = push.lookup(family.pk)
    push.audience_classes(family.pk, generation)
    assert push.lookup(family.pk)[2] is not None
    push.forget_classes()
    languages, new_generation, known = push.lookup(family.pk)
    assert languages == ["da"] and new_generation != generation and known is None


def test_the_shared_goal_read_is_what_the_orm_reads(world, caseworker, django_assert_num_queries):
    """fragments.shared_goal (its SQL written out once) reads what the ORM reads: a goal
    about a parent, one about a young person, one about the whole family; nothing for a
    goal of another family; and its header renders the same, with no further query."""
    from networkgroup import fragments
    from networkgroup.models import Goal

    family = world["family"]
    whole = services.goal_create(
        actor=caseworker,
        plan=selectors.plan_for_family(family=family),
        area=PlanArea.HEALTH,
        text="Alle sammen",
    )
    for goal in (world["parent_goal"], world["youth_goal"], whole):
        orm = Goal.objects.select_related("person").get(pk=goal.pk, plan__family_id=family.pk)
        read = fragments.shared_goal(family.pk, goal.pk)
        assert {f: getattr(read, f) for f in fragments.SHARED_GOAL} == {
            f: getattr(orm, f) for f in fragments.SHARED_GOAL
        }
        if orm.person is None:
            assert read.person is None
        else:
            assert {f: getattr(read.person, f) for f in fragments.SHARED_PERSON} == {
                f: getattr(orm.person, f) for f in fragments.SHARED_PERSON
            }

        def header(item):
            context = {"family": family, "goal": item, "focus": False}
            return fragments.render(("networkgroup/_goal_header.html", context))

        expected = header(orm)
        with django_assert_num_queries(0):
            assert header(read) == expected
    assert fragments.shared_goal(family.pk + 1000, world["youth_goal"].pk) is None
    assert fragments.shared_goal(family.pk, 0) is None


def test_a_goal_moved_to_a_parent_reaches_the_youth_class_without_its_html(
    world, caseworker, monkeypatch
):
    """The header is rendered once for the classes that may see the goal as it is now
    (fragments.Shared); the UU class, which saw it before it moved to a parent, learns only
    that it changed (its page fetches it and finds it gone), never what it now says."""
    from families.models import Person
    from networkgroup.access import PLAN
    from networkgroup.live import notify, push

    family, uu = world["family"], world["uu"]
    sent = []
    monkeypatch.setattr(notify, "publish_many", lambda sends: sent.extend(sends) or True)
    push.mark_open(family.pk, "da", {"plan": None})
    services.goal_update(
        actor=caseworker,
        goal=world["youth_goal"],
        person=Person.objects.get(pk=world["parent_goal"].person_id),
        text="Job hos Netto",
        version=1,
    )
    youth_group = push.plan_group(
        family.pk, push.class_token(PLAN.audience_key(uu, family.pk)), "da"
    )
    youth = [json.loads(event["text"]) for group, event in sent if group == youth_group]
    full = [json.loads(event["text"]) for group, event in sent if group != youth_group]
    assert [(m["kind"], m["id"]) for m in youth] == [("goal", world["youth_goal"].pk)]
    assert "html" not in youth[0] and "Netto" not in str(youth)
    assert full and all("Job hos Netto" in m["html"] for m in full)


def test_an_actions_row_is_rendered_once_for_every_class_that_sees_it(
    world, caseworker, monkeypatch
):
    from networkgroup.live import notify, push

    family = world["family"]
    sent = []
    monkeypatch.setattr(notify, "publish_many", lambda sends: sent.extend(sends) or True)
    push.mark_open(family.pk, "da", {"plan": None})
    action = services.action_create(actor=caseworker, goal=world["youth_goal"], what="Lektiecafé")
    sent.clear()
    services.action_update(actor=caseworker, action=action, what="Lektiecafé tirsdag", version=1)
    html = [json.loads(event["text"])["html"] for _group, event in sent]
    assert len(html) == 2 and html[0] == html[1]  # the full members' class and the UU's
    assert html[0] == fragment_over_http(
        world["uu"], f"/netvaerk/{family.pk}/plan/handlinger/{action.pk}/"
    )


def test_a_member_whose_membership_narrows_stops_getting_the_parents_at_once(world, caseworker):
    """The socket re-checks when the membership changes and moves to its new class's group:
    after the caseworker becomes a youth-role member, a parent's goal no longer reaches them
    (their socket stays open: they may still see the young person)."""
    from families.models import NetworkMember

    family = world["family"]
    cookie = session_cookie(caseworker)
    other = family.members.exclude(user=caseworker).exclude(user=world["uu"]).get().user

    async def scenario():
        communicator = socket(plan_path(family), cookie)
        assert (await communicator.connect(timeout=WAIT))[0]
        await drain(communicator)

        def narrow():
            membership = NetworkMember.objects.get(family=family, user=caseworker)
            membership.group_role = Role.YOUTH_GUIDANCE_COUNSELLOR
            membership.save()

        await database_sync_to_async(narrow)()
        await drain(communicator)  # the re-check
        await database_sync_to_async(services.goal_update)(
            actor=other, goal=world["parent_goal"], text="Praktik i Valby", version=1
        )
        await database_sync_to_async(services.goal_update)(
            actor=other, goal=world["youth_goal"], text="Dansk 4", version=1
        )
        seen = [m for m in await drain(communicator) if m["type"] == "changed"]
        await communicator.disconnect()
        return seen

    seen = run(scenario)
    assert [m["id"] for m in seen] == [world["youth_goal"].pk]
    assert "Praktik" not in str(seen)


def test_the_sockets_database_calls_keep_one_connection(monkeypatch):
    """The ASGI server runs with CONN_MAX_AGE 0 (its HTTP threads come and go); the sockets'
    calls, all in Channels' one sync thread, keep their PostgreSQL connection instead of
    opening one per admission, re-check or ping."""
    from django.db import connection

    from networkgroup.live.db import LIVE_DB_THREADS, live_sync_to_async

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL backend's process id tells connections apart")
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)

    def backend() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    async def scenario():
        plain = [await database_sync_to_async(backend)() for _ in range(2)]
        kept = [await live_sync_to_async(backend)() for _ in range(2 * LIVE_DB_THREADS)]
        return plain, kept

    plain, kept = run(scenario)
    assert plain[0] != plain[1]  # a new connection per call, as before
    # One per thread at most: which of its idle threads the pool hands a call to is its own
    # affair (under load a call may start a thread before the last one counts as idle).
    assert len(set(kept)) <= LIVE_DB_THREADS


def test_an_older_recheck_never_lands_after_a_newer_one():
    """A socket's periodic re-check and the re-check a membership change asks for run one
    after the other: an answer read before the change cannot overwrite the one read after
    it (the database calls run in several threads, so they may finish in any order)."""
    from networkgroup.live.consumers import LiveConsumer

    async def scenario():
        consumer = LiveConsumer()
        consumer._recheck_lock = asyncio.Lock()
        answers = iter([("read before the change", 0.3), ("read after the change", 0.0)])

        async def admit(*, audit):
            grant, delay = next(answers)
            await asyncio.sleep(delay)
            return grant

        async def join_class_groups():
            return None

        consumer._admit = admit
        consumer._join_class_groups = join_class_groups
        periodic = asyncio.create_task(consumer._recheck())
        await asyncio.sleep(0.05)  # the periodic round is reading when the change arrives
        await consumer.live_recheck({"type": "live.recheck"})
        await periodic
        return consumer.grant

    assert run(scenario) == "read after the change"


def test_each_class_gets_its_own_rendering_when_a_class_between_them_gets_none(family, monkeypatch):
    """A new goal's block and a decision list are rendered per class. A class that gets
    nothing between two that do frees the first one's fragment, and CPython gives the next
    class's fragment its address: a rendering cached by id() went to the wrong class (the
    full members' decisions to a UU counsellor's class; review of 2 December)."""
    from networkgroup.live import push

    classes = {"full": [1], "nothing": [2], "youth": [3]}
    monkeypatch.setattr(push, "lookup", lambda family_id: (["da"], "g", {"plan": classes}))
    monkeypatch.setattr(push._members, "get", lambda ids, generation: {pk: pk for pk in ids})

    def as_class(token, users, family, message, shared=None):
        # A fresh fragment per class, as fragments.goal_block makes one; none for the middle.
        return None if token == "nothing" else ("goal_block", "".join(["for ", token]))

    monkeypatch.setattr(push, "_as_class", as_class)
    monkeypatch.setattr(push.fragments, "render", lambda found: found[1])
    message = {
        "type": "plan.changed",
        "kind": "goal",
        "id": 1,
        "goal": 1,
        "created": True,
        "meeting": None,
        "by": "Lars",
        "by_id": 1,
        "audience": "all",
    }
    sends = push.rendered(family.pk, message)
    html = {group: event["html"] for group, event in sends}
    assert html == {
        push.plan_group(family.pk, "full", "da"): "for full",
        push.plan_group(family.pk, "youth", "da"): "for youth",
    }


def test_a_socket_whose_recheck_fails_is_closed_not_left_unchecked(world, caseworker, monkeypatch):
    """The database gone at a periodic re-check: the socket closes (the page reconnects and
    is admitted anew) rather than staying open with no re-check behind it."""
    from django.db import OperationalError

    from networkgroup.live import admission

    monkeypatch.setattr(admission, "RECHECK_SECONDS", 0.2)
    admit = admission.admit
    cookie = session_cookie(caseworker)

    def failing_recheck(**kwargs):
        if kwargs.get("family") is not None:  # a re-check; the first admission passes
            raise OperationalError("the database is gone")
        return admit(**kwargs)

    monkeypatch.setattr(admission, "admit", failing_recheck)

    async def scenario():
        communicator = socket(plan_path(world["family"]), cookie)
        assert (await communicator.connect(timeout=WAIT))[0]
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            output = await communicator.receive_output(timeout=WAIT)
            if output["type"] == "websocket.close":
                return output["code"]
        return None

    assert run(scenario) == 1011
