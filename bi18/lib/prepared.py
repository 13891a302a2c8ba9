"""Server-side prepared statements for the few fixed statements every request runs.

Every logged-in request reads its session, its user's roles and (on case pages) its scope:
the same statement text each time with other values. Django sends each as a new query
(client-side binding), and PostgreSQL plans it anew: the roles query's five joins cost
≈ 0.4–1 ms of planning on the database's CPU, against ≈ 0.05 ms to run it. A prepared
statement is planned once per connection (psycopg keeps them per connection, so with
persistent connections once per worker and statement).

Only on PostgreSQL with psycopg 3, and not behind PgBouncer in transaction mode (a
connection there is not ours between transactions, settings PREPARED_STATEMENTS). Everything
else – SQLite, a pooler – gets Django's ordinary cursor. Either way the statement goes through
Django's cursor wrapper, so it is counted, logged and seen by execute wrappers as any query.

For fixed statements only: the statement text must be the same on every call (values as
parameters), or the connection collects prepared statements by the hundred.
"""

import datetime
import functools
import re
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.postgresql.base import CursorDebugWrapper, ServerBindingCursor
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators
from psycopg import errors


class _PreparingCursor(ServerBindingCursor):
    """Django's server-side binding cursor (psycopg 3), preparing every statement it executes."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _DebugWrapper(CursorDebugWrapper):
    """Logs a statement with its values written in, as Django's query log has it for every
    other query (tests, the benchmark's EXPLAIN): this cursor's own text has $1 placeholders,
    and none at all once the statement is prepared."""

    @contextmanager
    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        if use_last_executed_query and not many:
            with suppress(errors.DataError):
                sql = self.db.ops.compose_sql(sql, params)
        with super().debug_sql(sql, params, use_last_executed_query=False, many=many):
            yield


def prepared_cursor(connection):
    """A cursor of `connection` whose statements PostgreSQL prepares (see above), else
    `connection.cursor()`; use it as a context manager, as connection.cursor()."""
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        return connection.cursor()
    # As Django's own cursor(): a kept connection that broke (a database restart) is
    # replaced rather than failing the request (CONN_HEALTH_CHECKS).
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    # Wrapped as Django wraps its own cursors: counted, logged, seen by execute wrappers.
    cursor = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return _DebugWrapper(cursor, connection)
    return connection.make_cursor(cursor)


# --- Queries the ORM builds once per process ----------------------------------------------

# The two sets of stand-in values a query is built with (see fixed_values). The ints lie in
# the range of every integer column (0..32767: PositiveSmallIntegerField): the ORM leaves out
# a comparison whose int is outside its column's range (Django's IntegerFieldOverflow: `>=`
# an int below an int4 column's range matches every row), and a query built so would leave
# it out for every call. Away from the small counts and days the queries hold as constants;
# a constant that met a stand-in is named in one build only, so refused, never taken for a
# value. Lists' stand-ins are _LIST_OFFSET above the scalars'.
_INT_STAND_INS = (20_011, 26_017)
_LIST_OFFSET = 3_000
_DATE_STAND_INS = (1101, 1401)  # years


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: the query can match nothing (Django's EmptyResultSet)
    # Per parameter: (name, the ORM's wrapper of the value or None, is a list) or, for a
    # constant of the query, (None, its value, False).
    slots: tuple
    converters: dict
    col_count: int
    names: tuple[str, ...] = ()  # a values() query's keys
    # A query of model instances, as Django's ModelIterable reads its rows.
    klass_info: dict | None = None
    select: tuple = ()
    annotation_col_map: dict | None = None


_compiled: dict = {}
# The build function of each key, by its code: one key is one query of one place (two places
# that chose the same key would each get the other's rows).
_builders: dict = {}


def forget_compiled(**kwargs) -> None:
    """Forget every compiled query (connected to `setting_changed` by the accounts app: a
    query may carry a setting, such as a rule's number of days, in its text)."""
    _compiled.clear()
    _builders.clear()


def _builder(build):
    """What identifies a build function from call to call: its code (a closure or a lambda
    made anew on each call has the same code)."""
    while isinstance(build, functools.partial):
        build = build.func
    return getattr(build, "__code__", build)


def fixed_values(key, build, values: dict, *, using: str = DEFAULT_DB_ALIAS) -> list[dict]:
    """The rows of the values() queryset `build(values)`, built and compiled by the ORM once
    per process and `key`, then run as a prepared statement with each call's `values`.

    Building a query of a few filters and sub-queries costs the ORM a millisecond or more of
    CPU, every time, for the same SQL text; this pays it once. The contract of `build`:
    * it takes a mapping of `values` and returns a values() queryset;
    * every value it is given goes into the query as it is (a filter's or an annotation's
      operand) - nothing computed from a value (pass a derived date as a value of its own),
      and no Python decision on one: what changes the query's shape (a flag, a value present
      or not) goes into `key`;
    * a value is an int, a str, a date, an aware timestamp, or a list of ints used with
      `__in` (run as `= ANY(array)`: one statement whatever its length; an empty list is
      left out as the ORM leaves it, one more shape).
    The query is built twice (never run) with two sets of stand-in values (_INT_STAND_INS):
    a value used any other way gives different SQL text or constants, and is refused.

    Elsewhere than on PostgreSQL the ORM builds and runs the query on every call, with the
    values themselves (the same rows: tests compare the two)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return list(build(values))
    compiled, rows = _run(key, build, values, connection, ValuesIterable)
    return [dict(zip(compiled.names, row, strict=True)) for row in rows]


def fixed_instances(key, build, values: dict, *, using: str = DEFAULT_DB_ALIAS) -> list:
    """fixed_values() for a queryset of model instances (select_related and annotations
    included, prefetch_related not): the instances as the ORM makes them."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return list(build(values))
    compiled, rows = _run(key, build, values, connection, ModelIterable)
    if not rows:
        return []
    # As ModelIterable.__iter__ (django.db.models.query), from the compiled query's parts.
    klass_info, select = compiled.klass_info, compiled.select
    model = klass_info["model"]
    first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[first:last]]
    populators = get_related_populators(klass_info, list(select), using)
    annotations = compiled.annotation_col_map
    objects = []
    for row in rows:
        obj = model.from_db(using, init_list, row[first:last])
        for populator in populators:
            populator.populate(row, obj)
        if annotations:
            for name, position in annotations.items():
                setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def store_prefetched(objects, name: str, children, *, by: str) -> None:
    """Store `children` (read by fixed_instances) on `objects` as prefetch_related(name)
    stores a related manager's rows: each object's `<name>.all()` gives, without a query,
    the children whose `by` (e.g. "goal_id") is its pk, in their order."""
    groups: dict = {}
    for child in children:
        groups.setdefault(getattr(child, by), []).append(child)
    for obj in objects:
        manager = getattr(obj, name)
        mine = groups.get(obj.pk, [])
        if hasattr(manager, "prefetch_cache_name"):  # many-to-many
            cache_name = manager.prefetch_cache_name
        else:  # a reverse foreign key: each child knows its object, as Django's prefetch sets
            cache_name = manager.field.remote_field.cache_name
            for child in mine:
                manager.field.set_cached_value(child, obj)
        queryset = manager.get_queryset()  # filtered to the object, as Django's prefetch
        queryset._result_cache = mine
        queryset._prefetch_done = True
        if not hasattr(obj, "_prefetched_objects_cache"):
            obj._prefetched_objects_cache = {}
        obj._prefetched_objects_cache[cache_name] = queryset


def _run(key, build, values, connection, iterable) -> tuple[_Compiled, list]:
    # An empty list is left out of the SQL as Django leaves it (a branch that matches
    # nothing): `x = ANY('{}')` would keep the branch, and with it the planner from using
    # the other branches' indexes. So which lists are empty is part of the shape.
    empty = frozenset(name for name, value in values.items() if _is_list(value) and not value)
    code = _builders.setdefault((connection.alias, key), _builder(build))
    if code is not _builder(build):
        raise ValueError(f"the key {key!r} is used by two different queries; give each its own")
    # Which values are given is part of the shape too (a build may test `"x" in v`).
    cache_key = (connection.alias, key, frozenset(values), empty)
    compiled = _compiled.get(cache_key)
    if compiled is None:
        compiled = _compiled[cache_key] = _compile(build, values, connection, iterable)
    if compiled.sql is None:
        return compiled, []
    params = []
    for name, extra, is_list in compiled.slots:
        if name is None:
            params.append(extra)  # a constant
        elif is_list:
            params.append(sorted(values[name]))
        else:
            params.append(extra(values[name]) if extra else values[name])
    with prepared_cursor(connection) as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    count, converters = compiled.col_count, compiled.converters
    result = []
    for row in rows:
        row = list(row[:count])
        for pos, (functions, expression) in converters.items():
            for function in functions:
                row[pos] = function(row[pos], expression, connection)
        result.append(row)
    return compiled, result


def _stand_ins(values: dict, which: int) -> tuple[dict, dict]:
    """Stand-ins for `values` and, for each, the name it stands for (and whether a list)."""
    given, names = {}, {}
    for index, (name, value) in enumerate(sorted(values.items())):
        if isinstance(value, bool) or value is None:
            raise TypeError(
                f"{name}: a flag or a missing value shapes the query; put it in the key"
            )
        if isinstance(value, int):
            stand_in = _INT_STAND_INS[which] + index
        elif isinstance(value, datetime.datetime):
            if value.tzinfo is None:
                raise TypeError(f"{name}: a timestamp must be aware")
            stand_in = datetime.datetime(
                _DATE_STAND_INS[which] + index, 1 + which, 1 + index % 28, tzinfo=datetime.UTC
            )
        elif isinstance(value, datetime.date):
            stand_in = datetime.date(_DATE_STAND_INS[which] + index, 1 + which, 1 + index % 28)
        elif isinstance(value, str):
            stand_in = f"\x1fstand-in {which}.{index}"
        elif _is_list(value):
            if not value:
                given[name] = []
                continue
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
                raise TypeError(f"{name}: only lists of ints are supported")
            stand_in = [_INT_STAND_INS[which] + _LIST_OFFSET + index]
            names[(int, stand_in[0])] = (name, True)
            given[name] = stand_in
            continue
        else:
            raise TypeError(f"{name}: {type(value).__name__} is not supported")
        names[(type(stand_in), stand_in)] = (name, False)
        given[name] = stand_in
    return given, names


def _compile(build, values: dict, connection, iterable) -> _Compiled:
    shots = []
    for which in (0, 1):
        given, names = _stand_ins(values, which)
        queryset = build(given)
        if queryset._iterable_class is not iterable:
            raise TypeError(f"a query of {iterable.__name__} expected")
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("prefetch_related() and a related manager's objects are not read here")
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            sql, params = None, ()
        shots.append((sql, params, names, queryset, compiler))
    (sql, params, names, queryset, compiler), (other_sql, other_params, other_names, *_) = shots
    if sql != other_sql or len(params) != len(other_params):
        raise ValueError("the query's text depends on a value: put what shapes it in the key")
    if sql is None:
        return _Compiled(None, (), (), {}, 0)
    slots = []
    for a, b in zip(params, other_params, strict=True):
        name, is_list = _named(names, a)
        other_name, _other = _named(other_names, b)
        if name is None and other_name is None and type(a) is type(b) and a == b:
            if isinstance(a, datetime.date):
                # Kept for the process's life: today's date would still be used tomorrow.
                raise ValueError(
                    f"a date or time constant ({a}) went into the query; pass it as a value"
                )
            slots.append((None, a, False))  # a constant of the query itself
        elif name is not None and name == other_name:
            # The ORM's own wrapper of an int (psycopg's Int8 for a big integer column),
            # given to each call's value too: the same parameter types as the ORM sends.
            wrapper = type(a) if not is_list and type(a) is not int and isinstance(a, int) else None
            slots.append((name, wrapper, is_list))
        else:
            raise ValueError(
                f"a value computed from one of {sorted(values)} went into the query; pass it"
                " as a value of its own"
            )
    sql = _in_as_any(sql, slots)
    selected = [column[0] for column in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(selected):
        raise TypeError("composite fields are not read here")
    converters = compiler.get_converters(selected)
    if iterable is ModelIterable:
        return _Compiled(
            sql,
            tuple(slots),
            converters,
            compiler.col_count,
            klass_info=compiler.klass_info,
            select=tuple(compiler.select),
            annotation_col_map=compiler.annotation_col_map,
        )
    query = queryset.query
    # As ValuesIterable names the columns.
    if query.selected:
        names = tuple(query.selected)
    else:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
    return _Compiled(sql, tuple(slots), converters, compiler.col_count, names=names)


def _is_list(value) -> bool:
    return isinstance(value, list | tuple | set | frozenset)


def _named(names: dict, param) -> tuple[str | None, bool]:
    kind = int if isinstance(param, int) and not isinstance(param, bool) else type(param)
    try:
        return names.get((kind, param), (None, False))
    except TypeError:  # an unhashable constant (a JSON value)
        return None, False


def _in_as_any(sql: str, slots: list) -> str:
    """`x IN (%s)` of each list value as `x = ANY(%s)`: one parameter, an array."""
    parts = _PLACEHOLDER.split(sql)  # text, placeholder, text, placeholder, ..., text
    out, slot = [parts[0]], iter(slots)
    for i in range(1, len(parts), 2):
        placeholder, text = parts[i], parts[i + 1]
        if placeholder == "%s":
            name, _constant, is_list = next(slot)
            if is_list:
                if not (out[-1].endswith(" IN (") and text.startswith(")")):
                    raise ValueError(f"{name}: a list value is for `__in` only")
                out[-1] = out[-1][: -len("IN (")] + "= ANY("
        out += [placeholder, text]
    return "".join(out)


_PLACEHOLDER = re.compile(r"(%%|%s)")
