"""Kept for the migrations and callers that import from here; the rule lives in bi18.lib.cvr."""

from bi18.lib.cvr import _WEIGHTS, normalize_cvr, validate_cvr

__all__ = ["_WEIGHTS", "normalize_cvr", "validate_cvr"]
