"""Youth-track pages. Thin: access through families.access (404 for outsiders), rules in
youth.rules, writes through youth.services. Every page view of a young person is audited."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bi18.audit.services import audit_log
from bi18.lib.prepared import fixed_instances, store_prefetched
from bi18.lib.versioning import save_or_conflict
from youth import access, forms, rules, services
from youth.models import (
    ApprenticeshipApplication,
    Clarification,
    CompanyInternship,
    Enrolment,
    ExamPreparation,
    GuidanceSession,
    LeisureJob,
    RetentionContact,
    YouthTrack,
)
from youth.timeline import build_timeline


def _young_person(user, pk):
    # Youth pages exist for children and young people only, for the youth roles (404 else).
    return access.get_young_person(user, pk)


def _track_or_404(person) -> YouthTrack:
    """The young person's current track (the open one, else the latest); 404 without one."""
    track = (
        YouthTrack.objects.select_related("person__family")
        .filter(person=person)
        .current_first()
        .first()
    )
    if track is None:
        raise Http404
    return track


# The records a track's page shows, each stored on the track as prefetch_related() would.
_RECORDS = (
    "leisure_jobs",
    "internships",
    "exams",
    "guidance_sessions",
    "clarifications",
    "applications",
    "contacts",
)


def _track_with_records(person):
    """The track and everything on it, in a fixed number of queries, each built by the ORM
    once per process and run prepared (bi18.lib.prepared)."""
    found = fixed_instances("youth.page.track", _current_track, {"person": person.pk})
    if not found:
        return None
    track = found[0]
    for name in _RECORDS:
        rows = fixed_instances(f"youth.page.{name}", _records(name), {"track": track.pk})
        store_prefetched([track], name, rows, by="track_id")
    return track


def _current_track(v):
    return (
        YouthTrack.objects.filter(person_id=v["person"])
        .current_first()
        .select_related("retention_counsellor", "guidance_counsellor", "follow_up__recorded_by")[:1]
    )


def _records(name):
    model = YouthTrack._meta.get_field(name).related_model

    def build(v):
        rows = model.objects.filter(track_id=v["track"])
        return rows.select_related("recorded_by") if name == "contacts" else rows

    return build


def _enrolments(v):
    return Enrolment.objects.filter(person_id=v["person"])


def _earlier_tracks(v):
    return (
        YouthTrack.objects.filter(person_id=v["person"])
        .exclude(pk=v["track"])
        .select_related("follow_up")
        .order_by("-start", "-id")
    )


@login_required
def person_detail(request, pk):
    person = _young_person(request.user, pk)
    today = timezone.localdate()
    track = _track_with_records(person)
    enrolments = fixed_instances("youth.page.enrolments", _enrolments, {"person": person.pk})
    follow_up_due = (
        rules.follow_up_due_date(track.actual_end) if track and track.actual_end else None
    )
    audit_log(actor=request.user, action="view", event="youth.person.viewed", person=person)
    return render(
        request,
        "youth/person_detail.html",
        {
            "person": person,
            "family": person.family,
            "track": track,
            "enrolments": enrolments,
            "age": person.age_on(today),
            "in_education_today": rules.in_education_from(enrolments, today),
            "follow_up_due": follow_up_due,
            "in_education_at_follow_up": (
                rules.in_education_from(enrolments, follow_up_due) if follow_up_due else None
            ),
            "today": today,
            # Links to forms only for the kinds this user may write (a link to a 403 is noise).
            "may_record": {
                kind: policy.may_edit_person(request.user, person)
                for kind, policy in access.RECORDS.items()
            },
            "may_edit_track": access.TRACK.may_edit_person(request.user, person),
            "may_start_track": access.TRACK.may_edit_person(request.user, person),
            "earlier_tracks": fixed_instances(
                "youth.page.earlier_tracks",
                _earlier_tracks,
                {"person": person.pk, "track": track.pk},
            )
            if track
            else [],
            "nav_active": "families",
        },
    )


