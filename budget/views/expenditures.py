"""Expenditures by hand: list with filters, register, change, delete (audited when a
family is named)."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from bi18.lib.errors import ServiceError
from bi18.lib.sorting import choice_order, sort_order
from budget import services
from budget.forms import ExpenditureFilterForm, ExpenditureForm
from budget.models import Category, Expenditure
from budget.views.common import budget_required


@budget_required
@require_GET
def expenditure_list(request):
    form = ExpenditureFilterForm(request.GET or None)
    sorting = sort_order(
        request,
        {
            "date": "date",
            "amount": "amount",
            "line": "line__code",
            "activity": "activity__name",
            "category": choice_order("category", Category.choices, by_label=True),
            "case_number": F("family__case_number").asc(nulls_last=True),
        },
        "-date",
    )
    expenditures = Expenditure.objects.select_related("line", "activity", "family").order_by(
        *sorting.ordering
    )
    if form.is_valid():
        if form.cleaned_data.get("line"):
            expenditures = expenditures.filter(line=form.cleaned_data["line"])
        if form.cleaned_data.get("year"):
            year = form.cleaned_data["year"]
            expenditures = expenditures.filter(
                date__gte=datetime.date(year, 1, 1), date__lte=datetime.date(year, 12, 31)
            )
        if form.cleaned_data.get("category"):
            expenditures = expenditures.filter(category=form.cleaned_data["category"])
    total = expenditures.aggregate(total=Sum("amount"))["total"]
    page = Paginator(expenditures, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(sorting.param, None)
    return render(
        request,
        "budget/expenditure_list.html",
        {
            "nav_active": "targets",
            "form": form,
            "page": page,
            "sorting": sorting,
            "total": total,
            "filtered": bool(query),
        },
    )


def _expenditure_fields(form) -> dict:
    data = form.cleaned_data
    return {
        "date": data["date"],
        "amount": data["amount"],
        "line": data["line"],
        "activity": data["activity"],
        "category": data["category"],
        "family": data["case_number"],
        "note": data["note"],
    }


@budget_required
@require_http_methods(["GET", "POST"])
def expenditure_create(request):
    form = ExpenditureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expenditure_create(actor=request.user, **_expenditure_fields(form))
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The expenditure has been registered."))
            return redirect("budget:expenditures")
    return render(
        request,
        "budget/expenditure_form.html",
        {"nav_active": "targets", "form": form, "title": _("Register expenditure")},
    )


@budget_required
@require_http_methods(["GET", "POST"])
def expenditure_edit(request, pk: int):
    expenditure = get_object_or_404(Expenditure.objects.select_related("family"), pk=pk)
    form = ExpenditureForm(request.POST or None, instance=expenditure)
    if request.method == "POST" and form.is_valid():
        try:
            services.expenditure_update(
                actor=request.user,
                expenditure=Expenditure.objects.get(pk=pk),
                **_expenditure_fields(form),
            )
        except ServiceError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, _("The expenditure has been changed."))
            return redirect("budget:expenditures")
    return render(
        request,
        "budget/expenditure_form.html",
        {
            "nav_active": "targets",
            "form": form,
            "expenditure": expenditure,
            "title": _("Edit expenditure"),
        },
    )


@budget_required
@require_http_methods(["GET", "POST"])
def expenditure_delete(request, pk: int):
    expenditure = get_object_or_404(
        Expenditure.objects.select_related("line", "activity", "family"), pk=pk
    )
    if request.method == "POST":
        services.expenditure_delete(actor=request.user, expenditure=expenditure)
        messages.success(request, _("The expenditure has been deleted."))
        return redirect("budget:expenditures")
    return render(
        request,
        "budget/expenditure_confirm_delete.html",
        {"nav_active": "targets", "expenditure": expenditure},
    )
