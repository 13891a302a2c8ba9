"""How the plan's history reads: each event (one save) as one sentence, e.g.
"Mette Sørensen tilføjede handlingen 'Kontakt Netto' (frist 20.12.2026)" or
"Mette Sørensen ændrede fristen for 'Kontakt Netto' fra 12.01 til 19.01.2027".

Events written before there were events (migration 0006) read the same way: they carry
the same field rows. Values are kept as text (networkgroup.services.history.history_value):
choice codes, names, ISO dates.
"""

import datetime

from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from networkgroup.models import PlanEventVerb
from networkgroup.selectors import AREA_LABELS, FIELD_LABELS, STATUS_LABELS

DATE_FIELDS = {"deadline", "review_date", "last_reviewed_on"}
TEXT_SHOWN = 80


def _date(value: str, *, short: bool = False) -> str:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return value
    return day.strftime("%d.%m") if short else date_format(day, "d.m.Y")


def shown(field: str, value: str) -> str:
    """A stored value as the user reads it: labels for codes, local dates."""
    if not value:
        return "–"
    if field == "area":
        return str(AREA_LABELS.get(value, value))
    if field == "status":
        return str(STATUS_LABELS.get(value, value))
    if field in DATE_FIELDS:
        return _date(value)
    return value


def _dates(before: str, after: str) -> tuple[str, str]:
    """'12.01' and '19.01.2027' when both fall in one year, else both in full."""
    try:
        one, two = datetime.date.fromisoformat(before), datetime.date.fromisoformat(after)
    except ValueError:
        return shown("deadline", before), shown("deadline", after)
    if one.year == two.year:
        return _date(before, short=True), _date(after)
    return _date(before), _date(after)


def _quote(text: str) -> str:
    return Truncator(text).chars(TEXT_SHOWN) if text else _("(no text)")


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else "?"


def sentence(event) -> str:
    """The event as one sentence. `event.changes` should be prefetched; `event.actor`,
    `event.goal` and `event.action` selected."""
    changes = {c.field: c for c in sorted(event.changes.all(), key=lambda c: c.pk)}
    actor = _name(event.actor)
    if event.object_type == "plan":
        return _plan_sentence(actor, event, changes)
    if event.object_type == "goal":
        return _goal_sentence(actor, event, changes)
    return _action_sentence(actor, event, changes)


def _current(changes, field, fallback: str) -> str:
    change = changes.get(field)
    return change.after if change is not None and change.after else fallback


def _plan_sentence(actor, event, changes) -> str:
    review = changes.get("review_date")
    if event.verb == PlanEventVerb.REVIEWED and review is not None:
        return _("%(actor)s marked the plan as reviewed; next review %(date)s") % {
            "actor": actor,
            "date": shown("review_date", review.after),
        }
    return _("%(actor)s changed the plan: %(changes)s") % {
        "actor": actor,
        "changes": _fragments(changes),
    }


def _goal_sentence(actor, event, changes) -> str:
    text = _quote(_current(changes, "text", event.goal.text if event.goal else ""))
    if event.verb == PlanEventVerb.CREATED:
        person = changes.get("person")
        values = {
            "actor": actor,
            "text": text,
            "area": shown("area", changes["area"].after) if "area" in changes else "",
        }
        if person is not None and person.after:
            return _("%(actor)s added the goal '%(text)s' (%(area)s) for %(person)s") % {
                **values,
                "person": person.after,
            }
        return _("%(actor)s added the goal '%(text)s' (%(area)s) for the whole family") % values
    if len(changes) == 1:
        ((field, change),) = changes.items()
        if field == "text":
            return _("%(actor)s reworded the goal '%(before)s' to '%(after)s'") % {
                "actor": actor,
                "before": _quote(change.before),
                "after": _quote(change.after),
            }
        if field == "area":
            return _("%(actor)s moved the goal '%(text)s' from %(before)s to %(after)s") % {
                "actor": actor,
                "text": text,
                "before": shown("area", change.before),
                "after": shown("area", change.after),
            }
        if field == "person":
            return _(
                "%(actor)s changed whom the goal '%(text)s' is for from %(before)s to %(after)s"
            ) % {
                "actor": actor,
                "text": text,
                "before": change.before or _("the whole family"),
                "after": change.after or _("the whole family"),
            }
    return _("%(actor)s changed the goal '%(text)s': %(changes)s") % {
        "actor": actor,
        "text": text,
        "changes": _fragments(changes),
    }


def _action_sentence(actor, event, changes) -> str:
    what = _quote(_current(changes, "what", event.action.what if event.action else ""))
    if event.verb == PlanEventVerb.CREATED:
        details = []
        deadline = changes.get("deadline")
        if deadline is not None and deadline.after:
            details.append(_("deadline %(date)s") % {"date": shown("deadline", deadline.after)})
        responsible = changes.get("responsible")
        if responsible is not None and responsible.after and responsible.after != actor:
            details.append(_("responsible: %(name)s") % {"name": responsible.after})
        if details:
            return _("%(actor)s added the action '%(what)s' (%(details)s)") % {
                "actor": actor,
                "what": what,
                "details": ", ".join(details),
            }
        return _("%(actor)s added the action '%(what)s'") % {"actor": actor, "what": what}
    if len(changes) == 1:
        ((field, change),) = changes.items()
        values = {"actor": actor, "what": what}
        if field == "deadline":
            if not change.before:
                return _("%(actor)s set the deadline of '%(what)s' to %(date)s") % {
                    **values,
                    "date": shown("deadline", change.after),
                }
            if not change.after:
                return _("%(actor)s removed the deadline of '%(what)s'") % values
            before, after = _dates(change.before, change.after)
            return _(
                "%(actor)s changed the deadline of '%(what)s' from %(before)s to %(after)s"
            ) % {
                **values,
                "before": before,
                "after": after,
            }
        if field == "status":
            return _("%(actor)s set '%(what)s' to %(status)s") % {
                **values,
                "status": shown("status", change.after).lower(),
            }
        if field == "responsible":
            if not change.after:
                return _("%(actor)s removed the responsible person of '%(what)s'") % values
            return _("%(actor)s made %(name)s responsible for '%(what)s'") % {
                **values,
                "name": change.after,
            }
        if field == "what":
            return _("%(actor)s reworded the action '%(before)s' to '%(after)s'") % {
                "actor": actor,
                "before": _quote(change.before),
                "after": _quote(change.after),
            }
    return _("%(actor)s changed the action '%(what)s': %(changes)s") % {
        "actor": actor,
        "what": what,
        "changes": _fragments(changes),
    }


def _fragments(changes) -> str:
    parts = []
    for field, change in changes.items():
        label = str(FIELD_LABELS.get(field, field))
        if field in DATE_FIELDS:
            before, after = _dates(change.before, change.after)
        else:
            before, after = shown(field, change.before), shown(field, change.after)
        if field in ("what", "text"):
            before, after = f"'{_quote(change.before)}'", f"'{_quote(change.after)}'"
        parts.append(
            pgettext("history", "%(field)s from %(before)s to %(after)s")
            % {"field": label, "before": before, "after": after}
        )
    return "; ".join(parts)
