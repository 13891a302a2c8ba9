"""Network-group meetings and meeting mode (agenda and plan side by side)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bi18.audit.services import audit_log
from bi18.lib.prepared import fixed_instances
from bi18.lib.sorting import sort_order
from bi18.lib.versioning import save_or_conflict
from families.access import is_coordinator, scope_for
from families.models import Person
from families.records import services as records
from families.records.access import meeting_documents
from families.records.access import scope_for as records_scope_for
from families.records.forms import DocumentForm
from families.scope import Scope
from networkgroup import access, fragments, selectors, services
from networkgroup.forms import AddendumForm, DecisionForm, MeetingForm, MinutesForm
from networkgroup.live.reads import read_is_covered
from networkgroup.live.routing import socket_path
from networkgroup.models import Goal, InterpreterBooking, Meeting, MinutesAddendum
from networkgroup.views.common import family_for_member, fragment, plan_or_404, retarget
from networkgroup.views.plan import plan_context

PAGE_SIZE = 25


def _meeting(request, family, pk) -> Meeting:
    return access.get_meeting(request.user, family, pk)


def _full_member_meeting(request, family_pk, pk):
    """A meeting page that changes the meeting's details or minutes: full members only."""
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(request, family, pk)
    access.require_full_member(request.user, family)
    return family, meeting


@login_required
@require_GET
def meeting_list(request, family_pk):
    family = family_for_member(request.user, family_pk)
    sorting = sort_order(
        request, {"starts_at": "starts_at", "place": ("place", "starts_at")}, "-starts_at"
    )
    meetings = access.meetings(request.user, Meeting.objects.filter(family=family)).order_by(
        *sorting.ordering
    )
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(actor=request.user, action="view", event="networkgroup.meeting.listed", family=family)
    return render(
        request,
        "networkgroup/meeting_list.html",
        {
            "family": family,
            "page": page,
            "sorting": sorting,
            "now": timezone.now(),
            "may_convene": is_coordinator(request.user, family)
            and access.sees_everyone(request.user, family),
            "nav_active": "families",
        },
    )


@login_required
def meeting_create(request, family_pk):
    family = family_for_member(request.user, family_pk)
    if not is_coordinator(request.user, family):
        # Members may see the family, but only the coordinator convenes (SPEC §2).
        raise Http404
    access.require_full_member(request.user, family)
    initial = {
        "attending_members": [m.user_id for m in family.members.all()],
        "interpreter_booked": family.interpreter_needed,
        "interpreter_language": family.preferred_language if family.interpreter_needed else "",
    }
    form = MeetingForm(request.POST or None, family=family, user=request.user, initial=initial)
    if request.method == "GET":
        # The form lists the family's people as attendees.
        audit_log(
            actor=request.user,
            action="view",
            event="networkgroup.meeting.listed",
            family=family,
            detail={"page": "meeting_create"},
        )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(
                actor=request.user, family=family, data=form.meeting_data()
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The meeting was created."))
            return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)
    return render(
        request,
        "networkgroup/meeting_form.html",
        {"family": family, "form": form, "meeting": None, "nav_active": "families"},
    )


@login_required
def meeting_edit(request, family_pk, pk):
    family, meeting = _full_member_meeting(request, family_pk, pk)
    if meeting.is_locked:
        messages.error(request, _("The minutes are approved and locked. Add an addendum instead."))
        return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)
    initial = {
        "starts_at": timezone.localtime(meeting.starts_at),
        "place": meeting.place,
        "attending_members": list(meeting.attending_members.all()),
        "attending_people": list(meeting.attending_people.all()),
        "interpreter_booked": meeting.interpreter_booked,
        "interpreter_language": meeting.interpreter_language,
        "interpreting_person": meeting.interpreting_person_id,
        "agenda": meeting.agenda,
        "next_meeting_date": meeting.next_meeting_date,
        "version": meeting.version,
    }
    form = MeetingForm(request.POST or None, family=family, user=request.user, initial=initial)
    if request.method == "GET":
        audit_log(
            actor=request.user,
            action="view",
            event="networkgroup.meeting.viewed",
            family=family,
            detail={"meeting_id": meeting.pk, "page": "edit"},
        )
    current = None
    if request.method == "POST" and form.is_valid():
        result = save_or_conflict(
            form,
            lambda: services.meeting_update(
                actor=request.user,
                meeting=meeting,
                data=form.meeting_data(),
                version=form.cleaned_data["version"] or 0,
            ),
            message=_(
                "Someone else saved this meeting while you were editing. Your changes are "
                "kept below; compare them with the saved version and save again."
            ),
        )
        current = result.theirs
        if result.saved:
            messages.success(request, _("The meeting was saved."))
            return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)
    return render(
        request,
        "networkgroup/meeting_form.html",
        {
            "family": family,
            "form": form,
            "meeting": meeting,
            "current": current,
            "nav_active": "families",
        },
    )


