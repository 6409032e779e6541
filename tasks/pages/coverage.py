"""覆盖情况: how the offices below carry out each measure of a higher plan."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from tasks.models import Light, Plan, Task
from tasks.pages.dashboard import task_list_url
from units.models import Unit


@dataclass
class Cell:
    """One office's tasks that carry out one measure: how many, done, red."""

    total: int = 0
    done: int = 0
    red: int = 0
    url: str = ""


@dataclass
class MeasureRow:
    measure: Task
    cells: list = field(default_factory=list)  # one per office, in the offices' order

    @property
    def covered(self):
        return sum(1 for cell in self.cells if cell.total)

    @property
    def uncovered(self):
        return len(self.cells) - self.covered


def coverage(plan, user):
    """Each measure of `plan` against each office the user reads that should carry it out:
    the offices next below the plan's office, and any other whose plan implements it (a plan
    whose higher plan is `plan`). An office with no such plan covers nothing. Four queries
    however large the cascade."""
    plans = Plan.objects.visible_to(user).current().filter(parent=plan)
    below = Unit.objects.offices_below(plan.office_id) if plan.office_id else []
    implementing = plans.values("office")
    offices = list(
        Unit.objects.visible_to(user)
        .filter(Q(pk__in=below) | Q(pk__in=implementing))
        .order_by("sort_order", "name")
    )
    counts = {
        (row["parent_task"], row["plan__office"]): row
        for row in Task.objects.filter(plan__in=plans, parent_task__plan=plan)
        .values("parent_task", "plan__office")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=Task.Status.DONE)),
            red=Count("pk", filter=Q(light=Light.RED)),
        )
        .order_by()
    }
    rows = []
    for measure in plan.tasks.order_by("seq").only("pk", "code", "title", "plan_id"):
        row = MeasureRow(measure)
        for office in offices:
            found = counts.get((measure.pk, office.pk), {})
            url = task_list_url(measure=measure.pk, office=office.pk)
            row.cells.append(
                Cell(found.get("total", 0), found.get("done", 0), found.get("red", 0), url)
            )
        rows.append(row)
    return offices, rows
