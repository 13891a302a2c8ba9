"""The family's single "information and consent given" date becomes recorded consent
for the agencies of the pilot's network groups (job centre, UU, schools), so that the
members already in the groups keep their access. Reversing removes only these rows."""

from django.db import migrations

AGENCIES = ("jobcenter", "uu", "school")
REFERENCE = "Samtykkeerklæring BI18 (overført fra familiens samtykkedato)"


def forwards(apps, schema_editor):
    Family = apps.get_model("families", "Family")
    SharingBasis = apps.get_model("consent", "SharingBasis")
    rows = []
    families = Family.objects.filter(consent_given_on__isnull=False).values_list(
        "pk", "consent_given_on"
    )
    for family_id, given_on in families.iterator(chunk_size=2000):
        for agency in AGENCIES:
            rows.append(
                SharingBasis(
                    family_id=family_id,
                    agency=agency,
                    kind="consent",
                    legal_reference=REFERENCE,
                    valid_from=given_on,
                )
            )
        if len(rows) >= 6000:
            SharingBasis.objects.bulk_create(rows)
            rows = []
    SharingBasis.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    SharingBasis = apps.get_model("consent", "SharingBasis")
    SharingBasis.objects.filter(legal_reference=REFERENCE, recorded_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consent", "0001_sharing_basis"),
        ("families", "0002_target_group_import"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