def _decision_form(request, family, plan, data=None, *, page=None):
    """The decision form; on the meeting page (`page`: its plan context) the selects are
    filled from the goals and members the page already fetched."""
    # The goals a choice is validated against; an unbound form shows the page's own.
    goals = (
        Goal.objects.none()
        if data is None and page is not None
        else access.goals(request.user, Goal.objects.filter(plan=plan), family_id=family.pk)
        .select_related("person")
        .order_by("area", "id")
    )
    return DecisionForm(
        data,
        family=family,
        user=request.user,
        goals=goals,
        shown_goals=page["goals"] if page else None,
        members=page["members"] if page else None,
    )


def _decisions(request, meeting) -> list:
    return fragments.decisions(request.user, meeting)


def _interpreter_language(meeting, family) -> str:
    """The language the meeting is interpreted into: the booked interpreter's, else the
    family's preferred language when it needs an interpreter."""
    if meeting.interpreter_booked and meeting.interpreter_language:
        return meeting.interpreter_language
    if family.interpreter_needed:
        return family.preferred_language or ""
    return ""


@login_required
@require_GET
def meeting_detail(request, family_pk, pk):
    """Meeting mode: the agenda on one side, the plan on the other (SPEC §9)."""
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(request, family, pk)
    context = plan_context(request, family)
    # The agenda, its proposal from the plan and the minutes are free text about anyone:
    # for full members only (a youth counsellor sees the decisions they may see).
    sees_everyone = access.sees_everyone(request.user, family)
    proposal = (
        selectors.agenda_proposal(
            family=family,
            user=request.user,
            starts_at=meeting.starts_at,
            until=meeting.next_meeting_date,
            plan=context["plan"],
            goals=context["goals"],
        )
        if sees_everyone
        else None
    )
    context.update(
        {
            "meeting": meeting,
            "sees_everyone": sees_everyone,
            "proposal": proposal,
            "attending_members": list(meeting.attending_members.all()),
            "attending_people": _attending_people(request.user, family, meeting),
            "interpreting_person": (
                meeting.interpreting_person
                if meeting.interpreting_person
                and scope_for(request.user).sees_person(meeting.interpreting_person)
                else None
            ),
            "decisions": _decisions(request, meeting),
            # Addenda follow the approval, and the page shows them with the locked minutes.
            "addenda": (
                _of_meeting(meeting, "addenda", _addenda)
                if sees_everyone and meeting.is_locked
                else []
            ),
            "interpreter_bookings": _of_meeting(meeting, "interpreter_bookings", _bookings),
            "decision_form": _decision_form(request, family, context["plan"], page=context),
            "minutes_form": MinutesForm(
                initial={"minutes": meeting.minutes, "version": meeting.version}
            ),
            "addendum_form": AddendumForm(),
            "documents": meeting_documents(request.user, family, meeting.pk),
            "agenda_items": meeting.agenda_items,
            "live_socket": socket_path(family.pk, meeting.pk),
            # The shared screen in the meeting room: large type, the agenda and the plan.
            "big_screen": request.GET.get("visning") == "storskaerm",
            "interpreter_language": _interpreter_language(meeting, family),
            "nav_active": "families",
        }
    )
    audit_log(
        actor=request.user,
        action="view",
        event="networkgroup.meeting.viewed",
        family=family,
        detail={"meeting_id": meeting.pk},
    )
    return render(request, "networkgroup/meeting_detail.html", context)


# The meeting page's reads, each one query built once per process (bi18.lib.prepared).


