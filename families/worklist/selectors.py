"""The "Mit arbejde" page: the user's work list (families.worklist.engine), filtered, without the
items they snoozed, grouped by family. A fixed number of queries whatever the data: the
collectors' own and one for the snoozes (items carry their family's id)."""

import datetime
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bi18.lib.prepared import fixed_instances
from families.models import Family
from families.worklist.engine import WorkList, default_horizon_days, items_for
from families.worklist.models import Period, Snooze
from families.worklist.registry import Deadline, deadline_kinds, forecast_kinds, pk_url

# Above this many items in a section, its families start collapsed (the page stays short).
OPEN_UP_TO = 12
# The page shows this many families of a section; the rest load on request (national scale:
# a caseworker's page does not grow with their caseload; a phone's page stays short).
FAMILIES_SHOWN = 6
# A section's address (Danish, in URLs) and its key (the page's anchors).
SECTION_SLUGS = {
    "overdue": "overskredet",
    "upcoming": "kommende",
    "at-risk": "i-fare",
    "snoozed": "udsat",
}


def period_days(period: str) -> int:
    days: dict[str, int] = {Period.OVERDUE: 0, Period.WEEK: 7, Period.MONTH: 30}
    return days.get(period, default_horizon_days())


def period_choices() -> list[tuple[str, str]]:
    """The period choices, the default one naming the configured horizon."""
    n = default_horizon_days()
    return [
        (Period.OVERDUE.value, _("Overdue only")),
        (Period.WEEK.value, _("Overdue and the next 7 days")),
        (Period.HORIZON.value, _("Overdue and the next %(n)s days") % {"n": n}),
        (Period.MONTH.value, _("Overdue and the next 30 days")),
    ]


@dataclass
class Row:
    item: Deadline
    overdue_days: int
    snooze: Snooze | None = None
    snooze_url: str = ""  # the page's "Snooze" link (built here: no reverse() per row)


@dataclass
class FamilyGroup:
    case_number: str
    family_id: int | None
    rows: list[Row]
    open: bool = True
    url: str = ""  # where the page loads its items on request

    @cached_property  # asked per row by the template; rows are complete when it is asked
    def people(self) -> list[str]:
        return sorted({r.item.person_name for r in self.rows if r.item.person_name})

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def first_due(self) -> datetime.date:
        return self.rows[0].item.due


@dataclass
class Section:
    key: str  # the anchor: overdue, upcoming, at-risk, snoozed
    title: str
    badge: str
    families: list[FamilyGroup]
    empty_text: str = ""
    note: str = ""

    @property
    def count(self) -> int:
        return sum(g.count for g in self.families)

    @property
    def slug(self) -> str:
        return SECTION_SLUGS[self.key]

    @property
    def on_page(self) -> list[FamilyGroup]:
        """The families the page itself shows (their headers; the items of open ones): the
        snoozed section loads on request, and a long section shows its first families."""
        return [] if self.key == "snoozed" else self.families[:FAMILIES_SHOWN]

    @property
    def more(self) -> int:
        """Families of this section the page leaves to a request."""
        return len(self.families) - len(self.on_page)

    def group(self, family_id: int) -> FamilyGroup | None:
        return next((g for g in self.families if g.family_id == family_id), None)


@dataclass
class MyWork:
    today: datetime.date
    horizon_days: int
    sections: list[Section]
    kind_choices: list[tuple[str, str]]
    family_choices: list[tuple[str, str]]
    total: int = 0  # items before the filter, snoozed ones included

    @property
    def section(self) -> dict[str, Section]:
        return {s.key: s for s in self.sections}

    @property
    def on_page(self) -> list[Deadline]:
        """The items the page names (in a family's header or its open list)."""
        return [row.item for s in self.sections for g in s.on_page for row in g.rows]


def active_snoozes(user, today: datetime.date) -> dict[str, Snooze]:
    """The user's snoozes still running today (an item comes back on its `until` day). One
    query, built once per process (bi18.lib.prepared)."""
    values = {"user": user.pk, "today": today}
    return {s.item_key: s for s in fixed_instances("worklist.snoozes", _snoozes, values)}


def _snoozes(v):
    return Snooze.objects.filter(user=v["user"], until__gt=v["today"])


def without_snoozed(user, work: WorkList) -> WorkList:
    """`work` less the items the user snoozed (the daily digest). One query."""
    snoozed = active_snoozes(user, work.today)
    if not snoozed:
        return work
    return WorkList(
        today=work.today,
        overdue=[d for d in work.overdue if d.key not in snoozed],
        upcoming=[d for d in work.upcoming if d.key not in snoozed],
        at_risk=[d for d in work.at_risk if d.key not in snoozed],
        horizon_days=work.horizon_days,
    )


