"""Employment pages. Thin: access through employment.access (built on families.access),
writes through employment.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bi18.audit.services import audit_log
from bi18.lib.pickers import picker_response
from employment import clocks, services
from employment.access import (
    TRACK_EDITOR_ROLES,
    can_edit_track,
    can_see_employment,
    get_parent_for_user,
    require_track_editor,
)
from employment.forms import (
    CompanyForm,
    CompanySearchForm,
    CourseForm,
    HoursForm,
    InternshipCreateForm,
    InternshipEditForm,
    InterviewForm,
    MentorAssignForm,
    MentorContactForm,
    MentorRenewForm,
    OutcomeForm,
    TrackForm,
    company_field,
)
from employment.models import (
    Company,
    Course,
    EmploymentTrack,
    Internship,
    InternshipHours,
    InternshipStatus,
    JobInterview,
    MentorAssignment,
    MentorContact,
)
from employment.selectors import internship_gaps, interview_status, track_timeline
from families.models import Person

PAGE_SIZE = 25

CONFLICT_MESSAGE = _(
    "Someone else saved this while you were editing. Your changes are kept below; "
    "compare them with the current version and save again."
)


def _track_or_404(person) -> EmploymentTrack:
    try:
        return EmploymentTrack.objects.select_related("person__family").get(person=person)
    except EmploymentTrack.DoesNotExist:
        raise Http404 from None


def _parent_url(person) -> str:
    return reverse("employment:parent", args=[person.pk])


def _form_page(request, person, form, title, *, extra=None):
    if request.method == "GET":
        # An edit form shows the track's data: a read of personal data (SPEC §8).
        audit_log(
            actor=request.user, action="view", event="employment.parent.viewed", person=person
        )
    context = {
        "person": person,
        "family": person.family,
        "form": form,
        "title": title,
        "nav_active": "families",
        **(extra or {}),
    }
    return render(request, "employment/form.html", context)


# --- The parent's employment page with its timeline ---------------------------------------


def load_track(person) -> EmploymentTrack | None:
    """The track with everything the page and timeline need, in a fixed number of queries."""
    return (
        EmploymentTrack.objects.filter(person=person)
        .select_related("company_consultant", "employment_consultant")
        .prefetch_related(
            Prefetch(
                "internships",
                queryset=Internship.objects.select_related("company").prefetch_related(
                    Prefetch("hours", queryset=InternshipHours.objects.order_by("from_date"))
                ),
            ),
            Prefetch("interviews", queryset=JobInterview.objects.select_related("held_by")),
            Prefetch(
                "mentors",
                queryset=MentorAssignment.objects.select_related("mentor").prefetch_related(
                    Prefetch(
                        "contacts", queryset=MentorContact.objects.select_related("created_by")
                    )
                ),
            ),
            "courses",
        )
        .first()
    )


@login_required
def parent_detail(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    today = timezone.localdate()
    track = load_track(person)
    context = {
        "person": person,
        "family": person.family,
        "track": track,
        "can_edit": can_edit_track(request.user, person),
        "nav_active": "families",
        "today": today,
    }
    if track is not None:
        internships = list(track.internships.all())
        mentors = list(track.mentors.all())
        context.update(
            timeline=track_timeline(track, today=today),
            internships=internships,
            gaps=internship_gaps(
                internships, today=today, job_from=track.outcome_date if track.outcome else None
            ),
            interviews=list(track.interviews.all()),
            interview=interview_status(track, track.interviews.all(), today=today),
            mentors=mentors,
            my_mentor_periods=[
                m
                for m in mentors
                if m.mentor_id == request.user.pk and m.is_open and m.end >= today
            ],
            courses=list(track.courses.all()),
            clocks={
                "week6": clocks.internship_deadline(track.start),
                "week13": clocks.intensive_phase_end(track.start),
                "month6": clocks.six_month_mark(track.start),
            },
            has_internship=any(i.status != InternshipStatus.CANCELLED for i in internships),
            renewable={m.pk for m in mentors if m.is_open} - {m.renewed_from_id for m in mentors},
        )
    audit_log(actor=request.user, action="view", event="employment.parent.viewed", person=person)
    return render(request, "employment/parent_detail.html", context)


# --- Track --------------------------------------------------------------------------------


@login_required
def track_edit(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = EmploymentTrack.objects.filter(person=person).first()
    form = TrackForm(request.POST if request.method == "POST" else None, instance=track)
    if request.method == "POST" and form.is_valid():
        try:
            if track is None:
                services.track_create(actor=request.user, person=person, data=form.track_data())
            else:
                services.track_update(
                    actor=request.user,
                    track=track,
                    data=form.track_data(),
                    version=form.cleaned_data.get("version") or 0,
                )
        except services.ConflictError:
            form.add_error(None, CONFLICT_MESSAGE)
            form.data = form.data.copy()
            form.data["version"] = EmploymentTrack.objects.get(pk=track.pk).version
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The employment track was saved."))
            return redirect(_parent_url(person))
    title = _("Start employment track") if track is None else _("Edit employment track")
    return _form_page(request, person, form, title)


@login_required
def track_outcome(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = _track_or_404(person)
    initial = {
        "outcome": track.outcome,
        "outcome_date": track.outcome_date,
        "outcome_hours": track.outcome_hours,
        "outcome_employer": track.outcome_employer,
        "outcome_reason": track.outcome_reason,
        "version": track.version,
    }
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.track_set_outcome(
                actor=request.user,
                track=track,
                data=form.cleaned_data,
                version=form.cleaned_data["version"],
            )
        except services.ConflictError:
            form.add_error(None, CONFLICT_MESSAGE)
            form.data = form.data.copy()
            form.data["version"] = EmploymentTrack.objects.get(pk=track.pk).version
        else:
            messages.success(request, _("The outcome was saved."))
            return redirect(_parent_url(person))
    return _form_page(request, person, form, _("Outcome of the employment track"))


# --- Internships ------------------------------------------------------------------------------


@login_required
def internship_create(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = _track_or_404(person)
    form = InternshipCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            company = data["company"] or services.company_create(
                actor=request.user,
                data={
                    "name": data["new_company_name"].strip(),
                    "cvr": data["new_company_cvr"],
                    "industry": data["new_company_industry"].strip(),
                },
            )
            services.internship_register(
                actor=request.user,
                track=track,
                company=company,
                start=data["start"],
                planned_end=data["planned_end"],
                hours=data["hours"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The internship was registered."))
            return redirect(_parent_url(person))
    return _form_page(
        request,
        person,
        form,
        _("Register internship"),
        extra={"deadline": clocks.internship_deadline(track.start)},
    )


def _internship_for(request, pk):
    internship = get_object_or_404(
        Internship.objects.select_related("track__person__family", "company"), pk=pk
    )
    person = get_parent_for_user(request.user, internship.track.person_id)
    return internship, person


@login_required
def internship_edit(request, pk):
    internship, person = _internship_for(request, pk)
    require_track_editor(request.user, person)
    form = InternshipEditForm(
        request.POST if request.method == "POST" else None, instance=internship
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.internship_update(
                actor=request.user,
                internship=Internship.objects.select_related("track__person__family").get(
                    pk=internship.pk
                ),
                data=form.internship_data(),
                version=form.cleaned_data["version"],
            )
        except services.ConflictError:
            form.add_error(None, CONFLICT_MESSAGE)
            form.data = form.data.copy()
            form.data["version"] = Internship.objects.get(pk=internship.pk).version
        else:
            messages.success(request, _("The internship was saved."))
            return redirect(_parent_url(person))
    hours_form = HoursForm(initial={"from_date": timezone.localdate()})
    return _form_page(
        request,
        person,
        form,
        _("Internship at %(company)s") % {"company": internship.company.name},
        extra={"internship": internship, "hours_form": hours_form, "hours": internship.hours.all()},
    )


@login_required
def internship_hours(request, pk):
    """Add weekly hours from a date (company consultants, the caseworker and the parent's mentor)."""
    internship, person = _internship_for(request, pk)
    is_mentor = internship.track.mentors.filter(
        mentor=request.user, closed_on__isnull=True
    ).exists()
    if not (can_edit_track(request.user, person) or is_mentor):
        raise PermissionDenied
    form = HoursForm(
        request.POST if request.method == "POST" else None,
        initial={"from_date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.internship_hours_set(
                actor=request.user,
                internship=internship,
                from_date=form.cleaned_data["from_date"],
                hours=form.cleaned_data["hours"],
            )
        except services.ServiceError as exc:
            form.add_error("from_date", str(exc))
        else:
            messages.success(request, _("The hours were saved."))
            return redirect(_parent_url(person))
    return _form_page(
        request,
        person,
        form,
        _("Weekly hours at %(company)s") % {"company": internship.company.name},
        extra={"hours": internship.hours.all()},
    )


# --- Job interviews ------------------------------------------------------------------------------


@login_required
def interview_create(request, person_pk, pk=None):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = _track_or_404(person)
    interview = get_object_or_404(JobInterview, pk=pk, track=track) if pk else None
    form = InterviewForm(request.POST if request.method == "POST" else None, instance=interview)
    if request.method == "POST" and form.is_valid():
        services.interview_save(
            actor=request.user, track=track, data=form.interview_data(), interview=interview
        )
        messages.success(request, _("The job interview was saved."))
        return redirect(_parent_url(person))
    title = _("Register job interview") if interview is None else _("Edit job interview")
    return _form_page(request, person, form, title)


# --- Job mentor ---------------------------------------------------------------------------------


@login_required
def mentor_assign(request, person_pk):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = _track_or_404(person)
    form = MentorAssignForm(
        request.POST if request.method == "POST" else None, initial={"start": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_assign(actor=request.user, track=track, **form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The job mentor was assigned."))
            return redirect(_parent_url(person))
    return _form_page(request, person, form, _("Assign job mentor"))


def _mentor_for(request, pk):
    assignment = get_object_or_404(
        MentorAssignment.objects.select_related("track__person__family", "mentor"), pk=pk
    )
    person = get_parent_for_user(request.user, assignment.track.person_id)
    return assignment, person


@login_required
def mentor_renew(request, pk):
    assignment, person = _mentor_for(request, pk)
    require_track_editor(request.user, person)
    form = MentorRenewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_renew(
                actor=request.user, assignment=assignment, end=form.cleaned_data["end"]
            )
        except services.ServiceError as exc:
            form.add_error("end", str(exc))
        else:
            messages.success(request, _("The mentor period was renewed."))
            return redirect(_parent_url(person))
    return _form_page(
        request, person, form, _("Renew mentor period"), extra={"assignment": assignment}
    )


@login_required
@require_POST
def mentor_close(request, pk):
    assignment, person = _mentor_for(request, pk)
    require_track_editor(request.user, person)
    try:
        services.mentor_close(actor=request.user, assignment=assignment, on=timezone.localdate())
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The mentor period was closed."))
    return redirect(_parent_url(person))


@login_required
def mentor_contact(request, pk):
    assignment, person = _mentor_for(request, pk)
    if not (assignment.mentor_id == request.user.pk or can_edit_track(request.user, person)):
        raise PermissionDenied
    form = MentorContactForm(
        request.POST if request.method == "POST" else None, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        services.mentor_contact_add(actor=request.user, assignment=assignment, **form.cleaned_data)
        messages.success(request, _("The contact was saved."))
        return redirect(_parent_url(person) + "#mentor")
    return _form_page(request, person, form, _("Mentor contact"))


# --- Upskilling --------------------------------------------------------------------------------


@login_required
def course_edit(request, person_pk, pk=None):
    person = get_parent_for_user(request.user, person_pk)
    require_track_editor(request.user, person)
    track = _track_or_404(person)
    course = get_object_or_404(Course, pk=pk, track=track) if pk else None
    form = CourseForm(request.POST if request.method == "POST" else None, instance=course)
    if request.method == "POST" and form.is_valid():
        services.course_save(
            actor=request.user, track=track, data=form.course_data(), course=course
        )
        messages.success(request, _("The course was saved."))
        return redirect(_parent_url(person))
    return _form_page(request, person, form, _("Course") if course else _("Add course"))


# --- Company register -------------------------------------------------------------------------


def _can_edit_companies(user) -> bool:
    return any(user.has_role(r) for r in TRACK_EDITOR_ROLES)


def _require_company_register(user):
    if not can_see_employment(user):
        raise Http404


@login_required
def company_list(request):
    _require_company_register(request.user)
    form = CompanySearchForm(request.GET or None)
    companies = Company.objects.order_by("name", "id")
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    if q:
        companies = companies.filter(
            Q(name__icontains=q) | Q(cvr__startswith=q) | Q(industry__icontains=q)
        )
    page = Paginator(companies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/company_list.html",
        {
            "page": page,
            "form": form,
            "q": q,
            "nav_active": "companies",
        },
    )


@login_required
def company_picker(request):
    """The company picker's search (internship forms): for those who may register an
    internship; a user without the register gets 404, one who may only read it 403.
    Name, CVR number and industry only, no contact person."""
    _require_company_register(request.user)
    if not _can_edit_companies(request.user):
        raise PermissionDenied
    return picker_response(request, company_field())


@login_required
def company_detail(request, pk):
    _require_company_register(request.user)
    company = get_object_or_404(Company, pk=pk)
    # Only the parents this user may see; the count of others is not shown either.
    visible = Person.objects.visible_to(request.user).values("pk")
    internships = (
        company.internships.filter(track__person_id__in=visible)
        .select_related("track__person__family")
        .order_by("-start", "-id")
    )
    page = Paginator(internships, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(
        actor=request.user,
        action="view",
        event="employment.company.viewed",
        detail={
            "company_id": company.pk,
            "person_ids": [i.track.person_id for i in page.object_list],
        },
    )
    return render(
        request,
        "employment/company_detail.html",
        {
            "company": company,
            "page": page,
            "can_edit": _can_edit_companies(request.user),
            "nav_active": "companies",
        },
    )


@login_required
def company_edit(request, pk=None):
    _require_company_register(request.user)
    company = get_object_or_404(Company, pk=pk) if pk else None
    if not any(
        request.user.has_role(r)
        for r in ("family_caseworker", "employment_consultant", "company_consultant")
    ):
        raise PermissionDenied
    form = CompanyForm(request.POST if request.method == "POST" else None, instance=company)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in CompanyForm.Meta.fields}
        try:
            if company is None:
                company = services.company_create(actor=request.user, data=data)
            else:
                services.company_update(actor=request.user, company=company, data=data)
        except services.ServiceError as exc:
            form.add_error("cvr", str(exc))
        else:
            messages.success(request, _("The company was saved."))
            return redirect("employment:company_detail", pk=company.pk)
    return render(
        request,
        "employment/company_form.html",
        {"form": form, "company": company, "nav_active": "companies"},
    )
