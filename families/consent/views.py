"""The family's consent and legal basis page. Members read it; the family's own
caseworkers (the agency holding the case) record and withdraw."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bi18.audit.services import audit_log
from families.access import get_family_for_user
from families.consent import services
from families.consent.agencies import CASE_OWNER, agency_of
from families.consent.forms import BasisForm, WithdrawForm
from families.consent.models import SharingBasis
from families.consent.panels import agency_overview


def _family_and_rights(user, pk):
    family = get_family_for_user(user, pk)
    members = list(family.members.all())
    mine = [m for m in members if m.user_id == user.pk]
    if not mine:
        raise Http404  # assigned to one person only
    may_record = any(agency_of(m.group_role) == CASE_OWNER for m in mine)
    return family, members, may_record


@login_required
def family_consent(request, pk):
    family, members, may_record = _family_and_rights(request.user, pk)
    form = BasisForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_record:
            raise Http404
        if form.is_valid():
            try:
                services.basis_record(actor=request.user, family=family, **form.cleaned_data)
            except services.ConsentError as exc:
                form.add_error(
                    "signed_form" if form.cleaned_data.get("signed_form") else None, str(exc)
                )
            else:
                messages.success(request, _("The consent or legal basis was recorded."))
                return redirect("consent:family", pk=family.pk)
    else:
        audit_log(actor=request.user, action="view", event="consent.page.viewed", family=family)
    bases = SharingBasis.objects.filter(family=family).select_related("recorded_by", "withdrawn_by")
    return render(
        request,
        "consent/family_consent.html",
        {
            "family": family,
            "bases": bases,
            "overview": agency_overview(family, members),
            "form": form if may_record else None,
            "withdraw_form": WithdrawForm(),
            "may_record": may_record,
            "nav_active": "families",
        },
    )


@login_required
@require_POST
def basis_withdraw(request, pk, basis_pk):
    family, _members, may_record = _family_and_rights(request.user, pk)
    if not may_record:
        raise Http404
    basis = get_object_or_404(SharingBasis, pk=basis_pk, family=family)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The note is too long."))
        return redirect("consent:family", pk=family.pk)
    revoked = services.basis_withdraw(
        actor=request.user, basis=basis, note=form.cleaned_data["note"]
    )
    messages.success(
        request,
        _("The withdrawal was recorded. %(n)s user(s) lost access to the family.")
        % {"n": len(set(revoked))},
    )
    return redirect("consent:family", pk=family.pk)
