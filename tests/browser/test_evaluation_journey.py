"""An evaluator's and a manager's journey through the evaluation in headless Chromium: the
decision basis with its charts, the extract built with a purpose (bad input first) and
downloaded, the API docs page, and the committee PDF.

Driven by URLs and attributes, not texts, so that it holds in Danish and English.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from bi18.accounts.models import User
from budget.evaluation.extract import COLUMNS
from families.demo import DEMO_PASSWORD, seed_demo
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def eager_celery():
    from bi18.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def demo(transactional_db, eager_celery):
    seed_demo(families=60, seed=3, today=datetime.date(2026, 12, 1))


def _chart_drawn(page, canvas_id: str) -> bool:
    return page.evaluate(
        "(id) => { const c = document.getElementById(id); "
        "return !!(window.Chart && c && Chart.getChart(c) && c.width > 0); }",
        canvas_id,
    )


def test_evaluator_reads_the_decision_basis_builds_and_downloads_the_extract(
    page, screenshot, demo, tmp_path
):
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    evaluator = User.objects.get(username="evaluator")
    log_in(page, evaluator, DEMO_PASSWORD)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("evaluation:decision"))
    assert _chart_drawn(page, "chart-rates") and _chart_drawn(page, "chart-difference")
    assert page.locator("tr[data-outcome='t1'][data-group='overall'] [data-low]").count() == 1
    screenshot("decision-basis")

    page.locator(f"a[href='{reverse('evaluation:extracts')}']").first.click()
    page.wait_for_load_state()
    # Bad input: no purpose. Nothing is built, the form says why.
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("#id_purpose.is-invalid").count() == 1
    assert page.locator("tr[data-extract]").count() == 0
    screenshot("purpose-missing")

    page.locator("#id_purpose").fill("Ekstern evaluering, kontrakt 2027-03")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-extract-status='done']").count() == 1
    screenshot("extract-ready")
    with page.expect_download() as download_info:
        page.locator("tr[data-extract] form button[type=submit]").click()
    path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert tuple(rows[0]) == COLUMNS and rows

    page.goto(reverse("api:docs"))
    # Swagger UI is a large script: give it time on a busy machine.
    page.wait_for_selector(".swagger-ui .opblock", timeout=60_000)
    assert page.locator(".swagger-ui .opblock").count() >= 5
    screenshot("api-docs")
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_manager_downloads_the_committee_pdf(page, screenshot, demo, tmp_path):
    manager = User.objects.get(username="leder")
    log_in(page, manager, DEMO_PASSWORD)
    page.goto(reverse("evaluation:decision"))
    page.wait_for_load_state("networkidle")
    assert page.locator(f"a[href='{reverse('evaluation:extracts')}']").count() == 0
    # WeasyPrint's first PDF in a process loads pango: allow it time on a busy machine.
    with page.expect_download(timeout=60_000) as download_info:
        page.locator(f"a[href='{reverse('evaluation:decision_pdf')}']").click(timeout=60_000)
    path = tmp_path / "decision.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
