"""The audit log (SPEC §8): append-only, one row per audited action, the administrators'
search, the citizen access report and the retention job."""

import csv
import datetime
import io
import json
from datetime import timedelta

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bi18.accounts.roles import Role
from bi18.audit.labels import EVENT_LABELS, event_label
from bi18.audit.models import AppendOnlyError, AuditAction, AuditEvent
from bi18.audit.services import audit_log, audit_log_families
from bi18.audit.tasks import purge_expired
from families.cpr import cpr_hash
from families.models import FamilyStatus, NetworkMember, PersonRole
from tests.factories import PASSWORD, FamilyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

AMINA_CPR = "120385-4012"
CPR_FORMS = ("120385-4012", "1203854012", "120385 4012")
UTC = datetime.UTC


def _event(name, **filters) -> AuditEvent:
    rows = list(AuditEvent.objects.filter(event=name, **filters))
    assert len(rows) == 1, f"expected one {name} row, found {len(rows)}"
    return rows[0]


def _amina(family):
    return family.people.get(first_name="Amina")


def _assert_who_when_where(row, actor):
    assert row.actor == actor
    assert row.actor_username == actor.username
    assert row.at.utcoffset() == timedelta(0)
    assert abs(timezone.now() - row.at) < timedelta(minutes=1)
    assert row.ip_address == "127.0.0.1"


def _row_text(row) -> str:
    """Every text field of an entry, and its details as JSON."""
    fields = [
        row.actor_username,
        row.action,
        row.event,
        row.case_number,
        row.cpr_hash,
        row.purpose,
        str(row.ip_address),
        json.dumps(row.detail, ensure_ascii=False),
    ]
    return " | ".join(fields)


def _at(days_ago: float = 0, **kwargs) -> AuditEvent:
    kwargs.setdefault("action", AuditAction.VIEW)
    kwargs.setdefault("event", "families.family.viewed")
    return AuditEvent.objects.create(at=timezone.now() - timedelta(days=days_ago), **kwargs)


# --- Append-only ------------------------------------------------------------------------


def test_an_entry_cannot_be_saved_again_after_it_was_written(caseworker):
    row = audit_log(actor=caseworker, action="view", event="families.family.viewed")
    row.purpose = "changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    row.refresh_from_db()
    assert row.purpose == ""


