"""Reads for the family list and the family page, each in a fixed number of queries.

Scoping is `Family.objects.visible_to` / `Person.objects.visible_to` (families.scope, the
one access rule); a single family comes from families.access.get_family_for_user.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.expressions import Combinable
from django.utils.functional import SimpleLazyObject

from bi18.lib.prepared import fixed_instances, fixed_values, store_prefetched
from families.models import Family, FamilyStatusChange, NetworkMember, Person, PersonRole
from families.scope import Scope, scope_for


def search_families(
    queryset: QuerySet[Family], search: dict, *, people: QuerySet[Person] | None = None
) -> QuerySet[Family]:
    """A saved search (families.views._search_to_save): exact CPR by keyed hash, or a case
    number or name. With `people` (the people the user may see), a CPR number or a name
    matches only those: a job mentor finding a family by the other parent's name would
    learn that that person is in it."""
    person_q = Q() if people is None else Q(people__in=people)
    if "cpr_hash" in search:
        if not search["cpr_hash"]:
            return queryset.none()
        return queryset.filter(person_q, people__cpr_hash=search["cpr_hash"]).distinct()
    q = search.get("q", "").strip()
    if not q:
        return queryset
    name_q = person_q
    for word in q.split():
        name_q &= Q(people__first_name__icontains=word) | Q(people__last_name__icontains=word)
    return queryset.filter(Q(case_number__iexact=q) | name_q).distinct()


def person_search(search: dict, people: QuerySet[Person]) -> QuerySet[Person] | None:
    """The people a saved search found (to say on the results which person matched), or
    None when the search is not for a person (a case number, or no search)."""
    if "cpr_hash" in search:
        return people.filter(cpr_hash=search["cpr_hash"]) if search["cpr_hash"] else None
    words = search.get("q", "").split()
    if not words:
        return None
    for word in words:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return people


# What a row of the family list shows (and its audit row names): the rest of a family's
# columns (notes, consent, timestamps) are neither read nor converted.
FAMILY_LIST_FIELDS = ("id", "case_number", "district", "status", "cohort")


def family_list(
    *,
    user,
    search: dict,
    ordering: Sequence[str | Combinable],
    district: str = "",
    status: str = "",
) -> QuerySet[Family]:
    """The families `user` may see, filtered by district and status and found by a saved
    search, in `ordering`; only the columns a row shows (family_list_people() adds the
    people of the page's rows)."""
    families = Family.objects.visible_to(user)
    if district:
        families = families.filter(district=district)
    if status:
        families = families.filter(status=status)
    # Only the people the user may see: a job mentor sees the parent they mentor, not
    # the other parent; a youth guidance counsellor sees no parent at all.
    families = search_families(families, search, people=Person.objects.visible_to(user))
    return families.order_by(*ordering).only(*FAMILY_LIST_FIELDS)


@dataclass(frozen=True)
class ListedPerson:
    """A person named on a row of the family list."""

    name: str
    role: str

    @property
    def role_label(self):
        return PersonRole(self.role).label


def family_list_people(families: Sequence[Family], *, user, search: dict) -> list[Family]:
    """The families of one page of family_list(), each with its visible parents as
    `parents` (by id) and `parent_names` (their names joined, "–" for none), and, for a
    search for a person, the visible people it matched as `matched` (by id; None for any
    other search).

    Read as rows, one query for the parents and one for the matches, instead of
    prefetch_related(), which built a queryset per family of the page. The rows are of the
    page's families only and are kept if the user's scope sees them (Scope.sees, the
    Python side of Person.objects.visible_to): the parents' query is then the same
    for every page (built once, prepared), and the matches' carries the page's 25
    family ids, not the user's families as well (under the driver's 50-parameter cache)."""
    families = list(families)
    scope = scope_for(user)
    ids = [f.pk for f in families]
    parents = _people_by_family(_parent_rows(ids), scope)
    matched = person_search(search, Person.objects.filter(family_id__in=ids).order_by("id"))
    matches = None if matched is None else _people_by_family(_person_rows(matched), scope)
    for family in families:  # for the page
        mine = parents.get(family.pk, [])
        family.parents = mine  # type: ignore[attr-defined]
        family.parent_names = ", ".join(p.name for p in mine) or "–"  # type: ignore[attr-defined]
        family.matched = None if matches is None else matches.get(family.pk, [])  # type: ignore[attr-defined]
    return families


def _people_by_family(rows, scope) -> dict[int, list[ListedPerson]]:
    found: dict[int, list[ListedPerson]] = {}
    for row in rows:
        if scope.sees(row["id"], row["family_id"], row["role"]):
            found.setdefault(row["family_id"], []).append(
                ListedPerson(Person.name_of(row["first_name"], row["last_name"]), row["role"])
            )
    return found


_LISTED = ("id", "family_id", "role", "first_name", "last_name")


def _person_rows(people: QuerySet[Person]):
    return people.values(*_LISTED)


def _parent_rows(family_ids: list[int]) -> list[dict]:
    """The parents of these families (_LISTED), by id: one query, built once per process
    (bi18.lib.prepared.fixed_values), the ids as one array parameter."""
    return fixed_values("families.list_parents", _list_parents, {"families": family_ids})


def _list_parents(v):
    parents = Person.objects.filter(family_id__in=v["families"], role=PersonRole.PARENT)
    return _person_rows(parents.order_by("id"))


def family_people(*, user, family: Family) -> list[Person]:
    """The people of a family this user may see: all for a member, else only those assigned
    (Person.objects.visible_to). One query, built once per process
    (bi18.lib.prepared.fixed_instances)."""
    values = {"family": family.pk, **scope_for(user).within(family.pk).as_values()}
    return fixed_instances("families.family_people", _family_people, values)


def prefetch_members(family: Family) -> None:
    """The family's network-group members with their users, stored on `family` as
    prefetch_related("members") stores them (what a page reads of `family.members` reuses
    them): one query, built once per process (bi18.lib.prepared)."""
    members = fixed_instances("families.members", _members, {"family": family.pk})
    store_prefetched([family], "members", members, by="family_id")


def _members(v):
    return NetworkMember.objects.filter(family_id=v["family"]).select_related("user")


def _family_people(v):
    return Person.objects.filter(Scope.given(v).person_q(), family_id=v["family"]).order_by(
        "role", "date_of_birth", "id"
    )


@dataclass
class FamilyDetail:
    """What the family page reads about a family the user may see."""

    people: list[Person]
    members: list[NetworkMember]
    # Latest first; lazy, so read only if the page shows them. Empty for a non-member.
    status_changes: Iterable[FamilyStatusChange]
    sees_everyone: bool
    is_member: bool
    is_coordinator: bool

    @property
    def parents(self) -> list[Person]:
        return [p for p in self.people if p.role == PersonRole.PARENT]

    @property
    def children(self) -> list[Person]:
        return [p for p in self.people if p.role == PersonRole.CHILD]


def family_detail(*, user, family: Family, status_changes: int = 10) -> FamilyDetail:
    """The family page's reads, for a family got through families.access."""
    scope = scope_for(user)
    is_member = scope.is_member(family.pk)
    # Onto the family, so that the panels reading `family.members` (consent, records) reuse it.
    prefetch_members(family)
    return FamilyDetail(
        people=family_people(user=user, family=family),
        members=list(family.members.all()),
        # Status reasons are free text about the whole family: members only.
        status_changes=(
            SimpleLazyObject(
                lambda: fixed_instances(
                    ("families.status_changes", status_changes),
                    lambda v: FamilyStatusChange.objects.filter(
                        family_id=v["family"]
                    ).select_related("changed_by")[:status_changes],
                    {"family": family.pk},
                )
            )
            if is_member
            else []
        ),
        # A mentor (assigned to one parent) or a youth counsellor (the young people only)
        # sees part of the family: an empty section would wrongly say "none registered".
        sees_everyone=scope.is_full_member(family.pk),
        is_member=is_member,
        is_coordinator=scope.is_coordinator(family.pk),
    )
