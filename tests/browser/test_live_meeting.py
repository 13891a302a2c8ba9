"""Live meeting mode (issue 14) in real Chromium, two (or three) members in separate browser
contexts against the real ASGI application under uvicorn (HTTP and WebSockets). The channel
layer is channels-redis on the real Redis when REDIS_URL is set (CI), in memory otherwise.

"Within 2 s" is the product's promise: each wait below starts when the save has answered
and gives up after 2 s."""

import datetime
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from networkgroup import selectors, services
from networkgroup.models import Goal, PlanArea
from tests.browser.conftest import CHROMIUM_ARGS, SCREENSHOT_ROOT, log_in  # noqa: F401
from tests.factories import UserFactory, add_member

pytestmark = pytest.mark.browser

LIVE_WITHIN_MS = 2000


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }


@pytest.fixture
def world(family, caseworker, employment_consultant):
    add_member(family, employment_consultant, role=Role.EMPLOYMENT_CONSULTANT)
    uu = UserFactory(
        username="uu", role=Role.YOUTH_GUIDANCE_COUNSELLOR, first_name="Ulla", last_name="Vejleder"
    )
    add_member(family, uu, role=Role.YOUTH_GUIDANCE_COUNSELLOR)
    family.interpreter_needed = True
    family.preferred_language = "arabisk"
    family.save()
    plan = selectors.plan_for_family(family=family)
    parent_goal = services.goal_create(
        actor=caseworker,
        plan=plan,
        person=family.people.get(first_name="Amina"),
        area=PlanArea.EMPLOYMENT,
        text="I praktik inden seks måneder",
    )
    youth_goal = services.goal_create(
        actor=caseworker,
        plan=plan,
        person=family.people.get(first_name="Sara"),
        area=PlanArea.LANGUAGE,
        text="Dansk på niveau 2",
    )
    return {"family": family, "uu": uu, "parent_goal": parent_goal, "youth_goal": youth_goal}