def test_an_entry_cannot_be_deleted(caseworker):
    row = audit_log(actor=caseworker, action="view", event="families.family.viewed")
    with pytest.raises(AppendOnlyError):
        row.delete()
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_queryset_update_and_delete_are_refused(caseworker):
    audit_log(actor=caseworker, action="view", event="families.family.viewed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(purpose="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().purpose == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_on_postgresql_the_database_refuses_a_raw_update(caseworker):
    row = audit_log(actor=caseworker, action="view", event="families.family.viewed")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET purpose = 'x' WHERE id = %s", [row.pk])
    row.refresh_from_db()
    assert row.purpose == ""


# --- The Django admin offers neither add, change nor delete -------------------------------


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_admin_gives_even_a_superuser_no_add_change_or_delete(superuser):
    model_admin = admin_site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = superuser
    row = _at()
    assert model_admin.has_view_permission(request, row)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_admin_changelist_works_and_its_object_page_is_read_only(client, superuser):
    row = _at(actor_username="someone", case_number="BI18-0777")
    client.force_login(superuser)
    changelist = client.get(reverse("admin:audit_auditevent_changelist"))
    assert changelist.status_code == 200
    assert "BI18-0777" in changelist.content.decode()
    page = client.get(reverse("admin:audit_auditevent_change", args=[row.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:audit_auditevent_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=row.pk).exists()


# --- One row per audited action, through the real views ----------------------------------


def test_family_list_is_logged_with_the_families_shown(login, caseworker, family):
    assert login(caseworker).get(reverse("families:list")).status_code == 200
    row = _event("families.family.listed")
    _assert_who_when_where(row, caseworker)
    assert row.action == "view"
    # One row per family shown, so a citizen's access report finds list views too.
    assert (row.family_id, row.case_number) == (family.pk, family.case_number)


def test_a_list_of_many_families_is_one_insert_per_batch(caseworker, django_assert_num_queries):
    families = FamilyFactory.create_batch(7)
    with django_assert_num_queries(2):  # 7 rows in batches of 5
        written = audit_log_families(
            actor=caseworker,
            action="search",
            event="families.family.searched",
            families=families,
            detail={"criterion": "Hassan"},
            batch_size=5,
        )
    assert written == 7
    rows = list(AuditEvent.objects.filter(event="families.family.searched").order_by("id"))
    assert [(r.family_id, r.case_number) for r in rows] == [(f.pk, f.case_number) for f in families]
    for row in rows:
        assert (row.actor, row.actor_username, row.action) == (caseworker, "caseworker", "search")
        assert (row.detail, row.cpr_hash, row.purpose, row.person_id) == (
            {"criterion": "Hassan"},
            "",
            "",
            None,
        )
        assert row.at.utcoffset() == timedelta(0)
        assert abs(timezone.now() - row.at) < timedelta(minutes=1)


def test_a_list_logged_inside_a_transaction_is_rolled_back_with_it(caseworker):
    families = FamilyFactory.create_batch(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_log_families(
            actor=caseworker, action="view", event="families.family.listed", families=families
        )
        raise RuntimeError
    assert not AuditEvent.objects.filter(event="families.family.listed").exists()


def test_an_empty_search_still_writes_one_row(caseworker):
    assert (
        audit_log_families(
            actor=caseworker, action="search", event="families.family.searched", families=[]
        )
        == 1
    )
    row = _event("families.family.searched")
    assert (row.family_id, row.case_number) == (None, "")


def test_family_detail_is_logged_with_the_family(login, caseworker, family):
    assert login(caseworker).get(reverse("families:detail", args=[family.pk])).status_code == 200
    row = _event("families.family.viewed")
    _assert_who_when_where(row, caseworker)
    assert (row.action, row.family_id, row.case_number) == ("view", family.pk, family.case_number)


def test_opening_the_family_edit_form_is_logged_as_a_view(login, caseworker, family):
    assert login(caseworker).get(reverse("families:edit", args=[family.pk])).status_code == 200
    row = _event("families.family.viewed")
    _assert_who_when_where(row, caseworker)
    assert (row.action, row.family_id, row.detail) == ("view", family.pk, {"page": "edit"})


def test_opening_the_person_edit_form_is_logged_as_a_view_of_that_person(login, caseworker, family):
    amina = _amina(family)
    assert (
        login(caseworker).get(reverse("families:person_edit", args=[amina.pk])).status_code == 200
    )
    row = _event("families.person.viewed")
    _assert_who_when_where(row, caseworker)
    assert (row.action, row.person_id, row.family_id) == ("view", amina.pk, family.pk)


def test_search_by_name_stores_the_criterion(login, caseworker, family):
    response = login(caseworker).post(reverse("families:search"), {"q": "Hassan"}, follow=True)
    assert response.status_code == 200
    row = _event("families.family.searched")
    _assert_who_when_where(row, caseworker)
    assert row.action == "search"
    assert row.detail["criterion"] == "Hassan"
    assert row.family_id == family.pk
    assert row.cpr_hash == ""


@pytest.mark.parametrize("typed", CPR_FORMS)
def test_search_by_cpr_stores_the_hash_and_never_the_number(login, caseworker, family, typed):
    response = login(caseworker).post(reverse("families:search"), {"q": typed}, follow=True)
    assert response.status_code == 200
    row = _event("families.family.searched")
    _assert_who_when_where(row, caseworker)
    assert row.cpr_hash == cpr_hash(AMINA_CPR)
    text = _row_text(row)
    for form in (*CPR_FORMS, "4012"):
        assert form not in text


def test_family_create_is_logged(login, caseworker):
    response = login(caseworker).post(reverse("families:create"), {"district": "valby"})
    assert response.status_code == 302
    row = _event("families.family.created")
    _assert_who_when_where(row, caseworker)
    assert row.action == "create"
    assert row.family_id is not None and row.case_number.startswith("BI18-")


def test_family_edit_is_logged_with_the_changed_fields(login, caseworker, family):
    response = login(caseworker).post(
        reverse("families:edit", args=[family.pk]),
        {"district": "valby", "cohort": family.cohort, "version": family.version},
    )
    assert response.status_code == 302
    row = _event("families.family.changed")
    _assert_who_when_where(row, caseworker)
    assert (row.action, row.family_id) == ("change", family.pk)
    assert row.detail["fields"] == ["district"]


def test_status_change_is_logged(login, caseworker, family):
    response = login(caseworker).post(
        reverse("families:status", args=[family.pk]),
        {"to_status": FamilyStatus.ENROLLED, "reason": "Information given"},
    )
    assert response.status_code == 302
    row = _event("families.family.status_changed")
    _assert_who_when_where(row, caseworker)
    assert (row.action, row.family_id, row.detail["to"]) == ("change", family.pk, "enrolled")


def test_person_create_is_logged_with_the_new_person(login, caseworker, family):
    response = login(caseworker).post(
        reverse("families:person_create", args=[family.pk]),
        {
            "role": PersonRole.CHILD,
            "first_name": "Yusuf",
            "last_name": "Hassan",
            "cpr": "010112-4123",
        },
    )
    assert response.status_code == 302
    person = family.people.get(first_name="Yusuf")
    row = _event("families.person.created")
    _assert_who_when_where(row, caseworker)
    assert (row.action, row.person_id, row.family_id) == ("create", person.pk, family.pk)
    assert "010112" not in _row_text(row) and "4123" not in _row_text(row)


def test_person_edit_is_logged(login, caseworker, family):
    amina = _amina(family)
    response = login(caseworker).post(
        reverse("families:person_edit", args=[amina.pk]),
        {
            "role": PersonRole.PARENT,
            "first_name": "Amina",
            "last_name": "Hassan-Ali",
            "benefit_category": "activity_ready",
            "date_of_birth": "1985-03-12",
            "version": amina.version,
        },
    )
    assert response.status_code == 302
    row = _event("families.person.changed")
    _assert_who_when_where(row, caseworker)
    assert (row.action, row.person_id, row.family_id) == ("change", amina.pk, family.pk)
    assert "last_name" in row.detail["fields"]


def test_cpr_reveal_is_post_only_and_logged_with_its_purpose(login, caseworker, family):
    amina = _amina(family)
    client = login(caseworker)
    url = reverse("families:person_cpr", args=[amina.pk])
    assert client.get(url).status_code == 405
    assert not AuditEvent.objects.filter(event="families.person.cpr_revealed").exists()
    response = client.post(url, {"purpose": "Letter to the tax office"})
    assert AMINA_CPR in response.content.decode()
    row = _event("families.person.cpr_revealed")
    _assert_who_when_where(row, caseworker)
    assert (row.action, row.person_id, row.family_id) == ("cpr_reveal", amina.pk, family.pk)
    assert row.purpose == "Letter to the tax office"
    assert "4012" not in _row_text(row)


def test_member_added_and_removed_are_logged(login, administrator, other_caseworker, family):
    client = login(administrator)
    response = client.post(
        reverse("networkgroup:group", args=[family.pk]),
        {"user": other_caseworker.pk, "group_role": Role.FAMILY_CASEWORKER},
    )
    assert response.status_code == 302
    requested = _event("families.grant.requested")
    _assert_who_when_where(requested, administrator)
    assert requested.detail["user_id"] == other_caseworker.pk
    # A second administrator approves (four eyes); the membership is logged as theirs.
    second = UserFactory(username="admin2", role=Role.ADMIN)
    grant_pk = requested.detail["grant_id"]
    login(second).post(reverse("staffing:grant_decide", args=[grant_pk, "approve"]))
    client = login(administrator)
    added = _event("families.member.added")
    _assert_who_when_where(added, second)
    assert (added.action, added.family_id, added.detail["user_id"]) == (
        "create",
        family.pk,
        other_caseworker.pk,
    )

    member = NetworkMember.objects.get(family=family, user=other_caseworker)
    response = client.post(reverse("networkgroup:group_member_remove", args=[family.pk, member.pk]))
    assert response.status_code == 302
    removed = _event("families.member.removed")
    _assert_who_when_where(removed, administrator)
    assert (removed.action, removed.family_id, removed.detail["user_id"]) == (
        "delete",
        family.pk,
        other_caseworker.pk,
    )


def test_login_and_logout_are_logged(client, caseworker):
    response = client.post(
        reverse("accounts:login"), {"username": "caseworker", "password": PASSWORD}
    )
    assert response.status_code == 302
    _assert_who_when_where(_event("accounts.user.logged_in", action="login"), caseworker)
    client.post(reverse("accounts:logout"))
    _assert_who_when_where(_event("accounts.user.logged_out", action="logout"), caseworker)


def test_failed_login_stores_the_username_and_never_the_password(client, caseworker):
    client.post(
        reverse("accounts:login"), {"username": "caseworker", "password": "Wrong-Password-99"}
    )
    row = _event("accounts.user.login_failed", action="login_failed")
    assert row.actor is None
    assert row.actor_username == "caseworker"
    assert row.ip_address == "127.0.0.1"
    assert "Wrong-Password-99" not in _row_text(row)


# --- Event labels ----------------------------------------------------------------------


def test_every_existing_event_has_a_label_and_unknown_names_fall_back_to_the_name():
    for name in (
        "accounts.user.logged_in",
        "accounts.user.logged_out",
        "accounts.user.login_failed",
        "accounts.session.expired",
        "families.family.created",
        "families.family.changed",
        "families.family.status_changed",
        "families.family.viewed",
        "families.family.listed",
        "families.family.searched",
        "families.person.created",
        "families.person.viewed",
        "families.person.changed",
        "families.person.cpr_revealed",
        "families.member.added",
        "families.member.removed",
        "families.member.coordinator_set",
    ):
        assert name in EVENT_LABELS
        assert event_label(name) != name
    assert event_label("something.new.happened") == "something.new.happened"


# --- The search page --------------------------------------------------------------------

SEARCH = reverse("audit:search")


def _search(client, filters: dict):
    """Search the log as the page does: POST the filters, then GET the token's page."""
    response = client.post(SEARCH, filters)
    if response.status_code != 302:
        return response
    location = response["Location"]
    for value in filters.values():
        assert str(value).lower() not in location.lower()
    return client.get(location)


def _shown(response) -> list[int]:
    return [row["event"].pk for row in response.context["rows"]]


@pytest.fixture
def log(caseworker, other_caseworker):
    """A few entries spread over users, families, actions and days."""
    base = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=UTC)
    return {
        "a": AuditEvent.objects.create(
            at=base,
            actor=caseworker,
            actor_username="caseworker",
            action="view",
            event="families.family.viewed",
            family_id=1,
            case_number="BI18-0001",
        ),
        "b": AuditEvent.objects.create(
            at=base + timedelta(days=1),
            actor=other_caseworker,
            actor_username="other_caseworker",
            action="change",
            event="families.family.changed",
            family_id=2,
            case_number="BI18-0002",
        ),
        "c": AuditEvent.objects.create(
            at=base + timedelta(days=2),
            actor=caseworker,
            actor_username="caseworker",
            action="search",
            event="families.family.searched",
            detail={"criterion": "Hassan"},
        ),
        "failed": AuditEvent.objects.create(
            at=base + timedelta(days=3),
            actor_username="caseworker",
            action="login_failed",
            event="accounts.user.login_failed",
        ),
    }


def test_search_page_lists_newest_first(login, administrator, log):
    # (Before the administrator's own log-in today.)
    response = _search(login(administrator), {"date_to": "2026-06-30"})
    assert response.status_code == 200
    assert _shown(response) == [log[k].pk for k in ("failed", "c", "b", "a")]


def test_search_page_filters_by_user_including_failed_logins(login, administrator, log):
    response = _search(login(administrator), {"user": "caseworker"})
    assert _shown(response) == [log["failed"].pk, log["c"].pk, log["a"].pk]


def test_search_page_filters_by_family_case_number(login, administrator, log):
    response = _search(login(administrator), {"family": "bi18-0002"})
    assert _shown(response) == [log["b"].pk]


def test_search_page_filters_by_action(login, administrator, log):
    response = _search(login(administrator), {"action": "search"})
    assert _shown(response) == [log["c"].pk]
    assert "Hassan" in response.content.decode()


def test_search_page_filters_by_a_period_of_danish_days(login, administrator, log):
    # 11 and 12 June, both days included.
    response = _search(login(administrator), {"date_from": "11.06.2026", "date_to": "12-06-2026"})
    assert _shown(response) == [log["c"].pk, log["b"].pk]


def test_period_follows_danish_midnight_not_utc(login, administrator):
    # 22:30 UTC on 1 June is 00:30 on 2 June in Copenhagen (summer time).
    late = AuditEvent.objects.create(
        at=datetime.datetime(2026, 6, 1, 22, 30, tzinfo=UTC), action="view", event="x"
    )
    client = login(administrator)
    assert _shown(_search(client, {"date_from": "2026-06-02", "date_to": "2026-06-02"})) == [
        late.pk
    ]
    assert _shown(_search(client, {"date_to": "2026-06-01"})) == []


def test_search_page_shows_time_user_label_case_number_and_details(login, administrator, log):
    html = login(administrator).get(SEARCH).content.decode()
    assert event_label("families.family.changed") in html
    assert "BI18-0002" in html
    assert "10.06.2026 12:00" in html  # 10:00 UTC shown as Danish summer time, one format
    assert "2026-06-10 10:00:00 UTC" in html


def test_a_cpr_search_shows_only_the_words_cpr_number(login, administrator, caseworker, family):
    login(caseworker).post(reverse("families:search"), {"q": AMINA_CPR}, follow=True)
    response = _search(login(administrator), {"action": "search"})
    html = response.content.decode()
    assert len(response.context["rows"]) == 1
    assert "CPR" in " ".join(response.context["rows"][0]["details"])
    for form in CPR_FORMS:
        assert form not in html


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-06-12", "date_to": "2026-06-11"},
        {"date_from": "31-02-2026"},
        {"date_to": "yesterday"},
        {"action": "hack"},
        {"user": "x" * 200},
        {"family": AMINA_CPR},
    ],
)
def test_bad_filters_give_a_form_error_not_a_500(login, administrator, log, params):
    response = _search(login(administrator), params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["page"] is None


def test_a_cpr_number_in_a_filter_is_refused_and_never_logged(login, administrator, log):
    _search(login(administrator), {"user": AMINA_CPR})
    assert not AuditEvent.objects.filter(event="audit.log.searched").exists()
    for row in AuditEvent.objects.all():
        assert "4012" not in _row_text(row)


def test_searching_the_log_is_itself_logged_with_its_filters(login, administrator, log):
    _search(login(administrator), {"user": "caseworker", "action": "view"})
    row = _event("audit.log.searched")
    _assert_who_when_where(row, administrator)
    assert row.detail["filters"] == {"user": "caseworker", "action": "view"}


def test_bad_page_numbers_fall_back_to_the_first_page(login, administrator, log):
    for page in ("abc", "-3", "0"):
        response = login(administrator).get(SEARCH, {"page": page})
        assert response.status_code == 200
        assert response.context["page"].number == 1


def test_empty_state_says_what_to_do(login, administrator, log):
    response = _search(login(administrator), {"user": "nobody"})
    assert response.context["rows"] == []
    assert "ryd filtrene" in response.content.decode()


def test_filters_survive_paging_with_fifty_per_page(login, administrator, caseworker):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            at=timezone.now() - timedelta(minutes=i),
            actor=caseworker,
            actor_username="caseworker",
            action="view",
            event="families.family.viewed",
        )
        for i in range(60)
    )
    client = login(administrator)
    first = _search(client, {"user": "caseworker", "action": "view"})
    assert len(first.context["rows"]) == 50
    assert first.context["page"].has_next
    token = first.wsgi_request.GET["s"]
    assert f"s={token}&amp;page=2" in first.content.decode()
    second = client.get(SEARCH, {"s": token, "page": 2})
    assert len(second.context["rows"]) == 10
    assert not second.context["page"].has_next
    assert second.context["form"]["user"].value() == "caseworker"


