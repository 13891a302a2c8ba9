"""Budget sums, the run-rate forecast, cost per outcome, snapshots (idempotent), the
compute_targets --json contract, the nightly beat entry and the budget note's data migration."""

import datetime
import importlib
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from budget import services
from budget.models import (
    Activity,
    Allocation,
    BudgetLine,
    BudgetSnapshot,
    Category,
    Expenditure,
    SnapshotRun,
    TargetSnapshot,
)
from employment.models import EndReason, InternshipStatus
from families.models import District
from tests.employment_factories import InternshipFactory, TrackFactory
from tests.factories import FamilyFactory, PersonFactory

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


def activity(line_code: str, outcome: str) -> Activity:
    return Activity.objects.get(line__code=line_code, outcome=outcome)


def spend(day, amount, line_code="18.21", outcome="T1", category=Category.CONSULTANT_SALARY):
    act = activity(line_code, outcome)
    return Expenditure.objects.create(
        date=day, amount=Decimal(amount), line=act.line, activity=act, category=category
    )


def parent_in_internship(start, *, cohort="A", district=District.VALBY):
    family = FamilyFactory(cohort=cohort, district=district)
    track = TrackFactory(person=PersonFactory(family=family), start=start)
    InternshipFactory(track=track, start=start + datetime.timedelta(days=10))
    return track


# --- The budget note ------------------------------------------------------------------


def test_the_budget_notes_lines_and_allocations_are_loaded():
    assert set(BudgetLine.objects.values_list("code", "kind")) == {
        ("18.21", "service"),
        ("78.10", "transfers"),
    }
    by_year = {}
    for a in Allocation.objects.all():
        by_year[a.year] = by_year.get(a.year, 0) + a.amount_thousands
        assert a.price_level == 2018
    assert by_year == {2018: Decimal("4300"), 2019: Decimal("4300")}


def test_the_data_migration_is_reversible():
    migration = importlib.import_module("budget.migrations.0002_budget_note_allocations")
    migration.unload(apps, None)
    assert not Allocation.objects.exists() and not BudgetLine.objects.exists()
    migration.load(apps, None)
    migration.load(apps, None)  # and safe to apply twice
    assert Allocation.objects.count() == 6
    assert Activity.objects.count() == 3


# --- Budget status ----------------------------------------------------------------------


def test_budget_sums_per_line_and_year_in_dkk():
    spend(D(2018, 3, 1), "1000.50")
    spend(D(2018, 6, 30), "499.50", outcome="T2")
    spend(D(2018, 7, 1), "250.00", line_code="78.10", category=Category.JOB_MENTOR)
    spend(D(2019, 1, 5), "100.00")
    spend(D(2018, 12, 1), "999.00")  # after the measurement date
    rows = {(r["line"], r["year"]): r for r in services.budget_status(D(2018, 7, 1))}
    assert rows[("18.21", 2018)]["allocated"] == Decimal("3800000.00")
    assert rows[("18.21", 2018)]["spent"] == Decimal("1500.00")
    assert rows[("18.21", 2018)]["spent_t1"] == Decimal("1000.50")
    assert rows[("18.21", 2018)]["spent_t2"] == Decimal("499.50")
    assert rows[("78.10", 2018)]["spent"] == Decimal("250.00")
    assert rows[("78.10", 2018)]["allocated"] == Decimal("500000.00")
    assert rows[("18.21", 2019)]["spent"] == Decimal(0)
    assert rows[("18.21", 2018)]["share"] == pytest.approx(1500 / 3_800_000)


def test_forecast_extrapolates_the_year_so_far_and_is_the_spending_outside_the_year():
    spent = Decimal("100000")
    # 31 March 2019: 90 of 365 days.
    assert services.forecast_year_end(spent=spent, year=2019, on=D(2019, 3, 31)) == Decimal(
        "405555.56"
    )
    assert services.forecast_year_end(spent=spent, year=2019, on=D(2019, 12, 31)) == spent
    assert services.forecast_year_end(spent=spent, year=2019, on=D(2020, 6, 1)) == spent
    assert services.forecast_year_end(spent=Decimal(0), year=2020, on=D(2019, 6, 1)) == 0
    # Leap year: 1 January of 366 days.
    assert services.forecast_year_end(spent=Decimal(1), year=2020, on=D(2020, 1, 1)) == Decimal(
        "366.00"
    )


