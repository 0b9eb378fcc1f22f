"""Hot queries compiled once per shape and run again with new values.

Building a queryset from Q objects (the one visibility rule is a tree of them) and compiling
it to SQL costs Django more CPU than PostgreSQL spends running the query: the live poll's
fingerprint, its changed rows and the panel's counts were each 1 to 3 ms of the app's CPU,
most of it compiling (bench/README.md, issue 23). So a hot query is built once per *shape*
with stand-in values, compiled, and its SQL kept in the process with the places of each
stand-in among its parameters; every later call with the same shape only puts the real values
in those places and runs the SQL. The rule itself is still written once, as Q objects: this
keeps only what Django compiled from them.

A shape is everything that changes the SQL's text rather than a parameter's value (a teacher
or a student, a gate, the kind of reading scope, how many ids a list holds): the caller names
it in `key`. A stand-in that Django does not pass as a parameter (it would be written into the
SQL, or transformed on the way) makes the shape uncompilable, and it is then always run
through the ORM, as it is on databases other than PostgreSQL (SQLite in quick test runs).
"""

import threading
from datetime import UTC, datetime, timedelta

from django.db import connections

try:
    import psycopg
except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite runs need none
    psycopg = None

# Stand-ins for ids: far below any id a table will ever hand out, and distinct.
_ID_BASE = -7_340_032_000_000_000_000
# Stand-ins for moments: a day of year one apiece.
_MOMENT_BASE = datetime(1, 1, 1, tzinfo=UTC)

_UNCOMPILABLE = object()
_kept: dict = {}
_lock = threading.Lock()


def _stand_in(index: int, value):
    if isinstance(value, datetime):
        return _MOMENT_BASE + timedelta(days=index + 1)
    if isinstance(value, list | tuple):  # a list of ids: its length is part of the shape
        return [_ID_BASE - 1_000_000 - index * 10_000 - j for j in range(len(value))]
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"only ids and moments can vary within a shape, not {value!r}")
    return _ID_BASE - index


def _flat(name: str, value) -> list:
    """(name, position in a list or None, stand-in or value) for each value."""
    if isinstance(value, list):
        return [(name, j, item) for j, item in enumerate(value)]
    return [(name, None, value)]


def _compile(build, values: dict, using: str):
    stand_ins = {name: _stand_in(i, value) for i, (name, value) in enumerate(values.items())}
    try:
        queryset = build(**stand_ins)
        compiler = queryset.query.get_compiler(using)
        sql, params = compiler.as_sql()
    except (ValueError, TypeError, AssertionError):  # a value Django checks, e.g. a slice
        return _UNCOMPILABLE
    flat = [item for name, stand_in in stand_ins.items() for item in _flat(name, stand_in)]
    places = []
    for place, param in enumerate(params):
        for name, j, stand_in in flat:
            if type(param) is type(stand_in) and param == stand_in:
                places.append((place, name, j))
    found = {(name, j) for _, name, j in places}
    inlined = any(str(stand_in) in sql for _, _, stand_in in flat if isinstance(stand_in, int))
    if found != {(name, j) for name, j, _ in flat} or inlined or not queryset._fields:
        return _UNCOMPILABLE
    # As Django reads a values_list row (SQLCompiler.results_iter): its converters per
    # column (a JSON field's text, a sum's number), and only the columns asked for (an
    # ordering can add some of its own after them).
    width = compiler.col_count
    converters = compiler.get_converters([column[0] for column in compiler.select[:width]])
    return sql, tuple(params), tuple(places), converters, width


def rows(key: tuple, build, *, using: str = "default", **values) -> list[tuple]:
    """The rows of the values_list queryset `build(**values)` returns, as tuples, as Django
    would read them. `values` are ids (ints), lists of ids and moments (aware datetimes);
    everything else that shapes the query must be in `key` (a list's length is added to
    it). On PostgreSQL the SQL is compiled once per key
    and process; elsewhere, or when the shape cannot be kept, the queryset is built and run
    as usual."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return [tuple(row) for row in build(**values)]
    lengths = tuple(len(v) for v in values.values() if isinstance(v, list | tuple))
    values = {name: list(v) if isinstance(v, tuple) else v for name, v in values.items()}
    key = (*key, lengths) if lengths else key
    entry = _kept.get(key)
    if entry is None:
        entry = _compile(build, values, using)
        with _lock:
            _kept[key] = entry
    if entry is _UNCOMPILABLE:
        return [tuple(row) for row in build(**values)]
    sql, params, places, converters, width = entry
    params = list(params)
    for place, name, j in places:
        params[place] = values[name] if j is None else values[name][j]
    found = _run(connection, sql, params)
    if found and len(found[0]) > width:
        found = [row[:width] for row in found]
    if converters:
        converted = []
        for row in found:
            row = list(row)
            for column, (functions, expression) in converters.items():
                value = row[column]
                for function in functions:
                    value = function(value, expression, connection)
                row[column] = value
            converted.append(row)
        found = converted
    return [tuple(row) for row in found]


def related_columns(paths) -> list[str]:
    """The columns of a row read as select_related reads it: `paths` are (lookup prefix,
    model) pairs, the first with prefix "" (the model queried), e.g. ("classroom__",
    Classroom). Every concrete field of each, in order."""
    return [
        prefix + field.attname for prefix, model in paths for field in model._meta.concrete_fields
    ]


def related_instances(row, paths, *, using: str = "default") -> tuple[list, tuple]:
    """The model instances of a row read by `related_columns(paths)` (Model.from_db, as
    select_related makes them), and the rest of the row after their columns. Linking them
    to one another is the caller's (`assignment.classroom = classroom`)."""
    instances, start = [], 0
    for _, model in paths:
        names = [field.attname for field in model._meta.concrete_fields]
        instances.append(model.from_db(using, names, row[start : start + len(names)]))
        start += len(names)
    return instances, tuple(row[start:])


# A kept shape runs as a prepared statement from its second use on a connection: PostgreSQL
# then parses and plans it once per connection rather than once per request.
PREPARE_AFTER = 1


def _prepared_cursor(connection):
    """A cursor that binds parameters on the server, so that PostgreSQL can keep the
    statement prepared, wrapped as Django wraps its own (query logging, execute wrappers,
    error translation); None when the driver offers no such thing (psycopg 2). The rest of
    the app keeps Django's default client-side binding. One is kept per database connection
    and used again for every kept query on it (a cursor holds nothing between two queries
    read to the end); a new connection gets a new one."""
    connection.ensure_connection()
    raw = connection.connection
    if psycopg is None or not isinstance(raw, psycopg.Connection):
        return None
    kept = getattr(connection, "_compiled_cursor", None)
    if kept is None or kept.connection is not raw or kept.closed:
        raw.prepare_threshold = PREPARE_AFTER  # client-side cursors never prepare
        kept = connection._compiled_cursor = psycopg.Cursor(raw)
    # Wrapped anew each time: whether queries are logged (DEBUG, assertNumQueries) can change.
    return connection._prepare_cursor(kept)


def _run(connection, sql, params) -> list:
    cursor = _prepared_cursor(connection)
    if cursor is None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    cursor.execute(sql, params)
    return cursor.fetchall()


def kept_shapes() -> dict:
    """The shapes kept so far, and whether each compiled (for tests)."""
    return {key: entry is not _UNCOMPILABLE for key, entry in _kept.items()}
