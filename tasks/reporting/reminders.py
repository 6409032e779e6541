"""催办: find the reports that are due or overdue and notify the units' members, once a day."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tasks.models import Reminder, Task
from tasks.standing.lights import assess_tasks, reporting
from tasks.standing.periods import Period
from units.models import Membership


@dataclass
class Due:
    task: Task
    unit: object
    period: Period
    kind: str  # Reminder.Kind

    @property
    def key(self):
        return (self.task.pk, self.unit.pk, self.period.start)


def reminders_due(tasks, today, unit=None) -> list[Due]:
    """Reports owed now: overdue ones, and due ones within the plan's warning window."""
    items = []
    for task in assess_tasks(tasks, today):
        for owner in task.lead_units + task.support_units:
            if unit is not None and owner.pk != unit.pk:
                continue
            state = reporting(task, owner.pk, today, task.sent)
            if state.state == "overdue":
                items.append(Due(task, owner, state.period, Reminder.Kind.OVERDUE))
            elif state.state == "due" and (
                (state.period.deadline - today).days <= task.plan.warning_days
            ):
                items.append(Due(task, owner, state.period, Reminder.Kind.DUE))
    return items


@dataclass
class Sent:
    """What 催办 did: the reminders it recorded (each shows on its unit's page), whom each
    unit's e-mail reached, and the units no e-mail reached (no member with an address)."""

    reminders: list
    reached: dict  # unit -> [(name, address)]
    unreachable: list  # units


@transaction.atomic
def reminders_send(items: list[Due], *, today, sent_by=None) -> Sent:
    """E-mails each unit's members its items and records them; an item already reminded today
    is skipped, so running this many times a day sends each reminder once. A unit none of
    whose members has an address sees its reminders only on its page."""
    done_today = set(
        Reminder.objects.filter(sent_on=today, task__in={i.task.pk for i in items}).values_list(
            "task_id", "unit_id", "period"
        )
    )
    by_unit = defaultdict(list)
    for item in items:
        if item.key not in done_today:
            done_today.add(item.key)
            by_unit[item.unit].append(item)
    contacts = member_contacts(by_unit)
    sent = Sent([], {}, [])
    for unit, unit_items in by_unit.items():
        people = contacts.get(unit.pk, [])
        if people:
            notify(unit, unit_items, [address for _, address in people])
            sent.reached[unit] = people
        else:
            sent.unreachable.append(unit)
        sent.reminders += [
            Reminder(
                task=i.task,
                unit=unit,
                period=i.period.start,
                kind=i.kind,
                sent_on=today,
                sent_by=sent_by,
                recipients=", ".join(address for _, address in people),
            )
            for i in unit_items
        ]
    sent.reminders = Reminder.objects.bulk_create(sent.reminders)
    return sent


def member_contacts(units) -> dict:
    """(name, address) of each unit's active members with an e-mail address, by unit id."""
    contacts = defaultdict(list)
    members = Membership.objects.filter(unit__in=list(units)).select_related("user")
    for membership in members:
        user = membership.user
        if user.email and user.is_active:
            contacts[membership.unit_id].append((user.get_full_name() or user.username, user.email))
    return contacts


def notify(unit, items, recipients):
    subject = _("【催办】%(unit)s有%(count)d项进展报告待报送") % {
        "unit": unit.display_name,
        "count": len(items),
    }
    body = render_to_string("tasks/email/reminder.txt", {"unit": unit, "items": items})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
