"""The roles of SPEC §2. Each role is a Django group created by a data migration.

The permission codenames below live on accounts.User (Meta.permissions); a role is
nothing more than a group holding some of them, so a check in code asks for a
permission, never for a role name.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FAMILY_CASEWORKER = "family_caseworker", _("Family caseworker")
    EMPLOYMENT_CONSULTANT = "employment_consultant", _("Employment consultant")
    COMPANY_CONSULTANT = "company_consultant", _("Company consultant")
    JOB_MENTOR = "job_mentor", _("Job mentor")
    RETENTION_COUNSELLOR = "retention_counsellor", _("Retention counsellor")
    YOUTH_GUIDANCE_COUNSELLOR = "youth_guidance_counsellor", _("Youth guidance counsellor")
    MANAGER = "manager", _("Manager")
    BUDGET_OFFICER = "budget_officer", _("Budget officer")
    ADMIN = "admin", _("Administrator")
    # Issue 15: an (often external) evaluator of the pilot: aggregates and the
    # pseudonymised evaluation extract, never a name or a CPR number.
    EVALUATOR = "evaluator", _("Evaluator")


# Roles that work with case data (always limited to their own network groups
# or assigned people by the one access rule in families.access).
CASEWORKER_ROLES = (
    Role.FAMILY_CASEWORKER,
    Role.EMPLOYMENT_CONSULTANT,
    Role.COMPANY_CONSULTANT,
    Role.JOB_MENTOR,
    Role.RETENTION_COUNSELLOR,
    Role.YOUTH_GUIDANCE_COUNSELLOR,
)

# Changing this matrix needs a data migration that applies it to the existing
# groups (see 0003_sync_role_permissions); a test compares the two.
PERMISSIONS = {
    "access_case_data": _("Can work with case data of own network groups"),
    "create_family": _("Can register families"),
    "view_dashboard": _("Can view aggregated targets and dashboards"),
    "manage_budget": _("Can manage budget lines and expenditures"),
    "manage_users": _("Can manage users and roles"),
    "view_audit_log": _("Can search the audit log"),
    "manage_network_groups": _("Can assign caseworkers to network groups"),
    "import_target_group": _("Can import the target group"),
    "view_evaluation": _("Can view the evaluation and the decision basis"),
    "export_evaluation": _("Can download the pseudonymised evaluation extract"),
}

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.FAMILY_CASEWORKER: ("access_case_data", "create_family"),
    Role.EMPLOYMENT_CONSULTANT: ("access_case_data",),
    Role.COMPANY_CONSULTANT: ("access_case_data",),
    Role.JOB_MENTOR: ("access_case_data",),
    Role.RETENTION_COUNSELLOR: ("access_case_data",),
    Role.YOUTH_GUIDANCE_COUNSELLOR: ("access_case_data",),
    Role.MANAGER: ("view_dashboard", "view_evaluation"),
    # SPEC §2/§9: budget lines, allocations and expenditures; the targets dashboard
    # is the manager's (the budget page shows its own cost-per-outcome figures).
    Role.BUDGET_OFFICER: ("manage_budget",),
    Role.ADMIN: ("manage_users", "view_audit_log", "manage_network_groups", "import_target_group"),
    Role.EVALUATOR: ("view_evaluation", "export_evaluation"),
}
