"""The retention rule (issue 13 §4): a family's case data is kept RETENTION_YEARS after
its effort ended (status completed or withdrawn), then erased after an administrator's
review unless a legal hold stops it. The years come from the environment (README)."""

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import DateTimeField, Max, Q
from django.db.models.functions import TruncDate

from families.models import Family, FamilyStatus

ENDED = (FamilyStatus.COMPLETED, FamilyStatus.WITHDRAWN)


def retention_years() -> int:
    return int(settings.RETENTION_YEARS)


def erasure_due(ended_on: datetime.date) -> datetime.date:
    """The first day a family whose effort ended on `ended_on` may be erased."""
    return ended_on + relativedelta(years=retention_years())


def last_end_on_or_before(day: datetime.date) -> datetime.date:
    """Efforts that ended on or before this date are past retention on `day`."""
    return day - relativedelta(years=retention_years())


def families_with_end_date():
    """Ended families annotated with `ended_on`: the day of the last change to
    completed or withdrawn (the family's status history)."""
    return (
        Family.objects.filter(status__in=ENDED)
        .annotate(
            ended_at=Max(
                "status_changes__changed_at",
                filter=Q(status_changes__to_status__in=ENDED),
                output_field=DateTimeField(),
            )
        )
        .annotate(ended_on=TruncDate("ended_at"))
        .filter(ended_at__isnull=False)
    )


def families_past_retention(day: datetime.date):
    """Ended families past retention on `day`, not yet erased (the erasure record)."""
    return families_with_end_date().filter(
        ended_on__lte=last_end_on_or_before(day), erasure__isnull=True
    )
