"""The company register: search, a company's internships (only the parents the user may see), editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from bi18.audit.services import audit_log
from bi18.lib.pickers import picker_response
from bi18.lib.sorting import choice_order, name_order, sort_order
from employment import services
from employment.access import TRACK, can_see_employment, may_edit_companies
from employment.forms import CompanyForm, CompanySearchForm, company_field
from employment.models import Company, InternshipStatus
from employment.views.common import PAGE_SIZE


def _require_company_register(user):
    if not can_see_employment(user):
        raise Http404


@login_required
def company_list(request):
    _require_company_register(request.user)
    form = CompanySearchForm(request.GET or None)
    sorting = sort_order(
        request,
        {"name": "name", "cvr": "cvr", "industry": "industry", "contact": "contact_name"},
        "name",
    )
    companies = Company.objects.order_by(*sorting.ordering)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if q:
        companies = companies.filter(
            Q(name__icontains=q) | Q(cvr__startswith=q) | Q(industry__icontains=q)
        )
    page = Paginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/company_list.html",
        {
            "page": page,
            "sorting": sorting,
            "form": form,
            "q": q,
            "nav_active": "companies",
        },
    )


@login_required
def company_picker(request):
    """The company picker's search (internship forms): for those who may register an
    internship; a user without the register gets 404, one who may only read it 403.
    Name, CVR number and industry only, no contact person."""
    _require_company_register(request.user)
    if not may_edit_companies(request.user):
        raise PermissionDenied
    return picker_response(request, company_field())


@login_required
def company_detail(request, pk):
    _require_company_register(request.user)
    company = get_object_or_404(Company, pk=pk)
    # Only the parents this user may see; the count of others is not shown either.
    internships = TRACK.filter(
        request.user,
        company.internships.all(),
        person="track__person",
        family="track__person__family_id",
    ).select_related("track__person__family")
    sorting = sort_order(
        request,
        {
            "parent": name_order("track__person__"),
            "family": "track__person__family__case_number",
            "start": "start",
            "status": choice_order("status", InternshipStatus.choices),
        },
        "-start",
    )
    internships = internships.order_by(*sorting.ordering)
    page = Paginator(internships, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(
        actor=request.user,
        action="view",
        event="employment.company.viewed",
        detail={
            "company_id": company.pk,
            "person_ids": [i.track.person_id for i in page.object_list],
        },
    )
    return render(
        request,
        "employment/company_detail.html",
        {
            "company": company,
            "page": page,
            "sorting": sorting,
            "can_edit": may_edit_companies(request.user),
            "nav_active": "companies",
        },
    )


@login_required
def company_edit(request, pk=None):
    _require_company_register(request.user)
    company = get_object_or_404(Company, pk=pk) if pk else None
    if not may_edit_companies(request.user):
        raise PermissionDenied
    form = CompanyForm(request.POST if request.method == "POST" else None, instance=company)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in CompanyForm.Meta.fields}
        try:
            if company is None:
                company = services.company_create(actor=request.user, **data)
            else:
                services.company_update(actor=request.user, company=company, **data)
        except services.ServiceError as exc:
            form.add_error("cvr", str(exc))
        else:
            messages.success(request, _("The company was saved."))
            return redirect("employment:company_detail", pk=company.pk)
    return render(
        request,
        "employment/company_form.html",
        {"form": form, "company": company, "nav_active": "companies"},
    )