def test_the_search_is_sent_as_post_and_never_puts_a_filter_in_the_url(login, administrator, log):
    client = login(administrator)
    html = client.get(SEARCH).content.decode()
    assert 'method="post"' in html and 'method="get"' not in html
    response = client.post(SEARCH, {"user": "caseworker", "family": "BI18-0001"})
    assert response.status_code == 302
    assert "caseworker" not in response["Location"] and "BI18" not in response["Location"]
    # Filters in a hand-made URL are ignored, not applied.
    response = client.get(SEARCH, {"user": "other_caseworker"})
    assert response.context["form"].is_bound is False


def test_an_unknown_search_token_says_the_search_expired(login, administrator, log):
    response = login(administrator).get(SEARCH, {"s": "nope"}, follow=True)
    assert response.status_code == 200
    assert "Søgningen er udløbet" in response.content.decode()


def _search_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(SEARCH).status_code == 200
    return len(ctx.captured_queries)


def test_search_page_query_count_does_not_grow_with_the_rows_shown(login, administrator):
    def add_rows(n):
        for _ in range(n):
            user = UserFactory(role=Role.FAMILY_CASEWORKER)
            fam = FamilyFactory()
            audit_log(actor=user, action="view", event="families.family.viewed", family=fam)
            audit_log(
                actor=user,
                action="create",
                event="families.member.added",
                family=fam,
                detail={"user_id": user.pk, "group_role": "family_caseworker"},
            )

    client = login(administrator)
    add_rows(2)
    few = _search_page_queries(client)
    add_rows(25)
    many = _search_page_queries(client)
    assert many == few