def _attending_people(user, family, meeting) -> list:
    """The family members at the meeting whom the user may see (access.people)."""
    values = {"meeting": meeting.pk, **scope_for(user).within(family.pk).as_values()}
    return fixed_instances("networkgroup.attending_people", _attending, values)


def _attending(v):
    attending = Meeting.attending_people.through.objects.filter(meeting_id=v["meeting"])
    return Person.objects.filter(Scope.given(v).person_q(), pk__in=attending.values("person_id"))


def _of_meeting(meeting, name: str, build) -> list:
    """The meeting's `name` (a reverse relation), each row knowing its meeting, as
    `meeting.<name>.all()` gives them."""
    rows = fixed_instances(f"networkgroup.meeting_{name}", build, {"meeting": meeting.pk})
    field = getattr(Meeting, name).field
    for row in rows:
        field.set_cached_value(row, meeting)
    return rows


def _addenda(v):
    return MinutesAddendum.objects.filter(meeting_id=v["meeting"]).select_related("author")


def _bookings(v):
    return InterpreterBooking.objects.filter(meeting_id=v["meeting"])


def _audit_meeting_part(request, family, meeting, part: str) -> None:
    """A fragment of a meeting read on its own (a live refresh within the open page's
    audited read is not audited again)."""
    if read_is_covered(request, family.pk):
        return
    audit_log(
        actor=request.user,
        action="view",
        event="networkgroup.meeting.viewed",
        family=family,
        detail={"meeting_id": meeting.pk, "page": part},
    )


@login_required
def meeting_minutes(request, family_pk, pk):
    family, meeting = _full_member_meeting(request, family_pk, pk)
    context = {"family": family, "meeting": meeting}
    if request.method != "POST":
        # The minutes as saved (a live page refreshes them after another member's save).
        _audit_meeting_part(request, family, meeting, "minutes")
        form = MinutesForm(initial={"minutes": meeting.minutes, "version": meeting.version})
        return fragment(
            request,
            "networkgroup/_minutes.html",
            {**context, "minutes_form": form, "locked": meeting.is_locked},
            title=_("Minutes"),
        )
    form = MinutesForm(request.POST)
    if form.is_valid():
        result = save_or_conflict(
            form,
            lambda: services.meeting_save_minutes(
                actor=request.user,
                meeting=meeting,
                minutes=form.cleaned_data["minutes"],
                version=form.cleaned_data["version"],
            ),
            message=None,
        )
        if result.conflict:
            return fragment(
                request,
                "networkgroup/_minutes_conflict.html",
                {**context, "minutes_form": form, "theirs": result.theirs},
                title=_("Someone else changed the minutes"),
            )
        if result.saved:
            meeting = result.value
            if not request.htmx:
                messages.success(request, _("The minutes were saved."))
                return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)
            form = MinutesForm(initial={"minutes": meeting.minutes, "version": meeting.version})
            context["saved"] = True
    return fragment(
        request,
        "networkgroup/_minutes.html",
        {**context, "meeting": meeting, "minutes_form": form},
        title=_("Minutes"),
    )


@login_required
@require_POST
def meeting_approve(request, family_pk, pk):
    """Approve and lock the minutes, including any text typed but not yet saved."""
    family, meeting = _full_member_meeting(request, family_pk, pk)
    url = reverse("networkgroup:meeting", args=[family.pk, meeting.pk])
    if request.POST.get("confirmed") != "1":
        # Approving cannot be undone: only the confirmation's own button approves.
        messages.error(request, _("Confirm that the minutes are to be approved and locked."))
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    form = MinutesForm(request.POST)
    minutes = version = None
    if "minutes" in request.POST and form.is_valid():
        minutes, version = form.cleaned_data["minutes"], form.cleaned_data["version"]
    try:
        services.meeting_approve_minutes(
            actor=request.user, meeting=meeting, minutes=minutes, version=version
        )
    except services.PlanConflict as conflict:
        data = request.POST.copy()
        data["version"] = conflict.current.version
        response = fragment(
            request,
            "networkgroup/_minutes_conflict.html",
            {
                "family": family,
                "meeting": meeting,
                "minutes_form": MinutesForm(data),
                "theirs": conflict.current,
            },
            title=_("Someone else changed the minutes"),
        )
        return retarget(response, "#minutes") if request.htmx else response
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The minutes are approved and now locked."))
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
@require_POST
def meeting_addendum(request, family_pk, pk):
    family, meeting = _full_member_meeting(request, family_pk, pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_add_addendum(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"]
            )
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The addendum was added to the minutes."))
    else:
        messages.error(request, _("Write the addendum."))
    return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)


