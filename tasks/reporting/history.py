"""Change history as people read it: who, when, and which fields changed."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

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
    tracked = obj.history.model.tracked_fields
    fields = [f for f in tracked if f.concrete and f.attname not in IGNORED]
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
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


def display_name(user):
    if user is None:
        return _("系统")
    return user.get_full_name() or user.username


ACTIONS = {"+": _("创建"), "~": _("修改"), "-": _("删除")}
