# The digest's done-marker moves to the worklist app (issue 10 §2). Only Django's state
# changes here; the table and its rows stay, and worklist 0002 takes them over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("employment", "0003_several_tracks_per_parent"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DigestSent")],
            database_operations=[],
        ),
    ]
