"""Reads whose SQL is built once: the pages' commonest queries, compiled on first use and then
only executed with new values.

Django builds and compiles a queryset's SQL on every evaluation: cloning the query, resolving
each filter, choosing the columns of every joined model and quoting each of them. For the
reads every page makes (a task with its plan, its units, a tally's version) that work cost
more CPU than the database took to answer (docs/performance.md). A `Prepared` read compiles
its queryset once per database connection and shape, with a marker in place of each
argument, and from then on puts the arguments where the markers were and executes the SQL
through the same compiler, so that rows become the same values or model instances. On
PostgreSQL a read used twice on a database session is also prepared in the server (`PREPARE`),
and then executed by name: parsing and planning the statement cost PostgreSQL two to five
times what executing it does (docs/performance.md).

An argument may be an int, a str, a date or a list of them (the list's length is part of the
shape); anything else, None included, is refused, since it could change the SQL itself
(`= NULL` is not `IS NULL`). An int past 64 bits matches no row, as in Django's own integer
lookups (a URL's id can be any number of digits). A marker that does not come out as a
parameter of its own (a value inlined in the SQL, or transformed by its lookup) is refused
when the read is first compiled. With `CHECK` on, as the test suite runs, every call also
builds its queryset and compares the SQL and parameters with what it executes.
"""

import datetime
import re
from collections import Counter
from itertools import count

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections

_reads = count()
_statements = count()
CHECK = False
BIGINT = 2**63
# Uses of a read on a session before it is prepared in the server; None: never (the tests that
# read the values a statement ran with).
PREPARE_AFTER = 2


class Prepared:
    """A read of the default database: `build(*args)` returns its queryset; called with the
    same arguments, the read returns the rows that queryset would give, as a list."""

    def __init__(self, build):
        self.build = build
        self.key = next(_reads)

    def __call__(self, *args):
        compiled = self.compiled(args)
        if any(type(v) is int and not -BIGINT <= v < BIGINT for v in values(args)):
            return []
        if CHECK:
            self.check(compiled, args)
        return [] if compiled is None else list(compiled.bind(args))

    def check(self, compiled, args):
        try:
            expected = self.build(*args).query.sql_with_params()
        except EmptyResultSet:
            expected = None
        executed = compiled and (compiled.sql, compiled.params(args))
        if executed != expected:
            raise AssertionError(f"prepared read {executed} differs from {expected}")

    def first(self, *args):
        rows = self(*args)
        return rows[0] if rows else None

    def compiled(self, args):
        for value in values(args):
            if type(value) not in (int, str, datetime.date):
                raise TypeError(f"a prepared read takes ints, strs and dates, not {value!r}")
        shape = (self.key, *(len(a) if isinstance(a, list) else None for a in args))
        # Per connection: the compiler keeps it, and each thread has its own.
        cache = connections[DEFAULT_DB_ALIAS].__dict__.setdefault("prepared_reads", {})
        if shape not in cache:
            cache[shape] = compile_read(self.build, args)
        return cache[shape]


def values(args):
    for arg in args:
        yield from arg if isinstance(arg, list) else [arg]


def marker(n, value):
    """A value of the argument's type that no query of the product holds."""
    if isinstance(value, int):
        return 7 * 10**18 + n
    if isinstance(value, str):
        return f"\x00marker{n}\x00"
    return datetime.date(1001 + n, 1, 1)


def compile_read(build, args):
    numbers = count()
    markers = [
        [marker(next(numbers), v) for v in a] if isinstance(a, list) else marker(next(numbers), a)
        for a in args
    ]
    slots = {}  # (type, value) of each marker's parameter → where its argument is
    for position, value in enumerate(markers):
        for item, one in enumerate(value) if isinstance(value, list) else [(None, value)]:
            slots[type(one), one] = (position, item, None)
            if isinstance(one, datetime.date):  # SQLite binds dates as text
                slots[str, one.isoformat()] = (position, item, datetime.date.isoformat)
    template = build(*markers)
    compiler = template.query.get_compiler(DEFAULT_DB_ALIAS)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    places = [slots.get((type(p), p)) for p in params]
    if {p[:2] for p in places if p} != {p[:2] for p in slots.values()}:
        raise ValueError("each argument of a prepared read must be a parameter of its own")
    return Compiled(template, compiler, sql, params, places)


