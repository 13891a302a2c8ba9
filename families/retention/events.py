from django.utils.translation import gettext_lazy as _

EVENTS = {
    "retention.family.erased": _("Family's personal data erased (retention)"),
    "retention.hold.placed": _("Legal hold placed"),
    "retention.hold.lifted": _("Legal hold lifted"),
    "retention.list.viewed": _("Retention review list viewed"),
}
