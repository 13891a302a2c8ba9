"""Apps that record who is responsible for a person (employment: the job mentor;
youth: the retention and guidance counsellors) register how their records follow
when an assignment is handed over to a colleague (families.staffing.services)."""

from collections.abc import Callable
from typing import Any

from bi18.lib.registry import register_once

# hook(*, old: PersonAssignment, new: PersonAssignment, actor) -> None, in the
# handover's transaction; `old` still exists when it is called.
AssignmentHandoverHook = Callable[..., Any]

_hooks: dict[str, dict[str, AssignmentHandoverHook]] = {}


def register_assignment_handover(key: str, role: str, hook: AssignmentHandoverHook) -> None:
    register_once(_hooks.setdefault(str(role), {}), key, hook, "Assignment handover hook")


def assignment_handover_hooks(role: str) -> list[AssignmentHandoverHook]:
    return list(_hooks.get(str(role), {}).values())
