"""Security headers: a strict script policy, and no caching of pages for logged-in users."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATES = [
    p
    for p in ROOT.rglob("*.html")
    if ".venv" not in p.parts and "node_modules" not in p.parts and "static" not in p.parts
]
# An inline handler (onclick=, onsubmit=…), hx-on (htmx evaluates it as code), a javascript:
# URL or a <script> without src – all blocked by script-src 'self'.
INLINE_SCRIPT = re.compile(
    r"""\son[a-z]+\s*=|hx-on[:\w-]*\s*=|javascript:|<script(?![^>]*\bsrc=)(?![^>]*application/json)""",
    re.IGNORECASE,
)


def test_the_log_in_page_carries_a_strict_script_policy(client):
    csp = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-eval'" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "base-uri 'none'" in csp


def test_pages_for_a_logged_in_user_are_not_cached(login, caseworker, family):
    response = login(caseworker).get(reverse("families:detail", args=[family.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script_that_the_policy_would_block(template):
    hits = [m.group(0) for m in INLINE_SCRIPT.finditer(template.read_text(encoding="utf-8"))]
    assert not hits, f"move these into static/js/bi18.js (data-* attributes): {hits}"
