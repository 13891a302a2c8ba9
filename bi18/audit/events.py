"""Audit event names written by the audit app itself, with their labels for the audit pages."""

from django.utils.translation import gettext_lazy as _

EVENTS = {
    "audit.log.searched": _("Audit log searched"),
    "audit.log.purged": _("Expired audit entries deleted"),
    "audit.citizen_report.produced": _("Citizen access report produced"),
    "audit.citizen_report.exported": _("Citizen access report downloaded (CSV)"),
}
