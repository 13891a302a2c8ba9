# The daily digest's done-marker, moved from employment without losing a row (issue 10 §2):
# the model enters this app's state on the existing table, which is then renamed.
# Reversible: backwards the table gets its old name and employment takes it back.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("worklist", "0001_snooze_and_filter"),
        ("employment", "0004_digestsent_moves_to_worklist"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DigestSent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField()),
                        ("item_count", models.PositiveIntegerField(default=0)),
                        ("sent_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "employment_digestsent",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "date"), name="digest_once_per_day"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="digestsent", table=None),
    ]
