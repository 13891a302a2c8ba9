"""Capacity: how many the pilot has taken in against what the budget note planned (130
families with 260 parents, about 100 young people on the education effort), per cohort.

Counts only, aggregated in the database: three grouped queries whatever the pilot's size.
A family counts once it is enrolled (enrolled, active or completed: it used a place);
withdrawn families are shown apart. A person with several tracks over time counts once.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from bi18.rules import rule
from employment.models import EmploymentTrack
from families.models import Family, FamilyStatus
from youth.models import YouthTrack

TAKEN = (FamilyStatus.ENROLLED, FamilyStatus.ACTIVE, FamilyStatus.COMPLETED)


@dataclass
class CohortRow:
    cohort: str
    families: int = 0
    in_effort: int = 0  # enrolled or active now
    completed: int = 0
    withdrawn: int = 0
    parents: int = 0
    young_people: int = 0


@dataclass
class Capacity:
    rows: list[CohortRow]
    total: CohortRow
    planned: dict[str, int] = field(default_factory=dict)

    def share(self, name: str) -> float | None:
        planned = self.planned.get(name)
        return getattr(self.total, name) / planned if planned else None

    @property
    def families_share(self):
        return self.share("families")

    @property
    def parents_share(self):
        return self.share("parents")

    @property
    def young_people_share(self):
        return self.share("young_people")


def capacity() -> Capacity:
    rows: dict[str, CohortRow] = {}

    def row(cohort: str) -> CohortRow:
        return rows.setdefault(cohort or "", CohortRow(cohort or ""))

    for r in (
        Family.objects.order_by()
        .values("cohort")
        .annotate(
            families=Count("pk", filter=Q(status__in=TAKEN)),
            in_effort=Count(
                "pk", filter=Q(status__in=(FamilyStatus.ENROLLED, FamilyStatus.ACTIVE))
            ),
            completed=Count("pk", filter=Q(status=FamilyStatus.COMPLETED)),
            withdrawn=Count("pk", filter=Q(status=FamilyStatus.WITHDRAWN)),
        )
    ):
        target = row(r["cohort"])
        for name in ("families", "in_effort", "completed", "withdrawn"):
            setattr(target, name, r[name])
    for r in (
        EmploymentTrack.objects.filter(person__family__status__in=TAKEN)
        .order_by()
        .values(cohort=F("person__family__cohort"))
        .annotate(n=Count("person", distinct=True))
    ):
        row(r["cohort"]).parents = r["n"]
    for r in (
        YouthTrack.objects.filter(education_effort=True, person__family__status__in=TAKEN)
        .order_by()
        .values(cohort=F("person__family__cohort"))
        .annotate(n=Count("person", distinct=True))
    ):
        row(r["cohort"]).young_people = r["n"]
    ordered = [rows[k] for k in sorted(rows, key=lambda c: (c == "", c))]
    ordered = [r for r in ordered if r.families or r.withdrawn or r.parents or r.young_people]
    total = CohortRow("")
    for r in ordered:
        for name in ("families", "in_effort", "completed", "withdrawn", "parents", "young_people"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    planned = {
        "families": int(rule("planned_families")),
        "parents": int(rule("planned_parents")),
        "young_people": int(rule("planned_young_people")),
    }
    return Capacity(rows=ordered, total=total, planned=planned)
