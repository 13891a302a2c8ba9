"""A real OpenID provider for the tests: node-oidc-provider (tests/oidc_provider/) on loopback.

`running_provider(...)` starts it on a free port and stops it afterwards; `provider_sign_in`
goes through its log-in form as a browser would (with requests) and returns the URL the
provider sends the browser back to (BI18's callback with the code and state).
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID = "bi18-test"
CLIENT_SECRET = "test-only-client-secret-4f9c2e"
PASSWORD = "Idp-Adgang-2026"
ROLE_MAP = {
    "BI18-Familieraadgiver": "family_caseworker",
    "BI18-Leder": "manager",
    "BI18-Admin": "admin",
    "BI18-Ungeteam": ["youth_guidance_counsellor", "retention_counsellor"],
}


def idp_user(login: str, groups: list[str], **claims) -> dict:
    given, family = claims.pop("given_name", login.capitalize()), claims.pop("family_name", "Test")
    return {
        "password": PASSWORD,
        "claims": {
            "given_name": given,
            "family_name": family,
            "name": f"{given} {family}",
            "preferred_username": login,
            "email": f"{login}@idp.example",
            "groups": groups,
            **claims,
        },
    }


USERS = {
    "anna": idp_user("anna", ["BI18-Familieraadgiver", "Alle-medarbejdere"], given_name="Anna"),
    "lars": idp_user("lars", ["BI18-Leder"], given_name="Lars"),
    "ekstern": idp_user("ekstern", ["Alle-medarbejdere"], given_name="Ella"),
}


@dataclass
class Provider:
    issuer: str
    users_file: Path

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def set_users(self, users: dict) -> None:
        """Change the provider's users (read again at the next sign-in)."""
        self.users_file.write_text(json.dumps(users), encoding="utf-8")

    def configure(self, settings) -> None:
        """Point BI18's settings at this provider."""
        settings.OIDC_DISCOVERY_URL = self.discovery_url
        settings.OIDC_CLIENT_ID = CLIENT_ID
        settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_ROLE_MAP = ROLE_MAP


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} – the OpenID provider must run in CI.", pytrace=False)
    pytest.skip(reason)


def _ensure_installed() -> str:
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js is not installed (the test OpenID provider runs under node)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed")
        subprocess.run(  # noqa: S603
            [npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=PROVIDER_DIR, check=True
        )
    return node


@contextlib.contextmanager
def running_provider(tmp_dir: Path, *, redirect_uris: list[str], post_logout_uris: list[str]):
    node = _ensure_installed()
    users_file = tmp_dir / "idp-users.json"
    users_file.write_text(json.dumps(USERS), encoding="utf-8")
    env = {
        **os.environ,
        "OIDC_PORT": "0",
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": ",".join(redirect_uris),
        "OIDC_POST_LOGOUT_REDIRECT_URIS": ",".join(post_logout_uris),
        "OIDC_USERS": str(users_file),
        "NODE_NO_WARNINGS": "1",
    }
    process = subprocess.Popen(  # noqa: S603
        [node, str(PROVIDER_DIR / "provider.mjs")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = [""]
        reader = threading.Thread(target=lambda: line.__setitem__(0, process.stdout.readline()))
        reader.start()
        reader.join(timeout=30)
        match = re.match(r"listening (http://127\.0\.0\.1:\d+)", line[0])
        if not match:
            raise RuntimeError(f"the OpenID provider did not start: {line[0]!r}")
        yield Provider(issuer=match.group(1), users_file=users_file)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def _follow(session, response):
    """Follow the provider's redirects; stop at BI18's callback (returned) or at a page."""
    for _hop in range(10):
        if response.status_code not in (302, 303):
            return response, None
        location = urljoin(response.url, response.headers["Location"])
        if "/konto/oidc/callback/" in location:
            return response, location
        response = session.get(location, allow_redirects=False, timeout=10)
    raise AssertionError("too many redirects at the provider")


def provider_sign_in(authorize_url: str, login: str, password: str = PASSWORD, *, session=None):
    """Sign in at the provider as a browser would; returns the redirect back to BI18.

    `session` (a requests.Session) keeps the provider's cookies between calls, like one
    browser; the provider's own log-in form is filled and submitted.
    """
    session = session or requests.Session()
    response, callback = _follow(
        session, session.get(authorize_url, allow_redirects=False, timeout=10)
    )
    if callback:  # already signed in at the provider
        return callback
    action = re.search(r'<form method="post" action="([^"]+)"', response.text)
    assert action, f"no log-in form at the provider: {response.status_code} {response.text[:300]}"
    response = session.post(
        urljoin(response.url, action.group(1)),
        data={"login": login, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    response, callback = _follow(session, response)
    assert callback, f"the provider did not send the browser back: {response.text[:300]}"
    return callback