def test_cost_per_outcome_divides_the_targets_spending_by_those_who_reached_it():
    spend(D(2018, 2, 1), "90000.00")
    spend(D(2018, 2, 1), "30000.00", outcome="T2")
    rows = {
        (r["line"], r["year"]): r
        for r in services.budget_status(D(2018, 3, 1), outcomes={"T1": 4, "T2": 0})
    }
    assert rows[("18.21", 2018)]["cost_per_t1"] == Decimal("22500.00")
    assert rows[("18.21", 2018)]["cost_per_t2"] is None  # nobody reached T2 yet
    assert services.cost_per_outcome(Decimal("100"), 3) == Decimal("33.33")
    assert services.cost_per_outcome(Decimal("0"), 3) is None


# --- Snapshots --------------------------------------------------------------------------


def test_snapshot_stores_every_target_overall_and_per_cohort_and_district():
    parent_in_internship(D(2018, 1, 1), cohort="A", district=District.VALBY)
    parent_in_internship(D(2018, 1, 1), cohort="B", district=District.VANLOESE)
    services.snapshot_compute(on=D(2018, 12, 31))
    rows = TargetSnapshot.objects.filter(date=D(2018, 12, 31))
    assert set(rows.filter(scope="overall").values_list("code", flat=True)) == {
        "T1",
        "T2",
        "T3",
        "T4",
        "T5",
        "T6",
    }
    t1 = rows.get(code="T1", scope="overall")
    assert (t1.numerator, t1.denominator, t1.rate, t1.target) == (2, 2, 1.0, 0.82)
    assert set(rows.filter(code="T1", scope="cohort").values_list("scope_value", flat=True)) == {
        "A",
        "B",
    }
    assert rows.get(code="T1", scope="district", scope_value=District.VALBY).numerator == 1
    assert rows.get(code="T2", scope="overall").rate is None


def test_recomputing_a_day_replaces_its_rows_and_leaves_other_days_alone():
    track = parent_in_internship(D(2018, 1, 1))
    services.snapshot_compute(on=D(2018, 11, 30))
    services.snapshot_compute(on=D(2018, 12, 31))
    count = TargetSnapshot.objects.filter(date=D(2018, 12, 31)).count()
    track.internships.update(
        status=InternshipStatus.CANCELLED, end_reason=EndReason.OTHER
    )  # a correction
    services.snapshot_compute(on=D(2018, 12, 31))
    assert TargetSnapshot.objects.filter(date=D(2018, 12, 31)).count() == count
    assert BudgetSnapshot.objects.filter(date=D(2018, 12, 31)).count() == 4
    assert (
        TargetSnapshot.objects.get(date=D(2018, 12, 31), code="T1", scope="overall").numerator == 0
    )
    assert (
        TargetSnapshot.objects.get(date=D(2018, 11, 30), code="T1", scope="overall").numerator == 1
    )


def test_a_run_is_marked_done_and_a_failed_run_records_the_failure():
    run = SnapshotRun.objects.create(date=D(2018, 5, 1))
    services.snapshot_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == SnapshotRun.Status.DONE and run.finished_at is not None
    services.snapshot_run_failed(run_id=run.pk, error="OperationalError('gone')")
    run.refresh_from_db()
    assert run.status == SnapshotRun.Status.FAILED and "gone" in run.error


def test_a_request_reuses_an_open_run_for_the_same_day(
    manager, django_capture_on_commit_callbacks, eager_celery
):
    open_run = SnapshotRun.objects.create(date=D(2018, 5, 1), status=SnapshotRun.Status.RUNNING)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = services.snapshot_run_request(actor=manager, on=D(2018, 5, 1))
    assert again.pk == open_run.pk and callbacks == []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        new = services.snapshot_run_request(actor=manager, on=D(2018, 5, 2))
    assert len(callbacks) == 1  # queued only once the run row is committed
    new.refresh_from_db()
    assert new.status == SnapshotRun.Status.DONE  # eager in tests without Redis


