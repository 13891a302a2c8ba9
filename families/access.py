"""The one access rule for case data. Every view of personal data goes through here.

Two questions, answered in one place each:
* Which families and people may this user see?  `families.scope` (the user's scope).
* Which kinds of record about those people may their role see and write?  A `RecordPolicy`
  per record kind, declared once in its app's `access.py` and registered here from the app's
  `AppConfig.ready()` (SPEC §10: "the rule is declared once per app"). The access tests are
  generated from the registered policies.

Outsiders get 404, never 403, so that a family's existence does not leak (SPEC §2). A user
who may see a record but not write it gets 403 on the write.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404

from bi18.accounts.roles import CASEWORKER_ROLES, Role
from bi18.lib.prepared import fixed_instances
from bi18.lib.registry import register_once
from families.models import Family, Person, PersonRole
from families.scope import YOUTH_GROUP_ROLES, scope_for

BOTH = frozenset({PersonRole.PARENT, PersonRole.CHILD})
PARENTS = frozenset({PersonRole.PARENT})
CHILDREN = frozenset({PersonRole.CHILD})


def has_any_role(user, roles: Iterable[str]) -> bool:
    return bool(user and user.is_authenticated) and any(user.has_role(r) for r in roles)


@dataclass(frozen=True)
class RecordPolicy:
    """Who may see and write one kind of record about a person or the whole family.

    * `view_roles` / `edit_roles`: the roles that may see / write this kind at all;
    * `about`: the kinds of person a record can be about (parents, children or both);
    * `whole_family`: records may also be about the whole family (shown to members only);
    * `members_only`: only network-group members, never someone assigned to one person
      (a job mentor does not see the plan, SPEC §10).
    Which people a user may see comes from their scope; the policy never widens it.
    """

    key: str
    label: str
    view_roles: frozenset[str]
    edit_roles: frozenset[str]
    about: frozenset[str] = BOTH
    whole_family: bool = False
    members_only: bool = False

    # --- role --------------------------------------------------------------------------

    def may_view(self, user) -> bool:
        return has_any_role(user, self.view_roles) and user.has_perm("accounts.access_case_data")

    def may_edit(self, user) -> bool:
        return self.may_view(user) and has_any_role(user, self.edit_roles)

    # --- one family or person ----------------------------------------------------------

    def may_view_family(self, user, family_id) -> bool:
        if not self.may_view(user):
            return False
        scope = scope_for(user)
        return scope.is_member(family_id) if self.members_only else scope.sees_family(family_id)

    def may_view_person(self, user, person) -> bool:
        if not self.may_view(user) or person.role not in self.about:
            return False
        scope = scope_for(user)
        if self.members_only and not scope.is_member(person.family_id):
            return False
        return scope.sees_person(person)

    def may_edit_person(self, user, person) -> bool:
        return self.may_edit(user) and self.may_view_person(user, person)

    def may_view_about(self, user, person, family_id) -> bool:
        """A record about `person`, or about the whole family when `person` is None."""
        if person is None:
            return (
                self.whole_family and self.may_view(user) and scope_for(user).is_member(family_id)
            )
        return self.may_view_person(user, person)

    def may_edit_about(self, user, person, family_id) -> bool:
        return self.may_edit(user) and self.may_view_about(user, person, family_id)

    def audience_key(self, user, family_id):
        """Users with equal keys see exactly the same records of this kind in this family
        (the rule of `q`, from the scope): one rendering serves them all (live pushes,
        networkgroup.live). None: this user sees none of them."""
        if not self.may_view(user):
            return None
        scope = scope_for(user)
        member = scope.is_member(family_id)
        if self.members_only and not member:
            return None
        if scope.is_full_member(family_id):
            return (self.key, family_id, "full")
        return (
            self.key,
            family_id,
            member,
            family_id in scope.youth_families,
            scope.assigned_people,
        )

    # --- querysets ---------------------------------------------------------------------

    def people(self, user, *, family=None, edit: bool = False):
        """The people this user may see (or, with `edit`, write) records of this kind
        about: the "For" choices of a form."""
        if not (self.may_edit(user) if edit else self.may_view(user)):
            return Person.objects.none()
        scope = scope_for(user) if family is None else scope_for(user).within(family.pk)
        qs = Person.objects.filter(scope.person_q(), role__in=sorted(self.about))
        if self.members_only:
            qs = qs.filter(family_id__in=sorted(scope.member_families))
        if family is not None:
            qs = qs.filter(family=family)
        return qs.order_by("role", "date_of_birth", "id")

    def q(self, user, *, person: str, family: str, family_id=None) -> Q:
        """The records this user may see, as a filter; `person` and `family` are the lookup
        paths from a record to its person and to its family's id (e.g. "goal__person" and
        "plan__family_id" for a plan action). `family_id`: the records filtered are of that
        one family (the filter then names only it; see Scope.within)."""
        if not self.may_view(user):
            return Q(pk__in=[])
        scope = scope_for(user) if family_id is None else scope_for(user).within(family_id)
        return self.scope_q(scope, person=person, family=family)

    def scope_q(self, scope, *, person: str, family: str) -> Q:
        """`q` for a user with `scope` who may view this kind of record (the role checked by
        the caller): a query built once for every user (Scope.given)."""
        members = Q(**{f"{family}__in": sorted(scope.member_families)})
        visible = scope.person_q(prefix=f"{person}__") & Q(
            **{f"{person}__role__in": sorted(self.about)}
        )
        if self.whole_family:
            visible = (Q(**{f"{person}__isnull": True}) & members) | (
                Q(**{f"{person}__isnull": False}) & visible
            )
        if self.members_only:
            visible &= members
        return visible

    def filter(self, user, queryset, *, person: str, family: str, family_id=None):
        if not self.may_view(user):
            return queryset.none()
        return queryset.filter(self.q(user, person=person, family=family, family_id=family_id))

    # --- lookups that answer 404 / 403 ------------------------------------------------

    def get_person(self, user, pk) -> Person:
        """The person, if this user may see this kind of record about them; else 404."""
        person = get_person_for_user(user, pk)
        if not self.may_view_person(user, person):
            raise Http404
        return person

    def get_family(self, user, pk) -> Family:
        family = get_family_for_user(user, pk)
        if not self.may_view_family(user, family.pk):
            raise Http404
        return family

    def require_edit_person(self, user, person) -> None:
        # The user may see the person (checked before), so a refusal is 403, not 404.
        if not self.may_edit_person(user, person):
            raise PermissionDenied

    def require_edit_about(self, user, person, family_id) -> None:
        if not self.may_edit_about(user, person, family_id):
            raise PermissionDenied


_policies: dict[str, RecordPolicy] = {}


def register_policy(policy: RecordPolicy) -> None:
    register_once(_policies, policy.key, policy, "Access policy")


def policies() -> list[RecordPolicy]:
    return sorted(_policies.values(), key=lambda p: p.key)


def policy(key: str) -> RecordPolicy:
    return _policies[key]


def policy_table() -> str:
    """The registered policies as a Markdown table (docs/access.md holds it; a test keeps the
    two equal)."""
    from bi18.accounts.roles import Role as R

    def roles(rs) -> str:
        return ", ".join(str(r) for r in R.values if r in rs) or "–"

    about = {BOTH: "parents, children", PARENTS: "parents", CHILDREN: "children"}
    lines = [
        "| record kind | see | write | about | whole family | members only |",
        "|---|---|---|---|---|---|",
    ]
    for p in policies():
        lines.append(
            f"| `{p.key}` | {roles(p.view_roles)} | {roles(p.edit_roles)} | "
            f"{about.get(p.about, ', '.join(sorted(p.about)))} | "
            f"{'yes' if p.whole_family else 'no'} | {'yes' if p.members_only else 'no'} |"
        )
    return "\n".join(lines)


# --- The families app's own records -----------------------------------------------------

# The family record (status, notes, target group) and its people's personal data: every
# caseworker role sees what their scope allows; the group's full members write the family,
# and a member writes the people they may see (a youth counsellor: the young people).
PERSON = RecordPolicy(
    key="families.person",
    label="Person",
    view_roles=frozenset(CASEWORKER_ROLES),
    edit_roles=frozenset(CASEWORKER_ROLES) - {Role.JOB_MENTOR},
    about=BOTH,
    members_only=False,
)


def get_family_for_user(user, pk) -> Family:
    """The family, if it is in the user's scope (Family.objects.visible_to); else 404. One
    query, built once per process (bi18.lib.prepared.fixed_instances)."""
    try:
        pk = Family._meta.pk.to_python(pk)
    except ValidationError:
        raise Http404 from None
    if not scope_for(user).sees_family(pk):
        raise Http404
    found = fixed_instances("families.family", _family, {"family": pk})
    if not found:
        raise Http404
    return found[0]


def _family(v):
    return Family.objects.filter(pk=v["family"])


def get_person_for_user(user, pk) -> Person:
    try:
        return Person.objects.visible_to(user).select_related("family").get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_member(user, family: Family) -> bool:
    """In the family's network group (in any role)."""
    return scope_for(user).is_member(family.pk)


def is_full_member(user, family: Family) -> bool:
    """In the family's network group for every person (not in a youth role, not merely
    assigned to one person)."""
    return scope_for(user).is_full_member(family.pk)


def is_coordinator(user, family: Family) -> bool:
    return scope_for(user).is_coordinator(family.pk)


def require_full_member(user, family: Family) -> None:
    """The family record itself (its data, status, people) is written by full members.
    Someone who sees only part of the family gets 404, as for anything they cannot see."""
    if not is_full_member(user, family):
        raise Http404


__all__ = [
    "BOTH",
    "CHILDREN",
    "PARENTS",
    "PERSON",
    "YOUTH_GROUP_ROLES",
    "RecordPolicy",
    "get_family_for_user",
    "get_person_for_user",
    "has_any_role",
    "is_coordinator",
    "is_full_member",
    "is_member",
    "policies",
    "policy",
    "register_policy",
    "require_full_member",
    "scope_for",
]
