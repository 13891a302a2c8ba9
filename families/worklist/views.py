"""Mit arbejde: the front page of everyone who works with case data (SPEC §7, §9)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bi18.audit.services import audit_log
from bi18.lib.prepared import fixed_instances
from families.access import get_family_for_user, scope_for
from families.models import Family
from families.worklist import events, selectors, services
from families.worklist.engine import audit_detail
from families.worklist.forms import FilterForm, SnoozeForm
from families.worklist.models import Period, Snooze, WorklistFilter


def _require_case_data(user) -> None:
    if not user.has_perm("accounts.access_case_data"):
        raise PermissionDenied


def _saved_filter(user) -> tuple[str, int | None, str]:
    # Read on every view of the page: a query built once per process (bi18.lib.prepared).
    found = fixed_instances("worklist.saved_filter", _filter_of, {"user": user.pk})
    saved = found[0] if found else None
    if saved is None:
        return "", None, Period.HORIZON
    # A family the user no longer sees is dropped from the filter.
    family_id = saved.family_id if scope_for(user).sees_family(saved.family_id) else None
    return saved.kind, family_id, saved.period


def _filter_of(v):
    return WorklistFilter.objects.filter(user=v["user"]).order_by("pk")[:1]


@login_required
@require_POST
def filter_save(request):
    """Remember the chosen filter (per user: it follows them to another device) and show
    the list with it; "Show everything" forgets it. Writes are POST-only, so the page
    itself (a GET) only reads the filter."""
    _require_case_data(request.user)
    if "reset" in request.POST:
        services.filter_forget(user=request.user)
        return redirect("home")
    try:
        family_id = int(request.POST.get("family") or 0) or None
    except ValueError:
        family_id = None
    if family_id and not scope_for(request.user).sees_family(family_id):
        family_id = None
    period = request.POST.get("period", "")
    services.filter_remember(
        user=request.user,
        kind=request.POST.get("kind", "")[:80],
        family_id=family_id,
        period=period if period in Period.values else Period.HORIZON,
    )
    return redirect("home")


def my_work(request):
    """The user's overdue, upcoming and at-risk items, grouped by family, filtered, the
    snoozed ones apart. A collapsed family shows only its header; its items, a long
    section's further families and the snoozed items load on request (`part`). A fixed
    number of queries (tests/families/test_scale_worklist.py)."""
    _require_case_data(request.user)
    kind, family_id, period = _saved_filter(request.user)
    work = selectors.my_work(request.user, kind=kind, family_id=family_id, period=period)
    form = FilterForm(
        {"kind": kind, "family": family_id or "", "period": period},
        kind_choices=work.kind_choices,
        family_choices=work.family_choices,
        period_choices=selectors.period_choices(),
    )
    _audit_shown(request.user, work.on_page)
    return render(
        request,
        "worklist/my_work.html",
        {
            "work": work,
            "form": form,
            "filtered": bool(kind or family_id or period != Period.HORIZON),
            "nav_active": "home",
        },
    )


@login_required
@require_GET
def part(request, section, family_pk=None):
    """What the page leaves to a request: one family's items in a section, or a section's
    families (HTMX: those after the first `fra`; the snoozed ones). The same list as the
    page (the engine, the remembered filter, the snoozes), the same access rule (a family
    outside the user's scope is a 404). Without JavaScript the same address is a page."""
    family = get_family_for_user(request.user, family_pk) if family_pk is not None else None
    _require_case_data(request.user)
    key = {slug: key for key, slug in selectors.SECTION_SLUGS.items()}.get(section)
    if key is None:
        raise Http404
    kind, family_id, period = _saved_filter(request.user)
    work = selectors.my_work(
        request.user,
        kind=kind,
        family_id=family_id,
        period=period,
        only_family=family.pk if family else None,
        only_section=key,
    )
    shown = work.section.get(key)
    group = shown.group(family.pk) if shown and family else None
    families = [] if shown is None or family else shown.families
    if families and request.htmx:
        families = families[_int(request.GET.get("fra")) :]
    rows = group.rows if group else [r for g in families for r in g.rows]
    _audit_shown(request.user, [r.item for r in rows], family=family, section=key)
    context = {
        "section": shown,
        "title": shown.title if shown else _("My work"),
        "family": family,
        "group": group,
        "families": families,
        "nav_active": "home",
    }
    if request.htmx:
        template = "worklist/_rows.html" if family else "worklist/_families.html"
    else:
        template = "worklist/part.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # one address, a fragment or a page
    return response


def _int(value) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def _audit_shown(user, items, *, family=None, **detail) -> None:
    """The list names citizens: a view of personal data, logged (ids, no names)."""
    if items:
        audit_log(
            actor=user,
            action="view",
            event=events.VIEWED,
            family=family,
            detail={**audit_detail(_Shown(items)), **detail},
        )


class _Shown:
    """audit_detail() reads a work list's three lists; here everything shown is one."""

    def __init__(self, items):
        self.overdue, self.upcoming, self.at_risk = items, [], []


@login_required
def snooze(request):
    """Snooze one item of the user's own list, with a reason, until a chosen day."""
    _require_case_data(request.user)
    key = (request.POST.get("item") or request.GET.get("item") or "")[:300]
    item = selectors.find_item(request.user, key) if key else None
    if item is None:
        raise Http404
    family = get_family_for_user(request.user, _family_pk(item))
    form = SnoozeForm(request.POST or None)
    existing = Snooze.objects.filter(user=request.user, item_key=key).first()
    if request.method == "GET":
        # The page names whom the item is about: a read of personal data.
        audit_log(
            actor=request.user,
            action="view",
            event=events.VIEWED,
            family=family,
            detail={"kind": item.kind, "snooze_form": True},
        )
        if existing:
            form = SnoozeForm(initial={"until": existing.until, "reason": existing.reason})
    if request.method == "POST" and form.is_valid():
        services.snooze_item(actor=request.user, item=item, family=family, **form.cleaned_data)
        messages.success(
            request,
            _("“%(task)s” is snoozed until %(date)s.")
            % {
                "task": item.title,
                "date": date_format(form.cleaned_data["until"], "SHORT_DATE_FORMAT"),
            },
        )
        return redirect("home")
    return render(
        request,
        "worklist/snooze.html",
        {
            "item": item,
            "form": form,
            "existing": existing,
            "today": timezone.localdate(),
            "nav_active": "home",
        },
    )


def _family_pk(item) -> int:
    pk = (
        Family.objects.filter(case_number=item.family_case_number)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise Http404
    return pk


@login_required
@require_POST
def snooze_remove(request, pk):
    """Put a snoozed item back on the list now (only one's own snoozes)."""
    _require_case_data(request.user)
    snooze = get_object_or_404(Snooze.objects.select_related("family"), pk=pk, user=request.user)
    services.snooze_remove(actor=request.user, snooze=snooze)
    messages.success(request, _("The item is back on your list."))
    return redirect("home")
