"""Paging a list of hundreds of thousands of rows without counting them."""

import json
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection

LARGE_TABLE = 10_000  # rows from which an estimate serves


class EstimatedCount(Paginator):
    """Rows counted by PostgreSQL's planner estimate (from the statistics that ANALYZE and
    autovacuum keep; `estimated` says when it is one) where it expects many: an exact count
    of a province's million reports, or of its 100,000 tasks, took most of a page's time.
    Fewer rows, and other databases, are counted."""

    estimated = False

    @cached_property
    def count(self):
        if connection.vendor == "postgresql":
            plan = json.loads(self.object_list.order_by().explain(format="json"))
            estimate = int(plan[0]["Plan"]["Plan Rows"])
            if estimate >= LARGE_TABLE:
                self.estimated = True
                return estimate
        return super().count
