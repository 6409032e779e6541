"""Paging a whole table of hundreds of thousands of rows without counting them."""

from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection

LARGE_TABLE = 10_000  # rows from which an estimate serves


class EstimatedCount(Paginator):
    """A whole table's rows counted by PostgreSQL's estimate (kept by ANALYZE and autovacuum;
    `estimated` says when it is one): an exact count of a province's million reports took
    most of a page's time. Small tables, and other databases, are counted."""

    estimated = False

    @cached_property
    def count(self):
        if connection.vendor == "postgresql":
            table = self.object_list.model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
                estimate = int(cursor.fetchone()[0])
            if estimate >= LARGE_TABLE:
                self.estimated = True
                return estimate
        return super().count
