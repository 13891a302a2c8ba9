"""The managers' capacity view: enrolled against the budget note's plan, per cohort,
counted in the database (a fixed number of queries)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budget.capacity import capacity
from families.models import FamilyStatus
from tests.employment_factories import TrackFactory
from tests.factories import FamilyFactory, PersonFactory, child
from youth.models import YouthTrack

pytestmark = pytest.mark.django_db
D = datetime.date


def _family(cohort, status=FamilyStatus.ACTIVE, parents=2, young=0):
    family = FamilyFactory(cohort=cohort, status=status, enrolment_date=D(2026, 1, 5))
    for _n in range(parents):
        TrackFactory(person=PersonFactory(family=family))
    for _n in range(young):
        kid = child(family=family)
        YouthTrack.objects.create(person=kid, start=D(2026, 1, 5), education_effort=True)
    return family


def test_capacity_counts_per_cohort_against_the_plan():
    _family("2026-1", young=1)
    _family("2026-1", status=FamilyStatus.COMPLETED, parents=1)
    _family("2026-2", status=FamilyStatus.ENROLLED, young=2)
    _family("2026-2", status=FamilyStatus.WITHDRAWN, young=1)  # not counted
    _family("2026-2", status=FamilyStatus.SCREENED)  # not enrolled yet
    c = capacity()
    rows = {r.cohort: r for r in c.rows}
    assert (rows["2026-1"].families, rows["2026-1"].in_effort, rows["2026-1"].completed) == (
        2,
        1,
        1,
    )
    assert rows["2026-1"].parents == 3 and rows["2026-1"].young_people == 1
    assert (rows["2026-2"].families, rows["2026-2"].withdrawn) == (1, 1)
    assert rows["2026-2"].parents == 2 and rows["2026-2"].young_people == 2
    assert (c.total.families, c.total.parents, c.total.young_people) == (3, 5, 3)
    assert c.planned == {"families": 130, "parents": 260, "young_people": 100}
    assert c.share("families") == pytest.approx(3 / 130)


def test_the_plan_comes_from_the_rules(settings):
    settings.BI18_RULES = {"planned_families": 10, "planned_young_people": 4}
    _family("A", young=2)
    c = capacity()
    assert c.planned["families"] == 10 and c.share("young_people") == pytest.approx(0.5)


def test_a_manager_sees_the_capacity_page_in_a_fixed_number_of_queries(client, manager):
    client.force_login(manager)
    _family("2026-1", young=1)
    client.get(reverse("budget:capacity"))  # once-per-process checks (key custody) first
    with CaptureQueriesContext(connection) as small:
        response = client.get(reverse("budget:capacity"))
    for n in range(6):
        _family(f"2026-{n}", young=2)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("budget:capacity"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kapacitet" in html and "2026-5" in html and "af 130" in html
    assert len(large.captured_queries) == len(small.captured_queries)


def test_caseworkers_and_budget_officers_may_not_see_it(client, caseworker, budget_officer):
    for user in (caseworker, budget_officer):
        client.force_login(user)
        assert client.get(reverse("budget:capacity")).status_code == 403
