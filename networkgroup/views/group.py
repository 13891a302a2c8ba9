"""The network group page: members, their role in the group and the coordinator.

Memberships are written by families.services (the one place); changes take
effect on access at once because access is derived from membership per request.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bi18.audit.services import audit_log
from bi18.lib.pickers import picker_response
from bi18.lib.prepared import fixed_instances
from bi18.lib.sorting import choice_order, sort_order
from families import services as family_services
from families.access import get_family_for_user
from families.forms import MemberAddForm
from families.models import District, Family, NetworkMember
from families.selectors import prefetch_members
from families.staffing import services as staffing_services
from families.staffing.models import AccessGrant

PAGE_SIZE = 25


def _is_admin(user) -> bool:
    return user.has_perm("accounts.manage_network_groups")


def _group_family(user, family_pk) -> tuple[Family, bool]:
    """(family, may_manage). Administrators reach every group – the case number and
    the members only, never case content; members reach their own groups; anyone
    else gets 404."""
    # The members are read once, with their users, for the check and for the page.
    if _is_admin(user):
        family = get_object_or_404(Family, pk=family_pk)
        prefetch_members(family)
        return family, True
    family = get_family_for_user(user, family_pk)
    prefetch_members(family)
    members = {m.user_id: m for m in family.members.all()}
    if user.pk not in members:
        raise Http404
    return family, members[user.pk].is_coordinator


@login_required
@permission_required("accounts.manage_network_groups", raise_exception=True)
def group_admin_list(request):
    """Administrators assign caseworkers to groups; they see case numbers only, no names."""
    sorting = sort_order(
        request,
        {
            "case_number": "case_number",
            "district": choice_order("district", District.choices, by_label=True),
        },
        "case_number",
    )
    families = Family.objects.order_by(*sorting.ordering).prefetch_related(
        Prefetch("members", queryset=NetworkMember.objects.select_related("user"))
    )
    q = request.GET.get("q", "").strip()
    if q:
        families = families.filter(case_number__icontains=q)
    page = Paginator(families, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "networkgroup/group_admin_list.html",
        {"page": page, "sorting": sorting, "q": q, "nav_active": "admin"},
    )


def _member_form(request, family) -> MemberAddForm:
    form = MemberAddForm(request.POST or None, family=family)
    form.set_search_url("user", reverse("networkgroup:member_candidates", args=[family.pk]))
    return form


@login_required
def member_candidates(request, family_pk):
    """The add-member picker's search: only for those who may add members (others 404, as
    for the group page's form), and only names and roles of active caseworkers."""
    family, may_manage = _group_family(request.user, family_pk)
    if not may_manage:
        raise Http404
    return picker_response(request, MemberAddForm(family=family).fields["user"])


def _pending(v):
    # Built once per process and run prepared (bi18.lib.prepared): five joins on every view.
    return (
        AccessGrant.objects.pending()
        .filter(family_id=v["family"])
        .select_related("user", "requested_by", "replaces", "person", "family")
    )


@login_required
def group_page(request, family_pk):
    family, may_manage = _group_family(request.user, family_pk)
    form = _member_form(request, family) if may_manage else None
    if request.method == "POST":
        if not may_manage:
            raise Http404
        if form.is_valid():
            try:
                # Added by the coordinator: at once. By an administrator: only when a
                # second administrator or the coordinator approves (four eyes).
                added = staffing_services.member_add_or_request(
                    actor=request.user,
                    family=family,
                    user=form.cleaned_data["user"],
                    group_role=form.cleaned_data["group_role"],
                    is_coordinator=form.cleaned_data["is_coordinator"],
                )
            except family_services.ServiceError as exc:
                form.add_error("user", str(exc))
            else:
                if isinstance(added, AccessGrant):
                    messages.info(
                        request,
                        _(
                            "%(user)s gets access when another administrator or the family's "
                            "coordinator approves it."
                        )
                        % {"user": added.user},
                    )
                else:
                    messages.success(request, _("The member was added."))
                return redirect("networkgroup:group", family_pk=family.pk)
    audit_log(actor=request.user, action="view", event="networkgroup.group.viewed", family=family)
    pending = fixed_instances("networkgroup.pending_grants", _pending, {"family": family.pk})
    for grant in pending:
        grant.may_decide = staffing_services.may_decide(request.user, grant)
    return render(
        request,
        "networkgroup/group_page.html",
        {
            "family": family,
            "pending_grants": pending,
            "members": list(family.members.all()),
            "form": form,
            "may_manage": may_manage,
            "is_admin": _is_admin(request.user),
            "nav_active": "admin" if _is_admin(request.user) else "families",
        },
    )


@login_required
@require_POST
def group_member_remove(request, family_pk, member_pk):
    family, may_manage = _group_family(request.user, family_pk)
    if not may_manage:
        raise Http404
    member = get_object_or_404(
        NetworkMember.objects.select_related("user"), pk=member_pk, family=family
    )
    if member.is_coordinator and not _is_admin(request.user):
        messages.error(request, _("Make another member coordinator before removing yourself."))
        return redirect("networkgroup:group", family_pk=family.pk)
    family_services.member_remove(actor=request.user, member=member)
    messages.success(
        request, _("%(user)s was removed from the network group.") % {"user": member.user}
    )
    if member.user_id == request.user.pk:
        return redirect("families:list")
    return redirect("networkgroup:group", family_pk=family.pk)


@login_required
@require_POST
def group_member_coordinator(request, family_pk, member_pk):
    family, may_manage = _group_family(request.user, family_pk)
    if not may_manage:
        raise Http404
    member = get_object_or_404(
        NetworkMember.objects.select_related("user"), pk=member_pk, family=family
    )
    family_services.member_make_coordinator(actor=request.user, member=member)
    messages.success(request, _("%(user)s is now the coordinator.") % {"user": member.user})
    return redirect("networkgroup:group", family_pk=family.pk)
