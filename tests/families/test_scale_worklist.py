"""Mit arbejde does the same work however much data others have (SPEC §8, §10; issue 11).

Query counts alone do not show it: at 50,000 families one query of this page scanned every
person and internship. Here the page is loaded for a caseworker and a company consultant with
a fixed amount of their own work, then the municipality grows around them (demo families of
other caseworkers, with tracks, internships, plans and youth tracks), and every query the page
made is re-run under EXPLAIN ANALYZE with sequential scans disabled: the rows the database
examines must not grow with the others' data. A query that can only be answered by reading a
whole table of people, tracks, internships or actions fails this test.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bi18.accounts.roles import Role
from families import demo
from networkgroup import selectors
from networkgroup import services as plan_services
from tests.employment_factories import InternshipFactory, TrackFactory
from tests.factories import FamilyFactory, PersonFactory, add_member, child

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN ANALYZE is PostgreSQL's"),
]

D = datetime.date


def _scanned(node) -> float:
    """Rows a plan node and its children read (returned or filtered away), times loops."""
    rows = 0.0
    if node.get("Node Type", "").endswith("Scan"):
        read = (
            node.get("Actual Rows", 0)
            + node.get("Rows Removed by Filter", 0)
            + node.get("Rows Removed by Index Recheck", 0)
        )
        rows += read * node.get("Actual Loops", 1)
    for child_node in node.get("Plans", []):
        rows += _scanned(child_node)
    return rows


def _work(client, url, **headers) -> tuple[int, float, list[tuple[float, str]]]:
    """(reads, rows examined, per-read rows) of one page load. Only SELECTs count: the session
    and audit writes around them depend on the clock, not on the data."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    per_query = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for query in ctx.captured_queries:
                sql = query["sql"]
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                per_query.append((_scanned(plan[0]["Plan"]), sql[:160]))
        finally:
            cursor.execute("RESET enable_seqscan")
    return len(per_query), sum(r for r, _sql in per_query), per_query


def _analyze() -> None:
    """Fresh planner statistics, as autovacuum keeps them on a real database."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@pytest.fixture
def own_work(caseworker, company_consultant):
    """Three families the caseworker coordinates, with tracks the company consultant runs,
    internships, plan actions and a young person."""
    today = datetime.date.today()
    families = []
    for i in range(3):
        # Demo-marked: the test scales up with seed_demo(append=True), which refuses to
        # add to a database holding real (non-demo) families (RealDataExists).
        family = FamilyFactory(household_id=f"{demo.DEMO_HOUSEHOLD_PREFIX}own-work-{i}")
        families.append(family)
        parent = PersonFactory(family=family)
        young = child(family=family)
        add_member(family, caseworker, coordinator=True)
        add_member(family, company_consultant, role=Role.COMPANY_CONSULTANT)
        track = TrackFactory(
            person=parent,
            start=today - datetime.timedelta(days=30 + i),
            company_consultant=company_consultant,
        )
        if i:
            InternshipFactory(track=track, start=today - datetime.timedelta(days=10))
        plan = selectors.plan_for_family(family=family)
        goal = plan_services.goal_create(
            actor=caseworker, plan=plan, area="employment", text="Job", person=parent
        )
        plan_services.action_create(
            actor=caseworker,
            goal=goal,
            what="Ring",
            responsible=caseworker,
            deadline=today + datetime.timedelta(days=2),
        )
        plan_services.goal_create(
            actor=caseworker, plan=plan, area="education", text="Skole", person=young
        )
    return families


def test_mit_arbejde_examines_the_same_rows_however_many_families_others_have(
    client, own_work, caseworker, company_consultant
):
    # The page, and a family's items loaded on request (HTMX) when its group is opened.
    urls = {
        "page": (reverse("home"), {}),
        "family": (
            reverse("worklist:group", args=["kommende", own_work[0].pk]),
            {"HTTP_HX_REQUEST": "true"},
        ),
    }
    users = {"caseworker": caseworker, "company consultant": company_consultant}
    for user in users.values():
        client.force_login(user)
        for url, headers in urls.values():
            client.get(url, **headers)  # warm per-process caches (content types, permissions)

    def measure():
        results = {}
        for who, user in users.items():
            client.force_login(user)
            for what, (url, headers) in urls.items():
                results[f"{who}: {what}"] = _work(client, url, **headers)
        return results

    demo.seed_demo(families=200, seed=3, append=True)
    _analyze()
    small = measure()
    demo.seed_demo(families=2000, seed=4, append=True)
    _analyze()
    large = measure()

    for who in small:
        (small_reads, small_rows, small_detail), (large_reads, large_rows, large_detail) = (
            small[who],
            large[who],
        )
        assert large_reads == small_reads, who
        grown = [
            (round(big - little), sql)
            for (little, sql), (big, _sql) in zip(small_detail, large_detail, strict=True)
            if big > little + 10
        ]
        # Small slack for the audit log and session rows this test itself adds.
        assert large_rows <= small_rows + 30, (who, grown)


def test_the_check_can_fail_a_scan_of_the_people_table_is_counted(client, caseworker):
    """The measure itself: a query that reads the whole people table grows with it."""
    from families.models import Person

    demo.seed_demo(families=20, seed=5)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = (
            Person.objects.filter(first_name__icontains="zz").values("pk").query.sql_with_params()
        )
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
        cursor.execute("RESET enable_seqscan")
    plan = json.loads(plan) if isinstance(plan, str) else plan
    assert _scanned(plan[0]["Plan"]) >= Person.objects.count()
