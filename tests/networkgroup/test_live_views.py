"""The pages' side of live meeting mode (issue 14): the fragments a live page fetches after a
notice, the agenda the coordinator moves, the notices the services announce after commit,
and the audit rule (one read per open live page, not one per refresh)."""

import time
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.middleware import SESSION_SEEN_AT
from bi18.accounts.roles import Role
from bi18.audit.models import AuditEvent
from networkgroup import selectors, services
from networkgroup.live import notify, reads
from networkgroup.models import Meeting, PlanArea
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LIVE = {**HTMX, "HTTP_X_BI18_BACKGROUND": "1"}


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def world(family, caseworker, employment_consultant):
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    uu = UserFactory(username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    plan = selectors.plan_for_family(family=family)
    goal = services.goal_create(
        actor=caseworker,
        plan=plan,
        person=family.people.get(first_name="Amina"),
        area=PlanArea.EMPLOYMENT,
        text="Praktik",
    )
    services.action_create(actor=caseworker, goal=goal, what="Ring til Netto")
    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=timezone.now(),
            place="Rådhuset",
            attending_members=[caseworker, employment_consultant],
            attending_people=[],
            agenda="1. Velkomst\n2. Praktik\n   - Netto\n3. Næste møde",
        ),
    )
    return {"family": family, "goal": goal, "meeting": meeting, "uu": uu}


@pytest.fixture
def sent(monkeypatch):
    """The notices published after commit (the channel layer itself is tested elsewhere)."""
    published = []
    monkeypatch.setattr(notify, "publish", lambda group, message: published.append(message))
    return published


def test_a_goal_block_shows_the_goal_with_its_actions_to_a_member_and_404_to_the_uu(
    client, world, caseworker
):
    url = reverse("networkgroup:goal_block", args=[world["family"].pk, world["goal"].pk])
    client.force_login(caseworker)
    html = client.get(url, **HTMX).content.decode()
    assert f'id="goal-{world["goal"].pk}"' in html and "Ring til Netto" in html
    client.force_login(world["uu"])
    assert client.get(url, **HTMX).status_code == 404


def test_the_services_announce_after_commit_with_ids_and_no_content(
    world, caseworker, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.goal_update(
            actor=caseworker, goal=world["goal"], text="Praktik hos Føtex", version=1
        )
        assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (message,) = sent
    assert (message["kind"], message["id"]) == ("goal", world["goal"].pk)
    assert message["audience"]["person"] == world["goal"].person_id
    assert "Føtex" not in str(message)


def test_a_stale_save_announces_nothing(
    world, caseworker, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.goal_update(actor=caseworker, goal=world["goal"], text="A", version=1)
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.PlanConflict):
        services.goal_update(actor=caseworker, goal=world["goal"], text="B", version=1)
    assert sent == []


def test_the_coordinator_moves_the_agenda_and_others_may_not(
    client, world, caseworker, employment_consultant, sent, django_capture_on_commit_callbacks
):
    family, meeting = world["family"], world["meeting"]
    url = reverse("networkgroup:meeting_agenda", args=[family.pk, meeting.pk])
    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"item": "next"}, **HTMX)
        response = client.post(url, {"item": "next"}, **HTMX)
    html = response.content.decode()
    assert 'data-agenda-item="1" aria-current="step"' in html
    assert "- Netto" in html  # the indented line belongs to item 2
    assert Meeting.objects.get(pk=meeting.pk).current_agenda_item == 1
    assert [m["data"]["current"] for m in sent] == [0, 1]
    assert {m["audience"]["full_only"] for m in sent} == {True}

    # Past the end stays on the last item; a made-up index is refused, in Danish.
    client.post(url, {"item": "next"}, **HTMX)
    client.post(url, {"item": "next"}, **HTMX)
    assert Meeting.objects.get(pk=meeting.pk).current_agenda_item == 2
    assert (
        "Dagsordenen har ikke det punkt."
        in client.post(url, {"item": "x"}, **HTMX).content.decode()
    )

    client.force_login(employment_consultant)
    response = client.post(url, {"item": "0"}, **HTMX)
    assert "Kun koordinatoren" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).current_agenda_item == 2
    client.force_login(world["uu"])
    assert client.get(url, **HTMX).status_code == 404  # not at this meeting


def test_the_meeting_page_shows_the_interpreter_language_and_a_shared_screen_view(
    client, world, caseworker
):
    family, meeting = world["family"], world["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(
        interpreter_booked=True, interpreter_language="somali"
    )
    client.force_login(caseworker)
    url = reverse("networkgroup:meeting", args=[family.pk, meeting.pk])
    html = client.get(url + "?visning=storskaerm").content.decode()
    assert "Tolk: somali" in html
    assert 'class="meeting-big-screen"' in html
    assert f'data-socket="/ws/netvaerk/{family.pk}/moeder/{meeting.pk}/"' in html
    assert 'class="meeting-big-screen"' not in client.get(url).content.decode()


