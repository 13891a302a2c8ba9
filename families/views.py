"""Family pages. Thin: access through families.access, reads through families.selectors,
writes through families.services."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bi18.accounts.roles import Role
from bi18.audit.services import audit_log, audit_log_families
from bi18.lib.cpr import CPR_IN_TEXT
from bi18.lib.sorting import choice_order, sort_order
from bi18.lib.versioning import save_or_conflict
from bi18.navigation import landing_url
from families import selectors, services
from families.access import (
    CHILDREN,
    PERSON,
    get_family_for_user,
    get_person_for_user,
    scope_for,
)
from families.cpr import MASK, cpr_hash, looks_like_cpr, parse_cpr
from families.forms import (
    CprRevealForm,
    FamilyFilterForm,
    FamilyForm,
    FamilySearchForm,
    PersonForm,
    StatusChangeForm,
)
from families.models import District, Family, FamilyStatus, Person, PersonRole
from families.registry import family_page_url, family_panels
from families.worklist.registry import pk_url
from families.worklist.views import my_work

PAGE_SIZE = 25
_SEARCH_SESSION_KEY = "family_searches"
_MAX_SAVED_SEARCHES = 10

case_data_required = permission_required("accounts.access_case_data", raise_exception=True)


def _saved_search(request) -> tuple[str, dict]:
    """The search lives in the session, keyed by a token in the URL, so that neither a
    CPR number nor a name ever appears in a URL or an access log. A CPR number is kept
    there only as its keyed hash (and masked for display), never in clear: sessions
    reach the database and its backups."""
    token = request.GET.get("s", "")
    saved = request.session.get(_SEARCH_SESSION_KEY, {}).get(token)
    return (token, saved) if isinstance(saved, dict) else (token, {})


def _search_to_save(q: str) -> dict:
    """What the session keeps of a search: the keyed hash of a CPR number (with its
    masked form), or the text with any CPR-shaped number in it masked."""
    if looks_like_cpr(q):
        try:
            cpr = parse_cpr(q)
        except ValidationError:
            # Not a valid number (a typo): it finds nobody; keep nothing of it.
            return {"cpr_hash": "", "masked": f"••••••-{MASK}"}
        return {"cpr_hash": cpr_hash(cpr), "masked": cpr.masked}
    # A CPR-shaped number inside a longer text ("Amina 120385-4012") is masked.
    return {"q": CPR_IN_TEXT.sub(f"••••••-{MASK}", q)}


def _family_list_columns() -> dict:
    return {
        "case_number": "case_number",
        "district": choice_order("district", District.choices, by_label=True),
        "status": choice_order("status", FamilyStatus.choices),
        "cohort": "cohort",
    }


def _counted_page(families, number) -> Page:
    """Paginator(families, PAGE_SIZE).get_page(number) in one query instead of two: the
    page's rows carry the number of all rows (a window count, before the LIMIT), so no
    COUNT(*) is sent first. A search's rows (DISTINCT over a join: the window would count
    the join's rows), a page past the end or below 1 get Django's paginator."""
    paginator = Paginator(families, PAGE_SIZE)
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1  # as get_page(): not a number is the first page
    start = (number - 1) * PAGE_SIZE
    # Past any table (OFFSET is a bigint: PostgreSQL refuses a larger one) is past the end.
    if number < 1 or start + PAGE_SIZE > 2**63 - 1 or families.query.distinct:
        return paginator.get_page(number)
    rows = list(families.annotate(list_total=Window(Count("pk")))[start : start + PAGE_SIZE])
    if not rows and number > 1:
        return paginator.get_page(number)  # past the end: the last page
    paginator.count = rows[0].list_total if rows else 0
    return Page(rows, number, paginator)


@login_required
@case_data_required
def family_list(request):
    filter_form = FamilyFilterForm(request.GET or None)
    token, search = _saved_search(request)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    sorting = sort_order(request, _family_list_columns(), "case_number")
    families = selectors.family_list(
        user=request.user,
        search=search,
        ordering=sorting.ordering,
        district=filters.get("district", ""),
        status=filters.get("status", ""),
    )
    page = _counted_page(families, request.GET.get("page"))
    page.object_list = selectors.family_list_people(
        page.object_list, user=request.user, search=search
    )
    detail_url = pk_url("families:detail")  # one reverse() for the page's links
    for family in page.object_list:
        family.url = detail_url(family.pk)
    if search:
        audit_log_families(
            actor=request.user,
            action="search",
            event="families.family.searched",
            families=page.object_list,
            cpr_hash=search.get("cpr_hash", ""),
            # The criterion is logged, except a CPR number, which is logged as its hash only.
            # A CPR-shaped text that is not a valid number (a typo) is still no criterion to log.
            detail={"criterion": _("CPR number") if "cpr_hash" in search else search["q"]},
        )
    elif page.object_list:
        audit_log_families(
            actor=request.user,
            action="view",
            event="families.family.listed",
            families=page.object_list,
        )
    return render(
        request,
        "families/family_list.html",
        {
            "page": page,
            "sorting": sorting,
            "filter_form": filter_form,
            "search_form": FamilySearchForm(initial={"q": search.get("q", "")}),
            "search_token": token,
            "q": search.get("q", ""),
            "searched_cpr": search.get("masked", ""),
            "nav_active": "families",
        },
    )


@login_required
@case_data_required
@require_POST
def family_search(request):
    form = FamilySearchForm(request.POST)
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("s", None)
    if form.is_valid() and form.cleaned_data["q"].strip():
        token = secrets.token_urlsafe(8)
        saved = request.session.get(_SEARCH_SESSION_KEY, {})
        saved = dict(list(saved.items())[-(_MAX_SAVED_SEARCHES - 1) :])
        saved[token] = _search_to_save(form.cleaned_data["q"].strip())
        request.session[_SEARCH_SESSION_KEY] = saved
        params["s"] = token
    url = reverse("families:list")
    return redirect(f"{url}?{params.urlencode()}" if params else url)


@login_required
def family_detail(request, pk):
    family = get_family_for_user(request.user, pk)
    detail = selectors.family_detail(user=request.user, family=family)
    panels = []
    for panel in family_panels():
        panel_context = panel.context(request, family, detail.people)
        if panel_context is not None:
            panels.append((panel.template, panel_context))
    audit_log(actor=request.user, action="view", event="families.family.viewed", family=family)
    return render(
        request,
        "families/family_detail.html",
        {
            "family": family,
            "sees_everyone": detail.sees_everyone,
            "parents": detail.parents,
            "children": detail.children,
            "members": detail.members,
            "is_member": detail.is_member,
            "is_coordinator": detail.is_coordinator,
            "group_url": family_page_url("network_group", family.pk),
            "status_changes": detail.status_changes,
            "status_form": StatusChangeForm(family=family) if family.allowed_statuses() else None,
            "reveal_form": CprRevealForm(),
            "panels": panels,
            "nav_active": "families",
        },
    )


def _require_member(user, family):
    # Someone assigned to one person (a mentor) may not edit the family itself.
    if not scope_for(user).is_member(family.pk):
        raise Http404


def _require_full_member(user, family):
    """The family record (its data, status) is written by the group's full members; a
    member in a youth role sees the family but may not change it (403)."""
    _require_member(user, family)
    if not scope_for(user).is_full_member(family.pk):
        raise PermissionDenied


@login_required
@permission_required("accounts.create_family", raise_exception=True)
def family_create(request):
    form = FamilyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        family = services.family_create(
            actor=request.user,
            coordinator_role=Role.FAMILY_CASEWORKER,
            **form.changed_data_dict(),
        )
        messages.success(
            request, _("The family %(case)s was registered.") % {"case": family.case_number}
        )
        return redirect("families:detail", pk=family.pk)
    return render(request, "families/family_form.html", {"form": form, "nav_active": "families"})


@login_required
def family_edit(request, pk):
    family = get_family_for_user(request.user, pk)
    _require_full_member(request.user, family)
    form = FamilyForm(request.POST or None, instance=family)
    if request.method == "GET":
        # The edit form shows the family's data: a view, logged like the family page.
        audit_log(
            actor=request.user,
            action="view",
            event="families.family.viewed",
            family=family,
            detail={"page": "edit"},
        )
    current = None
    if request.method == "POST" and form.is_valid():
        result = save_or_conflict(
            form,
            lambda: services.family_update(
                actor=request.user,
                family=Family.objects.get(pk=family.pk),
                version=form.cleaned_data["version"],
                **form.changed_data_dict(),
            ),
            reload=lambda: Family.objects.get(pk=family.pk),
            message=_(
                "Someone else saved this family while you were editing. Your changes are "
                "kept below; compare them with the current version and save again."
            ),
        )
        current = result.theirs
        if result.saved:
            messages.success(request, _("The family was saved."))
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/family_form.html",
        {"form": form, "family": family, "current": current, "nav_active": "families"},
    )


@login_required
@require_POST
def family_status(request, pk):
    family = get_family_for_user(request.user, pk)
    _require_full_member(request.user, family)
    form = StatusChangeForm(request.POST, family=family)
    if form.is_valid():
        try:
            services.family_change_status(
                actor=request.user,
                family=family,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The status was changed."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("families:detail", pk=family.pk)


@login_required
def person_create(request, family_pk):
    family = get_family_for_user(request.user, family_pk)
    _require_member(request.user, family)
    # Writing follows seeing: a member in a youth role adds young people only.
    roles = PERSON.about if scope_for(request.user).is_full_member(family.pk) else CHILDREN
    # A family registered parent by parent: the role is "parent" until there are two.
    parents = family.people.filter(role=PersonRole.PARENT).count()
    default_role = PersonRole.PARENT if parents < 2 and PersonRole.PARENT in roles else None
    form = PersonForm(
        request.POST or None,
        initial={"role": request.GET.get("role", default_role or PersonRole.CHILD)},
        roles=roles,
    )
    if request.method == "GET":
        audit_log(
            actor=request.user,
            action="view",
            event="families.family.viewed",
            family=family,
            detail={"page": "person_create"},
        )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.user,
                family=family,
                cpr=form.cleaned_data["cpr"],
                **form.person_data(),
            )
        except services.ServiceError as exc:
            form.add_error("cpr", str(exc))
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person.full_name})
            for warning in (form.cpr_warning, form.age_warning):
                if warning:
                    messages.warning(request, warning)
            return redirect("families:detail", pk=family.pk)
    return render(
        request,
        "families/person_form.html",
        {"form": form, "family": family, "nav_active": "families"},
    )


@login_required
def person_edit(request, pk):
    person = get_person_for_user(request.user, pk)
    # Writing follows seeing: those who may see the person and whose role writes people.
    PERSON.require_edit_person(request.user, person)
    roles = PERSON.about if scope_for(request.user).is_full_member(person.family_id) else CHILDREN
    form = PersonForm(request.POST or None, instance=person, roles=roles)
    if request.method == "GET":
        # The edit form shows the person's data: a view of that person.
        audit_log(
            actor=request.user,
            action="view",
            event="families.person.viewed",
            person=person,
            detail={"page": "edit"},
        )
    current = None
    if request.method == "POST" and form.is_valid():
        result = save_or_conflict(
            form,
            lambda: services.person_update(
                actor=request.user,
                person=Person.objects.get(pk=person.pk),
                version=form.cleaned_data["version"],
                cpr=form.cleaned_data["cpr"],
                **form.person_data(),
            ),
            reload=lambda: Person.objects.get(pk=person.pk),
            message=_(
                "Someone else saved this person while you were editing. Your changes are "
                "kept below; compare them with the current version and save again."
            ),
            error_field="cpr",
        )
        current = result.theirs
        if result.saved:
            messages.success(request, _("%(name)s was saved.") % {"name": result.value.full_name})
            for warning in (form.cpr_warning, form.age_warning):
                if warning:
                    messages.warning(request, warning)
            return redirect("families:detail", pk=person.family_id)
    return render(
        request,
        "families/person_form.html",
        {
            "form": form,
            "family": person.family,
            "person": person,
            "current": current,
            "nav_active": "families",
        },
    )


@login_required
@require_POST
def person_reveal_cpr(request, pk):
    """Show one full CPR number. POST only (never in a URL), with a purpose, audited."""
    person = get_person_for_user(request.user, pk)
    form = CprRevealForm(request.POST)
    context = {"person": person, "form": form}
    if form.is_valid():
        try:
            context["cpr"] = services.person_reveal_cpr(
                actor=request.user, person=person, purpose=form.cleaned_data["purpose"]
            )
        except services.ServiceError as exc:
            context["error"] = str(exc)
    template = "families/_cpr_reveal.html" if request.htmx else "families/person_cpr.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
def home(request):
    """Land each role where its work is (SPEC §9): caseworkers on Mit arbejde, managers and
    budget officers on the targets, evaluators on the decision basis, administrators on
    administration."""
    user = request.user
    if user.has_perm("accounts.access_case_data"):
        return my_work(request)
    url = landing_url(user)  # registered by the apps (bi18.navigation)
    return redirect(url) if url else render(request, "home.html")
