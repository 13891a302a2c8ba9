"""The network group's demo data: plans, history and meetings for seed_demo."""

import datetime
import random

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from bi18.accounts.models import User
from families import demo
from families.models import Family, NetworkMember, Person
from families.registry import demo_seeders
from families.worklist.engine import items_for
from networkgroup.demo import seed_plans
from networkgroup.models import Action, Decision, Goal, Meeting, Plan, PlanChange, PlanEvent

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


def _ours():
    return [s for s in demo_seeders() if s.key == "networkgroup.plans"]


def _snapshot():
    return (
        list(Goal.objects.order_by("id").values_list("plan__family__case_number", "area", "text")),
        list(
            Action.objects.order_by("id").values_list(
                "what", "responsible__username", "deadline", "status"
            )
        ),
    )


def test_demo_gives_every_family_a_plan_goals_actions_history_and_two_meetings():
    demo.seed_demo(families=25, seeders=_ours(), today=TODAY)
    families = Family.objects.count()
    assert Plan.objects.count() == families
    # A goal per person and one for the whole family.
    assert Goal.objects.count() == Person.objects.count() + families
    assert Goal.objects.filter(person__isnull=True).count() == families
    assert Action.objects.count() >= Goal.objects.count()
    assert PlanEvent.objects.filter(verb="created").count() == Action.objects.count()
    assert PlanChange.objects.count() == 2 * Action.objects.count()
    # Owners are members of the family's own group.
    in_group = NetworkMember.objects.filter(
        family_id=OuterRef("plan__family_id"), user_id=OuterRef("responsible_id")
    )
    assert not Action.objects.exclude(Exists(in_group)).exists()
    past = Meeting.objects.filter(starts_at__date__lt=TODAY)
    assert past.count() == families
    assert not past.filter(minutes_approved_at__isnull=True).exists()
    assert Decision.objects.count() == families
    assert Meeting.objects.filter(starts_at__date__gt=TODAY, minutes_approved_at=None).count() == (
        families
    )


def test_demo_caseworker_has_plan_work():
    demo.seed_demo(families=25, seeders=_ours(), today=TODAY)
    user = User.objects.get(username="sagsbehandler")
    work = items_for(user, today=TODAY, horizon_days=60)
    kinds = {d.kind for d in work.overdue + work.upcoming}
    assert "networkgroup.plan_action" in kinds


def test_demo_is_deterministic_and_makes_no_query_per_family():
    demo.seed_demo(families=60, seeders=[], today=TODAY)
    ids = list(Family.objects.order_by("id").values_list("id", flat=True))
    Plan.objects.all().delete()  # the families' empty plans: the seeder writes full ones

    def run(family_ids):
        with CaptureQueriesContext(connection) as ctx:
            seed_plans(rng=random.Random(5), family_ids=family_ids, users={}, today=TODAY)
        return len(ctx)

    small = run(ids[:10])
    first = _snapshot()
    Plan.objects.all().delete()
    Meeting.objects.all().delete()
    assert run(ids[:10]) == small
    assert _snapshot()[0] == first[0] and _snapshot()[1] == first[1]
    Plan.objects.all().delete()
    Meeting.objects.all().delete()
    # No query per family: only bulk inserts, which SQLite splits into batches of ~90 rows.
    assert run(ids) < len(ids) // 2
