"""Background polls do not keep a session alive (issue 9 §5 "Idle timeout defeated", SPEC §8).

An open plan tab polls presence every 20 s and the dashboard polls a computation's progress;
neither is the user's own activity. The clocks are moved, nobody sleeps: each step below is
20 s of a tab left open.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bi18.accounts.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT
from budget.models import SnapshotRun

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
POLL = 20  # seconds between two polls of an open tab


def _views_by_name(resolver=None, ns=None):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{ns}:{p.namespace}" if ns and p.namespace else (p.namespace or ns)
            yield from _views_by_name(p, inner)
        elif isinstance(p, URLPattern) and p.name:
            yield (f"{ns}:{p.name}" if ns else p.name), p.callback


def _polled_url_names() -> dict[str, str]:
    """URL name -> template, for every element that requests a URL on a timer."""
    polled = {}
    tag = re.compile(r"<[^<>]*hx-trigger=\"[^\"]*\bevery\b[^\"]*\"[^<>]*>", re.S)
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        for element in tag.findall(path.read_text(encoding="utf-8")):
            url = re.search(r"hx-(?:get|post)=\"\{% url '([^']+)'", element)
            assert url, f"{path}: a timer without a {{% url %}} to check: {element[:120]}"
            polled[url.group(1)] = str(path.relative_to(ROOT))
    return polled


def test_every_timed_poll_in_a_template_is_marked_as_background():
    views = dict(_views_by_name())
    polled = _polled_url_names()
    assert {"networkgroup:presence", "budget:snapshot_status"} <= set(polled)
    unmarked = [n for n in polled if not getattr(views[n], "background_poll", False)]
    assert unmarked == [], f"mark these views @background_poll: {unmarked}"


def _let_time_pass(client, seconds: float) -> None:
    """Move the session's clocks back, as if `seconds` had passed."""
    session = client.session
    for key in (SESSION_AUTH_AT, SESSION_SEEN_AT):
        session[key] -= seconds
    session.save()


def _logged_in(client, user):
    client.force_login(user)  # the log-in signal starts both clocks
    return client


def _leave_the_tab_open(client, poll_url) -> tuple[int, object]:
    """Poll like an open tab until the session ends; (seconds it took, the last response)."""
    idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
    waited = 0
    while waited <= idle + 2 * POLL:
        _let_time_pass(client, POLL)
        waited += POLL
        response = client.get(poll_url, headers={"HX-Request": "true"})
        if response.status_code != 200:
            return waited, response
    pytest.fail(f"still logged in after {waited} s of background polls")


def test_a_plan_tab_left_open_logs_out_after_the_idle_time(client, caseworker, family):
    _logged_in(client, caseworker)
    assert client.get(reverse("networkgroup:plan", args=[family.pk])).status_code == 200
    waited, response = _leave_the_tab_open(
        client, reverse("networkgroup:presence", args=[family.pk]) + "?since=0"
    )
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() <= waited
    assert waited <= settings.SESSION_IDLE_TIMEOUT.total_seconds() + POLL
    # The poll makes the page reload to the log-in page (not a log-in form inside a badge).
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("accounts:login")
    page = client.get(reverse("networkgroup:plan", args=[family.pk]))
    assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login"))


def test_a_dashboard_left_open_while_a_computation_polls_logs_out(client, manager):
    run = SnapshotRun.objects.create(date=datetime.date(2026, 3, 1))
    _logged_in(client, manager)
    assert client.get(reverse("targets_home")).status_code == 200
    waited, response = _leave_the_tab_open(client, reverse("budget:snapshot_status", args=[run.pk]))
    assert waited <= settings.SESSION_IDLE_TIMEOUT.total_seconds() + POLL
    assert response["HX-Redirect"] == reverse("accounts:login")


def test_the_users_own_requests_still_keep_the_session_alive(client, caseworker, family):
    _logged_in(client, caseworker)
    plan = reverse("networkgroup:plan", args=[family.pk])
    presence = reverse("networkgroup:presence", args=[family.pk])
    for _minute in range(45):  # 45 minutes of work: a click a minute, polls in between
        _let_time_pass(client, 40)
        assert client.get(presence, headers={"HX-Request": "true"}).status_code == 200
        _let_time_pass(client, 20)
        assert client.get(plan).status_code == 200
    assert abs(client.session[SESSION_SEEN_AT] - client.session[SESSION_AUTH_AT]) > 40 * 60
