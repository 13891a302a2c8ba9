"""A young person may have several youth tracks over time (issue 16 §6): one-to-one becomes
a foreign key, with at most one open track (no actual end) per person. No row changes.

Reversible while every young person has at most one track; with more, going back stops
with a clear message instead of failing on the unique index (nothing is deleted).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def refuse_if_several(apps, schema_editor):
    YouthTrack = apps.get_model("youth", "YouthTrack")
    several = (
        YouthTrack.objects.values("person_id").annotate(n=models.Count("id")).filter(n__gt=1).count()
    )
    if several:
        raise RuntimeError(
            f"{several} young people have more than one youth track; one track per person "
            "cannot hold them. Keep this migration (or remove the later tracks by hand first)."
        )


class Migration(migrations.Migration):

    dependencies = [
        ('families', '0006_import_assigns_a_coordinator'),
        ('youth', '0003_company_internships'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='youthtrack',
            name='person',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='youth_tracks', to='families.person', verbose_name='young person'),
        ),
        migrations.AddConstraint(
            model_name='youthtrack',
            constraint=models.UniqueConstraint(condition=models.Q(('actual_end__isnull', True)), fields=('person',), name='youthtrack_one_open_per_person'),
        ),
        # Last, so that going back checks first.
        migrations.RunPython(migrations.RunPython.noop, refuse_if_several),
    ]
