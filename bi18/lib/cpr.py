"""The CPR number pattern, written once: DDMMYY-SSSS, the dash or a space optional.

families.cpr validates and protects CPR numbers; this module only recognises them, so
that the lowest layers (the audit log, the log-in signals) can refuse one in free text.
"""

import re

# The groups: day, month, two-digit year, serial number.
CPR_PATTERN = r"(\d{2})(\d{2})(\d{2})[\s-]?(\d{4})"
CPR_EXACT = re.compile(rf"^\s*{CPR_PATTERN}\s*$")
CPR_IN_TEXT = re.compile(rf"(?<!\d){CPR_PATTERN}(?!\d)")


def looks_like_cpr(text: str) -> bool:
    """The whole text is a CPR number (valid or not)."""
    return bool(CPR_EXACT.match(text or ""))


def contains_cpr(text: str) -> bool:
    """A CPR number appears anywhere in the text."""
    return bool(CPR_IN_TEXT.search(text or ""))
