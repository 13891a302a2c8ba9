"""Apply the role matrix of roles.py to the existing groups.

SPEC §2 gives budget officers budget lines, allocations and expenditures; the
targets dashboard is the manager's. 0002 gave budget officers view_dashboard too.
The matrix is frozen here (not imported) so that this migration keeps meaning the
same thing when roles.py changes later.
"""

from django.db import migrations

ROLE_PERMISSIONS = {
    "family_caseworker": ("access_case_data", "create_family"),
    "employment_consultant": ("access_case_data",),
    "company_consultant": ("access_case_data",),
    "job_mentor": ("access_case_data",),
    "retention_counsellor": ("access_case_data",),
    "youth_guidance_counsellor": ("access_case_data",),
    "manager": ("view_dashboard",),
    "budget_officer": ("manage_budget",),
    "admin": ("manage_users", "view_audit_log", "manage_network_groups", "import_target_group"),
}


def sync(apps, schema_editor, matrix=ROLE_PERMISSIONS):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in matrix.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="accounts", codename__in=codenames)
        )


def unsync(apps, schema_editor):
    sync(apps, schema_editor, {**ROLE_PERMISSIONS, "budget_officer": ("manage_budget", "view_dashboard")})


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [migrations.RunPython(sync, unsync)]
