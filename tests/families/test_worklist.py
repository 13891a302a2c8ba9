"""Mit arbejde (issue 16 §1): the task as the link, grouped by family, filters that are
remembered, snoozing with a reason (audited; the item comes back), constant queries."""

import datetime
import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bi18.audit.models import AuditEvent
from families.worklist import selectors
from families.worklist.models import Snooze, WorklistFilter
from families.worklist.services import digest_send
from networkgroup import services as plan
from networkgroup.models import Action
from networkgroup.selectors import plan_for_family
from tests.factories import FamilyFactory, PersonFactory, add_member

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


def _family_with_actions(caseworker, *whats_and_days, name="Karim"):
    family = FamilyFactory()
    person = PersonFactory(family=family, first_name=name, last_name="Nasser")
    add_member(family, caseworker, coordinator=True)
    goal = plan.goal_create(
        actor=caseworker,
        plan=plan_for_family(family=family),
        area="employment",
        text="Arbejde",
        person=person,
    )
    actions = [
        plan.action_create(
            actor=caseworker, goal=goal, what=what, responsible=caseworker, deadline=days(n)
        )
        for what, n in whats_and_days
    ]
    return family, actions


def _key(action):
    return f"networkgroup.plan_action:{reverse('networkgroup:plan', args=[action.plan.family_id])}#action-{action.pk}"