@login_required
def timeline(request, pk):
    person = _young_person(request.user, pk)
    track = _track_with_records(person)
    enrolments = list(Enrolment.objects.filter(person=person))
    audit_log(actor=request.user, action="view", event="youth.timeline.viewed", person=person)
    return render(
        request,
        "youth/person_timeline.html",
        {
            "person": person,
            "family": person.family,
            "track": track,
            "events": build_timeline(track, enrolments, today=timezone.localdate()),
            "nav_active": "families",
        },
    )


@login_required
def track_create(request, pk):
    person = _young_person(request.user, pk)
    access.TRACK.require_edit_person(request.user, person)
    if YouthTrack.objects.filter(person=person, actual_end__isnull=True).exists():
        # One open track at a time; a new one once the previous has ended.
        return redirect("youth:track_edit", pk=person.pk)
    form = forms.YouthTrackForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.track_create(actor=request.user, person=person, **form.data_dict())
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The youth track was started."))
            return redirect("youth:person", pk=person.pk)
    return render(
        request,
        "youth/track_form.html",
        {"form": form, "person": person, "family": person.family, "nav_active": "families"},
    )


@login_required
def track_edit(request, pk):
    person = _young_person(request.user, pk)
    access.TRACK.require_edit_person(request.user, person)
    track = _track_or_404(person)
    form = forms.YouthTrackForm(request.POST or None, instance=track, person=person)
    current = None
    if request.method == "POST" and form.is_valid():
        result = save_or_conflict(
            form,
            lambda: services.track_update(
                actor=request.user,
                track=YouthTrack.objects.select_related("person").get(pk=track.pk),
                **form.data_dict(),
                version=form.cleaned_data["version"],
            ),
            reload=lambda: YouthTrack.objects.get(pk=track.pk),
        )
        current = result.theirs
        if result.saved:
            messages.success(request, _("The youth track was saved."))
            if not access.TRACK.people(request.user).filter(pk=person.pk).exists():
                # They handed the young person over and no longer have access.
                return redirect("home")
            return redirect("youth:person", pk=person.pk)
    if request.method == "GET":
        audit_log(actor=request.user, action="view", event="youth.track.viewed", person=person)
    return render(
        request,
        "youth/track_form.html",
        {
            "form": form,
            "person": person,
            "family": person.family,
            "track": track,
            "current": current,
            "nav_active": "families",
        },
    )


# --- The track's records: one generic create view and one generic edit view -------------------


@dataclass(frozen=True)
class RecordKind:
    title: str
    model: type
    form: type
    create: object
    update: object = None  # None: the record is added, not edited


RECORD_KINDS: dict[str, RecordKind] = {
    "leisure_job": RecordKind(
        gettext_lazy("Leisure job"),
        LeisureJob,
        forms.LeisureJobForm,
        services.leisure_job_create,
        services.leisure_job_update,
    ),
    "internship": RecordKind(
        gettext_lazy("Company internship"),
        CompanyInternship,
        forms.CompanyInternshipForm,
        services.internship_create,
        services.internship_update,
    ),
    "exam": RecordKind(
        gettext_lazy("Exam preparation"),
        ExamPreparation,
        forms.ExamPreparationForm,
        services.exam_create,
        services.exam_update,
    ),
    "guidance": RecordKind(
        gettext_lazy("Guidance session"),
        GuidanceSession,
        forms.GuidanceSessionForm,
        services.guidance_session_create,
    ),
    "clarification": RecordKind(
        gettext_lazy("Early clarification"),
        Clarification,
        forms.ClarificationForm,
        services.clarification_create,
    ),
    "application": RecordKind(
        gettext_lazy("Apprenticeship application"),
        ApprenticeshipApplication,
        forms.ApplicationForm,
        services.application_create,
        services.application_update,
    ),
    "contact": RecordKind(
        gettext_lazy("Retention counsellor contact"),
        RetentionContact,
        forms.RetentionContactForm,
        services.contact_create,
    ),
    "enrolment": RecordKind(
        gettext_lazy("Education enrolment"),
        Enrolment,
        forms.EnrolmentForm,
        services.enrolment_create,
        services.enrolment_update,
    ),
}

