"""The budget note's split of 18.21 for the parents' employment effort (1,000 DKK a year):
consultants 3,000 and interpreters 200 (SPEC §7; BI18-budgetnotat: "3,0 mio. kr. til
virksomheds- og beskæftigelseskonsulenter … og 0,2 mio. kr. … til tolkebistand").

For every year's allocation of that activity that is still the note's 3,200. Reversible:
going back removes only these shares; allocations and expenditures are untouched.
"""

from decimal import Decimal

from django.db import migrations

LINE = "18.21"
ACTIVITY = "Styrket beskæftigelsesindsats for minoritetsforældrene"
TOTAL = Decimal("3200")
SHARES = [("consultant_salary", Decimal("3000")), ("interpreter", Decimal("200"))]


def load(apps, schema_editor):
    Allocation = apps.get_model("budget", "Allocation")
    AllocationShare = apps.get_model("budget", "AllocationShare")
    for allocation in Allocation.objects.filter(
        activity__line__code=LINE, activity__name=ACTIVITY, amount_thousands=TOTAL
    ):
        for category, amount in SHARES:
            AllocationShare.objects.get_or_create(
                allocation=allocation, category=category, defaults={"amount_thousands": amount}
            )


def unload(apps, schema_editor):
    AllocationShare = apps.get_model("budget", "AllocationShare")
    AllocationShare.objects.filter(
        allocation__activity__line__code=LINE,
        allocation__activity__name=ACTIVITY,
        category__in=[c for c, _a in SHARES],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("budget", "0005_allocation_shares")]

    operations = [migrations.RunPython(load, unload)]
