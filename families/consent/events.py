from django.utils.translation import gettext_lazy as _

EVENTS = {
    "consent.basis.recorded": _("Consent or legal basis recorded"),
    "consent.basis.withdrawn": _("Consent withdrawn"),
    "consent.access.revoked": _("Access removed: no valid consent or legal basis"),
    "consent.page.viewed": _("Consent and legal basis viewed"),
}