# The keyword each update service takes its object by.
_UPDATE_ARG = {
    "leisure_job": "job",
    "internship": "internship",
    "exam": "exam",
    "application": "application",
    "enrolment": "enrolment",
}
# The audit event of opening each kind's edit form (spelt out: tests/audit finds every name).
_EDIT_VIEWED = {
    "leisure_job": "youth.leisure_job.viewed",
    "internship": "youth.internship.viewed",
    "exam": "youth.exam.viewed",
    "application": "youth.application.viewed",
    "enrolment": "youth.enrolment.viewed",
}


def _kind_or_404(kind: str) -> RecordKind:
    try:
        return RECORD_KINDS[kind]
    except KeyError:
        raise Http404 from None


@login_required
def record_create(request, pk, kind):
    record = _kind_or_404(kind)
    person = _young_person(request.user, pk)
    access.record_policy(kind).require_edit_person(request.user, person)
    track = _track_or_404(person)
    form = record.form(request.POST or None)
    if request.method == "GET":
        audit_log(
            actor=request.user,
            action="view",
            event="youth.person.viewed",
            person=person,
            detail={"page": f"{kind}_create"},
        )
    if request.method == "POST" and form.is_valid():
        try:
            if kind == "enrolment":
                record.create(actor=request.user, person=person, **form.data_dict())
            else:
                record.create(actor=request.user, track=track, **form.data_dict())
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(what)s was saved.") % {"what": record.title})
            return redirect("youth:person", pk=person.pk)
    return render(
        request,
        "youth/record_form.html",
        {
            "form": form,
            "record": record,
            "person": person,
            "family": person.family,
            "nav_active": "families",
        },
    )


@login_required
def record_edit(request, pk, kind, record_pk):
    record = _kind_or_404(kind)
    if record.update is None:
        raise Http404
    person = _young_person(request.user, pk)
    access.record_policy(kind).require_edit_person(request.user, person)
    track = _track_or_404(person)
    scope = {"person": person} if kind == "enrolment" else {"track": track}
    try:
        obj = record.model.objects.get(pk=record_pk, **scope)
    except (record.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    form = record.form(request.POST or None, instance=obj)
    current = None
    if request.method == "POST" and form.is_valid():
        result = save_or_conflict(
            form,
            lambda: record.update(
                actor=request.user,
                version=form.cleaned_data["version"],
                **form.data_dict(),
                **{_UPDATE_ARG[kind]: record.model.objects.get(pk=obj.pk)},
            ),
            reload=lambda: record.model.objects.get(pk=obj.pk),
        )
        current = result.theirs
        if result.saved:
            messages.success(request, _("%(what)s was saved.") % {"what": record.title})
            return redirect("youth:person", pk=person.pk)
    if request.method == "GET":
        audit_log(
            actor=request.user,
            action="view",
            event=_EDIT_VIEWED[kind],
            person=person,
            detail={"id": obj.pk},
        )
    return render(
        request,
        "youth/record_form.html",
        {
            "form": form,
            "record": record,
            "person": person,
            "family": person.family,
            "object": obj,
            "current": current,
            "nav_active": "families",
        },
    )


@login_required
def follow_up(request, pk):
    person = _young_person(request.user, pk)
    access.RECORDS["follow_up"].require_edit_person(request.user, person)
    track = _track_or_404(person)
    if track.actual_end is None:
        messages.info(request, _("The effort has not ended, so no follow-up is due yet."))
        return redirect("youth:person", pk=person.pk)
    due = rules.follow_up_due_date(track.actual_end)
    enrolments = list(Enrolment.objects.filter(person=person))
    derived = rules.in_education_from(enrolments, due)
    existing = getattr(track, "follow_up", None)
    form = forms.FollowUpForm(request.POST or None, derived_in_education=derived)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.follow_up_record(
                actor=request.user,
                track=track,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The follow-up was recorded."))
            return redirect("youth:person", pk=person.pk)
    if request.method == "GET":
        audit_log(actor=request.user, action="view", event="youth.follow_up.viewed", person=person)
    return render(
        request,
        "youth/follow_up_form.html",
        {
            "form": form,
            "person": person,
            "family": person.family,
            "track": track,
            "due": due,
            "derived": derived,
            "enrolments": enrolments,
            "existing": existing,
            "nav_active": "families",
        },
    )
