"""Building blocks every app uses (STYLE.md), like healthchecks' ``hc/lib``.

errors (ServiceError, ConflictError), versioning (optimistic locking), dates (the one set
of input formats), csvfile (reading an uploaded CSV file), cpr (the CPR number patterns),
pickers (type-ahead choice fields over growing tables), textlimits (the maximum
lengths of free text), pdf (HTML to PDF within a time limit), sorting (sortable list
columns from a whitelist, and their header cell).

This package imports Django and nothing of the project's apps: every app may import it.
"""
