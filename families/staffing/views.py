"""Staffing pages: the handover of a leaver's families, the approvals page (four eyes),
the families nobody looks after, and the list of every grant for the managers.

Administrators see case numbers, never names or case content; managers see counts
and who granted what to whom, never a case number.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bi18.accounts import services as account_services
from bi18.accounts.models import GrantStatus, RoleGrant
from bi18.accounts.roles import Role
from bi18.lib.sorting import choice_order, name_order, sort_order
from families.models import District, FamilyStatus
from families.registry import family_page_url
from families.staffing import selectors, services
from families.staffing.forms import HandoverForm
from families.staffing.models import AccessGrant

PAGE_SIZE = 25

admin_required = permission_required("accounts.manage_network_groups", raise_exception=True)


def _is_admin(user) -> bool:
    return user.has_perm("accounts.manage_network_groups")


@login_required
@permission_required("accounts.manage_users", raise_exception=True)
@admin_required
def handover(request, user_pk):
    leaving = get_object_or_404(get_user_model(), pk=user_pk)
    held = selectors.responsibilities(leaving)
    form = HandoverForm(
        request.POST if request.method == "POST" else None,
        leaving=leaving,
        memberships=held.memberships,
        assignments=held.assignments,
        initial={"deactivate": leaving.is_active},
    )
    if request.method == "POST" and form.is_valid():
        memberships, assignments = form.successors()
        try:
            result = services.handover_make(
                actor=request.user,
                leaving=leaving,
                memberships=memberships,
                assignments=assignments,
                deactivate=form.cleaned_data["deactivate"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if result.done:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d family or assignment was taken over at once.",
                        "%(n)d families or assignments were taken over at once.",
                        result.done,
                    )
                    % {"n": result.done},
                )
            if result.pending:
                messages.info(
                    request,
                    ngettext(
                        "%(n)d handover gives a colleague new access: it takes effect when "
                        "another administrator or the family's coordinator approves it.",
                        "%(n)d handovers give colleagues new access: they take effect when "
                        "another administrator or the family's coordinator approves them.",
                        result.pending,
                    )
                    % {"n": result.pending},
                )
            if result.deactivated:
                messages.success(request, _("%(user)s was deactivated.") % {"user": leaving})
            return redirect("staffing:handover", user_pk=leaving.pk)
    rows = [(form[name], item, role, family_id) for name, item, role, family_id in form.rows]
    return render(
        request,
        "families/staffing/handover.html",
        {
            "leaving": leaving,
            "form": form,
            "rows": rows,
            "pending": [i for i in [*held.memberships, *held.assignments] if i.handover],
            "nav_active": "admin",
        },
    )


def _back(request, default: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _role_grant_columns() -> dict:
    return {
        "user": name_order("user__"),
        "role": choice_order("role", Role.choices, by_label=True),
        "requested_by": name_order("requested_by__"),
        "requested": "requested_at",
        "status": choice_order("status", GrantStatus.choices),
    }


@login_required
def approvals(request):
    """Administrators: every pending role and access grant, by batch; the ones they
    asked for themselves are shown without buttons (a second person must decide)."""
    if not _is_admin(request.user) and not request.user.has_perm("accounts.manage_users"):
        raise PermissionDenied
    grants = list(selectors.pending_grants_for(request.user)[:500])
    for grant in grants:
        grant.may_decide = services.may_decide(request.user, grant)
    batches: dict[str, list] = {}
    for grant in grants:
        batches.setdefault(grant.batch or f"single-{grant.pk}", []).append(grant)
    role_sorting = sort_order(request, _role_grant_columns(), "requested")
    role_grants = list(
        RoleGrant.objects.filter(status=GrantStatus.PENDING)
        .select_related("user", "requested_by")
        .order_by(*role_sorting.ordering)
    )
    for grant in role_grants:
        grant.may_decide = request.user.pk not in (grant.requested_by_id, grant.user_id)
    return render(
        request,
        "families/staffing/approvals.html",
        {
            "batches": [
                {
                    "key": key,
                    "grants": items,
                    "decidable": sum(1 for g in items if g.may_decide),
                    "is_batch": not key.startswith("single-"),
                }
                for key, items in batches.items()
            ],
            "role_grants": role_grants,
            "sorting": role_sorting,
            "truncated": len(grants) == 500,
            "nav_active": "admin",
        },
    )


def _grant_for(request, pk) -> AccessGrant:
    """A pending grant the user may see: administrators any, coordinators their
    families' (anyone else: 404, the grant's existence does not leak)."""
    try:
        return selectors.pending_grants_for(request.user).get(pk=pk)
    except (AccessGrant.DoesNotExist, ValueError):
        raise Http404 from None


@login_required
@require_POST
def grant_decide(request, pk, decision):
    if decision not in ("approve", "reject"):
        raise Http404
    grant = _grant_for(request, pk)
    decide = services.grant_approve if decision == "approve" else services.grant_reject
    try:
        decide(actor=request.user, grant=grant)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        grant.refresh_from_db()
        messages.success(
            request,
            {
                GrantStatus.APPROVED: _("Approved: %(user)s now has access to %(case)s."),
                GrantStatus.REJECTED: _("Rejected: %(user)s gets no access to %(case)s."),
                GrantStatus.WITHDRAWN: _("Your request for %(user)s (%(case)s) was withdrawn."),
            }[grant.status]
            % {"user": grant.user, "case": grant.family.case_number},
        )
    return _back(request, "staffing:approvals")


@login_required
@admin_required
@require_POST
def batch_approve(request, batch):
    approved, errors = services.grants_approve_batch(actor=request.user, batch=batch)
    if approved:
        messages.success(
            request,
            ngettext("%(n)d request was approved.", "%(n)d requests were approved.", approved)
            % {"n": approved},
        )
    for error in errors[:10]:
        messages.error(request, error)
    if not approved and not errors:
        messages.info(request, _("There was nothing for you to approve."))
    return redirect("staffing:approvals")


@login_required
@permission_required("accounts.manage_users", raise_exception=True)
@require_POST
def role_decide(request, pk, decision):
    if decision not in ("approve", "reject"):
        raise Http404
    grant = get_object_or_404(RoleGrant.objects.select_related("user"), pk=pk)
    decide = (
        account_services.role_grant_approve
        if decision == "approve"
        else account_services.role_grant_reject
    )
    try:
        decide(actor=request.user, grant=grant)
    except account_services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        grant.refresh_from_db()
        messages.success(
            request,
            _("%(user)s: %(role)s – %(status)s.")
            % {
                "user": grant.user,
                "role": grant.get_role_display(),
                "status": grant.get_status_display(),
            },
        )
    return _back(request, "staffing:approvals")


@login_required
def orphans(request):
    """Administrators: the open families without an active coordinator or member.
    Managers: the counts only."""
    is_admin = _is_admin(request.user)
    if not is_admin and not request.user.has_perm("accounts.view_dashboard"):
        raise PermissionDenied
    context = {"counts": selectors.orphan_counts(), "is_admin": is_admin}
    if is_admin:
        sorting = sort_order(
            request,
            {
                "case_number": "case_number",
                "district": choice_order("district", District.choices, by_label=True),
                "status": choice_order("status", FamilyStatus.choices),
            },
            "case_number",
        )
        families = selectors.orphaned_families().order_by(*sorting.ordering)
        page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["rows"] = [(f, family_page_url("network_group", f.pk)) for f in page.object_list]
        context["sorting"] = sorting
    context["nav_active"] = "admin" if is_admin else "targets"
    return render(request, "families/staffing/orphans.html", context)


@login_required
def grant_log(request):
    """Every access an administrator granted that needed a second person, and every
    role that did: for the managers (no case numbers) and the administrators."""
    is_admin = _is_admin(request.user) or request.user.has_perm("accounts.manage_users")
    if not is_admin and not request.user.has_perm("accounts.view_dashboard"):
        raise PermissionDenied
    columns = {
        "requested": "requested_at",
        "requested_by": name_order("requested_by__"),
        "user": name_order("user__"),
        "status": choice_order("status", GrantStatus.choices),
        "decided": F("decided_at").asc(nulls_last=True),
    }
    if is_admin:
        # Managers see no case numbers, so they cannot sort by them either.
        columns["case_number"] = "family__case_number"
    sorting = sort_order(request, columns, "-requested")
    access = Paginator(selectors.grant_log().order_by(*sorting.ordering), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Role grants are few (one per new caseworker or administrator): the first 100.
    role_sorting = sort_order(
        request,
        {**_role_grant_columns(), "decided": F("decided_at").asc(nulls_last=True)},
        "-requested",
        param="role_sort",
    )
    roles = RoleGrant.objects.select_related("user", "requested_by", "decided_by").order_by(
        *role_sorting.ordering
    )[:100]
    return render(
        request,
        "families/staffing/grant_log.html",
        {
            "access": access,
            "sorting": sorting,
            "roles": roles,
            "role_sorting": role_sorting,
            "show_case_numbers": is_admin,
            "nav_active": "admin" if is_admin else "targets",
        },
    )
