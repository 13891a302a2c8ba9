"""bi18.lib.bulk: the seeders' inserts (COPY on PostgreSQL, bulk_create on SQLite) store
exactly what bulk_create would, and hand back the new ids in row order."""

import contextlib
import datetime

import pytest
from django.conf import settings
from django.db import DataError, IntegrityError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from bi18.lib import bulk
from budget.evaluation.models import (
    ComparisonHousehold,
    ComparisonPerson,
    EvaluationRun,
    RunStatus,
)

pytestmark = pytest.mark.django_db


def test_create_sets_ids_in_order_fills_timestamps_and_takes_a_parent_saved_later():
    households = [
        ComparisonHousehold(
            household_id=f"H{i}", district="amager_oest", criterion_date=datetime.date(2026, 1, 1)
        )
        for i in range(3)
    ]
    people = [
        ComparisonPerson(
            cpr_hash=f"hash{i}",
            role="parent",
            date_of_birth=datetime.date(1980, 1, 1 + i),
            benefit_since=None if i else datetime.date(2020, 5, 1),
        )
        for i in range(3)
    ]
    bulk.create(households)
    for person, household in zip(people, reversed(households), strict=True):
        person.household = household  # after the household got its id, as the seeder does
    bulk.create(people)

    assert [h.pk for h in households] == list(
        ComparisonHousehold.objects.order_by("household_id").values_list("pk", flat=True)
    )
    stored = {p.pk: p for p in ComparisonPerson.objects.all()}
    for person, household in zip(people, reversed(households), strict=True):
        row = stored[person.pk]
        assert row.cpr_hash == person.cpr_hash and row.household_id == household.pk
        assert row.date_of_birth == person.date_of_birth
        assert row.benefit_since == person.benefit_since
        assert row.in_other_effort is False and row.created_at is not None
    # A later insert continues the ids: the sequence moved on.
    more = bulk.create(
        [
            ComparisonHousehold(
                household_id="H9", district="amager_oest", criterion_date=datetime.date(2026, 1, 1)
            )
        ]
    )
    assert more[0].pk > max(h.pk for h in households)


def test_create_stores_json_fields():
    runs = bulk.create([EvaluationRun(figures={"a": [1, None, True]}, status=RunStatus.DONE)])
    assert EvaluationRun.objects.get(pk=runs[0].pk).figures == {"a": [1, None, True]}


def test_insert_rows_returns_ids_in_row_order():
    now = timezone.now()
    fields = ["household_id", "district", "source", "criterion_date", "created_at", "updated_at"]
    rows = [(f"R{i}", "valby", "", datetime.date(2026, 2, i + 1), now, now) for i in range(4)]
    ids = bulk.insert_rows(ComparisonHousehold, fields, rows, ids=True)
    stored = dict(ComparisonHousehold.objects.values_list("pk", "household_id"))
    assert [stored[i] for i in ids] == ["R0", "R1", "R2", "R3"]
    assert bulk.insert_rows(ComparisonHousehold, fields, []) == []


def test_insert_returning_stores_the_shared_and_the_own_values_and_returns_the_ids():
    now = timezone.now()
    common = {"district": "valby", "source": "", "criterion_date": datetime.date(2026, 3, 1)}
    common |= {"created_at": now, "updated_at": now}
    ids = bulk.insert_returning(
        ComparisonHousehold, common, [{"household_id": "S0"}, {"household_id": "S1"}]
    )
    stored = ComparisonHousehold.objects.filter(pk__in=ids).order_by("household_id")
    assert [(h.household_id, h.district, h.criterion_date) for h in stored] == [
        ("S0", "valby", datetime.date(2026, 3, 1)),
        ("S1", "valby", datetime.date(2026, 3, 1)),
    ]
    (one,) = bulk.insert_returning(ComparisonHousehold, {**common, "household_id": "S2"}, [{}])
    assert ComparisonHousehold.objects.get(pk=one).household_id == "S2"


def _household_rows(prefix, n):
    return [{"household_id": f"{prefix}{i}"} for i in range(n)]


def _household_common():
    now = timezone.now()
    common = {"district": "valby", "source": "", "criterion_date": datetime.date(2026, 3, 1)}
    return common | {"created_at": now, "updated_at": now}


