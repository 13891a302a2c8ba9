"""Access and rendering helpers shared by the network-group views."""

from django.http import Http404
from django.shortcuts import render

from networkgroup import selectors
from networkgroup.access import family_for_member
from networkgroup.models import Plan

__all__ = ["family_for_member", "fragment", "plan_or_404", "retarget"]

# Partials that are list items (<li>): outside HTMX they need a list around them, and the
# others must not have one (a <ul> may hold only <li>, WCAG 1.3.1).
_LIST_ITEMS = {
    "networkgroup/_action_row.html",
    "networkgroup/_action_form.html",
    "networkgroup/_action_conflict.html",
}


def plan_or_404(family) -> Plan:
    """The plan of a family the user may see (family_for_member); 404 if it has none."""
    try:
        return selectors.plan_for_family(family=family)
    except Plan.DoesNotExist:
        raise Http404 from None


def fragment(request, template: str, context: dict, *, title: str = "", status: int = 200):
    """An HTMX request gets the partial; a plain request the partial inside a page,
    so that every in-place edit also works without JavaScript."""
    if request.htmx:
        return render(request, template, context, status=status)
    return render(
        request,
        "networkgroup/fragment_page.html",
        {
            **context,
            "fragment_template": template,
            "in_list": template in _LIST_ITEMS,
            "title": title,
            "nav_active": "families",
        },
        status=status,
    )


def retarget(response, target: str, swap: str = "outerHTML"):
    """Send a form with errors back to where the form is, not where success goes."""
    response["HX-Retarget"] = target
    response["HX-Reswap"] = swap
    return response
