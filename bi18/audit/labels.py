"""Human-readable labels for audit event names, and a short summary of an entry's details.

Event names are stable identifiers ("families.family.viewed"); the audit pages show a
translated label. An app that writes a new event registers its label here, e.g. from
its AppConfig.ready(): ``register_event("youth.enrolment.created", _("Enrolment registered"))``.
An unknown name is shown as it is, so an entry is never hidden for want of a label.
"""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from bi18.lib.registry import register_once

_LABELS: dict[str, Any] = {}

# Read-only view of the registry (name -> lazy label).
EVENT_LABELS: Mapping[str, Any] = MappingProxyType(_LABELS)


def register_event(name: str, label) -> None:
    """Register the label of one event name (a lazy translation string)."""
    register_once(_LABELS, name, label, "Audit event")


def event_label(name: str) -> str:
    label = _LABELS.get(name)
    return str(label) if label is not None else name


_SIGN_IN_METHODS = {
    "sso": gettext_lazy("by single sign-on"),
    "password": gettext_lazy("with a local password"),
}
# Why a sign-in failed (accounts.sso and accounts.twofactor write these reasons).
_FAILURE_REASONS = {
    "no_role": gettext_lazy("the user's groups give no role in BI18"),
    "inactive": gettext_lazy("the user is deactivated"),
    "no_subject": gettext_lazy("the provider sent no subject id"),
    "state": gettext_lazy("unknown, replayed or expired sign-in (state)"),
    "provider": gettext_lazy("refused by the provider"),
    "id_token": gettext_lazy("invalid ID token"),
    "unreachable": gettext_lazy("the provider could not be reached"),
    "second_factor": gettext_lazy("wrong two-factor code"),
}


# Translated only for an entry that has them (a page of 50 entries asked for both of
# them on every row).
_ROLE_CHANGES = {
    "roles_added": gettext_lazy("Roles added: %(roles)s"),
    "roles_removed": gettext_lazy("Roles removed: %(roles)s"),
}


def detail_summary(event, usernames: Mapping[int, str] | None = None) -> list[str]:
    """Short, translated phrases describing an entry's `detail` for the audit pages.

    A search shows its criterion; a search for a CPR number shows only the words
    "CPR number" (the entry holds the keyed hash, never the number). `usernames`
    maps user ids named in details to user names (looked up once per page).
    """
    detail = event.detail if isinstance(event.detail, dict) else {}
    usernames = usernames or {}
    parts: list[str] = []
    if event.cpr_hash:
        parts.append(_("Search criterion: CPR number"))
    elif "criterion" in detail:
        parts.append(_("Search criterion: “%(criterion)s”") % {"criterion": detail["criterion"]})
    if isinstance(detail.get("family_ids"), list):
        count = len(detail["family_ids"])
        parts.append(
            ngettext("%(count)d family shown", "%(count)d families shown", count) % {"count": count}
        )
    if detail.get("fields"):
        parts.append(_("Fields: %(fields)s") % {"fields": ", ".join(map(str, detail["fields"]))})
    if detail.get("to"):
        parts.append(_("New status: %(status)s") % {"status": detail["to"]})
    if "user_id" in detail:
        name = usernames.get(detail["user_id"], f"#{detail['user_id']}")
        parts.append(_("Member: %(user)s") % {"user": name})
    if detail.get("coordinator"):
        parts.append(_("as coordinator"))
    for key, text in _ROLE_CHANGES.items():
        if detail.get(key):
            parts.append(str(text) % {"roles": ", ".join(map(str, detail[key]))})
    if detail.get("method") in _SIGN_IN_METHODS:
        parts.append(str(_SIGN_IN_METHODS[detail["method"]]))
    reason = str(detail.get("reason") or "")
    kind, _sep, specific = reason.partition(":")
    if kind in _FAILURE_REASONS:
        text = str(_FAILURE_REASONS[kind])
        parts.append(f"{text} ({specific})" if specific else text)
    if detail.get("reason") in ("idle", "absolute"):
        parts.append(
            _("idle timeout") if detail["reason"] == "idle" else _("maximum session length")
        )
    if detail.get("page") == "edit":
        parts.append(_("edit form opened"))
    if "deleted" in detail:
        count = detail["deleted"]
        parts.append(
            ngettext("%(count)d entry deleted", "%(count)d entries deleted", count)
            % {"count": count}
        )
    if detail.get("registered") is False:
        parts.append(_("CPR number not registered"))
    if isinstance(detail.get("filters"), dict):
        shown = ", ".join(f"{k}={v}" for k, v in detail["filters"].items() if v)
        parts.append(_("Filters: %(filters)s") % {"filters": shown or _("none")})
    return parts


def user_ids_in(events) -> set[int]:
    """User ids named in the details of these entries (for one look-up per page)."""
    ids = set()
    for event in events:
        detail = event.detail if isinstance(event.detail, dict) else {}
        if isinstance(detail.get("user_id"), int):
            ids.add(detail["user_id"])
    return ids
