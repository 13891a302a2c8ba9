"""The printable plan: a print view and a PDF download (an audited export)."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from bi18.audit.services import audit_log
from bi18.pdf import PdfError, PdfTimeout, html_to_pdf
from networkgroup import selectors, services
from networkgroup.views.common import family_for_member

PDF_LANGUAGES = ("da", "en")
logger = logging.getLogger(__name__)


def _print_context(family) -> dict:
    plan = services.plan_for_family(family=family)
    return {
        "family": family,
        "plan": plan,
        "goals": selectors.plan_goals(plan),
        "members": list(family.members.select_related("user")),
        "next_meeting": selectors.next_meeting(family),
        "printed_at": timezone.localtime(),
    }


@login_required
@require_GET
def plan_print(request, family_pk):
    family = family_for_member(request.user, family_pk)
    context = _print_context(family)
    context["for_screen"] = True
    audit_log(
        actor=request.user, action="view", event="networkgroup.plan.print_viewed", family=family
    )
    response = render(request, "networkgroup/plan_print.html", context)
    response["Cache-Control"] = "no-store"
    return response


def render_plan_pdf(family, language: str) -> bytes:
    """The current plan as a PDF in `language` (WeasyPrint, in a child process with a
    time limit: raises PdfTimeout or PdfError)."""
    with translation.override(language):
        html = render_to_string("networkgroup/plan_print.html", _print_context(family))
    return html_to_pdf(html)


@login_required
@require_GET
def plan_pdf(request, family_pk, language):
    if language not in PDF_LANGUAGES:
        raise Http404
    family = family_for_member(request.user, family_pk)
    try:
        pdf = render_plan_pdf(family, language)
    except (PdfTimeout, PdfError) as exc:
        logger.warning("plan PDF for family %s failed: %r", family.pk, exc)
        response = render(
            request,
            "networkgroup/plan_pdf_failed.html",
            {"family": family, "timed_out": isinstance(exc, PdfTimeout), "nav_active": "families"},
            status=503,
        )
        response["Retry-After"] = "60"
        return response
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