class Members:
    """Browser contexts, one per member, each logged in through the form."""

    def __init__(self, browser, server, name):
        self.browser, self.server = browser, server
        self.contexts = []
        self.shots = SCREENSHOT_ROOT / name
        self.shots.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def open(self, user, url, *, block_socket=None):
        context = self.browser.new_context(
            base_url=self.server.url, locale="da-DK", viewport={"width": 1366, "height": 768}
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.frames_received = []
        page.csp_violations = []
        page.on(
            "console",
            lambda msg: (
                page.csp_violations.append(msg.text)
                if "Content Security Policy" in msg.text
                else None
            ),
        )
        page.on(
            "websocket",
            lambda ws: ws.on("framereceived", lambda payload: page.frames_received.append(payload)),
        )
        if block_socket is not None:
            # A proxy that refuses WebSockets, for as long as block_socket["on"] is true.
            def route(ws):
                if block_socket["on"]:
                    ws.close()
                else:
                    ws.connect_to_server()

            page.route_web_socket("**/ws/**", route)
        log_in(page, user)
        page.goto(url)
        page.evaluate("window.__samePage = true")  # gone if the page reloads
        return page

    def shot(self, page, name):
        self.count += 1
        page.screenshot(path=str(self.shots / f"{self.count:02d}-{name}.png"), full_page=True)

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def members(browser, asgi_server, request):
    group = Members(browser, asgi_server, request.node.name)
    yield group
    group.close()


def wait_live(page):
    page.locator("#live[data-state='live']").wait_for()


def notices(page) -> list[dict]:
    return [json.loads(f) for f in page.frames_received if isinstance(f, str)]


def test_a_goal_edited_by_one_member_changes_in_place_for_the_other(
    members, world, caseworker, employment_consultant
):
    family, goal = world["family"], world["youth_goal"]
    url = reverse("networkgroup:plan", args=[family.pk])
    first = members.open(caseworker, url)
    second = members.open(employment_consultant, url)
    wait_live(first)
    wait_live(second)

    # Presence: each sees the other; opening the editor shows what the first is editing.
    second.locator(f"#presence [data-presence-user='{caseworker.pk}']").wait_for()
    first.locator(f"#goal-{goal.pk}-header a[data-live-edit]").click()
    first.locator(f"#goal-{goal.pk}-header textarea[name$=text]").wait_for()
    editing = second.locator(f"#presence [data-editing='goal:{goal.pk}']")
    editing.wait_for(timeout=LIVE_WITHIN_MS)
    assert editing.inner_text() == f"{caseworker.get_full_name()} redigerer: Dansk på niveau 2"
    members.shot(second, "sees-who-edits")

    # Opening the same goal warns first; declining leaves the goal as it is.
    questions = []

    def dismiss(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    second.once("dialog", dismiss)
    second.locator(f"#goal-{goal.pk}-header a[data-live-edit]").click()
    second.wait_for_timeout(300)
    assert questions and "redigerer allerede" in questions[0]
    assert second.locator(f"#goal-{goal.pk}-header form").count() == 0

    # The first saves; the second sees the new text in place, highlighted, with who.
    first.locator(f"#goal-{goal.pk}-header textarea[name$=text]").fill("Dansk på niveau 4")
    with first.expect_response(lambda r: "/rediger/" in r.url and r.request.method == "POST"):
        first.locator(f"#goal-{goal.pk}-header button[type=submit]").click()
    title = second.locator(f"#goal-{goal.pk}-title", has_text="Dansk på niveau 4")
    title.wait_for(timeout=LIVE_WITHIN_MS)
    by = second.locator(f"#goal-{goal.pk}-header .live-by")
    assert f"Ændret af {caseworker.get_full_name()}" in by.inner_text()
    members.shot(second, "changed-in-place")
    assert second.evaluate("window.__samePage") is True

    # A goal added by the first appears for the second, at the end of the plan.
    form = first.locator("#goal-create")
    first.locator("#plan details summary").click()
    form.locator("select[name$=area]").select_option("health")
    form.locator("textarea[name$=text]").fill("Lægebesøg for hele familien")
    form.locator("button[type=submit]").click()
    second.locator("#plan-goals article", has_text="Lægebesøg for hele familien").wait_for(
        timeout=LIVE_WITHIN_MS + 1000
    )
    assert Goal.objects.filter(text="Lægebesøg for hele familien").exists()
    assert second.evaluate("window.__samePage") is True
    # The socket and the refreshes run under the Content-Security-Policy.
    assert first.csp_violations == second.csp_violations == []


def test_a_decision_in_meeting_mode_appears_for_everyone_and_the_coordinator_moves_the_agenda(
    members, world, caseworker, employment_consultant
):
    family = world["family"]
    meeting = services.meeting_create(
        actor=caseworker,
        family=family,
        data=services.MeetingData(
            starts_at=timezone.now(),
            place="Nørrebro Jobcenter",
            attending_members=[caseworker, employment_consultant],
            attending_people=[],
            interpreter_booked=True,
            interpreter_language="arabisk",
            agenda="1. Velkomst\n2. Sprog\n   - Dansk på niveau 2\n3. Beslutninger",
        ),
    )
    url = reverse("networkgroup:meeting", args=[family.pk, meeting.pk])
    coordinator = members.open(caseworker, url)
    other = members.open(employment_consultant, url + "?visning=storskaerm")
    wait_live(coordinator)
    wait_live(other)
    assert "Tolk: arabisk" in other.locator("[data-interpreter-language]").inner_text()

    # The coordinator moves the meeting to the first and then the second item.
    for expected in ("1. Velkomst", "2. Sprog"):
        coordinator.locator("#agenda button[value=next]").click()
        other.locator("#agenda .agenda-current", has_text=expected).wait_for(timeout=LIVE_WITHIN_MS)

    # A decision recorded by the coordinator appears in the other's list without a reload.
    form = coordinator.locator("#decisions form")
    form.locator("textarea[name=text]").fill("Sara tilmeldes danskundervisning")
    form.locator("select[name=goal]").select_option(str(world["youth_goal"].pk))
    form.locator("select[name=responsible]").select_option(str(employment_consultant.pk))
    form.locator("input[name=deadline]").fill(
        (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    )
    with coordinator.expect_response(lambda r: "/beslutninger/" in r.url):
        form.locator("button[type=submit]").click()
    other.locator("#decision-list", has_text="Sara tilmeldes danskundervisning").wait_for(
        timeout=LIVE_WITHIN_MS
    )
    # ... and as an action under the goal on the plan side.
    other.locator(
        f"#goal-{world['youth_goal'].pk}-actions", has_text="Sara tilmeldes danskundervisning"
    ).wait_for(timeout=LIVE_WITHIN_MS)
    members.shot(other, "shared-screen-after-decision")
    assert other.evaluate("window.__samePage") is True


def test_a_youth_counsellor_on_the_same_plan_receives_nothing_about_the_parents(
    members, world, caseworker
):
    family, parent_goal, youth_goal = world["family"], world["parent_goal"], world["youth_goal"]
    url = reverse("networkgroup:plan", args=[family.pk])
    uu = members.open(world["uu"], url)
    cw = members.open(caseworker, url)
    wait_live(uu)
    wait_live(cw)
    fetched = []
    uu.on("request", lambda r: fetched.append(r.url))

    # The caseworker opens the parent's goal, saves it, and adds an action to it.
    cw.locator(f"#goal-{parent_goal.pk}-header a[data-live-edit]").click()
    cw.locator(f"#goal-{parent_goal.pk}-header textarea[name$=text]").fill("Praktik hos Netto")
    with cw.expect_response(lambda r: "/rediger/" in r.url and r.request.method == "POST"):
        cw.locator(f"#goal-{parent_goal.pk}-header button[type=submit]").click()
    # Then the young person's goal, which the counsellor may see: it arrives.
    services.goal_update(actor=caseworker, goal=youth_goal, text="Dansk på niveau 3", version=1)
    uu.locator(f"#goal-{youth_goal.pk}-title", has_text="Dansk på niveau 3").wait_for(
        timeout=LIVE_WITHIN_MS
    )

    frames = notices(uu)
    assert not [f for f in frames if f.get("type") == "changed" and f.get("id") == parent_goal.pk]
    assert all(f.get("editing") is None for f in frames if f.get("type") == "presence")
    assert "Praktik" not in " ".join(uu.frames_received)
    assert not [u for u in fetched if f"/maal/{parent_goal.pk}/" in u]
    assert "Praktik hos Netto" not in uu.content()
    assert "Amina" not in uu.content()
    members.shot(uu, "uu-sees-only-the-young-person")


def test_with_the_socket_blocked_the_page_polls_and_says_so_then_reconnects_and_catches_up(
    members, world, caseworker, employment_consultant, monkeypatch
):
    monkeypatch.setattr("networkgroup.views.plan.POLL_SECONDS", 1)
    family, goal = world["family"], world["youth_goal"]
    url = reverse("networkgroup:plan", args=[family.pk])
    blocked = {"on": True}
    page = members.open(employment_consultant, url, block_socket=blocked)
    page.locator("#live[data-state='polling']").wait_for()
    assert "hvert 20. sekund" in page.locator("#live").inner_text()
    members.shot(page, "falls-back-to-polling")

    # A save by someone else is reported by the poll.
    services.goal_update(actor=caseworker, goal=goal, text="Dansk på niveau 5", version=1)
    page.locator("#presence [data-changed-by-others]").wait_for(timeout=5000)

    # The proxy lets sockets through again: the page reconnects by itself and refreshes
    # what changed while it was away, in place.
    blocked["on"] = False
    page.locator("#live[data-state='live']").wait_for(timeout=40_000)
    page.locator(f"#goal-{goal.pk}-title", has_text="Dansk på niveau 5").wait_for(
        timeout=LIVE_WITHIN_MS + 1000
    )
    assert page.evaluate("window.__samePage") is True
    members.shot(page, "reconnected")
