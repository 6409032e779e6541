"""Change history as people read it: who, when, and which fields changed."""

from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

from reform.prepared import Prepared

IGNORED = {"id", "version", "updated_at"}


@dataclass
class HistoryRow:
    when: object
    who: object
    action: str
    fields: list


def history_rows(obj, limit=50):
    """The latest `limit` changes to `obj`, newest first (one query).

    Compares each record with the one before it in memory: no query per row.
    """
    historical = historical_model(type(obj))
    fields = [f for f in historical.tracked_fields if f.concrete and f.attname not in IGNORED]
    records = history_read(type(obj), limit)(obj.pk)
    rows = []
    for record, previous in zip(records, records[1:] + [None], strict=True):
        if previous is None:
            changed = []
        else:
            changed = [
                str(f.verbose_name)
                for f in fields
                if getattr(record, f.attname) != getattr(previous, f.attname)
            ]
        rows.append(
            HistoryRow(
                when=record.history_date,
                who=display_name(record.history_user),
                action=ACTIONS.get(record.history_type, record.history_type),
                fields=changed,
            )
        )
    return rows


@cache
def history_read(model, limit):
    """The latest `limit` records of an object of `model`, as a prepared read."""
    records = historical_model(model).objects.select_related("history_user")
    return Prepared(
        lambda pk: records.filter(**{model._meta.pk.attname: pk}).order_by("-history_date")[:limit]
    )


@cache
def historical_model(model):
    """The model's history table. Asked of `model.history`, django-simple-history builds a
    manager class each time, which costs more than the query."""
    return model.history.model


def display_name(user):
    if user is None:
        return _("系统")
    return user.get_full_name() or user.username


ACTIONS = {"+": _("创建"), "~": _("修改"), "-": _("删除")}
