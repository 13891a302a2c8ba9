"""The family plan: page, in-place editing of goals and actions (HTMX), history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bi18.accounts.middleware import background_poll, is_background
from bi18.audit.services import audit_log
from bi18.lib.prepared import fixed_values
from bi18.lib.sorting import sort_order
from bi18.lib.versioning import save_or_conflict
from families.scope import Scope, scope_for
from families.selectors import prefetch_members
from networkgroup import access, fragments, selectors, services
from networkgroup.forms import ActionForm, GoalForm
from networkgroup.live.reads import read_is_covered
from networkgroup.live.routing import socket_path
from networkgroup.models import Action, Goal, PlanChange, PlanEvent
from networkgroup.presence import POLL_SECONDS, presence_others
from networkgroup.views.common import family_for_member, fragment, plan_or_404, retarget

HISTORY_PAGE_SIZE = 25


def plan_context(request, family) -> dict:
    """What the plan partial needs; a fixed number of queries (plan page and meeting mode)."""
    plan = plan_or_404(family)
    # Onto the family, so that what else the page reads about `family.members` reuses it.
    prefetch_members(family)
    members = list(family.members.all())
    goals = selectors.plan_goals(plan, request.user)
    return {
        "family": family,
        "plan": plan,
        "goals": goals,
        "members": members,
        "is_coordinator": any(m.user_id == request.user.pk and m.is_coordinator for m in members),
        # The add-goal form is fetched when opened (goal_create, GET); an empty plan shows it.
        "goal_form": None if goals else GoalForm(family=family, user=request.user),
        "others": presence_others(family_id=family.pk, user=request.user),
        "poll_seconds": POLL_SECONDS,
        "live_socket": socket_path(family.pk),
        # The presence poll reports changes made by others after this point.
        "last_change_id": _last_change_id(request.user, plan),
    }


def _last_change_id(user, plan) -> int:
    """The newest history row the user may see (0: none), by a query built once per process
    (bi18.lib.prepared.fixed_values)."""
    if not access.PLAN.may_view(user):
        return 0
    values = {"plan": plan.pk, **scope_for(user).within(plan.family_id).as_values()}
    found = fixed_values("networkgroup.last_change", _last_change, values)
    return found[0]["id"] if found else 0


def _last_change(v):
    changes = access.changes_given(PlanChange.objects.filter(plan_id=v["plan"]), Scope.given(v))
    return changes.order_by("-id").values("id")[:1]


@login_required
@require_GET
def plan_page(request, family_pk):
    family = family_for_member(request.user, family_pk)
    context = plan_context(request, family)
    context["next_meeting"] = selectors.next_meeting(family)
    context["recent_changes"] = selectors.recent_events(context["plan"], request.user)
    context["offer_english"] = offers_english(family)
    context["nav_active"] = "families"
    audit_log(actor=request.user, action="view", event="networkgroup.plan.viewed", family=family)
    return render(request, "networkgroup/plan_page.html", context)


def offers_english(family) -> bool:
    language = (family.preferred_language or "").strip().lower()
    return language not in ("", "da", "dansk", "danish")


@background_poll
@login_required
@require_GET
def presence(request, family_pk):
    """Who else has the plan open, and how many changes others saved since `since`
    (the newest history row when the page was loaded)."""
    family = family_for_member(request.user, family_pk)
    try:
        since = int(request.GET.get("since", ""))
    except ValueError:
        since = None
    changed_by_others = (
        access.changes(request.user, PlanChange.objects.filter(plan__family=family, id__gt=since))
        .exclude(actor=request.user)
        .values("event_id")
        .distinct()
        .count()  # saves, not changed fields
        if since is not None
        else 0
    )
    return render(
        request,
        "networkgroup/_presence_list.html",
        {
            "family": family,
            "others": presence_others(family_id=family.pk, user=request.user),
            "changed_by_others": changed_by_others,
        },
    )


@login_required
@require_POST
def plan_review(request, family_pk):
    family = family_for_member(request.user, family_pk)
    plan = plan_or_404(family)
    services.plan_mark_reviewed(actor=request.user, plan=plan)
    messages.success(request, _("The plan is marked as reviewed."))
    return redirect("networkgroup:plan", family_pk=family.pk)


# --- Goals -------------------------------------------------------------------------------


_ITEM_VIEWED = {"goal": "networkgroup.goal.viewed", "action": "networkgroup.action.viewed"}


def _audit_item_view(request, family, kind: str, pk: int) -> None:
    """An in-place fragment shows one goal or action: a view of personal data like any other
    (a live refresh is covered by the audited read of the open page, networkgroup.live)."""
    if read_is_covered(request, family.pk):
        return
    audit_log(
        actor=request.user,
        action="view",
        event=_ITEM_VIEWED[kind],
        family=family,
        detail={f"{kind}_id": pk},
    )


def _goal(request, family, goal_pk) -> Goal:
    return access.get_goal(request.user, family, goal_pk)


def _goal_block(request, family, goal: Goal):
    """A new goal's block (it has no actions yet), focused for the keyboard."""
    return render(
        request,
        "networkgroup/_goal.html",
        {"family": family, "goal": goal, "actions": [], "focus_goal": True},
    )


