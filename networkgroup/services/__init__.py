"""Everything that writes the family plan and the meetings, by concern: `plan` (the plan,
its goals and actions), `meetings` (meetings, minutes, decisions), `history` (the plan's
history rows).

Each service is atomic and writes its audit row — and, for the plan, its history
rows — in the same transaction as the change. Memberships are written by
families.services only.
"""

from bi18.lib.errors import ConflictError, ServiceError
from networkgroup.rules import next_review_date
from networkgroup.services.common import PlanConflict
from networkgroup.services.meetings import (
    DecisionKind,
    MeetingData,
    check_interpreter,
    decision_record,
    meeting_add_addendum,
    meeting_approve_minutes,
    meeting_create,
    meeting_move_agenda,
    meeting_save_minutes,
    meeting_update,
)
from networkgroup.services.plan import (
    action_create,
    action_update,
    goal_create,
    goal_update,
    plan_mark_reviewed,
    plans_create,
)

__all__ = [
    "ConflictError",
    "DecisionKind",
    "MeetingData",
    "PlanConflict",
    "ServiceError",
    "action_create",
    "action_update",
    "check_interpreter",
    "decision_record",
    "goal_create",
    "goal_update",
    "meeting_add_addendum",
    "meeting_approve_minutes",
    "meeting_create",
    "meeting_move_agenda",
    "meeting_save_minutes",
    "meeting_update",
    "next_review_date",
    "plan_mark_reviewed",
    "plans_create",
]
