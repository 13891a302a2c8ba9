"""The network group's rules (SPEC §4)."""

import datetime

from bi18.lib.dates import add_months
from bi18.rules import rule


def next_review_date(last_review: datetime.date) -> datetime.date:
    """The plan's next review: one review interval (default 3 calendar months) later."""
    return add_months(last_review, int(rule("plan_review_interval_months")))
