import datetime

from django import template
from django.utils.formats import date_format

from bi18.lib.forms import select_options
from networkgroup.selectors import AREA_LABELS, FIELD_LABELS, STATUS_LABELS

register = template.Library()

_DATE_FIELDS = {"deadline", "review_date", "last_reviewed_on"}


@register.simple_tag
def history_value(change, which: str) -> str:
    """A history value as the user reads it: labels for codes, local dates."""
    value = getattr(change, which)
    if not value:
        return "–"
    if change.field == "area":
        return str(AREA_LABELS.get(value, value))
    if change.field == "status":
        return str(STATUS_LABELS.get(value, value))
    if change.field in _DATE_FIELDS:
        try:
            return date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except ValueError:
            return value
    return value


@register.filter
def sentence(event) -> str:
    """A history event as one sentence (networkgroup.history)."""
    from networkgroup.history import sentence as _sentence

    return _sentence(event)


@register.filter
def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


@register.filter
def status_badge(status: str) -> str:
    return {
        "planned": "text-bg-light border",
        "in_progress": "text-bg-info",
        "done": "text-bg-success",
        "dropped": "text-bg-secondary",
    }.get(status, "text-bg-light")


@register.filter
def options(bound_field) -> list[tuple[str, str, bool]]:
    """A select's options for plain markup: (value, label, chosen) (bi18.lib.forms)."""
    return select_options(bound_field)
