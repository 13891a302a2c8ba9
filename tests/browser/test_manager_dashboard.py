"""A manager's journey in headless Chromium: logs in, lands on the dashboard, sees the
trend charts drawn by the vendored Chart.js, opens a drill-down and downloads the XLSX.

Driven by URLs and attributes, not texts, so that it holds in Danish and English.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

from budget import services
from tests.browser.conftest import log_in
from tests.employment_factories import InternshipFactory, TrackFactory
from tests.factories import FamilyFactory, PersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def snapshots(db):
    for i in range(12):
        family = FamilyFactory(cohort="2024-1")
        track = TrackFactory(person=PersonFactory(family=family), start=datetime.date(2024, 1, 8))
        if i % 4:
            InternshipFactory(track=track, start=datetime.date(2024, 1, 22))
    for day in (datetime.date(2024, 7, 31), datetime.date(2024, 8, 31), datetime.date(2024, 9, 30)):
        services.snapshot_compute(on=day)


def test_manager_sees_the_charts_and_downloads_the_xlsx(
    page, screenshot, manager, snapshots, tmp_path
):
    log_in(page, manager)
    # A manager lands on the dashboard.
    page.goto("/")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("targets_home"))
    screenshot("dashboard")
    assert page.locator("[data-target='T1'] [data-rate]").inner_text().startswith("75")

    for canvas_id in ("chart-headline", "chart-others"):
        drawn = page.evaluate(
            """(id) => {
                const canvas = document.getElementById(id);
                const chart = window.Chart && Chart.getChart(canvas);
                return {
                    chart: !!chart,
                    points: chart ? chart.data.labels.length : 0,
                    width: canvas.width,
                    height: canvas.height,
                };
            }""",
            canvas_id,
        )
        assert drawn["chart"], canvas_id
        assert drawn["points"] == 3
        assert drawn["width"] > 0 and drawn["height"] > 0

    page.locator(f"a[href='{reverse('budget:target_detail', args=['T1'])}']").first.click()
    page.wait_for_load_state()
    assert page.locator("[data-figure='denominator']").inner_text() == "12"
    screenshot("drill-down")
    page.go_back()

    with page.expect_download() as download_info:
        page.locator("a[data-export='xlsx']").click()
    download = download_info.value
    assert download.suggested_filename == "bi18-maal-2024-09-30.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    workbook = load_workbook(path)
    header = [c.value for c in next(workbook.worksheets[0].iter_rows(max_row=1))]
    with translation.override("da"):
        assert header[0] == gettext("Target")
        assert header[2] == gettext("Numerator")
    rows = list(workbook.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert rows[0][0] == "T1" and rows[0][2:4] == (9, 12)