class Compiled:
    def __init__(self, template, compiler, sql, constants, places):
        self.template, self.compiler, self.sql = template, compiler, sql
        self.constants, self.places = constants, places
        # What turns the database's values into Python's, asked for on each execution.
        selected = [column for column, *_ in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(selected)
        self.name = None
        if compiler.connection.vendor == "postgresql":
            self.name = f"reform_read_{next(_statements)}"

    def params(self, args):
        bound = []
        for constant, place in zip(self.constants, self.places, strict=True):
            if place is None:
                bound.append(constant)
                continue
            position, item, convert = place
            value = args[position] if item is None else args[position][item]
            bound.append(convert(value) if convert else value)
        return tuple(bound)

    def bind(self, args):
        """A copy of the template queryset, not yet evaluated, that executes this SQL with
        `args` as its parameters."""
        compiler = copy(self.compiler)
        statement = self.statement(self.params(args))
        compiler.as_sql = lambda *_args, **_kwargs: statement
        compiler.get_converters = lambda _expressions: self.converters
        queryset = copy(self.template)
        queryset._result_cache, queryset._prefetch_done = None, False
        # Not through the `query` setter, which would make a values_list() a values().
        queryset._query = Fixed(self.template.query, compiler)
        return queryset

    def statement(self, params):
        """The SQL to run with `params`: by name where the server has it prepared, with the
        statement itself in a comment, as logs and the tests read it."""
        if self.name is None or PREPARE_AFTER is None or not Session.current().prepared(self):
            return self.sql, params
        values = f" ({', '.join(['%s'] * len(params))})" if params else ""
        shown = self.sql.replace("%", "%%").replace("*/", "* /")
        return f"EXECUTE {self.name}{values} /* {shown} */", params

    def server_sql(self):
        """The SQL with PostgreSQL's numbered parameters ($1, $2…) for its placeholders."""
        numbers = count(1)
        return re.sub(r"%[s%]", lambda m: f"${next(numbers)}" if m[0] == "%s" else "%", self.sql)


class Session:
    """What the server has prepared on the current database session: a statement prepared
    lasts as long as the session, and Django opens a new one when the old one is too old
    (CONN_MAX_AGE) or broken."""

    def __init__(self, key):
        self.key, self.ready, self.uses = key, set(), Counter()

    @classmethod
    def current(cls):
        wrapper = connections[DEFAULT_DB_ALIAS]
        wrapper.ensure_connection()
        key = (id(wrapper.connection), wrapper.connection.info.backend_pid)
        session = wrapper.__dict__.get("prepared_session")
        if session is None or session.key != key:
            session = wrapper.__dict__["prepared_session"] = cls(key)
        return session

    def prepared(self, compiled):
        """Whether `compiled` is prepared, preparing it on its PREPARE_AFTER-th use. Not
        through Django's cursor: it is no query of the page, and a page's count of queries
        stays the same. In a transaction, within a savepoint: a statement the server refuses
        to prepare is run as it is from then on, and the transaction goes on."""
        if compiled.name in self.ready:
            return True
        self.uses[compiled.name] += 1
        if self.uses[compiled.name] < PREPARE_AFTER:
            return False
        wrapper = connections[DEFAULT_DB_ALIAS]
        savepoint = wrapper.in_atomic_block
        with wrapper.connection.cursor() as cursor:
            try:
                if savepoint:
                    cursor.execute("SAVEPOINT reform_prepare")
                cursor.execute(f"PREPARE {compiled.name} AS {compiled.server_sql()}")
            except wrapper.Database.Error:  # the driver's own: not through Django's cursor
                if savepoint:
                    cursor.execute("ROLLBACK TO SAVEPOINT reform_prepare")
                compiled.name = None
                return False
            if savepoint:
                cursor.execute("RELEASE SAVEPOINT reform_prepare")
        self.ready.add(compiled.name)
        return True


def copy(obj):
    """A shallow copy without `__getstate__` (a queryset's evaluates it)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


class Fixed:
    """A query whose compiler is given: Django's iterables ask it for one and execute that."""

    def __init__(self, query, compiler):
        self.query, self.compiler = query, compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiler

    def __getattr__(self, name):
        return getattr(self.query, name)
