"""A unit's items in order: by the plan's year, the plan and the task's 序号, kept on each
responsibility (`sort_key`) as tasks and plans change, so that a page of them is read along
an index."""

from tasks.models import Plan, Task
from tasks.selectors import unit_items
from tests.conftest import make_plan, make_task, make_unit, misplaced


def test_a_units_items_are_listed_lead_first_by_year_plan_and_number(db):
    unit = make_unit()
    later, earlier = make_plan(year=2024, title="后"), make_plan(year=2022, title="前")
    support_later = make_task(plan=later, support=[unit])
    lead_earlier = make_task(plan=earlier, lead=[unit])
    support_earlier = make_task(plan=earlier, support=[unit])
    lead_later = make_task(plan=later, lead=[unit])
    _page, items = unit_items(unit, None)
    assert [i.task_id for i in items] == [
        lead_earlier.pk,
        lead_later.pk,
        support_earlier.pk,
        support_later.pk,
    ]
    assert not misplaced()


def test_a_task_renumbered_or_moved_and_a_plan_of_another_year_keep_the_order(db):
    unit = make_unit()
    first, second = make_plan(year=2023, title="甲"), make_plan(year=2023, title="乙")
    tasks = [make_task(plan=first, lead=[unit]) for _ in range(3)]
    task = Task.objects.get(pk=tasks[0].pk)
    task.seq = 9  # read, then renumbered: after the other two
    task.save()
    assert [i.task_id for i in unit_items(unit, None)[1]] == [tasks[1].pk, tasks[2].pk, task.pk]
    task.plan = second
    task.save(update_fields=["plan"])
    assert not misplaced()
    plan = Plan.objects.get(pk=second.pk)
    plan.year = 2021  # the moved task's plan now comes first
    plan.save()
    assert [i.task_id for i in unit_items(unit, None)[1]][0] == task.pk
    assert not misplaced()


def test_a_year_or_number_out_of_bounds_is_listed_last_and_saves(db):
    """The admin accepts any positive year and 序号: the key must not overflow."""
    unit = make_unit()
    plan = make_plan(year=2023)
    make_task(plan=plan, lead=[unit])
    task = make_task(plan=plan, lead=[unit], seq=10**9)
    plan = Plan.objects.get(pk=plan.pk)
    plan.year = 10**9
    plan.save()
    assert [i.task_id for i in unit_items(unit, None)[1]][-1] == task.pk
