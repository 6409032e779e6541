"""A unit's items in order: by the plan's year, the plan and the task's 序号, kept on each
responsibility (`sort_key`) as tasks and plans change, so that a page of them is read along
an index."""

from tasks.models import Plan, Task
from tasks.selectors import unit_items
from tests.conftest import make_plan, make_task, make_unit, make_user, misplaced


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


def test_the_task_list_of_a_unit_is_in_the_unit_pages_order(client, db):
    """Filtered by a unit (and a role), the list reads the unit's responsibilities along the
    same index: each task once, by year, plan and 序号, whatever other unit it has."""
    unit, other = make_unit(), make_unit()
    later, earlier = make_plan(year=2024, title="后"), make_plan(year=2022, title="前")
    first = make_task(plan=later, lead=[unit], support=[other])
    second = make_task(plan=earlier, support=[unit, other])
    third = make_task(plan=earlier, lead=[other], support=[unit])
    make_task(plan=earlier, lead=[other])
    client.force_login(make_user("someone"))

    def listed(query):
        html = client.get(f"/tasks/?{query}").content.decode()
        return [t.pk for t in (first, second, third) if f'href="/tasks/{t.pk}/"' in html], html

    shown, html = listed(f"unit={unit.pk}")
    assert shown == [first.pk, second.pk, third.pk] and "共 3 项任务" in html
    assert html.index(f'href="/tasks/{second.pk}/"') < html.index(f'href="/tasks/{third.pk}/"')
    assert html.index(f'href="/tasks/{third.pk}/"') < html.index(f'href="/tasks/{first.pk}/"')
    shown, html = listed(f"unit={unit.pk}&role=support")
    assert shown == [second.pk, third.pk] and "共 2 项任务" in html
    red = Task.objects.filter(pk__in=[second.pk, third.pk], light="red").count()
    _shown, html = listed(f"unit={unit.pk}&role=support&light=red")
    assert f"共 {red} 项任务" in html
