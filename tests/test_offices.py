"""Offices on one install: each 产改办 manages its own plans, reads the offices below it, and
sees nothing of its neighbours' or another province's work."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import Plan, ProgressReport, Task
from tests.conftest import make_plan, make_task, make_unit, make_user, queries_for
from tests.test_admin_import import HEADER, confirm, upload, xlsx
from units.models import Unit
from units.roles import LEADER, OFFICE

JIANGSU = "新时代江苏产业工人队伍建设改革联席会议办公室"


class Cascade:
    """江苏 → 常州市 → two counties (武进区, 新北区), each office with a plan that implements
    the one above it, and a staff member of each."""

    def __init__(self):
        province = Unit.objects.get(name=JIANGSU)
        self.city = make_unit(name="常州市产改办", is_office=True, parent=province)
        self.county = make_unit(name="武进区产改办", is_office=True, parent=self.city)
        self.neighbour = make_unit(name="新北区产改办", is_office=True, parent=self.city)
        self.department = make_unit(name="武进区人社局", parent=self.county)
        self.other_department = make_unit(name="新北区人社局", parent=self.neighbour)
        higher = Plan.objects.get(doc_number="苏产改办〔2022〕12号")
        self.city_plan = make_plan(title="常州市实施方案", office=self.city, parent=higher)
        self.city_department = make_unit(name="常州市人社局", parent=self.city)
        self.measure = make_task(
            plan=self.city_plan, lead=[self.city_department], title="技能提升行动"
        )
        self.uncovered = make_task(plan=self.city_plan, title="职工之家建设")
        self.plan = make_plan(title="武进区工作要点", office=self.county, parent=self.city_plan)
        self.task = make_task(
            plan=self.plan, lead=[self.department], parent_task=self.measure, title="武进培训"
        )
        self.other_plan = make_plan(
            title="新北区工作要点", office=self.neighbour, parent=self.city_plan
        )
        self.other_task = make_task(
            plan=self.other_plan,
            lead=[self.other_department],
            parent_task=self.measure,
            title="新北培训",
        )
        self.users = {
            "city": make_user("city", group=OFFICE, unit=self.city, is_staff=True),
            "county": make_user("county", group=OFFICE, unit=self.county, is_staff=True),
            "county_leader": make_user("county-leader", group=LEADER, unit=self.county),
            "neighbour": make_user("neighbour", group=OFFICE, unit=self.neighbour),
            "department": make_user("wj-hr", unit=self.department),
        }

    def client(self, name):
        client = Client()
        client.force_login(self.users[name])
        return client


@pytest.fixture
def cascade(seed):
    return Cascade()


def status(client, name, *args, method="get"):
    return getattr(client, method)(reverse(name, args=args)).status_code


def test_it_reads_its_own_plan_and_nothing_of_its_neighbours(cascade):
    county = cascade.client("county")
    assert status(county, "tasks:plan", cascade.plan.pk) == 200
    for name, arg in [
        ("tasks:plan", cascade.other_plan.pk),
        ("tasks:ledger", cascade.other_plan.pk),
        ("tasks:import", cascade.other_plan.pk),
        ("tasks:coverage", cascade.other_plan.pk),
        ("tasks:task", cascade.other_task.pk),
        ("tasks:unit", cascade.other_department.pk),
    ]:
        assert status(county, name, arg) == 404, name
    for name, arg in [
        ("tasks:close", cascade.other_task.pk),
        ("tasks:remind_task", cascade.other_task.pk),
        ("tasks:archive", cascade.other_plan.pk),
    ]:
        assert status(county, name, arg, method="post") == 404, name


def test_it_reads_the_city_plan_it_implements_but_cannot_act_on_it(cascade):
    county = cascade.client("county")
    assert status(county, "tasks:plan", cascade.city_plan.pk) == 200
    assert status(county, "tasks:ledger", cascade.city_plan.pk) == 200
    assert status(county, "tasks:carry_over", cascade.city_plan.pk) == 403
    for name, arg in [
        ("tasks:close", cascade.measure.pk),
        ("tasks:remind_task", cascade.measure.pk),
        ("tasks:archive", cascade.city_plan.pk),
        ("tasks:alignment", cascade.city_plan.pk),
    ]:
        assert status(county, name, arg, method="post") == 403, name
    cascade.measure.refresh_from_db()
    assert cascade.measure.closed_at is None
    page = county.get(cascade.city_plan.get_absolute_url()).content.decode()
    assert "/remind/" not in page and "/close/" not in page  # no 催办 or 办结 button


def test_the_city_reads_both_counties_and_manages_only_its_own_plan(cascade):
    city = cascade.client("city")
    for plan in (cascade.plan, cascade.other_plan, cascade.city_plan):
        assert status(city, "tasks:plan", plan.pk) == 200
    assert status(city, "tasks:close", cascade.task.pk, method="post") == 403
    assert status(city, "tasks:close", cascade.measure.pk, method="post") == 302
    overview = city.get("/").content.decode()
    assert "武进区工作要点" in overview and "新北区工作要点" in overview
    assert "绿建区" not in overview  # a sibling's tree under the province, not the city's


def test_an_office_ranks_the_units_of_its_own_tree(cascade):
    ranked = {
        name: [row.obj.name for row in cascade.client(name).get("/").context["units"]]
        for name in ("county", "city")
    }
    assert ranked["county"] == ["武进区人社局"]  # not the city's department it reads above
    assert set(ranked["city"]) == {"常州市人社局", "武进区人社局", "新北区人社局"}


def test_a_leader_reads_the_office_s_tree_and_changes_nothing(cascade):
    leader = cascade.client("county_leader")
    assert status(leader, "tasks:plan", cascade.plan.pk) == 200
    assert status(leader, "tasks:plan", cascade.other_plan.pk) == 404
    assert status(leader, "tasks:close", cascade.task.pk, method="post") == 403


def test_a_department_reads_its_plan_and_the_one_above_it(cascade):
    department = cascade.client("department")
    assert status(department, "tasks:plan", cascade.plan.pk) == 200
    assert status(department, "tasks:plan", cascade.city_plan.pk) == 200
    assert status(department, "tasks:plan", cascade.other_plan.pk) == 404
    assert status(department, "tasks:coverage", cascade.city_plan.pk) == 403


def test_lists_searches_filters_and_exports_hold_only_what_it_reads(cascade):
    county = cascade.client("county")
    listed = county.get(reverse("tasks:list")).content.decode()
    assert "武进培训" in listed and "技能提升行动" in listed and "新北培训" not in listed
    assert "新北区工作要点" not in listed  # nor among the plan filter's choices
    searched = county.get(reverse("tasks:list") + "?q=新北培训").content.decode()
    assert "共 0 项任务" in searched
    chosen = county.get(reverse("tasks:list") + f"?plan={cascade.other_plan.pk}")
    assert "新北培训" not in chosen.content.decode()
    export = county.get(reverse("tasks:list") + "?export=xlsx")
    cells = {
        cell
        for sheet in load_workbook(io.BytesIO(export.content))
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    }
    assert "武进培训" in cells and "新北培训" not in cells


def test_the_review_queue_holds_only_its_own_plans_reports(cascade):
    for task, unit in [
        (cascade.task, cascade.department),
        (cascade.other_task, cascade.other_department),
    ]:
        ProgressReport.objects.create(
            task=task, unit=unit, progress=f"{task.title}进展", state="submitted"
        )
    queue = cascade.client("county").get(reverse("tasks:review")).content.decode()
    assert "武进培训" in queue and "新北培训" not in queue
    city_queue = cascade.client("city").get(reverse("tasks:review")).content.decode()
    assert "武进培训" not in city_queue  # the city reads it; the county reviews it


def test_the_admin_shows_and_imports_only_its_own_plans(cascade):
    county = cascade.client("county")
    plans = county.get(reverse("admin:tasks_plan_changelist")).content.decode()
    assert "武进区工作要点" in plans and "新北区工作要点" not in plans
    assert "常州市实施方案" not in plans  # read in the app, changed by the city
    other = county.get(reverse("admin:tasks_plan_change", args=[cascade.other_plan.pk]))
    assert other.status_code == 302  # the admin's answer for an object that is not there
    tasks = county.get(reverse("admin:tasks_task_changelist")).content.decode()
    assert "武进培训" in tasks and "新北培训" not in tasks
    row = ["新北区工作要点", "", 9, "9", "闯入任务", "", "新北区人社局", "", ""]
    response = upload(county, xlsx(row, header=HEADER))
    assert "confirm_form" not in (response.context or {})
    assert not Task.objects.filter(title="闯入任务").exists()


def test_the_admin_imports_into_its_own_plan(cascade):
    county = cascade.client("county")
    row = ["武进区工作要点", "", 9, "9", "新增任务", "", "武进区人社局", "", ""]
    confirm(county, upload(county, xlsx(row, header=HEADER)))
    assert Task.objects.filter(plan=cascade.plan, title="新增任务").exists()


def test_the_city_sees_which_counties_carry_out_each_measure(cascade):
    # A county office with no plan yet: below the city, it carries out nothing.
    make_unit(name="金坛区产改办", is_office=True, parent=cascade.city)
    city = cascade.client("city")
    response = city.get(reverse("tasks:coverage", args=[cascade.city_plan.pk]))
    offices, rows = response.context["offices"], response.context["rows"]
    assert [o.name for o in offices] == ["新北区产改办", "武进区产改办", "金坛区产改办"]  # by name
    covered = {row.measure.title: [cell.total for cell in row.cells] for row in rows}
    assert covered == {"技能提升行动": [1, 1, 0], "职工之家建设": [0, 0, 0]}
    assert [row.uncovered for row in rows] == [1, 3]
    listed = city.get(rows[0].cells[1].url).content.decode()
    assert "武进培训" in listed and "新北培训" not in listed and "共 1 项任务" in listed


def test_coverage_shows_a_county_only_the_offices_it_reads(cascade):
    county = cascade.client("county")
    response = county.get(reverse("tasks:coverage", args=[cascade.city_plan.pk]))
    assert [o.name for o in response.context["offices"]] == ["武进区产改办"]


def test_coverage_queries_do_not_grow(cascade):
    city = cascade.client("city")
    url = reverse("tasks:coverage", args=[cascade.city_plan.pk])
    small = queries_for(city, url)
    for n in range(5):
        office = make_unit(name=f"第{n}区产改办", is_office=True, parent=cascade.city)
        plan = make_plan(title=f"第{n}区要点", office=office, parent=cascade.city_plan)
        make_task(plan=plan, parent_task=cascade.uncovered)
        make_task(plan=cascade.city_plan)
    assert queries_for(city, url) == small


def test_the_seed_places_each_plan_with_its_office(demo_users):
    lvjian = Plan.objects.get(title__startswith="2023年绿建区")
    jiangsu = Plan.objects.get(doc_number="苏产改办〔2022〕12号")
    shanhu = Plan.objects.get(title__contains="剡湖街道")
    readable = {
        name: set(Plan.objects.visible_to(demo_users[name]))
        for name in ("sheng", "shanhu", "office", "zonghe")
    }
    assert readable["sheng"] == {lvjian, jiangsu}
    assert readable["shanhu"] == {shanhu}
    assert readable["office"] == readable["zonghe"] == {lvjian, jiangsu}
    assert set(Plan.objects.managed_by(demo_users["office"])) == {lvjian}
    assert set(Plan.objects.managed_by(demo_users["sheng"])) == {jiangsu}
    assert lvjian.parent == jiangsu and lvjian.office.name == "绿建区"


def test_the_admin_keeps_units_and_memberships_within_its_tree(cascade):
    county = cascade.client("county")
    units = county.get(reverse("admin:units_unit_changelist")).content.decode()
    assert "武进区人社局" in units and "新北区人社局" not in units
    response = county.post(
        reverse("admin:units_membership_add"),
        {"user": cascade.users["county"].pk, "unit": cascade.neighbour.pk, "role": "liaison"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert not cascade.users["county"].memberships.filter(unit=cascade.neighbour).exists()


def test_the_admin_exports_only_its_own_plans_tasks(cascade):
    fields = ["plan", "section", "seq", "code", "title", "content", "lead", "support", "due_on"]
    response = cascade.client("county").post(
        reverse("admin:tasks_task_export"),
        {"resource": "0", "format": "0", **{f"taskresource_{f}": "on" for f in fields}},
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert titles == {"武进培训"}


def test_a_ledger_of_another_office_s_plan_is_not_there(cascade):
    county = cascade.client("county")
    for plan in (cascade.other_plan, Plan.objects.get(title__contains="剡湖街道")):
        assert county.get(reverse("tasks:ledger", args=[plan.pk])).status_code == 404


def admin_import(client, model, *rows, header):
    """An admin import up to its confirmation, if the file passes: the response."""
    response = client.post(
        reverse(f"admin:{model}_import"),
        {"resource": "0", "format": "0", "import_file": xlsx(*rows, header=header)},
    )
    form = (response.context or {}).get("confirm_form")
    if form is None:
        return response
    return client.post(reverse(f"admin:{model}_process_import"), form.initial, follow=True)


PLAN_HEADER = ["标题", "产改办", "文号", "印发单位", "印发日期", "年度", "执行起始", "执行截止"]
PLAN_HEADER += ["层级", "填报周期"]


def test_an_imported_plan_belongs_to_its_importer_s_office_and_no_other(demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    own = ["导入方案甲", "", "", "", "", 2024, "", "", "park", "quarterly"]
    admin_import(client, "tasks_plan", own, header=PLAN_HEADER)
    assert Plan.objects.get(title="导入方案甲").office.name == "绿建区"
    other = ["导入方案乙", JIANGSU, "", "", "", 2024, "", "", "park", "quarterly"]
    admin_import(client, "tasks_plan", other, header=PLAN_HEADER)
    assert not Plan.objects.filter(title="导入方案乙").exists()


def test_imported_units_stay_in_the_importer_s_tree(demo_users):
    client = Client()
    client.force_login(demo_users["office"])
    header = ["名称", "简称", "类型", "上级单位", "排序"]
    admin_import(client, "units_unit", ["园区新部门", "", "department", "绿建区", 9], header=header)
    assert Unit.objects.get(name="园区新部门").parent.name == "绿建区"
    outside = ["越界部门", "", "department", "中共嵊州市剡湖街道工作委员会", 9]
    admin_import(client, "units_unit", outside, header=header)
    admin_import(client, "units_unit", ["无上级部门", "", "department", "", 9], header=header)
    assert not Unit.objects.filter(name__in=["越界部门", "无上级部门"]).exists()
