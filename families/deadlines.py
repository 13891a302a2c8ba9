"""The deadline engine: every due and overdue item for a user, derived from the data.

Nothing is stored: each app registers a DeadlineKind (families.registry) whose
collector derives its items with a fixed number of queries. "Mit arbejde" and the
daily digest both read from here.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from families.registry import Deadline, deadline_kinds

DEFAULT_HORIZON_DAYS = 14


@dataclass(frozen=True)
class WorkList:
    today: datetime.date
    overdue: list[Deadline]
    upcoming: list[Deadline]

    def __bool__(self) -> bool:
        return bool(self.overdue or self.upcoming)


def items_for(user, today: datetime.date | None = None, horizon_days: int = DEFAULT_HORIZON_DAYS) -> WorkList:
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=horizon_days)
    items: list[Deadline] = []
    for kind in deadline_kinds():
        items.extend(kind.collect(user, today, until))
    items.sort(key=lambda d: (d.due, d.family_case_number, d.kind))
    return WorkList(
        today=today,
        overdue=[d for d in items if d.is_overdue(today)],
        upcoming=[d for d in items if not d.is_overdue(today) and d.due <= until],
    )