@login_required
@require_POST
def meeting_decision(request, family_pk, pk):
    """A decision becomes a plan action or a new goal in one step (the plan side updates in
    place), or is recorded on its own."""
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(request, family, pk)
    plan = plan_or_404(family)
    form = _decision_form(request, family, plan, request.POST)
    new_action = new_goal = None
    if form.is_valid():
        try:
            decision = services.decision_record(
                actor=request.user, meeting=meeting, **form.data_dict()
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if not request.htmx:
                messages.success(request, _("The decision was recorded."))
                return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)
            new_action = decision.action
            new_goal = decision.new_goal
            form = _decision_form(request, family, plan)
            # Ready for the next decision.
            form.fields["text"].widget.attrs["autofocus"] = True
    context = {
        "family": family,
        "meeting": meeting,
        "decisions": _decisions(request, meeting),
        "decision_form": form,
        "new_action": None if new_goal else new_action,
        "new_goal": new_goal,
        "new_goal_actions": [new_action] if new_goal and new_action else [],
        "focus_decision_form": form.is_bound is False,
    }
    return fragment(request, "networkgroup/_decisions.html", context, title=_("Decisions"))


@login_required
@require_GET
def meeting_decision_list(request, family_pk, pk):
    """The decisions this user may see (a live page refreshes the list, not the form)."""
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(request, family, pk)
    _audit_meeting_part(request, family, meeting, "decisions")
    template, context = fragments.decision_list(request.user, family, meeting)
    return fragment(request, template, context, title=_("Decisions"))


def _agenda_context(family, meeting, user) -> dict:
    return {
        "family": family,
        "meeting": meeting,
        "agenda_items": meeting.agenda_items,
        "is_coordinator": is_coordinator(user, family),
    }


@login_required
def meeting_agenda(request, family_pk, pk):
    """The agenda with the item the meeting is on; the coordinator moves it (POST `item`:
    an index, "next" or "previous") and every open meeting page follows."""
    family, meeting = _full_member_meeting(request, family_pk, pk)
    context = _agenda_context(family, meeting, request.user)
    if request.method == "POST":
        current, count = meeting.current_agenda_item, len(context["agenda_items"])
        wanted = request.POST.get("item", "")
        if wanted == "next":
            item = 0 if current is None else min(current + 1, count - 1)
        elif wanted == "previous":
            item = None if current in (None, 0) else current - 1
        else:
            try:
                item = int(wanted)
            except ValueError:
                item = -1
        try:
            services.meeting_move_agenda(actor=request.user, meeting=meeting, item=item)
        except services.ServiceError as exc:
            context["error"] = str(exc)
        if not request.htmx:
            if "error" in context:
                messages.error(request, context["error"])
            return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)
    else:
        _audit_meeting_part(request, family, meeting, "agenda")
    return fragment(request, "networkgroup/_agenda.html", context, title=_("Agenda"))


@login_required
def meeting_document(request, family_pk, pk):
    """Attach a document to a meeting (families.records stores and checks it). GET: the
    form, which the meeting page fetches when its section is opened."""
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(request, family, pk)
    if request.method != "POST":
        _audit_meeting_part(request, family, meeting, "document_form")
        return fragment(
            request,
            "networkgroup/_meeting_document_form.html",
            {"family": family, "meeting": meeting, "document_form": DocumentForm(for_note=True)},
            title=_("Attach document"),
        )
    form = DocumentForm(request.POST, request.FILES, for_note=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            records.document_upload(
                actor=request.user,
                family=family,
                scope=records_scope_for(request.user, family),
                upload=data["file"],
                title=data["title"],
                date=data["date"],
                kind=data["kind"],
                meeting_id=meeting.pk,
            )
        except records.RecordError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The document was attached to the meeting."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)
