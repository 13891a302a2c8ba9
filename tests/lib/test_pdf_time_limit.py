"""A PDF is made within a time limit, in a child process, so that one plan cannot
block or kill a web worker (issue 9 §5): past the limit the renderer is stopped and
the user gets a Danish "try again" page, never a 500."""

import multiprocessing
import time

import pytest
from django.test import Client
from django.urls import reverse

from bi18.audit.models import AuditEvent
from bi18.lib.pdf import PdfTimeout, html_to_pdf
from networkgroup import selectors, services
from networkgroup.models import PlanArea

pytestmark = pytest.mark.django_db

# A page WeasyPrint needs seconds for: thousands of table cells.
SLOW_HTML = "<table>" + "<tr><td>celle</td><td>æøå</td></tr>" * 20_000 + "</table>"


def test_a_pdf_within_the_limit_is_returned():
    pdf = html_to_pdf("<h1>Familieplan – æøå</h1>", timeout=60)
    assert pdf.startswith(b"%PDF")


def test_a_slow_pdf_is_stopped_at_the_limit_and_its_renderer_killed():
    started = time.monotonic()
    with pytest.raises(PdfTimeout):
        html_to_pdf(SLOW_HTML, timeout=0.5)
    assert time.monotonic() - started < 5
    assert multiprocessing.active_children() == []  # the renderer was killed and reaped


def test_the_plan_pdf_past_the_limit_answers_a_danish_page_not_a_500(settings, caseworker, family):
    plan = selectors.plan_for_family(family=family)
    services.goal_create(actor=caseworker, plan=plan, area=PlanArea.HOUSING, text="Større bolig")
    settings.PDF_TIMEOUT_SECONDS = 0.001
    client = Client()
    client.force_login(caseworker)
    response = client.get(reverse("networkgroup:plan_pdf", args=[family.pk, "da"]))
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "tog for lang tid" in response.text
    assert reverse("networkgroup:plan_print", args=[family.pk]) in response.text
    # Nothing was exported, so nothing is logged as exported.
    assert not AuditEvent.objects.filter(event="networkgroup.plan.exported").exists()

    settings.PDF_TIMEOUT_SECONDS = 60
    response = client.get(reverse("networkgroup:plan_pdf", args=[family.pk, "da"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_decision_basis_pdf_past_the_limit_answers_a_danish_page(settings, manager):
    settings.PDF_TIMEOUT_SECONDS = 0.001
    client = Client()
    client.force_login(manager)
    response = client.get(reverse("evaluation:decision_pdf"))
    assert response.status_code == 503
    assert "tog for lang tid" in response.text
    assert not AuditEvent.objects.filter(event="evaluation.decision.pdf").exists()


def test_the_citizens_insight_pdf_past_the_limit_answers_a_danish_page(
    settings, administrator, family
):
    client = Client()
    client.force_login(administrator)
    started = client.post(
        reverse("insight:start"),
        {"cpr": "120385-4012", "purpose": "Anmodning om indsigt, j.nr. 2026-1"},
    )
    token = started["Location"].split("r=")[1]
    settings.PDF_TIMEOUT_SECONDS = 0.001
    response = client.post(reverse("insight:download", args=["pdf"]), {"r": token})
    assert response.status_code == 503
    assert "tog for lang tid" in response.text
    assert not AuditEvent.objects.filter(event="insight.report.exported").exists()
