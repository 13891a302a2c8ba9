"""Journal notes and documents of a family. Thin: the person rule in access.py, writes
in services.py. Every read of a note or document is audited."""

from cryptography.fernet import InvalidToken
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bi18.audit.services import audit_log
from bi18.lib.cpr import contains_cpr
from bi18.lib.sorting import choice_order, sort_order
from families.access import get_family_for_user
from families.models import Person
from families.records import services
from families.records.access import (
    documents_visible,
    get_document_for_user,
    get_note_for_user,
    notes_visible,
    scope_for,
)
from families.records.forms import AddendumForm, DocumentForm, NoteFilterForm, NoteForm
from families.records.models import DocumentKind, NoteAddendum

PAGE_SIZE = 20


def _visible_people(scope):
    return Person.objects.filter(pk__in=scope.people).order_by("role", "date_of_birth", "id")


@login_required
def note_list(request, family_pk):
    family = get_family_for_user(request.user, family_pk)
    scope = scope_for(request.user, family)
    notes = notes_visible(request.user, family, scope)
    authors = (
        get_user_model()
        .objects.filter(pk__in=notes.values("author_id"))
        .order_by("first_name", "last_name")
    )
    form = NoteFilterForm(request.GET or None, people=_visible_people(scope), authors=authors)
    q = ""
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"].strip():
            notes = notes.filter(
                Q(heading__icontains=q) | Q(text__icontains=q) | Q(addenda__text__icontains=q)
            ).distinct()
        if data["kind"]:
            notes = notes.filter(kind=data["kind"])
        if data["person"]:
            notes = notes.filter(people=data["person"])
        if data["author"]:
            notes = notes.filter(author=data["author"])
        if data["date_from"]:
            notes = notes.filter(occurred_at__date__gte=data["date_from"])
        if data["date_to"]:
            notes = notes.filter(occurred_at__date__lte=data["date_to"])
    notes = (
        notes.select_related("author")
        .prefetch_related(Prefetch("people", queryset=Person.objects.order_by("id")))
        .annotate(addendum_count=Count("addenda", distinct=True))
        .order_by("-occurred_at", "-id")
    )
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = form.is_bound and form.is_valid() and any(form.cleaned_data.values())
    audit_log(
        actor=request.user,
        action="search" if filtered else "view",
        event="records.notes.searched" if filtered else "records.notes.viewed",
        family=family,
        # The criterion is logged, except text holding a CPR number.
        detail={"criterion": _("CPR number") if contains_cpr(q) else q} if q else {},
    )
    return render(
        request,
        "records/note_list.html",
        {
            "family": family,
            "page": page,
            "form": form,
            "filtered": filtered,
            "may_write": bool(scope.people) or scope.may_write_whole_family,
            "nav_active": "families",
        },
    )


