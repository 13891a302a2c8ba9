"""Bulk inserts for the demo seeders and batch jobs: COPY on PostgreSQL, bulk_create elsewhere;
and `insert_returning` for the few rows a hot path writes.

At 50,000 families Django's bulk_create spends most of its time in Python, not in the
database: every value is prepared by its field and the multi-row INSERT with tens of
thousands of placeholders is converted and dumped by the driver (≈ 20 µs a value). COPY
streams the same rows in psycopg's C dumpers at a fraction of that. The ids are taken from
the table's sequence beforehand, so they come back in row order without relying on how the
database numbers a batch. SQLite (the two-command README default) keeps bulk_create.
"""

import functools
import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections, models, router, transaction

from bi18.lib.prepared import prepared_cursor

# Fields whose Python value psycopg writes as it is (everything else goes through the field's
# own get_db_prep_save, e.g. JSON or encrypted fields).
_PLAIN = {
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DateTimeField,
    models.DecimalField,
    models.ForeignKey,
    models.OneToOneField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
}


def _copy_available() -> bool:
    return connection.vendor == "postgresql"


def _new_ids(model, count: int) -> list[int]:
    """`count` ids from the table's own sequence, in order."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(table), column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model, columns: Sequence[str], rows) -> None:
    qn = connection.ops.quote_name
    # Identifiers come from the model's own metadata, never from input.
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def insert_rows(model, fields: Sequence[str], rows: Sequence[tuple], *, ids: bool = False):
    """Insert plain tuples into `model`'s `fields` (every column without a database default;
    Python values: dates, datetimes, Decimals, str, int, bool, None); returns the new ids in
    row order when `ids`. No field defaults, no auto_now: the caller gives every value."""
    if not rows:
        return []
    opts = model._meta
    model_fields = [opts.get_field(f) for f in fields]
    columns = [f.column for f in model_fields]
    if _copy_available():
        new = _new_ids(model, len(rows)) if ids else []
        if ids:
            columns = [opts.pk.column, *columns]
            rows = [(i, *r) for i, r in zip(new, rows, strict=True)]
        _copy(model, columns, rows)
        return new
    # Elsewhere (SQLite): one executemany() of the field-prepared values. The ids follow the
    # table's highest: the seeding transaction holds SQLite's write lock, nobody else inserts.
    new = []
    if ids:
        start = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        new = list(range(start, start + len(rows)))
        columns = [opts.pk.column, *columns]
        model_fields = [opts.pk, *model_fields]
        rows = [(i, *r) for i, r in zip(new, rows, strict=True)]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                [f.get_db_prep_save(v, connection) for f, v in zip(model_fields, r, strict=True)]
                for r in rows
            ],
        )
    return new


def create(objs: list, *, batch_size: int = 2000) -> list:
    """bulk_create for unsaved instances of one model, through COPY on PostgreSQL; sets
    each instance's pk (as bulk_create does) and returns the list."""
    if not objs:
        return objs
    model = type(objs[0])
    opts = model._meta
    if not _copy_available() or type(opts.pk) not in _PLAIN:
        return model.objects.bulk_create(objs, batch_size=batch_size)
    fields = [f for f in opts.concrete_fields if not f.primary_key and not f.generated]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for obj in objs:
        # As bulk_create: a parent saved after the child was built lends it its pk now.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
        for f in stamped:
            f.pre_save(obj, add=True)
    getters = []
    for f in fields:
        if type(f) in _PLAIN:
            getters.append((f.attname, None))
        elif isinstance(f, models.JSONField):
            getters.append((f.attname, lambda v, f=f: _json(v, f)))
        else:
            getters.append((f.attname, lambda v, f=f: f.get_db_prep_save(v, connection)))
    ids = _new_ids(model, len(objs))
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias

    def rows():
        for obj in objs:
            values = obj.__dict__
            yield [
                values[name] if convert is None else convert(values[name])
                for name, convert in getters
            ]

    _copy(
        model,
        [opts.pk.column, *(f.column for f in fields)],
        ([o.pk, *r] for o, r in zip(objs, rows(), strict=True)),
    )
    return objs


def _json(value, field):
    if value is None and field.null:
        return None
    return json.dumps(value, cls=field.encoder)


