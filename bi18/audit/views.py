"""Audit pages for administrators: search the log, and one citizen's access report (SPEC §8)."""

import datetime
import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bi18.audit import services
from bi18.audit.citizens import citizen_by_hash, events_about, find_citizen
from bi18.audit.forms import AuditSearchForm, CitizenReportForm
from bi18.audit.labels import detail_summary, event_label, user_ids_in
from bi18.audit.models import AuditAction, AuditEvent
from bi18.lib import exports
from bi18.lib.cpr import contains_cpr
from bi18.lib.pickers import PICKER_LIMIT
from bi18.lib.sorting import Ordering, Sorting, sort_order

PAGE_SIZE = 50
_REPORT_SESSION_KEY = "audit_citizen_reports"
_SEARCH_SESSION_KEY = "audit_searches"
_MAX_SAVED_SEARCHES = 10
_MAX_SAVED_REPORTS = 5

audit_permission = permission_required("accounts.view_audit_log", raise_exception=True)


@dataclass
class _Page:
    """A page without COUNT(*): the log holds millions of rows, so "is there a next
    page" is answered by fetching one row more than is shown."""

    number: int
    object_list: list
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _page(queryset, raw_number, size: int = PAGE_SIZE) -> _Page:
    try:
        number = max(1, min(int(raw_number), 10_000))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    return _Page(number=number, object_list=rows[:size], has_next=len(rows) > size)


# What a row of the log shows: the entry's columns but its ids, the user's name but not the
# rest of the user (password hash, dates) for each of 50 rows.
_SHOWN = (
    *(
        f.attname
        for f in AuditEvent._meta.concrete_fields
        if f.attname not in ("family_id", "person_id")
    ),
    "actor__first_name",
    "actor__last_name",
)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    # Periods are Danish calendar days; the log stores UTC.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filtered(events, data: dict):
    if data.get("user"):
        events = events.filter(actor_username=data["user"])
    if data.get("family"):
        events = events.filter(case_number=data["family"])
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("date_from"):
        events = events.filter(at__gte=_local_midnight(data["date_from"]))
    if data.get("date_to"):
        events = events.filter(at__lt=_local_midnight(data["date_to"] + datetime.timedelta(days=1)))
    return events


def _rows(events: list[AuditEvent]) -> list[dict]:
    """Entries with their label and detail summary; one user look-up for the whole page."""
    ids = user_ids_in(events)
    usernames = (
        dict(get_user_model().objects.filter(pk__in=ids).values_list("pk", "username"))
        if ids
        else {}
    )
    # Each label translated once per page, not once per row.
    actions = {value: str(label) for value, label in AuditAction.choices}
    labels = {name: event_label(name) for name in {e.event for e in events}}
    rows = []
    for e in events:
        utc = e.at.astimezone(datetime.UTC)
        details = detail_summary(e, usernames)
        rows.append(
            {
                "event": e,
                # Formatted here, not by template filters per cell: a page of 50 entries
                # spent more time in the filters than in everything else.
                "at_utc_iso": f"{utc:%Y-%m-%dT%H:%M:%SZ}",
                "at_utc": f"{utc:%Y-%m-%d %H:%M:%S}",
                "at_local": formats.date_format(timezone.localtime(e.at), "SHORT_DATETIME_FORMAT"),
                "action": actions.get(e.action, e.action),
                "label": labels[e.event],
                "details": details,
                "user_name": e.actor.get_full_name() if e.actor else "",
                # The cells as shown ("–" for none): no filter per cell of 50 rows.
                "username": e.actor_username or "–",
                "case_number": e.case_number or "–",
                "purpose": e.purpose or "–",
                "ip_address": e.ip_address or "–",
                "details_text": "; ".join(details) or "–",
            }
        )
    return rows


def _search_filters(cleaned: dict) -> dict[str, str]:
    """The form's filters as strings (dates ISO), for the session and the log."""
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else str(value)
        for name, value in cleaned.items()
        if value not in (None, "")
    }


def _save_search(request, filters: dict[str, str]) -> str:
    token = secrets.token_urlsafe(8)
    saved = request.session.get(_SEARCH_SESSION_KEY, {})
    saved = dict(list(saved.items())[-(_MAX_SAVED_SEARCHES - 1) :])
    saved[token] = filters
    request.session[_SEARCH_SESSION_KEY] = saved
    return token


@login_required
@audit_permission
def audit_search(request):
    """POST: the filters -> kept in the session under a token -> redirect to GET ?s=token.

    The filters are typed by an administrator (a user name, a case number) and might
    hold a CPR number by mistake: sent as POST, as the family search is, they never
    reach a URL, the browser history or the web server's access log.
    """
    if request.method == "POST":
        form = AuditSearchForm(request.POST)
        if form.is_valid():
            filters = _search_filters(form.cleaned_data)
            url = reverse("audit:search")
            return redirect(f"{url}?s={_save_search(request, filters)}" if filters else url)
        return render(request, "audit/search.html", _search_context(form, None, _sorting(request)))

    token = request.GET.get("s", "")
    saved = request.session.get(_SEARCH_SESSION_KEY, {}).get(token) if token else None
    if token and saved is None:
        messages.info(request, _("The search has expired. Enter the filters again."))
    form = AuditSearchForm(saved) if saved else AuditSearchForm()
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        sorting = _sorting(request, case_number=True)
        events = _filtered(AuditEvent.objects.select_related("actor").only(*_SHOWN), data)
        events = events.order_by(*sorting.ordering)
        page = _page(events, request.GET.get("page"))
        # Reading the log is itself a use of personal data. The filters never hold a
        # CPR number (the form refuses one).
        services.audit_log(
            actor=request.user,
            action=AuditAction.SEARCH,
            event="audit.log.searched",
            detail={"filters": _search_filters(data), "page": page.number},
        )
    return render(request, "audit/search.html", _search_context(form, page, sorting))


