"""Writing many rows' fields at once.

Django's `bulk_update` writes a CASE with a WHEN per row for every field, which it builds as
Python expression objects: at a thousand rows that costs more than the rest of a refresh. One
`UPDATE … FROM (VALUES …)` joins the new values instead (PostgreSQL, and SQLite since 3.33).
"""

from django.db import connections, router

BATCH = 1000


def update_rows(objs, fields, *, add=False):
    """Writes `fields` of `objs` (instances of one model, saved) as they are in memory: one
    statement a thousand rows, none for no rows. With `add`, what is in memory is added to what
    is stored (counters moved by a difference). Like `bulk_update`, it sends no signals and
    touches no `auto_now` field."""

    def update(meta, quote, columns, values):
        table = quote(meta.db_table)
        # VALUES names its columns column1, column2, … on both databases.
        pairs = []
        for n, field in enumerate(columns[1:], start=2):
            column = quote(field.column)
            value = f"{table}.{column} + v.column{n}" if add else f"v.column{n}"
            pairs.append(f"{column} = {value}")
        return (
            f"UPDATE {table} SET {', '.join(pairs)} FROM (VALUES {values})"  # noqa: S608
            f" AS v WHERE {table}.{quote(meta.pk.column)} = v.column1"
        )

    write_rows(objs, fields, update)


def upsert_rows(objs, fields, *, bump):
    """Inserts `objs` (instances of one model), or where a row with the same key is stored
    writes their `fields` onto it, and counts `bump` up by one on every row written (a new
    row starts at 1): one statement a thousand rows, where `bulk_create` with
    `update_conflicts` and an update of the counter took two, each built by the ORM."""

    def upsert(meta, quote, columns, values):
        table = quote(meta.db_table)
        names = ", ".join(quote(f.column) for f in columns)
        counter = quote(meta.get_field(bump).column)
        updates = ", ".join(f"{quote(f.column)} = excluded.{quote(f.column)}" for f in columns[1:])
        return (
            f"INSERT INTO {table} ({names}, {counter}) VALUES {values}"  # noqa: S608
            f" ON CONFLICT ({quote(meta.pk.column)}) DO UPDATE SET {updates},"
            f" {counter} = {table}.{counter} + 1"
        )

    write_rows(objs, fields, upsert, extra="1")


def write_rows(objs, fields, statement, extra=""):
    """Runs `statement(meta, quote, columns, values)` for each thousand of `objs` (instances
    of one model; none for none): `values` is a VALUES list of their primary keys and `fields`
    (`columns`, in that order) as parameters, and `extra`, SQL added to each row. Names come
    from the model's meta, values as parameters."""
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    row = values_row(columns, connection)
    if extra:
        row = f"{row[:-1]}, {extra})"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            params = [
                f.get_db_prep_save(getattr(obj, f.attname), connection)
                for obj in batch
                for f in columns
            ]
            values = ", ".join([row] * len(batch))
            cursor.execute(statement(meta, connection.ops.quote_name, columns, values), params)


def values_row(fields, connection):
    """A row of a VALUES list: a parameter for each field, cast to its column's type (in a
    column of NULLs PostgreSQL would guess text)."""
    return "(" + ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields) + ")"
