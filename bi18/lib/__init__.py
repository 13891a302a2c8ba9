"""Building blocks every app uses, like healthchecks' ``hc/lib``.

errors (ServiceError, ConflictError), versioning (optimistic locking, the Versioned base
model, the views' save_or_conflict), dates (the one set of input formats, calendar-month
arithmetic), csvfile (reading an uploaded CSV file), cpr (the CPR number patterns).

This package imports Django and nothing of the project: every app may import it.
"""
