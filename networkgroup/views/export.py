"""The printable plan: a print view and a PDF download (an audited export)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from bi18.audit.services import audit_log
from bi18.lib.pdf import PdfError, PdfTimeout, html_to_pdf, pdf_failed_response
from networkgroup import access, selectors
from networkgroup.views.common import family_for_member, plan_or_404

PDF_LANGUAGES = ("da", "en")


def _print_context(family, user) -> dict:
    plan = plan_or_404(family)
    goals = selectors.plan_goals(plan, user)
    return {
        "family": family,
        "plan": plan,
        "goals": goals,
        # The family's members as far as this user may see them (a youth counsellor: the
        # young people only).
        "people": list(access.people(user, family.people.all()).order_by("role", "first_name")),
        "overdue": sum(1 for g in goals for a in g.actions.all() if a.is_overdue),
        "members": list(family.members.select_related("user")),
        "next_meeting": selectors.next_meeting(family),
        "printed_at": timezone.localtime(),
    }


@login_required
@require_GET
def plan_print(request, family_pk):
    family = family_for_member(request.user, family_pk)
    context = _print_context(family, request.user)
    context["for_screen"] = True
    audit_log(
        actor=request.user, action="view", event="networkgroup.plan.print_viewed", family=family
    )
    response = render(request, "networkgroup/plan_print.html", context)
    response["Cache-Control"] = "no-store"
    return response


def render_plan_pdf(family, language: str, user) -> bytes:
    """The current plan as `user` may see it, as a PDF in `language` (WeasyPrint, in a child
    process with a time limit: raises PdfTimeout or PdfError)."""
    with translation.override(language):
        html = render_to_string("networkgroup/plan_print.html", _print_context(family, user))
    return html_to_pdf(html)


@login_required
@require_GET
def plan_pdf(request, family_pk, language):
    if language not in PDF_LANGUAGES:
        raise Http404
    family = family_for_member(request.user, family_pk)
    try:
        pdf = render_plan_pdf(family, language, request.user)
    except (PdfTimeout, PdfError) as exc:
        return pdf_failed_response(
            request,
            exc,
            back_url=reverse("networkgroup:plan", args=[family.pk]),
            print_url=reverse("networkgroup:plan_print", args=[family.pk]),
        )
    audit_log(
        actor=request.user,
        action="export",
        event="networkgroup.plan.exported",
        family=family,
        detail={"format": "pdf", "language": language},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="plan-{family.case_number}-{language}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
