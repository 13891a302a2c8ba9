"""A family's plan is created with the family, by every path that creates families, and
opening a page never creates one (issue 10 §5: GET never creates rows)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from families import demo
from families.models import Family
from families.registry import families_created
from networkgroup import selectors
from networkgroup.models import Goal, Plan, PlanArea
from networkgroup.rules import next_review_date
from tests.factories import FamilyFactory, add_member
from tests.families.test_import import family_rows, run

pytestmark = pytest.mark.django_db


def test_a_family_registered_on_its_page_has_its_empty_plan(login, caseworker):
    login(caseworker).post(reverse("families:create"), {"district": "valby", "cohort": "2026-9"})
    family = Family.objects.get(cohort="2026-9")
    plan = Plan.objects.get(family=family)
    assert plan.review_date == next_review_date(timezone.localdate())
    assert plan.last_reviewed_on is None
    assert not plan.goals.exists()


def test_every_imported_family_has_its_plan_and_a_reimport_adds_none():
    rows = family_rows("H1", 1) + family_rows("H2", 11) + family_rows("H3", 21)
    run(rows)
    assert Family.objects.count() == 3
    assert set(Plan.objects.values_list("family_id", flat=True)) == set(
        Family.objects.values_list("pk", flat=True)
    )
    run(rows)
    assert Plan.objects.count() == 3


def test_every_demo_family_has_its_plan_with_or_without_the_plan_seeder():
    demo.seed_demo(families=12, seeders=[], today=datetime.date(2026, 11, 26))
    assert Plan.objects.count() == Family.objects.count() == 12
    assert not Goal.objects.exists()


def test_the_hook_keeps_a_plan_that_exists_and_creates_only_the_missing_ones(caseworker):
    kept, missing = FamilyFactory(), FamilyFactory()
    plan = selectors.plan_for_family(family=kept)
    Goal.objects.create(
        plan=plan, area=PlanArea.HEALTH, text="Sund kost", created_by=caseworker,
        updated_by=caseworker,
    )  # fmt: skip
    Plan.objects.filter(family=missing).delete()
    families_created([kept.pk, missing.pk])
    assert selectors.plan_for_family(family=kept).pk == plan.pk
    assert selectors.plan_for_family(family=kept).goals.count() == 1
    assert selectors.plan_for_family(family=missing).review_date == next_review_date(
        timezone.localdate()
    )


@pytest.mark.parametrize(
    "url",
    ["networkgroup:plan", "networkgroup:plan_history", "networkgroup:plan_print"],
)
def test_opening_the_plan_of_a_family_without_one_creates_none(login, caseworker, url):
    """A pure read: a family without its plan (as before migration 0011) answers 404."""
    family = FamilyFactory()
    add_member(family, caseworker, coordinator=True)
    Plan.objects.filter(family=family).delete()
    response = login(caseworker).get(reverse(url, args=[family.pk]))
    assert response.status_code == 404
    assert not Plan.objects.filter(family=family).exists()


@pytest.mark.django_db(transaction=True)
def test_migration_0011_gives_every_family_without_a_plan_its_plan_and_reverses():
    with_plan, without = FamilyFactory(), FamilyFactory()
    kept = Plan.objects.get(family=with_plan)
    Plan.objects.filter(family=without).delete()
    before = [("networkgroup", "0010_decision_person_from_its_goal")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    executor.loader.build_graph()
    executor.migrate([("networkgroup", "0011_every_family_has_a_plan")])
    plan = Plan.objects.get(family=without)
    assert plan.review_date == next_review_date(timezone.localdate())
    assert plan.version == 1
    assert Plan.objects.get(family=with_plan).pk == kept.pk
    assert Plan.objects.count() == 2
    # Reversing keeps the plans (they may have goals by then).
    executor.loader.build_graph()
    executor.migrate(before)
    assert Plan.objects.count() == 2
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
