"""Issue 15: the evaluator role, and the evaluation permissions for managers and evaluators.

The matrix is frozen here (not imported from roles.py), as in 0003.
"""

from django.db import migrations

ADDED = {
    "manager": ("view_evaluation",),
    "evaluator": ("view_evaluation", "export_evaluation"),
}


def _ensure_permissions(apps):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; the new ones must exist now.
    config = apps.get_app_config("accounts")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None


def add(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ADDED.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
        )


def remove(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manager = Group.objects.filter(name="manager").first()
    if manager is not None:
        manager.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="accounts", codename="view_evaluation"
            )
        )
    Group.objects.filter(name="evaluator").delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_sync_role_permissions")]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "permissions": [
                    ("access_case_data", "Can work with case data of own network groups"),
                    ("create_family", "Can register families"),
                    ("view_dashboard", "Can view aggregated targets and dashboards"),
                    ("manage_budget", "Can manage budget lines and expenditures"),
                    ("manage_users", "Can manage users and roles"),
                    ("view_audit_log", "Can search the audit log"),
                    ("manage_network_groups", "Can assign caseworkers to network groups"),
                    ("import_target_group", "Can import the target group"),
                    ("view_evaluation", "Can view the evaluation and the decision basis"),
                    ("export_evaluation", "Can download the pseudonymised evaluation extract"),
                ],
                "verbose_name": "user",
                "verbose_name_plural": "users",
            },
        ),
        migrations.RunPython(add, remove),
    ]
