"""The administrator's GDPR art. 15 insight: CPR number and purpose in (POST only, never
in a URL), a summary, then PDF or ZIP (POST). Every step is audited."""

import secrets

from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bi18.audit.citizens import citizen_by_hash, find_citizen
from bi18.audit.forms import CitizenReportForm
from bi18.lib.pdf import PdfError, PdfTimeout, pdf_failed_response
from families.insight import services

# The administrator's data-protection duties (audit log, access report, retention, insight).
insight_required = permission_required("accounts.view_audit_log", raise_exception=True)
_SESSION_KEY = "insight_reports"


def _saved(request, token: str) -> dict | None:
    return request.session.get(_SESSION_KEY, {}).get(token) if token else None


def _citizen(saved: dict):
    citizen = citizen_by_hash(saved["cpr_hash"], masked=saved["masked"])
    if not citizen.registered:
        raise Http404
    return citizen


@login_required
@insight_required
def insight_start(request):
    form = CitizenReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        citizen = find_citizen(form.cleaned_data["cpr"])
        purpose = form.cleaned_data["purpose"]
        if not citizen.registered:
            form.add_error("cpr", _("No person with this CPR number is registered."))
        else:
            services.insight_produce(actor=request.user, citizen=citizen, purpose=purpose)
            token = secrets.token_urlsafe(8)
            saved = dict(list(request.session.get(_SESSION_KEY, {}).items())[-4:])
            # The keyed hash, never the CPR number, is kept in the session.
            saved[token] = {
                "cpr_hash": citizen.cpr_hash,
                "masked": citizen.masked,
                "purpose": purpose,
            }
            request.session[_SESSION_KEY] = saved
            return redirect(f"{reverse('insight:start')}?r={token}")
    token = request.GET.get("r", "")
    saved = _saved(request, token)
    context = {"form": form, "nav_active": "admin"}
    if saved:
        citizen = _citizen(saved)
        insight = services.insight_collect(citizen=citizen, purpose=saved["purpose"])
        context.update(
            token=token,
            citizen=citizen,
            insight=insight,
            counts=[(title, len(rows)) for title, rows in insight.sections],
        )
    response = render(request, "insight/insight_start.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@insight_required
@require_POST
def insight_download(request, fmt):
    if fmt not in ("pdf", "zip"):
        raise Http404
    saved = _saved(request, request.POST.get("r", ""))
    if saved is None:
        return redirect("insight:start")
    citizen = _citizen(saved)
    try:
        content, content_type = services.insight_export(
            actor=request.user, citizen=citizen, purpose=saved["purpose"], fmt=fmt
        )
    except (PdfTimeout, PdfError) as exc:
        return pdf_failed_response(
            request, exc, back_url=f"{reverse('insight:start')}?r={request.POST.get('r', '')}"
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"indsigt-{citizen.case_number}.{fmt}"
    )
    response["Cache-Control"] = "no-store"
    return response