@login_required
def goal_create(request, family_pk):
    family = family_for_member(request.user, family_pk)
    plan = plan_or_404(family)
    form = GoalForm(request.POST or None, family=family, user=request.user)
    if request.method == "GET":
        # The form lists the family's people (the plan page fetches it when opened).
        if not read_is_covered(request, family.pk):
            audit_log(
                actor=request.user,
                action="view",
                event="networkgroup.plan.viewed",
                family=family,
                detail={"page": "goal_form"},
            )
    elif form.is_valid():
        try:
            goal = services.goal_create(actor=request.user, plan=plan, **form.data_dict())
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if not request.htmx:
                messages.success(request, _("The goal was added."))
                return redirect(reverse("networkgroup:plan", args=[family.pk]) + f"#goal-{goal.pk}")
            return _goal_block(request, family, goal)
    response = fragment(
        request,
        "networkgroup/_goal_create_form.html",
        {"family": family, "goal_form": form},
        title=_("Add goal"),
    )
    return (
        retarget(response, "#goal-create")
        if request.htmx and request.method == "POST"
        else response
    )


@login_required
@require_GET
def goal_header(request, family_pk, goal_pk):
    family = family_for_member(request.user, family_pk)
    # A live refresh must not take the focus from what the user is doing.
    template, context = fragments.goal_header(
        request.user, family, goal_pk, focus=not is_background(request)
    )
    _audit_item_view(request, family, "goal", context["goal"].pk)
    return fragment(request, template, context, title=_("Goal"))


@login_required
@require_GET
def goal_block(request, family_pk, goal_pk):
    """A goal with its actions: what a live page inserts when another member adds a goal."""
    family = family_for_member(request.user, family_pk)
    template, context = fragments.goal_block(request.user, family, goal_pk)
    _audit_item_view(request, family, "goal", context["goal"].pk)
    return fragment(request, template, context, title=_("Goal"))


@login_required
def goal_edit(request, family_pk, goal_pk):
    family = family_for_member(request.user, family_pk)
    goal = _goal(request, family, goal_pk)
    context = {"family": family, "goal": goal}
    if request.method != "POST":
        _audit_item_view(request, family, "goal", goal.pk)
        form = GoalForm(
            family=family,
            user=request.user,
            initial={
                "person": goal.person_id,
                "area": goal.area,
                "text": goal.text,
                "version": goal.version,
            },
        )
        form.fields["text"].widget.attrs["autofocus"] = True
        return fragment(
            request, "networkgroup/_goal_form.html", {**context, "form": form}, title=_("Edit goal")
        )
    form = GoalForm(request.POST, family=family, user=request.user)
    if form.is_valid():
        result = save_or_conflict(
            form,
            lambda: services.goal_update(
                actor=request.user,
                goal=goal,
                version=form.cleaned_data["version"] or 0,
                **form.data_dict(),
            ),
            message=None,
        )
        if result.conflict:
            # Nothing typed is lost: the user's text comes back, beside the saved one.
            return fragment(
                request,
                "networkgroup/_goal_conflict.html",
                {**context, "form": form, "theirs": result.theirs},
                title=_("Someone else changed this goal"),
                status=409 if not request.htmx else 200,
            )
        if result.saved:
            goal = result.value
            if not request.htmx:
                messages.success(request, _("The goal was saved."))
                return redirect(reverse("networkgroup:plan", args=[family.pk]) + f"#goal-{goal.pk}")
            return render(
                request,
                "networkgroup/_goal_header.html",
                {"family": family, "goal": goal, "focus": True},
            )
    return fragment(
        request, "networkgroup/_goal_form.html", {**context, "form": form}, title=_("Edit goal")
    )


@login_required
@require_GET
def goal_history(request, family_pk, goal_pk):
    family = family_for_member(request.user, family_pk)
    goal = _goal(request, family, goal_pk)
    sorting = sort_order(request, {"at": "at"}, "-at")
    changes = selectors.history_events(
        access.events(request.user, PlanEvent.objects.filter(goal=goal))
    ).order_by(*sorting.ordering)
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(
        actor=request.user,
        action="view",
        event="networkgroup.goal.history_viewed",
        family=family,
        detail={"goal_id": goal.pk},
    )
    return render(
        request,
        "networkgroup/history.html",
        {
            "family": family,
            "goal": goal,
            "page": page,
            "sorting": sorting,
            "nav_active": "families",
        },
    )


