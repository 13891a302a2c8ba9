"""What the plan and meeting services share: the conflict that carries the saved version."""

from bi18.lib.errors import ConflictError


class PlanConflict(ConflictError):
    """A stale save: `current` is the object as the other person saved it."""

    def __init__(self, current):
        super().__init__()
        self.current = current