# --- The citizen access report ----------------------------------------------------------

REPORT = reverse("audit:citizen_report")
REPORT_CSV = reverse("audit:citizen_report_csv")


@pytest.fixture
def citizen_log(caseworker, family):
    """Entries about Amina, about her family, about her brother-in-law, about another family,
    a search for her CPR number and one for someone else's."""
    amina = _amina(family)
    omar = family.people.get(first_name="Omar")
    other = PersonFactory(cpr="010203-4567")
    return {
        "family_viewed": audit_log(
            actor=caseworker, action="view", event="families.family.viewed", family=family
        ),
        "amina_revealed": audit_log(
            actor=caseworker,
            action="cpr_reveal",
            event="families.person.cpr_revealed",
            person=amina,
            purpose="Letter to the tax office",
        ),
        "amina_searched": audit_log(
            actor=caseworker,
            action="search",
            event="families.family.searched",
            cpr_hash=cpr_hash(AMINA_CPR),
            detail={"criterion": "CPR number"},
        ),
        "omar_changed": audit_log(
            actor=caseworker, action="change", event="families.person.changed", person=omar
        ),
        "other_viewed": audit_log(
            actor=caseworker, action="view", event="families.family.viewed", family=other.family
        ),
        "other_searched": audit_log(
            actor=caseworker,
            action="search",
            event="families.family.searched",
            cpr_hash=cpr_hash("010203-4567"),
        ),
    }


