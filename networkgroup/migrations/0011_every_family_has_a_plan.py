"""Every family has its plan: it used to be created when its page was first opened (a GET
that wrote), now it is created with the family. Families without one get the empty plan
they would have got then (first review one interval from today), in one INSERT … SELECT
(50,000 families). Reversing keeps the plans: they may have goals by then."""

from django.db import migrations
from django.utils import timezone

from networkgroup.rules import next_review_date


def forward(apps, schema_editor):
    Plan = apps.get_model("networkgroup", "Plan")
    Family = apps.get_model("families", "Family")
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    review_date = connection.ops.adapt_datefield_value(next_review_date(timezone.localdate()))
    plan, family = Plan._meta, Family._meta
    family_id = qn(plan.get_field("family").column)
    sql = (
        f"INSERT INTO {qn(plan.db_table)} "  # noqa: S608 - names from model meta
        f"({family_id}, {qn('review_date')}, {qn('version')}, {qn('created_at')}, "
        f"{qn('updated_at')}) "
        f"SELECT f.{qn(family.pk.column)}, %s, 1, %s, %s FROM {qn(family.db_table)} f "
        f"WHERE NOT EXISTS (SELECT 1 FROM {qn(plan.db_table)} p "
        f"WHERE p.{family_id} = f.{qn(family.pk.column)})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [review_date, now, now])


class Migration(migrations.Migration):
    dependencies = [
        ("networkgroup", "0010_decision_person_from_its_goal"),
        ("families", "0006_import_assigns_a_coordinator"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
