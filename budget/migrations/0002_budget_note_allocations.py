"""The budget note's lines, activities and allocations (SPEC §7, table 2; 1,000 DKK, 2018 p/l).

Reversible: going back removes exactly these rows (and nothing a budget officer added
later, unless it hangs off these activities, which PROTECT then refuses).
"""

from decimal import Decimal

from django.db import migrations

COMMITTEE = ("BIU", "Beskæftigelses- og Integrationsudvalget")
LINES = [
    ("18.21", "Beskæftigelse og integration – service", "service"),
    ("78.10", "Beskæftigelse og integration – overførsler", "transfers"),
]
# (line, name, description, outcome, {year: 1,000 DKK})
ACTIVITIES = [
    (
        "18.21",
        "Styrket beskæftigelsesindsats for minoritetsforældrene",
        "Virksomheds- og beskæftigelseskonsulenter 3.000, tolkebistand 200",
        "T1",
        {2018: Decimal("3200"), 2019: Decimal("3200")},
    ),
    (
        "78.10",
        "Styrket beskæftigelsesindsats for minoritetsforældrene",
        "Supplerende indsats, herunder jobmentorstøtte",
        "T1",
        {2018: Decimal("500"), 2019: Decimal("500")},
    ),
    (
        "18.21",
        "Forebyggelse af frafald på uddannelsesinstitutioner",
        "Fastholdelseskonsulent",
        "T2",
        {2018: Decimal("600"), 2019: Decimal("600")},
    ),
]


def load(apps, schema_editor):
    Committee = apps.get_model("budget", "Committee")
    BudgetLine = apps.get_model("budget", "BudgetLine")
    Activity = apps.get_model("budget", "Activity")
    Allocation = apps.get_model("budget", "Allocation")
    committee, _ = Committee.objects.get_or_create(code=COMMITTEE[0], defaults={"name": COMMITTEE[1]})
    lines = {}
    for code, name, kind in LINES:
        lines[code], _ = BudgetLine.objects.get_or_create(
            code=code, defaults={"committee": committee, "name": name, "kind": kind}
        )
    for line, name, description, outcome, years in ACTIVITIES:
        activity, _ = Activity.objects.get_or_create(
            line=lines[line], name=name, defaults={"description": description, "outcome": outcome}
        )
        for year, amount in years.items():
            Allocation.objects.get_or_create(
                activity=activity,
                year=year,
                defaults={"amount_thousands": amount, "price_level": 2018},
            )


def unload(apps, schema_editor):
    BudgetLine = apps.get_model("budget", "BudgetLine")
    Activity = apps.get_model("budget", "Activity")
    Allocation = apps.get_model("budget", "Allocation")
    Committee = apps.get_model("budget", "Committee")
    for line, name, _description, _outcome, years in ACTIVITIES:
        Allocation.objects.filter(
            activity__line__code=line, activity__name=name, year__in=list(years)
        ).delete()
        Activity.objects.filter(line__code=line, name=name, allocations__isnull=True).delete()
    BudgetLine.objects.filter(code__in=[c for c, _n, _k in LINES], activities__isnull=True).delete()
    Committee.objects.filter(code=COMMITTEE[0], lines__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_budget_lines_expenditures_snapshots")]

    operations = [migrations.RunPython(load, unload)]