@contextmanager
def foreign_keys_checked_at_end() -> Iterator[None]:
    """Within a transaction: on PostgreSQL, drop the schema's foreign keys for a bulk load and
    add them back (same names, same definitions) at the end, each checked by one query over
    its whole table, as the PostgreSQL manual advises for populating a database.

    Django's foreign keys are deferred: every inserted row queues a check that runs at the
    commit as a lookup of the referenced row with a row lock, ≈ 3 million of them at 50,000
    demo families. A violation still fails the load (ALTER TABLE ... ADD raises). The tables
    are locked (ACCESS EXCLUSIVE) until the transaction ends: for seeding, not for a live
    system. Elsewhere (SQLite) nothing changes. On an exception the savepoint's rollback
    restores the constraints."""
    if not _copy_available():
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("foreign_keys_checked_at_end() needs a transaction")
    # A savepoint of its own: if the load fails, the keys come back with its rollback even
    # when the caller catches the error and commits the rest of its transaction.
    with transaction.atomic():
        with connection.cursor() as cursor:
            # ALTER TABLE refuses a table with checks still queued: run the queued ones now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' "
                "AND connamespace = current_schema()::regnamespace ORDER BY conrelid, conname"
            )
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield
        with connection.cursor() as cursor:
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def insert_returning(
    model, common: dict[str, Any], rows: list[dict[str, Any]], *, batch_size: int = 500
) -> list[int]:
    """Rows of `model` that share `common`'s values and differ in `rows`' (dicts with the
    same keys, attnames), in one INSERT … RETURNING statement per batch, in the caller's
    transaction if there is one; returns their ids, in row order.

    For the few rows a request or a save writes on its hot path (the audit row, a plan
    history event): unlike create() or bulk_create() no instance is built, no signal is
    sent and nothing is compiled beyond the statement's text, and the shared values are
    prepared once. No field defaults, no auto_now: the caller gives every value.

    On PostgreSQL the rows' own values go as one array per column, so the statement's text
    is the same for any number of rows: written once per process and prepared once per
    connection (bi18.lib.prepared), where a list page's 25 audit rows were a 300-placeholder
    text that psycopg parsed anew on every request (≈ 0.6 ms of CPU)."""
    connection = connections[router.db_for_write(model)]
    fields = _fields(model)
    names = tuple(rows[0])
    shared = [fields[n].get_db_prep_save(v, connection) for n, v in common.items()]
    postgresql = connection.vendor == "postgresql"
    ids: list[int] = []
    with prepared_cursor(connection) as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            if postgresql:
                params = [*shared]
                params += [
                    [fields[n].get_db_prep_save(r[n], connection) for r in batch] for n in names
                ]
            else:
                params = []
                for row in batch:
                    params += shared
                    params += [fields[n].get_db_prep_save(row[n], connection) for n in names]
            count = 1 if postgresql else len(batch)
            sql = _insert_statement(model, connection.alias, tuple(common), names, count)
            cursor.execute(sql, params)
            ids += [row[0] for row in cursor.fetchall()]
    return ids


@functools.cache
def _fields(model) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}


@functools.cache
def _insert_statement(
    model, alias: str, common: tuple[str, ...], names: tuple[str, ...], count: int
) -> str:
    """insert_returning()'s statement, once per process and shape. On PostgreSQL the shared
    values are cast to their columns' types and the rows' come from one array per column,
    unnested in the arrays' order (WITH ORDINALITY … ORDER BY: the ids come back in row
    order); elsewhere `count` rows of placeholders."""
    connection = connections[alias]
    meta = model._meta
    fields = _fields(model)
    qn = connection.ops.quote_name
    columns = ", ".join(qn(fields[n].column) for n in [*common, *names])
    head = f"INSERT INTO {qn(meta.db_table)} ({columns})"
    returning = f"RETURNING {qn(meta.pk.column)}"
    if connection.vendor != "postgresql":
        row = "(" + ", ".join(["%s"] * (len(common) + len(names))) + ")"
        return f"{head} VALUES {', '.join([row] * count)} {returning}"

    def cast(name: str) -> str:
        # Without a length or precision: an explicit cast to varchar(20) would cut a longer
        # value silently, where the column's own check refuses it.
        return _MODIFIER.sub("", fields[name].cast_db_type(connection))

    values = [f"%s::{cast(n)}" for n in common]
    if not names:
        return f"{head} VALUES ({', '.join(values)}) {returning}"
    own = [f"c{i}" for i in range(len(names))]
    select = ", ".join([*values, *(f"r.{c}" for c in own)])
    arrays = ", ".join(f"%s::{cast(n)}[]" for n in names)
    rows = f"unnest({arrays}) WITH ORDINALITY AS r({', '.join(own)}, n)"
    return f"{head} SELECT {select} FROM {rows} ORDER BY r.n {returning}"  # noqa: S608 - names from _meta


_MODIFIER = re.compile(r"\([^)]*\)")
