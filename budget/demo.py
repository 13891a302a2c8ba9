"""Demo budget data for `manage.py seed_demo` (registered as a DemoSeeder, after the tracks).

Adds allocations for the demo pilot's own years (the budget note's amounts again, as a
budget officer would for later years), monthly expenditures over the pilot's months
(consultant salaries, interpreters, job mentors – some tied to a family's case number),
and snapshots at the last few month-ends and today, so the dashboard has a trend at once.
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from budget.models import Activity, Allocation, AllocationShare, Category, Expenditure
from families.registry import DemoSeeder

PILOT_MONTHS = 12
# Historic month-end snapshots cost a full computation each; at national scale only today's.
HISTORY_UP_TO_FAMILIES = 5000
HISTORY_MONTHS = 6


def seed(*, rng, family_ids, users, today: datetime.date, **_kwargs) -> None:
    from budget import services

    activities = list(Activity.objects.select_related("line").order_by("id"))
    if not activities:
        return
    first_month = (today - relativedelta(months=PILOT_MONTHS - 1)).replace(day=1)
    for activity in activities:
        base = activity.allocations.order_by("-year").first()
        for year in range(first_month.year, today.year + 1):
            allocation, created = Allocation.objects.get_or_create(
                activity=activity,
                year=year,
                defaults={
                    "amount_thousands": base.amount_thousands if base else Decimal("500"),
                    "price_level": base.price_level if base else 2018,
                },
            )
            if created and base is not None:
                # The note's split (18.21: consultants / interpreters) carries over too.
                AllocationShare.objects.bulk_create(
                    AllocationShare(
                        allocation=allocation,
                        category=s.category,
                        amount_thousands=s.amount_thousands,
                    )
                    for s in base.shares.all()
                )
    officer = users.get("budget_officer")
    rows = []
    month = first_month
    sample = list(family_ids[:200])
    while month <= today:
        for activity in activities:
            monthly = _monthly(activity)
            for category, share in monthly:
                day = min(month + datetime.timedelta(days=rng.randint(0, 27)), today)
                amount = Decimal(share * rng.uniform(0.85, 1.1)).quantize(Decimal("0.01"))
                family_id = (
                    rng.choice(sample)
                    if sample and category == Category.JOB_MENTOR and rng.random() < 0.5
                    else None
                )
                rows.append(
                    Expenditure(
                        date=day,
                        amount=amount,
                        line=activity.line,
                        activity=activity,
                        category=category,
                        family_id=family_id,
                        note="Demo",
                        created_by=officer,
                    )
                )
        month += relativedelta(months=1)
    Expenditure.objects.bulk_create(rows, batch_size=1000)

    dates = [today]
    if len(family_ids) <= HISTORY_UP_TO_FAMILIES:
        dates = [
            today.replace(day=1) - relativedelta(months=m) - datetime.timedelta(days=1)
            for m in range(HISTORY_MONTHS - 1, -1, -1)
        ] + [today]
    for day in dates:
        services.snapshot_compute(on=day)


def _monthly(activity) -> list[tuple[str, float]]:
    """Category and monthly DKK for an activity, roughly its allocation over 12 months."""
    if activity.line.kind == "transfers":
        return [(Category.JOB_MENTOR, 38_000.0)]
    if activity.outcome == "T2":
        return [(Category.CONSULTANT_SALARY, 48_000.0)]
    return [(Category.CONSULTANT_SALARY, 245_000.0), (Category.INTERPRETER, 15_000.0)]


SEEDER = DemoSeeder(key="budget", order=90, seed=seed)
