"""The network group's rules (SPEC §4)."""

import datetime

from dateutil.relativedelta import relativedelta

from bi18.rules import rule


def next_review_date(last_review: datetime.date) -> datetime.date:
    return last_review + relativedelta(months=rule("plan_review_interval_months"))
