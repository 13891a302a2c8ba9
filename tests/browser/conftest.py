"""Headless Chromium journeys against pytest-django's live server (Playwright, sync API).

Chromium is /usr/bin/chromium (override with CHROMIUM). Without it the browser tests are
skipped, except when CI=true, where a missing browser is an error. Screenshots of each step go
to $BROWSER_SCREENSHOTS (default: <tmp>/bi18-browser-screenshots/<test name>/).
"""

import os
import re
import tempfile
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connections
from django.urls import reverse

from bi18.accounts.roles import ROLE_PERMISSIONS
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# from that thread (factories, assertions) are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_ROOT = Path(
    os.environ.get("BROWSER_SCREENSHOTS", Path(tempfile.gettempdir()) / "bi18-browser-screenshots")
)


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} – browser tests must run in CI (CI=true).", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _roles(request):
    """Browser tests use a transactional database (the live server runs in another thread),
    and each transactional test ends by emptying every table – including the role groups
    that migration accounts/0002 created. Put them back before each browser test."""
    if not _serves_browser(request):
        return
    request.getfixturevalue("transactional_db")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role))
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
        )


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="da-DK", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(request, page):
    """screenshot("step-name") saves the current page as NN-step-name.png; returns the path."""
    directory = SCREENSHOT_ROOT / re.sub(r"[^\w.-]+", "_", request.node.name)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def _shot(name: str) -> Path:
        path = directory / f"{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture(autouse=True)
def _two_factor_on(request):
    """Browser journeys log in through the form as in production: with a second factor."""
    if _serves_browser(request):
        request.getfixturevalue("settings").TWO_FACTOR_REQUIRED = True


def _serves_browser(request) -> bool:
    return bool({"live_server", "asgi_server"} & set(request.fixturenames))


def _fresh_recovery_code(user) -> str:
    """A single-use recovery code for `user` (created with a device if need be): log_in types
    it at the second-factor step, which a TOTP code could not do twice in one 30-s window."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    return StaticToken.objects.create(device=device, token=StaticToken.random_token()).token


def log_in(page, user, password: str = PASSWORD):
    """Log in through the real log-in form (and the second-factor step where the user's
    roles call for one), and wait until the app has let us in."""
    from bi18.accounts.twofactor.policy import needs_second_factor

    code = _fresh_recovery_code(user) if needs_second_factor(user) else None
    login_url = reverse("accounts:login")
    page.goto(login_url)
    page.locator("main input[name=username]").fill(user.username)
    page.locator("main input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if code and reverse("accounts:second_factor_verify") in page.url:
        page.locator("main input[name=otp_token]").fill(code)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()
    logout_form = page.locator(f"form[action='{reverse('accounts:logout')}']")
    assert logout_form.count() == 1, f"log-in as {user.username} failed; at {page.url}"
    return page


@pytest.fixture
def browser_login(page):
    """browser_login(user) logs `user` in on `page` through the form; returns the page."""

    def _login(user, password: str = PASSWORD):
        return log_in(page, user, password)

    return _login


@pytest.fixture
def asgi_server(transactional_db, settings, monkeypatch):
    """The project's ASGI application (HTTP and WebSockets) under uvicorn, on a free port
    in a thread of this process (pytest-django's live_server speaks WSGI only). The channel
    layer is the settings' own: channels-redis on the real Redis when REDIS_URL is set."""
    from tests.browser.asgi import AsgiServer

    layers = settings.CHANNEL_LAYERS["default"]
    if "CONFIG" in layers:  # Redis: a key space of this test's own
        layers = {**layers, "CONFIG": {**layers["CONFIG"], "prefix": f"t{uuid.uuid4().hex[:12]}"}}
    settings.CHANNEL_LAYERS = {"default": layers}  # a fresh layer for this server's loop
    # As production runs uvicorn (README "Production"): Django serves each ASGI request in a
    # thread of its own, so a kept connection would outlive the request and the test database
    # could not be dropped at the end of the run.
    monkeypatch.setitem(connections.databases["default"], "CONN_MAX_AGE", 0)
    server = AsgiServer()
    server.start()
    yield server
    server.stop()