def test_decisions_and_minutes_can_be_fetched_alone(client, world, caseworker):
    family, meeting = world["family"], world["meeting"]
    services.meeting_save_minutes(
        actor=caseworker, meeting=meeting, minutes="Referat fra mødet", version=meeting.version
    )
    client.force_login(caseworker)
    minutes = client.get(
        reverse("networkgroup:meeting_minutes", args=[family.pk, meeting.pk]), **HTMX
    )
    assert "Referat fra mødet" in minutes.content.decode()
    decisions = client.get(
        reverse("networkgroup:meeting_decision_list", args=[family.pk, meeting.pk]), **HTMX
    )
    assert 'id="decision-list"' in decisions.content.decode()


def _events(user):
    return AuditEvent.objects.filter(actor=user, event="networkgroup.goal.viewed").count()


def test_a_live_refresh_within_an_audited_live_read_is_not_audited_again(client, world, caseworker):
    url = reverse("networkgroup:goal", args=[world["family"].pk, world["goal"].pk])
    client.force_login(caseworker)
    # No socket open: every fragment read is audited, with or without the header.
    client.get(url, **LIVE)
    client.get(url, **HTMX)
    assert _events(caseworker) == 2
    # The socket's audited open covers this session's live refreshes of this family ...
    reads.cover_reads(session_key=client.session.session_key, family_id=world["family"].pk)
    client.get(url, **LIVE)
    assert _events(caseworker) == 2
    # ... but not a read the user asked for.
    client.get(url, **HTMX)
    assert _events(caseworker) == 3


def test_a_live_refresh_does_not_keep_an_idle_session_alive(client, world, caseworker):
    url = reverse("networkgroup:goal", args=[world["family"].pk, world["goal"].pk])
    client.force_login(caseworker)
    session = client.session
    long_ago = time.time() - 25 * 60
    session[SESSION_SEEN_AT] = long_ago
    session.save()
    assert client.get(url, **LIVE).status_code == 200
    assert client.session[SESSION_SEEN_AT] == long_ago
    client.get(url, **HTMX)
    assert client.session[SESSION_SEEN_AT] > long_ago


def test_a_live_refresh_does_not_take_the_focus(client, world, caseworker):
    url = reverse("networkgroup:action", args=[world["family"].pk, world["goal"].actions.get().pk])
    client.force_login(caseworker)
    assert "autofocus" in client.get(url, **HTMX).content.decode()
    assert "autofocus" not in client.get(url, **LIVE).content.decode()


def test_agenda_items_follow_the_margin():
    meeting = Meeting(agenda="1. A\n   - a1\n\n2. B\n   - b1\n   - b2\n3. C")
    assert meeting.agenda_items == ["1. A\n   - a1", "2. B\n   - b1\n   - b2", "3. C"]
    assert Meeting(agenda="").agenda_items == []


def test_a_published_notice_survives_a_layer_that_fails(monkeypatch, caplog):
    class Broken:
        async def group_send(self, group, message):
            raise ConnectionError("redis down")

    monkeypatch.setattr(notify, "get_channel_layer", lambda: Broken())
    assert notify.publish("live.family.1", {"type": "live.changed"}) is False
    assert "Live notice not sent" in caplog.text


def test_a_save_succeeds_when_the_channel_layer_is_down(
    settings, world, caseworker, caplog, django_capture_on_commit_callbacks
):
    """Redis (the channel layer) unreachable: the save is kept, the notice is dropped and
    logged; the pages' polling and the reconnect's resync catch up later."""
    import socket as sockets

    with sockets.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{dead}/0"]},
        }
    }
    with django_capture_on_commit_callbacks(execute=True):
        saved = services.goal_update(
            actor=caseworker, goal=world["goal"], text="Gemt alligevel", version=1
        )
    assert saved.text == "Gemt alligevel" and saved.version == 2
    assert "Live notice not sent" in caplog.text


def test_two_sites_on_one_redis_server_with_their_own_database_numbers_hear_only_their_own(
    redis_server,
):
    """Pub/sub channels belong to the whole Redis server, not to a database: the layer's
    prefix names the database (settings.live_channel_prefix), so a test site on /1 never
    receives a production site's notices on /0 about the family with the same id."""
    import asyncio

    from channels_redis.pubsub import RedisPubSubChannelLayer

    from bi18.settings import live_channel_prefix

    def layer(db):
        url = redis_server.url(db)
        return RedisPubSubChannelLayer(hosts=[url], prefix=live_channel_prefix(url))

    async def run():
        production, test_site, production_socket = layer(0), layer(1), layer(0)
        try:
            heard = {}
            for name, receiver in (("test", test_site), ("production", production_socket)):
                channel = await receiver.new_channel()
                await receiver.group_add("live.family.7", channel)
                heard[name] = (receiver, channel)
            await asyncio.sleep(0.2)  # the subscriptions reach the server
            await production.group_send("live.family.7", {"type": "live.changed", "id": 1})
            receiver, channel = heard["production"]
            assert (await asyncio.wait_for(receiver.receive(channel), 5))["id"] == 1
            receiver, channel = heard["test"]
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(receiver.receive(channel), 0.5)
        finally:
            for each in (production, test_site, production_socket):
                await each.flush()

    asyncio.run(run())
    assert live_channel_prefix("redis://127.0.0.1:6379") == live_channel_prefix("redis://x/0")
