"""A parent may have several employment tracks over time (issue 16 §6): one-to-one becomes a
foreign key, with at most one open track (no outcome) per parent. No row changes.

Reversible while every parent has at most one track; with more, going back stops with a
clear message instead of failing on the unique index (nothing is deleted to make it fit).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def refuse_if_several(apps, schema_editor):
    EmploymentTrack = apps.get_model("employment", "EmploymentTrack")
    several = (
        EmploymentTrack.objects.values("person_id")
        .annotate(n=models.Count("id"))
        .filter(n__gt=1)
        .count()
    )
    if several:
        raise RuntimeError(
            f"{several} parents have more than one employment track; one track per parent "
            "cannot hold them. Keep this migration (or remove the later tracks by hand first)."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('employment', '0002_free_text_maximum_lengths'),
        ('families', '0006_import_assigns_a_coordinator'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='employmenttrack',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='employment_tracks', to='families.person'),
        ),
        migrations.AddConstraint(
            model_name='employmenttrack',
            constraint=models.UniqueConstraint(condition=models.Q(('outcome', '')), fields=('person',), name='track_one_open_per_person'),
        ),
        # Last, so that going back checks first.
        migrations.RunPython(migrations.RunPython.noop, refuse_if_several),
    ]
