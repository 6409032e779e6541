"""Writing many rows' fields at once.

Django's `bulk_update` writes a CASE with a WHEN per row for every field, which it builds as
Python expression objects: at a thousand rows that costs more than the rest of a refresh. One
`UPDATE … FROM (VALUES …)` joins the new values instead (PostgreSQL, and SQLite since 3.33).
"""

from django.db import connections, router

BATCH = 1000


def update_rows(objs, fields):
    """Writes `fields` of `objs` (instances of one model, saved) as they are in memory: one
    statement a thousand rows, none for no rows. Like `bulk_update`, it sends no signals and
    touches no `auto_now` field. Names come from the model's meta, values as parameters."""
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    quote, meta = connection.ops.quote_name, model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    table = quote(meta.db_table)
    # VALUES names its columns column1, column2, … on both databases.
    pairs = ", ".join(f"{quote(f.column)} = v.column{n}" for n, f in enumerate(columns[1:], 2))
    row = values_row(columns, connection)
    with connection.cursor() as cursor:
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            params = [
                f.get_db_prep_save(getattr(obj, f.attname), connection)
                for obj in batch
                for f in columns
            ]
            values = ", ".join([row] * len(batch))
            cursor.execute(
                f"UPDATE {table} SET {pairs} FROM (VALUES {values})"  # noqa: S608
                f" AS v WHERE {table}.{quote(meta.pk.column)} = v.column1",
                params,
            )


def values_row(fields, connection):
    """A row of a VALUES list: a parameter for each field, cast to its column's type (in a
    column of NULLs PostgreSQL would guess text)."""
    return "(" + ", ".join(f"CAST(%s AS {f.cast_db_type(connection)})" for f in fields) + ")"
