"""The administrators' retention review: families past retention, erase or hold."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bi18.audit.services import audit_log
from bi18.lib.sorting import sort_order
from families.models import Family
from families.retention import rules, services
from families.retention.forms import EraseForm, HoldForm
from families.retention.models import Erasure, LegalHold, RetentionCandidate

# The administrator's data-protection duties (audit log, access report, retention, insight).
retention_required = permission_required("accounts.view_audit_log", raise_exception=True)
PAGE_SIZE = 25


@login_required
@retention_required
def review_list(request):
    holds = LegalHold.objects.filter(family=OuterRef("family_id"), lifted_at__isnull=True)
    candidates = RetentionCandidate.objects.select_related("family").annotate(on_hold=Exists(holds))
    sorting = sort_order(
        request,
        {"case_number": "family__case_number", "ended_on": "ended_on", "due_on": "due_on"},
        "due_on",
    )
    candidates = candidates.order_by(*sorting.ordering)
    page = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(actor=request.user, action="view", event="retention.list.viewed")
    return render(
        request,
        "retention/review_list.html",
        {
            "page": page,
            "sorting": sorting,
            "years": rules.retention_years(),
            "erasures": Erasure.objects.select_related("erased_by")[:10],
            "nav_active": "admin",
        },
    )


def _candidate_family(pk) -> Family:
    return get_object_or_404(
        RetentionCandidate.objects.select_related("family"), family_id=pk
    ).family


@login_required
@retention_required
def family_erase(request, pk):
    family = _candidate_family(pk)
    form = EraseForm(request.POST or None, family=family)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_erase(
                actor=request.user, family=family, reason=form.cleaned_data["reason"]
            )
        except services.RetentionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The personal data of %(case)s was erased.") % {"case": family.case_number},
            )
            return redirect("retention:review")
    return render(
        request,
        "retention/family_erase.html",
        {
            "family": family,
            "form": form,
            "hold": services.active_hold(family),
            "hold_form": HoldForm(),
            "nav_active": "admin",
        },
    )


@login_required
@retention_required
@require_POST
def hold_place(request, pk):
    family = _candidate_family(pk)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            services.hold_place(
                actor=request.user, family=family, reason=form.cleaned_data["reason"]
            )
        except services.RetentionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The legal hold was placed."))
    else:
        messages.error(request, _("Give the reason for the legal hold."))
    return redirect("retention:erase", pk=family.pk)


@login_required
@retention_required
@require_POST
def hold_lift(request, pk):
    family = _candidate_family(pk)
    hold = services.active_hold(family)
    if hold is not None:
        services.hold_lift(actor=request.user, hold=hold)
        messages.success(request, _("The legal hold was lifted."))
    return redirect("retention:erase", pk=family.pk)