def _produce(client, cpr=AMINA_CPR, purpose="Request j.nr. 2026-123", follow=True):
    return client.post(REPORT, {"cpr": cpr, "purpose": purpose}, follow=follow)


def test_report_lists_the_citizens_own_family_and_cpr_search_entries_only(
    login, administrator, citizen_log, family
):
    response = _produce(login(administrator))
    assert response.status_code == 200
    shown = set(_shown(response))
    expected = {citizen_log[k].pk for k in ("family_viewed", "amina_revealed", "amina_searched")}
    assert expected <= shown
    for other in ("omar_changed", "other_viewed", "other_searched"):
        assert citizen_log[other].pk not in shown
    html = response.content.decode()
    assert "Amina Hassan" in html and family.case_number in html
    assert "Letter to the tax office" in html
    assert "Omar" not in html


def test_report_includes_lists_and_name_searches_that_showed_the_family(
    login, administrator, caseworker, family
):
    client = login(caseworker)
    client.get(reverse("families:list"))
    client.post(reverse("families:search"), {"q": "Hassan"}, follow=True)
    listed = _event("families.family.listed")
    searched = _event("families.family.searched")
    shown = set(_shown(_produce(login(administrator))))
    assert {listed.pk, searched.pk} <= shown


def test_report_names_the_user_with_name_and_username(
    login, administrator, caseworker, citizen_log
):
    html = _produce(login(administrator)).content.decode()
    assert caseworker.get_full_name() in html
    assert "(caseworker)" in html


