import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("networkgroup", "0006_plan_events_from_history")]

    operations = [
        migrations.AlterField(
            model_name="planchange",
            name="event",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="changes",
                to="networkgroup.planevent",
            ),
        ),
    ]