def _sorting(request, *, case_number: bool = False) -> Sorting:
    """The log is large: only orderings its indexes serve (time; user name or case number,
    then time)."""
    columns: dict[str, Ordering] = {"at": "at", "user": ("actor_username", "-at")}
    if case_number:
        columns["case_number"] = ("case_number", "-at")
    return sort_order(request, columns, "-at")


def _search_context(form, page, sorting: Sorting) -> dict:
    return {
        "form": form,
        "page": page,
        "sorting": sorting,
        "newest_first": sorting.key == "at" and sorting.descending,
        "rows": _rows(page.object_list) if page else [],
        "filtered": bool(form.is_bound and any(form.data.get(f) for f in form.fields)),
        "nav_active": "admin",
    }


@login_required
@audit_permission
def username_suggestions(request):
    """User names for the filter's suggestion list, at most PICKER_LIMIT, as the
    administrator types (a list of every user would grow with the municipality)."""
    query = request.GET.get("q", "").strip()[:150]
    usernames = []
    if query and not contains_cpr(query):
        usernames = list(
            get_user_model()
            .objects.filter(username__icontains=query)
            .order_by("username")
            .values_list("username", flat=True)[:PICKER_LIMIT]
        )
    return render(request, "audit/_username_options.html", {"usernames": usernames})


# --- Citizen access report ("indsigt i logning") ---------------------------------------


def _saved_report(request, token: str) -> dict | None:
    return request.session.get(_REPORT_SESSION_KEY, {}).get(token) if token else None


def _save_report(request, citizen, purpose: str) -> str:
    """Keep the report's key (the keyed hash, never the CPR number) in the session, so
    that paging and the CSV download need neither the number nor a URL holding it."""
    token = secrets.token_urlsafe(8)
    saved = request.session.get(_REPORT_SESSION_KEY, {})
    saved = dict(list(saved.items())[-(_MAX_SAVED_REPORTS - 1) :])
    saved[token] = {"cpr_hash": citizen.cpr_hash, "masked": citizen.masked, "purpose": purpose}
    request.session[_REPORT_SESSION_KEY] = saved
    return token


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


@login_required
@audit_permission
def citizen_report(request):
    """POST: CPR number + purpose -> audited, then redirect to the report (by token)."""
    if request.method == "POST":
        form = CitizenReportForm(request.POST)
        if form.is_valid():
            citizen = find_citizen(form.cleaned_data["cpr"])
            purpose = form.cleaned_data["purpose"]
            services.citizen_report_produce(actor=request.user, citizen=citizen, purpose=purpose)
            token = _save_report(request, citizen, purpose)
            return redirect(f"{reverse('audit:citizen_report')}?r={token}")
        return _no_store(
            render(request, "audit/citizen_report.html", {"form": form, "nav_active": "admin"})
        )

    token = request.GET.get("r", "")
    saved = _saved_report(request, token)
    if token and saved is None:
        messages.info(request, _("The report has expired. Enter the CPR number again."))
    context = {"form": CitizenReportForm(), "nav_active": "admin"}
    if saved is not None:
        citizen = citizen_by_hash(saved["cpr_hash"], masked=saved["masked"])
        sorting = _sorting(request)
        page = _page(events_about(citizen).order_by(*sorting.ordering), request.GET.get("page"))
        context.update(
            {
                "sorting": sorting,
                "newest_first": sorting.key == "at" and sorting.descending,
                "citizen": citizen,
                "purpose": saved["purpose"],
                "token": token,
                "page": page,
                "rows": _rows(page.object_list),
            }
        )
    return _no_store(render(request, "audit/citizen_report.html", context))


@login_required
@audit_permission
@require_POST
def citizen_report_csv(request):
    saved = _saved_report(request, request.POST.get("r", ""))
    if saved is None:
        messages.info(request, _("The report has expired. Enter the CPR number again."))
        return redirect("audit:citizen_report")
    citizen = citizen_by_hash(saved["cpr_hash"], masked=saved["masked"])
    filename = f"indsigt-logning-{timezone.localdate():%Y-%m-%d}.csv"
    with transaction.atomic(), translation.override("da"):
        events = services.citizen_report_export(
            actor=request.user, citizen=citizen, purpose=saved["purpose"]
        )
        header = [
            _("Time (Danish time)"),
            _("Name"),
            _("User name"),
            _("Action"),
            _("Event"),
            _("Case number"),
            _("Purpose"),
        ]
        rows = [
            [
                f"{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}",
                e.actor.get_full_name() if e.actor else "",
                e.actor_username,
                e.get_action_display(),
                event_label(e.event),
                e.case_number,
                e.purpose,
            ]
            for e in events
        ]
        response = exports.csv_response([header, *rows], filename=filename)
    return _no_store(response)