def test_producing_the_report_is_audited_without_the_cpr_number(
    login, administrator, family, citizen_log
):
    response = _produce(login(administrator), follow=False)
    assert response.status_code == 302
    for form in CPR_FORMS:
        assert form not in response["Location"]
    row = _event("audit.citizen_report.produced")
    _assert_who_when_where(row, administrator)
    assert row.person_id == _amina(family).pk
    assert row.family_id == family.pk
    assert row.cpr_hash == cpr_hash(AMINA_CPR)
    assert row.purpose == "Request j.nr. 2026-123"
    assert "4012" not in _row_text(row)


def test_report_for_an_unregistered_cpr_lists_only_searches_for_it(
    login, administrator, citizen_log
):
    unknown = "241270-1234"
    searched = audit_log(
        actor=None,
        actor_username="caseworker",
        action="search",
        event="families.family.searched",
        cpr_hash=cpr_hash(unknown),
    )
    response = _produce(login(administrator), cpr=unknown)
    shown = _shown(response)
    assert searched.pk in shown
    assert all(AuditEvent.objects.get(pk=pk).cpr_hash == cpr_hash(unknown) for pk in shown)
    assert not response.context["citizen"].registered
    assert "Kun søgninger efter nummeret vises" in response.content.decode()
    produced = _event("audit.citizen_report.produced")
    assert produced.person_id is None and produced.detail == {"registered": False}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"cpr": "320185-1234", "purpose": "Request"}, "cpr"),
        ({"cpr": "12345", "purpose": "Request"}, "cpr"),
        ({"cpr": AMINA_CPR, "purpose": "  "}, "purpose"),
        ({"cpr": AMINA_CPR, "purpose": "About 120385-4012"}, "purpose"),
    ],
)
def test_report_form_errors_are_shown_and_nothing_is_logged(
    login, administrator, family, data, field
):
    response = login(administrator).post(REPORT, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not AuditEvent.objects.filter(event__startswith="audit.citizen_report").exists()


def test_report_csv_is_a_semicolon_utf8_bom_download_and_is_audited(
    login, administrator, citizen_log
):
    client = login(administrator)
    token = _produce(client).context["token"]
    assert client.get(REPORT_CSV).status_code == 405
    response = client.post(REPORT_CSV, {"r": token})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) == 7
    assert any("Letter to the tax office" in r for r in rows[1:])
    assert any(r[2] == "caseworker" for r in rows[1:])
    assert not any("Omar" in cell for r in rows for cell in r)
    exported = _event("audit.citizen_report.exported")
    assert exported.action == "export"
    _assert_who_when_where(exported, administrator)
    assert "4012" not in body.decode("utf-8-sig")