def by_family(items: list[Deadline], today, snoozes=None):
    """Items grouped by family, the family with the earliest item first; within a family
    by due date (items arrive sorted by due date)."""
    groups: dict[str, FamilyGroup] = {}
    for item in items:
        group = groups.get(item.family_case_number)
        if group is None:
            group = groups[item.family_case_number] = FamilyGroup(
                item.family_case_number, item.family_id, []
            )
        group.rows.append(Row(item, (today - item.due).days, (snoozes or {}).get(item.key)))
    return list(groups.values())


def my_work(
    user,
    *,
    kind: str = "",
    family_id: int | None = None,
    period: str = Period.HORIZON,
    today: datetime.date | None = None,
    only_family: int | None = None,
    only_section: str | None = None,
) -> MyWork:
    """The page's sections. `only_family`: that family's items only (opening a family's
    group reads its rows, not the whole list); `only_section`: only the kinds that section
    can hold (deadlines or forecasts; the snoozed one holds both). The choices and totals
    then cover only what was read."""
    today = today or timezone.localdate()
    days = period_days(period)
    work = items_for(
        user,
        today,
        horizon_days=days,
        with_forecast=only_section in (None, "at-risk", "snoozed"),
        with_deadlines=only_section != "at-risk",
        family_id=only_family,
    )
    everything = work.overdue + work.upcoming + work.at_risk
    snoozes = active_snoozes(user, today)
    family_ids = {d.family_case_number: d.family_id for d in everything if d.family_id}

    labels = {k.key: str(k.label) for k in deadline_kinds()}
    labels.update({k.key: str(k.label) for k in forecast_kinds()})
    present_kinds = {d.kind for d in everything}
    kind_choices = [(k, v) for k, v in labels.items() if k in present_kinds]
    family_choices = [(str(family_ids[c]), c) for c in sorted(family_ids)]
    if family_id and str(family_id) not in dict(family_choices):
        # The remembered family has nothing now: keep it selectable, so the filter is visible.
        case = Family.objects.filter(pk=family_id).values_list("case_number", flat=True).first()
        if case:
            family_choices.append((str(family_id), case))

    def keep(d: Deadline) -> bool:
        if kind and d.kind != kind:
            return False
        return not family_id or d.family_id == family_id

    overdue = [d for d in work.overdue if keep(d)]
    upcoming = [d for d in work.upcoming if keep(d)] if period != Period.OVERDUE else []
    at_risk = [d for d in work.at_risk if keep(d)] if period != Period.OVERDUE else []
    snoozed = sorted(
        (d for d in overdue + upcoming + at_risk if d.key in snoozes),
        key=lambda d: (d.family_case_number, d.due),
    )

    def active(items):
        return [d for d in items if d.key not in snoozes]

    snooze_url = reverse("worklist:snooze") + "?item="

    def section(key, title, badge, items, empty_text="", note="", snoozes_shown=None):
        families = by_family(items, today, snoozes_shown)
        many = len(items) > OPEN_UP_TO and len(families) > 1
        group_url = pk_url("worklist:group", SECTION_SLUGS[key])
        for group in families:
            group.open = not many
            if group.family_id:
                group.url = group_url(group.family_id)
            for row in group.rows:
                row.snooze_url = snooze_url + quote(row.item.key, safe="")
        return Section(key, title, badge, families, empty_text, note)

    sections = [
        section(
            "overdue", _("Overdue"), "text-bg-danger", active(overdue), _("Nothing is overdue.")
        )
    ]
    if period != Period.OVERDUE:
        sections.append(
            section(
                "upcoming",
                _("Due in the next %(n)s days") % {"n": days},
                "text-bg-secondary",
                active(upcoming),
                _("Nothing is due soon."),
            )
        )
        risk = active(at_risk)
        if risk:
            sections.append(
                section(
                    "at-risk",
                    _("At risk unless something happens"),
                    "text-bg-warning",
                    risk,
                    note=_(
                        "Parents who will miss week 6 or month 6 within %(n)s days unless an "
                        "internship is arranged."
                    )
                    % {"n": days},
                )
            )
    if snoozed:
        snoozed_section = section(
            "snoozed", _("Snoozed"), "text-bg-light border", snoozed, snoozes_shown=snoozes
        )
        sections.append(snoozed_section)
    return MyWork(
        today=today,
        horizon_days=days,
        sections=sections,
        kind_choices=kind_choices,
        family_choices=family_choices,
        total=len(everything),
    )


def find_item(user, key: str, today: datetime.date | None = None) -> Deadline | None:
    """The item with `key` on the user's list (any period), or None: a snooze may only name
    an item the user has. The collectors' queries, nothing more."""
    today = today or timezone.localdate()
    work = items_for(
        user,
        today,
        horizon_days=max(period_days(Period.MONTH), default_horizon_days()),
        with_forecast=True,
    )
    for item in work.overdue + work.upcoming + work.at_risk:
        if item.key == key:
            return item
    return None


def digest_recipients():
    """Who gets the daily digest: active users who work with case data and have an e-mail
    address."""
    perm = Q(groups__permissions__codename="access_case_data") | Q(
        user_permissions__codename="access_case_data"
    )
    return (
        get_user_model()
        .objects.filter(perm, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