def _section(html, key):
    """The HTML of one section of the page (overdue, upcoming, at-risk, snoozed)."""
    match = re.search(rf'<section[^>]*id="{key}".*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def two_families(caseworker):
    first, first_actions = _family_with_actions(
        caseworker, ("Kontakt Netto", -3), ("Ring til skolen", 4)
    )
    second, second_actions = _family_with_actions(caseworker, ("Book tolk", -10), name="Leila")
    return first, first_actions, second, second_actions


def test_the_task_is_the_link_and_items_are_grouped_by_family(two_families, caseworker, login):
    first, _a, second, _b = two_families
    html = login(caseworker).get(reverse("home")).content.decode()
    overdue = _section(html, "overdue")
    assert re.search(r'<a href="[^"]*#action-\d+" class="fw-semibold">Kontakt Netto</a>', overdue)
    assert "Handling i planen –" not in html
    # One collapsible group per family, with its count; the older overdue family first.
    groups = re.findall(r'<details class="worklist-family[^"]*"[^>]*data-family="([^"]+)"', overdue)
    assert groups == [second.case_number, first.case_number]
    assert "1 opgave" in overdue
    upcoming = _section(html, "upcoming")
    assert "Ring til skolen" in upcoming and "Kontakt Netto" not in upcoming
    # Jump links with the count of each section.
    assert re.search(r'<a href="#overdue">Overskredet</a> <span class="badge[^"]*">2</span>', html)
    assert re.search(r'<a href="#upcoming">[^<]+</a> <span class="badge[^"]*">1</span>', html)


def test_filters_narrow_the_list_and_are_remembered_per_user(two_families, caseworker, login):
    first, _a, second, _b = two_families
    client = login(caseworker)
    response = client.post(
        reverse("worklist:filter"), {"kind": "", "family": second.pk, "period": "overdue"}
    )
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "Book tolk" in html and "Kontakt Netto" not in html
    assert 'id="upcoming"' not in html  # overdue only
    saved = WorklistFilter.objects.get(user=caseworker)
    assert (saved.family_id, saved.period) == (second.pk, "overdue")
    # Next visit without parameters: the same filter, shown as chosen.
    html = client.get(reverse("home")).content.decode()
    assert "Book tolk" in html and "Kontakt Netto" not in html
    assert f'<option value="{second.pk}" selected>' in html
    # "Show everything" forgets it.
    client.post(reverse("worklist:filter"), {"reset": "1"})
    html = client.get(reverse("home")).content.decode()
    assert "Kontakt Netto" in html and "Ring til skolen" in html
    assert not WorklistFilter.objects.filter(user=caseworker).exists()


def test_bad_filter_values_are_ignored_not_an_error(
    two_families, caseworker, other_caseworker, login
):
    elsewhere = FamilyFactory()
    add_member(elsewhere, other_caseworker)
    client = login(caseworker)
    for family in ("abc", elsewhere.pk, 987654):
        response = client.post(
            reverse("worklist:filter"), {"kind": "nonsense", "family": family, "period": "x"}
        )
        assert response.status_code == 302
        saved = WorklistFilter.objects.get(user=caseworker)
        assert (saved.family_id, saved.period) == (None, "horizon")
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Kontakt Netto" not in response.content.decode()  # an unknown kind matches nothing
    assert elsewhere.case_number not in response.content.decode()


def test_a_snoozed_item_leaves_the_list_with_its_reason_and_comes_back(
    two_families, caseworker, login
):
    _first, (netto, _school), _second, _b = two_families
    client = login(caseworker)
    url = reverse("worklist:snooze") + "?item=" + quote(_key(netto), safe="")
    form = client.get(url).content.decode()
    assert "Kontakt Netto" in form
    assert AuditEvent.objects.filter(
        event="deadlines.worklist.viewed", family_id=netto.plan.family_id, actor=caseworker
    ).exists()
    response = client.post(
        reverse("worklist:snooze"),
        {"item": _key(netto), "until": days(5).isoformat(), "reason": "Netto svarer efter jul"},
    )
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert "Kontakt Netto" not in _section(html, "overdue")
    # "Udsat" is collapsed with its count; its items load when it is opened.
    snoozed = _section(html, "snoozed")
    assert re.search(r'<details class="worklist-snoozed" hx-get="([^"]+)"', snoozed)
    assert re.search(r'Udsat <span class="badge[^"]*">1</span>', snoozed)
    assert "Kontakt Netto" not in snoozed and "Netto svarer efter jul" not in snoozed
    part = client.get(reverse("worklist:section", args=["udsat"]), HTTP_HX_REQUEST="true")
    assert "Kontakt Netto" in part.content.decode()
    assert "Netto svarer efter jul" in part.content.decode()
    event = AuditEvent.objects.get(event="worklist.item.snoozed", actor=caseworker)
    assert event.family_id == netto.plan.family_id and "Netto" not in str(event.detail)
    # On the chosen day it is back among the overdue items.
    back = selectors.my_work(caseworker, today=days(5))
    assert "Kontakt Netto" in [
        r.item.title for g in back.section["overdue"].families for r in g.rows
    ]
    assert "snoozed" not in back.section


def test_snooze_refuses_bad_input_and_keeps_what_was_typed(two_families, caseworker, login):
    _first, (netto, _school), _second, _b = two_families
    client = login(caseworker)
    for until, reason, error in (
        (TODAY.isoformat(), "Venter", "Vælg en dag efter i dag."),
        (days(200).isoformat(), "Venter", "højst udsættes 90 dage"),
        (days(3).isoformat(), "   ", "Skriv, hvorfor"),
        ("31.02.2027", "Venter", "gyldig dato"),
    ):
        response = client.post(
            reverse("worklist:snooze"), {"item": _key(netto), "until": until, "reason": reason}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert error in html, error
        assert reason.strip() in html
    assert not Snooze.objects.exists()


def test_undo_puts_the_item_back_and_is_audited(two_families, caseworker, login):
    _first, (netto, _school), _second, _b = two_families
    client = login(caseworker)
    client.post(
        reverse("worklist:snooze"),
        {"item": _key(netto), "until": days(5).isoformat(), "reason": "Venter"},
    )
    snooze = Snooze.objects.get()
    client.post(reverse("worklist:snooze_remove", args=[snooze.pk]))
    assert not Snooze.objects.exists()
    assert "Kontakt Netto" in _section(client.get(reverse("home")).content.decode(), "overdue")
    assert AuditEvent.objects.filter(event="worklist.item.snooze_removed").count() == 1


def test_one_may_snooze_only_items_of_ones_own_list(
    two_families, caseworker, other_caseworker, login
):
    _first, (netto, _school), _second, _b = two_families
    client = login(other_caseworker)
    assert client.get(reverse("worklist:snooze"), {"item": _key(netto)}).status_code == 404
    response = client.post(
        reverse("worklist:snooze"),
        {"item": _key(netto), "until": days(5).isoformat(), "reason": "x"},
    )
    assert response.status_code == 404
    mine = Snooze.objects.create(
        user=caseworker,
        family=netto.plan.family,
        item_key=_key(netto),
        kind="networkgroup.plan_action",
        until=days(3),
        reason="x",
    )
    assert client.post(reverse("worklist:snooze_remove", args=[mine.pk])).status_code == 404
    assert Snooze.objects.filter(pk=mine.pk).exists()
    assert client.get(reverse("worklist:snooze"), {"item": "nonsense"}).status_code == 404


def test_page_queries_do_not_grow_with_families_snoozes_or_filters(
    caseworker, login, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(caseworker)

    def load(**params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home"), params).status_code == 200
        return len(ctx)

    _family_with_actions(caseworker, ("A", -2), ("B", 3))
    client.get(reverse("home"))
    small = load()
    actions = []
    for i in range(12):
        _f, made = _family_with_actions(caseworker, ("A", -2 - i), ("B", 3), name=f"N{i}")
        actions += made
    for action in actions[:6]:
        Snooze.objects.create(
            user=caseworker,
            family=action.plan.family,
            item_key=_key(action),
            kind="networkgroup.plan_action",
            until=days(4),
            reason="r",
        )
    large = load()
    assert large == small
    client.post(reverse("worklist:filter"), {"kind": "networkgroup.plan_action", "period": "week"})
    assert load() == small  # a filter costs no query more
    with django_assert_max_num_queries(small):
        client.get(reverse("home"))


def test_digest_leaves_out_snoozed_items_and_groups_by_family(two_families, caseworker):
    first, (netto, _school), second, (tolk,) = two_families
    Snooze.objects.create(
        user=caseworker,
        family=second,
        item_key=_key(tolk),
        kind="networkgroup.plan_action",
        until=days(2),
        reason="r",
    )
    assert digest_send(user=caseworker, day=TODAY)
    [message] = mail.outbox
    assert f"{first.case_number} (1):" in message.body
    assert second.case_number not in message.body


def test_erasing_the_family_blanks_snooze_reasons(two_families, caseworker):
    from families.worklist.privacy import erase

    _first, _a, second, (tolk,) = two_families
    Snooze.objects.create(
        user=caseworker,
        family=second,
        item_key=_key(tolk),
        kind="networkgroup.plan_action",
        until=days(2),
        reason="Leila er på barsel",
    )
    assert erase(second) == 1
    assert Snooze.objects.get().reason == ""


# --- Collapsed families load on request (issue 11, issue 16 §1) --------------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def _group_url(section, family):
    return reverse("worklist:group", args=[section, family.pk])


def _group_html(html, section, family):
    """One family's <details> in one section of the page."""
    match = re.search(
        rf'<details class="worklist-family[^"]*"[^>]*data-family="{family.case_number}".*?</details>',
        _section(html, section),
        re.S,
    )
    return match.group(0) if match else ""


def _items(html):
    """The list of a family's items, whitespace-normalised."""
    match = re.search(r'<ul class="list-group list-group-flush">.*?</ul>', html, re.S)
    return re.sub(r"\s+", " ", match.group(0)) if match else ""


@pytest.fixture
def many_families(caseworker):
    """Ten families with two overdue items each: the overdue section starts collapsed and
    shows its first six families."""
    return [
        _family_with_actions(caseworker, (f"Opgave {i}a", -20 + i), (f"Opgave {i}b", -1))[0]
        for i in range(10)
    ]


def test_a_family_s_items_from_the_fragment_equal_those_the_open_group_shows(
    two_families, caseworker, login
):
    """A short list shows its groups open; the fragment renders the very same list."""
    first, _a, second, _b = two_families
    client = login(caseworker)
    html = client.get(reverse("home")).content.decode()
    for section, family, task in (
        ("overdue", first, "Kontakt Netto"),
        ("overdue", second, "Book tolk"),
        ("upcoming", first, "Ring til skolen"),
    ):
        group = _group_html(html, section, family)
        assert " open " in group and task in group
        slug = {"overdue": "overskredet", "upcoming": "kommende"}[section]
        part = client.get(_group_url(slug, family), **HTMX)
        assert part.status_code == 200
        assert "<html" not in part.content.decode()  # a fragment, not a page
        assert _items(part.content.decode()) == _items(group)


def test_a_collapsed_family_is_only_its_header_until_opened(many_families, caseworker, login):
    client = login(caseworker)
    html = client.get(reverse("home")).content.decode()
    overdue = _section(html, "overdue")
    families = re.findall(r'data-family="([^"]+)"', overdue)
    assert len(families) == 6  # the first six; the rest on request
    assert "Vis 4 familier mere" in overdue
    assert "Opgave" not in overdue  # no family's items are rendered
    first = many_families[0]  # the oldest item: the first family
    group = _group_html(html, "overdue", first)
    assert " open" not in group.split(">")[0]
    assert "2 opgaver" in group and "Karim Nasser" in group  # the header: count and people
    url = _group_url("overskredet", first)
    assert f'hx-get="{url}"' in group and 'hx-trigger="toggle once"' in group
    # Without JavaScript the header's link opens the same items as a page.
    assert f'<a href="{url}">Vis de 2 opgaver</a>' in group
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<html" in text and "Opgave 0a" in text and "Opgave 0b" in text
    assert "Opgave 1a" not in text
    response = client.get(url, **HTMX)
    assert "HX-Request" in response["Vary"]  # a cache keeps the page and the fragment apart
    part = response.content.decode()
    assert "<html" not in part
    assert re.findall(r'class="fw-semibold">([^<]+)</a>', part) == ["Opgave 0a", "Opgave 0b"]


def test_the_rest_of_a_long_section_loads_on_request(many_families, caseworker, login):
    client = login(caseworker)
    html = _section(client.get(reverse("home")).content.decode(), "overdue")
    url = reverse("worklist:section", args=["overskredet"])
    assert f'hx-get="{url}?fra=6"' in html
    more = client.get(url, {"fra": 6}, **HTMX).content.decode()
    rest = [f.case_number for f in many_families[6:]]
    assert re.findall(r'data-family="([^"]+)"', more) == rest
    # Without JavaScript: the whole section as a page.
    page = client.get(url).content.decode()
    assert re.findall(r'data-family="([^"]+)"', page) == [f.case_number for f in many_families]
    assert client.get(url, {"fra": "x"}, **HTMX).status_code == 200


def test_the_fragment_shows_what_the_page_would_filters_and_snoozes_included(
    many_families, caseworker, login
):
    client = login(caseworker)
    first, second = many_families[:2]
    action_a = Action.objects.filter(plan__family=first).order_by("deadline").first()
    Snooze.objects.create(
        user=caseworker,
        family=first,
        item_key=_key(action_a),
        kind="networkgroup.plan_action",
        until=days(3),
        reason="Venter på svar",
    )

    def titles(section, family):
        html = client.get(_group_url(section, family), **HTMX).content.decode()
        return re.findall(r'class="fw-semibold">([^<]+)</a>', html)

    assert titles("overskredet", first) == ["Opgave 0b"]  # the snoozed one is apart
    assert titles("udsat", first) == ["Opgave 0a"]
    # The remembered filter applies: another family, another kind, another period.
    client.post(reverse("worklist:filter"), {"kind": "", "family": second.pk, "period": ""})
    assert titles("overskredet", first) == []
    assert titles("overskredet", second) == ["Opgave 1a", "Opgave 1b"]
    client.post(reverse("worklist:filter"), {"kind": "youth.nothing", "period": ""})
    assert titles("overskredet", second) == []
    client.post(reverse("worklist:filter"), {"kind": "networkgroup.plan_action", "period": ""})
    assert titles("overskredet", second) == ["Opgave 1a", "Opgave 1b"]
    assert "Intet her nu." in client.get(_group_url("kommende", second), **HTMX).content.decode()


def test_the_fragment_is_a_404_outside_the_users_scope(
    many_families, caseworker, other_caseworker, manager, login
):
    mine = many_families[0]
    theirs, _actions = _family_with_actions(other_caseworker, ("Hemmelig opgave", -3))
    client = login(caseworker)
    for url in (
        _group_url("overskredet", theirs),
        reverse("worklist:group", args=["overskredet", 987654]),
        _group_url("ukendt", mine),
        reverse("worklist:section", args=["ukendt"]),
    ):
        for headers in ({}, HTMX):
            response = client.get(url, **headers)
            assert response.status_code == 404, url
            assert "Hemmelig" not in response.content.decode()
    assert client.post(_group_url("overskredet", mine)).status_code == 405
    # Someone without case data: no family is theirs (404), no list either (403).
    client = login(manager)
    assert client.get(_group_url("overskredet", mine), **HTMX).status_code == 404
    assert client.get(reverse("worklist:section", args=["udsat"]), **HTMX).status_code == 403


def test_opening_a_family_is_an_audited_read_without_names(many_families, caseworker, login):
    client = login(caseworker)
    family = many_families[0]
    before = AuditEvent.objects.count()
    client.get(_group_url("overskredet", family), **HTMX)
    event = AuditEvent.objects.filter(event="deadlines.worklist.viewed").latest("pk")
    assert AuditEvent.objects.count() == before + 1
    assert event.family_id == family.pk and event.actor == caseworker
    assert event.detail["case_numbers"] == [family.case_number]
    assert event.detail["items"] == 2 and event.detail["section"] == "overdue"
    assert "Karim" not in str(event.detail) and "Opgave" not in str(event.detail)
    # The page logs what it names: the headers of the families it shows.
    client.get(reverse("home"))
    page = AuditEvent.objects.filter(event="deadlines.worklist.viewed").latest("pk")
    assert page.detail["case_numbers"] == sorted(f.case_number for f in many_families[:6])


def test_fragment_queries_do_not_grow_with_families_or_items(caseworker, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(caseworker)
    family, _actions = _family_with_actions(caseworker, ("A", -2), ("B", 3))

    def load():
        counts = []
        for url in (
            _group_url("overskredet", family),
            reverse("worklist:section", args=["overskredet"]),
        ):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url, **HTMX).status_code == 200
            counts.append(len(ctx))
        return counts

    load()
    small = load()
    for i in range(12):
        other, made = _family_with_actions(
            caseworker, ("A", -2 - i), ("C", -1), ("B", 3), name=f"N{i}"
        )
    Snooze.objects.create(
        user=caseworker,
        family=other,
        item_key=_key(made[0]),
        kind="networkgroup.plan_action",
        until=days(4),
        reason="r",
    )
    assert load() == small


def test_one_family_s_items_are_exactly_that_family_s_items_of_the_whole_list():
    """Opening a family reads only its rows (collect(..., family_id)): for every kind and demo
    role, the family's items equal the whole list's items of that family."""
    from bi18.accounts.models import User
    from families.demo import seed_demo
    from families.worklist.engine import items_for

    seed_demo(families=60, seed=1)
    kinds = set()
    for username in ("sagsbehandler", "virksomhed", "beskaeftigelse", "jobmentor", "uu"):
        user = User.objects.get(username=username)
        whole = items_for(user, TODAY, horizon_days=30, with_forecast=True)
        everything = whole.overdue + whole.upcoming + whole.at_risk
        assert everything, username
        kinds |= {d.kind for d in everything}
        for family_id in {d.family_id for d in everything}:
            assert family_id is not None
            one = items_for(user, TODAY, horizon_days=30, with_forecast=True, family_id=family_id)
            assert one.overdue + one.upcoming + one.at_risk == [
                d for d in everything if d.family_id == family_id
            ], (username, family_id)
    assert len(kinds) >= 8  # the check covers most kinds, not one


def test_a_fragment_reads_only_its_family_and_section_and_shows_what_the_page_holds():
    """Opening a family (or a section) reads only that family's rows and the kinds that
    section can hold: for every demo role, section and family, the rows equal the page's."""
    from bi18.accounts.models import User
    from families.demo import seed_demo

    seed_demo(families=60, seed=1)
    seen = set()
    for username in ("sagsbehandler", "virksomhed", "beskaeftigelse", "jobmentor", "uu"):
        user = User.objects.get(username=username)
        page = selectors.my_work(user, today=TODAY)
        for section in page.sections:
            part = selectors.my_work(user, today=TODAY, only_section=section.key)
            assert [(g.family_id, g.rows) for g in part.section[section.key].families] == [
                (g.family_id, g.rows) for g in section.families
            ]
            for group in section.families:
                one = selectors.my_work(
                    user, today=TODAY, only_family=group.family_id, only_section=section.key
                ).section[section.key]
                assert [(r.item, r.snooze) for r in one.group(group.family_id).rows] == [
                    (r.item, r.snooze) for r in group.rows
                ], (username, section.key, group.case_number)
                seen.add(section.key)
    assert {"overdue", "upcoming", "at-risk"} <= seen
