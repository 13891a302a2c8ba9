"""Earlier decisions were all actions under a goal: they are about the goal's person."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forward(apps, schema_editor):
    Decision = apps.get_model("networkgroup", "Decision")
    Action = apps.get_model("networkgroup", "Action")
    person = Action.objects.filter(pk=OuterRef("action_id")).values("goal__person_id")[:1]
    Decision.objects.filter(action__isnull=False, person__isnull=True).update(
        person_id=Subquery(person)
    )


class Migration(migrations.Migration):
    dependencies = [("networkgroup", "0009_decision_about_a_person")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
