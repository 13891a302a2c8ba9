"""The two errors services raise to views, forms, tasks and commands."""


class ServiceError(Exception):
    """A rule was broken; the message is translated and fit for the user."""


class ConflictError(Exception):
    """Someone else saved the object since it was loaded (optimistic locking)."""
