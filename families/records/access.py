"""Who sees which note and document (SPEC §10, issue 13 §1): the person rule.

A note or document about people is shown to a user who may see *every* one of them
(a note about a mother and her son is not shown to the son's UU counsellor). One about
the whole family is shown to the network group's members, and to youth counsellors
(UU, retention) only when marked shareable with UU; a job mentor sees only items about
the parent they mentor. Writing follows seeing.

Which people a user may see is the one person rule, families.scope.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from bi18.accounts.roles import CASEWORKER_ROLES, Role
from bi18.lib.prepared import fixed_instances
from families.access import BOTH, RecordPolicy
from families.models import Family, Person
from families.records.models import Document, Note
from families.scope import scope_for as person_scope_for

YOUTH_ROLES = (Role.YOUTH_GUIDANCE_COUNSELLOR, Role.RETENTION_COUNSELLOR)

# The record kind, registered with the one policy registry (families.access) so that the
# generated access tests cover it; the person rule itself is `scope_for` below.
JOURNAL = RecordPolicy(
    key="families.journal",
    label=_("Journal notes and documents"),
    view_roles=frozenset(CASEWORKER_ROLES),
    edit_roles=frozenset(CASEWORKER_ROLES),
    about=BOTH,
    whole_family=True,
)


@dataclass(frozen=True)
class Scope:
    """What one user may see of one family's notes and documents."""

    people: frozenset[int]  # ids of the family's people the user may see
    hidden: frozenset[int]  # ids of the family's people the user may not see
    whole_family: str  # "all", "shareable" or "none"

    @property
    def may_write_whole_family(self) -> bool:
        return self.whole_family == "all"


def scope_for(user, family: Family, visible_people=None) -> Scope:
    """At most two queries: the family's people (each checked against the user's scope,
    families.scope; none when the caller passes the people a full member may see) and the
    user's roles in its group (none when the caller prefetched `family.members`)."""
    people = Person.objects.filter(family=family)
    seen = person_scope_for(user)
    if visible_people is None:
        rows = list(people.values_list("pk", "role"))
        everyone = {pk for pk, _role in rows}
        visible = {pk for pk, role in rows if seen.sees(pk, family.pk, role)}
    else:
        visible = {p.pk for p in visible_people}
        # A full member sees every person of the family: nobody is hidden from them.
        everyone = (
            visible if seen.is_full_member(family.pk) else set(people.values_list("pk", flat=True))
        )
    # The family's members (a few rows), from the page's prefetch where it made one.
    roles = {m.group_role for m in family.members.all() if m.user_id == user.pk}
    if roles - set(YOUTH_ROLES) - {Role.JOB_MENTOR}:
        whole = "all"
    elif roles & set(YOUTH_ROLES) or (
        user.has_role(Role.YOUTH_GUIDANCE_COUNSELLOR) or user.has_role(Role.RETENTION_COUNSELLOR)
    ):
        whole = "shareable" if visible else "none"
    else:
        whole = "none"
    return Scope(frozenset(visible), frozenset(everyone - visible), whole)


def _rule(scope: Scope, people_relation) -> Q:
    """The person rule as a filter on Note or Document rows of one family."""
    about_someone, about_hidden = people_relation(scope)
    q = about_someone & ~about_hidden
    if scope.whole_family == "all":
        q |= ~about_someone
    elif scope.whole_family == "shareable":
        q |= ~about_someone & Q(shareable_with_uu=True)
    return q


def _note_people(scope: Scope):
    through = Note.people.through.objects.filter(note=OuterRef("pk"))
    return Exists(through), Exists(through.filter(person_id__in=scope.hidden))


def notes_visible(user, family: Family | int, scope: Scope | None = None):
    """The notes of `family` (or of the family with that id, given `scope`) the user may see."""
    scope = scope or scope_for(user, family)
    return Note.objects.filter(_rule(scope, _note_people), family=family)


def documents_visible(user, family: Family | int, scope: Scope | None = None):
    """A document attached to a note follows the note; else its person; else the family."""
    scope = scope or scope_for(user, family)
    notes = notes_visible(user, family, scope)
    own = Q(person__isnull=False) & ~Q(person_id__in=scope.hidden)
    if scope.whole_family == "all":
        own |= Q(person__isnull=True)
    elif scope.whole_family == "shareable":
        own |= Q(person__isnull=True, shareable_with_uu=True)
    return Document.objects.filter(family=family).filter(
        Q(note__isnull=False, note__in=notes) | Q(note__isnull=True) & own
    )


def scope_given(values, whole_family: str) -> Scope:
    """The person rule as a query built once per process (bi18.lib.prepared) sees it: the
    people hidden from the user as a value (`values["hidden"]`), what they see of records
    about the whole family as the query's shape."""
    return Scope(people=frozenset(), hidden=frozenset(values["hidden"]), whole_family=whole_family)


def meeting_documents(user, family: Family, meeting_id: int) -> list[Document]:
    """The documents of a meeting the user may see (documents_visible), by a query built
    once per process."""
    scope = scope_for(user, family)
    values = {"family": family.pk, "meeting": meeting_id, "hidden": sorted(scope.hidden)}
    whole = scope.whole_family
    return fixed_instances(
        ("records.meeting_documents", whole),
        lambda v: documents_visible(None, v["family"], scope_given(v, whole)).filter(
            meeting_id=v["meeting"]
        ),
        values,
    )


def get_note_for_user(user, pk) -> Note:
    from families.access import get_family_for_user

    try:
        family_id = Note.objects.values_list("family_id", flat=True).get(pk=pk)
    except (Note.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    family = get_family_for_user(user, family_id)
    try:
        return notes_visible(user, family).select_related("author", "family").get(pk=pk)
    except Note.DoesNotExist:
        raise Http404 from None


def get_document_for_user(user, pk) -> Document:
    from families.access import get_family_for_user

    try:
        family_id = Document.objects.values_list("family_id", flat=True).get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    family = get_family_for_user(user, family_id)
    try:
        return documents_visible(user, family).select_related("family").get(pk=pk)
    except Document.DoesNotExist:
        raise Http404 from None
