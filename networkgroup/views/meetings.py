"""Network-group meetings and meeting mode (agenda and plan side by side)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bi18.audit.services import audit_log
from bi18.lib.versioning import save_or_conflict
from families.access import is_coordinator
from families.records import services as records
from families.records.access import documents_visible, scope_for
from families.records.forms import DocumentForm
from networkgroup import selectors, services
from networkgroup.forms import AddendumForm, DecisionForm, MeetingForm, MinutesForm
from networkgroup.models import Goal, Meeting
from networkgroup.views.common import family_for_member, fragment, retarget
from networkgroup.views.plan import plan_context

PAGE_SIZE = 25


def _meeting(family, pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("minutes_approved_by", "interpreting_person"),
        pk=pk,
        family=family,
    )


@login_required
@require_GET
def meeting_list(request, family_pk):
    family = family_for_member(request.user, family_pk)
    meetings = Meeting.objects.filter(family=family).order_by("-starts_at", "-id")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(actor=request.user, action="view", event="networkgroup.meeting.listed", family=family)
    return render(
        request,
        "networkgroup/meeting_list.html",
        {
            "family": family,
            "page": page,
            "now": timezone.now(),
            "may_convene": is_coordinator(request.user, family),
            "nav_active": "families",
        },
    )


@login_required
def meeting_create(request, family_pk):
    family = family_for_member(request.user, family_pk)
    if not is_coordinator(request.user, family):
        # Members may see the family, but only the coordinator convenes (SPEC §2).
        raise Http404
    initial = {
        "attending_members": [m.user_id for m in family.members.all()],
        "interpreter_booked": family.interpreter_needed,
        "interpreter_language": family.preferred_language if family.interpreter_needed else "",
    }
    form = MeetingForm(request.POST or None, family=family, initial=initial)
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
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(family, pk)
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
    form = MeetingForm(request.POST or None, family=family, initial=initial)
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


def _decision_form(family, plan, data=None):
    return DecisionForm(
        data,
        family=family,
        goals=Goal.objects.filter(plan=plan).select_related("person").order_by("area", "id"),
    )


@login_required
@require_GET
def meeting_detail(request, family_pk, pk):
    """Meeting mode: the agenda on one side, the plan on the other (SPEC §9)."""
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(family, pk)
    context = plan_context(request, family)
    proposal = selectors.agenda_proposal(
        family=family, starts_at=meeting.starts_at, until=meeting.next_meeting_date
    )
    context.update(
        {
            "meeting": meeting,
            "proposal": proposal,
            "attending_members": list(meeting.attending_members.all()),
            "attending_people": list(meeting.attending_people.all()),
            "decisions": list(meeting.decisions.select_related("action__responsible")),
            "addenda": list(meeting.addenda.select_related("author")),
            "decision_form": _decision_form(family, context["plan"]),
            "minutes_form": MinutesForm(
                initial={"minutes": meeting.minutes, "version": meeting.version}
            ),
            "addendum_form": AddendumForm(),
            "documents": list(
                documents_visible(request.user, family).filter(meeting_id=meeting.pk)
            ),
            "document_form": DocumentForm(for_note=True),
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


@login_required
@require_POST
def meeting_minutes(request, family_pk, pk):
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(family, pk)
    form = MinutesForm(request.POST)
    context = {"family": family, "meeting": meeting}
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
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(family, pk)
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
    url = reverse("networkgroup:meeting", args=[family.pk, meeting.pk])
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
@require_POST
def meeting_addendum(request, family_pk, pk):
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(family, pk)
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
    """A decision becomes a plan action in one step; the plan side updates in place."""
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(family, pk)
    plan = services.plan_for_family(family=family)
    form = _decision_form(family, plan, request.POST)
    new_action = None
    if form.is_valid():
        try:
            decision = services.decision_record(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            if not request.htmx:
                messages.success(request, _("The decision was recorded and added to the plan."))
                return redirect("networkgroup:meeting", family_pk=family.pk, pk=meeting.pk)
            new_action = decision.action
            form = _decision_form(family, plan)
            # Ready for the next decision.
            form.fields["text"].widget.attrs["autofocus"] = True
    context = {
        "family": family,
        "meeting": meeting,
        "decisions": list(meeting.decisions.select_related("action__responsible")),
        "decision_form": form,
        "new_action": new_action,
        "focus_decision_form": new_action is not None,
    }
    return fragment(request, "networkgroup/_decisions.html", context, title=_("Decisions"))


@login_required
@require_POST
def meeting_document(request, family_pk, pk):
    """Attach a document to a meeting (families.records stores and checks it)."""
    family = family_for_member(request.user, family_pk)
    meeting = _meeting(family, pk)
    form = DocumentForm(request.POST, request.FILES, for_note=True)
    if form.is_valid():
        data = form.cleaned_data
        try:
            records.document_upload(
                actor=request.user,
                family=family,
                scope=scope_for(request.user, family),
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