@login_required
@require_GET
def plan_history(request, family_pk):
    family = family_for_member(request.user, family_pk)
    plan = plan_or_404(family)
    sorting = sort_order(request, {"at": "at"}, "-at")
    changes = selectors.history_events(
        access.events(request.user, PlanEvent.objects.filter(plan=plan))
    ).order_by(*sorting.ordering)
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(
        actor=request.user, action="view", event="networkgroup.plan.history_viewed", family=family
    )
    return render(
        request,
        "networkgroup/history.html",
        {
            "family": family,
            "goal": None,
            "page": page,
            "sorting": sorting,
            "nav_active": "families",
        },
    )


# --- Actions -----------------------------------------------------------------------------


def _action(request, family, action_pk) -> Action:
    return access.get_action(request.user, family, action_pk)


@login_required
def action_create(request, family_pk, goal_pk):
    family = family_for_member(request.user, family_pk)
    goal = _goal(request, family, goal_pk)
    form = ActionForm(request.POST or None, family=family, person=goal.person)
    if request.method == "GET":
        _audit_item_view(request, family, "goal", goal.pk)
    if request.method == "POST" and form.is_valid():
        data = form.data_dict()
        try:
            action = services.action_create(actor=request.user, goal=goal, **data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if not request.htmx:
                messages.success(request, _("The action was added."))
                return redirect(
                    reverse("networkgroup:plan", args=[family.pk]) + f"#action-{action.pk}"
                )
            action = Action.objects.select_related("responsible").get(pk=action.pk)
            return render(
                request,
                "networkgroup/_action_added.html",
                {"family": family, "goal": goal, "new_action": action},
            )
    form.fields["what"].widget.attrs["autofocus"] = True
    response = fragment(
        request,
        "networkgroup/_action_create_form.html",
        {"family": family, "goal": goal, "form": form},
        title=_("Add action"),
    )
    if request.htmx and request.method == "POST":
        return retarget(response, f"#goal-{goal.pk}-new-action", "innerHTML")
    return response


@login_required
@require_GET
def action_add_button(request, family_pk, goal_pk):
    """ "Cancel" on the add-action form: the button comes back, focused."""
    family = family_for_member(request.user, family_pk)
    goal = _goal(request, family, goal_pk)
    return fragment(
        request,
        "networkgroup/_action_add_button.html",
        {"family": family, "goal": goal, "focus": True},
        title=_("Add action"),
    )


@login_required
@require_GET
def action_row(request, family_pk, action_pk):
    family = family_for_member(request.user, family_pk)
    template, context = fragments.action_row(
        request.user, family, action_pk, focus=not is_background(request)
    )
    _audit_item_view(request, family, "action", context["action"].pk)
    return fragment(request, template, context, title=_("Action"))


@login_required
def action_edit(request, family_pk, action_pk):
    family = family_for_member(request.user, family_pk)
    action = _action(request, family, action_pk)
    context = {"family": family, "action": action}
    if request.method != "POST":
        _audit_item_view(request, family, "action", action.pk)
        form = ActionForm(
            family=family,
            person=action.goal.person,
            initial={
                "what": action.what,
                "responsible": action.responsible_id,
                "deadline": action.deadline,
                "status": action.status,
                "version": action.version,
            },
        )
        form.fields["what"].widget.attrs["autofocus"] = True
        return fragment(
            request,
            "networkgroup/_action_form.html",
            {**context, "form": form},
            title=_("Edit action"),
        )
    form = ActionForm(request.POST, family=family, person=action.goal.person)
    if form.is_valid():
        result = save_or_conflict(
            form,
            lambda: services.action_update(
                actor=request.user,
                action=action,
                version=form.cleaned_data["version"] or 0,
                **form.data_dict(),
            ),
            message=None,
        )
        if result.conflict:
            return fragment(
                request,
                "networkgroup/_action_conflict.html",
                {**context, "form": form, "theirs": result.theirs},
                title=_("Someone else changed this action"),
                status=409 if not request.htmx else 200,
            )
        if result.saved:
            action = result.value
            if not request.htmx:
                messages.success(request, _("The action was saved."))
                return redirect(
                    reverse("networkgroup:plan", args=[family.pk]) + f"#action-{action.pk}"
                )
            return render(
                request,
                "networkgroup/_action_row.html",
                {"family": family, "action": action, "focus": True, "saved": True},
            )
    return fragment(
        request, "networkgroup/_action_form.html", {**context, "form": form}, title=_("Edit action")
    )
