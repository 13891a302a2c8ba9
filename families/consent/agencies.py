"""Receiving agencies, and which agency each caseworker role works for (the one place).

Data is shared with an agency on a recorded consent or legal basis (issue 13 §3). The
family's own caseworker (social services) holds the case and needs no sharing basis.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import Role


class Agency(models.TextChoices):
    SOCIAL = "social", _("Social services (family department)")
    JOBCENTER = "jobcenter", _("Job centre")
    UU = "uu", _("Youth guidance (UU)")
    SCHOOL = "school", _("School or educational institution")
    HEALTH = "health", _("Health services")


ROLE_AGENCY: dict[str, str] = {
    Role.FAMILY_CASEWORKER: Agency.SOCIAL,
    Role.EMPLOYMENT_CONSULTANT: Agency.JOBCENTER,
    Role.COMPANY_CONSULTANT: Agency.JOBCENTER,
    Role.JOB_MENTOR: Agency.JOBCENTER,
    Role.YOUTH_GUIDANCE_COUNSELLOR: Agency.UU,
    Role.RETENTION_COUNSELLOR: Agency.SCHOOL,
}

# The agency that holds the case: its members need no sharing basis.
CASE_OWNER = Agency.SOCIAL


def agency_of(role: str) -> str | None:
    return ROLE_AGENCY.get(role)


def roles_of(agency: str) -> list[str]:
    return [str(role) for role, a in ROLE_AGENCY.items() if a == agency]


def needs_basis(role: str) -> bool:
    agency = agency_of(role)
    return agency is not None and agency != CASE_OWNER
