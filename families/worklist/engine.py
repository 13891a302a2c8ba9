"""The deadline engine: every due and overdue item for a user, derived from the data.

Nothing is stored: each app registers a DeadlineKind (families.worklist.registry) whose
collector derives its items with a fixed number of queries. "Mit arbejde" and the
daily digest both read from here.

Who gets an item is decided by each kind's collector, always within what the user
may see (Family/Person.objects.visible_to). The employment kinds, for example, go
to the consultant responsible for the track (company consultant: week 6, week 13,
gaps, caps; employment consultant: job interviews; job mentor: their own mentor
periods) and to the family caseworker who coordinates the family's network group,
who is accountable for the joint plan and so sees all of the family's items.

Besides deadlines, apps register forecasts (a DeadlineKind with forecast=True): people at
risk of missing a target clock unless something happens (e.g. week 6 / month 6 of the
employment track).
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from bi18.rules import rule
from families.worklist.registry import Deadline, deadline_kinds, forecast_kinds, one_collection


def audit_detail(work) -> dict:
    """What "Mit arbejde" showed, for the audit log: case numbers and person ids, no names."""
    items = work.overdue + work.upcoming + work.at_risk
    return {
        "case_numbers": sorted({d.family_case_number for d in items if d.family_case_number}),
        "person_ids": sorted({d.extra["person_id"] for d in items if d.extra.get("person_id")}),
        "items": len(items),
    }


# --- The work list ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineGroup:
    key: str
    label: str
    items: list[Deadline]


def _group(items: list[Deadline], labels: dict[str, str]) -> list[DeadlineGroup]:
    groups: dict[str, list[Deadline]] = {}
    for item in items:
        groups.setdefault(item.kind, []).append(item)
    order = list(labels)
    return [
        DeadlineGroup(key, labels.get(key, key), rows)
        for key, rows in sorted(
            groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
        )
    ]


@dataclass(frozen=True)
class WorkList:
    today: datetime.date
    overdue: list[Deadline]
    upcoming: list[Deadline]
    at_risk: list[Deadline] = field(default_factory=list)
    horizon_days: int = 14

    def __bool__(self) -> bool:
        # The daily digest and the "nothing to do" state look at deadlines only.
        return bool(self.overdue or self.upcoming)

    @property
    def overdue_groups(self) -> list[DeadlineGroup]:
        return _group(self.overdue, {k.key: k.label for k in deadline_kinds()})

    @property
    def upcoming_groups(self) -> list[DeadlineGroup]:
        return _group(self.upcoming, {k.key: k.label for k in deadline_kinds()})

    @property
    def at_risk_groups(self) -> list[DeadlineGroup]:
        return _group(self.at_risk, {k.key: k.label for k in forecast_kinds()})


def default_horizon_days() -> int:
    return int(rule("work_horizon_days"))


def items_for(
    user,
    today: datetime.date | None = None,
    horizon_days: int | None = None,
    *,
    with_forecast: bool = False,
    with_deadlines: bool = True,
    family_id: int | None = None,
) -> WorkList:
    """The user's overdue items and those due within `horizon_days` (default: the
    `work_horizon_days` rule), each kind in a fixed number of queries; with `family_id`,
    only that family's. `with_deadlines=False`: the forecasts only."""
    today = today or timezone.localdate()
    horizon_days = default_horizon_days() if horizon_days is None else horizon_days
    until = today + datetime.timedelta(days=horizon_days)
    items: list[Deadline] = []
    at_risk: list[Deadline] = []
    kinds = (deadline_kinds() if with_deadlines else []) + (
        forecast_kinds() if with_forecast else []
    )
    with one_collection(kind.key for kind in kinds):
        for kind in kinds:
            (at_risk if kind.forecast else items).extend(
                kind.collect(user, today, until, family_id)
            )
    # The item's key last: two items alike in the rest (two exams of one person on one day)
    # keep one order from one request to the next, whatever order the database read them in.
    items.sort(key=lambda d: (d.due, d.family_case_number, d.kind, d.person_name, d.key))
    at_risk.sort(key=lambda d: (d.due, d.family_case_number, d.kind, d.person_name, d.key))
    return WorkList(
        today=today,
        overdue=[d for d in items if d.is_overdue(today)],
        upcoming=[d for d in items if not d.is_overdue(today) and d.due <= until],
        at_risk=at_risk,
        horizon_days=horizon_days,
    )