def test_report_csv_needs_a_produced_report(login, administrator):
    response = login(administrator).post(REPORT_CSV, {"r": "made-up"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(event="audit.citizen_report.exported").exists()


def test_report_csv_defuses_spreadsheet_formulas(login, administrator, caseworker, family):
    audit_log(
        actor=caseworker,
        action="cpr_reveal",
        event="families.person.cpr_revealed",
        person=_amina(family),
        purpose='=HYPERLINK("http://x")',
    )
    client = login(administrator)
    token = _produce(client).context["token"]
    text = client.post(REPORT_CSV, {"r": token}).content.decode("utf-8-sig")
    purposes = [row[6] for row in csv.reader(io.StringIO(text), delimiter=";")]
    assert '\'=HYPERLINK("http://x")' in purposes


# --- Permission matrix ------------------------------------------------------------------

AUDIT_PAGES = [("get", SEARCH), ("get", REPORT), ("post", REPORT), ("post", REPORT_CSV)]


@pytest.mark.parametrize(("method", "url"), AUDIT_PAGES)
@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [("caseworker", 403), ("manager", 403), ("budget_officer", 403)],
)
def test_only_administrators_may_use_the_audit_pages(
    request, login, method, url, user_fixture, expected
):
    client = login(request.getfixturevalue(user_fixture))
    response = getattr(client, method)(
        url, {"cpr": AMINA_CPR, "purpose": "x"} if method == "post" else {}
    )
    assert response.status_code == expected


@pytest.mark.parametrize("url", [SEARCH, REPORT])
def test_administrator_may_open_the_audit_pages(login, administrator, url):
    assert login(administrator).get(url).status_code == 200


@pytest.mark.parametrize(("method", "url"), AUDIT_PAGES)
def test_anonymous_user_is_sent_to_log_in_from_the_audit_pages(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- Retention --------------------------------------------------------------------------


def test_retention_defaults_to_six_months_and_runs_nightly(settings):
    assert settings.AUDIT_RETENTION_DAYS == 183
    assert settings.CELERY_BEAT_SCHEDULE["audit-purge-expired"]["task"] == "audit.purge_expired"
    assert purge_expired.name == "audit.purge_expired"


def test_purge_deletes_entries_past_the_retention_and_nothing_newer(settings):
    settings.AUDIT_RETENTION_DAYS = 183
    minute = 1 / (24 * 60)
    expired = _at(days_ago=183 + minute)
    kept = _at(days_ago=183 - minute)
    recent = _at(days_ago=1)
    assert purge_expired() == 1
    remaining = set(
        AuditEvent.objects.exclude(event="audit.log.purged").values_list("pk", flat=True)
    )
    assert remaining == {kept.pk, recent.pk}
    assert expired.pk not in remaining
    assert _event("audit.log.purged").detail["deleted"] == 1


def test_purge_honours_a_configured_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    expired = _at(days_ago=31)
    kept = _at(days_ago=29)
    assert purge_expired() == 1
    assert not AuditEvent.objects.filter(pk=expired.pk).exists()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()


def test_purge_is_idempotent(settings):
    settings.AUDIT_RETENTION_DAYS = 183
    _at(days_ago=200)
    _at(days_ago=10)
    assert purge_expired() == 1
    count = AuditEvent.objects.count()
    assert purge_expired() == 0
    assert AuditEvent.objects.count() == count


def test_report_query_count_does_not_grow_with_the_rows_shown(
    login, administrator, caseworker, family
):
    amina = _amina(family)
    client = login(administrator)
    token = _produce(client).context["token"]

    def report_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(REPORT, {"r": token}).status_code == 200
        return len(ctx.captured_queries)

    few = report_queries()
    for i in range(30):
        user = UserFactory(username=f"reader{i}", role=Role.FAMILY_CASEWORKER)
        audit_log(actor=user, action="view", event="families.person.viewed", person=amina)
    assert report_queries() == few


def test_report_form_requires_the_csrf_token(administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)
    response = client.post(REPORT, {"cpr": AMINA_CPR, "purpose": "Request"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(event="audit.citizen_report.produced").exists()


def test_every_literal_event_name_in_the_apps_has_a_label():
    """What the audit search and the citizen's access report show is a label, never a code."""
    import pathlib
    import re

    from django.conf import settings

    import families.importer  # noqa: F401 - registers the import events

    root = pathlib.Path(settings.BASE_DIR)
    names = set()
    for app in ("bi18", "families", "networkgroup", "employment", "youth", "budget"):
        for path in (root / app).rglob("*.py"):
            if "migrations" not in path.parts:
                names |= set(re.findall(r'event="([a-z_]+\.[a-z_]+\.[a-z_]+)"', path.read_text()))
    assert len(names) > 80
    assert sorted(n for n in names if event_label(n) == n) == []