def test_the_task_retries_on_a_lost_database_connection():
    from django.db import InterfaceError, OperationalError

    from budget.tasks import compute_snapshot

    assert set(compute_snapshot.autoretry_for) == {OperationalError, InterfaceError}
    assert compute_snapshot.name == "budget.compute_snapshot"
    assert compute_snapshot.max_retries and compute_snapshot.retry_backoff
    assert compute_snapshot.time_limit and compute_snapshot.soft_time_limit


def test_the_beat_schedule_runs_the_snapshot_every_night():
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "budget.compute_snapshot"
    ]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert schedule.hour == {1} and schedule.minute == {30}
    assert schedule.day_of_week == set(range(7))


# --- compute_targets --json contract ----------------------------------------------------


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("compute_targets", *args, stdout=out)
    return out.getvalue()


def test_compute_targets_json_prints_exactly_one_object_with_the_contracts_keys_and_types():
    parent_in_internship(D(2018, 1, 1))
    spend(D(2018, 2, 1), "1234.50")
    output = run_command("--date", "2018-12-31", "--json")
    data = json.loads(output)  # one object, nothing else around it
    assert output.strip().startswith("{") and output.count("\n") <= 1
    assert set(data) == {"date", "targets", "budget"}
    assert data["date"] == "2018-12-31"
    assert list(data["targets"]) == ["T1", "T2", "T3", "T4", "T5", "T6"]
    for code, t in data["targets"].items():
        assert set(t) == {"numerator", "denominator", "rate", "target"}, code
        assert isinstance(t["numerator"], int) and isinstance(t["denominator"], int)
        assert t["rate"] is None or isinstance(t["rate"], float)
    assert data["targets"]["T1"] == {"numerator": 1, "denominator": 1, "rate": 1.0, "target": 0.82}
    assert data["targets"]["T2"]["rate"] is None and data["targets"]["T2"]["target"] == 0.5
    budget = {(b["line"], b["year"]): b for b in data["budget"]}
    assert set(budget[("18.21", 2018)]) == {"line", "year", "allocated", "spent", "forecast"}
    assert budget[("18.21", 2018)]["allocated"] == 3_800_000
    assert budget[("18.21", 2018)]["spent"] == 1234.5
    assert budget[("18.21", 2018)]["forecast"] == 1234.5  # the year is over
    assert budget[("78.10", 2019)]["allocated"] == 500_000
    assert TargetSnapshot.objects.filter(date=D(2018, 12, 31)).exists()  # and stored


def test_compute_targets_defaults_to_today_and_prints_a_summary():
    output = run_command()
    assert "T1: 0/0" in output


@pytest.mark.parametrize("bad", ["2018-02-30", "31-12-2018", "yesterday", "2018-1-5"])
def test_compute_targets_rejects_a_bad_date_with_a_clear_message(bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run_command("--date", bad, "--json")


def test_the_budget_note_survives_a_flush(transactional_db):
    from django.core.management import call_command

    call_command("flush", "--no-input", verbosity=0)
    assert Allocation.objects.count() == 6
    assert set(BudgetLine.objects.values_list("code", flat=True)) == {"18.21", "78.10"}


# --- Demo data -----------------------------------------------------------------------------


def test_seed_demo_adds_expenditures_and_snapshots_so_the_dashboard_shows_something(login, manager):
    from families.demo import seed_demo
    from families.registry import demo_seeders

    assert "budget" in [s.key for s in demo_seeders()]
    today = D(2026, 11, 26)
    seed_demo(families=40, seed=3, today=today)
    assert Expenditure.objects.filter(date__gte=D(2025, 12, 1), date__lte=today).count() >= 40
    assert Expenditure.objects.exclude(family=None).exists()
    assert Allocation.objects.filter(year=2026).count() == 3
    dates = sorted(set(TargetSnapshot.objects.values_list("date", flat=True)))
    assert dates[-1] == today and len(dates) == 7  # six month-ends and today: a trend
    snapshot = BudgetSnapshot.objects.get(date=today, line__code="18.21", year=2026)
    assert snapshot.spent > 0 and snapshot.forecast >= snapshot.spent
    response = login(manager).get(reverse("targets_home"))
    assert response.context["on"] == today and response.context["budget"]
