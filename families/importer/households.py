"""The household rules, and the plan of what an import writes.

* A CPR number that occurs more than once in the file rejects every such row.
* If any row of a household is rejected, the whole household is left out and its
  other rows are reported as rejected too.
* A parent already in another special employment effort is reported as excluded and
  not stored at all (data minimisation); if that leaves a household without a parent,
  its children are excluded as well.

Planning reads the database (in chunks) and writes nothing: a dry run and the real run
compute the same plan, and so the same report.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from bi18.accounts.roles import Role
from families.cpr import Cpr
from families.importer.rows import Row
from families.models import Family, NetworkMember, Person, PersonRole
from families.staffing.models import AccessGrant, GrantKind

TARGET_GROUP_SOURCE = "Registerudtræk (import)"
# Bulk lookups are chunked: SQLite allows at most 999 parameters per query.
_CHUNK = 900


@dataclass
class ImportReport:
    families_created: int = 0
    families_updated: int = 0
    people_created: int = 0
    people_updated: int = 0
    excluded: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    # Families given a coordinator (awaiting a second administrator), and families the
    # import leaves without one (neither a coordinator column nor a default).
    coordinators_assigned: int = 0
    without_coordinator: int = 0
    # Not part of the serialised report.
    rows_read: int = field(default=0, compare=False)

    def as_dict(self) -> dict:
        return {
            "families_created": self.families_created,
            "families_updated": self.families_updated,
            "people_created": self.people_created,
            "people_updated": self.people_updated,
            "excluded": [dict(e) for e in self.excluded],
            "rejected": [dict(r) for r in self.rejected],
            "coordinators_assigned": self.coordinators_assigned,
            "without_coordinator": self.without_coordinator,
        }

    @property
    def rejected_rows(self) -> int:
        return len({r["row"] for r in self.rejected})


PERSON_FIELDS = (
    "role",
    "first_name",
    "last_name",
    "benefit_category",
    "benefit_since",
    "in_other_effort",
    "language",
    "interpreter_needed",
)
FAMILY_FIELDS = ("district", "cohort", "preferred_language", "interpreter_needed")


@dataclass
class Plan:
    report: ImportReport
    new_families: list[Family] = field(default_factory=list)
    changed_families: list[tuple[Family, list[str]]] = field(default_factory=list)
    # A new person's family may be new too: the family is attached when writing.
    new_people: list[tuple[Person, Family, Cpr]] = field(default_factory=list)
    changed_people: list[tuple[Person, Family, list[str]]] = field(default_factory=list)
    # (family, user): the family caseworker who is to coordinate the family's group.
    coordinators: list[tuple[Family, Any]] = field(default_factory=list)


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def reject_households(rows: list[Row], report: ImportReport) -> dict[str, list[Row]]:
    """Reject rows, duplicate CPR numbers and whole households; return the clean households."""
    by_hash: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.cpr_hash:
            by_hash[row.cpr_hash].append(row)
    for same in by_hash.values():
        if len(same) > 1:
            numbers = ", ".join(str(r.row) for r in same)
            for row in same:
                row.errors.append(
                    (
                        "cpr",
                        _("The same CPR number appears in more than one row (rows %(rows)s).")
                        % {"rows": numbers},
                    )
                )

    households: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.household_id:
            households[row.household_id].append(row)

    for members in households.values():
        districts = {r.district for r in members if r.district}
        if len(districts) > 1:
            first = next(r.district for r in members if r.district)
            for row in members:
                if row.district and row.district != first:
                    row.errors.append(
                        ("district", _("The rows of this household name different districts."))
                    )
        if not any(r.role == PersonRole.PARENT for r in members) and all(r.role for r in members):
            members[0].errors.append(("role", _("The household has no parent row.")))

    clean: dict[str, list[Row]] = {}
    for row in rows:
        for field_name, message in row.errors:
            report.rejected.append({"row": row.row, "field": field_name, "message": message})
    for hid, members in households.items():
        bad = [r for r in members if r.errors]
        if not bad:
            clean[hid] = members
            continue
        sibling = _(
            "Another row of this household was rejected (row %(row)s), "
            "so the household is not imported."
        ) % {"row": bad[0].row}
        for row in members:
            if not row.errors:
                report.rejected.append(
                    {"row": row.row, "field": "household_id", "message": sibling}
                )
    report.rejected.sort(key=lambda r: r["row"])
    return clean


COORDINATOR_ROLE = Role.FAMILY_CASEWORKER


def check_coordinators(rows: list[Row], *, actor=None) -> dict[str, Any]:
    """The coordinator column: each user name must be an active family caseworker's
    (never the importing administrator: four eyes), one per household. Adds row errors;
    returns {user name: user}. One query per 900 names."""
    from django.contrib.auth import get_user_model

    names = sorted({r.coordinator for r in rows if r.coordinator})
    users: dict[str, Any] = {}
    for chunk in _chunks(names):
        users.update(
            (u.username, u)
            for u in get_user_model().objects.filter(
                username__in=chunk, is_active=True, groups__name=COORDINATOR_ROLE
            )
        )
    named: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if not row.coordinator:
            continue
        user = users.get(row.coordinator)
        if user is None:
            row.errors.append(("coordinator", _("No active family caseworker has this user name.")))
        elif actor is not None and user.pk == actor.pk:
            row.errors.append(
                ("coordinator", _("You cannot make yourself coordinator (four eyes)."))
            )
        if row.household_id:
            named[row.household_id].add(row.coordinator)
    for row in rows:
        if len(named.get(row.household_id, ())) > 1:
            row.errors.append(
                ("coordinator", _("The rows of this household name different coordinators."))
            )
    return users


def _coordinated_family_ids(families: list[Family]) -> set[int]:
    """Of these existing families, those that have a coordinator or a coordinator awaiting
    approval already: an import never adds a second one (and re-importing adds none)."""
    ids = [f.pk for f in families if f.pk]
    covered: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        covered |= set(
            NetworkMember.objects.filter(family_id__in=chunk, is_coordinator=True).values_list(
                "family_id", flat=True
            )
        )
        covered |= set(
            AccessGrant.objects.pending()
            .filter(family_id__in=chunk, kind=GrantKind.MEMBERSHIP, is_coordinator=True)
            .values_list("family_id", flat=True)
        )
    return covered


def plan_import(
    rows: list[Row],
    *,
    cohort: str,
    today: datetime.date,
    default_coordinator=None,
    actor=None,
) -> Plan:
    report = ImportReport(rows_read=len(rows))
    plan = Plan(report=report)
    coordinators = check_coordinators(rows, actor=actor)
    households = reject_households(rows, report)

    enrolled: dict[str, list[Row]] = {}
    for hid, members in households.items():
        parents = [r for r in members if r.role == PersonRole.PARENT]
        for row in parents:
            if row.in_other_effort:
                reason = _(
                    "The parent is already in another special employment effort "
                    "and is not enrolled."
                )
                report.excluded.append({"row": row.row, "reason": reason})
        if all(r.in_other_effort for r in parents):
            reason = _(
                "No parent of this household can be enrolled, so the household is not imported."
            )
            for row in members:
                if row.role == PersonRole.CHILD:
                    report.excluded.append({"row": row.row, "reason": reason})
            continue
        enrolled[hid] = [
            r for r in members if not (r.role == PersonRole.PARENT and r.in_other_effort)
        ]
    report.excluded.sort(key=lambda e: e["row"])

    ids = list(enrolled)
    families: dict[str, Family] = {}
    for chunk in _chunks(ids):
        families.update((f.household_id, f) for f in Family.objects.filter(household_id__in=chunk))
    hashes = [r.cpr_hash for members in enrolled.values() for r in members]
    people: dict[str, Person] = {}
    for chunk in _chunks(hashes):
        people.update((p.cpr_hash, p) for p in Person.objects.filter(cpr_hash__in=chunk))

    for hid, members in enrolled.items():
        parents = [r for r in members if r.role == PersonRole.PARENT]
        wanted = {
            "district": members[0].district,
            "preferred_language": next((r.language for r in parents if r.language), ""),
            "interpreter_needed": any(r.interpreter_needed for r in parents),
        }
        family = families.get(hid)
        if family is None:
            family = Family(
                household_id=hid,
                cohort=cohort,
                target_group_source=TARGET_GROUP_SOURCE,
                target_group_date=today,
                **wanted,
            )
            families[hid] = family
            plan.new_families.append(family)
            report.families_created += 1
        else:
            if cohort:
                wanted["cohort"] = cohort
            changed = [name for name, value in wanted.items() if getattr(family, name) != value]
            if changed:
                for name in changed:
                    setattr(family, name, wanted[name])
                family.target_group_source = TARGET_GROUP_SOURCE
                family.target_group_date = today
                plan.changed_families.append((family, changed))
                report.families_updated += 1

        named = next((r.coordinator for r in members if r.coordinator), "")
        plan.coordinators.append((family, coordinators.get(named) or default_coordinator))

        for row in members:
            data = {name: getattr(row, name) for name in PERSON_FIELDS}
            person = people.get(row.cpr_hash)
            if person is None:
                # Encrypted only when written: a dry run need not pay for it.
                person = Person(cpr_hash=row.cpr_hash, date_of_birth=row.cpr.birth_date, **data)
                plan.new_people.append((person, family, row.cpr))
                report.people_created += 1
                continue
            changed = [name for name, value in data.items() if getattr(person, name) != value]
            if person.family_id is None or family.pk != person.family_id:
                changed.append("family")
            if person.date_of_birth != row.cpr.birth_date:
                data["date_of_birth"] = row.cpr.birth_date
                changed.append("date_of_birth")
            if changed:
                for name, value in data.items():
                    setattr(person, name, value)
                plan.changed_people.append((person, family, changed))
                report.people_updated += 1

    covered = _coordinated_family_ids([f for f, _u in plan.coordinators])
    wanted = []
    for family, user in plan.coordinators:
        if family.pk in covered:
            continue
        if user is None:
            report.without_coordinator += 1
        else:
            wanted.append((family, user))
    plan.coordinators = wanted
    report.coordinators_assigned = len(wanted)
    return plan