def test_insert_returning_gives_the_ids_in_row_order_across_batches():
    rows = [{"household_id": h} for h in ["Z", "A", "M", "B", "Y", "C", "X"]]
    ids = bulk.insert_returning(ComparisonHousehold, _household_common(), rows, batch_size=3)
    stored = dict(ComparisonHousehold.objects.values_list("pk", "household_id"))
    assert [stored[i] for i in ids] == ["Z", "A", "M", "B", "Y", "C", "X"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps any length")
def test_insert_returning_refuses_a_value_too_long_for_its_column_instead_of_cutting_it():
    for common, rows in [
        (_household_common(), [{"household_id": "H" * 41}]),
        ({**_household_common(), "household_id": "H" * 41}, [{}]),
    ]:
        with pytest.raises(DataError), transaction.atomic():
            bulk.insert_returning(ComparisonHousehold, common, rows)
    assert not ComparisonHousehold.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS,
    reason="prepared on PostgreSQL only, not behind PgBouncer",
)
def test_insert_returning_is_one_prepared_statement_for_any_number_of_rows():
    for prefix, n in [("A", 1), ("B", 3), ("C", 7)]:
        bulk.insert_returning(ComparisonHousehold, _household_common(), _household_rows(prefix, n))
    assert ComparisonHousehold.objects.count() == 11
    with connection.cursor() as cursor:
        cursor.execute(
            # One text (psycopg prepares it again only for other parameter types).
            "SELECT count(DISTINCT statement) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f'INSERT INTO "{ComparisonHousehold._meta.db_table}"%unnest%'],
        )
        assert cursor.fetchone() == (1,)


def _foreign_keys() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f' ORDER BY 1, 2"
        )
        return cursor.fetchall()


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the foreign keys are dropped on PostgreSQL only"
)


@postgresql_only
def test_foreign_keys_checked_at_end_puts_back_the_same_constraints_and_checks_them():
    before = _foreign_keys()
    assert before
    household = ComparisonHousehold.objects.create(
        household_id="H1", district="valby", criterion_date=datetime.date(2026, 1, 1)
    )  # a check queued before the block is run at its start

    def person(household_id: int, cpr_hash: str) -> ComparisonPerson:
        return ComparisonPerson(
            household_id=household_id,
            cpr_hash=cpr_hash,
            role="parent",
            date_of_birth=datetime.date(1980, 1, 1),
        )

    with transaction.atomic(), bulk.foreign_keys_checked_at_end():
        bulk.create([person(household.pk, "h1")])
    assert _foreign_keys() == before

    # A missing household still fails the load, at the end of the block; nothing is kept.
    with pytest.raises(IntegrityError), transaction.atomic(), bulk.foreign_keys_checked_at_end():
        bulk.create([person(household.pk + 1000, "h2")])
    assert _foreign_keys() == before
    assert list(ComparisonPerson.objects.values_list("cpr_hash", flat=True)) == ["h1"]

    # A failed load whose caller catches the error and commits the rest: the keys are back.
    with (
        transaction.atomic(),
        contextlib.suppress(RuntimeError),
        bulk.foreign_keys_checked_at_end(),
    ):
        raise RuntimeError("the load failed")
    assert _foreign_keys() == before


@pytest.mark.parametrize("prepared", [True, False])
def test_insert_returning_keeps_awkward_text_null_and_json_exactly(prepared, caseworker, family):
    """Per-row text that array literals treat specially ("NULL", braces, quotes, commas,
    backslashes, empty), real NULLs, and a JSON `detail`, with and without prepared
    statements (PgBouncer: PREPARED_STATEMENTS off)."""
    from bi18.audit.models import AuditEvent

    awkward = ["NULL", "null", "", '{"a",b}', "back\\slash", 'quote"d', "ÆØÅ, æøå", " x "]
    common = {
        "at": timezone.now(),
        "actor_id": caseworker.pk,
        "actor_username": "",
        "action": "view",
        "person_id": None,
        "purpose": "",
        "ip_address": None,
        "detail": {"ids": [1, 2], "text": "NULL", "none": None},
        "cpr_hash": "",
    }
    rows = [
        {"event": e, "family_id": i if i % 2 else None, "case_number": e[:20]}
        for i, e in enumerate(awkward)
    ]
    with override_settings(PREPARED_STATEMENTS=prepared):
        ids = bulk.insert_returning(AuditEvent, common, rows)
    stored = {a.pk: a for a in AuditEvent.objects.filter(pk__in=ids)}
    assert [stored[i].event for i in ids] == awkward
    assert [stored[i].family_id for i in ids] == [r["family_id"] for r in rows]
    assert all(stored[i].detail == common["detail"] for i in ids)
    assert all(stored[i].ip_address is None for i in ids)


def test_insert_returning_a_column_of_only_nulls(caseworker):
    from bi18.audit.models import AuditEvent

    common = {
        "at": timezone.now(),
        "actor_id": caseworker.pk,
        "actor_username": "",
        "action": "view",
        "event": "x",
        "purpose": "",
        "ip_address": "10.0.0.1",
        "detail": {},
        "cpr_hash": "",
    }
    rows = [{"family_id": None, "person_id": None, "case_number": ""} for _ in range(3)]
    ids = bulk.insert_returning(AuditEvent, common, rows)
    assert len(ids) == 3
    assert set(AuditEvent.objects.filter(pk__in=ids).values_list("family_id", flat=True)) == {None}
