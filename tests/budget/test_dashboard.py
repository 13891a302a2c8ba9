"""The manager dashboard: access, no personal data, small-cell suppression, drill-down,
recompute with progress, CSV/XLSX export (audited) and a fixed number of queries."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from bi18.audit.models import AuditEvent
from budget import services
from budget.dashboard import Cell, suppress
from budget.models import SnapshotRun, TargetSnapshot
from families.models import District
from tests.employment_factories import InternshipFactory, TrackFactory
from tests.factories import FamilyFactory, PersonFactory, child

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery():
    """Run tasks in-process even when REDIS_URL is set (nothing is left in the broker)."""
    from bi18.celery import app

    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


DISTRICTS = list(District.values)


def parents(n, *, start=None, in_internship=True, cohort="2024-1", district=None):
    start = start or D(2024, 1, 8)
    for i in range(n):
        family = FamilyFactory(cohort=cohort, district=district or DISTRICTS[i % len(DISTRICTS)])
        track = TrackFactory(person=PersonFactory(family=family), start=start)
        if in_internship:
            InternshipFactory(track=track, start=start + datetime.timedelta(days=14))


# --- Access -------------------------------------------------------------------------------


DASHBOARD_URLS = [
    reverse("targets_home"),
    reverse("budget:target_detail", args=["T1"]),
    reverse("budget:export", args=["csv"]),
    reverse("budget:export", args=["xlsx"]),
]
BUDGET_URLS = [
    reverse("budget:overview"),
    reverse("budget:expenditures"),
    reverse("budget:expenditure_create"),
    reverse("budget:allocation_create"),
    reverse("budget:import"),
]


@pytest.fixture
def snapshot(db):
    parents(3)
    services.snapshot_compute(on=D(2024, 9, 1))
    return D(2024, 9, 1)


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_a_manager_reaches_every_dashboard_page(login, manager, snapshot, url):
    assert login(manager).get(url).status_code == 200


@pytest.mark.parametrize("url", BUDGET_URLS)
def test_a_manager_cannot_edit_or_open_the_budget_pages(login, manager, url):
    assert login(manager).get(url).status_code == 403


@pytest.mark.parametrize("url", DASHBOARD_URLS[1:])
def test_a_budget_officer_gets_the_budget_not_the_dashboard(login, budget_officer, snapshot, url):
    client = login(budget_officer)
    home = client.get(reverse("targets_home"))
    assert home.status_code == 302 and home.url == reverse("budget:overview")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", DASHBOARD_URLS + BUDGET_URLS)
def test_caseworkers_and_administrators_are_refused(login, caseworker, administrator, url):
    assert login(caseworker).get(url).status_code == 403
    assert login(administrator).get(url).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("targets_home"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def _family_with_tracks():
    family = FamilyFactory()
    parent = PersonFactory(family=family, first_name="Hemmelig", last_name="Forælder")
    TrackFactory(person=parent)
    young = child(family=family, first_name="Hemmelig", last_name="Ung")
    return family, parent, young


PERSONAL_PAGES = [
    ("families list", lambda f, p, y: reverse("families:list"), {403}),
    ("family page", lambda f, p, y: reverse("families:detail", args=[f.pk]), {404}),
    ("family edit", lambda f, p, y: reverse("families:edit", args=[f.pk]), {403, 404}),
    ("parent page", lambda f, p, y: reverse("employment:parent", args=[p.pk]), {403, 404}),
    (
        "internship",
        lambda f, p, y: reverse("employment:internship_create", args=[p.pk]),
        {403, 404},
    ),
    ("young person", lambda f, p, y: reverse("youth:person", args=[y.pk]), {403, 404}),
    ("youth timeline", lambda f, p, y: reverse("youth:timeline", args=[y.pk]), {403, 404}),
    ("family plan", lambda f, p, y: reverse("networkgroup:plan", args=[f.pk]), {403, 404}),
    ("meetings", lambda f, p, y: reverse("networkgroup:meeting_list", args=[f.pk]), {403, 404}),
]


@pytest.mark.parametrize(
    ("name", "url", "allowed"), PERSONAL_PAGES, ids=[p[0] for p in PERSONAL_PAGES]
)
@pytest.mark.parametrize("role", ["manager", "budget_officer"])
def test_managers_and_budget_officers_cannot_reach_any_page_with_personal_data(
    request, login, role, name, url, allowed
):
    family, parent, young = _family_with_tracks()
    response = login(request.getfixturevalue(role)).get(url(family, parent, young))
    assert response.status_code in allowed
    assert "Hemmelig" not in response.content.decode()


@pytest.mark.parametrize("role", ["manager", "budget_officer"])
def test_managers_and_budget_officers_cannot_reveal_a_cpr_number(request, login, role):
    _family, parent, _young = _family_with_tracks()
    client = login(request.getfixturevalue(role))
    response = client.post(reverse("families:person_cpr", args=[parent.pk]))
    assert response.status_code in (403, 404)


def test_the_dashboard_shows_no_names(login, manager):
    family, _parent, _young = _family_with_tracks()
    services.snapshot_compute(on=D(2026, 12, 31))
    body = login(manager).get(reverse("targets_home")).content.decode()
    assert "Hemmelig" not in body and family.case_number not in body


# --- Small-cell suppression ----------------------------------------------------------


def cells(*pairs):
    return [
        Cell(group=str(i), label=str(i), numerator=n, denominator=d, rate=None)
        for i, (n, d) in enumerate(pairs)
    ]


def test_cells_of_five_or_more_reached_and_not_reached_are_shown():
    result = suppress(cells((5, 10), (20, 40)), threshold=5)
    assert [c.suppressed for c in result] == [False, False]


@pytest.mark.parametrize(("n", "d"), [(4, 20), (0, 20), (3, 3), (16, 20), (20, 20), (2, 4)])
def test_a_cell_with_a_small_numerator_denominator_or_complement_is_hidden(n, d):
    result = suppress(cells((n, d), (50, 100), (60, 100)), threshold=5)
    assert result[0].suppressed and not result[0].secondary


def test_a_single_hidden_cell_takes_the_smallest_other_cell_with_it():
    result = suppress(cells((2, 10), (30, 60), (10, 20)), threshold=5)
    assert [c.suppressed for c in result] == [True, False, True]
    assert result[2].secondary and not result[0].secondary


def test_hidden_cells_are_added_until_their_sum_is_no_longer_small():
    # Two tiny cells together still hold fewer than 5 reached: a third must go.
    result = suppress(cells((1, 6), (1, 7), (30, 60), (10, 20)), threshold=5)
    assert [c.suppressed for c in result] == [True, True, False, True]


def test_breakdowns_show_less_than_five_and_hide_the_rate(login, manager):
    parents(6, district=District.VALBY, cohort="A")
    parents(6, district=District.VANLOESE, cohort="A", in_internship=False)
    parents(3, district=District.VALBY, cohort="B")
    services.snapshot_compute(on=D(2024, 9, 1))
    response = login(manager).get(reverse("budget:target_detail", args=["T1"]))
    body = response.content.decode()
    cohort_b = [c for c in response.context["tables"][0][2] if c.group == "B"][0]
    assert cohort_b.suppressed
    assert "&lt; 5" in body
    # Overall figures are shown as counts: 9 of 15 reached, 6 not.
    t = response.context["t"]
    assert (t.numerator, t.denominator, t.not_achieved) == (9, 15, 6)
    # Issue 16 §4: the one short date format in the heading, no month names.
    assert "Opgjort pr. 01.09.2024" in body and "september 2024" not in body
    home = login(manager).get(reverse("targets_home")).content.decode()
    assert "Opgjort pr. 01.09.2024" in home and "september 2024" not in home


# --- Dashboard page --------------------------------------------------------------------


def test_without_a_snapshot_the_dashboard_offers_to_compute_now(login, manager):
    body = login(manager).get(reverse("targets_home")).content.decode()
    assert reverse("budget:snapshot_request") in body
    assert "chart.umd.min.js" not in body


def test_compute_now_stores_a_snapshot_and_the_dashboard_shows_it(
    login, manager, django_capture_on_commit_callbacks, eager_celery
):
    parents(5)
    client = login(manager)
    with pytest.MonkeyPatch.context() as mp, django_capture_on_commit_callbacks(execute=True):
        mp.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2024, 9, 1))
        response = client.post(reverse("budget:snapshot_request"))
    assert response.status_code == 302
    run = SnapshotRun.objects.get()
    assert run.status == SnapshotRun.Status.DONE and run.requested_by == manager
    page = client.get(reverse("targets_home"))
    body = page.content.decode()
    assert 'data-target="T1"' in body and "100,0 %" in body
    assert "static/vendor/chartjs/chart.umd.min.js" in body and "cdn" not in body.lower()
    assert 'id="trend-data"' in body


def test_compute_now_is_post_only(login, manager):
    assert login(manager).get(reverse("budget:snapshot_request")).status_code == 405


def test_htmx_progress_polls_while_running_and_refreshes_when_done(login, manager):
    client = login(manager)
    run = SnapshotRun.objects.create(date=D(2024, 9, 1), status=SnapshotRun.Status.RUNNING)
    url = reverse("budget:snapshot_status", args=[run.pk])
    running = client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in running.content.decode()
    assert "HX-Refresh" not in running
    run.status = SnapshotRun.Status.DONE
    run.save()
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert 'hx-trigger="every 2s"' not in done.content.decode()


def test_htmx_compute_now_returns_the_status_fragment(login, manager):
    response = login(manager).post(reverse("budget:snapshot_request"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="run-status"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_the_dashboard_shows_headline_targets_trend_and_budget(login, manager):
    parents(10)
    services.snapshot_compute(on=D(2024, 8, 1))
    services.snapshot_compute(on=D(2024, 9, 1))
    response = login(manager).get(reverse("targets_home"))
    context = response.context
    assert [t.code for t in context["headline"]] == ["T1", "T2"]
    assert [t.code for t in context["others"]] == ["T3", "T4", "T5", "T6"]
    assert context["trend"]["dates"] == ["2024-08-01", "2024-09-01"]
    assert context["trend"]["date_labels"] == ["01.08.2024", "01.09.2024"]  # Danish, not ISO
    assert context["trend"]["series"]["T1"] == [100.0, 100.0]
    assert context["trend"]["targets"]["T1"] == 82.0
    assert {(b.line.code, b.year) for b in context["budget"]} >= {("18.21", 2018), ("78.10", 2019)}


def _snapshot_dates(n_families: int, n_dates: int):
    parents(n_families)
    for i in range(n_dates):
        services.snapshot_compute(on=D(2024, 9, 1) + datetime.timedelta(days=30 * i))


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("targets_home")).status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_makes_the_same_small_number_of_queries_whatever_the_data_size(
    login, manager, django_assert_max_num_queries
):
    client = login(manager)
    _snapshot_dates(2, 1)
    small = _dashboard_queries(client)
    _snapshot_dates(60, 6)  # more people, every district and more snapshot dates
    assert TargetSnapshot.objects.count() > 100
    with django_assert_max_num_queries(small):
        client.get(reverse("targets_home"))
    assert _dashboard_queries(client) == small
    assert small <= 12


# --- Export --------------------------------------------------------------------------


def test_xlsx_export_holds_the_tables_and_is_audited(login, manager):
    parents(12)
    services.snapshot_compute(on=D(2024, 9, 1))
    response = login(manager).get(reverse("budget:export", args=["xlsx"]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert 'filename="bi18-maal-2024-09-01.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 3
    targets_sheet = workbook[workbook.sheetnames[0]]
    rows = list(targets_sheet.iter_rows(values_only=True))
    assert rows[1][0] == "T1" and rows[1][2:4] == (12, 12)
    breakdown = list(workbook[workbook.sheetnames[1]].iter_rows(values_only=True))
    assert any("< 5" in row for row in breakdown[1:])  # 12 parents over 10 districts
    event = AuditEvent.objects.get(event="budget.dashboard.exported")
    assert event.action == "export" and event.actor == manager
    assert event.detail == {"format": "xlsx", "date": "2024-09-01"}


def test_csv_export_is_semicolon_separated_utf8_and_audited(login, manager):
    parents(6, district=District.VALBY)
    services.snapshot_compute(on=D(2024, 9, 1))
    response = login(manager).get(reverse("budget:export", args=["csv"]))
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert "T1;" in text and ";100,0;82,0" in text
    assert (
        AuditEvent.objects.filter(action="export", event="budget.dashboard.exported").count() == 1
    )


def test_export_without_a_snapshot_is_404_not_500(login, manager):
    assert login(manager).get(reverse("budget:export", args=["xlsx"])).status_code == 404


def test_drill_down_for_an_unknown_target_is_404(login, manager, snapshot):
    assert login(manager).get(reverse("budget:target_detail", args=["T9"])).status_code == 404


# --- Headings (issue 16 §4: each page its own heading and breadcrumb) ----------------------


def _h1_and_crumbs(html):
    import re

    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()
    crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', html, re.S).group(1)
    return h1, [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<li[^>]*>(.*?)</li>", crumbs, re.S)
    ]


@pytest.mark.parametrize(
    "who, url, heading, trail",
    [
        ("manager", reverse("targets_home"), "Mål", ["Mål og økonomi", "Mål"]),
        ("budget_officer", reverse("budget:overview"), "Budget", ["Mål og økonomi", "Budget"]),
        (
            "budget_officer",
            reverse("budget:expenditures"),
            "Udgifter",
            ["Mål og økonomi", "Udgifter"],
        ),
        (
            "budget_officer",
            reverse("budget:import"),
            "Importér udgifter",
            ["Mål og økonomi", "Importér udgifter"],
        ),
        (
            "budget_officer",
            reverse("budget:expenditure_create"),
            None,
            ["Mål og økonomi", "Udgifter", None],
        ),
    ],
)
def test_each_dashboard_and_budget_page_has_its_own_heading_and_breadcrumb(
    request, login, snapshot, who, url, heading, trail
):
    html = login(request.getfixturevalue(who)).get(url).content.decode()
    h1, crumbs = _h1_and_crumbs(html)
    assert h1 != "Mål og økonomi"  # not the section's name on every page
    if heading:
        assert h1 == heading
    # The last crumb is the page itself, named as its heading.
    assert crumbs == [c if c is not None else h1 for c in trail]


def test_the_dashboard_breakdowns_hide_small_groups_and_their_complement(login, manager):
    parents(6, district=District.VALBY, cohort="A")
    parents(6, district=District.VANLOESE, cohort="A", in_internship=False)
    parents(3, district=District.VALBY, cohort="B")
    services.snapshot_compute(on=D(2024, 9, 1))
    response = login(manager).get(reverse("targets_home"))
    body = response.content.decode()
    by_cohort = response.context["matrices"][0][1]
    t1 = [t.code for t in response.context["views"]].index("T1")
    cells = {row.label: row.cells[t1] for row in by_cohort}
    # B is small (3 people); A alone would give B away from the total: hidden too.
    assert cells["B"].suppressed and not cells["B"].secondary
    assert cells["A"].secondary
    assert '<td class="text-end"><span class="suppressed">&lt; 5</span></td>' in body
    assert '<td class="text-end"><span class="suppressed">skjult</span></td>' in body
