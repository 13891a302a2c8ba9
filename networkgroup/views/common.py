"""Access and rendering helpers shared by the network-group views."""

from django.http import Http404
from django.shortcuts import render

from families.access import get_family_for_user, is_full_member
from families.models import Family


def family_for_member(user, family_pk) -> Family:
    """The family, if `user` is a member of its network group; else 404.

    The plan and the meetings concern the whole family, so someone assigned to a
    single person (a job mentor) does not see them – 404 like any outsider.
    """
    family = get_family_for_user(user, family_pk)
    if not is_full_member(user, family):
        raise Http404
    return family


def fragment(request, template: str, context: dict, *, title: str = "", status: int = 200):
    """An HTMX request gets the partial; a plain request the partial inside a page,
    so that every in-place edit also works without JavaScript."""
    if request.htmx:
        return render(request, template, context, status=status)
    return render(
        request,
        "networkgroup/fragment_page.html",
        {**context, "fragment_template": template, "title": title, "nav_active": "families"},
        status=status,
    )


def retarget(response, target: str, swap: str = "outerHTML"):
    """Send a form with errors back to where the form is, not where success goes."""
    response["HX-Retarget"] = target
    response["HX-Reswap"] = swap
    return response