@login_required
def note_create(request, family_pk):
    family = get_family_for_user(request.user, family_pk)
    scope = scope_for(request.user, family)
    if not (scope.people or scope.may_write_whole_family):
        raise Http404
    form = NoteForm(
        request.POST or None,
        people=_visible_people(scope),
        whole_family=scope.may_write_whole_family,
    )
    if request.method == "GET":
        # The form lists the people the note can be about: a view of personal data.
        audit_log(
            actor=request.user,
            action="view",
            event="families.family.viewed",
            family=family,
            detail={"page": "note_create"},
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            note = services.note_create(
                actor=request.user,
                family=family,
                scope=scope,
                occurred_at=data["occurred_at"],
                kind=data["kind"],
                heading=data["heading"],
                text=data["text"],
                people=list(data["people"]),
                shareable_with_uu=data.get("shareable_with_uu", False),
            )
        except services.RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The note was saved."))
            return redirect("records:note", pk=note.pk)
    return render(
        request,
        "records/note_form.html",
        {"family": family, "form": form, "nav_active": "families"},
    )


@login_required
def note_detail(request, pk):
    note = get_note_for_user(request.user, pk)
    return _render_note(request, note)


def _render_note(request, note, *, document_form=None, status=200):
    """The note page; `document_form` is a refused upload, shown again with what was typed."""
    scope = scope_for(request.user, note.family)
    audit_log(
        actor=request.user,
        action="view",
        event="records.notes.viewed",
        family=note.family,
        detail={"note_id": note.pk},
    )
    return render(
        request,
        "records/note_detail.html",
        {
            "note": note,
            "family": note.family,
            "people": list(note.people.order_by("id")),
            "addenda": list(NoteAddendum.objects.filter(note=note).select_related("author")),
            "documents": list(
                documents_visible(request.user, note.family, scope).filter(note=note)
            ),
            "addendum_form": AddendumForm(),
            "document_form": document_form or DocumentForm(for_note=True),
            "may_edit": note.author_id == request.user.pk and not note.is_locked(),
            "nav_active": "families",
        },
        status=status,
    )


@login_required
def note_edit(request, pk):
    note = get_note_for_user(request.user, pk)
    if note.author_id != request.user.pk:
        raise Http404
    if note.is_locked():
        messages.error(request, _("The note is locked: add an addendum instead."))
        return redirect("records:note", pk=note.pk)
    form = NoteForm(request.POST or None, instance=note, people=Person.objects.none())
    if request.method == "GET":
        audit_log(
            actor=request.user,
            action="view",
            event="records.notes.viewed",
            family=note.family,
            detail={"note_id": note.pk, "page": "edit"},
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(
                actor=request.user,
                note=note,
                version=form.cleaned_data["version"] or note.version,
                occurred_at=form.cleaned_data["occurred_at"],
                kind=form.cleaned_data["kind"],
                heading=form.cleaned_data["heading"],
                text=form.cleaned_data["text"],
            )
        except services.RecordError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The note was saved."))
            return redirect("records:note", pk=note.pk)
    return render(
        request,
        "records/note_form.html",
        {"family": note.family, "form": form, "note": note, "nav_active": "families"},
    )


@login_required
@require_POST
def note_addendum(request, pk):
    note = get_note_for_user(request.user, pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.note_addendum_add(
                actor=request.user, note=note, text=form.cleaned_data["text"]
            )
        except services.RecordError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The addendum was saved."))
    else:
        messages.error(request, _("Write the addendum (at most 5,000 characters)."))
    return redirect("records:note", pk=note.pk)


@login_required
def document_list(request, family_pk):
    family = get_family_for_user(request.user, family_pk)
    scope = scope_for(request.user, family)
    may_write = bool(scope.people) or scope.may_write_whole_family
    note = None
    if request.method == "POST" and request.POST.get("note"):
        note = get_note_for_user(request.user, request.POST["note"])
        if note.family_id != family.pk:
            raise Http404
    form = DocumentForm(
        request.POST or None,
        request.FILES or None,
        people=_visible_people(scope),
        whole_family=scope.may_write_whole_family,
        for_note=note is not None,
    )
    if request.method == "POST":
        if not may_write:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                document = services.document_upload(
                    actor=request.user,
                    family=family,
                    scope=scope,
                    upload=data["file"],
                    title=data["title"],
                    date=data["date"],
                    kind=data["kind"],
                    person=data.get("person"),
                    note=note,
                    shareable_with_uu=data.get("shareable_with_uu", False),
                )
            except services.RecordError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request, _("The document “%(title)s” was attached.") % {"title": document.title}
                )
                if note is not None:
                    return redirect("records:note", pk=note.pk)
                return redirect("records:documents", family_pk=family.pk)
        if note is not None:
            return _render_note(request, note, document_form=form, status=400)
    documents = documents_visible(request.user, family, scope).select_related(
        "person", "note", "uploaded_by"
    )
    sorting = sort_order(
        request,
        {
            "title": "title",
            "date": "date",
            "kind": choice_order("kind", DocumentKind.choices, by_label=True),
        },
        "-date",
    )
    documents = documents.order_by(*sorting.ordering)
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_log(
        actor=request.user,
        action="view",
        event="records.notes.viewed",
        family=family,
        detail={"page": "documents"},
    )
    return render(
        request,
        "records/document_list.html",
        {
            "family": family,
            "page": page,
            "sorting": sorting,
            "form": form if may_write else None,
            "nav_active": "families",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def document_download(request, pk):
    document = get_document_for_user(request.user, pk)
    try:
        content = services.document_download(actor=request.user, document=document)
    except (InvalidToken, OSError):
        # A wrong key or a file missing from the store: a clear message, not a 500.
        messages.error(
            request,
            _("The document cannot be read (missing or wrong key). Tell the system administrator."),
        )
        return redirect("records:documents", family_pk=document.family_id)
    response = HttpResponse(content, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=document.file_name
    )
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "no-store"
    return response
